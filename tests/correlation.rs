//! Rank correlations between inputs: achieved within 0.02 of the target at 100k runs, with every
//! marginal unchanged (Kolmogorov–Smirnov against the specified distribution).

use std::path::Path;

use flopcast::analyze::rank::{ranks, spearman};
use flopcast::model::Input;
use flopcast::sample::SamplingPlan;
use flopcast::scenario::Scenario;
use statrs::distribution::{Beta, ContinuousCDF, LogNormal, Triangular};

const TEXT: &str = r#"
[model]
params = 405e9
tokens = 15.6e12
[cluster]
gpus = 16384
peak_tflops = 989
mfu = { dist = "pert", min = 0.33, mode = 0.40, max = 0.45 }
downtime = { dist = "triangular", min = 0.02, mode = 0.08, max = 0.20 }
[cost]
gpu_hour_usd = "1.8 to 3.5"

[[correlation]]
between = ["cluster.mfu", "cluster.downtime"]
spearman = -0.4

[[correlation]]
between = ["cost.gpu_hour_usd", "cluster.mfu"]
spearman = 0.3
"#;

const RUNS: u64 = 100_000;

fn columns(text: &str) -> Vec<Vec<f64>> {
    let s = Scenario::parse(Path::new("c.toml"), text).unwrap();
    SamplingPlan::new(&s, RUNS, 11).input_columns(&[Input::Mfu, Input::Downtime, Input::GpuHourUsd])
}

fn ks(mut xs: Vec<f64>, cdf: impl Fn(f64) -> f64) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len() as f64;
    xs.iter()
        .enumerate()
        .map(|(i, &x)| {
            (cdf(x) - i as f64 / n)
                .abs()
                .max(((i + 1) as f64 / n - cdf(x)).abs())
        })
        .fold(0.0, f64::max)
}

#[test]
fn achieved_rank_correlations_match_the_targets() {
    let c = columns(TEXT);
    let rho = |a: usize, b: usize| spearman(&c[a], &ranks(&c[b]));
    assert!((rho(0, 1) + 0.4).abs() < 0.02, "mfu–downtime {}", rho(0, 1));
    assert!((rho(2, 0) - 0.3).abs() < 0.02, "price–mfu {}", rho(2, 0));
    // Not asked for: the copula's matrix holds 0 for the pair, so the two are uncorrelated
    // in normal space and their Spearman is 0 within its sampling error (sd 1/√n = 0.003).
    assert!(rho(2, 1).abs() < 0.015, "price–downtime {}", rho(2, 1));
}

#[test]
fn marginals_are_unchanged() {
    let c = columns(TEXT);
    let critical = 1.949 / (RUNS as f64).sqrt();
    let beta = Beta::new(1.0 + 4.0 * 0.07 / 0.12, 1.0 + 4.0 * 0.05 / 0.12).unwrap();
    let tri = Triangular::new(0.02, 0.20, 0.08).unwrap();
    let z95 = 1.644_853_626_951_472_2;
    let logn = LogNormal::new(
        (1.8f64.ln() + 3.5f64.ln()) / 2.0,
        (3.5f64.ln() - 1.8f64.ln()) / (2.0 * z95),
    )
    .unwrap();
    let d = ks(c[0].clone(), |x| beta.cdf((x - 0.33) / 0.12));
    assert!(d < critical, "mfu KS {d}");
    let d = ks(c[1].clone(), |x| tri.cdf(x));
    assert!(d < critical, "downtime KS {d}");
    let d = ks(c[2].clone(), |x| logn.cdf(x));
    assert!(d < critical, "price KS {d}");
}

#[test]
fn without_correlations_the_inputs_are_independent() {
    let text = TEXT.split("[[correlation]]").next().unwrap();
    let c = columns(text);
    assert!(spearman(&c[0], &ranks(&c[1])).abs() < 0.02);
}

#[test]
fn impossible_or_meaningless_correlations_are_refused() {
    let err = |text: &str| {
        Scenario::parse(Path::new("c.toml"), text)
            .unwrap_err()
            .to_string()
    };
    let impossible = TEXT
        .replace("spearman = -0.4", "spearman = 0.95")
        .replace("spearman = 0.3", "spearman = -0.95")
        + "\n[[correlation]]\nbetween = [\"cost.gpu_hour_usd\", \"cluster.downtime\"]\nspearman = 0.95\n";
    assert!(
        err(&impossible).contains("cannot all hold at once"),
        "{}",
        err(&impossible)
    );
    let fixed = TEXT.replace(
        "\"cost.gpu_hour_usd\", \"cluster.mfu\"",
        "\"cluster.gpus\", \"cluster.mfu\"",
    );
    assert!(
        err(&fixed).contains("not an uncertain input"),
        "{}",
        err(&fixed)
    );
    let out_of_range = TEXT.replace("spearman = -0.4", "spearman = -1");
    assert!(err(&out_of_range).contains("strictly between -1 and 1"));
    let twice = TEXT.replace(
        "\"cost.gpu_hour_usd\", \"cluster.mfu\"",
        "\"cluster.downtime\", \"cluster.mfu\"",
    );
    assert!(err(&twice).contains("correlated twice"), "{}", err(&twice));
}

#[test]
fn a_single_correlation_too_near_one_says_so_and_gives_the_largest_usable_value() {
    // Used to say that the correlations "cannot all hold at once", with only one of them.
    let err = |text: &str| {
        Scenario::parse(Path::new("c.toml"), text)
            .unwrap_err()
            .to_string()
    };
    for rho in ["0.9999999999999999", "-0.99999999999"] {
        let text = TEXT.replace("spearman = -0.4", &format!("spearman = {rho}"));
        let line = text.lines().position(|l| l.contains(rho)).unwrap() + 1;
        let message = err(&text);
        assert!(
            message.contains(&format!("`spearman` = {rho} is too close to ±1"))
                && message.contains("largest usable magnitude is 0.99999999994")
                && message.contains(&format!("c.toml:{line}:12"))
                && !message.contains("cannot all hold"),
            "{message}"
        );
        let usable = TEXT.replace("spearman = -0.4", "spearman = -0.99999999994");
        let usable = usable.replace("spearman = 0.3", "spearman = 0");
        Scenario::parse(Path::new("c.toml"), &usable).unwrap();
    }
}

#[test]
fn a_reference_prior_keeps_its_correlation_and_its_marginal() {
    let text = r#"
[model]
params = 70e9
tokens = 15e12
[cluster]
gpus = 2048
gpu = "H100-SXM"
mfu = "reference"
year = 2025
[cost]
gpu_hour_usd = "1.8 to 3.5"

[[correlation]]
between = ["cost.gpu_hour_usd", "cluster.mfu"]
spearman = 0.3
"#;
    let s = Scenario::parse(Path::new("c.toml"), text).unwrap();
    let c = SamplingPlan::new(&s, RUNS, 11).input_columns(&[Input::Mfu, Input::GpuHourUsd]);
    let rho = spearman(&c[1], &ranks(&c[0]));
    assert!((rho - 0.3).abs() < 0.02, "price–mfu {rho}");
    let mfu = &s.spec(Input::Mfu).dist;
    let d = ks(c[0].clone(), |x| mfu.cdf(x));
    assert!(d < 1.949 / (RUNS as f64).sqrt(), "mfu KS {d}");
}
