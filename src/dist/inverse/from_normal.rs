//! x = F⁻¹(Φ(z)) read straight from a standard normal z: what a Gaussian copula's member needs.
//! Through Φ and then the inverse, a member paid for Φ (an erfcx series and an exponential)
//! and for the inverse's search of its intervals; on an even grid in z the interval is one
//! multiplication away, and Φ is folded into the polynomials.
//!
//! **Layout.** Intervals of width h = 2⁻⁵ in z (2⁻⁶ or 2⁻⁷ where that is too coarse), from 0
//! outwards on each side as far as they pass the checks below, at most to ±[`Z_REACH`] and at
//! least to ±3; each one 64-byte record: x at its two ends, a polynomial of degree 5 in
//! d = (z − z_left)/h through the six Chebyshev–Lobatto points of the interval giving
//! x − x_left, and its grid in d. The result is clamped to the two ends, which adjacent
//! records share. Beyond the grid (a run in 5e8 at ±6) and for NaN, x is the inverse's at
//! Φ(z), as before.
//!
//! **The guarantee is the inverse's.** The ends and the nodes are the inverse's own values (Φ
//! by `normal::smaller_tail`, the upper half through [`Inverse::at_upper`] so that its digits
//! are kept), and at five points inside every interval that were not nodes, x̂ must lie between
//! the inverse's values at Φ(z) ∓ m/2, m = [`U_ERROR`] less the inverse's measured u-error (two
//! ulps of slack, as [`Inverse::max_u_error`] counts), the other half left for the points
//! between (four more checks there to all of m, and the tests' 20,000 probes): then
//! |F(x̂) − Φ(z)| ≤ U_ERROR. Where no width passes out
//! to ±3 (a triangular's kink at its mode, a range narrower than its position's precision),
//! or the inverse leaves less than a quarter of the bound, the member is drawn through Φ and
//! the inverse as before: never a weaker answer.
//!
//! **Monotone.** d is read on a grid whose step covers at most 2⁻⁴⁴ of u (coarser in the
//! tails), and every interval is checked at setup to rise by more than its rounding from one
//! grid point to the next (its slope's least value on the interval, less what its curvature
//! allows between samples, against the rounding of x_left + the polynomial). With the clamps
//! to shared ends, x̂ never decreases in z, for any two doubles, across intervals and into the
//! tails beyond the grid.

use std::sync::Arc;

use super::normal;
use super::{Inverse, U_ERROR};

/// The z the grid covers either side of 0: Φ(−6) = 9.9e-10, inside any table's reach (whose
/// tails start at a mass of 1e-10), so every node is a table value and not a tail search.
pub const Z_REACH: f64 = 6.0;

/// The least reach either side for a grid to be worth its setup: 0.27% of normals fall
/// beyond ±3, each drawn through Φ and the inverse.
const Z_LEAST: f64 = 3.0;

/// The least room the inverse must leave below [`U_ERROR`] for the grid's misses.
const LEAST_MARGIN: f64 = 0.25 * U_ERROR;

/// The most u a step of an interval's grid in d may cover, φ(z)·h/steps at the interval's end
/// nearer 0: 5.7e-14, counted in the setup's check like any other miss. Coarser in the tails,
/// where φ is small, so that a step there still moves x by more than its rounding.
const U_STEP: f64 = 1.0 / (1u64 << 44) as f64;

/// The interval widths tried, coarsest first.
const WIDTHS: [f64; 3] = [1.0 / 32.0, 1.0 / 64.0, 1.0 / 128.0];

/// The polynomial's degree.
const DEGREE: usize = 5;

/// Where the setup checks each interval to half the margin: none of them a node.
const CHECKS: [f64; 5] = [0.05, 0.22, 0.5, 0.78, 0.95];

/// Where it checks between those, to all of the margin.
const BETWEEN: [f64; 4] = [0.12, 0.36, 0.64, 0.88];

