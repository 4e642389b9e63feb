//! Sobol indices against published analytic values.

use super::*;
use crate::sample::saltelli::{PointSet, SaltelliPlan};
use std::f64::consts::PI;

fn study(
    k: usize,
    n: usize,
    points: PointSet,
    f: impl Fn(&[f64]) -> f64 + Sync,
) -> Vec<SobolIndex> {
    let plan = SaltelliPlan::new(n, k, points, 2024);
    let out = evaluate(&plan, 1, |u, y| y[0] = f(u));
    indices(&out[0], 200, 99)
}

fn ishigami(u: &[f64]) -> f64 {
    let x: Vec<f64> = u.iter().map(|u| -PI + 2.0 * PI * u).collect();
    x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
}

/// Each estimate within `tol` of the truth, and the truth inside each 95% interval.
fn assert_indices(got: &[SobolIndex], s1: &[f64], st: &[f64], tol: f64, what: &str) {
    for (i, g) in got.iter().enumerate() {
        assert!(
            (g.s1 - s1[i]).abs() < tol,
            "{what} S1[{i}] = {} vs {}",
            g.s1,
            s1[i]
        );
        assert!(
            (g.st - st[i]).abs() < tol,
            "{what} ST[{i}] = {} vs {}",
            g.st,
            st[i]
        );
        assert!(
            g.s1_lo <= s1[i] && s1[i] <= g.s1_hi,
            "{what} S1[{i}] = {} not in {g:?}",
            s1[i]
        );
        assert!(
            g.st_lo <= st[i] && st[i] <= g.st_hi,
            "{what} ST[{i}] = {} not in {g:?}",
            st[i]
        );
    }
}

// Ishigami (a = 7, b = 0.1): Saltelli et al., Global Sensitivity Analysis: The Primer (2008).
const ISHIGAMI_S1: [f64; 3] = [0.3139, 0.4424, 0.0];
const ISHIGAMI_ST: [f64; 3] = [0.5576, 0.4424, 0.2437];

#[test]
fn ishigami_with_random_points() {
    let got = study(3, 1 << 14, PointSet::Random, ishigami);
    assert_indices(&got, &ISHIGAMI_S1, &ISHIGAMI_ST, 0.02, "ishigami/random");
}

#[test]
fn ishigami_with_sobol_points() {
    let got = study(3, 1 << 14, PointSet::Sobol, ishigami);
    assert_indices(&got, &ISHIGAMI_S1, &ISHIGAMI_ST, 0.02, "ishigami/sobol");
}

#[test]
fn sobol_g_function() {
    // g(x) = Π (|4x_i − 2| + a_i) / (1 + a_i); V_i = 1 / (3 (1 + a_i)²).
    let a = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0];
    let vi: Vec<f64> = a
        .iter()
        .map(|a| 1.0 / (3.0 * (1.0 + a) * (1.0 + a)))
        .collect();
    let v = vi.iter().map(|v| 1.0 + v).product::<f64>() - 1.0;
    let s1: Vec<f64> = vi.iter().map(|x| x / v).collect();
    let st: Vec<f64> = (0..a.len())
        .map(|i| {
            vi[i]
                * (0..a.len())
                    .filter(|&j| j != i)
                    .map(|j| 1.0 + vi[j])
                    .product::<f64>()
                / v
        })
        .collect();
    let g = |u: &[f64]| {
        u.iter()
            .zip(&a)
            .map(|(x, a)| ((4.0 * x - 2.0).abs() + a) / (1.0 + a))
            .product()
    };
    let got = study(a.len(), 1 << 14, PointSet::Sobol, g);
    assert_indices(&got, &s1, &st, 0.02, "sobol-g");
}

#[test]
fn additive_model_shares_variance_exactly() {
    // y = 1·x1 + 2·x2 + 3·x3 on U(0,1): S1 = ST = c_i² / Σ c².
    let got = study(3, 1 << 14, PointSet::Sobol, |u| {
        u[0] + 2.0 * u[1] + 3.0 * u[2]
    });
    let share = [1.0 / 14.0, 4.0 / 14.0, 9.0 / 14.0];
    assert_indices(&got, &share, &share, 0.02, "additive");
}

#[test]
fn constant_output_gives_zeros_not_nan() {
    let got = study(2, 1 << 10, PointSet::Random, |_| 42.0);
    for g in got {
        assert_eq!(g, SobolIndex::default());
    }
}

#[test]
fn a_large_output_mean_does_not_swamp_the_estimate() {
    // Dollars: Ishigami shifted by 1e9 must give the same indices.
    let got = study(3, 1 << 14, PointSet::Sobol, |u| 1e9 + ishigami(u));
    assert_indices(&got, &ISHIGAMI_S1, &ISHIGAMI_ST, 0.02, "shifted ishigami");
}

#[test]
fn the_check_can_fail() {
    // A wrong answer is caught: the analytic values of x1 are not those of x2.
    let got = study(3, 1 << 14, PointSet::Sobol, ishigami);
    assert!((got[0].s1 - ISHIGAMI_S1[1]).abs() > 0.02);
    assert!(!(got[0].st_lo <= ISHIGAMI_ST[2] && ISHIGAMI_ST[2] <= got[0].st_hi));
}

#[test]
fn without_bootstrap_replicates_there_is_no_interval_rather_than_one_of_zero_width() {
    let plan = SaltelliPlan::new(256, 3, PointSet::Sobol, 2024);
    let out = evaluate(&plan, 1, |u, y| y[0] = ishigami(u));
    for g in indices(&out[0], 0, 99) {
        assert!(g.s1.is_finite() && g.st.is_finite(), "{g:?}");
        assert!(g.s1_lo.is_nan() && g.s1_hi.is_nan(), "{g:?}");
        assert!(g.st_lo.is_nan() && g.st_hi.is_nan(), "{g:?}");
    }
}
