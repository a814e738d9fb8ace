//! Prescription (issue 11, item 6): from the firm's latest diagnosis, a training plan by AX level
//! (`aiup_sme::prescription`), each course item filled from the catalogue search by its criteria
//! and priced by the rules engine for an employee of the firm; the HR lead accepts it, once,
//! and enrols staff into its courses.
//!
//! Courses are searched near the firm first (its province) and then nationwide, with the
//! criteria loosened one at a time when nothing matches (fields, then the hours band, then the
//! AI level and delivery), at most [`COURSES_PER_ITEM`] per item. Each is priced exactly as the
//! enrolment's acceptance will price it (`catalogue::case_for` on the cohort's dates under the
//! item's programme, the trainee employed by a firm of the firm's size): the engine's tuition
//! support is the government's share, the self-payment the worker's, the employer payment the
//! firm's. The rate therefore follows the course's region, as the engine reads it (capital or
//! not for the 2026 skill-up rates).

use aiup_catalogue::{Cohort, Course};
use aiup_core::policy::Text;
use aiup_core::{EmployerSize, TraineeStatus};
use aiup_people::ProfileInput;
use aiup_rules::Totals;
use aiup_search::{Filters, SearchRequest, SortOrder};
use aiup_sme::prescription::{prescribe as plan_for, CourseCriteria, ItemKind, PlanItem};
use aiup_store::{
    FirmRecord, NewApplication, NewPrescription, NewStaffEnrolment, PlanEnrolment, PrescriptionLine, PrescriptionRecord,
};
use serde::Serialize;

use crate::accounts::{Actor, Permission};
use crate::catalogue::{case_for, search, Profile};
use crate::enrolment::EngineRules;
use crate::sme::diagnosis::{doctors_firm, latest, visible_firm};
use crate::{App, AppError, Code};

/// The most courses one plan item lists.
pub const COURSES_PER_ITEM: usize = 3;

/// The stage of working life of an SME employee in the plan (the SME programmes' stage).
const STAFF_STAGE: &str = "participation";

/// One line of a plan as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineView {
    pub line: PrescriptionLine,
    pub kind: ItemKind,
    pub programme_name: Option<Text>,
    pub course_title: Option<String>,
    pub institution_id: Option<String>,
    /// Tenths of an hour.
    pub hours_tenths: Option<i64>,
    pub delivery: Option<aiup_core::Delivery>,
    pub region: Option<String>,
}

/// A plan with its lines described.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrescriptionView {
    pub record: PrescriptionRecord,
    pub lines: Vec<LineView>,
    /// The plan's items as the level calls for them (why, cite), in order.
    pub items: Vec<PlanItem>,
    /// For a plan with PBL training: the allowances in force on the plan's date.
    pub allowances: Option<PblAllowances>,
}

/// The PBL allowances (seed 002 IV-② <참고> ③), per hour, from the policy
/// (`policy/sme_training.toml`); 0 means the amount is not set yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PblAllowances {
    pub field_teacher_won_per_hour: i64,
    pub outside_expert_won_per_hour: i64,
    pub cite: String,
    pub confidence: aiup_core::policy::Confidence,
}

/// The PBL allowances in force on `on`, if the policy has them.
pub fn pbl_allowances(app: &App, on: chrono::NaiveDate) -> Option<PblAllowances> {
    let engine = app.engine();
    let value = |id: &str| {
        let v = engine.policy().parameter(id)?.at(on)?;
        match &v.value {
            aiup_core::policy::ParamValue::Won(w) => Some((w.0, v.cite.clone(), v.confidence)),
            _ => None,
        }
    };
    let (teacher, cite, confidence) = value("sme.pbl.field_teacher_allowance_won_per_hour")?;
    let (expert, ..) = value("sme.pbl.outside_expert_allowance_won_per_hour")?;
    Some(PblAllowances {
        field_teacher_won_per_hour: teacher,
        outside_expert_won_per_hour: expert,
        cite,
        confidence,
    })
}

impl PrescriptionView {
    pub fn accepted(&self) -> bool {
        self.record.acceptance.is_some()
    }
}

