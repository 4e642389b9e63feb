//! What every family must satisfy, and truncation, which is the same for all: samplers against an
//! independent CDF from statrs (Kolmogorov–Smirnov, fixed seeds), means against the sample mean
//! within its Monte Carlo standard error, CDFs and quantiles at extreme parameters. The KS helpers
//! here are shared with each family's own tests, beside it in `families/`.

use super::families::{Beta, Gamma, LogNormal, LogT, Normal, Triangular, Uniform, Weibull};
use super::inverse::Inverse;
use super::*;
use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, SeedableRng};
use statrs::distribution::{self as sr, ContinuousCDF};

pub(crate) const N: usize = 20_000;

/// Critical value of the one-sample KS statistic at α = 0.001 (asymptotic).
pub(crate) fn ks_critical(n: usize) -> f64 {
    1.949 / (n as f64).sqrt()
}

/// N draws as every run makes them: the distribution's inverse CDF at independent uniforms
/// on (0, 1).
pub(crate) fn draws(dist: &Dist, seed: u64) -> Vec<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let us: Vec<f64> = (0..N)
        .map(|_| crate::sample::scheme::open_unit(rng.next_u64()))
        .collect();
    let inverse = Inverse::new(dist).unwrap_or_else(|_| Inverse::exact(dist));
    let mut out = vec![0.0; N];
    inverse.fill(&us, &mut out);
    out
}

