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

/// Each part's share of the variance of the total (`total[i]` = Σₖ `parts[k][i]`).
pub fn variance_shares(parts: &[&[f64]], total: &[f64]) -> Vec<Estimate> {
    with_batches(parts, total, variance_share)
}

/// Each part's share of the total's excess over its mean in draws where the total exceeds
/// `threshold`; None when no draw or every draw does (the excess is then undefined).
pub fn tail_shares(parts: &[&[f64]], total: &[f64], threshold: f64) -> Option<Vec<Estimate>> {
    let beyond = total.iter().filter(|t| **t > threshold).count();
    if beyond == 0 || beyond == total.len() {
        return None;
    }
    Some(with_batches(parts, total, |p, t| {
        tail_share(p, t, threshold)
    }))
}

/// Pearson correlation of every pair of parts; 1 on the diagonal, NaN where a part never
/// varies.
pub fn correlations(parts: &[&[f64]]) -> Vec<Vec<f64>> {
    (0..parts.len())
        .map(|a| {
            (0..parts.len())
                .map(|b| {
                    if a == b {
                        1.0
                    } else {
                        super::rank::pearson(parts[a], parts[b])
                    }
                })
                .collect()
        })
        .collect()
}

/// Each part's share on all draws, with its batch-means interval.
fn with_batches(
    parts: &[&[f64]],
    total: &[f64],
    share: impl Fn(&[f64], &[f64]) -> f64,
) -> Vec<Estimate> {
    let n = total.len();
    parts
        .iter()
        .map(|p| {
            let value = share(p, total);
            let batch: Vec<f64> = (0..BATCHES)
                .map(|b| {
                    let r = b * n / BATCHES..(b + 1) * n / BATCHES;
                    share(&p[r.clone()], &total[r])
                })
                .filter(|s| s.is_finite())
                .collect();
            interval(value, &batch)
        })
        .collect()
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

fn variance_share(part: &[f64], total: &[f64]) -> f64 {
    let (mp, _) = mean_and_sd(part);
    let (mt, _) = mean_and_sd(total);
    let (mut cov, mut var) = (0.0, 0.0);
    for (x, t) in part.iter().zip(total) {
        cov += (x - mp) * (t - mt);
        var += (t - mt) * (t - mt);
    }
    if var > 0.0 { cov / var } else { f64::NAN }
}

fn tail_share(part: &[f64], total: &[f64], threshold: f64) -> f64 {
    let (mp, _) = mean_and_sd(part);
    let (mt, _) = mean_and_sd(total);
    let (mut sp, mut st, mut n) = (0.0, 0.0, 0usize);
    for (x, t) in part.iter().zip(total).filter(|(_, t)| **t > threshold) {
        sp += x - mp;
        st += t - mt;
        n += 1;
    }
    if n == 0 || st == 0.0 {
        f64::NAN
    } else {
        sp / st
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

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

    #[test]
    fn variance_shares_of_independent_parts_are_their_variances_shares() {
        let (a, b, t) = sample(200_000);
        let s = variance_shares(&[&a, &b], &t);
        assert!((s[0].value + s[1].value - 1.0).abs() < 1e-12);
        assert!(s[0].covers(0.2) && s[1].covers(0.8), "{s:?}");
        assert!(s[0].half_width() < 0.01);
    }

    #[test]
    fn tail_shares_sum_to_one_and_favour_the_wider_part() {
        let (a, b, t) = sample(200_000);
        let p95 = {
            let mut s = t.clone();
            s.sort_by(f64::total_cmp);
            s[190_000]
        };
        let s = tail_shares(&[&a, &b], &t, p95).unwrap();
        assert!((s[0].value + s[1].value - 1.0).abs() < 1e-12);
        assert!(s[1].value > 0.7, "{s:?}");
        assert!(tail_shares(&[&a, &b], &t, f64::INFINITY).is_none());
    }

    #[test]
    fn correlation_of_a_part_with_itself_scaled_is_one() {
        let (a, b, _) = sample(10_000);
        let twice: Vec<f64> = a.iter().map(|x| 2.0 * x + 1.0).collect();
        let c = correlations(&[&a, &twice, &b]);
        assert!((c[0][1] - 1.0).abs() < 1e-12);
        assert!(c[0][2].abs() < 0.05);
    }
}
