//! End-to-end tests of the files the commands write: no output may replace an input or
//! another output, whatever the spelling; a failed or interrupted command changes no file and
//! leaves no temporary; a replaced file keeps its permissions, a symlink its target; a closed
//! or full stdout or stderr is an exit code, not a panic.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use tempfile::TempDir;

mod common;
use common::{LLAMA, copy_scenario, flopcast, flopcast_process, names_in};

const RUNS: &str = "2000";

/// A temporary directory holding a copy of the Llama scenario as `S.toml`.
fn workspace() -> (TempDir, PathBuf) {
    let dir = TempDir::new().unwrap();
    let scenario = copy_scenario(LLAMA, dir.path(), "S.toml");
    (dir, scenario)
}

/// Runs `args` in `dir`; asserts exit 1 without a panic and returns stderr.
fn refused_in(dir: &Path, args: &[&str]) -> String {
    let out = flopcast()
        .current_dir(dir)
        .args(args)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
    stderr
}

fn quick(command: &str) -> Vec<&str> {
    match command {
        "sensitivity" => vec![
            "sensitivity",
            "S.toml",
            "--runs",
            RUNS,
            "--sobol-n",
            "64",
            "--bootstrap",
            "0",
        ],
        "report" => vec!["report", "S.toml", "--runs", RUNS, "--sobol-n", "64"],
        "sweep" => vec![
            "sweep",
            "S.toml",
            "--set",
            "cluster.gpus=8192,16384",
            "--runs",
            RUNS,
        ],
        "compare" => vec!["compare", "A.toml", "S.toml", "--runs", RUNS],
        "calibrate" => vec!["calibrate", "S.toml", "--runs", RUNS],
        _ => vec!["run", "S.toml", "--runs", RUNS],
    }
}

// ---------------------------------------------------------------------------------------------
// An output may not be an input or another output

#[test]
fn an_output_equal_to_the_scenario_is_refused() {
    let (dir, scenario) = workspace();
    let before = fs::read(&scenario).unwrap();
    for flag in ["--csv", "--json", "--samples-csv", "--markdown"] {
        let mut args = quick("run");
        args.extend([flag, "S.toml"]);
        let stderr = refused_in(dir.path(), &args);
        assert!(
            stderr.contains(&format!("{flag} S.toml would overwrite the input S.toml")),
            "{flag}: {stderr}"
        );
        assert_eq!(
            fs::read(&scenario).unwrap(),
            before,
            "{flag} changed S.toml"
        );
    }
    assert_eq!(names_in(dir.path()), ["S.toml"]);
}

#[test]
fn every_spelling_of_the_scenario_is_refused() {
    let (dir, scenario) = workspace();
    let before = fs::read(&scenario).unwrap();
    fs::create_dir(dir.path().join("sub")).unwrap();
    std::os::unix::fs::symlink("S.toml", dir.path().join("link.csv")).unwrap();
    std::os::unix::fs::symlink("../S.toml", dir.path().join("sub/up.csv")).unwrap();
    let absolute = scenario.to_str().unwrap().to_string();
    for spelling in [
        "./S.toml",
        "sub/../S.toml",
        "./sub/./../S.toml",
        "link.csv",
        "sub/up.csv",
        absolute.as_str(),
    ] {
        let mut args = quick("run");
        args.extend(["--csv", spelling]);
        let stderr = refused_in(dir.path(), &args);
        assert!(
            stderr.contains(spelling) && stderr.contains("the input S.toml"),
            "{spelling}: {stderr}"
        );
        assert_eq!(fs::read(&scenario).unwrap(), before, "{spelling}");
    }
    assert!(
        fs::symlink_metadata(dir.path().join("link.csv"))
            .unwrap()
            .is_symlink()
    );
}

