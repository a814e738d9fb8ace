//! Targets (issue 12 item 1): every plan line, indicator and programme target of the policy
//! against live progress counted from the ledgers, by stage, region tier and province, and the
//! five-year goal as unique people trained to date. docs/dashboards.md "Targets" defines every
//! figure.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use aiup_core::policy::{IndicatorValue, PolicySet, Text};
use aiup_core::region::RegionCode;
use aiup_core::{RegionTier, Stage};
use aiup_people::EnrolmentStatus;
use aiup_store::{DashboardFigures, DashboardQuery};
use chrono::NaiveDate;
use serde::Serialize;

use super::AsOf;
use crate::accounts::{Actor, Permission};
use crate::programme::programme_scope;
use crate::{App, AppError};

/// Accepted, or any status reached through acceptance (withdrawn and cancelled excluded).
pub const ENROLLED_STATUSES: [EnrolmentStatus; 7] = [
    EnrolmentStatus::Accepted,
    EnrolmentStatus::InTraining,
    EnrolmentStatus::Completed,
    EnrolmentStatus::EarlyCompletionEmployment,
    EnrolmentStatus::DroppedOut,
    EnrolmentStatus::Removed,
    EnrolmentStatus::NotCompleted,
];

/// Completed, including early completion by employment.
pub const COMPLETED_STATUSES: [EnrolmentStatus; 2] =
    [EnrolmentStatus::Completed, EnrolmentStatus::EarlyCompletionEmployment];

/// An enrolment that reached training: in training, or any end after it.
pub const TRAINED_STATUSES: [EnrolmentStatus; 6] = crate::payroll::directory::PAID_STATUSES;

/// Where a figure's progress comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Progress {
    /// People counted from the enrolment ledger (distinct people).
    People {
        enrolled: i64,
        in_training: i64,
        completed: i64,
    },
    /// A count from aiup's records (workplaces, enrolments, sites …).
    Count { value: i64 },
    /// A figure imported from outside aiup, with its source and date.
    Imported(ImportedFigure),
    /// aiup will count it from records not wired to this page yet.
    NotYet,
    /// aiup has no measure of it.
    NoMeasure,
}

impl Progress {
    /// The figure compared with the target: people enrolled, or the count.
    pub fn headline(&self) -> Option<i64> {
        match self {
            Progress::People { enrolled, .. } => Some(*enrolled),
            Progress::Count { value } => Some(*value),
            Progress::Imported(f) => Some(f.value),
            Progress::NotYet | Progress::NoMeasure => None,
        }
    }
}

/// A figure imported from outside aiup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportedFigure {
    pub value: i64,
    pub source: String,
    pub as_of: NaiveDate,
}

/// `part / whole` in basis points (rounded down); `None` without a positive whole.
pub fn share_bp(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| part.saturating_mul(10_000) / whole)
}

/// One plan line (seed 002 붙임1) and its progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanLineProgress {
    pub id: String,
    pub stage: Stage,
    pub content: Text,
    /// The target's size and unit (`None` for lines the plan gives no size).
    pub size: Option<i64>,
    pub unit: Option<aiup_core::policy::TargetUnit>,
    /// The programmes whose records count toward it.
    pub programmes: Vec<String>,
    pub progress: Progress,
    /// The headline progress as a share of the size, in basis points.
    pub share_bp: Option<i64>,
    pub cite: String,
}

/// One indicator of the policy and its progress where aiup has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorProgress {
    pub id: String,
    pub year: i32,
    pub label: Text,
    pub programme: Option<String>,
    pub value: IndicatorValue,
    pub max: Option<IndicatorValue>,
    pub unit: String,
    pub progress: Progress,
    pub share_bp: Option<i64>,
    pub cite: String,
}

/// One programme's enrolments by status, and its target for the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgrammeProgress {
    pub id: String,
    pub name: Text,
    pub stage: Stage,
    pub plan_line: Option<String>,
    /// The programme's target for the plan year: value and unit.
    pub target: Option<(i64, aiup_core::policy::TargetUnit)>,
    /// Enrolments by status, in the vocabulary's order, every status present (0 included).
    pub by_status: Vec<(EnrolmentStatus, i64)>,
    /// Enrolments accepted or later ([`ENROLLED_STATUSES`]), in training, completed.
    pub enrolled: i64,
    pub in_training: i64,
    pub completed: i64,
    /// Enrolled enrolments as a share of a target in people.
    pub share_bp: Option<i64>,
}

