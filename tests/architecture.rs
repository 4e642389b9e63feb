//! The layering the README's Layout promises, read from the code's own `crate::` paths: data
//! flows one way, so every module may use only the modules before it in [`LAYERS`], and the
//! Layout names every module in `src/`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The top-level modules, each allowed to use only those before it. Leaves first (numbers,
/// units, the copula's linear algebra, the vector-level dispatch), then the model's vocabulary, errors, the evidence, and
/// the pipeline: scenario → sample → simulate → stats → analyses → charts → reports → commands.
const LAYERS: [&str; 22] = [
    "units", "calendar", "format", "copula", "simd", "model", "error", "hardware", "dist", "prior",
    "scenario", "sample", "simulate", "stats", "analyze", "study", "chart", "report", "output",
    "memory", "commands", "cli",
];

/// Files of src/ that are not a module of the pipeline.
const ROOTS: [&str; 2] = ["lib", "main"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The file's code without its comments and without its unit tests, which may reach anywhere.
fn code_of(path: &Path) -> String {
    let name = path.file_stem().unwrap().to_str().unwrap();
    if name == "tests" || name.starts_with("test_") {
        return String::new();
    }
    let text = fs::read_to_string(path).unwrap();
    let text = text.split("#[cfg(test)]").next().unwrap();
    text.lines()
        .map(|line| line.split("//").next().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules this code names, as `crate::x` or inside `use crate::{x, y::z}`.
fn modules_used(code: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // The first word of each top-level item names a module: `a::B`, `d::{e, f}`.
            let mut depth = 0;
            let mut at_item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => at_item_start = true,
                    c if at_item_start && !c.is_whitespace() => {
                        used.extend(first_word(&group[i..]));
                        at_item_start = false;
                    }
                    _ => {}
                }
            }
        } else if let Some(word) = first_word(rest) {
            used.insert(word);
        }
    }
    used
}

fn first_word(text: &str) -> Option<String> {
    let word: String = text
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!word.is_empty()).then_some(word)
}

fn top_module(src: &Path, path: &Path) -> String {
    let first = path.strip_prefix(src).unwrap().components().next().unwrap();
    let name = first.as_os_str().to_str().unwrap();
    name.trim_end_matches(".rs").to_string()
}

/// Module → (module it uses → the files that use it).
fn module_graph() -> BTreeMap<String, BTreeMap<String, BTreeSet<String>>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for file in files {
        let from = top_module(&src, &file);
        let shown = file.strip_prefix(&src).unwrap().display().to_string();
        for to in modules_used(&code_of(&file)) {
            if to != from && !matches!(to.as_str(), "self" | "super" | "Error" | "Result") {
                let edges = graph.entry(from.clone()).or_default();
                edges.entry(to).or_default().insert(shown.clone());
            }
        }
    }
    graph
}

fn layer(module: &str) -> usize {
    LAYERS
        .iter()
        .position(|m| *m == module)
        .unwrap_or_else(|| panic!("src/{module} is in no layer of tests/architecture.rs"))
}

#[test]
fn every_module_uses_only_the_modules_before_it() {
    let mut backward = Vec::new();
    for (from, edges) in module_graph() {
        if ROOTS.contains(&from.as_str()) {
            continue;
        }
        for (to, files) in edges {
            if layer(&to) >= layer(&from) {
                let files: Vec<_> = files.into_iter().collect();
                backward.push(format!("{from} uses {to} in {}", files.join(", ")));
            }
        }
    }
    assert!(
        backward.is_empty(),
        "edges against the data flow:\n{}",
        backward.join("\n")
    );
}

#[test]
fn the_module_reader_sees_grouped_and_nested_paths() {
    let code = "use crate::{a::B, c, d::{e, f::G}};\nlet x = crate::h::i();";
    let used: Vec<_> = modules_used(code).into_iter().collect();
    assert_eq!(used, ["a", "c", "d", "h"]);
}

#[test]
fn the_layout_in_the_readme_names_every_module_and_nothing_else() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = fs::read_to_string(root.join("README.md")).unwrap();
    let layout = readme
        .split("## Layout")
        .nth(1)
        .and_then(|s| s.split("```text").nth(1))
        .and_then(|s| s.split("```").next())
        .expect("README has a Layout section with a text block");
    let named: BTreeSet<String> = layout
        .split_whitespace()
        .filter_map(|w| w.strip_prefix("src/"))
        .map(|w| {
            let w = w.trim_end_matches([',', ';', ':', '.']);
            w.split('/')
                .next()
                .unwrap()
                .trim_end_matches(".rs")
                .to_string()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let present: BTreeSet<String> = fs::read_dir(root.join("src"))
        .unwrap()
        .map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.trim_end_matches(".rs").to_string()
        })
        .collect();
    assert_eq!(named, present, "README Layout vs src/");
    let pipeline: BTreeSet<String> = LAYERS.iter().chain(&ROOTS).map(|m| m.to_string()).collect();
    assert_eq!(pipeline, present, "tests/architecture.rs LAYERS vs src/");
}

/// Commands compute reports; laying out their tables belongs to `report/`, where the terminal
/// text and the Markdown are one document and so cannot disagree.
#[test]
fn no_command_lays_out_a_table() {
    let mut files = Vec::new();
    rust_files(Path::new("src/commands"), &mut files);
    for path in files {
        let code = code_of(&path);
        for needle in ["text_table(", "Document::", ".table("] {
            assert!(
                !code.contains(needle),
                "{} uses `{needle}`: build the table in src/report/",
                path.display()
            );
        }
    }
}
