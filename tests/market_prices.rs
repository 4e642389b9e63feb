//! `gpu_hour_usd = "market"`: the price prior fitted to cloud quotes for the scenario's chip.

use std::fs;

use tempfile::TempDir;

mod common;
use common::{MINIMAL, flopcast, path_str, stdout_of};

fn plan(gpu: &str, price: &str) -> String {
    MINIMAL
        .replace("peak_tflops = 989", &format!("gpu = \"{gpu}\""))
        .replace("gpu_hour_usd = 2", &format!("gpu_hour_usd = {price}"))
}

fn check(text: &str) -> Result<String, String> {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("plan.toml");
    fs::write(&path, text).unwrap();
    let out = flopcast()
        .args(["check", path_str(&path), "--runs", "1000"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    if out.status.success() {
        Ok(String::from_utf8(out.stdout).unwrap())
    } else {
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        Err(stderr)
    }
}

#[test]
fn market_prices_resolve_by_chip_and_commitment() {
    let on_demand = check(&plan("A100-SXM4-80GB", "\"market\"")).unwrap();
    assert!(on_demand.contains("market: A100 on-demand"), "{on_demand}");
    let three_year = check(&plan("A100", "{ market = \"3-year\" }")).unwrap();
    assert!(three_year.contains("market: A100 3-year"), "{three_year}");
    // A three-year commitment is cheaper than paying by the hour.
    let p50 = |text: &str| -> f64 {
        let line = text.lines().find(|l| l.contains("market:")).unwrap();
        line.split("P50 $")
            .nth(1)
            .unwrap()
            .split(',')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(p50(&three_year) < p50(&on_demand));
}

#[test]
fn market_prices_need_evidence_a_chip_and_a_known_commitment() {
    let err = check(&plan("B200", "\"market\"")).unwrap_err();
    assert!(
        err.contains("no market price prior for B200") && err.contains("give the price yourself"),
        "{err}"
    );
    let err = check(&plan("A100", "{ market = \"2-year\" }")).unwrap_err();
    assert!(
        err.contains("unknown commitment \"2-year\"") && err.contains("on-demand, 1-year, 3-year"),
        "{err}"
    );
    let err = check(&MINIMAL.replace("gpu_hour_usd = 2", "gpu_hour_usd = \"market\"")).unwrap_err();
    assert!(err.contains("needs the chip by name"), "{err}");
}

#[test]
fn the_plan_scenario_uses_market_and_reference_priors() {
    let out = stdout_of(&["check", "scenarios/plan-70b-h100.toml", "--runs", "1000"]);
    assert!(
        out.contains("market: H100-SXM on-demand") && out.contains("Utilisation prior"),
        "{out}"
    );
}
