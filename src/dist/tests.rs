//! Every sampler against an independent CDF from statrs (Kolmogorov–Smirnov, fixed seeds), and
//! every mean against the sample mean within its Monte Carlo standard error.

use super::*;
use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use statrs::distribution::{Continuous, LogNormal, Normal, Triangular, Uniform, Weibull};

const N: usize = 20_000;

/// Critical value of the one-sample KS statistic at α = 0.001 (asymptotic).
fn ks_critical(n: usize) -> f64 {
    1.949 / (n as f64).sqrt()
}

fn draws(dist: &Dist, seed: u64) -> Vec<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut out = vec![0.0; N];
    dist.fill(&mut rng, &mut out);
    out
}

fn ks_statistic(mut xs: Vec<f64>, cdf: impl Fn(f64) -> f64) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len() as f64;
    xs.iter()
        .enumerate()
        .map(|(i, &x)| {
            let f = cdf(x);
            (f - i as f64 / n).abs().max(((i + 1) as f64 / n - f).abs())
        })
        .fold(0.0, f64::max)
}

fn assert_ks(dist: &Dist, cdf: impl Fn(f64) -> f64, what: &str) {
    let d = ks_statistic(draws(dist, 7), &cdf);
    assert!(
        d < ks_critical(N),
        "{what}: KS D = {d:.5} ≥ {:.5}",
        ks_critical(N)
    );
}

#[test]
fn uniform_matches_statrs() {
    let s = Uniform::new(2.0, 5.0).unwrap();
    assert_ks(
        &Dist::new(Family::uniform(2.0, 5.0).unwrap()),
        |x| s.cdf(x),
        "uniform",
    );
}

#[test]
fn normal_matches_statrs() {
    let s = Normal::new(3.0, 0.5).unwrap();
    assert_ks(
        &Dist::new(Family::normal(3.0, 0.5).unwrap()),
        |x| s.cdf(x),
        "normal",
    );
}

#[test]
fn lognormal_matches_statrs() {
    let s = LogNormal::new(0.7, 0.4).unwrap();
    assert_ks(
        &Dist::new(Family::lognormal(0.7, 0.4).unwrap()),
        |x| s.cdf(x),
        "lognormal",
    );
}

#[test]
fn triangular_matches_statrs() {
    let s = Triangular::new(0.02, 0.20, 0.08).unwrap();
    let d = Dist::new(Family::triangular(0.02, 0.08, 0.20).unwrap());
    assert_ks(&d, |x| s.cdf(x), "triangular");
}

#[test]
fn pert_matches_scaled_statrs_beta() {
    // PERT(0.33, 0.40, 0.45): alpha = 1 + 4·0.07/0.12, beta = 1 + 4·0.05/0.12.
    let s = Beta::new(1.0 + 4.0 * 0.07 / 0.12, 1.0 + 4.0 * 0.05 / 0.12).unwrap();
    let d = Dist::new(Family::pert(0.33, 0.40, 0.45, 4.0).unwrap());
    assert_ks(&d, |x| s.cdf((x - 0.33) / 0.12), "pert");
}

#[test]
fn beta_with_small_shapes_matches_statrs() {
    let s = Beta::new(0.5, 0.7).unwrap();
    let d = Dist::new(Family::beta(0.5, 0.7, 0.0, 1.0).unwrap());
    assert_ks(&d, |x| s.cdf(x), "beta(0.5, 0.7)");
}

#[test]
fn beta_at_the_smallest_allowed_shapes_stays_in_range() {
    // Gamma(0.5) draws underflow only for u below e^-1416: the log-space ratio never forms
    // 0 / 0, and every draw lies in [0, 1].
    let d = Dist::new(Family::beta(MIN_SHAPE, MIN_SHAPE, 0.0, 1.0).unwrap());
    let xs = draws(&d, 9);
    assert!(
        xs.iter().all(|x| (0.0..=1.0).contains(x)),
        "every draw in [0, 1]"
    );
    let s = Beta::new(MIN_SHAPE, MIN_SHAPE).unwrap();
    assert_ks(&d, |x| s.cdf(x), "beta(0.5, 0.5)");
}

