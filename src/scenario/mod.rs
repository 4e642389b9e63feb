//! Scenario files: TOML in which every numeric input is a number or a distribution.
//!
//! Reading never panics and never guesses: unknown keys, bad parameters and inputs whose
//! draws could leave their physical domain are errors that point at the exact place in the file.

mod checks;
mod extremes;
mod file;
mod market;
mod overrides;
pub mod portfolio;
mod reader;
mod reference;
mod sections;
mod value;

use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::de::DeTable;

use crate::dist::families::Uniform;
use crate::dist::{Dist, End};
use crate::error::{Error, GivenAt, InputOrigins};
use crate::hardware::{self, Lookup};
use crate::model::{CostLines, Domain, FailureOptions, Input, ModelOptions};
use checks::*;
use file::*;
pub use overrides::{Override, parse_set};
use reader::{Source, Table};
pub use reference::{NEAREST_RUNS, ReferenceUse};
pub use sections::copula_layout;
use sections::*;

/// One model input as the sampler sees it.
#[derive(Debug, Clone)]
pub struct InputSpec {
    pub input: Input,
    pub dist: Dist,
    /// Draws come from this input's stream (seeded by its key), so inputs that must be equal
    /// (active_params defaulting to params) share one stream, and two scenarios that share
    /// an input draw the same values for it.
    pub stream: Input,
    /// False for inputs the model ignores in this scenario (e.g. months when labor follows the run).
    pub used: bool,
    /// The value as written in the file; None for defaults.
    pub written: Option<String>,
    /// The 1-based line of the file where it is written; None for defaults and overrides.
    pub line: Option<usize>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SimulationSettings {
    pub runs: Option<u64>,
    pub seed: Option<u64>,
    /// The 1-based line and column of `runs`' value, for messages about a run count from the file.
    pub runs_at: Option<(usize, usize)>,
}

#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub path: PathBuf,
    /// Indexed by [`Input`].
    pub inputs: Vec<InputSpec>,
    pub options: ModelOptions,
    pub simulation: SimulationSettings,
    /// Rank correlations between uncertain inputs (`[[correlation]]`).
    pub correlations: Vec<Correlation>,
    /// Published outcomes of the run this scenario describes (`[[published]]`), for calibration.
    pub published: Vec<Published>,
    /// The fitted utilisation prior, when `mfu = "reference"`.
    pub reference: Option<Box<ReferenceUse>>,
    /// The day training starts (`[schedule] start`), which places spend on the calendar.
    pub start: Option<crate::calendar::Date>,
}

/// A figure the real run reported, to see where it falls in the scenario's band.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    pub metric: crate::model::Metric,
    pub value: f64,
    pub source: String,
}

/// A target Spearman correlation between two uncertain inputs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Correlation {
    pub a: Input,
    pub b: Input,
    pub spearman: f64,
}

impl Scenario {
    /// Where each input was given, for errors found after loading.
    pub fn origins(&self) -> InputOrigins {
        InputOrigins {
            path: self.path.clone(),
            inputs: self
                .inputs
                .iter()
                .map(|s| GivenAt {
                    used: s.used,
                    line: s.line,
                    written: s.written.clone(),
                    fixed: s.dist.is_fixed(),
                })
                .collect(),
        }
    }

    pub fn load(path: &Path) -> Result<Scenario, Error> {
        let unreadable = |source| Error::ReadScenario {
            path: path.to_path_buf(),
            source,
        };
        check_file_kind(path).map_err(unreadable)?;
        let bytes = std::fs::read(path).map_err(unreadable)?;
        match std::str::from_utf8(&bytes) {
            Ok(text) => Scenario::parse(path, text),
            Err(e) => Err(not_utf8(path, &bytes, e)),
        }
    }

    pub fn parse(path: &Path, text: &str) -> Result<Scenario, Error> {
        let src = Source { path, text };
        let doc = DeTable::parse(text).map_err(|e| {
            // The toml crate gives its key-depth error ("recursion limit") no span.
            let span = e.span().or_else(|| deep_key(text)).unwrap_or(0..0);
            let help = e.message().contains("recursion").then(|| {
                format!("keys, tables and arrays may nest at most {TOML_DEPTH_LIMIT} levels deep")
            });
            src.error(
                span,
                "invalid TOML syntax",
                e.message().trim().to_string(),
                help,
            )
        })?;
        let span = doc.span();
        read_document(&src, Table::new("", span, doc.get_ref()))
    }

