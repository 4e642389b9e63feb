//! The statistics of a plan's runs without storing the runs: memory that does not grow with
//! the run count, and the same figures, bit for bit, as a stored sample gives.
//!
//! **Moments and chances** are reduced as the runs are drawn (see [`super::moments`]; counts
//! are integers, exact in any order).
//!
//! **Percentiles are exact**, found in one pass in the common case. The runs are drawn in
//! waves of chunks, each as many runs as all before it. The first wave keeps every value.
//! After each wave, every wanted percentile gets a bracket of values: the order statistics of
//! the runs so far at ranks a safe margin either side of it (`z` binomial standard deviations
//! of the runs so far, plus the run count's own interval ends), inside what was kept. The
//! next wave counts its runs below, at and above each bracket's ends and keeps only the
//! values strictly inside, and what was kept before is cut down to the new brackets. The
//! margin shrinks as √runs, so the values kept at the end are a few √(runs) per percentile.
//! A rank that the brackets missed (a chance below 1e-8 per bracket for independent runs) is
//! recovered by extra passes over regenerated runs: a histogram of its gap's values narrows
//! it until a pass can keep them. The answer is the stored sample's in every case.

pub mod codec;
mod shard;
mod tally;

use std::cell::RefCell;

use rayon::prelude::*;

use crate::error::Error;
use crate::model::{Inputs, Metric};
use crate::sample::CHUNK_RUNS;
use crate::sample::scheme::{Replicates, Uniforms};
use crate::simulate::{Columns, Source};

use super::histogram::{self, Histogram, Outline};
use super::moments::{self, ChunkMoments, Combined, Moments};
use super::quantile::{from_key, key};
use super::{Probability, Summary, quantile, replicated};
pub use shard::{Shape, Shard, merge};
pub use tally::Interval;
use tally::{Segment, Tally};

/// A budget and a deadline to measure chances against; either may be absent.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Goals {
    pub budget_usd: Option<f64>,
    pub deadline_days: Option<f64>,
    /// The deadline as the date training must end by, when given as one: `deadline_days` is
    /// then the days from the scenario's start to the end of that date.
    pub deadline_date: Option<crate::calendar::Date>,
}

/// Which chance of a run a report gives: within budget, within the deadline, within both
/// ([`Goals`]), and outlasting a contract's term (when the scenario has one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Within {
    Budget,
    Deadline,
    Both,
    Overrun,
}

/// One condition on a run, on its columns (by index in the source's order).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Test {
    /// The column's value is at most the limit.
    AtMost(usize, f64),
    /// The column's value is above the limit.
    Above(usize, f64),
    /// The first column's value is below the second's.
    Below(usize, usize),
    /// The two columns' values are equal.
    Equal(usize, usize),
}

/// A chance a stream counts: the runs where every test holds.
pub type Event = Vec<Test>;

/// Where one scenario's figures sit in a stream: its metrics' columns, and the events of its
/// chances, indexed by [`Within`].
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub columns: Vec<(Metric, usize)>,
    pub within: [Option<usize>; 4],
}

impl Part {
    /// The part whose metrics sit in columns `first..` in order, with the events of `goals`
    /// appended to `events`.
    pub fn new(metrics: &[Metric], first: usize, goals: Goals, events: &mut Vec<Event>) -> Part {
        let columns = metrics
            .iter()
            .enumerate()
            .map(|(i, &m)| (m, first + i))
            .collect();
        let mut part = Part {
            columns,
            within: [None; 4],
        };
        let budget = goals
            .budget_usd
            .map(|b| Test::AtMost(part.column(Metric::TotalCostUsd), b));
        let deadline = goals
            .deadline_days
            .map(|d| Test::AtMost(part.column(Metric::TrainDays), d));
        let both = budget.zip(deadline).map(|(b, d)| vec![b, d]);
        let overrun = metrics
            .contains(&Metric::OverrunDays)
            .then(|| vec![Test::Above(part.column(Metric::OverrunDays), 0.0)]);
        let one = |t: Option<Test>| t.map(|t| vec![t]);
        part.within = [one(budget), one(deadline), both, overrun].map(|event| {
            event.map(|e| {
                events.push(e);
                events.len() - 1
            })
        });
        part
    }

