//! SME diagnoses (the questionnaire's answers and the AX level they scored, append-only) and
//! prescriptions (the training plan, its priced lines, the HR lead's acceptance, and the staff
//! enrolments made under it). Storage models only: `aiup-app` turns them into and out of
//! `aiup-sme` values. Every table is append-only (migration 0016: triggers refuse UPDATE and
//! DELETE); a re-diagnosis is a new diagnosis with the next number, a new plan a new
//! prescription, and acceptance a row of its own, written once.

use std::fmt;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{EnrolmentError, EnrolmentRecord, NewApplication, PersonFields, StoreError};

/// Audit action: a firm's diagnosis was recorded.
pub const ACTION_SME_DIAGNOSIS_RECORD: &str = "sme.diagnosis.record";
/// Audit action: a prescription (training plan) was made.
pub const ACTION_SME_PRESCRIPTION_RECORD: &str = "sme.prescription.record";
/// Audit action: the firm's HR lead accepted a prescription.
pub const ACTION_SME_PRESCRIPTION_ACCEPT: &str = "sme.prescription.accept";
/// Audit action: an enrolment was linked to a plan line.
pub const ACTION_SME_PLAN_ENROL: &str = "sme.plan.enrol";

/// A diagnosis to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSmeDiagnosis {
    pub firm_id: i64,
    /// 1 for the firm's first; the store refuses a number already used.
    pub diagnosis_no: i64,
    /// The Seoul date of the visit.
    pub taken_on: NaiveDate,
    /// sha256 (hex) of the questionnaire it was scored with.
    pub questionnaire_version: String,
    /// `aiup_sme::assessment::encode` of the answers.
    pub answers: String,
    /// `aiup_sme::AxLevel::as_str`.
    pub level: String,
    pub points: i64,
    pub max_points: i64,
    pub intermediate_from: i64,
    pub advanced_from: i64,
}

/// A stored diagnosis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmeDiagnosisRecord {
    pub id: i64,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
    pub diagnosis: NewSmeDiagnosis,
}

/// One line of a plan: an activity (consulting, job analysis: no course) or a course found in
/// the catalogue with its price split by the rules engine when the plan was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrescriptionLine {
    /// 1, 2, … in the plan.
    pub line_no: i64,
    /// `aiup_sme::prescription::ItemKind::as_str`.
    pub kind: String,
    pub programme_id: Option<String>,
    pub course_id: Option<String>,
    pub cohort_ordinal: Option<i64>,
    pub cohort_start: Option<NaiveDate>,
    pub fee_won: i64,
    /// Per worker: what the firm pays, the government pays, and the worker pays.
    pub firm_won: i64,
    pub government_won: i64,
    pub worker_won: i64,
}

/// A prescription to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPrescription {
    pub firm_id: i64,
    pub diagnosis_id: i64,
    pub prescribed_on: NaiveDate,
    /// `aiup_sme::AxLevel::as_str` of the diagnosis.
    pub level: String,
    /// The policy version the lines were priced under.
    pub policy_version: String,
    pub lines: Vec<PrescriptionLine>,
}

/// The HR lead's acceptance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanAcceptance {
    pub accepted_on: NaiveDate,
    pub accepted_at: DateTime<Utc>,
    pub accepted_by: String,
}

/// A stored prescription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrescriptionRecord {
    pub id: i64,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
    pub prescription: NewPrescription,
    pub acceptance: Option<PlanAcceptance>,
}

/// An enrolment made under a plan line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanEnrolment {
    pub enrolment_id: i64,
    pub prescription_id: i64,
    pub line_no: i64,
    pub firm_id: i64,
    /// The staff reference as its keyed hash (`ExternalIdKey`), if one was given and a key is set.
    pub staff_ref_hash: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A staff member enrolled under a plan line: a person with no account (categories only, no
/// name) and their application, written with the link in one transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewStaffEnrolment {
    pub prescription_id: i64,
    pub line_no: i64,
    pub person: PersonFields,
    /// `person_id` is ignored: the store creates the person.
    pub application: NewApplication,
    pub staff_ref_hash: Option<String>,
}

