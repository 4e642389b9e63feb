//! Bayesian linear regression with a conjugate normal–inverse-gamma prior, and the Student-t
//! predictive distribution it gives for a new case.
//!
//! y = β₀ + Σ βⱼ zⱼ + ε, ε ~ N(0, σ²), where each zⱼ is a covariate standardised over the fit
//! data, so that one prior scale suits every covariate whatever its unit:
//! - β | σ² ~ N(0, σ² V₀), V₀ = diag(INTERCEPT_VARIANCE, SLOPE_VARIANCE, …): a flat intercept,
//!   and slopes by which a one-sd change of their covariate is not expected to move y by much
//!   more than 3σ, which keeps a covariate with little support in the data from swinging wildly;
//! - σ² ~ InvGamma(a₀, b₀), worth PRIOR_RESIDUAL_WEIGHT observations with residual sd
//!   PRIOR_RESIDUAL_SD, so that a handful of runs cannot claim a tiny spread.
//!
//! The posterior is again normal–inverse-gamma (Vₙ = (V₀⁻¹ + ZᵀZ)⁻¹, mₙ = Vₙ Zᵀy,
//! aₙ = a₀ + n/2, bₙ = b₀ + (yᵀy − mₙᵀ Vₙ⁻¹ mₙ)/2), and a new case z* has
//! y* ~ t with 2aₙ degrees of freedom, location z*ᵀmₙ and scale² (bₙ/aₙ)(1 + z*ᵀVₙz*)
//! (Gelman et al., Bayesian Data Analysis, 3rd ed., §14.2). The last factor widens the band
//! for a case far from the data: extrapolation is visible, not hidden.

/// Prior variance of the intercept, in units of σ²: flat for any practical purpose.
const INTERCEPT_VARIANCE: f64 = 1e6;
/// Prior variance of a standardised slope, in units of σ².
const SLOPE_VARIANCE: f64 = 10.0;
/// The inverse-gamma prior on σ² is worth this many observations...
const PRIOR_RESIDUAL_WEIGHT: f64 = 2.0;
/// ...with this residual standard deviation (in ln units: a factor of e^0.3 ≈ 1.35).
const PRIOR_RESIDUAL_SD: f64 = 0.3;

/// The predictive distribution of y for one case: a Student's t.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Predictive {
    pub location: f64,
    pub scale: f64,
    pub df: f64,
}

impl Predictive {
    fn t(&self) -> statrs::distribution::StudentsT {
        statrs::distribution::StudentsT::new(self.location, self.scale, self.df)
            .expect("a fit has positive scale and degrees of freedom")
    }

    /// P(Y ≤ y).
    pub fn cdf(&self, y: f64) -> f64 {
        use statrs::distribution::ContinuousCDF;
        self.t().cdf(y)
    }

    /// The y with P(Y ≤ y) = p.
    pub fn quantile(&self, p: f64) -> f64 {
        use statrs::distribution::ContinuousCDF;
        self.t().inverse_cdf(p)
    }

    /// ln of the predictive density at y: the log score of the forecast.
    pub fn ln_density(&self, y: f64) -> f64 {
        use statrs::distribution::Continuous;
        self.t().ln_pdf(y)
    }
}

/// A coefficient in the covariate's own units, with its posterior standard deviation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coefficient {
    pub estimate: f64,
    pub sd: f64,
}

/// Why a regression cannot be fitted.
#[derive(Debug, Clone, PartialEq)]
pub enum FitError {
    /// Fewer cases than the fit needs to say anything about the spread.
    TooFewCases { cases: usize, needed: usize },
    /// A covariate or outcome that is not a finite number.
    NotFinite { case: usize },
    /// A run without a fact a covariate needs.
    MissingFact {
        run: String,
        line: usize,
        column: &'static str,
    },
}

impl std::fmt::Display for FitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FitError::TooFewCases { cases, needed } => write!(
                f,
                "{cases} usable runs; the fit needs at least {needed} (one more than its covariates plus an intercept)"
            ),
            FitError::NotFinite { case } => {
                write!(
                    f,
                    "run {} has a value that is not a finite number",
                    case + 1
                )
            }
            FitError::MissingFact { run, line, column } => {
                write!(
                    f,
                    "{run} (line {line}) has no `{column}`, which the fit needs"
                )
            }
        }
    }
}

