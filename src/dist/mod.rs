//! Validated probability distributions: sampling, CDF, quantiles, moments and truncation.
//!
//! A [`Dist`] is a [`Family`] optionally truncated to `[lower, upper]` (renormalised, not
//! clipped). Untruncated draws use fast direct samplers; truncated draws use rejection when the
//! kept mass is at least one half and the inverse CDF otherwise, so both stay exact.

mod family;
mod sampler;

pub use family::{Family, ParamError, ParamResult, Z95};

use rand::Rng;
use sampler::FastSampler;
use statrs::distribution::{Beta, ContinuousCDF, Gamma, LogNormal, Normal};

/// The closed range a distribution's draws can take, with whether each end can be reached.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Support {
    pub lo: f64,
    pub hi: f64,
    /// True when no draw equals `lo` (the density vanishes there or `lo` is infinite).
    pub lo_open: bool,
    pub hi_open: bool,
}

/// A truncation range and the family's CDF at its ends.
#[derive(Debug, Clone, PartialEq)]
struct Truncation {
    lower: f64,
    upper: f64,
    cdf_lower: f64,
    cdf_upper: f64,
}

#[derive(Debug, Clone)]
pub struct Dist {
    family: Family,
    truncation: Option<Truncation>,
    sampler: FastSampler,
    exact: Exact,
}

/// statrs objects for the families whose CDF and quantile need special functions, built once
/// (not per call: truncated draws call the quantile function for every draw).
#[derive(Debug, Clone)]
enum Exact {
    Closed,
    Normal(Normal),
    LogNormal(LogNormal),
    Beta(Beta),
    Gamma(Gamma),
}

