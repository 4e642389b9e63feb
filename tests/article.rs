//! The founding article's arithmetic, reproduced by `run` on its point-value scenario.

use tempfile::TempDir;

mod common;
use common::*;

#[test]
fn reproduces_the_articles_point_estimate() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("article.csv");
    let out = stdout_of(&["run", ARTICLE, "--csv", path_str(&path)]);
    assert!(
        out.starts_with("Llama 3.1 405B, the article's point estimate\n1,000 runs, seed 42\n"),
        "{out}"
    );
    let csv = read_summary_csv(&path);
    assert_eq!(
        csv.header,
        "metric,mean,sd,p5,p10,p25,p50,p75,p90,p95,ci95_half_width,percentile_ci_min_coverage"
    );
    // columns: mean, sd, p5, p10, p25, p50, ...
    let (mean, sd, p50) = (0, 1, 5);
    assert_close(
        "train_flops mean",
        csv.row("train_flops")[mean],
        3.7908e25,
        1e-12,
    );
    let days = csv.row("train_days")[p50];
    assert!(
        (days - 68.5546875).abs() <= 1e-9,
        "train_days P50 = {days}, want 68.5546875"
    );
    assert_close(
        "gpu_hours mean",
        csv.row("gpu_hours")[mean],
        26_325_000.0,
        1e-6,
    );
    assert_close(
        "compute_cost_usd mean",
        csv.row("compute_cost_usd")[mean],
        52_650_000.0,
        1e-6,
    );
    assert_close(
        "labor_cost_usd mean",
        csv.row("labor_cost_usd")[mean],
        25_000_000.0,
        1e-6,
    );
    assert_close(
        "total_cost_usd mean",
        csv.row("total_cost_usd")[mean],
        77_650_000.0,
        1e-6,
    );
    for (metric, values) in &csv.rows {
        assert_eq!(
            values[sd], 0.0,
            "{metric}: every run is the same, so sd = 0"
        );
        let percentiles = &values[2..values.len() - 2];
        for (i, v) in percentiles.iter().enumerate() {
            assert_close(&format!("{metric} percentile {i}"), *v, values[mean], 1e-12);
        }
    }
}
