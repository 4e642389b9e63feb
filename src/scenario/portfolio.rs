//! Portfolio plans: several scenario files (runs) planned together. The plan says which inputs
//! the runs share, when each may start and what it waits for, and the portfolio's budget and
//! deadline.
//!
//! ```toml
//! name = "2027 training plan"
//! [portfolio]
//! start = 2027-01-04          # day 0: the first day any run may start
//! order = "sequence"          # one cluster: each run after the one listed before it
//! budget_usd = 150e6          # P(total within it); with budget_year, the spend in that year
//! deadline = 2027-12-31       # P(every run done by it)
//! [shared]
//! cost.gpu_hour_usd = "1.8 to 3.2"   # one draw for the whole portfolio, replacing each run's
//! same_draw = ["cluster.mfu"]        # each run's own distribution at one shared quantile
//! [[run]]
//! scenario = "plan-8b.toml"          # relative to this file
//! [[run]]
//! name = "70b"
//! scenario = "plan-70b-h100.toml"
//! gap_days = 7                       # after the run before it, a week of evaluation
//! deadline = 2027-09-30
//! ```

use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::reader::{self, Source, Table};
use super::{Scenario, SimulationSettings, check_domain, value};
use crate::calendar::Date;
use crate::error::Error;
use crate::model::Input;

const TOP_KEYS: &[&str] = &["name", "description", "portfolio", "shared", "run"];
const PORTFOLIO_KEYS: &[&str] = &[
    "start",
    "order",
    "budget_usd",
    "budget_year",
    "deadline",
    "runs",
    "seed",
];
const RUN_KEYS: &[&str] = &["name", "scenario", "start", "after", "gap_days", "deadline"];
const SAME_DRAW: &str = "same_draw";

/// The longest gap or deadline in days a plan may give: a century.
const MOST_DAYS: f64 = 36_525.0;

/// The fewest draws of a portfolio: the percentiles and risk shares of fewer are noise.
pub const MIN_RUNS: u64 = 1_000;

/// A portfolio of runs, as its plan file describes it.
#[derive(Debug, Clone)]
pub struct PortfolioPlan {
    pub name: String,
    pub path: PathBuf,
    /// Day 0: `[portfolio] start`, else the earliest start any run gives.
    pub start: Option<Date>,
    /// In plan order; a run waits only for runs listed before it.
    pub members: Vec<Member>,
    pub shared: Vec<Shared>,
    pub budget_usd: Option<f64>,
    /// The budget counts only what is paid in this calendar year.
    pub budget_year: Option<i32>,
    pub deadline: Option<Deadline>,
    pub simulation: SimulationSettings,
}

/// An input every run of the portfolio draws from the same uniforms.
#[derive(Debug, Clone, PartialEq)]
pub struct Shared {
    pub input: Input,
    /// The value the plan gives every run, as written; None when each run keeps its own
    /// distribution (`same_draw`).
    pub written: Option<String>,
}

/// A deadline, as a date or as days from the portfolio's start.
pub use crate::calendar::Deadline;

/// One run of the portfolio.
#[derive(Debug, Clone)]
pub struct Member {
    pub name: String,
    /// The scenario, with the plan's shared values in place.
    pub scenario: Scenario,
    /// The earliest day it may start, as written (the entry's `start`, else the scenario's
    /// `[schedule] start`).
    pub earliest: Option<Date>,
    /// The runs (indices into the plan's members) it starts after, and the days between.
    pub after: Vec<usize>,
    pub gap_days: f64,
    pub deadline: Option<Deadline>,
}

impl Member {
    /// Its earliest start in days from the portfolio's start.
    pub fn earliest_day(&self, start: Option<Date>) -> f64 {
        match (self.earliest, start) {
            (Some(d), Some(s)) => d.days_since(s) as f64,
            _ => 0.0,
        }
    }
}

