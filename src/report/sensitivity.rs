//! The sensitivity report: one row per uncertain input, ranked by total-order Sobol index,
//! shown in the terminal and exported as CSV and JSON.

use std::io;

use super::document::{AsDocument, Document};

use serde::Serialize;

use super::{
    Cell, CsvExporter, CsvSheet, Exporter, JsonExporter, SCHEMA_VERSION, group_thousands, human,
};
use crate::analyze::sobol::SobolIndex;
use crate::analyze::tail::TailMeasure;
use crate::analyze::tornado::Swing;
use crate::model::{Input, Metric};
use crate::sample::saltelli::PointSet;
use crate::stats::Estimate;
use crate::units;

#[derive(Debug, Clone)]
pub struct SensitivityReport {
    pub scenario_name: String,
    pub scenario_file: String,
    pub output: Metric,
    pub runs: u64,
    pub seed: u64,
    pub sobol_n: usize,
    pub points: PointSet,
    pub bootstrap: usize,
    /// Ranked: largest total-order index first.
    pub rows: Vec<InputSensitivity>,
    /// For every output, the input with the largest total-order index (None: constant output).
    pub leaders: Vec<(Metric, Option<(Input, f64)>)>,
    pub budget: Option<TailSummary>,
    pub deadline: Option<TailSummary>,
    /// The scenario correlates inputs: Sobol indices then treat them as independent.
    pub correlated: bool,
    /// The output with every input at its median: the tornado's centre line.
    pub base_output: f64,
}

/// The charts of a sensitivity study.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SensitivityChart {
    Tornado,
    SpearmanShare,
    Sobol,
}

impl SensitivityChart {
    pub const ALL: [SensitivityChart; 3] = [
        SensitivityChart::Tornado,
        SensitivityChart::SpearmanShare,
        SensitivityChart::Sobol,
    ];

    /// Its file in a `--plots` directory.
    pub fn file_name(self) -> &'static str {
        match self {
            SensitivityChart::Tornado => "tornado.svg",
            SensitivityChart::SpearmanShare => "spearman_sq_share.svg",
            SensitivityChart::Sobol => "sobol.svg",
        }
    }
}

/// The tornado, the squared rank correlations and the Sobol indices as SVG.
pub fn sensitivity_charts(r: &SensitivityReport) -> Vec<(SensitivityChart, String)> {
    use crate::chart::{BarSeries, Label, TornadoRow, bars_svg, tornado_svg};
    use crate::format::{Style, figure_sig};
    let labels: Vec<Label> = r.rows.iter().map(|row| Label::input(row.input)).collect();
    let output = r.output.label();
    let u = r.output.unit();
    let mut by_swing: Vec<&InputSensitivity> = r
        .rows
        .iter()
        .filter(|row| !row.tornado.at_low.is_nan())
        .collect();
    by_swing.sort_by(|a, b| b.tornado.width().total_cmp(&a.tornado.width()));
    let tornado = tornado_svg(
        &format!(
            "{}: {output} with each input at its P10 and P90",
            r.scenario_name
        ),
        &by_swing
            .iter()
            .map(|row| TornadoRow {
                label: Label::input(row.input),
                at_p10: row.tornado.at_low,
                at_p90: row.tornado.at_high,
            })
            .collect::<Vec<_>>(),
        r.base_output,
        &Label::metric(r.output),
        &|v| figure_sig(Style::of(u), v, 4),
    );
    let percent = |v: f64| figure_sig(Style::Percent, v, 3);
    let share = bars_svg(
        &format!(
            "{}: squared rank correlation with {output}, scaled to 100%",
            r.scenario_name
        ),
        &labels,
        &[BarSeries {
            name: "Spearman² share",
            id: "spearman_sq_share",
            colour: "#4a7ab8",
            spans: r
                .rows
                .iter()
                .map(|row| (0.0, row.spearman_sq_share))
                .collect(),
            intervals: None,
        }],
        &Label::plain("Spearman² share: a ranking, not a share of variance (see ST for that)"),
        &percent,
        None,
    );
    let sobol = bars_svg(
        &format!(
            "{}: share of the variance of {output} (95% intervals)",
            r.scenario_name
        ),
        &labels,
        &[
            BarSeries {
                name: "Share of variance, alone (S1)",
                id: "S1",
                colour: "#8fb3de",
                spans: r.rows.iter().map(|row| (0.0, row.sobol.s1.value)).collect(),
                intervals: (r.bootstrap > 0).then(|| {
                    r.rows
                        .iter()
                        .map(|row| (row.sobol.s1.ci95_lo, row.sobol.s1.ci95_hi))
                        .collect()
                }),
            },
            BarSeries {
                name: "Share of variance, total (ST)",
                id: "ST",
                colour: "#1f4e8c",
                spans: r.rows.iter().map(|row| (0.0, row.sobol.st.value)).collect(),
                intervals: (r.bootstrap > 0).then(|| {
                    r.rows
                        .iter()
                        .map(|row| (row.sobol.st.ci95_lo, row.sobol.st.ci95_hi))
                        .collect()
                }),
            },
        ],
        &Label::plain("Share of variance"),
        &percent,
        None,
    );
    SensitivityChart::ALL
        .into_iter()
        .zip([tornado, share, sobol])
        .collect()
}

