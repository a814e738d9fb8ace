//! AI-competency diagnosis (issue 9, items 3 and 4).
//!
//! This crate does no IO. The item bank (`data/diagnosis/items.toml`) is compiled in and can also
//! be loaded from a string ([`Bank::load`]); the loader refuses anything a reviewer would: a
//! duplicate id, a missing language, an answer out of range, repeated options, or a step × module
//! cell with fewer items than the bank's header asks for.
//!
//! - [`bank`]: the item bank model and its loader.
//! - [`run`]: the form of one run (a balanced, deterministic subset), reading the answers, and
//!   scoring: the step reached and a gap per module, each explained in Korean and English.
//! - [`path`]: the learning path, chosen from candidate courses the service layer has already
//!   priced (or found ineligible) with the rules engine.
#![deny(clippy::float_arithmetic)]

pub mod bank;
pub mod path;
pub mod run;

pub use bank::{Bank, BankError, Item, ItemId, Settings};
pub use path::{Candidate, Eligibility, LearningPath, PathInput, PathStep, PathStepKind, Pick};
pub use run::{AnswerError, ModuleScore, Outcome, Response, StepScore};

/// Text in Korean and English (the policy files' type).
pub use aiup_core::policy::Text;
