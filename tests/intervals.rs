//! How the reports state their Monte Carlo error: a percentile interval that cannot reach 95% at
//! the run count is flagged wherever it is shown, and the row's ± includes the mean's interval.

mod common;

use common::{LLAMA, flopcast, stdout_of};
use tempfile::TempDir;

#[test]
fn percentiles_too_far_out_for_the_run_count_are_flagged_in_table_json_and_csv() {
    let dir = TempDir::new().unwrap();
    let json = dir.path().join("bands.json");
    let csv = dir.path().join("bands.csv");
    let out = stdout_of(&[
        "run",
        LLAMA,
        "--runs",
        "200",
        "--no-progress",
        "--percentiles",
        "0.5,5,50,99.5",
        "--json",
        json.to_str().unwrap(),
        "--csv",
        csv.to_str().unwrap(),
    ]);
    let days = out.lines().find(|l| l.starts_with("train_days")).unwrap();
    let cells: Vec<&str> = days.split_whitespace().collect();
    // metric, mean, sd, P0.5, P5, P50, P99.5, ±
    assert!(cells[3].ends_with('*') && cells[6].ends_with('*'), "{days}");
    assert!(
        !cells[4].ends_with('*') && !cells[5].ends_with('*'),
        "{days}"
    );
    assert!(
        out.contains("P0.5 61%"),
        "the note states the coverage:\n{out}"
    );

    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let days = doc["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "train_days")
        .unwrap();
    let short: Vec<bool> = days["percentiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["ci95_short"].as_bool().unwrap())
        .collect();
    assert_eq!(short, vec![true, false, false, true]);
    let coverage = days["percentiles"][0]["ci_coverage"].as_f64().unwrap();
    assert!((coverage - 0.6145).abs() < 0.001, "{coverage}");

    let text = std::fs::read_to_string(&csv).unwrap();
    let row = text.lines().find(|l| l.starts_with("train_days")).unwrap();
    let least: f64 = row.rsplit(',').next().unwrap().parse().unwrap();
    assert!(least < 0.95, "{row}");
}

#[test]
fn enough_runs_flag_nothing() {
    let out = stdout_of(&["run", LLAMA, "--runs", "2000", "--no-progress"]);
    assert!(!out.contains('*'), "{out}");
}

#[test]
fn the_rows_half_width_covers_the_mean_of_a_heavy_tail() {
    // A lognormal price with σ = 2.5: the mean's 95% half-width exceeds every percentile's.
    let dir = TempDir::new().unwrap();
    let scenario = dir.path().join("heavy.toml");
    let text =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(LLAMA))
            .unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("gpu_hour_usd"))
        .expect("the scenario prices GPU-hours");
    let text = text.replace(
        line,
        r#"gpu_hour_usd = { dist = "lognormal", mu = 0.0, sigma = 2.5 }"#,
    );
    std::fs::write(&scenario, text).unwrap();
    let json = dir.path().join("bands.json");
    flopcast()
        .args([
            "run",
            scenario.to_str().unwrap(),
            "--runs",
            "20000",
            "--no-progress",
        ])
        .args(["--json", json.to_str().unwrap()])
        .assert()
        .success();
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let cost = doc["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "compute_cost_usd")
        .unwrap();
    let mean_half = cost["mean_ci95_hi"].as_f64().unwrap() - cost["mean"].as_f64().unwrap();
    let widest_percentile = cost["percentiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["ci95_hi"].as_f64().unwrap() - p["ci95_lo"].as_f64().unwrap()) / 2.0)
        .fold(0.0, f64::max);
    assert!(
        mean_half > widest_percentile,
        "{mean_half} vs {widest_percentile}"
    );
    let row = cost["ci95_half_width"].as_f64().unwrap();
    assert!(
        (row - mean_half).abs() <= 1e-9 * row,
        "{row} vs {mean_half}"
    );
}

#[test]
fn a_sobol_study_without_bootstrap_shows_no_interval_rather_than_one_of_zero_width() {
    let dir = TempDir::new().unwrap();
    let csv = dir.path().join("sens.csv");
    let out = stdout_of(&[
        "sensitivity",
        LLAMA,
        "--runs",
        "2000",
        "--sobol-n",
        "256",
        "--bootstrap",
        "0",
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(!out.contains("[95%]"), "{out}");
    let row = out
        .lines()
        .find(|l| l.starts_with("cost.gpu_hour_usd"))
        .unwrap();
    assert!(!row.contains('['), "{row}");
    let text = std::fs::read_to_string(&csv).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let values: Vec<&str> = text.lines().nth(1).unwrap().split(',').collect();
    let s1_lo = header.iter().position(|&h| h == "s1_lo").unwrap();
    assert_eq!(values[s1_lo], "", "no interval is an empty cell: {text}");
}
