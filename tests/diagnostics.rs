//! Bad scenario files: each a located error that names the file, line and key, never a panic.

use std::fs;

use tempfile::TempDir;

mod common;
use common::*;

const GOOD: &str = r#"name = "test plan"

[model]
params = 405e9
tokens = 15.6e12

[cluster]
gpus = 16384
peak_tflops = 989
mfu = 0.4
downtime = 0.05

[cost]
gpu_hour_usd = 2

[team]
size = 50
salary_usd = 500e3
months = 12
"#;

/// GOOD with `from` (which must occur exactly once) replaced by `to`.
fn edit(from: &str, to: &str) -> String {
    assert_eq!(
        GOOD.matches(from).count(),
        1,
        "{from:?} occurs once in GOOD"
    );
    GOOD.replacen(from, to, 1)
}

/// 1-based line and column of `token` in the only line of `text` that contains `line_has`.
fn locate(text: &str, line_has: &str, token: &str) -> (usize, usize) {
    let found: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(line_has))
        .collect();
    assert_eq!(found.len(), 1, "{line_has:?} is on exactly one line");
    let (i, line) = found[0];
    let col = line
        .find(token)
        .unwrap_or_else(|| panic!("{token:?} in {line:?}"));
    (i + 1, line[..col].chars().count() + 1)
}

#[test]
fn the_good_base_scenario_is_valid() {
    let dir = TempDir::new().unwrap();
    let scenario = dir.path().join("plan.toml");
    fs::write(&scenario, GOOD).unwrap();
    let out = stdout_of(&["check", path_str(&scenario), "--runs", "1000"]);
    assert!(out.starts_with("test plan ("), "{out}");
    assert!(
        out.contains("(none: every input is a point value)"),
        "{out}"
    );
}

#[test]
fn toml_syntax_error() {
    let text = edit("mfu = 0.4", "mfu = = 0.4");
    assert_bad_scenario(
        &text,
        locate(&text, "mfu = = 0.4", "= 0.4"),
        &["invalid TOML syntax", "mfu = = 0.4", "expected"],
    );
}

#[test]
fn unknown_key_in_cluster_misspelling_a_required_key() {
    let text = edit("mfu = 0.4", "mfuu = 0.4");
    assert_bad_scenario(
        &text,
        locate(&text, "mfuu", "mfuu"),
        &[
            "unknown key `cluster.mfuu`",
            "did you mean `mfu`",
            "allowed here: gpus, peak_tflops, mfu, downtime, gpu, precision, year",
        ],
    );
}

#[test]
fn unknown_key_in_cluster_misspelling_an_optional_key() {
    let text = edit("downtime = 0.05", "downtme = 0.05");
    assert_bad_scenario(
        &text,
        locate(&text, "downtme", "downtme"),
        &[
            "unknown key `cluster.downtme` in [cluster]",
            "did you mean `downtime`",
            "allowed here: gpus, peak_tflops, mfu, downtime, gpu, precision, year",
        ],
    );
}

#[test]
fn unknown_top_level_section() {
    let text = format!("{GOOD}\n[simulaton]\nruns = 1000\n");
    assert_bad_scenario(
        &text,
        locate(&text, "[simulaton]", "simulaton"),
        &["unknown key `simulaton`", "did you mean `simulation`"],
    );

    let text = format!("{GOOD}\n[hardware]\nnodes = 4\n");
    assert_bad_scenario(
        &text,
        locate(&text, "[hardware]", "hardware"),
        &[
            "unknown key `hardware`",
            "allowed here: name, description, model, cluster, cost, team, failures, contract, schedule, correlation, published, simulation",
        ],
    );
}

#[test]
fn unknown_distribution_family() {
    let text = edit(
        "mfu = 0.4",
        r#"mfu = { dist = "pertt", min = 0.3, mode = 0.4, max = 0.5 }"#,
    );
    assert_bad_scenario(
        &text,
        locate(&text, "pertt", "\"pertt\""),
        &[
            "`cluster.mfu`",
            "unknown distribution \"pertt\"",
            "dist is one of:",
            "pert",
            "triangular",
        ],
    );
}

#[test]
fn pert_mode_outside_min_max_points_at_mode() {
    let text = edit(
        "mfu = 0.4",
        r#"mfu = { dist = "pert", min = 0.3, mode = 0.6, max = 0.5 }"#,
    );
    assert_bad_scenario(
        &text,
        locate(&text, "pert", "0.6"),
        &["`cluster.mfu`", "pert", "mode", "[min, max]"],
    );
}

#[test]
fn normal_mfu_without_an_upper_bound() {
    let text = edit(
        "mfu = 0.4",
        r#"mfu = { dist = "normal", mean = 0.4, sd = 0.05, lower = 0.2 }"#,
    );
    assert_bad_scenario(
        &text,
        locate(&text, "normal", "{"),
        &[
            "`cluster.mfu` must be in (0, 1]",
            "normal distribution can take values up to inf",
            "add `upper = 1`",
        ],
    );
}

#[test]
fn normal_mfu_without_any_bound() {
    let text = edit(
        "mfu = 0.4",
        r#"mfu = { dist = "normal", mean = 0.4, sd = 0.05 }"#,
    );
    assert_bad_scenario(
        &text,
        locate(&text, "normal", "{"),
        &[
            "`cluster.mfu` must be in (0, 1]",
            "normal distribution",
            "help:",
        ],
    );
}

