//! A small SVG canvas with linear scales, axes and ticks: enough for honest statistical charts,
//! with every element in plain text so tests can read the numbers back.

use std::fmt::Write;

pub const WIDTH: f64 = 760.0;
pub const HEIGHT: f64 = 420.0;
const LEFT: f64 = 90.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 48.0;
const BOTTOM: f64 = 56.0;
/// Height of the plot area between the axes.
pub const PLOT_HEIGHT: f64 = HEIGHT - TOP - BOTTOM;
/// Marker labels: font size, a generous width per character, and the step between label rows.
pub const LABEL_FONT: f64 = 11.0;
const LABEL_ROW: f64 = 13.0;
/// Baseline of the line between the title and the plot that holds legends and captions.
pub const LEGEND_BASELINE: f64 = 43.0;

/// A linear map from data to pixels.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub lo: f64,
    pub hi: f64,
    pub from: f64,
    pub to: f64,
}

impl Scale {
    pub fn map(&self, v: f64) -> f64 {
        let span = if self.hi > self.lo {
            self.hi - self.lo
        } else {
            1.0
        };
        self.from + (v - self.lo) / span * (self.to - self.from)
    }
}

/// Tick positions at 1, 2 or 5 × 10^k covering [lo, hi] with about `target` ticks.
pub fn nice_ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    if hi <= lo || hi.is_nan() || lo.is_nan() {
        return vec![lo];
    }
    let raw = (hi - lo) / target as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|i| i as f64 * step).collect()
}

pub struct Canvas {
    body: String,
    pub x: Scale,
    pub y: Scale,
    /// Marker labels placed so far: (left, right, row), so the next one can avoid them.
    labels: Vec<(f64, f64, usize)>,
}

/// A name for people with, optionally, the code name it stands for (`total_cost_usd`), which
/// is drawn after it in small grey type with the class `key`.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub text: String,
    pub key: String,
}

/// Small grey type for a key beside its plain name.
const KEY_FONT: f64 = 9.5;
const KEY_FILL: &str = "#777";

impl Label {
    pub fn new(text: &str, key: &str) -> Self {
        Label {
            text: text.to_string(),
            key: key.to_string(),
        }
    }

    pub fn plain(text: &str) -> Self {
        Label::new(text, "")
    }

    /// The content of a `<text>` element: the name, then the key in a smaller `tspan`.
    pub fn markup(&self) -> String {
        if self.key.is_empty() {
            return escape(&self.text);
        }
        format!(
            r#"{}<tspan class="key" dx="6" font-size="{KEY_FONT}" fill="{KEY_FILL}">{}</tspan>"#,
            escape(&self.text),
            escape(&self.key)
        )
    }

    /// Width in pixels of [`Label::markup`] with the name at `font` px, generously estimated.
    pub fn width(&self, font: f64) -> f64 {
        let key = if self.key.is_empty() {
            0.0
        } else {
            6.0 + text_width(&self.key, KEY_FONT)
        };
        text_width(&self.text, font) + key
    }
}

/// A generous estimate of a line's width: about 0.6 em a character.
pub fn text_width(text: &str, font: f64) -> f64 {
    0.6 * font * text.chars().count() as f64
}

/// Text for SVG and HTML, in element content or a quoted attribute: markup characters as
/// entities, and the control characters that XML forbids (and that could rewrite a terminal
/// the file is printed to) dropped; line breaks and tabs become spaces.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in crate::format::printable(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

impl Canvas {
    /// A chart area for x in [x_lo, x_hi] and y in [y_lo, y_hi], with its title.
    pub fn new(title: &str, x_lo: f64, x_hi: f64, y_lo: f64, y_hi: f64) -> Self {
        Canvas::with_left_margin(title, LEFT, x_lo, x_hi, y_lo, y_hi)
    }

