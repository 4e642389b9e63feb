//! `run --precision`: rounds of whole runs until the reported figures are as precise as asked,
//! within twice the fewest runs that get there, the same for any thread count.

mod common;

use std::fs;
use std::path::Path;

use common::{LLAMA, flopcast, stdout_of};
use serde_json::Value;

/// Not a bundled scenario: a smaller run with a wide price and a failure process.
const SCENARIO: &str = r#"
name = "70B on rented H100s"
[model]
params = 70e9
tokens = { dist = "lognormal", p5 = 12e12, p95 = 18e12 }
[cluster]
gpus = 2048
peak_tflops = 989
mfu = { dist = "pert", min = 0.30, mode = 0.38, max = 0.45 }
downtime = { dist = "triangular", min = 0.02, mode = 0.06, max = 0.15 }
[cost]
gpu_hour_usd = { dist = "lognormal", p5 = 1.6, p95 = 3.2 }
[team]
size = 12
salary_usd = "300k to 500k"
months = "3 to 6"
"#;

fn json_of(args: &[&str], dir: &Path) -> Value {
    let path = dir.join("out.json");
    let mut all = args.to_vec();
    all.extend(["--json", path.to_str().unwrap(), "--no-progress"]);
    flopcast().args(&all).assert().success();
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

/// The widest half-width of the P5–P95 intervals of cost and days, relative to each value, and
/// whether every one was reliable.
fn worst_relative(json: &Value) -> f64 {
    let mut worst: f64 = 0.0;
    for m in json["metrics"].as_array().unwrap() {
        if !["total_cost_usd", "train_days"].contains(&m["name"].as_str().unwrap()) {
            continue;
        }
        for p in m["percentiles"].as_array().unwrap() {
            let (lo, hi) = (p["ci95_lo"].as_f64(), p["ci95_hi"].as_f64());
            let value = p["value"].as_f64().unwrap();
            let half = match (lo, hi, p["reliable"].as_bool().unwrap()) {
                (Some(lo), Some(hi), true) => (hi - lo) / 2.0,
                _ => f64::INFINITY,
            };
            worst = worst.max(half / value.abs());
        }
    }
    worst
}

#[test]
fn stops_within_twice_the_fewest_runs_that_meet_the_target() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.toml");
    fs::write(&scenario, SCENARIO).unwrap();
    let scenario = scenario.to_str().unwrap();
    for (target, sampling) in [(0.004, "qmc"), (0.004, "mc"), (0.0025, "auto")] {
        let flag = format!("{}%", target * 100.0);
        let found = json_of(
            &[
                "run",
                scenario,
                "--precision",
                &flag,
                "--sampling",
                sampling,
            ],
            dir.path(),
        );
        let precision = &found["precision"];
        assert_eq!(precision["met"], true, "{precision}");
        let runs = found["runs"].as_u64().unwrap();
        assert_eq!(
            precision["rounds"].as_array().unwrap().last().unwrap(),
            runs
        );
        // The intervals reported meet the target.
        assert!(
            worst_relative(&found) <= target,
            "{flag} {sampling}: {found}"
        );
        // The same seed with that many runs is the same report.
        let again = json_of(
            &[
                "run",
                scenario,
                "--runs",
                &runs.to_string(),
                "--sampling",
                sampling,
            ],
            dir.path(),
        );
        assert_eq!(again["metrics"], found["metrics"]);
        // The fewest runs (in steps of 4,096) whose report meets the target.
        let fewest = (1..)
            .map(|k| k * 4096)
            .find(|&n| {
                let r = [
                    "run",
                    scenario,
                    "--runs",
                    &n.to_string(),
                    "--sampling",
                    sampling,
                ];
                worst_relative(&json_of(&r, dir.path())) <= target
            })
            .unwrap();
        eprintln!("{flag} {sampling}: {runs} runs, the fewest {fewest}");
        assert!(
            runs <= 2 * fewest,
            "{flag} {sampling}: {runs} runs, the fewest {fewest}"
        );
    }
}

#[test]
fn the_thread_count_changes_nothing() {
    let on = |threads: &str| {
        stdout_of(&[
            "run",
            LLAMA,
            "--precision",
            "0.2%",
            "--budget",
            "100M",
            "--threads",
            threads,
            "--no-progress",
        ])
    };
    assert_eq!(on("1"), on("2"));
}

