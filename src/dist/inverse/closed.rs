//! The families whose quantile is an exact closed form, truncated or not: the uniform, the
//! triangular, the Weibull (and the exponential, a Weibull of shape 1), and the untruncated
//! normal and lognormal through [`normal`](super::normal)'s Φ⁻¹.
//!
//! A truncated range [a, b] keeps its digits: each formula measures the draw from the bound it
//! starts at (a + e / (√(l² + e) + l) rather than min + √(l² + e), a · (H / H_a)^(1/k) rather than
//! λ · H^(1/k)), so a range a millionth wide far from 0 is still resolved to the last bit. Each
//! form also has its CDF and survival function written the same way, which the setup measures
//! the u-error against.
//!
//! Each form reads u (or 1 − u) on a grid of 42 significant bits, 36 below 1e-3 (see
//! [`grid`](super::grid)), so that its last-bit rounding cannot put neighbouring u out of order.

use super::elementary::exp;
use super::grid;
use super::normal::{lower_half_centre, lower_half_z, lower_z, upper_z};
use crate::dist::families::{Triangular, Uniform};
use crate::simd::vectorised;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Closed {
    /// Uniform on [lo, hi] (already cut to the truncation).
    Uniform {
        lo: f64,
        hi: f64,
    },
    Triangle(Triangle),
    Hazard(Hazard),
    Normal {
        mean: f64,
        sd: f64,
    },
    LogNormal {
        mu: f64,
        sigma: f64,
    },
}

impl Closed {
    pub fn uniform(u: &Uniform, bounds: Option<(f64, f64)>) -> Closed {
        let (lo, hi) = bounds.unwrap_or((u.min, u.max));
        Closed::Uniform {
            lo: lo.max(u.min),
            hi: hi.min(u.max),
        }
    }

    #[inline]
    pub fn at(&self, u: f64) -> f64 {
        match self {
            Closed::Uniform { lo, hi } => (lo + u * (hi - lo)).min(*hi),
            Closed::Triangle(t) => t.at(u),
            Closed::Hazard(h) => h.at(u),
            Closed::Normal { mean, sd } => mean + sd * z_at(u),
            Closed::LogNormal { mu, sigma } => exp(mu + sigma * z_at(u)),
        }
    }

    pub fn at_upper(&self, s: f64) -> f64 {
        match self {
            Closed::Uniform { lo, hi } => (hi - s * (hi - lo)).max(*lo),
            Closed::Triangle(t) => t.at_upper(s),
            Closed::Hazard(h) => h.at_upper(s),
            Closed::Normal { mean, sd } => mean + sd * z_above(s),
            Closed::LogNormal { mu, sigma } => exp(mu + sigma * z_above(s)),
        }
    }

    /// One loop per form, without a branch, so that it vectorises (see [`crate::simd`]); the
    /// same bits as [`Closed::at`].
    pub fn fill(&self, us: &[f64], out: &mut [f64]) {
        match self {
            Closed::Uniform { lo, hi } => {
                let (lo, hi, width) = (*lo, *hi, hi - lo);
                each_vectorised(
                    us,
                    out,
                    #[inline(always)]
                    |u| (lo + u * width).min(hi),
                );
            }
            Closed::Normal { mean, sd } => {
                let (mean, sd) = (*mean, *sd);
                fill_from_z(
                    us,
                    out,
                    #[inline(always)]
                    |z| mean + sd * z,
                );
            }
            Closed::LogNormal { mu, sigma } => {
                let (mu, sigma) = (*mu, *sigma);
                fill_from_z(
                    us,
                    out,
                    #[inline(always)]
                    |z| exp(mu + sigma * z),
                );
            }
            Closed::Triangle(t) => {
                // A copy the loop keeps in registers: read through the reference inside each
                // side's branch, the fields were loaded by masked gathers every eight lanes
                // (4.6 ns a draw rather than 1.7).
                let t = *t;
                each_vectorised(
                    us,
                    out,
                    #[inline(always)]
                    move |u| t.at_lanes(u),
                )
            }
            Closed::Hazard(h) => each(us, out, |u| h.at(u)),
        }
    }

