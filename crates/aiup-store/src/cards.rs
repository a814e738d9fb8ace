//! The learning-card aggregate: one 국민내일배움카드 account per person at a time, and its
//! append-only ledger of entries.
//!
//! Storage only: which amount a rule gives (the issue amount, the extra, a hold's size, the
//! dropout deduction) is decided by the caller from the policy and passed in with the rule's id
//! and the parameter values it used. The store keeps what must hold whatever the caller does:
//! - the balance is the sum of the entries' signed amounts, and never below zero (a conditional
//!   `UPDATE … WHERE balance_won >= $x` plus `CHECK (balance_won >= 0)`, so concurrent holds
//!   cannot overdraw it on either backend);
//! - entries are numbered per card (`(card_id, seq)` is the key) and never changed or deleted
//!   (triggers refuse it);
//! - a release never gives back more than is still held for its enrolment, nor a refund more
//!   than its enrolment was charged and not yet refunded;
//! - the one-off extra is credited at most once per card;
//! - every entry names its rule and writes its audit event in the same transaction.

use std::fmt;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// Audit action: a card account was opened (with its issue entry, and the extra if granted).
pub const ACTION_CARD_OPEN: &str = "card.open";
/// Audit action prefix of a ledger entry: `card.extra`, `card.hold`, `card.release`, …
pub const ACTION_CARD_ENTRY_PREFIX: &str = "card.";

/// What a ledger entry does. Credits add to the balance, debits take from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardEntryKind {
    /// The account's opening amount (credit).
    Issue,
    /// The one-off extra for listed groups (credit, once per card).
    Extra,
    /// Set aside for an accepted enrolment (debit).
    Hold,
    /// A hold given back: withdrawal, refusal, or the first half of a conversion (credit).
    Release,
    /// The supported share spent on an enrolment (debit).
    Charge,
    /// A charge given back: the trainee withdrew within the free-withdrawal days after the
    /// start (credit, at most what the enrolment was charged and not yet refunded).
    Refund,
    /// The deduction for an unjustified dropout (debit, at most the balance).
    DropoutDeduction,
    /// What was left when the account's period ended (debit of the whole balance).
    Expiry,
}

impl CardEntryKind {
    pub const ALL: [CardEntryKind; 8] = [
        CardEntryKind::Issue,
        CardEntryKind::Extra,
        CardEntryKind::Hold,
        CardEntryKind::Release,
        CardEntryKind::Charge,
        CardEntryKind::Refund,
        CardEntryKind::DropoutDeduction,
        CardEntryKind::Expiry,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CardEntryKind::Issue => "issue",
            CardEntryKind::Extra => "extra",
            CardEntryKind::Hold => "hold",
            CardEntryKind::Release => "release",
            CardEntryKind::Charge => "charge",
            CardEntryKind::Refund => "refund",
            CardEntryKind::DropoutDeduction => "dropout_deduction",
            CardEntryKind::Expiry => "expiry",
        }
    }

    /// Whether the entry adds to the balance.
    pub fn is_credit(self) -> bool {
        matches!(
            self,
            CardEntryKind::Issue | CardEntryKind::Extra | CardEntryKind::Release | CardEntryKind::Refund
        )
    }

    /// Whether the entry must name the enrolment that caused it.
    pub fn needs_enrolment(self) -> bool {
        matches!(
            self,
            CardEntryKind::Hold | CardEntryKind::Release | CardEntryKind::Charge | CardEntryKind::Refund
        )
    }

    /// The audit action of an entry of this kind (`card.hold`, …).
    pub fn action(self) -> &'static str {
        match self {
            CardEntryKind::Issue => "card.issue",
            CardEntryKind::Extra => "card.extra",
            CardEntryKind::Hold => "card.hold",
            CardEntryKind::Release => "card.release",
            CardEntryKind::Charge => "card.charge",
            CardEntryKind::Refund => "card.refund",
            CardEntryKind::DropoutDeduction => "card.dropout_deduction",
            CardEntryKind::Expiry => "card.expiry",
        }
    }
}

impl fmt::Display for CardEntryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for CardEntryKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        CardEntryKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown card entry kind `{s}`"))
    }
}

/// A stored card account. The balance and the entry counter are kept on the account row so a
/// conditional update can enforce the balance; they always equal what the entries add up to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardAccountRecord {
    pub id: i64,
    pub person_id: i64,
    pub issued_on: NaiveDate,
    /// The last day the account can be used (issue + the account period, minus a day).
    pub expires_on: NaiveDate,
    pub balance_won: i64,
    /// The number of entries (the `seq` of the newest).
    pub last_seq: i64,
    pub extra_granted: bool,
    /// An expiry entry has closed the account; the person may be issued a new one.
    pub expired: bool,
    pub created_at: DateTime<Utc>,
}

/// One ledger entry as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardEntryRecord {
    pub card_id: i64,
    /// 1, 2, 3 … per card, in the order the entries were made.
    pub seq: i64,
    pub kind: CardEntryKind,
    /// Signed: positive for a credit, negative (or zero) for a debit.
    pub amount_won: i64,
    pub balance_after_won: i64,
    /// The Seoul date the entry takes effect.
    pub on_date: NaiveDate,
    pub at: DateTime<Utc>,
    /// The rule that made the entry: a policy parameter id or a rule name.
    pub rule: String,
    /// The parameter values the rule used (a JSON object).
    pub params: serde_json::Value,
    pub enrolment_id: Option<i64>,
    pub actor: String,
}

