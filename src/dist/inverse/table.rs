//! The interpolation table: its layout and evaluation (the hot path), and how it is assembled
//! from two halves and verified.
//!
//! The table covers u in [lo, hi] in two halves that meet near the median. Each is built
//! outwards from an anchor (see [`build`](super::build)): its outer end, so that a truncation
//! bound is kept to its last digit and a point near the top of a beta keeps its distance to 1;
//! or, for the heavy tails of the log-t, the split, because from a far end (t = 1e5) the points
//! near the centre could only be placed to 1e-11. Each interval becomes one 64-byte record
//! holding its reference node (u, x), the x of its other end, and the polynomial in
//! d = u − u_ref: x = x_ref + scale · Q(d), or x_ref · exp(scale · Q(d)) in log space. The
//! reference node is the one the interval was built from, its left end where u grows away from
//! the anchor and its right end where it falls. The result is clamped to the record's two node
//! values, which adjacent records share, so x never decreases across a join.
//!
//! A guide table of 8 cells per record points each u to a record at or before its own, from
//! which a forward scan finds it, in the bulk almost always at once.

use super::U_ERROR;
use super::build::{self, Half, ORDER, Piece};
use super::density::{Point, Ratio, Shape};
use super::elementary::exp;
use super::frame::{Frame, Map};

/// One interval of the table, one cache line.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(64))]
struct Record {
    u_ref: f64,
    x_ref: f64,
    x_other: f64,
    coef: [f64; ORDER],
}

#[derive(Debug, Clone)]
pub(super) struct Table {
    /// The u the table covers, in its own terms (those of the mirror image when flipped).
    lo: f64,
    hi: f64,
    /// Guide cells per unit of u.
    cells: f64,
    guide: Vec<u32>,
    /// Each record's left end in u, then +∞, which ends every forward scan.
    starts: Vec<f64>,
    records: Vec<Record>,
    scale: f64,
    log_space: bool,
    /// u ↦ shift + dir · u into the table's terms, and its x ↦ dir · x back (dir = −1 flipped).
    shift: f64,
    dir: f64,
}

/// How a record's polynomial becomes x.
trait Space {
    /// x = x_ref + scale · q, which the gathered path computes.
    const LINEAR: bool;
    fn x(x_ref: f64, scale: f64, q: f64) -> f64;
}

struct Linear;
struct LogSpace;

impl Space for Linear {
    const LINEAR: bool = true;
    #[inline(always)]
    fn x(x_ref: f64, scale: f64, q: f64) -> f64 {
        x_ref + scale * q
    }
}

impl Space for LogSpace {
    const LINEAR: bool = false;
    #[inline(always)]
    fn x(x_ref: f64, scale: f64, q: f64) -> f64 {
        x_ref * exp(scale * q)
    }
}

impl Table {
    /// The u (of the distribution, not the mirror image) the table answers for, both included.
    pub fn covers(&self) -> (f64, f64) {
        if self.dir < 0.0 {
            (1.0 - self.hi, 1.0 - self.lo)
        } else {
            (self.lo, self.hi)
        }
    }

    /// x̂(u) for u in [`Table::covers`].
    pub fn at(&self, u: f64) -> f64 {
        if self.log_space {
            self.oriented::<LogSpace>(u)
        } else {
            self.oriented::<Linear>(u)
        }
    }

    /// Fills `out` from `us`, sending the u outside [`Table::covers`] to `tail`.
    pub fn fill(&self, us: &[f64], out: &mut [f64], tail: impl Fn(f64) -> f64) {
        if self.log_space {
            self.fill_in::<LogSpace>(us, out, tail);
        } else {
            self.fill_in::<Linear>(us, out, tail);
        }
    }

