//! `flopcast portfolio`: several runs planned together. Each draw draws every run (shared
//! inputs once for all of them), places the runs on the portfolio's timeline and adds up
//! their costs; the report gives each run's and the portfolio's bands, the chances of the
//! budget and deadlines, and each run's share of the risk.

use std::path::PathBuf;

use super::Sampling;
use super::progress::Progress;
use crate::analyze::portfolio as risk;
use crate::calendar::{Date, Periods};
use crate::error::Error;
use crate::model::portfolio::Timing;
use crate::output::{Exports, OutputSet, TableFiles};
use crate::report::portfolio::{
    self, BAND, Chance, ChanceOf, PortfolioReport, RunFigures, SharedInput, Tail,
};
use crate::report::run::when::{SpendCsvExporter, When};
use crate::report::{AsDocument, Goals};
use crate::sample::SamplingPlan;
use crate::scenario::portfolio::{Deadline, PortfolioPlan};
use crate::simulate::portfolio::{self as simulate, Calendar, Member, Portfolio};
use crate::stats::Probability;
use crate::stats::stream::{Event, Test, Tuning, stream};

pub const DEFAULT_PORTFOLIO_RUNS: u64 = 200_000;

#[derive(Debug, Clone)]
pub struct PortfolioOptions {
    pub plan: PathBuf,
    /// The budget and deadline; each replaces the plan's.
    pub goals: Goals,
    pub budget_year: Option<i32>,
    pub sampling: Sampling,
    pub progress: bool,
    pub tables: TableFiles,
    pub samples_csv: Option<PathBuf>,
    pub spend_csv: Option<PathBuf>,
}

pub struct PortfolioOutcome {
    pub report: PortfolioReport,
    pub text: String,
}

/// The goals, resolved against the plan: days from day 0 for the deadline.
struct Resolved {
    budget_usd: Option<f64>,
    year: Option<(i32, f64, f64)>,
    deadline: Option<(f64, Option<Date>)>,
}

pub fn portfolio(opts: &PortfolioOptions) -> Result<PortfolioOutcome, Error> {
    let plan = PortfolioPlan::load(&opts.plan)?;
    let goals = resolve(&plan, opts)?;
    let mut outputs = OutputSet::new(&plan.input_files());
    let mut exports = Exports::tables(&mut outputs, &opts.tables)?;
    let spend = opts.spend_csv.as_deref();
    exports.add(&mut outputs, "--spend-csv", spend, &SpendCsvExporter)?;
    if spend.is_some() && plan.start.is_none() {
        return Err(Error::Runtime(format!(
            "--spend-csv lays spend out by month, which needs the day the portfolio starts: \
             add start = 2027-01-04 to the [portfolio] of {}",
            plan.path.display()
        )));
    }
    outputs.file("--samples-csv", opts.samples_csv.as_deref())?;
    let (runs, seed) = runs_and_seed(&plan, opts);
    let plans = sampling_plans(&plan, runs, seed);
    let members = members(&plan, &plans);
    let periods = periods(&plan, &members)?;
    let samples = opts.samples_csv.is_some();
    let peak = |r| peak_bytes_for(r, &plan, goals.year.is_some(), periods.as_ref(), samples);
    let origin = super::runs_origin_in(
        "[portfolio] runs",
        &plan.path,
        &plan.simulation,
        opts.sampling.runs,
    );
    super::check_memory(runs, peak).map_err(|e| e.with_runs_origin(origin))?;
    let calendar = Calendar {
        year: goals.year.map(|(_, from, to)| (from, to)),
        edges: periods.as_ref().map(|p| p.edges.clone()),
    };
    let source = Portfolio::new(&members, &calendar);
    let progress = Progress::new(runs, opts.progress, "draws");
    let report = super::with_threads(opts.sampling.threads, || {
        let advance = |n| progress.advance(n);
        summarise(&plan, &goals, &source, periods.as_ref(), &advance)
    })??;
    progress.finish();
    exports.write(&mut outputs, &report)?;
    if let Some(path) = &opts.samples_csv {
        let names: Vec<String> = plan.members.iter().map(|m| m.name.clone()).collect();
        // The rows are rendered on as many threads as the draws were made on.
        super::with_threads(opts.sampling.threads, || {
            outputs.write_with(path, |w| portfolio::write_samples(w, &names, &source))
        })??;
    }
    outputs.commit()?;
    let text = report.to_text();
    Ok(PortfolioOutcome { report, text })
}

