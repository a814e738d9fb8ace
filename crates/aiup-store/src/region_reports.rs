//! Read-only reports for the regional and SME dashboards: what `EnrolmentReports` does not
//! count. People enrolled (distinct, by the 시군구 they live in and by programme), the money
//! paid (payroll lines of runs not cancelled) and charged to learning cards (charges less
//! refunds) by the person's 시군구 and the line's programme, the month-by-month series of a year,
//! and SME firms by where they are, their centre, size band and latest AX level with how far
//! each got. Rolling 시군구 up to provinces, and shares, are the service's business.

use std::fmt;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// Distinct people with an enrolment in one of the statuses asked for, by the 시군구 they live
/// in; `programme` is `None` for the count over all programmes (a person in two programmes
/// counts once there, and once in each programme's row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionPeople {
    pub region_code: String,
    pub programme: Option<String>,
    pub people: i64,
}

/// Won by the person's 시군구 and the programme: paid by the payroll (lines of runs not
/// cancelled, adjustments included) and charged to learning cards (charges less refunds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionMoney {
    pub region_code: String,
    pub programme: String,
    pub paid_won: i64,
    pub card_charged_won: i64,
}

/// One calendar month of a year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthFigures {
    /// 1–12.
    pub month: u32,
    /// Enrolments moved into training that month (Seoul date of the event).
    pub started: i64,
    /// Enrolments completed that month (completion or early completion by employment).
    pub completed: i64,
    /// Payroll lines of that month's runs not cancelled.
    pub paid_won: i64,
}

/// SME firms with the same 시군구, province, centre, size band and latest AX level, and how many
/// of them reached each step of the package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirmGroup {
    pub region_code: String,
    pub province_code: String,
    pub centre_id: Option<String>,
    pub size_band: String,
    /// The level of the firm's latest diagnosis (`None`: not diagnosed).
    pub level: Option<String>,
    pub firms: i64,
    /// Assigned to a diffusion centre (discovered and taken on).
    pub assigned: i64,
    /// With at least one visit done.
    pub visited: i64,
    pub diagnosed: i64,
    pub prescribed: i64,
    /// With a plan the firm accepted.
    pub accepted: i64,
    /// Staff enrolments under the firms' plans in one of the statuses asked for.
    pub staff_enrolled: i64,
}

/// The regional figures, read from one snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionFigures {
    pub people: Vec<RegionPeople>,
    pub money: Vec<RegionMoney>,
}

/// Reports for the regional and SME dashboards (`Database::region_reports`). Reads only.
#[async_trait]
pub trait RegionReports: Send + Sync + fmt::Debug {
    /// People with an enrolment in one of `statuses`, and the money, by 시군구 (and programme).
    async fn regions(&self, statuses: &[&str]) -> Result<RegionFigures, StoreError>;
    /// The twelve months of `year`, in order (months with nothing are zeros).
    async fn months(&self, year: i32) -> Result<Vec<MonthFigures>, StoreError>;
    /// Every firm of the registry, grouped; staff enrolments count when in one of `statuses`.
    async fn firms(&self, statuses: &[&str]) -> Result<Vec<FirmGroup>, StoreError>;
}