    /// One loop per space, so that the loop body has no dispatch and no call but the rare tail.
    /// In two passes over a group of u: first each u's record (the guide, then a short scan),
    /// then each x from its record. Apart, neither waits on the other's loads and branches, and
    /// the processor overlaps many u of each. The compiler does not vectorise either (their
    /// loads depend on u, and it declines to gather, gathers being slow on the AMD cores it
    /// tunes for); on AVX-512 and AVX2 the second pass loads each lane's record whole and
    /// transposes them (`wide::linear`, `narrow::linear`), while gathering for the first
    /// measured no faster.
    fn fill_in<S: Space>(&self, us: &[f64], out: &mut [f64], tail: impl Fn(f64) -> f64) {
        const GROUP: usize = 128;
        let (lo, hi) = self.covers();
        for (us, out) in us.chunks(GROUP).zip(out.chunks_mut(GROUP)) {
            let mut records = [0u32; GROUP];
            for (r, &u) in records.iter_mut().zip(us) {
                *r = self.record(self.shift + self.dir * u) as u32;
            }
            let n = us.len().min(out.len());
            let done = if S::LINEAR {
                self.gathered(&us[..n], &records[..n], &mut out[..n])
            } else {
                0
            };
            for ((x, &u), &r) in out[done..]
                .iter_mut()
                .zip(&us[done..])
                .zip(&records[done..])
            {
                let v = self.shift + self.dir * u;
                *x = self.dir * from_record::<S>(&self.records[r as usize], self.scale, v);
            }
            for (x, &u) in out.iter_mut().zip(us) {
                if !(u >= lo && u <= hi) {
                    *x = tail(u);
                }
            }
        }
    }

    #[inline(always)]
    fn oriented<S: Space>(&self, u: f64) -> f64 {
        self.dir * self.eval::<S>(self.shift + self.dir * u)
    }

    /// The x of as many leading u as a vector level evaluates from their `records`, in the
    /// linear space: eight at a time on AVX-512, four on AVX2, each lane's record loaded whole
    /// (the compiler does not vectorise a loop whose loads depend on its values). Returns how
    /// many it did; the same bits as [`from_record`], operation for operation.
    fn gathered(&self, us: &[f64], records: &[u32], out: &mut [f64]) -> usize {
        #[cfg(target_arch = "x86_64")]
        {
            use crate::simd::Level;
            let n = us.len().min(records.len()).min(out.len());
            // SAFETY (both arms): the CPU has the level's instructions (`level` found them);
            // every record index is below `self.records.len()` (`record` returns one), and
            // each lane reads and writes inside the slices' first `lanes` elements.
            match crate::simd::level() {
                Level::Avx512 => {
                    let lanes = n / 8 * 8;
                    unsafe {
                        wide::linear(self, &us[..lanes], &records[..lanes], &mut out[..lanes])
                    };
                    return lanes;
                }
                Level::Avx2 => {
                    let lanes = n / 4 * 4;
                    unsafe {
                        narrow::linear(self, &us[..lanes], &records[..lanes], &mut out[..lanes])
                    };
                    return lanes;
                }
                Level::Baseline => {}
            }
        }
        let _ = (us, records, out);
        0
    }

    #[inline(always)]
    fn record(&self, v: f64) -> usize {
        // A negative offset (v a rounding below lo) saturates to cell 0.
        let cell = ((v - self.lo) * self.cells) as usize;
        let mut i = self.guide[cell.min(self.guide.len() - 1)] as usize;
        // One step without a branch: a cell holds at most one record start in the bulk, and a
        // branch taken half the time would cost more than the lookup.
        i += usize::from(self.starts[i + 1] <= v);
        while self.starts[i + 1] <= v {
            i += 1;
        }
        i
    }

    #[inline(always)]
    fn eval<S: Space>(&self, v: f64) -> f64 {
        from_record::<S>(&self.records[self.record(v)], self.scale, v)
    }

    pub fn intervals(&self) -> usize {
        self.records.len()
    }

    /// Every u (of the distribution) where one record hands over to the next, and the ends.
    #[cfg(test)]
    pub fn joins(&self) -> Vec<f64> {
        let inner = self.starts[..self.records.len()].iter().copied();
        inner
            .chain([self.lo, self.hi])
            .map(|v| self.shift + self.dir * v)
            .collect()
    }
}

/// Steps of d the polynomial is read at: 2^-43, 1.1e-13 in u.
const GRID: f64 = (1u64 << 43) as f64;

/// d truncated to a multiple of 2^-43 (toward 0, which is monotone too). Between neighbouring
/// doubles of u the polynomial's exact values can differ by less than its rounding (in a steep
/// tail x moves an ulp per ulp of u, and the sum of five terms rounds by a few), so x could step
/// back; between multiples of 2^-43 they differ by orders of magnitude more (the rounding is
/// below 1e-16 of the interval's mass), so x never does. The cost is at most 1.1e-13 in u,
/// which the setup check includes.
#[inline(always)]
fn on_grid(d: f64) -> f64 {
    (d * GRID) as i64 as f64 * (1.0 / GRID)
}

