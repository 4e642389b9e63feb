//! Throughput of `flopcast` on the bundled scenario `scenarios/llama-3.1-405b.toml`.
//!
//! Five groups, each on all cores (rayon's global pool, or a pool of one thread per core for
//! `whole_run`):
//!
//! - `sampling_and_model`: [`flopcast::simulate::fold_blocks`] — drawing every input of every
//!   run and evaluating every output, block by block, each block's outputs left where a
//!   streaming reduction would read them (a 50 KB buffer per thread) — for 1M and 10M runs
//!   (seed 42, Monte Carlo). Throughput is in runs per second (criterion's `elem/s`).
//! - `correlated_inputs`: the same for 10M runs of the scenario with its downtime a PERT as its
//!   MFU is, the two drawn independently (`independent`) or with Spearman's ρ = −0.4 between
//!   them by the Gaussian copula (`correlated`): what a correlation costs per run (each member
//!   reads two grids, its normal's and its grid in z, `dist::inverse::from_normal`, where an
//!   independent input reads one, its body's grid in u).
//! - `simulate_into_columns`: [`flopcast::simulate::simulate`], the same work plus storing
//!   every output of every run in one column per metric, as the commands' statistics read them
//!   today: 48 bytes per run, so 10M runs write 480 MB of fresh memory, whose page faults and
//!   zeroing by the kernel are part of what is measured.
//! - `whole_run`: [`flopcast::commands::run::run`] for 10M runs without a progress bar: loading
//!   the scenario, the memory check, simulation, every metric's statistics and the rendered
//!   terminal report (no files written). Throughput is in runs per second.
//! - `statistics`: [`flopcast::stats::summarize`] over one 10M-value output column
//!   (`total_cost_usd`) with the 7 default percentiles
//!   ([`flopcast::commands::run::DEFAULT_PERCENTILES`]). Throughput is in values per second.
//!
//! Run it with:
//!
//! ```text
//! cargo bench --bench throughput
//! ```
//!
//! Sample sizes are criterion's minimum (10) with short measurement times: the whole bench takes
//! about a minute on a 2-core machine, plus the build.
//!
//! **Where the time goes** (`perf record` on the 10M-run groups, 2-core AMD EPYC with AVX-512,
//! December 2026). `sampling_and_model` (53–58 M runs/s; 71 M since the tables' records are
//! loaded whole and transposed): the PERT's table about a third (its record search scalar, its
//! polynomials then gathered on AVX-512; its search is most of it now), the two lognormals' inverses
//! (AS 241's centre for every u, its tails for the 15% that need them, then e^x) about a
//! quarter, the model's arithmetic (five divisions a run) and the uniforms most of the rest;
//! every loop but the table's search compiled for AVX-512 (see `src/simd.rs`).
//! `simulate_into_columns` adds the kernel's zeroing of the 480 MB it writes (a quarter of its
//! time, with the columns on 2 MiB pages; on 4 KiB pages the page faults cost as much again)
//! and the copy into the columns. `whole_run` adds the statistics: seven passes over each
//! 80 MB column, about a third of its time.
//!
//! **What a correlation costs** (December 2026, same machine): `correlated_inputs` 86.7 ms
//! independent against 111.4 ms correlated, 4.9 ns more a run on one core. A copula member
//! reads two grids (its normal's in u, then its own in z) where an independent input reads
//! one, and a grid read costs about 2.1 ns a draw whether its table sits in the first-level
//! cache or the second (the standard normal's grid with u confined to 80 of its 2,048
//! intervals: 2.09 ns; spread over all: 2.37 ns): the eight records' transposes bound it, not
//! memory. So two reads, 4.2 ns, are most of the difference: a Gaussian copula by inversion
//! needs a Φ⁻¹ per member on top of the member's own read, and only a Φ⁻¹ cheaper than a grid
//! read would narrow it. The rest (the Cholesky product, the 1% of normals beyond the grid)
//! is the other 0.7 ns.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};

use flopcast::commands::Sampling;
use flopcast::commands::run::{self, DEFAULT_PERCENTILES, RunOptions};
use flopcast::model::Metric;
use flopcast::sample::SamplingPlan;
use flopcast::scenario::Scenario;
use flopcast::simulate::{fold_blocks, simulate};
use flopcast::stats::summarize;

const SEED: u64 = 42;
const BIG_RUNS: u64 = 10_000_000;

fn scenario_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/llama-3.1-405b.toml")
}

fn load_scenario() -> Scenario {
    Scenario::load(&scenario_path()).expect("the bundled scenario loads")
}

