//! flopcast: Monte Carlo forecasts of how long an LLM training run takes and what it costs.
//!
//! Data flows one way, one module per step:
//! [`scenario`] (TOML file) → [`dist`] (validated distributions) → [`sample`] (reproducible
//! parallel draws) → [`model`] (one run's arithmetic) → [`stats`] (bands and probabilities)
//! → [`report`] (terminal, CSV, JSON).

pub mod analyze;
pub mod chart;
pub mod cli;
pub mod commands;
pub mod dist;
pub mod error;
pub mod hardware;
pub mod model;
pub mod output;
pub mod report;
pub mod sample;
pub mod scenario;
pub mod simulate;
pub mod stats;
pub mod study;
pub mod units;

pub use error::{Error, Result};
