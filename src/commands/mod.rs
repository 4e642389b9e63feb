//! The subcommands: each takes plain options, does its work through the library, and returns
//! what to print. Argument parsing lives in [`crate::cli`].

pub mod calibrate;
pub mod check;
pub mod compare;
pub mod portfolio;
pub mod precision;
pub mod progress;
pub mod report;
pub mod run;
pub mod sensitivity;
pub mod shard;
pub mod sweep;
pub mod update;

use crate::error::Error;
use crate::memory;
use crate::scenario::Scenario;
use crate::simulate::spend::Runs;

/// How many runs, from which seed, on how many threads: the flags every simulating command
/// shares. `None` takes the scenario's `[simulation]` value, else the default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sampling {
    pub runs: Option<u64>,
    pub seed: Option<u64>,
    /// 0: one per core.
    pub threads: usize,
}

/// Refuses, before anything is allocated, a command whose only size is its run count and whose
/// peak is `peak(runs)` bytes (see [`memory`]).
pub fn check_memory(runs: u64, peak: impl Fn(u64) -> u64) -> Result<(), Error> {
    check_memory_of(runs, memory::Flag::Runs, peak)
}

/// [`check_memory`] for a run count that `flag` sets.
pub fn check_memory_of(
    runs: u64,
    flag: memory::Flag,
    peak: impl Fn(u64) -> u64,
) -> Result<(), Error> {
    memory::check(
        &format!("{runs} runs"),
        peak(runs),
        &[memory::Knob {
            flag,
            value: runs,
            peak: Box::new(peak),
        }],
    )
}

/// Peak bytes of reducing `runs` runs into `columns` columns as they are drawn, under `scheme`
/// or the one chosen for the run count (see [`memory::streamed`]).
pub fn streamed_peak(
    runs: u64,
    columns: u64,
    percentiles: &[f64],
    scheme: Option<crate::sample::scheme::Scheme>,
) -> u64 {
    use crate::sample::scheme::{Scheme, Uniforms};
    let scheme = scheme.unwrap_or_else(|| Scheme::auto(runs, percentiles));
    let replicates = Uniforms::new(scheme, 0, runs)
        .replicates
        .map_or(1, |r| r.count);
    memory::streamed(runs, columns, percentiles, replicates)
}

/// Peak bytes of streaming `runs` runs of `scenario` that keep values around `kept`, with
/// `spend_columns` columns of spend by period ([`spend_columns`]), which keep values around
/// their own three percentiles only.
pub fn scenario_stream_peak(
    scenario: &Scenario,
    runs: u64,
    kept: &[f64],
    spend_columns: u64,
    scheme: Option<crate::sample::scheme::Scheme>,
) -> u64 {
    use crate::simulate::spend::SPEND_PERCENTILES;
    let metrics = scenario.options.metrics().len() as u64;
    // The periods' own columns, without the one column streamed_peak adds for any stream.
    let periods = streamed_peak(runs, spend_columns, &SPEND_PERCENTILES, scheme)
        .saturating_sub(streamed_peak(runs, 0, &SPEND_PERCENTILES, scheme));
    streamed_peak(runs, metrics, kept, scheme).saturating_add(periods)
}

/// The columns of spend by period a scenario with a start date adds to a stream of `runs`
/// runs (0 without one), as [`Runs::new`] lays the periods out.
pub fn spend_columns(
    scenario: &Scenario,
    runs: u64,
    seed: u64,
    scheme: Option<crate::sample::scheme::Scheme>,
    percentiles: &[f64],
) -> Result<u64, Error> {
    if scenario.start.is_none() {
        return Ok(0);
    }
    let plan = plan(scenario, runs, seed, scheme, percentiles);
    let runs = Runs::new(&plan, scenario)?;
    Ok(runs.spend().map_or(0, |(at, _)| at.count() as u64))
}

