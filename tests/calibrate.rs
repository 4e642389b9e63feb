//! `flopcast calibrate` as forecast verification: scenario figures against their bands, and the
//! utilisation prior against reference runs held out of its fit (leave-one-out, time split).

use std::fs;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

mod common;
use common::{flopcast, names_in, path_str, stderr_of_failure, stdout_of};

// Scenarios ------------------------------------------------------------------------------------

/// 6 × params × tokens / (peak × 3600 s): GPU-hours × mfu for the scenarios below.
const WORK_GPU_HOURS: f64 = 6.0 * 405e9 * 15.6e12 / (989e12 * 3600.0);
const MFU_LO: f64 = 0.3;
const MFU_HI: f64 = 0.5;

/// A scenario whose only uncertainty is mfu ~ uniform(0.3, 0.5), so GPU-hours = work / mfu and
/// a published figure has a PIT we can choose: P(work / mfu ≤ y) = P(mfu ≥ work / y).
fn uniform_scenario(name: &str, published: &[(&str, f64)]) -> String {
    let mut text = format!(
        "name = \"{name}\"\n\n[model]\nparams = 405e9\ntokens = 15.6e12\n\n[cluster]\ngpus = 16384\npeak_tflops = 989\nmfu = {{ dist = \"uniform\", min = {MFU_LO}, max = {MFU_HI} }}\n\n[cost]\ngpu_hour_usd = 2\n"
    );
    for (metric, value) in published {
        text.push_str(&format!(
            "\n[[published]]\nmetric = \"{metric}\"\nvalue = {value:e}\nsource = \"a report\"\n"
        ));
    }
    text
}

/// The GPU-hours at which the forecast's PIT is `pit`.
fn gpu_hours_at_pit(pit: f64) -> f64 {
    WORK_GPU_HOURS / (MFU_HI - (MFU_HI - MFU_LO) * pit)
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(path).unwrap()).unwrap()
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

#[test]
fn pit_coverage_and_ratios_come_out_as_built() {
    let dir = TempDir::new().unwrap();
    // One in the 50% band, one in the 80% only, one in the 90% only, one outside.
    let pits = [0.3, 0.85, 0.93, 0.98];
    let files: Vec<PathBuf> = pits
        .iter()
        .enumerate()
        .map(|(i, &pit)| {
            let path = dir.path().join(format!("s{i}.toml"));
            let text = uniform_scenario(
                &format!("plan {i}"),
                &[("gpu_hours", gpu_hours_at_pit(pit))],
            );
            fs::write(&path, text).unwrap();
            path
        })
        .collect();
    let out_json = dir.path().join("cal.json");
    let mut args = vec!["calibrate", "--runs", "40k", "--json", path_str(&out_json)];
    args.extend(files.iter().map(|f| path_str(f)));
    let out = stdout_of(&args);
    let doc = json(&out_json);
    let forecasts = doc["forecasts"].as_array().unwrap();
    for (f, &pit) in forecasts.iter().zip(&pits) {
        // The Monte Carlo error of a PIT over 40k runs is below 0.0025.
        let got = f["pit"].as_f64().unwrap();
        assert!((got - pit).abs() < 0.01, "{got} vs {pit}");
    }
    let held: Vec<u64> = doc["summary"]["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["inside"].as_u64().unwrap())
        .collect();
    assert_eq!(held, [1, 2, 3]);
    assert!(out.contains("50% band held 1 of 4 (25%)"), "{out}");
    assert!(out.contains("90% band held 3 of 4 (75%)"), "{out}");
    // P95 of GPU-hours is work / (mfu's P5 = 0.31); the last figure is 0.31 / 0.304 above it.
    let expected = format!("{:.2}× above P95", 0.31 / (MFU_HI - 0.2 * 0.98));
    assert!(out.contains(&expected), "{expected}:\n{out}");
    assert!(!out.contains("P100"), "{out}");
    // Sharpness: P95/P5 = 0.49 / 0.31 for every scenario.
    assert!(out.contains("median P95/P5 1.58"), "{out}");
}

#[test]
fn several_figures_of_a_scenario_are_grouped_under_it() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("two.toml");
    let days = gpu_hours_at_pit(0.5) / 16384.0 / 24.0;
    let text = uniform_scenario(
        "two figures",
        &[("gpu_hours", gpu_hours_at_pit(0.5)), ("train_days", days)],
    );
    fs::write(&path, text).unwrap();
    let out = stdout_of(&["calibrate", path_str(&path), "--runs", "20k"]);
    let header = out
        .lines()
        .position(|l| l.starts_with("two figures"))
        .unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[header + 5].trim_start().starts_with("gpu_hours"),
        "{out}"
    );
    assert!(
        lines[header + 6].trim_start().starts_with("train_days"),
        "{out}"
    );
    assert!(out.contains("Summary over 2 published figures"), "{out}");
}