/// The linear table's second pass on AVX-512: [`from_record`] for eight lanes at a time, the
/// same operations in the same order (no fused multiply-add), so the same bits; the eight
/// records loaded whole and transposed (`lanes`).
#[cfg(target_arch = "x86_64")]
mod wide {
    use std::arch::x86_64::*;

    use super::super::lanes::avx512::rows;
    use super::{GRID, Record, Table};

    /// # Safety
    ///
    /// The CPU must have AVX-512F, DQ and VL; `us`, `records` and `out` must have the same length,
    /// a multiple of 8; every record index must be below `table.records.len()`.
    #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2")]
    pub(super) unsafe fn linear(table: &Table, us: &[f64], records: &[u32], out: &mut [f64]) {
        debug_assert!(
            us.len() == records.len() && us.len() == out.len() && us.len().is_multiple_of(8)
        );
        debug_assert!(records.iter().all(|&r| (r as usize) < table.records.len()));
        const _: () = assert!(size_of::<Record>() == 64);
        let base = table.records.as_ptr() as *const f64;
        let shift = _mm512_set1_pd(table.shift);
        let dir = _mm512_set1_pd(table.dir);
        let scale = _mm512_set1_pd(table.scale);
        let grid = _mm512_set1_pd(GRID);
        let step = _mm512_set1_pd(1.0 / GRID);
        for k in (0..us.len()).step_by(8) {
            // SAFETY (for the block): k + 8 ≤ len for every slice; the records read are those
            // whose indices the caller vouches for.
            unsafe {
                let u = _mm512_loadu_pd(us.as_ptr().add(k));
                let index = _mm256_loadu_si256(records.as_ptr().add(k) as *const __m256i);
                let [u_ref, x_ref, x_other, c0, c1, c2, c3, c4] = rows(base, index);
                let v = _mm512_add_pd(shift, _mm512_mul_pd(dir, u));
                let d = _mm512_sub_pd(v, u_ref);
                let d = _mm512_mul_pd(
                    _mm512_cvtepi64_pd(_mm512_cvttpd_epi64(_mm512_mul_pd(d, grid))),
                    step,
                );
                let d2 = _mm512_mul_pd(d, d);
                let low = _mm512_add_pd(c0, _mm512_mul_pd(c1, d));
                let high = _mm512_add_pd(
                    _mm512_add_pd(c2, _mm512_mul_pd(c3, d)),
                    _mm512_mul_pd(d2, c4),
                );
                let q = _mm512_mul_pd(d, _mm512_add_pd(low, _mm512_mul_pd(d2, high)));
                let x = _mm512_add_pd(x_ref, _mm512_mul_pd(scale, q));
                let ordered = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(x_ref, x_other);
                let lo = _mm512_mask_blend_pd(ordered, x_other, x_ref);
                let hi = _mm512_mask_blend_pd(ordered, x_ref, x_other);
                let above = _mm512_cmp_pd_mask::<_CMP_GT_OQ>(x, lo);
                let x = _mm512_mask_blend_pd(above, lo, x);
                let below = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(x, hi);
                let x = _mm512_mask_blend_pd(below, hi, x);
                _mm512_storeu_pd(out.as_mut_ptr().add(k), _mm512_mul_pd(dir, x));
            }
        }
    }
}

/// The same on AVX2, four lanes at a time. AVX2 converts no 64-bit integers: d on its grid is
/// rounded toward zero in floating point, then 0 added, which turns the −0 rounding gives
/// between −1 and 0 into the +0 of `as i64 as f64`: the same bits (|d| · 2⁴³ < 2⁵²).
#[cfg(target_arch = "x86_64")]
mod narrow {
    use std::arch::x86_64::*;

    use super::super::lanes::avx2::rows;
    use super::{GRID, Record, Table};

