//! Interruptions that scale with the cluster: a Poisson process on the job's running time,
//! walked checkpoint interval by checkpoint interval.
//!
//! ```text
//! λ   = gpus × rate_per_gpu_hour          interruptions per hour of running (= gpus / gpu_mtbf_hours)
//! τ   = checkpoint_interval_hours, or Young/Daly's √(2 C / λ)   (C = checkpoint_write_hours)
//!       (τ = 0 when C = 0: free checkpoints are taken continuously, so N ~ Poisson(λ T₀) and
//!        wall = T₀ + N·R, the limit of the walk below as C → 0)
//! an interval is τ hours of work plus C to write its checkpoint: L = τ + C hours of running
//! it succeeds without interruption with probability q = e^(−λL); each failed attempt runs for a
//! time T ~ Exp(λ) truncated to (0, L), is lost, and costs restart_hours R before the retry
//! K = ⌊T₀/τ⌋ full intervals, then one partial interval of r = T₀ − Kτ hours (no checkpoint after it)
//! N = interruptions = Σ over intervals of Geometric failures before success
//! wall = T₀ + K·C + Σ T_i + N·R
//! ```
//! This is exact for memoryless interruptions (Daly 2006): work lost to an interruption is what
//! was done since the last checkpoint, never more, and the expected time per interval,
//! (e^(λL) − 1)/λ + R·(e^(λL) − 1), stays finite however often interruptions come.
//! The K full intervals' failures are drawn at once, as a negative binomial (a Poisson with a
//! gamma-distributed mean); sums of more than 16 lost stretches use their normal limit, whose
//! error is far below the Monte Carlo error at those counts.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, RngExt, SeedableRng};
use rand_distr::{Distribution, Gamma, Normal, Poisson};

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