    /// The largest u-error at a fixed grid of u (and of tiny survival probabilities for
    /// [`Closed::at_upper`]), against the form's own CDF and survival function. The normal and
    /// lognormal are measured in z, against libm's erfc (within an ulp; statrs's is off by up to
    /// 1e-10 relative beyond 0.5, which would hide the 1e-16 of AS 241), so that the rounding of
    /// x (a lognormal's x spans every exponent) does not count.
    pub fn max_u_error(&self) -> f64 {
        let at = |u: f64| self.at(u);
        let above = |s: f64| self.at_upper(s);
        match self {
            Closed::Normal { .. } | Closed::LogNormal { .. } => {
                super::grid_error(&z_at, &z_above, &phi, &phi_upper)
            }
            Closed::Uniform { lo, hi } => super::grid_error(
                &at,
                &above,
                &|x| ((x - lo) / (hi - lo)).clamp(0.0, 1.0),
                &|x| ((hi - x) / (hi - lo)).clamp(0.0, 1.0),
            ),
            Closed::Triangle(t) => super::grid_error(&at, &above, &|x| t.cdf(x), &|x| t.sf(x)),
            Closed::Hazard(h) => super::grid_error(&at, &above, &|x| h.cdf(x), &|x| h.sf(x)),
        }
    }
}

/// Φ⁻¹(u), with u (or 1 − u above ½, where AS 241 works from 1 − u anyway) read on the grid
/// that keeps it monotone between neighbouring doubles.
#[inline]
fn z_at(u: f64) -> f64 {
    if u <= 0.5 {
        lower_z(grid(u))
    } else {
        upper_z(grid(1.0 - u))
    }
}

/// `out[i] = f(us[i])`, as a plain loop: inlined whole into a [`vectorised`] closure, where an
/// iterator's `for_each` (a call the compiler need not inline) would be compiled for the
/// baseline.
#[inline(always)]
fn each(us: &[f64], out: &mut [f64], f: impl Fn(f64) -> f64) {
    let n = out.len().min(us.len());
    for i in 0..n {
        out[i] = f(us[i]);
    }
}

/// [`each`], vectorised.
#[inline(always)]
fn each_vectorised(us: &[f64], out: &mut [f64], f: impl Fn(f64) -> f64 + Copy) {
    vectorised(
        #[inline(always)]
        || each(us, out, f),
    );
}

/// `out[i] = x(Φ⁻¹(us[i]))`, vectorised: [`centre_then_tails`] with AS 241's centre first.
#[inline(always)]
fn fill_from_z(us: &[f64], out: &mut [f64], x: impl Fn(f64) -> f64 + Copy) {
    vectorised(
        #[inline(always)]
        || {
            centre_then_tails(
                us,
                out,
                #[inline(always)]
                |u| x(z_centre(u)),
                #[inline(always)]
                |u| x(z_lanes(u)),
            )
        },
    );
}

/// `out[i] = centre(us[i])`, then `full(us[i])` wherever that gave NaN, those u gathered a
/// group at a time so that both loops vectorise. AS 241's tails (15% of u) cost a logarithm,
/// a root and two more rational functions: computed for every lane they would double the cost
/// of the 85% that need only the centre's.
#[inline(always)]
fn centre_then_tails(
    us: &[f64],
    out: &mut [f64],
    centre: impl Fn(f64) -> f64,
    full: impl Fn(f64) -> f64 + Copy,
) {
    each(us, out, centre);
    let mut at = [0usize; GROUP];
    let mut count = 0;
    for k in 0..out.len().min(us.len()) {
        // Written every time, kept only when the slot is claimed: no branch per u.
        at[count] = k;
        count += usize::from(out[k].is_nan());
        if count == GROUP {
            redo(us, &at, out, full);
            count = 0;
        }
    }
    redo(us, &at[..count], out, full);
}

/// Runs in a group of [`centre_then_tails`].
const GROUP: usize = 64;

/// `out[k] = full(us[k])` for each k in `at`, through a contiguous copy so that the loop
/// vectorises.
#[inline(always)]
fn redo(us: &[f64], at: &[usize], out: &mut [f64], full: impl Fn(f64) -> f64) {
    let mut u = [0.5; GROUP];
    let mut x = [0.0; GROUP];
    let n = at.len().min(GROUP);
    for (v, &k) in u.iter_mut().zip(at) {
        *v = us[k];
    }
    each(&u[..n], &mut x[..n], full);
    for (&k, v) in at.iter().zip(&x) {
        out[k] = *v;
    }
}

/// [`z_at`] for u whose Φ⁻¹ is in AS 241's centre (|u − ½| ≤ 0.425), NaN for the rest: the
/// same bits as `z_at` where it answers.
#[inline(always)]
fn z_centre(u: f64) -> f64 {
    let lower = u <= 0.5;
    let z = lower_half_centre(grid(if lower { u } else { 1.0 - u }));
    if lower { z } else { -z }
}

