//! One row per run: every uncertain input (named by its scenario key) and every output, for
//! pivot tables. The runs are drawn and evaluated again block by block from the same streams
//! instead of being kept in memory, so the file costs no memory per run however many there
//! are: the rows are those the statistics were computed from, bit for bit. Pieces of runs are
//! rendered in parallel and written in order ([`write_in_pieces`]).

use std::io::{self, Write};

use crate::model::{self, Input, Metric};
use crate::report::{Cell, CsvSheet, write_in_pieces};
use crate::sample::{STRIDE, SamplingPlan};
use crate::scenario::Scenario;

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
    write_in_pieces(out, &header, plan.runs, |first, len, sheet| {
        piece(scenario, plan, &inputs, &metrics, (first, len), sheet)
    })
}

/// The rows of runs `first..first + len`.
fn piece(
    scenario: &Scenario,
    plan: &SamplingPlan,
    inputs: &[Input],
    metrics: &[Metric],
    (first, len): (u64, usize),
    w: &mut CsvSheet<Vec<u8>>,
) -> io::Result<()> {
    let mut sampler = plan.stretch(first, len);
    let mut block = plan.scratch();
    let mut y = Box::new([[0.0; STRIDE]; Metric::COUNT]);
    let mut row: Vec<Cell> = Vec::with_capacity(1 + inputs.len() + metrics.len());
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
    Ok(())
}
