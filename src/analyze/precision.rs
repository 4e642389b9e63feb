//! Stopping at a precision: whether the figures a run reports are as precise as asked, and how
//! many runs would make them so.
//!
//! A 95% interval's half-width shrinks as 1/√runs for every scheme (the replicates' spread for
//! stratified ones, the binomial for independent ones), so the runs a figure needs are its
//! current runs times (half-width / allowed)². The worst figure sets the next run count.

use crate::format::Unit;
use crate::model::Metric;
use crate::stats::{Estimate, Probability, Summary};

/// The outputs a target without an output names: what a training run's plan turns on.
pub const DEFAULT_METRICS: [Metric; 2] = [Metric::TotalCostUsd, Metric::TrainDays];

/// How wide a figure's 95% interval may be, each side of it.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Amount {
    /// A share of the figure's magnitude: 0.001 for 0.1%. For a chance, whose values are
    /// shares already, it is read as probability points: 0.1% is ±0.001.
    Relative(f64),
    /// In the figure's own unit (a chance's: a probability).
    Absolute(f64),
}

/// Which figures a target holds to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scope {
    /// The percentiles of [`DEFAULT_METRICS`] and every chance.
    Default,
    /// The percentiles of one output.
    Metric(Metric),
    /// Every chance.
    Chances,
}

impl Scope {
    /// As a flag names it: `total_cost_usd`, `chances`, or `default` for both defaults and
    /// the chances.
    pub fn name(self) -> &'static str {
        match self {
            Scope::Default => "default",
            Scope::Metric(m) => m.name(),
            Scope::Chances => "chances",
        }
    }
}

impl serde::Serialize for Scope {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// A precision asked for: every figure in scope within `amount`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Target {
    pub scope: Scope,
    pub amount: Amount,
}

impl Target {
    /// For people: "±0.1% on total_cost_usd, train_days and chances", "±0.5 on train_days".
    pub fn describe(&self) -> String {
        let what = match self.scope {
            Scope::Default => format!(
                "{} and chances",
                DEFAULT_METRICS.map(Metric::name).join(", ")
            ),
            Scope::Metric(m) => m.name().to_string(),
            Scope::Chances => "chances".to_string(),
        };
        let amount = match (self.amount, self.scope) {
            (Amount::Relative(r), Scope::Chances) | (Amount::Absolute(r), Scope::Chances) => {
                format!("{} points", percent(r))
            }
            (Amount::Relative(r), _) => percent(r),
            (Amount::Absolute(a), Scope::Metric(m)) => crate::format::human(m.unit(), a),
            (Amount::Absolute(a), Scope::Default) => a.to_string(),
        };
        format!("±{amount} on {what}")
    }

    fn holds_metric(&self, m: Metric) -> bool {
        match self.scope {
            Scope::Default => DEFAULT_METRICS.contains(&m),
            Scope::Metric(x) => x == m,
            Scope::Chances => false,
        }
    }

    fn holds_chances(&self) -> bool {
        matches!(self.scope, Scope::Default | Scope::Chances)
    }

    /// The half-width allowed for a figure of this value.
    fn allowed(&self, value: f64, chance: bool) -> f64 {
        match self.amount {
            Amount::Relative(r) if !chance => r * value.abs(),
            Amount::Relative(a) | Amount::Absolute(a) => a,
        }
    }
}

/// A share as the user wrote it: 0.001 → "0.1%".
fn percent(share: f64) -> String {
    let text = format!("{:.9}", share * 100.0);
    format!("{}%", text.trim_end_matches('0').trim_end_matches('.'))
}

/// One figure held to a target: what it is, its interval's half-width (infinite when it has no
/// reliable interval yet), and the half-width allowed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Judged {
    pub figure: String,
    #[serde(serialize_with = "finite_or_null")]
    pub half_width: f64,
    pub allowed: f64,
    /// The figure's unit, to show the two widths in.
    #[serde(skip)]
    pub unit: Unit,
}

fn finite_or_null<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    if x.is_finite() {
        s.serialize_f64(*x)
    } else {
        s.serialize_none()
    }
}

