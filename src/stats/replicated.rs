//! Intervals for stratified and quasi-random runs, from the spread between independent
//! replicates (each its own Latin hypercube or its own scrambling of the Sobol points).
//!
//! The runs within a replicate are not independent, so the binomial and order-statistic
//! intervals of plain Monte Carlo would misstate the error (usually overstate it: that is the
//! point of stratifying). The replicates are independent and alike, so a mean computed on each
//! varies as the pooled one does, R times over: the pooled estimate ± t(R − 1) · s / √R, with s
//! the standard deviation of the R replicate means, is the sectioning interval of Asmussen &
//! Glynn (*Stochastic Simulation*, 2007, §III.5), as randomised quasi-Monte Carlo asks
//! (L'Ecuyer & Lemieux). Means and chances use it directly; a percentile inverts the interval
//! of the share of runs below it (see [`summarize`]).
//!
//! A percentile needs enough runs beyond it in every replicate for that share to vary
//! normally; with fewer, the order-statistic interval of the pooled runs is given instead,
//! marked unreliable.

use rayon::prelude::*;
use statrs::distribution::{ContinuousCDF, StudentsT};

use super::{Estimate, Moments, OrderStatistics, Probability, Summary, moments, quantile};
use crate::sample::scheme::Replicates;

pub use crate::sample::scheme::MIN_TAIL_RUNS_PER_REPLICATE;

/// The 97.5% point of Student's t with `df` degrees of freedom.
pub fn t975(df: u64) -> f64 {
    StudentsT::new(0.0, 1.0, df as f64)
        .expect("df ≥ 1")
        .inverse_cdf(0.975)
}

/// The pooled estimate with the sectioning interval of the replicate estimates.
fn sectioned(value: f64, replicate_values: &[f64], reliable: bool) -> Estimate {
    let r = replicate_values.len();
    let mean = replicate_values.iter().sum::<f64>() / r as f64;
    let var = replicate_values
        .iter()
        .map(|x| (x - mean).powi(2))
        .sum::<f64>()
        / (r - 1) as f64;
    let se = (var / r as f64).sqrt();
    let half = t975(r as u64 - 1) * se;
    Estimate {
        value,
        se,
        ci95_lo: value - half,
        ci95_hi: value + half,
        reliable,
    }
}

/// Mean, sd and percentiles as [`super::summarize`] gives them, with every interval from the
/// replicates.
///
/// A percentile's interval inverts that of the share of runs at or below it. The pooled
/// share F̂(ξ) at the true percentile ξ is a mean over replicates, whose sectioning interval
/// p ± δ holds F̂(ξ) 95% of the time; so ξ lies between the pooled order statistics at p − δ
/// and p + δ (ranks rounded outward), with δ measured at the estimate. This keeps the interval
/// honest where a replicate's own percentile would not be: the replicate percentiles of a
/// strongly stratified output vary less than their discreteness, and their spread understates
/// the pooled error (measured: 92.6% coverage at P95 of a sum under Sobol points).
pub fn summarize(data: &[f64], percentiles: &[f64], reps: &Replicates) -> Summary {
    let (pooled, each) = moments::of_column(data, Some(reps));
    summarize_ranked(
        &pooled,
        &each,
        percentiles,
        reps,
        &mut |ranks| quantile::order_statistics(data, ranks),
        &mut |thresholds| {
            reps.ranges()
                .collect::<Vec<_>>()
                .into_par_iter()
                .map(|r| at_or_below(&data[r.start as usize..r.end as usize], thresholds))
                .collect()
        },
    )
}

/// Per replicate, how many of its runs are at or below each threshold.
pub type CountsAtOrBelow<'a> = dyn FnMut(&[f64]) -> Vec<Vec<u64>> + 'a;

