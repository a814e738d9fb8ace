//! Training doctors' visits to firms, and each centre's board: its firms, upcoming visits and
//! the caseload of each doctor (issue 11, item 4).
//!
//! Who may do what: a training doctor schedules, records and cancels visits to the firms of
//! their own centre (a firm of another centre does not exist for them: 404); programme
//! administrators, auditors and administrators read every centre's board; an HR lead reads the
//! visits to their own firm.

pub use aiup_store::VisitRecord;
use aiup_store::{
    Caseload, CentreRecord, FirmFilter, FirmRecord, NewVisit, VisitFilter, VISIT_NOTES_MAX, VISIT_PURPOSES,
};
use chrono::NaiveDate;
use serde::Serialize;

use crate::accounts::{Actor, Permission, Role};
use crate::{App, AppError, Code};

/// Firms a board lists (the rest are counted).
pub const BOARD_FIRMS: u32 = 200;
/// Upcoming visits a board lists.
pub const BOARD_VISITS: u32 = 200;

/// What a visit is for, in Korean and English.
pub fn purpose_label(purpose: &str) -> (&'static str, &'static str) {
    match purpose {
        "discover" => ("발굴", "Discovery"),
        "diagnose" => ("진단", "Diagnosis"),
        "prescribe" => ("처방", "Prescription"),
        "follow_up" => ("사후 관리", "Follow-up"),
        _ => ("기타", "Other"),
    }
}

/// A visit's status, in Korean and English.
pub fn status_label(status: &str) -> (&'static str, &'static str) {
    match status {
        "scheduled" => ("예정", "Scheduled"),
        "done" => ("완료", "Done"),
        "cancelled" => ("취소", "Cancelled"),
        _ => ("기타", "Other"),
    }
}

/// A visit to schedule, as a form gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleVisit {
    pub firm_id: i64,
    pub scheduled_on: NaiveDate,
    pub purpose: String,
    pub notes: String,
}

/// One doctor's caseload at a centre, with the account's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DoctorCaseload {
    pub account_id: i64,
    pub login: String,
    pub display_name: String,
    pub scheduled: u64,
    pub done_in_month: u64,
    pub firms: u64,
}

/// A centre's board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Board {
    pub centre: CentreRecord,
    /// The firms assigned to the centre (at most [`BOARD_FIRMS`]), by id.
    pub firms: Vec<FirmRecord>,
    pub firm_count: u64,
    /// Visits still scheduled, by day.
    pub upcoming: Vec<VisitRecord>,
    /// Every doctor of the centre (and any other account with visits there), by account id.
    pub caseloads: Vec<DoctorCaseload>,
    /// The month "done in month" counts.
    pub month: NaiveDate,
}

fn invalid(field: &str, ko: impl Into<String>, en: impl Into<String>) -> AppError {
    AppError::bilingual(
        Code::InvalidField,
        Some(field),
        aiup_core::policy::Text {
            ko: ko.into(),
            en: en.into(),
        },
    )
}

/// The doctor's centre: their scope.
fn own_centre(actor: &Actor) -> Result<&str, AppError> {
    actor.require(Permission::VisitFirms)?;
    actor
        .scope
        .as_deref()
        .ok_or_else(|| AppError::forbidden("a training doctor's account needs a centre scope"))
}

/// Whether `actor` may see the records of centre `centre`.
pub fn sees_centre(actor: &Actor, centre: &str) -> bool {
    match actor.role {
        Role::TrainingDoctor => actor.scope.as_deref() == Some(centre),
        role => role.allows(Permission::ReadSmeProgramme),
    }
}

fn check_notes(notes: &str) -> Result<(), AppError> {
    if notes.chars().count() > VISIT_NOTES_MAX {
        return Err(invalid(
            "notes",
            format!("메모는 {VISIT_NOTES_MAX}자 이하로 적어 주십시오."),
            format!("notes are at most {VISIT_NOTES_MAX} characters"),
        ));
    }
    Ok(())
}