    /// As [`Canvas::new`], with room on the left for row labels `left` pixels wide.
    pub fn with_left_margin(
        title: &str,
        left: f64,
        x_lo: f64,
        x_hi: f64,
        y_lo: f64,
        y_hi: f64,
    ) -> Self {
        let mut body = String::new();
        // A long title (a long scenario name) shrinks to fit rather than run off the chart.
        let font = (16.0 * (WIDTH - 40.0) / (1.1 * text_width(title, 16.0)).max(1.0)).min(16.0);
        let _ = write!(
            body,
            r##"<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/><text class="title" x="{}" y="26" text-anchor="middle" font-size="{font:.1}" font-weight="bold">{}</text>"##,
            WIDTH / 2.0,
            escape(title)
        );
        Canvas {
            body,
            x: Scale {
                lo: x_lo,
                hi: x_hi,
                from: left,
                to: WIDTH - RIGHT,
            },
            y: Scale {
                lo: y_lo,
                hi: y_hi,
                from: HEIGHT - BOTTOM,
                to: TOP,
            },
            labels: Vec::new(),
        }
    }

    /// A chart of something that has one value: its title and a line saying so, no plot.
    pub fn message(title: &str, message: &str, data: &str) -> String {
        let mut c = Canvas::new(title, 0.0, 1.0, 0.0, 1.0);
        let _ = write!(
            c.body,
            r##"<text class="message" {data} x="{}" y="{}" text-anchor="middle" font-size="14" fill="#444">{}</text>"##,
            WIDTH / 2.0,
            HEIGHT / 2.0,
            escape(message)
        );
        c.finish()
    }

    pub fn raw(&mut self, svg: &str) {
        self.body.push_str(svg);
    }

    /// Axes with ticks, tick labels written by `x_label`/`y_label`, and axis titles.
    pub fn axes(
        &mut self,
        x_title: &Label,
        y_title: &Label,
        x_label: &dyn Fn(f64) -> String,
        y_label: &dyn Fn(f64) -> String,
    ) {
        let (x0, x1, y0, y1) = (self.x.from, self.x.to, self.y.from, self.y.to);
        let mut s = format!(
            r##"<g class="axes" stroke="#333" stroke-width="1"><line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}"/><line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y1}"/></g>"##
        );
        for t in nice_ticks(self.x.lo, self.x.hi, 6) {
            let px = self.x.map(t);
            let _ = write!(
                s,
                r##"<line x1="{px:.1}" y1="{y0}" x2="{px:.1}" y2="{:.1}" stroke="#333"/><text class="xtick" x="{px:.1}" y="{:.1}" text-anchor="middle" font-size="11">{}</text>"##,
                y0 + 5.0,
                y0 + 18.0,
                escape(&x_label(t))
            );
        }
        for t in nice_ticks(self.y.lo, self.y.hi, 5) {
            let label = y_label(t);
            // Rows of a bar chart have no y scale: no ticks, no grid.
            if label.is_empty() {
                continue;
            }
            let py = self.y.map(t);
            let _ = write!(
                s,
                r##"<line x1="{:.1}" y1="{py:.1}" x2="{x0}" y2="{py:.1}" stroke="#333"/><line x1="{x0}" y1="{py:.1}" x2="{x1}" y2="{py:.1}" stroke="#eee"/><text class="ytick" x="{:.1}" y="{:.1}" text-anchor="end" font-size="11">{}</text>"##,
                x0 - 5.0,
                x0 - 8.0,
                py + 4.0,
                escape(&label)
            );
        }
        let _ = write!(
            s,
            r##"<text class="xlabel" x="{:.1}" y="{:.1}" text-anchor="middle" font-size="13">{}</text>"##,
            (x0 + x1) / 2.0,
            HEIGHT - 14.0,
            x_title.markup(),
        );
        if !y_title.text.is_empty() {
            let _ = write!(
                s,
                r##"<text class="ylabel" transform="translate(18 {:.1}) rotate(-90)" text-anchor="middle" font-size="13">{}</text>"##,
                (y0 + y1) / 2.0,
                y_title.markup()
            );
        }
        self.body.push_str(&s);
    }

