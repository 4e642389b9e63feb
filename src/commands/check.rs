//! `flopcast check`: validate a scenario, show each input's resolved distribution, and set the
//! point estimate (every input at its median) beside the Monte Carlo mean: the flaw of averages.

use std::path::PathBuf;

use crate::error::Error;
use crate::model::{self, Input, Metric};
use crate::report::{human, printable};
use crate::sample::SamplingPlan;
use crate::scenario::Scenario;
use crate::simulate;
use crate::stats;
use crate::units::compact;

pub const DEFAULT_CHECK_RUNS: u64 = 200_000;

#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub scenario: PathBuf,
    pub runs: Option<u64>,
    pub seed: Option<u64>,
    pub threads: usize,
}

pub fn check(opts: &CheckOptions) -> Result<String, Error> {
    let scenario = Scenario::load(&opts.scenario)?;
    let runs = opts.runs.unwrap_or(DEFAULT_CHECK_RUNS);
    let (_, seed) = super::runs_and_seed(&scenario, None, opts.seed);
    super::check_memory(runs, scenario.options, 1)?;
    let mut out = format!(
        "{} ({}): valid\n\n",
        printable(&scenario.name),
        printable(&opts.scenario.display().to_string())
    );
    out.push_str(&describe_inputs(&scenario));
    let plan = SamplingPlan::new(&scenario, runs, seed);
    let sim = super::with_threads(opts.threads, || {
        simulate::simulate(&plan, scenario.options, &|_| {})
    })?;
    sim.ensure_finite()?;
    out.push_str(&flaw_of_averages(&scenario, &sim, runs));
    Ok(out)
}

fn describe_inputs(scenario: &Scenario) -> String {
    let mut out = String::from("Uncertain inputs\n");
    let mut fixed = Vec::new();
    for spec in scenario.inputs.iter().filter(|s| s.used) {
        let d = &spec.dist;
        let written = match spec.input {
            Input::FailureLuck => "(drawn for every run: the luck of the failure process)",
            _ => spec.written.as_deref().unwrap_or("(default)"),
        };
        if d.is_fixed() {
            let note = if spec.written.is_none() {
                " (default)"
            } else {
                ""
            };
            fixed.push(format!(
                "  {} = {}{note}",
                spec.input.key(),
                crate::units::general(d.median())
            ));
            continue;
        }
        out.push_str(&format!(
            "  {} = {}\n",
            spec.input.key(),
            printable(written)
        ));
        out.push_str(&format!("      {d}\n"));
        out.push_str(&format!(
            "      mean {}   P5 {}   P50 {}   P95 {}\n",
            compact(d.mean(), 4),
            compact(d.quantile(0.05), 4),
            compact(d.median(), 4),
            compact(d.quantile(0.95), 4)
        ));
    }
    if scenario.uncertain_inputs().next().is_none() {
        out.push_str("  (none: every input is a point value)\n");
    }
    out.push_str("\nFixed inputs\n");
    out.push_str(&fixed.join("\n"));
    out.push('\n');
    if scenario.options.labor_follows_run {
        out.push_str("\nLabor is paid for months_before + the training run + months_after.\n");
    }
    out
}

fn flaw_of_averages(scenario: &Scenario, sim: &simulate::Simulation, runs: u64) -> String {
    let medians: model::Inputs = std::array::from_fn(|i| scenario.inputs[i].dist.median());
    let point = model::evaluate(&medians, scenario.options);
    let mut out = format!(
        "\nThe flaw of averages: plugging in each input's median vs simulating {} runs\n",
        crate::report::group_thousands(runs)
    );
    out.push_str(&format!(
        "  {:<18} {:>14} {:>14} {:>14}\n",
        "metric", "at medians", "MC mean", "MC median"
    ));
    for m in [
        Metric::TrainDays,
        Metric::GpuHours,
        Metric::ComputeCostUsd,
        Metric::LaborCostUsd,
        Metric::TotalCostUsd,
    ] {
        let s = stats::summarize(sim.column(m), &[50.0]);
        let u = m.unit();
        out.push_str(&format!(
            "  {:<18} {:>14} {:>14} {:>14}\n",
            m.name(),
            human(u, point[m.index()]),
            human(u, s.mean),
            human(u, s.percentiles[0].value)
        ));
    }
    out
}
