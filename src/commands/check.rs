//! `flopcast check`: validate a scenario, show each input's resolved distribution, and set the
//! model at the inputs' means beside the Monte Carlo mean: the flaw of averages.

use std::path::PathBuf;

use super::Sampling;
use super::progress::Progress;
use crate::error::Error;
use crate::memory;
use crate::model::{self, Input, Metric};
use crate::output::{Exports, OutputSet, TableFiles};
use crate::report::AsDocument;
use crate::report::check::{CheckReport, Flaw};
use crate::sample::SamplingPlan;
use crate::scenario::Scenario;
use crate::simulate;
use crate::stats::stream::{MEDIAN, Tuning, stream};

pub const DEFAULT_CHECK_RUNS: u64 = 200_000;

#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub scenario: PathBuf,
    pub sampling: Sampling,
    pub progress: bool,
    pub tables: TableFiles,
}

pub fn check(opts: &CheckOptions) -> Result<String, Error> {
    let scenario = Scenario::load(&opts.scenario)?;
    let runs = opts.sampling.runs.unwrap_or(DEFAULT_CHECK_RUNS);
    let (_, seed) = super::runs_and_seed(&scenario, None, opts.sampling.seed);
    let mut outputs = OutputSet::new(&scenario.input_files());
    let exports = Exports::tables(&mut outputs, &opts.tables)?;
    super::check_memory(runs, |r| peak(&scenario, r))?;
    let plan = SamplingPlan::new(&scenario, runs, seed);
    let progress = Progress::new(runs, opts.progress, "runs");
    let flaws = super::with_threads(opts.sampling.threads, || {
        flaws(&scenario, &plan, &|n| progress.advance(n))
    })??;
    progress.finish();
    let report = CheckReport {
        scenario: &scenario,
        runs,
        seed,
        flaws,
        failure_histories: scenario.options.failures.map(|_| FAILURE_HISTORIES),
    };
    exports.write(&mut outputs, &report)?;
    outputs.commit()?;
    Ok(report.to_text())
}

/// Peak bytes of `flopcast check` with these options: the runs are reduced as they are drawn,
/// keeping values around the median only (see [`memory::streamed`]).
pub fn peak_bytes(opts: &CheckOptions) -> Result<u64, Error> {
    let scenario = Scenario::load(&opts.scenario)?;
    let runs = opts.sampling.runs.unwrap_or(DEFAULT_CHECK_RUNS);
    Ok(peak(&scenario, runs))
}

fn peak(scenario: &Scenario, runs: u64) -> u64 {
    let metrics = scenario.options.metrics().len() as u64;
    memory::streamed(runs, metrics, &MEDIAN, 1)
}

/// Failure histories averaged when the model is evaluated at a point: with `[failures]`, one
/// evaluation is one simulated history (`failures.luck` seeds it), not a typical one.
const FAILURE_HISTORIES: usize = 1_000;

const FLAW_METRICS: [Metric; 5] = [
    Metric::TrainDays,
    Metric::GpuHours,
    Metric::ComputeCostUsd,
    Metric::LaborCostUsd,
    Metric::TotalCostUsd,
];

