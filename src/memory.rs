//! How much memory a command needs at its peak, worked out from what its code allocates, and
//! the refusal of a command that cannot fit, before it allocates anything, with the largest
//! size that does.
//!
//! Every estimate counts what grows with the sizes the user chooses (runs, Sobol base points,
//! grid points); what does not (the program, thread stacks, one block of draws per thread) is a
//! few megabytes and is left to the margin kept free of the probed memory.

use std::path::Path;

use crate::error::Error;

/// Bytes flopcast may use, overriding the probe of the machine (plain bytes, e.g. 2000000000).
pub const LIMIT_VAR: &str = "FLOPCAST_MEMORY_LIMIT_BYTES";

const F64: u64 = std::mem::size_of::<f64>() as u64;
const USIZE: u64 = std::mem::size_of::<usize>() as u64;

/// `run`, `compare`, `sweep`, `check`, `calibrate` and `portfolio` reducing their runs as they are drawn
/// ([`crate::stats::stream`]) into `columns` columns (a metric of a scenario, or of B − A): the
/// values kept around the percentiles, at the peak of the waves, held in growing vectors (up to
/// twice their length), with one column's kept values copied while its brackets are narrowed;
/// per replicate, each column's moments and counts against each percentile's interval; and
/// the states of a group of chunks in flight (each column's moments and counts, with the
/// vectors that hold them).
pub fn streamed(runs: u64, columns: u64, percentiles: &[f64], replicates: u64) -> u64 {
    const TALLY: u64 = 56;
    const MOMENTS: u64 = 64;
    const VEC: u64 = 24;
    let kept = crate::stats::stream::kept_at_peak(runs, percentiles, Default::default());
    let values = kept.saturating_mul(F64).saturating_mul(2 * columns + 1);
    let counts = percentiles.len() as u64 * TALLY;
    let per_replicate = columns * (counts + MOMENTS);
    let chunk = columns * (counts + MOMENTS + F64 + 3 * VEC);
    values
        .saturating_add(replicates.saturating_mul(per_replicate))
        .saturating_add(pass_states(runs, chunk))
}

/// A reduction of the caller's in one more pass over streamed runs
/// ([`crate::stats::stream::Streamed::again`]): a state of `state` bytes per chunk of a group
/// held at once, the one they merge into, and the empty one each starts as a copy of.
pub fn pass_states(runs: u64, state: u64) -> u64 {
    use crate::stats::stream::GROUP_CHUNKS;
    let chunks = runs.div_ceil(crate::sample::CHUNK_RUNS as u64);
    (chunks.min(GROUP_CHUNKS as u64) + 2).saturating_mul(state)
}

/// The plan of a sensitivity study, as far as memory goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SensitivityPlan {
    pub runs: u64,
    /// Uncertain inputs (k).
    pub inputs: u64,
    /// Outputs of the model (m).
    pub metrics: u64,
    /// Base points of the Sobol study (N).
    pub sobol_n: u64,
    pub bootstrap: u64,
    pub threads: u64,
}

/// `sensitivity`, from the order of its steps in [`crate::commands::sensitivity`]: the runs
/// streamed with every input's draws beside the outputs (m + k columns, the inputs' quartiles
/// kept) and, while what that stream kept is held, the passes that find the drivers
/// ([`drivers`]); then the Sobol study ([`sobol`]); then each pinned run streamed for its
/// median (counted as the larger of it and the drivers' passes).
pub fn sensitivity(p: &SensitivityPlan) -> u64 {
    use crate::analyze::drivers::QUARTILES;
    let (m, k) = (p.metrics, p.inputs);
    let stream = streamed(p.runs, m + k, &QUARTILES, 1);
    let held = crate::stats::stream::kept_at_peak(p.runs, &QUARTILES, Default::default())
        .saturating_mul(F64 * (m + k));
    let found = stream.max(held.saturating_add(drivers(p.runs, k, 2)));
    let pinned = streamed(p.runs, m, &crate::stats::stream::MEDIAN, 1);
    let study = sobol(p.sobol_n, k, m, p.bootstrap, p.threads);
    // What the passes freed stays with the allocator's per-thread arenas, which the Sobol
    // study's larger blocks do not all reuse: counted on top, not beside.
    found.max(pinned).saturating_add(study)
}

