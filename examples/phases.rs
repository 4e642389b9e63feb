//! Where the time of a `run` goes: sampling + model vs statistics.
use flopcast::{model::Metric, sample::SamplingPlan, scenario::Scenario, simulate, stats};
use std::path::Path;
use std::time::Instant;

fn main() {
    let runs: u64 = std::env::args()
        .nth(1)
        .map_or(10_000_000, |s| s.parse().unwrap());
    let s = Scenario::load(Path::new("scenarios/llama-3.1-405b.toml")).unwrap();
    let plan = SamplingPlan::new(&s, runs, 42);
    let t = Instant::now();
    let sim = simulate::simulate(&plan, s.options, &|_| {});
    let t1 = t.elapsed().as_secs_f64();
    println!(
        "simulate: {t1:.3} s ({:.1} M runs/s)",
        runs as f64 / t1 / 1e6
    );
    for m in Metric::ALL {
        let t = Instant::now();
        let _ = stats::summarize(sim.column(m), &[5.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0]);
        println!("summarize {}: {:.3} s", m.name(), t.elapsed().as_secs_f64());
    }
}