/// One scenario's report from its runs reduced as they are drawn ([`crate::stats::stream`]):
/// the figures a stored sample gives, in memory that does not grow with the runs.
pub fn streamed_report(
    scenario: &Scenario,
    file: &str,
    plan: &crate::sample::SamplingPlan,
    percentiles: &[f64],
    goals: &crate::report::Goals,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<crate::report::RunReport, Error> {
    let drawn = streamed_charts(scenario, file, plan, percentiles, goals, &[], progress)?;
    Ok(drawn.0)
}

/// A run's report and the outlines of its charts.
pub type Charted = (
    crate::report::RunReport,
    Vec<crate::stats::histogram::Outline>,
);

/// [`streamed_charts`] behind a progress bar of the runs, when `show_progress`.
pub fn streamed_charts_shown(
    scenario: &Scenario,
    file: &str,
    plan: &crate::sample::SamplingPlan,
    percentiles: &[f64],
    goals: &crate::report::Goals,
    charted: &[crate::model::Metric],
    show_progress: bool,
) -> Result<Charted, Error> {
    let progress = progress::Progress::new(plan.runs, show_progress, "runs");
    let advance = |n| progress.advance(n);
    let drawn = streamed_charts(scenario, file, plan, percentiles, goals, charted, &advance);
    progress.finish();
    drawn
}

/// [`streamed_report`], and the outlines of the `charted` outputs' charts (one more pass over
/// the runs when any is asked for).
pub fn streamed_charts(
    scenario: &Scenario,
    file: &str,
    plan: &crate::sample::SamplingPlan,
    percentiles: &[f64],
    goals: &crate::report::Goals,
    charted: &[crate::model::Metric],
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Charted, Error> {
    use crate::stats::stream::{Part, Tuning, stream};
    let runs = Runs::new(plan, scenario)?;
    let kept = kept_percentiles(percentiles, !charted.is_empty(), runs.periods.is_some());
    let (part, mut events) = Part::alone(runs.metrics(), *goals);
    let finished = period_events(&runs, &part, &mut events);
    let mut s = stream(&runs, progress, &kept, &events, Tuning::default());
    s.ensure_finite()?;
    let name = &scenario.name;
    let mut report =
        crate::report::RunReport::streamed(name, file, &mut s, &part, percentiles, goals);
    report.when = when(&mut s, &runs, &part, finished);
    let columns: Vec<usize> = charted.iter().map(|&m| part.column(m)).collect();
    let outlines = s.outlines(&columns, CHART_BARS);
    Ok((report, outlines))
}

/// The percentiles a stream keeps values around: those reported, the charts' when
/// `charted`, and those of the spend by period (and finish dates) when `scheduled`.
pub fn kept_percentiles(percentiles: &[f64], charted: bool, scheduled: bool) -> Vec<f64> {
    let mut kept = percentiles.to_vec();
    if charted {
        kept.extend(crate::stats::stream::CHART_PERCENTILES);
    }
    if scheduled {
        kept.extend(crate::report::run::when::SPEND_PERCENTILES);
    }
    kept.sort_by(f64::total_cmp);
    kept.dedup();
    kept
}

/// Appends to `events`, when the runs have spend by period, one per month: training has ended
/// by the month's end (before the next month's first day). Returns the first one's index.
pub fn period_events(
    runs: &Runs,
    part: &crate::stats::stream::Part,
    events: &mut Vec<crate::stats::stream::Event>,
) -> usize {
    use crate::stats::stream::Test;
    let first = events.len();
    if let Some((_, periods)) = runs.spend() {
        let days = part.column(crate::model::Metric::TrainDays);
        events.extend(
            periods.edges[1..]
                .iter()
                .map(|&e| vec![Test::AtMost(days, e)]),
        );
    }
    first
}

/// Spend by period and the finish dates from a stream of `runs` whose month events start at
/// `finished` ([`period_events`]); None without a start date.
pub fn when(
    s: &mut crate::stats::stream::Streamed<Runs>,
    runs: &Runs,
    part: &crate::stats::stream::Part,
    finished: usize,
) -> Option<crate::report::run::when::When> {
    use crate::report::run::when::{SPEND_PERCENTILES, When};
    let (at, periods) = runs.spend()?;
    let days = s.summary(
        part.column(crate::model::Metric::TrainDays),
        &SPEND_PERCENTILES,
    );
    let finished = (0..periods.len()).map(|k| s.chance(finished + k)).collect();
    Some(When::streamed(s, at, periods, &days, finished))
}

/// Bars of every histogram of one output, in a chart or the terminal.
pub const CHART_BARS: usize = 60;

/// The sampling plan of `runs` runs of `scenario` from `seed`, under `scheme` or the one chosen
/// for the run count and `percentiles` ([`Scheme::auto`](crate::sample::scheme::Scheme::auto)).
pub fn plan(
    scenario: &Scenario,
    runs: u64,
    seed: u64,
    scheme: Option<crate::sample::scheme::Scheme>,
    percentiles: &[f64],
) -> crate::sample::SamplingPlan {
    let scheme = scheme.unwrap_or_else(|| crate::sample::scheme::Scheme::auto(runs, percentiles));
    crate::sample::SamplingPlan::new(scenario, runs, seed).with_scheme(scheme)
}

/// Runs `work` on a pool of `threads` threads (0: one per core).
pub fn with_threads<T: Send>(threads: usize, work: impl FnOnce() -> T + Send) -> Result<T, Error> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Runtime(format!("cannot start {threads} threads: {e}")))?;
    Ok(pool.install(work))
}