/// The flaw of averages proper is E[f(X)] − f(E[X]): the model at the inputs' means against the
/// mean of the runs, reduced as they are drawn. The model at the medians is shown too, labelled
/// as such: its distance from the mean is mostly the skew of the inputs, not the model's
/// nonlinearity.
fn flaws(
    scenario: &Scenario,
    plan: &SamplingPlan,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<Flaw>, Error> {
    let source = simulate::Single::new(plan, scenario.options);
    let mut s = stream(&source, progress, &MEDIAN, &[], Tuning::default());
    s.ensure_finite()?;
    let means: model::Inputs = std::array::from_fn(|i| scenario.inputs[i].dist.mean());
    let medians: model::Inputs = std::array::from_fn(|i| scenario.inputs[i].dist.median());
    let at_means = evaluate_at(&means, scenario.options);
    let at_medians = evaluate_at(&medians, scenario.options);
    Ok(FLAW_METRICS
        .iter()
        .map(|&m| {
            let summary = s.summary(source.column(m).expect("every scenario has it"), &MEDIAN);
            Flaw {
                metric: m,
                at_means: at_means[m.index()],
                mc_mean: summary.mean,
                at_medians: at_medians[m.index()],
                mc_median: summary.percentiles[0].estimate.value,
            }
        })
        .collect())
}

/// The model at one point; with `[failures]`, the mean over many failure histories at that point.
fn evaluate_at(x: &model::Inputs, options: model::ModelOptions) -> model::Outputs {
    if options.failures.is_none() {
        return model::evaluate(x, options);
    }
    let mut sum = [0.0; Metric::COUNT];
    for h in 0..FAILURE_HISTORIES {
        let mut x = *x;
        x[Input::FailureLuck.index()] = (h as f64 + 0.5) / FAILURE_HISTORIES as f64;
        for (s, v) in sum.iter_mut().zip(model::evaluate(&x, options)) {
            *s += v / FAILURE_HISTORIES as f64;
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flaws_of(path: &str, runs: u64) -> Vec<Flaw> {
        let scenario = Scenario::load(std::path::Path::new(path)).unwrap();
        flaws(&scenario, &SamplingPlan::new(&scenario, runs, 42), &|_| {}).unwrap()
    }

    fn row(flaws: &[Flaw], m: Metric) -> Flaw {
        *flaws.iter().find(|f| f.metric == m).unwrap()
    }

    #[test]
    fn a_model_linear_in_independent_inputs_shows_no_gap_at_the_means() {
        // labor = salary × size × months with independent inputs: E[labor] is the model at the
        // means exactly, so the gap is Monte Carlo noise; at the medians it is not.
        let f = row(
            &flaws_of("scenarios/llama-3.1-405b.toml", 200_000),
            Metric::LaborCostUsd,
        );
        let gap = f.mc_mean.value - f.at_means;
        assert!(gap.abs() < 1.5 * f.mc_mean.half_width(), "{f:?}");
        assert!(
            (f.mc_mean.value - f.at_medians).abs() > 5.0 * f.mc_mean.half_width(),
            "{f:?}"
        );
    }

    #[test]
    fn the_total_cost_gap_is_measured_at_the_means() {
        // Llama 3.1 405B: the model at the means gives $101.7M, the runs' mean $102.1M; at the
        // medians $99.1M.
        let f = row(
            &flaws_of("scenarios/llama-3.1-405b.toml", 200_000),
            Metric::TotalCostUsd,
        );
        assert!((f.at_means / 101.7e6 - 1.0).abs() < 0.002, "{f:?}");
        assert!((f.at_medians / 99.13e6 - 1.0).abs() < 0.002, "{f:?}");
        let gap = f.mc_mean.value - f.at_means;
        assert!(
            (gap - 0.4e6).abs() < 0.2e6 + f.mc_mean.half_width(),
            "{f:?}"
        );
    }

    #[test]
    fn with_failures_the_point_model_averages_failure_histories() {
        let scenario = Scenario::load(std::path::Path::new(
            "scenarios/llama-3.1-405b-failures.toml",
        ))
        .unwrap();
        let means: model::Inputs = std::array::from_fn(|i| scenario.inputs[i].dist.mean());
        let averaged = evaluate_at(&means, scenario.options)[Metric::TrainDays.index()];
        let one = model::evaluate(&means, scenario.options)[Metric::TrainDays.index()];
        let mut again = means;
        again[Input::FailureLuck.index()] = 0.25;
        let other = model::evaluate(&again, scenario.options)[Metric::TrainDays.index()];
        assert_ne!(one, other, "one luck is one history");
        assert!(averaged.is_finite() && averaged > 0.0);
    }
}
