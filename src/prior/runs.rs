//! A reference class of training runs read from CSV: the bundled record of published runs
//! (`data/reference-runs.csv`), or a lab's own history in the same columns.
//!
//! Each run's effective utilisation is what the fit learns from:
//!
//! ```text
//! u = 6 × active_params × tokens / (chip_hours × 3600 s × peak16_tflops × 1e12)
//! chip_hours = the reported chip_hours, else chips × training_days × 24
//! ```
//!
//! against the chip's dense 16-bit peak (BF16, or FP16 where a chip has no BF16), whatever
//! format the run trained in, so that runs on different formats share one yardstick. Time lost
//! to failures, restarts and slow phases is inside u, because the hours are wall-clock.

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, Error};
use crate::hardware;

/// The record of published runs that ships with flopcast.
pub const BUNDLED_CSV: &str = include_str!("../../data/reference-runs.csv");
/// How the bundled record is named in messages and reports.
pub const BUNDLED_NAME: &str = "the bundled reference runs (data/reference-runs.csv)";

/// Columns every row needs.
const REQUIRED: &[&str] = &["model", "hardware", "chips", "params_active", "tokens"];
/// Columns flopcast reads when present; any other column is kept out of the fit and ignored.
const OPTIONAL: &[&str] = &[
    "organisation",
    "published",
    "params_total",
    "precision",
    "training_days",
    "chip_hours",
    "reported_mfu",
    "hours_include",
    "confidence",
    "origin",
    "source",
    "notes",
];

/// One training run and what it reported.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferenceRun {
    pub model: String,
    pub organisation: String,
    /// Publication date as a fractional year (2024.5 for 2024-07-01), when given.
    pub published: Option<f64>,
    pub published_text: String,
    pub params_total: f64,
    pub params_active: f64,
    pub tokens: f64,
    /// The catalog's name for the chip.
    pub hardware: &'static str,
    pub peak16_tflops: f64,
    pub chips: f64,
    pub precision: String,
    pub training_days: Option<f64>,
    pub chip_hours_reported: Option<f64>,
    pub reported_mfu: Option<f64>,
    pub hours_include: String,
    pub source: String,
    /// The 1-based line of the row in its file.
    pub line: usize,
}

impl ReferenceRun {
    /// Chip-hours spent: as reported, or from the wall-clock days.
    pub fn chip_hours(&self) -> f64 {
        self.chip_hours_reported
            .unwrap_or_else(|| self.chips * self.training_days.unwrap_or(f64::NAN) * 24.0)
    }

    /// Effective utilisation against the 16-bit peak (see the module documentation).
    pub fn utilisation(&self) -> f64 {
        6.0 * self.params_active * self.tokens
            / (self.chip_hours() * 3600.0 * self.peak16_tflops * 1e12)
    }

    pub fn is_moe(&self) -> bool {
        self.params_active < self.params_total
    }
}

/// The runs of one file.
#[derive(Debug, Clone)]
pub struct ReferenceSet {
    /// How the file is named in messages: its path, or [`BUNDLED_NAME`].
    pub name: String,
    pub path: Option<PathBuf>,
    pub runs: Vec<ReferenceRun>,
}

impl ReferenceSet {
    pub fn bundled() -> &'static ReferenceSet {
        static SET: std::sync::OnceLock<ReferenceSet> = std::sync::OnceLock::new();
        SET.get_or_init(|| {
            parse(Path::new("data/reference-runs.csv"), BUNDLED_CSV)
                .map(|mut set| {
                    set.name = BUNDLED_NAME.into();
                    set.path = None;
                    set
                })
                .expect("the bundled reference runs are checked by their tests")
        })
    }

    pub fn load(path: &Path) -> Result<ReferenceSet, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::Runtime(format!(
                "cannot read the reference runs {}: {e}",
                path.display()
            ))
        })?;
        parse(path, &text)
    }

    /// The same set without the runs whose model is named in `names` (exact, ignoring case);
    /// a name that matches no run is an error, so a typo cannot leave a run in silently.
    pub fn without(&self, names: &[String]) -> Result<ReferenceSet, String> {
        if let Some(missing) = names.iter().find(|n| !self.has_model(n)) {
            let known: Vec<&str> = self.runs.iter().map(|r| r.model.as_str()).collect();
            let hint = strsim_closest(missing, &known)
                .map(|k| format!(" (did you mean \"{k}\"?)"))
                .unwrap_or_default();
            return Err(format!("no run named \"{missing}\" in {}{hint}", self.name));
        }
        let runs = self
            .runs
            .iter()
            .filter(|r| !names.iter().any(|n| n.eq_ignore_ascii_case(&r.model)))
            .cloned()
            .collect();
        Ok(ReferenceSet {
            name: self.name.clone(),
            path: self.path.clone(),
            runs,
        })
    }

    fn has_model(&self, name: &str) -> bool {
        self.runs.iter().any(|r| r.model.eq_ignore_ascii_case(name))
    }
}

