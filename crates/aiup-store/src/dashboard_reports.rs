//! Read-only figures for the ministry dashboards' targets and budget pages: enrolments counted
//! by programme, status and the person's 시군구; distinct people and firms per group of
//! programmes (a plan line); unique people ever trained; the money each programme has held,
//! charged and paid; and the enrolments in training with what the payroll has paid them. Every
//! figure of one read comes from one snapshot. Which statuses count as what, and which programmes
//! form a group, is the caller's business: the store only counts.

use std::fmt;

use async_trait::async_trait;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// What a dashboard read groups and counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardQuery {
    /// `(programme, group)`: the group (a plan line) each programme's enrolments count toward.
    /// A programme not listed is not counted in [`DashboardFigures::group_people`].
    pub programme_groups: Vec<(String, String)>,
    /// `(programme, group)`: the group each SME programme's plan enrolments count firms toward.
    pub firm_groups: Vec<(String, String)>,
    /// Statuses of an enrolment that has been accepted (accepted or later, not withdrawn).
    pub enrolled_statuses: Vec<String>,
    /// Statuses of an enrolment in training.
    pub in_training_statuses: Vec<String>,
    /// Statuses of a completed enrolment.
    pub completed_statuses: Vec<String>,
    /// Statuses of an enrolment that has reached training (in training or any end after it);
    /// an enrolment withdrawn after its start counts too (by its `start` event).
    pub trained_statuses: Vec<String>,
}

/// Enrolments of one programme and status, by the person's 시군구.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentTally {
    pub programme: String,
    pub status: String,
    /// The person's 시군구 (5 digits).
    pub region_code: String,
    pub enrolments: i64,
}

/// Distinct people with an enrolment in one group's programmes, by status class.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupPeople {
    pub group: String,
    pub enrolled: i64,
    pub in_training: i64,
    pub completed: i64,
}

/// Distinct firms with a staff enrolment (not refused, withdrawn or cancelled) under an accepted
/// plan, in one group's programmes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupFirms {
    pub group: String,
    pub firms: i64,
}

/// The money of one programme, in won, each sum from its own ledger.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammeMoney {
    pub programme: String,
    /// Card holds not yet released or converted (`card_entries` hold + release, negated).
    pub card_held_won: i64,
    /// Card charges net of refunds (`card_entries` charge + refund, negated).
    pub card_charged_won: i64,
    /// Payroll lines in runs still draft or approved.
    pub payroll_pending_won: i64,
    /// Payroll lines in exported runs.
    pub payroll_exported_won: i64,
    /// The government's share of accepted SME plans' lines, once per staff enrolment on the
    /// line that is not refused, withdrawn or cancelled.
    pub sme_government_won: i64,
}

/// An enrolment in training, with what the forecast needs to price its remaining periods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InTrainingEnrolment {
    pub enrolment_id: i64,
    pub programme: String,
    pub course_id: String,
    pub institution_id: String,
    pub cohort_start: NaiveDate,
    pub cohort_end: NaiveDate,
    /// The person's employment status and employer size (the profile fields a case reads).
    pub person_status: String,
    pub employer_size: Option<String>,
    /// The highest unit period a payroll run not cancelled has a line for (0: none).
    pub paid_periods: i64,
}

/// One dashboard read, from one snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardFigures {
    /// Every enrolment, by programme, status and the person's 시군구, sorted.
    pub enrolments: Vec<EnrolmentTally>,
    /// Per group of [`DashboardQuery::programme_groups`], sorted by group.
    pub group_people: Vec<GroupPeople>,
    /// Per group of [`DashboardQuery::firm_groups`], sorted by group.
    pub group_firms: Vec<GroupFirms>,
    /// Distinct people with an enrolment that reached training, any programme, any year.
    pub people_trained: i64,
    /// Per programme with any money, sorted.
    pub money: Vec<ProgrammeMoney>,
}

/// Dashboard reads (`Database::dashboard_reports`). Reads only.
#[async_trait]
pub trait DashboardReports: Send + Sync + fmt::Debug {
    /// The counts and sums `query` asks for, from one snapshot.
    async fn figures(&self, query: &DashboardQuery) -> Result<DashboardFigures, StoreError>;

    /// Every enrolment in training (status `in_training`), by id, in one statement.
    async fn in_training(&self) -> Result<Vec<InTrainingEnrolment>, StoreError>;
}
