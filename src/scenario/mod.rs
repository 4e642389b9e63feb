//! Scenario files: TOML in which every numeric input is a number or a distribution.
//!
//! Reading never panics and never guesses: unknown keys, bad parameters and inputs whose
//! draws could leave their physical domain are errors that point at the exact place in the file.

mod extremes;
mod market;
mod overrides;
mod reader;
mod reference;
mod value;

use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::de::DeTable;

use crate::dist::families::Uniform;
use crate::dist::{Dist, End};
use crate::error::{Error, GivenAt, InputOrigins};
use crate::hardware::{self, Lookup};
use crate::model::{CostLines, Domain, FailureOptions, Input, ModelOptions};
pub use overrides::{Override, parse_set};
use reader::{Source, Table};
pub use reference::{NEAREST_RUNS, ReferenceUse};

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

/// How deep the toml crate lets keys, tables and arrays nest.
const TOML_DEPTH_LIMIT: usize = 80;

/// Refuses, without opening it, a path that is not a regular file: a directory or a device
/// cannot hold a scenario (`/dev/zero` would be read forever), and opening a named pipe waits
/// for a writer that may never come. A pipe that is already open, as `/dev/stdin` or a shell's
/// `<(...)` (`/dev/fd/N`), has its writer and is read like a file.
fn check_file_kind(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::FileTypeExt;
    let kind = std::fs::metadata(path)?.file_type();
    let open_descriptor = path == Path::new("/dev/stdin")
        || path.starts_with("/dev/fd")
        || path.starts_with("/proc/self/fd");
    let what = if kind.is_file() || (kind.is_fifo() && open_descriptor) {
        return Ok(());
    } else if kind.is_dir() {
        "it is a directory"
    } else if kind.is_fifo() {
        "it is a named pipe (FIFO), which would wait for a writer"
    } else if kind.is_char_device() || kind.is_block_device() {
        "it is a device"
    } else if kind.is_socket() {
        "it is a socket"
    } else {
        "it is not a regular file"
    };
    Err(std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        format!(
            "{what}: a scenario must be a regular TOML file (to read one from a pipe, give /dev/stdin)"
        ),
    ))
}

/// A scenario that is not UTF-8, located at its first invalid byte.
fn not_utf8(path: &Path, bytes: &[u8], e: std::str::Utf8Error) -> Error {
    let at = e.valid_up_to();
    // Up to `at` the lossy text is the file itself, so the offset still points at the byte.
    let text = String::from_utf8_lossy(bytes);
    let src = Source { path, text: &text };
    src.error(
        at..at + char::REPLACEMENT_CHARACTER.len_utf8(),
        format!(
            "the scenario file is not valid UTF-8: byte 0x{:02X} cannot be part of a character here",
            bytes[at]
        ),
        "not UTF-8",
        Some("scenario files must be UTF-8 (TOML requires it): re-save the file as UTF-8".into()),
    )
}

/// The first key (a `[table.header]` or a `dotted.key = ...`) with more dotted parts than the
/// toml crate accepts (it refuses a key whose parts before the last number the limit or more),
/// to locate its depth error.
fn deep_key(text: &str) -> Option<Range<usize>> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let lead = line.len() - line.trim_start().len();
        let body = &line[lead..];
        let key = match body.strip_prefix('[') {
            Some(header) => header.split(']').next().unwrap_or(header),
            None => body.split('=').next().unwrap_or(body),
        };
        if dots_outside_quotes(key) >= TOML_DEPTH_LIMIT {
            let start = offset + lead;
            return Some(start..start + body.trim_end().len());
        }
        offset += line.len();
    }
    None
}

fn dots_outside_quotes(key: &str) -> usize {
    let mut quote = None;
    let mut dots = 0;
    for c in key.chars() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '.') => dots += 1,
            _ => {}
        }
    }
    dots
}

const TOP_KEYS: &[&str] = &[
    "name",
    "description",
    "model",
    "cluster",
    "cost",
    "team",
    "failures",
    "correlation",
    "published",
    "simulation",
];
const MODEL_KEYS: &[&str] = &["params", "active_params", "tokens", "flops_per_param_token"];
const CLUSTER_KEYS: &[&str] = &[
    "gpus",
    "gpu",
    "precision",
    "peak_tflops",
    "mfu",
    "year",
    "downtime",
];
const COST_KEYS: &[&str] = &[
    "gpu_hour_usd",
    "gpu_kw",
    "pue",
    "usd_per_kwh",
    "storage_network_usd_per_gpu_hour",
    "experiments_fraction",
    "data_usd",
    "evaluation_usd",
    "other_usd",
];
const TEAM_KEYS: &[&str] = &[
    "size",
    "salary_usd",
    "months",
    "months_before",
    "months_after",
];
const SIMULATION_KEYS: &[&str] = &["runs", "seed"];
const FAILURE_KEYS: &[&str] = &[
    "rate_per_gpu_hour",
    "gpu_mtbf_hours",
    "restart_hours",
    "checkpoint_interval_hours",
    "checkpoint_write_hours",
];

