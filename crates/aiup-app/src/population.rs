//! Generating a synthetic population over the stored catalogue and loading it in one
//! transaction (`aiup generate population`, the population benchmark).
//!
//! The generator is `aiup_people::generate`; this module reads the catalogue (generating and
//! storing one first when the store has none), turns the population into the store's
//! [`PopulationBatch`] and loads it, then gives every enrolment in (or past) training its
//! attendance ([`attendance`]).

pub mod attendance;
mod card;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aiup_catalogue::generate::{generate as generate_catalogue, generate_active, GenerateOptions};
use aiup_catalogue::Course;
use aiup_core::policy::PolicySet;
use aiup_core::region::RegionTable;
use aiup_diagnosis::Bank;
pub use aiup_people::generate::PopulationOptions;
use aiup_people::generate::{generate, Population, PopulationData, PopulationFiles};
use aiup_people::EnrolmentStatus;
use aiup_rules::Engine;
use aiup_store::{
    Database, DiagnosisAnswer, PersonFields, PopulationBatch, PopulationCard, PopulationCounts, PopulationDiagnosis,
    PopulationEnrolment, PopulationEvent, PopulationPerson, PopulationSeats,
};
use chrono::{DateTime, NaiveDate, Utc};

use crate::error::{AppError, Code};

/// The event name of an application in the enrolment history (the first event, no status
/// before it).
pub const APPLY_EVENT: &str = "apply";

pub use attendance::{generate_attendance, AttendanceReport};
pub use card::{card_ledgers, EnrolmentCard, GeneratedLedger};

/// What a run did and how long its parts took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PopulationReport {
    /// Courses generated and stored first because the catalogue was empty (0 otherwise).
    pub catalogue_generated: usize,
    /// Courses the population was placed in.
    pub courses: usize,
    /// Rows written, per table.
    pub written: PopulationCounts,
    pub catalogue_time: Duration,
    pub generate_time: Duration,
    pub store_time: Duration,
    /// The attendance written after the population, when asked for.
    pub attendance: Option<AttendanceReport>,
}

/// 09:00 in Seoul on `day` (00:00 UTC), so the instant's Seoul date is `day`.
fn morning(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).map_or_else(Utc::now, |t| t.and_utc())
}

/// The store's rows for a generated population placed in `courses`, its diagnoses scored by
/// `bank`, its cards' ledgers and enrolments' card terms by `engine` ([`card_ledgers`]).
pub fn to_batch(population: &Population, courses: &[Course], bank: &Bank, engine: &Arc<Engine>) -> PopulationBatch {
    let (ledgers, enrolment_cards) = card_ledgers(population, courses, engine);
    let people = population
        .people
        .iter()
        .map(|p| PopulationPerson {
            fields: PersonFields {
                stage: p.profile.stage.as_str().to_owned(),
                status: p.profile.status.as_str().to_owned(),
                employer_size: p.profile.employer_size.map(|s| s.as_str().to_owned()),
                region_code: p.profile.region.to_string(),
                age_band: p.profile.age_band.as_str().to_owned(),
                target_groups: p.profile.groups_text(),
                kukchi: p.profile.kukchi.as_str().to_owned(),
                external_id_hash: None,
            },
            created_at: morning(p.created_on),
        })
        .collect();
    let cards = ledgers
        .iter()
        .map(|l| PopulationCard {
            person: l.person,
            issued_on: l.issued_on,
            expires_on: l.expires_on,
            entries: l.ledger.entries().iter().map(card::store_entry).collect(),
        })
        .collect();
    let diagnoses = population
        .diagnoses
        .iter()
        .map(|run| {
            let answers = run
                .responses
                .iter()
                .map(|r| {
                    let right = bank.item(&r.item).map(|i| i.answer);
                    DiagnosisAnswer {
                        item_id: r.item.clone(),
                        chosen: r.chosen.map(i64::from),
                        correct: r.chosen.is_some() && r.chosen == right,
                    }
                })
                .collect();
            PopulationDiagnosis {
                person: run.person,
                run_no: i64::from(run.run_no),
                taken_on: run.taken_on,
                recorded_at: morning(run.taken_on),
                bank_version: bank.version.clone(),
                mastery_bp: i64::from(run.outcome.mastery.0),
                step_pass_bp: i64::from(run.outcome.step_pass.0),
                step_reached: run.outcome.step_reached.map(|s| s.as_str().to_owned()),
                answers,
                results: crate::diagnosis::results_of(&run.outcome),
            }
        })
        .collect();
    let enrolments = population
        .enrolments
        .iter()
        .zip(&enrolment_cards)
        .map(|(e, terms)| {
            let course = &courses[e.course];
            let cohort = &course.cohorts[e.cohort];
            // An acceptance the card could not carry did not happen (see `card`).
            let history = &e.history[..terms.refused_at.unwrap_or(e.history.len())];
            let status = history.last().map_or(e.status, |step| step.to);
            let events: Vec<PopulationEvent> = history
                .iter()
                .map(|step| PopulationEvent {
                    event: step.event.map_or(APPLY_EVENT, |ev| ev.as_str()).to_owned(),
                    from_status: step.from.map(|s| s.as_str().to_owned()),
                    to_status: step.to.as_str().to_owned(),
                    at: morning(step.on),
                })
                .collect();
            let waiting_since = (status == EnrolmentStatus::Waiting)
                .then(|| history.iter().find(|s| s.to == EnrolmentStatus::Waiting))
                .flatten()
                .map(|s| morning(s.on));
            PopulationEnrolment {
                person: e.person,
                course_id: course.id.as_str().to_owned(),
                cohort_ordinal: e.cohort as i64,
                institution_id: course.institution.as_str().to_owned(),
                programme: population.people[e.person].programme.as_str().to_owned(),
                cohort_start: cohort.start_date,
                cohort_end: cohort.end_date,
                status: status.as_str().to_owned(),
                fee_won: course.fee_won,
                card_hold_won: terms.card_hold_won,
                self_payment_won: terms.self_payment_won,
                applied_at: events.first().map_or_else(Utc::now, |ev| ev.at),
                updated_at: events.last().map_or_else(Utc::now, |ev| ev.at),
                waiting_since,
                events,
            }
        })
        .collect();
    // Seats held by acceptances the card could not carry are free again.
    let mut given_back: HashMap<(usize, usize), i64> = HashMap::new();
    for (e, t) in population.enrolments.iter().zip(&enrolment_cards) {
        if t.refused_at.is_some() && e.status.holds_seat() {
            *given_back.entry((e.course, e.cohort)).or_default() += 1;
        }
    }
    let seats = population
        .seats
        .iter()
        .map(|s| {
            let given_back = given_back.get(&(s.course, s.cohort)).copied().unwrap_or(0);
            PopulationSeats {
                course_id: courses[s.course].id.as_str().to_owned(),
                cohort_ordinal: s.cohort as i64,
                seats: i64::from(s.seats),
                taken: i64::from(s.taken) - given_back,
            }
        })
        .collect();
    PopulationBatch {
        people,
        cards,
        diagnoses,
        enrolments,
        seats,
    }
}

