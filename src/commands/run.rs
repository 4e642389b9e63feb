//! `flopcast run`: simulate a scenario and report bands, probabilities and files.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::Sampling;
use super::precision::{self, Search};
use crate::analyze::precision::Target;
use crate::chart;
use crate::error::Error;
use crate::model::Metric;
use crate::output::{Exports, OutputSet, TableFiles};
use crate::report::run::when::SpendCsvExporter;
use crate::report::{self, AsDocument, ChancesCsvExporter, Goals, RunReport};
use crate::sample::scheme::Scheme;
use crate::scenario::Scenario;
use crate::stats::histogram::Outline;

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
    /// Spend by month and quarter, one period per row (needs a `[schedule]` start date).
    pub spend_csv: Option<PathBuf>,
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
    let opts = &RunOptions {
        goals: super::resolve_goals(opts.goals, &scenario)?,
        ..opts.clone()
    };
    let (runs, seed) = super::runs_and_seed(&scenario, opts.sampling.runs, opts.sampling.seed);
    let mut outputs = OutputSet::new(&scenario.input_files());
    let mut exports = Exports::tables(&mut outputs, &opts.tables)?;
    outputs.file("--samples-csv", opts.samples_csv.as_deref())?;
    let chances = opts.chances_csv.as_deref();
    exports.add(&mut outputs, "--chances-csv", chances, &ChancesCsvExporter)?;
    let spend = opts.spend_csv.as_deref();
    exports.add(&mut outputs, "--spend-csv", spend, &SpendCsvExporter)?;
    if spend.is_some() && scenario.start.is_none() {
        return Err(Error::Runtime(format!(
            "--spend-csv lays spend out by month, which needs the day training starts: add \
             `[schedule]` with `start = 2027-01-15` (a date) to {}",
            opts.scenario.display()
        )));
    }
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
        &plot_files(&scenario.options.metrics(), scenario.start.is_some()),
    )?;
    let percentiles = opts
        .percentiles
        .clone()
        .unwrap_or(DEFAULT_PERCENTILES.to_vec());
    let origin = super::runs_origin(&scenario, opts.sampling.runs);
    let spend_columns = spend_columns(&scenario, runs, opts, &percentiles)?;
    let cap = precision::cap(
        opts.precision.is_some(),
        opts.max_runs,
        (runs, origin),
        |r| peak(opts, &scenario, r, &percentiles, spend_columns),
    )?;
    let plan_of = |n| super::plan(&scenario, n, seed, opts.scheme, &percentiles);
    let charted = charted(opts, &scenario.options.metrics());
    let start = Instant::now();
    let file = opts.scenario.display().to_string();
    let goals = opts.goals;
    let (plan, outlines, report) = super::with_threads(opts.sampling.threads, || {
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
        // The search's last round is the report, unless charts need a pass of their own.
        let (report, outlines) = match found {
            Some(report) if charted.is_empty() => (report, Vec::new()),
            _ => super::streamed_charts_shown(
                &scenario,
                &file,
                &plan,
                &percentiles,
                &goals,
                &charted,
                opts.progress,
            )?,
        };
        let report = RunReport {
            precision: reached,
            ..report
        };
        let outlines: Vec<(Metric, Outline)> = charted.iter().copied().zip(outlines).collect();
        Ok::<_, Error>((plan, outlines, report))
    })??;
    exports.write(&mut outputs, &report)?;
    if let Some(path) = &opts.samples_csv {
        // The rows are rendered on as many threads as the runs were drawn on.
        super::with_threads(opts.sampling.threads, || {
            outputs.write_with(path, |w| {
                report::run::samples::write_samples(w, &scenario, &plan)
            })
        })??;
    }
    if let Some(dir) = &opts.plots {
        write_plots(&mut outputs, dir, &report, &outlines)?;
    }
    outputs.commit()?;
    let mut text = super::reference_warning(&scenario);
    text.push_str(&report.to_text());
    if let Some((_, cost)) = outlines.iter().find(|o| o.0 == Metric::TotalCostUsd)
        && opts.text_chart
    {
        text.push('\n');
        text.push_str(&chart::text_histogram(Metric::TotalCostUsd, cost));
    }
    Ok(RunOutcome {
        text,
        report,
        elapsed: start.elapsed(),
    })
}

