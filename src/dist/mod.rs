//! Validated probability distributions: CDF, quantiles, moments and truncation; every draw is
//! made by inversion, in [`inverse`].
//!
//! A [`Dist`] is a [`Family`] optionally truncated to `[lower, upper]` (renormalised, not
//! clipped). Each family lives in its own file under `families/` and implements [`Law`]; this
//! module holds what does not depend on the family. A range above the median is measured with
//! the survival function 1 − F, not F: in the upper tail F rounds to 1 (at 8.3 sd already) and
//! cdf(lower) + u × width would return the quantile of 1, which is +∞.

mod check;
pub mod families;
pub mod inverse;
mod law;
mod special;

pub use check::{MAX_SHAPE, MIN_SHAPE, ParamError, ParamResult};
pub use families::Family;
pub use law::{End, Form, Law, ParamReader, Restriction};
pub use special::Z95;

/// The closed range a distribution's draws can take, with whether each end can be reached.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Support {
    pub lo: f64,
    pub hi: f64,
    /// True when no draw equals `lo` (the density vanishes there or `lo` is infinite).
    pub lo_open: bool,
    pub hi_open: bool,
}

impl Support {
    /// (0, ∞): the support of the lognormal, log-t, gamma, Weibull and exponential.
    pub const POSITIVE: Support = Support {
        lo: 0.0,
        hi: f64::INFINITY,
        lo_open: true,
        hi_open: true,
    };
}

/// A truncation range and the family's probability at its ends, measured in the tail where
/// that probability is small and so precise.
#[derive(Debug, Clone, PartialEq)]
pub struct Truncation {
    pub lower: f64,
    pub upper: f64,
    /// True when the range lies above the median: `base` is then sf(upper), else cdf(lower).
    pub upper_tail: bool,
    pub base: f64,
    /// The probability the range holds, P(lower ≤ X ≤ upper).
    pub mass: f64,
}

impl Truncation {
    /// The range [lower, upper] of a law with CDF `cdf` and survival function `sf`, measured
    /// in the tail where it is precise (above the median through `sf`).
    pub fn measured(
        lower: f64,
        upper: f64,
        cdf: impl Fn(f64) -> f64,
        sf: impl Fn(f64) -> f64,
    ) -> Truncation {
        let upper_tail = sf(lower) < 0.5;
        let (base, far) = if upper_tail {
            (sf(upper), sf(lower))
        } else {
            (cdf(lower), cdf(upper))
        };
        Truncation {
            lower,
            upper,
            upper_tail,
            base,
            mass: far - base,
        }
    }

    /// P(X ≤ x) of the truncated law, from the untruncated law's `cdf` and `sf` (only the one
    /// the range was measured with is called).
    pub fn cdf(&self, x: f64, cdf: impl Fn(f64) -> f64, sf: impl Fn(f64) -> f64) -> f64 {
        if x < self.lower {
            0.0
        } else if x >= self.upper {
            1.0
        } else if self.upper_tail {
            ((self.base + self.mass - sf(x)) / self.mass).clamp(0.0, 1.0)
        } else {
            ((cdf(x) - self.base) / self.mass).clamp(0.0, 1.0)
        }
    }

    /// P(X > x) of the truncated law, precise where it is small.
    pub fn sf(&self, x: f64, cdf: impl Fn(f64) -> f64, sf: impl Fn(f64) -> f64) -> f64 {
        if x < self.lower {
            1.0
        } else if x >= self.upper {
            0.0
        } else if self.upper_tail {
            ((sf(x) - self.base) / self.mass).clamp(0.0, 1.0)
        } else {
            ((self.base + self.mass - cdf(x)) / self.mass).clamp(0.0, 1.0)
        }
    }
}

/// The least probability a truncation range may hold: below it the tail probabilities that
/// draws are made from approach the smallest doubles (a normal beyond 37 sd holds 1e-300).
pub const MIN_TRUNCATED_MASS: f64 = 1e-250;

#[derive(Debug, Clone)]
pub struct Dist {
    family: Family,
    truncation: Option<Truncation>,
}

impl Dist {
    pub fn fixed(value: f64) -> Self {
        Dist::new(families::Fixed::new(value))
    }

    pub fn new(family: impl Into<Family>) -> Self {
        Dist {
            family: family.into(),
            truncation: None,
        }
    }

