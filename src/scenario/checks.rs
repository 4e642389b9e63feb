//! Checks every input's distribution must pass: its domain, no draw that rounds to 0, no pole.

use super::*;

/// Refuses distributions whose draws can leave the input's physical domain.
pub(super) fn check_domain(
    src: &Source,
    input: Input,
    span: Range<usize>,
    dist: &Dist,
) -> Result<(), Error> {
    let s = dist.support();
    let domain = input.domain();
    let lo_ok = match domain {
        Domain::Positive | Domain::UnitOpenClosed => s.lo > 0.0 || (s.lo == 0.0 && s.lo_open),
        Domain::NonNegative | Domain::UnitClosedOpen | Domain::UnitClosed => s.lo >= 0.0,
        Domain::AtLeastOne => s.lo >= 1.0,
    };
    let hi_ok = match domain {
        Domain::UnitOpenClosed | Domain::UnitClosed => s.hi <= 1.0,
        Domain::UnitClosedOpen => s.hi < 1.0 || (s.hi == 1.0 && s.hi_open),
        _ => true,
    };
    if lo_ok && hi_ok {
        check_rounding_to_zero(src, input, span.clone(), dist)?;
        return check_pole(src, input, span, dist);
    }
    let key = input.key();
    let must = domain.describe();
    if dist.is_fixed() {
        let v = s.lo;
        let help = matches!(
            domain,
            Domain::UnitOpenClosed | Domain::UnitClosedOpen | Domain::UnitClosed
        )
        .then(|| format!("{key} is a fraction: 40% is written 0.40"));
        return Err(src.error(
            span,
            format!("`{key}` must be {must}, got {v}"),
            format!("must be {must}"),
            help,
        ));
    }
    let family = dist.family().name();
    let mut reach = Vec::new();
    let mut help = Vec::new();
    if !lo_ok {
        reach.push(format!("down to {}", s.lo));
        help.push(match domain {
            Domain::Positive | Domain::UnitOpenClosed => "a `lower` bound above 0",
            Domain::AtLeastOne => "`lower = 1`",
            _ => "`lower = 0`",
        });
    }
    if !hi_ok {
        reach.push(format!("up to {}", s.hi));
        help.push(match domain {
            Domain::UnitOpenClosed | Domain::UnitClosed => "`upper = 1`",
            _ => "an `upper` bound below 1",
        });
    }
    let alternative = match domain {
        Domain::UnitOpenClosed | Domain::UnitClosedOpen | Domain::UnitClosed => {
            "a bounded family such as pert, beta or triangular inside the range"
        }
        Domain::Positive => {
            "a family that stays positive: lognormal, gamma, or pert/triangular with min > 0"
        }
        Domain::NonNegative => {
            "a family that stays non-negative: lognormal, gamma, pert, triangular"
        }
        Domain::AtLeastOne => "a pert or triangular with min >= 1",
    };
    let written = &src.text[span.clone()];
    let help = match written
        .trim()
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
    {
        // A string cannot take bounds: show the same range as a table that can.
        Some(range) => {
            let (a, b) = range.split_once(" to ").unwrap_or((range, range));
            // A lognormal never goes below 0: only an upper end can be wrong.
            let bound = if matches!(domain, Domain::UnitOpenClosed | Domain::UnitClosed) {
                "1"
            } else {
                "0.5"
            };
            format!(
                "\"A to B\" has no bounds; write it as a table that can take one, for example {{ dist = \"lognormal\", p5 = {a}, p95 = {b}, upper = {bound} }}, or use {alternative}"
            )
        }
        None => format!(
            "add {} (truncation), or use {alternative}",
            help.join(" and ")
        ),
    };
    Err(src.error(
        span,
        format!(
            "`{key}` must be {must}, but this {family} distribution can take values {}",
            reach.join(" and ")
        ),
        "draws can fall outside the allowed range",
        Some(help),
    ))
}

/// The most probability an input that must be > 0 may put below the smallest full-precision
/// double: such draws are subnormal or round to exactly 0.
pub(super) const MAX_MASS_NEAR_ZERO: f64 = 1e-15;

/// A support open at 0 says no draw is 0, but in floating point draws below 2.2e-308 lose
/// their precision or round to 0 (a lognormal with mu = -800, a Weibull with a tiny scale).
pub(super) fn check_rounding_to_zero(
    src: &Source,
    input: Input,
    span: Range<usize>,
    dist: &Dist,
) -> Result<(), Error> {
    let s = dist.support();
    let must_be_positive = matches!(input.domain(), Domain::Positive | Domain::UnitOpenClosed);
    if !(must_be_positive && s.lo == 0.0 && s.lo_open) {
        return Ok(());
    }
    let near_zero = dist.cdf(f64::MIN_POSITIVE);
    if near_zero <= MAX_MASS_NEAR_ZERO {
        return Ok(());
    }
    Err(src.error(
        span,
        format!(
            "`{}` must be {}, but this {} distribution puts {} of its draws below {:e}, where they round to 0 or lose their precision",
            input.key(),
            input.domain().describe(),
            dist.family().name(),
            crate::units::general(near_zero),
            f64::MIN_POSITIVE
        ),
        "draws round to 0",
        Some(format!(
            "at most {MAX_MASS_NEAR_ZERO:e} of the draws may lie that close to 0: move the distribution away from 0 (a larger median or scale, a smaller spread) or add a `lower` bound above 0"
        )),
    ))
}

/// Inputs that divide the training time (gpus, peak_tflops, mfu: days ∝ 1/x; downtime:
/// days ∝ 1/(1 − x)) must keep away from the pole, or keep so little probability near it that
/// the training time keeps a finite mean and variance.
pub(super) fn check_pole(
    src: &Source,
    input: Input,
    span: Range<usize>,
    dist: &Dist,
) -> Result<(), Error> {
    let s = dist.support();
    let family = dist.family();
    let (tame, pole, fix) = match input {
        Input::Gpus | Input::PeakTflops | Input::Mfu => {
            // Truncation cannot help here: a lower bound above 0 already moves s.lo.
            (
                s.lo > 0.0 || family.thin_at(End::Lower),
                "0",
                "set its min above 0, or add a `lower` bound above 0",
            )
        }
        Input::Downtime => (
            s.hi < 1.0 || family.thin_at(End::Upper),
            "1",
            "set its max below 1, or add an `upper` bound below 1",
        ),
        _ => (true, "", ""),
    };
    if tame {
        return Ok(());
    }
    Err(src.error(
        span,
        format!(
            "`{}` divides the training time, and this {} distribution reaches {pole}, where the time is unbounded (its mean or variance would be infinite)",
            input.key(),
            family.name()
        ),
        format!("reaches {pole}"),
        Some(fix.to_string()),
    ))
}