#[test]
fn scenario_csv_json_and_plots_are_written_together() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("s.toml");
    fs::write(
        &path,
        uniform_scenario("plan", &[("gpu_hours", gpu_hours_at_pit(0.6))]),
    )
    .unwrap();
    let (csv, json_path, plots) = (
        dir.path().join("c.csv"),
        dir.path().join("c.json"),
        dir.path().join("plots"),
    );
    stdout_of(&[
        "calibrate",
        path_str(&path),
        "--runs",
        "10k",
        "--csv",
        path_str(&csv),
        "--json",
        path_str(&json_path),
        "--plots",
        path_str(&plots),
    ]);
    let rows = csv_rows(&csv);
    assert_eq!(rows.len(), 2);
    for column in [
        "scenario",
        "pit",
        "ln_p50_over_published",
        "inside_80",
        "crps_ln",
        "source",
    ] {
        assert!(
            rows[0].iter().any(|h| h == column),
            "{column}: {:?}",
            rows[0]
        );
    }
    assert_eq!(json(&json_path)["verification"], "scenarios");
    assert_eq!(names_in(&plots), ["pit_histogram.svg", "reliability.svg"]);
}

// Reference runs -------------------------------------------------------------------------------

const HEADER: &str =
    "model,organisation,published,hardware,chips,params_active,tokens,chip_hours\n";

/// A reference row whose chip-hours imply utilisation `u` against the chip's 16-bit peak.
fn run_row(model: &str, date: &str, hardware: &str, chips: u32, params: f64, u: f64) -> String {
    let peak = match hardware {
        "A100" => 312.0,
        _ => 989.0,
    };
    let tokens = 2e12;
    let chip_hours = 6.0 * params * tokens / (u * peak * 1e12 * 3600.0);
    format!("{model},Lab,{date},{hardware},{chips},{params},{tokens},{chip_hours:.6e}\n")
}

/// Twelve runs from 2022 to 2023 whose utilisation wobbles by a few percent around 0.42 on
/// A100 and 0.35 on H100: a tight class.
fn steady_runs() -> String {
    let mut csv = String::new();
    for i in 0..12 {
        let (hw, u) = if i % 2 == 0 {
            ("A100", 0.42)
        } else {
            ("H100-SXM", 0.35)
        };
        let u = u * (1.0 + 0.04 * (i as f64 * 1.7).sin());
        let date = format!("{}-{:02}-01", 2022 + i / 6, 1 + 2 * (i % 6));
        csv.push_str(&run_row(
            &format!("Run {i}"),
            &date,
            hw,
            1024,
            7e9 * (1 + i % 3) as f64,
            u,
        ));
    }
    csv
}

fn write_csv(dir: &Path, body: &str) -> PathBuf {
    let path = dir.join("runs.csv");
    fs::write(&path, format!("{HEADER}{body}")).unwrap();
    path
}

fn forecast_of<'a>(doc: &'a serde_json::Value, model: &str) -> &'a serde_json::Value {
    doc["forecasts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["model"] == model)
        .unwrap_or_else(|| panic!("no forecast of {model}"))
}

#[test]
fn leave_one_out_forecasts_each_run_without_it() {
    let dir = TempDir::new().unwrap();
    // A run at a third of its class's utilisation, listed twice: left in, either copy would
    // vouch for the other and widen the fit; left out (both, as they share a name), the tight
    // class puts its chip-hours far above P95.
    let wild = run_row("Slow run", "2023-03-01", "A100", 1024, 7e9, 0.14);
    let csv = write_csv(dir.path(), &format!("{}{wild}{wild}", steady_runs()));
    let out_json = dir.path().join("loo.json");
    let out = stdout_of(&[
        "calibrate",
        "--leave-one-out",
        path_str(&csv),
        "--json",
        path_str(&out_json),
    ]);
    let doc = json(&out_json);
    assert_eq!(doc["verification"], "leave-one-out");
    assert_eq!(doc["forecasts"].as_array().unwrap().len(), 14);
    let slow = forecast_of(&doc, "Slow run");
    assert!(slow["pit"].as_f64().unwrap() > 0.9999, "{slow}");
    assert_eq!(slow["fitted_on"], 12);
    assert!(slow["published_over_p50"].as_f64().unwrap() > 2.5, "{slow}");
    assert_eq!(forecast_of(&doc, "Run 3")["fitted_on"], 13);
    let line = out.lines().find(|l| l.starts_with("Slow run")).unwrap();
    assert!(line.contains("× above P95"), "{line}");
    assert!(out.contains("Summary over 14 reference runs"), "{out}");
    assert!(out.contains("mean log score"), "{out}");
}

