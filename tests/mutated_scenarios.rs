//! Whatever a scenario file says, every subcommand answers with finite figures or with an
//! error: never a panic, a hang, a non-finite figure printed with exit 0, or a file written by a
//! run that failed.
//!
//! The bundled scenarios are mutated (bytes, lines, keys, and numbers swapped for 0, negative,
//! subnormal, huge, NaN and infinite values) and put through every subcommand for a bounded time.
//! `FLOPCAST_FUZZ_SECONDS` sets the time (default 45), `FLOPCAST_FUZZ_SEED` the sequence; the
//! cases are the same prefix of one sequence whatever the time, and a failure prints the mutated
//! file and the command line, and saves them under the target directory to replay.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SCENARIOS: [&str; 4] = [
    "scenarios/llama-3.1-405b.toml",
    "scenarios/llama-3.1-405b-article.toml",
    "scenarios/llama-3.1-405b-failures.toml",
    "scenarios/deepseek-v3.toml",
];

/// Values a careless or hostile file may hold in place of any number.
const ODD_NUMBERS: [&str; 22] = [
    "0",
    "-0.0",
    "-1",
    "-1e300",
    "1e-320",
    "5e-324",
    "2.2e-308",
    "1e-300",
    "1e300",
    "1.7976931348623157e308",
    "1e30",
    "nan",
    "inf",
    "-inf",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551615",
    "0.999999999999",
    "1.0000000001",
    "\"1e-320 to 1\"",
    "\"1,5 to 2,5\"",
    "\"5 to 5\"",
];

/// Values for the command line's own numbers, some of them bad flags.
const ODD_FLAGS: [&str; 12] = [
    "0", "-1", "1,5M", "5m", "1e-300", "nan", "inf", "1e300", "0.5", "1_000", "$", "",
];

/// Odd sizes: each either refused or small enough to finish at once.
const ODD_SIZES: [&str; 10] = [
    "0", "-1", "1,5", "1e-300", "nan", "inf", "1e300", "2.5", "1_000", "",
];

/// A small, fixed generator: the sequence of cases must not depend on any crate's version.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Byte ranges of the number literals in a TOML text (outside comments).
fn number_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'#' {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        let starts_number = bytes[i].is_ascii_digit()
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_'));
        if starts_number {
            let start = i;
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'.' | b'_' | b'+'))
            {
                i += 1;
            }
            spans.push((start, i));
        } else {
            i += 1;
        }
    }
    spans
}

fn swap_number(text: &str, rng: &mut SplitMix) -> Vec<u8> {
    let spans = number_spans(text);
    if spans.is_empty() {
        return text.as_bytes().to_vec();
    }
    let (start, end) = *rng.pick(&spans);
    let inside_string = text[..start].matches('"').count() % 2 == 1;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    // Digits in names and sources are text, not figures; "A to B" strings are figures.
    if inside_string && !text[line_start..line_end].contains(" to ") {
        return text.as_bytes().to_vec();
    }
    let mut value = rng.pick(&ODD_NUMBERS).to_string();
    if inside_string {
        value = value.trim_matches('"').to_string();
    }
    [&text[..start], &value, &text[end..]].concat().into_bytes()
}

fn mutate_lines(text: &str, rng: &mut SplitMix) -> Vec<u8> {
    let mut lines: Vec<&str> = text.lines().collect();
    if lines.is_empty() {
        return Vec::new();
    }
    let i = rng.below(lines.len());
    let j = rng.below(lines.len());
    match rng.below(3) {
        0 => {
            lines.remove(i);
        }
        1 => lines.insert(j, lines[i]),
        _ => lines.swap(i, j),
    }
    (lines.join("\n") + "\n").into_bytes()
}

/// Renames a key (a typo), or gives a section or key a name TOML forbids twice.
fn mutate_key(text: &str, rng: &mut SplitMix) -> Vec<u8> {
    let keys: Vec<usize> = text
        .match_indices(" = ")
        .map(|(i, _)| i)
        .filter(|&i| text[..i].rfind('\n').is_some())
        .collect();
    if keys.is_empty() {
        return text.as_bytes().to_vec();
    }
    let at = *rng.pick(&keys);
    let suffix = *rng.pick(&["_x", "s", "", "-", ".a"]);
    [&text[..at], suffix, &text[at..]].concat().into_bytes()
}

