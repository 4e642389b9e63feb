//! The cost model: a pure function from one run's sampled inputs to its outputs.
//!
//! ```text
//! train_flops      = flops_per_param_token × active_params × tokens                 [FLOP]
//! compute_days     = train_flops / (gpus × peak_tflops × 1e12 × mfu) / 86 400
//! train_days       = compute_days / (1 − downtime)          (or the failure process, see failures)
//! gpu_hours        = gpus × train_days × 24
//! compute_cost_usd = gpu_hours × gpu_hour_usd
//! labor_months     = months                                   (fixed project length), or
//!                    months_before + train_days / DAYS_PER_MONTH + months_after   (follows the run)
//! labor_cost_usd   = team_size × salary_usd × labor_months / 12
//! energy_cost_usd  = gpu_hours × gpu_kw × pue × usd_per_kwh                  (owned clusters)
//! storage_network_cost_usd = gpu_hours × storage_network_usd_per_gpu_hour
//! experiments_cost_usd     = experiments_fraction × compute_cost_usd
//! fixed_cost_usd   = data_usd + evaluation_usd + other_usd
//! total_cost_usd   = compute + energy + storage_network + experiments + fixed + labor
//! ```
//! New terms add an [`Input`] and a [`Metric`] each.

mod failures;
mod names;

pub use failures::{FailureOptions, expected_interruptions};

use crate::format::Unit;

/// Declares a fieldless enum with `COUNT`, the number of its variants, and `ALL`, every variant
/// in declaration order (which is also `index()` order): written once, so a new variant cannot
/// be left out of either.
macro_rules! listed {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident,)+ }) => {
        $(#[$meta])*
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            pub const COUNT: usize = [$($name::$variant),+].len();
            pub const ALL: [$name; $name::COUNT] = [$($name::$variant),+];
        }
    };
}

/// Average Gregorian month, in days.
pub const DAYS_PER_MONTH: f64 = 365.2425 / 12.0;
const SECONDS_PER_DAY: f64 = 86_400.0;

listed! {
    /// Every input a scenario can set, in the order reports list them.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    #[repr(usize)]
    pub enum Input {
        Params,
        ActiveParams,
        Tokens,
        FlopsPerParamToken,
        Gpus,
        PeakTflops,
        Mfu,
        Downtime,
        GpuHourUsd,
        TeamSize,
        SalaryUsd,
        Months,
        MonthsBefore,
        MonthsAfter,
        FailureRate,
        GpuMtbfHours,
        RestartHours,
        CheckpointIntervalHours,
        CheckpointWriteHours,
        FailureLuck,
        GpuKw,
        Pue,
        UsdPerKwh,
        StorageNetworkUsdPerGpuHour,
        ExperimentsFraction,
        DataUsd,
        EvaluationUsd,
        OtherUsd,
    }
}

/// The set of values an input may take: draws outside it would make the arithmetic meaningless.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// (0, ∞)
    Positive,
    /// [0, ∞)
    NonNegative,
    /// (0, 1]
    UnitOpenClosed,
    /// [0, 1)
    UnitClosedOpen,
    /// [1, ∞)
    AtLeastOne,
}

impl Domain {
    pub fn describe(self) -> &'static str {
        match self {
            Domain::Positive => "> 0",
            Domain::NonNegative => ">= 0",
            Domain::UnitOpenClosed => "in (0, 1]",
            Domain::UnitClosedOpen => "in [0, 1)",
            Domain::AtLeastOne => ">= 1",
        }
    }

    pub fn contains(self, x: f64) -> bool {
        match self {
            Domain::Positive => x > 0.0,
            Domain::NonNegative => x >= 0.0,
            Domain::UnitOpenClosed => x > 0.0 && x <= 1.0,
            Domain::UnitClosedOpen => (0.0..1.0).contains(&x),
            Domain::AtLeastOne => x >= 1.0,
        }
    }
}