#[test]
fn a_cap_too_low_is_reported_not_met_with_the_runs_needed() {
    let text = stdout_of(&[
        "run",
        LLAMA,
        "--precision",
        "0.01%",
        "--max-runs",
        "20000",
        "--no-progress",
    ]);
    assert!(text.contains("20,000 runs"), "{text}");
    assert!(
        text.contains("NOT met at the cap of 20,000 runs (--max-runs)"),
        "{text}"
    );
    assert!(text.contains("runs would meet it."), "{text}");
}

#[test]
fn one_output_and_the_chances_can_be_held_alone() {
    let dir = tempfile::tempdir().unwrap();
    let json = json_of(
        &[
            "run",
            LLAMA,
            "--precision",
            "train_days=0.05",
            "--precision",
            "chances=0.5%",
            "--budget",
            "100M",
        ],
        dir.path(),
    );
    let days = json["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "train_days")
        .unwrap();
    for p in days["percentiles"].as_array().unwrap() {
        let half = (p["ci95_hi"].as_f64().unwrap() - p["ci95_lo"].as_f64().unwrap()) / 2.0;
        assert!(half <= 0.05, "{p}");
    }
    let chance = &json["budget"]["chance"];
    let half = (chance["ci95_hi"].as_f64().unwrap() - chance["ci95_lo"].as_f64().unwrap()) / 2.0;
    assert!(half <= 0.005, "{chance}");
    assert_eq!(json["precision"]["met"], true);
}

#[test]
fn stored_runs_give_the_same_report_as_streamed_ones() {
    let dir = tempfile::tempdir().unwrap();
    let plots = dir.path().join("plots");
    let args = ["run", LLAMA, "--precision", "0.3%", "--no-progress"];
    let streamed = stdout_of(&args);
    let mut with_plots = args.to_vec();
    with_plots.extend(["--plots", plots.to_str().unwrap()]);
    assert_eq!(stdout_of(&with_plots), streamed);
}

#[test]
fn bad_precisions_are_refused_as_flags() {
    let cases: [(&[&str], &str); 5] = [
        (&["--precision", "5"], "needs its output"),
        (&["--precision", "0%"], "must be above 0"),
        (&["--precision", "speed=1%"], "unknown output `speed`"),
        (&["--precision", "chances=2"], "a share of 100%"),
        (
            &["--precision", "1%", "--runs", "1000"],
            "cannot be used with",
        ),
    ];
    for (flags, message) in cases {
        let mut args = vec!["run", LLAMA];
        args.extend(flags);
        let out = flopcast().args(&args).assert().code(2).get_output().clone();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains(message), "{flags:?}: {stderr}");
    }
    let out = flopcast()
        .args(["run", LLAMA, "--max-runs", "1000"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("--precision")
    );
}

#[test]
fn a_sweep_holds_every_point_to_the_precision_on_common_runs() {
    let dir = tempfile::tempdir().unwrap();
    let set = "cluster.gpus=8192,16384,24576";
    let args = ["sweep", LLAMA, "--set", set, "--precision", "0.5%"];
    let found = json_of(&args, dir.path());
    assert_eq!(found["precision"]["met"], true, "{}", found["precision"]);
    let runs = found["runs"].as_u64().unwrap();
    for p in found["points"].as_array().unwrap() {
        assert_eq!(p["report"]["runs"], runs);
        assert!(worst_relative(&p["report"]) <= 0.005, "{p}");
    }
    let fixed = ["sweep", LLAMA, "--set", set, "--runs", &runs.to_string()];
    assert_eq!(json_of(&fixed, dir.path())["points"], found["points"]);
}

#[test]
fn a_comparison_holds_both_scenarios_and_who_wins_to_the_precision() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["compare", LLAMA, common::FAILURES, "--precision", "0.5%"];
    let found = json_of(&args, dir.path());
    assert_eq!(found["precision"]["met"], true, "{}", found["precision"]);
    for side in ["a", "b"] {
        assert!(worst_relative(&found[side]) <= 0.005, "{side}");
    }
    let p = &found["p_b_faster"];
    let half = (p["ci95_hi"].as_f64().unwrap() - p["ci95_lo"].as_f64().unwrap()) / 2.0;
    assert!(half <= 0.005, "{p}");
    let runs = found["runs"].as_u64().unwrap().to_string();
    let fixed = json_of(
        &["compare", LLAMA, common::FAILURES, "--runs", &runs],
        dir.path(),
    );
    assert_eq!(fixed["difference"], found["difference"]);
    assert_eq!(fixed["a"]["metrics"], found["a"]["metrics"]);
}
