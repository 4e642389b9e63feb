//! The sensitivity report as a document: the terminal text and `--markdown`.

use super::{InputSensitivity, SensitivityReport};
use crate::analyze::tail::TailMeasure;
use crate::model::{Input, Metric};
use crate::report::{AsDocument, Document, group_thousands, human, printable};
use crate::sample::saltelli::PointSet;
use crate::stats::Estimate;
use crate::units;

/// The terminal view: the ranked table, then the leader of every output, then the tails.
fn sensitivity_document(r: &SensitivityReport) -> Document {
    let u = r.output.unit();
    let mut out = Document::new(format!(
        "Sensitivity of {}: {}\nSobol: {} base points ({}), {} bootstrap replicates; Monte Carlo: {} runs; seed {}\n\n",
        r.output.name(),
        printable(&r.scenario_name),
        group_thousands(r.sobol_n as u64),
        match r.points {
            PointSet::Random => "independent random points",
            PointSet::Sobol => "Owen-scrambled Sobol points",
        },
        r.bootstrap,
        group_thousands(r.runs),
        r.seed
    ));
    let intervals = r.bootstrap > 0;
    let interval = |e: &Estimate| match (intervals, e.reliable) {
        (true, true) => format!("{:.3} [{:.3}, {:.3}]", e.value, e.ci95_lo, e.ci95_hi),
        (true, false) => format!("{:.3} [{:.3}, {:.3}]*", e.value, e.ci95_lo, e.ci95_hi),
        (false, _) => format!("{:.3}", e.value),
    };
    let bracket = if intervals { " [95%]" } else { "" };
    let mut rows = vec![vec![
        "input".to_string(),
        format!("ST (total){bracket}"),
        format!("S1 (alone){bracket}"),
        "Spearman".into(),
        "Spearman² share".into(),
        "input P10 → P90".into(),
        "output at P10 → P90".into(),
    ]];
    for row in &r.rows {
        let s = &row.sobol;
        rows.push(vec![
            row.input.key().to_string(),
            interval(&s.st),
            interval(&s.s1),
            format!("{:+.3}", row.spearman),
            format!("{:.1}%", 100.0 * row.spearman_sq_share),
            format!(
                "{} → {}",
                input_value(row.input, row.input_p10),
                input_value(row.input, row.input_p90)
            ),
            if row.tornado.at_low.is_nan() {
                "(the run's own luck)".to_string()
            } else {
                format!(
                    "{} → {}",
                    human(u, row.tornado.at_low),
                    human(u, row.tornado.at_high)
                )
            },
        ]);
    }
    out.table(rows);
    out.push_str(
        "\nST: share of the output's variance due to the input, alone or with others; S1: alone.\n\
         Spearman: rank correlation with the output. Spearman² share: its square, scaled so the\n\
         column sums to 100%: a ranking aid, not a share of variance (ST and S1 are); correlated\n\
         inputs each claim what they move together, so it counts that twice.\n\
         output at P10 → P90: the input at its P10, then its P90, every other input at its median.\n",
    );
    if intervals && r.rows.iter().any(|row| !row.sobol.st.reliable) {
        out.push_str(
            "* bootstrap intervals on independent random points cover about 91–95%, short of\n\
             95%; --points sobol (the default) gives intervals that cover at least 95%.\n",
        );
    }
    if r.correlated {
        out.push_str(
            "Note: this scenario correlates inputs. Sobol indices and the tornado treat inputs as\n\
             independent; Spearman, Spearman² share and the tail measures use the correlated runs.\n",
        );
    }
    out.push_str("\nMost influential input for each output (largest ST):\n");
    for (metric, leader) in &r.leaders {
        match leader {
            Some((input, st)) => out.push_str(&format!(
                "  {:<18} {:<22} ST {st:.2}\n",
                metric.name(),
                input.key()
            )),
            None => out.push_str(&format!(
                "  {:<18} (constant: no input moves it)\n",
                metric.name()
            )),
        }
    }
    let tails = [
        (r.budget, Metric::TotalCostUsd, "overruns", true),
        (r.deadline, Metric::TrainDays, "late runs", false),
    ];
    for (summary, metric, word, budget) in tails {
        let Some(t) = summary else { continue };
        out.push_str(&format!(
            "\nWhat drives P({} > {}) = {:.1}%:\n",
            metric.name(),
            if budget {
                human(metric.unit(), t.limit)
            } else {
                units::general(t.limit)
            },
            100.0 * t.p_exceed
        ));
        let mut rows = vec![vec![
            "input".to_string(),
            "KS".into(),
            format!("median pct in {word}"),
            "P(exceed | lowest 25%)".into(),
            "P(exceed | highest 25%)".into(),
        ]];
        let mut ranked: Vec<(&InputSensitivity, TailMeasure)> = r
            .rows
            .iter()
            .filter_map(|row| {
                if budget {
                    row.tail_budget
                } else {
                    row.tail_deadline
                }
                .map(|m| (row, m))
            })
            .collect();
        ranked.sort_by(|a, b| b.1.ks.total_cmp(&a.1.ks));
        if ranked.is_empty() {
            out.push_str("  no run, or every run, exceeds it: nothing to compare\n");
            continue;
        }
        for (row, m) in ranked {
            rows.push(vec![
                row.input.key().to_string(),
                format!("{:.3}", m.ks),
                format!("{:.0}", m.median_percentile_exceeding),
                format!("{:.1}%", 100.0 * m.p_exceed_low_quartile),
                format!("{:.1}%", 100.0 * m.p_exceed_high_quartile),
            ]);
        }
        out.table(rows);
        out.push_str(
            "\nKS: how differently the input is distributed in runs that exceed and runs that don't\n\
             (0: not at all, 1: completely); median pct above 50: high values of the input drive it.\n",
        );
    }
    out
}

impl AsDocument for SensitivityReport {
    fn document(&self) -> Document {
        sensitivity_document(self)
    }
}

/// An input's value for people: money as money, other values with three digits.
fn input_value(input: Input, x: f64) -> String {
    if input.key().ends_with("_usd") {
        units::usd(x, 3)
    } else {
        units::compact(x, 3)
    }
}
