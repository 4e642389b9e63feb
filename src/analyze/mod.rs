//! Analyses of model outputs: which inputs drive them, and how well forecasts met outcomes.
//! Each analysis consumes plain data (sampling plans, input and output columns, forecasts and
//! outcomes) and knows nothing of scenarios.

pub mod calibration;
pub mod drivers;
pub mod portfolio;
pub mod precision;
pub mod rank;
pub mod reforecast;
pub mod sobol;
pub mod tail;
pub mod textbook;
pub mod tornado;

/// The value at quantile q of an already sorted slice, interpolating linearly.
pub(crate) fn sorted_quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

#[cfg(test)]
mod tests {
    use super::sorted_quantile;

    #[test]
    fn quantiles_interpolate_linearly_between_order_statistics() {
        // Hyndman & Fan's definition 7 (R's and numpy's default): h = (n − 1) q, and the value
        // moves from x[⌊h⌋] toward x[⌊h⌋ + 1] by the fraction h − ⌊h⌋.
        let x = [1.0, 2.0, 4.0, 8.0, 16.0];
        let cases = [
            (0.0, 1.0),
            (0.3, 2.4),   // h = 1.2: 2 + 0.2 × (4 − 2)
            (0.5, 4.0),   // h = 2
            (0.85, 11.2), // h = 3.4: 8 + 0.4 × (16 − 8)
            (1.0, 16.0),
        ];
        for (q, want) in cases {
            let got = sorted_quantile(&x, q);
            assert!((got - want).abs() < 1e-12, "q = {q}: {got} vs {want}");
        }
        assert_eq!(sorted_quantile(&[7.0], 0.5), 7.0);
        assert_eq!(sorted_quantile(&[7.0], 1.0), 7.0);
    }
}
