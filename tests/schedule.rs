//! `[schedule] start`: spend placed on the calendar by month and quarter, what has been paid
//! by each period's end, the finish date's band and P(finished by then).

mod common;
use common::*;

use flopcast::model::Metric;
use flopcast::sample::SamplingPlan;
use flopcast::scenario::Scenario;
use flopcast::simulate::Source;
use flopcast::simulate::spend::Runs;

/// 60 days of 1,000 GPUs at $2 an hour ($48,000 a day), 10 people at $10,000 a day for three
/// average months (91.310625 days) from the start, data bought on the first day ($1M) and the
/// evaluation paid on the day training ends ($500k): every month has a closed form.
const KNOWN: &str = r#"name = "known"
[model]
params = 1e10
tokens = 4.32e13
[cluster]
gpus = 1000
peak_tflops = 1000
mfu = 0.5
downtime = 0
[cost]
gpu_hour_usd = 2
data_usd = 1e6
evaluation_usd = 5e5
[team]
size = 10
salary_usd = 365242.5
months = 3
[schedule]
start = 2027-01-17
"#;

/// The bundled contract plan, which starts on 2027-01-04.
const CONTRACT: &str = "scenarios/plan-70b-h100-contract.toml";

fn write(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn number(row: &std::collections::HashMap<String, String>, column: &str) -> f64 {
    row[column]
        .parse()
        .unwrap_or_else(|_| panic!("{column} in {row:?}"))
}

#[test]
fn a_known_run_places_each_month_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "known.toml", KNOWN);
    let csv = dir.path().join("spend.csv");
    let text = stdout_of(&[
        "run",
        path_str(&path),
        "--runs",
        "1000",
        "--spend-csv",
        path_str(&csv),
    ]);
    // Training ends 60 days after 2027-01-17.
    assert!(
        text.contains("When: training starts 2027-01-17; it ends on P5 2027-03-18, P50 2027-03-18, P95 2027-03-18."),
        "{text}"
    );
    let rows = csv_records(&csv);
    let month = |label: &str| {
        let row = rows
            .iter()
            .find(|r| r["period"] == label && r["kind"] == "month")
            .unwrap_or_else(|| panic!("no {label} in {rows:?}"));
        (
            number(row, "spend_p50_usd"),
            number(row, "paid_by_end_p50_usd"),
        )
    };
    let expected = [
        ("2027-01", 15.0 * 48e3 + 15.0 * 1e4 + 1e6),
        ("2027-02", 28.0 * 58e3),
        ("2027-03", 17.0 * 48e3 + 31.0 * 1e4 + 5e5),
        ("2027-04", 17.310625 * 1e4),
        ("2027-05", 0.0),
        ("2027-06", 0.0),
    ];
    let mut paid = 0.0;
    for (label, usd) in expected {
        paid += usd;
        let (spend, by_end) = month(label);
        assert!(
            (spend - usd).abs() <= 1e-6 * usd.max(1.0),
            "{label}: {spend} against {usd}"
        );
        assert!(
            (by_end - paid).abs() <= 1e-6 * paid,
            "{label}: {by_end} paid, not {paid}"
        );
    }
    // Quarters are their months' sums; training has ended by the end of March, not February.
    let quarter = rows.iter().find(|r| r["period"] == "2027-Q1").unwrap();
    let q1: f64 = expected[..3].iter().map(|e| e.1).sum();
    assert!((number(quarter, "spend_p50_usd") - q1).abs() <= 1e-6 * q1);
    let finished = |label: &str| {
        let row = rows
            .iter()
            .find(|r| r["period"] == label && r["kind"] == "month")
            .unwrap();
        number(row, "p_finished_by_end")
    };
    assert_eq!((finished("2027-02"), finished("2027-03")), (0.0, 1.0));
    assert!(
        rows.iter()
            .all(|r| r["kind"] != "before" && r["kind"] != "after")
    );
}

#[test]
fn every_runs_periods_add_up_to_its_total() {
    let scenario = Scenario::load(std::path::Path::new(CONTRACT)).unwrap();
    let plan = SamplingPlan::new(&scenario, 150_000, 7);
    let runs = Runs::new(&plan, &scenario).unwrap();
    let total = runs
        .metrics()
        .iter()
        .position(|&m| m == Metric::TotalCostUsd)
        .unwrap();
    let (at, _) = runs.spend().expect("the plan has a start date");
    let states = vec![(0u64, 0.0f64, 0u64); plan.chunks()];
    let checked = runs.fold_chunks(&|_| {}, 0..plan.chunks(), states, |s, c| {
        for j in 0..c.len {
            let spent: f64 = (at.before()..=at.after()).map(|k| c.values[k][j]).sum();
            let t = c.values[total][j];
            s.1 = s.1.max((spent - t).abs() / t);
            s.0 += 1;
            // What has been paid by the end of the last month, plus what comes after, is all.
            let last = c.values[at.by_end_of(at.months - 1)][j] + c.values[at.after()][j];
            s.2 += u64::from((last - t).abs() > 1e-12 * t);
            assert!((at.before()..=at.after()).all(|k| c.values[k][j] >= -1e-9 * t));
        }
    });
    let runs: u64 = checked.iter().map(|s| s.0).sum();
    let worst = checked.iter().map(|s| s.1).fold(0.0, f64::max);
    let off: u64 = checked.iter().map(|s| s.2).sum();
    assert_eq!(runs, 150_000);
    assert!(
        worst < 1e-12,
        "a run's periods differ from its total by {worst:e} of it"
    );
    assert_eq!(off, 0);
}

