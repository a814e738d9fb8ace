//! Budget execution (issue 12 item 3): for every budget line of the plan (seed 002 붙임1), the
//! budget, what is committed, what is paid, a forecast to the year's end, and a flag when the
//! forecast runs over or under. docs/dashboards.md "Budget execution" defines every figure.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use aiup_catalogue::{Course, Institution};
use aiup_core::policy::{Funding, ParamValue, PolicySet, Text};
use aiup_core::{EmployerSize, TraineeStatus};
use aiup_rules::Engine;
use aiup_store::InTrainingEnrolment;
use chrono::NaiveDate;
use serde::Serialize;

use super::targets::{in_scope, outside_figures, read_figures, OutsideFigures};
use super::AsOf;
use crate::accounts::{Actor, Permission};
use crate::programme::programme_scope;
use crate::{App, AppError};

/// The policy parameter of the under flag's share.
pub const UNDER_FLAG_SHARE: &str = "dashboard.budget.under_flag_share";

/// How a line's forecast stands against its budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BudgetFlag {
    /// The forecast exceeds the budget.
    Over,
    /// The forecast falls short of the budget by more than the under-flag share.
    Under,
    OnTrack,
    /// aiup keeps no ledger of this line's spending (and nothing was imported).
    NoLedger,
}

impl BudgetFlag {
    pub fn as_str(self) -> &'static str {
        match self {
            BudgetFlag::Over => "over",
            BudgetFlag::Under => "under",
            BudgetFlag::OnTrack => "on_track",
            BudgetFlag::NoLedger => "no_ledger",
        }
    }

    pub fn label(self) -> Text {
        let (ko, en) = match self {
            BudgetFlag::Over => ("초과 예상", "over budget"),
            BudgetFlag::Under => ("집행 부진", "under budget"),
            BudgetFlag::OnTrack => ("정상", "on track"),
            BudgetFlag::NoLedger => ("aiup 원장 없음", "no ledger in aiup"),
        };
        Text {
            ko: ko.to_owned(),
            en: en.to_owned(),
        }
    }
}

/// The money of one budget line (or of the totals), in won.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Execution {
    /// Card holds outstanding + payroll lines in runs not yet exported + accepted SME plans'
    /// government share.
    pub committed_won: i64,
    /// Payroll lines in exported runs + card charges net of refunds.
    pub paid_won: i64,
    /// The allowance still to come to 31 December for enrolments in training, each remaining
    /// unit period at full attendance.
    pub allowance_to_come_won: i64,
    /// paid + committed + allowance to come.
    pub forecast_won: i64,
}

impl Execution {
    fn add(&mut self, other: &Execution) {
        self.committed_won += other.committed_won;
        self.paid_won += other.paid_won;
        self.allowance_to_come_won += other.allowance_to_come_won;
        self.forecast_won += other.forecast_won;
    }
}

/// One budget line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetLineExecution {
    pub id: String,
    pub label: Text,
    pub plan_line: String,
    pub programmes: Vec<String>,
    pub funding: Funding,
    pub budget_won: i64,
    /// What the line counts toward the plan's AI-specific total (붙임1's footnote).
    pub ai_specific_won: i64,
    /// Whether aiup keeps a ledger of the line's spending.
    pub has_ledger: bool,
    /// For a line without a ledger: the spending imported from outside aiup, counted as paid.
    pub imported: Option<super::targets::ImportedFigure>,
    pub execution: Execution,
    pub flag: BudgetFlag,
    pub cite: String,
}

/// The totals, both ways the plan can be added up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetTotals {
    /// The plan's total (₩254.0 bn): new lines plus the AI part of existing funds.
    pub plan_total_won: i64,
    /// The sum of the lines' AI-specific parts (equals `plan_total_won` for the default policy).
    pub ai_specific_won: i64,
    /// Every line's full amount, existing funds (활용) included.
    pub all_lines_won: i64,
    /// The lines of new funds, and of existing funds.
    pub new_funds_won: i64,
    pub existing_funds_won: i64,
    pub execution: Execution,
}

