//! `[contract]`: reserved capacity paid for its term, overruns at the extension price, a wait
//! when no extension is free; checked against closed forms.

mod common;
use common::*;

/// 6e23 FLOP on 1,000 GPUs of 1,000 TFLOP/s: D = K / mfu days with mfu uniform on (A, B), so
/// every contract figure has a closed form.
const K_DAYS: f64 = 6e23 / 1e18 / 86_400.0;
const A: f64 = 0.3;
const B: f64 = 0.5;
const TERM_DAYS: f64 = 18.0;

fn scenario(contract_extra: &str) -> String {
    format!(
        r#"name = "contract"
[model]
params = 1e11
tokens = 1e12
[cluster]
gpus = 1000
peak_tflops = 1000
mfu = {{ dist = "uniform", min = {A}, max = {B} }}
downtime = 0
[cost]
gpu_hour_usd = 2.0
[contract]
term_days = {TERM_DAYS}
usd_per_gpu_hour = 1.5
{contract_extra}
"#
    )
}

/// The JSON of 400,000 runs of `text`, with `extra` flags.
fn run_json(text: &str, extra: &[&str]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(&path, text).unwrap();
    let json = dir.path().join("out.json");
    let mut args = vec![
        "run",
        path_str(&path),
        "--runs",
        "400000",
        "--json",
        path_str(&json),
        "--no-progress",
    ];
    args.extend_from_slice(extra);
    flopcast().args(&args).assert().success();
    read_json(&json)
}