/// A course found for an item and priced for the firm's employee.
#[derive(Debug, Clone)]
pub struct PricedCourse {
    pub course: Course,
    pub cohort_ordinal: usize,
    pub cohort: Cohort,
    pub totals: Totals,
}

/// The employer size the engine uses for a firm.
pub fn employer_size(firm: &FirmRecord) -> EmployerSize {
    if firm.firm.priority_support {
        EmployerSize::PrioritySupport
    } else if firm.firm.employees >= 1000 {
        EmployerSize::Large1000
    } else {
        EmployerSize::Large
    }
}

/// The firm's employee as the catalogue prices a course.
fn employee(firm: &FirmRecord) -> Profile {
    Profile::of(TraineeStatus::Employed, Some(employer_size(firm)))
}

/// The firm's employee's price of `course` under `programme` on its next open cohort.
pub fn price(app: &App, course: &Course, programme: &str, firm: &FirmRecord) -> Option<PricedCourse> {
    let engine = app.engine();
    let p = engine.policy().programme(programme)?;
    if !course.programmes.iter().any(|id| id.as_str() == programme) {
        return None;
    }
    let today = app.today();
    let cohort = course.next_open_cohort(today)?.clone();
    let cohort_ordinal = course.cohorts.iter().position(|c| *c == cohort)?;
    let mut raw = case_for(course, p, &employee(firm), cohort.start_date)?;
    raw.course.start_date = cohort.start_date.to_string();
    raw.course.end_date = cohort.end_date.to_string();
    let case = engine.parse_case(&raw).ok()?;
    Some(PricedCourse {
        course: course.clone(),
        cohort_ordinal,
        cohort,
        totals: engine.totals(&case),
    })
}

/// The searches for an item, strictest first.
fn searches(criteria: &CourseCriteria, province: &str) -> Vec<Filters> {
    let base = Filters {
        programmes: vec![criteria.programme_id.clone()],
        ai_levels: criteria.ai_levels.clone(),
        deliveries: criteria.deliveries.clone(),
        hours_bands: criteria.hours_bands.clone(),
        ncs_majors: criteria.ncs_majors.clone(),
        ..Filters::default()
    };
    let remote_only = criteria
        .deliveries
        .iter()
        .all(|d| matches!(d, aiup_core::Delivery::Remote | aiup_core::Delivery::LiveOnline));
    let mut steps = Vec::new();
    let near = |f: &Filters| Filters {
        provinces: vec![province.to_owned()],
        ..f.clone()
    };
    let no_fields = Filters {
        ncs_majors: Vec::new(),
        ..base.clone()
    };
    let no_hours = Filters {
        hours_bands: Vec::new(),
        ..no_fields.clone()
    };
    let programme_only = Filters {
        programmes: base.programmes.clone(),
        ..Filters::default()
    };
    for f in [base, no_fields, no_hours, programme_only] {
        if !remote_only {
            steps.push(near(&f));
        }
        steps.push(f);
    }
    steps
}

/// Up to [`COURSES_PER_ITEM`] courses for `criteria`, each priced for the firm's employee.
pub async fn courses_for(
    app: &App,
    criteria: &CourseCriteria,
    firm: &FirmRecord,
) -> Result<Vec<PricedCourse>, AppError> {
    let mut found: Vec<PricedCourse> = Vec::new();
    for filters in searches(criteria, &firm.firm.province_code) {
        let request = SearchRequest {
            filters,
            sort: SortOrder::StartDate,
            limit: aiup_search::MAX_LIMIT,
            today: app.today(),
            ..SearchRequest::default()
        };
        let hits = search(app.index(), request).await.map_err(AppError::from)?.hits;
        for hit in hits {
            if found.len() >= COURSES_PER_ITEM {
                return Ok(found);
            }
            if found.iter().any(|f| f.course.id == hit.course.id) {
                continue;
            }
            if let Some(priced) = price(app, &hit.course, &criteria.programme_id, firm) {
                found.push(priced);
            }
        }
        if !found.is_empty() {
            break;
        }
    }
    Ok(found)
}

fn activity_line(line_no: i64, kind: ItemKind) -> PrescriptionLine {
    PrescriptionLine {
        line_no,
        kind: kind.as_str().to_owned(),
        programme_id: None,
        course_id: None,
        cohort_ordinal: None,
        cohort_start: None,
        fee_won: 0,
        firm_won: 0,
        government_won: 0,
        worker_won: 0,
    }
}