    /// # Safety
    ///
    /// The CPU must have AVX2; `us`, `records` and `out` must have the same length, a multiple
    /// of 4; every record index must be below `table.records.len()`.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn linear(table: &Table, us: &[f64], records: &[u32], out: &mut [f64]) {
        debug_assert!(
            us.len() == records.len() && us.len() == out.len() && us.len().is_multiple_of(4)
        );
        debug_assert!(records.iter().all(|&r| (r as usize) < table.records.len()));
        const _: () = assert!(size_of::<Record>() == 64);
        let base = table.records.as_ptr() as *const f64;
        let shift = _mm256_set1_pd(table.shift);
        let dir = _mm256_set1_pd(table.dir);
        let scale = _mm256_set1_pd(table.scale);
        let grid = _mm256_set1_pd(GRID);
        let step = _mm256_set1_pd(1.0 / GRID);
        for k in (0..us.len()).step_by(4) {
            // SAFETY (for the block): k + 4 ≤ len for every slice; the records read are those
            // whose indices the caller vouches for.
            unsafe {
                let u = _mm256_loadu_pd(us.as_ptr().add(k));
                let index = _mm_loadu_si128(records.as_ptr().add(k) as *const __m128i);
                let [u_ref, x_ref, x_other, c0, c1, c2, c3, c4] = rows(base, index);
                let v = _mm256_add_pd(shift, _mm256_mul_pd(dir, u));
                let d = _mm256_sub_pd(v, u_ref);
                let whole = _mm256_round_pd::<{ _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC }>(
                    _mm256_mul_pd(d, grid),
                );
                let d = _mm256_mul_pd(_mm256_add_pd(whole, _mm256_setzero_pd()), step);
                let d2 = _mm256_mul_pd(d, d);
                let low = _mm256_add_pd(c0, _mm256_mul_pd(c1, d));
                let high = _mm256_add_pd(
                    _mm256_add_pd(c2, _mm256_mul_pd(c3, d)),
                    _mm256_mul_pd(d2, c4),
                );
                let q = _mm256_mul_pd(d, _mm256_add_pd(low, _mm256_mul_pd(d2, high)));
                let x = _mm256_add_pd(x_ref, _mm256_mul_pd(scale, q));
                let ordered = _mm256_cmp_pd::<_CMP_LT_OQ>(x_ref, x_other);
                let lo = _mm256_blendv_pd(x_other, x_ref, ordered);
                let hi = _mm256_blendv_pd(x_ref, x_other, ordered);
                let x = _mm256_blendv_pd(lo, x, _mm256_cmp_pd::<_CMP_GT_OQ>(x, lo));
                let x = _mm256_blendv_pd(hi, x, _mm256_cmp_pd::<_CMP_LT_OQ>(x, hi));
                _mm256_storeu_pd(out.as_mut_ptr().add(k), _mm256_mul_pd(dir, x));
            }
        }
    }
}

/// x̂ at v from record r, clamped to the record's two nodes.
#[inline(always)]
fn from_record<S: Space>(r: &Record, scale: f64, v: f64) -> f64 {
    let x = S::x(r.x_ref, scale, poly(&r.coef, on_grid(v - r.u_ref)));
    let (lo, hi) = if r.x_ref < r.x_other {
        (r.x_ref, r.x_other)
    } else {
        (r.x_other, r.x_ref)
    };
    // Compared rather than f64::max/min, whose NaN handling costs three blends each: x is
    // never NaN here, and if it were the comparisons would give a bound, not NaN.
    let x = if x > lo { x } else { lo };
    if x < hi { x } else { hi }
}

/// A record's polynomial d · (c₀ + c₁d + c₂d² + c₃d³ + c₄d⁴), by Estrin's scheme: the same
/// value as Horner's to rounding, with a dependency chain of four products instead of five
/// products and four sums in a row, which is what a draw waits on.
#[inline(always)]
fn poly(c: &[f64; ORDER], d: f64) -> f64 {
    let d2 = d * d;
    d * ((c[0] + c[1] * d) + d2 * ((c[2] + c[3] * d) + d2 * c[4]))
}

/// Tail mass left to the exact quantile at an end that is not a truncation bound.
pub(super) const TAIL: f64 = 1e-10;

/// A truncation bound whose density is more than e^40 below the density at the median is left
/// to the exact tail: intervals climbing 40 orders of e would be many and carry no mass.
const FAR: f64 = 40.0;

/// The tolerance the intervals are built to, leaving room below [`U_ERROR`] for the points
/// between the test points, which the final check measures.
const BUILD_TOL: f64 = 0.5 * U_ERROR;

/// An end of the table: its standard point, x (−x when flipped), and u in the table's terms.
#[derive(Debug, Clone, Copy)]
struct End {
    at: Point,
    x: f64,
    u: f64,
}

