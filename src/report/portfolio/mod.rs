//! A portfolio of runs: each run's timeline and cost, the portfolio's total and last finish,
//! the chances of its budget and deadlines, and how each run adds to its risk. `text.rs` is
//! the terminal and `--markdown`, `json.rs` and `csv.rs` the files, `samples.rs` one row per
//! draw.

mod csv;
mod json;
mod samples;
mod text;

pub use samples::write_samples;

use crate::calendar::Date;
use crate::report::run::when::When;
use crate::stats::{Estimate, Probability, Summary};

/// P5, P50 and P95: the band every figure shows.
pub const BAND: [f64; 3] = [5.0, 50.0, 95.0];

pub struct PortfolioReport {
    pub name: String,
    pub file: String,
    pub draws: u64,
    pub seed: u64,
    /// Day 0, when the plan gives dates.
    pub start: Option<Date>,
    pub shared: Vec<SharedInput>,
    pub runs: Vec<RunFigures>,
    pub total_cost_usd: Summary,
    /// The day the last run ends.
    pub finish_day: Summary,
    /// What the portfolio pays in the budget's year, with the year.
    pub year_spend: Option<(i32, Summary)>,
    pub chances: Vec<Chance>,
    /// What the tail shares are shares of.
    pub tail: Tail,
    /// Pearson correlation of the runs' total costs, run by run.
    pub cost_correlations: Vec<Vec<f64>>,
    /// The whole portfolio's spend by month and quarter, with a start date.
    pub when: Option<When>,
}

/// An input every run draws from the same uniforms.
pub struct SharedInput {
    pub key: &'static str,
    /// The value the plan gives every run; None when each keeps its own distribution.
    pub written: Option<String>,
}

/// One run of the portfolio.
pub struct RunFigures {
    pub name: String,
    pub file: String,
    /// The runs it waits for, and the days between.
    pub after: Vec<String>,
    pub gap_days: f64,
    /// Its earliest start, as given.
    pub earliest: Option<Date>,
    pub train_days: Summary,
    pub total_cost_usd: Summary,
    pub start_day: Summary,
    pub finish_day: Summary,
    pub year_spend_usd: Option<Summary>,
    /// Its share of the variance of the budgeted figure.
    pub variance_share: Estimate,
    /// Its share of the budgeted figure's excess in the tail; None when no draw is in it.
    pub tail_share: Option<Estimate>,
    /// P(it is the last run to end).
    pub finishes_last: Probability,
}

/// A chance the report gives.
pub struct Chance {
    pub what: ChanceOf,
    pub p: Probability,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ChanceOf {
    /// Every run ends by the deadline (days from day 0, and the date if given as one).
    AllDone { days: f64, date: Option<Date> },
    /// One run ends by its own deadline.
    RunDone {
        run: String,
        days: f64,
        date: Option<Date>,
    },
    /// The total cost, or the spend in the budget's year, is within the budget.
    Budget { usd: f64, year: Option<i32> },
}

/// Which draws the tail shares look at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tail {
    /// Draws over the budget.
    OverBudget { usd: f64 },
    /// Draws beyond the figure's own P95.
    Worst5 { usd: f64 },
}

impl ChanceOf {
    /// "P(every run done by 2027-12-31)", "P(total_cost_usd <= $150.0M)".
    pub fn label(&self) -> String {
        let by = |days: f64, date: Option<Date>| match date {
            Some(d) => d.to_string(),
            None => format!("day {}", crate::units::general(days)),
        };
        match self {
            ChanceOf::AllDone { days, date } => {
                format!("P(every run done by {})", by(*days, *date))
            }
            ChanceOf::RunDone { run, days, date } => {
                format!("P({run} done by {})", by(*days, *date))
            }
            ChanceOf::Budget { usd, year } => {
                let usd = crate::format::human(crate::format::Unit::Usd, *usd);
                match year {
                    Some(y) => format!("P(spend in {y} <= {usd})"),
                    None => format!("P(total_cost_usd <= {usd})"),
                }
            }
        }
    }

    /// A short name for files: every_run_done, run_done, within_budget.
    pub fn kind(&self) -> &'static str {
        match self {
            ChanceOf::AllDone { .. } => "every_run_done",
            ChanceOf::RunDone { .. } => "run_done",
            ChanceOf::Budget { .. } => "within_budget",
        }
    }
}

impl Tail {
    /// What the shares are shares of: "Each column sums to 100%: ...".
    pub fn describe(&self, year: Option<i32>) -> String {
        let figure = match year {
            Some(y) => format!("the spend in {y}"),
            None => "the total cost".to_string(),
        };
        let usd = |x: f64| crate::format::human(crate::format::Unit::Usd, x);
        let draws = match self {
            Tail::OverBudget { usd: b } => format!("the draws over the budget of {}", usd(*b)),
            Tail::Worst5 { usd: p } => format!("the worst 5% of draws (beyond {})", usd(*p)),
        };
        format!(
            "Each column sums to 100%: a run's share of the variance of {figure}, and of how \
             far {figure} lies above its mean in {draws}."
        )
    }
}

/// A summary's P5, P50 and P95.
pub fn band(s: &Summary) -> [Estimate; 3] {
    BAND.map(|p| {
        s.percentiles
            .iter()
            .find(|x| x.percent == p)
            .map(|x| x.estimate)
            .expect("every summary holds the band")
    })
}