/// [`summarize`] from the pooled and per-replicate moments, the pooled order statistics and
/// the replicates' counts at or below given values.
pub fn summarize_ranked(
    pooled: &Moments,
    each: &[Moments],
    percentiles: &[f64],
    reps: &Replicates,
    order_statistics: &mut OrderStatistics,
    counts: &mut CountsAtOrBelow,
) -> Summary {
    let mut summary = super::summarize_ranked(pooled, percentiles, order_statistics);
    if summary.sd == 0.0 {
        // Every run gave the same value: it is known exactly, whatever the sampling.
        return exact(summary);
    }
    let smallest = reps.runs / reps.count;
    let tails_reached = |percent: f64| {
        let q = percent / 100.0;
        (smallest as f64) * q.min(1.0 - q) >= MIN_TAIL_RUNS_PER_REPLICATE
    };
    let thresholds: Vec<f64> = summary
        .percentiles
        .iter()
        .map(|p| p.estimate.value)
        .collect();
    let below = counts(&thresholds);
    let means: Vec<f64> = each.iter().map(Moments::mean).collect();
    summary.mean = sectioned(summary.mean.value, &means, summary.mean.reliable);
    let last = pooled.n as usize - 1;
    let t = t975(reps.count - 1);
    let mut ranks = Vec::new();
    let mut which = Vec::new();
    for (k, p) in summary.percentiles.iter_mut().enumerate() {
        if !tails_reached(p.percent) {
            p.estimate.reliable = false;
            p.ci_coverage = f64::NAN;
            continue;
        }
        let q = p.percent / 100.0;
        let shares: Vec<f64> = below
            .iter()
            .zip(each)
            .map(|(b, m)| b[k] as f64 / m.n as f64)
            .collect();
        let delta = t * sd(&shares) / (reps.count as f64).sqrt();
        let h = (last as f64 * q).floor() as usize;
        let lo = (last as f64 * (q - delta)).floor().max(0.0) as usize;
        let hi = (last as f64 * (q + delta)).ceil().min(last as f64) as usize;
        ranks.push(lo.min(h));
        ranks.push(hi.max((h + 1).min(last)));
        which.push(k);
    }
    let ends = order_statistics(&ranks);
    for (k, pair) in which.iter().zip(ends.chunks(2)) {
        let p = &mut summary.percentiles[*k];
        p.estimate = Estimate::from_interval(p.estimate.value, pair[0], pair[1], true);
        p.ci_coverage = 0.95;
    }
    summary
}

/// How many of `data` are at or below each threshold, in one pass.
fn at_or_below(data: &[f64], thresholds: &[f64]) -> Vec<u64> {
    // A run at or below one threshold is at or below every larger one: one count per gap
    // between the sorted thresholds, then running totals.
    let mut order: Vec<usize> = (0..thresholds.len()).collect();
    order.sort_by(|&a, &b| thresholds[a].total_cmp(&thresholds[b]));
    let sorted: Vec<f64> = order.iter().map(|&k| thresholds[k]).collect();
    let mut gaps = vec![0u64; sorted.len() + 1];
    for &x in data {
        gaps[sorted.partition_point(|&v| v < x)] += 1;
    }
    let mut counts = vec![0; thresholds.len()];
    let mut total = 0;
    for (i, &k) in order.iter().enumerate() {
        total += gaps[i];
        counts[k] = total;
    }
    counts
}

/// A summary of runs that all gave one value: every estimate that value, with no error.
fn exact(mut s: Summary) -> Summary {
    let point = |value: f64| Estimate {
        value,
        se: 0.0,
        ci95_lo: value,
        ci95_hi: value,
        reliable: true,
    };
    s.mean = point(s.mean.value);
    for p in &mut s.percentiles {
        p.estimate = point(p.estimate.value);
        p.ci_coverage = 1.0;
    }
    s
}

fn sd(xs: &[f64]) -> f64 {
    let mean = xs.iter().sum::<f64>() / xs.len() as f64;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (xs.len() - 1) as f64;
    var.sqrt()
}

