//! Runs the model over every draw of a sampling plan, in parallel, into one column per metric.

use rayon::prelude::*;

use crate::error::Error;
use crate::model::{self, Metric, ModelOptions};
use crate::sample::{CHUNK_RUNS, SamplingPlan};

/// Every run's outputs, one column per [`Metric`], in run order.
#[derive(Debug, Clone)]
pub struct Simulation {
    pub runs: u64,
    pub seed: u64,
    /// Indexed by [`Metric`]; empty for metrics this model does not produce.
    pub columns: Vec<Vec<f64>>,
    /// The metrics this model produces, in report order.
    pub metrics: Vec<Metric>,
    /// Runs whose output was infinite or NaN, per metric.
    pub non_finite: [u64; Metric::COUNT],
}

impl Simulation {
    pub fn column(&self, metric: Metric) -> &[f64] {
        &self.columns[metric.index()]
    }

    /// Fails when any run produced an infinite or undefined output: percentiles and means of
    /// such a sample would be meaningless, and a report must never show them as numbers.
    pub fn ensure_finite(&self) -> Result<(), Error> {
        match self.metrics.iter().find(|m| self.non_finite[m.index()] > 0) {
            None => Ok(()),
            Some(m) => Err(Error::NonFinite {
                metric: m.name(),
                count: self.non_finite[m.index()],
                runs: self.runs,
            }),
        }
    }
}

/// Draws and evaluates every run. `progress` is called once per finished chunk with its run count.
/// The result does not depend on the number of threads.
pub fn simulate(
    plan: &SamplingPlan,
    options: ModelOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Simulation {
    let runs = usize::try_from(plan.runs).expect("run count fits in memory");
    let metrics = options.metrics();
    let mut columns: Vec<Vec<f64>> = Metric::ALL
        .iter()
        .map(|m| {
            if metrics.contains(m) {
                vec![0.0; runs]
            } else {
                Vec::new()
            }
        })
        .collect();
    // Per chunk, the slices of the metrics produced, in `metrics` order.
    let mut per_chunk: Vec<Vec<&mut [f64]>> = (0..plan.chunks())
        .map(|_| Vec::with_capacity(metrics.len()))
        .collect();
    for column in columns.iter_mut().filter(|c| !c.is_empty()) {
        for (c, part) in column.chunks_mut(CHUNK_RUNS).enumerate() {
            per_chunk[c].push(part);
        }
    }
    let counts: Vec<[u64; Metric::COUNT]> = per_chunk
        .into_par_iter()
        .enumerate()
        .map_init(
            || plan.scratch(),
            |block, (c, mut outputs)| {
                let mut sampler = plan.chunk(c);
                let mut offset = 0;
                let mut non_finite = [0u64; Metric::COUNT];
                while sampler.next_block(block) {
                    for i in 0..block.len {
                        let y = model::evaluate(&block.run(i), options);
                        for (out, m) in outputs.iter_mut().zip(&metrics) {
                            let v = y[m.index()];
                            out[offset + i] = v;
                            non_finite[m.index()] += u64::from(!v.is_finite());
                        }
                    }
                    offset += block.len;
                }
                progress(offset as u64);
                non_finite
            },
        )
        .collect();
    let mut non_finite = [0u64; Metric::COUNT];
    for chunk in &counts {
        for (total, n) in non_finite.iter_mut().zip(chunk) {
            *total += n;
        }
    }
    Simulation {
        runs: plan.runs,
        seed: plan.seed,
        columns,
        metrics,
        non_finite,
    }
}
