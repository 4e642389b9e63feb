//! `[cost]`: the GPU-hour price (given or from the market) and every other cost line.

use std::sync::LazyLock;

use crate::scenario::*;

pub(in crate::scenario) static COST_KEYS: LazyLock<Vec<&str>> =
    LazyLock::new(|| super::keys_of("cost", &[]));

/// `[cost]`: the GPU-hour price, and the optional cost lines, each all-or-nothing.
pub(in crate::scenario) fn read_cost(b: &mut Builder, doc: &mut Table) -> Result<CostLines, Error> {
    let mut cost = required_section(b.src, doc, "cost")?;
    match cost.take("gpu_hour_usd") {
        Some(v) => match market::request(b.src, v)? {
            Some(commitment) => market::resolve(b, commitment, b.chip, v.span())?,
            None => b.read_value(Input::GpuHourUsd, v)?,
        },
        None => b.require(&mut cost, Input::GpuHourUsd)?,
    }
    let mut line = |inputs: &[Input], what: &str| -> Result<bool, Error> {
        let mut given = Vec::new();
        for &input in inputs {
            if b.read(&mut cost, input)? {
                given.push(input);
            }
        }
        if given.is_empty() {
            inputs.iter().for_each(|&i| b.unused(i));
            return Ok(false);
        }
        if let Some(missing) = inputs.iter().find(|i| !given.contains(i)) {
            let short = missing.key().rsplit('.').next().unwrap();
            if let Some(e) = cost.unknown_key(b.src, &COST_KEYS, &[short], "[cost]") {
                return Err(e);
            }
            let names: Vec<&str> = inputs.iter().map(|i| i.key()).collect();
            return Err(b.src.error(
                b.spans[given[0].index()].clone().unwrap(),
                format!("{what} needs `{}` too", missing.key()),
                format!("incomplete {what}"),
                Some(format!("{what} takes {} together", names.join(", "))),
            ));
        }
        Ok(true)
    };
    let energy = line(
        &[Input::GpuKw, Input::Pue, Input::UsdPerKwh],
        "the energy cost",
    )?;
    let storage_network = line(&[Input::StorageNetworkUsdPerGpuHour], "storage and network")?;
    let experiments = line(&[Input::ExperimentsFraction], "experiments")?;
    // Fixed items stand alone: any of them makes the line, the others count as 0.
    let fixed_inputs = [Input::DataUsd, Input::EvaluationUsd, Input::OtherUsd];
    let mut fixed = false;
    for input in fixed_inputs {
        fixed |= b.read(&mut cost, input)?;
    }
    for input in fixed_inputs {
        if fixed {
            b.default(input, 0.0);
        } else {
            b.unused(input);
        }
    }
    cost.finish(b.src, &COST_KEYS, "[cost]")?;
    Ok(CostLines {
        energy,
        storage_network,
        experiments,
        fixed,
    })
}
