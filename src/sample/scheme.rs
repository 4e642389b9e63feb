//! Where each input's uniforms come from: independent draws (Monte Carlo), a Latin hypercube, or
//! Owen-scrambled Sobol points (randomised quasi-Monte Carlo). Every input is then drawn as
//! x = F⁻¹(u), so the uniforms alone decide the coupling between scenarios.
//!
//! Every uniform is a function of (seed, the input's stream, the run's index) and nothing else,
//! computed without state: any run can be drawn alone, by any thread, in any order, and two
//! scenarios, sweep points or overrides that share an input get the same uniforms for it run by
//! run, whatever its distribution (comonotone coupling).
//!
//! Stratified and quasi-random points are not independent, so the binomial intervals of plain
//! Monte Carlo do not hold for them. Their runs are cut into independent replicates (each its
//! own Latin hypercube, or its own scrambling of the Sobol sequence), and intervals come from
//! the spread between replicates: see [`Replicates`].

use std::sync::OnceLock;

/// Runs per Owen-scrambled Sobol replicate at most: sobol_burley scrambles 2^16 points per seed.
pub const MAX_SOBOL_REPLICATE: u64 = 1 << 16;

/// Runs per Latin hypercube replicate at most: the permutation works on 32-bit indices.
pub const MAX_LHS_REPLICATE: u64 = 1 << 32;

/// Fewest replicates a stratified or quasi-random scheme uses: between-replicate intervals
/// with fewer degrees of freedom are too wide to be of use (t(31) is 2.04 against 1.96).
pub const MIN_REPLICATES: u64 = 32;

/// Runs beyond a percentile each replicate needs on average for an interval between
/// replicates: below it a replicate's count beyond the percentile is a handful, neither normal
/// nor informative.
pub const MIN_TAIL_RUNS_PER_REPLICATE: f64 = 10.0;

/// How the uniforms behind each input's draws are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scheme {
    /// Independent uniforms: intervals from the binomial and order-statistic laws.
    #[default]
    MonteCarlo,
    /// A Latin hypercube per replicate: each input's runs cover each 1/m of its probability
    /// exactly once.
    LatinHypercube,
    /// Owen-scrambled Sobol points per replicate (randomised quasi-Monte Carlo).
    Sobol,
}

impl Scheme {
    /// The scheme when the user names none: scrambled Sobol points, which reach a given
    /// precision in the fewest runs, when `runs` give every one of `percentiles` an interval
    /// between replicates; independent runs otherwise (a few thousand runs, or far tails),
    /// whose order-statistic intervals need far fewer runs beyond a percentile.
    pub fn auto(runs: u64, percentiles: &[f64]) -> Scheme {
        let reps = Scheme::Sobol.replicates(runs).expect("a stratified scheme");
        let smallest = (runs / reps.count) as f64;
        let reached = percentiles.iter().all(|p| {
            let q = p / 100.0;
            smallest * q.min(1.0 - q) >= MIN_TAIL_RUNS_PER_REPLICATE
        });
        if reached {
            Scheme::Sobol
        } else {
            Scheme::MonteCarlo
        }
    }

    /// The scheme [`Scheme::name`] names.
    pub fn named(name: &str) -> Option<Scheme> {
        [Scheme::MonteCarlo, Scheme::LatinHypercube, Scheme::Sobol]
            .into_iter()
            .find(|s| s.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Scheme::MonteCarlo => "mc",
            Scheme::LatinHypercube => "lhs",
            Scheme::Sobol => "qmc",
        }
    }

    /// The replicates `runs` are cut into; `None` for Monte Carlo, whose runs are all
    /// independent.
    pub fn replicates(self, runs: u64) -> Option<Replicates> {
        let most = match self {
            Scheme::MonteCarlo => return None,
            Scheme::LatinHypercube => MAX_LHS_REPLICATE,
            Scheme::Sobol => MAX_SOBOL_REPLICATE,
        };
        let count = MIN_REPLICATES.max(runs.div_ceil(most)).min(runs.max(1));
        Some(Replicates { runs, count })
    }
}