/// Enrolments of one stage, region tier or province.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BreakdownRow {
    /// The stage or tier id, or the province's 2-digit code.
    pub key: String,
    pub label: Text,
    pub enrolled: i64,
    pub in_training: i64,
    pub completed: i64,
    /// The stage's target in people (plan lines of the stage counted in people); none for
    /// tiers and provinces (the plan sets none).
    pub target: Option<i64>,
    /// Of the target where there is one, else of the country's enrolled enrolments.
    pub share_bp: Option<i64>,
}

/// The five-year goal (seed 002: 1,000,000 people over five years).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FiveYearProgress {
    pub goal: i64,
    /// Unique people with an enrolment that reached training, any programme, any year.
    pub people_trained: i64,
    pub share_bp: Option<i64>,
    pub cite: String,
}

/// The targets page's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetsView {
    pub as_of: AsOf,
    /// The plan year and its people target (240,000).
    pub year: i32,
    pub people_target: i64,
    /// The programmes the caller is limited to (a scoped programme administrator).
    pub scope: Option<Vec<String>>,
    pub plan_lines: Vec<PlanLineProgress>,
    pub indicators: Vec<IndicatorProgress>,
    pub programmes: Vec<ProgrammeProgress>,
    pub by_stage: Vec<BreakdownRow>,
    pub by_tier: Vec<BreakdownRow>,
    pub by_province: Vec<BreakdownRow>,
    pub five_year: FiveYearProgress,
}

/// The targets, for a caller holding `ReadDashboards`, kept in the dashboard cache.
pub async fn targets(app: &App, actor: &Actor) -> Result<Arc<TargetsView>, AppError> {
    actor.require(Permission::ReadDashboards)?;
    let scope = programme_scope(actor);
    let key = format!("targets:{}", scope.as_deref().map(|s| s.join(",")).unwrap_or_default());
    app.dashboards()
        .get_or_compute(&key, compute_targets(app, scope.as_deref()))
        .await
}

/// The programme ids of each plan line (a programme's `plan_line`), in policy order.
pub fn line_programmes(policy: &PolicySet) -> BTreeMap<String, Vec<String>> {
    let mut lines: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for programme in &policy.programmes {
        if let Some(line) = &programme.plan_line {
            lines.entry(line.clone()).or_default().push(programme.id.to_string());
        }
    }
    lines
}

/// Whether `programme` is within `scope` (no scope: everything).
pub fn in_scope(scope: Option<&[String]>, programme: &str) -> bool {
    scope.is_none_or(|s| s.iter().any(|p| p == programme))
}

fn statuses(list: &[EnrolmentStatus]) -> Vec<String> {
    list.iter().map(|s| s.as_str().to_owned()).collect()
}

/// The dashboard read of the store: people lines grouped by plan line, firms for the SME
/// workplace lines.
pub(crate) async fn read_figures(app: &App, policy: &PolicySet) -> Result<DashboardFigures, AppError> {
    let lines = line_programmes(policy);
    let mut programme_groups = Vec::new();
    let mut firm_groups = Vec::new();
    for line in &policy.plan_lines {
        let Some(programmes) = lines.get(&line.id) else {
            continue;
        };
        for programme in programmes {
            match line.unit {
                Some(aiup_core::policy::TargetUnit::Workplaces | aiup_core::policy::TargetUnit::Firms) => {
                    firm_groups.push((programme.clone(), line.id.clone()));
                }
                _ => programme_groups.push((programme.clone(), line.id.clone())),
            }
        }
    }
    let query = DashboardQuery {
        programme_groups,
        firm_groups,
        enrolled_statuses: statuses(&ENROLLED_STATUSES),
        in_training_statuses: statuses(&[EnrolmentStatus::InTraining]),
        completed_statuses: statuses(&COMPLETED_STATUSES),
        trained_statuses: statuses(&TRAINED_STATUSES),
    };
    Ok(app.db().dashboard_reports().figures(&query).await?)
}

/// Enrolled, in training and completed enrolments.
#[derive(Debug, Clone, Copy, Default)]
struct Classes {
    enrolled: i64,
    in_training: i64,
    completed: i64,
}

impl Classes {
    fn add(&mut self, status: EnrolmentStatus, n: i64) {
        if ENROLLED_STATUSES.contains(&status) {
            self.enrolled += n;
        }
        if status == EnrolmentStatus::InTraining {
            self.in_training += n;
        }
        if COMPLETED_STATUSES.contains(&status) {
            self.completed += n;
        }
    }
}

