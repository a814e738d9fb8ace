//! The SME package (seed 002 IV-②, V, appendix 2) as data and pure rules: discover → diagnose →
//! prescribe. It does no IO: data files are compiled in, and "today" is passed in.
//!
//! - [`bizno`]: the business registration number (사업자등록번호) and its check digit.
//! - [`centre`]: the plan's ten AI-training diffusion centres and the provinces each covers.
//! - [`ksic`]: the Korean Standard Industrial Classification, sections and divisions.
//! - [`firm`]: a workplace as the registry holds it (size band, industry, region, training
//!   history), its CSV import with every bad row listed, and the AX level vocabulary.
//! - [`partner`]: the partner ministries' AX programmes and how the plan collaborates with each
//!   (a cited data file), and participant lists matched by business number.
//! - [`discovery`]: the score that ranks whom to visit first, with its reasons.
//! - [`questionnaire`], [`assessment`]: the diagnosis questionnaire (data, Korean and English)
//!   and its scoring into an AX level with reasons.
//! - [`prescription`]: the training plan a level and its needs call for.
//! - [`survey`]: the demand survey of appendix 2: answers, tables, and a seeded generator
//!   faithful to every published percentage.
//! - [`generate`]: seeded synthetic firms and partner-programme links, for demos and benchmarks.
#![deny(clippy::float_arithmetic)]

pub mod assessment;
pub mod bizno;
pub mod centre;
pub mod discovery;
pub mod firm;
pub mod generate;
pub mod ksic;
pub mod partner;
pub mod prescription;
pub mod questionnaire;
pub mod survey;

pub use bizno::BusinessNumber;
pub use firm::{AxLevel, SizeBand};

/// Bad fields and rows of an import (shared with every import of the platform).
pub use aiup_core::problem::{FieldProblem, RowProblem};
