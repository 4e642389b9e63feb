//! Every CSV the tool writes goes through [`CsvSheet`], which writes each cell by its kind, so
//! that no exporter can leave user text live for a spreadsheet: a cell beginning with `=`, `+`,
//! `-`, `@`, a tab or a carriage return is a formula to Excel and LibreOffice (a scenario named
//! `=HYPERLINK(...)` becomes a link). Such text gets a leading `'` (OWASP's rule); numbers,
//! including negative ones, stay numbers; booleans are `TRUE`/`FALSE`, which spreadsheets read
//! as booleans.

use std::borrow::Cow;
use std::io::{self, Write};

/// One CSV cell, written according to what it holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text from anywhere (names, files, sources, keys, labels): neutralised if it would be
    /// read as a formula.
    Text(String),
    Number(f64),
    Count(u64),
    Flag(bool),
    Empty,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// Appends the cell's text to `out`: written in place, as a file of millions of rows
    /// would otherwise allocate a string per cell.
    fn render_into(&self, out: &mut String) {
        use std::fmt::Write as _;
        // Writing to a String cannot fail.
        let _ = match self {
            Cell::Text(s) => out.write_str(&neutralise(s)),
            // NaN marks a figure that does not apply (the tornado of an input that is not
            // swung); a spreadsheet reads an empty cell as "no value", and `NaN` as text.
            Cell::Number(x) if !x.is_finite() => Ok(()),
            Cell::Number(x) => write!(out, "{x}"),
            Cell::Count(k) => write!(out, "{k}"),
            Cell::Flag(true) => out.write_str("TRUE"),
            Cell::Flag(false) => out.write_str("FALSE"),
            Cell::Empty => Ok(()),
        };
    }
}

/// Text that a spreadsheet would run as a formula gets a leading `'`; text that is a plain
/// number (a swept value such as `-3.5`) is left alone, as it cannot call anything.
pub fn neutralise(s: &str) -> Cow<'_, str> {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && s.trim().parse::<f64>().is_err() {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// A CSV writer that takes rows of [`Cell`]s.
pub struct CsvSheet<W: Write> {
    w: ::csv::Writer<W>,
    /// One cell's text, reused.
    cell: String,
}

impl CsvSheet<Vec<u8>> {
    pub fn in_memory() -> Self {
        CsvSheet::new(Vec::new())
    }

    pub fn into_bytes(self) -> io::Result<Vec<u8>> {
        self.w.into_inner().map_err(|e| e.into_error())
    }
}

impl<W: Write> CsvSheet<W> {
    pub fn new(out: W) -> Self {
        CsvSheet {
            w: ::csv::Writer::from_writer(out),
            cell: String::new(),
        }
    }

    /// A header row: column names are text like any other.
    pub fn header<S: AsRef<str>>(&mut self, names: &[S]) -> io::Result<()> {
        self.w
            .write_record(names.iter().map(|n| neutralise(n.as_ref()).into_owned()))?;
        Ok(())
    }

    pub fn row(&mut self, cells: &[Cell]) -> io::Result<()> {
        for c in cells {
            self.cell.clear();
            c.render_into(&mut self.cell);
            self.w.write_field(&self.cell)?;
        }
        // An empty record ends the row (as `write_record` does after its fields).
        self.w.write_record(None::<&[u8]>)?;
        Ok(())
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.w.flush()
    }
}

/// Rows a piece of a samples file holds (a divisor of a chunk, so that no piece spans two).
pub const PIECE_RUNS: usize = 8 * crate::sample::BLOCK;
const _: () = assert!(crate::sample::CHUNK_RUNS.is_multiple_of(PIECE_RUNS));

/// Pieces rendered before they are written, whatever the thread count: enough to keep up to
/// eight threads busy (the single writer after them is the limit beyond that), and a bounded
/// amount of text held at once.
pub const PIECES_AT_ONCE: usize = 8;