impl Judged {
    /// How many times the allowed half-width this one is (≤ 1: met).
    pub fn ratio(&self) -> f64 {
        if self.half_width <= self.allowed {
            // Covers an allowed and a measured 0 alike (an output that does not vary).
            return self.half_width / self.allowed.max(f64::MIN_POSITIVE);
        }
        self.half_width / self.allowed
    }
}

/// Whether every figure in scope met its target, and the one furthest from it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Verdict {
    pub met: bool,
    /// None when no figure is in scope.
    pub worst: Option<Judged>,
}

/// The summaries judged: each output's, with where it belongs ("" for a run, " of A", " at
/// cluster.gpus=8192"), which ends its figures' labels.
pub type Summaries = [(String, Metric, Summary)];

/// Holds the percentiles of `summaries` and the `chances` (each with its label) to `targets`.
pub fn judge(
    targets: &[Target],
    summaries: &Summaries,
    chances: &[(String, Probability)],
) -> Verdict {
    let mut judged = Vec::new();
    for t in targets {
        for (place, m, s) in summaries.iter().filter(|(_, m, _)| t.holds_metric(*m)) {
            for p in &s.percentiles {
                let figure = format!("P{} of {}{place}", p.percent, m.name());
                let allowed = t.allowed(p.estimate.value, false);
                judged.push(judge_one(figure, &p.estimate, allowed, m.unit()));
            }
        }
        if t.holds_chances() {
            for (label, c) in chances {
                let allowed = t.allowed(0.0, true);
                judged.push(judge_one(label.clone(), &c.estimate, allowed, Unit::Ratio));
            }
        }
    }
    let worst = judged
        .into_iter()
        .max_by(|a, b| a.ratio().total_cmp(&b.ratio()));
    Verdict {
        met: worst.as_ref().is_none_or(|w| w.ratio() <= 1.0),
        worst,
    }
}

fn judge_one(figure: String, e: &Estimate, allowed: f64, unit: Unit) -> Judged {
    let half_width = if e.reliable && e.half_width().is_finite() {
        e.half_width()
    } else {
        f64::INFINITY
    };
    Judged {
        figure,
        half_width,
        allowed,
        unit,
    }
}

/// How a run that stops at a precision got there, for its report.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Outcome {
    pub targets: Vec<Target>,
    /// Whether every figure in scope met its target at the last run count.
    pub met: bool,
    /// The figure closest to (or furthest beyond) its limit at the last run count.
    pub worst: Option<Judged>,
    /// The run counts tried, each a whole run of its own from the same seed; the last is the
    /// report's.
    pub rounds: Vec<u64>,
    /// The cap on the run count.
    pub max_runs: u64,
}

impl Outcome {
    /// Runs drawn over every round.
    pub fn drawn(&self) -> u64 {
        self.rounds.iter().sum()
    }

    /// The runs the worst figure would need to meet its target, from the square law.
    pub fn runs_needed(&self) -> Option<f64> {
        let w = self.worst.as_ref()?;
        let ratio = w.ratio();
        let runs = *self.rounds.last()? as f64;
        ratio.is_finite().then_some(runs * ratio * ratio)
    }
}

/// The first run count tried: enough for an interval between 32 replicates at P5 and P95.
pub const FIRST_RUNS: u64 = 8192;
/// Run counts tried are multiples of this.
pub const STEP_RUNS: u64 = 4096;
/// Each run count tried is at least this many times the last, so that an unlucky estimate
/// cannot make the rounds creep.
pub const LEAST_GROWTH: f64 = 1.5;
/// And at most this many: a round that falls short had fewer runs than the fewest that meet
/// the target, so the next stays within twice that. (The square law alone would overshoot
/// under qmc, whose intervals shrink faster than 1/√runs.)
pub const MOST_GROWTH: f64 = 2.0;
/// Runs beyond the estimate, so that the round after a good estimate is the last one.
const HEADROOM: f64 = 1.1;

