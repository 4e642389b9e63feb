//! Charts: SVG files for reports and a Unicode histogram for the terminal. Bins, never kernel
//! densities: a smoothed density invents mass (negative costs) that no run produced.

pub mod calibration;
mod svg;

use std::fmt::Write;

use crate::format::{Style, Unit, figure, figure_sig, group_thousands, human};
use crate::model::{Input, Metric};
use crate::stats::Probability;
use crate::stats::histogram::{Histogram, Outline};
use svg::Canvas;

pub use svg::{Label, escape, nice_ticks};

impl Label {
    /// An output's plain name with its key: "Total cost" and `total_cost_usd`.
    pub fn metric(metric: Metric) -> Self {
        Label::new(metric.label(), metric.name())
    }

    /// An input's plain name with its key: "GPU-hour price" and `cost.gpu_hour_usd`.
    pub fn input(input: Input) -> Self {
        Label::new(input.label(), input.key())
    }
}

/// A value of an output as the charts write it: $80M, 75.8, 35.8%.
fn value(unit: Unit, x: f64) -> String {
    figure(Style::of(unit), x)
}

/// A tick label: one digit more than [`value`], so close ticks stay distinct.
fn tick(unit: Unit, x: f64) -> String {
    figure_sig(Style::of(unit), x, 4)
}

/// A share of runs or a chance on an axis: 0%, 0.5%, 12%.
fn share(x: f64) -> String {
    figure_sig(Style::Percent, x, 3)
}

/// "$77.7M", "3.79e25 FLOP", "75.8 days": money, counts and shares carry their unit already.
fn with_unit(unit: Unit, x: f64) -> String {
    let word = match unit {
        Unit::Days => "days",
        Unit::Hours => "GPU-hours",
        Unit::Flop => "FLOP",
        Unit::Usd | Unit::Count | Unit::Ratio => return value(unit, x),
    };
    format!("{} {word}", value(unit, x))
}

