//! A scenario seen as a function of its uncertain inputs alone: the bridge between analyses,
//! which see points (values or unit-cube coordinates), and the cost model, which sees every input.

use crate::dist::Dist;
use crate::model::{self, Input, Inputs, ModelOptions, Outputs};
use crate::scenario::Scenario;

pub struct ScenarioFunction {
    /// Every input at its median; fixed inputs are exact.
    base: Inputs,
    /// The uncertain inputs, in scenario order.
    inputs: Vec<Input>,
    dists: Vec<Dist>,
    /// For each uncertain input, every model slot it sets (an input and its aliases).
    targets: Vec<Vec<usize>>,
    options: ModelOptions,
}

impl ScenarioFunction {
    pub fn new(scenario: &Scenario) -> Self {
        let base = std::array::from_fn(|i| scenario.inputs[i].dist.median());
        let uncertain: Vec<_> = scenario.uncertain_inputs().collect();
        let targets = uncertain
            .iter()
            .map(|u| scenario.slots_of(u.stream))
            .collect();
        ScenarioFunction {
            base,
            inputs: uncertain.iter().map(|s| s.input).collect(),
            dists: uncertain.iter().map(|s| s.dist.clone()).collect(),
            targets,
            options: scenario.options,
        }
    }

    pub fn inputs(&self) -> &[Input] {
        &self.inputs
    }

    pub fn dist(&self, i: usize) -> &Dist {
        &self.dists[i]
    }

    /// Every uncertain input's value at quantile `p`.
    pub fn at_quantile(&self, p: f64) -> Vec<f64> {
        self.dists.iter().map(|d| d.quantile(p)).collect()
    }

    /// The model's outputs with the uncertain inputs at `values`.
    pub fn at_values(&self, values: &[f64]) -> Outputs {
        model::evaluate(&self.inputs_at(values), self.options)
    }

    /// Every model input with the uncertain inputs at `values`.
    pub fn inputs_at(&self, values: &[f64]) -> Inputs {
        let mut x = self.base;
        for (targets, v) in self.targets.iter().zip(values) {
            for &t in targets {
                x[t] = *v;
            }
        }
        x
    }

    /// Every model input at a point of the unit cube.
    pub fn point_inputs(&self, u: &[f64]) -> Inputs {
        let values: Vec<f64> = self
            .dists
            .iter()
            .zip(u)
            .map(|(d, p)| d.quantile(*p))
            .collect();
        self.inputs_at(&values)
    }

    /// The model's outputs at a point of the unit cube, each coordinate mapped through its
    /// input's quantile function.
    pub fn at_unit_point(&self, u: &[f64]) -> Outputs {
        model::evaluate(&self.point_inputs(u), self.options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Metric;
    use std::path::Path;

    #[test]
    fn medians_everywhere_is_the_point_estimate() {
        let s = Scenario::load(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/llama-3.1-405b.toml"),
        )
        .unwrap();
        let f = ScenarioFunction::new(&s);
        assert_eq!(f.inputs().len(), 5);
        let medians = f.at_quantile(0.5);
        let direct: Inputs = std::array::from_fn(|i| s.inputs[i].dist.median());
        assert_eq!(f.at_values(&medians), model::evaluate(&direct, s.options));
        assert_eq!(f.at_unit_point(&[0.5; 5]), f.at_values(&medians));
        // Slower hardware utilisation means more days.
        let low_mfu = f.at_values(&[0.33, medians[1], medians[2], medians[3], medians[4]]);
        assert!(
            low_mfu[Metric::TrainDays.index()] > f.at_values(&medians)[Metric::TrainDays.index()]
        );
    }

    #[test]
    fn an_uncertain_params_moves_its_active_alias_too() {
        let text = r#"
            [model]
            params = { dist = "uniform", min = 1e9, max = 2e9 }
            tokens = 1e12
            [cluster]
            gpus = 10
            peak_tflops = 100
            mfu = 0.5
            [cost]
            gpu_hour_usd = 2
        "#;
        let s = Scenario::parse(Path::new("t.toml"), text).unwrap();
        let f = ScenarioFunction::new(&s);
        assert_eq!(f.inputs(), &[Input::Params]);
        let y = f.at_values(&[2e9]);
        assert_eq!(y[Metric::TrainFlops.index()], 6.0 * 2e9 * 1e12);
    }
}
