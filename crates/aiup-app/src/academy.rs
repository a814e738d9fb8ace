//! The AI instructor academy (issue 12, item 2): importing instructors and their track
//! completions (`ManageProgrammeRecords`), and each track's progress against its target
//! (`ReadDashboards`). The tracks and targets are the policy's (`instructor-track-*`
//! indicators, the `instructor-academy-total` indicator and the `infra-instructor-academy` plan
//! line); nothing here states a number of the plan.

use std::collections::{HashMap, HashSet};

use aiup_catalogue::academy::{
    parse_completions_csv, parse_instructors_csv, targets, AcademyTargets, Completion, CompletionKind, Instructor,
};
use aiup_core::problem::{FieldProblem, RowProblem};
pub use aiup_store::{CompletionImportSummary, InstructorImportSummary};
use aiup_store::{NewCompletion, NewInstructor};
use chrono::NaiveDate;
use serde::Serialize;

use crate::accounts::{Actor, Permission};
use crate::dashboard::AsOf;
use crate::sme::firms::listing;
use crate::{App, AppError, Code};

/// A refused import: the error, and every bad row (line 1 is the header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRefusal {
    pub error: AppError,
    pub rows: Vec<RowProblem>,
}

impl From<AppError> for ImportRefusal {
    fn from(error: AppError) -> ImportRefusal {
        ImportRefusal {
            error,
            rows: Vec::new(),
        }
    }
}

impl From<ImportRefusal> for AppError {
    fn from(e: ImportRefusal) -> AppError {
        e.error
    }
}

/// A refusal listing `rows` under `code`.
pub(crate) fn refused(code: Code, rows: Vec<RowProblem>) -> ImportRefusal {
    ImportRefusal {
        error: listing(code, &rows),
        rows,
    }
}

/// One track against its target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrackProgress {
    pub track_id: String,
    pub label_ko: String,
    pub label_en: String,
    /// The policy's target for the year.
    pub target: i64,
    /// Completions in effect dated in the plan year up to the figures' date.
    pub completed: i64,
    /// Instructors whose completion of the track is in effect, whatever its date.
    pub instructors: i64,
    /// Where the target comes from.
    pub cite: String,
}

/// The academy as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AcademyTotal {
    /// Completions counted in the tracks (an instructor with two tracks counts twice).
    pub completed: i64,
    /// Distinct instructors with at least one completion in effect.
    pub instructors: i64,
    /// Instructors on record.
    pub registered: i64,
    /// The sum of the tracks' targets.
    pub tracks_target: i64,
    /// The academy's stated target (12,650명+), if the policy has it.
    pub total_target: Option<i64>,
    /// The plan line's size (붙임1: 1.3만명), if the policy has it.
    pub plan_line: Option<i64>,
}

/// The academy's progress, dated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AcademyProgress {
    pub as_of: AsOf,
    pub year: i32,
    pub tracks: Vec<TrackProgress>,
    pub total: AcademyTotal,
}

/// The academy's targets under the active policy, for the plan's year.
pub fn academy_targets(app: &App) -> AcademyTargets {
    let engine = app.engine();
    let policy = engine.policy();
    targets(policy, policy.plan.year)
}

async fn compute_progress(app: &App) -> Result<AcademyProgress, AppError> {
    let as_of = AsOf::now(app);
    let targets = academy_targets(app);
    let first = NaiveDate::from_ymd_opt(targets.year, 1, 1).unwrap_or(as_of.date);
    let last = NaiveDate::from_ymd_opt(targets.year, 12, 31)
        .unwrap_or(as_of.date)
        .min(as_of.date);
    let counts = app.db().academy().counts(first, last).await?;
    let by_track: HashMap<&str, (i64, i64)> = counts
        .tracks
        .iter()
        .map(|c| (c.track_id.as_str(), (c.completed, c.instructors)))
        .collect();
    let tracks: Vec<TrackProgress> = targets
        .tracks
        .iter()
        .map(|t| {
            let (completed, instructors) = by_track.get(t.id.as_str()).copied().unwrap_or((0, 0));
            TrackProgress {
                track_id: t.id.clone(),
                label_ko: t.label.ko.clone(),
                label_en: t.label.en.clone(),
                target: t.target,
                completed,
                instructors,
                cite: t.cite.clone(),
            }
        })
        .collect();
    let total = AcademyTotal {
        completed: tracks.iter().map(|t| t.completed).sum(),
        instructors: counts.instructors_completed,
        registered: counts.registered,
        tracks_target: targets.tracks_total(),
        total_target: targets.total,
        plan_line: targets.plan_line,
    };
    Ok(AcademyProgress {
        as_of,
        year: targets.year,
        tracks,
        total,
    })
}

