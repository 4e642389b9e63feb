//! `flopcast report`: one self-contained HTML file to send to whoever holds the budget.

use std::path::PathBuf;

use super::Sampling;
use crate::chart;
use crate::error::Error;
use crate::memory::{self, Flag, Knob, SensitivityPlan};
use crate::model::Metric;
use crate::output::OutputSet;
use crate::report::Goals;
use crate::report::run::html::{Figure, InputRow, Page, render_html};
use crate::report::sensitivity::{SensitivityChart, sensitivity_charts};
use crate::sample::scheme::Scheme;
use crate::scenario::Scenario;

use super::sensitivity::{SensitivityOptions, analyse};

#[derive(Debug, Clone)]
pub struct ReportOptions {
    pub scenario: PathBuf,
    pub output: PathBuf,
    pub sampling: Sampling,
    /// How the runs are sampled; `None` chooses from the run count ([`Scheme::auto`]).
    pub scheme: Option<Scheme>,
    pub goals: Goals,
    pub sobol_n: usize,
    pub progress: bool,
}

/// Writes the report; returns a line saying where.
pub fn report(opts: &ReportOptions) -> Result<String, Error> {
    let scenario = Scenario::load(&opts.scenario)?;
    let opts = &ReportOptions {
        goals: super::resolve_goals(opts.goals, &scenario)?,
        ..opts.clone()
    };
    let (runs, seed) = super::runs_and_seed(&scenario, opts.sampling.runs, opts.sampling.seed);
    let mut outputs = OutputSet::new(&scenario.input_files());
    outputs.file("-o", Some(&opts.output))?;
    check_memory(&scenario, opts, runs)
        .map_err(|e| e.with_runs_origin(super::runs_origin(&scenario, opts.sampling.runs)))?;
    let file = opts.scenario.display().to_string();
    let goals = opts.goals;
    let charted = [Metric::TotalCostUsd, Metric::TrainDays];
    let (run, outlines) = super::with_threads(opts.sampling.threads, || {
        let percentiles = super::run::DEFAULT_PERCENTILES;
        let plan = super::plan(&scenario, runs, seed, opts.scheme, &percentiles);
        super::streamed_charts_shown(
            &scenario,
            &file,
            &plan,
            &percentiles,
            &goals,
            &charted,
            opts.progress,
        )
    })??;
    let mut charts = Vec::new();
    for (&m, outline) in charted.iter().zip(&outlines) {
        charts.push((
            Figure::Histogram(m),
            chart::histogram_svg(&scenario.name, m, outline),
        ));
    }
    let targets = [run.budget, run.deadline];
    for ((&m, outline), target) in charted.iter().zip(&outlines).zip(targets) {
        let within = target.map(|t| (t.limit, t.chance));
        charts.push((
            Figure::Exceedance(m),
            chart::exceedance_of_target(&scenario.name, m, outline, within),
        ));
    }
    let sens = if scenario.uncertain_inputs().next().is_some() {
        let study = analyse(&scenario, &study_options(opts, runs, seed))?;
        let output = study.output;
        for (chart, svg) in sensitivity_charts(&study) {
            match chart {
                SensitivityChart::Tornado => charts.push((Figure::Tornado(output), svg)),
                SensitivityChart::Sobol => charts.push((Figure::Sobol(output), svg)),
                SensitivityChart::SpearmanShare => {}
            }
        }
        Some(study)
    } else {
        None
    };
    let warnings: Vec<String> = scenario
        .reference
        .iter()
        .flat_map(|r| &r.outside)
        .map(|reason| format!("The utilisation prior is used outside the reference runs it was fitted to: {reason}."))
        .collect();
    // The file was read and parsed above: the report shows it as written.
    let scenario_text =
        std::fs::read_to_string(&opts.scenario).map_err(|source| Error::ReadScenario {
            path: opts.scenario.clone(),
            source,
        })?;
    let html = render_html(&Page {
        run: &run,
        sensitivity: sens.as_ref(),
        inputs: &input_rows(&scenario),
        charts: &charts,
        warnings: &warnings,
        scenario_text: &scenario_text,
    });
    outputs.write(&opts.output, html.as_bytes())?;
    outputs.commit()?;
    Ok(format!("wrote {}\n", opts.output.display()))
}

