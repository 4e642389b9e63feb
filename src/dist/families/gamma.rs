//! The gamma with shape k and scale θ: `{ dist = "gamma", shape = k, scale = θ }`.
//!
//! Parameters: `shape` in [0.5, 1e5] (see [`MIN_SHAPE`](crate::dist::MIN_SHAPE)), `scale` from
//! the smallest full-precision double to the largest. Support: (0, ∞). Mean: kθ; truncated to
//! [a, b] it is kθ · [P(k + 1, b/θ) − P(k + 1, a/θ)] / Z in closed form, with P the regularised
//! lower incomplete gamma (Johnson, Kotz & Balakrishnan, *Continuous Univariate Distributions*
//! 1, §17.2). The density near 0 goes as x^(k − 1).
//!
//! The CDF is statrs's gamma of scale 1 evaluated at x / θ: statrs multiplies x by the rate,
//! which underflows to 0 or overflows to ∞ for extreme scales, and then panics. statrs has no
//! inverse survival function and its quantile search stops on an absolute tolerance, so both
//! quantiles are bracketed Newton searches of their own.

use std::fmt;

use statrs::distribution::{Continuous, ContinuousCDF};

use crate::dist::law::{End, Form, Law, ParamReader};
use crate::dist::special::{lower_quantile, upper_quantile};
use crate::dist::{ParamResult, Support, Truncation, check};

#[derive(Debug, Clone, PartialEq)]
pub struct Gamma {
    pub(in crate::dist) shape: f64,
    pub(in crate::dist) scale: f64,
    /// statrs's gamma of this shape and scale 1, built once: truncated draws call the quantile
    /// function for every draw.
    unit: statrs::distribution::Gamma,
}

impl Gamma {
    pub fn new(shape: f64, scale: f64) -> ParamResult<Self> {
        let shape = check::shape("shape", shape)?;
        let scale = check::positive("scale", scale)?;
        Ok(Gamma {
            shape,
            scale,
            unit: statrs::distribution::Gamma::new(shape, 1.0).expect("checked shape"),
        })
    }
}

impl Law for Gamma {
    const NAME: &'static str = "gamma";
    const FORMS: &'static [Form] = &[Form {
        name: "gamma",
        keys: &["shape", "scale"],
    }];

    fn read<R: ParamReader + ?Sized>(_: &Form, params: &mut R) -> Result<Self, R::Error> {
        let shape = params.required("shape")?;
        let scale = params.required("scale")?;
        Ok(Gamma::new(shape, scale)?)
    }

    fn support(&self) -> Support {
        Support::POSITIVE
    }

    fn cdf(&self, x: f64) -> f64 {
        unit_gamma_cdf(&self.unit, x / self.scale)
    }

    fn sf(&self, x: f64) -> f64 {
        unit_gamma_sf(&self.unit, x / self.scale)
    }

    fn quantile(&self, p: f64) -> f64 {
        self.scale * unit_gamma_quantile(&self.unit, p)
    }

    fn upper_quantile(&self, s: f64) -> f64 {
        self.scale * gamma_upper_quantile(&self.unit, s)
    }

    fn mean(&self) -> f64 {
        self.shape * self.scale
    }

    /// Closed form: the upper tail of an unbounded range is where a quadrature would miss mass.
    fn truncated_mean(&self, t: &Truncation) -> Option<f64> {
        let (shape, scale) = (self.shape, self.scale);
        // E[X; a < X < b] = kθ · [P(k + 1, b/θ) − P(k + 1, a/θ)]
        let next = statrs::distribution::Gamma::new(shape + 1.0, 1.0).expect("validated");
        let part = if t.upper_tail {
            unit_gamma_sf(&next, t.lower / scale) - unit_gamma_sf(&next, t.upper / scale)
        } else {
            unit_gamma_cdf(&next, t.upper / scale) - unit_gamma_cdf(&next, t.lower / scale)
        };
        Some(shape * scale * part / t.mass)
    }

    fn thin_at(&self, end: End) -> bool {
        end == End::Lower && self.shape > 2.0
    }
}

/// P(X ≤ z) for a gamma of scale 1, for any z but NaN: statrs panics on 0 and ∞.
fn unit_gamma_cdf(d: &statrs::distribution::Gamma, z: f64) -> f64 {
    if z <= 0.0 {
        0.0
    } else if z.is_infinite() {
        1.0
    } else {
        d.cdf(z)
    }
}

/// P(X > z) for a gamma of scale 1, for any z.
fn unit_gamma_sf(d: &statrs::distribution::Gamma, z: f64) -> f64 {
    if z <= 0.0 {
        1.0
    } else if z.is_infinite() {
        0.0
    } else {
        d.sf(z)
    }
}

/// The quantile of a gamma of scale 1. statrs's search stops on an absolute tolerance, so its
/// tiny quantiles are far off (shape 0.5: F(Q(1e-16)) = 3e-5).
fn unit_gamma_quantile(d: &statrs::distribution::Gamma, p: f64) -> f64 {
    if p > 0.5 {
        gamma_upper_quantile(d, 1.0 - p)
    } else {
        // A gamma's median lies below its mean, the shape.
        lower_quantile(
            p,
            d.shape().max(1.0),
            |x| unit_gamma_cdf(d, x),
            |x| d.ln_pdf(x),
        )
    }
}

/// The x with P(X > x) = s for a gamma: statrs has no inverse survival function.
fn gamma_upper_quantile(d: &statrs::distribution::Gamma, s: f64) -> f64 {
    if s <= 0.0 {
        return f64::INFINITY;
    }
    if s >= 1.0 {
        return 0.0;
    }
    upper_quantile(s, d.shape().max(1.0) / d.rate(), |x| d.sf(x), |x| d.pdf(x))
}

impl fmt::Display for Gamma {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let g = crate::units::general;
        write!(f, "gamma(shape {}, scale {})", g(self.shape), g(self.scale))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Dist;
    use crate::dist::tests::assert_ks;

    #[test]
    fn gamma_matches_statrs() {
        for shape in [0.6, 2.5] {
            let s = statrs::distribution::Gamma::new(shape, 1.0 / 3.0).unwrap();
            let d = Dist::new(Gamma::new(shape, 3.0).unwrap());
            assert_ks(&d, |x| s.cdf(x), &format!("gamma(shape {shape})"));
        }
    }

    #[test]
    fn scale_must_be_positive() {
        assert_eq!(Gamma::new(1.0, -1.0).unwrap_err().param, "scale");
    }
}
