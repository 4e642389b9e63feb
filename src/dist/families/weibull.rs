//! The Weibull with shape k and scale λ: `{ dist = "weibull", shape = k, scale = λ }`.
//!
//! Parameters: `shape` in [0.5, 1e5] (see [`MIN_SHAPE`](crate::dist::MIN_SHAPE)), `scale` from
//! the smallest full-precision double to the largest. Support: (0, ∞). CDF 1 − e^(−(x/λ)^k),
//! so the CDF, both quantiles and the draws (inverse CDF) are closed forms. Mean: λ Γ(1 + 1/k);
//! a truncated mean is integrated from the quantile function. The density near 0 goes as
//! x^(k − 1).

use std::fmt;


use crate::dist::law::{End, Form, Law, ParamReader};
use crate::dist::{ParamResult, Support, check};

#[derive(Debug, Clone, PartialEq)]
pub struct Weibull {
    pub(in crate::dist) shape: f64,
    pub(in crate::dist) scale: f64,
}

impl Weibull {
    pub fn new(shape: f64, scale: f64) -> ParamResult<Self> {
        Ok(Weibull {
            shape: check::shape("shape", shape)?,
            scale: check::positive("scale", scale)?,
        })
    }
}

impl Law for Weibull {
    const NAME: &'static str = "weibull";
    const FORMS: &'static [Form] = &[Form {
        name: "weibull",
        keys: &["shape", "scale"],
    }];

    fn read<R: ParamReader + ?Sized>(_: &Form, params: &mut R) -> Result<Self, R::Error> {
        let shape = params.required("shape")?;
        let scale = params.required("scale")?;
        Ok(Weibull::new(shape, scale)?)
    }

    fn support(&self) -> Support {
        Support::POSITIVE
    }

    fn cdf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            0.0
        } else {
            1.0 - (-(x / self.scale).powf(self.shape)).exp()
        }
    }

    fn sf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            1.0
        } else {
            (-(x / self.scale).powf(self.shape)).exp()
        }
    }

    fn quantile(&self, p: f64) -> f64 {
        self.scale * (-(-p).ln_1p()).powf(1.0 / self.shape)
    }

    fn upper_quantile(&self, s: f64) -> f64 {
        self.scale * (-s.ln()).powf(1.0 / self.shape)
    }

    fn mean(&self) -> f64 {
        self.scale * statrs::function::gamma::gamma(1.0 + 1.0 / self.shape)
    }

    fn thin_at(&self, end: End) -> bool {
        end == End::Lower && self.shape > 2.0
    }
}

impl fmt::Display for Weibull {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let g = crate::units::general;
        write!(f, "weibull(shape {}, scale {})", g(self.shape), g(self.scale))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Dist;
    use crate::dist::tests::assert_ks;
    use statrs::distribution::ContinuousCDF;

    #[test]
    fn weibull_matches_statrs() {
        let s = statrs::distribution::Weibull::new(1.5, 2.0).unwrap();
        let d = Dist::new(Weibull::new(1.5, 2.0).unwrap());
        assert_ks(&d, |x| s.cdf(x), "weibull");
    }
}