/// [`z_at`] without a branch, for blocks: the same bits.
#[inline(always)]
fn z_lanes(u: f64) -> f64 {
    let lower = u <= 0.5;
    let z = lower_half_z(grid(if lower { u } else { 1.0 - u }));
    if lower { z } else { -z }
}

/// The z with P(Z > z) = s, as [`z_at`] from the other side.
fn z_above(s: f64) -> f64 {
    if s <= 0.5 {
        upper_z(grid(s))
    } else {
        lower_z(grid(1.0 - s))
    }
}

/// Φ(z), precise in the lower tail.
pub(super) fn phi(z: f64) -> f64 {
    0.5 * libm::erfc(-z / std::f64::consts::SQRT_2)
}

/// 1 − Φ(z), precise in the upper tail.
pub(super) fn phi_upper(z: f64) -> f64 {
    0.5 * libm::erfc(z / std::f64::consts::SQRT_2)
}

/// The triangular on [min, max] with its peak at mode, cut to [a, b].
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Triangle {
    min: f64,
    mode: f64,
    max: f64,
    a: f64,
    b: f64,
    /// (max − min)(mode − min) and (max − min)(max − mode): F(x) = (x − min)² / k_left below the
    /// mode, 1 − F(x) = (max − x)² / k_right above it.
    k_left: f64,
    k_right: f64,
    /// The family's probability in [a, min(b, mode)] and in [max(a, mode), b].
    left: f64,
    right: f64,
}

impl Triangle {
    pub fn new(t: &Triangular, bounds: Option<(f64, f64)>) -> Triangle {
        let (min, mode, max) = (t.min, t.mode, t.max);
        let (lo, hi) = bounds.unwrap_or((min, max));
        let (a, b) = (lo.max(min), hi.min(max));
        let k_left = (max - min) * (mode - min);
        let k_right = (max - min) * (max - mode);
        // (top − min)² − (a − min)² = (top − a)(top − min + a − min), without cancellation.
        let left = if a < mode {
            let top = b.min(mode);
            (top - a) * ((top - min) + (a - min)) / k_left
        } else {
            0.0
        };
        let right = if b > mode {
            let bottom = a.max(mode);
            (b - bottom) * ((max - bottom) + (max - b)) / k_right
        } else {
            0.0
        };
        Triangle {
            min,
            mode,
            max,
            a,
            b,
            k_left,
            k_right,
            left,
            right,
        }
    }

    #[inline(always)]
    fn mass(&self) -> f64 {
        self.left + self.right
    }

    /// x ≥ a with (x − min)² = (a − min)² + e, as a + e / (√((a − min)² + e) + (a − min)).
    #[inline(always)]
    fn above_a(&self, e: f64) -> f64 {
        let l = self.a - self.min;
        let root = (l * l + e).sqrt() + l;
        let x = if root > 0.0 {
            self.a + e / root
        } else {
            self.a
        };
        x.max(self.a).min(self.b.min(self.mode))
    }

    /// x ≤ b with (max − x)² = (max − b)² + e.
    #[inline(always)]
    fn below_b(&self, e: f64) -> f64 {
        let r = self.max - self.b;
        let root = (r * r + e).sqrt() + r;
        let x = if root > 0.0 {
            self.b - e / root
        } else {
            self.b
        };
        x.min(self.b).max(self.a.max(self.mode))
    }

    /// [`Triangle::at`] without a branch: the side's bound, offset and excess are chosen first,
    /// then one root and one division serve both. The same bits: b − e/root is b + (−e)/root
    /// exactly, and on the side chosen the clamp's lower end is below its upper one, so the
    /// order of the two comparisons does not matter.
    #[inline(always)]
    fn at_lanes(&self, u: f64) -> f64 {
        let m = self.mass();
        let below_mode = u * m <= self.left;
        let e = if below_mode {
            grid(u) * m * self.k_left
        } else {
            grid(1.0 - u) * m * self.k_right
        };
        let (bound, offset) = if below_mode {
            (self.a, self.a - self.min)
        } else {
            (self.b, self.max - self.b)
        };
        let step = if below_mode { e } else { -e };
        let root = (offset * offset + e).sqrt() + offset;
        let x = if root > 0.0 {
            bound + step / root
        } else {
            bound
        };
        let (lo, hi) = if below_mode {
            (self.a, self.b.min(self.mode))
        } else {
            (self.a.max(self.mode), self.b)
        };
        x.max(lo).min(hi)
    }

