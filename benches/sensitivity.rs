//! Speed of sensitivity studies on the bundled scenario `scenarios/llama-3.1-405b.toml`.
//!
//! - `sobol_study`: the Sobol part alone, at base N = 2^18 over the scenario's 5 uncertain
//!   inputs: (5 + 2) · 2^18 ≈ 1.8 M model evaluations (each through the inputs' quantile
//!   functions), S1 and ST of each of the scenario's outputs with 200 bootstrap replicates. Throughput is in model
//!   evaluations per second.
//! - `whole_sensitivity`: `flopcast sensitivity` at N = 2^18 with its defaults otherwise (200,000
//!   Monte Carlo runs for rank correlations, pinned inputs and tails, and the report).
//!
//! Run it with `cargo bench --bench sensitivity`.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};

use flopcast::analyze::sobol;
use flopcast::commands::sensitivity::{SensitivityOptions, sensitivity};
use flopcast::sample::saltelli::{PointSet, SaltelliPlan};
use flopcast::scenario::Scenario;
use flopcast::study::ScenarioFunction;

const N: usize = 1 << 18;

fn scenario_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/llama-3.1-405b.toml")
}

fn sobol_study(c: &mut Criterion) {
    let scenario = Scenario::load(&scenario_path()).expect("the bundled scenario loads");
    let f = ScenarioFunction::new(&scenario);
    let k = f.inputs().len();
    let metrics = scenario.options.metrics();
    let mut group = c.benchmark_group("sobol_study");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.measurement_time(Duration::from_secs(25));
    group.throughput(Throughput::Elements(((k + 2) * N) as u64));
    group.bench_function("llama_2^18", |b| {
        b.iter(|| {
            let plan = SaltelliPlan::new(N, k, PointSet::Sobol, 42);
            let evaluations = sobol::evaluate(&plan, metrics.len(), |u, y| {
                let out = f.at_unit_point(u);
                for (slot, m) in y.iter_mut().zip(&metrics) {
                    *slot = out[m.index()];
                }
            });
            black_box(sobol::indices_of_every_output(&evaluations, 200, 42))
        });
    });
    group.finish();
}

fn whole_sensitivity(c: &mut Criterion) {
    let opts = SensitivityOptions {
        sobol_n: N,
        ..SensitivityOptions::new(scenario_path())
    };
    let mut group = c.benchmark_group("whole_sensitivity");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("llama_2^18", |b| {
        b.iter(|| sensitivity(black_box(&opts)).expect("the study runs"));
    });
    group.finish();
}

criterion_group!(benches, sobol_study, whole_sensitivity);
criterion_main!(benches);