/// `runs` cut into `count` consecutive replicates whose sizes differ by at most one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replicates {
    pub runs: u64,
    pub count: u64,
}

impl Replicates {
    /// The first run of replicate `r` (r = count gives `runs`).
    pub fn start(&self, r: u64) -> u64 {
        // r·runs fits in u128 whatever the run count.
        (u128::from(r) * u128::from(self.runs) / u128::from(self.count)) as u64
    }

    /// The replicate run `i` belongs to: the r with start(r) ≤ i < start(r + 1).
    pub fn of(&self, i: u64) -> u64 {
        // The proportional guess is off by at most one either way.
        let mut r = (u128::from(i) * u128::from(self.count) / u128::from(self.runs)) as u64;
        while r + 1 < self.count && self.start(r + 1) <= i {
            r += 1;
        }
        while r > 0 && self.start(r) > i {
            r -= 1;
        }
        r
    }

    /// The runs of each replicate, in order.
    pub fn ranges(&self) -> impl Iterator<Item = std::ops::Range<u64>> + '_ {
        (0..self.count).map(|r| self.start(r)..self.start(r + 1))
    }
}

/// The uniforms of one plan: a scheme, a seed, and the run count the replicates are cut from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Uniforms {
    pub scheme: Scheme,
    pub seed: u64,
    pub replicates: Option<Replicates>,
}

impl Uniforms {
    pub fn new(scheme: Scheme, seed: u64, runs: u64) -> Self {
        Uniforms {
            scheme,
            seed,
            replicates: scheme.replicates(runs),
        }
    }

    /// The uniforms in (0, 1) of runs `first..first + out.len()` for the input drawn from
    /// `stream`, whose Sobol coordinate is `dimension`.
    pub fn fill(&self, stream: u64, dimension: u32, first: u64, out: &mut [f64]) {
        let key = mix(self.seed ^ mix(stream));
        match (self.scheme, self.replicates) {
            (Scheme::LatinHypercube, Some(reps)) => {
                for_each_replicate(reps, first, out, |r, j0, m, first, out| {
                    let perm = mix(key ^ mix(r ^ 0x4c48_5331));
                    for (t, u) in out.iter_mut().enumerate() {
                        let cell = permute(j0 + t as u64, m, perm);
                        *u = (cell as f64 + open_unit(counter(key, first + t as u64))) / m as f64;
                    }
                });
            }
            (Scheme::Sobol, Some(reps)) => {
                let directions = Directions::of(dimension);
                for_each_replicate(reps, first, out, |r, j0, _, first, out| {
                    let scramble = (mix(self.seed ^ mix(r ^ 0x534f_424c)) >> 32) as u32;
                    let scrambled = directions.scrambled(scramble);
                    crate::simd::vectorised(
                        #[inline(always)]
                        || scrambled.fill(key, j0, first, out),
                    );
                });
            }
            _ => crate::simd::vectorised(
                #[inline(always)]
                || fill_independent(key, first, out),
            ),
        }
    }
}

#[inline(always)]
fn fill_independent(key: u64, first: u64, out: &mut [f64]) {
    for (k, u) in out.iter_mut().enumerate() {
        *u = open_unit(counter(key, first + k as u64));
    }
}

/// Calls `fill(r, j0, m, first, part)` for each replicate r that runs `first..first +
/// out.len()` reach, with `part` the share of `out` in it, `j0` the index within the replicate
/// of the part's first run, and m the replicate's size.
fn for_each_replicate(
    reps: Replicates,
    first: u64,
    out: &mut [f64],
    mut fill: impl FnMut(u64, u64, u64, u64, &mut [f64]),
) {
    let mut r = reps.of(first);
    let mut done = 0;
    while done < out.len() {
        let (start, end) = (reps.start(r), reps.start(r + 1));
        let i = first + done as u64;
        let take = ((end - i) as usize).min(out.len() - done);
        fill(r, i - start, end - start, i, &mut out[done..done + take]);
        done += take;
        r += 1;
    }
}

