//! When the money is spent and when the run finishes, for a scenario with a start date: spend
//! by month and by quarter, what has been paid by the end of each, and the finish date's band.

use std::io;

use serde::Serialize;

use super::RunReport;
use crate::calendar::{Date, Periods};
use crate::format::Unit;
use crate::model::Metric;
use crate::report::{Cell, CsvSheet, Document, Exporter, estimate_cell};
use crate::simulate::Source as Runs;
use crate::simulate::spend::SpendColumns;
use crate::stats::stream::Streamed;
use crate::stats::{Probability, Summary};

pub use crate::simulate::spend::SPEND_PERCENTILES;

/// One period's spend and what has been paid by its end.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Period {
    /// "2027-01", "2027-Q1", "before" or "after".
    pub period: String,
    /// Its first and last day; none for the open ends.
    pub first_day: Option<String>,
    pub last_day: Option<String>,
    pub spend_usd: Summary,
    /// Paid from the first day of spend to the period's end; none after the last period,
    /// where it is the total cost.
    pub paid_by_end_usd: Option<Summary>,
    /// The chance that training has ended by the period's last day.
    pub finished_by_end: Option<Probability>,
}

/// Spend by month and by quarter, and the finish date's band.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct When {
    /// The day training starts.
    pub start: String,
    /// The finish date at P5, P50 and P95 of train_days: the day on which training ends.
    pub finish: Vec<(f64, String)>,
    /// What is paid before the first month (runs beyond the extremes the months were laid out
    /// for); absent when no run pays then.
    pub before: Option<Period>,
    pub months: Vec<Period>,
    pub after: Option<Period>,
    pub quarters: Vec<Period>,
}

/// One figure of the spend by period, as [`When::build`] asks for its summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpendFigure {
    /// What is paid before the first month.
    Before,
    /// What is paid in month k.
    Month(usize),
    /// What is paid after the last month.
    After,
    /// What is paid in quarter q.
    Quarter(usize),
    /// What has been paid by the end of month k (from before the first month on).
    PaidBy(usize),
}

impl When {
    /// The periods' figures from a stream of scheduled runs whose spend sits at `at`.
    pub fn streamed<S: Runs>(
        stream: &mut Streamed<S>,
        at: SpendColumns,
        periods: &Periods,
        days: &Summary,
        finished: Vec<Probability>,
    ) -> When {
        let column = |f: SpendFigure| match f {
            SpendFigure::Before => at.before(),
            SpendFigure::Month(k) => at.month(k),
            SpendFigure::After => at.after(),
            SpendFigure::Quarter(q) => at.quarter(q),
            SpendFigure::PaidBy(k) => at.by_end_of(k),
        };
        let summary = |f| stream.summary(column(f), &SPEND_PERCENTILES);
        When::build(periods, summary, days, finished)
    }

    /// The periods' figures, each from `summary` (of [`SPEND_PERCENTILES`]); `days` are the
    /// training days from the start (for the finish dates), `finished` the chance of having
    /// finished by each month's end.
    pub fn build(
        periods: &Periods,
        mut summary: impl FnMut(SpendFigure) -> Summary,
        days: &Summary,
        finished: Vec<Probability>,
    ) -> When {
        let day = |d: Date| Some(d.to_string());
        let months = (0..periods.len())
            .map(|k| {
                let (first, last) = periods.month_days(k);
                Period {
                    period: periods.month_label(k),
                    first_day: day(first),
                    last_day: day(last),
                    spend_usd: summary(SpendFigure::Month(k)),
                    paid_by_end_usd: Some(summary(SpendFigure::PaidBy(k))),
                    finished_by_end: Some(finished[k]),
                }
            })
            .collect();
        let quarters = periods
            .quarters()
            .iter()
            .enumerate()
            .map(|(q, &quarter)| {
                let end = quarter.first + quarter.len - 1;
                Period {
                    period: periods.quarter_label(quarter),
                    first_day: day(periods.month_days(quarter.first).0),
                    last_day: day(periods.month_days(end).1),
                    spend_usd: summary(SpendFigure::Quarter(q)),
                    paid_by_end_usd: Some(summary(SpendFigure::PaidBy(end))),
                    finished_by_end: Some(finished[end]),
                }
            })
            .collect();
        // What came before the first month is also all that was paid by then.
        let mut open_end = |figure: SpendFigure, name: &str, paid_is_spend: bool| {
            let s = summary(figure);
            (s.mean.value != 0.0).then(|| Period {
                period: name.to_string(),
                first_day: None,
                last_day: None,
                paid_by_end_usd: paid_is_spend.then(|| s.clone()),
                finished_by_end: None,
                spend_usd: s,
            })
        };
        let before = open_end(SpendFigure::Before, "before", true);
        let after = open_end(SpendFigure::After, "after", false);
        When {
            start: periods.start.to_string(),
            finish: finish_dates(periods.start, days),
            before,
            months,
            after,
            quarters,
        }
    }

