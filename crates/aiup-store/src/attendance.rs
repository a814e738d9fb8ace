//! The attendance aggregate: each enrolment's training days, one row per (enrolment, calendar
//! month), the corrections made to them, and the check-in codes trainees have used.
//!
//! Storage only. A month's days are an opaque, fixed-layout blob encoded and decoded by
//! `aiup_people::attendance::MonthSheet`; which days exist, what a record means and who may change
//! it are decided by the caller. What the store keeps true:
//! - a month is written only from the version the caller read (`expected_version`), so two
//!   writers of the same trainee-month cannot both win; a batch is all or nothing;
//! - corrections are append-only (triggers refuse UPDATE and DELETE) and are written in the same
//!   transaction as the month they change, with one audit event per batch;
//! - a trainee uses a check-in code at most once (primary key on enrolment, code window and
//!   direction).

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// Audit action: staff or a trainee's check-in wrote attendance (detail: counts and days).
pub const ACTION_ATTENDANCE_RECORD: &str = "attendance.record";
/// Audit action: a recorded day was corrected (detail: the day, old and new values, reason).
pub const ACTION_ATTENDANCE_CORRECT: &str = "attendance.correct";
/// Audit action: months were bulk-loaded (the population generator; detail: counts and ids).
pub const ACTION_ATTENDANCE_LOAD: &str = "attendance.load";

/// One enrolment's days of one calendar month, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceMonth {
    pub enrolment_id: i64,
    /// The first day of the calendar month.
    pub month: NaiveDate,
    /// `MonthSheet` bytes.
    pub days: Vec<u8>,
    /// 1 for the first write, then +1 per write.
    pub version: i64,
}

/// A month to write: the whole blob, from the version the caller read (0: the row is new).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthWrite {
    pub enrolment_id: i64,
    pub month: NaiveDate,
    pub expected_version: i64,
    pub days: Vec<u8>,
}

/// A correction to write with its month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCorrection {
    pub enrolment_id: i64,
    pub day: NaiveDate,
    /// The day before and after, as the caller's JSON (`aiup_rules::attendance::Day`).
    pub old: serde_json::Value,
    pub new: serde_json::Value,
    pub reason: String,
    /// What evidence was filed (a description or a document reference), if any.
    pub evidence: Option<String>,
}

/// A stored correction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionRecord {
    pub id: i64,
    pub enrolment_id: i64,
    pub day: NaiveDate,
    pub old: serde_json::Value,
    pub new: serde_json::Value,
    pub reason: String,
    pub evidence: Option<String>,
    pub actor: String,
    pub at: DateTime<Utc>,
}

/// One batch of attendance writes: months, their corrections, and the audit detail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttendanceWrite {
    pub months: Vec<MonthWrite>,
    pub corrections: Vec<NewCorrection>,
    /// [`ACTION_ATTENDANCE_RECORD`] or [`ACTION_ATTENDANCE_CORRECT`] (any `attendance.` action).
    pub action: String,
    /// The audit event's detail (never a secret).
    pub detail: serde_json::Value,
}

/// A trainee's use of a check-in code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeUse {
    pub enrolment_id: i64,
    /// The code's minute window (minutes since the Unix epoch).
    pub window: i64,
    /// `in` or `out`.
    pub direction: String,
}

/// Why an attendance write was refused; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum AttendanceError {
    /// A month changed since the caller read it: read again and retry.
    #[error("attendance of enrolment {enrolment_id} for {month} changed since it was read")]
    Stale { enrolment_id: i64, month: NaiveDate },
    /// The trainee already used this code (for this direction).
    #[error("check-in code already used")]
    CodeUsed,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for AttendanceError {
    fn from(e: sqlx::Error) -> AttendanceError {
        AttendanceError::Store(e.into())
    }
}

/// Attendance (`Database::attendance`).
#[async_trait]
pub trait AttendanceStore: Send + Sync {
    /// The stored months of `enrolment_ids` from `from` to `to` (first days of months, both
    /// included), ordered by enrolment id, then month.
    async fn months(
        &self,
        enrolment_ids: &[i64],
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<AttendanceMonth>, StoreError>;

    /// Every stored month up to `to` of the enrolments with ids in `ids` (both ends included),
    /// ordered by enrolment id, then month: the payroll reads the country in id ranges.
    async fn months_in_range(
        &self,
        ids: std::ops::RangeInclusive<i64>,
        to: NaiveDate,
    ) -> Result<Vec<AttendanceMonth>, StoreError>;

    /// Writes a batch in one transaction: every month from its expected version (else
    /// [`AttendanceError::Stale`] and nothing is written), the corrections, one audit event.
    async fn write(&self, batch: &AttendanceWrite, actor: &str) -> Result<(), AttendanceError>;

    /// Records a trainee's use of a code together with the month it writes, in one transaction;
    /// [`AttendanceError::CodeUsed`] (nothing written) if the trainee used it before.
    async fn check_in(&self, code: &CodeUse, batch: &AttendanceWrite, actor: &str) -> Result<(), AttendanceError>;

    /// The corrections of one enrolment, oldest first.
    async fn corrections(&self, enrolment_id: i64) -> Result<Vec<CorrectionRecord>, StoreError>;

    /// Bulk load (the population generator): writes `months` as given, versions included, in
    /// one transaction with one audit event [`ACTION_ATTENDANCE_LOAD`]; returns the rows
    /// written. A month that is already stored fails the whole load (nothing is written).
    /// COPY on PostgreSQL; on SQLite `INSERT … SELECT … FROM json_each`, 20,000 rows a
    /// statement.
    async fn load(&self, months: &[AttendanceMonth], actor: &str) -> Result<u64, StoreError>;
}
