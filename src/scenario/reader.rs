//! Walks a span-preserving TOML tree, so every error can point at its key or value.

use std::ops::Range;
use std::path::Path;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use strsim::levenshtein as edit_distance;

use crate::calendar::Date;
use crate::error::{Diagnostic, Error};

/// The file being read: everything a diagnostic needs besides the span.
pub struct Source<'a> {
    pub path: &'a Path,
    pub text: &'a str,
}

impl Source<'_> {
    pub fn error(
        &self,
        span: Range<usize>,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) -> Error {
        Error::Scenario(Box::new(Diagnostic {
            path: self.path.to_path_buf(),
            source: self.text.to_string(),
            span,
            message: message.into(),
            label: label.into(),
            help,
        }))
    }
}

/// A table with its span and dotted name, that hands out its entries and rejects leftovers.
pub struct Table<'t, 'i> {
    pub name: String,
    pub span: Range<usize>,
    entries: Vec<(
        &'t Spanned<std::borrow::Cow<'i, str>>,
        &'t Spanned<DeValue<'i>>,
    )>,
    taken: Vec<bool>,
}

impl<'t, 'i> Table<'t, 'i> {
    pub fn new(name: impl Into<String>, span: Range<usize>, table: &'t DeTable<'i>) -> Self {
        let entries: Vec<_> = table.iter().collect();
        let taken = vec![false; entries.len()];
        Table {
            name: name.into(),
            span,
            entries,
            taken,
        }
    }

    /// Every entry, each marked as taken: for a table whose keys are the caller's to check.
    pub fn take_all(
        &mut self,
    ) -> Vec<(
        &'t Spanned<std::borrow::Cow<'i, str>>,
        &'t Spanned<DeValue<'i>>,
    )> {
        self.taken.fill(true);
        self.entries.clone()
    }

    /// The dotted key of an entry of this table, as users write it in messages.
    pub fn key(&self, key: &str) -> String {
        if self.name.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.name)
        }
    }

    pub fn take(&mut self, key: &str) -> Option<&'t Spanned<DeValue<'i>>> {
        let i = self.entries.iter().position(|(k, _)| k.get_ref() == key)?;
        self.taken[i] = true;
        Some(self.entries[i].1)
    }

    /// When keys in `missing` are absent, a key of this table that is not in `allowed` is most
    /// likely one of them misspelled or misnamed (`gpu_count` for `gpus`): the error names that
    /// key, and suggests the allowed key it is nearest to, else the missing one it resembles.
    pub fn unknown_key(
        &self,
        src: &Source,
        allowed: &[&str],
        missing: &[&str],
        what: &str,
    ) -> Option<Error> {
        let unknown: Vec<_> = self
            .entries
            .iter()
            .zip(&self.taken)
            .filter(|((k, _), taken)| !**taken && !allowed.contains(&k.get_ref().as_ref()))
            .map(|((k, _), _)| *k)
            .collect();
        let distance_to_missing = |k: &str| {
            missing
                .iter()
                .map(|m| edit_distance(k, m))
                .min()
                .unwrap_or(usize::MAX)
        };
        let key = unknown
            .iter()
            .min_by_key(|k| distance_to_missing(k.get_ref()))?;
        let name = key.get_ref().as_ref();
        let suggestion =
            closest(name, allowed).or_else(|| missing.iter().find(|m| resembles(name, m)).copied());
        let near = suggestion
            .map(|c| format!("did you mean `{c}`? "))
            .unwrap_or_default();
        let absent = missing
            .iter()
            .map(|m| format!("`{m}`"))
            .collect::<Vec<_>>()
            .join(" and ");
        Some(src.error(
            key.span(),
            format!("unknown key `{}` in {what}", self.key(name)),
            "not a known key",
            Some(format!(
                "{near}{absent} is missing; allowed here: {}",
                allowed.join(", ")
            )),
        ))
    }

    /// Fails on the first key nobody asked for: a typo must never fall back to a default.
    pub fn finish(self, src: &Source, allowed: &[&str], what: &str) -> Result<(), Error> {
        for (i, (k, _)) in self.entries.iter().enumerate() {
            if !self.taken[i] {
                let near = closest(k.get_ref(), allowed)
                    .map(|c| format!("did you mean `{c}`? "))
                    .unwrap_or_default();
                return Err(src.error(
                    k.span(),
                    format!("unknown key `{}` in {what}", self.key(k.get_ref())),
                    "not a known key",
                    Some(format!("{near}allowed here: {}", allowed.join(", "))),
                ));
            }
        }
        Ok(())
    }
}

