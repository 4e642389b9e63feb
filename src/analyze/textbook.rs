//! Textbook test functions with exactly known Sobol indices, for checking the analyses (unit
//! tests, coverage studies, benchmarks) against the truth rather than against themselves.

use std::f64::consts::PI;

/// Exact first-order and total indices, one per input.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownIndices {
    pub s1: Vec<f64>,
    pub st: Vec<f64>,
}

/// The Ishigami function (a = 7, b = 0.1) of three inputs uniform on (−π, π), given here on
/// the unit cube: sin x1 + a sin² x2 + b x3⁴ sin x1.
pub fn ishigami(u: &[f64]) -> f64 {
    let x: Vec<f64> = u.iter().map(|u| -PI + 2.0 * PI * u).collect();
    x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
}

/// Ishigami's indices from its variance decomposition (Saltelli et al., Global Sensitivity
/// Analysis: The Primer, 2008): V1 = ½(1 + bπ⁴/5)², V2 = a²/8, V13 = b²π⁸(1/18 − 1/50).
/// S1 = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437).
pub fn ishigami_indices() -> KnownIndices {
    let (a, b) = (7.0, 0.1);
    let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
    let v2 = a * a / 8.0;
    let v13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
    let v = v1 + v2 + v13;
    KnownIndices {
        s1: vec![v1 / v, v2 / v, 0.0],
        st: vec![(v1 + v13) / v, v2 / v, v13 / v],
    }
}

/// Sobol's G function on the unit cube: Π (|4xᵢ − 2| + aᵢ) / (1 + aᵢ). A small aᵢ makes input
/// i important, a large one negligible.
pub fn sobol_g(a: &[f64], u: &[f64]) -> f64 {
    u.iter()
        .zip(a)
        .map(|(x, a)| ((4.0 * x - 2.0).abs() + a) / (1.0 + a))
        .product()
}

/// The G function's indices: Vᵢ = 1 / (3 (1 + aᵢ)²), V = Π (1 + Vᵢ) − 1.
pub fn sobol_g_indices(a: &[f64]) -> KnownIndices {
    let vi: Vec<f64> = a
        .iter()
        .map(|a| 1.0 / (3.0 * (1.0 + a) * (1.0 + a)))
        .collect();
    let v = vi.iter().map(|v| 1.0 + v).product::<f64>() - 1.0;
    let others = |i: usize| -> f64 {
        (0..a.len())
            .filter(|&j| j != i)
            .map(|j| 1.0 + vi[j])
            .product()
    };
    KnownIndices {
        s1: vi.iter().map(|x| x / v).collect(),
        st: (0..a.len()).map(|i| vi[i] * others(i) / v).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ishigami_indices_are_the_published_values() {
        let k = ishigami_indices();
        let round = |v: &[f64]| {
            v.iter()
                .map(|x| (x * 1e4).round() / 1e4)
                .collect::<Vec<_>>()
        };
        assert_eq!(round(&k.s1), [0.3139, 0.4424, 0.0]);
        assert_eq!(round(&k.st), [0.5576, 0.4424, 0.2437]);
    }

    #[test]
    fn ishigami_at_known_points() {
        // x = (π/2, π/2, π/2) sits at u = 3/4: 1 + 7 + 0.1 (π/2)⁴.
        let y = ishigami(&[0.75, 0.75, 0.75]);
        assert!((y - (8.0 + 0.1 * (PI / 2.0).powi(4))).abs() < 1e-12);
    }

    #[test]
    fn a_g_function_of_one_input_has_all_the_variance_in_it() {
        let k = sobol_g_indices(&[0.0]);
        // V = (1 + V1) − 1 rounds V1 by a few ulps.
        assert!(
            (k.s1[0] - 1.0).abs() < 1e-15 && (k.st[0] - 1.0).abs() < 1e-15,
            "{k:?}"
        );
        assert_eq!(sobol_g(&[0.0, 99.0], &[0.5, 0.5]), 0.0);
        assert!((sobol_g(&[0.0, 99.0], &[1.0, 0.5]) - 2.0 * 99.0 / 100.0).abs() < 1e-12);
    }
}
