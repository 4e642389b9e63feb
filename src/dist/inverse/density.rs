//! The densities the tables integrate, each in its family's standard coordinate and as a ratio
//! to its value at an anchor point, in forms that keep their relative precision.
//!
//! Only ratios are needed: the table's probabilities are normalised by the total integral, so
//! the normalising constants (ln Γ of shapes up to 1e5, where statrs loses ten digits) never
//! appear. The forms avoid the two ways double precision is lost:
//! - a shape of 1e5 multiplies the rounding of ln y by 1e5, so near the mode the ratio is
//!   written with ln(1 + x) − x (which has no cancellation) and a linear term that vanishes at
//!   the mode;
//! - a point close to the upper end of a beta (1 − y for y near 1) is carried as its distance
//!   to that end ([`Point::rest`]), which 1 − y would round away.

/// A family in its standard coordinate s.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Shape {
    /// The beta on (0, 1).
    Beta { a: f64, b: f64 },
    /// The gamma of scale 1.
    Gamma { k: f64 },
    /// The standard normal (the normal in units of sd, the lognormal in units of σ in log space).
    Normal,
    /// The standard Student's t (the log-t in units of σ in log space).
    StudentT { df: f64 },
}

/// A point of the standard coordinate, with its distance to the upper end of the support where
/// that end is finite (the beta's 1), kept apart because 1 − s loses it near 1; infinite for the
/// other families.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Point {
    pub s: f64,
    pub rest: f64,
}

impl Point {
    /// A point of a family whose support has no upper end.
    pub fn open(s: f64) -> Point {
        Point {
            s,
            rest: f64::INFINITY,
        }
    }

    /// A point of the unit interval not close to 1, whose distance to 1 is then 1 − s to a
    /// rounding relative to a number near 1.
    pub fn unit(s: f64) -> Point {
        Point { s, rest: 1.0 - s }
    }

    /// A point of the unit interval moved by at most half an ulp of 1 so that s and rest describe
    /// it exactly (s = 1 − rest with no rounding): where two halves of a table meet, one measures
    /// it by s and the other by rest, and any gap between the two would be a jump in u.
    pub fn shared(s: f64) -> Point {
        let rest = 1.0 - s;
        Point {
            s: 1.0 - rest,
            rest,
        }
    }
}

/// ln f(anchor + Δ) − ln f(anchor) for one shape and anchor, with what does not depend on Δ
/// computed once.
#[derive(Debug, Clone, Copy)]
pub(super) struct Ratio {
    shape: Shape,
    at: Point,
    /// d/dΔ of the ratio at Δ = 0, formed so that it is exact where it vanishes (the mode).
    slope: f64,
}

impl Ratio {
    pub fn new(shape: Shape, at: Point) -> Ratio {
        let slope = match shape {
            Shape::Beta { a, b } => beta_slope(a, b, at),
            Shape::Gamma { k } => (k - 1.0 - at.s) / at.s,
            Shape::Normal | Shape::StudentT { .. } => 0.0,
        };
        Ratio { shape, at, slope }
    }

    /// ln f(anchor + Δ) − ln f(anchor); Δ may be negative.
    #[inline]
    pub fn ln(&self, delta: f64) -> f64 {
        let at = self.at;
        match self.shape {
            Shape::Normal => -delta * (at.s + 0.5 * delta),
            Shape::StudentT { df } => {
                // (ν + t²) / (ν + t_a²) = 1 + Δ(2t_a + Δ) / (ν + t_a²).
                let base = df + at.s * at.s;
                let t = at.s + delta;
                -0.5 * (df + 1.0) * ln_growth(base, delta * (2.0 * at.s + delta), df + t * t)
            }
            Shape::Gamma { k } => {
                let x = delta / at.s;
                if x.abs() < SERIES {
                    (k - 1.0) * log1pmx(x) + self.slope * delta
                } else {
                    (k - 1.0) * ln_growth(at.s, delta, at.s + delta) - delta
                }
            }
            Shape::Beta { a, b } => {
                let (x, y) = (delta / at.s, -delta / at.rest);
                if x.abs() < SERIES && y.abs() < SERIES {
                    (a - 1.0) * log1pmx(x) + (b - 1.0) * log1pmx(y) + self.slope * delta
                } else {
                    (a - 1.0) * ln_growth(at.s, delta, at.s + delta)
                        + (b - 1.0) * ln_growth(at.rest, -delta, at.rest - delta)
                }
            }
        }
    }
}