/// An entry to post. `amount_won` is the size (≥ 0); the kind gives its sign. A dropout
/// deduction larger than the balance takes the balance; an expiry's amount is ignored (it takes
/// whatever is left).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewCardEntry {
    pub kind: CardEntryKind,
    pub amount_won: i64,
    pub on_date: NaiveDate,
    pub rule: String,
    pub params: serde_json::Value,
    pub enrolment_id: Option<i64>,
}

/// A card account to open: its issue entry, and the extra when the person's groups qualify.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewCardAccount {
    pub person_id: i64,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub issue: NewCardEntry,
    pub extra: Option<NewCardEntry>,
}

/// Why the card refused an operation. Nothing was written when one of these is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardRefusal {
    #[error("card {card_id} does not exist")]
    NoCard { card_id: i64 },
    /// `card_id` is 0 when a concurrent open for the same person won the race.
    #[error("person {person_id} already has an open card ({card_id})")]
    AlreadyOpen { person_id: i64, card_id: i64 },
    #[error("card {card_id} has expired (valid until {expires_on})")]
    Expired { card_id: i64, expires_on: NaiveDate },
    #[error("card {card_id} has ₩{balance_won} but ₩{needed_won} is needed")]
    InsufficientBalance {
        card_id: i64,
        balance_won: i64,
        needed_won: i64,
    },
    #[error("enrolment {enrolment_id} has ₩{held_won} held on card {card_id}; ₩{asked_won} cannot be released")]
    ReleaseExceedsHold {
        card_id: i64,
        enrolment_id: i64,
        held_won: i64,
        asked_won: i64,
    },
    #[error(
        "enrolment {enrolment_id} was charged ₩{charged_won} (not yet refunded) on card {card_id}; \
         ₩{asked_won} cannot be refunded"
    )]
    RefundExceedsCharge {
        card_id: i64,
        enrolment_id: i64,
        charged_won: i64,
        asked_won: i64,
    },
    #[error("card {card_id} already had its one-off extra")]
    ExtraAlreadyGranted { card_id: i64 },
    #[error("invalid card entry: {reason}")]
    InvalidEntry { reason: String },
}

impl CardRefusal {
    /// A stable machine name for the refusal.
    pub fn code(&self) -> &'static str {
        match self {
            CardRefusal::NoCard { .. } => "no_card",
            CardRefusal::AlreadyOpen { .. } => "card_already_open",
            CardRefusal::Expired { .. } => "card_expired",
            CardRefusal::InsufficientBalance { .. } => "insufficient_balance",
            CardRefusal::ReleaseExceedsHold { .. } => "release_exceeds_hold",
            CardRefusal::RefundExceedsCharge { .. } => "refund_exceeds_charge",
            CardRefusal::ExtraAlreadyGranted { .. } => "extra_already_granted",
            CardRefusal::InvalidEntry { .. } => "invalid_card_entry",
        }
    }
}

impl From<CardRefusal> for StoreError {
    fn from(r: CardRefusal) -> StoreError {
        match r {
            CardRefusal::NoCard { card_id } => StoreError::NotFound {
                what: "card".to_owned(),
                key: card_id.to_string(),
            },
            other => StoreError::Conflict {
                what: "card".to_owned(),
                key: other.code().to_owned(),
                reason: other.to_string(),
            },
        }
    }
}

/// A card operation's error: refused by a card rule (nothing written), or the store failed.
#[derive(Debug, thiserror::Error)]
pub enum CardError {
    #[error(transparent)]
    Refused(CardRefusal),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<CardRefusal> for CardError {
    fn from(r: CardRefusal) -> CardError {
        CardError::Refused(r)
    }
}

impl From<sqlx::Error> for CardError {
    fn from(e: sqlx::Error) -> CardError {
        CardError::Store(e.into())
    }
}

/// Card accounts and their ledgers. Each mutating method is one transaction with its audit
/// event.
#[async_trait]
pub trait CardStore: Send + Sync {
    /// Opens an account with its issue entry (and the extra, if given). Refused if the person
    /// has an open (not expired) card.
    async fn open(&self, account: &NewCardAccount, actor: &str) -> Result<CardAccountRecord, CardError>;

    /// The account `card_id`.
    async fn card(&self, card_id: i64) -> Result<Option<CardAccountRecord>, StoreError>;

    /// The person's open card, or else their newest expired one.
    async fn card_of_person(&self, person_id: i64) -> Result<Option<CardAccountRecord>, StoreError>;

    /// Every entry of the card, oldest first.
    async fn statement(&self, card_id: i64) -> Result<Vec<CardEntryRecord>, StoreError>;

    /// The card's balance (the sum of its entries).
    async fn balance(&self, card_id: i64) -> Result<i64, StoreError>;

    /// What is still held for `enrolment_id` on the card (holds less releases).
    async fn held_for(&self, card_id: i64, enrolment_id: i64) -> Result<i64, StoreError>;

    /// Posts one entry of any kind but `issue`.
    async fn post(&self, card_id: i64, entry: &NewCardEntry, actor: &str) -> Result<CardEntryRecord, CardError>;

    /// At training start: releases everything still held for the enrolment and charges it, in
    /// one transaction (two entries that net to zero). Returns (release, charge); refused with
    /// `ReleaseExceedsHold` when nothing is held.
    async fn convert_hold(
        &self,
        card_id: i64,
        enrolment_id: i64,
        on_date: NaiveDate,
        rule: &str,
        params: &serde_json::Value,
        actor: &str,
    ) -> Result<(CardEntryRecord, CardEntryRecord), CardError>;
}