/// Draws and seed: the flag's, else the plan's, else the defaults.
fn runs_and_seed(plan: &PortfolioPlan, opts: &PortfolioOptions) -> (u64, u64) {
    let runs = opts.sampling.runs.or(plan.simulation.runs);
    let seed = opts.sampling.seed.or(plan.simulation.seed);
    (
        runs.unwrap_or(DEFAULT_PORTFOLIO_RUNS),
        seed.unwrap_or(super::run::DEFAULT_SEED),
    )
}

/// Each run's plan: its scenario's draws, salted by its name but for the shared inputs.
fn sampling_plans(plan: &PortfolioPlan, runs: u64, seed: u64) -> Vec<SamplingPlan> {
    let shared = plan.shared_inputs();
    plan.members
        .iter()
        .map(|m| SamplingPlan::new(&m.scenario, runs, seed).for_member(&m.name, &shared))
        .collect()
}

fn members<'p>(plan: &'p PortfolioPlan, plans: &'p [SamplingPlan]) -> Vec<Member<'p>> {
    plan.members
        .iter()
        .zip(plans)
        .map(|(m, p)| Member {
            name: &m.name,
            plan: p,
            options: m.scenario.options,
            timing: Timing {
                earliest_day: m.earliest_day(plan.start),
                after: m.after.clone(),
                gap_days: m.gap_days,
            },
        })
        .collect()
}

/// The months the portfolio's spend is laid out in, with a start date: those the first
/// chunk's draws pay in, but for a thousandth at either end.
fn periods(plan: &PortfolioPlan, members: &[Member]) -> Result<Option<Periods>, Error> {
    let Some(start) = plan.start else {
        return Ok(None);
    };
    let (from, to) = simulate::first_chunk_span(members)?;
    Periods::covering(start, from, to).map(Some).ok_or_else(|| {
        Error::Runtime(format!(
            "the runs of {} pay between {from:.0} and {to:.0} days from {start}, beyond the \
             calendar's years 1 to 9999: give [portfolio] start a nearer date or check the \
             runs' days",
            plan.path.display()
        ))
    })
}

/// Peak bytes of `portfolio` for `opts`, as it checks before drawing.
pub fn peak_bytes(opts: &PortfolioOptions) -> Result<u64, Error> {
    let plan = PortfolioPlan::load(&opts.plan)?;
    let goals = resolve(&plan, opts)?;
    let (runs, seed) = runs_and_seed(&plan, opts);
    let plans = sampling_plans(&plan, runs, seed);
    let periods = periods(&plan, &members(&plan, &plans))?;
    Ok(peak_bytes_for(
        runs,
        &plan,
        goals.year.is_some(),
        periods.as_ref(),
        opts.samples_csv.is_some(),
    ))
}

/// The draws are reduced as they come ([`crate::memory::streamed`]): four figures per run
/// (five with a budget year), the portfolio's two (three), and its spend by period; then the
/// risk pass, a few sums per batch and per pair of runs in each chunk's state. The samples
/// file, its draw numbers and figures without the spend by period, comes after.
fn peak_bytes_for(
    runs: u64,
    plan: &PortfolioPlan,
    year: bool,
    periods: Option<&Periods>,
    samples: bool,
) -> u64 {
    let k = plan.members.len() as u64;
    let per_run = if year { 5 } else { 4 };
    let figures = k * per_run + 2 + u64::from(year);
    let spend = periods.map_or(0, |p| 2 + 2 * p.len() as u64 + p.quarters().len() as u64);
    let columns = figures + spend;
    // Per batch 5 sums and 3 vectors of k; per run a sum, a row of k products and a count;
    // the centres (2 vectors of k); each vector's allocation as the allocator takes it.
    let vector = crate::memory::heap(8 * k) + 24;
    let batches = risk::BATCHES as u64 * (5 * 8 + 3 * vector);
    let risk = batches + (k + 5) * vector + 256;
    let stream = crate::memory::streamed(runs, columns, &BAND, 1)
        .saturating_add(crate::memory::pass_states(runs, risk));
    let text = if samples {
        crate::memory::samples_text(runs, 1 + figures)
    } else {
        0
    };
    stream.max(text)
}

