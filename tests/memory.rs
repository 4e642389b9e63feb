//! Memory: every command's estimate of its peak against the peak measured, and the refusal of
//! a command that cannot fit, with the largest size that does.

mod common;

use std::path::PathBuf;

use common::{DEEPSEEK, LLAMA, flopcast, peak_memory};
use flopcast::commands::Sampling;
use flopcast::commands::{
    calibrate, check, compare, portfolio, report, run, sensitivity, sweep, update,
};
use flopcast::memory::LIMIT_VAR;
use flopcast::scenario::parse_set;

const PORTFOLIO: &str = "scenarios/portfolios/plan-2027.toml";

fn path(p: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// The estimate may not fall short of what the command really takes beyond a small run of the
/// same command (the program, its threads), nor exceed it twice over, each beyond a slack of
/// 2 MiB or 5% of the estimate: the allocator hands out memory in pages and keeps some it has
/// been given back, and how the threads' scratch buffers overlap in time moves the peak of one
/// command by about 1.5 MiB from run to run (report at 100k runs: 21.5 to 22.9 MiB), in the
/// large run and the small one alike; the refusal itself keeps 10% of the available memory in
/// reserve for such jitter. (`calibrate`, estimated 9.3 MiB, measured 5.0–5.7 MiB used, and
/// once, under the load of the other tests, below 4.65.)
fn assert_honest(command: &str, large: (&[&str], u64), small: (&[&str], u64)) {
    assert_within(command, large, small, 2.0);
}

/// [`assert_honest`] with the estimate allowed up to `most` times what is used.
fn assert_within(command: &str, large: (&[&str], u64), small: (&[&str], u64), most: f64) {
    let (peak, _) = peak_memory(large.0);
    let (base, _) = peak_memory(small.0);
    let used = peak.saturating_sub(base);
    let estimate = large.1 - small.1;
    let mib = |b: u64| b as f64 / (1 << 20) as f64;
    eprintln!(
        "{command}: estimated {:.1} MiB, used {:.1} MiB ({:.1} − {:.1})",
        mib(estimate),
        mib(used),
        mib(peak),
        mib(base)
    );
    let slack = (2 << 20).max(estimate / 20);
    assert!(
        estimate + slack >= used,
        "{command}: estimated {:.1} MiB, used {:.1} MiB",
        mib(estimate),
        mib(used)
    );
    assert!(
        estimate as f64 <= most * used as f64 + slack as f64,
        "{command}: estimated {:.1} MiB, more than {most} times the {:.1} MiB used",
        mib(estimate),
        mib(used)
    );
}

fn run_estimate(runs: u64) -> u64 {
    run_estimate_with(runs, false)
}

/// With `--plots`, whose charts take one more pass over the streamed runs.
fn run_estimate_with(runs: u64, plots: bool) -> u64 {
    run::peak_bytes(&run::RunOptions {
        scenario: path(DEEPSEEK),
        sampling: Sampling {
            runs: Some(runs),
            ..Default::default()
        },
        plots: plots.then(|| PathBuf::from("plots")),
        ..Default::default()
    })
    .unwrap()
}

#[test]
fn run_uses_what_it_estimates() {
    let dir = tempfile::TempDir::new().unwrap();
    let plots = dir.path().join("plots");
    let plots = plots.to_str().unwrap();
    assert_honest(
        "run with charts, streamed",
        (
            &["run", DEEPSEEK, "--runs", "2M", "--plots", plots],
            run_estimate_with(2_000_000, true),
        ),
        (
            &["run", DEEPSEEK, "--runs", "1000", "--plots", plots],
            run_estimate_with(1000, true),
        ),
    );
}

#[test]
fn check_uses_what_it_estimates() {
    let estimate = |runs| {
        check::peak_bytes(&check::CheckOptions {
            scenario: path(LLAMA),
            sampling: Sampling {
                runs: Some(runs),
                ..Default::default()
            },
            ..Default::default()
        })
        .unwrap()
    };
    assert_honest(
        "check",
        (&["check", LLAMA, "--runs", "2M"], estimate(2_000_000)),
        (&["check", LLAMA, "--runs", "1000"], estimate(1000)),
    );
}

#[test]
fn update_uses_what_it_estimates() {
    const FAILURES: &str = "scenarios/llama-3.1-405b-failures.toml";
    let args = |runs: &'static str| -> Vec<&'static str> {
        vec![
            "update",
            FAILURES,
            "--elapsed-days",
            "30",
            "--tokens-done",
            "41%",
            "--interruptions",
            "250",
            "--runs",
            runs,
        ]
    };
    assert_honest(
        "update",
        (&args("1M"), update::peak_bytes(1_000_000)),
        (&args("1000"), update::peak_bytes(1000)),
    );
}

#[test]
fn portfolio_uses_what_it_estimates() {
    let args =
        |runs: &'static str| -> Vec<&'static str> { vec!["portfolio", PORTFOLIO, "--runs", runs] };
    // The bundled plan: two runs, a budget year, spend by month.
    let estimate = |runs| {
        portfolio::peak_bytes(&portfolio::PortfolioOptions {
            plan: PathBuf::from(PORTFOLIO),
            goals: Default::default(),
            budget_year: None,
            sampling: Sampling {
                runs: Some(runs),
                seed: None,
                threads: 0,
            },
            progress: false,
            tables: Default::default(),
            samples_csv: None,
            spend_csv: None,
        })
        .unwrap()
    };
    assert_honest(
        "portfolio",
        (&args("2M"), estimate(2_000_000)),
        (&args("1000"), estimate(1000)),
    );
}

#[test]
fn calibrate_uses_what_it_estimates() {
    let scenarios = [LLAMA, DEEPSEEK];
    let estimate = |runs| {
        calibrate::peak_bytes(&calibrate::CalibrateOptions {
            scenarios: scenarios.iter().map(|s| path(s)).collect(),
            sampling: Sampling {
                runs: Some(runs),
                ..Default::default()
            },
            ..Default::default()
        })
        .unwrap()
    };
    let args = |runs| ["calibrate", scenarios[0], scenarios[1], "--runs", runs];
    assert_honest(
        "calibrate",
        (&args("2M"), estimate(2_000_000)),
        (&args("1000"), estimate(1000)),
    );
}

#[test]
fn compare_uses_what_it_estimates() {
    for plots in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let plots_dir = dir.path().to_str().unwrap();
        let estimate = |runs| {
            compare::peak_bytes(&compare::CompareOptions {
                a: path(LLAMA),
                b: path(DEEPSEEK),
                sampling: Sampling {
                    runs: Some(runs),
                    ..Default::default()
                },
                plots: plots.then(|| dir.path().to_path_buf()),
                ..Default::default()
            })
            .unwrap()
        };
        let args = |runs| {
            let mut a = vec!["compare", LLAMA, DEEPSEEK, "--runs", runs];
            if plots {
                a.extend(["--plots", plots_dir]);
            }
            a
        };
        assert_honest(
            if plots { "compare --plots" } else { "compare" },
            (&args("1M"), estimate(1_000_000)),
            (&args("1000"), estimate(1000)),
        );
    }
}

