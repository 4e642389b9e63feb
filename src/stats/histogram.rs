//! What the charts of one output show, as counts: equal bins between two order statistics,
//! the runs beyond them, and three percentiles to mark. The same figures come from a stored
//! column ([`Outline::of`]) or from a stream that never holds the runs
//! ([`super::stream::Streamed::outlines`]): the ends and marks are exact order statistics
//! either way, and the counts are integers, the same in any order.

use super::quantile::order_statistics;

/// Share of runs left out at each end of a chart's range, so a few extreme runs cannot squeeze
/// the body of the distribution into one bar. Charts say how many.
pub const TAIL_CUT: f64 = 0.005;

/// The percentiles a chart marks.
pub const MARKED: [f64; 3] = [5.0, 50.0, 95.0];

/// Bins of the exceedance curve: a point at every bin edge.
pub const CURVE_BINS: usize = 400;

/// Counts of runs in equal bins over [lo, hi], and how many fell outside.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    pub lo: f64,
    pub hi: f64,
    pub counts: Vec<u64>,
    pub below: u64,
    pub above: u64,
}

impl Histogram {
    pub fn empty(lo: f64, hi: f64, bins: usize) -> Histogram {
        Histogram {
            lo,
            hi,
            counts: vec![0; bins.max(1)],
            below: 0,
            above: 0,
        }
    }

    /// `bins` bins between the runs at [`range_ranks`], holding every run.
    pub fn of(data: &[f64], bins: usize) -> Histogram {
        let ends = order_statistics(data, &range_ranks(data.len() as u64));
        let mut h = Histogram::empty(ends[0], ends[1], bins);
        h.add(data);
        h
    }

    /// Counts every value; one at hi goes in the last bin.
    pub fn add(&mut self, xs: &[f64]) {
        let bins = self.counts.len();
        let width = (self.hi - self.lo) / bins as f64;
        for &x in xs {
            if x < self.lo {
                self.below += 1;
            } else if x > self.hi {
                self.above += 1;
            } else if width > 0.0 {
                self.counts[(((x - self.lo) / width) as usize).min(bins - 1)] += 1;
            } else {
                self.counts[0] += 1;
            }
        }
    }

    /// Adds another histogram's counts over the same bins.
    pub fn merge(&mut self, other: &Histogram) {
        debug_assert!(self.lo == other.lo && self.hi == other.hi);
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.below += other.below;
        self.above += other.above;
    }

    pub fn runs(&self) -> u64 {
        self.counts.iter().sum::<u64>() + self.below + self.above
    }
}

/// The 0-based ranks of a chart's ends among `runs` sorted runs: [`TAIL_CUT`] in from each end.
pub fn range_ranks(runs: u64) -> [usize; 2] {
    let last = runs.saturating_sub(1) as f64;
    [
        (last * TAIL_CUT) as usize,
        (last * (1.0 - TAIL_CUT)) as usize,
    ]
}

/// One output's distribution as its charts draw it.
#[derive(Debug, Clone, PartialEq)]
pub struct Outline {
    pub runs: u64,
    /// The value of an output that is the same in every run (nothing to draw).
    pub constant: Option<f64>,
    /// The bars of the histogram.
    pub bars: Histogram,
    /// Finer bins over the same range, for the exceedance curve.
    pub curve: Histogram,
    /// The [`MARKED`] percentiles: (percent, value).
    pub marks: Vec<(f64, f64)>,
}

impl Outline {
    /// Empty bins over [lo, hi] for the runs to be added to.
    pub fn empty(runs: u64, [lo, hi]: [f64; 2], marks: Vec<(f64, f64)>, bars: usize) -> Outline {
        Outline {
            runs,
            constant: None,
            bars: Histogram::empty(lo, hi, bars),
            curve: Histogram::empty(lo, hi, CURVE_BINS),
            marks,
        }
    }

    /// A constant output's outline: no bins.
    pub fn constant(runs: u64, value: f64) -> Outline {
        Outline {
            constant: Some(value),
            ..Outline::empty(runs, [value, value], Vec::new(), 1)
        }
    }

    /// The outline of a stored column, with `bars` bars.
    pub fn of(data: &[f64], bars: usize) -> Outline {
        assert!(!data.is_empty(), "outline of an empty sample");
        let first = data[0];
        if data.iter().all(|&x| x == first) {
            return Outline::constant(data.len() as u64, first);
        }
        let ends = order_statistics(data, &range_ranks(data.len() as u64));
        let marks = super::summarize(data, &MARKED)
            .percentiles
            .iter()
            .map(|p| (p.percent, p.estimate.value))
            .collect();
        let mut o = Outline::empty(data.len() as u64, [ends[0], ends[1]], marks, bars);
        o.add(data);
        o
    }

    pub fn add(&mut self, xs: &[f64]) {
        self.bars.add(xs);
        self.curve.add(xs);
    }

    pub fn merge(&mut self, other: &Outline) {
        self.bars.merge(&other.bars);
        self.curve.merge(&other.curve);
    }

    /// The exceedance curve: at each edge x of the fine bins, the share of runs at or above
    /// it (a run on an edge counts in the bin it starts), from the range's low end to its high.
    pub fn exceedance(&self) -> Vec<(f64, f64)> {
        let h = &self.curve;
        let bins = h.counts.len();
        let width = (h.hi - h.lo) / bins as f64;
        let n = self.runs.max(1) as f64;
        let mut beyond = h.above;
        let mut points = vec![(h.hi, h.above as f64 / n)];
        for k in (0..bins).rev() {
            beyond += h.counts[k];
            points.push((h.lo + k as f64 * width, beyond as f64 / n));
        }
        points.reverse();
        points
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<f64> {
        (0..10_000)
            .map(|i| 50.0 + (i % 100) as f64 + (i / 100) as f64 * 0.3)
            .collect()
    }

    #[test]
    fn every_run_is_counted_once() {
        let data = sample();
        let h = Histogram::of(&data, 40);
        assert_eq!(h.runs(), data.len() as u64);
        assert!(h.below <= 50 && h.above <= 50);
    }

    #[test]
    fn counts_merged_from_pieces_equal_the_whole() {
        let data = sample();
        let whole = Outline::of(&data, 60);
        let mut parts = Outline::empty(
            whole.runs,
            [whole.bars.lo, whole.bars.hi],
            whole.marks.clone(),
            60,
        );
        for piece in data.chunks(777).rev() {
            let mut p = Outline::empty(whole.runs, [whole.bars.lo, whole.bars.hi], vec![], 60);
            p.add(piece);
            parts.merge(&p);
        }
        assert_eq!(parts, whole);
    }

    #[test]
    fn the_exceedance_curve_falls_from_the_range_start_to_its_end() {
        let data: Vec<f64> = (0..1000).map(f64::from).collect();
        let o = Outline::of(&data, 60);
        let curve = o.exceedance();
        assert_eq!(curve.len(), CURVE_BINS + 1);
        assert_eq!(curve[0], (4.0, 0.996));
        assert_eq!(*curve.last().unwrap(), (994.0, 0.005));
        assert!(
            curve
                .windows(2)
                .all(|w| w[0].0 < w[1].0 && w[0].1 >= w[1].1)
        );
    }

    #[test]
    fn a_constant_column_has_no_bins() {
        let o = Outline::of(&[3.0; 50], 60);
        assert_eq!((o.runs, o.constant), (50, Some(3.0)));
    }
}