impl PortfolioPlan {
    pub fn load(path: &Path) -> Result<PortfolioPlan, Error> {
        let unreadable = |source| Error::ReadScenario {
            path: path.to_path_buf(),
            source,
        };
        super::file::check_file_kind(path).map_err(unreadable)?;
        let bytes = std::fs::read(path).map_err(unreadable)?;
        let text = match std::str::from_utf8(&bytes) {
            Ok(text) => text,
            Err(e) => return Err(super::file::not_utf8(path, &bytes, e)),
        };
        PortfolioPlan::parse(path, text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<PortfolioPlan, Error> {
        let src = Source { path, text };
        let doc = DeTable::parse(text).map_err(|e| {
            src.error(
                e.span().unwrap_or(0..0),
                "invalid TOML syntax",
                e.message().trim().to_string(),
                None,
            )
        })?;
        let span = doc.span();
        read_plan(&src, Table::new("", span, doc.get_ref()))
    }

    /// Every file the portfolio reads: the plan and every file its runs read.
    pub fn input_files(&self) -> Vec<&Path> {
        std::iter::once(self.path.as_path())
            .chain(self.members.iter().flat_map(|m| m.scenario.input_files()))
            .collect()
    }

    /// The inputs whose streams every run shares.
    pub fn shared_inputs(&self) -> Vec<Input> {
        self.shared.iter().map(|s| s.input).collect()
    }
}

fn read_plan(src: &Source, mut doc: Table) -> Result<PortfolioPlan, Error> {
    let name = super::read_name(src, &mut doc, "portfolio")?;
    let settings = match doc.take("portfolio") {
        Some(v) => read_settings(src, reader::table(src, "portfolio", v)?)?,
        None => Settings::default(),
    };
    let shared = match doc.take("shared") {
        Some(v) => read_shared(src, reader::table(src, "shared", v)?)?,
        None => Vec::new(),
    };
    let Some(runs) = doc.take("run") else {
        return Err(doc.unknown_key(src, TOP_KEYS, &["run"], "the portfolio plan").unwrap_or_else(|| {
            src.error(
                doc.span.clone(),
                "the portfolio names no runs",
                "no [[run]] here",
                Some("add a [[run]] table for each run, with scenario = \"plan-70b.toml\" (a path relative to this file)".into()),
            )
        }));
    };
    let members = read_members(src, runs, &settings, &shared)?;
    doc.finish(src, TOP_KEYS, "the portfolio plan")?;
    let shared = check_shared_used(src, shared, &members)?;
    let start = settings
        .start
        .or_else(|| members.iter().filter_map(|(m, _)| m.earliest).min());
    check_dates(src, &settings, start, &members)?;
    Ok(PortfolioPlan {
        name,
        path: src.path.to_path_buf(),
        start,
        members: members.into_iter().map(|(m, _)| m).collect(),
        shared: shared.into_iter().map(|(s, _, _)| s).collect(),
        budget_usd: settings.budget_usd,
        budget_year: settings.budget_year.map(|(y, _)| y),
        deadline: settings.deadline.map(|(d, _)| d),
        simulation: settings.simulation,
    })
}

#[derive(Default)]
struct Settings {
    start: Option<Date>,
    sequence: bool,
    budget_usd: Option<f64>,
    budget_year: Option<(i32, std::ops::Range<usize>)>,
    deadline: Option<(Deadline, std::ops::Range<usize>)>,
    simulation: SimulationSettings,
}

fn read_settings(src: &Source, mut t: Table) -> Result<Settings, Error> {
    let mut s = Settings::default();
    if let Some(v) = t.take("start") {
        s.start = Some(reader::date(src, "portfolio.start", v)?);
    }
    if let Some(v) = t.take("order") {
        s.sequence = match reader::string(src, "portfolio.order", v)? {
            "sequence" => true,
            "parallel" => false,
            other => {
                return Err(src.error(
                    v.span(),
                    format!("`portfolio.order` must be \"sequence\" or \"parallel\", found \"{other}\""),
                    "not an order",
                    Some("\"sequence\": each run starts after the one listed before it (one cluster); \"parallel\": every run starts when it may".into()),
                ));
            }
        };
    }
    if let Some(v) = t.take("budget_usd") {
        let usd = reader::number(src, "portfolio.budget_usd", v)?;
        if usd <= 0.0 {
            return Err(src.error(
                v.span(),
                "`portfolio.budget_usd` must be more than 0",
                "not a budget",
                None,
            ));
        }
        s.budget_usd = Some(usd);
    }
    if let Some(v) = t.take("budget_year") {
        let year = reader::count(src, "portfolio.budget_year", v)?;
        if !(1..=9999).contains(&year) {
            return Err(src.error(
                v.span(),
                "`portfolio.budget_year` must be a year from 1 to 9999",
                "not a year",
                None,
            ));
        }
        s.budget_year = Some((year as i32, v.span()));
    }
    if let Some(v) = t.take("deadline") {
        s.deadline = Some((read_deadline(src, "portfolio.deadline", v)?, v.span()));
    }
    if let Some(v) = t.take("runs") {
        let runs = reader::count(src, "portfolio.runs", v)?;
        if runs < MIN_RUNS {
            return Err(src.error(
                v.span(),
                format!("`portfolio.runs` must be at least {MIN_RUNS}"),
                "too few runs",
                Some("the portfolio's percentiles and risk shares need thousands of draws".into()),
            ));
        }
        s.simulation.runs = Some(runs);
        s.simulation.runs_at = Some(reader::line_col(src.text, v.span().start));
    }
    if let Some(v) = t.take("seed") {
        s.simulation.seed = Some(reader::count(src, "portfolio.seed", v)?);
    }
    t.finish(src, PORTFOLIO_KEYS, "[portfolio]")?;
    Ok(s)
}

/// A date, or a number of days from the portfolio's start.
fn read_deadline(src: &Source, key: &str, v: &Spanned<DeValue>) -> Result<Deadline, Error> {
    match v.get_ref() {
        DeValue::Integer(_) | DeValue::Float(_) => {
            let days = reader::number(src, key, v)?;
            if days <= 0.0 || days > MOST_DAYS {
                return Err(src.error(
                    v.span(),
                    format!("`{key}` in days must be more than 0 and at most {MOST_DAYS}"),
                    "not a deadline",
                    None,
                ));
            }
            Ok(Deadline::Days(days))
        }
        _ => Ok(Deadline::Date(reader::date(src, key, v)?)),
    }
}

/// A shared input, with where it is written and its value, if the plan gives one.
type SharedAt = (Shared, std::ops::Range<usize>, Option<crate::dist::Dist>);

fn read_shared(src: &Source, mut t: Table) -> Result<Vec<SharedAt>, Error> {
    let mut out: Vec<SharedAt> = Vec::new();
    for (key, v) in t.take_all() {
        let section = key.get_ref().as_ref();
        if section == SAME_DRAW {
            for (input, span) in same_draw(src, v)? {
                push_shared(
                    src,
                    &mut out,
                    Shared {
                        input,
                        written: None,
                    },
                    span,
                    None,
                )?;
            }
            continue;
        }
        let DeValue::Table(inner) = v.get_ref() else {
            return Err(src.error(
                key.span(),
                format!("`shared.{section}` is not an input or `{SAME_DRAW}`"),
                "not a shared input",
                Some(shared_help()),
            ));
        };
        for (k, value) in inner.iter() {
            let full = format!("{section}.{}", k.get_ref());
            let input = input_named(src, &full, k.span())?;
            let dist = value::read(src, &format!("shared.{full}"), value)?;
            check_domain(src, input, value.span(), &dist)?;
            let written = src.text[value.span()].to_string();
            let shared = Shared {
                input,
                written: Some(written),
            };
            push_shared(src, &mut out, shared, k.span(), Some(dist))?;
        }
    }
    Ok(out)
}

fn shared_help() -> String {
    format!(
        "give a value every run shares under its section (cost.gpu_hour_usd = \"1.8 to 3.2\"), \
         or list inputs whose draw the runs share, each keeping its own distribution: \
         {SAME_DRAW} = [\"cluster.mfu\"]"
    )
}

fn push_shared(
    src: &Source,
    out: &mut Vec<SharedAt>,
    shared: Shared,
    span: std::ops::Range<usize>,
    dist: Option<crate::dist::Dist>,
) -> Result<(), Error> {
    if out.iter().any(|(s, _, _)| s.input == shared.input) {
        return Err(src.error(
            span,
            format!("`{}` is shared twice", shared.input.key()),
            "already shared",
            Some("share an input once: with a value, or in same_draw".into()),
        ));
    }
    out.push((shared, span, dist));
    Ok(())
}

fn same_draw(
    src: &Source,
    v: &Spanned<DeValue>,
) -> Result<Vec<(Input, std::ops::Range<usize>)>, Error> {
    let key = format!("shared.{SAME_DRAW}");
    let DeValue::Array(items) = v.get_ref() else {
        return Err(src.error(
            v.span(),
            format!("`{key}` must be a list of input keys"),
            "expected a list",
            Some(format!("{SAME_DRAW} = [\"cluster.mfu\"]")),
        ));
    };
    items
        .iter()
        .map(|item| {
            let name = reader::string(src, &key, item)?;
            Ok((input_named(src, name, item.span())?, item.span()))
        })
        .collect()
}

fn input_named(src: &Source, name: &str, span: std::ops::Range<usize>) -> Result<Input, Error> {
    let input = Input::ALL.into_iter().find(|i| i.key() == name);
    match input {
        Some(i) if i.is_luck() => Err(src.error(
            span,
            format!("`{name}` is each run's own randomness and cannot be shared"),
            "not shareable",
            Some("share a quantity instead, such as cluster.mfu or cost.gpu_hour_usd".into()),
        )),
        Some(i) => Ok(i),
        None => {
            let keys: Vec<&str> = Input::ALL
                .iter()
                .filter(|i| !i.is_luck())
                .map(|i| i.key())
                .collect();
            Err(src.error(
                span,
                format!("`{name}` is not an input"),
                "not an input",
                Some(format!("inputs are: {}", keys.join(", "))),
            ))
        }
    }
}

/// A run and where its entry is written, for later messages.
type MemberAt = (Member, std::ops::Range<usize>);

fn read_members(
    src: &Source,
    runs: &Spanned<DeValue>,
    settings: &Settings,
    shared: &[SharedAt],
) -> Result<Vec<MemberAt>, Error> {
    let DeValue::Array(items) = runs.get_ref() else {
        return Err(src.error(
            runs.span(),
            "`run` must be a list of [[run]] tables",
            "expected [[run]]",
            Some("write each run as [[run]] with scenario = \"plan-70b.toml\"".into()),
        ));
    };
    if items.is_empty() {
        return Err(src.error(
            runs.span(),
            "the portfolio names no runs",
            "an empty list",
            Some("add a [[run]] table for each run, with scenario = \"plan-70b.toml\"".into()),
        ));
    }
    let mut members: Vec<MemberAt> = Vec::new();
    for item in items {
        let member = read_member(src, item, &members, settings.sequence, shared)?;
        members.push(member);
    }
    Ok(members)
}

fn read_member(
    src: &Source,
    item: &Spanned<DeValue>,
    before: &[MemberAt],
    sequence: bool,
    shared: &[SharedAt],
) -> Result<MemberAt, Error> {
    let mut t = reader::table(src, "run", item)?;
    let Some(file) = t.take("scenario") else {
        return Err(t
            .unknown_key(src, RUN_KEYS, &["scenario"], "[[run]]")
            .unwrap_or_else(|| {
                src.error(
                    t.span.clone(),
                    "a [[run]] names no scenario",
                    "missing `scenario`",
                    Some("add scenario = \"plan-70b.toml\" (a path relative to this file)".into()),
                )
            }));
    };
    let written = reader::string(src, "run.scenario", file)?;
    let path = src.path.parent().unwrap_or(Path::new("")).join(written);
    let mut scenario = Scenario::load(&path).map_err(|e| match e {
        Error::ReadScenario { source, .. } => src.error(
            file.span(),
            format!("cannot read the scenario `{}`", path.display()),
            source.to_string(),
            None,
        ),
        other => other,
    })?;
    let name = match t.take("name") {
        Some(v) => {
            let name = reader::string(src, "run.name", v)?;
            if name.trim().is_empty() {
                return Err(src.error(v.span(), "`run.name` is empty", "empty", None));
            }
            (name.to_string(), v.span())
        }
        None => (
            Path::new(written)
                .file_stem()
                .map_or_else(|| written.to_string(), |s| s.to_string_lossy().into_owned()),
            file.span(),
        ),
    };
    if name.0 == "portfolio" {
        return Err(src.error(
            name.1,
            "a run cannot be named `portfolio`",
            "a reserved name",
            Some(
                "`portfolio` labels the whole portfolio's figures; give the run another name"
                    .into(),
            ),
        ));
    }
    if before.iter().any(|(m, _)| m.name == name.0) {
        return Err(src.error(
            name.1,
            format!("two runs are named `{}`", name.0),
            "a name already used",
            Some("give each [[run]] its own name = \"...\" (a run's name seeds its draws and labels its rows)".into()),
        ));
    }
    for (s, span, dist) in shared {
        refuse_correlated(src, &scenario, s.input, span, &name.0)?;
        // A shared value replaces the value of every run that draws the input at all.
        if let (Some(dist), Some(text)) = (dist, &s.written)
            && scenario.spec(s.input).used
        {
            let given = format!("`shared.{}`", s.input.key());
            scenario = scenario
                .with_dist(s.input, dist.clone(), text, &given)
                .map_err(|e| {
                    src.error(
                        span.clone(),
                        format!("run `{}` cannot take `shared.{}`", name.0, s.input.key()),
                        e.to_string(),
                        None,
                    )
                })?;
        }
    }
    let earliest = match t.take("start") {
        Some(v) => Some(reader::date(src, "run.start", v)?),
        None => scenario.start,
    };
    let mut after = match t.take("after") {
        Some(v) => read_after(src, v, before)?,
        None if sequence && !before.is_empty() => vec![before.len() - 1],
        None => Vec::new(),
    };
    after.dedup();
    let gap_days = match t.take("gap_days") {
        Some(v) => {
            let gap = reader::number(src, "run.gap_days", v)?;
            if !(0.0..=MOST_DAYS).contains(&gap) {
                return Err(src.error(
                    v.span(),
                    format!("`run.gap_days` must lie from 0 to {MOST_DAYS} (a century)"),
                    "not a gap",
                    None,
                ));
            }
            if after.is_empty() {
                return Err(src.error(
                    v.span(),
                    format!(
                        "run `{}` waits for no run, so it has no gap after one",
                        name.0
                    ),
                    "no run to wait for",
                    Some("add after = [\"...\"], or order = \"sequence\" in [portfolio]".into()),
                ));
            }
            gap
        }
        None => 0.0,
    };
    let deadline = match t.take("deadline") {
        Some(v) => Some(read_deadline(src, "run.deadline", v)?),
        None => None,
    };
    let span = t.span.clone();
    t.finish(src, RUN_KEYS, "[[run]]")?;
    let member = Member {
        name: name.0,
        scenario,
        earliest,
        after,
        gap_days,
        deadline,
    };
    Ok((member, span))
}

/// A shared input that a run correlates with another is drawn through that run's copula,
/// mixed with the run's own draws: it would no longer be one draw for every run.
fn refuse_correlated(
    src: &Source,
    scenario: &Scenario,
    input: Input,
    span: &std::ops::Range<usize>,
    run: &str,
) -> Result<(), Error> {
    let stream = scenario.spec(input).stream;
    let correlated = scenario.correlations.iter().any(|c| {
        [c.a, c.b]
            .iter()
            .any(|i| *i == input || scenario.spec(*i).stream == stream)
    });
    if !correlated {
        return Ok(());
    }
    Err(src.error(
        span.clone(),
        format!(
            "`{}` cannot be shared: run `{run}` correlates it with another input in a \
             [[correlation]] of {}",
            input.key(),
            scenario.path.display()
        ),
        "correlated in a run",
        Some("a correlated input is drawn with the run's own draws, so it cannot be one draw for every run; remove the [[correlation]] or the sharing".into()),
    ))
}

fn read_after(
    src: &Source,
    v: &Spanned<DeValue>,
    before: &[MemberAt],
) -> Result<Vec<usize>, Error> {
    let names: Vec<(&str, std::ops::Range<usize>)> = match v.get_ref() {
        DeValue::String(s) => vec![(s.as_ref(), v.span())],
        DeValue::Array(items) => items
            .iter()
            .map(|i| Ok((reader::string(src, "run.after", i)?, i.span())))
            .collect::<Result<_, Error>>()?,
        other => {
            return Err(src.error(
                v.span(),
                format!(
                    "`run.after` must be a run's name or a list of them, found {}",
                    reader::type_name(other)
                ),
                "expected names",
                None,
            ));
        }
    };
    names
        .into_iter()
        .map(|(name, span)| {
            before
                .iter()
                .position(|(m, _)| m.name == name)
                .ok_or_else(|| {
                    let listed: Vec<String> = before
                        .iter()
                        .map(|(m, _)| format!("`{}`", m.name))
                        .collect();
                    src.error(
                        span,
                        format!("no run named `{name}` is listed before this one"),
                        "not an earlier run",
                        Some(if listed.is_empty() {
                            "a run can wait only for runs listed above it, and none is".into()
                        } else {
                            format!(
                                "a run can wait only for runs listed above it: {}",
                                listed.join(", ")
                            )
                        }),
                    )
                })
        })
        .collect()
}

/// Each shared input must play a part in some run: a key no run reads is most likely a typo.
fn check_shared_used(
    src: &Source,
    shared: Vec<SharedAt>,
    members: &[MemberAt],
) -> Result<Vec<SharedAt>, Error> {
    for (s, span, _) in &shared {
        // A value the plan gives may be a fixed number; a shared draw must be a draw.
        let used = members.iter().any(|(m, _)| {
            let spec = m.scenario.spec(s.input);
            spec.used && (s.written.is_some() || !spec.dist.is_fixed())
        });
        if !used {
            return Err(src.error(
                span.clone(),
                format!(
                    "no run draws `{}`: it plays no part in any run's scenario{}",
                    s.input.key(),
                    if s.written.is_some() {
                        ""
                    } else {
                        ", or is a fixed number in each"
                    }
                ),
                "shares nothing",
                Some("share an input some run draws from a distribution".into()),
            ));
        }
    }
    Ok(shared)
}

/// Dates need a day 0, and no run may be dated before it.
fn check_dates(
    src: &Source,
    settings: &Settings,
    start: Option<Date>,
    members: &[MemberAt],
) -> Result<(), Error> {
    let need_start = |span: std::ops::Range<usize>, what: &str| {
        src.error(
            span,
            format!("{what} needs a start date to count from"),
            "no start date",
            Some("add start = 2027-01-04 to [portfolio] (the first day any run may start)".into()),
        )
    };
    if start.is_none() {
        if let Some((_, span)) = &settings.budget_year {
            return Err(need_start(span.clone(), "`portfolio.budget_year`"));
        }
        if let Some((Deadline::Date(_), span)) = &settings.deadline {
            return Err(need_start(span.clone(), "a deadline given as a date"));
        }
        if let Some((_, span)) = members
            .iter()
            .find(|(m, _)| matches!(m.deadline, Some(Deadline::Date(_))))
        {
            return Err(need_start(span.clone(), "a run's deadline given as a date"));
        }
    }
    if let Some(s) = start {
        for (m, span) in members {
            if let Some(d) = m.earliest.filter(|d| *d < s) {
                return Err(src.error(
                    span.clone(),
                    format!(
                        "run `{}` starts on {d} (its `start`, else its scenario's [schedule] \
                         start), before the portfolio's start, {s}",
                        m.name
                    ),
                    "starts too early",
                    Some("move [portfolio] start to the first day any run may start, or give the run a later start".into()),
                ));
            }
            if let Some(Deadline::Date(d)) = m.deadline
                && d < s
            {
                return Err(src.error(
                    span.clone(),
                    format!(
                        "run `{}` has a deadline, {d}, before the portfolio's start, {s}",
                        m.name
                    ),
                    "a deadline no run can meet",
                    None,
                ));
            }
        }
    }
    Ok(())
}
