//! The run report: one statistics core ([`RunReport`]) read by every format of `run`.

pub mod csv;
pub mod html;
pub mod json;
pub mod samples;
pub mod text;
pub mod when;

use crate::analyze::precision::Outcome;
use crate::model::Metric;
use crate::sample::scheme::{Replicates, Uniforms};
use crate::simulate::Simulation;
use crate::simulate::Source as Runs;
use crate::stats::replicated::{MIN_TAIL_RUNS_PER_REPLICATE, summarize_sample};
pub use crate::stats::stream::Goals;
use crate::stats::stream::{Part, Streamed, Within};
use crate::stats::{self, Probability, Summary};

use super::group_thousands;

/// Everything a `run` reports, computed once and handed to every exporter.
#[derive(Debug, Clone)]
pub struct RunReport {
    pub scenario_name: String,
    pub scenario_file: String,
    pub runs: u64,
    pub seed: u64,
    /// How the runs were sampled, and the replicates their intervals come from.
    pub uniforms: Uniforms,
    pub percentiles: Vec<f64>,
    pub metrics: Vec<(Metric, Summary)>,
    pub budget: Option<Target>,
    pub deadline: Option<Target>,
    /// P(within budget and within deadline), when both are given.
    pub joint: Option<Probability>,
    /// P(the run outlasts its contract's term), when the scenario has a `[contract]`.
    pub overrun: Option<Probability>,
    /// How the run count was found, when it stopped at a precision.
    pub precision: Option<Outcome>,
    /// Spend by month and quarter and the finish date's band, when the scenario has a start
    /// date (`[schedule]`).
    pub when: Option<when::When>,
}

/// Where a report's figures come from: a summary per output and the goals' chances.
struct Source<'a> {
    metrics: &'a [Metric],
    summary: &'a mut dyn FnMut(Metric) -> Summary,
    chance: &'a dyn Fn(Within) -> Probability,
}

/// The chance that a run outlasts its contract's term, as every format names it.
pub const OVERRUN_LABEL: &str = "P(overrun_days > 0)";

/// A threshold and the chance of staying at or under it.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Target {
    pub limit: f64,
    pub chance: Probability,
}

impl RunReport {
    /// The report of a stored simulation.
    pub fn new(
        name: &str,
        file: &str,
        sim: &Simulation,
        percentiles: &[f64],
        goals: &Goals,
    ) -> Self {
        let reps = sim.uniforms.replicates.as_ref();
        let cost = sim.column(Metric::TotalCostUsd);
        let days = sim.column(Metric::TrainDays);
        let overrun = sim
            .metrics
            .contains(&Metric::OverrunDays)
            .then(|| sim.column(Metric::OverrunDays));
        let (budget, deadline) = (goals.budget_usd, goals.deadline_days);
        let mut source = Source {
            metrics: &sim.metrics,
            summary: &mut |m| summarize_sample(sim.column(m), percentiles, reps),
            chance: &|within| {
                let b = budget.unwrap_or(f64::INFINITY);
                let d = deadline.unwrap_or(f64::INFINITY);
                match within {
                    Within::Budget => stats::replicated::chance(cost, days, reps, |c, _| c <= b),
                    Within::Deadline => stats::replicated::chance(cost, days, reps, |_, t| t <= d),
                    Within::Both => {
                        stats::replicated::chance(cost, days, reps, |c, t| c <= b && t <= d)
                    }
                    Within::Overrun => {
                        let over = overrun.expect("a contract's overrun");
                        stats::replicated::chance(over, days, reps, |o, _| o > 0.0)
                    }
                }
            },
        };
        Self::build(
            name,
            file,
            sim.runs,
            sim.seed,
            sim.uniforms,
            percentiles,
            goals,
            &mut source,
        )
    }

