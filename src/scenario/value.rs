//! Reads one numeric input: a plain number, "A to B", or a `{ dist = ... }` table.

use toml::Spanned;
use toml::de::DeValue;

use super::reader::{self, Source, Table};
use crate::dist::{Dist, Family, ParamError};
use crate::error::Error;

const FAMILIES: &str =
    "fixed, uniform, normal, lognormal, log_t, triangular, pert, beta, gamma, weibull, discrete";

/// Parameter names that a family accepts, for the unknown-key message.
fn allowed_params(family: &str) -> &'static [&'static str] {
    match family {
        "fixed" => &["dist", "value", "lower", "upper"],
        "uniform" => &["dist", "min", "max", "lower", "upper"],
        "normal" => &["dist", "mean", "sd", "p5", "p95", "lower", "upper"],
        "lognormal" => &[
            "dist", "p5", "p95", "mu", "sigma", "median", "lower", "upper",
        ],
        "log_t" => &["dist", "df", "mu", "sigma", "lower", "upper"],
        "triangular" => &["dist", "min", "mode", "max", "lower", "upper"],
        "pert" => &["dist", "min", "mode", "max", "lambda", "lower", "upper"],
        "beta" => &["dist", "alpha", "beta", "min", "max", "lower", "upper"],
        "gamma" | "weibull" => &["dist", "shape", "scale", "lower", "upper"],
        "discrete" => &["dist", "values", "weights", "lower", "upper"],
        _ => &[],
    }
}

/// A parameter table being read: remembers where each parameter sits for error messages.
struct Params<'s, 't, 'i> {
    src: &'s Source<'s>,
    table: Table<'t, 'i>,
    family: String,
    spans: Vec<(&'static str, std::ops::Range<usize>)>,
}

impl Params<'_, '_, '_> {
    fn opt(&mut self, name: &'static str) -> Result<Option<f64>, Error> {
        let Some(v) = self.table.take(name) else {
            return Ok(None);
        };
        self.spans.push((name, v.span()));
        reader::number(self.src, &self.table.key(name), v).map(Some)
    }

    fn req(&mut self, name: &'static str) -> Result<f64, Error> {
        match self.opt(name)? {
            Some(x) => Ok(x),
            None => Err(self.missing(&[name])),
        }
    }

    /// A missing parameter is most likely an unknown key of the table, misspelled: report that.
    fn typo_of(&self, names: &[&str]) -> Option<Error> {
        self.table.unknown_key(
            self.src,
            &allowed_params(&self.family)[1..],
            names,
            &format!("a {} distribution", self.family),
        )
    }

    fn missing(&self, names: &[&str]) -> Error {
        if let Some(e) = self.typo_of(names) {
            return e;
        }
        let list = names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(" and ");
        self.src.error(
            self.table.span.clone(),
            format!(
                "`{}`: a {} distribution needs {list}",
                self.table.name, self.family
            ),
            format!("missing {list}"),
            Some(format!(
                "{} takes: {}",
                self.family,
                allowed_params(&self.family)[1..].join(", ")
            )),
        )
    }

    fn numbers(&mut self, name: &'static str) -> Result<Option<Vec<f64>>, Error> {
        let Some(v) = self.table.take(name) else {
            return Ok(None);
        };
        self.spans.push((name, v.span()));
        let key = self.table.key(name);
        let DeValue::Array(items) = v.get_ref() else {
            return Err(self.src.error(
                v.span(),
                format!(
                    "`{key}` must be an array of numbers, found {}",
                    reader::type_name(v.get_ref())
                ),
                "expected [a, b, ...]",
                None,
            ));
        };
        items
            .iter()
            .map(|item| reader::number(self.src, &key, item))
            .collect::<Result<_, _>>()
            .map(Some)
    }

    /// Points a parameter error at that parameter's value (or the table, if it was absent).
    fn param_error(&self, e: ParamError) -> Error {
        let span = self
            .spans
            .iter()
            .find(|(n, _)| *n == e.param)
            .map_or(self.table.span.clone(), |(_, s)| s.clone());
        self.src.error(
            span,
            format!(
                "`{}`: invalid {} distribution: {}",
                self.table.name, self.family, e.message
            ),
            "invalid parameter",
            None,
        )
    }
}

