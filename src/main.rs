use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use flopcast::cli::{Cli, Command};
use flopcast::commands::{calibrate, check, compare, report, run, sensitivity, sweep};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Run(args) => run::run(&args.options()).map(|outcome| {
            if std::io::stderr().is_terminal() {
                let secs = outcome.elapsed.as_secs_f64();
                eprintln!(
                    "{} runs in {secs:.2} s ({:.1} M runs/s)",
                    flopcast::report::group_thousands(outcome.report.runs),
                    outcome.report.runs as f64 / secs / 1e6
                );
            }
            outcome.text
        }),
        Command::Sensitivity(args) => sensitivity::sensitivity(&args.options()).map(|o| o.text),
        Command::Sweep(args) => sweep::sweep(&args.options()).map(|o| o.text),
        Command::Compare(args) => compare::compare(&args.options()).map(|o| o.text),
        Command::Calibrate(args) => calibrate::calibrate(&args.options()).map(|o| o.text),
        Command::Report(args) => report::report(&args.options()),
        Command::Check(args) => check::check(&args.options()),
    };
    match result {
        Ok(text) => {
            // A closed pipe (e.g. `| head`) is not an error worth a message.
            let _ = std::io::stdout().write_all(text.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            // As clap does for flags it cannot parse: 2 for a command line that cannot work.
            match e {
                flopcast::Error::Usage(_) => ExitCode::from(2),
                _ => ExitCode::FAILURE,
            }
        }
    }
}
