//! `[model]`: parameters, active parameters, tokens and FLOPs per parameter-token.

use std::sync::LazyLock;

use crate::scenario::*;

pub(in crate::scenario) static MODEL_KEYS: LazyLock<Vec<&str>> =
    LazyLock::new(|| super::keys_of("model", &[]));

pub(in crate::scenario) fn read_model(b: &mut Builder, doc: &mut Table) -> Result<(), Error> {
    let mut model = required_section(b.src, doc, "model")?;
    b.require(&mut model, Input::Params)?;
    b.require(&mut model, Input::Tokens)?;
    if b.read(&mut model, Input::ActiveParams)? {
        check_active_params(b)?;
    } else {
        // Same stream as params: each run's active count equals its total count.
        b.alias(Input::ActiveParams, Input::Params);
    }
    b.read(&mut model, Input::FlopsPerParamToken)?;
    b.default(Input::FlopsPerParamToken, 6.0);
    model.finish(b.src, &MODEL_KEYS, "[model]")
}

/// Active parameters above the total are a typo (e.g. the two swapped), not a model.
pub(in crate::scenario) fn check_active_params(b: &Builder) -> Result<(), Error> {
    let total = b.inputs[Input::Params.index()]
        .as_ref()
        .unwrap()
        .dist
        .support();
    let active = b.inputs[Input::ActiveParams.index()]
        .as_ref()
        .unwrap()
        .dist
        .support();
    if active.lo > total.hi {
        return Err(b.src.error(
            b.spans[Input::ActiveParams.index()].clone().unwrap(),
            "`model.active_params` exceeds `model.params`",
            "more active than total parameters",
            Some("active_params counts the parameters used per token (mixture of experts); it cannot exceed params".into()),
        ));
    }
    Ok(())
}
