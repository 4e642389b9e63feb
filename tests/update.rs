//! `flopcast update`: a run in flight re-forecast from what it has shown.
//!
//! The coverage check draws runs from the scenario itself with an event-by-event simulation
//! written here (not the one `update` uses), observes each when it first reaches 10%, 30% and
//! 60% of its tokens, and asks whether the re-forecast's 90% band of the remaining days holds
//! the days the run then really took.

mod common;
use common::*;

use flopcast::commands::Sampling;
use flopcast::commands::update::{TokensDone, UpdateOptions, update};
use flopcast::report::Goals;
use flopcast::report::update::UpdateReport;
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

/// 7B on 512 GPUs of 1 PFLOP/s for 2e13 tokens: 8.4e23 FLOP, 1,140 hours of work at 40%
/// utilisation, about 230 interruptions (λ = 0.2 an hour), each a restart of 0.2–0.6 h and
/// the work since the last hourly checkpoint.
const IN_FLIGHT: &str = r#"name = "synthetic run in flight"
[model]
params = 7e9
tokens = 2e13
[cluster]
gpus = 512
peak_tflops = 1000
mfu = { dist = "uniform", min = 0.3, max = 0.5 }
[cost]
gpu_hour_usd = 2
[team]
size = 5
salary_usd = 300e3
months = 6
[failures]
rate_per_gpu_hour = { dist = "uniform", min = 2e-4, max = 6e-4 }
restart_hours = { dist = "uniform", min = 0.2, max = 0.6 }
checkpoint_interval_hours = 1
checkpoint_write_hours = 0.05
"#;

const GPUS: f64 = 512.0;
const TOKENS: f64 = 2e13;
const TAU: f64 = 1.0;
const WRITE: f64 = 0.05;

/// One attempt at a checkpoint interval of a run drawn from `IN_FLIGHT`.
struct Attempt {
    /// The wall hour it starts.
    wall: f64,
    /// Work hours checkpointed before it, its own work, and its running hours with the
    /// checkpoint's write.
    done: f64,
    len: f64,
    length: f64,
    /// Running hours until an interruption would cut it, and whether one does.
    failure: f64,
    interrupted: bool,
    restart: f64,
    /// Interruptions before it.
    k: u64,
}

/// A run drawn from `IN_FLIGHT`, simulated interruption by interruption, `watch` seeing each
/// attempt and the run's work hours; the run's wall hours, or None when `watch` stops it.
fn event_run(
    rng: &mut Xoshiro256PlusPlus,
    mut watch: impl FnMut(&Attempt, f64) -> bool,
) -> Option<f64> {
    let mfu = rng.random_range(0.3..0.5);
    let lambda = GPUS * rng.random_range(2e-4..6e-4);
    let restart = rng.random_range(0.2..0.6);
    let work = 6.0 * 7e9 * TOKENS / (GPUS * 1e15 * mfu) / 3600.0;
    let (mut wall, mut done, mut k) = (0.0, 0.0, 0u64);
    while done < work {
        let len = TAU.min(work - done);
        let length = len + if len == TAU { WRITE } else { 0.0 };
        let failure = -(1.0 - rng.random::<f64>()).ln() / lambda;
        let a = Attempt {
            wall,
            done,
            len,
            length,
            failure,
            interrupted: failure < length,
            restart,
            k,
        };
        if !watch(&a, work) {
            return None;
        }
        if a.interrupted {
            wall += failure + restart;
            k += 1;
        } else {
            wall += length;
            done += len;
        }
    }
    Some(wall)
}

/// One run drawn from `IN_FLIGHT`: the hour at which its work first reaches each share of the
/// whole, the interruptions by then, and its end.
struct Truth {
    /// (wall hours, interruptions so far) at each share.
    seen: Vec<(f64, u64)>,
    total_hours: f64,
}

fn synthetic_run(rng: &mut Xoshiro256PlusPlus, shares: &[f64]) -> Truth {
    let mut seen = vec![None; shares.len()];
    let total_hours = event_run(rng, |a, work| {
        for (s, at) in shares.iter().zip(seen.iter_mut()) {
            let into = s * work - a.done;
            if at.is_none() && (0.0..=a.len).contains(&into) && into < a.failure {
                *at = Some((a.wall + into, a.k));
            }
        }
        true
    })
    .expect("watched to the end");
    Truth {
        seen: seen.into_iter().map(Option::unwrap).collect(),
        total_hours,
    }
}

