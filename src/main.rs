use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use flopcast::cli::{Cli, Command};
use flopcast::commands::{
    calibrate, check, compare, portfolio, report, run, sensitivity, shard, sweep, update,
};
use flopcast::output;

/// As a shell reports a process ended by SIGINT.
const INTERRUPTED: i32 = 130;

fn main() -> ExitCode {
    remove_temporaries_on_interrupt();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return flag_error_or_help(&e),
    };
    if let Err(value) = flopcast::simd::cap_from_env() {
        say(&format!(
            "error: {}={value} names no instruction set; give baseline, avx2 or avx512, or \
             unset it to use the widest this CPU has",
            flopcast::simd::CAP_VAR
        ));
        return ExitCode::FAILURE;
    }
    let result = match &cli.command {
        Command::Run(args) if args.shard.is_some() => args
            .shard_options()
            .and_then(|o| shard::save(&o.expect("a shard"))),
        Command::Run(args) => run::run(&args.options()).map(|outcome| {
            if io::stderr().is_terminal() {
                let secs = outcome.elapsed.as_secs_f64();
                say(&format!(
                    "{} runs in {secs:.2} s ({:.1} M runs/s)",
                    flopcast::report::group_thousands(outcome.report.runs),
                    outcome.report.runs as f64 / secs / 1e6
                ));
            }
            outcome.text
        }),
        Command::Sensitivity(args) => sensitivity::sensitivity(&args.options()).map(|o| o.text),
        Command::Sweep(args) => args.options().and_then(|o| match o.shard {
            Some(_) => sweep::save_shard(&o),
            None => sweep::sweep(&o).map(|o| o.text),
        }),
        Command::Compare(args) => compare::compare(&args.options()).map(|o| o.text),
        Command::Merge(args) => shard::merge(&args.options()),
        Command::Calibrate(args) => calibrate::calibrate(&args.options()).map(|o| o.text),
        Command::Report(args) => report::report(&args.options()),
        Command::Check(args) => check::check(&args.options()),
        Command::Update(args) => update::update(&args.options()).map(|o| o.text),
        Command::Portfolio(args) => portfolio::portfolio(&args.options()).map(|o| o.text),
        Command::Completions(args) => Ok(flopcast::cli::completions(args.shell)),
        Command::Man(args) => flopcast::cli::man_page(args.subcommand.as_deref()),
    };
    match result {
        Ok(text) => print(&text),
        Err(e) => {
            say(&format!("error: {e}"));
            // As clap does for flags it cannot parse: 2 for a command line that cannot work
            // whatever the files hold; 1 for everything else.
            match e {
                flopcast::Error::Usage(_) => ExitCode::from(2),
                _ => ExitCode::FAILURE,
            }
        }
    }
}

/// Writes the result to stdout. A reader that left early (`| head`) is not an error worth a
/// message, as for other Unix tools; any other failure (a full disk) is.
fn print(text: &str) -> ExitCode {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            say(&format!("error: cannot write to standard output: {e}"));
            ExitCode::FAILURE
        }
    }
}

/// What clap would print and exit with, minus its silence when `--help` cannot be written.
fn flag_error_or_help(e: &clap::Error) -> ExitCode {
    match e.print() {
        Err(failed) if !e.use_stderr() && failed.kind() != io::ErrorKind::BrokenPipe => {
            say(&format!("error: cannot write to standard output: {failed}"));
            ExitCode::FAILURE
        }
        _ => ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2)),
    }
}

/// A line on stderr. With stderr closed or full there is nowhere left to complain: the exit
/// code alone tells (`eprintln!` would panic instead).
fn say(line: &str) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

/// Ctrl-C, SIGTERM or SIGHUP would otherwise end the process with its half-written
/// temporaries (hundreds of MB for --samples-csv) left beside the outputs.
fn remove_temporaries_on_interrupt() {
    let installed = ctrlc::set_handler(|| {
        let removed = output::remove_temporaries();
        // Temporaries exist only until the outputs are renamed all at once.
        say(&match removed {
            0 => "interrupted".to_string(),
            n => format!(
                "interrupted: removed {n} unfinished temporary file(s); no output was changed"
            ),
        });
        std::process::exit(INTERRUPTED);
    });
    if let Err(e) = installed {
        say(&format!(
            "warning: cannot catch interrupts ({e}); an interrupted run may leave {} files \
             beside its outputs",
            output::TEMPORARY_PATTERN
        ));
    }
}
