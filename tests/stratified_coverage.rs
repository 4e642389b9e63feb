//! Coverage of the 95% intervals of stratified and quasi-random runs (`--sampling lhs` and
//! `qmc`), whose intervals come from the spread between independent replicates. Over 1,000
//! seeds each interval not flagged must hold the known truth at least 95% of the time less
//! three standard errors of a coverage estimate (92.9%), as in `coverage.rs`.
//!
//! The uniforms are the tool's own ([`Uniforms`]), and two outputs with closed forms stand in
//! for a model: the sum of three uniforms (additive, where stratifying removes almost all the
//! error) and the product of two (an interaction, where it removes less). Their percentiles,
//! means and chances are known exactly.

use flopcast::sample::scheme::{Scheme, Uniforms};
use flopcast::stats::Estimate;
use flopcast::stats::replicated::{chance, summarize};

const SEEDS: u64 = 1_000;
/// 0.95 − 3 √(0.95 · 0.05 / 1,000).
const FLOOR: f64 = 0.929;
const RUNS: u64 = 8_192;
const PERCENTILES: [f64; 5] = [5.0, 25.0, 50.0, 75.0, 95.0];

struct Output {
    name: &'static str,
    inputs: usize,
    value: fn(&[f64]) -> f64,
    cdf: fn(f64) -> f64,
    mean: f64,
}

/// The CDF of the sum of three uniforms (Irwin–Hall, n = 3).
fn irwin_hall_3(x: f64) -> f64 {
    match x {
        x if x <= 0.0 => 0.0,
        x if x <= 1.0 => x.powi(3) / 6.0,
        x if x <= 2.0 => (-2.0 * x.powi(3) + 9.0 * x * x - 9.0 * x + 3.0) / 6.0,
        x if x <= 3.0 => 1.0 - (3.0 - x).powi(3) / 6.0,
        _ => 1.0,
    }
}

const OUTPUTS: [Output; 2] = [
    Output {
        name: "sum of three uniforms",
        inputs: 3,
        value: |u| u[0] + u[1] + u[2],
        cdf: irwin_hall_3,
        mean: 1.5,
    },
    Output {
        name: "product of two uniforms",
        inputs: 2,
        value: |u| u[0] * u[1],
        // P(U·V ≤ t) = t − t ln t.
        cdf: |t| {
            if t <= 0.0 {
                0.0
            } else if t >= 1.0 {
                1.0
            } else {
                t - t * t.ln()
            }
        },
        mean: 0.25,
    },
];

/// The x with cdf(x) = p, by bisection on [0, 3].
fn quantile(cdf: fn(f64) -> f64, p: f64) -> f64 {
    let (mut lo, mut hi) = (0.0, 3.0);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if cdf(mid) < p { lo = mid } else { hi = mid }
    }
    0.5 * (lo + hi)
}

fn sample(scheme: Scheme, seed: u64, out: &Output) -> (Uniforms, Vec<f64>) {
    let uniforms = Uniforms::new(scheme, seed, RUNS);
    let columns: Vec<Vec<f64>> = (0..out.inputs)
        .map(|k| {
            let mut u = vec![0.0; RUNS as usize];
            uniforms.fill(100 + k as u64, k as u32, 0, &mut u);
            u
        })
        .collect();
    let values = (0..RUNS as usize)
        .map(|i| {
            let row: Vec<f64> = columns.iter().map(|c| c[i]).collect();
            (out.value)(&row)
        })
        .collect();
    (uniforms, values)
}

/// Share of seeds whose interval held the truth, among those not flagged; and how many were.
fn coverage(estimates: &[(Estimate, f64)]) -> (f64, usize) {
    let trusted: Vec<_> = estimates.iter().filter(|(e, _)| e.reliable).collect();
    let held = trusted.iter().filter(|(e, truth)| e.covers(*truth)).count();
    (held as f64 / trusted.len() as f64, trusted.len())
}

#[test]
fn replicate_intervals_of_stratified_runs_cover_95_percent() {
    for scheme in [Scheme::LatinHypercube, Scheme::Sobol] {
        for out in &OUTPUTS {
            let truths: Vec<f64> = PERCENTILES
                .iter()
                .map(|p| quantile(out.cdf, p / 100.0))
                .collect();
            let threshold = truths[3];
            let mut percentiles = vec![Vec::new(); PERCENTILES.len()];
            let mut means = Vec::new();
            let mut chances = Vec::new();
            for seed in 0..SEEDS {
                let (uniforms, values) = sample(scheme, seed, out);
                let reps = uniforms.replicates.unwrap();
                let s = summarize(&values, &PERCENTILES, &reps);
                for ((list, p), truth) in percentiles.iter_mut().zip(&s.percentiles).zip(&truths) {
                    list.push((p.estimate, *truth));
                }
                means.push((s.mean, out.mean));
                let c = chance(&values, &values, Some(&reps), |x, _| x <= threshold);
                chances.push((c.estimate, 0.75));
            }
            let mut report = Vec::new();
            for (p, list) in PERCENTILES.iter().zip(&percentiles) {
                report.push((format!("P{p}"), coverage(list)));
            }
            report.push(("mean".into(), coverage(&means)));
            report.push(("P(x <= P75)".into(), coverage(&chances)));
            for (what, (share, trusted)) in &report {
                assert!(
                    *trusted == SEEDS as usize,
                    "{scheme:?}, {}: {what} flagged in {} seeds",
                    out.name,
                    SEEDS as usize - trusted
                );
                assert!(
                    *share >= FLOOR,
                    "{scheme:?}, {}: {what} covers {share}",
                    out.name
                );
            }
            eprintln!("{scheme:?}, {}: {report:?}", out.name);
        }
    }
}
