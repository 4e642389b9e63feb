//! Command-line arguments: parsing and checking only; the work is in [`crate::commands`].

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::analyze::precision::{Amount, Scope, Target};
use crate::commands::Sampling;
use crate::commands::calibrate::{CalibrateOptions, ReferenceCheck, SplitDate};
use crate::commands::check::CheckOptions;
use crate::commands::compare::CompareOptions;
use crate::commands::portfolio::PortfolioOptions;
use crate::commands::report::ReportOptions;
use crate::commands::run::RunOptions;
use crate::commands::sensitivity::{
    DEFAULT_BOOTSTRAP, DEFAULT_SENSITIVITY_RUNS, DEFAULT_SOBOL_N, SensitivityOptions,
};
use crate::commands::shard::{MergeOptions, SaveOptions, ShardSpec};
use crate::commands::sweep::SweepOptions;
use crate::commands::update::{TokensDone, UpdateOptions};
use crate::model::Metric;
use crate::output::TableFiles;
use crate::report::Goals;
use crate::sample::saltelli::PointSet;
use crate::sample::scheme::Scheme;
use crate::scenario::{Override, parse_set};
use crate::units::{parse_amount, parse_number};

const EXAMPLES: &str = "\
Examples:
  flopcast run scenarios/llama-3.1-405b.toml
  flopcast run scenarios/llama-3.1-405b.toml --budget 110M --deadline 80 --csv bands.csv
  flopcast check scenarios/deepseek-v3.toml";

const RUN_EXAMPLES: &str = "\
Files:
  --csv       one row per metric: mean, sd, each percentile, ±95%, the intervals' least coverage
  --json      every figure with its standard error and 95% interval, the seed and the runs
  --markdown  the bands table, its notes and the chances, as the terminal shows them

Examples:
  flopcast run scenarios/llama-3.1-405b.toml
  flopcast run scenarios/llama-3.1-405b.toml --runs 10M --seed 7 --threads 2
  flopcast run scenarios/llama-3.1-405b.toml --budget 110M --deadline 80
  flopcast run scenarios/deepseek-v3.toml --percentiles 1,5,50,95,99 --csv bands.csv --json bands.json
  flopcast run scenarios/llama-3.1-405b.toml --runs 100k --samples-csv runs.csv";

const SENSITIVITY_EXAMPLES: &str = "\
Files:
  --csv       one row per input: S1 and ST with intervals, rank correlation, swing, pinned runs
  --json      the same, with the design of the study (points, bootstrap, runs, seed)
  --markdown  the ranking and the tables, as the terminal shows them

Examples:
  flopcast sensitivity scenarios/llama-3.1-405b.toml
  flopcast sensitivity scenarios/llama-3.1-405b.toml --metric train_days --deadline 80
  flopcast sensitivity scenarios/deepseek-v3.toml --budget 30M --csv drivers.csv --json drivers.json
  flopcast sensitivity scenarios/llama-3.1-405b.toml --sobol-n 262144 --points random";

const SWEEP_EXAMPLES: &str = "\
Files:
  --csv       one row per point: every metric's mean, sd and percentiles, and the chances
  --json      every point's full run summary
  --markdown  the sweep's table, as the terminal shows it

Examples:
  flopcast sweep scenarios/llama-3.1-405b.toml --set cluster.gpus=8192,16384,24576,32768
  flopcast sweep scenarios/llama-3.1-405b.toml --set cluster.gpus=8192,16384 --set cost.gpu_hour_usd=2,3 --csv grid.csv
  flopcast sweep scenarios/llama-3.1-405b.toml --set 'cost.gpu_hour_usd=2,1.5 to 3' --budget 110M";

const COMPARE_EXAMPLES: &str = "\
Files:
  --csv       one row per metric and scenario: A, B and the paired B − A bands
  --json      both run summaries, the paired differences and P(B cheaper)
  --markdown  the comparison's table and chances, as the terminal shows them

Examples:
  flopcast compare scenarios/llama-3.1-405b.toml my-plan.toml
  flopcast compare a.toml b.toml --runs 2M --csv diff.csv --json diff.json";

const MERGE_EXAMPLES: &str = "\
Files:
  --csv, --json, --markdown, --chances-csv, --spend-csv  as `flopcast run` writes them

Examples:
  for i in 1 2 3 4; do flopcast run plan.toml --runs 1e9 --shard $i/4 --save part-$i.bin; done
  flopcast merge part-*.bin --json bands.json
  sbatch --array=0-15 --wrap 'flopcast run plan.toml --runs 1e10 --shard auto --save part-$SLURM_ARRAY_TASK_ID.bin'
See docs/distributed.md for a Slurm job array and a Kubernetes Indexed Job.";

const CALIBRATE_EXAMPLES: &str = "\
Files:
  --csv       one row per published figure (or reference run): band, PIT, scores
  --json      the same rows, how the forecasts were made, and the summary
  --markdown  the tables and the summary, as the terminal shows them