/// One coordinate of sobol_burley's Owen-scrambled Sobol sequence, computed for a block of
/// points at once: the crate's `sample`, step for step, but with the direction vectors
/// combined into tables by fields of the index's top 16 bits (bytes, and the fields the
/// vector levels look up), built once per dimension per process, and the scrambles in loops that vectorise (the crate's `sample`
/// costs 25 ns a point; see `benches/inverse.rs`). Tests check the bits against the crate's.
struct Directions {
    /// The XOR of the vectors each value of the index's top byte, and of its next byte,
    /// contributes: two lookups instead of sixteen selections a point.
    high: [u32; 256],
    low: [u32; 256],
    /// The same XORs by each 4-bit field of the index, high bits first: a table that fits
    /// one AVX-512 register, looked up sixteen points at once by a lane permute.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    nibbles: [[u32; 16]; 4],
    /// By each 3-bit field, high bits first: a table that fits one AVX2 register. The last
    /// field is bit 0 alone; its table reads only the low bit of the three a permute takes.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    triples: [[u32; 8]; 6],
    dimension: u32,
}

/// Where each of [`Directions::triples`]' fields starts in the 16-bit index.
const TRIPLE_SHIFTS: [u32; 6] = [13, 10, 7, 4, 1, 0];

impl Directions {
    /// The tables of `dimension` (below sobol_burley's `NUM_DIMENSIONS`), built once per
    /// process: rebuilt for every block of 512 runs, they cost about half a nanosecond a point.
    fn of(dimension: u32) -> &'static Directions {
        static BUILT: [OnceLock<Directions>; sobol_burley::NUM_DIMENSIONS as usize] =
            [const { OnceLock::new() }; sobol_burley::NUM_DIMENSIONS as usize];
        BUILT[dimension as usize].get_or_init(|| Directions::build(dimension))
    }

    fn build(dimension: u32) -> Directions {
        let vectors: [u32; 16] =
            std::array::from_fn(|b| sobol_burley::parts::sobol_rev(0x8000_0000 >> b, dimension));
        // Each byte's XOR is the XOR of the byte without its lowest set bit, and that bit's.
        let table = |first: usize| {
            let mut xors = [0u32; 256];
            for byte in 1..256_usize {
                let bit = 7 - byte.trailing_zeros() as usize;
                xors[byte] = xors[byte & (byte - 1)] ^ vectors[first + bit];
            }
            xors
        };
        let (high, low) = (table(0), table(8));
        // The map from index to XOR is linear over bits: a field's share is the XOR of the
        // index with only that field set.
        let xor = |w: u32| high[(w >> 8) as usize] ^ low[(w & 0xff) as usize];
        let nibbles =
            std::array::from_fn(|f| std::array::from_fn(|v| xor((v as u32) << (12 - 4 * f))));
        let triples = std::array::from_fn(|f| {
            std::array::from_fn(|v| {
                let width = if f == 5 { 1 } else { 3 };
                xor(((v as u32) & ((1 << width) - 1)) << TRIPLE_SHIFTS[f])
            })
        });
        Directions {
            high,
            low,
            nibbles,
            triples,
            dimension,
        }
    }

    /// Each 16-bit word replaced by the XOR of the direction vectors its bits select.
    #[inline(always)]
    fn combine(&self, words: &mut [u32]) {
        #[cfg(target_arch = "x86_64")]
        match crate::simd::level() {
            // SAFETY: the CPU has AVX-512 (`level` found it).
            crate::simd::Level::Avx512 => return unsafe { lookup::avx512(&self.nibbles, words) },
            // SAFETY: the CPU has AVX2 (`level` found it).
            crate::simd::Level::Avx2 => return unsafe { lookup::avx2(&self.triples, words) },
            crate::simd::Level::Baseline => {}
        }
        self.combine_portable(words);
    }

    #[inline(always)]
    fn combine_portable(&self, words: &mut [u32]) {
        for w in words.iter_mut() {
            *w = self.high[(*w >> 8) as usize] ^ self.low[(*w & 0xff) as usize];
        }
    }

    /// The coordinate of the replicate scrambled by `seed`.
    fn scrambled(&self, seed: u32) -> Scrambled<'_> {
        use sobol_burley::parts::hash;
        let dimension_seed = seed.wrapping_mul(0x9c8f_2d3b)
            ^ (self.dimension >> 2)
            ^ [0x912f_69ba, 0x174f_18ab, 0x691e_72ca, 0xb40c_c1b8][self.dimension as usize & 3];
        Scrambled {
            directions: self,
            index: hash(seed ^ 0x79c6_8e4a),
            value: hash(dimension_seed),
        }
    }
}

