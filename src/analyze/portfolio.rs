//! How each run of a portfolio adds to its risk. Both allocations are Euler's: each run's
//! share of a figure of the total, the shares summing to one.
//!
//! - Variance: Cov(Xₖ, T) / Var(T), with T = Σ Xₖ.
//! - Tail: `(E[Xₖ | T > t] − E[Xₖ]) / (E[T | T > t] − E[T])`: of what the total exceeds its
//!   mean by when it is beyond t (the budget, or the total's P95), how much each run brings.
//!
//! Intervals come from batch means: the draws cut into [`BATCHES`] consecutive batches, each
//! share computed in each, the spread between them giving the standard error (t with 31
//! degrees of freedom, fewer where some batches have no draw in the tail).

use crate::stats::replicated::t975;
use crate::stats::{Estimate, mean_and_sd};

/// Batches the draws are cut into for the shares' intervals.
pub const BATCHES: usize = 32;

/// Values every sum is taken about (the figures' means, from a first pass over the draws), so
/// that sums of products do not cancel: the shares themselves do not depend on them.
#[derive(Debug, Clone, PartialEq)]
pub struct Centres {
    /// Each run's part of the figure the budget is about (its cost, or its spend in the year).
    pub parts: Vec<f64>,
    /// That figure for the portfolio: the parts' sum.
    pub total: f64,
    /// Each run's total cost, for the correlations.
    pub costs: Vec<f64>,
}

/// One draw block's figures, as [`RiskSums::add`] reads them.
pub struct Block<'a> {
    /// The index of the block's first draw.
    pub first: u64,
    pub parts: &'a [&'a [f64]],
    pub total: &'a [f64],
    pub costs: &'a [&'a [f64]],
    /// Each run's finish day, and the portfolio's (the latest of them).
    pub finishes: &'a [&'a [f64]],
    pub finish: &'a [f64],
}

/// Sums over the draws of one batch, about the [`Centres`].
#[derive(Debug, Clone, PartialEq)]
struct Batch {
    n: f64,
    part: Vec<f64>,
    total: f64,
    part_total: Vec<f64>,
    total_total: f64,
    /// The same over the draws whose total is beyond the threshold.
    beyond: f64,
    beyond_part: Vec<f64>,
    beyond_total: f64,
}

impl Batch {
    fn new(k: usize) -> Batch {
        Batch {
            n: 0.0,
            part: vec![0.0; k],
            total: 0.0,
            part_total: vec![0.0; k],
            total_total: 0.0,
            beyond: 0.0,
            beyond_part: vec![0.0; k],
            beyond_total: 0.0,
        }
    }

    fn merge(&mut self, o: &Batch) {
        let add = |a: &mut Vec<f64>, b: &Vec<f64>| a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        self.n += o.n;
        add(&mut self.part, &o.part);
        self.total += o.total;
        add(&mut self.part_total, &o.part_total);
        self.total_total += o.total_total;
        self.beyond += o.beyond;
        add(&mut self.beyond_part, &o.beyond_part);
        self.beyond_total += o.beyond_total;
    }

    /// Cov(part k, total) / Var(total) within the batch.
    fn variance_share(&self, k: usize) -> f64 {
        let cov = self.part_total[k] - self.part[k] * self.total / self.n;
        let var = self.total_total - self.total * self.total / self.n;
        if var > 0.0 { cov / var } else { f64::NAN }
    }

    /// Part k's share of the total's excess over its mean in the draws beyond the threshold,
    /// each measured from the batch's own means.
    fn tail_share(&self, k: usize) -> f64 {
        let part = self.beyond_part[k] - self.beyond * self.part[k] / self.n;
        let total = self.beyond_total - self.beyond * self.total / self.n;
        if self.beyond == 0.0 || total == 0.0 {
            f64::NAN
        } else {
            part / total
        }
    }
}

/// The batches of draws i, i + 1, ... out of n: batch b holds draws b·n/32 up to
/// (b + 1)·n/32, so draw i is in batch ⌊(32(i + 1) − 1) / n⌋. One division for the first, then
/// the numerator's rest carried forward, draw by draw.
struct BatchWalk {
    batch: usize,
    rest: u128,
    draws: u128,
}

