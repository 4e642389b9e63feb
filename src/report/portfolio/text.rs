//! The portfolio as a document: the terminal text and `--markdown`.

use super::{PortfolioReport, RunFigures, band};
use crate::calendar::Date;
use crate::format::Unit;
use crate::report::{AsDocument, Document, estimate_cell, group_thousands, human, printable};
use crate::stats::{Estimate, Summary};
use crate::units::general;

impl AsDocument for PortfolioReport {
    fn document(&self) -> Document {
        let mut doc = Document::new(format!(
            "Portfolio {} ({})\n{}\n{}\n\n",
            printable(&self.name),
            printable(&self.file),
            drawn(self),
            shared(self)
        ));
        doc.push_str("Timeline\n");
        doc.table(timeline_rows(self));
        doc.push_str("\nTraining days and cost\n");
        doc.table(cost_rows(self));
        if let Some((year, _)) = &self.year_spend {
            doc.push_str(&format!("\nSpend in {year}\n"));
            doc.table(year_rows(self));
        }
        if let Some(when) = &self.when {
            doc.push_str("\nThe portfolio's spend by quarter; P(finished): every run has ended\n");
            when.quarters_table(&mut doc);
        }
        if !self.chances.is_empty() {
            doc.push_str("\nChances\n");
            let mut rows = vec![vec!["chance".into(), "p".into(), "95% interval".into()]];
            for c in &self.chances {
                let e = &c.p.estimate;
                rows.push(vec![
                    c.what.label(),
                    human(Unit::Ratio, e.value),
                    format!(
                        "{} to {}",
                        human(Unit::Ratio, e.ci95_lo),
                        human(Unit::Ratio, e.ci95_hi)
                    ),
                ]);
            }
            doc.table(rows);
        }
        if self.runs.len() > 1 {
            doc.push_str("\nRisk: each run's share\n");
            doc.table(risk_rows(self));
            let year = self.year_spend.as_ref().map(|(y, _)| *y);
            doc.push_str(&format!(
                "{} P(ends last) counts a tie for every run in it.\n",
                self.tail.describe(year)
            ));
            doc.push_str("\nCorrelation of the runs' total costs\n");
            doc.table(correlation_rows(self));
        }
        doc
    }
}

fn drawn(r: &PortfolioReport) -> String {
    let day0 = r
        .start
        .map(|s| format!("; day 0 is {s}"))
        .unwrap_or_default();
    format!(
        "{} runs, {} draws (seed {}){day0}.",
        r.runs.len(),
        group_thousands(r.draws),
        r.seed
    )
}

fn shared(r: &PortfolioReport) -> String {
    if r.shared.is_empty() {
        return "No input is shared: every run draws its inputs independently.".into();
    }
    let each: Vec<String> = r
        .shared
        .iter()
        .map(|s| match &s.written {
            Some(w) => format!("{} = {} (one draw for every run)", s.key, printable(w)),
            None => format!(
                "{} (one quantile for every run, each run's own distribution)",
                s.key
            ),
        })
        .collect();
    format!("Shared: {}.", each.join("; "))
}

