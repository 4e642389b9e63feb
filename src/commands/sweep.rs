//! `flopcast sweep`: the scenario at each value of one input, or at each point of a grid over
//! two, on common random numbers: every point draws the same values for every other input, so
//! neighbouring points differ only by what was swept.

use std::path::PathBuf;

use super::Sampling;
use super::precision::{DEFAULT_MAX_RUNS, Figures, Search, run_figures};
use super::progress::Progress;
use super::shard::{Header, ShardOf, range_of, reduce_all, write_part};
use crate::analyze::precision::Target;
use crate::error::Error;
use crate::memory::{self, Flag, Knob};
use crate::model::Metric;
use crate::output::{Exports, OutputSet, TableFiles};
use crate::report::AsDocument;
use crate::report::sweep::{SweepPoint, SweepReport, fan_charts, fan_file};
use crate::report::{CsvExporter, Exporter, Goals, JsonExporter, MarkdownExporter, RunReport};
use crate::sample::SamplingPlan;
use crate::sample::scheme::Scheme;
use crate::scenario::{Override, Scenario};
use crate::simulate::simulate;
use crate::stats::{Percentile, Summary};

#[derive(Debug, Clone, Default)]
pub struct SweepOptions {
    pub scenario: PathBuf,
    /// One or two inputs with their values.
    pub sets: Vec<Override>,
    pub sampling: Sampling,
    /// How the runs are sampled; `None` chooses from the run count ([`Scheme::auto`]).
    pub scheme: Option<Scheme>,
    pub percentiles: Option<Vec<f64>>,
    pub goals: Goals,
    pub tables: TableFiles,
    pub plots: Option<PathBuf>,
    pub progress: bool,
    /// Compute only this shard of the grid's points and save it to the file, for `merge`.
    pub shard: Option<(ShardOf, PathBuf)>,
    /// Stop at this precision at every point instead of a run count.
    pub precision: Option<Vec<Target>>,
    /// The cap on the runs a precision may take.
    pub max_runs: Option<u64>,
}

pub struct SweepOutcome {
    pub report: SweepReport,
    pub text: String,
}

/// A point's values as `key=value` pairs: "cluster.gpus=8192, cluster.mfu=0.4".
fn point_label(sets: &[Override], values: &[String]) -> String {
    let pairs: Vec<String> = sets
        .iter()
        .zip(values)
        .map(|(s, v)| format!("{}={v}", s.input.key()))
        .collect();
    pairs.join(", ")
}

/// What every sweep starts from, once its flags and values are checked.
struct Ready {
    base: Scenario,
    runs: u64,
    seed: u64,
    percentiles: Vec<f64>,
    goals: Goals,
}

/// Checks the sets, reads the scenario, checks every value and the memory: before any point
/// is simulated.
fn prepare(opts: &SweepOptions) -> Result<Ready, Error> {
    if opts.sets.is_empty() || opts.sets.len() > 2 {
        return Err(Error::Usage(format!(
            "sweep takes one or two --set KEY=V1,V2,... (a line or a grid), got {}",
            opts.sets.len()
        )));
    }
    if opts.sets.len() == 2 && opts.sets[0].input == opts.sets[1].input {
        return Err(Error::Usage(format!(
            "`{}` is set twice",
            opts.sets[0].input.key()
        )));
    }
    let base = Scenario::load(&opts.scenario)?;
    let opts = &SweepOptions {
        goals: super::resolve_goals(opts.goals, &base)?,
        ..opts.clone()
    };
    let (runs, seed) = super::runs_and_seed(&base, opts.sampling.runs, opts.sampling.seed);
    // A search for a precision may run every point up to its cap: that must fit.
    let runs = match opts.precision {
        Some(_) => opts.max_runs.unwrap_or(DEFAULT_MAX_RUNS),
        None => runs,
    };
    let (percentiles, goals) = percentiles_and_goals(opts);
    check_values(&base, &opts.sets)?;
    check_memory(&base, opts, runs, &percentiles, &goals)
        .map_err(|e| e.with_runs_origin(super::runs_origin(&base, opts.sampling.runs)))?;
    Ok(Ready {
        base,
        runs,
        seed,
        percentiles,
        goals,
    })
}

