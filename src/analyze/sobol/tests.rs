//! Sobol indices against published analytic values.

use super::*;
use crate::analyze::textbook::{ishigami, ishigami_indices, sobol_g, sobol_g_indices};
use crate::sample::saltelli::{PointSet, SaltelliPlan};

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

/// Each estimate within `tol` of the truth, and the truth inside each 95% interval.
fn assert_indices(got: &[SobolIndex], s1: &[f64], st: &[f64], tol: f64, what: &str) {
    for (i, g) in got.iter().enumerate() {
        assert!(
            (g.s1.value - s1[i]).abs() < tol,
            "{what} S1[{i}] = {} vs {}",
            g.s1.value,
            s1[i]
        );
        assert!(
            (g.st.value - st[i]).abs() < tol,
            "{what} ST[{i}] = {} vs {}",
            g.st.value,
            st[i]
        );
        assert!(
            g.s1.ci95_lo <= s1[i] && s1[i] <= g.s1.ci95_hi,
            "{what} S1[{i}] = {} not in {g:?}",
            s1[i]
        );
        assert!(
            g.st.ci95_lo <= st[i] && st[i] <= g.st.ci95_hi,
            "{what} ST[{i}] = {} not in {g:?}",
            st[i]
        );
    }
}

#[test]
fn ishigami_with_random_points() {
    let got = study(3, 1 << 14, PointSet::Random, ishigami);
    let k = ishigami_indices();
    assert_indices(&got, &k.s1, &k.st, 0.02, "ishigami/random");
}

#[test]
fn ishigami_with_sobol_points() {
    let got = study(3, 1 << 14, PointSet::Sobol, ishigami);
    let k = ishigami_indices();
    assert_indices(&got, &k.s1, &k.st, 0.02, "ishigami/sobol");
}

#[test]
fn sobol_g_function() {
    let a = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0];
    let k = sobol_g_indices(&a);
    let got = study(a.len(), 1 << 14, PointSet::Sobol, |u| sobol_g(&a, u));
    assert_indices(&got, &k.s1, &k.st, 0.02, "sobol-g");
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
        for e in [g.s1, g.st] {
            assert_eq!(
                (e.value, e.ci95_lo, e.ci95_hi, e.se),
                (0.0, 0.0, 0.0, 0.0),
                "{g:?}"
            );
        }
    }
}

#[test]
fn a_large_output_mean_does_not_swamp_the_estimate() {
    // Dollars: Ishigami shifted by 1e9 must give the same indices.
    let got = study(3, 1 << 14, PointSet::Sobol, |u| 1e9 + ishigami(u));
    let k = ishigami_indices();
    assert_indices(&got, &k.s1, &k.st, 0.02, "shifted ishigami");
}

#[test]
fn the_check_can_fail() {
    // A wrong answer is caught: the analytic values of x1 are not those of x2.
    let got = study(3, 1 << 14, PointSet::Sobol, ishigami);
    assert!((got[0].s1.value - ishigami_indices().s1[1]).abs() > 0.02);
    assert!(
        !(got[0].st.ci95_lo <= ishigami_indices().st[2]
            && ishigami_indices().st[2] <= got[0].st.ci95_hi)
    );
}

#[test]
fn without_bootstrap_replicates_there_is_no_interval_rather_than_one_of_zero_width() {
    let plan = SaltelliPlan::new(256, 3, PointSet::Sobol, 2024);
    let out = evaluate(&plan, 1, |u, y| y[0] = ishigami(u));
    for g in indices(&out[0], 0, 99) {
        assert!(g.s1.value.is_finite() && g.st.value.is_finite(), "{g:?}");
        assert!(g.s1.ci95_lo.is_nan() && g.s1.ci95_hi.is_nan(), "{g:?}");
        assert!(g.st.ci95_lo.is_nan() && g.st.ci95_hi.is_nan(), "{g:?}");
    }
}

#[test]
fn every_output_is_evaluated_on_its_own_rows() {
    // Two outputs of three inputs: each column must hold that output at that row of A, B and
    // AB_i, as a direct evaluation gives it.
    let plan = SaltelliPlan::new(16, 3, PointSet::Random, 7);
    let f = |u: &[f64]| [u[0] + 10.0 * u[1] + 100.0 * u[2], u[0] * u[1] - u[2]];
    let outs = evaluate(&plan, 2, |u, y| y.copy_from_slice(&f(u)));
    assert_eq!(outs.len(), 2);
    let mut point = vec![0.0; 3];
    for (m, out) in outs.iter().enumerate() {
        for r in 0..16 {
            assert_eq!(out.fa[r], f(plan.row_a(r))[m]);
            assert_eq!(out.fb[r], f(plan.row_b(r))[m]);
            for i in 0..3 {
                plan.row_ab(r, i, &mut point);
                assert_eq!(out.fab[i][r], f(&point)[m], "output {m}, row {r}, AB_{i}");
            }
        }
    }
}

#[test]
fn indices_do_not_depend_on_the_outputs_units() {
    // Sobol indices are ratios of variances: scaling the output by 1e-6 or 1e6 changes none.
    let plan = SaltelliPlan::new(1 << 10, 3, PointSet::Sobol, 3);
    let at = |scale: f64| {
        let out = evaluate(&plan, 1, |u, y| y[0] = scale * ishigami(u));
        indices(&out[0], 0, 1)
    };
    let base = at(1.0);
    for scale in [1e-6, 1e6] {
        for (g, b) in at(scale).iter().zip(&base) {
            assert!(
                (g.s1.value - b.s1.value).abs() < 1e-9,
                "{scale}: {g:?} vs {b:?}"
            );
            assert!(
                (g.st.value - b.st.value).abs() < 1e-9,
                "{scale}: {g:?} vs {b:?}"
            );
        }
    }
    // Without replicates there is no interval.
    for b in &base {
        assert!(
            b.s1.ci95_lo.is_nan()
                && b.s1.ci95_hi.is_nan()
                && b.st.ci95_lo.is_nan()
                && b.st.ci95_hi.is_nan()
        );
    }
}

