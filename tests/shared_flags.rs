//! Every subcommand spells a shared option the same way and means the same by it.

use std::process::Command;

mod common;
use common::{ARTICLE, DEEPSEEK, LLAMA, flopcast, stdout_of};

/// Each subcommand that does work, with the arguments it needs to run quickly.
fn working_commands(dir: &std::path::Path) -> Vec<Vec<String>> {
    let out = dir.join("r.html").to_str().unwrap().to_string();
    let commands: [&[&str]; 7] = [
        &["run", LLAMA, "--runs", "2000"],
        &["check", LLAMA, "--runs", "2000"],
        &[
            "sweep",
            LLAMA,
            "--set",
            "cluster.gpus=8192,16384",
            "--runs",
            "2000",
        ],
        &["compare", LLAMA, DEEPSEEK, "--runs", "2000"],
        &[
            "sensitivity",
            DEEPSEEK,
            "--runs",
            "2000",
            "--sobol-n",
            "64",
            "--bootstrap",
            "0",
        ],
        &["calibrate", DEEPSEEK, "--runs", "2000"],
        &[
            "report",
            DEEPSEEK,
            "-o",
            &out,
            "--runs",
            "2000",
            "--sobol-n",
            "64",
        ],
    ];
    commands
        .iter()
        .map(|c| c.iter().map(|s| s.to_string()).collect())
        .collect()
}

#[test]
fn every_working_subcommand_accepts_no_progress() {
    let dir = tempfile::tempdir().unwrap();
    for args in working_commands(dir.path()) {
        flopcast()
            .args(&args)
            .arg("--no-progress")
            .assert()
            .success();
    }
}

