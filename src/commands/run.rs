//! `flopcast run`: simulate a scenario and report bands, probabilities and files.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::Sampling;
use super::precision::{self, Search};
use super::progress::Progress;
use crate::analyze::precision::Target;
use crate::chart;
use crate::error::Error;
use crate::memory;
use crate::model::Metric;
use crate::output::{Exports, OutputSet, TableFiles};
use crate::report::{self, AsDocument, ChancesCsvExporter, Goals, RunReport};
use crate::sample::SamplingPlan;
use crate::sample::scheme::Scheme;
use crate::scenario::Scenario;
use crate::simulate::{self, Simulation};

pub const DEFAULT_RUNS: u64 = 1_000_000;
pub const DEFAULT_SEED: u64 = 42;
pub const DEFAULT_PERCENTILES: [f64; 7] = [5.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0];

#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    pub scenario: PathBuf,
    pub sampling: Sampling,
    /// How the runs are sampled; `None` chooses from the run count ([`Scheme::auto`]).
    pub scheme: Option<Scheme>,
    pub percentiles: Option<Vec<f64>>,
    pub goals: Goals,
    pub tables: TableFiles,
    pub samples_csv: Option<PathBuf>,
    /// The chances of the budget and deadline, one row each (and both).
    pub chances_csv: Option<PathBuf>,
    /// A directory for SVG charts (created if missing).
    pub plots: Option<PathBuf>,
    /// Append a Unicode histogram of total cost to the text (for a terminal).
    pub text_chart: bool,
    pub progress: bool,
    /// Stop at this precision instead of a run count ([`super::precision`]).
    pub precision: Option<Vec<Target>>,
    /// The cap on the runs a precision may take.
    pub max_runs: Option<u64>,
}

/// What a finished run hands back: the report and the text for the terminal.
pub struct RunOutcome {
    pub report: RunReport,
    pub text: String,
    pub elapsed: Duration,
}

pub fn run(opts: &RunOptions) -> Result<RunOutcome, Error> {
    let scenario = Scenario::load(&opts.scenario)?;
    let (runs, seed) = super::runs_and_seed(&scenario, opts.sampling.runs, opts.sampling.seed);
    let mut outputs = OutputSet::new(&scenario.input_files());
    let mut exports = Exports::tables(&mut outputs, &opts.tables)?;
    outputs.file("--samples-csv", opts.samples_csv.as_deref())?;
    let chances = opts.chances_csv.as_deref();
    exports.add(&mut outputs, "--chances-csv", chances, &ChancesCsvExporter)?;
    if opts.chances_csv.is_some()
        && opts.goals.budget_usd.is_none()
        && opts.goals.deadline_days.is_none()
    {
        return Err(Error::Usage(
            "--chances-csv writes the chances of --budget and --deadline: give one or both".into(),
        ));
    }
    outputs.dir(
        "--plots",
        opts.plots.as_deref(),
        &plot_files(&scenario.options.metrics()),
    )?;
    let percentiles = opts
        .percentiles
        .clone()
        .unwrap_or(DEFAULT_PERCENTILES.to_vec());
    let stored = keeps_runs(opts);
    let origin = super::runs_origin(&scenario, opts.sampling.runs);
    let cap = precision::cap(
        opts.precision.is_some(),
        opts.max_runs,
        (runs, origin),
        |r| peak(opts, &scenario, r, &percentiles),
    )?;
    let plan_of = |n| super::plan(&scenario, n, seed, opts.scheme, &percentiles);
    let start = Instant::now();
    let file = opts.scenario.display().to_string();
    let goals = opts.goals;
    let (plan, sim, report) = super::with_threads(opts.sampling.threads, || {
        let found = match &opts.precision {
            None => None,
            Some(targets) => {
                let search = Search {
                    targets,
                    max_runs: cap,
                    progress: opts.progress,
                    per_run: 1,
                };
                let round = |n, advance: &(dyn Fn(u64) + Sync)| {
                    super::streamed_report(
                        &scenario,
                        &file,
                        &plan_of(n),
                        &percentiles,
                        &goals,
                        advance,
                    )
                };
                Some(search.run(round, |r| precision::run_figures(r, ""))?)
            }
        };
        let (found, reached) = found.unzip();
        let runs = found.as_ref().map_or(runs, |r| r.runs);
        let plan = plan_of(runs);
        // The search's last round is the report, unless the charts need every run kept.
        let (sim, report) = match found {
            Some(report) if !stored => (None, report),
            _ => draw(&plan, &scenario, &file, &percentiles, &goals, opts)?,
        };
        let report = RunReport {
            precision: reached,
            ..report
        };
        Ok::<_, Error>((plan, sim, report))
    })??;
    exports.write(&mut outputs, &report)?;
    if let Some(path) = &opts.samples_csv {
        outputs.write_with(path, |w| {
            report::run::samples::write_samples(w, &scenario, &plan)
        })?;
    }
    if let (Some(dir), Some(sim)) = (&opts.plots, &sim) {
        write_plots(&mut outputs, dir, &report, sim)?;
    }
    outputs.commit()?;
    let mut text = super::reference_warning(&scenario);
    text.push_str(&report.to_text());
    if let (true, Some(sim)) = (opts.text_chart, &sim) {
        text.push('\n');
        text.push_str(&chart::text_histogram(
            Metric::TotalCostUsd,
            sim.column(Metric::TotalCostUsd),
            60,
        ));
    }
    Ok(RunOutcome {
        text,
        report,
        elapsed: start.elapsed(),
    })
}

