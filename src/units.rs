//! Numbers for people: money as $100.5M, large counts as 30.84M, plain values with a few digits.

/// A compact general-purpose rendering for parameters: 0.4, 989, 4.05e11.
pub fn general(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let a = x.abs();
    if x.fract() == 0.0 && a < 1e7 {
        format!("{x}")
    } else if (1e-3..1e7).contains(&a) {
        let s = significant(x, 4);
        let s = s.trim_end_matches('0').trim_end_matches('.');
        s.to_string()
    } else {
        let s = format!("{:.4e}", x);
        let (m, e) = s.split_once('e').unwrap();
        let m = m.trim_end_matches('0').trim_end_matches('.');
        format!("{m}e{e}")
    }
}

/// `sig` significant digits with a k/M/B/T suffix: 30.84M, 989, 1.2B.
pub fn si(x: f64, sig: usize) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    let a = x.abs();
    let (scaled, suffix) = if a >= 1e12 {
        (x / 1e12, "T")
    } else if a >= 1e9 {
        (x / 1e9, "B")
    } else if a >= 1e6 {
        (x / 1e6, "M")
    } else if a >= 1e4 {
        (x / 1e3, "k")
    } else {
        (x, "")
    };
    format!("{}{}", significant(scaled, sig), suffix)
}

/// Money: $100.5M, $2.00, -$3.1k.
pub fn usd(x: f64, sig: usize) -> String {
    if x < 0.0 {
        format!("-${}", si(-x, sig))
    } else {
        format!("${}", si(x, sig))
    }
}

/// `sig` significant digits, never in exponent form for the ranges si() hands it.
pub fn significant(x: f64, sig: usize) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let a = x.abs();
    // Outside this range fixed notation runs to dozens of digits: switch to an exponent.
    if !(1e-3..1e15).contains(&a) {
        return format!("{x:.prec$e}", prec = sig.saturating_sub(1));
    }
    let magnitude = a.log10().floor() as i32;
    let decimals = (sig as i32 - 1 - magnitude).max(0) as usize;
    format!("{x:.decimals$}")
}

/// Parses amounts a person types: 110e6, 110_000_000, 110M, $110M, 1.5B, 250k.
pub fn parse_amount(text: &str) -> Option<f64> {
    let t = text.trim().trim_start_matches('$').replace(['_', ','], "");
    let (digits, factor) = match t.chars().last()? {
        'k' | 'K' => (&t[..t.len() - 1], 1e3),
        'm' | 'M' => (&t[..t.len() - 1], 1e6),
        'b' | 'B' => (&t[..t.len() - 1], 1e9),
        't' | 'T' => (&t[..t.len() - 1], 1e12),
        _ => (t.as_str(), 1.0),
    };
    let v: f64 = digits.trim().parse().ok()?;
    let v = v * factor;
    v.is_finite().then_some(v)
}

/// `sig` significant digits, switching to exponent form outside [1e-3, 1e7).
pub fn compact(x: f64, sig: usize) -> String {
    let a = x.abs();
    if x == 0.0 || (1e-3..1e7).contains(&a) {
        significant(x, sig)
    } else {
        format!("{x:.prec$e}", prec = sig.saturating_sub(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_counts_read_naturally() {
        assert_eq!(usd(100.5e6, 4), "$100.5M");
        assert_eq!(usd(52_650_000.0, 4), "$52.65M");
        assert_eq!(usd(2.0, 3), "$2.00");
        assert_eq!(usd(1.234e9, 3), "$1.23B");
        assert_eq!(si(30.84e6, 4), "30.84M");
        assert_eq!(si(75.83, 4), "75.83");
        assert_eq!(si(989.0, 4), "989.0");
        assert_eq!(general(405e9), "4.05e11");
        assert_eq!(general(0.4), "0.4");
        assert_eq!(general(16384.0), "16384");
        assert_eq!(general(3.333_333_3), "3.333");
        assert_eq!(general(0.920_275), "0.9203");
        assert_eq!(significant(4.5e-13, 2), "4.5e-13");
        assert_eq!(significant(1e300, 3), "1.00e300");
        assert_eq!(si(f64::INFINITY, 3), "inf");
        assert_eq!(usd(f64::NAN, 3), "$NaN");
    }

    #[test]
    fn amounts_parse_with_suffixes() {
        assert_eq!(parse_amount("110e6"), Some(110e6));
        assert_eq!(parse_amount("$110M"), Some(110e6));
        assert_eq!(parse_amount("1_000_000"), Some(1e6));
        assert_eq!(parse_amount("1.5B"), Some(1.5e9));
        assert_eq!(parse_amount("250k"), Some(250e3));
        assert_eq!(parse_amount("lots"), None);
        assert_eq!(parse_amount("inf"), None);
    }
}
