//! The catalogue's row shapes (private to this crate), their conversion to and from
//! `aiup_catalogue` values, and the plan of an upsert.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use aiup_catalogue::{
    AiLevel, AiStep, ApplicationPeriod, Audience, BasicModule, CatalogueBatch, Cohort, Course, CourseDetails, Email,
    ExternalId, Hours, Institution, InstitutionContact, InstitutionKind, NcsCode, Phone, QualityGrade, WebAddress,
};
use aiup_core::region::RegionCode;
use aiup_core::{Delivery, ProgrammeId};
use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::{CatalogueImportSummary, StoreError};

pub(crate) const INSTITUTION_COLUMNS: &str = "id, name, kind, region_code, grade, address, phone, email, website";

pub(crate) const COURSE_COLUMNS: &str = "id, institution_id, title, summary, keywords, programmes, ncs, \
     occupation, ai_step, ai_level, modules, delivery, total_hours_tenths, hours_per_day_tenths, fee_won, \
     region_code, audiences, self_payment_rate_percent, base_unit_price_won_per_hour, details, content_sha";

pub(crate) const COHORT_COLUMNS: &str =
    "course_id, ordinal, start_date, end_date, capacity, seats_left, application_start, application_end, waiting_list";

/// `ON CONFLICT` clause of the course upsert: every column but the id and `created_at`.
pub(crate) const COURSE_UPDATE: &str = " ON CONFLICT (id) DO UPDATE SET institution_id = excluded.institution_id, \
     title = excluded.title, summary = excluded.summary, keywords = excluded.keywords, \
     programmes = excluded.programmes, ncs = excluded.ncs, occupation = excluded.occupation, \
     ai_step = excluded.ai_step, ai_level = excluded.ai_level, modules = excluded.modules, \
     delivery = excluded.delivery, total_hours_tenths = excluded.total_hours_tenths, \
     hours_per_day_tenths = excluded.hours_per_day_tenths, fee_won = excluded.fee_won, \
     region_code = excluded.region_code, audiences = excluded.audiences, \
     self_payment_rate_percent = excluded.self_payment_rate_percent, \
     base_unit_price_won_per_hour = excluded.base_unit_price_won_per_hour, details = excluded.details, \
     content_sha = excluded.content_sha, updated_at = excluded.updated_at";

