//! The normal: `{ dist = "normal", mean = m, sd = s }` or `{ dist = "normal", p5 = a, p95 = b }`.
//!
//! Parameters: a finite `mean` and an `sd` from the smallest full-precision double to the
//! largest; or `p5` < `p95` (errors name `p95`), giving mean (p5 + p95) / 2 and
//! sd (p95 − p5) / (2 · 1.645). Support: the real line. Mean: `mean`; truncated to [a, b] it is
//! μ + σ (φ(α) − φ(β)) / Z in closed form (Johnson, Kotz & Balakrishnan, *Continuous Univariate
//! Distributions* 1, §10.1).
//!
//! The CDF and quantiles go through erfc and its inverse rather than statrs's normal, which
//! divides by sd · √2 and so overflows to ∞ for sd near the largest double (and ∞ / ∞ is NaN).

use std::fmt;


use crate::dist::law::{Form, Law, ParamReader};
use crate::dist::special::{Z95, lower_z, std_normal_cdf, std_normal_sf, upper_z};
use crate::dist::{ParamError, ParamResult, Support, Truncation, check};

#[derive(Debug, Clone, PartialEq)]
pub struct Normal {
    pub(in crate::dist) mean: f64,
    pub(in crate::dist) sd: f64,
}

impl Normal {
    pub fn new(mean: f64, sd: f64) -> ParamResult<Self> {
        check::finite("mean", mean)?;
        let sd = check::positive("sd", sd)?;
        Ok(Normal {
            mean,
            sd,
        })
    }

    /// The normal whose 5th and 95th percentiles are p5 and p95.
    pub fn from_p5_p95(p5: f64, p95: f64) -> ParamResult<Self> {
        check::p5_below_p95(p5, p95)?;
        if !(p95 - p5).is_finite() {
            return Err(ParamError::new(
                "p95",
                format!("the range [{p5:e}, {p95:e}] is too wide to compute with"),
            ));
        }
        // Halves first: p5 + p95 can overflow where their mean does not.
        Normal::new(p5 / 2.0 + p95 / 2.0, (p95 - p5) / (2.0 * Z95))
            .map_err(|e| ParamError::new("p95", e.message))
    }
}

impl Law for Normal {
    const NAME: &'static str = "normal";
    const FORMS: &'static [Form] = &[Form {
        name: "normal",
        keys: &["mean", "sd", "p5", "p95"],
    }];

    fn read<R: ParamReader + ?Sized>(_: &Form, params: &mut R) -> Result<Self, R::Error> {
        let mean = params.number("mean")?;
        let sd = params.number("sd")?;
        let p5 = params.number("p5")?;
        let p95 = params.number("p95")?;
        Ok(match (mean, sd, p5, p95) {
            (Some(m), Some(s), None, None) => Normal::new(m, s)?,
            (None, None, Some(a), Some(b)) => Normal::from_p5_p95(a, b)?,
            _ => {
                return Err(params.unclear(
                    &["mean", "sd", "p5", "p95"],
                    "a normal distribution needs either mean and sd or p5 and p95",
                ));
            }
        })
    }

    fn support(&self) -> Support {
        Support {
            lo: f64::NEG_INFINITY,
            hi: f64::INFINITY,
            lo_open: true,
            hi_open: true,
        }
    }

    fn cdf(&self, x: f64) -> f64 {
        std_normal_cdf((x - self.mean) / self.sd)
    }

    fn sf(&self, x: f64) -> f64 {
        std_normal_sf((x - self.mean) / self.sd)
    }

    fn quantile(&self, p: f64) -> f64 {
        self.mean + self.sd * lower_z(p)
    }

    fn upper_quantile(&self, s: f64) -> f64 {
        self.mean + self.sd * upper_z(s)
    }

    fn mean(&self) -> f64 {
        self.mean
    }

    /// Closed form: the tails of an unbounded range are where a quadrature would miss mass.
    fn truncated_mean(&self, t: &Truncation) -> Option<f64> {
        let (mean, sd) = (self.mean, self.sd);
        let z = |x: f64| (x - mean) / sd;
        let phi = |z: f64| {
            if z.is_finite() {
                (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt()
            } else {
                0.0
            }
        };
        Some(mean + sd * (phi(z(t.lower)) - phi(z(t.upper))) / t.mass)
    }

}

impl fmt::Display for Normal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let g = crate::units::general;
        write!(f, "normal(mean {}, sd {})", g(self.mean), g(self.sd))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Dist;
    use crate::dist::tests::{N, assert_ks, draws, ks_critical, ks_statistic};
    use statrs::distribution::ContinuousCDF;

    fn statrs_normal(mean: f64, sd: f64) -> statrs::distribution::Normal {
        statrs::distribution::Normal::new(mean, sd).unwrap()
    }

    #[test]
    fn normal_matches_statrs() {
        let s = statrs_normal(3.0, 0.5);
        assert_ks(&Dist::new(Normal::new(3.0, 0.5).unwrap()), |x| s.cdf(x), "normal");
    }

    #[test]
    fn ks_rejects_a_wrong_distribution() {
        // The KS check must be able to fail: a 5% wider normal is caught at this N.
        let s = statrs_normal(0.0, 1.0);
        let xs = draws(&Dist::new(Normal::new(0.0, 1.1).unwrap()), 7);
        assert!(ks_statistic(xs, |x| s.cdf(x)) > ks_critical(N));
    }

    #[test]
    fn sd_must_be_positive() {
        assert_eq!(Normal::new(0.0, 0.0).unwrap_err().param, "sd");
    }

    #[test]
    fn p5_and_p95_are_recovered() {
        let d = Dist::new(Normal::from_p5_p95(1.0, 2.0).unwrap());
        assert!((d.quantile(0.05) - 1.0).abs() < 1e-9);
        assert!((d.quantile(0.95) - 2.0).abs() < 1e-9);
        assert_eq!(Normal::from_p5_p95(2.0, 2.0).unwrap_err().param, "p95");
    }

    #[test]
    fn truncated_mean_above_the_mean_is_exact() {
        // Normal above its mean: μ + σ·φ(0)/0.5.
        let d = Dist::truncated(Normal::new(1.0, 2.0).unwrap(), 1.0, f64::INFINITY).unwrap();
        let exact = 1.0 + 2.0 * 2.0 / (2.0 * std::f64::consts::PI).sqrt();
        assert!((d.mean() - exact).abs() < 1e-9, "{} vs {exact}", d.mean());
    }
}
