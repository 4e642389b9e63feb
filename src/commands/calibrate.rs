//! `flopcast calibrate`: forecast verification. Either each scenario's band against the figures
//! its real run published (`[[published]]`), or the fitted utilisation prior against the
//! reference runs themselves, out of sample: each run forecast by a fit without it
//! (`--leave-one-out`), or later runs by a fit on earlier ones (`--split-date`).
//!
//! A forecast whose published outcomes keep landing outside P5–P95 is overconfident or biased;
//! the summary says which, and how wide the bands were (a band can be honest by being useless).

use super::progress::Progress;
use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::chart::calibration::{pit_histogram_svg, reliability_svg};
use crate::error::Error;
use crate::memory;
use crate::model::Metric;
use crate::output::OutputSet;
use crate::prior::fit::Predictive;
use crate::prior::reference::{DEFAULT_COVARIATES, Facts, UtilisationPrior, utilisation_dist};
use crate::prior::runs::{ReferenceRun, ReferenceSet, fractional_year};
use crate::report::calibration::{
    self, Summary, Verdict, crps_from_cdf, crps_sorted_sample, sample_pit, summarise,
};
use crate::report::{Cell, CsvSheet, SCHEMA_VERSION, group_thousands, human, printable};
use crate::sample::SamplingPlan;
use crate::scenario::Scenario;
use crate::simulate::simulate;
use crate::stats::{self, Probability};

/// Chart files `--plots` writes.
pub const PIT_HISTOGRAM_FILE: &str = "pit_histogram.svg";
pub const RELIABILITY_FILE: &str = "reliability.svg";

/// Fewest runs a time split verifies on: the coverage of a 50% band over fewer says nothing.
pub const MIN_VERIFIED_RUNS: usize = 5;

#[derive(Debug, Clone, Default)]
pub struct CalibrateOptions {
    pub scenarios: Vec<PathBuf>,
    pub runs: Option<u64>,
    pub seed: Option<u64>,
    pub threads: usize,
    pub csv: Option<PathBuf>,
    pub json: Option<PathBuf>,
    pub plots: Option<PathBuf>,
    /// Verify the utilisation prior on reference runs instead of scenarios.
    pub reference: Option<ReferenceCheck>,
    pub progress: bool,
}

/// Which reference runs to verify the prior on, and how to hold them out.
#[derive(Debug, Clone, Default)]
pub struct ReferenceCheck {
    /// The CSV; `None` for the bundled runs.
    pub file: Option<PathBuf>,
    /// Fit on runs published before this date and verify on the rest; leave-one-out if `None`.
    pub split: Option<SplitDate>,
}

/// A `--split-date` as written and as a fractional year.
#[derive(Debug, Clone, PartialEq)]
pub struct SplitDate {
    pub text: String,
    pub year: f64,
}

/// Parses `--split-date`: a calendar date, YYYY-MM-DD.
pub fn parse_split_date(text: &str) -> Result<SplitDate, String> {
    let shape_ok = text.len() == 10
        && text.char_indices().all(|(i, c)| match i {
            4 | 7 => c == '-',
            _ => c.is_ascii_digit(),
        });
    match fractional_year(text) {
        Some(year) if shape_ok => Ok(SplitDate {
            text: text.to_string(),
            year,
        }),
        _ => Err(format!(
            "expected a date as YYYY-MM-DD, such as 2024-01-01, got \"{text}\""
        )),
    }
}

/// One published figure of a scenario against the scenario's band.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub scenario: String,
    pub file: String,
    pub metric: &'static str,
    /// The PIT as the share of runs at or below the published figure, with its Monte Carlo
    /// interval.
    pub pit_sample: Probability,
    #[serde(flatten)]
    pub verdict: Verdict,
    pub source: String,
}

