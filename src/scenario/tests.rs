//! Reading scenarios: defaults, every family, and errors that point at the right place.

use super::*;
use crate::dist::Family;
use crate::dist::families::Beta;

/// The smallest valid scenario, every figure fixed; unit tests edit one line of it.
pub(crate) const BASE: &str = r#"name = "t"
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

fn parse(text: &str) -> Result<Scenario, Error> {
    Scenario::parse(Path::new("plan.toml"), text)
}

/// The rendered error, with its 1-based line and column.
fn error(text: &str) -> (String, usize, usize) {
    match parse(text) {
        Err(Error::Scenario(d)) => {
            let (l, c) = d.line_col();
            (d.to_string(), l, c)
        }
        Err(e) => panic!("expected a scenario error, got {e}"),
        Ok(_) => panic!("expected an error for:\n{text}"),
    }
}

/// BASE with `line` added to the [cluster] section.
fn with_cluster(line: &str) -> String {
    BASE.replace("mfu = 0.4\n", &format!("{line}\n"))
}

#[test]
fn defaults_fill_what_is_left_out() {
    let s = parse(BASE).unwrap();
    assert_eq!(s.name, "t");
    assert_eq!(s.spec(Input::ActiveParams).dist.median(), 405e9);
    assert_eq!(s.spec(Input::ActiveParams).stream, Input::Params);
    assert_eq!(s.spec(Input::FlopsPerParamToken).dist.median(), 6.0);
    assert_eq!(s.spec(Input::Downtime).dist.median(), 0.0);
    assert!(!s.spec(Input::TeamSize).used, "no [team]: no labor");
    assert_eq!(s.uncertain_inputs().count(), 0);
    assert_eq!(s.simulation, SimulationSettings::default());
}

#[test]
fn a_to_b_is_a_lognormal_with_those_p5_and_p95() {
    let s = parse(&BASE.replace("gpu_hour_usd = 2", "gpu_hour_usd = \"1.8 to 3.5\"")).unwrap();
    let d = &s.spec(Input::GpuHourUsd).dist;
    assert_eq!(d.family().name(), "lognormal");
    assert!((d.quantile(0.05) - 1.8).abs() < 1e-9 && (d.quantile(0.95) - 3.5).abs() < 1e-9);
}

