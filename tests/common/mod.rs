//! Helpers shared by the end-to-end tests.
// Each test binary uses its own subset of these.
#![allow(dead_code)]

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

pub const LLAMA: &str = "scenarios/llama-3.1-405b.toml";
pub const ARTICLE: &str = "scenarios/llama-3.1-405b-article.toml";
pub const DEEPSEEK: &str = "scenarios/deepseek-v3.toml";
pub const FAILURES: &str = "scenarios/llama-3.1-405b-failures.toml";

/// The binary, run from the crate root (so `scenarios/...` resolves) with backtraces off, so a
/// panic shows as "panicked" and nothing else leaks into stderr.
pub fn flopcast() -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("flopcast");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RUST_BACKTRACE", "0")
        .env_remove("RUST_LIB_BACKTRACE");
    cmd
}

/// Stdout of a command that must succeed.
pub fn stdout_of(args: &[&str]) -> String {
    let out = flopcast()
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).expect("stdout is UTF-8")
}

/// The binary as a plain process, for tests that wire its stdout or stderr to something other
/// than a capture (a full device, a closed pipe) or signal it.
pub fn flopcast_process() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_flopcast"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RUST_BACKTRACE", "0")
        .env_remove("RUST_LIB_BACKTRACE");
    cmd
}

/// A copy of a bundled scenario as `dir/name`.
pub fn copy_scenario(from: &str, dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    let to = dir.join(name);
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(from),
        &to,
    )
    .expect("copy a bundled scenario");
    to
}

/// The file names in `dir`, sorted (hidden ones too: temporaries start with a dot).
pub fn names_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("readable directory")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Stderr of a command that must fail without a panic and with nothing on stdout.
pub fn stderr_of_failure(cmd: &mut Command) -> String {
    let out = cmd
        .assert()
        .failure()
        .stderr(predicate::str::contains("panicked").not())
        .get_output()
        .clone();
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout after an error, got {:?}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stderr).expect("stderr is UTF-8")
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temporary path")
}

/// Writes `text` as a scenario, runs it with `--csv` and expects a located error that mentions
/// every string of `expect`; `check` must fail with the same message. Returns stderr.
pub fn assert_bad_scenario(text: &str, (line, col): (usize, usize), expect: &[&str]) -> String {
    let dir = TempDir::new().unwrap();
    let scenario = dir.path().join("plan.toml");
    fs::write(&scenario, text).unwrap();
    let csv = dir.path().join("out.csv");
    let stderr = stderr_of_failure(flopcast().args([
        "run",
        path_str(&scenario),
        "--runs",
        "1000",
        "--csv",
        path_str(&csv),
    ]));
    assert!(stderr.starts_with("error: "), "{stderr}");
    let location = format!("{}:{line}:{col}", scenario.display());
    assert!(
        stderr.contains(&location),
        "expected {location} in:\n{stderr}"
    );
    for want in expect {
        assert!(stderr.contains(want), "expected {want:?} in:\n{stderr}");
    }
    assert!(!csv.exists(), "no output file after an error");
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left behind"
    );
    let check =
        stderr_of_failure(flopcast().args(["check", path_str(&scenario), "--runs", "1000"]));
    assert_eq!(check, stderr, "check reports the same error as run");
    stderr
}
