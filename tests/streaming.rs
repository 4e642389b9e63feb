//! `run` and `compare` reduce their runs as they are drawn unless a chart needs every run:
//! the figures must be the stored sample's, byte for byte, whichever way they were made.

mod common;

use std::fs;
use std::path::Path;

use common::{DEEPSEEK, FAILURES, LLAMA, flopcast};

/// Stdout and the JSON file of a command, with or without `--plots` (which keeps every run).
fn outputs(args: &[&str], dir: &Path, stored: bool) -> (String, String) {
    let json = dir.join(if stored {
        "stored.json"
    } else {
        "streamed.json"
    });
    let plots = dir.join("plots");
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--json", json.to_str().unwrap(), "--no-progress"]);
    if stored {
        all.extend(["--plots", plots.to_str().unwrap()]);
    }
    let out = flopcast()
        .args(&all)
        .assert()
        .success()
        .get_output()
        .clone();
    let text = String::from_utf8(out.stdout).unwrap();
    (text, fs::read_to_string(json).unwrap())
}

fn assert_streamed_is_stored(args: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let streamed = outputs(args, dir.path(), false);
    let stored = outputs(args, dir.path(), true);
    assert_eq!(streamed.0, stored.0, "{args:?}: text");
    assert_eq!(streamed.1, stored.1, "{args:?}: JSON");
}

#[test]
fn a_streamed_run_reports_the_stored_figures() {
    let dir = tempfile::tempdir().unwrap();
    let correlated = common::correlated_in(dir.path());
    let correlated = correlated.as_str();
    for scenario in [LLAMA, FAILURES, correlated] {
        for sampling in ["mc", "qmc", "lhs"] {
            assert_streamed_is_stored(&[
                "run",
                scenario,
                "--runs",
                "150000",
                "--sampling",
                sampling,
                "--budget",
                "9e7",
                "--deadline",
                "75",
            ]);
        }
    }
}

#[test]
fn a_streamed_comparison_reports_the_stored_figures() {
    let dir = tempfile::tempdir().unwrap();
    let correlated = common::correlated_in(dir.path());
    let correlated = correlated.as_str();
    // Different outputs on each side (failures add two), ties (a scenario against itself).
    let pairs = [
        (LLAMA, FAILURES),
        (FAILURES, DEEPSEEK),
        (correlated, LLAMA),
        (LLAMA, LLAMA),
    ];
    for (a, b) in pairs {
        for sampling in ["mc", "qmc"] {
            assert_streamed_is_stored(&[
                "compare",
                a,
                b,
                "--runs",
                "150000",
                "--sampling",
                sampling,
                "--budget",
                "9e7",
                "--deadline",
                "75",
            ]);
        }
    }
}

#[test]
fn a_streamed_comparison_does_not_depend_on_the_thread_count() {
    let on = |threads: &str| {
        common::stdout_of(&[
            "compare",
            LLAMA,
            FAILURES,
            "--runs",
            "300000",
            "--threads",
            threads,
            "--no-progress",
        ])
    };
    assert_eq!(on("1"), on("2"));
}
