//! Runs the model over every draw of a sampling plan, in parallel, into one column per metric.

use std::sync::Arc;

use rayon::prelude::*;

use crate::error::{Error, InputOrigins, Unsound};
use crate::model::{self, Inputs, Metric, ModelOptions};
use crate::sample::scheme::Uniforms;
use crate::sample::{CHUNK_RUNS, STRIDE, SamplingPlan};

/// Every run's outputs, one column per [`Metric`], in run order.
#[derive(Debug, Clone)]
pub struct Simulation {
    pub runs: u64,
    pub seed: u64,
    /// How the runs' uniforms were laid out, and the replicates intervals come from when they
    /// are not independent.
    pub uniforms: Uniforms,
    /// Indexed by [`Metric`]; empty for metrics this model does not produce.
    pub columns: Vec<Vec<f64>>,
    /// The metrics this model produces, in report order.
    pub metrics: Vec<Metric>,
    /// Runs whose arithmetic failed (see [`model::sound`]).
    pub unsound: u64,
    /// The first of them, in run order: its 0-based index and inputs.
    pub first_unsound: Option<(u64, Inputs)>,
    pub options: ModelOptions,
    pub origins: Arc<InputOrigins>,
}

impl Simulation {
    pub fn column(&self, metric: Metric) -> &[f64] {
        &self.columns[metric.index()]
    }

    /// Fails when any run's arithmetic failed (an infinite or undefined draw, or a step that
    /// overflowed or underflowed): percentiles and means of such a sample would be meaningless,
    /// and a report must never show them as numbers. The error names the first such run's
    /// inputs, where the scenario gives them.
    pub fn ensure_finite(&self) -> Result<(), Error> {
        match self.first_unsound {
            None => Ok(()),
            Some((run, x)) => Err(Error::Unsound(Box::new(Unsound {
                what: format!("run {} of {}", run + 1, self.runs),
                count: self.unsound,
                total: self.runs,
                fault: model::diagnose(&x, self.options),
                inputs: x,
                origins: self.origins.clone(),
            }))),
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
    let counts: Vec<(u64, Option<(u64, Inputs)>)> = per_chunk
        .into_par_iter()
        .enumerate()
        .map_init(
            || (plan.scratch(), Box::new([[0.0; STRIDE]; Metric::COUNT])),
            |(block, y), (c, mut outputs)| {
                let mut sampler = plan.chunk(c);
                let mut offset = 0;
                let mut unsound = 0;
                let mut first = None;
                while sampler.next_block(block) {
                    let n = block.len;
                    let x = block.columns();
                    if let Some(i) = model::evaluate_block(x, n, options, &metrics, y) {
                        // Rare: count every unsound run of the block, one by one.
                        let bad = (i..n).filter(|&j| {
                            let out = std::array::from_fn(|m| y[m][j]);
                            !model::sound(&out, &metrics)
                        });
                        unsound += bad.count() as u64;
                        let run = (c * CHUNK_RUNS + offset + i) as u64;
                        first = first.or(Some((run, block.run(i))));
                    }
                    for (out, m) in outputs.iter_mut().zip(&metrics) {
                        out[offset..offset + n].copy_from_slice(&y[m.index()][..n]);
                    }
                    offset += n;
                }
                progress(offset as u64);
                (unsound, first)
            },
        )
        .collect();
    Simulation {
        runs: plan.runs,
        seed: plan.seed,
        uniforms: plan.uniforms,
        columns,
        metrics,
        unsound: counts.iter().map(|c| c.0).sum(),
        first_unsound: counts.iter().find_map(|c| c.1),
        options,
        origins: plan.origins.clone(),
    }
}