/// ln((base + step) / base), given also the sum as computed: ln(1 + step / base) while the
/// step is small against the base, and the difference of the logarithms once it is not, where
/// 1 + step / base would cancel (the density far from its anchor: a t at 0 seen from 2600).
#[inline]
fn ln_growth(base: f64, step: f64, sum: f64) -> f64 {
    let x = step / base;
    if x.abs() <= 0.5 {
        x.ln_1p()
    } else {
        sum.ln() - base.ln()
    }
}

/// Below this |x|, ln(1 + x) is split into log1pmx(x) + x so that the large linear terms of
/// huge shapes cancel exactly instead of in rounding.
const SERIES: f64 = 0.25;

/// (α − 1)/y − (β − 1)/(1 − y), the derivative of ln f, written as (α + β − 2)(m − y) / (y(1 − y))
/// with m the mode, so that it is exactly 0 at the mode however large the shapes.
fn beta_slope(a: f64, b: f64, at: Point) -> f64 {
    let n = a + b - 2.0;
    let numerator = if n > 0.0 {
        // m − y, formed on whichever side of ½ keeps it exact.
        let gap = if at.s < 0.5 {
            (a - 1.0) / n - at.s
        } else {
            at.rest - (b - 1.0) / n
        };
        n * gap
    } else {
        (a - 1.0) * at.rest - (b - 1.0) * at.s
    };
    numerator / (at.s * at.rest)
}

