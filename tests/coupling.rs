//! Common random numbers that always hold: two scenarios, sweep points or overrides that give
//! one input different distributions draw it from the same uniforms, so its draws are paired
//! rank for rank (comonotone) whatever changed: a shape, a bound, a truncation or the family.
//! Checked on the library's own plans (as `compare` and `sweep` build them) under every
//! sampling scheme, and end to end through `flopcast compare`.

mod common;

use std::path::Path;

use common::{flopcast, read_json};
use flopcast::analyze::rank::{ranks, spearman};
use flopcast::model::Input;
use flopcast::sample::SamplingPlan;
use flopcast::sample::scheme::Scheme;
use flopcast::scenario::Scenario;

const RUNS: u64 = 20_000;

const BASE: &str = r#"
[model]
params = 405e9
tokens = 15.6e12
[cluster]
gpus = 16384
peak_tflops = 989
mfu = MFU
downtime = { dist = "triangular", min = 0.02, mode = 0.08, max = 0.20 }
[cost]
gpu_hour_usd = PRICE
"#;

/// Pairs of distributions for `cost.gpu_hour_usd`: each changes what rejection samplers made
/// consume a different number of uniforms (shapes, bounds, truncations), or the family.
const PRICE_PAIRS: [(&str, &str, &str); 12] = [
    (
        "PERT mode",
        r#"{ dist = "pert", min = 1, mode = 2, max = 4 }"#,
        r#"{ dist = "pert", min = 1, mode = 3.5, max = 4 }"#,
    ),
    (
        "PERT lambda",
        r#"{ dist = "pert", min = 1, mode = 2, max = 4 }"#,
        r#"{ dist = "pert", min = 1, mode = 2, max = 4, lambda = 12 }"#,
    ),
    (
        "beta shapes",
        r#"{ dist = "beta", alpha = 2, beta = 5, min = 1, max = 4 }"#,
        r#"{ dist = "beta", alpha = 0.6, beta = 3, min = 1, max = 4 }"#,
    ),
    (
        "gamma shape",
        r#"{ dist = "gamma", shape = 2, scale = 1 }"#,
        r#"{ dist = "gamma", shape = 7, scale = 0.3 }"#,
    ),
    (
        "gamma below shape 1",
        r#"{ dist = "gamma", shape = 0.7, scale = 3 }"#,
        r#"{ dist = "gamma", shape = 30, scale = 0.1 }"#,
    ),
    (
        "truncated normal bounds",
        r#"{ dist = "normal", mean = 2, sd = 1, lower = 0.5 }"#,
        r#"{ dist = "normal", mean = 2, sd = 1, lower = 1.5, upper = 2.5 }"#,
    ),
    (
        "far-tail truncation",
        r#"{ dist = "normal", mean = 2, sd = 0.1, lower = 2.7 }"#,
        r#"{ dist = "normal", mean = 2, sd = 0.1, lower = 2.9, upper = 3.5 }"#,
    ),
    (
        "weibull shape",
        r#"{ dist = "weibull", shape = 1.5, scale = 2 }"#,
        r#"{ dist = "weibull", shape = 4, scale = 2.5 }"#,
    ),
    (
        "log-t degrees of freedom",
        r#"{ dist = "log_t", df = 3, mu = 0.7, sigma = 0.2, lower = 0.5, upper = 8 }"#,
        r#"{ dist = "log_t", df = 30, mu = 0.9, sigma = 0.1, lower = 0.5 }"#,
    ),
    (
        "lognormal to gamma",
        r#""1.8 to 3.5""#,
        r#"{ dist = "gamma", shape = 9, scale = 0.3 }"#,
    ),
    (
        "uniform to triangular",
        r#"{ dist = "uniform", min = 1, max = 4 }"#,
        r#"{ dist = "triangular", min = 1, mode = 1.5, max = 4 }"#,
    ),
    (
        "truncated lognormal to discrete",
        r#"{ dist = "lognormal", median = 2, sigma = 0.4, upper = 3 }"#,
        r#"{ dist = "discrete", values = [1.5, 2, 3], weights = [1, 2, 1] }"#,
    ),
];

/// Pairs for `cluster.mfu`, an input the copula also draws in the correlated cases.
const MFU_PAIRS: [(&str, &str, &str); 2] = [
    (
        "MFU PERT reshaped",
        r#"{ dist = "pert", min = 0.33, mode = 0.40, max = 0.45 }"#,
        r#"{ dist = "pert", min = 0.28, mode = 0.36, max = 0.43 }"#,
    ),
    (
        "MFU beta to truncated normal",
        r#"{ dist = "beta", alpha = 3, beta = 2, min = 0.3, max = 0.5 }"#,
        r#"{ dist = "normal", mean = 0.4, sd = 0.05, lower = 0.3, upper = 0.45 }"#,
    ),
];

const FIXED_MFU: &str = "0.4";
const FIXED_PRICE: &str = "2.5";

fn scenario(mfu: &str, price: &str, extra: &str) -> Scenario {
    let text = BASE.replace("MFU", mfu).replace("PRICE", price) + extra;
    Scenario::parse(Path::new("c.toml"), &text).unwrap()
}

