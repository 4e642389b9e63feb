//! Runs the model over every draw of a sampling plan, in parallel, into one column per metric.

use std::sync::Arc;

use rayon::prelude::*;

use crate::error::{Error, InputOrigins, Unsound};
use crate::model::{self, Input, Inputs, Metric, ModelOptions};
use crate::sample::scheme::Uniforms;
use crate::sample::{Block, CHUNK_RUNS, STRIDE, SamplingPlan};

pub mod portfolio;
pub mod spend;

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
        ensure_sound(
            self.runs,
            self.unsound,
            self.first_unsound,
            self.options,
            &self.origins,
        )
    }
}

/// Fails when any of `runs` runs was unsound (see [`Simulation::ensure_finite`]), naming the
/// first.
pub fn ensure_sound(
    runs: u64,
    unsound: u64,
    first_unsound: Option<(u64, Inputs)>,
    options: ModelOptions,
    origins: &Arc<InputOrigins>,
) -> Result<(), Error> {
    match first_unsound {
        None => Ok(()),
        Some((run, x)) => Err(Error::Unsound(Box::new(Unsound {
            what: format!("run {} of {}", run + 1, runs),
            count: unsound,
            total: runs,
            fault: model::diagnose(&x, options),
            inputs: x,
            origins: origins.clone(),
        }))),
    }
}

/// One block of runs as the engine hands it on: where it starts, the inputs drawn and the
/// outputs evaluated.
pub struct Evaluated<'a> {
    /// The index of the block's first run.
    pub first: u64,
    /// Runs in the block.
    pub len: usize,
    pub inputs: &'a Block,
    /// Indexed by [`Metric`]; the first `len` values of each column are the block's.
    pub outputs: &'a [[f64; STRIDE]; Metric::COUNT],
    /// The first run of the block that is not [`model::sound`], as an index into the block.
    pub first_unsound: Option<usize>,
}

/// Draws and evaluates every run of `plan`, a block at a time, chunks in parallel: chunk c
/// starts from `states[c]` and passes each of its blocks, in run order, to `fold`; the states
/// come back in chunk order, so whatever is made of them in that order does not depend on the
/// number of threads. `progress` is called once per finished chunk with its run count.
/// Nothing is kept but what `fold` keeps.
///
/// # Panics
///
/// When `states` does not hold one state per chunk.
pub fn fold_blocks<T: Send>(
    plan: &SamplingPlan,
    options: ModelOptions,
    progress: &(dyn Fn(u64) + Sync),
    states: Vec<T>,
    fold: impl Fn(&mut T, &Evaluated) + Sync,
) -> Vec<T> {
    fold_chunks(plan, options, progress, 0..plan.chunks(), states, fold)
}

/// [`fold_blocks`] over the chunks `chunks` only, `states[i]` for chunk `chunks.start + i`.
///
/// # Panics
///
/// When `states` does not hold one state per chunk of the range.
pub fn fold_chunks<T: Send>(
    plan: &SamplingPlan,
    options: ModelOptions,
    progress: &(dyn Fn(u64) + Sync),
    chunks: std::ops::Range<usize>,
    states: Vec<T>,
    fold: impl Fn(&mut T, &Evaluated) + Sync,
) -> Vec<T> {
    assert_eq!(states.len(), chunks.len(), "one state per chunk");
    let metrics = options.metrics();
    states
        .into_par_iter()
        .enumerate()
        .map_init(
            || (plan.scratch(), Box::new([[0.0; STRIDE]; Metric::COUNT])),
            |(block, y), (i, mut acc)| {
                let c = chunks.start + i;
                let mut sampler = plan.chunk(c);
                let mut first = (c * CHUNK_RUNS) as u64;
                while sampler.next_block(block) {
                    let n = block.len;
                    let first_unsound =
                        model::evaluate_block(block.columns(), n, options, &metrics, y);
                    let evaluated = Evaluated {
                        first,
                        len: n,
                        inputs: block,
                        outputs: y,
                        first_unsound,
                    };
                    fold(&mut acc, &evaluated);
                    first += n as u64;
                }
                progress(plan.chunk_len(c) as u64);
                acc
            },
        )
        .collect()
}

