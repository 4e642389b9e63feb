//! `flopcast compare A B`: two scenarios on common random numbers (inputs they share draw the
//! same values), the bands of each, the bands of B − A run by run, and the chance that B is
//! cheaper or faster than A.

use std::path::PathBuf;

use super::Sampling;
use super::precision::{self, Figures, Search, run_figures};
use super::progress::Progress;
use crate::analyze::precision::Target;
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
use crate::simulate::{Paired, Simulation, Single, simulate};
use crate::stats::histogram::Outline;
use crate::stats::stream::{Part, Test, Tuning, stream};
use crate::stats::{Probability, Summary, replicated};

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
    /// Stop at this precision instead of a run count.
    pub precision: Option<Vec<Target>>,
    /// The cap on the runs a precision may take.
    pub max_runs: Option<u64>,
}

pub struct CompareOutcome {
    pub report: CompareReport,
    pub text: String,
}

pub fn compare(opts: &CompareOptions) -> Result<CompareOutcome, Error> {
    let a = Scenario::load(&opts.a)?;
    let b = Scenario::load(&opts.b)?;
    let opts = &CompareOptions {
        goals: super::resolve_goals(opts.goals, &a)?,
        ..opts.clone()
    };
    if opts.goals.deadline_date.is_some() && a.start != b.start {
        return Err(Error::Runtime(format!(
            "--deadline as a date counts training days from the start date, and {} and {} \
             start on different dates: give the deadline in days",
            opts.a.display(),
            opts.b.display()
        )));
    }
    // A's settings rule: both scenarios must run the same draws.
    let (runs, seed) = super::runs_and_seed(&a, opts.sampling.runs, opts.sampling.seed);
    let mut outputs = OutputSet::new(&[a.input_files(), b.input_files()].concat());
    let exports = Exports::tables(&mut outputs, &opts.tables)?;
    let charts: Vec<String> = PLOTTED
        .iter()
        .flat_map(|&m| [overlay_file(m), difference_file(m)])
        .collect();
    outputs.dir("--plots", opts.plots.as_deref(), &charts)?;
    let origin = super::runs_origin(&a, opts.sampling.runs);
    let cap = precision::cap(
        opts.precision.is_some(),
        opts.max_runs,
        (runs, origin),
        |r| peak(&a, &b, r, opts),
    )?;
    let percentiles = percentiles(opts);
    let plan = |s: &Scenario, n| super::plan(s, n, seed, opts.scheme, &percentiles);
    let setting = Setting {
        a: (&a, &opts.a),
        b: (&b, &opts.b),
        percentiles: &percentiles,
        goals: opts.goals,
    };
    let report = super::with_threads(opts.sampling.threads, || {
        let found = match &opts.precision {
            None => None,
            Some(targets) => {
                let search = Search {
                    targets,
                    max_runs: cap,
                    progress: opts.progress,
                    per_run: 2,
                };
                let round = |n, advance: &(dyn Fn(u64) + Sync)| {
                    streamed(&setting, &plan(&a, n), &plan(&b, n), advance)
                };
                Some(search.run(round, compare_figures)?)
            }
        };
        let (found, reached) = found.unzip();
        let runs = found.as_ref().map_or(runs, |r| r.runs);
        let (plan_a, plan_b) = (plan(&a, runs), plan(&b, runs));
        let progress = Progress::new(2 * runs, opts.progress, "runs");
        let advance = |n| progress.advance(n);
        // The search's last round is the report, unless the charts need every run kept.
        let report = match (&opts.plots, found) {
            (None, Some(report)) => Ok(report),
            (None, None) => streamed(&setting, &plan_a, &plan_b, &advance),
            (Some(dir), _) => {
                let run = |s: &Scenario, plan: &SamplingPlan, which: &str| {
                    progress.say(format!("scenario {which}"));
                    simulate(plan, s.options, &advance)
                };
                let (sim_a, sim_b) = (run(&a, &plan_a, "A"), run(&b, &plan_b, "B"));
                sim_a.ensure_finite()?;
                sim_b.ensure_finite()?;
                write_plots(&mut outputs, dir, (&a.name, &sim_a), (&b.name, &sim_b))?;
                Ok(stored(&setting, &sim_a, &sim_b))
            }
        };
        let report = report.map(|r| CompareReport {
            precision: reached,
            ..r
        });
        progress.finish();
        report
    })??;
    exports.write(&mut outputs, &report)?;
    outputs.commit()?;
    Ok(CompareOutcome {
        text: report.to_text(),
        report,
    })
}

/// The two scenarios with their files, and what their reports show.
struct Setting<'a> {
    a: (&'a Scenario, &'a PathBuf),
    b: (&'a Scenario, &'a PathBuf),
    percentiles: &'a [f64],
    goals: Goals,
}

impl Setting<'_> {
    fn report(
        &self,
        a: RunReport,
        b: RunReport,
        pairs: Pairs,
        runs: u64,
        seed: u64,
    ) -> CompareReport {
        CompareReport {
            a,
            b,
            difference: pairs.difference,
            b_cheaper: pairs.chances[0],
            b_faster: pairs.chances[1],
            same_cost: pairs.chances[2],
            same_days: pairs.chances[3],
            runs,
            seed,
            percentiles: self.percentiles.to_vec(),
            precision: None,
        }
    }
}

