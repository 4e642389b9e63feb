//! One scenario's runs with their spend placed on the calendar: the columns of [`Single`],
//! then, per run, what it pays before the first month, in each month, and after the last
//! ([`crate::model::spend`]), what it has paid by the end of each month, and what it pays in
//! each quarter.

use std::cell::RefCell;

use super::{Columns, Single, Source, fold_chunks};
use crate::calendar::{Date, Periods, Quarter};
use crate::error::Error;
use crate::model::Inputs;
use crate::model::spend::{self, FLOWS, Flow};
use crate::sample::{BLOCK, SamplingPlan};

/// [`Single`]'s runs and their spend by period.
pub struct Scheduled<'p> {
    pub single: Single<'p>,
    pub periods: Periods,
}

/// Where a stream of [`Scheduled`] runs holds each period's figures.
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

impl<'p> Scheduled<'p> {
    /// The runs of `single` with their spend by month and quarter from `start`. The months
    /// cover every day on which any run of the plan's first chunk pays (whole quarters); runs
    /// outside them (beyond the extremes of 65,536 runs) pay into the columns before and after.
    pub fn new(single: Single<'p>, start: Date) -> Result<Self, Error> {
        let (from, to) = first_chunk_span(&single);
        let periods = Periods::covering(start, from, to).ok_or_else(|| {
            Error::Runtime(format!(
                "the runs starting {start} pay between {from:.0} and {to:.0} days from then, \
                 beyond the calendar's years 1 to 9999: give `[schedule] start` a nearer date \
                 or check the scenario's days"
            ))
        })?;
        Ok(Scheduled { single, periods })
    }

    pub fn columns(&self) -> SpendColumns {
        SpendColumns {
            first: self.single.metrics.len(),
            months: self.periods.len(),
            quarters: self.periods.quarters().len(),
        }
    }
}

/// The earliest and latest days any run of the plan's first chunk pays on.
fn first_chunk_span(single: &Single) -> (f64, f64) {
    let plan: &SamplingPlan = single.plan;
    let options = single.options;
    let found = fold_chunks(
        plan,
        options,
        &|_| {},
        0..1,
        vec![(0.0f64, 0.0f64)],
        |span, e| {
            for j in 0..e.len {
                let x = e.inputs.run(j);
                let y = std::array::from_fn(|m| e.outputs[m][j]);
                let (lo, hi) = spend::span(&spend::flows(|i| x[i.index()], &y, options));
                // An unsound run's days are not days; the run itself is reported.
                if lo.is_finite() && hi.is_finite() {
                    *span = (span.0.min(lo), span.1.max(hi));
                }
            }
        },
    );
    found[0]
}

/// One run's spend columns in order, from its buckets (before, each month, after): the
/// buckets themselves, what has been paid by the end of each month, each quarter's sum.
fn periods_row<'a>(
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

impl Source for Scheduled<'_> {
    fn plan(&self) -> &SamplingPlan {
        self.single.plan
    }

    fn width(&self) -> usize {
        self.single.width() + self.columns().count()
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
        let metrics = &self.single.metrics;
        let options = self.single.options;
        let at = self.columns();
        let edges = &self.periods.edges;
        let quarters = self.periods.quarters();
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

    fn ensure_sound(
        &self,
        s: usize,
        unsound: u64,
        first: Option<(u64, Inputs)>,
    ) -> Result<(), Error> {
        self.single.ensure_sound(s, unsound, first)
    }
}
