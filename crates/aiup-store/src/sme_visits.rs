//! Training doctors' visits to firms (issue 11, item 4): scheduled and recorded, per centre; the
//! doctors' caseloads; and the one bulk read discovery scores (migration 0015). Storage models
//! only. Every write is one transaction with its audit event.

use std::fmt;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// Audit action: a visit was scheduled.
pub const ACTION_SME_VISIT_SCHEDULE: &str = "sme.visit.schedule";
/// Audit action: a scheduled visit was recorded as done.
pub const ACTION_SME_VISIT_RECORD: &str = "sme.visit.record";
/// Audit action: a scheduled visit was cancelled.
pub const ACTION_SME_VISIT_CANCEL: &str = "sme.visit.cancel";

/// What a visit is for.
pub const VISIT_PURPOSES: [&str; 4] = ["discover", "diagnose", "prescribe", "follow_up"];

/// The longest note a visit keeps (characters).
pub const VISIT_NOTES_MAX: usize = 500;

/// A visit to schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewVisit {
    pub firm_id: i64,
    pub centre_id: String,
    pub doctor_account_id: i64,
    pub scheduled_on: NaiveDate,
    /// One of [`VISIT_PURPOSES`].
    pub purpose: String,
    /// A short note, no personal data (at most [`VISIT_NOTES_MAX`] characters).
    pub notes: String,
}

/// A stored visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitRecord {
    pub id: i64,
    pub firm_id: i64,
    pub centre_id: String,
    pub doctor_account_id: i64,
    pub scheduled_on: NaiveDate,
    pub purpose: String,
    /// `scheduled`, `done` or `cancelled`.
    pub status: String,
    pub done_on: Option<NaiveDate>,
    pub notes: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Which visits to list. Every field narrows; `None` is "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitFilter {
    pub centre_id: Option<String>,
    pub firm_id: Option<i64>,
    pub doctor_account_id: Option<i64>,
    pub status: Option<String>,
    /// Scheduled on or after this day.
    pub from: Option<NaiveDate>,
    pub limit: Option<u32>,
}

/// One doctor's caseload at a centre.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caseload {
    pub doctor_account_id: i64,
    /// Visits still scheduled.
    pub scheduled: u64,
    /// Visits done in the month asked for.
    pub done_in_month: u64,
    /// Distinct firms with a visit scheduled or done.
    pub firms: u64,
}

/// What discovery needs of one firm, with its partner-programme count (distinct programmes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscoveryRow {
    pub firm_id: i64,
    pub business_number: String,
    pub name: String,
    pub employees: i64,
    pub size_band: String,
    pub ksic_section: String,
    pub ksic_division: String,
    pub region_code: String,
    pub province_code: String,
    pub capital_area: bool,
    pub ai_training: bool,
    pub stated_intent: Option<bool>,
    pub centre_id: Option<String>,
    pub partner_programmes: i64,
}

/// Which firms discovery reads. Every field narrows; `None` is "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscoveryRowFilter {
    pub centre_id: Option<String>,
    pub province_code: Option<String>,
    pub ksic_section: Option<String>,
    pub size_band: Option<String>,
    /// Only the firm with this business number (ten digits).
    pub business_number: Option<String>,
}

/// Visits (`Database::sme_visits`).
#[async_trait]
pub trait VisitStore: Send + Sync + fmt::Debug {
    /// Schedules a visit ([`ACTION_SME_VISIT_SCHEDULE`]). An unknown firm, centre or doctor is
    /// `NotFound`; a bad purpose or an over-long note a `Conflict`.
    async fn schedule(&self, visit: &NewVisit, actor: &str) -> Result<VisitRecord, StoreError>;

    /// Records a scheduled visit as done on `done_on` ([`ACTION_SME_VISIT_RECORD`]), replacing
    /// its notes when `notes` is given. Only a scheduled visit changes: any other is a
    /// `Conflict` (a second record is refused); an unknown one `NotFound`.
    async fn record_done(
        &self,
        id: i64,
        done_on: NaiveDate,
        notes: Option<&str>,
        actor: &str,
    ) -> Result<VisitRecord, StoreError>;

    /// Cancels a scheduled visit ([`ACTION_SME_VISIT_CANCEL`]); as [`VisitStore::record_done`].
    async fn cancel(&self, id: i64, notes: Option<&str>, actor: &str) -> Result<VisitRecord, StoreError>;

    async fn visit(&self, id: i64) -> Result<Option<VisitRecord>, StoreError>;

    /// Visits matching `filter`, by scheduled day then id.
    async fn visits(&self, filter: &VisitFilter) -> Result<Vec<VisitRecord>, StoreError>;

    /// Each doctor's caseload at `centre_id` (doctors with a visit there), by account id; "done
    /// in month" counts the visits done in the calendar month of `month`.
    async fn caseloads(&self, centre_id: &str, month: NaiveDate) -> Result<Vec<Caseload>, StoreError>;

    /// Every firm matching `filter` with its partner-programme count, in one statement, by id.
    async fn discovery_rows(&self, filter: &DiscoveryRowFilter) -> Result<Vec<DiscoveryRow>, StoreError>;
}