    /// The family restricted to `[lower, upper]` (either may be infinite), renormalised.
    /// Fails when the range is empty or holds no probability.
    pub fn truncated(family: impl Into<Family>, lower: f64, upper: f64) -> ParamResult<Self> {
        let family = family.into();
        if lower >= upper {
            return Err(ParamError::new(
                "upper",
                format!("needs lower < upper, got lower = {lower}, upper = {upper}"),
            ));
        }
        match family.restrict(lower, upper)? {
            Restriction::Renormalise => {}
            Restriction::Points(kept) => return Ok(Dist::new(kept)),
            Restriction::Empty => return Err(no_mass(lower, upper)),
        }
        let support = family.support();
        if lower <= support.lo && upper >= support.hi {
            return Ok(Dist::new(family));
        }
        let kept = Truncation::measured(lower, upper, |x| family.cdf(x), |x| family.sf(x));
        if kept.mass.is_nan() || kept.mass < MIN_TRUNCATED_MASS {
            return Err(no_mass(lower, upper));
        }
        Ok(Dist {
            family,
            truncation: Some(kept),
        })
    }

    pub fn family(&self) -> &Family {
        &self.family
    }

    /// The truncation range, if any.
    pub fn bounds(&self) -> Option<(f64, f64)> {
        self.truncation.as_ref().map(|t| (t.lower, t.upper))
    }

    pub fn is_fixed(&self) -> bool {
        self.family.is_point()
    }

    pub fn support(&self) -> Support {
        let s = self.family.support();
        match &self.truncation {
            None => s,
            Some(t) => Support {
                lo: s.lo.max(t.lower),
                hi: s.hi.min(t.upper),
                lo_open: if t.lower > s.lo { false } else { s.lo_open },
                hi_open: if t.upper < s.hi { false } else { s.hi_open },
            },
        }
    }

    /// P(X ≤ x).
    pub fn cdf(&self, x: f64) -> f64 {
        let f = &self.family;
        match &self.truncation {
            None => f.cdf(x),
            Some(t) => t.cdf(x, |v| f.cdf(v), |v| f.sf(v)),
        }
    }

    /// P(X > x), precise where it is small.
    pub fn sf(&self, x: f64) -> f64 {
        let f = &self.family;
        match &self.truncation {
            None => f.sf(x),
            Some(t) => t.sf(x, |v| f.cdf(v), |v| f.sf(v)),
        }
    }

    /// The smallest x with P(X ≤ x) ≥ p, for p in [0, 1].
    pub fn quantile(&self, p: f64) -> f64 {
        match &self.truncation {
            None => self.family.quantile(p),
            Some(t) => self.truncated_quantile(t, p),
        }
    }

    /// The x with P(X > x) = s, for s in [0, 1]: precise for small s, where the quantile of
    /// 1 − s would round (the upper-tail counterpart of [`Dist::quantile`]).
    pub fn upper_quantile(&self, s: f64) -> f64 {
        match &self.truncation {
            None => self.family.upper_quantile(s),
            Some(t) => {
                let x = if t.upper_tail {
                    self.family.upper_quantile(t.base + s * t.mass)
                } else {
                    self.family.quantile(t.base + (1.0 - s) * t.mass)
                };
                x.clamp(t.lower, t.upper)
            }
        }
    }

    /// The inverse CDF tabulated for one-uniform-per-draw sampling; see [`inverse`].
    pub fn inverse(&self) -> Result<inverse::Inverse, inverse::InverseError> {
        inverse::Inverse::new(self)
    }

    /// The point with a fraction `p` of the truncated mass below it, found in the tail the
    /// range was measured in.
    fn truncated_quantile(&self, t: &Truncation, p: f64) -> f64 {
        let x = if t.upper_tail {
            self.family.upper_quantile(t.base + (1.0 - p) * t.mass)
        } else {
            self.family.quantile(t.base + p * t.mass)
        };
        x.clamp(t.lower, t.upper)
    }

    pub fn median(&self) -> f64 {
        self.quantile(0.5)
    }

    /// The mean: the family's own, or for a truncated one its closed form where the family has
    /// one, else `E[X] = ∫₀¹ Q(p) dp` by the midpoint rule.
    pub fn mean(&self) -> f64 {
        match &self.truncation {
            None => self.family.mean(),
            Some(t) => self
                .family
                .truncated_mean(t)
                .unwrap_or_else(|| self.quadrature_mean()),
        }
    }

    fn quadrature_mean(&self) -> f64 {
        const M: usize = 20_000;
        (0..M)
            .map(|i| self.quantile((i as f64 + 0.5) / M as f64))
            .sum::<f64>()
            / M as f64
    }
}

fn no_mass(lower: f64, upper: f64) -> ParamError {
    ParamError::new(
        "upper",
        format!(
            "the range [{lower}, {upper}] holds less than {MIN_TRUNCATED_MASS:e} of this distribution's probability: move the bounds toward its bulk"
        ),
    )
}

impl std::fmt::Display for Dist {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.family)?;
        if let Some(t) = &self.truncation {
            let g = crate::units::general;
            write!(f, " truncated to [{}, {}]", g(t.lower), g(t.upper))?;
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests;
