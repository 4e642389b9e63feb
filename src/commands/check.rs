//! `flopcast check`: validate a scenario, show each input's resolved distribution, and set the
//! model at the inputs' means beside the Monte Carlo mean: the flaw of averages.

use super::progress::Progress;
use std::path::PathBuf;

use super::check_json::check_json;
use crate::error::Error;
use crate::memory;
use crate::model::{self, Input, Metric};
use crate::output::OutputSet;
use crate::report::table::text_table;
use crate::report::{human, human_sig, printable};
use crate::sample::SamplingPlan;
use crate::scenario::{NEAREST_RUNS, ReferenceUse, Scenario};
use crate::simulate;
use crate::stats;
use crate::stats::Estimate;
use crate::units::compact;

pub const DEFAULT_CHECK_RUNS: u64 = 200_000;

#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub scenario: PathBuf,
    pub runs: Option<u64>,
    pub seed: Option<u64>,
    pub threads: usize,
    pub progress: bool,
    /// Write the findings as JSON.
    pub json: Option<PathBuf>,
}

pub fn check(opts: &CheckOptions) -> Result<String, Error> {
    let scenario = Scenario::load(&opts.scenario)?;
    let runs = opts.runs.unwrap_or(DEFAULT_CHECK_RUNS);
    let (_, seed) = super::runs_and_seed(&scenario, None, opts.seed);
    let mut outputs = OutputSet::new(&scenario.input_files());
    outputs.file("--json", opts.json.as_deref())?;
    super::check_memory(runs, |r| peak(&scenario, r, opts.threads))?;
    let mut out = format!(
        "{} ({}): valid\n\n",
        printable(&scenario.name),
        printable(&opts.scenario.display().to_string())
    );
    out.push_str(&describe_inputs(&scenario));
    if let Some(r) = &scenario.reference {
        out.push_str(&describe_reference(r));
    }
    let plan = SamplingPlan::new(&scenario, runs, seed);
    let progress = Progress::new(runs, opts.progress, "runs");
    let sim = super::with_threads(opts.threads, || {
        simulate::simulate(&plan, scenario.options, &|n| progress.advance(n))
    })?;
    progress.finish();
    sim.ensure_finite()?;
    let flaws = flaws(&scenario, &sim);
    out.push_str(&flaw_of_averages(&scenario, &flaws, runs));
    if let Some(path) = &opts.json {
        outputs.write_encoded(path, check_json(&scenario, runs, seed, &flaws))?;
    }
    outputs.commit()?;
    Ok(out)
}

/// Peak bytes of `flopcast check` with these options: a run's (see [`memory::run`]).
pub fn peak_bytes(opts: &CheckOptions) -> Result<u64, Error> {
    let scenario = Scenario::load(&opts.scenario)?;
    let runs = opts.runs.unwrap_or(DEFAULT_CHECK_RUNS);
    Ok(peak(&scenario, runs, opts.threads))
}

fn peak(scenario: &Scenario, runs: u64, threads: usize) -> u64 {
    let metrics = scenario.options.metrics().len() as u64;
    memory::run(runs, metrics, memory::threads(threads))
}

fn describe_inputs(scenario: &Scenario) -> String {
    let mut out = String::from("Uncertain inputs\n");
    let mut fixed = Vec::new();
    for spec in scenario.inputs.iter().filter(|s| s.used) {
        let d = &spec.dist;
        let written = match spec.input {
            Input::FailureLuck => "(drawn for every run: the luck of the failure process)",
            _ => spec.written.as_deref().unwrap_or("(default)"),
        };
        if d.is_fixed() {
            let note = if spec.written.is_none() {
                " (default)"
            } else {
                ""
            };
            fixed.push(format!(
                "  {} = {}{note}",
                spec.input.key(),
                crate::units::general(d.median())
            ));
            continue;
        }
        out.push_str(&format!(
            "  {} = {}\n",
            spec.input.key(),
            printable(written)
        ));
        out.push_str(&format!("      {d}\n"));
        out.push_str(&format!(
            "      mean {}   P5 {}   P50 {}   P95 {}\n",
            compact(d.mean(), 4),
            compact(d.quantile(0.05), 4),
            compact(d.median(), 4),
            compact(d.quantile(0.95), 4)
        ));
    }
    if scenario.uncertain_inputs().next().is_none() {
        out.push_str("  (none: every input is a point value)\n");
    }
    out.push_str("\nFixed inputs\n");
    out.push_str(&fixed.join("\n"));
    out.push('\n');
    if scenario.options.labor_follows_run {
        out.push_str("\nLabor is paid for months_before + the training run + months_after.\n");
    }
    out
}