fn strsim_closest<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| {
            (
                strsim::normalized_levenshtein(&word.to_lowercase(), &k.to_lowercase()),
                *k,
            )
        })
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

/// A row's cells by column, with where each sits in the file for messages.
struct Row<'a> {
    path: &'a Path,
    text: &'a str,
    record: &'a csv::StringRecord,
    start: usize,
    line: usize,
    columns: &'a [String],
}

impl Row<'_> {
    fn cell(&self, column: &str) -> Option<(&str, Range<usize>)> {
        let i = self.columns.iter().position(|c| c == column)?;
        let value = self.record.get(i)?.trim();
        (!value.is_empty()).then(|| (value, field_span(self.text, self.start, i)))
    }

    fn error(&self, span: Range<usize>, message: String, help: &str) -> Error {
        Error::Scenario(Box::new(Diagnostic {
            path: self.path.to_path_buf(),
            source: self.text.to_string(),
            span,
            message,
            label: "here".into(),
            help: Some(help.into()),
        }))
    }

    fn row_span(&self) -> Range<usize> {
        self.start..self.start + 1
    }

    fn text(&self, column: &str) -> String {
        self.cell(column)
            .map(|(v, _)| v.to_string())
            .unwrap_or_default()
    }

    fn required(&self, column: &str) -> Result<(&str, Range<usize>), Error> {
        self.cell(column).ok_or_else(|| {
            self.error(
                self.row_span(),
                format!(
                    "row {} has no `{column}`: every run needs model, hardware, chips, params_active and tokens",
                    self.line
                ),
                "fill the cell in, or remove the row",
            )
        })
    }

    /// A positive finite number; thousands separators are not allowed (a comma splits cells).
    fn number(&self, column: &str) -> Result<Option<f64>, Error> {
        let Some((value, span)) = self.cell(column) else {
            return Ok(None);
        };
        match value.replace('_', "").parse::<f64>() {
            Ok(x) if x.is_finite() && x > 0.0 => Ok(Some(x)),
            _ => Err(self.error(
                span,
                format!("`{column}` must be a number > 0, got \"{value}\""),
                "write plain numbers such as 2048, 6.71e11 or 0.42",
            )),
        }
    }

    fn required_number(&self, column: &str) -> Result<f64, Error> {
        self.required(column)?;
        Ok(self.number(column)?.expect("checked present"))
    }
}

/// Where the i-th field of the record starting at byte `start` sits in the raw text (the
/// record's own ranges index its unescaped fields, not the file). Quoted fields are skipped
/// whole, doubled quotes included.
fn field_span(text: &str, start: usize, i: usize) -> Range<usize> {
    let bytes = text.as_bytes();
    let end_of_field = |mut at: usize| -> usize {
        if bytes.get(at) == Some(&b'"') {
            at += 1;
            while at < bytes.len() {
                if bytes[at] == b'"' && bytes.get(at + 1) == Some(&b'"') {
                    at += 2;
                } else if bytes[at] == b'"' {
                    at += 1;
                    break;
                } else {
                    at += 1;
                }
            }
        }
        while at < bytes.len() && !matches!(bytes[at], b',' | b'\n' | b'\r') {
            at += 1;
        }
        at
    };
    let mut at = start;
    for _ in 0..i {
        at = (end_of_field(at) + 1).min(bytes.len());
    }
    at..end_of_field(at).max(at + 1)
}

pub(super) fn parse(path: &Path, text: &str) -> Result<ReferenceSet, Error> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let columns: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(path, &e))?
        .iter()
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    check_columns(path, text, &columns)?;
    let mut runs = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(path, &e)),
        }
        let position = record
            .position()
            .expect("records from a reader have positions");
        let row = Row {
            path,
            text,
            record: &record,
            start: position.byte() as usize,
            line: position.line() as usize,
            columns: &columns,
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        runs.push(read_run(&row)?);
    }
    Ok(ReferenceSet {
        name: path.display().to_string(),
        path: Some(path.to_path_buf()),
        runs,
    })
}

