//! Where a table family is tabulated: its standard coordinate s, the map from s to x, the
//! standard law truncated like the distribution (for the exact quantiles at the table's ends
//! and its split), and the truncation bounds the table may start from exactly.
//!
//! The table is built in s rather than in x so that it does not depend on the scale or location
//! (a gamma of scale 1e-300 or a normal of mean 1e300 has the same table as one of scale 1),
//! and so that a lognormal or log-t, whose x spans hundreds of orders of magnitude, is
//! tabulated where it is smooth (log space). A beta whose mass lies above ½ is tabulated as its
//! mirror image Beta(β, α) in the distance to max, because y near 1 has no digits left for
//! 1 − y.

use statrs::distribution::{ContinuousCDF, StudentsT};

use super::density::{Point, Shape};
use crate::dist::families::{Beta, Gamma, LogNormal, LogT, Normal};
use crate::dist::{Dist, Family, Truncation};

/// How x follows from the standard coordinate s. When the frame is flipped, the map gives −x.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Map {
    /// x = origin + scale · s.
    Affine { origin: f64, scale: f64 },
    /// x = exp(mu + sigma · s).
    Exp { mu: f64, sigma: f64 },
}

impl Map {
    pub fn x(&self, s: f64) -> f64 {
        match *self {
            Map::Affine { origin, scale } => origin + scale * s,
            Map::Exp { mu, sigma } => (mu + sigma * s).exp(),
        }
    }

    pub fn s(&self, x: f64) -> f64 {
        match *self {
            Map::Affine { origin, scale } => (x - origin) / scale,
            Map::Exp { mu, sigma } => (x.ln() - mu) / sigma,
        }
    }

    pub fn scale(&self) -> f64 {
        match *self {
            Map::Affine { scale, .. } => scale,
            Map::Exp { sigma, .. } => sigma,
        }
    }

    /// x at a step Δ in s from a point whose x is the double `from`, rounded once, so that a
    /// table starting at a truncation bound keeps every digit of the bound.
    pub fn step(&self, from: f64, delta: f64) -> f64 {
        match *self {
            Map::Affine { scale, .. } => from + scale * delta,
            Map::Exp { sigma, .. } => {
                let e = sigma * delta;
                // exp(e) alone overflows past 709 where from · exp(e) need not.
                if e.abs() < 600.0 {
                    from * e.exp()
                } else {
                    (from.ln() + e).exp()
                }
            }
        }
    }

    /// Where the table's x may lie: finite, and for the exponential map a positive normal double,
    /// so that a table value x_ref · exp(·) never meets 0 · ∞. Beyond, the exact tails take over.
    pub fn range(&self) -> (f64, f64) {
        match self {
            Map::Affine { .. } => (-0.5 * f64::MAX, 0.5 * f64::MAX),
            Map::Exp { .. } => (f64::MIN_POSITIVE, 0.5 * f64::MAX),
        }
    }
}

/// The standard law truncated like the distribution.
#[derive(Debug, Clone)]
pub(super) enum Window {
    /// A family of location 0 and scale 1 as a [`Dist`]; for a beta also its mirror image, whose
    /// lower quantiles are the distances to 1 that 1 − y would lose.
    Family {
        dist: Box<Dist>,
        mirror: Option<Box<Dist>>,
    },
    /// The standard Student's t, which is not a family of its own (the log-t is).
    StudentT {
        law: LogT,
        t: StudentsT,
        /// A truncation of the standard t, measured as a [`Truncation`] is.
        cut: Option<Truncation>,
    },
}

impl Window {
    /// The point with a share p of the mass below it, precise for small p.
    pub fn lower_point(&self, p: f64) -> Point {
        match self {
            Window::Family { dist, mirror: None } => Point::open(dist.quantile(p)),
            Window::Family { dist, .. } => Point::unit(dist.quantile(p)),
            Window::StudentT { law, cut, .. } => Point::open(match cut {
                None => -law.standard_upper(p),
                Some(c) if c.upper_tail => {
                    clamp(c, law.standard_upper(c.base + (1.0 - p) * c.mass))
                }
                Some(c) => clamp(c, -law.standard_upper(c.base + p * c.mass)),
            }),
        }
    }

    /// The point with a share s of the mass above it, precise for small s.
    pub fn upper_point(&self, s: f64) -> Point {
        match self {
            Window::Family {
                mirror: Some(mirror),
                ..
            } => {
                let rest = mirror.quantile(s);
                Point {
                    s: 1.0 - rest,
                    rest,
                }
            }
            Window::Family { dist, .. } => Point::open(dist.upper_quantile(s)),
            Window::StudentT { law, cut, .. } => Point::open(match cut {
                None => law.standard_upper(s),
                Some(c) if c.upper_tail => clamp(c, law.standard_upper(c.base + s * c.mass)),
                Some(c) => clamp(c, -law.standard_upper(c.base + (1.0 - s) * c.mass)),
            }),
        }
    }

