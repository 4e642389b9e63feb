//! `flopcast run SCENARIO --shard I/N --save PART` and `flopcast merge PART...`: one run cut
//! into contiguous ranges of chunks computed anywhere (a Slurm job array, a Kubernetes Indexed
//! Job), each saved as a versioned part; the merge checks that the parts belong together and
//! cover every chunk once, and reports exactly what one process would have.

use std::path::{Path, PathBuf};

use super::Sampling;
use super::progress::Progress;
use crate::error::Error;
use crate::model::Input;
use crate::output::{Exports, OutputSet, TableFiles};
use crate::report::run::when::SpendCsvExporter;
use crate::report::sweep::{SweepPoint, SweepReport};
use crate::report::{AsDocument, ChancesCsvExporter, Goals, RunReport};
use crate::sample::SamplingPlan;
use crate::sample::scheme::Scheme;
use crate::scenario::{Override, Scenario};
use crate::simulate::spend::Runs;
use crate::stats::stream::codec::{Reader, Writer};
use crate::stats::stream::{Part, Shape, Shard, Tuning, merge as merge_shards};

/// The first bytes of every part file.
const MAGIC: &[u8] = b"flopcast part\n";
/// The layout of a part file; a merge reads only its own.
const FORMAT: u64 = 1;

/// Which shard: `index` of `count`, counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardOf {
    pub index: u64,
    pub count: u64,
}

/// `--shard`: a shard given, or one to read from the scheduler's environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardSpec {
    Given(ShardOf),
    /// From a Slurm job array (`SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_MIN`,
    /// `SLURM_ARRAY_TASK_COUNT`) or a Kubernetes Indexed Job (`JOB_COMPLETION_INDEX`, with the
    /// completions count given).
    Auto,
}

impl ShardSpec {
    /// `I/N` (1 ≤ I ≤ N) or `auto`.
    pub fn parse(text: &str) -> Result<ShardSpec, String> {
        if text == "auto" {
            return Ok(ShardSpec::Auto);
        }
        let bad =
            || format!("`{text}` is not a shard: give I/N with 1 ≤ I ≤ N (e.g. 2/8), or auto");
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let (index, count) = (i.trim().parse::<u64>(), n.trim().parse::<u64>());
        match (index, count) {
            (Ok(index), Ok(count)) if index >= 1 && index <= count => {
                Ok(ShardSpec::Given(ShardOf { index, count }))
            }
            _ => Err(bad()),
        }
    }

    /// The shard, reading the scheduler's variables for `auto`; `count` is a Kubernetes
    /// Indexed Job's completions (`--shard-count`).
    pub fn resolve(
        self,
        count: Option<u64>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<ShardOf, Error> {
        if let ShardSpec::Given(s) = self {
            return Ok(s);
        }
        let number = |name: &str| -> Result<Option<u64>, Error> {
            env(name)
                .map(|v| {
                    v.trim().parse::<u64>().map_err(|_| {
                        Error::Environment(format!("{name}={v} is not a whole number"))
                    })
                })
                .transpose()
        };
        let (index0, count) = if let Some(id) = number("SLURM_ARRAY_TASK_ID")? {
            let min = number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            let Some(count) = number("SLURM_ARRAY_TASK_COUNT")? else {
                return Err(Error::Environment(
                    "SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not: run inside \
                     an sbatch --array job, or give --shard I/N"
                        .into(),
                ));
            };
            (id.checked_sub(min), count)
        } else if let Some(index) = number("JOB_COMPLETION_INDEX")? {
            let Some(count) = count else {
                return Err(Error::Usage(
                    "--shard auto in a Kubernetes Indexed Job needs --shard-count, the Job's \
                     completions"
                        .into(),
                ));
            };
            (Some(index), count)
        } else {
            return Err(Error::Environment(
                "--shard auto found neither a Slurm job array (SLURM_ARRAY_TASK_ID) nor a \
                 Kubernetes Indexed Job (JOB_COMPLETION_INDEX); give --shard I/N"
                    .into(),
            ));
        };
        match index0 {
            Some(i) if i < count => Ok(ShardOf {
                index: i + 1,
                count,
            }),
            _ => Err(Error::Environment(format!(
                "the scheduler's task index is outside its {count} tasks"
            ))),
        }
    }
}

/// What a part holds beside the shards' states: everything that must agree for parts to merge.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Header {
    /// "run", or "sweep" (whose shards are ranges of grid points).
    kind: String,
    /// A sweep's inputs and their values, as given.
    sets: Vec<Override>,
    flopcast_version: String,
    scenario_path: String,
    /// A hash of the scenario's files' bytes.
    digest: u64,
    seed: u64,
    runs: u64,
    scheme: String,
    percentiles: Vec<f64>,
    goals: Goals,
    shard: ShardOf,
}

