//! Attendance: staff record each trainee's training day (one by one, a whole cohort at once, or
//! from a CSV file), correct recorded days with a reason, and show a check-in code that trainees
//! enter to record their own arrival and exit; trainees read their days.
//!
//! Who may do what: staff of the course's institution record and correct (anyone else asking
//! for the cohort gets `not_found`, like a cohort that does not exist); readers of enrolments
//! read any sheet; a trainee checks in and reads only their own days. A day is recorded only
//! for a training day of the cohort that has come (Asia/Seoul), for a trainee who is or was in
//! training in it. Every write is one store batch with one audit event; a correction keeps the
//! old and new day in its correction row and in the audit event. A correction of a day in a
//! period already paid is allowed: the payroll turns it into an adjustment line.

use std::collections::{BTreeMap, BTreeSet};

use aiup_catalogue::{Cohort, Course};
use aiup_core::policy::Text;
use aiup_people::attendance::{count_from_sheets, month_of, MonthSheet};
use aiup_people::EnrolmentStatus;
use aiup_rules::attendance::{Day, DayStatus};
use aiup_rules::case::Tenths;
use aiup_rules::counting::{CourseFacts, PeriodCount};
use aiup_rules::Calendar;
use aiup_store::{AttendanceError, AttendanceMonth, CorrectionRecord, EnrolmentRecord, MonthWrite, NewCorrection};
use chrono::{Datelike, NaiveDate};

use crate::accounts::{Actor, Permission};
use crate::enrolment::Enrolment;
use crate::{App, AppError, Code};

mod checkin;
mod csv;
mod mark;
mod schedule;
mod write;

pub use checkin::{CheckedIn, CheckinCode, Direction, FailedCodes, CHECK_PATH, MAX_FAILED_CODES};
pub use csv::{BadRow, ImportError, CSV_COLUMNS};
pub use mark::{day_of, parse_excuse, AttendanceEntry, Mark, MAX_EVIDENCE_CHARS, MAX_OUTINGS};
pub use schedule::{format_minute, parse_minute, Schedule, DEFAULT_START, LUNCH_FROM_TENTHS, LUNCH_MINUTES};

/// How often a write is retried when another writer changed the same trainee-month meanwhile.
pub const STALE_RETRIES: usize = 5;

fn text(ko: impl Into<String>, en: impl Into<String>) -> Text {
    Text {
        ko: ko.into(),
        en: en.into(),
    }
}

/// Whether an enrolment in `status` has attendance: it is or was in training (completed,
/// completed early, dropped out, removed, or any later ending of training). Applications,
/// seats not yet started, refusals, cancellations and withdrawals have none.
pub fn attends(status: EnrolmentStatus) -> bool {
    !matches!(
        status,
        EnrolmentStatus::Applied
            | EnrolmentStatus::Waiting
            | EnrolmentStatus::Accepted
            | EnrolmentStatus::Refused
            | EnrolmentStatus::Withdrawn
            | EnrolmentStatus::Cancelled
    )
}

/// Whether the sheet lists an enrolment in `status`: it attends, or holds a seat and is about
/// to start.
fn on_sheet(status: EnrolmentStatus) -> bool {
    attends(status) || status == EnrolmentStatus::Accepted
}

/// One trainee's line on a cohort's sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRow {
    pub enrolment: Enrolment,
    /// The day's record, if any.
    pub day: Option<Day>,
    /// Whether the day can be recorded for this trainee (they are or were in training).
    pub recordable: bool,
}

/// A cohort's attendance for one day, for staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendanceSheet {
    pub course: Course,
    pub ordinal: i64,
    pub cohort: Cohort,
    pub day: NaiveDate,
    pub schedule: Schedule,
    /// Whether `day` is one of the cohort's training days.
    pub training_day: bool,
    /// Whether the day has come (Asia/Seoul): a training day can be recorded from that day on.
    pub has_come: bool,
    /// Enrolled trainees (accepted, in training or finished), by enrolment id.
    pub rows: Vec<SheetRow>,
}

impl AttendanceSheet {
    /// Whether the day can be recorded now.
    pub fn recordable(&self) -> bool {
        self.training_day && self.has_come
    }
}

/// What a write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Recorded {
    /// Days recorded where there was no record.
    pub recorded: usize,
    /// Recorded days changed (each with its correction row).
    pub corrected: usize,
    /// Entries equal to what was recorded already: nothing written for them.
    pub unchanged: usize,
}

/// Counts over a trainee's training days so far. Period counts (what the allowance pays) come
/// from the rules engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    /// Training days up to today (or the course's end).
    pub training_days: u32,
    pub attended: u32,
    pub absent: u32,
    pub excused: u32,
    /// Checked in without an exit record.
    pub incomplete: u32,
    /// Training days with no record yet.
    pub unrecorded: u32,
    /// Late arrivals, early leaves and outings (three make an absence).
    pub tardies: u32,
}

