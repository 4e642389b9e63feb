//! Coverage of every interval labelled 95%: over 1,000 seeds, each must contain the known truth
//! at least 95% of the time less three Monte Carlo standard errors of a coverage estimate
//! (92.9%), or be flagged as falling short. An interval whose exact coverage is 95.1% would fall
//! below a fixed 94% floor once in sixteen studies by chance alone, so the floor comes from the
//! standard error; the exact coverage of each percentile interval is checked to be at least 95%
//! as well. Samples are drawn directly and handed to the interval code: percentiles of uniform
//! and exponential draws, whose true quantiles are known exactly, and binomial counts of known
//! probability. Sobol indices' bootstrap intervals are checked on the Ishigami function, whose
//! indices are known exactly.

use std::collections::HashMap;

use flopcast::analyze::sobol::{evaluate, indices};
use flopcast::analyze::textbook::{ishigami, ishigami_indices};
use flopcast::sample::saltelli::{PointSet, SaltelliPlan};
use flopcast::stats::{Probability, summarize};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, RngExt, SeedableRng};
use rand_distr::{Binomial, Distribution};

const SEEDS: u64 = 1_000;
/// 0.95 − 3 √(0.95 · 0.05 / 1,000).
const FLOOR: f64 = 0.929;
const PERCENTILES: [f64; 13] = [
    0.5, 1.0, 2.5, 5.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 97.5, 99.0, 99.5,
];

/// A distribution with a known quantile function, drawn by inversion.
struct Known {
    name: &'static str,
    quantile: fn(f64) -> f64,
}

const UNIFORM: Known = Known {
    name: "uniform",
    quantile: |q| q,
};
const EXPONENTIAL: Known = Known {
    name: "exponential",
    quantile: |q| -(-q).ln_1p(),
};

fn draw(rng: &mut impl Rng, n: usize, d: &Known) -> Vec<f64> {
    (0..n).map(|_| (d.quantile)(rng.random::<f64>())).collect()
}

/// For each percentile: (seeds whose interval held the truth, whether it was flagged short, the
/// coverage the tool computed for it).
fn percentile_coverage(n: usize, d: &Known, seed_base: u64) -> Vec<(u64, bool, f64)> {
    let mut held = vec![0u64; PERCENTILES.len()];
    let mut short = vec![false; PERCENTILES.len()];
    let mut exact = vec![0.0; PERCENTILES.len()];
    for seed in 0..SEEDS {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed_base + seed);
        let s = summarize(&draw(&mut rng, n, d), &PERCENTILES);
        for (i, p) in s.percentiles.iter().enumerate() {
            let truth = (d.quantile)(p.percent / 100.0);
            held[i] += u64::from(p.estimate.covers(truth));
            short[i] = !p.estimate.reliable;
            exact[i] = p.ci_coverage;
        }
    }
    (0..PERCENTILES.len())
        .map(|i| (held[i], short[i], exact[i]))
        .collect()
}

#[test]
fn every_percentile_interval_not_flagged_covers_95_percent() {
    for n in [200, 1_000, 5_000] {
        for (k, d) in [UNIFORM, EXPONENTIAL].iter().enumerate() {
            let found = percentile_coverage(n, d, 1_000_000 * (k as u64 + 1) + n as u64);
            for (&percent, (held, short, exact)) in PERCENTILES.iter().zip(found) {
                let coverage = held as f64 / SEEDS as f64;
                assert!(
                    short || coverage >= FLOOR,
                    "{} n {n} P{percent}: {coverage} unflagged",
                    d.name
                );
                // The coverage the tool states (and flags by) is the one observed.
                let se = (exact * (1.0 - exact) / SEEDS as f64).sqrt();
                assert!(
                    (coverage - exact).abs() <= 3.5 * se + 1e-3,
                    "{} n {n} P{percent}: observed {coverage}, stated {exact}",
                    d.name
                );
            }
        }
    }
}

#[test]
fn the_percentile_intervals_that_fall_short_are_the_flagged_ones() {
    // At 200 runs the extreme percentiles expect one or two runs beyond them: their intervals
    // reach the sample's extreme and cover about 61% (P0.5, P99.5) and 85% (P1, P99).
    let found = percentile_coverage(200, &UNIFORM, 7);
    let flagged: Vec<f64> = PERCENTILES
        .iter()
        .zip(&found)
        .filter(|(_, (_, short, _))| *short)
        .map(|(p, _)| *p)
        .collect();
    assert_eq!(flagged, vec![0.5, 1.0, 99.0, 99.5]);
    for (&percent, (held, short, _)) in PERCENTILES.iter().zip(&found) {
        if *short {
            let coverage = *held as f64 / SEEDS as f64;
            assert!(coverage < 0.9, "P{percent} flagged but covers {coverage}");
        }
    }
}

