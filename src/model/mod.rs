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
//!
//! With a `[contract]` (R GPUs reserved for T days at a committed price), the training days D
//! above are the days the GPUs compute, and:
//!
//! ```text
//! overrun_days       = max(D − T, 0)
//! train_days         = D + extension_wait_days   when the run overruns and no extension
//!                                                capacity is free (chance extension_unavailable)
//! contract_cost_usd  = R × 24 × usd_per_gpu_hour × (min(D, T) + unused_paid × (T − min(D, T)))
//! extension_cost_usd = 24 × extension_usd_per_gpu_hour × (gpus × overrun_days
//!                                                         + max(gpus − R, 0) × min(D, T))
//! unused_gpu_hours   = 24 × (R × T − min(gpus, R) × min(D, T))
//! compute_cost_usd   = contract_cost_usd + extension_cost_usd
//! gpu_hours          = gpus × D × 24                         (no GPU is held while waiting)
//! ```
//! New terms add an [`Input`] and a [`Metric`] each.

mod failures;
mod names;
pub mod portfolio;
pub mod progress;
pub mod spend;

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
        ContractGpus,
        ContractTermDays,
        ContractUsdPerGpuHour,
        ContractUnusedPaid,
        ExtensionUsdPerGpuHour,
        ExtensionUnavailable,
        ExtensionWaitDays,
        ContractLuck,
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
    /// [0, 1]
    UnitClosed,
}

