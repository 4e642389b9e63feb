//! The sweep report: the bands of every output at each point, as a table and as CSV laid out for
//! a spreadsheet chart (one row per point, one column per statistic).

use std::io;

use super::document::{AsDocument, Document};

use serde::Serialize;

use super::{
    Cell, CsvExporter, CsvSheet, Exporter, JsonExporter, RunReport, SCHEMA_VERSION,
    group_thousands, human, percentile_column,
};
use crate::model::{Input, Metric};
use crate::units;

#[derive(Debug, Clone)]
pub struct SweepReport {
    pub scenario_name: String,
    pub scenario_file: String,
    pub keys: Vec<Input>,
    pub runs: u64,
    pub seed: u64,
    pub percentiles: Vec<f64>,
    pub points: Vec<SweepPoint>,
}

#[derive(Debug, Clone)]
pub struct SweepPoint {
    /// The swept values as written, one per key.
    pub values: Vec<String>,
    pub report: RunReport,
}

/// The metrics the terminal table shows; files carry every metric.
const SHOWN: [Metric; 2] = [Metric::TrainDays, Metric::TotalCostUsd];

fn sweep_document(r: &SweepReport) -> Document {
    let mut out = Document::new(format!(
        "{}: sweep of {}\n{} runs per point on common random numbers, seed {}\n\n",
        super::printable(&r.scenario_name),
        r.keys
            .iter()
            .map(|k| k.key())
            .collect::<Vec<_>>()
            .join(" × "),
        group_thousands(r.runs),
        r.seed
    ));
    let shown_p: Vec<f64> = [5.0, 50.0, 95.0]
        .into_iter()
        .filter(|p| r.percentiles.contains(p))
        .collect();
    let shown_p = if shown_p.is_empty() {
        r.percentiles.clone()
    } else {
        shown_p
    };
    let mut header: Vec<String> = r.keys.iter().map(|k| k.key().to_string()).collect();
    for m in SHOWN {
        for p in &shown_p {
            header.push(format!("{} P{p}", short(m)));
        }
    }
    let first = &r.points[0].report;
    let goal_columns = [
        first.budget.is_some(),
        first.deadline.is_some(),
        first.joint.is_some(),
    ];
    for (present, name) in goal_columns
        .iter()
        .zip(["P(budget)", "P(deadline)", "P(both)"])
    {
        if *present {
            header.push(name.to_string());
        }
    }
    let mut rows = vec![header];
    for point in &r.points {
        let mut row: Vec<String> = point.values.iter().map(|v| super::printable(v)).collect();
        for m in SHOWN {
            let s = point.report.summary(m);
            for p in &shown_p {
                let v = s
                    .percentiles
                    .iter()
                    .find(|x| x.percent == *p)
                    .map_or(f64::NAN, |x| x.estimate.value);
                row.push(human(m.unit(), v));
            }
        }
        let rep = &point.report;
        let chances = [
            rep.budget.map(|t| t.chance.estimate.value),
            rep.deadline.map(|t| t.chance.estimate.value),
            rep.joint.map(|j| j.estimate.value),
        ];
        row.extend(
            chances
                .iter()
                .flatten()
                .map(|p| format!("{:.1}%", 100.0 * p)),
        );
        rows.push(row);
    }
    out.table(rows);
    if let Some(b) = first.budget {
        out.push_str(&format!(
            "\nP(budget): P(total_cost_usd <= {})",
            human(Metric::TotalCostUsd.unit(), b.limit)
        ));
    }
    if let Some(d) = first.deadline {
        out.push_str(&format!(
            "\nP(deadline): P(train_days <= {})",
            units::general(d.limit)
        ));
    }
    if first.budget.is_some() || first.deadline.is_some() {
        out.push('\n');
    }
    out
}

/// The terminal view.
pub fn render_sweep(r: &SweepReport) -> String {
    sweep_document(r).to_text()
}

impl AsDocument for SweepReport {
    fn document(&self) -> Document {
        sweep_document(self)
    }
}

