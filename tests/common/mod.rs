//! Helpers shared by the end-to-end tests.
// Each test binary uses its own subset of these.
#![allow(dead_code)]

use assert_cmd::Command;

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
