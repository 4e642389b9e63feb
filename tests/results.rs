//! The committed results/ must be exactly what the current code writes for the bundled
//! scenarios; `scripts/regenerate-results` rewrites them.

use std::path::Path;

use assert_cmd::cargo::cargo_bin_cmd;

#[test]
fn committed_results_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let mut stale = Vec::new();
    for entry in std::fs::read_dir(root.join("scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
        let scenario = format!("scenarios/{stem}.toml");
        let out = |name: &str| tmp.path().join(format!("{stem}-{name}"));
        let run = cargo_bin_cmd!("flopcast")
            .current_dir(root)
            .args(["run", &scenario, "--no-progress", "--csv"])
            .arg(out("bands.csv"))
            .arg("--json")
            .arg(out("bands.json"))
            .arg("--markdown")
            .arg(out("bands.md"))
            .arg("--plots")
            .arg(out("plots"))
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        std::fs::write(out("bands.txt"), &run.stdout).unwrap();
        let report = cargo_bin_cmd!("flopcast")
            .current_dir(root)
            .args(["report", &scenario, "-o"])
            .arg(out("report.html"))
            .output()
            .unwrap();
        assert!(
            report.status.success(),
            "{}",
            String::from_utf8_lossy(&report.stderr)
        );
        for name in [
            "bands.txt",
            "bands.csv",
            "bands.json",
            "bands.md",
            "report.html",
        ] {
            let committed = root.join("results").join(&stem).join(name);
            if std::fs::read(&committed).ok() != std::fs::read(out(name)).ok() {
                stale.push(committed.display().to_string());
            }
        }
        let committed_plots = root.join("results").join(&stem).join("plots");
        let mut written: Vec<_> = std::fs::read_dir(out("plots"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        written.sort();
        let mut kept: Vec<_> = std::fs::read_dir(&committed_plots)
            .map_or(Vec::new(), |d| d.map(|e| e.unwrap().file_name()).collect());
        kept.sort();
        if written != kept {
            stale.push(format!("{} (file list)", committed_plots.display()));
        }
        for name in written {
            if std::fs::read(committed_plots.join(&name)).ok()
                != std::fs::read(out("plots").join(&name)).ok()
            {
                stale.push(committed_plots.join(&name).display().to_string());
            }
        }
    }
    stale.extend(stale_portfolios(root, tmp.path()));
    assert!(
        stale.is_empty(),
        "results/ is out of date; run scripts/regenerate-results. Stale: {stale:?}"
    );
}

/// Each plan of scenarios/portfolios/ against its committed report.
fn stale_portfolios(root: &Path, tmp: &Path) -> Vec<String> {
    let mut stale = Vec::new();
    for entry in std::fs::read_dir(root.join("scenarios/portfolios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
        let plan = format!("scenarios/portfolios/{stem}.toml");
        let out = |name: &str| tmp.join(format!("portfolio-{stem}-{name}"));
        let run = cargo_bin_cmd!("flopcast")
            .current_dir(root)
            .args(["portfolio", &plan, "--no-progress", "--csv"])
            .arg(out("portfolio.csv"))
            .arg("--json")
            .arg(out("portfolio.json"))
            .arg("--markdown")
            .arg(out("portfolio.md"))
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        std::fs::write(out("portfolio.txt"), &run.stdout).unwrap();
        for name in [
            "portfolio.txt",
            "portfolio.csv",
            "portfolio.json",
            "portfolio.md",
        ] {
            let committed = root.join("results/portfolios").join(&stem).join(name);
            if std::fs::read(&committed).ok() != std::fs::read(out(name)).ok() {
                stale.push(committed.display().to_string());
            }
        }
    }
    stale
}