fn mean_of(json: &serde_json::Value, metric: &str) -> (f64, f64) {
    let m = json["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == metric)
        .unwrap_or_else(|| panic!("{metric} in the JSON"));
    let (value, se, _, _) = estimate(&m["mean"], metric);
    (value, se)
}

/// Within five standard errors (and a hair of rounding for exact figures).
fn assert_within(what: &str, (got, se): (f64, f64), want: f64) {
    assert!(
        (got - want).abs() <= 5.0 * se + 1e-9 * want.abs(),
        "{what}: got {got} ± {se}, want {want}"
    );
}

#[test]
fn overrun_chance_and_costs_match_their_closed_forms() {
    let json = run_json(&scenario(""), &[]);
    let m_t = K_DAYS / TERM_DAYS;
    let p_overrun = (m_t - A) / (B - A);
    let (p, se, lo, hi) = estimate(&json["overrun"], "overrun");
    assert!(lo <= p && p <= hi);
    assert_within("P(overrun)", (p, se), p_overrun);
    let overrun_days = (K_DAYS * (m_t / A).ln() - TERM_DAYS * (m_t - A)) / (B - A);
    assert_within("overrun_days", mean_of(&json, "overrun_days"), overrun_days);
    assert_within(
        "extension_cost_usd",
        mean_of(&json, "extension_cost_usd"),
        1000.0 * 24.0 * 2.0 * overrun_days,
    );
    let unused_days = (TERM_DAYS * (B - m_t) - K_DAYS * (B / m_t).ln()) / (B - A);
    assert_within(
        "unused_gpu_hours",
        mean_of(&json, "unused_gpu_hours"),
        24_000.0 * unused_days,
    );
    // Take-or-pay: every run pays the whole term.
    let contract = 1000.0 * 24.0 * 1.5 * TERM_DAYS;
    assert_within(
        "contract_cost_usd",
        mean_of(&json, "contract_cost_usd"),
        contract,
    );
    assert_within(
        "compute_cost_usd",
        mean_of(&json, "compute_cost_usd"),
        contract + 1000.0 * 24.0 * 2.0 * overrun_days,
    );
}

#[test]
fn a_run_waits_for_extension_capacity_in_the_share_of_overruns_given() {
    let json = run_json(
        &scenario("extension_unavailable = 0.25\nextension_wait_days = 10"),
        &[],
    );
    let m_t = K_DAYS / TERM_DAYS;
    let p_overrun = (m_t - A) / (B - A);
    let computing = K_DAYS * (B / A).ln() / (B - A);
    assert_within(
        "train_days",
        mean_of(&json, "train_days"),
        computing + 10.0 * 0.25 * p_overrun,
    );
    // The wait holds no GPU: the GPU-hours are the computing days' alone.
    assert_within(
        "gpu_hours",
        mean_of(&json, "gpu_hours"),
        24_000.0 * computing,
    );
}

#[test]
fn pay_as_used_pays_only_the_days_in_the_term() {
    let json = run_json(&scenario("unused_paid = 0"), &[]);
    let m_t = K_DAYS / TERM_DAYS;
    // min(D, T): T in overrunning runs, D (= K / mfu) in the rest.
    let in_term = TERM_DAYS * (m_t - A) / (B - A) + K_DAYS * (B / m_t).ln() / (B - A);
    assert_within(
        "contract_cost_usd",
        mean_of(&json, "contract_cost_usd"),
        1000.0 * 24.0 * 1.5 * in_term,
    );
}

#[test]
fn setting_reserved_gpus_parts_them_from_the_runs_gpus() {
    // 800 reserved of the run's 1,000: the other 200 are bought at the extension price while
    // the term lasts, and the run's own GPU-hours do not change.
    let rows = sweep_csv("contract.gpus=800,1000", 400_000);
    let column = |name: &str| -> Vec<f64> { rows.iter().map(|r| r[name]).collect() };
    let gpu_hours = column("gpu_hours_mean");
    assert_eq!(gpu_hours[0], gpu_hours[1]);
    let m_t = K_DAYS / TERM_DAYS;
    let in_term = TERM_DAYS * (m_t - A) / (B - A) + K_DAYS * (B / m_t).ln() / (B - A);
    let overrun_days = (K_DAYS * (m_t / A).ln() - TERM_DAYS * (m_t - A)) / (B - A);
    let want = 24.0 * 2.0 * (1000.0 * overrun_days + 200.0 * in_term);
    let got = column("extension_cost_usd_mean")[0];
    assert!((got - want).abs() < 0.002 * want, "got {got}, want {want}");
}

/// The sweep's CSV rows over `set` (KEY=V1,V2), each as column name → number.
fn sweep_csv(set: &str, runs: u64) -> Vec<std::collections::HashMap<String, f64>> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(&path, scenario("")).unwrap();
    let csv = dir.path().join("sweep.csv");
    let runs = runs.to_string();
    flopcast()
        .args(["sweep", path_str(&path), "--set", set, "--runs", &runs])
        .args(["--csv", path_str(&csv), "--no-progress"])
        .assert()
        .success();
    csv_records(&csv)
        .into_iter()
        .map(|row| {
            row.into_iter()
                .filter_map(|(h, v)| Some((h, v.parse().ok()?)))
                .collect()
        })
        .collect()
}

#[test]
fn half_an_extension_rule_is_refused_naming_the_missing_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(&path, scenario("extension_unavailable = 0.2")).unwrap();
    let err = stderr_of_failure(flopcast().args(["run", path_str(&path)]));
    assert!(err.contains("contract.extension_wait_days"), "{err}");
    assert!(err.contains("c.toml"), "{err}");
}

#[test]
fn a_chance_outside_zero_to_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(&path, scenario("unused_paid = 1.5")).unwrap();
    let err = stderr_of_failure(flopcast().args(["run", path_str(&path)]));
    assert!(err.contains("contract.unused_paid"), "{err}");
    assert!(err.contains("in [0, 1]"), "{err}");
}

#[test]
fn a_sweep_of_the_term_reports_each_points_overrun_chance() {
    let rows = sweep_csv("contract.term_days=12,18,25", 20_000);
    let p: Vec<f64> = rows.iter().map(|r| r["p_overrun"]).collect();
    // Every run outlasts 12 days, none 25, and the share in between at 18.
    assert_eq!((p[0], p[2]), (1.0, 0.0), "{p:?}");
    assert!(
        (p[1] - (K_DAYS / TERM_DAYS - A) / (B - A)).abs() < 0.02,
        "{p:?}"
    );
}
