//! Reproducible draws of every input: a sampling plan is plain data, its draws depend only on
//! the seed, the input's stream key and the chunk index, never on the thread count.
//!
//! Runs are cut into chunks of [`CHUNK_RUNS`]; chunk `c` of input `k` draws from its own
//! generator seeded from (seed, k, c). Any chunk can be drawn again on its own, in any order, by
//! any thread, with the same result; two scenarios that share an input draw the same values for it
//! (common random numbers).

pub mod saltelli;

use std::sync::Arc;

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use rayon::prelude::*;
use statrs::function::erf::erfc;

use crate::copula::Copula;

use crate::dist::Dist;
use crate::error::InputOrigins;
use crate::model::{Input, Inputs};
use crate::scenario::Scenario;

/// Runs per chunk. Part of the reproducibility contract: changing it changes every result.
pub const CHUNK_RUNS: usize = 1 << 16;
/// Runs drawn at once inside a chunk: a block of every input stays in the L1/L2 cache.
pub const BLOCK: usize = 512;

/// What to draw: one distribution and stream per input, the seed and the run count.
#[derive(Debug, Clone)]
pub struct SamplingPlan {
    pub runs: u64,
    pub seed: u64,
    dists: Vec<Dist>,
    streams: Vec<u64>,
    correlated: Option<Correlated>,
    /// Where the inputs were given, to name them when a run's arithmetic fails.
    pub origins: Arc<InputOrigins>,
}

/// Inputs drawn together through a Gaussian copula, from one stream of their own.
#[derive(Debug, Clone)]
struct Correlated {
    copula: Copula,
    /// For each copula variable, the input whose stream supplies its normal.
    members: Vec<usize>,
    /// For each copula variable, every input slot it sets (the input and its aliases).
    targets: Vec<Vec<usize>>,
}

impl SamplingPlan {
    pub fn new(scenario: &Scenario, runs: u64, seed: u64) -> Self {
        SamplingPlan {
            runs,
            seed,
            dists: scenario.inputs.iter().map(|s| s.dist.clone()).collect(),
            streams: scenario
                .inputs
                .iter()
                .map(|s| fnv1a(s.stream.key()))
                .collect(),
            correlated: correlated(scenario),
            origins: Arc::new(scenario.origins()),
        }
    }

    pub fn chunks(&self) -> usize {
        self.runs.div_ceil(CHUNK_RUNS as u64) as usize
    }

    /// Runs in chunk `c` (the last one may be short).
    pub fn chunk_len(&self, c: usize) -> usize {
        let start = c as u64 * CHUNK_RUNS as u64;
        (self.runs - start).min(CHUNK_RUNS as u64) as usize
    }

    pub fn chunk(&self, c: usize) -> ChunkSampler<'_> {
        // A pinned copula member keeps drawing its normal, so the others keep their draws.
        let member = |i: usize| {
            self.correlated
                .as_ref()
                .is_some_and(|k| k.members.contains(&i))
        };
        let rngs = self
            .dists
            .iter()
            .zip(&self.streams)
            .enumerate()
            .map(|(i, (d, &stream))| {
                (!d.is_fixed() || member(i)).then(|| stream_rng(self.seed, stream, c as u64))
            })
            .collect();
        ChunkSampler {
            plan: self,
            rngs,
            left: self.chunk_len(c),
        }
    }

    /// Inputs the copula draws, which must not also draw on their own.
    fn in_copula(&self, i: usize) -> bool {
        self.correlated
            .as_ref()
            .is_some_and(|k| k.targets.iter().any(|t| t.contains(&i)))
    }

    /// The same plan with one input (and every input drawn from its stream) held at `value`:
    /// every other input keeps its draws, so the two plans differ only by that input.
    pub fn with_fixed(&self, input: Input, value: f64) -> SamplingPlan {
        let stream = fnv1a(input.key());
        let mut plan = self.clone();
        for (d, s) in plan.dists.iter_mut().zip(&plan.streams) {
            if *s == stream {
                *d = Dist::fixed(value);
            }
        }
        plan
    }

    /// Every run's value of each of `inputs`, one column per input, in run order.
    pub fn input_columns(&self, inputs: &[Input]) -> Vec<Vec<f64>> {
        let per_chunk: Vec<Vec<Vec<f64>>> = (0..self.chunks())
            .into_par_iter()
            .map(|c| {
                let mut block = self.scratch();
                let mut sampler = self.chunk(c);
                let mut cols = vec![Vec::with_capacity(self.chunk_len(c)); inputs.len()];
                while sampler.next_block(&mut block) {
                    for (col, &input) in cols.iter_mut().zip(inputs) {
                        col.extend_from_slice(block.column(input));
                    }
                }
                cols
            })
            .collect();
        (0..inputs.len())
            .map(|i| {
                per_chunk
                    .iter()
                    .flat_map(|c| c[i].iter().copied())
                    .collect()
            })
            .collect()
    }

    /// A block of input columns with fixed inputs already in place.
    pub fn scratch(&self) -> Block {
        let mut columns = vec![[0.0; BLOCK]; Input::COUNT];
        let mut template = [0.0; Input::COUNT];
        let mut varying = Vec::new();
        for (k, (col, d)) in columns.iter_mut().zip(&self.dists).enumerate() {
            if d.is_fixed() {
                col.fill(d.quantile(0.5));
                template[k] = d.quantile(0.5);
            } else {
                varying.push(k);
            }
        }
        Block {
            columns,
            len: 0,
            template,
            varying,
        }
    }
}