#[test]
fn shapes_outside_the_accurate_range_are_refused() {
    for bad in [1e-300, 1e-10, 0.005, 0.49, 1.01e5, 1e300] {
        let e = Family::beta(bad, 2.0, 0.0, 1.0).unwrap_err();
        assert_eq!(e.param, "alpha");
        assert!(e.message.contains("[0.5, 1e5]"), "{}", e.message);
        assert_eq!(Family::beta(2.0, bad, 0.0, 1.0).unwrap_err().param, "beta");
        assert_eq!(Family::gamma(bad, 1.0).unwrap_err().param, "shape");
        assert_eq!(Family::weibull(bad, 1.0).unwrap_err().param, "shape");
    }
    for good in [MIN_SHAPE, 1.0, MAX_SHAPE] {
        assert!(Family::beta(good, good, 0.0, 1.0).is_ok());
        assert!(Family::gamma(good, 1.0).is_ok());
        assert!(Family::weibull(good, 1.0).is_ok());
    }
    assert_eq!(
        Family::pert(0.0, 0.5, 1.0, 1e6).unwrap_err().param,
        "lambda"
    );
}

#[test]
fn quantiles_at_the_shape_limits_are_accurate_and_quick() {
    let cases = [
        Dist::new(Family::beta(MIN_SHAPE, MIN_SHAPE, 0.0, 1.0).unwrap()),
        Dist::new(Family::beta(MIN_SHAPE, 3.0, 0.0, 1.0).unwrap()),
        Dist::new(Family::beta(MAX_SHAPE, 1.0, 0.0, 1.0).unwrap()),
        Dist::new(Family::beta(MAX_SHAPE, MAX_SHAPE, 0.0, 1.0).unwrap()),
        Dist::new(Family::gamma(MIN_SHAPE, 1.0).unwrap()),
        Dist::new(Family::gamma(MAX_SHAPE, 1.0).unwrap()),
        Dist::new(Family::weibull(MIN_SHAPE, 1.0).unwrap()),
        Dist::new(Family::weibull(MAX_SHAPE, 1.0).unwrap()),
    ];
    let start = std::time::Instant::now();
    let mut points = 0;
    for d in &cases {
        for p in [0.001, 0.01, 0.05, 0.3, 0.5, 0.7, 0.95, 0.99, 0.999] {
            let q = d.quantile(p);
            assert!(
                (d.cdf(q) - p).abs() < 1e-6,
                "{d} at p = {p}: F(Q(p)) = {}",
                d.cdf(q)
            );
            points += 1;
        }
    }
    // 20 ms a point at shape 1e-300 before; tens of microseconds here (a debug build allows more).
    let per_point = start.elapsed().as_secs_f64() / points as f64;
    assert!(per_point < 2e-3, "{per_point} s per quantile");
}

#[test]
fn gamma_matches_statrs() {
    for shape in [0.6, 2.5] {
        let s = Gamma::new(shape, 1.0 / 3.0).unwrap();
        let d = Dist::new(Family::gamma(shape, 3.0).unwrap());
        assert_ks(&d, |x| s.cdf(x), &format!("gamma(shape {shape})"));
    }
}

#[test]
fn weibull_matches_statrs() {
    let s = Weibull::new(1.5, 2.0).unwrap();
    let d = Dist::new(Family::weibull(1.5, 2.0).unwrap());
    assert_ks(&d, |x| s.cdf(x), "weibull");
}

#[test]
fn log_t_matches_statrs() {
    // ln X is a Student's t with location mu and scale sigma.
    for df in [1.0, 4.0, 60.0] {
        let s = statrs::distribution::StudentsT::new(-1.2, 0.35, df).unwrap();
        assert_ks(
            &Dist::new(Family::log_t(df, -1.2, 0.35).unwrap()),
            |x| s.cdf(x.ln()),
            &format!("log_t df {df}"),
        );
    }
}

