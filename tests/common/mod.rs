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

/// The binary's peak resident memory in bytes and its stderr; it must succeed. Run like
/// [`flopcast`]: from the crate root, without backtraces.
///
/// The peak is the child's VmHWM, read from /proc when it stops on its way out (ptrace's exit
/// event), while its memory is still mapped. (The ru_maxrss that wait4 reports would not do: it
/// counts the test process's own size, which the child had before it exec'd.)
// The child is reaped by waitpid below, not by std's wait.
#[allow(clippy::zombie_processes)]
pub fn peak_memory(args: &[&str]) -> (u64, String) {
    use std::process::{Command, Stdio};
    let stderr = tempfile::NamedTempFile::new().expect("a temporary file");
    let child = Command::new(env!("CARGO_BIN_EXE_flopcast"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RUST_BACKTRACE", "0")
        .env_remove("RUST_LIB_BACKTRACE")
        .stdout(Stdio::null())
        .stderr(stderr.reopen().expect("the temporary file reopens"))
        .spawn()
        .expect("the binary starts");
    let pid = child.id() as libc::pid_t;
    // SAFETY: plain system calls on our own child, which only this thread waits for.
    let seized = unsafe {
        libc::ptrace(
            libc::PTRACE_SEIZE,
            pid,
            0,
            libc::PTRACE_O_TRACEEXIT as libc::c_long,
        )
    };
    assert_eq!(seized, 0, "ptrace: {}", std::io::Error::last_os_error());
    let mut peak = None;
    let status = loop {
        let mut status = 0;
        let waited = unsafe { libc::waitpid(pid, &mut status, 0) };
        assert_eq!(waited, pid, "waitpid: {}", std::io::Error::last_os_error());
        if libc::WIFEXITED(status) || libc::WIFSIGNALED(status) {
            break status;
        }
        let event = status >> 16;
        let signal = if event == libc::PTRACE_EVENT_EXIT {
            peak = vm_hwm(pid);
            0
        } else if event != 0 {
            0
        } else {
            libc::WSTOPSIG(status)
        };
        unsafe { libc::ptrace(libc::PTRACE_CONT, pid, 0, signal as libc::c_long) };
    };
    let text = std::fs::read_to_string(stderr.path()).unwrap_or_default();
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{args:?} failed: {text}"
    );
    (peak.expect("VmHWM read at exit"), text)
}

/// The high-water mark of a process's resident memory, in bytes.
fn vm_hwm(pid: libc::pid_t) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
