//! The re-forecast of a run in flight: what the run has shown, and the plan's bands beside the
//! new ones. `text.rs` is the terminal and `--markdown`, `json.rs` and `csv.rs` the files.

mod csv;
mod json;
mod text;

use crate::analyze::reforecast::{Weighted, narrowing};
use crate::calendar::Date;
use crate::format::Unit;
use crate::model::{Input, Metric};
use crate::stats::{Estimate, Summary};

/// P5, P50 and P95: the band every figure shows.
pub const BAND: [f64; 3] = [5.0, 50.0, 95.0];

pub struct UpdateReport {
    pub scenario: String,
    pub file: String,
    pub runs: u64,
    pub seed: u64,
    pub observed: Observed,
    pub start: Option<Date>,
    /// Runs of the plan that could have produced the observation.
    pub consistent_runs: u64,
    /// What the weighted runs are worth in independent ones.
    pub effective_runs: f64,
    /// No failure process: a run keeps the pace it has shown.
    pub steady: bool,
    /// Inputs the observation teaches about, before and after.
    pub shown: Vec<Shown>,
    pub figures: Vec<Figure>,
    /// The finish date's band, with a start date.
    pub finish: Option<Band<String>>,
    /// How much narrower the 90% bands of train_days and total_cost_usd became.
    pub narrowed: [Option<f64>; 2],
    pub chances: Vec<Chance>,
    pub flags: Vec<Flag>,
}

/// What has been seen of the run.
pub struct Observed {
    pub elapsed_days: f64,
    pub tokens_done: f64,
    /// Of the scenario's tokens, when they are a fixed number.
    pub tokens_share: Option<f64>,
    pub interruptions: Option<u64>,
    pub spent_usd: Option<f64>,
}

/// A band as planned and as re-forecast, P5, P50, P95.
pub struct Band<T> {
    pub plan: [T; 3],
    pub now: [T; 3],
}

/// An input, as the plan drew it and as the runs that fit the observation have it.
pub struct Shown {
    pub input: Input,
    pub plan: [f64; 3],
    pub now: [Estimate; 3],
}

impl Shown {
    pub fn new(input: Input, plan: &Summary, now: &Weighted) -> Self {
        Shown {
            input,
            plan: values(plan),
            now: BAND.map(|p| now.percentile(p)),
        }
    }
}

/// One output: its band in the plan (None where the plan has no such figure) and now.
pub struct Figure {
    pub name: &'static str,
    pub unit: Unit,
    pub plan: Option<[f64; 3]>,
    pub now: [Estimate; 3],
    pub mean: Estimate,
    /// How much narrower the 90% band is than the plan's.
    pub narrower_by: Option<f64>,
}

impl Figure {
    pub fn new(name: &'static str, unit: Unit, plan: Option<&Summary>, now: &Weighted) -> Self {
        let plan = plan.map(values);
        let now_band = BAND.map(|p| now.percentile(p));
        Figure {
            name,
            unit,
            narrower_by: plan
                .and_then(|p| narrowing((p[0], p[2]), (now_band[0].value, now_band[2].value))),
            plan,
            now: now_band,
            mean: now.mean(),
        }
    }
}

/// A summary's P5, P50 and P95.
pub fn values(s: &Summary) -> [f64; 3] {
    BAND.map(|p| {
        s.percentiles
            .iter()
            .find(|x| x.percent == p)
            .map_or(f64::NAN, |x| x.estimate.value)
    })
}

/// P(metric ≤ limit), planned and now.
pub struct Chance {
    pub metric: Metric,
    pub limit: f64,
    /// The deadline as the date training must end by, when given as one.
    pub by_date: Option<Date>,
    pub plan: Estimate,
    pub now: Estimate,
}

/// Something the plan all but ruled out, or a re-forecast resting on few runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Flag {
    /// P(tokens done ≥ those observed) under the plan is below the surprise level.
    PaceFast {
        p: f64,
    },
    /// P(tokens done ≤ those observed) under the plan is below the surprise level.
    PaceSlow {
        p: f64,
    },
    FewerInterruptions {
        k: u64,
        p: f64,
        input: Input,
    },
    MoreInterruptions {
        k: u64,
        p: f64,
        input: Input,
    },
    /// The spend given lies more than `tolerance` (a share) outside the runs' spend to date
    /// (P0.5–P99.5: lo to hi).
    Spent {
        usd: f64,
        lo: f64,
        hi: f64,
        tolerance: f64,
    },
    FewRuns {
        effective: f64,
        runs: u64,
    },
}

impl Flag {
    /// A short name for files.
    pub fn kind(&self) -> &'static str {
        match self {
            Flag::PaceFast { .. } => "pace_faster_than_plan",
            Flag::PaceSlow { .. } => "pace_slower_than_plan",
            Flag::FewerInterruptions { .. } => "fewer_interruptions_than_plan",
            Flag::MoreInterruptions { .. } => "more_interruptions_than_plan",
            Flag::Spent { .. } => "spend_outside_plan",
            Flag::FewRuns { .. } => "few_effective_runs",
        }
    }
}

impl Chance {
    /// "P(total_cost_usd <= $110.0M)", "P(train_days <= 80.00)", "P(training ends by 2027-06-30)".
    pub fn label(&self) -> String {
        match self.by_date {
            Some(date) => format!("P(training ends by {date})"),
            None => format!(
                "P({} <= {})",
                self.metric.name(),
                crate::format::human(self.metric.unit(), self.limit)
            ),
        }
    }
}