/// One reference run's chip-hours against the prior's forecast made without it.
#[derive(Debug, Clone, Serialize)]
pub struct RunCheck {
    pub model: String,
    pub organisation: String,
    pub hardware: &'static str,
    pub chips: f64,
    pub published_date: String,
    /// The run's line in its CSV.
    pub line: usize,
    /// How many runs the fit that forecast it used.
    pub fitted_on: usize,
    pub metric: &'static str,
    #[serde(flatten)]
    pub verdict: Verdict,
}

pub struct CalibrateOutcome {
    pub checks: Vec<Check>,
    pub run_checks: Vec<RunCheck>,
    pub summary: Summary,
    pub text: String,
}

pub fn calibrate(opts: &CalibrateOptions) -> Result<CalibrateOutcome, Error> {
    match &opts.reference {
        Some(check) => verify_reference(opts, check),
        None => verify_scenarios(opts),
    }
}

fn declare_outputs(outputs: &mut OutputSet, opts: &CalibrateOptions) -> Result<(), Error> {
    outputs.file("--csv", opts.csv.as_deref())?;
    outputs.file("--json", opts.json.as_deref())?;
    outputs.dir(
        "--plots",
        opts.plots.as_deref(),
        &[PIT_HISTOGRAM_FILE.into(), RELIABILITY_FILE.into()],
    )
}

// Scenarios ------------------------------------------------------------------------------------

fn verify_scenarios(opts: &CalibrateOptions) -> Result<CalibrateOutcome, Error> {
    let inputs: Vec<&Path> = opts.scenarios.iter().map(PathBuf::as_path).collect();
    let mut outputs = OutputSet::new(&inputs);
    declare_outputs(&mut outputs, opts)?;
    let scenarios = load_all(&opts.scenarios)?;
    check_memory(&scenarios, opts)?;
    let mut checks = Vec::new();
    let mut text = String::new();
    for (path, scenario) in &scenarios {
        let found = check_scenario(path, scenario, opts)?;
        text.push_str(&scenario_text(path, scenario, opts, &found));
        checks.extend(found);
    }
    let verdicts: Vec<Verdict> = checks.iter().map(|c| c.verdict.clone()).collect();
    let summary = summarise(&verdicts);
    text.push_str(&summary_block(&summary, "published figures"));
    if let Some(path) = &opts.csv {
        outputs.write_encoded(path, checks_csv(&checks))?;
    }
    let header = JsonHeader::scenarios();
    write_json_and_plots(&mut outputs, opts, &header, &checks, &summary, &verdicts)?;
    outputs.commit()?;
    Ok(CalibrateOutcome {
        checks,
        run_checks: Vec::new(),
        summary,
        text,
    })
}

fn check_scenario(
    path: &Path,
    scenario: &Scenario,
    opts: &CalibrateOptions,
) -> Result<Vec<Check>, Error> {
    if scenario.published.is_empty() {
        return Ok(Vec::new());
    }
    let (runs, seed) = super::runs_and_seed(scenario, opts.runs, opts.seed);
    let progress = Progress::new(runs, opts.progress, "runs");
    progress.say(scenario.name.clone());
    let sim = super::with_threads(opts.threads, || {
        simulate(
            &SamplingPlan::new(scenario, runs, seed),
            scenario.options,
            &|n| progress.advance(n),
        )
    })?;
    progress.finish();
    sim.ensure_finite()?;
    let checks = scenario
        .published
        .iter()
        .map(|p| {
            let column = sim.column(p.metric);
            let below = stats::count_pairs(column, column, |x, _| x <= p.value);
            let share = Probability::from_count(below, runs);
            Check {
                scenario: scenario.name.clone(),
                file: path.display().to_string(),
                metric: p.metric.name(),
                pit_sample: share,
                verdict: sample_verdict(column, p.value),
                source: p.source.clone(),
            }
        })
        .collect();
    Ok(checks)
}

