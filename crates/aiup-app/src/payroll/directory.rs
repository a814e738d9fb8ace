//! What the payroll knows of each enrolment, loaded in bulk: the catalogue (courses and their
//! institutions) once per run, then the enrolment records and person profiles of each id range
//! in one statement each (not one per row), each enrolment compiled into an [`EnrolmentCourse`].

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::sync::Arc;

use aiup_catalogue::{Course, Institution};
use aiup_core::{EmployerSize, TraineeStatus};
use aiup_people::{EnrolmentStatus, Profile};
use aiup_rules::engine::EnrolmentFacts;
use aiup_rules::{Case, Engine};
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
    /// Compiled cases, kept for the whole run (most enrolments share one).
    cases: CaseCache,
    /// Why enrolments were left out, for the log.
    pub skipped: u64,
    /// Time spent compiling (after reading), for [`super::RunTimings::compile`].
    pub compile_time: std::time::Duration,
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
            cases: CaseCache::default(),
            skipped: 0,
            compile_time: std::time::Duration::ZERO,
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

    /// How many distinct cases the run has compiled, and how many enrolments reused one.
    pub(crate) fn cache_counts(&self) -> (usize, u64) {
        (self.cases.map.len(), self.cases.hits)
    }

    /// Compiles the enrolments of one id range that `ids` (ascending, the range's enrolments
    /// with attendance) lists, from the range's payable enrolments and their people ([`read`]).
    /// What an earlier range compiled is dropped (its cases are kept).
    pub(crate) fn prepare(&mut self, engine: &Engine, read: RangeEnrolments, ids: &[i64]) {
        let clock = std::time::Instant::now();
        self.known.clear();
        let people: HashMap<i64, PersonRecord> = read.people.into_iter().map(|p| (p.id, p)).collect();
        // An enrolment with attendance but not read (another status, or gone) is not paid.
        for record in read.records {
            if ids.binary_search(&record.id).is_err() {
                continue;
            }
            let dates = self
                .dates
                .entry((record.cohort_start, record.cohort_end))
                .or_insert_with(|| course_dates(record.cohort_start, record.cohort_end))
                .clone();
            let situation = people
                .get(&record.person_id)
                .and_then(|p| input_of(&p.fields).parse(engine.regions()).ok());
            let compiled = situation.zip(dates).and_then(|(profile, dates)| {
                let shared = self.cases.get(
                    engine,
                    &record,
                    &profile,
                    |id| self.courses.get(id).map(Arc::as_ref),
                    |id| self.institutions.get(id),
                )?;
                Some(assemble(&record, shared, dates))
            });
            if compiled.is_none() {
                self.skipped += 1;
                tracing::warn!(
                    enrolment = record.id,
                    "payroll: enrolment left out (its course, institution or profile cannot be read)"
                );
            }
            self.known.insert(record.id, compiled);
        }
        self.compile_time += clock.elapsed();
    }
}

/// One id range's payable enrolments and the people of the range's enrolments, as read.
#[derive(Debug, Default)]
pub(crate) struct RangeEnrolments {
    records: Vec<EnrolmentRecord>,
    people: Vec<PersonRecord>,
}

/// Reads the payable enrolments of the id range `range` and their people: one statement each,
/// not one per row.
pub(crate) async fn read(app: &App, range: RangeInclusive<i64>) -> Result<RangeEnrolments, AppError> {
    let statuses: Vec<&str> = PAID_STATUSES.iter().map(|s| s.as_str()).collect();
    let (records, people) = tokio::try_join!(
        app.db().enrolments().in_id_range(range.clone(), &statuses),
        app.db().people().of_enrolments_in_range(range),
    )?;
    Ok(RangeEnrolments { records, people })
}

/// What an enrolment's compiled case depends on, exactly what [`compile_case`] reads: the
/// course, institution and programme ids, the cohort's dates, and the trainee's situation (status
/// and employer size, the only profile fields `catalogue::case_for` uses).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct CaseKey {
    course_id: String,
    institution_id: String,
    programme: String,
    cohort_start: NaiveDate,
    cohort_end: NaiveDate,
    status: TraineeStatus,
    employer_size: Option<EmployerSize>,
}

impl CaseKey {
    fn of(record: &EnrolmentRecord, profile: &Profile) -> CaseKey {
        CaseKey {
            course_id: record.course_id.clone(),
            institution_id: record.institution_id.clone(),
            programme: record.programme.clone(),
            cohort_start: record.cohort_start,
            cohort_end: record.cohort_end,
            status: profile.status,
            employer_size: profile.employer_size,
        }
    }
}

/// The part of an [`EnrolmentCourse`] its [`CaseKey`] decides: the engine's case and facts, the
/// region tier and province of its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CompiledCase {
    pub case: Case,
    pub facts: EnrolmentFacts,
    pub region_tier: String,
    pub province: String,
}

/// Compiled cases by [`CaseKey`], for one payroll run: an enrolment whose key was seen takes the
/// same compiled case (or the same `None`) without compiling it again.
#[derive(Debug, Default)]
pub(crate) struct CaseCache {
    map: HashMap<CaseKey, Option<CompiledCase>>,
    /// Lookups answered from the cache.
    hits: u64,
}

