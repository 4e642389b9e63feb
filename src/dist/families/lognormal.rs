//! The lognormal, exp(Normal(mu, sigma)): `{ dist = "lognormal", ... }` with `p5` and `p95`,
//! `mu` and `sigma` (log space), or `median` and `sigma`; also what "A to B" means.
//!
//! Parameters: a finite `mu` and a `sigma` from the smallest full-precision double to the
//! largest; `p5` > 0 and `p5` < `p95` (errors name `p95`), giving mu = (ln p5 + ln p95) / 2 and
//! sigma = (ln p95 − ln p5) / (2 · 1.645); a positive `median` = e^mu. Support: (0, ∞).
//! Mean: e^(mu + sigma²/2); truncated to [a, b] it is
//! e^(μ + σ²/2) · [Φ((ln b − μ)/σ − σ) − Φ((ln a − μ)/σ − σ)] / Z in closed form (Johnson, Kotz &
//! Balakrishnan, *Continuous Univariate Distributions* 1, §14.3). Its density vanishes at 0
//! faster than any power, so 1/X has every moment.

use std::fmt;


use crate::dist::law::{End, Form, Law, ParamReader};
use crate::dist::special::{Z95, lower_z, std_normal_cdf, std_normal_sf, upper_z};
use crate::dist::{ParamResult, Support, Truncation, check};

#[derive(Debug, Clone, PartialEq)]
pub struct LogNormal {
    pub(in crate::dist) mu: f64,
    pub(in crate::dist) sigma: f64,
}

impl LogNormal {
    pub fn new(mu: f64, sigma: f64) -> ParamResult<Self> {
        check::finite("mu", mu)?;
        let sigma = check::positive("sigma", sigma)?;
        Ok(LogNormal {
            mu,
            sigma,
        })
    }

    /// The lognormal whose 5th and 95th percentiles are p5 and p95 (the "A to B" convention).
    pub fn from_p5_p95(p5: f64, p95: f64) -> ParamResult<Self> {
        check::positive("p5", p5)?;
        check::p5_below_p95(p5, p95)?;
        let (l5, l95) = (p5.ln(), p95.ln());
        LogNormal::new((l5 + l95) / 2.0, (l95 - l5) / (2.0 * Z95))
    }

    pub fn from_median(median: f64, sigma: f64) -> ParamResult<Self> {
        LogNormal::new(check::positive("median", median)?.ln(), sigma)
    }

    /// The closed-form truncated mean; NaN (∞ × 0) when σ is huge.
    fn closed_truncated_mean(&self, t: &Truncation) -> f64 {
        let (mu, sigma) = (self.mu, self.sigma);
        // E[X; a < X < b] = e^(μ + σ²/2) · [Φ((ln b − μ − σ²)/σ) − Φ((ln a − μ − σ²)/σ)]
        // (ln x − μ − σ²)/σ as (ln x − μ)/σ − σ: σ² may overflow where this does not.
        let z = |x: f64| (x.ln() - mu) / sigma - sigma;
        let part = if t.upper_tail {
            let at = |x: f64| if x <= 0.0 { 1.0 } else { std_normal_sf(z(x)) };
            at(t.lower) - at(t.upper)
        } else {
            let at = |x: f64| if x <= 0.0 { 0.0 } else { std_normal_cdf(z(x)) };
            at(t.upper) - at(t.lower)
        };
        (mu + sigma * sigma / 2.0).exp() * part / t.mass
    }
}

