//! A beta on [min, max]: `{ dist = "beta", alpha = a, beta = b }` (min 0 and max 1 unless
//! given), and the PERT, `{ dist = "pert", min = a, mode = c, max = b }` (lambda 4 unless
//! given), which is a beta.
//!
//! Parameters: `alpha` and `beta` in [0.5, 1e5] (see [`MIN_SHAPE`](crate::dist::MIN_SHAPE)),
//! min < max with a finite width. A PERT has alpha = 1 + λ(mode − min)/(max − min) and
//! beta = 1 + λ(max − mode)/(max − min) (Vose, *Risk Analysis*, 3rd ed., §9.1.2), with mode in
//! [min, max] and λ > 0; shapes it pushes past 1e5 are blamed on `lambda`. Support: (min, max).
//! Mean: min + (max − min) · α / (α + β).
//!
//! The quantile is a bracketed Newton search on statrs's regularised incomplete beta, run in
//! whichever half keeps x small (the upper half through the mirror image Beta(β, α)).

use std::fmt;

use statrs::distribution::{Continuous, ContinuousCDF};

use crate::dist::law::{End, Form, Law, ParamReader};
use crate::dist::special::lower_quantile;
use crate::dist::{MAX_SHAPE, ParamError, ParamResult, Support, check};

#[derive(Debug, Clone, PartialEq)]
pub struct Beta {
    pub(in crate::dist) alpha: f64,
    pub(in crate::dist) beta: f64,
    pub(in crate::dist) min: f64,
    pub(in crate::dist) max: f64,
    /// statrs's Beta(α, β) and its mirror image Beta(β, α), whose lower tail is the beta's
    /// upper tail; built once, as truncated draws call the quantile function for every draw.
    unit: statrs::distribution::Beta,
    mirror: statrs::distribution::Beta,
}

const PERT: Form = Form {
    name: "pert",
    keys: &["min", "mode", "max", "lambda"],
};

const BETA: Form = Form {
    name: "beta",
    keys: &["alpha", "beta", "min", "max"],
};

impl Beta {
    pub fn new(alpha: f64, beta: f64, min: f64, max: f64) -> ParamResult<Self> {
        check::shape("alpha", alpha)?;
        check::shape("beta", beta)?;
        check::range("beta", min, max)?;
        let statrs_beta = |a, b| statrs::distribution::Beta::new(a, b).expect("checked shapes");
        Ok(Beta {
            alpha,
            beta,
            min,
            max,
            unit: statrs_beta(alpha, beta),
            mirror: statrs_beta(beta, alpha),
        })
    }

