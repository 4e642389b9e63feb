//! `[[published]]`: figures a run reported, to check the scenario against.

use crate::scenario::*;

/// `[[published]]` entries: `metric` (an output this scenario produces), `value`, `source`.
pub(in crate::scenario) fn read_published(
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
