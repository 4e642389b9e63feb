//! A run in flight: where one run of the scenario stands after `elapsed` hours with `tokens`
//! trained and `interruptions` seen, how likely that observation was, and how long it still
//! has to go.
//!
//! The pace a run shows is its utilisation: given everything else about a run, tokens done by
//! hour H are `tokens_done = mfu × c`, where `c = gpus × peak × 1e12 × 3600 × w / (flops per
//! param-token × active params)` and `w` is the hours of work done by H. So the observation
//! fixes the run's utilisation at `mfu* = tokens_done / c`, and weighs the rest of the run by
//! how likely it made the observation:
//!
//! ```text
//! weight = P(K interruptions in the running hours) × π_mfu(mfu*) / c
//! ```
//!
//! (the density of tokens done at the observed value: a change of variables from mfu).
//! Interruptions are a Poisson process of rate λ on running time (time not spent restarting),
//! as in the failure model: given K of them in `H − K·restart_hours` running hours, their
//! times are K uniform points, and walking the checkpoint schedule through them gives the work
//! done `w` and where the run stands in its current interval. Without `--interruptions`, the
//! process is drawn forward from the start instead. Without `[failures]`, a run progresses at
//! a steady pace, `w = H × (1 − downtime)`, and its remaining days follow from that pace.
//!
//! The rest of the run is drawn from where it stands: the current attempt either reaches its
//! checkpoint or is interrupted and retried from the last one; then every later interval as
//! the failure model draws a run from its start. Weighting the scenario's runs this way is
//! importance sampling of the posterior: exact as the runs grow.

use rand::RngExt;
use rand::rngs::Xoshiro256PlusPlus;

use super::failures::{self, FailureOptions};
use super::{Input, Inputs, ModelOptions};

/// The most interruptions a run in flight is walked through, counted or drawn: each is a step
/// of the walk, and a run with more is outside what the failure model was built for.
pub const MOST_INTERRUPTIONS: u64 = 100_000;

/// What has been seen of a run in flight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    /// Wall-clock hours since training started.
    pub elapsed_hours: f64,
    /// Tokens trained so far.
    pub tokens_done: f64,
    /// Interruptions so far, when counted.
    pub interruptions: Option<u64>,
}

/// Where one run of the scenario stands at the observation, and how likely it made it: the
/// first half of conditioning a run, before its utilisation is set by the observed pace.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Standing {
    /// Work hours safely checkpointed.
    committed: f64,
    /// Running hours into the current attempt of the next interval.
    attempt: f64,
    /// Interruptions so far (counted, or drawn when not counted).
    pub interruptions: f64,
    /// Hours of a restart still to come (the observation fell in one).
    restarting: f64,
    /// P(the interruptions counted | this run), 1 when they were not counted.
    pub chance: f64,
    /// Work hours done by the observation.
    pub work_hours: f64,
    /// Tokens done per unit of utilisation: tokens_done = mfu × per_mfu.
    pub per_mfu: f64,
}

impl Standing {
    fn at(committed: f64, attempt: f64, interruptions: f64) -> Self {
        Standing {
            committed,
            attempt,
            interruptions,
            restarting: 0.0,
            chance: 1.0,
            work_hours: 0.0,
            per_mfu: 0.0,
        }
    }

    /// The utilisation the observed pace implies for this run.
    pub fn implied_mfu(&self, obs: &Observation) -> f64 {
        obs.tokens_done / self.per_mfu
    }

    /// The likelihood of the observation under this run, up to a constant shared by all runs,
    /// given the density of the scenario's utilisation at [`Standing::implied_mfu`].
    pub fn weight(&self, mfu_density: f64) -> f64 {
        self.chance * mfu_density / self.per_mfu
    }
}

