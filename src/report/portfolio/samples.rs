//! One row per draw of the portfolio: each run's training days, cost, start and finish day
//! (and spend in the budget's year), then the portfolio's, for pivot tables. The rows are the
//! draws the statistics were computed from, drawn again piece by piece, the pieces rendered in
//! parallel and written in order ([`write_in_pieces`]).

use std::io::{self, Write};

use crate::report::{Cell, CsvSheet, write_in_pieces};
use crate::simulate::portfolio::Portfolio;

pub fn write_samples(out: &mut dyn Write, names: &[String], source: &Portfolio) -> io::Result<()> {
    let at = &source.layout;
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
    write_in_pieces(out, &header, source.draws(), |first, len, sheet| {
        piece(source, first, len, sheet)
    })
}

/// The rows of draws `first..first + len`.
fn piece(source: &Portfolio, first: u64, len: usize, w: &mut CsvSheet<Vec<u8>>) -> io::Result<()> {
    let figures = source.layout.figures();
    let mut row: Vec<Cell> = Vec::with_capacity(1 + figures);
    let mut failed = None;
    source
        .draw_stretch(first, len, |block| {
            for i in 0..block.len {
                if failed.is_some() {
                    return;
                }
                row.clear();
                row.push(Cell::Count(block.first + i as u64 + 1));
                let columns = &block.values[..figures];
                row.extend(columns.iter().map(|column| Cell::Number(column[i])));
                failed = w.row(&row).err();
            }
        })
        .map_err(|e| io::Error::other(e.to_string()))?;
    failed.map_or(Ok(()), Err)
}
