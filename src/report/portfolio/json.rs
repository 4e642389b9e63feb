//! The portfolio as JSON: every figure with its 95% interval, days counted from day 0 (and
//! dates beside them when the plan has a start).

use serde::Serialize;

use super::{ChanceOf, PortfolioReport, Tail, band};
use crate::calendar::Date;
use crate::report::{Exporter, JsonExporter, SCHEMA_VERSION, json_bytes};
use crate::stats::{Estimate, Probability, Summary};

#[derive(Serialize)]
struct PortfolioJson<'a> {
    schema_version: u32,
    flopcast_version: &'static str,
    portfolio: &'a str,
    file: &'a str,
    draws: u64,
    seed: u64,
    start: Option<String>,
    shared: Vec<SharedJson<'a>>,
    runs: Vec<RunJson<'a>>,
    total_cost_usd: BandJson,
    finish_day: BandJson,
    finish_date: Option<[String; 3]>,
    budget_year: Option<i32>,
    year_spend_usd: Option<BandJson>,
    chances: Vec<ChanceJson>,
    tail: TailJson,
    cost_correlations: &'a [Vec<f64>],
    /// The portfolio's spend by month and quarter, as `run --json` gives a run's.
    when: Option<&'a crate::report::run::when::When>,
}

#[derive(Serialize)]
struct SharedJson<'a> {
    input: &'static str,
    /// The value every run is given; null when each run keeps its own distribution.
    value: Option<&'a str>,
}

#[derive(Serialize)]
struct RunJson<'a> {
    name: &'a str,
    scenario: &'a str,
    after: &'a [String],
    gap_days: f64,
    earliest_start: Option<String>,
    train_days: BandJson,
    total_cost_usd: BandJson,
    start_day: BandJson,
    finish_day: BandJson,
    start_date: Option<[String; 3]>,
    finish_date: Option<[String; 3]>,
    year_spend_usd: Option<BandJson>,
    variance_share: Estimate,
    tail_share: Option<Estimate>,
    finishes_last: Probability,
}

#[derive(Serialize)]
struct BandJson {
    p5: Estimate,
    p50: Estimate,
    p95: Estimate,
    mean: Estimate,
}

#[derive(Serialize)]
struct ChanceJson {
    kind: &'static str,
    label: String,
    run: Option<String>,
    limit_days: Option<f64>,
    limit_date: Option<String>,
    limit_usd: Option<f64>,
    year: Option<i32>,
    #[serde(flatten)]
    p: Probability,
}

#[derive(Serialize)]
struct TailJson {
    /// over_budget or worst_5_percent
    kind: &'static str,
    threshold_usd: f64,
}

fn band_json(s: &Summary) -> BandJson {
    let [p5, p50, p95] = band(s);
    BandJson {
        p5,
        p50,
        p95,
        mean: s.mean,
    }
}

fn dates(start: Option<Date>, s: &Summary) -> Option<[String; 3]> {
    start.map(|d| band(s).map(|e| crate::report::run::when::date_after(d, e.value)))
}

fn chance_json(c: &super::Chance) -> ChanceJson {
    let mut j = ChanceJson {
        kind: c.what.kind(),
        label: c.what.label(),
        run: None,
        limit_days: None,
        limit_date: None,
        limit_usd: None,
        year: None,
        p: c.p,
    };
    match &c.what {
        ChanceOf::AllDone { days, date } => {
            j.limit_days = Some(*days);
            j.limit_date = date.map(|d| d.to_string());
        }
        ChanceOf::RunDone { run, days, date } => {
            j.run = Some(run.clone());
            j.limit_days = Some(*days);
            j.limit_date = date.map(|d| d.to_string());
        }
        ChanceOf::Budget { usd, year } => {
            j.limit_usd = Some(*usd);
            j.year = *year;
        }
    }
    j
}

impl Exporter<PortfolioReport> for JsonExporter {
    fn export(&self, r: &PortfolioReport) -> std::io::Result<Vec<u8>> {
        let runs = r
            .runs
            .iter()
            .map(|run| RunJson {
                name: &run.name,
                scenario: &run.file,
                after: &run.after,
                gap_days: run.gap_days,
                earliest_start: run.earliest.map(|d| d.to_string()),
                train_days: band_json(&run.train_days),
                total_cost_usd: band_json(&run.total_cost_usd),
                start_day: band_json(&run.start_day),
                finish_day: band_json(&run.finish_day),
                start_date: dates(r.start, &run.start_day),
                finish_date: dates(r.start, &run.finish_day),
                year_spend_usd: run.year_spend_usd.as_ref().map(band_json),
                variance_share: run.variance_share,
                tail_share: run.tail_share,
                finishes_last: run.finishes_last,
            })
            .collect();
        let tail = match r.tail {
            Tail::OverBudget { usd } => TailJson {
                kind: "over_budget",
                threshold_usd: usd,
            },
            Tail::Worst5 { usd } => TailJson {
                kind: "worst_5_percent",
                threshold_usd: usd,
            },
        };
        json_bytes(&PortfolioJson {
            schema_version: SCHEMA_VERSION,
            flopcast_version: env!("CARGO_PKG_VERSION"),
            portfolio: &r.name,
            file: &r.file,
            draws: r.draws,
            seed: r.seed,
            start: r.start.map(|d| d.to_string()),
            shared: r
                .shared
                .iter()
                .map(|s| SharedJson {
                    input: s.key,
                    value: s.written.as_deref(),
                })
                .collect(),
            runs,
            total_cost_usd: band_json(&r.total_cost_usd),
            finish_day: band_json(&r.finish_day),
            finish_date: dates(r.start, &r.finish_day),
            budget_year: r.year_spend.as_ref().map(|(y, _)| *y),
            year_spend_usd: r.year_spend.as_ref().map(|(_, s)| band_json(s)),
            chances: r.chances.iter().map(chance_json).collect(),
            tail,
            cost_correlations: &r.cost_correlations,
            when: r.when.as_ref(),
        })
    }
}
