//! Accuracy against exact values: every reported mean and percentile must lie within a few
//! Monte Carlo standard errors of the truth, computed here independently (closed forms, and
//! one-dimensional quadrature with statrs densities), with fixed seeds.

use std::path::Path;

use flopcast::model::Metric;
use flopcast::sample::SamplingPlan;
use flopcast::scenario::Scenario;
use flopcast::simulate::{Simulation, simulate};
use flopcast::stats::{Summary, summarize};
use statrs::distribution::{Beta, Continuous, ContinuousCDF, LogNormal, Triangular};

const PERCENTILES: [f64; 7] = [5.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0];
/// Four standard errors: a correct estimator fails this about once in 16,000 comparisons.
const Z: f64 = 4.0;

fn simulate_file(path: &str, text: Option<&str>, runs: u64, seed: u64) -> Simulation {
    let s = match text {
        Some(t) => Scenario::parse(Path::new(path), t).unwrap(),
        None => Scenario::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap(),
    };
    simulate(&SamplingPlan::new(&s, runs, seed), s.options, &|_| {})
}

fn assert_mean(s: &Summary, exact: f64, what: &str) {
    let err = (s.mean.value - exact).abs();
    assert!(
        err < Z * s.mean.se,
        "{what} mean {} vs exact {exact}: {:.2} SE",
        s.mean.value,
        err / s.mean.se
    );
}

fn assert_percentiles(s: &Summary, exact: impl Fn(f64) -> f64, what: &str) {
    for p in &s.percentiles {
        let truth = exact(p.percent / 100.0);
        let err = (p.estimate.value - truth).abs();
        assert!(
            err < Z * p.estimate.se,
            "{what} P{} = {} vs exact {truth}: {:.2} SE",
            p.percent,
            p.estimate.value,
            err / p.estimate.se
        );
    }
}

/// Composite Simpson's rule on [a, b] with n (even) intervals.
fn simpson(f: impl Fn(f64) -> f64, a: f64, b: f64, n: usize) -> f64 {
    let h = (b - a) / n as f64;
    let inner: f64 = (1..n)
        .map(|i| f(a + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 })
        .sum();
    (f(a) + f(b) + inner) * h / 3.0
}

/// Smallest t with cdf(t) ≥ p, by bisection on [lo, hi].
fn invert(cdf: impl Fn(f64) -> f64, p: f64, mut lo: f64, mut hi: f64) -> f64 {
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if cdf(mid) < p { lo = mid } else { hi = mid }
    }
    0.5 * (lo + hi)
}

const Z95: f64 = 1.644_853_626_951_472_2;

fn lognormal_from(p5: f64, p95: f64) -> (f64, f64) {
    (
        (p5.ln() + p95.ln()) / 2.0,
        (p95.ln() - p5.ln()) / (2.0 * Z95),
    )
}

#[test]
fn a_product_of_lognormals_is_lognormal() {
    // days ∝ 1 / peak and compute cost ∝ price / peak: with peak and price lognormal, both
    // outputs are lognormal with known parameters, so every percentile has a closed form.
    let text = r#"
        [model]
        params = 405e9
        tokens = 15.6e12
        [cluster]
        gpus = 16000
        peak_tflops = { dist = "lognormal", p5 = 300, p95 = 500 }
        mfu = 1
        [cost]
        gpu_hour_usd = "1.8 to 3.5"
        [team]
        size = 50
        salary_usd = 500e3
        months = 12
    "#;
    let sim = simulate_file("lognormal.toml", Some(text), 400_000, 3);
    let k_days: f64 = 6.0 * 405e9 * 15.6e12 / (16000.0 * 1e12) / 86_400.0;
    let (mu_peak, s_peak) = lognormal_from(300.0, 500.0);
    let (mu_price, s_price) = lognormal_from(1.8, 3.5);
    // train_days = k / peak  →  lognormal(ln k − mu_peak, s_peak)
    let days = LogNormal::new(k_days.ln() - mu_peak, s_peak).unwrap();
    // compute = 24 · gpus · k · price / peak  →  lognormal(ln(24·gpus·k) + mu_price − mu_peak, √(s²+s²))
    let c = 24.0 * 16000.0 * k_days;
    let cost = LogNormal::new(c.ln() + mu_price - mu_peak, s_price.hypot(s_peak)).unwrap();
    let d = summarize(sim.column(Metric::TrainDays), &PERCENTILES);
    let m = summarize(sim.column(Metric::ComputeCostUsd), &PERCENTILES);
    let t = summarize(sim.column(Metric::TotalCostUsd), &PERCENTILES);
    use statrs::statistics::Distribution as _;
    assert_mean(&d, days.mean().unwrap(), "train_days");
    assert_mean(&m, cost.mean().unwrap(), "compute_cost_usd");
    assert_percentiles(&d, |p| days.inverse_cdf(p), "train_days");
    assert_percentiles(&m, |p| cost.inverse_cdf(p), "compute_cost_usd");
    // Labor is fixed at $25M, so total = compute + 25M percentile by percentile.
    assert_percentiles(&t, |p| cost.inverse_cdf(p) + 25e6, "total_cost_usd");
}

