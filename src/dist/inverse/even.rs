//! An inverse tabulated on an even grid in a coordinate t that u is a function of: u itself for
//! a distribution's body ([`super::Inverse`]), or a standard normal z for a Gaussian copula's
//! member ([`super::from_normal`]). On an even grid the interval is one multiplication away,
//! with no search; both evaluate a block eight or four lanes at a time.
//!
//! **Layout.** Intervals of width h, a power of two, from a centre outwards on each side as far
//! as they pass the checks below, at most to the [`Layout`]'s reach and at least to its least;
//! each one 64-byte record: x at its two ends, a polynomial of degree 5 in d = (t − t_left)/h
//! through the six Chebyshev–Lobatto points of the interval giving x − x_left, and its grid in
//! d. The result is clamped to the two ends, which adjacent records share. Beyond the grid the
//! caller answers with the inverse the grid was built from (its reference), held to the grid's
//! far end.
//!
//! **The guarantee is the reference's.** The ends and the nodes are the reference's own values,
//! and at five points inside every interval that were not nodes, x̂ must lie between the
//! reference's values at u ∓ m/2, m the margin the reference leaves below [`U_ERROR`](super::U_ERROR), the other
//! half left for the points between (four more checks there to all of m, and the tests'
//! probes): then |F(x̂) − u| ≤ U_ERROR.
//!
//! **Monotone.** d is read on a grid whose step covers at most 2⁻⁴⁴ of u, and every interval is
//! checked at setup to rise by more than its rounding from one grid point to the next (its
//! slope's least value on the interval, less what its curvature allows between samples, against
//! the rounding of x_left + the polynomial). With the clamps to shared ends, x̂ never decreases
//! in t, for any two doubles, across intervals and into the reference beyond the grid. t's
//! position (t − t_lo)/h is exact wherever it is on the grid (t_lo is a multiple of h, h a power
//! of two), so it never rounds across a join.

/// The reference a grid is built from, along its coordinate.
pub(super) trait Axis {
    /// The reference's x at t.
    fn x(&self, t: f64) -> f64;
    /// The reference's x at t's u moved by −`by` and by +`by`: the least and the most x̂ may be.
    fn bracket(&self, t: f64, by: f64) -> (f64, f64);
    /// The most u a unit of t covers on [t_left, t_left + h].
    fn most_density(&self, t_left: f64, h: f64) -> f64;
}

/// Where a grid lies along its coordinate, and the widths it tries, coarsest first.
pub(super) struct Layout {
    pub centre: f64,
    /// The most distance from the centre either side.
    pub reach: f64,
    /// The least either side for the grid to be worth its setup.
    pub least: f64,
    pub widths: &'static [f64],
}

/// The most u a step of an interval's grid in d may cover, at the interval's densest point:
/// 5.7e-14, counted in the setup's check like any other miss. Coarser where u is spread thin
/// (a normal's tails), so that a step there still moves x by more than its rounding.
const U_STEP: f64 = 1.0 / (1u64 << 44) as f64;

/// The t [`Grid::fill`] evaluates before it turns to those beyond the grid.
const SPAN: usize = 256;

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

/// x̂(t) on an even grid; see the module's notes.
#[derive(Debug, Clone)]
pub(super) struct Grid {
    records: Vec<Record>,
    /// The lowest interval's left end, a multiple of h.
    t_lo: f64,
    /// 1/h, a power of two, so (t − t_lo)/h is rounded once.
    per_t: f64,
}

impl Grid {
    /// The grid for `axis` with the coarsest of the layout's widths that reaches its least
    /// either side, each interval within `margin` of the reference in u and rising; None where
    /// no width does.
    pub fn new(axis: &impl Axis, layout: &Layout, margin: f64) -> Option<Grid> {
        layout.widths.iter().find_map(|&h| {
            let (records, t_lo) = build(axis, layout, h, margin)?;
            debug_assert!(!records.is_empty(), "at least least / h intervals a side");
            Some(Grid {
                records,
                t_lo,
                per_t: 1.0 / h,
            })
        })
    }

    /// The number of intervals.
    pub fn intervals(&self) -> usize {
        self.records.len()
    }

    /// x̂(t), or None beyond the grid (and for NaN).
    #[inline]
    pub fn at(&self, t: f64) -> Option<f64> {
        self.record_of(t).map(|(k, p)| {
            let r = &self.records[k];
            eval(r, fraction(p, k, r.mask))
        })
    }