pub fn sweep(opts: &SweepOptions) -> Result<SweepOutcome, Error> {
    let Ready {
        base,
        runs,
        seed,
        percentiles,
        goals,
    } = prepare(opts)?;
    let mut outputs = OutputSet::new(&base.input_files());
    let exports = Exports::tables(&mut outputs, &opts.tables)?;
    let charts: Vec<String> = base.options.metrics().into_iter().map(fan_file).collect();
    outputs.dir("--plots", opts.plots.as_deref(), &charts)?;
    let file = opts.scenario.display().to_string();
    let count = grid_points(&opts.sets);
    // Every point at `n` runs, on common random numbers. Each point's plan is kept until the
    // next is built, which shares its inverses where their distributions agree.
    let points_at = |n: u64, advance: &(dyn Fn(u64) + Sync), say: &dyn Fn(String)| {
        let mut previous = None;
        (0..count)
            .map(|i| {
                let (values, scenario) = point(&base, &opts.sets, i)?;
                let plan = super::plan(&scenario, n, seed, opts.scheme, &percentiles);
                let plan = &*previous.insert(plan);
                say(format!("point {} of {count}", i + 1));
                let report =
                    super::streamed_report(&scenario, &file, plan, &percentiles, &goals, advance)?;
                Ok(SweepPoint { values, report })
            })
            .collect::<Result<Vec<_>, Error>>()
    };
    let (points, precision) =
        super::with_threads(opts.sampling.threads, || match &opts.precision {
            None => {
                let progress = Progress::new(count * runs, opts.progress, "runs");
                let points = points_at(runs, &|n| progress.advance(n), &|m| progress.say(m));
                progress.finish();
                points.map(|p| (p, None))
            }
            Some(targets) => {
                let search = Search {
                    targets,
                    max_runs: runs,
                    progress: opts.progress,
                    per_run: count,
                };
                let figures = |points: &Vec<SweepPoint>| {
                    let mut all: Figures = (Vec::new(), Vec::new());
                    for p in points {
                        let place = format!(" at {}", point_label(&opts.sets, &p.values));
                        let (s, c) = run_figures(&p.report, &place);
                        all.0.extend(s);
                        all.1.extend(c);
                    }
                    all
                };
                let (points, reached) =
                    search.run(|n, advance| points_at(n, advance, &|_| {}), figures)?;
                Ok((points, Some(reached)))
            }
        })??;
    let runs = points.first().map_or(runs, |p| p.report.runs);
    let report = SweepReport {
        scenario_name: base.name.clone(),
        scenario_file: file,
        keys: opts.sets.iter().map(|s| s.input).collect(),
        runs,
        seed,
        percentiles,
        points,
        precision,
    };
    exports.write(&mut outputs, &report)?;
    if let Some(dir) = &opts.plots {
        for (name, svg) in fan_charts(&report) {
            outputs.write(&dir.join(name), svg.as_bytes())?;
        }
    }
    outputs.commit()?;
    Ok(SweepOutcome {
        text: report.to_text(),
        report,
    })
}

