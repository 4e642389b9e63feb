//! Charts: SVG files for reports and a Unicode histogram for the terminal. Bins, never kernel
//! densities: a smoothed density invents mass (negative costs) that no run produced.

pub mod calibration;
mod svg;

use std::fmt::Write;

use crate::model::Metric;
use crate::report::{human, human_sig, unit_label};
use crate::stats::{self, Probability, quantile::order_statistics};
use svg::Canvas;

pub use svg::{escape, nice_ticks};

/// Share of runs left out at each end of a histogram's range, so a few extreme runs cannot
/// squeeze the body of the distribution into one bar. Charts say how many.
const TAIL_CUT: f64 = 0.005;

/// Counts of runs in equal bins over [lo, hi], and how many fell outside.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    pub lo: f64,
    pub hi: f64,
    pub counts: Vec<u64>,
    pub below: u64,
    pub above: u64,
}

pub fn histogram(data: &[f64], bins: usize) -> Histogram {
    let n = data.len();
    let ranks = [
        ((n - 1) as f64 * TAIL_CUT) as usize,
        ((n - 1) as f64 * (1.0 - TAIL_CUT)) as usize,
    ];
    let ends = order_statistics(data, &ranks);
    let (lo, hi) = (ends[0], ends[1]);
    let mut h = Histogram {
        lo,
        hi,
        counts: vec![0; bins],
        below: 0,
        above: 0,
    };
    let width = (hi - lo) / bins as f64;
    for &x in data {
        if x < lo {
            h.below += 1;
        } else if x > hi {
            h.above += 1;
        } else if width > 0.0 {
            h.counts[(((x - lo) / width) as usize).min(bins - 1)] += 1;
        } else {
            h.counts[0] += 1;
        }
    }
    h
}

/// The value of an output that is the same in every run, if it is.
fn constant_value(data: &[f64]) -> Option<f64> {
    let first = *data.first()?;
    data.iter().all(|&x| x == first).then_some(first)
}

/// "$77.65M", "3.791e25 FLOP", "75.83 days": money and ratios carry their unit already.
fn with_unit(unit: crate::model::Unit, value: f64) -> String {
    match unit {
        crate::model::Unit::Usd | crate::model::Unit::Ratio => human(unit, value),
        _ => format!("{} {}", human(unit, value), unit_label(unit)),
    }
}