fn sensitivity_estimate(runs: u64, sobol_n: usize, bootstrap: usize) -> u64 {
    sensitivity::peak_bytes(&sensitivity::SensitivityOptions {
        runs,
        sobol_n,
        bootstrap,
        ..sensitivity::SensitivityOptions::new(path(DEEPSEEK))
    })
    .unwrap()
}

#[test]
fn sensitivity_runs_use_what_they_estimate() {
    let args = |runs| {
        [
            "sensitivity",
            DEEPSEEK,
            "--runs",
            runs,
            "--sobol-n",
            "64",
            "--bootstrap",
            "0",
            "--budget",
            "25M",
        ]
    };
    assert_honest(
        "sensitivity (runs)",
        (&args("100k"), sensitivity_estimate(100_000, 64, 0)),
        (&args("1000"), sensitivity_estimate(1000, 64, 0)),
    );
}

#[test]
fn a_sobol_study_uses_what_it_estimates() {
    let args = |n| {
        [
            "sensitivity",
            DEEPSEEK,
            "--runs",
            "1000",
            "--sobol-n",
            n,
            "--bootstrap",
            "20",
        ]
    };
    assert_honest(
        "sensitivity (Sobol)",
        (&args("32768"), sensitivity_estimate(1000, 32768, 20)),
        (&args("64"), sensitivity_estimate(1000, 64, 20)),
    );
}

