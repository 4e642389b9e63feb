//! Every draw of a portfolio: each run's inputs drawn from its own plan (shared inputs from
//! the streams every run shares), each run evaluated, then the runs placed on the portfolio's
//! timeline. Draws are computed a block at a time, chunks in parallel, and reduced as they
//! come ([`crate::stats::stream`]) in chunk order, so nothing depends on the thread count and
//! no draw is kept.

use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use super::spend::{SpendColumns, periods_row};
use super::{Columns, Source};
use crate::calendar::Quarter;
use crate::error::{Error, Unsound};
use crate::model::portfolio::{Timing, schedule};
use crate::model::{self, Inputs, Metric, ModelOptions, spend};
use crate::sample::{CHUNK_RUNS, STRIDE, SamplingPlan};

/// One run of a portfolio, as drawn.
pub struct Member<'p> {
    pub name: &'p str,
    pub plan: &'p SamplingPlan,
    pub options: ModelOptions,
    pub timing: Timing,
}

/// Where a portfolio's spend is placed on the calendar, in days from its start.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Calendar {
    /// The budget year's first day and the next year's first day.
    pub year: Option<(f64, f64)>,
    /// The months' edges ([`crate::calendar::Periods::edges`]): the portfolio's spend in each
    /// month, and before and after them, becomes a column.
    pub edges: Option<Vec<f64>>,
}

/// A portfolio's draws as a stream reads them ([`crate::stats::stream`]): per run its training
/// days, cost, start and finish day (and spend in the budget year), the portfolio's cost and
/// finish day (and spend in the year), then, with months, its spend by period laid out as a
/// run's ([`SpendColumns`]). Nothing is kept: each pass draws the runs again.
pub struct Portfolio<'p> {
    pub members: &'p [Member<'p>],
    pub calendar: &'p Calendar,
    pub layout: Layout,
    /// The first draw whose arithmetic failed, with the chunk it is in: the lowest chunk's
    /// is the first in draw order.
    failed: Mutex<Option<(usize, Error)>>,
}

impl<'p> Portfolio<'p> {
    /// # Panics
    ///
    /// Without a member.
    pub fn new(members: &'p [Member<'p>], calendar: &'p Calendar) -> Self {
        assert!(!members.is_empty(), "a portfolio has a run");
        Portfolio {
            layout: Layout::new(members.len(), calendar),
            members,
            calendar,
            failed: Mutex::new(None),
        }
    }

    /// Draws of the portfolio.
    pub fn draws(&self) -> u64 {
        self.members[0].plan.runs
    }

    /// Draws chunk `c` block by block, handing each block's columns to `on_block`; fails at the
    /// chunk's first unsound draw.
    pub fn draw_chunk(&self, c: usize, on_block: impl FnMut(&Columns)) -> Result<(), Error> {
        let first = c as u64 * CHUNK_RUNS as u64;
        self.draw_stretch(first, self.members[0].plan.chunk_len(c), on_block)
    }

    /// Draws `first..first + len` as [`Portfolio::draw_chunk`] does (a draw depends on its
    /// index alone).
    pub fn draw_stretch(
        &self,
        first: u64,
        len: usize,
        on_block: impl FnMut(&Columns),
    ) -> Result<(), Error> {
        let stretch = (first, len);
        draw_blocks(
            self.members,
            self.calendar,
            &self.layout,
            stretch,
            None,
            on_block,
        )
    }
}

/// Where each figure sits among a [`Portfolio`]'s columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    per_run: usize,
    portfolio: usize,
    year: bool,
    /// The spend by period, with months.
    pub spend: Option<SpendColumns>,
    quarters: Vec<Quarter>,
}

impl Layout {
    fn new(members: usize, calendar: &Calendar) -> Layout {
        let year = calendar.year.is_some();
        let per_run = 4 + usize::from(year);
        let portfolio = members * per_run;
        let months = calendar.edges.as_ref().map(|e| e.len() - 1);
        Layout {
            per_run,
            portfolio,
            year,
            spend: months.map(|months| SpendColumns {
                first: portfolio + 2 + usize::from(year),
                months,
                quarters: months / 3,
            }),
            quarters: months.map_or(Vec::new(), |m| {
                (0..m / 3)
                    .map(|q| Quarter {
                        first: 3 * q,
                        len: 3,
                    })
                    .collect()
            }),
        }
    }