impl BatchWalk {
    fn from(i: u64, draws: u64) -> BatchWalk {
        let (top, draws) = (BATCHES as u128 * (u128::from(i) + 1) - 1, u128::from(draws));
        BatchWalk {
            batch: (top / draws) as usize,
            rest: top % draws,
            draws,
        }
    }

    /// The batch of the next draw.
    fn next_batch(&mut self) -> usize {
        let batch = self.batch;
        self.rest += BATCHES as u128;
        while self.rest >= self.draws {
            self.rest -= self.draws;
            self.batch += 1;
        }
        batch
    }
}

/// Everything the risk shares, the cost correlations and "ends last" are made of, gathered
/// block by block as the draws stream past and merged in draw order: a few sums per batch and
/// per pair of runs, whatever the number of draws.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskSums {
    centres: Centres,
    threshold: f64,
    draws: u64,
    batches: Vec<Batch>,
    /// Per run, Σ (cost − centre); per pair, Σ of the products.
    cost: Vec<f64>,
    cost_cross: Vec<Vec<f64>>,
    last: Vec<u64>,
}

impl RiskSums {
    /// For `draws` draws, with the tail beyond `threshold` (the budget, or the total's P95).
    pub fn new(centres: Centres, threshold: f64, draws: u64) -> RiskSums {
        let (k, runs) = (centres.parts.len(), centres.costs.len());
        RiskSums {
            threshold,
            draws,
            batches: vec![Batch::new(k); BATCHES],
            cost: vec![0.0; runs],
            cost_cross: vec![vec![0.0; runs]; runs],
            last: vec![0; runs],
            centres,
        }
    }

    pub fn add(&mut self, b: &Block) {
        let c = &self.centres;
        let mut batches = BatchWalk::from(b.first, self.draws);
        for (j, &t) in b.total.iter().enumerate() {
            let s = &mut self.batches[batches.next_batch()];
            let dt = t - c.total;
            s.n += 1.0;
            s.total += dt;
            s.total_total += dt * dt;
            let beyond = t > self.threshold;
            if beyond {
                s.beyond += 1.0;
                s.beyond_total += dt;
            }
            for (k, part) in b.parts.iter().enumerate() {
                let dx = part[j] - c.parts[k];
                s.part[k] += dx;
                s.part_total[k] += dx * dt;
                if beyond {
                    s.beyond_part[k] += dx;
                }
            }
            for (a, xa) in b.costs.iter().enumerate() {
                let da = xa[j] - c.costs[a];
                self.cost[a] += da;
                for (z, xz) in b.costs.iter().enumerate() {
                    self.cost_cross[a][z] += da * (xz[j] - c.costs[z]);
                }
            }
            for (last, f) in self.last.iter_mut().zip(b.finishes) {
                *last += u64::from(f[j] == b.finish[j]);
            }
        }
    }

    /// Adds the sums of later draws (merge in draw order for the same result on any thread
    /// count).
    pub fn merge(&mut self, o: &RiskSums) {
        for (a, b) in self.batches.iter_mut().zip(&o.batches) {
            a.merge(b);
        }
        for (a, b) in self.cost.iter_mut().zip(&o.cost) {
            *a += b;
        }
        for (ra, rb) in self.cost_cross.iter_mut().zip(&o.cost_cross) {
            ra.iter_mut().zip(rb).for_each(|(a, b)| *a += b);
        }
        for (a, b) in self.last.iter_mut().zip(&o.last) {
            *a += b;
        }
    }

    fn whole(&self) -> Batch {
        let mut all = Batch::new(self.centres.parts.len());
        self.batches.iter().for_each(|b| all.merge(b));
        all
    }

    /// Each part's share of the variance of the total.
    pub fn variance_shares(&self) -> Vec<Estimate> {
        self.with_batches(Batch::variance_share)
    }

    /// Each part's share of the total's excess over its mean in draws where the total exceeds
    /// the threshold; None when no draw or every draw does (the excess is then undefined).
    pub fn tail_shares(&self) -> Option<Vec<Estimate>> {
        let all = self.whole();
        if all.beyond == 0.0 || all.beyond == all.n {
            return None;
        }
        Some(self.with_batches(Batch::tail_share))
    }