    /// The part of a stream of one scenario alone (its metrics from column 0), and the events
    /// of its goals.
    pub fn alone(metrics: &[Metric], goals: Goals) -> (Part, Vec<Event>) {
        let mut events = Vec::new();
        let part = Part::new(metrics, 0, goals, &mut events);
        (part, events)
    }

    pub fn metrics(&self) -> Vec<Metric> {
        self.columns.iter().map(|c| c.0).collect()
    }

    pub fn column(&self, m: Metric) -> usize {
        self.columns
            .iter()
            .find(|c| c.0 == m)
            .expect("a metric of the part")
            .1
    }
}

/// Percentiles a stream should keep values around when its outlines will be drawn: the
/// charts' ends (at [`histogram::TAIL_CUT`]) and marks.
pub const CHART_PERCENTILES: [f64; 5] = [0.5, 5.0, 50.0, 95.0, 99.5];
/// The median alone: what a stream keeps values around when only means and medians are read.
pub const MEDIAN: [f64; 1] = [50.0];

/// How wide the brackets are and how much a recovery pass may keep. Tests narrow them to
/// force the recovery passes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tuning {
    /// Chunks in the first wave, which keeps every value.
    pub first_wave_chunks: usize,
    /// Binomial standard deviations of margin either side of a percentile's rank.
    pub z: f64,
    /// Most values a recovery pass keeps; a wider gap is narrowed by a histogram first.
    pub keep_limit: u64,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            first_wave_chunks: 1,
            z: 6.0,
            keep_limit: 1 << 22,
        }
    }
}

/// The percentiles' final intervals reach about this many binomial standard deviations of the
/// full run count from the percentile (1.96 for independent runs, up to about 3.4 for the
/// spread between replicates of stratified ones).
const INTERVAL_REACH: f64 = 4.0;
/// Ranks of margin added to every bracket, for percentiles with few runs beyond them.
const RANK_CUSHION: f64 = 8.0;
/// Chunks per group in a wave or a pass: the per-chunk states of a group are held at once.
pub const GROUP_CHUNKS: usize = 64;
/// Buckets of a recovery pass's histogram.
const BUCKETS: u64 = 1 << 12;

/// The most values one output keeps at once, as far as the run count and percentiles tell:
/// every value of the first wave, or the brackets' share of the runs after the last narrowing
/// (made from at least half the runs), whichever is more. A recovery pass may keep up to
/// [`Tuning::keep_limit`] more, rarely.
pub fn kept_at_peak(runs: u64, percentiles: &[f64], tuning: Tuning) -> u64 {
    let first = runs.min((tuning.first_wave_chunks * CHUNK_RUNS) as u64);
    let (n, last) = (runs as f64, (runs as f64 / 2.0).max(1.0));
    let brackets: f64 = percentiles
        .iter()
        .map(|p| {
            let q = p / 100.0;
            let sd = (q * (1.0 - q)).sqrt();
            let share = 2.0 * (tuning.z * sd / last.sqrt() + INTERVAL_REACH * sd / n.sqrt());
            (share * n + 2.0 * RANK_CUSHION * n / last).min(n)
        })
        .sum();
    first.max(brackets.min(n) as u64)
}

/// Everything a stream of runs leaves: per column its moments and the values kept around its
/// percentiles, and per event its count.
pub struct Streamed<'s, S: Source> {
    source: &'s S,
    tuning: Tuning,
    moments: Vec<(Moments, Vec<Moments>)>,
    kept: Vec<Kept>,
    /// Per replicate, per event: the runs where it holds.
    hits: Vec<Vec<u64>>,
    /// Per scenario: its unsound runs, and the first of them.
    unsound: Vec<(u64, Option<(u64, Inputs)>)>,
    /// Passes over the runs: 1 unless a rank was missed.
    pub passes: u32,
}

/// Draws every run of `source` once, in waves, and reduces it as it goes: every column's
/// moments and the values around `percentiles`, and the runs where each of `events` holds.
/// `progress` is called with each finished chunk's run count.
pub fn stream<'s, S: Source>(
    source: &'s S,
    progress: &(dyn Fn(u64) + Sync),
    percentiles: &[f64],
    events: &[Event],
    tuning: Tuning,
) -> Streamed<'s, S> {
    let all = 0..source.plan().chunks();
    let mut combined: Vec<Combined> = vec![Combined::default(); source.width()];
    let on_chunk = |moments: Vec<ChunkMoments>| {
        for (c, m) in combined.iter_mut().zip(moments) {
            c.add(m);
        }
    };
    let reduced = reduce(source, progress, percentiles, events, tuning, all, on_chunk);
    Streamed {
        source,
        tuning,
        moments: combined.into_iter().map(Combined::finish).collect(),
        kept: reduced.kept,
        hits: reduced.hits,
        unsound: reduced.unsound,
        passes: 1,
    }
}

