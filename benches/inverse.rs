//! Speed of the inverse CDF ([`flopcast::dist::inverse::Inverse`]), by which every input is
//! drawn, one core.
//!
//! - `draws`: per draw (criterion's `elem/s`, or time / 4096), for a PERT, a gamma, a lognormal
//!   and a normal truncated far in its tail: `inverse` maps a ready block of uniforms, and
//!   `uniforms+inverse` also draws them (Xoshiro256++, 52 bits, on the open interval (0, 1)).
//!   (The family samplers the inverse replaced, rejection for the PERT and gamma and the
//!   ziggurat for the lognormal, are gone: they could not pair draws between scenarios.)
//! - `setup`: [`Inverse::new`] for the distributions whose tables are the largest: betas with
//!   shapes from 0.5 to 1e5, a gamma, log-t's, and normals truncated at +6.5, +10 and +30 sd.
//!
//! Run it with:
//!
//! ```text
//! cargo bench --bench inverse -- --warm-up-time 1 --measurement-time 3
//! ```

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, SeedableRng};

use flopcast::dist::Dist;
use flopcast::dist::families::{Beta, Gamma, LogNormal, LogT, Normal};
use flopcast::dist::inverse::Inverse;

const BLOCK: usize = 4096;

fn named(name: &str, dist: Dist) -> (String, Dist) {
    (name.to_string(), dist)
}

fn drawn() -> Vec<(String, Dist)> {
    vec![
        named(
            "pert",
            Dist::new(Beta::pert(0.33, 0.40, 0.45, 4.0).unwrap()),
        ),
        named("gamma", Dist::new(Gamma::new(2.0, 1.5).unwrap())),
        named(
            "lognormal",
            Dist::new(LogNormal::from_p5_p95(350e3, 700e3).unwrap()),
        ),
        named(
            "normal_above_6.5sd",
            Dist::truncated(Normal::new(3.0, 2.0).unwrap(), 16.0, f64::INFINITY).unwrap(),
        ),
    ]
}

/// Uniforms on the open interval (0, 1).
fn uniforms(rng: &mut Xoshiro256PlusPlus, out: &mut [f64]) {
    for u in out {
        *u = ((rng.next_u64() >> 12) as f64 + 0.5) * (1.0 / (1u64 << 52) as f64);
    }
}

fn draws(c: &mut Criterion) {
    let mut group = c.benchmark_group("draws");
    group.throughput(Throughput::Elements(BLOCK as u64));
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(42);
    let mut us = vec![0.0; BLOCK];
    let mut out = vec![0.0; BLOCK];
    for (name, dist) in drawn() {
        let inverse = Inverse::new(&dist).expect("every benchmarked distribution inverts");
        uniforms(&mut rng, &mut us);
        group.bench_function(BenchmarkId::new("inverse", &name), |b| {
            b.iter(|| {
                inverse.fill(black_box(&us), &mut out);
                black_box(&out);
            })
        });
        group.bench_function(BenchmarkId::new("uniforms+inverse", &name), |b| {
            b.iter(|| {
                uniforms(&mut rng, &mut us);
                inverse.fill(&us, &mut out);
                black_box(&out);
            })
        });
    }
    group.finish();
}

fn set_up() -> Vec<(String, Dist)> {
    let normal = || Normal::new(3.0, 2.0).unwrap();
    let above = |sd: f64| Dist::truncated(normal(), 3.0 + 2.0 * sd, f64::INFINITY).unwrap();
    vec![
        named(
            "pert",
            Dist::new(Beta::pert(0.33, 0.40, 0.45, 4.0).unwrap()),
        ),
        named(
            "beta_0.5_0.5",
            Dist::new(Beta::new(0.5, 0.5, 0.0, 1.0).unwrap()),
        ),
        named(
            "beta_0.5_1e5",
            Dist::new(Beta::new(0.5, 1e5, 0.0, 1.0).unwrap()),
        ),
        named(
            "beta_1e5_1e5",
            Dist::new(Beta::new(1e5, 1e5, 0.0, 1.0).unwrap()),
        ),
        named("gamma_2", Dist::new(Gamma::new(2.0, 1.5).unwrap())),
        named("gamma_1e5", Dist::new(Gamma::new(1e5, 1.0).unwrap())),
        named("log_t_df1", Dist::new(LogT::new(1.0, 0.0, 1.0).unwrap())),
        named("log_t_df3", Dist::new(LogT::new(3.0, -1.0, 0.4).unwrap())),
        named("normal_above_6.5sd", above(6.5)),
        named("normal_above_10sd", above(10.0)),
        named("normal_above_30sd", above(30.0)),
    ]
}

fn setup(c: &mut Criterion) {
    let mut group = c.benchmark_group("setup");
    group.sample_size(10);
    for (name, dist) in set_up() {
        group.bench_function(&name, |b| {
            b.iter(|| Inverse::new(black_box(&dist)).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, draws, setup);
criterion_main!(benches);