/// What [`crate::analyze::drivers`] adds for `inputs` inputs and `goals` goals: every column's
/// bins (counts, runs below, one value or more; each coarse bucket's first bin and width);
/// then the largest of its passes: the coarse count (u32 per bucket per chunk of a group), the
/// fine count (per bin a u32 count and two keys, and per input per goal a u32 of exceeding
/// runs, per chunk; merged into u64s), or the kept values with the fine count's totals: up to
/// [`crate::analyze::drivers::KEEP_BYTES`] merged and as much again in the chunks' shares
/// (growing vectors' unused ends are never touched, so not resident), then a u32 order per
/// value while each segment is ranked into records about as large.
pub fn drivers(runs: u64, inputs: u64, goals: u64) -> u64 {
    use crate::analyze::drivers::{KEEP_BYTES, bins_for};
    let columns = inputs + 1;
    let (buckets, fine) = bins_for(runs);
    let bins = buckets + fine;
    let layout = columns * (bins * (2 * F64 + 1) + buckets * (USIZE + F64));
    let coarse = pass_states(runs, columns * buckets * 4) + columns * buckets * F64;
    let fine_state = columns * bins * (4 + 2 * F64) + inputs * goals * bins * 4;
    let totals = columns * bins * (F64 + 2 * F64) + inputs * goals * bins * F64;
    let fine = pass_states(runs, fine_state).saturating_add(totals);
    // The kept values of every column if they fit one pass, else a pass's worth.
    let record = (F64 + 4 * inputs) + inputs * (F64 + 4 + 1);
    let kept = runs.saturating_mul(record).min(KEEP_BYTES);
    let ranking = kept.saturating_mul(2).saturating_add(kept / (F64 + 5) * 4);
    layout.saturating_add(coarse.max(fine).max(ranking.saturating_add(totals)))
}

/// The Sobol study ([`crate::analyze::sobol`]): the plan's matrices A and B (2·N·k), the model's
/// rows (N·(k+2)·m) and the per-output columns made from them, which the centred copies replace
/// (N·(k+2)·m); while the bootstrap runs, one Poisson weight (u32) per row per thread, and per
/// replicate S1 and ST of every input for every output.
pub fn sobol(n: u64, inputs: u64, metrics: u64, bootstrap: u64, threads: u64) -> u64 {
    let points = n.saturating_mul(2 * inputs + 2 * (inputs + 2) * metrics);
    let weights = n.saturating_mul(4).saturating_mul(threads.max(1));
    let replicates = bootstrap * metrics * (2 * heap(inputs * F64) + 2 * 3 * USIZE);
    points
        .saturating_mul(F64)
        .saturating_add(weights)
        .saturating_add(replicates)
}

/// `sweep`: points run one after another, so one point's stream at a time (`per_run`, from
/// [`streamed`]), and every finished point's report kept until the files are written.
pub fn sweep(per_run: u64, points: u64, bytes_per_point: u64) -> u64 {
    per_run.saturating_add(points.saturating_mul(bytes_per_point))
}

/// `update`: every run's record (`draw_bytes`), twice while the chunks are joined, and the
/// weighted figures alive at once (a value and a running weight per run each, sorted in place
/// as pairs).
pub fn update(runs: u64, draw_bytes: u64) -> u64 {
    const FIGURES: u64 = 10;
    runs.saturating_mul(2 * draw_bytes + FIGURES * 16 + 16)
}

/// What the allocator takes for a request of `bytes`: glibc's chunks carry an 8-byte header,
/// are 16-byte aligned and at least 32 bytes.
pub fn heap(bytes: u64) -> u64 {
    if bytes == 0 {
        0
    } else {
        (bytes + 8).div_ceil(16).max(2) * 16
    }
}

