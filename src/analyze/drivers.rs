//! Rank correlations ([`super::rank`]) and tail measures ([`super::tail`]) of runs that are
//! streamed rather than stored: the same figures from passes over the regenerated runs, in
//! memory bounded by [`KEEP_BYTES`] whatever the run count.
//!
//! Every column (the output and each input) is cut into about 4,000 bins by value: a pass
//! counts the runs in 2,048 buckets of the value's order-preserving integer key, and each
//! bucket is split in proportion to its runs. A run's rank is its bin's runs below it plus its
//! place in the bin. The bin's average rank (its midrank) is known from the counts; the place
//! in the bin needs the bin's values sorted, so passes keep the values of a few bins at a time
//! (never more than [`KEEP_BYTES`]) and rank them exactly. A bin holding one value only (a point
//! mass, or a tie) is never kept: every run in it shares its midrank.
//!
//! With ranks R = A + e (A the midrank, e the place in the bin about it, Σe = 0 in each bin),
//! Spearman's numerator Σ(Rx − m)(Ry − m) = Σ(Ax − m)(Ay − m) + Σ(Ax − m)·ey + Σex·(Ay − m) +
//! Σex·ey. The first three are summed exactly, in integers (twice each rank, so that averaged
//! ties stay whole); the denominators Σ(R − m)² = Σ(A − m)² + Σe² are exact too. Only Σex·ey,
//! two places within bins, is left out: it is at most Σ|ex|·|ey|, summed as the bound that
//! [`Drivers::spearman_bound`] reports (about 3/bins², below 1e-6 in practice). The tail
//! measures walk each input's runs in value order (bins with one value as one step), and are
//! the stored computation's exactly.

use super::tail::TailMeasure;
use crate::simulate::{Columns, Source};
use crate::stats::quantile::key;
use crate::stats::stream::Streamed;

/// Buckets of the first, coarse count of each column.
pub const COARSE: u64 = 2048;
/// Bins the coarse buckets are split into, in proportion to their runs (about as many again).
pub const FINE: u64 = 2048;

/// The coarse buckets and the fine bins they are split into for `runs` runs: no more than
/// there are runs (a few runs need no finer bins than one a run).
pub fn bins_for(runs: u64) -> (u64, u64) {
    (COARSE.min(runs.max(1)), FINE.min(runs.max(1)))
}
/// Most bytes of values kept at once to rank them within their bins (merged; the chunks'
/// shares before they merge take up to twice as much again).
pub const KEEP_BYTES: u64 = 16 << 20;

/// The percentiles a stream must keep values around for [`drivers`]: the inputs' quartiles,
/// which the tail measures split the runs at.
pub const QUARTILES: [f64; 2] = [25.0, 75.0];

/// A run exceeds a goal when its value in `column` is above `limit`.
#[derive(Debug, Clone, Copy)]
pub struct Goal {
    pub column: usize,
    pub limit: f64,
}

/// What drives the output, input by input (in the order given).
#[derive(Debug, Clone, PartialEq)]
pub struct Drivers {
    /// Spearman's rank correlation of each input with the output.
    pub spearman: Vec<f64>,
    /// Per input, a bound on the distance of `spearman` from the stored sample's.
    pub spearman_bound: Vec<f64>,
    /// Per goal, the runs that exceed it.
    pub exceeding: Vec<u64>,
    /// Per input, per goal: None when no run, or every run, exceeds.
    pub tails: Vec<Vec<Option<TailMeasure>>>,
}

