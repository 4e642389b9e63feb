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
