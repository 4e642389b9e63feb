//! Runs the model over every draw of a sampling plan, in parallel, into one column per metric.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::error::Error;
use crate::model::{self, Fault, Inputs, Metric, ModelOptions};
use crate::sample::{CHUNK_RUNS, SamplingPlan};
use crate::scenario::{InputSpec, Scenario};

/// Every run's outputs, one column per [`Metric`], in run order.
#[derive(Debug, Clone)]
pub struct Simulation {
    pub runs: u64,
    pub seed: u64,
    /// Indexed by [`Metric`]; empty for metrics this model does not produce.
    pub columns: Vec<Vec<f64>>,
    /// The metrics this model produces, in report order.
    pub metrics: Vec<Metric>,
    /// Runs whose arithmetic failed (see [`model::sound`]).
    pub unsound: u64,
    /// The first of them, in run order: its 0-based index and inputs.
    pub first_unsound: Option<(u64, Inputs)>,
    pub origin: Arc<Origin>,
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
                fault: model::diagnose(&x, self.origin.options),
                inputs: x,
                origin: self.origin.clone(),
            }))),
        }
    }
}

/// Where a scenario's inputs were given, to name them in errors found after loading.
#[derive(Debug, Clone)]
pub struct Origin {
    pub path: PathBuf,
    pub specs: Vec<InputSpec>,
    pub options: ModelOptions,
}

impl Origin {
    pub fn of(scenario: &Scenario) -> Self {
        Origin {
            path: scenario.path.clone(),
            specs: scenario.inputs.clone(),
            options: scenario.options,
        }
    }
}

/// One evaluation of the model whose arithmetic failed, and how many more did.
#[derive(Debug, Clone)]
pub struct Unsound {
    /// Which evaluation: "run 17 of 1000".
    pub what: String,
    pub count: u64,
    pub total: u64,
    /// Where it failed; None if no single step is to blame (it cannot happen with the model as
    /// written, but the message must not depend on that).
    pub fault: Option<Fault>,
    pub inputs: Inputs,
    pub origin: Arc<Origin>,
}

impl fmt::Display for Unsound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(fault) = self.fault else {
            return write!(
                f,
                "{} of {} evaluations gave an output that is infinite, undefined or beyond {} \
                 (the first: {}); look for extreme inputs in {}",
                self.count,
                self.total,
                crate::units::general(model::LARGEST),
                self.what,
                self.origin.path.display()
            );
        };
        write!(f, "{}: {}", self.what, fault.describe())?;
        if self.count > 1 {
            write!(f, "; {} of {} evaluations fail", self.count, self.total)?;
        }
        let path = self.origin.path.display();
        for &input in fault.inputs() {
            let spec = &self.origin.specs[input.index()];
            if !spec.used {
                continue;
            }
            let v = crate::units::general(self.inputs[input.index()]);
            let place = match spec.line {
                Some(line) => format!("{path}:{line}"),
                None => format!("{path}"),
            };
            let given = match (&spec.written, spec.dist.is_fixed()) {
                (None, _) => " (default)".to_string(),
                (Some(_), true) if spec.line.is_some() => String::new(),
                (Some(w), true) => format!(" (given as {w})"),
                (Some(w), false) => format!(", drawn from {w}"),
            };
            write!(f, "\n  --> {place}: `{}` = {v}{given}", input.key())?;
        }
        write!(
            f,
            "\n  = help: the values are this evaluation's; bring the extreme one back to a \
             physical range, or bound its distribution (`lower` / `upper`) so that no draw reaches it"
        )
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
            || plan.scratch(),
            |block, (c, mut outputs)| {
                let mut sampler = plan.chunk(c);
                let mut offset = 0;
                let mut unsound = 0;
                let mut first = None;
                while sampler.next_block(block) {
                    for i in 0..block.len {
                        let x = block.run(i);
                        let y = model::evaluate(&x, options);
                        for (out, m) in outputs.iter_mut().zip(&metrics) {
                            out[offset + i] = y[m.index()];
                        }
                        if !model::sound(&y, &metrics) {
                            unsound += 1;
                            let run = (c * CHUNK_RUNS + offset + i) as u64;
                            first = first.or(Some((run, x)));
                        }
                    }
                    offset += block.len;
                }
                progress(offset as u64);
                (unsound, first)
            },
        )
        .collect();
    Simulation {
        runs: plan.runs,
        seed: plan.seed,
        columns,
        metrics,
        unsound: counts.iter().map(|c| c.0).sum(),
        first_unsound: counts.iter().find_map(|c| c.1),
        origin: plan.origin.clone(),
    }
}
