//! The national course catalogue: training institutions, courses and their cohorts.
//!
//! This crate does no IO. It turns import rows into validated [`Course`] and [`Institution`]
//! values (parse, don't validate: every field is a checked type once it is here), and renders
//! them back out. Storage lives in `aiup-store`, search in `aiup-search`.

pub mod academy;
mod cells;
pub mod details;
pub mod encoding;
pub mod export;
pub mod generate;
pub mod import;
pub mod model;
pub mod sites;
pub mod status;
pub mod validate;
pub mod validate_details;
pub mod vocab;

pub use details::{
    CourseDetails, Email, InstitutionContact, NcsUnitCode, Phone, Quality, QualityMeasure, QualitySignal, SyllabusUnit,
    TimeOfDay, Timetable, WebAddress,
};
pub use export::export;
pub use import::{parse, Format, ImportErrors, ImportOptions, RecordKind, RowError};
pub use model::{
    ApplicationPeriod, CatalogueBatch, Cohort, Course, ExternalId, Hours, Institution, NcsCode, FEE_MAX_WON,
    KEYWORDS_MAX, KEYWORD_MAX_CHARS, SUMMARY_MAX_CHARS, TEXT_MAX_CHARS,
};
pub use status::CohortStatus;
pub use validate::{CohortInput, CourseInput, FieldError, InstitutionInput, ValidationContext};
pub use validate_details::{QualitySignalInput, SyllabusUnitInput};
pub use vocab::{AiLevel, AiStep, Audience, BasicModule, FeeBand, HoursBand, InstitutionKind, NcsMajor, QualityGrade};
