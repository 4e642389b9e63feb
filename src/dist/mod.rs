//! Validated probability distributions: sampling, CDF, quantiles, moments and truncation.
//!
//! A [`Dist`] is a [`Family`] optionally truncated to `[lower, upper]` (renormalised, not
//! clipped). Untruncated draws use fast direct samplers; truncated draws use rejection when the
//! kept mass is at least one half and the inverse CDF otherwise, so both stay exact. A range
//! above the median is measured with the survival function 1 − F, not F: in the upper tail
//! F rounds to 1 (at 8.3 sd already) and cdf(lower) + u × width would return the quantile of 1,
//! which is +∞.

mod family;
mod sampler;

pub use family::{Family, MAX_SHAPE, MIN_SHAPE, ParamError, ParamResult, Z95};

use rand::Rng;
use sampler::FastSampler;
use statrs::distribution::{Beta, ContinuousCDF, Gamma, StudentsT};

/// The closed range a distribution's draws can take, with whether each end can be reached.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Support {
    pub lo: f64,
    pub hi: f64,
    /// True when no draw equals `lo` (the density vanishes there or `lo` is infinite).
    pub lo_open: bool,
    pub hi_open: bool,
}

/// A truncation range and the family's probability at its ends, measured in the tail where
/// that probability is small and so precise.
#[derive(Debug, Clone, PartialEq)]
struct Truncation {
    lower: f64,
    upper: f64,
    /// True when the range lies above the median: `base` is then sf(upper), else cdf(lower).
    upper_tail: bool,
    base: f64,
    /// The probability the range holds, P(lower ≤ X ≤ upper).
    mass: f64,
}

/// The least probability a truncation range may hold: below it the tail probabilities that
/// draws are made from approach the smallest doubles (a normal beyond 37 sd holds 1e-300).
pub const MIN_TRUNCATED_MASS: f64 = 1e-250;

#[derive(Debug, Clone)]
pub struct Dist {
    family: Family,
    truncation: Option<Truncation>,
    sampler: FastSampler,
    exact: Exact,
}

/// statrs objects for the families whose CDF and quantile need special functions, built once
/// (not per call: truncated draws call the quantile function for every draw). The normal and
/// lognormal go through [`std_normal_cdf`] and friends instead: statrs divides by sd × √2,
/// which overflows to ∞ for sd near the largest double and turns ∞ / ∞ into NaN.
#[derive(Debug, Clone)]
enum Exact {
    Closed,
    /// The beta and its mirror image Beta(β, α), whose lower tail is the beta's upper tail.
    Beta(Beta, Beta),
    /// The gamma of scale 1, evaluated at x / scale: statrs multiplies x by the rate, which
    /// underflows to 0 or overflows to ∞ for extreme scales, and then panics.
    Gamma(Gamma),
    /// The standard Student's t (location 0, scale 1) of a log-t.
    StudentsT(StudentsT),
}

impl Exact {
    /// Families arrive validated (finite, positive shapes), which is all statrs asks.
    fn new(family: &Family) -> Self {
        let fail = "validated parameters";
        match family {
            Family::Beta { alpha, beta, .. } => Exact::Beta(
                Beta::new(*alpha, *beta).expect(fail),
                Beta::new(*beta, *alpha).expect(fail),
            ),
            Family::Gamma { shape, .. } => Exact::Gamma(Gamma::new(*shape, 1.0).expect(fail)),
            Family::LogT { df, .. } => Exact::StudentsT(StudentsT::new(0.0, 1.0, *df).expect(fail)),
            _ => Exact::Closed,
        }
    }
}

impl Dist {
    pub fn fixed(value: f64) -> Self {
        Dist::new(Family::Fixed { value })
    }

    pub fn new(family: Family) -> Self {
        Dist {
            sampler: FastSampler::new(&family),
            exact: Exact::new(&family),
            family,
            truncation: None,
        }
    }