/// The academy's progress: each track and the whole against the policy's targets. Needs
/// `ReadDashboards`; kept in the dashboard cache for its time.
pub async fn academy_progress(app: &App, actor: &Actor) -> Result<AcademyProgress, AppError> {
    actor.require(Permission::ReadDashboards)?;
    let figures = app
        .dashboards()
        .get_or_compute("academy.tracks", compute_progress(app))
        .await?;
    Ok((*figures).clone())
}

/// Each track of the academy against its target (the tracks of [`academy_progress`]).
pub async fn track_progress(app: &App, actor: &Actor) -> Result<Vec<TrackProgress>, AppError> {
    Ok(academy_progress(app, actor).await?.tracks)
}

fn new_instructor(app: &App, i: &Instructor) -> Result<NewInstructor, FieldProblem> {
    let id_key = match (i.external_id.as_deref(), app.identifier_key()) {
        (None, _) | (_, None) => None,
        (Some(text), Some(key)) => Some(key.hash(text).map_err(|e| {
            FieldProblem::new(
                "external_id",
                e.to_string(),
                "외부 식별번호는 1~64자의 보이는 ASCII 문자여야 합니다",
            )
        })?),
    };
    Ok(NewInstructor {
        instructor_ref: i.instructor_ref.to_string(),
        provider: i.provider.as_str().to_owned(),
        region_code: i.region.to_string(),
        province_code: i.province_code.clone(),
        institution_id: i.institution.as_ref().map(ToString::to_string),
        registered_on: i.registered_on,
        id_key,
    })
}

/// Imports an instructor file (docs/dashboards.md, "Academy and infrastructure"): every row
/// checked (an institution must be in the catalogue), then all stored in one transaction with
/// one audit event; an instructor stored unchanged is left alone. An outside identifier is kept
/// only as its keyed hash, and not at all without a key. Needs `ManageProgrammeRecords`.
pub async fn import_instructors(
    app: &App,
    actor: &Actor,
    text: &str,
) -> Result<InstructorImportSummary, ImportRefusal> {
    actor.require(Permission::ManageProgrammeRecords)?;
    let engine = app.engine();
    let instructors =
        parse_instructors_csv(text, engine.regions()).map_err(|rows| refused(Code::InvalidAcademyCsv, rows))?;
    let institutions = app.db().catalogue().institution_ids().await.map_err(AppError::from)?;
    let mut bad = Vec::new();
    let mut rows = Vec::with_capacity(instructors.len());
    for instructor in &instructors {
        let line = instructor.line;
        let mut problems = Vec::new();
        if let Some(id) = &instructor.institution {
            if !institutions.contains(id.as_str()) {
                problems.push(FieldProblem::new(
                    "institution",
                    format!("`{id}` is not an institution of the catalogue"),
                    format!("`{id}`은(는) 과정 목록에 없는 훈련기관입니다"),
                ));
            }
        }
        match new_instructor(app, instructor) {
            Ok(row) if problems.is_empty() => rows.push(row),
            Ok(_) => bad.push(RowProblem { line, problems }),
            Err(p) => {
                problems.push(p);
                bad.push(RowProblem { line, problems });
            }
        }
    }
    if !bad.is_empty() {
        return Err(refused(Code::InvalidAcademyCsv, bad));
    }
    let summary = app
        .db()
        .academy()
        .import_instructors(&rows, &actor.login)
        .await
        .map_err(AppError::from)?;
    app.dashboards().clear();
    Ok(summary)
}

