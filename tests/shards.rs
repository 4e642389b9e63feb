//! `run --shard I/N --save PART` and `merge`: a run computed in parts gives, merged, what one
//! process prints and writes, byte for byte; parts that do not make one run are refused by name.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{FAILURES, LLAMA, flopcast};

const GOALS: [&str; 4] = ["--budget", "100M", "--deadline", "80"];

/// Saves shards 1..=n of `run` with `args`, in `dir`; the part files.
fn save_parts(args: &[&str], n: u64, dir: &Path) -> Vec<PathBuf> {
    save_parts_of("run", args, n, dir)
}

/// Saves shards 1..=n of `command` (`run` or `sweep`) with `args`, in `dir`; the part files.
fn save_parts_of(command: &str, args: &[&str], n: u64, dir: &Path) -> Vec<PathBuf> {
    (1..=n)
        .map(|i| {
            let part = dir.join(format!("{command}-{i}.bin"));
            let shard = format!("{i}/{n}");
            let mut all = vec![command];
            all.extend(args);
            all.extend([
                "--shard",
                &shard,
                "--save",
                part.to_str().unwrap(),
                "--no-progress",
            ]);
            flopcast().args(&all).assert().success();
            part
        })
        .collect()
}

/// Stdout and every file a command writes (`--json`, `--csv`, `--markdown`, `--chances-csv`).
fn everything(command: &[&str], dir: &Path, tag: &str) -> Vec<String> {
    let files: Vec<(&str, PathBuf)> = ["--json", "--csv", "--markdown", "--chances-csv"]
        .iter()
        .map(|f| (*f, dir.join(format!("{tag}{}", f.trim_start_matches('-')))))
        .collect();
    let mut all = command.to_vec();
    for (flag, path) in &files {
        all.extend([*flag, path.to_str().unwrap()]);
    }
    let out = flopcast()
        .args(&all)
        .assert()
        .success()
        .get_output()
        .clone();
    let mut got = vec![String::from_utf8(out.stdout).unwrap()];
    got.extend(files.iter().map(|(_, p)| fs::read_to_string(p).unwrap()));
    got
}

#[test]
fn merged_parts_give_one_process_output_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let correlated = common::correlated_in(dir.path());
    let correlated = correlated.as_str();
    // The contract plan has a start date: its spend by period is merged too.
    let contract = "scenarios/plan-70b-h100-contract.toml";
    for scenario in [LLAMA, FAILURES, correlated, contract] {
        for sampling in ["mc", "qmc"] {
            let mut args = vec![scenario, "--runs", "600000", "--sampling", sampling];
            args.extend(GOALS);
            let mut single = vec!["run"];
            single.extend(&args);
            single.push("--no-progress");
            let want = everything(&single, dir.path(), "single.");
            for n in [1, 2, 7] {
                let parts = save_parts(&args, n, dir.path());
                let mut merge = vec!["merge"];
                merge.extend(parts.iter().map(|p| p.to_str().unwrap()));
                let got = everything(&merge, dir.path(), "merged.");
                assert_eq!(got, want, "{scenario} {sampling}, {n} shards");
            }
        }
    }
}

#[test]
fn merged_parts_write_the_spend_by_month_one_process_writes() {
    let dir = tempfile::tempdir().unwrap();
    let contract = "scenarios/plan-70b-h100-contract.toml";
    let args = [contract, "--runs", "200000"];
    let single = dir.path().join("single.csv");
    let mut run = vec![
        "run",
        "--no-progress",
        "--spend-csv",
        single.to_str().unwrap(),
    ];
    run.extend(args);
    flopcast().args(&run).assert().success();
    let parts = save_parts(&args, 3, dir.path());
    let merged = dir.path().join("merged.csv");
    let mut merge = vec!["merge", "--spend-csv", merged.to_str().unwrap()];
    merge.extend(parts.iter().map(|p| p.to_str().unwrap()));
    flopcast().args(&merge).assert().success();
    let want = fs::read_to_string(single).unwrap();
    assert!(want.lines().count() > 10, "{want}");
    assert_eq!(fs::read_to_string(&merged).unwrap(), want);
    // Without a start date there are no months to lay the spend out in.
    let parts = save_parts(&[LLAMA, "--runs", "100000"], 2, dir.path());
    let mut merge = vec!["merge", "--spend-csv", merged.to_str().unwrap()];
    merge.extend(parts.iter().map(|p| p.to_str().unwrap()));
    let out = flopcast()
        .args(&merge)
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(String::from_utf8_lossy(&out.stderr).contains("[schedule] start"));
}