/// What a precision holds a comparison to: each scenario's figures, and the chances that B is
/// cheaper and faster.
fn compare_figures(r: &CompareReport) -> Figures {
    let (mut summaries, mut chances) = run_figures(&r.a, " of A");
    let (s, c) = run_figures(&r.b, " of B");
    summaries.extend(s);
    chances.extend(c);
    chances.push(("P(B cheaper than A)".into(), r.b_cheaper));
    chances.push(("P(B faster than A)".into(), r.b_faster));
    (summaries, chances)
}

/// What is made of the runs in pairs: the bands of B − A, and the chances that B is cheaper,
/// faster, as dear and as long.
struct Pairs {
    difference: Vec<(Metric, Summary)>,
    chances: [Probability; 4],
}

/// The comparison of the paired runs reduced as they are drawn.
fn streamed(
    setting: &Setting,
    plan_a: &SamplingPlan,
    plan_b: &SamplingPlan,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<CompareReport, Error> {
    let (a, b) = (setting.a.0, setting.b.0);
    let source = Paired::new(
        Single::new(plan_a, a.options),
        Single::new(plan_b, b.options),
    );
    let mut events = Vec::new();
    let goals = setting.goals;
    let part_a = Part::new(&source.a.metrics, 0, goals, &mut events);
    let width_a = source.a.metrics.len();
    let part_b = Part::new(&source.b.metrics, width_a, goals, &mut events);
    let pairs_from = events.len();
    let column = |m| (part_a.column(m), part_b.column(m));
    let (cost, days) = (column(Metric::TotalCostUsd), column(Metric::TrainDays));
    events.extend([
        vec![Test::Below(cost.1, cost.0)],
        vec![Test::Below(days.1, days.0)],
        vec![Test::Equal(cost.1, cost.0)],
        vec![Test::Equal(days.1, days.0)],
    ]);
    let percentiles = setting.percentiles;
    let mut s = stream(&source, progress, percentiles, &events, Tuning::default());
    s.ensure_finite()?;
    let report = |(scenario, path): (&Scenario, &PathBuf), part: &Part, s: &mut _| {
        let file = path.display().to_string();
        RunReport::streamed(&scenario.name, &file, s, part, percentiles, &goals)
    };
    let (report_a, report_b) = (
        report(setting.a, &part_a, &mut s),
        report(setting.b, &part_b, &mut s),
    );
    let difference = source
        .common
        .iter()
        .map(|&m| {
            let column = source.column_difference(m).expect("a common metric");
            (m, s.summary(column, percentiles))
        })
        .collect();
    let pairs = Pairs {
        difference,
        chances: std::array::from_fn(|k| s.chance(pairs_from + k)),
    };
    Ok(setting.report(report_a, report_b, pairs, s.runs(), s.seed()))
}

/// The comparison of two stored simulations.
fn stored(setting: &Setting, sim_a: &Simulation, sim_b: &Simulation) -> CompareReport {
    let report_of = |(s, path): (&Scenario, &PathBuf), sim: &Simulation| {
        let file = path.display().to_string();
        RunReport::new(&s.name, &file, sim, setting.percentiles, &setting.goals)
    };
    let reps = sim_a.uniforms.replicates.as_ref();
    let difference = sim_a
        .metrics
        .iter()
        .filter(|m| sim_b.metrics.contains(m))
        .map(|&m| {
            let d = difference(sim_a, sim_b, m);
            (
                m,
                replicated::summarize_sample(&d, setting.percentiles, reps),
            )
        })
        .collect();
    let pairs = Pairs {
        difference,
        chances: [
            less(sim_b, sim_a, Metric::TotalCostUsd),
            less(sim_b, sim_a, Metric::TrainDays),
            equal(sim_a, sim_b, Metric::TotalCostUsd),
            equal(sim_a, sim_b, Metric::TrainDays),
        ],
    };
    let (a, b) = (report_of(setting.a, sim_a), report_of(setting.b, sim_b));
    setting.report(a, b, pairs, sim_a.runs, sim_a.seed)
}

/// Peak bytes of `flopcast compare` with these options (see [`memory::streamed`] and
/// [`memory::compare_stored`]).
pub fn peak_bytes(opts: &CompareOptions) -> Result<u64, Error> {
    let a = Scenario::load(&opts.a)?;
    let b = Scenario::load(&opts.b)?;
    let (runs, _) = super::runs_and_seed(&a, opts.sampling.runs, opts.sampling.seed);
    Ok(peak(&a, &b, runs, opts))
}

fn peak(a: &Scenario, b: &Scenario, runs: u64, opts: &CompareOptions) -> u64 {
    let (ma, mb) = (a.options.metrics(), b.options.metrics());
    if opts.plots.is_some() {
        let threads = memory::threads(opts.sampling.threads);
        memory::compare_stored(runs, ma.len() as u64, mb.len() as u64, threads)
    } else {
        let common = ma.iter().filter(|m| mb.contains(m)).count();
        let columns = (ma.len() + mb.len() + common) as u64;
        super::streamed_peak(runs, columns, &percentiles(opts), opts.scheme)
    }
}

fn percentiles(opts: &CompareOptions) -> Vec<f64> {
    opts.percentiles
        .clone()
        .unwrap_or(super::run::DEFAULT_PERCENTILES.to_vec())
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
        let outline = Outline::of(&difference(a.1, b.1, m), super::CHART_BARS);
        let svg = crate::chart::histogram_svg("B − A", m, &outline);
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
