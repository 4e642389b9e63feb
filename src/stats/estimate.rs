//! One figure estimated from the runs, with its Monte Carlo error: the type every statistic
//! reports (a mean, a percentile, a chance, a Sobol index), serialised the same way everywhere.

use serde::Serialize;

/// The 97.5% point of the standard normal: a normal interval's half-width in standard errors.
pub const Z975: f64 = 1.959_963_984_540_054;

/// A value, its standard error and an interval meant to hold the true value 95% of the time.
/// `reliable` says whether it does: false where too few runs reach a percentile's tail, where a
/// heavy-tailed output makes the mean's normal interval too short, or where there is no
/// interval at all (the ends are then NaN).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    pub value: f64,
    pub se: f64,
    pub ci95_lo: f64,
    pub ci95_hi: f64,
    pub reliable: bool,
}

impl Estimate {
    /// value ± 1.96 se.
    pub fn normal(value: f64, se: f64, reliable: bool) -> Self {
        Estimate {
            value,
            se,
            ci95_lo: value - Z975 * se,
            ci95_hi: value + Z975 * se,
            reliable,
        }
    }

    /// An interval found some other way (order statistics, the binomial, a bootstrap), its
    /// standard error read from its width as a normal interval's would be.
    pub fn from_interval(value: f64, ci95_lo: f64, ci95_hi: f64, reliable: bool) -> Self {
        Estimate {
            value,
            se: (ci95_hi - ci95_lo) / (2.0 * Z975),
            ci95_lo,
            ci95_hi,
            reliable,
        }
    }

    /// Half the interval's width: the ± a table shows.
    pub fn half_width(&self) -> f64 {
        (self.ci95_hi - self.ci95_lo) / 2.0
    }

    /// Whether the interval holds `x`.
    pub fn covers(&self, x: f64) -> bool {
        self.ci95_lo <= x && x <= self.ci95_hi
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_normal_interval_is_1_96_standard_errors_each_side() {
        let e = Estimate::normal(10.0, 1.0, true);
        assert!((e.ci95_hi - 11.959_963_984_540_054).abs() < 1e-12);
        assert!((e.ci95_lo - 8.040_036_015_459_946).abs() < 1e-12);
        assert!((e.half_width() - Z975).abs() < 1e-12);
        assert!(e.covers(8.05) && !e.covers(8.0) && e.covers(11.95) && !e.covers(12.0));
    }

    #[test]
    fn an_interval_gives_back_the_standard_error_of_its_width() {
        let e = Estimate::from_interval(0.5, 0.5 - 2.0 * Z975, 0.5 + 2.0 * Z975, false);
        assert!((e.se - 2.0).abs() < 1e-12);
        assert!(!e.reliable);
    }

    #[test]
    fn serialises_with_one_set_of_names() {
        let text = serde_json::to_string(&Estimate::from_interval(2.0, 1.0, 3.0, true)).unwrap();
        assert_eq!(
            text,
            r#"{"value":2.0,"se":0.5102134569246539,"ci95_lo":1.0,"ci95_hi":3.0,"reliable":true}"#
        );
    }
}
