//! `[[correlation]]`: rank correlations between inputs, drawn through a Gaussian copula.

use crate::scenario::*;

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
pub(in crate::scenario) fn read_correlations(
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

pub(in crate::scenario) fn correlation_pair(
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
        if input.is_luck() {
            return Err(bad(format!(
                "`{name}` is each run's own randomness: it cannot be correlated"
            )));
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