/// A fitted regression: the posterior of the coefficients and the residual variance.
#[derive(Debug, Clone)]
pub struct Regression {
    /// Column means and standard deviations the covariates were standardised with.
    centre: Vec<f64>,
    spread: Vec<f64>,
    /// Posterior mean mₙ and Vₙ (covariance in units of σ²), intercept first.
    mean: Vec<f64>,
    cov: Vec<Vec<f64>>,
    shape: f64,
    rate: f64,
    cases: usize,
}

impl Regression {
    /// Fits y on the covariate rows x (all of one length).
    pub fn fit(x: &[Vec<f64>], y: &[f64]) -> Result<Regression, FitError> {
        let k = x.first().map_or(0, Vec::len);
        let needed = k + 2;
        if y.len() < needed {
            return Err(FitError::TooFewCases {
                cases: y.len(),
                needed,
            });
        }
        if let Some(case) = (0..y.len())
            .find(|&i| !y[i].is_finite() || x[i].len() != k || x[i].iter().any(|v| !v.is_finite()))
        {
            return Err(FitError::NotFinite { case });
        }
        let (centre, spread) = standardisation(x, k);
        let z: Vec<Vec<f64>> = x.iter().map(|r| design_row(r, &centre, &spread)).collect();
        let p = k + 1;
        let mut precision = vec![vec![0.0; p]; p];
        let mut zty = vec![0.0; p];
        for (row, &yi) in z.iter().zip(y) {
            for a in 0..p {
                zty[a] += row[a] * yi;
                for b in 0..p {
                    precision[a][b] += row[a] * row[b];
                }
            }
        }
        precision[0][0] += 1.0 / INTERCEPT_VARIANCE;
        for (j, row) in precision.iter_mut().enumerate().skip(1) {
            row[j] += 1.0 / SLOPE_VARIANCE;
        }
        let cov = inverse_spd(&precision);
        let mean = mat_vec(&cov, &zty);
        let yty: f64 = y.iter().map(|v| v * v).sum();
        let explained: f64 = mean.iter().zip(&zty).map(|(m, c)| m * c).sum();
        let shape0 = PRIOR_RESIDUAL_WEIGHT / 2.0;
        let rate0 = shape0 * PRIOR_RESIDUAL_SD * PRIOR_RESIDUAL_SD;
        Ok(Regression {
            centre,
            spread,
            mean,
            cov,
            shape: shape0 + y.len() as f64 / 2.0,
            // mₙᵀVₙ⁻¹mₙ = mₙᵀZᵀy, and never more than yᵀy; the floor guards rounding.
            rate: rate0 + 0.5 * (yty - explained).max(0.0),
            cases: y.len(),
        })
    }

    /// The predictive distribution of y for covariates x.
    pub fn predict(&self, x: &[f64]) -> Predictive {
        let z = design_row(x, &self.centre, &self.spread);
        let location = dot(&z, &self.mean);
        let leverage = dot(&z, &mat_vec(&self.cov, &z));
        Predictive {
            location,
            scale: (self.rate / self.shape * (1.0 + leverage)).sqrt(),
            df: 2.0 * self.shape,
        }
    }

    /// The intercept and slopes in the covariates' own units (the intercept is y at x = 0).
    pub fn coefficients(&self) -> Vec<Coefficient> {
        let sigma2 = self.rate / (self.shape - 1.0).max(f64::MIN_POSITIVE);
        let k = self.centre.len();
        let slopes: Vec<Coefficient> = (0..k)
            .map(|j| Coefficient {
                estimate: self.mean[j + 1] / self.spread[j],
                sd: (sigma2 * self.cov[j + 1][j + 1]).sqrt() / self.spread[j],
            })
            .collect();
        // β₀ − Σ βⱼ cⱼ/sⱼ: the intercept's variance follows from the same linear map.
        let mut weights = vec![1.0];
        weights.extend((0..k).map(|j| -self.centre[j] / self.spread[j]));
        let intercept = Coefficient {
            estimate: dot(&weights, &self.mean),
            sd: (sigma2 * dot(&weights, &mat_vec(&self.cov, &weights))).sqrt(),
        };
        std::iter::once(intercept).chain(slopes).collect()
    }

    /// The posterior mean of the residual standard deviation σ (approximately; exactly the
    /// root of the posterior mean of σ²).
    pub fn residual_sd(&self) -> f64 {
        (self.rate / (self.shape - 1.0)).sqrt()
    }

    pub fn cases(&self) -> usize {
        self.cases
    }
}