/// What reducing a range of chunks leaves besides the moments: per column the values kept
/// around the percentiles, per replicate the events' counts, per scenario its unsound runs.
struct Reduced {
    kept: Vec<Kept>,
    hits: Vec<Vec<u64>>,
    unsound: Vec<(u64, Option<(u64, Inputs)>)>,
}

/// Draws the runs of `chunks` once, in waves, and reduces them as it goes; each chunk's
/// moments (a list per column) go to `on_chunk` in chunk order.
fn reduce<S: Source>(
    source: &S,
    progress: &(dyn Fn(u64) + Sync),
    percentiles: &[f64],
    events: &[Event],
    tuning: Tuning,
    chunks: std::ops::Range<usize>,
    mut on_chunk: impl FnMut(Vec<ChunkMoments>),
) -> Reduced {
    let plan = source.plan();
    let reps = plan.uniforms.replicates;
    let rep_count = reps.map_or(1, |r| r.count as usize);
    let mut kept: Vec<Kept> = (0..source.width())
        .map(|_| Kept::new(vec![Interval::ALL], rep_count))
        .collect();
    let mut hits = vec![vec![0u64; events.len()]; rep_count];
    let mut unsound = vec![(0, None); source.scenarios()];
    let (first, count) = (chunks.start, chunks.len());
    let mut done = 0;
    while done < count {
        let end = if done == 0 {
            tuning.first_wave_chunks.max(1)
        } else {
            2 * done
        }
        .min(count);
        if done > 0 {
            let runs_done = (done * CHUNK_RUNS) as u64;
            // Each output's on its own core: between waves nothing else runs.
            kept.par_iter_mut().enumerate().for_each(|(i, k)| {
                let wanted = source.kept_for(i, percentiles);
                *k = k.rebracket(&wanted, runs_done, plan.runs, tuning.z);
            });
        }
        let pass = Pass {
            intervals: kept.iter().map(|k| k.intervals.clone()).collect(),
            reps: reps.as_ref(),
            moments: true,
            events,
        };
        // A wave's chunks a group at a time, so that the chunks' states held at once do not
        // grow with the run count.
        for start in (first + done..first + end).step_by(GROUP_CHUNKS) {
            let group = start..(start + GROUP_CHUNKS).min(first + end);
            let states = group.clone().map(|_| pass.state(source)).collect();
            let states = source.fold_chunks(progress, group, states, |s, c| pass.fold(s, c));
            for state in states {
                on_chunk(state.moments);
                for seg in state.segments {
                    let rep = seg.rep as usize;
                    for (k, t) in kept.iter_mut().zip(seg.tallies) {
                        k.absorb(rep, t);
                    }
                    for (h, s) in hits[rep].iter_mut().zip(seg.hits) {
                        *h += s;
                    }
                }
                for (u, s) in unsound.iter_mut().zip(state.unsound) {
                    u.0 += s.0;
                    u.1 = u.1.or(s.1);
                }
            }
        }
        done = end;
    }
    Reduced {
        kept,
        hits,
        unsound,
    }
}