    /// x beyond the grid, `reference` its reference's value: held to the grid's far end on t's
    /// side (`upper`). A t a rounding below the top end can have its position round up to the
    /// end and land here; the hold keeps its x from falling below the grid's at smaller t.
    /// NaN stays NaN.
    pub fn held(&self, upper: Option<bool>, reference: f64) -> f64 {
        match upper {
            Some(true) => reference.max(self.records[self.records.len() - 1].x_right),
            Some(false) => reference.min(self.records[0].x_left),
            None => reference,
        }
    }

    /// Which side of the grid t lies beyond: Some(true) above its lower end, Some(false)
    /// below, None for NaN.
    pub fn side(&self, t: f64) -> Option<bool> {
        if t >= self.t_lo {
            Some(true)
        } else if t < self.t_lo {
            Some(false)
        } else {
            None
        }
    }

    /// `out[i] = x̂(ts[i])` on the grid and `beyond(ts[i])` elsewhere, held to the grid's far
    /// end: the grid a span at a time, eight or four lanes at once on AVX-512 and AVX2 (the
    /// compiler does not vectorise a loop whose loads depend on its values), which also lists
    /// the lanes beyond it; those are then copied together for `beyond`, a loop of its own.
    ///
    /// # Panics
    ///
    /// When `ts` and `out` differ in length.
    pub fn fill(&self, ts: &[f64], out: &mut [f64], beyond: impl Fn(&[f64], &mut [f64])) {
        assert_eq!(ts.len(), out.len(), "one output per t");
        let mut listed = [0u32; SPAN + 8];
        let mut t_beyond = [0.0; SPAN];
        let mut x_beyond = [0.0; SPAN];
        for (ts, out) in ts.chunks(SPAN).zip(out.chunks_mut(SPAN)) {
            let count = self.fill_span(ts, out, &mut listed);
            if count == 0 {
                continue;
            }
            let listed = &listed[..count];
            for (t, &i) in t_beyond.iter_mut().zip(listed) {
                *t = ts[i as usize];
            }
            beyond(&t_beyond[..count], &mut x_beyond[..count]);
            for (&i, &x) in listed.iter().zip(&x_beyond) {
                let t = ts[i as usize];
                out[i as usize] = self.held(self.side(t), x);
            }
        }
    }

    /// The grid's x for each t of a span on it, listing the others' indices in `listed`;
    /// returns how many it listed.
    fn fill_span(&self, ts: &[f64], out: &mut [f64], listed: &mut [u32; SPAN + 8]) -> usize {
        let n = ts.len().min(out.len()).min(SPAN);
        let (done, mut count) = self.gathered(&ts[..n], &mut out[..n], listed);
        for i in done..n {
            match self.at(ts[i]) {
                Some(x) => out[i] = x,
                None => {
                    listed[count] = i as u32;
                    count += 1;
                }
            }
        }
        count
    }

    /// [`Grid::fill_span`]'s vector lanes: how many leading t it did, and how many of them it
    /// listed.
    fn gathered(
        &self,
        ts: &[f64],
        out: &mut [f64],
        listed: &mut [u32; SPAN + 8],
    ) -> (usize, usize) {
        #[cfg(target_arch = "x86_64")]
        {
            use crate::simd::Level;
            let n = ts.len().min(out.len()).min(SPAN);
            // SAFETY (both arms): the CPU has the level's instructions (`level` found them);
            // each lane reads and writes inside the slices' first `lanes` elements, at most
            // SPAN, and reads a record below `self.records.len()` (lanes outside the grid read
            // record 0, and `build` makes at least one record).
            match crate::simd::level() {
                Level::Avx512 => {
                    let lanes = n / 8 * 8;
                    let count =
                        unsafe { wide::fill(self, &ts[..lanes], &mut out[..lanes], listed) };
                    return (lanes, count);
                }
                Level::Avx2 => {
                    let lanes = n / 4 * 4;
                    let count =
                        unsafe { narrow::fill(self, &ts[..lanes], &mut out[..lanes], listed) };
                    return (lanes, count);
                }
                Level::Baseline => {}
            }
        }
        let _ = (ts, out, listed);
        (0, 0)
    }

    /// The interval of t and t's position in units of h from the grid's lower end, inside the
    /// grid.
    #[inline(always)]
    fn record_of(&self, t: f64) -> Option<(usize, f64)> {
        let p = (t - self.t_lo) * self.per_t;
        (p >= 0.0 && p < self.records.len() as f64).then_some((p as usize, p))
    }
}

