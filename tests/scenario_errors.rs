//! Scenario values that used to panic, crawl, draw nonsense or be reported at the wrong place:
//! each is a located error naming the key, what was wrong and what is allowed.

use std::fs;

use tempfile::TempDir;

mod common;
use common::{
    MINIMAL, assert_bad_scenario, flopcast, flopcast_process, minimal_with, path_str,
    stderr_of_failure, stdout_of,
};

fn with(from: &str, to: &str) -> String {
    minimal_with(from, to)
}

/// 1-based line of the first line containing `needle`, and column 1 + `col_of`'s offset in it.
fn at(text: &str, line_has: &str, token: &str) -> (usize, usize) {
    let (i, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(line_has))
        .unwrap_or_else(|| panic!("{line_has:?} in the text"));
    let col = line
        .find(token)
        .unwrap_or_else(|| panic!("{token:?} in {line:?}"));
    (i + 1, line[..col].chars().count() + 1)
}

#[test]
fn a_to_b_with_a_subnormal_end_is_a_located_error_in_every_subcommand() {
    let text = with("gpu_hour_usd = 2", "gpu_hour_usd = \"1e-320 to 1\"");
    let stderr = assert_bad_scenario(
        &text,
        at(&text, "gpu_hour_usd", "\"1e-320"),
        &["`cost.gpu_hour_usd`", "1e-320", "2.2250738585072014e-308"],
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let dir = TempDir::new().unwrap();
    let plan = dir.path().join("plan.toml");
    fs::write(&plan, &text).unwrap();
    let other = dir.path().join("other.toml");
    fs::write(&other, MINIMAL).unwrap();
    let html = dir.path().join("r.html");
    let (p, o, h) = (path_str(&plan), path_str(&other), path_str(&html));
    let commands: [&[&str]; 6] = [
        &["sensitivity", p, "--runs", "1000"],
        &["sweep", p, "--set", "cluster.mfu=0.3,0.4", "--runs", "1000"],
        &["compare", o, p, "--runs", "1000"],
        &["compare", p, o, "--runs", "1000"],
        &["calibrate", p, "--runs", "1000"],
        &["report", p, "-o", h, "--runs", "1000"],
    ];
    for args in commands {
        let out = flopcast().args(args).assert().code(1).get_output().clone();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("1e-320") && err.contains("plan.toml:13:"),
            "{args:?}: {err}"
        );
    }
    assert!(!html.exists());
}