/// The budget page's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetView {
    pub as_of: AsOf,
    pub year: i32,
    /// The last day the forecast runs to (31 December of the plan year).
    pub year_end: NaiveDate,
    /// The under-flag share, in basis points, as in force on the as-of date.
    pub under_flag_share_bp: i64,
    pub scope: Option<Vec<String>>,
    pub lines: Vec<BudgetLineExecution>,
    pub totals: BudgetTotals,
}

/// Budget execution, for a caller holding `ReadDashboards`, kept in the dashboard cache.
pub async fn budget(app: &App, actor: &Actor) -> Result<Arc<BudgetView>, AppError> {
    actor.require(Permission::ReadDashboards)?;
    let scope = programme_scope(actor);
    let key = format!("budget:{}", scope.as_deref().map(|s| s.join(",")).unwrap_or_default());
    let compute = async {
        let outside = outside_figures(app, actor).await?;
        compute_budget(app, scope.as_deref(), &outside).await
    };
    app.dashboards().get_or_compute(&key, compute).await
}

/// One budget line with its money by programme and month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetLineDetail {
    /// The line as the budget page shows it (its figures' date is the page's).
    pub line: BudgetLineExecution,
    pub line_as_of: AsOf,
    /// Card charges net of refunds (by the entry's date) and payroll (by the run's month), per
    /// programme of the line and month, kept like the other figures (`months_as_of` dates them).
    pub months: Vec<aiup_store::MonthMoney>,
    pub months_as_of: AsOf,
}

/// One budget line's detail, for a caller holding `ReadDashboards`; a line outside a scoped
/// administrator's programmes is not found, like one that does not exist.
pub async fn budget_line(app: &App, actor: &Actor, id: &str) -> Result<BudgetLineDetail, AppError> {
    let view = budget(app, actor).await?;
    let Some(line) = view.lines.iter().find(|l| l.id == id) else {
        return Err(AppError::not_found("budget line"));
    };
    let months = budget_months(app).await?;
    let months_of_line = months
        .0
        .iter()
        .filter(|m| line.programmes.contains(&m.programme))
        .cloned()
        .collect();
    Ok(BudgetLineDetail {
        line: line.clone(),
        line_as_of: view.as_of.clone(),
        months: months_of_line,
        months_as_of: months.1.clone(),
    })
}

/// The money of every programme of the plan year's budget lines by programme and month, kept
/// like every board's figures (one read for all lines: read per line on every request it took a
/// quarter to half a second at the plan's scale). A line's detail takes its programmes' rows.
pub async fn budget_months(app: &App) -> Result<Arc<(Vec<aiup_store::MonthMoney>, AsOf)>, AppError> {
    app.dashboards()
        .get_or_compute("budget.months", async {
            let engine = app.engine();
            let policy = engine.policy();
            let programmes: BTreeSet<String> = policy
                .budget_lines
                .iter()
                .filter(|b| b.year == policy.plan.year)
                .flat_map(|b| b.programmes.iter().map(ToString::to_string))
                .collect();
            let programmes: Vec<String> = programmes.into_iter().collect();
            let months = app.db().dashboard_reports().months(&programmes).await?;
            Ok((months, AsOf::now(app)))
        })
        .await
}

/// The under-flag share in basis points on `date`.
fn under_flag_share_bp(policy: &PolicySet, date: NaiveDate) -> Result<i64, AppError> {
    let date = date.max(policy.meta.coverage_start);
    match policy
        .parameter(UNDER_FLAG_SHARE)
        .and_then(|p| p.at(date))
        .map(|v| &v.value)
    {
        Some(ParamValue::Rate(rate)) => Ok(i64::from(rate.0)),
        _ => Err(AppError::internal(&format_args!(
            "policy parameter {UNDER_FLAG_SHARE} has no rate on {date}"
        ))),
    }
}

/// The flag of a line with a ledger.
pub fn flag(budget_won: i64, forecast_won: i64, under_share_bp: i64) -> BudgetFlag {
    if forecast_won > budget_won {
        BudgetFlag::Over
    } else if forecast_won.saturating_mul(10_000) < budget_won.saturating_mul(10_000 - under_share_bp) {
        BudgetFlag::Under
    } else {
        BudgetFlag::OnTrack
    }
}