fn sampling_and_model(c: &mut Criterion) {
    let scenario = load_scenario();
    let mut group = c.benchmark_group("sampling_and_model");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_secs(1));
    for (runs, secs) in [(1_000_000, 3), (BIG_RUNS, 6)] {
        let plan = SamplingPlan::new(&scenario, runs, SEED);
        group.measurement_time(Duration::from_secs(secs));
        group.throughput(Throughput::Elements(runs));
        group.bench_with_input(BenchmarkId::from_parameter(runs), &plan, |b, plan| {
            b.iter(|| sample_and_evaluate(black_box(plan), &scenario));
        });
    }
    group.finish();
}

/// Draws and evaluates every run of `plan`, leaving each block's outputs where a streaming
/// reduction would read them.
fn sample_and_evaluate(plan: &SamplingPlan, scenario: &Scenario) -> Vec<f64> {
    let states = vec![0.0; plan.chunks()];
    fold_blocks(plan, scenario.options, &|_| {}, states, |seen, e| {
        *seen += black_box(e.outputs[Metric::TotalCostUsd.index()][e.len - 1]);
    })
}

/// The bundled scenario with its downtime as a PERT (the MFU is one already), the two drawn
/// independently or with Spearman's ρ = −0.4 between them.
fn with_two_perts(correlated: bool) -> Scenario {
    let text = std::fs::read_to_string(scenario_path()).expect("the bundled scenario reads");
    let mut text = text.replace(
        r#"downtime = { dist = "triangular","#,
        r#"downtime = { dist = "pert","#,
    );
    if correlated {
        text.push_str(
            "\n[[correlation]]\nbetween = [\"cluster.mfu\", \"cluster.downtime\"]\nspearman = -0.4\n",
        );
    }
    Scenario::parse(&scenario_path(), &text).expect("the PERT variant parses")
}

fn correlated_inputs(c: &mut Criterion) {
    let mut group = c.benchmark_group("correlated_inputs");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(6));
    group.throughput(Throughput::Elements(BIG_RUNS));
    for (name, correlated) in [("independent", false), ("correlated", true)] {
        let scenario = with_two_perts(correlated);
        assert_eq!(scenario.correlations.is_empty(), !correlated);
        let plan = SamplingPlan::new(&scenario, BIG_RUNS, SEED);
        group.bench_with_input(BenchmarkId::new(name, BIG_RUNS), &plan, |b, plan| {
            b.iter(|| sample_and_evaluate(black_box(plan), &scenario));
        });
    }
    group.finish();
}

fn simulate_into_columns(c: &mut Criterion) {
    let scenario = load_scenario();
    let mut group = c.benchmark_group("simulate_into_columns");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_secs(1));
    // 0.3-1 s per 10M-run iteration on 2 cores: 10 flat samples need up to ~11 s.
    for (runs, secs) in [(1_000_000, 5), (BIG_RUNS, 12)] {
        let plan = SamplingPlan::new(&scenario, runs, SEED);
        group.measurement_time(Duration::from_secs(secs));
        group.throughput(Throughput::Elements(runs));
        group.bench_with_input(BenchmarkId::from_parameter(runs), &plan, |b, plan| {
            b.iter(|| simulate(black_box(plan), scenario.options, &|_| {}));
        });
    }
    group.finish();
}

fn whole_run(c: &mut Criterion) {
    let opts = RunOptions {
        scenario: scenario_path(),
        sampling: Sampling {
            runs: Some(BIG_RUNS),
            ..Default::default()
        },
        progress: false,
        ..Default::default()
    };
    let mut group = c.benchmark_group("whole_run");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(16));
    group.throughput(Throughput::Elements(BIG_RUNS));
    group.bench_with_input(BenchmarkId::from_parameter(BIG_RUNS), &opts, |b, opts| {
        b.iter(|| run::run(black_box(opts)).expect("the bundled scenario runs"));
    });
    group.finish();
}

fn statistics(c: &mut Criterion) {
    let scenario = load_scenario();
    let plan = SamplingPlan::new(&scenario, BIG_RUNS, SEED);
    let mut sim = simulate(&plan, scenario.options, &|_| {});
    // Keep only the one column summarised: the other metrics' memory is not needed.
    let column = std::mem::take(&mut sim.columns[Metric::TotalCostUsd.index()]);
    drop(sim);
    let mut group = c.benchmark_group("statistics");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Elements(column.len() as u64));
    group.bench_with_input(
        BenchmarkId::from_parameter(column.len()),
        &column,
        |b, column| b.iter(|| summarize(black_box(column), black_box(&DEFAULT_PERCENTILES))),
    );
    group.finish();
}

criterion_group!(
    benches,
    sampling_and_model,
    correlated_inputs,
    simulate_into_columns,
    whole_run,
    statistics
);
criterion_main!(benches);