#[test]
fn a_time_split_fits_only_on_earlier_runs() {
    let dir = TempDir::new().unwrap();
    // Five runs from mid-2024 on at a third of the earlier utilisation. Fitted on the earlier
    // runs alone, every one of them lies far above P95; had they been in the fit, they would
    // have pulled its centre and spread towards themselves.
    let mut body = steady_runs();
    for i in 0..5 {
        body.push_str(&run_row(
            &format!("Late {i}"),
            &format!("2024-{:02}-01", 6 + i),
            "H100-SXM",
            2048,
            13e9,
            0.12 * (1.0 + 0.03 * i as f64),
        ));
    }
    let csv = write_csv(dir.path(), &body);
    let out_json = dir.path().join("split.json");
    let out = stdout_of(&[
        "calibrate",
        "--split-date",
        "2024-01-01",
        "--reference",
        path_str(&csv),
        "--json",
        path_str(&out_json),
    ]);
    assert!(
        out.contains("Fitted on the 12 runs published before 2024-01-01; each of the 5"),
        "{out}"
    );
    let doc = json(&out_json);
    assert_eq!(doc["split_date"], "2024-01-01");
    let forecasts = doc["forecasts"].as_array().unwrap();
    assert_eq!(forecasts.len(), 5);
    for f in forecasts {
        assert!(f["model"].as_str().unwrap().starts_with("Late"), "{f}");
        assert_eq!(f["fitted_on"], 12);
        assert!(f["pit"].as_f64().unwrap() > 0.999, "{f}");
    }
    assert_eq!(doc["summary"]["coverage"][2]["inside"], 0);
}

#[test]
fn a_split_with_too_few_runs_on_a_side_is_refused_and_writes_nothing() {
    let dir = TempDir::new().unwrap();
    let csv = write_csv(dir.path(), &steady_runs());
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    for date in ["2022-02-01", "2023-10-01"] {
        let err = stderr_of_failure(
            flopcast()
                .args([
                    "calibrate",
                    "--split-date",
                    date,
                    "--reference",
                    path_str(&csv),
                ])
                .args(["--csv", path_str(&out.join("c.csv"))])
                .args(["--json", path_str(&out.join("c.json"))])
                .args(["--plots", path_str(&out.join("plots"))]),
        );
        assert!(err.contains("the split needs at least"), "{err}");
        assert!(names_in(&out).is_empty(), "{date}: {:?}", names_in(&out));
    }
}

#[test]
fn an_undated_run_is_named_when_it_cannot_be_placed() {
    let dir = TempDir::new().unwrap();
    let undated = run_row("Undated", "", "A100", 512, 7e9, 0.4);
    let csv = write_csv(dir.path(), &format!("{}{undated}", steady_runs()));
    let split = stderr_of_failure(flopcast().args([
        "calibrate",
        "--split-date",
        "2023-01-01",
        "--reference",
        path_str(&csv),
    ]));
    assert!(
        split.contains("Undated (line 14) has no `published` date") && split.contains("2023-01-01"),
        "{split}"
    );
    let loo = stderr_of_failure(flopcast().args(["calibrate", "--leave-one-out", path_str(&csv)]));
    assert!(loo.contains("Undated (line 14)"), "{loo}");
}

#[test]
fn a_bad_row_is_a_located_error_and_nothing_is_written() {
    let dir = TempDir::new().unwrap();
    let body = steady_runs().replacen(",1024,", ",many,", 1);
    let csv = write_csv(dir.path(), &body);
    let out_csv = dir.path().join("c.csv");
    let out = flopcast()
        .args(["calibrate", "--leave-one-out", path_str(&csv)])
        .args(["--csv", path_str(&out_csv)])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("runs.csv:2:") && err.contains("many"), "{err}");
    assert!(!out_csv.exists());
}

