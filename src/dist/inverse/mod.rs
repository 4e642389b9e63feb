//! The inverse CDF of every [`Dist`], fast and with a guaranteed u-error: x = F⁻¹(u) for one
//! uniform u per draw, so that two scenarios that differ in an input's distribution stay paired
//! draw for draw (comonotone), and the hot loop has no rejection.
//!
//! [`Inverse::new`] chooses, once per distribution:
//! - **closed forms** where the quantile is one: a point, the uniform, the triangular, the Weibull
//!   (and the test-only exponential), truncated or not, each written from the truncation bound
//!   it starts at so that a narrow range keeps its digits; the untruncated normal and lognormal
//!   through Wichura's AS 241 (`normal.rs`): rational functions, with a logarithm and a square
//!   root only in the tails, where statrs's erfc⁻¹ iterates;
//! - the **step inverse** of a discrete distribution, consistent with [`Dist::quantile`];
//! - a **table** for the beta and PERT, the gamma, the log-t, and the truncated normal and
//!   lognormal: PINV (Derflinger, Hörmann & Leydold, ACM TOMACS 20 (2010); UNU.RAN's and SciPy's
//!   `NumericalInversePolynomial`). Intervals of the family's standard coordinate, on each a
//!   polynomial of degree 5 through Chebyshev nodes giving x as a function of u − u_left, chosen
//!   adaptively until the u-error at three test points between each pair of nodes is below half
//!   of [`U_ERROR`]; a guide table finds the interval in O(1). See `table.rs` and `build.rs`.
//!   Setting one up takes 1 to 4 ms on one core (`cargo bench --bench inverse -- setup`).
//!
//! **Why the density and not the CDF.** The u at each node is the integral of the density
//! (adaptive Gauss–Lobatto), normalised by the table's total, as in PINV, rather than the
//! family's CDF. statrs's incomplete beta and gamma lose digits as the shapes grow (measured
//! against 40-digit quadrature: 1e-13 at shape 50, 4e-13 at 1000, 3e-11 for a gamma of shape
//! 1e5, and 3e-7 for Beta(1e5, 1e5), whose CDF jumps by 6e-7 at ½ where its continued fraction
//! switches sides); its erfc is off by up to 1e-10 relative beyond 0.5; and the difference of two
//! CDF values cannot resolve a truncation holding a millionth of the mass. A density ratio has
//! none of these problems (`density.rs`): its constant cancels, and it can be written to full
//! relative precision at any shape. The CDF is used only where it is precise: the tails.
//!
//! **Tails.** Where the table would reach an end of the family's support (or an infinite one) it
//! stops at a tail mass of 1e-10, at the exact quantile; beyond, draws call the distribution's own
//! quantile ([`Dist::quantile`] below, [`Dist::upper_quantile`] above, which measures a truncated
//! range in the tail where it is precise), clamped to the table's end. A truncation bound is the
//! table's exact end (u = 0 or 1) unless its density is below e^-40 of the median's. Where x
//! would leave the normal doubles (scales near 1e±308, a log-t whose tail passes e^±709) the
//! table stops there and the tails take over; a distribution with no part that can be
//! tabulated is left to its exact quantile. Every x is clamped to the support, so a finite
//! truncation never gives ±∞ or a value outside its bounds, and no u in (0, 1) gives NaN.
//!
//! **Monotone.** x̂ never decreases in u, for any two doubles, across intervals, halves and
//! tails: intervals share their end nodes and clamp to them, and nothing is evaluated at u
//! itself where rounding could put neighbours out of order. A table reads its polynomial at
//! steps of 2^-43 in u, a closed form reads u on a grid of 42 significant bits, and a tail
//! reads the exact quantile on one of 32, each costing far less than the bound and each coarse
//! enough that neighbouring values differ by more than their rounding.
//!
//! **The body on an even grid in u.** Where the method costs more than reading a grid (a
//! table's search, AS 241 and an exponential, a Weibull's power), the setup also tabulates x̂
//! on intervals of 2⁻¹¹ in u from ½ outwards, as far as they pass the checks of `even.rs` against
//! the method (for a PERT or a lognormal, to within 0.005 of 0 and 1): the interval is one
//! multiplication away, its quintic within the room the method leaves below [`U_ERROR`]; the
//! u beyond are the method's. A PERT's draw 5.9 → 2.3 ns, a lognormal's 5.2 → 2.6 ns.
//!
//! **From a normal.** A Gaussian copula's member needs F⁻¹(Φ(z)): [`from_normal::FromNormal`]
//! tabulates it on an even grid in z from this inverse's method, within the same bound.
//!
//! **The guarantee.** The u-error |F(x̂(u)) − u| is at most [`U_ERROR`] = 1e-12, measured at
//! setup at points the intervals were not accepted on (see [`Inverse::max_u_error`]); a table
//! that cannot meet it is an error, not a weaker table. The table's bound holds in the family's
//! standard coordinate; the final step to x (a node plus a step, or a node times an
//! exponential) rounds to a double, so x̂ is within two ulps of the quantile of its u, and a
//! distribution narrower than its own location's precision (a normal of mean 1e4 and sd 1e-3)
//! shows that rounding and nothing else.

