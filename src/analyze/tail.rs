//! Tail sensitivity: which inputs drive the chance of exceeding a threshold (a budget, a
//! deadline). Monte Carlo filtering (regional sensitivity analysis, Spear & Hornberger 1980):
//! runs are split into those that exceed and those that do not, and each input's distribution
//! is compared between the two groups. [`tail_measure`] defines the measures on a stored
//! sample; `sensitivity` streams its runs and gets the same figures, exactly, from passes over
//! them ([`super::drivers`], tested against it).

use super::sorted_quantile;

/// How one input differs between runs that exceed the threshold and runs that do not.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TailMeasure {
    /// Kolmogorov–Smirnov distance between the input's distribution in the two groups, in
    /// [0, 1]: 0 when the input is irrelevant to exceeding, 1 when it decides it alone.
    pub ks: f64,
    /// Median percentile (0–100) of the input among exceeding runs; 50 when irrelevant, above
    /// 50 when high values drive the excess.
    pub median_percentile_exceeding: f64,
    /// P(exceed | input at or below its P25) and P(exceed | input at or above its P75).
    pub p_exceed_low_quartile: f64,
    pub p_exceed_high_quartile: f64,
}

/// `values` and `ranks` (1..n, ties averaged) of one input, `exceeds` per run.
/// None when no run, or every run, exceeds: then nothing separates the groups.
pub fn tail_measure(values: &[f64], ranks: &[f64], exceeds: &[bool]) -> Option<TailMeasure> {
    let n = values.len();
    let hits = exceeds.iter().filter(|e| **e).count();
    if hits == 0 || hits == n {
        return None;
    }
    let mut inside: Vec<f64> = Vec::with_capacity(hits);
    let mut outside: Vec<f64> = Vec::with_capacity(n - hits);
    let mut exceeding_percentiles: Vec<f64> = Vec::with_capacity(hits);
    for r in 0..n {
        if exceeds[r] {
            inside.push(values[r]);
            exceeding_percentiles.push(100.0 * (ranks[r] - 0.5) / n as f64);
        } else {
            outside.push(values[r]);
        }
    }
    // Quarters by value, so tied values (a discrete input) all fall on the same side.
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let (q1, q3) = (
        sorted_quantile(&sorted, 0.25),
        sorted_quantile(&sorted, 0.75),
    );
    let share = |keep: &dyn Fn(f64) -> bool| {
        let (mut total, mut hit) = (0usize, 0usize);
        for r in (0..n).filter(|&r| keep(values[r])) {
            total += 1;
            hit += usize::from(exceeds[r]);
        }
        (total > 0).then(|| hit as f64 / total as f64)
    };
    let (low, high) = (share(&|x| x <= q1), share(&|x| x >= q3));
    inside.sort_by(f64::total_cmp);
    outside.sort_by(f64::total_cmp);
    exceeding_percentiles.sort_by(f64::total_cmp);
    Some(TailMeasure {
        ks: ks_distance(&inside, &outside),
        median_percentile_exceeding: sorted_quantile(&exceeding_percentiles, 0.5),
        p_exceed_low_quartile: low.unwrap_or(f64::NAN),
        p_exceed_high_quartile: high.unwrap_or(f64::NAN),
    })
}

/// sup |F₁ − F₂| of two sorted samples.
fn ks_distance(a: &[f64], b: &[f64]) -> f64 {
    let (mut i, mut j, mut d) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        let x = a[i].min(b[j]);
        while i < a.len() && a[i] <= x {
            i += 1;
        }
        while j < b.len() && b[j] <= x {
            j += 1;
        }
        d = d.max((i as f64 / a.len() as f64 - j as f64 / b.len() as f64).abs());
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::rank::ranks;
    use rand::rngs::Xoshiro256PlusPlus;
    use rand::{RngExt, SeedableRng};

    #[test]
    fn the_driving_input_ranks_first_and_points_the_right_way() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let n = 20_000;
        let x1: Vec<f64> = (0..n).map(|_| rng.random()).collect();
        let x2: Vec<f64> = (0..n).map(|_| rng.random()).collect();
        let x3: Vec<f64> = (0..n).map(|_| rng.random()).collect();
        // Exceeds when y = x1 − 0.3·x2 is large; x3 plays no part.
        let exceeds: Vec<bool> = (0..n).map(|r| x1[r] - 0.3 * x2[r] > 0.6).collect();
        let m = |x: &[f64]| tail_measure(x, &ranks(x), &exceeds).unwrap();
        let (m1, m2, m3) = (m(&x1), m(&x2), m(&x3));
        assert!(m1.ks > m2.ks && m2.ks > m3.ks, "{m1:?} {m2:?} {m3:?}");
        assert!(m3.ks < 0.05, "irrelevant input: {m3:?}");
        assert!(m1.median_percentile_exceeding > 70.0 && m2.median_percentile_exceeding < 50.0);
        assert_eq!(m1.p_exceed_low_quartile, 0.0);
        assert!(m1.p_exceed_high_quartile > 0.8);
    }

    #[test]
    fn tied_values_fall_on_one_side_of_the_quartiles() {
        // A 50/50 two-valued input that decides everything: runs exceed exactly when it is 1.
        let x: Vec<f64> = (0..1000).map(|i| f64::from(i % 2)).collect();
        let exceeds: Vec<bool> = x.iter().map(|v| *v == 1.0).collect();
        let m = tail_measure(&x, &ranks(&x), &exceeds).unwrap();
        assert_eq!(
            (m.p_exceed_low_quartile, m.p_exceed_high_quartile),
            (0.0, 1.0)
        );
        assert_eq!(m.ks, 1.0);
    }

    #[test]
    fn a_small_case_worked_by_hand() {
        // Runs 3, 1, 4, 5, 2; those at 2 and 5 exceed. Their percentiles (rank − ½)/n are 30%
        // and 90% (median 60%). Empirical CDFs of {2, 5} and {1, 3, 4} differ most just after
        // 4: ½ against 1. Quartiles 2 and 4: one of {1, 2} and one of {4, 5} exceed.
        let x = [3.0, 1.0, 4.0, 5.0, 2.0];
        let exceeds = [false, false, false, true, true];
        let m = tail_measure(&x, &ranks(&x), &exceeds).unwrap();
        assert!(
            (m.median_percentile_exceeding - 60.0).abs() < 1e-12,
            "{m:?}"
        );
        assert_eq!(m.ks, 0.5);
        assert_eq!(
            (m.p_exceed_low_quartile, m.p_exceed_high_quartile),
            (0.5, 0.5)
        );
    }

    #[test]
    fn nothing_to_separate() {
        assert!(tail_measure(&[1.0, 2.0], &[1.0, 2.0], &[false, false]).is_none());
        assert!(tail_measure(&[1.0, 2.0], &[1.0, 2.0], &[true, true]).is_none());
    }

    #[test]
    fn ks_of_disjoint_and_equal_samples() {
        assert_eq!(ks_distance(&[1.0, 2.0], &[3.0, 4.0]), 1.0);
        assert_eq!(ks_distance(&[1.0, 2.0], &[1.0, 2.0]), 0.0);
    }
}
