//! Rank correlations between inputs by a Gaussian copula: correlated standard normals, mapped to
//! uniforms by Φ, then through each input's own quantile function, so every marginal stays
//! exactly as specified.
//!
//! A target Spearman correlation ρₛ needs the normal correlation r = 2·sin(π·ρₛ / 6): the exact
//! relation for a Gaussian copula (Pearson 1907), so the achieved rank correlation is the target
//! up to Monte Carlo error.

use std::f64::consts::PI;

/// A lower-triangular Cholesky factor of the normal correlation matrix of `k` variables.
#[derive(Debug, Clone, PartialEq)]
pub struct Copula {
    pub k: usize,
    /// Row-major k × k, zero above the diagonal.
    chol: Vec<f64>,
}

/// The matrix of targets is not a correlation matrix; `worst` is the first failing pivot.
#[derive(Debug, Clone, PartialEq)]
pub struct NotPositiveDefinite {
    pub pivot: f64,
}

impl Copula {
    /// `pairs`: (i, j, Spearman ρ) with i ≠ j < k, each pair at most once; others are 0.
    pub fn new(k: usize, pairs: &[(usize, usize, f64)]) -> Result<Self, NotPositiveDefinite> {
        let mut r = vec![0.0; k * k];
        for i in 0..k {
            r[i * k + i] = 1.0;
        }
        for &(i, j, rho) in pairs {
            let normal = 2.0 * (PI * rho / 6.0).sin();
            r[i * k + j] = normal;
            r[j * k + i] = normal;
        }
        cholesky(k, &r).map(|chol| Copula { k, chol })
    }

    /// Turns k independent standard normals into k correlated ones, in place.
    #[inline]
    pub fn correlate(&self, z: &mut [f64]) {
        for i in (0..self.k).rev() {
            let row = &self.chol[i * self.k..i * self.k + i + 1];
            z[i] = row.iter().zip(&z[..=i]).map(|(l, x)| l * x).sum();
        }
    }

    /// Whether [`Copula::correlate`] leaves the first variable's normal as it is (its row of
    /// the factor is (1), as a correlation matrix's first pivot is √1): its input can then be
    /// drawn from its uniform directly, with no round trip through Φ⁻¹ and Φ.
    pub fn keeps_first(&self) -> bool {
        self.chol.first() == Some(&1.0)
    }

    /// [`Copula::correlate`] for the first `n` runs of a block of columns (`z[i]` the i-th
    /// variable's), with the same bits: each sum starts at −0.0, as `Iterator::sum` does, and
    /// adds the terms in the same order. Inline, so that the caller's vector level applies.
    #[inline(always)]
    pub fn correlate_block<const N: usize>(&self, z: &mut [[f64; N]], n: usize) {
        let n = n.min(N);
        for i in (0..self.k).rev() {
            let row = &self.chol[i * self.k..i * self.k + i + 1];
            let mut sum = [-0.0; N];
            for (&l, col) in row.iter().zip(z.iter()) {
                for (s, &x) in sum[..n].iter_mut().zip(&col[..n]) {
                    *s += l * x;
                }
            }
            z[i][..n].copy_from_slice(&sum[..n]);
        }
    }
}

