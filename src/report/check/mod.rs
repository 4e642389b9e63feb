//! The check report: a scenario validated, each input's resolved distribution, the fitted
//! utilisation prior where the scenario uses one, and the flaw of averages (the model at its
//! inputs' means against the mean of the simulated runs).

mod csv;
mod json;
mod text;

use crate::model::Metric;
use crate::scenario::Scenario;
use crate::stats::Estimate;

pub struct CheckReport<'a> {
    pub scenario: &'a Scenario,
    pub runs: u64,
    pub seed: u64,
    pub flaws: Vec<Flaw>,
    /// With `[failures]`: how many failure histories each point evaluation averages.
    pub failure_histories: Option<usize>,
}

/// One output: the model at the inputs' means and medians against the simulated runs.
#[derive(Debug, Clone, Copy)]
pub struct Flaw {
    pub metric: Metric,
    pub at_means: f64,
    /// The Monte Carlo mean, with its interval.
    pub mc_mean: Estimate,
    pub at_medians: f64,
    pub mc_median: f64,
}