/// Generates `options.trainees` people over the stored catalogue and loads them. With an empty
/// catalogue, a generated one of `catalogue_courses` courses (same seed, cohorts from
/// `catalogue_start`, or all in training during the month of `active_month` when given:
/// `aiup_catalogue::generate::generate_active`, so about every trainee is then in training
/// that month) is stored first; the search index catches up on the next refresh. With
/// `with_attendance`, every enrolment in (or past) training then gets its attendance up to
/// `options.today` ([`generate_attendance`], in its own transactions after the population's).
#[allow(clippy::too_many_arguments)]
pub async fn generate_and_store(
    store: &Database,
    policy: &PolicySet,
    regions: &RegionTable,
    options: &PopulationOptions,
    catalogue_courses: usize,
    catalogue_start: NaiveDate,
    active_month: Option<NaiveDate>,
    with_attendance: bool,
    actor: &str,
) -> Result<PopulationReport, AppError> {
    let data = PopulationData::parse(PopulationFiles::embedded())
        .map_err(|e| AppError::new(Code::Internal, None, e.to_string()))?;
    let started = Instant::now();
    let mut catalogue_generated = 0;
    if store.catalogue().generation().await? == 0 {
        let shape = GenerateOptions {
            courses: catalogue_courses,
            seed: options.seed,
            start: catalogue_start,
        };
        let batch = match active_month {
            Some(month) => generate_active(&shape, month, regions, &policy.programmes),
            None => generate_catalogue(&shape, regions, &policy.programmes),
        };
        catalogue_generated = batch.courses.len();
        store.catalogue().upsert(&batch, actor).await?;
    }
    let courses = store.catalogue().courses().await?;
    let catalogue_time = started.elapsed();

    let started = Instant::now();
    let bank = Bank::embedded();
    let population = generate(options, &data, policy, regions, &courses, bank)
        .map_err(|e| AppError::new(Code::Internal, None, e.to_string()))?;
    let engine = Engine::new(Arc::new(policy.clone()), Arc::new(regions.clone()))
        .map(Arc::new)
        .map_err(|e| AppError::new(Code::Internal, None, e.to_string()))?;
    let batch = to_batch(&population, &courses, bank, &engine);
    let cohorts: Vec<(String, i64)> = population
        .seats
        .iter()
        .map(|s| (courses[s.course].id.as_str().to_owned(), s.cohort as i64))
        .collect();
    drop(population);
    let generate_time = started.elapsed();

    let started = Instant::now();
    let written = store.population().load(batch, actor).await?;
    let store_time = started.elapsed();
    let attendance = if with_attendance {
        Some(generate_attendance(store, &courses, &cohorts, options.seed, options.today, actor).await?)
    } else {
        None
    };
    Ok(PopulationReport {
        catalogue_generated,
        courses: courses.len(),
        written,
        catalogue_time,
        generate_time,
        store_time,
        attendance,
    })
}
