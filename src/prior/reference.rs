//! The utilisation prior of a reference class: ln u regressed on what a planner knows before a
//! run, and the predictive distribution it gives a new run.

use super::fit::{Coefficient, FitError, Predictive, Regression};
use super::runs::{ReferenceRun, ReferenceSet};
use crate::dist::Dist;
use crate::dist::families::LogT;

/// What is known about a run before it starts: the regression's inputs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Facts {
    pub peak16_tflops: f64,
    pub chips: f64,
    pub params_active: f64,
    pub params_total: f64,
    pub tokens: f64,
    pub tpu: bool,
    /// When the run ends, as a fractional year (reference runs are dated by publication).
    pub year: f64,
}

impl Facts {
    pub fn of(run: &ReferenceRun) -> Facts {
        Facts {
            peak16_tflops: run.peak16_tflops,
            chips: run.chips,
            params_active: run.params_active,
            params_total: run.params_total,
            tokens: run.tokens,
            tpu: run.hardware.starts_with("TPU"),
            year: run.published.unwrap_or(f64::NAN),
        }
    }
}

/// A candidate regressor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Covariate {
    /// ln of the chip's dense 16-bit peak: faster chips leave more time to communication and
    /// memory traffic, and the term carries over to chips not in the data.
    LnPeak16,
    /// ln of the chip count: more chips, more communication per FLOP.
    LnChips,
    /// ln of the active parameters: bigger matrices keep the units busier.
    LnActiveParams,
    /// 1 for a mixture of experts (active below total parameters).
    Moe,
    /// 1 for a TPU.
    Tpu,
    /// ln of active parameters per chip: the work each chip gets.
    LnParamsPerChip,
    /// The year: software stacks mature, and the same chip is used better later in its life.
    Year,
}

impl Covariate {
    pub fn name(self) -> &'static str {
        match self {
            Covariate::LnPeak16 => "ln peak16_tflops",
            Covariate::LnChips => "ln chips",
            Covariate::LnActiveParams => "ln params_active",
            Covariate::Moe => "mixture of experts",
            Covariate::Tpu => "TPU",
            Covariate::LnParamsPerChip => "ln params_active per chip",
            Covariate::Year => "year",
        }
    }

    pub fn value(self, f: &Facts) -> f64 {
        match self {
            Covariate::LnPeak16 => f.peak16_tflops.ln(),
            Covariate::LnChips => f.chips.ln(),
            Covariate::LnActiveParams => f.params_active.ln(),
            Covariate::Moe => f64::from(u8::from(f.params_active < f.params_total)),
            Covariate::Tpu => f64::from(u8::from(f.tpu)),
            Covariate::LnParamsPerChip => (f.params_active / f.chips).ln(),
            Covariate::Year => f.year,
        }
    }
}

/// The covariates the default prior uses (chosen by leave-one-out log score; docs/priors.md
/// gives the comparison).
pub const DEFAULT_COVARIATES: &[Covariate] = &[Covariate::LnPeak16, Covariate::Year];

/// What "a run like this one" means for [`UtilisationPrior::nearest`].
const NEAREST_BY: &[Covariate] = &[
    Covariate::LnPeak16,
    Covariate::Year,
    Covariate::LnChips,
    Covariate::LnActiveParams,
];

/// The predictive is cut this many predictive scales from its centre: the t's polynomial
/// tails would give the training time an infinite mean (days ∝ 1/u), and the cut removes
/// less than 2e-5 of its probability for 15 or more degrees of freedom.
pub const TAIL_SCALES: f64 = 6.0;

/// A utilisation prior fitted to a reference class.
#[derive(Debug, Clone)]
pub struct UtilisationPrior {
    pub set_name: String,
    pub covariates: Vec<Covariate>,
    pub regression: Regression,
    pub runs: Vec<ReferenceRun>,
}

