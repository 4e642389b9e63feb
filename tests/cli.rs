//! End-to-end tests of the `flopcast` binary: exit codes, stdout, stderr and the files it writes.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use tempfile::TempDir;

mod common;
use common::{
    ARTICLE, DEEPSEEK, LLAMA, assert_bad_scenario, flopcast, path_str, stderr_of_failure, stdout_of,
};

const METRICS: [&str; 6] = [
    "train_flops",
    "train_days",
    "gpu_hours",
    "compute_cost_usd",
    "labor_cost_usd",
    "total_cost_usd",
];

/// A parsed summary CSV: the header and one (metric, values) row per line.
struct SummaryCsv {
    header: String,
    rows: Vec<(String, Vec<f64>)>,
}

fn read_summary_csv(path: &Path) -> SummaryCsv {
    let text = fs::read_to_string(path).expect("CSV written");
    let mut lines = text.lines();
    let header = lines.next().expect("a header").to_string();
    let columns = header.split(',').count();
    let rows = lines
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            assert_eq!(
                cells.len(),
                columns,
                "row {line:?} has as many cells as the header {header:?}"
            );
            let values = cells[1..]
                .iter()
                .map(|c| {
                    let x: f64 = c
                        .parse()
                        .unwrap_or_else(|_| panic!("`{c}` in {line:?} is a number"));
                    assert!(x.is_finite(), "`{c}` in {line:?} is finite");
                    x
                })
                .collect();
            (cells[0].to_string(), values)
        })
        .collect();
    SummaryCsv { header, rows }
}

impl SummaryCsv {
    fn row(&self, metric: &str) -> &[f64] {
        &self
            .rows
            .iter()
            .find(|(m, _)| m == metric)
            .unwrap_or_else(|| panic!("row {metric}"))
            .1
    }
}

fn assert_close(what: &str, got: f64, want: f64, rel: f64) {
    assert!(
        (got - want).abs() <= rel * want.abs(),
        "{what}: got {got}, want {want} (relative tolerance {rel})"
    );
}

// ---------------------------------------------------------------------------------------------
// 1. Reproducibility

#[test]
fn output_does_not_depend_on_the_thread_count() {
    let dir = TempDir::new().unwrap();
    let run = |threads: &str| {
        let csv = dir.path().join(format!("bands-{threads}.csv"));
        let json = dir.path().join(format!("bands-{threads}.json"));
        let stdout = stdout_of(&[
            "run",
            LLAMA,
            "--runs",
            "300000",
            "--threads",
            threads,
            "--budget",
            "110M",
            "--deadline",
            "80",
            "--csv",
            path_str(&csv),
            "--json",
            path_str(&json),
        ]);
        (stdout, fs::read(&csv).unwrap(), fs::read(&json).unwrap())
    };
    let (out1, csv1, json1) = run("1");
    let (out2, csv2, json2) = run("2");
    assert!(out1.contains("300,000 runs, seed 42"), "{out1}");
    assert_eq!(
        out1, out2,
        "stdout differs between --threads 1 and --threads 2"
    );
    assert_eq!(
        csv1, csv2,
        "--csv differs between --threads 1 and --threads 2"
    );
    assert_eq!(
        json1, json2,
        "--json differs between --threads 1 and --threads 2"
    );
    assert!(csv1.starts_with(b"metric,mean,sd,"));
    assert!(json1.starts_with(b"{"));
}

#[test]
fn samples_csv_does_not_depend_on_the_thread_count() {
    // 70,000 runs span two chunks of 65,536.
    let dir = TempDir::new().unwrap();
    let run = |threads: &str| {
        let path = dir.path().join(format!("runs-{threads}.csv"));
        stdout_of(&[
            "run",
            LLAMA,
            "--runs",
            "70000",
            "--threads",
            threads,
            "--samples-csv",
            path_str(&path),
        ]);
        fs::read(&path).unwrap()
    };
    let one = run("1");
    let two = run("2");
    assert_eq!(one.iter().filter(|&&b| b == b'\n').count(), 70_001);
    assert!(
        one == two,
        "--samples-csv differs between --threads 1 and --threads 2"
    );
}

