//! Command-line overrides of scenario inputs (`--set cluster.gpus=8192,16384`): each value is
//! read exactly like a value in a scenario file, with the same checks.

use std::path::{Path, PathBuf};

use toml::de::DeValue;

use super::reader::Source;
use super::{Scenario, check_domain, value};
use crate::error::Error;
use crate::model::Input;

/// One `--set KEY=V1,V2,...`: an input and the values to give it, as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    pub input: Input,
    pub values: Vec<String>,
}

/// Parses `KEY=V1,V2,...`; commas inside `{ }`, `[ ]` or quotes do not split values.
pub fn parse_set(arg: &str) -> Result<Override, String> {
    let (key, list) = arg
        .split_once('=')
        .ok_or_else(|| format!("`{arg}` is not KEY=VALUES (e.g. cluster.gpus=8192,16384)"))?;
    let key = key.trim();
    let input = Input::ALL
        .into_iter()
        .find(|i| i.key() == key)
        .ok_or_else(|| {
            let keys: Vec<&str> = Input::ALL.iter().map(|i| i.key()).collect();
            format!("`{key}` is not an input; inputs are: {}", keys.join(", "))
        })?;
    if input.is_luck() {
        return Err(format!(
            "`{key}` is each run's own randomness: it cannot be set"
        ));
    }
    let values = split_top_level(list);
    if values.iter().any(|v| v.is_empty()) {
        return Err(format!("`{arg}` has an empty value"));
    }
    Ok(Override { input, values })
}

impl Override {
    /// `cluster.mfu=0,4` is two values, 0 and 4, but may be a decimal written with a comma:
    /// the number it would then be ("0.4"), for a hint when those values fail their checks.
    pub fn decimal_comma_reading(&self) -> Option<String> {
        let digits = |v: &String| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
        match self.values.as_slice() {
            [whole, fraction] if digits(whole) && digits(fraction) => {
                Some(format!("{whole}.{fraction}"))
            }
            _ => None,
        }
    }
}

fn split_top_level(list: &str) -> Vec<String> {
    let (mut depth, mut quoted) = (0i32, false);
    let mut parts = vec![String::new()];
    for c in list.chars() {
        match c {
            '"' => quoted = !quoted,
            '{' | '[' if !quoted => depth += 1,
            '}' | ']' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                parts.push(String::new());
                continue;
            }
            _ => {}
        }
        parts.last_mut().unwrap().push(c);
    }
    parts.iter().map(|p| p.trim().to_string()).collect()
}

impl Scenario {
    /// This scenario with `input` set to `text` (a number, "A to B" with or without quotes, or
    /// an inline `{ dist = ... }` table). Inputs drawn from the same stream (active_params
    /// defaulting to params) follow it.
    pub fn with_value(&self, input: Input, text: &str) -> Result<Scenario, Error> {
        // The location reads like a file's (`--set cluster.mfu:1:1`): the message says outright
        // that the value came from the command line.
        self.with_value_unlabelled(input, text)
            .map_err(|e| match e {
                Error::Scenario(mut d) => {
                    d.message = format!("{} (in `--set {}={text}`)", d.message, input.key());
                    Error::Scenario(d)
                }
                other => other,
            })
    }

    fn with_value_unlabelled(&self, input: Input, text: &str) -> Result<Scenario, Error> {
        let label = PathBuf::from(format!("--set {}", input.key()));
        let quoted;
        let text =
            if DeValue::parse(text).is_err() && text.contains(" to ") && !text.starts_with('"') {
                quoted = format!("\"{text}\"");
                quoted.as_str()
            } else {
                text
            };
        let src = Source {
            path: Path::new(&label),
            text,
        };
        let parsed = DeValue::parse(text).map_err(|e| {
            src.error(
                e.span().unwrap_or(0..text.len()),
                format!("cannot read the value given for `{}`", input.key()),
                e.message().trim().to_string(),
                Some("give a number, \"A to B\", or a table such as { dist = \"uniform\", min = 1, max = 2 }".into()),
            )
        })?;
        let dist = value::read(&src, input.key(), &parsed)?;
        check_domain(&src, input, parsed.span(), &dist)?;
        self.with_dist(input, dist, text, &format!("`--set {}`", input.key()))
    }