/// A firm of the doctor's own centre, or 404.
async fn firm_of_centre(app: &App, centre: &str, firm_id: i64) -> Result<FirmRecord, AppError> {
    match app.db().firms().firm(firm_id).await? {
        Some(f) if f.centre_id.as_deref() == Some(centre) => Ok(f),
        _ => Err(AppError::not_found("firm")),
    }
}

/// A visit of the doctor's own centre, or 404.
async fn visit_of_centre(app: &App, centre: &str, visit_id: i64) -> Result<VisitRecord, AppError> {
    match app.db().sme_visits().visit(visit_id).await? {
        Some(v) if v.centre_id == centre => Ok(v),
        _ => Err(AppError::not_found("visit")),
    }
}

/// Schedules a visit to a firm of the doctor's centre, on today or later.
pub async fn schedule(app: &App, actor: &Actor, input: &ScheduleVisit) -> Result<VisitRecord, AppError> {
    let centre = own_centre(actor)?.to_owned();
    let firm = firm_of_centre(app, &centre, input.firm_id).await?;
    if !VISIT_PURPOSES.contains(&input.purpose.as_str()) {
        return Err(invalid(
            "purpose",
            "방문 목적을 고르십시오(발굴, 진단, 처방, 사후 관리).",
            format!("purpose is one of {}", VISIT_PURPOSES.join(", ")),
        ));
    }
    let today = app.today();
    if input.scheduled_on < today {
        return Err(invalid(
            "scheduled_on",
            format!("방문일은 오늘({today}) 이후여야 합니다."),
            format!("the visit day cannot be before today ({today})"),
        ));
    }
    check_notes(&input.notes)?;
    let visit = NewVisit {
        firm_id: firm.id,
        centre_id: centre,
        doctor_account_id: actor.account_id,
        scheduled_on: input.scheduled_on,
        purpose: input.purpose.clone(),
        notes: input.notes.trim().to_owned(),
    };
    Ok(app.db().sme_visits().schedule(&visit, &actor.audit_name()).await?)
}

/// Records a scheduled visit of the doctor's centre as done on `done_on` (today if `None`; not
/// in the future). A visit already recorded or cancelled is a conflict.
pub async fn record(
    app: &App,
    actor: &Actor,
    visit_id: i64,
    done_on: Option<NaiveDate>,
    notes: Option<&str>,
) -> Result<VisitRecord, AppError> {
    let centre = own_centre(actor)?.to_owned();
    visit_of_centre(app, &centre, visit_id).await?;
    let today = app.today();
    let done_on = done_on.unwrap_or(today);
    if done_on > today {
        return Err(invalid(
            "done_on",
            format!("방문 완료일은 오늘({today}) 이후일 수 없습니다."),
            format!("the day a visit was done cannot be after today ({today})"),
        ));
    }
    let notes = notes.map(str::trim).filter(|n| !n.is_empty());
    if let Some(n) = notes {
        check_notes(n)?;
    }
    Ok(app
        .db()
        .sme_visits()
        .record_done(visit_id, done_on, notes, &actor.audit_name())
        .await?)
}

/// Cancels a scheduled visit of the doctor's centre.
pub async fn cancel(app: &App, actor: &Actor, visit_id: i64, notes: Option<&str>) -> Result<VisitRecord, AppError> {
    let centre = own_centre(actor)?.to_owned();
    visit_of_centre(app, &centre, visit_id).await?;
    let notes = notes.map(str::trim).filter(|n| !n.is_empty());
    if let Some(n) = notes {
        check_notes(n)?;
    }
    Ok(app
        .db()
        .sme_visits()
        .cancel(visit_id, notes, &actor.audit_name())
        .await?)
}

/// The visits to one firm the caller may see (404 for a firm outside their scope).
pub async fn visits_of_firm(app: &App, actor: &Actor, firm_id: i64) -> Result<Vec<VisitRecord>, AppError> {
    actor.require(Permission::ReadFirms)?;
    super::firms::visible_firm(app, actor, firm_id).await?;
    let filter = VisitFilter {
        firm_id: Some(firm_id),
        ..VisitFilter::default()
    };
    Ok(app.db().sme_visits().visits(&filter).await?)
}

