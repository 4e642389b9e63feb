//! `flopcast update`: re-forecast a run in flight. The scenario's runs are weighted by how likely
//! each made what the run has shown (days elapsed, tokens done, interruptions counted), each
//! takes the utilisation its pace implies, and the rest of each run is drawn from where it
//! stands (see [`crate::model::progress`]); the plan's bands are shown beside the new ones.

use std::path::PathBuf;

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use rayon::prelude::*;

use super::Sampling;
use super::progress::Progress;
use crate::analyze::reforecast::Weighted;
use crate::error::Error;
use crate::model::progress::{self, Observation};
use crate::model::spend;
use crate::model::{self, Input, Inputs, Metric};
use crate::output::{Exports, OutputSet, TableFiles};
use crate::report::AsDocument;
use crate::report::Goals;
use crate::report::update::{
    self, BAND, Band, Chance, Figure, Flag, Observed, Shown, UpdateReport,
};
use crate::sample::{SamplingPlan, derive_seed};
use crate::scenario::Scenario;
use crate::stats;

pub const DEFAULT_UPDATE_RUNS: u64 = 200_000;

/// How far beyond the runs' P0.5–P99.5 spend to date a spend given must lie to be flagged:
/// books and a model of them never agree to the dollar (a scenario with fixed prices has a
/// band of one value).
pub const SPEND_TOLERANCE: f64 = 0.1;

/// Two-sided tail below which an observation is flagged as one the plan all but ruled out.
pub const SURPRISE: f64 = 0.005;

/// Tokens done, as a count or as a share of the scenario's tokens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TokensDone {
    Count(f64),
    Share(f64),
}

#[derive(Debug, Clone)]
pub struct UpdateOptions {
    pub scenario: PathBuf,
    pub elapsed_days: f64,
    pub tokens_done: TokensDone,
    pub interruptions: Option<u64>,
    pub spent_usd: Option<f64>,
    pub goals: Goals,
    pub sampling: Sampling,
    pub progress: bool,
    pub tables: TableFiles,
}

pub struct UpdateOutcome {
    pub report: UpdateReport,
    pub text: String,
}

/// One run of the plan, as planned and as re-forecast.
#[derive(Debug, Clone, Copy, Default)]
struct Draw {
    /// The model could compute the plan of this run.
    sound: bool,
    /// The run would have had more interruptions by now than a run in flight is walked through.
    beyond: bool,
    plan_days: f64,
    plan_cost: f64,
    plan_interruptions: f64,
    plan_overrun: f64,
    prior_mfu: f64,
    prior_failure_input: f64,
    failure_input: f64,
    /// 0 when the run could not have produced the observation.
    weight: f64,
    /// The run's weight for the interruptions counted: P(K | run), or with the rate drawn
    /// from the count, prior × likelihood / proposal (1 when none were counted); it weighs the
    /// run's chance of a slower pace in the pace flag.
    chance: f64,
    /// P(utilisation ≤ the implied one): this run's chance of a pace at most the observed.
    pace_tail: f64,
    interruption_tails: (f64, f64),
    mfu: f64,
    days: f64,
    remaining_days: f64,
    cost: f64,
    spent: f64,
    interruptions: f64,
    overrun: f64,
}

pub fn update(opts: &UpdateOptions) -> Result<UpdateOutcome, Error> {
    let scenario = Scenario::load(&opts.scenario)?;
    let opts = &UpdateOptions {
        goals: super::resolve_goals(opts.goals, &scenario)?,
        ..opts.clone()
    };
    let mut outputs = OutputSet::new(&scenario.input_files());
    let exports = Exports::tables(&mut outputs, &opts.tables)?;
    let obs = observation(&scenario, opts)?;
    let runs = opts.sampling.runs.unwrap_or(DEFAULT_UPDATE_RUNS);
    let (_, seed) = super::runs_and_seed(&scenario, None, opts.sampling.seed);
    super::check_memory(runs, peak_bytes)?;
    let plan = SamplingPlan::new(&scenario, runs, seed);
    let progress = Progress::new(runs, opts.progress, "runs");
    let draws = super::with_threads(opts.sampling.threads, || {
        draw_all(&plan, &scenario, &obs, &|n| progress.advance(n))
    })??;
    progress.finish();
    let report = summarise(&scenario, opts, &obs, runs, seed, &draws)?;
    exports.write(&mut outputs, &report)?;
    outputs.commit()?;
    let text = report.to_text();
    Ok(UpdateOutcome { report, text })
}

