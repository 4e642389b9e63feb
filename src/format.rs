//! Numbers for people, shared by the reports and the charts: a leaf that knows units and number
//! styles, nothing of the model or of who prints them (the plain names of outputs and inputs
//! are the model's, in `model/names.rs`).
//!
//! Two number styles: [`human`] for the terminal and the text exports, four significant digits
//! that line up in a table; [`figure`] for documents (the HTML report, the SVG charts), three
//! significant digits with no trailing zeros, counts grouped by thousands and shares as %.

use crate::units;

/// What a metric counts, and so how it is shown to a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Flop,
    Days,
    Hours,
    Usd,
    Count,
    Ratio,
}

/// A value in the metric's unit, for people: $100.5M, 75.83, 29.84M, 3.79e25.
pub fn human(unit: Unit, x: f64) -> String {
    human_sig(unit, x, 4)
}

/// [`human`] with `sig` significant digits.
pub fn human_sig(unit: Unit, x: f64, sig: usize) -> String {
    match unit {
        Unit::Usd => units::usd(x, sig),
        Unit::Days => units::significant(x, sig),
        Unit::Hours => units::si(x, sig),
        Unit::Count => units::si(x, sig),
        Unit::Ratio => format!("{}%", units::significant(100.0 * x, sig)),
        Unit::Flop if x == 0.0 => "0".into(),
        Unit::Flop => format!("{x:.prec$e}", prec = sig - 1),
    }
}

pub fn unit_label(unit: Unit) -> &'static str {
    match unit {
        Unit::Usd => "USD",
        Unit::Days => "days",
        Unit::Hours => "GPU-hours",
        Unit::Flop => "FLOP",
        Unit::Count => "count",
        Unit::Ratio => "ratio",
    }
}

/// 1234567 → "1,234,567".
pub fn group_thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// User text (a scenario name, a file name, a source) made safe to print to a terminal: control
/// characters, which could move the cursor, recolour or rewrite what was printed, are dropped,
/// and line breaks and tabs become spaces so a name stays on its line. Bidirectional overrides,
/// which reorder what the reader sees, are dropped too.
pub fn printable(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            c if c.is_control() || is_bidi_control(c) => None,
            c => Some(c),
        })
        .collect()
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// How a document writes a quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// $80M, $1.2M, $350k, $2.51
    Money,
    /// 50, 16,384, 405B: whole things, grouped by thousands up to a million
    Count,
    /// 35.8%: a share or fraction
    Percent,
    /// 75.8, 0.4: a plain value whose unit the label names
    Number,
    /// 3.79e25: FLOP counts, too large for any suffix a reader knows
    Scientific,
}

impl Style {
    pub fn of(unit: Unit) -> Style {
        match unit {
            Unit::Usd => Style::Money,
            Unit::Days => Style::Number,
            Unit::Hours | Unit::Count => Style::Count,
            Unit::Ratio => Style::Percent,
            Unit::Flop => Style::Scientific,
        }
    }
}

/// A value as a document shows it: three significant digits and no trailing zeros.
pub fn figure(style: Style, x: f64) -> String {
    figure_sig(style, x, 3)
}

/// [`figure`] with `sig` significant digits (counts below a million keep every digit).
pub fn figure_sig(style: Style, x: f64, sig: usize) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    match style {
        Style::Money if x < 0.0 => format!("-{}", money(-x, sig)),
        Style::Money => money(x, sig),
        Style::Count if x.abs() >= 1e6 => with_suffix(x, sig),
        Style::Count if x.abs() >= 100.0 => {
            let sign = if x < 0.0 { "-" } else { "" };
            format!("{sign}{}", group_thousands(x.abs().round() as u64))
        }
        Style::Count | Style::Number => trim_zeros(&units::significant(x, sig)),
        Style::Percent => format!("{}%", trim_zeros(&units::significant(100.0 * x, sig))),
        Style::Scientific if x == 0.0 => "0".into(),
        Style::Scientific => trim_zeros(&format!("{x:.prec$e}", prec = sig.max(1) - 1)),
    }
}

/// $350k, $1.2M; below a thousand, cents when there is a fraction: $1.80, $2.51, $350.
fn money(x: f64, sig: usize) -> String {
    if x >= 999.5 {
        return format!("${}", with_suffix(x, sig));
    }
    let plain = trim_zeros(&units::significant(x, sig));
    match plain.split_once('.') {
        Some((whole, cents)) if cents.len() < 2 && !plain.contains('e') => {
            format!("${whole}.{cents:0<2}")
        }
        _ => format!("${plain}"),
    }
}