#[test]
fn every_command_refuses_to_overwrite_its_input() {
    let (dir, scenario) = workspace();
    let other = copy_scenario(LLAMA, dir.path(), "A.toml");
    let before = fs::read(&scenario).unwrap();
    let cases: [(&str, &[&str]); 10] = [
        ("report", &["-o", "S.toml"]),
        ("sensitivity", &["--csv", "S.toml"]),
        ("sensitivity", &["--json", "./S.toml"]),
        ("sweep", &["--csv", "S.toml"]),
        ("sweep", &["--json", "S.toml"]),
        ("compare", &["--csv", "S.toml"]),
        ("compare", &["--json", "A.toml"]),
        ("calibrate", &["--csv", "S.toml"]),
        ("run", &["--json", "S.toml"]),
        ("run", &["--markdown", "S.toml"]),
    ];
    for (command, flags) in cases {
        let mut args = quick(command);
        args.extend(flags);
        let stderr = refused_in(dir.path(), &args);
        assert!(
            stderr.contains("would overwrite the input"),
            "{args:?}: {stderr}"
        );
        assert_eq!(fs::read(&scenario).unwrap(), before, "{args:?}");
        assert_eq!(fs::read(&other).unwrap(), before, "{args:?}");
    }
    assert_eq!(names_in(dir.path()), ["A.toml", "S.toml"]);
}

#[test]
fn two_outputs_on_one_file_are_refused() {
    let (dir, _) = workspace();
    std::os::unix::fs::symlink("out.csv", dir.path().join("alias.csv")).unwrap();
    for (a, b) in [("out", "./out"), ("out.csv", "alias.csv")] {
        let mut args = quick("run");
        args.extend(["--csv", a, "--json", b]);
        let stderr = refused_in(dir.path(), &args);
        assert!(
            stderr.contains(&format!("--csv {a} and --json {b} are the same file")),
            "{stderr}"
        );
    }
    assert_eq!(names_in(dir.path()), ["S.toml", "alias.csv"]);
}

#[test]
fn a_chart_may_not_replace_an_input_or_another_output() {
    let (dir, _) = workspace();
    copy_scenario(LLAMA, dir.path(), "A.toml");
    // The scenario itself lives where a chart would go.
    fs::create_dir(dir.path().join("p")).unwrap();
    let inside = copy_scenario(LLAMA, &dir.path().join("p"), "total_cost_usd_histogram.svg");
    let before = fs::read(&inside).unwrap();
    let stderr = refused_in(
        dir.path(),
        &[
            "run",
            "p/total_cost_usd_histogram.svg",
            "--runs",
            RUNS,
            "--plots",
            "p",
        ],
    );
    assert!(stderr.contains("would overwrite the input"), "{stderr}");
    assert_eq!(fs::read(&inside).unwrap(), before);

    // A chart link leading to the scenario.
    fs::create_dir(dir.path().join("q")).unwrap();
    std::os::unix::fs::symlink("../S.toml", dir.path().join("q/tornado.svg")).unwrap();
    let mut args = quick("sensitivity");
    args.extend(["--plots", "q"]);
    let stderr = refused_in(dir.path(), &args);
    assert!(
        stderr.contains("--plots q/tornado.svg would overwrite the input S.toml"),
        "{stderr}"
    );

    // Another output where a chart goes, and a directory of charts on an output file.
    let mut args = quick("sweep");
    args.extend([
        "--csv",
        "p/cluster.csv",
        "--json",
        "p/total_cost_usd_fan.svg",
    ]);
    args.extend(["--plots", "p"]);
    let stderr = refused_in(dir.path(), &args);
    assert!(stderr.contains("are the same file"), "{stderr}");
    let mut args = quick("compare");
    args.extend(["--csv", "new", "--plots", "new"]);
    let stderr = refused_in(dir.path(), &args);
    assert!(
        stderr.contains("--plots new is also the file given to --csv new"),
        "{stderr}"
    );
    assert_eq!(names_in(dir.path()), ["A.toml", "S.toml", "p", "q"]);
    assert_eq!(
        names_in(&dir.path().join("p")),
        ["total_cost_usd_histogram.svg"]
    );
}

// ---------------------------------------------------------------------------------------------
// A failed command changes no file

#[test]
fn a_refused_command_leaves_no_new_chart_directory() {
    let (dir, _) = workspace();
    // Refused for memory only after the outputs were declared (and the directory created).
    let stderr = refused_in(
        dir.path(),
        &["run", "S.toml", "--runs", "1e15", "--plots", "new/charts"],
    );
    assert!(stderr.contains("memory"), "{stderr}");
    assert_eq!(names_in(dir.path()), ["S.toml"]);
}

