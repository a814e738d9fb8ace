//! aiup storage.
//!
//! One [`Store`] trait with one module per backend ([`sqlite`], [`postgres`]); each backend owns
//! its embedded migrations (`migrations/sqlite`, `migrations/postgres`). [`connect`] picks the
//! backend from the URL scheme and runs the migrations.
//!
//! With the `testing` feature, [`testing`] exposes the conformance suite every backend must pass
//! and a harness that provides a fresh PostgreSQL database for tests.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use aiup_catalogue::{CatalogueBatch, Course, Institution};

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

mod catalogue;
pub mod postgres;
pub mod sqlite;

#[cfg(feature = "testing")]
pub mod testing;

#[cfg(test)]
mod tests;

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// Audit action recorded when a region set is imported.
pub const ACTION_REGIONS_IMPORT: &str = "regions.import";
/// Audit action recorded when a new policy version is imported.
pub const ACTION_POLICY_IMPORT: &str = "policy.import";
/// Audit action recorded when an existing policy version becomes active again.
pub const ACTION_POLICY_ACTIVATE: &str = "policy.activate";

/// Audit action recorded by every catalogue import.
pub const ACTION_CATALOGUE_IMPORT: &str = "catalogue.import";

/// What a catalogue import wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CatalogueImportSummary {
    pub institutions_added: u64,
    /// Stored institutions whose fields changed (an institution given again unchanged counts
    /// nowhere).
    pub institutions_updated: u64,
    pub courses_added: u64,
    /// Stored courses whose content changed; their cohorts were replaced.
    pub courses_updated: u64,
    pub courses_unchanged: u64,
    /// The catalogue generation after the import (bumped only if something changed).
    pub generation: u64,
}

impl CatalogueImportSummary {
    /// Whether the import wrote anything.
    pub fn changed(&self) -> bool {
        self.institutions_added + self.institutions_updated + self.courses_added + self.courses_updated > 0
    }
}

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

/// One file of a policy version (path relative to the policy root).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct PolicyFileRecord {
    pub path: String,
    pub content: String,
}

/// A policy version to import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPolicyVersion {
    pub version: String,
    pub sha256: String,
    pub files: Vec<PolicyFileRecord>,
    pub actor: String,
    pub note: String,
}

/// A stored policy version, without its files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct PolicyVersionSummary {
    pub version: String,
    pub sha256: String,
    pub imported_at: DateTime<Utc>,
    pub actor: String,
    pub note: String,
    pub active: bool,
    pub file_count: i64,
}

/// One audit log entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: serde_json::Value,
}

/// Result of an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportOutcome {
    /// New content was stored.
    Imported,
    /// The same content (same sha256) was already stored; nothing new was written
    /// (an existing policy version may have been re-activated).
    Unchanged,
}

/// Which database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        })
    }
}

/// Errors from the store. Messages never contain credentials from a database URL.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "unsupported database URL scheme `{url_scheme}` \
         (expected sqlite://, sqlite::memory:, postgres:// or postgresql://)"
    )]
    UnsupportedUrl { url_scheme: String },

    #[error("{what} not found: {key}")]
    NotFound { what: String, key: String },

    /// The write clashes with stored data, e.g. a policy version name that is already used for
    /// different content.
    #[error("{what} conflict for `{key}`: {reason}")]
    Conflict { what: String, key: String, reason: String },

    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),

    #[error("migration error: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),

    #[error("corrupt {what}: {reason}")]
    Corrupt { what: String, reason: String },
}

impl StoreError {
    /// Whether the database was busy (SQLite's lock held past the busy timeout): the same
    /// request may succeed if tried again.
    pub fn is_busy(&self) -> bool {
        match self {
            StoreError::Database(sqlx::Error::Database(e)) => {
                // SQLITE_BUSY (5) and SQLITE_LOCKED (6), with their extended codes.
                e.code()
                    .and_then(|c| c.parse::<i32>().ok())
                    .is_some_and(|c| matches!(c & 0xff, 5 | 6))
            }
            StoreError::Database(sqlx::Error::PoolTimedOut) => true,
            _ => false,
        }
    }
}

/// The storage interface shared by all backends.
#[async_trait]
pub trait Store: Send + Sync + fmt::Debug {
    fn backend(&self) -> Backend;

    /// Applies the backend's embedded migrations. Idempotent.
    async fn migrate(&self) -> Result<(), StoreError>;

    /// Replaces the whole region table and aliases in ONE transaction and records an audit
    /// event ([`ACTION_REGIONS_IMPORT`]). Returns `Unchanged` (and records no event) if `sha256`
    /// equals the current set's. On error nothing changes.
    async fn replace_regions(&self, set: &RegionSet, actor: &str) -> Result<ImportOutcome, StoreError>;

    /// The current region set: `None` before any import; regions ordered by code, aliases by
    /// alias.
    async fn region_set(&self) -> Result<Option<RegionSet>, StoreError>;