/// The drivers of column `output` among the columns `inputs` of streamed runs, and the tail
/// measures against `goals`. `keep_bytes` caps the values kept at once ([`KEEP_BYTES`]; tests
/// lower it to force several passes).
pub fn drivers<S: Source>(
    s: &mut Streamed<S>,
    output: usize,
    inputs: &[usize],
    goals: &[Goal],
    keep_bytes: u64,
) -> Drivers {
    let columns: Vec<usize> = std::iter::once(output)
        .chain(inputs.iter().copied())
        .collect();
    let n = s.runs();
    let mut bins: Vec<Bins> = columns
        .iter()
        .map(|&c| Bins::coarse(s.extent(c), n))
        .collect();
    count_coarse(s, &columns, &mut bins);
    let quartiles: Vec<[f64; 2]> = inputs
        .iter()
        .map(|&c| [s.quantile(c, 0.25), s.quantile(c, 0.75)])
        .collect();
    let fine = count_fine(s, &columns, &mut bins, goals, &quartiles);
    let mut sums = binned_sums(s, &columns, &bins, n);
    let mut walks: Vec<Vec<Walk>> = (0..inputs.len())
        .map(|_| {
            fine.exceeding
                .iter()
                .map(|&hits| Walk::new(n, hits))
                .collect()
        })
        .collect();
    for pass in plan_passes(&columns, &bins, keep_bytes) {
        let kept = keep(s, &columns, &bins, goals, &pass);
        for (segment, records) in pass.iter().zip(kept) {
            let j = segment.column;
            let ranked = rank_segment(&bins[j], segment, records);
            if j == 0 {
                sums.add_output(&ranked, &bins, n);
            } else {
                let walks = &mut walks[j - 1];
                for (g, walk) in walks.iter_mut().enumerate() {
                    walk.segment(&bins[j], &fine.bin_hits[j - 1][g], segment, &ranked, g);
                }
                sums.add_input(j - 1, &ranked, &bins[0], n);
            }
        }
    }
    let tails = walks
        .into_iter()
        .enumerate()
        .map(|(k, walks)| {
            walks
                .into_iter()
                .enumerate()
                .map(|(g, mut walk)| {
                    let bins = &bins[k + 1];
                    walk.through(bins, &fine.bin_hits[k][g], bins.count.len());
                    walk.finish(fine.quartile_hits[k][g])
                })
                .collect()
        })
        .collect();
    let (spearman, spearman_bound) = sums.correlations();
    Drivers {
        spearman,
        spearman_bound,
        exceeding: fine.exceeding,
        tails,
    }
}

/// One column's bins: coarse buckets of its keys, each split into fine bins of equal key width.
#[derive(Debug, Clone)]
struct Bins {
    lo: u64,
    coarse_width: u64,
    /// Per coarse bucket, its first fine bin and their key width.
    first: Vec<usize>,
    width: Vec<u64>,
    /// Per coarse bucket at first, then per fine bin: runs.
    count: Vec<u64>,
    /// Per fine bin: runs in the bins before it.
    below: Vec<u64>,
    /// Per fine bin: whether every run in it has the same value.
    single: Vec<bool>,
}

impl Bins {
    fn coarse([min, max]: [f64; 2], runs: u64) -> Bins {
        let (lo, hi) = (key(min), key(max));
        let coarse_width = (hi - lo) / bins_for(runs).0 + 1;
        let buckets = ((hi - lo) / coarse_width + 1) as usize;
        Bins {
            lo,
            coarse_width,
            first: (0..buckets).collect(),
            width: vec![coarse_width; buckets],
            count: vec![0; buckets],
            below: Vec::new(),
            single: Vec::new(),
        }
    }

    fn bucket(&self, x: f64) -> usize {
        ((key(x) - self.lo) / self.coarse_width) as usize
    }

    fn bin(&self, x: f64) -> usize {
        let k = key(x) - self.lo;
        let b = (k / self.coarse_width) as usize;
        self.first[b] + ((k - b as u64 * self.coarse_width) / self.width[b]) as usize
    }

    /// Splits each coarse bucket (whose runs `count` holds) into about FINE · share bins.
    fn refine(&mut self, runs: u64) {
        let fine = bins_for(runs).1;
        let mut next = 0;
        for b in 0..self.count.len() {
            let parts = (self.count[b] * fine)
                .div_ceil(runs.max(1))
                .clamp(1, self.coarse_width);
            self.width[b] = self.coarse_width.div_ceil(parts);
            self.first[b] = next;
            next += self.coarse_width.div_ceil(self.width[b]) as usize;
        }
        self.count = vec![0; next];
    }

