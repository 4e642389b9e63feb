//! Parameter checks shared by several families, and the error that names the failing parameter.
//!
//! Each check names the offending parameter in its error, so that the scenario reader can point
//! at the exact value in the file.

/// A parameter that failed its check: which one, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamError {
    pub param: &'static str,
    pub message: String,
}

impl ParamError {
    pub fn new(param: &'static str, message: impl Into<String>) -> Self {
        ParamError {
            param,
            message: message.into(),
        }
    }
}

pub type ParamResult<T> = Result<T, ParamError>;

/// Shape parameters (beta's alpha and beta, gamma's and Weibull's shape) are allowed in
/// [MIN_SHAPE, MAX_SHAPE]: the range in which quantiles come out accurate (|F(Q(p)) − p| below
/// 1e-6) within tens of microseconds. Below 0.5 the gamma and beta quantile searches of statrs
/// stop far from the root (p off by 1e-3 at shape 0.3, 0.3 at 0.05) or crawl (20 ms a point at
/// 1e-300), and draws underflow to exactly 0; above 1e5 the beta quantile is off by 4e-4 and the
/// distribution is a point for every practical purpose.
pub const MIN_SHAPE: f64 = 0.5;
pub const MAX_SHAPE: f64 = 1e5;

pub(super) fn finite(param: &'static str, x: f64) -> ParamResult<f64> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(ParamError::new(
            param,
            format!("{param} must be a finite number"),
        ))
    }
}

/// Strictly positive and not subnormal, so that reciprocals (rates from scales) stay finite.
pub(super) fn positive(param: &'static str, x: f64) -> ParamResult<f64> {
    if x >= f64::MIN_POSITIVE && x.is_finite() {
        Ok(x)
    } else {
        Err(ParamError::new(
            param,
            format!(
                "{param} must be a finite number from {:e} (the smallest full-precision double) to {:e}, got {x:e}",
                f64::MIN_POSITIVE,
                f64::MAX
            ),
        ))
    }
}

/// A shape parameter in [MIN_SHAPE, MAX_SHAPE].
pub(super) fn shape(param: &'static str, x: f64) -> ParamResult<f64> {
    let why = if !(x >= MIN_SHAPE && x.is_finite()) {
        "below it the distribution piles up against 0 so steeply that its draws round to 0 and its quantiles cannot be computed accurately"
    } else if x > MAX_SHAPE {
        "above it the distribution is a point for every practical purpose (use a plain number) and its quantiles lose accuracy"
    } else {
        return Ok(x);
    };
    Err(ParamError::new(
        param,
        format!("{param} = {x} is outside the allowed range [{MIN_SHAPE}, {MAX_SHAPE:e}]: {why}"),
    ))
}

/// min < max with a width that does not overflow.
pub(super) fn range(what: &str, min: f64, max: f64) -> ParamResult<()> {
    if min >= max {
        return Err(ParamError::new(
            "max",
            format!(
                "{what} needs min < max, got min = {min}, max = {max} (for a point value use a plain number)"
            ),
        ));
    }
    if !(max - min).is_finite() {
        return Err(ParamError::new(
            "max",
            format!("{what}: the range [{min}, {max}] is too wide to compute with"),
        ));
    }
    Ok(())
}

/// min ≤ mode ≤ max, for the triangular and PERT.
pub(super) fn min_mode_max(min: f64, mode: f64, max: f64) -> ParamResult<()> {
    range("this distribution", min, max)?;
    if !(min..=max).contains(&mode) {
        return Err(ParamError::new(
            "mode",
            format!("mode must lie in [min, max] = [{min}, {max}], got {mode}"),
        ));
    }
    // The triangular's quantile multiplies the width by each side's width.
    if !((max - min) * (max - mode).max(mode - min)).is_finite() {
        return Err(ParamError::new(
            "max",
            format!(
                "the range [{min:e}, {max:e}] is too wide to compute with: (max − min) × (max − mode) and (max − min) × (mode − min) must stay below 1.8e308"
            ),
        ));
    }
    Ok(())
}

/// p5 < p95 with a width that does not overflow, for the families fitted to a (P5, P95) pair.
pub(super) fn p5_below_p95(p5: f64, p95: f64) -> ParamResult<()> {
    if p5 >= p95 {
        return Err(ParamError::new(
            "p95",
            format!("needs p5 < p95, got p5 = {p5}, p95 = {p95}"),
        ));
    }
    Ok(())
}
