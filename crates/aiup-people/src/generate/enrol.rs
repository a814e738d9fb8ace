//! Placing the generated people in cohorts of their programme's courses.

use std::collections::HashMap;

use aiup_catalogue::generate::rng::Rng;
use aiup_catalogue::{Cohort, Course};
use aiup_core::region::RegionCode;
use chrono::NaiveDate;

use super::{days_after, days_before, pick_weighted, GeneratedPerson, PopulationData, PopulationOptions};
use crate::{EnrolmentEvent, EnrolmentStatus};

/// One step of an enrolment's history: the event (none for the application itself), the status
/// before and after, and the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryStep {
    pub event: Option<EnrolmentEvent>,
    pub from: Option<EnrolmentStatus>,
    pub to: EnrolmentStatus,
    pub on: NaiveDate,
}

/// One generated enrolment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedEnrolment {
    pub person: usize,
    /// Index into the courses given to [`super::generate`].
    pub course: usize,
    /// Index into that course's `cohorts` (the cohort ordinal).
    pub cohort: usize,
    pub status: EnrolmentStatus,
    /// From the application (first) to the current status (last).
    pub history: Vec<HistoryStep>,
}

/// A cohort's seats and how many enrolments hold one now ([`EnrolmentStatus::holds_seat`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CohortSeatCount {
    pub course: usize,
    pub cohort: usize,
    pub seats: u32,
    pub taken: u32,
}

/// Courses of one programme, by where they are.
#[derive(Default)]
struct Offer {
    all: Vec<usize>,
    by_province: HashMap<String, Vec<usize>>,
    by_region: HashMap<RegionCode, Vec<usize>>,
}

#[derive(Default, Clone, Copy)]
struct Use {
    /// Enrolments that took a seat at some point (accepted and after).
    seated: u32,
    /// Those that still hold it.
    holding: u32,
}

/// Whether an enrolment in `status` took a seat at some point.
fn took_seat(status: EnrolmentStatus) -> bool {
    !matches!(
        status,
        EnrolmentStatus::Applied | EnrolmentStatus::Waiting | EnrolmentStatus::Refused | EnrolmentStatus::Cancelled
    )
}

/// The events from `applied` to `status` (statuses that need the cohort to have started pass
/// through `start`).
fn path(status: EnrolmentStatus, started: bool) -> Vec<EnrolmentEvent> {
    use EnrolmentEvent as E;
    use EnrolmentStatus as S;
    match status {
        S::Applied => vec![],
        S::Waiting => vec![E::Waitlist],
        S::Refused => vec![E::Refuse],
        S::Cancelled => vec![E::Cancel],
        S::Accepted => vec![E::Accept],
        S::InTraining => vec![E::Accept, E::Start],
        S::Withdrawn if started => vec![E::Accept, E::Start, E::Withdraw],
        S::Withdrawn => vec![E::Accept, E::Withdraw],
        S::Completed => vec![E::Accept, E::Start, E::Complete],
        S::EarlyCompletionEmployment => vec![E::Accept, E::Start, E::CompleteByEmployment],
        S::DroppedOut => vec![E::Accept, E::Start, E::DropOut],
        S::Removed => vec![E::Accept, E::Start, E::Remove],
        S::NotCompleted => vec![E::Accept, E::Start, E::NotComplete],
    }
}

/// The dated history of an enrolment in `cohort`, applied on `applied`, ending in `status`.
fn history(
    rng: &mut Rng,
    status: EnrolmentStatus,
    applied: NaiveDate,
    cohort: &Cohort,
    today: NaiveDate,
) -> Vec<HistoryStep> {
    let started = cohort.start_date <= today;
    let mut steps = vec![HistoryStep {
        event: None,
        from: None,
        to: EnrolmentStatus::Applied,
        on: applied,
    }];
    let mut current = EnrolmentStatus::Applied;
    let mut on = applied;
    // The last day things can happen on: the cohort's end, and never after today.
    let last = cohort.end_date.min(today);
    for event in path(status, started) {
        let Ok(next) = current.after(event) else {
            break;
        };
        on = match event {
            EnrolmentEvent::Start => cohort.start_date,
            EnrolmentEvent::Complete => cohort.end_date,
            EnrolmentEvent::Withdraw
            | EnrolmentEvent::DropOut
            | EnrolmentEvent::Remove
            | EnrolmentEvent::CompleteByEmployment
                if current == EnrolmentStatus::InTraining =>
            {
                let span = (last - on).num_days().max(0) as u64;
                days_after(on, rng.below(span + 1))
            }
            _ => {
                let limit = if started { cohort.start_date } else { today };
                days_after(on, rng.below(7) + 1).min(limit).max(on)
            }
        }
        .min(today)
        .max(on);
        steps.push(HistoryStep {
            event: Some(event),
            from: Some(current),
            to: next,
            on,
        });
        current = next;
    }
    steps
}