    /// The family restricted to `[lower, upper]` (either may be infinite), renormalised.
    /// Fails when the range is empty or holds no probability.
    pub fn truncated(family: Family, lower: f64, upper: f64) -> ParamResult<Self> {
        if lower >= upper {
            return Err(ParamError::new(
                "upper",
                format!("needs lower < upper, got lower = {lower}, upper = {upper}"),
            ));
        }
        if let Family::Discrete { values, probs } = &family {
            let kept: Vec<(f64, f64)> = values
                .iter()
                .zip(probs)
                .filter(|(v, _)| (lower..=upper).contains(*v))
                .map(|(v, p)| (*v, *p))
                .collect();
            if kept.is_empty() {
                return Err(no_mass(lower, upper));
            }
            let (v, w) = kept.into_iter().unzip();
            return Ok(Dist::new(Family::discrete(v, Some(w))?));
        }
        if let Family::Fixed { value } = family {
            return if (lower..=upper).contains(&value) {
                Ok(Dist::new(family))
            } else {
                Err(no_mass(lower, upper))
            };
        }
        let plain = Dist::new(family);
        let support = plain.support();
        if lower <= support.lo && upper >= support.hi {
            return Ok(plain);
        }
        let upper_tail = plain.family_sf(lower) < 0.5;
        let (base, far) = if upper_tail {
            (plain.family_sf(upper), plain.family_sf(lower))
        } else {
            (plain.family_cdf(lower), plain.family_cdf(upper))
        };
        let mass = far - base;
        if mass.is_nan() || mass < MIN_TRUNCATED_MASS {
            return Err(no_mass(lower, upper));
        }
        Ok(Dist {
            truncation: Some(Truncation {
                lower,
                upper,
                upper_tail,
                base,
                mass,
            }),
            ..plain
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
        match &self.family {
            Family::Fixed { .. } => true,
            Family::Discrete { values, .. } => values.len() == 1,
            _ => false,
        }
    }

    pub fn support(&self) -> Support {
        let inf = f64::INFINITY;
        let closed = |lo, hi| Support {
            lo,
            hi,
            lo_open: false,
            hi_open: false,
        };
        let s = match &self.family {
            Family::Fixed { value } => closed(*value, *value),
            Family::Uniform { min, max } => Support {
                hi_open: true,
                ..closed(*min, *max)
            },
            Family::Normal { .. } => Support {
                lo: -inf,
                hi: inf,
                lo_open: true,
                hi_open: true,
            },
            Family::LogNormal { .. }
            | Family::Gamma { .. }
            | Family::Weibull { .. }
            | Family::LogT { .. } => Support {
                lo: 0.0,
                hi: inf,
                lo_open: true,
                hi_open: true,
            },
            Family::Triangular { min, max, .. } => closed(*min, *max),
            Family::Beta { min, max, .. } => Support {
                lo: *min,
                hi: *max,
                lo_open: true,
                hi_open: true,
            },
            Family::Discrete { values, .. } => closed(values[0], values[values.len() - 1]),
        };
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
        match &self.truncation {
            None => self.family_cdf(x),
            Some(t) if x < t.lower => 0.0,
            Some(t) if x >= t.upper => 1.0,
            Some(t) if t.upper_tail => {
                ((t.base + t.mass - self.family_sf(x)) / t.mass).clamp(0.0, 1.0)
            }
            Some(t) => ((self.family_cdf(x) - t.base) / t.mass).clamp(0.0, 1.0),
        }
    }

    /// P(X > x), precise where it is small.
    pub fn sf(&self, x: f64) -> f64 {
        match &self.truncation {
            None => self.family_sf(x),
            Some(t) if x < t.lower => 1.0,
            Some(t) if x >= t.upper => 0.0,
            Some(t) if t.upper_tail => ((self.family_sf(x) - t.base) / t.mass).clamp(0.0, 1.0),
            Some(t) => ((t.base + t.mass - self.family_cdf(x)) / t.mass).clamp(0.0, 1.0),
        }
    }

    /// The smallest x with P(X ≤ x) ≥ p, for p in [0, 1].
    pub fn quantile(&self, p: f64) -> f64 {
        match &self.truncation {
            None => self.family_quantile(p),
            Some(t) => self.truncated_quantile(t, p),
        }
    }

    /// The point with a fraction `p` of the truncated mass below it, found in the tail the
    /// range was measured in.
    fn truncated_quantile(&self, t: &Truncation, p: f64) -> f64 {
        let x = if t.upper_tail {
            self.family_upper_quantile(t.base + (1.0 - p) * t.mass)
        } else {
            self.family_quantile(t.base + p * t.mass)
        };
        x.clamp(t.lower, t.upper)
    }

    pub fn median(&self) -> f64 {
        self.quantile(0.5)
    }

    pub fn mean(&self) -> f64 {
        let Some(t) = &self.truncation else {
            return family_mean(&self.family);
        };
        let mass = t.mass;
        match (&self.family, &self.exact) {
            // Closed forms for the unbounded families, whose tails a quadrature would miss.
            (Family::Normal { mean, sd }, _) => {
                let z = |x: f64| (x - mean) / sd;
                let phi = |z: f64| {
                    if z.is_finite() {
                        (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt()
                    } else {
                        0.0
                    }
                };
                mean + sd * (phi(z(t.lower)) - phi(z(t.upper))) / mass
            }
            (Family::LogNormal { mu, sigma }, _) => {
                // E[X; a < X < b] = e^(μ + σ²/2) · [Φ((ln b − μ − σ²)/σ) − Φ((ln a − μ − σ²)/σ)]
                // (ln x − μ − σ²)/σ as (ln x − μ)/σ − σ: σ² may overflow where this does not.
                let z = |x: f64| (x.ln() - mu) / sigma - sigma;
                let part = if t.upper_tail {
                    let at = |x: f64| if x <= 0.0 { 1.0 } else { std_normal_sf(z(x)) };
                    at(t.lower) - at(t.upper)
                } else {
                    let at = |x: f64| if x <= 0.0 { 0.0 } else { std_normal_cdf(z(x)) };
                    at(t.upper) - at(t.lower)
                };
                let closed = (mu + sigma * sigma / 2.0).exp() * part / mass;
                // ∞ × 0 when σ is huge: the mean of a bounded range then lies inside it.
                if closed.is_nan() || (t.upper.is_finite() && closed > t.upper) {
                    self.quadrature_mean()
                } else {
                    closed
                }
            }
            (Family::Gamma { shape, scale }, _) => {
                // E[X; a < X < b] = kθ · [P(k + 1, b/θ) − P(k + 1, a/θ)]
                let next = Gamma::new(shape + 1.0, 1.0).expect("validated");
                let part = if t.upper_tail {
                    unit_gamma_sf(&next, t.lower / scale) - unit_gamma_sf(&next, t.upper / scale)
                } else {
                    unit_gamma_cdf(&next, t.upper / scale) - unit_gamma_cdf(&next, t.lower / scale)
                };
                shape * scale * part / mass
            }
            _ => self.quadrature_mean(),
        }
    }

    /// Bounded on both sides (or a Weibull): E[X] = ∫₀¹ Q(p) dp by the midpoint rule.
    fn quadrature_mean(&self) -> f64 {
        const M: usize = 20_000;
        (0..M)
            .map(|i| self.quantile((i as f64 + 0.5) / M as f64))
            .sum::<f64>()
            / M as f64
    }

    /// Fills `out` with independent draws.
    pub fn fill<R: Rng + ?Sized>(&self, rng: &mut R, out: &mut [f64]) {
        match &self.truncation {
            None => self.sampler.fill(rng, out),
            Some(t) if t.mass >= 0.5 => {
                for x in out.iter_mut() {
                    *x = loop {
                        let v = self.sampler.draw(rng);
                        if v >= t.lower && v <= t.upper {
                            break v;
                        }
                    };
                }
            }
            Some(t) => {
                for x in out.iter_mut() {
                    *x = self.truncated_quantile(t, open_unit(rng));
                }
            }
        }
    }

    /// One draw; prefer [`Dist::fill`] in loops.
    pub fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let mut one = [0.0];
        self.fill(rng, &mut one);
        one[0]
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

/// Uniform on the open interval (0, 1): the midpoints of 2^52 equal cells, so neither end
/// (whose quantile may be infinite) is ever returned, and 1 − u is exact too.
fn open_unit<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    ((rng.next_u64() >> 12) as f64 + 0.5) * (1.0 / (1u64 << 52) as f64)
}

impl Dist {
    /// The untruncated family's CDF.
    fn family_cdf(&self, x: f64) -> f64 {
        // statrs's special functions panic on NaN.
        if x.is_nan() {
            return f64::NAN;
        }
        match (&self.family, &self.exact) {
            (Family::Fixed { value }, _) => f64::from(x >= *value),
            (Family::Uniform { min, max }, _) => ((x - min) / (max - min)).clamp(0.0, 1.0),
            (Family::Normal { mean, sd }, _) => std_normal_cdf((x - mean) / sd),
            (Family::LogNormal { mu, sigma }, _) => {
                if x <= 0.0 {
                    0.0
                } else {
                    std_normal_cdf((x.ln() - mu) / sigma)
                }
            }
            (Family::Triangular { min, mode, max }, _) => {
                if x <= *min {
                    0.0
                } else if x >= *max {
                    1.0
                } else if x <= *mode {
                    (x - min).powi(2) / ((max - min) * (mode - min))
                } else {
                    1.0 - (max - x).powi(2) / ((max - min) * (max - mode))
                }
            }
            (Family::Beta { min, max, .. }, Exact::Beta(d, _)) => {
                d.cdf(unit_position(x, *min, *max))
            }
            (Family::Gamma { scale, .. }, Exact::Gamma(d)) => unit_gamma_cdf(d, x / scale),
            (Family::Weibull { shape, scale }, _) => {
                if x <= 0.0 {
                    0.0
                } else {
                    1.0 - (-(x / scale).powf(*shape)).exp()
                }
            }
            (Family::LogT { mu, sigma, .. }, Exact::StudentsT(t)) => {
                if x <= 0.0 {
                    0.0
                } else {
                    t.cdf((x.ln() - mu) / sigma)
                }
            }
            (Family::Discrete { values, probs }, _) => {
                let n = values.partition_point(|v| *v <= x);
                probs[..n].iter().sum::<f64>().min(1.0)
            }
            _ => unreachable!("Exact::new pairs every special-function family"),
        }
    }

    /// The untruncated family's quantile function.
    fn family_quantile(&self, p: f64) -> f64 {
        // statrs panics on a probability outside [0, 1], NaN included.
        if p.is_nan() {
            return f64::NAN;
        }
        let p = p.clamp(0.0, 1.0);
        match (&self.family, &self.exact) {
            (Family::Fixed { value }, _) => *value,
            (Family::Uniform { min, max }, _) => min + p * (max - min),
            (Family::Normal { mean, sd }, _) => mean + sd * lower_z(p),
            (Family::LogNormal { mu, sigma }, _) => (mu + sigma * lower_z(p)).exp(),
            (Family::Triangular { min, mode, max }, _) => {
                let split = (mode - min) / (max - min);
                if p <= split {
                    min + (p * (max - min) * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - p) * (max - min) * (max - mode)).sqrt()
                }
            }
            (Family::Beta { min, max, .. }, Exact::Beta(d, mirror)) => {
                min + (max - min) * beta_quantile(d, mirror, p)
            }
            (Family::Gamma { scale, .. }, Exact::Gamma(d)) => scale * unit_gamma_quantile(d, p),
            (Family::Weibull { shape, scale }, _) => scale * (-(-p).ln_1p()).powf(1.0 / shape),
            (Family::LogT { mu, sigma, .. }, Exact::StudentsT(t)) => {
                (mu - sigma * t_upper(t, p)).exp()
            }
            (Family::Discrete { values, probs }, _) => {
                let mut acc = 0.0;
                for (v, q) in values.iter().zip(probs) {
                    acc += q;
                    if acc >= p - 1e-12 {
                        return *v;
                    }
                }
                values[values.len() - 1]
            }
            _ => unreachable!("Exact::new pairs every special-function family"),
        }
    }
}

impl Dist {
    /// The untruncated family's survival function P(X > x), computed directly (not as 1 − F)
    /// so that it keeps its precision in the upper tail.
    fn family_sf(&self, x: f64) -> f64 {
        if x.is_nan() {
            return f64::NAN;
        }
        match (&self.family, &self.exact) {
            (Family::Normal { mean, sd }, _) => std_normal_sf((x - mean) / sd),
            (Family::LogNormal { mu, sigma }, _) => {
                if x <= 0.0 {
                    1.0
                } else {
                    std_normal_sf((x.ln() - mu) / sigma)
                }
            }
            (Family::Beta { min, max, .. }, Exact::Beta(d, _)) => {
                d.sf(unit_position(x, *min, *max))
            }
            (Family::Gamma { scale, .. }, Exact::Gamma(d)) => unit_gamma_sf(d, x / scale),
            (Family::Uniform { min, max }, _) => ((max - x) / (max - min)).clamp(0.0, 1.0),
            (Family::Triangular { min, mode, max }, _) => {
                if x >= *max {
                    0.0
                } else if x <= *min {
                    1.0
                } else if x >= *mode {
                    (max - x).powi(2) / ((max - min) * (max - mode))
                } else {
                    1.0 - (x - min).powi(2) / ((max - min) * (mode - min))
                }
            }
            (Family::Weibull { shape, scale }, _) => {
                if x <= 0.0 {
                    1.0
                } else {
                    (-(x / scale).powf(*shape)).exp()
                }
            }
            (Family::LogT { mu, sigma, .. }, Exact::StudentsT(t)) => {
                if x <= 0.0 {
                    1.0
                } else {
                    t.sf((x.ln() - mu) / sigma)
                }
            }
            _ => 1.0 - self.family_cdf(x),
        }
    }

    /// The untruncated family's inverse survival function: the x with P(X > x) = s, precise
    /// for small s (the upper-tail counterpart of [`Dist::family_quantile`]).
    fn family_upper_quantile(&self, s: f64) -> f64 {
        if s.is_nan() {
            return f64::NAN;
        }
        let s = s.clamp(0.0, 1.0);
        match (&self.family, &self.exact) {
            (Family::Normal { mean, sd }, _) => mean + sd * upper_z(s),
            (Family::LogNormal { mu, sigma }, _) => (mu + sigma * upper_z(s)).exp(),
            (Family::Beta { min, max, .. }, Exact::Beta(d, mirror)) => {
                max - (max - min) * beta_quantile(mirror, d, s)
            }
            (Family::Gamma { scale, .. }, Exact::Gamma(d)) => scale * gamma_upper_quantile(d, s),
            (Family::Uniform { min, max }, _) => max - s * (max - min),
            (Family::Triangular { min, mode, max }, _) => {
                if s <= (max - mode) / (max - min) {
                    max - (s * (max - min) * (max - mode)).sqrt()
                } else {
                    min + ((1.0 - s) * (max - min) * (mode - min)).sqrt()
                }
            }
            (Family::Weibull { shape, scale }, _) => scale * (-s.ln()).powf(1.0 / shape),
            (Family::LogT { mu, sigma, .. }, Exact::StudentsT(t)) => {
                (mu + sigma * t_upper(t, s)).exp()
            }
            _ => self.family_quantile(1.0 - s),
        }
    }
}

/// Where x lies in [min, max] as a fraction in [0, 1].
fn unit_position(x: f64, min: f64, max: f64) -> f64 {
    ((x - min) / (max - min)).clamp(0.0, 1.0)
}

/// The beta quantile for every p in [0, 1]. statrs's own (AS 109) has no iteration bound and
/// never returns for some admitted shapes (alpha = 1e5, beta = 0.5 at p = 1e-150), and turns
/// NaN below p = 1e-154, where p² underflows. The upper half is the mirror's lower half, so
/// that the search always runs where x is small and relative precision is available.
fn beta_quantile(d: &Beta, mirror: &Beta, p: f64) -> f64 {
    if p > 0.5 {
        1.0 - beta_lower_quantile(mirror, 1.0 - p)
    } else {
        beta_lower_quantile(d, p)
    }
}

fn beta_lower_quantile(d: &Beta, p: f64) -> f64 {
    use statrs::distribution::Continuous;
    lower_quantile(p, 1.0, |x| d.cdf(x), |x| d.ln_pdf(x))
}

/// The quantile of a gamma of scale 1. statrs's search stops on an absolute tolerance, so its
/// tiny quantiles are far off (shape 0.5: F(Q(1e-16)) = 3e-5).
fn unit_gamma_quantile(d: &Gamma, p: f64) -> f64 {
    use statrs::distribution::Continuous;
    if p > 0.5 {
        gamma_upper_quantile(d, 1.0 - p)
    } else {
        // A gamma's median lies below its mean, the shape.
        lower_quantile(
            p,
            d.shape().max(1.0),
            |x| unit_gamma_cdf(d, x),
            |x| d.ln_pdf(x),
        )
    }
}

/// x in [0, hi] with cdf(x) = p, for p ≤ cdf(hi) on the lower side of the distribution: Newton
/// steps kept inside a bracket, which bisects on the logarithm of x while the bracket spans
/// orders of magnitude (the quantile can be 1e-300) and on x itself once it is narrow.
fn lower_quantile(p: f64, hi: f64, cdf: impl Fn(f64) -> f64, ln_pdf: impl Fn(f64) -> f64) -> f64 {
    if p <= 0.0 {
        return 0.0;
    }
    let (mut lo, mut hi) = (0.0_f64, hi);
    let mut x = 0.5 * hi;
    for _ in 0..400 {
        let f = cdf(x);
        if f < p {
            lo = x;
        } else {
            hi = x;
        }
        if f == p || hi - lo <= 2.0 * f64::EPSILON * hi {
            break;
        }
        let newton = x - (f - p) / ln_pdf(x).exp();
        x = if newton > lo && newton < hi {
            newton
        } else if lo > 0.0 && hi / lo < 4.0 {
            0.5 * (lo + hi)
        } else {
            // The geometric midpoint, with 5e-324 standing in for a bracket end at 0.
            (0.5 * (lo.max(f64::MIN_POSITIVE * f64::EPSILON).ln() + hi.ln())).exp()
        };
        if x <= lo || x >= hi {
            break;
        }
    }
    x.clamp(lo, hi)
}

/// P(X ≤ z) for a gamma of scale 1, for any z but NaN: statrs panics on 0 and ∞.
fn unit_gamma_cdf(d: &Gamma, z: f64) -> f64 {
    if z <= 0.0 {
        0.0
    } else if z.is_infinite() {
        1.0
    } else {
        d.cdf(z)
    }
}

/// P(X > z) for a gamma of scale 1, for any z.
fn unit_gamma_sf(d: &Gamma, z: f64) -> f64 {
    if z <= 0.0 {
        1.0
    } else if z.is_infinite() {
        0.0
    } else {
        d.sf(z)
    }
}

/// The t with P(T > t) = s, for s in [0, 1]: the t is symmetric, so the search runs in
/// whichever tail s is small in and keeps its precision there.
fn t_upper(t: &StudentsT, s: f64) -> f64 {
    if s <= 0.0 {
        f64::INFINITY
    } else if s >= 1.0 {
        f64::NEG_INFINITY
    } else if s <= 0.5 {
        -t.inverse_cdf(s)
    } else {
        t.inverse_cdf(1.0 - s)
    }
}

/// Φ(z). z is formed as (x − mean) / sd, which is ±∞ (never NaN) when x − mean overflows.
fn std_normal_cdf(z: f64) -> f64 {
    0.5 * statrs::function::erf::erfc(-z / std::f64::consts::SQRT_2)
}

/// 1 − Φ(z), precise in the upper tail.
fn std_normal_sf(z: f64) -> f64 {
    0.5 * statrs::function::erf::erfc(z / std::f64::consts::SQRT_2)
}

/// z with Φ(z) = p: −√2 · erfc⁻¹(2p), precise for tiny p.
fn lower_z(p: f64) -> f64 {
    -upper_z(p)
}

/// z with P(Z > z) = s for a standard normal: Φ⁻¹(1 − s) = √2 · erfc⁻¹(2s), precise for tiny s.
fn upper_z(s: f64) -> f64 {
    if s <= 0.0 {
        f64::INFINITY
    } else if s >= 1.0 {
        f64::NEG_INFINITY
    } else {
        std::f64::consts::SQRT_2 * statrs::function::erf::erfc_inv(2.0 * s)
    }
}

/// The x with P(X > x) = s for a gamma: statrs has no inverse survival function. Newton's
/// method on ln sf (nearly linear in the tail, so it converges in a few steps), kept inside a
/// bracket that bisection narrows whenever a step would leave it.
fn gamma_upper_quantile(d: &Gamma, s: f64) -> f64 {
    use statrs::distribution::Continuous;
    if s <= 0.0 {
        return f64::INFINITY;
    }
    if s >= 1.0 {
        return 0.0;
    }
    let (mut lo, mut hi) = (0.0, d.shape().max(1.0) / d.rate());
    while d.sf(hi) > s {
        lo = hi;
        hi *= 2.0;
        if !hi.is_finite() {
            return f64::MAX;
        }
    }
    let target = s.ln();
    let mut x = 0.5 * (lo + hi);
    for _ in 0..200 {
        let sf = d.sf(x);
        if sf > s {
            lo = x;
        } else {
            hi = x;
        }
        if sf == s || hi - lo <= 4.0 * f64::EPSILON * hi {
            break;
        }
        // d(ln sf)/dx = −pdf/sf
        let step = (sf.ln() - target) * sf / d.pdf(x);
        let next = x + step;
        if step.abs() <= 2.0 * f64::EPSILON * x {
            return next;
        }
        x = if next > lo && next < hi && next.is_finite() {
            next
        } else {
            0.5 * (lo + hi)
        };
    }
    x
}

fn family_mean(family: &Family) -> f64 {
    match family {
        Family::Fixed { value } => *value,
        Family::Uniform { min, max } => (min + max) / 2.0,
        Family::Normal { mean, .. } => *mean,
        Family::LogNormal { mu, sigma } => (mu + sigma * sigma / 2.0).exp(),
        Family::Triangular { min, mode, max } => (min + mode + max) / 3.0,
        Family::Beta {
            alpha,
            beta,
            min,
            max,
        } => min + (max - min) * alpha / (alpha + beta),
        Family::Gamma { shape, scale } => shape * scale,
        Family::Weibull { shape, scale } => {
            scale * statrs::function::gamma::gamma(1.0 + 1.0 / shape)
        }
        Family::Discrete { values, probs } => values.iter().zip(probs).map(|(v, p)| v * p).sum(),
        // E[e^(σT)] diverges for every t: its tails are polynomial.
        Family::LogT { .. } => f64::INFINITY,
    }
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
mod tests;
