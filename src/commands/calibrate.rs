//! `flopcast calibrate`: forecast verification. Either each scenario's band against the figures
//! its real run published (`[[published]]`), or the fitted utilisation prior against the
//! reference runs themselves, out of sample: each run forecast by a fit without it
//! (`--leave-one-out`), or later runs by a fit on earlier ones (`--split-date`).
//!
//! A forecast whose published outcomes keep landing outside P5–P95 is overconfident or biased;
//! the summary says which, and how wide the bands were (a band can be honest by being useless).

use std::path::{Path, PathBuf};

use super::Sampling;
use super::progress::Progress;
use crate::analyze::calibration::{self, LnCrps, Verdict, crps_from_cdf, summarise};
use crate::chart::calibration::{pit_histogram_svg, reliability_svg};
use crate::error::Error;
use crate::memory;
use crate::output::{Exports, OutputSet, TableFiles};
use crate::prior::fit::Predictive;
use crate::prior::reference::{DEFAULT_COVARIATES, Facts, UtilisationPrior, utilisation_dist};
use crate::prior::runs::{ReferenceRun, ReferenceSet, fractional_year};
use crate::report::AsDocument;
use crate::report::calibration::{
    CalibrationReport, Check, ReferenceChecks, RunCheck, ScenarioChecks, Split, Verification,
};
use crate::sample::SamplingPlan;
use crate::scenario::Scenario;
use crate::simulate::Single;
use crate::stats::Probability;
use crate::stats::stream::{Event, Test, Tuning, stream};

/// Chart files `--plots` writes.
pub const PIT_HISTOGRAM_FILE: &str = "pit_histogram.svg";
pub const RELIABILITY_FILE: &str = "reliability.svg";

/// Fewest runs a time split verifies on: the coverage of a 50% band over fewer says nothing.
pub const MIN_VERIFIED_RUNS: usize = 5;

#[derive(Debug, Clone, Default)]
pub struct CalibrateOptions {
    pub scenarios: Vec<PathBuf>,
    pub sampling: Sampling,
    pub tables: TableFiles,
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

pub struct CalibrateOutcome {
    pub report: CalibrationReport,
    pub text: String,
}

pub fn calibrate(opts: &CalibrateOptions) -> Result<CalibrateOutcome, Error> {
    match &opts.reference {
        Some(check) => verify_reference(opts, check),
        None => verify_scenarios(opts),
    }
}

fn declare_outputs(
    outputs: &mut OutputSet,
    opts: &CalibrateOptions,
) -> Result<Exports<'static, CalibrationReport>, Error> {
    let exports = Exports::tables(outputs, &opts.tables)?;
    outputs.dir(
        "--plots",
        opts.plots.as_deref(),
        &[PIT_HISTOGRAM_FILE.into(), RELIABILITY_FILE.into()],
    )?;
    Ok(exports)
}

/// Summarises the verdicts, then writes every file asked for and the text.
fn finish(
    mut outputs: OutputSet,
    exports: &Exports<CalibrationReport>,
    opts: &CalibrateOptions,
    verification: Verification,
) -> Result<CalibrateOutcome, Error> {
    let verdicts = verification.verdicts();
    let report = CalibrationReport {
        summary: summarise(&verdicts),
        verification,
    };
    exports.write(&mut outputs, &report)?;
    if let Some(dir) = &opts.plots {
        write_plots(&mut outputs, dir, &report, &verdicts)?;
    }
    outputs.commit()?;
    let text = report.to_text();
    Ok(CalibrateOutcome { report, text })
}

// Scenarios ------------------------------------------------------------------------------------

fn verify_scenarios(opts: &CalibrateOptions) -> Result<CalibrateOutcome, Error> {
    let inputs: Vec<&Path> = opts.scenarios.iter().map(PathBuf::as_path).collect();
    let mut outputs = OutputSet::new(&inputs);
    let exports = declare_outputs(&mut outputs, opts)?;
    let scenarios = load_all(&opts.scenarios)?;
    check_memory(&scenarios, opts)?;
    let mut sections = Vec::new();
    for (path, scenario) in &scenarios {
        let (runs, seed) = super::runs_and_seed(scenario, opts.sampling.runs, opts.sampling.seed);
        sections.push(ScenarioChecks {
            name: scenario.name.clone(),
            file: path.display().to_string(),
            runs,
            seed,
            checks: check_scenario(path, scenario, opts)?,
        });
    }
    finish(outputs, &exports, opts, Verification::Scenarios(sections))
}