#[derive(Debug, Clone)]
pub struct InputSensitivity {
    pub input: Input,
    pub input_p10: f64,
    pub input_p90: f64,
    pub sobol: SobolIndex,
    pub spearman: f64,
    pub spearman_sq_share: f64,
    /// The output with this input at its P10 / P90 and every other input at its median.
    pub tornado: Swing,
    /// The output's mean and median with this input held at its P10 / P90, others drawn.
    pub pinned_p10: Pinned,
    pub pinned_p90: Pinned,
    pub tail_budget: Option<TailMeasure>,
    pub tail_deadline: Option<TailMeasure>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Pinned {
    pub mean: f64,
    pub p50: f64,
}

impl Pinned {
    pub fn undefined() -> Self {
        Pinned {
            mean: f64::NAN,
            p50: f64::NAN,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TailSummary {
    pub limit: f64,
    pub p_exceed: f64,
}

fn points_name(p: PointSet) -> &'static str {
    match p {
        PointSet::Random => "random",
        PointSet::Sobol => "sobol",
    }
}

/// The terminal view: the ranked table, then the leader of every output, then the tails.
fn sensitivity_document(r: &SensitivityReport) -> Document {
    let u = r.output.unit();
    let mut out = Document::new(format!(
        "Sensitivity of {}: {}\nSobol: {} base points ({}), {} bootstrap replicates; Monte Carlo: {} runs; seed {}\n\n",
        r.output.name(),
        super::printable(&r.scenario_name),
        group_thousands(r.sobol_n as u64),
        match r.points {
            PointSet::Random => "independent random points",
            PointSet::Sobol => "Owen-scrambled Sobol points",
        },
        r.bootstrap,
        group_thousands(r.runs),
        r.seed
    ));
    let intervals = r.bootstrap > 0;
    let interval = |e: &Estimate| match (intervals, e.reliable) {
        (true, true) => format!("{:.3} [{:.3}, {:.3}]", e.value, e.ci95_lo, e.ci95_hi),
        (true, false) => format!("{:.3} [{:.3}, {:.3}]*", e.value, e.ci95_lo, e.ci95_hi),
        (false, _) => format!("{:.3}", e.value),
    };
    let bracket = if intervals { " [95%]" } else { "" };
    let mut rows = vec![vec![
        "input".to_string(),
        format!("ST (total){bracket}"),
        format!("S1 (alone){bracket}"),
        "Spearman".into(),
        "Spearman² share".into(),
        "input P10 → P90".into(),
        "output at P10 → P90".into(),
    ]];
    for row in &r.rows {
        let s = &row.sobol;
        rows.push(vec![
            row.input.key().to_string(),
            interval(&s.st),
            interval(&s.s1),
            format!("{:+.3}", row.spearman),
            format!("{:.1}%", 100.0 * row.spearman_sq_share),
            format!(
                "{} → {}",
                input_value(row.input, row.input_p10),
                input_value(row.input, row.input_p90)
            ),
            if row.tornado.at_low.is_nan() {
                "(the run's own luck)".to_string()
            } else {
                format!(
                    "{} → {}",
                    human(u, row.tornado.at_low),
                    human(u, row.tornado.at_high)
                )
            },
        ]);
    }
    out.table(rows);
    out.push_str(
        "\nST: share of the output's variance due to the input, alone or with others; S1: alone.\n\
         Spearman: rank correlation with the output. Spearman² share: its square, scaled so the\n\
         column sums to 100%: a ranking aid, not a share of variance (ST and S1 are); correlated\n\
         inputs each claim what they move together, so it counts that twice.\n\
         output at P10 → P90: the input at its P10, then its P90, every other input at its median.\n",
    );
    if intervals && r.rows.iter().any(|row| !row.sobol.st.reliable) {
        out.push_str(
            "* bootstrap intervals on independent random points cover about 91–95%, short of\n\
             95%; --points sobol (the default) gives intervals that cover at least 95%.\n",
        );
    }
    if r.correlated {
        out.push_str(
            "Note: this scenario correlates inputs. Sobol indices and the tornado treat inputs as\n\
             independent; Spearman, Spearman² share and the tail measures use the correlated runs.\n",
        );
    }
    out.push_str("\nMost influential input for each output (largest ST):\n");
    for (metric, leader) in &r.leaders {
        match leader {
            Some((input, st)) => out.push_str(&format!(
                "  {:<18} {:<22} ST {st:.2}\n",
                metric.name(),
                input.key()
            )),
            None => out.push_str(&format!(
                "  {:<18} (constant: no input moves it)\n",
                metric.name()
            )),
        }
    }
    let tails = [
        (r.budget, Metric::TotalCostUsd, "overruns", true),
        (r.deadline, Metric::TrainDays, "late runs", false),
    ];
    for (summary, metric, word, budget) in tails {
        let Some(t) = summary else { continue };
        out.push_str(&format!(
            "\nWhat drives P({} > {}) = {:.1}%:\n",
            metric.name(),
            if budget {
                human(metric.unit(), t.limit)
            } else {
                units::general(t.limit)
            },
            100.0 * t.p_exceed
        ));
        let mut rows = vec![vec![
            "input".to_string(),
            "KS".into(),
            format!("median pct in {word}"),
            "P(exceed | lowest 25%)".into(),
            "P(exceed | highest 25%)".into(),
        ]];
        let mut ranked: Vec<(&InputSensitivity, TailMeasure)> = r
            .rows
            .iter()
            .filter_map(|row| {
                if budget {
                    row.tail_budget
                } else {
                    row.tail_deadline
                }
                .map(|m| (row, m))
            })
            .collect();
        ranked.sort_by(|a, b| b.1.ks.total_cmp(&a.1.ks));
        if ranked.is_empty() {
            out.push_str("  no run, or every run, exceeds it: nothing to compare\n");
            continue;
        }
        for (row, m) in ranked {
            rows.push(vec![
                row.input.key().to_string(),
                format!("{:.3}", m.ks),
                format!("{:.0}", m.median_percentile_exceeding),
                format!("{:.1}%", 100.0 * m.p_exceed_low_quartile),
                format!("{:.1}%", 100.0 * m.p_exceed_high_quartile),
            ]);
        }
        out.table(rows);
        out.push_str(
            "\nKS: how differently the input is distributed in runs that exceed and runs that don't\n\
             (0: not at all, 1: completely); median pct above 50: high values of the input drive it.\n",
        );
    }
    out
}

/// The terminal view.
pub fn render_sensitivity(r: &SensitivityReport) -> String {
    sensitivity_document(r).to_text()
}

impl AsDocument for SensitivityReport {
    fn document(&self) -> Document {
        sensitivity_document(self)
    }
}

/// An input's value for people: money as money, other values with three digits.
fn input_value(input: Input, x: f64) -> String {
    if input.key().ends_with("_usd") {
        units::usd(x, 3)
    } else {
        units::compact(x, 3)
    }
}

const TAIL_FIELDS: [&str; 4] = [
    "ks",
    "median_percentile",
    "p_exceed_low_quartile",
    "p_exceed_high_quartile",
];

impl Exporter<SensitivityReport> for CsvExporter {
    fn export(&self, r: &SensitivityReport) -> io::Result<Vec<u8>> {
        let mut header: Vec<String> = [
            "input",
            "s1",
            "s1_lo",
            "s1_hi",
            "st",
            "st_lo",
            "st_hi",
            "spearman",
            "spearman_sq_share",
            "tornado_low",
            "tornado_high",
            "input_p10",
            "input_p90",
            "pinned_p10_mean",
            "pinned_p10_p50",
            "pinned_p90_mean",
            "pinned_p90_p50",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for (present, prefix) in [
            (r.budget.is_some(), "budget"),
            (r.deadline.is_some(), "deadline"),
        ] {
            if present {
                header.extend(TAIL_FIELDS.iter().map(|f| format!("{prefix}_{f}")));
            }
        }
        let mut w = CsvSheet::in_memory();
        w.header(&header)?;
        for row in &r.rows {
            let s = &row.sobol;
            let mut cells: Vec<Cell> = vec![Cell::text(row.input.key())];
            cells.extend(
                [
                    s.s1.value,
                    s.s1.ci95_lo,
                    s.s1.ci95_hi,
                    s.st.value,
                    s.st.ci95_lo,
                    s.st.ci95_hi,
                    row.spearman,
                    row.spearman_sq_share,
                    row.tornado.at_low,
                    row.tornado.at_high,
                    row.input_p10,
                    row.input_p90,
                    row.pinned_p10.mean,
                    row.pinned_p10.p50,
                    row.pinned_p90.mean,
                    row.pinned_p90.p50,
                ]
                .iter()
                .map(|&x| Cell::Number(x)),
            );
            for (present, tail) in [
                (r.budget.is_some(), row.tail_budget),
                (r.deadline.is_some(), row.tail_deadline),
            ] {
                if present {
                    cells.extend(tail_cells(tail));
                }
            }
            w.row(&cells)?;
        }
        w.into_bytes()
    }
}

/// Empty cells when no run (or every run) exceeds: nothing was measured.
fn tail_cells(m: Option<TailMeasure>) -> Vec<Cell> {
    match m {
        Some(m) => [
            m.ks,
            m.median_percentile_exceeding,
            m.p_exceed_low_quartile,
            m.p_exceed_high_quartile,
        ]
        .iter()
        .map(|&x| Cell::Number(x))
        .collect(),
        None => vec![Cell::Empty; TAIL_FIELDS.len()],
    }
}

#[derive(Serialize)]
struct SensitivityJson<'a> {
    schema_version: u32,
    flopcast_version: &'static str,
    scenario: super::json::ScenarioRef<'a>,
    output: &'static str,
    seed: u64,
    monte_carlo_runs: u64,
    sobol_base_points: usize,
    sobol_points: &'static str,
    bootstrap_replicates: usize,
    inputs: Vec<InputJson>,
    most_influential: Vec<LeaderJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    budget: Option<TailJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deadline: Option<TailJson>,
}

#[derive(Serialize)]
struct InputJson {
    input: &'static str,
    s1: Estimate,
    st: Estimate,
    spearman: f64,
    spearman_sq_share: f64,
    input_p10: f64,
    input_p90: f64,
    tornado_low: f64,
    tornado_high: f64,
    pinned_p10: Pinned,
    pinned_p90: Pinned,
    #[serde(skip_serializing_if = "Option::is_none")]
    budget_tail: Option<TailMeasureJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deadline_tail: Option<TailMeasureJson>,
}

#[derive(Serialize)]
struct TailMeasureJson {
    ks: f64,
    median_percentile: f64,
    p_exceed_low_quartile: f64,
    p_exceed_high_quartile: f64,
}

#[derive(Serialize)]
struct LeaderJson {
    output: &'static str,
    input: Option<&'static str>,
    st: f64,
}

#[derive(Serialize)]
struct TailJson {
    limit: f64,
    p_exceed: f64,
}

impl Exporter<SensitivityReport> for JsonExporter {
    fn export(&self, r: &SensitivityReport) -> io::Result<Vec<u8>> {
        let tail = |m: Option<TailMeasure>| {
            m.map(|m| TailMeasureJson {
                ks: m.ks,
                median_percentile: m.median_percentile_exceeding,
                p_exceed_low_quartile: m.p_exceed_low_quartile,
                p_exceed_high_quartile: m.p_exceed_high_quartile,
            })
        };
        let doc = SensitivityJson {
            schema_version: SCHEMA_VERSION,
            flopcast_version: env!("CARGO_PKG_VERSION"),
            scenario: super::json::ScenarioRef {
                name: &r.scenario_name,
                file: &r.scenario_file,
            },
            output: r.output.name(),
            seed: r.seed,
            monte_carlo_runs: r.runs,
            sobol_base_points: r.sobol_n,
            sobol_points: points_name(r.points),
            bootstrap_replicates: r.bootstrap,
            inputs: r
                .rows
                .iter()
                .map(|row| InputJson {
                    input: row.input.key(),
                    s1: row.sobol.s1,
                    st: row.sobol.st,
                    spearman: row.spearman,
                    spearman_sq_share: row.spearman_sq_share,
                    input_p10: row.input_p10,
                    input_p90: row.input_p90,
                    tornado_low: row.tornado.at_low,
                    tornado_high: row.tornado.at_high,
                    pinned_p10: row.pinned_p10,
                    pinned_p90: row.pinned_p90,
                    budget_tail: tail(row.tail_budget),
                    deadline_tail: tail(row.tail_deadline),
                })
                .collect(),
            most_influential: r
                .leaders
                .iter()
                .map(|(m, l)| LeaderJson {
                    output: m.name(),
                    input: l.map(|(i, _)| i.key()),
                    st: l.map_or(0.0, |(_, st)| st),
                })
                .collect(),
            budget: r.budget.map(|t| TailJson {
                limit: t.limit,
                p_exceed: t.p_exceed,
            }),
            deadline: r.deadline.map(|t| TailJson {
                limit: t.limit,
                p_exceed: t.p_exceed,
            }),
        };
        super::json::to_bytes(&doc)
    }
}