/// Makes a plan from the firm's latest diagnosis (the doctor of the firm's centre):
/// `firm_not_diagnosed` before the first diagnosis (or when it was scored with another
/// questionnaire: diagnose again).
pub async fn prescribe(app: &App, actor: &Actor, firm_id: i64) -> Result<PrescriptionView, AppError> {
    let firm = doctors_firm(app, actor, firm_id).await?;
    let not_diagnosed = || {
        AppError::bilingual(
            Code::FirmNotDiagnosed,
            Some("diagnosis"),
            Text {
                ko: "처방하려면 먼저 이 기업을 (현재 설문으로) 진단해야 합니다.".to_owned(),
                en: "diagnose the firm (with the current questionnaire) before prescribing".to_owned(),
            },
        )
    };
    let latest = latest(app, actor, firm.id).await?.ok_or_else(not_diagnosed)?;
    let assessment = latest.assessment.clone().ok_or_else(not_diagnosed)?;
    let plan = plan_for(aiup_sme::questionnaire::questionnaire(), &assessment);
    let mut lines = Vec::new();
    for item in &plan.items {
        match &item.criteria {
            None => lines.push(activity_line(lines.len() as i64 + 1, item.kind)),
            Some(criteria) => {
                for priced in courses_for(app, criteria, &firm).await? {
                    lines.push(PrescriptionLine {
                        line_no: lines.len() as i64 + 1,
                        kind: item.kind.as_str().to_owned(),
                        programme_id: Some(criteria.programme_id.clone()),
                        course_id: Some(priced.course.id.to_string()),
                        cohort_ordinal: Some(priced.cohort_ordinal as i64),
                        cohort_start: Some(priced.cohort.start_date),
                        fee_won: priced.course.fee_won,
                        firm_won: priced.totals.employer_payment_won,
                        government_won: priced.totals.tuition_support_won,
                        worker_won: priced.totals.self_payment_won,
                    });
                }
            }
        }
    }
    let record = app
        .db()
        .sme_diagnoses()
        .record_prescription(
            &NewPrescription {
                firm_id: firm.id,
                diagnosis_id: latest.record.id,
                prescribed_on: app.today(),
                level: plan.level.as_str().to_owned(),
                policy_version: app.engine().policy().version.clone(),
                lines,
            },
            &actor.audit_name(),
        )
        .await?;
    describe(app, record, plan.items).await
}

async fn describe(app: &App, record: PrescriptionRecord, items: Vec<PlanItem>) -> Result<PrescriptionView, AppError> {
    let engine = app.engine();
    let mut lines = Vec::with_capacity(record.prescription.lines.len());
    for line in &record.prescription.lines {
        let kind = ItemKind::parse(&line.kind)
            .ok_or_else(|| AppError::internal(&format_args!("plan line kind `{}`", line.kind)))?;
        let course = match &line.course_id {
            Some(id) => app.db().catalogue().course(id).await?.map(|(c, _)| c),
            None => None,
        };
        lines.push(LineView {
            line: line.clone(),
            kind,
            programme_name: line
                .programme_id
                .as_deref()
                .and_then(|p| engine.policy().programme(p))
                .map(|p| p.name.clone()),
            course_title: course.as_ref().map(|c| c.title.clone()),
            institution_id: course.as_ref().map(|c| c.institution.to_string()),
            hours_tenths: course.as_ref().map(|c| i64::from(c.total_hours.tenths())),
            delivery: course.as_ref().map(|c| c.delivery),
            region: course.as_ref().map(|c| c.region.to_string()),
        });
    }
    let pbl =
        items.iter().any(|i| i.kind == ItemKind::PblTraining) || lines.iter().any(|l| l.kind == ItemKind::PblTraining);
    let allowances = pbl
        .then(|| pbl_allowances(app, record.prescription.prescribed_on))
        .flatten();
    Ok(PrescriptionView {
        record,
        lines,
        items,
        allowances,
    })
}

