//! The demand survey: import, the appendix-2 tables, regional demand, and the generator.
//!
//! Import (programme administrators, `ManageFirms`) parses the CSV of docs/sme-survey.md (every
//! bad row listed, nothing stored if any is bad), stores the round and its answers in one
//! transaction with its audit event (the same file again changes nothing), and feeds discovery:
//! each answer with a business number of the registry sets that firm's stated intent. Reading
//! the tables is for `ReadSmeProgramme` (programme administrators, auditors, administrators) and
//! training doctors (`VisitFirms`): the answers are survey-wide, not any one firm's record.

use aiup_core::policy::Text;
use aiup_sme::survey::{
    self as sme_survey, Choices, Experience, Hours, Level, Method, RegionalDemand, SurveyAnswer, SurveyTables,
};
pub use aiup_sme::survey::{tables_csv, SAMPLE_SIZE};
use aiup_sme::{BusinessNumber, RowProblem, SizeBand};
pub use aiup_store::SurveyRound;
use aiup_store::{NewSurveyRound, SurveyAnswerRow};
use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::accounts::{Actor, Permission};
use crate::{App, AppError, Code};

/// A file to import as one survey round.
#[derive(Debug, Clone)]
pub struct SurveyImportRequest<'a> {
    pub name: &'a str,
    pub fielded_from: NaiveDate,
    pub fielded_to: NaiveDate,
    /// Where the file came from (its name), kept on the round.
    pub source: &'a str,
    pub text: &'a str,
}

/// What an import did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SurveyImportSummary {
    pub round: SurveyRound,
    /// `false`: this file was already imported, and nothing changed.
    pub created: bool,
    /// Answers that named a firm of the registry, whose stated intent was set.
    pub intents_set: usize,
    /// Answers with a business number the registry does not hold.
    pub unmatched: usize,
}

/// Refused unless the actor may read the survey: `ReadSmeProgramme` or a training doctor.
pub fn require_reader(actor: &Actor) -> Result<(), AppError> {
    if actor.allows(Permission::ReadSmeProgramme) || actor.allows(Permission::VisitFirms) {
        Ok(())
    } else {
        Err(AppError::forbidden(format!(
            "the role {} may not read the demand survey",
            actor.role.as_str()
        )))
    }
}

/// The `invalid_survey_csv` error listing every bad row, one line each, in Korean and English.
pub fn problems_error(problems: &[RowProblem]) -> AppError {
    let mut en = vec![format!("{} bad row(s); nothing was imported:", problems.len())];
    let mut ko = vec![format!(
        "잘못된 행이 {}개 있어 아무것도 가져오지 않았습니다:",
        problems.len()
    )];
    for row in problems {
        for p in &row.problems {
            en.push(format!("line {}, {}: {}", row.line, p.field, p.reason));
            ko.push(format!("{}행, {}: {}", row.line, p.field, p.reason_ko));
        }
    }
    AppError::bilingual(
        Code::InvalidSurveyCsv,
        None,
        Text {
            ko: ko.join("\n"),
            en: en.join("\n"),
        },
    )
}

fn bits(c: Choices) -> i64 {
    i64::from(c.0)
}

fn choices(v: i64) -> Result<Choices, AppError> {
    u16::try_from(v)
        .map(Choices)
        .map_err(|_| AppError::internal(&format!("stored choice set {v} is out of range")))
}

fn index(v: Option<usize>) -> Option<i64> {
    v.and_then(|i| i64::try_from(i).ok())
}

fn option<T>(v: Option<i64>, from: fn(usize) -> Option<T>) -> Result<Option<T>, AppError> {
    v.map(|i| {
        usize::try_from(i)
            .ok()
            .and_then(from)
            .ok_or_else(|| AppError::internal(&format!("stored answer {i} is out of range")))
    })
    .transpose()
}

/// An answer in the store's compact columns (`line`: its row in the file, the header being 1).
pub fn to_row(line: usize, a: &SurveyAnswer) -> SurveyAnswerRow {
    SurveyAnswerRow {
        line: i64::try_from(line).unwrap_or(i64::MAX),
        business_number: a.business_number.as_ref().map(BusinessNumber::digits),
        size_band: a.size_band.as_str().to_owned(),
        province: a.province.clone(),
        ai_use: a.ai_use,
        experience: a.experience.as_str().to_owned(),
        need: a.need,
        intent: a.intent,
        fields_done: bits(a.fields_done),
        fields_needed: bits(a.fields_needed),
        method_done: index(a.method_done.map(Method::index)),
        method_needed: index(a.method_needed.map(Method::index)),
        level_done: index(a.level_done.map(Level::index)),
        level_needed: index(a.level_needed.map(Level::index)),
        hours_done: index(a.hours_done.map(Hours::index)),
        hours_needed: index(a.hours_needed.map(Hours::index)),
        obstacles_done: bits(a.obstacles_done),
        obstacles_needed: bits(a.obstacles_needed),
        support: bits(a.support),
    }
}

