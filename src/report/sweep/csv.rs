//! The sweep as CSV: one row per point.
use super::SweepReport;
use crate::model::Metric;
use crate::report::{Cell, CsvExporter, CsvSheet, Exporter, percentile_column};
use std::io;

impl Exporter<SweepReport> for CsvExporter {
    fn export(&self, r: &SweepReport) -> io::Result<Vec<u8>> {
        let mut header: Vec<String> = r.keys.iter().map(|k| k.key().to_string()).collect();
        let metrics: Vec<Metric> = r.points[0].report.metrics.iter().map(|(m, _)| *m).collect();
        for &m in &metrics {
            header.push(format!("{}_mean", m.name()));
            header.push(format!("{}_sd", m.name()));
            for p in &r.percentiles {
                header.push(format!("{}_{}", m.name(), percentile_column(*p)));
            }
        }
        let first = &r.points[0].report;
        let goals = [
            (first.budget.is_some(), "p_within_budget"),
            (first.deadline.is_some(), "p_within_deadline"),
            (first.joint.is_some(), "p_within_both"),
            (first.overrun.is_some(), "p_overrun"),
        ];
        header.extend(goals.iter().filter(|g| g.0).map(|g| g.1.to_string()));
        let mut w = CsvSheet::in_memory();
        w.header(&header)?;
        for point in &r.points {
            let mut row: Vec<Cell> = point.values.iter().map(Cell::text).collect();
            for &m in &metrics {
                let s = point.report.summary(m);
                row.push(Cell::Number(s.mean.value));
                row.push(Cell::Number(s.sd));
                row.extend(s.percentiles.iter().map(|p| Cell::Number(p.estimate.value)));
            }
            let rep = &point.report;
            let chances = [
                rep.budget.map(|t| t.chance.estimate.value),
                rep.deadline.map(|t| t.chance.estimate.value),
                rep.joint.map(|j| j.estimate.value),
                rep.overrun.map(|p| p.estimate.value),
            ];
            row.extend(chances.iter().flatten().map(|&p| Cell::Number(p)));
            w.row(&row)?;
        }
        w.into_bytes()
    }
}
