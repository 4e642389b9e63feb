//! Forecast verification: where published outcomes fall in their forecasts, and scores that
//! reward bands which are both honest and narrow.
//!
//! - The PIT (probability integral transform) is the forecast's probability of a value at or
//!   below the outcome. For a calibrated forecaster it is uniform on [0, 1], so a central band
//!   of level L holds the outcome with probability L.
//! - The CRPS (continuous ranked probability score) is ∫ (F(x) − 1{x ≥ y})² dx: zero for a
//!   point forecast that hits, larger for a forecast that is off or needlessly wide. It is
//!   computed on ln of the metric, so a run of 10 000 GPU-hours and one of 30 million weigh
//!   alike and the score reads as an error in ln units (0.1 ≈ 10%).
//! - The log score is the ln of the predictive density at the outcome, where a density exists.

use serde::Serialize;
use statrs::distribution::{Binomial, DiscreteCDF};

/// The central bands whose coverage is reported.
pub const BANDS: [f64; 3] = [0.5, 0.8, 0.9];

/// A published outcome against its forecast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub published: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
    /// The forecast's probability of a value at or below the published one.
    pub pit: f64,
    /// published / P50; absent when P50 is not positive.
    #[serde(rename = "published_over_p50")]
    pub ratio: Option<f64>,
    /// ln(P50 / published): positive when the forecast was too high.
    #[serde(rename = "ln_p50_over_published")]
    pub ln_error: Option<f64>,
    pub inside_50: bool,
    pub inside_80: bool,
    pub inside_90: bool,
    /// CRPS of the forecast of ln(metric); absent when the metric can be zero.
    pub crps_ln: Option<f64>,
    /// ln predictive density of ln(metric) at the outcome, when the forecast has a density.
    pub log_score: Option<f64>,
}

impl Verdict {
    pub fn new(published: f64, [p5, p50, p95]: [f64; 3], pit: f64) -> Verdict {
        let logs = published > 0.0 && p50 > 0.0;
        Verdict {
            published,
            p5,
            p50,
            p95,
            pit,
            ratio: Some(published / p50).filter(|r| p50 > 0.0 && r.is_finite()),
            // As a difference of logs: the quotient of a tiny figure can overflow.
            ln_error: logs.then(|| p50.ln() - published.ln()),
            inside_50: inside(pit, 0.5),
            inside_80: inside(pit, 0.8),
            inside_90: inside(pit, 0.9),
            crps_ln: None,
            log_score: None,
        }
    }

    /// "2.40× above P95" or "1.31× below P5" when the outcome lies outside P5–P95.
    pub fn beyond_band(&self) -> Option<String> {
        if self.published > self.p95 && self.p95 > 0.0 {
            Some(format!(
                "{}× above P95",
                factor(self.published.ln() - self.p95.ln())
            ))
        } else if self.published < self.p5 && self.published > 0.0 {
            Some(format!(
                "{}× below P5",
                factor(self.p5.ln() - self.published.ln())
            ))
        } else if self.published < self.p5 {
            Some("below P5".into())
        } else {
            None
        }
    }

    /// The narrowest reported band that holds the outcome: "50%", "80%", "90%" or "outside".
    pub fn band(&self) -> &'static str {
        if self.inside_50 {
            "50%"
        } else if self.inside_80 {
            "80%"
        } else if self.inside_90 {
            "90%"
        } else {
            "outside"
        }
    }
}

/// A ratio from its ln; ratios far from 1 need fewer digits: 1.07, 2.40, 12.3, 150, 10^320.
pub fn factor(ln_ratio: f64) -> String {
    let x = ln_ratio.exp();
    if ln_ratio > 6.0 * std::f64::consts::LN_10 {
        format!("10^{:.0}", ln_ratio / std::f64::consts::LN_10)
    } else if x < 10.0 {
        format!("{x:.2}")
    } else if x < 100.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.0}")
    }
}

/// Whether a PIT falls in the central band of `level`.
pub fn inside(pit: f64, level: f64) -> bool {
    (pit - 0.5).abs() <= level / 2.0
}

