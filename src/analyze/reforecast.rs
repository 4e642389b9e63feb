//! Figures of a weighted sample: the scenario's runs weighted by how likely each made what a
//! run in flight has shown (importance sampling of the posterior).
//!
//! A weighted sample of n runs carries the information of about `ess = (Σw)² / Σw²`
//! independent ones (Kish's effective sample size), so intervals are the unweighted ones at
//! `ess` runs: a percentile's from the levels p ± 1.96 √(p(1 − p) / ess), a chance's and a
//! mean's from the normal approximation. They are approximate where ess is small, and marked
//! unreliable where fewer than 5 effective runs lie beyond a percentile or on the rarer side of
//! a chance.

use crate::stats::{Estimate, Z975};

/// Effective runs beyond a percentile (or on a chance's rarer side) below which its interval
/// is marked unreliable.
const MIN_EFFECTIVE_BEYOND: f64 = 5.0;

/// Values with their weights, sorted by value, and the weights' running sum.
#[derive(Debug, Clone)]
pub struct Weighted {
    values: Vec<f64>,
    cumulative: Vec<f64>,
    /// Σw² / (Σw)², the inverse of the effective sample size.
    concentration: f64,
}

impl Weighted {
    /// # Panics
    ///
    /// When the lengths differ, or no weight is positive and finite.
    pub fn new(values: &[f64], weights: &[f64]) -> Self {
        assert_eq!(values.len(), weights.len(), "a weight per value");
        let mut pairs: Vec<(f64, f64)> = values
            .iter()
            .zip(weights)
            .filter(|(_, w)| **w > 0.0 && w.is_finite())
            .map(|(v, w)| (*v, *w))
            .collect();
        assert!(
            !pairs.is_empty(),
            "a weighted sample needs a positive weight"
        );
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let total: f64 = pairs.iter().map(|p| p.1).sum();
        let squares: f64 = pairs.iter().map(|p| (p.1 / total).powi(2)).sum();
        let mut running = 0.0;
        let cumulative = pairs
            .iter()
            .map(|p| {
                running += p.1 / total;
                running
            })
            .collect();
        Weighted {
            values: pairs.into_iter().map(|p| p.0).collect(),
            cumulative,
            concentration: squares,
        }
    }

    /// Kish's effective sample size.
    pub fn effective_runs(&self) -> f64 {
        1.0 / self.concentration
    }

    /// The smallest value whose cumulative weight reaches `q` (in [0, 1]).
    pub fn quantile(&self, q: f64) -> f64 {
        let i = self.cumulative.partition_point(|&c| c < q);
        self.values[i.min(self.values.len() - 1)]
    }

    /// Percentile `percent` with its approximate 95% interval.
    pub fn percentile(&self, percent: f64) -> Estimate {
        let p = percent / 100.0;
        let ess = self.effective_runs();
        let spread = Z975 * (p * (1.0 - p) / ess).sqrt();
        Estimate::from_interval(
            self.quantile(p),
            self.quantile((p - spread).max(0.0)),
            self.quantile((p + spread).min(1.0)),
            ess * p.min(1.0 - p) >= MIN_EFFECTIVE_BEYOND,
        )
    }

    /// The weighted share of values at most `limit`, with its approximate 95% interval.
    pub fn share_at_most(&self, limit: f64) -> Estimate {
        let below = self.values.partition_point(|&v| v <= limit);
        let p = if below == 0 {
            0.0
        } else {
            self.cumulative[below - 1].min(1.0)
        };
        let ess = self.effective_runs();
        let se = (p * (1.0 - p) / ess).sqrt();
        Estimate {
            value: p,
            se,
            ci95_lo: (p - Z975 * se).max(0.0),
            ci95_hi: (p + Z975 * se).min(1.0),
            reliable: ess * p.min(1.0 - p) >= MIN_EFFECTIVE_BEYOND,
        }
    }

    /// The weighted mean, with the normal interval at the effective runs.
    pub fn mean(&self) -> Estimate {
        let mut previous = 0.0;
        let (mut mean, mut square) = (0.0, 0.0);
        for (v, c) in self.values.iter().zip(&self.cumulative) {
            let w = c - previous;
            previous = *c;
            mean += w * v;
            square += w * v * v;
        }
        let sd = (square - mean * mean).max(0.0).sqrt();
        let ess = self.effective_runs();
        Estimate::normal(mean, sd / ess.sqrt(), ess >= 30.0)
    }
}

/// How much narrower the second 90% band (P5–P95) is than the first, as a share of the
/// first: 0.8 when it is a fifth as wide; negative when it is wider; None when the first has no
/// width.
pub fn narrowing(plan: (f64, f64), now: (f64, f64)) -> Option<f64> {
    let before = plan.1 - plan.0;
    (before > 0.0).then(|| 1.0 - (now.1 - now.0) / before)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_weights_give_the_plain_sample() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        let w = Weighted::new(&values, &[1.0; 100]);
        assert!((w.effective_runs() - 100.0).abs() < 1e-9);
        assert_eq!(w.quantile(0.5), 50.0);
        assert_eq!(w.quantile(0.05), 5.0);
        assert!((w.mean().value - 50.5).abs() < 1e-12);
        assert!((w.share_at_most(25.0).value - 0.25).abs() < 1e-12);
        assert_eq!(w.share_at_most(0.5).value, 0.0);
    }

    #[test]
    fn weights_move_the_quantiles_and_shrink_the_effective_runs() {
        // Weight 3 on the upper half: 3/4 of the mass lies in 51..100.
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        let weights: Vec<f64> = (1..=100).map(|i| if i > 50 { 3.0 } else { 1.0 }).collect();
        let w = Weighted::new(&values, &weights);
        assert_eq!(w.quantile(0.25), 50.0);
        // (Σw)² / Σw² = 200² / (50 + 450) = 80.
        assert!((w.effective_runs() - 80.0).abs() < 1e-9);
        // Runs of weight 0 are left out.
        let w = Weighted::new(&[1.0, 2.0, 3.0], &[0.0, 1.0, 1.0]);
        assert_eq!(w.quantile(0.0), 2.0);
    }

    #[test]
    fn a_weighted_posterior_matches_its_closed_form() {
        // Prior: x uniform on (0, 1) at 200,001 evenly spaced points; likelihood of an
        // observation: 2x. The posterior is Beta(2, 1): CDF x², so its median is √0.5.
        let n = 200_001;
        let values: Vec<f64> = (0..n).map(|i| (i as f64 + 0.5) / n as f64).collect();
        let weights: Vec<f64> = values.iter().map(|x| 2.0 * x).collect();
        let w = Weighted::new(&values, &weights);
        assert!((w.quantile(0.5) - 0.5f64.sqrt()).abs() < 1e-5);
        assert!((w.mean().value - 2.0 / 3.0).abs() < 1e-6);
        assert!((w.share_at_most(0.3).value - 0.09).abs() < 1e-5);
        // Σw² / (Σw)² = E[4x²] / E[2x]² = (4/3) / 1: ess = 3n/4.
        assert!((w.effective_runs() / n as f64 - 0.75).abs() < 1e-4);
    }

    #[test]
    fn narrowing_is_the_share_of_width_lost() {
        assert_eq!(narrowing((10.0, 20.0), (12.0, 14.0)), Some(0.8));
        assert_eq!(narrowing((10.0, 10.0), (12.0, 14.0)), None);
        assert!(narrowing((10.0, 20.0), (0.0, 20.0)).unwrap() < 0.0);
    }
}