struct Scrambled<'a> {
    directions: &'a Directions,
    /// The Owen scrambling of the point's index (which shuffles the points) and of its value.
    index: u32,
    value: u32,
}

impl Scrambled<'_> {
    /// Point j0 + t of the replicate, jittered within its cell by run first + t's own uniform.
    /// In three passes over a group of points: the scrambled indices and the finishing
    /// scramble vectorise, the table lookups between them are lane permutes written by hand
    /// on AVX2 and AVX-512 (a gather is slower on the AMD cores the compiler tunes for), and
    /// one loop of all three would vectorise none.
    #[inline(always)]
    fn fill(&self, key: u64, j0: u64, first: u64, out: &mut [f64]) {
        use sobol_burley::parts::owen_scramble_rev;
        const GROUP: usize = 256;
        let mut words = [0u32; GROUP];
        for (g, out) in out.chunks_mut(GROUP).enumerate() {
            let start = (g * GROUP) as u64;
            let words = &mut words[..out.len()];
            for (t, w) in words.iter_mut().enumerate() {
                let j = (j0 + start + t as u64) as u32;
                *w = owen_scramble_rev(j.reverse_bits(), self.index) >> 16;
            }
            self.directions.combine(words);
            for (t, (u, w)) in out.iter_mut().zip(words.iter()).enumerate() {
                let bits = owen_scramble_rev(*w, self.value).reverse_bits();
                let point = f32::from_bits((bits >> 9) | 0x3f80_0000) - 1.0;
                // A uniform place within the point's cell of 2^-24 keeps u uniform and
                // strictly inside (0, 1), and the points stratified.
                *u = f64::from(point)
                    + open_unit(counter(key, first + start + t as u64)) * SOBOL_CELL;
            }
        }
    }
}

/// [`Directions::combine`] by lane permutes: a register holds a whole table for a field of
/// the index, and a permute looks it up for every lane at once (the byte tables took two
/// scalar loads a point, a third of the Sobol points' time).
#[cfg(target_arch = "x86_64")]
mod lookup {
    use std::arch::x86_64::*;

    /// Sixteen words at a time, by the four 4-bit fields' tables.
    ///
    /// # Safety
    ///
    /// The CPU must have AVX-512F.
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn avx512(nibbles: &[[u32; 16]; 4], words: &mut [u32]) {
        // SAFETY: each table holds 16 words, one register.
        let t = nibbles.map(|n| unsafe { _mm512_loadu_si512(n.as_ptr().cast()) });
        let mut groups = words.chunks_exact_mut(16);
        for g in &mut groups {
            // SAFETY: `g` holds 16 words.
            let w = unsafe { _mm512_loadu_si512(g.as_ptr().cast()) };
            // A permute reads only its index's low four bits: no mask is needed.
            let mut x = _mm512_permutexvar_epi32(_mm512_srli_epi32::<12>(w), t[0]);
            x = _mm512_xor_si512(x, _mm512_permutexvar_epi32(_mm512_srli_epi32::<8>(w), t[1]));
            x = _mm512_xor_si512(x, _mm512_permutexvar_epi32(_mm512_srli_epi32::<4>(w), t[2]));
            x = _mm512_xor_si512(x, _mm512_permutexvar_epi32(w, t[3]));
            // SAFETY: as the load.
            unsafe { _mm512_storeu_si512(g.as_mut_ptr().cast(), x) };
        }
        for w in groups.into_remainder() {
            *w = (0..4).fold(0, |x, f| {
                x ^ nibbles[f][((*w >> (12 - 4 * f)) & 15) as usize]
            });
        }
    }