fn section_keys(section: &str) -> &'static [&'static str] {
    match section {
        "model" => MODEL_KEYS,
        "cluster" => CLUSTER_KEYS,
        "cost" => COST_KEYS,
        "team" => TEAM_KEYS,
        "simulation" => SIMULATION_KEYS,
        "failures" => FAILURE_KEYS,
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

    fn unused(&mut self, input: Input) {
        self.set(input, Dist::fixed(0.0), None);
        self.inputs[input.index()].as_mut().unwrap().used = false;
    }
}

fn read_document(src: &Source, mut doc: Table) -> Result<Scenario, Error> {
    let name = match doc.take("name") {
        Some(v) => reader::string(src, "name", v)?.to_string(),
        None => src
            .path
            .file_stem()
            .map_or("scenario".into(), |s| s.to_string_lossy().into_owned()),
    };
    if let Some(v) = doc.take("description") {
        reader::string(src, "description", v)?;
    }
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
    let options = ModelOptions {
        labor_follows_run,
        failures,
        cost_lines,
    };
    let simulation = read_simulation(src, &mut doc)?;
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
    };
    let correlations = read_correlations(src, &scenario, correlation_value)?;
    extremes::check(src, &scenario, &b.spans)?;
    Ok(Scenario {
        correlations,
        ..scenario
    })
}

fn read_model(b: &mut Builder, doc: &mut Table) -> Result<(), Error> {
    let mut model = required_section(b.src, doc, "model")?;
    b.require(&mut model, Input::Params)?;
    b.require(&mut model, Input::Tokens)?;
    if b.read(&mut model, Input::ActiveParams)? {
        check_active_params(b)?;
    } else {
        // Same stream as params: each run's active count equals its total count.
        let mut alias = b.inputs[Input::Params.index()].clone().unwrap();
        alias.input = Input::ActiveParams;
        alias.written = None;
        b.inputs[Input::ActiveParams.index()] = Some(alias);
    }
    b.read(&mut model, Input::FlopsPerParamToken)?;
    b.default(Input::FlopsPerParamToken, 6.0);
    model.finish(b.src, MODEL_KEYS, "[model]")
}