/// Where run `x` stands after the observation, or `None` when it could not be standing there
/// at all (the restarts counted take longer than the hours elapsed, or nothing was done).
pub fn stand(
    x: &Inputs,
    options: ModelOptions,
    obs: &Observation,
    rng: &mut Xoshiro256PlusPlus,
) -> Option<Standing> {
    let get = |i: Input| x[i.index()];
    let mut s = match options.failures {
        None => steady(x, obs.elapsed_hours),
        Some(f) => interrupted(x, f, obs, rng)?,
    };
    s.work_hours = work_done(x, options, &s);
    s.per_mfu = get(Input::Gpus) * get(Input::PeakTflops) * 1e12 * 3600.0 * s.work_hours
        / (get(Input::FlopsPerParamToken) * get(Input::ActiveParams));
    (s.work_hours > 0.0 && s.per_mfu.is_finite()).then_some(s)
}

/// Wall-clock hours from the observation to the end of training (before any contract's wait
/// for capacity) and the interruptions still to come, for run `x` standing at `s` with its
/// utilisation set to the implied one; `None` when the run would have ended already.
pub fn finish(
    x: &Inputs,
    options: ModelOptions,
    obs: &Observation,
    s: &Standing,
    rng: &mut Xoshiro256PlusPlus,
) -> Option<(f64, f64)> {
    let tokens = x[Input::Tokens.index()];
    if obs.tokens_done >= tokens {
        return None;
    }
    let total_work = s.work_hours * tokens / obs.tokens_done;
    match options.failures {
        None => Some((
            (total_work - s.work_hours) / (1.0 - x[Input::Downtime.index()]),
            0.0,
        )),
        Some(f) => rest_of_run(x, f, s, total_work, rng),
    }
}

/// The interruptions run `x` expects in `hours` of running: how long a walk to them is.
pub fn expected_interruptions_by(x: &Inputs, f: FailureOptions, hours: f64) -> f64 {
    failures::rate_and_interval(x[Input::Gpus.index()], x, f).0 * hours
}

/// P(N ≤ K) and P(N ≥ K) for the interruptions N a run with inputs `x` has by the hours
/// observed, K those counted: how surprising the count is for this run.
pub fn interruption_tails(x: &Inputs, f: FailureOptions, obs: &Observation) -> Option<(f64, f64)> {
    use statrs::distribution::{DiscreteCDF, Poisson};
    let k = obs.interruptions?;
    let (lambda, _) = failures::rate_and_interval(x[Input::Gpus.index()], x, f);
    let running = obs.elapsed_hours - k as f64 * x[Input::RestartHours.index()];
    let mean = lambda * running.max(0.0);
    if mean.is_nan() || mean <= 0.0 {
        return Some((1.0, if k == 0 { 1.0 } else { 0.0 }));
    }
    let poisson = Poisson::new(mean).ok()?;
    let below = poisson.cdf(k);
    let above = if k == 0 { 1.0 } else { poisson.sf(k - 1) };
    Some((below, above))
}

/// A run without a failure process: working `1 − downtime` of every hour.
fn steady(x: &Inputs, elapsed_hours: f64) -> Standing {
    Standing::at(0.0, elapsed_hours * (1.0 - x[Input::Downtime.index()]), 0.0)
}

/// Work hours done: what is checkpointed and what the current attempt has done since (a run
/// writing its checkpoint has done the interval's work).
fn work_done(x: &Inputs, options: ModelOptions, s: &Standing) -> f64 {
    match options.failures {
        None => s.attempt,
        Some(f) => {
            let (_, tau) = failures::rate_and_interval(x[Input::Gpus.index()], x, f);
            s.committed + s.attempt.min(tau)
        }
    }
}