/// One interval, one cache line.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(64))]
struct Record {
    x_left: f64,
    x_right: f64,
    /// x − x_left = d·(c₁ + d·(c₂ + …)).
    coef: [f64; DEGREE],
    /// The bits of 1 + d kept to put d on the interval's grid (see [`U_STEP`]).
    mask: u64,
}

/// F⁻¹(Φ(z)) on an even grid in z, for one distribution; see the module's notes.
#[derive(Debug, Clone)]
pub struct FromNormal {
    inverse: Arc<Inverse>,
    records: Vec<Record>,
    /// The lowest interval's left end, a multiple of h.
    z_lo: f64,
    /// 1/h, a power of two, so (z − z_lo)/h is rounded once.
    per_z: f64,
}

impl FromNormal {
    /// The grid for `inverse`'s distribution, or None where no width meets the bound and
    /// stays monotone, or the inverse leaves less than a quarter of the bound. The grid
    /// shares the inverse, for the z beyond its reach.
    pub fn new(inverse: &Arc<Inverse>) -> Option<FromNormal> {
        let margin = U_ERROR - inverse.max_u_error();
        if !matches!(
            inverse.method,
            super::Method::Table(_) | super::Method::Closed(_)
        ) || margin.is_nan()
            || margin < LEAST_MARGIN
        {
            return None;
        }
        WIDTHS.iter().find_map(|&h| {
            let (records, z_lo) = build(inverse, h, margin)?;
            debug_assert!(!records.is_empty(), "at least Z_LEAST / h intervals a side");
            Some(FromNormal {
                inverse: inverse.clone(),
                records,
                z_lo,
                per_z: 1.0 / h,
            })
        })
    }

    /// A bound on |F(x̂) − Φ(z)|: [`U_ERROR`], the inverse's measured u-error plus the margin
    /// the setup held the grid to against the inverse, at nine points of every interval that
    /// are not nodes (five at half the margin, four at all of it); checked, not measured, and
    /// probed at 20,000 more z by the tests.
    pub fn max_u_error(&self) -> f64 {
        U_ERROR
    }

    /// The number of intervals.
    pub fn intervals(&self) -> usize {
        self.records.len()
    }

    /// x̂ = F̂⁻¹(Φ(z)).
    pub fn at(&self, z: f64) -> f64 {
        match self.record_of(z) {
            Some((k, t)) => {
                let r = &self.records[k];
                eval(r, fraction(t, k, r.mask))
            }
            None => self.off_grid(z),
        }
    }

    /// x beyond the grid: the inverse's at Φ(z), held to the grid's far end on z's side. A z
    /// a rounding below the top end can have its position (z − z_lo)/h round up to the end
    /// and land here; the hold keeps its x from falling below the grid's at smaller z. NaN
    /// stays NaN.
    fn off_grid(&self, z: f64) -> f64 {
        let x = beyond(&self.inverse, z);
        if z > 0.0 {
            x.max(self.records[self.records.len() - 1].x_right)
        } else if z <= 0.0 {
            x.min(self.records[0].x_left)
        } else {
            x
        }
    }

    /// `out[i] = self.at(zs[i])`: the grid for every z (eight or four at a time on AVX-512
    /// and AVX2), then the few beyond its reach.
    ///
    /// # Panics
    ///
    /// When `zs` and `out` differ in length.
    pub fn fill(&self, zs: &[f64], out: &mut [f64]) {
        assert_eq!(zs.len(), out.len(), "one output per normal");
        let (done, beyond_reach) = self.gathered(zs, out);
        if beyond_reach > 0 {
            for (x, &z) in out[..done].iter_mut().zip(zs) {
                if self.record_of(z).is_none() {
                    *x = self.off_grid(z);
                }
            }
        }
        for (x, &z) in out[done..].iter_mut().zip(&zs[done..]) {
            *x = self.at(z);
        }
    }