fn check_scenario(
    path: &Path,
    scenario: &Scenario,
    opts: &CalibrateOptions,
) -> Result<Vec<Check>, Error> {
    if scenario.published.is_empty() {
        return Ok(Vec::new());
    }
    let (runs, seed) = super::runs_and_seed(scenario, opts.sampling.runs, opts.sampling.seed);
    let progress = Progress::new(runs, opts.progress, "runs");
    progress.say(scenario.name.clone());
    let plan = SamplingPlan::new(scenario, runs, seed);
    let verdicts = super::with_threads(opts.sampling.threads, || {
        streamed_verdicts(scenario, &plan, &|n| progress.advance(n))
    })??;
    progress.finish();
    let checks = scenario
        .published
        .iter()
        .zip(verdicts)
        .map(|(p, (pit_sample, verdict))| Check {
            scenario: scenario.name.clone(),
            file: path.display().to_string(),
            metric: p.metric.name(),
            pit_sample,
            verdict,
            source: p.source.clone(),
        })
        .collect();
    Ok(checks)
}

/// The percentiles of a sample verdict's band.
const BAND: [f64; 3] = [5.0, 50.0, 95.0];

/// Each figure's CRPS of ln gathered from its column in one more pass over the runs (none
/// when no figure is scored).
fn gather_crps<S: crate::simulate::Source>(
    s: &mut crate::stats::stream::Streamed<S>,
    empty: Vec<(usize, Option<LnCrps>)>,
) -> Vec<(usize, Option<LnCrps>)> {
    let mut whole = empty.clone();
    if whole.iter().all(|(_, c)| c.is_none()) {
        return whole;
    }
    s.again(
        || empty.clone(),
        |parts, c| {
            for (i, part) in parts.iter_mut() {
                if let Some(part) = part {
                    part.add(c.values[*i]);
                }
            }
        },
        |parts| {
            for ((_, w), (_, p)) in whole.iter_mut().zip(parts) {
                if let (Some(w), Some(p)) = (w.as_mut(), p) {
                    w.merge(&p);
                }
            }
        },
    );
    whole
}

/// Each published figure's share of runs at or below it and its verdict (bands as `run`
/// reports them, PIT, CRPS of ln), from the runs reduced as they are drawn: the band and the
/// PIT exactly as a stored sample gives them, the CRPS within [`LnCrps`]'s bound (under 1e-5
/// for the bundled scenarios), in one more pass.
fn streamed_verdicts(
    scenario: &Scenario,
    plan: &SamplingPlan,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<(Probability, Verdict)>, Error> {
    let source = Single::new(plan, scenario.options);
    let column = |m| {
        let i = source.column(m);
        i.expect("a published figure names an output of its scenario")
    };
    let events: Vec<Event> = scenario
        .published
        .iter()
        .flat_map(|p| {
            let c = column(p.metric);
            [
                vec![Test::AtMost(c, p.value)],
                vec![Test::AtMost(c, p.value.next_down())],
            ]
        })
        .collect();
    let mut s = stream(&source, progress, &BAND, &events, Tuning::default());
    s.ensure_finite()?;
    let scored: Vec<(usize, Option<LnCrps>)> = scenario
        .published
        .iter()
        .map(|p| {
            (
                column(p.metric),
                LnCrps::new(s.extent(column(p.metric)), p.value),
            )
        })
        .collect();
    let mut crps = gather_crps(&mut s, scored);
    // A score whose bound is wider than a tenth of its Monte Carlo error (a far outlier
    // stretching every bin) is gathered again over bins split where the runs crowd.
    let again: Vec<(usize, Option<LnCrps>)> = crps
        .iter()
        .map(|(i, c)| {
            let loose = c.as_ref().filter(|c| c.finish().1 > c.tolerance());
            (*i, loose.map(LnCrps::refined))
        })
        .collect();
    if again.iter().any(|(_, c)| c.is_some()) {
        let refined = gather_crps(&mut s, again);
        for (whole, (_, better)) in crps.iter_mut().zip(refined) {
            if better.is_some() {
                whole.1 = better;
            }
        }
    }
    let verdicts = scenario
        .published
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let band = s.summary(column(p.metric), &BAND).percentiles;
            let at_or_below = s.chance(2 * k);
            let below = s.chance(2 * k + 1).hits;
            let pit = (below + at_or_below.hits) as f64 / (2 * s.runs()) as f64;
            let mut v = Verdict::new(
                p.value,
                std::array::from_fn(|j| band[j].estimate.value),
                pit,
            );
            v.crps_ln = crps[k].1.as_ref().map(|c| c.finish().0);
            (at_or_below, v)
        })
        .collect();
    Ok(verdicts)
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
    let exports = declare_outputs(&mut outputs, opts)?;
    let set = match &check.file {
        Some(path) => ReferenceSet::load(path)?,
        None => ReferenceSet::bundled().clone(),
    };
    let (checks, split) = match &check.split {
        Some(split) => time_split(&set, split)?,
        None => (leave_one_out(&set)?, None),
    };
    let reference = ReferenceChecks {
        set_name: set.name.clone(),
        terms: DEFAULT_COVARIATES.iter().map(|c| c.name()).collect(),
        split,
        checks,
    };
    finish(outputs, &exports, opts, Verification::Reference(reference))
}

