//! Reads one numeric input: a plain number, "A to B", or a `{ dist = ... }` table.

use toml::Spanned;
use toml::de::DeValue;

use super::reader::{self, Source, Table};
use crate::dist::families::LogNormal;
use crate::dist::{Dist, Family, Form, ParamError, ParamReader};
use crate::error::Error;

/// Every name `dist` may take, for the unknown-family message.
fn families() -> String {
    Family::forms()
        .iter()
        .map(|f| f.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The keys a table in `form` accepts: `dist`, the family's own, and the truncation bounds.
fn allowed_keys(form: &Form) -> Vec<&'static str> {
    let mut keys = vec!["dist"];
    keys.extend(form.keys);
    keys.extend(["lower", "upper"]);
    keys
}

/// A parameter table being read: remembers where each parameter sits for error messages.
struct Params<'s, 't, 'i> {
    src: &'s Source<'s>,
    table: Table<'t, 'i>,
    form: &'static Form,
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

    /// A missing parameter is most likely an unknown key of the table, misspelled: report that.
    fn typo_of(&self, names: &[&str]) -> Option<Error> {
        self.table.unknown_key(
            self.src,
            &allowed_keys(self.form)[1..],
            names,
            &format!("a {} distribution", self.form.name),
        )
    }

    fn missing_keys(&self, names: &[&str]) -> Error {
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
                self.table.name, self.form.name
            ),
            format!("missing {list}"),
            Some(format!(
                "{} takes: {}",
                self.form.name,
                allowed_keys(self.form)[1..].join(", ")
            )),
        )
    }

    fn number_array(&mut self, name: &'static str) -> Result<Option<Vec<f64>>, Error> {
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
                self.table.name, self.form.name, e.message
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
    LogNormal::from_p5_p95(a, b).map(Dist::new).map_err(|e| {
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
        let mut every_param: Vec<&str> =
            Family::forms().into_iter().flat_map(allowed_keys).collect();
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
            Some(format!("dist is one of: {}", families())),
        ));
    };
    let name = reader::string(src, &table.key("dist"), dist_value)?;
    let Some(form) = Family::form(name) else {
        return Err(src.error(
            dist_value.span(),
            format!("`{}`: unknown distribution \"{name}\"", table.name),
            "unknown family",
            Some(format!("dist is one of: {}", families())),
        ));
    };
    let mut p = Params {
        src,
        table,
        form,
        spans: Vec::new(),
    };
    let fam = Family::read(form, &mut p).map_err(|e| match e {
        Read::Param(e) => p.param_error(e),
        Read::Other(e) => e,
    })?;
    let lower = p.opt("lower")?;
    let upper = p.opt("upper")?;
    let what = format!("a {} distribution", form.name);
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
    table.finish(src, &allowed_keys(form), &what)?;
    Ok(dist)
}

/// Why reading a family failed: a parameter that fails its check, which [`Params`] points at,
/// or an error already located.
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

impl ParamReader for Params<'_, '_, '_> {
    type Error = Read;

    fn number(&mut self, key: &'static str) -> Result<Option<f64>, Read> {
        Ok(self.opt(key)?)
    }

    fn numbers(&mut self, key: &'static str) -> Result<Option<Vec<f64>>, Read> {
        Ok(self.number_array(key)?)
    }

    fn missing(&self, keys: &[&str]) -> Read {
        Read::Other(self.missing_keys(keys))
    }

    fn unclear(&self, keys: &[&str], needs: &str) -> Read {
        if let Some(e) = self.typo_of(keys) {
            return Read::Other(e);
        }
        Read::Other(self.src.error(
            self.table.span.clone(),
            format!("`{}`: {needs}", self.table.name),
            "ambiguous or incomplete parameters",
            None,
        ))
    }
}
