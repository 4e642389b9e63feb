//! The calibration report as a document: the terminal text and `--markdown`.

use super::{CalibrationReport, ReferenceChecks, ScenarioChecks, Verification};
use crate::analyze::calibration::{Summary, Verdict, factor};
use crate::format::Unit;
use crate::model::Metric;
use crate::report::{AsDocument, Document, group_thousands, human, printable};

impl AsDocument for CalibrationReport {
    fn document(&self) -> Document {
        let mut doc = Document::default();
        let what = match &self.verification {
            Verification::Scenarios(scenarios) => {
                scenarios.iter().for_each(|s| scenario_section(&mut doc, s));
                "published figures"
            }
            Verification::Reference(r) => {
                reference_section(&mut doc, r);
                "reference runs"
            }
        };
        summary_section(&mut doc, &self.summary, what);
        doc
    }
}

fn scenario_section(doc: &mut Document, s: &ScenarioChecks) {
    let shown = printable(&s.file);
    if s.checks.is_empty() {
        doc.push_str(&format!("{shown}: no [[published]] figures to check\n\n"));
        return;
    }
    doc.push_str(&format!(
        "{} ({shown})\n{} runs, seed {}\n\n",
        printable(&s.name),
        group_thousands(s.runs),
        s.seed
    ));
    let mut rows = vec![header_row("metric")];
    for c in &s.checks {
        let unit = Metric::ALL
            .iter()
            .find(|m| m.name() == c.metric)
            .map(|m| m.unit());
        let mut row = vec![c.metric.to_string()];
        row.extend(verdict_cells(&c.verdict, unit));
        rows.push(row);
    }
    doc.table(rows);
    for c in s.checks.iter().filter(|c| !c.source.is_empty()) {
        doc.push_str(&format!("{} source: {}\n", c.metric, printable(&c.source)));
    }
    doc.push('\n');
}

fn reference_section(doc: &mut Document, r: &ReferenceChecks) {
    let terms = r.terms.join(", ");
    let set = printable(&r.set_name);
    doc.push_str(&match &r.split {
        None => format!(
            "Leave-one-out verification of the utilisation prior on {set}\n\
             Each run's chip-hours forecast from its facts by a fit on the other runs (terms: {terms}).\n\n"
        ),
        Some(split) => format!(
            "Time-split verification of the utilisation prior on {set}\n\
             Fitted on the {} runs published before {}; each of the {} published on or after it forecast from its facts (terms: {terms}).\n\n",
            split.fitted_on,
            split.date,
            r.checks.len()
        ),
    });
    let mut header = vec![
        "model".to_string(),
        "hardware".into(),
        "chips".into(),
        "date".into(),
    ];
    header.extend(header_row("chip-hours").into_iter().skip(1));
    let mut rows = vec![header];
    for c in &r.checks {
        let mut row = vec![
            printable(&c.model),
            c.hardware.to_string(),
            crate::units::general(c.chips),
            printable(&c.published_date),
        ];
        row.extend(verdict_cells(&c.verdict, Some(Metric::GpuHours.unit())));
        rows.push(row);
    }
    doc.table(rows);
    doc.push('\n');
}

fn header_row(first: &str) -> Vec<String> {
    [
        first,
        "published",
        "P5",
        "P50",
        "P95",
        "PIT",
        "pub/P50",
        "ln(P50/pub)",
        "band",
    ]
    .map(String::from)
    .to_vec()
}

/// published, P5, P50, P95, PIT, published/P50, ln(P50/published), and the narrowest band
/// holding the figure, or how far outside P5–P95 it lies.
fn verdict_cells(v: &Verdict, unit: Option<Unit>) -> Vec<String> {
    let value = |x: f64| match unit {
        Some(u) => human(u, x),
        None => crate::units::general(x),
    };
    vec![
        value(v.published),
        value(v.p5),
        value(v.p50),
        value(v.p95),
        format!("{:.2}", v.pit),
        v.ratio.map_or("n/a".into(), |r| format!("{r:.2}")),
        v.ln_error.map_or("n/a".into(), |e| format!("{e:+.2}")),
        v.beyond_band().unwrap_or_else(|| v.band().to_string()),
    ]
}

fn summary_section(doc: &mut Document, s: &Summary, what: &str) {
    if s.n == 0 {
        doc.push_str(&format!("No {what} to verify\n"));
        return;
    }
    doc.push_str(
        "band: the narrowest central band (50, 80 or 90%) holding the published figure; PIT: the forecast's chance of a value at or below it\n\n",
    );
    doc.push_str(&summary_lines(s, what));
    let scores = if s.mean_log_score.is_some() {
        "CRPS and log score are"
    } else {
        "CRPS is"
    };
    doc.push_str(&format!(
        "  ({scores} of ln of the metric, so runs of any size weigh alike)\n"
    ));
}

fn summary_lines(s: &Summary, what: &str) -> String {
    let mut out = format!("Summary over {} {what}\n", s.n);
    for c in &s.coverage {
        out.push_str(&format!(
            "  {:.0}% band held {} of {} ({:.0}%); a calibrated band holds {}–{} of {} (95% of the time)\n",
            100.0 * c.level,
            c.inside,
            c.n,
            100.0 * c.share,
            c.calibrated_lo,
            c.calibrated_hi,
            c.n
        ));
    }
    let num =
        |x: Option<f64>, digits: usize| x.map_or("n/a".to_string(), |v| format!("{v:+.digits$}"));
    let plain =
        |x: Option<f64>, digits: usize| x.map_or("n/a".to_string(), |v| format!("{v:.digits$}"));
    out.push_str(&format!(
        "  bias: mean ln(P50/published) {} (above 0: P50 above the outcome); median |ln(P50/published)| {} (a typical miss of ×{})\n",
        num(s.mean_ln_error, 3),
        plain(s.median_abs_ln_error, 3),
        s.median_abs_ln_error.map_or("n/a".to_string(), factor)
    ));
    out.push_str(&format!(
        "  sharpness: median P95/P5 {}\n",
        plain(s.median_p95_over_p5, 2)
    ));
    out.push_str(&format!(
        "  mean CRPS of ln(metric) {} (lower is better; in ln units)\n",
        plain(s.mean_crps_ln, 4)
    ));
    if let Some(score) = s.mean_log_score {
        out.push_str(&format!(
            "  mean log score of ln(metric) {score:.3} (higher is better)\n"
        ));
    }
    out
}