/// One block of runs as a reduction reads it: columns of values, and the runs whose
/// arithmetic failed, per scenario evaluated.
pub struct Columns<'a> {
    /// The index of the block's first run.
    pub first: u64,
    /// Runs in the block.
    pub len: usize,
    /// Each column's `len` values, in the [`Source`]'s column order.
    pub values: &'a [&'a [f64]],
    /// Per scenario evaluated, in the source's order: how many of the block's runs are
    /// unsound and the first of them (its index and inputs); None when every run is sound.
    pub unsound: &'a [Option<(u64, (u64, Inputs))>],
}

/// Runs drawn chunk by chunk and handed on as columns, a block at a time: what a streaming
/// reduction ([`crate::stats::stream`]) reads, once or more.
pub trait Source: Sync {
    /// The plan whose chunks, run count and replicates the runs follow.
    fn plan(&self) -> &SamplingPlan;
    /// Columns per block.
    fn width(&self) -> usize;
    /// Scenarios evaluated per run.
    fn scenarios(&self) -> usize;
    /// As [`fold_chunks`], each block handed on as its columns.
    fn fold_chunks<T: Send>(
        &self,
        progress: &(dyn Fn(u64) + Sync),
        chunks: std::ops::Range<usize>,
        states: Vec<T>,
        fold: impl Fn(&mut T, &Columns) + Sync,
    ) -> Vec<T>;
    /// The percentiles column `i` keeps values around, of the `kept` a stream was told of:
    /// all of them, unless the source's column is reported at fewer.
    fn kept_for<'k>(&self, _column: usize, kept: &'k [f64]) -> std::borrow::Cow<'k, [f64]> {
        kept.into()
    }
    /// Fails when any of scenario `s`'s runs was unsound, naming the first.
    fn ensure_sound(
        &self,
        s: usize,
        unsound: u64,
        first: Option<(u64, Inputs)>,
    ) -> Result<(), Error>;
}

/// One scenario's runs: a column per metric its model produces, in report order, then a
/// column per traced input (none unless [`Single::tracing`]).
pub struct Single<'p> {
    pub plan: &'p SamplingPlan,
    pub options: ModelOptions,
    pub metrics: Vec<Metric>,
    /// Inputs whose draws are handed on beside the outputs, after them.
    pub traced: Vec<Input>,
}

impl<'p> Single<'p> {
    pub fn new(plan: &'p SamplingPlan, options: ModelOptions) -> Self {
        Single {
            plan,
            options,
            metrics: options.metrics(),
            traced: Vec::new(),
        }
    }

    /// The same runs with the draws of `inputs` as columns too, after the metrics': what a
    /// study of how inputs drive outputs reads.
    pub fn tracing(self, inputs: &[Input]) -> Self {
        Single {
            traced: inputs.to_vec(),
            ..self
        }
    }

    /// The column of metric `m`, if the model produces it.
    pub fn column(&self, m: Metric) -> Option<usize> {
        self.metrics.iter().position(|&x| x == m)
    }

    /// The column of the `k`-th traced input.
    pub fn input_column(&self, k: usize) -> usize {
        self.metrics.len() + k
    }
}

impl Source for Single<'_> {
    fn plan(&self) -> &SamplingPlan {
        self.plan
    }

    fn width(&self) -> usize {
        self.metrics.len() + self.traced.len()
    }

    fn scenarios(&self) -> usize {
        1
    }

    fn fold_chunks<T: Send>(
        &self,
        progress: &(dyn Fn(u64) + Sync),
        chunks: std::ops::Range<usize>,
        states: Vec<T>,
        fold: impl Fn(&mut T, &Columns) + Sync,
    ) -> Vec<T> {
        let metrics = &self.metrics;
        fold_chunks(
            self.plan,
            self.options,
            progress,
            chunks,
            states,
            |acc, e| {
                let mut values: [&[f64]; Metric::COUNT + Input::COUNT] =
                    [&[]; Metric::COUNT + Input::COUNT];
                let outputs = metrics.iter().map(|m| &e.outputs[m.index()][..e.len]);
                let inputs = self.traced.iter().map(|&i| e.inputs.column(i));
                for (v, column) in values.iter_mut().zip(outputs.chain(inputs)) {
                    *v = column;
                }
                let columns = Columns {
                    first: e.first,
                    len: e.len,
                    values: &values[..self.width()],
                    unsound: &[e.unsound(metrics)],
                };
                fold(acc, &columns);
            },
        )
    }

    fn ensure_sound(
        &self,
        _: usize,
        unsound: u64,
        first: Option<(u64, Inputs)>,
    ) -> Result<(), Error> {
        ensure_sound(
            self.plan.runs,
            unsound,
            first,
            self.options,
            &self.plan.origins,
        )
    }
}

