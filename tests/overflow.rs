//! Figures beyond the range of floating point are errors that name the inputs responsible and
//! where the scenario gives them, never a confident 0 or an infinite mean.

mod common;

use std::fs;
use std::path::Path;

use common::{MINIMAL, flopcast, minimal_with};
use predicates::prelude::*;
use tempfile::TempDir;

/// Writes the minimal scenario with `from` replaced by `to` into a new directory.
fn scenario(from: &str, to: &str) -> (TempDir, String) {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("plan.toml");
    fs::write(&path, minimal_with(from, to)).unwrap();
    let path = path.to_str().unwrap().to_string();
    (dir, path)
}

/// Stderr of `args`, which must fail with exit 1, no panic, nothing on stdout and no file
/// written into `dir` besides the scenario.
fn refusal(dir: &Path, args: &[&str]) -> String {
    let out = flopcast()
        .args(args)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("panicked").not())
        .get_output()
        .clone();
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(fs::read_dir(dir).unwrap().count(), 1, "no output written");
    String::from_utf8(out.stderr).unwrap()
}

fn run_with_csv(dir: &Path, path: &str) -> String {
    let csv = dir.join("out.csv");
    refusal(
        dir,
        &[
            "run",
            path,
            "--runs",
            "1000",
            "--csv",
            csv.to_str().unwrap(),
        ],
    )
}

#[test]
fn a_cluster_too_large_for_floating_point_is_refused_not_zero_days() {
    let (dir, path) = scenario("gpus = 16384", "gpus = 1e300");
    let err = run_with_csv(dir.path(), &path);
    assert!(err.contains(&format!("{path}:8:8")), "{err}");
    assert!(
        err.contains("gpus × peak_tflops × 1e12 × mfu overflows"),
        "{err}"
    );
    assert!(err.contains("cluster.gpus = 1e300"), "{err}");
}

#[test]
fn a_lognormal_whose_draws_are_infinite_is_refused() {
    let (dir, path) = scenario(
        "peak_tflops = 989",
        r#"peak_tflops = { dist = "lognormal", mu = 1000, sigma = 1 }"#,
    );
    let err = run_with_csv(dir.path(), &path);
    assert!(err.contains(&format!("{path}:9:15")), "{err}");
    assert!(err.contains("`cluster.peak_tflops`"), "{err}");
    assert!(err.contains("overflows (inf"), "{err}");
}

#[test]
fn a_price_that_makes_the_cost_overflow_is_refused_in_every_subcommand() {
    let (dir, path) = scenario("gpu_hour_usd = 2", "gpu_hour_usd = 1e304");
    for command in ["run", "check", "sensitivity", "report"] {
        let mut args = vec![command, &path, "--runs", "1000"];
        let out = dir.path().join("r.html");
        if command == "report" {
            args.extend(["-o", out.to_str().unwrap()]);
        }
        let err = refusal(dir.path(), &args);
        assert!(err.contains(&format!("{path}:13:16")), "{command}: {err}");
        assert!(
            err.contains("compute_cost_usd = gpu_hours × gpu_hour_usd overflows"),
            "{err}"
        );
    }
}

#[test]
fn a_divisor_reaching_so_close_to_zero_that_costs_overflow_is_refused() {
    // At mfu = 1e-290 the run would take about 1e283 days: the cost overflows at $1e20 an hour.
    let text = MINIMAL
        .replace(
            "mfu = 0.4",
            r#"mfu = { dist = "uniform", min = 1e-290, max = 0.5 }"#,
        )
        .replace("gpu_hour_usd = 2", "gpu_hour_usd = 1e20");
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("plan.toml");
    fs::write(&path, text).unwrap();
    let path = path.to_str().unwrap();
    let err = run_with_csv(dir.path(), path);
    assert!(err.contains(&format!("{path}:10:7")), "{err}");
    assert!(
        err.contains("`cluster.mfu` can draw values down to 1e-290"),
        "{err}"
    );
}

#[test]
fn an_overflow_only_some_runs_reach_names_the_first_run_and_its_inputs() {
    // Each input alone stays in range (the other at its median); in a quarter of the runs
    // both are at 1e200 and the cost overflows.
    let text = MINIMAL
        .replace(
            "tokens = 15.6e12",
            r#"tokens = { dist = "discrete", values = [15.6e12, 1e200], weights = [1, 1] }"#,
        )
        .replace(
            "gpu_hour_usd = 2",
            r#"gpu_hour_usd = { dist = "discrete", values = [2, 1e200], weights = [1, 1] }"#,
        );
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("plan.toml");
    fs::write(&path, text).unwrap();
    let path = path.to_str().unwrap();
    let err = run_with_csv(dir.path(), path);
    assert!(err.starts_with("error: run "), "{err}");
    assert!(err.contains("overflows"), "{err}");
    assert!(
        err.contains(&format!("{path}:5: `model.tokens` = ")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{path}:13: `cost.gpu_hour_usd` = ")),
        "{err}"
    );
    assert!(
        err.contains("`cost.gpu_hour_usd` = 1e200, drawn from { dist = \"discrete\""),
        "{err}"
    );
    assert!(err.contains("of 1000 evaluations fail"), "{err}");
}

#[test]
fn costs_near_the_largest_float_have_a_finite_mean_and_sd() {
    // gpu_hours = 6 × 405e9 × 15.6e12 / (989e12 × 0.4) / 3600 per run; a uniform price on
    // [1e299, 1.5e299] makes every cost about 3e306: a plain sum of 10,000 overflows.
    let (dir, path) = scenario(
        "gpu_hour_usd = 2",
        r#"gpu_hour_usd = { dist = "uniform", min = 1e299, max = 1.5e299 }"#,
    );
    let json = dir.path().join("out.json");
    flopcast()
        .args([
            "run",
            &path,
            "--runs",
            "10000",
            "--json",
            json.to_str().unwrap(),
        ])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_str(&fs::read_to_string(&json).unwrap()).unwrap();
    let metrics = v["metrics"].as_array().expect("metrics");
    let cost = metrics
        .iter()
        .find(|m| m["name"] == "compute_cost_usd")
        .expect("compute_cost_usd");
    let (mean, sd) = (
        cost["mean"]["value"].as_f64().unwrap(),
        cost["sd"].as_f64().unwrap(),
    );
    let gpu_hours = 6.0 * 405e9 * 15.6e12 / (989e12 * 0.4) / 3600.0;
    let true_mean = gpu_hours * 1.25e299;
    let true_sd = gpu_hours * 0.5e299 / 12f64.sqrt();
    let se = true_sd / 100.0;
    assert!((mean - true_mean).abs() < 4.0 * se, "{mean} vs {true_mean}");
    assert!((sd / true_sd - 1.0).abs() < 0.05, "{sd} vs {true_sd}");
}

#[test]
fn a_lognormal_too_wide_for_floating_point_is_refused_where_it_is_written() {
    // Sigma 400: the draws of a GPU count reach far beyond 1e308. (Bounded below: without the
    // bound, 4% of its draws would round to 0, which is refused first.)
    let (dir, path) = scenario(
        "gpus = 16384",
        r#"gpus = { dist = "lognormal", median = 1000, sigma = 400, lower = 1 }"#,
    );
    let err = run_with_csv(dir.path(), &path);
    assert!(err.contains(&format!("{path}:8:8")), "{err}");
    assert!(err.contains("`cluster.gpus` can draw values"), "{err}");
}