    /// Run m's figure f: 0 train days, 1 cost, 2 start, 3 finish, 4 spend in the year.
    pub fn run(&self, m: usize, f: usize) -> usize {
        m * self.per_run + f
    }

    /// Run m's figures, as many as each run has.
    pub fn run_figures(&self) -> usize {
        self.per_run
    }

    /// The portfolio's figure f: 0 cost, 1 finish, 2 spend in the year.
    pub fn portfolio(&self, f: usize) -> usize {
        self.portfolio + f
    }

    /// Columns before the spend by period: every run's figures and the portfolio's.
    pub fn figures(&self) -> usize {
        self.portfolio + 2 + usize::from(self.year)
    }

    pub fn width(&self) -> usize {
        self.figures() + self.spend.map_or(0, |s| s.count())
    }
}

impl Source for Portfolio<'_> {
    fn plan(&self) -> &SamplingPlan {
        self.members[0].plan
    }

    fn width(&self) -> usize {
        self.layout.width()
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
        assert_eq!(states.len(), chunks.len(), "one state per chunk");
        states
            .into_par_iter()
            .enumerate()
            .map(|(i, mut acc)| {
                let c = chunks.start + i;
                if let Err(e) = self.draw_chunk(c, |columns| fold(&mut acc, columns)) {
                    let mut failed = self.failed.lock().unwrap_or_else(|p| p.into_inner());
                    if failed.as_ref().is_none_or(|(first, _)| c < *first) {
                        *failed = Some((c, e));
                    }
                }
                progress(self.plan().chunk_len(c) as u64);
                acc
            })
            .collect()
    }

    fn ensure_sound(&self, _: usize, _: u64, _: Option<(u64, Inputs)>) -> Result<(), Error> {
        let mut failed = self.failed.lock().unwrap_or_else(|p| p.into_inner());
        match failed.take() {
            Some((_, e)) => Err(e),
            None => Ok(()),
        }
    }
}

/// The days between which the first chunk's draws pay, but for a thousandth of them at either
/// end: where the months are laid out (as for one run, see [`super::spend::Runs::new`]).
pub fn first_chunk_span(members: &[Member]) -> Result<(f64, f64), Error> {
    let calendar = Calendar::default();
    let layout = Layout::new(members.len(), &calendar);
    let mut spans = (Vec::new(), Vec::new());
    let first_chunk = (0, members[0].plan.chunk_len(0));
    draw_blocks(
        members,
        &calendar,
        &layout,
        first_chunk,
        Some(&mut spans),
        |_| {},
    )?;
    Ok(super::spend::trimmed_span(&mut spans.0, &mut spans.1))
}