/// The verdict of a Monte Carlo sample: bands as `run` reports them, PIT and CRPS from a
/// sorted copy (taken after the summary's scratch is freed, so the peak stays one column).
fn sample_verdict(column: &[f64], published: f64) -> Verdict {
    let band = stats::summarize(column, &[5.0, 50.0, 95.0]).percentiles;
    let mut sorted = column.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    let mut v = Verdict::new(
        published,
        [
            band[0].estimate.value,
            band[1].estimate.value,
            band[2].estimate.value,
        ],
        sample_pit(&sorted, published),
    );
    // ln keeps the order, so the sorted sample stays sorted; a metric that can be 0 (labour
    // cost) has no ln score.
    if published > 0.0 && sorted.first().is_some_and(|&x| x > 0.0) {
        sorted.iter_mut().for_each(|x| *x = x.ln());
        v.crps_ln = Some(crps_sorted_sample(&sorted, published.ln()));
    }
    v
}

fn scenario_text(
    path: &Path,
    scenario: &Scenario,
    opts: &CalibrateOptions,
    checks: &[Check],
) -> String {
    let shown = printable(&path.display().to_string());
    if checks.is_empty() {
        return format!("{shown}: no [[published]] figures to check\n\n");
    }
    let (runs, seed) = super::runs_and_seed(scenario, opts.runs, opts.seed);
    let mut out = format!(
        "{} ({shown})\n{} runs, seed {seed}\n\n",
        printable(&scenario.name),
        group_thousands(runs),
    );
    let mut rows = vec![header_row("metric")];
    for c in checks {
        let unit = Metric::ALL
            .iter()
            .find(|m| m.name() == c.metric)
            .map(|m| m.unit());
        let mut row = vec![c.metric.to_string()];
        row.extend(verdict_cells(&c.verdict, unit));
        rows.push(row);
    }
    out.push_str(&indent(&crate::report::table::text_table(&rows)));
    for c in checks.iter().filter(|c| !c.source.is_empty()) {
        out.push_str(&format!(
            "  {} source: {}\n",
            c.metric,
            printable(&c.source)
        ));
    }
    out.push('\n');
    out
}

fn load_all(paths: &[PathBuf]) -> Result<Vec<(&PathBuf, Scenario)>, Error> {
    paths.iter().map(|p| Ok((p, Scenario::load(p)?))).collect()
}

// Reference runs -------------------------------------------------------------------------------

fn verify_reference(
    opts: &CalibrateOptions,
    check: &ReferenceCheck,
) -> Result<CalibrateOutcome, Error> {
    let inputs: Vec<&Path> = check.file.iter().map(PathBuf::as_path).collect();
    let mut outputs = OutputSet::new(&inputs);
    declare_outputs(&mut outputs, opts)?;
    let set = match &check.file {
        Some(path) => ReferenceSet::load(path)?,
        None => ReferenceSet::bundled().clone(),
    };
    let (run_checks, intro) = match &check.split {
        Some(split) => time_split(&set, split)?,
        None => leave_one_out(&set)?,
    };
    let verdicts: Vec<Verdict> = run_checks.iter().map(|c| c.verdict.clone()).collect();
    let summary = summarise(&verdicts);
    let mut text = intro;
    text.push_str(&runs_table(&run_checks));
    text.push('\n');
    text.push_str(&summary_block(&summary, "reference runs"));
    if let Some(path) = &opts.csv {
        outputs.write_encoded(path, run_checks_csv(&run_checks))?;
    }
    let header = JsonHeader::reference(&set, check.split.as_ref());
    write_json_and_plots(
        &mut outputs,
        opts,
        &header,
        &run_checks,
        &summary,
        &verdicts,
    )?;
    outputs.commit()?;
    Ok(CalibrateOutcome {
        checks: Vec::new(),
        run_checks,
        summary,
        text,
    })
}

