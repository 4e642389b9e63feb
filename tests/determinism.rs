//! Same scenario and seed, the same bytes: whatever the thread count, run after run.

use std::fs;

use tempfile::TempDir;

mod common;
use common::*;

#[test]
fn output_does_not_depend_on_the_thread_count() {
    let dir = TempDir::new().unwrap();
    let run = |threads: &str| {
        let csv = dir.path().join(format!("bands-{threads}.csv"));
        let json = dir.path().join(format!("bands-{threads}.json"));
        let stdout = stdout_of(&[
            "run",
            LLAMA,
            "--runs",
            "300000",
            "--threads",
            threads,
            "--budget",
            "110M",
            "--deadline",
            "80",
            "--csv",
            path_str(&csv),
            "--json",
            path_str(&json),
        ]);
        (stdout, fs::read(&csv).unwrap(), fs::read(&json).unwrap())
    };
    let (out1, csv1, json1) = run("1");
    let (out2, csv2, json2) = run("2");
    assert!(out1.contains("300,000 runs"), "{out1}");
    assert_eq!(
        out1, out2,
        "stdout differs between --threads 1 and --threads 2"
    );
    assert_eq!(
        csv1, csv2,
        "--csv differs between --threads 1 and --threads 2"
    );
    assert_eq!(
        json1, json2,
        "--json differs between --threads 1 and --threads 2"
    );
    assert!(csv1.starts_with(b"metric,mean,sd,"));
    assert!(json1.starts_with(b"{"));
}

#[test]
fn samples_csv_does_not_depend_on_the_thread_count() {
    // 70,000 runs span two chunks of 65,536.
    let dir = TempDir::new().unwrap();
    let run = |threads: &str| {
        let path = dir.path().join(format!("runs-{threads}.csv"));
        stdout_of(&[
            "run",
            LLAMA,
            "--runs",
            "70000",
            "--threads",
            threads,
            "--samples-csv",
            path_str(&path),
        ]);
        fs::read(&path).unwrap()
    };
    let one = run("1");
    let two = run("2");
    assert_eq!(one.iter().filter(|&&b| b == b'\n').count(), 70_001);
    assert!(
        one == two,
        "--samples-csv differs between --threads 1 and --threads 2"
    );
}

#[test]
fn a_different_seed_gives_a_different_result() {
    let dir = TempDir::new().unwrap();
    let run = |seed: &str| {
        let path = dir.path().join(format!("seed-{seed}.csv"));
        let out = stdout_of(&[
            "run",
            LLAMA,
            "--runs",
            "50000",
            "--seed",
            seed,
            "--csv",
            path_str(&path),
        ]);
        assert!(out.contains(&format!("seed {seed}")), "{out}");
        fs::read(&path).unwrap()
    };
    let a = run("42");
    let again = run("42");
    let b = run("7");
    assert_eq!(a, again, "the same seed gives the same CSV");
    assert_ne!(a, b, "seeds 42 and 7 give the same CSV");
}

#[test]
fn output_does_not_depend_on_the_vector_instructions() {
    // FLOPCAST_SIMD holds every vectorised loop to a narrower instruction set than the CPU's:
    // each gives the same bytes (those the machine lacks fall back to its widest).
    let run = |level: &str| {
        let out = flopcast()
            .env("FLOPCAST_SIMD", level)
            .args(["run", LLAMA, "--runs", "200000", "--sampling", "qmc"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{level}: {out:?}");
        out.stdout
    };
    let widest = run("avx512");
    for level in ["baseline", "avx2"] {
        assert_eq!(run(level), widest, "{level} differs from avx512");
    }
}

#[test]
fn an_unknown_instruction_set_is_refused() {
    let out = flopcast()
        .env("FLOPCAST_SIMD", "neon")
        .args(["run", LLAMA, "--runs", "1000"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("FLOPCAST_SIMD=neon") && err.contains("baseline, avx2 or avx512"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}