#[test]
fn mfu_written_as_a_percentage() {
    let text = edit("mfu = 0.4", "mfu = 40");
    assert_bad_scenario(
        &text,
        locate(&text, "mfu = 40", "40"),
        &[
            "`cluster.mfu` must be in (0, 1], got 40",
            "is a fraction: 40% is written 0.40",
        ],
    );
}

#[test]
fn downtime_of_one() {
    let text = edit("downtime = 0.05", "downtime = 1");
    assert_bad_scenario(
        &text,
        locate(&text, "downtime = 1", "1"),
        &["`cluster.downtime` must be in [0, 1), got 1", "fraction"],
    );
}

#[test]
fn negative_gpus() {
    let text = edit("gpus = 16384", "gpus = -16384");
    assert_bad_scenario(
        &text,
        locate(&text, "gpus = -16384", "-16384"),
        &["`cluster.gpus` must be > 0, got -16384"],
    );
}

#[test]
fn nan_and_infinity() {
    for (from, to, key) in [
        ("gpus = 16384", "gpus = nan", "cluster.gpus"),
        (
            "peak_tflops = 989",
            "peak_tflops = inf",
            "cluster.peak_tflops",
        ),
        (
            "peak_tflops = 989",
            "peak_tflops = -inf",
            "cluster.peak_tflops",
        ),
        ("tokens = 15.6e12", "tokens = +inf", "model.tokens"),
    ] {
        let text = edit(from, to);
        let value = to.rsplit(" = ").next().unwrap();
        assert_bad_scenario(
            &text,
            locate(&text, to, value),
            &[
                &format!("`{key}` must be a finite number"),
                "NaN and infinity are not allowed",
            ],
        );
    }
    let text = edit(
        "mfu = 0.4",
        r#"mfu = { dist = "pert", min = 0.3, mode = nan, max = 0.5 }"#,
    );
    assert_bad_scenario(
        &text,
        locate(&text, "pert", "nan"),
        &[
            "`cluster.mfu.mode` must be a finite number",
            "NaN and infinity",
        ],
    );
}

#[test]
fn range_with_a_above_b() {
    let text = edit("gpu_hour_usd = 2", r#"gpu_hour_usd = "3.5 to 1.8""#);
    assert_bad_scenario(
        &text,
        locate(&text, "3.5 to 1.8", "\"3.5"),
        &[
            "`cost.gpu_hour_usd`",
            "\"3.5 to 1.8\" needs 0 < A < B",
            "\"1.8 to 3.5\"",
        ],
    );
}

#[test]
fn missing_cost_section() {
    let text = edit("[cost]\ngpu_hour_usd = 2\n", "");
    assert_bad_scenario(
        &text,
        (1, 1),
        &["missing section [cost]", "[cost] takes: gpu_hour_usd"],
    );
}

#[test]
fn missing_required_key() {
    let text = edit("tokens = 15.6e12\n", "");
    assert_bad_scenario(
        &text,
        locate(&text, "[model]", "[model]"),
        &["missing `model.tokens`", "add a line `tokens = ...`"],
    );
}

#[test]
fn wrong_type() {
    let text = edit("gpus = 16384", r#"gpus = "many""#);
    assert_bad_scenario(
        &text,
        locate(&text, "many", "\"many\""),
        &["`cluster.gpus`", "\"many\"", "\"A to B\""],
    );

    let text = edit("gpus = 16384", "gpus = true");
    assert_bad_scenario(
        &text,
        locate(&text, "gpus = true", "true"),
        &[
            "`cluster.gpus` must be a number or a distribution, found a boolean",
            "{ dist = ... }",
        ],
    );
}

#[test]
fn active_params_above_params() {
    let text = edit(
        "tokens = 15.6e12\n",
        "tokens = 15.6e12\nactive_params = 500e9\n",
    );
    assert_bad_scenario(
        &text,
        locate(&text, "active_params", "500e9"),
        &[
            "`model.active_params` exceeds `model.params`",
            "cannot exceed params",
        ],
    );
}

#[test]
fn team_with_both_months_and_months_before() {
    let text = edit("months = 12\n", "months = 12\nmonths_before = 3\n");
    assert_bad_scenario(
        &text,
        locate(&text, "months = 12", "12"),
        &[
            "`team.months` cannot be combined with `team.months_before`",
            "months_before",
            "help:",
        ],
    );
}

#[test]
fn missing_scenario_file() {
    let dir = TempDir::new().unwrap();
    let scenario = dir.path().join("no-such-plan.toml");
    let csv = dir.path().join("out.csv");
    let stderr =
        stderr_of_failure(flopcast().args(["run", path_str(&scenario), "--csv", path_str(&csv)]));
    assert!(
        stderr.starts_with("error: cannot read scenario file "),
        "{stderr}"
    );
    assert!(stderr.contains(path_str(&scenario)), "{stderr}");
    assert!(!csv.exists());
    let stderr = stderr_of_failure(flopcast().args(["check", path_str(&scenario)]));
    assert!(stderr.contains(path_str(&scenario)), "{stderr}");
}

#[test]
fn directory_given_as_scenario() {
    let dir = TempDir::new().unwrap();
    let csv = dir.path().join("out.csv");
    let stderr =
        stderr_of_failure(flopcast().args(["run", path_str(dir.path()), "--csv", path_str(&csv)]));
    assert!(
        stderr.starts_with("error: cannot read scenario file "),
        "{stderr}"
    );
    assert!(stderr.contains(path_str(dir.path())), "{stderr}");
    assert!(!csv.exists());
}
