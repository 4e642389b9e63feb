//! The calibration report as JSON: how the forecasts were made, every forecast with its
//! verdict, and the summary.

use std::io;

use serde::Serialize;

use super::{CalibrationReport, Check, RunCheck, Verification};
use crate::analyze::calibration::Summary;
use crate::report::{Exporter, JsonExporter, SCHEMA_VERSION, json_bytes};

#[derive(Serialize)]
struct CalibrationJson<'a> {
    schema_version: u32,
    flopcast_version: &'static str,
    verification: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    split_date: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    terms: Option<&'a [&'static str]>,
    forecasts: Forecasts<'a>,
    summary: &'a Summary,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Forecasts<'a> {
    Scenarios(Vec<&'a Check>),
    Reference(&'a [RunCheck]),
}

impl Exporter<CalibrationReport> for JsonExporter {
    fn export(&self, r: &CalibrationReport) -> io::Result<Vec<u8>> {
        let mut doc = CalibrationJson {
            schema_version: SCHEMA_VERSION,
            flopcast_version: env!("CARGO_PKG_VERSION"),
            verification: "scenarios",
            reference: None,
            split_date: None,
            terms: None,
            forecasts: Forecasts::Reference(&[]),
            summary: &r.summary,
        };
        match &r.verification {
            Verification::Scenarios(scenarios) => {
                doc.forecasts =
                    Forecasts::Scenarios(scenarios.iter().flat_map(|s| &s.checks).collect());
            }
            Verification::Reference(reference) => {
                doc.verification = match reference.split {
                    Some(_) => "time-split",
                    None => "leave-one-out",
                };
                doc.reference = Some(&reference.set_name);
                doc.split_date = reference.split.as_ref().map(|s| s.date.as_str());
                doc.terms = Some(&reference.terms);
                doc.forecasts = Forecasts::Reference(&reference.checks);
            }
        }
        json_bytes(&doc)
    }
}
