//! The sensitivity report as JSON.
use std::io;

use super::{Pinned, SensitivityReport, points_name};
use crate::analyze::tail::TailMeasure;
use crate::report::{Exporter, JsonExporter, SCHEMA_VERSION, json_bytes};
use crate::stats::Estimate;
use serde::Serialize;

#[derive(Serialize)]
struct SensitivityJson<'a> {
    schema_version: u32,
    flopcast_version: &'static str,
    scenario: crate::report::json::ScenarioRef<'a>,
    output: &'static str,
    seed: u64,
    monte_carlo_runs: u64,
    sobol_base_points: usize,
    sobol_points: &'static str,
    bootstrap_replicates: usize,
    inputs: Vec<InputJson>,
    most_influential: Vec<LeaderJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    budget: Option<TailJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deadline: Option<TailJson>,
}

#[derive(Serialize)]
struct InputJson {
    input: &'static str,
    s1: Estimate,
    st: Estimate,
    spearman: f64,
    spearman_sq_share: f64,
    input_p10: f64,
    input_p90: f64,
    tornado_low: f64,
    tornado_high: f64,
    pinned_p10: Pinned,
    pinned_p90: Pinned,
    #[serde(skip_serializing_if = "Option::is_none")]
    budget_tail: Option<TailMeasureJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deadline_tail: Option<TailMeasureJson>,
}

#[derive(Serialize)]
struct TailMeasureJson {
    ks: f64,
    median_percentile: f64,
    p_exceed_low_quartile: f64,
    p_exceed_high_quartile: f64,
}

#[derive(Serialize)]
struct LeaderJson {
    output: &'static str,
    input: Option<&'static str>,
    st: f64,
}

#[derive(Serialize)]
struct TailJson {
    limit: f64,
    p_exceed: f64,
}

impl Exporter<SensitivityReport> for JsonExporter {
    fn export(&self, r: &SensitivityReport) -> io::Result<Vec<u8>> {
        let tail = |m: Option<TailMeasure>| {
            m.map(|m| TailMeasureJson {
                ks: m.ks,
                median_percentile: m.median_percentile_exceeding,
                p_exceed_low_quartile: m.p_exceed_low_quartile,
                p_exceed_high_quartile: m.p_exceed_high_quartile,
            })
        };
        let doc = SensitivityJson {
            schema_version: SCHEMA_VERSION,
            flopcast_version: env!("CARGO_PKG_VERSION"),
            scenario: crate::report::json::ScenarioRef {
                name: &r.scenario_name,
                file: &r.scenario_file,
            },
            output: r.output.name(),
            seed: r.seed,
            monte_carlo_runs: r.runs,
            sobol_base_points: r.sobol_n,
            sobol_points: points_name(r.points),
            bootstrap_replicates: r.bootstrap,
            inputs: r
                .rows
                .iter()
                .map(|row| InputJson {
                    input: row.input.key(),
                    s1: row.sobol.s1,
                    st: row.sobol.st,
                    spearman: row.spearman,
                    spearman_sq_share: row.spearman_sq_share,
                    input_p10: row.input_p10,
                    input_p90: row.input_p90,
                    tornado_low: row.tornado.at_low,
                    tornado_high: row.tornado.at_high,
                    pinned_p10: row.pinned_p10,
                    pinned_p90: row.pinned_p90,
                    budget_tail: tail(row.tail_budget),
                    deadline_tail: tail(row.tail_deadline),
                })
                .collect(),
            most_influential: r
                .leaders
                .iter()
                .map(|(m, l)| LeaderJson {
                    output: m.name(),
                    input: l.map(|(i, _)| i.key()),
                    st: l.map_or(0.0, |(_, st)| st),
                })
                .collect(),
            budget: r.budget.map(|t| TailJson {
                limit: t.limit,
                p_exceed: t.p_exceed,
            }),
            deadline: r.deadline.map(|t| TailJson {
                limit: t.limit,
                p_exceed: t.p_exceed,
            }),
        };
        json_bytes(&doc)
    }
}