impl UtilisationPrior {
    pub fn fit(set: &ReferenceSet, covariates: &[Covariate]) -> Result<Self, FitError> {
        if covariates.contains(&Covariate::Year)
            && let Some(run) = set.runs.iter().find(|r| r.published.is_none())
        {
            return Err(FitError::MissingFact {
                run: run.model.clone(),
                line: run.line,
                column: "published",
            });
        }
        let (x, y) = design(&set.runs, covariates);
        Ok(UtilisationPrior {
            set_name: set.name.clone(),
            covariates: covariates.to_vec(),
            regression: Regression::fit(&x, &y)?,
            runs: set.runs.clone(),
        })
    }

    /// The predictive distribution of ln u (against the 16-bit peak) for a run with these facts.
    pub fn predict(&self, facts: &Facts) -> Predictive {
        self.regression.predict(&row(facts, &self.covariates))
    }

    /// Intercept first, then one per covariate, in the covariates' own units.
    pub fn coefficients(&self) -> Vec<(&'static str, Coefficient)> {
        std::iter::once("intercept")
            .chain(self.covariates.iter().map(|c| c.name()))
            .zip(self.regression.coefficients())
            .collect()
    }

    /// The k runs most like `facts`, by distance over chip speed, year, chip count and model
    /// size (whether or not the fit uses them) in units of their spread across the class.
    pub fn nearest(&self, facts: &Facts, k: usize) -> Vec<(&ReferenceRun, f64)> {
        let spreads = self.spreads(NEAREST_BY);
        let target = row(facts, NEAREST_BY);
        let mut scored: Vec<(&ReferenceRun, f64)> = self
            .runs
            .iter()
            .map(|r| {
                let d2: f64 = row(&Facts::of(r), NEAREST_BY)
                    .iter()
                    .zip(&target)
                    .zip(&spreads)
                    .map(|((a, b), s)| ((a - b) / s).powi(2))
                    .sum();
                (r, d2.sqrt())
            })
            .collect();
        scored.sort_by(|a, b| a.1.total_cmp(&b.1));
        scored.truncate(k);
        scored
    }

    fn spreads(&self, by: &[Covariate]) -> Vec<f64> {
        let rows: Vec<Vec<f64>> = self.runs.iter().map(|r| row(&Facts::of(r), by)).collect();
        (0..by.len())
            .map(|j| {
                let n = rows.len() as f64;
                let mean = rows.iter().map(|r| r[j]).sum::<f64>() / n;
                let var = rows.iter().map(|r| (r[j] - mean).powi(2)).sum::<f64>() / n;
                if var > 0.0 { var.sqrt() } else { 1.0 }
            })
            .collect()
    }

    /// Why a run with these facts lies outside what the reference class covers, one sentence
    /// per reason; empty when it lies inside.
    pub fn outside(&self, facts: &Facts, hardware: &str) -> Vec<String> {
        let mut reasons = Vec::new();
        if !self.runs.iter().any(|r| r.hardware == hardware) {
            let seen = self.hardware_seen();
            reasons.push(format!(
                "no reference run used {hardware} (the runs used {}): the prior extrapolates from the chips' peak throughput",
                seen.join(", ")
            ));
        }
        let chips: fn(&ReferenceRun) -> f64 = |r| r.chips;
        let params: fn(&ReferenceRun) -> f64 = |r| r.params_active;
        let ranges = [
            ("chips", facts.chips, chips),
            ("active parameters", facts.params_active, params),
        ];
        for (what, value, of) in ranges {
            let (lo, hi) = self.range(of);
            if value < lo / 2.0 || value > hi * 2.0 {
                reasons.push(format!(
                    "{} {what} lies outside the reference runs' {} to {}",
                    crate::units::general(value),
                    crate::units::general(lo),
                    crate::units::general(hi)
                ));
            }
        }
        if self.covariates.contains(&Covariate::Year) {
            let (first, last) = self.range(|r| r.published.unwrap_or(f64::NAN));
            if facts.year < first - 1.0 || facts.year > last + 1.0 {
                reasons.push(format!(
                    "the year {} lies more than a year outside the reference runs' {first:.1} to {last:.1}: the trend over time is extrapolated",
                    facts.year
                ));
            }
        }
        let moe = facts.params_active < facts.params_total;
        if moe && !self.runs.iter().any(ReferenceRun::is_moe) {
            reasons.push("no reference run is a mixture of experts".into());
        }
        reasons
    }

