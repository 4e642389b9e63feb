//! The inverse against CDFs it was not built from: for every family over a grid of parameters
//! (shapes at both limits, PERTs with the mode anywhere, heavy log-t tails, truncations in far
//! tails and a millionth wide), the u-error at 10 000 fixed-seed uniforms and log-spaced tails
//! down to 1e-300, monotonicity across every join, values inside the support, KS tests of the
//! draws, and the step inverse against `Dist::quantile`.
//!
//! The references: statrs's CDFs where they are accurate (shapes up to 5, measured against
//! 40-digit quadrature to a few 1e-15); the normal's through libm's erfc (statrs's is off by
//! up to 1e-10 relative); closed forms where the family has one at an extreme shape (Beta(α, 1),
//! Beta(1, β), the arcsine, the exponential, Gamma(½) = erf √z, the Cauchy and the t with 2
//! degrees of freedom); and values computed offline with mpmath at 40 digits for the large
//! shapes, where statrs is off by up to 3e-7.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, SeedableRng};

use super::closed::{phi, phi_upper};
use super::table::TAIL;
use super::*;
use crate::dist::families::{
    Beta, Discrete, Gamma, LogNormal, LogT, Normal, TestExponential, Triangular, Uniform, Weibull,
};
use crate::dist::tests::{N, ks_critical, ks_statistic};
use crate::dist::{MAX_SHAPE, MIN_SHAPE};
use crate::simd::{Level, capped};

const INF: f64 = f64::INFINITY;

pub(super) type Cdf = Box<dyn Fn(f64) -> f64>;

/// Uniforms on (0, 1), as the samplers make them: the midpoints of 2^52 cells.
fn uniforms(seed: u64, n: usize) -> Vec<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    (0..n)
        .map(|_| ((rng.next_u64() >> 12) as f64 + 0.5) / (1u64 << 52) as f64)
        .collect()
}

/// The u every inverse is probed at: fixed-seed uniforms, log-spaced probabilities from 1e-300
/// to ½ and their complements, and the doubles around the tail joins.
fn probes() -> Vec<f64> {
    probes_with(10_000)
}

fn probes_with(n: usize) -> Vec<f64> {
    let mut us = uniforms(17, n);
    for k in 0..=1200 {
        let p = 10f64.powf(-300.0 + k as f64 / 4.0);
        if p < 0.5 {
            us.push(p);
            us.push(1.0 - p);
        }
    }
    for join in [TAIL, 1.0 - TAIL] {
        us.extend(around(join));
    }
    us.extend([5e-324, f64::MIN_POSITIVE, 1.0 - f64::EPSILON / 2.0]);
    us.retain(|u| *u > 0.0 && *u < 1.0);
    us
}

/// The 8 doubles on either side of u, and u.
fn around(u: f64) -> Vec<f64> {
    let mut below = vec![u];
    for _ in 0..8 {
        below.push(below.last().unwrap().next_down());
    }
    below.reverse();
    let mut above = vec![u];
    for _ in 0..8 {
        above.push(above.last().unwrap().next_up());
    }
    below.extend(&above[1..]);
    below
}

/// Asserts |F(x̂(u)) − u| ≤ U_ERROR at every probe (F below ½, the survival function above,
/// each at the doubles two ulps either side of x̂, so that x̂ within two ulps of the exact
/// quantile counts as exact, see `Inverse::max_u_error`), and at tiny survival probabilities
/// through `at_upper`.
fn assert_meets_bound(d: &Dist, cdf: &dyn Fn(f64) -> f64, sf: &dyn Fn(f64) -> f64) {
    let inv = Inverse::new(d).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        inv.max_u_error() <= U_ERROR,
        "{d}: measured {:e}",
        inv.max_u_error()
    );
    let mut worst = (0.0, 0.0);
    for u in probes() {
        let x = inv.at(u);
        let err = if u <= 0.5 {
            miss_below(u, x, cdf)
        } else {
            miss_above(1.0 - u, x, sf)
        };
        if err > worst.0 {
            worst = (err, u);
        }
    }
    for s in [1e-300, 1e-200, 1e-100, 1e-30, 1e-17, 1e-12] {
        let err = miss_above(s, inv.at_upper(s), sf);
        if err > worst.0 {
            worst = (err, 1.0 - s);
        }
    }
    assert!(
        worst.0 <= U_ERROR,
        "{d}: u-error {:e} at u = {:e} (x̂ = {:e})",
        worst.0,
        worst.1,
        inv.at(worst.1)
    );
}

/// The distribution's own CDF and survival function, where statrs is accurate.
pub(super) fn own(d: &Dist) -> (Cdf, Cdf) {
    let (a, b) = (d.clone(), d.clone());
    (Box::new(move |x| a.cdf(x)), Box::new(move |x| b.sf(x)))
}

/// A law given by its CDF and survival function in a standard coordinate z(x), truncated to
/// [lo, hi] (in z) and measured in the tail where the range lies, as `Dist::truncated` does.
fn truncated(
    z: impl Fn(f64) -> f64 + Clone + 'static,
    cdf: impl Fn(f64) -> f64 + Clone + 'static,
    sf: impl Fn(f64) -> f64 + Clone + 'static,
    (lo, hi): (f64, f64),
) -> (Cdf, Cdf) {
    let z2 = z.clone();
    if sf(lo) < 0.5 {
        let (base, far) = (sf(hi), sf(lo));
        let mass = far - base;
        let sf2 = sf.clone();
        (
            Box::new(move |x| ((far - sf(z(x))) / mass).clamp(0.0, 1.0)),
            Box::new(move |x| ((sf2(z2(x)) - base) / mass).clamp(0.0, 1.0)),
        )
    } else {
        let (base, far) = (cdf(lo), cdf(hi));
        let mass = far - base;
        let cdf2 = cdf.clone();
        (
            Box::new(move |x| ((cdf(z(x)) - base) / mass).clamp(0.0, 1.0)),
            Box::new(move |x| ((far - cdf2(z2(x))) / mass).clamp(0.0, 1.0)),
        )
    }
}

/// A normal truncated to [lo, hi], through libm's erfc.
pub(super) fn normal_reference(mean: f64, sd: f64, (lo, hi): (f64, f64)) -> (Cdf, Cdf) {
    let z = move |x: f64| (x - mean) / sd;
    truncated(z, phi, phi_upper, (z(lo), z(hi)))
}

