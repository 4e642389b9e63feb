//! Every draw of a portfolio: each run's inputs drawn from its own plan (shared inputs from
//! the streams every run shares), each run evaluated, then the runs placed on the portfolio's
//! timeline. Draws are computed a block at a time, chunks in parallel, and kept in draw order,
//! so nothing depends on the thread count.

use std::sync::Arc;

use rayon::prelude::*;

use crate::error::{Error, Unsound};
use crate::model::portfolio::{Timing, schedule};
use crate::model::{self, Metric, ModelOptions, spend};
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

/// Every draw's figures, one column per figure, in draw order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draws {
    pub members: Vec<MemberDraws>,
    /// The portfolio's total cost: the sum of its runs'.
    pub total_cost_usd: Vec<f64>,
    /// The day the last run ends.
    pub finish_day: Vec<f64>,
    /// What the portfolio pays in the budget's year.
    pub year_spend_usd: Option<Vec<f64>>,
    /// What the portfolio pays before the first month, in each month, and after the last.
    pub period_spend_usd: Option<Vec<Vec<f64>>>,
}

/// One run's figures in every draw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MemberDraws {
    pub train_days: Vec<f64>,
    pub total_cost_usd: Vec<f64>,
    pub start_day: Vec<f64>,
    pub finish_day: Vec<f64>,
    pub year_spend_usd: Option<Vec<f64>>,
}

/// Draws every run of `members` `runs` times (their plans all have `runs` runs), placing
/// spend as `calendar` asks. Fails at the first draw in which a run's arithmetic fails.
pub fn draw(
    members: &[Member],
    calendar: &Calendar,
    advance: &(dyn Fn(u64) + Sync),
) -> Result<Draws, Error> {
    let plan = members[0].plan;
    let mut all = Draws::zeroed(members.len(), calendar, plan.runs as usize);
    // Each chunk writes its own rows of every column: the draws are held once, in draw
    // order, whatever the thread count.
    let mut parts: Vec<Vec<&mut [f64]>> = (0..plan.chunks()).map(|_| Vec::new()).collect();
    for column in all.columns_mut() {
        for (part, rows) in parts.iter_mut().zip(column.chunks_mut(CHUNK_RUNS)) {
            part.push(rows);
        }
    }
    let done: Vec<Result<(), Error>> = parts
        .into_par_iter()
        .enumerate()
        .map(|(c, mut columns)| {
            let out = draw_chunk(members, calendar, c, &mut columns, None);
            advance(plan.chunk_len(c) as u64);
            out
        })
        .collect();
    done.into_iter().collect::<Result<(), Error>>()?;
    Ok(all)
}

/// The days between which the first chunk's draws pay, but for a thousandth of them at either
/// end: where the months are laid out (as for one run, see [`super::spend::Runs::new`]).
pub fn first_chunk_span(members: &[Member]) -> Result<(f64, f64), Error> {
    let len = members[0].plan.chunk_len(0);
    let mut first = Draws::zeroed(members.len(), &Calendar::default(), len);
    let mut columns: Vec<&mut [f64]> = first
        .columns_mut()
        .into_iter()
        .map(|c| &mut c[..])
        .collect();
    let mut spans = (Vec::with_capacity(len), Vec::with_capacity(len));
    draw_chunk(
        members,
        &Calendar::default(),
        0,
        &mut columns,
        Some(&mut spans),
    )?;
    Ok(super::spend::trimmed_span(&mut spans.0, &mut spans.1))
}

impl Draws {
    /// Every column `runs` zeros long (calloc'd: pages are touched as the draws fill them).
    fn zeroed(members: usize, calendar: &Calendar, runs: usize) -> Draws {
        let year = calendar.year.is_some();
        let column = || vec![0.0; runs];
        let year_column = || year.then(column);
        Draws {
            members: (0..members)
                .map(|_| MemberDraws {
                    train_days: column(),
                    total_cost_usd: column(),
                    start_day: column(),
                    finish_day: column(),
                    year_spend_usd: year_column(),
                })
                .collect(),
            total_cost_usd: column(),
            finish_day: column(),
            year_spend_usd: year_column(),
            period_spend_usd: calendar
                .edges
                .as_ref()
                .map(|e| (0..=e.len()).map(|_| column()).collect()),
        }
    }

