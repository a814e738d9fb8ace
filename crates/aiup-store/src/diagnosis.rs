//! The diagnosis aggregate: a person's AI-competency diagnosis runs, each with its answers and
//! results. Runs are append-only: a retake is a new run with the next number. The answers are kept
//! on the run's own row (three strings, migration 0008); results have a row each.
//!
//! Storage models only: steps and modules are their vocabulary spellings; `aiup-app` reads them
//! back into `aiup-diagnosis` values.

use std::fmt;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// Audit action: a diagnosis run was recorded.
pub const ACTION_DIAGNOSIS_RECORD: &str = "diagnosis.record";

/// The answer to one item, in the order the form asked them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiagnosisAnswer {
    pub item_id: String,
    /// The option chosen (0-based), or `None` for no answer.
    pub chosen: Option<i64>,
    pub correct: bool,
}

/// A score: of a step (`dimension` "step") or a module ("module"), `code` its spelling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiagnosisResult {
    pub dimension: String,
    pub code: String,
    pub items: i64,
    pub correct: i64,
    pub score_bp: i64,
    pub gap_bp: i64,
}

/// A run to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDiagnosisRun {
    pub person_id: i64,
    /// 1 for the person's first run; the store refuses a number already used.
    pub run_no: i64,
    /// The Seoul date the run was taken.
    pub taken_on: NaiveDate,
    /// sha256 (hex) of the item bank it was scored against.
    pub bank_version: String,
    pub mastery_bp: i64,
    pub step_pass_bp: i64,
    /// The step reached, or `None` below the first.
    pub step_reached: Option<String>,
    pub answers: Vec<DiagnosisAnswer>,
    pub results: Vec<DiagnosisResult>,
}

/// A stored run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiagnosisRun {
    pub id: i64,
    pub recorded_at: DateTime<Utc>,
    pub run: NewDiagnosisRun,
}

/// Diagnosis runs (`Database::diagnoses`).
#[async_trait]
pub trait DiagnosisStore: Send + Sync + fmt::Debug {
    /// Records a run with its answers and results in one transaction with its audit event
    /// ([`ACTION_DIAGNOSIS_RECORD`]: the person id, run number, bank version and step; never an
    /// answer). A person that does not exist is [`StoreError::NotFound`]; a run number the person
    /// has already used is [`StoreError::Conflict`] (a form sent twice). On error nothing changes.
    async fn record(&self, run: &NewDiagnosisRun, actor: &str) -> Result<DiagnosisRun, StoreError>;

    /// One run, with its answers (in form order) and results (steps, then modules, each by code).
    async fn run(&self, id: i64) -> Result<Option<DiagnosisRun>, StoreError>;

    /// Every run of a person, oldest first, each with its answers and results.
    async fn history(&self, person_id: i64) -> Result<Vec<DiagnosisRun>, StoreError>;

    /// The number the person's next run takes (1 before any).
    async fn next_run_no(&self, person_id: i64) -> Result<i64, StoreError>;
}
