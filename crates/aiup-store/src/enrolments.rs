//! The enrolment aggregate: applications and their life, the seats of each cohort, and the
//! append-only history of every status change.
//!
//! Storage only. Which transitions exist and what acceptance costs are decided by the caller
//! (`aiup_people::EnrolmentStatus::after`, the rules engine) and passed in; the store keeps what
//! must hold whatever the caller does:
//! - one live application per person and cohort (a partial unique index);
//! - a status changes only from the status the caller saw (a conditional `UPDATE`), so two
//!   decisions on one application cannot both win;
//! - a cohort never has more seats taken than it has (one conditional `UPDATE` on
//!   `cohort_seats`), on both backends, without a global lock;
//! - acceptance is one transaction: the person's eligibility re-checked by the caller's
//!   [`AcceptanceRules`] on the row as locked, no overlapping enrolment, the seat, the card's
//!   hold (`shared::cards::hold_in_tx`), the status, the event row and the audit event;
//! - every change appends an [`EnrolmentEventRecord`] and an audit event in its transaction.

use std::fmt;
use std::ops::RangeInclusive;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::cards::CardRefusal;
use crate::{PersonRecord, StoreError};

/// Audit action prefix: `enrolment.apply`, `enrolment.accept`, `enrolment.withdraw`, …
pub const ACTION_ENROLMENT_PREFIX: &str = "enrolment.";
/// Audit action: a trainee applied.
pub const ACTION_ENROLMENT_APPLY: &str = "enrolment.apply";

/// The statuses in which an application is live (the partial unique index's list).
pub const LIVE_STATUSES: [&str; 4] = ["applied", "waiting", "accepted", "in_training"];

/// A stored enrolment. Statuses and events are the `aiup_people` vocabularies' spellings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentRecord {
    pub id: i64,
    pub person_id: i64,
    pub course_id: String,
    /// The cohort's index in the course's cohort list.
    pub cohort_ordinal: i64,
    pub institution_id: String,
    pub programme: String,
    pub cohort_start: NaiveDate,
    pub cohort_end: NaiveDate,
    pub status: String,
    pub applied_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Set while on the waiting list.
    pub waiting_since: Option<DateTime<Utc>>,
    pub fee_won: i64,
    /// Fixed at acceptance: what the learning card holds, and what the trainee pays.
    pub card_hold_won: i64,
    pub self_payment_won: i64,
    /// The reason of the last refusal, withdrawal, removal or skip.
    pub reason: Option<String>,
}

/// An application to write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApplication {
    pub person_id: i64,
    pub course_id: String,
    pub cohort_ordinal: i64,
    pub institution_id: String,
    pub programme: String,
    pub cohort_start: NaiveDate,
    pub cohort_end: NaiveDate,
    pub fee_won: i64,
    /// The catalogue's seats left, copied into `cohort_seats` if the cohort has no row yet.
    pub seats: i64,
}

/// One status change as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentEventRecord {
    pub enrolment_id: i64,
    /// 1, 2, 3 … per enrolment.
    pub seq: i64,
    /// `apply`, or an `aiup_people::EnrolmentEvent` spelling.
    pub event: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub reason: Option<String>,
    pub actor: String,
    pub at: DateTime<Utc>,
    pub seoul_date: NaiveDate,
}

/// A cohort's seats as enrolment sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CohortSeats {
    pub seats: i64,
    /// Enrolments holding a seat (accepted or in training).
    pub taken: i64,
}

/// What accepting a person costs, as the rules engine says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AcceptanceTerms {
    /// The card's share; 0 when the card pays nothing.
    pub card_hold_won: i64,
    pub self_payment_won: i64,
    /// The Seoul date of the hold.
    pub on_date: NaiveDate,
    /// The rule of the hold (a parameter id or rule name) and the values it used.
    pub rule: String,
    pub params: serde_json::Value,
}

/// Why the rules no longer admit a person, in Korean and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ineligible {
    pub ko: String,
    pub en: String,
}

/// The caller's rules, run inside the acceptance transaction on the person's locked row. Pure:
/// no IO (the engine is).
pub trait AcceptanceRules: Send + Sync {
    /// What accepting `person` into `enrolment` costs, or why they no longer qualify;
    /// `history` is the person's other enrolments (e.g. for first-participation rules).
    fn terms(
        &self,
        person: &PersonRecord,
        enrolment: &EnrolmentRecord,
        history: &[EnrolmentRecord],
    ) -> Result<AcceptanceTerms, Ineligible>;
}

/// A decision to accept an application (status `applied`).
#[derive(Clone)]
pub struct Acceptance {
    pub enrolment_id: i64,
    /// Whether a full cohort puts the application on its waiting list (else `CohortFull`).
    pub waiting_list: bool,
    /// The catalogue's seats left, for the cohort's seat row if nobody made it yet (an
    /// enrolment written in bulk, without an application through the store).
    pub seats_if_new: i64,
    pub rules: Arc<dyn AcceptanceRules>,
}

impl fmt::Debug for Acceptance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Acceptance")
            .field("enrolment_id", &self.enrolment_id)
            .field("waiting_list", &self.waiting_list)
            .field("seats_if_new", &self.seats_if_new)
            .finish_non_exhaustive()
    }
}

/// What an acceptance did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decided {
    Accepted(EnrolmentRecord),
    /// The cohort was full; the application waits for a freed seat.
    Waitlisted(EnrolmentRecord),
}