    fn at(&self, u: f64) -> f64 {
        let m = self.mass();
        if u * m <= self.left {
            self.above_a(grid(u) * m * self.k_left)
        } else {
            self.below_b(grid(1.0 - u) * m * self.k_right)
        }
    }

    fn at_upper(&self, s: f64) -> f64 {
        let m = self.mass();
        if s * m <= self.right {
            self.below_b(grid(s) * m * self.k_right)
        } else {
            self.above_a(grid(1.0 - s) * m * self.k_left)
        }
    }

    fn cdf(&self, x: f64) -> f64 {
        if x <= self.a {
            0.0
        } else if x >= self.b {
            1.0
        } else if x <= self.mode {
            (x - self.a) * ((x - self.min) + (self.a - self.min)) / (self.k_left * self.mass())
        } else {
            1.0 - self.sf(x)
        }
    }

    fn sf(&self, x: f64) -> f64 {
        if x >= self.b {
            0.0
        } else if x <= self.a {
            1.0
        } else if x >= self.mode {
            (self.b - x) * ((self.max - x) + (self.max - self.b)) / (self.k_right * self.mass())
        } else {
            1.0 - self.cdf(x)
        }
    }
}

/// A law with cumulative hazard H(x) = (x / λ)^k, 1 − F = e^(−H): the Weibull, and with k = 1 the
/// exponential; cut to [a, b].
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Hazard {
    scale: f64,
    shape: f64,
    a: f64,
    b: f64,
    /// H(a), and −expm1(−D) and e^(−D) with D = H(b) − H(a): the truncation keeps a share
    /// 1 − e^(−D) of the mass beyond a.
    h_a: f64,
    kept: f64,
    beyond: f64,
}

impl Hazard {
    pub fn new(scale: f64, shape: f64, bounds: Option<(f64, f64)>) -> Hazard {
        let (lo, hi) = bounds.unwrap_or((0.0, f64::INFINITY));
        let (a, b) = (lo.max(0.0), hi);
        let h = |x: f64| (x / scale).powf(shape);
        let h_a = h(a);
        let d = h(b) - h_a;
        Hazard {
            scale,
            shape,
            a,
            b,
            h_a,
            kept: -(-d).exp_m1(),
            beyond: (-d).exp(),
        }
    }

    /// x with H(x) − H(a) = δ: a · (1 + δ / H(a))^(1/k), which keeps a's digits, or λ · δ^(1/k)
    /// from 0.
    fn stretch(&self, delta: f64) -> f64 {
        let x = if self.h_a > 0.0 {
            self.a * ((delta / self.h_a).ln_1p() / self.shape).exp()
        } else {
            self.scale * delta.powf(1.0 / self.shape)
        };
        x.max(self.a).min(self.b)
    }

    /// H(x) − H(a) for x ≥ a.
    fn excess(&self, x: f64) -> f64 {
        if self.h_a > 0.0 {
            self.h_a * (self.shape * ((x - self.a) / self.a).ln_1p()).exp_m1()
        } else {
            (x / self.scale).powf(self.shape)
        }
    }

    fn at(&self, u: f64) -> f64 {
        self.stretch(-(-grid(u) * self.kept).ln_1p())
    }

    fn at_upper(&self, s: f64) -> f64 {
        // 1 − u·kept = e^(−D) + s·kept.
        self.stretch(-(self.beyond + grid(s) * self.kept).ln())
    }

    fn cdf(&self, x: f64) -> f64 {
        if x <= self.a {
            return 0.0;
        }
        (-(-self.excess(x)).exp_m1() / self.kept).clamp(0.0, 1.0)
    }

    fn sf(&self, x: f64) -> f64 {
        if x <= self.a {
            return 1.0;
        }
        if x >= self.b {
            return 0.0;
        }
        let left = (-self.excess(x)).exp();
        // e^(−δ) − e^(−D) = e^(−δ)(1 − e^(−(H(b) − H(x)))), with H(b) − H(x) from x's side.
        let to_b = if self.b.is_finite() {
            let h_x = (x / self.scale).powf(self.shape);
            -(-(h_x * (self.shape * ((self.b - x) / x).ln_1p()).exp_m1())).exp_m1()
        } else {
            1.0
        };
        (left * to_b / self.kept).clamp(0.0, 1.0)
    }
}
