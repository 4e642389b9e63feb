//! Summaries of simulated outputs: mean, standard deviation, percentiles with their Monte Carlo
//! error, and the chance of meeting a budget or a deadline.
//!
//! Percentiles use linear interpolation between order statistics (numpy's default, Excel's
//! PERCENTILE.INC). Their 95% confidence interval is a pair of order statistics chosen from the
//! Binomial(n, p) count of runs below the true percentile: distribution-free, and its coverage is
//! known exactly, so an interval that cannot reach 95% (too few runs beyond the percentile) says
//! so instead of passing for one. Sums run per fixed-size chunk and combine in chunk order, so
//! every figure is identical for any thread count.

pub mod histogram;
pub mod quantile;

use rayon::prelude::*;
use serde::Serialize;

use statrs::distribution::{Binomial, DiscreteCDF};
use statrs::function::beta::beta_reg;

/// Values per part of every parallel sum: the parts are added in order, so a sum has the same
/// bits for any thread count. Changing it changes the last bits of every mean and sd reported.
pub const SUM_PART: usize = 1 << 16;

mod estimate;
pub mod moments;
pub mod replicated;
pub mod stream;
pub use estimate::{Estimate, Z975};
pub use moments::Moments;

/// One percentile's estimate and its distribution-free interval (order statistics), reliable
/// when its exact coverage reaches 95%.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Percentile {
    /// Which percentile, in percent: 5 for P5.
    #[serde(rename = "percentile")]
    pub percent: f64,
    #[serde(flatten)]
    pub estimate: Estimate,
    /// The interval's exact coverage for a continuous output (at least this for a discrete one).
    /// Below 95% when fewer than about 4 runs are expected beyond the percentile: one end is then
    /// the sample's extreme, which the true percentile lies beyond more often than 2.5%.
    pub ci_coverage: f64,
}

/// A run count that bounds the `percent` percentile on both sides at 95%: the chance that no run
/// falls beyond it, (1 − m)^n with m = min(q, 1 − q), is then at most 2.5%. A few runs fewer may
/// still reach 95% overall when the other end has slack; half as many never do.
pub fn runs_for_95_interval(percent: f64) -> u64 {
    let q = percent / 100.0;
    let m = q.min(1.0 - q);
    (0.025f64.ln() / (-m).ln_1p()).ceil() as u64
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    #[serde(skip)]
    pub n: u64,
    /// The normal interval sd / √n each side, reliable as [`mean_interval_holds`] says.
    pub mean: Estimate,
    pub sd: f64,
    pub percentiles: Vec<Percentile>,
}

impl Summary {
    /// The widest 95% half-width of the row, the mean's and every percentile's whose interval
    /// reaches 95%: how far the last shown digit can be trusted. Intervals that cannot reach
    /// 95% are flagged where they are shown, not folded in here; None when none reaches it (a
    /// handful of runs), as a "±0" would claim a precision nothing supports.
    pub fn max_half_width(&self) -> Option<f64> {
        self.percentiles
            .iter()
            .map(|p| &p.estimate)
            .chain([&self.mean])
            .filter(|e| e.reliable)
            .map(Estimate::half_width)
            .reduce(f64::max)
    }

    /// The percentiles whose intervals fall short of 95%.
    pub fn short_intervals(&self) -> impl Iterator<Item = &Percentile> {
        self.percentiles.iter().filter(|p| !p.estimate.reliable)
    }
}

/// Mean, sd and the given percentiles (each in (0, 100)) of a non-empty sample.
pub fn summarize(data: &[f64], percentiles: &[f64]) -> Summary {
    assert!(!data.is_empty(), "summary of an empty sample");
    let (pooled, _) = moments::of_column(data, None);
    summarize_ranked(&pooled, percentiles, &mut |ranks| {
        quantile::order_statistics(data, ranks)
    })
}

/// Where a summary reads its order statistics: the values at 0-based ranks of the sorted
/// runs, from a stored column or from the values a stream kept.
pub type OrderStatistics<'a> = dyn FnMut(&[usize]) -> Vec<f64> + 'a;

