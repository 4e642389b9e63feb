//! The portfolio as CSV, one row per figure: each run's, the portfolio's, the chances, the
//! risk shares and the cost correlations. Days count from day 0; with a start date, rows of
//! dates follow the rows of days.

use std::io;

use super::{PortfolioReport, band};
use crate::calendar::Date;
use crate::report::{Cell, CsvExporter, CsvSheet, Exporter};
use crate::stats::{Estimate, Summary};

const HEADER: [&str; 10] = [
    "section", "run", "figure", "p5", "p50", "p95", "mean", "value", "ci95_lo", "ci95_hi",
];

impl Exporter<PortfolioReport> for CsvExporter {
    fn export(&self, r: &PortfolioReport) -> io::Result<Vec<u8>> {
        let mut sheet = CsvSheet::in_memory();
        sheet.header(&HEADER)?;
        for run in &r.runs {
            let figures = [
                ("train_days", &run.train_days),
                ("total_cost_usd", &run.total_cost_usd),
                ("start_day", &run.start_day),
                ("finish_day", &run.finish_day),
            ];
            for (name, s) in figures {
                sheet.row(&band_row("run", &run.name, name, s))?;
            }
            if let Some(s) = &run.year_spend_usd {
                sheet.row(&band_row("run", &run.name, "year_spend_usd", s))?;
            }
            if let Some(start) = r.start {
                sheet.row(&date_row(
                    "run",
                    &run.name,
                    "start_date",
                    start,
                    &run.start_day,
                ))?;
                sheet.row(&date_row(
                    "run",
                    &run.name,
                    "finish_date",
                    start,
                    &run.finish_day,
                ))?;
            }
        }
        sheet.row(&band_row(
            "portfolio",
            "",
            "total_cost_usd",
            &r.total_cost_usd,
        ))?;
        sheet.row(&band_row("portfolio", "", "finish_day", &r.finish_day))?;
        if let Some((_, s)) = &r.year_spend {
            sheet.row(&band_row("portfolio", "", "year_spend_usd", s))?;
        }
        if let Some(start) = r.start {
            sheet.row(&date_row(
                "portfolio",
                "",
                "finish_date",
                start,
                &r.finish_day,
            ))?;
        }
        for c in &r.chances {
            sheet.row(&value_row("chance", "", &c.what.label(), &c.p.estimate))?;
        }
        for run in &r.runs {
            sheet.row(&value_row(
                "risk",
                &run.name,
                "variance_share",
                &run.variance_share,
            ))?;
            if let Some(t) = &run.tail_share {
                sheet.row(&value_row("risk", &run.name, "tail_share", t))?;
            }
            let last = &run.finishes_last.estimate;
            sheet.row(&value_row("risk", &run.name, "finishes_last", last))?;
        }
        for (a, line) in r.runs.iter().zip(&r.cost_correlations) {
            for (b, c) in r.runs.iter().zip(line) {
                let mut row = vec![Cell::text("cost_correlation"), Cell::text(&a.name)];
                row.push(Cell::text(&b.name));
                row.extend([Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty]);
                row.extend([Cell::Number(*c), Cell::Empty, Cell::Empty]);
                sheet.row(&row)?;
            }
        }
        sheet.into_bytes()
    }
}

/// `--spend-csv`: the portfolio's spend by month and quarter, laid out as `run`'s.
impl Exporter<PortfolioReport> for crate::report::run::when::SpendCsvExporter {
    fn export(&self, r: &PortfolioReport) -> io::Result<Vec<u8>> {
        crate::report::run::when::spend_csv(r.when.as_ref())
    }
}

fn band_row(section: &str, run: &str, figure: &str, s: &Summary) -> Vec<Cell> {
    let mut row = vec![Cell::text(section), Cell::text(run), Cell::text(figure)];
    row.extend(band(s).map(|e| Cell::Number(e.value)));
    row.extend([
        Cell::Number(s.mean.value),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
    ]);
    row
}

fn date_row(section: &str, run: &str, figure: &str, start: Date, s: &Summary) -> Vec<Cell> {
    let mut row = vec![Cell::text(section), Cell::text(run), Cell::text(figure)];
    row.extend(band(s).map(|e| Cell::text(crate::report::run::when::date_after(start, e.value))));
    row.extend([Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty]);
    row
}

fn value_row(section: &str, run: &str, figure: &str, e: &Estimate) -> Vec<Cell> {
    let mut row = vec![Cell::text(section), Cell::text(run), Cell::text(figure)];
    row.extend([Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty]);
    row.extend([
        Cell::Number(e.value),
        Cell::Number(e.ci95_lo),
        Cell::Number(e.ci95_hi),
    ]);
    row
}
