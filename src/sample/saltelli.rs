//! Saltelli sampling plans for Sobol sensitivity analysis: two independent n × k matrices A and B
//! of points in the unit cube. The mixed matrices AB_i (A with column i taken from B) are never
//! stored: they are A and B read column by column.
//!
//! A plan is plain data. It knows nothing of distributions or models: callers map each
//! coordinate through an input's quantile function, so one plan serves any analysis.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

/// Points per Owen-scrambled Sobol sequence that sobol_burley supports; longer plans chain
/// independently scrambled sequences.
const SOBOL_BLOCK: usize = 1 << 16;

/// How the points of a plan are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointSet {
    /// Independent uniform draws.
    Random,
    /// Owen-scrambled Sobol points (randomised quasi-Monte Carlo): lower error for smooth models.
    Sobol,
}

#[derive(Debug, Clone)]
pub struct SaltelliPlan {
    /// Base sample size: rows of A and of B.
    pub n: usize,
    /// Dimensions: the number of uncertain inputs.
    pub k: usize,
    /// Row-major n × k, every coordinate strictly inside (0, 1).
    pub a: Vec<f64>,
    pub b: Vec<f64>,
    pub points: PointSet,
}

impl SaltelliPlan {
    pub fn new(n: usize, k: usize, points: PointSet, seed: u64) -> Self {
        let (a, b) = match points {
            PointSet::Random => random_matrices(n, k, seed),
            PointSet::Sobol => sobol_matrices(n, k, seed),
        };
        SaltelliPlan { n, k, a, b, points }
    }

    pub fn row_a(&self, r: usize) -> &[f64] {
        &self.a[r * self.k..(r + 1) * self.k]
    }

    pub fn row_b(&self, r: usize) -> &[f64] {
        &self.b[r * self.k..(r + 1) * self.k]
    }

    /// Row r of AB_i: A's row with coordinate i from B, written into `out`.
    pub fn row_ab(&self, r: usize, i: usize, out: &mut [f64]) {
        out.copy_from_slice(self.row_a(r));
        out[i] = self.b[r * self.k + i];
    }
}

fn random_matrices(n: usize, k: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(super::derive_seed(seed, "saltelli", 0));
    // Open interval: a quantile at exactly 0 or 1 can be infinite.
    let mut draw = || loop {
        let u: f64 = rng.random();
        if u > 0.0 {
            break u;
        }
    };
    let a = (0..n * k).map(|_| draw()).collect();
    let b = (0..n * k).map(|_| draw()).collect();
    (a, b)
}

/// A uses dimensions 0..k and B dimensions k..2k of the same scrambled sequence, so A and B
/// are jointly stratified, as Saltelli's scheme asks.
fn sobol_matrices(n: usize, k: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut a = vec![0.0; n * k];
    let mut b = vec![0.0; n * k];
    for r in 0..n {
        let block = (r / SOBOL_BLOCK) as u32;
        let index = (r % SOBOL_BLOCK) as u32;
        let block_seed = super::derive_seed(seed, "saltelli-sobol", u64::from(block)) as u32;
        for i in 0..k {
            a[r * k + i] = centre(sobol_burley::sample(index, i as u32, block_seed));
            b[r * k + i] = centre(sobol_burley::sample(index, (k + i) as u32, block_seed));
        }
    }
    (a, b)
}

/// sobol_burley returns multiples of 2^-24 in [0, 1); the centre of each cell is inside (0, 1).
fn centre(x: f32) -> f64 {
    f64::from(x) + 0.5 / (1u32 << 24) as f64
}

/// The most dimensions a Sobol plan can have (A and B together use 2k).
pub fn max_sobol_inputs() -> usize {
    sobol_burley::NUM_DIMENSIONS as usize / 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_inside_the_open_cube() {
        for points in [PointSet::Random, PointSet::Sobol] {
            let p = SaltelliPlan::new(1 << 10, 3, points, 1);
            assert!(p.a.iter().chain(&p.b).all(|u| *u > 0.0 && *u < 1.0));
        }
    }

    #[test]
    fn sobol_points_are_stratified() {
        // Each of 64 equal strata of every coordinate holds exactly n / 64 points.
        let p = SaltelliPlan::new(1 << 12, 2, PointSet::Sobol, 7);
        for i in 0..2 {
            let mut counts = [0usize; 64];
            for r in 0..p.n {
                counts[(p.row_a(r)[i] * 64.0) as usize] += 1;
            }
            assert!(counts.iter().all(|&c| c == (1 << 12) / 64), "{counts:?}");
        }
    }

    #[test]
    fn long_plans_chain_blocks_without_repeating() {
        let p = SaltelliPlan::new(SOBOL_BLOCK + 10, 1, PointSet::Sobol, 3);
        assert_ne!(p.row_a(0), p.row_a(SOBOL_BLOCK));
    }

    #[test]
    fn ab_rows_mix_one_column() {
        let p = SaltelliPlan::new(4, 3, PointSet::Random, 5);
        let mut row = [0.0; 3];
        p.row_ab(2, 1, &mut row);
        assert_eq!(row, [p.row_a(2)[0], p.row_b(2)[1], p.row_a(2)[2]]);
    }
}
