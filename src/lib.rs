//! flopcast: Monte Carlo forecasts of how long an LLM training run takes and what it costs.
//!
//! Data flows one way, one module per step: [`scenario`] (TOML file → validated inputs, each a
//! [`dist`]) → [`sample`] (reproducible parallel draws) → [`simulate`] (each draw through
//! [`model`], one run's arithmetic) → [`stats`] (bands and probabilities) → [`analyze`]
//! (sensitivity) → [`report`] (terminal, CSV, JSON, Markdown, HTML, with [`chart`]s). A module
//! uses only the modules before it; [`units`], [`format`](mod@format) and [`copula`] are leaves.
//!
//! ```
//! use std::path::Path;
//! use flopcast::{model::Metric, sample::SamplingPlan, scenario::Scenario, simulate, stats};
//!
//! let scenario = Scenario::parse(Path::new("plan.toml"), r#"
//!     [model]
//!     params = 405e9
//!     tokens = 15.6e12
//!     [cluster]
//!     gpus = 16000
//!     peak_tflops = 400
//!     mfu = { dist = "uniform", min = 0.9, max = 1.0 }
//!     [cost]
//!     gpu_hour_usd = 2
//! "#)?;
//! let plan = SamplingPlan::new(&scenario, 10_000, 42);
//! let sim = simulate::simulate(&plan, scenario.options, &|_| {});
//! let days = stats::summarize(sim.column(Metric::TrainDays), &[50.0]);
//! // 68.55 days at full utilisation; a utilisation between 90% and 100% stretches it.
//! let p50 = days.percentiles[0].estimate.value;
//! assert!(p50 > 68.55 && p50 < 68.55 / 0.9);
//! # Ok::<(), flopcast::Error>(())
//! ```

pub mod analyze;
pub mod calendar;
pub mod chart;
pub mod cli;
pub mod commands;
pub mod copula;
pub mod dist;
pub mod error;
pub mod format;
pub mod hardware;
pub mod memory;
pub mod model;
pub mod output;
pub mod prior;
pub mod report;
pub mod sample;
pub mod scenario;
pub mod simd;
pub mod simulate;
pub mod stats;
pub mod study;
pub mod units;

pub use error::{Error, Result};
