//! The comparison as a document: the terminal text and `--markdown`.

use super::CompareReport;
use crate::report::{AsDocument, Document, group_thousands, human, printable};
use crate::stats::{Probability, Summary};

fn compare_document(r: &CompareReport) -> Document {
    let mut out = Document::new(format!(
        "A: {} ({})\nB: {} ({})\n{} runs each on common random numbers, seed {}\n\n",
        printable(&r.a.scenario_name),
        printable(&r.a.scenario_file),
        printable(&r.b.scenario_name),
        printable(&r.b.scenario_file),
        group_thousands(r.runs),
        r.seed
    ));
    if let Some(p) = &r.precision {
        out.push_str(&crate::report::run::text::precision_line(p));
        out.push_str("\n\n");
    }
    let mut rows = vec![vec![
        "metric".to_string(),
        "A P50".into(),
        "B P50".into(),
        "B−A mean".into(),
        "B−A P5".into(),
        "B−A P50".into(),
        "B−A P95".into(),
    ]];
    let at = |s: &Summary, p: f64| {
        s.percentiles
            .iter()
            .find(|x| x.percent == p)
            .map(|x| x.estimate.value)
    };
    for (m, diff) in &r.difference {
        let u = m.unit();
        let cell = |v: Option<f64>| v.map_or("-".to_string(), |v| human(u, v));
        rows.push(vec![
            m.name().to_string(),
            cell(at(r.a.summary(*m), 50.0)),
            cell(at(r.b.summary(*m), 50.0)),
            signed(human(u, diff.mean.value), diff.mean.value),
            signed(cell(at(diff, 5.0)), at(diff, 5.0).unwrap_or(0.0)),
            signed(cell(at(diff, 50.0)), at(diff, 50.0).unwrap_or(0.0)),
            signed(cell(at(diff, 95.0)), at(diff, 95.0).unwrap_or(0.0)),
        ]);
    }
    out.table(rows);
    let with_ties = |p: Probability, same: Probability| {
        if same.hits == same.n {
            "none: identical in every run".to_string()
        } else if same.hits > 0 {
            format!(
                "{}; equal in {:.2}% of runs",
                crate::report::run::text::describe_chance(&p),
                100.0 * same.estimate.value
            )
        } else {
            crate::report::run::text::describe_chance(&p)
        }
    };
    out.push_str(&format!(
        "\nP(B cheaper than A) = {}   (total_cost_usd, run by run)\nP(B faster than A)  = {}   (train_days, run by run)\n",
        with_ties(r.b_cheaper, r.same_cost),
        with_ties(r.b_faster, r.same_days)
    ));
    for (label, report) in [("A", &r.a), ("B", &r.b)] {
        let lines = crate::report::run::text::goal_lines(report);
        if !lines.is_empty() {
            out.push('\n');
        }
        for line in lines {
            out.push_str(&format!("{label}: {line}\n"));
        }
    }
    out
}

impl AsDocument for CompareReport {
    fn document(&self) -> Document {
        compare_document(self)
    }
}

fn signed(text: String, value: f64) -> String {
    if value > 0.0 {
        format!("+{text}")
    } else {
        text
    }
}
