//! The log-t, exp(mu + sigma · T) with T a Student's t of `df` degrees of freedom:
//! `{ dist = "log_t", df = ν, mu = μ, sigma = σ }`.
//!
//! A lognormal with heavier tails: the predictive distribution of a quantity whose logarithm
//! was fitted by regression with unknown variance (Gelman et al., *Bayesian Data Analysis*,
//! 3rd ed., §14.2). Parameters: `df` in [1, 1e6] (1 is a log-Cauchy, 1e6 a lognormal for
//! every practical purpose), a finite `mu`, a `sigma` from the smallest full-precision double to
//! the largest. Support: (0, ∞). Mean: infinite, as E[e^(σT)] diverges for every t (its tails
//! are polynomial); truncated above, it is finite and integrated from the quantile function.
//! The CDF and quantiles are statrs's Student's t, evaluated in whichever tail the probability
//! is small.

use std::fmt;

use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::dist::law::{Form, Law, ParamReader};
use crate::dist::special::upper_quantile;
use crate::dist::{ParamError, ParamResult, Support, check};

#[derive(Debug, Clone, PartialEq)]
pub struct LogT {
    pub(in crate::dist) df: f64,
    pub(in crate::dist) mu: f64,
    pub(in crate::dist) sigma: f64,
    /// The standard t (location 0, scale 1), built once: truncated draws call the quantile
    /// function for every draw.
    t: StudentsT,
}

impl LogT {
    pub fn new(df: f64, mu: f64, sigma: f64) -> ParamResult<Self> {
        if !(1.0..=1e6).contains(&df) {
            return Err(ParamError::new(
                "df",
                format!("df = {df} is outside the allowed range [1, 1e6]"),
            ));
        }
        check::finite("mu", mu)?;
        let sigma = check::positive("sigma", sigma)?;
        Ok(LogT {
            df,
            mu,
            sigma,
            t: StudentsT::new(0.0, 1.0, df).expect("df in [1, 1e6]"),
        })
    }

    /// The t with P(T > t) = s for the standard t of these degrees of freedom: the log-t's
    /// quantiles in log space before they are scaled and exponentiated (which under- or
    /// overflows in the heavy tails long before the t does).
    pub(in crate::dist) fn standard_upper(&self, s: f64) -> f64 {
        t_upper(&self.t, s)
    }
}

impl Law for LogT {
    const NAME: &'static str = "log_t";
    const FORMS: &'static [Form] = &[Form {
        name: "log_t",
        keys: &["df", "mu", "sigma"],
    }];

    fn read<R: ParamReader + ?Sized>(_: &Form, params: &mut R) -> Result<Self, R::Error> {
        let df = params.required("df")?;
        let mu = params.required("mu")?;
        let sigma = params.required("sigma")?;
        Ok(LogT::new(df, mu, sigma)?)
    }

    fn support(&self) -> Support {
        Support::POSITIVE
    }

    fn cdf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            0.0
        } else {
            self.t.cdf((x.ln() - self.mu) / self.sigma)
        }
    }

    fn sf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            1.0
        } else {
            self.t.sf((x.ln() - self.mu) / self.sigma)
        }
    }

    fn quantile(&self, p: f64) -> f64 {
        (self.mu - self.sigma * t_upper(&self.t, p)).exp()
    }

    fn upper_quantile(&self, s: f64) -> f64 {
        (self.mu + self.sigma * t_upper(&self.t, s)).exp()
    }

    fn mean(&self) -> f64 {
        f64::INFINITY
    }

}

/// The t with P(T > t) = s, for s in [0, 1]: the t is symmetric, so the search runs in
/// whichever tail s is small in and keeps its precision there.
fn t_upper(t: &StudentsT, s: f64) -> f64 {
    if s <= 0.0 {
        f64::INFINITY
    } else if s >= 1.0 {
        f64::NEG_INFINITY
    } else if s <= 0.5 {
        upper_tail(t, s)
    } else {
        -upper_tail(t, 1.0 - s)
    }
}

/// The x ≥ 0 with P(T > x) = s ≤ ½. statrs's own inverse is far off in the tails of a t with
/// few degrees of freedom (a Cauchy's 1e-10 quantile by a factor of 36) and never returns for
/// some tiny s; its survival function is accurate there, so the search runs on it.
fn upper_tail(t: &StudentsT, s: f64) -> f64 {
    use statrs::distribution::Continuous;
    upper_quantile(s, 1.0, |x| t.sf(x), |x| t.pdf(x))
}

