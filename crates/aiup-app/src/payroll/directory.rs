//! What the payroll knows of each enrolment, loaded in bulk: the catalogue (courses and their
//! institutions) once per run, then the enrolment records and person profiles of each id range
//! in one statement each (not one per row), each enrolment compiled into an [`EnrolmentCourse`].

use std::collections::HashMap;
use std::ops::RangeInclusive;
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

/// The catalogue and the enrolments seen so far.
pub(crate) struct Directory {
    courses: HashMap<String, Arc<Course>>,
    institutions: HashMap<String, Institution>,
    /// The current range's compiled enrolments; `None` for one that cannot be compiled.
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

    /// Reads and compiles the enrolments of the id range `range` that `ids` (ascending, the
    /// range's enrolments with attendance) lists: one read of the range's payable enrolments
    /// and one of their people. What an earlier range compiled is dropped.
    pub(crate) async fn prepare(
        &mut self,
        app: &App,
        engine: &Engine,
        range: RangeInclusive<i64>,
        ids: &[i64],
    ) -> Result<(), AppError> {
        let clock = std::time::Instant::now();
        self.known.clear();
        if ids.is_empty() {
            return Ok(());
        }
        let statuses: Vec<&str> = PAID_STATUSES.iter().map(|s| s.as_str()).collect();
        let (records, people) = tokio::try_join!(
            app.db().enrolments().in_id_range(range.clone(), &statuses),
            app.db().people().of_enrolments_in_range(range),
        )?;
        let people: HashMap<i64, PersonRecord> = people.into_iter().map(|p| (p.id, p)).collect();
        tracing::debug!(took = ?clock.elapsed(), "payroll: enrolments and people read");
        // An enrolment with attendance but not read (another status, or gone) is not paid.
        for record in records {
            if ids.binary_search(&record.id).is_err() {
                continue;
            }
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
