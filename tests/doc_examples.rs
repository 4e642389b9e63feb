//! Every TOML example in the documentation parses: a complete scenario as it stands, a fragment
//! (a section to add) inside a small scenario with uncertain inputs to refer to.

use std::path::Path;

use flopcast::scenario::Scenario;
use flopcast::scenario::portfolio::PortfolioPlan;

const BASE: &str = r#"
[model]
params = 405e9
tokens = 15.6e12
[cluster]
gpus = 16384
peak_tflops = 989
mfu = { dist = "pert", min = 0.33, mode = 0.40, max = 0.45 }
downtime = { dist = "triangular", min = 0.02, mode = 0.08, max = 0.20 }
[cost]
gpu_hour_usd = "1.8 to 3.5"
"#;

/// The ```toml blocks of a Markdown file, with the line each starts on.
fn toml_blocks(markdown: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in markdown.lines().enumerate() {
        match (&mut current, line.trim_start()) {
            (None, fence) if fence.starts_with("```toml") => current = Some((i + 1, String::new())),
            (Some(_), "```") => blocks.push(current.take().unwrap()),
            (Some((_, text)), _) => {
                text.push_str(line);
                text.push('\n');
            }
            _ => {}
        }
    }
    blocks
}

/// A fragment goes into the base scenario; `[failures]` replaces its downtime. A fragment
/// that brings its own `[cluster]` gets only a model (and a price if it has none).
fn as_scenario(block: &str) -> String {
    if block.contains("[model]") {
        return block.to_string();
    }
    if block.contains("[cluster]") {
        let cost = if block.contains("[cost]") {
            ""
        } else {
            "[cost]\ngpu_hour_usd = 2\n"
        };
        return format!("[model]\nparams = 70e9\ntokens = 15e12\n{block}{cost}");
    }
    let base = if block.contains("[failures]") {
        BASE.replace(
            "downtime = { dist = \"triangular\", min = 0.02, mode = 0.08, max = 0.20 }\n",
            "",
        )
    } else {
        BASE.to_string()
    };
    format!("{base}\n{block}")
}

#[test]
fn every_toml_example_in_the_docs_parses() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.push(root.join("README.md"));
    let mut checked = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (line, block) in toml_blocks(&text) {
            let label = format!("{}:{line}", file.display());
            if block.contains("[[run]]") {
                // A portfolio plan: its scenarios are the bundled ones, named from a plan in
                // scenarios/portfolios/.
                let at = root.join("scenarios/portfolios/example.toml");
                if let Err(e) = PortfolioPlan::parse(&at, &block) {
                    panic!("the portfolio plan at {label} does not parse:\n{e}");
                }
                checked += 1;
                continue;
            }
            if let Err(e) = Scenario::parse(Path::new(&label), &as_scenario(&block)) {
                panic!("the example at {label} does not parse:\n{e}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 3, "only {checked} examples found");
}

#[test]
fn the_correlation_advice_in_the_priors_is_one_the_tool_accepts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let priors = std::fs::read_to_string(root.join("docs/priors.md")).unwrap();
    let blocks = toml_blocks(&priors);
    let correlation = blocks
        .iter()
        .find(|(_, b)| b.contains("[[correlation]]"))
        .expect("docs/priors.md shows a correlation");
    let s = Scenario::parse(Path::new("priors.md"), &as_scenario(&correlation.1)).unwrap();
    assert_eq!(s.correlations.len(), 1);
    // The advice it replaced, correlating MFU with the GPU count, is refused for a count.
    let gpus = BASE.replace(
        "gpus = 16384",
        "gpus = { dist = \"discrete\", values = [8192, 16384] }",
    );
    let old_advice = format!(
        "{gpus}\n[[correlation]]\nbetween = [\"cluster.mfu\", \"cluster.gpus\"]\nspearman = -0.4\n"
    );
    let e = Scenario::parse(Path::new("old.toml"), &old_advice).unwrap_err();
    assert!(e.to_string().contains("discrete"), "{e}");
}
