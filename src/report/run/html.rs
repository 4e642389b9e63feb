//! One self-contained HTML file: inputs, bands, chances, charts, the sensitivity ranking and the
//! scenario file itself, with inline CSS and inline SVG, nothing fetched from anywhere.
//!
//! Written for a reader who holds the budget: every output and input goes by its plain name
//! ("Total cost") with its key (`total_cost_usd`) in small type of the class `key`, and every
//! number in the style of [`crate::format::figure`].

use std::fmt::Write;

use super::RunReport;
use super::when::When;
use crate::chart::escape;
use crate::format::{Style, Unit, figure, figure_sig, group_thousands};
use crate::model::{Input, Metric};
use crate::report::sensitivity::SensitivityReport;
use crate::stats::Estimate;

/// One uncertain or fixed input as the report lists it.
pub struct InputRow {
    pub input: Input,
    pub written: String,
    pub resolved: String,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
}

/// What a chart of the report shows, so the report can caption it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    Histogram(Metric),
    Exceedance(Metric),
    Tornado(Metric),
    Sobol(Metric),
}

/// Everything the report shows.
pub struct Page<'a> {
    pub run: &'a RunReport,
    /// None when every input is a point value.
    pub sensitivity: Option<&'a SensitivityReport>,
    pub inputs: &'a [InputRow],
    pub charts: &'a [(Figure, String)],
    /// Sentences a reader must see before the figures (a prior used outside the evidence it
    /// was fitted to).
    pub warnings: &'a [String],
    /// The scenario file as written.
    pub scenario_text: &'a str,
}

