//! Priors fitted to published evidence: the effective utilisation of real training runs.

pub mod fit;
pub mod prices;
pub mod reference;
pub mod runs;