/// `goals` with a deadline date turned into training days from `scenario`'s start: training
/// ends by a date when it ends before that day is over, so 2027-01-31 for a run starting
/// 2027-01-04 is 28 days.
pub fn resolve_goals(
    goals: crate::report::Goals,
    scenario: &Scenario,
) -> Result<crate::report::Goals, Error> {
    let Some(date) = goals.deadline_date else {
        return Ok(goals);
    };
    let Some(start) = scenario.start else {
        return Err(Error::Runtime(format!(
            "--deadline {date} is a date, and {} has no start date to count training days from: \
             add `[schedule]` with `start = 2027-01-15` (the day training starts), or give the \
             deadline in days",
            scenario.path.display()
        )));
    };
    let days = date.days_to_end_from(start);
    if days <= 0 {
        return Err(Error::Runtime(format!(
            "--deadline {date} comes before training starts in {} ({start}): no run can end by it",
            scenario.path.display()
        )));
    }
    Ok(crate::report::Goals {
        deadline_days: Some(days as f64),
        ..goals
    })
}

/// Where the run count came from when the scenario file set it (no `--runs`), for messages
/// that ask for fewer runs: "`[simulation] runs` at plan.toml:14:8".
pub fn runs_origin(scenario: &Scenario, flag_runs: Option<u64>) -> Option<String> {
    runs_origin_in(
        "[simulation] runs",
        &scenario.path,
        &scenario.simulation,
        flag_runs,
    )
}

/// [`runs_origin`] for the run count `key` sets in the file at `path` (a scenario's
/// `[simulation] runs`, a portfolio plan's `[portfolio] runs`).
pub fn runs_origin_in(
    key: &str,
    path: &std::path::Path,
    settings: &crate::scenario::SimulationSettings,
    flag_runs: Option<u64>,
) -> Option<String> {
    if flag_runs.is_some() || settings.runs.is_none() {
        return None;
    }
    let (line, col) = settings.runs_at?;
    Some(format!("`{key}` at {}:{line}:{col}", path.display()))
}

/// A note for the top of a report when the scenario's reference prior extrapolates beyond the
/// runs it was fitted to; empty otherwise.
pub fn reference_warning(scenario: &Scenario) -> String {
    let Some(r) = &scenario.reference else {
        return String::new();
    };
    if r.outside.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "Warning: this scenario lies outside the reference runs its utilisation prior was fitted to:\n",
    );
    for reason in &r.outside {
        out.push_str(&format!("  - {reason}\n"));
    }
    out.push_str("  The band widens with the distance, but rests on extrapolation: read it as a rough guide (`flopcast check` shows the nearest runs).\n\n");
    out
}

/// Runs and seed: the flag if given, else the scenario's, else the default.
pub fn runs_and_seed(scenario: &Scenario, runs: Option<u64>, seed: Option<u64>) -> (u64, u64) {
    (
        runs.or(scenario.simulation.runs)
            .unwrap_or(run::DEFAULT_RUNS),
        seed.or(scenario.simulation.seed)
            .unwrap_or(run::DEFAULT_SEED),
    )
}
