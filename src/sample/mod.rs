//! Reproducible draws of every input: a sampling plan is plain data, its draws depend only on
//! the seed, the scheme, the input's stream key and the run's index, never on the thread count.
//!
//! Every input is drawn by inversion, x = F⁻¹(u), from uniforms of its own stream (see
//! [`scheme`]): one uniform per draw, computed from the run's index without state. So any run
//! can be drawn alone, in any order, by any thread, with the same result; and two scenarios,
//! sweep points or overrides that share an input draw it from the same uniforms, so their draws
//! are paired rank for rank (comonotone) whatever distribution each gives it.

pub mod saltelli;
pub mod scheme;
mod shared;

use std::sync::Arc;

use rayon::prelude::*;

use crate::copula::Copula;
use crate::dist::Dist;
use crate::dist::inverse::from_normal::FromNormal;
use crate::dist::inverse::{Inverse, normal, standard_normal_fill};
use crate::error::InputOrigins;
use crate::model::{Input, Inputs};
use crate::scenario::Scenario;
use scheme::{Scheme, Uniforms};

/// Runs per chunk: the unit of parallel work and of progress. Results do not depend on it.
pub const CHUNK_RUNS: usize = 1 << 16;
/// Runs drawn at once inside a chunk: a block of every input stays in the L1/L2 cache.
pub const BLOCK: usize = 512;
/// The length of a block's column in memory: a few doubles more than [`BLOCK`], so that the
/// columns do not start 4 KiB apart, where every column's row would fall in the same cache set.
pub const STRIDE: usize = BLOCK + 8;

/// What to draw: each input's inverse CDF and stream, the uniforms' scheme and seed, the runs.
#[derive(Debug, Clone)]
pub struct SamplingPlan {
    pub runs: u64,
    pub seed: u64,
    pub uniforms: Uniforms,
    inputs: Vec<Drawn>,
    correlated: Option<Correlated>,
    /// Where the inputs were given, to name them when a run's arithmetic fails.
    pub origins: Arc<InputOrigins>,
}

/// One input as the plan draws it.
#[derive(Debug, Clone)]
struct Drawn {
    dist: Dist,
    inverse: Arc<Inverse>,
    /// For an input the copula draws: its inverse read straight from the normal, where one
    /// meets the bound (see [`FromNormal`]).
    from_normal: Option<Arc<FromNormal>>,
    /// The stream's key, hashed: inputs that must be equal share it.
    stream: u64,
    /// The stream's coordinate in a Sobol point: its input's index, the same in every scenario.
    dimension: u32,
}

/// Inputs drawn together through a Gaussian copula.
#[derive(Debug, Clone)]
struct Correlated {
    copula: Copula,
    /// For each copula variable, the input whose stream supplies its normal.
    members: Vec<usize>,
    /// For each copula variable, every input slot it sets (the input and its aliases).
    targets: Vec<Vec<usize>>,
}

impl SamplingPlan {
    /// A Monte Carlo plan; [`SamplingPlan::with_scheme`] stratifies it.
    pub fn new(scenario: &Scenario, runs: u64, seed: u64) -> Self {
        let mut plan = SamplingPlan {
            runs,
            seed,
            uniforms: Uniforms::new(Scheme::MonteCarlo, seed, runs),
            inputs: scenario
                .inputs
                .iter()
                .map(|s| Drawn {
                    inverse: shared::inverse(&s.dist, inverse_of),
                    from_normal: None,
                    dist: s.dist.clone(),
                    stream: fnv1a(s.stream.key()),
                    dimension: s.stream.index() as u32,
                })
                .collect(),
            correlated: correlated(scenario),
            origins: Arc::new(scenario.origins()),
        };
        for i in 0..plan.inputs.len() {
            if plan.in_copula(i) {
                plan.inputs[i].from_normal = shared::from_normal(&plan.inputs[i].inverse);
            }
        }
        plan
    }

    /// The same plan with its uniforms laid out by `scheme`.
    pub fn with_scheme(mut self, scheme: Scheme) -> Self {
        self.uniforms = Uniforms::new(scheme, self.seed, self.runs);
        self
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
        self.stretch(c as u64 * CHUNK_RUNS as u64, self.chunk_len(c))
    }

