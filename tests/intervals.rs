//! How the reports state their Monte Carlo error: a percentile interval that cannot reach 95% at
//! the run count is flagged wherever it is shown, and the row's ± includes the mean's interval.

mod common;

use common::{LLAMA, stdout_of};
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
        .map(|p| !p["reliable"].as_bool().unwrap())
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

/// The Llama scenario with its price replaced by `price`, run with `--json`: stdout and the
/// compute cost's JSON entry.
fn run_with_price(price: &str, runs: &str, percentiles: &str) -> (String, serde_json::Value) {
    let dir = TempDir::new().unwrap();
    let scenario = dir.path().join("priced.toml");
    let text =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(LLAMA))
            .unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("gpu_hour_usd"))
        .expect("the scenario prices GPU-hours");
    std::fs::write(
        &scenario,
        text.replace(line, &format!("gpu_hour_usd = {price}")),
    )
    .unwrap();
    let json = dir.path().join("bands.json");
    let out = stdout_of(&[
        "run",
        scenario.to_str().unwrap(),
        "--sampling",
        "mc",
        "--runs",
        runs,
        "--no-progress",
        "--percentiles",
        percentiles,
        "--json",
        json.to_str().unwrap(),
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let cost = doc["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "compute_cost_usd")
        .unwrap()
        .clone();
    (out, cost)
}

fn widest_percentile_half_width(metric: &serde_json::Value) -> f64 {
    metric["percentiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["ci95_hi"].as_f64().unwrap() - p["ci95_lo"].as_f64().unwrap()) / 2.0)
        .fold(0.0, f64::max)
}

#[test]
fn the_rows_half_width_covers_the_mean_when_its_interval_holds() {
    // A wide but light-tailed price: a two-point mix whose mean is uncertain while P5 and P95
    // sit near the two points, where the runs crowd.
    let (_, cost) = run_with_price(
        r#"{ dist = "discrete", values = [1, 3], weights = [1, 1] }"#,
        "20000",
        "5,95",
    );
    assert_eq!(cost["mean"]["reliable"], true);
    let mean_half =
        cost["mean"]["ci95_hi"].as_f64().unwrap() - cost["mean"]["value"].as_f64().unwrap();
    assert!(mean_half > widest_percentile_half_width(&cost), "{cost}");
    let row = cost["ci95_half_width"].as_f64().unwrap();
    assert!(
        (row - mean_half).abs() <= 1e-9 * row,
        "{row} vs {mean_half}"
    );
}

#[test]
fn the_mean_of_a_heavy_tail_is_flagged_not_passed_off_as_95_percent() {
    // A lognormal price with σ = 2.5: the normal interval of the mean covers about 85% at
    // 20,000 runs, so it is marked and left out of the row's ±.
    let (out, cost) = run_with_price(
        r#"{ dist = "lognormal", mu = 0.0, sigma = 2.5 }"#,
        "20000",
        "5,50,95",
    );
    assert_eq!(cost["mean"]["reliable"], false);
    // serde_json parses a decimal to within an ulp or so (without its `float_roundtrip`
    // feature), so the ends read back may differ from those the row was computed from.
    let (row, widest) = (
        cost["ci95_half_width"].as_f64().unwrap(),
        widest_percentile_half_width(&cost),
    );
    assert!((row - widest).abs() <= 1e-12 * row, "{row} vs {widest}");
    let line = out
        .lines()
        .find(|l| l.starts_with("compute_cost_usd"))
        .unwrap();
    let mean = line.split_whitespace().nth(1).unwrap();
    assert!(mean.ends_with('*'), "{line}");
    assert!(out.contains("* on a mean"), "{out}");
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