impl Input {
    /// The key as written in a scenario file and used for CSV columns.
    pub fn key(self) -> &'static str {
        match self {
            Input::Params => "model.params",
            Input::ActiveParams => "model.active_params",
            Input::Tokens => "model.tokens",
            Input::FlopsPerParamToken => "model.flops_per_param_token",
            Input::Gpus => "cluster.gpus",
            Input::PeakTflops => "cluster.peak_tflops",
            Input::Mfu => "cluster.mfu",
            Input::Downtime => "cluster.downtime",
            Input::GpuHourUsd => "cost.gpu_hour_usd",
            Input::TeamSize => "team.size",
            Input::SalaryUsd => "team.salary_usd",
            Input::Months => "team.months",
            Input::MonthsBefore => "team.months_before",
            Input::MonthsAfter => "team.months_after",
            Input::FailureRate => "failures.rate_per_gpu_hour",
            Input::GpuMtbfHours => "failures.gpu_mtbf_hours",
            Input::RestartHours => "failures.restart_hours",
            Input::CheckpointIntervalHours => "failures.checkpoint_interval_hours",
            Input::CheckpointWriteHours => "failures.checkpoint_write_hours",
            Input::FailureLuck => "failures.luck",
            Input::GpuKw => "cost.gpu_kw",
            Input::Pue => "cost.pue",
            Input::UsdPerKwh => "cost.usd_per_kwh",
            Input::StorageNetworkUsdPerGpuHour => "cost.storage_network_usd_per_gpu_hour",
            Input::ExperimentsFraction => "cost.experiments_fraction",
            Input::DataUsd => "cost.data_usd",
            Input::EvaluationUsd => "cost.evaluation_usd",
            Input::OtherUsd => "cost.other_usd",
        }
    }

    pub fn domain(self) -> Domain {
        match self {
            Input::Mfu => Domain::UnitOpenClosed,
            Input::Downtime => Domain::UnitClosedOpen,
            Input::SalaryUsd
            | Input::Months
            | Input::MonthsBefore
            | Input::MonthsAfter
            | Input::FailureRate
            | Input::RestartHours
            | Input::CheckpointWriteHours
            | Input::UsdPerKwh
            | Input::StorageNetworkUsdPerGpuHour
            | Input::ExperimentsFraction
            | Input::DataUsd
            | Input::EvaluationUsd
            | Input::OtherUsd => Domain::NonNegative,
            Input::Pue => Domain::AtLeastOne,
            Input::FailureLuck => Domain::UnitOpenClosed,
            _ => Domain::Positive,
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

listed! {
    /// Every output of one run, in report order.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    #[repr(usize)]
    pub enum Metric {
        TrainFlops,
        TrainDays,
        GpuHours,
        ComputeCostUsd,
        LaborCostUsd,
        TotalCostUsd,
        Interruptions,
        EffectiveTimeRatio,
        EnergyCostUsd,
        StorageNetworkCostUsd,
        ExperimentsCostUsd,
        FixedCostUsd,
    }
}

impl Metric {
    pub fn name(self) -> &'static str {
        match self {
            Metric::TrainFlops => "train_flops",
            Metric::TrainDays => "train_days",
            Metric::GpuHours => "gpu_hours",
            Metric::ComputeCostUsd => "compute_cost_usd",
            Metric::LaborCostUsd => "labor_cost_usd",
            Metric::TotalCostUsd => "total_cost_usd",
            Metric::Interruptions => "interruptions",
            Metric::EffectiveTimeRatio => "effective_time_ratio",
            Metric::EnergyCostUsd => "energy_cost_usd",
            Metric::StorageNetworkCostUsd => "storage_network_cost_usd",
            Metric::ExperimentsCostUsd => "experiments_cost_usd",
            Metric::FixedCostUsd => "fixed_cost_usd",
        }
    }

    /// The values this output can take, which a published figure of it must lie in: a run
    /// always has compute, time and a compute bill; salaries, cost lines and interruptions
    /// can be zero.
    pub fn domain(self) -> Domain {
        match self {
            Metric::TrainFlops
            | Metric::TrainDays
            | Metric::GpuHours
            | Metric::ComputeCostUsd
            | Metric::TotalCostUsd => Domain::Positive,
            Metric::LaborCostUsd
            | Metric::Interruptions
            | Metric::EnergyCostUsd
            | Metric::StorageNetworkCostUsd
            | Metric::ExperimentsCostUsd
            | Metric::FixedCostUsd => Domain::NonNegative,
            Metric::EffectiveTimeRatio => Domain::UnitOpenClosed,
        }
    }

    pub fn unit(self) -> Unit {
        match self {
            Metric::TrainFlops => Unit::Flop,
            Metric::TrainDays => Unit::Days,
            Metric::GpuHours => Unit::Hours,
            Metric::ComputeCostUsd
            | Metric::LaborCostUsd
            | Metric::TotalCostUsd
            | Metric::EnergyCostUsd
            | Metric::StorageNetworkCostUsd
            | Metric::ExperimentsCostUsd
            | Metric::FixedCostUsd => Unit::Usd,
            Metric::Interruptions => Unit::Count,
            Metric::EffectiveTimeRatio => Unit::Ratio,
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// Switches that change the model's shape rather than its numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ModelOptions {
    /// Labor is paid for months_before + the run + months_after instead of a fixed `months`.
    pub labor_follows_run: bool,
    /// Interruptions are simulated (a `[failures]` section) instead of a downtime fraction.
    pub failures: Option<FailureOptions>,
    /// The optional cost lines the scenario has.
    pub cost_lines: CostLines,
}

/// Which optional cost lines a scenario has; each one present is its own output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CostLines {
    pub energy: bool,
    pub storage_network: bool,
    pub experiments: bool,
    pub fixed: bool,
}

impl ModelOptions {
    /// The metrics this model produces: the failure outputs exist only with a failure process.
    pub fn metrics(&self) -> Vec<Metric> {
        Metric::ALL
            .into_iter()
            .filter(|m| match m {
                Metric::Interruptions | Metric::EffectiveTimeRatio => self.failures.is_some(),
                Metric::EnergyCostUsd => self.cost_lines.energy,
                Metric::StorageNetworkCostUsd => self.cost_lines.storage_network,
                Metric::ExperimentsCostUsd => self.cost_lines.experiments,
                Metric::FixedCostUsd => self.cost_lines.fixed,
                _ => true,
            })
            .collect()
    }
}

/// One run's inputs, indexed by [`Input`].
pub type Inputs = [f64; Input::COUNT];
/// One run's outputs, indexed by [`Metric`].
pub type Outputs = [f64; Metric::COUNT];

/// The largest magnitude any figure may reach: a quarter of `f64::MAX`, so that the difference
/// of two figures and a sample's standard deviation (at most √2 times its largest magnitude)
/// stay finite.
pub const LARGEST: f64 = f64::MAX / 4.0;

/// One step of the model, for naming where the arithmetic broke down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// What the step computes, as a formula over scenario keys.
    pub formula: &'static str,
    /// The inputs it depends on, directly or through earlier steps.
    pub inputs: &'static [Input],
    /// Positive whenever its inputs are in their domains: a 0 can only be an underflow, or a
    /// division by an overflowed value.
    pub positive: bool,
}

/// How a value left the range of numbers the model can work with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// Infinite or beyond [`LARGEST`].
    Overflow,
    /// Zero where the exact value is positive.
    Underflow,
    /// NaN.
    Undefined,
}