/// In place of a chart of an output that never varies (an empty plot with its markers piled on
/// one line): the title and its one value.
fn constant_svg(title: &str, metric: Metric, value: f64, runs: u64) -> String {
    svg::Canvas::message(
        title,
        &format!(
            "constant: {} in all {} runs, nothing to plot",
            with_unit(metric.unit(), value),
            group_thousands(runs)
        ),
        &format!(r#"data-constant="{value}""#),
    )
}

/// A histogram of one output with P5, P50 and P95 marked.
pub fn histogram_svg(scenario: &str, metric: Metric, outline: &Outline) -> String {
    let title = format!("{scenario}: {}", metric.label());
    if let Some(value) = outline.constant {
        return constant_svg(&title, metric, value, outline.runs);
    }
    let h = &outline.bars;
    let n = outline.runs as f64;
    let (lo, hi) = if h.hi > h.lo {
        (h.lo, h.hi)
    } else {
        (h.lo - 0.5, h.lo + 0.5)
    };
    let top = h.counts.iter().copied().max().unwrap_or(1) as f64 / n;
    let unit = metric.unit();
    // Headroom above the tallest bar for three rows of marker labels.
    let mut c = Canvas::new(&title, lo, hi, 0.0, top * 1.2);
    c.axes(
        &Label::metric(metric),
        &Label::plain("Share of runs per bin"),
        &|v| tick(unit, v),
        &share,
    );
    let width = (hi - lo) / h.counts.len() as f64;
    let mut bars = String::from(r##"<g class="bars" fill="#4a7ab8">"##);
    for (i, &count) in h.counts.iter().enumerate() {
        let (x0, x1) = (
            c.x.map(lo + i as f64 * width),
            c.x.map(lo + (i + 1) as f64 * width),
        );
        let (y0, y1) = (c.y.map(0.0), c.y.map(count as f64 / n));
        let _ = write!(
            bars,
            r#"<rect x="{x0:.2}" y="{y1:.2}" width="{:.2}" height="{:.2}"/>"#,
            (x1 - x0 - 0.5).max(0.1),
            y0 - y1
        );
    }
    bars.push_str("</g>");
    c.raw(&bars);
    for &(percent, x) in &outline.marks {
        let label = format!("P{percent} {}", value(unit, x));
        let data = format!(r#"data-percentile="{percent}" data-value="{x}""#);
        c.vline(x, &label, "#c0392b", &data);
    }
    c.raw(&caption(h, outline.runs));
    c.finish()
}

/// The exceedance curve with a budget or deadline and the chance of staying within it: the
/// chart shows its complement, the chance of exceeding.
pub fn exceedance_of_target(
    scenario: &str,
    metric: Metric,
    outline: &Outline,
    within: Option<(f64, Probability)>,
) -> String {
    let limit = within.map(|(limit, chance)| {
        (
            limit,
            Probability::from_count(chance.n - chance.hits, chance.n),
        )
    });
    exceedance_svg(scenario, metric, outline, limit)
}

/// The exceedance curve P(output > x), with a limit (budget or deadline) marked if given.
pub fn exceedance_svg(
    scenario: &str,
    metric: Metric,
    outline: &Outline,
    limit: Option<(f64, Probability)>,
) -> String {
    let title = format!(
        "{scenario}: {}, chance of exceeding each value",
        metric.label()
    );
    if let Some(value) = outline.constant {
        return constant_svg(&title, metric, value, outline.runs);
    }
    let (lo, hi) = (outline.curve.lo, outline.curve.hi);
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo - 0.5, lo + 0.5)
    };
    let unit = metric.unit();
    let mut c = Canvas::new(&title, lo, hi, 0.0, 1.0);
    c.axes(
        &Label::metric(metric),
        &Label::plain("Chance of exceeding"),
        &|v| tick(unit, v),
        &share,
    );
    let mut points = String::new();
    for (x, exceed) in outline.exceedance() {
        let _ = write!(points, "{:.2},{:.2} ", c.x.map(x), c.y.map(exceed));
    }
    c.raw(&format!(
        r##"<polyline class="curve" fill="none" stroke="#4a7ab8" stroke-width="2" points="{}"/>"##,
        points.trim_end()
    ));
    if let Some((x, over)) = limit {
        let label = format!(
            "Chance over {}: {}",
            with_unit(unit, x),
            figure(Style::Percent, over.estimate.value)
        );
        let data = format!(
            r#"data-limit="{x}" data-probability="{}""#,
            over.estimate.value
        );
        c.vline(x.clamp(lo, hi), &label, "#c0392b", &data);
    }
    c.finish()
}

fn caption(h: &Histogram, n: u64) -> String {
    format!(
        r##"<text class="caption" x="{:.1}" y="{:.1}" text-anchor="end" font-size="10" fill="#666">{}</text>"##,
        svg::WIDTH - 24.0,
        svg::LEGEND_BASELINE,
        escape(&format!(
            "{} runs; {} below and {} above the range shown",
            group_thousands(n),
            group_thousands(h.below),
            group_thousands(h.above)
        ))
    )
}

/// One line of Unicode blocks: the shape of an output at a glance in the terminal, with P50
/// marked ▲ and P5 and P95 marked △, each labelled with its value under the mark.
pub fn text_histogram(metric: Metric, outline: &Outline) -> String {
    const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    if let Some(x) = outline.constant {
        return format!(
            "{}  constant: {} in all {} runs\n",
            metric.name(),
            with_unit(metric.unit(), x),
            group_thousands(outline.runs)
        );
    }
    let h = &outline.bars;
    let width = h.counts.len();
    let top = h.counts.iter().copied().max().unwrap_or(1).max(1) as f64;
    let bars: String = h
        .counts
        .iter()
        .map(|&c| {
            if c == 0 {
                ' '
            } else {
                BLOCKS[((c as f64 / top) * 7.0).round() as usize]
            }
        })
        .collect();
    let unit = metric.unit();
    let column = |x: f64| {
        let share = if h.hi > h.lo {
            (x - h.lo) / (h.hi - h.lo)
        } else {
            0.5
        };
        ((share * width as f64) as usize).min(width.saturating_sub(1))
    };
    let mut marks = vec![' '; width];
    let mut labels = Vec::new();
    for &(percent, x) in &outline.marks {
        let at = column(x);
        marks[at] = if percent == 50.0 { '▲' } else { '△' };
        labels.push((at, format!("P{percent} {}", human(unit, x))));
    }
    let (lo, hi) = (human(unit, h.lo), human(unit, h.hi));
    format!(
        "{}  (P0.5 to P99.5)\n{bars}\n{}\n{}\n{lo}{}{hi}\n",
        metric.name(),
        marks.iter().collect::<String>().trim_end(),
        label_line(&labels, width),
        " ".repeat(
            width
                .saturating_sub(lo.chars().count() + hi.chars().count())
                .max(1)
        )
    )
}

/// Labels centred under their columns, pushed apart so that two spaces separate them and
/// pulled back inside `width` when they fit.
fn label_line(labels: &[(usize, String)], width: usize) -> String {
    let lengths: Vec<usize> = labels.iter().map(|(_, l)| l.chars().count()).collect();
    let mut starts: Vec<usize> = labels
        .iter()
        .zip(&lengths)
        .map(|((at, _), len)| at.saturating_sub(len / 2))
        .collect();
    for i in 1..starts.len() {
        starts[i] = starts[i].max(starts[i - 1] + lengths[i - 1] + 2);
    }
    let mut limit = width;
    for i in (0..starts.len()).rev() {
        starts[i] = starts[i].min(limit.saturating_sub(lengths[i]));
        limit = starts[i].saturating_sub(2);
    }
    for i in 1..starts.len() {
        starts[i] = starts[i].max(starts[i - 1] + lengths[i - 1] + 2);
    }
    let mut line = String::new();
    for ((start, (_, label)), _) in starts.iter().zip(labels).zip(&lengths) {
        let pad = start.saturating_sub(line.chars().count());
        line.push_str(&" ".repeat(pad));
        line.push_str(label);
    }
    line
}

/// Horizontal bars, one row per label: each row shows one or more series, a series value being
/// a span (lo, hi) — a bar from 0 to a value is the span (0, value) — with an optional interval
/// drawn as a whisker.
pub struct BarSeries<'a> {
    /// Names the series in the legend.
    pub name: &'a str,
    /// Names it in the markup (`data-series`), for whoever reads the numbers back.
    pub id: &'a str,
    pub colour: &'a str,
    pub spans: Vec<(f64, f64)>,
    pub intervals: Option<Vec<(f64, f64)>>,
}

