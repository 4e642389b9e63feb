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
use crate::report::run::when::{SPEND_PERCENTILES, SpendCsvExporter, SpendFigure, When};
use crate::report::{AsDocument, Goals};
use crate::sample::SamplingPlan;
use crate::scenario::portfolio::{Deadline, PortfolioPlan};
use crate::simulate::portfolio::{self as simulate, Calendar, Draws, Member};
use crate::stats::{self, Probability};

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
    let peak = |r| peak_bytes_for(r, &plan, goals.year.is_some(), periods.as_ref());
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
    let progress = Progress::new(runs, opts.progress, "draws");
    let draws = super::with_threads(opts.sampling.threads, || {
        simulate::draw(&members, &calendar, &|n| progress.advance(n))
    })??;
    progress.finish();
    let mut report = summarise(&plan, &goals, runs, seed, &draws)?;
    report.when = periods
        .as_ref()
        .map(|p| when(p, &draws, &report.finish_day));
    exports.write(&mut outputs, &report)?;
    if let Some(path) = &opts.samples_csv {
        let names: Vec<String> = plan.members.iter().map(|m| m.name.clone()).collect();
        outputs.write_with(path, |w| portfolio::write_samples(w, &names, &draws))?;
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
    ))
}

/// Every draw's figures: four per run (five with a budget year), the portfolio's two (three),
/// and its spend in every month and before and after them (see [`crate::memory::portfolio`]).
fn peak_bytes_for(runs: u64, plan: &PortfolioPlan, year: bool, periods: Option<&Periods>) -> u64 {
    let per_run = if year { 5 } else { 4 };
    let members = plan.members.len() as u64;
    // Before, each month, after; and the running column of what has been paid.
    let months = periods.map_or(0, |p| p.len() as u64 + 3);
    crate::memory::portfolio(runs, members * per_run + 2 + u64::from(year) + months)
}