fn reforecast(
    path: &std::path::Path,
    elapsed_days: f64,
    tokens: TokensDone,
    k: Option<u64>,
    runs: u64,
) -> UpdateReport {
    let opts = UpdateOptions {
        scenario: path.to_path_buf(),
        elapsed_days,
        tokens_done: tokens,
        interruptions: k,
        spent_usd: None,
        goals: Goals::default(),
        sampling: Sampling {
            runs: Some(runs),
            seed: Some(7),
            threads: 0,
        },
        progress: false,
        tables: Default::default(),
    };
    update(&opts)
        .unwrap_or_else(|e| panic!("update failed: {e}"))
        .report
}

fn band(r: &UpdateReport, name: &str) -> [f64; 3] {
    let f = r.figures.iter().find(|f| f.name == name).expect(name);
    f.now.map(|e| e.value)
}

#[test]
fn the_band_of_remaining_days_covers_the_truth_90_percent_of_the_time_and_narrows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in-flight.toml");
    std::fs::write(&path, IN_FLIGHT).unwrap();
    let shares = [0.1, 0.3, 0.6];
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(2026);
    let truths: Vec<Truth> = (0..200).map(|_| synthetic_run(&mut rng, &shares)).collect();
    let mut widths = Vec::new();
    for (j, share) in shares.iter().enumerate() {
        let (mut covered, mut width) = (0, 0.0);
        for t in &truths {
            let (hours, k) = t.seen[j];
            let r = reforecast(
                &path,
                hours / 24.0,
                TokensDone::Share(*share),
                Some(k),
                20_000,
            );
            let [p5, _, p95] = band(&r, "remaining_days");
            let truth = (t.total_hours - hours) / 24.0;
            covered += usize::from(p5 <= truth && truth <= p95);
            width += (p95 - p5) / truths.len() as f64;
        }
        let coverage = covered as f64 / truths.len() as f64;
        eprintln!("at {share}: 90% band covers {coverage}, mean width {width:.3} days");
        assert!(
            (0.85..=0.95).contains(&coverage),
            "at {}% of the tokens the 90% band covered {:.1}% of 200 runs",
            share * 100.0,
            coverage * 100.0
        );
        widths.push(width);
    }
    assert!(
        widths.windows(2).all(|w| w[1] < w[0]),
        "the bands should narrow as the run goes on: {widths:?}"
    );
}

/// Without `[failures]` a run keeps its pace: the rest follows from the pace so far.
#[test]
fn a_steady_run_is_extrapolated_at_its_own_pace() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("steady.toml");
    let text = IN_FLIGHT.split("[failures]").next().unwrap().replace(
        "peak_tflops = 1000\n",
        "peak_tflops = 1000\ndowntime = 0.1\n",
    );
    std::fs::write(&path, text).unwrap();
    let r = reforecast(&path, 10.0, TokensDone::Share(0.2), None, 5_000);
    for p in band(&r, "remaining_days") {
        assert_close("remaining days", p, 40.0, 1e-9);
    }
    // 4e12 tokens in 10 days, 90% of them working: mfu = 6 × 7e9 × 4e12 / (5.12e17 × 777,600 s).
    let mfu = r.shown[0].now[1].value;
    assert_close(
        "implied utilisation",
        mfu,
        1.68e23 / (5.12e17 * 777_600.0),
        1e-9,
    );
    assert!(r.steady);
}

/// The bundled 405B plan with interruptions, 30 days in: 41% of the tokens, 250 interruptions.
const SEEN_405B: [&str; 8] = [
    "update",
    "scenarios/llama-3.1-405b-failures.toml",
    "--elapsed-days",
    "30",
    "--tokens-done",
    "41%",
    "--interruptions",
    "250",
];

