//! The training infrastructure (issue 12, item 2): physical AI labs and AI joint training
//! centres, each run by a catalogue institution (migration 0017), and the one read of how the
//! sites' cohorts are used. Storage models only. Every import is one transaction with its audit
//! event.

use std::fmt;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// Audit action: a site file was imported.
pub const ACTION_SITES_IMPORT: &str = "sites.import";

/// The kinds of site, as stored.
pub const SITE_KINDS: [&str; 2] = ["physical_ai_lab", "joint_training_centre"];

/// A site to store (upserted by id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSite {
    pub id: String,
    /// One of [`SITE_KINDS`].
    pub kind: String,
    pub name_ko: String,
    pub name_en: String,
    pub institution_id: String,
    pub region_code: String,
    pub province_code: String,
    pub capacity: i64,
    pub designated_on: NaiveDate,
    pub opened_on: Option<NaiveDate>,
    pub industry_focus: String,
}

/// A stored site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteRecord {
    pub site: NewSite,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a site import did.
pub type SiteImportSummary = crate::UpsertSummary;

/// The enrolments of one cohort of a site's institution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteCohortUse {
    pub institution_id: String,
    pub course_id: String,
    pub cohort_ordinal: i64,
    pub cohort_start: NaiveDate,
    pub cohort_end: NaiveDate,
    /// Enrolments `in_training` in a cohort running on the day asked for.
    pub in_training: i64,
    /// Enrolments completed (`completed`, `early_completion_employment`).
    pub completed: i64,
}

/// Sites (`Database::sites`).
#[async_trait]
pub trait SiteStore: Send + Sync + fmt::Debug {
    /// Stores sites, upserted by id ([`ACTION_SITES_IMPORT`]); a site stored unchanged is left
    /// alone. An id listed twice or a bad kind is a `Conflict` and nothing is stored.
    async fn import_sites(&self, rows: &[NewSite], actor: &str) -> Result<SiteImportSummary, StoreError>;

    /// Every site, by kind then id.
    async fn sites(&self) -> Result<Vec<SiteRecord>, StoreError>;

    async fn site(&self, id: &str) -> Result<Option<SiteRecord>, StoreError>;

    /// The enrolments of every cohort (with at least one enrolment) of the institutions that run
    /// a site, or of `institution_id` only, on `day`; by institution, course and cohort.
    async fn cohort_use(&self, day: NaiveDate, institution_id: Option<&str>) -> Result<Vec<SiteCohortUse>, StoreError>;
}
