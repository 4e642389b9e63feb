//! The re-forecast as a document: the terminal text and `--markdown`.

use super::{Flag, UpdateReport};
use crate::format::Unit;
use crate::report::{AsDocument, Document, estimate_cell, group_thousands, human, printable};
use crate::stats::Estimate;
use crate::units::{compact, general, si};

impl AsDocument for UpdateReport {
    fn document(&self) -> Document {
        let mut doc = Document::new(format!(
            "Re-forecast of {} ({})\n{}\n{}\n\n",
            printable(&self.scenario),
            printable(&self.file),
            seen(self),
            weighed(self)
        ));
        doc.push_str("What the run has shown\n");
        doc.table(shown_rows(self));
        doc.push_str("\nForecast\n");
        doc.table(figure_rows(self));
        doc.push_str(&format!("\n{}\n", narrowed(self)));
        if self.observed.spent_usd.is_some() {
            doc.push_str(
                "Now, total_cost_usd is the spend given plus each run's cost to complete.\n",
            );
        }
        if !self.chances.is_empty() {
            doc.push_str("\nChances\n");
            doc.table(chance_rows(self));
        }
        if self.steady {
            doc.push_str(
                "\nThe scenario has no [failures]: each of its runs keeps one pace throughout, so \
                 the pace so far sets the rest, and the band reflects only what the pace leaves \
                 open (tokens, a contract's wait). Describe interruptions in [failures] for a \
                 band that includes them.\n",
            );
        }
        if !self.flags.is_empty() {
            doc.push_str("\nFlags\n");
            for f in &self.flags {
                doc.push_str(&format!("  ! {}\n", describe(f, self)));
            }
        }
        doc
    }
}

fn seen(r: &UpdateReport) -> String {
    let o = &r.observed;
    let mut parts = vec![format!("{} tokens", si(o.tokens_done, 4))];
    if let Some(share) = o.tokens_share {
        parts[0].push_str(&format!(" ({}% of the plan's)", compact(100.0 * share, 3)));
    }
    if let Some(k) = o.interruptions {
        parts.push(format!("{} interruptions", group_thousands(k)));
    }
    if let Some(usd) = o.spent_usd {
        parts.push(format!("{} spent", human(Unit::Usd, usd)));
    }
    let date = r
        .start
        .map(|s| {
            format!(
                " ({})",
                crate::report::run::when::date_after(s, o.elapsed_days)
            )
        })
        .unwrap_or_default();
    format!(
        "Seen after {} days{date}: {}.",
        general(o.elapsed_days),
        parts.join(", ")
    )
}

fn weighed(r: &UpdateReport) -> String {
    format!(
        "{} runs of the plan (seed {}): {} could have done this; weighted by how likely each \
         made it, they are worth {} independent runs.",
        group_thousands(r.runs),
        r.seed,
        group_thousands(r.consistent_runs),
        group_thousands(r.effective_runs.round() as u64)
    )
}

const BAND_HEADER: [&str; 6] = ["plan P5", "P50", "P95", "now P5", "P50", "P95"];

fn shown_rows(r: &UpdateReport) -> Vec<Vec<String>> {
    let mut rows = vec![header("input", &[])];
    for s in &r.shown {
        let cell = |x: f64| match s.input {
            crate::model::Input::Mfu => human(Unit::Ratio, x),
            _ => compact(x, 3),
        };
        let mut row = vec![s.input.key().to_string()];
        row.extend(s.plan.map(cell));
        row.extend(s.now.map(|e| cell(e.value)));
        rows.push(row);
    }
    rows
}

fn header(first: &str, more: &[&str]) -> Vec<String> {
    std::iter::once(first)
        .chain(BAND_HEADER)
        .chain(more.iter().copied())
        .map(String::from)
        .collect()
}

fn figure_rows(r: &UpdateReport) -> Vec<Vec<String>> {
    let mut rows = vec![header("figure", &["±95%", "90% band"])];
    for f in &r.figures {
        let mut row = vec![f.name.to_string()];
        match f.plan {
            Some(p) => row.extend(p.map(|x| human(f.unit, x))),
            None => row.extend(["—"; 3].map(String::from)),
        }
        row.extend(f.now.map(|e| estimate_cell(f.unit, &e)));
        row.push(half_width(f.unit, &f.now));
        row.push(f.narrower_by.map_or(String::new(), narrower));
        rows.push(row);
        if f.name == "train_days"
            && let Some(b) = &r.finish
        {
            let mut dates = vec!["finish date".to_string()];
            dates.extend(b.plan.iter().cloned());
            dates.extend(b.now.iter().cloned());
            dates.extend([String::new(), String::new()]);
            rows.push(dates);
        }
    }
    rows
}

