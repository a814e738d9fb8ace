//! The people aggregate: the person profiles the rules need.
//!
//! Storage models only: fields are the vocabularies' spellings as text; `aiup-app` parses them
//! into `aiup_people::Profile`. No name and no resident registration number is stored; an
//! outside identifier only as a keyed hash.

use std::fmt;
use std::ops::RangeInclusive;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// Audit action: a person's profile was created.
pub const ACTION_PERSON_CREATE: &str = "person.create";
/// Audit action: a person's profile was changed.
pub const ACTION_PERSON_UPDATE: &str = "person.update";
/// Audit action: outside identifier hashes were given to people who had none (generated people).
pub const ACTION_PERSON_IDENTIFIERS_LINK: &str = "person.identifiers.link";

/// The profile fields as stored (vocabulary spellings; groups sorted and comma-separated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonFields {
    pub stage: String,
    pub status: String,
    pub employer_size: Option<String>,
    pub region_code: String,
    pub age_band: String,
    pub target_groups: String,
    pub kukchi: String,
    /// HMAC-SHA256 (hex) of an outside identifier, never the identifier.
    pub external_id_hash: Option<String>,
}

/// A stored person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRecord {
    pub id: i64,
    /// The trainee account that signs in as this person, if any.
    pub account_id: Option<i64>,
    pub fields: PersonFields,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// People (`Database::people`).
#[async_trait]
pub trait PersonStore: Send + Sync + fmt::Debug {
    /// Creates the person of account `account_id`, or replaces their profile fields, in one
    /// transaction with its audit event ([`ACTION_PERSON_CREATE`] or [`ACTION_PERSON_UPDATE`], with
    /// the fields before and after; the identifier hash only as "set"). An unknown account is
    /// [`StoreError::NotFound`]; an identifier hash another person has is a
    /// [`StoreError::Conflict`].
    async fn save_for_account(
        &self,
        account_id: i64,
        fields: PersonFields,
        actor: &str,
    ) -> Result<PersonRecord, StoreError>;

    /// One person.
    async fn person(&self, id: i64) -> Result<Option<PersonRecord>, StoreError>;

    /// The people who have an enrolment whose id is in `enrolment_ids`, by id: one statement
    /// for a whole range (the payroll reads the country this way).
    async fn of_enrolments_in_range(&self, enrolment_ids: RangeInclusive<i64>)
        -> Result<Vec<PersonRecord>, StoreError>;

    /// Gives each `(person id, identifier hash)` whose person has no hash yet that hash, in one
    /// transaction with one audit event ([`ACTION_PERSON_IDENTIFIERS_LINK`], with the count,
    /// never a hash); a person who has one keeps it. Returns how many were set. A hash another
    /// person has is a [`StoreError::Conflict`], and nothing is set.
    async fn link_identifiers(&self, links: &[(i64, String)], actor: &str) -> Result<u64, StoreError>;

    /// The person an account signs in as.
    async fn person_of_account(&self, account_id: i64) -> Result<Option<PersonRecord>, StoreError>;
}
