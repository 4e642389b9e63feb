//! The re-forecast as CSV, one row per figure: what the run has shown (inputs), then the
//! forecast, then the chances, each with the plan's band beside the new one.

use std::io;

use super::UpdateReport;
use crate::report::{Cell, CsvExporter, CsvSheet, Exporter};

const HEADER: [&str; 12] = [
    "section",
    "name",
    "plan_p5",
    "plan_p50",
    "plan_p95",
    "p5",
    "p50",
    "p95",
    "p5_ci95_lo",
    "p95_ci95_hi",
    "mean",
    "narrower_by",
];

impl Exporter<UpdateReport> for CsvExporter {
    fn export(&self, r: &UpdateReport) -> io::Result<Vec<u8>> {
        let mut sheet = CsvSheet::in_memory();
        sheet.header(&HEADER)?;
        for s in &r.shown {
            let mut row = vec![Cell::text("shown"), Cell::text(s.input.key())];
            row.extend(s.plan.map(Cell::Number));
            row.extend(s.now.map(|e| Cell::Number(e.value)));
            row.extend([
                Cell::Number(s.now[0].ci95_lo),
                Cell::Number(s.now[2].ci95_hi),
                Cell::Empty,
                Cell::Empty,
            ]);
            sheet.row(&row)?;
        }
        for f in &r.figures {
            let mut row = vec![Cell::text("forecast"), Cell::text(f.name)];
            match f.plan {
                Some(p) => row.extend(p.map(Cell::Number)),
                None => row.extend([Cell::Empty, Cell::Empty, Cell::Empty]),
            }
            row.extend(f.now.map(|e| Cell::Number(e.value)));
            row.extend([
                Cell::Number(f.now[0].ci95_lo),
                Cell::Number(f.now[2].ci95_hi),
                Cell::Number(f.mean.value),
                f.narrower_by.map_or(Cell::Empty, Cell::Number),
            ]);
            sheet.row(&row)?;
        }
        for c in &r.chances {
            let mut row = vec![Cell::text("chance"), Cell::text(c.label())];
            row.extend([Cell::Empty, Cell::Number(c.plan.value), Cell::Empty]);
            row.extend([Cell::Empty, Cell::Number(c.now.value), Cell::Empty]);
            row.extend([
                Cell::Number(c.now.ci95_lo),
                Cell::Number(c.now.ci95_hi),
                Cell::Empty,
                Cell::Empty,
            ]);
            sheet.row(&row)?;
        }
        sheet.into_bytes()
    }
}
