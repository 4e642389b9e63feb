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
}

/// What is judged of a round's result: every output's summary, and the chances with labels.
pub type Figures = (Vec<(Metric, Summary)>, Vec<(String, Probability)>);

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
            let progress = Progress::new(runs, self.progress, "runs");
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

pub fn search(targets: &[Target], max_runs: u64, progress: bool) -> Search<'_> {
    Search {
        targets,
        max_runs,
        progress,
    }
}
