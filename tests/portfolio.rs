//! `flopcast portfolio`: several runs planned together, checked against what must hold of
//! any portfolio (independent runs add variances, a shared price correlates costs as the
//! closed form says, runs in sequence add up draw by draw) and against bad plans.

mod common;
use common::*;

use std::path::{Path, PathBuf};

use tempfile::TempDir;

/// A run whose only uncertain inputs are its utilisation and its price: its cost is
/// K·P/m, with K = 6·N·D/(peak·3600) GPU-hours at full utilisation.
const RUN: &str = r#"
[model]
params = 1e9
tokens = 1e12
[cluster]
gpus = 100
peak_tflops = 1000
mfu = { dist = "uniform", min = 0.3, max = 0.5 }
[cost]
gpu_hour_usd = { dist = "uniform", min = 1.0, max = 3.0 }
"#;

const MFU: (f64, f64) = (0.3, 0.5);
const PRICE: (f64, f64) = (1.0, 3.0);

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs the plan with `args`, returns the samples CSV's rows and the JSON report.
fn portfolio(
    dir: &Path,
    plan: &str,
    args: &[&str],
) -> (
    Vec<std::collections::HashMap<String, String>>,
    serde_json::Value,
) {
    let plan = write(dir, "plan.toml", plan);
    let (samples, json) = (dir.join("draws.csv"), dir.join("p.json"));
    let mut all = vec![
        "portfolio",
        path_str(&plan),
        "--samples-csv",
        path_str(&samples),
        "--json",
        path_str(&json),
    ];
    all.extend_from_slice(args);
    stdout_of(&all);
    (csv_records(&samples), read_json(&json))
}

fn column(rows: &[std::collections::HashMap<String, String>], name: &str) -> Vec<f64> {
    rows.iter()
        .map(|r| {
            r[name]
                .parse()
                .unwrap_or_else(|_| panic!("{name}: {:?}", r[name]))
        })
        .collect()
}

fn mean_var(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    (
        m,
        x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1.0),
    )
}

fn correlation(a: &[f64], b: &[f64]) -> f64 {
    let ((ma, va), (mb, vb)) = (mean_var(a), mean_var(b));
    let n = a.len() as f64;
    let cov = a
        .iter()
        .zip(b)
        .map(|(x, y)| (x - ma) * (y - mb))
        .sum::<f64>()
        / (n - 1.0);
    cov / (va * vb).sqrt()
}

const TWO_RUNS: &str = r#"
[[run]]
name = "a"
scenario = "run.toml"
[[run]]
name = "b"
scenario = "run.toml"
"#;

const DRAWS: &str = "100000";

#[test]
fn two_independent_identical_runs_double_the_variance() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "run.toml", RUN);
    let (rows, json) = portfolio(dir.path(), TWO_RUNS, &["--runs", DRAWS]);
    let (a, b) = (
        column(&rows, "a.total_cost_usd"),
        column(&rows, "b.total_cost_usd"),
    );
    let total = column(&rows, "portfolio.total_cost_usd");
    let n = a.len() as f64;
    // Independent: no correlation beyond the noise of n draws (sd 1/√n).
    let r = correlation(&a, &b);
    assert!(r.abs() < 4.0 / n.sqrt(), "correlation {r}");
    // Var(a + b) = 2 Var(a): the ratio's relative noise is about √(2(κ − 1)/n) < 0.5%.
    let (_, va) = mean_var(&a);
    let (_, vb) = mean_var(&b);
    let (_, vt) = mean_var(&total);
    assert_close("Var(total) / 2 Var(one run)", vt / (va + vb), 1.0, 0.02);
    assert_close("Var(b) / Var(a)", vb / va, 1.0, 0.03);
    // Each run's share of the variance is a half, within its interval.
    for run in json["runs"].as_array().unwrap() {
        let (share, _, lo, hi) = estimate(&run["variance_share"], "variance share");
        assert!(lo <= 0.5 && 0.5 <= hi, "share {share} in [{lo}, {hi}]");
    }
    // The shares and the correlation reported are the draws' own, as the samples file has them
    // (the report gathers them as the draws stream past, in batches of sums).
    let (ma, mt) = (mean_var(&a).0, mean_var(&total).0);
    let threshold = json["tail"]["threshold_usd"].as_f64().unwrap();
    let beyond = || a.iter().zip(&total).filter(|(_, t)| **t > threshold);
    let tail =
        beyond().map(|(x, _)| x - ma).sum::<f64>() / beyond().map(|(_, t)| t - mt).sum::<f64>();
    let variance = correlation(&a, &total) * (va / vt).sqrt();
    let reported = |key: &str| json["runs"][0][key]["value"].as_f64().unwrap();
    assert_close(
        "variance share of a",
        reported("variance_share"),
        variance,
        1e-9,
    );
    assert_close("tail share of a", reported("tail_share"), tail, 1e-9);
    let r_reported = json["cost_correlations"][0][1].as_f64().unwrap();
    assert!((r_reported - r).abs() < 1e-9, "{r_reported} vs {r}");
    // And a run drawn in a portfolio is drawn from its scenario: its mean is the closed form
    // E[K/m]·E[P].
    let k = 6.0 * 1e9 * 1e12 / (1000e12 * 3600.0) * 100.0 / 100.0;
    let inverse_mfu = (MFU.1 / MFU.0).ln() / (MFU.1 - MFU.0);
    let want = k * inverse_mfu * (PRICE.0 + PRICE.1) / 2.0;
    let (ma, _) = mean_var(&a);
    assert_close("mean cost of a run", ma, want, 4.0 * (va / n).sqrt() / want);
}