#[test]
fn a_different_seed_gives_a_different_result() {
    let dir = TempDir::new().unwrap();
    let run = |seed: &str| {
        let path = dir.path().join(format!("seed-{seed}.csv"));
        let out = stdout_of(&[
            "run",
            LLAMA,
            "--runs",
            "50000",
            "--seed",
            seed,
            "--csv",
            path_str(&path),
        ]);
        assert!(out.contains(&format!("50,000 runs, seed {seed}")), "{out}");
        fs::read(&path).unwrap()
    };
    let a = run("42");
    let again = run("42");
    let b = run("7");
    assert_eq!(a, again, "the same seed gives the same CSV");
    assert_ne!(a, b, "seeds 42 and 7 give the same CSV");
}

// ---------------------------------------------------------------------------------------------
// 2. The article's arithmetic

#[test]
fn reproduces_the_articles_point_estimate() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("article.csv");
    let out = stdout_of(&["run", ARTICLE, "--csv", path_str(&path)]);
    assert!(
        out.starts_with("Llama 3.1 405B, the article's point estimate\n1,000 runs, seed 42\n"),
        "{out}"
    );
    let csv = read_summary_csv(&path);
    assert_eq!(
        csv.header,
        "metric,mean,sd,p5,p10,p25,p50,p75,p90,p95,ci95_half_width,percentile_ci_min_coverage"
    );
    // columns: mean, sd, p5, p10, p25, p50, ...
    let (mean, sd, p50) = (0, 1, 5);
    assert_close(
        "train_flops mean",
        csv.row("train_flops")[mean],
        3.7908e25,
        1e-12,
    );
    let days = csv.row("train_days")[p50];
    assert!(
        (days - 68.5546875).abs() <= 1e-9,
        "train_days P50 = {days}, want 68.5546875"
    );
    assert_close(
        "gpu_hours mean",
        csv.row("gpu_hours")[mean],
        26_325_000.0,
        1e-6,
    );
    assert_close(
        "compute_cost_usd mean",
        csv.row("compute_cost_usd")[mean],
        52_650_000.0,
        1e-6,
    );
    assert_close(
        "labor_cost_usd mean",
        csv.row("labor_cost_usd")[mean],
        25_000_000.0,
        1e-6,
    );
    assert_close(
        "total_cost_usd mean",
        csv.row("total_cost_usd")[mean],
        77_650_000.0,
        1e-6,
    );
    for (metric, values) in &csv.rows {
        assert_eq!(
            values[sd], 0.0,
            "{metric}: every run is the same, so sd = 0"
        );
        let percentiles = &values[2..values.len() - 2];
        for (i, v) in percentiles.iter().enumerate() {
            assert_close(&format!("{metric} percentile {i}"), *v, values[mean], 1e-12);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 3. CSV shape

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

// ---------------------------------------------------------------------------------------------
// 4. JSON shape

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(path).expect("JSON written")).expect("valid JSON")
}

fn num(v: &serde_json::Value, what: &str) -> f64 {
    v.as_f64()
        .unwrap_or_else(|| panic!("{what} is a number, got {v}"))
}

