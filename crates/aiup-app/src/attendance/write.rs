//! The one write path of staff attendance: check every item, then read the trainee-months,
//! apply the items, and write them in one batch from the versions read (again on `Stale`).

use std::collections::{BTreeMap, BTreeSet};

use aiup_core::policy::Text;
use aiup_people::attendance::{month_of, MonthSheet};
use aiup_store::{AttendanceError, AttendanceWrite, ACTION_ATTENDANCE_CORRECT, ACTION_ATTENDANCE_RECORD};
use chrono::{Datelike, NaiveDate};

use super::mark::{correction_terms, day_of, AttendanceEntry, EntryProblem};
use super::{attending, correction, month_write, months_of, text, Recorded, Schedule, STALE_RETRIES};
use crate::accounts::Actor;
use crate::{App, AppError, Code};

/// Where an item came from, for its errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum At {
    /// `entries[i]` of a request.
    Entry(usize),
    /// A line of an uploaded file.
    Line(usize),
}

/// One day of one trainee to write.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub at: At,
    pub date: NaiveDate,
    pub entry: AttendanceEntry,
}

/// Why an item was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub at: At,
    pub code: Code,
    /// The field of the entry (or the CSV column).
    pub field: &'static str,
    pub text: Text,
}

impl Problem {
    fn new(at: At, code: Code, field: &'static str, text: Text) -> Problem {
        Problem { at, code, field, text }
    }

    fn of_entry(at: At, p: EntryProblem) -> Problem {
        Problem::new(at, p.code, p.field, p.text)
    }
}

/// What a refused write reports: its problems, or an error that stopped it as a whole.
#[derive(Debug)]
pub(crate) enum Refused {
    Items(Vec<Problem>),
    Whole(AppError),
}

impl From<AppError> for Refused {
    fn from(e: AppError) -> Refused {
        Refused::Whole(e)
    }
}

/// The first problem as the error of a one-day request (`day` for date problems,
/// `entries[i].field` for an entry's).
pub(crate) fn first_error(refused: Refused) -> AppError {
    match refused {
        Refused::Whole(e) => e,
        Refused::Items(mut problems) => {
            problems.sort_by_key(|p| p.at);
            let Some(p) = problems.into_iter().next() else {
                return AppError::internal(&"a refused attendance write named no problem");
            };
            let field = match (p.at, p.field) {
                (_, "date") => "day".to_owned(),
                (At::Entry(i), f) => format!("entries[{i}].{f}"),
                (At::Line(l), f) => format!("line {l}: {f}"),
            };
            AppError::bilingual(p.code, Some(&field), p.text)
        }
    }
}

/// The date problems of `date` for a cohort with `schedule`, seen on `today`.
pub(crate) fn date_problem(date: NaiveDate, schedule: &Schedule, today: NaiveDate) -> Option<(Code, Text)> {
    if date > today {
        return Some((
            Code::FutureDay,
            text(
                format!("{date}은(는) 아직 오지 않은 날입니다(오늘 {today})."),
                format!("{date} has not come yet (today is {today}, Asia/Seoul)"),
            ),
        ));
    }
    if !(schedule.first_day..=schedule.last_day).contains(&date) {
        return Some((
            Code::OutsideCourseDates,
            text(
                format!(
                    "{date}은(는) 훈련 기간({} ~ {}) 밖입니다.",
                    schedule.first_day, schedule.last_day
                ),
                format!(
                    "{date} is outside the course dates ({} to {})",
                    schedule.first_day, schedule.last_day
                ),
            ),
        ));
    }
    if !schedule.is_training_day(date) {
        let (ko, en) = match schedule.holiday(date) {
            Some(h) => (format!("공휴일({})", h.ko), format!("a public holiday ({})", h.en)),
            None => (weekday_ko(date).to_owned(), format!("a {:?}", date.weekday())),
        };
        return Some((
            Code::OutsideCourseDates,
            text(
                format!("{date}은(는) 훈련일이 아닙니다({ko})."),
                format!("{date} is not a training day: {en}"),
            ),
        ));
    }
    None
}

fn weekday_ko(date: NaiveDate) -> &'static str {
    ["월요일", "화요일", "수요일", "목요일", "금요일", "토요일", "일요일"]
        [date.weekday().num_days_from_monday() as usize]
}