#[test]
fn a_shared_price_correlates_the_costs_as_the_closed_form_says() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "run.toml", RUN);
    let plan = format!(
        "[shared]\ncost.gpu_hour_usd = {{ dist = \"uniform\", min = {}, max = {} }}\n{TWO_RUNS}",
        PRICE.0, PRICE.1
    );
    let (rows, json) = portfolio(dir.path(), &plan, &["--runs", DRAWS]);
    // C = K·P/m with P shared and m drawn per run: Cov(C₁, C₂) = K² E[1/m]² Var(P), and
    // Var(C) = K² (E[1/m²] E[P²] − E[1/m]² E[P]²).
    let (a0, a1) = MFU;
    let e_inv = (a1 / a0).ln() / (a1 - a0);
    let e_inv2 = 1.0 / (a0 * a1);
    let (p0, p1) = PRICE;
    let e_p = (p0 + p1) / 2.0;
    let var_p = (p1 - p0).powi(2) / 12.0;
    let want = e_inv * e_inv * var_p / (e_inv2 * (var_p + e_p * e_p) - e_inv * e_inv * e_p * e_p);
    let (a, b) = (
        column(&rows, "a.total_cost_usd"),
        column(&rows, "b.total_cost_usd"),
    );
    let n = a.len() as f64;
    let got = correlation(&a, &b);
    // The sample correlation's sd is about (1 − ρ²)/√n.
    let tolerance = 4.0 * (1.0 - want * want) / n.sqrt();
    assert!(
        (got - want).abs() < tolerance,
        "correlation {got}, closed form {want}"
    );
    let reported = num(&json["cost_correlations"][0][1], "reported correlation");
    assert!(
        (reported - got).abs() < 1e-12,
        "the report's {reported} is the draws' {got}"
    );
    // The price is one draw for both runs: cost per GPU-hour is the same draw by draw.
    let days_a = column(&rows, "a.train_days");
    let days_b = column(&rows, "b.train_days");
    let price = |c: &[f64], d: &[f64]| -> Vec<f64> {
        c.iter()
            .zip(d)
            .map(|(c, d)| c / (d * 24.0 * 100.0))
            .collect()
    };
    for (x, y) in price(&a, &days_a).iter().zip(price(&b, &days_b)).take(1000) {
        assert!((x - y).abs() <= 1e-9 * x, "price {x} vs {y}");
    }
}

#[test]
fn a_same_draw_input_keeps_each_runs_distribution_at_one_quantile() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "run.toml", RUN);
    let wider = RUN.replace("min = 0.3, max = 0.5", "min = 0.2, max = 0.6");
    write(dir.path(), "wider.toml", &wider);
    let plan = "[shared]\nsame_draw = [\"cluster.mfu\"]\n[[run]]\nname = \"a\"\nscenario = \"run.toml\"\n[[run]]\nname = \"b\"\nscenario = \"wider.toml\"\n";
    let (rows, _) = portfolio(dir.path(), plan, &["--runs", "5000"]);
    let (a, b) = (column(&rows, "a.train_days"), column(&rows, "b.train_days"));
    // Days are K/m: with one uniform u, m_a = 0.3 + 0.2u and m_b = 0.2 + 0.4u.
    for (da, db) in a.iter().zip(&b) {
        let u = (a_days_k() / da - 0.3) / 0.2;
        let want = a_days_k() / (0.2 + 0.4 * u);
        assert!((db - want).abs() <= 1e-9 * want, "{db} vs {want}");
    }
}

