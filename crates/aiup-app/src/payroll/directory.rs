//! What the payroll knows of each enrolment, loaded in bulk: the catalogue (courses and their
//! institutions) once per run, enrolment records a cohort at a time, and person profiles in
//! parallel, each compiled once into an [`EnrolmentCourse`].

use std::collections::HashMap;
use std::sync::Arc;

use aiup_catalogue::{Course, Institution};
use aiup_people::{EnrolmentStatus, Profile};
use aiup_rules::Engine;
use aiup_store::{EnrolmentRecord, NewPayrollLine, PersonRecord};
use chrono::NaiveDate;

use super::compute::EnrolmentCourse;
use crate::people::input_of;
use crate::{App, AppError};

/// Statuses whose unit periods the payroll pays: in training, or finished from it.
pub const PAID_STATUSES: [EnrolmentStatus; 6] = [
    EnrolmentStatus::InTraining,
    EnrolmentStatus::Completed,
    EnrolmentStatus::EarlyCompletionEmployment,
    EnrolmentStatus::DroppedOut,
    EnrolmentStatus::Removed,
    EnrolmentStatus::NotCompleted,
];

/// Parallel reads of person profiles.
const PERSON_READERS: usize = 16;

/// The catalogue and the enrolments seen so far.
pub(crate) struct Directory {
    courses: HashMap<String, Arc<Course>>,
    institutions: HashMap<String, Institution>,
    /// Compiled enrolments; `None` for one the payroll does not pay (status, course gone).
    known: HashMap<i64, Option<EnrolmentCourse>>,
    /// Training days by course dates (cohorts share them).
    dates: HashMap<(NaiveDate, NaiveDate), Option<Arc<Vec<NaiveDate>>>>,
    /// Why enrolments were left out, for the log.
    pub skipped: u64,
}

impl Directory {
    pub(crate) async fn load(app: &App, _engine: &Engine) -> Result<Directory, AppError> {
        let catalogue = app.db().catalogue();
        let courses = catalogue
            .courses()
            .await?
            .into_iter()
            .map(|c| (c.id.to_string(), Arc::new(c)))
            .collect();
        let institutions = catalogue
            .institutions()
            .await?
            .into_iter()
            .map(|i| (i.id.to_string(), i))
            .collect();
        Ok(Directory {
            courses,
            institutions,
            known: HashMap::new(),
            dates: HashMap::new(),
            skipped: 0,
        })
    }

    /// How many enrolments the store holds (ids run from 1; the run reads on past this while
    /// ranges still hold attendance, so gaps in the ids are harmless).
    pub(crate) async fn enrolment_count(app: &App) -> Result<i64, AppError> {
        let counts = app.db().population().counts().await?;
        Ok(i64::try_from(counts.enrolments).unwrap_or(i64::MAX))
    }

    pub(crate) fn get(&self, id: i64) -> Option<&EnrolmentCourse> {
        self.known.get(&id).and_then(Option::as_ref)
    }

    /// Loads and compiles every enrolment of `ids` not seen yet: each unknown one's cohort in
    /// one read, then the people of those enrolments in parallel.
    pub(crate) async fn prepare(&mut self, app: &App, engine: &Engine, ids: &[i64]) -> Result<(), AppError> {
        let mut records: HashMap<i64, EnrolmentRecord> = HashMap::new();
        for &id in ids {
            if self.known.contains_key(&id) || records.contains_key(&id) {
                continue;
            }
            let Some(record) = app.db().enrolments().enrolment(id).await? else {
                self.known.insert(id, None);
                continue;
            };
            let cohort = app
                .db()
                .enrolments()
                .of_cohort(&record.course_id, record.cohort_ordinal)
                .await?;
            for member in cohort {
                if !self.known.contains_key(&member.id) {
                    records.insert(member.id, member);
                }
            }
            records.entry(record.id).or_insert(record);
        }
        let payable: Vec<EnrolmentRecord> = records
            .into_values()
            .filter(|r| {
                let pays = EnrolmentStatus::parse(&r.status).is_some_and(|s| PAID_STATUSES.contains(&s));
                if !pays {
                    self.known.insert(r.id, None);
                }
                pays
            })
            .collect();
        let people = read_people(app, payable.iter().map(|r| r.person_id).collect()).await?;
        for record in payable {
            let dates = self
                .dates
                .entry((record.cohort_start, record.cohort_end))
                .or_insert_with(|| course_dates(record.cohort_start, record.cohort_end))
                .clone();
            let compiled = people
                .get(&record.person_id)
                .zip(dates)
                .and_then(|(p, dates)| self.compile(app, engine, &record, p, dates));
            if compiled.is_none() {
                self.skipped += 1;
                tracing::warn!(
                    enrolment = record.id,
                    "payroll: enrolment left out (its course, institution or profile cannot be read)"
                );
            }
            self.known.insert(record.id, compiled);
        }
        Ok(())
    }

    fn compile(
        &self,
        app: &App,
        engine: &Engine,
        record: &EnrolmentRecord,
        person: &PersonRecord,
        dates: Arc<Vec<NaiveDate>>,
    ) -> Option<EnrolmentCourse> {
        let course = self.courses.get(&record.course_id)?;
        let institution = self.institutions.get(&record.institution_id)?;
        let profile = input_of(&person.fields).parse(engine.regions()).ok()?;
        compile(app, engine, record, course, institution, &profile, dates)
    }
}