/// Each run forecast by a fit on all runs but those of its name (a run listed twice must not
/// vouch for itself).
fn leave_one_out(set: &ReferenceSet) -> Result<(Vec<RunCheck>, String), Error> {
    if let Some(run) = set.runs.iter().find(|r| r.published.is_none()) {
        return Err(Error::Runtime(format!(
            "{}: {} (line {}) has no `published` date, which the prior's year term needs; add the date or remove the row",
            set.name, run.model, run.line
        )));
    }
    let checks = set
        .runs
        .iter()
        .map(|run| {
            let rest = set
                .without(std::slice::from_ref(&run.model))
                .map_err(Error::Runtime)?;
            let prior = fit(&rest, "leave one out of")?;
            run_check(run, &prior)
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let intro = format!(
        "Leave-one-out verification of the utilisation prior on {}\n\
         Each run's chip-hours forecast from its facts by a fit on the other runs (terms: {}).\n\n",
        printable(&set.name),
        covariate_names()
    );
    Ok((checks, intro))
}

fn time_split(set: &ReferenceSet, split: &SplitDate) -> Result<(Vec<RunCheck>, String), Error> {
    if let Some(run) = set.runs.iter().find(|r| r.published.is_none()) {
        return Err(Error::Runtime(format!(
            "{}: {} (line {}) has no `published` date, so it cannot be placed before or after {}; add the date or remove the row",
            set.name, run.model, run.line, split.text
        )));
    }
    let (before, after): (Vec<ReferenceRun>, Vec<ReferenceRun>) = set
        .runs
        .iter()
        .cloned()
        .partition(|r| r.published.is_some_and(|y| y < split.year));
    let needed = DEFAULT_COVARIATES.len() + 2;
    if before.len() < needed || after.len() < MIN_VERIFIED_RUNS {
        return Err(Error::Runtime(format!(
            "{}: {} runs published before {} and {} on or after it; the split needs at least {needed} to fit on and {MIN_VERIFIED_RUNS} to verify",
            set.name,
            before.len(),
            split.text,
            after.len()
        )));
    }
    let train = ReferenceSet {
        runs: before,
        ..set.clone()
    };
    let prior = fit(&train, "fit the runs before the split of")?;
    let checks = after
        .iter()
        .map(|r| run_check(r, &prior))
        .collect::<Result<Vec<_>, Error>>()?;
    let intro = format!(
        "Time-split verification of the utilisation prior on {}\n\
         Fitted on the {} runs published before {}; each of the {} published on or after it forecast from its facts (terms: {}).\n\n",
        printable(&set.name),
        train.runs.len(),
        split.text,
        after.len(),
        covariate_names()
    );
    Ok((checks, intro))
}

fn fit(set: &ReferenceSet, doing: &str) -> Result<UtilisationPrior, Error> {
    UtilisationPrior::fit(set, DEFAULT_COVARIATES)
        .map_err(|e| Error::Runtime(format!("cannot {doing} {}: {e}", set.name)))
}

fn covariate_names() -> String {
    DEFAULT_COVARIATES
        .iter()
        .map(|c| c.name())
        .collect::<Vec<_>>()
        .join(", ")
}

fn run_check(run: &ReferenceRun, prior: &UtilisationPrior) -> Result<RunCheck, Error> {
    Ok(RunCheck {
        model: run.model.clone(),
        organisation: run.organisation.clone(),
        hardware: run.hardware,
        chips: run.chips,
        published_date: run.published_text.clone(),
        line: run.line,
        fitted_on: prior.runs.len(),
        metric: "chip_hours",
        verdict: chip_hours_verdict(run, &prior.predict(&Facts::of(run)))?,
    })
}

/// The forecast of a run's chip-hours from the predictive of its utilisation u. Chip-hours =
/// work / u with work = 6·N·D / (peak16 × 1e12 × 3600), a decreasing map: the P5 of
/// chip-hours is work / P95 of u, and PIT(chip-hours) = P(u ≥ u_published). The distribution
/// of u is the one scenarios draw from (cut in the same places), so the verdict is exact.
/// ln chip-hours = ln work − ln u, so its CRPS and log score are those of ln u.
pub fn chip_hours_verdict(run: &ReferenceRun, pred: &Predictive) -> Result<Verdict, Error> {
    let dist = utilisation_dist(pred, 1.0).map_err(|e| {
        Error::Runtime(format!(
            "cannot forecast {} (line {}): {e}",
            run.model, run.line
        ))
    })?;
    let work = 6.0 * run.params_active * run.tokens / (run.peak16_tflops * 1e12 * 3600.0);
    let u_published = run.utilisation();
    let band = [0.95, 0.5, 0.05].map(|p| work / dist.quantile(p));
    let mut v = Verdict::new(run.chip_hours(), band, 1.0 - dist.cdf(u_published));
    let support = dist.support();
    v.crps_ln = Some(crps_from_cdf(
        &|x| dist.cdf(x.exp()),
        support.lo.ln(),
        support.hi.ln(),
        u_published.ln(),
    ));
    // The t before its cut: the cut holds less than 2e-5 of the mass.
    v.log_score = Some(pred.ln_density(u_published.ln()));
    Ok(v)
}

fn runs_table(checks: &[RunCheck]) -> String {
    let mut header = vec![
        "model".to_string(),
        "hardware".into(),
        "chips".into(),
        "date".into(),
    ];
    header.extend(header_row("chip-hours").into_iter().skip(1));
    let mut rows = vec![header];
    for c in checks {
        let mut row = vec![
            printable(&c.model),
            c.hardware.to_string(),
            crate::units::general(c.chips),
            printable(&c.published_date),
        ];
        row.extend(verdict_cells(&c.verdict, Some(Metric::GpuHours.unit())));
        rows.push(row);
    }
    crate::report::table::text_table(&rows)
}

// Text -----------------------------------------------------------------------------------------

fn header_row(first: &str) -> Vec<String> {
    [
        first,
        "published",
        "P5",
        "P50",
        "P95",
        "PIT",
        "pub/P50",
        "ln(P50/pub)",
        "band",
    ]
    .map(String::from)
    .to_vec()
}

/// published, P5, P50, P95, PIT, published/P50, ln(P50/published), and the narrowest band
/// holding the figure, or how far outside P5–P95 it lies.
fn verdict_cells(v: &Verdict, unit: Option<crate::format::Unit>) -> Vec<String> {
    let value = |x: f64| match unit {
        Some(u) => human(u, x),
        None => crate::units::general(x),
    };
    vec![
        value(v.published),
        value(v.p5),
        value(v.p50),
        value(v.p95),
        format!("{:.2}", v.pit),
        v.ratio.map_or("n/a".into(), |r| format!("{r:.2}")),
        v.ln_error.map_or("n/a".into(), |e| format!("{e:+.2}")),
        v.beyond_band().unwrap_or_else(|| v.band().to_string()),
    ]
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}

fn summary_block(summary: &Summary, what: &str) -> String {
    if summary.n == 0 {
        return format!("No {what} to verify\n");
    }
    let mut out = String::from(
        "band: the narrowest central band (50, 80 or 90%) holding the published figure; PIT: the forecast's chance of a value at or below it\n\n",
    );
    out.push_str(&calibration::summary_text(summary).replacen("published figures", what, 1));
    let scores = if summary.mean_log_score.is_some() {
        "CRPS and log score are"
    } else {
        "CRPS is"
    };
    out.push_str(&format!(
        "  ({scores} of ln of the metric, so runs of any size weigh alike)\n"
    ));
    out
}

// Files ----------------------------------------------------------------------------------------

/// What the JSON says about how the forecasts were made.
#[derive(Serialize)]
struct JsonHeader {
    verification: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    split_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    terms: Option<Vec<&'static str>>,
}

impl JsonHeader {
    fn scenarios() -> JsonHeader {
        JsonHeader {
            verification: "scenarios",
            reference: None,
            split_date: None,
            terms: None,
        }
    }

    fn reference(set: &ReferenceSet, split: Option<&SplitDate>) -> JsonHeader {
        JsonHeader {
            verification: if split.is_some() {
                "time-split"
            } else {
                "leave-one-out"
            },
            reference: Some(set.name.clone()),
            split_date: split.map(|s| s.text.clone()),
            terms: Some(DEFAULT_COVARIATES.iter().map(|c| c.name()).collect()),
        }
    }
}

#[derive(Serialize)]
struct JsonDocument<'a, T: Serialize> {
    schema_version: u32,
    flopcast_version: &'static str,
    #[serde(flatten)]
    header: &'a JsonHeader,
    forecasts: &'a [T],
    summary: &'a Summary,
}

fn write_json_and_plots<T: Serialize>(
    outputs: &mut OutputSet,
    opts: &CalibrateOptions,
    header: &JsonHeader,
    rows: &[T],
    summary: &Summary,
    verdicts: &[Verdict],
) -> Result<(), Error> {
    if let Some(path) = &opts.json {
        let doc = JsonDocument {
            schema_version: SCHEMA_VERSION,
            flopcast_version: env!("CARGO_PKG_VERSION"),
            header,
            forecasts: rows,
            summary,
        };
        outputs.write_encoded(path, crate::report::json_bytes(&doc))?;
    }
    if let Some(dir) = &opts.plots {
        let pits: Vec<f64> = verdicts.iter().map(|v| v.pit).collect();
        let what = match header.verification {
            "scenarios" => "published figures against their scenarios",
            "time-split" => "later reference runs, fitted on earlier ones",
            _ => "reference runs, each left out of its fit",
        };
        let histogram = pit_histogram_svg(
            &format!("PIT of {what}"),
            &calibration::pit_counts(&pits, 10),
        );
        outputs.write(&dir.join(PIT_HISTOGRAM_FILE), histogram.as_bytes())?;
        let reliability = reliability_svg(
            &format!("Reliability: {what}"),
            &calibration::reliability(&pits),
            pits.len(),
        );
        outputs.write(&dir.join(RELIABILITY_FILE), reliability.as_bytes())?;
    }
    Ok(())
}

/// The columns every row of either CSV ends with.
const VERDICT_COLUMNS: [&str; 14] = [
    "published",
    "p5",
    "p50",
    "p95",
    "pit",
    "published_over_p50",
    "ln_p50_over_published",
    "inside_50",
    "inside_80",
    "inside_90",
    "beyond_p5_p95",
    "crps_ln",
    "log_score",
    "band",
];

fn verdict_row(v: &Verdict) -> Vec<Cell> {
    let opt = |x: Option<f64>| x.map_or(Cell::Empty, Cell::Number);
    vec![
        Cell::Number(v.published),
        Cell::Number(v.p5),
        Cell::Number(v.p50),
        Cell::Number(v.p95),
        Cell::Number(v.pit),
        opt(v.ratio),
        opt(v.ln_error),
        Cell::Flag(v.inside_50),
        Cell::Flag(v.inside_80),
        Cell::Flag(v.inside_90),
        v.beyond_band().map_or(Cell::Empty, Cell::text),
        opt(v.crps_ln),
        opt(v.log_score),
        Cell::text(v.band()),
    ]
}

/// A CSV whose columns are `first`, the verdict's, then `last`.
fn sheet(
    first: &[&str],
    last: &[&str],
    rows: impl Iterator<Item = Vec<Cell>>,
) -> io::Result<Vec<u8>> {
    let mut sheet = CsvSheet::in_memory();
    let header: Vec<&str> = first
        .iter()
        .chain(&VERDICT_COLUMNS)
        .chain(last)
        .copied()
        .collect();
    sheet.header(&header)?;
    for row in rows {
        sheet.row(&row)?;
    }
    sheet.into_bytes()
}

/// One row per published figure. The scenario name, file and source are the user's text.
fn checks_csv(checks: &[Check]) -> io::Result<Vec<u8>> {
    let first = ["scenario", "file", "metric", "pit_ci95_lo", "pit_ci95_hi"];
    let rows = checks.iter().map(|c| {
        let mut row = vec![
            Cell::text(&c.scenario),
            Cell::text(&c.file),
            Cell::text(c.metric),
            Cell::Number(c.pit_sample.estimate.ci95_lo),
            Cell::Number(c.pit_sample.estimate.ci95_hi),
        ];
        row.extend(verdict_row(&c.verdict));
        row.push(Cell::text(&c.source));
        row
    });
    sheet(&first, &["source"], rows)
}

/// One row per reference run verified; names are the CSV's text.
fn run_checks_csv(checks: &[RunCheck]) -> io::Result<Vec<u8>> {
    let first = [
        "model",
        "organisation",
        "hardware",
        "chips",
        "published_date",
        "line",
        "fitted_on",
        "metric",
    ];
    sheet(
        &first,
        &[],
        checks.iter().map(|c| {
            let mut row = vec![
                Cell::text(&c.model),
                Cell::text(&c.organisation),
                Cell::text(c.hardware),
                Cell::Number(c.chips),
                Cell::text(&c.published_date),
                Cell::Count(c.line as u64),
                Cell::Count(c.fitted_on as u64),
                Cell::text(c.metric),
            ];
            row.extend(verdict_row(&c.verdict));
            row
        }),
    )
}

// Memory ---------------------------------------------------------------------------------------

/// Peak bytes of `flopcast calibrate` with these options: scenarios run one at a time, so the
/// largest of their runs' peaks (see [`memory::run`]); a figure's sorted copy for its CRPS is
/// taken after its summary's scratch is freed, within the same budget. Verifying reference
/// runs simulates nothing.
pub fn peak_bytes(opts: &CalibrateOptions) -> Result<u64, Error> {
    if opts.reference.is_some() {
        return Ok(0);
    }
    Ok(peak(&load_all(&opts.scenarios)?, opts))
}

fn peak(scenarios: &[(&PathBuf, Scenario)], opts: &CalibrateOptions) -> u64 {
    simulated(scenarios, opts)
        .map(|(s, runs)| {
            let metrics = s.options.metrics().len() as u64;
            memory::run(runs, metrics, memory::threads(opts.threads))
        })
        .max()
        .unwrap_or(0)
}

/// The scenarios that have figures to check, with their run counts.
fn simulated<'a>(
    scenarios: &'a [(&PathBuf, Scenario)],
    opts: &'a CalibrateOptions,
) -> impl Iterator<Item = (&'a Scenario, u64)> {
    scenarios
        .iter()
        .filter(|(_, s)| !s.published.is_empty())
        .map(|(_, s)| (s, super::runs_and_seed(s, opts.runs, opts.seed).0))
}