/// Training days at full utilisation for `RUN`.
fn a_days_k() -> f64 {
    6.0 * 1e9 * 1e12 / (100.0 * 1000e12) / 86_400.0
}

#[test]
fn runs_in_sequence_start_when_the_one_before_ends_draw_by_draw() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "run.toml", RUN);
    let plan = format!(
        "[portfolio]\norder = \"sequence\"\n{TWO_RUNS}[[run]]\nname = \"c\"\nscenario = \"run.toml\"\ngap_days = 3.5\n"
    );
    let (rows, json) = portfolio(dir.path(), &plan, &["--runs", "3000"]);
    for r in &rows {
        let get = |k: &str| -> f64 { r[k].parse().unwrap() };
        assert_eq!(get("a.start_day"), 0.0);
        assert_eq!(get("a.finish_day"), get("a.train_days"));
        assert_eq!(get("b.start_day"), get("a.finish_day"));
        assert_eq!(
            get("b.finish_day"),
            get("b.start_day") + get("b.train_days")
        );
        assert_eq!(get("c.start_day"), get("b.finish_day") + 3.5);
        assert_eq!(
            get("c.finish_day"),
            get("c.start_day") + get("c.train_days")
        );
        assert_eq!(get("portfolio.finish_day"), get("c.finish_day"));
        let total = get("a.total_cost_usd") + get("b.total_cost_usd") + get("c.total_cost_usd");
        assert_eq!(get("portfolio.total_cost_usd"), total);
    }
    let last = &json["runs"][2]["finishes_last"];
    assert_eq!(num(&last["value"], "P(c ends last)"), 1.0);
}

#[test]
fn runs_in_parallel_start_on_their_own_dates() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "run.toml", RUN);
    let plan = "[portfolio]\nstart = 2027-01-04\n[[run]]\nname = \"a\"\nscenario = \"run.toml\"\n[[run]]\nname = \"b\"\nscenario = \"run.toml\"\nstart = 2027-02-01\n";
    let (rows, json) = portfolio(
        dir.path(),
        plan,
        &["--runs", "2000", "--deadline", "2027-02-20"],
    );
    let mut done = 0;
    for r in &rows {
        let get = |k: &str| -> f64 { r[k].parse().unwrap() };
        assert_eq!(get("a.start_day"), 0.0);
        assert_eq!(get("b.start_day"), 28.0);
        let last = get("a.finish_day").max(get("b.finish_day"));
        assert_eq!(get("portfolio.finish_day"), last);
        // By the end of 2027-02-20: 48 days after day 0.
        done += u64::from(last <= 48.0);
    }
    let chance = &json["chances"][0];
    assert_eq!(chance["kind"], "every_run_done");
    assert_eq!(chance["limit_date"], "2027-02-20");
    assert_eq!(num(&chance["hits"], "hits") as u64, done);
    assert_eq!(json["runs"][1]["start_date"][1], "2027-02-01");
}

/// A run of exactly 20 days that pays $1M of compute evenly over them.
const FIXED: &str = r#"
[model]
params = 1e9
tokens = 1e12
[cluster]
gpus = 100
peak_tflops = 1000
mfu = 0.034722222222222222
[cost]
gpu_hour_usd = 20.833333333333333
"#;

#[test]
fn the_budget_year_counts_what_is_paid_in_it() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "fixed.toml", FIXED);
    write(dir.path(), "run.toml", RUN);
    // Starting 2027-12-22, the 20 days run 10 in 2027 and 10 in 2028.
    let plan = "[portfolio]\nstart = 2027-12-22\nbudget_usd = 508e3\nbudget_year = 2027\n[[run]]\nname = \"fixed\"\nscenario = \"fixed.toml\"\n[[run]]\nname = \"early\"\nscenario = \"run.toml\"\n";
    let (rows, json) = portfolio(dir.path(), plan, &["--runs", "2000"]);
    for r in &rows {
        let get = |k: &str| -> f64 { r[k].parse().unwrap() };
        assert_close("fixed run's days", get("fixed.train_days"), 20.0, 1e-9);
        assert_close("fixed run's cost", get("fixed.total_cost_usd"), 1e6, 1e-9);
        assert_close("fixed run's 2027", get("fixed.year_spend_usd"), 0.5e6, 1e-9);
        // The other run, a day or two long, is paid in 2027 in full.
        assert_close(
            "early run's 2027",
            get("early.year_spend_usd"),
            get("early.total_cost_usd"),
            1e-12,
        );
        let year = get("fixed.year_spend_usd") + get("early.year_spend_usd");
        assert_close(
            "portfolio's 2027",
            get("portfolio.year_spend_usd"),
            year,
            1e-12,
        );
    }
    let chance = &json["chances"][0];
    assert_eq!(chance["kind"], "within_budget");
    assert_eq!(chance["year"], 2027);
    assert_eq!(json["tail"]["kind"], "over_budget");
    // By month: December 2027 holds its ten days of the fixed run, January 2028 the rest.
    let months = json["when"]["months"].as_array().unwrap();
    let month = |label: &str| {
        let m = months.iter().find(|m| m["period"] == label).unwrap();
        m["spend_usd"]["percentiles"][1]["value"].as_f64().unwrap()
    };
    assert!(month("2028-01") == 0.5e6 || (month("2028-01") - 0.5e6).abs() < 1e-6);
    assert!(
        month("2027-12") > 0.5e6,
        "the early run is paid in December too"
    );
}