/// The PIT of `y` in a sorted sample: the share below plus half the share equal, so a forecast
/// that is one value and hits it gets 0.5, not 1.
pub fn sample_pit(sorted: &[f64], y: f64) -> f64 {
    let below = sorted.partition_point(|&x| x < y);
    let at_or_below = sorted.partition_point(|&x| x <= y);
    (below + at_or_below) as f64 / (2 * sorted.len()) as f64
}

/// CRPS of a sample forecast, sorted ascending, for outcome y:
/// mean|X − y| − ½ mean|X − X'|, where for a sorted sample
/// Σᵢ Σⱼ |xᵢ − xⱼ| = 2 Σᵢ (2i − n − 1) xᵢ (i from 1), so the whole takes one pass.
pub fn crps_sorted_sample(sorted: &[f64], y: f64) -> f64 {
    let n = sorted.len() as f64;
    let (mut to_outcome, mut spread) = (0.0, 0.0);
    for (i, &x) in sorted.iter().enumerate() {
        to_outcome += (x - y).abs();
        spread += (2.0 * (i as f64 + 1.0) - n - 1.0) * x;
    }
    to_outcome / n - spread / (n * n)
}

/// The CRPS of ln x for a sample too large to keep, gathered as it streams past: mean|X − y|
/// summed exactly, and for mean|X − X'| the counts and sums of ln x in [`LnCrps::BINS`] equal
/// bins between the sample's least and greatest ln x. Pairs in different bins are summed
/// exactly (x − x' is the difference of the bins' sums); pairs within a bin are taken as w/3
/// apart (the mean gap of values spread evenly over a bin of width w), each off by at most
/// 2w/3: [`LnCrps::finish`] returns that bound with the score. A far outlier widens every bin;
/// when the bound is above [`LnCrps::tolerance`], [`LnCrps::refined`] splits each bin in
/// proportion to its runs for one more pass, so that crowded bins become narrow.
#[derive(Debug, Clone, PartialEq)]
pub struct LnCrps {
    lo: f64,
    width: f64,
    ln_y: f64,
    /// Per equal bin, its first part and how many parts it is split into (1 until refined).
    first: Vec<usize>,
    parts: Vec<usize>,
    counts: Vec<u64>,
    sums: Vec<f64>,
    to_outcome: f64,
    to_outcome_sq: f64,
}

impl LnCrps {
    pub const BINS: usize = 1024;
    /// Parts the bins are split into when refined, in proportion to their runs (about as
    /// many again as a bin per part of this many).
    pub const REFINED_PARTS: u64 = 4096;

    /// For a sample with least value `min` and greatest `max`, and outcome `y`; None unless
    /// all three are positive (a metric that can be zero has no ln score).
    pub fn new([min, max]: [f64; 2], y: f64) -> Option<LnCrps> {
        if !(min > 0.0 && y > 0.0 && max >= min) {
            return None;
        }
        let (lo, hi) = (min.ln(), max.ln());
        Some(LnCrps {
            lo,
            width: (hi - lo) / Self::BINS as f64,
            ln_y: y.ln(),
            first: (0..Self::BINS).collect(),
            parts: vec![1; Self::BINS],
            counts: vec![0; Self::BINS],
            sums: vec![0.0; Self::BINS],
            to_outcome: 0.0,
            to_outcome_sq: 0.0,
        })
    }

    /// An empty gathering over the same range whose bins are split, each into parts in
    /// proportion to its runs here: at most `BINS + REFINED_PARTS` parts in all.
    pub fn refined(&self) -> LnCrps {
        let n = self.counts.iter().sum::<u64>().max(1);
        let mut next = 0;
        let mut first = Vec::with_capacity(Self::BINS);
        let mut parts = Vec::with_capacity(Self::BINS);
        for b in 0..Self::BINS {
            let runs: u64 = self.counts[self.first[b]..self.first[b] + self.parts[b]]
                .iter()
                .sum();
            let split = (runs * Self::REFINED_PARTS).div_ceil(n).max(1) as usize;
            first.push(next);
            parts.push(split);
            next += split;
        }
        LnCrps {
            first,
            parts,
            counts: vec![0; next],
            sums: vec![0.0; next],
            to_outcome: 0.0,
            to_outcome_sq: 0.0,
            ..self.clone()
        }
    }