pub fn bars_svg(
    title: &str,
    labels: &[Label],
    series: &[BarSeries],
    x_title: &Label,
    x_label: &dyn Fn(f64) -> String,
    reference: Option<(f64, &str)>,
) -> String {
    let values = series.iter().flat_map(|s| {
        s.spans
            .iter()
            .flat_map(|(a, b)| [*a, *b])
            .chain(s.intervals.iter().flatten().flat_map(|(a, b)| [*a, *b]))
    });
    let mut rows = Rows::new(title, labels, values, reference, x_title, x_label);
    let thickness = rows.band * 0.7 / series.len().max(1) as f64;
    let mut out = String::new();
    for (i, label) in labels.iter().enumerate() {
        let top = rows.top(i);
        for (k, s) in series.iter().enumerate() {
            let (a, b) = s.spans[i];
            let y = top + rows.band * 0.15 + k as f64 * thickness;
            out.push_str(&rows.bar(label, s.id, (a, b), y, thickness * 0.9, s.colour));
            if let Some(iv) = &s.intervals {
                let (l, h) = iv[i];
                let ym = y + thickness * 0.45;
                let _ = write!(
                    out,
                    r##"<line class="interval" x1="{:.2}" y1="{ym:.2}" x2="{:.2}" y2="{ym:.2}" stroke="#222" stroke-width="1.5"/>"##,
                    rows.c.x.map(l),
                    rows.c.x.map(h)
                );
            }
        }
    }
    rows.c.raw(&out);
    if series.len() > 1 {
        let items: Vec<(&str, &str)> = series.iter().map(|s| (s.name, s.colour)).collect();
        rows.c.legend(&items);
    }
    rows.finish(reference)
}

/// One input of a tornado: the output with the input at its P10 and at its P90.
pub struct TornadoRow {
    pub label: Label,
    pub at_p10: f64,
    pub at_p90: f64,
}

const AT_P10: &str = "#d35400";
const AT_P90: &str = "#1f4e8c";