Examples:
  flopcast calibrate scenarios/*.toml
  flopcast calibrate scenarios/llama-3.1-405b-failures.toml --csv calibration.csv
  flopcast calibrate --leave-one-out
  flopcast calibrate --split-date 2024-01-01 --plots calibration/";

const REPORT_EXAMPLES: &str = "\
Examples:
  flopcast report scenarios/llama-3.1-405b.toml -o report.html
  flopcast report scenarios/llama-3.1-405b.toml -o report.html --budget 110M --deadline 80";

const CHECK_EXAMPLES: &str = "\
Files:
  --csv       one row per input: as written, as resolved, mean, P5, P50, P95
  --json      the inputs, the utilisation prior's fit and the flaw of averages
  --markdown  the findings, as the terminal shows them

Examples:
  flopcast check scenarios/llama-3.1-405b.toml
  flopcast check my-plan.toml --runs 1M";

const UPDATE_EXAMPLES: &str = "\
Files:
  --csv       one row per figure: section (shown, forecast, chance), name, the plan's P5/P50/P95,
              the re-forecast's P5/P50/P95 with the ends' 95% intervals, mean, how much narrower
              (a chance's value sits in the P50 columns)
  --json      every figure with its interval, the observation, the flags
  --markdown  the re-forecast, as the terminal shows it

Examples:
  flopcast update scenarios/llama-3.1-405b-failures.toml --elapsed-days 30 --tokens-done 41% \\
      --interruptions 250
  flopcast update my-plan.toml --elapsed-days 12 --tokens-done 2.1T --spent 9.5M --budget 40M";

const PORTFOLIO_EXAMPLES: &str = "\
Files:
  --csv          one row per figure: section (run, portfolio, chance, risk, cost_correlation),
                 run, figure, P5/P50/P95 and mean (bands), value and its 95% interval (chances,
                 shares); days from day 0, then dates when the plan has a start
  --json         every figure with its interval, the plan's shared inputs and timeline
  --markdown     the report, as the terminal shows it
  --samples-csv  one row per draw: each run's train_days, total_cost_usd, start_day,
                 finish_day (and year_spend_usd), then the portfolio's
  --spend-csv    the portfolio's spend by month and quarter, as `run --spend-csv` lays it out

--budget and --deadline replace the plan's: the budget is the portfolio's total cost, or with a
budget year its spend in that year; the deadline (days from [portfolio] start, or a date) is
when every run must have ended.

Examples:
  flopcast portfolio scenarios/portfolios/plan-2027.toml
  flopcast portfolio scenarios/portfolios/plan-2027.toml --budget 300M --budget-year 2027 \\
      --deadline 2027-12-31";

/// Forecast how long an LLM training run takes and what it costs, with honest uncertainty.
///
/// Reads a scenario file (TOML) where any number may be a probability distribution, simulates
/// millions of runs, and reports percentile bands of training days and dollars.
#[derive(Debug, Parser)]
#[command(name = "flopcast", version, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a scenario and report percentile bands of days and dollars.
    #[command(after_help = RUN_EXAMPLES)]
    Run(RunArgs),
    /// Rank the inputs that drive an output: Sobol indices, rank correlation, tornado, tail.
    #[command(after_help = SENSITIVITY_EXAMPLES)]
    Sensitivity(SensitivityArgs),
    /// The scenario at several values of one or two inputs, on common random numbers.
    #[command(after_help = SWEEP_EXAMPLES)]
    Sweep(SweepArgs),
    /// Two scenarios on common random numbers: bands of each and of B − A.
    #[command(after_help = COMPARE_EXAMPLES)]
    Compare(CompareArgs),
    /// Merge the parts of a run computed in shards (`run --shard I/N --save PART`): the
    /// report one process would print, byte for byte.
    #[command(after_help = MERGE_EXAMPLES)]
    Merge(MergeArgs),
    /// Forecast verification: where published outcomes fall in the bands, and the fitted
    /// utilisation prior checked on reference runs it did not see.
    #[command(after_help = CALIBRATE_EXAMPLES)]
    Calibrate(CalibrateArgs),
    /// One self-contained HTML report: bands, chances, charts, what drives the cost.
    #[command(after_help = REPORT_EXAMPLES)]
    Report(ReportArgs),
    /// Re-forecast a run in flight from what it has shown (days elapsed, tokens done,
    /// interruptions, spend): remaining days, finish date and cost to complete, beside the plan.
    #[command(after_help = UPDATE_EXAMPLES)]
    Update(UpdateArgs),
    /// Several runs planned together (a plan naming scenario files): shared inputs, runs in
    /// sequence, in parallel or on dates; each run's and the portfolio's cost and finish, the
    /// chances of the budget and deadlines, and each run's share of the risk.
    #[command(after_help = PORTFOLIO_EXAMPLES)]
    Portfolio(PortfolioArgs),
    /// Validate a scenario and show each input's resolved distribution.
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Print a shell completion script: flopcast completions bash > ~/.local/share/bash-completion/completions/flopcast
    Completions(CompletionsArgs),
    /// Print a manual page (roff): flopcast man > flopcast.1; man ./flopcast.1
    Man(ManArgs),
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// The subcommand whose page to print (flopcast-run(1), ...) [default: flopcast(1)].
    pub subcommand: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// The completion script for `shell`, generated from these definitions, so it always knows
/// every subcommand and flag.
pub fn completions(shell: clap_complete::Shell) -> String {
    use clap::CommandFactory;
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "flopcast", &mut out);
    String::from_utf8(out).expect("completion scripts are text")
}

/// The manual page in roff of flopcast, or of one of its subcommands (flopcast-run(1)),
/// generated from these definitions.
pub fn man_page(subcommand: Option<&str>) -> Result<String, crate::Error> {
    use clap::CommandFactory;
    let command = Cli::command();
    let man = match subcommand {
        None => clap_mangen::Man::new(command),
        Some(name) => {
            let sub = command
                .get_subcommands()
                .find(|s| s.get_name() == name)
                .ok_or_else(|| {
                    let known: Vec<&str> =
                        command.get_subcommands().map(|s| s.get_name()).collect();
                    crate::Error::Usage(format!(
                        "no subcommand `{name}`; manual pages exist for: {}",
                        known.join(", ")
                    ))
                })?;
            clap_mangen::Man::new(sub.clone()).title(format!("flopcast-{name}"))
        }
    };
    let mut out = Vec::new();
    man.render(&mut out).expect("writing to memory cannot fail");
    Ok(String::from_utf8(out).expect("roff is text"))
}

/// The points a Sobol study evaluates the model on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Points {
    /// Owen-scrambled Sobol points (quasi-random): lower error for smooth models, and
    /// bootstrap intervals that cover at least 95%.
    Sobol,
    /// Independent random points; their bootstrap intervals cover about 91–95%.
    Random,
}

/// How many runs, from which seed, on how many threads.
#[derive(Debug, clap::Args)]
pub struct SamplingArgs {
    /// Number of simulated runs, e.g. 1000000, 1e6, 10M [default: 1M, or the scenario's].
    #[arg(long, value_parser = parse_runs)]
    pub runs: Option<u64>,
    #[command(flatten)]
    pub seeded: SeedArgs,
}

/// Which seed, on how many threads: every command that draws runs takes these.
#[derive(Debug, clap::Args)]
pub struct SeedArgs {
    /// Random seed; the same seed gives byte-identical output [default: 42, or the scenario's].
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads; results do not depend on it [default: one per core].
    #[arg(long, default_value_t = 0, hide_default_value = true, value_parser = clap::value_parser!(u16).range(0..=256))]
    pub threads: u16,
}

impl SeedArgs {
    fn sampling(&self, runs: Option<u64>) -> Sampling {
        Sampling {
            runs,
            seed: self.seed,
            threads: usize::from(self.threads),
        }
    }
}

/// How the runs' uniforms are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SamplingScheme {
    /// qmc when the runs give every percentile asked for an interval between replicates
    /// (6,400 runs for P5 and P95), mc below.
    Auto,
    /// Independent runs (plain Monte Carlo).
    Mc,
    /// Latin hypercube: every input's runs cover its distribution evenly.
    Lhs,
    /// Owen-scrambled Sobol points (randomised quasi-Monte Carlo).
    Qmc,
}

impl SamplingScheme {
    /// The scheme asked for; `None` lets the command choose from its run count.
    fn scheme(self) -> Option<Scheme> {
        match self {
            SamplingScheme::Auto => None,
            SamplingScheme::Mc => Some(Scheme::MonteCarlo),
            SamplingScheme::Lhs => Some(Scheme::LatinHypercube),
            SamplingScheme::Qmc => Some(Scheme::Sobol),
        }
    }
}

/// How runs are sampled, for the commands that report bands.
#[derive(Debug, clap::Args)]
pub struct SchemeArgs {
    /// How runs are sampled: qmc (Owen-scrambled Sobol points), lhs (Latin hypercube), mc
    /// (independent runs), or auto. qmc reaches a given precision in the fewest runs on the
    /// bundled scenarios; the intervals of qmc and lhs come from at least 32 independent
    /// replicates.
    #[arg(long, value_enum, default_value_t = SamplingScheme::Auto)]
    pub sampling: SamplingScheme,
}

/// Whether to show a progress display on a terminal.
#[derive(Debug, clap::Args)]
pub struct ProgressArgs {
    /// Never show a progress display (it shows on a terminal once work outlasts a second).
    #[arg(long)]
    pub no_progress: bool,
}

impl SamplingArgs {
    fn sampling(&self) -> Sampling {
        self.seeded.sampling(self.runs)
    }
}

impl ProgressArgs {
    fn wanted(&self) -> bool {
        !self.no_progress
    }
}

/// The files every command that reports can write; each holds what the terminal shows.
#[derive(Debug, clap::Args)]
pub struct TableArgs {
    /// Write the results as CSV, for spreadsheets (Files, below, says which rows).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Write the results as JSON, every figure with its Monte Carlo error.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write the results as Markdown: the terminal's text and tables, for issues and wikis.
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
}

impl TableArgs {
    fn files(&self) -> TableFiles {
        TableFiles {
            csv: self.csv.clone(),
            json: self.json.clone(),
            markdown: self.markdown.clone(),
        }
    }
}

impl GoalArgs {
    fn goals(&self) -> Goals {
        Goals {
            budget_usd: self.budget,
            deadline_days: match self.deadline {
                Some(Deadline::Days(d)) => Some(d),
                _ => None,
            },
            deadline_date: match self.deadline {
                Some(Deadline::Date(d)) => Some(d),
                _ => None,
            },
        }
    }
}

/// Which percentiles to report.
#[derive(Debug, clap::Args)]
pub struct PercentileArgs {
    /// Percentiles to report, comma-separated, each in (0, 100).
    #[arg(long, value_parser = parse_percentiles, default_value = "5,10,25,50,75,90,95")]
    pub percentiles: Percentiles,
}

/// A budget and a deadline to measure chances against.
#[derive(Debug, clap::Args)]
pub struct GoalArgs {
    /// The total cost to stay within; accepts 110e6, 110M, $110M.
    #[arg(long, value_name = "USD", value_parser = parse_positive_amount, allow_negative_numbers = true)]
    pub budget: Option<f64>,
    /// The training days to finish within, a plain number of days (80); or the date training
    /// must end by (2027-06-30), counted from the scenario's `[schedule] start`.
    #[arg(long, value_name = "DAYS|DATE", value_parser = parse_deadline, allow_negative_numbers = true)]
    pub deadline: Option<Deadline>,
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    #[command(flatten)]
    pub sampling: SamplingArgs,
    #[command(flatten)]
    pub scheme: SchemeArgs,
    #[command(flatten)]
    pub percentiles: PercentileArgs,
    /// Report P(total_cost_usd <= budget), P(train_days <= deadline) and both.
    #[command(flatten)]
    pub goals: GoalArgs,
    /// Write one row per run with every uncertain input and every output. Like every output,
    /// it grows in a hidden .flopcast-*.tmp beside it until complete; an interrupt removes
    /// that file, but a hard kill (kill -9, power loss) leaves it: delete any such file.
    #[arg(long, value_name = "FILE")]
    pub samples_csv: Option<PathBuf>,
    /// Write the chances of --budget and --deadline (and of both) as CSV, one row each:
    /// chance,metric,limit,p,se,ci95_lo,ci95_hi,runs_within,runs.
    #[arg(long, value_name = "FILE")]
    pub chances_csv: Option<PathBuf>,
    /// Write spend by month and by quarter as CSV, one period per row: each period's spend
    /// band, what has been paid by its end, and P(training has ended by then). Needs a start
    /// date in the scenario (`[schedule]` with `start = 2027-01-15`).
    #[arg(long, value_name = "FILE")]
    pub spend_csv: Option<PathBuf>,
    #[command(flatten)]
    pub tables: TableArgs,
    /// Write SVG charts into this directory (created if missing): a histogram of every output,
    /// exceedance curves of total cost and of days.
    #[arg(long, value_name = "DIR")]
    pub plots: Option<PathBuf>,
    /// Never show the text histogram under the table (it shows only on a terminal).
    #[arg(long)]
    pub no_chart: bool,
    #[command(flatten)]
    pub precision: PrecisionArgs,
    /// Compute only shard I of N (1 ≤ I ≤ N) of the runs: contiguous ranges of 65,536-run
    /// chunks, saved with --save for `flopcast merge`, which reports what one process would.
    /// `auto` reads a Slurm job array's SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT, or a
    /// Kubernetes Indexed Job's JOB_COMPLETION_INDEX (with --shard-count).
    #[arg(long, value_name = "I/N|auto", value_parser = ShardSpec::parse, requires = "save",
          conflicts_with_all = ["precision", "plots", "samples_csv", "csv", "json", "markdown", "chances_csv", "spend_csv"])]
    pub shard: Option<ShardSpec>,
    /// With --shard: the part file to save.
    #[arg(long, value_name = "FILE", requires = "shard")]
    pub save: Option<PathBuf>,
    /// With --shard auto in a Kubernetes Indexed Job: the Job's completions.
    #[arg(long, value_name = "N", requires = "shard", value_parser = clap::value_parser!(u64).range(1..))]
    pub shard_count: Option<u64>,
    #[command(flatten)]
    pub progress: ProgressArgs,
}

impl RunArgs {
    /// The options of `run --shard`, when a shard is asked for.
    pub fn shard_options(&self) -> Result<Option<SaveOptions<'_>>, crate::error::Error> {
        let (Some(spec), Some(save)) = (self.shard, &self.save) else {
            return Ok(None);
        };
        Ok(Some(SaveOptions {
            scenario: &self.scenario,
            sampling: self.sampling.sampling(),
            scheme: self.scheme.sampling.scheme(),
            percentiles: self.percentiles.percentiles.0.clone(),
            goals: self.goals.goals(),
            shard: resolve_shard(spec, self.shard_count)?,
            save,
            progress: self.progress.wanted(),
        }))
    }
}

/// `flopcast merge`: the parts of one sharded run.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The part files saved by `flopcast run --shard I/N --save FILE`, one per shard.
    #[arg(required = true, value_name = "PART")]
    pub parts: Vec<PathBuf>,
    /// Write the chances of the parts' --budget and --deadline as CSV, one row each.
    #[arg(long, value_name = "FILE")]
    pub chances_csv: Option<PathBuf>,
    /// Write spend by month and by quarter as CSV, as `run --spend-csv` does (the scenario
    /// needs `[schedule] start`).
    #[arg(long, value_name = "FILE")]
    pub spend_csv: Option<PathBuf>,
    #[command(flatten)]
    pub tables: TableArgs,
    /// Worker threads; results do not depend on it [default: one per core].
    #[arg(long, default_value_t = 0, hide_default_value = true, value_parser = clap::value_parser!(u16).range(0..=256))]
    pub threads: u16,
}

impl MergeArgs {
    pub fn options(&self) -> MergeOptions {
        MergeOptions {
            parts: self.parts.clone(),
            tables: self.tables.files(),
            chances_csv: self.chances_csv.clone(),
            spend_csv: self.spend_csv.clone(),
            threads: usize::from(self.threads),
        }
    }
}

/// Stop at a precision instead of a run count.
#[derive(Debug, clap::Args)]
pub struct PrecisionArgs {
    /// Run until the reported figures are this precise, instead of a fixed --runs: `0.1%` holds
    /// every percentile of total_cost_usd and train_days to ±0.1% of its value (95% interval)
    /// and every chance of --budget and --deadline to ±0.1 points; `OUTPUT=0.2%` or
    /// `OUTPUT=AMOUNT` (in the output's unit, e.g. train_days=0.5, total_cost_usd=2M) holds one
    /// output's percentiles, `chances=0.5%` the chances. Repeat for several. Rounds of whole
    /// runs from the same seed grow until every figure meets its target or --max-runs.
    #[arg(long, value_name = "[OUTPUT=]AMOUNT", value_parser = parse_precision, conflicts_with = "runs")]
    pub precision: Vec<Target>,
    /// The most runs --precision may take [default: 1e9].
    #[arg(long, value_parser = parse_runs, requires = "precision")]
    pub max_runs: Option<u64>,
}

impl PrecisionArgs {
    fn targets(&self) -> Option<Vec<Target>> {
        (!self.precision.is_empty()).then(|| self.precision.clone())
    }
}

#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// An input and its values, e.g. cluster.gpus=8192,16384 or
    /// 'cluster.mfu=0.35,{ dist = "pert", min = 0.3, mode = 0.4, max = 0.45 }'; twice for a grid.
    #[arg(long = "set", value_name = "KEY=V1,V2,...", required = true, value_parser = parse_set_arg)]
    pub sets: Vec<Override>,
    #[command(flatten)]
    pub sampling: SamplingArgs,
    #[command(flatten)]
    pub scheme: SchemeArgs,
    #[command(flatten)]
    pub percentiles: PercentileArgs,
    #[command(flatten)]
    pub goals: GoalArgs,
    #[command(flatten)]
    pub tables: TableArgs,
    /// Write a fan chart of every output over the swept values into this directory.
    #[arg(long, value_name = "DIR")]
    pub plots: Option<PathBuf>,
    #[command(flatten)]
    pub precision: PrecisionArgs,
    /// Compute only shard I of N (1 ≤ I ≤ N) of the grid's points, saved with --save for
    /// `flopcast merge`; `auto` reads a Slurm job array's or a Kubernetes Indexed Job's index.
    #[arg(long, value_name = "I/N|auto", value_parser = ShardSpec::parse, requires = "save",
          conflicts_with_all = ["plots", "csv", "json", "markdown", "precision"])]
    pub shard: Option<ShardSpec>,
    /// With --shard: the part file to save.
    #[arg(long, value_name = "FILE", requires = "shard")]
    pub save: Option<PathBuf>,
    /// With --shard auto in a Kubernetes Indexed Job: the Job's completions.
    #[arg(long, value_name = "N", requires = "shard", value_parser = clap::value_parser!(u64).range(1..))]
    pub shard_count: Option<u64>,
    #[command(flatten)]
    pub progress: ProgressArgs,
}

#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// Scenario A (TOML): the reference.
    pub a: PathBuf,
    /// Scenario B (TOML): the alternative; differences are B − A.
    pub b: PathBuf,
    #[command(flatten)]
    pub sampling: SamplingArgs,
    #[command(flatten)]
    pub scheme: SchemeArgs,
    #[command(flatten)]
    pub percentiles: PercentileArgs,
    /// Report P(within budget) and P(within deadline) for A and for B.
    #[command(flatten)]
    pub goals: GoalArgs,
    #[command(flatten)]
    pub tables: TableArgs,
    /// Write both distributions overlaid and the distribution of B − A into this directory.
    #[arg(long, value_name = "DIR")]
    pub plots: Option<PathBuf>,
    #[command(flatten)]
    pub precision: PrecisionArgs,
    #[command(flatten)]
    pub progress: ProgressArgs,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Runs for the Monte Carlo mean shown beside the point estimate, at least 100
    /// [default: 200k].
    #[arg(long, value_parser = parse_check_runs)]
    pub runs: Option<u64>,
    #[command(flatten)]
    pub seeded: SeedArgs,
    #[command(flatten)]
    pub tables: TableArgs,
    #[command(flatten)]
    pub progress: ProgressArgs,
}

#[derive(Debug, clap::Args)]
pub struct UpdateArgs {
    /// Scenario file (TOML): the plan the run was started on.
    pub scenario: PathBuf,
    /// Days since training started, wall clock (30, 30.5).
    #[arg(long, value_name = "DAYS", value_parser = parse_elapsed_days)]
    pub elapsed_days: f64,
    /// Tokens trained so far: a count (6.2T, 6.2e12) or a share of the scenario's tokens (41%).
    #[arg(long, value_name = "TOKENS|PERCENT", value_parser = parse_tokens_done)]
    pub tokens_done: TokensDone,
    /// Interruptions (restarts from a checkpoint) so far; needs a `[failures]` section.
    #[arg(long, value_name = "COUNT", value_parser = clap::value_parser!(u64).range(..=crate::model::progress::MOST_INTERRUPTIONS))]
    pub interruptions: Option<u64>,
    /// What has been spent so far (110e6, 110M, $110M): the cost at completion is then this
    /// plus the cost to complete, and a spend the scenario cannot explain is flagged.
    #[arg(long, value_name = "USD", value_parser = parse_spent)]
    pub spent: Option<f64>,
    /// Report P(total_cost_usd <= budget) and P(train_days <= deadline), planned and now.
    #[command(flatten)]
    pub goals: GoalArgs,
    /// Runs of the plan to weigh against the observation, at least 1000 [default: 200k].
    #[arg(long, value_parser = parse_update_runs)]
    pub runs: Option<u64>,
    #[command(flatten)]
    pub seeded: SeedArgs,
    #[command(flatten)]
    pub tables: TableArgs,
    #[command(flatten)]
    pub progress: ProgressArgs,
}

#[derive(Debug, clap::Args)]
pub struct PortfolioArgs {
    /// Portfolio plan (TOML): the runs' scenario files, shared inputs, order, budget.
    pub plan: PathBuf,
    /// The portfolio's budget (replaces the plan's): report P(total cost <= budget), or with a
    /// budget year P(spend in that year <= budget); and the deadline every run must end by,
    /// in days from the plan's start or as a date (replaces the plan's).
    #[command(flatten)]
    pub goals: GoalArgs,
    /// The calendar year the budget counts spend in (2027); needs a start date in the plan.
    #[arg(long, value_name = "YEAR", value_parser = clap::value_parser!(i32).range(1..=9999))]
    pub budget_year: Option<i32>,
    /// Draws of the whole portfolio, at least 1000 [default: the plan's, else 200k].
    #[arg(long, value_parser = parse_portfolio_runs)]
    pub runs: Option<u64>,
    #[command(flatten)]
    pub seeded: SeedArgs,
    #[command(flatten)]
    pub tables: TableArgs,
    /// Write one row per draw: each run's days, cost, start and finish, and the portfolio's.
    #[arg(long, value_name = "FILE")]
    pub samples_csv: Option<PathBuf>,
    /// Write the portfolio's spend by month and by quarter as CSV, one period per row, as
    /// `run --spend-csv` does for one run. Needs `start` in the plan's `[portfolio]`.
    #[arg(long, value_name = "FILE")]
    pub spend_csv: Option<PathBuf>,
    #[command(flatten)]
    pub progress: ProgressArgs,
}

impl PortfolioArgs {
    pub fn options(&self) -> PortfolioOptions {
        PortfolioOptions {
            plan: self.plan.clone(),
            goals: self.goals.goals(),
            budget_year: self.budget_year,
            sampling: self.seeded.sampling(self.runs),
            progress: self.progress.wanted(),
            tables: self.tables.files(),
            samples_csv: self.samples_csv.clone(),
            spend_csv: self.spend_csv.clone(),
        }
    }
}

fn parse_portfolio_runs(text: &str) -> Result<u64, String> {
    at_least(
        parse_runs(text)?,
        crate::scenario::portfolio::MIN_RUNS,
        "portfolio",
        "percentiles and risk shares",
    )
}

impl UpdateArgs {
    pub fn options(&self) -> UpdateOptions {
        UpdateOptions {
            scenario: self.scenario.clone(),
            elapsed_days: self.elapsed_days,
            tokens_done: self.tokens_done,
            interruptions: self.interruptions,
            spent_usd: self.spent,
            goals: self.goals.goals(),
            sampling: self.seeded.sampling(self.runs),
            progress: self.progress.wanted(),
            tables: self.tables.files(),
        }
    }
}

/// The longest a run in flight can have been going: a century.
const MOST_ELAPSED_DAYS: f64 = 36_525.0;

fn parse_elapsed_days(text: &str) -> Result<f64, String> {
    let d = parse_number(text).map_err(|e| {
        format!("`{text}`: {e}; give the days since training started as a plain number (30.5)")
    })?;
    if d > 0.0 && d <= MOST_ELAPSED_DAYS {
        Ok(d)
    } else {
        Err(format!(
            "`{text}`: the days since training started lie above 0 and at most \
             {MOST_ELAPSED_DAYS} (a century)"
        ))
    }
}

fn parse_tokens_done(text: &str) -> Result<TokensDone, String> {
    if let Some(share) = text.trim().strip_suffix('%') {
        let p = crate::units::parse_number(share).map_err(|e| format!("`{text}`: {e}"))?;
        return if p > 0.0 && p < 100.0 {
            Ok(TokensDone::Share(p / 100.0))
        } else {
            Err(format!(
                "`{text}`: a share of the tokens must lie between 0% and 100%, both excluded"
            ))
        };
    }
    match crate::units::parse_amount(text) {
        Ok(t) if t > 0.0 => Ok(TokensDone::Count(t)),
        Ok(_) => Err(format!("`{text}`: tokens done must be more than 0")),
        Err(e) => Err(format!(
            "`{text}`: {e}; give tokens as a count (6.2T, 6.2e12) or a share (41%)"
        )),
    }
}

fn parse_spent(text: &str) -> Result<f64, String> {
    match crate::units::parse_amount(text) {
        Ok(x) if x >= 0.0 => Ok(x),
        Ok(_) => Err(format!("`{text}`: a spend cannot be negative")),
        Err(e) => Err(format!("`{text}`: {e}")),
    }
}

/// The fewest runs `update` weighs: the weighted percentiles of fewer are noise.
pub const MIN_UPDATE_RUNS: u64 = 1_000;

fn parse_update_runs(text: &str) -> Result<u64, String> {
    at_least(
        parse_runs(text)?,
        MIN_UPDATE_RUNS,
        "update",
        "a weighted re-forecast",
    )
}

#[derive(Debug, clap::Args)]
pub struct SensitivityArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// The output to analyse: train_days, gpu_hours, compute_cost_usd, labor_cost_usd,
    /// total_cost_usd or train_flops. (`--output`, its old name, still works.)
    #[arg(long, alias = "output", default_value = "total_cost_usd", value_parser = parse_metric)]
    pub metric: Metric,
    /// Monte Carlo runs for rank correlations, pinned inputs and tails, at least 1000.
    #[arg(long, default_value_t = DEFAULT_SENSITIVITY_RUNS, value_parser = parse_sensitivity_runs)]
    pub runs: u64,
    /// Base points of the Sobol study; it evaluates the model (inputs + 2) times this many.
    #[arg(long, default_value_t = DEFAULT_SOBOL_N as u64, value_parser = parse_sobol_n)]
    pub sobol_n: u64,
    /// Bootstrap replicates for the Sobol intervals: 0 (no intervals) or 20 to 10000.
    #[arg(long, default_value_t = DEFAULT_BOOTSTRAP as u32, value_parser = parse_bootstrap)]
    pub bootstrap: u32,
    /// Points of the Sobol study.
    #[arg(long, value_enum, default_value_t = Points::Sobol)]
    pub points: Points,
    #[command(flatten)]
    pub seeded: SeedArgs,
    /// Which inputs drive P(total_cost_usd > budget) and P(train_days > deadline).
    #[command(flatten)]
    pub goals: GoalArgs,
    #[command(flatten)]
    pub tables: TableArgs,
    /// Write SVG charts (tornado, contribution to variance, Sobol indices) into this directory.
    #[arg(long, value_name = "DIR")]
    pub plots: Option<PathBuf>,
    #[command(flatten)]
    pub progress: ProgressArgs,
}

impl SensitivityArgs {
    pub fn options(&self) -> SensitivityOptions {
        SensitivityOptions {
            metric: self.metric,
            runs: self.runs,
            sobol_n: self.sobol_n as usize,
            bootstrap: self.bootstrap as usize,
            points: match self.points {
                Points::Sobol => PointSet::Sobol,
                Points::Random => PointSet::Random,
            },
            seed: self.seeded.seed,
            threads: usize::from(self.seeded.threads),
            goals: self.goals.goals(),
            tables: self.tables.files(),
            plots: self.plots.clone(),
            progress: self.progress.wanted(),
            ..SensitivityOptions::new(self.scenario.clone())
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct CalibrateArgs {
    /// Scenario files (TOML) with `[[published]]` figures.
    #[arg(
        required_unless_present_any = ["leave_one_out", "split_date"],
        conflicts_with_all = ["leave_one_out", "split_date"]
    )]
    pub scenarios: Vec<PathBuf>,
    #[command(flatten)]
    pub sampling: SamplingArgs,
    /// Verify the fitted utilisation prior instead of scenarios: forecast each reference run's
    /// chip-hours from a fit on all the others [default file: the bundled reference runs].
    #[arg(
        long,
        value_name = "REFERENCE.csv",
        num_args = 0..=1,
        conflicts_with_all = ["split_date", "runs", "seed"]
    )]
    pub leave_one_out: Option<Option<PathBuf>>,
    /// Verify the prior on a time split: fit on the reference runs published before this date,
    /// forecast those published on or after it.
    #[arg(
        long,
        value_name = "YYYY-MM-DD",
        value_parser = crate::commands::calibrate::parse_split_date,
        conflicts_with_all = ["runs", "seed"]
    )]
    pub split_date: Option<SplitDate>,
    /// The reference runs --split-date uses [default: the bundled reference runs].
    #[arg(long, value_name = "REFERENCE.csv", requires = "split_date")]
    pub reference: Option<PathBuf>,
    #[command(flatten)]
    pub tables: TableArgs,
    /// Write a PIT histogram and a reliability chart (SVG) into this directory.
    #[arg(long, value_name = "DIR")]
    pub plots: Option<PathBuf>,
    #[command(flatten)]
    pub progress: ProgressArgs,
}

impl CalibrateArgs {
    pub fn options(&self) -> CalibrateOptions {
        let reference = match (&self.leave_one_out, &self.split_date) {
            (Some(file), _) => Some(ReferenceCheck {
                file: file.clone(),
                split: None,
            }),
            (None, Some(split)) => Some(ReferenceCheck {
                file: self.reference.clone(),
                split: Some(split.clone()),
            }),
            (None, None) => None,
        };
        CalibrateOptions {
            scenarios: self.scenarios.clone(),
            sampling: self.sampling.sampling(),
            tables: self.tables.files(),
            plots: self.plots.clone(),
            reference,
            progress: self.progress.wanted(),
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// The HTML file to write.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    #[command(flatten)]
    pub sampling: SamplingArgs,
    #[command(flatten)]
    pub scheme: SchemeArgs,
    #[command(flatten)]
    pub goals: GoalArgs,
    /// Base points of the report's Sobol study.
    #[arg(long, default_value = "16384", value_parser = parse_sobol_n)]
    pub sobol_n: u64,
    #[command(flatten)]
    pub progress: ProgressArgs,
}

impl ReportArgs {
    pub fn options(&self) -> ReportOptions {
        ReportOptions {
            scenario: self.scenario.clone(),
            output: self.output.clone(),
            sampling: self.sampling.sampling(),
            scheme: self.scheme.sampling.scheme(),
            goals: self.goals.goals(),
            sobol_n: self.sobol_n as usize,
            progress: self.progress.wanted(),
        }
    }
}

impl RunArgs {
    pub fn options(&self) -> RunOptions {
        RunOptions {
            scenario: self.scenario.clone(),
            sampling: self.sampling.sampling(),
            scheme: self.scheme.sampling.scheme(),
            percentiles: Some(self.percentiles.percentiles.0.clone()),
            goals: self.goals.goals(),
            samples_csv: self.samples_csv.clone(),
            chances_csv: self.chances_csv.clone(),
            spend_csv: self.spend_csv.clone(),
            tables: self.tables.files(),
            plots: self.plots.clone(),
            text_chart: !self.no_chart && std::io::stdout().is_terminal(),
            progress: self.progress.wanted(),
            precision: self.precision.targets(),
            max_runs: self.precision.max_runs,
        }
    }
}

impl SweepArgs {
    pub fn options(&self) -> Result<SweepOptions, crate::error::Error> {
        let shard = self
            .shard
            .map(|spec| resolve_shard(spec, self.shard_count))
            .transpose()?;
        Ok(SweepOptions {
            scenario: self.scenario.clone(),
            sets: self.sets.clone(),
            sampling: self.sampling.sampling(),
            scheme: self.scheme.sampling.scheme(),
            percentiles: Some(self.percentiles.percentiles.0.clone()),
            goals: self.goals.goals(),
            tables: self.tables.files(),
            plots: self.plots.clone(),
            progress: self.progress.wanted(),
            shard: shard.zip(self.save.clone()),
            precision: self.precision.targets(),
            max_runs: self.precision.max_runs,
        })
    }
}

/// The shard `--shard` names, reading the scheduler's environment for `auto`.
fn resolve_shard(
    spec: ShardSpec,
    count: Option<u64>,
) -> Result<crate::commands::shard::ShardOf, crate::error::Error> {
    spec.resolve(count, |name| std::env::var(name).ok())
}

impl CompareArgs {
    pub fn options(&self) -> CompareOptions {
        CompareOptions {
            a: self.a.clone(),
            b: self.b.clone(),
            sampling: self.sampling.sampling(),
            scheme: self.scheme.sampling.scheme(),
            percentiles: Some(self.percentiles.percentiles.0.clone()),
            goals: self.goals.goals(),
            tables: self.tables.files(),
            plots: self.plots.clone(),
            progress: self.progress.wanted(),
            precision: self.precision.targets(),
            max_runs: self.precision.max_runs,
        }
    }
}

impl CheckArgs {
    pub fn options(&self) -> CheckOptions {
        CheckOptions {
            scenario: self.scenario.clone(),
            sampling: self.seeded.sampling(self.runs),
            progress: self.progress.wanted(),
            tables: self.tables.files(),
        }
    }
}

fn parse_runs(text: &str) -> Result<u64, String> {
    let x = parse_amount(text)
        .map_err(|e| format!("`{text}` is not a number of runs: {e} (try 1000000, 1e6 or 10M)"))?;
    if x < 1.0 || x.fract() != 0.0 || x > 1e15 {
        return Err(format!(
            "the number of runs must be a whole number from 1 to 1e15, got {text}"
        ));
    }
    Ok(x as u64)
}

/// The fewest runs whose Monte Carlo mean `check` shows: below it the mean is one or a few
/// draws, not an estimate to set against the point estimate.
pub const MIN_CHECK_RUNS: u64 = 100;

/// The fewest runs `sensitivity` analyses: each tail quarter then holds 250 runs and a rank
/// correlation's standard error is about 0.03; with fewer, every figure is noise (one run
/// gives a Spearman of 0 for every input).
pub const MIN_SENSITIVITY_RUNS: u64 = 1000;

fn parse_check_runs(text: &str) -> Result<u64, String> {
    at_least(
        parse_runs(text)?,
        MIN_CHECK_RUNS,
        "check",
        "its Monte Carlo mean",
    )
}

fn parse_sensitivity_runs(text: &str) -> Result<u64, String> {
    at_least(
        parse_runs(text)?,
        MIN_SENSITIVITY_RUNS,
        "sensitivity",
        "its rank correlations and tails",
    )
}

fn at_least(runs: u64, min: u64, command: &str, purpose: &str) -> Result<u64, String> {
    if runs < min {
        return Err(format!(
            "`{command}` needs at least {min} runs for {purpose}, got {runs}: fewer give noise, not figures"
        ));
    }
    Ok(runs)
}

/// `0.1%`, `train_days=0.5`, `total_cost_usd=0.2%`, `total_cost_usd=$2M`, `chances=0.5%`.
fn parse_precision(text: &str) -> Result<Target, String> {
    let (scope, amount_text) = match text.split_once('=') {
        None => (Scope::Default, text),
        Some(("chances", a)) => (Scope::Chances, a),
        Some((name, a)) => (Scope::Metric(parse_metric(name.trim())?), a),
    };
    let amount_text = amount_text.trim();
    let amount = if let Some(share) = amount_text.strip_suffix('%') {
        let x = parse_number(share.trim()).map_err(|e| format!("`{text}`: {e}"))?;
        Amount::Relative(x / 100.0)
    } else if matches!(scope, Scope::Default) {
        return Err(format!(
            "`{text}`: a precision for every output is a share such as 0.1%; an amount in \
             units needs its output, e.g. train_days=0.5 or total_cost_usd=2M"
        ));
    } else {
        let x = parse_amount(amount_text).map_err(|e| format!("`{text}`: {e}"))?;
        Amount::Absolute(x)
    };
    let (Amount::Relative(x) | Amount::Absolute(x)) = amount;
    if !(x > 0.0 && x.is_finite()) {
        return Err(format!("`{text}`: the precision must be above 0"));
    }
    if matches!((scope, amount), (Scope::Chances, Amount::Absolute(a)) if a >= 1.0) {
        return Err(format!(
            "`{text}`: a chance's precision is a share of 100%, e.g. chances=0.5%"
        ));
    }
    Ok(Target { scope, amount })
}

fn parse_set_arg(text: &str) -> Result<Override, String> {
    parse_set(text)
}

fn parse_metric(text: &str) -> Result<Metric, String> {
    Metric::ALL
        .into_iter()
        .find(|m| m.name() == text)
        .ok_or_else(|| {
            let names: Vec<&str> = Metric::ALL.iter().map(|m| m.name()).collect();
            format!(
                "unknown output `{text}`; choose one of: {}",
                names.join(", ")
            )
        })
}

/// A power of two from 64 to 2^24: Sobol points are balanced only in power-of-two sets.
fn parse_sobol_n(text: &str) -> Result<u64, String> {
    let n = parse_runs(text)?;
    if !(64..=1 << 24).contains(&n) || !n.is_power_of_two() {
        return Err(format!(
            "--sobol-n must be a power of two from 64 to 16777216 (e.g. 32768 or 262144), got {n}"
        ));
    }
    Ok(n)
}

/// Percentile intervals need enough replicates to have 2.5% tails.
fn parse_bootstrap(text: &str) -> Result<u32, String> {
    let b: u32 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a whole number"))?;
    if b != 0 && !(20..=10_000).contains(&b) {
        return Err(format!(
            "--bootstrap must be 0 (no intervals) or from 20 to 10000, got {b}"
        ));
    }
    Ok(b)
}

fn parse_positive_amount(text: &str) -> Result<f64, String> {
    match parse_amount(text) {
        Ok(x) if x > 0.0 => Ok(x),
        Ok(_) => Err(format!(
            "`{text}` is not a positive number: the amount must be above 0"
        )),
        Err(e) => Err(format!("`{text}`: {e} (e.g. 110e6, 110M or $1.5B)")),
    }
}

/// A `--deadline`: days of training, or the date training must end by.
pub use crate::calendar::Deadline;

fn parse_deadline(text: &str) -> Result<Deadline, String> {
    let looks_like_date = text.len() == 10 && text.as_bytes().get(4) == Some(&b'-');
    if looks_like_date {
        return crate::calendar::Date::parse(text)
            .map(Deadline::Date)
            .ok_or_else(|| {
                format!("`{text}` is not a calendar date (YYYY-MM-DD, e.g. 2027-06-30)")
            });
    }
    parse_days(text)
        .map(Deadline::Days)
        .map_err(|e| format!("{e}; or a date training must end by, YYYY-MM-DD"))
}

/// Days are a plain number: a suffix such as the `m` of `5m` would read as millions of days,
/// when it was surely meant as months or minutes.
fn parse_days(text: &str) -> Result<f64, String> {
    let x = parse_number(text).map_err(|e| {
        format!(
            "`{text}`: {e}; days are a plain number of days, without a unit or suffix (e.g. 80)"
        )
    })?;
    if x > 0.0 {
        Ok(x)
    } else {
        Err(format!(
            "`{text}` is not a positive number: the deadline must be above 0 days"
        ))
    }
}

/// Percentiles name CSV and JSON columns (p99.9) and table headers, written with every digit
/// they have: beyond this many decimals a label grows to hundreds of characters (p1e-300 is
/// written in full), and no run count could estimate such a percentile anyway.
pub const PERCENTILE_DECIMALS: usize = 6;

fn check_label_precision(p: f64) -> Result<(), String> {
    let written = p.to_string();
    let decimals = written.split_once('.').map_or(0, |(_, d)| d.len());
    if decimals > PERCENTILE_DECIMALS {
        return Err(format!(
            "percentile {} has more than {PERCENTILE_DECIMALS} decimals; percentiles run from 0.000001 to 99.999999 in steps of 0.000001",
            crate::units::general(p)
        ));
    }
    Ok(())
}

/// A comma-separated list of percentiles, sorted and without duplicates.
#[derive(Debug, Clone, PartialEq)]
pub struct Percentiles(pub Vec<f64>);

fn parse_percentiles(text: &str) -> Result<Percentiles, String> {
    let mut out = Vec::new();
    for part in text.split(',') {
        let p: f64 = part.trim().parse().map_err(|_| {
            format!(
                "`{}` is not a number; give percentiles like 1,5,50,95,99",
                part.trim()
            )
        })?;
        if !(p > 0.0 && p < 100.0) {
            return Err(format!("percentile {p} is outside (0, 100)"));
        }
        check_label_precision(p)?;
        out.push(p);
    }
    out.sort_by(f64::total_cmp);
    out.dedup();
    Ok(Percentiles(out))
}