/// λ (per job-hour) and τ (hours of work between checkpoints) for one run's inputs.
pub(super) fn rate_and_interval(gpus: f64, x: &Inputs, f: FailureOptions) -> (f64, f64) {
    let per_gpu = if f.from_mtbf {
        1.0 / x[Input::GpuMtbfHours.index()]
    } else {
        x[Input::FailureRate.index()]
    };
    let lambda = gpus * per_gpu;
    let write = x[Input::CheckpointWriteHours.index()];
    let tau = if f.optimal_interval {
        // Without interruptions one interval is optimal; with free checkpoints, τ = 0.
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

/// Full intervals and the partial one: (K, r hours), for τ > 0 (τ = ∞: one interval).
fn intervals(compute_hours: f64, tau: f64) -> (f64, f64) {
    if tau.is_infinite() {
        return (0.0, compute_hours);
    }
    let k = (compute_hours / tau).floor();
    (k, compute_hours - k * tau)
}

/// Mean and variance of an Exp(λ) time truncated to (0, l): the running time an interrupted
/// attempt of length l loses.
fn lost_moments(lambda: f64, l: f64) -> (f64, f64) {
    let e = (-lambda * l).exp();
    let tail = l * e / (1.0 - e);
    (
        1.0 / lambda - tail,
        1.0 / (lambda * lambda) - l * tail / (1.0 - e),
    )
}

pub fn simulate(compute_hours: f64, gpus: f64, x: &Inputs, f: FailureOptions) -> Outcome {
    // The run's own luck, drawn as an input so that every analysis sees it.
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(x[Input::FailureLuck.index()].to_bits());
    simulate_with(&mut rng, compute_hours, gpus, x, f)
}

/// [`simulate`] drawing from `rng`: `compute_hours` of work from a checkpoint, as the rest of
/// a run re-forecast in flight is.
pub(super) fn simulate_with<R: Rng>(
    rng: &mut R,
    compute_hours: f64,
    gpus: f64,
    x: &Inputs,
    f: FailureOptions,
) -> Outcome {
    let (lambda, tau) = rate_and_interval(gpus, x, f);
    if tau == 0.0 {
        // Checkpointing continuously: an interruption loses no work, only the restart.
        let n = poisson(rng, lambda * compute_hours);
        return Outcome {
            wall_hours: compute_hours + n * x[Input::RestartHours.index()],
            interruptions: n,
        };
    }
    let write = x[Input::CheckpointWriteHours.index()];
    let (k, partial) = intervals(compute_hours, tau);
    let running = compute_hours + k * write;
    if lambda == 0.0 {
        return Outcome {
            wall_hours: running,
            interruptions: 0.0,
        };
    }
    let full = tau + write;
    let n_full = if k > 0.0 {
        negative_binomial(rng, k, lambda * full)
    } else {
        0.0
    };
    let n_partial = if partial > 0.0 {
        geometric(rng, lambda * partial)
    } else {
        0.0
    };
    let lost = truncated_exp_sum(rng, n_full, lambda, full)
        + truncated_exp_sum(rng, n_partial, lambda, partial);
    let n = n_full + n_partial;
    Outcome {
        wall_hours: running + lost + n * x[Input::RestartHours.index()],
        interruptions: n,
    }
}

/// `E[N]` for one run's inputs (closed form), for tests and for `check`.
pub fn expected_interruptions(compute_hours: f64, gpus: f64, x: &Inputs, f: FailureOptions) -> f64 {
    let (lambda, tau) = rate_and_interval(gpus, x, f);
    if lambda == 0.0 {
        return 0.0;
    }
    if tau == 0.0 {
        return lambda * compute_hours;
    }
    let (k, partial) = intervals(compute_hours, tau);
    let write = x[Input::CheckpointWriteHours.index()];
    k * (lambda * (tau + write)).exp_m1() + (lambda * partial).exp_m1()
}

/// Failures before `k` successes when one attempt fails with probability 1 − e^(−m):
/// NB(k, e^(−m)) as a Poisson whose mean is Gamma(k, e^m − 1).
fn negative_binomial<R: Rng>(rng: &mut R, k: f64, m: f64) -> f64 {
    let odds = m.exp_m1();
    if !odds.is_finite() {
        return f64::INFINITY;
    }
    let mean = Gamma::new(k, odds).map_or(f64::INFINITY, |g| g.sample(rng));
    poisson(rng, mean)
}

/// Failures before one success when an attempt fails with probability 1 − e^(−m).
fn geometric<R: Rng>(rng: &mut R, m: f64) -> f64 {
    let fail = -(-m).exp_m1();
    if fail <= 0.0 {
        return 0.0;
    }
    // 1 − u lies in (0, 1]: the log is finite (and 0 gives no failure).
    ((1.0 - rng.random::<f64>()).ln() / fail.ln()).floor()
}

fn poisson<R: Rng>(rng: &mut R, mean: f64) -> f64 {
    if mean.is_nan() || mean <= 0.0 {
        return 0.0;
    }
    Poisson::new(mean).map_or(f64::INFINITY, |d| d.sample(rng))
}

/// Σ of n running times lost to interruptions of attempts of length l: exact up to 16 terms,
/// the normal limit beyond.
fn truncated_exp_sum<R: Rng>(rng: &mut R, n: f64, lambda: f64, l: f64) -> f64 {
    if n == 0.0 {
        return 0.0;
    }
    if !n.is_finite() {
        return f64::INFINITY;
    }
    let mass = -(-lambda * l).exp_m1();
    if n <= 16.0 {
        return (0..n as usize)
            .map(|_| -(-rng.random::<f64>() * mass).ln_1p() / lambda)
            .sum();
    }
    let (mean, var) = lost_moments(lambda, l);
    match Normal::new(n * mean, (n * var.max(0.0)).sqrt()) {
        Ok(d) => d.sample(rng).clamp(0.0, n * l),
        Err(_) => n * mean,
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

    /// Mean and standard error of (interruptions, lost running hours, wall hours) over n runs.
    fn moments(compute: f64, gpus: f64, x: Inputs, f: FailureOptions, n: usize) -> [(f64, f64); 3] {
        let (_, tau) = rate_and_interval(gpus, &x, f);
        let (k, _) = intervals(compute, tau);
        let running = compute + k * x[Input::CheckpointWriteHours.index()];
        let samples: Vec<[f64; 3]> = (0..n)
            .map(|i| {
                let mut x = x;
                x[Input::FailureLuck.index()] = (i as f64 + 0.5) / n as f64;
                let o = simulate(compute, gpus, &x, f);
                let restart = o.interruptions * x[Input::RestartHours.index()];
                [
                    o.interruptions,
                    o.wall_hours - running - restart,
                    o.wall_hours,
                ]
            })
            .collect();
        std::array::from_fn(|j| mean_se(&samples.iter().map(|s| s[j]).collect::<Vec<_>>()))
    }

    fn mean_se(v: &[f64]) -> (f64, f64) {
        let n = v.len() as f64;
        let mean = v.iter().sum::<f64>() / n;
        let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (mean, (var / n).sqrt())
    }

    /// An independent, event-by-event simulation: exponential gaps walked through every interval.
    fn event_by_event(
        compute: f64,
        lambda: f64,
        tau: f64,
        write: f64,
        restart: f64,
        seed: u64,
    ) -> (f64, f64) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let (k, partial) = intervals(compute, tau);
        let lengths =
            std::iter::repeat_n(tau + write, k as usize).chain((partial > 0.0).then_some(partial));
        let (mut wall, mut n) = (0.0, 0.0);
        for len in lengths {
            loop {
                let gap = -(1.0 - rng.random::<f64>()).ln() / lambda;
                if gap >= len {
                    wall += len;
                    break;
                }
                wall += gap + restart;
                n += 1.0;
            }
        }
        (n, wall)
    }

    #[test]
    fn mean_interruptions_and_lost_time_match_the_closed_form() {
        // 16,384 GPUs at 2e-5 per GPU-hour: λ ≈ 0.33 per hour, τ = 2 h, C = 0.05 h, 1,500 h of compute.
        let x = inputs(2e-5, 0.5, 0.05, 2.0, 0.0);
        let [(n, n_se), (lost, lost_se), _] = moments(1500.0, 16_384.0, x, FIXED, 20_000);
        let expected_n = expected_interruptions(1500.0, 16_384.0, &x, FIXED);
        assert!(
            (n - expected_n).abs() < 3.0 * n_se,
            "E[N] {n} ± {n_se} vs {expected_n}"
        );
        // 750 full intervals of L = 2.05 h, no partial one.
        let lambda = 16_384.0 * 2e-5;
        let expected_lost = expected_n * lost_moments(lambda, 2.05).0;
        assert!(
            (lost - expected_lost).abs() < 3.0 * lost_se,
            "lost {lost} ± {lost_se} vs {expected_lost}"
        );
    }

    #[test]
    fn agrees_with_an_event_by_event_simulation_when_interruptions_are_frequent() {
        // λτ = 1: every interval is interrupted more often than not.
        let x = inputs(0.5, 0.1, 0.0, 2.0, 0.0);
        let [(n, n_se), _, (wall, wall_se)] = moments(1000.0, 1.0, x, FIXED, 4_000);
        let events: Vec<(f64, f64)> = (0..4_000)
            .map(|s| event_by_event(1000.0, 0.5, 2.0, 0.0, 0.1, s))
            .collect();
        let (en, en_se) = mean_se(&events.iter().map(|e| e.0).collect::<Vec<_>>());
        let (ew, ew_se) = mean_se(&events.iter().map(|e| e.1).collect::<Vec<_>>());
        assert!((n - en).abs() < 4.0 * n_se.hypot(en_se), "N {n} vs {en}");
        assert!(
            (wall - ew).abs() < 4.0 * wall_se.hypot(ew_se),
            "wall {wall} vs {ew}"
        );
        // Daly: each 2 h interval takes (e^(λτ) − 1)/λ + R·(e^(λτ) − 1) hours on average.
        let per = (1f64.exp() - 1.0) / 0.5 + 0.1 * (1f64.exp() - 1.0);
        assert!(
            (wall / 500.0 - per).abs() < 4.0 * wall_se / 500.0,
            "{} vs {per}",
            wall / 500.0
        );
    }

    #[test]
    fn doubling_the_gpus_doubles_the_interruption_rate() {
        let x = inputs(2e-5, 0.5, 0.05, 2.0, 0.0);
        let running = 1500.0 * (1.0 + 0.05 / 2.0);
        let rate = |gpus: f64| {
            let [(n, _), (lost, _), _] = moments(1500.0, gpus, x, FIXED, 20_000);
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
    fn young_daly_interval_and_very_frequent_interruptions() {
        // λ = 1 per hour, C = 0.02 h: τ = √(2 · 0.02 / 1) = 0.2 h.
        let x = inputs(1.0, 0.0, 0.02, 0.0, 0.5);
        assert!((rate_and_interval(1.0, &x, OPTIMAL).1 - 0.2).abs() < 1e-12);
        // Four GPUs: λ = 4 per hour, τ = √(2 · 0.02 / 4) = 0.1 h.
        assert!((rate_and_interval(4.0, &x, OPTIMAL).1 - 0.1).abs() < 1e-12);
        // λτ = 3: slow (each 3 h interval takes (e³ − 1)/1 ≈ 19 h) but finite.
        let x = inputs(1.0, 0.0, 0.0, 3.0, 0.5);
        let o = simulate(30.0, 1.0, &x, FIXED);
        assert!(
            o.wall_hours.is_finite() && o.wall_hours > 60.0,
            "{}",
            o.wall_hours
        );
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

    #[test]
    fn an_mtbf_gives_the_reciprocal_rate_per_gpu() {
        let mut x = inputs(0.0, 0.5, 0.05, 2.0, 0.0);
        x[Input::GpuMtbfHours.index()] = 50_000.0;
        let from_mtbf = FailureOptions {
            from_mtbf: true,
            optimal_interval: false,
        };
        let (lambda, tau) = rate_and_interval(16_384.0, &x, from_mtbf);
        assert!((lambda - 16_384.0 / 50_000.0).abs() < 1e-15, "{lambda}");
        assert_eq!(tau, 2.0);
    }

    #[test]
    fn expected_interruptions_count_the_partial_interval_too() {
        // λ = 0.5/h, τ = 2 h, C = 0, 3 h of compute: one full interval and a 1 h partial one.
        // Geometric failures per interval: E = (e^(λτ) − 1) + (e^(λ·1) − 1).
        let x = inputs(0.5, 0.1, 0.0, 2.0, 0.0);
        let closed = expected_interruptions(3.0, 1.0, &x, FIXED);
        let events: Vec<f64> = (0..20_000)
            .map(|s| event_by_event(3.0, 0.5, 2.0, 0.0, 0.1, s).0)
            .collect();
        let (n, se) = mean_se(&events);
        assert!(
            (closed - n).abs() < 4.0 * se,
            "closed form {closed} vs {n} ± {se}"
        );
        assert!((closed - (1f64.exp_m1() + 0.5f64.exp_m1())).abs() < 1e-12);
    }

    #[test]
    fn many_interruptions_lose_what_dalys_closed_form_says() {
        // λ = 1/h, τ = 3 h, C = R = 0, 300 h: about 1,900 interruptions a run, so the lost time
        // is drawn from its normal limit. Daly: each interval takes (e^(λτ) − 1)/λ hours.
        let x = inputs(1.0, 0.0, 0.0, 3.0, 0.0);
        let [(n, _), _, (wall, wall_se)] = moments(300.0, 1.0, x, FIXED, 2_000);
        assert!(n > 16.0 * 100.0, "{n}");
        let daly = 100.0 * 3f64.exp_m1();
        assert!(
            (wall - daly).abs() < 4.0 * wall_se,
            "{wall} ± {wall_se} vs {daly}"
        );
    }

    #[test]
    fn a_last_partial_interval_is_simulated_like_the_full_ones() {
        // λ = 0.5/h, τ = 2 h, C = 0.1 h, R = 0.1 h. Daly: a stretch of L hours of running that
        // restarts from its start after each interruption takes (e^(λL) − 1)(1/λ + R) hours on
        // average, with e^(λL) − 1 interruptions. 3 h of compute: one full interval (L = 2.1)
        // and a partial one of 1 h with no checkpoint after it; 1.5 h: the partial one alone.
        let x = inputs(0.5, 0.1, 0.1, 2.0, 0.0);
        for (compute, stretches) in [(3.0, vec![2.1f64, 1.0]), (1.5, vec![1.5])] {
            let expected_n: f64 = stretches.iter().map(|l| (0.5 * l).exp_m1()).sum();
            let expected_wall = expected_n * (1.0 / 0.5 + 0.1);
            let closed = expected_interruptions(compute, 1.0, &x, FIXED);
            assert!(
                (closed - expected_n).abs() < 1e-12,
                "{closed} vs {expected_n}"
            );
            let [(n, n_se), _, (wall, wall_se)] = moments(compute, 1.0, x, FIXED, 4_000);
            assert!(
                (n - expected_n).abs() < 4.0 * n_se,
                "{compute} h: N {n} ± {n_se} vs {expected_n}"
            );
            assert!(
                (wall - expected_wall).abs() < 4.0 * wall_se,
                "{compute} h: wall {wall} ± {wall_se} vs {expected_wall}"
            );
        }
    }

    #[test]
    fn free_checkpoints_at_the_optimal_interval_lose_no_work() {
        // C = 0: Young/Daly's τ = √(2C/λ) = 0, checkpointing continuously. Interruptions come
        // as a Poisson process over the 1,000 h of compute (mean λT₀ = 500) and each costs
        // only its restart.
        let x = inputs(0.5, 0.1, 0.0, 0.0, 0.0);
        assert_eq!(rate_and_interval(1.0, &x, OPTIMAL).1, 0.0);
        assert_eq!(expected_interruptions(1000.0, 1.0, &x, OPTIMAL), 500.0);
        // The limit of the interval walk as C → 0: C = 1e-12 expects 500.0005 interruptions.
        let nearly_free = inputs(0.5, 0.1, 1e-12, 0.0, 0.0);
        let limit = expected_interruptions(1000.0, 1.0, &nearly_free, OPTIMAL);
        assert!((limit / 500.0 - 1.0).abs() < 1e-5, "{limit}");
        let runs: Vec<Outcome> = (0..2_000)
            .map(|i| {
                let mut x = x;
                x[Input::FailureLuck.index()] = (i as f64 + 0.5) / 2_000.0;
                simulate(1000.0, 1.0, &x, OPTIMAL)
            })
            .collect();
        for o in &runs {
            assert!((o.wall_hours - (1000.0 + 0.1 * o.interruptions)).abs() < 1e-9);
        }
        let counts: Vec<f64> = runs.iter().map(|o| o.interruptions).collect();
        let (n, se) = mean_se(&counts);
        assert!((n - 500.0).abs() < 4.0 * se, "{n} ± {se}");
        // Poisson: the variance equals the mean.
        let var = se * se * counts.len() as f64;
        assert!((var / 500.0 - 1.0).abs() < 0.15, "{var}");
        // Without interruptions and with free checkpoints, nothing is added at all.
        let calm = inputs(0.0, 0.1, 0.0, 0.0, 0.3);
        let o = simulate(1000.0, 1.0, &calm, OPTIMAL);
        assert_eq!((o.wall_hours, o.interruptions), (1000.0, 0.0));
        assert_eq!(expected_interruptions(1000.0, 1.0, &calm, OPTIMAL), 0.0);
        let calm = inputs(0.0, 0.1, 0.05, 0.0, 0.3);
        assert_eq!(expected_interruptions(1000.0, 1.0, &calm, OPTIMAL), 0.0);
    }

    #[test]
    fn a_poisson_with_mean_zero_draws_nothing() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        assert_eq!(poisson(&mut rng, 0.0), 0.0);
        assert_eq!(poisson(&mut rng, -0.0), 0.0);
    }

    /// ∫₀ˡ g(t) λe^(−λt) dt / (1 − e^(−λl)) by Simpson's rule: moments of the truncated
    /// exponential computed without its closed form.
    fn truncated_exp_moment(lambda: f64, l: f64, g: impl Fn(f64) -> f64) -> f64 {
        let steps = 2_000;
        let h = l / steps as f64;
        let density = |t: f64| g(t) * lambda * (-lambda * t).exp();
        let inner: f64 = (1..steps)
            .map(|i| if i % 2 == 1 { 4.0 } else { 2.0 } * density(i as f64 * h))
            .sum();
        (density(0.0) + inner + density(l)) * h / 3.0 / -(-lambda * l).exp_m1()
    }

    const LOST_CASES: [(f64, f64); 4] = [(1.0, 0.1), (1.0, 1.0), (1.0, 3.0), (0.1, 30.0)];

    #[test]
    fn lost_moments_are_those_of_the_truncated_exponential() {
        for (lambda, l) in LOST_CASES {
            let mean = truncated_exp_moment(lambda, l, |t| t);
            let var = truncated_exp_moment(lambda, l, |t| (t - mean).powi(2));
            let (m, v) = lost_moments(lambda, l);
            assert!(
                (m / mean - 1.0).abs() < 1e-9,
                "λ {lambda}, l {l}: {m} vs {mean}"
            );
            assert!(
                (v / var - 1.0).abs() < 1e-9,
                "λ {lambda}, l {l}: {v} vs {var}"
            );
        }
    }

    #[test]
    fn lost_time_sums_have_the_mean_and_variance_of_n_truncated_exponentials() {
        // Below 16 interruptions the sum is drawn term by term, above from its normal limit:
        // either way its mean is n·μ and its variance n·σ².
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        let draws = 4_000;
        for (lambda, l) in LOST_CASES {
            let (mu, var) = lost_moments(lambda, l);
            for n in [5.0, 40.0] {
                let sums: Vec<f64> = (0..draws)
                    .map(|_| truncated_exp_sum(&mut rng, n, lambda, l))
                    .collect();
                let (m, se) = mean_se(&sums);
                let v = se * se * draws as f64;
                assert!(
                    (m - n * mu).abs() < 4.0 * se,
                    "λ {lambda}, l {l}, n {n}: mean {m} ± {se} vs {}",
                    n * mu
                );
                assert!(
                    (v / (n * var) - 1.0).abs() < 0.12,
                    "λ {lambda}, l {l}, n {n}: variance {v} vs {}",
                    n * var
                );
                assert!(sums.iter().all(|s| (0.0..=n * l).contains(s)));
            }
        }
    }

    #[test]
    fn an_astronomical_lost_time_is_still_n_times_the_mean_loss() {
        // 3e9 interruptions of attempts 1e150 h long at λ = 1e-150/h (λl = 1): n·σ² overflows,
        // but the sum's relative spread is 1e-5, so it must sit at n·μ.
        let (lambda, l, n) = (1e-150, 1e150, 3e9);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
        let got = truncated_exp_sum(&mut rng, n, lambda, l);
        let mu = 1.0 / lambda - l / 1f64.exp_m1();
        assert!((got / (n * mu) - 1.0).abs() < 1e-3, "{got} vs {}", n * mu);
    }
}
