//! The distribution families a scenario may use, their parameters, domains and checks.
//!
//! Each constructor validates its parameters and names the offending one in its error, so the
//! scenario reader can point at the exact value in the file.

use std::fmt;

/// z such that Φ(z) = 0.95: turns a (P5, P95) pair into a mean and a standard deviation.
pub const Z95: f64 = 1.644_853_626_951_472_2;

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

/// One family with its parameters, already checked.
#[derive(Debug, Clone, PartialEq)]
pub enum Family {
    /// A point value.
    Fixed { value: f64 },
    /// Uniform on [min, max).
    Uniform { min: f64, max: f64 },
    /// Normal with mean and standard deviation sd > 0.
    Normal { mean: f64, sd: f64 },
    /// exp(Normal(mu, sigma)): mu and sigma are in log space.
    LogNormal { mu: f64, sigma: f64 },
    /// Triangular on [min, max] with its peak at mode.
    Triangular { min: f64, mode: f64, max: f64 },
    /// A Beta on [min, max] with shape parameters alpha, beta > 0. PERT resolves to this.
    Beta {
        alpha: f64,
        beta: f64,
        min: f64,
        max: f64,
    },
    /// Gamma with shape k > 0 and scale θ > 0 (mean kθ).
    Gamma { shape: f64, scale: f64 },
    /// Weibull with shape k > 0 and scale λ > 0.
    Weibull { shape: f64, scale: f64 },
    /// exp(mu + sigma · T) with T a Student's t of `df` degrees of freedom: a lognormal with
    /// heavier tails, the predictive distribution of a quantity whose logarithm was fitted by
    /// regression with unknown variance. Its mean is infinite unless it is truncated above.
    LogT { df: f64, mu: f64, sigma: f64 },
    /// Finitely many values with probabilities; `probs` sum to 1.
    Discrete { values: Vec<f64>, probs: Vec<f64> },
}

