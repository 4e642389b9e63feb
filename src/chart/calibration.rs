//! Charts of forecast verification: the PIT histogram and the reliability diagram. Both draw
//! what a calibrated forecaster would show (flat bars, the diagonal) with the spread that
//! chance alone gives n forecasts, so a reader can tell luck from a bias.

use std::fmt::Write;

use super::svg::{Canvas, Label};
use crate::format::group_thousands;

const BAND_FILL: &str = "#d6e4f0";
const IDEAL: &str = "#c0392b";

/// Counts of the PIT in equal bins over [0, 1], with the uniform count n/bins and its ±2 SE
/// band (binomial).
pub fn pit_histogram_svg(title: &str, counts: &[usize]) -> String {
    let runs: usize = counts.iter().sum();
    let n = runs as f64;
    let bins = counts.len().max(1);
    let expected = n / bins as f64;
    let se = (n * (1.0 / bins as f64) * (1.0 - 1.0 / bins as f64)).sqrt();
    let tallest = counts.iter().copied().max().unwrap_or(0) as f64;
    let top = tallest.max(expected + 2.0 * se).max(1.0) * 1.15;
    let mut c = Canvas::new(title, 0.0, 1.0, 0.0, top);
    c.axes(
        &Label::plain("PIT: the forecast's probability of a value at or below the outcome"),
        &Label::plain("runs per bin"),
        &|v| format!("{v:.1}"),
        &|v| format!("{v:.0}"),
    );
    let band_lo = (expected - 2.0 * se).max(0.0);
    let (x0, x1) = (c.x.map(0.0), c.x.map(1.0));
    let (y_hi, y_lo) = (c.y.map(expected + 2.0 * se), c.y.map(band_lo));
    c.raw(&format!(
        r#"<rect class="uniform-band" x="{x0:.2}" y="{y_hi:.2}" width="{:.2}" height="{:.2}" fill="{BAND_FILL}" data-lo="{band_lo}" data-hi="{}"/>"#,
        x1 - x0,
        y_lo - y_hi,
        expected + 2.0 * se
    ));
    let mut bars = String::from(r##"<g class="bars" fill="#4a7ab8" fill-opacity="0.85">"##);
    for (i, &count) in counts.iter().enumerate() {
        let (left, right) = (
            c.x.map(i as f64 / bins as f64),
            c.x.map((i + 1) as f64 / bins as f64),
        );
        let (base, height) = (c.y.map(0.0), c.y.map(count as f64));
        let _ = write!(
            bars,
            r#"<rect data-bin="{i}" data-count="{count}" x="{:.2}" y="{height:.2}" width="{:.2}" height="{:.2}"/>"#,
            left + 1.0,
            (right - left - 2.0).max(0.1),
            base - height
        );
    }
    bars.push_str("</g>");
    c.raw(&bars);
    let y = c.y.map(expected);
    c.raw(&format!(
        r#"<line class="uniform" data-count="{expected}" x1="{x0:.2}" y1="{y:.2}" x2="{x1:.2}" y2="{y:.2}" stroke="{IDEAL}" stroke-width="1.5" stroke-dasharray="5 3"/>"#
    ));
    c.raw(&legend(&format!(
        "{} runs; dashed: a calibrated forecast's n/{bins}, shaded: ±2 SE",
        group_thousands(runs as u64)
    )));
    c.finish()
}

/// Observed coverage of central bands, (nominal level, share of outcomes inside), against
/// their nominal level, with the diagonal and the ±2 SE a calibrated forecast's coverage shows
/// over `runs` runs.
pub fn reliability_svg(title: &str, points: &[(f64, f64)], runs: usize) -> String {
    let n = runs.max(1) as f64;
    let mut c = Canvas::new(title, 0.0, 1.0, 0.0, 1.0);
    c.axes(
        &Label::plain("nominal level of the central band"),
        &Label::plain("share of outcomes inside"),
        &|v| format!("{:.0}%", 100.0 * v),
        &|v| format!("{:.0}%", 100.0 * v),
    );
    let levels: Vec<f64> = (0..=20).map(|i| f64::from(i) / 20.0).collect();
    let edge = |sign: f64| -> Vec<String> {
        levels
            .iter()
            .map(|&l| {
                let v = (l + sign * 2.0 * (l * (1.0 - l) / n).sqrt()).clamp(0.0, 1.0);
                format!("{:.2},{:.2}", c.x.map(l), c.y.map(v))
            })
            .collect()
    };
    let mut outline = edge(1.0);
    outline.extend(edge(-1.0).into_iter().rev());
    c.raw(&format!(
        r#"<polygon class="calibrated-band" fill="{BAND_FILL}" points="{}"/>"#,
        outline.join(" ")
    ));
    c.raw(&format!(
        r#"<line class="diagonal" x1="{:.2}" y1="{:.2}" x2="{:.2}" y2="{:.2}" stroke="{IDEAL}" stroke-width="1.5" stroke-dasharray="5 3"/>"#,
        c.x.map(0.0),
        c.y.map(0.0),
        c.x.map(1.0),
        c.y.map(1.0)
    ));
    let line: Vec<String> = points
        .iter()
        .map(|&(l, o)| format!("{:.2},{:.2}", c.x.map(l), c.y.map(o)))
        .collect();
    c.raw(&format!(
        r##"<polyline class="observed" fill="none" stroke="#4a7ab8" stroke-width="2" points="{}"/>"##,
        line.join(" ")
    ));
    let mut dots = String::from(r##"<g class="points" fill="#4a7ab8">"##);
    for &(level, observed) in points {
        let _ = write!(
            dots,
            r#"<circle data-level="{level}" data-observed="{observed}" cx="{:.2}" cy="{:.2}" r="4"/>"#,
            c.x.map(level),
            c.y.map(observed)
        );
    }
    dots.push_str("</g>");
    c.raw(&dots);
    c.raw(&legend(&format!(
        "{} runs; dashed: calibrated, shaded: ±2 SE of a calibrated forecast's coverage",
        group_thousands(runs as u64)
    )));
    c.finish()
}

fn legend(text: &str) -> String {
    format!(
        r##"<text class="legend" x="{:.1}" y="40" text-anchor="middle" font-size="11" fill="#444">{}</text>"##,
        super::svg::WIDTH / 2.0,
        super::escape(text)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(svg: &str, element: &str, attr: &str) -> Vec<f64> {
        let doc = roxmltree::Document::parse(svg).expect("valid SVG");
        doc.descendants()
            .filter(|n| n.has_tag_name(element))
            .filter_map(|n| n.attribute(attr))
            .map(|v| v.parse().unwrap())
            .collect()
    }

    #[test]
    fn the_pit_histogram_draws_each_bin_beside_the_uniform_line() {
        let counts = [2, 1, 0, 0, 0, 2, 0, 0, 0, 3];
        let svg = pit_histogram_svg("PIT", &counts);
        let drawn = numbers(&svg, "rect", "data-count");
        assert_eq!(drawn, [2.0, 1.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 3.0]);
        assert_eq!(numbers(&svg, "line", "data-count"), [0.8]);
        // ±2 SE of a bin count: 2√(8 × 0.1 × 0.9) = 1.697.
        let hi = numbers(&svg, "rect", "data-hi");
        assert!((hi[0] - 2.497).abs() < 1e-3, "{hi:?}");
    }

    #[test]
    fn the_reliability_chart_plots_observed_coverage_per_level() {
        let points: Vec<(f64, f64)> = (1..=9)
            .map(|i| (i as f64 / 10.0, 0.05 * i as f64))
            .collect();
        let svg = reliability_svg("reliability", &points, 40);
        let levels = numbers(&svg, "circle", "data-level");
        let observed = numbers(&svg, "circle", "data-observed");
        assert_eq!(levels.len(), 9);
        for ((l, o), (want_l, want_o)) in levels.iter().zip(&observed).zip(&points) {
            assert_eq!((l, o), (want_l, want_o));
        }
    }
}