impl Tally {
    fn add(&mut self, day: Option<&Day>) {
        self.training_days += 1;
        let Some(day) = day else {
            self.unrecorded += 1;
            return;
        };
        match day.status {
            DayStatus::Attended => self.attended += 1,
            DayStatus::Absent => self.absent += 1,
            DayStatus::Excused => self.excused += 1,
            DayStatus::Incomplete => self.incomplete += 1,
        }
        self.tardies += day.tardies();
    }
}

/// One training day of a trainee with its record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayLine {
    pub date: NaiveDate,
    pub record: Option<Day>,
}

/// One enrolment's attendance: every training day so far with its record, and its unit
/// periods as the rules count them today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolmentAttendance {
    pub enrolment: Enrolment,
    /// `None` if the catalogue no longer has the course.
    pub schedule: Option<Schedule>,
    pub days: Vec<DayLine>,
    pub tally: Tally,
    /// Every unit period of the course counted up to today (`aiup_rules::count_periods`: the
    /// recognised days, absences, carried tardies and the threshold); empty without the course.
    pub periods: Vec<PeriodCount>,
}

/// The sheets of `enrolment_ids` from `from` to `to`, decoded, by (enrolment, month).
pub(crate) type Sheets = BTreeMap<(i64, NaiveDate), (MonthSheet, i64)>;

pub(crate) fn decode(months: Vec<AttendanceMonth>) -> Result<Sheets, AppError> {
    let mut sheets = Sheets::new();
    for m in months {
        let sheet = MonthSheet::decode(&m.days).map_err(|e| {
            AppError::internal(&format_args!(
                "attendance of enrolment {} for {}: {e}",
                m.enrolment_id, m.month
            ))
        })?;
        sheets.insert((m.enrolment_id, m.month), (sheet, m.version));
    }
    Ok(sheets)
}

/// The record of `date` for `enrolment_id` in `sheets`.
pub(crate) fn record_on(sheets: &Sheets, enrolment_id: i64, date: NaiveDate) -> Option<Day> {
    sheets
        .get(&(enrolment_id, month_of(date)))
        .and_then(|(sheet, _)| sheet.on(date))
}

fn status_of(record: &EnrolmentRecord) -> Option<EnrolmentStatus> {
    EnrolmentStatus::parse(&record.status)
}

impl From<AttendanceError> for AppError {
    fn from(e: AttendanceError) -> AppError {
        match e {
            AttendanceError::Stale { .. } => AppError::bilingual(
                Code::Conflict,
                None,
                text(
                    "다른 사용자가 같은 출결을 동시에 바꾸고 있습니다. 잠시 후 다시 시도해 주세요.",
                    "someone else is changing the same attendance; try again in a moment",
                ),
            ),
            AttendanceError::CodeUsed => AppError::bilingual(
                Code::CheckinCodeUsed,
                Some("code"),
                text(
                    "이미 사용한 코드입니다. 다음 코드를 기다려 주세요.",
                    "you already used this code; wait for the next one",
                ),
            ),
            AttendanceError::Store(e) => e.into(),
        }
    }
}

impl App {
    /// The course and cohort for attendance: staff only their institution's, readers of
    /// enrolments any; anything else (or a cohort that does not exist) is `not_found`.
    pub(crate) async fn attendance_cohort(
        &self,
        actor: &Actor,
        course_id: &str,
        ordinal: i64,
        write: bool,
    ) -> Result<(Course, Cohort), AppError> {
        if write {
            actor.require(Permission::RecordAttendance)?;
        } else if !(actor.allows(Permission::RecordAttendance) || actor.allows(Permission::ReadEnrolments)) {
            return Err(AppError::forbidden("the role may not read attendance sheets"));
        }
        let Some((course, _)) = self.db().catalogue().course(course_id).await? else {
            return Err(AppError::not_found("cohort"));
        };
        if actor.allows(Permission::RecordAttendance) && !actor.sees_institution(course.institution.as_str()) {
            return Err(AppError::not_found("cohort"));
        }
        let cohort = usize::try_from(ordinal)
            .ok()
            .and_then(|i| course.cohorts.get(i))
            .cloned()
            .ok_or_else(|| AppError::not_found("cohort"))?;
        Ok((course, cohort))
    }

    /// The stored sheets of `ids` covering `from`..=`to`.
    pub(crate) async fn sheets(&self, ids: &[i64], from: NaiveDate, to: NaiveDate) -> Result<Sheets, AppError> {
        if ids.is_empty() {
            return Ok(Sheets::new());
        }
        let months = self.db().attendance().months(ids, month_of(from), month_of(to)).await?;
        decode(months)
    }