/// A tornado: per row, a bar from the centre line (every input at its median) to the output with
/// the input at its P10, and one to the output with it at its P90, coloured by end so an input
/// that lowers the output as it rises (a higher utilisation, a cheaper run) reads as such.
pub fn tornado_svg(
    title: &str,
    rows: &[TornadoRow],
    centre: f64,
    x_title: &Label,
    x_label: &dyn Fn(f64) -> String,
) -> String {
    let labels: Vec<Label> = rows.iter().map(|r| r.label.clone()).collect();
    let values = rows.iter().flat_map(|r| [r.at_p10, r.at_p90]);
    let reference = Some((centre, "all inputs at their medians"));
    let mut chart = Rows::new(title, &labels, values, reference, x_title, x_label);
    let thickness = chart.band * 0.6;
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        let y = chart.top(i) + chart.band * 0.2;
        let ends = [("p10", row.at_p10, AT_P10), ("p90", row.at_p90, AT_P90)];
        // When both ends fall on one side of the centre the shorter bar goes on top.
        let mut order = ends;
        order.sort_by(|a, b| (b.1 - centre).abs().total_cmp(&(a.1 - centre).abs()));
        for (name, end, colour) in order {
            out.push_str(&chart.bar(&row.label, name, (centre, end), y, thickness, colour));
        }
    }
    chart.c.raw(&out);
    chart
        .c
        .legend(&[("Input at its P10", AT_P10), ("Input at its P90", AT_P90)]);
    chart.finish(reference)
}

/// The frame of a chart with one row per label: a left margin wide enough for the labels (a
/// plain name, its key below when the row has room), and room above the top row for the label
/// of a reference line.
struct Rows {
    c: Canvas,
    rows: f64,
    band: f64,
}

/// Rows at least this tall (px) show an input's key under its name.
const ROOM_FOR_KEY: f64 = 26.0;

