//! A stream cut into shards: each reduces a contiguous range of chunks on its own (another
//! process, another machine) and saves what it holds; the merge of all of them gives a single
//! process's figures, bit for bit.
//!
//! - **Moments**: a shard keeps each chunk's lists, and the merge folds every chunk's in chunk
//!   order, as one process does, so every rounding falls the same way.
//! - **Counts** (events, unsound runs) are integers and add up.
//! - **Percentiles**: each shard keeps the values around its own percentiles, with margins of
//!   several of its own standard errors, which the whole run's percentiles and their
//!   intervals lie within. Per column the merge keeps the intersection of the shards'
//!   intervals: inside it every shard's counts are exact, and so are the whole run's. A rank
//!   outside it (a chance of the order of the brackets' own misses) is recovered by passes
//!   over the regenerated runs, as in one process.

use std::ops::Range;

use super::codec::{Malformed, Reader, Writer};
use super::moments::{ChunkMoments, Combined, Moments};
use super::tally::{Interval, Tally};
use super::{Event, Kept, Streamed, Tuning, reduce};
use crate::model::{Input, Inputs};
use crate::simulate::Source;

/// What one shard holds of its chunks' runs.
#[derive(Debug, Clone)]
pub struct Shard {
    pub chunks: Range<usize>,
    /// Per chunk of the range, in order: each column's moment list.
    moments: Vec<Vec<ChunkMoments>>,
    kept: Vec<Kept>,
    hits: Vec<Vec<u64>>,
    unsound: Vec<(u64, Option<(u64, Inputs)>)>,
}

impl Shard {
    /// Draws and reduces the runs of `chunks` of `source`'s plan.
    pub fn reduce<S: Source>(
        source: &S,
        progress: &(dyn Fn(u64) + Sync),
        percentiles: &[f64],
        events: &[Event],
        tuning: Tuning,
        chunks: Range<usize>,
    ) -> Shard {
        let mut moments = Vec::with_capacity(chunks.len());
        let reduced = reduce(
            source,
            progress,
            percentiles,
            events,
            tuning,
            chunks.clone(),
            |m| moments.push(m),
        );
        Shard {
            chunks,
            moments,
            kept: reduced.kept,
            hits: reduced.hits,
            unsound: reduced.unsound,
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.len(self.chunks.start);
        w.len(self.chunks.end);
        for chunk in &self.moments {
            w.len(chunk.len());
            for list in chunk {
                w.len(list.len());
                for (rep, m) in list {
                    w.u64(*rep);
                    m.to_words().into_iter().for_each(|x| w.u64(x));
                }
            }
        }
        w.len(self.kept.len());
        for k in &self.kept {
            w.len(k.intervals.len());
            for iv in &k.intervals {
                w.f64(iv.lo);
                w.f64(iv.hi);
            }
            w.len(k.reps.len());
            for t in k.reps.iter().flatten() {
                for x in [t.lt_lo, t.le_lo, t.lt_hi, t.le_hi] {
                    w.u64(x);
                }
                w.f64s(&t.inside);
            }
        }
        w.len(self.hits.len());
        for h in &self.hits {
            w.len(h.len());
            h.iter().for_each(|&x| w.u64(x));
        }
        w.len(self.unsound.len());
        for (count, first) in &self.unsound {
            w.u64(*count);
            match first {
                None => w.u64(0),
                Some((run, inputs)) => {
                    w.u64(1);
                    w.u64(*run);
                    inputs.iter().for_each(|&x| w.f64(x));
                }
            }
        }
        w.bytes
    }

    /// The shard [`Shard::encode`] saved, for a source of this shape: `width` columns,
    /// `replicates`, `scenarios` and `events`; `chunks` of the whole plan.
    pub fn decode(bytes: &[u8], shape: Shape) -> Result<Shard, Malformed> {
        let mut r = Reader::new(bytes);
        let start = r.len(shape.chunks)?;
        let end = r.len(shape.chunks)?;
        if start >= end {
            return Err(format!("its chunk range {start}..{end} is empty"));
        }
        let mut moments = Vec::with_capacity(end - start);
        for _ in start..end {
            let columns = exactly(r.len(shape.width)?, shape.width, "columns")?;
            let mut chunk = Vec::with_capacity(columns);
            for _ in 0..columns {
                let n = r.len(r.left() / 72)?;
                let list = (0..n)
                    .map(|_| {
                        let rep = r.u64()?;
                        let mut words = [0u64; 8];
                        for x in &mut words {
                            *x = r.u64()?;
                        }
                        Ok((rep, Moments::from_words(words)))
                    })
                    .collect::<Result<ChunkMoments, Malformed>>()?;
                chunk.push(list);
            }
            moments.push(chunk);
        }
        let columns = exactly(r.len(shape.width)?, shape.width, "columns")?;
        let mut kept = Vec::with_capacity(columns);
        for _ in 0..columns {
            let n = r.len(r.left() / 16)?;
            let intervals = (0..n)
                .map(|_| {
                    Ok(Interval {
                        lo: r.f64()?,
                        hi: r.f64()?,
                    })
                })
                .collect::<Result<Vec<_>, Malformed>>()?;
            let reps = exactly(r.len(shape.replicates)?, shape.replicates, "replicates")?;
            let mut all = Vec::with_capacity(reps);
            for _ in 0..reps {
                let tallies = (0..n)
                    .map(|_| {
                        Ok(Tally {
                            lt_lo: r.u64()?,
                            le_lo: r.u64()?,
                            lt_hi: r.u64()?,
                            le_hi: r.u64()?,
                            inside: r.f64s()?,
                        })
                    })
                    .collect::<Result<Vec<_>, Malformed>>()?;
                all.push(tallies);
            }
            kept.push(Kept {
                intervals,
                reps: all,
            });
        }
        let reps = exactly(r.len(shape.replicates)?, shape.replicates, "replicates")?;
        let hits = (0..reps)
            .map(|_| {
                let n = exactly(r.len(shape.events)?, shape.events, "events")?;
                (0..n).map(|_| r.u64()).collect()
            })
            .collect::<Result<Vec<Vec<u64>>, Malformed>>()?;
        let scenarios = exactly(r.len(shape.scenarios)?, shape.scenarios, "scenarios")?;
        let unsound = (0..scenarios)
            .map(|_| {
                let count = r.u64()?;
                let first = match r.u64()? {
                    0 => None,
                    1 => {
                        let run = r.u64()?;
                        let mut inputs = [0.0; Input::COUNT];
                        for x in &mut inputs {
                            *x = r.f64()?;
                        }
                        Some((run, inputs))
                    }
                    other => return Err(format!("an unsound-run flag of {other}")),
                };
                Ok((count, first))
            })
            .collect::<Result<Vec<_>, Malformed>>()?;
        r.finish()?;
        Ok(Shard {
            chunks: start..end,
            moments,
            kept,
            hits,
            unsound,
        })
    }
}

/// What a source's shards hold, to check a saved one against.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shape {
    pub chunks: usize,
    pub width: usize,
    pub replicates: usize,
    pub scenarios: usize,
    pub events: usize,
}