#[test]
fn bundled_llama_scenario_matches_quadrature() {
    let sim = simulate_file("scenarios/llama-3.1-405b.toml", None, 1_000_000, 42);
    // mfu ~ PERT(0.33, 0.40, 0.45) = 0.33 + 0.12·Beta(1 + 4·0.07/0.12, 1 + 4·0.05/0.12)
    let beta = Beta::new(1.0 + 4.0 * 0.07 / 0.12, 1.0 + 4.0 * 0.05 / 0.12).unwrap();
    let mfu_pdf = |x: f64| beta.pdf((x - 0.33) / 0.12) / 0.12;
    let mfu_sf = |x: f64| 1.0 - beta.cdf(((x - 0.33) / 0.12).clamp(0.0, 1.0));
    // downtime ~ Triangular(0.02, 0.08, 0.20); its density has a kink at the mode.
    let tri = Triangular::new(0.02, 0.20, 0.08).unwrap();
    let over_downtime = |g: &dyn Fn(f64) -> f64| {
        simpson(|x| tri.pdf(x) * g(x), 0.02, 0.08, 2000)
            + simpson(|x| tri.pdf(x) * g(x), 0.08, 0.20, 2000)
    };
    let k: f64 = 6.0 * 405e9 * 15.6e12 / (16384.0 * 989e12) / 86_400.0;
    let e_inv_mfu = simpson(|x| mfu_pdf(x) / x, 0.33, 0.45, 20_000);
    let e_inv_up = over_downtime(&|x| 1.0 / (1.0 - x));
    let e_days = k * e_inv_mfu * e_inv_up;
    let (mu_price, s_price) = lognormal_from(1.8, 3.5);
    let (mu_salary, s_salary) = lognormal_from(350e3, 700e3);
    let e_price = (mu_price + s_price * s_price / 2.0).exp();
    // Independent inputs: E[size · salary · months / 12] = 50 · E[salary] · 12 / 12.
    let e_labor = 50.0 * (mu_salary + s_salary * s_salary / 2.0).exp();
    let e_gpu_hours = 16384.0 * 24.0 * e_days;
    let e_compute = e_gpu_hours * e_price;

    let summary = |m: Metric| summarize(sim.column(m), &PERCENTILES);
    assert_mean(&summary(Metric::TrainDays), e_days, "train_days");
    assert_mean(&summary(Metric::GpuHours), e_gpu_hours, "gpu_hours");
    assert_mean(
        &summary(Metric::ComputeCostUsd),
        e_compute,
        "compute_cost_usd",
    );
    assert_mean(&summary(Metric::LaborCostUsd), e_labor, "labor_cost_usd");
    assert_mean(
        &summary(Metric::TotalCostUsd),
        e_compute + e_labor,
        "total_cost_usd",
    );

    // P(days ≤ t) = P(mfu ≥ k / (t (1 − d))) = ∫ f_d(x) · S_mfu(k / (t (1 − x))) dx
    let days_cdf = |t: f64| over_downtime(&|x| mfu_sf(k / (t * (1.0 - x))));
    let exact_days = |p: f64| invert(days_cdf, p, 50.0, 120.0);
    assert_percentiles(&summary(Metric::TrainDays), exact_days, "train_days");
    assert_percentiles(
        &summary(Metric::GpuHours),
        |p| 16384.0 * 24.0 * exact_days(p),
        "gpu_hours",
    );
}

#[test]
fn the_accuracy_check_detects_a_biased_estimate() {
    // The comparison above must be able to fail: a 0.5% error is many standard errors at 1M runs.
    let sim = simulate_file("scenarios/llama-3.1-405b.toml", None, 1_000_000, 42);
    let s = summarize(sim.column(Metric::TrainDays), &[50.0]);
    let p50 = s.percentiles[0];
    assert!(
        p50.estimate.value * 0.005 > Z * p50.estimate.se,
        "P50 {} has SE {}",
        p50.estimate.value,
        p50.estimate.se
    );
}
