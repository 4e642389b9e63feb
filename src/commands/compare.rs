//! `flopcast compare A B`: two scenarios on common random numbers (inputs they share draw the
//! same values), the bands of each, the bands of B − A run by run, and the chance that B is
//! cheaper or faster than A.

use std::path::PathBuf;

use super::Sampling;
use super::progress::Progress;
use crate::error::Error;
use crate::memory;
use crate::model::Metric;
use crate::output::{Exports, OutputSet, TableFiles};
use crate::report::AsDocument;
use crate::report::compare::CompareReport;
use crate::report::{Goals, RunReport};
use crate::sample::SamplingPlan;
use crate::sample::scheme::Scheme;
use crate::scenario::Scenario;
use crate::simulate::{Simulation, simulate};
use crate::stats::{Probability, replicated};

#[derive(Debug, Clone, Default)]
pub struct CompareOptions {
    pub a: PathBuf,
    pub b: PathBuf,
    pub sampling: Sampling,
    /// How the runs are sampled; `None` chooses from the run count ([`Scheme::auto`]).
    pub scheme: Option<Scheme>,
    pub percentiles: Option<Vec<f64>>,
    pub goals: Goals,
    pub tables: TableFiles,
    pub plots: Option<PathBuf>,
    pub progress: bool,
}

pub struct CompareOutcome {
    pub report: CompareReport,
    pub text: String,
}

pub fn compare(opts: &CompareOptions) -> Result<CompareOutcome, Error> {
    let a = Scenario::load(&opts.a)?;
    let b = Scenario::load(&opts.b)?;
    // A's settings rule: both scenarios must run the same draws.
    let (runs, seed) = super::runs_and_seed(&a, opts.sampling.runs, opts.sampling.seed);
    let mut outputs = OutputSet::new(&[a.input_files(), b.input_files()].concat());
    let exports = Exports::tables(&mut outputs, &opts.tables)?;
    let charts: Vec<String> = PLOTTED
        .iter()
        .flat_map(|&m| [overlay_file(m), difference_file(m)])
        .collect();
    outputs.dir("--plots", opts.plots.as_deref(), &charts)?;
    super::check_memory(runs, |r| {
        peak(&a, &b, r, opts.plots.is_some(), opts.sampling.threads)
    })
    .map_err(|e| e.with_runs_origin(super::runs_origin(&a, opts.sampling.runs)))?;
    let percentiles = opts
        .percentiles
        .clone()
        .unwrap_or(super::run::DEFAULT_PERCENTILES.to_vec());
    let report = super::with_threads(opts.sampling.threads, || {
        let goals = opts.goals;
        let progress = Progress::new(2 * runs, opts.progress, "runs");
        let run = |s: &Scenario, which: &str| {
            progress.say(format!("scenario {which}"));
            simulate(
                &SamplingPlan::new(s, runs, seed).with_scheme(
                    opts.scheme
                        .unwrap_or_else(|| Scheme::auto(runs, &percentiles)),
                ),
                s.options,
                &|n| progress.advance(n),
            )
        };
        let (sim_a, sim_b) = (run(&a, "A"), run(&b, "B"));
        progress.finish();
        sim_a.ensure_finite()?;
        sim_b.ensure_finite()?;
        if let Some(dir) = &opts.plots {
            write_plots(&mut outputs, dir, (&a.name, &sim_a), (&b.name, &sim_b))?;
        }
        let report_of = |s: &Scenario, path: &PathBuf, sim: &Simulation| {
            RunReport::new(
                &s.name,
                &path.display().to_string(),
                sim,
                &percentiles,
                &goals,
            )
        };
        Ok::<_, Error>(CompareReport {
            a: report_of(&a, &opts.a, &sim_a),
            b: report_of(&b, &opts.b, &sim_b),
            difference: sim_a
                .metrics
                .iter()
                .filter(|m| sim_b.metrics.contains(m))
                .map(|&m| {
                    (
                        m,
                        replicated::summarize_sample(
                            &difference(&sim_a, &sim_b, m),
                            &percentiles,
                            sim_a.uniforms.replicates.as_ref(),
                        ),
                    )
                })
                .collect(),
            b_cheaper: less(&sim_b, &sim_a, Metric::TotalCostUsd),
            b_faster: less(&sim_b, &sim_a, Metric::TrainDays),
            same_cost: equal(&sim_a, &sim_b, Metric::TotalCostUsd),
            same_days: equal(&sim_a, &sim_b, Metric::TrainDays),
            runs,
            seed,
            percentiles: percentiles.clone(),
        })
    })??;
    exports.write(&mut outputs, &report)?;
    outputs.commit()?;
    Ok(CompareOutcome {
        text: report.to_text(),
        report,
    })
}

/// Peak bytes of `flopcast compare` with these options (see [`memory::compare`]).
pub fn peak_bytes(opts: &CompareOptions) -> Result<u64, Error> {
    let a = Scenario::load(&opts.a)?;
    let b = Scenario::load(&opts.b)?;
    let (runs, _) = super::runs_and_seed(&a, opts.sampling.runs, opts.sampling.seed);
    Ok(peak(
        &a,
        &b,
        runs,
        opts.plots.is_some(),
        opts.sampling.threads,
    ))
}

fn peak(a: &Scenario, b: &Scenario, runs: u64, plots: bool, threads: usize) -> u64 {
    let metrics = |s: &Scenario| s.options.metrics().len() as u64;
    memory::compare(
        runs,
        metrics(a),
        metrics(b),
        plots,
        memory::threads(threads),
    )
}

/// Both distributions overlaid, and the distribution of B − A, for total cost and for days.
fn write_plots(
    outputs: &mut OutputSet,
    dir: &std::path::Path,
    a: (&str, &Simulation),
    b: (&str, &Simulation),
) -> Result<(), Error> {
    for m in PLOTTED {
        let title = format!("A vs B: {}", m.name());
        let svg = crate::chart::overlay_svg(
            &title,
            m,
            (&format!("A: {}", a.0), a.1.column(m)),
            (&format!("B: {}", b.0), b.1.column(m)),
        );
        outputs.write(&dir.join(overlay_file(m)), svg.as_bytes())?;
        let svg = crate::chart::histogram_svg("B − A", m, &difference(a.1, b.1, m));
        outputs.write(&dir.join(difference_file(m)), svg.as_bytes())?;
    }
    Ok(())
}

/// The outputs `--plots` draws.
const PLOTTED: [Metric; 2] = [Metric::TotalCostUsd, Metric::TrainDays];

fn overlay_file(m: Metric) -> String {
    format!("{}_overlay.svg", m.name())
}

fn difference_file(m: Metric) -> String {
    format!("{}_difference.svg", m.name())
}

/// B − A, run by run.
fn difference(a: &Simulation, b: &Simulation, m: Metric) -> Vec<f64> {
    b.column(m)
        .iter()
        .zip(a.column(m))
        .map(|(y, x)| y - x)
        .collect()
}

/// P(x = y) over paired runs.
fn equal(x: &Simulation, y: &Simulation, m: Metric) -> Probability {
    let reps = x.uniforms.replicates.as_ref();
    replicated::chance(x.column(m), y.column(m), reps, |u, v| u == v)
}

/// P(x < y) over paired runs.
fn less(x: &Simulation, y: &Simulation, m: Metric) -> Probability {
    let reps = x.uniforms.replicates.as_ref();
    replicated::chance(x.column(m), y.column(m), reps, |u, v| u < v)
}