    /// This scenario with `input` drawn from `dist` (checked against the input's domain by
    /// the caller), written as `text`; `given` names where the value came from in messages
    /// (`--set cluster.mfu`, a portfolio's shared input). Inputs drawn from the same stream
    /// (active_params defaulting to params) follow it.
    pub fn with_dist(
        &self,
        input: Input,
        dist: crate::dist::Dist,
        text: &str,
        given: &str,
    ) -> Result<Scenario, Error> {
        if self.reference.is_some()
            && let Some(why) = reference_conflict(input)
        {
            return Err(Error::Runtime(format!(
                "{given} cannot be combined with `mfu = \"reference\"` in {}: {why}",
                self.path.display()
            )));
        }
        let target = &self.inputs[input.index()];
        if !target.used {
            return Err(Error::Runtime(format!(
                "{given}: `{}` plays no part in {}; set an input the scenario uses",
                input.key(),
                self.path.display()
            )));
        }
        let mut out = self.clone();
        // Setting an input carries its aliases along (params sets an active_params that
        // defaults to it); setting an alias itself parts it from the input it followed.
        let stream = target.stream;
        let carried = |s: &super::InputSpec| {
            if stream == input {
                s.stream == stream
            } else {
                s.input == input
            }
        };
        for spec in out.inputs.iter_mut().filter(|s| carried(s)) {
            spec.dist = dist.clone();
            if spec.input == input {
                spec.written = Some(text.to_string());
                spec.line = None;
                spec.stream = input;
            }
        }
        Ok(out)
    }
}

/// Why an input cannot be overridden when utilisation comes from the reference prior, which
/// was resolved for the scenario's own chip and counts lost time and FLOPs its own way.
fn reference_conflict(input: Input) -> Option<&'static str> {
    match input {
        Input::Downtime => Some("its utilisation already includes lost time"),
        Input::PeakTflops => Some(
            "its prior was resolved for the chip the file names; name another `gpu` in a copy of the file",
        ),
        Input::FlopsPerParamToken => Some("its utilisation counts 6 FLOPs per parameter per token"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"
        [model]
        params = 405e9
        tokens = 15.6e12
        [cluster]
        gpus = 16384
        peak_tflops = 989
        mfu = 0.4
        [cost]
        gpu_hour_usd = 2
    "#;

    fn base() -> Scenario {
        Scenario::parse(Path::new("s.toml"), BASE).unwrap()
    }

    #[test]
    fn set_lists_split_at_top_level_commas_only() {
        let o = parse_set(
            r#"cluster.mfu=0.3, { dist = "uniform", min = 0.3, max = 0.5 },"0.3 to 0.5""#,
        )
        .unwrap();
        assert_eq!(o.input, Input::Mfu);
        assert_eq!(
            o.values,
            vec![
                "0.3",
                r#"{ dist = "uniform", min = 0.3, max = 0.5 }"#,
                r#""0.3 to 0.5""#
            ]
        );
        assert!(
            parse_set("cluster.gpu=1")
                .unwrap_err()
                .contains("cluster.gpus")
        );
        assert!(parse_set("cluster.gpus").is_err());
        assert!(parse_set("cluster.gpus=1,,2").is_err());
    }

    #[test]
    fn values_read_like_the_file() {
        let s = base();
        assert_eq!(
            s.with_value(Input::Gpus, "8192")
                .unwrap()
                .spec(Input::Gpus)
                .dist
                .median(),
            8192.0
        );
        let d = &s
            .with_value(Input::GpuHourUsd, "1.8 to 3.5")
            .unwrap()
            .inputs[Input::GpuHourUsd.index()]
        .dist;
        assert!((d.quantile(0.05) - 1.8).abs() < 1e-9);
        let table = r#"{ dist = "pert", min = 0.3, mode = 0.4, max = 0.5 }"#;
        assert_eq!(
            s.with_value(Input::Mfu, table)
                .unwrap()
                .spec(Input::Mfu)
                .dist
                .family()
                .name(),
            "beta"
        );
    }

    #[test]
    fn values_are_checked_like_the_file() {
        let s = base();
        let msg = s.with_value(Input::Mfu, "40").unwrap_err().to_string();
        assert!(
            msg.contains("must be in (0, 1]") && msg.contains("--set cluster.mfu"),
            "{msg}"
        );
        assert!(
            s.with_value(Input::Gpus, "{ dist = \"normal\", mean = 1 }")
                .is_err()
        );
        assert!(
            s.with_value(Input::TeamSize, "10").is_err(),
            "no [team] in this scenario"
        );
    }

    #[test]
    fn params_carry_their_active_alias() {
        let s = base().with_value(Input::Params, "37e9").unwrap();
        assert_eq!(s.spec(Input::ActiveParams).dist.median(), 37e9);
    }
}
