//! Interruptions that scale with the cluster: a Poisson process on the job's running time.
//!
//! ```text
//! λ   = gpus × rate_per_gpu_hour            interruptions per hour of running (rate = 1 / gpu_mtbf_hours)
//! τ   = checkpoint_interval_hours, or Young/Daly's optimum √(2 C / λ)  (C = checkpoint_write_hours)
//! W   = T₀ · (1 + C / τ)                    running time: pure compute T₀ plus checkpoint writes
//! N   ~ Poisson(λ · T_run)                  interruptions over the running time actually spent
//! L_i ~ Uniform(0, τ)                       work lost since the last checkpoint, redone
//! T_run = W + Σ L_i                         a longer run meets more interruptions
//! wall  = T_run + N · restart_hours
//! ```
//! The number of interruptions is drawn stage by stage: N₁ ~ Poisson(λW) interruptions in the
//! first W hours add Σ L of running time, which brings N₂ ~ Poisson(λ Σ L) more, and so on until
//! a stage brings none. Because the process is memoryless this is exactly the count over
//! [0, T_run]. Sums of more than 16 uniforms use their normal limit (mean k/2, variance k/12),
//! whose error is far below the Monte Carlo error at the counts this reaches.
//! The expectation has a closed form (renewal–reward): E[N] = λW / (1 − λτ/2), for λτ/2 < 1.
//! Beyond that every hour of running loses more than an hour of work and the run never ends.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, RngExt, SeedableRng};
use rand_distr::{Distribution, Normal, Poisson};

use super::{Input, Inputs};

/// How a scenario gives its failure rate and its checkpoint interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureOptions {
    /// The rate comes from `gpu_mtbf_hours` (rate = 1 / MTBF) rather than `rate_per_gpu_hour`.
    pub from_mtbf: bool,
    /// The interval is Young/Daly's optimum rather than `checkpoint_interval_hours`.
    pub optimal_interval: bool,
}

pub struct Outcome {
    pub wall_hours: f64,
    pub interruptions: f64,
}

/// λ (per job-hour) and τ (hours) for one run's inputs.
fn rate_and_interval(gpus: f64, x: &Inputs, f: FailureOptions) -> (f64, f64) {
    let per_gpu = if f.from_mtbf {
        1.0 / x[Input::GpuMtbfHours.index()]
    } else {
        x[Input::FailureRate.index()]
    };
    let lambda = gpus * per_gpu;
    let write = x[Input::CheckpointWriteHours.index()];
    let tau = if f.optimal_interval {
        if lambda > 0.0 {
            (2.0 * write / lambda).sqrt()
        } else {
            f64::INFINITY
        }
    } else {
        x[Input::CheckpointIntervalHours.index()]
    };
    (lambda, tau)
}

/// Running time before interruptions: compute plus checkpoint writes (none when the interval
/// is infinite or writes are free).
fn running_hours(compute_hours: f64, tau: f64, write: f64) -> f64 {
    if write == 0.0 || tau.is_infinite() {
        compute_hours
    } else {
        compute_hours * (1.0 + write / tau)
    }
}

pub fn simulate(compute_hours: f64, gpus: f64, x: &Inputs, f: FailureOptions) -> Outcome {
    let (lambda, tau) = rate_and_interval(gpus, x, f);
    let write = x[Input::CheckpointWriteHours.index()];
    let running = running_hours(compute_hours, tau, write);
    if lambda == 0.0 {
        return Outcome {
            wall_hours: running,
            interruptions: 0.0,
        };
    }
    if lambda * tau / 2.0 >= 1.0 {
        // Work is lost faster than it is done: the run never finishes.
        return Outcome {
            wall_hours: f64::INFINITY,
            interruptions: f64::INFINITY,
        };
    }
    // The run's own luck, drawn as an input so that every analysis sees it.
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(x[Input::FailureLuck.index()].to_bits());
    let (mut pending, mut n, mut lost) = (running, 0.0, 0.0);
    while pending > 0.0 {
        let k = poisson(&mut rng, lambda * pending);
        if k == 0.0 {
            break;
        }
        let extra = if tau.is_finite() {
            tau * uniform_sum(&mut rng, k)
        } else {
            0.0
        };
        n += k;
        lost += extra;
        pending = extra;
    }
    Outcome {
        wall_hours: running + lost + n * x[Input::RestartHours.index()],
        interruptions: n,
    }
}

/// E[N] for one run's inputs (closed form), for tests and for `check`.
pub fn expected_interruptions(compute_hours: f64, gpus: f64, x: &Inputs, f: FailureOptions) -> f64 {
    let (lambda, tau) = rate_and_interval(gpus, x, f);
    let running = running_hours(compute_hours, tau, x[Input::CheckpointWriteHours.index()]);
    let tau = if tau.is_finite() { tau } else { 0.0 };
    lambda * running / (1.0 - lambda * tau / 2.0)
}

fn poisson<R: Rng>(rng: &mut R, mean: f64) -> f64 {
    if mean <= 0.0 {
        return 0.0;
    }
    Poisson::new(mean).map_or(f64::INFINITY, |d| d.sample(rng))
}

