//! The sensitivity report: one row per uncertain input, ranked by total-order Sobol index,
//! shown in the terminal and exported as CSV and JSON.

mod csv;
mod json;
mod text;

use serde::Serialize;

use crate::analyze::sobol::SobolIndex;
use crate::analyze::tail::TailMeasure;
use crate::analyze::tornado::Swing;
use crate::model::{Input, Metric};
use crate::sample::saltelli::PointSet;

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

pub(super) fn points_name(p: PointSet) -> &'static str {
    match p {
        PointSet::Random => "random",
        PointSet::Sobol => "sobol",
    }
}