    /// A cohort's day for staff: its enrolled trainees with their record of `day`.
    pub async fn attendance_sheet(
        &self,
        actor: &Actor,
        course_id: &str,
        ordinal: i64,
        day: NaiveDate,
    ) -> Result<AttendanceSheet, AppError> {
        self.attendance_cohort(actor, course_id, ordinal, false).await?;
        // The roster checks the caller's scope again and describes the enrolments.
        let roster = self.cohort_roster(actor, course_id, ordinal).await?;
        let (course, cohort) = (roster.course, roster.cohort);
        let schedule = Schedule::of(&course, &cohort);
        let enrolments: Vec<Enrolment> = roster.enrolments.into_iter().filter(|e| on_sheet(e.status)).collect();
        let ids: Vec<i64> = enrolments.iter().map(Enrolment::id).collect();
        let sheets = self.sheets(&ids, day, day).await?;
        let mut rows = Vec::with_capacity(enrolments.len());
        for enrolment in enrolments {
            rows.push(SheetRow {
                day: record_on(&sheets, enrolment.id(), day),
                recordable: attends(enrolment.status),
                enrolment,
            });
        }
        rows.sort_by_key(|r| r.enrolment.id());
        Ok(AttendanceSheet {
            training_day: schedule.is_training_day(day),
            has_come: day <= self.today(),
            course,
            ordinal,
            cohort,
            day,
            schedule,
            rows,
        })
    }

    /// Staff record `day` for one trainee or many (the whole cohort) in one batch. An entry
    /// that changes a recorded day is a correction and needs a reason (and evidence for an
    /// excused kind that asks for it). All entries are checked before anything is written; the
    /// first problem is returned, naming `entries[i].field`.
    pub async fn record_attendance(
        &self,
        actor: &Actor,
        course_id: &str,
        ordinal: i64,
        day: NaiveDate,
        entries: &[AttendanceEntry],
    ) -> Result<Recorded, AppError> {
        if entries.is_empty() {
            return Err(AppError::bilingual(
                Code::MissingField,
                Some("entries"),
                text("기록할 훈련생이 없습니다.", "no trainee's mark was given"),
            ));
        }
        let items: Vec<write::Item> = entries
            .iter()
            .enumerate()
            .map(|(i, entry)| write::Item {
                at: write::At::Entry(i),
                date: day,
                entry: entry.clone(),
            })
            .collect();
        self.write_days(actor, course_id, ordinal, items, false)
            .await
            .map_err(write::first_error)
    }

    /// The corrections of one enrolment, oldest first, for whoever may see the enrolment.
    pub async fn attendance_corrections(
        &self,
        actor: &Actor,
        enrolment_id: i64,
    ) -> Result<Vec<CorrectionRecord>, AppError> {
        let enrolment = self.enrolment_for(actor, enrolment_id).await?;
        Ok(self.db().attendance().corrections(enrolment.id()).await?)
    }

    /// One enrolment's attendance, for whoever may see the enrolment (the trainee, staff of
    /// its institution, readers of enrolments).
    pub async fn enrolment_attendance(
        &self,
        actor: &Actor,
        enrolment_id: i64,
    ) -> Result<EnrolmentAttendance, AppError> {
        let enrolment = self.enrolment_for(actor, enrolment_id).await?;
        let mut all = self.attendance_of(vec![enrolment]).await?;
        all.pop()
            .ok_or_else(|| AppError::internal(&"an enrolment vanished while its attendance was read"))
    }

    /// The signed-in trainee's attendance: every enrolment that is or was in training, with
    /// each training day so far and its record.
    pub async fn my_attendance(&self, actor: &Actor) -> Result<Vec<EnrolmentAttendance>, AppError> {
        let enrolments: Vec<Enrolment> = self
            .my_enrolments(actor)
            .await?
            .into_iter()
            .filter(|e| attends(e.status))
            .collect();
        self.attendance_of(enrolments).await
    }