impl Header {
    /// The header of a part of `scenario` (read from `path`) saved with these settings.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn new(
        kind: &str,
        sets: &[Override],
        path: &Path,
        scenario: &Scenario,
        (runs, seed): (u64, u64),
        scheme: Scheme,
        percentiles: &[f64],
        goals: Goals,
        shard: ShardOf,
    ) -> Result<Header, Error> {
        Ok(Header {
            kind: kind.to_string(),
            sets: sets.to_vec(),
            flopcast_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario_path: path.display().to_string(),
            digest: digest(scenario)?,
            seed,
            runs,
            scheme: scheme.name().to_string(),
            percentiles: percentiles.to_vec(),
            goals,
            shard,
        })
    }

    fn encode(&self, w: &mut Writer) {
        w.str(&self.kind);
        w.len(self.sets.len());
        for set in &self.sets {
            w.str(set.input.key());
            w.len(set.values.len());
            set.values.iter().for_each(|v| w.str(v));
        }
        w.str(&self.flopcast_version);
        w.str(&self.scenario_path);
        for x in [self.digest, self.seed, self.runs] {
            w.u64(x);
        }
        w.str(&self.scheme);
        w.f64s(&self.percentiles);
        for goal in [self.goals.budget_usd, self.goals.deadline_days] {
            w.u64(u64::from(goal.is_some()));
            w.f64(goal.unwrap_or(0.0));
        }
        w.u64(self.shard.index);
        w.u64(self.shard.count);
    }

    fn decode(r: &mut Reader) -> Result<Header, String> {
        let kind = r.str()?;
        let n = r.len(2)?;
        let mut sets = Vec::with_capacity(n);
        for _ in 0..n {
            let key = r.str()?;
            let input = Input::ALL
                .into_iter()
                .find(|i| i.key() == key)
                .ok_or_else(|| format!("an unknown input `{key}`"))?;
            let count = r.len(r.left() / 8)?;
            let values = (0..count).map(|_| r.str()).collect::<Result<Vec<_>, _>>()?;
            sets.push(Override { input, values });
        }
        let flopcast_version = r.str()?;
        let scenario_path = r.str()?;
        let (digest, seed, runs) = (r.u64()?, r.u64()?, r.u64()?);
        let scheme = r.str()?;
        let percentiles = r.f64s()?;
        let mut goal = || -> Result<Option<f64>, String> {
            let given = r.u64()? == 1;
            let x = r.f64()?;
            Ok(given.then_some(x))
        };
        // A deadline given as a date is saved as its days: the reports show days.
        let goals = Goals {
            budget_usd: goal()?,
            deadline_days: goal()?,
            deadline_date: None,
        };
        let shard = ShardOf {
            index: r.u64()?,
            count: r.u64()?,
        };
        Ok(Header {
            kind,
            sets,
            flopcast_version,
            scenario_path,
            digest,
            seed,
            runs,
            scheme,
            percentiles,
            goals,
            shard,
        })
    }
}

/// The options of `run --shard`.
pub struct SaveOptions<'a> {
    pub scenario: &'a Path,
    pub sampling: Sampling,
    pub scheme: Option<Scheme>,
    pub percentiles: Vec<f64>,
    pub goals: Goals,
    pub shard: ShardOf,
    pub save: &'a Path,
    pub progress: bool,
}