/// The plan items a stored prescription's diagnosis calls for (empty if the diagnosis was
/// scored with another questionnaire).
async fn items_of(app: &App, record: &PrescriptionRecord) -> Result<Vec<PlanItem>, AppError> {
    let Some(d) = app
        .db()
        .sme_diagnoses()
        .diagnosis(record.prescription.diagnosis_id)
        .await?
    else {
        return Ok(Vec::new());
    };
    let q = aiup_sme::questionnaire::questionnaire();
    if d.diagnosis.questionnaire_version != q.version {
        return Ok(Vec::new());
    }
    let answers = aiup_sme::assessment::decode(&d.diagnosis.answers);
    Ok(aiup_sme::assessment::assess(q, &answers)
        .map(|a| plan_for(q, &a).items)
        .unwrap_or_default())
}

async fn view(app: &App, record: PrescriptionRecord) -> Result<PrescriptionView, AppError> {
    let items = items_of(app, &record).await?;
    describe(app, record, items).await
}

/// A firm's plans, oldest first (anyone who may see the firm).
pub async fn prescriptions(app: &App, actor: &Actor, firm_id: i64) -> Result<Vec<PrescriptionView>, AppError> {
    let firm = visible_firm(app, actor, firm_id).await?;
    let mut out = Vec::new();
    for record in app.db().sme_diagnoses().prescriptions_of(firm.id).await? {
        out.push(view(app, record).await?);
    }
    Ok(out)
}

/// Plan `id` of a firm (anyone who may see the firm); `not_found` for another firm's.
pub async fn prescription(app: &App, actor: &Actor, firm_id: i64, id: i64) -> Result<PrescriptionView, AppError> {
    let firm = visible_firm(app, actor, firm_id).await?;
    match app.db().sme_diagnoses().prescription(id).await? {
        Some(record) if record.prescription.firm_id == firm.id => view(app, record).await,
        _ => Err(AppError::not_found("prescription")),
    }
}

/// The HR lead's own firm (scope: its business number).
pub async fn my_firm(app: &App, actor: &Actor) -> Result<FirmRecord, AppError> {
    actor.require(Permission::ActForFirm)?;
    let number = actor
        .scope
        .as_deref()
        .ok_or_else(|| AppError::forbidden("the account has no firm"))?;
    app.db()
        .firms()
        .firm_by_number(number)
        .await?
        .ok_or_else(|| AppError::not_found("firm"))
}

/// A plan of the HR lead's own firm; `not_found` for any other.
async fn my_plan(app: &App, actor: &Actor, id: i64) -> Result<(FirmRecord, PrescriptionRecord), AppError> {
    let firm = my_firm(app, actor).await?;
    match app.db().sme_diagnoses().prescription(id).await? {
        Some(record) if record.prescription.firm_id == firm.id => Ok((firm, record)),
        _ => Err(AppError::not_found("prescription")),
    }
}

/// The HR lead accepts their firm's plan, once (a second time is `conflict`).
pub async fn accept(app: &App, actor: &Actor, id: i64) -> Result<PrescriptionView, AppError> {
    let (_, record) = my_plan(app, actor, id).await?;
    if record.acceptance.is_some() {
        return Err(AppError::bilingual(
            Code::Conflict,
            Some("prescription"),
            Text {
                ko: "이미 수락한 훈련계획입니다.".to_owned(),
                en: "the plan is already accepted".to_owned(),
            },
        ));
    }
    let record = app
        .db()
        .sme_diagnoses()
        .accept_prescription(id, app.today(), &actor.audit_name())
        .await?;
    view(app, record).await
}

/// Who the HR lead enrols: no name, only the age band (the rules need it) and, optionally, the
/// firm's own staff reference, kept only as its keyed hash (when a key is configured).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StaffInput {
    pub line_no: String,
    pub age_band: String,
    pub staff_ref: String,
}