/// Budget execution for programmes within `scope` (`None`: all), computed now; `outside`
/// gives the spending imported for lines without a ledger.
pub async fn compute_budget(
    app: &App,
    scope: Option<&[String]>,
    outside: &OutsideFigures,
) -> Result<BudgetView, AppError> {
    let engine = app.engine();
    let policy = engine.policy();
    let as_of = AsOf::now(app);
    let year = policy.plan.year;
    let year_end = NaiveDate::from_ymd_opt(year, 12, 31)
        .ok_or_else(|| AppError::internal(&format_args!("plan year {year} has no 31 December")))?;
    let under_share = under_flag_share_bp(policy, as_of.date)?;
    let (figures, to_come) = tokio::try_join!(read_figures(app, policy), allowance_to_come(app, &engine, year_end))?;
    let money: HashMap<&str, &aiup_store::ProgrammeMoney> =
        figures.money.iter().map(|m| (m.programme.as_str(), m)).collect();

    let mut lines = Vec::new();
    let mut totals = BudgetTotals {
        plan_total_won: policy.plan.budget_won.0,
        ai_specific_won: 0,
        all_lines_won: 0,
        new_funds_won: 0,
        existing_funds_won: 0,
        execution: Execution::default(),
    };
    for line in policy.budget_lines.iter().filter(|b| b.year == year) {
        let programmes: Vec<String> = line
            .programmes
            .iter()
            .map(ToString::to_string)
            .filter(|p| in_scope(scope, p))
            .collect();
        if scope.is_some() && programmes.is_empty() {
            continue;
        }
        let has_ledger = line
            .programmes
            .iter()
            .filter_map(|p| policy.programme(p.as_str()))
            .any(aiup_core::policy::Programme::is_trainee_facing);
        let mut execution = Execution::default();
        for programme in &programmes {
            if let Some(m) = money.get(programme.as_str()) {
                execution.committed_won += m.card_held_won + m.payroll_pending_won + m.sme_government_won;
                execution.paid_won += m.card_charged_won + m.payroll_exported_won;
            }
            execution.allowance_to_come_won += to_come.get(programme.as_str()).copied().unwrap_or(0);
        }
        let imported = (!has_ledger)
            .then(|| outside.imported.get(&line.id).filter(|f| f.unit == "won").cloned())
            .flatten();
        if let Some(figure) = &imported {
            execution.paid_won = figure.value;
        }
        execution.forecast_won = execution.paid_won + execution.committed_won + execution.allowance_to_come_won;
        let flag = if has_ledger || imported.is_some() {
            flag(line.amount_won.0, execution.forecast_won, under_share)
        } else {
            BudgetFlag::NoLedger
        };
        totals.ai_specific_won += line.ai_specific_total().0;
        totals.all_lines_won += line.amount_won.0;
        match line.funding {
            Funding::New => totals.new_funds_won += line.amount_won.0,
            Funding::Existing => totals.existing_funds_won += line.amount_won.0,
        }
        totals.execution.add(&execution);
        lines.push(BudgetLineExecution {
            id: line.id.clone(),
            label: line.label.clone(),
            plan_line: line.plan_line.clone(),
            programmes,
            funding: line.funding,
            budget_won: line.amount_won.0,
            ai_specific_won: line.ai_specific_total().0,
            has_ledger,
            imported,
            execution,
            flag,
            cite: line.cite.clone(),
        });
    }
    Ok(BudgetView {
        as_of,
        year,
        year_end,
        under_flag_share_bp: under_share,
        scope: scope.map(<[String]>::to_vec),
        lines,
        totals,
    })
}

/// A course's unit periods: index, last day, allowance at full attendance.
type Schedule = Vec<(u32, NaiveDate, i64)>;

/// What a forecast's case depends on: exactly the inputs of the payroll's case compilation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ForecastKey {
    course_id: String,
    institution_id: String,
    programme: String,
    start: NaiveDate,
    end: NaiveDate,
    status: TraineeStatus,
    employer_size: Option<EmployerSize>,
}