const CSS: &str = "
body{font-family:Helvetica,Arial,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}
.meta{color:#666;font-size:.9em}
.answer{display:flex;gap:1em;flex-wrap:wrap;margin:1.2em 0}
.card{flex:1 1 200px;border:1px solid #d8e2ef;background:#f5f8fc;border-radius:6px;padding:.8em 1em}
.card .big{font-size:1.5em;font-weight:bold}.card .small{color:#555;font-size:.85em}
table{border-collapse:collapse;width:100%;font-size:.85em;margin:.6em 0}
th,td{padding:.3em .5em;border-bottom:1px solid #eee;text-align:right;vertical-align:top}th{background:#f3f3f3}
td:first-child,th:first-child{text-align:left}
span.key{color:#777;font-size:.78em;font-family:Menlo,Consolas,monospace;margin-left:.4em}
td span.key{display:block;margin-left:0}
table.inputs td:last-child,table.inputs th:last-child{text-align:left}
.tech{display:block;color:#666;font-size:.85em}
.ci{color:#666;font-size:.9em;white-space:nowrap}
.chart{margin:1.5em 0;page-break-inside:avoid}
.chart svg{display:block;width:100%;height:auto;margin:0 auto}
.chart figcaption{margin-top:.3em}
.note{color:#555;font-size:.85em}
.warning{border-left:4px solid #b45309;background:#fffbeb;padding:.5em .8em}
details.scenario{margin:1em 0}details.scenario summary{cursor:pointer;color:#1f4e8c}
details.scenario pre{background:#f7f7f7;border:1px solid #eee;padding:.8em;overflow-x:auto;font-size:.8em;line-height:1.35}
@media print{body{max-width:none;margin:0}h2{page-break-after:avoid}details.scenario pre{white-space:pre-wrap}}
";

pub fn render_html(page: &Page) -> String {
    let run = page.run;
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
    for warning in page.warnings {
        let _ = write!(h, "<p class=\"warning\">{}</p>", escape(warning));
    }
    h.push_str(&answer_cards(run));
    h.push_str("<h2>Bands</h2>");
    h.push_str(&bands_table(run));
    let _ = write!(
        h,
        "<p class=\"note\">P10 is the value one run in ten comes in under, P90 the value nine in ten do; percentiles interpolate between order statistics. {}</p>",
        escape(&interval_notes(run))
    );
    h.push_str("<h2>Charts</h2>");
    for (figure, svg) in page.charts {
        let _ = write!(
            h,
            "<figure class=\"chart\">{svg}<figcaption class=\"note\">{}</figcaption></figure>",
            escape(&caption(*figure, run))
        );
    }
    if let Some(when) = &run.when {
        h.push_str(&when_section(when, &run.scenario_name));
    }
    h.push_str("<h2>What drives it</h2>");
    match page.sensitivity {
        Some(sens) => h.push_str(&sensitivity_table(sens)),
        None => h.push_str(
            "<p>Every input is a point value: nothing varies, so nothing drives the spread.</p>",
        ),
    }
    h.push_str("<h2>Inputs</h2>");
    h.push_str(&inputs_table(page.inputs));
    let _ = write!(
        h,
        "<details class=\"scenario\"><summary>The scenario file, {}</summary><pre>{}</pre></details>",
        escape(&run.scenario_file),
        escape_lines(page.scenario_text)
    );
    h.push_str("<p class=\"note\">Made by flopcast from the scenario file above; the same file, seed and run count give the same report.</p></body></html>\n");
    h
}

/// When the money goes out and when the run ends: the finish dates, the cumulative spend
/// fan and the quarters' bands.
fn when_section(when: &When, scenario: &str) -> String {
    let mut h = String::from("<h2>When</h2>");
    let finish: Vec<String> = when
        .finish
        .iter()
        .map(|(p, d)| format!("P{p} {}", escape(d)))
        .collect();
    let _ = write!(
        h,
        "<p>Training starts {}; it ends on {}.</p>",
        escape(&when.start),
        finish.join(", ")
    );
    let _ = write!(
        h,
        "<figure class=\"chart\">{}<figcaption class=\"note\">What has been paid by the end of each quarter, from the first cost (preparation, data) on: the band holds 90% of runs.</figcaption></figure>",
        when.fan_svg(scenario)
    );
    h.push_str("<table><tr><th>Quarter</th><th>Spend P5</th><th>P50</th><th>P95</th><th>Paid by its end P5</th><th>P50</th><th>P95</th><th>P(finished by its end)</th></tr>");
    let usd = |x: f64| escape(&with_unit(Unit::Usd, x));
    let cells = |s: &crate::stats::Summary| -> String {
        s.percentiles
            .iter()
            .map(|p| format!("<td>{}</td>", usd(p.estimate.value)))
            .collect()
    };
    for p in when.shown_quarters() {
        let paid = p
            .paid_by_end_usd
            .as_ref()
            .map_or("<td></td>".repeat(3), cells);
        let done = p
            .finished_by_end
            .map_or(String::new(), |c| percent(c.estimate.value));
        let _ = write!(
            h,
            "<tr><td>{}</td>{}{paid}<td>{done}</td></tr>",
            escape(&p.period),
            cells(&p.spend_usd)
        );
    }
    h.push_str("</table><p class=\"note\">Each quarter's band is its own: the quarters' P50s need not add up to the P50 total. <code>flopcast run --spend-csv</code> writes every month.</p>");
    h
}

/// A plain name with its key in small type beside it (below it, in a table cell).
fn labelled(text: &str, key: &str) -> String {
    format!("{}<span class=\"key\">{}</span>", escape(text), escape(key))
}

fn metric_cell(m: Metric) -> String {
    labelled(m.label(), m.name())
}

/// A value of an output with its unit when the number alone does not say it: "75.8 days".
fn with_unit(unit: Unit, x: f64) -> String {
    let value = figure(Style::of(unit), x);
    match unit {
        Unit::Days => format!("{value} days"),
        Unit::Hours => format!("{value} GPU-hours"),
        Unit::Flop => format!("{value} FLOP"),
        Unit::Usd | Unit::Count | Unit::Ratio => value,
    }
}

fn percent(p: f64) -> String {
    figure(Style::Percent, p)
}

fn caption(figure: Figure, run: &RunReport) -> String {
    match figure {
        Figure::Histogram(m) => format!(
            "{} over {} runs: the share of runs in each bin, with P5, the median (P50) and P95 marked.",
            m.label(),
            group_thousands(run.runs)
        ),
        Figure::Exceedance(m) => {
            let target = match m {
                Metric::TotalCostUsd => run.budget.map(|b| ("budget", b.limit)),
                Metric::TrainDays => run.deadline.map(|d| ("deadline", d.limit)),
                _ => None,
            };
            let marked = target.map_or(String::new(), |(what, limit)| {
                format!(
                    "; the dashed line marks the {what} of {}",
                    with_unit(m.unit(), limit)
                )
            });
            format!("{}: the chance of exceeding each value{marked}.", m.label())
        }
        Figure::Tornado(m) => format!(
            "{} with one input at a time at its P10 (orange) or its P90 (blue), every other input at its median. A bar right of the centre line means that end of the input raises it.",
            m.label()
        ),
        Figure::Sobol(m) => format!(
            "Share of the variance of {} due to each input: alone (S1), and alone or with others (ST); the whiskers are 95% intervals.",
            m.label()
        ),
    }
}

/// The tables' footnote on digits worth trusting, with outputs by their plain names.
fn interval_notes(run: &RunReport) -> String {
    let mut notes = super::interval_notes(run).join(" ");
    for (m, _) in &run.metrics {
        notes = notes.replace(m.name(), m.label());
    }
    notes
}

fn answer_cards(run: &RunReport) -> String {
    let band = |m: Metric| {
        let s = run.summary(m);
        let at = |p: f64| {
            s.percentiles
                .iter()
                .find(|x| x.percent == p)
                .map(|x| x.estimate.value)
        };
        (at(5.0), at(50.0), at(95.0))
    };
    let mut out = String::from("<div class=\"answer\">");
    for m in [Metric::TotalCostUsd, Metric::TrainDays] {
        let (p5, p50, p95) = band(m);
        let f = |v: Option<f64>| v.map_or("–".to_string(), |v| with_unit(m.unit(), v));
        let _ = write!(
            out,
            "<div class=\"card\"><div class=\"small\">{}, median</div><div class=\"big\" data-metric=\"{}\">{}</div><div class=\"small\">90% between {} and {}</div></div>",
            escape(m.label()),
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
                    with_unit(Metric::TotalCostUsd.unit(), b.limit)
                ),
                b.chance,
            )
        }),
        run.deadline.map(|d| {
            (
                format!("Within {}", with_unit(Metric::TrainDays.unit(), d.limit)),
                d.chance,
            )
        }),
        run.joint
            .map(|j| ("Within budget and deadline".to_string(), j)),
        run.overrun
            .map(|p| ("Outlasts the contract's term".to_string(), p)),
    ];
    for (label, p) in goals.into_iter().flatten() {
        let _ = write!(
            out,
            "<div class=\"card\"><div class=\"small\">{}</div><div class=\"big\">{}</div><div class=\"small\">95% CI {}–{}</div></div>",
            escape(&label),
            percent(p.estimate.value),
            percent(p.estimate.ci95_lo),
            percent(p.estimate.ci95_hi)
        );
    }
    out.push_str("</div>");
    out
}

/// A value marked `*` when its interval cannot be trusted as 95% (see the footnote).
fn marked(value: String, holds: bool) -> String {
    if holds { value } else { format!("{value}*") }
}

fn bands_table(run: &RunReport) -> String {
    let mut out =
        String::from("<table class=\"bands\"><tr><th>Output</th><th>Mean</th><th>SD</th>");
    for p in &run.percentiles {
        let _ = write!(out, "<th>P{p}</th>");
    }
    out.push_str("<th>±95%</th></tr>");
    for (m, s) in &run.metrics {
        let style = Style::of(m.unit());
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td>",
            metric_cell(*m),
            escape(&marked(figure(style, s.mean.value), s.mean.reliable)),
            escape(&figure(style, s.sd))
        );
        for p in &s.percentiles {
            let cell = marked(figure(style, p.estimate.value), p.estimate.reliable);
            let _ = write!(out, "<td>{}</td>", escape(&cell));
        }
        let half_width = s.max_half_width().map_or("n/a".to_string(), |h| {
            format!("±{}", figure_sig(style, h, 2))
        });
        let _ = write!(out, "<td>{}</td></tr>", escape(&half_width));
    }
    out.push_str("</table>");
    out
}

/// A rank correlation with its sign, to two decimals: +0.86, +0.3, −0.24.
fn correlation(r: f64) -> String {
    let digits = figure(Style::Number, (100.0 * r.abs()).round() / 100.0);
    if r < 0.0 {
        format!("−{digits}")
    } else {
        format!("+{digits}")
    }
}

/// A share with its 95% interval: 77.1% [75.6%, 78.6%].
fn share_cell(share: &Estimate) -> String {
    if share.ci95_lo.is_finite() && share.ci95_hi.is_finite() {
        format!(
            "{} <span class=\"ci\">[{}, {}]</span>",
            percent(share.value),
            percent(share.ci95_lo),
            percent(share.ci95_hi)
        )
    } else {
        percent(share.value)
    }
}

fn sensitivity_table(r: &SensitivityReport) -> String {
    let mut out = format!(
        "<p>Inputs ranked by the share of the variance of {} they account for, alone or with others ({} base points, 95% bootstrap intervals).</p><table class=\"sensitivity\"><tr><th>Input</th><th>Share of variance, total (ST)</th><th>Share of variance, alone (S1)</th><th>Rank correlation (Spearman)</th><th>Spearman² share</th></tr>",
        metric_cell(r.output),
        group_thousands(r.sobol_n as u64)
    );
    for row in &r.rows {
        let s = &row.sobol;
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            labelled(row.input.label(), row.input.key()),
            share_cell(&s.st),
            share_cell(&s.s1),
            correlation(row.spearman),
            percent(row.spearman_sq_share)
        );
    }
    out.push_str("</table><p class=\"note\">Share of variance, total (ST): how much of the output's variance is due to the input, alone or together with others; alone (S1): by itself. Rank correlation: +1 when the output always rises with the input, −1 when it always falls. Spearman² share: the squared rank correlation scaled so the column sums to 100%, a ranking aid and not a share of variance; correlated inputs each claim what they move together.</p>");
    out
}

fn inputs_table(inputs: &[InputRow]) -> String {
    let mut out = String::from(
        "<table class=\"inputs\"><tr><th>Input</th><th>Low (P5)</th><th>Median</th><th>High (P95)</th><th>As written</th></tr>",
    );
    for i in inputs {
        let (label, style) = (i.input.label(), i.input.style());
        let g = |v: f64| escape(&figure(style, v));
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code><span class=\"tech\">{}</span></td></tr>",
            labelled(label, i.input.key()),
            g(i.p5),
            g(i.p50),
            g(i.p95),
            escape(&i.written),
            escape(&i.resolved)
        );
    }
    out.push_str("</table>");
    out
}

/// Text for a `<pre>` block: each line escaped as [`escape`] does, the line breaks kept.
fn escape_lines(text: &str) -> String {
    text.lines().map(escape).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_text_keeps_its_lines_and_loses_its_markup() {
        let text = "name = \"<b>x</b>\"\r\n[cost]\n\u{1b}[2Jgpu_hour_usd = 2\n";
        assert_eq!(
            escape_lines(text),
            "name = &quot;&lt;b&gt;x&lt;/b&gt;&quot;\n[cost]\n[2Jgpu_hour_usd = 2"
        );
    }

    #[test]
    fn a_label_keeps_its_key_in_small_type() {
        assert_eq!(
            metric_cell(Metric::TotalCostUsd),
            "Total cost<span class=\"key\">total_cost_usd</span>"
        );
    }
}