fn mutate_bytes(bytes: &[u8], rng: &mut SplitMix) -> Vec<u8> {
    let mut out = bytes.to_vec();
    if out.is_empty() {
        return out;
    }
    let i = rng.below(out.len());
    match rng.below(4) {
        0 => out[i] ^= 1 << rng.below(8),
        1 => out.insert(i, *rng.pick(b"=[]{}\",.#\n\0\xff-+e9")),
        2 => {
            out.remove(i);
        }
        _ => out.truncate(i),
    }
    out
}

fn mutate(original: &str, rng: &mut SplitMix) -> Vec<u8> {
    let mut bytes = original.as_bytes().to_vec();
    for _ in 0..1 + rng.below(3) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        bytes = match rng.below(10) {
            0..=4 => swap_number(&text, rng),
            5 | 6 => mutate_lines(&text, rng),
            7 => mutate_key(&text, rng),
            _ => mutate_bytes(&bytes, rng),
        };
    }
    bytes
}

/// One subcommand's command line over the mutated file `s.toml` (and the original, `a.toml`).
fn command_line(which: usize, rng: &mut SplitMix) -> Vec<String> {
    let runs = "--runs 2000";
    let line = match which {
        0 => "check s.toml --runs 500".to_string(),
        1 => format!(
            "run s.toml --no-progress {runs} --budget 100M --deadline 80 --csv o.csv \
             --json o.json --markdown o.md --samples-csv s.csv --plots plots"
        ),
        2 => format!(
            "sensitivity s.toml --sobol-n 64 --bootstrap 0 {runs} --budget 100M \
             --csv o.csv --json o.json"
        ),
        3 => format!("sweep s.toml --set cluster.gpus=8192,16384 {runs} --csv o.csv --json o.json"),
        4 => format!("compare a.toml s.toml {runs} --csv o.csv"),
        5 => format!("calibrate s.toml {runs} --csv o.csv"),
        _ => format!("report s.toml -o r.html --sobol-n 64 {runs}"),
    };
    let mut args: Vec<String> = line.split_whitespace().map(str::to_string).collect();
    // Now and then a flag's value is odd too.
    if rng.below(8) == 0 {
        let values: Vec<usize> = (1..args.len())
            .filter(|&i| args[i - 1].starts_with("--") && !args[i - 1].contains("csv"))
            .filter(|&i| !matches!(args[i - 1].as_str(), "--json" | "--markdown" | "--plots"))
            .collect();
        if !values.is_empty() {
            let i = *rng.pick(&values);
            let odd = match args[i - 1].as_str() {
                "--runs" | "--sobol-n" | "--bootstrap" => &ODD_SIZES[..],
                _ => &ODD_FLAGS[..],
            };
            args[i] = rng.pick(odd).to_string();
        }
    }
    args
}

const SUBCOMMANDS: usize = 7;

/// Tokens that mean a figure was not a number.
fn non_finite_token(text: &str) -> Option<String> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | '(' | ')' | '|' | '"' | ':'))
        .map(|t| {
            t.trim_start_matches(['-', '+', '$', '±', '<', '>', '='])
                .to_ascii_lowercase()
        })
        .find(|t| matches!(t.as_str(), "inf" | "infinity" | "nan" | "inf%" | "nan%"))
}

struct Case {
    number: usize,
    scenario: &'static str,
    mutated: Vec<u8>,
    args: Vec<String>,
}

impl Case {
    fn describe(&self, problem: &str) -> String {
        format!(
            "case {} (from {}): {problem}\n  flopcast {}\n--- s.toml ---\n{}\n---",
            self.number,
            self.scenario,
            self.args.join(" "),
            String::from_utf8_lossy(&self.mutated)
        )
    }
}

