//! `[cluster]`: the chips, their peak (given or from the catalog), utilisation and downtime.

use std::sync::LazyLock;

use crate::scenario::*;

pub(in crate::scenario) static CLUSTER_KEYS: LazyLock<Vec<&str>> =
    LazyLock::new(|| super::keys_of("cluster", &["gpu", "precision", "year"]));

pub(in crate::scenario) fn read_cluster(
    b: &mut Builder,
    doc: &mut Table,
) -> Result<Option<ReferenceUse>, Error> {
    let mut cluster = required_section(b.src, doc, "cluster")?;
    b.require(&mut cluster, Input::Gpus)?;
    let chip = read_peak(b, &mut cluster)?;
    b.chip = chip.as_ref().map(|c| c.name);
    let request = match cluster.take("mfu") {
        Some(v) => match reference::request(b.src, v)? {
            Some(request) => Some(request),
            None => {
                b.read_value(Input::Mfu, v)?;
                None
            }
        },
        None => {
            b.require(&mut cluster, Input::Mfu)?;
            None
        }
    };
    let year = read_year(b.src, &mut cluster)?;
    let reference = match (request, year) {
        (Some(r), year) => Some(reference::resolve(b, r, chip.as_ref(), year)?),
        (None, Some(year)) => {
            return Err(b.src.error(
                year.span,
                "`cluster.year` is used only by `mfu = \"reference\"`",
                "unused",
                Some("remove it, or set `mfu = \"reference\"` to take utilisation from the record of real runs".into()),
            ));
        }
        (None, None) => None,
    };
    if b.read(&mut cluster, Input::Downtime)? && reference.is_some() {
        return Err(b.src.error(
            b.spans[Input::Downtime.index()].clone().unwrap(),
            "`cluster.downtime` with `mfu = \"reference\"` would count lost time twice",
            "already in the reference utilisation",
            Some("remove `downtime`: the reference runs' hours are wall-clock, so their utilisation includes failures and restarts".into()),
        ));
    }
    b.default(Input::Downtime, 0.0);
    cluster.finish(b.src, &CLUSTER_KEYS, "[cluster]")?;
    Ok(reference)
}

/// `cluster.year`, a plain number between 2015 and 2100.
pub(in crate::scenario) fn read_year(
    src: &Source,
    cluster: &mut Table,
) -> Result<Option<reference::Year>, Error> {
    let Some(v) = cluster.take("year") else {
        return Ok(None);
    };
    let value = reader::number(src, "cluster.year", v)?;
    if !(2015.0..=2100.0).contains(&value) {
        return Err(src.error(
            v.span(),
            format!("`cluster.year` must lie between 2015 and 2100, got {value}"),
            "not a year",
            Some("the year the run ends, such as 2026 or 2026.5".into()),
        ));
    }
    Ok(Some(reference::Year {
        value,
        span: v.span(),
    }))
}

/// `peak_tflops` as given, or from the catalog by `gpu` and `precision` (default bf16); never
/// both, since one of the two figures would be silently ignored. The chip, when named.
pub(in crate::scenario) fn read_peak(
    b: &mut Builder,
    cluster: &mut Table,
) -> Result<Option<reference::Chip>, Error> {
    let gpu = cluster.take("gpu");
    let precision = cluster.take("precision");
    if let Some(peak) = cluster.take("peak_tflops") {
        let catalog = [("gpu", gpu), ("precision", precision)];
        if let Some((key, value)) = catalog.into_iter().find_map(|(k, v)| Some((k, v?))) {
            return Err(peak_conflict(b.src, key, value.span(), peak.span()));
        }
        return b.read_value(Input::PeakTflops, peak).map(|()| None);
    }
    let Some(gpu) = gpu else {
        if let Some(p) = precision {
            return Err(b.src.error(
                p.span(),
                "`cluster.precision` needs `cluster.gpu`",
                "no gpu to look up",
                Some(
                    "add `gpu = \"H100-SXM\"` (or another catalog name), or give `peak_tflops`"
                        .into(),
                ),
            ));
        }
        return b.require(cluster, Input::PeakTflops).map(|()| None);
    };
    let name = reader::string(b.src, "cluster.gpu", gpu)?;
    let format = match precision {
        Some(p) => reader::string(b.src, "cluster.precision", p)?,
        None => "bf16",
    };
    let chip = hardware::resolve(name).map_err(|e| {
        let label = match e {
            hardware::NameError::Ambiguous { .. } => "more than one chip by this name",
            hardware::NameError::Unknown { .. } => "not in the catalog",
        };
        b.src.error(
            gpu.span(),
            format!("unknown accelerator \"{name}\" in `cluster.gpu`"),
            label,
            Some(format!(
                "{}; or give `peak_tflops` directly (catalog: {})",
                e.hint(),
                hardware::CATALOG
                    .iter()
                    .map(|c| c.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        )
    })?;
    let peak = hardware::peak_tflops(chip.name, format).map_err(|e| match e {
        Lookup::UnknownPrecision { gpu: g, known } => b.src.error(
            precision.map_or(gpu.span(), |p| p.span()),
            format!("the catalog has no \"{format}\" figure for {g}"),
            "unknown precision",
            Some(format!("{g} has: {}", known.join(", "))),
        ),
        Lookup::UnknownGpu { .. } => unreachable!("resolved above"),
    })?;
    b.set(
        Input::PeakTflops,
        Dist::fixed(peak),
        Some(format!("{peak} (catalog: {}, {format})", chip.name)),
    );
    let canonical = chip.name;
    Ok(Some(reference::Chip {
        name: canonical,
        precision: format.to_ascii_lowercase(),
    }))
}

/// `peak_tflops` next to a catalog key, reported at whichever of the two comes second.
pub(in crate::scenario) fn peak_conflict(
    src: &Source,
    key: &str,
    catalog_span: Range<usize>,
    peak_span: Range<usize>,
) -> Error {
    let (span, label) = if catalog_span.start > peak_span.start {
        (catalog_span, format!("`{key}` after `peak_tflops`"))
    } else {
        (peak_span, format!("`peak_tflops` after `{key}`"))
    };
    src.error(
        span,
        format!(
            "`cluster.peak_tflops` and `cluster.{key}` both set the GPU's peak: one of them would be ignored"
        ),
        label,
        Some(
            "give either `peak_tflops` (a figure or a distribution) or `gpu` (with an optional `precision`, default bf16), not both"
                .into(),
        ),
    )
}