mod build;
mod closed;
mod density;
mod elementary;
mod even;
mod frame;
pub mod from_normal;
mod lanes;
pub(crate) mod normal;
mod steps;
mod table;

use closed::{Closed, Hazard, Triangle};
use even::{Axis, Grid, Layout};
use steps::Steps;
use table::Table;

use super::{Dist, Family};

/// `out[i] = Φ⁻¹(us[i])`, for a copula's normals: the standard normal's inverse, built once,
/// its body on the grid in u (2.4 ns a draw where AS 241 took 2.9, 3.9 held to AVX2).
pub(crate) fn standard_normal_fill(us: &[f64], out: &mut [f64]) {
    static STANDARD: std::sync::OnceLock<Inverse> = std::sync::OnceLock::new();
    STANDARD
        .get_or_init(|| {
            let normal = crate::dist::families::Normal::new(0.0, 1.0).expect("sd 1 is valid");
            Inverse::new(&Dist::new(normal)).expect("the standard normal meets the bound")
        })
        .fill(us, out);
}

/// The largest |F(x̂(u)) − u| an [`Inverse`] admits.
pub const U_ERROR: f64 = 1e-12;

/// The body's grid in u: intervals of 2⁻¹¹ from ½ outwards, as far as they pass (for a
/// lognormal or a PERT, to within 0.005 of 0 and 1), at least to [¼, ¾]. 128 KiB, in the
/// second-level cache; 2⁻¹⁰ sent twice as many u to the method, 2⁻¹² gained nothing more.
const BODY: Layout = Layout {
    centre: 0.5,
    reach: 0.5,
    least: 0.25,
    widths: &[1.0 / 2048.0],
};

/// The method along u, for the body's grid.
struct UAxis<'a>(&'a Inverse);

impl Axis for UAxis<'_> {
    fn x(&self, u: f64) -> f64 {
        self.0.reference_at(u)
    }

    fn bracket(&self, u: f64, by: f64) -> (f64, f64) {
        (self.0.reference_at(u - by), self.0.reference_at(u + by))
    }

    fn most_density(&self, _: f64, _: f64) -> f64 {
        1.0
    }
}

/// Why a distribution has no inverse within [`U_ERROR`]: its table would need more than a few
/// thousand intervals or could not be made increasing, or its exact quantile (in the tails)
/// misses by more. No distribution the tool accepts is known to fail; this is the honest
/// answer if one does, rather than a weaker inverse.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("the inverse CDF of {dist} cannot be computed to a u-error of {U_ERROR:e}: {reason}")]
pub struct InverseError {
    dist: String,
    reason: String,
}

/// F⁻¹ of a [`Dist`] for u in (0, 1), with max |F(F̂⁻¹(u)) − u| ≤ [`U_ERROR`]. Built once per
/// distribution (deterministically, in a few milliseconds at most), then read from any number
/// of threads.
#[derive(Debug, Clone)]
pub struct Inverse {
    method: Method,
    /// For the exact tails.
    dist: Dist,
    support: (f64, f64),
    /// The u the method answers for; beyond, the exact tails, clamped to the method's x at
    /// these ends.
    lo_u: f64,
    hi_u: f64,
    lo_x: f64,
    hi_x: f64,
    max_u_error: f64,
    /// The body on an even grid in u, where the method is slower than a grid and one meets
    /// the bound (see [`BODY`]).
    body: Option<Grid>,
}

