//! The check report as JSON: the same findings as the terminal, as data.

use serde::Serialize;

use super::{CheckReport, Flaw};
use crate::report::{Exporter, JsonExporter, SCHEMA_VERSION, json_bytes};
use crate::scenario::{NEAREST_RUNS, ReferenceUse};
use crate::stats::Estimate;

#[derive(Serialize)]
struct CheckJson<'a> {
    schema_version: u32,
    flopcast_version: &'static str,
    scenario: &'a str,
    file: String,
    runs: u64,
    seed: u64,
    inputs: Vec<InputJson>,
    reference: Option<ReferenceJson>,
    flaw_of_averages: Vec<FlawJson>,
}

#[derive(Serialize)]
struct InputJson {
    key: &'static str,
    /// As written in the file; null for defaults.
    written: Option<String>,
    distribution: String,
    fixed: bool,
    mean: f64,
    p5: f64,
    p50: f64,
    p95: f64,
}

#[derive(Serialize)]
struct ReferenceJson {
    fitted_to: String,
    runs: usize,
    excluded: Vec<String>,
    hardware: &'static str,
    precision: String,
    chips: f64,
    params_active: f64,
    year: f64,
    /// The predictive of ln u against the 16-bit peak: a Student t.
    ln_u_df: f64,
    ln_u_location: f64,
    ln_u_scale: f64,
    residual_sd: f64,
    terms: Vec<TermJson>,
    nearest: Vec<NeighbourJson>,
    /// Why the scenario lies outside the reference class; empty inside it.
    outside: Vec<String>,
}

#[derive(Serialize)]
struct TermJson {
    name: &'static str,
    estimate: f64,
    sd: f64,
}

#[derive(Serialize)]
struct NeighbourJson {
    model: String,
    hardware: &'static str,
    chips: f64,
    params_active: f64,
    published: String,
    utilisation: f64,
    distance: f64,
}

#[derive(Serialize)]
struct FlawJson {
    metric: &'static str,
    at_means: f64,
    mc_mean: Estimate,
    at_medians: f64,
    mc_median: f64,
}

impl Exporter<CheckReport<'_>> for JsonExporter {
    fn export(&self, r: &CheckReport) -> std::io::Result<Vec<u8>> {
        json_bytes(&check_json(r))
    }
}

fn check_json<'a>(r: &'a CheckReport) -> CheckJson<'a> {
    let scenario = r.scenario;
    let inputs = scenario
        .inputs
        .iter()
        .filter(|s| s.used)
        .map(|s| InputJson {
            key: s.input.key(),
            written: s.written.clone(),
            distribution: s.dist.to_string(),
            fixed: s.dist.is_fixed(),
            mean: s.dist.mean(),
            p5: s.dist.quantile(0.05),
            p50: s.dist.median(),
            p95: s.dist.quantile(0.95),
        })
        .collect();
    CheckJson {
        schema_version: SCHEMA_VERSION,
        flopcast_version: env!("CARGO_PKG_VERSION"),
        scenario: &scenario.name,
        file: scenario.path.display().to_string(),
        runs: r.runs,
        seed: r.seed,
        inputs,
        reference: scenario.reference.as_deref().map(reference_json),
        flaw_of_averages: r.flaws.iter().map(flaw_json).collect(),
    }
}

fn reference_json(r: &ReferenceUse) -> ReferenceJson {
    ReferenceJson {
        fitted_to: r.prior.set_name.clone(),
        runs: r.prior.runs.len(),
        excluded: r.excluded.clone(),
        hardware: r.hardware,
        precision: r.precision.clone(),
        chips: r.facts.chips,
        params_active: r.facts.params_active,
        year: r.facts.year,
        ln_u_df: r.predictive.df,
        ln_u_location: r.predictive.location,
        ln_u_scale: r.predictive.scale,
        residual_sd: r.prior.regression.residual_sd(),
        terms: r
            .prior
            .coefficients()
            .into_iter()
            .map(|(name, c)| TermJson {
                name,
                estimate: c.estimate,
                sd: c.sd,
            })
            .collect(),
        nearest: r
            .prior
            .nearest(&r.facts, NEAREST_RUNS)
            .into_iter()
            .map(|(run, distance)| NeighbourJson {
                model: run.model.clone(),
                hardware: run.hardware,
                chips: run.chips,
                params_active: run.params_active,
                published: run.published_text.clone(),
                utilisation: run.utilisation(),
                distance,
            })
            .collect(),
        outside: r.outside.clone(),
    }
}

fn flaw_json(f: &Flaw) -> FlawJson {
    FlawJson {
        metric: f.metric.name(),
        at_means: f.at_means,
        mc_mean: f.mc_mean,
        at_medians: f.at_medians,
        mc_median: f.mc_median,
    }
}
