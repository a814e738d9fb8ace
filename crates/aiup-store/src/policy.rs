//! The policy aggregate: versions of the policy bundle's files, exactly one of them active.

use std::fmt;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{ImportOutcome, StoreError};

/// Audit action recorded when a new policy version is imported.
pub const ACTION_POLICY_IMPORT: &str = "policy.import";
/// Audit action recorded when an existing policy version becomes active again.
pub const ACTION_POLICY_ACTIVATE: &str = "policy.activate";

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

/// Policy versions (`Database::policy`).
#[async_trait]
pub trait PolicyStore: Send + Sync + fmt::Debug {
    /// Inserts a policy version with its files and makes it active, in ONE transaction, with an
    /// audit event ([`ACTION_POLICY_IMPORT`]). If a version with the same sha256 exists, makes
    /// that one active if it is not (event [`ACTION_POLICY_ACTIVATE`]) and returns `Unchanged`.
    /// Concurrent imports of the same content create one version. A version name already used
    /// for different content is a [`StoreError::Conflict`].
    async fn import(&self, v: &NewPolicyVersion) -> Result<ImportOutcome, StoreError>;

    /// The active policy version and its files (ordered by path).
    async fn active(&self) -> Result<Option<(PolicyVersionSummary, Vec<PolicyFileRecord>)>, StoreError>;

    /// The files of the stored version named `version` (ordered by path), active or not; `None`
    /// when there is no such version (for comparing two versions' rules).
    async fn files_of(&self, version: &str) -> Result<Option<Vec<PolicyFileRecord>>, StoreError>;

    /// All policy versions, newest import first.
    async fn versions(&self) -> Result<Vec<PolicyVersionSummary>, StoreError>;

    /// Makes an earlier version active again (rollback), with an audit event
    /// ([`ACTION_POLICY_ACTIVATE`]). [`StoreError::NotFound`] if the version is unknown.
    async fn activate(&self, version: &str, actor: &str) -> Result<(), StoreError>;
}