/// The portfolio's spend by month and quarter, what it has paid by each month's end, and the
/// chance that every run has ended by then.
fn when(periods: &Periods, draws: &Draws, finish_day: &stats::Summary) -> When {
    let columns = draws
        .period_spend_usd
        .as_ref()
        .expect("drawn with the months");
    let summary = |c: &[f64]| stats::summarize(c, &SPEND_PERCENTILES);
    // What has been paid by each month's end, one running column.
    let mut paid = columns[0].clone();
    let paid_by: Vec<stats::Summary> = columns[1..=periods.len()]
        .iter()
        .map(|month| {
            paid.iter_mut().zip(month).for_each(|(p, m)| *p += m);
            summary(&paid)
        })
        .collect();
    drop(paid);
    let quarter = |q: usize| {
        let first = 1 + periods.quarters()[q].first;
        let months = &columns[first..first + 3];
        let sums: Vec<f64> = (0..months[0].len())
            .map(|i| months.iter().map(|m| m[i]).sum())
            .collect();
        summary(&sums)
    };
    let finished = periods.edges[1..]
        .iter()
        .map(|&e| {
            let hits = draws.finish_day.iter().filter(|d| **d <= e).count() as u64;
            Probability::from_count(hits, draws.finish_day.len() as u64)
        })
        .collect();
    let figure = |f: SpendFigure| match f {
        SpendFigure::Before => summary(&columns[0]),
        SpendFigure::Month(k) => summary(&columns[k + 1]),
        SpendFigure::After => summary(&columns[periods.len() + 1]),
        SpendFigure::Quarter(q) => quarter(q),
        SpendFigure::PaidBy(k) => paid_by[k].clone(),
    };
    When::build(periods, figure, finish_day, finished)
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

fn summarise(
    plan: &PortfolioPlan,
    goals: &Resolved,
    runs: u64,
    seed: u64,
    draws: &Draws,
) -> Result<PortfolioReport, Error> {
    let year_spend = goals
        .year
        .zip(draws.year_spend_usd.as_ref())
        .map(|((y, _, _), s)| (y, stats::summarize(s, &BAND)));
    // The figure the budget is about: the spend in its year, or the total cost.
    let budgeted = draws
        .year_spend_usd
        .as_ref()
        .unwrap_or(&draws.total_cost_usd);
    let parts: Vec<&[f64]> = draws
        .members
        .iter()
        .map(|m| m.year_spend_usd.as_deref().unwrap_or(&m.total_cost_usd))
        .collect();
    let total_cost_usd = stats::summarize(&draws.total_cost_usd, &BAND);
    // The draws over budget, unless none or all are: the worst 5% then.
    let over = |usd: f64| budgeted.iter().filter(|x| **x > usd).count();
    let tail = match goals.budget_usd {
        Some(usd) if over(usd) > 0 && over(usd) < budgeted.len() => Tail::OverBudget { usd },
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
    let variance = risk::variance_shares(&parts, budgeted);
    let tails = risk::tail_shares(&parts, budgeted, threshold);
    let last = finishes_last(draws);
    let mut chances = Vec::new();
    if let Some((days, date)) = goals.deadline {
        chances.push(chance(
            ChanceOf::AllDone { days, date },
            &draws.finish_day,
            days,
        ));
    }
    let runs_figures = plan
        .members
        .iter()
        .zip(&draws.members)
        .enumerate()
        .map(|(k, (m, d))| {
            if let Some(deadline) = m.deadline {
                let days = deadline
                    .days(plan.start)
                    .expect("checked when the plan was read");
                let what = ChanceOf::RunDone {
                    run: m.name.clone(),
                    days,
                    date: deadline.date(),
                };
                chances.push(chance(what, &d.finish_day, days));
            }
            RunFigures {
                name: m.name.clone(),
                file: m.scenario.path.display().to_string(),
                after: m
                    .after
                    .iter()
                    .map(|&a| plan.members[a].name.clone())
                    .collect(),
                gap_days: m.gap_days,
                earliest: m.earliest,
                train_days: stats::summarize(&d.train_days, &BAND),
                total_cost_usd: stats::summarize(&d.total_cost_usd, &BAND),
                start_day: stats::summarize(&d.start_day, &BAND),
                finish_day: stats::summarize(&d.finish_day, &BAND),
                year_spend_usd: d
                    .year_spend_usd
                    .as_ref()
                    .map(|s| stats::summarize(s, &BAND)),
                variance_share: variance[k],
                tail_share: tails.as_ref().map(|t| t[k]),
                finishes_last: Probability::from_count(last[k], runs),
            }
        })
        .collect();
    if let Some(usd) = goals.budget_usd {
        let year = goals.year.map(|(y, _, _)| y);
        chances.push(chance(ChanceOf::Budget { usd, year }, budgeted, usd));
    }
    let costs: Vec<&[f64]> = draws
        .members
        .iter()
        .map(|m| &m.total_cost_usd[..])
        .collect();
    Ok(PortfolioReport {
        name: plan.name.clone(),
        file: plan.path.display().to_string(),
        draws: runs,
        seed,
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
        finish_day: stats::summarize(&draws.finish_day, &BAND),
        year_spend,
        chances,
        tail,
        cost_correlations: risk::correlations(&costs),
        when: None,
    })
}

fn chance(what: ChanceOf, column: &[f64], limit: f64) -> Chance {
    let hits = column.iter().filter(|x| **x <= limit).count() as u64;
    Chance {
        what,
        p: Probability::from_count(hits, column.len() as u64),
    }
}

/// How many draws each run ends last in; a tie counts for every run in it.
fn finishes_last(draws: &Draws) -> Vec<u64> {
    draws
        .members
        .iter()
        .map(|m| {
            let last = m.finish_day.iter().zip(&draws.finish_day);
            last.filter(|(run, all)| run == all).count() as u64
        })
        .collect()
}