/// Computes one shard and saves it; the line to print.
pub fn save(opts: &SaveOptions) -> Result<String, Error> {
    let scenario = Scenario::load(opts.scenario)?;
    let goals = super::resolve_goals(opts.goals, &scenario)?;
    let opts = &SaveOptions {
        goals,
        percentiles: opts.percentiles.clone(),
        ..*opts
    };
    let (runs, seed) = super::runs_and_seed(&scenario, opts.sampling.runs, opts.sampling.seed);
    let mut outputs = OutputSet::new(&scenario.input_files());
    outputs.file("--save", Some(opts.save))?;
    let scheme = opts
        .scheme
        .unwrap_or_else(|| Scheme::auto(runs, &opts.percentiles));
    let plan = SamplingPlan::new(&scenario, runs, seed).with_scheme(scheme);
    let chunks = plan.chunks() as u64;
    let ShardOf { index, count } = opts.shard;
    if count > chunks {
        return Err(Error::Usage(format!(
            "{count} shards of {runs} runs: a shard is at least one chunk of 65,536 runs, so \
             these runs make at most {chunks} shards"
        )));
    }
    let range = range_of(opts.shard, chunks);
    let header = Header::new(
        "run",
        &[],
        opts.scenario,
        &scenario,
        (runs, seed),
        scheme,
        &opts.percentiles,
        opts.goals,
        opts.shard,
    )?;
    let shard_runs: u64 = range.clone().map(|c| plan.chunk_len(c) as u64).sum();
    let shard = super::with_threads(opts.sampling.threads, || {
        let progress = Progress::new(shard_runs, opts.progress, "runs");
        let advance = |n| progress.advance(n);
        let shard = reduce(
            &scenario,
            &plan,
            &opts.percentiles,
            opts.goals,
            &advance,
            range.clone(),
        );
        progress.finish();
        shard
    })??;
    write_part(&mut outputs, opts.save, &header, &[(0, shard.encode())])?;
    outputs.commit()?;
    Ok(format!(
        "shard {index} of {count}: chunks {} to {} of {chunks} ({} of {} runs), saved to {}\n",
        range.start + 1,
        range.end,
        crate::format::group_thousands(shard_runs),
        crate::format::group_thousands(runs),
        opts.save.display()
    ))
}