    /// Pearson correlation of every pair of runs' costs; 1 on the diagonal, 0 where a cost
    /// never varies.
    pub fn correlations(&self) -> Vec<Vec<f64>> {
        let n = self.draws as f64;
        let cov = |a: usize, z: usize| self.cost_cross[a][z] - self.cost[a] * self.cost[z] / n;
        let runs = self.cost.len();
        (0..runs)
            .map(|a| {
                (0..runs)
                    .map(|z| {
                        let (va, vz) = (cov(a, a), cov(z, z));
                        if a == z {
                            1.0
                        } else if va <= 0.0 || vz <= 0.0 {
                            0.0
                        } else {
                            cov(a, z) / (va * vz).sqrt()
                        }
                    })
                    .collect()
            })
            .collect()
    }

    /// How many draws each run ends last in; a tie counts for every run in it.
    pub fn finishes_last(&self) -> &[u64] {
        &self.last
    }

    /// Each part's share on all draws, with its batch-means interval.
    fn with_batches(&self, share: impl Fn(&Batch, usize) -> f64) -> Vec<Estimate> {
        let all = self.whole();
        (0..self.centres.parts.len())
            .map(|k| {
                let batch: Vec<f64> = self
                    .batches
                    .iter()
                    .map(|b| share(b, k))
                    .filter(|s| s.is_finite())
                    .collect();
                interval(share(&all, k), &batch)
            })
            .collect()
    }
}