    /// Twice the midrank of bin `b`, less n + 1: twice its rank's distance from the middle.
    fn centred(&self, b: usize, n: u64) -> i64 {
        (2 * self.below[b] + self.count[b] + 1) as i64 - (n + 1) as i64
    }

    /// Twice the most a run's rank can be from its bin's midrank.
    fn spread(&self, b: usize) -> u64 {
        if self.single[b] { 0 } else { self.count[b] - 1 }
    }
}

fn count_coarse<S: Source>(s: &mut Streamed<S>, columns: &[usize], bins: &mut [Bins]) {
    let empty: Vec<Vec<u32>> = bins.iter().map(|b| vec![0; b.count.len()]).collect();
    let shared: &[Bins] = bins;
    let mut total: Vec<Vec<u64>> = empty.iter().map(|c| vec![0; c.len()]).collect();
    s.again(
        || empty.clone(),
        |counts, c| {
            for ((counts, b), &j) in counts.iter_mut().zip(shared).zip(columns) {
                for &x in c.values[j] {
                    counts[b.bucket(x)] += 1;
                }
            }
        },
        |counts| add_counts(&mut total, &counts),
    );
    let runs = s.runs();
    for (b, counts) in bins.iter_mut().zip(total) {
        b.count = counts;
        b.refine(runs);
    }
}

fn add_counts(total: &mut [Vec<u64>], part: &[Vec<u32>]) {
    for (t, p) in total.iter_mut().zip(part) {
        t.iter_mut().zip(p).for_each(|(t, &p)| *t += u64::from(p));
    }
}

/// What the fine count leaves besides the bins' counts: per goal, the runs exceeding it; per
/// input, per goal, the exceeding runs in each bin and the quartiles' counts.
struct Fine {
    exceeding: Vec<u64>,
    bin_hits: Vec<Vec<Vec<u64>>>,
    quartile_hits: Vec<Vec<QuartileHits>>,
}

/// Runs at or below the input's P25 and at or above its P75, and how many of each exceed.
#[derive(Debug, Clone, Copy, Default)]
struct QuartileHits {
    low: u64,
    low_hits: u64,
    high: u64,
    high_hits: u64,
}

/// One chunk's share of the fine count.
#[derive(Clone)]
struct FineChunk {
    counts: Vec<Vec<u32>>,
    /// Per column, per bin: the least and greatest key seen.
    keys: Vec<Vec<[u64; 2]>>,
    exceeding: Vec<u64>,
    bin_hits: Vec<Vec<Vec<u32>>>,
    quartile_hits: Vec<Vec<QuartileHits>>,
}

fn count_fine<S: Source>(
    s: &mut Streamed<S>,
    columns: &[usize],
    bins: &mut [Bins],
    goals: &[Goal],
    quartiles: &[[f64; 2]],
) -> Fine {
    let inputs = columns.len() - 1;
    let empty = FineChunk {
        counts: bins.iter().map(|b| vec![0; b.count.len()]).collect(),
        keys: bins
            .iter()
            .map(|b| vec![[u64::MAX, 0]; b.count.len()])
            .collect(),
        exceeding: vec![0; goals.len()],
        bin_hits: (1..columns.len())
            .map(|j| vec![vec![0; bins[j].count.len()]; goals.len()])
            .collect(),
        quartile_hits: vec![vec![QuartileHits::default(); goals.len()]; inputs],
    };
    let shared: &[Bins] = bins;
    let mut total = Fine {
        exceeding: vec![0; goals.len()],
        bin_hits: empty
            .bin_hits
            .iter()
            .map(|g| g.iter().map(|h| vec![0; h.len()]).collect())
            .collect(),
        quartile_hits: empty.quartile_hits.clone(),
    };
    let mut counts: Vec<Vec<u64>> = empty.counts.iter().map(|c| vec![0; c.len()]).collect();
    let mut keys = empty.keys.clone();
    s.again(
        || empty.clone(),
        |state, c| fine_block(state, c, columns, shared, goals, quartiles),
        |part| {
            add_counts(&mut counts, &part.counts);
            for (t, p) in keys.iter_mut().zip(&part.keys) {
                for (t, p) in t.iter_mut().zip(p) {
                    *t = [t[0].min(p[0]), t[1].max(p[1])];
                }
            }
            total
                .exceeding
                .iter_mut()
                .zip(&part.exceeding)
                .for_each(|(t, p)| *t += p);
            for (t, p) in total.bin_hits.iter_mut().zip(&part.bin_hits) {
                add_counts(t, p);
            }
            for (t, p) in total.quartile_hits.iter_mut().zip(&part.quartile_hits) {
                for (t, p) in t.iter_mut().zip(p) {
                    t.low += p.low;
                    t.low_hits += p.low_hits;
                    t.high += p.high;
                    t.high_hits += p.high_hits;
                }
            }
        },
    );
    for ((b, counts), keys) in bins.iter_mut().zip(counts).zip(keys) {
        b.below = counts
            .iter()
            .scan(0, |below, &c| {
                let before = *below;
                *below += c;
                Some(before)
            })
            .collect();
        b.single = keys.iter().map(|k| k[0] >= k[1]).collect();
        b.count = counts;
    }
    total
}

