//! Output files are never clobbered: an output that is an input, or another output, is refused.

use std::fs;

use tempfile::TempDir;

mod common;
use common::*;

#[test]
fn a_failed_run_keeps_the_previous_output_file() {
    let dir = TempDir::new().unwrap();
    let csv = dir.path().join("bands.csv");
    stdout_of(&["run", LLAMA, "--runs", "20000", "--csv", path_str(&csv)]);
    let before = fs::read(&csv).unwrap();
    assert!(before.starts_with(b"metric,mean,sd,"));

    let bad = dir.path().join("bad.toml");
    fs::write(&bad, minimal_with("mfu = 0.4", "mfu = 40")).unwrap();
    stderr_of_failure(flopcast().args([
        "run",
        path_str(&bad),
        "--runs",
        "20000",
        "--csv",
        path_str(&csv),
    ]));
    assert_eq!(
        fs::read(&csv).unwrap(),
        before,
        "the CSV changed after a failed run"
    );

    // Nor does a bad flag touch it.
    flopcast()
        .args(["run", LLAMA, "--runs", "0", "--csv", path_str(&csv)])
        .assert()
        .failure();
    assert_eq!(fs::read(&csv).unwrap(), before);
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "no temporary files left: {names:?}");
}

#[test]
fn an_unwritable_output_path_fails_before_simulating() {
    let missing = "/nonexistent-dir/x.csv";
    for flag in ["--csv", "--json", "--samples-csv", "--markdown"] {
        let stderr =
            stderr_of_failure(flopcast().args(["run", LLAMA, "--runs", "20000", flag, missing]));
        assert!(
            stderr.starts_with(&format!("error: cannot write {missing}")),
            "{flag}: {stderr}"
        );
        assert!(stderr.contains("/nonexistent-dir"), "{stderr}");
    }
    // Checked before anything else: even a run far too large to simulate reports the path.
    let stderr =
        stderr_of_failure(flopcast().args(["run", LLAMA, "--runs", "1e15", "--csv", missing]));
    assert!(
        stderr.contains(missing) && !stderr.contains("memory"),
        "{stderr}"
    );

    // A directory is not a file either.
    let dir = TempDir::new().unwrap();
    let stderr = stderr_of_failure(flopcast().args([
        "run",
        LLAMA,
        "--runs",
        "20000",
        "--csv",
        path_str(dir.path()),
    ]));
    assert!(
        stderr.contains(path_str(dir.path())) && stderr.contains("directory"),
        "{stderr}"
    );
}