/// A stored answer back as the survey's answer.
pub fn from_row(r: &SurveyAnswerRow) -> Result<SurveyAnswer, AppError> {
    let bad = |what: &str| AppError::internal(&format!("stored survey answer on line {}: bad {what}", r.line));
    Ok(SurveyAnswer {
        business_number: r
            .business_number
            .as_deref()
            .map(|n| BusinessNumber::parse(n, "business_number").map_err(|_| bad("business number")))
            .transpose()?,
        size_band: SizeBand::parse(&r.size_band).ok_or_else(|| bad("size band"))?,
        province: r.province.clone(),
        ai_use: r.ai_use,
        experience: Experience::parse(&r.experience).ok_or_else(|| bad("experience"))?,
        need: r.need,
        intent: r.intent,
        fields_done: choices(r.fields_done)?,
        fields_needed: choices(r.fields_needed)?,
        method_done: option(r.method_done, Method::from_index)?,
        method_needed: option(r.method_needed, Method::from_index)?,
        level_done: option(r.level_done, Level::from_index)?,
        level_needed: option(r.level_needed, Level::from_index)?,
        hours_done: option(r.hours_done, Hours::from_index)?,
        hours_needed: option(r.hours_needed, Hours::from_index)?,
        obstacles_done: choices(r.obstacles_done)?,
        obstacles_needed: choices(r.obstacles_needed)?,
        support: choices(r.support)?,
    })
}

/// Imports a survey file as one round (see the module docs).
pub async fn import(
    app: &App,
    actor: &Actor,
    request: SurveyImportRequest<'_>,
) -> Result<SurveyImportSummary, AppError> {
    actor.require(Permission::ManageFirms)?;
    let name = request.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::field(
            Code::InvalidSurveyCsv,
            "name",
            "a round needs a name of 1 to 200 characters",
        ));
    }
    if request.fielded_to < request.fielded_from {
        return Err(AppError::field(
            Code::InvalidSurveyCsv,
            "fielded_to",
            "the survey's last day is before its first",
        ));
    }
    let answers = sme_survey::parse_survey_csv(request.text).map_err(|problems| problems_error(&problems))?;
    if answers.is_empty() {
        return Err(AppError::field(
            Code::InvalidSurveyCsv,
            "text",
            "the file has no answers",
        ));
    }
    let rows: Vec<SurveyAnswerRow> = answers.iter().enumerate().map(|(i, a)| to_row(i + 2, a)).collect();
    let round = NewSurveyRound {
        name: name.to_owned(),
        fielded_from: request.fielded_from,
        fielded_to: request.fielded_to,
        source: request.source.trim().to_owned(),
        content_sha256: hex::encode(Sha256::digest(request.text.as_bytes())),
    };
    let stored = app.db().sme_survey().import_round(&round, &rows, &actor.login).await?;
    let (mut intents_set, mut unmatched) = (0, 0);
    if stored.created {
        let source = format!("survey:{}", stored.round.round.name);
        for answer in &answers {
            let Some(number) = &answer.business_number else {
                continue;
            };
            let found = app
                .db()
                .firms()
                .set_intent(
                    &number.digits(),
                    answer.intent,
                    &source,
                    request.fielded_to,
                    &actor.login,
                )
                .await?;
            if found {
                intents_set += 1;
            } else {
                unmatched += 1;
            }
        }
    }
    Ok(SurveyImportSummary {
        round: stored.round,
        created: stored.created,
        intents_set,
        unmatched,
    })
}

/// Every round, newest first.
pub async fn rounds(app: &App, actor: &Actor) -> Result<Vec<SurveyRound>, AppError> {
    require_reader(actor)?;
    Ok(app.db().sme_survey().rounds().await?)
}

/// A round and its answers.
pub async fn answers(app: &App, actor: &Actor, round_id: i64) -> Result<(SurveyRound, Vec<SurveyAnswer>), AppError> {
    require_reader(actor)?;
    let round = app
        .db()
        .sme_survey()
        .round(round_id)
        .await?
        .ok_or_else(|| AppError::not_found("survey round"))?;
    let rows = app.db().sme_survey().answers(round_id).await?;
    let answers = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
    Ok((round, answers))
}

/// A round's appendix-2 tables.
pub async fn tables(app: &App, actor: &Actor, round_id: i64) -> Result<(SurveyRound, SurveyTables), AppError> {
    let (round, answers) = answers(app, actor, round_id).await?;
    Ok((round, sme_survey::tables(&answers)))
}

/// A round's demand by province (the 17 regional HRD committees).
pub async fn regional_demand(
    app: &App,
    actor: &Actor,
    round_id: i64,
) -> Result<(SurveyRound, Vec<RegionalDemand>), AppError> {
    let (round, answers) = answers(app, actor, round_id).await?;
    Ok((round, sme_survey::regional_demand(&answers)))
}

/// The generator's answers as CSV (for demos and tests; anyone may run it, it reads nothing).
pub fn generated_csv(seed: u64) -> String {
    sme_survey::write_survey_csv(&sme_survey::generate(seed))
}