/// Where a run with interruptions stands after the observed hours, and the chance of the
/// interruptions counted (1 when they were not counted: they are drawn instead).
fn interrupted(
    x: &Inputs,
    f: FailureOptions,
    obs: &Observation,
    rng: &mut Xoshiro256PlusPlus,
) -> Option<Standing> {
    let (lambda, tau) = failures::rate_and_interval(x[Input::Gpus.index()], x, f);
    let restart = x[Input::RestartHours.index()];
    let write = x[Input::CheckpointWriteHours.index()];
    let mut walk = Walk::new(tau, write);
    match obs.interruptions {
        Some(k) => {
            let running = obs.elapsed_hours - k as f64 * restart;
            if running.is_nan() || running <= 0.0 {
                return None;
            }
            let chance = poisson_pmf(k, lambda * running);
            // K uniform times on (0, running), in order, from exponential spacings.
            let spacings: Vec<f64> = (0..=k).map(|_| exponential(rng)).collect();
            let total: f64 = spacings.iter().sum();
            let mut at = 0.0;
            for e in &spacings[..k as usize] {
                at += e;
                walk.interrupt(running * at / total);
            }
            Some(Standing {
                chance,
                ..walk.stand(running)
            })
        }
        None => {
            // Interruptions in running time, each followed by a restart, until the hours seen.
            let (mut wall, mut running) = (0.0, 0.0);
            let mut restarting = 0.0;
            loop {
                let gap = exponential(rng) / lambda;
                if wall + gap >= obs.elapsed_hours {
                    running += obs.elapsed_hours - wall;
                    break;
                }
                running += gap;
                walk.interrupt(running);
                wall += gap + restart;
                if wall >= obs.elapsed_hours {
                    restarting = wall - obs.elapsed_hours;
                    break;
                }
            }
            Some(Standing {
                restarting,
                ..walk.stand(running)
            })
        }
    }
}

/// The checkpoint schedule walked through a run's interruptions: intervals of τ work hours
/// and `write` hours to checkpoint them; an interruption loses the current attempt.
struct Walk {
    tau: f64,
    write: f64,
    committed: f64,
    /// Running time at which the current attempt began.
    began: f64,
    interruptions: f64,
}

impl Walk {
    fn new(tau: f64, write: f64) -> Self {
        Walk {
            tau,
            write,
            committed: 0.0,
            began: 0.0,
            interruptions: 0.0,
        }
    }

    /// Intervals completed between the current attempt's start and running time `at`.
    fn complete_until(&mut self, at: f64) {
        if self.tau == 0.0 {
            // Continuous checkpoints: nothing done is ever lost.
            self.committed += at - self.began;
            self.began = at;
            return;
        }
        let length = self.tau + self.write;
        let done = ((at - self.began) / length).floor();
        if done.is_finite() && done > 0.0 {
            self.committed += done * self.tau;
            self.began += done * length;
        }
    }

    fn interrupt(&mut self, at: f64) {
        self.complete_until(at);
        self.began = at;
        self.interruptions += 1.0;
    }

    fn stand(mut self, running: f64) -> Standing {
        self.complete_until(running);
        Standing::at(self.committed, running - self.began, self.interruptions)
    }
}

/// Running hours from where the run stands to the end of `total_work` hours of work, and the
/// interruptions on the way; `None` when the standing is past the end of the run.
fn rest_of_run(
    x: &Inputs,
    f: FailureOptions,
    s: &Standing,
    total_work: f64,
    rng: &mut Xoshiro256PlusPlus,
) -> Option<(f64, f64)> {
    let gpus = x[Input::Gpus.index()];
    let (lambda, tau) = failures::rate_and_interval(gpus, x, f);
    let restart = x[Input::RestartHours.index()];
    if tau == 0.0 {
        let rest = failures::simulate_with(rng, total_work - s.committed, gpus, x, f);
        return Some((s.restarting + rest.wall_hours, rest.interruptions));
    }
    // The current interval: a full one ends with a checkpoint; the last, shorter one does not.
    let full = s.committed + tau <= total_work;
    let work = if full { tau } else { total_work - s.committed };
    let length = if full {
        work + x[Input::CheckpointWriteHours.index()]
    } else {
        work
    };
    let left = length - s.attempt;
    if left < 0.0 {
        return None;
    }
    let first_failure = exponential(rng) / lambda;
    let (mut hours, mut interruptions) = if first_failure >= left {
        (left, 0.0)
    } else {
        let retry = failures::simulate_with(rng, work, gpus, x, f);
        (
            first_failure + restart + retry.wall_hours,
            1.0 + retry.interruptions,
        )
    };
    hours += s.restarting;
    let after = total_work - s.committed - work;
    if after > 0.0 {
        let rest = failures::simulate_with(rng, after, gpus, x, f);
        hours += rest.wall_hours;
        interruptions += rest.interruptions;
    }
    Some((hours, interruptions))
}