/// The run count to try after `runs` runs gave `verdict`: the runs the worst figure needs (its
/// runs times the square of how far off it is), with headroom, kept between [`LEAST_GROWTH`]
/// and [`MOST_GROWTH`] times `runs`; a multiple of [`STEP_RUNS`], at most `max`.
pub fn next_runs(runs: u64, verdict: &Verdict, max: u64) -> u64 {
    let ratio = verdict.worst.as_ref().map_or(1.0, Judged::ratio);
    let n = runs as f64;
    let wanted = (n * ratio * ratio * HEADROOM).clamp(LEAST_GROWTH * n, MOST_GROWTH * n);
    let stepped = (wanted / STEP_RUNS as f64).ceil() * STEP_RUNS as f64;
    (stepped.min(MOST_GROWTH * n) as u64).min(max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Percentile;

    fn summary(values: &[(f64, f64, f64)]) -> Summary {
        Summary {
            n: 1000,
            mean: Estimate::normal(1.0, 0.0, true),
            sd: 1.0,
            percentiles: values
                .iter()
                .map(|&(percent, value, half)| Percentile {
                    percent,
                    estimate: Estimate::from_interval(value, value - half, value + half, true),
                    ci_coverage: 0.95,
                })
                .collect(),
        }
    }

    fn relative(r: f64) -> Vec<Target> {
        vec![Target {
            scope: Scope::Default,
            amount: Amount::Relative(r),
        }]
    }

    #[test]
    fn the_worst_figure_in_scope_decides() {
        let cost = summary(&[(5.0, 100.0, 0.05), (95.0, 200.0, 0.3)]);
        let summaries = [
            (String::new(), Metric::TotalCostUsd, cost),
            (
                " of B".into(),
                Metric::TrainDays,
                summary(&[(50.0, 80.0, 0.04)]),
            ),
            // Out of the default scope: far off, but not judged.
            (
                String::new(),
                Metric::GpuHours,
                summary(&[(50.0, 1.0, 0.5)]),
            ),
        ];
        let v = judge(&relative(0.001), &summaries, &[]);
        let worst = v.worst.unwrap();
        assert!(!v.met);
        assert_eq!(worst.figure, "P95 of total_cost_usd");
        assert!((worst.ratio() - 1.5).abs() < 1e-12);
        let v = judge(&relative(0.0016), &summaries, &[]);
        assert!(v.met, "{v:?}");
    }

    #[test]
    fn a_chance_is_held_in_probability_points() {
        let c = Probability::from_count(500, 1000);
        let chances = [("P(total_cost_usd <= $1M)".to_string(), c)];
        // Its 95% interval is about ±3.2 points.
        assert!(!judge(&relative(0.03), &[], &chances).met);
        assert!(judge(&relative(0.035), &[], &chances).met);
        let only_days = [Target {
            scope: Scope::Metric(Metric::TrainDays),
            amount: Amount::Absolute(0.5),
        }];
        assert!(judge(&only_days, &[], &chances).met, "chances out of scope");
    }

    #[test]
    fn an_unreliable_interval_is_never_met() {
        let mut s = summary(&[(5.0, 100.0, 0.0)]);
        s.percentiles[0].estimate.reliable = false;
        let v = judge(
            &relative(0.5),
            &[(" of A".into(), Metric::TrainDays, s)],
            &[],
        );
        assert_eq!(v.worst.as_ref().unwrap().figure, "P5 of train_days of A");
        assert!(!v.met);
        assert_eq!(next_runs(8192, &v, 1 << 30), 2 * 8192);
    }

    #[test]
    fn the_next_run_count_follows_the_square_law_within_bounds() {
        let v = |ratio: f64| Verdict {
            met: false,
            worst: Some(Judged {
                figure: String::new(),
                half_width: ratio,
                allowed: 1.0,
                unit: Unit::Days,
            }),
        };
        // 1.3× too wide: 1.69 × 1.1 times the runs (76,144), rounded up to a step.
        assert_eq!(next_runs(40960, &v(1.3), u64::MAX), 77_824);
        // Far off: at most twice; just short: still 1.5 times.
        assert_eq!(next_runs(40960, &v(3.0), u64::MAX), 81_920);
        assert_eq!(next_runs(40960, &v(1.01), u64::MAX), 61_440);
        assert_eq!(next_runs(40960, &v(3.0), 70_000), 70_000);
    }
}
