//! `flopcast check`: the scenario as read, and the flaw of averages.

mod common;
use common::*;

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
