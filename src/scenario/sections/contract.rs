//! `[contract]`: GPUs reserved for a term at a committed price, and what a run that outlasts
//! the term pays (and may wait) for more.

use std::sync::LazyLock;

use crate::scenario::*;

pub(in crate::scenario) static CONTRACT_KEYS: LazyLock<Vec<&str>> =
    LazyLock::new(|| super::keys_of("contract", &[]));

/// The contract's inputs, every one unused when there is no `[contract]`.
const CONTRACT_INPUTS: [Input; 8] = [
    Input::ContractGpus,
    Input::ContractTermDays,
    Input::ContractUsdPerGpuHour,
    Input::ContractUnusedPaid,
    Input::ExtensionUsdPerGpuHour,
    Input::ExtensionUnavailable,
    Input::ExtensionWaitDays,
    Input::ContractLuck,
];

/// Reads `[contract]`; true when there is one. Reserved GPUs default to the run's GPUs, the
/// extension price to `cost.gpu_hour_usd` (the on-demand price), and the unused term is paid in
/// full (take-or-pay) unless `unused_paid` says otherwise.
pub(in crate::scenario) fn read_contract(b: &mut Builder, doc: &mut Table) -> Result<bool, Error> {
    let Some(v) = doc.take("contract") else {
        CONTRACT_INPUTS.into_iter().for_each(|i| b.unused(i));
        return Ok(false);
    };
    let mut t = reader::table(b.src, "contract", v)?;
    if !b.read(&mut t, Input::ContractGpus)? {
        b.alias(Input::ContractGpus, Input::Gpus);
    }
    b.require(&mut t, Input::ContractTermDays)?;
    b.require(&mut t, Input::ContractUsdPerGpuHour)?;
    b.read(&mut t, Input::ContractUnusedPaid)?;
    b.default(Input::ContractUnusedPaid, 1.0);
    if !b.read(&mut t, Input::ExtensionUsdPerGpuHour)? {
        b.alias(Input::ExtensionUsdPerGpuHour, Input::GpuHourUsd);
    }
    let unavailable = b.read(&mut t, Input::ExtensionUnavailable)?;
    let wait = b.read(&mut t, Input::ExtensionWaitDays)?;
    match (unavailable, wait) {
        (true, true) => {
            let luck = Uniform::new(0.0, 1.0).expect("0 < 1");
            b.set(Input::ContractLuck, Dist::new(luck), None);
        }
        (false, false) => {
            for input in [
                Input::ExtensionUnavailable,
                Input::ExtensionWaitDays,
                Input::ContractLuck,
            ] {
                b.unused(input);
            }
        }
        (true, false) | (false, true) => {
            let (given, missing) = if unavailable {
                (Input::ExtensionUnavailable, Input::ExtensionWaitDays)
            } else {
                (Input::ExtensionWaitDays, Input::ExtensionUnavailable)
            };
            let short = missing.key().rsplit('.').next().unwrap();
            if let Some(e) = t.unknown_key(b.src, &CONTRACT_KEYS, &[short], "[contract]") {
                return Err(e);
            }
            return Err(b.src.error(
                b.spans[given.index()].clone().unwrap(),
                format!("`{}` needs `{}` too", given.key(), missing.key()),
                "half of the extension's availability",
                Some("give the chance that no extension capacity is free when the run outlasts the term (`extension_unavailable = 0.2`) and the days it then waits (`extension_wait_days = { dist = \"lognormal\", p5 = 7, p95 = 60 }`)".into()),
            ));
        }
    }
    t.finish(b.src, &CONTRACT_KEYS, "[contract]")?;
    Ok(true)
}