impl<S: Source> Streamed<'_, S> {
    /// Fails when any run's arithmetic failed, as [`crate::simulate::Simulation::ensure_finite`],
    /// naming the first scenario's first such run.
    pub fn ensure_finite(&self) -> Result<(), Error> {
        for (s, &(count, first)) in self.unsound.iter().enumerate() {
            self.source.ensure_sound(s, count, first)?;
        }
        Ok(())
    }

    pub fn runs(&self) -> u64 {
        self.source.plan().runs
    }

    pub fn seed(&self) -> u64 {
        self.source.plan().seed
    }

    pub fn uniforms(&self) -> Uniforms {
        self.source.plan().uniforms
    }

    /// Mean, sd and percentiles of column `i`, as [`replicated::summarize_sample`] gives them
    /// for the stored column. Percentiles outside those the stream was told of may need extra
    /// passes.
    pub fn summary(&mut self, i: usize, percentiles: &[f64]) -> Summary {
        let (pooled, each) = self.moments[i].clone();
        let reps = self.uniforms().replicates;
        let me = RefCell::new(self);
        let mut order_statistics = |ranks: &[usize]| me.borrow_mut().order_statistics(i, ranks);
        match reps {
            None => super::summarize_ranked(&pooled, percentiles, &mut order_statistics),
            Some(r) => replicated::summarize_ranked(
                &pooled,
                &each,
                percentiles,
                &r,
                &mut order_statistics,
                &mut |thresholds| me.borrow_mut().counts_at_or_below(i, thresholds),
            ),
        }
    }

    /// What the charts of each of `columns` show, with `bars` bars: the ends and marks from
    /// the kept values (give the stream [`CHART_PERCENTILES`] so that no pass is needed for
    /// them), the bins from one more pass over the runs.
    pub fn outlines(&mut self, columns: &[usize], bars: usize) -> Vec<Outline> {
        let runs = self.runs();
        let mut outlines: Vec<Outline> = columns
            .iter()
            .map(|&i| {
                let m = self.moments[i].0;
                if m.min == m.max {
                    return Outline::constant(runs, m.min);
                }
                let ends = self.chart_range(i);
                let marks = self
                    .summary(i, &histogram::MARKED)
                    .percentiles
                    .iter()
                    .map(|p| (p.percent, p.estimate.value))
                    .collect();
                Outline::empty(runs, [ends[0], ends[1]], marks, bars)
            })
            .collect();
        let drawn: Vec<usize> = (0..columns.len())
            .filter(|&k| outlines[k].constant.is_none())
            .collect();
        if drawn.is_empty() {
            return outlines;
        }
        let empty: Vec<Outline> = drawn.iter().map(|&k| outlines[k].clone()).collect();
        self.pass(
            || empty.clone(),
            |parts, c| {
                for (o, &k) in parts.iter_mut().zip(&drawn) {
                    o.add(c.values[columns[k]]);
                }
            },
            |parts| {
                for (o, &k) in parts.iter().zip(&drawn) {
                    outlines[k].merge(o);
                }
            },
        );
        self.passes += 1;
        outlines
    }

    /// The range a chart of column `i` spans: the runs [`histogram::TAIL_CUT`] in from each
    /// end (no pass when the stream kept [`CHART_PERCENTILES`]).
    pub fn chart_range(&mut self, i: usize) -> [f64; 2] {
        let ends = self.order_statistics(i, &histogram::range_ranks(self.runs()));
        [ends[0], ends[1]]
    }

    /// The value at quantile `q` of column `i`, interpolating linearly between order
    /// statistics as a sorted sample does (`analyze::sorted_quantile`; Hyndman & Fan's 7).
    pub fn quantile(&mut self, i: usize, q: f64) -> f64 {
        let h = (self.runs() - 1) as f64 * q;
        let lo = h.floor() as usize;
        let hi = (lo + 1).min(self.runs() as usize - 1);
        let v = self.order_statistics(i, &[lo, hi]);
        v[0] + (h - lo as f64) * (v[1] - v[0])
    }

    /// The mean of column `i`.
    pub fn mean(&self, i: usize) -> f64 {
        self.moments[i].0.mean()
    }

    /// The least and greatest value of column `i`.
    pub fn extent(&self, i: usize) -> [f64; 2] {
        let m = &self.moments[i].0;
        [m.min, m.max]
    }

    /// Each of `columns` counted into its histogram of `empty` (same order), in one pass.
    pub fn histograms(&mut self, columns: &[usize], empty: Vec<Histogram>) -> Vec<Histogram> {
        let mut full = empty.clone();
        self.again(
            || empty.clone(),
            |parts, c| {
                for (h, &i) in parts.iter_mut().zip(columns) {
                    h.add(c.values[i]);
                }
            },
            |parts| full.iter_mut().zip(&parts).for_each(|(h, p)| h.merge(p)),
        );
        full
    }

    /// One more pass over every run for a reduction of the caller's: each chunk folds into its
    /// own state from `init`, and the states reach `merge` in chunk order, so what they add up
    /// to is the same on any thread count.
    pub fn again<T: Send>(
        &mut self,
        init: impl Fn() -> T + Sync,
        fold: impl Fn(&mut T, &Columns) + Sync,
        merge: impl FnMut(T),
    ) {
        self.pass(init, fold, merge);
        self.passes += 1;
    }

    /// The chance of event `k` of those the stream was given.
    pub fn chance(&self, k: usize) -> Probability {
        let hits: Vec<u64> = self.hits.iter().map(|h| h[k]).collect();
        match &self.uniforms().replicates {
            Some(reps) => replicated::probability(&hits, reps),
            None => Probability::from_count(hits[0], self.runs()),
        }
    }

    fn order_statistics(&mut self, i: usize, ranks: &[usize]) -> Vec<f64> {
        loop {
            let found = self.kept[i].values_at(ranks);
            if let Some(values) = found.iter().copied().collect::<Option<Vec<f64>>>() {
                return values;
            }
            let missed = ranks[found.iter().position(Option::is_none).expect("a miss")];
            self.recover(i, missed as u64);
        }
    }

    /// Per replicate, the runs at or below each threshold.
    fn counts_at_or_below(&mut self, i: usize, thresholds: &[f64]) -> Vec<Vec<u64>> {
        if let Some(counts) = self.kept[i].counts_at_or_below(thresholds) {
            return counts;
        }
        self.passes += 1;
        let reps = self.uniforms().replicates;
        let per_rep = self.kept[i].reps.len();
        let width = thresholds.len();
        let mut flat = vec![0u64; per_rep * width];
        self.pass(
            || vec![0u64; per_rep * width],
            |counts, c| {
                let xs = c.values[i];
                for (rep, a, b) in moments::replicate_pieces(c.first, c.len, reps.as_ref()) {
                    for (k, &v) in thresholds.iter().enumerate() {
                        let n = xs[a..b].iter().filter(|&&x| x <= v).count() as u64;
                        counts[rep as usize * width + k] += n;
                    }
                }
            },
            |part| flat.iter_mut().zip(part).for_each(|(t, p)| *t += p),
        );
        flat.chunks(width).map(<[u64]>::to_vec).collect()
    }

    /// Makes rank `r` of output `i` one the kept values answer, by passes over the runs: a
    /// histogram narrows the gap that holds it until its values fit, then a pass keeps them.
    fn recover(&mut self, i: usize, r: u64) {
        let mut gap = self.kept[i].gap_of(r, self.runs());
        let added = loop {
            if gap.count <= self.tuning.keep_limit {
                break Interval {
                    lo: gap.lo,
                    hi: gap.hi,
                };
            }
            let (first, last) = (key(gap.lo) + 1, key(gap.hi) - 1);
            if first >= last {
                // One value, shared by all the gap's runs: counted at the interval's ends.
                let v = from_key(first);
                break Interval { lo: v, hi: v };
            }
            gap = self.narrow(i, &gap, r, first, last);
        };
        let mut intervals = self.kept[i].intervals.clone();
        intervals.push(added);
        let intervals = merged(intervals);
        let reps = self.uniforms().replicates;
        let mut all: Vec<Vec<Interval>> = vec![Vec::new(); self.source.width()];
        all[i] = intervals.clone();
        let pass = Pass {
            intervals: all,
            reps: reps.as_ref(),
            moments: false,
            events: &[],
        };
        let mut kept = Kept::new(intervals, self.kept[i].reps.len());
        self.pass(
            || pass.state(self.source),
            |s, c| pass.fold(s, c),
            |state| {
                for seg in state.segments {
                    let mut tallies = seg.tallies;
                    kept.absorb(seg.rep as usize, std::mem::take(&mut tallies[i]));
                }
            },
        );
        self.passes += 1;
        self.kept[i] = kept;
    }

    /// The bucket of a histogram of the gap's values (keys `first..=last`) that holds rank `r`.
    fn narrow(&mut self, i: usize, gap: &Gap, r: u64, first: u64, last: u64) -> Gap {
        let width = (last - first) / BUCKETS + 1;
        let mut counts = vec![0u64; BUCKETS as usize];
        self.pass(
            || vec![0u64; BUCKETS as usize],
            |h, c| {
                for &x in c.values[i] {
                    if x > gap.lo && x < gap.hi {
                        h[((key(x) - first) / width) as usize] += 1;
                    }
                }
            },
            |part| counts.iter_mut().zip(part).for_each(|(t, p)| *t += p),
        );
        self.passes += 1;
        let mut below = gap.below;
        for (b, &count) in counts.iter().enumerate() {
            if r < below + count {
                let lo_key = first + b as u64 * width;
                let hi_key = (lo_key + width - 1).min(last);
                return Gap {
                    lo: from_key(lo_key - 1),
                    hi: from_key(hi_key + 1),
                    below,
                    count,
                };
            }
            below += count;
        }
        unreachable!("rank {r} lies in the gap")
    }

    /// One pass over every run, a group of chunks at a time: each chunk folds into its own
    /// state, and the states are handed to `merge` in chunk order.
    fn pass<T: Send>(
        &self,
        init: impl Fn() -> T + Sync,
        fold: impl Fn(&mut T, &Columns) + Sync,
        mut merge: impl FnMut(T),
    ) {
        let chunks = self.source.plan().chunks();
        for start in (0..chunks).step_by(GROUP_CHUNKS) {
            let range = start..(start + GROUP_CHUNKS).min(chunks);
            let states = range.clone().map(|_| init()).collect();
            let done = self.source.fold_chunks(&|_| {}, range, states, &fold);
            done.into_iter().for_each(&mut merge);
        }
    }
}