#[test]
fn reference_csv_json_and_plots_hold_every_run() {
    let dir = TempDir::new().unwrap();
    let csv = write_csv(dir.path(), &steady_runs());
    let (out_csv, out_json, plots) = (
        dir.path().join("loo.csv"),
        dir.path().join("loo.json"),
        dir.path().join("plots"),
    );
    stdout_of(&[
        "calibrate",
        "--leave-one-out",
        path_str(&csv),
        "--csv",
        path_str(&out_csv),
        "--json",
        path_str(&out_json),
        "--plots",
        path_str(&plots),
    ]);
    let rows = csv_rows(&out_csv);
    assert_eq!(rows.len(), 13);
    let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    for row in &rows[1..] {
        let (p5, p50, p95): (f64, f64, f64) = (
            row[col("p5")].parse().unwrap(),
            row[col("p50")].parse().unwrap(),
            row[col("p95")].parse().unwrap(),
        );
        assert!(p5 < p50 && p50 < p95, "{row:?}");
        assert_eq!(row[col("metric")], "chip_hours");
        assert!(row[col("log_score")].parse::<f64>().is_ok(), "{row:?}");
    }
    let doc = json(&out_json);
    assert_eq!(doc["summary"]["n"], 12);
    assert_eq!(doc["summary"]["coverage"].as_array().unwrap().len(), 3);
    assert!(doc["summary"]["mean_crps_ln"].as_f64().unwrap() > 0.0);
    let svg = fs::read_to_string(plots.join("pit_histogram.svg")).unwrap();
    let parsed = roxmltree::Document::parse(&svg).unwrap();
    let total: u64 = parsed
        .descendants()
        .filter(|n| n.has_tag_name("rect"))
        .filter_map(|n| n.attribute("data-count"))
        .map(|c| c.parse::<u64>().unwrap())
        .sum();
    assert_eq!(total, 12);
    let svg = fs::read_to_string(plots.join("reliability.svg")).unwrap();
    assert!(roxmltree::Document::parse(&svg).is_ok());
}

#[test]
fn an_output_may_not_overwrite_the_reference_file() {
    let dir = TempDir::new().unwrap();
    let csv = write_csv(dir.path(), &steady_runs());
    let before = fs::read(&csv).unwrap();
    let err = stderr_of_failure(flopcast().args([
        "calibrate",
        "--leave-one-out",
        path_str(&csv),
        "--csv",
        path_str(&csv),
    ]));
    assert!(err.contains("would overwrite the input"), "{err}");
    assert_eq!(fs::read(&csv).unwrap(), before);
}

#[test]
fn flags_that_cannot_work_together_exit_2() {
    let dir = TempDir::new().unwrap();
    let csv = write_csv(dir.path(), &steady_runs());
    let csv = path_str(&csv);
    let cases: [&[&str]; 7] = [
        &["calibrate"],
        &["calibrate", common::LLAMA, "--leave-one-out"],
        &[
            "calibrate",
            "--leave-one-out",
            csv,
            "--split-date",
            "2023-01-01",
        ],
        &["calibrate", "--split-date", "2023-13-01"],
        &["calibrate", "--split-date", "2023"],
        &["calibrate", "--reference", csv],
        &["calibrate", "--leave-one-out", csv, "--runs", "1000"],
    ];
    for args in cases {
        flopcast().args(args).assert().code(2);
    }
}

#[test]
fn the_bundled_prior_holds_its_bands_out_of_sample() {
    // The acceptance figures of the fitted prior: leave-one-out over the bundled runs, the 90%
    // band covering 85–95% of them and the 50% band 40–60%.
    let dir = TempDir::new().unwrap();
    let out_json = dir.path().join("loo.json");
    stdout_of(&[
        "calibrate",
        "--leave-one-out",
        "--json",
        path_str(&out_json),
    ]);
    let doc = json(&out_json);
    let share = |i: usize| doc["summary"]["coverage"][i]["share"].as_f64().unwrap();
    assert!((0.40..=0.60).contains(&share(0)), "{}", doc["summary"]);
    assert!((0.85..=0.95).contains(&share(2)), "{}", doc["summary"]);
    let out = stdout_of(&["calibrate", "--split-date", "2024-01-01"]);
    assert!(out.contains("runs published before 2024-01-01"), "{out}");
}