fn csv_error(path: &Path, e: &csv::Error) -> Error {
    Error::Runtime(format!("{}: not a readable CSV file: {e}", path.display()))
}

/// Required columns must be there; a column that is neither required nor optional but close to
/// one is most likely a typo of it.
fn check_columns(path: &Path, text: &str, columns: &[String]) -> Result<(), Error> {
    let header_len = text.find('\n').unwrap_or(text.len());
    let known: Vec<&str> = REQUIRED.iter().chain(OPTIONAL).copied().collect();
    for needed in REQUIRED {
        if columns.iter().any(|c| c == needed) {
            continue;
        }
        let typo = columns
            .iter()
            .filter(|c| !known.contains(&c.as_str()))
            .find(|c| strsim::levenshtein(c, needed) <= 2);
        let help = match typo {
            Some(t) => format!("the header has `{t}`: did you mean `{needed}`?"),
            None => format!(
                "the header must name {}; it may also name {}",
                REQUIRED.join(", "),
                OPTIONAL.join(", ")
            ),
        };
        return Err(Error::Scenario(Box::new(Diagnostic {
            path: path.to_path_buf(),
            source: text.to_string(),
            span: 0..header_len,
            message: format!("the reference runs have no `{needed}` column"),
            label: "header".into(),
            help: Some(help),
        })));
    }
    Ok(())
}

fn read_run(row: &Row) -> Result<ReferenceRun, Error> {
    let (model, _) = row.required("model")?;
    let (hardware_name, hardware_span) = row.required("hardware")?;
    let (chip, peak16_tflops) = chip_of(hardware_name).map_err(|hint| {
        row.error(
            hardware_span.clone(),
            format!("unknown hardware \"{hardware_name}\" for {model}"),
            &hint,
        )
    })?;
    let params_active = row.required_number("params_active")?;
    let params_total = row.number("params_total")?.unwrap_or(params_active);
    if params_active > params_total {
        let span = row.cell("params_active").expect("read above").1;
        return Err(row.error(
            span,
            format!(
                "{model}: params_active ({params_active:e}) exceeds params_total ({params_total:e})"
            ),
            "params_active counts the parameters used per token; it cannot exceed the total",
        ));
    }
    let (published, published_text) = match row.cell("published") {
        None => (None, String::new()),
        Some((v, span)) => (
            Some(fractional_year(v).ok_or_else(|| {
                row.error(
                    span,
                    format!(
                        "`published` must be a date YYYY-MM-DD (or YYYY-MM, YYYY), got \"{v}\""
                    ),
                    "for example 2024-07-23",
                )
            })?),
            v.to_string(),
        ),
    };
    let run = ReferenceRun {
        model: model.to_string(),
        organisation: row.text("organisation"),
        published,
        published_text,
        params_total,
        params_active,
        tokens: row.required_number("tokens")?,
        hardware: chip,
        peak16_tflops,
        chips: row.required_number("chips")?,
        precision: row.text("precision").to_ascii_lowercase(),
        training_days: row.number("training_days")?,
        chip_hours_reported: row.number("chip_hours")?,
        reported_mfu: row.number("reported_mfu")?,
        hours_include: row.text("hours_include"),
        source: row.text("source"),
        line: row.line,
    };
    check_time(row, &run)?;
    Ok(run)
}

/// A run needs hours to learn from, and hours that imply a possible utilisation.
fn check_time(row: &Row, run: &ReferenceRun) -> Result<(), Error> {
    if run.training_days.is_none() && run.chip_hours_reported.is_none() {
        return Err(row.error(
            row.row_span(),
            format!(
                "{}: row {} gives neither training_days nor chip_hours",
                run.model, row.line
            ),
            "a run teaches the fit only through its time: give the wall-clock days or the chip-hours",
        ));
    }
    let u = run.utilisation();
    if u > 1.0 {
        let column = if run.chip_hours_reported.is_some() {
            "chip_hours"
        } else {
            "training_days"
        };
        return Err(row.error(
            row.cell(column).expect("present").1,
            format!(
                "{}: these figures imply a utilisation of {u:.2}, above 100% of {} × {} peak",
                run.model,
                crate::units::general(run.chips),
                run.hardware
            ),
            "check tokens, params_active, chips (chips, not cores) and the hours",
        ));
    }
    Ok(())
}

