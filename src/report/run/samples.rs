//! One row per run: every uncertain input (named by its scenario key) and every output, for
//! pivot tables. The runs are drawn and evaluated again block by block from the same streams
//! instead of being kept in memory, so the file costs no memory per run however many there
//! are: the rows are those the statistics were computed from, bit for bit.

use std::io::{self, Write};

use crate::model::{self, Metric};
use crate::report::{Cell, CsvSheet};
use crate::sample::{STRIDE, SamplingPlan};
use crate::scenario::Scenario;

pub fn write_samples(
    out: &mut dyn Write,
    scenario: &Scenario,
    plan: &SamplingPlan,
) -> io::Result<()> {
    let inputs: Vec<_> = scenario.uncertain_inputs().map(|s| s.input).collect();
    let options = scenario.options;
    let metrics = options.metrics();
    let mut w = CsvSheet::new(out);
    let mut header = vec!["run"];
    header.extend(inputs.iter().map(|i| i.key()));
    header.extend(metrics.iter().map(|m| m.name()));
    w.header(&header)?;
    let mut block = plan.scratch();
    let mut y = Box::new([[0.0; STRIDE]; Metric::COUNT]);
    let mut run = 0u64;
    let mut row: Vec<Cell> = Vec::with_capacity(header.len());
    for c in 0..plan.chunks() {
        let mut sampler = plan.chunk(c);
        while sampler.next_block(&mut block) {
            model::evaluate_block(block.columns(), block.len, options, &metrics, &mut y);
            for i in 0..block.len {
                row.clear();
                row.push(Cell::Count(run + 1));
                row.extend(inputs.iter().map(|&k| Cell::Number(block.column(k)[i])));
                row.extend(metrics.iter().map(|&m| Cell::Number(y[m.index()][i])));
                w.row(&row)?;
                run += 1;
            }
        }
    }
    w.flush()?;
    Ok(())
}
