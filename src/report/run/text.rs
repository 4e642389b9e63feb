//! The run report as a document: a bands table in readable units, with how many digits to
//! trust, then the chances of the goals. The terminal shows its text and `--markdown` writes it
//! as Markdown, so the two cannot drift apart.

use super::{RunReport, interval_notes};
use crate::analyze::precision::{Judged, Outcome, Target};
use crate::format::Unit;
use crate::model::Metric;
use crate::report::{
    AsDocument, Document, estimate_cell, group_thousands, half_width_cell, human, printable,
};
use crate::sample::scheme::{Scheme, Uniforms};
use crate::stats::Probability;
use crate::units;

impl AsDocument for RunReport {
    fn document(&self) -> Document {
        let mut doc = Document::new(format!(
            "{}\n{} runs{}, seed {}\n\n",
            printable(&self.scenario_name),
            group_thousands(self.runs),
            sampled(&self.uniforms),
            self.seed
        ));
        if let Some(p) = &self.precision {
            doc.push_str(&precision_line(p));
            doc.push_str("\n\n");
        }
        doc.table(bands_rows(self));
        doc.push('\n');
        for note in interval_notes(self) {
            doc.push_str(&note);
            doc.push('\n');
        }
        let goals = goal_lines(self);
        if !goals.is_empty() {
            doc.push('\n');
            doc.push_str(&goals.join("\n"));
            doc.push('\n');
        }
        if let Some(when) = &self.when {
            when.document(&mut doc);
        }
        doc
    }
}

/// How a run count found by `--precision` was reached, and how close the figures came.
pub fn precision_line(p: &Outcome) -> String {
    let targets: Vec<String> = p.targets.iter().map(Target::describe).collect();
    let runs = |n: u64| group_thousands(n);
    let last = *p.rounds.last().expect("at least one round");
    let rounds: Vec<String> = p.rounds.iter().map(|&n| runs(n)).collect();
    let how = if p.rounds.len() == 1 {
        "in one round".to_string()
    } else {
        format!(
            "after rounds of {} runs ({} drawn in all)",
            rounds.join(", "),
            runs(p.drawn())
        )
    };
    let widths = |w: &Judged| {
        let shown = |x: f64| human(w.unit, x);
        let half = if w.half_width.is_finite() {
            format!("±{}", shown(w.half_width))
        } else {
            "no reliable interval".to_string()
        };
        format!("{}: {half} against ±{} allowed", w.figure, shown(w.allowed))
    };
    let mut line = format!("Precision {}: ", targets.join("; "));
    if p.met {
        line.push_str(&format!("met at {} runs, {how}.", runs(last)));
        if let Some(w) = &p.worst {
            line.push_str(&format!(" Nearest its limit: {}.", widths(w)));
        }
    } else {
        line.push_str(&format!(
            "NOT met at the cap of {} runs (--max-runs), {how}.",
            runs(p.max_runs)
        ));
        if let Some(w) = &p.worst {
            line.push_str(&format!(" Furthest from it: {}", widths(w)));
            match p.runs_needed() {
                Some(n) => line.push_str(&format!(
                    "; about {} runs would meet it.",
                    human(Unit::Count, n)
                )),
                None => line.push('.'),
            }
        }
    }
    line
}

/// How the runs were sampled, for the line under the title: nothing for Monte Carlo.
pub fn sampled(uniforms: &Uniforms) -> String {
    match (uniforms.scheme, uniforms.replicates) {
        (Scheme::MonteCarlo, _) | (_, None) => String::new(),
        (Scheme::LatinHypercube, Some(r)) => {
            format!(
                " (Latin hypercube, {} replicates)",
                group_thousands(r.count)
            )
        }
        (Scheme::Sobol, Some(r)) => format!(
            " (scrambled Sobol points, {} replicates)",
            group_thousands(r.count)
        ),
    }
}

fn bands_rows(report: &RunReport) -> Vec<Vec<String>> {
    let mut header = vec!["metric".to_string(), "mean".into(), "sd".into()];
    header.extend(report.percentiles.iter().map(|p| format!("P{p}")));
    header.push("±95%".into());
    let mut rows = vec![header];
    for (metric, s) in &report.metrics {
        let u = metric.unit();
        let mut row = vec![
            metric.name().to_string(),
            estimate_cell(u, &s.mean),
            human(u, s.sd),
        ];
        row.extend(s.percentiles.iter().map(|p| estimate_cell(u, &p.estimate)));
        row.push(half_width_cell(u, s));
        rows.push(row);
    }
    rows
}

/// "P(total_cost_usd <= $110M) = 62.31% ± 0.10%" lines for the budget, deadline and both.
pub fn goal_lines(report: &RunReport) -> Vec<String> {
    let mut lines = Vec::new();
    let budget_text = report.budget.map(|b| {
        format!(
            "{} <= {}",
            Metric::TotalCostUsd.name(),
            human(Metric::TotalCostUsd.unit(), b.limit)
        )
    });
    let deadline_text = report.deadline.map(|d| {
        format!(
            "{} <= {}",
            Metric::TrainDays.name(),
            units::general(d.limit)
        )
    });
    if let (Some(b), Some(text)) = (report.budget, &budget_text) {
        lines.push(format!("P({text}) = {}", describe_chance(&b.chance)));
    }
    if let (Some(d), Some(text)) = (report.deadline, &deadline_text) {
        lines.push(format!("P({text}) = {}", describe_chance(&d.chance)));
    }
    if let (Some(j), Some(b), Some(d)) = (report.joint, &budget_text, &deadline_text) {
        lines.push(format!("P({b} and {d}) = {}", describe_chance(&j)));
    }
    if let Some(p) = report.overrun {
        lines.push(format!(
            "{} = {} (the run outlasts the contract's term)",
            super::OVERRUN_LABEL,
            describe_chance(&p)
        ));
    }
    lines
}

/// "69.91% (95% CI 69.82–70.00%)"; at 0 or 100% it says how many runs that is.
pub fn describe_chance(p: &Probability) -> String {
    let pct = |x: f64| crate::units::significant(100.0 * x, 2);
    if p.hits == 0 {
        format!(
            "0% (none of {} runs; 95% CI up to {}%)",
            p.n,
            pct(p.estimate.ci95_hi)
        )
    } else if p.hits == p.n {
        format!(
            "100% (all {} runs; 95% CI down to {:.4}%)",
            p.n,
            100.0 * p.estimate.ci95_lo
        )
    } else {
        format!(
            "{:.2}% (95% CI {:.2}–{:.2}%)",
            100.0 * p.estimate.value,
            100.0 * p.estimate.ci95_lo,
            100.0 * p.estimate.ci95_hi
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probabilities_describe_their_clopper_pearson_interval() {
        // 1 of 10: 0.25–44.50% (statsmodels proportion_confint, method="beta").
        assert_eq!(
            describe_chance(&Probability::from_count(1, 10)),
            "10.00% (95% CI 0.25–44.50%)"
        );
        // 0 of n: up to 1 − 0.025^(1/n); n of n: down to 0.025^(1/n).
        assert_eq!(
            describe_chance(&Probability::from_count(0, 100)),
            "0% (none of 100 runs; 95% CI up to 3.6%)"
        );
        assert_eq!(
            describe_chance(&Probability::from_count(50, 50)),
            "100% (all 50 runs; 95% CI down to 92.8878%)"
        );
    }
}