/// Refuses, before the first scenario runs, a calibration whose largest scenario cannot fit;
/// the advice is a --runs every scenario fits with.
fn check_memory(scenarios: &[(&PathBuf, Scenario)], opts: &CalibrateOptions) -> Result<(), Error> {
    let Some((largest, runs)) = simulated(scenarios, opts).max_by_key(|(_, r)| *r) else {
        return Ok(());
    };
    let metrics = simulated(scenarios, opts)
        .map(|(s, _)| s.options.metrics().len() as u64)
        .max()
        .unwrap_or(0);
    memory::check(
        &format!("{runs} runs"),
        peak(scenarios, opts),
        &[memory::Knob {
            flag: memory::Flag::Runs,
            value: runs,
            peak: Box::new(move |r| memory::run(r, metrics, memory::threads(opts.threads))),
        }],
    )
    .map_err(|e| e.with_runs_origin(super::runs_origin(largest, opts.runs)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_dates_are_calendar_dates() {
        assert_eq!(parse_split_date("2024-01-01").unwrap().year, 2024.0);
        for bad in [
            "2024",
            "2024-1-1",
            "2024-13-01",
            "24-01-01",
            "2024/01/01",
            "x",
        ] {
            assert!(parse_split_date(bad).is_err(), "{bad}");
        }
    }

    fn run_at(u: f64) -> ReferenceRun {
        let (params, tokens, peak) = (7e9, 2e12, 989.0);
        ReferenceRun {
            model: "r".into(),
            organisation: String::new(),
            published: Some(2024.0),
            published_text: "2024-01-01".into(),
            params_total: params,
            params_active: params,
            tokens,
            hardware: "H100-SXM",
            peak16_tflops: peak,
            chips: 256.0,
            precision: "bf16".into(),
            training_days: None,
            chip_hours_reported: Some(6.0 * params * tokens / (u * peak * 1e12 * 3600.0)),
            reported_mfu: None,
            hours_include: String::new(),
            source: String::new(),
            line: 2,
        }
    }

    #[test]
    fn chip_hours_are_forecast_through_utilisation() {
        let pred = Predictive {
            location: 0.3f64.ln(),
            scale: 0.25,
            df: 20.0,
        };
        let dist = utilisation_dist(&pred, 1.0).unwrap();
        let run = run_at(0.2);
        let work = run.chip_hours() * 0.2;
        let v = chip_hours_verdict(&run, &pred).unwrap();
        // Slower than forecast: more chip-hours, a PIT above one half.
        assert!((v.pit - (1.0 - dist.cdf(0.2))).abs() < 1e-12 && v.pit > 0.9);
        assert!((v.p5 - work / dist.quantile(0.95)).abs() < 1e-9 * v.p5);
        assert!((v.p95 - work / dist.quantile(0.05)).abs() < 1e-9 * v.p95);
        assert!((v.ln_error.unwrap() - (0.2 / dist.quantile(0.5)).ln()).abs() < 1e-9);
        // The CRPS of ln chip-hours against a sample of ln(work / u) at evenly spaced
        // quantiles of u: the same number, as ln chip-hours is ln u reflected and shifted.
        let n = 20_000;
        let mut sample: Vec<f64> = (0..n)
            .map(|i| (work / dist.quantile((i as f64 + 0.5) / n as f64)).ln())
            .collect();
        sample.sort_by(f64::total_cmp);
        let from_sample = crps_sorted_sample(&sample, run.chip_hours().ln());
        assert!(
            (from_sample - v.crps_ln.unwrap()).abs() < 1e-3,
            "{from_sample} vs {:?}",
            v.crps_ln
        );
        // The log score of ln chip-hours is that of ln u under the t.
        assert!((v.log_score.unwrap() - pred.ln_density(0.2f64.ln())).abs() < 1e-12);
    }

    #[test]
    fn a_sample_verdict_finds_the_known_pit_and_band() {
        // 1..=1000: P5 ≈ 50.95, P50 500.5, P95 ≈ 950.05.
        let column: Vec<f64> = (1..=1000).map(f64::from).collect();
        let v = sample_verdict(&column, 800.5);
        assert_eq!(v.pit, 0.8);
        assert!(!v.inside_50 && v.inside_80 && v.inside_90);
        assert!((v.p50 - 500.5).abs() < 1e-9);
        let far = sample_verdict(&column, 2400.0);
        assert_eq!(far.pit, 1.0);
        assert!(far.beyond_band().unwrap().ends_with("× above P95"));
        // A metric that can be zero has no ln score.
        let zeros = vec![0.0; 10];
        assert_eq!(sample_verdict(&zeros, 0.0).crps_ln, None);
    }
}