fn fine_block(
    state: &mut FineChunk,
    c: &Columns,
    columns: &[usize],
    bins: &[Bins],
    goals: &[Goal],
    quartiles: &[[f64; 2]],
) {
    let flags = exceeding_flags(c, goals);
    for (g, hits) in state.exceeding.iter_mut().enumerate() {
        *hits += flags.iter().filter(|&&f| f & (1 << g) != 0).count() as u64;
    }
    for (j, (b, &col)) in bins.iter().zip(columns).enumerate() {
        for (r, &x) in c.values[col].iter().enumerate() {
            let bin = b.bin(x);
            state.counts[j][bin] += 1;
            let (k, seen) = (key(x), &mut state.keys[j][bin]);
            *seen = [seen[0].min(k), seen[1].max(k)];
            if j == 0 {
                continue;
            }
            let [q1, q3] = quartiles[j - 1];
            for g in 0..goals.len() {
                let hit = flags[r] & (1 << g) != 0;
                state.bin_hits[j - 1][g][bin] += u32::from(hit);
                let q = &mut state.quartile_hits[j - 1][g];
                if x <= q1 {
                    q.low += 1;
                    q.low_hits += u64::from(hit);
                }
                if x >= q3 {
                    q.high += 1;
                    q.high_hits += u64::from(hit);
                }
            }
        }
    }
}

/// Per run of the block, a bit per goal it exceeds.
fn exceeding_flags(c: &Columns, goals: &[Goal]) -> Vec<u8> {
    let mut flags = vec![0u8; c.len];
    for (g, goal) in goals.iter().enumerate() {
        for (f, &x) in flags.iter_mut().zip(c.values[goal.column]) {
            *f |= u8::from(x > goal.limit) << g;
        }
    }
    flags
}

/// Spearman's sums, twice each rank less n + 1 (integers), per input.
struct Sums {
    /// Σ(2Rx − n − 1)(2Ry − n − 1), without the places-within-bins product.
    xy: Vec<i128>,
    /// Σ(2Rx − n − 1)² per input, and the output's.
    xx: Vec<i128>,
    yy: i128,
    /// Σ spread_x · spread_y: a bound on the product left out of `xy`.
    bound: Vec<u128>,
}

