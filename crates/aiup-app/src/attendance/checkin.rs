//! Check-in with a code: staff show the cohort's code of the minute (digits and a QR code of
//! [`CheckinCode::payload`]); a trainee enters it to record arrival ("in") or exit ("out").
//!
//! "In" writes an incomplete day with the arrival time (late after the day's start); "out"
//! adds the exit time and makes the day attended (early leave before the day's end, absent
//! under half the day's hours). A day with an arrival and no exit stays incomplete, shown as
//! such, never silently absent. A day staff already recorded is theirs: a code does not change
//! it (staff correct it, with a reason).

use aiup_people::attendance::{month_of, MonthSheet};
use aiup_people::checkin::{expires_at, window_of, CheckinKey, Code as CheckinDigits};
use aiup_rules::attendance::{Day, DayStatus, Minute};
use aiup_store::{AttendanceError, AttendanceWrite, CodeUse, ACTION_ATTENDANCE_RECORD};
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};

use super::schedule::Schedule;
use super::write::date_problem;
use super::{month_write, text, STALE_RETRIES};
use crate::accounts::{Actor, Permission};
use crate::enrolment::Enrolment;
use crate::{App, AppError, Code};

/// The page a trainee's phone opens from the QR code (the pages serve it).
pub const CHECK_PATH: &str = "/me/attendance/check";

/// Wrong codes an account may enter in one span of [`FAILURE_SPAN_WINDOWS`] minutes: a code is
/// one in a million, so guessing must stay far slower than the codes change.
pub const MAX_FAILED_CODES: u32 = 10;
/// The span wrong codes are counted over, in minute windows.
pub const FAILURE_SPAN_WINDOWS: i64 = 10;

/// Wrong check-in codes per account in the current span (in memory: a restart forgets them,
/// which at most doubles a guesser's tries once).
#[derive(Debug, Default)]
pub struct FailedCodes(std::sync::Mutex<std::collections::HashMap<i64, (i64, u32)>>);

impl FailedCodes {
    fn span(window: i64) -> i64 {
        window.div_euclid(FAILURE_SPAN_WINDOWS)
    }

    /// Whether `account` may try a code in `window`.
    fn allows(&self, account: i64, window: i64) -> bool {
        let map = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        !matches!(map.get(&account), Some(&(span, n)) if span == Self::span(window) && n >= MAX_FAILED_CODES)
    }

    /// Counts a wrong code of `account` in `window`.
    fn failed(&self, account: i64, window: i64) {
        let mut map = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let span = Self::span(window);
        let entry = map.entry(account).or_insert((span, 0));
        if entry.0 != span {
            *entry = (span, 0);
        }
        entry.1 += 1;
    }
}

/// Arrival or exit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    In,
    Out,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }

    pub fn parse(text: &str) -> Option<Direction> {
        match text.trim() {
            "in" | "입실" => Some(Direction::In),
            "out" | "퇴실" => Some(Direction::Out),
            _ => None,
        }
    }

    /// Korean and English labels.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Direction::In => ("입실", "Arrival"),
            Direction::Out => ("퇴실", "Exit"),
        }
    }
}

/// A cohort's code of the minute, for the staff's code screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckinCode {
    pub course_id: String,
    pub ordinal: i64,
    /// Six digits, leading zeros kept.
    pub digits: String,
    /// The minute window (minutes since the Unix epoch).
    pub window: i64,
    /// When the next code replaces this one on the screen.
    pub next_at: DateTime<Utc>,
    /// The last instant the code is accepted (its minute and the next).
    pub valid_until: DateTime<Utc>,
    /// The QR code's text: [`CHECK_PATH`] with the code and the cohort.
    pub payload: String,
}

/// What a check-in recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedIn {
    pub enrolment: Enrolment,
    pub date: NaiveDate,
    pub direction: Direction,
    pub day: Day,
}

/// The key naming one cohort in its codes.
fn cohort_key(course_id: &str, ordinal: i64) -> String {
    format!("{course_id}#{ordinal}")
}

/// Minutes after midnight in Asia/Seoul.
fn seoul_minute(at: DateTime<Utc>) -> Minute {
    let t = aiup_core::date::seoul_datetime(at).time();
    u16::try_from(t.hour() * 60 + t.minute()).unwrap_or(0)
}

