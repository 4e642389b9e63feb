//! What `run` writes: the summary CSV, the JSON document (one estimate shape in every
//! command's JSON) and the per-run CSV.

use std::fs;

use tempfile::TempDir;

mod common;
use common::*;

fn assert_csv_shape(csv: &SummaryCsv, header: &str) {
    assert_eq!(csv.header, header);
    let names: Vec<&str> = csv.rows.iter().map(|(m, _)| m.as_str()).collect();
    assert_eq!(names, METRICS);
    for (metric, values) in &csv.rows {
        assert!(values[1] >= 0.0, "{metric}: sd >= 0");
        // After the percentiles: the row's ±95% half-width and the least interval coverage.
        let (pct, tail) = values[2..].split_at(values.len() - 4);
        assert!(
            tail[0] >= 0.0 && (0.0..=1.0).contains(&tail[1]),
            "{metric}: {tail:?}"
        );
        assert!(
            pct.windows(2).all(|w| w[0] <= w[1]),
            "{metric}: percentiles must not decrease: {pct:?}"
        );
    }
}

#[test]
fn csv_has_the_default_percentile_columns_and_metric_rows() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("bands.csv");
    stdout_of(&["run", LLAMA, "--runs", "20000", "--csv", path_str(&path)]);
    let csv = read_summary_csv(&path);
    assert_csv_shape(
        &csv,
        "metric,mean,sd,p5,p10,p25,p50,p75,p90,p95,ci95_half_width,percentile_ci_min_coverage",
    );
    assert!(
        csv.row("train_days")[1] > 0.0,
        "train_days varies in this scenario"
    );
    assert_eq!(
        csv.row("train_flops")[1],
        0.0,
        "train_flops is fixed in this scenario"
    );
}

#[test]
fn csv_follows_the_requested_percentiles() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("bands.csv");
    stdout_of(&[
        "run",
        DEEPSEEK,
        "--runs",
        "20000",
        "--percentiles",
        "1,2.5,50,99",
        "--csv",
        path_str(&path),
    ]);
    assert_csv_shape(
        &read_summary_csv(&path),
        "metric,mean,sd,p1,p2.5,p50,p99,ci95_half_width,percentile_ci_min_coverage",
    );

    // Unsorted and repeated percentiles come out sorted and once.
    stdout_of(&[
        "run",
        DEEPSEEK,
        "--runs",
        "20000",
        "--percentiles",
        "99,50,1,50",
        "--csv",
        path_str(&path),
    ]);
    assert_csv_shape(
        &read_summary_csv(&path),
        "metric,mean,sd,p1,p50,p99,ci95_half_width,percentile_ci_min_coverage",
    );
}