/// One half of the table: built outwards from its anchor (its outer end, or the split), with
/// Δ ≥ 0 moving s by `dir` · Δ (+1 up, −1 down), and its density relative to the density at the
/// split, so that both halves' areas are in the same units.
#[derive(Debug, Clone, Copy)]
struct Side {
    ratio: Ratio,
    dir: f64,
    /// ln f(split) − ln f(anchor).
    at_split: f64,
    length: f64,
    /// The anchor is the split rather than the outer end.
    from_split: bool,
    /// How far behind the anchor the support ends, for the quadrature.
    pole: f64,
}

impl Side {
    fn new(shape: Shape, anchor: Point, dir: f64, length: f64, from_split: bool) -> Side {
        let ratio = Ratio::new(shape, anchor);
        let at_split = if from_split {
            0.0
        } else {
            ratio.ln(dir * length)
        };
        // A beta's or gamma's end behind an outer anchor: 0 below a lower one, a beta's 1 above
        // an upper one.
        let pole = match (shape, from_split, dir > 0.0) {
            (Shape::Beta { .. } | Shape::Gamma { .. }, false, true) => anchor.s,
            (Shape::Beta { .. }, false, false) => anchor.rest,
            _ => f64::INFINITY,
        };
        Side {
            ratio,
            dir,
            at_split,
            length,
            from_split,
            pole,
        }
    }

    fn density(&self, delta: f64) -> f64 {
        (self.ratio.ln(self.dir * delta) - self.at_split).exp()
    }
}

/// One built half, with what the check needs to recompute its u.
struct Built {
    side: Side,
    pieces: Vec<Piece>,
}

impl Built {
    fn area(&self) -> f64 {
        self.pieces.iter().map(|p| p.area).sum()
    }
}

/// The table for a frame and the largest u-error found checking it; `None` when no part of
/// the distribution can be tabulated (everything lies where x is not a normal double), which
/// leaves it to the exact quantile. `support` is the distribution's, in the frame's x (negated
/// when flipped).
pub(super) fn tabulate(frame: &Frame, support: (f64, f64)) -> Result<Option<(Table, f64)>, String> {
    let Some((lower, mid, upper)) = ends(frame, support) else {
        return Ok(None);
    };
    let Some(sides) = sides(frame, lower, mid, upper) else {
        return Ok(None);
    };
    let max_step = match frame.map {
        Map::Affine { .. } => f64::INFINITY,
        // exp(σ · Q) must not overflow inside an interval where x_ref · exp(σ · Q) does not.
        Map::Exp { sigma, .. } => 600.0 / sigma,
    };
    let densities = sides.map(|side| move |d: f64| side.density(d));
    let halves: Vec<Half> = (0..2)
        .map(|h| Half {
            density: &densities[h],
            length: sides[h].length,
            max_step,
            pole: sides[h].pole,
        })
        .collect();
    let per_u = halves.iter().map(build::rough_area).sum::<f64>() / (upper.u - lower.u);
    if !(per_u > 0.0 && per_u.is_finite()) {
        return Err("its density does not integrate to a positive number".to_string());
    }
    let mut built = Vec::new();
    for (half, side) in halves.iter().zip(sides) {
        let pieces = build::build(half, BUILD_TOL * per_u)?;
        built.push(Built { side, pieces });
    }
    let (table, origins) = assemble(frame, &built, [lower, upper], mid.s);
    let err = table.check(&built, &origins, per_u_of(&built, lower, upper))?;
    Ok(Some((table, err)))
}

