//! One row per draw of the portfolio: each run's training days, cost, start and finish day
//! (and spend in the budget's year), then the portfolio's, for pivot tables. The rows are the
//! draws the statistics were computed from, drawn again chunk by chunk as they are written.

use std::io::{self, Write};

use crate::report::{Cell, CsvSheet};
use crate::simulate::portfolio::Portfolio;

pub fn write_samples(out: &mut dyn Write, names: &[String], source: &Portfolio) -> io::Result<()> {
    let at = &source.layout;
    let mut w = CsvSheet::new(out);
    let mut header = vec!["draw".to_string()];
    let mut figures = vec!["train_days", "total_cost_usd", "start_day", "finish_day"];
    figures.push("year_spend_usd");
    figures.truncate(at.run_figures());
    for name in names {
        header.extend(figures.iter().map(|f| format!("{name}.{f}")));
    }
    let portfolio = ["total_cost_usd", "finish_day", "year_spend_usd"];
    let own = at.figures() - names.len() * at.run_figures();
    header.extend(portfolio[..own].iter().map(|f| format!("portfolio.{f}")));
    w.header(&header)?;
    let mut row: Vec<Cell> = Vec::with_capacity(header.len());
    let mut failed = None;
    for c in 0..source.plan_chunks() {
        source
            .draw_chunk(c, |block| {
                for i in 0..block.len {
                    if failed.is_some() {
                        return;
                    }
                    row.clear();
                    row.push(Cell::Count(block.first + i as u64 + 1));
                    let figures = &block.values[..at.figures()];
                    row.extend(figures.iter().map(|column| Cell::Number(column[i])));
                    failed = w.row(&row).err();
                }
            })
            .map_err(|e| io::Error::other(e.to_string()))?;
        if let Some(e) = failed.take() {
            return Err(e);
        }
    }
    w.flush()
}