/// `sig` significant digits with k/M/B/T, moving up a suffix when rounding reaches 1000.
fn with_suffix(x: f64, sig: usize) -> String {
    const SUFFIXES: [(f64, &str); 5] = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"), (1.0, "")];
    let a = x.abs();
    let mut chosen = SUFFIXES.len() - 1;
    for (i, (scale, _)) in SUFFIXES.iter().enumerate() {
        if a >= *scale {
            chosen = i;
            break;
        }
    }
    let (scale, suffix) = SUFFIXES[chosen];
    let digits = trim_zeros(&units::significant(x / scale, sig));
    let rounded_up = digits.trim_start_matches('-').split('.').next() == Some("1000");
    if rounded_up && chosen > 0 {
        let (scale, suffix) = SUFFIXES[chosen - 1];
        return format!(
            "{}{suffix}",
            trim_zeros(&units::significant(x / scale, sig))
        );
    }
    format!("{digits}{suffix}")
}

/// "80.0" → "80", "1.50" → "1.5", "3.790e25" → "3.79e25"; whole numbers keep their zeros.
fn trim_zeros(s: &str) -> String {
    let (mantissa, exponent) = match s.split_once('e') {
        Some((m, e)) => (m, Some(e)),
        None => (s, None),
    };
    let mantissa = if mantissa.contains('.') {
        mantissa.trim_end_matches('0').trim_end_matches('.')
    } else {
        mantissa
    };
    match exponent {
        Some(e) => format!("{mantissa}e{e}"),
        None => mantissa.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_for_the_terminal_loses_its_control_characters() {
        assert_eq!(
            printable("a\u{1b}[2J\u{0}b\nc\td\u{7f}\u{9b}e\u{202e}f"),
            "a[2Jb c def"
        );
        assert_eq!(printable("Llama 3.1 405B – été"), "Llama 3.1 405B – été");
    }

    #[test]
    fn money_in_a_document_has_three_digits_and_no_trailing_zeros() {
        let m = |x| figure(Style::Money, x);
        assert_eq!(m(80e6), "$80M");
        assert_eq!(m(100.5e6), "$100M");
        assert_eq!(m(100.6e6), "$101M");
        assert_eq!(m(75.72e6), "$75.7M");
        assert_eq!(m(134.0e6), "$134M");
        assert_eq!(m(1.2e6), "$1.2M");
        assert_eq!(m(350e3), "$350k");
        assert_eq!(m(494_975.0), "$495k");
        assert_eq!(m(999_600.0), "$1M");
        assert_eq!(m(999.7), "$1k");
        assert_eq!(m(1.234e9), "$1.23B");
        assert_eq!(m(1.8), "$1.80");
        assert_eq!(m(2.51), "$2.51");
        assert_eq!(m(0.08), "$0.08");
        assert_eq!(m(350.0), "$350");
        assert_eq!(m(0.0), "$0");
        assert_eq!(m(-3.1e3), "-$3.1k");
        assert_eq!(figure_sig(Style::Money, 97_123.0, 2), "$97k");
    }

    #[test]
    fn counts_shares_and_plain_values_in_a_document() {
        assert_eq!(figure(Style::Count, 50.0), "50");
        assert_eq!(figure(Style::Count, 16_384.0), "16,384");
        assert_eq!(figure(Style::Count, 200_000.0), "200,000");
        assert_eq!(figure(Style::Count, 405e9), "405B");
        assert_eq!(figure(Style::Count, 15.6e12), "15.6T");
        assert_eq!(figure(Style::Count, 29.97e6), "30M");
        assert_eq!(figure(Style::Count, 8.47), "8.47");
        assert_eq!(figure(Style::Percent, 0.3583), "35.8%");
        assert_eq!(figure(Style::Percent, 0.8), "80%");
        assert_eq!(figure(Style::Percent, 0.0), "0%");
        assert_eq!(figure(Style::Number, 75.81), "75.8");
        assert_eq!(figure(Style::Number, 68.01), "68");
        assert_eq!(figure(Style::Number, 2e-5), "2e-5");
        assert_eq!(figure(Style::Scientific, 3.791e25), "3.79e25");
        assert_eq!(figure(Style::Scientific, 4e25), "4e25");
        assert_eq!(figure(Style::Number, f64::NAN), "NaN");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(1_000_000), "1,000,000");
    }
}