/// The first input draw or step of one run whose value is unusable.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fault {
    /// The input drawn, or the step computed.
    pub place: FaultPlace,
    pub kind: FaultKind,
    pub value: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FaultPlace {
    Draw(Input),
    Step(Step),
}

impl Fault {
    /// "cluster throughput = gpus × peak_tflops × 1e12 × mfu overflows (inf, beyond 4.494e307)"
    pub fn describe(&self) -> String {
        let how = match self.kind {
            FaultKind::Overflow => format!(
                "overflows ({}, beyond {})",
                crate::units::general(self.value),
                crate::units::general(LARGEST)
            ),
            FaultKind::Underflow => "underflows to 0 (its exact value is positive)".to_string(),
            FaultKind::Undefined => "is undefined (NaN)".to_string(),
        };
        match self.place {
            FaultPlace::Draw(input) => format!("the value of `{}` {how}", input.key()),
            FaultPlace::Step(step) => format!("{} {how}", step.formula),
        }
    }

    /// The inputs responsible.
    pub fn inputs(&self) -> &[Input] {
        match &self.place {
            FaultPlace::Draw(i) => std::slice::from_ref(i),
            FaultPlace::Step(s) => s.inputs,
        }
    }
}

fn fault_kind(value: f64, positive: bool) -> Option<FaultKind> {
    if value.is_nan() {
        Some(FaultKind::Undefined)
    } else if value.abs() > LARGEST {
        Some(FaultKind::Overflow)
    } else if positive && value == 0.0 {
        Some(FaultKind::Underflow)
    } else {
        None
    }
}

/// Sees every step's value as the model computes it.
trait Watch {
    fn step(&mut self, step: &Step, value: f64) -> f64;
}

/// The model at full speed: steps pass through unseen.
struct Unwatched;

impl Watch for Unwatched {
    #[inline(always)]
    fn step(&mut self, _: &Step, value: f64) -> f64 {
        value
    }
}

/// Remembers the first step whose value is unusable.
#[derive(Default)]
struct FirstFault(Option<Fault>);

impl Watch for FirstFault {
    fn step(&mut self, step: &Step, value: f64) -> f64 {
        if self.0.is_none()
            && let Some(kind) = fault_kind(value, step.positive)
        {
            self.0 = Some(Fault {
                place: FaultPlace::Step(*step),
                kind,
                value,
            });
        }
        value
    }
}

use Input as I;

