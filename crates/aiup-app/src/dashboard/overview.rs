//! The overview board: the headline numbers against the plan (people this year against the
//! plan's people, money against its budget, SMEs diagnosed and prescribed against their
//! target, unique people against the five-year goal), the months of the year, and the provinces
//! for the map. The plan's figures come from the policy (`[plan]` of `policy/plan.toml`), the
//! SME target from `sme::outcomes::targets`.

use std::sync::Arc;

use aiup_store::MonthFigures;
use serde::Serialize;

use super::regions::{read_tallies, regions_view, AreaRow, Counts};
use super::AsOf;
use crate::accounts::{Actor, Permission};
use crate::sme::outcomes::targets;
use crate::{App, AppError};

/// One headline number and what it is measured against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Headline {
    pub value: i64,
    /// The plan's figure (`None`: the policy has none).
    pub target: Option<i64>,
}

impl Headline {
    /// Of the target, in basis points (not capped: over 100% shows as such).
    pub fn progress_bp(&self) -> Option<i64> {
        self.target.filter(|t| *t > 0).map(|t| self.value * 10_000 / t)
    }
}

/// The overview board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverviewView {
    pub as_of: AsOf,
    pub year: i32,
    /// Distinct people enrolled (accepted or further) against the plan's people for the year.
    pub people: Headline,
    /// Won paid: allowances (payroll runs not cancelled) and tuition charged to learning cards,
    /// against the plan's budget.
    pub paid_won: Headline,
    /// Firms diagnosed and prescribed against the `sme-diagnosis` target of the year.
    pub smes: Headline,
    /// Distinct people ever enrolled against the five-year goal.
    pub five_year_people: Headline,
    /// The country's counts.
    pub totals: Counts,
    /// January to December of `year`.
    pub months: Vec<MonthFigures>,
    /// The 17 provinces, for the map.
    pub provinces: Vec<AreaRow>,
}

/// Computes the board now from the stores.
pub async fn compute_overview(app: &App, actor: &Actor) -> Result<OverviewView, AppError> {
    actor.require(Permission::ReadDashboards)?;
    let regions = regions_view(app, &read_tallies(app).await?)?;
    let year = chrono::Datelike::year(&regions.as_of.date);
    let months = app.db().region_reports().months(year).await?;
    let sme = targets(app, actor, year)
        .await?
        .into_iter()
        .find(|t| t.programme_id == "sme-diagnosis");
    let engine = app.engine();
    let plan = &engine.policy().plan;
    let totals = regions.total.counts.clone();
    Ok(OverviewView {
        year,
        people: Headline {
            value: totals.people_enrolled,
            target: (plan.year == year).then_some(plan.people),
        },
        paid_won: Headline {
            value: totals.paid_won + totals.card_charged_won,
            target: (plan.year == year).then_some(plan.budget_won.0),
        },
        smes: Headline {
            value: sme.as_ref().map_or(0, |t| i64::try_from(t.achieved).unwrap_or(i64::MAX)),
            target: sme.as_ref().map(|t| t.target.value),
        },
        five_year_people: Headline {
            value: totals.people_enrolled,
            target: Some(plan.five_year_people),
        },
        totals,
        months,
        provinces: regions.provinces,
        as_of: regions.as_of,
    })
}

/// The overview board (`ReadDashboards`), from figures at most the cache's TTL old.
pub async fn overview(app: &App, actor: &Actor) -> Result<Arc<OverviewView>, AppError> {
    actor.require(Permission::ReadDashboards)?;
    app.dashboards()
        .get_or_compute("overview", compute_overview(app, actor))
        .await
}