/// The allowance still to come by programme: for every enrolment in training, each unit period
/// after the last one a payroll run has a line for that ends by `year_end`, at full attendance,
/// priced by the engine as the course page prices it (`catalogue::case_for` through the payroll's
/// case compilation). Enrolments sharing a course, cohort and situation share one priced
/// schedule, so the engine runs once per schedule, not per enrolment.
pub async fn allowance_to_come(
    app: &App,
    engine: &Engine,
    year_end: NaiveDate,
) -> Result<HashMap<String, i64>, AppError> {
    let rows = app.db().dashboard_reports().in_training().await?;
    if rows.is_empty() {
        return Ok(HashMap::new());
    }
    let catalogue = app.db().catalogue();
    let (courses, institutions) = tokio::try_join!(catalogue.courses(), catalogue.institutions())?;
    let courses: HashMap<String, Course> = courses.into_iter().map(|c| (c.id.to_string(), c)).collect();
    let institutions: HashMap<String, Institution> = institutions.into_iter().map(|i| (i.id.to_string(), i)).collect();
    let mut schedules: HashMap<ForecastKey, Option<Schedule>> = HashMap::new();
    let mut by_programme: BTreeMap<String, i64> = BTreeMap::new();
    for row in &rows {
        let Some(key) = forecast_key(row) else {
            tracing::warn!(
                enrolment = row.enrolment_id,
                "budget forecast: the trainee's situation cannot be read"
            );
            continue;
        };
        let schedule = schedules
            .entry(key)
            .or_insert_with_key(|key| priced_schedule(engine, key, &courses, &institutions));
        let Some(schedule) = schedule else { continue };
        let to_come: i64 = schedule
            .iter()
            .filter(|(index, end, _)| i64::from(*index) > row.paid_periods && *end <= year_end)
            .map(|(_, _, amount)| amount)
            .sum();
        *by_programme.entry(row.programme.clone()).or_default() += to_come;
    }
    Ok(by_programme.into_iter().collect())
}

fn forecast_key(row: &InTrainingEnrolment) -> Option<ForecastKey> {
    let status = TraineeStatus::parse(&row.person_status)?;
    let employer_size = match row.employer_size.as_deref() {
        None | Some("") => None,
        Some(size) => Some(EmployerSize::parse(size)?),
    };
    Some(ForecastKey {
        course_id: row.course_id.clone(),
        institution_id: row.institution_id.clone(),
        programme: row.programme.clone(),
        start: row.cohort_start,
        end: row.cohort_end,
        status,
        employer_size,
    })
}

/// Every unit period of the key's course with its end and its allowance at full attendance;
/// `None` where the course, institution or case cannot be read (nothing is forecast for it).
fn priced_schedule(
    engine: &Engine,
    key: &ForecastKey,
    courses: &HashMap<String, Course>,
    institutions: &HashMap<String, Institution>,
) -> Option<Schedule> {
    let course = courses.get(&key.course_id)?;
    let institution = institutions.get(&key.institution_id)?;
    let mut raw = crate::payroll::directory::enrolment_case_json(
        engine,
        &key.programme,
        (key.start, key.end),
        course,
        institution,
        key.status,
        key.employer_size,
    )?;
    let periods = engine.unit_periods(key.start, key.end);
    let mut schedule = Vec::with_capacity(periods.len());
    for period in periods {
        raw.period = period.index;
        let case = engine.parse_case(&raw).ok()?;
        schedule.push((period.index, period.end, engine.totals(&case).allowance_won));
    }
    Some(schedule)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_compare_the_forecast_with_the_budget_and_the_under_share() {
        // 20%: a forecast below 80 of 100 is under; 80 itself is on track; above 100 over.
        assert_eq!(flag(100, 101, 2_000), BudgetFlag::Over);
        assert_eq!(flag(100, 100, 2_000), BudgetFlag::OnTrack);
        assert_eq!(flag(100, 80, 2_000), BudgetFlag::OnTrack);
        assert_eq!(flag(100, 79, 2_000), BudgetFlag::Under);
        assert_eq!(flag(100, 0, 0), BudgetFlag::Under);
    }
}
