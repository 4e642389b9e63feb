//! Building one half of a table by PINV's adaptive intervals (Derflinger, Hörmann & Leydold,
//! "Random variate generation by numerical inversion when only the density is known", ACM
//! TOMACS 20 (2010), §3–4).
//!
//! A half runs from an anchor (Δ = 0) over a length of the standard coordinate, with a density
//! g(Δ) known up to a constant. It is cut into intervals from the anchor outwards; on each, Δ is
//! interpolated as a polynomial of degree [`ORDER`] in the area U from the interval's start,
//! through Chebyshev points, in Newton's form and then expanded to powers of U. The areas
//! between nodes come from adaptive Gauss–Lobatto quadrature. An interval is kept when, at three
//! test points between each pair of nodes, the area from the node to the interpolated point
//! matches the U it was interpolated at to within the tolerance, and the polynomial is
//! increasing; otherwise it is shortened. The next interval's length follows from the error of
//! the last, as the error of an interpolation of degree n scales with the (n + 1)th power of the
//! length.

/// The degree of the interpolating polynomials: PINV's default, the cheapest to evaluate that
/// reaches 1e-12 with a few hundred intervals.
pub(super) const ORDER: usize = 5;

/// One interval of a half: where it starts and ends, its area, and Δ − start as a polynomial
/// in the area from the start (coefficients of U, U², …, U^ORDER).
#[derive(Debug, Clone)]
pub(super) struct Piece {
    pub end: f64,
    pub area: f64,
    pub coef: [f64; ORDER],
}

/// Why a half could not be built.
pub(super) type Failure = String;

/// A half waiting to be built: its density relative to the anchor, how far it runs, the
/// longest interval it may have, and how far behind the anchor the support ends (where a beta's
/// or gamma's density may be infinite or 0; infinite when nothing ends there).
pub(super) struct Half<'a> {
    pub density: &'a dyn Fn(f64) -> f64,
    pub length: f64,
    pub max_step: f64,
    pub pole: f64,
}

/// Intervals per half beyond which the tolerance is out of reach (a few hundred are normal).
const MAX_PIECES: usize = 4000;

/// Quadrature runs this much tighter than the interpolation, so that its error does not count.
const QUADRATURE: f64 = 1e-2;

/// Where between two nodes the interpolation error is measured: its maxima lie near the middle
/// of each gap.
const TEST_POINTS: [f64; 3] = [0.25, 0.5, 0.75];

/// The half's total area to about 1e-8, which sets the scale of the tolerance before the
/// intervals exist (their own areas, far more precise, normalise the table).
pub(super) fn rough_area(half: &Half) -> f64 {
    if half.length <= 0.0 {
        return 0.0;
    }
    let g = half.density;
    let panels = 32;
    let width = half.length / panels as f64;
    let coarse: f64 = (0..panels)
        .map(|i| {
            let (a, b) = (i as f64 * width, (i + 1) as f64 * width);
            lobatto(g, a, b, g(a), g(b)).0
        })
        .sum();
    area(g, half.pole, 0.0, half.length, 1e-8 * coarse)
}

/// The intervals of a half, to an interpolation error of `tol` in area.
pub(super) fn build(half: &Half, tol: f64) -> Result<Vec<Piece>, Failure> {
    let mut pieces = Vec::new();
    let mut start = 0.0;
    let mut step = (half.length / 16.0).min(half.max_step);
    let mut tries = 0;
    while start < half.length {
        tries += 1;
        if tries > 20 * MAX_PIECES || pieces.len() >= MAX_PIECES {
            return Err(format!("more than {MAX_PIECES} intervals would be needed"));
        }
        let remaining = half.length - start;
        let end = if step >= 0.75 * remaining {
            half.length
        } else {
            start + step
        };
        let h = end - start;
        match piece(half, start, end, tol) {
            Ok((p, err)) => {
                pieces.push(p);
                start = end;
                step = (h * next_factor(err, tol).clamp(0.5, 2.0)).min(half.max_step);
            }
            Err(err) => {
                step = h * next_factor(err, tol).clamp(0.1, 0.7);
                if start + step <= start {
                    return Err(format!(
                        "no interval from {start:e} in the standard coordinate meets the bound"
                    ));
                }
            }
        }
    }
    Ok(pieces)
}