/// The widest ± of the band's reliable percentiles.
fn half_width(unit: Unit, band: &[Estimate; 3]) -> String {
    band.iter()
        .filter(|e| e.reliable)
        .map(Estimate::half_width)
        .reduce(f64::max)
        .map_or("n/a".to_string(), |h| {
            format!("±{}", crate::report::human_sig(unit, h, 2))
        })
}

fn narrower(share: f64) -> String {
    if share >= 0.0 {
        format!("{}% narrower", compact(100.0 * share, 2))
    } else {
        format!("{}% wider", compact(-100.0 * share, 2))
    }
}

fn narrowed(r: &UpdateReport) -> String {
    let part = |name: &str, n: Option<f64>| match n {
        Some(n) if n >= 0.0 => format!("{name} by {}%", compact(100.0 * n, 2)),
        Some(n) => format!("{name} widened by {}%", compact(-100.0 * n, 2)),
        None => format!("{name}: the plan had no spread"),
    };
    format!(
        "What the run has shown narrowed the 90% band (P5–P95) of {} and of {}.",
        part("train_days", r.narrowed[0]),
        part("total_cost_usd", r.narrowed[1])
    )
}

fn chance_rows(r: &UpdateReport) -> Vec<Vec<String>> {
    let mut rows = vec![
        ["chance", "plan", "now", "now: 95% CI"]
            .map(String::from)
            .to_vec(),
    ];
    let pct = |x: f64| format!("{:.1}%", 100.0 * x);
    for c in &r.chances {
        let now = pct(c.now.value);
        rows.push(vec![
            c.label(),
            pct(c.plan.value),
            if c.now.reliable {
                now
            } else {
                format!("{now}*")
            },
            format!("{}–{}", pct(c.now.ci95_lo), pct(c.now.ci95_hi)),
        ]);
    }
    rows
}

fn percent(p: f64) -> String {
    if p < 1e-4 {
        format!("{p:.1e}")
    } else {
        format!("{}%", compact(100.0 * p, 2))
    }
}

/// A flag in words: what was seen, how unlikely the plan made it, what to revise.
pub fn describe(f: &Flag, r: &UpdateReport) -> String {
    let seen = format!(
        "{} tokens in {} days",
        si(r.observed.tokens_done, 4),
        general(r.observed.elapsed_days)
    );
    match *f {
        Flag::PaceFast { p } => format!(
            "The pace is faster than the plan allowed: P(at least {seen}) = {} under the plan. \
             Its `cluster.mfu` prior was too low; the re-forecast rests on the prior's upper \
             tail: widen the prior and re-forecast.",
            percent(p)
        ),
        Flag::PaceSlow { p } => format!(
            "The pace is slower than the plan allowed: P(at most {seen}) = {} under the plan. \
             Its `cluster.mfu` prior was too high; the re-forecast rests on the prior's lower \
             tail: widen the prior and re-forecast.",
            percent(p)
        ),
        Flag::FewerInterruptions { k, p, input } => format!(
            "Fewer interruptions than the plan allowed: P(at most {k}) = {} under the plan; \
             its `{}` prior was too pessimistic.",
            percent(p),
            input.key()
        ),
        Flag::MoreInterruptions { k, p, input } => format!(
            "More interruptions than the plan allowed: P(at least {k}) = {} under the plan; \
             its `{}` prior was too optimistic.",
            percent(p),
            input.key()
        ),
        Flag::Spent {
            usd,
            lo,
            hi,
            tolerance,
        } => format!(
            "The spend given, {}, lies more than {}% outside what the re-forecast runs \
             spent by now (P0.5–P99.5: {} to {}): check the scenario's prices and cost lines, \
             which the cost to complete still comes from.",
            human(Unit::Usd, usd),
            compact(100.0 * tolerance, 2),
            human(Unit::Usd, lo),
            human(Unit::Usd, hi)
        ),
        Flag::FewRuns { effective, runs } => format!(
            "Only {} effective runs of {} carry the re-forecast: its percentiles are rough; \
             rerun with more --runs.",
            group_thousands(effective.round() as u64),
            group_thousands(runs)
        ),
    }
}
