//! A firm's diagnosis (issue 11, item 5): the training doctor of the firm's centre records the
//! questionnaire's answers at a visit; they are scored by `aiup_sme::assessment` into an AX
//! level with its reasons, stored append-only (a re-diagnosis is the next number), and the
//! firm's stated intent to train is set from the answer (source `diagnosis`). Reads are scoped
//! like the registry: a doctor sees their centre's firms, an HR lead their own firm.

use aiup_core::policy::Text;
use aiup_sme::assessment::{assess, decode, encode, Answers, Assessment};
use aiup_sme::questionnaire::{questionnaire, Questionnaire};
use aiup_sme::{AxLevel, FieldProblem};
use aiup_store::{FirmRecord, NewSmeDiagnosis, SmeDiagnosisRecord};

use crate::accounts::{Actor, Permission};
pub use crate::sme::firms::visible_firm;
use crate::{App, AppError, Code};

/// The intent's source written on the firm.
pub const INTENT_SOURCE: &str = "diagnosis";

/// A stored diagnosis with its answers and, when it was scored with the questionnaire compiled
/// in, the assessment (reasons, needs, preferences) recomputed from them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagnosisView {
    pub record: SmeDiagnosisRecord,
    pub level: AxLevel,
    pub answers: Answers,
    /// `None` when the diagnosis was scored with another questionnaire version: its level and
    /// points stand as stored.
    pub assessment: Option<Assessment>,
}

/// A refused diagnosis: the error, and every bad answer by question id (for the form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagnosisRefused {
    pub error: AppError,
    pub problems: Vec<FieldProblem>,
}

impl From<AppError> for DiagnosisRefused {
    fn from(error: AppError) -> DiagnosisRefused {
        DiagnosisRefused {
            error,
            problems: Vec::new(),
        }
    }
}

impl From<DiagnosisRefused> for AppError {
    fn from(e: DiagnosisRefused) -> AppError {
        e.error
    }
}

/// The questionnaire the forms ask.
pub fn current_questionnaire() -> &'static Questionnaire {
    questionnaire()
}

fn view(record: SmeDiagnosisRecord) -> Result<DiagnosisView, AppError> {
    let q = questionnaire();
    let answers = decode(&record.diagnosis.answers);
    let level = AxLevel::parse(&record.diagnosis.level).ok_or_else(|| {
        AppError::internal(&format_args!(
            "diagnosis {} has level `{}`",
            record.id, record.diagnosis.level
        ))
    })?;
    let assessment = (record.diagnosis.questionnaire_version == q.version)
        .then(|| assess(q, &answers).ok())
        .flatten();
    Ok(DiagnosisView {
        record,
        level,
        answers,
        assessment,
    })
}

/// A firm the caller may act on as its centre's training doctor.
pub async fn doctors_firm(app: &App, actor: &Actor, firm_id: i64) -> Result<FirmRecord, AppError> {
    actor.require(Permission::VisitFirms)?;
    visible_firm(app, actor, firm_id).await
}

fn refused(problems: Vec<FieldProblem>) -> DiagnosisRefused {
    let ko = problems
        .iter()
        .map(|p| format!("{}: {}", p.field, p.reason_ko))
        .collect::<Vec<_>>()
        .join("; ");
    let en = problems
        .iter()
        .map(|p| format!("{}: {}", p.field, p.reason))
        .collect::<Vec<_>>()
        .join("; ");
    DiagnosisRefused {
        error: AppError::bilingual(
            Code::InvalidField,
            problems.first().map(|p| p.field.as_str()),
            Text {
                ko: format!(
                    "답이 빠졌거나 맞지 않는 문항이 {}개 있어 저장하지 않았습니다. {ko}",
                    problems.len()
                ),
                en: format!(
                    "{} answers are missing or out of range; nothing was stored. {en}",
                    problems.len()
                ),
            },
        ),
        problems,
    }
}

/// Records a diagnosis of `firm_id` from `answers` (the doctor of the firm's centre only):
/// every bad answer is named and nothing is stored; otherwise the next number, scored, with
/// the firm's stated intent set from the answer.
pub async fn record_diagnosis(
    app: &App,
    actor: &Actor,
    firm_id: i64,
    answers: &Answers,
) -> Result<DiagnosisView, DiagnosisRefused> {
    let firm = doctors_firm(app, actor, firm_id).await?;
    let q = questionnaire();
    let assessment = assess(q, answers).map_err(refused)?;
    let store = app.db().sme_diagnoses();
    let today = app.today();
    let no = store.next_diagnosis_no(firm.id).await.map_err(AppError::from)?;
    let stored = store
        .record_diagnosis(
            &NewSmeDiagnosis {
                firm_id: firm.id,
                diagnosis_no: no,
                taken_on: today,
                questionnaire_version: q.version.clone(),
                answers: encode(answers),
                level: assessment.level.as_str().to_owned(),
                points: i64::from(assessment.points),
                max_points: i64::from(assessment.max_points),
                intermediate_from: i64::from(assessment.intermediate_from),
                advanced_from: i64::from(assessment.advanced_from),
            },
            Some((assessment.intent, INTENT_SOURCE)),
            &actor.audit_name(),
        )
        .await
        .map_err(AppError::from)?;
    Ok(view(stored)?)
}

/// A firm's diagnoses, oldest first (anyone who may see the firm).
pub async fn diagnoses(app: &App, actor: &Actor, firm_id: i64) -> Result<Vec<DiagnosisView>, AppError> {
    let firm = visible_firm(app, actor, firm_id).await?;
    app.db()
        .sme_diagnoses()
        .diagnoses_of(firm.id)
        .await?
        .into_iter()
        .map(view)
        .collect()
}

/// Diagnosis number `no` of a firm (anyone who may see the firm); `not_found` otherwise.
pub async fn diagnosis(app: &App, actor: &Actor, firm_id: i64, no: i64) -> Result<DiagnosisView, AppError> {
    diagnoses(app, actor, firm_id)
        .await?
        .into_iter()
        .find(|d| d.record.diagnosis.diagnosis_no == no)
        .ok_or_else(|| AppError::not_found("diagnosis"))
}

/// The firm's latest diagnosis, if any.
pub async fn latest(app: &App, actor: &Actor, firm_id: i64) -> Result<Option<DiagnosisView>, AppError> {
    Ok(diagnoses(app, actor, firm_id).await?.pop())
}