impl Law for LogNormal {
    const NAME: &'static str = "lognormal";
    const FORMS: &'static [Form] = &[Form {
        name: "lognormal",
        keys: &["p5", "p95", "mu", "sigma", "median"],
    }];

    fn read<R: ParamReader + ?Sized>(_: &Form, params: &mut R) -> Result<Self, R::Error> {
        let p5 = params.number("p5")?;
        let p95 = params.number("p95")?;
        let mu = params.number("mu")?;
        let sigma = params.number("sigma")?;
        let median = params.number("median")?;
        Ok(match (p5, p95, mu, sigma, median) {
            (Some(a), Some(b), None, None, None) => LogNormal::from_p5_p95(a, b)?,
            (None, None, Some(mu), Some(s), None) => LogNormal::new(mu, s)?,
            (None, None, None, Some(s), Some(m)) => LogNormal::from_median(m, s)?,
            _ => {
                return Err(params.unclear(
                    &["p5", "p95", "mu", "sigma", "median"],
                    "a lognormal needs exactly one of: p5 and p95; mu and sigma (log space); median and sigma",
                ));
            }
        })
    }

    fn support(&self) -> Support {
        Support::POSITIVE
    }

    fn cdf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            0.0
        } else {
            std_normal_cdf((x.ln() - self.mu) / self.sigma)
        }
    }

    fn sf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            1.0
        } else {
            std_normal_sf((x.ln() - self.mu) / self.sigma)
        }
    }

    fn quantile(&self, p: f64) -> f64 {
        (self.mu + self.sigma * lower_z(p)).exp()
    }

    fn upper_quantile(&self, s: f64) -> f64 {
        (self.mu + self.sigma * upper_z(s)).exp()
    }

    fn mean(&self) -> f64 {
        (self.mu + self.sigma * self.sigma / 2.0).exp()
    }

    /// Closed form where it is finite and inside a bounded range: the upper tail of an
    /// unbounded range is where a quadrature would miss mass.
    fn truncated_mean(&self, t: &Truncation) -> Option<f64> {
        let closed = self.closed_truncated_mean(t);
        // ∞ × 0 when σ is huge: the mean of a bounded range then lies inside it.
        if closed.is_nan() || (t.upper.is_finite() && closed > t.upper) {
            None
        } else {
            Some(closed)
        }
    }

    fn thin_at(&self, end: End) -> bool {
        end == End::Lower
    }
}

impl fmt::Display for LogNormal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let g = crate::units::general;
        write!(f, "lognormal(mu {}, sigma {})", g(self.mu), g(self.sigma))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Dist;
    use crate::dist::tests::{N, assert_ks, draws};
    use statrs::distribution::{ContinuousCDF, Normal};

    #[test]
    fn lognormal_matches_statrs() {
        let s = statrs::distribution::LogNormal::new(0.7, 0.4).unwrap();
        let d = Dist::new(LogNormal::new(0.7, 0.4).unwrap());
        assert_ks(&d, |x| s.cdf(x), "lognormal");
    }

    #[test]
    fn a_to_b_recovers_p5_and_p95() {
        let d = Dist::new(LogNormal::from_p5_p95(1.8, 3.5).unwrap());
        assert!((d.quantile(0.05) - 1.8).abs() < 1e-9);
        assert!((d.quantile(0.95) - 3.5).abs() < 1e-9);
        let mut xs = draws(&d, 5);
        xs.sort_by(f64::total_cmp);
        // The sample percentile's 99.9% band from order statistics must contain the target.
        for (p, target) in [(0.05, 1.8), (0.95, 3.5)] {
            let half = 3.29 * (N as f64 * p * (1.0 - p)).sqrt();
            let lo = xs[(N as f64 * p - half) as usize];
            let hi = xs[(N as f64 * p + half) as usize];
            assert!(lo <= target && target <= hi, "P{}: [{lo}, {hi}]", p * 100.0);
        }
    }

    #[test]
    fn p5_must_be_positive_and_below_p95() {
        assert_eq!(LogNormal::from_p5_p95(3.0, 2.0).unwrap_err().param, "p95");
        assert_eq!(LogNormal::from_p5_p95(-1.0, 2.0).unwrap_err().param, "p5");
    }

    #[test]
    fn truncated_mean_of_the_heavy_tail_is_exact() {
        // lognormal(0, 2.5) above 0.5: E = e^(σ²/2) · Φ(σ − ln(0.5)/σ) / Φ(−ln(0.5)/σ) = 37.26...
        let d = Dist::truncated(LogNormal::new(0.0, 2.5).unwrap(), 0.5, f64::INFINITY).unwrap();
        let n = Normal::new(0.0, 1.0).unwrap();
        let exact =
            (2.5f64 * 2.5 / 2.0).exp() * n.cdf(2.5 - 0.5f64.ln() / 2.5) / n.cdf(-0.5f64.ln() / 2.5);
        assert!((d.mean() / exact - 1.0).abs() < 1e-9, "{} vs {exact}", d.mean());
    }

    #[test]
    fn truncated_cdf_and_quantile_agree() {
        let d = Dist::truncated(LogNormal::new(0.0, 1.0).unwrap(), 0.5, 3.0).unwrap();
        for p in [0.01, 0.25, 0.5, 0.9, 0.99] {
            assert!((d.cdf(d.quantile(p)) - p).abs() < 1e-9, "p = {p}");
        }
        let s = d.support();
        assert_eq!((s.lo, s.hi, s.lo_open, s.hi_open), (0.5, 3.0, false, false));
    }
}