#[derive(Debug, Clone)]
enum Method {
    Point(f64),
    Closed(Closed),
    Steps(Steps),
    Table(Table),
    /// The distribution's own quantile for every u: for parameters whose x leaves the normal
    /// doubles everywhere a table could be.
    Exact,
}

impl Inverse {
    /// Chooses the method for `dist`, builds its table if it has one, and measures its u-error.
    /// Fails only when the bound cannot be met.
    pub fn new(dist: &Dist) -> Result<Inverse, InverseError> {
        let fail = |reason: String| InverseError {
            dist: dist.to_string(),
            reason,
        };
        let (method, table_error) = method(dist).map_err(fail)?;
        let support = dist.support();
        let (lo_u, hi_u) = match &method {
            Method::Table(t) => t.covers(),
            Method::Exact => (0.5, 0.5),
            _ => (0.0, 1.0),
        };
        let mut inverse = Inverse {
            method,
            dist: dist.clone(),
            support: (support.lo, support.hi),
            lo_u,
            hi_u,
            lo_x: f64::INFINITY,
            hi_x: f64::NEG_INFINITY,
            max_u_error: table_error,
            body: None,
        };
        if let Method::Table(t) = &inverse.method {
            inverse.lo_x = t.at(lo_u);
            inverse.hi_x = t.at(hi_u);
        }
        inverse.max_u_error = inverse.max_u_error.max(inverse.measure());
        if inverse.max_u_error > U_ERROR || inverse.max_u_error.is_nan() {
            return Err(fail(format!(
                "its quantile reaches a u-error of {:e}",
                inverse.max_u_error
            )));
        }
        inverse.body = inverse.body_grid();
        Ok(inverse)
    }

    /// The distribution's own quantile for every u: exact, and slow where the quantile is a
    /// search. For a distribution whose table cannot meet the bound (none the checks admit is
    /// known to), so that drawing never fails.
    pub fn exact(dist: &Dist) -> Inverse {
        let support = dist.support();
        Inverse {
            method: Method::Exact,
            dist: dist.clone(),
            support: (support.lo, support.hi),
            lo_u: 0.5,
            hi_u: 0.5,
            lo_x: f64::INFINITY,
            hi_x: f64::NEG_INFINITY,
            max_u_error: 0.0,
            body: None,
        }
    }

    /// x̂ = F̂⁻¹(u) for u in (0, 1).
    pub fn at(&self, u: f64) -> f64 {
        match &self.body {
            Some(g) => g
                .at(u)
                .unwrap_or_else(|| g.held(g.side(u), self.reference_at(u))),
            None => self.reference_at(u),
        }
    }

    /// `out[i] = self.at(u[i])`: the body's grid a vector at a time, then the u beyond it
    /// together through the method's own loop.
    ///
    /// # Panics
    ///
    /// When `u` and `out` differ in length.
    pub fn fill(&self, u: &[f64], out: &mut [f64]) {
        assert_eq!(u.len(), out.len(), "one output per uniform");
        match &self.body {
            // One u in a hundred is beyond the grid, a few a span: the method's scalar path
            // costs less than its block loop's setup for so few.
            Some(g) => g.fill(u, out, |u, out| {
                for (x, &v) in out.iter_mut().zip(u) {
                    *x = self.reference_at(v);
                }
            }),
            None => self.reference_fill(u, out),
        }
    }

    /// The method's x̂ at u, without the body's grid: what the grid is built from and hands
    /// over to.
    fn reference_at(&self, u: f64) -> f64 {
        match &self.method {
            Method::Table(t) if u >= self.lo_u && u <= self.hi_u => t.at(u),
            Method::Table(_) | Method::Exact => self.tail(u),
            Method::Closed(c) => c.at(u),
            Method::Steps(s) => s.at(u),
            Method::Point(x) => *x,
        }
    }

