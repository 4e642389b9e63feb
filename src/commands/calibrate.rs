//! `flopcast calibrate`: where each figure a real run published falls in the scenario's band.
//! A forecast whose published outcomes keep landing outside P5–P95 is overconfident or biased.

use std::path::PathBuf;

use serde::Serialize;

use crate::error::Error;
use crate::memory;
use crate::output::OutputSet;
use crate::report::{Cell, CsvSheet, group_thousands, human, printable};
use crate::sample::SamplingPlan;
use crate::scenario::Scenario;
use crate::simulate::simulate;
use crate::stats::{self, Probability};

#[derive(Debug, Clone, Default)]
pub struct CalibrateOptions {
    pub scenarios: Vec<PathBuf>,
    pub runs: Option<u64>,
    pub seed: Option<u64>,
    pub threads: usize,
    pub csv: Option<PathBuf>,
}

/// One published figure against its scenario's band.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub scenario: String,
    pub file: String,
    pub metric: &'static str,
    pub published: f64,
    /// Percent of runs at or below the published figure.
    pub percentile: f64,
    pub percentile_ci95_lo: f64,
    pub percentile_ci95_hi: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
    pub inside_p5_p95: bool,
    pub source: String,
}

pub struct CalibrateOutcome {
    pub checks: Vec<Check>,
    pub text: String,
}

pub fn calibrate(opts: &CalibrateOptions) -> Result<CalibrateOutcome, Error> {
    let inputs: Vec<&std::path::Path> = opts.scenarios.iter().map(PathBuf::as_path).collect();
    let mut outputs = OutputSet::new(&inputs);
    outputs.file("--csv", opts.csv.as_deref())?;
    let scenarios = load_all(&opts.scenarios)?;
    check_memory(&scenarios, opts)?;
    let mut checks = Vec::new();
    let mut text = String::new();
    for (path, scenario) in &scenarios {
        let (runs, seed) = super::runs_and_seed(scenario, opts.runs, opts.seed);
        if scenario.published.is_empty() {
            text.push_str(&format!(
                "{}: no [[published]] figures to check\n\n",
                printable(&path.display().to_string())
            ));
            continue;
        }
        let sim = super::with_threads(opts.threads, || {
            simulate(
                &SamplingPlan::new(scenario, runs, seed),
                scenario.options,
                &|_| {},
            )
        })?;
        sim.ensure_finite()?;
        text.push_str(&format!(
            "{} ({})\n{} runs, seed {}\n",
            printable(&scenario.name),
            printable(&path.display().to_string()),
            group_thousands(runs),
            seed
        ));
        for p in &scenario.published {
            let column = sim.column(p.metric);
            let below = stats::count_pairs(column, column, |x, _| x <= p.value);
            let share = Probability::from_count(below, runs);
            let band = stats::summarize(column, &[5.0, 50.0, 95.0]).percentiles;
            let check = Check {
                scenario: scenario.name.clone(),
                file: path.display().to_string(),
                metric: p.metric.name(),
                published: p.value,
                percentile: 100.0 * share.p,
                percentile_ci95_lo: 100.0 * share.ci95_lo,
                percentile_ci95_hi: 100.0 * share.ci95_hi,
                p5: band[0].value,
                p50: band[1].value,
                p95: band[2].value,
                inside_p5_p95: band[0].value <= p.value && p.value <= band[2].value,
                source: p.source.clone(),
            };
            let u = p.metric.unit();
            text.push_str(&format!(
                "  {} published {} falls at P{:.1} of the band (P5 {}, P50 {}, P95 {}): {}\n",
                check.metric,
                human(u, check.published),
                check.percentile,
                human(u, check.p5),
                human(u, check.p50),
                human(u, check.p95),
                if check.inside_p5_p95 {
                    "inside P5–P95"
                } else {
                    "OUTSIDE P5–P95"
                }
            ));
            if !check.source.is_empty() {
                text.push_str(&format!("    source: {}\n", printable(&check.source)));
            }
            checks.push(check);
        }
        text.push('\n');
    }
    let inside = checks.iter().filter(|c| c.inside_p5_p95).count();
    text.push_str(&format!(
        "{inside} of {} published figures inside their P5–P95 band\n",
        checks.len()
    ));
    if let Some(path) = &opts.csv {
        outputs.write(path, &checks_csv(&checks))?;
    }
    outputs.commit()?;
    Ok(CalibrateOutcome { checks, text })
}

fn load_all(paths: &[PathBuf]) -> Result<Vec<(&PathBuf, Scenario)>, Error> {
    paths.iter().map(|p| Ok((p, Scenario::load(p)?))).collect()
}

/// Peak bytes of `flopcast calibrate` with these options: scenarios run one at a time, so the
/// largest of their runs' peaks (see [`memory::run`]).
pub fn peak_bytes(opts: &CalibrateOptions) -> Result<u64, Error> {
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

/// One row per published figure. The scenario name, file and source are the user's text.
fn checks_csv(checks: &[Check]) -> Vec<u8> {
    let mut sheet = CsvSheet::in_memory();
    sheet.header(&CSV_COLUMNS).expect("writing to memory");
    for c in checks {
        sheet
            .row(&[
                Cell::text(&c.scenario),
                Cell::text(&c.file),
                Cell::text(c.metric),
                Cell::Number(c.published),
                Cell::Number(c.percentile),
                Cell::Number(c.percentile_ci95_lo),
                Cell::Number(c.percentile_ci95_hi),
                Cell::Number(c.p5),
                Cell::Number(c.p50),
                Cell::Number(c.p95),
                Cell::Flag(c.inside_p5_p95),
                Cell::text(&c.source),
            ])
            .expect("writing to memory");
    }
    sheet.into_bytes()
}

const CSV_COLUMNS: [&str; 12] = [
    "scenario",
    "file",
    "metric",
    "published",
    "percentile",
    "percentile_ci95_lo",
    "percentile_ci95_hi",
    "p5",
    "p50",
    "p95",
    "inside_p5_p95",
    "source",
];