/// Runs strictly between two values, none of them kept: `below` runs are at or below `lo`.
#[derive(Debug, Clone, Copy)]
struct Gap {
    lo: f64,
    hi: f64,
    below: u64,
    count: u64,
}

/// What one pass does with each block: which columns it tallies against which intervals,
/// and whether it reduces moments and counts events too.
struct Pass<'a> {
    /// Per column, in the source's order.
    intervals: Vec<Vec<Interval>>,
    reps: Option<&'a Replicates>,
    moments: bool,
    events: &'a [Event],
}

/// One chunk's share of a pass.
struct ChunkState {
    moments: Vec<ChunkMoments>,
    segments: Vec<Segment>,
    /// Per scenario: its unsound runs, and the first of them.
    unsound: Vec<(u64, Option<(u64, Inputs)>)>,
}

impl Pass<'_> {
    fn state(&self, source: &impl Source) -> ChunkState {
        let columns = if self.moments {
            self.intervals.len()
        } else {
            0
        };
        ChunkState {
            moments: vec![ChunkMoments::new(); columns],
            segments: Vec::new(),
            unsound: vec![(0, None); source.scenarios()],
        }
    }

    fn fold(&self, s: &mut ChunkState, c: &Columns) {
        for (acc, xs) in s.moments.iter_mut().zip(c.values) {
            moments::add_piece(acc, c.first, xs, self.reps);
        }
        for (rep, a, b) in moments::replicate_pieces(c.first, c.len, self.reps) {
            if s.segments.last().is_none_or(|g| g.rep != rep) {
                s.segments.push(Segment {
                    rep,
                    tallies: self
                        .intervals
                        .iter()
                        .map(|iv| vec![Tally::default(); iv.len()])
                        .collect(),
                    hits: vec![0; self.events.len()],
                });
            }
            let seg = s.segments.last_mut().expect("just pushed");
            crate::simd::vectorised(
                #[inline(always)]
                || {
                    for ((tallies, intervals), xs) in
                        seg.tallies.iter_mut().zip(&self.intervals).zip(c.values)
                    {
                        for (t, &iv) in tallies.iter_mut().zip(intervals) {
                            t.count(&xs[a..b], iv);
                        }
                    }
                    for (h, event) in seg.hits.iter_mut().zip(self.events) {
                        *h += count_event(event, c.values, a..b);
                    }
                },
            );
        }
        for (u, found) in s.unsound.iter_mut().zip(c.unsound) {
            if let Some((count, first)) = *found {
                u.0 += count;
                u.1 = u.1.or(Some(first));
            }
        }
    }
}