/// The two halves: how far each runs and where it is anchored; `None` when the ends leave no
/// room for the upper one.
fn sides(frame: &Frame, lower: End, mid: Point, upper: End) -> Option<[Side; 2]> {
    let shape = frame.shape;
    let lower_len = mid.s - lower.at.s;
    let upper_len = if lower.u == 0.0 && upper.u == 1.0 {
        // Two truncation bounds: the halves must meet where the x between the bounds says, not
        // where each bound's own standardization (rounded at its position, 3.6e-15 at 30 sd)
        // puts it, which across a range a millionth wide would be a visible gap.
        span(frame.map, lower.x, upper.x) - lower_len
    } else {
        match shape {
            Shape::Beta { .. } => mid.rest - upper.at.rest,
            _ => upper.at.s - mid.s,
        }
    };
    if upper_len.is_nan() || upper_len <= 0.0 {
        return None;
    }
    // A heavy tail's far end is a poor origin: from t = 1e5, points near the centre are placed
    // to 1e-11 only. Its halves grow outwards from the split instead, where a t's precision
    // grows with its distance, unless the end is a truncation bound, kept to the last digit.
    let heavy = matches!(shape, Shape::StudentT { .. });
    Some([
        if heavy && lower.u > 0.0 {
            Side::new(shape, mid, -1.0, lower_len, true)
        } else {
            Side::new(shape, lower.at, 1.0, lower_len, false)
        },
        if heavy && upper.u < 1.0 {
            Side::new(shape, mid, 1.0, upper_len, true)
        } else {
            Side::new(shape, upper.at, -1.0, upper_len, false)
        },
    ])
}

fn per_u_of(built: &[Built], lower: End, upper: End) -> f64 {
    (built[0].area() + built[1].area()) / (upper.u - lower.u)
}

/// The table's two ends and the point the halves meet at, or `None` when they leave no range.
fn ends(frame: &Frame, support: (f64, f64)) -> Option<(End, Point, End)> {
    let median = frame.window.lower_point(0.5);
    let (lower, upper) = (lower_end(frame, median), upper_end(frame, median));
    let (lower, upper) = within_doubles(frame, lower, upper);
    // The exact quantile's x may round past a bound of the support.
    let keep = |e: End| End {
        x: e.x.max(support.0).min(support.1),
        ..e
    };
    let (lower, upper) = (keep(lower), keep(upper));
    let mid = split(frame.shape, median, lower, upper)?;
    let usable_ends = usable(frame.shape, &lower.at) && usable(frame.shape, &upper.at);
    (usable_ends && lower.u < upper.u).then_some((lower, mid, upper))
}

/// A truncation bound near enough to the bulk, else the exact quantile at the tail mass.
fn lower_end(frame: &Frame, median: Point) -> End {
    match frame.lower {
        Some((at, x)) if near(frame.shape, median, &at) => End { at, x, u: 0.0 },
        _ => {
            let at = frame.window.lower_point(TAIL);
            let x = frame.map.x(at.s);
            End { at, x, u: TAIL }
        }
    }
}

fn upper_end(frame: &Frame, median: Point) -> End {
    match frame.upper {
        Some((at, x)) if near(frame.shape, median, &at) => End { at, x, u: 1.0 },
        _ => {
            let at = frame.window.upper_point(TAIL);
            // Measured from a beta's top, x keeps the digits that s = 1 − rest would lose.
            let x = match frame.top {
                Some(top) => top - frame.map.scale() * at.rest,
                None => frame.map.x(at.s),
            };
            End {
                at,
                x,
                u: 1.0 - TAIL,
            }
        }
    }
}

/// True when the density at p is within e^40 of the density at the median.
fn near(shape: Shape, median: Point, p: &Point) -> bool {
    usable(shape, p) && Ratio::new(shape, median).ln(p.s - median.s) >= -FAR
}

/// The ends moved inwards to where x is a double the table can hold (see [`Map::range`]), with
/// their u from the standard law's CDF there.
fn within_doubles(frame: &Frame, mut lower: End, mut upper: End) -> (End, End) {
    let (map, window) = (frame.map, &frame.window);
    let (x_min, x_max) = map.range();
    if lower.x.is_nan() || lower.x < x_min {
        let s = map.s(x_min);
        let u = window.cdf(s);
        lower = End {
            at: Point::open(s),
            x: x_min,
            u,
        };
    }
    if upper.x.is_nan() || upper.x > x_max {
        let s = map.s(x_max);
        let u = 1.0 - window.sf(s);
        upper = End {
            at: Point::open(s),
            x: x_max,
            u,
        };
    }
    (lower, upper)
}

/// Where the halves meet: the median, kept a 64th of the range away from either end.
fn split(shape: Shape, median: Point, lower: End, upper: End) -> Option<Point> {
    if lower.at.s.partial_cmp(&upper.at.s) != Some(std::cmp::Ordering::Less) {
        return None;
    }
    let span = upper.at.s - lower.at.s;
    let s = median
        .s
        .max(lower.at.s + span / 64.0)
        .min(upper.at.s - span / 64.0);
    let mid = match shape {
        Shape::Beta { .. } => Point::shared(s),
        _ => Point::open(s),
    };
    (lower.at.s < mid.s && mid.s < upper.at.s).then_some(mid)
}