/// Reads people by id, [`PERSON_READERS`] at a time.
async fn read_people(app: &App, mut ids: Vec<i64>) -> Result<HashMap<i64, PersonRecord>, AppError> {
    ids.sort_unstable();
    ids.dedup();
    let per_reader = ids.len().div_ceil(PERSON_READERS).max(1);
    let mut tasks = tokio::task::JoinSet::new();
    for chunk in ids.chunks(per_reader) {
        let chunk = chunk.to_vec();
        let db = app.db().clone();
        tasks.spawn(async move {
            let mut found = Vec::with_capacity(chunk.len());
            for id in chunk {
                if let Some(p) = db.people().person(id).await? {
                    found.push(p);
                }
            }
            Ok::<_, aiup_store::StoreError>(found)
        });
    }
    let mut out = HashMap::with_capacity(ids.len());
    while let Some(joined) = tasks.join_next().await {
        let found = joined.map_err(|e| AppError::internal(&e))??;
        out.extend(found.into_iter().map(|p| (p.id, p)));
    }
    Ok(out)
}

/// One enrolment compiled for the payroll: the engine's case on the cohort's dates and the
/// institution's region (the allowance tier is where the institution is: research A.8), the
/// trainee's status from their profile.
pub(crate) fn compile(
    app: &App,
    engine: &Engine,
    record: &EnrolmentRecord,
    course: &Course,
    institution: &Institution,
    profile: &Profile,
    dates: Arc<Vec<NaiveDate>>,
) -> Option<EnrolmentCourse> {
    let programme = engine.policy().programme(&record.programme)?;
    let situation = crate::catalogue::Profile::of(profile.status, profile.employer_size);
    let mut raw = crate::catalogue::case_for(course, programme, &situation, record.cohort_start)?;
    raw.course.start_date = record.cohort_start.to_string();
    raw.course.end_date = record.cohort_end.to_string();
    raw.course.region = institution.region.to_string();
    let case = engine.parse_case(&raw).ok()?;
    let facts = engine.enrolment(&case);
    let region = engine.regions().get(institution.region)?;
    let tier = region.tier(crate::tier_precedence_on(engine, record.cohort_start));
    let last_day = left_on(app, record).map_or(record.cohort_end, |d| d.min(record.cohort_end));
    Some(EnrolmentCourse {
        enrolment_id: record.id,
        person_id: record.person_id,
        case,
        facts,
        start: record.cohort_start,
        end: record.cohort_end,
        dates,
        last_day,
        line_base: NewPayrollLine {
            enrolment_id: record.id,
            person_id: record.person_id,
            period_index: 0,
            period_start: record.cohort_start,
            period_end: record.cohort_start,
            kind: String::new(),
            amount_won: 0,
            computed_won: 0,
            base_won: 0,
            special_won: 0,
            meal_deduction_won: 0,
            scheduled_days: 0,
            recognised_days: 0,
            programme: record.programme.clone(),
            institution_id: record.institution_id.clone(),
            region_tier: tier.as_str().to_owned(),
            province: region.sido_code.clone(),
            trace: serde_json::Value::Null,
        },
    })
}

/// The Seoul day an enrolment left training early (dropout, removal): its last status change.
fn left_on(_app: &App, record: &EnrolmentRecord) -> Option<NaiveDate> {
    match EnrolmentStatus::parse(&record.status)? {
        EnrolmentStatus::DroppedOut | EnrolmentStatus::Removed => Some(crate::seoul_date(record.updated_at)),
        _ => None,
    }
}

/// One enrolment compiled for a statement or a completion (reads its course and person).
pub(crate) async fn compile_one(
    app: &App,
    engine: &Engine,
    record: &EnrolmentRecord,
) -> Result<Option<EnrolmentCourse>, AppError> {
    let Some((course, institution)) = app.db().catalogue().course(&record.course_id).await? else {
        return Ok(None);
    };
    let Some(person) = app.db().people().person(record.person_id).await? else {
        return Ok(None);
    };
    let Ok(profile) = input_of(&person.fields).parse(engine.regions()) else {
        return Ok(None);
    };
    let Some(dates) = course_dates(record.cohort_start, record.cohort_end) else {
        return Ok(None);
    };
    Ok(compile(app, engine, record, &course, &institution, &profile, dates))
}

/// The training days of a course on these dates, or `None` (logged) where the calendar does
/// not cover them.
fn course_dates(start: NaiveDate, end: NaiveDate) -> Option<Arc<Vec<NaiveDate>>> {
    match aiup_rules::calendar::Calendar::korean().training_days(start, end) {
        Ok(dates) => Some(Arc::new(dates)),
        Err(e) => {
            tracing::warn!(%start, %end, "payroll: no training days for the course: {e}");
            None
        }
    }
}

/// Every stored attendance month of one enrolment's course.
pub(crate) async fn months_of(
    app: &App,
    record: &EnrolmentRecord,
) -> Result<Vec<aiup_store::AttendanceMonth>, AppError> {
    Ok(app
        .db()
        .attendance()
        .months(
            &[record.id],
            aiup_people::attendance::month_of(record.cohort_start),
            record.cohort_end,
        )
        .await?)
}
