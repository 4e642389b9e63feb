//! `run`, `compare` and `calibrate` reduce their runs as they are drawn: their figures must be
//! those of the stored sample, bit for bit, which the library still computes from a stored
//! simulation (`RunReport::new`, the sample summaries) for this comparison.

mod common;

use std::path::PathBuf;

use common::{DEEPSEEK, FAILURES, LLAMA};
use flopcast::commands::{self, Sampling, compare, run};
use flopcast::model::Metric;
use flopcast::report::{Goals, RunReport};
use flopcast::sample::scheme::Scheme;
use flopcast::scenario::Scenario;
use flopcast::simulate::{Simulation, simulate};
use flopcast::stats::replicated;

const RUNS: u64 = 150_000;
const PERCENTILES: [f64; 7] = run::DEFAULT_PERCENTILES;
const GOALS: Goals = Goals {
    budget_usd: Some(9e7),
    deadline_days: Some(75.0),
    deadline_date: None,
};

fn path(p: &str) -> PathBuf {
    PathBuf::from(p)
}

fn sampling() -> Sampling {
    Sampling {
        runs: Some(RUNS),
        seed: Some(42),
        threads: 0,
    }
}

/// Every run of `scenario` kept, drawn as the streaming commands draw them.
fn stored(scenario: &Scenario, scheme: Scheme) -> Simulation {
    let plan = commands::plan(scenario, RUNS, 42, Some(scheme), &PERCENTILES);
    let sim = simulate(&plan, scenario.options, &|_| {});
    sim.ensure_finite().unwrap();
    sim
}

fn stored_report(file: &str, scenario: &Scenario, sim: &Simulation) -> RunReport {
    RunReport::new(&scenario.name, file, sim, &PERCENTILES, &GOALS)
}

const SCHEMES: [Scheme; 3] = [Scheme::MonteCarlo, Scheme::Sobol, Scheme::LatinHypercube];

#[test]
fn a_streamed_run_reports_the_stored_figures() {
    let dir = tempfile::tempdir().unwrap();
    let correlated = common::correlated_in(dir.path());
    for file in [LLAMA, FAILURES, correlated.as_str()] {
        let scenario = Scenario::load(&path(file)).unwrap();
        for scheme in SCHEMES {
            let streamed = run::run(&run::RunOptions {
                scenario: path(file),
                sampling: sampling(),
                scheme: Some(scheme),
                goals: GOALS,
                ..Default::default()
            })
            .unwrap()
            .report;
            let stored = stored_report(file, &scenario, &stored(&scenario, scheme));
            assert_eq!(
                format!("{streamed:?}"),
                format!("{stored:?}"),
                "{file} {scheme:?}"
            );
        }
    }
}

#[test]
fn a_streamed_comparison_reports_the_stored_figures() {
    let dir = tempfile::tempdir().unwrap();
    let correlated = common::correlated_in(dir.path());
    // Different outputs on each side (failures add two), ties (a scenario against itself).
    let pairs = [
        (LLAMA, FAILURES),
        (FAILURES, DEEPSEEK),
        (correlated.as_str(), LLAMA),
        (LLAMA, LLAMA),
    ];
    for (a, b) in pairs {
        for scheme in [Scheme::MonteCarlo, Scheme::Sobol] {
            let plots = dir.path().join("plots");
            // With charts, which take passes of their own over the same runs.
            let streamed = compare::compare(&compare::CompareOptions {
                a: path(a),
                b: path(b),
                sampling: sampling(),
                scheme: Some(scheme),
                goals: GOALS,
                plots: Some(plots),
                ..Default::default()
            })
            .unwrap()
            .report;
            let (sa, sb) = (
                Scenario::load(&path(a)).unwrap(),
                Scenario::load(&path(b)).unwrap(),
            );
            let (x, y) = (stored(&sa, scheme), stored(&sb, scheme));
            let what = format!("{a} vs {b} {scheme:?}");
            let report = |r: &RunReport| format!("{r:?}");
            assert_eq!(
                report(&streamed.a),
                report(&stored_report(a, &sa, &x)),
                "{what}"
            );
            assert_eq!(
                report(&streamed.b),
                report(&stored_report(b, &sb, &y)),
                "{what}"
            );
            let reps = x.uniforms.replicates.as_ref();
            for (m, summary) in &streamed.difference {
                let d: Vec<f64> = y
                    .column(*m)
                    .iter()
                    .zip(x.column(*m))
                    .map(|(v, u)| v - u)
                    .collect();
                let stored = replicated::summarize_sample(&d, &PERCENTILES, reps);
                assert_eq!(
                    format!("{summary:?}"),
                    format!("{stored:?}"),
                    "{what} {m:?}"
                );
            }
            assert!(
                streamed
                    .difference
                    .iter()
                    .any(|d| d.0 == Metric::TotalCostUsd)
            );
            let chance = |m: Metric, test: fn(f64, f64) -> bool| {
                replicated::chance(y.column(m), x.column(m), reps, test)
            };
            let expected = [
                chance(Metric::TotalCostUsd, |v, u| v < u),
                chance(Metric::TrainDays, |v, u| v < u),
                chance(Metric::TotalCostUsd, |v, u| v == u),
                chance(Metric::TrainDays, |v, u| v == u),
            ];
            let got = [
                streamed.b_cheaper,
                streamed.b_faster,
                streamed.same_cost,
                streamed.same_days,
            ];
            assert_eq!(format!("{got:?}"), format!("{expected:?}"), "{what}");
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