    /// `out[i] = self.reference_at(u[i])`: one dispatch for the whole block, then a loop
    /// without calls (except into the tails, one u in 5e9).
    fn reference_fill(&self, u: &[f64], out: &mut [f64]) {
        match &self.method {
            Method::Table(t) => t.fill(u, out, |v| self.tail(v)),
            Method::Closed(c) => c.fill(u, out),
            Method::Steps(s) => s.fill(u, out),
            Method::Point(x) => out.fill(*x),
            Method::Exact => {
                for (x, v) in out.iter_mut().zip(u) {
                    *x = self.tail(*v);
                }
            }
        }
    }

    /// The x with P(X > x) = s, for s in (0, 1): the same as `at(1 − s)` but precise for s
    /// below 1.1e-16, where 1 − s rounds to 1 (a Gaussian copula can form s = Φ(−z) exactly).
    /// It joins [`Inverse::at`] without a step: `at_upper(s)` is non-increasing in s and equals
    /// `at(1 − s)` wherever 1 − s is exact and in the table.
    pub fn at_upper(&self, s: f64) -> f64 {
        match &self.body {
            Some(g) => {
                // Where 1 − s is on the grid, s ≥ 2⁻¹¹ and 1 − s is within 2⁻⁵⁴ of exact.
                let u = 1.0 - s;
                g.at(u)
                    .unwrap_or_else(|| g.held(g.side(u), self.reference_at_upper(s)))
            }
            None => self.reference_at_upper(s),
        }
    }

    /// [`Inverse::at_upper`] without the body's grid.
    fn reference_at_upper(&self, s: f64) -> f64 {
        match &self.method {
            Method::Closed(c) => c.at_upper(s),
            Method::Table(_) | Method::Exact if s < 1.0 - self.hi_u => self.upper_tail(s),
            _ => self.reference_at(1.0 - s),
        }
    }

    /// The largest u-error measured at setup: for a table, at four points inside every interval
    /// and 2048 across the whole table (none of them a point the intervals were accepted on),
    /// each u recomputed by integrating the density; for the tails, closed forms and steps, on
    /// a grid against the CDF in the tail where it is precise. Where x is within two ulps of the
    /// exact quantile the error counts as 0: x is a node rounded once plus a step rounded again,
    /// and a distribution narrower than its own position's precision (a normal of mean 1e4 and
    /// sd 1e-3) can do no better.
    ///
    /// With a grid over the body, [`U_ERROR`]: the grid is checked, not measured, to keep
    /// within the room the method leaves (see `even.rs`).
    pub fn max_u_error(&self) -> f64 {
        if self.body.is_some() {
            U_ERROR
        } else {
            self.max_u_error
        }
    }

    /// The method's own u-error, which a grid built from it must keep below [`U_ERROR`].
    fn reference_u_error(&self) -> f64 {
        self.max_u_error
    }

    /// Whether the method has a smooth inverse a grid can be built from.
    fn is_tabulable(&self) -> bool {
        matches!(self.method, Method::Table(_) | Method::Closed(_))
    }

    /// The grid over the body, for the methods slower than one (a table's search, AS 241's
    /// rational functions and an exponential, a Weibull's power), where the method leaves a
    /// quarter of the bound or more for its misses and some width reaches its least.
    fn body_grid(&self) -> Option<Grid> {
        let slow = matches!(
            self.method,
            Method::Table(_)
                | Method::Closed(
                    Closed::Normal { .. } | Closed::LogNormal { .. } | Closed::Hazard(_)
                )
        );
        let margin = U_ERROR - self.reference_u_error();
        if !slow || margin.is_nan() || margin < 0.25 * U_ERROR {
            return None;
        }
        Grid::new(&UAxis(self), &BODY, margin)
    }

    /// The number of intervals of the table, 0 for the other methods.
    pub fn intervals(&self) -> usize {
        match &self.method {
            Method::Table(t) => t.intervals(),
            _ => 0,
        }
    }

