//! The 2025 SME AI-training demand survey (seed 002 appendix 2, 1,013 firms): answers and their
//! CSV form, the published tables recomputed from answers, and a seeded generator.
//!
//! - [`SurveyAnswer`]: one firm's answers, with the survey's codes ([`Experience`], [`Field`],
//!   [`Method`], [`Level`], [`Hours`], [`Obstacle`], [`Support`]).
//! - [`parse_survey_csv`] / [`write_survey_csv`]: the CSV form documented in docs/sme-survey.md;
//!   every bad row is listed and nothing is returned if any row is bad.
//! - [`tables`]: every appendix-2 table, overall, by size band and by training experience, as
//!   counts and percentages to one decimal (per-mille, rounded half up, integer arithmetic).
//! - [`generate()`]: 1,013 synthetic answers faithful to every published percentage.
//! - [`PROVINCES`]: the 17 provinces (one regional HRD committee each) and [`regional_demand`].

mod codes;
mod csv;
mod generate;
mod regions;
mod tables;
#[cfg(test)]
mod tests;

use serde::Serialize;

use crate::{BusinessNumber, SizeBand};

pub use codes::{Experience, Field, Hours, Level, Method, Obstacle, Support};
pub use csv::{parse_survey_csv, write_survey_csv, SURVEY_CSV_HEADER};
pub use generate::{generate, SAMPLE_SIZE};
pub use regions::{province, regional_demand, Province, RegionalDemand, PROVINCES};
pub use tables::{
    per_mille, percent_text, tables, tables_csv, Breakdown, Cell, Column, RowDef, SurveyTables, Table,
    TABLES_CSV_HEADER,
};

/// A set of answers to one multiple-choice question: bit `i` is the `i`-th option of the
/// question's `ALL` list (so option ① is bit 0).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Choices(pub u16);

impl Choices {
    pub const NONE: Choices = Choices(0);

    pub fn contains(self, index: usize) -> bool {
        index < 16 && self.0 & (1 << index) != 0
    }

    pub fn with(self, index: usize) -> Choices {
        Choices(self.0 | (1 << index))
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The chosen option indexes, ascending.
    pub fn indexes(self) -> impl Iterator<Item = usize> {
        (0..16).filter(move |i| self.contains(*i))
    }
}

/// One firm's answers to the demand survey (one CSV row).
///
/// Questions about training done are asked only of firms with AI-training experience; questions
/// about training needed only of firms that need AI training; obstacles to the training needed
/// of firms that need or intend to train ("demand firms"); the support wanted of every firm.
/// `None` (or an empty set) is "not asked" or "no answer".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SurveyAnswer {
    pub business_number: Option<BusinessNumber>,
    pub size_band: SizeBand,
    /// The province's two-digit code (data/regions/sido.csv), one of [`PROVINCES`].
    pub province: String,
    pub ai_use: bool,
    pub experience: Experience,
    pub need: bool,
    /// Intends AI training within three years.
    pub intent: bool,
    pub fields_done: Choices,
    pub fields_needed: Choices,
    pub method_done: Option<Method>,
    pub method_needed: Option<Method>,
    pub level_done: Option<Level>,
    pub level_needed: Option<Level>,
    pub hours_done: Option<Hours>,
    pub hours_needed: Option<Hours>,
    pub obstacles_done: Choices,
    pub obstacles_needed: Choices,
    pub support: Choices,
}

impl SurveyAnswer {
    /// Has done AI training (경험있음).
    pub fn trained(&self) -> bool {
        self.experience == Experience::Done
    }

    /// A "demand firm": needs AI training or intends to train within three years.
    pub fn demand(&self) -> bool {
        self.need || self.intent
    }
}
