//! The comparison report: both scenarios' bands, the bands of B − A, and who wins how often.

use std::io;

use super::document::{AsDocument, Document};

use serde::Serialize;

use super::json::{MetricJson, RunJson, metric_json, run_json, to_bytes};
use super::{
    Cell, CsvExporter, CsvSheet, Exporter, JsonExporter, RunReport, SCHEMA_VERSION,
    group_thousands, human, percentile_column,
};
use crate::model::Metric;
use crate::stats::{Probability, Summary};

#[derive(Debug, Clone)]
pub struct CompareReport {
    pub a: RunReport,
    pub b: RunReport,
    /// Bands of B − A, run by run, for every metric.
    pub difference: Vec<(Metric, Summary)>,
    /// P(B's total cost < A's) and P(B's train days < A's), over paired runs.
    pub b_cheaper: Probability,
    pub b_faster: Probability,
    /// P(B's total cost = A's) and P(B's train days = A's): ties are neither cheaper nor dearer.
    pub same_cost: Probability,
    pub same_days: Probability,
    pub runs: u64,
    pub seed: u64,
    pub percentiles: Vec<f64>,
}

fn compare_document(r: &CompareReport) -> Document {
    let mut out = Document::new(format!(
        "A: {} ({})\nB: {} ({})\n{} runs each on common random numbers, seed {}\n\n",
        super::printable(&r.a.scenario_name),
        super::printable(&r.a.scenario_file),
        super::printable(&r.b.scenario_name),
        super::printable(&r.b.scenario_file),
        group_thousands(r.runs),
        r.seed
    ));
    let mut rows = vec![vec![
        "metric".to_string(),
        "A P50".into(),
        "B P50".into(),
        "B−A mean".into(),
        "B−A P5".into(),
        "B−A P50".into(),
        "B−A P95".into(),
    ]];
    let at = |s: &Summary, p: f64| {
        s.percentiles
            .iter()
            .find(|x| x.percent == p)
            .map(|x| x.estimate.value)
    };
    for (m, diff) in &r.difference {
        let u = m.unit();
        let cell = |v: Option<f64>| v.map_or("-".to_string(), |v| human(u, v));
        rows.push(vec![
            m.name().to_string(),
            cell(at(r.a.summary(*m), 50.0)),
            cell(at(r.b.summary(*m), 50.0)),
            signed(human(u, diff.mean.value), diff.mean.value),
            signed(cell(at(diff, 5.0)), at(diff, 5.0).unwrap_or(0.0)),
            signed(cell(at(diff, 50.0)), at(diff, 50.0).unwrap_or(0.0)),
            signed(cell(at(diff, 95.0)), at(diff, 95.0).unwrap_or(0.0)),
        ]);
    }
    out.table(rows);
    let with_ties = |p: Probability, same: Probability| {
        if same.hits == same.n {
            "none: identical in every run".to_string()
        } else if same.hits > 0 {
            format!(
                "{}; equal in {:.2}% of runs",
                super::table::describe_chance(&p),
                100.0 * same.estimate.value
            )
        } else {
            super::table::describe_chance(&p)
        }
    };
    out.push_str(&format!(
        "\nP(B cheaper than A) = {}   (total_cost_usd, run by run)\nP(B faster than A)  = {}   (train_days, run by run)\n",
        with_ties(r.b_cheaper, r.same_cost),
        with_ties(r.b_faster, r.same_days)
    ));
    for (label, report) in [("A", &r.a), ("B", &r.b)] {
        let lines = super::table::goal_lines(report);
        if !lines.is_empty() {
            out.push('\n');
        }
        for line in lines {
            out.push_str(&format!("{label}: {line}\n"));
        }
    }
    out
}

/// The terminal view.
pub fn render_compare(r: &CompareReport) -> String {
    compare_document(r).to_text()
}

impl AsDocument for CompareReport {
    fn document(&self) -> Document {
        compare_document(self)
    }
}

fn signed(text: String, value: f64) -> String {
    if value > 0.0 {
        format!("+{text}")
    } else {
        text
    }
}

impl Exporter<CompareReport> for CsvExporter {
    /// One row per (metric, scenario) with scenario A, B or B-A.
    fn export(&self, r: &CompareReport) -> io::Result<Vec<u8>> {
        let mut header = vec![
            "metric".to_string(),
            "scenario".into(),
            "mean".into(),
            "sd".into(),
        ];
        header.extend(r.percentiles.iter().map(|&p| percentile_column(p)));
        let mut w = CsvSheet::in_memory();
        w.header(&header)?;
        for (m, diff) in &r.difference {
            for (label, s) in [
                ("A", r.a.summary(*m)),
                ("B", r.b.summary(*m)),
                ("B-A", diff),
            ] {
                let mut row = vec![
                    Cell::text(m.name()),
                    Cell::text(label),
                    Cell::Number(s.mean.value),
                    Cell::Number(s.sd),
                ];
                row.extend(s.percentiles.iter().map(|p| Cell::Number(p.estimate.value)));
                w.row(&row)?;
            }
        }
        w.into_bytes()
    }
}

#[derive(Serialize)]
struct CompareJson<'a> {
    schema_version: u32,
    flopcast_version: &'static str,
    seed: u64,
    runs: u64,
    a: RunJson<'a>,
    b: RunJson<'a>,
    /// B − A run by run.
    difference: Vec<MetricJson<'a>>,
    p_b_cheaper: Probability,
    p_b_faster: Probability,
}

impl Exporter<CompareReport> for JsonExporter {
    fn export(&self, r: &CompareReport) -> io::Result<Vec<u8>> {
        to_bytes(&CompareJson {
            schema_version: SCHEMA_VERSION,
            flopcast_version: env!("CARGO_PKG_VERSION"),
            seed: r.seed,
            runs: r.runs,
            a: run_json(&r.a),
            b: run_json(&r.b),
            difference: r
                .difference
                .iter()
                .map(|(m, s)| metric_json(*m, s))
                .collect(),
            p_b_cheaper: r.b_cheaper,
            p_b_faster: r.b_faster,
        })
    }
}