    pub fn add(&mut self, xs: &[f64]) {
        for &x in xs {
            let l = x.ln();
            let d = (l - self.ln_y).abs();
            self.to_outcome += d;
            self.to_outcome_sq += d * d;
            let k = self.part_of(l);
            self.counts[k] += 1;
            self.sums[k] += l;
        }
    }

    fn part_of(&self, l: f64) -> usize {
        if self.width <= 0.0 {
            return 0;
        }
        let at = (l - self.lo) / self.width;
        let b = (at as usize).min(Self::BINS - 1);
        let within = ((at - b as f64) * self.parts[b] as f64) as usize;
        self.first[b] + within.min(self.parts[b] - 1)
    }

    /// Adds another part of the sample, gathered over the same bins.
    pub fn merge(&mut self, other: &LnCrps) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        for (a, b) in self.sums.iter_mut().zip(&other.sums) {
            *a += b;
        }
        self.to_outcome += other.to_outcome;
        self.to_outcome_sq += other.to_outcome_sq;
    }

    /// The score, and the most it can differ from [`crps_sorted_sample`] of the ln sample.
    pub fn finish(&self) -> (f64, f64) {
        let n = self.counts.iter().sum::<u64>() as f64;
        let (mut count_below, mut sum_below) = (0.0, 0.0);
        let (mut apart, mut within) = (0.0, 0.0);
        for b in 0..Self::BINS {
            let width = self.width / self.parts[b] as f64;
            let parts = self.first[b]..self.first[b] + self.parts[b];
            for (&c, &s) in self.counts[parts.clone()].iter().zip(&self.sums[parts]) {
                let c = c as f64;
                apart += count_below * s - c * sum_below;
                within += c * (c - 1.0) / 2.0 * width;
                count_below += c;
                sum_below += s;
            }
        }
        let gaps = apart + within / 3.0;
        let score = self.to_outcome / n - gaps / (n * n);
        (score, within * 2.0 / 3.0 / (n * n))
    }

    /// A tenth of the score's Monte Carlo error (the sd of |ln X − ln y| over √n): the most
    /// [`LnCrps::finish`]'s bound may be for the score to stand as the sample's.
    pub fn tolerance(&self) -> f64 {
        let n = self.counts.iter().sum::<u64>() as f64;
        let mean = self.to_outcome / n;
        let var = (self.to_outcome_sq / n - mean * mean).max(0.0);
        0.1 * var.sqrt() / n.sqrt()
    }
}

/// CRPS of a forecast given by its CDF on [lo, hi] (no mass outside), for outcome y, by
/// Simpson's rule on each side of y (where the integrand jumps).
pub fn crps_from_cdf(cdf: &dyn Fn(f64) -> f64, lo: f64, hi: f64, y: f64) -> f64 {
    let left = simpson(&|x| cdf(x).powi(2), lo, y.clamp(lo, hi));
    let right = simpson(&|x| (1.0 - cdf(x)).powi(2), y.clamp(lo, hi), hi);
    // Outside the support the CDF is 0 or 1 and the integrand 1 between y and the support.
    left + right + (lo - y).max(0.0) + (y - hi).max(0.0)
}

fn simpson(f: &dyn Fn(f64) -> f64, a: f64, b: f64) -> f64 {
    const STEPS: usize = 2000;
    if b <= a {
        return 0.0;
    }
    let h = (b - a) / STEPS as f64;
    let inner: f64 = (1..STEPS)
        .map(|i| f(a + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 })
        .sum();
    (f(a) + inner + f(b)) * h / 3.0
}

/// How often one central band held the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Coverage {
    /// Nominal level: 0.9 for the P5–P95 band.
    pub level: f64,
    pub inside: usize,
    pub n: usize,
    pub share: f64,
    /// The counts a calibrated band would give 95% of the time (binomial).
    pub calibrated_lo: u64,
    pub calibrated_hi: u64,
}

pub fn coverage(pits: &[f64], level: f64) -> Coverage {
    let n = pits.len();
    let hits = pits.iter().filter(|&&p| inside(p, level)).count();
    let (calibrated_lo, calibrated_hi) = binomial_range(n as u64, level);
    Coverage {
        level,
        inside: hits,
        n,
        share: if n == 0 {
            f64::NAN
        } else {
            hits as f64 / n as f64
        },
        calibrated_lo,
        calibrated_hi,
    }
}