impl CaseCache {
    /// The compiled case of `record` for a trainee of `profile`; `course` and `institution` look
    /// the catalogue up (only when the key is new).
    pub(crate) fn get<'c>(
        &mut self,
        engine: &Engine,
        record: &EnrolmentRecord,
        profile: &Profile,
        course: impl FnOnce(&str) -> Option<&'c Course>,
        institution: impl FnOnce(&str) -> Option<&'c Institution>,
    ) -> Option<&CompiledCase> {
        match self.map.entry(CaseKey::of(record, profile)) {
            Entry::Occupied(seen) => {
                self.hits += 1;
                seen.into_mut().as_ref()
            }
            Entry::Vacant(new) => {
                let compiled = course(&record.course_id)
                    .zip(institution(&record.institution_id))
                    .and_then(|(course, institution)| compile_case(engine, record, course, institution, profile));
                new.insert(compiled).as_ref()
            }
        }
    }
}

/// One enrolment compiled for the payroll: the engine's case on the cohort's dates and the
/// institution's region (the allowance tier is where the institution is: research A.8), the
/// trainee's status from their profile.
pub(crate) fn compile(
    engine: &Engine,
    record: &EnrolmentRecord,
    course: &Course,
    institution: &Institution,
    profile: &Profile,
    dates: Arc<Vec<NaiveDate>>,
) -> Option<EnrolmentCourse> {
    let shared = compile_case(engine, record, course, institution, profile)?;
    Some(assemble(record, &shared, dates))
}

/// What [`compile`] takes from the key's inputs alone (see [`CaseKey`]).
fn compile_case(
    engine: &Engine,
    record: &EnrolmentRecord,
    course: &Course,
    institution: &Institution,
    profile: &Profile,
) -> Option<CompiledCase> {
    let raw = enrolment_case_json(
        engine,
        &record.programme,
        (record.cohort_start, record.cohort_end),
        course,
        institution,
        profile.status,
        profile.employer_size,
    )?;
    let case = engine.parse_case(&raw).ok()?;
    let facts = engine.enrolment(&case);
    let region = engine.regions().get(institution.region)?;
    let tier = region.tier(crate::tier_precedence_on(engine, record.cohort_start));
    Some(CompiledCase {
        case,
        facts,
        region_tier: tier.as_str().to_owned(),
        province: region.sido_code.clone(),
    })
}

/// The engine's input for an enrolment in `programme` on the cohort dates `(start, end)`, at
/// the institution's region (where the allowance tier is decided), for a trainee of `status` and
/// `employer_size`: what the payroll compiles and the budget forecast prices period by period.
pub(crate) fn enrolment_case_json(
    engine: &Engine,
    programme: &str,
    (start, end): (NaiveDate, NaiveDate),
    course: &Course,
    institution: &Institution,
    status: TraineeStatus,
    employer_size: Option<EmployerSize>,
) -> Option<aiup_rules::case::CaseJson> {
    let programme = engine.policy().programme(programme)?;
    let situation = crate::catalogue::Profile::of(status, employer_size);
    let mut raw = crate::catalogue::case_for(course, programme, &situation, start)?;
    raw.course.start_date = start.to_string();
    raw.course.end_date = end.to_string();
    raw.course.region = institution.region.to_string();
    Some(raw)
}

/// The enrolment's own part (ids, the day it left, its lines' columns) around a compiled case.
fn assemble(record: &EnrolmentRecord, shared: &CompiledCase, dates: Arc<Vec<NaiveDate>>) -> EnrolmentCourse {
    let last_day = left_on(record).map_or(record.cohort_end, |d| d.min(record.cohort_end));
    EnrolmentCourse {
        enrolment_id: record.id,
        person_id: record.person_id,
        case: shared.case,
        facts: shared.facts,
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
            region_tier: shared.region_tier.clone(),
            province: shared.province.clone(),
            trace: serde_json::Value::Null,
        },
    }
}