fn binned_sums<S: Source>(s: &mut Streamed<S>, columns: &[usize], bins: &[Bins], n: u64) -> Sums {
    let inputs = columns.len() - 1;
    let square = |b: &Bins| -> i128 {
        (0..b.count.len())
            .map(|k| b.count[k] as i128 * (b.centred(k, n) as i128).pow(2))
            .sum()
    };
    let mut sums = Sums {
        xy: vec![0; inputs],
        xx: bins[1..].iter().map(square).collect(),
        yy: square(&bins[0]),
        bound: vec![0; inputs],
    };
    s.again(
        || (vec![0i128; inputs], vec![0u128; inputs]),
        |(xy, bound), c| {
            let ys: Vec<usize> = c.values[columns[0]]
                .iter()
                .map(|&y| bins[0].bin(y))
                .collect();
            for k in 0..inputs {
                let b = &bins[k + 1];
                for (&x, &y) in c.values[columns[k + 1]].iter().zip(&ys) {
                    let bx = b.bin(x);
                    xy[k] += i128::from(b.centred(bx, n)) * i128::from(bins[0].centred(y, n));
                    bound[k] += u128::from(b.spread(bx)) * u128::from(bins[0].spread(y));
                }
            }
        },
        |(xy, bound)| {
            sums.xy.iter_mut().zip(xy).for_each(|(t, p)| *t += p);
            sums.bound.iter_mut().zip(bound).for_each(|(t, p)| *t += p);
        },
    );
    sums
}

impl Sums {
    /// Adds the output's places within its bins: Σ(2Ax − n − 1)·2ey, and Σ(2ey)².
    fn add_output(&mut self, ranked: &Ranked, bins: &[Bins], n: u64) {
        let inputs = self.xy.len();
        for (r, &e) in ranked.places.iter().enumerate() {
            self.yy += i128::from(e).pow(2);
            for k in 0..inputs {
                let bx = ranked.partners[r * inputs + k] as usize;
                self.xy[k] += i128::from(bins[k + 1].centred(bx, n)) * i128::from(e);
            }
        }
    }

    /// Adds input k's places within its bins: Σ2ex·(2Ay − n − 1), and Σ(2ex)².
    fn add_input(&mut self, k: usize, ranked: &Ranked, output: &Bins, n: u64) {
        for (r, &e) in ranked.places.iter().enumerate() {
            self.xx[k] += i128::from(e).pow(2);
            let by = ranked.partners[r] as usize;
            self.xy[k] += i128::from(output.centred(by, n)) * i128::from(e);
        }
    }

    fn correlations(&self) -> (Vec<f64>, Vec<f64>) {
        (0..self.xy.len())
            .map(|k| {
                let scale = (self.xx[k] as f64 * self.yy as f64).sqrt();
                if self.xx[k] == 0 || self.yy == 0 {
                    (0.0, 0.0)
                } else {
                    (self.xy[k] as f64 / scale, self.bound[k] as f64 / scale)
                }
            })
            .unzip()
    }
}

/// Bins `bins` of one column, whose runs a pass keeps.
#[derive(Debug, Clone)]
struct Segment {
    column: usize,
    bins: std::ops::Range<usize>,
}

/// Bytes kept per run of column `j` (0, the output, keeps every input's bin; an input, the
/// output's bin and the goals it exceeds).
fn record_bytes(j: usize, columns: usize) -> u64 {
    if j == 0 {
        8 + 4 * (columns as u64 - 1)
    } else {
        8 + 4 + 1
    }
}

/// The bins holding more than one value, column by column in value order, packed into passes
/// that keep at most `keep_bytes` each (a bin larger than that alone is kept whole).
fn plan_passes(columns: &[usize], bins: &[Bins], keep_bytes: u64) -> Vec<Vec<Segment>> {
    let mut passes: Vec<Vec<Segment>> = Vec::new();
    let mut current: Vec<Segment> = Vec::new();
    let mut used = 0;
    for (j, b) in bins.iter().enumerate() {
        let per_run = record_bytes(j, columns.len());
        for k in (0..b.count.len()).filter(|&k| !b.single[k]) {
            let bytes = b.count[k] * per_run;
            if used + bytes > keep_bytes && used > 0 {
                passes.push(std::mem::take(&mut current));
                used = 0;
            }
            used += bytes;
            match current.last_mut() {
                Some(s) if s.column == j && s.bins.end == k => s.bins.end = k + 1,
                _ => current.push(Segment {
                    column: j,
                    bins: k..k + 1,
                }),
            }
        }
    }
    if !current.is_empty() {
        passes.push(current);
    }
    passes
}