impl Domain {
    pub fn describe(self) -> &'static str {
        match self {
            Domain::Positive => "> 0",
            Domain::NonNegative => ">= 0",
            Domain::UnitOpenClosed => "in (0, 1]",
            Domain::UnitClosedOpen => "in [0, 1)",
            Domain::AtLeastOne => ">= 1",
            Domain::UnitClosed => "in [0, 1]",
        }
    }

    pub fn contains(self, x: f64) -> bool {
        match self {
            Domain::Positive => x > 0.0,
            Domain::NonNegative => x >= 0.0,
            Domain::UnitOpenClosed => x > 0.0 && x <= 1.0,
            Domain::UnitClosedOpen => (0.0..1.0).contains(&x),
            Domain::AtLeastOne => x >= 1.0,
            Domain::UnitClosed => (0.0..=1.0).contains(&x),
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
            Input::ContractGpus => "contract.gpus",
            Input::ContractTermDays => "contract.term_days",
            Input::ContractUsdPerGpuHour => "contract.usd_per_gpu_hour",
            Input::ContractUnusedPaid => "contract.unused_paid",
            Input::ExtensionUsdPerGpuHour => "contract.extension_usd_per_gpu_hour",
            Input::ExtensionUnavailable => "contract.extension_unavailable",
            Input::ExtensionWaitDays => "contract.extension_wait_days",
            Input::ContractLuck => "contract.luck",
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
            | Input::OtherUsd
            | Input::ExtensionWaitDays => Domain::NonNegative,
            Input::Pue => Domain::AtLeastOne,
            Input::FailureLuck | Input::ContractLuck => Domain::UnitOpenClosed,
            Input::ContractUnusedPaid | Input::ExtensionUnavailable => Domain::UnitClosed,
            _ => Domain::Positive,
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// A run's own luck (a uniform quantile the model turns into chance events), drawn for every
    /// run and never written in a file: it cannot be set, correlated or pinned at a percentile
    /// the way a quantity can.
    pub fn is_luck(self) -> bool {
        matches!(self, Input::FailureLuck | Input::ContractLuck)
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
        ContractCostUsd,
        ExtensionCostUsd,
        OverrunDays,
        UnusedGpuHours,
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
            Metric::ContractCostUsd => "contract_cost_usd",
            Metric::ExtensionCostUsd => "extension_cost_usd",
            Metric::OverrunDays => "overrun_days",
            Metric::UnusedGpuHours => "unused_gpu_hours",
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
            | Metric::FixedCostUsd
            | Metric::ContractCostUsd
            | Metric::ExtensionCostUsd
            | Metric::OverrunDays
            | Metric::UnusedGpuHours => Domain::NonNegative,
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
            | Metric::FixedCostUsd
            | Metric::ContractCostUsd
            | Metric::ExtensionCostUsd => Unit::Usd,
            Metric::OverrunDays => Unit::Days,
            Metric::UnusedGpuHours => Unit::Hours,
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
    /// Compute is bought on a reserved-capacity contract (`[contract]`) instead of by the hour.
    pub contract: bool,
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
                Metric::ContractCostUsd
                | Metric::ExtensionCostUsd
                | Metric::OverrunDays
                | Metric::UnusedGpuHours => self.contract,
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

/// The contract's inputs a step depends on, beside the training time's.
macro_rules! contract_inputs {
    ($($more:expr),*) => {
        time_inputs!(
            I::ContractGpus,
            I::ContractTermDays,
            I::ContractUsdPerGpuHour,
            I::ContractUnusedPaid
            $(, $more)*
        )
    };
}
const OVERRUN: Step = Step {
    formula: "overrun_days = max(training days − contract.term_days, 0)",
    inputs: time_inputs!(I::ContractTermDays),
    positive: false,
};
const TRAIN_DAYS_WAIT: Step = Step {
    formula: "train_days = training days + extension_wait_days when no extension capacity is free",
    inputs: time_inputs!(
        I::ContractTermDays,
        I::ExtensionUnavailable,
        I::ExtensionWaitDays,
        I::ContractLuck
    ),
    positive: true,
};
const CONTRACT_COST: Step = Step {
    formula: "contract_cost_usd = contract.gpus × 24 × usd_per_gpu_hour × (days in the term + unused_paid × days of the term unused)",
    inputs: contract_inputs!(),
    positive: true,
};
const EXTENSION_COST: Step = Step {
    formula: "extension_cost_usd = 24 × extension_usd_per_gpu_hour × (gpus × overrun_days + GPUs beyond the reservation × days in the term)",
    inputs: contract_inputs!(I::ExtensionUsdPerGpuHour),
    positive: false,
};
const UNUSED_GPU_HOURS: Step = Step {
    formula: "unused_gpu_hours = 24 × (contract.gpus × term_days − reserved GPUs in use × days in the term)",
    inputs: contract_inputs!(),
    positive: false,
};
const COMPUTE_COST_CONTRACT: Step = Step {
    formula: "compute_cost_usd = contract_cost_usd + extension_cost_usd",
    inputs: contract_inputs!(I::ExtensionUsdPerGpuHour),
    positive: true,
};

/// What a run's compute costs on a contract, and the days it finishes in.
struct OnContract {
    train_days: f64,
    contract_cost: f64,
    extension_cost: f64,
    overrun_days: f64,
    unused_gpu_hours: f64,
}

/// The contract's terms applied to a run that computes for `days` on `gpus` GPUs.
#[inline(always)]
fn on_contract(
    get: &impl Fn(Input) -> f64,
    gpus: f64,
    days: f64,
    w: &mut impl Watch,
) -> OnContract {
    let reserved = get(Input::ContractGpus);
    let term = get(Input::ContractTermDays);
    let in_term = days.min(term);
    let overrun_days = w.step(&OVERRUN, (days - term).max(0.0));
    // The luck is a uniform in (0, 1): a chance of 1 always waits, 0 never does.
    let waits = overrun_days > 0.0 && get(Input::ContractLuck) < get(Input::ExtensionUnavailable);
    let wait = if waits {
        get(Input::ExtensionWaitDays)
    } else {
        0.0
    };
    let train_days = w.step(&TRAIN_DAYS_WAIT, days + wait);
    let paid_days = in_term + get(Input::ContractUnusedPaid) * (term - in_term);
    let contract_cost = w.step(
        &CONTRACT_COST,
        reserved * 24.0 * get(Input::ContractUsdPerGpuHour) * paid_days,
    );
    let beyond = gpus * overrun_days + (gpus - reserved).max(0.0) * in_term;
    let extension_cost = w.step(
        &EXTENSION_COST,
        24.0 * get(Input::ExtensionUsdPerGpuHour) * beyond,
    );
    let unused_gpu_hours = w.step(
        &UNUSED_GPU_HOURS,
        24.0 * (reserved * term - gpus.min(reserved) * in_term),
    );
    OnContract {
        train_days,
        contract_cost,
        extension_cost,
        overrun_days,
        unused_gpu_hours,
    }
}

/// The model's outputs for one run's inputs.
#[inline(always)]
pub fn evaluate(x: &Inputs, options: ModelOptions) -> Outputs {
    evaluate_watched::<true, true>(|i| x[i.index()], options, &mut Unwatched)
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
    // Each switch known at compile time, so that the vectorised loop has no branch.
    match (options.failures.is_some(), options.contract) {
        (false, false) => crate::simd::vectorised(
            #[inline(always)]
            || evaluate_columns::<N, false, false>(x, n, options, y),
        ),
        (false, true) => crate::simd::vectorised(
            #[inline(always)]
            || evaluate_columns::<N, false, true>(x, n, options, y),
        ),
        (true, _) => evaluate_columns::<N, true, true>(x, n, options, y),
    }
    crate::simd::vectorised(
        #[inline(always)]
        || first_unsound(y, n, metrics),
    )
}

#[inline(always)]
fn evaluate_columns<const N: usize, const FAILURES: bool, const CONTRACT: bool>(
    x: &[[f64; N]; Input::COUNT],
    n: usize,
    options: ModelOptions,
    y: &mut [[f64; N]; Metric::COUNT],
) {
    for i in 0..n {
        let out =
            evaluate_watched::<FAILURES, CONTRACT>(|k| x[k.index()][i], options, &mut Unwatched);
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
    evaluate_watched::<true, true>(|i| x[i.index()], options, &mut watch);
    watch.0
}

#[inline(always)]
fn evaluate_watched<const FAILURES: bool, const CONTRACT: bool>(
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
    priced::<CONTRACT>(
        &get,
        options,
        Timing {
            flops,
            train_days,
            interruptions,
            effective,
        },
        w,
    )
}

/// How long one run takes: what [`priced`] needs beside the inputs.
#[derive(Debug, Clone, Copy)]
struct Timing {
    flops: f64,
    /// Days from the start to the end of training, before any contract's wait.
    train_days: f64,
    interruptions: f64,
    effective: f64,
}

/// The model's outputs for one run's inputs when its training days are already known: a run
/// re-forecast in flight, whose days so far were observed and whose remaining days were
/// simulated from where it stands (see [`progress`]).
pub fn evaluate_timed(
    x: &Inputs,
    options: ModelOptions,
    wall_hours: f64,
    interruptions: f64,
) -> Outputs {
    let get = |i: Input| x[i.index()];
    let flops = get(Input::FlopsPerParamToken) * get(Input::ActiveParams) * get(Input::Tokens);
    let throughput = get(Input::Gpus) * get(Input::PeakTflops) * 1e12 * get(Input::Mfu);
    let compute_hours = flops / throughput / 3600.0;
    let timing = Timing {
        flops,
        train_days: wall_hours / 24.0,
        interruptions,
        effective: compute_hours / wall_hours,
    };
    priced::<true>(&get, options, timing, &mut Unwatched)
}

/// The cost lines of a run that trains for `t.train_days`.
#[inline(always)]
fn priced<const CONTRACT: bool>(
    get: &impl Fn(Input) -> f64,
    options: ModelOptions,
    t: Timing,
    w: &mut impl Watch,
) -> Outputs {
    let Timing {
        flops,
        train_days,
        interruptions,
        effective,
    } = t;
    let gpus = get(Input::Gpus);
    let gpu_hours = w.step(&GPU_HOURS, gpus * train_days * 24.0);
    let (train_days, compute_cost, contract) = if CONTRACT && options.contract {
        let c = on_contract(get, gpus, train_days, w);
        let cost = w.step(&COMPUTE_COST_CONTRACT, c.contract_cost + c.extension_cost);
        (c.train_days, cost, c)
    } else {
        let cost = w.step(&COMPUTE_COST, gpu_hours * get(Input::GpuHourUsd));
        let none = OnContract {
            train_days,
            contract_cost: 0.0,
            extension_cost: 0.0,
            overrun_days: 0.0,
            unused_gpu_hours: 0.0,
        };
        (train_days, cost, none)
    };
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
        contract.contract_cost,
        contract.extension_cost,
        contract.overrun_days,
        contract.unused_gpu_hours,
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

    /// The article's run (68.5546875 days on 16,000 GPUs) on a contract of `reserved` GPUs for
    /// `term` days at $1.50, the on-demand $2 paid beyond it.
    fn on_contract(reserved: f64, term: f64) -> Inputs {
        let mut x = article();
        x[Input::ContractGpus.index()] = reserved;
        x[Input::ContractTermDays.index()] = term;
        x[Input::ContractUsdPerGpuHour.index()] = 1.5;
        x[Input::ContractUnusedPaid.index()] = 1.0;
        x[Input::ExtensionUsdPerGpuHour.index()] = 2.0;
        x[Input::ContractLuck.index()] = 0.5;
        x
    }

    const CONTRACT: ModelOptions = ModelOptions {
        labor_follows_run: false,
        failures: None,
        cost_lines: CostLines {
            energy: false,
            storage_network: false,
            experiments: false,
            fixed: false,
        },
        contract: true,
    };
    const DAYS: f64 = 68.554_687_5;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn a_take_or_pay_contract_is_paid_in_full_by_a_run_that_ends_early() {
        let y = evaluate(&on_contract(16_000.0, 90.0), CONTRACT);
        let contract = 16_000.0 * 24.0 * 1.5 * 90.0;
        assert!(close(y[Metric::ContractCostUsd.index()], contract));
        assert_eq!(y[Metric::ExtensionCostUsd.index()], 0.0);
        assert_eq!(y[Metric::OverrunDays.index()], 0.0);
        let unused = 24.0 * 16_000.0 * (90.0 - DAYS);
        assert!(close(y[Metric::UnusedGpuHours.index()], unused));
        assert!(close(y[Metric::ComputeCostUsd.index()], contract));
        assert!(close(y[Metric::TrainDays.index()], DAYS));
        assert!(close(y[Metric::TotalCostUsd.index()], contract + 25e6));
    }

    #[test]
    fn an_unused_term_is_paid_in_the_share_the_contract_says() {
        let mut x = on_contract(16_000.0, 90.0);
        x[Input::ContractUnusedPaid.index()] = 0.25;
        let y = evaluate(&x, CONTRACT);
        let paid = 16_000.0 * 24.0 * 1.5 * (DAYS + 0.25 * (90.0 - DAYS));
        assert!(close(y[Metric::ContractCostUsd.index()], paid));
    }

    #[test]
    fn a_run_that_outlasts_the_term_pays_the_extension_price_for_the_days_beyond() {
        let y = evaluate(&on_contract(16_000.0, 60.0), CONTRACT);
        let over = DAYS - 60.0;
        assert!(close(y[Metric::OverrunDays.index()], over));
        assert!(close(
            y[Metric::ContractCostUsd.index()],
            16_000.0 * 24.0 * 1.5 * 60.0
        ));
        assert!(close(
            y[Metric::ExtensionCostUsd.index()],
            24.0 * 2.0 * 16_000.0 * over
        ));
        assert_eq!(y[Metric::UnusedGpuHours.index()], 0.0);
        // The GPU-hours are the run's own, whatever the contract.
        assert!(close(y[Metric::GpuHours.index()], 16_000.0 * DAYS * 24.0));
    }

    #[test]
    fn gpus_beyond_the_reservation_are_paid_at_the_extension_price() {
        let y = evaluate(&on_contract(12_000.0, 90.0), CONTRACT);
        assert!(close(
            y[Metric::ExtensionCostUsd.index()],
            24.0 * 2.0 * 4_000.0 * DAYS
        ));
        let unused = 24.0 * (12_000.0 * 90.0 - 12_000.0 * DAYS);
        assert!(close(y[Metric::UnusedGpuHours.index()], unused));
    }

    #[test]
    fn an_overrun_waits_for_capacity_only_when_its_luck_falls_under_the_chance() {
        let mut x = on_contract(16_000.0, 60.0);
        x[Input::ExtensionUnavailable.index()] = 0.3;
        x[Input::ExtensionWaitDays.index()] = 10.0;
        x[Input::TeamSize.index()] = 0.0;
        let labor_follows = ModelOptions {
            labor_follows_run: true,
            ..CONTRACT
        };
        for (luck, wait) in [(0.29, 10.0), (0.3, 0.0), (0.9, 0.0)] {
            x[Input::ContractLuck.index()] = luck;
            let y = evaluate(&x, labor_follows);
            assert!(close(y[Metric::TrainDays.index()], DAYS + wait), "{luck}");
            // No GPU is held, nor paid, while the run waits.
            assert!(close(y[Metric::GpuHours.index()], 16_000.0 * DAYS * 24.0));
        }
        // A run within its term never waits, whatever its luck.
        let mut within = on_contract(16_000.0, 90.0);
        within[Input::ExtensionUnavailable.index()] = 1.0;
        within[Input::ExtensionWaitDays.index()] = 10.0;
        assert!(close(
            evaluate(&within, CONTRACT)[Metric::TrainDays.index()],
            DAYS
        ));
    }

    #[test]
    fn a_contract_run_block_by_block_matches_run_by_run() {
        let mut x = on_contract(12_000.0, 70.0);
        x[Input::ExtensionUnavailable.index()] = 0.5;
        x[Input::ExtensionWaitDays.index()] = 5.0;
        const N: usize = 8;
        let mut columns = [[0.0; N]; Input::COUNT];
        for (k, column) in columns.iter_mut().enumerate() {
            column.fill(x[k]);
        }
        for (i, mfu) in columns[Input::Mfu.index()].iter_mut().enumerate() {
            *mfu = 0.9 + 0.03 * i as f64;
        }
        for (i, luck) in columns[Input::ContractLuck.index()].iter_mut().enumerate() {
            *luck = (i as f64 + 0.5) / N as f64;
        }
        let mut y = [[0.0; N]; Metric::COUNT];
        assert_eq!(
            evaluate_block(&columns, N, CONTRACT, &CONTRACT.metrics(), &mut y),
            None
        );
        for i in 0..N {
            let run: Inputs = std::array::from_fn(|k| columns[k][i]);
            let one = evaluate(&run, CONTRACT);
            for m in CONTRACT.metrics() {
                assert_eq!(
                    y[m.index()][i].to_bits(),
                    one[m.index()].to_bits(),
                    "{m:?} {i}"
                );
            }
        }
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
