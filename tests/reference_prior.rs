//! `mfu = "reference"`: utilisation fitted to a reference class of runs, from the bundled record
//! or a lab's own CSV; what it refuses, what `check` shows, and the warning outside the class.

use std::fs;
use std::path::Path;

use tempfile::TempDir;

mod common;
use common::{flopcast, path_str, stderr_of_failure, stdout_of};

/// A reference class of 12 runs on A100 and H100 whose utilisation falls with chip speed,
/// written as a lab would: days, chips, parameters, tokens.
fn lab_runs() -> String {
    let mut csv =
        String::from("model,hardware,chips,params_active,tokens,training_days,published\n");
    let runs = [("A100", 312.0, 0.46), ("H100-SXM", 989.0, 0.36)];
    for i in 0..12 {
        let (hw, peak, u) = runs[i % 2];
        let chips = [256.0, 1024.0, 4096.0][i % 3];
        let params = [7e9, 30e9, 70e9][(i / 2) % 3];
        let u = u * (1.0 + 0.05 * ((i as f64) * 1.7).sin());
        let tokens = 2e12;
        let days = 6.0 * params * tokens / (chips * peak * 1e12 * u) / 86_400.0;
        csv.push_str(&format!(
            "Lab run {i},{hw},{chips},{params},{tokens},{days:.4},2024-0{}-01\n",
            1 + i % 9
        ));
    }
    csv
}

fn plan(mfu: &str, extra_cluster: &str) -> String {
    format!(
        r#"name = "reference plan"

[model]
params = 30e9
tokens = 2e12

[cluster]
gpus = 1024
gpu = "A100"
{extra_cluster}mfu = {mfu}
year = 2024

[cost]
gpu_hour_usd = 2
"#
    )
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path_str(&path).to_string()
}

#[test]
fn a_labs_own_runs_give_the_prior_and_check_shows_the_fit() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "runs.csv", &lab_runs());
    let scenario = write(
        dir.path(),
        "plan.toml",
        &plan(r#"{ reference = "runs.csv" }"#, ""),
    );
    let out = stdout_of(&["check", &scenario, "--runs", "2000"]);
    assert!(out.contains("fitted to 12 runs of"), "{out}");
    assert!(out.contains("nearest reference runs"), "{out}");
    assert!(out.contains("within the reference class"), "{out}");
    // The runs on A100 sat near 0.46; the resolved band is centred there.
    let line = out
        .lines()
        .find(|l| l.contains("effective utilisation"))
        .unwrap();
    let p50: f64 = line
        .split("P50 ")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((p50 - 0.46).abs() < 0.03, "{line}");
}

#[test]
fn leaving_a_run_out_changes_the_fit_and_a_misspelt_name_is_refused() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "runs.csv", &lab_runs());
    let scenario = write(
        dir.path(),
        "plan.toml",
        &plan(r#"{ reference = "runs.csv", exclude = ["lab run 3"] }"#, ""),
    );
    let out = stdout_of(&["check", &scenario, "--runs", "2000"]);
    assert!(
        out.contains("fitted to 11 runs") && out.contains("leaving out lab run 3"),
        "{out}"
    );
    assert!(
        !out.contains("Lab run 3 "),
        "the left-out run is not a neighbour: {out}"
    );
    let scenario = write(
        dir.path(),
        "typo.toml",
        &plan(
            r#"{ reference = "runs.csv", exclude = ["Lab run 33"] }"#,
            "",
        ),
    );
    let err = stderr_of_failure(flopcast().args(["check", &scenario]));
    assert!(err.contains("no run named \"Lab run 33\""), "{err}");
}

