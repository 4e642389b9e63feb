//! What one pass keeps of one output's runs: for each interval of values, the counts of runs
//! below and at its ends and the values strictly inside, per replicate.

use std::mem::MaybeUninit;

/// Most values [`Tally::count`] takes at once: a block of runs.
pub const MAX_COUNTED: usize = crate::sample::BLOCK;

/// A closed range of values [lo, hi]; lo may be −∞ and hi +∞.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub lo: f64,
    pub hi: f64,
}

impl Interval {
    pub const ALL: Interval = Interval {
        lo: f64::NEG_INFINITY,
        hi: f64::INFINITY,
    };

    pub fn holds(&self, x: f64) -> bool {
        self.lo <= x && x <= self.hi
    }
}

/// Runs counted against one interval: below lo, at or below lo, below hi, at or below hi,
/// and every value strictly between lo and hi. Ties at an end are counted, never kept, so a
/// value that many runs share costs nothing to hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub lt_lo: u64,
    pub le_lo: u64,
    pub lt_hi: u64,
    pub le_hi: u64,
    pub inside: Vec<f64>,
}

impl Tally {
    pub fn add(&mut self, other: Tally) {
        self.add_counts(&other);
        if self.inside.is_empty() {
            self.inside = other.inside;
        } else {
            self.inside.extend_from_slice(&other.inside);
        }
    }

    /// Adds `other`'s counts, not its kept values.
    pub fn add_counts(&mut self, other: &Tally) {
        self.lt_lo += other.lt_lo;
        self.le_lo += other.le_lo;
        self.lt_hi += other.lt_hi;
        self.le_hi += other.le_hi;
    }

    /// Counts `xs` (at most [`MAX_COUNTED`] values) against `iv` and keeps the values
    /// strictly inside it, in order.
    ///
    /// One pass counts the values below lo and at or below hi and gathers those in [lo, hi]
    /// (few, and at most a block) in a buffer; the buffer's values equal to an end are then
    /// counted rather than kept. Two comparisons a value instead of four, and a value that many
    /// runs share still costs no memory.
    #[inline(always)]
    pub fn count(&mut self, xs: &[f64], iv: Interval) {
        debug_assert!(xs.len() <= MAX_COUNTED);
        // Not zeroed: at 42 intervals a block, zeroing took more time than the counting.
        let mut between = [MaybeUninit::<f64>::uninit(); MAX_COUNTED + 8];
        let ([below_lo, to_hi], n) = gather(xs, iv, &mut between);
        // SAFETY: `gather` wrote the first n values.
        let between: &[f64] = unsafe { std::slice::from_raw_parts(between.as_ptr().cast(), n) };
        let (mut at_lo, mut at_hi) = (0, 0);
        for &x in between {
            at_lo += u64::from(x == iv.lo);
            at_hi += u64::from(x == iv.hi);
        }
        self.lt_lo += below_lo;
        self.le_lo += below_lo + at_lo;
        self.lt_hi += to_hi - at_hi;
        self.le_hi += to_hi;
        if n as u64 > at_lo + at_hi {
            self.inside
                .extend(between.iter().copied().filter(|&x| x > iv.lo && x < iv.hi));
        }
    }

    /// Runs at or below `v`, for lo ≤ v ≤ hi.
    pub fn at_or_below(&self, iv: Interval, v: f64) -> u64 {
        if v >= iv.hi {
            self.le_hi
        } else {
            self.le_lo + self.inside.iter().filter(|&&x| x <= v).count() as u64
        }
    }

    /// The same runs counted against `inner`, an interval inside `outer` (this tally's).
    ///
    /// The kept values are counted against `inner` a block at a time, as runs are (a filter
    /// and four counts over them took a tenth of a run's time, between the waves, when one
    /// core was idle); the runs outside `outer` are this tally's.
    pub fn narrowed(&self, outer: Interval, inner: Interval) -> Tally {
        let mut t = Tally::default();
        for xs in self.inside.chunks(MAX_COUNTED) {
            t.count(xs, inner);
        }
        // The kept values lie strictly inside `outer`: none equals either of its ends.
        Tally {
            lt_lo: if inner.lo <= outer.lo {
                self.lt_lo
            } else {
                self.le_lo + t.lt_lo
            },
            le_lo: if inner.lo >= outer.hi {
                self.le_hi
            } else {
                self.le_lo + t.le_lo
            },
            lt_hi: if inner.hi <= outer.lo {
                self.lt_lo
            } else {
                self.le_lo + t.lt_hi
            },
            le_hi: if inner.hi >= outer.hi {
                self.le_hi
            } else {
                self.le_lo + t.le_hi
            },
            inside: t.inside,
        }
    }
}

/// One replicate's share of a chunk: per column, its tally against each interval, and per
/// event, the runs where it holds.
#[derive(Debug, Clone, Default)]
pub struct Segment {
    pub rep: u64,
    /// [column][interval].
    pub tallies: Vec<Vec<Tally>>,
    pub hits: Vec<u64>,
}