/// ln x in units of sigma from mu, −∞ at and below 0.
fn log_units(mu: f64, sigma: f64) -> impl Fn(f64) -> f64 + Clone + 'static {
    move |x: f64| {
        if x <= 0.0 {
            f64::NEG_INFINITY
        } else {
            (x.ln() - mu) / sigma
        }
    }
}

/// A lognormal truncated to [lo, hi], through libm's erfc.
pub(super) fn lognormal_reference(mu: f64, sigma: f64, (lo, hi): (f64, f64)) -> (Cdf, Cdf) {
    let z = log_units(mu, sigma);
    let bounds = (z(lo), z(hi));
    truncated(z, phi, phi_upper, bounds)
}

/// P(T ≤ t) for a Student's t. statrs forms it from I_h(ν/2, ½) with h = ν/(ν + t²), which
/// rounds t away near 0 (off by 3e-8 at t = 4e-8); near 0 this uses P(|T| ≤ |t|) = I_x(½, ν/2)
/// with x = t²/(ν + t²) instead, exact for small t.
fn t_cdf(df: f64, t: f64) -> f64 {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    if t.abs() < 1.0 {
        let inner = 0.5 * statrs::function::beta::beta_reg(0.5, df / 2.0, t * t / (df + t * t));
        if t < 0.0 { 0.5 - inner } else { 0.5 + inner }
    } else if t.is_infinite() {
        f64::from(t > 0.0)
    } else if t < 0.0 {
        StudentsT::new(0.0, 1.0, df).unwrap().cdf(t)
    } else {
        1.0 - t_cdf(df, -t)
    }
}

/// A log-t truncated to [lo, hi], through [`t_cdf`].
fn log_t_reference(df: f64, mu: f64, sigma: f64, (lo, hi): (f64, f64)) -> (Cdf, Cdf) {
    let z = log_units(mu, sigma);
    let bounds = (z(lo), z(hi));
    truncated(z, move |t| t_cdf(df, t), move |t| t_cdf(df, -t), bounds)
}

/// ∫ₐᵇ f by 5-point Gauss–Legendre: exact to rounding for a density that is a polynomial of
/// degree 9 or less across [a, b], which any smooth density is across a range this narrow.
fn gauss_legendre(f: &dyn Fn(f64) -> f64, a: f64, b: f64) -> f64 {
    const NODES: [(f64, f64); 5] = [
        (0.0, 0.568_888_888_888_888_9),
        (0.538_469_310_105_683_1, 0.478_628_670_499_366_5),
        (-0.538_469_310_105_683_1, 0.478_628_670_499_366_5),
        (0.906_179_845_938_664, 0.236_926_885_056_189_1),
        (-0.906_179_845_938_664, 0.236_926_885_056_189_1),
    ];
    let (m, h) = (0.5 * (a + b), 0.5 * (b - a));
    h * NODES.iter().map(|(x, w)| w * f(m + h * x)).sum::<f64>()
}

/// The CDF of a density truncated to a narrow [a, b], integrated from whichever end is nearer,
/// so that it has the relative precision a difference of two CDF values near ½ lacks.
fn narrow_reference(pdf: impl Fn(f64) -> f64 + Clone + 'static, a: f64, b: f64) -> (Cdf, Cdf) {
    let pdf2 = pdf.clone();
    let mass = gauss_legendre(&pdf, a, b);
    (
        Box::new(move |x| gauss_legendre(&pdf, a, x.max(a).min(b)) / mass),
        Box::new(move |x| gauss_legendre(&pdf2, x.max(a).min(b), b) / mass),
    )
}

#[test]
fn beta_pert_gamma_and_log_t_meet_the_bound_where_statrs_is_accurate() {
    let shapes = [MIN_SHAPE, 1.0, 2.5, 5.0];
    let mut cases = Vec::new();
    for &a in &shapes {
        for &b in &shapes {
            cases.push(Dist::new(Beta::new(a, b, 0.0, 1.0).unwrap()));
        }
        cases.push(Dist::new(Gamma::new(a, 1.0).unwrap()));
        cases.push(Dist::new(Gamma::new(a, 1e-300).unwrap()));
        cases.push(Dist::new(Gamma::new(a, 1e300).unwrap()));
    }
    for (min, mode, max) in [
        (0.33, 0.40, 0.45),
        (0.0, 0.0, 1.0),
        (0.0, 1.0, 1.0),
        (-5.0, 0.0, 5.0),
    ] {
        for lambda in [0.5, 1.0, 4.0] {
            cases.push(Dist::new(Beta::pert(min, mode, max, lambda).unwrap()));
        }
    }
    cases.push(Dist::new(Beta::new(2.0, 3.0, 1e300, 1.5e300).unwrap()));
    cases.push(Dist::new(Beta::new(MIN_SHAPE, 2.0, -8e307, 8e307).unwrap()));
    for d in &cases {
        let (cdf, sf) = own(d);
        assert_meets_bound(d, &cdf, &sf);
    }
    for df in [1.0, 2.0, 3.0, 5.0] {
        // A small σ puts the table's ends (where e^x leaves the doubles) 7e4 units of t out.
        // |μ|/σ stays below 1e3: the reference's (ln x − μ)/σ loses digits beyond.
        for (mu, sigma) in [(0.0, 1.0), (-1.0, 0.4), (5.0, 3.0), (-6.0, 0.01)] {
            let d = Dist::new(LogT::new(df, mu, sigma).unwrap());
            let (cdf, sf) = log_t_reference(df, mu, sigma, (0.0, INF));
            assert_meets_bound(&d, &cdf, &sf);
        }
    }
}

