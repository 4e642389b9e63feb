//! `flopcast compare A B`: two scenarios on common random numbers (inputs they share draw the
//! same values), the bands of each, the bands of B − A run by run, and the chance that B is
//! cheaper or faster than A.

use std::path::PathBuf;

use super::Sampling;
use super::precision::{self, Figures, Search, run_figures};
use super::progress::Progress;
use crate::analyze::precision::Target;
use crate::error::Error;
use crate::model::Metric;
use crate::output::{Exports, OutputSet, TableFiles};
use crate::report::AsDocument;
use crate::report::compare::CompareReport;
use crate::report::{Goals, RunReport};
use crate::sample::SamplingPlan;
use crate::sample::scheme::Scheme;
use crate::scenario::Scenario;
use crate::simulate::{Paired, Single};
use crate::stats::stream::{Part, Streamed, Test, Tuning, stream};
use crate::stats::{Probability, Summary};

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
    let (report, charts) = super::with_threads(opts.sampling.threads, || {
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
                    let drawn = streamed(&setting, &plan(&a, n), &plan(&b, n), advance, false);
                    drawn.map(|(report, _)| report)
                };
                Some(search.run(round, compare_figures)?)
            }
        };
        let (found, reached) = found.unzip();
        let runs = found.as_ref().map_or(runs, |r| r.runs);
        let (plan_a, plan_b) = (plan(&a, runs), plan(&b, runs));
        let progress = Progress::new(2 * runs, opts.progress, "runs");
        let advance = |n| progress.advance(n);
        // The search's last round is the report, unless the charts need a pass of their own.
        let plotted = opts.plots.is_some();
        let drawn = match found {
            Some(report) if !plotted => Ok((report, Vec::new())),
            _ => streamed(&setting, &plan_a, &plan_b, &advance, plotted),
        };
        progress.finish();
        drawn.map(|(r, charts)| {
            let r = CompareReport {
                precision: reached,
                ..r
            };
            (r, charts)
        })
    })??;
    if let Some(dir) = &opts.plots {
        for (file, svg) in &charts {
            outputs.write(&dir.join(file), svg.as_bytes())?;
        }
    }
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

/// Charts to write: (file name, SVG).
type Charts = Vec<(String, String)>;

/// The comparison of the paired runs reduced as they are drawn, and its charts when
/// `plotted` (two more passes over the runs).
fn streamed(
    setting: &Setting,
    plan_a: &SamplingPlan,
    plan_b: &SamplingPlan,
    progress: &(dyn Fn(u64) + Sync),
    plotted: bool,
) -> Result<(CompareReport, Charts), Error> {
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
    let kept = super::kept_percentiles(percentiles, plotted, false);
    let mut s = stream(&source, progress, &kept, &events, Tuning::default());
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
    let charts = if plotted {
        charts(&mut s, &source, (&a.name, &b.name))
    } else {
        Vec::new()
    };
    let report = setting.report(report_a, report_b, pairs, s.runs(), s.seed());
    Ok((report, charts))
}

/// Both distributions overlaid, and the distribution of B − A, for total cost and for days.
fn charts(s: &mut Streamed<Paired>, source: &Paired, names: (&str, &str)) -> Charts {
    let sides = |m| {
        let a = source
            .column_a(m)
            .expect("every scenario has the plotted outputs");
        (a, source.column_b(m).expect("every scenario has them"))
    };
    let mut columns = Vec::new();
    let mut bins = Vec::new();
    let mut constant = Vec::new();
    for m in PLOTTED {
        let (a, b) = sides(m);
        let (ea, eb) = (s.extent(a), s.extent(b));
        constant.push((ea[0] == ea[1] && ea == eb).then_some(ea[0]));
        let shared = crate::chart::overlay_bins(s.chart_range(a), s.chart_range(b));
        bins.extend([shared.clone(), shared]);
        columns.extend([a, b]);
    }
    let counted = s.histograms(&columns, bins);
    let differences: Vec<usize> = PLOTTED
        .iter()
        .map(|&m| source.column_difference(m).expect("a common output"))
        .collect();
    let outlines = s.outlines(&differences, super::CHART_BARS);
    let (a, b) = (format!("A: {}", names.0), format!("B: {}", names.1));
    let mut charts = Charts::new();
    let plotted = PLOTTED.iter().zip(counted.chunks(2)).zip(&outlines);
    for (((m, pair), outline), constant) in plotted.zip(constant) {
        let title = format!("A vs B: {}", m.name());
        let (a, b) = ((a.as_str(), &pair[0]), (b.as_str(), &pair[1]));
        let overlay = crate::chart::overlay_svg(&title, *m, a, b, constant);
        charts.push((overlay_file(*m), overlay));
        let difference = crate::chart::histogram_svg("B − A", *m, outline);
        charts.push((difference_file(*m), difference));
    }
    charts
}

/// Peak bytes of `flopcast compare` with these options (see [`crate::memory::streamed`]).
pub fn peak_bytes(opts: &CompareOptions) -> Result<u64, Error> {
    let a = Scenario::load(&opts.a)?;
    let b = Scenario::load(&opts.b)?;
    let (runs, _) = super::runs_and_seed(&a, opts.sampling.runs, opts.sampling.seed);
    Ok(peak(&a, &b, runs, opts))
}

fn peak(a: &Scenario, b: &Scenario, runs: u64, opts: &CompareOptions) -> u64 {
    let (ma, mb) = (a.options.metrics(), b.options.metrics());
    let common = ma.iter().filter(|m| mb.contains(m)).count();
    let columns = (ma.len() + mb.len() + common) as u64;
    let kept = super::kept_percentiles(&percentiles(opts), opts.plots.is_some(), false);
    let stream = super::streamed_peak(runs, columns, &kept, opts.scheme);
    if opts.plots.is_none() {
        return stream;
    }
    // The charts' passes: per chunk, A's and B's overlay bins, then B − A's outline bars, of
    // each plotted output (a count per bin, with the histograms' own few fields).
    let bins = 2 * crate::chart::OVERLAY_BINS + super::CHART_BARS;
    let charts = PLOTTED.len() as u64 * (bins as u64 * 8 + 256);
    stream.saturating_add(crate::memory::pass_states(runs, charts))
}

fn percentiles(opts: &CompareOptions) -> Vec<f64> {
    opts.percentiles
        .clone()
        .unwrap_or(super::run::DEFAULT_PERCENTILES.to_vec())
}

/// The outputs `--plots` draws.
const PLOTTED: [Metric; 2] = [Metric::TotalCostUsd, Metric::TrainDays];

fn overlay_file(m: Metric) -> String {
    format!("{}_overlay.svg", m.name())
}

fn difference_file(m: Metric) -> String {
    format!("{}_difference.svg", m.name())
}