/// The runs of `plan`, stored when a file or chart needs every one (then returned too),
/// reduced as they are drawn otherwise.
fn draw(
    plan: &SamplingPlan,
    scenario: &Scenario,
    file: &str,
    percentiles: &[f64],
    goals: &Goals,
    opts: &RunOptions,
) -> Result<(Option<Simulation>, RunReport), Error> {
    let progress = Progress::new(plan.runs, opts.progress, "runs");
    let advance = |n| progress.advance(n);
    let outcome = if keeps_runs(opts) {
        let sim = simulate::simulate(plan, scenario.options, &advance);
        // Large runs spend seconds on statistics too: once the bar shows, a spinner says so.
        if progress.shown() {
            progress.stage("computing statistics");
        }
        sim.ensure_finite().map(|()| {
            let report = RunReport::new(&scenario.name, file, &sim, percentiles, goals);
            (Some(sim), report)
        })
    } else {
        super::streamed_report(scenario, file, plan, percentiles, goals, &advance)
            .map(|r| (None, r))
    };
    progress.finish();
    outcome
}

/// Peak bytes of `flopcast run` with these options (see [`memory::run`] and
/// [`memory::streamed`]).
pub fn peak_bytes(opts: &RunOptions) -> Result<u64, Error> {
    let scenario = Scenario::load(&opts.scenario)?;
    let (runs, _) = super::runs_and_seed(&scenario, opts.sampling.runs, opts.sampling.seed);
    let percentiles = opts
        .percentiles
        .clone()
        .unwrap_or(DEFAULT_PERCENTILES.to_vec());
    Ok(peak(opts, &scenario, runs, &percentiles))
}

/// Whether the run must keep every run's outputs: for the charts, which read them all.
/// Otherwise the runs are reduced as they are drawn ([`crate::stats::stream`]); the samples
/// file draws them again as it writes.
fn keeps_runs(opts: &RunOptions) -> bool {
    opts.plots.is_some() || opts.text_chart
}

fn peak(opts: &RunOptions, scenario: &Scenario, runs: u64, percentiles: &[f64]) -> u64 {
    let metrics = scenario.options.metrics().len() as u64;
    if keeps_runs(opts) {
        memory::run(runs, metrics, memory::threads(opts.sampling.threads))
    } else {
        super::streamed_peak(runs, metrics, percentiles, opts.scheme)
    }
}

/// One histogram per output, and the exceedance curves of total cost and of days with the
/// budget and deadline marked.
fn write_plots(
    outputs: &mut OutputSet,
    dir: &Path,
    report: &RunReport,
    sim: &Simulation,
) -> Result<(), Error> {
    let name = &report.scenario_name;
    for &metric in &sim.metrics {
        let svg = chart::histogram_svg(name, metric, sim.column(metric));
        outputs.write(&dir.join(histogram_file(metric)), svg.as_bytes())?;
    }
    let curves = [
        (Metric::TotalCostUsd, report.budget),
        (Metric::TrainDays, report.deadline),
    ];
    for (metric, target) in curves {
        let within = target.map(|t| (t.limit, t.chance));
        let svg = chart::exceedance_of_target(name, metric, sim.column(metric), within);
        outputs.write(&dir.join(exceedance_file(metric)), svg.as_bytes())?;
    }
    Ok(())
}

/// The charts `--plots` may hold for a scenario with these outputs.
fn plot_files(metrics: &[Metric]) -> Vec<String> {
    let mut files: Vec<String> = metrics.iter().map(|&m| histogram_file(m)).collect();
    files.push(exceedance_file(Metric::TotalCostUsd));
    files.push(exceedance_file(Metric::TrainDays));
    files
}

fn histogram_file(metric: Metric) -> String {
    format!("{}_histogram.svg", metric.name())
}

fn exceedance_file(metric: Metric) -> String {
    format!("{}_exceedance.svg", metric.name())
}