#[test]
fn a_bad_row_in_a_labs_file_is_located_in_that_file() {
    let dir = TempDir::new().unwrap();
    let csv = lab_runs().replacen("Lab run 4,A100,1024,", "Lab run 4,A100,1O24,", 1);
    let runs = write(dir.path(), "runs.csv", &csv);
    let scenario = write(
        dir.path(),
        "plan.toml",
        &plan(r#"{ reference = "runs.csv" }"#, ""),
    );
    let err = stderr_of_failure(flopcast().args(["run", &scenario, "--runs", "1000"]));
    assert!(err.contains(&format!("{runs}:6:")), "{err}");
    assert!(
        err.contains("`chips` must be a number > 0, got \"1O24\""),
        "{err}"
    );
}

#[test]
fn lost_time_cannot_be_counted_twice() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "runs.csv", &lab_runs());
    let lab = r#"{ reference = "runs.csv" }"#;
    let text = plan(lab, "downtime = 0.05\n");
    let err = stderr_of_failure(flopcast().args(["check", &write(dir.path(), "a.toml", &text)]));
    assert!(
        err.contains("would count lost time twice") && err.contains("remove `downtime`"),
        "{err}"
    );
    let text = plan(lab, "")
        + "\n[failures]\nrate_per_gpu_hour = 2e-5\nrestart_hours = 0.1\ncheckpoint_write_hours = 0.01\n";
    let err = stderr_of_failure(flopcast().args(["check", &write(dir.path(), "b.toml", &text)]));
    assert!(
        err.contains("[failures] with `mfu = \"reference\"`"),
        "{err}"
    );
}

#[test]
fn the_prior_needs_a_named_chip_a_fixed_count_and_six_flops_per_parameter() {
    let dir = TempDir::new().unwrap();
    let text = plan("\"reference\"", "").replace("gpu = \"A100\"", "peak_tflops = 312");
    let err = stderr_of_failure(flopcast().args(["check", &write(dir.path(), "a.toml", &text)]));
    assert!(err.contains("needs the chip by name"), "{err}");
    let text = plan("\"reference\"", "").replace(
        "gpus = 1024",
        "gpus = { dist = \"discrete\", values = [512, 1024] }",
    );
    let err = stderr_of_failure(flopcast().args(["check", &write(dir.path(), "b.toml", &text)]));
    assert!(err.contains("needs `cluster.gpus` as a number"), "{err}");
    let text = plan("\"reference\"", "")
        .replace("tokens = 2e12", "tokens = 2e12\nflops_per_param_token = 8");
    let err = stderr_of_failure(flopcast().args(["check", &write(dir.path(), "c.toml", &text)]));
    assert!(
        err.contains("counts 6 FLOPs per parameter per token"),
        "{err}"
    );
}