/// Runs of the range (at most a block) where every test of `event` holds. Test by test over
/// the range, so that each loop is one comparison the compiler vectorises.
#[inline(always)]
fn count_event(event: &[Test], values: &[&[f64]], runs: std::ops::Range<usize>) -> u64 {
    // A limit alone (a budget or a deadline): one comparison a run, nothing to combine.
    if let [Test::AtMost(i, limit)] = *event {
        return values[i][runs].iter().map(|&x| u64::from(x <= limit)).sum();
    }
    let n = runs.len();
    let mut holds = [true; crate::sample::BLOCK];
    let holds = &mut holds[..n];
    let column = |i: usize| &values[i][runs.clone()];
    for &test in event {
        match test {
            Test::AtMost(i, limit) => {
                for (h, &x) in holds.iter_mut().zip(column(i)) {
                    *h &= x <= limit;
                }
            }
            Test::Above(i, limit) => {
                for (h, &x) in holds.iter_mut().zip(column(i)) {
                    *h &= x > limit;
                }
            }
            Test::Below(i, j) => {
                for ((h, &x), &y) in holds.iter_mut().zip(column(i)).zip(column(j)) {
                    *h &= x < y;
                }
            }
            Test::Equal(i, j) => {
                for ((h, &x), &y) in holds.iter_mut().zip(column(i)).zip(column(j)) {
                    *h &= x == y;
                }
            }
        }
    }
    holds.iter().map(|&h| u64::from(h)).sum()
}