#[test]
fn the_json_and_text_carry_the_calendar_and_the_months_sum_to_the_mean_total() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("out.json");
    let out = stdout_of(&[
        "run",
        CONTRACT,
        "--runs",
        "200000",
        "--json",
        path_str(&json),
    ]);
    assert!(out.contains("When: training starts 2027-01-04"), "{out}");
    assert!(out.contains("P(finished)"), "{out}");
    let json = read_json(&json);
    let when = &json["when"];
    let mean = |p: &serde_json::Value| p["spend_usd"]["mean"]["value"].as_f64().unwrap();
    let months = when["months"].as_array().unwrap();
    let open: f64 = ["before", "after"]
        .iter()
        .filter(|k| !when[**k].is_null())
        .map(|k| mean(&when[*k]))
        .sum();
    let spent: f64 = months.iter().map(mean).sum::<f64>() + open;
    let total = json["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "total_cost_usd")
        .unwrap()["mean"]["value"]
        .as_f64()
        .unwrap();
    assert!(
        (spent - total).abs() < 1e-9 * total,
        "{spent} against {total}"
    );
    // P(finished by the end of a month) only grows, and reaches 1 within the months shown.
    let p: Vec<f64> = months
        .iter()
        .map(|m| m["finished_by_end"]["value"].as_f64().unwrap_or(f64::NAN))
        .collect();
    assert!(p.windows(2).all(|w| w[0] <= w[1]), "{p:?}");
    assert!(p.last().unwrap() > &0.999, "{p:?}");
}

#[test]
fn a_start_that_is_not_a_date_is_refused_at_its_line() {
    let bad = KNOWN.replace("start = 2027-01-17", "start = \"2027-02-30\"");
    assert_bad_scenario(
        &bad,
        (19, 9),
        &["`schedule.start` must be a date", "YYYY-MM-DD"],
    );
    let timed = KNOWN.replace("start = 2027-01-17", "start = 2027-01-17T09:00:00");
    assert_bad_scenario(&timed, (19, 9), &["which has a time"]);
    let missing = KNOWN.replace("start = 2027-01-17", "begin = 2027-01-17");
    assert_bad_scenario(
        &missing,
        (19, 1),
        &["unknown key `schedule.begin`", "`start` is missing"],
    );
}

#[test]
fn spend_csv_without_a_start_date_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("spend.csv");
    let stderr = stderr_of_failure(flopcast().args([
        "run",
        LLAMA,
        "--runs",
        "1000",
        "--spend-csv",
        path_str(&csv),
    ]));
    assert!(
        stderr.contains("[schedule]") && stderr.contains(LLAMA),
        "{stderr}"
    );
    assert!(!csv.exists());
}

/// A deadline date is the training days from the start to the end of that date: the contract
/// plan starts 2027-01-04, so ending by 2027-05-22 is ending within 139 days.
#[test]
fn a_deadline_date_counts_days_from_the_start_to_the_end_of_that_day() {
    let by_date = stdout_of(&[
        "run",
        CONTRACT,
        "--runs",
        "20000",
        "--deadline",
        "2027-05-22",
    ]);
    let in_days = stdout_of(&["run", CONTRACT, "--runs", "20000", "--deadline", "139"]);
    assert_eq!(by_date, in_days);
    assert!(by_date.contains("P(train_days <= 139)"), "{by_date}");
    let dir = tempfile::tempdir().unwrap();
    let plan = write(dir.path(), "known.toml", KNOWN);
    let unstarted = write(
        dir.path(),
        "unstarted.toml",
        KNOWN.split("[schedule]").next().unwrap(),
    );
    let cases: [(&[&str], &str); 2] = [
        (
            &["run", path_str(&unstarted), "--deadline", "2027-05-22"],
            "has no start date to count training days from",
        ),
        (
            &["run", path_str(&plan), "--deadline", "2027-01-16"],
            "comes before training starts",
        ),
    ];
    for (args, want) in cases {
        let mut cmd = flopcast();
        cmd.args(args);
        let err = stderr_of_failure(&mut cmd);
        assert!(err.contains(want), "{args:?}: {err}");
    }
    flopcast()
        .args(["run", path_str(&plan), "--deadline", "2027-02-30"])
        .assert()
        .code(2);
}