impl Exact {
    /// Families arrive validated (finite, positive shapes), which is all statrs asks.
    fn new(family: &Family) -> Self {
        let fail = "validated parameters";
        match family {
            Family::Normal { mean, sd } => Exact::Normal(Normal::new(*mean, *sd).expect(fail)),
            Family::LogNormal { mu, sigma } => {
                Exact::LogNormal(LogNormal::new(*mu, *sigma).expect(fail))
            }
            Family::Beta { alpha, beta, .. } => Exact::Beta(Beta::new(*alpha, *beta).expect(fail)),
            Family::Gamma { shape, scale } => {
                Exact::Gamma(Gamma::new(*shape, 1.0 / scale).expect(fail))
            }
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
        let cdf_lower = plain.cdf(lower);
        let cdf_upper = plain.cdf(upper);
        if cdf_upper - cdf_lower <= 1e-12 {
            return Err(no_mass(lower, upper));
        }
        Ok(Dist {
            truncation: Some(Truncation {
                lower,
                upper,
                cdf_lower,
                cdf_upper,
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
            Family::LogNormal { .. } | Family::Gamma { .. } | Family::Weibull { .. } => Support {
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
        let base = self.family_cdf(x);
        match &self.truncation {
            None => base,
            Some(t) if x < t.lower => 0.0,
            Some(t) if x >= t.upper => 1.0,
            Some(t) => ((base - t.cdf_lower) / (t.cdf_upper - t.cdf_lower)).clamp(0.0, 1.0),
        }
    }

    /// The smallest x with P(X ≤ x) ≥ p, for p in [0, 1].
    pub fn quantile(&self, p: f64) -> f64 {
        match &self.truncation {
            None => self.family_quantile(p),
            Some(t) => {
                let q = t.cdf_lower + p * (t.cdf_upper - t.cdf_lower);
                self.family_quantile(q).clamp(t.lower, t.upper)
            }
        }
    }

    pub fn median(&self) -> f64 {
        self.quantile(0.5)
    }

    pub fn mean(&self) -> f64 {
        let Some(t) = &self.truncation else {
            return family_mean(&self.family);
        };
        let mass = t.cdf_upper - t.cdf_lower;
        match (&self.family, &self.exact) {
            // Closed forms for the unbounded families, whose tails a quadrature would miss.
            (Family::Normal { mean, sd }, Exact::Normal(_)) => {
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
                let shifted = Normal::new(mu + sigma * sigma, *sigma).expect("validated");
                let at = |x: f64| if x <= 0.0 { 0.0 } else { shifted.cdf(x.ln()) };
                (mu + sigma * sigma / 2.0).exp() * (at(t.upper) - at(t.lower)) / mass
            }
            (Family::Gamma { shape, scale }, _) => {
                // E[X; a < X < b] = kθ · [P(k + 1, b/θ) − P(k + 1, a/θ)]
                let next = Gamma::new(shape + 1.0, 1.0 / scale).expect("validated");
                let at = |x: f64| if x <= 0.0 { 0.0 } else { next.cdf(x) };
                shape * scale * (at(t.upper) - at(t.lower)) / mass
            }
            // Bounded on both sides (or a Weibull): E[X] = ∫₀¹ Q(p) dp by the midpoint rule.
            _ => {
                const M: usize = 20_000;
                (0..M)
                    .map(|i| self.quantile((i as f64 + 0.5) / M as f64))
                    .sum::<f64>()
                    / M as f64
            }
        }
    }

    /// Fills `out` with independent draws.
    pub fn fill<R: Rng + ?Sized>(&self, rng: &mut R, out: &mut [f64]) {
        match &self.truncation {
            None => self.sampler.fill(rng, out),
            Some(t) if t.cdf_upper - t.cdf_lower >= 0.5 => {
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
                let width = t.cdf_upper - t.cdf_lower;
                for x in out.iter_mut() {
                    let u: f64 = rand::RngExt::random(rng);
                    let p = t.cdf_lower + u * width;
                    *x = self.family_quantile(p).clamp(t.lower, t.upper);
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
        format!("the range [{lower}, {upper}] holds no probability of this distribution"),
    )
}

impl Dist {
    /// The untruncated family's CDF.
    fn family_cdf(&self, x: f64) -> f64 {
        match (&self.family, &self.exact) {
            (Family::Fixed { value }, _) => f64::from(x >= *value),
            (Family::Uniform { min, max }, _) => ((x - min) / (max - min)).clamp(0.0, 1.0),
            (_, Exact::Normal(d)) => d.cdf(x),
            (_, Exact::LogNormal(d)) => {
                if x <= 0.0 {
                    0.0
                } else {
                    d.cdf(x)
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
            (Family::Beta { min, max, .. }, Exact::Beta(d)) => {
                d.cdf(((x - min) / (max - min)).clamp(0.0, 1.0))
            }
            (_, Exact::Gamma(d)) => {
                if x <= 0.0 {
                    0.0
                } else {
                    d.cdf(x)
                }
            }
            (Family::Weibull { shape, scale }, _) => {
                if x <= 0.0 {
                    0.0
                } else {
                    1.0 - (-(x / scale).powf(*shape)).exp()
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
        let p = p.clamp(0.0, 1.0);
        match (&self.family, &self.exact) {
            (Family::Fixed { value }, _) => *value,
            (Family::Uniform { min, max }, _) => min + p * (max - min),
            (_, Exact::Normal(d)) => d.inverse_cdf(p),
            (_, Exact::LogNormal(d)) => d.inverse_cdf(p),
            (Family::Triangular { min, mode, max }, _) => {
                let split = (mode - min) / (max - min);
                if p <= split {
                    min + (p * (max - min) * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - p) * (max - min) * (max - mode)).sqrt()
                }
            }
            (Family::Beta { min, max, .. }, Exact::Beta(d)) => min + (max - min) * d.inverse_cdf(p),
            (_, Exact::Gamma(d)) => d.inverse_cdf(p),
            (Family::Weibull { shape, scale }, _) => scale * (-(1.0 - p).ln()).powf(1.0 / shape),
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