/// The targets' figures for programmes within `scope` (`None`: all), computed now.
pub async fn compute_targets(app: &App, scope: Option<&[String]>) -> Result<TargetsView, AppError> {
    let engine = app.engine();
    let policy = engine.policy();
    let as_of = AsOf::now(app);
    let year = policy.plan.year;
    let figures = read_figures(app, policy).await?;
    let lines = line_programmes(policy);
    let precedence = crate::tier_precedence_on(&engine, as_of.date);

    // Enrolments by programme and status; by stage, tier and province (enrolment classes).
    let mut by_programme: HashMap<&str, BTreeMap<EnrolmentStatus, i64>> = HashMap::new();
    let mut stage_classes: BTreeMap<Stage, Classes> = BTreeMap::new();
    let mut tier_classes: BTreeMap<RegionTier, Classes> = BTreeMap::new();
    let mut province_classes: BTreeMap<String, Classes> = BTreeMap::new();
    for tally in &figures.enrolments {
        if !in_scope(scope, &tally.programme) {
            continue;
        }
        let Some(status) = EnrolmentStatus::parse(&tally.status) else {
            continue;
        };
        *by_programme
            .entry(tally.programme.as_str())
            .or_default()
            .entry(status)
            .or_default() += tally.enrolments;
        if let Some(programme) = policy.programme(&tally.programme) {
            stage_classes
                .entry(programme.stage)
                .or_default()
                .add(status, tally.enrolments);
        }
        let region = RegionCode::parse(&tally.region_code)
            .ok()
            .and_then(|code| engine.regions().get(code));
        if let Some(region) = region {
            tier_classes
                .entry(region.tier(precedence))
                .or_default()
                .add(status, tally.enrolments);
            province_classes
                .entry(region.sido_code.clone())
                .or_default()
                .add(status, tally.enrolments);
        }
    }
    let enrolled_total: i64 = stage_classes.values().map(|c| c.enrolled).sum();

    let people: HashMap<&str, _> = figures.group_people.iter().map(|g| (g.group.as_str(), g)).collect();
    let firms: HashMap<&str, i64> = figures
        .group_firms
        .iter()
        .map(|g| (g.group.as_str(), g.firms))
        .collect();
    let plan_lines: Vec<PlanLineProgress> = policy
        .plan_lines
        .iter()
        .filter(|line| line.year == year)
        .filter_map(|line| {
            let programmes: Vec<String> = lines
                .get(&line.id)
                .map(|list| list.iter().filter(|p| in_scope(scope, p)).cloned().collect())
                .unwrap_or_default();
            if scope.is_some() && programmes.is_empty() {
                return None;
            }
            let progress = line_progress(line, &people, &firms);
            let share_bp = progress
                .headline()
                .zip(line.size)
                .and_then(|(v, size)| share_bp(v, size));
            Some(PlanLineProgress {
                id: line.id.clone(),
                stage: line.stage,
                content: line.content.clone(),
                size: line.size,
                unit: line.unit,
                programmes,
                progress,
                share_bp,
                cite: line.cite.clone(),
            })
        })
        .collect();

    let enrolled_of = |programme: &str| -> i64 {
        by_programme.get(programme).map_or(0, |statuses| {
            statuses
                .iter()
                .filter(|(s, _)| ENROLLED_STATUSES.contains(s))
                .map(|(_, n)| n)
                .sum()
        })
    };
    let indicators: Vec<IndicatorProgress> = policy
        .indicators
        .iter()
        .filter(|i| i.programme.as_ref().is_none_or(|p| in_scope(scope, p.as_str())))
        .map(|indicator| {
            let programme = indicator.programme.as_ref().map(ToString::to_string);
            let trainee_programme = programme
                .as_deref()
                .and_then(|p| policy.programme(p))
                .filter(|p| p.is_trainee_facing());
            let progress = match (&indicator.value, indicator.unit.as_str(), trainee_programme) {
                (IndicatorValue::Count(_), "people", Some(p)) if indicator.year == year => Progress::Count {
                    value: enrolled_of(p.id.as_str()),
                },
                // The instructor academy's records come from the academy's own pages.
                (_, _, None) if programme.as_deref() == Some("ai-instructor-academy") => Progress::NotYet,
                _ => Progress::NoMeasure,
            };
            let share_bp = match (&indicator.value, progress.headline()) {
                (IndicatorValue::Count(target), Some(v)) => share_bp(v, *target),
                _ => None,
            };
            IndicatorProgress {
                id: indicator.id.clone(),
                year: indicator.year,
                label: indicator.label.clone(),
                programme,
                value: indicator.value.clone(),
                max: indicator.max.clone(),
                unit: indicator.unit.clone(),
                progress,
                share_bp,
                cite: indicator.cite.clone(),
            }
        })
        .collect();

    let programmes: Vec<ProgrammeProgress> = policy
        .programmes
        .iter()
        .filter(|p| in_scope(scope, p.id.as_str()))
        .map(|p| {
            let counts = by_programme.get(p.id.as_str());
            let by_status: Vec<(EnrolmentStatus, i64)> = EnrolmentStatus::ALL
                .iter()
                .map(|s| (*s, counts.and_then(|c| c.get(s)).copied().unwrap_or(0)))
                .collect();
            let mut classes = Classes::default();
            for (s, n) in &by_status {
                classes.add(*s, *n);
            }
            let target = p.targets.iter().find(|t| t.year == year).map(|t| (t.value, t.unit));
            let share = match target {
                Some((value, aiup_core::policy::TargetUnit::People)) => share_bp(classes.enrolled, value),
                _ => None,
            };
            ProgrammeProgress {
                id: p.id.to_string(),
                name: p.name.clone(),
                stage: p.stage,
                plan_line: p.plan_line.clone(),
                target,
                by_status,
                enrolled: classes.enrolled,
                in_training: classes.in_training,
                completed: classes.completed,
                share_bp: share,
            }
        })
        .collect();

    let by_stage = [Stage::Entry, Stage::Participation, Stage::Transition]
        .iter()
        .map(|stage| {
            let c = stage_classes.get(stage).copied().unwrap_or_default();
            let target: i64 = policy
                .plan_lines
                .iter()
                .filter(|l| l.year == year && l.stage == *stage)
                .filter(|l| l.unit == Some(aiup_core::policy::TargetUnit::People))
                .filter_map(|l| l.size)
                .sum();
            row(
                stage.as_str(),
                text(stage.label_ko(), stage.label_en()),
                c,
                Some(target),
                enrolled_total,
            )
        })
        .collect();
    let by_tier = RegionTier::ALL
        .iter()
        .map(|tier| {
            let c = tier_classes.get(tier).copied().unwrap_or_default();
            row(
                tier.as_str(),
                text(tier.label_ko(), tier.label_en()),
                c,
                None,
                enrolled_total,
            )
        })
        .collect();
    let by_province = engine
        .regions()
        .provinces()
        .iter()
        .map(|p| {
            let c = province_classes.get(&p.code).copied().unwrap_or_default();
            row(&p.code, text(&p.name, &p.name_en), c, None, enrolled_total)
        })
        .collect();
    let five_year = FiveYearProgress {
        goal: policy.plan.five_year_people,
        people_trained: figures.people_trained,
        share_bp: share_bp(figures.people_trained, policy.plan.five_year_people),
        cite: policy.plan.cite.clone(),
    };
    Ok(TargetsView {
        as_of,
        year,
        people_target: policy.plan.people,
        scope: scope.map(<[String]>::to_vec),
        plan_lines,
        indicators,
        programmes,
        by_stage,
        by_tier,
        by_province,
        five_year,
    })
}