/// Column-major inputs of up to [`BLOCK`] runs.
pub struct Block {
    columns: Vec<[f64; BLOCK]>,
    pub len: usize,
    /// Every fixed input's value, and which inputs vary: a run copies the template and reads
    /// only the varying columns (a handful of the many inputs a scenario can have).
    template: Inputs,
    varying: Vec<usize>,
}

impl Block {
    pub fn column(&self, input: Input) -> &[f64] {
        &self.columns[input.index()][..self.len]
    }

    /// Run `i` of the block as a model input vector.
    #[inline(always)]
    pub fn run(&self, i: usize) -> Inputs {
        let mut x = self.template;
        for &k in &self.varying {
            x[k] = self.columns[k][i];
        }
        x
    }
}

/// Draws one chunk, a block at a time.
pub struct ChunkSampler<'p> {
    plan: &'p SamplingPlan,
    rngs: Vec<Option<Xoshiro256PlusPlus>>,
    left: usize,
}

impl ChunkSampler<'_> {
    /// Fills the next block; returns false when the chunk is done.
    pub fn next_block(&mut self, block: &mut Block) -> bool {
        let n = self.left.min(BLOCK);
        if n == 0 {
            return false;
        }
        for (i, ((col, d), rng)) in block
            .columns
            .iter_mut()
            .zip(&self.plan.dists)
            .zip(&mut self.rngs)
            .enumerate()
        {
            if let Some(rng) = rng
                && !self.plan.in_copula(i)
            {
                d.fill(rng, &mut col[..n]);
            }
        }
        if let Some(k) = &self.plan.correlated {
            draw_correlated(k, &self.plan.dists, &mut self.rngs, &mut block.columns, n);
        }
        block.len = n;
        self.left -= n;
        true
    }
}

/// Correlated normals → uniforms (Φ) → each input's quantile; a pinned (fixed) input keeps its
/// value, the others keep the draws they would have had.
// Run r writes row r of several columns: an index reads more plainly than k iterators.
#[allow(clippy::needless_range_loop)]
fn draw_correlated(
    k: &Correlated,
    dists: &[Dist],
    rngs: &mut [Option<Xoshiro256PlusPlus>],
    columns: &mut [[f64; BLOCK]],
    n: usize,
) {
    let mut z = vec![0.0; k.copula.k];
    for r in 0..n {
        // Each variable's normal comes from its own input's stream, so scenarios that share an
        // input keep sharing its draws whatever else they correlate.
        for (zi, &m) in z.iter_mut().zip(&k.members) {
            *zi = match &mut rngs[m] {
                Some(rng) => rng.sample(StandardNormal),
                None => 0.0,
            };
        }
        k.copula.correlate(&mut z);
        for (zi, targets) in z.iter().zip(&k.targets) {
            // Φ(z) kept strictly inside (0, 1): a quantile at 0 or 1 can be infinite.
            let u = (0.5 * erfc(-zi / std::f64::consts::SQRT_2)).clamp(1e-300, 1.0 - 1e-16);
            for &t in targets {
                if !dists[t].is_fixed() {
                    columns[t][r] = dists[t].quantile(u);
                }
            }
        }
    }
}

fn correlated(scenario: &Scenario) -> Option<Correlated> {
    if scenario.correlations.is_empty() {
        return None;
    }
    let (members, pairs) = crate::scenario::copula_layout(&scenario.correlations);
    let copula = Copula::new(members.len(), &pairs).expect("checked when the scenario was read");
    let targets = members
        .iter()
        .map(|m| scenario.slots_of(scenario.inputs[m.index()].stream))
        .collect();
    let members = members.iter().map(|m| m.index()).collect();
    Some(Correlated {
        copula,
        members,
        targets,
    })
}