/// Active parameters above the total are a typo (e.g. the two swapped), not a model.
fn check_active_params(b: &Builder) -> Result<(), Error> {
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

fn read_cluster(b: &mut Builder, doc: &mut Table) -> Result<Option<ReferenceUse>, Error> {
    let mut cluster = required_section(b.src, doc, "cluster")?;
    b.require(&mut cluster, Input::Gpus)?;
    let chip = read_peak(b, &mut cluster)?;
    b.chip = chip.as_ref().map(|c| c.name);
    let request = match cluster.take("mfu") {
        Some(v) => match reference::request(b.src, v)? {
            Some(request) => Some(request),
            None => {
                b.read_value(Input::Mfu, v)?;
                None
            }
        },
        None => {
            b.require(&mut cluster, Input::Mfu)?;
            None
        }
    };
    let year = read_year(b.src, &mut cluster)?;
    let reference = match (request, year) {
        (Some(r), year) => Some(reference::resolve(b, r, chip.as_ref(), year)?),
        (None, Some(year)) => {
            return Err(b.src.error(
                year.span,
                "`cluster.year` is used only by `mfu = \"reference\"`",
                "unused",
                Some("remove it, or set `mfu = \"reference\"` to take utilisation from the record of real runs".into()),
            ));
        }
        (None, None) => None,
    };
    if b.read(&mut cluster, Input::Downtime)? && reference.is_some() {
        return Err(b.src.error(
            b.spans[Input::Downtime.index()].clone().unwrap(),
            "`cluster.downtime` with `mfu = \"reference\"` would count lost time twice",
            "already in the reference utilisation",
            Some("remove `downtime`: the reference runs' hours are wall-clock, so their utilisation includes failures and restarts".into()),
        ));
    }
    b.default(Input::Downtime, 0.0);
    cluster.finish(b.src, CLUSTER_KEYS, "[cluster]")?;
    Ok(reference)
}

/// `cluster.year`, a plain number between 2015 and 2100.
fn read_year(src: &Source, cluster: &mut Table) -> Result<Option<reference::Year>, Error> {
    let Some(v) = cluster.take("year") else {
        return Ok(None);
    };
    let value = reader::number(src, "cluster.year", v)?;
    if !(2015.0..=2100.0).contains(&value) {
        return Err(src.error(
            v.span(),
            format!("`cluster.year` must lie between 2015 and 2100, got {value}"),
            "not a year",
            Some("the year the run ends, such as 2026 or 2026.5".into()),
        ));
    }
    Ok(Some(reference::Year {
        value,
        span: v.span(),
    }))
}

/// `peak_tflops` as given, or from the catalog by `gpu` and `precision` (default bf16); never
/// both, since one of the two figures would be silently ignored. The chip, when named.
fn read_peak(b: &mut Builder, cluster: &mut Table) -> Result<Option<reference::Chip>, Error> {
    let gpu = cluster.take("gpu");
    let precision = cluster.take("precision");
    if let Some(peak) = cluster.take("peak_tflops") {
        let catalog = [("gpu", gpu), ("precision", precision)];
        if let Some((key, value)) = catalog.into_iter().find_map(|(k, v)| Some((k, v?))) {
            return Err(peak_conflict(b.src, key, value.span(), peak.span()));
        }
        return b.read_value(Input::PeakTflops, peak).map(|()| None);
    }
    let Some(gpu) = gpu else {
        if let Some(p) = precision {
            return Err(b.src.error(
                p.span(),
                "`cluster.precision` needs `cluster.gpu`",
                "no gpu to look up",
                Some(
                    "add `gpu = \"H100-SXM\"` (or another catalog name), or give `peak_tflops`"
                        .into(),
                ),
            ));
        }
        return b.require(cluster, Input::PeakTflops).map(|()| None);
    };
    let name = reader::string(b.src, "cluster.gpu", gpu)?;
    let format = match precision {
        Some(p) => reader::string(b.src, "cluster.precision", p)?,
        None => "bf16",
    };
    let chip = hardware::resolve(name).map_err(|e| {
        let label = match e {
            hardware::NameError::Ambiguous { .. } => "more than one chip by this name",
            hardware::NameError::Unknown { .. } => "not in the catalog",
        };
        b.src.error(
            gpu.span(),
            format!("unknown accelerator \"{name}\" in `cluster.gpu`"),
            label,
            Some(format!(
                "{}; or give `peak_tflops` directly (catalog: {})",
                e.hint(),
                hardware::CATALOG
                    .iter()
                    .map(|c| c.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        )
    })?;
    let peak = hardware::peak_tflops(chip.name, format).map_err(|e| match e {
        Lookup::UnknownPrecision { gpu: g, known } => b.src.error(
            precision.map_or(gpu.span(), |p| p.span()),
            format!("the catalog has no \"{format}\" figure for {g}"),
            "unknown precision",
            Some(format!("{g} has: {}", known.join(", "))),
        ),
        Lookup::UnknownGpu { .. } => unreachable!("resolved above"),
    })?;
    b.set(
        Input::PeakTflops,
        Dist::fixed(peak),
        Some(format!("{peak} (catalog: {}, {format})", chip.name)),
    );
    let canonical = chip.name;
    Ok(Some(reference::Chip {
        name: canonical,
        precision: format.to_ascii_lowercase(),
    }))
}

/// `peak_tflops` next to a catalog key, reported at whichever of the two comes second.
fn peak_conflict(
    src: &Source,
    key: &str,
    catalog_span: Range<usize>,
    peak_span: Range<usize>,
) -> Error {
    let (span, label) = if catalog_span.start > peak_span.start {
        (catalog_span, format!("`{key}` after `peak_tflops`"))
    } else {
        (peak_span, format!("`peak_tflops` after `{key}`"))
    };
    src.error(
        span,
        format!(
            "`cluster.peak_tflops` and `cluster.{key}` both set the GPU's peak: one of them would be ignored"
        ),
        label,
        Some(
            "give either `peak_tflops` (a figure or a distribution) or `gpu` (with an optional `precision`, default bf16), not both"
                .into(),
        ),
    )
}

/// `[cost]`: the GPU-hour price, and the optional cost lines, each all-or-nothing.
fn read_cost(b: &mut Builder, doc: &mut Table) -> Result<CostLines, Error> {
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
            if let Some(e) = cost.unknown_key(b.src, COST_KEYS, &[short], "[cost]") {
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
    cost.finish(b.src, COST_KEYS, "[cost]")?;
    Ok(CostLines {
        energy,
        storage_network,
        experiments,
        fixed,
    })
}

/// The inputs a set of correlations ties together (in first-mention order) and each
/// correlation as (position, position, Spearman ρ) among them.
pub fn copula_layout(correlations: &[Correlation]) -> (Vec<Input>, Vec<(usize, usize, f64)>) {
    let mut members: Vec<Input> = Vec::new();
    for c in correlations {
        for i in [c.a, c.b] {
            if !members.contains(&i) {
                members.push(i);
            }
        }
    }
    let at = |i: Input| members.iter().position(|m| *m == i).unwrap();
    let pairs = correlations
        .iter()
        .map(|c| (at(c.a), at(c.b), c.spearman))
        .collect();
    (members, pairs)
}

/// `[[correlation]]` entries: `between = ["a.key", "b.key"]`, `spearman = ρ` with |ρ| < 1, each
/// between two uncertain inputs the model uses, each pair once, and all of them possible at once.
fn read_correlations(
    src: &Source,
    scenario: &Scenario,
    value: Option<&toml::Spanned<toml::de::DeValue>>,
) -> Result<Vec<Correlation>, Error> {
    use toml::de::DeValue;
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let DeValue::Array(items) = value.get_ref() else {
        return Err(src.error(
            value.span(),
            "`correlation` must be a list of [[correlation]] tables",
            "expected [[correlation]]",
            Some("write each as [[correlation]] with between = [\"cluster.mfu\", \"cluster.downtime\"] and spearman = -0.4".into()),
        ));
    };
    let mut out: Vec<Correlation> = Vec::new();
    let mut spans = Vec::new();
    for item in items.iter() {
        let mut t = reader::table(src, "correlation", item)?;
        const CORRELATION_KEYS: [&str; 2] = ["between", "spearman"];
        let between = t.take("between").ok_or_else(|| {
            unknown_or(&t, src, &CORRELATION_KEYS, "between", "[[correlation]]").unwrap_or_else(
                || {
                    src.error(
                        t.span.clone(),
                        "[[correlation]] needs `between`",
                        "no inputs named",
                        Some("between = [\"cluster.mfu\", \"cluster.downtime\"]".into()),
                    )
                },
            )
        })?;
        let pair = correlation_pair(src, scenario, between)?;
        let rho_value = t.take("spearman").ok_or_else(|| {
            unknown_or(&t, src, &CORRELATION_KEYS, "spearman", "[[correlation]]").unwrap_or_else(
                || {
                    src.error(
                        t.span.clone(),
                        "[[correlation]] needs `spearman`",
                        "no correlation given",
                        Some(
                            "spearman = -0.4 (a rank correlation, strictly between -1 and 1)"
                                .into(),
                        ),
                    )
                },
            )
        })?;
        let spearman = reader::number(src, "correlation.spearman", rho_value)?;
        if spearman <= -1.0 || spearman >= 1.0 {
            return Err(src.error(
                rho_value.span(),
                format!("`spearman` must lie strictly between -1 and 1, got {spearman}"),
                "out of range",
                None,
            ));
        }
        let usable = crate::copula::max_abs_spearman();
        if spearman.abs() > usable {
            // Shown rounded toward 0, so that the figure suggested is itself usable.
            let shown = (usable * 1e11).floor() / 1e11;
            return Err(src.error(
                rho_value.span(),
                format!(
                    "`spearman` = {spearman} is too close to ±1 to compute with: the largest usable magnitude is {shown:.11}"
                ),
                "too close to ±1",
                Some(format!(
                    "spearman must lie in [-{shown:.11}, {shown:.11}]: nearer ±1 the copula's matrix is singular to double precision"
                )),
            ));
        }
        if out.iter().any(|c| (c.a, c.b) == pair || (c.b, c.a) == pair) {
            return Err(src.error(
                between.span(),
                "this pair is correlated twice",
                "duplicate pair",
                Some("keep one [[correlation]] per pair".into()),
            ));
        }
        t.finish(src, &CORRELATION_KEYS, "[[correlation]]")?;
        out.push(Correlation {
            a: pair.0,
            b: pair.1,
            spearman,
        });
        spans.push(item.span());
    }
    let (members, pairs) = copula_layout(&out);
    if crate::copula::Copula::new(members.len(), &pairs).is_err() {
        return Err(src.error(
            spans[0].start..spans[spans.len() - 1].end,
            "these correlations cannot all hold at once (their matrix is not positive definite)",
            "impossible together",
            Some("weaken the strongest correlations or remove one: e.g. a with b and a with c both at 0.9 force b and c to correlate positively".into()),
        ));
    }
    Ok(out)
}

fn correlation_pair(
    src: &Source,
    scenario: &Scenario,
    between: &toml::Spanned<toml::de::DeValue>,
) -> Result<(Input, Input), Error> {
    let names: Vec<&str> = match between.get_ref() {
        toml::de::DeValue::Array(a) => a.iter().filter_map(|v| v.get_ref().as_str()).collect(),
        _ => Vec::new(),
    };
    let bad = |msg: String| {
        src.error(
            between.span(),
            msg,
            "expected two input keys",
            Some("between = [\"cluster.mfu\", \"cluster.downtime\"]".into()),
        )
    };
    if names.len() != 2 || names[0] == names[1] {
        return Err(bad("`between` names two different inputs".into()));
    }
    let mut pair = Vec::new();
    for name in names {
        let input = Input::ALL
            .into_iter()
            .find(|i| i.key() == name)
            .ok_or_else(|| bad(format!("`{name}` is not an input")))?;
        let spec = scenario.spec(input);
        if input == Input::FailureLuck {
            return Err(bad(
                "`failures.luck` is each run's own randomness: it cannot be correlated".into(),
            ));
        }
        if spec.dist.family().is_discrete() {
            return Err(bad(format!(
                "`{name}` is discrete: its ties keep any rank correlation below its target; use a continuous distribution to correlate it"
            )));
        }
        if !spec.used || spec.dist.is_fixed() || spec.stream != input {
            return Err(bad(format!(
                "`{name}` is not an uncertain input of this scenario: only distributions can be correlated"
            )));
        }
        pair.push(input);
    }
    Ok((pair[0], pair[1]))
}

/// `[[published]]` entries: `metric` (an output this scenario produces), `value`, `source`.
fn read_published(
    src: &Source,
    value: Option<&toml::Spanned<toml::de::DeValue>>,
    options: &ModelOptions,
) -> Result<Vec<Published>, Error> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let toml::de::DeValue::Array(items) = value.get_ref() else {
        return Err(src.error(
            value.span(),
            "`published` must be a list of [[published]] tables",
            "expected [[published]]",
            None,
        ));
    };
    let metrics = options.metrics();
    let names: Vec<&str> = metrics.iter().map(|m| m.name()).collect();
    items
        .iter()
        .map(|item| {
            let mut t = reader::table(src, "published", item)?;
            const PUBLISHED_KEYS: [&str; 3] = ["metric", "value", "source"];
            let metric_value = t.take("metric").ok_or_else(|| {
                unknown_or(&t, src, &PUBLISHED_KEYS, "metric", "[[published]]").unwrap_or_else(
                    || {
                        src.error(
                            t.span.clone(),
                            "[[published]] needs `metric`",
                            "which output?",
                            Some(format!("one of: {}", names.join(", "))),
                        )
                    },
                )
            })?;
            let name = reader::string(src, "published.metric", metric_value)?;
            let metric = metrics
                .iter()
                .find(|m| m.name() == name)
                .copied()
                .ok_or_else(|| {
                    src.error(
                        metric_value.span(),
                        format!("`{name}` is not an output of this scenario"),
                        "unknown output",
                        Some(format!("one of: {}", names.join(", "))),
                    )
                })?;
            let v = t.take("value").ok_or_else(|| {
                unknown_or(&t, src, &PUBLISHED_KEYS, "value", "[[published]]").unwrap_or_else(
                    || {
                        src.error(
                            t.span.clone(),
                            "[[published]] needs `value`",
                            "no value",
                            None,
                        )
                    },
                )
            })?;
            let number = reader::number(src, "published.value", v)?;
            let domain = metric.domain();
            if !domain.contains(number) {
                return Err(src.error(
                    v.span(),
                    format!(
                        "a published `{name}` must be {}, got {}",
                        domain.describe(),
                        &src.text[v.span()]
                    ),
                    format!("outside {}", domain.describe()),
                    Some(
                        "published figures are what a real run reported: train_flops, train_days, gpu_hours, compute_cost_usd and total_cost_usd are > 0; labor, the cost lines and interruptions are >= 0; effective_time_ratio is in (0, 1]"
                            .into(),
                    ),
                ));
            }
            let source = match t.take("source") {
                Some(s) => reader::string(src, "published.source", s)?.to_string(),
                None => String::new(),
            };
            t.finish(src, &PUBLISHED_KEYS, "[[published]]")?;
            Ok(Published {
                metric,
                value: number,
                source,
            })
        })
        .collect()
}

/// Reads [team]; true when labor follows the run.
fn read_team(b: &mut Builder, doc: &mut Table) -> Result<bool, Error> {
    let Some(v) = doc.take("team") else {
        for input in [
            Input::TeamSize,
            Input::SalaryUsd,
            Input::Months,
            Input::MonthsBefore,
            Input::MonthsAfter,
        ] {
            b.unused(input);
        }
        return Ok(false);
    };
    let mut team = reader::table(b.src, "team", v)?;
    b.require(&mut team, Input::TeamSize)?;
    b.require(&mut team, Input::SalaryUsd)?;
    let fixed = b.read(&mut team, Input::Months)?;
    let before = b.read(&mut team, Input::MonthsBefore)?;
    let after = b.read(&mut team, Input::MonthsAfter)?;
    let follows = before || after;
    if fixed && follows {
        let span = b.spans[Input::Months.index()].clone().unwrap();
        return Err(b.src.error(
            span,
            "`team.months` cannot be combined with `team.months_before` / `team.months_after`",
            "conflicting ways to set the paid time",
            Some("use `months` for a fixed project length, or `months_before` and `months_after` for months around the training run, which is then paid too".into()),
        ));
    }
    if !fixed && !follows {
        let months = ["months", "months_before", "months_after"];
        if let Some(e) = team.unknown_key(b.src, TEAM_KEYS, &months, "[team]") {
            return Err(e);
        }
        return Err(b.src.error(
            team.span.clone(),
            "[team] does not say for how long the team is paid",
            "missing `months`",
            Some("add `months = 12` (a fixed project length), or `months_before` / `months_after` to pay the team before and after the training run as well as during it".into()),
        ));
    }
    if follows {
        b.default(Input::MonthsBefore, 0.0);
        b.default(Input::MonthsAfter, 0.0);
        b.unused(Input::Months);
    } else {
        b.unused(Input::MonthsBefore);
        b.unused(Input::MonthsAfter);
    }
    team.finish(b.src, TEAM_KEYS, "[team]")?;
    Ok(follows)
}

const FAILURE_INPUTS: [Input; 6] = [
    Input::FailureRate,
    Input::GpuMtbfHours,
    Input::RestartHours,
    Input::CheckpointIntervalHours,
    Input::CheckpointWriteHours,
    Input::FailureLuck,
];

/// `[failures]`: interruptions simulated run by run, in place of `cluster.downtime`.
fn read_failures(
    b: &mut Builder,
    doc: &mut Table,
    reference: Option<&ReferenceUse>,
) -> Result<Option<FailureOptions>, Error> {
    let Some(v) = doc.take("failures") else {
        FAILURE_INPUTS.iter().for_each(|&i| b.unused(i));
        return Ok(None);
    };
    if let Some(r) = reference {
        return Err(b.src.error(
            v.span(),
            format!("[failures] with `mfu = \"reference\"` (line {}) would count lost time twice", r.line),
            "already in the reference utilisation",
            Some("remove [failures], or give `mfu` yourself (utilisation between interruptions) to simulate them".into()),
        ));
    }
    let mut t = reader::table(b.src, "failures", v)?;
    if let Some(span) = b.spans[Input::Downtime.index()].clone() {
        return Err(b.src.error(
            span,
            "`cluster.downtime` and [failures] both say how much time is lost",
            "replaced by [failures]",
            Some(
                "remove `downtime`: with [failures] the lost time follows from the interruptions"
                    .into(),
            ),
        ));
    }
    let has_rate = b.read(&mut t, Input::FailureRate)?;
    let has_mtbf = b.read(&mut t, Input::GpuMtbfHours)?;
    match (has_rate, has_mtbf) {
        (true, true) => {
            return Err(b.src.error(
                b.spans[Input::GpuMtbfHours.index()].clone().unwrap(),
                "[failures] gives both `rate_per_gpu_hour` and `gpu_mtbf_hours`",
                "one or the other",
                Some("the rate is 1 / MTBF: keep one of them".into()),
            ));
        }
        (false, false) => {
            let rates = ["rate_per_gpu_hour", "gpu_mtbf_hours"];
            if let Some(e) = t.unknown_key(b.src, FAILURE_KEYS, &rates, "[failures]") {
                return Err(e);
            }
            return Err(b.src.error(
                t.span.clone(),
                "[failures] needs a failure rate",
                "no rate",
                Some(
                    "add `rate_per_gpu_hour = 2e-5` (Llama 3: ~2e-5) or `gpu_mtbf_hours = 50000`"
                        .into(),
                ),
            ));
        }
        (true, false) => b.unused(Input::GpuMtbfHours),
        (false, true) => b.unused(Input::FailureRate),
    }
    b.require(&mut t, Input::RestartHours)?;
    b.require(&mut t, Input::CheckpointWriteHours)?;
    let optimal_interval = match t.take("checkpoint_interval_hours") {
        Some(v) if matches!(v.get_ref(), toml::de::DeValue::String(s) if s == "optimal") => true,
        Some(v) => {
            b.read_value(Input::CheckpointIntervalHours, v)?;
            false
        }
        None => true,
    };
    if optimal_interval {
        b.unused(Input::CheckpointIntervalHours);
    }
    let luck = Uniform::new(0.0, 1.0).expect("0 < 1");
    b.set(Input::FailureLuck, Dist::new(luck), None);
    b.unused(Input::Downtime);
    t.finish(b.src, FAILURE_KEYS, "[failures]")?;
    Ok(Some(FailureOptions {
        from_mtbf: has_mtbf,
        optimal_interval,
    }))
}

fn read_simulation(src: &Source, doc: &mut Table) -> Result<SimulationSettings, Error> {
    let Some(v) = doc.take("simulation") else {
        return Ok(SimulationSettings::default());
    };
    let mut sim = reader::table(src, "simulation", v)?;
    let mut settings = SimulationSettings::default();
    if let Some(v) = sim.take("runs") {
        let runs = reader::count(src, "simulation.runs", v)?;
        if runs == 0 {
            return Err(src.error(
                v.span(),
                "`simulation.runs` must be at least 1",
                "zero runs",
                None,
            ));
        }
        settings.runs = Some(runs);
        let before = &src.text[..v.span().start];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        settings.runs_at = Some((
            before.matches('\n').count() + 1,
            before[line_start..].chars().count() + 1,
        ));
    }
    if let Some(v) = sim.take("seed") {
        settings.seed = Some(reader::count(src, "simulation.seed", v)?);
    }
    sim.finish(src, SIMULATION_KEYS, "[simulation]")?;
    Ok(settings)
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

/// Refuses distributions whose draws can leave the input's physical domain.
fn check_domain(src: &Source, input: Input, span: Range<usize>, dist: &Dist) -> Result<(), Error> {
    let s = dist.support();
    let domain = input.domain();
    let lo_ok = match domain {
        Domain::Positive | Domain::UnitOpenClosed => s.lo > 0.0 || (s.lo == 0.0 && s.lo_open),
        Domain::NonNegative | Domain::UnitClosedOpen => s.lo >= 0.0,
        Domain::AtLeastOne => s.lo >= 1.0,
    };
    let hi_ok = match domain {
        Domain::UnitOpenClosed => s.hi <= 1.0,
        Domain::UnitClosedOpen => s.hi < 1.0 || (s.hi == 1.0 && s.hi_open),
        _ => true,
    };
    if lo_ok && hi_ok {
        check_rounding_to_zero(src, input, span.clone(), dist)?;
        return check_pole(src, input, span, dist);
    }
    let key = input.key();
    let must = domain.describe();
    if dist.is_fixed() {
        let v = s.lo;
        let help = matches!(domain, Domain::UnitOpenClosed | Domain::UnitClosedOpen)
            .then(|| format!("{key} is a fraction: 40% is written 0.40"));
        return Err(src.error(
            span,
            format!("`{key}` must be {must}, got {v}"),
            format!("must be {must}"),
            help,
        ));
    }
    let family = dist.family().name();
    let mut reach = Vec::new();
    let mut help = Vec::new();
    if !lo_ok {
        reach.push(format!("down to {}", s.lo));
        help.push(match domain {
            Domain::Positive | Domain::UnitOpenClosed => "a `lower` bound above 0",
            Domain::AtLeastOne => "`lower = 1`",
            _ => "`lower = 0`",
        });
    }
    if !hi_ok {
        reach.push(format!("up to {}", s.hi));
        help.push(match domain {
            Domain::UnitOpenClosed => "`upper = 1`",
            _ => "an `upper` bound below 1",
        });
    }
    let alternative = match domain {
        Domain::UnitOpenClosed | Domain::UnitClosedOpen => {
            "a bounded family such as pert, beta or triangular inside the range"
        }
        Domain::Positive => {
            "a family that stays positive: lognormal, gamma, or pert/triangular with min > 0"
        }
        Domain::NonNegative => {
            "a family that stays non-negative: lognormal, gamma, pert, triangular"
        }
        Domain::AtLeastOne => "a pert or triangular with min >= 1",
    };
    let written = &src.text[span.clone()];
    let help = match written
        .trim()
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
    {
        // A string cannot take bounds: show the same range as a table that can.
        Some(range) => {
            let (a, b) = range.split_once(" to ").unwrap_or((range, range));
            // A lognormal never goes below 0: only an upper end can be wrong.
            let bound = if domain == Domain::UnitOpenClosed {
                "1"
            } else {
                "0.5"
            };
            format!(
                "\"A to B\" has no bounds; write it as a table that can take one, for example {{ dist = \"lognormal\", p5 = {a}, p95 = {b}, upper = {bound} }}, or use {alternative}"
            )
        }
        None => format!(
            "add {} (truncation), or use {alternative}",
            help.join(" and ")
        ),
    };
    Err(src.error(
        span,
        format!(
            "`{key}` must be {must}, but this {family} distribution can take values {}",
            reach.join(" and ")
        ),
        "draws can fall outside the allowed range",
        Some(help),
    ))
}

/// The most probability an input that must be > 0 may put below the smallest full-precision
/// double: such draws are subnormal or round to exactly 0.
const MAX_MASS_NEAR_ZERO: f64 = 1e-15;

/// A support open at 0 says no draw is 0, but in floating point draws below 2.2e-308 lose
/// their precision or round to 0 (a lognormal with mu = -800, a Weibull with a tiny scale).
fn check_rounding_to_zero(
    src: &Source,
    input: Input,
    span: Range<usize>,
    dist: &Dist,
) -> Result<(), Error> {
    let s = dist.support();
    let must_be_positive = matches!(input.domain(), Domain::Positive | Domain::UnitOpenClosed);
    if !(must_be_positive && s.lo == 0.0 && s.lo_open) {
        return Ok(());
    }
    let near_zero = dist.cdf(f64::MIN_POSITIVE);
    if near_zero <= MAX_MASS_NEAR_ZERO {
        return Ok(());
    }
    Err(src.error(
        span,
        format!(
            "`{}` must be {}, but this {} distribution puts {} of its draws below {:e}, where they round to 0 or lose their precision",
            input.key(),
            input.domain().describe(),
            dist.family().name(),
            crate::units::general(near_zero),
            f64::MIN_POSITIVE
        ),
        "draws round to 0",
        Some(format!(
            "at most {MAX_MASS_NEAR_ZERO:e} of the draws may lie that close to 0: move the distribution away from 0 (a larger median or scale, a smaller spread) or add a `lower` bound above 0"
        )),
    ))
}

/// Inputs that divide the training time (gpus, peak_tflops, mfu: days ∝ 1/x; downtime:
/// days ∝ 1/(1 − x)) must keep away from the pole, or keep so little probability near it that
/// the training time keeps a finite mean and variance.
fn check_pole(src: &Source, input: Input, span: Range<usize>, dist: &Dist) -> Result<(), Error> {
    let s = dist.support();
    let family = dist.family();
    let (tame, pole, fix) = match input {
        Input::Gpus | Input::PeakTflops | Input::Mfu => {
            // Truncation cannot help here: a lower bound above 0 already moves s.lo.
            (
                s.lo > 0.0 || family.thin_at(End::Lower),
                "0",
                "set its min above 0, or add a `lower` bound above 0",
            )
        }
        Input::Downtime => (
            s.hi < 1.0 || family.thin_at(End::Upper),
            "1",
            "set its max below 1, or add an `upper` bound below 1",
        ),
        _ => (true, "", ""),
    };
    if tame {
        return Ok(());
    }
    Err(src.error(
        span,
        format!(
            "`{}` divides the training time, and this {} distribution reaches {pole}, where the time is unbounded (its mean or variance would be infinite)",
            input.key(),
            family.name()
        ),
        format!("reaches {pole}"),
        Some(fix.to_string()),
    ))
}

#[cfg(test)]
pub(crate) mod tests;