    /// Every u where the method hands over: between intervals, halves, table and tails.
    #[cfg(test)]
    fn joins(&self) -> Vec<f64> {
        let mut joins = match &self.method {
            Method::Table(t) => t.joins(),
            _ => vec![self.lo_u, self.hi_u],
        };
        if let Some(g) = &self.body {
            let (lo, _) = g.covers();
            joins.extend((0..=g.intervals()).map(|k| lo + k as f64 * g.h()));
        }
        joins
    }

    /// x below or above the method's range, by the exact quantile. NaN stays NaN.
    #[cold]
    #[inline(never)]
    fn tail(&self, u: f64) -> f64 {
        if u.is_nan() {
            f64::NAN
        } else if u < self.lo_u {
            self.clamp(self.dist.quantile(coarse(u)).min(self.lo_x))
        } else {
            self.upper_tail(1.0 - u)
        }
    }

    #[cold]
    fn upper_tail(&self, s: f64) -> f64 {
        self.clamp(self.dist.upper_quantile(coarse(s)).max(self.hi_x))
    }

    fn clamp(&self, x: f64) -> f64 {
        x.max(self.support.0).min(self.support.1)
    }

    /// The u-error outside the table: the closed forms' and steps' own grids, and for a table
    /// or the exact quantile, points in the tails against the distribution's CDF.
    fn measure(&self) -> f64 {
        match &self.method {
            Method::Point(_) => 0.0,
            Method::Closed(c) => c.max_u_error(),
            Method::Steps(s) => s.max_u_error(),
            Method::Table(_) => self.tail_error(),
            Method::Exact => grid_error(
                &|u| self.reference_at(u),
                &|s| self.reference_at_upper(s),
                &|x| self.dist.cdf(x),
                &|x| self.dist.sf(x),
            ),
        }
    }

    fn tail_error(&self) -> f64 {
        let dist = &self.dist;
        let mut worst = 0.0_f64;
        if self.lo_u > 0.0 {
            for u in [0.5 * self.lo_u, 1e-3 * self.lo_u] {
                worst = worst.max(miss_below(u, self.reference_at(u), &|x| dist.cdf(x)));
            }
        }
        let s_hi = 1.0 - self.hi_u;
        if s_hi > 0.0 {
            for s in [0.5 * s_hi, 1e-3 * s_hi] {
                worst = worst.max(miss_above(s, self.reference_at_upper(s), &|x| dist.sf(x)));
            }
        }
        worst
    }
}

/// p prepared for the exact quantile in a tail: rounded down to 32 significant bits, a relative
/// change below 2.3e-10 (in the tails, where p < 1e-10, below 2.3e-20 absolute), and raised to
/// 1e-300. A bracketed Newton search stops within an ulp or two of the root, in either
/// direction, so at neighbouring p its x could step back; on this grid neighbouring p are far
/// enough apart (their quantiles differ by 2.3e-10 / (d ln F / d ln x), 2e-15 relative at the
/// steepest tail admitted, a beta of shape 1e5) that they cannot, and a coarser p is still a
/// larger or equal p. Below 1e-300 statrs's incomplete beta underflows and its quantile wanders
/// (a beta of shape 20 gives a larger x at 8e-311 than at 1e-310); every p below gets the
/// quantile of 1e-300, which is within 1e-300 of it.
fn coarse(p: f64) -> f64 {
    f64::from_bits(p.max(TAIL_FLOOR).to_bits() & !((1u64 << 20) - 1))
}

/// p on the grid a closed form reads it at: 42 significant bits, 36 below 1e-3, a relative
/// change of at most 2.3e-13 (1.5e-11 below 1e-3, 1.5e-14 absolute). The formulas are monotone
/// in exact arithmetic but round their last bit independently at each p (a quotient of two
/// rising terms, AS 241's rational functions), so neighbouring doubles of p could come out an
/// ulp out of order; neighbouring grid points are far enough apart that they cannot (for AS 241
/// at 37 sd, the steepest, its z moves 1e-14 relative per step of the coarser grid, against
/// rounding of 4e-16). Each grid contains the coarser one, so the grid is monotone across 1e-3.
#[inline(always)]
fn grid(p: f64) -> f64 {
    let dropped = if p < 1e-3 { 16 } else { 10 };
    f64::from_bits(p.to_bits() & !((1u64 << dropped) - 1))
}

