//! Outcomes (issue 11, item 7): per firm, the staff enrolled under its plans and how far they
//! got, the hours completed, the money (each enrolment's plan line as the engine priced it),
//! and its diagnoses over time (the change in AX level); and progress against the 2026 targets
//! of the SME programmes, read from the policy (never literals).

use aiup_core::policy::{Target, TargetUnit};
use aiup_people::EnrolmentStatus;
use aiup_sme::AxLevel;
use aiup_store::{EnrolmentRecord, EnrolmentReportFilter, PlanEnrolment};
use chrono::NaiveDate;
use serde::Serialize;

use crate::accounts::{Actor, Permission};
use crate::sme::diagnosis::diagnoses;
use crate::sme::prescription::prescriptions;
use crate::{App, AppError};

/// The programmes whose targets the SME package follows, in the plan's order (seed 002 IV-②:
/// diagnosis and prescription, online, skill-up, PBL). Their targets come from the policy.
pub const TARGET_PROGRAMMES: [&str; 4] = ["sme-diagnosis", "sme-ai-online", "sme-premium-skillup", "sme-pbl"];

/// Statuses that count as enrolled (accepted, or further along).
const ENROLLED: [EnrolmentStatus; 6] = [
    EnrolmentStatus::Accepted,
    EnrolmentStatus::InTraining,
    EnrolmentStatus::Completed,
    EnrolmentStatus::EarlyCompletionEmployment,
    EnrolmentStatus::DroppedOut,
    EnrolmentStatus::NotCompleted,
];

/// One diagnosis in the firm's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelPoint {
    pub diagnosis_no: i64,
    pub taken_on: NaiveDate,
    pub level: AxLevel,
    pub points: i64,
}

/// One staff enrolment under a plan, with its enrolment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffEnrolment {
    pub link: PlanEnrolment,
    pub enrolment: EnrolmentRecord,
    pub course_title: Option<String>,
}

/// A firm's outcomes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FirmOutcomes {
    /// Applications made under the firm's plans.
    pub applied: u64,
    /// Accepted or further along.
    pub enrolled: u64,
    pub completed: u64,
    /// Hours (tenths) of the courses completed.
    pub hours_completed_tenths: i64,
    /// For the enrolled: the plan lines' amounts (per worker, as the engine priced them).
    pub firm_won: i64,
    pub government_won: i64,
    pub worker_won: i64,
    pub levels: Vec<LevelPoint>,
    pub staff: Vec<StaffEnrolment>,
}

impl FirmOutcomes {
    /// The first and latest level, when the firm was diagnosed more than once.
    pub fn level_change(&self) -> Option<(AxLevel, AxLevel)> {
        match (self.levels.first(), self.levels.last()) {
            (Some(a), Some(b)) if self.levels.len() > 1 => Some((a.level, b.level)),
            _ => None,
        }
    }
}

/// A firm's outcomes (anyone who may see the firm).
pub async fn firm_outcomes(app: &App, actor: &Actor, firm_id: i64) -> Result<FirmOutcomes, AppError> {
    let history = diagnoses(app, actor, firm_id).await?;
    let plans = prescriptions(app, actor, firm_id).await?;
    let mut out = FirmOutcomes {
        levels: history
            .iter()
            .map(|d| LevelPoint {
                diagnosis_no: d.record.diagnosis.diagnosis_no,
                taken_on: d.record.diagnosis.taken_on,
                level: d.level,
                points: d.record.diagnosis.points,
            })
            .collect(),
        ..FirmOutcomes::default()
    };
    let links = app.db().sme_diagnoses().plan_enrolments_of(firm_id).await?;
    for link in links {
        let Some(enrolment) = app.db().enrolments().enrolment(link.enrolment_id).await? else {
            continue;
        };
        let line = plans
            .iter()
            .filter(|p| p.record.id == link.prescription_id)
            .flat_map(|p| p.lines.iter())
            .find(|l| l.line.line_no == link.line_no);
        let status = EnrolmentStatus::parse(&enrolment.status);
        out.applied += 1;
        if status.is_some_and(|s| ENROLLED.contains(&s)) {
            out.enrolled += 1;
            if let Some(l) = line {
                out.firm_won += l.line.firm_won;
                out.government_won += l.line.government_won;
                out.worker_won += l.line.worker_won;
            }
        }
        if matches!(
            status,
            Some(EnrolmentStatus::Completed | EnrolmentStatus::EarlyCompletionEmployment)
        ) {
            out.completed += 1;
            out.hours_completed_tenths += line.and_then(|l| l.hours_tenths).unwrap_or(0);
        }
        out.staff.push(StaffEnrolment {
            course_title: line.and_then(|l| l.course_title.clone()),
            link,
            enrolment,
        });
    }
    Ok(out)
}