    /// P(S ≤ s), precise where it is small.
    pub fn cdf(&self, s: f64) -> f64 {
        match self {
            Window::Family { dist, .. } => dist.cdf(s),
            Window::StudentT { t, cut, .. } => match cut {
                None => t_cdf(t, s),
                Some(c) => c.cdf(s, |v| t_cdf(t, v), |v| t_sf(t, v)),
            },
        }
    }

    /// P(S > s), precise where it is small.
    pub fn sf(&self, s: f64) -> f64 {
        match self {
            Window::Family { dist, .. } => dist.sf(s),
            Window::StudentT { t, cut, .. } => match cut {
                None => t_sf(t, s),
                Some(c) => c.sf(s, |v| t_cdf(t, v), |v| t_sf(t, v)),
            },
        }
    }
}

fn clamp(c: &Truncation, t: f64) -> f64 {
    t.clamp(c.lower, c.upper)
}

fn t_cdf(t: &StudentsT, x: f64) -> f64 {
    if x.is_infinite() {
        f64::from(x > 0.0)
    } else {
        t.cdf(x)
    }
}

fn t_sf(t: &StudentsT, x: f64) -> f64 {
    if x.is_infinite() {
        f64::from(x < 0.0)
    } else {
        t.sf(x)
    }
}

/// A table family in its standard coordinate.
#[derive(Debug, Clone)]
pub(super) struct Frame {
    pub shape: Shape,
    pub window: Window,
    pub map: Map,
    /// True when the table is of the mirror image, so that u maps to 1 − u and the map gives −x.
    pub flip: bool,
    /// x (−x when flipped) at the upper end of a bounded standard coordinate, s = 1.
    pub top: Option<f64>,
    /// Truncation bounds inside the family's support, where the table may start exactly: the
    /// bound's standard point and its x (−x when flipped).
    pub lower: Option<(Point, f64)>,
    pub upper: Option<(Point, f64)>,
}

/// The frame of a distribution tabulated by numerical inversion; `None` when its family has
/// none or its truncation cannot be written in the standard coordinate (bounds that round
/// together there), which leaves it to the exact quantile.
pub(super) fn frame(dist: &Dist) -> Option<Frame> {
    let bounds = dist.bounds();
    match dist.family() {
        Family::Beta(b) => beta(b, bounds),
        Family::Gamma(g) => gamma(g, bounds),
        Family::Normal(n) => normal(n, bounds?),
        Family::LogNormal(l) => lognormal(l, bounds?),
        Family::LogT(l) => log_t(l, bounds),
        _ => None,
    }
}

/// The standard family truncated to the standardized bounds, or untruncated.
fn standard(family: impl Into<Family>, bounds: Option<(f64, f64)>) -> Option<Dist> {
    match bounds {
        None => Some(Dist::new(family)),
        Some((lo, hi)) => Dist::truncated(family, lo, hi).ok(),
    }
}

fn beta(b: &Beta, bounds: Option<(f64, f64)>) -> Option<Frame> {
    let (alpha, beta, min, max) = (b.alpha, b.beta, b.min, b.max);
    let width = max - min;
    let y = |x: f64| (x - min) / width;
    let rest = |x: f64| (max - x) / width;
    let up = standard(
        Beta::new(alpha, beta, 0.0, 1.0).ok()?,
        bounds.map(|(lo, hi)| (y(lo), y(hi))),
    )?;
    let down = standard(
        Beta::new(beta, alpha, 0.0, 1.0).ok()?,
        bounds.map(|(lo, hi)| (rest(hi), rest(lo))),
    )?;
    let (lo, hi) = bounds.unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
    let at_lo = (lo > min).then(|| Point {
        s: y(lo),
        rest: rest(lo),
    });
    let at_hi = (hi < max).then(|| Point {
        s: y(hi),
        rest: rest(hi),
    });
    let mirrored = |p: Point| Point {
        s: p.rest,
        rest: p.s,
    };
    Some(if up.quantile(0.5) <= 0.5 {
        Frame {
            shape: Shape::Beta { a: alpha, b: beta },
            window: Window::Family {
                dist: Box::new(up),
                mirror: Some(Box::new(down)),
            },
            map: Map::Affine {
                origin: min,
                scale: width,
            },
            flip: false,
            top: Some(max),
            lower: at_lo.map(|p| (p, lo)),
            upper: at_hi.map(|p| (p, hi)),
        }
    } else {
        Frame {
            shape: Shape::Beta { a: beta, b: alpha },
            window: Window::Family {
                dist: Box::new(down),
                mirror: Some(Box::new(up)),
            },
            map: Map::Affine {
                origin: -max,
                scale: width,
            },
            flip: true,
            top: Some(-min),
            lower: at_hi.map(|p| (mirrored(p), -hi)),
            upper: at_lo.map(|p| (mirrored(p), -lo)),
        }
    })
}

