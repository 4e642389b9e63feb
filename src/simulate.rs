//! Runs the model over every draw of a sampling plan, in parallel, into one column per metric.

use rayon::prelude::*;

use crate::model::{self, Metric, ModelOptions};
use crate::sample::{CHUNK_RUNS, SamplingPlan};

/// Every run's outputs, one column per [`Metric`], in run order.
#[derive(Debug, Clone)]
pub struct Simulation {
    pub runs: u64,
    pub seed: u64,
    pub columns: Vec<Vec<f64>>,
}

impl Simulation {
    pub fn column(&self, metric: Metric) -> &[f64] {
        &self.columns[metric.index()]
    }
}

/// Bytes of memory a simulation keeps per run.
pub const BYTES_PER_RUN: u64 = (Metric::COUNT * std::mem::size_of::<f64>()) as u64;
/// Peak bytes per run: the outputs, plus at worst one column of scratch while percentiles of
/// heavily concentrated data are selected.
pub const PEAK_BYTES_PER_RUN: u64 = BYTES_PER_RUN + std::mem::size_of::<f64>() as u64;

/// Draws and evaluates every run. `progress` is called once per finished chunk with its run count.
/// The result does not depend on the number of threads.
pub fn simulate(
    plan: &SamplingPlan,
    options: ModelOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Simulation {
    let runs = usize::try_from(plan.runs).expect("run count fits in memory");
    let mut columns: Vec<Vec<f64>> = (0..Metric::COUNT).map(|_| vec![0.0; runs]).collect();
    let mut per_chunk: Vec<Vec<&mut [f64]>> = (0..plan.chunks())
        .map(|_| Vec::with_capacity(Metric::COUNT))
        .collect();
    for column in &mut columns {
        for (c, part) in column.chunks_mut(CHUNK_RUNS).enumerate() {
            per_chunk[c].push(part);
        }
    }
    per_chunk.into_par_iter().enumerate().for_each_init(
        || plan.scratch(),
        |block, (c, mut outputs)| {
            let mut sampler = plan.chunk(c);
            let mut offset = 0;
            while sampler.next_block(block) {
                for i in 0..block.len {
                    let y = model::evaluate(&block.run(i), options);
                    for (out, v) in outputs.iter_mut().zip(y) {
                        out[offset + i] = v;
                    }
                }
                offset += block.len;
            }
            progress(offset as u64);
        },
    );
    Simulation {
        runs: plan.runs,
        seed: plan.seed,
        columns,
    }
}
