//! The comparison as JSON: each scenario's run document, and the paired differences.
use std::io;

use super::CompareReport;
use crate::report::run::json::{MetricJson, RunJson, metric_json, run_json};
use crate::report::{Exporter, JsonExporter, SCHEMA_VERSION, json_bytes};
use crate::stats::Probability;
use serde::Serialize;

#[derive(Serialize)]
struct CompareJson<'a> {
    schema_version: u32,
    flopcast_version: &'static str,
    seed: u64,
    runs: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    precision: Option<&'a crate::analyze::precision::Outcome>,
    a: RunJson<'a>,
    b: RunJson<'a>,
    /// B − A run by run.
    difference: Vec<MetricJson<'a>>,
    p_b_cheaper: Probability,
    p_b_faster: Probability,
}

impl Exporter<CompareReport> for JsonExporter {
    fn export(&self, r: &CompareReport) -> io::Result<Vec<u8>> {
        json_bytes(&CompareJson {
            schema_version: SCHEMA_VERSION,
            flopcast_version: env!("CARGO_PKG_VERSION"),
            seed: r.seed,
            runs: r.runs,
            precision: r.precision.as_ref(),
            a: run_json(&r.a),
            b: run_json(&r.b),
            difference: r
                .difference
                .iter()
                .map(|(m, s)| metric_json(*m, s))
                .collect(),
            p_b_cheaper: r.b_cheaper,
            p_b_faster: r.b_faster,
        })
    }
}