/// A samples file's text held at once for `runs` rows of `columns` cells: two waves (one
/// written while the next is rendered) of up to [`PIECES_AT_ONCE`] pieces of [`PIECE_RUNS`]
/// rows, each allocated at [`BYTES_PER_NUMBER`] a cell.
///
/// [`PIECES_AT_ONCE`]: crate::report::PIECES_AT_ONCE
/// [`PIECE_RUNS`]: crate::report::PIECE_RUNS
/// [`BYTES_PER_NUMBER`]: crate::report::BYTES_PER_NUMBER
pub fn samples_text(runs: u64, columns: u64) -> u64 {
    use crate::report::{BYTES_PER_NUMBER, PIECE_RUNS, PIECES_AT_ONCE};
    let rows = runs.min((2 * PIECES_AT_ONCE * PIECE_RUNS) as u64);
    rows * columns * BYTES_PER_NUMBER as u64
}

/// Bytes this process may use, if known: [`LIMIT_VAR`] if set, else 90% of the smaller of the
/// machine's available memory and what its cgroup still allows (the rest is left to the system
/// and to the allocations too small to count).
pub fn usable() -> Result<Option<u64>, Error> {
    if let Some(value) = std::env::var_os(LIMIT_VAR) {
        let text = value.to_string_lossy();
        return text.trim().parse::<u64>().map(Some).map_err(|_| {
            Error::Environment(format!(
                "{LIMIT_VAR}={text} is not a number of bytes; give a whole number such as \
                 8000000000, or unset it to use the available memory"
            ))
        });
    }
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok();
    let available = meminfo.as_deref().and_then(mem_available);
    let cgroup = std::fs::read_to_string("/proc/self/cgroup")
        .ok()
        .and_then(|c| cgroup_room(&c, Path::new("/sys/fs/cgroup")));
    let smallest = match (available, cgroup) {
        (Some(a), Some(c)) => Some(a.min(c)),
        (a, c) => a.or(c),
    };
    Ok(smallest.map(|b| b / 10 * 9))
}

/// MemAvailable of /proc/meminfo, in bytes.
fn mem_available(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The least room (limit − usage) of this process's cgroup and its ancestors: cgroup v2
/// (memory.max, memory.current) or v1 (memory.limit_in_bytes, memory.usage_in_bytes).
fn cgroup_room(proc_cgroup: &str, root: &Path) -> Option<u64> {
    let mut rooms = Vec::new();
    for line in proc_cgroup.lines() {
        let mut parts = line.splitn(3, ':');
        let (_, controllers, path) = (parts.next()?, parts.next()?, parts.next()?);
        let (dir, limit, usage) = if controllers.is_empty() {
            (root.to_path_buf(), "memory.max", "memory.current")
        } else if controllers.split(',').any(|c| c == "memory") {
            (
                root.join("memory"),
                "memory.limit_in_bytes",
                "memory.usage_in_bytes",
            )
        } else {
            continue;
        };
        let mut at = Some(Path::new(path.trim_start_matches('/')));
        while let Some(rel) = at {
            let read = |file: &str| -> Option<u64> {
                std::fs::read_to_string(dir.join(rel).join(file))
                    .ok()?
                    .trim()
                    .parse()
                    .ok()
            };
            // "max" (v2) does not parse: no limit at this level.
            if let (Some(l), Some(u)) = (read(limit), read(usage)) {
                rooms.push(l.saturating_sub(u));
            }
            at = rel.parent();
        }
    }
    rooms.into_iter().min()
}

/// One size the user controls, with the peak as a function of it (every other size as given).
pub struct Knob<'a> {
    pub flag: Flag,
    pub value: u64,
    pub peak: Box<dyn Fn(u64) -> u64 + 'a>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    Runs,
    /// The cap on the runs of a search for a precision.
    MaxRuns,
    SobolN,
    /// The number of grid points, the product of the `--set` value counts.
    GridPoints,
}

impl Flag {
    fn smallest(self) -> u64 {
        match self {
            Flag::SobolN => 64,
            Flag::Runs | Flag::MaxRuns | Flag::GridPoints => 1,
        }
    }

    /// The largest allowed value of the flag not above `n`, readable.
    fn allowed_below(self, n: u64) -> u64 {
        match self {
            Flag::Runs | Flag::MaxRuns => round_down(n),
            Flag::SobolN => 1 << n.max(1).ilog2(),
            Flag::GridPoints => n,
        }
    }

