//! End-to-end tests of `sensitivity`, `sweep` and `compare`.

use std::fs;

use tempfile::TempDir;

mod common;
use common::{DEEPSEEK, FAILURES, LLAMA, flopcast, stdout_of};

fn failure(args: &[&str]) -> String {
    let out = flopcast()
        .args(args)
        .assert()
        .failure()
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!err.contains("panicked"), "{err}");
    err
}

fn csv_rows(path: &std::path::Path) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

// Sensitivity ------------------------------------------------------------------------------

#[test]
fn sensitivity_ranks_the_llama_drivers() {
    let out = stdout_of(&["sensitivity", LLAMA, "--runs", "50k", "--sobol-n", "8192"]);
    let first_row = out
        .lines()
        .skip_while(|l| !l.starts_with("---"))
        .nth(1)
        .unwrap();
    assert!(first_row.starts_with("cost.gpu_hour_usd"), "{out}");
    assert!(out.contains("train_days         cluster.mfu"), "{out}");
    assert!(
        out.contains("compute_cost_usd   cost.gpu_hour_usd"),
        "{out}"
    );
    assert!(out.contains("train_flops        (constant"), "{out}");
}

/// Price spans a factor 10, salary a factor 1.1, and nothing else varies: every measure must
/// put price first.
const KNOWN_ORDER: &str = r#"
[model]
params = 1e11
tokens = 1e13
[cluster]
gpus = 1000
peak_tflops = 1000
mfu = 0.4
[cost]
gpu_hour_usd = { dist = "uniform", min = 1, max = 10 }
[team]
size = 10
salary_usd = { dist = "uniform", min = 100e3, max = 110e3 }
months = 12
"#;

#[test]
fn every_measure_ranks_a_known_order() {
    let dir = TempDir::new().unwrap();
    let scenario = dir.path().join("known.toml");
    fs::write(&scenario, KNOWN_ORDER).unwrap();
    let csv = dir.path().join("s.csv");
    stdout_of(&[
        "sensitivity",
        scenario.to_str().unwrap(),
        "--runs",
        "20k",
        "--sobol-n",
        "4096",
        "--csv",
        csv.to_str().unwrap(),
    ]);
    let rows = csv_rows(&csv);
    let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    assert_eq!(rows[1][0], "cost.gpu_hour_usd");
    assert_eq!(rows[2][0], "team.salary_usd");
    let num = |r: usize, name: &str| rows[r][col(name)].parse::<f64>().unwrap();
    for measure in ["st", "s1", "spearman", "spearman_sq_share"] {
        assert!(num(1, measure) > num(2, measure), "{measure}");
    }
    let swing = |r: usize| (num(r, "tornado_high") - num(r, "tornado_low")).abs();
    assert!(swing(1) > swing(2));
}

#[test]
fn sensitivity_files_have_their_columns_and_do_not_depend_on_threads() {
    let dir = TempDir::new().unwrap();
    let run = |threads: &str| {
        let csv = dir.path().join(format!("s{threads}.csv"));
        let json = dir.path().join(format!("s{threads}.json"));
        let out = stdout_of(&[
            "sensitivity",
            LLAMA,
            "--runs",
            "30k",
            "--sobol-n",
            "4096",
            "--budget",
            "110M",
            "--threads",
            threads,
            "--csv",
            csv.to_str().unwrap(),
            "--json",
            json.to_str().unwrap(),
        ]);
        (out, fs::read(csv).unwrap(), fs::read(json).unwrap())
    };
    let one = run("1");
    assert_eq!(one, run("2"));
    let header = String::from_utf8(one.1.clone())
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert!(header.starts_with(
        "input,s1,s1_lo,s1_hi,st,st_lo,st_hi,spearman,spearman_sq_share,tornado_low,tornado_high"
    ));
    assert!(
        header.ends_with("budget_p_exceed_high_quartile"),
        "{header}"
    );
    let json: serde_json::Value = serde_json::from_slice(&one.2).unwrap();
    assert_eq!(json["inputs"].as_array().unwrap().len(), 5);
    let top = &json["inputs"][0];
    let st = &top["st"];
    assert!(st["ci95_lo"].as_f64().unwrap() <= st["value"].as_f64().unwrap());
    assert!(st["value"].as_f64().unwrap() <= st["ci95_hi"].as_f64().unwrap());
    assert!(st["se"].as_f64().unwrap() > 0.0 && st["reliable"] == true);
    assert!(json["budget"]["p_exceed"].as_f64().unwrap() > 0.0);
    assert!(one.0.contains("What drives P(total_cost_usd > $110.0M)"));
}