/// Draws `len` draws from `first` on (`stretch`) a block at a time into columns laid out as
/// `at`, and hands each block to `on_block`; with `spans`, also gathers the first and last day
/// each draw pays on.
fn draw_blocks(
    members: &[Member],
    calendar: &Calendar,
    at: &Layout,
    (mut first, len): (u64, usize),
    mut spans: Option<&mut (Vec<f64>, Vec<f64>)>,
    mut on_block: impl FnMut(&Columns),
) -> Result<(), Error> {
    let year = calendar.year;
    let placed = year.is_some() || calendar.edges.is_some() || spans.is_some();
    let buckets_len = calendar.edges.as_ref().map_or(0, |e| e.len() + 1);
    let (mut buckets, mut shifted) = (vec![0.0; buckets_len], Vec::new());
    let mut blocks: Vec<_> = members.iter().map(|m| m.plan.scratch()).collect();
    let mut samplers: Vec<_> = members.iter().map(|m| m.plan.stretch(first, len)).collect();
    let mut y = vec![[[0.0; STRIDE]; Metric::COUNT]; members.len()];
    let mut columns = vec![[0.0; STRIDE]; at.width()];
    let metrics: Vec<Vec<Metric>> = members.iter().map(|m| m.options.metrics()).collect();
    let timing: Vec<Timing> = members.iter().map(|m| m.timing.clone()).collect();
    let k = members.len();
    let (mut days, mut start, mut finish) = (vec![0.0; k], vec![0.0; k], vec![0.0; k]);
    loop {
        let mut n = 0;
        // The block's first unsound draw, of any run: (draw, run).
        let mut worst: Option<(usize, usize)> = None;
        for (m, (s, b)) in samplers.iter_mut().zip(&mut blocks).enumerate() {
            if !s.next_block(b) {
                return Ok(());
            }
            n = b.len;
            let bad =
                model::evaluate_block(b.columns(), n, members[m].options, &metrics[m], &mut y[m]);
            if let Some(i) = bad
                && worst.is_none_or(|(j, _)| i < j)
            {
                worst = Some((i, m));
            }
        }
        if let Some((i, m)) = worst {
            return Err(unsound(&members[m], first + i as u64, blocks[m].run(i)));
        }
        for i in 0..n {
            for (d, ym) in days.iter_mut().zip(&y) {
                *d = ym[Metric::TrainDays.index()][i];
            }
            schedule(&timing, &days, &mut start, &mut finish);
            let mut put = |j: usize, v: f64| columns[j][i] = v;
            let (mut total, mut last, mut in_year) = (0.0, 0.0f64, 0.0);
            let mut span = (f64::INFINITY, f64::NEG_INFINITY);
            buckets.fill(0.0);
            for m in 0..k {
                let cost = y[m][Metric::TotalCostUsd.index()][i];
                put(at.run(m, 0), days[m]);
                put(at.run(m, 1), cost);
                put(at.run(m, 2), start[m]);
                put(at.run(m, 3), finish[m]);
                total += cost;
                last = last.max(finish[m]);
                if !placed {
                    continue;
                }
                let x = blocks[m].run(i);
                let outputs = std::array::from_fn(|j| y[m][j][i]);
                let flows = spend::flows(|input| x[input.index()], &outputs, members[m].options);
                if let Some((from, to)) = year {
                    let mut in_it = [0.0; 3];
                    spend::place(&flows, &[from - start[m], to - start[m]], &mut in_it);
                    put(at.run(m, 4), in_it[1]);
                    in_year += in_it[1];
                }
                if let Some(edges) = &calendar.edges {
                    // The month edges as days of this run's own timeline.
                    shifted.clear();
                    shifted.extend(edges.iter().map(|e| e - start[m]));
                    spend::place(&flows, &shifted, &mut buckets);
                }
                let (lo, hi) = spend::span(&flows);
                span = (span.0.min(start[m] + lo), span.1.max(start[m] + hi));
            }
            put(at.portfolio(0), total);
            put(at.portfolio(1), last);
            if year.is_some() {
                put(at.portfolio(2), in_year);
            }
            if let Some(spend) = at.spend {
                let row = periods_row(&buckets, spend, &at.quarters);
                for (j, v) in (spend.first..).zip(row) {
                    columns[j][i] = v;
                }
            }
            if let Some((starts, ends)) = spans.as_deref_mut()
                && span.0.is_finite()
                && span.1.is_finite()
            {
                starts.push(span.0);
                ends.push(span.1);
            }
        }
        let values: Vec<&[f64]> = columns.iter().map(|c| &c[..n]).collect();
        on_block(&Columns {
            first,
            len: n,
            values: &values,
            unsound: &[None],
        });
        first += n as u64;
    }
}

fn unsound(member: &Member, run: u64, x: model::Inputs) -> Error {
    Error::Unsound(Box::new(Unsound {
        what: format!(
            "run `{}` in draw {} of {}",
            member.name,
            run + 1,
            member.plan.runs
        ),
        count: 1,
        total: member.plan.runs,
        fault: model::diagnose(&x, member.options),
        inputs: x,
        origins: Arc::clone(&member.plan.origins),
    }))
}
