//! One scenario's runs with their spend placed on the calendar: the columns of [`Single`],
//! then, with a start date, per run, what it pays before the first month, in each month, and after the last
//! ([`crate::model::spend`]), what it has paid by the end of each month, and what it pays in
//! each quarter.

use std::cell::RefCell;

use super::{Columns, Single, Source, fold_chunks};
use crate::calendar::{Periods, Quarter};
use crate::error::Error;
use crate::model::Inputs;
use crate::model::spend::{self, FLOWS, Flow};
use crate::sample::{BLOCK, SamplingPlan};
use crate::scenario::Scenario;

/// One scenario's runs as every run-like command streams them (run, its shards, sweep
/// points, merge): [`Single`]'s columns, then, when the scenario has a start date, its spend
/// by period, so that a run and its merged shards see the same columns.
pub struct Runs<'p> {
    pub single: Single<'p>,
    /// The months and quarters spend is laid out by; None without a start date.
    pub periods: Option<Periods>,
}

/// The percentiles every period is reported at: its columns keep values around these alone.
pub const SPEND_PERCENTILES: [f64; 3] = [5.0, 50.0, 95.0];

/// Where a stream of [`Runs`] with a start date holds each period's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpendColumns {
    /// The column of what is paid before the first month; the months' follow, then what is
    /// paid after the last month.
    pub first: usize,
    pub months: usize,
    pub quarters: usize,
}

impl SpendColumns {
    pub fn before(&self) -> usize {
        self.first
    }

    pub fn month(&self, k: usize) -> usize {
        self.first + 1 + k
    }

    pub fn after(&self) -> usize {
        self.first + 1 + self.months
    }

    /// Paid from the first day to the end of month `k`, what came before included.
    pub fn by_end_of(&self, k: usize) -> usize {
        self.first + 2 + self.months + k
    }

    pub fn quarter(&self, q: usize) -> usize {
        self.first + 2 + 2 * self.months + q
    }

    pub fn count(&self) -> usize {
        2 + 2 * self.months + self.quarters
    }
}

impl<'p> Runs<'p> {
    /// The runs of `scenario` drawn by `plan`. With a start date, the months (whole quarters)
    /// cover the days on which the plan's first chunk's runs pay but for a thousandth at
    /// either end; what is paid outside them goes to the columns before and after.
    pub fn new(plan: &'p SamplingPlan, scenario: &Scenario) -> Result<Self, Error> {
        let single = Single::new(plan, scenario.options);
        let Some(start) = scenario.start else {
            return Ok(Runs {
                single,
                periods: None,
            });
        };
        let (from, to) = first_chunk_span(&single);
        let periods = Periods::covering(start, from, to).ok_or_else(|| {
            Error::Runtime(format!(
                "the runs starting {start} pay between {from:.0} and {to:.0} days from then, \
                 beyond the calendar's years 1 to 9999: give `[schedule] start` a nearer date \
                 or check the scenario's days"
            ))
        })?;
        Ok(Runs {
            single,
            periods: Some(periods),
        })
    }

    pub fn metrics(&self) -> &[crate::model::Metric] {
        &self.single.metrics
    }

    /// Where the spend by period sits, and its periods, with a start date.
    pub fn spend(&self) -> Option<(SpendColumns, &Periods)> {
        let periods = self.periods.as_ref()?;
        let at = SpendColumns {
            first: self.single.metrics.len(),
            months: periods.len(),
            quarters: periods.quarters().len(),
        };
        Some((at, periods))
    }
}

/// How far into its tails the months reach: from the day by which all but this share of the
/// first chunk's runs have started paying, to the day by which all but this share have
/// stopped. What the rest pay beyond goes to the columns before and after, so the months do
/// not stretch (and the stream keep values for them) to serve one run in many thousands.
const TAIL_SHARE: f64 = 0.001;

/// The days between which the plan's first chunk's runs pay, but for [`TAIL_SHARE`] of them
/// at either end.
fn first_chunk_span(single: &Single) -> (f64, f64) {
    let plan: &SamplingPlan = single.plan;
    let options = single.options;
    let found = fold_chunks(
        plan,
        options,
        &|_| {},
        0..1,
        vec![(Vec::new(), Vec::new())],
        |(starts, ends): &mut (Vec<f64>, Vec<f64>), e| {
            for j in 0..e.len {
                let x = e.inputs.run(j);
                let y = std::array::from_fn(|m| e.outputs[m][j]);
                let (lo, hi) = spend::span(&spend::flows(|i| x[i.index()], &y, options));
                // An unsound run's days are not days; the run itself is reported.
                if lo.is_finite() && hi.is_finite() {
                    starts.push(lo);
                    ends.push(hi);
                }
            }
        },
    );
    let (mut starts, mut ends) = found.into_iter().next().expect("one chunk");
    trimmed_span(&mut starts, &mut ends)
}

