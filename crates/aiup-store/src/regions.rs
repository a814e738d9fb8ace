//! The regions aggregate: the whole region table and its aliases, replaced as one set.

use std::fmt;

use async_trait::async_trait;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{ImportOutcome, StoreError};

/// Audit action recorded when a region set is imported.
pub const ACTION_REGIONS_IMPORT: &str = "regions.import";

/// One administrative region (시군구, or 시도 level where applicable).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct RegionRecord {
    /// Current 5-digit code, e.g. `51760`.
    pub code: String,
    pub sido_code: String,
    pub sido_name: String,
    /// Full name "시도 시군구", e.g. "강원특별자치도 평창군".
    pub name: String,
    pub kind: String,
    pub parent_code: Option<String>,
    pub capital_area: bool,
    pub population_declining: bool,
}

/// An old name or old code that maps to a current region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct RegionAliasRecord {
    /// Old full name or old 5-digit code.
    pub alias: String,
    pub current_code: String,
    pub changed_on: Option<NaiveDate>,
    pub note: String,
}

/// The whole region table plus aliases, identified by the sha256 of its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionSet {
    pub sha256: String,
    /// Ordered by `code` when read back.
    pub regions: Vec<RegionRecord>,
    /// Ordered by `alias` when read back.
    pub aliases: Vec<RegionAliasRecord>,
}

/// The region table (`Database::regions`).
#[async_trait]
pub trait RegionStore: Send + Sync + fmt::Debug {
    /// Replaces the whole region table and aliases in ONE transaction and records an audit
    /// event ([`ACTION_REGIONS_IMPORT`]). Returns `Unchanged` (and records no event) if `sha256`
    /// equals the current set's. On error nothing changes.
    async fn replace(&self, set: &RegionSet, actor: &str) -> Result<ImportOutcome, StoreError>;

    /// The current region set: `None` before any import; regions ordered by code, aliases by
    /// alias.
    async fn current(&self) -> Result<Option<RegionSet>, StoreError>;
}