fn binomial_range(n: u64, p: f64) -> (u64, u64) {
    match Binomial::new(p, n) {
        Ok(b) if n > 0 => (b.inverse_cdf(0.025), b.inverse_cdf(0.975)),
        _ => (0, 0),
    }
}

/// The verification of a set of forecasts in a few numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub n: usize,
    pub coverage: Vec<Coverage>,
    /// Mean of ln(P50 / published): above 0, forecasts too high.
    pub mean_ln_error: Option<f64>,
    pub median_abs_ln_error: Option<f64>,
    /// Median P95 / P5: how wide the bands are, whatever their honesty.
    pub median_p95_over_p5: Option<f64>,
    pub mean_crps_ln: Option<f64>,
    pub mean_log_score: Option<f64>,
}

pub fn summarise(verdicts: &[Verdict]) -> Summary {
    let pits: Vec<f64> = verdicts.iter().map(|v| v.pit).collect();
    let ln_errors: Vec<f64> = verdicts.iter().filter_map(|v| v.ln_error).collect();
    let abs: Vec<f64> = ln_errors.iter().map(|e| e.abs()).collect();
    let widths: Vec<f64> = verdicts
        .iter()
        .filter(|v| v.p5 > 0.0)
        .map(|v| v.p95 / v.p5)
        .collect();
    Summary {
        n: verdicts.len(),
        coverage: BANDS.iter().map(|&l| coverage(&pits, l)).collect(),
        mean_ln_error: mean(&ln_errors),
        median_abs_ln_error: median(&abs),
        median_p95_over_p5: median(&widths),
        mean_crps_ln: mean_of_all(verdicts.iter().map(|v| v.crps_ln)),
        mean_log_score: mean_of_all(verdicts.iter().map(|v| v.log_score)),
    }
}

fn mean(xs: &[f64]) -> Option<f64> {
    (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
}

/// The mean when every forecast has the score: a mean over some would not compare.
fn mean_of_all(xs: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let all: Option<Vec<f64>> = xs.collect();
    mean(&all?)
}

pub fn median(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    })
}

/// Observed coverage of the central bands of 10%, 20%, …, 90%: the reliability curve.
pub fn reliability(pits: &[f64]) -> Vec<(f64, f64)> {
    (1..=9)
        .map(|i| {
            let level = i as f64 / 10.0;
            (level, coverage(pits, level).share)
        })
        .collect()
}