/// The distance in the standard coordinate between two x (−x when flipped).
fn span(map: Map, from: f64, to: f64) -> f64 {
    match map {
        Map::Affine { scale, .. } => (to - from) / scale,
        Map::Exp { sigma, .. } => {
            // ln(to / from), as ln_1p while the two are close and the ratio could not overflow.
            let x = (to - from) / from;
            if x.abs() <= 0.5 {
                x.ln_1p() / sigma
            } else {
                (to.ln() - from.ln()) / sigma
            }
        }
    }
}

/// True when the density ratio can be anchored at p: inside the open support, finite.
fn usable(shape: Shape, p: &Point) -> bool {
    match shape {
        Shape::Beta { .. } => p.s > 0.0 && p.rest > 0.0 && p.s.is_finite(),
        Shape::Gamma { .. } => p.s > 0.0 && p.s.is_finite(),
        Shape::Normal | Shape::StudentT { .. } => p.s.is_finite(),
    }
}

/// A node of the table: its u, x and Δ from its half's anchor.
type Node = (f64, f64, f64);

/// The nodes of one half from its anchor outwards: the anchor and each interval's far end.
fn nodes(half: &Built, map: Map, anchor: (f64, f64), per_u: f64) -> Vec<Node> {
    let dir = half.side.dir;
    let mut out = vec![(anchor.0, anchor.1, 0.0)];
    let mut area = 0.0;
    for p in &half.pieces {
        area += p.area;
        out.push((
            anchor.0 + dir * area / per_u,
            map.step(anchor.1, dir * p.end),
            p.end,
        ));
    }
    out
}

/// The records and guide of both halves, with each record's half and the Δ of its reference
/// node (for the check).
fn assemble(
    frame: &Frame,
    built: &[Built],
    ends: [End; 2],
    mid_s: f64,
) -> (Table, Vec<(usize, f64)>) {
    let [lower, upper] = ends;
    let per_u = per_u_of(built, lower, upper);
    let map = frame.map;
    let split = split_node(map, built, ends, per_u, mid_s);
    let halves: Vec<Vec<Node>> = built
        .iter()
        .zip(ends)
        .map(|(half, end)| {
            let (anchor, far) = if half.side.from_split {
                (split, (end.u, end.x))
            } else {
                ((end.u, end.x), split)
            };
            let mut n = nodes(half, map, anchor, per_u);
            // The far node is the other end's exactly, so that the halves and the tails meet.
            let last = n.len() - 1;
            (n[last].0, n[last].1) = far;
            n
        })
        .collect();
    let mut records = Vec::new();
    let mut starts = Vec::new();
    let mut origins = Vec::new();
    for (h, (half, n)) in built.iter().zip(&halves).enumerate() {
        let dir = half.side.dir;
        let order: Vec<usize> = if dir > 0.0 {
            (0..half.pieces.len()).collect()
        } else {
            (0..half.pieces.len()).rev().collect()
        };
        for k in order {
            records.push(record(n[k], n[k + 1], &half.pieces[k].coef, per_u, dir));
            starts.push(if dir > 0.0 { n[k].0 } else { n[k + 1].0 });
            origins.push((h, n[k].2));
        }
    }
    starts.push(f64::INFINITY);
    let (lo, hi) = (lower.u, upper.u);
    let (guide, cells) = guide(&starts[..records.len()], lo, hi);
    let flip = frame.flip;
    let table = Table {
        lo,
        hi,
        cells,
        guide,
        starts,
        records,
        scale: map.scale(),
        log_space: matches!(map, Map::Exp { .. }),
        shift: if flip { 1.0 } else { 0.0 },
        dir: if flip { -1.0 } else { 1.0 },
    };
    (table, origins)
}

/// The split's u and x, once for both halves: x from a half anchored at its outer end (whose x
/// keeps that end's digits), else from the split's own point.
fn split_node(
    map: Map,
    built: &[Built],
    [lower, upper]: [End; 2],
    per_u: f64,
    s: f64,
) -> (f64, f64) {
    let u = lower.u + built[0].area() / per_u;
    let x = if !built[0].side.from_split {
        map.step(lower.x, built[0].side.length)
    } else if !built[1].side.from_split {
        map.step(upper.x, -built[1].side.length)
    } else {
        map.x(s)
    };
    (u, x)
}