/// exp(σ·z) with z standard normal: a lognormal with median 1, drawn by inversion.
fn lognormal(rng: &mut impl Rng, n: usize, sigma: f64) -> Vec<f64> {
    let normal = statrs::distribution::Normal::standard();
    (0..n)
        .map(|_| {
            let u: f64 = rng.random_range(f64::EPSILON..1.0);
            (sigma * statrs::distribution::ContinuousCDF::inverse_cdf(&normal, u)).exp()
        })
        .collect()
}

/// Coverage of the mean's interval among the samples that do not flag it, and the share flagged.
fn mean_coverage(truth: f64, sample: impl Fn(u64) -> Vec<f64>) -> (f64, f64) {
    let (mut trusted, mut held) = (0u64, 0u64);
    for seed in 0..SEEDS {
        let s = summarize(&sample(seed), &[50.0]);
        if s.mean.reliable {
            trusted += 1;
            held += u64::from(s.mean.covers(truth));
        }
    }
    (
        held as f64 / trusted.max(1) as f64,
        1.0 - trusted as f64 / SEEDS as f64,
    )
}

#[test]
fn the_mean_interval_in_the_rows_half_width_covers_95_percent_or_is_flagged() {
    // mean ± 1.96 sd/√n, folded into the table's ±95% when trusted.
    for (d, truth) in [(UNIFORM, 0.5), (EXPONENTIAL, 1.0)] {
        let (coverage, flagged) = mean_coverage(truth, |seed| {
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(9_000_000 + seed);
            draw(&mut rng, 2_000, &d)
        });
        assert!(coverage >= FLOOR, "{} mean: {coverage}", d.name);
        assert!(flagged < 0.05, "{} mean flagged in {flagged}", d.name);
    }
    // A heavy tail: the normal interval covers about 78% at 2,000 runs, so it must be flagged.
    let sigma = 2.5;
    let (_, flagged) = mean_coverage((sigma * sigma / 2.0f64).exp(), |seed| {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(9_500_000 + seed);
        lognormal(&mut rng, 2_000, sigma)
    });
    assert!(flagged > 0.99, "lognormal σ 2.5 flagged in only {flagged}");
}

#[test]
fn the_mean_interval_is_never_trusted_below_a_thousand_runs() {
    // At 300 runs an exponential's normal interval covers about 93%.
    let (_, flagged) = mean_coverage(1.0, |seed| {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(9_700_000 + seed);
        draw(&mut rng, 300, &EXPONENTIAL)
    });
    assert_eq!(flagged, 1.0);
}

#[test]
fn probability_intervals_cover_95_percent_for_rare_and_common_events() {
    // n = 2,000 at p = 1e-4 expects 0.2 events: where Wilson's interval covered 84%.
    for n in [2_000u64, 200_000] {
        for p in [1e-4, 1e-3, 0.01, 0.2, 0.5, 0.7] {
            let binomial = Binomial::new(n, p).unwrap();
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(n + (p * 1e6) as u64);
            // The interval depends only on the count: compute each count's once.
            let mut covers: HashMap<u64, bool> = HashMap::new();
            let held = (0..SEEDS)
                .filter(|_| {
                    let hits = binomial.sample(&mut rng);
                    *covers.entry(hits).or_insert_with(|| {
                        let c = Probability::from_count(hits, n);
                        c.estimate.covers(p)
                    })
                })
                .count();
            let coverage = held as f64 / SEEDS as f64;
            assert!(coverage >= FLOOR, "n {n}, p {p}: {coverage}");
        }
    }
}

#[test]
fn sobol_intervals_on_sobol_points_cover_95_percent_and_on_random_points_say_they_may_not() {
    let truth = ishigami_indices();
    let mut held = [0u64; 6];
    for seed in 0..SEEDS {
        let plan = SaltelliPlan::new(256, 3, PointSet::Sobol, seed);
        let out = evaluate(&plan, 1, |u, y| y[0] = ishigami(u));
        for (i, g) in indices(&out[0], 100, seed).iter().enumerate() {
            assert!(g.s1.reliable && g.st.reliable, "{g:?}");
            held[i] += u64::from(g.s1.covers(truth.s1[i]));
            held[3 + i] += u64::from(g.st.covers(truth.st[i]));
        }
    }
    for (i, h) in held.iter().enumerate() {
        let coverage = *h as f64 / SEEDS as f64;
        assert!(
            coverage >= FLOOR,
            "index {i} (S1 x1..x3, ST x1..x3): {coverage}"
        );
    }
    let plan = SaltelliPlan::new(256, 3, PointSet::Random, 1);
    let out = evaluate(&plan, 1, |u, y| y[0] = ishigami(u));
    assert!(
        indices(&out[0], 100, 1)
            .iter()
            .all(|g| !g.s1.reliable && !g.st.reliable)
    );
}
