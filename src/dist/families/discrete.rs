//! Finitely many values with probabilities:
//! `{ dist = "discrete", values = [a, b, ...], weights = [w_a, w_b, ...] }`.
//!
//! Parameters: at least one value; `weights` (equal when absent) one per value, each ≥ 0, at
//! least one > 0, not necessarily summing to 1 (they are scaled by the largest, then
//! normalised). Values of weight 0 are dropped and the rest sorted. Support: [smallest value,
//! largest value], every point reachable. Mean: Σ value · probability. Truncation keeps the
//! values inside the range and renormalises their weights. Draws invert the cumulative
//! probabilities.

use std::fmt;


use crate::dist::law::{Form, Law, ParamReader, Restriction};
use crate::dist::{ParamError, ParamResult, Support};

#[derive(Debug, Clone, PartialEq)]
pub struct Discrete {
    /// Sorted ascending.
    pub(in crate::dist) values: Vec<f64>,
    /// Sum to 1.
    pub(in crate::dist) probs: Vec<f64>,
    /// Running sums of `probs`, the last one ∞ so that a sum landing a hair below 1 cannot
    /// leave a draw without a value.
    cumulative: Vec<f64>,
}

impl Discrete {
    /// Values with optional weights (equal when absent); weights need not sum to 1.
    pub fn new(values: Vec<f64>, weights: Option<Vec<f64>>) -> ParamResult<Self> {
        if values.is_empty() {
            return Err(ParamError::new("values", "needs at least one value"));
        }
        let weights = weights.unwrap_or_else(|| vec![1.0; values.len()]);
        if weights.len() != values.len() {
            return Err(ParamError::new(
                "weights",
                format!(
                    "needs one weight per value: {} values, {} weights",
                    values.len(),
                    weights.len()
                ),
            ));
        }
        if let Some(w) = weights.iter().find(|w| **w < 0.0) {
            return Err(ParamError::new(
                "weights",
                format!("weights must be >= 0, got {w}"),
            ));
        }
        // Scaled by the largest first, so that weights near 1e308 cannot sum to infinity.
        let largest = weights.iter().fold(0.0, |m: f64, w| m.max(*w));
        let weights: Vec<f64> = weights.iter().map(|w| w / largest).collect();
        let total: f64 = weights.iter().sum();
        // NaN when every weight is 0 (0 / 0).
        if total.is_nan() || total <= 0.0 {
            return Err(ParamError::new(
                "weights",
                "at least one weight must be > 0",
            ));
        }
        let mut pairs: Vec<(f64, f64)> = values
            .into_iter()
            .zip(weights)
            .filter(|(_, w)| *w > 0.0)
            .collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (values, probs): (Vec<f64>, Vec<f64>) =
            pairs.into_iter().map(|(v, w)| (v, w / total)).unzip();
        let mut acc = 0.0;
        let mut cumulative: Vec<f64> = probs
            .iter()
            .map(|p| {
                acc += p;
                acc
            })
            .collect();
        *cumulative.last_mut().expect("at least one value") = f64::INFINITY;
        Ok(Discrete {
            values,
            probs,
            cumulative,
        })
    }
}

impl Law for Discrete {
    const NAME: &'static str = "discrete";
    const FORMS: &'static [Form] = &[Form {
        name: "discrete",
        keys: &["values", "weights"],
    }];

    fn read<R: ParamReader + ?Sized>(_: &Form, params: &mut R) -> Result<Self, R::Error> {
        let values = match params.numbers("values")? {
            Some(values) => values,
            None => return Err(params.missing(&["values"])),
        };
        let weights = params.numbers("weights")?;
        Ok(Discrete::new(values, weights)?)
    }

    fn support(&self) -> Support {
        Support {
            lo: self.values[0],
            hi: self.values[self.values.len() - 1],
            lo_open: false,
            hi_open: false,
        }
    }

    fn cdf(&self, x: f64) -> f64 {
        let n = self.values.partition_point(|v| *v <= x);
        self.probs[..n].iter().sum::<f64>().min(1.0)
    }

    fn quantile(&self, p: f64) -> f64 {
        let mut acc = 0.0;
        for (v, q) in self.values.iter().zip(&self.probs) {
            acc += q;
            if acc >= p - 1e-12 {
                return *v;
            }
        }
        self.values[self.values.len() - 1]
    }

    fn mean(&self) -> f64 {
        self.values
            .iter()
            .zip(&self.probs)
            .map(|(v, p)| v * p)
            .sum()
    }

    fn restrict(&self, lower: f64, upper: f64) -> ParamResult<Restriction> {
        let (kept, weights): (Vec<f64>, Vec<f64>) = self
            .values
            .iter()
            .zip(&self.probs)
            .filter(|(v, _)| (lower..=upper).contains(*v))
            .map(|(v, p)| (*v, *p))
            .unzip();
        if kept.is_empty() {
            return Ok(Restriction::Empty);
        }
        Ok(Restriction::Points(
            Discrete::new(kept, Some(weights))?.into(),
        ))
    }

    fn is_point(&self) -> bool {
        self.values.len() == 1
    }

    fn is_discrete(&self) -> bool {
        true
    }
}

impl fmt::Display for Discrete {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "discrete(")?;
        for (i, (v, p)) in self.values.iter().zip(&self.probs).enumerate() {
            if i > 0 {
                write!(f, ", ")?;
            }
            write!(f, "{} w.p. {:.3}", crate::units::general(*v), p)?;
        }
        write!(f, ")")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Dist;
    use crate::dist::tests::{N, draws};

    #[test]
    fn discrete_normalises_and_sorts() {
        let d = Discrete::new(vec![3.0, 1.0, 2.0], Some(vec![2.0, 1.0, 1.0])).unwrap();
        assert_eq!(d.values, vec![1.0, 2.0, 3.0]);
        assert_eq!(d.probs, vec![0.25, 0.25, 0.5]);
    }

    #[test]
    fn weights_must_match_and_not_all_be_zero() {
        let bad = |values: Vec<f64>, weights| Discrete::new(values, Some(weights)).unwrap_err();
        assert_eq!(bad(vec![1.0, 2.0], vec![1.0]).param, "weights");
        assert_eq!(bad(vec![1.0], vec![0.0]).param, "weights");
        assert_eq!(bad(vec![1.0], vec![-1.0]).param, "weights");
        assert_eq!(Discrete::new(vec![], None).unwrap_err().param, "values");
    }

    #[test]
    fn discrete_frequencies_match_weights() {
        let d = Dist::new(Discrete::new(vec![8.0, 16.0, 32.0], Some(vec![1.0, 2.0, 1.0])).unwrap());
        let xs = draws(&d, 3);
        for (v, p) in [(8.0, 0.25), (16.0, 0.5), (32.0, 0.25)] {
            let freq = xs.iter().filter(|x| **x == v).count() as f64 / N as f64;
            let se = (p * (1.0 - p) / N as f64).sqrt();
            assert!((freq - p).abs() < 4.0 * se, "value {v}: {freq} vs {p}");
        }
    }

    #[test]
    fn truncation_keeps_the_values_inside() {
        let d = Dist::truncated(Discrete::new(vec![1.0, 2.0, 3.0], None).unwrap(), 1.5, 10.0)
            .unwrap();
        assert_eq!(d.quantile(0.0), 2.0);
        assert!((d.mean() - 2.5).abs() < 1e-12);
        assert!(Dist::truncated(Discrete::new(vec![1.0], None).unwrap(), 2.0, 3.0).is_err());
    }
}