/// Each run forecast by a fit on all runs but those of its name (a run listed twice must not
/// vouch for itself).
fn leave_one_out(set: &ReferenceSet) -> Result<Vec<RunCheck>, Error> {
    if let Some(run) = set.runs.iter().find(|r| r.published.is_none()) {
        return Err(Error::Runtime(format!(
            "{}: {} (line {}) has no `published` date, which the prior's year term needs; add the date or remove the row",
            set.name, run.model, run.line
        )));
    }
    set.runs
        .iter()
        .map(|run| {
            let rest = set
                .without(std::slice::from_ref(&run.model))
                .map_err(Error::Runtime)?;
            let prior = fit(&rest, "leave one out of")?;
            run_check(run, &prior)
        })
        .collect()
}

fn time_split(
    set: &ReferenceSet,
    split: &SplitDate,
) -> Result<(Vec<RunCheck>, Option<Split>), Error> {
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
    let split = Split {
        date: split.text.clone(),
        fitted_on: train.runs.len(),
    };
    Ok((checks, Some(split)))
}

fn fit(set: &ReferenceSet, doing: &str) -> Result<UtilisationPrior, Error> {
    UtilisationPrior::fit(set, DEFAULT_COVARIATES)
        .map_err(|e| Error::Runtime(format!("cannot {doing} {}: {e}", set.name)))
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

// Files ----------------------------------------------------------------------------------------

fn write_plots(
    outputs: &mut OutputSet,
    dir: &Path,
    report: &CalibrationReport,
    verdicts: &[Verdict],
) -> Result<(), Error> {
    let pits: Vec<f64> = verdicts.iter().map(|v| v.pit).collect();
    let what = report.verification.describe();
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
    outputs.write(&dir.join(RELIABILITY_FILE), reliability.as_bytes())
}

// Memory ---------------------------------------------------------------------------------------

/// Peak bytes of `flopcast calibrate` with these options: scenarios run one at a time, so the
/// largest of their peaks (`scenario_peak`). Verifying reference runs simulates nothing.
pub fn peak_bytes(opts: &CalibrateOptions) -> Result<u64, Error> {
    if opts.reference.is_some() {
        return Ok(0);
    }
    Ok(peak(&load_all(&opts.scenarios)?, opts))
}

fn peak(scenarios: &[(&PathBuf, Scenario)], opts: &CalibrateOptions) -> u64 {
    simulated(scenarios, opts)
        .map(|(s, runs)| scenario_peak(s, runs))
        .max()
        .unwrap_or(0)
}

/// One scenario's runs reduced as they are drawn, keeping values around the band's
/// percentiles ([`memory::streamed`]), then the CRPS passes: per chunk at once, the bins of
/// every published figure (a count and a sum each), refined at most into as many again plus
/// [`LnCrps::REFINED_PARTS`], beside the first pass's gatherings.
fn scenario_peak(scenario: &Scenario, runs: u64) -> u64 {
    let metrics = scenario.options.metrics().len() as u64;
    let figures = scenario.published.len() as u64;
    let bins = 2 * LnCrps::BINS as u64 + LnCrps::REFINED_PARTS;
    let crps = figures * bins * 16;
    memory::streamed(runs, metrics, &BAND, 1)
        .saturating_add(memory::pass_states(runs, crps))
        .saturating_add(crps)
}

/// The scenarios that have figures to check, with their run counts.
fn simulated<'a>(
    scenarios: &'a [(&PathBuf, Scenario)],
    opts: &'a CalibrateOptions,
) -> impl Iterator<Item = (&'a Scenario, u64)> {
    scenarios
        .iter()
        .filter(|(_, s)| !s.published.is_empty())
        .map(|(_, s)| {
            (
                s,
                super::runs_and_seed(s, opts.sampling.runs, opts.sampling.seed).0,
            )
        })
}