/// Room made for each number of a piece's text (with its separator), on average: a figure to
/// 17 significant digits takes 18 to 20 bytes, a FLOP count written out in full 27 (Rust
/// writes no exponent), so the bundled scenarios' rows take 18 to 20 a number. A scenario of
/// far larger or smaller figures grows its pieces' text beyond this, and past the estimate.
pub const BYTES_PER_NUMBER: usize = 24;

/// Writes a samples file: `header`, then rows `0..rows` in pieces of [`PIECE_RUNS`], piece
/// `[first, first + len)` written by `render(first, len, sheet)` into a sheet of its own. The
/// pieces are rendered on the current thread pool, [`PIECES_AT_ONCE`] at a time, the next wave
/// while this thread writes the last: formatting the numbers is most of such a file's work,
/// and the order of the pieces, not of the threads, decides the bytes.
pub fn write_in_pieces<S: AsRef<str>>(
    out: &mut dyn Write,
    header: &[S],
    rows: u64,
    render: impl Fn(u64, usize, &mut CsvSheet<Vec<u8>>) -> io::Result<()> + Sync,
) -> io::Result<()> {
    use rayon::prelude::*;
    let mut w = CsvSheet::new(&mut *out);
    w.header(header)?;
    w.flush()?;
    drop(w);
    let (columns, pieces) = (header.len(), rows.div_ceil(PIECE_RUNS as u64));
    let piece = |p: u64| {
        let first = p * PIECE_RUNS as u64;
        let len = (rows - first).min(PIECE_RUNS as u64) as usize;
        // Its room made at once.
        let mut sheet = CsvSheet::new(Vec::with_capacity(len * columns * BYTES_PER_NUMBER));
        render(first, len, &mut sheet)?;
        sheet.into_bytes()
    };
    let wave = |start: u64| -> Vec<io::Result<Vec<u8>>> {
        let end = (start + PIECES_AT_ONCE as u64).min(pieces);
        (start..end).into_par_iter().map(piece).collect()
    };
    let mut written = wave(0);
    let mut next = PIECES_AT_ONCE as u64;
    while !written.is_empty() {
        let mut coming = Vec::new();
        // The writer need not be sent to another thread: only the rendering is spawned.
        rayon::in_place_scope(|s| {
            if next < pieces {
                s.spawn(|_| coming = wave(next));
            }
            written.drain(..).try_for_each(|text| out.write_all(&text?))
        })?;
        written = coming;
        next += PIECES_AT_ONCE as u64;
    }
    out.flush()
}

pub struct CsvExporter;

/// The chances of `run --budget --deadline`, a companion to the summary CSV (whose rows are
/// metrics): one row per chance, `chance,metric,limit,p,se,ci95_lo,ci95_hi,runs_within,runs`.
pub struct ChancesCsvExporter;

#[cfg(test)]
mod tests {
    use super::*;

    fn written(cells: &[Cell]) -> String {
        let mut sheet = CsvSheet::in_memory();
        sheet.row(cells).unwrap();
        String::from_utf8(sheet.into_bytes().unwrap()).unwrap()
    }

    #[test]
    fn text_that_a_spreadsheet_would_run_is_neutralised() {
        for (text, want) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+1+cmd", "'+1+cmd"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("Llama 3.1", "Llama 3.1"),
            ("a=b", "a=b"),
            ("-3.5", "-3.5"),
            ("", ""),
        ] {
            assert_eq!(neutralise(text), want, "{text:?}");
        }
    }

    #[test]
    fn numbers_stay_numbers_and_booleans_are_spreadsheet_booleans() {
        let line = written(&[
            Cell::Number(-3.5),
            Cell::Count(7),
            Cell::Flag(true),
            Cell::Flag(false),
            Cell::Empty,
            Cell::text("-x"),
        ]);
        assert_eq!(line, "-3.5,7,TRUE,FALSE,,'-x\n");
    }

    #[test]
    fn a_figure_that_does_not_apply_is_an_empty_cell_not_nan() {
        let line = written(&[Cell::Number(f64::NAN), Cell::Number(1.5)]);
        assert_eq!(line, ",1.5\n");
    }
}
