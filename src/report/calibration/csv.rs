//! The calibration report as CSV: one row per outcome, the forecast's identity first, then the
//! verdict's columns. Names, files and sources are the user's text.

use std::io;

use super::{CalibrationReport, Check, RunCheck, Verification};
use crate::analyze::calibration::Verdict;
use crate::report::{Cell, CsvExporter, CsvSheet, Exporter};

impl Exporter<CalibrationReport> for CsvExporter {
    fn export(&self, r: &CalibrationReport) -> io::Result<Vec<u8>> {
        match &r.verification {
            Verification::Scenarios(scenarios) => {
                let checks: Vec<&Check> = scenarios.iter().flat_map(|s| &s.checks).collect();
                checks_csv(&checks)
            }
            Verification::Reference(reference) => run_checks_csv(&reference.checks),
        }
    }
}

/// The columns every row of either CSV ends with.
const VERDICT_COLUMNS: [&str; 14] = [
    "published",
    "p5",
    "p50",
    "p95",
    "pit",
    "published_over_p50",
    "ln_p50_over_published",
    "inside_50",
    "inside_80",
    "inside_90",
    "beyond_p5_p95",
    "crps_ln",
    "log_score",
    "band",
];

fn verdict_row(v: &Verdict) -> Vec<Cell> {
    let opt = |x: Option<f64>| x.map_or(Cell::Empty, Cell::Number);
    vec![
        Cell::Number(v.published),
        Cell::Number(v.p5),
        Cell::Number(v.p50),
        Cell::Number(v.p95),
        Cell::Number(v.pit),
        opt(v.ratio),
        opt(v.ln_error),
        Cell::Flag(v.inside_50),
        Cell::Flag(v.inside_80),
        Cell::Flag(v.inside_90),
        v.beyond_band().map_or(Cell::Empty, Cell::text),
        opt(v.crps_ln),
        opt(v.log_score),
        Cell::text(v.band()),
    ]
}

/// A CSV whose columns are `first`, the verdict's, then `last`.
fn sheet(
    first: &[&str],
    last: &[&str],
    rows: impl Iterator<Item = Vec<Cell>>,
) -> io::Result<Vec<u8>> {
    let mut sheet = CsvSheet::in_memory();
    let header: Vec<&str> = first
        .iter()
        .chain(&VERDICT_COLUMNS)
        .chain(last)
        .copied()
        .collect();
    sheet.header(&header)?;
    for row in rows {
        sheet.row(&row)?;
    }
    sheet.into_bytes()
}

/// One row per published figure. The scenario name, file and source are the user's text.
fn checks_csv(checks: &[&Check]) -> io::Result<Vec<u8>> {
    let first = ["scenario", "file", "metric", "pit_ci95_lo", "pit_ci95_hi"];
    let rows = checks.iter().map(|c| {
        let mut row = vec![
            Cell::text(&c.scenario),
            Cell::text(&c.file),
            Cell::text(c.metric),
            Cell::Number(c.pit_sample.estimate.ci95_lo),
            Cell::Number(c.pit_sample.estimate.ci95_hi),
        ];
        row.extend(verdict_row(&c.verdict));
        row.push(Cell::text(&c.source));
        row
    });
    sheet(&first, &["source"], rows)
}

/// One row per reference run verified; names are the CSV's text.
fn run_checks_csv(checks: &[RunCheck]) -> io::Result<Vec<u8>> {
    let first = [
        "model",
        "organisation",
        "hardware",
        "chips",
        "published_date",
        "line",
        "fitted_on",
        "metric",
    ];
    sheet(
        &first,
        &[],
        checks.iter().map(|c| {
            let mut row = vec![
                Cell::text(&c.model),
                Cell::text(&c.organisation),
                Cell::text(c.hardware),
                Cell::Number(c.chips),
                Cell::text(&c.published_date),
                Cell::Count(c.line as u64),
                Cell::Count(c.fitted_on as u64),
                Cell::text(c.metric),
            ];
            row.extend(verdict_row(&c.verdict));
            row
        }),
    )
}