impl Shape {
    pub fn of(source: &impl Source, events: usize) -> Shape {
        let plan = source.plan();
        Shape {
            chunks: plan.chunks(),
            width: source.width(),
            replicates: plan.uniforms.replicates.map_or(1, |r| r.count as usize),
            scenarios: source.scenarios(),
            events,
        }
    }
}

fn exactly(n: usize, want: usize, what: &str) -> Result<usize, Malformed> {
    if n == want {
        Ok(n)
    } else {
        Err(format!(
            "it holds {n} {what} where the scenario gives {want}"
        ))
    }
}

/// The stream of every chunk from its shards, which must be in chunk order and cover every
/// chunk of `source`'s plan exactly once (the caller checks, to name a faulty part).
pub fn merge<S: Source>(source: &S, tuning: Tuning, shards: Vec<Shard>) -> Streamed<'_, S> {
    let width = source.width();
    let mut combined: Vec<Combined> = vec![Combined::default(); width];
    for chunk in shards.iter().flat_map(|s| &s.moments) {
        for (c, list) in combined.iter_mut().zip(chunk) {
            c.add(list.clone());
        }
    }
    let mut hits = shards[0].hits.clone();
    let mut unsound = shards[0].unsound.clone();
    for s in &shards[1..] {
        for (h, add) in hits.iter_mut().zip(&s.hits) {
            h.iter_mut().zip(add).for_each(|(h, a)| *h += a);
        }
        for (u, add) in unsound.iter_mut().zip(&s.unsound) {
            u.0 += add.0;
            u.1 = u.1.or(add.1);
        }
    }
    let kept = (0..width)
        .map(|i| merged_kept(shards.iter().map(|s| &s.kept[i])))
        .collect();
    Streamed {
        source,
        tuning,
        moments: combined.into_iter().map(Combined::finish).collect(),
        kept,
        hits,
        unsound,
        passes: 1,
    }
}

/// One column's kept values of every shard, within the intervals all of them hold.
fn merged_kept<'a>(shards: impl Iterator<Item = &'a Kept> + Clone) -> Kept {
    let mut common = vec![Interval::ALL];
    for k in shards.clone() {
        common = intersection(&common, &k.intervals);
    }
    let reps = shards.clone().next().map_or(0, |k| k.reps.len());
    let mut out = Kept::new(common.clone(), reps);
    for k in shards {
        let outer: Vec<usize> = common
            .iter()
            .map(|c| {
                k.intervals
                    .iter()
                    .position(|iv| iv.lo <= c.lo && c.hi <= iv.hi)
                    .expect("an intersection lies inside each shard's interval")
            })
            .collect();
        for (rep, tallies) in k.reps.iter().enumerate() {
            let narrowed = common
                .iter()
                .zip(&outer)
                .map(|(&c, &j)| tallies[j].narrowed(k.intervals[j], c))
                .collect();
            out.absorb(rep, narrowed);
        }
    }
    out
}

/// The values both lists of sorted, disjoint intervals hold, as such a list.
fn intersection(a: &[Interval], b: &[Interval]) -> Vec<Interval> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && j < b.len() {
        let lo = a[i].lo.max(b[j].lo);
        let hi = a[i].hi.min(b[j].hi);
        if lo <= hi {
            out.push(Interval { lo, hi });
        }
        if a[i].hi < b[j].hi {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intersections_keep_only_what_both_hold() {
        let iv = |lo, hi| Interval { lo, hi };
        let a = [iv(0.0, 2.0), iv(5.0, 9.0)];
        let b = [iv(1.0, 6.0), iv(8.0, f64::INFINITY)];
        assert_eq!(
            intersection(&a, &b),
            vec![iv(1.0, 2.0), iv(5.0, 6.0), iv(8.0, 9.0)]
        );
        assert_eq!(intersection(&[Interval::ALL], &a), a.to_vec());
        assert!(intersection(&[iv(0.0, 1.0)], &[iv(2.0, 3.0)]).is_empty());
    }
}