const FLOPS: Step = Step {
    formula: "train_flops = flops_per_param_token × active_params × tokens",
    inputs: &[I::FlopsPerParamToken, I::ActiveParams, I::Tokens],
    positive: true,
};
const THROUGHPUT: Step = Step {
    formula: "cluster throughput = gpus × peak_tflops × 1e12 × mfu",
    inputs: &[I::Gpus, I::PeakTflops, I::Mfu],
    positive: true,
};
const COMPUTE_DAYS: Step = Step {
    formula: "compute days = train_flops / cluster throughput / 86400",
    inputs: &[
        I::FlopsPerParamToken,
        I::ActiveParams,
        I::Tokens,
        I::Gpus,
        I::PeakTflops,
        I::Mfu,
    ],
    positive: true,
};
const TRAIN_DAYS_DOWNTIME: Step = Step {
    formula: "train_days = compute days / (1 − downtime)",
    inputs: &[
        I::Downtime,
        I::FlopsPerParamToken,
        I::ActiveParams,
        I::Tokens,
        I::Gpus,
        I::PeakTflops,
        I::Mfu,
    ],
    positive: true,
};
const TRAIN_DAYS_FAILURES: Step = Step {
    formula: "train_days = compute days plus the time lost to interruptions",
    inputs: &[
        I::FailureRate,
        I::GpuMtbfHours,
        I::RestartHours,
        I::CheckpointIntervalHours,
        I::CheckpointWriteHours,
        I::FlopsPerParamToken,
        I::ActiveParams,
        I::Tokens,
        I::Gpus,
        I::PeakTflops,
        I::Mfu,
    ],
    positive: true,
};
/// Every input the training time depends on, with or without `[failures]` (a scenario uses
/// one set or the other).
macro_rules! time_inputs {
    ($($first:expr),*) => {
        &[
            $($first,)*
            I::Gpus,
            I::PeakTflops,
            I::Mfu,
            I::FlopsPerParamToken,
            I::ActiveParams,
            I::Tokens,
            I::Downtime,
            I::FailureRate,
            I::GpuMtbfHours,
            I::RestartHours,
            I::CheckpointIntervalHours,
            I::CheckpointWriteHours,
        ]
    };
    }
const GPU_HOURS: Step = Step {
    formula: "gpu_hours = gpus × train_days × 24",
    inputs: time_inputs!(),
    positive: true,
};
const COMPUTE_COST: Step = Step {
    formula: "compute_cost_usd = gpu_hours × gpu_hour_usd",
    inputs: time_inputs!(I::GpuHourUsd),
    positive: true,
};
const ENERGY_COST: Step = Step {
    formula: "energy_cost_usd = gpu_hours × gpu_kw × pue × usd_per_kwh",
    inputs: time_inputs!(I::GpuKw, I::Pue, I::UsdPerKwh),
    positive: false,
};
const STORAGE_NETWORK_COST: Step = Step {
    formula: "storage_network_cost_usd = gpu_hours × storage_network_usd_per_gpu_hour",
    inputs: time_inputs!(I::StorageNetworkUsdPerGpuHour),
    positive: false,
};
const EXPERIMENTS_COST: Step = Step {
    formula: "experiments_cost_usd = experiments_fraction × compute_cost_usd",
    inputs: time_inputs!(I::ExperimentsFraction, I::GpuHourUsd),
    positive: false,
};
const FIXED_COST: Step = Step {
    formula: "fixed_cost_usd = data_usd + evaluation_usd + other_usd",
    inputs: &[I::DataUsd, I::EvaluationUsd, I::OtherUsd],
    positive: false,
};
const LABOR_MONTHS: Step = Step {
    formula: "labor months = months, or months_before + train_days / 30.44 + months_after",
    inputs: time_inputs!(I::Months, I::MonthsBefore, I::MonthsAfter),
    positive: false,
};
const LABOR_COST: Step = Step {
    formula: "labor_cost_usd = size × salary_usd × labor months / 12",
    inputs: time_inputs!(
        I::TeamSize,
        I::SalaryUsd,
        I::Months,
        I::MonthsBefore,
        I::MonthsAfter
    ),
    positive: false,
};
const TOTAL_COST: Step = Step {
    formula: "total_cost_usd = the sum of every cost line",
    inputs: time_inputs!(
        I::GpuHourUsd,
        I::GpuKw,
        I::Pue,
        I::UsdPerKwh,
        I::StorageNetworkUsdPerGpuHour,
        I::ExperimentsFraction,
        I::DataUsd,
        I::EvaluationUsd,
        I::OtherUsd,
        I::TeamSize,
        I::SalaryUsd,
        I::Months,
        I::MonthsBefore,
        I::MonthsAfter
    ),
    positive: false,
};

/// The model's outputs for one run's inputs.
#[inline(always)]
pub fn evaluate(x: &Inputs, options: ModelOptions) -> Outputs {
    evaluate_watched::<true>(|i| x[i.index()], options, &mut Unwatched)
}

