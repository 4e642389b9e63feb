//! The run summary as CSV: one row per metric, plain numbers, header `metric,mean,sd,p5,...`
//! with one column per requested percentile, then `ci95_half_width` (the table's ±95%: the widest
//! 95% half-width of the mean and percentiles) and `percentile_ci_min_coverage`, the smallest
//! exact coverage of the row's percentile intervals: below 0.95 when one of them is flagged short
//! (which ones, the JSON and the table say). Every cell after the first stays a number.

use std::io;

use super::RunReport;
use crate::report::{Cell, ChancesCsvExporter, CsvExporter, CsvSheet, Exporter, percentile_column};

impl Exporter<RunReport> for CsvExporter {
    fn export(&self, report: &RunReport) -> io::Result<Vec<u8>> {
        let mut sheet = CsvSheet::in_memory();
        let mut header = vec!["metric".to_string(), "mean".into(), "sd".into()];
        header.extend(report.percentiles.iter().map(|&p| percentile_column(p)));
        header.push("ci95_half_width".into());
        header.push("percentile_ci_min_coverage".into());
        sheet.header(&header)?;
        for (metric, s) in &report.metrics {
            let mut row = vec![
                Cell::text(metric.name()),
                Cell::Number(s.mean.value),
                Cell::Number(s.sd),
            ];
            row.extend(s.percentiles.iter().map(|p| Cell::Number(p.estimate.value)));
            row.push(s.max_half_width().map_or(Cell::Empty, Cell::Number));
            let coverage = s
                .percentiles
                .iter()
                .map(|p| p.ci_coverage)
                .fold(1.0, f64::min);
            row.push(Cell::Number(coverage));
            sheet.row(&row)?;
        }
        sheet.into_bytes()
    }
}

impl Exporter<RunReport> for ChancesCsvExporter {
    fn export(&self, report: &RunReport) -> io::Result<Vec<u8>> {
        let mut sheet = CsvSheet::in_memory();
        sheet.header(&[
            "chance",
            "metric",
            "limit",
            "p",
            "se",
            "ci95_lo",
            "ci95_hi",
            "runs_within",
            "runs",
        ])?;
        let targets = [
            ("within_budget", "total_cost_usd", report.budget),
            ("within_deadline", "train_days", report.deadline),
        ];
        let rows = targets
            .into_iter()
            .filter_map(|(name, metric, t)| {
                t.map(|t| (name, metric, Cell::Number(t.limit), t.chance))
            })
            .chain(report.joint.map(|p| {
                (
                    "within_both",
                    "total_cost_usd and train_days",
                    Cell::Empty,
                    p,
                )
            }))
            .chain(
                report
                    .overrun
                    .map(|p| ("overrun", "overrun_days > 0", Cell::Number(0.0), p)),
            );
        for (name, metric, limit, p) in rows {
            sheet.row(&[
                Cell::text(name),
                Cell::text(metric),
                limit,
                Cell::Number(p.estimate.value),
                Cell::Number(p.estimate.se),
                Cell::Number(p.estimate.ci95_lo),
                Cell::Number(p.estimate.ci95_hi),
                Cell::Count(p.hits),
                Cell::Count(p.n),
            ])?;
        }
        sheet.into_bytes()
    }
}