/// Counts of PITs in `bins` equal bins over [0, 1].
pub fn pit_counts(pits: &[f64], bins: usize) -> Vec<usize> {
    let mut counts = vec![0; bins];
    for &p in pits {
        let i = ((p * bins as f64) as usize).min(bins - 1);
        counts[i] += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use statrs::distribution::{Continuous, ContinuousCDF, Normal};

    /// The normal's CRPS: σ[z(2Φ(z) − 1) + 2φ(z) − 1/√π] (Gneiting & Raftery 2007, eq. 21).
    fn crps_normal(mu: f64, sigma: f64, y: f64) -> f64 {
        let std = Normal::standard();
        let z = (y - mu) / sigma;
        sigma
            * (z * (2.0 * std.cdf(z) - 1.0) + 2.0 * std.pdf(z) - 1.0 / std::f64::consts::PI.sqrt())
    }

    #[test]
    fn sample_crps_matches_the_normal_closed_form() {
        use rand::SeedableRng;
        use rand_distr::Distribution;
        let (mu, sigma) = (2.0, 0.5);
        let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(7);
        let normal = rand_distr::Normal::new(mu, sigma).unwrap();
        let mut sample: Vec<f64> = (0..200_000).map(|_| normal.sample(&mut rng)).collect();
        sample.sort_by(f64::total_cmp);
        for y in [2.0, 2.3, 1.0, 4.5] {
            let exact = crps_normal(mu, sigma, y);
            let estimate = crps_sorted_sample(&sample, y);
            // The estimate's Monte Carlo error is below σ/√n ≈ 0.0011; allow 3 of them.
            assert!(
                (estimate - exact).abs() < 0.0035,
                "y {y}: {estimate} vs {exact}"
            );
        }
    }

    #[test]
    fn streamed_crps_is_the_sorted_samples_within_its_bound() {
        use rand::SeedableRng;
        use rand_distr::Distribution;
        let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(11);
        let lognormal = rand_distr::LogNormal::new(18.0, 0.3).unwrap();
        let sample: Vec<f64> = (0..1_000_000).map(|_| lognormal.sample(&mut rng)).collect();
        let mut ln_sorted: Vec<f64> = sample.iter().map(|x| x.ln()).collect();
        ln_sorted.sort_by(f64::total_cmp);
        let range = [sample.iter().copied().fold(f64::MAX, f64::min), {
            sample.iter().copied().fold(0.0, f64::max)
        }];
        for y in [18.0f64.exp(), 17.2f64.exp(), 21.0f64.exp()] {
            // Gathered in parts, as chunks stream past, and merged.
            let mut whole = LnCrps::new(range, y).unwrap();
            for part in sample.chunks(65_536) {
                let mut p = LnCrps::new(range, y).unwrap();
                p.add(part);
                whole.merge(&p);
            }
            let (score, bound) = whole.finish();
            let exact = crps_sorted_sample(&ln_sorted, y.ln());
            assert!((score - exact).abs() <= bound + 1e-12, "{score} vs {exact}");
            // A tenth of the score's Monte Carlo error (sd of |ln X − ln y| / √n, at least
            // 0.2 / 1000) is 2e-5: the bound is far inside it.
            assert!(bound < 1e-5 && bound > 0.0, "bound {bound}");
        }
        assert_eq!(LnCrps::new([0.0, 1.0], 1.0), None, "no ln of zero");
        let mut point = LnCrps::new([3.0, 3.0], 5.0).unwrap();
        point.add(&[3.0; 10]);
        let (score, bound) = point.finish();
        assert!((score - (5.0f64.ln() - 3.0f64.ln())).abs() < 1e-15 && bound == 0.0);
    }

    #[test]
    fn a_far_outlier_is_met_by_refined_bins() {
        use rand::SeedableRng;
        use rand_distr::Distribution;
        let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(5);
        let lognormal = rand_distr::LogNormal::new(18.0, 0.3).unwrap();
        let mut sample: Vec<f64> = (0..500_000).map(|_| lognormal.sample(&mut rng)).collect();
        // Two runs e^200 times apart stretch the equal bins 200 / 2.4 ≈ 80 times wider.
        sample.extend([
            18.0f64.exp() * (-100.0f64).exp(),
            18.0f64.exp() * 100.0f64.exp(),
        ]);
        let range = [
            sample.iter().copied().fold(f64::MAX, f64::min),
            sample.iter().copied().fold(0.0, f64::max),
        ];
        let mut ln_sorted: Vec<f64> = sample.iter().map(|x| x.ln()).collect();
        ln_sorted.sort_by(f64::total_cmp);
        let y = 18.1f64.exp();
        let gather = |empty: &LnCrps| {
            let mut whole = empty.clone();
            for part in sample.chunks(65_536) {
                let mut p = empty.clone();
                p.add(part);
                whole.merge(&p);
            }
            whole
        };
        let coarse = gather(&LnCrps::new(range, y).unwrap());
        let (_, loose) = coarse.finish();
        assert!(loose > coarse.tolerance(), "{loose} {}", coarse.tolerance());
        let fine = gather(&coarse.refined());
        let (score, bound) = fine.finish();
        let exact = crps_sorted_sample(&ln_sorted, y.ln());
        assert!(bound <= fine.tolerance(), "{bound} {}", fine.tolerance());
        assert!((score - exact).abs() <= bound + 1e-12, "{score} vs {exact}");
        assert!(fine.counts.len() <= LnCrps::BINS + LnCrps::REFINED_PARTS as usize);
    }

    #[test]
    fn sample_crps_of_a_point_forecast_is_the_absolute_error() {
        assert_eq!(crps_sorted_sample(&[3.0; 10], 5.0), 2.0);
        assert_eq!(crps_sorted_sample(&[3.0; 10], 3.0), 0.0);
    }

    #[test]
    fn cdf_crps_matches_the_normal_closed_form() {
        let n = Normal::new(1.0, 0.3).unwrap();
        for y in [1.0, 0.4, 1.9, -3.0, 5.0] {
            let exact = crps_normal(1.0, 0.3, y);
            let numeric = crps_from_cdf(&|x| n.cdf(x), 1.0 - 3.0, 1.0 + 3.0, y);
            assert!(
                (numeric - exact).abs() < 1e-6,
                "y {y}: {numeric} vs {exact}"
            );
        }
    }

    #[test]
    fn pit_of_a_known_sample() {
        let sorted: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(sample_pit(&sorted, 0.5), 0.0);
        assert_eq!(sample_pit(&sorted, 100.5), 1.0);
        assert_eq!(sample_pit(&sorted, 30.5), 0.3);
        // On a sample value, half of it counts below.
        assert_eq!(sample_pit(&sorted, 30.0), 0.295);
        assert_eq!(sample_pit(&[7.0; 5], 7.0), 0.5);
    }

    #[test]
    fn coverage_counts_pits_inside_each_band() {
        // PITs at the centres of 40 equal steps, none on a band's edge: a band of level L
        // holds 40·L of them.
        let pits: Vec<f64> = (0..40).map(|i| (i as f64 + 0.5) / 40.0).collect();
        let s = summarise(
            &pits
                .iter()
                .map(|&p| Verdict::new(1.0, [0.5, 1.0, 2.0], p))
                .collect::<Vec<_>>(),
        );
        let held: Vec<usize> = s.coverage.iter().map(|c| c.inside).collect();
        assert_eq!(held, [20, 32, 36]);
        for c in &s.coverage {
            assert!(c.calibrated_lo <= c.inside as u64 && c.inside as u64 <= c.calibrated_hi);
        }
        let reliability = reliability(&pits);
        for (level, observed) in reliability {
            assert!((observed - level).abs() < 1e-9, "{level}: {observed}");
        }
        assert_eq!(pit_counts(&pits, 10), vec![4; 10]);
        assert_eq!(s.median_p95_over_p5, Some(4.0));
    }

    #[test]
    fn errors_bias_and_band_of_one_verdict() {
        // Published 2.4× above P95 and three times the median.
        let v = Verdict::new(24.0, [4.0, 8.0, 10.0], 1.0);
        assert_eq!(v.beyond_band().as_deref(), Some("2.40× above P95"));
        assert!((v.ln_error.unwrap() - (1.0f64 / 3.0).ln()).abs() < 1e-12);
        assert_eq!(v.ratio, Some(3.0));
        assert_eq!(v.band(), "outside");
        let low = Verdict::new(2.0, [4.0, 8.0, 16.0], 0.0);
        assert_eq!(low.beyond_band().as_deref(), Some("2.00× below P5"));
        let mid = Verdict::new(8.0, [4.0, 8.0, 16.0], 0.7);
        assert_eq!((mid.band(), mid.beyond_band()), ("50%", None));
        assert_eq!(Verdict::new(8.0, [4.0, 8.0, 16.0], 0.88).band(), "80%");
        assert_eq!(Verdict::new(8.0, [4.0, 8.0, 16.0], 0.93).band(), "90%");
        // A figure so small that P5 over it overflows is still a finite number of tens.
        let tiny = Verdict::new(1e-320, [2.4e6, 2.6e6, 3e6], 0.0);
        assert_eq!(tiny.beyond_band().as_deref(), Some("10^326× below P5"));
        assert!(tiny.ln_error.unwrap().is_finite() && tiny.ratio == Some(0.0));
    }

    #[test]
    fn a_score_missing_for_one_forecast_leaves_the_mean_out() {
        let mut a = Verdict::new(1.0, [0.5, 1.0, 2.0], 0.5);
        let b = a.clone();
        a.crps_ln = Some(0.1);
        assert_eq!(summarise(&[a.clone(), b]).mean_crps_ln, None);
        assert_eq!(summarise(&[a]).mean_crps_ln, Some(0.1));
    }

    #[test]
    fn median_of_even_and_odd() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }
}