/// The counts of `xs` below lo and at or below hi, and its values in [lo, hi] written to the
/// front of `between` in order, with how many.
#[inline(always)]
fn gather(xs: &[f64], iv: Interval, between: &mut [MaybeUninit<f64>]) -> ([u64; 2], usize) {
    assert!(between.len() >= xs.len() + 8);
    #[cfg(target_arch = "x86_64")]
    match crate::simd::level() {
        // SAFETY: the CPU has AVX-512 (`level` found it); `between` has room (asserted).
        crate::simd::Level::Avx512 => return unsafe { avx512::gather(xs, iv, between) },
        // SAFETY: the CPU has AVX2 (`level` found it); `between` has room (asserted).
        crate::simd::Level::Avx2 => return unsafe { avx2::gather(xs, iv, between) },
        crate::simd::Level::Baseline => {}
    }
    portable(xs, iv, between)
}

/// [`gather`] one value at a time; the vector paths' remainders too.
#[inline(always)]
fn portable(xs: &[f64], iv: Interval, between: &mut [MaybeUninit<f64>]) -> ([u64; 2], usize) {
    let (mut below, mut to_hi, mut n) = (0u64, 0u64, 0);
    for &x in xs {
        below += u64::from(x < iv.lo);
        to_hi += u64::from(x <= iv.hi);
    }
    for &x in xs {
        if iv.holds(x) {
            between[n] = MaybeUninit::new(x);
            n += 1;
        }
    }
    ([below, to_hi], n)
}

/// Counting and keeping in one pass, eight values at a time: the four comparisons' masks
/// count into vector lanes, and the values inside are packed to the front of a register and
/// stored. The compiler vectorises the counts of the portable loop but not the keeping, which
/// alone took a third of a run's time when every block held a value inside most intervals.
#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::*;
    use std::mem::MaybeUninit;

    use super::Interval;

    /// [`super::gather`], eight values at a time.
    ///
    /// # Safety
    ///
    /// The CPU must have AVX-512F; `between` must hold `xs.len() + 8` values.
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn gather(
        xs: &[f64],
        iv: Interval,
        between: &mut [MaybeUninit<f64>],
    ) -> ([u64; 2], usize) {
        assert!(between.len() >= xs.len() + 8);
        let out = between.as_mut_ptr().cast::<f64>();
        let (lo, hi) = (_mm512_set1_pd(iv.lo), _mm512_set1_pd(iv.hi));
        let one = _mm512_set1_epi64(1);
        let (mut below, mut to_hi) = (_mm512_setzero_si512(), _mm512_setzero_si512());
        let mut n = 0;
        let groups = xs.chunks_exact(8);
        let rest = groups.remainder();
        for g in groups {
            // SAFETY: `g` holds 8 values; n ≤ the values seen so far, so the store's 8 lanes
            // end inside `between` (asserted above).
            unsafe {
                let x = _mm512_loadu_pd(g.as_ptr());
                let lt_lo = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(x, lo);
                let le_hi = _mm512_cmp_pd_mask::<_CMP_LE_OQ>(x, hi);
                below = _mm512_mask_add_epi64(below, lt_lo, below, one);
                to_hi = _mm512_mask_add_epi64(to_hi, le_hi, to_hi, one);
                // lo ≤ x ≤ hi: not below lo and at or below hi (NaN fails the latter). Most
                // groups hold none: a branch, rather than a store whose address waits on the
                // previous group's count (which made the loop 5× slower).
                let keep = !lt_lo & le_hi;
                if keep != 0 {
                    _mm512_storeu_pd(out.add(n), _mm512_maskz_compress_pd(keep, x));
                    n += keep.count_ones() as usize;
                }
            }
        }
        let counts = [below, to_hi].map(|a| _mm512_reduce_add_epi64(a) as u64);
        let ([below, to_hi], kept) = super::portable(rest, iv, &mut between[n..]);
        ([counts[0] + below, counts[1] + to_hi], n + kept)
    }
}