    /// Every input slot the model reads from `stream` (an input and its aliases).
    pub fn slots_of(&self, stream: Input) -> Vec<usize> {
        self.inputs
            .iter()
            .filter(|s| s.used && s.stream == stream)
            .map(|s| s.input.index())
            .collect()
    }

    /// Every file this scenario reads: itself and a reference file it names. No output may
    /// replace any of them.
    pub fn input_files(&self) -> Vec<&Path> {
        let reference = self.reference.as_ref().and_then(|r| r.path.as_deref());
        std::iter::once(self.path.as_path())
            .chain(reference)
            .collect()
    }

    pub fn spec(&self, input: Input) -> &InputSpec {
        &self.inputs[input.index()]
    }

    /// Inputs the model uses that vary from run to run.
    pub fn uncertain_inputs(&self) -> impl Iterator<Item = &InputSpec> {
        self.inputs
            .iter()
            .filter(|s| s.used && !s.dist.is_fixed() && s.stream == s.input)
    }
}

const TOP_KEYS: &[&str] = &[
    "name",
    "description",
    "model",
    "cluster",
    "cost",
    "team",
    "failures",
    "contract",
    "schedule",
    "correlation",
    "published",
    "simulation",
];

fn section_keys(section: &str) -> &'static [&'static str] {
    match section {
        "model" => &MODEL_KEYS,
        "cluster" => &CLUSTER_KEYS,
        "cost" => &COST_KEYS,
        "team" => &TEAM_KEYS,
        "simulation" => SIMULATION_KEYS,
        "failures" => &FAILURE_KEYS,
        "contract" => &CONTRACT_KEYS,
        "schedule" => SCHEDULE_KEYS,
        _ => TOP_KEYS,
    }
}

/// Collects inputs while the document is read.
struct Builder<'s> {
    src: &'s Source<'s>,
    inputs: Vec<Option<InputSpec>>,
    spans: Vec<Option<Range<usize>>>,
    /// The catalog chip `cluster.gpu` names, for priors that depend on it.
    chip: Option<&'static str>,
}

impl Builder<'_> {
    /// Reads `input` from `table` if present, checking it against the input's domain.
    fn read(&mut self, table: &mut Table, input: Input) -> Result<bool, Error> {
        let short = input.key().rsplit('.').next().unwrap();
        let Some(v) = table.take(short) else {
            return Ok(false);
        };
        self.read_value(input, v)?;
        Ok(true)
    }

    fn read_value(
        &mut self,
        input: Input,
        v: &toml::Spanned<toml::de::DeValue>,
    ) -> Result<(), Error> {
        let dist = value::read(self.src, input.key(), v)?;
        check_domain(self.src, input, v.span(), &dist)?;
        let written = self.src.text[v.span()].to_string();
        self.set_at(input, dist, written, v.span());
        Ok(())
    }

    /// Sets `input` as written at `span` of the file, so messages and `check` can point there.
    fn set_at(&mut self, input: Input, dist: Dist, written: String, span: Range<usize>) {
        self.set(input, dist, Some(written));
        let line = self.src.text[..span.start].matches('\n').count() + 1;
        self.inputs[input.index()].as_mut().unwrap().line = Some(line);
        self.spans[input.index()] = Some(span);
    }

    fn require(&mut self, table: &mut Table, input: Input) -> Result<(), Error> {
        if self.read(table, input)? {
            return Ok(());
        }
        let short = input.key().rsplit('.').next().unwrap();
        let section = format!("[{}]", table.name);
        if let Some(e) = table.unknown_key(self.src, section_keys(&table.name), &[short], &section)
        {
            return Err(e);
        }
        Err(self.src.error(
            table.span.clone(),
            format!("missing `{}`", input.key()),
            format!("[{}] needs `{short}`", table.name),
            Some(format!(
                "add a line `{short} = ...` with a number or a distribution"
            )),
        ))
    }

    fn set(&mut self, input: Input, dist: Dist, written: Option<String>) {
        self.inputs[input.index()] = Some(InputSpec {
            input,
            dist,
            stream: input,
            used: true,
            written,
            line: None,
        });
    }

    fn default(&mut self, input: Input, value: f64) {
        if self.inputs[input.index()].is_none() {
            self.set(input, Dist::fixed(value), None);
        }
    }

    /// Makes `input` draw the very values of `of` (the same stream), for a default that follows
    /// another input run by run.
    fn alias(&mut self, input: Input, of: Input) {
        let mut alias = self.inputs[of.index()]
            .clone()
            .expect("set before its aliases");
        alias.input = input;
        alias.written = None;
        alias.line = None;
        self.inputs[input.index()] = Some(alias);
    }

    fn unused(&mut self, input: Input) {
        self.set(input, Dist::fixed(0.0), None);
        self.inputs[input.index()].as_mut().unwrap().used = false;
    }
}