/// value ± t·sd/√b from the b batches' values; unreliable when some batches had no value.
fn interval(value: f64, batch: &[f64]) -> Estimate {
    if batch.len() < 2 {
        return Estimate::from_interval(value, f64::NAN, f64::NAN, false);
    }
    let (_, sd) = mean_and_sd(batch);
    let se = sd / (batch.len() as f64).sqrt();
    let half = t975(batch.len() as u64 - 1) * se;
    Estimate {
        value,
        se,
        ci95_lo: value - half,
        ci95_hi: value + half,
        reliable: batch.len() == BATCHES,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    #[test]
    fn walking_the_batches_finds_each_draws_batch() {
        for draws in [1u64, 5, 31, 32, 33, 1000, 65_537, 3_000_000_019] {
            let batch_of =
                |i: u64| ((BATCHES as u128 * (u128::from(i) + 1) - 1) / u128::from(draws)) as usize;
            for first in [0, draws / 3, draws.saturating_sub(700)] {
                let mut walk = BatchWalk::from(first, draws);
                for i in first..draws.min(first + 70_000) {
                    assert_eq!(walk.next_batch(), batch_of(i), "draw {i} of {draws}");
                }
            }
            assert_eq!(batch_of(draws - 1), BATCHES - 1);
        }
    }

    fn sample(n: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        // Independent parts with variances 1 and 4: shares 1/5 and 4/5.
        let a: Vec<f64> = (0..n).map(|_| rng.random::<f64>() * 12f64.sqrt()).collect();
        let b: Vec<f64> = (0..n)
            .map(|_| rng.random::<f64>() * 2.0 * 12f64.sqrt())
            .collect();
        let t = a.iter().zip(&b).map(|(x, y)| x + y).collect();
        (a, b, t)
    }

    fn mean(x: &[f64]) -> f64 {
        x.iter().sum::<f64>() / x.len() as f64
    }

    /// The sums of parts that are also the costs, gathered in uneven blocks and merged.
    fn sums(parts: &[&[f64]], total: &[f64], threshold: f64) -> RiskSums {
        let n = total.len();
        let centres = Centres {
            parts: parts.iter().map(|p| mean(p)).collect(),
            total: mean(total),
            costs: parts.iter().map(|p| mean(p)).collect(),
        };
        let mut all = RiskSums::new(centres.clone(), threshold, n as u64);
        let mut first = 0;
        while first < n {
            let end = (first + 7_001).min(n);
            let cut: Vec<&[f64]> = parts.iter().map(|p| &p[first..end]).collect();
            let mut part = RiskSums::new(centres.clone(), threshold, n as u64);
            part.add(&Block {
                first: first as u64,
                parts: &cut,
                total: &total[first..end],
                costs: &cut,
                finishes: &cut,
                finish: &total[first..end],
            });
            all.merge(&part);
            first = end;
        }
        all
    }

    /// The shares of one batch as the draws' own formulas give them.
    fn variance_share(part: &[f64], total: &[f64]) -> f64 {
        let (mp, mt) = (mean(part), mean(total));
        let cov: f64 = part
            .iter()
            .zip(total)
            .map(|(x, t)| (x - mp) * (t - mt))
            .sum();
        let var: f64 = total.iter().map(|t| (t - mt) * (t - mt)).sum();
        cov / var
    }

    #[test]
    fn variance_shares_of_independent_parts_are_their_variances_shares() {
        let (a, b, t) = sample(200_000);
        let s = sums(&[&a, &b], &t, f64::INFINITY).variance_shares();
        assert!((s[0].value + s[1].value - 1.0).abs() < 1e-12);
        assert!(s[0].covers(0.2) && s[1].covers(0.8), "{s:?}");
        assert!(s[0].half_width() < 0.01);
        assert!((s[0].value - variance_share(&a, &t)).abs() < 1e-12);
        // Each batch's share is the formula on its own draws: the interval is theirs.
        let batch: Vec<f64> = (0..BATCHES)
            .map(|k| {
                let r = k * 200_000 / BATCHES..(k + 1) * 200_000 / BATCHES;
                variance_share(&a[r.clone()], &t[r])
            })
            .collect();
        let expected = interval(s[0].value, &batch);
        assert!(
            (s[0].se - expected.se).abs() < 1e-12 * expected.se.max(1.0),
            "{s:?}"
        );
    }

    #[test]
    fn tail_shares_sum_to_one_and_favour_the_wider_part() {
        let (a, b, t) = sample(200_000);
        let p95 = {
            let mut s = t.clone();
            s.sort_by(f64::total_cmp);
            s[190_000]
        };
        let s = sums(&[&a, &b], &t, p95).tail_shares().unwrap();
        assert!((s[0].value + s[1].value - 1.0).abs() < 1e-12);
        assert!(s[1].value > 0.7, "{s:?}");
        let (ma, mt) = (mean(&a), mean(&t));
        let beyond = || a.iter().zip(&t).filter(|(_, t)| **t > p95);
        let direct =
            beyond().map(|(x, _)| x - ma).sum::<f64>() / beyond().map(|(_, t)| t - mt).sum::<f64>();
        assert!((s[0].value - direct).abs() < 1e-12, "{s:?} vs {direct}");
        assert!(sums(&[&a, &b], &t, f64::INFINITY).tail_shares().is_none());
        assert!(
            sums(&[&a, &b], &t, f64::NEG_INFINITY)
                .tail_shares()
                .is_none()
        );
    }

    #[test]
    fn correlation_of_a_part_with_itself_scaled_is_one() {
        let (a, b, _) = sample(10_000);
        let twice: Vec<f64> = a.iter().map(|x| 2.0 * x + 1.0).collect();
        let total: Vec<f64> = (0..a.len()).map(|i| a[i] + twice[i] + b[i]).collect();
        let c = sums(&[&a, &twice, &b], &total, 0.0).correlations();
        assert!((c[0][1] - 1.0).abs() < 1e-12);
        assert!(c[0][2].abs() < 0.05);
        assert!((c[0][2] - super::super::rank::pearson(&a, &b)).abs() < 1e-12);
    }

    #[test]
    fn a_run_ends_last_where_its_finish_is_the_portfolios() {
        let (a, b, _) = sample(1_000);
        let last: Vec<f64> = a.iter().zip(&b).map(|(x, y)| x.max(*y)).collect();
        let mut s = RiskSums::new(
            Centres {
                parts: vec![0.0; 2],
                total: 0.0,
                costs: vec![0.0; 2],
            },
            0.0,
            1_000,
        );
        s.add(&Block {
            first: 0,
            parts: &[&a, &b],
            total: &last,
            costs: &[&a, &b],
            finishes: &[&a, &a],
            finish: &last,
        });
        let a_last = a.iter().zip(&b).filter(|(x, y)| x >= y).count() as u64;
        assert_eq!(s.finishes_last(), [a_last, a_last]);
    }
}