#[test]
fn the_cli_writes_the_reforecast_beside_the_plan_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("u.json");
    let csv = dir.path().join("u.csv");
    let md = dir.path().join("u.md");
    let more = [
        "--spent",
        "30M",
        "--deadline",
        "75",
        "--runs",
        "20000",
        "--json",
        path_str(&json),
        "--csv",
        path_str(&csv),
        "--markdown",
        path_str(&md),
    ];
    let text = stdout_of(&[&SEEN_405B[..], &more].concat());
    for want in [
        "remaining_days",
        "cost_to_complete_usd",
        "P(train_days <= 75",
        "narrower",
    ] {
        assert!(text.contains(want), "{want} missing from:\n{text}");
    }
    let v = read_json(&json);
    let figures = v["figures"].as_array().unwrap();
    let days = figures.iter().find(|f| f["name"] == "train_days").unwrap();
    let (p5, _, lo, hi) = estimate(&days["now"]["p5"], "train_days p5");
    assert!(lo <= p5 && p5 <= hi);
    assert!(num(&days["plan"]["p95"], "plan p95") > num(&days["now"]["p95"]["value"], "p95"));
    assert_eq!(v["observed"]["interruptions"], 250);
    let rows = csv_records(&csv);
    assert!(
        rows.iter()
            .any(|r| r["section"] == "forecast" && r["name"] == "remaining_days")
    );
    assert!(rows.iter().any(|r| r["section"] == "chance"));
    assert!(
        std::fs::read_to_string(&md)
            .unwrap()
            .contains("| remaining\\_days")
    );
}

#[test]
fn the_reforecast_is_the_same_on_any_number_of_threads() {
    let args = |threads: &'static str| {
        stdout_of(&[&SEEN_405B[..], &["--runs", "150000", "--threads", threads]].concat())
    };
    assert_eq!(args("1"), args("2"));
}

#[test]
fn an_observation_the_plan_all_but_ruled_out_is_flagged() {
    // Unbounded priors, so that a surprising observation is unlikely rather than impossible.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tails.toml");
    let text = IN_FLIGHT
        .replace(
            r#"{ dist = "uniform", min = 0.3, max = 0.5 }"#,
            r#"{ dist = "lognormal", p5 = 0.35, p95 = 0.45, upper = 1 }"#,
        )
        .replace(
            r#"{ dist = "uniform", min = 2e-4, max = 6e-4 }"#,
            r#"{ dist = "lognormal", p5 = 2e-4, p95 = 6e-4 }"#,
        );
    std::fs::write(&path, text).unwrap();
    let run = |more: &[&str]| {
        let common = [
            "update",
            path_str(&path),
            "--elapsed-days",
            "16",
            "--runs",
            "20000",
        ];
        stdout_of(&[&common[..], more].concat())
    };
    // The plan expects about 30% of the tokens by day 16.
    let cases: [(&[&str], &str); 5] = [
        (
            &["--tokens-done", "15%"],
            "The pace is slower than the plan allowed",
        ),
        (
            &["--tokens-done", "40%"],
            "The pace is faster than the plan allowed",
        ),
        (
            &["--tokens-done", "30%", "--interruptions", "150"],
            "More interruptions than the plan allowed",
        ),
        (
            &["--tokens-done", "30%", "--interruptions", "5"],
            "Fewer interruptions than the plan allowed",
        ),
        // $459k by day 16: 512 GPUs at $2 an hour and five salaries.
        (
            &["--tokens-done", "30%", "--spent", "10M"],
            "The spend given, $10.00M, lies more than 10% outside",
        ),
    ];
    for (more, want) in cases {
        let text = run(more);
        assert!(text.contains(want), "{more:?}: {want} missing from\n{text}");
    }
    let fine = run(&[
        "--tokens-done",
        "30%",
        "--interruptions",
        "60",
        "--spent",
        "460k",
    ]);
    assert!(!fine.contains("Flags"), "{fine}");
}