#[test]
fn log_t_tails_keep_their_precision() {
    // P(T > 10) for 3 degrees of freedom is 0.0010641995 (tables); far tails through the
    // survival function, not 1 − F.
    let d = Dist::new(Family::log_t(3.0, 0.0, 1.0).unwrap());
    let sf = d.sf(10f64.exp());
    assert!((sf / 0.001_064_199_5 - 1.0).abs() < 1e-6, "{sf}");
    // With 3 degrees of freedom the 1e-12 quantile of T is in the thousands and e^T overflows.
    let d = Dist::new(Family::log_t(30.0, 0.0, 1.0).unwrap());
    for s in [1e-12, 1e-6, 0.3] {
        let upper = d.sf(d.family_upper_quantile(s));
        assert!((upper / s - 1.0).abs() < 1e-6, "sf(isf({s})) = {upper}");
        let lower = d.cdf(d.quantile(s));
        assert!((lower / s - 1.0).abs() < 1e-6, "cdf(q({s})) = {lower}");
    }
    assert!(d.mean().is_infinite(), "an untruncated log-t has no mean");
}

#[test]
fn ks_rejects_a_wrong_distribution() {
    // The check above must be able to fail: a 5% wider normal is caught at this N.
    let s = Normal::new(0.0, 1.0).unwrap();
    let xs = draws(&Dist::new(Family::normal(0.0, 1.1).unwrap()), 7);
    assert!(ks_statistic(xs, |x| s.cdf(x)) > ks_critical(N));
}

#[test]
fn discrete_frequencies_match_weights() {
    let d = Dist::new(Family::discrete(vec![8.0, 16.0, 32.0], Some(vec![1.0, 2.0, 1.0])).unwrap());
    let xs = draws(&d, 3);
    for (v, p) in [(8.0, 0.25), (16.0, 0.5), (32.0, 0.25)] {
        let freq = xs.iter().filter(|x| **x == v).count() as f64 / N as f64;
        let se = (p * (1.0 - p) / N as f64).sqrt();
        assert!((freq - p).abs() < 4.0 * se, "value {v}: {freq} vs {p}");
    }
}

fn truncated_cdf(s: &impl ContinuousCDF<f64, f64>, lo: f64, hi: f64) -> impl Fn(f64) -> f64 {
    let (a, b) = (s.cdf(lo), s.cdf(hi));
    move |x| (s.cdf(x.clamp(lo, hi)) - a) / (b - a)
}

#[test]
fn truncation_by_rejection_renormalises() {
    // Keeps 84% of the mass: drawn by rejection.
    let s = Normal::new(0.4, 0.1).unwrap();
    let d = Dist::truncated(Family::normal(0.4, 0.1).unwrap(), f64::NEG_INFINITY, 0.5).unwrap();
    let xs = draws(&d, 11);
    assert!(xs.iter().all(|x| *x <= 0.5));
    let d2 = ks_statistic(xs, truncated_cdf(&s, f64::NEG_INFINITY, 0.5));
    assert!(d2 < ks_critical(N), "D = {d2}");
}

#[test]
fn truncation_by_inverse_cdf_renormalises() {
    // Keeps 2.3% of the mass: drawn by the inverse CDF.
    let s = Normal::new(0.0, 1.0).unwrap();
    let d = Dist::truncated(Family::normal(0.0, 1.0).unwrap(), 2.0, 4.0).unwrap();
    let xs = draws(&d, 13);
    assert!(xs.iter().all(|x| (2.0..=4.0).contains(x)));
    let dd = ks_statistic(xs, truncated_cdf(&s, 2.0, 4.0));
    assert!(dd < ks_critical(N), "D = {dd}");
    // Truncation is not clipping: no mass piles up at the bounds.
    assert_eq!(
        draws(&d, 13)
            .iter()
            .filter(|x| **x == 2.0 || **x == 4.0)
            .count(),
        0
    );
}