/// An estimate's value, standard error and interval, checking it has every field of one.
fn estimate(v: &serde_json::Value, what: &str) -> (f64, f64, f64, f64) {
    assert!(v["reliable"].is_boolean(), "{what}: `reliable` in {v}");
    (
        num(&v["value"], what),
        num(&v["se"], what),
        num(&v["ci95_lo"], what),
        num(&v["ci95_hi"], what),
    )
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

// ---------------------------------------------------------------------------------------------
// 5. Samples CSV

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

// ---------------------------------------------------------------------------------------------
// 6. Budget and deadline on the terminal

fn percent_after(line: &str) -> f64 {
    let value = line.split(" = ").nth(1).expect("` = ` in the line");
    value
        .split('%')
        .next()
        .unwrap()
        .parse()
        .expect("a percentage")
}

#[test]
fn budget_and_deadline_lines_on_stdout() {
    let out = stdout_of(&[
        "run",
        LLAMA,
        "--runs",
        "50000",
        "--budget",
        "110M",
        "--deadline",
        "80",
    ]);
    let find = |prefix: &str| {
        out.lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no line starting {prefix:?} in\n{out}"))
    };
    let budget = find("P(total_cost_usd <= $110.0M) = ");
    let deadline = find("P(train_days <= 80) = ");
    let joint = find("P(total_cost_usd <= $110.0M and train_days <= 80) = ");
    let (b, d, j) = (
        percent_after(budget),
        percent_after(deadline),
        percent_after(joint),
    );
    assert!(j <= b.min(d), "{joint}");
    assert!(
        budget.ends_with("%)") && budget.contains("% (95% CI "),
        "{budget}"
    );

    // The other spellings of the budget mean the same.
    for spelling in ["110e6", "$110M", "110000000"] {
        let other = stdout_of(&[
            "run",
            LLAMA,
            "--runs",
            "50000",
            "--budget",
            spelling,
            "--deadline",
            "80",
        ]);
        assert_eq!(other, out, "--budget {spelling}");
    }

    let plain = stdout_of(&["run", LLAMA, "--runs", "50000"]);
    assert!(
        !plain.contains("P(total_cost_usd"),
        "no goal lines without --budget:\n{plain}"
    );
}

// ---------------------------------------------------------------------------------------------
// 7. Bad scenario files

const GOOD: &str = r#"name = "test plan"

[model]
params = 405e9
tokens = 15.6e12

[cluster]
gpus = 16384
peak_tflops = 989
mfu = 0.4
downtime = 0.05

[cost]
gpu_hour_usd = 2

[team]
size = 50
salary_usd = 500e3
months = 12
"#;

/// GOOD with `from` (which must occur exactly once) replaced by `to`.
fn edit(from: &str, to: &str) -> String {
    assert_eq!(
        GOOD.matches(from).count(),
        1,
        "{from:?} occurs once in GOOD"
    );
    GOOD.replacen(from, to, 1)
}

/// 1-based line and column of `token` in the only line of `text` that contains `line_has`.
fn locate(text: &str, line_has: &str, token: &str) -> (usize, usize) {
    let found: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(line_has))
        .collect();
    assert_eq!(found.len(), 1, "{line_has:?} is on exactly one line");
    let (i, line) = found[0];
    let col = line
        .find(token)
        .unwrap_or_else(|| panic!("{token:?} in {line:?}"));
    (i + 1, line[..col].chars().count() + 1)
}

#[test]
fn the_good_base_scenario_is_valid() {
    let dir = TempDir::new().unwrap();
    let scenario = dir.path().join("plan.toml");
    fs::write(&scenario, GOOD).unwrap();
    let out = stdout_of(&["check", path_str(&scenario), "--runs", "1000"]);
    assert!(out.starts_with("test plan ("), "{out}");
    assert!(
        out.contains("(none: every input is a point value)"),
        "{out}"
    );
}

#[test]
fn toml_syntax_error() {
    let text = edit("mfu = 0.4", "mfu = = 0.4");
    assert_bad_scenario(
        &text,
        locate(&text, "mfu = = 0.4", "= 0.4"),
        &["invalid TOML syntax", "mfu = = 0.4", "expected"],
    );
}

#[test]
fn unknown_key_in_cluster_misspelling_a_required_key() {
    let text = edit("mfu = 0.4", "mfuu = 0.4");
    assert_bad_scenario(
        &text,
        locate(&text, "mfuu", "mfuu"),
        &[
            "unknown key `cluster.mfuu`",
            "did you mean `mfu`",
            "allowed here: gpus, gpu, precision, peak_tflops, mfu, year, downtime",
        ],
    );
}

#[test]
fn unknown_key_in_cluster_misspelling_an_optional_key() {
    let text = edit("downtime = 0.05", "downtme = 0.05");
    assert_bad_scenario(
        &text,
        locate(&text, "downtme", "downtme"),
        &[
            "unknown key `cluster.downtme` in [cluster]",
            "did you mean `downtime`",
            "allowed here: gpus, gpu, precision, peak_tflops, mfu, year, downtime",
        ],
    );
}