/// A seed for one use of the user's seed (`purpose`, e.g. "bootstrap") and an index within it:
/// different purposes and indices give unrelated generators, and no 64-bit seed is folded.
pub fn derive_seed(seed: u64, purpose: &str, index: u64) -> u64 {
    splitmix64(
        splitmix64(seed ^ splitmix64(fnv1a(purpose))) ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15),
    )
}

/// A generator for one (seed, stream, chunk) triple; SplitMix64 decorrelates nearby triples.
fn stream_rng(seed: u64, stream: u64, chunk: u64) -> Xoshiro256PlusPlus {
    let mixed = splitmix64(
        splitmix64(seed ^ splitmix64(stream)) ^ chunk.wrapping_mul(0x9E37_79B9_7F4A_7C15),
    );
    Xoshiro256PlusPlus::seed_from_u64(mixed)
}

fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A hash fixed forever (unlike std's), so stream identities never change between releases.
fn fnv1a(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn plan(text: &str, runs: u64) -> SamplingPlan {
        let s = Scenario::parse(Path::new("t.toml"), text).unwrap();
        SamplingPlan::new(&s, runs, 42)
    }

    const BASE: &str = r#"
        [model]
        params = 1e9
        tokens = 1e12
        [cluster]
        gpus = 100
        peak_tflops = 1000
        mfu = { dist = "uniform", min = 0.3, max = 0.5 }
        [cost]
        gpu_hour_usd = "1 to 3"
    "#;

    fn draws(p: &SamplingPlan, input: Input) -> Vec<f64> {
        let mut out = Vec::new();
        let mut block = p.scratch();
        for c in 0..p.chunks() {
            let mut s = p.chunk(c);
            while s.next_block(&mut block) {
                out.extend_from_slice(block.column(input));
            }
        }
        out
    }

    #[test]
    fn chunks_cover_every_run_once() {
        let p = plan(BASE, 3 * CHUNK_RUNS as u64 + 17);
        assert_eq!(p.chunks(), 4);
        assert_eq!(p.chunk_len(3), 17);
        assert_eq!(draws(&p, Input::Mfu).len(), 3 * CHUNK_RUNS + 17);
    }

    #[test]
    fn a_chunk_drawn_alone_equals_the_same_chunk_drawn_in_sequence() {
        let p = plan(BASE, 2 * CHUNK_RUNS as u64);
        let all = draws(&p, Input::Mfu);
        let mut block = p.scratch();
        let mut s = p.chunk(1);
        s.next_block(&mut block);
        assert_eq!(
            block.column(Input::Mfu),
            &all[CHUNK_RUNS..CHUNK_RUNS + BLOCK]
        );
    }

    #[test]
    fn an_input_draws_the_same_values_whatever_else_the_scenario_holds() {
        let more = BASE.replace(
            "[cost]",
            "downtime = { dist = \"uniform\", min = 0.0, max = 0.1 }\n[cost]",
        );
        let a = draws(&plan(BASE, 5000), Input::Mfu);
        let b = draws(&plan(&more, 5000), Input::Mfu);
        assert_eq!(a, b);
        // ...while different inputs get different streams.
        assert_ne!(draws(&plan(&more, 5000), Input::Downtime)[..10], a[..10]);
    }

    #[test]
    fn input_columns_match_the_block_draws() {
        let p = plan(BASE, 3 * CHUNK_RUNS as u64 + 5);
        let cols = p.input_columns(&[Input::Mfu, Input::GpuHourUsd]);
        assert_eq!(cols[0], draws(&p, Input::Mfu));
        assert_eq!(cols[1], draws(&p, Input::GpuHourUsd));
    }

    #[test]
    fn fixing_an_input_keeps_every_other_draw() {
        let p = plan(BASE, 5000);
        let pinned = p.with_fixed(Input::Mfu, 0.35);
        assert!(draws(&pinned, Input::Mfu).iter().all(|x| *x == 0.35));
        assert_eq!(
            draws(&pinned, Input::GpuHourUsd),
            draws(&p, Input::GpuHourUsd)
        );
    }

    #[test]
    fn active_params_default_follows_params_draw_for_draw() {
        let text = BASE.replace(
            "params = 1e9",
            "params = { dist = \"uniform\", min = 1e9, max = 2e9 }",
        );
        let p = plan(&text, 3000);
        assert_eq!(draws(&p, Input::Params), draws(&p, Input::ActiveParams));
    }
}