/// Strictly positive and not subnormal, so that reciprocals (rates from scales) stay finite.
fn positive(param: &'static str, x: f64) -> ParamResult<f64> {
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

/// Shape parameters (beta's alpha and beta, gamma's and Weibull's shape) are allowed in
/// [MIN_SHAPE, MAX_SHAPE]: the range in which quantiles come out accurate (|F(Q(p)) − p| below
/// 1e-6) within tens of microseconds. Below 0.5 the gamma and beta quantile searches of statrs
/// stop far from the root (p off by 1e-3 at shape 0.3, 0.3 at 0.05) or crawl (20 ms a point at
/// 1e-300), and draws underflow to exactly 0; above 1e5 the beta quantile is off by 4e-4 and the
/// distribution is a point for every practical purpose.
pub const MIN_SHAPE: f64 = 0.5;
pub const MAX_SHAPE: f64 = 1e5;

fn shape(param: &'static str, x: f64) -> ParamResult<f64> {
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
fn range(what: &str, min: f64, max: f64) -> ParamResult<()> {
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

impl Family {
    pub fn uniform(min: f64, max: f64) -> ParamResult<Self> {
        range("uniform", min, max)?;
        Ok(Family::Uniform { min, max })
    }

    pub fn normal(mean: f64, sd: f64) -> ParamResult<Self> {
        if !mean.is_finite() {
            return Err(ParamError::new("mean", "mean must be a finite number"));
        }
        Ok(Family::Normal {
            mean,
            sd: positive("sd", sd)?,
        })
    }

    pub fn normal_from_p5_p95(p5: f64, p95: f64) -> ParamResult<Self> {
        if p5 >= p95 {
            return Err(ParamError::new(
                "p95",
                format!("needs p5 < p95, got p5 = {p5}, p95 = {p95}"),
            ));
        }
        if !(p95 - p5).is_finite() {
            return Err(ParamError::new(
                "p95",
                format!("the range [{p5:e}, {p95:e}] is too wide to compute with"),
            ));
        }
        // Halves first: p5 + p95 can overflow where their mean does not.
        Family::normal(p5 / 2.0 + p95 / 2.0, (p95 - p5) / (2.0 * Z95))
            .map_err(|e| ParamError::new("p95", e.message))
    }

    pub fn lognormal(mu: f64, sigma: f64) -> ParamResult<Self> {
        if !mu.is_finite() {
            return Err(ParamError::new("mu", "mu must be a finite number"));
        }
        Ok(Family::LogNormal {
            mu,
            sigma: positive("sigma", sigma)?,
        })
    }

    /// The lognormal whose 5th and 95th percentiles are p5 and p95 (the "A to B" convention).
    pub fn lognormal_from_p5_p95(p5: f64, p95: f64) -> ParamResult<Self> {
        positive("p5", p5)?;
        if p5 >= p95 {
            return Err(ParamError::new(
                "p95",
                format!("needs p5 < p95, got p5 = {p5}, p95 = {p95}"),
            ));
        }
        let (l5, l95) = (p5.ln(), p95.ln());
        Family::lognormal((l5 + l95) / 2.0, (l95 - l5) / (2.0 * Z95))
    }

    pub fn lognormal_from_median(median: f64, sigma: f64) -> ParamResult<Self> {
        Family::lognormal(positive("median", median)?.ln(), sigma)
    }

    pub fn triangular(min: f64, mode: f64, max: f64) -> ParamResult<Self> {
        check_min_mode_max(min, mode, max)?;
        Ok(Family::Triangular { min, mode, max })
    }

    /// PERT: a Beta on [min, max] with alpha = 1 + λ(mode − min)/(max − min),
    /// beta = 1 + λ(max − mode)/(max − min); λ = 4 is the classic choice.
    pub fn pert(min: f64, mode: f64, max: f64, lambda: f64) -> ParamResult<Self> {
        check_min_mode_max(min, mode, max)?;
        positive("lambda", lambda)?;
        let width = max - min;
        Family::beta(
            1.0 + lambda * (mode - min) / width,
            1.0 + lambda * (max - mode) / width,
            min,
            max,
        )
        // The shapes come from lambda: blame it, not parameters the user never wrote.
        .map_err(|e| {
            ParamError::new(
                "lambda",
                format!(
                    "lambda = {lambda} gives a beta whose {} (lambda may be at most {:e})",
                    e.message,
                    MAX_SHAPE - 1.0
                ),
            )
        })
    }

    pub fn beta(alpha: f64, beta: f64, min: f64, max: f64) -> ParamResult<Self> {
        shape("alpha", alpha)?;
        shape("beta", beta)?;
        range("beta", min, max)?;
        Ok(Family::Beta {
            alpha,
            beta,
            min,
            max,
        })
    }

    pub fn gamma(shape: f64, scale: f64) -> ParamResult<Self> {
        Ok(Family::Gamma {
            shape: self::shape("shape", shape)?,
            scale: positive("scale", scale)?,
        })
    }

    pub fn weibull(shape: f64, scale: f64) -> ParamResult<Self> {
        Ok(Family::Weibull {
            shape: self::shape("shape", shape)?,
            scale: positive("scale", scale)?,
        })
    }

    /// Degrees of freedom from 1 (a log-Cauchy) to 1e6 (a lognormal for every practical purpose).
    pub fn log_t(df: f64, mu: f64, sigma: f64) -> ParamResult<Self> {
        if !(1.0..=1e6).contains(&df) {
            return Err(ParamError::new(
                "df",
                format!("df = {df} is outside the allowed range [1, 1e6]"),
            ));
        }
        if !mu.is_finite() {
            return Err(ParamError::new("mu", "mu must be a finite number"));
        }
        Ok(Family::LogT {
            df,
            mu,
            sigma: positive("sigma", sigma)?,
        })
    }

    /// Values with optional weights (equal when absent); weights need not sum to 1.
    pub fn discrete(values: Vec<f64>, weights: Option<Vec<f64>>) -> ParamResult<Self> {
        if values.is_empty() {
            return Err(ParamError::new("values", "needs at least one value"));
        }
        let weights = weights.unwrap_or_else(|| vec![1.0; values.len()]);
        if weights.len() != values.len() {
            return Err(ParamError::new(
                "weights",
                format!(
                    "needs one weight per value: {} values, {} weights",
                    values.len(),
                    weights.len()
                ),
            ));
        }
        if let Some(w) = weights.iter().find(|w| **w < 0.0) {
            return Err(ParamError::new(
                "weights",
                format!("weights must be >= 0, got {w}"),
            ));
        }
        // Scaled by the largest first, so that weights near 1e308 cannot sum to infinity.
        let largest = weights.iter().fold(0.0, |m: f64, w| m.max(*w));
        let weights: Vec<f64> = weights.iter().map(|w| w / largest).collect();
        let total: f64 = weights.iter().sum();
        // NaN when every weight is 0 (0 / 0).
        if total.is_nan() || total <= 0.0 {
            return Err(ParamError::new(
                "weights",
                "at least one weight must be > 0",
            ));
        }
        let mut pairs: Vec<(f64, f64)> = values
            .into_iter()
            .zip(weights)
            .filter(|(_, w)| *w > 0.0)
            .collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (values, probs) = pairs.into_iter().map(|(v, w)| (v, w / total)).unzip();
        Ok(Family::Discrete { values, probs })
    }

    pub fn name(&self) -> &'static str {
        match self {
            Family::Fixed { .. } => "fixed",
            Family::Uniform { .. } => "uniform",
            Family::Normal { .. } => "normal",
            Family::LogNormal { .. } => "lognormal",
            Family::Triangular { .. } => "triangular",
            Family::Beta { .. } => "beta",
            Family::Gamma { .. } => "gamma",
            Family::Weibull { .. } => "weibull",
            Family::LogT { .. } => "log_t",
            Family::Discrete { .. } => "discrete",
        }
    }
}

fn check_min_mode_max(min: f64, mode: f64, max: f64) -> ParamResult<()> {
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

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let g = crate::units::general;
        match self {
            Family::Fixed { value } => write!(f, "fixed {}", g(*value)),
            Family::Uniform { min, max } => write!(f, "uniform(min {}, max {})", g(*min), g(*max)),
            Family::Normal { mean, sd } => write!(f, "normal(mean {}, sd {})", g(*mean), g(*sd)),
            Family::LogNormal { mu, sigma } => {
                write!(f, "lognormal(mu {}, sigma {})", g(*mu), g(*sigma))
            }
            Family::Triangular { min, mode, max } => write!(
                f,
                "triangular(min {}, mode {}, max {})",
                g(*min),
                g(*mode),
                g(*max)
            ),
            Family::Beta {
                alpha,
                beta,
                min,
                max,
            } => write!(
                f,
                "beta(alpha {}, beta {}) on [{}, {}]",
                g(*alpha),
                g(*beta),
                g(*min),
                g(*max)
            ),
            Family::Gamma { shape, scale } => {
                write!(f, "gamma(shape {}, scale {})", g(*shape), g(*scale))
            }
            Family::Weibull { shape, scale } => {
                write!(f, "weibull(shape {}, scale {})", g(*shape), g(*scale))
            }
            Family::LogT { df, mu, sigma } => write!(
                f,
                "log_t(df {}, mu {}, sigma {})",
                g(*df),
                g(*mu),
                g(*sigma)
            ),
            Family::Discrete { values, probs } => {
                write!(f, "discrete(")?;
                for (i, (v, p)) in values.iter().zip(probs).enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{} w.p. {:.3}", g(*v), p)?;
                }
                write!(f, ")")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pert_resolves_to_the_classic_beta() {
        let Family::Beta { alpha, beta, .. } = Family::pert(0.0, 0.25, 1.0, 4.0).unwrap() else {
            panic!("pert must be a beta");
        };
        assert!((alpha - 2.0).abs() < 1e-12 && (beta - 4.0).abs() < 1e-12);
    }

    #[test]
    fn parameter_errors_name_the_parameter() {
        assert_eq!(Family::normal(0.0, 0.0).unwrap_err().param, "sd");
        assert_eq!(Family::triangular(0.0, 2.0, 1.0).unwrap_err().param, "mode");
        assert_eq!(Family::triangular(1.0, 1.0, 1.0).unwrap_err().param, "max");
        assert_eq!(
            Family::lognormal_from_p5_p95(3.0, 2.0).unwrap_err().param,
            "p95"
        );
        assert_eq!(
            Family::lognormal_from_p5_p95(-1.0, 2.0).unwrap_err().param,
            "p5"
        );
        assert_eq!(Family::gamma(1.0, -1.0).unwrap_err().param, "scale");
        assert_eq!(
            Family::discrete(vec![1.0, 2.0], Some(vec![1.0]))
                .unwrap_err()
                .param,
            "weights"
        );
        assert_eq!(
            Family::discrete(vec![1.0], Some(vec![0.0]))
                .unwrap_err()
                .param,
            "weights"
        );
    }

    #[test]
    fn discrete_normalises_and_sorts() {
        let Family::Discrete { values, probs } =
            Family::discrete(vec![3.0, 1.0, 2.0], Some(vec![2.0, 1.0, 1.0])).unwrap()
        else {
            panic!()
        };
        assert_eq!(values, vec![1.0, 2.0, 3.0]);
        assert_eq!(probs, vec![0.25, 0.25, 0.5]);
    }
}