    /// PERT: a beta on [min, max] with alpha = 1 + λ(mode − min)/(max − min),
    /// beta = 1 + λ(max − mode)/(max − min); λ = 4 is the classic choice.
    pub fn pert(min: f64, mode: f64, max: f64, lambda: f64) -> ParamResult<Self> {
        check::min_mode_max(min, mode, max)?;
        check::positive("lambda", lambda)?;
        let width = max - min;
        Beta::new(
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

    /// Where x lies in [min, max] as a fraction in [0, 1].
    fn unit_position(&self, x: f64) -> f64 {
        ((x - self.min) / (self.max - self.min)).clamp(0.0, 1.0)
    }
}

impl Law for Beta {
    const NAME: &'static str = "beta";
    const FORMS: &'static [Form] = &[PERT, BETA];

    fn read<R: ParamReader + ?Sized>(form: &Form, params: &mut R) -> Result<Self, R::Error> {
        if *form == PERT {
            let min = params.required("min")?;
            let mode = params.required("mode")?;
            let max = params.required("max")?;
            let lambda = params.number("lambda")?.unwrap_or(4.0);
            return Ok(Beta::pert(min, mode, max, lambda)?);
        }
        let alpha = params.required("alpha")?;
        let beta = params.required("beta")?;
        let min = params.number("min")?.unwrap_or(0.0);
        let max = params.number("max")?.unwrap_or(1.0);
        Ok(Beta::new(alpha, beta, min, max)?)
    }

    fn support(&self) -> Support {
        Support {
            lo: self.min,
            hi: self.max,
            lo_open: true,
            hi_open: true,
        }
    }

    fn cdf(&self, x: f64) -> f64 {
        self.unit.cdf(self.unit_position(x))
    }

    fn sf(&self, x: f64) -> f64 {
        self.unit.sf(self.unit_position(x))
    }

    fn quantile(&self, p: f64) -> f64 {
        self.min + (self.max - self.min) * beta_quantile(&self.unit, &self.mirror, p)
    }

    fn upper_quantile(&self, s: f64) -> f64 {
        self.max - (self.max - self.min) * beta_quantile(&self.mirror, &self.unit, s)
    }

    fn mean(&self) -> f64 {
        self.min + (self.max - self.min) * self.alpha / (self.alpha + self.beta)
    }

    /// The density near an end goes as the distance to the power α − 1 (lower) or β − 1 (upper).
    fn thin_at(&self, end: End) -> bool {
        match end {
            End::Lower => self.alpha > 2.0,
            End::Upper => self.beta > 2.0,
        }
    }
}

/// The beta quantile for every p in [0, 1]. statrs's own (AS 109) has no iteration bound and
/// never returns for some admitted shapes (alpha = 1e5, beta = 0.5 at p = 1e-150), and turns
/// NaN below p = 1e-154, where p² underflows. The upper half is the mirror's lower half, so
/// that the search always runs where x is small and relative precision is available.
fn beta_quantile(
    d: &statrs::distribution::Beta,
    mirror: &statrs::distribution::Beta,
    p: f64,
) -> f64 {
    if p > 0.5 {
        1.0 - beta_lower_quantile(mirror, 1.0 - p)
    } else {
        beta_lower_quantile(d, p)
    }
}

fn beta_lower_quantile(d: &statrs::distribution::Beta, p: f64) -> f64 {
    lower_quantile(p, 1.0, |x| d.cdf(x), |x| d.ln_pdf(x))
}

impl fmt::Display for Beta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let g = crate::units::general;
        write!(
            f,
            "beta(alpha {}, beta {}) on [{}, {}]",
            g(self.alpha),
            g(self.beta),
            g(self.min),
            g(self.max)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::tests::{assert_ks, draws};
    use crate::dist::{Dist, MIN_SHAPE};

    fn statrs_beta(a: f64, b: f64) -> statrs::distribution::Beta {
        statrs::distribution::Beta::new(a, b).unwrap()
    }

    #[test]
    fn pert_resolves_to_the_classic_beta() {
        let b = Beta::pert(0.0, 0.25, 1.0, 4.0).unwrap();
        assert!((b.alpha - 2.0).abs() < 1e-12 && (b.beta - 4.0).abs() < 1e-12);
    }

    #[test]
    fn pert_matches_scaled_statrs_beta() {
        // PERT(0.33, 0.40, 0.45): alpha = 1 + 4·0.07/0.12, beta = 1 + 4·0.05/0.12.
        let s = statrs_beta(1.0 + 4.0 * 0.07 / 0.12, 1.0 + 4.0 * 0.05 / 0.12);
        let d = Dist::new(Beta::pert(0.33, 0.40, 0.45, 4.0).unwrap());
        assert_ks(&d, |x| s.cdf((x - 0.33) / 0.12), "pert");
    }

    #[test]
    fn beta_with_small_shapes_matches_statrs() {
        let s = statrs_beta(0.5, 0.7);
        let d = Dist::new(Beta::new(0.5, 0.7, 0.0, 1.0).unwrap());
        assert_ks(&d, |x| s.cdf(x), "beta(0.5, 0.7)");
    }

    #[test]
    fn beta_at_the_smallest_allowed_shapes_stays_in_range() {
        // Gamma(0.5) draws underflow only for u below e^-1416: the log-space ratio never forms
        // 0 / 0, and every draw lies in [0, 1].
        let d = Dist::new(Beta::new(MIN_SHAPE, MIN_SHAPE, 0.0, 1.0).unwrap());
        let xs = draws(&d, 9);
        assert!(
            xs.iter().all(|x| (0.0..=1.0).contains(x)),
            "every draw in [0, 1]"
        );
        let s = statrs_beta(MIN_SHAPE, MIN_SHAPE);
        assert_ks(&d, |x| s.cdf(x), "beta(0.5, 0.5)");
    }

    #[test]
    fn beta_density_is_what_statrs_says() {
        // Guards the scaled-beta convention used by PERT: density integrates to 1 on [min, max].
        let s = statrs_beta(2.0, 3.0);
        let m = 10_000;
        let integral: f64 = (0..m)
            .map(|i| s.pdf((i as f64 + 0.5) / m as f64))
            .sum::<f64>()
            / m as f64;
        assert!((integral - 1.0).abs() < 1e-6);
    }

    #[test]
    fn lambda_is_blamed_for_the_shapes_it_makes() {
        assert_eq!(Beta::pert(0.0, 0.5, 1.0, 1e6).unwrap_err().param, "lambda");
    }
}
