//! What the model's outputs and inputs are called in a document, and how their values are
//! written; their keys (`total_cost_usd`, `gpu_hour_usd`) go beside in small type.

use super::{Input, Metric};
use crate::format::Style;

impl Metric {
    /// The plain name: "Total cost".
    pub fn label(self) -> &'static str {
        match self {
            Metric::TrainFlops => "Training compute (FLOP)",
            Metric::TrainDays => "Training days",
            Metric::GpuHours => "GPU-hours",
            Metric::ComputeCostUsd => "Compute cost",
            Metric::LaborCostUsd => "Labor cost",
            Metric::TotalCostUsd => "Total cost",
            Metric::Interruptions => "Interruptions",
            Metric::EffectiveTimeRatio => "Share of time spent computing",
            Metric::EnergyCostUsd => "Energy cost",
            Metric::StorageNetworkCostUsd => "Storage and network cost",
            Metric::ExperimentsCostUsd => "Experiments cost",
            Metric::FixedCostUsd => "Fixed costs",
            Metric::ContractCostUsd => "Contract cost",
            Metric::ExtensionCostUsd => "Cost beyond the contract",
            Metric::OverrunDays => "Days beyond the contract term",
            Metric::UnusedGpuHours => "Reserved GPU-hours unused",
        }
    }
}

impl Input {
    /// The plain name: "GPU-hour price".
    pub fn label(self) -> &'static str {
        self.named().0
    }

    /// How its values are written in a document.
    pub fn style(self) -> Style {
        self.named().1
    }

    fn named(self) -> (&'static str, Style) {
        use Style::*;
        match self {
            Input::Params => ("Parameters", Count),
            Input::ActiveParams => ("Active parameters", Count),
            Input::Tokens => ("Training tokens", Count),
            Input::FlopsPerParamToken => ("FLOP per parameter per token", Number),
            Input::Gpus => ("GPUs", Count),
            Input::PeakTflops => ("Peak TFLOPS per GPU", Number),
            Input::Mfu => ("Utilisation (MFU)", Percent),
            Input::Downtime => ("Downtime", Percent),
            Input::GpuHourUsd => ("GPU-hour price", Money),
            Input::TeamSize => ("Team size", Count),
            Input::SalaryUsd => ("Yearly cost per person", Money),
            Input::Months => ("Team months", Number),
            Input::MonthsBefore => ("Team months before the run", Number),
            Input::MonthsAfter => ("Team months after the run", Number),
            Input::FailureRate => ("Failures per GPU-hour", Number),
            Input::GpuMtbfHours => ("Hours between failures per GPU", Number),
            Input::RestartHours => ("Restart time (hours)", Number),
            Input::CheckpointIntervalHours => ("Checkpoint interval (hours)", Number),
            Input::CheckpointWriteHours => ("Checkpoint write time (hours)", Number),
            Input::FailureLuck => ("Failure luck (quantile)", Number),
            Input::GpuKw => ("Power per GPU (kW)", Number),
            Input::Pue => ("Power usage effectiveness (PUE)", Number),
            Input::UsdPerKwh => ("Electricity price per kWh", Money),
            Input::StorageNetworkUsdPerGpuHour => ("Storage and network per GPU-hour", Money),
            Input::ExperimentsFraction => ("Experiments, share of compute cost", Percent),
            Input::DataUsd => ("Data cost", Money),
            Input::EvaluationUsd => ("Evaluation cost", Money),
            Input::OtherUsd => ("Other costs", Money),
            Input::ContractGpus => ("Reserved GPUs", Count),
            Input::ContractTermDays => ("Contract term (days)", Number),
            Input::ContractUsdPerGpuHour => ("Contract price per GPU-hour", Money),
            Input::ContractUnusedPaid => ("Share of unused term paid", Percent),
            Input::ExtensionUsdPerGpuHour => ("Extension price per GPU-hour", Money),
            Input::ExtensionUnavailable => ("Chance no extension is free", Percent),
            Input::ExtensionWaitDays => ("Wait for extension capacity (days)", Number),
            Input::ContractLuck => ("Contract luck (quantile)", Number),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_output_and_input_has_a_plain_label() {
        for m in Metric::ALL {
            assert!(!m.label().contains('_'), "{}", m.name());
        }
        for i in Input::ALL {
            assert!(!i.label().contains('_'), "{}", i.key());
        }
    }
}