#[test]
fn truncations_meet_the_bound_in_far_tails_and_narrow_ranges() {
    let beta = |a, b| Beta::new(a, b, 0.0, 1.0).unwrap();
    let cases = [
        Dist::truncated(Gamma::new(2.0, 1.0).unwrap(), 45.0, INF).unwrap(),
        Dist::truncated(Gamma::new(2.0, 1.0).unwrap(), 300.0, 301.0).unwrap(),
        Dist::truncated(Gamma::new(2.0, 1.0).unwrap(), 0.0, 0.5).unwrap(),
        Dist::truncated(Gamma::new(MIN_SHAPE, 1.0).unwrap(), 1e-12, 1e-6).unwrap(),
        Dist::truncated(beta(2.0, 3.0), 0.9999, 1.0).unwrap(),
        Dist::truncated(beta(2.0, 3.0), 0.1, 0.2).unwrap(),
        Dist::truncated(beta(MIN_SHAPE, MIN_SHAPE), 0.999, 1.0).unwrap(),
        Dist::truncated(beta(5.0, 1.0), -1.0, 0.5).unwrap(),
        Dist::truncated(Triangular::new(0.0, 1.0, 4.0).unwrap(), 0.5, 3.0).unwrap(),
        Dist::truncated(Triangular::new(0.0, 0.0, 4.0).unwrap(), 1.0, INF).unwrap(),
        Dist::truncated(Weibull::new(1.5, 2.0).unwrap(), 40.0, INF).unwrap(),
        Dist::truncated(Weibull::new(MIN_SHAPE, 1.0).unwrap(), 1.0, 3.0).unwrap(),
        Dist::truncated(Uniform::new(2.0, 5.0).unwrap(), 3.0, 10.0).unwrap(),
        Dist::truncated(TestExponential::new(2.0).unwrap(), 1.0, 2.0).unwrap(),
    ];
    for d in &cases {
        let (cdf, sf) = own(d);
        assert_meets_bound(d, &cdf, &sf);
    }
    for (df, mu, sigma, bounds) in [
        (3.0, 0.0, 1.0, (1.0, INF)),
        (1.0, 0.0, 1.0, (1e-3, 1e3)),
        (2.0, -1.0, 0.4, (0.02, 1.0)),
        (1.0, 0.0, 1.0, (1e-300, 1e300)),
    ] {
        let d = Dist::truncated(LogT::new(df, mu, sigma).unwrap(), bounds.0, bounds.1).unwrap();
        let (cdf, sf) = log_t_reference(df, mu, sigma, bounds);
        assert_meets_bound(&d, &cdf, &sf);
    }
}

#[test]
fn truncations_a_millionth_wide_and_narrower_meet_the_bound() {
    let normal = |z: f64| (-0.5 * ((z - 3.0) / 2.0).powi(2)).exp();
    let cases: Vec<(Dist, (Cdf, Cdf))> = vec![
        (
            Dist::truncated(Normal::new(3.0, 2.0).unwrap(), 3.0, 3.0 + 2e-6).unwrap(),
            narrow_reference(normal, 3.0, 3.0 + 2e-6),
        ),
        (
            Dist::truncated(Normal::new(3.0, 2.0).unwrap(), 3.0, 3.0 + 1e-12).unwrap(),
            narrow_reference(normal, 3.0, 3.0 + 1e-12),
        ),
        (
            Dist::truncated(Normal::new(-30.0, 1.0).unwrap(), 0.0, 1e-6).unwrap(),
            narrow_reference(|x: f64| (-30.0 * x - 0.5 * x * x).exp(), 0.0, 1e-6),
        ),
        (
            Dist::truncated(Beta::new(2.0, 2.0, 0.0, 1.0).unwrap(), 0.5, 0.5 + 1e-9).unwrap(),
            narrow_reference(|y: f64| y * (1.0 - y), 0.5, 0.5 + 1e-9),
        ),
        (
            Dist::truncated(
                Beta::new(MAX_SHAPE, MAX_SHAPE, 0.0, 1.0).unwrap(),
                0.5,
                0.5 + 1e-6,
            )
            .unwrap(),
            narrow_reference(
                |y: f64| ((MAX_SHAPE - 1.0) * (-4.0 * (y - 0.5) * (y - 0.5)).ln_1p()).exp(),
                0.5,
                0.5 + 1e-6,
            ),
        ),
        (
            Dist::truncated(Gamma::new(2.0, 1.0).unwrap(), 0.5, 0.5 + 1e-9).unwrap(),
            narrow_reference(|z: f64| z * (-z).exp(), 0.5, 0.5 + 1e-9),
        ),
        (
            Dist::truncated(Triangular::new(0.0, 1.0, 4.0).unwrap(), 1.0, 1.0 + 1e-9).unwrap(),
            narrow_reference(|x: f64| 4.0 - x, 1.0, 1.0 + 1e-9),
        ),
        (
            Dist::truncated(Weibull::new(2.0, 1.0).unwrap(), 2.0, 2.0 + 1e-9).unwrap(),
            narrow_reference(|x: f64| x * (-x * x).exp(), 2.0, 2.0 + 1e-9),
        ),
        (
            Dist::truncated(
                LogNormal::new(30.0, 1.0).unwrap(),
                1.5e13,
                1.5e13 * (1.0 + 1e-6),
            )
            .unwrap(),
            narrow_reference(
                |x: f64| (-0.5 * (x.ln() - 30.0).powi(2)).exp() / x,
                1.5e13,
                1.5e13 * (1.0 + 1e-6),
            ),
        ),
    ];
    for (d, (cdf, sf)) in &cases {
        assert_meets_bound(d, cdf, sf);
    }
}

#[test]
fn normals_and_lognormals_meet_the_bound_against_libm() {
    let (m, s) = (3.0, 2.0);
    let sd = |k: f64| m + s * k;
    for bounds in [
        (sd(6.5), INF),
        (sd(10.0), INF),
        (sd(30.0), INF),
        (sd(6.5), sd(7.0)),
        (sd(10.0), sd(10.5)),
        (sd(30.0), sd(30.01)),
        (f64::NEG_INFINITY, sd(-10.0)),
        (sd(-30.0), sd(-29.99)),
        (sd(-7.0), sd(-6.5)),
        (f64::NEG_INFINITY, sd(0.5)),
        (sd(-1.0), sd(2.0)),
    ] {
        let d = Dist::truncated(Normal::new(m, s).unwrap(), bounds.0, bounds.1).unwrap();
        let (cdf, sf) = normal_reference(m, s, bounds);
        assert_meets_bound(&d, &cdf, &sf);
    }
    for (mean, sd) in [(0.0, 1.0), (-1e300, 1e300), (5.0, 1e-300)] {
        let d = Dist::new(Normal::new(mean, sd).unwrap());
        let (cdf, sf) = normal_reference(mean, sd, (f64::NEG_INFINITY, INF));
        assert_meets_bound(&d, &cdf, &sf);
    }
    for (mu, sigma) in [(0.0, 0.1), (1.0, 1.0), (0.0, 5.0), (2.0, 20.0)] {
        let d = Dist::new(LogNormal::new(mu, sigma).unwrap());
        let (cdf, sf) = lognormal_reference(mu, sigma, (0.0, INF));
        assert_meets_bound(&d, &cdf, &sf);
    }
    for (mu, sigma, bounds) in [
        (0.0, 2.5, (0.5, INF)),
        (1.0, 0.5, (6f64.exp(), INF)),
        (1.0, 0.5, (16f64.exp(), 16.05f64.exp())),
        (0.0, 20.0, (1e-300, 1e300)),
    ] {
        let d = Dist::truncated(LogNormal::new(mu, sigma).unwrap(), bounds.0, bounds.1).unwrap();
        let (cdf, sf) = lognormal_reference(mu, sigma, bounds);
        assert_meets_bound(&d, &cdf, &sf);
    }
}

