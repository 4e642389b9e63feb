//! One row per run: every uncertain input (named by its scenario key) and every output, for
//! pivot tables. The runs are drawn and evaluated again block by block from the same streams
//! instead of being kept in memory, so the file costs no memory per run however many there
//! are: the rows are those the statistics were computed from, bit for bit.
//!
//! Formatting the numbers is most of the work, so pieces of runs are drawn and rendered in
//! parallel, up to [`PIECES_AT_ONCE`] at a time, and written in order: the same bytes on any
//! thread count, in a bounded amount of text held at once.

use std::io::{self, Write};

use rayon::prelude::*;

use crate::model::{self, Input, Metric};
use crate::report::{Cell, CsvSheet};
use crate::sample::{BLOCK, STRIDE, SamplingPlan};
use crate::scenario::Scenario;

/// Runs rendered by one task (a divisor of a chunk, so that no piece spans two).
pub const PIECE_RUNS: usize = 8 * BLOCK;
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

pub fn write_samples(
    out: &mut dyn Write,
    scenario: &Scenario,
    plan: &SamplingPlan,
) -> io::Result<()> {
    let inputs: Vec<_> = scenario.uncertain_inputs().map(|s| s.input).collect();
    let metrics = scenario.options.metrics();
    let mut header = vec!["run"];
    header.extend(inputs.iter().map(|i| i.key()));
    header.extend(metrics.iter().map(|m| m.name()));
    let mut w = CsvSheet::new(&mut *out);
    w.header(&header)?;
    w.flush()?;
    drop(w);
    let pieces = plan.runs.div_ceil(PIECE_RUNS as u64);
    let mut next = 0;
    while next < pieces {
        let end = (next + PIECES_AT_ONCE as u64).min(pieces);
        let texts: Vec<io::Result<Vec<u8>>> = (next..end)
            .into_par_iter()
            .map(|p| piece(scenario, plan, &inputs, &metrics, p))
            .collect();
        for text in texts {
            out.write_all(&text?)?;
        }
        next = end;
    }
    out.flush()
}

/// The rows of piece `p`, as CSV text.
fn piece(
    scenario: &Scenario,
    plan: &SamplingPlan,
    inputs: &[Input],
    metrics: &[Metric],
    p: u64,
) -> io::Result<Vec<u8>> {
    let first = p * PIECE_RUNS as u64;
    let len = (plan.runs - first).min(PIECE_RUNS as u64) as usize;
    let mut sampler = plan.stretch(first, len);
    let mut block = plan.scratch();
    let mut y = Box::new([[0.0; STRIDE]; Metric::COUNT]);
    let columns = 1 + inputs.len() + metrics.len();
    let mut w = CsvSheet::new(Vec::with_capacity(len * columns * BYTES_PER_NUMBER));
    let mut row: Vec<Cell> = Vec::with_capacity(columns);
    let mut run = first;
    while sampler.next_block(&mut block) {
        model::evaluate_block(
            block.columns(),
            block.len,
            scenario.options,
            metrics,
            &mut y,
        );
        for i in 0..block.len {
            row.clear();
            row.push(Cell::Count(run + 1));
            row.extend(inputs.iter().map(|&k| Cell::Number(block.column(k)[i])));
            row.extend(metrics.iter().map(|&m| Cell::Number(y[m.index()][i])));
            w.row(&row)?;
            run += 1;
        }
    }
    w.into_bytes()
}
