//! The re-forecast as JSON: the same figures as the terminal, each percentile with its
//! approximate 95% interval at the effective runs.

use serde::Serialize;

use super::{Figure, UpdateReport};
use crate::report::{Exporter, JsonExporter, SCHEMA_VERSION, json_bytes};
use crate::stats::Estimate;

#[derive(Serialize)]
struct UpdateJson<'a> {
    schema_version: u32,
    flopcast_version: &'static str,
    scenario: &'a str,
    file: &'a str,
    runs: u64,
    seed: u64,
    observed: ObservedJson,
    consistent_runs: u64,
    effective_runs: f64,
    steady_pace: bool,
    shown: Vec<ShownJson>,
    figures: Vec<FigureJson>,
    finish_date: Option<FinishJson<'a>>,
    narrowed: NarrowedJson,
    chances: Vec<ChanceJson>,
    flags: Vec<FlagJson>,
}

#[derive(Serialize)]
struct ObservedJson {
    elapsed_days: f64,
    tokens_done: f64,
    tokens_share: Option<f64>,
    interruptions: Option<u64>,
    spent_usd: Option<f64>,
}

#[derive(Serialize)]
struct ShownJson {
    input: &'static str,
    plan: Plan,
    now: Now,
}

#[derive(Serialize)]
struct Plan {
    p5: f64,
    p50: f64,
    p95: f64,
}

#[derive(Serialize)]
struct Now {
    p5: Estimate,
    p50: Estimate,
    p95: Estimate,
}

#[derive(Serialize)]
struct FigureJson {
    name: &'static str,
    plan: Option<Plan>,
    now: Now,
    mean: Estimate,
    narrower_by: Option<f64>,
}

#[derive(Serialize)]
struct FinishJson<'a> {
    plan: [&'a str; 3],
    now: [&'a str; 3],
}

#[derive(Serialize)]
struct NarrowedJson {
    train_days: Option<f64>,
    total_cost_usd: Option<f64>,
}

#[derive(Serialize)]
struct ChanceJson {
    metric: &'static str,
    limit: f64,
    /// The date training must end by, when the deadline was given as one.
    by_date: Option<String>,
    plan: Estimate,
    now: Estimate,
}

#[derive(Serialize)]
struct FlagJson {
    kind: &'static str,
    message: String,
}

fn plan(p: [f64; 3]) -> Plan {
    Plan {
        p5: p[0],
        p50: p[1],
        p95: p[2],
    }
}

fn now(e: [Estimate; 3]) -> Now {
    Now {
        p5: e[0],
        p50: e[1],
        p95: e[2],
    }
}

fn figure(f: &Figure) -> FigureJson {
    FigureJson {
        name: f.name,
        plan: f.plan.map(plan),
        now: now(f.now),
        mean: f.mean,
        narrower_by: f.narrower_by,
    }
}

impl Exporter<UpdateReport> for JsonExporter {
    fn export(&self, r: &UpdateReport) -> std::io::Result<Vec<u8>> {
        let o = &r.observed;
        json_bytes(&UpdateJson {
            schema_version: SCHEMA_VERSION,
            flopcast_version: env!("CARGO_PKG_VERSION"),
            scenario: &r.scenario,
            file: &r.file,
            runs: r.runs,
            seed: r.seed,
            observed: ObservedJson {
                elapsed_days: o.elapsed_days,
                tokens_done: o.tokens_done,
                tokens_share: o.tokens_share,
                interruptions: o.interruptions,
                spent_usd: o.spent_usd,
            },
            consistent_runs: r.consistent_runs,
            effective_runs: r.effective_runs,
            steady_pace: r.steady,
            shown: r
                .shown
                .iter()
                .map(|s| ShownJson {
                    input: s.input.key(),
                    plan: plan(s.plan),
                    now: now(s.now),
                })
                .collect(),
            figures: r.figures.iter().map(figure).collect(),
            finish_date: r.finish.as_ref().map(|b| FinishJson {
                plan: [0, 1, 2].map(|k| b.plan[k].as_str()),
                now: [0, 1, 2].map(|k| b.now[k].as_str()),
            }),
            narrowed: NarrowedJson {
                train_days: r.narrowed[0],
                total_cost_usd: r.narrowed[1],
            },
            chances: r
                .chances
                .iter()
                .map(|c| ChanceJson {
                    metric: c.metric.name(),
                    limit: c.limit,
                    by_date: c.by_date.map(|d| d.to_string()),
                    plan: c.plan,
                    now: c.now,
                })
                .collect(),
            flags: r
                .flags
                .iter()
                .map(|f| FlagJson {
                    kind: f.kind(),
                    message: super::text::describe(f, r),
                })
                .collect(),
        })
    }
}