#[test]
fn extreme_shapes_meet_the_bound_against_closed_forms() {
    let pi = std::f64::consts::PI;
    let cases: Vec<(Dist, Cdf, Cdf)> = vec![
        // Beta(α, 1): F = y^α; Beta(1, β): 1 − F = (1 − y)^β.
        (
            Dist::new(Beta::new(MAX_SHAPE, 1.0, 0.0, 1.0).unwrap()),
            Box::new(|y: f64| (MAX_SHAPE * y.ln()).exp()),
            Box::new(|y: f64| -(MAX_SHAPE * y.ln()).exp_m1()),
        ),
        (
            Dist::new(Beta::new(1.0, MAX_SHAPE, 0.0, 1.0).unwrap()),
            Box::new(|y: f64| -(MAX_SHAPE * (-y).ln_1p()).exp_m1()),
            Box::new(|y: f64| (MAX_SHAPE * (-y).ln_1p()).exp()),
        ),
        (
            Dist::new(Beta::new(MIN_SHAPE, 1.0, 0.0, 1.0).unwrap()),
            Box::new(|y: f64| y.max(0.0).sqrt()),
            Box::new(|y: f64| 1.0 - y.max(0.0).sqrt()),
        ),
        // The arcsine, Beta(½, ½): F = (2/π) asin √y, each tail from its own end.
        (
            Dist::new(Beta::new(MIN_SHAPE, MIN_SHAPE, 0.0, 1.0).unwrap()),
            Box::new(move |y: f64| 2.0 / pi * y.clamp(0.0, 1.0).sqrt().asin()),
            Box::new(move |y: f64| 2.0 / pi * (1.0 - y).clamp(0.0, 1.0).sqrt().asin()),
        ),
        // Gamma(1): the exponential; Gamma(½): F = erf √z.
        (
            Dist::new(Gamma::new(1.0, 1.0).unwrap()),
            Box::new(|z: f64| -(-z.max(0.0)).exp_m1()),
            Box::new(|z: f64| (-z.max(0.0)).exp()),
        ),
        (
            Dist::new(Gamma::new(MIN_SHAPE, 1.0).unwrap()),
            Box::new(|z: f64| libm::erf(z.max(0.0).sqrt())),
            Box::new(|z: f64| libm::erfc(z.max(0.0).sqrt())),
        ),
        // The log-Cauchy: P(T ≤ t) = atan2(1, −t)/π, precise in both tails.
        (
            Dist::new(LogT::new(1.0, 0.0, 1.0).unwrap()),
            Box::new(move |x: f64| (1f64).atan2(-x.ln()) / pi),
            Box::new(move |x: f64| (1f64).atan2(x.ln()) / pi),
        ),
        // The t with 2 degrees of freedom: P(T ≤ −|t|) = 1 / (√(2 + t²)(√(2 + t²) + |t|)).
        (
            Dist::new(LogT::new(2.0, 0.0, 1.0).unwrap()),
            Box::new(|x: f64| t2_lower(x.ln())),
            Box::new(|x: f64| t2_lower(-x.ln())),
        ),
    ];
    for (d, cdf, sf) in &cases {
        assert_meets_bound(d, cdf, sf);
    }
}

/// P(T ≤ t) for a t with 2 degrees of freedom, without cancellation in either tail.
fn t2_lower(t: f64) -> f64 {
    let r = (2.0 + t * t).sqrt();
    if t <= 0.0 {
        1.0 / (r * (r - t))
    } else {
        1.0 - 1.0 / (r * (r + t))
    }
}

/// Asserts the inverse reproduces 40-digit rows [s, F, 1 − F, f] of a family in its coordinate
/// s (x itself, or ln x for the log-t): ŝ at F (or, above ½, at 1 − F from above) may differ from
/// s by U_ERROR / f, plus a few ulps of s (the resolution of any quantile, and of ln x̂) and the
/// rounding of F to a double.
fn assert_matches_references(d: &Dist, rows: &[[f64; 4]], coordinate: fn(f64) -> f64) {
    let inv = Inverse::new(d).unwrap();
    for &[s, below, above, density] in rows {
        let x = if below <= 0.5 {
            inv.at(below)
        } else {
            inv.at_upper(above)
        };
        let err = density * (coordinate(x) - s).abs();
        let resolution = 4.0 * (s.abs().max(1.0).next_up() - s.abs().max(1.0));
        let allowed = U_ERROR + density * resolution + 2.3e-16 * below.min(above);
        assert!(err <= allowed, "{d}: at {s}: u-error {err:e} > {allowed:e}");
    }
}

#[test]
fn large_shapes_meet_the_bound_against_40_digit_references() {
    let same = |x: f64| x;
    let unit = |a: f64, b: f64| Dist::new(Beta::new(a, b, 0.0, 1.0).unwrap());
    assert_matches_references(&unit(MAX_SHAPE, MAX_SHAPE), &BETA_1E5_1E5, same);
    assert_matches_references(&unit(MIN_SHAPE, MAX_SHAPE), &BETA_HALF_1E5, same);
    assert_matches_references(&unit(MAX_SHAPE, 20.0), &BETA_1E5_20, same);
    let pert = Dist::new(Beta::pert(0.0, 0.3, 1.0, 1e4).unwrap());
    assert_matches_references(&pert, &PERT_LAMBDA_1E4, same);
    let gamma = Dist::new(Gamma::new(MAX_SHAPE, 1.0).unwrap());
    assert_matches_references(&gamma, &GAMMA_1E5, same);
    let log_t = Dist::new(LogT::new(1e6, 0.0, 1.0).unwrap());
    assert_matches_references(&log_t, &STUDENT_T_1E6, f64::ln);
}