/// The Seoul day an enrolment left training early (dropout, removal): its last status change.
fn left_on(record: &EnrolmentRecord) -> Option<NaiveDate> {
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
    Ok(compile(engine, record, &course, &institution, &profile, dates))
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

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use aiup_catalogue::generate::{generate, GenerateOptions};
    use aiup_core::bundle::Bundle;
    use aiup_people::ProfileInput;
    use chrono::{TimeZone, Utc};

    use super::*;

    fn profile(engine: &Engine, status: TraineeStatus, size: Option<EmployerSize>, region: &str) -> Profile {
        ProfileInput {
            stage: "entry".into(),
            status: status.as_str().into(),
            employer_size: size.map(|s| s.as_str().to_owned()).unwrap_or_default(),
            region: region.into(),
            age_band: "20_29".into(),
            groups: Vec::new(),
            kukchi: "none".into(),
        }
        .parse(engine.regions())
        .expect("a valid profile")
    }

    fn record(id: i64, course: &Course, programme: &str, status: EnrolmentStatus) -> EnrolmentRecord {
        let cohort = &course.cohorts[0];
        let at = Utc.with_ymd_and_hms(2026, 3, 20, 1, 0, 0).single().expect("instant");
        EnrolmentRecord {
            id,
            person_id: 100 + id,
            course_id: course.id.to_string(),
            cohort_ordinal: 0,
            institution_id: course.institution.to_string(),
            programme: programme.to_owned(),
            cohort_start: cohort.start_date,
            cohort_end: cohort.end_date,
            status: status.as_str().to_owned(),
            applied_at: at,
            updated_at: at,
            waiting_since: None,
            fee_won: course.fee_won,
            card_hold_won: 0,
            self_payment_won: 0,
            reason: None,
        }
    }

    #[test]
    fn enrolments_with_one_key_share_a_compiled_case_and_another_situation_does_not() {
        let engine = crate::policy::engine_for(Bundle::embedded().load().expect("bundle")).expect("engine");
        let start = NaiveDate::from_ymd_opt(2026, 1, 5).expect("date");
        let options = GenerateOptions {
            courses: 200,
            seed: 2026,
            start,
        };
        let batch = generate(&options, engine.regions(), &engine.policy().programmes);
        let institutions: HashMap<String, Institution> = batch
            .institutions
            .iter()
            .map(|i| (i.id.to_string(), i.clone()))
            .collect();
        let situations: Vec<(TraineeStatus, Option<EmployerSize>)> = TraineeStatus::ALL
            .iter()
            .flat_map(|&s| {
                let sizes: Vec<Option<EmployerSize>> = if s == TraineeStatus::Employed {
                    EmployerSize::ALL.iter().copied().map(Some).collect()
                } else {
                    vec![None]
                };
                sizes.into_iter().map(move |size| (s, size))
            })
            .collect();
        // A course, programme and two situations the engine compiles to different cases.
        let (course, programme, a, b) = batch
            .courses
            .iter()
            .flat_map(|c| c.programmes.iter().map(move |p| (c, p.to_string())))
            .find_map(|(course, programme)| {
                let institution = institutions.get(&course.institution.to_string())?;
                let region = institution.region.to_string();
                let probe = record(1, course, &programme, EnrolmentStatus::InTraining);
                let compiled: Vec<Profile> = situations
                    .iter()
                    .map(|&(s, size)| profile(&engine, s, size, &region))
                    .filter(|p| compile_case(&engine, &probe, course, institution, p).is_some())
                    .collect();
                let first = compiled.first()?.clone();
                let other = compiled.into_iter().find(|p| p.status != first.status)?;
                Some((course, programme, first, other))
            })
            .expect("a course two situations can take");
        let institution = &institutions[&course.institution.to_string()];
        let mut cache = CaseCache::default();
        let looked_up = Cell::new(0);
        let get = |cache: &mut CaseCache, r: &EnrolmentRecord, p: &Profile| {
            cache
                .get(
                    &engine,
                    r,
                    p,
                    |id| {
                        looked_up.set(looked_up.get() + 1);
                        batch.courses.iter().find(|c| c.id.to_string() == id)
                    },
                    |id| institutions.get(id),
                )
                .cloned()
        };
        let first = record(1, course, &programme, EnrolmentStatus::InTraining);
        // Another trainee of the same cohort, who dropped out: a different enrolment, one key.
        let second = record(2, course, &programme, EnrolmentStatus::DroppedOut);
        let one = get(&mut cache, &first, &a).expect("compiled");
        let two = get(&mut cache, &second, &a).expect("compiled");
        assert_eq!((cache.map.len(), cache.hits, looked_up.get()), (1, 1, 1));
        assert_eq!(one, two);
        // What the cache gives is what compiling each enrolment alone gives.
        for r in [&first, &second] {
            assert_eq!(compile_case(&engine, r, course, institution, &a).as_ref(), Some(&one));
        }
        let dates = course_dates(first.cohort_start, first.cohort_end).expect("training days");
        let alone = compile(&engine, &second, course, institution, &a, Arc::clone(&dates)).expect("compiled");
        let cached = assemble(&second, &two, dates);
        assert_eq!(
            (cached.enrolment_id, cached.person_id, cached.case, cached.facts),
            (alone.enrolment_id, alone.person_id, alone.case, alone.facts)
        );
        assert_eq!((cached.last_day, &cached.line_base), (alone.last_day, &alone.line_base));
        assert_eq!(
            cached.last_day,
            NaiveDate::from_ymd_opt(2026, 3, 20)
                .expect("date")
                .min(second.cohort_end)
        );
        // Another situation is another key and another case.
        let three = get(&mut cache, &first, &b).expect("compiled");
        assert_eq!((cache.map.len(), cache.hits, looked_up.get()), (2, 1, 2));
        assert_ne!(three.case, one.case);
        assert_eq!(three.case.status, b.status);
        assert_eq!(
            compile_case(&engine, &first, course, institution, &b).as_ref(),
            Some(&three)
        );
    }
}
