//! The check report as CSV: one row per used input, as the scenario wrote it and as resolved,
//! with its mean and P5/P50/P95, for auditing a scenario in a spreadsheet.

use std::io;

use super::CheckReport;
use crate::report::{Cell, CsvExporter, CsvSheet, Exporter};

impl Exporter<CheckReport<'_>> for CsvExporter {
    fn export(&self, r: &CheckReport) -> io::Result<Vec<u8>> {
        let mut sheet = CsvSheet::in_memory();
        sheet.header(&[
            "input",
            "written",
            "distribution",
            "fixed",
            "mean",
            "p5",
            "p50",
            "p95",
        ])?;
        for spec in r.scenario.inputs.iter().filter(|s| s.used) {
            let d = &spec.dist;
            sheet.row(&[
                Cell::text(spec.input.key()),
                spec.written.as_deref().map_or(Cell::Empty, Cell::text),
                Cell::text(d.to_string()),
                Cell::Flag(d.is_fixed()),
                Cell::Number(d.mean()),
                Cell::Number(d.quantile(0.05)),
                Cell::Number(d.median()),
                Cell::Number(d.quantile(0.95)),
            ])?;
        }
        sheet.into_bytes()
    }
}