fn draws(s: &Scenario, input: Input, scheme: Scheme) -> Vec<f64> {
    let plan = SamplingPlan::new(s, RUNS, 7).with_scheme(scheme);
    plan.input_columns(&[input]).remove(0)
}

/// Whether b never decreases where a increases: the draws are paired rank for rank.
fn comonotone(a: &[f64], b: &[f64]) -> bool {
    let mut order: Vec<usize> = (0..a.len()).collect();
    order.sort_by(|&i, &j| a[i].total_cmp(&a[j]));
    order.windows(2).all(|w| {
        let (i, j) = (w[0], w[1]);
        a[i] == a[j] || b[i] <= b[j]
    })
}

fn assert_paired(what: &str, a: &[f64], b: &[f64], continuous: bool) {
    assert!(comonotone(a, b), "{what}: draws not paired rank for rank");
    if continuous {
        let rho = spearman(a, &ranks(b));
        assert_eq!(rho, 1.0, "{what}: Spearman {rho}");
    }
}

const SCHEMES: [Scheme; 3] = [Scheme::MonteCarlo, Scheme::LatinHypercube, Scheme::Sobol];

#[test]
fn a_changed_input_is_paired_rank_for_rank_under_every_scheme() {
    for scheme in SCHEMES {
        for (what, a, b) in PRICE_PAIRS {
            let xa = draws(&scenario(FIXED_MFU, a, ""), Input::GpuHourUsd, scheme);
            let xb = draws(&scenario(FIXED_MFU, b, ""), Input::GpuHourUsd, scheme);
            let continuous = !b.contains("discrete");
            assert_paired(&format!("{scheme:?}, {what}"), &xa, &xb, continuous);
        }
        for (what, a, b) in MFU_PAIRS {
            let xa = draws(&scenario(a, FIXED_PRICE, ""), Input::Mfu, scheme);
            let xb = draws(&scenario(b, FIXED_PRICE, ""), Input::Mfu, scheme);
            assert_paired(&format!("{scheme:?}, {what}"), &xa, &xb, true);
        }
    }
}

/// Through the Gaussian copula too: the changed input's normal comes from its own stream.
#[test]
fn a_changed_correlated_input_is_paired_rank_for_rank() {
    let correlated = r#"
[[correlation]]
between = ["cluster.mfu", "cost.gpu_hour_usd"]
spearman = 0.4
"#;
    for scheme in SCHEMES {
        for (what, a, b) in MFU_PAIRS {
            let price = PRICE_PAIRS[0].1;
            let xa = draws(&scenario(a, price, correlated), Input::Mfu, scheme);
            let xb = draws(&scenario(b, price, correlated), Input::Mfu, scheme);
            assert_paired(&format!("{scheme:?}, correlated {what}"), &xa, &xb, true);
        }
    }
}

/// A sweep point is the scenario with one value overridden, as `--set` makes it.
#[test]
fn sweep_points_pair_a_distribution_valued_input() {
    let base = scenario(MFU_PAIRS[0].1, PRICE_PAIRS[0].1, "");
    let points: Vec<Scenario> = [MFU_PAIRS[0].2, MFU_PAIRS[1].1, MFU_PAIRS[1].2]
        .iter()
        .map(|v| base.with_value(Input::Mfu, v).unwrap())
        .collect();
    for scheme in SCHEMES {
        let first = draws(&base, Input::Mfu, scheme);
        for (k, p) in points.iter().enumerate() {
            let x = draws(p, Input::Mfu, scheme);
            assert_paired(&format!("{scheme:?}, point {k}"), &first, &x, true);
        }
    }
}

/// The Llama 3.1 405B scenario against more GPUs at a lower, reshaped MFU: every run of B does
/// the same work at a lower utilisation, so no run of B is cheaper.
#[test]
fn compare_finds_b_never_cheaper_when_every_draw_of_its_mfu_is_lower() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("scenarios/llama-3.1-405b.toml").unwrap();
    let old = r#"mfu = { dist = "pert", min = 0.33, mode = 0.40, max = 0.45 }"#;
    assert!(text.contains(old));
    let b = text
        .replace(
            old,
            r#"mfu = { dist = "pert", min = 0.30, mode = 0.36, max = 0.43 }"#,
        )
        .replace("gpus = 16_384", "gpus = 24_576");
    assert!(b.contains("gpus = 24_576"));
    let b_path = dir.path().join("b.toml");
    std::fs::write(&b_path, b).unwrap();
    for scheme in ["mc", "lhs", "qmc"] {
        let json = dir.path().join(format!("{scheme}.json"));
        flopcast()
            .args(["compare", "scenarios/llama-3.1-405b.toml"])
            .arg(&b_path)
            .args(["--runs", "200000", "--sampling", scheme, "--json"])
            .arg(&json)
            .assert()
            .success();
        let v = read_json(&json);
        assert_eq!(
            v["p_b_cheaper"]["value"], 0.0,
            "{scheme}: {}",
            v["p_b_cheaper"]
        );
        assert_eq!(v["p_b_cheaper"]["hits"], 0, "{scheme}");
    }
}
