//! One reader of amounts for scenario "A to B" strings and every command-line amount: a comma
//! only separates thousands, days take no suffix, and percentile labels stay short.

use std::fs;

use tempfile::TempDir;

mod common;
use common::{LLAMA, assert_bad_scenario, flopcast, minimal_with, path_str, stdout_of};

fn with_price(value: &str) -> String {
    minimal_with("gpu_hour_usd = 2", &format!("gpu_hour_usd = {value}"))
}

/// stderr of a command-line error (exit 2).
fn flag_error(args: &[&str]) -> String {
    let out = flopcast().args(args).assert().code(2).get_output().clone();
    assert!(out.stdout.is_empty());
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn a_decimal_comma_in_a_range_is_refused_with_the_decimal_point_suggested() {
    let text = with_price("\"1,8 to 3,5\"");
    assert_bad_scenario(
        &text,
        (13, 16),
        &[
            "`cost.gpu_hour_usd`",
            "\"1,8\"",
            "only separate thousands",
            "1.8",
        ],
    );
    let text = with_price("\"1.8 to 3,5\"");
    assert_bad_scenario(&text, (13, 16), &["\"3,5\"", "3.5"]);
}

#[test]
fn thousands_separators_in_a_range_are_read_as_thousands() {
    let dir = TempDir::new().unwrap();
    let plan = dir.path().join("plan.toml");
    fs::write(&plan, with_price("\"1,000 to 3,000.5\"")).unwrap();
    let out = stdout_of(&["check", path_str(&plan), "--runs", "1000"]);
    // The lognormal with P5 = 1000 and P95 = 3000.5: its median is √(1000 × 3000.5) = 1732.2.
    assert!(out.contains("1732"), "{out}");
}

#[test]
fn a_decimal_comma_in_a_budget_is_refused() {
    let err = flag_error(&["run", LLAMA, "--runs", "1000", "--budget", "1,5M"]);
    assert!(err.contains("1,5M") && err.contains("1.5"), "{err}");
    let out = stdout_of(&["run", LLAMA, "--runs", "1000", "--budget", "$110,000,000"]);
    assert!(out.contains("$110.0M") || out.contains("$110M"), "{out}");
    let err = flag_error(&["run", LLAMA, "--runs", "1,0000"]);
    assert!(err.contains("thousands"), "{err}");
}

#[test]
fn a_deadline_with_a_unit_suffix_is_refused() {
    for bad in ["5m", "80d", "2k", "$80"] {
        let err = flag_error(&["run", LLAMA, "--runs", "1000", "--deadline", bad]);
        assert!(err.contains("plain number of days"), "{bad}: {err}");
    }
    let out = stdout_of(&["run", LLAMA, "--runs", "1000", "--deadline", "1,000"]);
    assert!(out.contains("P(train_days <= 1000)"), "{out}");
}

#[test]
fn percentiles_that_cannot_be_labelled_briefly_are_refused() {
    for bad in ["1e-300", "0.0000001", "99.99999999", "5,50,12.3456789"] {
        let err = flag_error(&["run", LLAMA, "--runs", "1000", "--percentiles", bad]);
        assert!(err.contains("more than 6 decimals"), "{bad}: {err}");
        assert!(
            err.len() < 400,
            "{bad}: a short message, got {} bytes",
            err.len()
        );
    }
    let dir = TempDir::new().unwrap();
    let csv = dir.path().join("out.csv");
    stdout_of(&[
        "run",
        LLAMA,
        "--runs",
        "1000",
        "--percentiles",
        "0.000001,99.999999",
        "--csv",
        path_str(&csv),
    ]);
    let header = fs::read_to_string(&csv).unwrap();
    let header = header.lines().next().unwrap();
    assert!(
        header.contains("p0.000001") && header.contains("p99.999999"),
        "{header}"
    );
}

#[test]
fn a_set_value_that_fails_its_check_says_it_came_from_set_and_hints_at_a_decimal_comma() {
    let refused = |set: &str| {
        let out = flopcast()
            .args(["sweep", LLAMA, "--set", set, "--runs", "1000"])
            .assert()
            .code(1)
            .get_output()
            .clone();
        String::from_utf8(out.stderr).unwrap()
    };
    let stderr = refused("cluster.mfu=2");
    assert!(
        stderr.contains("must be in (0, 1], got 2 (in `--set cluster.mfu=2`)"),
        "{stderr}"
    );
    assert!(!stderr.contains("a comma separates"), "{stderr}");
    // Read as two values, 0 and 4: most likely the decimal 0.4.
    let stderr = refused("cluster.mfu=0,4");
    assert!(
        stderr.contains("(in `--set cluster.mfu=0`)")
            && stderr.contains("for the decimal 0.4 write a point, `--set cluster.mfu=0.4`"),
        "{stderr}"
    );
    // No hint where the decimal would fail too (downtime is in [0, 1)).
    let stderr = refused("cluster.downtime=2,5");
    assert!(!stderr.contains("a comma separates"), "{stderr}");
}