/// Peak bytes of `update` for `runs` runs: every run's record and the weighted figures.
pub fn peak_bytes(runs: u64) -> u64 {
    crate::memory::update(runs, std::mem::size_of::<Draw>() as u64)
}

/// The observation in model units, refused where the scenario cannot take it.
fn observation(scenario: &Scenario, opts: &UpdateOptions) -> Result<Observation, Error> {
    let refuse = |m: String| Err(Error::Runtime(m));
    let mfu = scenario.spec(Input::Mfu);
    if mfu.dist.is_fixed() {
        return refuse(format!(
            "{}: `cluster.mfu` is a single number, so the scenario cannot learn from the pace \
             the run has shown (a pace other than that utilisation's is impossible under it); \
             give it as a distribution, e.g. mfu = {{ dist = \"pert\", min = 0.3, mode = 0.4, \
             max = 0.45 }} or mfu = \"reference\"",
            scenario.path.display()
        ));
    }
    if scenario
        .correlations
        .iter()
        .any(|c| c.a == Input::Mfu || c.b == Input::Mfu)
    {
        return refuse(format!(
            "{}: `cluster.mfu` is correlated with another input; `update` weighs runs by the \
             utilisation's own density and cannot yet condition a correlated one: remove the \
             [[correlation]] entry for cluster.mfu to re-forecast",
            scenario.path.display()
        ));
    }
    if opts.interruptions.is_some() && scenario.options.failures.is_none() {
        return refuse(format!(
            "--interruptions needs a [failures] section in {}: without one the scenario \
             models lost time as a downtime fraction, which has no count of interruptions to \
             compare with",
            scenario.path.display()
        ));
    }
    let tokens = scenario.spec(Input::Tokens);
    let tokens_done = match opts.tokens_done {
        TokensDone::Count(t) => t,
        TokensDone::Share(s) if tokens.dist.is_fixed() => s * tokens.dist.median(),
        TokensDone::Share(_) => {
            return refuse(format!(
                "--tokens-done as a share needs a fixed `model.tokens`; {} gives a \
                 distribution, so give the tokens trained as a count (e.g. 6.2T)",
                scenario.path.display()
            ));
        }
    };
    if tokens.dist.is_fixed() && tokens_done >= tokens.dist.median() {
        return refuse(format!(
            "--tokens-done {} is not less than the {} tokens of {}: the run has finished, \
             and there is nothing left to forecast",
            crate::units::general(tokens_done),
            crate::units::general(tokens.dist.median()),
            scenario.path.display()
        ));
    }
    Ok(Observation {
        elapsed_hours: opts.elapsed_days * 24.0,
        tokens_done,
        interruptions: opts.interruptions,
    })
}

/// Every run of the plan, planned and re-forecast; an error naming the first run whose plan
/// the model cannot compute (an overflow), as `run` would.
fn draw_all(
    plan: &SamplingPlan,
    scenario: &Scenario,
    obs: &Observation,
    advance: &(dyn Fn(u64) + Sync),
) -> Result<Vec<Draw>, Error> {
    let metrics = scenario.options.metrics();
    let chunks: Vec<(Vec<Draw>, Unsound)> = (0..plan.chunks())
        .into_par_iter()
        .map(|c| {
            let mut block = plan.scratch();
            let mut sampler = plan.chunk(c);
            let mut out = Vec::with_capacity(plan.chunk_len(c));
            let mut unsound = Unsound::default();
            let first = c as u64 * crate::sample::CHUNK_RUNS as u64;
            while sampler.next_block(&mut block) {
                for i in 0..block.len {
                    let index = first + out.len() as u64;
                    let x = block.run(i);
                    let d = draw(&x, scenario, &metrics, obs, (plan.seed, index));
                    if !d.sound {
                        unsound.count += 1;
                        unsound.first.get_or_insert((index, x));
                    }
                    out.push(d);
                }
            }
            advance(out.len() as u64);
            (out, unsound)
        })
        .collect();
    let count = chunks.iter().map(|c| c.1.count).sum();
    let first = chunks.iter().find_map(|c| c.1.first);
    crate::simulate::ensure_sound(plan.runs, count, first, scenario.options, &plan.origins)?;
    Ok(chunks.into_iter().flat_map(|c| c.0).collect())
}

