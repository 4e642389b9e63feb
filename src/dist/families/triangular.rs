//! The triangular on [min, max] with its peak at mode:
//! `{ dist = "triangular", min = a, mode = c, max = b }`.
//!
//! Parameters: min < max, mode in [min, max], and (max − min) times each side's width finite
//! (errors name `max` or `mode`). Support: [min, max]. Mean: (min + mode + max) / 3. The CDF,
//! quantiles and draws are closed forms (Johnson, Kotz & Balakrishnan, *Continuous Univariate
//! Distributions* 2, §26.9): draws invert the CDF.

use std::fmt;


use crate::dist::law::{Form, Law, ParamReader};
use crate::dist::{ParamResult, Support, check};

#[derive(Debug, Clone, PartialEq)]
pub struct Triangular {
    pub(in crate::dist) min: f64,
    pub(in crate::dist) mode: f64,
    pub(in crate::dist) max: f64,
}

impl Triangular {
    pub fn new(min: f64, mode: f64, max: f64) -> ParamResult<Self> {
        check::min_mode_max(min, mode, max)?;
        Ok(Triangular { min, mode, max })
    }
}

impl Law for Triangular {
    const NAME: &'static str = "triangular";
    const FORMS: &'static [Form] = &[Form {
        name: "triangular",
        keys: &["min", "mode", "max"],
    }];

    fn read<R: ParamReader + ?Sized>(_: &Form, params: &mut R) -> Result<Self, R::Error> {
        let min = params.required("min")?;
        let mode = params.required("mode")?;
        let max = params.required("max")?;
        Ok(Triangular::new(min, mode, max)?)
    }

    fn support(&self) -> Support {
        Support {
            lo: self.min,
            hi: self.max,
            lo_open: false,
            hi_open: false,
        }
    }

    fn cdf(&self, x: f64) -> f64 {
        let (min, mode, max) = (self.min, self.mode, self.max);
        if x <= min {
            0.0
        } else if x >= max {
            1.0
        } else if x <= mode {
            (x - min).powi(2) / ((max - min) * (mode - min))
        } else {
            1.0 - (max - x).powi(2) / ((max - min) * (max - mode))
        }
    }

    fn sf(&self, x: f64) -> f64 {
        let (min, mode, max) = (self.min, self.mode, self.max);
        if x >= max {
            0.0
        } else if x <= min {
            1.0
        } else if x >= mode {
            (max - x).powi(2) / ((max - min) * (max - mode))
        } else {
            1.0 - (x - min).powi(2) / ((max - min) * (mode - min))
        }
    }

    fn quantile(&self, p: f64) -> f64 {
        let (min, mode, max) = (self.min, self.mode, self.max);
        let split = (mode - min) / (max - min);
        if p <= split {
            min + (p * (max - min) * (mode - min)).sqrt()
        } else {
            max - ((1.0 - p) * (max - min) * (max - mode)).sqrt()
        }
    }

    fn upper_quantile(&self, s: f64) -> f64 {
        let (min, mode, max) = (self.min, self.mode, self.max);
        if s <= (max - mode) / (max - min) {
            max - (s * (max - min) * (max - mode)).sqrt()
        } else {
            min + ((1.0 - s) * (max - min) * (mode - min)).sqrt()
        }
    }

    fn mean(&self) -> f64 {
        (self.min + self.mode + self.max) / 3.0
    }

}

impl fmt::Display for Triangular {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let g = crate::units::general;
        write!(
            f,
            "triangular(min {}, mode {}, max {})",
            g(self.min),
            g(self.mode),
            g(self.max)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Dist;
    use crate::dist::tests::assert_ks;
    use statrs::distribution::ContinuousCDF;

    #[test]
    fn triangular_matches_statrs() {
        // statrs takes (min, max, mode).
        let s = statrs::distribution::Triangular::new(0.02, 0.20, 0.08).unwrap();
        let d = Dist::new(Triangular::new(0.02, 0.08, 0.20).unwrap());
        assert_ks(&d, |x| s.cdf(x), "triangular");
    }

    #[test]
    fn mode_must_lie_inside_and_the_range_must_not_be_empty() {
        assert_eq!(Triangular::new(0.0, 2.0, 1.0).unwrap_err().param, "mode");
        assert_eq!(Triangular::new(1.0, 1.0, 1.0).unwrap_err().param, "max");
    }
}