/// Checks completions against what is stored: the instructor exists, a completion is of a
/// track not yet completed, a withdrawal of one that is.
fn check_completions(
    completions: &[Completion],
    known: &HashSet<String>,
    completed: &HashSet<(String, String)>,
) -> (Vec<RowProblem>, bool) {
    let mut bad = Vec::new();
    let mut only_conflicts = true;
    for c in completions {
        let reference = c.instructor_ref.to_string();
        let problem = if !known.contains(&reference) {
            only_conflicts = false;
            Some(FieldProblem::new(
                "instructor_ref",
                format!("no instructor `{reference}` is on record; import the instructor first"),
                format!("`{reference}` 교·강사 기록이 없습니다. 교·강사를 먼저 등록해 주세요"),
            ))
        } else {
            let stands = completed.contains(&(reference.clone(), c.track_id.clone()));
            match (c.kind, stands) {
                (CompletionKind::Completed, true) => Some(FieldProblem::new(
                    "track",
                    format!("`{reference}` already stands completed in this track"),
                    format!("`{reference}`은(는) 이 과정을 이미 수료했습니다"),
                )),
                (CompletionKind::Revoked, false) => Some(FieldProblem::new(
                    "status",
                    format!("`{reference}` has no completion of this track to revoke"),
                    format!("`{reference}`에게 취소할 이 과정의 수료 기록이 없습니다"),
                )),
                _ => None,
            }
        };
        if let Some(p) = problem {
            bad.push(RowProblem {
                line: c.line,
                problems: vec![p],
            });
        }
    }
    (bad, only_conflicts)
}

/// Imports a completion file: each row a completion or the withdrawal (`revoked`) of a wrong
/// one, appended; every row checked against the tracks of the policy and against what is
/// stored first, then all stored in one transaction with one audit event. Needs
/// `ManageProgrammeRecords`.
pub async fn import_completions(
    app: &App,
    actor: &Actor,
    text: &str,
) -> Result<CompletionImportSummary, ImportRefusal> {
    actor.require(Permission::ManageProgrammeRecords)?;
    let targets = academy_targets(app);
    let completions = parse_completions_csv(text, &targets).map_err(|rows| refused(Code::InvalidAcademyCsv, rows))?;
    let store = app.db().academy();
    let known: HashSet<String> = store
        .instructor_refs()
        .await
        .map_err(AppError::from)?
        .into_iter()
        .collect();
    let completed: HashSet<(String, String)> = store
        .track_steps()
        .await
        .map_err(AppError::from)?
        .into_iter()
        .filter(|s| s.completed())
        .map(|s| (s.instructor_ref, s.track_id))
        .collect();
    let (bad, only_conflicts) = check_completions(&completions, &known, &completed);
    if !bad.is_empty() {
        let code = if only_conflicts {
            Code::CompletionConflict
        } else {
            Code::InvalidAcademyCsv
        };
        return Err(refused(code, bad));
    }
    let rows: Vec<NewCompletion> = completions
        .iter()
        .map(|c| NewCompletion {
            instructor_ref: c.instructor_ref.to_string(),
            track_id: c.track_id.clone(),
            provider: c.provider.as_str().to_owned(),
            completed_on: c.completed_on,
            kind: c.kind.as_str().to_owned(),
        })
        .collect();
    let summary = store
        .import_completions(&rows, &actor.login)
        .await
        .map_err(|e| match e {
            aiup_store::StoreError::Conflict { key, reason, .. } => {
                AppError::new(Code::CompletionConflict, Some("file"), format!("{key}: {reason}"))
            }
            other => AppError::from(other),
        })?;
    app.dashboards().clear();
    Ok(summary)
}