/// Σ of k Uniform(0, 1): exact up to 16 terms, the normal limit beyond.
fn uniform_sum<R: Rng>(rng: &mut R, k: f64) -> f64 {
    if k <= 16.0 {
        (0..k as usize).map(|_| rng.random::<f64>()).sum()
    } else {
        let d = Normal::new(k / 2.0, (k / 12.0).sqrt()).expect("finite, positive sd");
        d.sample(rng).clamp(0.0, k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(rate: f64, restart: f64, write: f64, interval: f64, luck: f64) -> Inputs {
        let mut x = [0.0; Input::COUNT];
        x[Input::FailureRate.index()] = rate;
        x[Input::RestartHours.index()] = restart;
        x[Input::CheckpointWriteHours.index()] = write;
        x[Input::CheckpointIntervalHours.index()] = interval;
        x[Input::FailureLuck.index()] = luck;
        x
    }

    const FIXED: FailureOptions = FailureOptions {
        from_mtbf: false,
        optimal_interval: false,
    };
    const OPTIMAL: FailureOptions = FailureOptions {
        from_mtbf: false,
        optimal_interval: true,
    };

    /// Mean and standard error of interruptions and of lost running time over `n` runs.
    fn moments(compute: f64, gpus: f64, x: Inputs, f: FailureOptions, n: usize) -> [(f64, f64); 2] {
        let running = running_hours(
            compute,
            rate_and_interval(gpus, &x, f).1,
            x[Input::CheckpointWriteHours.index()],
        );
        let samples: Vec<(f64, f64)> = (0..n)
            .map(|i| {
                let mut x = x;
                x[Input::FailureLuck.index()] = (i as f64 + 0.5) / n as f64;
                let o = simulate(compute, gpus, &x, f);
                let restart = o.interruptions * x[Input::RestartHours.index()];
                (o.interruptions, o.wall_hours - running - restart)
            })
            .collect();
        let stat = |pick: &dyn Fn(&(f64, f64)) -> f64| {
            let mean = samples.iter().map(pick).sum::<f64>() / n as f64;
            let var = samples
                .iter()
                .map(|s| (pick(s) - mean).powi(2))
                .sum::<f64>()
                / (n - 1) as f64;
            (mean, (var / n as f64).sqrt())
        };
        [stat(&|s| s.0), stat(&|s| s.1)]
    }

    #[test]
    fn mean_interruptions_and_lost_time_match_the_closed_form() {
        // 16,384 GPUs at 2e-5 per GPU-hour: λ ≈ 0.33 per hour, τ = 2 h, C = 0.05 h, 1,500 h of compute.
        let x = inputs(2e-5, 0.5, 0.05, 2.0, 0.0);
        let [(n, n_se), (lost, lost_se)] = moments(1500.0, 16_384.0, x, FIXED, 20_000);
        let expected_n = expected_interruptions(1500.0, 16_384.0, &x, FIXED);
        assert!(
            (n - expected_n).abs() < 3.0 * n_se,
            "E[N] {n} ± {n_se} vs {expected_n}"
        );
        let expected_lost = expected_n * 2.0 / 2.0;
        assert!(
            (lost - expected_lost).abs() < 3.0 * lost_se,
            "lost {lost} ± {lost_se} vs {expected_lost}"
        );
    }

    #[test]
    fn doubling_the_gpus_doubles_the_interruption_rate() {
        let x = inputs(2e-5, 0.5, 0.05, 2.0, 0.0);
        let running = 1500.0 * (1.0 + 0.05 / 2.0);
        let rate = |gpus: f64| {
            let [(n, _), (lost, _)] = moments(1500.0, gpus, x, FIXED, 20_000);
            n / (running + lost)
        };
        let ratio = rate(16_384.0) / rate(8_192.0);
        assert!((ratio - 2.0).abs() < 0.02, "{ratio}");
    }

    #[test]
    fn no_failures_means_the_failure_free_formula_exactly() {
        let x = inputs(0.0, 0.5, 0.05, 2.0, 0.3);
        let o = simulate(1234.5, 16_384.0, &x, OPTIMAL);
        assert_eq!((o.wall_hours, o.interruptions), (1234.5, 0.0));
    }

    #[test]
    fn young_daly_interval_and_runaway_runs() {
        // λ = 1 per hour, C = 0.02 h: τ = √(2 · 0.02 / 1) = 0.2 h.
        let x = inputs(1.0, 0.0, 0.02, 0.0, 0.5);
        assert!((rate_and_interval(1.0, &x, OPTIMAL).1 - 0.2).abs() < 1e-12);
        // τ = 3 h at λ = 1 per hour: each hour loses 1.5 h; the run never ends.
        let x = inputs(1.0, 0.0, 0.0, 3.0, 0.5);
        assert!(simulate(10.0, 1.0, &x, FIXED).wall_hours.is_infinite());
    }

    #[test]
    fn the_same_luck_gives_the_same_run() {
        let x = inputs(2e-5, 0.5, 0.05, 2.0, 0.123);
        let a = simulate(1500.0, 16_384.0, &x, OPTIMAL);
        let b = simulate(1500.0, 16_384.0, &x, OPTIMAL);
        assert_eq!(
            (a.wall_hours, a.interruptions),
            (b.wall_hours, b.interruptions)
        );
    }
}