/// A standard exponential draw (1 − u is in (0, 1], so its log is finite).
fn exponential(rng: &mut Xoshiro256PlusPlus) -> f64 {
    -(1.0 - rng.random::<f64>()).ln()
}

/// P(N = k) for N ~ Poisson(mean), in logs so that counts in the thousands stay finite.
pub fn poisson_pmf(k: u64, mean: f64) -> f64 {
    if mean <= 0.0 {
        return if k == 0 { 1.0 } else { 0.0 };
    }
    let k = k as f64;
    (k * mean.ln() - mean - statrs::function::gamma::ln_gamma(k + 1.0)).exp()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn run(mfu: f64, downtime: f64) -> Inputs {
        let mut x = [0.0; Input::COUNT];
        x[Input::Params.index()] = 1e9;
        x[Input::ActiveParams.index()] = 1e9;
        x[Input::Tokens.index()] = 1e12;
        x[Input::FlopsPerParamToken.index()] = 6.0;
        x[Input::Gpus.index()] = 100.0;
        x[Input::PeakTflops.index()] = 1000.0;
        x[Input::Mfu.index()] = mfu;
        x[Input::Downtime.index()] = downtime;
        x
    }

    fn conditioned(x: &Inputs, obs: &Observation) -> Option<(f64, f64)> {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let options = ModelOptions::default();
        let s = stand(x, options, obs, &mut rng)?;
        let mfu = s.implied_mfu(obs);
        let (hours, _) = finish(x, options, obs, &s, &mut rng)?;
        Some((mfu, hours))
    }

    #[test]
    fn a_steady_run_keeps_the_pace_it_showed() {
        let x = run(0.3, 0.2);
        let obs = Observation {
            elapsed_hours: 10.0,
            tokens_done: 0.24e12,
            interruptions: None,
        };
        let (mfu, hours) = conditioned(&x, &obs).unwrap();
        // 24% of the tokens in 10 h: the rest takes 31.67 h at that pace.
        assert!((hours - 10.0 * 0.76 / 0.24).abs() < 1e-9);
        // 0.24e12 tokens in 8 h of work: 6 × 1e9 × 0.24e12 / (1e17 × 28,800 s) = 0.5.
        assert!((mfu - 0.5).abs() < 1e-12, "{mfu}");
    }

    #[test]
    fn a_run_past_its_tokens_cannot_be_finished() {
        let x = run(0.5, 0.0);
        let done = Observation {
            elapsed_hours: 1.0,
            tokens_done: 1e12,
            interruptions: None,
        };
        assert!(conditioned(&x, &done).is_none());
    }

    #[test]
    fn the_walk_loses_the_attempt_an_interruption_cuts() {
        // τ = 2 h of work, 1 h to write: intervals end at running hours 3, 6, 9, ...
        let mut walk = Walk::new(2.0, 1.0);
        walk.interrupt(7.5); // two intervals done (4 h of work); the third lost at 1.5 h in
        let s = walk.stand(9.0); // 1.5 h into the retry
        assert_eq!((s.committed, s.attempt, s.interruptions), (4.0, 1.5, 1.0));
        // Writing a checkpoint: the interval's work is done, not yet safe.
        let s = Walk::new(2.0, 1.0).stand(2.5);
        assert_eq!((s.committed, s.attempt), (0.0, 2.5));
    }

    #[test]
    fn poisson_probabilities_are_exact_and_finite_for_large_counts() {
        assert!((poisson_pmf(3, 2.0) - 8.0 / 6.0 * (-2.0f64).exp()).abs() < 1e-15);
        assert_eq!(poisson_pmf(0, 0.0), 1.0);
        assert_eq!(poisson_pmf(2, 0.0), 0.0);
        let p = poisson_pmf(5000, 5000.0);
        assert!((p - 1.0 / (2.0 * std::f64::consts::PI * 5000.0).sqrt()).abs() < 1e-6);
    }
}