#[test]
fn a_scenario_outside_the_reference_class_is_flagged_by_check_and_run() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "runs.csv", &lab_runs());
    // No run used B200, and 200,000 chips is far beyond the largest run.
    let text = plan(r#"{ reference = "runs.csv" }"#, "")
        .replace("gpu = \"A100\"", "gpu = \"B200\"")
        .replace("gpus = 1024", "gpus = 200000");
    let scenario = write(dir.path(), "plan.toml", &text);
    let out = stdout_of(&["check", &scenario, "--runs", "2000"]);
    assert!(
        out.contains("outside the reference class: no reference run used B200"),
        "{out}"
    );
    assert!(out.contains("200000 chips lies outside"), "{out}");
    let out = stdout_of(&["run", &scenario, "--runs", "2000"]);
    assert!(
        out.starts_with("Warning: this scenario lies outside the reference runs"),
        "{out}"
    );
    // Inside the class there is no warning.
    let inside = write(
        dir.path(),
        "inside.toml",
        &plan(r#"{ reference = "runs.csv" }"#, ""),
    );
    assert!(!stdout_of(&["run", &inside, "--runs", "2000"]).contains("Warning"));
}

#[test]
fn no_output_may_replace_the_reference_file() {
    let dir = TempDir::new().unwrap();
    let runs = write(dir.path(), "runs.csv", &lab_runs());
    let scenario = write(
        dir.path(),
        "plan.toml",
        &plan(r#"{ reference = "runs.csv" }"#, ""),
    );
    let err =
        stderr_of_failure(flopcast().args(["run", &scenario, "--runs", "1000", "--csv", &runs]));
    assert!(err.contains("runs.csv"), "{err}");
    assert_eq!(fs::read_to_string(&runs).unwrap(), lab_runs());
}

#[test]
fn the_bundled_prior_refuses_to_extrapolate_past_full_utilisation() {
    // A slow chip 75 years out: the year trend alone would put utilisation far above 100%.
    let dir = TempDir::new().unwrap();
    let text = plan("\"reference\"", "")
        .replace("gpu = \"A100\"", "gpu = \"V100\"\nprecision = \"fp16\"")
        .replace("year = 2024", "year = 2100");
    let err = stderr_of_failure(flopcast().args(["run", &write(dir.path(), "a.toml", &text)]));
    assert!(
        err.contains("above 100% of peak") && err.contains("give `mfu` yourself"),
        "{err}"
    );
}

#[test]
fn the_bundled_prior_resolves_a_plan_on_a_chip_it_has_seen() {
    let dir = TempDir::new().unwrap();
    let scenario = write(dir.path(), "plan.toml", &plan("\"reference\"", ""));
    let out = stdout_of(&["check", &scenario, "--runs", "2000"]);
    assert!(
        out.contains("fitted to 43 runs of the bundled reference runs"),
        "{out}"
    );
    assert!(out.contains("within the reference class"), "{out}");
}

#[test]
fn overrides_cannot_bring_back_what_the_prior_already_counts() {
    for (set, why) in [
        ("cluster.downtime=0,0.05", "already includes lost time"),
        (
            "cluster.peak_tflops=2250",
            "resolved for the chip the file names",
        ),
        ("model.flops_per_param_token=8", "counts 6 FLOPs"),
    ] {
        let err = stderr_of_failure(flopcast().args([
            "sweep",
            "scenarios/plan-70b-h100.toml",
            "--set",
            set,
            "--runs",
            "1000",
        ]));
        assert!(
            err.contains("cannot be combined with `mfu = \"reference\"`") && err.contains(why),
            "{err}"
        );
    }
    // Utilisation itself may be replaced: that is a what-if, not a double count.
    stdout_of(&[
        "sweep",
        "scenarios/plan-70b-h100.toml",
        "--set",
        "cluster.mfu=0.3,0.4",
        "--runs",
        "1000",
    ]);
}

#[test]
fn the_html_report_carries_the_outside_class_warning() {
    let dir = TempDir::new().unwrap();
    write(dir.path(), "runs.csv", &lab_runs());
    let text =
        plan(r#"{ reference = "runs.csv" }"#, "").replace("gpu = \"A100\"", "gpu = \"B200\"");
    let scenario = write(dir.path(), "plan.toml", &text);
    let html = dir.path().join("report.html");
    flopcast()
        .args(["report", &scenario, "-o", path_str(&html), "--runs", "2000"])
        .assert()
        .success();
    let page = fs::read_to_string(&html).unwrap();
    assert!(
        page.contains("class=\"warning\">The utilisation prior is used outside"),
        "no warning"
    );
    assert!(page.contains("no reference run used B200"));
}

#[test]
fn a_missing_reference_file_is_located_in_the_scenario() {
    let dir = TempDir::new().unwrap();
    let scenario = write(
        dir.path(),
        "plan.toml",
        &plan(r#"{ reference = "nowhere.csv" }"#, ""),
    );
    let err = stderr_of_failure(flopcast().args(["check", &scenario]));
    assert!(
        err.contains("cannot read the reference runs") && err.contains("plan.toml:10:7"),
        "{err}"
    );
    assert!(
        err.contains("relative to the scenario file's folder"),
        "{err}"
    );
}