#[test]
fn truncated_lognormal_cdf_and_quantile_agree() {
    let d = Dist::truncated(Family::lognormal(0.0, 1.0).unwrap(), 0.5, 3.0).unwrap();
    for p in [0.01, 0.25, 0.5, 0.9, 0.99] {
        assert!((d.cdf(d.quantile(p)) - p).abs() < 1e-9, "p = {p}");
    }
    let s = d.support();
    assert_eq!((s.lo, s.hi, s.lo_open, s.hi_open), (0.5, 3.0, false, false));
}

#[test]
fn truncation_errors() {
    let n = || Family::normal(0.0, 1.0).unwrap();
    assert_eq!(Dist::truncated(n(), 1.0, 1.0).unwrap_err().param, "upper");
    assert!(
        Dist::truncated(n(), 50.0, 60.0).is_err(),
        "no mass that far out"
    );
    let disc = Family::discrete(vec![1.0, 2.0, 3.0], None).unwrap();
    let d = Dist::truncated(disc, 1.5, 10.0).unwrap();
    assert_eq!(d.quantile(0.0), 2.0);
    assert!((d.mean() - 2.5).abs() < 1e-12);
}

#[test]
fn a_to_b_recovers_p5_and_p95() {
    let d = Dist::new(Family::lognormal_from_p5_p95(1.8, 3.5).unwrap());
    assert!((d.quantile(0.05) - 1.8).abs() < 1e-9);
    assert!((d.quantile(0.95) - 3.5).abs() < 1e-9);
    let mut xs = draws(&d, 5);
    xs.sort_by(f64::total_cmp);
    // The sample percentile's 99.9% band from order statistics must contain the target.
    for (p, target) in [(0.05, 1.8), (0.95, 3.5)] {
        let half = 3.29 * (N as f64 * p * (1.0 - p)).sqrt();
        let lo = xs[(N as f64 * p - half) as usize];
        let hi = xs[(N as f64 * p + half) as usize];
        assert!(lo <= target && target <= hi, "P{}: [{lo}, {hi}]", p * 100.0);
    }
}

#[test]
fn truncated_means_of_heavy_tails_are_exact() {
    // lognormal(0, 2.5) above 0.5: E = e^(σ²/2) · Φ(σ − ln(0.5)/σ) / Φ(−ln(0.5)/σ) = 37.26...
    let d = Dist::truncated(Family::lognormal(0.0, 2.5).unwrap(), 0.5, f64::INFINITY).unwrap();
    let n = Normal::new(0.0, 1.0).unwrap();
    let exact =
        (2.5f64 * 2.5 / 2.0).exp() * n.cdf(2.5 - 0.5f64.ln() / 2.5) / n.cdf(-0.5f64.ln() / 2.5);
    assert!(
        (d.mean() / exact - 1.0).abs() < 1e-9,
        "{} vs {exact}",
        d.mean()
    );
    // Normal above its mean: μ + σ·φ(0)/0.5.
    let d = Dist::truncated(Family::normal(1.0, 2.0).unwrap(), 1.0, f64::INFINITY).unwrap();
    let exact = 1.0 + 2.0 * 2.0 / (2.0 * std::f64::consts::PI).sqrt();
    assert!((d.mean() - exact).abs() < 1e-9, "{} vs {exact}", d.mean());
}