/// ln(1 + x) − x without cancellation for small |x|: with r = x / (2 + x),
/// ln(1 + x) = 2 atanh r = 2(r + r³/3 + r⁵/5 + …) and 2r − x = −x·r.
pub(super) fn log1pmx(x: f64) -> f64 {
    if x.abs() >= SERIES {
        return x.ln_1p() - x;
    }
    let r = x / (2.0 + x);
    let r2 = r * r;
    // Σ r^{2j} / (2j + 3) for j ≤ 11: r² ≤ 0.021, so the rest is below 1e-19 of the sum.
    let mut series = 0.0;
    for j in (0..12).rev() {
        series = series * r2 + 1.0 / (2 * j + 3) as f64;
    }
    -x * r + 2.0 * r * r2 * series
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log1pmx_agrees_with_its_taylor_series_and_with_the_direct_form() {
        // Σ (−1)^(j+1) x^j / j from j = 2 for tiny x, where ln_1p(x) − x keeps almost no digits;
        // eight terms leave x⁸/8, below 1e-15 of x²/2 for these x.
        for x in [1e-8f64, -1e-8, 1e-5, -3e-5, 1e-3] {
            let series: f64 = (2..10).map(|j| -(-x).powi(j) / j as f64).sum();
            assert!((log1pmx(x) / series - 1.0).abs() < 1e-15, "x = {x}");
        }
        // Away from 0 the direct form is accurate to about 1e-16 / x², which 1e-13 covers.
        for x in [-0.24f64, -0.1, 0.05, 0.2, 0.249] {
            let direct = x.ln_1p() - x;
            assert!((log1pmx(x) / direct - 1.0).abs() < 1e-13, "x = {x}");
        }
    }

    #[test]
    fn ratios_match_the_direct_log_densities() {
        let ln_beta = |a: f64, b: f64, y: f64| (a - 1.0) * y.ln() + (b - 1.0) * (1.0 - y).ln();
        let ln_gamma = |k: f64, z: f64| (k - 1.0) * z.ln() - z;
        let ln_t = |df: f64, t: f64| -0.5 * (df + 1.0) * (t * t / df).ln_1p();
        let cases: [(Shape, f64, f64, f64); 6] = [
            (
                Shape::Beta { a: 2.0, b: 5.0 },
                0.3,
                0.1,
                ln_beta(2.0, 5.0, 0.4) - ln_beta(2.0, 5.0, 0.3),
            ),
            (
                Shape::Beta { a: 0.5, b: 0.7 },
                0.2,
                -0.15,
                ln_beta(0.5, 0.7, 0.05) - ln_beta(0.5, 0.7, 0.2),
            ),
            (
                Shape::Gamma { k: 3.0 },
                1.0,
                2.5,
                ln_gamma(3.0, 3.5) - ln_gamma(3.0, 1.0),
            ),
            (
                Shape::Gamma { k: 0.5 },
                0.2,
                0.01,
                ln_gamma(0.5, 0.21) - ln_gamma(0.5, 0.2),
            ),
            (Shape::Normal, -1.0, 3.0, -0.5 * 4.0 + 0.5),
            (
                Shape::StudentT { df: 3.0 },
                -2.0,
                5.0,
                ln_t(3.0, 3.0) - ln_t(3.0, -2.0),
            ),
        ];
        for (shape, s, delta, want) in cases {
            let at = if let Shape::Beta { .. } = shape {
                Point::unit(s)
            } else {
                Point::open(s)
            };
            let got = Ratio::new(shape, at).ln(delta);
            assert!(
                (got - want).abs() < 1e-13,
                "{shape:?} at {s} + {delta}: {got} vs {want}"
            );
        }
    }

    #[test]
    fn huge_shapes_keep_their_ratios_near_the_mode() {
        // Beta(1e5, 1e5) anchored at ½: (1 + 2d)(1 − 2d) = 1 − 4d², so the ratio is
        // (α − 1)·ln(1 − 4d²), which ln_1p gives to the last bits; summing the two logarithms
        // directly would leave 1e5 × 1e-16 of rounding in a value of 0.4.
        let r = Ratio::new(Shape::Beta { a: 1e5, b: 1e5 }, Point::unit(0.5));
        for d in [1e-5f64, 1e-3, 3e-3] {
            let exact = (1e5 - 1.0) * (-4.0 * d * d).ln_1p();
            assert!((r.ln(d) - exact).abs() < 1e-14 * exact.abs(), "d = {d}");
        }
        // Gamma(1e5) at its mode: the ratio is 0 to the last bit and negative on both sides.
        let g = Ratio::new(Shape::Gamma { k: 1e5 }, Point::open(1e5 - 1.0));
        assert_eq!(g.ln(0.0), 0.0);
        assert!(g.ln(-300.0) < 0.0 && g.ln(300.0) < 0.0);
    }

    #[test]
    fn ratios_far_from_the_anchor_keep_their_precision() {
        // A t with 3 degrees of freedom seen from t = −2600 at t = −1e-3: (ν + t²)/(ν + t_a²)
        // is 4.4e-7, which 1 + x would give to 2e-10 only.
        let r = Ratio::new(Shape::StudentT { df: 3.0 }, Point::open(-2600.0));
        let t = -1e-3f64;
        let exact = -2.0 * ((3.0 + t * t).ln() - (3.0 + 2600.0f64 * 2600.0).ln());
        assert!((r.ln(2600.0 + t) - exact).abs() < 1e-14 * exact.abs());
        // A gamma seen from z = 25 at z ≈ 1e-3 (25 + Δ is exact: the two are within a factor 2).
        let g = Ratio::new(Shape::Gamma { k: 2.5 }, Point::open(25.0));
        let delta = 1e-3f64 - 25.0;
        let z = 25.0 + delta;
        let exact = 1.5 * (z / 25.0).ln() - delta;
        assert!((g.ln(delta) - exact).abs() < 1e-14 * exact.abs());
    }

    #[test]
    fn a_point_near_one_keeps_its_distance_to_one() {
        // The anchor 1 − 1e-20 is 1.0 as a double; its rest keeps the distance, so a beta with
        // shape ½ at 1 has a finite, correct ratio between two points 1e-20 and 2e-20 from 1.
        let at = Point {
            s: 1.0,
            rest: 1e-20,
        };
        let r = Ratio::new(Shape::Beta { a: 2.0, b: 0.5 }, at);
        // Moving 1e-20 toward 1 halves the distance: (β − 1)·ln ½ = 0.5·ln 2.
        assert!((r.ln(0.5e-20) - 0.5 * 2f64.ln()).abs() < 1e-15);
    }
}
