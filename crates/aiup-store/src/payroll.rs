//! The payroll aggregate: monthly runs of the training allowance and their append-only payment
//! ledger, one line per (enrolment, unit period) and run.
//!
//! Storage only: amounts come from the rules engine through the caller. What the store keeps
//! true:
//! - lines are never changed or deleted (triggers refuse UPDATE and DELETE, and TRUNCATE on
//!   PostgreSQL); a late correction is a new `adjustment` line in a later run;
//! - a run and all its lines are written in ONE transaction, or nothing is (a run killed
//!   halfway leaves no trace, and running again writes the same lines);
//! - runs of the payroll are serialised: `create_run` refuses with [`PayrollError::Moved`] if a
//!   run was created or cancelled since the caller read the ledger's head (`last_run_id`, a
//!   counter bumped by every create and cancel, passed back as `expected_last_run`), so two
//!   concurrent runs cannot pay the same period twice;
//! - a run moves draft → approved → exported, or draft → cancelled, each step a conditional
//!   UPDATE from the status the caller saw, with an audit event; the person who created a run
//!   cannot approve it (checked here too, not only by the service).

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// Audit action prefix: `payroll.run`, `payroll.approve`, `payroll.export`, `payroll.cancel`.
pub const ACTION_PAYROLL_PREFIX: &str = "payroll.";
pub const ACTION_PAYROLL_RUN: &str = "payroll.run";
pub const ACTION_PAYROLL_APPROVE: &str = "payroll.approve";
pub const ACTION_PAYROLL_EXPORT: &str = "payroll.export";
pub const ACTION_PAYROLL_CANCEL: &str = "payroll.cancel";

/// A run's status: `draft`, `approved`, `exported` or `cancelled`.
pub const RUN_STATUSES: [&str; 4] = ["draft", "approved", "exported", "cancelled"];

/// A stored payroll run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayrollRunRecord {
    pub id: i64,
    /// `YYYY-MM`.
    pub month: String,
    pub status: String,
    /// The policy version the amounts were computed under.
    pub policy_sha256: String,
    pub lines: i64,
    pub total_won: i64,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub approved_by: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
    pub exported_by: Option<String>,
    pub exported_at: Option<DateTime<Utc>>,
    pub cancelled_by: Option<String>,
    pub cancelled_at: Option<DateTime<Utc>>,
}

/// One payment line to write. Deterministic: it holds no id and no timestamp, so the same
/// attendance and policy always give the same lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPayrollLine {
    pub enrolment_id: i64,
    pub person_id: i64,
    /// 1-based unit period of the enrolment's course.
    pub period_index: i64,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// `regular` (the period's first line) or `adjustment` (a difference found later).
    pub kind: String,
    /// What this line pays (an adjustment may be negative).
    pub amount_won: i64,
    /// The period's full computed amount and its parts, as of this run.
    pub computed_won: i64,
    pub base_won: i64,
    pub special_won: i64,
    pub meal_deduction_won: i64,
    pub scheduled_days: i64,
    pub recognised_days: i64,
    /// For totals.
    pub programme: String,
    pub institution_id: String,
    /// `capital`, `non_capital` or `population_declining`.
    pub region_tier: String,
    /// 시도 code of the institution.
    pub province: String,
    /// The engine's trace of the period (JSON), so every won is explained.
    pub trace: serde_json::Value,
}

/// A stored payment line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayrollLineRecord {
    pub id: i64,
    pub run_id: i64,
    /// The run's month, `YYYY-MM`.
    pub month: String,
    #[serde(flatten)]
    pub line: NewPayrollLine,
}

/// What has been paid (or drafted) so far for one (enrolment, unit period): the sum of its lines
/// in runs that are not cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaidPeriod {
    pub enrolment_id: i64,
    pub period_index: i64,
    pub amount_won: i64,
}

/// How to group the totals of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TotalsBy {
    Programme,
    RegionTier,
    Province,
    Institution,
}

/// One group's total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayrollTotal {
    pub key: String,
    pub lines: i64,
    pub amount_won: i64,
}

/// Why a payroll change was refused; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum PayrollError {
    /// Another run was created or cancelled since the caller read the ledger: read and retry.
    #[error("the payroll ledger moved since it was read")]
    Moved,
    /// The run is not in the status this step needs.
    #[error("payroll run {run_id} is {status}")]
    WrongStatus { run_id: i64, status: String },
    /// The person who created a run tried to approve it.
    #[error("the person who ran the payroll cannot approve it")]
    SelfApproval,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for PayrollError {
    fn from(e: sqlx::Error) -> PayrollError {
        PayrollError::Store(e.into())
    }
}

/// Payroll runs and the payment ledger (`Database::payroll`).
#[async_trait]
pub trait PayrollStore: Send + Sync {
    /// The ledger's head: a counter that every run created and every run cancelled moves
    /// forward by one (0 before the first run). Read it BEFORE reading what was paid, and pass
    /// it to `create_run` as `expected_last_run`. It is NOT a run id (use `runs(None)` for the
    /// newest run); the name is kept for the callers written against it.
    async fn last_run_id(&self) -> Result<i64, StoreError>;

    /// The sums paid so far for enrolments with ids in `ids`, ordered by enrolment then period.
    async fn paid_in_range(&self, ids: std::ops::RangeInclusive<i64>) -> Result<Vec<PaidPeriod>, StoreError>;

    /// Writes a draft run for `month` with all its lines in one transaction with its audit
    /// event `payroll.run`; [`PayrollError::Moved`] (nothing written) if the ledger's head is no
    /// longer `expected_last_run` (what [`PayrollStore::last_run_id`] returned): a run was
    /// created or cancelled since. The run's `lines` and `total_won` are the count and sum of
    /// `lines`. Lines go in with COPY on PostgreSQL and `INSERT … SELECT … FROM json_each` on
    /// SQLite, 20,000 at a time.
    /// A run with no lines is still recorded (it shows the month was run and nothing was owed).
    async fn create_run(
        &self,
        month: &str,
        policy_sha256: &str,
        expected_last_run: i64,
        lines: &[NewPayrollLine],
        actor: &str,
    ) -> Result<PayrollRunRecord, PayrollError>;

    /// draft → approved, by someone other than its creator.
    async fn approve(&self, run_id: i64, actor: &str) -> Result<PayrollRunRecord, PayrollError>;
    /// approved → exported (the payment file was produced).
    async fn mark_exported(&self, run_id: i64, actor: &str) -> Result<PayrollRunRecord, PayrollError>;
    /// draft → cancelled: its lines stay in the ledger but no longer count as paid.
    async fn cancel(&self, run_id: i64, actor: &str) -> Result<PayrollRunRecord, PayrollError>;

    async fn run(&self, run_id: i64) -> Result<Option<PayrollRunRecord>, StoreError>;
    /// Runs, newest first; only `month`'s if given.
    async fn runs(&self, month: Option<&str>) -> Result<Vec<PayrollRunRecord>, StoreError>;
    /// A run's lines ordered by enrolment, period and id; `limit` 0 means all.
    async fn lines(&self, run_id: i64, offset: i64, limit: i64) -> Result<Vec<PayrollLineRecord>, StoreError>;
    /// Every line of one enrolment in every run (cancelled ones included), oldest first.
    async fn lines_of_enrolment(&self, enrolment_id: i64) -> Result<Vec<PayrollLineRecord>, StoreError>;
    /// A run's totals grouped by `by`, sorted by key.
    async fn totals(&self, run_id: i64, by: TotalsBy) -> Result<Vec<PayrollTotal>, StoreError>;
}