#[test]
fn every_family_reads() {
    let cases = [
        (r#"{ dist = "fixed", value = 0.4 }"#, "fixed"),
        (r#"{ dist = "uniform", min = 0.3, max = 0.5 }"#, "uniform"),
        (
            r#"{ dist = "normal", mean = 0.4, sd = 0.02, lower = 0.1, upper = 1 }"#,
            "normal",
        ),
        (
            r#"{ dist = "normal", p5 = 0.35, p95 = 0.45, lower = 0.1, upper = 1 }"#,
            "normal",
        ),
        (
            r#"{ dist = "lognormal", median = 0.4, sigma = 0.1, upper = 1 }"#,
            "lognormal",
        ),
        (
            r#"{ dist = "lognormal", mu = -0.9, sigma = 0.1, upper = 1 }"#,
            "lognormal",
        ),
        (
            r#"{ dist = "lognormal", p5 = 0.3, p95 = 0.5, upper = 1 }"#,
            "lognormal",
        ),
        (
            r#"{ dist = "triangular", min = 0.3, mode = 0.4, max = 0.5 }"#,
            "triangular",
        ),
        (
            r#"{ dist = "pert", min = 0.3, mode = 0.4, max = 0.5, lambda = 6 }"#,
            "beta",
        ),
        (r#"{ dist = "beta", alpha = 4, beta = 6 }"#, "beta"),
        (
            r#"{ dist = "gamma", shape = 40, scale = 0.01, upper = 1 }"#,
            "gamma",
        ),
        (
            r#"{ dist = "weibull", shape = 10, scale = 0.4, upper = 1 }"#,
            "weibull",
        ),
        (
            r#"{ dist = "discrete", values = [0.35, 0.4], weights = [1, 3] }"#,
            "discrete",
        ),
    ];
    for (value, family) in cases {
        let s = parse(&with_cluster(&format!("mfu = {value}")))
            .unwrap_or_else(|e| panic!("{value}: {e}"));
        let spec = s.spec(Input::Mfu);
        assert_eq!(spec.dist.family().name(), family, "{value}");
        assert_eq!(spec.written.as_deref(), Some(value));
        let sup = spec.dist.support();
        assert!(sup.lo >= 0.0 && sup.hi <= 1.0, "{value}: {sup:?}");
    }
}

#[test]
fn pert_lambda_defaults_to_four() {
    let s = parse(&with_cluster(
        r#"mfu = { dist = "pert", min = 0.3, mode = 0.4, max = 0.6 }"#,
    ))
    .unwrap();
    assert_eq!(
        *s.spec(Input::Mfu).dist.family(),
        Family::from(Beta::pert(0.3, 0.4, 0.6, 4.0).unwrap())
    );
}

#[test]
fn labor_can_follow_the_run() {
    let text = format!("{BASE}[team]\nsize = 10\nsalary_usd = 1e5\nmonths_before = 3\n");
    let s = parse(&text).unwrap();
    assert!(s.options.labor_follows_run);
    assert!(!s.spec(Input::Months).used);
    assert_eq!(s.spec(Input::MonthsAfter).dist.median(), 0.0);
}

#[test]
fn seeds_keep_all_64_bits() {
    let s = parse(&format!("{BASE}[simulation]\nseed = 9007199254740993\n")).unwrap();
    assert_eq!(s.simulation.seed, Some(9_007_199_254_740_993));
    assert!(
        error(&format!("{BASE}[simulation]\nseed = -1\n"))
            .0
            .contains("whole number")
    );
    assert!(
        error(&format!("{BASE}[simulation]\nruns = 1e300\n"))
            .0
            .contains("whole number")
    );
}

#[test]
fn simulation_settings_read() {
    let s = parse(&format!("{BASE}[simulation]\nruns = 1e6\nseed = 7\n")).unwrap();
    assert_eq!(
        s.simulation,
        SimulationSettings {
            runs: Some(1_000_000),
            seed: Some(7),
            runs_at: Some((BASE.lines().count() + 2, 8)),
        }
    );
}

#[test]
fn unknown_keys_are_errors_with_a_suggestion() {
    let (msg, line, col) = error(&with_cluster("mfu = 0.4\nmfuu = 0.5"));
    assert_eq!((line, col), (9, 1), "{msg}");
    assert!(
        msg.contains("unknown key `cluster.mfuu`") && msg.contains("did you mean `mfu`?"),
        "{msg}"
    );
    let (msg, ..) = error(&with_cluster(
        r#"mfu = { dist = "pert", min = 0.3, mode = 0.4, max = 0.5, lamda = 3 }"#,
    ));
    assert!(msg.contains("did you mean `lambda`?"), "{msg}");
    let (msg, line, col) = error(&with_cluster(
        r#"mfu = { dist = "normal", mean = 0.4, sdd = 0.05 }"#,
    ));
    assert!(
        msg.contains("unknown key `cluster.mfu.sdd`") && msg.contains("did you mean `sd`?"),
        "{msg}"
    );
    assert_eq!((line, col), (8, 38), "{msg}");
    let (msg, ..) = error(&with_cluster(
        r#"mfu = { dist = "uniform", min = 0.3, mx = 0.5 }"#,
    ));
    assert!(msg.contains("did you mean `max`?"), "{msg}");
    let (msg, ..) = error(&format!("{BASE}[simulaton]\nruns = 5\n"));
    assert!(
        msg.contains("unknown key `simulaton`") && msg.contains("simulation"),
        "{msg}"
    );
}

#[test]
fn a_bad_parameter_is_pointed_at() {
    let text = with_cluster(r#"mfu = { dist = "pert", min = 0.3, mode = 0.6, max = 0.5 }"#);
    let (msg, line, col) = error(&text);
    let want_col = text.lines().nth(7).unwrap().find("0.6").unwrap() + 1;
    assert_eq!((line, col), (8, want_col), "{msg}");
    assert!(msg.contains("mode must lie in [min, max]"), "{msg}");
}

#[test]
fn draws_outside_the_physical_domain_are_refused() {
    let (msg, ..) = error(&with_cluster(
        r#"mfu = { dist = "normal", mean = 0.4, sd = 0.05 }"#,
    ));
    assert!(
        msg.contains("up to inf") && msg.contains("`upper = 1`"),
        "{msg}"
    );
    let (msg, ..) = error(&with_cluster("mfu = 40"));
    assert!(
        msg.contains("must be in (0, 1], got 40") && msg.contains("0.40"),
        "{msg}"
    );
    let (msg, ..) = error(&with_cluster("mfu = 0.4\ndowntime = 1"));
    assert!(
        msg.contains("`cluster.downtime` must be in [0, 1)"),
        "{msg}"
    );
    let (msg, ..) = error(&with_cluster(
        r#"mfu = { dist = "uniform", min = 0, max = 0.5 }"#,
    ));
    assert!(msg.contains("down to 0"), "{msg}");
    let (msg, ..) = error(&BASE.replace("gpus = 16384", "gpus = -8"));
    assert!(msg.contains("`cluster.gpus` must be > 0"), "{msg}");
    // A range string cannot take bounds: the advice shows the table that can.
    let (msg, ..) = error(&with_cluster(r#"mfu = "0.3 to 0.5""#));
    assert!(
        msg.contains(r#"{ dist = "lognormal", p5 = 0.3, p95 = 0.5, upper = 1 }"#),
        "{msg}"
    );
    // Divisors must keep away from their pole, or the mean training time is infinite.
    let (msg, ..) = error(&with_cluster(
        r#"mfu = { dist = "pert", min = 0, mode = 0, max = 0.5 }"#,
    ));
    assert!(
        msg.contains("divides the training time") && msg.contains("reaches 0"),
        "{msg}"
    );
    let (msg, ..) = error(&with_cluster(
        "mfu = 0.4\ndowntime = { dist = \"uniform\", min = 0, max = 1 }",
    ));
    assert!(msg.contains("reaches 1"), "{msg}");
    let (msg, ..) = error(&BASE.replace(
        "gpus = 16384",
        "gpus = { dist = \"gamma\", shape = 1, scale = 100 }",
    ));
    assert!(msg.contains("reaches 0"), "{msg}");
    parse(&with_cluster(
        "mfu = 0.4\ndowntime = { dist = \"beta\", alpha = 2, beta = 30 }",
    ))
    .unwrap();
    parse(&BASE.replace(
        "gpus = 16384",
        "gpus = { dist = \"gamma\", shape = 50, scale = 300 }",
    ))
    .unwrap();
    // Truncation makes an unbounded family acceptable.
    parse(&with_cluster(
        r#"mfu = { dist = "normal", mean = 0.4, sd = 0.05, lower = 0.05, upper = 1 }"#,
    ))
    .unwrap();
}

#[test]
fn nan_and_infinity_are_refused() {
    for v in ["nan", "inf", "-inf"] {
        let (msg, ..) = error(&with_cluster(&format!("mfu = {v}")));
        assert!(msg.contains("must be a finite number"), "{v}: {msg}");
    }
    let (msg, ..) = error(&with_cluster(
        r#"mfu = { dist = "uniform", min = 0.1, max = nan }"#,
    ));
    assert!(msg.contains("finite"), "{msg}");
}

#[test]
fn malformed_values_say_what_is_allowed() {
    let (msg, ..) = error(&BASE.replace("gpus = 16384", "gpus = \"many\""));
    assert!(msg.contains("cannot read \"many\" as a range"), "{msg}");
    let (msg, ..) = error(&BASE.replace("gpus = 16384", "gpus = true"));
    assert!(msg.contains("must be a number or a distribution"), "{msg}");
    let (msg, ..) = error(&BASE.replace("gpu_hour_usd = 2", "gpu_hour_usd = \"3.5 to 1.8\""));
    assert!(msg.contains("needs 0 < A < B"), "{msg}");
    let (msg, ..) = error(&with_cluster(
        r#"mfu = { dist = "betta", alpha = 2, beta = 3 }"#,
    ));
    assert!(
        msg.contains("unknown distribution \"betta\"") && msg.contains("pert"),
        "{msg}"
    );
    let (msg, ..) = error(&with_cluster(r#"mfu = { min = 0.3, max = 0.5 }"#));
    assert!(msg.contains("needs a `dist` key"), "{msg}");
    let (msg, ..) = error(&with_cluster(
        r#"mfu = { dist = "normal", mean = 0.4, p95 = 0.5 }"#,
    ));
    assert!(
        msg.contains("needs either mean and sd or p5 and p95"),
        "{msg}"
    );
    let (msg, ..) = error(&with_cluster(
        r#"mfu = { dist = "triangular", min = 0.3, max = 0.5 }"#,
    ));
    assert!(msg.contains("needs `mode`"), "{msg}");
}

#[test]
fn structure_errors() {
    let (msg, ..) = error(&BASE.replace("[cost]\ngpu_hour_usd = 2\n", ""));
    assert!(msg.contains("missing section [cost]"), "{msg}");
    let (msg, ..) = error(&BASE.replace("tokens = 15.6e12\n", ""));
    assert!(msg.contains("missing `model.tokens`"), "{msg}");
    let (msg, line, _) = error("[model\nparams = 1");
    assert!(msg.contains("invalid TOML syntax") && line == 1, "{msg}");
    let (msg, ..) =
        error(&BASE.replace("tokens = 15.6e12", "tokens = 15.6e12\nactive_params = 1e12"));
    assert!(msg.contains("exceeds `model.params`"), "{msg}");
    let team =
        format!("{BASE}[team]\nsize = 10\nsalary_usd = 1e5\nmonths = 12\nmonths_after = 2\n");
    assert!(error(&team).0.contains("cannot be combined"));
    let team = format!("{BASE}[team]\nsize = 10\nsalary_usd = 1e5\n");
    assert!(error(&team).0.contains("does not say for how long"));
    let sim = format!("{BASE}[simulation]\nruns = 0\n");
    assert!(error(&sim).0.contains("at least 1"));
    let sim = format!("{BASE}[simulation]\nruns = 1.5\n");
    assert!(error(&sim).0.contains("whole number"));
}

#[test]
fn the_catalog_fills_peak_tflops() {
    let text = BASE.replace(
        "peak_tflops = 989",
        "gpu = \"H100-SXM\"\nprecision = \"fp8\"",
    );
    assert_eq!(
        parse(&text).unwrap().spec(Input::PeakTflops).dist.median(),
        1979.0
    );
    let text = BASE.replace("peak_tflops = 989", "gpu = \"A100\"");
    assert_eq!(
        parse(&text).unwrap().spec(Input::PeakTflops).dist.median(),
        312.0
    );
    let (msg, ..) = error(&BASE.replace("peak_tflops = 989", "gpu = \"H1000\""));
    assert!(
        msg.contains("unknown accelerator") && msg.contains("H100-SXM") && msg.contains("MI300X"),
        "{msg}"
    );
    let (msg, ..) =
        error(&BASE.replace("peak_tflops = 989", "gpu = \"TPU-v4\"\nprecision = \"fp8\""));
    assert!(msg.contains("TPU-v4 has: bf16"), "{msg}");
}

#[test]
fn peak_tflops_together_with_gpu_or_precision_is_refused_at_the_second_key() {
    let text = BASE.replace("peak_tflops = 989", "gpu = \"A100\"\npeak_tflops = 250");
    let (msg, line, col) = error(&text);
    let peak_line = text
        .lines()
        .position(|l| l.starts_with("peak_tflops"))
        .unwrap()
        + 1;
    assert_eq!((line, col), (peak_line, 15), "{msg}");
    assert!(
        msg.contains("`cluster.peak_tflops` and `cluster.gpu`")
            && msg.contains("give either `peak_tflops`")
            && msg.contains("not both"),
        "{msg}"
    );
    let text = BASE.replace("peak_tflops = 989", "peak_tflops = 5\ngpu = \"H100-SXM\"");
    let (msg, line, col) = error(&text);
    let gpu_line = text.lines().position(|l| l.starts_with("gpu =")).unwrap() + 1;
    assert_eq!((line, col), (gpu_line, 7), "{msg}");
    let text = BASE.replace(
        "peak_tflops = 989",
        "peak_tflops = 989\nprecision = \"fp8\"",
    );
    let (msg, line, _) = error(&text);
    let precision_line = text
        .lines()
        .position(|l| l.starts_with("precision"))
        .unwrap()
        + 1;
    assert_eq!(line, precision_line, "{msg}");
    assert!(msg.contains("`cluster.precision`"), "{msg}");
}

const FAILURES: &str = r#"
[failures]
rate_per_gpu_hour = { dist = "lognormal", p5 = 1.2e-5, p95 = 3e-5 }
restart_hours = 0.2
checkpoint_write_hours = 0.05
"#;

#[test]
fn failures_replace_downtime() {
    let s = parse(&format!("{BASE}{FAILURES}")).unwrap();
    let f = s.options.failures.unwrap();
    assert!(
        f.optimal_interval && !f.from_mtbf,
        "optimal is the default interval"
    );
    assert!(!s.spec(Input::Downtime).used && !s.spec(Input::GpuMtbfHours).used);
    assert!(s.spec(Input::FailureLuck).used);
    assert!(
        s.options
            .metrics()
            .contains(&crate::model::Metric::Interruptions)
    );
    let fixed = FAILURES.replace(
        "checkpoint_write_hours = 0.05",
        "checkpoint_write_hours = 0.05\ncheckpoint_interval_hours = 2",
    );
    assert!(
        !parse(&format!("{BASE}{fixed}"))
            .unwrap()
            .options
            .failures
            .unwrap()
            .optimal_interval
    );
    let mtbf = FAILURES.replace(
        r#"rate_per_gpu_hour = { dist = "lognormal", p5 = 1.2e-5, p95 = 3e-5 }"#,
        "gpu_mtbf_hours = 50000",
    );
    assert!(
        parse(&format!("{BASE}{mtbf}"))
            .unwrap()
            .options
            .failures
            .unwrap()
            .from_mtbf
    );
}

#[test]
fn failure_errors() {
    let with_downtime = with_cluster("mfu = 0.4\ndowntime = 0.1");
    assert!(
        error(&format!("{with_downtime}{FAILURES}"))
            .0
            .contains("both say how much time is lost")
    );
    let both = FAILURES.replace("restart_hours", "gpu_mtbf_hours = 5e4\nrestart_hours");
    assert!(
        error(&format!("{BASE}{both}"))
            .0
            .contains("one or the other")
    );
    let none = FAILURES.replace(
        r#"rate_per_gpu_hour = { dist = "lognormal", p5 = 1.2e-5, p95 = 3e-5 }"#,
        "",
    );
    assert!(
        error(&format!("{BASE}{none}"))
            .0
            .contains("needs a failure rate")
    );
    let typo = FAILURES.replace("restart_hours", "restart_hour");
    assert!(
        error(&format!("{BASE}{typo}"))
            .0
            .contains("did you mean `restart_hours`?")
    );
    let negative = FAILURES.replace("restart_hours = 0.2", "restart_hours = -1");
    assert!(
        error(&format!("{BASE}{negative}"))
            .0
            .contains("must be >= 0")
    );
}

#[test]
fn optional_cost_lines_each_add_an_output() {
    use crate::model::Metric;
    let plain = parse(BASE).unwrap();
    assert_eq!(plain.options.metrics().len(), 6);
    let text = BASE.replace(
        "gpu_hour_usd = 2",
        "gpu_hour_usd = 2\ngpu_kw = 1.2\npue = 1.3\nusd_per_kwh = 0.08\nstorage_network_usd_per_gpu_hour = 0.1\nexperiments_fraction = \"0.2 to 0.6\"\ndata_usd = 5e6",
    );
    let s = parse(&text).unwrap();
    let metrics = s.options.metrics();
    for m in [
        Metric::EnergyCostUsd,
        Metric::StorageNetworkCostUsd,
        Metric::ExperimentsCostUsd,
        Metric::FixedCostUsd,
    ] {
        assert!(metrics.contains(&m), "{m:?}");
    }
    assert_eq!(s.spec(Input::EvaluationUsd).dist.median(), 0.0);
    let (msg, ..) = error(&BASE.replace(
        "gpu_hour_usd = 2",
        "gpu_hour_usd = 2\ngpu_kw = 1.2\nusd_per_kwh = 0.08",
    ));
    assert!(msg.contains("needs `cost.pue` too"), "{msg}");
    let (msg, ..) = error(&BASE.replace(
        "gpu_hour_usd = 2",
        "gpu_hour_usd = 2\ngpu_kw = 1.2\npue = 0.9\nusd_per_kwh = 0.08",
    ));
    assert!(msg.contains("`cost.pue` must be >= 1"), "{msg}");
}

#[test]
fn published_figures_name_an_output_of_the_scenario() {
    let ok = format!(
        "{BASE}[[published]]\nmetric = \"gpu_hours\"\nvalue = 3e7\nsource = \"model card\"\n"
    );
    let s = parse(&ok).unwrap();
    assert_eq!(s.published.len(), 1);
    assert_eq!(s.published[0].value, 3e7);
    let (msg, ..) = error(&ok.replace("gpu_hours", "interruptions"));
    assert!(
        msg.contains("not an output of this scenario") && msg.contains("gpu_hours"),
        "{msg}"
    );
    let (msg, ..) = error(&ok.replace("value = 3e7", "valeu = 3e7"));
    assert!(
        msg.contains("needs `value`") || msg.contains("unknown key"),
        "{msg}"
    );
}
