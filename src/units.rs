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

/// Parses amounts a person types: 110e6, 110_000_000, 1,000,000, 110M, $110M, 1.5B, 250k.
/// The one reader of amounts, for scenario "A to B" strings and every command-line amount, so
/// all of them agree. The error says what was wrong in words that fit after "`text`: ".
pub fn parse_amount(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let t = t.strip_prefix('$').unwrap_or(t);
    let (digits, factor) = match t.chars().last() {
        Some('k' | 'K') => (&t[..t.len() - 1], 1e3),
        Some('m' | 'M') => (&t[..t.len() - 1], 1e6),
        Some('b' | 'B') => (&t[..t.len() - 1], 1e9),
        Some('t' | 'T') => (&t[..t.len() - 1], 1e12),
        _ => (t, 1.0),
    };
    let v = parse_number(digits)? * factor;
    if v.is_finite() {
        Ok(v)
    } else {
        Err(format!("{v} is too large (the limit is about 1.8e308)"))
    }
}

/// Parses a plain number without unit or suffix: 80, 1.5e3, 12,345.5, 1_000. A comma is a
/// thousands separator only between groups of three digits before the decimal point: "1,8"
/// is far more likely a decimal comma than eighteen, so it is refused rather than guessed.
pub fn parse_number(text: &str) -> Result<f64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("no number given".into());
    }
    if t.contains(',') {
        check_thousands(t)?;
    }
    let plain = t.replace([',', '_'], "");
    let looks_numeric = plain
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    let v: f64 = match plain.parse() {
        Ok(v) if looks_numeric => v,
        _ => return Err("not a number (e.g. 80, 1.5e3 or 12,345.5)".into()),
    };
    if v.is_finite() {
        Ok(v)
    } else {
        Err(format!("{t} is too large (the limit is about 1.8e308)"))
    }
}

/// Commas only as thousands separators: 1,000 and 12,345,678.5, never 1,8 or 1,5000.
fn check_thousands(t: &str) -> Result<(), String> {
    let unsigned = t.trim_start_matches(['+', '-']);
    let end = unsigned.find(['.', 'e', 'E']).unwrap_or(unsigned.len());
    let (whole, rest) = unsigned.split_at(end);
    let groups: Vec<&str> = whole.split(',').collect();
    let grouped = !rest.contains(',')
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3)
        && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()));
    if grouped {
        return Ok(());
    }
    let hint = if groups.len() == 2 && rest.is_empty() && !groups[1].is_empty() {
        format!("; for a decimal write a point: {}.{}", groups[0], groups[1])
    } else {
        "; write decimals with a point, e.g. 1.8".to_string()
    };
    Err(format!(
        "a comma may only separate thousands (1,000 or 12,345,678.5){hint}"
    ))
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
        assert_eq!(parse_amount("110e6"), Ok(110e6));
        assert_eq!(parse_amount("$110M"), Ok(110e6));
        assert_eq!(parse_amount("1_000_000"), Ok(1e6));
        assert_eq!(parse_amount("1.5B"), Ok(1.5e9));
        assert_eq!(parse_amount("250k"), Ok(250e3));
        assert!(parse_amount("lots").is_err());
        assert!(parse_amount("inf").is_err());
        assert!(parse_amount("NaN").is_err());
        assert!(parse_amount("1e400").is_err());
        assert!(parse_amount("1e300T").is_err());
        assert!(parse_amount("").is_err());
        assert!(parse_amount("M").is_err());
    }

    #[test]
    fn a_comma_separates_only_thousands() {
        assert_eq!(parse_amount("1,000"), Ok(1000.0));
        assert_eq!(parse_amount("12,345,678.5"), Ok(12_345_678.5));
        assert_eq!(parse_amount("$1,500M"), Ok(1.5e9));
        assert_eq!(parse_amount("-1,000"), Ok(-1000.0));
        for bad in [
            "1,8",
            "1,5M",
            "3,5",
            "1,5000",
            "12,34,567",
            ",100",
            "1,000,0",
            "1.000,5",
            "1,",
            "1e3,000",
        ] {
            assert!(parse_amount(bad).is_err(), "{bad} must be refused");
        }
        let e = parse_amount("1,8").unwrap_err();
        assert!(e.contains("1.8"), "{e}");
        assert!(parse_amount("1,5M").unwrap_err().contains("1.5"));
    }

    #[test]
    fn plain_numbers_take_no_suffix() {
        assert_eq!(parse_number("80"), Ok(80.0));
        assert_eq!(parse_number("1,000.5"), Ok(1000.5));
        assert!(parse_number("5m").is_err());
        assert!(parse_number("$5").is_err());
    }
}
