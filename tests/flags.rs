//! Flags: bad ones are exit 2 with a message, sizes that cannot fit are refused, help is complete.

use std::time::{Duration, Instant};

mod common;
use common::*;

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