/// What a status change does to the learning card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum CardEffect {
    None,
    /// Release everything still held for the enrolment.
    ReleaseHeld {
        rule: String,
        params: serde_json::Value,
    },
    /// Release everything held and charge it (training starts).
    ConvertHeld {
        rule: String,
        params: serde_json::Value,
    },
    /// Refund everything charged for the enrolment and not yet refunded (a withdrawal within
    /// the free-withdrawal days after the start).
    RefundCharged {
        rule: String,
        params: serde_json::Value,
    },
    /// A dropout deduction from the person's open card (the ledger caps it at the balance).
    Deduct {
        amount_won: i64,
        rule: String,
        params: serde_json::Value,
    },
}

/// A status change the caller has checked against the transitions.
#[derive(Clone)]
pub struct StatusChange {
    pub enrolment_id: i64,
    /// The status the caller saw; the change is refused ([`EnrolmentRefusal::Stale`]) if the
    /// enrolment has moved since.
    pub from: String,
    pub to: String,
    pub event: String,
    pub reason: Option<String>,
    /// The Seoul date of any card entry.
    pub on_date: NaiveDate,
    pub card: CardEffect,
    /// Whether the change gives up a seat (`holds_seat` before, not after).
    pub frees_seat: bool,
    /// Where a freed seat goes to the waiting list: the rules to accept the first waiting
    /// person who still qualifies (the others are refused with the reason).
    pub offer_freed_seat: Option<Arc<dyn AcceptanceRules>>,
}

impl fmt::Debug for StatusChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StatusChange")
            .field("enrolment_id", &self.enrolment_id)
            .field("from", &self.from)
            .field("to", &self.to)
            .field("event", &self.event)
            .field("card", &self.card)
            .field("frees_seat", &self.frees_seat)
            .field("offers", &self.offer_freed_seat.is_some())
            .finish_non_exhaustive()
    }
}

/// What happened to one waiting person when a seat was freed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offer {
    Accepted(EnrolmentRecord),
    /// Refused (status `refused`) with the reason they no longer qualify.
    Skipped {
        enrolment_id: i64,
        reason: String,
    },
}

/// What a status change did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    pub enrolment: EnrolmentRecord,
    /// The waiting list's turn, in order, when the change freed a seat.
    pub offers: Vec<Offer>,
}

/// Why the store refused an enrolment operation. Nothing was written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EnrolmentRefusal {
    #[error("the person already has a live application to this cohort")]
    Duplicate,
    #[error("the enrolment is `{found}`, not `{expected}`")]
    Stale { expected: String, found: String },
    #[error("the person is already enrolled in overlapping enrolment {other}")]
    Overlapping { other: i64 },
    #[error("{}", .0.en)]
    Ineligible(Ineligible),
    #[error("the cohort has no seat left")]
    CohortFull,
    #[error("the person has no open learning card")]
    NoCard,
    #[error(transparent)]
    Card(CardRefusal),
}

/// An enrolment operation's error: refused (nothing written), or the store failed.
#[derive(Debug, thiserror::Error)]
pub enum EnrolmentError {
    #[error(transparent)]
    Refused(EnrolmentRefusal),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<EnrolmentRefusal> for EnrolmentError {
    fn from(r: EnrolmentRefusal) -> EnrolmentError {
        EnrolmentError::Refused(r)
    }
}

impl From<sqlx::Error> for EnrolmentError {
    fn from(e: sqlx::Error) -> EnrolmentError {
        EnrolmentError::Store(e.into())
    }
}

/// Enrolments (`Database::enrolments`). Each mutating method is one transaction with its event
/// rows and audit events.
#[async_trait]
pub trait EnrolmentStore: Send + Sync {
    /// Writes an application (status `applied`), creating the cohort's seat row from
    /// `seats` if it has none. Refused with `Duplicate` if the person has a live one.
    async fn apply(&self, application: &NewApplication, actor: &str) -> Result<EnrolmentRecord, EnrolmentError>;

    /// Accepts an `applied` application: see the module docs for what one transaction does.
    async fn accept(&self, acceptance: &Acceptance, actor: &str) -> Result<Decided, EnrolmentError>;

    /// Any other status change (refuse, withdraw, start, complete, drop out, remove, cancel).
    async fn change(&self, change: &StatusChange, actor: &str) -> Result<Changed, EnrolmentError>;

    async fn enrolment(&self, id: i64) -> Result<Option<EnrolmentRecord>, StoreError>;

    /// The enrolments whose ids are in `ids` and whose status is one of `statuses` (any status
    /// when `statuses` is empty), by id: one statement for a whole range (the payroll reads the
    /// country this way).
    async fn in_id_range(
        &self,
        ids: RangeInclusive<i64>,
        statuses: &[&str],
    ) -> Result<Vec<EnrolmentRecord>, StoreError>;

    /// A person's enrolments, newest first.
    async fn of_person(&self, person_id: i64) -> Result<Vec<EnrolmentRecord>, StoreError>;

    /// An institution's applications waiting for a decision (`applied`, then `waiting`), oldest
    /// first, at most `limit`.
    async fn pending_of_institution(
        &self,
        institution_id: &str,
        limit: i64,
    ) -> Result<Vec<EnrolmentRecord>, StoreError>;

    /// A cohort's enrolments, by id.
    async fn of_cohort(&self, course_id: &str, cohort_ordinal: i64) -> Result<Vec<EnrolmentRecord>, StoreError>;

    /// A cohort's seats, once someone has applied.
    async fn seats(&self, course_id: &str, cohort_ordinal: i64) -> Result<Option<CohortSeats>, StoreError>;

    /// An enrolment's history, oldest first.
    async fn events(&self, enrolment_id: i64) -> Result<Vec<EnrolmentEventRecord>, StoreError>;
}