fn invalid_code() -> AppError {
    AppError::bilingual(
        Code::InvalidCheckinCode,
        Some("code"),
        text(
            "코드가 맞지 않거나 만료되었습니다(코드는 1분마다 바뀝니다). 화면의 지금 코드를 입력해 주세요.",
            "the code is wrong, has expired (codes change every minute) or belongs to another cohort",
        ),
    )
}

/// The day after a check-in in `direction` at `minute`, from the day recorded so far.
pub(crate) fn checked(
    old: Option<Day>,
    direction: Direction,
    minute: Minute,
    schedule: &Schedule,
) -> Result<Day, AppError> {
    match (direction, old) {
        (Direction::In, None) => Ok(Day {
            status: DayStatus::Incomplete,
            late: minute > schedule.starts_at,
            check_in: Some(minute),
            by_code: true,
            ..Day::present()
        }),
        (Direction::Out, Some(day)) if day.by_code && day.check_out.is_none() => Ok(Day {
            status: DayStatus::Attended,
            early_leave: minute < schedule.ends_at,
            check_out: Some(minute),
            ..day
        }),
        (Direction::Out, None) => Err(AppError::bilingual(
            Code::InvalidTransition,
            Some("direction"),
            text(
                "오늘 입실 기록이 없습니다. 먼저 입실을 기록해 주세요.",
                "there is no arrival today; check in first",
            ),
        )),
        (Direction::In, Some(day)) if day.by_code => Err(AppError::bilingual(
            Code::InvalidTransition,
            Some("direction"),
            text("오늘 이미 입실을 기록했습니다.", "you already checked in today"),
        )),
        (Direction::Out, Some(day)) if day.by_code => Err(AppError::bilingual(
            Code::InvalidTransition,
            Some("direction"),
            text("오늘 이미 퇴실을 기록했습니다.", "you already checked out today"),
        )),
        (_, Some(_)) => Err(AppError::bilingual(
            Code::Conflict,
            None,
            text(
                "훈련기관이 오늘 출결을 이미 기록했습니다. 바꿀 것이 있으면 훈련기관에 정정을 요청해 주세요.",
                "the institution already recorded today; ask it for a correction",
            ),
        )),
    }
}

/// Whether the code of `window` may be the very code the trainee already used today for
/// `direction`: the recorded minute's window or the one before it (a code lives two windows).
/// The store's one-use key settles races; this names the common case, a code entered twice.
fn reentered(old: Option<Day>, direction: Direction, today: NaiveDate, window: i64) -> bool {
    let Some(day) = old.filter(|d| d.by_code) else {
        return false;
    };
    let recorded = match direction {
        Direction::In => day.check_in,
        Direction::Out => day.check_out,
    };
    let Some(minute) = recorded else { return false };
    let Some(local) = today.and_hms_opt(u32::from(minute / 60), u32::from(minute % 60), 0) else {
        return false;
    };
    let used_at = local.and_utc().timestamp() - SEOUL_OFFSET_SECONDS;
    let recorded_window = window_of(used_at);
    (recorded_window - 1..=recorded_window).contains(&window)
}

/// Asia/Seoul is UTC+9 all year.
const SEOUL_OFFSET_SECONDS: i64 = 9 * 3600;

impl App {
    /// Sets the key check-in codes are made with (once, at start-up). Without one, a random
    /// key is made on first use: codes then work within this process only.
    pub fn set_checkin_key(&self, key: CheckinKey) -> Result<(), AppError> {
        self.checkin_key_cell()
            .set(key)
            .map_err(|_| AppError::new(Code::Conflict, None, "the check-in key is already set"))
    }

    fn checkin_key(&self) -> Result<&CheckinKey, AppError> {
        let cell = self.checkin_key_cell();
        if let Some(key) = cell.get() {
            return Ok(key);
        }
        let mut bytes = vec![0u8; 32];
        getrandom::getrandom(&mut bytes).map_err(|e| AppError::internal(&e))?;
        let key = CheckinKey::from_bytes(bytes).map_err(|e| AppError::internal(&e))?;
        // Another request may have set one meanwhile; either is fine, the cell keeps one.
        let _ = cell.set(key);
        cell.get()
            .ok_or_else(|| AppError::internal(&"the check-in key was not kept"))
    }