    /// As many leading x as a vector level evaluates: eight at a time on AVX-512, four on
    /// AVX2 (the compiler does not vectorise a loop whose loads depend on its values); the
    /// lanes beyond the reach are left for [`FromNormal::fill`] to write again, and the rest
    /// to [`FromNormal::at`]. Returns how
    /// many it did, and how many of those lie beyond the grid.
    fn gathered(&self, zs: &[f64], out: &mut [f64]) -> (usize, u32) {
        #[cfg(target_arch = "x86_64")]
        {
            use crate::simd::Level;
            let n = zs.len().min(out.len());
            // SAFETY (both arms): the CPU has the level's instructions (`level` found them);
            // each lane reads and writes inside the slices' first `lanes` elements, and reads
            // a record below `self.records.len()` (lanes outside the grid read record 0, and
            // `build` makes at least Z_LEAST / h records a side).
            match crate::simd::level() {
                Level::Avx512 => {
                    let lanes = n / 8 * 8;
                    let beyond = unsafe { wide::fill(self, &zs[..lanes], &mut out[..lanes]) };
                    return (lanes, beyond);
                }
                Level::Avx2 => {
                    let lanes = n / 4 * 4;
                    let beyond = unsafe { narrow::fill(self, &zs[..lanes], &mut out[..lanes]) };
                    return (lanes, beyond);
                }
                Level::Baseline => {}
            }
        }
        let _ = (zs, out);
        (0, 0)
    }

    /// z in units of h from the grid's lower end.
    #[inline(always)]
    fn position(&self, z: f64) -> f64 {
        (z - self.z_lo) * self.per_z
    }

    /// The interval of z and z's position, inside the grid's reach.
    fn record_of(&self, z: f64) -> Option<(usize, f64)> {
        let t = self.position(z);
        (t >= 0.0 && t < self.records.len() as f64).then_some((t as usize, t))
    }
}

/// d in interval k for position t, on its grid: t − k is exact; 1 + d rounds to a multiple of
/// 2⁻⁵², and clearing its low bits (`mask`) floors it to the grid. Each step is monotone, and
/// none divides.
#[inline(always)]
fn fraction(t: f64, k: usize, mask: u64) -> f64 {
    f64::from_bits((1.0 + (t - k as f64)).to_bits() & mask) - 1.0
}

/// x from interval `r` at d, clamped to its ends.
#[inline(always)]
fn eval(r: &Record, d: f64) -> f64 {
    let c = &r.coef;
    let q = d * (c[0] + d * (c[1] + d * (c[2] + d * (c[3] + d * c[4]))));
    let x = r.x_left + q;
    let x = if x < r.x_left { r.x_left } else { x };
    if x > r.x_right { r.x_right } else { x }
}

/// [`FromNormal::fill`]'s grid on AVX-512: [`eval`] for eight lanes at a time, the same
/// operations in the same order (no fused multiply-add), so the same bits; the eight records
/// loaded whole and transposed (`lanes`).
#[cfg(target_arch = "x86_64")]
mod wide {
    use std::arch::x86_64::*;

    use super::super::lanes::avx512::rows;
    use super::{FromNormal, Record};