/// Every kind of distribution the inverse handles, at ordinary and extreme parameters.
pub(super) fn every_kind() -> Vec<Dist> {
    let normal = || Normal::new(3.0, 2.0).unwrap();
    let mut cases = vec![
        Dist::fixed(2.5),
        Dist::new(Discrete::new(vec![8.0, 16.0, 32.0], Some(vec![1.0, 2.0, 1.0])).unwrap()),
        Dist::new(Uniform::new(2.0, 5.0).unwrap()),
        Dist::new(Triangular::new(0.02, 0.08, 0.20).unwrap()),
        Dist::new(Triangular::new(0.0, 0.0, 1.0).unwrap()),
        Dist::new(Weibull::new(MAX_SHAPE, 1.0).unwrap()),
        Dist::new(Weibull::new(MIN_SHAPE, 1e300).unwrap()),
        Dist::new(Normal::new(1e4, 1e-3).unwrap()),
        Dist::new(LogNormal::new(700.0, 1.0).unwrap()),
        Dist::new(LogNormal::new(0.0, 1e300).unwrap()),
        Dist::new(LogT::new(1.0, 0.0, 30.0).unwrap()),
        Dist::new(LogT::new(3.0, 700.0, 1.0).unwrap()),
        Dist::new(Gamma::new(MAX_SHAPE, f64::MAX).unwrap()),
        Dist::new(Gamma::new(MIN_SHAPE, f64::MIN_POSITIVE).unwrap()),
        Dist::new(Beta::new(MAX_SHAPE, MIN_SHAPE, 0.0, 1.0).unwrap()),
        Dist::new(Beta::new(20.0, MAX_SHAPE, 1e-300, 2e-300).unwrap()),
        Dist::new(Beta::pert(0.0, 1.0, 1.0, 100.0).unwrap()),
        Dist::truncated(normal(), 63.0, INF).unwrap(),
        Dist::truncated(normal(), 63.0, 63.02).unwrap(),
        Dist::truncated(normal(), f64::NEG_INFINITY, -63.0).unwrap(),
        Dist::truncated(normal(), 3.0, 3.0 + 1e-12).unwrap(),
        Dist::truncated(Normal::new(1e300, 1.0).unwrap(), 0.0, 2e300).unwrap(),
        Dist::truncated(LogNormal::new(0.0, 1.0).unwrap(), 8f64.exp(), INF).unwrap(),
        Dist::truncated(LogNormal::new(0.0, 1e3).unwrap(), 1e-10, 1e10).unwrap(),
        Dist::truncated(LogT::new(1.0, 0.0, 1.0).unwrap(), 1e-300, 1e300).unwrap(),
        Dist::truncated(Gamma::new(2.0, 1.0).unwrap(), 0.5, 0.5 + 1e-9).unwrap(),
        Dist::truncated(Beta::new(2.0, 2.0, 0.0, 1.0).unwrap(), 0.5, 0.5 + 1e-9).unwrap(),
        Dist::truncated(Beta::new(MAX_SHAPE, MAX_SHAPE, 0.0, 1.0).unwrap(), 0.5, INF).unwrap(),
        Dist::truncated(Triangular::new(0.0, 1.0, 4.0).unwrap(), 1.0, 1.0 + 1e-9).unwrap(),
        Dist::truncated(Weibull::new(2.0, 1.0).unwrap(), 2.0, 2.0 + 1e-9).unwrap(),
    ];
    for (min, mode, max) in [(0.0, 0.0, 1.0), (0.0, 0.5, 1.0), (0.0, 1.0, 1.0)] {
        for lambda in [1.0, 4.0, 1e3, MAX_SHAPE - 1.0] {
            cases.push(Dist::new(Beta::pert(min, mode, max, lambda).unwrap()));
        }
    }
    cases
}

#[test]
fn every_kind_is_set_up_within_the_bound() {
    for d in every_kind() {
        let inv = Inverse::new(&d).unwrap_or_else(|e| panic!("{e}"));
        assert!(inv.max_u_error() <= U_ERROR, "{d}: {:e}", inv.max_u_error());
    }
}

#[test]
fn x_never_decreases_in_u_across_intervals_halves_and_tails() {
    let mut us = uniforms(3, 10_000);
    for k in 0..=1296 {
        let p = 10f64.powf(-324.0 + k as f64 * 0.25);
        us.push(p);
        us.push(1.0 - p);
    }
    for d in every_kind() {
        let inv = Inverse::new(&d).unwrap();
        let mut points = us.clone();
        // Neighbouring doubles at every handover and at random places inside intervals.
        for join in inv.joins().into_iter().chain(uniforms(4, 200)) {
            points.extend(around(join));
        }
        points.retain(|u| *u > 0.0 && *u < 1.0);
        points.sort_by(f64::total_cmp);
        let xs: Vec<f64> = points.iter().map(|u| inv.at(*u)).collect();
        if let Some(i) =
            (1..xs.len()).find(|&i| xs[i - 1].partial_cmp(&xs[i]).is_none_or(|o| o.is_gt()))
        {
            panic!(
                "{d}: x({:e}) = {:e} > x({:e}) = {:e}",
                points[i - 1],
                xs[i - 1],
                points[i],
                xs[i]
            );
        }
        // at_upper falls as s grows, and meets at where both are defined.
        let ss: Vec<f64> = points.iter().rev().map(|u| 1.0 - u).collect();
        let up: Vec<f64> = ss.iter().map(|s| inv.at_upper(*s)).collect();
        assert!(up.windows(2).all(|w| w[0] >= w[1]), "{d}: at_upper rises");
    }
}

#[test]
fn every_value_is_inside_the_support_and_no_u_gives_nan() {
    let us = probes_with(2_000);
    for d in every_kind() {
        let inv = Inverse::new(&d).unwrap();
        let s = d.support();
        let finite = s.lo.is_finite() && s.hi.is_finite();
        let mut xs = vec![0.0; us.len()];
        inv.fill(&us, &mut xs);
        for (u, x) in us.iter().zip(&xs) {
            assert!(
                *x >= s.lo && *x <= s.hi && (x.is_finite() || !finite),
                "{d}: x({u:e}) = {x:e} outside [{:e}, {:e}]",
                s.lo,
                s.hi
            );
        }
        for s_up in [5e-324, 1e-300, 1e-17, 0.5] {
            let x = inv.at_upper(s_up);
            assert!(x >= s.lo && x <= s.hi, "{d}: at_upper({s_up:e}) = {x:e}");
        }
        // NaN is not a probability: whatever comes out, it must not panic.
        let _ = (inv.at(f64::NAN), inv.at_upper(f64::NAN));
    }
}