/// S1 and ST over the rows repeated as often as their weights say, computed directly: V is the
/// variance of the pooled f(A) ∪ f(B), and f(B) is measured from the mean of every row (the
/// centring of the point estimate).
fn repeated_rows(out: &SaltelliOutputs, weights: &[u32]) -> (Vec<f64>, Vec<f64>) {
    let n = out.fa.len();
    let rows: Vec<usize> = (0..n)
        .flat_map(|r| std::iter::repeat_n(r, weights[r] as usize))
        .collect();
    let m = rows.len() as f64;
    let centre = (out.fa.iter().sum::<f64>() + out.fb.iter().sum::<f64>()) / (2.0 * n as f64);
    let pooled: Vec<f64> = rows.iter().flat_map(|&r| [out.fa[r], out.fb[r]]).collect();
    let mean = pooled.iter().sum::<f64>() / (2.0 * m);
    let v = pooled.iter().map(|y| (y - mean).powi(2)).sum::<f64>() / (2.0 * m);
    (0..out.fab.len())
        .map(|i| {
            let d = |r: usize| out.fab[i][r] - out.fa[r];
            let s1 = rows
                .iter()
                .map(|&r| (out.fb[r] - centre) * d(r))
                .sum::<f64>()
                / m
                / v;
            let st = rows.iter().map(|&r| d(r) * d(r)).sum::<f64>() / (2.0 * m) / v;
            (s1, st)
        })
        .unzip()
}

#[test]
fn a_bootstrap_weight_counts_a_row_that_many_times() {
    let out = SaltelliOutputs {
        points: PointSet::Random,
        fa: vec![1.0, 4.0, 2.0, 8.0, 5.0, 3.0],
        fb: vec![2.0, 7.0, 1.0, 9.0, 3.0, 6.0],
        fab: vec![
            vec![1.5, 6.0, 1.0, 7.0, 4.0, 5.0],
            vec![0.5, 4.5, 3.0, 8.5, 5.5, 2.0],
        ],
    };
    for weights in [[0u32, 2, 1, 0, 3, 1], [1_000_000; 6]] {
        let (s1, st) = repeated_rows(&out, &weights);
        let got = Centred::new(&out).estimate(Some(&weights));
        for i in 0..2 {
            assert!(
                (got.s1[i] - s1[i]).abs() < 1e-12,
                "S1[{i}] {} vs {}",
                got.s1[i],
                s1[i]
            );
            assert!(
                (got.st[i] - st[i]).abs() < 1e-12,
                "ST[{i}] {} vs {}",
                got.st[i],
                st[i]
            );
        }
    }
}

#[test]
fn a_variance_below_a_trillionth_of_the_mean_square_counts_as_none() {
    // Weighted rows 1 ± δ (the others, at −1, weigh 0): variance δ², mean square 1 + δ².
    // Above the 1e-12 threshold the indices are those of the repeated rows; below, all 0.
    let weights = [2u32, 1, 0, 0];
    for (delta_sq, counts) in [(1.1e-12, true), (0.5e-12, false)] {
        let d = f64::sqrt(delta_sq);
        let out = SaltelliOutputs {
            points: PointSet::Random,
            fa: vec![1.0 + d, 1.0 - d, -1.0, -1.0],
            fb: vec![1.0 - d, 1.0 + d, -1.0, -1.0],
            fab: vec![vec![1.0 + 3.0 * d, 1.0 - 2.0 * d, -1.0, -1.0]],
        };
        let got = Centred::new(&out).estimate(Some(&weights));
        if counts {
            let (s1, st) = repeated_rows(&out, &weights);
            assert!(
                (got.s1[0] / s1[0] - 1.0).abs() < 1e-3,
                "{} vs {}",
                got.s1[0],
                s1[0]
            );
            assert!(
                (got.st[0] / st[0] - 1.0).abs() < 1e-3,
                "{} vs {}",
                got.st[0],
                st[0]
            );
        } else {
            assert_eq!((got.s1[0], got.st[0]), (0.0, 0.0));
        }
    }
}

#[test]
fn bootstrap_weights_are_poisson_with_mean_one() {
    // Poisson(1): mean 1, variance 1, P(0) = P(1) = e^-1, P(2) = e^-1 / 2.
    let n = 200_000;
    let w = poisson_weights(n, 42, 3);
    let share = |k: u32| w.iter().filter(|&&x| x == k).count() as f64 / n as f64;
    let mean = w.iter().map(|&x| f64::from(x)).sum::<f64>() / n as f64;
    let var = w
        .iter()
        .map(|&x| (f64::from(x) - mean).powi(2))
        .sum::<f64>()
        / n as f64;
    // Four standard errors: √(1/n) = 0.0022 for the mean, √(p(1 − p)/n) ≈ 0.0011 for shares.
    assert!((mean - 1.0).abs() < 0.009, "{mean}");
    assert!((var - 1.0).abs() < 0.015, "{var}");
    let e = (-1f64).exp();
    for (k, p) in [(0, e), (1, e), (2, e / 2.0), (3, e / 6.0)] {
        assert!(
            (share(k) - p).abs() < 0.0045,
            "P({k}) = {} vs {p}",
            share(k)
        );
    }
    assert_eq!(w, poisson_weights(n, 42, 3));
    assert_ne!(w, poisson_weights(n, 42, 4));
}