    fn advice(self, n: u64) -> String {
        match self {
            Flag::Runs => format!("use fewer runs (--runs {n} fits)"),
            Flag::MaxRuns => format!("cap the runs lower (--max-runs {n} fits)"),
            Flag::SobolN => format!("use a smaller Sobol study (--sobol-n {n} fits)"),
            Flag::GridPoints => format!(
                "sweep fewer points: give fewer --set values ({n} points fit, the product of \
                 the value counts)"
            ),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Flag::Runs => "--runs",
            Flag::MaxRuns => "--max-runs",
            Flag::SobolN => "--sobol-n",
            Flag::GridPoints => "--set",
        }
    }
}

/// Refuses a plan that needs more than the usable memory. The
/// advice names the first knob that, lowered alone, makes the plan fit, and the largest value
/// that fits; when none does alone, every knob at its smallest but the first.
pub fn check(what: &str, needed: u64, knobs: &[Knob]) -> Result<(), Error> {
    let Some(usable) = usable()? else {
        return Ok(());
    };
    check_within(usable, what, needed, knobs)
}

/// [`check`] against a given number of usable bytes.
pub fn check_within(usable: u64, what: &str, needed: u64, knobs: &[Knob]) -> Result<(), Error> {
    if needed <= usable {
        return Ok(());
    }
    let too_large = |advice: String| Error::TooLarge {
        what: what.to_string(),
        needed: size(needed),
        available: size(usable),
        advice,
    };
    for knob in knobs {
        if let Some(n) = largest_fitting(knob, usable) {
            return Err(too_large(knob.flag.advice(n)));
        }
    }
    // No knob alone: the others at their smallest, the first as large as then fits.
    let others_smallest: Vec<String> = knobs[1..]
        .iter()
        .map(|k| format!("{} {}", k.flag.name(), k.flag.smallest()))
        .collect();
    let advice = format!(
        "even {} at their smallest do not fit; free some memory",
        knobs
            .iter()
            .map(|k| k.flag.name())
            .collect::<Vec<_>>()
            .join(" and ")
    );
    if others_smallest.is_empty() {
        return Err(too_large(advice));
    }
    Err(too_large(format!(
        "{advice}, or lower {} as well as {}",
        others_smallest.join(" and "),
        knobs[0].flag.name()
    )))
}

/// `runs`, or when a run count that large cannot fit, the largest that does (readable, two
/// significant digits); `runs` as well when the usable memory is unknown or nothing fits
/// (the check that follows then says so).
pub fn fitting_runs(runs: u64, peak: impl Fn(u64) -> u64) -> Result<u64, Error> {
    let Some(usable) = usable()? else {
        return Ok(runs);
    };
    if peak(runs) <= usable {
        return Ok(runs);
    }
    let knob = Knob {
        flag: Flag::Runs,
        value: runs,
        peak: Box::new(peak),
    };
    Ok(largest_fitting(&knob, usable).unwrap_or(runs))
}

/// The largest allowed value below the knob's own that fits, if any.
fn largest_fitting(knob: &Knob, usable: u64) -> Option<u64> {
    let smallest = knob.flag.smallest();
    if knob.value <= smallest || (knob.peak)(smallest) > usable {
        return None;
    }
    // The peak grows with the size: bisect for the last size that fits.
    let (mut lo, mut hi) = (smallest, knob.value);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if (knob.peak)(mid) <= usable {
            lo = mid
        } else {
            hi = mid
        }
    }
    Some(knob.flag.allowed_below(lo).max(smallest))
}

/// A readable count not above `n`: two significant digits.
fn round_down(n: u64) -> u64 {
    let unit = 10u64.pow((n.max(1).ilog10()).saturating_sub(1));
    n / unit * unit
}

/// A size in GiB, or in MiB below 1 GiB so that a small limit never reads "0.0 GiB".
fn size(n: u64) -> String {
    const MIB: f64 = (1u64 << 20) as f64;
    if n < 1 << 30 {
        format!("{:.0} MiB", n as f64 / MIB)
    } else {
        format!("{:.1} GiB", n as f64 / (1024.0 * MIB))
    }
}

