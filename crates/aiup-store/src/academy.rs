//! The AI instructor academy (issue 12, item 2): instructors, without names, and their track
//! completions, append-only (migration 0017). Storage models only. Every import is one
//! transaction with its audit event.

use std::fmt;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// Audit action: an instructor file was imported.
pub const ACTION_ACADEMY_INSTRUCTORS_IMPORT: &str = "academy.instructors.import";
/// Audit action: a completion file was imported.
pub const ACTION_ACADEMY_COMPLETIONS_IMPORT: &str = "academy.completions.import";

/// The academy's providers, as stored.
pub const ACADEMY_PROVIDERS: [&str; 3] = ["koreatech", "polytech", "hrdkorea"];

/// An instructor to store (upserted by `instructor_ref`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewInstructor {
    pub instructor_ref: String,
    /// One of [`ACADEMY_PROVIDERS`].
    pub provider: String,
    pub region_code: String,
    pub province_code: String,
    pub institution_id: Option<String>,
    pub registered_on: NaiveDate,
    /// The keyed hash of an outside identifier (64 hex digits), never the identifier.
    pub id_key: Option<String>,
}

/// A stored instructor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstructorRecord {
    pub id: i64,
    pub instructor: NewInstructor,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What an instructor import did.
pub type InstructorImportSummary = crate::UpsertSummary;

/// A completion (`completed`) or the withdrawal of one (`revoked`) to append.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCompletion {
    pub instructor_ref: String,
    pub track_id: String,
    pub provider: String,
    pub completed_on: NaiveDate,
    /// `completed` or `revoked`.
    pub kind: String,
}

/// A stored completion row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompletionRecord {
    pub id: i64,
    pub instructor_ref: String,
    pub track_id: String,
    /// 1, 2, … per instructor and track: odd rows complete, even rows withdraw.
    pub seq: i64,
    pub kind: String,
    pub provider: String,
    pub completed_on: NaiveDate,
    pub actor: String,
    pub recorded_at: DateTime<Utc>,
}

/// What a completion import appended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompletionImportSummary {
    pub completed: u64,
    pub revoked: u64,
}

/// The last step of one instructor's track: whether it stands completed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackStep {
    pub instructor_ref: String,
    pub track_id: String,
    pub seq: i64,
}

impl TrackStep {
    pub fn completed(&self) -> bool {
        self.seq % 2 == 1
    }
}

/// One track's completions in effect (the last row of the pair is a completion).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackCount {
    pub track_id: String,
    /// Completions in effect dated from `from` to `to` (both included).
    pub completed: i64,
    /// Instructors whose completion is in effect, whatever its date.
    pub instructors: i64,
}

/// The academy's counts, read from one snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcademyCounts {
    /// By track id.
    pub tracks: Vec<TrackCount>,
    /// Instructors on record.
    pub registered: i64,
    /// Distinct instructors with at least one completion in effect (any date).
    pub instructors_completed: i64,
}

/// Instructors and completions (`Database::academy`).
#[async_trait]
pub trait AcademyStore: Send + Sync + fmt::Debug {
    /// Stores instructors, upserted by record number ([`ACTION_ACADEMY_INSTRUCTORS_IMPORT`]);
    /// an instructor stored unchanged is left alone. A record number listed twice, or a bad
    /// provider, is a `Conflict` and nothing is stored.
    async fn import_instructors(
        &self,
        rows: &[NewInstructor],
        actor: &str,
    ) -> Result<InstructorImportSummary, StoreError>;

    /// Appends completions and withdrawals ([`ACTION_ACADEMY_COMPLETIONS_IMPORT`]). An unknown
    /// instructor is `NotFound`; a completion of a track that stands completed, a withdrawal of
    /// one that does not, or a pair listed twice is a `Conflict`; nothing is stored then.
    async fn import_completions(
        &self,
        rows: &[NewCompletion],
        actor: &str,
    ) -> Result<CompletionImportSummary, StoreError>;

    async fn instructor(&self, instructor_ref: &str) -> Result<Option<InstructorRecord>, StoreError>;

    /// Every stored record number.
    async fn instructor_refs(&self) -> Result<Vec<String>, StoreError>;

    /// The last step of every instructor and track that has one.
    async fn track_steps(&self) -> Result<Vec<TrackStep>, StoreError>;

    /// One instructor's completion rows, by track then number.
    async fn completions_of(&self, instructor_ref: &str) -> Result<Vec<CompletionRecord>, StoreError>;

    /// The counts, completions dated from `from` to `to`.
    async fn counts(&self, from: NaiveDate, to: NaiveDate) -> Result<AcademyCounts, StoreError>;
}