#[test]
fn report_uses_what_it_estimates() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.html");
    let estimate = |runs| {
        report::peak_bytes(&report::ReportOptions {
            scenario: path(DEEPSEEK),
            output: out.clone(),
            sampling: Sampling {
                runs: Some(runs),
                ..Default::default()
            },
            scheme: Default::default(),
            goals: Default::default(),
            sobol_n: 64,
            progress: false,
        })
        .unwrap()
    };
    let out = out.to_str().unwrap();
    let args = |runs| {
        [
            "report",
            DEEPSEEK,
            "-o",
            out,
            "--runs",
            runs,
            "--sobol-n",
            "64",
        ]
    };
    assert_honest(
        "report",
        (&args("100k"), estimate(100_000)),
        (&args("1000"), estimate(1000)),
    );
}

/// `cluster.gpus` at `n` values from 1000 up.
fn gpus(n: usize) -> String {
    let values: Vec<String> = (1000..1000 + n).map(|g| g.to_string()).collect();
    format!("cluster.gpus={}", values.join(","))
}

#[test]
fn a_sweep_uses_what_it_estimates_per_point() {
    let mfu = format!(
        "cluster.mfu={}",
        (0..100)
            .map(|i| format!("{:.3}", 0.3 + i as f64 / 1000.0))
            .collect::<Vec<_>>()
            .join(",")
    );
    let estimate = |g: &str, m: &str| {
        sweep::peak_bytes(&sweep::SweepOptions {
            scenario: path(DEEPSEEK),
            sets: vec![parse_set(g).unwrap(), parse_set(m).unwrap()],
            sampling: Sampling {
                runs: Some(1),
                ..Default::default()
            },
            ..Default::default()
        })
        .unwrap()
    };
    let (large, small) = (gpus(200), gpus(2));
    let large_args = [
        "sweep", DEEPSEEK, "--set", &large, "--set", &mfu, "--runs", "1",
    ];
    let small_args = [
        "sweep",
        DEEPSEEK,
        "--set",
        &small,
        "--set",
        "cluster.mfu=0.3",
        "--runs",
        "1",
    ];
    assert_honest(
        "sweep",
        (&large_args, estimate(&large, &mfu)),
        (&small_args, estimate(&small, "cluster.mfu=0.3")),
    );
}

// ---------------------------------------------------------------------------------------------
// Refusals

/// Stderr of a command refused under a memory limit of `limit` bytes; it must exit 1.
fn refused(limit: &str, args: &[&str]) -> String {
    let out = flopcast()
        .env(LIMIT_VAR, limit)
        .args(args)
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    String::from_utf8(out).unwrap()
}