/// Worker threads a pool of `threads` runs on (0: one per core).
pub fn threads(threads: usize) -> u64 {
    if threads > 0 {
        threads as u64
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs_knob(per_run: u64) -> Knob<'static> {
        Knob {
            flag: Flag::Runs,
            value: 300_000_000,
            peak: Box::new(move |r| r * per_run),
        }
    }

    #[test]
    fn a_plan_that_fits_passes() {
        assert!(
            check_within(
                1 << 40,
                "300000000 runs",
                300_000_000 * 56,
                &[runs_knob(56)]
            )
            .is_ok()
        );
    }

    #[test]
    fn a_refusal_names_the_flag_and_the_largest_readable_size_that_fits() {
        let e = check_within(
            24 << 30,
            "300000000 runs",
            300_000_000 * 213,
            &[runs_knob(213)],
        )
        .unwrap_err();
        let text = e.to_string();
        // 24 GiB / 213 bytes = 120,984,681 runs: 120M shown.
        assert!(text.contains("--runs 120000000 fits"), "{text}");
        assert!(
            text.starts_with("300000000 runs would need about 59.5 GiB"),
            "{text}"
        );
    }

    #[test]
    fn the_sobol_size_offered_is_a_power_of_two() {
        let knobs = [
            Knob {
                flag: Flag::Runs,
                value: 1000,
                peak: Box::new(|r| 1_000_000 + r + 3000 * (1 << 20)),
            },
            Knob {
                flag: Flag::SobolN,
                value: 1 << 20,
                peak: Box::new(|n| 1_000_000 + 1000 + 3000 * n),
            },
        ];
        let text = check_within(100_000_000, "x", (knobs[1].peak)(1 << 20), &knobs)
            .unwrap_err()
            .to_string();
        // (1e8 − 1e6 − 1000) / 3000 = 32,999 points: 2^15 = 32768 is the largest power of two.
        assert!(text.contains("--sobol-n 32768 fits"), "{text}");
    }

    #[test]
    fn nothing_fits_says_so() {
        let knob = Knob {
            flag: Flag::Runs,
            value: 10,
            peak: Box::new(|r| 1000 + r),
        };
        let text = check_within(100, "10 runs", 1010, &[knob])
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("even --runs at their smallest do not fit"),
            "{text}"
        );
    }

    #[test]
    fn allocator_chunks_round_up() {
        assert_eq!(heap(0), 0);
        assert_eq!(heap(1), 32);
        assert_eq!(heap(24), 32);
        assert_eq!(heap(25), 48);
        assert_eq!(heap(1000), 1008);
    }

    #[test]
    fn meminfo_is_read_in_bytes() {
        let text = "MemTotal: 100 kB\nMemFree: 5 kB\nMemAvailable:   2048 kB\n";
        assert_eq!(mem_available(text), Some(2048 * 1024));
        assert_eq!(mem_available("MemTotal: 1 kB\n"), None);
    }

    #[test]
    fn the_tightest_cgroup_level_limits() {
        let root = tempfile::tempdir().unwrap();
        let write = |rel: &str, file: &str, text: &str| {
            let dir = root.path().join(rel);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(file), text).unwrap();
        };
        write("", "memory.max", "max\n");
        write("", "memory.current", "999\n");
        write("a", "memory.max", "10000\n");
        write("a", "memory.current", "4000\n");
        write("a/b", "memory.max", "max\n");
        write("a/b", "memory.current", "3000\n");
        assert_eq!(cgroup_room("0::/a/b\n", root.path()), Some(6000));
        assert_eq!(cgroup_room("0::/\n", root.path()), None);
        // cgroup v1: the memory controller's own hierarchy.
        write("memory/c", "memory.limit_in_bytes", "5000\n");
        write("memory/c", "memory.usage_in_bytes", "1000\n");
        assert_eq!(
            cgroup_room("4:cpu:/c\n3:memory,foo:/c\n", root.path()),
            Some(4000)
        );
    }
}
