//! Direct samplers for untruncated families, chosen once so the hot loop has no set-up cost.
//!
//! Beta (and so PERT) is drawn as X / (X + Y) with X ~ Gamma(α), Y ~ Gamma(β): Marsaglia–Tsang
//! gammas cost about a third of rand_distr's Beta (Cheng's algorithm), the slowest draw otherwise.

use rand::distr::Distribution;
use rand::{Rng, RngExt};
use rand_distr::{Gamma, LogNormal, Normal, StandardUniform, StudentT};

use super::Family;

#[derive(Debug, Clone)]
pub(super) enum FastSampler {
    Constant(f64),
    Uniform {
        min: f64,
        width: f64,
    },
    Normal(Normal<f64>),
    LogNormal(LogNormal<f64>),
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
    },
    Beta {
        x: Gamma<f64>,
        y: Gamma<f64>,
        min: f64,
        width: f64,
    },
    /// A Beta with a shape below 1: its gammas can underflow to 0 (and 0 / 0 is NaN), so the
    /// ratio is formed from their logarithms instead.
    BetaSmallShape {
        x: LogGamma,
        y: LogGamma,
        min: f64,
        width: f64,
    },
    Gamma(Gamma<f64>),
    Weibull {
        inv_shape: f64,
        scale: f64,
    },
    LogT {
        t: StudentT<f64>,
        mu: f64,
        sigma: f64,
    },
    Discrete {
        values: Vec<f64>,
        cumulative: Vec<f64>,
    },
}

impl FastSampler {
    /// Families arrive validated, so the rand_distr constructors cannot fail here.
    pub(super) fn new(family: &Family) -> Self {
        match family {
            Family::Fixed { value } => FastSampler::Constant(*value),
            Family::Uniform { min, max } => FastSampler::Uniform {
                min: *min,
                width: max - min,
            },
            Family::Normal { mean, sd } => FastSampler::Normal(Normal::new(*mean, *sd).unwrap()),
            Family::LogNormal { mu, sigma } => {
                FastSampler::LogNormal(LogNormal::new(*mu, *sigma).unwrap())
            }
            Family::Triangular { min, mode, max } => FastSampler::Triangular {
                min: *min,
                mode: *mode,
                max: *max,
            },
            Family::Beta {
                alpha,
                beta,
                min,
                max,
            } if alpha.min(*beta) < 1.0 => FastSampler::BetaSmallShape {
                x: LogGamma::new(*alpha),
                y: LogGamma::new(*beta),
                min: *min,
                width: max - min,
            },
            Family::Beta {
                alpha,
                beta,
                min,
                max,
            } => FastSampler::Beta {
                x: Gamma::new(*alpha, 1.0).unwrap(),
                y: Gamma::new(*beta, 1.0).unwrap(),
                min: *min,
                width: max - min,
            },
            Family::Gamma { shape, scale } => {
                FastSampler::Gamma(Gamma::new(*shape, *scale).unwrap())
            }
            Family::Weibull { shape, scale } => FastSampler::Weibull {
                inv_shape: 1.0 / shape,
                scale: *scale,
            },
            Family::LogT { df, mu, sigma } => FastSampler::LogT {
                t: StudentT::new(*df).unwrap(),
                mu: *mu,
                sigma: *sigma,
            },
            Family::Discrete { values, probs } => {
                let mut acc = 0.0;
                let mut cumulative: Vec<f64> = probs
                    .iter()
                    .map(|p| {
                        acc += p;
                        acc
                    })
                    .collect();
                // Guard against the sum landing a hair below 1.
                *cumulative.last_mut().unwrap() = f64::INFINITY;
                FastSampler::Discrete {
                    values: values.clone(),
                    cumulative,
                }
            }
        }
    }

    /// The match sits outside the loop so each loop is a tight, specialised one.
    pub(super) fn fill<R: Rng + ?Sized>(&self, rng: &mut R, out: &mut [f64]) {
        match self {
            FastSampler::Constant(v) => out.fill(*v),
            FastSampler::Uniform { min, width } => {
                for x in out {
                    *x = min + width * unit(rng);
                }
            }
            FastSampler::Normal(d) => out.iter_mut().for_each(|x| *x = d.sample(rng)),
            FastSampler::LogNormal(d) => out.iter_mut().for_each(|x| *x = d.sample(rng)),
            FastSampler::Triangular { min, mode, max } => {
                let split = (mode - min) / (max - min);
                let (lo_k, hi_k) = ((max - min) * (mode - min), (max - min) * (max - mode));
                for x in out {
                    let u = unit(rng);
                    *x = if u <= split {
                        min + (u * lo_k).sqrt()
                    } else {
                        max - ((1.0 - u) * hi_k).sqrt()
                    };
                }
            }
            FastSampler::Beta {
                x: gx,
                y: gy,
                min,
                width,
            } => {
                for x in out {
                    let a = gx.sample(rng);
                    let b = gy.sample(rng);
                    *x = min + width * (a / (a + b));
                }
            }
            FastSampler::BetaSmallShape {
                x: gx,
                y: gy,
                min,
                width,
            } => {
                for x in out {
                    // X / (X + Y) = 1 / (1 + exp(ln Y − ln X))
                    let d = gy.sample_ln(rng) - gx.sample_ln(rng);
                    *x = min + width / (1.0 + d.exp());
                }
            }
            FastSampler::Gamma(d) => out.iter_mut().for_each(|x| *x = d.sample(rng)),
            FastSampler::Weibull { inv_shape, scale } => {
                for x in out {
                    // 1 − u lies in (0, 1], so the log is finite.
                    *x = scale * (-(1.0 - unit(rng)).ln()).powf(*inv_shape);
                }
            }
            FastSampler::LogT { t, mu, sigma } => {
                out.iter_mut()
                    .for_each(|x| *x = (mu + sigma * t.sample(rng)).exp());
            }
            FastSampler::Discrete { values, cumulative } => {
                for x in out {
                    let u = unit(rng);
                    *x = values[cumulative.partition_point(|c| *c <= u)];
                }
            }
        }
    }

    pub(super) fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let mut one = [0.0];
        self.fill(rng, &mut one);
        one[0]
    }
}

/// ln of a Gamma(shape, 1) draw without underflow: for shape < 1, Gamma(shape) is
/// Gamma(shape + 1) · U^(1/shape) (Marsaglia & Tsang), whose log is a sum.
#[derive(Debug, Clone)]
pub(super) struct LogGamma {
    gamma: Gamma<f64>,
    inv_shape: Option<f64>,
}

impl LogGamma {
    fn new(shape: f64) -> Self {
        let boosted = shape < 1.0;
        LogGamma {
            gamma: Gamma::new(if boosted { shape + 1.0 } else { shape }, 1.0).unwrap(),
            inv_shape: boosted.then(|| 1.0 / shape),
        }
    }

    fn sample_ln<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let g = self.gamma.sample(rng).ln();
        match self.inv_shape {
            // 1 − u lies in (0, 1]: its log is finite.
            Some(inv) => g + (1.0 - unit(rng)).ln() * inv,
            None => g,
        }
    }
}

/// Uniform on [0, 1) with 53 random bits.
#[inline(always)]
fn unit<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    rng.sample(StandardUniform)
}