/// Reads the value of input `key`.
pub fn read(src: &Source, key: &str, v: &Spanned<DeValue>) -> Result<Dist, Error> {
    match v.get_ref() {
        DeValue::Integer(_) | DeValue::Float(_) => Ok(Dist::fixed(reader::number(src, key, v)?)),
        DeValue::String(s) => read_range(src, key, v, s),
        DeValue::Table(t) => read_table(src, Table::new(key, v.span(), t)),
        other => Err(src.error(
            v.span(),
            format!("`{key}` must be a number or a distribution, found {}", reader::type_name(other)),
            "expected a number, \"A to B\" or { dist = ... }",
            Some("write a number (`x = 100`), a range (`x = \"50 to 200\"`: a lognormal with P5 = 50 and P95 = 200) or a table (`x = { dist = \"uniform\", min = 50, max = 200 }`)".into()),
        )),
    }
}

/// "A to B": the lognormal with P5 = A and P95 = B, as in Squiggle and Guesstimate.
fn read_range(src: &Source, key: &str, v: &Spanned<DeValue>, text: &str) -> Result<Dist, Error> {
    let help = Some(
        "write \"A to B\" with 0 < A < B, e.g. \"1.8 to 3.5\": a lognormal with P5 = A and P95 = B"
            .to_string(),
    );
    let Some((a_text, b_text)) = text.split_once(" to ") else {
        return Err(src.error(
            v.span(),
            format!("`{key}`: cannot read \"{text}\" as a range"),
            "expected \"A to B\"",
            help,
        ));
    };
    let parse = |s: &str| {
        crate::units::parse_amount(s).map_err(|e| {
            src.error(
                v.span(),
                format!("`{key}`: cannot read \"{}\" in \"{text}\": {e}", s.trim()),
                "expected \"A to B\"",
                help.clone(),
            )
        })
    };
    let (a, b) = (parse(a_text)?, parse(b_text)?);
    if !(a > 0.0 && a < b) {
        return Err(src.error(
            v.span(),
            format!("`{key}`: \"{text}\" needs 0 < A < B"),
            "invalid range",
            help,
        ));
    }
    Family::lognormal_from_p5_p95(a, b)
        .map(Dist::new)
        .map_err(|e| {
            src.error(
                v.span(),
                format!("`{key}`: \"{text}\" is not a usable range: {}", e.message),
                "invalid range",
                help,
            )
        })
}

fn read_table(src: &Source, mut table: Table) -> Result<Dist, Error> {
    let Some(dist_value) = table.take("dist") else {
        let mut every_param: Vec<&str> = FAMILIES
            .split(", ")
            .flat_map(allowed_params)
            .copied()
            .collect();
        every_param.sort_unstable();
        every_param.dedup();
        let what = format!("the distribution `{}`", table.name);
        if let Some(e) = table.unknown_key(src, &every_param, &["dist"], &what) {
            return Err(e);
        }
        return Err(src.error(
            table.span.clone(),
            format!("`{}`: a distribution table needs a `dist` key", table.name),
            "no `dist` here",
            Some(format!("dist is one of: {FAMILIES}")),
        ));
    };
    let family = reader::string(src, &table.key("dist"), dist_value)?.to_string();
    if allowed_params(&family).is_empty() {
        return Err(src.error(
            dist_value.span(),
            format!("`{}`: unknown distribution \"{family}\"", table.name),
            "unknown family",
            Some(format!("dist is one of: {FAMILIES}")),
        ));
    }
    let mut p = Params {
        src,
        table,
        family,
        spans: Vec::new(),
    };
    let fam = read_family(&mut p).map_err(|e| match e {
        Read::Param(e) => p.param_error(e),
        Read::Other(e) => e,
    })?;
    let lower = p.opt("lower")?;
    let upper = p.opt("upper")?;
    let what = format!("a {} distribution", p.family);
    let allowed = allowed_params(&p.family);
    let dist = match (lower, upper) {
        (None, None) => Ok(Dist::new(fam)),
        (l, u) => Dist::truncated(
            fam,
            l.unwrap_or(f64::NEG_INFINITY),
            u.unwrap_or(f64::INFINITY),
        ),
    }
    .map_err(|e| p.param_error(e))?;
    let Params { table, .. } = p;
    table.finish(src, allowed, &what)?;
    Ok(dist)
}

