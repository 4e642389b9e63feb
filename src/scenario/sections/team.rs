//! `[team]`: the people, their cost and the months they are paid.

use std::sync::LazyLock;

use crate::scenario::*;

pub(in crate::scenario) static TEAM_KEYS: LazyLock<Vec<&str>> =
    LazyLock::new(|| super::keys_of("team", &[]));

/// Reads [team]; true when labor follows the run.
pub(in crate::scenario) fn read_team(b: &mut Builder, doc: &mut Table) -> Result<bool, Error> {
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
        if let Some(e) = team.unknown_key(b.src, &TEAM_KEYS, &months, "[team]") {
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
    team.finish(b.src, &TEAM_KEYS, "[team]")?;
    Ok(follows)
}
