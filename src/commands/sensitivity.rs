//! `flopcast sensitivity`: which inputs drive an output, by four complementary measures:
//! Sobol indices (variance-based, global), rank correlation (@RISK/Crystal Ball style),
//! one-at-a-time swings (the tornado), and tail sensitivity against a budget or deadline.

use std::path::PathBuf;
use std::sync::Arc;

use super::progress::Progress;
use crate::analyze::drivers::{Drivers, Goal, KEEP_BYTES, QUARTILES, drivers};
use crate::analyze::rank::spearman_sq_shares;
use crate::analyze::sobol;
use crate::analyze::tornado::{Swing, swings};
use crate::error::{Error, Unsound};
use crate::memory::{self, Flag, Knob, SensitivityPlan};
use crate::model::{self, Input, Metric, Outputs};
use crate::output::{Exports, OutputSet, TableFiles};
use crate::report::sensitivity::{
    InputSensitivity, Pinned, SensitivityChart, SensitivityReport, TailSummary, sensitivity_charts,
};
use crate::report::{AsDocument, Goals, group_thousands};
use crate::sample::SamplingPlan;
use crate::sample::saltelli::{PointSet, SaltelliPlan};
use crate::scenario::Scenario;
use crate::simulate::Single;
use crate::stats::stream::{MEDIAN, Tuning, stream};
use crate::study::ScenarioFunction;

pub const DEFAULT_SENSITIVITY_RUNS: u64 = 200_000;
pub const DEFAULT_SOBOL_N: usize = 1 << 15;
pub const DEFAULT_BOOTSTRAP: usize = 200;

#[derive(Debug, Clone)]
pub struct SensitivityOptions {
    pub scenario: PathBuf,
    pub metric: Metric,
    pub runs: u64,
    pub sobol_n: usize,
    pub bootstrap: usize,
    pub points: PointSet,
    pub seed: Option<u64>,
    pub threads: usize,
    /// What drives P(total cost > budget) and P(train days > deadline).
    pub goals: Goals,
    pub tables: TableFiles,
    pub plots: Option<PathBuf>,
    pub progress: bool,
}

impl SensitivityOptions {
    pub fn new(scenario: PathBuf) -> Self {
        SensitivityOptions {
            scenario,
            metric: Metric::TotalCostUsd,
            runs: DEFAULT_SENSITIVITY_RUNS,
            sobol_n: DEFAULT_SOBOL_N,
            bootstrap: DEFAULT_BOOTSTRAP,
            points: PointSet::Sobol,
            seed: None,
            threads: 0,
            goals: Goals::default(),
            tables: TableFiles::default(),
            plots: None,
            progress: false,
        }
    }
}

pub struct SensitivityOutcome {
    pub report: SensitivityReport,
    pub text: String,
}

pub fn sensitivity(opts: &SensitivityOptions) -> Result<SensitivityOutcome, Error> {
    let scenario = Scenario::load(&opts.scenario)?;
    let opts = &SensitivityOptions {
        goals: super::resolve_goals(opts.goals, &scenario)?,
        ..opts.clone()
    };
    let mut outputs = OutputSet::new(&scenario.input_files());
    let exports = Exports::tables(&mut outputs, &opts.tables)?;
    let charts: Vec<String> = SensitivityChart::ALL
        .iter()
        .map(|c| c.file_name().to_string())
        .collect();
    outputs.dir("--plots", opts.plots.as_deref(), &charts)?;
    check_analysable(&scenario, opts.metric)?;
    check_memory(memory_plan(&scenario, opts))?;
    let report = analyse(&scenario, opts)?;
    exports.write(&mut outputs, &report)?;
    if let Some(dir) = &opts.plots {
        for (chart, svg) in sensitivity_charts(&report) {
            outputs.write(&dir.join(chart.file_name()), svg.as_bytes())?;
        }
    }
    outputs.commit()?;
    Ok(SensitivityOutcome {
        text: report.to_text(),
        report,
    })
}

