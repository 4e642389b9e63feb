//! The sweep report: the bands of every output at each point, as a table and as CSV laid out for
//! a spreadsheet chart (one row per point, one column per statistic).

mod csv;
mod json;
mod text;

use super::RunReport;
use crate::model::{Input, Metric};

#[derive(Debug, Clone)]
pub struct SweepReport {
    pub scenario_name: String,
    pub scenario_file: String,
    pub keys: Vec<Input>,
    pub runs: u64,
    pub seed: u64,
    pub percentiles: Vec<f64>,
    pub points: Vec<SweepPoint>,
    /// How the run count was found, when the sweep stopped at a precision.
    pub precision: Option<crate::analyze::precision::Outcome>,
}

#[derive(Debug, Clone)]
pub struct SweepPoint {
    /// The swept values as written, one per key.
    pub values: Vec<String>,
    pub report: RunReport,
}

/// The metrics the terminal table shows; files carry every metric.
const SHOWN: [Metric; 2] = [Metric::TrainDays, Metric::TotalCostUsd];

/// A fan chart of every output over the swept points, by file name.
pub fn fan_charts(r: &SweepReport) -> Vec<(String, String)> {
    let labels: Vec<String> = r.points.iter().map(|p| p.values.join(" × ")).collect();
    let keys = r
        .keys
        .iter()
        .map(|k| k.key())
        .collect::<Vec<_>>()
        .join(" × ");
    r.points[0]
        .report
        .metrics
        .iter()
        .map(|(m, _)| {
            let bands: Vec<Vec<(f64, f64)>> = r
                .points
                .iter()
                .map(|p| {
                    p.report
                        .summary(*m)
                        .percentiles
                        .iter()
                        .map(|q| (q.percent, q.estimate.value))
                        .collect()
                })
                .collect();
            let title = format!("{}: {} over {keys}", r.scenario_name, m.name());
            (
                fan_file(*m),
                crate::chart::fan_svg(&title, &keys, &labels, &bands, *m),
            )
        })
        .collect()
}

/// The file name of the fan chart of `m`.
pub fn fan_file(m: Metric) -> String {
    format!("{}_fan.svg", m.name())
}

fn short(m: Metric) -> &'static str {
    match m {
        Metric::TrainDays => "days",
        Metric::TotalCostUsd => "total $",
        _ => m.name(),
    }
}