#[test]
fn unknown_top_level_section() {
    let text = format!("{GOOD}\n[simulaton]\nruns = 1000\n");
    assert_bad_scenario(
        &text,
        locate(&text, "[simulaton]", "simulaton"),
        &["unknown key `simulaton`", "did you mean `simulation`"],
    );

    let text = format!("{GOOD}\n[hardware]\nnodes = 4\n");
    assert_bad_scenario(
        &text,
        locate(&text, "[hardware]", "hardware"),
        &[
            "unknown key `hardware`",
            "allowed here: name, description, model, cluster, cost, team, failures, correlation, published, simulation",
        ],
    );
}

#[test]
fn unknown_distribution_family() {
    let text = edit(
        "mfu = 0.4",
        r#"mfu = { dist = "pertt", min = 0.3, mode = 0.4, max = 0.5 }"#,
    );
    assert_bad_scenario(
        &text,
        locate(&text, "pertt", "\"pertt\""),
        &[
            "`cluster.mfu`",
            "unknown distribution \"pertt\"",
            "dist is one of:",
            "pert",
            "triangular",
        ],
    );
}

#[test]
fn pert_mode_outside_min_max_points_at_mode() {
    let text = edit(
        "mfu = 0.4",
        r#"mfu = { dist = "pert", min = 0.3, mode = 0.6, max = 0.5 }"#,
    );
    assert_bad_scenario(
        &text,
        locate(&text, "pert", "0.6"),
        &["`cluster.mfu`", "pert", "mode", "[min, max]"],
    );
}

#[test]
fn normal_mfu_without_an_upper_bound() {
    let text = edit(
        "mfu = 0.4",
        r#"mfu = { dist = "normal", mean = 0.4, sd = 0.05, lower = 0.2 }"#,
    );
    assert_bad_scenario(
        &text,
        locate(&text, "normal", "{"),
        &[
            "`cluster.mfu` must be in (0, 1]",
            "normal distribution can take values up to inf",
            "add `upper = 1`",
        ],
    );
}

#[test]
fn normal_mfu_without_any_bound() {
    let text = edit(
        "mfu = 0.4",
        r#"mfu = { dist = "normal", mean = 0.4, sd = 0.05 }"#,
    );
    assert_bad_scenario(
        &text,
        locate(&text, "normal", "{"),
        &[
            "`cluster.mfu` must be in (0, 1]",
            "normal distribution",
            "help:",
        ],
    );
}

#[test]
fn mfu_written_as_a_percentage() {
    let text = edit("mfu = 0.4", "mfu = 40");
    assert_bad_scenario(
        &text,
        locate(&text, "mfu = 40", "40"),
        &[
            "`cluster.mfu` must be in (0, 1], got 40",
            "is a fraction: 40% is written 0.40",
        ],
    );
}

#[test]
fn downtime_of_one() {
    let text = edit("downtime = 0.05", "downtime = 1");
    assert_bad_scenario(
        &text,
        locate(&text, "downtime = 1", "1"),
        &["`cluster.downtime` must be in [0, 1), got 1", "fraction"],
    );
}

#[test]
fn negative_gpus() {
    let text = edit("gpus = 16384", "gpus = -16384");
    assert_bad_scenario(
        &text,
        locate(&text, "gpus = -16384", "-16384"),
        &["`cluster.gpus` must be > 0, got -16384"],
    );
}

#[test]
fn nan_and_infinity() {
    for (from, to, key) in [
        ("gpus = 16384", "gpus = nan", "cluster.gpus"),
        (
            "peak_tflops = 989",
            "peak_tflops = inf",
            "cluster.peak_tflops",
        ),
        (
            "peak_tflops = 989",
            "peak_tflops = -inf",
            "cluster.peak_tflops",
        ),
        ("tokens = 15.6e12", "tokens = +inf", "model.tokens"),
    ] {
        let text = edit(from, to);
        let value = to.rsplit(" = ").next().unwrap();
        assert_bad_scenario(
            &text,
            locate(&text, to, value),
            &[
                &format!("`{key}` must be a finite number"),
                "NaN and infinity are not allowed",
            ],
        );
    }
    let text = edit(
        "mfu = 0.4",
        r#"mfu = { dist = "pert", min = 0.3, mode = nan, max = 0.5 }"#,
    );
    assert_bad_scenario(
        &text,
        locate(&text, "pert", "nan"),
        &[
            "`cluster.mfu.mode` must be a finite number",
            "NaN and infinity",
        ],
    );
}

