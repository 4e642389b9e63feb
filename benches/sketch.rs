//! Exact streamed percentiles against a relative-error sketch (DDSketch; Masson, Rim & Lee,
//! "DDSketch: a fast and fully-mergeable quantile sketch with relative-error guarantees",
//! VLDB 2019), on the bundled scenario `scenarios/llama-3.1-405b.toml`: the choice
//! `src/stats/stream/` made, measured.
//!
//! Both reduce `total_cost_usd` of 4M runs (seed 42, Monte Carlo) to P5, P50 and P95 while
//! the runs are drawn and evaluated, chunk by chunk on all cores:
//!
//! - `exact`: [`flopcast::stats::stream::stream`], what every command uses: moments and
//!   brackets as the runs are drawn, the percentiles exactly those of the stored sample.
//! - `ddsketch/α`: each chunk's values into a DDSketch of relative accuracy α, the chunks'
//!   sketches merged (bucket counts added), the percentiles read from the merged sketch. The
//!   sketch is written here (about forty lines; no crate needed): bucket i holds the values in
//!   (γ^(i−1), γ^i], γ = (1 + α)/(1 − α), and reads as 2γ^i/(γ + 1).
//!
//! A sketch may be used only where its error is at most a tenth of the reported Monte Carlo ±
//! (the standard the streaming statistics were held to). That ± shrinks as 1/√runs, so α must
//! too, and the sketch's buckets grow as √runs: at 4M runs the ± of P50 is about 0.03% of it,
//! so α = 3e-5; at 1e9 runs α = 2e-6. The bench prints, for each α, the sketch's worst
//! relative error against the exact percentiles and its buckets.
//!
//! Run it with `cargo bench --bench sketch`.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};

use flopcast::model::Metric;
use flopcast::sample::SamplingPlan;
use flopcast::scenario::Scenario;
use flopcast::simulate::{Single, fold_blocks};
use flopcast::stats::stream::{Part, Tuning, stream};

const RUNS: u64 = 1 << 22;
const BAND: [f64; 3] = [5.0, 50.0, 95.0];
const ALPHAS: [f64; 3] = [1e-3, 3e-5, 2e-6];

/// Counts of positive values in buckets of relative width 2α.
#[derive(Clone)]
struct DdSketch {
    ln_gamma: f64,
    /// The index of `counts[0]`.
    offset: i64,
    counts: Vec<u64>,
    n: u64,
}

impl DdSketch {
    fn new(alpha: f64) -> Self {
        DdSketch {
            ln_gamma: ((1.0 + alpha) / (1.0 - alpha)).ln(),
            offset: 0,
            counts: Vec::new(),
            n: 0,
        }
    }

    fn index(&self, x: f64) -> i64 {
        (x.ln() / self.ln_gamma).ceil() as i64
    }

    fn add_count(&mut self, i: i64, count: u64) {
        if self.counts.is_empty() {
            self.offset = i;
        }
        if i < self.offset {
            let grow = (self.offset - i) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.offset = i;
        }
        let k = (i - self.offset) as usize;
        if k >= self.counts.len() {
            self.counts.resize(k + 1, 0);
        }
        self.counts[k] += count;
        self.n += count;
    }

    fn insert(&mut self, x: f64) {
        self.add_count(self.index(x), 1);
    }

    fn merge(&mut self, other: &DdSketch) {
        for (k, &c) in other.counts.iter().enumerate().filter(|(_, c)| **c > 0) {
            self.add_count(other.offset + k as i64, c);
        }
    }

    /// The value at rank q·(n − 1), as its bucket's midpoint in relative terms.
    fn quantile(&self, q: f64) -> f64 {
        let rank = (q * (self.n - 1) as f64).floor() as u64;
        let mut seen = 0;
        for (k, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen > rank {
                let gamma = self.ln_gamma.exp();
                let i = self.offset + k as i64;
                return 2.0 * (i as f64 * self.ln_gamma).exp() / (gamma + 1.0);
            }
        }
        f64::NAN
    }
}

fn scenario() -> Scenario {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/llama-3.1-405b.toml");
    Scenario::load(&path).expect("the bundled scenario loads")
}

fn exact(plan: &SamplingPlan, scenario: &Scenario) -> Vec<f64> {
    let single = Single::new(plan, scenario.options);
    let (part, events) = Part::alone(&scenario.options.metrics(), Default::default());
    let mut s = stream(&single, &|_| {}, &BAND, &events, Tuning::default());
    let summary = s.summary(part.column(Metric::TotalCostUsd), &BAND);
    summary
        .percentiles
        .iter()
        .map(|p| p.estimate.value)
        .collect()
}

fn sketched(plan: &SamplingPlan, scenario: &Scenario, alpha: f64) -> (Vec<f64>, usize) {
    let states = vec![DdSketch::new(alpha); plan.chunks()];
    let chunks = fold_blocks(plan, scenario.options, &|_| {}, states, |sketch, e| {
        for &x in &e.outputs[Metric::TotalCostUsd.index()][..e.len] {
            sketch.insert(x);
        }
    });
    let mut all = DdSketch::new(alpha);
    for c in &chunks {
        all.merge(c);
    }
    let band = BAND.iter().map(|p| all.quantile(p / 100.0)).collect();
    (band, all.counts.len())
}

fn percentiles(c: &mut Criterion) {
    let scenario = scenario();
    let plan = SamplingPlan::new(&scenario, RUNS, 42);
    let truth = exact(&plan, &scenario);
    for alpha in ALPHAS {
        let (band, buckets) = sketched(&plan, &scenario, alpha);
        let worst = band
            .iter()
            .zip(&truth)
            .map(|(s, t)| ((s - t) / t).abs())
            .fold(0.0, f64::max);
        eprintln!(
            "ddsketch α = {alpha:e}: worst relative error {worst:.2e} over P5/P50/P95, \
             {buckets} buckets after merging"
        );
    }
    let mut g = c.benchmark_group("percentiles");
    g.sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .measurement_time(Duration::from_secs(10))
        .throughput(Throughput::Elements(RUNS));
    g.bench_function("exact", |b| b.iter(|| black_box(exact(&plan, &scenario))));
    for alpha in ALPHAS {
        g.bench_with_input(BenchmarkId::new("ddsketch", alpha), &alpha, |b, &a| {
            b.iter(|| black_box(sketched(&plan, &scenario, a)))
        });
    }
    g.finish();
}

criterion_group!(benches, percentiles);
criterion_main!(benches);
