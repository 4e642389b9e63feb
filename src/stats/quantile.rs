//! Exact order statistics of large samples without sorting them.
//!
//! A radix select: floats map to integer keys that sort like the floats; one pass finds the
//! key range, one pass builds a histogram of the top bits, one pass gathers only the buckets that
//! hold a wanted rank, and each small bucket is then selected in. Three linear, parallel passes
//! instead of an O(n log n) sort, and the answer is exact and independent of the thread count.

use rayon::prelude::*;

/// Most bits of the histogram's bucket index: 2^16 buckets for a large column. A small one
/// gets about one bucket per 16 values, down to 2^8: zeroing and summing 2^16 counts would
/// cost more than the column itself.
const BUCKET_BITS: u32 = 16;
const MIN_BUCKET_BITS: u32 = 8;
const PASS_CHUNK: usize = 1 << 16;
const RECURSE_ABOVE: usize = 1 << 20;

/// An integer that orders like the float (NaN-free input assumed; -0.0 sorts before +0.0).
#[inline(always)]
pub(crate) fn key(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

/// The float whose [`key`] is `k`.
pub(crate) fn from_key(k: u64) -> f64 {
    f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k })
}

/// The values at 0-based `ranks` of `data` in ascending order, as if it were sorted.
/// Panics if a rank is out of range (callers compute ranks from the length).
pub fn order_statistics(data: &[f64], ranks: &[usize]) -> Vec<f64> {
    assert!(ranks.iter().all(|&r| r < data.len()), "rank out of range");
    if ranks.is_empty() {
        return Vec::new();
    }
    let (kmin, kmax) = data
        .par_chunks(PASS_CHUNK)
        .map(|c| {
            c.iter().fold((u64::MAX, 0), |(lo, hi), &x| {
                (lo.min(key(x)), hi.max(key(x)))
            })
        })
        .reduce(|| (u64::MAX, 0), |a, b| (a.0.min(b.0), a.1.max(b.1)));
    if kmin == kmax {
        return vec![data[0]; ranks.len()];
    }
    let span_bits = 64 - (kmax - kmin).leading_zeros();
    let bits = (data.len().max(1).ilog2().saturating_sub(4)).clamp(MIN_BUCKET_BITS, BUCKET_BITS);
    let shift = span_bits.saturating_sub(bits);
    let buckets = ((kmax - kmin) >> shift) as usize + 1;
    let bucket = move |x: f64| ((key(x) - kmin) >> shift) as usize;

    let counts = data
        .par_chunks(PASS_CHUNK)
        .fold(
            || vec![0u64; buckets],
            |mut h, c| {
                c.iter().for_each(|&x| h[bucket(x)] += 1);
                h
            },
        )
        .reduce(
            || vec![0u64; buckets],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                a
            },
        );
    let mut starts = Vec::with_capacity(buckets + 1);
    let mut acc = 0u64;
    starts.push(0);
    for c in &counts {
        acc += c;
        starts.push(acc);
    }
    // For each rank, its bucket and its rank within the bucket.
    let located: Vec<(usize, usize)> = ranks
        .iter()
        .map(|&r| {
            let b = starts.partition_point(|&s| s <= r as u64) - 1;
            (b, r - starts[b] as usize)
        })
        .collect();
    let mut wanted: Vec<usize> = located.iter().map(|l| l.0).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut slot = vec![usize::MAX; buckets];
    for (i, &b) in wanted.iter().enumerate() {
        slot[b] = i;
    }
    let mut gathered = data
        .par_chunks(PASS_CHUNK)
        .fold(
            || vec![Vec::new(); wanted.len()],
            |mut g: Vec<Vec<f64>>, c| {
                for &x in c {
                    let s = slot[bucket(x)];
                    if s != usize::MAX {
                        g[s].push(x);
                    }
                }
                g
            },
        )
        .reduce(
            || vec![Vec::new(); wanted.len()],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(x, mut y)| x.append(&mut y));
                a
            },
        );
    // Each bucket answers its own ranks: by selection when small, by recursion when one bucket
    // holds a large share of the data (a narrower key range each time, so it terminates).
    let mut answers = vec![0.0; ranks.len()];
    for (i, values) in gathered.iter_mut().enumerate() {
        let b = wanted[i];
        let mine: Vec<usize> = (0..ranks.len()).filter(|&k| located[k].0 == b).collect();
        let local: Vec<usize> = mine.iter().map(|&k| located[k].1).collect();
        let found = if values.len() > RECURSE_ABOVE && shift > 0 {
            order_statistics(values, &local)
        } else {
            local
                .iter()
                .map(|&r| *values.select_nth_unstable_by(r, f64::total_cmp).1)
                .collect()
        };
        for (k, v) in mine.into_iter().zip(found) {
            answers[k] = v;
        }
    }
    answers
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::Xoshiro256PlusPlus;
    use rand::{RngExt, SeedableRng};

    fn sorted(data: &[f64]) -> Vec<f64> {
        let mut s = data.to_vec();
        s.sort_by(f64::total_cmp);
        s
    }

    fn check(data: &[f64]) {
        let s = sorted(data);
        let n = data.len();
        let ranks: Vec<usize> = [
            0,
            1,
            n / 20,
            n / 4,
            n / 2,
            n / 2,
            3 * n / 4,
            n.saturating_sub(2),
            n - 1,
        ]
        .into_iter()
        .filter(|&r| r < n)
        .collect();
        let got = order_statistics(data, &ranks);
        let want: Vec<f64> = ranks.iter().map(|&r| s[r]).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn matches_a_full_sort_on_skewed_data() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let data: Vec<f64> = (0..300_000)
            .map(|_| (rng.random::<f64>() * 5.0).exp() * 1e7)
            .collect();
        check(&data);
    }

    #[test]
    fn matches_a_full_sort_with_negatives_ties_and_zeros() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(2);
        let data: Vec<f64> = (0..100_000)
            .map(|i| match i % 5 {
                0 => 0.0,
                1 => -0.0,
                2 => 42.0,
                _ => rng.random::<f64>() * 2.0 - 1.0,
            })
            .collect();
        check(&data);
    }

    #[test]
    fn a_point_mass_beside_a_wide_tail_recurses_correctly() {
        // Most values in one narrow cluster, a few far away: one bucket holds almost everything.
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let data: Vec<f64> = (0..2_500_000)
            .map(|i| {
                if i % 1000 == 0 {
                    1e300
                } else {
                    1.0 + rng.random::<f64>() * 1e-9
                }
            })
            .collect();
        check(&data);
    }

    #[test]
    fn constant_and_tiny_inputs() {
        check(&[3.5; 1000]);
        check(&[7.0]);
        check(&[2.0, 1.0]);
        check(&[1.0, f64::MAX, -f64::MAX, 1e-300]);
    }
}