#[test]
fn the_order_of_the_parts_and_the_thread_counts_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let args = [LLAMA, "--runs", "300000", "--threads", "1"];
    let parts = save_parts(&args, 3, dir.path());
    let p: Vec<&str> = parts.iter().rev().map(|p| p.to_str().unwrap()).collect();
    let merged = common::stdout_of(&["merge", p[0], p[1], p[2], "--threads", "2"]);
    let single = common::stdout_of(&["run", LLAMA, "--runs", "300000", "--no-progress"]);
    assert_eq!(merged, single);
}

/// Stderr of a merge that must fail with exit code 1.
fn refused(parts: &[&Path]) -> String {
    let mut args = vec!["merge"];
    args.extend(parts.iter().map(|p| p.to_str().unwrap()));
    let out = flopcast().args(&args).assert().code(1).get_output().clone();
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn parts_that_do_not_make_one_run_are_refused_naming_the_part() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let scenario = d.join("plan.toml");
    fs::copy(llama_path(), &scenario).unwrap();
    let args = [scenario.to_str().unwrap(), "--runs", "300000"];
    let parts = save_parts(&args, 3, d);
    let other = d.join("other.bin");
    let shard = [
        "run", args[0], "--runs", "300000", "--seed", "7", "--shard", "2/3",
    ];
    let mut save = shard.to_vec();
    save.extend(["--save", other.to_str().unwrap()]);
    flopcast().args(&save).assert().success();

    let e = refused(&[&parts[0], &other, &parts[2]]);
    assert!(
        e.contains("other.bin does not belong with") && e.contains("its seed is 7, not 42"),
        "{e}"
    );
    let copy = d.join("copy.bin");
    fs::copy(&parts[1], &copy).unwrap();
    let e = refused(&[&parts[0], &parts[1], &copy, &parts[2]]);
    assert!(e.contains("are both shard 2 of 3"), "{e}");
    let e = refused(&[&parts[0], &parts[2]]);
    assert!(e.contains("shard 2 of 3 is missing"), "{e}");
    let text = d.join("notes.txt");
    fs::write(&text, "hello").unwrap();
    let e = refused(&[&text]);
    assert!(e.contains("notes.txt is not a flopcast part"), "{e}");
    let bytes = fs::read(&parts[1]).unwrap();
    let cut = d.join("cut.bin");
    fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let e = refused(&[&parts[0], &cut, &parts[2]]);
    assert!(
        e.contains("cut.bin is not a flopcast part") && e.contains("cut short"),
        "{e}"
    );
    // The scenario edited after the shards ran: their figures are not its.
    let edited = fs::read_to_string(&scenario).unwrap() + "\n# edited\n";
    fs::write(&scenario, edited).unwrap();
    let e = refused(&[&parts[0], &parts[1], &parts[2]]);
    assert!(e.contains("has changed since the parts were saved"), "{e}");
}

fn llama_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(LLAMA)
}

#[test]
fn shard_auto_reads_slurm_and_kubernetes_indices() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let args = [LLAMA, "--runs", "300000"];
    let want = save_parts(&args, 4, d);
    let auto = |vars: &[(&str, &str)], extra: &[&str], name: &str| {
        let part = d.join(name);
        let mut all = vec!["run", LLAMA, "--runs", "300000", "--shard", "auto"];
        all.extend(extra);
        all.extend(["--save", part.to_str().unwrap()]);
        let mut cmd = flopcast();
        for (k, v) in vars {
            cmd.env(k, v);
        }
        cmd.args(&all).assert().success();
        fs::read(part).unwrap()
    };
    // sbatch --array=1-4: task 3 is the third shard.
    let slurm = [
        ("SLURM_ARRAY_TASK_ID", "3"),
        ("SLURM_ARRAY_TASK_MIN", "1"),
        ("SLURM_ARRAY_TASK_COUNT", "4"),
    ];
    assert_eq!(auto(&slurm, &[], "slurm.bin"), fs::read(&want[2]).unwrap());
    // An Indexed Job counts from 0.
    let k8s = [("JOB_COMPLETION_INDEX", "0")];
    let got = auto(&k8s, &["--shard-count", "4"], "k8s.bin");
    assert_eq!(got, fs::read(&want[0]).unwrap());
    let out = flopcast()
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .args([
            "run",
            LLAMA,
            "--shard",
            "auto",
            "--save",
            d.join("x.bin").to_str().unwrap(),
        ])
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("found neither a Slurm job array")
    );
}

