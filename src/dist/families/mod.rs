//! The distribution families, one file each, and the one list that registers them.
//!
//! A family's file holds its parameters, domain, checks, the forms a scenario writes it in,
//! its CDF, quantile and mean (from which `inverse` draws it), and the tests that are about it alone. Adding a family
//! is one new file implementing [`Law`] and one line in the list below.

#[macro_use]
mod registry;

use std::fmt;

use super::law::{End, Form, Law, ParamReader, Restriction};
use super::{ParamResult, Support, Truncation};

// The order of this list is the order messages list the families in.
families! {
    fixed::Fixed,
    uniform::Uniform,
    normal::Normal,
    lognormal::LogNormal,
    log_t::LogT,
    triangular::Triangular,
    beta::Beta,
    gamma::Gamma,
    weibull::Weibull,
    discrete::Discrete,
    #[cfg(test)] test_exponential::TestExponential,
}

impl Family {
    /// Every way a scenario can write a family (`dist = "<name>"`), in the order messages list
    /// them.
    pub fn forms() -> Vec<&'static Form> {
        all_forms()
    }

    /// The form called `name`, if a family has one.
    pub fn form(name: &str) -> Option<&'static Form> {
        all_forms().into_iter().find(|f| f.name == name)
    }

    /// Reads the family written in `form` from its parameters.
    ///
    /// # Panics
    ///
    /// When `form` is not one of [`Family::forms`].
    pub fn read<R: ParamReader + ?Sized>(form: &Form, params: &mut R) -> Result<Family, R::Error> {
        read_form(form.name, params).expect("a form of a registered family")
    }

    /// The family's name in messages.
    pub fn name(&self) -> &'static str {
        fn name_of<L: Law>(_: &L) -> &'static str {
            L::NAME
        }
        each!(self, law => name_of(law))
    }

    pub fn support(&self) -> Support {
        each!(self, law => law.support())
    }

    /// P(X ≤ x), NaN for NaN.
    pub fn cdf(&self, x: f64) -> f64 {
        // statrs's special functions panic on NaN.
        if x.is_nan() {
            return f64::NAN;
        }
        each!(self, law => law.cdf(x))
    }

    /// P(X > x), computed directly (not as 1 − F) where the family can, so that it keeps its
    /// precision in the upper tail.
    pub fn sf(&self, x: f64) -> f64 {
        if x.is_nan() {
            return f64::NAN;
        }
        each!(self, law => law.sf(x))
    }

    /// The smallest x with P(X ≤ x) ≥ p; p is clamped to [0, 1].
    pub fn quantile(&self, p: f64) -> f64 {
        // statrs panics on a probability outside [0, 1], NaN included.
        if p.is_nan() {
            return f64::NAN;
        }
        let p = p.clamp(0.0, 1.0);
        each!(self, law => law.quantile(p))
    }

    /// The inverse survival function: the x with P(X > x) = s, precise for small s (the
    /// upper-tail counterpart of [`Family::quantile`]).
    pub fn upper_quantile(&self, s: f64) -> f64 {
        if s.is_nan() {
            return f64::NAN;
        }
        let s = s.clamp(0.0, 1.0);
        each!(self, law => law.upper_quantile(s))
    }

    pub fn mean(&self) -> f64 {
        each!(self, law => law.mean())
    }

    pub(super) fn truncated_mean(&self, kept: &Truncation) -> Option<f64> {
        each!(self, law => law.truncated_mean(kept))
    }

    pub(super) fn restrict(&self, lower: f64, upper: f64) -> ParamResult<Restriction> {
        each!(self, law => law.restrict(lower, upper))
    }

    /// True when every draw is the same value.
    pub fn is_point(&self) -> bool {
        each!(self, law => law.is_point())
    }

    /// True for a distribution over a list of values: ties among its draws keep any rank
    /// correlation below its target.
    pub fn is_discrete(&self) -> bool {
        each!(self, law => law.is_discrete())
    }

    /// True when the density falls to 0 at that end of the support faster than the square of
    /// the distance to it, so that 1 / (distance to the end) keeps a finite mean and variance.
    pub fn thin_at(&self, end: End) -> bool {
        each!(self, law => law.thin_at(end))
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        each!(self, law => fmt::Display::fmt(law, f))
    }
}
