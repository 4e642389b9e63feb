//! The step inverse of a discrete distribution: the smallest value whose cumulative probability
//! reaches u, found by binary search.
//!
//! The cumulative probabilities are summed in the order and with the slack of 1e-12 that
//! [`Dist::quantile`](crate::dist::Dist::quantile) uses, so that both return the same value for
//! every u (a u within 1e-12 above a step belongs to the step below, which is a u-error of at
//! most 1e-12).

use crate::dist::families::Discrete;

/// How far below u a cumulative probability may fall and still count as reaching it.
const SLACK: f64 = 1e-12;

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Steps {
    values: Vec<f64>,
    /// Running sums of the probabilities, left to right.
    cumulative: Vec<f64>,
}

impl Steps {
    pub fn new(d: &Discrete) -> Steps {
        let mut acc = 0.0;
        let cumulative = d
            .probs
            .iter()
            .map(|p| {
                acc += p;
                acc
            })
            .collect();
        Steps {
            values: d.values.clone(),
            cumulative,
        }
    }

    fn index(&self, u: f64) -> usize {
        let target = u - SLACK;
        self.cumulative
            .partition_point(|c| *c < target)
            .min(self.values.len() - 1)
    }

    #[inline]
    pub fn at(&self, u: f64) -> f64 {
        self.values[self.index(u)]
    }

    pub fn fill(&self, us: &[f64], out: &mut [f64]) {
        for (x, u) in out.iter_mut().zip(us) {
            *x = self.at(*u);
        }
    }

    /// The largest distance from u to the probabilities [F(x⁻), F(x)] of the value returned,
    /// over a grid of u and the points just beyond every step, where the slack is used.
    pub fn max_u_error(&self) -> f64 {
        let mut us: Vec<f64> = (0..1024).map(|j| (j as f64 + 0.5) / 1024.0).collect();
        us.extend(self.cumulative.iter().map(|c| c + 0.5 * SLACK));
        us.iter()
            .filter(|u| **u < 1.0)
            .map(|&u| {
                let i = self.index(u);
                let below = if i == 0 { 0.0 } else { self.cumulative[i - 1] };
                (below - u).max(u - self.cumulative[i]).max(0.0)
            })
            .fold(0.0, f64::max)
    }
}