/// Runs whose plan the model cannot compute, and the first of them.
#[derive(Default)]
struct Unsound {
    count: u64,
    first: Option<(u64, Inputs)>,
}

/// One run of the plan, and the same run conditioned on the observation; its failure process
/// after the observation is drawn from a generator seeded by the seed and the run's index.
fn draw(
    x: &Inputs,
    scenario: &Scenario,
    metrics: &[Metric],
    obs: &Observation,
    (seed, index): (u64, u64),
) -> Draw {
    let options = scenario.options;
    let y = model::evaluate(x, options);
    let prior_failure_input = failure_input(scenario).map_or(f64::NAN, |i| x[i.index()]);
    let mut d = Draw {
        sound: model::sound(&y, metrics),
        plan_days: y[Metric::TrainDays.index()],
        plan_cost: y[Metric::TotalCostUsd.index()],
        plan_interruptions: y[Metric::Interruptions.index()],
        plan_overrun: y[Metric::OverrunDays.index()],
        prior_mfu: x[Input::Mfu.index()],
        prior_failure_input,
        interruption_tails: options
            .failures
            .and_then(|f| progress::interruption_tails(x, f, obs))
            .unwrap_or((f64::NAN, f64::NAN)),
        ..Draw::default()
    };
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(derive_seed(seed, "update", index));
    let mut x = *x;
    if options.contract && obs.elapsed_hours / 24.0 > x[Input::ContractTermDays.index()] {
        // Seen running past its term: any wait for extension capacity is behind it, in the
        // days elapsed, and is not added again.
        x[Input::ExtensionUnavailable.index()] = 0.0;
    }
    if let Some(f) = options.failures
        && obs.interruptions.is_none()
        && progress::expected_interruptions_by(&x, f, obs.elapsed_hours)
            > progress::MOST_INTERRUPTIONS as f64
    {
        d.beyond = true;
        return d;
    }
    let proposed = propose_rate(&mut x, scenario, obs, &mut rng);
    d.failure_input = failure_input(scenario).map_or(f64::NAN, |i| x[i.index()]);
    let Some(mut standing) = progress::stand(&x, options, obs, &mut rng) else {
        return d;
    };
    if let Some(chance) = proposed {
        standing.chance = chance;
    }
    let mfu = standing.implied_mfu(obs);
    let dist = &scenario.spec(Input::Mfu).dist;
    d.chance = standing.chance;
    d.pace_tail = if mfu > 0.0 { dist.cdf(mfu) } else { 0.0 };
    if !(mfu > 0.0 && mfu <= 1.0) {
        return d;
    }
    x[Input::Mfu.index()] = mfu;
    let Some((remaining_hours, to_come)) = progress::finish(&x, options, obs, &standing, &mut rng)
    else {
        return d;
    };
    let interruptions = standing.interruptions + to_come;
    let now = model::evaluate_timed(
        &x,
        options,
        obs.elapsed_hours + remaining_hours,
        interruptions,
    );
    let flows = spend::flows(|i| x[i.index()], &now, options);
    let mut paid = [0.0; 2];
    spend::place(&flows, &[obs.elapsed_hours / 24.0], &mut paid);
    let weight = standing.weight(density(dist, mfu));
    d.weight = if weight.is_finite() { weight } else { 0.0 };
    d.mfu = mfu;
    d.days = now[Metric::TrainDays.index()];
    d.remaining_days = d.days - obs.elapsed_hours / 24.0;
    d.cost = now[Metric::TotalCostUsd.index()];
    d.spent = paid[0];
    d.interruptions = interruptions;
    d.overrun = now[Metric::OverrunDays.index()];
    d
}