    /// # Safety
    ///
    /// The CPU must have AVX-512F, DQ and VL; `zs` and `out` must have the same length, a
    /// multiple of 8. Returns how many z lie beyond the grid (their x is to be written again).
    #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2")]
    pub(super) unsafe fn fill(grid: &FromNormal, zs: &[f64], out: &mut [f64]) -> u32 {
        debug_assert!(zs.len() == out.len() && zs.len().is_multiple_of(8));
        // Field f of record r is the f64 at base + 8r + f (a record is 64 bytes).
        const _: () = assert!(size_of::<Record>() == 64);
        let base = grid.records.as_ptr() as *const f64;
        let z_lo = _mm512_set1_pd(grid.z_lo);
        let per_z = _mm512_set1_pd(grid.per_z);
        let count = _mm512_set1_pd(grid.records.len() as f64);
        let one = _mm512_set1_pd(1.0);
        let mut beyond = 0;
        for i in (0..zs.len()).step_by(8) {
            // SAFETY (for the block): i + 8 ≤ len for both slices; every index loaded is a
            // record's (t in [0, count) truncates to one; other lanes are set to 0).
            unsafe {
                let t = _mm512_mul_pd(
                    _mm512_sub_pd(_mm512_loadu_pd(zs.as_ptr().add(i)), z_lo),
                    per_z,
                );
                let inside = _mm512_cmp_pd_mask::<_CMP_GE_OQ>(t, _mm512_setzero_pd())
                    & _mm512_cmp_pd_mask::<_CMP_LT_OQ>(t, count);
                beyond += 8 - inside.count_ones();
                let k = _mm256_maskz_mov_epi32(inside, _mm512_cvttpd_epi32(t));
                let [x_left, x_right, c0, c1, c2, c3, c4, mask] = rows(base, k);
                let c = [c0, c1, c2, c3, c4];
                let mask = _mm512_castpd_si512(mask);
                let d = _mm512_add_pd(one, _mm512_sub_pd(t, _mm512_cvtepi32_pd(k)));
                let d = _mm512_castsi512_pd(_mm512_and_si512(_mm512_castpd_si512(d), mask));
                let d = _mm512_sub_pd(d, one);
                let mut q = c[4];
                for j in (0..4).rev() {
                    q = _mm512_add_pd(c[j], _mm512_mul_pd(d, q));
                }
                let x = _mm512_add_pd(x_left, _mm512_mul_pd(d, q));
                let below = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(x, x_left);
                let x = _mm512_mask_blend_pd(below, x, x_left);
                let above = _mm512_cmp_pd_mask::<_CMP_GT_OQ>(x, x_right);
                let x = _mm512_mask_blend_pd(above, x, x_right);
                _mm512_storeu_pd(out.as_mut_ptr().add(i), x);
            }
        }
        beyond
    }
}

/// [`FromNormal::fill`]'s grid on AVX2, four lanes at a time, as [`wide`] does eight.
#[cfg(target_arch = "x86_64")]
mod narrow {
    use std::arch::x86_64::*;

    use super::super::lanes::avx2::rows;
    use super::{FromNormal, Record};

    /// # Safety
    ///
    /// The CPU must have AVX2; `zs` and `out` must have the same length, a multiple of 4.
    /// Returns how many z lie beyond the grid (their x is to be written again).
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn fill(grid: &FromNormal, zs: &[f64], out: &mut [f64]) -> u32 {
        debug_assert!(zs.len() == out.len() && zs.len().is_multiple_of(4));
        const _: () = assert!(size_of::<Record>() == 64);
        let base = grid.records.as_ptr() as *const f64;
        let z_lo = _mm256_set1_pd(grid.z_lo);
        let per_z = _mm256_set1_pd(grid.per_z);
        let count = _mm256_set1_pd(grid.records.len() as f64);
        let (zero, one) = (_mm256_setzero_pd(), _mm256_set1_pd(1.0));
        let mut beyond = 0;
        for i in (0..zs.len()).step_by(4) {
            // SAFETY (for the block): i + 4 ≤ len for both slices; every index loaded is a
            // record's (t in [0, count) truncates to one; other lanes read from t = 0).
            unsafe {
                let t = _mm256_mul_pd(
                    _mm256_sub_pd(_mm256_loadu_pd(zs.as_ptr().add(i)), z_lo),
                    per_z,
                );
                let inside = _mm256_and_pd(
                    _mm256_cmp_pd::<_CMP_GE_OQ>(t, zero),
                    _mm256_cmp_pd::<_CMP_LT_OQ>(t, count),
                );
                beyond += 4 - (_mm256_movemask_pd(inside) as u32).count_ones();
                let t = _mm256_blendv_pd(zero, t, inside);
                let k = _mm256_cvttpd_epi32(t);
                let [x_left, x_right, c0, c1, c2, c3, c4, mask] = rows(base, k);
                let c = [c0, c1, c2, c3, c4];
                let d = _mm256_add_pd(one, _mm256_sub_pd(t, _mm256_cvtepi32_pd(k)));
                let d = _mm256_sub_pd(_mm256_and_pd(d, mask), one);
                let mut q = c[4];
                for j in (0..4).rev() {
                    q = _mm256_add_pd(c[j], _mm256_mul_pd(d, q));
                }
                let x = _mm256_add_pd(x_left, _mm256_mul_pd(d, q));
                let x = _mm256_blendv_pd(x, x_left, _mm256_cmp_pd::<_CMP_LT_OQ>(x, x_left));
                let x = _mm256_blendv_pd(x, x_right, _mm256_cmp_pd::<_CMP_GT_OQ>(x, x_right));
                _mm256_storeu_pd(out.as_mut_ptr().add(i), x);
            }
        }
        beyond
    }
}