/// The number in "(FLAG N fits)".
fn fitting(stderr: &str, flag: &str) -> u64 {
    let start = stderr
        .find(&format!("({flag} "))
        .unwrap_or_else(|| panic!("no ({flag} in: {stderr}"))
        + flag.len()
        + 2;
    let digits: String = stderr[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no size in: {stderr}"))
}

#[test]
fn sensitivity_memory_does_not_grow_with_its_runs() {
    // Streamed: a few √runs values kept per input's quartile, and passes that keep at most a
    // fixed amount to rank the runs within their bins.
    let (small, large) = (
        sensitivity_estimate(10_000_000, 32768, 200),
        sensitivity_estimate(1_000_000_000, 32768, 200),
    );
    eprintln!("sensitivity of 1e7 runs: {small} bytes; of 1e9: {large} bytes");
    assert!(small < 128 << 20 && large < 256 << 20, "{small} {large}");
}

#[test]
fn a_sobol_study_too_large_is_refused_naming_sobol_n() {
    let stderr = refused(
        "1000000000",
        &[
            "sensitivity",
            DEEPSEEK,
            "--runs",
            "1000",
            "--sobol-n",
            "16777216",
        ],
    );
    assert!(stderr.contains("use a smaller Sobol study"), "{stderr}");
    let n = fitting(&stderr, "--sobol-n");
    assert!(n.is_power_of_two(), "{stderr}");
    assert!(sensitivity_estimate(1000, n as usize, 200) <= 1_000_000_000);
    assert!(sensitivity_estimate(1000, 2 * n as usize, 200) > 1_000_000_000);
}

#[test]
fn a_sweep_grid_too_large_is_refused_naming_its_points() {
    let (g, m) = (
        gpus(1000),
        gpus(1000).replace("cluster.gpus", "cost.gpu_hour_usd"),
    );
    let stderr = refused(
        "500000000",
        &["sweep", DEEPSEEK, "--set", &g, "--set", &m, "--runs", "1"],
    );
    assert!(
        stderr.starts_with("error: 1000000 grid points of 1 runs would need about"),
        "{stderr}"
    );
    assert!(stderr.contains("give fewer --set values ("), "{stderr}");
    // One point's runs are the problem (a point streams its runs, so it takes many): --runs
    // is named instead.
    let stderr = refused(
        "500000000",
        &[
            "sweep",
            DEEPSEEK,
            "--set",
            "cluster.gpus=1000,2000",
            "--runs",
            "1e12",
        ],
    );
    assert!(stderr.contains("use fewer runs (--runs "), "{stderr}");
}

#[test]
fn every_command_refuses_runs_that_do_not_fit_and_says_how_many_do() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("r.html");
    let html = html.to_str().unwrap();
    let commands: [&[&str]; 8] = [
        &["run", DEEPSEEK],
        &["portfolio", PORTFOLIO],
        &[
            "update",
            DEEPSEEK,
            "--elapsed-days",
            "9",
            "--tokens-done",
            "10%",
        ],
        &["check", DEEPSEEK],
        &["compare", LLAMA, DEEPSEEK],
        &["calibrate", LLAMA],
        &["report", DEEPSEEK, "-o", html],
        &["sensitivity", DEEPSEEK],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.extend(["--runs", "1e12"]);
        // 1 GB: a stream's kept values grow as √runs, and 10¹² runs of `check` (one percentile
        // kept) are estimated to fit in 2 GB.
        let stderr = refused("1000000000", &args);
        assert!(
            stderr.starts_with("error: 1000000000000 runs"),
            "{command:?}: {stderr}"
        );
        assert!(
            stderr.contains("use fewer runs (--runs "),
            "{command:?}: {stderr}"
        );
        assert!(fitting(&stderr, "--runs") > 0, "{command:?}: {stderr}");
    }
    assert!(!std::path::Path::new(html).exists());
}

#[test]
fn the_runs_offered_do_fit() {
    let dir = tempfile::TempDir::new().unwrap();
    let plots = dir.path().join("plots");
    // A streamed run fits 200 MB up to several hundred million runs; with --plots the offer is
    // also run, so its limit is set where the offer is a few million runs.
    for (limit, plotted) in [(200_000_000u64, false), (12_000_000, true)] {
        let mut args = vec!["run", DEEPSEEK, "--runs", "1e11"];
        if plotted {
            args.extend(["--plots", plots.to_str().unwrap()]);
        }
        let stderr = refused(&limit.to_string(), &args);
        let runs = fitting(&stderr, "--runs");
        let estimate = |r| run_estimate_with(r, plotted);
        assert!(
            estimate(runs) <= limit && estimate(runs * 11 / 10) > limit,
            "{stderr}"
        );
        if plotted {
            let runs = runs.to_string();
            args[3] = &runs;
            flopcast()
                .env(LIMIT_VAR, limit.to_string())
                .args(&args)
                .assert()
                .success();
        }
    }
}