/// With interruptions counted, draws run `x`'s failure rate (per GPU-hour) half the time from
/// where the count puts it, Gamma(K + 1, 1 / (gpus × running hours)), and half the time keeps
/// its prior draw: a count of hundreds pins the rate far more tightly than the prior does, and
/// the prior alone would leave few runs near it; a count of a few pins it less than a tight
/// prior, and the Gamma alone would waste most runs outside it. Returns the run's weight for
/// the count, which replaces P(K | rate): prior density × likelihood / the mixture's density,
/// where the Gamma's density is the likelihood × gpus × running hours. `None` (the prior's
/// draw kept, weighed by P(K | rate)) when the rate is fixed or correlated with another input,
/// whose density alone is not the run's.
fn propose_rate(
    x: &mut Inputs,
    scenario: &Scenario,
    obs: &Observation,
    rng: &mut Xoshiro256PlusPlus,
) -> Option<f64> {
    use rand::RngExt;
    use rand_distr::{Distribution, Gamma};
    let k = obs.interruptions?;
    let input = failure_input(scenario)?;
    let dist = &scenario.spec(input).dist;
    let correlated = scenario
        .correlations
        .iter()
        .any(|c| c.a == input || c.b == input);
    if dist.is_fixed() || correlated {
        return None;
    }
    let running = obs.elapsed_hours - k as f64 * x[Input::RestartHours.index()];
    let exposure = x[Input::Gpus.index()] * running;
    if exposure.is_nan() || exposure <= 0.0 {
        return None;
    }
    let mtbf = input == Input::GpuMtbfHours;
    let rate = if rng.random::<f64>() < 0.5 {
        Gamma::new(k as f64 + 1.0, 1.0 / exposure).ok()?.sample(rng)
    } else if mtbf {
        1.0 / x[input.index()]
    } else {
        x[input.index()]
    };
    x[input.index()] = if mtbf { 1.0 / rate } else { rate };
    let prior = if mtbf {
        density(dist, 1.0 / rate) / (rate * rate)
    } else {
        density(dist, rate)
    };
    let likelihood = progress::poisson_pmf(k, rate * exposure);
    let mixture = 0.5 * prior + 0.5 * likelihood * exposure;
    Some(if mixture > 0.0 {
        prior * likelihood / mixture
    } else {
        0.0
    })
}

/// The scenario's failure-rate input: what counting interruptions teaches.
fn failure_input(scenario: &Scenario) -> Option<Input> {
    scenario.options.failures.map(|f| {
        if f.from_mtbf {
            Input::GpuMtbfHours
        } else {
            Input::FailureRate
        }
    })
}

/// The density of `dist` at `x`, from its CDF by a central difference: every family has a
/// CDF, truncated or not, and the weights need no more than a few digits.
fn density(dist: &crate::dist::Dist, x: f64) -> f64 {
    let h = 1e-6 * x;
    // In the upper tail the CDF is 1 to within rounding; its complement keeps the digits.
    let mass = if x > dist.median() {
        dist.sf(x - h) - dist.sf(x + h)
    } else {
        dist.cdf(x + h) - dist.cdf(x - h)
    };
    (mass / (2.0 * h)).max(0.0)
}

