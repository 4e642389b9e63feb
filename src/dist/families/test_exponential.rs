//! A family that exists only in test builds: the exponential, `{ dist = "test_exponential",
//! rate = λ }`. It shows that a family is this one file plus one line in the list, and checks
//! that the defaults of [`Law`] (sf, upper quantile, quadrature truncated mean) are right.
//!
//! Parameters: `rate` from the smallest full-precision double to the largest. Support: (0, ∞).
//! CDF 1 − e^(−λx), quantile −ln(1 − p) / λ, mean 1 / λ; draws invert the CDF.

use std::fmt;


use crate::dist::law::{Form, Law, ParamReader};
use crate::dist::{ParamResult, Support, check};

#[derive(Debug, Clone, PartialEq)]
pub struct TestExponential {
    pub(in crate::dist) rate: f64,
}

impl TestExponential {
    pub fn new(rate: f64) -> ParamResult<Self> {
        Ok(TestExponential {
            rate: check::positive("rate", rate)?,
        })
    }
}

impl Law for TestExponential {
    const NAME: &'static str = "test_exponential";
    const FORMS: &'static [Form] = &[Form {
        name: "test_exponential",
        keys: &["rate"],
    }];

    fn read<R: ParamReader + ?Sized>(_: &Form, params: &mut R) -> Result<Self, R::Error> {
        Ok(TestExponential::new(params.required("rate")?)?)
    }

    fn support(&self) -> Support {
        Support::POSITIVE
    }

    fn cdf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            0.0
        } else {
            -(-self.rate * x).exp_m1()
        }
    }

    fn quantile(&self, p: f64) -> f64 {
        -(-p).ln_1p() / self.rate
    }

    fn mean(&self) -> f64 {
        1.0 / self.rate
    }

}

impl fmt::Display for TestExponential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "test_exponential(rate {})", crate::units::general(self.rate))
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::dist::Dist;
    use crate::dist::tests::assert_ks;
    use crate::model::Input;
    use crate::scenario::Scenario;

    fn scenario() -> String {
        crate::scenario::tests::BASE.replace(
            "gpu_hour_usd = 2",
            r#"gpu_hour_usd = { dist = "test_exponential", rate = 2, upper = 3 }"#,
        )
    }

    #[test]
    fn a_scenario_can_use_a_family_registered_with_one_line() {
        let s = Scenario::parse(Path::new("plan.toml"), &scenario()).unwrap();
        let d = &s.spec(Input::GpuHourUsd).dist;
        assert_eq!(d.family().name(), "test_exponential");
        assert_eq!(d.to_string(), "test_exponential(rate 2) truncated to [-inf, 3]");
        // Median of the exponential truncated to [0, 3]: −ln(1 − (1 − e^−6) / 2) / 2.
        let median = -(-(1.0 - (-6.0f64).exp()) / 2.0).ln_1p() / 2.0;
        assert!((d.median() - median).abs() < 1e-12, "{}", d.median());
    }

    #[test]
    fn its_parameters_are_checked_and_located_like_any_family() {
        let text = scenario().replace("rate = 2", "rate = -2");
        let msg = Scenario::parse(Path::new("plan.toml"), &text)
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("invalid test_exponential distribution: rate must be a finite number"),
            "{msg}"
        );
        let text = scenario().replace("rate = 2", "rat = 2");
        let msg = Scenario::parse(Path::new("plan.toml"), &text)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("did you mean `rate`?"), "{msg}");
    }

    #[test]
    fn exponential_matches_its_cdf_and_defaults_hold() {
        let d = Dist::new(TestExponential::new(2.0).unwrap());
        assert_ks(&d, |x| 1.0 - (-2.0 * x).exp(), "test_exponential");
        // The default survival function and upper quantile (1 − F, the quantile of 1 − s).
        assert!((d.sf(1.0) - (-2.0f64).exp()).abs() < 1e-15);
        assert!((d.family().upper_quantile(0.25) - 4f64.ln() / 2.0).abs() < 1e-12);
        // The default truncated mean integrates the quantile: E[X | 1 ≤ X ≤ 2] for rate 2.
        let t = Dist::truncated(TestExponential::new(2.0).unwrap(), 1.0, 2.0).unwrap();
        let (a, b) = ((-2.0f64).exp(), (-4.0f64).exp());
        let exact = (1.5 * a - 2.5 * b) / (a - b);
        assert!((t.mean() - exact).abs() < 1e-6, "{} vs {exact}", t.mean());
    }
}