    /// The cohort's code of this minute, for staff of its institution on a training day.
    pub async fn checkin_code(&self, actor: &Actor, course_id: &str, ordinal: i64) -> Result<CheckinCode, AppError> {
        let (course, cohort) = self.attendance_cohort(actor, course_id, ordinal, true).await?;
        let schedule = Schedule::of(&course, &cohort);
        let now = self.clock().now();
        let today = self.today();
        if let Some((code, why)) = date_problem(today, &schedule, today) {
            return Err(AppError::bilingual(code, Some("day"), why));
        }
        let window = window_of(now.timestamp());
        let digits = self
            .checkin_key()?
            .code(&cohort_key(course_id, ordinal), window)
            .digits();
        let at = |seconds: i64| DateTime::<Utc>::from_timestamp(seconds, 0).unwrap_or(now);
        Ok(CheckinCode {
            course_id: course_id.to_owned(),
            ordinal,
            payload: format!("{CHECK_PATH}?code={digits}&course={course_id}&cohort={ordinal}"),
            digits,
            window,
            next_at: at((window + 1) * aiup_people::checkin::WINDOW_SECONDS),
            valid_until: at(expires_at(window) - 1),
        })
    }

    /// The signed-in trainee enters a code: arrival or exit, today, in the cohort the code
    /// belongs to (among the trainee's enrolments in training).
    pub async fn check_in(&self, actor: &Actor, code: &str, direction: Direction) -> Result<CheckedIn, AppError> {
        actor.require(Permission::OwnLearning)?;
        let digits = CheckinDigits::parse(code).map_err(|_| {
            AppError::bilingual(
                Code::InvalidCheckinCode,
                Some("code"),
                text("코드는 숫자 6자리입니다.", "a check-in code is six digits"),
            )
        })?;
        let now = self.clock().now();
        let today = self.today();
        let minute = seoul_minute(now);
        let key = self.checkin_key()?;
        let now_window = window_of(now.timestamp());
        if !self.checkin_failures().allows(actor.account_id, now_window) {
            return Err(AppError::bilingual(
                Code::TooManyAttempts,
                Some("code"),
                text(
                    "틀린 코드를 너무 많이 입력했습니다. 몇 분 뒤에 다시 입력해 주세요.",
                    format!("too many wrong codes; try again within {FAILURE_SPAN_WINDOWS} minutes"),
                ),
            ));
        }
        let in_training: Vec<Enrolment> = self
            .my_enrolments(actor)
            .await?
            .into_iter()
            .filter(|e| e.status == aiup_people::EnrolmentStatus::InTraining)
            .collect();
        let found = in_training.into_iter().find_map(|e| {
            let cohort = cohort_key(&e.record.course_id, e.record.cohort_ordinal);
            key.verify(&cohort, digits, now_window).map(|window| (e, window))
        });
        let Some((enrolment, window)) = found else {
            self.checkin_failures().failed(actor.account_id, now_window);
            return Err(invalid_code());
        };
        let record = &enrolment.record;
        let Some((course, _)) = self.db().catalogue().course(&record.course_id).await? else {
            return Err(invalid_code());
        };
        let Some(cohort) = usize::try_from(record.cohort_ordinal)
            .ok()
            .and_then(|i| course.cohorts.get(i))
        else {
            return Err(invalid_code());
        };
        let schedule = Schedule::of(&course, cohort);
        if let Some((code, why)) = date_problem(today, &schedule, today) {
            return Err(AppError::bilingual(code, Some("day"), why));
        }
        let month = month_of(today);
        let used = CodeUse {
            enrolment_id: record.id,
            window,
            direction: direction.as_str().to_owned(),
        };
        for _attempt in 0..STALE_RETRIES {
            let sheets = self.sheets(&[record.id], today, today).await?;
            let mut sheet = sheets
                .get(&(record.id, month))
                .map_or_else(MonthSheet::new, |(sheet, _)| sheet.clone());
            let old = sheet.on(today);
            if reentered(old, direction, today, window) {
                return Err(AttendanceError::CodeUsed.into());
            }
            let day = checked(old, direction, minute, &schedule)?;
            sheet.set(today.day(), Some(day));
            let batch = AttendanceWrite {
                months: vec![month_write(&sheets, record.id, month, sheet)],
                corrections: Vec::new(),
                action: ACTION_ATTENDANCE_RECORD.to_owned(),
                detail: serde_json::json!({
                    "course": record.course_id,
                    "cohort": record.cohort_ordinal,
                    "enrolment_id": record.id,
                    "days": [today],
                    "check": direction.as_str(),
                    "minute": minute,
                }),
            };
            match self
                .db()
                .attendance()
                .check_in(&used, &batch, &actor.audit_name())
                .await
            {
                Ok(()) => {
                    return Ok(CheckedIn {
                        enrolment,
                        date: today,
                        direction,
                        day,
                    })
                }
                Err(AttendanceError::Stale { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(AttendanceError::Stale {
            enrolment_id: record.id,
            month,
        }
        .into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule() -> Schedule {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        Schedule::new(d("2026-03-02"), d("2026-03-31"), 80, None)
    }

    #[test]
    fn in_then_out_makes_an_attended_day_with_lateness_and_early_leave() {
        let s = schedule();
        let arrived = checked(None, Direction::In, 9 * 60 + 5, &s).unwrap();
        assert_eq!(arrived.status, DayStatus::Incomplete);
        assert!(arrived.late && arrived.by_code);
        let left = checked(Some(arrived), Direction::Out, 17 * 60, &s).unwrap();
        assert_eq!(left.status, DayStatus::Attended);
        assert!(left.early_leave);
        assert_eq!(left.tardies(), 2);
        let on_time = checked(None, Direction::In, 9 * 60, &s).unwrap();
        let full = checked(Some(on_time), Direction::Out, 18 * 60, &s).unwrap();
        assert_eq!(full.tardies(), 0);
        assert_eq!(
            checked(Some(full), Direction::Out, 18 * 60 + 1, &s).unwrap_err().code,
            Code::InvalidTransition
        );
    }

    #[test]
    fn out_without_in_twice_in_or_over_a_staff_record_is_refused() {
        let s = schedule();
        assert_eq!(
            checked(None, Direction::Out, 600, &s).unwrap_err().code,
            Code::InvalidTransition
        );
        let arrived = checked(None, Direction::In, 540, &s).unwrap();
        assert_eq!(
            checked(Some(arrived), Direction::In, 541, &s).unwrap_err().code,
            Code::InvalidTransition
        );
        assert_eq!(
            checked(Some(Day::absent()), Direction::In, 541, &s).unwrap_err().code,
            Code::Conflict
        );
    }

    #[test]
    fn a_short_stay_keeps_its_times_for_the_rules() {
        let s = schedule();
        let arrived = checked(None, Direction::In, 15 * 60, &s).unwrap();
        let left = checked(Some(arrived), Direction::Out, 18 * 60, &s).unwrap();
        assert_eq!((left.status, left.minutes_present()), (DayStatus::Attended, Some(180)));
        assert!(s.under_half(180));
    }

    #[test]
    fn the_same_code_entered_twice_is_a_reuse_and_a_later_one_is_not() {
        let s = schedule();
        let today = NaiveDate::from_ymd_opt(2026, 3, 3).unwrap();
        // 09:05 in Seoul is 00:05 UTC.
        let at = today.and_hms_opt(0, 5, 0).unwrap().and_utc().timestamp();
        let window = window_of(at);
        let minute = seoul_minute(DateTime::from_timestamp(at, 0).unwrap());
        let arrived = checked(None, Direction::In, minute, &s).unwrap();
        assert_eq!(arrived.check_in, Some(9 * 60 + 5));
        assert!(reentered(Some(arrived), Direction::In, today, window));
        assert!(
            reentered(Some(arrived), Direction::In, today, window - 1),
            "the code of the minute before"
        );
        assert!(
            !reentered(Some(arrived), Direction::In, today, window + 1),
            "a new code"
        );
        assert!(!reentered(Some(arrived), Direction::Out, today, window), "no exit yet");
        assert!(
            !reentered(Some(Day::present()), Direction::In, today, window),
            "not by code"
        );
    }

    #[test]
    fn wrong_codes_are_limited_per_account_and_span() {
        let failures = FailedCodes::default();
        let w = 1_000 * FAILURE_SPAN_WINDOWS;
        for _ in 0..MAX_FAILED_CODES {
            assert!(failures.allows(7, w));
            failures.failed(7, w + 3);
        }
        assert!(!failures.allows(7, w + 9), "the span is used up");
        assert!(failures.allows(8, w), "another account");
        assert!(failures.allows(7, w + FAILURE_SPAN_WINDOWS), "the next span");
    }
}