fn resolve(plan: &PortfolioPlan, opts: &PortfolioOptions) -> Result<Resolved, Error> {
    let file = plan.path.display();
    let need_start = |what: String| {
        Error::Runtime(format!(
            "{what} needs a start date to count from, and {file} gives none: add start = \
             2027-01-04 to its [portfolio] (the first day any run may start)"
        ))
    };
    let year = match opts.budget_year.or(plan.budget_year) {
        None => None,
        Some(y) => {
            let start = plan
                .start
                .ok_or_else(|| need_start(format!("a budget year ({y})")))?;
            let first = Date::new(i64::from(y), 1, 1).expect("a year from 1 to 9999");
            let next = first.add_months(12);
            Some((
                y,
                first.days_since(start) as f64,
                next.days_since(start) as f64,
            ))
        }
    };
    let deadline = match (opts.goals.deadline_days, opts.goals.deadline_date) {
        (Some(d), _) => Some(Deadline::Days(d)),
        (_, Some(d)) => Some(Deadline::Date(d)),
        _ => plan.deadline,
    };
    let deadline = match deadline {
        None => None,
        Some(d) => {
            let days = d
                .days(plan.start)
                .ok_or_else(|| need_start("a deadline given as a date".into()))?;
            if days <= 0.0 {
                return Err(Error::Runtime(format!(
                    "the deadline comes before day 0 of {file} ({}): no run can end by it",
                    plan.start.map(|s| s.to_string()).unwrap_or_default()
                )));
            }
            Some((days, d.date()))
        }
    };
    if year.is_some() && opts.goals.budget_usd.or(plan.budget_usd).is_none() {
        return Err(Error::Runtime(format!(
            "a budget year is given for {file} without a budget: give --budget (or budget_usd \
             in its [portfolio])"
        )));
    }
    Ok(Resolved {
        budget_usd: opts.goals.budget_usd.or(plan.budget_usd),
        year,
        deadline,
    })
}