/// How much to scale an interval whose interpolation error was `err`: the error goes as the
/// length to the power ORDER + 1; a failed shape check halves it.
fn next_factor(err: f64, tol: f64) -> f64 {
    if err.is_nan() || err.is_infinite() {
        0.5
    } else if err <= 0.0 {
        2.0
    } else {
        0.9 * (tol / err).powf(1.0 / (ORDER + 1) as f64)
    }
}

/// Chebyshev points of [0, 1] with both ends, (1 − cos(iπ/n)) / 2.
fn chebyshev() -> [f64; ORDER + 1] {
    std::array::from_fn(|i| 0.5 * (1.0 - (i as f64 * std::f64::consts::PI / ORDER as f64).cos()))
}

/// The interval [start, end] if its interpolation meets `tol`, with its error; else the error
/// (infinite when the interpolation is not increasing or a density value is unusable).
fn piece(half: &Half, start: f64, end: f64, tol: f64) -> Result<(Piece, f64), f64> {
    let g = half.density;
    let h = end - start;
    let mut x = chebyshev().map(|c| start + h * c);
    x[ORDER] = end;
    if x.windows(2).any(|w| w[0] >= w[1]) {
        return Err(f64::INFINITY);
    }
    let gx = x.map(g);
    let mut u = [0.0; ORDER + 1];
    for i in 1..=ORDER {
        let a = if spans_orders(half.pole, x[i - 1], x[i]) {
            area(g, half.pole, x[i - 1], x[i], tol * QUADRATURE)
        } else {
            refine(g, x[i - 1], x[i], gx[i - 1], gx[i], tol * QUADRATURE)
        };
        if !(a > 0.0 && a.is_finite()) {
            return Err(f64::INFINITY);
        }
        u[i] = u[i - 1] + a;
    }
    let y = x.map(|xi| xi - start);
    let coef = interpolate(&u, &y);
    if coef.iter().any(|c| !c.is_finite()) || !increasing(&coef, u[ORDER]) {
        return Err(f64::INFINITY);
    }
    let mut worst = 0.0_f64;
    for i in 1..=ORDER {
        for f in TEST_POINTS {
            let t = u[i - 1] + f * (u[i] - u[i - 1]);
            let yt = horner(&coef, t);
            if !(yt >= y[i - 1] && yt <= y[i]) {
                return Err(f64::INFINITY);
            }
            let a = area(g, half.pole, x[i - 1], start + yt, tol * QUADRATURE);
            worst = worst.max((u[i - 1] + a - t).abs());
        }
    }
    if worst <= tol {
        Ok((
            Piece {
                end,
                area: u[ORDER],
                coef,
            },
            worst,
        ))
    } else {
        Err(worst)
    }
}

/// The polynomial through (u_i, y_i) with u_0 = y_0 = 0, as coefficients of u, u², …: Newton's
/// divided differences, then the nested form expanded from the innermost factor.
fn interpolate(u: &[f64; ORDER + 1], y: &[f64; ORDER + 1]) -> [f64; ORDER] {
    let mut c = *y;
    for j in 1..=ORDER {
        for i in (j..=ORDER).rev() {
            c[i] = (c[i] - c[i - 1]) / (u[i] - u[i - j]);
        }
    }
    let mut p = [0.0; ORDER + 1];
    p[0] = c[ORDER];
    for k in (0..ORDER).rev() {
        // p ← p · (t − u_k) + c_k
        let mut next = [0.0; ORDER + 1];
        for j in 0..ORDER {
            next[j + 1] += p[j];
            next[j] -= u[k] * p[j];
        }
        next[0] += c[k];
        p = next;
    }
    std::array::from_fn(|j| p[j + 1])
}