#[test]
fn far_tail_truncations_never_give_infinity_in_a_million() {
    let cases = [
        Dist::truncated(Normal::new(0.0, 1.0).unwrap(), 6.5, INF).unwrap(),
        Dist::truncated(Normal::new(0.0, 1.0).unwrap(), 33.0, INF).unwrap(),
        Dist::truncated(Normal::new(0.0, 1.0).unwrap(), f64::NEG_INFINITY, -33.0).unwrap(),
        Dist::truncated(LogNormal::new(0.0, 1.0).unwrap(), 8f64.exp(), INF).unwrap(),
    ];
    let us = uniforms(99, 1_000_000);
    let mut out = vec![0.0; us.len()];
    for d in &cases {
        Inverse::new(d).unwrap().fill(&us, &mut out);
        let (lo, hi) = d.bounds().unwrap();
        let bad = out
            .iter()
            .filter(|x| !x.is_finite() || **x < lo || **x > hi)
            .count();
        assert_eq!(bad, 0, "{d}: {bad} values infinite or out of range");
    }
}

#[test]
fn draws_by_inversion_pass_a_ks_test_against_the_exact_cdf() {
    let cases = [
        Dist::new(Beta::pert(0.33, 0.40, 0.45, 4.0).unwrap()),
        Dist::new(Beta::new(MIN_SHAPE, 0.7, 0.0, 1.0).unwrap()),
        Dist::new(Gamma::new(0.6, 3.0).unwrap()),
        Dist::new(LogT::new(4.0, -1.2, 0.35).unwrap()),
        Dist::new(LogNormal::new(0.7, 0.4).unwrap()),
        Dist::new(Normal::new(3.0, 0.5).unwrap()),
        Dist::new(Triangular::new(0.02, 0.08, 0.20).unwrap()),
        Dist::new(Weibull::new(1.5, 2.0).unwrap()),
        Dist::truncated(Normal::new(0.0, 1.0).unwrap(), 2.0, 4.0).unwrap(),
        Dist::truncated(Beta::new(2.0, 2.0, 0.0, 1.0).unwrap(), 0.5, 0.5 + 1e-9).unwrap(),
    ];
    for d in &cases {
        let inv = Inverse::new(d).unwrap();
        let us = uniforms(7, N);
        let mut xs = vec![0.0; N];
        inv.fill(&us, &mut xs);
        let stat = ks_statistic(xs, |x| d.cdf(x));
        assert!(stat < ks_critical(N), "{d}: KS D = {stat:.5}");
    }
}

#[test]
fn the_step_inverse_is_dist_quantile() {
    let d =
        Dist::new(Discrete::new(vec![3.0, 1.0, 2.0, 7.0], Some(vec![0.1, 0.2, 0.3, 0.4])).unwrap());
    let inv = Inverse::new(&d).unwrap();
    let mut us = uniforms(5, 10_000);
    // Around every step, where the 1e-12 slack decides.
    for c in [0.2, 0.2 + 0.3, 0.2 + 0.3 + 0.1] {
        for offset in [-2e-12, -1e-12, -5e-13, 0.0, 5e-13, 1e-12, 1.5e-12, 2e-12] {
            us.extend(around(c + offset));
        }
    }
    for u in us {
        assert_eq!(inv.at(u), d.quantile(u), "u = {u:e}");
    }
    assert!(inv.max_u_error() <= U_ERROR);
}

#[test]
fn at_upper_is_at_of_the_complement_and_keeps_tiny_survival_probabilities() {
    for d in every_kind() {
        let inv = Inverse::new(&d).unwrap();
        // A table is read at 1 − s itself; a closed form uses its own survival form, equal to
        // rounding: 16 ulps covers a Weibull of shape ½, which squares the rounding of ln s.
        let ulps = if inv.intervals() > 0 { 0.0 } else { 16.0 };
        for k in 1..1024 {
            // Complements of multiples of 1/1024 are exact.
            let s = k as f64 / 1024.0;
            let (up, at) = (inv.at_upper(s), inv.at(1.0 - s));
            assert!(
                up == at || (up - at).abs() <= ulps * (up.abs().next_up() - up.abs()),
                "{d}: at_upper({s}) = {up:e}, at(1 − s) = {at:e}"
            );
        }
    }
    // Below 1.1e-16, 1 − s is 1: only at_upper tells s from 0.
    let d = Dist::truncated(Normal::new(0.0, 1.0).unwrap(), 6.5, INF).unwrap();
    let inv = Inverse::new(&d).unwrap();
    let (_, sf) = normal_reference(0.0, 1.0, (6.5, INF));
    // Relative to s: the tail's grid (2.3e-10) and the truncation's mass, which comes from
    // statrs's erfc (5e-11 relative).
    for s in [1e-17, 1e-50, 1e-200] {
        let x = inv.at_upper(s);
        assert!(
            (sf(x) / s - 1.0).abs() < 5e-10,
            "s = {s:e}: sf(x) = {:e}",
            sf(x)
        );
    }
}

#[test]
fn fill_is_at_for_every_u_at_every_vector_level() {
    let us = probes_with(2_000);
    for d in every_kind() {
        let inv = Inverse::new(&d).unwrap();
        for level in Level::available() {
            let mut xs = vec![0.0; us.len()];
            capped(level, || inv.fill(&us, &mut xs));
            for (u, x) in us.iter().zip(&xs) {
                assert_eq!(x.to_bits(), inv.at(*u).to_bits(), "{d} at {u:e}, {level:?}");
            }
        }
    }
}

#[test]
fn setup_is_deterministic() {
    let d = Dist::new(Beta::pert(0.33, 0.40, 0.45, 4.0).unwrap());
    let (a, b) = (Inverse::new(&d).unwrap(), Inverse::new(&d).unwrap());
    assert_eq!(a.intervals(), b.intervals());
    for u in probes() {
        assert_eq!(a.at(u).to_bits(), b.at(u).to_bits());
    }
}

