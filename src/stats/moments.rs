//! Count, mean and central moments of a stream of values, computed a piece at a time and merged,
//! so that a sample held in memory and one reduced as it is drawn give the same bits.
//!
//! **One order of operations.** Values are cut into pieces at every multiple of [`PIECE`] and
//! at every replicate's first run. A piece's moments come from two passes over it (its mean,
//! then the powers of the deviations from that mean), in eight fixed lanes added in a fixed
//! order; pieces merge by the pairwise formulas of Chan, Golub & LeVeque (1979) and Pébay
//! (2008, Sandia report SAND2008-6212): in run order within a chunk of [`CHUNK`] runs and a
//! replicate, then chunk by chunk within a replicate, then replicate by replicate. Every sum
//! is thus fixed by the run count and the replicates alone, never by the thread count or by
//! whether the runs were stored.
//!
//! **No overflow.** A piece's values are divided by the power of two that brings its largest
//! magnitude near 1 before any power is taken, and merged pieces are brought to the larger of
//! their two scales. Power-of-two scaling is exact, so data that never come near the limits of
//! a double give the figures unscaled arithmetic would.

use crate::sample::scheme::Replicates;

/// Values per piece: a block of the engine's runs.
pub const PIECE: usize = 512;
/// Runs per chunk: pieces merge in run order within a chunk, chunks in order after.
pub const CHUNK: usize = 1 << 16;

const _: () = assert!(PIECE == crate::sample::BLOCK && CHUNK == crate::sample::CHUNK_RUNS);

/// Count, mean and sums of the 2nd to 4th powers of the deviations from the mean, the latter
/// three held divided by 2^scale (per power), with the extremes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Moments {
    pub n: u64,
    scale: i32,
    mean: f64,
    m2: f64,
    m3: f64,
    m4: f64,
    pub min: f64,
    pub max: f64,
}

impl Moments {
    pub const EMPTY: Moments = Moments {
        n: 0,
        scale: 0,
        mean: 0.0,
        m2: 0.0,
        m3: 0.0,
        m4: 0.0,
        min: f64::INFINITY,
        max: f64::NEG_INFINITY,
    };

    /// Every field's bits, to save and load bit for bit.
    pub fn to_words(&self) -> [u64; 8] {
        [
            self.n,
            self.scale as i64 as u64,
            self.mean.to_bits(),
            self.m2.to_bits(),
            self.m3.to_bits(),
            self.m4.to_bits(),
            self.min.to_bits(),
            self.max.to_bits(),
        ]
    }

    /// The moments [`Moments::to_words`] saved.
    pub fn from_words(w: [u64; 8]) -> Moments {
        let f = f64::from_bits;
        Moments {
            n: w[0],
            scale: w[1] as i64 as i32,
            mean: f(w[2]),
            m2: f(w[3]),
            m3: f(w[4]),
            m4: f(w[5]),
            min: f(w[6]),
            max: f(w[7]),
        }
    }

    /// The moments of one piece, by two passes over it.
    pub fn of(xs: &[f64]) -> Moments {
        if xs.is_empty() {
            return Moments::EMPTY;
        }
        crate::simd::vectorised(
            #[inline(always)]
            || piece(xs),
        )
    }

    /// The moments of both samples together (`self`'s values first).
    pub fn merge(self, other: Moments) -> Moments {
        if other.n == 0 {
            return self;
        }
        if self.n == 0 {
            return other;
        }
        let scale = self.scale.max(other.scale);
        let (a, b) = (self.rescaled(scale), other.rescaled(scale));
        let (na, nb) = (a.n as f64, b.n as f64);
        let n = na + nb;
        let delta = b.mean - a.mean;
        let d_n = delta / n;
        let mean = a.mean + d_n * nb;
        let m2 = a.m2 + b.m2 + delta * d_n * na * nb;
        let m3 = a.m3
            + b.m3
            + delta * d_n * d_n * na * nb * (na - nb)
            + 3.0 * d_n * (na * b.m2 - nb * a.m2);
        let m4 = a.m4
            + b.m4
            + delta * d_n * d_n * d_n * na * nb * (na * na - na * nb + nb * nb)
            + 6.0 * d_n * d_n * (na * na * b.m2 + nb * nb * a.m2)
            + 4.0 * d_n * (na * b.m3 - nb * a.m3);
        Moments {
            n: a.n + b.n,
            scale,
            mean,
            m2,
            m3,
            m4,
            min: a.min.min(b.min),
            max: a.max.max(b.max),
        }
    }