fn summarise(
    scenario: &Scenario,
    opts: &UpdateOptions,
    obs: &Observation,
    runs: u64,
    seed: u64,
    draws: &[Draw],
) -> Result<UpdateReport, Error> {
    if draws.iter().any(|d| d.beyond) {
        return Err(Error::Runtime(format!(
            "some runs of {} would have had more than {} interruptions by day {}, more than a \
             run in flight is walked through: give the count seen with --interruptions",
            scenario.path.display(),
            crate::report::group_thousands(progress::MOST_INTERRUPTIONS),
            crate::units::general(opts.elapsed_days)
        )));
    }
    let weights: Vec<f64> = draws.iter().map(|d| d.weight).collect();
    let consistent = weights.iter().filter(|w| **w > 0.0).count() as u64;
    if consistent == 0 {
        return Err(Error::Runtime(format!(
            "none of the {} runs of {} could have trained {} tokens in {} days{}: the \
             observation lies outside everything the scenario allows (for instance a pace that \
             needs a utilisation beyond the range of `cluster.mfu`); the plan's priors rule it \
             out, so revise them before re-forecasting",
            crate::report::group_thousands(runs),
            scenario.path.display(),
            crate::units::general(obs.tokens_done),
            crate::units::general(obs.elapsed_hours / 24.0),
            obs.interruptions
                .map_or(String::new(), |k| format!(" with {k} interruptions"))
        )));
    }
    let now = |f: fn(&Draw) -> f64| {
        let values: Vec<f64> = draws.iter().map(f).collect();
        Weighted::new(&values, &weights)
    };
    let planned = |f: fn(&Draw) -> f64| {
        let values: Vec<f64> = draws.iter().map(f).filter(|v| v.is_finite()).collect();
        stats::summarize(&values, &BAND)
    };
    let days = now(|d| d.days);
    let spent = now(|d| d.spent);
    let to_complete = now(|d| d.cost - d.spent);
    let eac = match opts.spent_usd {
        Some(usd) => {
            let values: Vec<f64> = draws.iter().map(|d| usd + d.cost - d.spent).collect();
            Weighted::new(&values, &weights)
        }
        None => now(|d| d.cost),
    };
    let plan_days = planned(|d| d.plan_days);
    let plan_cost = planned(|d| d.plan_cost);
    let mut figures = vec![
        Figure::new(
            "remaining_days",
            crate::format::Unit::Days,
            None,
            &now(|d| d.remaining_days),
        ),
        Figure::new(
            "train_days",
            crate::format::Unit::Days,
            Some(&plan_days),
            &days,
        ),
        Figure::new(
            "total_cost_usd",
            crate::format::Unit::Usd,
            Some(&plan_cost),
            &eac,
        ),
        Figure::new(
            "cost_to_complete_usd",
            crate::format::Unit::Usd,
            None,
            &to_complete,
        ),
        Figure::new("spent_to_date_usd", crate::format::Unit::Usd, None, &spent),
    ];
    if scenario.options.failures.is_some() {
        let plan = planned(|d| d.plan_interruptions);
        let unit = crate::format::Unit::Count;
        figures.push(Figure::new(
            "interruptions",
            unit,
            Some(&plan),
            &now(|d| d.interruptions),
        ));
    }
    if scenario.options.contract {
        let plan = planned(|d| d.plan_overrun);
        let unit = crate::format::Unit::Days;
        figures.push(Figure::new(
            "overrun_days",
            unit,
            Some(&plan),
            &now(|d| d.overrun),
        ));
    }
    let mut shown = vec![Shown::new(
        Input::Mfu,
        &planned(|d| d.prior_mfu),
        &now(|d| d.mfu),
    )];
    if let Some(input) = failure_input(scenario) {
        shown.push(Shown::new(
            input,
            &planned(|d| d.prior_failure_input),
            &now(|d| d.failure_input),
        ));
    }
    let finish = scenario.start.map(|start| {
        let date = |days: f64| crate::report::run::when::date_after(start, days);
        Band {
            plan: update::values(&plan_days).map(date),
            now: [days.quantile(0.05), days.quantile(0.5), days.quantile(0.95)].map(date),
        }
    });
    let narrowed = [figures[1].narrower_by, figures[2].narrower_by];
    let chances = chances(opts, draws, &days, &eac);
    let flags = flags(scenario, opts, obs, draws, &days, &spent);
    Ok(UpdateReport {
        scenario: scenario.name.clone(),
        file: scenario.path.display().to_string(),
        runs,
        seed,
        observed: Observed {
            elapsed_days: opts.elapsed_days,
            tokens_done: obs.tokens_done,
            tokens_share: fixed(scenario, Input::Tokens).map(|t| obs.tokens_done / t),
            interruptions: obs.interruptions,
            spent_usd: opts.spent_usd,
        },
        start: scenario.start,
        consistent_runs: consistent,
        effective_runs: days.effective_runs(),
        steady: scenario.options.failures.is_none(),
        shown,
        figures,
        finish,
        narrowed,
        chances,
        flags,
    })
}

