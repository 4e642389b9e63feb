//! Uniform on [min, max): `{ dist = "uniform", min = a, max = b }`.
//!
//! Parameters: min < max, both finite, with max − min finite (errors name `max`).
//! Support: [min, max). Mean: (min + max) / 2. Drawn as min + (max − min) · U.

use std::fmt;


use crate::dist::law::{Form, Law, ParamReader};
use crate::dist::{ParamResult, Support, check};

#[derive(Debug, Clone, PartialEq)]
pub struct Uniform {
    pub(in crate::dist) min: f64,
    pub(in crate::dist) max: f64,
}

impl Uniform {
    pub fn new(min: f64, max: f64) -> ParamResult<Self> {
        check::range("uniform", min, max)?;
        Ok(Uniform { min, max })
    }
}

impl Law for Uniform {
    const NAME: &'static str = "uniform";
    const FORMS: &'static [Form] = &[Form {
        name: "uniform",
        keys: &["min", "max"],
    }];

    fn read<R: ParamReader + ?Sized>(_: &Form, params: &mut R) -> Result<Self, R::Error> {
        let min = params.required("min")?;
        let max = params.required("max")?;
        Ok(Uniform::new(min, max)?)
    }

    fn support(&self) -> Support {
        Support {
            lo: self.min,
            hi: self.max,
            lo_open: false,
            hi_open: true,
        }
    }

    fn cdf(&self, x: f64) -> f64 {
        ((x - self.min) / (self.max - self.min)).clamp(0.0, 1.0)
    }

    fn sf(&self, x: f64) -> f64 {
        ((self.max - x) / (self.max - self.min)).clamp(0.0, 1.0)
    }

    fn quantile(&self, p: f64) -> f64 {
        self.min + p * (self.max - self.min)
    }

    fn upper_quantile(&self, s: f64) -> f64 {
        self.max - s * (self.max - self.min)
    }

    fn mean(&self) -> f64 {
        (self.min + self.max) / 2.0
    }

}

impl fmt::Display for Uniform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let g = crate::units::general;
        write!(f, "uniform(min {}, max {})", g(self.min), g(self.max))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Dist;
    use crate::dist::tests::assert_ks;
    use statrs::distribution::ContinuousCDF;

    #[test]
    fn uniform_matches_statrs() {
        let s = statrs::distribution::Uniform::new(2.0, 5.0).unwrap();
        assert_ks(&Dist::new(Uniform::new(2.0, 5.0).unwrap()), |x| s.cdf(x), "uniform");
    }
}