#[test]
fn sample_means_match_means() {
    let cases = [
        Dist::new(Family::uniform(1.0, 3.0).unwrap()),
        Dist::new(Family::normal(5.0, 2.0).unwrap()),
        Dist::new(Family::lognormal(0.0, 0.5).unwrap()),
        Dist::new(Family::triangular(0.0, 1.0, 4.0).unwrap()),
        Dist::new(Family::pert(0.33, 0.40, 0.45, 4.0).unwrap()),
        Dist::new(Family::gamma(2.0, 1.5).unwrap()),
        Dist::new(Family::weibull(2.0, 1.0).unwrap()),
        Dist::truncated(Family::normal(0.4, 0.1).unwrap(), 0.0, 0.45).unwrap(),
        Dist::truncated(Family::gamma(2.0, 1.0).unwrap(), 1.0, 2.0).unwrap(),
        Dist::truncated(Family::log_t(8.0, -1.0, 0.4).unwrap(), 0.02, 1.0).unwrap(),
    ];
    for d in &cases {
        let xs = draws(d, 21);
        let mean = xs.iter().sum::<f64>() / N as f64;
        let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (N - 1) as f64).sqrt();
        let se = sd / (N as f64).sqrt();
        assert!(
            (mean - d.mean()).abs() < 4.0 * se,
            "{d}: sample {mean} vs {}",
            d.mean()
        );
    }
}

#[test]
fn quantile_inverts_cdf_for_every_family() {
    let cases = [
        Dist::new(Family::uniform(1.0, 3.0).unwrap()),
        Dist::new(Family::normal(5.0, 2.0).unwrap()),
        Dist::new(Family::lognormal(0.0, 0.5).unwrap()),
        Dist::new(Family::triangular(0.0, 1.0, 4.0).unwrap()),
        Dist::new(Family::beta(2.0, 3.0, 10.0, 20.0).unwrap()),
        Dist::new(Family::gamma(2.0, 1.5).unwrap()),
        Dist::new(Family::weibull(2.0, 1.0).unwrap()),
        Dist::new(Family::log_t(5.0, -1.0, 0.4).unwrap()),
    ];
    for d in &cases {
        for p in [0.05, 0.5, 0.95] {
            assert!((d.cdf(d.quantile(p)) - p).abs() < 1e-6, "{d} at p = {p}");
        }
    }
}

#[test]
fn beta_density_is_what_statrs_says() {
    // Guards the scaled-beta convention used by PERT: density integrates to 1 on [min, max].
    let s = Beta::new(2.0, 3.0).unwrap();
    let m = 10_000;
    let integral: f64 = (0..m)
        .map(|i| s.pdf((i as f64 + 0.5) / m as f64))
        .sum::<f64>()
        / m as f64;
    assert!((integral - 1.0).abs() < 1e-6);
}

/// The exact CDF of a family truncated to [lo, hi], from statrs' survival function (precise
/// in the upper tail, where 1 − F rounds to 0).
fn upper_truncated_cdf(s: &impl ContinuousCDF<f64, f64>, lo: f64, hi: f64) -> impl Fn(f64) -> f64 {
    let (a, b) = (s.sf(lo), s.sf(hi));
    move |x| (a - s.sf(x.clamp(lo, hi))) / (a - b)
}

fn assert_truncated_ks(d: &Dist, cdf: impl Fn(f64) -> f64, lo: f64, hi: f64, what: &str) {
    for seed in [1, 2, 3] {
        let xs = draws(d, seed);
        assert!(
            xs.iter().all(|x| x.is_finite() && *x >= lo && *x <= hi),
            "{what}: a draw outside [{lo}, {hi}]"
        );
        let stat = ks_statistic(xs, &cdf);
        assert!(
            stat < ks_critical(N),
            "{what}, seed {seed}: KS D = {stat:.5}"
        );
    }
}