enum Read {
    Param(ParamError),
    Other(Error),
}

impl From<Error> for Read {
    fn from(e: Error) -> Self {
        Read::Other(e)
    }
}

impl From<ParamError> for Read {
    fn from(e: ParamError) -> Self {
        Read::Param(e)
    }
}

fn read_family(p: &mut Params) -> Result<Family, Read> {
    let family = p.family.clone();
    Ok(match family.as_str() {
        "fixed" => Family::Fixed {
            value: p.req("value")?,
        },
        "uniform" => Family::uniform(p.req("min")?, p.req("max")?)?,
        "normal" => match (p.opt("mean")?, p.opt("sd")?, p.opt("p5")?, p.opt("p95")?) {
            (Some(m), Some(s), None, None) => Family::normal(m, s)?,
            (None, None, Some(a), Some(b)) => Family::normal_from_p5_p95(a, b)?,
            _ => return Err(p.either(&["mean", "sd"], &["p5", "p95"]).into()),
        },
        "lognormal" => match (
            p.opt("p5")?,
            p.opt("p95")?,
            p.opt("mu")?,
            p.opt("sigma")?,
            p.opt("median")?,
        ) {
            (Some(a), Some(b), None, None, None) => Family::lognormal_from_p5_p95(a, b)?,
            (None, None, Some(mu), Some(s), None) => Family::lognormal(mu, s)?,
            (None, None, None, Some(s), Some(m)) => Family::lognormal_from_median(m, s)?,
            _ => return Err(p.either3().into()),
        },
        "triangular" => Family::triangular(p.req("min")?, p.req("mode")?, p.req("max")?)?,
        "pert" => {
            let (min, mode, max) = (p.req("min")?, p.req("mode")?, p.req("max")?);
            Family::pert(min, mode, max, p.opt("lambda")?.unwrap_or(4.0))?
        }
        "beta" => {
            let (a, b) = (p.req("alpha")?, p.req("beta")?);
            Family::beta(
                a,
                b,
                p.opt("min")?.unwrap_or(0.0),
                p.opt("max")?.unwrap_or(1.0),
            )?
        }
        "gamma" => Family::gamma(p.req("shape")?, p.req("scale")?)?,
        "weibull" => Family::weibull(p.req("shape")?, p.req("scale")?)?,
        "log_t" => Family::log_t(p.req("df")?, p.req("mu")?, p.req("sigma")?)?,
        "discrete" => {
            let values = p.numbers("values")?.ok_or_else(|| p.missing(&["values"]))?;
            Family::discrete(values, p.numbers("weights")?)?
        }
        _ => unreachable!("family names are checked before"),
    })
}

impl Params<'_, '_, '_> {
    fn either(&self, a: &[&str], b: &[&str]) -> Error {
        if let Some(e) = self.typo_of(&[a, b].concat()) {
            return e;
        }
        self.src.error(
            self.table.span.clone(),
            format!(
                "`{}`: a {} distribution needs either {} or {}",
                self.table.name,
                self.family,
                a.join(" and "),
                b.join(" and ")
            ),
            "ambiguous or incomplete parameters",
            None,
        )
    }

    fn either3(&self) -> Error {
        if let Some(e) = self.typo_of(&["p5", "p95", "mu", "sigma", "median"]) {
            return e;
        }
        self.src.error(
            self.table.span.clone(),
            format!("`{}`: a lognormal needs exactly one of: p5 and p95; mu and sigma (log space); median and sigma", self.table.name),
            "ambiguous or incomplete parameters",
            None,
        )
    }
}