#[test]
fn the_portfolios_months_add_up_to_its_total_cost() {
    let dir = TempDir::new().unwrap();
    let spend = dir.path().join("spend.csv");
    let json = dir.path().join("p.json");
    stdout_of(&[
        "portfolio",
        "scenarios/portfolios/plan-2027.toml",
        "--runs",
        "20000",
        "--spend-csv",
        path_str(&spend),
        "--json",
        path_str(&json),
    ]);
    // Means are linear: the months' mean spends, with what falls before and after them, add
    // up to the mean total cost, draw by draw and so on average.
    let rows = csv_records(&spend);
    let months: f64 = rows
        .iter()
        .filter(|r| r["kind"] != "quarter")
        .map(|r| r["spend_mean_usd"].parse::<f64>().unwrap())
        .sum();
    let total = num(
        &read_json(&json)["total_cost_usd"]["mean"]["value"],
        "mean total",
    );
    assert_close("the months' spend against the total", months, total, 1e-9);
    assert!(rows.iter().any(|r| r["period"] == "2027-Q1"));
}

#[test]
fn the_bundled_plan_is_the_same_on_one_thread_and_two() {
    let dir = TempDir::new().unwrap();
    let out = |threads: &str| {
        let (csv, json, samples) = (
            dir.path().join(format!("{threads}.csv")),
            dir.path().join(format!("{threads}.json")),
            dir.path().join(format!("{threads}-draws.csv")),
        );
        // 150,000 draws: 37 pieces of the samples file, in five rounds of rendering.
        let text = stdout_of(&[
            "portfolio",
            "scenarios/portfolios/plan-2027.toml",
            "--runs",
            "150000",
            "--threads",
            threads,
            "--csv",
            path_str(&csv),
            "--json",
            path_str(&json),
            "--samples-csv",
            path_str(&samples),
        ]);
        (
            text,
            std::fs::read(csv).unwrap(),
            std::fs::read(json).unwrap(),
            std::fs::read(samples).unwrap(),
        )
    };
    let one = out("1");
    assert!(one.0.contains("P(spend in 2027 <= $30.00M)"), "{}", one.0);
    assert_eq!(one, out("2"));
}

fn plan_error(dir: &Path, plan: &str) -> String {
    let path = write(dir, "plan.toml", plan);
    stderr_of_failure(flopcast().args(["portfolio", path_str(&path)]))
}