    /// Every column, in the order of [`Layout`].
    fn columns_mut(&mut self) -> Vec<&mut Vec<f64>> {
        let mut out = Vec::new();
        for m in &mut self.members {
            out.extend([
                &mut m.train_days,
                &mut m.total_cost_usd,
                &mut m.start_day,
                &mut m.finish_day,
            ]);
            out.extend(m.year_spend_usd.as_mut());
        }
        out.extend([&mut self.total_cost_usd, &mut self.finish_day]);
        out.extend(self.year_spend_usd.as_mut());
        out.extend(self.period_spend_usd.iter_mut().flatten());
        out
    }
}

/// Where each figure sits among [`Draws::columns_mut`].
struct Layout {
    per_run: usize,
    portfolio: usize,
    year: bool,
}

impl Layout {
    fn new(members: usize, year: bool) -> Layout {
        let per_run = 4 + usize::from(year);
        Layout {
            per_run,
            portfolio: members * per_run,
            year,
        }
    }

    /// Run m's figure f: 0 train days, 1 cost, 2 start, 3 finish, 4 spend in the year.
    fn run(&self, m: usize, f: usize) -> usize {
        m * self.per_run + f
    }

    /// The portfolio's figure f: 0 cost, 1 finish, 2 spend in the year.
    fn portfolio(&self, f: usize) -> usize {
        self.portfolio + f
    }

    /// Spend bucket b (before the first month, each month, after the last).
    fn bucket(&self, b: usize) -> usize {
        self.portfolio + 2 + usize::from(self.year) + b
    }
}

/// Draws chunk `c` into its rows of `columns` (laid out as [`Layout`]); with `spans`, also
/// the first and last day each draw pays on.
fn draw_chunk(
    members: &[Member],
    calendar: &Calendar,
    c: usize,
    columns: &mut [&mut [f64]],
    mut spans: Option<&mut (Vec<f64>, Vec<f64>)>,
) -> Result<(), Error> {
    let year = calendar.year;
    let at = Layout::new(members.len(), year.is_some());
    let placed = year.is_some() || calendar.edges.is_some() || spans.is_some();
    let buckets_len = calendar.edges.as_ref().map_or(0, |e| e.len() + 1);
    let (mut buckets, mut shifted) = (vec![0.0; buckets_len], Vec::new());
    let mut blocks: Vec<_> = members.iter().map(|m| m.plan.scratch()).collect();
    let mut samplers: Vec<_> = members.iter().map(|m| m.plan.chunk(c)).collect();
    let mut y = vec![[[0.0; STRIDE]; Metric::COUNT]; members.len()];
    let metrics: Vec<Vec<Metric>> = members.iter().map(|m| m.options.metrics()).collect();
    let timing: Vec<Timing> = members.iter().map(|m| m.timing.clone()).collect();
    let k = members.len();
    let (mut days, mut start, mut finish) = (vec![0.0; k], vec![0.0; k], vec![0.0; k]);
    let mut first = c as u64 * CHUNK_RUNS as u64;
    let mut row = 0;
    loop {
        let mut n = 0;
        for (m, (s, b)) in samplers.iter_mut().zip(&mut blocks).enumerate() {
            if !s.next_block(b) {
                return Ok(());
            }
            n = b.len;
            let bad =
                model::evaluate_block(b.columns(), n, members[m].options, &metrics[m], &mut y[m]);
            if let Some(i) = bad {
                return Err(unsound(&members[m], first + i as u64, b.run(i)));
            }
        }
        for i in 0..n {
            for (d, ym) in days.iter_mut().zip(&y) {
                *d = ym[Metric::TrainDays.index()][i];
            }
            schedule(&timing, &days, &mut start, &mut finish);
            let mut put = |j: usize, v: f64| columns[j][row] = v;
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
            for (b, v) in buckets.iter().enumerate() {
                put(at.bucket(b), *v);
            }
            if let Some((starts, ends)) = spans.as_deref_mut()
                && span.0.is_finite()
                && span.1.is_finite()
            {
                starts.push(span.0);
                ends.push(span.1);
            }
            row += 1;
        }
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
