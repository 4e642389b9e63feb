//! One file per section of a scenario file, each with its keys and its reader.

mod cluster;
mod correlation;
mod cost;
mod failures;
mod model;
mod published;
mod simulation;
mod team;

pub(super) use cluster::*;
pub use correlation::copula_layout;
pub(super) use correlation::*;
pub(super) use cost::*;
pub(super) use failures::*;
pub(super) use model::*;
pub(super) use published::*;
pub(super) use simulation::*;
pub(super) use team::*;
