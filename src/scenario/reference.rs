//! `mfu = "reference"`: utilisation from the fitted record of real runs, resolved for this
//! scenario's chip, format, chip count and model.
//!
//! ```toml
//! mfu = "reference"                                        # the bundled record of published runs
//! mfu = { reference = "our-runs.csv" }                     # a lab's own runs (path from this file)
//! mfu = { reference = "bundled", exclude = ["Llama 2 70B"] }   # leave runs out
//! ```
//!
//! The reference runs' hours are wall-clock, so their utilisation already includes time lost
//! to failures and restarts: `downtime` and `[failures]` would count it twice and are refused.

use std::borrow::Cow;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::DeValue;

use super::reader::{self, Source};
use super::{Builder, Input};
use crate::error::Error;
use crate::hardware;
use crate::prior::fit::Predictive;
use crate::prior::reference::{DEFAULT_COVARIATES, Facts, UtilisationPrior, utilisation_dist};
use crate::prior::runs::ReferenceSet;

/// How many reference runs `check` lists beside the resolved prior.
pub const NEAREST_RUNS: usize = 5;

/// The resolved reference prior of one scenario, for `check` and the warnings of `run`.
#[derive(Debug, Clone)]
pub struct ReferenceUse {
    pub prior: UtilisationPrior,
    /// The reference file, when it is not the bundled one.
    pub path: Option<PathBuf>,
    pub excluded: Vec<String>,
    pub facts: Facts,
    pub hardware: &'static str,
    pub precision: String,
    /// The predictive of ln u against the 16-bit peak.
    pub predictive: Predictive,
    /// Why this scenario lies outside the reference class; empty when inside.
    pub outside: Vec<String>,
    /// Inputs given as distributions whose median stood in for them in the regression.
    pub at_median: Vec<&'static str>,
    /// The scenario file's line of `mfu`.
    pub line: usize,
}

/// What `mfu` asks for: None when it is an ordinary number or distribution.
pub struct Request {
    file: Option<PathBuf>,
    excluded: Vec<String>,
    span: Range<usize>,
}

/// Recognises the reference forms of `mfu`; anything else is left to the ordinary reader.
pub fn request(src: &Source, v: &Spanned<DeValue>) -> Result<Option<Request>, Error> {
    match v.get_ref() {
        DeValue::String(s) if s == "reference" => Ok(Some(Request {
            file: None,
            excluded: Vec::new(),
            span: v.span(),
        })),
        DeValue::Table(t) if t.get("reference").is_some() => {
            let mut table = reader::table(src, "cluster.mfu", v)?;
            let file = table.take("reference").expect("checked above");
            let file = match reader::string(src, "cluster.mfu.reference", file)? {
                "bundled" => None,
                path => Some(relative_to(src.path, path)),
            };
            let excluded = match table.take("exclude") {
                None => Vec::new(),
                Some(list) => strings(src, list)?,
            };
            table.finish(src, &["reference", "exclude"], "`cluster.mfu`")?;
            Ok(Some(Request {
                file,
                excluded,
                span: v.span(),
            }))
        }
        _ => Ok(None),
    }
}

fn strings(src: &Source, v: &Spanned<DeValue>) -> Result<Vec<String>, Error> {
    let DeValue::Array(items) = v.get_ref() else {
        return Err(src.error(
            v.span(),
            "`cluster.mfu.exclude` must be a list of run names",
            "not a list",
            Some("for example exclude = [\"Llama 2 70B\"]".into()),
        ));
    };
    items
        .iter()
        .map(|item| reader::string(src, "cluster.mfu.exclude", item).map(str::to_string))
        .collect()
}

/// A reference file named in a scenario is found beside the scenario, as an include would be.
fn relative_to(scenario: &Path, file: &str) -> PathBuf {
    let file = Path::new(file);
    if file.is_absolute() {
        return file.to_path_buf();
    }
    scenario
        .parent()
        .map_or_else(|| file.to_path_buf(), |dir| dir.join(file))
}

/// The chip and number format named by `gpu` and `precision`, which the prior needs.
pub struct Chip {
    pub name: &'static str,
    pub precision: String,
}

/// `cluster.year`: when the run ends, which the prior's trend over time needs.
pub struct Year {
    pub value: f64,
    pub span: Range<usize>,
}