impl App {
    /// Checks every item, then writes them all in one batch, or nothing. With `check_only`
    /// (the caller already found other problems), every item is checked and nothing written:
    /// the answer is always `Refused::Items` with the problems found, possibly none.
    pub(crate) async fn write_days(
        &self,
        actor: &Actor,
        course_id: &str,
        ordinal: i64,
        items: Vec<Item>,
        check_only: bool,
    ) -> Result<Recorded, Refused> {
        let (course, cohort) = self.attendance_cohort(actor, course_id, ordinal, true).await?;
        let schedule = Schedule::of(&course, &cohort);
        let today = self.today();
        let members = attending(
            self.db()
                .enrolments()
                .of_cohort(course_id, ordinal)
                .await
                .map_err(AppError::from)?,
        );

        // Everything that does not depend on stored days, for every item.
        let mut problems = Vec::new();
        let mut seen = BTreeSet::new();
        let mut checked = Vec::with_capacity(items.len());
        for item in items {
            if let Some((code, why)) = date_problem(item.date, &schedule, today) {
                problems.push(Problem::new(item.at, code, "date", why));
                continue;
            }
            if !members.contains_key(&item.entry.enrolment_id) {
                problems.push(Problem::new(
                    item.at,
                    Code::NotInCohort,
                    "enrolment_id",
                    text(
                        format!("신청 {}은(는) 이 기수의 훈련생이 아닙니다.", item.entry.enrolment_id),
                        format!(
                            "enrolment {} is not (or was never) in training in this cohort",
                            item.entry.enrolment_id
                        ),
                    ),
                ));
                continue;
            }
            if !seen.insert((item.entry.enrolment_id, item.date)) {
                problems.push(Problem::new(
                    item.at,
                    Code::InvalidField,
                    "enrolment_id",
                    text(
                        format!("신청 {}의 {}이(가) 두 번 나옵니다.", item.entry.enrolment_id, item.date),
                        format!("enrolment {} on {} appears twice", item.entry.enrolment_id, item.date),
                    ),
                ));
                continue;
            }
            if let Err(p) = day_of(&item.entry) {
                problems.push(Problem::of_entry(item.at, p));
                continue;
            }
            checked.push(item);
        }
        // Items that passed go on to the checks against stored days, so that a file's every
        // bad row is listed at once; nothing is written while any problem remains.
        let early = problems;
        if checked.is_empty() && (check_only || !early.is_empty()) {
            return Err(Refused::Items(early));
        }

        let ids: Vec<i64> = checked
            .iter()
            .map(|i| i.entry.enrolment_id)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let months = months_of(checked.iter().map(|i| i.date));
        let (Some(&first), Some(&last)) = (months.first(), months.last()) else {
            return Ok(Recorded::default());
        };
        for _attempt in 0..STALE_RETRIES {
            let sheets = self.sheets(&ids, first, last).await?;
            let mut changed: BTreeMap<(i64, NaiveDate), MonthSheet> = BTreeMap::new();
            let mut corrections = Vec::new();
            let mut audit_corrections = Vec::new();
            let mut done = Recorded::default();
            let mut problems = early.clone();
            for item in &checked {
                let id = item.entry.enrolment_id;
                let month = month_of(item.date);
                let sheet = changed.entry((id, month)).or_insert_with(|| {
                    sheets
                        .get(&(id, month))
                        .map_or_else(MonthSheet::new, |(sheet, _)| sheet.clone())
                });
                let old = sheet.on(item.date);
                // Times not given keep those recorded (a trainee's own check-in, for instance).
                let mut entry = item.entry.clone();
                if let Some(old) = &old {
                    entry.check_in = entry.check_in.or(old.check_in);
                    entry.check_out = entry.check_out.or(old.check_out);
                }
                let new = match day_of(&entry) {
                    Ok(new) => new,
                    Err(p) => {
                        problems.push(Problem::of_entry(item.at, p));
                        continue;
                    }
                };
                match old {
                    Some(old) if old == new => done.unchanged += 1,
                    Some(old) => {
                        let (reason, evidence) = match correction_terms(&entry, &new) {
                            Ok(terms) => terms,
                            Err(p) => {
                                problems.push(Problem::of_entry(item.at, p));
                                continue;
                            }
                        };
                        audit_corrections.push(serde_json::json!({
                            "enrolment_id": id, "day": item.date, "old": old, "new": new, "reason": reason,
                        }));
                        corrections.push(correction(id, item.date, &old, &new, reason, evidence));
                        sheet.set(item.date.day(), Some(new));
                        done.corrected += 1;
                    }
                    None => {
                        sheet.set(item.date.day(), Some(new));
                        done.recorded += 1;
                    }
                }
            }
            if check_only || !problems.is_empty() {
                return Err(Refused::Items(problems));
            }
            if done.recorded + done.corrected == 0 {
                return Ok(done);
            }
            let month_writes = changed
                .into_iter()
                .filter(|((id, month), sheet)| sheets.get(&(*id, *month)).is_none_or(|(stored, _)| stored != sheet))
                .map(|((id, month), sheet)| month_write(&sheets, id, month, sheet))
                .collect();
            let days: BTreeSet<NaiveDate> = checked.iter().map(|i| i.date).collect();
            let batch = AttendanceWrite {
                months: month_writes,
                action: if corrections.is_empty() {
                    ACTION_ATTENDANCE_RECORD
                } else {
                    ACTION_ATTENDANCE_CORRECT
                }
                .to_owned(),
                detail: serde_json::json!({
                    "course": course_id,
                    "cohort": ordinal,
                    "days": days,
                    "recorded": done.recorded,
                    "corrected": done.corrected,
                    "corrections": audit_corrections,
                }),
                corrections,
            };
            match self.db().attendance().write(&batch, &actor.audit_name()).await {
                Ok(()) => return Ok(done),
                Err(AttendanceError::Stale { .. }) => continue,
                Err(e) => return Err(Refused::Whole(e.into())),
            }
        }
        Err(Refused::Whole(
            AttendanceError::Stale {
                enrolment_id: ids.first().copied().unwrap_or(0),
                month: first,
            }
            .into(),
        ))
    }
}