/// For each case, the predictive from a fit on all the others.
pub fn leave_one_out(x: &[Vec<f64>], y: &[f64]) -> Result<Vec<Predictive>, FitError> {
    (0..y.len())
        .map(|i| {
            let fit = Regression::fit(&without(x, i), &without(y, i))?;
            Ok(fit.predict(&x[i]))
        })
        .collect()
}

fn without<T: Clone>(v: &[T], i: usize) -> Vec<T> {
    let mut rest = v.to_vec();
    rest.remove(i);
    rest
}

/// Column means and standard deviations; a constant column keeps spread 1, so its slope stays
/// at the prior's 0 and a new case that differs in it gets the prior's width.
fn standardisation(x: &[Vec<f64>], k: usize) -> (Vec<f64>, Vec<f64>) {
    let n = x.len() as f64;
    let centre: Vec<f64> = (0..k)
        .map(|j| x.iter().map(|r| r[j]).sum::<f64>() / n)
        .collect();
    let spread = (0..k)
        .map(|j| {
            let var = x.iter().map(|r| (r[j] - centre[j]).powi(2)).sum::<f64>() / n;
            if var > 1e-24 { var.sqrt() } else { 1.0 }
        })
        .collect();
    (centre, spread)
}

fn design_row(x: &[f64], centre: &[f64], spread: &[f64]) -> Vec<f64> {
    std::iter::once(1.0)
        .chain(
            x.iter()
                .zip(centre.iter().zip(spread))
                .map(|(v, (c, s))| (v - c) / s),
        )
        .collect()
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn mat_vec(m: &[Vec<f64>], v: &[f64]) -> Vec<f64> {
    m.iter().map(|row| dot(row, v)).collect()
}

/// The inverse of a symmetric positive definite matrix by its Cholesky factor. The prior adds
/// a positive diagonal, so the matrices met here are always positive definite.
fn inverse_spd(a: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let p = a.len();
    let mut l = vec![vec![0.0; p]; p];
    for i in 0..p {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                l[i][i] = (a[i][i] - s).max(f64::MIN_POSITIVE).sqrt();
            } else {
                l[i][j] = (a[i][j] - s) / l[j][j];
            }
        }
    }
    // The inverse is symmetric, so its columns, solved one by one, are also its rows.
    (0..p)
        .map(|col| {
            // Solve L w = e_col, then Lᵀ v = w.
            let mut w = vec![0.0; p];
            for i in 0..p {
                let e = if i == col { 1.0 } else { 0.0 };
                let s: f64 = (0..i).map(|k| l[i][k] * w[k]).sum();
                w[i] = (e - s) / l[i][i];
            }
            let mut v = vec![0.0; p];
            for i in (0..p).rev() {
                let s: f64 = (i + 1..p).map(|k| l[k][i] * v[k]).sum();
                v[i] = (w[i] - s) / l[i][i];
            }
            v
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::Xoshiro256PlusPlus;
    use rand_distr::{Distribution, Normal};

    /// y = 0.5 − 0.3·x₁ + 0.8·x₂ + N(0, 0.25²), x₁ ~ N(3, 2), x₂ ∈ {0, 1}.
    fn synthetic(n: usize, seed: u64) -> (Vec<Vec<f64>>, Vec<f64>) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let x1 = Normal::new(3.0, 2.0).unwrap();
        let noise = Normal::new(0.0, 0.25).unwrap();
        (0..n)
            .map(|i| {
                let a = x1.sample(&mut rng);
                let b = (i % 3 == 0) as u8 as f64;
                (vec![a, b], 0.5 - 0.3 * a + 0.8 * b + noise.sample(&mut rng))
            })
            .unzip()
    }

    #[test]
    fn recovers_known_coefficients_and_spread() {
        let (x, y) = synthetic(4000, 1);
        let fit = Regression::fit(&x, &y).unwrap();
        let c = fit.coefficients();
        for (got, want) in c.iter().zip([0.5, -0.3, 0.8]) {
            // Four posterior sds: the posterior sd is the standard error at this n.
            assert!(
                (got.estimate - want).abs() < 4.0 * got.sd,
                "{got:?} vs {want}"
            );
            assert!(got.sd < 0.02, "{got:?}");
        }
        // σ̂ has relative standard error 1/√(2n) ≈ 1.1%.
        assert!(
            (fit.residual_sd() / 0.25 - 1.0).abs() < 0.045,
            "{}",
            fit.residual_sd()
        );
    }

    #[test]
    fn predictive_intervals_cover_new_cases_at_their_nominal_rate() {
        // A small fit (n = 25) with a t predictive: its 90% intervals must cover 90% of new
        // cases drawn from the same process, averaged over many fits.
        let mut inside = 0;
        let mut total = 0;
        for seed in 0..400 {
            let (x, y) = synthetic(25 + 20, 100 + seed);
            let fit = Regression::fit(&x[..25], &y[..25]).unwrap();
            for (xi, yi) in x[25..].iter().zip(&y[25..]) {
                let p = fit.predict(xi).cdf(*yi);
                inside += (0.05..=0.95).contains(&p) as usize;
                total += 1;
            }
        }
        let coverage = inside as f64 / total as f64;
        // 8,000 cases in 400 clusters: the standard error is below 1%; the weak priors
        // pull a little, so allow 2.5 points.
        assert!((coverage - 0.90).abs() < 0.025, "coverage {coverage}");
    }

    #[test]
    fn extrapolation_widens_the_band() {
        let (x, y) = synthetic(60, 3);
        let fit = Regression::fit(&x, &y).unwrap();
        let near = fit.predict(&[3.0, 0.0]).scale;
        let far = fit.predict(&[30.0, 0.0]).scale;
        assert!(far > 2.0 * near, "near {near}, far {far}");
    }

    #[test]
    fn a_covariate_without_variation_falls_back_to_the_prior() {
        let (mut x, y) = synthetic(60, 4);
        x.iter_mut().for_each(|r| r[1] = 0.0);
        let fit = Regression::fit(&x, &y).unwrap();
        // Its slope is the prior's 0 ± σ per unit; a case with x₂ = 1 gets a wider band.
        let c = fit.coefficients();
        assert!(c[2].estimate.abs() < 1e-9, "{:?}", c[2]);
        assert!(fit.predict(&[3.0, 1.0]).scale > 1.2 * fit.predict(&[3.0, 0.0]).scale);
    }

    #[test]
    fn leave_one_out_excludes_the_case() {
        let (mut x, mut y) = synthetic(30, 5);
        // An outlier far off the line: predicted from the others it lands far in the tail;
        // a fit that saw it would pull its own prediction toward it.
        x[7] = vec![3.0, 0.0];
        y[7] = 0.5 - 0.9 + 5.0;
        let loo = leave_one_out(&x, &y).unwrap();
        let mut others_x = x.clone();
        let mut others_y = y.clone();
        others_x.remove(7);
        others_y.remove(7);
        let without = Regression::fit(&others_x, &others_y)
            .unwrap()
            .predict(&x[7]);
        assert_eq!(loo[7], without);
        let with = Regression::fit(&x, &y).unwrap().predict(&x[7]);
        assert!(loo[7].cdf(y[7]) > 0.999 && with.location > without.location + 0.1);
    }

    /// Five cases, where the priors still weigh: the posterior of the stated model computed
    /// independently (numpy, from β ~ N(0, σ² diag(1e6, 10, 10)) on standardised covariates
    /// and σ² ~ inverse-gamma(1, 0.09)) must match to rounding.
    #[test]
    fn a_small_fit_is_the_exact_conjugate_posterior() {
        let x = [[1.0, 0.0], [2.0, 1.0], [4.0, 0.0], [7.0, 1.0], [3.0, 1.0]].map(Vec::from);
        let y = [0.1, 0.9, -0.4, 0.2, 0.5];
        let fit = Regression::fit(&x, &y).unwrap();
        let close = |got: f64, want: f64| (got - want).abs() < 1e-12 * want.abs().max(1.0);
        let p = fit.predict(&[5.0, 0.0]);
        assert!(close(p.location, -0.459_287_856_394_177), "{p:?}");
        assert!(close(p.scale, 0.256_163_348_085_203_1), "{p:?}");
        assert_eq!(p.df, 7.0);
        let c = fit.coefficients();
        let want = [
            (0.179_877_942_346_089_78, 0.204_519_262_607_821_47),
            (-0.127_833_159_748_053_37, 0.051_590_729_811_257_695),
            (0.857_924_581_328_836_6, 0.216_844_783_451_423_4),
        ];
        for (got, (estimate, sd)) in c.iter().zip(want) {
            assert!(
                close(got.estimate, estimate) && close(got.sd, sd),
                "{got:?}"
            );
        }
        assert!(close(fit.residual_sd(), 0.224_742_277_294_555_98));
        assert_eq!(fit.cases(), 5);
    }

    #[test]
    fn the_predictive_is_the_students_t_it_describes() {
        let p = Predictive {
            location: -0.459_287_856_394_177,
            scale: 0.256_163_348_085_203_1,
            df: 7.0,
        };
        // t₇'s 97.5% point, 2.364624251592785 (tables); the median is the location.
        let upper = p.location + 2.364_624_251_592_785 * p.scale;
        assert!(
            (p.quantile(0.975) - upper).abs() < 1e-9,
            "{}",
            p.quantile(0.975)
        );
        assert!((p.cdf(upper) - 0.975).abs() < 1e-12);
        assert!((p.quantile(0.5) - p.location).abs() < 1e-12);
        // ln Γ(4) − ln Γ(3.5) − ½ ln 7π − ln scale − 4 ln(1 + z²/7) at y = 0.7.
        assert!((p.ln_density(0.7) + 5.062_915_407_622_585).abs() < 1e-12);
    }

    #[test]
    fn the_fewest_cases_a_fit_takes_and_every_kind_of_bad_value() {
        let (x, y) = synthetic(4, 6);
        assert!(Regression::fit(&x, &y).is_ok(), "k + 2 cases suffice");
        let (x, mut y) = synthetic(10, 6);
        y[3] = f64::INFINITY;
        assert_eq!(
            Regression::fit(&x, &y).unwrap_err(),
            FitError::NotFinite { case: 3 }
        );
        let (mut x, y) = synthetic(10, 6);
        x[4].pop();
        assert_eq!(
            Regression::fit(&x, &y).unwrap_err(),
            FitError::NotFinite { case: 4 }
        );
        let messages = [
            FitError::TooFewCases {
                cases: 3,
                needed: 4,
            }
            .to_string(),
            FitError::NotFinite { case: 2 }.to_string(),
            FitError::MissingFact {
                run: "GPT-x".into(),
                line: 7,
                column: "chips",
            }
            .to_string(),
        ];
        assert_eq!(
            messages,
            [
                "3 usable runs; the fit needs at least 4 (one more than its covariates plus an intercept)",
                "run 3 has a value that is not a finite number",
                "GPT-x (line 7) has no `chips`, which the fit needs",
            ]
        );
    }

    #[test]
    fn too_few_cases_and_non_finite_values_are_refused() {
        let (x, y) = synthetic(3, 6);
        assert_eq!(
            Regression::fit(&x, &y).unwrap_err(),
            FitError::TooFewCases {
                cases: 3,
                needed: 4
            }
        );
        let (mut x, y) = synthetic(10, 6);
        x[2][0] = f64::NAN;
        assert_eq!(
            Regression::fit(&x, &y).unwrap_err(),
            FitError::NotFinite { case: 2 }
        );
    }

    #[test]
    fn inverse_of_a_known_matrix() {
        let a = vec![vec![4.0, 2.0], vec![2.0, 3.0]];
        let inv = inverse_spd(&a);
        // [[3, −2], [−2, 4]] / 8
        let want = [[0.375, -0.25], [-0.25, 0.5]];
        for i in 0..2 {
            for j in 0..2 {
                assert!((inv[i][j] - want[i][j]).abs() < 1e-12);
            }
        }
        // A dense 4 × 4 (the Lehmer matrix, min(i, j) / max(i, j)): A · A⁻¹ = I.
        let a: Vec<Vec<f64>> = (1..=4)
            .map(|i| {
                (1..=4)
                    .map(|j| f64::from(i.min(j)) / f64::from(i.max(j)))
                    .collect()
            })
            .collect();
        let inv = inverse_spd(&a);
        for (i, row) in a.iter().enumerate() {
            for j in 0..4 {
                let product: f64 = row.iter().zip(&inv).map(|(x, r)| x * r[j]).sum();
                let identity = if i == j { 1.0 } else { 0.0 };
                assert!((product - identity).abs() < 1e-12, "({i}, {j}): {product}");
            }
        }
    }

    #[test]
    fn a_fit_needs_two_more_cases_than_covariates() {
        let x: Vec<Vec<f64>> = (0..3).map(|i| vec![f64::from(i)]).collect();
        let y = [0.1, 0.5, 0.2];
        assert_eq!(
            Regression::fit(&x[..2], &y[..2]).unwrap_err(),
            FitError::TooFewCases {
                cases: 2,
                needed: 3
            }
        );
        assert!(Regression::fit(&x, &y).is_ok());
    }
}
