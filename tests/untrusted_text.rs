//! Text from a scenario file (its name, a published figure's source) reaches spreadsheets,
//! Markdown, HTML and terminals: none of them may run it, render it as markup or be driven by
//! its control characters.

mod common;

use std::path::{Path, PathBuf};

use common::{LLAMA, flopcast, stdout_of};
use tempfile::TempDir;

const HOSTILE_NAME: &str =
    r#"=HYPERLINK(\"http://x\",\"y\")<script>alert(1)</script>\u0000\u001b[2J\u009b"#;

/// The Llama scenario with a hostile name and source, written into `dir`.
fn hostile_scenario(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(LLAMA))
        .unwrap()
        .replace(
            "name = \"Llama 3.1 405B pre-training\"",
            &format!("name = \"{HOSTILE_NAME}\""),
        )
        .replace(
            "source = \"Llama 3.1 model card (MODEL_CARD.md): 30.84 M H100-hours for the 405B model\"",
            "source = \"@SUM(1+1)\\u001b]0;pwned\\u0007\"",
        );
    let path = dir.join("hostile.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn no_control_characters(text: &str, what: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|c| c.is_control() && *c != '\n')
        .collect();
    assert!(bad.is_empty(), "{what} carries {bad:?}:\n{text}");
}

#[test]
fn calibrate_csv_cells_cannot_become_formulas() {
    let dir = TempDir::new().unwrap();
    let scenario = hostile_scenario(dir.path());
    let csv = dir.path().join("calibrate.csv");
    flopcast()
        .args(["calibrate", scenario.to_str().unwrap(), "--runs", "2000"])
        .args(["--csv", csv.to_str().unwrap()])
        .assert()
        .success();
    let mut reader = csv::Reader::from_path(&csv).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let row: Vec<String> = reader
        .records()
        .next()
        .unwrap()
        .unwrap()
        .iter()
        .map(String::from)
        .collect();
    let cell = |name: &str| row[header.iter().position(|h| h == name).unwrap()].clone();
    assert!(cell("scenario").starts_with("'=HYPERLINK("), "{row:?}");
    assert!(cell("source").starts_with("'@SUM(1+1)"), "{row:?}");
    assert!(
        ["TRUE", "FALSE"].contains(&cell("inside_90").as_str()),
        "{row:?}"
    );
    assert_eq!(cell("published").parse::<f64>().unwrap(), 30.84e6);
}

#[test]
fn negative_numbers_in_a_csv_stay_numbers() {
    // compare's B − A rows are negative when B is cheaper: they must not gain a quote.
    let dir = TempDir::new().unwrap();
    let csv = dir.path().join("compare.csv");
    flopcast()
        .args([
            "compare",
            LLAMA,
            "scenarios/llama-3.1-405b-article.toml",
            "--runs",
            "2000",
        ])
        .args(["--csv", csv.to_str().unwrap()])
        .assert()
        .success();
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.contains(",-"), "some difference is negative:\n{text}");
    assert!(!text.contains(",'"), "no number is quoted:\n{text}");
}

#[test]
fn markdown_shows_a_hostile_name_as_text() {
    let dir = TempDir::new().unwrap();
    let scenario = hostile_scenario(dir.path());
    let md = dir.path().join("bands.md");
    flopcast()
        .args([
            "run",
            scenario.to_str().unwrap(),
            "--runs",
            "2000",
            "--no-progress",
        ])
        .args(["--markdown", md.to_str().unwrap()])
        .assert()
        .success();
    let text = std::fs::read_to_string(&md).unwrap();
    let heading = text.lines().next().unwrap();
    assert!(heading.starts_with("## "), "{heading}");
    assert!(!text.contains("<script>"), "{text}");
    assert!(heading.contains("&lt;script&gt;"), "{heading}");
    no_control_characters(&text, "the Markdown");
}

#[test]
fn the_terminal_never_receives_control_characters_from_a_scenario() {
    let dir = TempDir::new().unwrap();
    let scenario = hostile_scenario(dir.path());
    let path = scenario.to_str().unwrap();
    for args in [
        vec!["run", path, "--runs", "2000", "--no-progress"],
        vec!["check", path, "--runs", "2000"],
        vec!["calibrate", path, "--runs", "2000"],
    ] {
        let out = stdout_of(&args);
        no_control_characters(&out, args[0]);
        assert!(out.contains("[2J"), "the rest of the name is kept:\n{out}");
    }
}

#[test]
fn the_html_report_escapes_a_hostile_name() {
    let dir = TempDir::new().unwrap();
    let scenario = hostile_scenario(dir.path());
    let html = dir.path().join("report.html");
    flopcast()
        .args([
            "report",
            scenario.to_str().unwrap(),
            "--runs",
            "2000",
            "--sobol-n",
            "256",
        ])
        .args(["-o", html.to_str().unwrap()])
        .assert()
        .success();
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(!text.contains("<script>"));
    assert!(text.contains("&lt;script&gt;"));
    no_control_characters(&text, "the HTML");
}

#[test]
fn the_scenario_file_shown_in_the_html_report_cannot_close_its_block() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("comment.toml");
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(LLAMA))
        .unwrap()
        .replacen(
            "\n",
            "\n# </pre></details><script>alert(1)</script>\u{202e}x\n",
            1,
        );
    std::fs::write(&path, text).unwrap();
    let html = dir.path().join("report.html");
    flopcast()
        .args(["report", path.to_str().unwrap(), "--runs", "2000"])
        .args(["--sobol-n", "256", "-o", html.to_str().unwrap()])
        .assert()
        .success();
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(!page.contains("<script>"));
    assert!(
        page.contains("# &lt;/pre&gt;&lt;/details&gt;&lt;script&gt;alert(1)&lt;/script&gt;x\n")
    );
    assert_eq!(page.matches("</pre>").count(), 1);
    no_control_characters(&page, "the HTML");
}

#[test]
fn an_error_quoting_the_file_shows_its_control_characters_without_sending_them() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("raw.toml");
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(LLAMA))
        .unwrap()
        .replace(
            "name = \"Llama 3.1 405B pre-training\"",
            "name = \"bad\u{1b}[2Jname\"",
        );
    std::fs::write(&path, text).unwrap();
    let out = flopcast()
        .args(["check", path.to_str().unwrap()])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let stderr = String::from_utf8(out).unwrap();
    no_control_characters(&stderr, "the error");
    assert!(stderr.contains("bad\u{241b}[2Jname"), "{stderr}");
}