/// The study of a loaded scenario, whose memory the caller has checked. `opts.scenario` is
/// not read again.
pub fn analyse(scenario: &Scenario, opts: &SensitivityOptions) -> Result<SensitivityReport, Error> {
    check_analysable(scenario, opts.metric)?;
    let f = ScenarioFunction::new(scenario);
    let (_, seed) = super::runs_and_seed(scenario, None, opts.seed);
    super::with_threads(opts.threads, || study(scenario, &f, opts, seed))?
}

/// Refuses a scenario with nothing uncertain, or without the output asked for.
fn check_analysable(scenario: &Scenario, metric: Metric) -> Result<(), Error> {
    if scenario.uncertain_inputs().next().is_none() {
        return Err(Error::Runtime(format!(
            "{}: every input is a point value, so there is nothing to analyse; \
             make at least one input a distribution",
            scenario.path.display()
        )));
    }
    let metrics = scenario.options.metrics();
    if !metrics.contains(&metric) {
        let names: Vec<&str> = metrics.iter().map(|m| m.name()).collect();
        return Err(Error::Runtime(format!(
            "{} has no output `{}`; it has: {}",
            scenario.path.display(),
            metric.name(),
            names.join(", ")
        )));
    }
    Ok(())
}

fn study(
    scenario: &Scenario,
    f: &ScenarioFunction,
    opts: &SensitivityOptions,
    seed: u64,
) -> Result<SensitivityReport, Error> {
    let metric = opts.metric;
    let plan = SamplingPlan::new(scenario, opts.runs, seed);
    let progress = Progress::new(opts.runs, opts.progress, "runs");
    let found = drivers_of(scenario, f, &plan, opts, &progress)?;
    progress.stage(&format!(
        "Sobol study: {} model evaluations",
        group_thousands((opts.sobol_n * (f.inputs().len() + 2)) as u64)
    ));
    let (low, base, high) = (f.at_quantile(0.1), f.at_quantile(0.5), f.at_quantile(0.9));
    let tornado = swings(&base, &low, &high, |x| f.at_values(x)[metric.index()]);
    let sobol_by_metric = sobol_study(scenario, f, opts, seed)?;
    progress.finish();

    let shares = spearman_sq_shares(&found.drivers.spearman);
    let mut rows: Vec<InputSensitivity> = f
        .inputs()
        .iter()
        .enumerate()
        .map(|(i, &input)| {
            let tail = |g: Option<usize>| g.and_then(|g| found.drivers.tails[i][g]);
            InputSensitivity {
                input,
                input_p10: low[i],
                input_p90: high[i],
                sobol: sobol_by_metric[metric.index()][i],
                spearman: found.drivers.spearman[i],
                spearman_sq_share: shares[i],
                // Pinning the luck of the failure process compares two arbitrary random
                // seeds: no swing to show.
                tornado: if input == Input::FailureLuck {
                    Swing::undefined()
                } else {
                    tornado[i]
                },
                pinned_p10: if input == Input::FailureLuck {
                    Pinned::undefined()
                } else {
                    pinned(scenario, &plan, input, low[i], metric)
                },
                pinned_p90: if input == Input::FailureLuck {
                    Pinned::undefined()
                } else {
                    pinned(scenario, &plan, input, high[i], metric)
                },
                tail_budget: tail(found.budget),
                tail_deadline: tail(found.deadline),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.sobol
            .st
            .value
            .total_cmp(&a.sobol.st.value)
            .then(b.tornado.width().total_cmp(&a.tornado.width()))
    });
    let summary = |limit: Option<f64>, g: Option<usize>| {
        limit.zip(g).map(|(limit, g)| TailSummary {
            limit,
            p_exceed: found.drivers.exceeding[g] as f64 / opts.runs as f64,
        })
    };
    Ok(SensitivityReport {
        scenario_name: scenario.name.clone(),
        scenario_file: opts.scenario.display().to_string(),
        output: metric,
        runs: opts.runs,
        seed,
        sobol_n: opts.sobol_n,
        points: opts.points,
        bootstrap: opts.bootstrap,
        leaders: scenario
            .options
            .metrics()
            .iter()
            .map(|&m| {
                let (i, st) = sobol_by_metric[m.index()]
                    .iter()
                    .map(|s| s.st.value)
                    .enumerate()
                    .max_by(|a, b| a.1.total_cmp(&b.1))
                    .expect("at least one input");
                (m, (st > 0.0).then_some((f.inputs()[i], st)))
            })
            .collect(),
        correlated: !scenario.correlations.is_empty(),
        base_output: f.at_values(&base)[metric.index()],
        budget: summary(opts.goals.budget_usd, found.budget),
        deadline: summary(opts.goals.deadline_days, found.deadline),
        rows,
    })
}

/// The rank correlations and tail measures of the plan's runs, and which of the drivers'
/// goals are the budget and the deadline.
struct Found {
    drivers: Drivers,
    budget: Option<usize>,
    deadline: Option<usize>,
}

/// Streams the plan's runs with every uncertain input's draws beside the outputs, and finds
/// what drives `opts.metric` and the chances of missing the goals, in passes over them.
fn drivers_of(
    scenario: &Scenario,
    f: &ScenarioFunction,
    plan: &SamplingPlan,
    opts: &SensitivityOptions,
    progress: &Progress,
) -> Result<Found, Error> {
    let source = Single::new(plan, scenario.options).tracing(f.inputs());
    let mut s = stream(
        &source,
        &|n| progress.advance(n),
        &QUARTILES,
        &[],
        Tuning::default(),
    );
    s.ensure_finite()?;
    let column = |m| source.column(m).expect("every scenario has it");
    let mut goals = Vec::new();
    let mut goal = |limit: Option<f64>, m: Metric| {
        limit.map(|limit| {
            goals.push(Goal {
                column: column(m),
                limit,
            });
            goals.len() - 1
        })
    };
    let budget = goal(opts.goals.budget_usd, Metric::TotalCostUsd);
    let deadline = goal(opts.goals.deadline_days, Metric::TrainDays);
    let inputs: Vec<usize> = (0..f.inputs().len())
        .map(|k| source.input_column(k))
        .collect();
    let output = source.column(opts.metric);
    let output = output.expect("the output was checked to be the scenario's");
    Ok(Found {
        drivers: drivers(&mut s, output, &inputs, &goals, KEEP_BYTES),
        budget,
        deadline,
    })
}

/// Sobol indices of every input for each of the scenario's outputs (indexed by [`Metric`];
/// empty for metrics it does not produce), from one set of model evaluations.
fn sobol_study(
    scenario: &Scenario,
    f: &ScenarioFunction,
    opts: &SensitivityOptions,
    seed: u64,
) -> Result<Vec<Vec<sobol::SobolIndex>>, Error> {
    let metrics = scenario.options.metrics();
    let plan = SaltelliPlan::new(opts.sobol_n, f.inputs().len(), opts.points, seed);
    let evaluations = sobol::evaluate(&plan, metrics.len(), |u, y| {
        let out: Outputs = f.at_unit_point(u);
        for (slot, m) in y.iter_mut().zip(&metrics) {
            // An unsound evaluation is marked, to be found and explained below.
            *slot = if model::sound(&out, &metrics) {
                out[m.index()]
            } else {
                f64::NAN
            };
        }
    });
    let unsound = evaluations[0]
        .fa
        .iter()
        .chain(&evaluations[0].fb)
        .chain(evaluations[0].fab.iter().flatten())
        .filter(|v| v.is_nan())
        .count();
    if unsound > 0 {
        return Err(first_unsound_point(scenario, f, &plan, unsound));
    }
    let indices = sobol::indices_of_every_output(&evaluations, opts.bootstrap, seed);
    let mut by_metric = vec![Vec::new(); Metric::COUNT];
    for (m, i) in metrics.iter().zip(indices) {
        by_metric[m.index()] = i;
    }
    Ok(by_metric)
}

/// Explains the first evaluation of the Sobol design, in design order, whose arithmetic fails.
fn first_unsound_point(
    scenario: &Scenario,
    f: &ScenarioFunction,
    plan: &SaltelliPlan,
    count: usize,
) -> Error {
    let metrics = scenario.options.metrics();
    let per_row = plan.k + 2;
    let mut point = vec![0.0; plan.k];
    let rows = (0..plan.n).flat_map(|r| (0..per_row).map(move |j| (r, j)));
    let mut evaluation = 0;
    let mut x = None;
    for (r, j) in rows {
        match j {
            0 => point.copy_from_slice(plan.row_a(r)),
            1 => point.copy_from_slice(plan.row_b(r)),
            _ => plan.row_ab(r, j - 2, &mut point),
        }
        let inputs = f.point_inputs(&point);
        if !model::sound(&model::evaluate(&inputs, scenario.options), &metrics) {
            x = Some(inputs);
            break;
        }
        evaluation += 1;
    }
    let x = x.expect("an unsound evaluation was counted");
    Error::Unsound(Box::new(Unsound {
        what: format!(
            "Sobol evaluation {} of {}",
            evaluation + 1,
            plan.n * per_row
        ),
        count: count as u64,
        total: (plan.n * per_row) as u64,
        fault: model::diagnose(&x, scenario.options),
        inputs: x,
        origins: Arc::new(scenario.origins()),
    }))
}

/// Peak bytes of `flopcast sensitivity` with these options (see [`memory::sensitivity`]).
pub fn peak_bytes(opts: &SensitivityOptions) -> Result<u64, Error> {
    let scenario = Scenario::load(&opts.scenario)?;
    Ok(memory::sensitivity(&memory_plan(&scenario, opts)))
}

/// The sizes of the study `opts` asks for, as far as memory goes.
pub(crate) fn memory_plan(scenario: &Scenario, opts: &SensitivityOptions) -> SensitivityPlan {
    SensitivityPlan {
        runs: opts.runs,
        inputs: ScenarioFunction::new(scenario).inputs().len() as u64,
        metrics: scenario.options.metrics().len() as u64,
        sobol_n: opts.sobol_n as u64,
        bootstrap: opts.bootstrap as u64,
        threads: memory::threads(opts.threads),
    }
}

/// Refuses a study that cannot fit, naming --runs when the runs alone are too many for any
/// Sobol study, else --sobol-n.
fn check_memory(plan: SensitivityPlan) -> Result<(), Error> {
    memory::check(
        &format!("{} runs with --sobol-n {}", plan.runs, plan.sobol_n),
        memory::sensitivity(&plan),
        &[
            Knob {
                flag: Flag::Runs,
                value: plan.runs,
                peak: Box::new(move |runs| memory::sensitivity(&SensitivityPlan { runs, ..plan })),
            },
            Knob {
                flag: Flag::SobolN,
                value: plan.sobol_n,
                peak: Box::new(move |sobol_n| {
                    memory::sensitivity(&SensitivityPlan { sobol_n, ..plan })
                }),
            },
        ],
    )
}

/// Mean and median of the output with `input` held at `value` and every other input drawn as
/// usual, on the same draws as the unpinned run, reduced as they are drawn.
fn pinned(
    scenario: &Scenario,
    plan: &SamplingPlan,
    input: crate::model::Input,
    value: f64,
    metric: Metric,
) -> Pinned {
    let plan = plan.with_fixed(input, value);
    let source = Single::new(&plan, scenario.options);
    let column = source.column(metric);
    let column = column.expect("the output was checked to be the scenario's");
    let mut s = stream(&source, &|_| {}, &MEDIAN, &[], Tuning::default());
    let summary = s.summary(column, &MEDIAN);
    Pinned {
        mean: summary.mean.value,
        p50: summary.percentiles[0].estimate.value,
    }
}