#[test]
fn far_upper_tail_truncations_of_a_normal_match_the_exact_truncated_cdf() {
    let s = Normal::new(3.0, 2.0).unwrap();
    let inf = f64::INFINITY;
    for (lo_sd, hi_sd) in [
        (6.5, inf),
        (10.0, inf),
        (30.0, inf),
        (6.5, 7.0),
        (10.0, 10.5),
        (30.0, 30.01),
    ] {
        let (lo, hi) = (3.0 + 2.0 * lo_sd, 3.0 + 2.0 * hi_sd);
        let d = Dist::truncated(Family::normal(3.0, 2.0).unwrap(), lo, hi).unwrap();
        let what = format!("normal truncated to [{lo_sd}, {hi_sd}] sd");
        assert_truncated_ks(&d, upper_truncated_cdf(&s, lo, hi), lo, hi, &what);
        // The analytic truncated mean agrees with the draws.
        let xs = draws(&d, 4);
        let mean = xs.iter().sum::<f64>() / N as f64;
        let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / N as f64).sqrt();
        assert!(
            (mean - d.mean()).abs() < 5.0 * sd / (N as f64).sqrt() + 1e-12,
            "{what}: {mean} vs {}",
            d.mean()
        );
    }
}

#[test]
fn far_lower_tail_truncations_of_a_normal_match_the_exact_truncated_cdf() {
    let s = Normal::new(0.0, 1.0).unwrap();
    for (lo, hi) in [(f64::NEG_INFINITY, -10.0), (-30.0, -29.99), (-7.0, -6.5)] {
        let d = Dist::truncated(Family::normal(0.0, 1.0).unwrap(), lo, hi).unwrap();
        let (a, b) = (s.cdf(lo), s.cdf(hi));
        let cdf = move |x: f64| (s.cdf(x.clamp(lo, hi)) - a) / (b - a);
        assert_truncated_ks(
            &d,
            cdf,
            lo,
            hi,
            &format!("normal truncated to [{lo}, {hi}]"),
        );
    }
}

#[test]
fn far_tail_truncations_of_other_families_match_the_exact_truncated_cdf() {
    let inf = f64::INFINITY;
    // lognormal(1, 0.5) beyond its mean + 10 sd in log space, and a band at + 30 sd.
    let s = LogNormal::new(1.0, 0.5).unwrap();
    for (lo, hi) in [((6.0f64).exp(), inf), ((16.0f64).exp(), (16.05f64).exp())] {
        let d = Dist::truncated(Family::lognormal(1.0, 0.5).unwrap(), lo, hi).unwrap();
        assert_truncated_ks(
            &d,
            upper_truncated_cdf(&s, lo, hi),
            lo,
            hi,
            &format!("lognormal [{lo}, {hi}]"),
        );
    }
    // gamma(2, 1): sf(45) ≈ 1e-18, sf(300) ≈ 1e-128.
    let s = Gamma::new(2.0, 1.0).unwrap();
    for (lo, hi) in [(45.0, inf), (300.0, 301.0)] {
        let d = Dist::truncated(Family::gamma(2.0, 1.0).unwrap(), lo, hi).unwrap();
        assert_truncated_ks(
            &d,
            upper_truncated_cdf(&s, lo, hi),
            lo,
            hi,
            &format!("gamma [{lo}, {hi}]"),
        );
    }
    // beta(2, 3): sf(0.9999) ≈ 4e-12.
    let s = Beta::new(2.0, 3.0).unwrap();
    let d = Dist::truncated(Family::beta(2.0, 3.0, 0.0, 1.0).unwrap(), 0.9999, 1.0).unwrap();
    assert_truncated_ks(
        &d,
        upper_truncated_cdf(&s, 0.9999, 1.0),
        0.9999,
        1.0,
        "beta [0.9999, 1]",
    );
    // weibull(1.5, 2): sf(40) ≈ 1e-39.
    let s = Weibull::new(1.5, 2.0).unwrap();
    let d = Dist::truncated(Family::weibull(1.5, 2.0).unwrap(), 40.0, inf).unwrap();
    assert_truncated_ks(
        &d,
        upper_truncated_cdf(&s, 40.0, inf),
        40.0,
        inf,
        "weibull [40, inf)",
    );
}