#[test]
fn an_inverse_is_shared_by_reference_across_threads() {
    fn shared<T: Send + Sync + Clone>(_: &T) {}
    let inv = Inverse::new(&Dist::new(Beta::pert(0.0, 0.3, 1.0, 4.0).unwrap())).unwrap();
    shared(&inv);
    let (a, b) = std::thread::scope(|scope| {
        let a = scope.spawn(|| inv.at(0.25));
        let b = scope.spawn(|| inv.at(0.25));
        (a.join().unwrap(), b.join().unwrap())
    });
    assert_eq!(a.to_bits(), b.to_bits());
}

#[test]
fn a_failure_names_the_distribution_and_the_bound() {
    let e = InverseError {
        dist: "gamma(shape 2, scale 1)".to_string(),
        reason: "more than 4000 intervals would be needed".to_string(),
    };
    assert_eq!(
        e.to_string(),
        "the inverse CDF of gamma(shape 2, scale 1) cannot be computed to a u-error of 1e-12: \
         more than 4000 intervals would be needed"
    );
}

#[test]
fn closed_forms_are_used_where_exact_and_tables_elsewhere() {
    let table = |d: Dist| Inverse::new(&d).unwrap().intervals() > 0;
    assert!(!table(Dist::new(Normal::new(0.0, 1.0).unwrap())));
    assert!(!table(Dist::new(LogNormal::new(0.0, 1.0).unwrap())));
    assert!(!table(
        Dist::truncated(Weibull::new(2.0, 1.0).unwrap(), 1.0, 2.0).unwrap()
    ));
    assert!(!table(
        Dist::truncated(Triangular::new(0.0, 1.0, 4.0).unwrap(), 0.5, 3.0).unwrap()
    ));
    assert!(table(
        Dist::truncated(Normal::new(0.0, 1.0).unwrap(), 1.0, 2.0).unwrap()
    ));
    assert!(table(Dist::new(Beta::pert(0.0, 0.3, 1.0, 4.0).unwrap())));
    assert!(table(Dist::new(Gamma::new(2.0, 1.0).unwrap())));
    assert!(table(Dist::new(LogT::new(3.0, 0.0, 1.0).unwrap())));
}

#[test]
fn the_upper_quantile_of_a_truncation_is_measured_in_its_precise_tail() {
    // Above the median the range is measured in sf; below, in the cdf of what is left above.
    let (_, sf) = normal_reference(0.0, 1.0, (7.0, INF));
    let above = Dist::truncated(Normal::new(0.0, 1.0).unwrap(), 7.0, INF).unwrap();
    let (_, sf_below) = normal_reference(0.0, 1.0, (f64::NEG_INFINITY, -7.0));
    let below = Dist::truncated(Normal::new(0.0, 1.0).unwrap(), f64::NEG_INFINITY, -7.0).unwrap();
    for s in [1e-3, 1e-10, 1e-100] {
        let x = above.upper_quantile(s);
        assert!(
            (sf(x) / s - 1.0).abs() < 1e-9,
            "above 7: s = {s:e}, sf = {:e}",
            sf(x)
        );
        // Measured below: the range's mass Φ(−7) comes from statrs's erfc, 5e-11 relative.
        let x = below.upper_quantile(s);
        assert!(
            x <= -7.0 && (sf_below(x) - s).abs() < 1e-10,
            "below −7: s = {s:e}, x = {x}, sf = {:e}",
            sf_below(x)
        );
    }
}

/// Beta(1e5, 1e5): rows [x, P(X ≤ x), P(X > x), f(x)], by 40-digit quadrature (mpmath).
const BETA_1E5_1E5: [[f64; 4]; 14] = [
    [
        0.49217378164427217,
        1.276140507074581e-12,
        0.9999999999987239,
        8.148838281714438e-09,
    ],
    [
        0.49440984403162297,
        2.864472043180613e-07,
        0.9999997135527957,
        0.0013289713190941343,
    ],
    [
        0.49664590641897377,
        0.001349798315830222,
        0.9986502016841697,
        3.9638269843031333,
    ],
    [
        0.4977639376126492,
        0.022749996968316824,
        0.9772500030316832,
        48.2914110649553,
    ],
    [
        0.49888196880632457,
        0.15865585885750702,
        0.841344141142493,
        216.42627756094265,
    ],
    [
        0.4994409844031623,
        0.3085381438366155,
        0.6914618561633845,
        314.89697347301677,
    ],
    [
        0.49988819688063246,
        0.46017231108346646,
        0.5398276889165335,
        355.0447347778031,
    ],
    [
        0.5001118031193675,
        0.5398276889165335,
        0.46017231108346646,
        355.0447347778031,
    ],
    [
        0.5005590155968377,
        0.6914618561633845,
        0.3085381438366155,
        314.89697347301677,
    ],
    [
        0.5011180311936754,
        0.8413441411424809,
        0.15865585885751904,
        216.4262775609534,
    ],
    [
        0.5022360623873509,
        0.9772500030316859,
        0.022749996968314142,
        48.2914110649505,
    ],
    [
        0.5033540935810262,
        0.9986502016841697,
        0.001349798315830222,
        3.9638269843031333,
    ],
    [
        0.505590155968377,
        0.9999997135527957,
        2.8644720431813504e-07,
        0.0013289713190944644,
    ],
    [
        0.5078262183557278,
        0.9999999999987239,
        1.276140507074581e-12,
        8.148838281714438e-09,
    ],
];

/// Gamma(1e5, 1)
const GAMMA_1E5: [[f64; 4]; 13] = [
    [
        97786.40563788214,
        8.864485543789756e-13,
        0.9999999999991136,
        2.0452280144560462e-14,
    ],
    [
        98418.8611699158,
        2.510055744605881e-07,
        0.9999997489944256,
        4.180610808348754e-09,
    ],
    [
        99051.31670194949,
        0.0013127698795992457,
        0.9986872301204007,
        1.3749136615059416e-05,
    ],
    [
        99367.54446796632,
        0.02257912822001477,
        0.9774208717799853,
        0.00017037129695475343,
    ],
    [
        99683.77223398317,
        0.1586548497379081,
        0.8413451502620919,
        0.0007667947375472433,
    ],
    [
        99841.88611699158,
        0.30881588912510044,
        0.6911841108748996,
        0.0011149434120407244,
    ],
    [
        100000.0,
        0.5004205221103651,
        0.4995794778896348,
        0.0012615652097053005,
    ],
    [
        100158.11388300842,
        0.6917407749999465,
        0.3082592250000536,
        0.001111716142081227,
    ],
    [
        100316.22776601683,
        0.841345148448325,
        0.15865485155167505,
        0.0007635684470007186,
    ],
    [
        100632.45553203368,
        0.9770794042218464,
        0.022920595778153613,
        0.00017109120235746952,
    ],
    [
        100948.68329805051,
        0.998612486319167,
        0.001387513680833018,
        1.4280941228822772e-05,
    ],
    [
        101581.1388300842,
        0.999999673662105,
        3.2633789508069305e-07,
        5.27192000702192e-09,
    ],
    [
        102213.59436211786,
        0.9999999999981743,
        1.825674145147373e-12,
        4.033160537241735e-14,
    ],
];

