//! The committed results/ must be exactly what the current code writes for the bundled
//! scenarios and portfolio plans; `scripts/regenerate-results` rewrites them.

use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;

#[test]
fn committed_results_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let mut stale = Vec::new();
    for stem in toml_stems(&root.join("scenarios")) {
        let scenario = format!("scenarios/{stem}.toml");
        let out = |name: &str| tmp.path().join(format!("{stem}-{name}"));
        let bands = flopcast_ok(
            root,
            &[
                "run".into(),
                scenario.clone(),
                "--no-progress".into(),
                "--csv".into(),
                path(&out("bands.csv")),
                "--json".into(),
                path(&out("bands.json")),
                "--markdown".into(),
                path(&out("bands.md")),
                "--plots".into(),
                path(&out("plots")),
            ],
        );
        std::fs::write(out("bands.txt"), bands).unwrap();
        let html = path(&out("report.html"));
        flopcast_ok(root, &["report".into(), scenario, "-o".into(), html]);
        let committed = root.join("results").join(&stem);
        let names = [
            "bands.txt",
            "bands.csv",
            "bands.json",
            "bands.md",
            "report.html",
        ];
        stale.extend(stale_of(&committed, &names, out));
        stale.extend(stale_plots(&committed.join("plots"), &out("plots")));
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
    for stem in toml_stems(&root.join("scenarios/portfolios")) {
        let plan = format!("scenarios/portfolios/{stem}.toml");
        let out = |name: &str| tmp.join(format!("portfolio-{stem}-{name}"));
        let text = flopcast_ok(
            root,
            &[
                "portfolio".into(),
                plan,
                "--no-progress".into(),
                "--csv".into(),
                path(&out("portfolio.csv")),
                "--json".into(),
                path(&out("portfolio.json")),
                "--markdown".into(),
                path(&out("portfolio.md")),
            ],
        );
        std::fs::write(out("portfolio.txt"), text).unwrap();
        let names = [
            "portfolio.txt",
            "portfolio.csv",
            "portfolio.json",
            "portfolio.md",
        ];
        let committed = root.join("results/portfolios").join(&stem);
        stale.extend(stale_of(&committed, &names, out));
    }
    stale
}

/// The stems of the TOML files directly in `dir`.
fn toml_stems(dir: &Path) -> Vec<String> {
    let mut stems: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| p.file_stem().unwrap().to_str().unwrap().to_string())
        .collect();
    stems.sort();
    stems
}

fn path(p: &Path) -> String {
    p.to_str().expect("UTF-8 temporary path").to_string()
}

/// Stdout of flopcast run from the crate root with `args`, which must succeed.
fn flopcast_ok(root: &Path, args: &[String]) -> Vec<u8> {
    let run = cargo_bin_cmd!("flopcast")
        .current_dir(root)
        .args(args)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    run.stdout
}

/// The files `names` of `committed` that differ from what was written at `out(name)`.
fn stale_of(committed: &Path, names: &[&str], out: impl Fn(&str) -> PathBuf) -> Vec<String> {
    names
        .iter()
        .map(|name| committed.join(name))
        .zip(names.iter().map(|name| out(name)))
        .filter(|(kept, written)| std::fs::read(kept).ok() != std::fs::read(written).ok())
        .map(|(kept, _)| kept.display().to_string())
        .collect()
}

/// The committed plots that differ from those written, or a different list of them.
fn stale_plots(committed: &Path, written: &Path) -> Vec<String> {
    let list = |dir: &Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir).map_or(Vec::new(), |d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        });
        names.sort();
        names
    };
    let names = list(written);
    let mut stale = Vec::new();
    if names != list(committed) {
        stale.push(format!("{} (file list)", committed.display()));
    }
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    stale.extend(stale_of(committed, &names, |n| written.join(n)));
    stale
}