    /// The same moments held at a scale at least as large: exact unless a value underflows.
    fn rescaled(self, scale: i32) -> Moments {
        let k = scale - self.scale;
        if k == 0 {
            return self;
        }
        let f = pow2_down(k);
        Moments {
            scale,
            mean: self.mean * f,
            m2: self.m2 * f * f,
            m3: self.m3 * f * f * f,
            m4: self.m4 * f * f * f * f,
            ..self
        }
    }

    pub fn mean(&self) -> f64 {
        // + 0.0 makes the mean of a column of −0.0 a plain 0, which would print as "-0".
        self.mean * pow2(self.scale) + 0.0
    }

    /// The sample standard deviation (n − 1 in the divisor), 0 for fewer than two values.
    pub fn sd(&self) -> f64 {
        if self.n < 2 {
            return 0.0;
        }
        (self.m2 / (self.n - 1) as f64).sqrt() * pow2(self.scale)
    }

    /// Sample skewness and excess kurtosis (moment estimators: the mean cubed and fourth-power
    /// deviations over the sample sd's powers), NaN when every value is the same.
    pub fn shape(&self) -> (f64, f64) {
        if self.n < 2 || self.m2 == 0.0 || !self.m2.is_finite() {
            return (f64::NAN, f64::NAN);
        }
        let n = self.n as f64;
        let var = self.m2 / (n - 1.0);
        let sd = var.sqrt();
        (self.m3 / n / (var * sd), self.m4 / n / (var * var) - 3.0)
    }
}

/// 2^−k for k ≥ 0, exactly where it is a double, else 0.
fn pow2_down(k: i32) -> f64 {
    match k {
        0..=1022 => pow2(-k),
        1023..=1074 => f64::from_bits(1 << (1074 - k)),
        _ => 0.0,
    }
}

/// 2^e for −1022 ≤ e ≤ 1023, exactly.
fn pow2(e: i32) -> f64 {
    f64::from_bits(((1023 + e) as u64) << 52)
}

/// Sums run in 32 lanes: four registers of eight on AVX-512, so that four additions are under
/// way at once rather than each waiting on the one before.
const LANES: usize = 32;

/// Adds the lanes in one fixed order (pairwise), whatever the vector width the loop ran at.
fn total(mut l: [f64; LANES]) -> f64 {
    let mut width = LANES;
    while width > 1 {
        width /= 2;
        for i in 0..width {
            l[i] = l[2 * i] + l[2 * i + 1];
        }
    }
    l[0]
}

/// Runs `f(lane, x)` over every value, value i in lane i mod 32: whole groups of 32 first
/// (which the compiler vectorises), then the rest.
#[inline(always)]
fn each_lane(xs: &[f64], mut f: impl FnMut(usize, f64)) {
    let groups = xs.chunks_exact(LANES);
    let rest = groups.remainder();
    for g in groups {
        for (k, &x) in g.iter().enumerate() {
            f(k, x);
        }
    }
    for (k, &x) in rest.iter().enumerate() {
        f(k, x);
    }
}

#[inline(always)]
fn piece(xs: &[f64]) -> Moments {
    let mut lo = [f64::INFINITY; LANES];
    let mut hi = [f64::NEG_INFINITY; LANES];
    let mut big = [0.0f64; LANES];
    // Plain selects (the comparisons' min and max) rather than f64::min, whose care for NaN
    // costs three instructions a lane: a NaN run fails the run anyway.
    each_lane(xs, |k, x| {
        lo[k] = if x < lo[k] { x } else { lo[k] };
        hi[k] = if x > hi[k] { x } else { hi[k] };
        let a = x.abs();
        big[k] = if a > big[k] { a } else { big[k] };
    });
    let largest = big.into_iter().fold(0.0, f64::max);
    // 2^scale ≤ the largest magnitude < 2^(scale + 1); both 2^±scale stay normal numbers.
    let scale = if largest > 0.0 && largest.is_finite() {
        (largest.log2().floor() as i32).clamp(-1000, 1000)
    } else {
        0
    };
    let down = pow2(-scale);
    // Deviations from the first value make a constant piece's mean exact and its sums 0.
    let shift = xs[0] * down;
    let mut sum = [0.0; LANES];
    each_lane(xs, |k, x| sum[k] += x * down - shift);
    let n = xs.len();
    let mean = shift + total(sum) / n as f64;
    let (mut s2, mut s3, mut s4) = ([0.0; LANES], [0.0; LANES], [0.0; LANES]);
    each_lane(xs, |k, x| {
        let d = x * down - mean;
        let d2 = d * d;
        s2[k] += d2;
        s3[k] += d2 * d;
        s4[k] += d2 * d2;
    });
    Moments {
        n: n as u64,
        scale,
        mean,
        m2: total(s2),
        m3: total(s3),
        m4: total(s4),
        min: lo.into_iter().fold(f64::INFINITY, f64::min),
        max: hi.into_iter().fold(f64::NEG_INFINITY, f64::max),
    }
}

