//! Graduates' outcomes from outside records (issue 12, item 4; migration 0018): imports of
//! employment-insurance acquisitions, startup registrations and outside progress figures, each
//! row keeping its import (source label and as-of date). Storage models only. Every table is
//! append-only; an import and its rows are one transaction with its audit event.
//!
//! A record names its person only by the identifier's keyed hash. Reads match it to a person
//! of the `people` table by that hash; a record whose person aiup does not know is kept and
//! read with no person.

use std::fmt;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// Audit action: an outside file of outcomes was imported.
pub const ACTION_OUTCOMES_IMPORT: &str = "outcomes.import";

/// Audit action: a firm was granted the startup-hiring grant.
pub const ACTION_OUTCOMES_GRANT: &str = "outcomes.grant.decide";

/// The kinds of import (`aiup_people::outcome_records::OutcomeKind` spellings).
pub const OUTCOME_IMPORT_KINDS: [&str; 3] = ["employment", "startups", "figures"];

/// An import to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewOutcomeImport {
    /// One of [`OUTCOME_IMPORT_KINDS`].
    pub kind: String,
    /// Where the file comes from ("고용정보원 2026-06 추출").
    pub source: String,
    /// The date the file's facts are true on.
    pub as_of: NaiveDate,
    /// SHA-256 of the file's text (hex): the same file of a kind is stored once.
    pub content_sha256: String,
}

/// A stored import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeImportRecord {
    pub id: i64,
    pub import: NewOutcomeImport,
    pub rows: i64,
    pub imported_by: String,
    pub imported_at: DateTime<Utc>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutcomeImportResult {
    pub import: OutcomeImportRecord,
    /// `false`: the same file was already imported; nothing changed, no audit event.
    pub created: bool,
}

/// An employment-insurance acquisition to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmploymentRow {
    pub line: i64,
    /// HMAC-SHA256 (hex) of the outside person identifier.
    pub person_hash: String,
    /// Ten digits.
    pub business_number: String,
    pub acquired_on: NaiveDate,
    pub lost_on: Option<NaiveDate>,
    /// KSIC as `C26` or a section letter.
    pub ksic: Option<String>,
    pub size_band: String,
}

/// A startup registration to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartupRow {
    pub line: i64,
    pub person_hash: String,
    pub business_number: String,
    pub opened_on: NaiveDate,
    pub ksic: String,
    /// 5-digit 시군구 code.
    pub region_code: String,
}

/// An outside figure to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FigureRow {
    pub line: i64,
    pub metric: String,
    pub value: i64,
    pub unit: String,
    pub as_of: NaiveDate,
}

/// The rows of one import, of its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutcomeRows {
    Employment(Vec<EmploymentRow>),
    Startups(Vec<StartupRow>),
    Figures(Vec<FigureRow>),
}

impl OutcomeRows {
    pub fn kind(&self) -> &'static str {
        match self {
            OutcomeRows::Employment(_) => "employment",
            OutcomeRows::Startups(_) => "startups",
            OutcomeRows::Figures(_) => "figures",
        }
    }

    pub fn len(&self) -> usize {
        match self {
            OutcomeRows::Employment(r) => r.len(),
            OutcomeRows::Startups(r) => r.len(),
            OutcomeRows::Figures(r) => r.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Where a stored fact came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactSource {
    pub import_id: i64,
    pub source: String,
    pub as_of: NaiveDate,
}

/// A stored acquisition, matched to a person when aiup knows the hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredEmployment {
    pub row: EmploymentRow,
    pub person_id: Option<i64>,
    pub from: FactSource,
}

/// A stored startup registration, matched to a person when aiup knows the hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredStartup {
    pub row: StartupRow,
    pub person_id: Option<i64>,
    pub from: FactSource,
}

/// A stored outside figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredFigure {
    pub row: FigureRow,
    pub from: FactSource,
}

/// A completed enrolment (completed or early completion by employment) with what the outcome
/// figures group it by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GraduateRow {
    pub enrolment_id: i64,
    pub person_id: i64,
    pub programme: String,
    /// The person's 5-digit 시군구 code.
    pub region_code: String,
    pub cohort_start: NaiveDate,
    /// The Seoul date of the event that completed the enrolment (the cohort's end if none).
    pub completed_on: NaiveDate,
}

/// A startup-hiring grant to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewGrantDecision {
    /// Ten digits.
    pub business_number: String,
    pub year: i64,
    pub applied_on: NaiveDate,
    pub amount_won: i64,
}

/// A recorded grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantDecisionRecord {
    pub id: i64,
    pub decision: NewGrantDecision,
    pub decided_by: String,
    pub decided_at: DateTime<Utc>,
}

/// Outcomes (`Database::outcomes`).
#[async_trait]
pub trait OutcomeStore: Send + Sync + fmt::Debug {
    /// Stores an import and all its rows in one transaction with its audit event
    /// ([`ACTION_OUTCOMES_IMPORT`]). The same content of the same kind again returns the stored
    /// import with `created: false`. A kind that does not match the rows is a `Conflict`.
    async fn import(
        &self,
        import: &NewOutcomeImport,
        rows: &OutcomeRows,
        actor: &str,
    ) -> Result<OutcomeImportResult, StoreError>;

    /// Every import, newest first.
    async fn imports(&self) -> Result<Vec<OutcomeImportRecord>, StoreError>;

    /// Acquisitions, all or one employer's (ten digits), by import then line.
    async fn employment(&self, business_number: Option<&str>) -> Result<Vec<StoredEmployment>, StoreError>;

    /// Startup registrations, all or one business's, by import then line.
    async fn startups(&self, business_number: Option<&str>) -> Result<Vec<StoredStartup>, StoreError>;

    /// Every outside figure, by metric, then newest as-of date first, then newest import first.
    async fn figures(&self) -> Result<Vec<StoredFigure>, StoreError>;

    /// Records a grant in one transaction with its audit event ([`ACTION_OUTCOMES_GRANT`]). A
    /// second grant to the firm in the year, or one past `cap` grants in the year, is a
    /// `Conflict`, and nothing is written.
    async fn record_grant(
        &self,
        decision: &NewGrantDecision,
        cap: i64,
        actor: &str,
    ) -> Result<GrantDecisionRecord, StoreError>;

    /// The grants of `year`, oldest first.
    async fn grants(&self, year: i64) -> Result<Vec<GrantDecisionRecord>, StoreError>;

    /// Completed enrolments, all or those of `person_ids`, by enrolment id.
    async fn graduates(&self, person_ids: Option<&[i64]>) -> Result<Vec<GraduateRow>, StoreError>;
}
