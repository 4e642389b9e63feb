//! The summary as JSON, with everything needed to reproduce it and the Monte Carlo error of
//! every figure.

use serde::Serialize;

use super::{Exporter, RunReport, SCHEMA_VERSION, Target, unit_label};
use crate::stats::Probability;

pub struct JsonExporter;

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    flopcast_version: &'static str,
    scenario: ScenarioRef<'a>,
    seed: u64,
    runs: u64,
    percentiles: &'a [f64],
    metrics: Vec<MetricJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    budget: Option<GoalJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deadline: Option<GoalJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    within_budget_and_deadline: Option<ChanceJson>,
}

#[derive(Serialize)]
pub(super) struct ScenarioRef<'a> {
    pub(super) name: &'a str,
    pub(super) file: &'a str,
}

#[derive(Serialize)]
struct MetricJson {
    name: &'static str,
    unit: &'static str,
    mean: f64,
    mean_se: f64,
    mean_ci95_lo: f64,
    mean_ci95_hi: f64,
    sd: f64,
    /// The table's ±95%: the widest 95% half-width of the mean and the percentiles whose
    /// intervals reach 95%.
    ci95_half_width: f64,
    percentiles: Vec<PercentileJson>,
}

#[derive(Serialize)]
struct PercentileJson {
    percentile: f64,
    value: f64,
    se: f64,
    ci95_lo: f64,
    ci95_hi: f64,
    /// The interval's exact coverage (distribution-free); below 0.95 when too few runs fall
    /// beyond the percentile, and then `ci95_short` is true.
    ci_coverage: f64,
    ci95_short: bool,
}

#[derive(Serialize)]
struct GoalJson {
    limit: f64,
    probability: f64,
    se: f64,
    ci95_lo: f64,
    ci95_hi: f64,
}

#[derive(Serialize)]
struct ChanceJson {
    probability: f64,
    se: f64,
    ci95_lo: f64,
    ci95_hi: f64,
}

fn goal(t: &Target) -> GoalJson {
    GoalJson {
        limit: t.limit,
        probability: t.chance.p,
        se: t.chance.se,
        ci95_lo: t.chance.ci95_lo,
        ci95_hi: t.chance.ci95_hi,
    }
}

fn chance(p: &Probability) -> ChanceJson {
    ChanceJson {
        probability: p.p,
        se: p.se,
        ci95_lo: p.ci95_lo,
        ci95_hi: p.ci95_hi,
    }
}

impl Exporter<RunReport> for JsonExporter {
    fn export(&self, report: &RunReport) -> Vec<u8> {
        let doc = Document {
            schema_version: SCHEMA_VERSION,
            flopcast_version: env!("CARGO_PKG_VERSION"),
            scenario: ScenarioRef {
                name: &report.scenario_name,
                file: &report.scenario_file,
            },
            seed: report.seed,
            runs: report.runs,
            percentiles: &report.percentiles,
            metrics: report
                .metrics
                .iter()
                .map(|(m, s)| MetricJson {
                    name: m.name(),
                    unit: unit_label(m.unit()),
                    mean: s.mean,
                    mean_se: s.mean_se(),
                    mean_ci95_lo: s.mean - s.mean_half_width(),
                    mean_ci95_hi: s.mean + s.mean_half_width(),
                    sd: s.sd,
                    ci95_half_width: s.max_half_width(),
                    percentiles: s
                        .percentiles
                        .iter()
                        .map(|p| PercentileJson {
                            percentile: p.percent,
                            value: p.value,
                            se: p.se(),
                            ci95_lo: p.ci_lo,
                            ci95_hi: p.ci_hi,
                            ci_coverage: p.ci_coverage,
                            ci95_short: !p.ci_is_95(),
                        })
                        .collect(),
                })
                .collect(),
            budget: report.budget.as_ref().map(goal),
            deadline: report.deadline.as_ref().map(goal),
            within_budget_and_deadline: report.joint.as_ref().map(chance),
        };
        let mut bytes = serde_json::to_vec_pretty(&doc).expect("plain data serialises");
        bytes.push(b'\n');
        bytes
    }
}