/// One chunk's moments, one entry per replicate it holds part of, in run order.
pub type ChunkMoments = Vec<(u64, Moments)>;

/// Adds the moments of the runs `first..first + xs.len()` (within one piece and one chunk) to a
/// chunk's list, cut at replicate starts.
pub fn add_piece(chunk: &mut ChunkMoments, first: u64, xs: &[f64], reps: Option<&Replicates>) {
    for (rep, start, end) in replicate_pieces(first, xs.len(), reps) {
        let m = Moments::of(&xs[start..end]);
        match chunk.last_mut() {
            Some((r, acc)) if *r == rep => *acc = acc.merge(m),
            _ => chunk.push((rep, m)),
        }
    }
}

/// The replicate pieces of the runs `first..first + len`: (replicate, start, end) with start
/// and end relative to `first`.
pub fn replicate_pieces(
    first: u64,
    len: usize,
    reps: Option<&Replicates>,
) -> impl Iterator<Item = (u64, usize, usize)> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= len {
            return None;
        }
        let run = first + at as u64;
        let (rep, end) = match reps {
            Some(r) => {
                let rep = r.of(run);
                (rep, ((r.start(rep + 1) - first) as usize).min(len))
            }
            None => (0, len),
        };
        let piece = (rep, at, end);
        at = end;
        Some(piece)
    })
}

/// Every replicate's moments (one, for independent runs), built from the chunks' lists in
/// chunk order.
#[derive(Debug, Clone, Default)]
pub struct Combined {
    per_rep: Vec<Moments>,
}

impl Combined {
    /// Adds the next chunk's list.
    pub fn add(&mut self, chunk: ChunkMoments) {
        for (rep, m) in chunk {
            let rep = rep as usize;
            if self.per_rep.len() <= rep {
                self.per_rep.resize(rep + 1, Moments::EMPTY);
            }
            self.per_rep[rep] = self.per_rep[rep].merge(m);
        }
    }

    /// The pooled moments (the replicates' merged in order) and each replicate's.
    pub fn finish(self) -> (Moments, Vec<Moments>) {
        let pooled = self.per_rep.iter().fold(Moments::EMPTY, |a, &b| a.merge(b));
        (pooled, self.per_rep)
    }
}

/// [`Combined`] over the chunks' lists in chunk order.
pub fn combine(chunks: impl IntoIterator<Item = ChunkMoments>) -> (Moments, Vec<Moments>) {
    let mut all = Combined::default();
    chunks.into_iter().for_each(|c| all.add(c));
    all.finish()
}