impl Rows {
    fn new(
        title: &str,
        labels: &[Label],
        values: impl Iterator<Item = f64>,
        reference: Option<(f64, &str)>,
        x_title: &Label,
        x_label: &dyn Fn(f64) -> String,
    ) -> Self {
        let (mut lo, mut hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
            (l.min(v), h.max(v))
        });
        if let Some((r, _)) = reference {
            lo = lo.min(r);
            hi = hi.max(r);
        }
        let pad = (hi - lo).abs().max(1e-12) * 0.05;
        let rows = labels.len().max(1) as f64;
        // A reference line's label sits at the top of the plot: leave 20 px there free of bars.
        let headroom = if reference.is_some() {
            20.0 * rows / (svg::PLOT_HEIGHT - 20.0)
        } else {
            0.0
        };
        let band = (svg::PLOT_HEIGHT - 20.0) / rows;
        let keys = band >= ROOM_FOR_KEY;
        let widest = labels
            .iter()
            .map(|l| {
                let key = if keys {
                    svg::text_width(&l.key, 9.5)
                } else {
                    0.0
                };
                svg::text_width(&l.text, svg::LABEL_FONT).max(key)
            })
            .fold(0.0, f64::max);
        let mut c = Canvas::with_left_margin(
            title,
            (16.0 + widest).max(90.0),
            lo - pad,
            hi + pad,
            0.0,
            rows + headroom,
        );
        c.axes(x_title, &Label::plain(""), x_label, &|_| String::new());
        let band = (c.y.map(0.0) - c.y.map(1.0)).abs();
        let mut chart = Rows { c, rows, band };
        chart.row_labels(labels);
        chart
    }

    /// The y of the top of row `i` (row 0 at the top).
    fn top(&self, i: usize) -> f64 {
        self.c.y.map(self.rows - i as f64)
    }

    fn row_labels(&mut self, labels: &[Label]) {
        let keys = self.band >= ROOM_FOR_KEY;
        let x = self.c.x.from - 6.0;
        let mut out = String::new();
        for (i, label) in labels.iter().enumerate() {
            let middle = self.top(i) + self.band / 2.0;
            if keys && !label.key.is_empty() {
                let _ = write!(
                    out,
                    r##"<text class="row" x="{x:.1}" y="{:.1}" text-anchor="end" font-size="11">{}</text><text class="key" x="{x:.1}" y="{:.1}" text-anchor="end" font-size="9.5" fill="#777">{}</text>"##,
                    middle - 1.0,
                    escape(&label.text),
                    middle + 10.0,
                    escape(&label.key)
                );
            } else {
                let _ = write!(
                    out,
                    r#"<text class="row" x="{x:.1}" y="{:.1}" text-anchor="end" font-size="11">{}</text>"#,
                    middle + 4.0,
                    escape(&label.text)
                );
            }
        }
        self.c.raw(&out);
    }

    /// A bar of `series` over the span (a, b) in row `label`, `height` px tall from `y`.
    fn bar(
        &self,
        label: &Label,
        series: &str,
        (a, b): (f64, f64),
        y: f64,
        height: f64,
        colour: &str,
    ) -> String {
        let (x0, x1) = (self.c.x.map(a.min(b)), self.c.x.map(a.max(b)));
        let row = if label.key.is_empty() {
            &label.text
        } else {
            &label.key
        };
        format!(
            r#"<rect class="bar" data-series="{}" data-row="{}" data-lo="{a}" data-hi="{b}" x="{x0:.2}" y="{y:.2}" width="{:.2}" height="{height:.2}" fill="{colour}"/>"#,
            escape(series),
            escape(row),
            (x1 - x0).max(1.0),
        )
    }

    fn finish(mut self, reference: Option<(f64, &str)>) -> String {
        if let Some((r, label)) = reference {
            self.c
                .vline(r, label, "#555", &format!(r#"data-reference="{r}""#));
        }
        self.c.finish()
    }
}

/// A fan chart over swept values: the widest percentile band, the P25–P75 band, the median.
/// `points[i]` = (x position, the percentiles as (percent, value)).
pub fn fan_svg(
    title: &str,
    x_title: &str,
    x_labels: &[String],
    points: &[Vec<(f64, f64)>],
    metric: Metric,
) -> String {
    let unit = metric.unit();
    let values = points.iter().flatten().map(|(_, v)| *v);
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
        (l.min(v), h.max(v))
    });
    if lo == hi {
        return svg::Canvas::message(
            title,
            &format!(
                "constant: {} at every point, nothing to plot",
                with_unit(unit, lo)
            ),
            &format!(r#"data-constant="{lo}""#),
        );
    }
    let pad = (hi - lo).abs().max(1e-12) * 0.08;
    let n = points.len();
    let mut c = Canvas::new(title, -0.5, n as f64 - 0.5, lo - pad, hi + pad);
    let labels = x_labels.to_vec();
    c.axes(
        &Label::plain(x_title),
        &Label::metric(metric),
        &|_| String::new(),
        &|v| tick(unit, v),
    );
    let at = |i: usize, p: f64| points[i].iter().find(|(q, _)| *q == p).map(|(_, v)| *v);
    let band = |lo_p: f64, hi_p: f64, fill: &str, class: &str, c: &Canvas| -> String {
        let upper: Vec<String> = (0..n)
            .filter_map(|i| {
                Some(format!(
                    "{:.2},{:.2}",
                    c.x.map(i as f64),
                    c.y.map(at(i, hi_p)?)
                ))
            })
            .collect();
        let lower: Vec<String> = (0..n)
            .rev()
            .filter_map(|i| {
                Some(format!(
                    "{:.2},{:.2}",
                    c.x.map(i as f64),
                    c.y.map(at(i, lo_p)?)
                ))
            })
            .collect();
        if upper.len() < n || lower.len() < n {
            return String::new();
        }
        format!(
            r#"<polygon class="{class}" data-from="{lo_p}" data-to="{hi_p}" points="{} {}" fill="{fill}"/>"#,
            upper.join(" "),
            lower.join(" ")
        )
    };
    let percents: Vec<f64> = points
        .first()
        .map(|p| p.iter().map(|(q, _)| *q).collect())
        .unwrap_or_default();
    let (outer_lo, outer_hi) = (
        percents.first().copied().unwrap_or(5.0),
        percents.last().copied().unwrap_or(95.0),
    );
    let mut out = band(outer_lo, outer_hi, "#c6d9f0", "band-outer", &c);
    out.push_str(&band(25.0, 75.0, "#8fb3de", "band-inner", &c));
    let median: Vec<String> = (0..n)
        .filter_map(|i| {
            Some(format!(
                "{:.2},{:.2}",
                c.x.map(i as f64),
                c.y.map(at(i, 50.0)?)
            ))
        })
        .collect();
    if median.len() == n {
        let _ = write!(
            out,
            r##"<polyline class="median" fill="none" stroke="#1f4e8c" stroke-width="2" points="{}"/>"##,
            median.join(" ")
        );
    }
    for (i, label) in labels.iter().enumerate() {
        let _ = write!(
            out,
            r#"<text class="xtick" x="{:.1}" y="{:.1}" text-anchor="middle" font-size="11">{}</text>"#,
            c.x.map(i as f64),
            c.y.from + 18.0,
            escape(label)
        );
    }
    let inner = percents.contains(&25.0) && percents.contains(&75.0);
    let bands = if inner {
        format!("bands: P{outer_lo}–P{outer_hi} and P25–P75")
    } else {
        format!("band: P{outer_lo}–P{outer_hi}")
    };
    let _ = write!(
        out,
        r##"<text class="caption" x="{:.1}" y="{}" text-anchor="end" font-size="10" fill="#666">{bands}; line: median</text>"##,
        svg::WIDTH - 24.0,
        svg::LEGEND_BASELINE
    );
    c.raw(&out);
    c.finish()
}