/// The polynomial without constant term, t · (c₀ + t · (c₁ + …)).
#[inline(always)]
fn horner(c: &[f64; ORDER], t: f64) -> f64 {
    t * (c[0] + t * (c[1] + t * (c[2] + t * (c[3] + t * c[4]))))
}

/// True when the derivative is positive at 33 points across [0, end].
fn increasing(c: &[f64; ORDER], end: f64) -> bool {
    (0..=32).all(|j| {
        let t = end * j as f64 / 32.0;
        let slope = c[0] + t * (2.0 * c[1] + t * (3.0 * c[2] + t * (4.0 * c[3] + t * 5.0 * c[4])));
        slope > 0.0
    })
}

/// 5-point Gauss–Lobatto weights and the position of the inner pair, √(3/7), on [−1, 1].
const W_END: f64 = 0.1;
const W_INNER: f64 = 49.0 / 90.0;
const W_MIDDLE: f64 = 32.0 / 45.0;
const INNER: f64 = 0.654_653_670_707_977_1;

/// The 5-point Gauss–Lobatto rule on [a, b] given g at the ends, and g at the middle, which
/// the halves of [a, b] reuse.
fn lobatto(g: &dyn Fn(f64) -> f64, a: f64, b: f64, ga: f64, gb: f64) -> (f64, f64) {
    let (m, h) = (0.5 * (a + b), 0.5 * (b - a));
    let gm = g(m);
    let inner = g(m - h * INNER) + g(m + h * INNER);
    (
        h * (W_END * (ga + gb) + W_INNER * inner + W_MIDDLE * gm),
        gm,
    )
}

/// ∫ₐᵇ g to an absolute `tol` (negative when b < a), by adaptive Gauss–Lobatto. `pole` is the
/// distance behind Δ = 0 at which the support ends (infinite if it does not): across an
/// interval many times longer than its distance from that end, the density of a beta or gamma
/// goes as a power of the distance, which bisection would chase through 60 halvings (a shape ½
/// anchored 1e-20 from 0), so the integral is taken in the logarithm of the distance instead,
/// where a power is an exponential and smooth.
pub(super) fn area(g: &dyn Fn(f64) -> f64, pole: f64, a: f64, b: f64, tol: f64) -> f64 {
    if a == b {
        0.0
    } else if b < a {
        -area(g, pole, b, a, tol)
    } else if spans_orders(pole, a, b) {
        // Δ = e^w − pole, dΔ = e^w dw.
        let in_log = |w: f64| {
            let e = w.exp();
            g(e - pole) * e
        };
        let (wa, wb) = ((a + pole).ln(), (b + pole).ln());
        refine(&in_log, wa, wb, in_log(wa), in_log(wb), tol)
    } else {
        refine(g, a, b, g(a), g(b), tol)
    }
}

/// True when [a, b] is long against its distance from the end of the support behind the anchor.
fn spans_orders(pole: f64, a: f64, b: f64) -> bool {
    b - a > 4.0 * (a + pole)
}

/// Bisections allowed per integral: enough to close in on a density that is singular just
/// outside the interval (a beta of shape ½ anchored 1e-20 from 0 needs about 60 levels, two
/// bisections each).
const BISECTIONS: usize = 500;

fn refine(g: &dyn Fn(f64) -> f64, a: f64, b: f64, ga: f64, gb: f64, tol: f64) -> f64 {
    let mut budget = BISECTIONS;
    let (whole, gm) = lobatto(g, a, b, ga, gb);
    bisect(g, [a, b], [ga, gm, gb], whole, tol, &mut budget)
}