/// d in interval k for position p, on its grid: p − k is exact; 1 + d rounds to a multiple of
/// 2⁻⁵², and clearing its low bits (`mask`) floors it to the grid. Each step is monotone, and
/// none divides.
#[inline(always)]
fn fraction(p: f64, k: usize, mask: u64) -> f64 {
    f64::from_bits((1.0 + (p - k as f64)).to_bits() & mask) - 1.0
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

/// [`Grid::gathered`] on AVX-512: [`eval`] for eight lanes at a time, the same operations in
/// the same order (no fused multiply-add), so the same bits; the eight records loaded whole and
/// transposed (`lanes`).
#[cfg(target_arch = "x86_64")]
mod wide {
    use std::arch::x86_64::*;

    use super::super::lanes::avx512::rows;
    use super::{Grid, Record, SPAN};

    /// Lists the lanes beyond the grid by compressing their indices into a register and
    /// storing all eight (the next store starts at the last one kept): a compress straight to
    /// memory is microcoded and slow on AMD's cores.
    ///
    /// # Safety
    ///
    /// The CPU must have AVX-512F, DQ and VL; `ts` and `out` must have the same length, a
    /// multiple of 8, at most SPAN. Returns how many t it listed (their x is to be written
    /// again).
    #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2")]
    pub(super) unsafe fn fill(
        grid: &Grid,
        ts: &[f64],
        out: &mut [f64],
        listed: &mut [u32; SPAN + 8],
    ) -> usize {
        debug_assert!(ts.len() == out.len() && ts.len().is_multiple_of(8) && ts.len() <= SPAN);
        // Field f of record r is the f64 at base + 8r + f (a record is 64 bytes).
        const _: () = assert!(size_of::<Record>() == 64);
        let base = grid.records.as_ptr() as *const f64;
        let t_lo = _mm512_set1_pd(grid.t_lo);
        let per_t = _mm512_set1_pd(grid.per_t);
        let count = _mm512_set1_pd(grid.records.len() as f64);
        let one = _mm512_set1_pd(1.0);
        let mut lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        let mut beyond = 0;
        for i in (0..ts.len()).step_by(8) {
            // SAFETY (for the block): i + 8 ≤ len for both slices; every index loaded is a
            // record's (p in [0, count) truncates to one; other lanes are set to 0); `beyond`
            // ≤ i, so the eight indices stored fit in SPAN + 8.
            unsafe {
                let p = _mm512_mul_pd(
                    _mm512_sub_pd(_mm512_loadu_pd(ts.as_ptr().add(i)), t_lo),
                    per_t,
                );
                let inside = _mm512_cmp_pd_mask::<_CMP_GE_OQ>(p, _mm512_setzero_pd())
                    & _mm512_cmp_pd_mask::<_CMP_LT_OQ>(p, count);
                let outside = _mm256_maskz_compress_epi32(!inside, lane);
                _mm256_storeu_si256(listed.as_mut_ptr().add(beyond).cast(), outside);
                beyond += 8 - inside.count_ones() as usize;
                lane = _mm256_add_epi32(lane, _mm256_set1_epi32(8));
                let k = _mm256_maskz_mov_epi32(inside, _mm512_cvttpd_epi32(p));
                let [x_left, x_right, c0, c1, c2, c3, c4, mask] = rows(base, k);
                let c = [c0, c1, c2, c3, c4];
                let mask = _mm512_castpd_si512(mask);
                let d = _mm512_add_pd(one, _mm512_sub_pd(p, _mm512_cvtepi32_pd(k)));
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

/// [`Grid::gathered`] on AVX2, four lanes at a time, as [`wide`] does eight.
#[cfg(target_arch = "x86_64")]
mod narrow {
    use std::arch::x86_64::*;

    use super::super::lanes::avx2::rows;
    use super::{Grid, Record, SPAN};

    /// # Safety
    ///
    /// The CPU must have AVX2; `ts` and `out` must have the same length, a multiple of 4, at
    /// most SPAN. Returns how many t it listed (their x is to be written again).
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn fill(
        grid: &Grid,
        ts: &[f64],
        out: &mut [f64],
        listed: &mut [u32; SPAN + 8],
    ) -> usize {
        debug_assert!(ts.len() == out.len() && ts.len().is_multiple_of(4) && ts.len() <= SPAN);
        const _: () = assert!(size_of::<Record>() == 64);
        let base = grid.records.as_ptr() as *const f64;
        let t_lo = _mm256_set1_pd(grid.t_lo);
        let per_t = _mm256_set1_pd(grid.per_t);
        let count = _mm256_set1_pd(grid.records.len() as f64);
        let (zero, one) = (_mm256_setzero_pd(), _mm256_set1_pd(1.0));
        let mut beyond = 0;
        for i in (0..ts.len()).step_by(4) {
            // SAFETY (for the block): i + 4 ≤ len for both slices; every index loaded is a
            // record's (p in [0, count) truncates to one; other lanes read from p = 0).
            unsafe {
                let p = _mm256_mul_pd(
                    _mm256_sub_pd(_mm256_loadu_pd(ts.as_ptr().add(i)), t_lo),
                    per_t,
                );
                let inside = _mm256_and_pd(
                    _mm256_cmp_pd::<_CMP_GE_OQ>(p, zero),
                    _mm256_cmp_pd::<_CMP_LT_OQ>(p, count),
                );
                let mut outside = !_mm256_movemask_pd(inside) & 0b1111;
                while outside != 0 {
                    listed[beyond] = (i + outside.trailing_zeros() as usize) as u32;
                    beyond += 1;
                    outside &= outside - 1;
                }
                let p = _mm256_blendv_pd(zero, p, inside);
                let k = _mm256_cvttpd_epi32(p);
                let [x_left, x_right, c0, c1, c2, c3, c4, mask] = rows(base, k);
                let c = [c0, c1, c2, c3, c4];
                let d = _mm256_add_pd(one, _mm256_sub_pd(p, _mm256_cvtepi32_pd(k)));
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

/// The intervals of width h from the centre outwards on each side, as far as each meets the
/// bound and rises (at most the layout's reach), in order from the lowest; with the lowest's
/// left end. None where either side stops short of the layout's least.
fn build(axis: &impl Axis, layout: &Layout, h: f64, margin: f64) -> Option<(Vec<Record>, f64)> {
    let (most, least) = ((layout.reach / h) as usize, (layout.least / h) as usize);
    let side = |sign: f64| -> Vec<Record> {
        (0..most)
            .map_while(|k| {
                let t_left = if sign > 0.0 {
                    layout.centre + k as f64 * h
                } else {
                    layout.centre - (k + 1) as f64 * h
                };
                interval(axis, t_left, h, margin)
            })
            .collect()
    };
    let (mut lower, upper) = (side(-1.0), side(1.0));
    if lower.len() < least.max(1) || upper.len() < least.max(1) {
        return None;
    }
    let t_lo = layout.centre - lower.len() as f64 * h;
    lower.reverse();
    lower.extend(upper);
    Some((lower, t_lo))
}

/// The record of [t_left, t_left + h], or None where it misses the reference by more than
/// `margin` in u or could fall.
fn interval(axis: &impl Axis, t_left: f64, h: f64, margin: f64) -> Option<Record> {
    let (x_left, x_right) = (axis.x(t_left), axis.x(t_left + h));
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
                axis.x(t_left + d * h)
            };
            x - x_left
        })
        .collect();
    let record = Record {
        x_left,
        x_right,
        coef: solve_vandermonde(&nodes, &rises)?,
        mask: mask_for(axis.most_density(t_left, h) * h),
    };
    if !rises_on_its_grid(&record) {
        return None;
    }
    let checks = CHECKS
        .iter()
        .map(|&d| (d, 0.5))
        .chain(BETWEEN.iter().map(|&d| (d, 1.0)));
    for (d, share) in checks {
        let x = eval(&record, fraction(d, 0, record.mask));
        // Half the margin at the checks leaves the other half for the points between them,
        // which must keep within all of it.
        let (lo, hi) = axis.bracket(t_left + d * h, share * margin);
        if !(x >= lo.next_down().next_down() && x <= hi.next_up().next_up()) {
            return None;
        }
    }
    Some(record)
}

/// The grid in d on an interval that covers at most `u_span` of u, as the bits of 1 + d it
/// keeps: the coarsest step, a power of two, that covers at most [`U_STEP`] of u.
fn mask_for(u_span: f64) -> u64 {
    let bits = ((u_span / U_STEP).log2().ceil().max(0.0) as u32).min(52);
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

/// For the tests: where the grid lies, and each record's grid in d.
#[cfg(test)]
impl Grid {
    /// The width of an interval.
    pub fn h(&self) -> f64 {
        1.0 / self.per_t
    }

    /// The t the grid covers: [lo, hi).
    pub fn covers(&self) -> (f64, f64) {
        (
            self.t_lo,
            self.t_lo + self.records.len() as f64 / self.per_t,
        )
    }

    /// The first interval, of those that rise least (the outermost on each side and one at
    /// the centre), where x decreases from one point of its grid in d to the next, within 2000
    /// points of either end.
    pub fn falls_between_grid_points(&self) -> Option<usize> {
        let last = self.records.len() - 1;
        [0, last / 2, last].into_iter().find(|&k| {
            let r = &self.records[k];
            let step = 1.0 / steps_of(r.mask);
            [0.0, 1.0 - 2000.0 * step].into_iter().any(|start| {
                let xs: Vec<f64> = (0..2000)
                    .map(|j| eval(r, start + f64::from(j) * step))
                    .collect();
                xs.windows(2).any(|w| w[0] > w[1])
            })
        })
    }
}

#[cfg(test)]
mod tests;