/// Fits the reference class and sets `mfu` to the predictive for this scenario.
pub fn resolve(
    b: &mut Builder,
    request: Request,
    chip: Option<&Chip>,
    year: Option<Year>,
) -> Result<ReferenceUse, Error> {
    let src = b.src;
    let Some(chip) = chip else {
        return Err(src.error(
            request.span,
            "`mfu = \"reference\"` needs the chip by name: `cluster.gpu`",
            "no gpu named",
            Some("replace `peak_tflops` by `gpu = \"H100-SXM\"` (or another catalog name) and `precision`: the prior depends on the chip".into()),
        ));
    };
    let Some(year) = year else {
        return Err(src.error(
            request.span,
            "`mfu = \"reference\"` needs `cluster.year`: when the run ends",
            "no year",
            Some("add `year = 2026` (or 2026.5 for mid-year) under [cluster]: utilisation of the same chip has risen year by year as software matured, and the reference runs are dated by publication".into()),
        ));
    };
    let facts = facts(b, chip, &request, year.value)?;
    let set = load_set(src, &request)?;
    let prior = UtilisationPrior::fit(&set, DEFAULT_COVARIATES).map_err(|e| {
        src.error(
            request.span.clone(),
            format!("cannot fit the reference prior to {}: {e}", set.name),
            "too little evidence",
            Some("give a reference file with more runs, or fewer exclusions".into()),
        )
    })?;
    let predictive = prior.predict(&facts);
    let peak = hardware::peak_tflops(chip.name, &chip.precision).expect("checked by read_peak");
    let dist = utilisation_dist(&predictive, facts.peak16_tflops / peak).map_err(|message| {
        src.error(
            year.span.clone(),
            message,
            "extrapolated too far",
            Some("give `mfu` yourself: the record of published runs cannot speak for this chip and year".into()),
        )
    })?;
    let written = format!(
        "reference ({} runs; {})",
        prior.runs.len(),
        request
            .file
            .as_ref()
            .map_or("bundled".to_string(), |p| p.display().to_string())
    );
    b.set_at(Input::Mfu, dist, written, request.span.clone());
    let line = b.inputs[Input::Mfu.index()].as_ref().unwrap().line;
    let at_median = [Input::Params, Input::ActiveParams, Input::Tokens]
        .into_iter()
        .filter(|i| !b.inputs[i.index()].as_ref().unwrap().dist.is_fixed())
        .map(Input::key)
        .collect();
    Ok(ReferenceUse {
        outside: prior.outside(&facts, chip.name),
        prior,
        path: request.file,
        excluded: request.excluded,
        facts,
        hardware: chip.name,
        precision: chip.precision.clone(),
        predictive,
        at_median,
        line: line.expect("set_at records the line"),
    })
}

/// The runs the prior is fitted to: the bundled ones borrowed as they are, or a copy with the
/// exclusions taken out.
fn load_set(src: &Source, request: &Request) -> Result<Cow<'static, ReferenceSet>, Error> {
    let set = match &request.file {
        None => Cow::Borrowed(ReferenceSet::bundled()),
        Some(path) => Cow::Owned(ReferenceSet::load(path).map_err(|e| match e {
            Error::Runtime(message) => src.error(
                request.span.clone(),
                message,
                "cannot read this file",
                Some("the path is relative to the scenario file's folder".into()),
            ),
            other => other,
        })?),
    };
    if request.excluded.is_empty() {
        return Ok(set);
    }
    let rest = set.without(&request.excluded).map_err(|message| {
        src.error(
            request.span.clone(),
            message,
            "not in the reference runs",
            Some("names are the `model` column, compared without regard to case".into()),
        )
    })?;
    Ok(Cow::Owned(rest))
}

/// The regression's inputs from the scenario. The chip count must be a number: the prior
/// depends on it, and one prior for a spread of counts would hide that.
fn facts(b: &Builder, chip: &Chip, request: &Request, year: f64) -> Result<Facts, Error> {
    let gpus = b.inputs[Input::Gpus.index()].as_ref().unwrap();
    if !gpus.dist.is_fixed() {
        return Err(b.src.error(
            b.spans[Input::Gpus.index()].clone().unwrap_or(request.span.clone()),
            "`mfu = \"reference\"` needs `cluster.gpus` as a number, not a distribution",
            "uncertain chip count",
            Some("utilisation depends on the count: write one scenario per candidate count and compare them (`flopcast compare` or `flopcast sweep --set cluster.gpus=...`)".into()),
        ));
    }
    let fpt = &b.inputs[Input::FlopsPerParamToken.index()]
        .as_ref()
        .unwrap()
        .dist;
    if !fpt.is_fixed() || fpt.median() != 6.0 {
        return Err(b.src.error(
            b.spans[Input::FlopsPerParamToken.index()].clone().unwrap_or(request.span.clone()),
            "`mfu = \"reference\"` counts 6 FLOPs per parameter per token, as the reference runs' utilisation does",
            "another FLOP count",
            Some("remove `flops_per_param_token`, or give `mfu` yourself".into()),
        ));
    }
    let median = |i: Input| b.inputs[i.index()].as_ref().unwrap().dist.median();
    let peak16_tflops = hardware::resolve(chip.name).map_or(f64::NAN, hardware::peak16_tflops);
    Ok(Facts {
        peak16_tflops,
        chips: median(Input::Gpus),
        params_active: median(Input::ActiveParams),
        params_total: median(Input::Params),
        tokens: median(Input::Tokens),
        tpu: chip.name.starts_with("TPU"),
        year,
    })
}