/// [`evaluate`] for runs `0..n` of a block of `N` runs held as one column per input (indexed by
/// [`Input`]), into one column per metric (indexed by [`Metric`]); returns the first of these
/// runs that is not [`sound`] for `metrics`, if any. The same bits as `evaluate` run by run.
///
/// Without a failure process the loop is straight arithmetic over columns, which the compiler
/// vectorises (see [`crate::simd`]); the failure process simulates each run's interruptions
/// one at a time.
///
/// # Panics
///
/// When `n > N`.
pub fn evaluate_block<const N: usize>(
    x: &[[f64; N]; Input::COUNT],
    n: usize,
    options: ModelOptions,
    metrics: &[Metric],
    y: &mut [[f64; N]; Metric::COUNT],
) -> Option<usize> {
    assert!(n <= N, "a block holds at most {N} runs");
    if options.failures.is_none() {
        crate::simd::vectorised(
            #[inline(always)]
            || evaluate_columns::<N, false>(x, n, options, y),
        );
    } else {
        evaluate_columns::<N, true>(x, n, options, y);
    }
    crate::simd::vectorised(
        #[inline(always)]
        || first_unsound(y, n, metrics),
    )
}

#[inline(always)]
fn evaluate_columns<const N: usize, const FAILURES: bool>(
    x: &[[f64; N]; Input::COUNT],
    n: usize,
    options: ModelOptions,
    y: &mut [[f64; N]; Metric::COUNT],
) {
    for i in 0..n {
        let out = evaluate_watched::<FAILURES>(|k| x[k.index()][i], options, &mut Unwatched);
        for (column, value) in y.iter_mut().zip(out) {
            column[i] = value;
        }
    }
}

/// The first of runs `0..n` whose outputs are not [`sound`]: a flag per run, metric by metric,
/// so that the common case (every run sound) is a few vector comparisons per metric.
#[inline(always)]
fn first_unsound<const N: usize>(
    y: &[[f64; N]; Metric::COUNT],
    n: usize,
    metrics: &[Metric],
) -> Option<usize> {
    let mut bad = [0u8; N];
    for m in metrics {
        let positive = POSITIVE.contains(m);
        let column = &y[m.index()];
        for i in 0..n {
            let v = column[i];
            // NaN fails both comparisons, so it is flagged.
            let usable = (v.abs() <= LARGEST) & (!positive | (v > 0.0));
            bad[i] |= u8::from(!usable);
        }
    }
    bad[..n].iter().position(|b| *b != 0)
}

/// The metrics whose exact value is positive: one that rounds to 0 has underflowed.
const POSITIVE: [Metric; 3] = [Metric::TrainFlops, Metric::TrainDays, Metric::GpuHours];

/// True when every output the model produces is usable: finite, within [`LARGEST`], and
/// positive where the exact value must be. A cheap test of the outputs alone, which every
/// overflow or underflow of a step reaches: [`diagnose`] then says where it started.
#[inline(always)]
pub fn sound(y: &Outputs, metrics: &[Metric]) -> bool {
    metrics.iter().all(|m| y[m.index()].abs() <= LARGEST)
        && POSITIVE.iter().all(|m| y[m.index()] > 0.0)
}

/// The first input draw or step of the model whose value is unusable (infinite, NaN, beyond
/// [`LARGEST`], or an underflow to 0), or None when the whole run is sound.
pub fn diagnose(x: &Inputs, options: ModelOptions) -> Option<Fault> {
    let drawn = Input::ALL
        .into_iter()
        .find_map(|i| fault_kind(x[i.index()], false).map(|kind| (i, kind)));
    if let Some((input, kind)) = drawn {
        return Some(Fault {
            place: FaultPlace::Draw(input),
            kind,
            value: x[input.index()],
        });
    }
    let mut watch = FirstFault::default();
    evaluate_watched::<true>(|i| x[i.index()], options, &mut watch);
    watch.0
}

