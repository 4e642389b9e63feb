//! The sweep as JSON: each point's run document.
use std::io;

use super::{SweepPoint, SweepReport};
use crate::report::{Exporter, JsonExporter, SCHEMA_VERSION, json_bytes};
use serde::Serialize;

#[derive(Serialize)]
struct SweepJson<'a> {
    schema_version: u32,
    flopcast_version: &'static str,
    scenario: crate::report::json::ScenarioRef<'a>,
    keys: Vec<&'static str>,
    seed: u64,
    runs: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    precision: Option<&'a crate::analyze::precision::Outcome>,
    points: PointsJson<'a>,
}

/// The points, each turned into JSON only while it is written: one point's document tree in
/// memory at a time, however many points the sweep has.
struct PointsJson<'a>(&'a [SweepPoint]);

impl Serialize for PointsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|p| PointJson {
            values: &p.values,
            report: crate::report::run::json::run_json(&p.report),
        }))
    }
}

#[derive(Serialize)]
struct PointJson<'a> {
    values: &'a [String],
    report: crate::report::run::json::RunJson<'a>,
}

impl Exporter<SweepReport> for JsonExporter {
    fn export(&self, r: &SweepReport) -> io::Result<Vec<u8>> {
        let doc = SweepJson {
            schema_version: SCHEMA_VERSION,
            flopcast_version: env!("CARGO_PKG_VERSION"),
            scenario: crate::report::json::ScenarioRef {
                name: &r.scenario_name,
                file: &r.scenario_file,
            },
            keys: r.keys.iter().map(|k| k.key()).collect(),
            seed: r.seed,
            runs: r.runs,
            precision: r.precision.as_ref(),
            points: PointsJson(&r.points),
        };
        json_bytes(&doc)
    }
}