/// The day by which all but [`TAIL_SHARE`] of `starts` have come, and the day by which all
/// but that share of `ends` have.
pub(super) fn trimmed_span(starts: &mut [f64], ends: &mut [f64]) -> (f64, f64) {
    let at = |xs: &mut [f64], q: f64| {
        if xs.is_empty() {
            return 0.0;
        }
        let k = ((xs.len() - 1) as f64 * q).round() as usize;
        *xs.select_nth_unstable_by(k, f64::total_cmp).1
    };
    (at(starts, TAIL_SHARE), at(ends, 1.0 - TAIL_SHARE))
}

/// One run's spend columns in order, from its buckets (before, each month, after): the
/// buckets themselves, what has been paid by the end of each month, each quarter's sum.
pub(super) fn periods_row<'a>(
    buckets: &'a [f64],
    at: SpendColumns,
    quarters: &'a [Quarter],
) -> impl Iterator<Item = f64> + 'a {
    let months = &buckets[1..=at.months];
    let paid = months.iter().scan(buckets[0], |paid, m| {
        *paid += m;
        Some(*paid)
    });
    let quarters = quarters
        .iter()
        .map(|q| months[q.first..q.first + q.len].iter().sum());
    buckets.iter().copied().chain(paid).chain(quarters)
}

thread_local! {
    /// One block's spend columns, per worker thread.
    static SCRATCH: RefCell<Vec<[f64; BLOCK]>> = const { RefCell::new(Vec::new()) };
}

impl Source for Runs<'_> {
    fn plan(&self) -> &SamplingPlan {
        self.single.plan
    }

    fn width(&self) -> usize {
        self.single.width() + self.spend().map_or(0, |(at, _)| at.count())
    }

    fn scenarios(&self) -> usize {
        1
    }

    fn fold_chunks<T: Send>(
        &self,
        progress: &(dyn Fn(u64) + Sync),
        chunks: std::ops::Range<usize>,
        states: Vec<T>,
        fold: impl Fn(&mut T, &Columns) + Sync,
    ) -> Vec<T> {
        let Some((at, periods)) = self.spend() else {
            return self.single.fold_chunks(progress, chunks, states, fold);
        };
        let metrics = &self.single.metrics;
        let options = self.single.options;
        let edges = &periods.edges;
        let quarters = periods.quarters();
        fold_chunks(
            self.single.plan,
            options,
            progress,
            chunks,
            states,
            |acc, e| {
                SCRATCH.with_borrow_mut(|spent| {
                    spent.resize(at.count(), [0.0; BLOCK]);
                    let mut buckets = vec![0.0; edges.len() + 1];
                    for j in 0..e.len {
                        let x: Inputs = e.inputs.run(j);
                        let y = std::array::from_fn(|m| e.outputs[m][j]);
                        let flows: [Flow; FLOWS] = spend::flows(|i| x[i.index()], &y, options);
                        buckets.fill(0.0);
                        spend::place(&flows, edges, &mut buckets);
                        let row = periods_row(&buckets, at, &quarters);
                        for (column, v) in spent.iter_mut().zip(row) {
                            column[j] = v;
                        }
                    }
                    let mut values: Vec<&[f64]> = metrics
                        .iter()
                        .map(|m| &e.outputs[m.index()][..e.len])
                        .collect();
                    values.extend(spent.iter().map(|c| &c[..e.len]));
                    let columns = Columns {
                        first: e.first,
                        len: e.len,
                        values: &values,
                        unsound: &[e.unsound(metrics)],
                    };
                    fold(acc, &columns);
                });
            },
        )
    }

    fn kept_for<'k>(&self, column: usize, kept: &'k [f64]) -> std::borrow::Cow<'k, [f64]> {
        match self.spend() {
            Some((at, _)) if column >= at.first => SPEND_PERCENTILES.to_vec().into(),
            _ => kept.into(),
        }
    }

    fn ensure_sound(
        &self,
        s: usize,
        unsound: u64,
        first: Option<(u64, Inputs)>,
    ) -> Result<(), Error> {
        self.single.ensure_sound(s, unsound, first)
    }
}
