//! The population aggregate: bulk loading a synthetic population (people, their learning-card
//! accounts with their ledgers, diagnosis runs with their answers and results, enrolments with
//! their event history, and cohort seats) in one transaction, for demos, load tests and
//! benchmarks.
//!
//! Storage models only: the generator lives in `aiup-people`, and `aiup-app` turns its output
//! into a [`PopulationBatch`]. Rows refer to each other by position (a card's `person` is an
//! index into `people`); the store gives them ids.

use std::fmt;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{DiagnosisAnswer, DiagnosisResult, PersonFields, StoreError};

/// Audit action: a generated population was loaded (one event for the whole load).
pub const ACTION_POPULATION_LOAD: &str = "population.load";

/// A person to load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PopulationPerson {
    pub fields: PersonFields,
    pub created_at: DateTime<Utc>,
}

/// A learning-card account to open for `person`, with its ledger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PopulationCard {
    /// Index into [`PopulationBatch::people`].
    pub person: usize,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
    /// The ledger, oldest first (numbered 1, 2, … in this order): the issue entry, then what
    /// the person's enrolments moved. The account's balance is the last entry's balance after.
    pub entries: Vec<PopulationCardEntry>,
}

/// One entry of a loaded card's ledger, as `aiup_people::card::Ledger` made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PopulationCardEntry {
    /// The entry kind's spelling (`issue`, `extra`, `hold`, `release`, `charge`, …).
    pub kind: String,
    /// Signed: credits positive, holds and charges negative.
    pub amount_won: i64,
    pub balance_after_won: i64,
    pub on_date: NaiveDate,
    pub at: DateTime<Utc>,
    /// The rule the entry cites (a policy parameter id) and the values it used.
    pub rule: String,
    pub params: serde_json::Value,
    /// Index into [`PopulationBatch::enrolments`], for entries made for an enrolment.
    pub enrolment: Option<usize>,
}

/// A diagnosis run of `person`, scored, with its answers and results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PopulationDiagnosis {
    /// Index into [`PopulationBatch::people`].
    pub person: usize,
    pub run_no: i64,
    pub taken_on: NaiveDate,
    pub recorded_at: DateTime<Utc>,
    pub bank_version: String,
    pub mastery_bp: i64,
    pub step_pass_bp: i64,
    pub step_reached: Option<String>,
    pub answers: Vec<DiagnosisAnswer>,
    pub results: Vec<DiagnosisResult>,
}

/// One step of an enrolment's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PopulationEvent {
    pub event: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub at: DateTime<Utc>,
}

/// An enrolment to load, with its history (first event: the application).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PopulationEnrolment {
    /// Index into [`PopulationBatch::people`].
    pub person: usize,
    pub course_id: String,
    pub cohort_ordinal: i64,
    pub institution_id: String,
    pub programme: String,
    pub cohort_start: NaiveDate,
    pub cohort_end: NaiveDate,
    pub status: String,
    pub fee_won: i64,
    /// What the card holds (then is charged) for it, and what the trainee pays: fixed at
    /// acceptance, 0 for an enrolment never accepted.
    pub card_hold_won: i64,
    pub self_payment_won: i64,
    pub applied_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub waiting_since: Option<DateTime<Utc>>,
    pub events: Vec<PopulationEvent>,
}

/// A cohort's seats and how many the loaded enrolments hold. Added to a row that exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PopulationSeats {
    pub course_id: String,
    pub cohort_ordinal: i64,
    pub seats: i64,
    pub taken: i64,
}

/// Everything one load writes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PopulationBatch {
    pub people: Vec<PopulationPerson>,
    pub cards: Vec<PopulationCard>,
    pub diagnoses: Vec<PopulationDiagnosis>,
    pub enrolments: Vec<PopulationEnrolment>,
    pub seats: Vec<PopulationSeats>,
}

/// Rows per table: written by a load, or held by the store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PopulationCounts {
    pub people: u64,
    pub card_accounts: u64,
    pub card_entries: u64,
    pub diagnosis_runs: u64,
    pub diagnosis_results: u64,
    pub enrolments: u64,
    pub enrolment_events: u64,
    pub cohort_seats: u64,
}

impl PopulationCounts {
    pub fn total(&self) -> u64 {
        self.people
            + self.card_accounts
            + self.card_entries
            + self.diagnosis_runs
            + self.diagnosis_results
            + self.enrolments
            + self.enrolment_events
            + self.cohort_seats
    }
}

/// Bulk loads (`Database::population`).
#[async_trait]
pub trait PopulationStore: Send + Sync + fmt::Debug {
    /// Writes the whole batch in one transaction with one audit event
    /// ([`ACTION_POPULATION_LOAD`], with the row counts and the first person id), or nothing.
    /// A row that refers to a person or enrolment outside the batch, or a card without entries,
    /// is a [`StoreError::Conflict`]; a cohort
    /// whose seats would be overbooked, or a second live application of a person to a cohort,
    /// fails the whole load.
    async fn load(&self, batch: PopulationBatch, actor: &str) -> Result<PopulationCounts, StoreError>;

    /// How many rows each of the tables holds.
    async fn counts(&self) -> Result<PopulationCounts, StoreError>;
}