/// Two scenarios' runs on common random numbers, run by run: A's columns, then B's, then
/// B − A for each metric both produce ([`Paired::common`]).
pub struct Paired<'p> {
    pub a: Single<'p>,
    pub b: Single<'p>,
    /// The metrics both produce, in A's order.
    pub common: Vec<Metric>,
}

impl<'p> Paired<'p> {
    /// # Panics
    ///
    /// When the plans do not draw the same runs in the same chunks, or either traces inputs.
    pub fn new(a: Single<'p>, b: Single<'p>) -> Self {
        assert!(a.traced.is_empty() && b.traced.is_empty(), "outputs only");
        assert_eq!(
            (a.plan.runs, a.plan.uniforms),
            (b.plan.runs, b.plan.uniforms),
            "paired plans draw the same runs"
        );
        let common = a
            .metrics
            .iter()
            .copied()
            .filter(|m| b.metrics.contains(m))
            .collect();
        Paired { a, b, common }
    }

    /// The column of `m` in A, in B, and of B − A.
    pub fn column_a(&self, m: Metric) -> Option<usize> {
        self.a.column(m)
    }

    pub fn column_b(&self, m: Metric) -> Option<usize> {
        let b = self.b.column(m)?;
        Some(self.a.metrics.len() + b)
    }

    pub fn column_difference(&self, m: Metric) -> Option<usize> {
        let d = self.common.iter().position(|&x| x == m)?;
        Some(self.a.metrics.len() + self.b.metrics.len() + d)
    }
}

impl Source for Paired<'_> {
    fn plan(&self) -> &SamplingPlan {
        self.a.plan
    }

    fn width(&self) -> usize {
        self.a.metrics.len() + self.b.metrics.len() + self.common.len()
    }

    fn scenarios(&self) -> usize {
        2
    }

    fn fold_chunks<T: Send>(
        &self,
        progress: &(dyn Fn(u64) + Sync),
        chunks: std::ops::Range<usize>,
        states: Vec<T>,
        fold: impl Fn(&mut T, &Columns) + Sync,
    ) -> Vec<T> {
        assert_eq!(states.len(), chunks.len(), "one state per chunk");
        let (a, b) = (&self.a, &self.b);
        let outputs = || Box::new([[0.0; STRIDE]; Metric::COUNT]);
        states
            .into_par_iter()
            .enumerate()
            .map_init(
                || {
                    let blocks = (a.plan.scratch(), b.plan.scratch());
                    (blocks, outputs(), outputs(), outputs())
                },
                |((block_a, block_b), ya, yb, difference), (i, mut acc)| {
                    let c = chunks.start + i;
                    let (mut draw_a, mut draw_b) = (a.plan.chunk(c), b.plan.chunk(c));
                    let mut first = (c * CHUNK_RUNS) as u64;
                    while draw_a.next_block(block_a) {
                        assert!(draw_b.next_block(block_b) && block_b.len == block_a.len);
                        let n = block_a.len;
                        let bad_a =
                            model::evaluate_block(block_a.columns(), n, a.options, &a.metrics, ya);
                        let bad_b =
                            model::evaluate_block(block_b.columns(), n, b.options, &b.metrics, yb);
                        for (d, m) in difference.iter_mut().zip(&self.common) {
                            let (x, y) = (&ya[m.index()][..n], &yb[m.index()][..n]);
                            for ((d, x), y) in d[..n].iter_mut().zip(x).zip(y) {
                                *d = y - x;
                            }
                        }
                        let mut values: [&[f64]; 3 * Metric::COUNT] = [&[]; 3 * Metric::COUNT];
                        let all = a.metrics.iter().map(|m| &ya[m.index()][..n]);
                        let all = all.chain(b.metrics.iter().map(|m| &yb[m.index()][..n]));
                        let all =
                            all.chain(difference.iter().take(self.common.len()).map(|d| &d[..n]));
                        for (v, column) in values.iter_mut().zip(all) {
                            *v = column;
                        }
                        let evaluated = |block, outputs, first_unsound| Evaluated {
                            first,
                            len: n,
                            inputs: block,
                            outputs,
                            first_unsound,
                        };
                        let unsound = [
                            evaluated(block_a, ya, bad_a).unsound(&a.metrics),
                            evaluated(block_b, yb, bad_b).unsound(&b.metrics),
                        ];
                        let columns = Columns {
                            first,
                            len: n,
                            values: &values[..self.width()],
                            unsound: &unsound,
                        };
                        fold(&mut acc, &columns);
                        first += n as u64;
                    }
                    progress(2 * a.plan.chunk_len(c) as u64);
                    acc
                },
            )
            .collect()
    }

    fn ensure_sound(
        &self,
        s: usize,
        unsound: u64,
        first: Option<(u64, Inputs)>,
    ) -> Result<(), Error> {
        [&self.a, &self.b][s].ensure_sound(0, unsound, first)
    }
}