/// The HR lead enrols a staff member into a course line of their firm's accepted plan
/// (`plan_not_accepted` otherwise): a person (employed, the firm's size, living in the firm's
/// 시군구) and an application to the line's cohort (or the course's next open one), in one
/// transaction, linked to the line. The institution's staff then accept it as any other.
pub async fn enrol_staff(app: &App, actor: &Actor, id: i64, input: &StaffInput) -> Result<PlanEnrolment, AppError> {
    let (firm, record) = my_plan(app, actor, id).await?;
    if record.acceptance.is_none() {
        return Err(AppError::bilingual(
            Code::PlanNotAccepted,
            Some("prescription"),
            Text {
                ko: "훈련계획을 먼저 수락해야 직원을 등록할 수 있습니다.".to_owned(),
                en: "accept the plan before enrolling staff".to_owned(),
            },
        ));
    }
    let line_no: i64 = input
        .line_no
        .trim()
        .parse()
        .map_err(|_| AppError::field(Code::InvalidField, "line_no", "choose a course of the plan"))?;
    let Some(line) = record
        .prescription
        .lines
        .iter()
        .find(|l| l.line_no == line_no && l.course_id.is_some())
    else {
        return Err(AppError::not_found("plan course"));
    };
    let (course_id, programme) = (
        line.course_id.clone().unwrap_or_default(),
        line.programme_id.clone().unwrap_or_default(),
    );
    let Some((course, _)) = app.db().catalogue().course(&course_id).await? else {
        return Err(AppError::new(
            Code::UnknownCourse,
            Some("course"),
            format!("no course `{course_id}`"),
        ));
    };
    let today = app.today();
    let planned = line
        .cohort_ordinal
        .and_then(|o| usize::try_from(o).ok())
        .and_then(|o| course.cohorts.get(o).map(|c| (o, c.clone())));
    let cohort = match planned {
        Some((o, c)) if c.status(today).takes_applications() => (o, c),
        _ => match course.next_open_cohort(today) {
            Some(c) if c.status(today).takes_applications() => (
                course.cohorts.iter().position(|x| x == c).unwrap_or_default(),
                c.clone(),
            ),
            _ => {
                return Err(AppError::bilingual(
                    Code::ApplicationsClosed,
                    Some("cohort"),
                    Text {
                        ko: "이 과정은 지금 신청을 받는 기수가 없습니다.".to_owned(),
                        en: "the course has no cohort taking applications today".to_owned(),
                    },
                ))
            }
        },
    };
    let engine = app.engine();
    let profile = ProfileInput {
        stage: STAFF_STAGE.to_owned(),
        status: TraineeStatus::Employed.as_str().to_owned(),
        employer_size: employer_size(&firm).as_str().to_owned(),
        region: firm.firm.region_code.clone(),
        age_band: input.age_band.trim().to_owned(),
        groups: Vec::new(),
        kukchi: "none".to_owned(),
    }
    .parse(engine.regions())
    .map_err(|errors| {
        let first = errors.first();
        AppError::bilingual(
            Code::InvalidField,
            Some(first.map_or("age_band", |e| e.field)),
            first.map_or_else(
                || Text {
                    ko: "직원 정보를 확인하세요.".to_owned(),
                    en: "check the staff member's details".to_owned(),
                },
                |e| e.reason.clone(),
            ),
        )
    })?;
    let rules = EngineRules::new(engine.clone(), course.clone(), cohort.1.clone(), today);
    rules
        .terms_for(&profile, &programme, &[])
        .map_err(|why| AppError::bilingual(Code::IneligibleTrainee, Some("programme"), why))?;
    let staff_ref_hash = match (input.staff_ref.trim(), app.identifier_key()) {
        ("", _) | (_, None) => None,
        (text, Some(key)) => Some(
            key.hash(text)
                .map_err(|e| AppError::field(Code::InvalidField, "staff_ref", e.to_string()))?,
        ),
    };
    let staff = NewStaffEnrolment {
        prescription_id: record.id,
        line_no,
        person: crate::people::fields_of(&profile),
        application: NewApplication {
            person_id: 0,
            course_id: course.id.to_string(),
            cohort_ordinal: cohort.0 as i64,
            institution_id: course.institution.to_string(),
            programme,
            cohort_start: cohort.1.start_date,
            cohort_end: cohort.1.end_date,
            fee_won: course.fee_won,
            seats: i64::from(cohort.1.seats_left),
        },
        staff_ref_hash,
    };
    let (_, link) = app
        .db()
        .sme_diagnoses()
        .enrol_staff(&staff, &actor.audit_name())
        .await?;
    Ok(link)
}