/// In place of a chart of an output that never varies (an empty plot with its markers piled on
/// one line): the title and its one value.
fn constant_svg(title: &str, metric: Metric, value: f64, runs: usize) -> String {
    svg::Canvas::message(
        title,
        &format!(
            "constant: {} in all {} runs, nothing to plot",
            with_unit(metric.unit(), value),
            crate::report::group_thousands(runs as u64)
        ),
        &format!(r#"data-constant="{value}""#),
    )
}

/// A histogram of one output with P5, P50 and P95 marked.
pub fn histogram_svg(scenario: &str, metric: Metric, data: &[f64]) -> String {
    let title = format!("{scenario}: {}", metric.name());
    if let Some(value) = constant_value(data) {
        return constant_svg(&title, metric, value, data.len());
    }
    let h = histogram(data, 60);
    let n = data.len() as f64;
    let marks = stats::summarize(data, &[5.0, 50.0, 95.0]).percentiles;
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
        &format!("{} ({})", metric.name(), unit_label(unit)),
        "share of runs per bin",
        &|v| human_sig(unit, v, 3),
        &|v| format!("{:.1}%", 100.0 * v),
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
    for p in &marks {
        let label = format!("P{} {}", p.percent, human(unit, p.value));
        let data = format!(
            r#"data-percentile="{}" data-value="{}""#,
            p.percent, p.value
        );
        c.vline(p.value, &label, "#c0392b", &data);
    }
    c.raw(&caption(&h, data.len()));
    c.finish()
}

/// The exceedance curve with a budget or deadline from a report: the report holds the chance
/// of staying within it, the chart shows its complement, the chance of exceeding.
pub fn exceedance_of_target(
    scenario: &str,
    metric: Metric,
    data: &[f64],
    target: Option<crate::report::Target>,
) -> String {
    let limit = target.map(|t| {
        (
            t.limit,
            Probability::from_count(t.chance.n - t.chance.hits, t.chance.n),
        )
    });
    exceedance_svg(scenario, metric, data, limit)
}

/// The exceedance curve P(output > x), with a limit (budget or deadline) marked if given.
pub fn exceedance_svg(
    scenario: &str,
    metric: Metric,
    data: &[f64],
    limit: Option<(f64, Probability)>,
) -> String {
    let title = format!("{scenario}: chance {} exceeds x", metric.name());
    if let Some(value) = constant_value(data) {
        return constant_svg(&title, metric, value, data.len());
    }
    let n = data.len();
    let steps = 200;
    let ranks: Vec<usize> = (0..=steps)
        .map(|i| ((n - 1) as f64 * i as f64 / steps as f64) as usize)
        .collect();
    let xs = order_statistics(data, &ranks);
    let cut = (steps as f64 * TAIL_CUT).ceil() as usize;
    let (lo, hi) = (xs[cut], xs[steps - cut]);
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo - 0.5, lo + 0.5)
    };
    let unit = metric.unit();
    let mut c = Canvas::new(&title, lo, hi, 0.0, 1.0);
    c.axes(
        &format!("{} ({})", metric.name(), unit_label(unit)),
        "P(exceeds)",
        &|v| human_sig(unit, v, 3),
        &|v| format!("{:.0}%", 100.0 * v),
    );
    let mut points = String::new();
    for (i, &x) in xs
        .iter()
        .enumerate()
        .filter(|(_, x)| (lo..=hi).contains(*x))
    {
        let exceed = 1.0 - ranks[i] as f64 / (n - 1).max(1) as f64;
        let _ = write!(points, "{:.2},{:.2} ", c.x.map(x), c.y.map(exceed));
    }
    c.raw(&format!(
        r##"<polyline class="curve" fill="none" stroke="#4a7ab8" stroke-width="2" points="{}"/>"##,
        points.trim_end()
    ));
    if let Some((x, over)) = limit {
        let label = format!("P(> {}) = {:.1}%", human(unit, x), 100.0 * over.p);
        let data = format!(r#"data-limit="{x}" data-probability="{}""#, over.p);
        c.vline(x.clamp(lo, hi), &label, "#c0392b", &data);
    }
    c.finish()
}

fn caption(h: &Histogram, n: usize) -> String {
    format!(
        r##"<text class="caption" x="{:.1}" y="{:.1}" text-anchor="end" font-size="10" fill="#666">{}</text>"##,
        svg::WIDTH - 24.0,
        40.0,
        escape(&format!(
            "{} runs; {} below and {} above the range shown",
            n, h.below, h.above
        ))
    )
}

/// One line of Unicode blocks: the shape of an output at a glance in the terminal.
pub fn text_histogram(metric: Metric, data: &[f64], width: usize) -> String {
    const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let h = histogram(data, width);
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
    let (lo, hi) = (human(unit, h.lo), human(unit, h.hi));
    format!(
        "{}  (P0.5 to P99.5)\n{bars}\n{lo}{}{hi}\n",
        metric.name(),
        " ".repeat(
            width
                .saturating_sub(lo.chars().count() + hi.chars().count())
                .max(1)
        )
    )
}

/// Horizontal bars, one row per label: each row shows one or more series, a series value being
/// a span (lo, hi) — a bar from 0 to a value is the span (0, value) — with an optional interval
/// drawn as a whisker.
pub struct BarSeries<'a> {
    pub name: &'a str,
    pub colour: &'a str,
    pub spans: Vec<(f64, f64)>,
    pub intervals: Option<Vec<(f64, f64)>>,
}