/// Draws and evaluates every run into one column per metric. `progress` is called once per
/// finished chunk with its run count. The result does not depend on the number of threads.
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
                column(runs)
            } else {
                Vec::new()
            }
        })
        .collect();
    // Per chunk, its slices of the metrics produced, in `metrics` order.
    let mut states: Vec<Stored> = (0..plan.chunks())
        .map(|_| Stored {
            outputs: Vec::with_capacity(metrics.len()),
            unsound: 0,
            first: None,
        })
        .collect();
    for column in columns.iter_mut().filter(|c| !c.is_empty()) {
        for (c, part) in column.chunks_mut(CHUNK_RUNS).enumerate() {
            states[c].outputs.push(part);
        }
    }
    let counts: Vec<(u64, Option<(u64, Inputs)>)> =
        fold_blocks(plan, options, progress, states, |stored, e| {
            stored.keep(e, &metrics)
        })
        .into_iter()
        .map(|s| (s.unsound, s.first))
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

/// One chunk's share of the columns, and its unsound runs.
struct Stored<'a> {
    /// The chunk's slice of each produced metric's column, in `metrics` order.
    outputs: Vec<&'a mut [f64]>,
    unsound: u64,
    /// The first unsound run: its index and inputs.
    first: Option<(u64, Inputs)>,
}

impl Stored<'_> {
    fn keep(&mut self, e: &Evaluated, metrics: &[Metric]) {
        let offset = (e.first % CHUNK_RUNS as u64) as usize;
        for (out, m) in self.outputs.iter_mut().zip(metrics) {
            out[offset..offset + e.len].copy_from_slice(&e.outputs[m.index()][..e.len]);
        }
        if let Some((count, first)) = e.unsound(metrics) {
            self.unsound += count;
            self.first = self.first.or(Some(first));
        }
    }
}

impl Evaluated<'_> {
    /// How many of the block's runs are unsound, and the first of them (its index and
    /// inputs); None when every run is sound.
    pub fn unsound(&self, metrics: &[Metric]) -> Option<(u64, (u64, Inputs))> {
        let i = self.first_unsound?;
        // Rare: count every unsound run of the block, one by one.
        let bad = (i..self.len).filter(|&j| {
            let out = std::array::from_fn(|m| self.outputs[m][j]);
            !model::sound(&out, metrics)
        });
        Some((
            bad.count() as u64,
            (self.first + i as u64, self.inputs.run(i)),
        ))
    }
}

/// A column of `runs` zeros, backed by 2 MiB pages where the kernel offers them: the runs then
/// fill it with one page fault per 2 MiB instead of one per 4 KiB, which at 10 M runs is a
/// quarter of the time spent drawing and evaluating them (`benches/throughput.rs`).
fn column(runs: usize) -> Vec<f64> {
    let column = vec![0.0; runs];
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let start = column.as_ptr() as usize;
        let end = start + runs * size_of::<f64>();
        let (first, last) = (start.next_multiple_of(HUGE), end / HUGE * HUGE);
        if last > first {
            // SAFETY: the range lies inside the column's allocation, and the advice changes
            // only how its pages are backed, never their contents. A kernel without huge
            // pages declines, and the column works as before.
            unsafe {
                libc::madvise(
                    first as *mut libc::c_void,
                    last - first,
                    libc::MADV_HUGEPAGE,
                );
            }
        }
    }
    column
}