/// The file's `name` (else its stem, else `fallback`), its `description` checked and set
/// aside.
fn read_name(src: &Source, doc: &mut Table, fallback: &str) -> Result<String, Error> {
    let name = match doc.take("name") {
        Some(v) => reader::string(src, "name", v)?.to_string(),
        None => src
            .path
            .file_stem()
            .map_or(fallback.into(), |s| s.to_string_lossy().into_owned()),
    };
    if let Some(v) = doc.take("description") {
        reader::string(src, "description", v)?;
    }
    Ok(name)
}

fn read_document(src: &Source, mut doc: Table) -> Result<Scenario, Error> {
    let name = read_name(src, &mut doc, "scenario")?;
    let mut b = Builder {
        src,
        inputs: vec![None; Input::COUNT],
        spans: vec![None; Input::COUNT],
        chip: None,
    };
    read_model(&mut b, &mut doc)?;
    let reference = read_cluster(&mut b, &mut doc)?;
    let cost_lines = read_cost(&mut b, &mut doc)?;
    let labor_follows_run = read_team(&mut b, &mut doc)?;
    let failures = read_failures(&mut b, &mut doc, reference.as_ref())?;
    let contract = read_contract(&mut b, &mut doc)?;
    let options = ModelOptions {
        labor_follows_run,
        failures,
        cost_lines,
        contract,
    };
    let simulation = read_simulation(src, &mut doc)?;
    let start = read_schedule(src, &mut doc)?;
    let correlation_value = doc.take("correlation");
    let published = read_published(src, doc.take("published"), &options)?;
    doc.finish(src, TOP_KEYS, "the scenario")?;
    let inputs = b
        .inputs
        .into_iter()
        .map(|s| s.expect("every input is set"))
        .collect();
    let scenario = Scenario {
        name,
        path: src.path.to_path_buf(),
        inputs,
        options,
        simulation,
        correlations: Vec::new(),
        published,
        reference: reference.map(Box::new),
        start,
    };
    let correlations = read_correlations(src, &scenario, correlation_value)?;
    extremes::check(src, &scenario, &b.spans)?;
    Ok(Scenario {
        correlations,
        ..scenario
    })
}

fn required_section<'t, 'i>(
    src: &Source,
    doc: &mut Table<'t, 'i>,
    name: &str,
) -> Result<Table<'t, 'i>, Error> {
    match doc.take(name) {
        Some(v) => reader::table(src, name, v),
        None => Err(doc
            .unknown_key(src, TOP_KEYS, &[name], "the scenario")
            .unwrap_or_else(|| {
                src.error(
                    0..0,
                    format!("missing section [{name}]"),
                    format!("the scenario needs a [{name}] section"),
                    Some(format!(
                        "see scenarios/ for complete examples; [{name}] takes: {}",
                        section_keys(name).join(", ")
                    )),
                )
            })),
    }
}

/// The unknown key of `table` that a missing `key` most likely is, if there is one.
fn unknown_or(
    table: &Table,
    src: &Source,
    allowed: &[&str],
    key: &str,
    what: &str,
) -> Option<Error> {
    table.unknown_key(src, allowed, &[key], what)
}

#[cfg(test)]
pub(crate) mod tests;