#[test]
fn bad_plans_are_refused_at_their_place() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "run.toml", RUN);
    let correlated = format!(
        "{RUN}[[correlation]]\nbetween = [\"cluster.mfu\", \"cost.gpu_hour_usd\"]\nspearman = 0.5\n"
    );
    write(dir.path(), "correlated.toml", &correlated);
    let long_gap = TWO_RUNS.replace(
        "scenario = \"run.toml\"\n[[run]]",
        "scenario = \"run.toml\"\n[[run]]\ngap_days = 1e9\nafter = \"a\"",
    );
    let same_names = TWO_RUNS.replace("\"b\"", "\"a\"");
    let cases: &[(&str, &[&str])] = &[
        (
            "[[run]]\nscenario = \"missing.toml\"\n",
            &["plan.toml:2", "cannot read the scenario", "missing.toml"],
        ),
        (
            same_names.as_str(),
            &["plan.toml:6", "two runs are named `a`"],
        ),
        (
            "[[run]]\nscenario = \"run.toml\"\nafter = [\"later\"]\n[[run]]\nname = \"later\"\nscenario = \"run.toml\"\n",
            &["plan.toml:3", "no run named `later` is listed before"],
        ),
        (
            "[shared]\ncost.gpu_hour = 2\n[[run]]\nscenario = \"run.toml\"\n",
            &["plan.toml:2", "`cost.gpu_hour` is not an input"],
        ),
        (
            "[shared]\nsame_draw = [\"failures.luck\"]\n[[run]]\nscenario = \"run.toml\"\n",
            &["plan.toml:2", "each run's own randomness"],
        ),
        (
            "[shared]\nsame_draw = [\"cluster.gpus\"]\n[[run]]\nscenario = \"run.toml\"\n",
            &["plan.toml:2", "no run draws `cluster.gpus`"],
        ),
        (
            "[shared]\ncluster.mfu = 4\n[[run]]\nscenario = \"run.toml\"\n",
            &["plan.toml:2", "mfu"],
        ),
        (
            "[portfolio]\norder = \"queue\"\n[[run]]\nscenario = \"run.toml\"\n",
            &["plan.toml:2", "\"sequence\" or \"parallel\""],
        ),
        (
            "[portfolio]\nbudget_year = 2027\nbudget_usd = 1e6\n[[run]]\nscenario = \"run.toml\"\n",
            &["plan.toml:2", "needs a start date"],
        ),
        (
            "[portfolio]\nstart = 2027-03-01\n[[run]]\nscenario = \"run.toml\"\nstart = 2027-02-01\n",
            &["plan.toml:3", "before the portfolio's start"],
        ),
        (
            "[[run]]\nscenario = \"run.toml\"\ngap_days = 2\n",
            &["plan.toml:3", "waits for no run"],
        ),
        (
            "[[run]]\nscenario = \"run.toml\"\nstart_date = 2027-01-01\n",
            &["plan.toml:3", "unknown key `run.start_date`"],
        ),
        ("[portfolio]\nstart = 2027-01-01\n", &["no runs"]),
        ("run = []\n", &["plan.toml:1", "no runs"]),
        (
            "[[run]]\nname = \"portfolio\"\nscenario = \"run.toml\"\n",
            &["plan.toml:2", "cannot be named `portfolio`"],
        ),
        (long_gap.as_str(), &["plan.toml:6", "a century"]),
        (
            "[portfolio]\nstart = 2027-03-01\n[[run]]\nscenario = \"run.toml\"\ndeadline = 2027-02-01\n",
            &["plan.toml:3", "before the portfolio's start"],
        ),
        (
            "[shared]\ncost.gpu_hour_usd = 2\n[[run]]\nscenario = \"correlated.toml\"\n",
            &["plan.toml:2", "correlates it with another input"],
        ),
        (
            "[shared]\nsame_draw = [\"cluster.mfu\"]\n[[run]]\nscenario = \"correlated.toml\"\n",
            &["plan.toml:2", "correlates it with another input"],
        ),
    ];
    for (plan, expect) in cases {
        let err = plan_error(dir.path(), plan);
        for e in *expect {
            assert!(err.contains(e), "{plan}\nexpected {e:?} in:\n{err}");
        }
    }
}

#[test]
fn no_output_may_replace_a_file_the_portfolio_reads() {
    let dir = TempDir::new().unwrap();
    let run = write(dir.path(), "run.toml", RUN);
    let plan = write(dir.path(), "plan.toml", TWO_RUNS);
    let err =
        stderr_of_failure(flopcast().args(["portfolio", path_str(&plan), "--csv", path_str(&run)]));
    assert!(err.contains("run.toml"), "{err}");
    assert_eq!(std::fs::read_to_string(&run).unwrap(), RUN);
}

#[test]
fn flags_replace_the_plans_goals_and_are_checked() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "run.toml", RUN);
    let plan = write(dir.path(), "plan.toml", TWO_RUNS);
    // A date needs a start date; without one the deadline is in days from day 0.
    let err = stderr_of_failure(flopcast().args([
        "portfolio",
        path_str(&plan),
        "--deadline",
        "2027-06-30",
    ]));
    assert!(err.contains("needs a start date"), "{err}");
    let text = stdout_of(&[
        "portfolio",
        path_str(&plan),
        "--runs",
        "2000",
        "--deadline",
        "3",
        "--budget",
        "5M",
    ]);
    assert!(text.contains("P(every run done by day 3)"), "{text}");
    assert!(text.contains("P(total_cost_usd <= $5.000M)"), "{text}");
    flopcast()
        .args(["portfolio", path_str(&plan), "--runs", "10"])
        .assert()
        .code(2);
}