    /// A vertical marker line across the plot at data x, labelled at the top; `data` holds
    /// attributes (e.g. `data-percentile="5"`) that name what it marks. A label goes right of
    /// its line, or left of it when it would leave the plot, and one row lower for each label
    /// it would otherwise overlap.
    pub fn vline(&mut self, x: f64, label: &str, colour: &str, data: &str) {
        let px = self.x.map(x);
        let width = text_width(label, LABEL_FONT);
        let (left, anchor, text_x) = if px + 3.0 + width <= self.x.to {
            (px + 3.0, "start", px + 3.0)
        } else {
            (px - 3.0 - width, "end", px - 3.0)
        };
        let right = left + width;
        let row = (0..)
            .find(|&r| {
                !self
                    .labels
                    .iter()
                    .any(|&(l, h, lr)| lr == r && left < h + 4.0 && l < right + 4.0)
            })
            .expect("some row is free");
        self.labels.push((left, right, row));
        let _ = write!(
            self.body,
            r##"<g class="marker" {data}><line x1="{px:.1}" y1="{:.1}" x2="{px:.1}" y2="{:.1}" stroke="{colour}" stroke-width="1.5" stroke-dasharray="5 3"/><text x="{text_x:.1}" y="{:.1}" text-anchor="{anchor}" font-size="{LABEL_FONT}" fill="{colour}">{}</text></g>"##,
            self.y.from,
            self.y.to,
            self.y.to + 12.0 + LABEL_ROW * row as f64,
            escape(label)
        );
    }

    /// Coloured squares with their names in a row above the plot, ending at its right edge.
    pub fn legend(&mut self, items: &[(&str, &str)]) {
        let widths: Vec<f64> = items
            .iter()
            .map(|(name, _)| 14.0 + text_width(name, LABEL_FONT) + 12.0)
            .collect();
        let mut x = self.x.to - widths.iter().sum::<f64>() + 12.0;
        let mut out = String::from(r#"<g class="legend">"#);
        for ((name, colour), width) in items.iter().zip(&widths) {
            let _ = write!(
                out,
                r#"<rect x="{x:.1}" y="{:.1}" width="10" height="10" fill="{colour}"/><text x="{:.1}" y="{:.1}" font-size="{LABEL_FONT}">{}</text>"#,
                LEGEND_BASELINE - 9.0,
                x + 14.0,
                LEGEND_BASELINE,
                escape(name)
            );
            x += width;
        }
        out.push_str("</g>");
        self.body.push_str(&out);
    }

    pub fn finish(self) -> String {
        format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" font-family="Helvetica, Arial, sans-serif">{}</svg>
"##,
            self.body
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_inside() {
        assert_eq!(
            nice_ticks(0.0, 10.0, 5),
            vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
        );
        let t = nice_ticks(68.0, 86.0, 6);
        assert!(
            t.iter().all(|v| (68.0..=86.0).contains(v)) && t.len() >= 4,
            "{t:?}"
        );
        assert_eq!(nice_ticks(5.0, 5.0, 5), vec![5.0]);
    }

    #[test]
    fn control_characters_never_reach_the_markup() {
        let svg = Canvas::new("<script>\u{0}\u{1b}[2J'x'", 0.0, 1.0, 0.0, 1.0).finish();
        assert!(roxmltree::Document::parse(&svg).is_ok());
        assert!(svg.contains("&lt;script&gt;[2J&#39;x&#39;"), "{svg}");
    }

    #[test]
    fn text_is_escaped() {
        let mut c = Canvas::new("a < b & c", 0.0, 1.0, 0.0, 1.0);
        c.axes(
            &Label::plain("x"),
            &Label::new("y", "k<"),
            &|v| v.to_string(),
            &|v| v.to_string(),
        );
        let svg = c.finish();
        assert!(svg.contains("a &lt; b &amp; c"));
        assert!(svg.contains(r#"<tspan class="key""#) && svg.contains("k&lt;</tspan>"));
        assert!(roxmltree::Document::parse(&svg).is_ok());
    }
}