/// The guide table over [lo, hi] for records starting at `starts`, and its cells per unit of
/// u: each cell points to the record holding a u a little below the cell's start, so that the
/// guide never points past a u's record.
fn guide(starts: &[f64], lo: f64, hi: f64) -> (Vec<u32>, f64) {
    let total = GUIDE * starts.len();
    let cells = total as f64 / (hi - lo);
    let guide = (0..total)
        .map(|c| {
            let v = lo + (c as f64 - 1e-6) / cells;
            starts.partition_point(|s| *s <= v).saturating_sub(1) as u32
        })
        .collect();
    (guide, cells)
}

/// The record of one interval from its reference node: the area polynomial P(U) becomes
/// Q(d) = P(per_u · d) where u grows with Δ (d ≥ 0), and −P(−per_u · d) where it falls (the
/// record refers to its right end, d ≤ 0, and Δ grows downwards in x).
fn record(from: Node, to: Node, coef: &[f64; ORDER], per_u: f64, dir: f64) -> Record {
    let mut power = per_u;
    let mut sign = 1.0;
    let coef = std::array::from_fn(|j| {
        let c = coef[j] * power * sign;
        power *= per_u;
        if dir < 0.0 {
            sign = -sign;
        }
        c
    });
    Record {
        u_ref: from.0,
        x_ref: from.1,
        x_other: to.1,
        coef,
    }
}

/// Guide cells per record: enough that in the bulk of the distribution, where the intervals
/// are widest in u, a cell rarely holds a record's start, so the scan rarely moves.
const GUIDE: usize = 8;

/// Points checked in each interval, apart from the uniform sweep.
const PER_INTERVAL: usize = 4;
/// Points of the uniform sweep across the whole table.
const SWEEP: usize = 2048;

impl Table {
    /// The largest u-error at points independent of those the intervals were accepted on (four
    /// inside each interval and a uniform sweep of the whole table, located by the same guide
    /// and scan as a draw), with each u recomputed by integrating the density from the record's
    /// node; and a check that x never decreases across the points and every join. Fails when
    /// the bound is not met.
    fn check(&self, built: &[Built], origins: &[(usize, f64)], per_u: f64) -> Result<f64, String> {
        let err_at = |v: f64| {
            let i = self.record(v);
            let r = &self.records[i];
            let (h, node) = origins[i];
            let side = &built[h].side;
            let q = poly(&r.coef, on_grid(v - r.u_ref));
            let point = node + side.dir * q;
            let density = |d: f64| side.density(d);
            let area = build::area(&density, side.pole, node, point, 1e-3 * U_ERROR * per_u);
            (r.u_ref + side.dir * area / per_u - v).abs()
        };
        let mut worst = 0.0_f64;
        let mut xs = Vec::with_capacity(self.records.len() * (PER_INTERVAL + 2));
        for i in 0..self.records.len() {
            let (left, right) = (self.starts[i], self.starts[i + 1].min(self.hi));
            xs.push(self.eval_any(left));
            for j in 0..PER_INTERVAL {
                let v = left + (j as f64 + 0.5) / PER_INTERVAL as f64 * (right - left);
                worst = worst.max(err_at(v));
                xs.push(self.eval_any(v));
            }
            xs.push(self.eval_any(right.next_down().max(left)));
        }
        xs.push(self.eval_any(self.hi));
        if let Some(w) = xs
            .windows(2)
            .find(|w| w[0].partial_cmp(&w[1]).is_none_or(|o| o.is_gt()))
        {
            return Err(format!("its table decreases from {:e} to {:e}", w[0], w[1]));
        }
        for j in 0..SWEEP {
            let v = self.lo + (j as f64 + 0.5) / SWEEP as f64 * (self.hi - self.lo);
            worst = worst.max(err_at(v));
        }
        if worst > U_ERROR || worst.is_nan() {
            return Err(format!("its table reaches a u-error of {worst:e}"));
        }
        Ok(worst)
    }

    fn eval_any(&self, v: f64) -> f64 {
        if self.log_space {
            self.eval::<LogSpace>(v)
        } else {
            self.eval::<Linear>(v)
        }
    }
}
