//! The comparison as CSV.
use super::CompareReport;
use crate::report::{Cell, CsvExporter, CsvSheet, Exporter, percentile_column};
use std::io;

impl Exporter<CompareReport> for CsvExporter {
    /// One row per (metric, scenario) with scenario A, B or B-A.
    fn export(&self, r: &CompareReport) -> io::Result<Vec<u8>> {
        let mut header = vec![
            "metric".to_string(),
            "scenario".into(),
            "mean".into(),
            "sd".into(),
        ];
        header.extend(r.percentiles.iter().map(|&p| percentile_column(p)));
        let mut w = CsvSheet::in_memory();
        w.header(&header)?;
        for (m, diff) in &r.difference {
            for (label, s) in [
                ("A", r.a.summary(*m)),
                ("B", r.b.summary(*m)),
                ("B-A", diff),
            ] {
                let mut row = vec![
                    Cell::text(m.name()),
                    Cell::text(label),
                    Cell::Number(s.mean.value),
                    Cell::Number(s.sd),
                ];
                row.extend(s.percentiles.iter().map(|p| Cell::Number(p.estimate.value)));
                w.row(&row)?;
            }
        }
        w.into_bytes()
    }
}