fn text(ko: &str, en: &str) -> Text {
    Text {
        ko: ko.to_owned(),
        en: en.to_owned(),
    }
}

fn row(key: &str, label: Text, c: Classes, target: Option<i64>, enrolled_total: i64) -> BreakdownRow {
    let share = match target {
        Some(t) => share_bp(c.enrolled, t),
        None => share_bp(c.enrolled, enrolled_total),
    };
    BreakdownRow {
        key: key.to_owned(),
        label,
        enrolled: c.enrolled,
        in_training: c.in_training,
        completed: c.completed,
        target,
        share_bp: share,
    }
}

/// A plan line's progress: people lines from the enrolment ledger, workplace lines from SME
/// plans, infrastructure lines from the academy's records (not wired yet).
fn line_progress(
    line: &aiup_core::policy::PlanLine,
    people: &HashMap<&str, &aiup_store::GroupPeople>,
    firms: &HashMap<&str, i64>,
) -> Progress {
    use aiup_core::policy::TargetUnit;
    match (line.stage, line.unit, line.size) {
        (_, _, None) => Progress::NoMeasure,
        (Stage::Infrastructure, _, _) => Progress::NotYet,
        (_, Some(TargetUnit::Workplaces | TargetUnit::Firms), _) => Progress::Count {
            value: firms.get(line.id.as_str()).copied().unwrap_or(0),
        },
        (_, Some(TargetUnit::People), _) => {
            let g = people.get(line.id.as_str());
            Progress::People {
                enrolled: g.map_or(0, |g| g.enrolled),
                in_training: g.map_or(0, |g| g.in_training),
                completed: g.map_or(0, |g| g.completed),
            }
        }
        _ => Progress::NoMeasure,
    }
}