    /// Every period, one per row as the CSV lays them out: what came before, the months, what
    /// came after, then the quarters.
    pub fn rows(&self) -> impl Iterator<Item = (&'static str, &Period)> {
        let month = |p| ("month", p);
        self.before
            .iter()
            .map(|p| ("before", p))
            .chain(self.months.iter().map(month))
            .chain(self.after.iter().map(|p| ("after", p)))
            .chain(self.quarters.iter().map(|p| ("quarter", p)))
    }

    /// The section of the run's text: the finish dates, then spend by quarter.
    pub fn document(&self, doc: &mut Document) {
        doc.push_str(&format!(
            "\nWhen: training starts {}; it ends on {}.\n\n",
            self.start,
            self.finish_band()
        ));
        self.quarters_table(doc);
    }

    /// "P5 2027-04-22, P50 2027-06-20, P95 2027-09-25".
    pub fn finish_band(&self) -> String {
        let finish: Vec<String> = self
            .finish
            .iter()
            .map(|(p, d)| format!("P{p} {d}"))
            .collect();
        finish.join(", ")
    }

    /// Spend by quarter and what has been paid by each quarter's end, with a note on reading
    /// the bands.
    pub fn quarters_table(&self, doc: &mut Document) {
        let mut rows = vec![
            [
                "quarter",
                "spend P5",
                "P50",
                "P95",
                "paid by its end P5",
                "P50",
                "P95",
                "P(finished)",
            ]
            .map(String::from)
            .to_vec(),
        ];
        let cells = |s: &Summary| -> Vec<String> {
            s.percentiles
                .iter()
                .map(|p| estimate_cell(Unit::Usd, &p.estimate))
                .collect()
        };
        for p in self.shown_quarters() {
            let mut row = vec![p.period.clone()];
            row.extend(cells(&p.spend_usd));
            match &p.paid_by_end_usd {
                Some(paid) => row.extend(cells(paid)),
                None => row.extend(["".to_string(), "".into(), "".into()]),
            }
            row.push(
                p.finished_by_end
                    .map_or(String::new(), |c| percent(c.estimate.value)),
            );
            rows.push(row);
        }
        doc.table(rows);
        doc.push_str(
            "\nEach quarter's band is its own: the quarters' P50s need not add up to the P50 \
             total.\nQuarters before the first and after the last in which 5% of runs pay are \
             left out;\n--spend-csv writes every month and quarter.\n",
        );
    }

    /// The cumulative spend fan: what has been paid by the end of each quarter the text shows
    /// (as an SVG chart).
    pub fn fan_svg(&self, scenario: &str) -> String {
        let quarters: Vec<&Period> = self
            .shown_quarters()
            .into_iter()
            .filter(|p| p.first_day.is_some())
            .collect();
        let labels: Vec<String> = quarters.iter().map(|p| p.period.clone()).collect();
        let points: Vec<Vec<(f64, f64)>> = quarters
            .iter()
            .map(|p| {
                let paid = p.paid_by_end_usd.as_ref().expect("a quarter's paid spend");
                paid.percentiles
                    .iter()
                    .map(|x| (x.percent, x.estimate.value))
                    .collect()
            })
            .collect();
        let title = format!("{}: total spend paid by the end of each quarter", scenario);
        crate::chart::fan_svg(&title, "quarter", &labels, &points, Metric::TotalCostUsd)
    }