/// The moments of a stored column, in the order a stream of its runs gives them.
pub fn of_column(data: &[f64], reps: Option<&Replicates>) -> (Moments, Vec<Moments>) {
    use rayon::prelude::*;
    let chunks: Vec<ChunkMoments> = data
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(c, chunk)| {
            let mut list = ChunkMoments::new();
            for (p, xs) in chunk.chunks(PIECE).enumerate() {
                add_piece(&mut list, (c * CHUNK + p * PIECE) as u64, xs, reps);
            }
            list
        })
        .collect();
    combine(chunks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::Xoshiro256PlusPlus;
    use rand::{RngExt, SeedableRng};

    /// Two-pass moments in extended care: the reference the merged ones must match.
    fn reference(data: &[f64]) -> (f64, f64, f64, f64) {
        let n = data.len() as f64;
        let mean = data.iter().sum::<f64>() / n;
        let m = |k: i32| data.iter().map(|x| (x - mean).powi(k)).sum::<f64>();
        let var = m(2) / (n - 1.0);
        let sd = var.sqrt();
        (
            mean,
            sd,
            m(3) / n / (var * sd),
            m(4) / n / (var * var) - 3.0,
        )
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1e-300)
    }

    #[test]
    fn merged_pieces_match_two_passes_over_the_whole() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let data: Vec<f64> = (0..300_001)
            .map(|_| 1e8 * (rng.random::<f64>() * 2.0).exp())
            .collect();
        let (m, _) = of_column(&data, None);
        let (mean, sd, skew, kurt) = reference(&data);
        assert_eq!(m.n, data.len() as u64);
        assert!(close(m.mean(), mean, 1e-13), "{} {mean}", m.mean());
        assert!(close(m.sd(), sd, 1e-12));
        let (s, k) = m.shape();
        assert!(
            close(s, skew, 1e-10) && close(k, kurt, 1e-9),
            "{s} {skew} {k} {kurt}"
        );
        assert_eq!(m.min, data.iter().copied().fold(f64::INFINITY, f64::min));
        assert_eq!(
            m.max,
            data.iter().copied().fold(f64::NEG_INFINITY, f64::max)
        );
    }

    #[test]
    fn a_constant_column_has_its_exact_mean_and_no_spread() {
        for x in [0.1, -3.7e12, 1e-310, 0.0] {
            let (m, _) = of_column(&vec![x; 200_000], None);
            assert_eq!(m.mean(), x);
            assert_eq!(m.sd(), 0.0);
            assert!(m.shape().0.is_nan());
        }
        assert_eq!(of_column(&[-0.0; 10], None).0.mean().to_bits(), 0);
    }

    #[test]
    fn values_near_the_largest_double_do_not_overflow() {
        let data: Vec<f64> = (0..5000)
            .map(|i| if i % 2 == 0 { 1.5e308 } else { -1.5e308 })
            .collect();
        let (m, _) = of_column(&data, None);
        // The exact mean is 0: what remains is the sums' rounding, relative to the values.
        assert!(m.mean().abs() <= 1e-14 * 1.5e308, "{}", m.mean());
        assert!(close(m.sd(), 1.5e308 * (5000.0f64 / 4999.0).sqrt(), 1e-14));
        let tiny: Vec<f64> = data.iter().map(|x| x * 1e-630).collect();
        assert!(close(of_column(&tiny, None).0.sd(), 1.5e-322 * 1.0, 0.1));
    }

    #[test]
    fn scales_far_apart_merge_without_overflow() {
        let data = [1e300, 1e-300, 1.0, -1e300];
        let m = data
            .iter()
            .map(|x| Moments::of(std::slice::from_ref(x)))
            .fold(Moments::EMPTY, Moments::merge);
        // The 1 and the 1e-300 are lost to rounding next to 1e300, as in any sum of doubles.
        assert!(m.mean().abs() <= 1e286, "{}", m.mean());
        assert!(
            close(m.sd(), (2.0f64 / 3.0).sqrt() * 1e300, 1e-14),
            "{}",
            m.sd()
        );
    }

    #[test]
    fn replicates_are_each_their_own_sample() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(8);
        let data: Vec<f64> = (0..100_003).map(|_| rng.random::<f64>()).collect();
        let reps = Replicates {
            runs: data.len() as u64,
            count: 7,
        };
        let (pooled, each) = of_column(&data, Some(&reps));
        assert_eq!(each.len(), 7);
        for (m, r) in each.iter().zip(reps.ranges()) {
            let part = &data[r.start as usize..r.end as usize];
            assert_eq!(m.n, part.len() as u64);
            assert!(close(m.mean(), reference(part).0, 1e-14));
        }
        assert!(close(pooled.mean(), reference(&data).0, 1e-14));
    }

    #[test]
    fn replicate_pieces_cut_at_replicate_starts() {
        let reps = Replicates { runs: 10, count: 3 };
        let pieces: Vec<_> = replicate_pieces(2, 6, Some(&reps)).collect();
        assert_eq!(pieces, vec![(0, 0, 1), (1, 1, 4), (2, 4, 6)]);
        assert_eq!(
            replicate_pieces(2, 6, None).collect::<Vec<_>>(),
            vec![(0, 0, 6)]
        );
    }

    #[test]
    fn the_same_bits_at_every_vector_level() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(9);
        let data: Vec<f64> = (0..4099).map(|_| rng.random::<f64>() * 3e9).collect();
        // Pieces merged on this thread, where the level is capped.
        let merged = || {
            data.chunks(PIECE)
                .map(Moments::of)
                .fold(Moments::EMPTY, Moments::merge)
        };
        let at = |level| crate::simd::capped(level, merged);
        let want = at(crate::simd::Level::Baseline);
        for level in crate::simd::Level::available() {
            assert_eq!(at(level), want, "{level:?}");
        }
    }
}
