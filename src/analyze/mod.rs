//! Analyses of model outputs: which inputs drive them. Each analysis consumes plain data
//! (sampling plans, input and output columns) and knows nothing of scenarios.

pub mod rank;
pub mod sobol;
pub mod tail;
pub mod tornado;

/// The value at quantile q of an already sorted slice, interpolating linearly.
pub(crate) fn sorted_quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}