/// F̂⁻¹(Φ(z)) through the inverse: the lower half from Φ(z), the upper from 1 − Φ(z), each
/// where it keeps its digits.
fn beyond(inverse: &Inverse, z: f64) -> f64 {
    at_tail(inverse, z, normal::smaller_tail(z))
}

/// The inverse's x at z's tail probability moved by `by` towards the median: the lower half
/// from below, the upper from above.
fn shifted(inverse: &Inverse, z: f64, by: f64) -> f64 {
    at_tail(inverse, z, (normal::smaller_tail(z) + by).max(0.0))
}

/// The inverse's x at tail probability `p` on z's side of the median.
fn at_tail(inverse: &Inverse, z: f64, p: f64) -> f64 {
    if z > 0.0 {
        inverse.at_upper(p)
    } else {
        inverse.at(p)
    }
}

/// The intervals of width h from 0 outwards on each side, as far as each meets the bound and
/// rises (at most [`Z_REACH`]), in order from the lowest; with the lowest's left end. None
/// where either side stops short of [`Z_LEAST`].
fn build(inverse: &Inverse, h: f64, margin: f64) -> Option<(Vec<Record>, f64)> {
    let (most, least) = ((Z_REACH / h) as usize, (Z_LEAST / h) as usize);
    let side = |sign: f64| -> Vec<Record> {
        (0..most)
            .map_while(|k| {
                let z_left = if sign > 0.0 {
                    k as f64 * h
                } else {
                    -((k + 1) as f64) * h
                };
                interval(inverse, z_left, h, margin)
            })
            .collect()
    };
    let (mut lower, upper) = (side(-1.0), side(1.0));
    if lower.len() < least || upper.len() < least {
        return None;
    }
    let z_lo = -(lower.len() as f64) * h;
    lower.reverse();
    lower.extend(upper);
    Some((lower, z_lo))
}

/// The record of [z_left, z_left + h], or None where it misses the inverse by more than
/// `margin` in u or could fall.
fn interval(inverse: &Inverse, z_left: f64, h: f64, margin: f64) -> Option<Record> {
    let (x_left, x_right) = (beyond(inverse, z_left), beyond(inverse, z_left + h));
    let nodes: [f64; DEGREE] = std::array::from_fn(|j| {
        0.5 * (1.0 - (std::f64::consts::PI * (j + 1) as f64 / DEGREE as f64).cos())
    });
    let rises: Vec<f64> = nodes
        .iter()
        .enumerate()
        .map(|(j, &d)| {
            let x = if j + 1 == DEGREE {
                x_right
            } else {
                beyond(inverse, z_left + d * h)
            };
            x - x_left
        })
        .collect();
    let record = Record {
        x_left,
        x_right,
        coef: solve_vandermonde(&nodes, &rises)?,
        mask: mask_for(z_left, h),
    };
    if !rises_on_its_grid(&record) {
        return None;
    }
    let checks = CHECKS
        .iter()
        .map(|&d| (d, 0.5))
        .chain(BETWEEN.iter().map(|&d| (d, 1.0)));
    for (d, share) in checks {
        let z = z_left + d * h;
        let x = eval(&record, fraction(d, 0, record.mask));
        // Half the margin at the checks leaves the other half for the points between them,
        // which must keep within all of it. The lower half's x rises with its p, the upper
        // half's falls.
        let (mut lo, mut hi) = (
            shifted(inverse, z, -share * margin),
            shifted(inverse, z, share * margin),
        );
        if z > 0.0 {
            (lo, hi) = (hi, lo);
        }
        if !(x >= lo.next_down().next_down() && x <= hi.next_up().next_up()) {
            return None;
        }
    }
    Some(record)
}