    /// Draws runs `first..first + len` (each run's inputs depend on its index alone, so any
    /// stretch is drawn as it is within its chunk).
    pub fn stretch(&self, first: u64, len: usize) -> ChunkSampler<'_> {
        ChunkSampler {
            plan: self,
            next: first,
            left: len,
            u: Box::new([0.0; BLOCK]),
            normals: vec![[0.0; BLOCK]; self.correlated.as_ref().map_or(0, |k| k.copula.k)],
        }
    }

    /// The same plan for the run named `member` of a portfolio: every input whose stream is
    /// not that of one of `shared` draws from its stream salted by the name, so the portfolio's runs
    /// draw independently of each other (and a run keeps its draws when others are added or
    /// reordered), while the shared inputs draw the uniforms every run of the portfolio draws.
    /// A run's own luck is never shared.
    pub fn for_member(mut self, member: &str, shared: &[Input]) -> Self {
        let salt = scheme::mix(fnv1a(member) ^ scheme::mix(fnv1a("portfolio.run")));
        // An input drawn from another's stream (active_params following params) shares that
        // stream, and with it the input it follows.
        let kept: Vec<u64> = shared
            .iter()
            .filter(|i| !i.is_luck())
            .map(|i| self.inputs[i.index()].stream)
            .collect();
        for d in self.inputs.iter_mut().filter(|d| !kept.contains(&d.stream)) {
            d.stream = scheme::mix(d.stream ^ salt);
        }
        self
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
        let fixed = Dist::fixed(value);
        let inverse = shared::inverse(&fixed, inverse_of);
        for d in plan.inputs.iter_mut().filter(|d| d.stream == stream) {
            d.dist = fixed.clone();
            d.inverse = inverse.clone();
            d.from_normal = None;
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
        let mut columns: Box<[[f64; STRIDE]; Input::COUNT]> = vec![[0.0; STRIDE]; Input::COUNT]
            .try_into()
            .expect("one column per input");
        let mut template = [0.0; Input::COUNT];
        let mut varying = Vec::new();
        for (k, (col, d)) in columns.iter_mut().zip(&self.inputs).enumerate() {
            if d.dist.is_fixed() {
                col.fill(d.dist.quantile(0.5));
                template[k] = d.dist.quantile(0.5);
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

/// The inverse CDF of `dist`; where no table can meet the u-error bound (no distribution the
/// checks admit is known to), its own quantile search: slower, and only as accurate as that
/// search (1e-11 in u for a truncated gamma, against the table's 1e-12), but never a failure.
fn inverse_of(dist: &Dist) -> Inverse {
    Inverse::new(dist).unwrap_or_else(|_| Inverse::exact(dist))
}

/// Column-major inputs of up to [`BLOCK`] runs.
pub struct Block {
    columns: Box<[[f64; STRIDE]; Input::COUNT]>,
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

    /// Every input's column, the first [`Block::len`] runs filled.
    pub fn columns(&self) -> &[[f64; STRIDE]; Input::COUNT] {
        &self.columns
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
    /// The index of the next run to draw.
    next: u64,
    left: usize,
    /// Scratch for one input's uniforms.
    u: Box<[f64; BLOCK]>,
    /// Scratch for the copula's normals, one column per member, kept across blocks (zeroed
    /// afresh for every block they cost 0.16 ns a run more).
    normals: Vec<[f64; BLOCK]>,
}

impl ChunkSampler<'_> {
    /// Fills the next block; returns false when the chunk is done.
    pub fn next_block(&mut self, block: &mut Block) -> bool {
        let n = self.left.min(BLOCK);
        if n == 0 {
            return false;
        }
        let plan = self.plan;
        let u = &mut self.u[..n];
        for (i, (col, d)) in block.columns.iter_mut().zip(&plan.inputs).enumerate() {
            if !d.dist.is_fixed() && !plan.in_copula(i) {
                plan.uniforms.fill(d.stream, d.dimension, self.next, u);
                d.inverse.fill(u, &mut col[..n]);
            }
        }
        if let Some(k) = &plan.correlated {
            let scratch = (&mut self.normals[..], &mut *self.u);
            draw_correlated(plan, k, self.next, scratch, &mut block.columns[..], n);
        }
        block.len = n;
        self.next += n as u64;
        self.left -= n;
        true
    }
}

/// Each member's uniform → a normal (Φ⁻¹) → correlated normals → each input's inverse CDF at
/// Φ(z). A member's uniform comes from its own stream, so scenarios that share an input keep
/// sharing its uniforms whatever else they correlate (its draws paired rank for rank, equal
/// within the u-error bound), and a pinned (fixed) member keeps the others' draws as they
/// were. Every step runs a block at a time, vectorised: the normals (AS 241), the Cholesky
/// product, and each input's x, read from its normal where it has a grid for that
/// ([`FromNormal`]), else through Φ ([`normal::smaller_tail`]) and its inverse.
/// The first member's normal is its own (the Cholesky factor's first row is (1)): without a
/// grid it is drawn from its uniform directly, with no round trip through Φ⁻¹ and Φ.
fn draw_correlated(
    plan: &SamplingPlan,
    k: &Correlated,
    first: u64,
    (normals, u): (&mut [[f64; BLOCK]], &mut [f64; BLOCK]),
    columns: &mut [[f64; STRIDE]],
    n: usize,
) {
    let gridded = |targets: &[usize]| {
        targets
            .iter()
            .all(|&t| plan.inputs[t].dist.is_fixed() || plan.inputs[t].from_normal.is_some())
    };
    let direct = k.copula.keeps_first() && !gridded(&k.targets[0]);
    for (i, (z, &m)) in normals.iter_mut().zip(&k.members).enumerate() {
        let d = &plan.inputs[m];
        plan.uniforms
            .fill(d.stream, d.dimension, first, &mut u[..n]);
        standard_normal_fill(&u[..n], &mut z[..n]);
        if i == 0 && direct {
            fill_targets(plan, &k.targets[0], &u[..n], columns);
        }
    }
    crate::simd::vectorised(
        #[inline(always)]
        || k.copula.correlate_block(normals, n),
    );
    for (z, targets) in normals.iter().zip(&k.targets).skip(usize::from(direct)) {
        if gridded(targets) {
            for &t in targets {
                if let Some(grid) = &plan.inputs[t].from_normal {
                    grid.fill(&z[..n], &mut columns[t][..n]);
                }
            }
        } else {
            through_phi(plan, targets, &z[..n], &mut u[..n], columns);
        }
    }
}

/// Each varying input of `targets` at Φ(z) through its inverse.
fn through_phi(
    plan: &SamplingPlan,
    targets: &[usize],
    z: &[f64],
    u: &mut [f64],
    columns: &mut [[f64; STRIDE]],
) {
    let n = z.len().min(u.len());
    let mut tail = [0.0; BLOCK];
    // Far in the upper tail, 1 − p keeps few of p's digits (and is 1 below 1.1e-16): the
    // inverse works from p itself there. Above 2⁻²⁰, rounding 1 − p moves u by at most
    // 1.1e-16, far inside the inverse's u-error. About one run in a million is that far
    // out, so the block is scanned for them only when it has one.
    let far = crate::simd::vectorised(
        #[inline(always)]
        || {
            let mut far = 0u32;
            for r in 0..n {
                let p = normal::smaller_tail(z[r]);
                tail[r] = p;
                u[r] = if z[r] > 0.0 { 1.0 - p } else { p };
                far += u32::from(z[r] > 0.0 && p < UPPER_FROM_TAIL);
            }
            far
        },
    );
    fill_targets(plan, targets, &u[..n], columns);
    if far > 0 {
        for &t in targets.iter().filter(|&&t| !plan.inputs[t].dist.is_fixed()) {
            for r in 0..n {
                if z[r] > 0.0 && tail[r] < UPPER_FROM_TAIL {
                    columns[t][r] = plan.inputs[t].inverse.at_upper(tail[r]);
                }
            }
        }
    }
}

/// Each varying input of `targets` at the uniforms `u`.
fn fill_targets(plan: &SamplingPlan, targets: &[usize], u: &[f64], columns: &mut [[f64; STRIDE]]) {
    for &t in targets {
        let d = &plan.inputs[t];
        if !d.dist.is_fixed() {
            d.inverse.fill(u, &mut columns[t][..u.len()]);
        }
    }
}

/// Below this upper-tail probability a correlated draw is inverted from the tail itself.
const UPPER_FROM_TAIL: f64 = 1.0 / (1u64 << 20) as f64;

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
    scheme::mix(
        scheme::mix(seed ^ scheme::mix(fnv1a(purpose))) ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15),
    )
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
    fn any_stretch_of_runs_is_drawn_as_within_its_chunk() {
        let correlated = format!(
            "{BASE}\n[[correlation]]\nbetween = [\"cluster.mfu\", \"cost.gpu_hour_usd\"]\nspearman = -0.5\n"
        );
        for text in [BASE, correlated.as_str()] {
            for scheme in [Scheme::MonteCarlo, Scheme::Sobol] {
                let p = plan(text, 2 * CHUNK_RUNS as u64).with_scheme(scheme);
                let all = draws(&p, Input::GpuHourUsd);
                // Starting off a block's edge, and crossing a chunk's.
                let (first, len) = (CHUNK_RUNS - 700, 1500);
                let mut stretch = Vec::new();
                let (mut block, mut s) = (p.scratch(), p.stretch(first as u64, len));
                while s.next_block(&mut block) {
                    stretch.extend_from_slice(block.column(Input::GpuHourUsd));
                }
                assert_eq!(stretch, all[first..first + len], "{scheme:?}");
            }
        }
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
    fn portfolio_runs_draw_apart_but_for_what_they_share() {
        let text = BASE.replace(
            "params = 1e9",
            "params = { dist = \"uniform\", min = 1e9, max = 2e9 }",
        );
        let p = plan(&text, 3000);
        let (a, b) = (
            p.clone().for_member("a", &[Input::Mfu]),
            p.clone().for_member("b", &[Input::Mfu]),
        );
        assert_eq!(draws(&a, Input::Mfu), draws(&b, Input::Mfu));
        assert_eq!(draws(&a, Input::Mfu), draws(&p, Input::Mfu));
        assert_ne!(draws(&a, Input::GpuHourUsd), draws(&b, Input::GpuHourUsd));
        // A run keeps its draws whatever the others are called.
        assert_eq!(
            draws(&a, Input::GpuHourUsd),
            draws(&p.clone().for_member("a", &[]), Input::GpuHourUsd)
        );
        // Sharing an alias shares the stream it follows: active_params follows params.
        let (a, b) = (
            p.clone().for_member("a", &[Input::ActiveParams]),
            p.clone().for_member("b", &[Input::ActiveParams]),
        );
        assert_eq!(
            draws(&a, Input::ActiveParams),
            draws(&b, Input::ActiveParams)
        );
        assert_eq!(draws(&a, Input::Params), draws(&a, Input::ActiveParams));
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

    /// Pinning a copula member keeps every other member's draws, bit for bit: the pinned
    /// member's normal still comes from its stream and is mixed as before.
    #[test]
    fn fixing_a_correlated_member_keeps_the_others_draws() {
        let p = plan(&two_correlated_perts(), 20_000);
        let pinned = p.with_fixed(Input::Mfu, 0.4);
        assert!(draws(&pinned, Input::Mfu).iter().all(|&x| x == 0.4));
        let (a, b) = (draws(&p, Input::Downtime), draws(&pinned, Input::Downtime));
        assert!(a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()));
    }

    /// The Llama-like base with its MFU and downtime PERTs at Spearman −0.4.
    fn two_correlated_perts() -> String {
        BASE.replace(
            r#"mfu = { dist = "uniform", min = 0.3, max = 0.5 }"#,
            r#"mfu = { dist = "pert", min = 0.33, mode = 0.40, max = 0.45 }
            downtime = { dist = "pert", min = 0.02, mode = 0.08, max = 0.20 }"#,
        ) + r#"
            [[correlation]]
            between = ["cluster.mfu", "cluster.downtime"]
            spearman = -0.4
        "#
    }

    /// Read from their grids or through Φ and their inverses, correlated members draw the same
    /// values within the bound: both within U_ERROR of the quantile of the same Φ(z).
    #[test]
    fn correlated_members_draw_from_their_grids_what_phi_and_the_inverse_give() {
        let p = plan(&two_correlated_perts(), 20_000);
        let mut through_phi = p.clone();
        for (i, d) in through_phi.inputs.iter_mut().enumerate() {
            assert_eq!(d.from_normal.is_some(), p.in_copula(i), "input {i}");
            d.from_normal = None;
        }
        for (input, (min, mode, max)) in [
            (Input::Mfu, (0.33, 0.40, 0.45)),
            (Input::Downtime, (0.02, 0.08, 0.20)),
        ] {
            let d = Dist::new(crate::dist::families::Beta::pert(min, mode, max, 4.0).unwrap());
            let (a, b) = (draws(&p, input), draws(&through_phi, input));
            for (x, y) in a.iter().zip(&b) {
                let gap = (d.cdf(*x) - d.cdf(*y)).abs();
                assert!(
                    gap <= 2.0 * crate::dist::inverse::U_ERROR,
                    "{input:?}: {x} vs {y}"
                );
            }
        }
    }

    #[test]
    fn the_exact_fallback_draws_the_distributions_own_quantile() {
        let d = Dist::truncated(
            crate::dist::families::Gamma::new(2.0, 1.5).unwrap(),
            0.5,
            9.0,
        )
        .unwrap();
        let table = inverse_of(&d);
        let fallback = Inverse::exact(&d);
        for u in [1e-12, 0.01, 0.3, 0.5, 0.77, 0.999, 1.0 - 1e-12] {
            // The table within its bound; the quantile search within its own looser one.
            let miss = |x: f64| (d.cdf(x) - u).abs();
            assert!(miss(table.at(u)) <= 1e-12, "table, u = {u}");
            assert!(miss(fallback.at(u)) <= 1e-10, "exact, u = {u}");
        }
    }
}