/// Sorted, disjoint intervals from any: overlapping or touching ones are joined.
fn merged(mut intervals: Vec<Interval>) -> Vec<Interval> {
    intervals.sort_by(|a, b| a.lo.total_cmp(&b.lo));
    let mut out: Vec<Interval> = Vec::new();
    for iv in intervals {
        match out.last_mut() {
            Some(last) if iv.lo <= last.hi => last.hi = last.hi.max(iv.hi),
            _ => out.push(iv),
        }
    }
    out
}

/// One output's kept values: disjoint intervals in order and, per replicate, a tally against
/// each.
#[derive(Debug, Clone)]
struct Kept {
    intervals: Vec<Interval>,
    /// [replicate][interval].
    reps: Vec<Vec<Tally>>,
}

impl Kept {
    fn new(intervals: Vec<Interval>, reps: usize) -> Kept {
        let tallies = vec![Tally::default(); intervals.len()];
        Kept {
            intervals,
            reps: vec![tallies; reps],
        }
    }

    fn absorb(&mut self, rep: usize, tallies: Vec<Tally>) {
        for (mine, t) in self.reps[rep].iter_mut().zip(tallies) {
            mine.add(t);
        }
    }

    /// Interval `j`'s kept values, all replicates' in order.
    fn pooled_inside(&self, j: usize) -> Vec<f64> {
        let mut all = Vec::with_capacity(self.reps.iter().map(|r| r[j].inside.len()).sum());
        for rep in &self.reps {
            all.extend_from_slice(&rep[j].inside);
        }
        all
    }

    /// Interval `j`'s counts over every replicate, without its kept values.
    fn pooled_counts(&self, j: usize) -> Tally {
        let mut all = Tally::default();
        for rep in &self.reps {
            all.add_counts(&rep[j]);
        }
        all
    }

    /// The value of each 0-based rank of the runs counted so far, None where no interval
    /// holds it.
    fn values_at(&self, ranks: &[usize]) -> Vec<Option<f64>> {
        let mut out = vec![None; ranks.len()];
        for j in 0..self.intervals.len() {
            let iv = self.intervals[j];
            let mut t = self.pooled_counts(j);
            // Only an interval that holds a wanted rank among its kept values is copied.
            if ranks
                .iter()
                .any(|&r| (t.le_lo..t.lt_hi).contains(&(r as u64)))
            {
                t.inside = self.pooled_inside(j);
            }
            let ties_lo = t.le_lo - t.lt_lo;
            // The runs strictly inside, copied or not (none when the interval is one value).
            let inside = t.lt_hi.saturating_sub(t.le_lo);
            let mut wanted = Vec::new();
            let mut slots = Vec::new();
            for (k, &r) in ranks.iter().enumerate() {
                let r = r as u64;
                if r < t.lt_lo || r >= t.le_hi {
                    continue;
                }
                let o = r - t.lt_lo;
                out[k] = if o < ties_lo {
                    Some(iv.lo)
                } else if o - ties_lo < inside {
                    wanted.push((o - ties_lo) as usize);
                    slots.push(k);
                    None
                } else {
                    Some(iv.hi)
                };
            }
            if !wanted.is_empty() {
                let values = quantile::order_statistics(&t.inside, &wanted);
                for (k, v) in slots.into_iter().zip(values) {
                    out[k] = Some(v);
                }
            }
        }
        out
    }