#[test]
fn far_tail_truncations_never_draw_infinity_in_a_million() {
    let inf = f64::INFINITY;
    let cases = [
        Dist::truncated(Family::normal(0.0, 1.0).unwrap(), 6.5, inf).unwrap(),
        Dist::truncated(Family::normal(0.0, 1.0).unwrap(), 7.0, inf).unwrap(),
        Dist::truncated(Family::normal(0.0, 1.0).unwrap(), 33.0, inf).unwrap(),
        Dist::truncated(Family::normal(0.0, 1.0).unwrap(), f64::NEG_INFINITY, -33.0).unwrap(),
        Dist::truncated(Family::lognormal(0.0, 1.0).unwrap(), (8.0f64).exp(), inf).unwrap(),
    ];
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(99);
    let mut out = vec![0.0; 1_000_000];
    for d in &cases {
        d.fill(&mut rng, &mut out);
        let (lo, hi) = d.bounds().unwrap();
        let bad = out
            .iter()
            .filter(|x| !x.is_finite() || **x < lo || **x > hi)
            .count();
        assert_eq!(bad, 0, "{d}: {bad} draws infinite or out of range");
        assert!(
            d.quantile(1e-12).is_finite() && d.quantile(1.0 - 1e-12).is_finite(),
            "{d}"
        );
    }
}

#[test]
fn truncation_to_a_range_without_probability_is_refused() {
    let n = || Family::normal(0.0, 1.0).unwrap();
    // 38 sd out holds 3e-316: below what the draws can be made from.
    let e = Dist::truncated(n(), 38.0, f64::INFINITY).unwrap_err();
    assert_eq!(e.param, "upper");
    assert!(e.message.contains("1e-250"), "{}", e.message);
    assert!(Dist::truncated(n(), 30.0, f64::INFINITY).is_ok());
}

/// Families at the ends of what the parameter checks admit: shapes at [MIN_SHAPE, MAX_SHAPE],
/// scales from the smallest full-precision double to the largest, locations far from 0.
fn extreme_families() -> Vec<Family> {
    let shapes = [MIN_SHAPE, 1.0, 20.0, MAX_SHAPE];
    let scales = [
        f64::MIN_POSITIVE,
        1e-300,
        1e-20,
        1.0,
        1e20,
        1e100,
        1e300,
        f64::MAX,
    ];
    let mut out = Vec::new();
    for &k in &shapes {
        for &s in &scales {
            out.push(Family::gamma(k, s).unwrap());
            out.push(Family::weibull(k, s).unwrap());
        }
        for &k2 in &shapes {
            for (min, max) in [
                (0.0, 1.0),
                (1e-300, 2e-300),
                (-8e307, 8e307),
                (1e300, 1.5e300),
            ] {
                out.push(Family::beta(k, k2, min, max).unwrap());
            }
        }
    }
    for mean in [-1e300, 0.0, 1e300] {
        for sd in [f64::MIN_POSITIVE, 1e-300, 1.0, 1e300, f64::MAX] {
            out.push(Family::normal(mean, sd).unwrap());
        }
    }
    for mu in [-700.0, 0.0, 700.0, 1e300] {
        for sigma in [f64::MIN_POSITIVE, 1e-300, 1.0, 1e300, f64::MAX] {
            out.push(Family::lognormal(mu, sigma).unwrap());
        }
    }
    out
}

fn extreme_xs(scale: f64) -> Vec<f64> {
    let mut xs = vec![
        0.0,
        -0.0,
        5e-324,
        f64::MIN_POSITIVE,
        1e-300,
        1e-20,
        1.0,
        1e20,
        1e300,
        f64::MAX,
        f64::INFINITY,
        -1.0,
        -f64::MAX,
        f64::NEG_INFINITY,
    ];
    xs.extend([1e-10, 0.5, 1.0, 2.0, 1e10].map(|m| m * scale));
    xs
}

const EXTREME_PS: [f64; 9] = [
    0.0,
    5e-324,
    1e-300,
    1e-16,
    0.25,
    0.5,
    1.0 - 1e-16,
    1.0 - f64::EPSILON / 2.0,
    1.0,
];

