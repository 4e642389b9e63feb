//! One row per draw of the portfolio: each run's training days, cost, start and finish day
//! (and spend in the budget's year), then the portfolio's, for pivot tables. The rows are the
//! draws the statistics were computed from.

use std::io::{self, Write};

use crate::report::{Cell, CsvSheet};
use crate::simulate::portfolio::Draws;

pub fn write_samples(out: &mut dyn Write, names: &[String], draws: &Draws) -> io::Result<()> {
    let mut w = CsvSheet::new(out);
    let mut header = vec!["draw".to_string()];
    let mut columns: Vec<&[f64]> = Vec::new();
    for (name, m) in names.iter().zip(&draws.members) {
        let mut figures: Vec<(&str, &[f64])> = vec![
            ("train_days", &m.train_days),
            ("total_cost_usd", &m.total_cost_usd),
            ("start_day", &m.start_day),
            ("finish_day", &m.finish_day),
        ];
        if let Some(y) = &m.year_spend_usd {
            figures.push(("year_spend_usd", y));
        }
        for (figure, column) in figures {
            header.push(format!("{name}.{figure}"));
            columns.push(column);
        }
    }
    header.push("portfolio.total_cost_usd".into());
    columns.push(&draws.total_cost_usd);
    header.push("portfolio.finish_day".into());
    columns.push(&draws.finish_day);
    if let Some(y) = &draws.year_spend_usd {
        header.push("portfolio.year_spend_usd".into());
        columns.push(y);
    }
    w.header(&header)?;
    let mut row: Vec<Cell> = Vec::with_capacity(columns.len() + 1);
    for i in 0..draws.total_cost_usd.len() {
        row.clear();
        row.push(Cell::Count(i as u64 + 1));
        row.extend(columns.iter().map(|c| Cell::Number(c[i])));
        w.row(&row)?;
    }
    w.flush()
}