fn fixed(scenario: &Scenario, input: Input) -> Option<f64> {
    let d = &scenario.spec(input).dist;
    d.is_fixed().then(|| d.median())
}

fn chances(opts: &UpdateOptions, draws: &[Draw], days: &Weighted, eac: &Weighted) -> Vec<Chance> {
    let plan = |hits: usize| stats::Probability::from_count(hits as u64, draws.len() as u64);
    let mut out = Vec::new();
    if let Some(limit) = opts.goals.deadline_days {
        let hits = draws.iter().filter(|d| d.plan_days <= limit).count();
        out.push(Chance {
            metric: Metric::TrainDays,
            by_date: opts.goals.deadline_date,
            limit,
            plan: plan(hits).estimate,
            now: days.share_at_most(limit),
        });
    }
    if let Some(limit) = opts.goals.budget_usd {
        let hits = draws.iter().filter(|d| d.plan_cost <= limit).count();
        out.push(Chance {
            metric: Metric::TotalCostUsd,
            by_date: None,
            limit,
            plan: plan(hits).estimate,
            now: eac.share_at_most(limit),
        });
    }
    out
}

/// What the plan all but ruled out, and where the re-forecast rests on few runs.
fn flags(
    scenario: &Scenario,
    opts: &UpdateOptions,
    obs: &Observation,
    draws: &[Draw],
    days: &Weighted,
    spent: &Weighted,
) -> Vec<Flag> {
    let mut out = Vec::new();
    let surprising = |p: f64| p < SURPRISE;
    // P(tokens done by now ≤ those observed) under the plan, given the interruptions counted:
    // small when the run is slower than the plan allowed, near 1 when faster.
    let (mut pace, mut total) = (0.0, 0.0);
    for d in draws
        .iter()
        .filter(|d| d.chance > 0.0 && d.pace_tail.is_finite())
    {
        pace += d.chance * d.pace_tail;
        total += d.chance;
    }
    if total > 0.0 {
        let pace = pace / total;
        if surprising(pace) {
            out.push(Flag::PaceSlow { p: pace });
        } else if surprising(1.0 - pace) {
            out.push(Flag::PaceFast { p: 1.0 - pace });
        }
    }
    if let (Some(k), Some(input)) = (obs.interruptions, failure_input(scenario)) {
        let tails: Vec<(f64, f64)> = draws
            .iter()
            .map(|d| d.interruption_tails)
            .filter(|t| t.0.is_finite() && t.1.is_finite())
            .collect();
        let n = tails.len().max(1) as f64;
        let below = tails.iter().map(|t| t.0).sum::<f64>() / n;
        let above = tails.iter().map(|t| t.1).sum::<f64>() / n;
        if surprising(below) {
            out.push(Flag::FewerInterruptions { k, p: below, input });
        } else if surprising(above) {
            out.push(Flag::MoreInterruptions { k, p: above, input });
        }
    }
    if let Some(usd) = opts.spent_usd {
        let (lo, hi) = (spent.quantile(SURPRISE), spent.quantile(1.0 - SURPRISE));
        let outside = usd < lo * (1.0 - SPEND_TOLERANCE) || usd > hi * (1.0 + SPEND_TOLERANCE);
        if outside {
            out.push(Flag::Spent {
                usd,
                lo,
                hi,
                tolerance: SPEND_TOLERANCE,
            });
        }
    }
    let ess = days.effective_runs();
    if ess < MIN_EFFECTIVE_RUNS {
        out.push(Flag::FewRuns {
            effective: ess,
            runs: draws.len() as u64,
        });
    }
    out
}

/// Effective runs below which the re-forecast is flagged as resting on too few.
pub const MIN_EFFECTIVE_RUNS: f64 = 1_000.0;