/// A fan chart of every output over the swept points, by file name.
pub fn fan_charts(r: &SweepReport) -> Vec<(String, String)> {
    let labels: Vec<String> = r.points.iter().map(|p| p.values.join(" × ")).collect();
    let keys = r
        .keys
        .iter()
        .map(|k| k.key())
        .collect::<Vec<_>>()
        .join(" × ");
    r.points[0]
        .report
        .metrics
        .iter()
        .map(|(m, _)| {
            let bands: Vec<Vec<(f64, f64)>> = r
                .points
                .iter()
                .map(|p| {
                    p.report
                        .summary(*m)
                        .percentiles
                        .iter()
                        .map(|q| (q.percent, q.estimate.value))
                        .collect()
                })
                .collect();
            let title = format!("{}: {} over {keys}", r.scenario_name, m.name());
            (
                fan_file(*m),
                crate::chart::fan_svg(&title, &keys, &labels, &bands, *m),
            )
        })
        .collect()
}

/// The file name of the fan chart of `m`.
pub fn fan_file(m: Metric) -> String {
    format!("{}_fan.svg", m.name())
}

fn short(m: Metric) -> &'static str {
    match m {
        Metric::TrainDays => "days",
        Metric::TotalCostUsd => "total $",
        _ => m.name(),
    }
}

impl Exporter<SweepReport> for CsvExporter {
    fn export(&self, r: &SweepReport) -> io::Result<Vec<u8>> {
        let mut header: Vec<String> = r.keys.iter().map(|k| k.key().to_string()).collect();
        let metrics: Vec<Metric> = r.points[0].report.metrics.iter().map(|(m, _)| *m).collect();
        for &m in &metrics {
            header.push(format!("{}_mean", m.name()));
            header.push(format!("{}_sd", m.name()));
            for p in &r.percentiles {
                header.push(format!("{}_{}", m.name(), percentile_column(*p)));
            }
        }
        let first = &r.points[0].report;
        let goals = [
            (first.budget.is_some(), "p_within_budget"),
            (first.deadline.is_some(), "p_within_deadline"),
            (first.joint.is_some(), "p_within_both"),
        ];
        header.extend(goals.iter().filter(|g| g.0).map(|g| g.1.to_string()));
        let mut w = CsvSheet::in_memory();
        w.header(&header)?;
        for point in &r.points {
            let mut row: Vec<Cell> = point.values.iter().map(Cell::text).collect();
            for &m in &metrics {
                let s = point.report.summary(m);
                row.push(Cell::Number(s.mean.value));
                row.push(Cell::Number(s.sd));
                row.extend(s.percentiles.iter().map(|p| Cell::Number(p.estimate.value)));
            }
            let rep = &point.report;
            let chances = [
                rep.budget.map(|t| t.chance.estimate.value),
                rep.deadline.map(|t| t.chance.estimate.value),
                rep.joint.map(|j| j.estimate.value),
            ];
            row.extend(chances.iter().flatten().map(|&p| Cell::Number(p)));
            w.row(&row)?;
        }
        w.into_bytes()
    }
}

#[derive(Serialize)]
struct SweepJson<'a> {
    schema_version: u32,
    flopcast_version: &'static str,
    scenario: super::json::ScenarioRef<'a>,
    keys: Vec<&'static str>,
    seed: u64,
    runs: u64,
    points: PointsJson<'a>,
}

/// The points, each turned into JSON only while it is written: one point's document tree in
/// memory at a time, however many points the sweep has.
struct PointsJson<'a>(&'a [SweepPoint]);

impl Serialize for PointsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|p| PointJson {
            values: &p.values,
            report: super::json::run_json(&p.report),
        }))
    }
}

#[derive(Serialize)]
struct PointJson<'a> {
    values: &'a [String],
    report: super::json::RunJson<'a>,
}

impl Exporter<SweepReport> for JsonExporter {
    fn export(&self, r: &SweepReport) -> io::Result<Vec<u8>> {
        let doc = SweepJson {
            schema_version: SCHEMA_VERSION,
            flopcast_version: env!("CARGO_PKG_VERSION"),
            scenario: super::json::ScenarioRef {
                name: &r.scenario_name,
                file: &r.scenario_file,
            },
            keys: r.keys.iter().map(|k| k.key()).collect(),
            seed: r.seed,
            runs: r.runs,
            points: PointsJson(&r.points),
        };
        super::json::to_bytes(&doc)
    }
}
