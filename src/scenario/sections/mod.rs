//! One file per section of a scenario file, each with its keys and its reader.

use crate::model::Input;

mod cluster;
mod contract;
mod correlation;
mod cost;
mod failures;
mod model;
mod published;
mod schedule;
mod simulation;
mod team;

pub(super) use cluster::*;
pub(super) use contract::*;
pub use correlation::copula_layout;
pub(super) use correlation::*;
pub(super) use cost::*;
pub(super) use failures::*;
pub(super) use model::*;
pub(super) use published::*;
pub(super) use schedule::*;
pub(super) use simulation::*;
pub(super) use team::*;

/// The keys a section takes: its inputs' keys (in the model's order, from the typed inputs),
/// then the settings of that section that are not inputs. A luck input (`failures.luck`) is the
/// run's own, set by the analyses and never written in a file.
fn keys_of(section: &str, settings: &[&'static str]) -> Vec<&'static str> {
    Input::ALL
        .iter()
        .filter(|i| !i.is_luck())
        .filter_map(|i| i.key().split_once('.'))
        .filter(|(s, _)| *s == section)
        .map(|(_, key)| key)
        .chain(settings.iter().copied())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sections_keys_are_its_inputs_then_its_settings() {
        assert_eq!(
            *CLUSTER_KEYS,
            [
                "gpus",
                "peak_tflops",
                "mfu",
                "downtime",
                "gpu",
                "precision",
                "year"
            ]
        );
        assert_eq!(
            *MODEL_KEYS,
            ["params", "active_params", "tokens", "flops_per_param_token"]
        );
        assert_eq!(
            *TEAM_KEYS,
            [
                "size",
                "salary_usd",
                "months",
                "months_before",
                "months_after"
            ]
        );
        assert!(!FAILURE_KEYS.contains(&"luck"));
        assert_eq!(FAILURE_KEYS.len(), 5);
        assert_eq!(COST_KEYS.len(), 9);
    }
}
