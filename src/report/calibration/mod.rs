//! The calibration report: forecasts against the outcomes they were made for, one row per
//! outcome and a summary of coverage, bias, sharpness and scores (see
//! [`crate::analyze::calibration`]), shown as a document and written as CSV and JSON.

mod csv;
mod json;
mod text;

use serde::Serialize;

use crate::analyze::calibration::{Summary, Verdict};
use crate::stats::Probability;

pub struct CalibrationReport {
    pub verification: Verification,
    pub summary: Summary,
}

/// What was verified, and how the forecasts were made.
pub enum Verification {
    /// Each scenario's bands against the figures its real run published.
    Scenarios(Vec<ScenarioChecks>),
    /// The fitted utilisation prior against the reference runs, each forecast by a fit that
    /// did not see it.
    Reference(ReferenceChecks),
}

/// One scenario's published figures against its bands.
pub struct ScenarioChecks {
    pub name: String,
    pub file: String,
    pub runs: u64,
    pub seed: u64,
    pub checks: Vec<Check>,
}

pub struct ReferenceChecks {
    pub set_name: String,
    /// The prior's terms.
    pub terms: Vec<&'static str>,
    /// `None` for leave-one-out.
    pub split: Option<Split>,
    pub checks: Vec<RunCheck>,
}

/// A time split: fitted on the runs published before `date`, verified on the rest.
pub struct Split {
    pub date: String,
    pub fitted_on: usize,
}

/// One published figure of a scenario against the scenario's band.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub scenario: String,
    pub file: String,
    pub metric: &'static str,
    /// The PIT as the share of runs at or below the published figure, with its Monte Carlo
    /// interval.
    pub pit_sample: Probability,
    #[serde(flatten)]
    pub verdict: Verdict,
    pub source: String,
}

/// One reference run's chip-hours against the prior's forecast made without it.
#[derive(Debug, Clone, Serialize)]
pub struct RunCheck {
    pub model: String,
    pub organisation: String,
    pub hardware: &'static str,
    pub chips: f64,
    pub published_date: String,
    /// The run's line in its CSV.
    pub line: usize,
    /// How many runs the fit that forecast it used.
    pub fitted_on: usize,
    pub metric: &'static str,
    #[serde(flatten)]
    pub verdict: Verdict,
}

impl Verification {
    /// Every outcome's verdict, in the order the report lists them.
    pub fn verdicts(&self) -> Vec<Verdict> {
        match self {
            Verification::Scenarios(scenarios) => scenarios
                .iter()
                .flat_map(|s| s.checks.iter().map(|c| c.verdict.clone()))
                .collect(),
            Verification::Reference(r) => r.checks.iter().map(|c| c.verdict.clone()).collect(),
        }
    }

    /// What the forecasts were, for chart titles.
    pub fn describe(&self) -> &'static str {
        match self {
            Verification::Scenarios(_) => "published figures against their scenarios",
            Verification::Reference(r) if r.split.is_some() => {
                "later reference runs, fitted on earlier ones"
            }
            Verification::Reference(_) => "reference runs, each left out of its fit",
        }
    }
}
