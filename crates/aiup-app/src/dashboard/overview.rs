//! The overview board: the headline numbers against the plan (people this year against the
//! plan's people, the budget paid and forecast against the plan's total, SMEs diagnosed and
//! prescribed against their target, unique people trained against the five-year goal), the
//! months of the year, and the provinces for the map. The people and five-year figures come
//! from the targets board (`dashboard::targets`), the money from budget execution
//! (`dashboard::budget`), the SME target from `sme::outcomes::targets`; all read the plan's
//! figures from the policy.

use std::sync::Arc;

use aiup_store::MonthFigures;
use serde::Serialize;

use super::budget::{budget, compute_budget, BudgetView};
use super::regions::{read_tallies, regions_view, tallies, AreaRow, Counts, Tallies};
use super::targets::{compute_targets, outside_figures, targets, TargetsView};
use super::AsOf;
use crate::accounts::{Actor, Permission};
use crate::programme::programme_scope;
use crate::sme::outcomes::targets as sme_targets;
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
    /// Won paid (budget execution's `paid`) against the plan's total budget.
    pub paid_won: Headline,
    /// Won forecast to the year's end (budget execution's `forecast`) against the same.
    pub forecast_won: Headline,
    /// Firms diagnosed and prescribed against the `sme-diagnosis` target of the year.
    pub smes: Headline,
    /// Unique people trained, any year, against the five-year goal (the targets board's).
    pub five_year_people: Headline,
    /// The country's counts.
    pub totals: Counts,
    /// January to December of `year`.
    pub months: Vec<MonthFigures>,
    /// The 17 provinces, for the map.
    pub provinces: Vec<AreaRow>,
}

/// Computes the board now from the stores (nothing from the cache).
pub async fn compute_overview(app: &App, actor: &Actor) -> Result<OverviewView, AppError> {
    actor.require(Permission::ReadDashboards)?;
    let scope = programme_scope(actor);
    let outside = outside_figures(app, actor).await?;
    let (tallies, targets, budget) = tokio::try_join!(
        read_tallies(app),
        compute_targets(app, scope.as_deref(), &outside),
        compute_budget(app, scope.as_deref(), &outside),
    )?;
    assemble(app, actor, &tallies, &targets, &budget).await
}

/// The board from the regional tallies, the targets and the budget execution; the months and
/// the SME target are read here.
async fn assemble(
    app: &App,
    actor: &Actor,
    tallies: &Tallies,
    targets: &TargetsView,
    budget: &BudgetView,
) -> Result<OverviewView, AppError> {
    let regions = regions_view(app, tallies)?;
    let year = chrono::Datelike::year(&regions.as_of.date);
    let (months, sme_targets) = tokio::try_join!(
        async { Ok::<_, AppError>(app.db().region_reports().months(year).await?) },
        sme_targets(app, actor, year),
    )?;
    let sme = sme_targets.into_iter().find(|t| t.programme_id == "sme-diagnosis");
    let totals = regions.total.counts.clone();
    let plan_budget = Some(budget.totals.plan_total_won);
    Ok(OverviewView {
        year,
        people: Headline {
            value: totals.people_enrolled,
            target: (targets.year == year).then_some(targets.people_target),
        },
        paid_won: Headline {
            value: budget.totals.execution.paid_won,
            target: plan_budget,
        },
        forecast_won: Headline {
            value: budget.totals.execution.forecast_won,
            target: plan_budget,
        },
        smes: Headline {
            value: sme
                .as_ref()
                .map_or(0, |t| i64::try_from(t.achieved).unwrap_or(i64::MAX)),
            target: sme.as_ref().map(|t| t.target.value),
        },
        five_year_people: Headline {
            value: targets.five_year.people_trained,
            target: Some(targets.five_year.goal),
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
    // The people, money and five-year figures follow a scoped administrator's programmes.
    let scope = programme_scope(actor).map(|s| s.join(",")).unwrap_or_default();
    app.dashboards()
        .get_or_compute(&format!("overview:{scope}"), async {
            // The regional, targets and budget figures are the other boards' cached ones.
            let (tallies, targets, budget) = tokio::try_join!(tallies(app), targets(app, actor), budget(app, actor))?;
            assemble(app, actor, &tallies, &targets, &budget).await
        })
        .await
}