/// The outputs whose charts are drawn: every one for `--plots`, total cost for the terminal.
fn charted(opts: &RunOptions, metrics: &[Metric]) -> Vec<Metric> {
    if opts.plots.is_some() {
        metrics.to_vec()
    } else if opts.text_chart {
        vec![Metric::TotalCostUsd]
    } else {
        Vec::new()
    }
}

/// Peak bytes of `flopcast run` with these options (see [`crate::memory::streamed`]).
pub fn peak_bytes(opts: &RunOptions) -> Result<u64, Error> {
    let scenario = Scenario::load(&opts.scenario)?;
    let (runs, _) = super::runs_and_seed(&scenario, opts.sampling.runs, opts.sampling.seed);
    let percentiles = opts
        .percentiles
        .clone()
        .unwrap_or(DEFAULT_PERCENTILES.to_vec());
    let spend_columns = spend_columns(&scenario, runs, opts, &percentiles)?;
    Ok(peak(opts, &scenario, runs, &percentiles, spend_columns))
}

/// The runs are reduced as they are drawn ([`crate::stats::stream`]); charts take one more
/// pass, the samples file draws them again as it writes.
fn peak(
    opts: &RunOptions,
    scenario: &Scenario,
    runs: u64,
    percentiles: &[f64],
    spend_columns: u64,
) -> u64 {
    let metrics = scenario.options.metrics();
    let charted = !charted(opts, &metrics).is_empty();
    let kept = super::kept_percentiles(percentiles, charted, spend_columns > 0);
    let stream = super::scenario_stream_peak(scenario, runs, &kept, spend_columns, opts.scheme);
    // The samples file is written after the stream has gone.
    let samples = match opts.samples_csv {
        Some(_) => {
            let columns = 1 + scenario.uncertain_inputs().count() + metrics.len();
            crate::memory::samples_text(runs, columns as u64)
        }
        None => 0,
    };
    stream.max(samples)
}

/// [`super::spend_columns`] of this run.
fn spend_columns(
    scenario: &Scenario,
    runs: u64,
    opts: &RunOptions,
    percentiles: &[f64],
) -> Result<u64, Error> {
    let (_, seed) = super::runs_and_seed(scenario, opts.sampling.runs, opts.sampling.seed);
    super::spend_columns(scenario, runs, seed, opts.scheme, percentiles)
}

/// One histogram per output, and the exceedance curves of total cost and of days with the
/// budget and deadline marked.
fn write_plots(
    outputs: &mut OutputSet,
    dir: &Path,
    report: &RunReport,
    outlines: &[(Metric, Outline)],
) -> Result<(), Error> {
    let name = &report.scenario_name;
    for (metric, outline) in outlines {
        let svg = chart::histogram_svg(name, *metric, outline);
        outputs.write(&dir.join(histogram_file(*metric)), svg.as_bytes())?;
    }
    let curves = [
        (Metric::TotalCostUsd, report.budget),
        (Metric::TrainDays, report.deadline),
    ];
    for (metric, target) in curves {
        let within = target.map(|t| (t.limit, t.chance));
        let outline = &outlines.iter().find(|o| o.0 == metric).expect("charted").1;
        let svg = chart::exceedance_of_target(name, metric, outline, within);
        outputs.write(&dir.join(exceedance_file(metric)), svg.as_bytes())?;
    }
    if let Some(when) = &report.when {
        outputs.write(&dir.join(FAN_FILE), when.fan_svg(name).as_bytes())?;
    }
    Ok(())
}

/// The cumulative spend fan, for a scenario with a start date.
const FAN_FILE: &str = "cumulative_spend_fan.svg";

/// The charts `--plots` may hold for a scenario with these outputs, and with a start date
/// when `scheduled`.
fn plot_files(metrics: &[Metric], scheduled: bool) -> Vec<String> {
    let mut files: Vec<String> = metrics.iter().map(|&m| histogram_file(m)).collect();
    files.push(exceedance_file(Metric::TotalCostUsd));
    files.push(exceedance_file(Metric::TrainDays));
    if scheduled {
        files.push(FAN_FILE.to_string());
    }
    files
}

fn histogram_file(metric: Metric) -> String {
    format!("{}_histogram.svg", metric.name())
}

fn exceedance_file(metric: Metric) -> String {
    format!("{}_exceedance.svg", metric.name())
}