/// Mean, sd and percentiles from a sample's moments and its order statistics.
pub fn summarize_ranked(
    m: &Moments,
    percentiles: &[f64],
    order_statistics: &mut OrderStatistics,
) -> Summary {
    let n = m.n as usize;
    let (mean, sd) = (m.mean(), m.sd());
    let (skewness, excess_kurtosis) = m.shape();
    // Four ranks per percentile: the two around the point estimate and the two CI ends.
    let plan: Vec<[usize; 4]> = percentiles.iter().map(|&p| ranks(n, p / 100.0)).collect();
    let flat: Vec<usize> = plan.iter().flatten().copied().collect();
    let values = order_statistics(&flat);
    let percentiles = percentiles
        .iter()
        .zip(values.chunks(4))
        .zip(&plan)
        .map(|((&p, v), r)| {
            let h = interpolation_index(n, p / 100.0);
            let frac = h - h.floor();
            let ci_coverage = interval_coverage(n, p / 100.0, r[2], r[3]);
            let value = v[0] + frac * (v[1] - v[0]);
            Percentile {
                percent: p,
                estimate: Estimate::from_interval(value, v[2], v[3], ci_coverage >= 0.95),
                ci_coverage,
            }
        })
        .collect();
    let mean_se = sd / (n as f64).sqrt();
    let mean_reliable = mean_interval_holds(n as u64, skewness, excess_kurtosis);
    Summary {
        n: n as u64,
        mean: Estimate::normal(mean, mean_se, mean_reliable),
        sd,
        percentiles,
    }
}

/// Runs below which the mean's normal interval is never trusted: at a few hundred runs a
/// moderately skewed output (an exponential, a lognormal with σ = 0.5) already covers 89–93%.
pub const MIN_RUNS_FOR_MEAN_INTERVAL: u64 = 1000;

/// Whether mean ± 1.96·sd/√n is a 95% interval for this sample. No interval for a mean holds
/// for every distribution at a fixed n (a rare huge value can hide from any sample), so this is
/// a diagnostic, calibrated by simulation over normal, uniform, exponential, gamma, bimodal,
/// rare-event and lognormal (σ 0.5 to 2.5) outputs at 100 to 100,000 runs: the interval is
/// trusted when the sample's skewness² / n and excess kurtosis / n are both at most 0.01 and
/// there are at least [`MIN_RUNS_FOR_MEAN_INTERVAL`] runs. Those it trusts covered at least
/// 94% in every case with enough trusted samples to tell; heavy tails (a lognormal with σ = 2.5
/// covers 68% at 200 runs, 91% at 200,000) are flagged at every run count tried.
pub fn mean_interval_holds(n: u64, skewness: f64, excess_kurtosis: f64) -> bool {
    const LIMIT: f64 = 0.01;
    let n_f = n as f64;
    // A constant sample (skewness and kurtosis undefined) has an exact mean.
    let (g2, k) = if skewness.is_nan() || excess_kurtosis.is_nan() {
        (0.0, 0.0)
    } else {
        (skewness * skewness, excess_kurtosis)
    };
    n >= MIN_RUNS_FOR_MEAN_INTERVAL && g2 / n_f <= LIMIT && k / n_f <= LIMIT
}

/// Mean and sample standard deviation, finite for any finite data (see [`moments`]).
pub fn mean_and_sd(data: &[f64]) -> (f64, f64) {
    let (m, _) = moments::of_column(data, None);
    (m.mean(), m.sd())
}

/// [floor(h), floor(h)+1, CI low, CI high] (0-based) for quantile q of n values.
fn ranks(n: usize, q: f64) -> [usize; 4] {
    let last = n - 1;
    let lo = (interpolation_index(n, q).floor() as usize).min(last);
    let (ci_lo, ci_hi) = order_statistic_interval(n, q);
    [
        lo,
        (lo + 1).min(last),
        ci_lo.min(lo),
        ci_hi.max((lo + 1).min(last)),
    ]
}