/// `sweep --shard I/N --save PART`: the I-th of N ranges of grid points, each point's runs
/// reduced and saved for `merge`; the line to print.
pub fn save_shard(opts: &SweepOptions) -> Result<String, Error> {
    let Some((shard, save)) = &opts.shard else {
        return Err(Error::Usage("--shard needs --save".into()));
    };
    let (shard, save) = (*shard, save.as_path());
    let Ready {
        base,
        runs,
        seed,
        percentiles,
        goals,
    } = prepare(opts)?;
    let (base, percentiles) = (&base, percentiles.as_slice());
    let count = grid_points(&opts.sets);
    if shard.count > count {
        return Err(Error::Usage(format!(
            "{} shards of a sweep of {count} points: a shard is at least one point",
            shard.count
        )));
    }
    let mut outputs = OutputSet::new(&base.input_files());
    outputs.file("--save", Some(save))?;
    let scheme = opts
        .scheme
        .unwrap_or_else(|| Scheme::auto(runs, percentiles));
    let header = Header::new(
        "sweep",
        &opts.sets,
        &opts.scenario,
        base,
        (runs, seed),
        scheme,
        percentiles,
        goals,
        shard,
    )?;
    let points = range_of(shard, count);
    let progress = Progress::new(points.len() as u64 * runs, opts.progress, "runs");
    let entries = super::with_threads(opts.sampling.threads, || {
        // Each point's plan kept until the next is built, as `sweep` keeps it.
        let mut previous = None;
        points
            .clone()
            .map(|i| {
                let (_, scenario) = point(base, &opts.sets, i as u64)?;
                let plan = SamplingPlan::new(&scenario, runs, seed).with_scheme(scheme);
                let plan = &*previous.insert(plan);
                let advance = |n| progress.advance(n);
                let state = reduce_all(&scenario, plan, percentiles, goals, &advance)?;
                Ok((i as u64, state.encode()))
            })
            .collect::<Result<Vec<_>, Error>>()
    })??;
    progress.finish();
    write_part(&mut outputs, save, &header, &entries)?;
    outputs.commit()?;
    Ok(format!(
        "shard {} of {}: points {} to {} of {count} ({} runs each), saved to {}\n",
        shard.index,
        shard.count,
        points.start + 1,
        points.end,
        crate::format::group_thousands(runs),
        save.display()
    ))
}

/// The percentiles each point reports and the budget and deadline it is checked against.
fn percentiles_and_goals(opts: &SweepOptions) -> (Vec<f64>, Goals) {
    let percentiles = opts
        .percentiles
        .clone()
        .unwrap_or(super::run::DEFAULT_PERCENTILES.to_vec());
    let goals = opts.goals;
    (percentiles, goals)
}

/// Peak bytes of `flopcast sweep` with these options (see [`memory::sweep`]).
pub fn peak_bytes(opts: &SweepOptions) -> Result<u64, Error> {
    let base = Scenario::load(&opts.scenario)?;
    let (runs, _) = super::runs_and_seed(&base, opts.sampling.runs, opts.sampling.seed);
    let (percentiles, goals) = percentiles_and_goals(opts);
    let per_point = bytes_per_point(&base, opts, runs, &percentiles, &goals)?;
    let per_run = per_run(&base, opts, &percentiles);
    Ok(memory::sweep(
        per_run(runs),
        grid_points(&opts.sets),
        per_point,
    ))
}

/// Refuses, before the first point, a sweep that cannot fit: --runs when one point's runs are
/// too many, else the grid.
fn check_memory(
    base: &Scenario,
    opts: &SweepOptions,
    runs: u64,
    percentiles: &[f64],
    goals: &Goals,
) -> Result<(), Error> {
    let per_point = bytes_per_point(base, opts, runs, percentiles, goals)?;
    let per_run = per_run(base, opts, percentiles);
    let points = grid_points(&opts.sets);
    memory::check(
        &format!("{points} grid points of {runs} runs"),
        memory::sweep(per_run(runs), points, per_point),
        &[
            Knob {
                flag: Flag::Runs,
                value: runs,
                peak: Box::new(|r| memory::sweep(per_run(r), points, per_point)),
            },
            Knob {
                flag: Flag::GridPoints,
                value: points,
                peak: Box::new(|p| memory::sweep(per_run(runs), p, per_point)),
            },
        ],
    )
}