fn gamma(g: &Gamma, bounds: Option<(f64, f64)>) -> Option<Frame> {
    let scale = g.scale;
    let z = |x: f64| x / scale;
    let window = standard(
        Gamma::new(g.shape, 1.0).ok()?,
        bounds.map(|(lo, hi)| (z(lo), z(hi))),
    )?;
    let (lo, hi) = bounds.unwrap_or((0.0, f64::INFINITY));
    Some(Frame {
        shape: Shape::Gamma { k: g.shape },
        window: Window::Family {
            dist: Box::new(window),
            mirror: None,
        },
        map: Map::Affine { origin: 0.0, scale },
        flip: false,
        top: None,
        lower: (lo > 0.0).then(|| (Point::open(z(lo)), lo)),
        upper: (hi < f64::INFINITY).then(|| (Point::open(z(hi)), hi)),
    })
}

/// A truncated normal (an untruncated one has a closed form).
fn normal(n: &Normal, (lo, hi): (f64, f64)) -> Option<Frame> {
    let z = |x: f64| (x - n.mean) / n.sd;
    let window = standard(Normal::new(0.0, 1.0).ok()?, Some((z(lo), z(hi))))?;
    Some(Frame {
        shape: Shape::Normal,
        window: Window::Family {
            dist: Box::new(window),
            mirror: None,
        },
        map: Map::Affine {
            origin: n.mean,
            scale: n.sd,
        },
        flip: false,
        top: None,
        lower: lo.is_finite().then(|| (Point::open(z(lo)), lo)),
        upper: hi.is_finite().then(|| (Point::open(z(hi)), hi)),
    })
}

/// ln x in units of sigma from mu, −∞ at and below 0.
fn log_units(x: f64, mu: f64, sigma: f64) -> f64 {
    if x <= 0.0 {
        f64::NEG_INFINITY
    } else {
        (x.ln() - mu) / sigma
    }
}

/// A truncated lognormal (an untruncated one has a closed form).
fn lognormal(l: &LogNormal, (lo, hi): (f64, f64)) -> Option<Frame> {
    let z = |x: f64| log_units(x, l.mu, l.sigma);
    let window = standard(Normal::new(0.0, 1.0).ok()?, Some((z(lo), z(hi))))?;
    Some(Frame {
        shape: Shape::Normal,
        window: Window::Family {
            dist: Box::new(window),
            mirror: None,
        },
        map: Map::Exp {
            mu: l.mu,
            sigma: l.sigma,
        },
        flip: false,
        top: None,
        lower: (lo > 0.0).then(|| (Point::open(z(lo)), lo)),
        upper: (hi < f64::INFINITY).then(|| (Point::open(z(hi)), hi)),
    })
}

fn log_t(l: &LogT, bounds: Option<(f64, f64)>) -> Option<Frame> {
    let standard = LogT::new(l.df, 0.0, 1.0).ok()?;
    let t = StudentsT::new(0.0, 1.0, l.df).ok()?;
    let z = |x: f64| log_units(x, l.mu, l.sigma);
    let cut = match bounds {
        None => None,
        Some((lo, hi)) => Some(t_cut(&t, z(lo), z(hi))?),
    };
    let (lo, hi) = bounds.unwrap_or((0.0, f64::INFINITY));
    Some(Frame {
        shape: Shape::StudentT { df: l.df },
        window: Window::StudentT {
            law: standard,
            t,
            cut,
        },
        map: Map::Exp {
            mu: l.mu,
            sigma: l.sigma,
        },
        flip: false,
        top: None,
        lower: (lo > 0.0).then(|| (Point::open(z(lo)), lo)),
        upper: (hi < f64::INFINITY).then(|| (Point::open(z(hi)), hi)),
    })
}

/// The standard t truncated to [lower, upper], measured as [`Dist::truncated`] measures a range.
fn t_cut(t: &StudentsT, lower: f64, upper: f64) -> Option<Truncation> {
    if lower.partial_cmp(&upper) != Some(std::cmp::Ordering::Less) {
        return None;
    }
    let cut = Truncation::measured(lower, upper, |x| t_cdf(t, x), |x| t_sf(t, x));
    (cut.mass > 0.0).then_some(cut)
}
