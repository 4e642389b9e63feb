//! `[failures]`: interruptions simulated run by run, in place of `cluster.downtime`.

use std::sync::LazyLock;

use crate::scenario::*;

pub(in crate::scenario) static FAILURE_KEYS: LazyLock<Vec<&str>> =
    LazyLock::new(|| super::keys_of("failures", &[]));

/// `[failures]`: interruptions simulated run by run, in place of `cluster.downtime`.
pub(in crate::scenario) fn read_failures(
    b: &mut Builder,
    doc: &mut Table,
    reference: Option<&ReferenceUse>,
) -> Result<Option<FailureOptions>, Error> {
    let Some(v) = doc.take("failures") else {
        Input::ALL
            .into_iter()
            .filter(|i| i.key().starts_with("failures."))
            .for_each(|i| b.unused(i));
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
            if let Some(e) = t.unknown_key(b.src, &FAILURE_KEYS, &rates, "[failures]") {
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
    t.finish(b.src, &FAILURE_KEYS, "[failures]")?;
    Ok(Some(FailureOptions {
        from_mtbf: has_mtbf,
        optimal_interval,
    }))
}