#[test]
fn observations_the_scenario_cannot_take_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let fixed = dir.path().join("fixed.toml");
    std::fs::write(
        &fixed,
        IN_FLIGHT.replace(r#"{ dist = "uniform", min = 0.3, max = 0.5 }"#, "0.4"),
    )
    .unwrap();
    let cases: [(&[&str], &str); 5] = [
        (
            &[
                "update",
                path_str(&fixed),
                "--elapsed-days",
                "5",
                "--tokens-done",
                "10%",
            ],
            "`cluster.mfu` is a single number",
        ),
        (
            &[
                "update",
                "scenarios/plan-70b-h100.toml",
                "--elapsed-days",
                "5",
                "--tokens-done",
                "10%",
                "--interruptions",
                "3",
            ],
            "--interruptions needs a [failures] section",
        ),
        (
            &[
                "update",
                "scenarios/plan-70b-h100.toml",
                "--elapsed-days",
                "5",
                "--tokens-done",
                "15T",
            ],
            "the run has finished",
        ),
        (
            // 90% of the tokens in a day: a utilisation far above 1.
            &[
                "update",
                "scenarios/llama-3.1-405b-failures.toml",
                "--elapsed-days",
                "1",
                "--tokens-done",
                "90%",
                "--runs",
                "2000",
            ],
            "the plan's priors rule it out",
        ),
        (
            &[
                "update",
                "scenarios/plan-70b-h100.toml",
                "--elapsed-days",
                "5",
                "--tokens-done",
                "100%",
            ],
            "between 0% and 100%",
        ),
    ];
    for (args, want) in cases {
        let err = stderr_of_failure(flopcast().args(args));
        assert!(err.contains(want), "{args:?}: {err}");
    }
    // Flags no scenario could take: a bad flag, exit 2.
    let base = [
        "update",
        "scenarios/llama-3.1-405b-failures.toml",
        "--tokens-done",
        "10%",
    ];
    let flags: [&[&str]; 4] = [
        &["--elapsed-days", "40000"],
        &["--elapsed-days", "0"],
        &["--elapsed-days", "9", "--interruptions", "100001"],
        &["--elapsed-days", "9", "--spent", "-5"],
    ];
    for more in flags {
        flopcast().args([&base[..], more].concat()).assert().code(2);
    }
}

/// A run observed at an hour fixed in advance (a weekly check-in): (hour, share of its tokens
/// done, interruptions so far, hours still to go), or None when it is restarting then (the
/// re-forecast assumes a run that is running) or has finished.
fn observed_at_hour(rng: &mut Xoshiro256PlusPlus, hour: f64) -> Option<(f64, f64, u64, f64)> {
    let mut seen = None;
    let wall = event_run(rng, |a, work| {
        let running = a.wall..a.wall + a.failure.min(a.length);
        if seen.is_none() && running.contains(&hour) {
            seen = Some(((a.done + (hour - a.wall).min(a.len)) / work, a.k));
        }
        let restarting = a.interrupted && hour < a.wall + a.failure + a.restart;
        seen.is_some() || !restarting
    })?;
    seen.map(|(share, k)| (hour, share, k, wall - hour))
}

/// The same check for runs seen at a fixed hour rather than on reaching a share of their
/// tokens, at 800 runs (several minutes): `cargo test --release --test update -- --ignored`.
#[test]
#[ignore]
fn runs_seen_at_a_fixed_hour_are_covered_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in-flight.toml");
    std::fs::write(&path, IN_FLIGHT).unwrap();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(99);
    // Day 34: about 60% of the way through a run of median length.
    let (mut n, mut covered, mut below) = (0, 0, 0);
    while n < 800 {
        let Some((hour, share, k, rest)) = observed_at_hour(&mut rng, 34.0 * 24.0) else {
            continue;
        };
        n += 1;
        let r = reforecast(
            &path,
            hour / 24.0,
            TokensDone::Share(share),
            Some(k),
            20_000,
        );
        let [p5, p50, p95] = band(&r, "remaining_days");
        let truth = rest / 24.0;
        covered += usize::from(p5 <= truth && truth <= p95);
        below += usize::from(truth < p50);
    }
    let (coverage, below) = (covered as f64 / n as f64, below as f64 / n as f64);
    eprintln!("seen at day 34: the 90% band covers {coverage:.3}; {below:.3} of truths below P50");
    assert!((0.87..=0.93).contains(&coverage), "{coverage}");
    assert!((0.45..=0.55).contains(&below), "{below}");
}
