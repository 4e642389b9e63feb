//! `--precision`: whole runs at growing run counts until the reported figures are as precise
//! as asked, or the cap is reached.
//!
//! Each round is a complete run of its own from the same seed, so the report is exactly what
//! `--runs` with the final count gives, for any thread count; the next count comes from the
//! square law ([`precision::next_runs`]), so after a first estimate one more round usually
//! suffices and the runs used stay close to the fewest that meet the target.

use super::progress::Progress;
use crate::analyze::precision::{self, FIRST_RUNS, Outcome, Target};
use crate::error::Error;
use crate::memory;
use crate::model::Metric;
use crate::stats::{Probability, Summary};

/// The cap on the run count when `--max-runs` is not given.
pub const DEFAULT_MAX_RUNS: u64 = 1_000_000_000;

/// A search for the run count that meets `targets`, at most `max_runs`.
pub struct Search<'a> {
    pub targets: &'a [Target],
    pub max_runs: u64,
    /// Show a progress display for each round.
    pub progress: bool,
    /// Runs drawn per run of the count: 2 for a comparison, the points of a sweep.
    pub per_run: u64,
}

/// What is judged of a round's result: every output's summary with where it belongs (see
/// [`precision::Summaries`]), and the chances with labels.
pub type Figures = (Vec<(String, Metric, Summary)>, Vec<(String, Probability)>);

/// The figures of one run's report, labelled with `place` (" of A", " at cluster.gpus=8192").
pub fn run_figures(report: &crate::report::RunReport, place: &str) -> Figures {
    let summaries = report
        .metrics
        .iter()
        .map(|(m, s)| (place.to_string(), *m, s.clone()))
        .collect();
    let chances = report
        .chances()
        .into_iter()
        .map(|(label, p)| (format!("{label}{place}"), p))
        .collect();
    (summaries, chances)
}

impl Search<'_> {
    /// Runs `round(runs, progress)` at growing run counts until `figures` of its result meet
    /// the targets or the cap is reached; the last result, and how it was reached.
    pub fn run<R>(
        &self,
        mut round: impl FnMut(u64, &(dyn Fn(u64) + Sync)) -> Result<R, Error>,
        figures: impl Fn(&R) -> Figures,
    ) -> Result<(R, Outcome), Error> {
        let mut runs = FIRST_RUNS.min(self.max_runs);
        let mut rounds = Vec::new();
        loop {
            let progress = Progress::new(runs * self.per_run, self.progress, "runs");
            progress.say(format!(
                "round {}: {} runs",
                rounds.len() + 1,
                crate::format::group_thousands(runs)
            ));
            let result = round(runs, &|n| progress.advance(n));
            progress.finish();
            let result = result?;
            rounds.push(runs);
            let (summaries, chances) = figures(&result);
            let verdict = precision::judge(self.targets, &summaries, &chances);
            if verdict.met || runs >= self.max_runs {
                let outcome = Outcome {
                    targets: self.targets.to_vec(),
                    met: verdict.met,
                    worst: verdict.worst,
                    rounds,
                    max_runs: self.max_runs,
                };
                return Ok((result, outcome));
            }
            runs = precision::next_runs(runs, &verdict, self.max_runs);
        }
    }
}

/// The most runs a command may draw, checked to fit before anything is drawn: its `runs`
/// (`origin` says where they were set, for the refusal); or, searching for a precision, the
/// `--max-runs` given, or the default cap lowered to what fits. `peak` gives the command's
/// peak bytes at a run count.
pub fn cap(
    precision: bool,
    max_runs: Option<u64>,
    (runs, origin): (u64, Option<String>),
    peak: impl Fn(u64) -> u64,
) -> Result<u64, Error> {
    match (precision, max_runs) {
        (false, _) => {
            super::check_memory(runs, peak).map_err(|e| e.with_runs_origin(origin))?;
            Ok(runs)
        }
        (true, Some(max)) => {
            super::check_memory_of(max, memory::Flag::MaxRuns, peak)?;
            Ok(max)
        }
        (true, None) => memory::fitting_runs(DEFAULT_MAX_RUNS, peak),
    }
}