/// The chance of an event from its count in each replicate. With few events (fewer than
/// [`MIN_TAIL_RUNS_PER_REPLICATE`] per replicate either way) the replicates' shares are mostly
/// zeros, so the Clopper–Pearson interval of the pooled count is given, which holds for Latin
/// hypercubes (never worse than Monte Carlo with one run fewer, Owen 1997) and errs wide for
/// scrambled nets.
pub fn probability(hits: &[u64], reps: &Replicates) -> Probability {
    let total: u64 = hits.iter().sum();
    let pooled = Probability::from_count(total, reps.runs);
    let fewest = total.min(reps.runs - total) as f64;
    if fewest < MIN_TAIL_RUNS_PER_REPLICATE * reps.count as f64 {
        return pooled;
    }
    let shares: Vec<f64> = hits
        .iter()
        .zip(reps.ranges())
        .map(|(&h, r)| h as f64 / (r.end - r.start) as f64)
        .collect();
    let mut estimate = sectioned(pooled.estimate.value, &shares, true);
    estimate.ci95_lo = estimate.ci95_lo.max(0.0);
    estimate.ci95_hi = estimate.ci95_hi.min(1.0);
    Probability { estimate, ..pooled }
}

/// The count of runs where `pred` holds, per replicate.
pub fn count_pairs(
    a: &[f64],
    b: &[f64],
    reps: &Replicates,
    pred: impl Fn(f64, f64) -> bool + Sync,
) -> Vec<u64> {
    reps.ranges()
        .map(|r| {
            let (s, e) = (r.start as usize, r.end as usize);
            super::count_pairs(&a[s..e], &b[s..e], &pred)
        })
        .collect()
}

/// Mean, sd and percentiles of `data`, with intervals from the replicates when there are some
/// and from the independent runs otherwise.
pub fn summarize_sample(data: &[f64], percentiles: &[f64], reps: Option<&Replicates>) -> Summary {
    match reps {
        Some(reps) => summarize(data, percentiles, reps),
        None => super::summarize(data, percentiles),
    }
}

/// The chance that `pred` holds for a run's pair (`a[i]`, `b[i]`), its interval from the
/// replicates when there are some.
pub fn chance(
    a: &[f64],
    b: &[f64],
    reps: Option<&Replicates>,
    pred: impl Fn(f64, f64) -> bool + Sync,
) -> Probability {
    match reps {
        Some(reps) => probability(&count_pairs(a, b, reps, pred), reps),
        None => Probability::from_count(super::count_pairs(a, b, pred), a.len() as u64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_tables() {
        // Student's t tables: t(0.975; 31) = 2.0395, t(0.975; 1) = 12.706.
        assert!((t975(31) - 2.039_513_446).abs() < 1e-6);
        assert!((t975(1) - 12.706_204_736).abs() < 1e-6);
    }

    #[test]
    fn the_sectioning_interval_is_the_t_interval_of_the_replicate_estimates() {
        let e = sectioned(10.0, &[9.0, 10.0, 11.0, 10.0], true);
        // s = √(2/3), se = s / 2, t(3) = 3.182446.
        let se = (2.0f64 / 3.0).sqrt() / 2.0;
        assert!((e.se - se).abs() < 1e-12);
        assert!((e.ci95_hi - 10.0 - 3.182_446_305 * se).abs() < 1e-6);
    }

    #[test]
    fn a_rare_event_falls_back_to_the_pooled_exact_interval() {
        let reps = Replicates {
            runs: 3200,
            count: 32,
        };
        let mut hits = vec![0; 32];
        hits[3] = 2;
        let p = probability(&hits, &reps);
        assert_eq!(p, Probability::from_count(2, 3200));
    }

    #[test]
    fn replicate_percentiles_need_runs_beyond_them() {
        let reps = Replicates {
            runs: 3200,
            count: 32,
        };
        let data: Vec<f64> = (0..3200).map(|i| ((i * 7919) % 3200) as f64).collect();
        let s = summarize(&data, &[5.0, 50.0, 99.9], &reps);
        // 100 runs per replicate: 5 beyond P5, 50 beyond P50, 0.1 beyond P99.9.
        assert!(!s.percentiles[0].estimate.reliable);
        assert!(s.percentiles[1].estimate.reliable);
        assert!(!s.percentiles[2].estimate.reliable);
        assert_eq!(s.percentiles[1].ci_coverage, 0.95);
    }
}
