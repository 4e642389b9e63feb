//! What a distribution family provides: the [`Law`] trait, and how a family is read from a
//! scenario's parameter table ([`Form`], [`ParamReader`]).
//!
//! A family is one file under `families/` that implements [`Law`], plus one line in the list in
//! `families/mod.rs`. Everything that does not depend on the family (truncation, the survival
//! tail a truncation is measured in, the quadrature mean of a truncated family without a closed
//! form, which keys every table also takes) lives in [`Dist`](super::Dist) and the scenario
//! reader, and reaches the family only through this trait.

use std::fmt;

use super::{Family, ParamError, ParamResult, Support, Truncation};

/// One way a scenario writes a family: `dist = "<name>"` and the parameter keys it may take,
/// in the order messages list them (`lower` and `upper`, which every family takes, are left
/// out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Form {
    pub name: &'static str,
    pub keys: &'static [&'static str],
}

/// A parameter table as a family reads it. The scenario reader implements it, and keeps track
/// of where each key sits so that its errors point at the right place in the file.
pub trait ParamReader {
    /// Why reading failed. A parameter that fails its family's checks converts into it.
    type Error: From<ParamError>;

    /// The number under `key`, if the table has that key.
    fn number(&mut self, key: &'static str) -> Result<Option<f64>, Self::Error>;

    /// The array of numbers under `key`, if the table has that key.
    fn numbers(&mut self, key: &'static str) -> Result<Option<Vec<f64>>, Self::Error>;

    /// The error for required keys that are absent.
    fn missing(&self, keys: &[&str]) -> Self::Error;

    /// The error for keys that match none of the family's ways of being written; `needs` says
    /// which ways there are ("a normal distribution needs either mean and sd or p5 and p95").
    fn unclear(&self, keys: &[&str], needs: &str) -> Self::Error;

    /// The number under `key`, which the family cannot do without.
    fn required(&mut self, key: &'static str) -> Result<f64, Self::Error> {
        match self.number(key)? {
            Some(x) => Ok(x),
            None => Err(self.missing(&[key])),
        }
    }
}

/// What truncating a family to `[lower, upper]` means.
#[derive(Debug, Clone, PartialEq)]
pub enum Restriction {
    /// Renormalise the CDF between the ends: every family without point masses.
    Renormalise,
    /// A family of point masses keeps the points inside the range, reweighted.
    Points(Family),
    /// A family of point masses none of which lies inside the range.
    Empty,
}

/// An end of a distribution's support.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Lower,
    Upper,
}

/// One distribution family with its parameters already checked.
///
/// The numeric methods may assume sane arguments: [`Family`] returns NaN for a NaN `x`, `p` or
/// `s` and clamps probabilities to [0, 1] before it calls them.
pub trait Law: Sized + Clone + fmt::Debug + fmt::Display + PartialEq {
    /// The family's name in messages ("beta" also for a beta written as a PERT).
    const NAME: &'static str;

    /// The ways a scenario writes this family, in the order messages list them.
    const FORMS: &'static [Form];

    /// Reads the family written in `form` (one of [`Law::FORMS`]) from its parameters.
    fn read<R: ParamReader + ?Sized>(form: &Form, params: &mut R) -> Result<Self, R::Error>;

    /// The closed range the draws can take.
    fn support(&self) -> Support;

    /// P(X ≤ x).
    fn cdf(&self, x: f64) -> f64;

    /// P(X > x), precise in the upper tail where the family can do better than 1 − F.
    fn sf(&self, x: f64) -> f64 {
        1.0 - self.cdf(x)
    }

    /// The smallest x with P(X ≤ x) ≥ p, for p in [0, 1].
    fn quantile(&self, p: f64) -> f64;

    /// The x with P(X > x) = s, for s in [0, 1]: precise for small s where the family can do
    /// better than the quantile of 1 − s.
    fn upper_quantile(&self, s: f64) -> f64 {
        self.quantile(1.0 - s)
    }

    /// The mean (infinite where the integral diverges).
    fn mean(&self) -> f64;

    /// `E[X | lower ≤ X ≤ upper]` in closed form, where the family has one that stays accurate
    /// for this range; `None` lets [`Dist`](super::Dist) integrate the quantile function.
    fn truncated_mean(&self, _kept: &Truncation) -> Option<f64> {
        None
    }

    /// What truncating to `[lower, upper]` means for this family.
    fn restrict(&self, _lower: f64, _upper: f64) -> ParamResult<Restriction> {
        Ok(Restriction::Renormalise)
    }

    /// True when every draw is the same value.
    fn is_point(&self) -> bool {
        false
    }

    /// True for a distribution over a list of values (not a single point): ties among its
    /// draws keep any rank correlation below its target.
    fn is_discrete(&self) -> bool {
        false
    }

    /// True when the density falls to 0 at that end of the support faster than the square of
    /// the distance to it, so that 1 / (distance to the end) keeps a finite mean and variance.
    fn thin_at(&self, _end: End) -> bool {
        false
    }
}