/// The report, from the draws reduced as they come, then a pass for the risk shares.
fn summarise(
    plan: &PortfolioPlan,
    goals: &Resolved,
    source: &Portfolio,
    periods: Option<&Periods>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<PortfolioReport, Error> {
    let at = &source.layout;
    let year = goals.year.is_some();
    // The figure the budget is about: the spend in its year, or the total cost.
    let budgeted = at.portfolio(if year { 2 } else { 0 });
    let part = |m: usize| at.run(m, if year { 4 } else { 1 });
    let mut events: Vec<Event> = Vec::new();
    let mut event = |test: Test| {
        events.push(vec![test]);
        events.len() - 1
    };
    let all_done = goals
        .deadline
        .map(|(days, _)| event(Test::AtMost(at.portfolio(1), days)));
    let run_done: Vec<Option<(f64, usize)>> = (0..plan.members.len())
        .map(|m| {
            let deadline = plan.members[m].deadline?;
            let days = deadline
                .days(plan.start)
                .expect("checked when the plan was read");
            Some((days, event(Test::AtMost(at.run(m, 3), days))))
        })
        .collect();
    let within = goals
        .budget_usd
        .map(|usd| event(Test::AtMost(budgeted, usd)));
    let month_ends: Vec<usize> = periods.map_or(Vec::new(), |p| {
        p.edges[1..]
            .iter()
            .map(|&e| event(Test::AtMost(at.portfolio(1), e)))
            .collect()
    });
    let mut s = stream(source, progress, &BAND, &events, Tuning::default());
    s.ensure_finite()?;
    let draws = s.runs();
    let total_cost_usd = s.summary(at.portfolio(0), &BAND);
    let year_spend = goals
        .year
        .map(|(y, _, _)| (y, s.summary(at.portfolio(2), &BAND)));
    // The draws over budget, unless none or all are: the worst 5% then.
    let tail = match (goals.budget_usd, within.map(|k| s.chance(k).hits)) {
        (Some(usd), Some(hits)) if hits > 0 && hits < draws => Tail::OverBudget { usd },
        _ => {
            let figure = year_spend.as_ref().map_or(&total_cost_usd, |(_, s)| s);
            Tail::Worst5 {
                usd: portfolio::band(figure)[2].value,
            }
        }
    };
    let threshold = match tail {
        Tail::OverBudget { usd } | Tail::Worst5 { usd } => usd,
    };
    let k = plan.members.len();
    let centres = risk::Centres {
        parts: (0..k).map(|m| s.mean(part(m))).collect(),
        total: s.mean(budgeted),
        costs: (0..k).map(|m| s.mean(at.run(m, 1))).collect(),
    };
    let empty = risk::RiskSums::new(centres, threshold, draws);
    let mut sums = empty.clone();
    s.again(
        || empty.clone(),
        |r, c| {
            let column = |i: usize| c.values[i];
            let parts: Vec<&[f64]> = (0..k).map(|m| column(part(m))).collect();
            let costs: Vec<&[f64]> = (0..k).map(|m| column(at.run(m, 1))).collect();
            let finishes: Vec<&[f64]> = (0..k).map(|m| column(at.run(m, 3))).collect();
            r.add(&risk::Block {
                first: c.first,
                parts: &parts,
                total: column(budgeted),
                costs: &costs,
                finishes: &finishes,
                finish: column(at.portfolio(1)),
            });
        },
        |r| sums.merge(&r),
    );
    let (variance, tails) = (sums.variance_shares(), sums.tail_shares());
    let mut chances = Vec::new();
    if let (Some((days, date)), Some(k)) = (goals.deadline, all_done) {
        chances.push(Chance {
            what: ChanceOf::AllDone { days, date },
            p: s.chance(k),
        });
    }
    let mut runs_figures = Vec::new();
    for (m, member) in plan.members.iter().enumerate() {
        if let Some((days, k)) = run_done[m] {
            let what = ChanceOf::RunDone {
                run: member.name.clone(),
                days,
                date: member.deadline.and_then(|d| d.date()),
            };
            chances.push(Chance {
                what,
                p: s.chance(k),
            });
        }
        let mut summary = |f: usize| s.summary(at.run(m, f), &BAND);
        runs_figures.push(RunFigures {
            name: member.name.clone(),
            file: member.scenario.path.display().to_string(),
            after: member
                .after
                .iter()
                .map(|&a| plan.members[a].name.clone())
                .collect(),
            gap_days: member.gap_days,
            earliest: member.earliest,
            train_days: summary(0),
            total_cost_usd: summary(1),
            start_day: summary(2),
            finish_day: summary(3),
            year_spend_usd: year.then(|| summary(4)),
            variance_share: variance[m],
            tail_share: tails.as_ref().map(|t| t[m]),
            finishes_last: Probability::from_count(sums.finishes_last()[m], draws),
        });
    }
    if let (Some(usd), Some(k)) = (goals.budget_usd, within) {
        let year = goals.year.map(|(y, _, _)| y);
        chances.push(Chance {
            what: ChanceOf::Budget { usd, year },
            p: s.chance(k),
        });
    }
    let finish_day = s.summary(at.portfolio(1), &BAND);
    let when = periods.map(|p| {
        let finished = month_ends.iter().map(|&k| s.chance(k)).collect();
        let spend = at.spend.expect("laid out with the months");
        When::streamed(&mut s, spend, p, &finish_day, finished)
    });
    Ok(PortfolioReport {
        name: plan.name.clone(),
        file: plan.path.display().to_string(),
        draws,
        seed: s.seed(),
        start: plan.start,
        shared: plan
            .shared
            .iter()
            .map(|s| SharedInput {
                key: s.input.key(),
                written: s.written.clone(),
            })
            .collect(),
        runs: runs_figures,
        total_cost_usd,
        finish_day,
        year_spend,
        chances,
        tail,
        cost_correlations: sums.correlations(),
        when,
    })
}