/// The centre a caller's board shows: a doctor's own (whatever they asked), else the one asked
/// for. `None` when a reader of every centre asked for none.
pub fn board_centre(actor: &Actor, asked: Option<&str>) -> Result<Option<String>, AppError> {
    actor.require(Permission::ReadFirms)?;
    match actor.role {
        Role::TrainingDoctor => Ok(actor.scope.clone()),
        role if role.allows(Permission::ReadSmeProgramme) => Ok(asked.map(str::to_owned)),
        _ => Err(AppError::forbidden(format!(
            "the role {} has no centre board",
            actor.role.as_str()
        ))),
    }
}

/// Every centre (for the chooser), for readers of every centre; a doctor's own only.
pub async fn centres_for(app: &App, actor: &Actor) -> Result<Vec<CentreRecord>, AppError> {
    actor.require(Permission::ReadFirms)?;
    let all = super::firms::centres(app).await?;
    Ok(all.into_iter().filter(|c| sees_centre(actor, &c.id)).collect())
}

/// The caseload of every doctor of `centre` in the month of `month`.
pub async fn caseloads(
    app: &App,
    actor: &Actor,
    centre: &str,
    month: NaiveDate,
) -> Result<Vec<DoctorCaseload>, AppError> {
    actor.require(Permission::ReadFirms)?;
    if !sees_centre(actor, centre) {
        return Err(AppError::not_found("centre"));
    }
    let loads = app.db().sme_visits().caseloads(centre, month).await?;
    let accounts = app.db().accounts().list().await?;
    let mut out: Vec<DoctorCaseload> = accounts
        .iter()
        .filter(|a| {
            let doctor = a.role == Role::TrainingDoctor.as_str() && a.scope.as_deref() == Some(centre) && !a.disabled;
            doctor || loads.iter().any(|l| l.doctor_account_id == a.id)
        })
        .map(|a| {
            let load = loads
                .iter()
                .find(|l| l.doctor_account_id == a.id)
                .copied()
                .unwrap_or(Caseload {
                    doctor_account_id: a.id,
                    scheduled: 0,
                    done_in_month: 0,
                    firms: 0,
                });
            DoctorCaseload {
                account_id: a.id,
                login: a.login.clone(),
                display_name: a.display_name.clone(),
                scheduled: load.scheduled,
                done_in_month: load.done_in_month,
                firms: load.firms,
            }
        })
        .collect();
    out.sort_by_key(|c| c.account_id);
    Ok(out)
}

/// A centre's board: its firms, upcoming visits and caseloads. 404 for a centre the caller may
/// not see or that does not exist.
pub async fn board(app: &App, actor: &Actor, centre: &str) -> Result<Board, AppError> {
    actor.require(Permission::ReadFirms)?;
    if !sees_centre(actor, centre) {
        return Err(AppError::not_found("centre"));
    }
    let Some(record) = super::firms::centres(app).await?.into_iter().find(|c| c.id == centre) else {
        return Err(AppError::not_found("centre"));
    };
    let firm_filter = FirmFilter {
        centre_id: Some(centre.to_owned()),
        ..FirmFilter::default()
    };
    let firm_count = app.db().firms().count_firms(&firm_filter).await?;
    let firms = app
        .db()
        .firms()
        .firms(&FirmFilter {
            limit: Some(BOARD_FIRMS),
            ..firm_filter
        })
        .await?;
    let today = app.today();
    let upcoming = app
        .db()
        .sme_visits()
        .visits(&VisitFilter {
            centre_id: Some(centre.to_owned()),
            status: Some("scheduled".to_owned()),
            limit: Some(BOARD_VISITS),
            ..VisitFilter::default()
        })
        .await?;
    let caseloads = caseloads(app, actor, centre, today).await?;
    Ok(Board {
        centre: record,
        firms,
        firm_count,
        upcoming,
        caseloads,
        month: today,
    })
}
