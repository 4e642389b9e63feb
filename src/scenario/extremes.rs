//! Inputs that break the model's arithmetic are refused when the scenario is read, not after a
//! long simulation: the model is evaluated with every input at its median, then with each
//! uncertain input in turn at each end of the range its draws can reach. A later run may still
//! combine several extremes at once; the simulation checks every run for that.

use std::ops::Range;

use super::Scenario;
use super::reader::Source;
use crate::dist::Dist;
use crate::error::Error;
use crate::model::{self, Fault, Input, Inputs};
use crate::units::general;

/// The smallest tail probability a draw reaches: uniforms carry 53 random bits.
const TAIL: f64 = 1.0 / 9_007_199_254_740_992.0;

pub(super) fn check(
    src: &Source,
    scenario: &Scenario,
    spans: &[Option<Range<usize>>],
) -> Result<(), Error> {
    let base: Inputs = std::array::from_fn(|i| scenario.inputs[i].dist.median());
    if let Some(fault) = model::diagnose(&base, scenario.options) {
        return Err(at_medians(src, scenario, spans, &base, &fault));
    }
    for spec in scenario.uncertain_inputs() {
        for (end, value) in reach(&spec.dist) {
            let mut x = base;
            for slot in scenario.slots_of(spec.stream) {
                x[slot] = value;
            }
            if let Some(fault) = model::diagnose(&x, scenario.options) {
                let span = spans[spec.input.index()].clone().unwrap_or(0..0);
                return Err(src.error(
                    span,
                    format!(
                        "`{}` can draw values {end} {}, where the model's arithmetic fails: {}",
                        spec.input.key(),
                        general(value),
                        fault.describe()
                    ),
                    format!("draws reach {}", general(value)),
                    Some(format!(
                        "with every other input at its median; {}; bound the distribution \
                         (`lower` / `upper`) or narrow it so that its draws stay in a physical range",
                        involved(scenario, &x, &fault)
                    )),
                ));
            }
        }
    }
    Ok(())
}

/// The lowest and highest values a distribution's draws can take: the closed ends of its
/// support, or the quantiles of the most extreme uniform a draw can use.
fn reach(dist: &Dist) -> [(&'static str, f64); 2] {
    let s = dist.support();
    let lo = if s.lo.is_finite() && !s.lo_open {
        s.lo
    } else {
        dist.quantile(TAIL)
    };
    let hi = if s.hi.is_finite() && !s.hi_open {
        s.hi
    } else {
        dist.quantile(1.0 - TAIL)
    };
    [("down to", lo), ("up to", hi)]
}

/// The fault with every input at its median: points at the most extreme input involved.
fn at_medians(
    src: &Source,
    scenario: &Scenario,
    spans: &[Option<Range<usize>>],
    x: &Inputs,
    fault: &Fault,
) -> Error {
    let extremity = |i: &Input| {
        let v = x[i.index()].abs();
        if v.is_finite() && v > 0.0 {
            v.ln().abs()
        } else {
            f64::INFINITY
        }
    };
    let culprit = fault
        .inputs()
        .iter()
        .filter(|i| scenario.spec(**i).used && spans[i.index()].is_some())
        .max_by(|a, b| extremity(a).total_cmp(&extremity(b)));
    let span = culprit
        .and_then(|i| spans[i.index()].clone())
        .unwrap_or(0..0);
    src.error(
        span,
        format!(
            "the model's arithmetic fails with every input at its median: {}",
            fault.describe()
        ),
        "the most extreme value involved",
        Some(format!(
            "{}; bring the extreme one back to a physical range",
            involved(scenario, x, fault)
        )),
    )
}

/// "inputs involved: cluster.gpus = 1e300, cluster.peak_tflops = 989"
fn involved(scenario: &Scenario, x: &Inputs, fault: &Fault) -> String {
    let list: Vec<String> = fault
        .inputs()
        .iter()
        .filter(|i| scenario.spec(**i).used)
        .map(|i| format!("{} = {}", i.key(), general(x[i.index()])))
        .collect();
    format!("inputs involved: {}", list.join(", "))
}
