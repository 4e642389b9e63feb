//! One row per run: every uncertain input (named by its scenario key) and every output, for
//! pivot tables. Inputs are drawn again chunk by chunk from the same streams instead of being
//! kept in memory, so the file costs no memory per run.

use std::io::{self, Write};

use crate::report::{Cell, CsvSheet};
use crate::sample::SamplingPlan;
use crate::scenario::Scenario;
use crate::simulate::Simulation;

pub fn write_samples(
    out: &mut dyn Write,
    scenario: &Scenario,
    plan: &SamplingPlan,
    sim: &Simulation,
) -> io::Result<()> {
    let inputs: Vec<_> = scenario.uncertain_inputs().map(|s| s.input).collect();
    let mut w = CsvSheet::new(out);
    let mut header = vec!["run"];
    header.extend(inputs.iter().map(|i| i.key()));
    header.extend(sim.metrics.iter().map(|m| m.name()));
    w.header(&header)?;
    let mut block = plan.scratch();
    let mut run = 0usize;
    let mut row: Vec<Cell> = Vec::with_capacity(header.len());
    for c in 0..plan.chunks() {
        let mut sampler = plan.chunk(c);
        while sampler.next_block(&mut block) {
            for i in 0..block.len {
                row.clear();
                row.push(Cell::Count(run as u64 + 1));
                row.extend(inputs.iter().map(|&k| Cell::Number(block.column(k)[i])));
                row.extend(
                    sim.metrics
                        .iter()
                        .map(|&m| Cell::Number(sim.column(m)[run])),
                );
                w.row(&row)?;
                run += 1;
            }
        }
    }
    w.flush()?;
    Ok(())
}