/// Places each person in one cohort (a share in two), keeping every cohort within its seats.
pub(super) fn place(
    options: &PopulationOptions,
    data: &PopulationData,
    courses: &[Course],
    people: &[GeneratedPerson],
) -> (Vec<GeneratedEnrolment>, Vec<CohortSeatCount>) {
    let mut offers: HashMap<&str, Offer> = HashMap::new();
    for (i, course) in courses.iter().enumerate() {
        if course.cohorts.is_empty() {
            continue;
        }
        for programme in &course.programmes {
            let offer = offers.entry(programme.as_str()).or_default();
            offer.all.push(i);
            offer.by_province.entry(course.region.sido_code()).or_default().push(i);
            offer.by_region.entry(course.region).or_default().push(i);
        }
    }
    let today = options.today;
    let mut rng = Rng::fork(options.seed, 20);
    let mut used: HashMap<(usize, usize), Use> = HashMap::new();
    let mut enrolments = Vec::new();
    for (person_index, person) in people.iter().enumerate() {
        let Some(offer) = offers.get(person.programme.as_str()) else {
            continue;
        };
        let wanted = if rng.chance(data.second_enrolment) { 2 } else { 1 };
        let mut taken: Vec<(usize, usize)> = Vec::new();
        for _ in 0..wanted {
            let home = person.profile.region;
            let draw = rng.below(1000) as u32;
            let near = if draw < data.same_region {
                offer.by_region.get(&home)
            } else if draw < data.same_region + data.same_province {
                offer.by_province.get(&home.sido_code())
            } else {
                None
            };
            let candidates = near.filter(|c| !c.is_empty()).unwrap_or(&offer.all);
            // A few tries for a cohort with a free seat; the last try is kept whatever it is.
            let mut choice = None;
            for attempt in 0..6 {
                let course = *rng.pick(candidates);
                let cohort = rng.below(courses[course].cohorts.len() as u64) as usize;
                if taken.contains(&(course, cohort)) {
                    continue;
                }
                let c = &courses[course].cohorts[cohort];
                let seated = used.get(&(course, cohort)).map_or(0, |u| u.seated);
                choice = Some((course, cohort));
                if seated < c.capacity || attempt == 5 {
                    break;
                }
            }
            let Some((course, cohort_index)) = choice else {
                continue;
            };
            let cohort = &courses[course].cohorts[cohort_index];
            let mut status = if cohort.end_date < today {
                pick_weighted(&mut rng, &data.ended)
            } else if cohort.start_date <= today {
                pick_weighted(&mut rng, &data.running)
            } else {
                pick_weighted(&mut rng, &data.not_started)
            };
            let entry = used.entry((course, cohort_index)).or_default();
            if took_seat(status) && entry.seated >= cohort.capacity {
                if cohort.start_date <= today {
                    // Nobody sits in a started cohort without a seat: try elsewhere next time.
                    continue;
                }
                status = if cohort.waiting_list {
                    EnrolmentStatus::Waiting
                } else {
                    EnrolmentStatus::Refused
                };
            }
            if took_seat(status) {
                entry.seated += 1;
            }
            if status.holds_seat() {
                entry.holding += 1;
            }
            let applied = if cohort.start_date <= today {
                days_before(cohort.start_date, rng.below(30) + 1)
            } else {
                days_before(today.min(days_before(cohort.start_date, 1)), rng.below(30))
            };
            taken.push((course, cohort_index));
            enrolments.push(GeneratedEnrolment {
                person: person_index,
                course,
                cohort: cohort_index,
                status,
                history: history(&mut rng, status, applied, cohort, today),
            });
        }
    }
    let mut seats: Vec<CohortSeatCount> = used
        .into_iter()
        .map(|((course, cohort), u)| CohortSeatCount {
            course,
            cohort,
            seats: courses[course].cohorts[cohort].capacity,
            taken: u.holding,
        })
        .collect();
    seats.sort_by_key(|s| (s.course, s.cohort));
    (enrolments, seats)
}