/// Splits [a, b] in two until the halves' sum agrees with the whole to `tol`, then returns the
/// sum (the more accurate of the two).
fn bisect(
    g: &dyn Fn(f64) -> f64,
    [a, b]: [f64; 2],
    [ga, gm, gb]: [f64; 3],
    whole: f64,
    tol: f64,
    budget: &mut usize,
) -> f64 {
    let m = 0.5 * (a + b);
    let (left, gl) = lobatto(g, a, m, ga, gm);
    let (right, gr) = lobatto(g, m, b, gm, gb);
    let sum = left + right;
    // The sum's own rounding is a floor below which halving again cannot help.
    let floor = 16.0 * f64::EPSILON * sum.abs();
    if (sum - whole).abs() <= tol.max(floor)
        || !sum.is_finite()
        || *budget == 0
        || !(a < m && m < b)
    {
        return sum;
    }
    *budget -= 1;
    bisect(g, [a, m], [ga, gl, gm], left, tol, budget)
        + bisect(g, [m, b], [gm, gr, gb], right, tol, budget)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolation_reproduces_a_polynomial_of_its_degree() {
        let p = |t: f64| t * (1.0 + t * (-0.5 + t * (0.25 + t * (0.1 + t * 0.02))));
        let u = [0.0, 0.1, 0.35, 0.6, 0.9, 1.0];
        let coef = interpolate(&u, &u.map(p));
        for (got, want) in coef.iter().zip([1.0, -0.5, 0.25, 0.1, 0.02]) {
            assert!((got - want).abs() < 1e-12, "{coef:?}");
        }
    }

    #[test]
    fn lobatto_quadrature_is_exact_for_degree_seven_and_adapts_to_a_singularity() {
        let g = |x: f64| 8.0 * x.powi(7);
        let far = f64::INFINITY;
        assert!((area(&g, far, 0.0, 1.0, 1e-15) - 1.0).abs() < 1e-15);
        // ∫ x^(−1/2) from 1e-20 to 1 = 2 − 2e-10, by bisection, and in log space for the density
        // seen from 1e-20, whose support ends 1e-20 behind.
        let s = |x: f64| 1.0 / x.sqrt();
        let a = area(&s, far, 1e-20, 1.0, 1e-14);
        assert!((a - (2.0 - 2e-10)).abs() < 1e-12, "{a}");
        assert!(
            (area(&s, far, 1.0, 1e-20, 1e-14) + a).abs() < 1e-15,
            "reversed bounds negate"
        );
        let seen = |d: f64| s(1e-20 + d);
        let b = area(&seen, 1e-20, 0.0, 1.0 - 1e-20, 1e-14);
        assert!((b - (2.0 - 2e-10)).abs() < 1e-12, "{b}");
    }

    #[test]
    fn a_half_of_the_exponential_is_tabulated_to_the_tolerance() {
        // g = e^(−Δ) on [0, 20]: the inverse is −ln(1 − U), whose logarithmic end at 1 takes
        // intervals shrinking with 1 − U, a couple of hundred in all.
        let g = |d: f64| (-d).exp();
        let half = Half {
            density: &g,
            length: 20.0,
            max_step: f64::INFINITY,
            pole: f64::INFINITY,
        };
        let pieces = build(&half, 1e-13).unwrap();
        assert!(pieces.len() < 400, "{} intervals", pieces.len());
        let total: f64 = pieces.iter().map(|p| p.area).sum();
        assert!((total - (1.0 - (-20f64).exp())).abs() < 1e-14);
        assert_eq!(pieces.last().unwrap().end, 20.0);
        // Each interval's polynomial inverts the exact CDF 1 − e^(−Δ) to the tolerance.
        let mut start = 0.0;
        let mut below = 0.0;
        for p in &pieces {
            for j in 1..20 {
                let t = p.area * j as f64 / 20.0;
                let d = start + horner(&p.coef, t);
                let exact = -(-(below + t)).ln_1p();
                let err = ((-exact).exp() - (-d).exp()).abs();
                assert!(err < 2e-13, "at U = {}: {d} vs {exact}", below + t);
            }
            start = p.end;
            below += p.area;
        }
    }
}