/// The runs of one segment, as a pass keeps them: values, partners' bins, goals' bits.
#[derive(Debug, Clone, Default)]
struct Records {
    values: Vec<f64>,
    partners: Vec<u32>,
    flags: Vec<u8>,
}

/// One pass over the runs keeping those in each segment of `pass`, merged in chunk order.
fn keep<S: Source>(
    s: &mut Streamed<S>,
    columns: &[usize],
    bins: &[Bins],
    goals: &[Goal],
    pass: &[Segment],
) -> Vec<Records> {
    let mut total: Vec<Records> = pass
        .iter()
        .map(|seg| {
            let runs: u64 = bins[seg.column].count[seg.bins.clone()].iter().sum();
            let partners = if seg.column == 0 {
                columns.len() - 1
            } else {
                1
            };
            Records {
                values: Vec::with_capacity(runs as usize),
                partners: Vec::with_capacity(runs as usize * partners),
                flags: Vec::with_capacity(runs as usize),
            }
        })
        .collect();
    s.again(
        || vec![Records::default(); pass.len()],
        |kept, c| {
            let flags = exceeding_flags(c, goals);
            for (seg, kept) in pass.iter().zip(kept.iter_mut()) {
                let b = &bins[seg.column];
                for (r, &x) in c.values[columns[seg.column]].iter().enumerate() {
                    if !seg.bins.contains(&b.bin(x)) {
                        continue;
                    }
                    kept.values.push(x);
                    kept.flags.push(flags[r]);
                    if seg.column == 0 {
                        for (k, xb) in bins.iter().enumerate().skip(1) {
                            kept.partners.push(xb.bin(c.values[columns[k]][r]) as u32);
                        }
                    } else {
                        kept.partners
                            .push(bins[0].bin(c.values[columns[0]][r]) as u32);
                    }
                }
            }
        },
        |part| {
            for (t, p) in total.iter_mut().zip(part) {
                t.values.extend_from_slice(&p.values);
                t.partners.extend_from_slice(&p.partners);
                t.flags.extend_from_slice(&p.flags);
            }
        },
    );
    total
}

/// A segment's runs in value order, with their places within their bins.
struct Ranked {
    /// Twice the run's rank less twice its bin's midrank.
    places: Vec<i64>,
    /// Twice the run's rank (ties share their average).
    ranks: Vec<u64>,
    partners: Vec<u32>,
    flags: Vec<u8>,
}

fn rank_segment(bins: &Bins, segment: &Segment, records: Records) -> Ranked {
    let mut order: Vec<u32> = (0..records.values.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| {
        records.values[a as usize].total_cmp(&records.values[b as usize])
    });
    let width = records.partners.len() / records.values.len().max(1);
    let mut ranked = Ranked {
        places: Vec::with_capacity(order.len()),
        ranks: Vec::with_capacity(order.len()),
        partners: Vec::with_capacity(records.partners.len()),
        flags: Vec::with_capacity(order.len()),
    };
    let start = bins.below[segment.bins.start];
    let mut i = 0;
    while i < order.len() {
        let v = records.values[order[i] as usize];
        let mut end = i + 1;
        while end < order.len() && records.values[order[end] as usize] == v {
            end += 1;
        }
        // Ranks start + i + 1 ..= start + end, averaged: twice it is 2·start + i + end + 1.
        let twice = 2 * start + (i + end + 1) as u64;
        let bin = bins.bin(v);
        let midrank = 2 * bins.below[bin] + bins.count[bin] + 1;
        for &r in &order[i..end] {
            let r = r as usize;
            ranked.places.push(twice as i64 - midrank as i64);
            ranked.ranks.push(twice);
            ranked
                .partners
                .extend_from_slice(&records.partners[r * width..(r + 1) * width]);
            ranked.flags.push(records.flags[r]);
        }
        i = end;
    }
    ranked
}