/// Refuses, before the first scenario runs, a calibration whose largest scenario cannot fit;
/// the advice is a --runs every scenario fits with.
fn check_memory(scenarios: &[(&PathBuf, Scenario)], opts: &CalibrateOptions) -> Result<(), Error> {
    let Some((largest, runs)) = simulated(scenarios, opts).max_by_key(|(_, r)| *r) else {
        return Ok(());
    };
    let all: Vec<&Scenario> = simulated(scenarios, opts).map(|(s, _)| s).collect();
    memory::check(
        &format!("{runs} runs"),
        peak(scenarios, opts),
        &[memory::Knob {
            flag: memory::Flag::Runs,
            value: runs,
            peak: Box::new(move |r| all.iter().map(|s| scenario_peak(s, r)).max().unwrap_or(0)),
        }],
    )
    .map_err(|e| e.with_runs_origin(super::runs_origin(largest, opts.sampling.runs)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::calibration::{crps_sorted_sample, sample_pit};
    use crate::simulate::simulate;
    use crate::stats;

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

    /// The verdict of a stored sample, as flopcast gave it before it streamed: bands as
    /// `run` reports them, PIT and CRPS from a sorted copy.
    fn stored_verdict(column: &[f64], published: f64) -> Verdict {
        let band = stats::summarize(column, &BAND).percentiles;
        let mut sorted = column.to_vec();
        sorted.sort_unstable_by(f64::total_cmp);
        let band = std::array::from_fn(|j| band[j].estimate.value);
        let mut v = Verdict::new(published, band, sample_pit(&sorted, published));
        if published > 0.0 && sorted[0] > 0.0 {
            sorted.iter_mut().for_each(|x| *x = x.ln());
            v.crps_ln = Some(crps_sorted_sample(&sorted, published.ln()));
        }
        v
    }

    #[test]
    fn streamed_verdicts_are_the_stored_samples() {
        for file in [
            "scenarios/llama-3.1-405b.toml",
            "scenarios/deepseek-v3.toml",
        ] {
            let mut scenario = Scenario::load(Path::new(file)).unwrap();
            // A figure on a run's value, one beyond every run, and one of a metric that can
            // be zero, besides the published ones.
            let plan = SamplingPlan::new(&scenario, 300_000, 9);
            let sim = simulate(&plan, scenario.options, &|_| {});
            let mut extra = scenario.published[0].clone();
            extra.value = sim.column(extra.metric)[1234];
            scenario.published.push(extra.clone());
            extra.value *= 1e3;
            scenario.published.push(extra.clone());
            extra.metric = crate::model::Metric::LaborCostUsd;
            scenario.published.push(extra);
            let streamed = streamed_verdicts(&scenario, &plan, &|_| {}).unwrap();
            for (p, (share, v)) in scenario.published.iter().zip(streamed) {
                let column = sim.column(p.metric);
                let stored = stored_verdict(column, p.value);
                let below = column.iter().filter(|&&x| x <= p.value).count() as u64;
                assert_eq!(share, Probability::from_count(below, 300_000));
                let (crps, stored_crps) = (v.crps_ln, stored.crps_ln);
                assert_eq!(
                    Verdict { crps_ln: None, ..v },
                    Verdict {
                        crps_ln: None,
                        ..stored
                    },
                    "{file} {}",
                    p.metric.name()
                );
                match (crps, stored_crps) {
                    (Some(a), Some(b)) => assert!((a - b).abs() < 1e-5 * b.max(0.01), "{a} vs {b}"),
                    (a, b) => assert_eq!(a, b),
                }
            }
        }
    }
}
