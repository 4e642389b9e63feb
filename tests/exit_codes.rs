//! Exit codes end to end: 0 for success, 2 only for a command line that cannot work whatever
//! the files say (a bad flag value or combination), 1 for everything else: scenarios, files,
//! memory, outputs.

use std::fs;

use tempfile::TempDir;

mod common;
use common::{LLAMA, flopcast};

/// Every input a point value: nothing for a sensitivity study to analyse.
const CERTAIN: &str = r#"
[model]
params = 405e9
tokens = 15.6e12
[cluster]
gpus = 16000
peak_tflops = 400
mfu = 0.4
[cost]
gpu_hour_usd = 2
"#;

fn exits_with(code: i32, args: &[&str], expect: &str) {
    let out = flopcast()
        .args(args)
        .assert()
        .code(code)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
    assert!(
        stderr.contains(expect),
        "{args:?}: expected {expect:?} in {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    assert!(out.stdout.is_empty(), "{args:?}");
}

#[test]
fn bad_flags_exit_2() {
    exits_with(2, &["run", LLAMA, "--runs", "0"], "whole number");
    exits_with(2, &["run", LLAMA, "--no-such-flag"], "unexpected argument");
    exits_with(2, &["run"], "required");
    exits_with(
        2,
        &["sensitivity", LLAMA, "--sobol-n", "100"],
        "power of two",
    );
    exits_with(
        2,
        &[
            "sweep",
            LLAMA,
            "--set",
            "cluster.gpus=1,2",
            "--set",
            "cluster.gpus=3",
        ],
        "set twice",
    );
    exits_with(
        2,
        &[
            "sweep",
            LLAMA,
            "--set",
            "cluster.gpus=1,2",
            "--set",
            "cluster.mfu=0.3",
            "--set",
            "cost.gpu_hour_usd=2",
        ],
        "one or two --set",
    );
}

#[test]
fn a_scenario_with_nothing_uncertain_is_not_a_flag_error() {
    let dir = TempDir::new().unwrap();
    let scenario = dir.path().join("certain.toml");
    fs::write(&scenario, CERTAIN).unwrap();
    exits_with(
        1,
        &["sensitivity", scenario.to_str().unwrap(), "--runs", "1000"],
        "nothing to analyse",
    );
}

#[test]
fn flags_the_scenario_cannot_honour_exit_1() {
    exits_with(
        1,
        &["sensitivity", LLAMA, "--output", "interruptions"],
        "has no output `interruptions`",
    );
    exits_with(
        1,
        &[
            "sweep",
            LLAMA,
            "--set",
            "failures.restart_hours=1,2",
            "--runs",
            "1000",
        ],
        "plays no part",
    );
}

#[test]
fn memory_refusals_exit_1() {
    for command in ["run", "sensitivity", "check", "report", "calibrate"] {
        let mut args = vec![command, LLAMA, "--runs", "1e15"];
        if command == "report" {
            args.extend(["-o", "/tmp/never-written.html"]);
        }
        exits_with(1, &args, "memory");
    }
}

#[test]
fn output_failures_exit_1() {
    let dir = TempDir::new().unwrap();
    let scenario = dir.path().join("S.toml");
    fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(LLAMA),
        &scenario,
    )
    .unwrap();
    let s = scenario.to_str().unwrap();
    let out = dir.path().join("out.csv");
    let out = out.to_str().unwrap();
    exits_with(
        1,
        &["run", s, "--runs", "1000", "--csv", s],
        "would overwrite the input",
    );
    exits_with(
        1,
        &["run", s, "--runs", "1000", "--csv", out, "--json", out],
        "given for two outputs",
    );
    exits_with(
        1,
        &["calibrate", s, "--runs", "1000", "--csv", s],
        "would overwrite the input",
    );
    exits_with(
        1,
        &[
            "calibrate",
            s,
            "--runs",
            "1000",
            "--csv",
            "/no/such/dir/c.csv",
        ],
        "does not exist",
    );
}

#[test]
fn too_few_runs_for_an_analysis_are_a_flag_error_naming_the_minimum() {
    // One run printed a Spearman of +0.000 for every input, and an "MC mean" of one draw.
    exits_with(
        2,
        &[
            "sensitivity",
            LLAMA,
            "--runs",
            "1",
            "--sobol-n",
            "64",
            "--bootstrap",
            "0",
        ],
        "`sensitivity` needs at least 1000 runs",
    );
    exits_with(2, &["sensitivity", LLAMA, "--runs", "999"], "got 999");
    exits_with(
        2,
        &["check", LLAMA, "--runs", "1"],
        "`check` needs at least 100 runs",
    );
    exits_with(2, &["check", LLAMA, "--runs", "99"], "got 99");
    flopcast()
        .args(["check", LLAMA, "--runs", "100"])
        .assert()
        .success();
}