/// Streamed runs keep a few values around each percentile, however many the runs.
#[test]
fn a_streamed_run_uses_what_it_estimates() {
    assert_honest(
        "streamed run",
        (&["run", DEEPSEEK, "--runs", "5M"], run_estimate(5_000_000)),
        (&["run", DEEPSEEK, "--runs", "1000"], run_estimate(1000)),
    );
}

/// The samples file renders a few pieces of rows at a time, after the stream has gone.
#[test]
fn a_run_writing_its_samples_uses_what_it_estimates() {
    let dir = tempfile::TempDir::new().unwrap();
    let csv = dir.path().join("runs.csv");
    let csv = csv.to_str().unwrap();
    let estimate = |runs| {
        run::peak_bytes(&run::RunOptions {
            scenario: path(LLAMA),
            sampling: Sampling {
                runs: Some(runs),
                ..Default::default()
            },
            samples_csv: Some(PathBuf::from(csv)),
            ..Default::default()
        })
        .unwrap()
    };
    assert_honest(
        "run with a samples file",
        (
            &["run", LLAMA, "--runs", "300000", "--samples-csv", csv],
            estimate(300_000),
        ),
        (
            &["run", LLAMA, "--runs", "1000", "--samples-csv", csv],
            estimate(1000),
        ),
    );
}

/// A run with a start date streams its spend by month and quarter as more columns.
#[test]
fn a_run_with_spend_by_period_uses_what_it_estimates() {
    const CONTRACT: &str = "scenarios/plan-70b-h100-contract.toml";
    let estimate = |runs| {
        run::peak_bytes(&run::RunOptions {
            scenario: path(CONTRACT),
            sampling: Sampling {
                runs: Some(runs),
                ..Default::default()
            },
            ..Default::default()
        })
        .unwrap()
    };
    // Many periods' columns are mostly ties (months in which most runs pay nothing, or
    // what has been paid by the end of a month long after most runs ended): past the first
    // wave they keep next to nothing, which the estimate, made before any run is drawn,
    // cannot know. Measured: 72.8 MiB estimated for 36.0 MiB used.
    assert_within(
        "run with spend by period",
        (&["run", CONTRACT, "--runs", "5M"], estimate(5_000_000)),
        (&["run", CONTRACT, "--runs", "1000"], estimate(1000)),
        2.5,
    );
}

#[test]
fn a_memory_limit_that_is_not_a_number_is_an_error() {
    let stderr = refused("lots", &["check", DEEPSEEK, "--runs", "1000"]);
    assert!(
        stderr.contains(LIMIT_VAR) && stderr.contains("not a number of bytes"),
        "{stderr}"
    );
}

#[test]
fn a_run_count_too_large_from_the_scenario_file_is_refused_at_its_line() {
    // Named no file or line: the advice named only --runs, which the user never gave.
    let dir = tempfile::TempDir::new().unwrap();
    let plan = dir.path().join("plan.toml");
    let text = std::fs::read_to_string(path(DEEPSEEK))
        .unwrap()
        .replace("runs = 1_000_000", "runs = 1e15");
    let line = text.lines().position(|l| l == "runs = 1e15").unwrap() + 1;
    std::fs::write(&plan, &text).unwrap();
    let other = path(LLAMA);
    let html = dir.path().join("r.html");
    let p = plan.to_str().unwrap();
    let commands: [&[&str]; 5] = [
        &["run", p],
        &["compare", p, other.to_str().unwrap()],
        &["calibrate", p],
        &["report", p, "-o", html.to_str().unwrap()],
        &["sweep", p, "--set", "cluster.gpus=1024,2048"],
    ];
    for args in commands {
        let stderr = refused("25769803776", args);
        assert!(
            stderr.contains(&format!("from `[simulation] runs` at {p}:{line}:8)"))
                && stderr.contains("or lower `[simulation] runs` in the scenario"),
            "{args:?}: {stderr}"
        );
    }
    // A --runs on the command line is the figure to lower: no file is named.
    let stderr = refused("25769803776", &["run", p, "--runs", "1e15"]);
    assert!(!stderr.contains("[simulation]"), "{stderr}");
}