/// The catalog name of a chip and its dense 16-bit peak (BF16, else FP16).
fn chip_of(name: &str) -> Result<(&'static str, f64), String> {
    let chip = hardware::resolve(name).map_err(|e| e.hint())?;
    Ok((chip.name, hardware::peak16_tflops(chip)))
}

/// "2024-07-23" → 2024.55..., also "2024-07" and "2024".
pub fn fractional_year(text: &str) -> Option<f64> {
    let mut parts = text.trim().splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next().map_or(Some(7), |m| m.parse().ok())?;
    let day: u32 = parts.next().map_or(Some(1), |d| d.parse().ok())?;
    if !(1900..=2200).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(year as f64 + ((month - 1) as f64 + (day - 1) as f64 / 31.0) / 12.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "model,hardware,chips,params_active,params_total,tokens,training_days,chip_hours,published\n";

    fn parse_text(text: &str) -> Result<ReferenceSet, Error> {
        parse(Path::new("runs.csv"), text)
    }

    fn message(e: Error) -> String {
        e.to_string()
    }

    #[test]
    fn utilisation_follows_from_the_published_facts() {
        // DeepSeek-V3: 6 × 37e9 × 14.8e12 over 2.664e6 H800-hours at 989 TFLOP/s = 0.3466.
        let set = parse_text(&format!(
            "{HEADER}DeepSeek-V3,H800,2048,37e9,671e9,14.8e12,,2.664e6,2024-12-26\n"
        ))
        .unwrap();
        let run = &set.runs[0];
        let want = 6.0 * 37e9 * 14.8e12 / (2.664e6 * 3600.0 * 989e12);
        assert!((run.utilisation() - want).abs() < 1e-12);
        assert!(run.is_moe());
        assert_eq!(run.line, 2);
        // Days alone: chip-hours are chips × days × 24.
        let set = parse_text(&format!("{HEADER}X,A100,1000,1e9,,1e12,2,,2023\n")).unwrap();
        assert_eq!(set.runs[0].chip_hours(), 48_000.0);
        assert!(!set.runs[0].is_moe());
    }

    #[test]
    fn a_bad_cell_is_located() {
        let text =
            format!("{HEADER}A,A100,1000,1e9,,1e12,2,,2023\nB,A100,lots,1e9,,1e12,2,,2023\n");
        let e = message(parse_text(&text).unwrap_err());
        assert!(
            e.contains("`chips` must be a number > 0, got \"lots\""),
            "{e}"
        );
        assert!(e.contains("runs.csv:3:8"), "{e}");
        // A quoted cell with commas and doubled quotes before it does not shift the caret.
        let text = format!("{HEADER}\"A, \"\"big\"\"\",A100,1000,1e9,,x,2,,2023\n");
        let e = message(parse_text(&text).unwrap_err());
        assert!(
            e.contains("`tokens` must be a number > 0") && e.contains("runs.csv:2:29"),
            "{e}"
        );
    }

    #[test]
    fn a_number_must_be_finite_and_positive() {
        for bad in ["0", "-1", "inf", "NaN", "1,5"] {
            let cell = if bad.contains(',') {
                format!("\"{bad}\"")
            } else {
                bad.to_string()
            };
            let text = format!("{HEADER}A,A100,{cell},1e9,,1e12,2,,2023\n");
            let e = message(parse_text(&text).unwrap_err());
            assert!(e.contains("`chips` must be a number > 0"), "{bad}: {e}");
        }
        let set = parse_text(&format!("{HEADER}A,A100,1_000,1e9,,1e12,2,,2023\n")).unwrap();
        assert_eq!(set.runs[0].chips, 1000.0);
    }

    #[test]
    fn a_missing_cell_points_at_its_row_and_text_cells_are_read() {
        let text = format!("{HEADER}A,A100,1000,1e9,,1e12,2,,2023\n,A100,1000,1e9,,1e12,2,,2023\n");
        let e = message(parse_text(&text).unwrap_err());
        assert!(
            e.contains("row 3 has no `model`") && e.contains("runs.csv:3:1"),
            "{e}"
        );
        let text = "model,organisation,hardware,chips,params_active,tokens,chip_hours,source\n\
                    A,Lab \"X\",A100,1000,1e9,1e12,1e5,https://example.org/a\n";
        let run = &parse_text(text).unwrap().runs[0];
        assert_eq!(run.organisation, "Lab \"X\"");
        assert_eq!(run.source, "https://example.org/a");
    }

    #[test]
    fn a_comma_inside_a_quoted_cell_after_a_doubled_quote_does_not_move_the_caret() {
        let line = "\"A \"\"x,y\"\" B\",A100,1000,1e9,,oops,2,,2023";
        let e = message(parse_text(&format!("{HEADER}{line}\n")).unwrap_err());
        let column = line.find(",oops").unwrap() + 2;
        assert!(e.contains(&format!("runs.csv:2:{column}")), "{e}");
        // A quoted cell that ends with a comma.
        let line = "\"A,\",A100,1000,1e9,,oops,2,,2023";
        let e = message(parse_text(&format!("{HEADER}{line}\n")).unwrap_err());
        let column = line.find(",oops").unwrap() + 2;
        assert!(e.contains(&format!("runs.csv:2:{column}")), "{e}");
    }

    #[test]
    fn unknown_hardware_and_missing_columns_are_named() {
        let e = message(parse_text(&format!("{HEADER}A,Z80,1,1e9,,1e12,2,,2023\n")).unwrap_err());
        assert!(e.contains("unknown hardware \"Z80\""), "{e}");
        let e = message(
            parse_text("model,hardware,chip,params_active,tokens,training_days\n").unwrap_err(),
        );
        assert!(
            e.contains("no `chips` column") && e.contains("did you mean `chips`"),
            "{e}"
        );
    }

    #[test]
    fn impossible_rows_are_refused() {
        let e = message(parse_text(&format!("{HEADER}A,A100,1,1e9,,1e12,,,2023\n")).unwrap_err());
        assert!(e.contains("neither training_days nor chip_hours"), "{e}");
        // 6e21 FLOP in one A100-hour is 17,000 times its peak.
        let e = message(parse_text(&format!("{HEADER}A,A100,1,1e9,,1e12,,1,2023\n")).unwrap_err());
        assert!(e.contains("above 100%"), "{e}");
        // Exactly 100%: 6 × 1.872e8 × 1e9 FLOP in one A100-hour at 312 TFLOP/s is possible.
        let set = parse_text(&format!("{HEADER}A,A100,1,1.872e8,,1e9,,1,2023\n")).unwrap();
        assert_eq!(set.runs[0].utilisation(), 1.0);
        let e =
            message(parse_text(&format!("{HEADER}A,A100,1,2e9,1e9,1e12,2,,2023\n")).unwrap_err());
        assert!(e.contains("exceeds params_total"), "{e}");
        let e = message(parse_text(&format!("{HEADER}A,A100,1,1e9,,1e12,2,,July\n")).unwrap_err());
        assert!(e.contains("`published` must be a date"), "{e}");
        // The last cell of a file with no final line break is located too.
        let e = message(parse_text(&format!("{HEADER}A,A100,1,1e9,,1e12,2,,July")).unwrap_err());
        assert!(
            e.contains("`published` must be a date") && e.contains("runs.csv:2:23"),
            "{e}"
        );
    }

    #[test]
    fn without_removes_named_runs_and_refuses_unknown_names() {
        let text = format!(
            "{HEADER}Alpha 7B,A100,1000,1e9,,1e12,20,,2023\nBeta 70B,A100,1000,1e9,,1e12,20,,2023\n"
        );
        let set = parse_text(&text).unwrap();
        let rest = set.without(&["alpha 7b".into()]).unwrap();
        assert_eq!(rest.runs.len(), 1);
        assert_eq!(rest.runs[0].model, "Beta 70B");
        let e = set.without(&["Alpha 8B".into()]).unwrap_err();
        assert!(e.contains("did you mean \"Alpha 7B\""), "{e}");
    }

    #[test]
    fn the_bundled_runs_parse_and_are_plausible() {
        let set = ReferenceSet::bundled();
        assert!(set.runs.len() >= 2);
        for run in &set.runs {
            let u = run.utilisation();
            assert!(u > 0.0 && u <= 1.0, "{}: {u}", run.model);
        }
    }

    #[test]
    fn dates_become_fractional_years() {
        assert_eq!(fractional_year("2024-01-01"), Some(2024.0));
        assert_eq!(fractional_year("2024"), Some(2024.5));
        // Month and day: 2024 + (2 + 15/31)/12 for the 16th of March.
        let march = fractional_year("2024-03-16").unwrap();
        assert!(
            (march - (2024.0 + (2.0 + 15.0 / 31.0) / 12.0)).abs() < 1e-12,
            "{march}"
        );
        assert_eq!(fractional_year("2024-07"), Some(2024.5));
        assert!(fractional_year("2024-13-01").is_none());
        assert!(fractional_year("soon").is_none());
    }
}
