//! Attendance for a loaded population: the generator's month sheets
//! (`aiup_people::generate::attendance`) for every stored enrolment in (or past) training in the
//! given cohorts, loaded through `AttendanceStore::load` in chunks so memory stays flat.
//!
//! The sheets are made from the STORED enrolments (read back per cohort), so each is keyed by
//! its enrolment id and follows the stored status and exit date; an enrolment that already has
//! attendance (an earlier load) is left alone. Remote courses are followed by progress, not
//! days, and get no sheets. Training days are the rules' (`aiup_rules::Calendar::korean`:
//! weekdays that are not public holidays); outside the years it covers, weekdays.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use aiup_catalogue::Course;
use aiup_core::Delivery;
use aiup_people::generate::attendance::{attendance_months, has_attendance, weekday, AttendanceSubject};
use aiup_people::EnrolmentStatus;
use aiup_rules::Calendar;
use aiup_store::{AttendanceMonth, Database, EnrolmentRecord};
use chrono::NaiveDate;

use crate::clock::seoul_date;
use crate::error::AppError;

/// Enrolments per load call (one transaction each): about 20 MB of sheets.
const CHUNK: usize = 10_000;

/// What the attendance step wrote and how long its parts took.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AttendanceReport {
    /// Enrolments given sheets.
    pub enrolments: u64,
    /// Month rows written.
    pub months: u64,
    /// Training days recorded.
    pub days: u64,
    /// Reading the stored enrolments back.
    pub read_time: Duration,
    pub generate_time: Duration,
    pub store_time: Duration,
}

/// A weekday that is not a public holiday (any weekday outside the calendar's years).
fn training_day(date: NaiveDate) -> bool {
    Calendar::korean()
        .is_training_day(date)
        .unwrap_or_else(|_| weekday(date))
}

/// The subject of one stored enrolment, if it has training days to record.
fn subject_of(record: &EnrolmentRecord, course: &Course) -> Option<AttendanceSubject> {
    let status = EnrolmentStatus::parse(&record.status)?;
    if !has_attendance(status) || course.delivery == Delivery::Remote {
        return None;
    }
    let left = matches!(
        status,
        EnrolmentStatus::Withdrawn
            | EnrolmentStatus::DroppedOut
            | EnrolmentStatus::Removed
            | EnrolmentStatus::EarlyCompletionEmployment
    );
    Some(AttendanceSubject {
        key: u64::try_from(record.id).ok()?,
        status,
        start: record.cohort_start,
        end: record.cohort_end,
        // The status changed on the enrolment's last event.
        left_on: left.then(|| seoul_date(record.updated_at)),
        hours_tenths: course.hours_per_day.tenths(),
    })
}

/// Generates and loads the attendance of the stored enrolments of `cohorts` (course id and
/// cohort ordinal) that started on or before `today`.
pub async fn generate_attendance(
    store: &Database,
    courses: &[Course],
    cohorts: &[(String, i64)],
    seed: u64,
    today: NaiveDate,
    actor: &str,
) -> Result<AttendanceReport, AppError> {
    let by_id: HashMap<&str, &Course> = courses.iter().map(|c| (c.id.as_str(), c)).collect();
    let mut report = AttendanceReport::default();

    let started = Instant::now();
    let mut subjects: Vec<AttendanceSubject> = Vec::new();
    for (course_id, ordinal) in cohorts {
        let Some(course) = by_id.get(course_id.as_str()) else {
            continue;
        };
        let started = usize::try_from(*ordinal)
            .ok()
            .and_then(|i| course.cohorts.get(i))
            .is_some_and(|c| c.start_date <= today);
        if !started {
            continue;
        }
        for record in store.enrolments().of_cohort(course_id, *ordinal).await? {
            subjects.extend(subject_of(&record, course));
        }
    }
    subjects.sort_unstable_by_key(|s| s.key);
    report.read_time = started.elapsed();

    for chunk in subjects.chunks(CHUNK) {
        let (Some(first), Some(last)) = (chunk.first(), chunk.last()) else {
            continue;
        };
        let started = Instant::now();
        let range = first.key as i64..=last.key as i64;
        let mut existing: Vec<i64> = store
            .attendance()
            .months_in_range(range, today)
            .await?
            .into_iter()
            .map(|m| m.enrolment_id)
            .collect();
        existing.dedup();
        report.read_time += started.elapsed();

        let started = Instant::now();
        let mut months: Vec<AttendanceMonth> = Vec::new();
        for subject in chunk {
            let id = subject.key as i64;
            if existing.binary_search(&id).is_ok() {
                continue;
            }
            let sheets = attendance_months(seed, today, subject, training_day);
            if sheets.is_empty() {
                continue;
            }
            report.enrolments += 1;
            for (month, sheet) in sheets {
                report.days += sheet.days().count() as u64;
                months.push(AttendanceMonth {
                    enrolment_id: id,
                    month,
                    days: sheet.into_bytes(),
                    version: 1,
                });
            }
        }
        report.generate_time += started.elapsed();

        let started = Instant::now();
        if !months.is_empty() {
            report.months += store.attendance().load(&months, actor).await?;
        }
        report.store_time += started.elapsed();
    }
    Ok(report)
}