/// Every chunk of one scenario's runs, reduced as a shard: a sweep point's part.
pub(super) fn reduce_all(
    scenario: &Scenario,
    plan: &SamplingPlan,
    percentiles: &[f64],
    goals: Goals,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Shard, Error> {
    reduce(
        scenario,
        plan,
        percentiles,
        goals,
        progress,
        0..plan.chunks(),
    )
}

/// The chunks `chunks` of one scenario's runs, reduced as a shard: the runs, events and kept
/// percentiles that [`super::streamed_charts`] streams, so that merged shards report what
/// one process does.
fn reduce(
    scenario: &Scenario,
    plan: &SamplingPlan,
    percentiles: &[f64],
    goals: Goals,
    progress: &(dyn Fn(u64) + Sync),
    chunks: std::ops::Range<usize>,
) -> Result<Shard, Error> {
    let runs = Runs::new(plan, scenario)?;
    let kept = super::kept_percentiles(percentiles, false, runs.periods.is_some());
    let (part, mut events) = Part::alone(runs.metrics(), goals);
    super::period_events(&runs, &part, &mut events);
    let tuning = Tuning::default();
    Ok(Shard::reduce(
        &runs, progress, &kept, &events, tuning, chunks,
    ))
}

/// Writes a part: the magic, the format, the header, then each entry (a shard's state, with
/// its index: 0 for a run, the grid point for a sweep).
pub(super) fn write_part(
    outputs: &mut OutputSet,
    path: &Path,
    header: &Header,
    entries: &[(u64, Vec<u8>)],
) -> Result<(), Error> {
    let mut w = Writer::default();
    w.bytes.extend_from_slice(MAGIC);
    w.u64(FORMAT);
    header.encode(&mut w);
    w.len(entries.len());
    for (index, bytes) in entries {
        w.u64(*index);
        w.len(bytes.len());
        w.bytes.extend_from_slice(bytes);
    }
    outputs.write(path, &w.bytes)
}

/// Chunks `[c·(I−1)/N, c·I/N)` of `chunks`: contiguous, in order, sizes differing by at most one.
pub(super) fn range_of(shard: ShardOf, chunks: u64) -> std::ops::Range<usize> {
    let at = |i: u64| (u128::from(chunks) * u128::from(i) / u128::from(shard.count)) as usize;
    at(shard.index - 1)..at(shard.index)
}

/// FNV-1a over the bytes of the scenario's files, in order: a changed file changes it.
fn digest(scenario: &Scenario) -> Result<u64, Error> {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for path in scenario.input_files() {
        let bytes = std::fs::read(path).map_err(|source| Error::ReadScenario {
            path: path.to_path_buf(),
            source,
        })?;
        for b in bytes.iter().chain(&[0xff]) {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    Ok(h)
}

/// The options of `merge`.
#[derive(Debug, Clone, Default)]
pub struct MergeOptions {
    pub parts: Vec<PathBuf>,
    pub tables: TableFiles,
    pub chances_csv: Option<PathBuf>,
    pub spend_csv: Option<PathBuf>,
    pub threads: usize,
}

/// One part as read: its file, header and entries (index, a shard's bytes).
struct Loaded {
    path: PathBuf,
    header: Header,
    entries: Vec<(u64, Vec<u8>)>,
}

/// Merges the parts and reports the whole run or sweep, as one process would have.
pub fn merge(opts: &MergeOptions) -> Result<String, Error> {
    let mut parts = opts
        .parts
        .iter()
        .map(|p| load(p))
        .collect::<Result<Vec<_>, _>>()?;
    let first = parts
        .first()
        .ok_or_else(|| Error::Usage("merge needs parts".into()))?;
    for p in &parts[1..] {
        agree(first, p)?;
    }
    parts.sort_by_key(|p| p.header.shard.index);
    cover(&parts)?;
    let h = parts[0].header.clone();
    let scenario = Scenario::load(Path::new(&h.scenario_path))?;
    if digest(&scenario)? != h.digest {
        return Err(Error::Runtime(format!(
            "{} has changed since the parts were saved: its figures would not be theirs; \
             restore it, or run the shards again",
            h.scenario_path
        )));
    }
    let inputs: Vec<&Path> = scenario
        .input_files()
        .into_iter()
        .chain(opts.parts.iter().map(PathBuf::as_path))
        .collect();
    let mut outputs = OutputSet::new(&inputs);
    let scheme = Scheme::named(&h.scheme).ok_or_else(|| {
        let path = parts[0].path.display();
        Error::Runtime(format!("{path}: unknown sampling `{}`", h.scheme))
    })?;
    let text = if h.kind == "sweep" {
        if opts.chances_csv.is_some() || opts.spend_csv.is_some() {
            return Err(Error::Usage(
                "--chances-csv and --spend-csv are for a run's parts; a sweep's chances are in \
                 its --csv"
                    .into(),
            ));
        }
        let exports = Exports::tables(&mut outputs, &opts.tables)?;
        let report =
            super::with_threads(opts.threads, || merged_sweep(&parts, &scenario, scheme))??;
        exports.write(&mut outputs, &report)?;
        report.to_text()
    } else {
        let mut exports = Exports::tables(&mut outputs, &opts.tables)?;
        let chances = opts.chances_csv.as_deref();
        exports.add(&mut outputs, "--chances-csv", chances, &ChancesCsvExporter)?;
        let spend = opts.spend_csv.as_deref();
        exports.add(&mut outputs, "--spend-csv", spend, &SpendCsvExporter)?;
        if spend.is_some() && scenario.start.is_none() {
            return Err(Error::Runtime(format!(
                "--spend-csv lays spend out by month, which needs the day training starts, and \
                 {} has no `[schedule] start`",
                h.scenario_path
            )));
        }
        let report = super::with_threads(opts.threads, || merged_run(&parts, &scenario, scheme))??;
        exports.write(&mut outputs, &report)?;
        let mut text = super::reference_warning(&scenario);
        text.push_str(&report.to_text());
        text
    };
    outputs.commit()?;
    Ok(text)
}

/// A run's report from its parts, one shard each.
fn merged_run(parts: &[Loaded], scenario: &Scenario, scheme: Scheme) -> Result<RunReport, Error> {
    let h = &parts[0].header;
    let plan = SamplingPlan::new(scenario, h.runs, h.seed).with_scheme(scheme);
    let chunks = plan.chunks() as u64;
    let mut states = Vec::with_capacity(parts.len());
    for p in parts {
        let [(0, bytes)] = p.entries.as_slice() else {
            let why = "it does not hold one run's shard".to_string();
            return Err(not_of_this_run(p, why));
        };
        states.push((p, bytes.as_slice(), range_of(p.header.shard, chunks)));
    }
    merged_report(scenario, &plan, h, states)
}

/// A sweep's report from its parts, each a range of grid points.
fn merged_sweep(parts: &[Loaded], base: &Scenario, scheme: Scheme) -> Result<SweepReport, Error> {
    let h = &parts[0].header;
    let count = super::sweep::grid_points(&h.sets);
    let mut points = Vec::with_capacity(count as usize);
    for p in parts {
        let want = range_of(p.header.shard, count);
        let indices: Vec<u64> = p.entries.iter().map(|e| e.0).collect();
        if indices != (want.start as u64..want.end as u64).collect::<Vec<_>>() {
            let ShardOf { index, count } = p.header.shard;
            let why = format!("its grid points are not those of shard {index} of {count}");
            return Err(not_of_this_run(p, why));
        }
        for (i, bytes) in &p.entries {
            let (values, scenario) = super::sweep::point(base, &h.sets, *i)?;
            let plan = SamplingPlan::new(&scenario, h.runs, h.seed).with_scheme(scheme);
            let all = 0..plan.chunks();
            let report = merged_report(&scenario, &plan, h, vec![(p, bytes.as_slice(), all)])?;
            points.push(SweepPoint { values, report });
        }
    }
    Ok(SweepReport {
        scenario_name: base.name.clone(),
        scenario_file: h.scenario_path.clone(),
        keys: h.sets.iter().map(|s| s.input).collect(),
        runs: h.runs,
        seed: h.seed,
        percentiles: h.percentiles.clone(),
        points,
        precision: None,
    })
}

/// One scenario's report from its shards' saved states, each with the part it came from and
/// the chunks it must cover, in chunk order.
fn merged_report(
    scenario: &Scenario,
    plan: &SamplingPlan,
    h: &Header,
    states: Vec<(&Loaded, &[u8], std::ops::Range<usize>)>,
) -> Result<RunReport, Error> {
    let source = Runs::new(plan, scenario)?;
    let (part, mut events) = Part::alone(source.metrics(), h.goals);
    let finished = super::period_events(&source, &part, &mut events);
    let shape = Shape::of(&source, events.len());
    let mut shards = Vec::with_capacity(states.len());
    for (p, bytes, chunks) in states {
        let shard = Shard::decode(bytes, shape).map_err(|e| not_of_this_run(p, e))?;
        if shard.chunks != chunks {
            let ShardOf { index, count } = p.header.shard;
            let why = format!("its chunks are not those of shard {index} of {count}");
            return Err(not_of_this_run(p, why));
        }
        shards.push(shard);
    }
    let mut s = merge_shards(&source, Tuning::default(), shards);
    s.ensure_finite()?;
    let (name, file) = (&scenario.name, &h.scenario_path);
    let mut report = RunReport::streamed(name, file, &mut s, &part, &h.percentiles, &h.goals);
    report.when = super::when(&mut s, &source, &part, finished);
    Ok(report)
}

fn not_of_this_run(p: &Loaded, why: String) -> Error {
    Error::Runtime(format!(
        "{} is not a part of this run: {why}",
        p.path.display()
    ))
}

fn load(path: &Path) -> Result<Loaded, Error> {
    let bytes = std::fs::read(path)
        .map_err(|e| Error::Runtime(format!("cannot read part {}: {e}", path.display())))?;
    let not_part = |why: String| {
        Error::Runtime(format!(
            "{} is not a flopcast part: {why} (parts are written by `flopcast run --shard I/N --save FILE`)",
            path.display()
        ))
    };
    let Some(rest) = bytes.strip_prefix(MAGIC) else {
        return Err(not_part("it does not start as one".into()));
    };
    let mut r = Reader::new(rest);
    let format = r.u64().map_err(not_part)?;
    if format != FORMAT {
        return Err(Error::Runtime(format!(
            "{} is a part in format {format}; this flopcast ({}) reads format {FORMAT}: merge \
             with the flopcast that saved it",
            path.display(),
            env!("CARGO_PKG_VERSION")
        )));
    }
    let header = Header::decode(&mut r).map_err(not_part)?;
    let mut entries = Vec::new();
    let n = r.len(r.left() / 16).map_err(not_part)?;
    for _ in 0..n {
        let index = r.u64().map_err(not_part)?;
        let len = r.len(r.left()).map_err(not_part)?;
        let bytes = r.bytes(len).map_err(not_part)?.to_vec();
        entries.push((index, bytes));
    }
    r.finish().map_err(not_part)?;
    Ok(Loaded {
        path: path.to_path_buf(),
        header,
        entries,
    })
}

/// Fails unless `p` was saved from the same run as `first`, naming what differs.
fn agree(first: &Loaded, p: &Loaded) -> Result<(), Error> {
    let (a, b) = (&first.header, &p.header);
    let differs: Option<(&str, String, String)> = if a.kind != b.kind {
        Some(("command", b.kind.clone(), a.kind.clone()))
    } else if a.flopcast_version != b.flopcast_version {
        Some((
            "flopcast version",
            b.flopcast_version.clone(),
            a.flopcast_version.clone(),
        ))
    } else if a.scenario_path != b.scenario_path || a.digest != b.digest {
        Some(("scenario", b.scenario_path.clone(), a.scenario_path.clone()))
    } else if a.seed != b.seed {
        Some(("seed", b.seed.to_string(), a.seed.to_string()))
    } else if a.runs != b.runs {
        Some(("runs", b.runs.to_string(), a.runs.to_string()))
    } else if a.scheme != b.scheme {
        Some(("sampling", b.scheme.clone(), a.scheme.clone()))
    } else if a.percentiles != b.percentiles {
        Some((
            "percentiles",
            format!("{:?}", b.percentiles),
            format!("{:?}", a.percentiles),
        ))
    } else if a.goals != b.goals {
        Some((
            "budget and deadline",
            format!("{:?}", b.goals),
            format!("{:?}", a.goals),
        ))
    } else if a.sets != b.sets {
        Some((
            "--set values",
            format!("{:?}", b.sets),
            format!("{:?}", a.sets),
        ))
    } else if a.shard.count != b.shard.count {
        Some((
            "shard count",
            b.shard.count.to_string(),
            a.shard.count.to_string(),
        ))
    } else {
        None
    };
    match differs {
        None => Ok(()),
        Some((what, theirs, ours)) => Err(Error::Runtime(format!(
            "{} does not belong with {}: its {what} is {theirs}, not {ours}",
            p.path.display(),
            first.path.display()
        ))),
    }
}

/// Fails unless the parts (sorted by index) are each shard exactly once, naming the fault.
fn cover(parts: &[Loaded]) -> Result<(), Error> {
    let count = parts[0].header.shard.count;
    for w in parts.windows(2) {
        if w[0].header.shard.index == w[1].header.shard.index {
            return Err(Error::Runtime(format!(
                "{} and {} are both shard {} of {count}: give each shard once",
                w[0].path.display(),
                w[1].path.display(),
                w[0].header.shard.index
            )));
        }
    }
    let missing: Vec<String> = (1..=count)
        .filter(|i| !parts.iter().any(|p| p.header.shard.index == *i))
        .map(|i| i.to_string())
        .collect();
    if !missing.is_empty() {
        let which = match missing.len() {
            1 => format!("shard {} of {count} is", missing[0]),
            _ => format!("shards {} of {count} are", missing.join(", ")),
        };
        return Err(Error::Runtime(format!(
            "{which} missing: the parts given cover {} of the {count} shards",
            parts.len()
        )));
    }
    Ok(())
}