/// The smallest tail probability the exact quantile is asked for.
const TAIL_FLOOR: f64 = 1e-300;

/// How far p lies outside [F(x⁻), F(x⁺)], F = `below` at the doubles two ulps either side of x:
/// 0 when x is within two ulps of the exact quantile, the resolution of a value formed as a
/// node (rounded once) plus the table's step (rounded again).
fn miss_below(p: f64, x: f64, below: &dyn Fn(f64) -> f64) -> f64 {
    let (lo, hi) = (
        below(x.next_down().next_down()),
        below(x.next_up().next_up()),
    );
    (lo - p).max(p - hi).max(0.0)
}

/// The same for a survival probability s and G = `above`, which decreases in x.
fn miss_above(s: f64, x: f64, above: &dyn Fn(f64) -> f64) -> f64 {
    let (lo, hi) = (
        above(x.next_up().next_up()),
        above(x.next_down().next_down()),
    );
    (lo - s).max(s - hi).max(0.0)
}

/// The largest miss of `at` and `at_upper` on a fixed grid: 256 u across (0, 1), measured with
/// the CDF below ½ and the survival function above, and tiny tail probabilities both ways.
fn grid_error(
    at: &dyn Fn(f64) -> f64,
    at_upper: &dyn Fn(f64) -> f64,
    cdf: &dyn Fn(f64) -> f64,
    sf: &dyn Fn(f64) -> f64,
) -> f64 {
    let mut worst = 0.0_f64;
    for j in 0..256 {
        let u = (j as f64 + 0.5) / 256.0;
        let err = if u <= 0.5 {
            miss_below(u, at(u), cdf)
        } else {
            miss_above(1.0 - u, at(u), sf)
        };
        worst = worst.max(err);
    }
    for p in [1e-300, 1e-100, 1e-30, 1e-16, 1e-10, 1e-5] {
        worst = worst
            .max(miss_below(p, at(p), cdf))
            .max(miss_above(p, at_upper(p), sf));
    }
    worst
}

/// The method for a distribution, with the table's measured error (0 for the others).
fn method(dist: &Dist) -> Result<(Method, f64), String> {
    let bounds = dist.bounds();
    let closed = match dist.family() {
        Family::Fixed(f) => return Ok((Method::Point(f.value), 0.0)),
        Family::Discrete(d) if d.values.len() == 1 => {
            return Ok((Method::Point(d.values[0]), 0.0));
        }
        Family::Discrete(d) => return Ok((Method::Steps(Steps::new(d)), 0.0)),
        Family::Uniform(u) => Closed::uniform(u, bounds),
        Family::Triangular(t) => Closed::Triangle(Triangle::new(t, bounds)),
        Family::Weibull(w) => Closed::Hazard(Hazard::new(w.scale, w.shape, bounds)),
        #[cfg(test)]
        Family::TestExponential(e) => Closed::Hazard(Hazard::new(1.0 / e.rate, 1.0, bounds)),
        Family::Normal(n) if bounds.is_none() => Closed::Normal {
            mean: n.mean,
            sd: n.sd,
        },
        Family::LogNormal(l) if bounds.is_none() => Closed::LogNormal {
            mu: l.mu,
            sigma: l.sigma,
        },
        Family::Normal(_)
        | Family::LogNormal(_)
        | Family::LogT(_)
        | Family::Beta(_)
        | Family::Gamma(_) => {
            let s = dist.support();
            return Ok(match frame::frame(dist) {
                None => (Method::Exact, 0.0),
                Some(f) => match table::tabulate(&f, oriented(&f, (s.lo, s.hi)))? {
                    Some((t, err)) => (Method::Table(t), err),
                    None => (Method::Exact, 0.0),
                },
            });
        }
    };
    Ok((Method::Closed(closed), 0.0))
}

/// The support in the frame's x, which is −x for a mirrored frame.
fn oriented(f: &frame::Frame, (lo, hi): (f64, f64)) -> (f64, f64) {
    if f.flip { (-hi, -lo) } else { (lo, hi) }
}

#[cfg(test)]
mod tests;