#[test]
fn sensitivity_of_point_values_is_refused_clearly() {
    let err = failure(&["sensitivity", "scenarios/llama-3.1-405b-article.toml"]);
    assert!(err.contains("nothing to analyse"), "{err}");
    let err = failure(&["sensitivity", LLAMA, "--metric", "cost"]);
    assert!(err.contains("total_cost_usd"), "{err}");
}

// Sweep ------------------------------------------------------------------------------------

#[test]
fn a_sweep_over_one_value_reproduces_run_exactly() {
    let dir = TempDir::new().unwrap();
    let run_csv = dir.path().join("run.csv");
    let sweep_csv = dir.path().join("sweep.csv");
    stdout_of(&[
        "run",
        LLAMA,
        "--runs",
        "100k",
        "--csv",
        run_csv.to_str().unwrap(),
    ]);
    stdout_of(&[
        "sweep",
        LLAMA,
        "--runs",
        "100k",
        "--set",
        "cluster.gpus=16384",
        "--csv",
        sweep_csv.to_str().unwrap(),
    ]);
    let run = csv_rows(&run_csv);
    let sweep = csv_rows(&sweep_csv);
    assert_eq!(sweep.len(), 2, "one point");
    for row in &run[1..] {
        // The sweep carries the mean, sd and percentiles of each point, not the run's
        // Monte Carlo error columns.
        let stats = run[0]
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, s)| *s != "ci95_half_width" && *s != "percentile_ci_min_coverage");
        for (j, stat) in stats {
            let column = format!("{}_{stat}", row[0]);
            let k = sweep[0]
                .iter()
                .position(|h| *h == column)
                .unwrap_or_else(|| panic!("{column}"));
            assert_eq!(sweep[1][k], row[j], "{column}");
        }
    }
}