fn timeline_rows(r: &PortfolioReport) -> Vec<Vec<String>> {
    let mut rows = vec![
        [
            "run",
            "waits for",
            "start P5",
            "P50",
            "P95",
            "ends P5",
            "P50",
            "P95",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for run in &r.runs {
        let mut row = vec![printable(&run.name), waits(run)];
        row.extend(days_or_dates(r.start, &run.start_day));
        row.extend(days_or_dates(r.start, &run.finish_day));
        rows.push(row);
    }
    let mut last = vec!["every run".into(), String::new()];
    last.extend(["", "", ""].map(String::from));
    last.extend(days_or_dates(r.start, &r.finish_day));
    rows.push(last);
    rows
}

/// "8b +14 d", "8b, 70b, from 2027-03-01", "from 2027-03-01", "—".
fn waits(run: &RunFigures) -> String {
    let mut parts: Vec<String> = run.after.iter().map(|a| printable(a)).collect();
    if let (Some(last), true) = (parts.last_mut(), run.gap_days > 0.0) {
        last.push_str(&format!(" +{} d", general(run.gap_days)));
    }
    parts.extend(run.earliest.map(|d| format!("from {d}")));
    if parts.is_empty() {
        "—".into()
    } else {
        parts.join(", ")
    }
}

/// A band of days from day 0 as dates, or as days when the plan has no dates.
fn days_or_dates(start: Option<Date>, s: &Summary) -> [String; 3] {
    band(s).map(|e| match start {
        Some(d) => crate::report::run::when::date_after(d, e.value),
        None => format!("day {}", estimate_cell(Unit::Days, &e)),
    })
}

fn cost_rows(r: &PortfolioReport) -> Vec<Vec<String>> {
    let mut rows = vec![
        [
            "run",
            "train_days P5",
            "P50",
            "P95",
            "total_cost_usd P5",
            "P50",
            "P95",
            "mean",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for run in &r.runs {
        let mut row = vec![printable(&run.name)];
        row.extend(cells(Unit::Days, &band(&run.train_days)));
        row.extend(cells(Unit::Usd, &band(&run.total_cost_usd)));
        row.push(estimate_cell(Unit::Usd, &run.total_cost_usd.mean));
        rows.push(row);
    }
    let mut total = vec!["portfolio".into(), "".into(), "".into(), "".into()];
    total.extend(cells(Unit::Usd, &band(&r.total_cost_usd)));
    total.push(estimate_cell(Unit::Usd, &r.total_cost_usd.mean));
    rows.push(total);
    rows
}

fn year_rows(r: &PortfolioReport) -> Vec<Vec<String>> {
    let mut rows = vec![
        ["run", "P5", "P50", "P95", "mean"]
            .map(String::from)
            .to_vec(),
    ];
    for run in &r.runs {
        if let Some(s) = &run.year_spend_usd {
            let mut row = vec![printable(&run.name)];
            row.extend(cells(Unit::Usd, &band(s)));
            row.push(estimate_cell(Unit::Usd, &s.mean));
            rows.push(row);
        }
    }
    if let Some((_, s)) = &r.year_spend {
        let mut row = vec!["portfolio".to_string()];
        row.extend(cells(Unit::Usd, &band(s)));
        row.push(estimate_cell(Unit::Usd, &s.mean));
        rows.push(row);
    }
    rows
}

fn cells(unit: Unit, band: &[Estimate; 3]) -> [String; 3] {
    band.map(|e| estimate_cell(unit, &e))
}

fn share(e: &Estimate) -> String {
    if e.value.is_nan() {
        return "—".into();
    }
    let half = if e.half_width().is_finite() {
        format!(
            " ±{}",
            crate::format::human_sig(Unit::Ratio, e.half_width(), 2)
        )
    } else {
        String::new()
    };
    format!("{}{half}", human(Unit::Ratio, e.value))
}

fn risk_rows(r: &PortfolioReport) -> Vec<Vec<String>> {
    let tail = match r.tail {
        super::Tail::OverBudget { .. } => "over budget",
        super::Tail::Worst5 { .. } => "in the worst 5%",
    };
    let mut rows = vec![vec![
        "run".into(),
        "of the variance".into(),
        tail.into(),
        "P(ends last)".into(),
    ]];
    for run in &r.runs {
        rows.push(vec![
            printable(&run.name),
            share(&run.variance_share),
            run.tail_share.as_ref().map_or("—".into(), share),
            human(Unit::Ratio, run.finishes_last.estimate.value),
        ]);
    }
    rows
}

fn correlation_rows(r: &PortfolioReport) -> Vec<Vec<String>> {
    let mut head = vec![String::new()];
    head.extend(r.runs.iter().map(|run| printable(&run.name)));
    let mut rows = vec![head];
    for (run, line) in r.runs.iter().zip(&r.cost_correlations) {
        let mut row = vec![printable(&run.name)];
        row.extend(line.iter().map(|c| {
            if c.is_nan() {
                "—".into()
            } else {
                format!("{c:.3}")
            }
        }));
        rows.push(row);
    }
    rows
}