/// The largest |ρ| one pair on its own can have: nearer ±1 the pair's 2 × 2 matrix is too
/// close to singular for its Cholesky factor (pivot 1 − r² at most 1e-10). Found by bisection
/// on the same test the copula applies, so the two always agree.
pub fn max_abs_spearman() -> f64 {
    let usable = |rho: f64| Copula::new(2, &[(0, 1, rho)]).is_ok();
    let (mut lo, mut hi) = (0.0, 1.0);
    while hi - lo > f64::EPSILON {
        let mid = 0.5 * (lo + hi);
        if usable(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

/// L with L·Lᵀ = a; fails unless a is (numerically) positive definite.
fn cholesky(k: usize, a: &[f64]) -> Result<Vec<f64>, NotPositiveDefinite> {
    let mut l = vec![0.0; k * k];
    for i in 0..k {
        for j in 0..=i {
            let dot: f64 = (0..j).map(|m| l[i * k + m] * l[j * k + m]).sum();
            if i == j {
                let pivot = a[i * k + i] - dot;
                if pivot <= 1e-10 {
                    return Err(NotPositiveDefinite { pivot });
                }
                l[i * k + i] = pivot.sqrt();
            } else {
                l[i * k + j] = (a[i * k + j] - dot) / l[j * k + j];
            }
        }
    }
    Ok(l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_is_correlated_as_each_run_alone() {
        let c = Copula::new(3, &[(0, 1, 0.5), (1, 2, -0.3), (0, 2, 0.2)]).unwrap();
        let mut block = [[0.0; 16]; 3];
        for (i, col) in block.iter_mut().enumerate() {
            for (r, x) in col.iter_mut().enumerate() {
                *x = ((i * 16 + r) as f64 * 0.7548).sin() * 2.0;
            }
        }
        let before = block;
        c.correlate_block(&mut block, 13);
        for r in 0..16 {
            let mut z: Vec<f64> = before.iter().map(|col| col[r]).collect();
            if r < 13 {
                c.correlate(&mut z);
            }
            for i in 0..3 {
                assert_eq!(
                    block[i][r].to_bits(),
                    z[i].to_bits(),
                    "run {r}, variable {i}"
                );
            }
        }
    }

    #[test]
    fn the_first_variable_keeps_its_normal() {
        let c = Copula::new(3, &[(0, 1, 0.6), (1, 2, -0.3), (0, 2, 0.2)]).unwrap();
        assert!(c.keeps_first());
        for x in [-37.5, -1.0, -0.0, 0.0, 1e-300, 2.5] {
            let mut z = [x, 0.3, -0.2];
            c.correlate(&mut z);
            assert_eq!(z[0].to_bits(), x.to_bits());
        }
    }

    #[test]
    fn cholesky_reproduces_the_matrix() {
        let c = Copula::new(3, &[(0, 1, 0.5), (1, 2, -0.3)]).unwrap();
        let k = 3;
        for i in 0..k {
            for j in 0..k {
                let v: f64 = (0..k).map(|m| c.chol[i * k + m] * c.chol[j * k + m]).sum();
                let want = match (i.min(j), i.max(j)) {
                    (a, b) if a == b => 1.0,
                    (0, 1) => 2.0 * (PI * 0.5 / 6.0).sin(),
                    (1, 2) => 2.0 * (PI * -0.3 / 6.0).sin(),
                    _ => 0.0,
                };
                assert!((v - want).abs() < 1e-12, "({i}, {j}): {v} vs {want}");
            }
        }
    }

    #[test]
    fn impossible_targets_are_refused() {
        // x strongly with y and with z, y strongly against z: no such variables exist.
        assert!(Copula::new(3, &[(0, 1, 0.9), (0, 2, 0.9), (1, 2, -0.9)]).is_err());
        assert!(Copula::new(2, &[(0, 1, 0.99)]).is_ok());
    }

    #[test]
    fn the_largest_usable_correlation_is_the_edge_of_what_the_copula_accepts() {
        let m = max_abs_spearman();
        assert!(m > 0.9999999999 && m < 1.0, "{m}");
        for rho in [m, -m] {
            assert!(Copula::new(2, &[(0, 1, rho)]).is_ok(), "{rho}");
        }
        let beyond = m + 4.0 * f64::EPSILON;
        assert!(Copula::new(2, &[(0, 1, beyond)]).is_err());
        assert!(Copula::new(2, &[(0, 1, -beyond)]).is_err());
    }

    #[test]
    fn correlate_applies_the_lower_triangle() {
        let c = Copula::new(2, &[(0, 1, 0.5)]).unwrap();
        let r = 2.0 * (PI * 0.5 / 6.0).sin();
        let mut z = [1.0, 1.0];
        c.correlate(&mut z);
        assert!((z[0] - 1.0).abs() < 1e-12);
        assert!((z[1] - (r + (1.0 - r * r).sqrt())).abs() < 1e-12);
    }
}
