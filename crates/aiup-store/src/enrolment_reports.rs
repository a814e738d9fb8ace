//! Read-only reports over people and enrolments: counts for the programme administrator's
//! overview, grouped at the finest level the overview shows (programme, 시군구, stage, status).
//! Rolling 시군구 up to provinces is the service's business.

use std::fmt;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// Which people and enrolments a report counts. Every field narrows; `None` means all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentReportFilter {
    /// Only these programme ids (a scoped administrator's programmes, or a chosen one). An empty
    /// list counts nothing.
    pub programmes: Option<Vec<String>>,
    /// Only people living in this province (2-digit 시도 code).
    pub province: Option<String>,
    /// Only people living in this 시군구 (5-digit code).
    pub region: Option<String>,
    /// Only people in this stage of working life.
    pub stage: Option<String>,
    /// Only enrolments with this status.
    pub status: Option<String>,
}

impl EnrolmentReportFilter {
    /// Whether the filter narrows enrolments (and so narrows people to those who have one).
    pub fn narrows_enrolments(&self) -> bool {
        self.programmes.is_some() || self.status.is_some()
    }
}

/// People of one 시군구 and stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeopleCount {
    pub region_code: String,
    pub stage: String,
    pub people: i64,
}

/// Enrolments of one programme, 시군구 (the person's), stage and status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentCount {
    pub programme: String,
    pub region_code: String,
    pub stage: String,
    pub status: String,
    pub enrolments: i64,
}

/// People with at least one enrolment (that the filter admits) in one programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammePeople {
    pub programme: String,
    pub people: i64,
}

/// The counts of one report, read from one snapshot so the two agree.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentReport {
    /// People by 시군구 and stage. When the filter narrows enrolments, only people with at least
    /// one enrolment it admits.
    pub people: Vec<PeopleCount>,
    /// Enrolments by programme, 시군구, stage and status.
    pub enrolments: Vec<EnrolmentCount>,
    /// Distinct people by programme (a person in two programmes counts in both).
    pub programme_people: Vec<ProgrammePeople>,
}

/// Reports over people and enrolments (`Database::enrolment_reports`). Reads only.
#[async_trait]
pub trait EnrolmentReports: Send + Sync + fmt::Debug {
    /// The counts `filter` admits, sorted by their grouping columns.
    async fn report(&self, filter: &EnrolmentReportFilter) -> Result<EnrolmentReport, StoreError>;
}