/// Progress of one programme against its 2026 target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetProgress {
    pub programme_id: String,
    pub name: aiup_core::policy::Text,
    pub target: Target,
    /// Counted in the target's unit: firms diagnosed and prescribed; workplaces with staff
    /// enrolled under a plan in the programme; people with an enrolment in the programme.
    pub achieved: u64,
    /// Of the target, in basis points (capped at 10,000 for the bar; `achieved` is exact).
    pub progress_bp: u32,
}

/// Progress against the four 2026 targets (programme administrators, auditors, admins).
pub async fn targets(app: &App, actor: &Actor, year: i32) -> Result<Vec<TargetProgress>, AppError> {
    actor.require(Permission::ReadSmeProgramme)?;
    let engine = app.engine();
    let counts = app.db().sme_diagnoses().programme_counts().await?;
    let report = app
        .db()
        .enrolment_reports()
        .report(&EnrolmentReportFilter {
            programmes: Some(TARGET_PROGRAMMES.iter().map(|p| (*p).to_owned()).collect()),
            ..EnrolmentReportFilter::default()
        })
        .await?;
    let mut out = Vec::new();
    for id in TARGET_PROGRAMMES {
        let Some(programme) = engine.policy().programme(id) else {
            continue;
        };
        let Some(target) = programme.targets.iter().find(|t| t.year == year).cloned() else {
            continue;
        };
        let achieved = match target.unit {
            TargetUnit::Firms => counts.firms_prescribed,
            TargetUnit::Workplaces => counts
                .by_programme
                .iter()
                .find(|(p, _, _)| p == id)
                .map_or(0, |(_, firms, _)| *firms),
            TargetUnit::People => report
                .programme_people
                .iter()
                .find(|p| p.programme == id)
                .map_or(0, |p| p.people.unsigned_abs()),
            _ => 0,
        };
        let progress_bp = if target.value > 0 {
            u32::try_from((u128::from(achieved) * 10_000 / u128::from(target.value.unsigned_abs())).min(10_000))
                .unwrap_or(10_000)
        } else {
            0
        };
        out.push(TargetProgress {
            programme_id: id.to_owned(),
            name: programme.name.clone(),
            target,
            achieved,
            progress_bp,
        });
    }
    Ok(out)
}

/// The programme overview: targets and a summary of the package's counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Overview {
    pub year: i32,
    pub targets: Vec<TargetProgress>,
    pub firms_diagnosed: u64,
    pub firms_prescribed: u64,
    pub plans_accepted: u64,
    pub plan_enrolments: u64,
}

/// [`targets`] for `year` with the package's counts.
pub async fn overview(app: &App, actor: &Actor, year: i32) -> Result<Overview, AppError> {
    let targets = targets(app, actor, year).await?;
    let counts = app.db().sme_diagnoses().programme_counts().await?;
    Ok(Overview {
        year,
        targets,
        firms_diagnosed: counts.firms_diagnosed,
        firms_prescribed: counts.firms_prescribed,
        plans_accepted: counts.plans_accepted,
        plan_enrolments: counts.by_programme.iter().map(|(_, _, e)| *e).sum(),
    })
}
