//! `flopcast sweep`: the scenario at each value of one input, or at each point of a grid over
//! two, on common random numbers: every point draws the same values for every other input, so
//! neighbouring points differ only by what was swept.

use std::path::PathBuf;

use crate::error::Error;
use crate::output::OutputSet;
use crate::report::sweep::{SweepPoint, SweepReport, fan_charts, fan_file, render_sweep};
use crate::report::{CsvExporter, Exporter, Goals, JsonExporter, RunReport};
use crate::sample::SamplingPlan;
use crate::scenario::{Override, Scenario};
use crate::simulate::simulate;

#[derive(Debug, Clone, Default)]
pub struct SweepOptions {
    pub scenario: PathBuf,
    /// One or two inputs with their values.
    pub sets: Vec<Override>,
    pub runs: Option<u64>,
    pub seed: Option<u64>,
    pub threads: usize,
    pub percentiles: Option<Vec<f64>>,
    pub budget_usd: Option<f64>,
    pub deadline_days: Option<f64>,
    pub csv: Option<PathBuf>,
    pub json: Option<PathBuf>,
    pub plots: Option<PathBuf>,
}

pub struct SweepOutcome {
    pub report: SweepReport,
    pub text: String,
}

pub fn sweep(opts: &SweepOptions) -> Result<SweepOutcome, Error> {
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
    let (runs, seed) = super::runs_and_seed(&base, opts.runs, opts.seed);
    let mut outputs = OutputSet::new(&[&opts.scenario]);
    outputs.file("--csv", opts.csv.as_deref())?;
    outputs.file("--json", opts.json.as_deref())?;
    let charts: Vec<String> = base.options.metrics().into_iter().map(fan_file).collect();
    outputs.dir("--plots", opts.plots.as_deref(), &charts)?;
    super::check_memory(runs, base.options, 1)?;
    // Every point is read and checked before the first is simulated.
    let grid = grid(&base, &opts.sets)?;
    let percentiles = opts
        .percentiles
        .clone()
        .unwrap_or(super::run::DEFAULT_PERCENTILES.to_vec());
    let goals = Goals {
        budget_usd: opts.budget_usd,
        deadline_days: opts.deadline_days,
    };
    let file = opts.scenario.display().to_string();
    let points = super::with_threads(opts.threads, || {
        grid.into_iter()
            .map(|(values, scenario)| {
                let plan = SamplingPlan::new(&scenario, runs, seed);
                let sim = simulate(&plan, scenario.options, &|_| {});
                sim.ensure_finite()?;
                Ok(SweepPoint {
                    values,
                    report: RunReport::new(&scenario.name, &file, &sim, &percentiles, &goals),
                })
            })
            .collect::<Result<Vec<_>, Error>>()
    })??;
    let report = SweepReport {
        scenario_name: base.name.clone(),
        scenario_file: file,
        keys: opts.sets.iter().map(|s| s.input).collect(),
        runs,
        seed,
        percentiles,
        points,
    };
    if let Some(path) = &opts.csv {
        outputs.write(path, &CsvExporter.export(&report))?;
    }
    if let Some(path) = &opts.json {
        outputs.write(path, &JsonExporter.export(&report))?;
    }
    if let Some(dir) = &opts.plots {
        for (name, svg) in fan_charts(&report) {
            outputs.write(&dir.join(name), svg.as_bytes())?;
        }
    }
    outputs.commit()?;
    Ok(SweepOutcome {
        text: render_sweep(&report),
        report,
    })
}

/// Every combination of the set values (the first key varies slowest), as scenarios.
fn grid(base: &Scenario, sets: &[Override]) -> Result<Vec<(Vec<String>, Scenario)>, Error> {
    let mut points = vec![(Vec::new(), base.clone())];
    for set in sets {
        let mut next = Vec::with_capacity(points.len() * set.values.len());
        for (values, scenario) in &points {
            for v in &set.values {
                let mut values = values.clone();
                values.push(v.clone());
                next.push((values, scenario.with_value(set.input, v)?));
            }
        }
        points = next;
    }
    Ok(points)
}