/// The fitted utilisation prior: what it was fitted to, its terms, the resolved band and the
/// reference runs most like this scenario.
fn describe_reference(r: &ReferenceUse) -> String {
    let g = crate::units::general;
    let f = &r.facts;
    let mut out = format!(
        "\nUtilisation prior (`cluster.mfu`, line {}): fitted to {} runs of {}",
        r.line,
        r.prior.runs.len(),
        printable(&r.prior.set_name)
    );
    if !r.excluded.is_empty() {
        out.push_str(&format!(
            ", leaving out {}",
            printable(&r.excluded.join(", "))
        ));
    }
    out.push_str(&format!(
        "\n  resolved for {} chips of {} ({}), {} active parameters{}, year {}\n",
        g(f.chips),
        r.hardware,
        r.precision,
        billions(f.params_active),
        if f.params_active < f.params_total {
            ", mixture of experts"
        } else {
            ", dense"
        },
        f.year
    ));
    if !r.at_median.is_empty() {
        out.push_str(&format!(
            "  ({} taken at the median of its distribution)\n",
            r.at_median.join(", ")
        ));
    }
    let p = &r.predictive;
    out.push_str(&format!(
        "  ln u against the 16-bit peak ~ Student t: {} degrees of freedom, location {:.3}, scale {:.3}\n",
        g(p.df),
        p.location,
        p.scale
    ));
    out.push_str(&format!(
        "  effective utilisation (downtime included) against the 16-bit peak: P5 {:.3}   P50 {:.3}   P95 {:.3}\n",
        p.quantile(0.05).exp(),
        p.location.exp(),
        p.quantile(0.95).exp()
    ));
    out.push_str(&format!(
        "  fit: residual sd of ln u {:.3}; terms (estimate ± sd):\n",
        r.prior.regression.residual_sd()
    ));
    for (name, c) in r.prior.coefficients() {
        out.push_str(&format!(
            "    {name:<28} {:>8.3} ± {:.3}\n",
            c.estimate, c.sd
        ));
    }
    out.push_str("  nearest reference runs (utilisation against the 16-bit peak):\n");
    for (run, distance) in r.prior.nearest(f, NEAREST_RUNS) {
        out.push_str(&format!(
            "    {:<28} {:>6} × {:<9} {:>7} active  {}   u {:.3}   (distance {:.2})\n",
            printable(&run.model),
            g(run.chips),
            run.hardware,
            billions(run.params_active),
            printable(&run.published_text),
            run.utilisation(),
            distance
        ));
    }
    if r.outside.is_empty() {
        out.push_str("  within the reference class\n");
    } else {
        for reason in &r.outside {
            out.push_str(&format!("  outside the reference class: {reason}\n"));
        }
    }
    out
}

/// A parameter count in billions, as model names give it: "6.053B".
fn billions(params: f64) -> String {
    format!("{}B", crate::units::general(params / 1e9))
}

/// Failure histories averaged when the model is evaluated at a point: with `[failures]`, one
/// evaluation is one simulated history (`failures.luck` seeds it), not a typical one.
const FAILURE_HISTORIES: usize = 1_000;

const FLAW_METRICS: [Metric; 5] = [
    Metric::TrainDays,
    Metric::GpuHours,
    Metric::ComputeCostUsd,
    Metric::LaborCostUsd,
    Metric::TotalCostUsd,
];

/// One output: the model at the inputs' means and medians against the simulated runs.
#[derive(Debug, Clone, Copy)]
pub struct Flaw {
    pub metric: Metric,
    pub at_means: f64,
    /// The Monte Carlo mean, with its interval.
    pub mc_mean: Estimate,
    pub at_medians: f64,
    pub mc_median: f64,
}

/// The flaw of averages proper is E[f(X)] − f(E[X]): the model at the inputs' means against the
/// mean of the runs. The model at the medians is shown too, labelled as such: its distance from
/// the mean is mostly the skew of the inputs, not the model's nonlinearity.
fn flaws(scenario: &Scenario, sim: &simulate::Simulation) -> Vec<Flaw> {
    let means: model::Inputs = std::array::from_fn(|i| scenario.inputs[i].dist.mean());
    let medians: model::Inputs = std::array::from_fn(|i| scenario.inputs[i].dist.median());
    let at_means = evaluate_at(&means, scenario.options);
    let at_medians = evaluate_at(&medians, scenario.options);
    FLAW_METRICS
        .iter()
        .map(|&m| {
            let s = stats::summarize(sim.column(m), &[50.0]);
            Flaw {
                metric: m,
                at_means: at_means[m.index()],
                mc_mean: s.mean,
                at_medians: at_medians[m.index()],
                mc_median: s.percentiles[0].estimate.value,
            }
        })
        .collect()
}

/// The model at one point; with `[failures]`, the mean over many failure histories at that point.
fn evaluate_at(x: &model::Inputs, options: model::ModelOptions) -> model::Outputs {
    if options.failures.is_none() {
        return model::evaluate(x, options);
    }
    let mut sum = [0.0; Metric::COUNT];
    for h in 0..FAILURE_HISTORIES {
        let mut x = *x;
        x[Input::FailureLuck.index()] = (h as f64 + 0.5) / FAILURE_HISTORIES as f64;
        for (s, v) in sum.iter_mut().zip(model::evaluate(&x, options)) {
            *s += v / FAILURE_HISTORIES as f64;
        }
    }
    sum
}