    /// The report of one scenario's part of a stream of runs, told of these percentiles and
    /// goals: the same figures as [`RunReport::new`] gives for the runs stored.
    pub fn streamed<S: Runs>(
        name: &str,
        file: &str,
        stream: &mut Streamed<S>,
        part: &Part,
        percentiles: &[f64],
        goals: &Goals,
    ) -> Self {
        let (runs, seed, uniforms) = (stream.runs(), stream.seed(), stream.uniforms());
        let metrics = part.metrics();
        let stream = std::cell::RefCell::new(stream);
        let mut source = Source {
            metrics: &metrics,
            summary: &mut |m| stream.borrow_mut().summary(part.column(m), percentiles),
            chance: &|within| {
                let event = part.within[within as usize].expect("a chance the part counts");
                stream.borrow().chance(event)
            },
        };
        Self::build(
            name,
            file,
            runs,
            seed,
            uniforms,
            percentiles,
            goals,
            &mut source,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn build(
        name: &str,
        file: &str,
        runs: u64,
        seed: u64,
        uniforms: Uniforms,
        percentiles: &[f64],
        goals: &Goals,
        source: &mut Source,
    ) -> Self {
        let metrics = source
            .metrics
            .iter()
            .map(|&m| (m, (source.summary)(m)))
            .collect();
        let chance = source.chance;
        let overrun = source
            .metrics
            .contains(&Metric::OverrunDays)
            .then(|| chance(Within::Overrun));
        RunReport {
            scenario_name: name.to_string(),
            scenario_file: file.to_string(),
            runs,
            seed,
            uniforms,
            percentiles: percentiles.to_vec(),
            metrics,
            budget: goals.budget_usd.map(|b| Target {
                limit: b,
                chance: chance(Within::Budget),
            }),
            deadline: goals.deadline_days.map(|d| Target {
                limit: d,
                chance: chance(Within::Deadline),
            }),
            joint: goals
                .budget_usd
                .zip(goals.deadline_days)
                .map(|_| chance(Within::Both)),
            overrun,
            precision: None,
            when: None,
        }
    }

    /// The chances of the goals, each with its label: "P(total_cost_usd <= $110.0M)".
    pub fn chances(&self) -> Vec<(String, Probability)> {
        let label = |m: Metric, limit: f64| {
            format!(
                "P({} <= {})",
                m.name(),
                crate::format::human(m.unit(), limit)
            )
        };
        let budget = self
            .budget
            .map(|t| (label(Metric::TotalCostUsd, t.limit), t.chance));
        let deadline = self
            .deadline
            .map(|t| (label(Metric::TrainDays, t.limit), t.chance));
        let joint = self
            .joint
            .map(|p| ("P(within budget and deadline)".to_string(), p));
        let overrun = self.overrun.map(|p| (OVERRUN_LABEL.to_string(), p));
        [budget, deadline, joint, overrun]
            .into_iter()
            .flatten()
            .collect()
    }

    pub fn summary(&self, metric: Metric) -> &Summary {
        &self
            .metrics
            .iter()
            .find(|(m, _)| *m == metric)
            .expect("every metric is summarised")
            .1
    }
}

/// The footnote of the tables' `±95%` column, and of the `*` marks when a percentile's interval
/// falls short of 95%. Coverage depends only on the run count and the percentile, so the first
/// metric speaks for all.
pub fn interval_notes(report: &RunReport) -> Vec<String> {
    let mut notes = match &report.uniforms.replicates {
        None => vec![
            "±95%: half-width of the widest 95% Monte Carlo interval of the row's mean and percentiles;"
                .to_string(),
            "digits smaller than it are noise (4x the runs halve it).".to_string(),
        ],
        Some(reps) => vec![
            "±95%: half-width of the widest 95% interval of the row's mean and percentiles, from the"
                .to_string(),
            format!(
                "spread between {} independent replicates; digits smaller than it are noise.",
                group_thousands(reps.count)
            ),
        ],
    };
    let flagged_means: Vec<&str> = report
        .metrics
        .iter()
        .filter(|(_, s)| !s.mean.reliable)
        .map(|(m, _)| m.name())
        .collect();
    if !flagged_means.is_empty() {
        notes.push(format!(
            "* on a mean: its normal 95% interval cannot be trusted ({}): fewer than {} runs, or \
             tails so heavy (skewness²/n or excess kurtosis/n above 0.01) that the sample's sd \
             understates the error; ±95% leaves it out.",
            flagged_means.join(", "),
            group_thousands(stats::MIN_RUNS_FOR_MEAN_INTERVAL)
        ));
    }
    let Some((_, first)) = report.metrics.first() else {
        return notes;
    };
    let short: Vec<&stats::Percentile> = first.short_intervals().collect();
    if short.is_empty() {
        return notes;
    }
    if let Some(reps) = &report.uniforms.replicates {
        notes.push(replicate_note(&short, reps));
        return notes;
    }
    let listed: Vec<String> = short
        .iter()
        .map(|p| format!("P{} {:.0}%", p.percent, 100.0 * p.ci_coverage))
        .collect();
    let needed = short
        .iter()
        .map(|p| stats::runs_for_95_interval(p.percent))
        .max()
        .unwrap_or(0);
    notes.push(
        "*: too few runs beyond the percentile for a 95% interval: one end is the sample's extreme,"
            .to_string(),
    );
    notes.push(format!(
        "so it covers {} of the time; ±95% leaves it out. {} runs bound them all.",
        listed.join(", "),
        group_thousands(needed)
    ));
    notes
}

/// Why a percentile of stratified runs has no interval: its replicates hold too few runs
/// beyond it for their own estimates to vary as the pooled one does.
fn replicate_note(short: &[&stats::Percentile], reps: &Replicates) -> String {
    let names: Vec<String> = short.iter().map(|p| format!("P{}", p.percent)).collect();
    let needed = short
        .iter()
        .map(|p| {
            let q = p.percent / 100.0;
            (MIN_TAIL_RUNS_PER_REPLICATE / q.min(1.0 - q)).ceil() as u64 * reps.count
        })
        .max()
        .unwrap_or(0);
    format!(
        "* on {}: too few runs beyond it in each of the {} replicates for an interval between \
         them; the order-statistic interval shown assumes independent runs, so ±95% leaves it \
         out. {} runs give it one.",
        names.join(", "),
        reps.count,
        group_thousands(needed)
    )
}
