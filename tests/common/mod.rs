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

/// The smallest valid scenario: every figure fixed. Tests edit one line of it with [`minimal_with`].
pub const MINIMAL: &str = r#"name = "test plan"

[model]
params = 405e9
tokens = 15.6e12

[cluster]
gpus = 16384
peak_tflops = 989
mfu = 0.4

[cost]
gpu_hour_usd = 2
"#;

/// Inputs correlated through the copula (no bundled scenario correlates any).
pub const CORRELATED: &str = r#"
name = "correlated"
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
[[correlation]]
between = ["cluster.mfu", "cluster.downtime"]
spearman = -0.4
"#;

/// Writes [`CORRELATED`] into `dir`; its path.
pub fn correlated_in(dir: &Path) -> String {
    let path = dir.join("correlated.toml");
    fs::write(&path, CORRELATED).expect("a writable directory");
    path.to_str().expect("a UTF-8 path").to_string()
}

/// [`MINIMAL`] with `from` (which must occur once) replaced by `to`.
pub fn minimal_with(from: &str, to: &str) -> String {
    assert_eq!(MINIMAL.matches(from).count(), 1, "{from:?} occurs once");
    MINIMAL.replacen(from, to, 1)
}

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

// Summaries and documents the commands write.

pub const METRICS: [&str; 6] = [
    "train_flops",
    "train_days",
    "gpu_hours",
    "compute_cost_usd",
    "labor_cost_usd",
    "total_cost_usd",
];

/// A parsed summary CSV: the header and one (metric, values) row per line.
pub struct SummaryCsv {
    pub header: String,
    pub rows: Vec<(String, Vec<f64>)>,
}

pub fn read_summary_csv(path: &Path) -> SummaryCsv {
    let text = fs::read_to_string(path).expect("CSV written");
    let mut lines = text.lines();
    let header = lines.next().expect("a header").to_string();
    let columns = header.split(',').count();
    let rows = lines
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            assert_eq!(
                cells.len(),
                columns,
                "row {line:?} has as many cells as the header {header:?}"
            );
            let values = cells[1..]
                .iter()
                .map(|c| {
                    let x: f64 = c
                        .parse()
                        .unwrap_or_else(|_| panic!("`{c}` in {line:?} is a number"));
                    assert!(x.is_finite(), "`{c}` in {line:?} is finite");
                    x
                })
                .collect();
            (cells[0].to_string(), values)
        })
        .collect();
    SummaryCsv { header, rows }
}

impl SummaryCsv {
    pub fn row(&self, metric: &str) -> &[f64] {
        &self
            .rows
            .iter()
            .find(|(m, _)| m == metric)
            .unwrap_or_else(|| panic!("row {metric}"))
            .1
    }
}

pub fn assert_close(what: &str, got: f64, want: f64, rel: f64) {
    assert!(
        (got - want).abs() <= rel * want.abs(),
        "{what}: got {got}, want {want} (relative tolerance {rel})"
    );
}

/// A CSV file's rows, each as column name → cell.
#[allow(dead_code)]
pub fn csv_records(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).expect("CSV written");
    let header = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .map(String::from)
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(path).expect("JSON written")).expect("valid JSON")
}

pub fn num(v: &serde_json::Value, what: &str) -> f64 {
    v.as_f64()
        .unwrap_or_else(|| panic!("{what} is a number, got {v}"))
}

/// An estimate's value, standard error and interval, checking it has every field of one.
pub fn estimate(v: &serde_json::Value, what: &str) -> (f64, f64, f64, f64) {
    assert!(v["reliable"].is_boolean(), "{what}: `reliable` in {v}");
    (
        num(&v["value"], what),
        num(&v["se"], what),
        num(&v["ci95_lo"], what),
        num(&v["ci95_hi"], what),
    )
}