fn flaw_of_averages(scenario: &Scenario, flaws: &[Flaw], runs: u64) -> String {
    let mut out = format!(
        "\nThe flaw of averages: the model at its inputs' means vs the mean of {} simulated runs\n",
        crate::report::group_thousands(runs)
    );
    let header = [
        "metric",
        "at means",
        "MC mean",
        "gap ±95%",
        "at medians",
        "MC median",
    ];
    let mut rows = vec![header.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    for &f in flaws {
        let u = f.metric.unit();
        let gap = f.mc_mean.value - f.at_means;
        rows.push(vec![
            f.metric.name().to_string(),
            human(u, f.at_means),
            human(u, f.mc_mean.value),
            format!(
                "{}{} ±{}{}",
                if gap > 0.0 { "+" } else { "" },
                human_sig(u, gap, 3),
                human_sig(u, f.mc_mean.half_width(), 2),
                if f.mc_mean.reliable { "" } else { "*" }
            ),
            human(u, f.at_medians),
            human(u, f.mc_median),
        ]);
    }
    for line in text_table(&rows).lines() {
        out.push_str("  ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(
        "gap: MC mean − at means, the cost of planning with averages; within its ±95% it is\n\
         Monte Carlo noise. at medians: the model with every input at its median (skewed inputs\n\
         move it further from the mean than the model's nonlinearity does).\n",
    );
    if flaws.iter().any(|f| !f.mc_mean.reliable) {
        out.push_str(&format!(
            "*: this ± cannot be trusted as 95%: fewer than {} runs, or tails too heavy for the\n\
             normal interval of a mean; more runs narrow it, but a gap inside it proves nothing.\n",
            crate::report::group_thousands(stats::MIN_RUNS_FOR_MEAN_INTERVAL)
        ));
    }
    if scenario.options.failures.is_some() {
        out.push_str(&format!(
            "With [failures], `at means` and `at medians` each average {} simulated failure\n\
             histories at those inputs: failures.luck is each run's own randomness, and any one\n\
             value of it is one arbitrary history, not a typical one.\n",
            crate::report::group_thousands(FAILURE_HISTORIES as u64)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::SamplingPlan;

    fn flaws_of(path: &str, runs: u64) -> Vec<Flaw> {
        let scenario = Scenario::load(std::path::Path::new(path)).unwrap();
        let sim = simulate::simulate(
            &SamplingPlan::new(&scenario, runs, 42),
            scenario.options,
            &|_| {},
        );
        flaws(&scenario, &sim)
    }

    fn row(flaws: &[Flaw], m: Metric) -> Flaw {
        *flaws.iter().find(|f| f.metric == m).unwrap()
    }

    #[test]
    fn a_model_linear_in_independent_inputs_shows_no_gap_at_the_means() {
        // labor = salary × size × months with independent inputs: E[labor] is the model at the
        // means exactly, so the gap is Monte Carlo noise; at the medians it is not.
        let f = row(
            &flaws_of("scenarios/llama-3.1-405b.toml", 200_000),
            Metric::LaborCostUsd,
        );
        let gap = f.mc_mean.value - f.at_means;
        assert!(gap.abs() < 1.5 * f.mc_mean.half_width(), "{f:?}");
        assert!(
            (f.mc_mean.value - f.at_medians).abs() > 5.0 * f.mc_mean.half_width(),
            "{f:?}"
        );
    }

    #[test]
    fn the_total_cost_gap_is_measured_at_the_means() {
        // Llama 3.1 405B: the model at the means gives $101.7M, the runs' mean $102.1M; at the
        // medians $99.1M.
        let f = row(
            &flaws_of("scenarios/llama-3.1-405b.toml", 200_000),
            Metric::TotalCostUsd,
        );
        assert!((f.at_means / 101.7e6 - 1.0).abs() < 0.002, "{f:?}");
        assert!((f.at_medians / 99.13e6 - 1.0).abs() < 0.002, "{f:?}");
        let gap = f.mc_mean.value - f.at_means;
        assert!(
            (gap - 0.4e6).abs() < 0.2e6 + f.mc_mean.half_width(),
            "{f:?}"
        );
    }

    #[test]
    fn with_failures_the_point_model_averages_failure_histories() {
        let scenario = Scenario::load(std::path::Path::new(
            "scenarios/llama-3.1-405b-failures.toml",
        ))
        .unwrap();
        let means: model::Inputs = std::array::from_fn(|i| scenario.inputs[i].dist.mean());
        let averaged = evaluate_at(&means, scenario.options)[Metric::TrainDays.index()];
        let one = model::evaluate(&means, scenario.options)[Metric::TrainDays.index()];
        let mut again = means;
        again[Input::FailureLuck.index()] = 0.25;
        let other = model::evaluate(&again, scenario.options)[Metric::TrainDays.index()];
        assert_ne!(one, other, "one luck is one history");
        assert!(averaged.is_finite() && averaged > 0.0);
    }
}