#[test]
fn range_with_a_above_b() {
    let text = edit("gpu_hour_usd = 2", r#"gpu_hour_usd = "3.5 to 1.8""#);
    assert_bad_scenario(
        &text,
        locate(&text, "3.5 to 1.8", "\"3.5"),
        &[
            "`cost.gpu_hour_usd`",
            "\"3.5 to 1.8\" needs 0 < A < B",
            "\"1.8 to 3.5\"",
        ],
    );
}

#[test]
fn missing_cost_section() {
    let text = edit("[cost]\ngpu_hour_usd = 2\n", "");
    assert_bad_scenario(
        &text,
        (1, 1),
        &["missing section [cost]", "[cost] takes: gpu_hour_usd"],
    );
}

#[test]
fn missing_required_key() {
    let text = edit("tokens = 15.6e12\n", "");
    assert_bad_scenario(
        &text,
        locate(&text, "[model]", "[model]"),
        &["missing `model.tokens`", "add a line `tokens = ...`"],
    );
}

#[test]
fn wrong_type() {
    let text = edit("gpus = 16384", r#"gpus = "many""#);
    assert_bad_scenario(
        &text,
        locate(&text, "many", "\"many\""),
        &["`cluster.gpus`", "\"many\"", "\"A to B\""],
    );

    let text = edit("gpus = 16384", "gpus = true");
    assert_bad_scenario(
        &text,
        locate(&text, "gpus = true", "true"),
        &[
            "`cluster.gpus` must be a number or a distribution, found a boolean",
            "{ dist = ... }",
        ],
    );
}

#[test]
fn active_params_above_params() {
    let text = edit(
        "tokens = 15.6e12\n",
        "tokens = 15.6e12\nactive_params = 500e9\n",
    );
    assert_bad_scenario(
        &text,
        locate(&text, "active_params", "500e9"),
        &[
            "`model.active_params` exceeds `model.params`",
            "cannot exceed params",
        ],
    );
}

#[test]
fn team_with_both_months_and_months_before() {
    let text = edit("months = 12\n", "months = 12\nmonths_before = 3\n");
    assert_bad_scenario(
        &text,
        locate(&text, "months = 12", "12"),
        &[
            "`team.months` cannot be combined with `team.months_before`",
            "months_before",
            "help:",
        ],
    );
}

#[test]
fn missing_scenario_file() {
    let dir = TempDir::new().unwrap();
    let scenario = dir.path().join("no-such-plan.toml");
    let csv = dir.path().join("out.csv");
    let stderr =
        stderr_of_failure(flopcast().args(["run", path_str(&scenario), "--csv", path_str(&csv)]));
    assert!(
        stderr.starts_with("error: cannot read scenario file "),
        "{stderr}"
    );
    assert!(stderr.contains(path_str(&scenario)), "{stderr}");
    assert!(!csv.exists());
    let stderr = stderr_of_failure(flopcast().args(["check", path_str(&scenario)]));
    assert!(stderr.contains(path_str(&scenario)), "{stderr}");
}

#[test]
fn directory_given_as_scenario() {
    let dir = TempDir::new().unwrap();
    let csv = dir.path().join("out.csv");
    let stderr =
        stderr_of_failure(flopcast().args(["run", path_str(dir.path()), "--csv", path_str(&csv)]));
    assert!(
        stderr.starts_with("error: cannot read scenario file "),
        "{stderr}"
    );
    assert!(stderr.contains(path_str(dir.path())), "{stderr}");
    assert!(!csv.exists());
}

// ---------------------------------------------------------------------------------------------
// 8. Output files are never clobbered

#[test]
fn a_failed_run_keeps_the_previous_output_file() {
    let dir = TempDir::new().unwrap();
    let csv = dir.path().join("bands.csv");
    stdout_of(&["run", LLAMA, "--runs", "20000", "--csv", path_str(&csv)]);
    let before = fs::read(&csv).unwrap();
    assert!(before.starts_with(b"metric,mean,sd,"));

    let bad = dir.path().join("bad.toml");
    fs::write(&bad, edit("mfu = 0.4", "mfu = 40")).unwrap();
    stderr_of_failure(flopcast().args([
        "run",
        path_str(&bad),
        "--runs",
        "20000",
        "--csv",
        path_str(&csv),
    ]));
    assert_eq!(
        fs::read(&csv).unwrap(),
        before,
        "the CSV changed after a failed run"
    );

    // Nor does a bad flag touch it.
    flopcast()
        .args(["run", LLAMA, "--runs", "0", "--csv", path_str(&csv)])
        .assert()
        .failure();
    assert_eq!(fs::read(&csv).unwrap(), before);
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "no temporary files left: {names:?}");
}

#[test]
fn an_unwritable_output_path_fails_before_simulating() {
    let missing = "/nonexistent-dir/x.csv";
    for flag in ["--csv", "--json", "--samples-csv", "--markdown"] {
        let stderr =
            stderr_of_failure(flopcast().args(["run", LLAMA, "--runs", "20000", flag, missing]));
        assert!(
            stderr.starts_with(&format!("error: cannot write {missing}")),
            "{flag}: {stderr}"
        );
        assert!(stderr.contains("/nonexistent-dir"), "{stderr}");
    }
    // Checked before anything else: even a run far too large to simulate reports the path.
    let stderr =
        stderr_of_failure(flopcast().args(["run", LLAMA, "--runs", "1e15", "--csv", missing]));
    assert!(
        stderr.contains(missing) && !stderr.contains("memory"),
        "{stderr}"
    );

    // A directory is not a file either.
    let dir = TempDir::new().unwrap();
    let stderr = stderr_of_failure(flopcast().args([
        "run",
        LLAMA,
        "--runs",
        "20000",
        "--csv",
        path_str(dir.path()),
    ]));
    assert!(
        stderr.contains(path_str(dir.path())) && stderr.contains("directory"),
        "{stderr}"
    );
}

// ---------------------------------------------------------------------------------------------
// 9. Bad flags

fn assert_usage_error(args: &[&str], expect: &str) {
    let out = flopcast().args(args).assert().code(2).get_output().clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
    assert!(
        stderr.contains(expect),
        "{args:?}: expected {expect:?} in {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_flags_are_usage_errors() {
    assert_usage_error(
        &["run", LLAMA, "--runs", "0"],
        "whole number from 1 to 1e15",
    );
    assert_usage_error(
        &["run", LLAMA, "--runs", "abc"],
        "`abc` is not a number of runs",
    );
    assert_usage_error(&["run", LLAMA, "--runs", "1.5"], "whole number");
    assert_usage_error(
        &["run", LLAMA, "--percentiles", "0,50"],
        "percentile 0 is outside (0, 100)",
    );
    assert_usage_error(
        &["run", LLAMA, "--percentiles", "50,100"],
        "outside (0, 100)",
    );
    assert_usage_error(
        &["run", LLAMA, "--percentiles", "5,abc"],
        "`abc` is not a number",
    );
    assert_usage_error(
        &["run", LLAMA, "--budget=-3"],
        "`-3` is not a positive number",
    );
    assert_usage_error(
        &["run", LLAMA, "--budget", "-3"],
        "`-3` is not a positive number",
    );
    assert_usage_error(&["run", LLAMA, "--threads", "1000"], "1000");
    assert_usage_error(
        &["run", LLAMA, "--deadline", "0"],
        "`0` is not a positive number",
    );
    assert_usage_error(&["run", LLAMA, "--frobnicate"], "--frobnicate");
    assert_usage_error(
        &["check", LLAMA, "--runs", "0"],
        "whole number from 1 to 1e15",
    );
    assert_usage_error(&["run"], "<SCENARIO>");
    assert_usage_error(&["launch", LLAMA], "launch");
}

// ---------------------------------------------------------------------------------------------
// 10. Too large

#[test]
fn too_many_runs_are_refused_without_allocating() {
    for cmd in ["run", "check"] {
        let start = Instant::now();
        let stderr = stderr_of_failure(flopcast().args([cmd, LLAMA, "--runs", "1e15"]));
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{cmd} took {:?}",
            start.elapsed()
        );
        assert!(
            stderr.starts_with("error: 1000000000000000 runs would need about"),
            "{cmd}: {stderr}"
        );
        assert!(
            stderr.contains("memory") && stderr.contains("--runs"),
            "{cmd}: {stderr}"
        );
    }
    assert_usage_error(
        &["run", LLAMA, "--runs", "2e15"],
        "whole number from 1 to 1e15",
    );
}

// ---------------------------------------------------------------------------------------------
// 11. Help

#[test]
fn help_shows_examples() {
    for args in [&["--help"][..], &["run", "--help"], &["check", "--help"]] {
        let out = stdout_of(args);
        assert!(out.contains("Examples:"), "{args:?}:\n{out}");
        assert!(out.contains("flopcast "), "{args:?}:\n{out}");
    }
    let run_help = stdout_of(&["run", "--help"]);
    for flag in [
        "--runs",
        "--seed",
        "--threads",
        "--percentiles",
        "--budget",
        "--deadline",
        "--csv",
        "--samples-csv",
        "--json",
    ] {
        assert!(run_help.contains(flag), "run --help lists {flag}");
    }
    let version = stdout_of(&["--version"]);
    assert_eq!(
        version.trim(),
        format!("flopcast {}", env!("CARGO_PKG_VERSION"))
    );
}

// ---------------------------------------------------------------------------------------------
// 12. check

#[test]
fn check_describes_inputs_and_the_flaw_of_averages() {
    let out = stdout_of(&["check", LLAMA, "--runs", "50000"]);
    assert!(
        out.starts_with(&format!("Llama 3.1 405B pre-training ({LLAMA}): valid\n")),
        "{out}"
    );
    for key in [
        "cluster.mfu",
        "cluster.downtime",
        "cost.gpu_hour_usd",
        "team.salary_usd",
        "team.months",
    ] {
        assert!(
            out.contains(&format!("\n  {key} = ")),
            "{key} listed:\n{out}"
        );
    }
    assert!(
        out.contains("\n  team.size = 50"),
        "a fixed input is listed as fixed:\n{out}"
    );
    assert!(out.contains("(default)"), "defaults are marked:\n{out}");
    assert!(out.contains("mean of 50,000 simulated runs"), "{out}");
    assert!(
        out.contains("at means") && out.contains("MC mean") && out.contains("at medians"),
        "{out}"
    );
    for metric in [
        "train_days",
        "gpu_hours",
        "compute_cost_usd",
        "labor_cost_usd",
        "total_cost_usd",
    ] {
        assert!(
            out.lines().any(|l| l.trim_start().starts_with(metric)),
            "{metric} row:\n{out}"
        );
    }
    assert!(
        !out.contains("Labor is paid for"),
        "labor is a fixed project length here:\n{out}"
    );
}

#[test]
fn check_says_when_labor_follows_the_run() {
    let out = stdout_of(&["check", DEEPSEEK, "--runs", "50000"]);
    assert!(out.contains(": valid\n"), "{out}");
    assert!(
        out.contains("Labor is paid for months_before + the training run + months_after."),
        "{out}"
    );
    assert!(
        out.contains("team.months_before = ") && out.contains("team.months_after = "),
        "{out}"
    );
    assert!(
        !out.contains("team.months = "),
        "months is unused when labor follows the run:\n{out}"
    );
}

#[test]
fn check_is_reproducible() {
    let a = stdout_of(&["check", DEEPSEEK, "--runs", "50000", "--threads", "1"]);
    let b = stdout_of(&["check", DEEPSEEK, "--runs", "50000", "--threads", "2"]);
    assert_eq!(a, b);
}

#[test]
fn one_file_cannot_take_two_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.csv");
    let out = path_str(&out);
    let err = stderr_of_failure(flopcast().args([
        "run",
        LLAMA,
        "--runs",
        "1000",
        "--csv",
        out,
        "--samples-csv",
        out,
    ]));
    assert!(err.contains("given for two outputs"), "{err}");
    assert!(!dir.path().join("x.csv").exists());
}
