//! Reform drafts and the population basis reforms are compared on (issue 12, item 5; migrations
//! 0019 and 0020). Storage models only. Drafts are append-only (a new version is a new row); the basis is
//! derived data, replaced as a whole by a refresh. Every write is one transaction with its audit
//! event.

use std::fmt;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// Audit action: a reform draft (or a new version of one) was saved.
pub const ACTION_REFORM_DRAFT: &str = "reform.draft";
/// Audit action: the reform basis was refreshed.
pub const ACTION_REFORM_BASIS: &str = "reform.basis.refresh";

/// The longest description a draft keeps (characters).
pub const REFORM_DESCRIPTION_MAX: usize = 1000;

/// A draft to save. Its version is the next for its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewReformDraft {
    /// 1–64 characters; the versions of one draft share it.
    pub name: String,
    pub description: String,
    /// The overrides as JSON text (a list of `aiup_core::policy::Override`).
    pub overrides: String,
    /// The policy version the draft was written against.
    pub based_on_policy: String,
}

/// A stored draft version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReformDraftRecord {
    pub id: i64,
    pub name: String,
    pub version: i64,
    pub description: String,
    pub overrides: String,
    pub based_on_policy: String,
    pub author: String,
    pub created_at: DateTime<Utc>,
}

/// One enrolment of the basis: its case inputs and its counted periods, packed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BasisRow {
    pub enrolment_id: i64,
    pub programme: String,
    pub region: String,
    pub province: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub total_hours_tenths: i64,
    pub hours_per_day_tenths: i64,
    pub delivery: String,
    pub fee_won: Option<i64>,
    pub unit_price_won: Option<i64>,
    pub ai_course: bool,
    pub self_payment_rate_bp: Option<i64>,
    pub provision: String,
    pub status: String,
    pub employer_size: Option<String>,
    pub exempt_group: bool,
    pub vulnerable_group: bool,
    pub sandaetuk_repeat: bool,
    /// `aiup_rules::reform::pack_periods` (8 bytes a period).
    pub periods: Vec<u8>,
}

/// When the basis was refreshed, and what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BasisMeta {
    pub refreshed_at: DateTime<Utc>,
    /// Attendance was counted up to this Seoul day (closed periods only).
    pub counted_until: NaiveDate,
    /// The policy version whose counting rules counted the periods.
    pub policy_version: String,
    pub enrolments: i64,
    pub periods: i64,
}

/// Reform drafts and the basis (`Database::reforms`).
#[async_trait]
pub trait ReformStore: Send + Sync + fmt::Debug {
    /// Saves a draft as the next version of its name ([`ACTION_REFORM_DRAFT`]). A name out of
    /// 1–64 characters or a description longer than [`REFORM_DESCRIPTION_MAX`] is a `Conflict`.
    async fn save_draft(&self, draft: &NewReformDraft, actor: &str) -> Result<ReformDraftRecord, StoreError>;

    /// Every draft version, newest first.
    async fn drafts(&self) -> Result<Vec<ReformDraftRecord>, StoreError>;

    async fn draft(&self, id: i64) -> Result<Option<ReformDraftRecord>, StoreError>;

    /// Replaces the whole basis with `rows` and stamps it ([`ACTION_REFORM_BASIS`]), in one
    /// transaction. `refreshed_at` is set by the store. A row whose packed periods are not a
    /// whole number of periods is a `Conflict` and nothing is written.
    async fn replace_basis(
        &self,
        rows: Vec<BasisRow>,
        counted_until: NaiveDate,
        policy_version: &str,
        actor: &str,
    ) -> Result<BasisMeta, StoreError>;

    /// When the basis was refreshed, or `None` before the first refresh.
    async fn basis_meta(&self) -> Result<Option<BasisMeta>, StoreError>;

    /// The whole basis in enrolment order and its stamp, from one snapshot (one statement for
    /// the rows); `None` before the first refresh.
    async fn basis(&self) -> Result<Option<(BasisMeta, Vec<BasisRow>)>, StoreError>;
}

impl fmt::Display for BasisMeta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} enrolments, {} periods, counted to {} under {}, refreshed {}",
            self.enrolments, self.periods, self.counted_until, self.policy_version, self.refreshed_at
        )
    }
}