/// One input's runs walked in value order against one goal: the KS distance between the
/// exceeding runs and the others, and the percentiles at the middle of the exceeding runs.
struct Walk {
    runs: u64,
    hits: u64,
    /// Bins walked so far.
    next: usize,
    seen_hits: u64,
    seen_others: u64,
    ks: f64,
    /// The exceeding runs' 0-based places at the median's two order statistics, and their
    /// percentiles once reached.
    middle: [u64; 2],
    percentiles: [Option<f64>; 2],
}

impl Walk {
    fn new(runs: u64, hits: u64) -> Walk {
        let h = (hits.max(1) - 1) as f64 * 0.5;
        let lo = h.floor() as u64;
        Walk {
            runs,
            hits,
            next: 0,
            seen_hits: 0,
            seen_others: 0,
            ks: 0.0,
            middle: [lo, (lo + 1).min(hits.max(1) - 1)],
            percentiles: [None; 2],
        }
    }

    /// Steps over the bins before `to` not yet walked: each holds one value (the others are
    /// walked run by run, [`Walk::segment`]).
    fn through(&mut self, bins: &Bins, hits: &[u64], to: usize) {
        let from = self.next.min(to);
        for (b, &hit) in hits.iter().enumerate().take(to).skip(from) {
            let count = bins.count[b];
            if count > 0 {
                debug_assert!(bins.single[b]);
                self.step(2 * bins.below[b] + count + 1, hit, count - hit);
            }
        }
        self.next = self.next.max(to);
    }

    /// Walks up to a segment, then its runs in value order (ties share a rank).
    fn segment(&mut self, bins: &Bins, hits: &[u64], segment: &Segment, ranked: &Ranked, g: usize) {
        self.through(bins, hits, segment.bins.start);
        let mut i = 0;
        while i < ranked.ranks.len() {
            let mut end = i + 1;
            while end < ranked.ranks.len() && ranked.ranks[end] == ranked.ranks[i] {
                end += 1;
            }
            let hits = ranked.flags[i..end]
                .iter()
                .filter(|&&f| f & (1 << g) != 0)
                .count() as u64;
            self.step(ranked.ranks[i], hits, (end - i) as u64 - hits);
            i = end;
        }
        self.next = segment.bins.end;
    }

    /// A value held by `hits` exceeding runs and `others`, all of twice-rank `twice`.
    fn step(&mut self, twice: u64, hits: u64, others: u64) {
        for (m, p) in self.middle.iter().zip(self.percentiles.iter_mut()) {
            if (self.seen_hits..self.seen_hits + hits).contains(m) {
                *p = Some(100.0 * (twice as f64 / 2.0 - 0.5) / self.runs as f64);
            }
        }
        self.seen_hits += hits;
        self.seen_others += others;
        let (a, b) = (self.hits, self.runs - self.hits);
        let d = (self.seen_hits as f64 / a as f64 - self.seen_others as f64 / b as f64).abs();
        self.ks = self.ks.max(d);
    }

