//! The run summary as JSON, with everything needed to reproduce it and the Monte Carlo error of
//! every figure.

use std::io;

use serde::Serialize;

use super::when::When;
use super::{RunReport, Target};
use crate::analyze::precision::Outcome;
use crate::format::unit_label;
use crate::model::Metric;
use crate::report::json::ScenarioRef;
use crate::report::{Exporter, JsonExporter, SCHEMA_VERSION, json_bytes};
use crate::stats::{Probability, Summary};

/// A run's document: the whole of `run --json`, and each scenario of `compare --json` and each
/// point of `sweep --json`. Borrowed, so it costs nothing to build.
#[derive(Serialize)]
pub(in crate::report) struct RunJson<'a> {
    schema_version: u32,
    flopcast_version: &'static str,
    scenario: ScenarioRef<'a>,
    seed: u64,
    runs: u64,
    /// "mc", "lhs" or "qmc".
    sampling: &'static str,
    /// The independent replicates the intervals come from; absent for Monte Carlo.
    #[serde(skip_serializing_if = "Option::is_none")]
    replicates: Option<u64>,
    percentiles: &'a [f64],
    metrics: Vec<MetricJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    budget: Option<&'a Target>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deadline: Option<&'a Target>,
    #[serde(skip_serializing_if = "Option::is_none")]
    within_budget_and_deadline: Option<&'a Probability>,
    /// P(the run outlasts its contract's term), with a `[contract]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    overrun: Option<&'a Probability>,
    /// How `--precision` found the run count: its targets, whether they were met, the figure
    /// nearest its limit, the run count of every round.
    #[serde(skip_serializing_if = "Option::is_none")]
    precision: Option<&'a Outcome>,
    /// Spend by month and quarter and the finish dates, with a `[schedule]` start date.
    #[serde(skip_serializing_if = "Option::is_none")]
    when: Option<&'a When>,
}

/// One output's summary: its mean and percentiles, each an [`Estimate`](crate::stats::Estimate).
#[derive(Serialize)]
pub(in crate::report) struct MetricJson<'a> {
    name: &'static str,
    unit: &'static str,
    #[serde(flatten)]
    summary: &'a Summary,
    /// The table's ±95%: the widest half-width among the reliable intervals of the row; None
    /// (null) when none is reliable.
    ci95_half_width: Option<f64>,
}

pub(in crate::report) fn metric_json(metric: Metric, summary: &Summary) -> MetricJson<'_> {
    MetricJson {
        name: metric.name(),
        unit: unit_label(metric.unit()),
        summary,
        ci95_half_width: summary.max_half_width(),
    }
}

pub(in crate::report) fn run_json(report: &RunReport) -> RunJson<'_> {
    RunJson {
        schema_version: SCHEMA_VERSION,
        flopcast_version: env!("CARGO_PKG_VERSION"),
        scenario: ScenarioRef {
            name: &report.scenario_name,
            file: &report.scenario_file,
        },
        seed: report.seed,
        runs: report.runs,
        sampling: report.uniforms.scheme.name(),
        replicates: report.uniforms.replicates.map(|r| r.count),
        percentiles: &report.percentiles,
        metrics: report
            .metrics
            .iter()
            .map(|(m, s)| metric_json(*m, s))
            .collect(),
        budget: report.budget.as_ref(),
        deadline: report.deadline.as_ref(),
        within_budget_and_deadline: report.joint.as_ref(),
        overrun: report.overrun.as_ref(),
        precision: report.precision.as_ref(),
        when: report.when.as_ref(),
    }
}

impl Exporter<RunReport> for JsonExporter {
    fn export(&self, report: &RunReport) -> io::Result<Vec<u8>> {
        json_bytes(&run_json(report))
    }
}