/// The grid in d on [z_left, z_left + h], as the bits of 1 + d it keeps: the coarsest step,
/// a power of two, that covers at most 2⁻⁴⁴ of u where φ is largest on the interval.
fn mask_for(z_left: f64, h: f64) -> u64 {
    let nearest = if z_left >= 0.0 {
        z_left
    } else {
        (z_left + h).min(0.0)
    };
    let density = (-0.5 * nearest * nearest).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let bits = ((density * h / U_STEP).log2().ceil() as u32).min(52);
    !((1u64 << (52 - bits)) - 1)
}

/// Grid points per unit of d that `mask` keeps.
fn steps_of(mask: u64) -> f64 {
    f64::from(52 - mask.trailing_zeros()).exp2()
}

/// Whether x_left + q(d) rises by more than its rounding between any two points of its grid
/// in d: the slope's least value at 65 points, less half a sample's width times
/// a bound on the curvature, against twice the rounding of two values (half an ulp of x for
/// the sum, a few ulps of the coefficients for the polynomial).
fn rises_on_its_grid(r: &Record) -> bool {
    let c = &r.coef;
    let slope =
        |d: f64| c[0] + d * (2.0 * c[1] + d * (3.0 * c[2] + d * (4.0 * c[3] + d * 5.0 * c[4])));
    let curvature: f64 = (2..=DEGREE)
        .map(|i| (i * (i - 1)) as f64 * c[i - 1].abs())
        .sum();
    let least = (0..=64)
        .map(|i| slope(f64::from(i) / 64.0))
        .fold(f64::INFINITY, f64::min)
        - curvature / 128.0;
    let x = r.x_left.abs().max(r.x_right.abs());
    let q: f64 = c.iter().map(|v| v.abs()).sum();
    let rounding = f64::EPSILON * x + 12.0 * f64::EPSILON * q;
    least > 0.0 && least / steps_of(r.mask) > 2.0 * rounding
}

/// c with Σᵢ cᵢ dⱼ^(i+1) = yⱼ for the five nodes: Gaussian elimination with partial pivoting.
/// None if the system is singular or the answer is not finite.
fn solve_vandermonde(d: &[f64], y: &[f64]) -> Option<[f64; DEGREE]> {
    let mut a = [[0.0; DEGREE + 1]; DEGREE];
    for (row, (&dj, &yj)) in a.iter_mut().zip(d.iter().zip(y)) {
        let mut power = dj;
        for cell in row.iter_mut().take(DEGREE) {
            *cell = power;
            power *= dj;
        }
        row[DEGREE] = yj;
    }
    for col in 0..DEGREE {
        let pivot = (col..DEGREE).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        a.swap(col, pivot);
        if a[col][col] == 0.0 {
            return None;
        }
        let (above, below) = a.split_at_mut(col + 1);
        let pivot = &above[col];
        for row in below {
            let f = row[col] / pivot[col];
            for (cell, &p) in row[col..].iter_mut().zip(&pivot[col..]) {
                *cell -= f * p;
            }
        }
    }
    let mut c = [0.0; DEGREE];
    for row in (0..DEGREE).rev() {
        let known: f64 = (row + 1..DEGREE).map(|k| a[row][k] * c[k]).sum();
        c[row] = (a[row][DEGREE] - known) / a[row][row];
    }
    c.iter().all(|v| v.is_finite()).then_some(c)
}

#[cfg(test)]
mod tests;