impl fmt::Display for LogT {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let g = crate::units::general;
        write!(
            f,
            "log_t(df {}, mu {}, sigma {})",
            g(self.df),
            g(self.mu),
            g(self.sigma)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_quantiles_match_the_closed_forms_of_one_and_two_degrees_of_freedom() {
        // df 1 (Cauchy): P(T > x) = s at x = cot(πs); df 2: x = (1 − 2s)/√(2s(1 − s)).
        let cauchy = StudentsT::new(0.0, 1.0, 1.0).unwrap();
        let two = StudentsT::new(0.0, 1.0, 2.0).unwrap();
        for s in [0.3, 0.05, 1e-3, 1e-10, 1e-20] {
            let want = 1.0 / (std::f64::consts::PI * s).tan();
            let got = t_upper(&cauchy, s);
            assert!((got / want - 1.0).abs() < 1e-8, "df 1, s {s}: {got} vs {want}");
            let want = (1.0 - 2.0 * s) / (2.0 * s * (1.0 - s)).sqrt();
            let got = t_upper(&two, s);
            assert!((got / want - 1.0).abs() < 1e-8, "df 2, s {s}: {got} vs {want}");
            // The lower tail mirrors the upper (where 1 − s still holds s's digits).
            if s >= 1e-3 {
                assert!((t_upper(&two, 1.0 - s) + got).abs() <= 1e-8 * got.abs());
            }
        }
    }

    #[test]
    fn quantiles_far_in_the_tails_are_found_not_panicked_on() {
        // statrs's inverse never returns (df 1000, 1e-100) or panics (below about 1e-200)
        // there; the search agrees with the survival function.
        for df in [3.0, 1e3, 1e6] {
            let t = StudentsT::new(0.0, 1.0, df).unwrap();
            for s in [1e-100, 1e-200, 1e-280] {
                let x = t_upper(&t, s);
                assert!(x.is_finite() && x > 0.0, "df {df}, {s}: {x}");
                assert!((t.sf(x) / s - 1.0).abs() < 1e-6, "df {df}, {s}: sf {}", t.sf(x));
            }
        }
    }
    use crate::dist::Dist;
    use crate::dist::tests::assert_ks;

    #[test]
    fn log_t_matches_statrs() {
        // ln X is a Student's t with location mu and scale sigma.
        for df in [1.0, 4.0, 60.0] {
            let s = StudentsT::new(-1.2, 0.35, df).unwrap();
            assert_ks(
                &Dist::new(LogT::new(df, -1.2, 0.35).unwrap()),
                |x| s.cdf(x.ln()),
                &format!("log_t df {df}"),
            );
        }
    }

    #[test]
    fn log_t_tails_keep_their_precision() {
        // P(T > 10) for 3 degrees of freedom is 0.0010641995 (tables); far tails through the
        // survival function, not 1 − F.
        let d = Dist::new(LogT::new(3.0, 0.0, 1.0).unwrap());
        let sf = d.sf(10f64.exp());
        assert!((sf / 0.001_064_199_5 - 1.0).abs() < 1e-6, "{sf}");
        // With 3 degrees of freedom the 1e-12 quantile of T is in the thousands and e^T overflows.
        let d = Dist::new(LogT::new(30.0, 0.0, 1.0).unwrap());
        for s in [1e-12, 1e-6, 0.3] {
            let upper = d.sf(d.family().upper_quantile(s));
            assert!((upper / s - 1.0).abs() < 1e-6, "sf(isf({s})) = {upper}");
            let lower = d.cdf(d.quantile(s));
            assert!((lower / s - 1.0).abs() < 1e-6, "cdf(q({s})) = {lower}");
        }
        assert!(d.mean().is_infinite(), "an untruncated log-t has no mean");
    }

    #[test]
    fn df_outside_its_range_is_refused() {
        assert_eq!(LogT::new(0.5, 0.0, 1.0).unwrap_err().param, "df");
        assert_eq!(LogT::new(2e6, 0.0, 1.0).unwrap_err().param, "df");
        assert_eq!(LogT::new(3.0, f64::NAN, 1.0).unwrap_err().param, "mu");
    }
}