/// Beta(0.5, 1e5)
const BETA_HALF_1E5: [[f64; 4]; 13] = [
    [
        1e-25,
        1.1283777566224352e-10,
        0.9999999998871623,
        564188878311217.6,
    ],
    [
        1e-20,
        3.5682437719980386e-08,
        0.9999999643175623,
        1784121885999.018,
    ],
    [
        1e-16,
        3.5682437719861455e-06,
        0.999996431756228,
        17841218859.811787,
    ],
    [
        1e-12,
        0.0003568243653057773,
        0.9996431756346942,
        178412170.75886244,
    ],
    [
        1e-10,
        0.0035682318780067557,
        0.9964317681219932,
        17841040.45047775,
    ],
    [
        1e-08,
        0.035670547260302554,
        0.9643294527396974,
        1782338.6736911593,
    ],
    [
        1e-07,
        0.11246277916729648,
        0.8875372208327035,
        558575.1607533791,
    ],
    [
        1e-06,
        0.34527883111316765,
        0.6547211688868324,
        161434.17744135103,
    ],
    [
        3e-06,
        0.5614217449924217,
        0.43857825500757824,
        76309.15707893303,
    ],
    [
        1e-05,
        0.8427013118385188,
        0.15729868816148118,
        20755.45270417736,
    ],
    [
        2e-05,
        0.9545005459730322,
        0.04549945402696776,
        5399.089902092262,
    ],
    [
        5e-05,
        0.9984347889950793,
        0.0015652110049206975,
        169.99436898970563,
    ],
    [
        0.0001,
        0.9999922596303291,
        7.740369670937545e-06,
        0.8096661289356989,
    ],
];

/// Beta(1e5, 20), whose mass lies just below 1
const BETA_1E5_20: [[f64; 4]; 9] = [
    [
        0.999487085930987,
        2.0841697500313574e-07,
        0.999999791583025,
        0.013350921804306262,
    ],
    [
        0.9995765013769912,
        4.732085694672954e-05,
        0.9999526791430533,
        2.6908861899988916,
    ],
    [
        0.9996659168229953,
        0.004921780788105336,
        0.9950782192118947,
        227.84575975786018,
    ],
    [
        0.9997106245459975,
        0.033346762304496444,
        0.9666532376955036,
        1301.3475325483898,
    ],
    [
        0.9997553322689995,
        0.15691617299037863,
        0.8430838270096214,
        4695.796816469866,
    ],
    [
        0.9998000399920016,
        0.470266149349723,
        0.529733850650277,
        8886.19693049904,
    ],
    [
        0.9998447477150038,
        0.8437428883769074,
        0.1562571116230927,
        6345.639749638993,
    ],
    [
        0.9998894554380058,
        0.9902296124567574,
        0.009770387543242552,
        874.649544510813,
    ],
    [
        0.9999341631610079,
        0.9999807524442669,
        1.9247555733152385e-05,
        4.048720655984041,
    ],
];

/// PERT(0, 0.3, 1) with lambda 1e4: Beta(3001, 7001)
const PERT_LAMBDA_1E4: [[f64; 4]; 9] = [
    [
        0.26796555131181365,
        4.2244941007832773e-13,
        0.9999999999995776,
        7.035862307014391e-10,
    ],
    [
        0.2771296772231811,
        1.9412551571019582e-07,
        0.9999998058744843,
        0.00022996448670103392,
    ],
    [
        0.28629380313454855,
        0.001246707606429682,
        0.9987532923935704,
        0.916014790806681,
    ],
    [
        0.295457929045916,
        0.15866428788737844,
        0.8413357121126216,
        53.119701773654555,
    ],
    [
        0.3000399920015997,
        0.5011603767980062,
        0.49883962320199376,
        87.05900390998848,
    ],
    [
        0.3046220549572834,
        0.8413357302884494,
        0.1586642697115506,
        52.50520529077742,
    ],
    [
        0.31378618086865084,
        0.998547184470004,
        0.0014528155299959743,
        1.0172885644152148,
    ],
    [
        0.3229503067800183,
        0.999999598375145,
        4.016248550353632e-07,
        0.00043722979126772904,
    ],
    [
        0.33211443269138574,
        0.9999999999968503,
        3.1497459243471643e-12,
        4.649904737845334e-09,
    ],
];

/// Student's t with 1e6 degrees of freedom (the log-t's log space)
const STUDENT_T_1E6: [[f64; 4]; 10] = [
    [
        -7.0,
        1.2806120556870395e-12,
        0.9999999999987194,
        9.13997877923513e-12,
    ],
    [
        -5.0,
        2.866998935445371e-07,
        0.9999997133001065,
        1.4869328706530253e-06,
    ],
    [
        -3.0,
        0.0013499312707108985,
        0.9986500687292891,
        0.004431917105672042,
    ],
    [
        -1.0,
        0.15865537491678908,
        0.841344625083211,
        0.2419706035338315,
    ],
    [
        -0.2,
        0.42074031089511443,
        0.5792596891048856,
        0.39104258855035995,
    ],
    [
        0.2,
        0.5792596891048856,
        0.42074031089511443,
        0.39104258855035995,
    ],
    [
        1.0,
        0.841344625083211,
        0.15865537491678908,
        0.2419706035338315,
    ],
    [
        3.0,
        0.9986500687292891,
        0.0013499312707108985,
        0.004431917105672042,
    ],
    [
        5.0,
        0.9999997133001065,
        2.866998935445371e-07,
        1.4869328706530253e-06,
    ],
    [
        7.0,
        0.9999999999987194,
        1.2806120556870395e-12,
        9.13997877923513e-12,
    ],
];