/// Counts for the 2026 targets, over every firm.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmeProgrammeCounts {
    pub firms_diagnosed: u64,
    pub firms_prescribed: u64,
    pub plans_accepted: u64,
    /// Per programme: firms with at least one plan enrolment in it, and plan enrolments.
    pub by_programme: Vec<(String, u64, u64)>,
}

/// Diagnoses and prescriptions (`Database::sme_diagnoses`).
#[async_trait]
pub trait SmeDiagnosisStore: Send + Sync + fmt::Debug {
    /// Records a diagnosis in one transaction with [`ACTION_SME_DIAGNOSIS_RECORD`] (firm, number,
    /// level, points; never the answers). An unknown firm is `NotFound`; a number the firm has
    /// already used is `Conflict` (a form sent twice).
    /// `stated_intent` (the intent to train and its source), when given, is set on the firm in
    /// the same transaction, with its own audit event.
    async fn record_diagnosis(
        &self,
        d: &NewSmeDiagnosis,
        stated_intent: Option<(bool, &str)>,
        actor: &str,
    ) -> Result<SmeDiagnosisRecord, StoreError>;

    async fn diagnosis(&self, id: i64) -> Result<Option<SmeDiagnosisRecord>, StoreError>;

    /// A firm's diagnoses, oldest first.
    async fn diagnoses_of(&self, firm_id: i64) -> Result<Vec<SmeDiagnosisRecord>, StoreError>;

    /// The number the firm's next diagnosis takes (1 before any).
    async fn next_diagnosis_no(&self, firm_id: i64) -> Result<i64, StoreError>;

    /// Records a plan and its lines in one transaction with [`ACTION_SME_PRESCRIPTION_RECORD`].
    /// A diagnosis that is not the firm's is `NotFound`.
    async fn record_prescription(&self, p: &NewPrescription, actor: &str) -> Result<PrescriptionRecord, StoreError>;

    async fn prescription(&self, id: i64) -> Result<Option<PrescriptionRecord>, StoreError>;

    /// A firm's prescriptions, oldest first.
    async fn prescriptions_of(&self, firm_id: i64) -> Result<Vec<PrescriptionRecord>, StoreError>;

    /// Accepts a plan, once ([`ACTION_SME_PRESCRIPTION_ACCEPT`]); a second acceptance is
    /// `Conflict`, an unknown plan `NotFound`.
    async fn accept_prescription(&self, id: i64, on: NaiveDate, actor: &str) -> Result<PrescriptionRecord, StoreError>;

    /// Links an enrolment to a line of an accepted plan ([`ACTION_SME_PLAN_ENROL`]). A plan not
    /// accepted, a line that is not a course line, or an unknown enrolment is `Conflict` /
    /// `NotFound`; an enrolment already linked is `Conflict`.
    async fn link_enrolment(
        &self,
        prescription_id: i64,
        line_no: i64,
        enrolment_id: i64,
        staff_ref_hash: Option<&str>,
        actor: &str,
    ) -> Result<PlanEnrolment, StoreError>;

    /// Creates the staff member's person, their application (as `EnrolmentStore::apply` writes
    /// it) and its link to the plan line, in one transaction: all or nothing. The plan must be
    /// accepted and the line a course line (as [`SmeDiagnosisStore::link_enrolment`]).
    async fn enrol_staff(
        &self,
        staff: &NewStaffEnrolment,
        actor: &str,
    ) -> Result<(EnrolmentRecord, PlanEnrolment), EnrolmentError>;

    /// The enrolments made under a firm's plans, in enrolment id order.
    async fn plan_enrolments_of(&self, firm_id: i64) -> Result<Vec<PlanEnrolment>, StoreError>;

    /// Counts for the targets, from one snapshot.
    async fn programme_counts(&self) -> Result<SmeProgrammeCounts, StoreError>;
}
