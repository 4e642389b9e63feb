//! The sensitivity report as CSV: one row per input, its Sobol indices with their intervals,
//! its tornado swing and its tail measures.
use super::SensitivityReport;
use crate::analyze::tail::TailMeasure;
use crate::report::{Cell, CsvExporter, CsvSheet, Exporter};
use std::io;

const TAIL_FIELDS: [&str; 4] = [
    "ks",
    "median_percentile",
    "p_exceed_low_quartile",
    "p_exceed_high_quartile",
];

impl Exporter<SensitivityReport> for CsvExporter {
    fn export(&self, r: &SensitivityReport) -> io::Result<Vec<u8>> {
        let mut header: Vec<String> = [
            "input",
            "s1",
            "s1_lo",
            "s1_hi",
            "st",
            "st_lo",
            "st_hi",
            "spearman",
            "spearman_sq_share",
            "tornado_low",
            "tornado_high",
            "input_p10",
            "input_p90",
            "pinned_p10_mean",
            "pinned_p10_p50",
            "pinned_p90_mean",
            "pinned_p90_p50",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for (present, prefix) in [
            (r.budget.is_some(), "budget"),
            (r.deadline.is_some(), "deadline"),
        ] {
            if present {
                header.extend(TAIL_FIELDS.iter().map(|f| format!("{prefix}_{f}")));
            }
        }
        let mut w = CsvSheet::in_memory();
        w.header(&header)?;
        for row in &r.rows {
            let s = &row.sobol;
            let mut cells: Vec<Cell> = vec![Cell::text(row.input.key())];
            cells.extend(
                [
                    s.s1.value,
                    s.s1.ci95_lo,
                    s.s1.ci95_hi,
                    s.st.value,
                    s.st.ci95_lo,
                    s.st.ci95_hi,
                    row.spearman,
                    row.spearman_sq_share,
                    row.tornado.at_low,
                    row.tornado.at_high,
                    row.input_p10,
                    row.input_p90,
                    row.pinned_p10.mean,
                    row.pinned_p10.p50,
                    row.pinned_p90.mean,
                    row.pinned_p90.p50,
                ]
                .iter()
                .map(|&x| Cell::Number(x)),
            );
            for (present, tail) in [
                (r.budget.is_some(), row.tail_budget),
                (r.deadline.is_some(), row.tail_deadline),
            ] {
                if present {
                    cells.extend(tail_cells(tail));
                }
            }
            w.row(&cells)?;
        }
        w.into_bytes()
    }
}

/// Empty cells when no run (or every run) exceeds: nothing was measured.
fn tail_cells(m: Option<TailMeasure>) -> Vec<Cell> {
    match m {
        Some(m) => [
            m.ks,
            m.median_percentile_exceeding,
            m.p_exceed_low_quartile,
            m.p_exceed_high_quartile,
        ]
        .iter()
        .map(|&x| Cell::Number(x))
        .collect(),
        None => vec![Cell::Empty; TAIL_FIELDS.len()],
    }
}