fn natural_scale(f: &Family) -> f64 {
    match f {
        Family::Gamma { scale, .. } | Family::Weibull { scale, .. } => *scale,
        Family::Beta { max, .. } => *max,
        Family::Normal { sd, .. } => *sd,
        Family::LogNormal { mu, .. } => mu.abs().max(1.0),
        _ => 1.0,
    }
}

fn assert_probability(value: f64, what: &str) {
    assert!((0.0..=1.0).contains(&value), "{what} = {value}");
}

fn assert_total_at_extremes(d: &Dist) {
    let s = d.support();
    for x in extreme_xs(natural_scale(d.family())) {
        assert_probability(d.cdf(x), &format!("{d}: cdf({x:e})"));
        assert_probability(d.sf(x), &format!("{d}: sf({x:e})"));
    }
    for p in EXTREME_PS {
        let q = d.quantile(p);
        assert!(
            !q.is_nan() && q >= s.lo && q <= s.hi,
            "{d}: quantile({p:e}) = {q:e} outside [{:e}, {:e}]",
            s.lo,
            s.hi
        );
    }
    // NaN in must not panic; whatever comes out is not a probability claim.
    let _ = (d.cdf(f64::NAN), d.sf(f64::NAN), d.quantile(f64::NAN));
    // The other truncated means integrate the quantile function checked above (and slowly).
    if d.bounds().is_none()
        || matches!(
            d.family(),
            Family::Normal { .. } | Family::LogNormal { .. } | Family::Gamma { .. }
        )
    {
        assert!(!d.mean().is_nan(), "{d}: mean is NaN");
    }
}

#[test]
fn cdfs_and_quantiles_never_panic_at_extreme_parameters() {
    for family in extreme_families() {
        assert_total_at_extremes(&Dist::new(family));
    }
}

#[test]
fn truncated_cdfs_and_quantiles_never_panic_at_extreme_parameters() {
    for family in extreme_families() {
        let plain = Dist::new(family.clone());
        for (p_lo, p_hi) in [(0.0, 0.5), (0.5, 1.0), (0.1, 0.9), (1e-12, 1e-6)] {
            let (lo, hi) = (plain.quantile(p_lo), plain.quantile(p_hi));
            let lo = if p_lo == 0.0 { f64::NEG_INFINITY } else { lo };
            let hi = if p_hi == 1.0 { f64::INFINITY } else { hi };
            if let Ok(d) = Dist::truncated(family.clone(), lo, hi) {
                assert_total_at_extremes(&d);
            }
        }
    }
}

#[test]
fn quantiles_inside_the_range_are_finite_where_the_distribution_is() {
    // Every family here has its 1e-16 and 1 − 1e-16 quantiles below 1e308.
    for family in [
        Family::gamma(MIN_SHAPE, 1e300).unwrap(),
        Family::gamma(MAX_SHAPE, 1e300).unwrap(),
        Family::gamma(20.0, 1e20).unwrap(),
        Family::gamma(MAX_SHAPE, 1e-300).unwrap(),
        Family::gamma(MIN_SHAPE, f64::MIN_POSITIVE).unwrap(),
        Family::weibull(MIN_SHAPE, 1e300).unwrap(),
        Family::weibull(MAX_SHAPE, f64::MIN_POSITIVE).unwrap(),
        Family::beta(MIN_SHAPE, MAX_SHAPE, -8e307, 8e307).unwrap(),
        Family::normal(1e300, 1e300).unwrap(),
        Family::lognormal(600.0, 1.0).unwrap(),
    ] {
        let d = Dist::new(family);
        for p in [1e-16, 0.5, 1.0 - 1e-16] {
            let q = d.quantile(p);
            assert!(q.is_finite(), "{d}: quantile({p:e}) = {q}");
            let back = d.cdf(q);
            assert!(
                (back - p).abs() < 1e-6,
                "{d}: cdf(quantile({p:e})) = {back}"
            );
        }
    }
}