/// One point's stream at a run count: its peak bytes.
fn per_run<'a>(
    base: &'a Scenario,
    opts: &'a SweepOptions,
    percentiles: &'a [f64],
) -> impl Fn(u64) -> u64 + 'a {
    let metrics = base.options.metrics().len() as u64;
    move |runs| super::streamed_peak(runs, metrics, percentiles, opts.scheme)
}

/// What each point adds to the peak: its values and report, kept to the end, and its share of
/// every text and file rendered from them. The rendered sizes are measured on the first point
/// simulated with a few runs (the same draws the sweep starts with), rendered once and twice.
fn bytes_per_point(
    base: &Scenario,
    opts: &SweepOptions,
    runs: u64,
    percentiles: &[f64],
    goals: &Goals,
) -> Result<u64, Error> {
    let (_, first) = point(base, &opts.sets, 0)?;
    let plan = SamplingPlan::new(&first, runs.min(1000), 0);
    let sim = simulate(&plan, first.options, &|_| {});
    sim.ensure_finite()?;
    let file = opts.scenario.display().to_string();
    let sample = SweepPoint {
        // The longest value of each key.
        values: opts
            .sets
            .iter()
            .map(|s| s.values.iter().max_by_key(|v| v.len()).cloned())
            .map(Option::unwrap_or_default)
            .collect(),
        report: RunReport::new(&base.name, &file, &sim, percentiles, goals),
    };
    let report_of = |n: usize| SweepReport {
        scenario_name: base.name.clone(),
        scenario_file: file.clone(),
        keys: opts.sets.iter().map(|s| s.input).collect(),
        runs,
        seed: 0,
        percentiles: percentiles.to_vec(),
        points: vec![sample.clone(); n],
        precision: None,
    };
    let (one, two) = (report_of(1), report_of(2));
    let grows = |size: &dyn Fn(&SweepReport) -> usize| (size(&two) - size(&one)) as u64;
    // The table's text is built, then copied into the text printed.
    let mut bytes = kept_bytes(&sample) + table_row_bytes(&sample, percentiles, goals);
    bytes += 2 * grows(&|r| r.to_text().len());
    if opts.tables.csv.is_some() {
        bytes += grows(&|r| CsvExporter.export(r).map_or(0, |b| b.len()));
    }
    if opts.tables.json.is_some() {
        bytes += grows(&|r| JsonExporter.export(r).map_or(0, |b| b.len()));
    }
    if opts.tables.markdown.is_some() {
        bytes += grows(&|r| MarkdownExporter.export(r).map_or(0, |b| b.len()));
    }
    if opts.plots.is_some() {
        let svg = grows(&|r| fan_charts(r).iter().map(|(_, svg)| svg.len()).sum());
        bytes += fan_chart_bytes(&sample, svg);
    }
    Ok(bytes)
}

/// A point as kept in memory: the struct, its values and its report's strings and summaries.
fn kept_bytes(p: &SweepPoint) -> u64 {
    let r = &p.report;
    let strings = |s: &[String]| s.iter().map(|v| memory::heap(v.len() as u64)).sum::<u64>();
    size_of::<SweepPoint>() as u64
        + memory::heap((p.values.len() * size_of::<String>()) as u64)
        + strings(&p.values)
        + memory::heap(r.scenario_name.len() as u64)
        + memory::heap(r.scenario_file.len() as u64)
        + memory::heap((r.percentiles.len() * size_of::<f64>()) as u64)
        + memory::heap((r.metrics.len() * size_of::<(Metric, Summary)>()) as u64)
        + r.metrics
            .iter()
            .map(|(_, s)| memory::heap((s.percentiles.len() * size_of::<Percentile>()) as u64))
            .sum::<u64>()
}