#[test]
fn bad_shard_flags_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().join("p.bin");
    let save = save.to_str().unwrap();
    let cases: [(&[&str], i32, &str); 5] = [
        (&["--shard", "0/4", "--save", save], 2, "not a shard"),
        (&["--shard", "5/4", "--save", save], 2, "not a shard"),
        (&["--shard", "1/4"], 2, "--save"),
        (
            &["--shard", "1/4", "--save", save, "--csv", "x.csv"],
            2,
            "cannot be used with",
        ),
        (
            &["--shard", "1/40", "--save", save, "--runs", "100000"],
            2,
            "at most 2 shards",
        ),
    ];
    for (flags, code, message) in cases {
        let mut args = vec!["run", LLAMA];
        args.extend(flags);
        let out = flopcast()
            .args(&args)
            .assert()
            .code(code)
            .get_output()
            .clone();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains(message), "{flags:?}: {stderr}");
    }
    assert!(!Path::new(save).exists());
}

#[test]
fn a_sweep_sharded_by_points_merges_to_one_process_output() {
    let dir = tempfile::tempdir().unwrap();
    let correlated = common::correlated_in(dir.path());
    let correlated = correlated.as_str();
    let gpus = "cluster.gpus=4096,6144,8192,12288,16384,20480,24576";
    for scenario in [FAILURES, correlated] {
        let mut args = vec![scenario, "--set", gpus, "--runs", "100000"];
        args.extend(GOALS);
        let files =
            |tag: &str| ["json", "csv", "markdown"].map(|f| dir.path().join(format!("{tag}.{f}")));
        let with_files = |mut command: Vec<String>, tag: &str| {
            for (flag, path) in ["--json", "--csv", "--markdown"].iter().zip(files(tag)) {
                command.extend([flag.to_string(), path.to_str().unwrap().to_string()]);
            }
            let out = flopcast()
                .args(&command)
                .assert()
                .success()
                .get_output()
                .clone();
            let mut got = vec![String::from_utf8(out.stdout).unwrap()];
            got.extend(files(tag).iter().map(|p| fs::read_to_string(p).unwrap()));
            got
        };
        let mut single: Vec<String> = vec!["sweep".into()];
        single.extend(args.iter().map(|a| a.to_string()));
        single.push("--no-progress".into());
        let want = with_files(single, "single");
        for n in [1, 2, 7] {
            let parts = save_parts_of("sweep", &args, n, dir.path());
            let mut merge: Vec<String> = vec!["merge".into()];
            merge.extend(parts.iter().map(|p| p.to_str().unwrap().to_string()));
            assert_eq!(with_files(merge, "merged"), want, "{scenario}, {n} shards");
        }
    }
}

#[test]
fn parts_of_a_run_and_of_a_sweep_do_not_merge() {
    let dir = tempfile::tempdir().unwrap();
    let run = save_parts(&[LLAMA, "--runs", "200000"], 2, dir.path());
    let sweep = save_parts_of(
        "sweep",
        &[
            LLAMA,
            "--set",
            "cluster.gpus=8192,16384",
            "--runs",
            "200000",
        ],
        2,
        dir.path(),
    );
    let e = refused(&[&run[0], &sweep[1]]);
    assert!(e.contains("its command is sweep, not run"), "{e}");
    let out = flopcast()
        .args([
            "sweep",
            LLAMA,
            "--set",
            "cluster.gpus=8192,16384",
            "--shard",
            "3/3",
        ])
        .args(["--save", dir.path().join("x.bin").to_str().unwrap()])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("a shard is at least one point")
    );
}