/// `runuser -u nobody`, if this test runs as root with runuser at hand and the binary is
/// reachable by nobody: as root, permissions never stop a write.
fn as_nobody() -> Option<std::process::Command> {
    let bin = env!("CARGO_BIN_EXE_flopcast");
    let works = std::process::Command::new("runuser")
        .args(["-u", "nobody", "--", bin, "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !works {
        eprintln!("skipped: needs root, runuser and a binary nobody can run");
        return None;
    }
    let mut cmd = std::process::Command::new("runuser");
    cmd.args(["-u", "nobody", "--", bin])
        .env("RUST_BACKTRACE", "0");
    Some(cmd)
}

fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn one_unwritable_output_directory_leaves_every_other_output_as_it_was() {
    let Some(_) = as_nobody() else { return };
    let (dir, _) = workspace();
    chmod(dir.path(), 0o755);
    for sub in ["ok", "ro"] {
        fs::create_dir(dir.path().join(sub)).unwrap();
    }
    // nobody may replace files in ok/ but not create any in ro/.
    chmod(&dir.path().join("ok"), 0o777);
    chmod(&dir.path().join("ro"), 0o755);
    let good = dir.path().join("ok/out.csv");
    fs::write(&good, "a good file\n").unwrap();
    let cases: [&[&str]; 3] = [
        &["--csv", "ok/out.csv", "--samples-csv", "ro/s.csv"],
        &["--samples-csv", "ro/s.csv", "--csv", "ok/out.csv"],
        &["--csv", "ok/out.csv", "--plots", "ro/plots"],
    ];
    for flags in cases {
        let out = as_nobody()
            .unwrap()
            .current_dir(dir.path())
            .args(["run", "S.toml", "--runs", RUNS])
            .args(flags)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{flags:?}: {stderr}");
        assert!(
            stderr.contains("cannot write ro/") && stderr.contains("denied"),
            "{flags:?}: {stderr}"
        );
        assert_eq!(fs::read_to_string(&good).unwrap(), "a good file\n");
        assert_eq!(names_in(&dir.path().join("ok")), ["out.csv"], "{flags:?}");
        assert!(names_in(&dir.path().join("ro")).is_empty(), "{flags:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// An interrupt removes the temporaries

fn temporaries_in(dir: &Path) -> Vec<String> {
    names_in(dir)
        .into_iter()
        .filter(|n| n.starts_with(".flopcast-") && n.ends_with(".tmp"))
        .collect()
}

#[test]
fn an_interrupted_samples_csv_leaves_no_temporary() {
    for signal in ["TERM", "INT"] {
        let dir = TempDir::new().unwrap();
        let samples = dir.path().join("samples.csv");
        let mut child = flopcast_process()
            .args([
                "run",
                LLAMA,
                "--runs",
                "2M",
                "--no-progress",
                "--samples-csv",
            ])
            .arg(&samples)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Wait until the samples are being written: their temporary has content.
        let give_up = Instant::now() + Duration::from_secs(300);
        loop {
            let growing = temporaries_in(dir.path())
                .iter()
                .any(|n| fs::metadata(dir.path().join(n)).is_ok_and(|m| m.len() > 0));
            if growing {
                break;
            }
            assert!(
                child.try_wait().unwrap().is_none(),
                "the run ended before it could be interrupted"
            );
            assert!(Instant::now() < give_up, "no temporary appeared");
            std::thread::sleep(Duration::from_millis(10));
        }
        let killed = std::process::Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = child.wait().unwrap();
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        assert_eq!(status.code(), Some(130), "SIG{signal}: {stderr}");
        assert!(
            stderr.contains("interrupted: removed 1"),
            "SIG{signal}: {stderr}"
        );
        assert!(
            names_in(dir.path()).is_empty(),
            "SIG{signal} left {:?}",
            names_in(dir.path())
        );
    }
}

#[test]
fn the_help_says_how_to_clean_up_after_a_hard_kill() {
    let help = common::stdout_of(&["run", "--help"]);
    assert!(help.contains(".flopcast-*.tmp"), "{help}");
}

// ---------------------------------------------------------------------------------------------
// A replaced file keeps its permissions; a symlink keeps its target

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

#[test]
fn a_replaced_output_keeps_its_permissions_and_a_new_one_is_0644() {
    let (dir, _) = workspace();
    let private = dir.path().join("private.csv");
    fs::write(&private, "old").unwrap();
    chmod(&private, 0o600);
    let mut args = quick("run");
    args.extend(["--csv", "private.csv", "--json", "new.json"]);
    flopcast()
        .current_dir(dir.path())
        .args(&args)
        .assert()
        .success();
    assert!(fs::read_to_string(&private).unwrap().starts_with("metric,"));
    assert_eq!(mode(&private), 0o600);
    assert_eq!(mode(&dir.path().join("new.json")), 0o644);
}

#[test]
fn an_output_that_is_a_symlink_is_written_through_to_its_target() {
    let (dir, _) = workspace();
    fs::create_dir(dir.path().join("real")).unwrap();
    let target = dir.path().join("real/bands.csv");
    fs::write(&target, "old").unwrap();
    chmod(&target, 0o640);
    std::os::unix::fs::symlink("real/bands.csv", dir.path().join("bands.csv")).unwrap();
    // A link to a file not yet there creates it.
    std::os::unix::fs::symlink("real/new.json", dir.path().join("bands.json")).unwrap();
    let mut args = quick("run");
    args.extend(["--csv", "bands.csv", "--json", "bands.json"]);
    flopcast()
        .current_dir(dir.path())
        .args(&args)
        .assert()
        .success();
    for (link, to) in [
        ("bands.csv", "real/bands.csv"),
        ("bands.json", "real/new.json"),
    ] {
        let link = dir.path().join(link);
        assert!(
            fs::symlink_metadata(&link).unwrap().is_symlink(),
            "{link:?}"
        );
        assert_eq!(fs::read_link(&link).unwrap(), Path::new(to));
    }
    assert!(fs::read_to_string(&target).unwrap().starts_with("metric,"));
    assert_eq!(mode(&target), 0o640);
    assert!(
        fs::read_to_string(dir.path().join("real/new.json"))
            .unwrap()
            .starts_with('{')
    );
    assert_eq!(
        names_in(&dir.path().join("real")),
        ["bands.csv", "new.json"]
    );
}

// ---------------------------------------------------------------------------------------------
// A closed or full stdout or stderr

fn dev_full() -> Option<fs::File> {
    fs::OpenOptions::new().write(true).open("/dev/full").ok()
}

#[test]
fn an_error_on_a_full_stderr_exits_1_not_101() {
    let Some(full) = dev_full() else { return };
    let status = flopcast_process()
        .args(["run", "no-such-scenario.toml"])
        .stderr(full)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
}

#[test]
fn an_error_on_a_closed_stderr_exits_1_not_101() {
    let mut child = flopcast_process()
        .args(["run", "no-such-scenario.toml"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    assert_eq!(child.wait().unwrap().code(), Some(1));
}

#[test]
fn a_full_stdout_is_an_error() {
    let Some(full) = dev_full() else { return };
    for args in [&["run", LLAMA, "--runs", RUNS][..], &["--help"]] {
        let out = flopcast_process()
            .args(args)
            .stdout(full.try_clone().unwrap())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("cannot write to standard output"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn a_reader_that_leaves_early_ends_the_output_quietly() {
    let mut child = flopcast_process()
        .args(["run", LLAMA, "--runs", RUNS])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_file_output_with_a_trailing_slash_is_refused() {
    // `--csv out.csv/` wrote a regular file out.csv with exit 0.
    let (dir, _) = workspace();
    fs::copy(dir.path().join("S.toml"), dir.path().join("A.toml")).unwrap();
    for (command, flag) in [
        ("run", "--csv"),
        ("run", "--json"),
        ("sensitivity", "--csv"),
        ("compare", "--csv"),
        ("report", "-o"),
    ] {
        let mut args = quick(command);
        args.extend([flag, "out.csv/"]);
        let out = flopcast()
            .current_dir(dir.path())
            .args(&args)
            .assert()
            .code(2)
            .get_output()
            .clone();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(
            stderr.contains(&format!("{flag} out.csv/ names a directory")),
            "{args:?}: {stderr}"
        );
        assert_eq!(names_in(dir.path()), ["A.toml", "S.toml"], "{args:?}");
    }
}
