//! The audit aggregate: an append-only log.
//!
//! Every mutating method of every aggregate writes its event in the same transaction as its
//! change; [`AuditStore::append`] is only for events that change nothing else (a failed
//! sign-in, a sign-out). The schema refuses UPDATE, DELETE (and, on PostgreSQL, TRUNCATE) of
//! `audit_events`, and no method here changes an event.

use std::fmt;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// One audit log entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The Asia/Seoul calendar date of `at` ([`seoul_date`]).
    pub seoul_date: NaiveDate,
    pub actor: String,
    pub action: String,
    pub subject: String,
    /// A JSON object; changes carry `before` and `after` where they have them. Never a secret
    /// or a password hash.
    pub detail: serde_json::Value,
}

/// An event to append on its own ([`AuditStore::append`]); it is stamped with the current time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewAuditEvent {
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: serde_json::Value,
}

/// Which events [`AuditStore::events`] returns: those matching every given field, newest
/// first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// Exactly this actor.
    pub actor: Option<String>,
    /// Exactly this action, or, when it ends with `.`, every action it is a prefix of
    /// (`"policy."` matches `policy.import` and `policy.activate`).
    pub action: Option<String>,
    /// On or after this Seoul date.
    pub from: Option<NaiveDate>,
    /// On or before this Seoul date.
    pub to: Option<NaiveDate>,
    /// Only events with a smaller id (the next page after an event of that id).
    pub before_id: Option<i64>,
    /// At most this many events (a negative limit means none).
    pub limit: i64,
}

impl AuditFilter {
    /// The limit of [`AuditFilter::default`].
    pub const DEFAULT_LIMIT: i64 = 100;

    /// Every event, newest first, at most `limit`.
    pub fn newest(limit: i64) -> AuditFilter {
        AuditFilter {
            limit,
            ..AuditFilter::default()
        }
    }
}

impl Default for AuditFilter {
    /// No condition, at most [`AuditFilter::DEFAULT_LIMIT`] events.
    fn default() -> AuditFilter {
        AuditFilter {
            actor: None,
            action: None,
            from: None,
            to: None,
            before_id: None,
            limit: AuditFilter::DEFAULT_LIMIT,
        }
    }
}

/// The Asia/Seoul calendar date that `seoul_date` columns hold.
pub use aiup_core::date::seoul_date;

/// The audit log (`Database::audit`).
#[async_trait]
pub trait AuditStore: Send + Sync + fmt::Debug {
    /// Appends an event that changes nothing else, stamped now; returns its id.
    async fn append(&self, event: &NewAuditEvent) -> Result<i64, StoreError>;

    /// The events that match `filter`, newest (highest id) first.
    async fn events(&self, filter: &AuditFilter) -> Result<Vec<AuditEvent>, StoreError>;
}