#[test]
fn a_grid_sweep_has_one_row_per_point_on_common_random_numbers() {
    let dir = TempDir::new().unwrap();
    let csv = dir.path().join("grid.csv");
    let out = stdout_of(&[
        "sweep",
        DEEPSEEK,
        "--runs",
        "20k",
        "--set",
        "cluster.gpus=1024,2048",
        "--set",
        "cost.gpu_hour_usd=2,1.5 to 3",
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(
        out.contains("sweep of cluster.gpus × cost.gpu_hour_usd"),
        "{out}"
    );
    let rows = csv_rows(&csv);
    assert_eq!(rows.len(), 5);
    assert_eq!(
        rows[0][..2],
        ["cluster.gpus".to_string(), "cost.gpu_hour_usd".to_string()]
    );
    assert_eq!(
        (rows[1][0].as_str(), rows[2][1].as_str()),
        ("1024", "1.5 to 3")
    );
    // Common random numbers: with the price fixed at $2, doubling the GPUs halves the days
    // of every single run, so every percentile halves exactly (up to rounding).
    let days = rows[0].iter().position(|h| h == "train_days_p50").unwrap();
    let d1024: f64 = rows[1][days].parse().unwrap();
    let d2048: f64 = rows[3][days].parse().unwrap();
    assert!((d1024 / d2048 - 2.0).abs() < 1e-9, "{d1024} vs {d2048}");
}

#[test]
fn sweep_values_are_checked_like_a_scenario_file() {
    let err = failure(&["sweep", LLAMA, "--set", "cluster.mfu=0.4,40"]);
    assert!(
        err.contains("--set cluster.mfu") && err.contains("must be in (0, 1]"),
        "{err}"
    );
    let err = failure(&["sweep", LLAMA, "--set", "cluster.mfuu=0.4"]);
    assert!(
        err.contains("not an input") && err.contains("cluster.mfu"),
        "{err}"
    );
    let err = failure(&["sweep", LLAMA]);
    assert!(err.contains("--set"), "{err}");
    let err = failure(&["sweep", LLAMA, "--set", "team.months_before=3"]);
    assert!(err.contains("plays no part"), "{err}");
}

// Compare ----------------------------------------------------------------------------------

#[test]
fn a_scenario_compared_with_itself_differs_by_exactly_zero() {
    let dir = TempDir::new().unwrap();
    let csv = dir.path().join("c.csv");
    let out = stdout_of(&[
        "compare",
        LLAMA,
        LLAMA,
        "--runs",
        "50k",
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(
        out.contains("P(B cheaper than A) = none: identical in every run"),
        "{out}"
    );
    let rows = csv_rows(&csv);
    assert_eq!(rows.len(), 1 + 6 * 3);
    for row in rows.iter().filter(|r| r[1] == "B-A") {
        assert!(row[2..].iter().all(|v| v == "0"), "{row:?}");
    }
}

#[test]
fn compare_pairs_runs_on_shared_inputs() {
    // B pays 10% more per GPU-hour and nothing else changes: on common random numbers B is
    // dearer in every single run and never faster.
    let dir = TempDir::new().unwrap();
    let b = dir.path().join("b.toml");
    let text = fs::read_to_string(format!("{}/{LLAMA}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    fs::write(
        &b,
        text.replace(
            r#"gpu_hour_usd = "1.8 to 3.5""#,
            r#"gpu_hour_usd = "1.98 to 3.85""#,
        ),
    )
    .unwrap();
    let json = dir.path().join("c.json");
    let out = stdout_of(&[
        "compare",
        LLAMA,
        b.to_str().unwrap(),
        "--runs",
        "50k",
        "--json",
        json.to_str().unwrap(),
    ]);
    assert!(
        out.contains("P(B cheaper than A) = 0% (none of 50000 runs"),
        "{out}"
    );
    let doc: serde_json::Value = serde_json::from_slice(&fs::read(json).unwrap()).unwrap();
    assert_eq!(doc["p_b_cheaper"]["value"].as_f64(), Some(0.0));
    assert_eq!(doc["p_b_faster"]["value"].as_f64(), Some(0.0));
    let compute = doc["difference"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "compute_cost_usd")
        .unwrap();
    assert_eq!(compute["percentiles"][0]["percentile"].as_f64(), Some(5.0));
    assert!(
        compute["percentiles"][0]["value"].as_f64().unwrap() > 0.0,
        "B − A > 0 even at P5"
    );
}

// Failure process ------------------------------------------------------------------------------

#[test]
fn simulated_interruptions_are_reproducible_and_reported() {
    let dir = TempDir::new().unwrap();
    let run = |threads: &str| {
        let csv = dir.path().join(format!("f{threads}.csv"));
        let out = stdout_of(&[
            "run",
            FAILURES,
            "--runs",
            "70k",
            "--threads",
            threads,
            "--csv",
            csv.to_str().unwrap(),
        ]);
        (out, fs::read(csv).unwrap())
    };
    let one = run("1");
    assert_eq!(one, run("2"));
    let rows = csv_rows(&dir.path().join("f1.csv"));
    let names: Vec<&str> = rows.iter().skip(1).map(|r| r[0].as_str()).collect();
    assert!(
        names.contains(&"interruptions") && names.contains(&"effective_time_ratio"),
        "{names:?}"
    );
    // Llama 3 saw 419 unexpected interruptions in 54 days: hundreds over a whole run.
    let interruptions = rows.iter().find(|r| r[0] == "interruptions").unwrap();
    let median: f64 = interruptions[rows[0].iter().position(|h| h == "p50").unwrap()]
        .parse()
        .unwrap();
    assert!((300.0..1500.0).contains(&median), "{median}");
}

#[test]
fn sensitivity_and_sweep_see_the_failure_inputs() {
    let out = stdout_of(&[
        "sensitivity",
        FAILURES,
        "--metric",
        "train_days",
        "--runs",
        "20k",
        "--sobol-n",
        "2048",
    ]);
    assert!(
        out.contains("failures.rate_per_gpu_hour") && out.contains("failures.luck"),
        "{out}"
    );
    assert!(out.contains("interruptions"), "{out}");
    // Four times the GPUs: four times the interruption rate over a run a quarter as long, so
    // about as many interruptions, each now a larger share of the run: efficiency falls.
    let dir = TempDir::new().unwrap();
    let csv = dir.path().join("sweep.csv");
    stdout_of(&[
        "sweep",
        FAILURES,
        "--runs",
        "20k",
        "--set",
        "cluster.gpus=8192,32768",
        "--csv",
        csv.to_str().unwrap(),
    ]);
    let rows = csv_rows(&csv);
    let at = |row: usize, column: &str| -> f64 {
        rows[row][rows[0].iter().position(|h| h == column).unwrap()]
            .parse()
            .unwrap()
    };
    let ratio = at(2, "interruptions_mean") / at(1, "interruptions_mean");
    assert!((0.8..1.25).contains(&ratio), "{ratio}");
    assert!(at(2, "effective_time_ratio_p50") < at(1, "effective_time_ratio_p50"));
}

// Calibration ----------------------------------------------------------------------------------

#[test]
fn published_gpu_hours_fall_inside_the_bundled_bands() {
    let dir = TempDir::new().unwrap();
    let csv = dir.path().join("cal.csv");
    let out = stdout_of(&[
        "calibrate",
        LLAMA,
        FAILURES,
        DEEPSEEK,
        "--runs",
        "200k",
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(out.contains("90% band held 3 of 3 (100%)"), "{out}");
    let rows = csv_rows(&csv);
    let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    assert_eq!(rows.len(), 4);
    for row in &rows[1..] {
        let published: f64 = row[col("published")].parse().unwrap();
        let p5: f64 = row[col("p5")].parse().unwrap();
        let p95: f64 = row[col("p95")].parse().unwrap();
        assert!(p5 <= published && published <= p95, "{row:?}");
        assert_eq!(row[col("metric")], "gpu_hours");
    }
}

#[test]
fn a_published_figure_far_outside_the_band_is_flagged() {
    let dir = TempDir::new().unwrap();
    let scenario = dir.path().join("s.toml");
    let text = fs::read_to_string(format!("{}/{DEEPSEEK}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    fs::write(&scenario, text.replace("value = 2.664e6", "value = 9e6")).unwrap();
    let out = stdout_of(&["calibrate", scenario.to_str().unwrap(), "--runs", "50k"]);
    // The figure is 9e6 / 2.664e6 = 3.4 times the published one: shown as a ratio to P95,
    // not as a percentile pinned at 100.
    let line = out
        .lines()
        .find(|l| l.trim_start().starts_with("gpu_hours"))
        .unwrap();
    assert!(
        line.contains("× above P95") && line.contains("1.00"),
        "{out}"
    );
    assert!(!out.contains("P100"), "{out}");
    assert!(out.contains("90% band held 0 of 1"), "{out}");
}

#[test]
fn new_inputs_and_outputs_work_in_compare_and_sensitivity() {
    // A scenario with simulated interruptions against one with a downtime fraction: the
    // outputs they share are compared; the failure outputs exist only in B.
    let out = stdout_of(&["compare", LLAMA, FAILURES, "--runs", "20k"]);
    assert!(out.lines().any(|l| l.starts_with("train_days")), "{out}");
    assert!(
        !out.lines().any(|l| l.starts_with("interruptions")),
        "{out}"
    );
    let err = failure(&["sensitivity", LLAMA, "--metric", "interruptions"]);
    assert!(err.contains("has no output `interruptions`"), "{err}");
    let dir = TempDir::new().unwrap();
    let scenario = dir.path().join("energy.toml");
    let text = fs::read_to_string(format!("{}/{DEEPSEEK}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let text = text.replace(
        r#"gpu_hour_usd = "1.5 to 3""#,
        "gpu_hour_usd = \"1.5 to 3\"\ngpu_kw = 1.0\npue = { dist = \"uniform\", min = 1.1, max = 1.5 }\nusd_per_kwh = 0.1",
    );
    fs::write(&scenario, text).unwrap();
    let out = stdout_of(&[
        "sensitivity",
        scenario.to_str().unwrap(),
        "--metric",
        "energy_cost_usd",
        "--runs",
        "20k",
        "--sobol-n",
        "2048",
    ]);
    assert!(out.contains("cost.pue"), "{out}");
}

// Charts ----------------------------------------------------------------------------------------

#[test]
fn run_plots_are_svg_with_the_computed_percentiles_marked() {
    let dir = TempDir::new().unwrap();
    let plots = dir.path().join("plots");
    let csv = dir.path().join("bands.csv");
    stdout_of(&[
        "run",
        LLAMA,
        "--runs",
        "50k",
        "--budget",
        "110M",
        "--deadline",
        "80",
        "--percentiles",
        "5,50,95",
        "--csv",
        csv.to_str().unwrap(),
        "--plots",
        plots.to_str().unwrap(),
    ]);
    let rows = csv_rows(&csv);
    for row in &rows[1..] {
        let metric = &row[0];
        let svg = fs::read_to_string(plots.join(format!("{metric}_histogram.svg"))).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        if row[2] == "0" {
            // Every run the same: the chart says so instead of plotting.
            let constant = doc
                .descendants()
                .find_map(|n| n.attribute("data-constant"))
                .unwrap_or_else(|| panic!("{metric}: a constant chart"));
            assert_eq!(constant, row[1], "{metric}");
            continue;
        }
        let class = |c: &str| {
            doc.descendants()
                .find(|n| n.attribute("class") == Some(c))
                .and_then(|n| n.text())
                .unwrap_or("")
                .to_string()
        };
        // A plain name first, the key beside it in small type.
        let title = class("title");
        let plain = title
            .strip_prefix("Llama 3.1 405B pre-training: ")
            .unwrap_or_else(|| panic!("{title}"));
        assert!(!plain.contains('_'), "{title}");
        assert_eq!(class("xlabel"), plain, "{metric}");
        assert_eq!(class("key"), metric.as_str());
        let marks: Vec<String> = doc
            .descendants()
            .filter_map(|n| n.attribute("data-value").map(str::to_string))
            .collect();
        assert_eq!(
            marks,
            row[3..6].to_vec(),
            "{metric}: P5, P50, P95 as in the CSV"
        );
    }
    let svg = fs::read_to_string(plots.join("total_cost_usd_exceedance.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let limit = doc
        .descendants()
        .find(|n| n.has_attribute("data-limit"))
        .unwrap();
    assert_eq!(limit.attribute("data-limit"), Some("110000000"));
    let over: f64 = limit
        .attribute("data-probability")
        .unwrap()
        .parse()
        .unwrap();
    assert!((0.2..0.4).contains(&over), "{over}");
    assert!(plots.join("train_days_exceedance.svg").exists());
}

#[test]
fn study_plots_carry_the_reported_numbers() {
    let dir = TempDir::new().unwrap();
    let plots = dir.path().join("plots");
    let csv = dir.path().join("s.csv");
    let p = plots.to_str().unwrap();
    stdout_of(&[
        "sensitivity",
        LLAMA,
        "--runs",
        "20k",
        "--sobol-n",
        "2048",
        "--csv",
        csv.to_str().unwrap(),
        "--plots",
        p,
    ]);
    let rows = csv_rows(&csv);
    let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    let svg = fs::read_to_string(plots.join("sobol.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let bar = |series: &str, row: &str| {
        doc.descendants()
            .find(|n| {
                n.attribute("data-series") == Some(series) && n.attribute("data-row") == Some(row)
            })
            .and_then(|n| n.attribute("data-hi"))
            .unwrap()
            .to_string()
    };
    for row in &rows[1..] {
        assert_eq!(bar("ST", &row[0]), row[col("st")]);
        assert_eq!(bar("S1", &row[0]), row[col("s1")]);
    }
    let svg = fs::read_to_string(plots.join("tornado.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let top = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("bar"))
        .unwrap();
    assert_eq!(
        top.attribute("data-row"),
        Some("cost.gpu_hour_usd"),
        "widest swing first"
    );
    assert!(plots.join("spearman_sq_share.svg").exists());

    stdout_of(&[
        "sweep",
        DEEPSEEK,
        "--runs",
        "20k",
        "--set",
        "cluster.gpus=1024,2048,4096",
        "--plots",
        p,
    ]);
    let svg = fs::read_to_string(plots.join("train_days_fan.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let median = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("median"))
        .unwrap();
    assert_eq!(median.attribute("points").unwrap().split(' ').count(), 3);
    assert!(
        doc.descendants()
            .any(|n| n.attribute("class") == Some("band-outer"))
    );

    stdout_of(&["compare", LLAMA, FAILURES, "--runs", "20k", "--plots", p]);
    for name in [
        "total_cost_usd_overlay.svg",
        "train_days_overlay.svg",
        "total_cost_usd_difference.svg",
    ] {
        let svg = fs::read_to_string(plots.join(name)).unwrap();
        roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn study_flags_and_luck_are_checked() {
    let err = failure(&["sensitivity", LLAMA, "--sobol-n", "1000"]);
    assert!(err.contains("power of two"), "{err}");
    let err = failure(&["sensitivity", LLAMA, "--bootstrap", "5"]);
    assert!(err.contains("0 (no intervals) or from 20"), "{err}");
    let err = failure(&["sweep", FAILURES, "--set", "failures.luck=0.5"]);
    assert!(err.contains("each run's own randomness"), "{err}");
}

#[test]
fn the_html_report_is_one_self_contained_file() {
    let dir = TempDir::new().unwrap();
    let html = dir.path().join("report.html");
    let out = stdout_of(&[
        "report",
        LLAMA,
        "-o",
        html.to_str().unwrap(),
        "--runs",
        "20k",
        "--sobol-n",
        "1024",
        "--budget",
        "110M",
    ]);
    assert!(out.starts_with("wrote "), "{out}");
    let page = fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.trim_end().ends_with("</html>"));
    assert!(page.matches("<svg").count() >= 6, "charts inline");
    for class in ["bands", "sensitivity", "inputs"] {
        assert!(
            page.contains(&format!("class=\"{class}\"")),
            "{class} table"
        );
    }
    // Nothing to fetch: no external script, style, image or font.
    for attr in ["src=\"http", "href=\"http", "url(http", "@import"] {
        assert!(!page.contains(attr), "{attr}");
    }
    assert!(page.contains("Within budget of $110M"));
    // The scenario as written, collapsed, its markup escaped.
    let scenario = page.split("<details class=\"scenario\">").nth(1).unwrap();
    assert!(scenario.contains("name = &quot;Llama 3.1 405B pre-training&quot;"));
    let err = failure(&["report", LLAMA, "-o", dir.path().to_str().unwrap()]);
    assert!(err.contains("directory"), "{err}");
}