/// Loosely alike: within two edits, or sharing a stem of three letters (`gpu_count`, `gpus`), or
/// one inside the other (`salary`, `salary_usd`).
fn resembles(word: &str, key: &str) -> bool {
    let stem = word
        .chars()
        .zip(key.chars())
        .take_while(|(a, b)| a == b)
        .count();
    edit_distance(word, key) <= 2 || stem >= 3 || word.contains(key) || key.contains(word)
}

/// The allowed key within two edits of `word`, if any.
fn closest<'a>(word: &str, allowed: &[&'a str]) -> Option<&'a str> {
    allowed
        .iter()
        .map(|a| (edit_distance(word, a), *a))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a)
}

/// The 1-based line and column (in characters) of byte `offset` of `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

pub fn type_name(v: &DeValue) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// A finite number from an integer or float value; NaN and infinity are refused.
pub fn number(src: &Source, key: &str, v: &Spanned<DeValue>) -> Result<f64, Error> {
    let parsed = match v.get_ref() {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .ok()
            .map(|n| n as f64),
        DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
        other => {
            return Err(src.error(
                v.span(),
                format!("`{key}` must be a number, found {}", type_name(other)),
                "expected a number",
                None,
            ));
        }
    };
    match parsed {
        Some(x) if x.is_finite() => Ok(x),
        _ => Err(src.error(
            v.span(),
            format!("`{key}` must be a finite number"),
            "NaN and infinity are not allowed",
            None,
        )),
    }
}

pub fn string<'v>(src: &Source, key: &str, v: &'v Spanned<DeValue>) -> Result<&'v str, Error> {
    match v.get_ref() {
        DeValue::String(s) => Ok(s.as_ref()),
        other => Err(src.error(
            v.span(),
            format!("`{key}` must be a string, found {}", type_name(other)),
            "expected a string",
            None,
        )),
    }
}

/// A calendar day, from a TOML date (`2027-01-15`) or a string holding one.
pub fn date(src: &Source, key: &str, v: &Spanned<DeValue>) -> Result<Date, Error> {
    let bad = |found: String| {
        src.error(
            v.span(),
            format!("`{key}` must be a date, found {found}"),
            "expected a date such as 2027-01-15",
            Some("write the day as YYYY-MM-DD, without a time or time zone".to_string()),
        )
    };
    let text = match v.get_ref() {
        DeValue::Datetime(d) if d.time.is_none() && d.offset.is_none() => d.to_string(),
        DeValue::Datetime(d) => return Err(bad(format!("`{d}`, which has a time"))),
        DeValue::String(s) => s.to_string(),
        other => return Err(bad(type_name(other).to_string())),
    };
    Date::parse(&text)
        .ok_or_else(|| bad(format!("`{text}`, which is not a day of years 1 to 9999")))
}

pub fn table<'t, 'i>(
    src: &Source,
    key: &str,
    v: &'t Spanned<DeValue<'i>>,
) -> Result<Table<'t, 'i>, Error> {
    match v.get_ref() {
        DeValue::Table(t) => Ok(Table::new(key, v.span(), t)),
        other => Err(src.error(
            v.span(),
            format!(
                "`{key}` must be a table (a [{key}] section), found {}",
                type_name(other)
            ),
            "expected a table",
            None,
        )),
    }
}

/// A whole non-negative integer, from an integer or an integral float such as 1e6.
/// A whole non-negative integer, read exactly from an integer (seeds use all 64 bits), or from
/// an integral float such as 1e6 small enough to be exact.
pub fn count(src: &Source, key: &str, v: &Spanned<DeValue>) -> Result<u64, Error> {
    let bad = |got: String| {
        src.error(
            v.span(),
            format!(
                "`{key}` must be a whole number from 0 to {}, got {got}",
                u64::MAX
            ),
            "expected a whole number",
            None,
        )
    };
    match v.get_ref() {
        DeValue::Integer(i) => {
            u64::from_str_radix(i.as_str(), i.radix()).map_err(|_| bad(i.as_str().to_string()))
        }
        _ => {
            let x = number(src, key, v)?;
            // Beyond 2^53 a float no longer holds every whole number: ask for an integer.
            if x < 0.0 || x.fract() != 0.0 || x > 2f64.powi(53) {
                return Err(bad(x.to_string()));
            }
            Ok(x as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_keys() {
        assert_eq!(closest("mfuu", &["mfu", "gpus"]), Some("mfu"));
        assert_eq!(
            closest("gpu_hours_usd", &["gpu_hour_usd"]),
            Some("gpu_hour_usd")
        );
        assert_eq!(closest("banana", &["mfu", "gpus"]), None);
    }
}