    /// Eight words at a time, by the six 3-bit fields' tables.
    ///
    /// # Safety
    ///
    /// The CPU must have AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn avx2(triples: &[[u32; 8]; 6], words: &mut [u32]) {
        use super::TRIPLE_SHIFTS;
        // SAFETY: each table holds 8 words, one register.
        let t = triples.map(|n| unsafe { _mm256_loadu_si256(n.as_ptr().cast()) });
        let shifts = TRIPLE_SHIFTS.map(|s| _mm_cvtsi32_si128(s as i32));
        let mut groups = words.chunks_exact_mut(8);
        for g in &mut groups {
            // SAFETY: `g` holds 8 words.
            let w = unsafe { _mm256_loadu_si256(g.as_ptr().cast()) };
            // A permute reads only its index's low three bits: no mask is needed.
            let field =
                |f: usize| _mm256_permutevar8x32_epi32(t[f], _mm256_srl_epi32(w, shifts[f]));
            let x = (1..6).fold(field(0), |x, f| _mm256_xor_si256(x, field(f)));
            // SAFETY: as the load.
            unsafe { _mm256_storeu_si256(g.as_mut_ptr().cast(), x) };
        }
        for w in groups.into_remainder() {
            *w = (0..6).fold(0, |x, f| {
                x ^ triples[f][((*w >> TRIPLE_SHIFTS[f]) & 7) as usize]
            });
        }
    }
}

/// The width of a cell of sobol_burley's f32 output.
const SOBOL_CELL: f64 = 1.0 / (1u64 << 24) as f64;

/// Uniform on (0, 1) from 64 random bits: the midpoints of 2^52 equal cells, so neither end
/// (whose quantile may be infinite) is ever returned, and 1 − u is exact too.
///
/// Formed as 1 + k·2^-52 (exact) minus 1 − 2^-53, exactly (k + ½)·2^-52, since integer to
/// float conversion of 64-bit values does not vectorise before AVX-512.
#[inline(always)]
pub fn open_unit(bits: u64) -> f64 {
    f64::from_bits((bits >> 12) | 0x3ff0_0000_0000_0000) - (1.0 - 1.0 / (1u64 << 53) as f64)
}