pub fn bars_svg(
    title: &str,
    labels: &[String],
    series: &[BarSeries],
    x_title: &str,
    x_label: &dyn Fn(f64) -> String,
    reference: Option<(f64, &str)>,
) -> String {
    let values = series.iter().flat_map(|s| {
        s.spans
            .iter()
            .flat_map(|(a, b)| [*a, *b])
            .chain(s.intervals.iter().flatten().flat_map(|(a, b)| [*a, *b]))
    });
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
    // Row labels at about 6.5 px a character at 11 px.
    let left = 16.0 + 6.5 * labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) as f64;
    let mut c = Canvas::with_left_margin(
        title,
        left.max(90.0),
        lo - pad,
        hi + pad,
        0.0,
        rows + headroom,
    );
    c.axes(x_title, "", x_label, &|_| String::new());
    let band = (c.y.map(0.0) - c.y.map(1.0)).abs();
    let thickness = band * 0.7 / series.len().max(1) as f64;
    let mut out = String::new();
    for (i, label) in labels.iter().enumerate() {
        let top = c.y.map(rows - i as f64);
        let _ = write!(
            out,
            r##"<text class="row" x="{:.1}" y="{:.1}" text-anchor="end" font-size="11">{}</text>"##,
            c.x.from - 6.0,
            top + band / 2.0 + 4.0,
            escape(label)
        );
        for (k, s) in series.iter().enumerate() {
            let (a, b) = s.spans[i];
            let y = top + band * 0.15 + k as f64 * thickness;
            let (x0, x1) = (c.x.map(a.min(b)), c.x.map(a.max(b)));
            let _ = write!(
                out,
                r#"<rect class="bar" data-series="{}" data-row="{}" data-lo="{a}" data-hi="{b}" x="{x0:.2}" y="{y:.2}" width="{:.2}" height="{:.2}" fill="{}"/>"#,
                escape(s.name),
                escape(label),
                (x1 - x0).max(1.0),
                thickness * 0.9,
                s.colour
            );
            if let Some(iv) = &s.intervals {
                let (l, h) = iv[i];
                let ym = y + thickness * 0.45;
                let _ = write!(
                    out,
                    r##"<line class="interval" x1="{:.2}" y1="{ym:.2}" x2="{:.2}" y2="{ym:.2}" stroke="#222" stroke-width="1.5"/>"##,
                    c.x.map(l),
                    c.x.map(h)
                );
            }
        }
    }
    if series.len() > 1 {
        for (k, s) in series.iter().enumerate() {
            let _ = write!(
                out,
                r#"<rect x="{:.1}" y="{:.1}" width="10" height="10" fill="{}"/><text x="{:.1}" y="{:.1}" font-size="11">{}</text>"#,
                c.x.to - 150.0 + k as f64 * 75.0,
                34.0,
                s.colour,
                c.x.to - 136.0 + k as f64 * 75.0,
                43.0,
                escape(s.name)
            );
        }
    }
    c.raw(&out);
    if let Some((r, label)) = reference {
        c.vline(r, label, "#555", &format!(r#"data-reference="{r}""#));
    }
    c.finish()
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
        x_title,
        &format!("{} ({})", metric.name(), unit_label(unit)),
        &|_| String::new(),
        &|v| human_sig(unit, v, 3),
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
    let _ = write!(
        out,
        r##"<text class="caption" x="{:.1}" y="40" text-anchor="end" font-size="10" fill="#666">bands: P{outer_lo}–P{outer_hi} and P25–P75; line: median</text>"##,
        svg::WIDTH - 24.0
    );
    c.raw(&out);
    c.finish()
}

/// Two distributions of one output as step outlines on shared bins.
pub fn overlay_svg(title: &str, metric: Metric, a: (&str, &[f64]), b: (&str, &[f64])) -> String {
    if let (Some(x), Some(y)) = (constant_value(a.1), constant_value(b.1))
        && x == y
    {
        return constant_svg(title, metric, x, a.1.len());
    }
    let bins = 60;
    let both: Vec<f64> = a.1.iter().chain(b.1).copied().collect();
    let h = histogram(&both, bins);
    let (lo, hi) = if h.hi > h.lo {
        (h.lo, h.hi)
    } else {
        (h.lo - 0.5, h.lo + 0.5)
    };
    let width = (hi - lo) / bins as f64;
    let shares = |data: &[f64]| -> Vec<f64> {
        let mut counts = vec![0u64; bins];
        for &x in data {
            if (lo..=hi).contains(&x) {
                counts[(((x - lo) / width) as usize).min(bins - 1)] += 1;
            }
        }
        counts
            .iter()
            .map(|&k| k as f64 / data.len() as f64)
            .collect()
    };
    let (sa, sb) = (shares(a.1), shares(b.1));
    let top = sa.iter().chain(&sb).copied().fold(0.0, f64::max);
    let unit = metric.unit();
    let mut c = Canvas::new(title, lo, hi, 0.0, top * 1.15);
    c.axes(
        &format!("{} ({})", metric.name(), unit_label(unit)),
        "share of runs per bin",
        &|v| human_sig(unit, v, 3),
        &|v| format!("{:.1}%", 100.0 * v),
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

    fn sample() -> Vec<f64> {
        (0..10_000)
            .map(|i| 50.0 + (i % 100) as f64 + (i / 100) as f64 * 0.3)
            .collect()
    }

    #[test]
    fn histogram_counts_every_run_once() {
        let data = sample();
        let h = histogram(&data, 40);
        assert_eq!(
            h.counts.iter().sum::<u64>() + h.below + h.above,
            data.len() as u64
        );
        assert!(h.below <= 50 && h.above <= 50);
    }

    #[test]
    fn svg_marks_the_computed_percentiles() {
        let data = sample();
        let svg = histogram_svg("S", Metric::TrainDays, &data);
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
                .map(|p| (p.percent, p.value))
                .collect::<Vec<_>>()
        );
        let title = doc
            .descendants()
            .find(|n| n.attribute("class") == Some("title"))
            .unwrap();
        assert_eq!(title.text(), Some("S: train_days"));
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
        for svg in [
            histogram_svg("S", Metric::TrainFlops, &data),
            exceedance_svg("S", Metric::TrainFlops, &data, None),
            overlay_svg("S", Metric::TrainFlops, ("A", &data), ("B", &data)),
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
            assert!(text.starts_with("constant: 3.791e25 FLOP"), "{text}");
            assert!(
                !svg.contains("data-percentile"),
                "no markers on an empty plot"
            );
        }
        assert!(constant_message(&histogram_svg("S", Metric::TrainDays, &sample())).is_none());
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
        let labels = marker_labels(&histogram_svg("S", Metric::TrainDays, &data));
        assert_eq!(labels.len(), 3);
        let rows: std::collections::BTreeSet<i64> =
            labels.iter().map(|l| l.1.round() as i64).collect();
        assert_eq!(rows.len(), 3, "{labels:?}");
    }

    #[test]
    fn the_tornado_reference_label_clears_the_top_bar() {
        // Ten rows, as a scenario with ten uncertain inputs has: thin bands, the top bar close
        // to the top of the plot.
        let labels: Vec<String> = (0..10).map(|i| format!("input {i}")).collect();
        let svg = bars_svg(
            "T",
            &labels,
            &[BarSeries {
                name: "s",
                colour: "#000",
                spans: (0..10).map(|i| (1.0 + 0.1 * i as f64, 3.0)).collect(),
                intervals: None,
            }],
            "x",
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
        let t = text_histogram(Metric::TrainDays, &sample(), 40);
        assert_eq!(t.lines().nth(1).unwrap().chars().count(), 40);
    }
}