/// The sensitivity study of the report: at most 200k runs.
fn study_options(opts: &ReportOptions, runs: u64, seed: u64) -> SensitivityOptions {
    SensitivityOptions {
        runs: runs.min(200_000),
        sobol_n: opts.sobol_n,
        seed: Some(seed),
        threads: opts.sampling.threads,
        goals: opts.goals,
        progress: opts.progress,
        ..SensitivityOptions::new(opts.scenario.clone())
    }
}

/// Peak bytes of `flopcast report` with these options.
pub fn peak_bytes(opts: &ReportOptions) -> Result<u64, Error> {
    let scenario = Scenario::load(&opts.scenario)?;
    let (runs, _) = super::runs_and_seed(&scenario, opts.sampling.runs, opts.sampling.seed);
    let spend = spend_columns(&scenario, opts, runs)?;
    Ok(peak(&scenario, opts, runs, opts.sobol_n as u64, spend))
}

/// The streamed run and its charts (see [`memory::streamed`]), then the sensitivity study (see
/// [`memory::sensitivity`]) if any input is uncertain. Counted together: what the run's worker
/// threads freed stays in their allocator arenas and is not always reused by the study.
fn peak(scenario: &Scenario, opts: &ReportOptions, runs: u64, sobol_n: u64, spend: u64) -> u64 {
    let kept = super::kept_percentiles(&super::run::DEFAULT_PERCENTILES, true, spend > 0);
    let run = super::scenario_stream_peak(scenario, runs, &kept, spend, opts.scheme);
    if scenario.uncertain_inputs().next().is_none() {
        return run;
    }
    let plan = SensitivityPlan {
        sobol_n,
        ..super::sensitivity::memory_plan(scenario, &study_options(opts, runs, 0))
    };
    run.saturating_add(memory::sensitivity(&plan))
}

/// [`super::spend_columns`] of the report's run.
fn spend_columns(scenario: &Scenario, opts: &ReportOptions, runs: u64) -> Result<u64, Error> {
    let (_, seed) = super::runs_and_seed(scenario, opts.sampling.runs, opts.sampling.seed);
    let percentiles = super::run::DEFAULT_PERCENTILES;
    super::spend_columns(scenario, runs, seed, opts.scheme, &percentiles)
}

/// Refuses, before the run, a report whose run or study cannot fit, naming --runs or --sobol-n.
fn check_memory(scenario: &Scenario, opts: &ReportOptions, runs: u64) -> Result<(), Error> {
    let sobol_n = opts.sobol_n as u64;
    let spend = spend_columns(scenario, opts, runs)?;
    memory::check(
        &format!("{runs} runs with --sobol-n {sobol_n}"),
        peak(scenario, opts, runs, sobol_n, spend),
        &[
            Knob {
                flag: Flag::Runs,
                value: runs,
                peak: Box::new(move |r| peak(scenario, opts, r, sobol_n, spend)),
            },
            Knob {
                flag: Flag::SobolN,
                value: sobol_n,
                peak: Box::new(move |n| peak(scenario, opts, runs, n, spend)),
            },
        ],
    )
}

fn input_rows(scenario: &Scenario) -> Vec<InputRow> {
    scenario
        .inputs
        .iter()
        .filter(|s| s.used && s.stream == s.input)
        .map(|s| InputRow {
            input: s.input,
            written: s.written.clone().unwrap_or_else(|| "(default)".into()),
            resolved: s.dist.to_string(),
            p5: s.dist.quantile(0.05),
            p50: s.dist.median(),
            p95: s.dist.quantile(0.95),
        })
        .collect()
}