pub(crate) fn ks_statistic(mut xs: Vec<f64>, cdf: impl Fn(f64) -> f64) -> f64 {
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

pub(crate) fn assert_ks(dist: &Dist, cdf: impl Fn(f64) -> f64, what: &str) {
    let d = ks_statistic(draws(dist, 7), &cdf);
    assert!(
        d < ks_critical(N),
        "{what}: KS D = {d:.5} ≥ {:.5}",
        ks_critical(N)
    );
}

#[test]
fn shapes_outside_the_accurate_range_are_refused() {
    for bad in [1e-300, 1e-10, 0.005, 0.49, 1.01e5, 1e300] {
        let e = Beta::new(bad, 2.0, 0.0, 1.0).unwrap_err();
        assert_eq!(e.param, "alpha");
        assert!(e.message.contains("[0.5, 1e5]"), "{}", e.message);
        assert_eq!(Beta::new(2.0, bad, 0.0, 1.0).unwrap_err().param, "beta");
        assert_eq!(Gamma::new(bad, 1.0).unwrap_err().param, "shape");
        assert_eq!(Weibull::new(bad, 1.0).unwrap_err().param, "shape");
    }
    for good in [MIN_SHAPE, 1.0, MAX_SHAPE] {
        assert!(Beta::new(good, good, 0.0, 1.0).is_ok());
        assert!(Gamma::new(good, 1.0).is_ok());
        assert!(Weibull::new(good, 1.0).is_ok());
    }
    assert_eq!(Beta::pert(0.0, 0.5, 1.0, 1e6).unwrap_err().param, "lambda");
}

#[test]
fn quantiles_at_the_shape_limits_are_accurate_and_quick() {
    let cases = [
        Dist::new(Beta::new(MIN_SHAPE, MIN_SHAPE, 0.0, 1.0).unwrap()),
        Dist::new(Beta::new(MIN_SHAPE, 3.0, 0.0, 1.0).unwrap()),
        Dist::new(Beta::new(MAX_SHAPE, 1.0, 0.0, 1.0).unwrap()),
        Dist::new(Beta::new(MAX_SHAPE, MAX_SHAPE, 0.0, 1.0).unwrap()),
        Dist::new(Gamma::new(MIN_SHAPE, 1.0).unwrap()),
        Dist::new(Gamma::new(MAX_SHAPE, 1.0).unwrap()),
        Dist::new(Weibull::new(MIN_SHAPE, 1.0).unwrap()),
        Dist::new(Weibull::new(MAX_SHAPE, 1.0).unwrap()),
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

fn truncated_cdf(s: &impl ContinuousCDF<f64, f64>, lo: f64, hi: f64) -> impl Fn(f64) -> f64 {
    let (a, b) = (s.cdf(lo), s.cdf(hi));
    move |x| (s.cdf(x.clamp(lo, hi)) - a) / (b - a)
}

#[test]
fn a_truncation_keeping_most_of_the_mass_renormalises() {
    // Keeps 84% of the mass.
    let s = sr::Normal::new(0.4, 0.1).unwrap();
    let d = Dist::truncated(Normal::new(0.4, 0.1).unwrap(), f64::NEG_INFINITY, 0.5).unwrap();
    let xs = draws(&d, 11);
    assert!(xs.iter().all(|x| *x <= 0.5));
    let d2 = ks_statistic(xs, truncated_cdf(&s, f64::NEG_INFINITY, 0.5));
    assert!(d2 < ks_critical(N), "D = {d2}");
}

#[test]
fn a_truncation_keeping_little_of_the_mass_renormalises() {
    // Keeps 2.3% of the mass.
    let s = sr::Normal::new(0.0, 1.0).unwrap();
    let d = Dist::truncated(Normal::new(0.0, 1.0).unwrap(), 2.0, 4.0).unwrap();
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
fn truncation_errors() {
    let n = || Normal::new(0.0, 1.0).unwrap();
    assert_eq!(Dist::truncated(n(), 1.0, 1.0).unwrap_err().param, "upper");
    assert!(
        Dist::truncated(n(), 50.0, 60.0).is_err(),
        "no mass that far out"
    );
}

#[test]
fn sample_means_match_means() {
    let cases = [
        Dist::new(Uniform::new(1.0, 3.0).unwrap()),
        Dist::new(Normal::new(5.0, 2.0).unwrap()),
        Dist::new(LogNormal::new(0.0, 0.5).unwrap()),
        Dist::new(Triangular::new(0.0, 1.0, 4.0).unwrap()),
        Dist::new(Beta::pert(0.33, 0.40, 0.45, 4.0).unwrap()),
        Dist::new(Gamma::new(2.0, 1.5).unwrap()),
        Dist::new(Weibull::new(2.0, 1.0).unwrap()),
        Dist::truncated(Normal::new(0.4, 0.1).unwrap(), 0.0, 0.45).unwrap(),
        Dist::truncated(Gamma::new(2.0, 1.0).unwrap(), 1.0, 2.0).unwrap(),
        Dist::truncated(LogT::new(8.0, -1.0, 0.4).unwrap(), 0.02, 1.0).unwrap(),
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
        Dist::new(Uniform::new(1.0, 3.0).unwrap()),
        Dist::new(Normal::new(5.0, 2.0).unwrap()),
        Dist::new(LogNormal::new(0.0, 0.5).unwrap()),
        Dist::new(Triangular::new(0.0, 1.0, 4.0).unwrap()),
        Dist::new(Beta::new(2.0, 3.0, 10.0, 20.0).unwrap()),
        Dist::new(Gamma::new(2.0, 1.5).unwrap()),
        Dist::new(Weibull::new(2.0, 1.0).unwrap()),
        Dist::new(LogT::new(5.0, -1.0, 0.4).unwrap()),
    ];
    for d in &cases {
        for p in [0.05, 0.5, 0.95] {
            assert!((d.cdf(d.quantile(p)) - p).abs() < 1e-6, "{d} at p = {p}");
        }
    }
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
    let s = sr::Normal::new(3.0, 2.0).unwrap();
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
        let d = Dist::truncated(Normal::new(3.0, 2.0).unwrap(), lo, hi).unwrap();
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
    let s = sr::Normal::new(0.0, 1.0).unwrap();
    for (lo, hi) in [(f64::NEG_INFINITY, -10.0), (-30.0, -29.99), (-7.0, -6.5)] {
        let d = Dist::truncated(Normal::new(0.0, 1.0).unwrap(), lo, hi).unwrap();
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
    let s = sr::LogNormal::new(1.0, 0.5).unwrap();
    for (lo, hi) in [((6.0f64).exp(), inf), ((16.0f64).exp(), (16.05f64).exp())] {
        let d = Dist::truncated(LogNormal::new(1.0, 0.5).unwrap(), lo, hi).unwrap();
        assert_truncated_ks(
            &d,
            upper_truncated_cdf(&s, lo, hi),
            lo,
            hi,
            &format!("lognormal [{lo}, {hi}]"),
        );
    }
    // gamma(2, 1): sf(45) ≈ 1e-18, sf(300) ≈ 1e-128.
    let s = sr::Gamma::new(2.0, 1.0).unwrap();
    for (lo, hi) in [(45.0, inf), (300.0, 301.0)] {
        let d = Dist::truncated(Gamma::new(2.0, 1.0).unwrap(), lo, hi).unwrap();
        assert_truncated_ks(
            &d,
            upper_truncated_cdf(&s, lo, hi),
            lo,
            hi,
            &format!("gamma [{lo}, {hi}]"),
        );
    }
    // beta(2, 3): sf(0.9999) ≈ 4e-12.
    let s = sr::Beta::new(2.0, 3.0).unwrap();
    let d = Dist::truncated(Beta::new(2.0, 3.0, 0.0, 1.0).unwrap(), 0.9999, 1.0).unwrap();
    assert_truncated_ks(
        &d,
        upper_truncated_cdf(&s, 0.9999, 1.0),
        0.9999,
        1.0,
        "beta [0.9999, 1]",
    );
    // weibull(1.5, 2): sf(40) ≈ 1e-39.
    let s = sr::Weibull::new(1.5, 2.0).unwrap();
    let d = Dist::truncated(Weibull::new(1.5, 2.0).unwrap(), 40.0, inf).unwrap();
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
        Dist::truncated(Normal::new(0.0, 1.0).unwrap(), 6.5, inf).unwrap(),
        Dist::truncated(Normal::new(0.0, 1.0).unwrap(), 7.0, inf).unwrap(),
        Dist::truncated(Normal::new(0.0, 1.0).unwrap(), 33.0, inf).unwrap(),
        Dist::truncated(Normal::new(0.0, 1.0).unwrap(), f64::NEG_INFINITY, -33.0).unwrap(),
        Dist::truncated(LogNormal::new(0.0, 1.0).unwrap(), (8.0f64).exp(), inf).unwrap(),
    ];
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(99);
    let us: Vec<f64> = (0..1_000_000)
        .map(|_| crate::sample::scheme::open_unit(rng.next_u64()))
        .collect();
    let mut out = vec![0.0; us.len()];
    for d in &cases {
        Inverse::new(d).unwrap().fill(&us, &mut out);
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
    let n = || Normal::new(0.0, 1.0).unwrap();
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
            out.push(Gamma::new(k, s).unwrap().into());
            out.push(Weibull::new(k, s).unwrap().into());
        }
        for &k2 in &shapes {
            for (min, max) in [
                (0.0, 1.0),
                (1e-300, 2e-300),
                (-8e307, 8e307),
                (1e300, 1.5e300),
            ] {
                out.push(Beta::new(k, k2, min, max).unwrap().into());
            }
        }
    }
    for mean in [-1e300, 0.0, 1e300] {
        for sd in [f64::MIN_POSITIVE, 1e-300, 1.0, 1e300, f64::MAX] {
            out.push(Normal::new(mean, sd).unwrap().into());
        }
    }
    for mu in [-700.0, 0.0, 700.0, 1e300] {
        for sigma in [f64::MIN_POSITIVE, 1e-300, 1.0, 1e300, f64::MAX] {
            out.push(LogNormal::new(mu, sigma).unwrap().into());
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
        Family::Gamma(g) => g.scale,
        Family::Weibull(w) => w.scale,
        Family::Beta(b) => b.max,
        Family::Normal(n) => n.sd,
        Family::LogNormal(l) => l.mu.abs().max(1.0),
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
            Family::Normal(_) | Family::LogNormal(_) | Family::Gamma(_)
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
        Family::from(Gamma::new(MIN_SHAPE, 1e300).unwrap()),
        Gamma::new(MAX_SHAPE, 1e300).unwrap().into(),
        Gamma::new(20.0, 1e20).unwrap().into(),
        Gamma::new(MAX_SHAPE, 1e-300).unwrap().into(),
        Gamma::new(MIN_SHAPE, f64::MIN_POSITIVE).unwrap().into(),
        Weibull::new(MIN_SHAPE, 1e300).unwrap().into(),
        Weibull::new(MAX_SHAPE, f64::MIN_POSITIVE).unwrap().into(),
        Beta::new(MIN_SHAPE, MAX_SHAPE, -8e307, 8e307)
            .unwrap()
            .into(),
        Normal::new(1e300, 1e300).unwrap().into(),
        LogNormal::new(600.0, 1.0).unwrap().into(),
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
