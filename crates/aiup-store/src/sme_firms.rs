//! The SME registry aggregate (migration 0013): AI-training diffusion centres, firms and the
//! partner ministries' participant lists. Storage models only: `aiup-app` turns them into and
//! out of `aiup-sme` values. Every write is one transaction with its audit event.

use std::fmt;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// Audit action: firms were imported (counts created, updated, unchanged).
pub const ACTION_SME_FIRMS_IMPORT: &str = "sme.firms.import";
/// Audit action: a partner programme's participant list was imported.
pub const ACTION_SME_PARTNERS_IMPORT: &str = "sme.partners.import";
/// Audit action: the centres were replaced from their data file.
pub const ACTION_SME_CENTRES_LOAD: &str = "sme.centres.load";
/// Audit action: a firm was assigned to a centre (detail: before, after).
pub const ACTION_SME_FIRM_ASSIGN: &str = "sme.firm.assign";
/// Audit action: a firm's stated intent was set (from the survey or a diagnosis).
pub const ACTION_SME_FIRM_INTENT: &str = "sme.firm.intent";

/// An AI-training diffusion centre (중소기업 AI 훈련 확산센터).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CentreRecord {
    pub id: String,
    pub name_ko: String,
    pub name_en: String,
    /// 2-digit province codes.
    pub provinces: Vec<String>,
    pub opened_on: Option<NaiveDate>,
    pub cite: String,
}

/// A firm as imported (every field validated by `aiup-sme` first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewFirm {
    /// Ten digits.
    pub business_number: String,
    pub name: String,
    pub employees: i64,
    /// `aiup_sme::SizeBand::as_str`.
    pub size_band: String,
    pub ksic_section: String,
    pub ksic_division: String,
    pub region_code: String,
    pub province_code: String,
    pub capital_area: bool,
    pub priority_support: bool,
    pub employer_training: bool,
    pub ai_training: bool,
    pub ai_training_hours: i64,
}

/// A stored firm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirmRecord {
    pub id: i64,
    pub firm: NewFirm,
    pub stated_intent: Option<bool>,
    pub intent_source: Option<String>,
    pub intent_on: Option<NaiveDate>,
    pub centre_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirmImportSummary {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
}

/// One row of a partner programme's participant list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewParticipation {
    pub programme_id: String,
    pub business_number: String,
    pub year: i64,
}

/// A stored participation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipationRecord {
    pub programme_id: String,
    pub business_number: String,
    pub year: i64,
    /// What the list was imported from (a file name and date the importer gives).
    pub source: String,
    pub imported_at: DateTime<Utc>,
}

/// What a participant import did: rows new, rows already there, and rows whose business number
/// is not (yet) in the registry (kept, and listed by the integrated view as unmatched).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipationImportSummary {
    pub added: u64,
    pub already_known: u64,
    pub unmatched: u64,
}

/// Which firms to list. Every field narrows; `None` is "any".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirmFilter {
    pub centre_id: Option<String>,
    pub province_code: Option<String>,
    pub ksic_section: Option<String>,
    pub size_band: Option<String>,
    /// Only firms taking part in this partner programme.
    pub programme_id: Option<String>,
    /// Name or business-number prefix.
    pub text: Option<String>,
    /// Paging: firms with an id above this, in id order.
    pub after_id: Option<i64>,
    pub limit: Option<u32>,
}

/// The registry (`Database::firms`).
#[async_trait]
pub trait FirmStore: Send + Sync + fmt::Debug {
    /// Replaces the centres with `centres` (ids kept stable: a centre no longer listed but with
    /// firms assigned is a `Conflict`), in one transaction with [`ACTION_SME_CENTRES_LOAD`].
    async fn load_centres(&self, centres: &[CentreRecord], actor: &str) -> Result<(), StoreError>;

    /// Every centre, by id.
    async fn centres(&self) -> Result<Vec<CentreRecord>, StoreError>;

    /// Inserts new firms and updates changed ones (by business number; an unchanged row is
    /// left alone), all in one transaction with [`ACTION_SME_FIRMS_IMPORT`]. Idempotent.
    async fn import_firms(&self, firms: &[NewFirm], actor: &str) -> Result<FirmImportSummary, StoreError>;

    async fn firm(&self, id: i64) -> Result<Option<FirmRecord>, StoreError>;

    async fn firm_by_number(&self, business_number: &str) -> Result<Option<FirmRecord>, StoreError>;

    /// Firms matching `filter`, in id order.
    async fn firms(&self, filter: &FirmFilter) -> Result<Vec<FirmRecord>, StoreError>;

    /// How many firms match `filter` (its paging ignored).
    async fn count_firms(&self, filter: &FirmFilter) -> Result<u64, StoreError>;

    /// Assigns a firm to a centre (or none), with [`ACTION_SME_FIRM_ASSIGN`]. An unknown firm or
    /// centre is `NotFound`.
    async fn assign_centre(&self, firm_id: i64, centre_id: Option<&str>, actor: &str) -> Result<(), StoreError>;

    /// Assigns every firm without a centre to the centre whose provinces include the firm's, in
    /// one transaction with one [`ACTION_SME_FIRM_ASSIGN`] event (subject `sme_firms`, detail:
    /// the count per centre). Returns how many firms were assigned.
    async fn assign_by_province(&self, actor: &str) -> Result<u64, StoreError>;

    /// Sets a firm's stated intent to train, with its source and date ([`ACTION_SME_FIRM_INTENT`]).
    async fn set_intent(
        &self,
        business_number: &str,
        intent: bool,
        source: &str,
        on: NaiveDate,
        actor: &str,
    ) -> Result<bool, StoreError>;

    /// Adds a participant list's rows (a row already stored is left alone), in one transaction
    /// with [`ACTION_SME_PARTNERS_IMPORT`].
    async fn import_participations(
        &self,
        rows: &[NewParticipation],
        source: &str,
        actor: &str,
    ) -> Result<ParticipationImportSummary, StoreError>;

    /// The participations of one business number, by programme and year.
    async fn participations_of(&self, business_number: &str) -> Result<Vec<ParticipationRecord>, StoreError>;

    /// Every participation, for the integrated list and for discovery (one read).
    async fn participations(&self) -> Result<Vec<ParticipationRecord>, StoreError>;
}
