//! `gpu_hour_usd = "market"`: the price per GPU-hour fitted to the cloud quotes for this
//! scenario's chip (`data/gpu-prices.csv`, see docs/priors.md).
//!
//! ```toml
//! gpu_hour_usd = "market"                      # on-demand
//! gpu_hour_usd = { market = "1-year" }         # or "3-year", "on-demand"
//! ```

use std::ops::Range;

use toml::Spanned;
use toml::de::DeValue;

use super::reader::{self, Source};
use super::{Builder, Input};
use crate::dist::Dist;
use crate::dist::families::LogNormal;
use crate::error::Error;
use crate::prior::prices::{self, Commitment};

/// The commitment a `gpu_hour_usd` value asks the market for; None when it is an ordinary
/// number or distribution.
pub fn request(src: &Source, v: &Spanned<DeValue>) -> Result<Option<Commitment>, Error> {
    match v.get_ref() {
        DeValue::String(s) if s == "market" => Ok(Some(Commitment::OnDemand)),
        DeValue::Table(t) if t.get("market").is_some() => {
            let mut table = reader::table(src, "cost.gpu_hour_usd", v)?;
            let term = table.take("market").expect("checked above");
            let name = reader::string(src, "cost.gpu_hour_usd.market", term)?;
            let commitment = Commitment::parse(name).ok_or_else(|| {
                let known: Vec<&str> = Commitment::ALL.iter().map(|c| c.name()).collect();
                src.error(
                    term.span(),
                    format!("unknown commitment \"{name}\" in `cost.gpu_hour_usd.market`"),
                    "not a commitment",
                    Some(format!("one of: {}", known.join(", "))),
                )
            })?;
            table.finish(src, &["market"], "`cost.gpu_hour_usd`")?;
            Ok(Some(commitment))
        }
        _ => Ok(None),
    }
}

/// Sets the GPU-hour price to the lognormal with the market prior's P5 and P95 (the "A to B"
/// convention) for the scenario's chip.
pub fn resolve(
    b: &mut Builder,
    commitment: Commitment,
    chip: Option<&'static str>,
    span: Range<usize>,
) -> Result<(), Error> {
    let src = b.src;
    let Some(chip) = chip else {
        return Err(src.error(
            span,
            "`gpu_hour_usd = \"market\"` needs the chip by name: `cluster.gpu`",
            "no gpu named",
            Some(
                "name the chip with `gpu = \"H100-SXM\"` (or another catalog name) under [cluster]"
                    .into(),
            ),
        ));
    };
    let prior = prices::price_prior(chip, commitment).map_err(|e| {
        src.error(
            span.clone(),
            format!("no market price prior for {chip}, {commitment}: {e}"),
            "no market evidence",
            Some(format!(
                "give the price yourself, e.g. gpu_hour_usd = \"2 to 4\" (the quotes end {})",
                prices::snapshot_date()
            )),
        )
    })?;
    let family = LogNormal::from_p5_p95(prior.p5_usd, prior.p95_usd)
        .expect("fitted percentiles are positive and ordered");
    let written = format!(
        "market: {chip} {commitment}, {} vendor quotes {} to {} (P5 ${:.2}, P50 ${:.2}, P95 ${:.2})",
        prior.quotes, prior.first_date, prior.last_date, prior.p5_usd, prior.p50_usd, prior.p95_usd
    );
    b.set_at(Input::GpuHourUsd, Dist::new(family), written, span);
    Ok(())
}
