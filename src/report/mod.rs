//! Reports: one statistics core ([`RunReport`]), several exporters behind one trait.

pub mod compare;
mod csv;
pub mod html;
mod json;
mod markdown;
pub mod samples;
pub mod sensitivity;
pub mod sweep;
mod table;

pub use csv::CsvExporter;
pub use json::JsonExporter;
pub use markdown::MarkdownExporter;
pub use table::{group_thousands, render_table};

use crate::model::{Metric, Unit};
use crate::simulate::Simulation;
use crate::stats::{self, Probability, Summary};
use crate::units;

/// JSON layout version: bump on any incompatible change to the JSON export.
pub const SCHEMA_VERSION: u32 = 1;

/// Everything a `run` reports, computed once and handed to every exporter.
#[derive(Debug, Clone)]
pub struct RunReport {
    pub scenario_name: String,
    pub scenario_file: String,
    pub runs: u64,
    pub seed: u64,
    pub percentiles: Vec<f64>,
    pub metrics: Vec<(Metric, Summary)>,
    pub budget: Option<Target>,
    pub deadline: Option<Target>,
    /// P(within budget and within deadline), when both are given.
    pub joint: Option<Probability>,
}

/// A threshold and the chance of staying at or under it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    pub limit: f64,
    pub chance: Probability,
}

pub struct Goals {
    pub budget_usd: Option<f64>,
    pub deadline_days: Option<f64>,
}

impl RunReport {
    pub fn new(
        name: &str,
        file: &str,
        sim: &Simulation,
        percentiles: &[f64],
        goals: &Goals,
    ) -> Self {
        let metrics = sim
            .metrics
            .iter()
            .map(|&m| (m, stats::summarize(sim.column(m), percentiles)))
            .collect();
        let cost = sim.column(Metric::TotalCostUsd);
        let days = sim.column(Metric::TrainDays);
        let n = sim.runs;
        let budget = goals.budget_usd;
        let deadline = goals.deadline_days;
        let chance = |pred: &(dyn Fn(f64, f64) -> bool + Sync)| {
            Probability::from_count(stats::count_pairs(cost, days, pred), n)
        };
        RunReport {
            scenario_name: name.to_string(),
            scenario_file: file.to_string(),
            runs: n,
            seed: sim.seed,
            percentiles: percentiles.to_vec(),
            metrics,
            budget: budget.map(|b| Target {
                limit: b,
                chance: chance(&|c, _| c <= b),
            }),
            deadline: deadline.map(|d| Target {
                limit: d,
                chance: chance(&|_, t| t <= d),
            }),
            joint: budget
                .zip(deadline)
                .map(|(b, d)| chance(&|c, t| c <= b && t <= d)),
        }
    }

    pub fn summary(&self, metric: Metric) -> &Summary {
        &self
            .metrics
            .iter()
            .find(|(m, _)| *m == metric)
            .expect("every metric is summarised")
            .1
    }
}

/// Serialises a report of kind `R` (a run, a sensitivity study, ...) to bytes for a file.
pub trait Exporter<R> {
    fn export(&self, report: &R) -> Vec<u8>;
}

/// The CSV/JSON column name of a percentile: p5, p2.5, p99.9.
pub fn percentile_column(p: f64) -> String {
    format!("p{p}")
}

/// A value in the metric's unit, for people: $100.5M, 75.83, 29.84M, 3.79e25.
pub fn human(unit: Unit, x: f64) -> String {
    human_sig(unit, x, 4)
}

/// [`human`] with `sig` significant digits.
pub fn human_sig(unit: Unit, x: f64, sig: usize) -> String {
    match unit {
        Unit::Usd => units::usd(x, sig),
        Unit::Days => units::significant(x, sig),
        Unit::Hours => units::si(x, sig),
        Unit::Count => units::si(x, sig),
        Unit::Ratio => format!("{}%", units::significant(100.0 * x, sig)),
        Unit::Flop if x == 0.0 => "0".into(),
        Unit::Flop => format!("{x:.prec$e}", prec = sig - 1),
    }
}

pub fn unit_label(unit: Unit) -> &'static str {
    match unit {
        Unit::Usd => "USD",
        Unit::Days => "days",
        Unit::Hours => "GPU-hours",
        Unit::Flop => "FLOP",
        Unit::Count => "count",
        Unit::Ratio => "ratio",
    }
}
