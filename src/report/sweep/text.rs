//! The sweep as a document: the terminal text and `--markdown`.

use super::{SHOWN, SweepReport, short};
use crate::model::Metric;
use crate::report::{AsDocument, Document, group_thousands, human, printable};
use crate::units;

fn sweep_document(r: &SweepReport) -> Document {
    let mut out = Document::new(format!(
        "{}: sweep of {}\n{} runs per point on common random numbers, seed {}\n\n",
        printable(&r.scenario_name),
        r.keys
            .iter()
            .map(|k| k.key())
            .collect::<Vec<_>>()
            .join(" × "),
        group_thousands(r.runs),
        r.seed
    ));
    if let Some(p) = &r.precision {
        out.push_str(&crate::report::run::text::precision_line(p));
        out.push_str("\n\n");
    }
    let shown_p: Vec<f64> = [5.0, 50.0, 95.0]
        .into_iter()
        .filter(|p| r.percentiles.contains(p))
        .collect();
    let shown_p = if shown_p.is_empty() {
        r.percentiles.clone()
    } else {
        shown_p
    };
    let mut header: Vec<String> = r.keys.iter().map(|k| k.key().to_string()).collect();
    for m in SHOWN {
        for p in &shown_p {
            header.push(format!("{} P{p}", short(m)));
        }
    }
    let first = &r.points[0].report;
    let goal_columns = [
        first.budget.is_some(),
        first.deadline.is_some(),
        first.joint.is_some(),
        first.overrun.is_some(),
    ];
    for (present, name) in
        goal_columns
            .iter()
            .zip(["P(budget)", "P(deadline)", "P(both)", "P(overrun)"])
    {
        if *present {
            header.push(name.to_string());
        }
    }
    let mut rows = vec![header];
    for point in &r.points {
        let mut row: Vec<String> = point.values.iter().map(|v| printable(v)).collect();
        for m in SHOWN {
            let s = point.report.summary(m);
            for p in &shown_p {
                let v = s
                    .percentiles
                    .iter()
                    .find(|x| x.percent == *p)
                    .map_or(f64::NAN, |x| x.estimate.value);
                row.push(human(m.unit(), v));
            }
        }
        let rep = &point.report;
        let chances = [
            rep.budget.map(|t| t.chance.estimate.value),
            rep.deadline.map(|t| t.chance.estimate.value),
            rep.joint.map(|j| j.estimate.value),
            rep.overrun.map(|p| p.estimate.value),
        ];
        row.extend(
            chances
                .iter()
                .flatten()
                .map(|p| format!("{:.1}%", 100.0 * p)),
        );
        rows.push(row);
    }
    out.table(rows);
    if let Some(b) = first.budget {
        out.push_str(&format!(
            "\nP(budget): P(total_cost_usd <= {})",
            human(Metric::TotalCostUsd.unit(), b.limit)
        ));
    }
    if let Some(d) = first.deadline {
        out.push_str(&format!(
            "\nP(deadline): P(train_days <= {})",
            units::general(d.limit)
        ));
    }
    if first.overrun.is_some() {
        out.push_str("\nP(overrun): P(overrun_days > 0), the run outlasts the contract's term");
    }
    if first.budget.is_some() || first.deadline.is_some() || first.overrun.is_some() {
        out.push('\n');
    }
    out
}

impl AsDocument for SweepReport {
    fn document(&self) -> Document {
        sweep_document(self)
    }
}
