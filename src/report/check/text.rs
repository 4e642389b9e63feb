//! The check report as a document: the terminal text and `--markdown`.

use super::CheckReport;
use crate::model::Input;
use crate::report::{AsDocument, Document, group_thousands, human, human_sig, printable};
use crate::scenario::{NEAREST_RUNS, ReferenceUse, Scenario};
use crate::stats;
use crate::units::compact;

impl AsDocument for CheckReport<'_> {
    fn document(&self) -> Document {
        let s = self.scenario;
        let mut doc = Document::new(format!(
            "{} ({}): valid\n\n",
            printable(&s.name),
            printable(&s.path.display().to_string())
        ));
        doc.push_str(&describe_inputs(s));
        if let Some(r) = &s.reference {
            doc.push_str(&describe_reference(r));
        }
        flaw_of_averages(&mut doc, self);
        doc
    }
}

fn describe_inputs(scenario: &Scenario) -> String {
    let mut out = String::from("Uncertain inputs\n");
    let mut fixed = Vec::new();
    for spec in scenario.inputs.iter().filter(|s| s.used) {
        let d = &spec.dist;
        let follows = format!("(default: the same draws as {})", spec.stream.key());
        let written = match spec.input {
            Input::FailureLuck => "(drawn for every run: the luck of the failure process)",
            Input::ContractLuck => {
                "(drawn for every run: whether extension capacity is free when needed)"
            }
            _ if spec.stream != spec.input && spec.written.is_none() => &follows,
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

fn flaw_of_averages(doc: &mut Document, r: &CheckReport) {
    doc.push_str(&format!(
        "\nThe flaw of averages: the model at its inputs' means vs the mean of {} simulated runs\n",
        group_thousands(r.runs)
    ));
    let header = [
        "metric",
        "at means",
        "MC mean",
        "gap ±95%",
        "at medians",
        "MC median",
    ];
    let mut rows = vec![header.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    for f in &r.flaws {
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
    doc.table(rows);
    doc.push_str(
        "gap: MC mean − at means, the cost of planning with averages; within its ±95% it is\n\
         Monte Carlo noise. at medians: the model with every input at its median (skewed inputs\n\
         move it further from the mean than the model's nonlinearity does).\n",
    );
    if r.flaws.iter().any(|f| !f.mc_mean.reliable) {
        doc.push_str(&format!(
            "*: this ± cannot be trusted as 95%: fewer than {} runs, or tails too heavy for the\n\
             normal interval of a mean; more runs narrow it, but a gap inside it proves nothing.\n",
            group_thousands(stats::MIN_RUNS_FOR_MEAN_INTERVAL)
        ));
    }
    if let Some(histories) = r.failure_histories {
        doc.push_str(&format!(
            "With [failures], `at means` and `at medians` each average {} simulated failure\n\
             histories at those inputs: failures.luck is each run's own randomness, and any one\n\
             value of it is one arbitrary history, not a typical one.\n",
            group_thousands(histories as u64)
        ));
    }
}