    /// Inserts a policy version with its files and makes it active, in ONE transaction, with an
    /// audit event ([`ACTION_POLICY_IMPORT`]). If a version with the same sha256 exists, makes
    /// that one active if it is not (event [`ACTION_POLICY_ACTIVATE`]) and returns `Unchanged`.
    /// Concurrent imports of the same content create one version. A version name already used
    /// for different content is a [`StoreError::Conflict`].
    async fn import_policy_version(&self, v: &NewPolicyVersion) -> Result<ImportOutcome, StoreError>;

    /// The active policy version and its files (ordered by path).
    async fn active_policy(&self) -> Result<Option<(PolicyVersionSummary, Vec<PolicyFileRecord>)>, StoreError>;

    /// All policy versions, newest import first.
    async fn policy_versions(&self) -> Result<Vec<PolicyVersionSummary>, StoreError>;

    /// Makes an earlier version active again (rollback), with an audit event
    /// ([`ACTION_POLICY_ACTIVATE`]). [`StoreError::NotFound`] if the version is unknown.
    async fn activate_policy_version(&self, version: &str, actor: &str) -> Result<(), StoreError>;

    /// The newest `limit` audit events, newest first.
    async fn audit_events(&self, limit: i64) -> Result<Vec<AuditEvent>, StoreError>;

    /// Upserts every institution and course of the batch in ONE transaction (the cohorts of an
    /// upserted course are replaced), bumps the catalogue generation if anything changed, and
    /// records one audit event ([`ACTION_CATALOGUE_IMPORT`], detail = the counts). Either all is
    /// written or nothing: a course whose institution is neither in the batch nor stored is
    /// [`StoreError::NotFound`], an id given twice in the batch a [`StoreError::Conflict`].
    /// Concurrent imports are serialised.
    async fn upsert_catalogue(&self, batch: &CatalogueBatch, actor: &str)
        -> Result<CatalogueImportSummary, StoreError>;

    /// The catalogue generation: 0 before any import, bumped by every import that changed
    /// something. Search indexes rebuild when it moves.
    async fn catalogue_generation(&self) -> Result<u64, StoreError>;

    /// Every institution, ordered by id.
    async fn institutions(&self) -> Result<Vec<Institution>, StoreError>;

    /// The ids of every stored institution.
    async fn institution_ids(&self) -> Result<BTreeSet<String>, StoreError>;

    /// Every course, ordered by id, with its cohorts in order (two queries, one snapshot).
    async fn courses(&self) -> Result<Vec<Course>, StoreError>;

    /// One course and its institution.
    async fn course(&self, id: &str) -> Result<Option<(Course, Institution)>, StoreError>;
}

/// Opens a store for `url` and runs its migrations.
///
/// * `sqlite://path/to/file.db` (parent directories and the file are created if missing),
///   `sqlite::memory:` (for tests);
/// * `postgres://…` or `postgresql://…`.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    let scheme = url_scheme(url);
    let store: Arc<dyn Store> = match scheme.as_str() {
        "sqlite" => Arc::new(SqliteStore::connect(url).await?),
        "postgres" | "postgresql" => Arc::new(PostgresStore::connect(url).await?),
        _ => return Err(StoreError::UnsupportedUrl { url_scheme: scheme }),
    };
    store.migrate().await?;
    Ok(store)
}

/// The scheme of `url` (lower-cased), or a placeholder if it has none. Only the scheme is
/// returned, never anything after the first `:`, so credentials cannot leak through it.
fn url_scheme(url: &str) -> String {
    match url.split_once(':') {
        Some((scheme, _))
            if !scheme.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) =>
        {
            scheme.to_ascii_lowercase()
        }
        _ => "(none)".to_owned(),
    }
}

/// Audit row as stored: `detail` is JSON text in both backends at the SQL boundary.
#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at: DateTime<Utc>,
    actor: String,
    action: String,
    subject: String,
    detail: String,
}

impl TryFrom<AuditRow> for AuditEvent {
    type Error = StoreError;

    fn try_from(row: AuditRow) -> Result<Self, StoreError> {
        let detail = serde_json::from_str(&row.detail).map_err(|e| StoreError::Corrupt {
            what: format!("audit event {}", row.id),
            reason: format!("detail is not valid JSON: {e}"),
        })?;
        Ok(AuditEvent {
            id: row.id,
            at: row.at,
            actor: row.actor,
            action: row.action,
            subject: row.subject,
            detail,
        })
    }
}

/// Negative limits mean "none".
fn clamp_limit(limit: i64) -> i64 {
    limit.max(0)
}

fn version_conflict(version: &str, existing_sha: &str) -> StoreError {
    StoreError::Conflict {
        what: "policy version".to_owned(),
        key: version.to_owned(),
        reason: format!("the name is already used for different content (sha256 {existing_sha})"),
    }
}

/// Rows per multi-row INSERT (well under both backends' bind-parameter limits).
const INSERT_CHUNK: usize = 200;
