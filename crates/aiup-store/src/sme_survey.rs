//! The SME AI-training demand survey's answers (one row per firm), as imported (migration 0014).
//! Storage models only: the codes are those of docs/sme-survey.md and `aiup_sme::survey`.

use std::fmt;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::StoreError;

/// The audit action of a survey import (one event per round, in the import's transaction).
pub const ACTION_SME_SURVEY_IMPORT: &str = "sme.survey.import";

/// A round to import: one survey file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewSurveyRound {
    pub name: String,
    pub fielded_from: NaiveDate,
    pub fielded_to: NaiveDate,
    /// Where the answers come from (a file name, or "generated: seed 7").
    pub source: String,
    /// SHA-256 of the file's text, hex: the same file imported again is the same round.
    pub content_sha256: String,
}

/// A stored round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SurveyRound {
    pub id: i64,
    pub round: NewSurveyRound,
    pub answers: i64,
    pub imported_at: DateTime<Utc>,
    pub imported_by: String,
}

/// One firm's answers in compact columns: choices are bit sets (bit 0 = option ①), single
/// answers the option's index (0-based), `None` for not asked or no answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SurveyAnswerRow {
    /// The CSV line the answer came from.
    pub line: i64,
    pub business_number: Option<String>,
    pub size_band: String,
    pub province: String,
    pub ai_use: bool,
    /// `done`, `considering` or `none`.
    pub experience: String,
    pub need: bool,
    pub intent: bool,
    pub fields_done: i64,
    pub fields_needed: i64,
    pub method_done: Option<i64>,
    pub method_needed: Option<i64>,
    pub level_done: Option<i64>,
    pub level_needed: Option<i64>,
    pub hours_done: Option<i64>,
    pub hours_needed: Option<i64>,
    pub obstacles_done: i64,
    pub obstacles_needed: i64,
    pub support: i64,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SurveyImport {
    pub round: SurveyRound,
    /// `false` when the same file was already imported (nothing changed, no audit event).
    pub created: bool,
}

/// Survey answers (`Database::sme_survey`).
#[async_trait]
pub trait SurveyStore: Send + Sync + fmt::Debug {
    /// Stores a round and all its answers in one transaction with its audit event
    /// ([`ACTION_SME_SURVEY_IMPORT`]). The same content again returns the stored round with
    /// `created: false`; another file under a stored round's name is a conflict.
    async fn import_round(
        &self,
        round: &NewSurveyRound,
        answers: &[SurveyAnswerRow],
        actor: &str,
    ) -> Result<SurveyImport, StoreError>;

    /// Every round, newest first.
    async fn rounds(&self) -> Result<Vec<SurveyRound>, StoreError>;

    async fn round(&self, id: i64) -> Result<Option<SurveyRound>, StoreError>;

    /// A round's answers in line order.
    async fn answers(&self, round_id: i64) -> Result<Vec<SurveyAnswerRow>, StoreError>;
}