/// Runs the case; `Err` says what went wrong.
fn check_case(case: &Case, dir: &Path, original: &[u8]) -> Result<(), String> {
    std::fs::write(dir.join("a.toml"), original).unwrap();
    std::fs::write(dir.join("s.toml"), &case.mutated).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_flopcast"))
        .args(&case.args)
        .current_dir(dir)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let limit = Duration::from_secs(30);
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("no answer within {} s (a hang)", limit.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    match status.code() {
        Some(0) => check_finite(dir, &stdout),
        Some(1) | Some(2) => check_failure(dir, &stderr, &case.args),
        Some(code) => Err(format!("exit {code}: {}", panic_site(&stderr))),
        None => Err(format!("killed by a signal: {stderr}")),
    }
}

/// Where a panic happened, without the thread id: one line that groups failures by cause.
fn panic_site(stderr: &str) -> String {
    let Some(at) = stderr.find("panicked at ") else {
        return stderr.to_string();
    };
    let site = stderr[at..].lines().next().unwrap_or("");
    let message = stderr[at..].lines().nth(1).unwrap_or("");
    format!("{site} {}", message.chars().take(200).collect::<String>())
}

fn check_finite(dir: &Path, stdout: &str) -> Result<(), String> {
    if let Some(token) = non_finite_token(stdout) {
        return Err(format!("exit 0 with `{token}` in the output:\n{stdout}"));
    }
    for name in ["o.csv", "o.md", "s.csv"] {
        let Ok(text) = std::fs::read_to_string(dir.join(name)) else {
            continue;
        };
        if let Some(token) = non_finite_token(&text) {
            return Err(format!("exit 0 with `{token}` in {name}"));
        }
    }
    Ok(())
}

/// A failure says what is wrong and leaves no file behind.
fn check_failure(dir: &Path, stderr: &str, args: &[String]) -> Result<(), String> {
    if stderr.contains("panicked") || !stderr.starts_with("error") {
        return Err(format!("failure without a proper message: {stderr}"));
    }
    let mut left: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "a.toml" && name != "s.toml")
        .collect();
    // A plot directory may be made before the run fails; it must hold no file.
    left.retain(|name| {
        name != "plots" || std::fs::read_dir(dir.join(name)).is_ok_and(|mut d| d.next().is_some())
    });
    if !left.is_empty() {
        return Err(format!(
            "failed ({}) but left files: {left:?} (args {args:?})",
            stderr.lines().next().unwrap_or("")
        ));
    }
    Ok(())
}

fn clear(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            std::fs::remove_dir_all(&path).unwrap();
        } else {
            std::fs::remove_file(&path).unwrap();
        }
    }
}

fn failures_dir() -> PathBuf {
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_flopcast"));
    exe.parent().unwrap().join("mutated-scenario-failures")
}

#[test]
fn mutated_scenarios_never_panic_hang_or_print_non_finite_figures() {
    let seconds: u64 = std::env::var("FLOPCAST_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(45);
    let seed: u64 = std::env::var("FLOPCAST_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2026);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let originals: Vec<String> = SCENARIOS
        .iter()
        .map(|s| std::fs::read_to_string(root.join(s)).unwrap())
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let mut rng = SplitMix(seed);
    let mut failures: Vec<String> = Vec::new();
    let mut causes: Vec<String> = Vec::new();
    let mut failed = 0;
    let start = Instant::now();
    let mut cases = 0;
    while start.elapsed() < Duration::from_secs(seconds) && causes.len() < 10 {
        let which = rng.below(SCENARIOS.len());
        let mutated = mutate(&originals[which], &mut rng);
        let subcommand = cases % SUBCOMMANDS;
        let args = command_line(subcommand, &mut rng);
        let case = Case {
            number: cases,
            scenario: SCENARIOS[which],
            mutated,
            args,
        };
        clear(dir.path());
        if let Err(problem) = check_case(&case, dir.path(), originals[which].as_bytes()) {
            failed += 1;
            // One example of each cause: the first line of the problem and the subcommand.
            let first_line = problem.lines().next().unwrap_or("");
            let cause = format!(
                "{} {}",
                case.args[0],
                first_line.chars().take(60).collect::<String>()
            );
            if causes.contains(&cause) {
                cases += 1;
                continue;
            }
            causes.push(cause);
            failures.push(case.describe(&problem));
            let saved = failures_dir();
            std::fs::create_dir_all(&saved).unwrap();
            std::fs::write(saved.join(format!("case-{cases}.toml")), &case.mutated).unwrap();
            std::fs::write(
                saved.join(format!("case-{cases}.args")),
                case.args.join(" ") + "\n",
            )
            .unwrap();
        }
        cases += 1;
    }
    eprintln!("{cases} mutated cases in {:.0?}", start.elapsed());
    assert!(
        failures.is_empty(),
        "{failed} of {cases} cases failed, {} distinct causes (saved in {}):\n\n{}",
        failures.len(),
        failures_dir().display(),
        failures.join("\n\n")
    );
}