    /// Per replicate, the runs at or below each threshold; None when one lies outside every
    /// interval.
    fn counts_at_or_below(&self, thresholds: &[f64]) -> Option<Vec<Vec<u64>>> {
        let which: Vec<usize> = thresholds
            .iter()
            .map(|&v| self.intervals.iter().position(|iv| iv.holds(v)))
            .collect::<Option<_>>()?;
        Some(
            self.reps
                .iter()
                .map(|tallies| {
                    thresholds
                        .iter()
                        .zip(&which)
                        .map(|(&v, &j)| tallies[j].at_or_below(self.intervals[j], v))
                        .collect()
                })
                .collect(),
        )
    }

    /// The runs between the intervals around rank `r`, which none holds.
    fn gap_of(&self, r: u64, runs: u64) -> Gap {
        let mut lo = f64::NEG_INFINITY;
        let mut below = 0;
        for j in 0..self.intervals.len() {
            let t = self.pooled_counts(j);
            if r < t.lt_lo {
                return Gap {
                    lo,
                    hi: self.intervals[j].lo,
                    below,
                    count: t.lt_lo - below,
                };
            }
            lo = self.intervals[j].hi;
            below = t.le_hi;
        }
        Gap {
            lo,
            hi: f64::INFINITY,
            below,
            count: runs - below,
        }
    }

    /// Narrower intervals for the next wave, from the `runs_done` runs counted so far: for
    /// each percentile, the order statistics a margin either side of its rank, within the
    /// interval that holds that rank; what was kept is cut down to them.
    fn rebracket(&self, percentiles: &[f64], runs_done: u64, runs: u64, z: f64) -> Kept {
        let n = runs_done as f64;
        let last = runs_done - 1;
        let mut ends = Vec::new();
        for &p in percentiles {
            let q = p / 100.0;
            let sd = (q * (1.0 - q)).sqrt();
            let margin =
                z * sd * n.sqrt() + INTERVAL_REACH * sd * n / (runs as f64).sqrt() + RANK_CUSHION;
            let centre = q * (n - 1.0);
            let lo = (centre - margin).floor().max(0.0) as u64;
            let hi = ((centre + margin).ceil() as u64).min(last);
            ends.push([lo, centre.round() as u64, hi]);
        }
        let pooled: Vec<Tally> = (0..self.intervals.len())
            .map(|j| self.pooled_counts(j))
            .collect();
        let holder = |r: u64| pooled.iter().position(|t| t.lt_lo <= r && r < t.le_hi);
        let ranks: Vec<usize> = ends
            .iter()
            .flat_map(|e| [e[0] as usize, e[2] as usize])
            .collect();
        let values = self.values_at(&ranks);
        let mut brackets: Vec<(usize, Interval)> = Vec::new();
        for (e, v) in ends.iter().zip(values.chunks(2)) {
            // A percentile whose rank no interval holds gets no bracket: recovered at the end.
            let Some(j) = holder(e[1]) else { continue };
            let outer = self.intervals[j];
            let inside = |r: u64| holder(r) == Some(j);
            let lo = if inside(e[0]) {
                v[0].unwrap_or(outer.lo)
            } else {
                outer.lo
            };
            let hi = if inside(e[2]) {
                v[1].unwrap_or(outer.hi)
            } else {
                outer.hi
            };
            brackets.push((j, Interval { lo, hi }));
        }
        brackets.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.lo.total_cmp(&b.1.lo)));
        let mut next: Vec<(usize, Interval)> = Vec::new();
        for (j, iv) in brackets {
            match next.last_mut() {
                Some((k, last)) if *k == j && iv.lo <= last.hi => last.hi = last.hi.max(iv.hi),
                _ => next.push((j, iv)),
            }
        }
        Kept {
            intervals: next.iter().map(|&(_, iv)| iv).collect(),
            reps: self
                .reps
                .iter()
                .map(|tallies| {
                    next.iter()
                        .map(|&(j, iv)| tallies[j].narrowed(self.intervals[j], iv))
                        .collect()
                })
                .collect(),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