#[test]
fn long_work_shows_progress_on_a_terminal_and_not_with_no_progress() {
    // `script` gives the command a terminal; without it there is nothing to see.
    if Command::new("script").arg("--version").output().is_err() {
        return;
    }
    let bin = env!("CARGO_BIN_EXE_flopcast");
    // Long enough to outlast the display's one-second wait in the build under test, with
    // room: 8 M runs came to take about a second in the test profile (opt-level 1), and 80 M
    // in release, whose runs are some ten times faster.
    let (runs, total) = if cfg!(debug_assertions) {
        ("10M", "/40,000,000 runs")
    } else {
        ("40M", "/160,000,000 runs")
    };
    let sweep =
        format!("{bin} sweep {LLAMA} --set cluster.gpus=8192,16384,24576,32768 --runs {runs}");
    let on_terminal = |command: &str| {
        let out = Command::new("script")
            .args(["-qec", command, "/dev/null"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("RUST_BACKTRACE", "0")
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let shown = on_terminal(&sweep);
    assert!(
        shown.contains(total) && shown.contains("point 4 of 4"),
        "no progress shown"
    );
    let hidden = on_terminal(&format!("{sweep} --no-progress"));
    assert!(
        !hidden.contains(total),
        "progress shown despite --no-progress"
    );
    // Piped, never: a script's stderr stays clean.
    let piped = flopcast()
        .args([
            "sweep",
            LLAMA,
            "--set",
            "cluster.gpus=8192,16384",
            "--runs",
            "2M",
        ])
        .output()
        .unwrap();
    assert!(
        piped.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&piped.stderr)
    );
}

#[test]
fn compare_reports_each_scenarios_chance_of_the_budget_and_deadline() {
    let out = stdout_of(&[
        "compare",
        ARTICLE,
        LLAMA,
        "--runs",
        "20000",
        "--budget",
        "110M",
        "--deadline",
        "80",
    ]);
    // The article's point values: 68.55 days and $52.65M of compute plus $25M of salaries.
    assert!(
        out.contains("A: P(total_cost_usd <= $110.0M) = 100% (all 20000 runs"),
        "{out}"
    );
    assert!(out.contains("A: P(train_days <= 80) = 100% (all"), "{out}");
    assert!(out.contains("B: P(total_cost_usd <= $110.0M) = "), "{out}");
    assert!(
        out.contains("B: P(total_cost_usd <= $110.0M and train_days <= 80)"),
        "{out}"
    );
}

#[test]
fn the_metric_is_named_metric_and_the_old_name_still_works() {
    let args = |flag: &str| {
        stdout_of(&[
            "sensitivity",
            DEEPSEEK,
            flag,
            "train_days",
            "--runs",
            "2000",
            "--sobol-n",
            "64",
            "--bootstrap",
            "0",
        ])
    };
    let new = args("--metric");
    assert!(new.starts_with("Sensitivity of train_days"), "{new}");
    assert_eq!(new, args("--output"));
}

#[test]
fn run_writes_its_chances_to_a_companion_csv() {
    let dir = tempfile::tempdir().unwrap();
    let chances = dir.path().join("chances.csv");
    let path = chances.to_str().unwrap();
    let text = stdout_of(&[
        "run",
        LLAMA,
        "--runs",
        "20000",
        "--budget",
        "110M",
        "--deadline",
        "80",
        "--chances-csv",
        path,
    ]);
    let csv = std::fs::read_to_string(&chances).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "chance,metric,limit,p,se,ci95_lo,ci95_hi,runs_within,runs"
    );
    assert!(lines[1].starts_with("within_budget,total_cost_usd,110000000,"));
    assert!(lines[2].starts_with("within_deadline,train_days,80,"));
    assert!(lines[3].starts_with("within_both,total_cost_usd and train_days,,"));
    // The same chance the terminal shows.
    let p: f64 = lines[1].split(',').nth(3).unwrap().parse().unwrap();
    assert!(text.contains(&format!("= {:.2}%", 100.0 * p)), "{text}");
    // Without a goal there is nothing to write: a flag error, and no file.
    let lone = dir.path().join("lone.csv");
    flopcast()
        .args([
            "run",
            LLAMA,
            "--runs",
            "2000",
            "--chances-csv",
            lone.to_str().unwrap(),
        ])
        .assert()
        .code(2);
    assert!(!lone.exists());
}

#[test]
fn every_command_that_prints_a_report_writes_it_as_json_too() {
    let dir = tempfile::tempdir().unwrap();
    for args in working_commands(dir.path()) {
        if args[0] == "report" {
            continue; // its report is the HTML file
        }
        let json = dir.path().join(format!("{}.json", args[0]));
        flopcast()
            .args(&args)
            .args(["--json", json.to_str().unwrap()])
            .assert()
            .success();
        let text = std::fs::read_to_string(&json).unwrap();
        let value: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", args[0]));
        assert!(value.is_object(), "{}", args[0]);
    }
}

#[test]
fn every_command_that_prints_a_report_writes_it_as_csv_too() {
    let dir = tempfile::tempdir().unwrap();
    for args in working_commands(dir.path()) {
        if args[0] == "report" {
            continue;
        }
        let csv = dir.path().join(format!("{}.csv", args[0]));
        flopcast()
            .args(&args)
            .args(["--csv", csv.to_str().unwrap()])
            .assert()
            .success();
        let text = std::fs::read_to_string(&csv).unwrap();
        let mut rows = text.lines().map(|l| l.split(',').count());
        let columns = rows.next().unwrap();
        assert!(columns > 1, "{}: {text}", args[0]);
        assert!(rows.next().is_some(), "{}: no rows in {text}", args[0]);
    }
}

/// The Markdown says what the terminal says: every cell of the printed tables is in it.
#[test]
fn every_command_that_prints_a_report_writes_it_as_markdown() {
    let dir = tempfile::tempdir().unwrap();
    for args in working_commands(dir.path()) {
        if args[0] == "report" {
            continue;
        }
        let md = dir.path().join(format!("{}.md", args[0]));
        let out = flopcast()
            .args(&args)
            .args(["--markdown", md.to_str().unwrap(), "--no-progress"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", args[0]);
        let printed = String::from_utf8(out.stdout).unwrap();
        let text = std::fs::read_to_string(&md).unwrap();
        assert!(text.starts_with("## "), "{}: {text}", args[0]);
        assert!(text.contains("|---|"), "{}: {text}", args[0]);
        // The first table row under the terminal's rule, cell by cell.
        let lines: Vec<&str> = printed.lines().collect();
        let rule = lines.iter().position(|l| l.starts_with("----")).unwrap();
        for cell in lines[rule + 1]
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            let escaped = cell
                .replace('_', "\\_")
                .replace('*', "\\*")
                .replace('$', "\\$");
            assert!(
                text.contains(&escaped),
                "{}: `{escaped}` not in\n{text}",
                args[0]
            );
        }
    }
}

#[test]
fn check_json_carries_the_inputs_the_prior_and_the_flaw_of_averages() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("check.json");
    stdout_of(&[
        "check",
        "scenarios/plan-70b-h100.toml",
        "--runs",
        "2000",
        "--json",
        json.to_str().unwrap(),
    ]);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let mfu = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == "cluster.mfu")
        .unwrap();
    assert!(mfu["distribution"].as_str().unwrap().starts_with("log_t("));
    assert_eq!(v["reference"]["runs"], 43);
    assert_eq!(v["reference"]["terms"][1]["name"], "ln peak16_tflops");
    assert_eq!(v["flaw_of_averages"][0]["metric"], "train_days");
}
