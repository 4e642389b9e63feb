//! Priors fitted to published evidence: the effective utilisation of real training runs.

pub mod fit;
pub mod reference;
pub mod runs;
pub mod prices;