    /// The quarters the text shows: from the first to the last in which at least 5% of runs
    /// pay, with what came before and after the months when 5% of runs paid then.
    pub fn shown_quarters(&self) -> Vec<&Period> {
        let pays = |p: &&Period| {
            p.spend_usd
                .percentiles
                .last()
                .is_some_and(|x| x.estimate.value > 0.0)
        };
        let first = self.quarters.iter().position(|p| pays(&p));
        let last = self.quarters.iter().rposition(|p| pays(&p));
        let quarters = match (first, last) {
            (Some(a), Some(b)) => &self.quarters[a..=b],
            _ => &self.quarters[..],
        };
        let before = self.before.as_ref().filter(|p| pays(p));
        let after = self.after.as_ref().filter(|p| pays(p));
        before.into_iter().chain(quarters).chain(after).collect()
    }
}

/// "97.3%", "0%", "100%": a chance to the tenth of a point.
fn percent(p: f64) -> String {
    let shown = format!("{:.1}", 100.0 * p);
    format!("{}%", shown.trim_end_matches(".0"))
}

/// The day training ends, at P5, P50 and P95 of train_days: day 0 is the start date.
fn finish_dates(start: Date, days: &Summary) -> Vec<(f64, String)> {
    SPEND_PERCENTILES
        .iter()
        .map(|&p| {
            let d = days
                .percentiles
                .iter()
                .find(|x| x.percent == p)
                .map(|x| x.estimate.value);
            (
                p,
                d.map_or_else(|| BEYOND.to_string(), |d| date_after(start, d)),
            )
        })
        .collect()
}

const BEYOND: &str = "beyond 9999-12-31";

/// The day on which training ends when it takes `days` from `start` (day 0).
pub fn date_after(start: Date, days: f64) -> String {
    start
        .plus_days(days.floor().min(4e6) as i64)
        .map_or_else(|| BEYOND.to_string(), |d| d.to_string())
}

/// `--spend-csv`: one period per row, months then quarters, each with its spend band and what
/// has been paid by its end.
pub struct SpendCsvExporter;

const HEADER: [&str; 15] = [
    "period",
    "kind",
    "first_day",
    "last_day",
    "spend_mean_usd",
    "spend_p5_usd",
    "spend_p50_usd",
    "spend_p95_usd",
    "spend_ci95_half_width_usd",
    "paid_by_end_mean_usd",
    "paid_by_end_p5_usd",
    "paid_by_end_p50_usd",
    "paid_by_end_p95_usd",
    "paid_by_end_ci95_half_width_usd",
    "p_finished_by_end",
];

impl Exporter<RunReport> for SpendCsvExporter {
    fn export(&self, report: &RunReport) -> io::Result<Vec<u8>> {
        spend_csv(report.when.as_ref())
    }
}

/// The spend by period as CSV, one period per row; only the header without a start date.
pub fn spend_csv(when: Option<&When>) -> io::Result<Vec<u8>> {
    let mut sheet = CsvSheet::in_memory();
    sheet.header(&HEADER)?;
    let Some(when) = when else {
        return sheet.into_bytes();
    };
    let figures = |s: Option<&Summary>| -> Vec<Cell> {
        let Some(s) = s else {
            return vec![Cell::Empty; 5];
        };
        let mut cells = vec![Cell::Number(s.mean.value)];
        cells.extend(s.percentiles.iter().map(|p| Cell::Number(p.estimate.value)));
        cells.push(s.max_half_width().map_or(Cell::Empty, Cell::Number));
        cells
    };
    let day = |d: &Option<String>| d.as_ref().map_or(Cell::Empty, Cell::text);
    for (kind, p) in when.rows() {
        let mut row = vec![
            Cell::text(&p.period),
            Cell::text(kind),
            day(&p.first_day),
            day(&p.last_day),
        ];
        row.extend(figures(Some(&p.spend_usd)));
        row.extend(figures(p.paid_by_end_usd.as_ref()));
        row.push(
            p.finished_by_end
                .map_or(Cell::Empty, |c| Cell::Number(c.estimate.value)),
        );
        sheet.row(&row)?;
    }
    sheet.into_bytes()
}