/// A row of the terminal table before it is laid out: a growing vector of cells (the values,
/// days and total cost at P5, P50 and P95 or at every percentile, the chances of the goals),
/// each a short string.
fn table_row_bytes(p: &SweepPoint, percentiles: &[f64], goals: &Goals) -> u64 {
    let shown = [5.0, 50.0, 95.0]
        .iter()
        .filter(|q| percentiles.contains(q))
        .count();
    let shown = if shown == 0 { percentiles.len() } else { shown };
    let goal_cells = [goals.budget_usd.is_some(), goals.deadline_days.is_some()];
    let both = goal_cells.iter().all(|g| *g);
    let cells =
        p.values.len() + 2 * shown + goal_cells.iter().filter(|g| **g).count() + usize::from(both);
    let mut capacity = p.values.len();
    for len in p.values.len()..cells {
        if len == capacity {
            capacity = (2 * capacity).max(4);
        }
    }
    let cell = |len: usize| memory::heap(len.next_power_of_two().max(8) as u64);
    let value_cells: u64 = p.values.iter().map(|v| cell(v.len())).sum();
    size_of::<Vec<String>>() as u64
        + memory::heap((capacity * size_of::<String>()) as u64)
        + value_cells
        + (cells - p.values.len()) as u64 * cell(16)
}

/// Fan charts: every chart's markup (`svg`, per point) is kept until written; while one is drawn,
/// the point's label (twice), its band of percentiles, three coordinate strings and their
/// joins, and up to three copies of that chart's markup.
fn fan_chart_bytes(p: &SweepPoint, svg: u64) -> u64 {
    let label = p.values.iter().map(|v| v.len() + 3).sum::<usize>() as u64;
    let string = size_of::<String>() as u64;
    let metrics = p.report.metrics.len().max(1) as u64;
    let band = size_of::<Vec<(f64, f64)>>() as u64
        + memory::heap((p.report.percentiles.len() * size_of::<(f64, f64)>()) as u64);
    2 * (string + memory::heap(label))
        + band
        + 3 * (string + memory::heap(16))
        + 3 * 16
        + svg
        + 3 * svg / metrics
}

/// How many points the grid has: the product of the value counts.
pub(super) fn grid_points(sets: &[Override]) -> u64 {
    sets.iter()
        .fold(1u64, |n, s| n.saturating_mul(s.values.len() as u64))
}

/// Reads and checks every set value on its own: a value's checks do not depend on the other
/// inputs, so every combination of checked values is valid too.
fn check_values(base: &Scenario, sets: &[Override]) -> Result<(), Error> {
    for set in sets {
        for v in &set.values {
            base.with_value(set.input, v)
                .map_err(|e| match (e, decimal_hint(base, set)) {
                    (Error::Scenario(mut d), Some(hint)) => {
                        d.help = Some(match d.help.take() {
                            Some(help) => format!("{hint}; {help}"),
                            None => hint,
                        });
                        Error::Scenario(d)
                    }
                    (e, _) => e,
                })?;
        }
    }
    Ok(())
}

/// For `--set cluster.mfu=0,4`, whose values fail their checks: the hint to write 0.4, when
/// that decimal is itself a valid value.
fn decimal_hint(base: &Scenario, set: &Override) -> Option<String> {
    let decimal = set.decimal_comma_reading()?;
    base.with_value(set.input, &decimal).ok()?;
    Some(format!(
        "a comma separates values: for the decimal {decimal} write a point, `--set {}={decimal}`",
        set.input.key()
    ))
}

/// Point `index` of the grid (the first key varies slowest): its values and its scenario, built
/// only when its turn comes, so a grid of any size holds one scenario at a time.
pub(super) fn point(
    base: &Scenario,
    sets: &[Override],
    index: u64,
) -> Result<(Vec<String>, Scenario), Error> {
    let mut values = Vec::with_capacity(sets.len());
    let mut scenario = base.clone();
    let mut stride = grid_points(sets);
    for set in sets {
        stride /= set.values.len() as u64;
        let v = &set.values[(index / stride) as usize % set.values.len()];
        scenario = scenario.with_value(set.input, v)?;
        values.push(v.clone());
    }
    Ok((values, scenario))
}