#[test]
fn extreme_parameters_in_every_family_are_located_errors() {
    // (value of gpu_hour_usd, text the message must hold)
    let cases: &[(&str, &str)] = &[
        (
            r#"{ dist = "normal", mean = 2, sd = 1e-320, lower = 1 }"#,
            "sd must be a finite number from",
        ),
        (
            r#"{ dist = "normal", p5 = -1.7e308, p95 = 1.7e308, lower = 1 }"#,
            "too wide",
        ),
        (
            r#"{ dist = "lognormal", mu = 0, sigma = 5e-324 }"#,
            "sigma must be a finite number from",
        ),
        (
            r#"{ dist = "lognormal", median = 1e-310, sigma = 1 }"#,
            "median must be",
        ),
        (
            r#"{ dist = "lognormal", p5 = 1e-320, p95 = 1 }"#,
            "p5 must be",
        ),
        (
            r#"{ dist = "uniform", min = -1.7e308, max = 1.7e308, lower = 1 }"#,
            "too wide",
        ),
        (
            r#"{ dist = "triangular", min = 0, mode = 1, max = 1.5e308 }"#,
            "too wide",
        ),
        (
            r#"{ dist = "pert", min = 1, mode = 2, max = 3, lambda = 1e300 }"#,
            "lambda = 1e300",
        ),
        (
            r#"{ dist = "pert", min = 1, mode = 2, max = 3, lambda = 1e-320 }"#,
            "lambda must be",
        ),
        (
            r#"{ dist = "beta", alpha = 1e-300, beta = 2, min = 1, max = 3 }"#,
            "[0.5, 1e5]",
        ),
        (
            r#"{ dist = "beta", alpha = 2, beta = 1e300, min = 1, max = 3 }"#,
            "[0.5, 1e5]",
        ),
        (
            r#"{ dist = "gamma", shape = 1e-320, scale = 1 }"#,
            "[0.5, 1e5]",
        ),
        (
            r#"{ dist = "gamma", shape = 2, scale = 5e-324 }"#,
            "scale must be",
        ),
        (
            r#"{ dist = "weibull", shape = 1e-10, scale = 1 }"#,
            "[0.5, 1e5]",
        ),
        (
            r#"{ dist = "weibull", shape = 2, scale = 1e-320 }"#,
            "scale must be",
        ),
        (
            r#"{ dist = "normal", mean = 2, sd = 0.1, lower = 6 }"#,
            "holds less than 1e-250",
        ),
        (
            r#"{ dist = "gamma", shape = 2, scale = 1, lower = 1e308, upper = 1.7e308 }"#,
            "holds less than",
        ),
        (r#"nan"#, "finite"),
        (r#"inf"#, "finite"),
        (r#"{ dist = "normal", mean = nan, sd = 1 }"#, "finite"),
        (
            r#"{ dist = "normal", mean = 2, sd = 1, lower = -inf }"#,
            "finite",
        ),
    ];
    for (value, want) in cases {
        let text = with("gpu_hour_usd = 2", &format!("gpu_hour_usd = {value}"));
        let (line, _) = at(&text, "gpu_hour_usd", "gpu_hour_usd");
        let dir = TempDir::new().unwrap();
        let plan = dir.path().join("plan.toml");
        fs::write(&plan, &text).unwrap();
        let stderr = stderr_of_failure(flopcast().args(["check", path_str(&plan)]));
        assert!(
            stderr.contains(&format!("plan.toml:{line}:")),
            "{value}: not located at line {line}:\n{stderr}"
        );
        assert!(
            stderr.contains("gpu_hour_usd"),
            "{value}: no key in\n{stderr}"
        );
        assert!(
            stderr.contains(want),
            "{value}: expected {want:?} in\n{stderr}"
        );
    }
}

#[test]
fn beta_shapes_too_small_to_compute_are_refused_with_the_allowed_range() {
    let text = with(
        "tokens = 15.6e12",
        r#"tokens = { dist = "beta", alpha = 1e-300, beta = 1e-300, min = 0, max = 15.6e12 }"#,
    );
    assert_bad_scenario(
        &text,
        at(&text, "tokens =", "1e-300"),
        &[
            "`model.tokens`",
            "alpha = 1e-300",
            "allowed range [0.5, 1e5]",
        ],
    );
}

#[test]
fn an_input_that_must_be_positive_refuses_draws_that_round_to_zero() {
    // Half of these draws are below e^-800, far under the smallest double.
    let text = with(
        "tokens = 15.6e12",
        r#"tokens = { dist = "lognormal", mu = -800, sigma = 1 }"#,
    );
    assert_bad_scenario(
        &text,
        at(&text, "tokens =", "{"),
        &["`model.tokens` must be > 0", "round to 0", "lower"],
    );
    // A Weibull whose scale sits near the smallest double: a draw below 2.2e-308 in six thousand.
    let text = with(
        "tokens = 15.6e12",
        r#"tokens = { dist = "weibull", shape = 0.5, scale = 1e-300 }"#,
    );
    assert_bad_scenario(&text, at(&text, "tokens =", "{"), &["round to 0"]);
}

#[test]
fn a_misnamed_required_key_is_reported_as_unknown_with_its_suggestion() {
    let text = with("gpus = 16384", "gpu_count = 16384");
    let stderr = assert_bad_scenario(
        &text,
        at(&text, "gpu_count", "gpu_count"),
        &["unknown key `cluster.gpu_count`", "did you mean `gpus`?"],
    );
    assert!(!stderr.contains("missing `cluster.gpus`"), "{stderr}");
}

#[test]
fn unknown_keys_come_before_missing_ones_in_every_section() {
    // (edit of MINIMAL, the unknown key as written, what the message names)
    let cases: &[(&str, &str, &str, &[&str])] = &[
        (
            "[model]",
            "[modle]",
            "modle",
            &["unknown key `modle`", "did you mean `model`?"],
        ),
        (
            "[cost]",
            "[costs]",
            "costs",
            &["unknown key `costs`", "did you mean `cost`?"],
        ),
        (
            "tokens = 15.6e12",
            "token_count = 15.6e12",
            "token_count",
            &["unknown key `model.token_count`", "did you mean `tokens`?"],
        ),
        (
            "params = 405e9",
            "parameters = 405e9",
            "parameters",
            &["unknown key `model.parameters`", "did you mean `params`?"],
        ),
        (
            "mfu = 0.4",
            "mfu_fraction = 0.4",
            "mfu_fraction",
            &["unknown key `cluster.mfu_fraction`", "did you mean `mfu`?"],
        ),
        (
            "peak_tflops = 989",
            "peak_flops = 989",
            "peak_flops",
            &[
                "unknown key `cluster.peak_flops`",
                "did you mean `peak_tflops`?",
            ],
        ),
        (
            "gpu_hour_usd = 2",
            "gpu_hour_price = 2",
            "gpu_hour_price",
            &[
                "unknown key `cost.gpu_hour_price`",
                "did you mean `gpu_hour_usd`?",
            ],
        ),
        (
            "gpu_hour_usd = 2",
            "gpu_hour_usd = 2\ngpu_kw = 1\npue = 1.2\nkwh_usd = 0.1",
            "kwh_usd",
            &["unknown key `cost.kwh_usd`"],
        ),
        (
            "mfu = 0.4",
            "mfu = { dist = \"normal\", mean = 0.4, stdev = 0.01, lower = 0.3, upper = 0.5 }",
            "stdev",
            &["unknown key `cluster.mfu.stdev`", "normal"],
        ),
        (
            "mfu = 0.4",
            "mfu = { distribution = \"pert\", min = 0.3, mode = 0.4, max = 0.5 }",
            "distribution",
            &[
                "unknown key `cluster.mfu.distribution`",
                "did you mean `dist`?",
            ],
        ),
        (
            "mfu = 0.4",
            "mfu = { dist = \"pert\", minimum = 0.3, mode = 0.4, max = 0.5 }",
            "minimum",
            &["unknown key `cluster.mfu.minimum`", "did you mean `min`?"],
        ),
        (
            "gpu_hour_usd = 2",
            "gpu_hour_usd = 2\n[team]\nsize = 5\nsalary_usd = 1e5\nduration_months = 12",
            "duration_months",
            &["unknown key `team.duration_months`"],
        ),
        (
            "gpu_hour_usd = 2",
            "gpu_hour_usd = 2\n[team]\nteam_size = 5\nsalary_usd = 1e5\nmonths = 12",
            "team_size",
            &["unknown key `team.team_size`", "did you mean `size`?"],
        ),
        (
            "gpu_hour_usd = 2",
            "gpu_hour_usd = 2\n[failures]\nfailure_rate = 2e-5\nrestart_hours = 0.2\ncheckpoint_write_hours = 0.01",
            "failure_rate",
            &["unknown key `failures.failure_rate`"],
        ),
        (
            "gpu_hour_usd = 2",
            "gpu_hour_usd = 2\n[[published]]\nmetric = \"gpu_hours\"\namount = 3e7",
            "amount",
            &["unknown key `published.amount`"],
        ),
        (
            "gpu_hour_usd = 2",
            "gpu_hour_usd = \"1 to 3\"\n[[correlation]]\ninputs = [\"cost.gpu_hour_usd\", \"cluster.mfu\"]\nspearman = 0.3",
            "inputs",
            &["unknown key `correlation.inputs`", "between"],
        ),
    ];
    for (from, to, key, want) in cases {
        let text = with(from, to);
        let stderr = assert_bad_scenario(&text, at(&text, key, key), want);
        assert!(!stderr.contains("missing `"), "{to}: {stderr}");
    }
}

#[test]
fn a_too_deep_table_header_is_reported_on_its_own_line() {
    for deep in [
        format!("[{}]\nx = 1\n", vec!["a"; 100_000].join(".")),
        format!("{} = 1\n", vec!["a"; 1_000].join(".")),
    ] {
        let text = format!("{MINIMAL}\n{deep}");
        let line = MINIMAL.lines().count() + 2;
        let stderr = assert_bad_scenario(
            &text,
            (line, 1),
            &["invalid TOML syntax", "at most 80 levels"],
        );
        assert!(stderr.len() < 2_000_000, "{}", stderr.len());
    }
    // Nested arrays and inline tables already carried their position.
    let arrays = format!(
        "{MINIMAL}\nx = {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let stderr = stderr_of_failure(flopcast().args(["check", "/dev/stdin"]).write_stdin(arrays));
    assert!(
        stderr.contains(&format!("stdin:{}:", MINIMAL.lines().count() + 2)),
        "{}",
        &stderr[..300]
    );
}

#[test]
fn a_far_tail_truncation_never_draws_infinity() {
    // 7 sd above the mean: 34 infinite draws per million before, an abort with exit 1.
    let text = with(
        "gpu_hour_usd = 2",
        r#"gpu_hour_usd = { dist = "normal", mean = 2, sd = 0.1, lower = 2.7 }"#,
    );
    let dir = TempDir::new().unwrap();
    let plan = dir.path().join("plan.toml");
    fs::write(&plan, &text).unwrap();
    let out = stdout_of(&["run", path_str(&plan), "--runs", "300k", "--seed", "3"]);
    assert!(out.contains("total_cost_usd"), "{out}");
    assert!(!out.contains("inf"), "{out}");
}

#[test]
fn a_gamma_with_a_huge_scale_never_panics() {
    // statrs's gamma CDF multiplied x by the rate 1 / scale, underflowed to 0 and panicked.
    let dir = TempDir::new().unwrap();
    let plan = dir.path().join("plan.toml");
    let p = path_str(&plan);
    for (from, key) in [
        ("gpu_hour_usd = 2", "gpu_hour_usd"),
        ("tokens = 15.6e12", "tokens"),
        ("gpus = 16384", "gpus"),
    ] {
        for scale in ["1e20", "1e100", "1e308"] {
            let text = with(
                from,
                &format!(r#"{key} = {{ dist = "gamma", shape = 20, scale = {scale} }}"#),
            );
            fs::write(&plan, &text).unwrap();
            for args in [
                &["run", p, "--runs", "1000"][..],
                &["check", p, "--runs", "1000"][..],
            ] {
                let out = flopcast().args(args).output().unwrap();
                let err = String::from_utf8_lossy(&out.stderr);
                assert!(
                    matches!(out.status.code(), Some(0 | 1)) && !err.contains("panicked"),
                    "{key} scale {scale}, {args:?}: {:?} {err}",
                    out.status
                );
                if out.status.code() == Some(1) {
                    assert!(err.contains("plan.toml:"), "located: {err}");
                }
            }
        }
    }
}

#[test]
fn peak_tflops_with_a_catalog_gpu_is_refused_not_silently_resolved() {
    // Ran at 5 TFLOP/s with exit 0, ignoring the H100's 989.
    let text = with("peak_tflops = 989", "peak_tflops = 5\ngpu = \"H100-SXM\"");
    assert_bad_scenario(
        &text,
        at(&text, "gpu =", "\"H100"),
        &["`cluster.peak_tflops` and `cluster.gpu`", "not both"],
    );
    // Ran at 989, ignoring the FP8 asked for.
    let text = with(
        "peak_tflops = 989",
        "peak_tflops = 989\nprecision = \"fp8\"",
    );
    assert_bad_scenario(
        &text,
        at(&text, "precision", "\"fp8"),
        &["`cluster.precision`", "give either `peak_tflops`"],
    );
}

#[test]
fn a_published_figure_outside_its_metric_range_is_a_located_error() {
    // A GPU-hour count of -1 passed calibrate and run with exit 0.
    for (metric, value, range) in [
        ("gpu_hours", "-1", "> 0"),
        ("train_days", "0", "> 0"),
        ("total_cost_usd", "-5e6", "> 0"),
        ("labor_cost_usd", "-1", ">= 0"),
    ] {
        let text = format!(
            "{MINIMAL}\n[[published]]\nmetric = \"{metric}\"\nvalue = {value}\nsource = \"a report\"\n"
        );
        let line = text.lines().count() - 1;
        assert_bad_scenario(
            &text,
            (line, 9),
            &[&format!(
                "a published `{metric}` must be {range}, got {value}"
            )],
        );
    }
    let text = format!("{MINIMAL}\n[[published]]\nmetric = \"labor_cost_usd\"\nvalue = 0\n");
    let dir = TempDir::new().unwrap();
    let plan = dir.path().join("plan.toml");
    fs::write(&plan, text).unwrap();
    stdout_of(&["calibrate", path_str(&plan), "--runs", "1000"]);
}

#[test]
fn a_scenario_that_is_not_utf8_is_located_at_its_first_bad_byte() {
    // Used to say "stream did not contain valid UTF-8" with no line.
    let dir = TempDir::new().unwrap();
    let plan = dir.path().join("plan.toml");
    // A Latin-1 é in `name` (byte 0xE9, where UTF-8 needs two bytes), and one in a comment.
    let mut latin1_name = MINIMAL.as_bytes().to_vec();
    latin1_name[9] = 0xE9;
    assert!(MINIMAL.starts_with("name = \"test"));
    let latin1_comment = [b"# caf\xff\n".as_slice(), MINIMAL.as_bytes()].concat();
    for (bytes, line, col) in [(latin1_name, 1, 10), (latin1_comment, 1, 6)] {
        fs::write(&plan, &bytes).unwrap();
        for command in ["run", "check"] {
            let stderr = stderr_of_failure(flopcast().args([command, path_str(&plan)]));
            assert!(
                stderr.contains(&format!("plan.toml:{line}:{col}"))
                    && stderr.contains("not valid UTF-8")
                    && stderr.contains("must be UTF-8"),
                "{command}: {stderr}"
            );
        }
    }
}

#[test]
fn a_scenario_path_that_is_not_a_regular_file_is_refused_without_opening_it() {
    let dir = TempDir::new().unwrap();
    let fifo = dir.path().join("pipe.toml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let folder = dir.path().join("folder.toml");
    fs::create_dir(&folder).unwrap();
    for (path, what) in [
        (path_str(&fifo), "named pipe"),
        (path_str(&folder), "directory"),
        ("/dev/zero", "device"),
    ] {
        // A FIFO with no writer used to block forever in open().
        let mut child = flopcast_process()
            .args(["run", path, "--runs", "1000"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        while child.try_wait().unwrap().is_none() {
            if started.elapsed() > std::time::Duration::from_secs(20) {
                child.kill().unwrap();
                panic!("{path}: still running after 20 s");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{path}: {stderr}");
        assert!(
            stderr.contains(what) && stderr.contains("must be a regular TOML file"),
            "{path}: {stderr}"
        );
    }
    // An already open pipe has its writer: standard input still works.
    let out = flopcast()
        .args(["check", "/dev/stdin"])
        .write_stdin(MINIMAL)
        .assert()
        .success();
    drop(out);
}