/// [`gather`] with AVX2, which has no compress: the comparisons count into vector lanes four
/// values at a time, and a group of eight with a value inside (rare once the brackets are
/// narrow) is kept value by value. The portable loop's keeping, a branch per value, took a
/// third of a run's time.
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;
    use std::mem::MaybeUninit;

    use super::Interval;

    /// [`super::gather`], eight values at a time.
    ///
    /// # Safety
    ///
    /// The CPU must have AVX2; `between` must hold `xs.len()` values.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn gather(
        xs: &[f64],
        iv: Interval,
        between: &mut [MaybeUninit<f64>],
    ) -> ([u64; 2], usize) {
        assert!(between.len() >= xs.len());
        let (lo, hi) = (_mm256_set1_pd(iv.lo), _mm256_set1_pd(iv.hi));
        let (mut below, mut to_hi) = (_mm256_setzero_si256(), _mm256_setzero_si256());
        let mut n = 0;
        let groups = xs.chunks_exact(8);
        let rest = groups.remainder();
        for g in groups {
            // SAFETY: `g` holds 8 values, read as two groups of 4.
            let (a, b) = unsafe {
                (
                    _mm256_loadu_pd(g.as_ptr()),
                    _mm256_loadu_pd(g.as_ptr().add(4)),
                )
            };
            let (lt_a, lt_b) = (
                _mm256_cmp_pd::<_CMP_LT_OQ>(a, lo),
                _mm256_cmp_pd::<_CMP_LT_OQ>(b, lo),
            );
            let (le_a, le_b) = (
                _mm256_cmp_pd::<_CMP_LE_OQ>(a, hi),
                _mm256_cmp_pd::<_CMP_LE_OQ>(b, hi),
            );
            // A true lane is all ones, −1 as an integer: subtracting it counts one.
            below = _mm256_sub_epi64(below, _mm256_castpd_si256(lt_a));
            below = _mm256_sub_epi64(below, _mm256_castpd_si256(lt_b));
            to_hi = _mm256_sub_epi64(to_hi, _mm256_castpd_si256(le_a));
            to_hi = _mm256_sub_epi64(to_hi, _mm256_castpd_si256(le_b));
            // lo ≤ x ≤ hi: not below lo and at or below hi (NaN fails the latter).
            let keep = _mm256_movemask_pd(_mm256_andnot_pd(lt_a, le_a))
                | (_mm256_movemask_pd(_mm256_andnot_pd(lt_b, le_b)) << 4);
            if keep != 0 {
                for (j, &x) in g.iter().enumerate() {
                    if keep >> j & 1 == 1 {
                        between[n] = MaybeUninit::new(x);
                        n += 1;
                    }
                }
            }
        }
        let lanes = |v: __m256i| {
            let mut out = [0u64; 4];
            // SAFETY: `out` holds 4 lanes of 64 bits.
            unsafe { _mm256_storeu_si256(out.as_mut_ptr().cast(), v) };
            out.iter().sum::<u64>()
        };
        let ([rest_below, rest_to_hi], kept) = super::portable(rest, iv, &mut between[n..]);
        (
            [lanes(below) + rest_below, lanes(to_hi) + rest_to_hi],
            n + kept,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_ends_and_keeps_only_the_inside() {
        let xs = [1.0, 2.0, 2.0, 3.0, 4.0, 5.0, 5.0, 6.0];
        let iv = Interval { lo: 2.0, hi: 5.0 };
        let mut t = Tally::default();
        t.count(&xs, iv);
        assert_eq!((t.lt_lo, t.le_lo, t.lt_hi, t.le_hi), (1, 3, 5, 7));
        assert_eq!(t.inside, vec![3.0, 4.0]);
        assert_eq!(t.at_or_below(iv, 3.5), 4);
        let n = t.narrowed(iv, Interval { lo: 3.0, hi: 5.0 });
        assert_eq!((n.lt_lo, n.le_lo, n.lt_hi, n.le_hi), (3, 4, 5, 7));
        assert_eq!(n.inside, vec![4.0]);
    }

    /// Narrowing a tally is counting the runs afresh against the inner interval: for every
    /// inner interval whose ends are the outer's, a value many runs share, or a value none has,
    /// including degenerate ones (lo = hi), and for a bounded outer interval and the whole line.
    #[test]
    fn narrowing_is_counting_afresh_at_shared_ends_ties_and_degenerate_intervals() {
        let xs: Vec<f64> = (0..2000).map(|i| ((i * 37) % 23) as f64 / 2.0).collect();
        let tally = |iv: Interval| {
            let mut t = Tally::default();
            for block in xs.chunks(MAX_COUNTED) {
                t.count(block, iv);
            }
            t
        };
        let outers = [Interval { lo: 2.0, hi: 9.0 }, Interval::ALL];
        for outer in outers {
            let whole = tally(outer);
            let mut ends = vec![outer.lo, outer.hi, 3.0, 5.5, 8.5, 2.25, 8.75];
            if outer.lo.is_infinite() {
                ends.extend([0.0, 11.0, -1.0, 12.0]);
            }
            for &lo in &ends {
                for &hi in ends.iter().filter(|&&hi| hi >= lo) {
                    let inner = Interval { lo, hi };
                    assert_eq!(
                        whole.narrowed(outer, inner),
                        tally(inner),
                        "{inner:?} inside {outer:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_vector_level_counts_and_keeps_alike() {
        let mut xs: Vec<f64> = (0..509)
            .map(|i| ((i * 7919) % 1000) as f64 / 10.0)
            .collect();
        xs[3] = f64::NAN;
        xs[100] = f64::INFINITY;
        let intervals = [
            Interval { lo: 20.0, hi: 20.5 },
            Interval { lo: 50.0, hi: 50.0 },
            Interval::ALL,
            Interval { lo: -1.0, hi: 0.0 },
        ];
        for iv in intervals {
            let at = |level| {
                crate::simd::capped(level, || {
                    let mut t = Tally::default();
                    t.count(&xs, iv);
                    t.count(&xs[..7], iv);
                    t
                })
            };
            let want = at(crate::simd::Level::Baseline);
            for level in crate::simd::Level::available() {
                assert_eq!(at(level), want, "{iv:?} at {level:?}");
            }
        }
    }
}