pub(crate) const INSTITUTION_UPDATE: &str = " ON CONFLICT (id) DO UPDATE SET name = excluded.name, \
     kind = excluded.kind, region_code = excluded.region_code, grade = excluded.grade, \
     address = excluded.address, phone = excluded.phone, email = excluded.email, website = excluded.website, \
     updated_at = excluded.updated_at";

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub(crate) struct InstitutionRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub region_code: String,
    pub grade: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct CourseRow {
    pub id: String,
    pub institution_id: String,
    pub title: String,
    pub summary: String,
    pub keywords: String,
    pub programmes: String,
    pub ncs: String,
    pub occupation: String,
    pub ai_step: Option<String>,
    pub ai_level: Option<String>,
    pub modules: String,
    pub delivery: String,
    pub total_hours_tenths: i64,
    pub hours_per_day_tenths: i64,
    pub fee_won: i64,
    pub region_code: String,
    pub audiences: String,
    pub self_payment_rate_percent: Option<i64>,
    pub base_unit_price_won_per_hour: Option<i64>,
    /// `CourseDetails` as JSON.
    pub details: String,
    pub content_sha: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct CohortRow {
    pub course_id: String,
    pub ordinal: i64,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub capacity: i64,
    pub seats_left: i64,
    pub application_start: Option<NaiveDate>,
    pub application_end: Option<NaiveDate>,
    pub waiting_list: bool,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct ShaRow {
    pub id: String,
    pub content_sha: String,
}

impl From<&Institution> for InstitutionRow {
    fn from(i: &Institution) -> InstitutionRow {
        InstitutionRow {
            id: i.id.to_string(),
            name: i.name.clone(),
            kind: i.kind.as_str().to_owned(),
            region_code: i.region.to_string(),
            grade: i.grade.as_str().to_owned(),
            address: i.contact.address.clone(),
            phone: i.contact.phone.as_ref().map(ToString::to_string),
            email: i.contact.email.as_ref().map(ToString::to_string),
            website: i.contact.website.as_ref().map(ToString::to_string),
        }
    }
}

fn corrupt(what: &str, id: &str, reason: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        what: format!("{what} `{id}`"),
        reason: reason.to_string(),
    }
}

fn word<T>(what: &str, id: &str, column: &str, text: &str, parse: fn(&str) -> Option<T>) -> Result<T, StoreError> {
    parse(text).ok_or_else(|| corrupt(what, id, format!("{column} `{text}` is not a known value")))
}

fn words<T>(
    what: &str,
    id: &str,
    column: &str,
    json: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<Vec<T>, StoreError> {
    strings(what, id, column, json)?
        .iter()
        .map(|text| word(what, id, column, text, parse))
        .collect()
}

fn strings(what: &str, id: &str, column: &str, json: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(json).map_err(|e| corrupt(what, id, format!("{column} is not a JSON array of strings: {e}")))
}

fn json_list<T>(items: &[T], as_str: impl Fn(&T) -> &str) -> String {
    serde_json::Value::from(items.iter().map(as_str).collect::<Vec<_>>()).to_string()
}

impl TryFrom<InstitutionRow> for Institution {
    type Error = StoreError;

    fn try_from(row: InstitutionRow) -> Result<Institution, StoreError> {
        let id = &row.id;
        Ok(Institution {
            id: ExternalId::parse(id).map_err(|e| corrupt("institution", id, e))?,
            kind: word("institution", id, "kind", &row.kind, InstitutionKind::parse)?,
            region: RegionCode::parse(&row.region_code).map_err(|e| corrupt("institution", id, e))?,
            grade: word("institution", id, "grade", &row.grade, QualityGrade::parse)?,
            contact: InstitutionContact {
                phone: row
                    .phone
                    .as_deref()
                    .map(Phone::parse)
                    .transpose()
                    .map_err(|e| corrupt("institution", id, e))?,
                email: row
                    .email
                    .as_deref()
                    .map(Email::parse)
                    .transpose()
                    .map_err(|e| corrupt("institution", id, e))?,
                website: row
                    .website
                    .as_deref()
                    .map(WebAddress::parse)
                    .transpose()
                    .map_err(|e| corrupt("institution", id, e))?,
                address: row.address,
            },
            name: row.name,
        })
    }
}

/// The sha256 (hex) of everything stored for a course, cohorts included.
pub(crate) fn content_sha(course: &Course) -> String {
    let canonical = serde_json::to_vec(course).unwrap_or_default();
    let digest = Sha256::digest(&canonical);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl CourseRow {
    /// The row of a course whose [`content_sha`] is already known.
    pub(crate) fn with_sha(c: &Course, content_sha: String) -> CourseRow {
        CourseRow {
            id: c.id.to_string(),
            institution_id: c.institution.to_string(),
            title: c.title.clone(),
            summary: c.summary.clone(),
            keywords: json_list(&c.keywords, String::as_str),
            programmes: json_list(&c.programmes, ProgrammeId::as_str),
            ncs: c.ncs.to_string(),
            occupation: c.occupation.clone(),
            ai_step: c.ai_step.map(|s| s.as_str().to_owned()),
            ai_level: c.ai_level.map(|s| s.as_str().to_owned()),
            modules: json_list(&c.modules, |m| m.as_str()),
            delivery: c.delivery.as_str().to_owned(),
            total_hours_tenths: i64::from(c.total_hours.tenths()),
            hours_per_day_tenths: i64::from(c.hours_per_day.tenths()),
            fee_won: c.fee_won,
            region_code: c.region.to_string(),
            audiences: json_list(&c.audiences, |a| a.as_str()),
            self_payment_rate_percent: c.self_payment_rate_percent.map(i64::from),
            base_unit_price_won_per_hour: c.base_unit_price_won_per_hour,
            details: serde_json::to_string(&c.details).unwrap_or_else(|_| "{}".to_owned()),
            content_sha,
        }
    }
}

pub(crate) fn cohort_rows(course: &Course) -> impl Iterator<Item = CohortRow> + '_ {
    course.cohorts.iter().enumerate().map(move |(i, k)| CohortRow {
        course_id: course.id.to_string(),
        ordinal: i64::try_from(i).unwrap_or(i64::MAX),
        start_date: k.start_date,
        end_date: k.end_date,
        capacity: i64::from(k.capacity),
        seats_left: i64::from(k.seats_left),
        application_start: k.application.map(|p| p.start),
        application_end: k.application.map(|p| p.end),
        waiting_list: k.waiting_list,
    })
}

fn hours(id: &str, column: &str, tenths: i64) -> Result<Hours, StoreError> {
    u32::try_from(tenths)
        .map(Hours::from_tenths)
        .map_err(|_| corrupt("course", id, format!("{column} {tenths} is out of range")))
}

fn count(id: &str, column: &str, value: i64) -> Result<u32, StoreError> {
    u32::try_from(value).map_err(|_| corrupt("course", id, format!("{column} {value} is out of range")))
}

/// A stored course and its cohorts (in ordinal order) as a [`Course`].
pub(crate) fn course_from_rows(row: CourseRow, cohorts: &[CohortRow]) -> Result<Course, StoreError> {
    let id = row.id.as_str();
    let cohorts = cohorts
        .iter()
        .map(|k| {
            Ok(Cohort {
                start_date: k.start_date,
                end_date: k.end_date,
                capacity: count(id, "capacity", k.capacity)?,
                seats_left: count(id, "seats_left", k.seats_left)?,
                application: match (k.application_start, k.application_end) {
                    (Some(start), Some(end)) => Some(ApplicationPeriod { start, end }),
                    (None, None) => None,
                    _ => return Err(corrupt("course", id, "a cohort has half an application period")),
                },
                waiting_list: k.waiting_list,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let programmes = strings("course", id, "programmes", &row.programmes)?
        .iter()
        .map(|p| ProgrammeId::parse(p).map_err(|e| corrupt("course", id, e)))
        .collect::<Result<Vec<_>, _>>()?;
    let self_payment_rate_percent = row
        .self_payment_rate_percent
        .map(|p| u8::try_from(p).map_err(|_| corrupt("course", id, format!("self_payment_rate_percent {p}"))))
        .transpose()?;
    Ok(Course {
        id: ExternalId::parse(id).map_err(|e| corrupt("course", id, e))?,
        institution: ExternalId::parse(&row.institution_id).map_err(|e| corrupt("course", id, e))?,
        keywords: strings("course", id, "keywords", &row.keywords)?,
        programmes,
        ncs: NcsCode::parse(&row.ncs).map_err(|e| corrupt("course", id, e))?,
        ai_step: row
            .ai_step
            .as_deref()
            .map(|s| word("course", id, "ai_step", s, AiStep::parse))
            .transpose()?,
        ai_level: row
            .ai_level
            .as_deref()
            .map(|s| word("course", id, "ai_level", s, AiLevel::parse))
            .transpose()?,
        modules: words("course", id, "modules", &row.modules, BasicModule::parse)?,
        delivery: word("course", id, "delivery", &row.delivery, Delivery::parse)?,
        total_hours: hours(id, "total_hours_tenths", row.total_hours_tenths)?,
        hours_per_day: hours(id, "hours_per_day_tenths", row.hours_per_day_tenths)?,
        fee_won: row.fee_won,
        region: RegionCode::parse(&row.region_code).map_err(|e| corrupt("course", id, e))?,
        audiences: words("course", id, "audiences", &row.audiences, Audience::parse)?,
        self_payment_rate_percent,
        base_unit_price_won_per_hour: row.base_unit_price_won_per_hour,
        cohorts,
        details: serde_json::from_str::<CourseDetails>(&row.details)
            .map_err(|e| corrupt("course", id, format!("details is not valid: {e}")))?,
        title: row.title,
        summary: row.summary,
        occupation: row.occupation,
    })
}

/// Courses (ordered by id) with their cohorts, from the rows of two queries.
pub(crate) fn assemble_courses(mut rows: Vec<CourseRow>, cohorts: Vec<CohortRow>) -> Result<Vec<Course>, StoreError> {
    let mut by_course: HashMap<String, Vec<CohortRow>> = HashMap::with_capacity(rows.len());
    for cohort in cohorts {
        by_course.entry(cohort.course_id.clone()).or_default().push(cohort);
    }
    rows.sort_by(|a, b| a.id.cmp(&b.id));
    rows.into_iter()
        .map(|row| {
            let mut cohorts = by_course.remove(&row.id).unwrap_or_default();
            cohorts.sort_by_key(|k| k.ordinal);
            course_from_rows(row, &cohorts)
        })
        .collect()
}

/// What an upsert will write, decided by comparing the batch with what is stored.
#[derive(Debug)]
pub(crate) struct Plan {
    pub institutions: Vec<InstitutionRow>,
    /// For each course of the batch, in order: whether its row (and cohorts) is written.
    pub write_course: Vec<bool>,
    /// Stored courses among those written, whose cohorts are replaced.
    pub replaced_courses: Vec<String>,
    pub summary: CatalogueImportSummary,
}

impl Plan {
    pub fn changes_anything(&self) -> bool {
        !self.institutions.is_empty() || self.write_course.contains(&true)
    }
}

/// What the plan needs of one course: the course rows themselves are built a chunk at a time
/// while they are written, so the batch is never held twice.
#[derive(Debug)]
pub(crate) struct CourseKey {
    pub id: String,
    pub institution_id: String,
    pub content_sha: String,
}

/// A batch's institutions as rows and its courses' keys, checked for ids given twice, ready to
/// move onto the task that stores it.
#[derive(Debug)]
pub(crate) struct Prepared {
    /// Every institution id the batch names (its own and those its courses refer to).
    pub institution_ids: Vec<String>,
    pub course_ids: Vec<String>,
    pub institutions: Vec<InstitutionRow>,
    /// One per course of the batch, in order.
    pub courses: Vec<CourseKey>,
}

impl Prepared {
    /// The batch as rows and keys; an id given twice in the batch is a conflict.
    pub fn new(batch: &CatalogueBatch) -> Result<Prepared, StoreError> {
        let mut institution_ids = BTreeSet::new();
        for i in &batch.institutions {
            if !institution_ids.insert(i.id.to_string()) {
                return Err(duplicate("institution", i.id.as_str()));
            }
        }
        let mut course_ids = BTreeSet::new();
        for c in &batch.courses {
            if !course_ids.insert(c.id.to_string()) {
                return Err(duplicate("course", c.id.as_str()));
            }
            institution_ids.insert(c.institution.to_string());
        }
        Ok(Prepared {
            institution_ids: institution_ids.into_iter().collect(),
            course_ids: course_ids.into_iter().collect(),
            institutions: batch.institutions.iter().map(InstitutionRow::from).collect(),
            courses: batch
                .courses
                .iter()
                .map(|c| CourseKey {
                    id: c.id.to_string(),
                    institution_id: c.institution.to_string(),
                    content_sha: content_sha(c),
                })
                .collect(),
        })
    }
}

fn duplicate(what: &str, id: &str) -> StoreError {
    StoreError::Conflict {
        what: what.to_owned(),
        key: id.to_owned(),
        reason: "the batch holds it more than once".to_owned(),
    }
}

/// Compares the batch with the stored institutions and course shas (for the batch's ids).
pub(crate) fn plan(
    batch: Prepared,
    stored_institutions: Vec<InstitutionRow>,
    stored_shas: Vec<ShaRow>,
) -> Result<Plan, StoreError> {
    let stored_institutions: BTreeMap<String, InstitutionRow> =
        stored_institutions.into_iter().map(|r| (r.id.clone(), r)).collect();
    let stored_shas: HashMap<String, String> = stored_shas.into_iter().map(|r| (r.id, r.content_sha)).collect();
    let mut summary = CatalogueImportSummary::default();
    let batch_institutions: BTreeSet<String> = batch.institutions.iter().map(|i| i.id.clone()).collect();
    let mut institutions = Vec::new();
    for row in batch.institutions {
        match stored_institutions.get(&row.id) {
            None => summary.institutions_added += 1,
            Some(stored) if *stored == row => continue,
            Some(_) => summary.institutions_updated += 1,
        }
        institutions.push(row);
    }
    let mut write_course = Vec::with_capacity(batch.courses.len());
    let mut replaced_courses = Vec::new();
    for key in batch.courses {
        let institution = key.institution_id.as_str();
        if !batch_institutions.contains(institution) && !stored_institutions.contains_key(institution) {
            return Err(StoreError::NotFound {
                what: "institution".to_owned(),
                key: format!("{institution} (referred to by course {})", key.id),
            });
        }
        match stored_shas.get(&key.id) {
            None => summary.courses_added += 1,
            Some(sha) if *sha == key.content_sha => {
                summary.courses_unchanged += 1;
                write_course.push(false);
                continue;
            }
            Some(_) => {
                summary.courses_updated += 1;
                replaced_courses.push(key.id);
            }
        }
        write_course.push(true);
    }
    Ok(Plan {
        institutions,
        write_course,
        replaced_courses,
        summary,
    })
}

/// The audit detail of an import of a batch of `institutions` and `courses`.
pub(crate) fn audit_detail(summary: &CatalogueImportSummary, institutions: usize, courses: usize) -> serde_json::Value {
    serde_json::json!({
        "institutions": institutions,
        "courses": courses,
        "institutions_added": summary.institutions_added,
        "institutions_updated": summary.institutions_updated,
        "courses_added": summary.courses_added,
        "courses_updated": summary.courses_updated,
        "courses_unchanged": summary.courses_unchanged,
        "generation": summary.generation,
    })
}

/// Rows per multi-row INSERT of courses (23 values each).
pub(crate) const COURSE_CHUNK: usize = 1_000;
/// Rows per multi-row INSERT of cohorts (9 values each) and institutions (11).
pub(crate) const SMALL_ROW_CHUNK: usize = 2_000;