#[test]
fn json_has_the_documented_fields() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("bands.json");
    stdout_of(&[
        "run",
        LLAMA,
        "--runs",
        "100000",
        "--seed",
        "9",
        "--json",
        path_str(&path),
    ]);
    let doc = read_json(&path);
    assert_eq!(doc["schema_version"], 3);
    assert_eq!(doc["flopcast_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(doc["scenario"]["name"], "Llama 3.1 405B pre-training");
    assert_eq!(doc["scenario"]["file"], LLAMA);
    assert_eq!(doc["seed"], 9);
    assert_eq!(doc["runs"], 100_000);
    let metrics = doc["metrics"].as_array().expect("metrics[]");
    let names: Vec<&str> = metrics
        .iter()
        .map(|m| m["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, METRICS);
    let units: Vec<&str> = metrics
        .iter()
        .map(|m| m["unit"].as_str().expect("unit"))
        .collect();
    assert_eq!(units, ["FLOP", "days", "GPU-hours", "USD", "USD", "USD"]);
    for m in metrics {
        let name = m["name"].as_str().unwrap();
        let (mean, mean_se, mean_lo, mean_hi) = estimate(&m["mean"], "mean");
        assert!(mean_lo <= mean && mean <= mean_hi, "{name}: {m}");
        let sd = num(&m["sd"], "sd");
        assert!(mean > 0.0 && mean_se >= 0.0 && sd >= 0.0, "{name}: {m}");
        assert!(
            mean_se <= sd,
            "{name}: the standard error of the mean is below the sd"
        );
        let pcts = m["percentiles"].as_array().expect("percentiles[]");
        let ps: Vec<f64> = pcts
            .iter()
            .map(|p| num(&p["percentile"], "percentile"))
            .collect();
        assert_eq!(ps, [5.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0], "{name}");
        for p in pcts {
            let (value, se, lo, hi) = estimate(p, "percentile");
            assert!(se >= 0.0, "{name}: {p}");
            assert!(
                lo <= value && value <= hi,
                "{name}: ci95_lo <= value <= ci95_hi: {p}"
            );
        }
    }
    assert!(doc.get("budget").is_none(), "no budget without --budget");
    assert!(doc.get("deadline").is_none());
    assert!(doc.get("within_budget_and_deadline").is_none());
}

#[test]
fn json_reports_budget_and_deadline_probabilities() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("bands.json");
    let out = stdout_of(&[
        "run",
        LLAMA,
        "--runs",
        "100000",
        "--budget",
        "110M",
        "--deadline",
        "80",
        "--json",
        path_str(&path),
    ]);
    let doc = read_json(&path);
    assert_eq!(num(&doc["budget"]["limit"], "budget.limit"), 110e6);
    assert_eq!(num(&doc["deadline"]["limit"], "deadline.limit"), 80.0);
    let budget = estimate(&doc["budget"]["chance"], "budget.chance").0;
    let deadline = estimate(&doc["deadline"]["chance"], "deadline.chance").0;
    let joint = estimate(&doc["within_budget_and_deadline"], "joint chance").0;
    assert_eq!(doc["within_budget_and_deadline"]["runs"], 100_000);
    for p in [budget, deadline, joint] {
        assert!(
            p > 0.0 && p < 1.0,
            "{p} is a probability strictly inside (0, 1) here"
        );
    }
    assert!(
        joint <= budget.min(deadline),
        "joint {joint} <= min({budget}, {deadline})"
    );
    // Both can fail together, so the joint chance is at least P(A) + P(B) - 1.
    assert!(joint >= budget + deadline - 1.0);
    // The terminal shows the same numbers.
    assert!(
        out.contains(&format!(
            "P(total_cost_usd <= $110.0M) = {:.2}% (95% CI ",
            100.0 * budget
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "P(train_days <= 80) = {:.2}% (95% CI ",
            100.0 * deadline
        )),
        "{out}"
    );
}

/// Every object with an interval, found anywhere in a JSON document.
fn intervals_in(v: &serde_json::Value, out: &mut Vec<serde_json::Value>) {
    match v {
        serde_json::Value::Object(o) => {
            // `calibrated_lo`/`_hi` bound the counts a calibrated forecast gives, not an estimate.
            let old_shape = |k: &str| {
                (k.ends_with("_lo") && !k.starts_with("calibrated_"))
                    || k.ends_with("_se")
                    || k == "probability"
            };
            if o.keys().any(|k| old_shape(k) || k.ends_with("_short")) {
                out.push(v.clone());
            }
            o.values().for_each(|x| intervals_in(x, out));
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| intervals_in(x, out)),
        _ => {}
    }
}

#[test]
fn every_interval_in_every_json_document_is_one_estimate() {
    let dir = TempDir::new().unwrap();
    let json = |name: &str| dir.path().join(name);
    let goals = ["--budget", "110M", "--deadline", "80"];
    let small = ["--runs", "3000", "--seed", "1"];
    let run = json("run.json");
    let mut args = vec!["run", LLAMA, "--json", path_str(&run)];
    args.extend(small.iter().chain(&goals));
    stdout_of(&args);
    let compare = json("compare.json");
    let mut args = vec!["compare", LLAMA, ARTICLE, "--json", path_str(&compare)];
    args.extend(small.iter().chain(&goals));
    stdout_of(&args);
    let sweep = json("sweep.json");
    let mut args = vec!["sweep", LLAMA, "--set", "cluster.gpus=8192,16384", "--json"];
    args.extend([path_str(&sweep)].iter().chain(&small));
    stdout_of(&args);
    let study = json("sensitivity.json");
    let mut args = vec![
        "sensitivity",
        LLAMA,
        "--sobol-n",
        "256",
        "--json",
        path_str(&study),
    ];
    args.extend(small.iter().chain(&goals));
    stdout_of(&args);
    let check = json("check.json");
    let mut args = vec!["check", LLAMA, "--json", path_str(&check)];
    args.extend(small);
    stdout_of(&args);
    let calibrate = json("calibrate.json");
    let mut args = vec!["calibrate", LLAMA, "--json", path_str(&calibrate)];
    args.extend(small);
    stdout_of(&args);
    for path in [run, compare, sweep, study, check, calibrate] {
        let mut found = Vec::new();
        intervals_in(&read_json(&path), &mut found);
        assert!(!found.is_empty(), "{}: no estimate", path.display());
        for e in &found {
            let what = format!("{} {e}", path.display());
            let (value, se, lo, hi) = estimate(e, &what);
            assert!(se >= 0.0 && lo <= value && value <= hi, "{what}");
            let extra: Vec<&String> = e
                .as_object()
                .unwrap()
                .keys()
                .filter(|k| {
                    !["value", "se", "ci95_lo", "ci95_hi", "reliable"].contains(&k.as_str())
                        && !["percentile", "ci_coverage", "hits", "runs"].contains(&k.as_str())
                })
                .collect();
            assert!(extra.is_empty(), "{what}: keys of another shape {extra:?}");
        }
    }
}

#[test]
fn samples_csv_has_one_row_per_run_with_inputs_and_outputs() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("runs.csv");
    stdout_of(&[
        "run",
        LLAMA,
        "--runs",
        "20000",
        "--samples-csv",
        path_str(&path),
    ]);
    let text = fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 20_001, "a header and one line per run");
    // Uncertain inputs in Input::ALL order (team.size = 50 is fixed), then every metric.
    assert_eq!(
        lines[0],
        "run,cluster.mfu,cluster.downtime,cost.gpu_hour_usd,team.salary_usd,team.months,\
         train_flops,train_days,gpu_hours,compute_cost_usd,labor_cost_usd,total_cost_usd"
    );
    let width = lines[0].split(',').count();
    for (i, line) in lines[1..].iter().enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), width, "{line}");
        assert_eq!(cells[0], (i + 1).to_string(), "runs are numbered from 1");
        let x: Vec<f64> = cells[1..].iter().map(|c| c.parse().unwrap()).collect();
        let (mfu, downtime, months) = (x[0], x[1], x[4]);
        assert!(
            (0.33..=0.45).contains(&mfu),
            "cluster.mfu {mfu} outside [0.33, 0.45] in run {}",
            i + 1
        );
        assert!(
            (0.02..=0.20).contains(&downtime),
            "cluster.downtime {downtime} in run {}",
            i + 1
        );
        assert!(
            (9.0..=15.0).contains(&months),
            "team.months {months} in run {}",
            i + 1
        );
        let (compute, labor, total) = (x[8], x[9], x[10]);
        assert_close("total = compute + labor", total, compute + labor, 1e-9);
    }
}