    fn finish(self, q: QuartileHits) -> Option<TailMeasure> {
        if self.hits == 0 || self.hits == self.runs {
            return None;
        }
        let [lo, hi] = self
            .percentiles
            .map(|p| p.expect("the walk reached the middle"));
        let h = (self.hits - 1) as f64 * 0.5;
        let share = |hit: u64, total: u64| {
            if total > 0 {
                hit as f64 / total as f64
            } else {
                f64::NAN
            }
        };
        Some(TailMeasure {
            ks: self.ks,
            median_percentile_exceeding: lo + (h - h.floor()) * (hi - lo),
            p_exceed_low_quartile: share(q.low_hits, q.low),
            p_exceed_high_quartile: share(q.high_hits, q.high),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::analyze::rank::{ranks, spearman};
    use crate::analyze::tail::tail_measure;
    use crate::model::Metric;
    use crate::sample::SamplingPlan;
    use crate::scenario::Scenario;
    use crate::simulate::{Single, simulate};
    use crate::stats::stream::{Tuning, stream};

    /// The stream tests' scenario with its tokens discrete: two point masses, bins of one
    /// value that are never kept, beside continuous inputs whose bins are.
    fn mixed_text() -> String {
        let discrete =
            r#"tokens = { dist = "discrete", values = [1e13, 1.5e13], weights = [0.3, 0.7] }"#;
        let text = crate::stats::stream::tests::SCENARIO.replace("tokens = 1.5e13", discrete);
        assert_ne!(text, crate::stats::stream::tests::SCENARIO);
        text
    }

    /// The streamed drivers against the stored computation (`rank`, `tail`) of the same runs,
    /// with a budget and a deadline at the given quantiles of the stored runs (on a run's value).
    fn agrees(scenario: &Scenario, runs: u64, quantiles: [f64; 2], keep_bytes: u64) {
        let plan = SamplingPlan::new(scenario, runs, 11);
        let inputs = crate::study::ScenarioFunction::new(scenario)
            .inputs()
            .to_vec();
        let sim = simulate(&plan, scenario.options, &|_| {});
        let limit = |m, q| {
            let mut v = sim.column(m).to_vec();
            v.sort_by(f64::total_cmp);
            crate::analyze::sorted_quantile(&v, q)
        };
        let metrics = [Metric::TotalCostUsd, Metric::TrainDays];
        let limits = [
            limit(metrics[0], quantiles[0]),
            limit(metrics[1], quantiles[1]),
        ];

        let source = Single::new(&plan, scenario.options).tracing(&inputs);
        let mut s = stream(&source, &|_| {}, &QUARTILES, &[], Tuning::default());
        let goals: Vec<Goal> = (0..2)
            .map(|g| Goal {
                column: source.column(metrics[g]).unwrap(),
                limit: limits[g],
            })
            .collect();
        let columns: Vec<usize> = (0..inputs.len()).map(|k| source.input_column(k)).collect();
        let output = source.column(Metric::TotalCostUsd).unwrap();
        let found = drivers(&mut s, output, &columns, &goals, keep_bytes);

        let xs = plan.input_columns(&inputs);
        let flags: Vec<Vec<bool>> = (0..2)
            .map(|g| {
                sim.column(metrics[g])
                    .iter()
                    .map(|&v| v > limits[g])
                    .collect()
            })
            .collect();
        for (g, f) in flags.iter().enumerate() {
            let hits = f.iter().filter(|&&e| e).count() as u64;
            assert_eq!(found.exceeding[g], hits, "goal {g}");
        }
        let y_ranks = ranks(sim.column(Metric::TotalCostUsd));
        for (k, x) in xs.iter().enumerate() {
            let rho = spearman(x, &y_ranks);
            let bound = found.spearman_bound[k];
            assert!(bound < 1e-6, "{:?}: bound {bound}", inputs[k]);
            assert!(
                (found.spearman[k] - rho).abs() <= bound + 1e-12,
                "{:?}: {} against {rho} (bound {bound})",
                inputs[k],
                found.spearman[k]
            );
            let x_ranks = ranks(x);
            for (g, f) in flags.iter().enumerate() {
                let stored = tail_measure(x, &x_ranks, f);
                assert_eq!(found.tails[k][g], stored, "{:?}, goal {g}", inputs[k]);
            }
        }
    }

    fn mixed() -> Scenario {
        Scenario::parse(Path::new("mixed.toml"), &mixed_text()).unwrap()
    }

    #[test]
    fn the_stored_figures_from_one_pass_of_kept_values() {
        agrees(&mixed(), 100_000, [0.8, 0.4], KEEP_BYTES);
    }

    #[test]
    fn the_stored_figures_when_the_kept_values_take_many_passes() {
        agrees(&mixed(), 70_001, [0.3, 0.95], 40_000);
    }

    #[test]
    fn the_stored_figures_of_a_bundled_scenario_with_failures() {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/llama-3.1-405b-failures.toml");
        let scenario = Scenario::load(&path).unwrap();
        agrees(&scenario, 90_000, [0.5, 0.9], 1 << 20);
    }
}