/// h = (n − 1)·q: the value is x[floor h] + frac(h)·(x[floor h + 1] − x[floor h]).
/// Computed in one place so the rank and the fraction can never disagree.
fn interpolation_index(n: usize, q: f64) -> f64 {
    (n - 1) as f64 * q
}

/// 0-based ranks (j, k) with P(x_(j) ≤ ξ_q ≤ x_(k)) ≥ 95%, exact for continuous outputs:
/// the number of draws below the true quantile ξ_q is Binomial(n, q). Where the sample is too
/// small for 2.5% on a side, that end is clamped to the sample's extreme.
fn order_statistic_interval(n: usize, q: f64) -> (usize, usize) {
    let below = Binomial::new(q, n as u64).expect("0 < q < 1 and n ≥ 1");
    // Smallest x with P(X ≤ x) ≥ target, by bisection on [0, n].
    let smallest = |target: f64| {
        let (mut lo, mut hi) = (0u64, n as u64);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if below.cdf(mid) >= target {
                hi = mid
            } else {
                lo = mid + 1
            }
        }
        lo as usize
    };
    // x_(j) ≤ ξ_q ⇔ X ≥ j (1-based j); x_(k) ≥ ξ_q ⇔ X ≤ k − 1.
    let j = smallest(0.025);
    let k = smallest(0.975) + 1;
    (j.saturating_sub(1), (k - 1).min(n - 1))
}

/// P(x_(lo) ≤ ξ_q ≤ x_(hi)) for 0-based ranks: the count X of draws below ξ_q is Binomial(n, q),
/// x_(lo) ≤ ξ_q ⇔ X ≥ lo + 1 and x_(hi) ≥ ξ_q ⇔ X ≤ hi.
fn interval_coverage(n: usize, q: f64, lo: usize, hi: usize) -> f64 {
    let below = Binomial::new(q, n as u64).expect("0 < q < 1 and n ≥ 1");
    below.cdf(hi as u64) - below.cdf(lo as u64)
}

/// A probability estimated from a count, with its standard error and its Clopper–Pearson 95%
/// interval. Exact (it inverts the binomial tests), so it covers at least 95% for every true
/// probability, however rare the event; Wilson's interval covers as little as 84% when about
/// 0.2 events are expected.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Probability {
    /// Always reliable: the interval covers at least 95%.
    #[serde(flatten)]
    pub estimate: Estimate,
    pub hits: u64,
    /// Of this many runs.
    #[serde(rename = "runs")]
    pub n: u64,
}

impl Probability {
    pub fn from_count(hits: u64, n: u64) -> Self {
        let nf = n as f64;
        let p = hits as f64 / nf;
        let (ci95_lo, ci95_hi) = clopper_pearson(hits, n);
        Probability {
            estimate: Estimate {
                value: p,
                se: (p * (1.0 - p) / nf).sqrt(),
                ci95_lo,
                ci95_hi,
                reliable: true,
            },
            hits,
            n,
        }
    }
}

/// The Clopper–Pearson 95% interval for `hits` of `n`: the ends are the 2.5% quantile of
/// Beta(x, n − x + 1) and the 97.5% quantile of Beta(x + 1, n − x), the latter found as one minus
/// the 2.5% quantile of Beta(n − x, x + 1) so that an end near 1 keeps its precision. At 0 or n
/// hits the open end has a closed form.
fn clopper_pearson(hits: u64, n: u64) -> (f64, f64) {
    let (x, nf) = (hits as f64, n as f64);
    let tail: f64 = 0.025;
    let lo = if hits == 0 {
        0.0
    } else if hits == n {
        (tail.ln() / nf).exp()
    } else {
        beta_lower_quantile(x, nf - x + 1.0, tail)
    };
    let hi = if hits == n {
        1.0
    } else if hits == 0 {
        -(tail.ln() / nf).exp_m1()
    } else {
        1.0 - beta_lower_quantile(nf - x, x + 1.0, tail)
    };
    (lo, hi)
}