#[inline(always)]
fn evaluate_watched<const FAILURES: bool>(
    get: impl Fn(Input) -> f64,
    options: ModelOptions,
    w: &mut impl Watch,
) -> Outputs {
    // Known at compile time to be absent where FAILURES is false, so that the block loop
    // has no branch.
    let failures = if FAILURES { options.failures } else { None };
    let gpus = get(Input::Gpus);
    let flops = w.step(
        &FLOPS,
        get(Input::FlopsPerParamToken) * get(Input::ActiveParams) * get(Input::Tokens),
    );
    let cluster_flops_per_s = w.step(
        &THROUGHPUT,
        gpus * get(Input::PeakTflops) * 1e12 * get(Input::Mfu),
    );
    let compute_days = w.step(&COMPUTE_DAYS, flops / cluster_flops_per_s / SECONDS_PER_DAY);
    let (train_days, interruptions, effective) = match failures {
        None => {
            let up = 1.0 - get(Input::Downtime);
            (w.step(&TRAIN_DAYS_DOWNTIME, compute_days / up), 0.0, up)
        }
        Some(f) => {
            let x: Inputs = std::array::from_fn(|k| get(Input::ALL[k]));
            let r = failures::simulate(compute_days * 24.0, gpus, &x, f);
            (
                w.step(&TRAIN_DAYS_FAILURES, r.wall_hours / 24.0),
                r.interruptions,
                compute_days * 24.0 / r.wall_hours,
            )
        }
    };
    let gpu_hours = w.step(&GPU_HOURS, gpus * train_days * 24.0);
    let compute_cost = w.step(&COMPUTE_COST, gpu_hours * get(Input::GpuHourUsd));
    // Absent cost lines have their inputs at 0, so they add nothing.
    let energy_cost = w.step(
        &ENERGY_COST,
        gpu_hours * get(Input::GpuKw) * get(Input::Pue) * get(Input::UsdPerKwh),
    );
    let storage_network_cost = w.step(
        &STORAGE_NETWORK_COST,
        gpu_hours * get(Input::StorageNetworkUsdPerGpuHour),
    );
    let experiments_cost = w.step(
        &EXPERIMENTS_COST,
        get(Input::ExperimentsFraction) * compute_cost,
    );
    let fixed_cost = w.step(
        &FIXED_COST,
        get(Input::DataUsd) + get(Input::EvaluationUsd) + get(Input::OtherUsd),
    );
    let labor_months = w.step(
        &LABOR_MONTHS,
        if options.labor_follows_run {
            get(Input::MonthsBefore) + train_days / DAYS_PER_MONTH + get(Input::MonthsAfter)
        } else {
            get(Input::Months)
        },
    );
    let labor_cost = w.step(
        &LABOR_COST,
        get(Input::TeamSize) * get(Input::SalaryUsd) * labor_months / 12.0,
    );
    let total = w.step(
        &TOTAL_COST,
        compute_cost
            + energy_cost
            + storage_network_cost
            + experiments_cost
            + fixed_cost
            + labor_cost,
    );
    [
        flops,
        train_days,
        gpu_hours,
        compute_cost,
        labor_cost,
        total,
        interruptions,
        effective,
        energy_cost,
        storage_network_cost,
        experiments_cost,
        fixed_cost,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_include_and_exclude_their_ends_as_documented() {
        let cases = [
            (
                Domain::Positive,
                [(0.0, false), (1e-300, true), (f64::MAX, true)],
            ),
            (
                Domain::NonNegative,
                [(-1e-300, false), (0.0, true), (5.0, true)],
            ),
            (
                Domain::UnitOpenClosed,
                [(0.0, false), (1.0, true), (1.0 + 1e-15, false)],
            ),
            (
                Domain::UnitClosedOpen,
                [(0.0, true), (1.0, false), (-1e-300, false)],
            ),
            (
                Domain::AtLeastOne,
                [(1.0 - 1e-15, false), (1.0, true), (3.0, true)],
            ),
        ];
        for (domain, points) in cases {
            for (x, inside) in points {
                assert_eq!(domain.contains(x), inside, "{} at {x}", domain.describe());
            }
            assert!(
                !domain.contains(f64::NAN),
                "{} admits NaN",
                domain.describe()
            );
        }
        // The failure process's luck is a probability level: 0 would be an infinite wait.
        assert_eq!(Input::FailureLuck.domain(), Domain::UnitOpenClosed);
    }

    fn article() -> Inputs {
        let mut x = [0.0; Input::COUNT];
        x[Input::Params.index()] = 405e9;
        x[Input::ActiveParams.index()] = 405e9;
        x[Input::Tokens.index()] = 15.6e12;
        x[Input::FlopsPerParamToken.index()] = 6.0;
        x[Input::Gpus.index()] = 16_000.0;
        x[Input::PeakTflops.index()] = 400.0;
        x[Input::Mfu.index()] = 1.0;
        x[Input::Downtime.index()] = 0.0;
        x[Input::GpuHourUsd.index()] = 2.0;
        x[Input::TeamSize.index()] = 50.0;
        x[Input::SalaryUsd.index()] = 500e3;
        x[Input::Months.index()] = 12.0;
        x
    }

    #[test]
    fn every_input_and_metric_sits_at_its_index_once() {
        for (i, input) in Input::ALL.iter().enumerate() {
            assert_eq!(input.index(), i);
        }
        for (i, metric) in Metric::ALL.iter().enumerate() {
            assert_eq!(metric.index(), i);
        }
        let keys: std::collections::HashSet<_> = Input::ALL.iter().map(|i| i.key()).collect();
        assert_eq!(keys.len(), Input::COUNT);
    }

    #[test]
    fn reproduces_the_article_arithmetic() {
        let y = evaluate(&article(), ModelOptions::default());
        assert!((y[Metric::TrainFlops.index()] / 3.7908e25 - 1.0).abs() < 1e-12);
        // 3.7908e25 / (16 000 × 400e12) / 86 400 = 68.5547 days.
        assert!((y[Metric::TrainDays.index()] - 68.554_687_5).abs() < 1e-9);
        assert!((y[Metric::GpuHours.index()] - 26_325_000.0).abs() < 1e-3);
        assert!((y[Metric::ComputeCostUsd.index()] - 52_650_000.0).abs() < 1e-3);
        assert!((y[Metric::LaborCostUsd.index()] - 25e6).abs() < 1e-6);
        assert!((y[Metric::TotalCostUsd.index()] - 77_650_000.0).abs() < 1e-3);
    }

    #[test]
    fn cost_lines_add_up_to_the_total() {
        let mut x = article();
        x[Input::GpuKw.index()] = 1.0;
        x[Input::Pue.index()] = 1.25;
        x[Input::UsdPerKwh.index()] = 0.08;
        x[Input::StorageNetworkUsdPerGpuHour.index()] = 0.1;
        x[Input::ExperimentsFraction.index()] = 0.5;
        x[Input::DataUsd.index()] = 3e6;
        let y = evaluate(&x, ModelOptions::default());
        let gpu_hours = 26_325_000.0;
        assert!((y[Metric::EnergyCostUsd.index()] - gpu_hours * 0.1).abs() < 1e-3);
        assert!((y[Metric::StorageNetworkCostUsd.index()] - gpu_hours * 0.1).abs() < 1e-3);
        assert!((y[Metric::ExperimentsCostUsd.index()] - 0.5 * 52_650_000.0).abs() < 1e-3);
        assert_eq!(y[Metric::FixedCostUsd.index()], 3e6);
        let total = 52_650_000.0 * 1.5 + gpu_hours * 0.2 + 3e6 + 25e6;
        assert!((y[Metric::TotalCostUsd.index()] - total).abs() < 1e-3);
    }

    #[test]
    fn downtime_stretches_wall_clock() {
        let mut x = article();
        x[Input::Downtime.index()] = 0.2;
        let y = evaluate(&x, ModelOptions::default());
        assert!((y[Metric::TrainDays.index()] - 68.554_687_5 / 0.8).abs() < 1e-9);
    }

    #[test]
    fn labor_can_follow_the_run() {
        let mut x = article();
        x[Input::MonthsBefore.index()] = 6.0;
        x[Input::MonthsAfter.index()] = 2.0;
        let y = evaluate(
            &x,
            ModelOptions {
                labor_follows_run: true,
                ..ModelOptions::default()
            },
        );
        let months = 8.0 + 68.554_687_5 / DAYS_PER_MONTH;
        assert!((y[Metric::LaborCostUsd.index()] - 50.0 * 500e3 * months / 12.0).abs() < 1e-6);
    }

    #[test]
    fn active_params_not_total_params_drive_flops() {
        let mut x = article();
        x[Input::ActiveParams.index()] = 37e9;
        let y = evaluate(&x, ModelOptions::default());
        assert!((y[Metric::TrainFlops.index()] - 6.0 * 37e9 * 15.6e12).abs() / 1e24 < 1e-9);
    }

    #[test]
    fn fixed_cost_is_the_sum_of_data_evaluation_and_other() {
        let mut x = article();
        x[Input::DataUsd.index()] = 3e6;
        x[Input::EvaluationUsd.index()] = 2e6;
        x[Input::OtherUsd.index()] = 5e6;
        let y = evaluate(&x, ModelOptions::default());
        assert_eq!(y[Metric::FixedCostUsd.index()], 10e6);
        let total = 52_650_000.0 + 10e6 + 25e6;
        assert!((y[Metric::TotalCostUsd.index()] - total).abs() < 1e-3);
    }

    #[test]
    fn labor_following_the_run_counts_average_gregorian_months() {
        // 365.2425 days a year (the Gregorian calendar) over 12 months: 30.436875 days a month.
        assert!((DAYS_PER_MONTH - 30.436_875).abs() < 1e-12);
        let mut x = article();
        x[Input::Mfu.index()] = 68.554_687_5 / 365.2425;
        let y = evaluate(
            &x,
            ModelOptions {
                labor_follows_run: true,
                ..ModelOptions::default()
            },
        );
        // A run of one Gregorian year pays the team for twelve months.
        assert!((y[Metric::TrainDays.index()] - 365.2425).abs() < 1e-9);
        assert!((y[Metric::LaborCostUsd.index()] - 25e6).abs() < 1e-3);
    }

    #[test]
    fn without_interruptions_the_failure_model_adds_only_checkpoint_writes() {
        // No failures: 1,645.3125 h of compute in 10 h intervals is 164 full intervals, each
        // followed by a 0.5 h checkpoint write: 82 h more.
        let mut x = article();
        x[Input::CheckpointIntervalHours.index()] = 10.0;
        x[Input::CheckpointWriteHours.index()] = 0.5;
        x[Input::FailureLuck.index()] = 0.5;
        let options = ModelOptions {
            failures: Some(FailureOptions {
                from_mtbf: false,
                optimal_interval: false,
            }),
            ..ModelOptions::default()
        };
        let y = evaluate(&x, options);
        let wall_hours = 1_645.312_5 + 82.0;
        assert!((y[Metric::TrainDays.index()] - wall_hours / 24.0).abs() < 1e-9);
        assert_eq!(y[Metric::Interruptions.index()], 0.0);
        let effective = y[Metric::EffectiveTimeRatio.index()];
        assert!(
            (effective - 1_645.312_5 / wall_hours).abs() < 1e-12,
            "{effective}"
        );
        assert!((y[Metric::GpuHours.index()] - 16_000.0 * wall_hours).abs() < 1e-3);
    }

    #[test]
    fn a_figure_of_exactly_the_largest_is_sound_and_not_diagnosed() {
        // `sound` accepts |y| ≤ LARGEST, so `diagnose` must find nothing in the same run.
        let mut x = article();
        x[Input::OtherUsd.index()] = LARGEST;
        let options = ModelOptions {
            cost_lines: CostLines {
                fixed: true,
                ..CostLines::default()
            },
            ..ModelOptions::default()
        };
        let y = evaluate(&x, options);
        assert_eq!(y[Metric::FixedCostUsd.index()], LARGEST);
        assert!(sound(&y, &options.metrics()));
        assert_eq!(diagnose(&x, options), None);
        // One step beyond is an overflow, blamed on the input drawn.
        x[Input::OtherUsd.index()] = LARGEST.next_up();
        let fault = diagnose(&x, options).expect("an overflow");
        assert_eq!(fault.place, FaultPlace::Draw(Input::OtherUsd));
        assert_eq!(fault.kind, FaultKind::Overflow);
    }

    #[test]
    fn an_ordinary_run_is_sound() {
        let y = evaluate(&article(), ModelOptions::default());
        assert!(sound(&y, &ModelOptions::default().metrics()));
        assert_eq!(diagnose(&article(), ModelOptions::default()), None);
    }

    fn fault_of(x: &Inputs) -> Fault {
        let options = ModelOptions::default();
        assert!(!sound(&evaluate(x, options), &options.metrics()));
        diagnose(x, options).expect("a fault")
    }

    #[test]
    fn a_throughput_beyond_the_float_range_is_an_overflow_not_zero_days() {
        // 1e300 GPUs × 400e12 FLOP/s is infinite, and the training time would divide to 0.
        let mut x = article();
        x[Input::Gpus.index()] = 1e300;
        assert_eq!(evaluate(&x, ModelOptions::default())[1], 0.0);
        let fault = fault_of(&x);
        assert_eq!(fault.place, FaultPlace::Step(THROUGHPUT));
        assert_eq!(fault.kind, FaultKind::Overflow);
        assert!(fault.inputs().contains(&Input::Gpus));
    }

    #[test]
    fn an_infinite_draw_is_blamed_on_its_input() {
        let mut x = article();
        x[Input::PeakTflops.index()] = f64::INFINITY;
        let fault = fault_of(&x);
        assert_eq!(fault.place, FaultPlace::Draw(Input::PeakTflops));
        assert_eq!(fault.inputs(), &[Input::PeakTflops]);
    }

    #[test]
    fn a_finite_cost_beyond_the_largest_figure_is_an_overflow() {
        // 26,325,000 GPU-hours × $2e300 = 5.3e307: finite, but beyond LARGEST.
        let mut x = article();
        x[Input::GpuHourUsd.index()] = 2e300;
        let fault = fault_of(&x);
        assert_eq!(fault.place, FaultPlace::Step(COMPUTE_COST));
        assert!(fault.value.is_finite() && fault.value > LARGEST);
        assert!(
            fault.describe().contains("overflows"),
            "{}",
            fault.describe()
        );
    }

    #[test]
    fn flops_that_underflow_are_an_underflow_not_a_free_run() {
        let mut x = article();
        x[Input::ActiveParams.index()] = 1e-200;
        x[Input::Tokens.index()] = 1e-200;
        let fault = fault_of(&x);
        assert_eq!(fault.place, FaultPlace::Step(FLOPS));
        assert_eq!(fault.kind, FaultKind::Underflow);
    }

    #[test]
    fn a_nan_is_undefined() {
        let mut x = article();
        x[Input::Downtime.index()] = f64::NAN;
        let fault = fault_of(&x);
        assert_eq!(fault.kind, FaultKind::Undefined);
        assert_eq!(fault.place, FaultPlace::Draw(Input::Downtime));
    }
}