/// Bins of an overlay of two distributions.
pub const OVERLAY_BINS: usize = 60;

/// The empty bins both distributions of an overlay are counted into: over the union of their
/// chart ranges ([`crate::stats::histogram::range_ranks`]), widened by half a unit either side
/// of a single value.
pub fn overlay_bins(a: [f64; 2], b: [f64; 2]) -> Histogram {
    let (lo, hi) = (a[0].min(b[0]), a[1].max(b[1]));
    if hi > lo {
        Histogram::empty(lo, hi, OVERLAY_BINS)
    } else {
        Histogram::empty(lo - 0.5, lo + 0.5, OVERLAY_BINS)
    }
}

/// Two distributions of one output as step outlines on shared bins ([`overlay_bins`]), each
/// bin's height the share of that distribution's runs in it; `constant` when both are the
/// same value in every run (a message in place of a chart).
pub fn overlay_svg(
    title: &str,
    metric: Metric,
    a: (&str, &Histogram),
    b: (&str, &Histogram),
    constant: Option<f64>,
) -> String {
    if let Some(x) = constant {
        return constant_svg(title, metric, x, a.1.runs());
    }
    let bins = a.1.counts.len();
    let (lo, hi) = (a.1.lo, a.1.hi);
    let width = (hi - lo) / bins as f64;
    let shares = |h: &Histogram| -> Vec<f64> {
        let n = h.runs().max(1) as f64;
        h.counts.iter().map(|&k| k as f64 / n).collect()
    };
    let (sa, sb) = (shares(a.1), shares(b.1));
    let top = sa.iter().chain(&sb).copied().fold(0.0, f64::max);
    let unit = metric.unit();
    let mut c = Canvas::new(title, lo, hi, 0.0, top * 1.15);
    c.axes(
        &Label::metric(metric),
        &Label::plain("Share of runs per bin"),
        &|v| tick(unit, v),
        &share,
    );
    let mut out = String::new();
    for ((name, s), colour) in [(a.0, &sa), (b.0, &sb)]
        .into_iter()
        .zip(["#4a7ab8", "#d35400"])
    {
        let mut pts = format!("{:.2},{:.2}", c.x.map(lo), c.y.map(0.0));
        for (i, v) in s.iter().enumerate() {
            let _ = write!(
                pts,
                " {:.2},{:.2} {:.2},{:.2}",
                c.x.map(lo + i as f64 * width),
                c.y.map(*v),
                c.x.map(lo + (i + 1) as f64 * width),
                c.y.map(*v)
            );
        }
        let _ = write!(pts, " {:.2},{:.2}", c.x.map(hi), c.y.map(0.0));
        let _ = write!(
            out,
            r#"<polyline class="distribution" data-scenario="{}" fill="none" stroke="{colour}" stroke-width="2" points="{pts}"/>"#,
            escape(name)
        );
    }
    for (k, (name, colour)) in [(a.0, "#4a7ab8"), (b.0, "#d35400")].into_iter().enumerate() {
        let _ = write!(
            out,
            r#"<rect x="{:.1}" y="{:.1}" width="10" height="10" fill="{colour}"/><text x="{:.1}" y="{:.1}" font-size="11">{}</text>"#,
            c.x.from + 10.0,
            54.0 + 16.0 * k as f64,
            c.x.from + 24.0,
            63.0 + 16.0 * k as f64,
            escape(name)
        );
    }
    c.raw(&out);
    c.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats;

    fn outline(data: &[f64]) -> Outline {
        Outline::of(data, 60)
    }

    fn sample() -> Vec<f64> {
        (0..10_000)
            .map(|i| 50.0 + (i % 100) as f64 + (i / 100) as f64 * 0.3)
            .collect()
    }

    #[test]
    fn svg_marks_the_computed_percentiles() {
        let data = sample();
        let svg = histogram_svg("S", Metric::TrainDays, &outline(&data));
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let want = stats::summarize(&data, &[5.0, 50.0, 95.0]).percentiles;
        let marks: Vec<(f64, f64)> = doc
            .descendants()
            .filter(|n| n.has_attribute("data-percentile"))
            .map(|n| {
                (
                    n.attribute("data-percentile").unwrap().parse().unwrap(),
                    n.attribute("data-value").unwrap().parse().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            marks,
            want.iter()
                .map(|p| (p.percent, p.estimate.value))
                .collect::<Vec<_>>()
        );
        let title = doc
            .descendants()
            .find(|n| n.attribute("class") == Some("title"))
            .unwrap();
        assert_eq!(title.text(), Some("S: Training days"));
        let axis = doc
            .descendants()
            .find(|n| n.attribute("class") == Some("xlabel"))
            .unwrap();
        assert_eq!(axis.text(), Some("Training days"));
        let key = axis.children().find(|n| n.is_element()).unwrap();
        assert_eq!(
            (key.attribute("class"), key.text()),
            (Some("key"), Some("train_days"))
        );
    }

    fn constant_message(svg: &str) -> Option<(f64, String)> {
        let doc = roxmltree::Document::parse(svg).unwrap();
        let n = doc
            .descendants()
            .find(|n| n.has_attribute("data-constant"))?;
        Some((
            n.attribute("data-constant").unwrap().parse().unwrap(),
            n.text().unwrap().to_string(),
        ))
    }

    #[test]
    fn an_output_that_never_varies_is_said_to_be_constant_not_plotted() {
        let data = [3.791e25; 100];
        let mut one_value = overlay_bins([data[0]; 2], [data[0]; 2]);
        one_value.add(&data);
        for svg in [
            histogram_svg("S", Metric::TrainFlops, &outline(&data)),
            exceedance_svg("S", Metric::TrainFlops, &outline(&data), None),
            overlay_svg(
                "S",
                Metric::TrainFlops,
                ("A", &one_value),
                ("B", &one_value),
                Some(data[0]),
            ),
            fan_svg(
                "S",
                "k",
                &["1".into(), "2".into()],
                &vec![vec![(5.0, 3.791e25), (95.0, 3.791e25)]; 2],
                Metric::TrainFlops,
            ),
        ] {
            let (value, text) = constant_message(&svg).expect("a constant message");
            assert_eq!(value, 3.791e25);
            assert!(text.starts_with("constant: 3.79e25 FLOP"), "{text}");
            assert!(
                !svg.contains("data-percentile"),
                "no markers on an empty plot"
            );
        }
        assert!(
            constant_message(&histogram_svg("S", Metric::TrainDays, &outline(&sample()))).is_none()
        );
    }

    /// The (x, y, text) of every marker label.
    fn marker_labels(svg: &str) -> Vec<(f64, f64, String)> {
        let doc = roxmltree::Document::parse(svg).unwrap();
        doc.descendants()
            .filter(|n| n.attribute("class") == Some("marker"))
            .map(|g| {
                let t = g.children().find(|c| c.has_tag_name("text")).unwrap();
                let num = |a| t.attribute(a).unwrap().parse::<f64>().unwrap();
                (num("x"), num("y"), t.text().unwrap().to_string())
            })
            .collect()
    }

    #[test]
    fn marker_labels_that_would_overlap_go_to_separate_rows() {
        // Almost every run the same: P5, P50 and P95 fall on one line.
        let mut data = vec![10.0; 10_000];
        data[0] = 9.0;
        data[9_999] = 11.0;
        let labels = marker_labels(&histogram_svg("S", Metric::TrainDays, &outline(&data)));
        assert_eq!(labels.len(), 3);
        let rows: std::collections::BTreeSet<i64> =
            labels.iter().map(|l| l.1.round() as i64).collect();
        assert_eq!(rows.len(), 3, "{labels:?}");
    }

    #[test]
    fn the_tornado_reference_label_clears_the_top_bar() {
        // Ten rows, as a scenario with ten uncertain inputs has: thin bands, the top bar close
        // to the top of the plot.
        let labels: Vec<Label> = (0..10)
            .map(|i| Label::new(&format!("input {i}"), "k"))
            .collect();
        let svg = bars_svg(
            "T",
            &labels,
            &[BarSeries {
                name: "s",
                id: "s",
                colour: "#000",
                spans: (0..10).map(|i| (1.0 + 0.1 * i as f64, 3.0)).collect(),
                intervals: None,
            }],
            &Label::plain("x"),
            &|v| format!("{v}"),
            Some((2.0, "all inputs at their medians")),
        );
        let label_y = marker_labels(&svg)[0].1;
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let top_bar = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("bar"))
            .map(|n| n.attribute("y").unwrap().parse::<f64>().unwrap())
            .fold(f64::INFINITY, f64::min);
        assert!(
            label_y + 3.0 < top_bar,
            "label baseline {label_y}, top bar {top_bar}"
        );
    }

    #[test]
    fn text_histogram_has_the_requested_width() {
        let t = text_histogram(Metric::TrainDays, &Outline::of(&sample(), 40));
        assert_eq!(t.lines().nth(1).unwrap().chars().count(), 40);
    }

    #[test]
    fn text_histogram_marks_the_median_and_labels_p5_and_p95() {
        let data = sample();
        let t = text_histogram(Metric::TrainDays, &outline(&data));
        let lines: Vec<&str> = t.lines().collect();
        let marks: Vec<(usize, char)> = lines[2]
            .chars()
            .enumerate()
            .filter(|(_, c)| *c != ' ')
            .collect();
        assert_eq!(marks.iter().map(|m| m.1).collect::<String>(), "△▲△", "{t}");
        let p = stats::summarize(&data, &[5.0, 50.0, 95.0]).percentiles;
        let h = outline(&data).bars;
        let column = |x: f64| ((x - h.lo) / (h.hi - h.lo) * 60.0) as usize;
        assert_eq!(
            marks.iter().map(|m| m.0).collect::<Vec<_>>(),
            p.iter()
                .map(|p| column(p.estimate.value))
                .collect::<Vec<_>>()
        );
        for p in &p {
            let label = format!(
                "P{} {}",
                p.percent,
                human(Metric::TrainDays.unit(), p.estimate.value)
            );
            assert!(lines[3].contains(&label), "{label} in {t}");
        }
    }

    #[test]
    fn text_histogram_labels_never_run_into_each_other() {
        let labels = [
            (10, "P5 $75.72M".to_string()),
            (11, "P50 $100.5M".to_string()),
            (12, "P95 $134.0M".to_string()),
        ];
        let line = label_line(&labels, 40);
        assert_eq!(line.trim_start(), "P5 $75.72M  P50 $100.5M  P95 $134.0M");
        assert!(line.chars().count() <= 40, "{line}");
        let at_the_end = [(2, "P5 a".to_string()), (39, "P95 b".to_string())];
        assert_eq!(label_line(&at_the_end, 40).chars().count(), 40);
    }

    #[test]
    fn tornado_bars_are_coloured_by_the_end_they_show() {
        // Utilisation lowers the cost as it rises: its P10 bar lies right of the centre.
        let svg = tornado_svg(
            "T",
            &[
                TornadoRow {
                    label: Label::input(Input::GpuHourUsd),
                    at_p10: 80.0,
                    at_p90: 120.0,
                },
                TornadoRow {
                    label: Label::input(Input::Mfu),
                    at_p10: 110.0,
                    at_p90: 92.0,
                },
            ],
            100.0,
            &Label::metric(Metric::TotalCostUsd),
            &|v| format!("{v}"),
        );
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let bars: Vec<(String, String, String, f64, f64)> = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("bar"))
            .map(|n| {
                let a = |k| n.attribute(k).unwrap().to_string();
                (
                    a("data-row"),
                    a("data-series"),
                    a("fill"),
                    a("data-lo").parse().unwrap(),
                    a("data-hi").parse().unwrap(),
                )
            })
            .collect();
        let find = |row: &str, end: &str| {
            bars.iter()
                .find(|b| b.0 == row && b.1 == end)
                .cloned()
                .unwrap()
        };
        let mfu_low = find("cluster.mfu", "p10");
        let mfu_high = find("cluster.mfu", "p90");
        assert_eq!((mfu_low.3, mfu_low.4), (100.0, 110.0));
        assert_eq!((mfu_high.3, mfu_high.4), (100.0, 92.0));
        assert_eq!(mfu_low.2, find("cost.gpu_hour_usd", "p10").2);
        assert_ne!(mfu_low.2, mfu_high.2);
        let legend: Vec<&str> = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("legend"))
            .flat_map(|g| g.descendants().filter(|n| n.has_tag_name("text")))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(legend, ["Input at its P10", "Input at its P90"]);
        let rows: Vec<&str> = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("row"))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(rows, ["GPU-hour price", "Utilisation (MFU)"]);
    }
}