/// The i-th output of the SplitMix64 sequence that starts at `key`: a counter-based generator,
/// so any draw is found without the ones before it.
#[inline(always)]
fn counter(key: u64, i: u64) -> u64 {
    mix(key.wrapping_add(i.wrapping_add(1).wrapping_mul(GOLDEN)))
}

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's finaliser (Steele, Lea & Flood 2014): a bijection of u64 that mixes every bit.
#[inline(always)]
pub fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(GOLDEN);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A keyed permutation of 0..n for n ≤ 2^32, evaluated at j without building it (Kensler 2013,
/// "Correlated Multi-Jittered Sampling", Pixar Technical Memo 13-01): each step is a bijection
/// on the low bits below the next power of two, and values beyond n walk the cycle until they
/// land inside.
fn permute(j: u64, n: u64, key: u64) -> u64 {
    debug_assert!(n <= 1 << 32 && j < n);
    if n <= 1 {
        return 0;
    }
    let p = key as u32;
    // Every bit up to the highest of n − 1.
    let mut w = (n - 1) as u32;
    w |= w >> 1;
    w |= w >> 2;
    w |= w >> 4;
    w |= w >> 8;
    w |= w >> 16;
    let mut i = j as u32;
    loop {
        i ^= p;
        i = i.wrapping_mul(0xe170_893d);
        i ^= p >> 16;
        i ^= (i & w) >> 4;
        i ^= p >> 8;
        i = i.wrapping_mul(0x0929_eb3f);
        i ^= p >> 23;
        i ^= (i & w) >> 1;
        i = i.wrapping_mul(1 | p >> 27);
        i = i.wrapping_mul(0x6935_fa69);
        i ^= (i & w) >> 11;
        i = i.wrapping_mul(0x74dc_b303);
        i ^= (i & w) >> 2;
        i = i.wrapping_mul(0x9e50_1cc3);
        i ^= (i & w) >> 2;
        i = i.wrapping_mul(0xc860_a3df);
        i &= w;
        i ^= i >> 5;
        if u64::from(i) < n {
            break;
        }
    }
    (u64::from(i) + u64::from(p)) % n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(u: Uniforms, stream: u64, dimension: u32, runs: u64) -> Vec<f64> {
        let mut out = vec![0.0; runs as usize];
        u.fill(stream, dimension, 0, &mut out);
        out
    }

    #[test]
    fn block_sobol_points_are_sobol_burleys_bit_for_bit() {
        for dimension in [0, 1, 2, 3, 4, 13, 27, 255] {
            let directions = Directions::of(dimension);
            for seed in [0u32, 1, 0xdead_beef, u32::MAX] {
                let scrambled = directions.scrambled(seed);
                // Each u is its point plus a jitter within the point's cell.
                let mut out = vec![0.0; 1 << 16];
                scrambled.fill(7, 0, 0, &mut out);
                for (j, u) in out.iter().enumerate() {
                    let point = f64::from(sobol_burley::sample(j as u32, dimension, seed));
                    assert!(
                        *u >= point && *u < point + SOBOL_CELL,
                        "dimension {dimension} seed {seed} point {j}: {u} vs {point}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_scheme_draws_the_same_bits_at_every_vector_level() {
        use crate::simd::{Level, capped};
        // Lengths that leave every remainder of the eight- and four-lane loops, and a span
        // shorter than either.
        for len in [5000, 4997, 4994, 13, 3] {
            for scheme in [Scheme::MonteCarlo, Scheme::LatinHypercube, Scheme::Sobol] {
                let u = Uniforms::new(scheme, 5, 300_000);
                let draw = |level| {
                    capped(level, || {
                        let mut out = vec![0.0; len];
                        u.fill(11, 3, 131_000, &mut out);
                        out
                    })
                };
                let base = draw(Level::Baseline);
                for level in Level::available() {
                    assert_eq!(draw(level), base, "{scheme:?} at {level:?}, {len} draws");
                }
            }
        }
    }

    #[test]
    fn replicates_cut_the_runs_into_near_equal_consecutive_parts() {
        for (runs, count) in [(1000, 32), (1001, 32), (32, 32), (5_000_000, 77)] {
            let reps = Replicates { runs, count };
            let ranges: Vec<_> = reps.ranges().collect();
            assert_eq!(ranges[0].start, 0);
            assert_eq!(ranges.last().unwrap().end, runs);
            for pair in ranges.windows(2) {
                assert_eq!(pair[0].end, pair[1].start);
            }
            let sizes: Vec<u64> = ranges.iter().map(|r| r.end - r.start).collect();
            assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1);
            for (r, range) in ranges.iter().enumerate() {
                for i in [range.start, range.end - 1] {
                    assert_eq!(reps.of(i), r as u64, "run {i} of {runs}/{count}");
                }
            }
        }
    }

    #[test]
    fn a_scheme_keeps_at_least_32_replicates_within_its_largest_size() {
        let sobol = Scheme::Sobol.replicates(10_000_000).unwrap();
        assert_eq!(sobol.count, 10_000_000u64.div_ceil(1 << 16));
        assert_eq!(Scheme::LatinHypercube.replicates(1000).unwrap().count, 32);
        assert_eq!(Scheme::Sobol.replicates(10).unwrap().count, 10);
        assert!(Scheme::MonteCarlo.replicates(1000).is_none());
    }

    #[test]
    fn the_permutation_is_a_bijection_for_any_size() {
        for n in [1u64, 2, 3, 7, 64, 65, 1000, 65_537] {
            for key in [0u64, 1, 0xdead_beef, u64::MAX] {
                let mut seen = vec![false; n as usize];
                for j in 0..n {
                    let k = permute(j, n, key) as usize;
                    assert!(!seen[k], "n {n} key {key}: {k} twice");
                    seen[k] = true;
                }
            }
        }
    }

    /// Every replicate puts one run in each of its m strata, for every input.
    #[test]
    fn a_latin_hypercube_fills_each_stratum_once_per_replicate() {
        let runs = 32 * 250 + 7;
        let u = Uniforms::new(Scheme::LatinHypercube, 9, runs);
        for stream in [1u64, 2, 99] {
            let draws = all(u, stream, 0, runs);
            for range in u.replicates.unwrap().ranges() {
                let m = (range.end - range.start) as usize;
                let mut cells = vec![0; m];
                for &x in &draws[range.start as usize..range.end as usize] {
                    assert!(x > 0.0 && x < 1.0);
                    cells[(x * m as f64) as usize] += 1;
                }
                assert!(cells.iter().all(|&c| c == 1), "stream {stream}");
            }
        }
    }

    /// The first 2^k points of a scrambled Sobol sequence put one point in each 1/2^k of
    /// every coordinate.
    #[test]
    fn sobol_replicates_are_stratified_in_every_coordinate() {
        let runs = 32 * 1024;
        let u = Uniforms::new(Scheme::Sobol, 3, runs);
        for dimension in [0, 1, 5, 27] {
            let draws = all(u, 7, dimension, runs);
            for range in u.replicates.unwrap().ranges() {
                let mut cells = vec![0; 1024];
                for &x in &draws[range.start as usize..range.end as usize] {
                    assert!(x > 0.0 && x < 1.0);
                    cells[(x * 1024.0) as usize] += 1;
                }
                assert!(cells.iter().all(|&c| c == 1), "dimension {dimension}");
            }
        }
    }

    #[test]
    fn any_stretch_of_runs_is_drawn_alike_alone_or_in_sequence() {
        for scheme in [Scheme::MonteCarlo, Scheme::LatinHypercube, Scheme::Sobol] {
            let runs = 100_000;
            let u = Uniforms::new(scheme, 5, runs);
            let whole = all(u, 11, 2, runs);
            let mut part = vec![0.0; 777];
            u.fill(11, 2, 40_000, &mut part);
            assert_eq!(&whole[40_000..40_777], &part[..], "{scheme:?}");
        }
    }

    #[test]
    fn monte_carlo_uniforms_pass_a_ks_test_and_streams_are_unrelated() {
        let runs = 200_000;
        let u = Uniforms::new(Scheme::MonteCarlo, 42, runs);
        let mut a = all(u, 1, 0, runs);
        let b = all(u, 2, 0, runs);
        let n = runs as f64;
        let mean_a = a.iter().sum::<f64>() / n;
        let mean_b = b.iter().sum::<f64>() / n;
        let cov = a
            .iter()
            .zip(&b)
            .map(|(x, y)| (x - mean_a) * (y - mean_b))
            .sum::<f64>()
            / n;
        // The correlation of independent uniforms has sd 1/√n: 0.0022 here.
        assert!((cov * 12.0).abs() < 0.01, "correlation {}", cov * 12.0);
        a.sort_by(f64::total_cmp);
        let d = a
            .iter()
            .enumerate()
            .map(|(i, &x)| (x - i as f64 / n).abs().max(((i + 1) as f64 / n) - x))
            .fold(0.0, f64::max);
        // The KS critical value at 1%: 1.63/√n.
        assert!(d < 1.63 / n.sqrt(), "D = {d}");
    }
}
