//! One self-contained HTML file: inputs, bands, chances, charts and the sensitivity ranking,
//! with inline CSS and inline SVG, nothing fetched from anywhere.

use std::fmt::Write;

use super::sensitivity::SensitivityReport;
use super::{RunReport, group_thousands, human};
use crate::chart::escape;
use crate::model::Metric;

/// One uncertain or fixed input as the report lists it.
pub struct InputRow {
    pub key: String,
    pub written: String,
    pub resolved: String,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
}

const CSS: &str = "
body{font-family:Helvetica,Arial,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}
.meta{color:#666;font-size:.9em}
.answer{display:flex;gap:1em;flex-wrap:wrap;margin:1.2em 0}
.card{flex:1 1 200px;border:1px solid #d8e2ef;background:#f5f8fc;border-radius:6px;padding:.8em 1em}
.card .big{font-size:1.5em;font-weight:bold}.card .small{color:#555;font-size:.85em}
table{border-collapse:collapse;width:100%;font-size:.85em;margin:.6em 0}
th,td{padding:.3em .5em;border-bottom:1px solid #eee;text-align:right}th{background:#f3f3f3}
td:first-child,th:first-child{text-align:left}
.chart{margin:1em 0;page-break-inside:avoid}.chart svg{max-width:100%;height:auto}
.note{color:#555;font-size:.85em}
.warning{border-left:4px solid #b45309;background:#fffbeb;padding:.5em .8em}
@media print{body{max-width:none;margin:0}h2{page-break-after:avoid}}
";

/// `warnings`: sentences a reader must see before the figures (a prior used outside the
/// evidence it was fitted to).
pub fn render_html(
    run: &RunReport,
    sens: Option<&SensitivityReport>,
    inputs: &[InputRow],
    charts: &[(String, String)],
    warnings: &[String],
) -> String {
    let mut h = String::new();
    let title = escape(&run.scenario_name);
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}: flopcast report</title><style>{CSS}</style></head><body>"
    );
    let _ = write!(
        h,
        "<h1>{title}</h1><p class=\"meta\">{} · {} runs · seed {} · flopcast {}</p>",
        escape(&run.scenario_file),
        group_thousands(run.runs),
        run.seed,
        env!("CARGO_PKG_VERSION")
    );
    for warning in warnings {
        let _ = write!(h, "<p class=\"warning\">{}</p>", escape(warning));
    }
    h.push_str(&answer_cards(run));
    h.push_str("<h2>Bands</h2>");
    h.push_str(&bands_table(run));
    let _ = write!(
        h,
        "<p class=\"note\">Percentiles interpolate between order statistics. {}</p>",
        escape(&super::interval_notes(run).join(" "))
    );
    h.push_str("<h2>Charts</h2>");
    for (caption, svg) in charts {
        let _ = write!(
            h,
            "<figure class=\"chart\">{svg}<figcaption class=\"note\">{}</figcaption></figure>",
            escape(caption)
        );
    }
    h.push_str("<h2>What drives it</h2>");
    match sens {
        Some(sens) => h.push_str(&sensitivity_table(sens)),
        None => h.push_str(
            "<p>Every input is a point value: nothing varies, so nothing drives the spread.</p>",
        ),
    }
    h.push_str("<h2>Inputs</h2>");
    h.push_str(&inputs_table(inputs));
    h.push_str("<p class=\"note\">Made by flopcast from the scenario file above; the same file, seed and run count give the same report.</p></body></html>\n");
    h
}

fn answer_cards(run: &RunReport) -> String {
    let band = |m: Metric| {
        let s = run.summary(m);
        let at = |p: f64| {
            s.percentiles
                .iter()
                .find(|x| x.percent == p)
                .map(|x| x.value)
        };
        (at(5.0), at(50.0), at(95.0))
    };
    let mut out = String::from("<div class=\"answer\">");
    for (m, label) in [
        (Metric::TotalCostUsd, "Total cost"),
        (Metric::TrainDays, "Training days"),
    ] {
        let (p5, p50, p95) = band(m);
        let u = m.unit();
        let f = |v: Option<f64>| v.map_or("–".to_string(), |v| human(u, v));
        let _ = write!(
            out,
            "<div class=\"card\"><div class=\"small\">{label}, median</div><div class=\"big\" data-metric=\"{}\">{}</div><div class=\"small\">90% between {} and {}</div></div>",
            m.name(),
            f(p50),
            f(p5),
            f(p95)
        );
    }
    let goals = [
        run.budget.map(|b| {
            (
                format!(
                    "Within budget of {}",
                    human(Metric::TotalCostUsd.unit(), b.limit)
                ),
                b.chance,
            )
        }),
        run.deadline.map(|d| {
            (
                format!("Within {} days", crate::units::general(d.limit)),
                d.chance,
            )
        }),
        run.joint.map(|j| ("Both".to_string(), j)),
    ];
    for (label, p) in goals.into_iter().flatten() {
        let _ = write!(
            out,
            "<div class=\"card\"><div class=\"small\">{}</div><div class=\"big\">{:.1}%</div><div class=\"small\">95% CI {:.1}–{:.1}%</div></div>",
            escape(&label),
            100.0 * p.p,
            100.0 * p.ci95_lo,
            100.0 * p.ci95_hi
        );
    }
    out.push_str("</div>");
    out
}

fn bands_table(run: &RunReport) -> String {
    let mut out =
        String::from("<table class=\"bands\"><tr><th>metric</th><th>mean</th><th>sd</th>");
    for p in &run.percentiles {
        let _ = write!(out, "<th>P{p}</th>");
    }
    out.push_str("<th>±95%</th></tr>");
    for (m, s) in &run.metrics {
        let u = m.unit();
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td>",
            m.name(),
            super::mean_cell(u, s),
            human(u, s.sd)
        );
        for p in &s.percentiles {
            let _ = write!(out, "<td>{}</td>", escape(&super::percentile_cell(u, p)));
        }
        let _ = write!(
            out,
            "<td>{}</td></tr>",
            escape(&super::half_width_cell(u, s))
        );
    }
    out.push_str("</table>");
    out
}

fn sensitivity_table(r: &SensitivityReport) -> String {
    let mut out = format!(
        "<p>Inputs ranked by their total-order Sobol index for {} ({} base points, 95% bootstrap intervals).</p><table class=\"sensitivity\"><tr><th>input</th><th>ST</th><th>S1</th><th>Spearman</th><th>Spearman² share</th></tr>",
        r.output.name(),
        group_thousands(r.sobol_n as u64)
    );
    for row in &r.rows {
        let s = &row.sobol;
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{:.3} [{:.3}, {:.3}]</td><td>{:.3} [{:.3}, {:.3}]</td><td>{:+.3}</td><td>{:.1}%</td></tr>",
            row.input.key(),
            s.st,
            s.st_lo,
            s.st_hi,
            s.s1,
            s.s1_lo,
            s.s1_hi,
            row.spearman,
            100.0 * row.spearman_sq_share
        );
    }
    out.push_str("</table><p class=\"note\">ST: share of the output's variance due to the input, alone or with others; S1: alone. Spearman² share: the squared rank correlation scaled so the column sums to 100%, a ranking aid and not a share of variance; correlated inputs each claim what they move together.</p>");
    out
}

fn inputs_table(inputs: &[InputRow]) -> String {
    let mut out = String::from(
        "<table class=\"inputs\"><tr><th>input</th><th>as written</th><th>distribution</th><th>P5</th><th>P50</th><th>P95</th></tr>",
    );
    for i in inputs {
        let g = |v: f64| crate::units::compact(v, 4);
        let _ = write!(
            out,
            "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&i.key),
            escape(&i.written),
            escape(&i.resolved),
            g(i.p5),
            g(i.p50),
            g(i.p95)
        );
    }
    out.push_str("</table>");
    out
}