/// The largest x (to the last bit) with I_x(a, b) below `target`: a quantile rounded down, so an
/// interval built from it errs wide. Bisection on ln x, because statrs's `inv_beta_reg` is off
/// by 0.4% in the tail probability for a rare event and does not return for a = 1, b = 1e9, and
/// because ln x resolves quantiles near 0 to full relative precision.
fn beta_lower_quantile(a: f64, b: f64, target: f64) -> f64 {
    let (mut lo, mut hi) = (f64::MIN_POSITIVE.ln(), 0.0f64);
    loop {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            return lo.exp();
        }
        if beta_reg(a, b, mid.exp()) < target {
            lo = mid
        } else {
            hi = mid
        }
    }
}

/// Counts runs where `pred` holds for the pair (`a[i]`, `b[i]`).
pub fn count_pairs(a: &[f64], b: &[f64], pred: impl Fn(f64, f64) -> bool + Sync) -> u64 {
    a.par_chunks(SUM_PART)
        .zip(b.par_chunks(SUM_PART))
        .map(|(x, y)| x.iter().zip(y).filter(|(u, v)| pred(**u, **v)).count() as u64)
        .sum()
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_mean_interval_is_trusted_only_with_enough_runs_and_light_tails() {
        assert!(mean_interval_holds(1000, 0.0, 0.0));
        assert!(!mean_interval_holds(999, 0.0, 0.0));
        // skewness² / n and excess kurtosis / n up to 0.01.
        assert!(mean_interval_holds(10_000, 10.0, 100.0));
        assert!(!mean_interval_holds(10_000, 10.1, 0.0));
        assert!(!mean_interval_holds(10_000, -10.1, 0.0));
        assert!(!mean_interval_holds(10_000, 0.0, 100.5));
        // A constant output has an exact mean; shape gives NaN for both, but either alone says so.
        assert!(mean_interval_holds(1000, f64::NAN, f64::NAN));
        assert!(mean_interval_holds(1000, f64::NAN, 0.0));
        assert!(mean_interval_holds(1000, 0.0, f64::NAN));
    }

    #[test]
    fn shape_is_undefined_without_spread() {
        let (g, k) = Moments::of(&[2.5; 9]).shape();
        assert!(g.is_nan() && k.is_nan(), "{g}, {k}");
    }

    #[test]
    fn skewness_and_kurtosis_match_their_closed_forms() {
        // Two points, 0 and 1, with weights 3:1: skewness 2/√3, excess kurtosis −2/3, for the
        // moment estimators over the population sd. The sample sd is larger by √(n/(n − 1)).
        let data: Vec<f64> = (0..4000).map(|i| f64::from(u8::from(i % 4 == 0))).collect();
        let (g, k) = moments::of_column(&data, None).0.shape();
        let f = (4000.0f64 / 3999.0).sqrt();
        assert!((g * f.powi(3) - 2.0 / 3f64.sqrt()).abs() < 1e-12, "{g}");
        assert!(
            ((k + 3.0) * f.powi(4) - 3.0 + 2.0 / 3.0).abs() < 1e-12,
            "{k}"
        );
    }
    use super::*;

    #[test]
    fn interpolates_like_numpy() {
        // numpy.percentile([1, 2, 3, 4], [5, 50, 95]) = [1.15, 2.5, 3.85]
        let s = summarize(&[4.0, 1.0, 3.0, 2.0], &[5.0, 50.0, 95.0]);
        let v: Vec<f64> = s.percentiles.iter().map(|p| p.estimate.value).collect();
        for (got, want) in v.iter().zip([1.15, 2.5, 3.85]) {
            assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        }
        assert!((s.mean.value - 2.5).abs() < 1e-12);
        assert!((s.sd - (5.0f64 / 3.0).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn intervals_bracket_the_estimate_and_shrink_with_n() {
        let small: Vec<f64> = (0..1_000).map(|i| i as f64).collect();
        let large: Vec<f64> = (0..100_000).map(|i| i as f64 / 100.0).collect();
        let a = summarize(&small, &[50.0]).percentiles[0];
        let b = summarize(&large, &[50.0]).percentiles[0];
        assert!(a.estimate.ci95_lo <= a.estimate.value && a.estimate.value <= a.estimate.ci95_hi);
        // Uniform on [0, 1000): SE of the median = 1000·√(0.25/n).
        assert!(
            (a.estimate.se / (1000.0 * (0.25f64 / 1e3).sqrt()) - 1.0).abs() < 0.1,
            "{}",
            a.estimate.se
        );
        assert!(
            (b.estimate.se / (1000.0 * (0.25f64 / 1e5).sqrt()) - 1.0).abs() < 0.1,
            "{}",
            b.estimate.se
        );
    }

    #[test]
    fn a_constant_sample_has_its_value_as_mean_and_zero_sd() {
        let s = summarize(&vec![3.7908e25; 100_000], &[50.0]);
        assert_eq!((s.mean.value, s.sd), (3.7908e25, 0.0));
    }

    #[test]
    fn rank_and_fraction_agree() {
        // (101 − 1) · 0.29 is 28.999999999999996 in floating point: the value must be x[29]
        // (up to rounding), as numpy gives, not x[28].
        let data: Vec<f64> = (0..=100).map(f64::from).collect();
        let v = summarize(&data, &[29.0]).percentiles[0].estimate.value;
        assert!((v - 29.0).abs() < 1e-9, "{v}");
    }

    #[test]
    fn intervals_cover_95_percent_even_for_small_samples() {
        // Exact coverage of the order-statistic interval: Σ over j ≤ X < k of Binomial(n, q).
        for (n, q) in [
            (20, 0.05),
            (100, 0.99),
            (1000, 0.5),
            (1_000_000, 0.000_001),
            (50, 0.5),
        ] {
            let (j, k) = order_statistic_interval(n, q);
            let b = Binomial::new(q, n as u64).unwrap();
            // X ∈ [j + 1, k] with 1-based j + 1 and k.
            let coverage = b.cdf(k as u64) - if j == 0 { 0.0 } else { b.cdf(j as u64) };
            let clamped = j == 0 || k == n - 1;
            assert!(coverage >= 0.95 || clamped, "n {n}, q {q}: {coverage}");
        }
        let (j, k) = order_statistic_interval(1000, 0.5);
        assert!(j < 500 && k > 500 && k - j < 80, "({j}, {k})");
    }

    #[test]
    fn single_value_sample() {
        let s = summarize(&[7.0], &[5.0, 95.0]);
        assert_eq!(s.percentiles[1].estimate.value, 7.0);
        assert_eq!(s.sd, 0.0);
    }

    #[test]
    fn probabilities_count_pairs() {
        let a = [1.0, 2.0, 3.0, 4.0];
        let b = [4.0, 3.0, 2.0, 1.0];
        assert_eq!(count_pairs(&a, &b, |x, y| x <= 2.0 && y <= 3.0), 1);
        let p = Probability::from_count(1, 4);
        assert_eq!(p.estimate.value, 0.25);
    }

    #[test]
    fn probability_intervals_are_clopper_pearson() {
        // Reference values: scipy.stats.beta.ppf at 0.025 / 0.975 (statsmodels proportion_confint,
        // method="beta").
        for (hits, n, lo, hi) in [
            (1, 10, 0.002_528_578_9, 0.445_016_2),
            (5, 10, 0.187_086_4, 0.812_913_6),
            (3, 1_000_000, 6.186_725e-7, 8.767_276e-6),
        ] {
            let p = Probability::from_count(hits, n);
            assert!(
                (p.estimate.ci95_lo / lo - 1.0).abs() < 1e-5,
                "{hits}/{n}: {}",
                p.estimate.ci95_lo
            );
            assert!(
                (p.estimate.ci95_hi / hi - 1.0).abs() < 1e-5,
                "{hits}/{n}: {}",
                p.estimate.ci95_hi
            );
        }
    }

    #[test]
    fn probability_intervals_are_quick_and_finite_for_a_billion_runs() {
        let start = std::time::Instant::now();
        for hits in [1, 7, 500_000_000, 700_000_000, 999_999_999] {
            let p = Probability::from_count(hits, 1_000_000_000);
            assert!(
                0.0 < p.estimate.ci95_lo
                    && p.estimate.ci95_lo < p.estimate.value
                    && p.estimate.value < p.estimate.ci95_hi
                    && p.estimate.ci95_hi < 1.0,
                "{p:?}"
            );
        }
        assert!(start.elapsed().as_secs_f64() < 1.0, "{:?}", start.elapsed());
    }

    #[test]
    fn probability_intervals_stay_honest_at_the_edges() {
        let none = Probability::from_count(0, 1_000_000);
        assert_eq!(none.estimate.ci95_lo, 0.0);
        // 1 − 0.025^(1/n) ≈ 3.6889e-6.
        assert!(
            (none.estimate.ci95_hi - 3.688_879e-6).abs() < 1e-11,
            "{}",
            none.estimate.ci95_hi
        );
        let all = Probability::from_count(50, 50);
        assert_eq!(all.estimate.ci95_hi, 1.0);
        assert!(
            (all.estimate.ci95_lo - 0.928_878_3).abs() < 1e-6,
            "{}",
            all.estimate.ci95_lo
        );
        let mid = Probability::from_count(500_000, 1_000_000);
        assert!(
            (mid.estimate.ci95_hi - 0.5 - 1.96 * mid.estimate.se).abs() < 1e-5,
            "{}",
            mid.estimate.ci95_hi
        );
    }

    /// P(lo ≤ p ≤ hi) summed exactly over every count of Binomial(n, p).
    fn exact_coverage(n: u64, p: f64) -> f64 {
        let b = Binomial::new(p, n).unwrap();
        (0..=n)
            .map(|k| {
                let c = Probability::from_count(k, n);
                if c.estimate.ci95_lo <= p && p <= c.estimate.ci95_hi {
                    statrs::distribution::Discrete::pmf(&b, k)
                } else {
                    0.0
                }
            })
            .sum()
    }

    #[test]
    fn probability_intervals_cover_95_percent_for_rare_and_common_events() {
        // n = 2,000 puts the expected count of the rarer outcome at 0.2 for p = 1e-4, where
        // Wilson's interval covers 82%.
        for n in [200, 2_000] {
            for p in [1e-4, 1e-3, 0.01, 0.2, 0.5, 0.7, 0.999] {
                let c = exact_coverage(n, p);
                assert!(c >= 0.95 - 1e-9, "n {n}, p {p}: {c}");
            }
        }
    }

    #[test]
    fn percentile_intervals_know_their_coverage() {
        // At 200 runs, P0.5 expects one run below it: the interval starts at the minimum and
        // covers 1 − 0.995^200 ≈ 63% at best.
        let data: Vec<f64> = (0..200).map(f64::from).collect();
        let s = summarize(&data, &[0.5, 1.0, 5.0, 50.0, 95.0, 99.0, 99.5]);
        let short: Vec<f64> = s.short_intervals().map(|p| p.percent).collect();
        assert_eq!(short, vec![0.5, 1.0, 99.0, 99.5]);
        let p05 = s.percentiles[0];
        assert!(
            p05.ci_coverage < 0.64 && p05.estimate.ci95_lo == 0.0,
            "{p05:?}"
        );
        assert!(s.percentiles[2].ci_coverage >= 0.95);
        // At the run count that rule gives, the interval is 95% on both sides.
        for percent in [0.1, 0.5, 1.0, 2.5, 5.0, 50.0, 99.0, 99.9] {
            let n = runs_for_95_interval(percent) as usize;
            let data: Vec<f64> = (0..n).map(|i| i as f64).collect();
            let p = summarize(&data, &[percent]).percentiles[0];
            assert!(
                p.estimate.reliable,
                "P{percent} at {n} runs: {}",
                p.ci_coverage
            );
            let half: Vec<f64> = (0..n / 2).map(|i| i as f64).collect();
            let p = summarize(&half, &[percent]).percentiles[0];
            assert!(
                !p.estimate.reliable,
                "P{percent} at {} runs: {}",
                n / 2,
                p.ci_coverage
            );
        }
    }

    #[test]
    fn the_rows_half_width_includes_the_mean_when_its_interval_holds() {
        // Half zeros, half ones: P5 and P95 are pinned at 0 and 1 (zero width), the mean is not.
        let data: Vec<f64> = (0..10_000).map(|i| f64::from(i % 2)).collect();
        let s = summarize(&data, &[5.0, 95.0]);
        assert!(s.mean.reliable);
        assert!(s.max_half_width() > Some(0.0));
        assert_eq!(s.max_half_width(), Some(s.mean.half_width()));
        // A rare huge value: the sample sd cannot be trusted, so the mean's ± is left out.
        let mut data = vec![1.0; 9_990];
        data.extend([1e4; 10]);
        let s = summarize(&data, &[5.0, 50.0, 95.0]);
        assert!(!s.mean.reliable);
        assert_eq!(s.max_half_width(), Some(0.0));
        // One run: nothing is known about the error.
        assert_eq!(summarize(&[3.0], &[50.0]).max_half_width(), None);
    }

    #[test]
    fn order_statistic_intervals_are_the_binomial_quantiles() {
        // The 2.5% and 97.5% quantiles of Binomial(n, q), computed in exact rational arithmetic:
        // j = smallest x with P(X ≤ x) ≥ 2.5%, k = smallest x with P(X ≤ x) ≥ 97.5%; the
        // 0-based ranks are j − 1 and k, clamped to the sample, and the coverage is
        // P(j ≤ X ≤ k).
        for (n, q, ranks, coverage) in [
            (1000, 0.5, (468, 531), 0.953_708_802_639_501_9),
            (200, 0.05, (3, 16), 0.967_152_163_856_725_8),
            (200, 0.99, (194, 199), 0.849_997_418_232_860_5),
        ] {
            assert_eq!(order_statistic_interval(n, q), ranks, "n {n}, q {q}");
            let c = interval_coverage(n, q, ranks.0, ranks.1);
            assert!((c - coverage).abs() < 1e-9, "n {n}, q {q}: {c}");
        }
    }

    #[test]
    fn a_percentile_interval_always_brackets_its_estimate() {
        // 20 runs, P0.1: h = 0.019, so the estimate lies between the two smallest values. The
        // binomial interval is the minimum alone (P(X = 0) = 0.999^20 = 98%); it is widened to
        // the second value, and covers P(X = 1) = 20 · 0.001 · 0.999^19.
        let data: Vec<f64> = (0..20).map(f64::from).collect();
        let p = summarize(&data, &[0.1]).percentiles[0];
        assert!((p.estimate.value - 0.019).abs() < 1e-12, "{p:?}");
        assert_eq!((p.estimate.ci95_lo, p.estimate.ci95_hi), (0.0, 1.0));
        let exact = 20.0 * 0.001 * 0.999f64.powi(19);
        assert!((p.ci_coverage - exact).abs() < 1e-12, "{p:?}");
    }

    #[test]
    fn pairs_are_counted_across_chunks() {
        // i < n − i for i = 0..n with n = 2 chunks + 7 runs: exactly the i ≤ (n − 1) / 2.
        let n = 2 * SUM_PART + 7;
        let a: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let b: Vec<f64> = (0..n).map(|i| (n - i) as f64).collect();
        assert_eq!(count_pairs(&a, &b, |x, y| x < y), (n as u64 - 1) / 2 + 1);
        assert_eq!(count_pairs(&a, &b, |_, _| false), 0);
    }

    fn interval(lo: f64, hi: f64, coverage: f64) -> Percentile {
        Percentile {
            percent: 50.0,
            estimate: Estimate::from_interval(0.5 * (lo + hi), lo, hi, coverage >= 0.95),
            ci_coverage: coverage,
        }
    }

    #[test]
    fn half_widths_are_the_normal_975_quantile_times_the_standard_error() {
        // Φ⁻¹(0.975) = 1.959963984540054: an interval of ±1.96 is one standard error each side.
        let z = 1.959_963_984_540_054;
        assert!((interval(-z, z, 0.95).estimate.se - 1.0).abs() < 1e-15);
        assert!((interval(10.0, 10.0 + 4.0 * z, 0.95).estimate.se - 2.0).abs() < 1e-14);
        // sd 10 over 100 runs: standard error 1.
        let row = |percentiles| Summary {
            n: 100,
            mean: Estimate::normal(0.0, 10.0 / 10.0, true),
            sd: 10.0,
            percentiles,
        };
        let s = row(vec![]);
        assert!((s.mean.se - 1.0).abs() < 1e-15);
        assert!((s.mean.half_width() - z).abs() < 1e-15);
        assert_eq!(s.max_half_width(), Some(s.mean.half_width()));
        // The widest 95% interval wins; one that falls short of 95% is left out however wide.
        let s = row(vec![
            interval(-1.0, 1.0, 0.96),
            interval(-5.0, 5.0, 0.95),
            interval(-50.0, 50.0, 0.6),
        ]);
        assert_eq!(s.max_half_width(), Some(5.0));
        let short: Vec<f64> = s.short_intervals().map(|p| p.estimate.ci95_hi).collect();
        assert_eq!(short, vec![50.0]);
    }

    /// The textbook two-pass mean and sample sd, without scaling.
    fn unscaled(data: &[f64]) -> (f64, f64) {
        let n = data.len() as f64;
        let mean = data.iter().sum::<f64>() / n;
        let sd = (data.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0)).sqrt();
        (mean, sd)
    }

    #[test]
    fn scaling_keeps_ordinary_figures_to_the_last_digits() {
        let data: Vec<f64> = (0..200_000)
            .map(|i| 7.7e7 * (1.0 + (i as f64 * 0.618).sin() / 3.0))
            .collect();
        let small = [0.33, 0.4, 0.41, 0.45];
        for d in [&data[..], &small] {
            let ((m, s), (um, us)) = (mean_and_sd(d), unscaled(d));
            assert!((m / um - 1.0).abs() < 1e-14 && (s / us - 1.0).abs() < 1e-13);
        }
    }

    #[test]
    fn mean_and_sd_of_figures_near_the_largest_float_stay_finite() {
        // k · 1e306 for k = 1..4: mean 2.5e306, sd √(5/3) e306; the sums overflow unscaled.
        let data = [1e306, 2e306, 3e306, 4e306];
        assert!(!unscaled(&data).1.is_finite());
        let s = summarize(&data, &[50.0]);
        assert!(
            (s.mean.value / 2.5e306 - 1.0).abs() < 1e-12,
            "{}",
            s.mean.value
        );
        assert!(
            (s.sd / ((5.0f64 / 3.0).sqrt() * 1e306) - 1.0).abs() < 1e-12,
            "{}",
            s.sd
        );
        // Opposite signs at the model's largest figure: mean 0, sd √(4/3) · LARGEST.
        let big = crate::model::LARGEST;
        let s = summarize(&[big, -big, big, -big], &[50.0]);
        assert_eq!(s.mean.value, 0.0);
        assert!(
            (s.sd / ((4.0f64 / 3.0).sqrt() * big) - 1.0).abs() < 1e-12,
            "{}",
            s.sd
        );
    }

    #[test]
    fn the_sd_of_tiny_figures_does_not_underflow_to_zero() {
        // Unscaled, (1e-200)² underflows and the sd would be 0.
        let s = summarize(&[1e-200, 3e-200], &[50.0]);
        assert!((s.mean.value / 2e-200 - 1.0).abs() < 1e-12);
        assert!(
            (s.sd / (2f64.sqrt() * 1e-200) - 1.0).abs() < 1e-12,
            "{}",
            s.sd
        );
        let zeros = summarize(&[0.0; 10], &[50.0]);
        assert_eq!((zeros.mean.value, zeros.sd), (0.0, 0.0));
    }

    #[test]
    fn a_column_of_negative_zeros_summarises_as_plain_zero() {
        let s = summarize(&[-0.0; 1000], &[50.0]);
        let half_width = s.max_half_width().expect("a trusted interval");
        for figure in [
            s.mean.value,
            s.sd,
            half_width,
            s.percentiles[0].estimate.value,
        ] {
            assert!(figure == 0.0 && figure.is_sign_positive(), "{s:?}");
        }
    }
}
