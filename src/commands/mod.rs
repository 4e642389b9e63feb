//! The subcommands: each takes plain options, does its work through the library, and returns
//! what to print. Argument parsing lives in [`crate::cli`].

pub mod calibrate;
pub mod check;
pub mod compare;
pub mod report;
pub mod run;
pub mod sensitivity;
pub mod sweep;

use crate::error::Error;
use crate::model::ModelOptions;
use crate::scenario::Scenario;
use crate::simulate::peak_bytes_per_run;

/// Refuses a run that cannot fit in memory, before allocating anything. `copies`: how many
/// simulations are held at once (2 for a comparison).
pub fn check_memory(runs: u64, options: ModelOptions, copies: u64) -> Result<(), Error> {
    let per_run = peak_bytes_per_run(options) * copies;
    let needed = runs.saturating_mul(per_run);
    let Some(available) = available_memory() else {
        return Ok(());
    };
    let usable = available / 10 * 9;
    if needed > usable || usize::try_from(runs).is_err() {
        return Err(Error::TooLarge {
            runs,
            needed: bytes(needed),
            available: bytes(available),
            max_runs: round_down(usable / per_run),
        });
    }
    Ok(())
}

pub(crate) fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// A readable run count not above `n`: two significant digits.
fn round_down(n: u64) -> u64 {
    let unit = 10u64.pow((n.max(1).ilog10()).saturating_sub(1));
    n / unit * unit
}

fn bytes(n: u64) -> String {
    format!("{:.1} GiB", n as f64 / (1u64 << 30) as f64)
}

/// Runs `work` on a pool of `threads` threads (0: one per core).
pub fn with_threads<T: Send>(threads: usize, work: impl FnOnce() -> T + Send) -> Result<T, Error> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Runtime(format!("cannot start {threads} threads: {e}")))?;
    Ok(pool.install(work))
}

/// Runs and seed: the flag if given, else the scenario's, else the default.
pub fn runs_and_seed(scenario: &Scenario, runs: Option<u64>, seed: Option<u64>) -> (u64, u64) {
    (
        runs.or(scenario.simulation.runs)
            .unwrap_or(run::DEFAULT_RUNS),
        seed.or(scenario.simulation.seed)
            .unwrap_or(run::DEFAULT_SEED),
    )
}
