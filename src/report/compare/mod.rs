//! The comparison report: both scenarios' bands, the bands of B − A, and who wins how often.

mod csv;
mod json;
mod text;

use super::RunReport;
use crate::model::Metric;
use crate::stats::{Probability, Summary};

#[derive(Debug, Clone)]
pub struct CompareReport {
    pub a: RunReport,
    pub b: RunReport,
    /// Bands of B − A, run by run, for every metric.
    pub difference: Vec<(Metric, Summary)>,
    /// P(B's total cost < A's) and P(B's train days < A's), over paired runs.
    pub b_cheaper: Probability,
    pub b_faster: Probability,
    /// P(B's total cost = A's) and P(B's train days = A's): ties are neither cheaper nor dearer.
    pub same_cost: Probability,
    pub same_days: Probability,
    pub runs: u64,
    pub seed: u64,
    pub percentiles: Vec<f64>,
    /// How the run count was found, when the comparison stopped at a precision.
    pub precision: Option<crate::analyze::precision::Outcome>,
}
