//! Domain types, regions and policy data for aiup.
//!
//! This crate does no IO: callers hand it file contents as strings and get
//! validated values back. It never reads the clock, the disk or the network.
#![deny(clippy::float_arithmetic)]

pub mod bundle;
pub mod csv;
pub mod date;
pub mod defaults;
pub mod hangul;
pub mod json;
pub mod money;
pub mod policy;
pub mod problem;
pub mod region;
pub mod types;

pub use money::{Rate, RoundingMode, Won};
pub use types::{Delivery, EmployerSize, ProgrammeId, Provision, RegionTier, Stage, TraineeStatus};
