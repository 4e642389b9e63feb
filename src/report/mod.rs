//! Reports: what each command found, and every format it is written in.
//!
//! One folder per kind of report (`run`, `sensitivity`, `sweep`, `compare`, `calibration`,
//! `check`): its data in `mod.rs`, then one file per format. `text.rs` builds a [`Document`],
//! which is both the terminal's text and the `--markdown` file; `csv.rs` and `json.rs`
//! implement [`Exporter`] for [`CsvExporter`] and [`JsonExporter`]. The writers every kind
//! shares sit at this level: [`Document`], [`CsvSheet`], [`json_bytes`].

pub mod calibration;
pub mod check;
pub mod compare;
mod csv;
pub mod document;
mod json;
pub mod portfolio;
pub mod run;
pub mod sensitivity;
pub mod sweep;
pub mod update;

pub use crate::format::{group_thousands, human, human_sig, printable, unit_label};
pub use csv::{
    BYTES_PER_NUMBER, Cell, ChancesCsvExporter, CsvExporter, CsvSheet, PIECE_RUNS, PIECES_AT_ONCE,
    write_in_pieces,
};
pub use document::{AsDocument, Document, markdown_text, text_table};
pub use json::{JsonExporter, to_bytes as json_bytes};
pub use run::{Goals, RunReport, Target};

/// Writes a report as Markdown; any report that is a [`Document`] has it.
pub struct MarkdownExporter;

use std::io;

use crate::format::Unit;
use crate::stats;

/// JSON layout version: bump on any incompatible change to the JSON export.
pub const SCHEMA_VERSION: u32 = 3;

/// Serialises a report of kind `R` (a run, a sensitivity study, ...) to bytes for a file.
pub trait Exporter<R> {
    /// Fails only if the report cannot be encoded (a writer or serialiser error), never by
    /// panicking.
    fn export(&self, report: &R) -> io::Result<Vec<u8>>;
}

/// The row's ±95% as the tables show it; "n/a" when no interval of the row reaches 95%.
pub fn half_width_cell(unit: Unit, s: &stats::Summary) -> String {
    match s.max_half_width() {
        Some(h) => format!("±{}", human_sig(unit, h, 2)),
        None => "n/a".to_string(),
    }
}

/// A mean or percentile as the tables show it: marked `*` when its interval cannot be trusted
/// to cover 95% (a percentile with too few runs beyond it; a mean of too few runs or too heavy
/// tails: see [`stats::mean_interval_holds`]).
pub fn estimate_cell(unit: Unit, e: &stats::Estimate) -> String {
    let value = human(unit, e.value);
    if e.reliable {
        value
    } else {
        format!("{value}*")
    }
}

/// The CSV/JSON column name of a percentile: p5, p2.5, p99.9.
pub fn percentile_column(p: f64) -> String {
    format!("p{p}")
}