    async fn attendance_of(&self, enrolments: Vec<Enrolment>) -> Result<Vec<EnrolmentAttendance>, AppError> {
        let today = self.today();
        let engine = self.engine();
        let mut out = Vec::with_capacity(enrolments.len());
        for enrolment in enrolments {
            let record = &enrolment.record;
            let course = self.db().catalogue().course(&record.course_id).await?.map(|(c, _)| c);
            let schedule = course.as_ref().and_then(|course| {
                usize::try_from(record.cohort_ordinal)
                    .ok()
                    .and_then(|i| course.cohorts.get(i))
                    .map(|cohort| Schedule::of(course, cohort))
            });
            let last = record.cohort_end.min(today);
            // The whole course: the illness cap is a share of all its training days.
            let sheets = self
                .sheets(&[record.id], record.cohort_start, record.cohort_end)
                .await?;
            let dates: Vec<NaiveDate> = match &schedule {
                Some(s) => s.training_days(record.cohort_start, last),
                // Without the course, the days that have a record.
                None => sheets
                    .iter()
                    .flat_map(|((_, month), (sheet, _))| {
                        sheet
                            .days()
                            .filter_map(|(d, _)| month.with_day0(d - 1))
                            .collect::<Vec<_>>()
                    })
                    .filter(|d| *d <= last)
                    .collect(),
            };
            let mut tally = Tally::default();
            let days: Vec<DayLine> = dates
                .into_iter()
                .map(|date| {
                    let line = DayLine {
                        date,
                        record: record_on(&sheets, record.id, date),
                    };
                    tally.add(line.record.as_ref());
                    line
                })
                .collect();
            let periods = match (&course, &schedule) {
                (Some(course), Some(schedule)) => {
                    let facts = CourseFacts {
                        start: schedule.first_day,
                        end: schedule.last_day,
                        hours_per_day: Tenths(schedule.hours_tenths),
                        delivery: course.delivery,
                    };
                    let months: Vec<(NaiveDate, MonthSheet)> = sheets
                        .iter()
                        .map(|((_, month), (sheet, _))| (*month, sheet.clone()))
                        .collect();
                    let rules = engine.count_rules(schedule.first_day);
                    count_from_sheets(&rules, &facts, Calendar::korean(), &months, today).unwrap_or_else(|e| {
                        // A course beyond the holiday list: its days are shown, its periods not.
                        tracing::warn!(enrolment = record.id, %e, "attendance periods not counted");
                        Vec::new()
                    })
                }
                _ => Vec::new(),
            };
            out.push(EnrolmentAttendance {
                enrolment,
                schedule,
                days,
                tally,
                periods,
            });
        }
        Ok(out)
    }
}

/// The ids of `records` whose enrolment attends, by id.
fn attending(records: Vec<EnrolmentRecord>) -> BTreeMap<i64, EnrolmentRecord> {
    records
        .into_iter()
        .filter(|r| status_of(r).is_some_and(attends))
        .map(|r| (r.id, r))
        .collect()
}

/// The distinct months of `dates`.
fn months_of(dates: impl Iterator<Item = NaiveDate>) -> BTreeSet<NaiveDate> {
    dates.map(month_of).collect()
}

/// A new month's write from `sheets` (version 0 when the month has no row yet).
fn month_write(sheets: &Sheets, enrolment_id: i64, month: NaiveDate, sheet: MonthSheet) -> MonthWrite {
    MonthWrite {
        enrolment_id,
        month,
        expected_version: sheets.get(&(enrolment_id, month)).map_or(0, |(_, v)| *v),
        days: sheet.into_bytes(),
    }
}

/// A correction row: the old and new day as JSON.
fn correction(
    enrolment_id: i64,
    day: NaiveDate,
    old: &Day,
    new: &Day,
    reason: String,
    evidence: Option<String>,
) -> NewCorrection {
    NewCorrection {
        enrolment_id,
        day,
        old: serde_json::to_value(old).unwrap_or(serde_json::Value::Null),
        new: serde_json::to_value(new).unwrap_or(serde_json::Value::Null),
        reason,
        evidence,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aiup_rules::attendance::ExcuseKind;

    #[test]
    fn only_enrolments_that_reached_training_have_attendance() {
        let with: Vec<EnrolmentStatus> = EnrolmentStatus::ALL.iter().copied().filter(|s| attends(*s)).collect();
        assert!(with.contains(&EnrolmentStatus::InTraining) && with.contains(&EnrolmentStatus::DroppedOut));
        for before in [
            EnrolmentStatus::Applied,
            EnrolmentStatus::Accepted,
            EnrolmentStatus::Withdrawn,
        ] {
            assert!(!attends(before), "{before}");
        }
        assert!(on_sheet(EnrolmentStatus::Accepted) && !on_sheet(EnrolmentStatus::Waiting));
    }

    #[test]
    fn the_tally_counts_each_status_and_the_tardies() {
        let mut tally = Tally::default();
        let late = Day {
            late: true,
            outings: 1,
            ..Day::present()
        };
        for day in [
            Some(late),
            Some(Day::absent()),
            Some(Day::excused(ExcuseKind::Voting)),
            None,
        ] {
            tally.add(day.as_ref());
        }
        assert_eq!(
            tally,
            Tally {
                training_days: 4,
                attended: 1,
                absent: 1,
                excused: 1,
                incomplete: 0,
                unrecorded: 1,
                tardies: 2,
            }
        );
    }
}