    fn hardware_seen(&self) -> Vec<&'static str> {
        let mut seen: Vec<&'static str> = self.runs.iter().map(|r| r.hardware).collect();
        seen.sort_unstable();
        seen.dedup();
        seen
    }

    fn range(&self, of: fn(&ReferenceRun) -> f64) -> (f64, f64) {
        self.runs
            .iter()
            .map(of)
            .fold((f64::INFINITY, 0.0), |(lo, hi), v| (lo.min(v), hi.max(v)))
    }
}

fn row(facts: &Facts, covariates: &[Covariate]) -> Vec<f64> {
    covariates.iter().map(|c| c.value(facts)).collect()
}

/// The regression's inputs and outcomes (ln u) for a set of runs.
pub fn design(runs: &[ReferenceRun], covariates: &[Covariate]) -> (Vec<Vec<f64>>, Vec<f64>) {
    runs.iter()
        .map(|r| (row(&Facts::of(r), covariates), r.utilisation().ln()))
        .unzip()
}

/// The distribution of utilisation against the peak of the scenario's own format: the
/// predictive of ln u16 moved by ln(peak16 / peak), cut at [`TAIL_SCALES`] and at 1.
///
/// Fails when the prediction has no sense: extrapolated so far (a slow chip many years out)
/// that its median utilisation exceeds 100%.
pub fn utilisation_dist(pred: &Predictive, peak16_over_peak: f64) -> Result<Dist, String> {
    let mu = pred.location + peak16_over_peak.ln();
    if mu.is_nan() || mu >= 0.0 {
        return Err(format!(
            "the fitted prior puts the median utilisation at {:.2}, above 100% of peak: the scenario lies too far outside the reference runs for the fit to say anything",
            mu.exp()
        ));
    }
    let family = LogT::new(pred.df, mu, pred.scale).map_err(|e| e.message)?;
    let lower = (mu - TAIL_SCALES * pred.scale).exp();
    let upper = (mu + TAIL_SCALES * pred.scale).exp().min(1.0);
    Dist::truncated(family, lower, upper).map_err(|e| e.message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// Five dense runs on two chips over two and a half years.
    fn five_runs() -> ReferenceSet {
        let text = "model,hardware,chips,params_active,tokens,chip_hours,published
R1,A100,1024,7e9,1e12,2e5,2022-01-01
R2,A100,2048,70e9,2e12,3e6,2023-01-01
R3,H100,4096,70e9,15e12,6e6,2024-01-01
R4,H100,16384,405e9,15e12,3e7,2024-07-01
R5,A100,512,13e9,1e12,3e5,2022-07-01
";
        super::super::runs::parse(Path::new("runs.csv"), text).unwrap()
    }

    fn h100_run(chips: f64, params_active: f64, params_total: f64, year: f64) -> Facts {
        Facts {
            peak16_tflops: 989.0,
            chips,
            params_active,
            params_total,
            tokens: 15e12,
            tpu: false,
            year,
        }
    }

    #[test]
    fn a_trend_over_time_needs_every_run_dated() {
        let mut set = five_runs();
        set.runs[2].published = None;
        let line = set.runs[2].line;
        assert_eq!(
            UtilisationPrior::fit(&set, DEFAULT_COVARIATES).unwrap_err(),
            FitError::MissingFact {
                run: "R3".into(),
                line,
                column: "published"
            }
        );
        assert!(UtilisationPrior::fit(&set, &[Covariate::LnPeak16]).is_ok());
    }

    #[test]
    fn the_design_is_each_runs_covariates_and_ln_utilisation() {
        let set = five_runs();
        let (x, y) = design(&set.runs, DEFAULT_COVARIATES);
        assert_eq!(x.len(), 5);
        assert_eq!(x[0], [312f64.ln(), 2022.0]);
        assert_eq!(x[3], [989f64.ln(), 2024.5]);
        // R1: 6 × 7e9 × 1e12 over 2e5 chip-hours at 312 TFLOP/s.
        let u: f64 = 6.0 * 7e9 * 1e12 / (2e5 * 3600.0 * 312e12);
        assert!((y[0] - u.ln()).abs() < 1e-12, "{}", y[0]);
        assert!((u - 0.186_965_811_965_811_97).abs() < 1e-12);
        assert_eq!(y.len(), 5);
    }

    #[test]
    fn each_covariate_reads_its_fact() {
        let moe = h100_run(2048.0, 37e9, 671e9, 2024.5);
        let want = [
            (Covariate::LnPeak16, 989f64.ln()),
            (Covariate::LnChips, 2048f64.ln()),
            (Covariate::LnActiveParams, 37e9f64.ln()),
            (Covariate::Moe, 1.0),
            (Covariate::Tpu, 0.0),
            (Covariate::LnParamsPerChip, (37e9f64 / 2048.0).ln()),
            (Covariate::Year, 2024.5),
        ];
        for (c, v) in want {
            assert!((c.value(&moe) - v).abs() < 1e-12, "{}", c.name());
        }
        let dense = h100_run(2048.0, 70e9, 70e9, 2024.5);
        assert_eq!(Covariate::Moe.value(&dense), 0.0);
        let tpu = Facts { tpu: true, ..dense };
        assert_eq!(Covariate::Tpu.value(&tpu), 1.0);
        let names: std::collections::BTreeSet<&str> = want.iter().map(|(c, _)| c.name()).collect();
        assert_eq!(names.len(), want.len(), "names are distinct");
        assert!(names.iter().all(|n| !n.is_empty()));
    }

    #[test]
    fn the_prior_is_the_regression_on_its_covariates() {
        let set = five_runs();
        let prior = UtilisationPrior::fit(&set, DEFAULT_COVARIATES).unwrap();
        let (x, y) = design(&set.runs, DEFAULT_COVARIATES);
        let direct = Regression::fit(&x, &y).unwrap();
        let labels: Vec<&str> = prior.coefficients().iter().map(|c| c.0).collect();
        assert_eq!(labels, ["intercept", "ln peak16_tflops", "year"]);
        let values: Vec<Coefficient> = prior.coefficients().iter().map(|c| c.1).collect();
        assert_eq!(values, direct.coefficients());
        let facts = h100_run(8192.0, 70e9, 70e9, 2024.25);
        assert_eq!(
            prior.predict(&facts),
            direct.predict(&[989f64.ln(), 2024.25])
        );
    }

    #[test]
    fn nearest_runs_by_distance_in_units_of_the_class_spread() {
        // Distances computed independently: population sds of ln peak, year, ln chips and
        // ln active parameters over the five runs; Euclidean distance in those units.
        let prior = UtilisationPrior::fit(&five_runs(), DEFAULT_COVARIATES).unwrap();
        let near = prior.nearest(&h100_run(8192.0, 70e9, 70e9, 2024.25), 3);
        let got: Vec<(&str, f64)> = near.iter().map(|(r, d)| (r.model.as_str(), *d)).collect();
        let want = [
            ("R3", 0.640_712_303_957_469_8),
            ("R4", 1.384_808_605_048_296_6),
            ("R2", 2.708_298_078_708_157_4),
        ];
        for ((name, d), (want_name, want_d)) in got.iter().zip(want) {
            assert_eq!(*name, want_name);
            assert!((d - want_d).abs() < 1e-12, "{name}: {d}");
        }
        assert_eq!(got.len(), 3);
    }

    #[test]
    fn a_covariate_every_run_shares_counts_in_units_of_one() {
        let prior = UtilisationPrior::fit(&five_runs(), DEFAULT_COVARIATES).unwrap();
        let same = UtilisationPrior {
            runs: prior
                .runs
                .iter()
                .map(|r| ReferenceRun {
                    chips: 1000.0,
                    ..r.clone()
                })
                .collect(),
            ..prior.clone()
        };
        assert_eq!(same.spreads(&[Covariate::LnChips]), [1.0]);
        let spread = prior.spreads(&[Covariate::Year])[0];
        assert!((spread - 0.927_361_849_549_570_3).abs() < 1e-12, "{spread}");
    }

    #[test]
    fn a_run_outside_the_class_is_named_for_each_reason_and_one_inside_for_none() {
        let prior = UtilisationPrior::fit(&five_runs(), DEFAULT_COVARIATES).unwrap();
        let inside = h100_run(8192.0, 70e9, 70e9, 2024.25);
        assert!(prior.outside(&inside, "H100-SXM").is_empty());
        // At the edges: half the fewest chips, twice the most, a year past the last run.
        let edge = h100_run(256.0, 810e9, 810e9, 2025.5);
        assert!(
            prior.outside(&edge, "H100-SXM").is_empty(),
            "{:?}",
            prior.outside(&edge, "H100-SXM")
        );
        let reasons = prior.outside(&inside, "H200");
        assert_eq!(reasons.len(), 1);
        assert!(
            reasons[0].starts_with("no reference run used H200 (the runs used A100, H100-SXM)")
        );
        let far = h100_run(255.0, 811e9, 900e9, 2025.6);
        let reasons = prior.outside(&far, "H100-SXM");
        assert_eq!(reasons.len(), 4, "{reasons:?}");
        assert!(reasons[0].starts_with("255 chips lies outside the reference runs' 512 to"));
        assert!(reasons[1].contains("active parameters lies outside"));
        assert!(reasons[2].starts_with("the year 2025.6 lies more than a year outside"));
        assert_eq!(reasons[3], "no reference run is a mixture of experts");
        let first_edge = h100_run(8192.0, 70e9, 70e9, 2021.0);
        assert!(prior.outside(&first_edge, "H100-SXM").is_empty());
        let early = h100_run(8192.0, 70e9, 70e9, 2020.9);
        assert_eq!(prior.outside(&early, "H100-SXM").len(), 1);
    }

    #[test]
    fn the_cut_keeps_almost_all_the_mass_and_stays_below_one() {
        let pred = Predictive {
            location: (0.2f64).ln(),
            scale: 0.3,
            df: 15.0,
        };
        let d = utilisation_dist(&pred, 1.0).unwrap();
        let s = d.support();
        assert!(s.hi <= 1.0 && s.lo > 0.0);
        // The median moves by the truncated mass only (u > 1 lies 5.4 scales out).
        let median = d.quantile(0.5);
        assert!((median.ln() - pred.location).abs() < 1e-3, "{median}");
        assert!(d.mean().is_finite());
        // FP8 peak twice the 16-bit one: utilisation against it halves.
        let fp8 = utilisation_dist(&pred, 0.5).unwrap();
        assert!((fp8.quantile(0.5) / median - 0.5).abs() < 1e-3);
    }

    #[test]
    fn the_cut_lies_six_scales_either_side() {
        let pred = Predictive {
            location: (0.2f64).ln(),
            scale: 0.1,
            df: 15.0,
        };
        let s = utilisation_dist(&pred, 1.0).unwrap().support();
        assert!((s.lo - 0.2 * (-0.6f64).exp()).abs() < 1e-15, "{}", s.lo);
        assert!((s.hi - 0.2 * 0.6f64.exp()).abs() < 1e-15, "{}", s.hi);
    }

    #[test]
    fn a_prediction_above_full_utilisation_is_refused_not_cut() {
        let pred = Predictive {
            location: 0.3,
            scale: 0.3,
            df: 15.0,
        };
        let e = utilisation_dist(&pred, 1.0).unwrap_err();
        assert!(e.contains("above 100% of peak"), "{e}");
    }
}
