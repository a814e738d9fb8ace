//! Attendance for generated enrolments: a day record for every training day an enrolment was in
//! training up to `today`, as month sheets ([`MonthSheet`]).
//!
//! Each enrolment draws from its own stream, seeded by the population seed and the enrolment's
//! key (its stored id), so the same enrolment gets the same days however the population is cut
//! into chunks. The outcome statuses are the generator's (`enrol.rs`); attendance follows them:
//! removed trainees were absent often, dropouts somewhat often, and completers rarely.
//!
//! # Proportions (aiup assumptions, tuned to "about 90% present")
//! - A trainee is diligent (80%), average (15%) or poor (5%); removed trainees miss ~30% of days.
//! - Per day: absent, excused (with a kind drawn by [`EXCUSE_WEIGHTS`]) or present; a present day
//!   is late, leaves early or has an outing now and then, is under half the day's hours rarely,
//!   and lacks its exit record (incomplete) about one day in 250.
//! - 35% of trainees take the institution's meal, on 90% of their present days.
//! - Most present days come from the trainee's own check-in with a code (85%), the rest from staff.
//! - Today's training day, when it is one, is incomplete for those who checked in: the day is not
//!   over, so there is no exit record yet.

use aiup_catalogue::generate::rng::Rng;
use aiup_rules::attendance::{Day, DayStatus, ExcuseKind, Minute};
use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::attendance::{month_of, MonthSheet};
use crate::EnrolmentStatus;

/// The stream tag of attendance draws (others use 10–20).
const STREAM: u64 = 30;

/// One enrolment to generate attendance for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttendanceSubject {
    /// Seeds the enrolment's own stream (the stored enrolment id).
    pub key: u64,
    pub status: EnrolmentStatus,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// The day the trainee left (withdrew, dropped out, was removed or employed), if they did.
    pub left_on: Option<NaiveDate>,
    /// The course's hours a day, in tenths.
    pub hours_tenths: u32,
}

/// Whether an enrolment in `status` has (or had) training days to record.
pub fn has_attendance(status: EnrolmentStatus) -> bool {
    matches!(
        status,
        EnrolmentStatus::InTraining
            | EnrolmentStatus::Completed
            | EnrolmentStatus::EarlyCompletionEmployment
            | EnrolmentStatus::DroppedOut
            | EnrolmentStatus::Removed
            | EnrolmentStatus::Withdrawn
    )
}

/// Monday to Friday: the training days when no calendar of holidays is given.
pub fn weekday(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Excuse kinds by weight (permille of excused days; aiup assumption: illness and the monthly
/// leave are most of them, bereavements and marriages rare).
pub const EXCUSE_WEIGHTS: [(ExcuseKind, u32); 14] = [
    (ExcuseKind::Illness, 350),
    (ExcuseKind::MonthlyLeave, 250),
    (ExcuseKind::ReserveForces, 100),
    (ExcuseKind::HiringExam, 100),
    (ExcuseKind::CertificationExam, 80),
    (ExcuseKind::MilitaryCheck, 20),
    (ExcuseKind::Voting, 20),
    (ExcuseKind::OwnMarriage, 10),
    (ExcuseKind::ChildMarriage, 10),
    (ExcuseKind::SpouseBirth, 15),
    (ExcuseKind::BereavementSpouseParent, 15),
    (ExcuseKind::BereavementGrandparent, 20),
    (ExcuseKind::BereavementChild, 5),
    (ExcuseKind::BereavementSibling, 5),
];

/// Permille chances of a trainee's days.
#[derive(Debug, Clone, Copy)]
struct Habits {
    absent: u32,
    excused: u32,
    late: u32,
    early: u32,
    outing: u32,
    under_half: u32,
}

const DILIGENT: Habits = Habits {
    absent: 15,
    excused: 20,
    late: 30,
    early: 15,
    outing: 10,
    under_half: 3,
};
const AVERAGE: Habits = Habits {
    absent: 50,
    excused: 30,
    late: 80,
    early: 40,
    outing: 30,
    under_half: 8,
};
const POOR: Habits = Habits {
    absent: 140,
    excused: 30,
    late: 150,
    early: 80,
    outing: 60,
    under_half: 20,
};
const REMOVED: Habits = Habits {
    absent: 300,
    excused: 20,
    late: 150,
    early: 80,
    outing: 60,
    under_half: 20,
};

/// Incomplete days (checked in, no exit record) in permille of present days.
const INCOMPLETE: u32 = 4;
/// Share of trainees taking the institution's meal, and of their present days they take it.
const MEAL_TAKERS: u32 = 350;
const MEAL_DAYS: u32 = 900;
/// Present days recorded from the trainee's own check-in with a code.
const BY_CODE: u32 = 850;
/// The day starts at 09:00 Seoul time.
const DAY_START: Minute = 9 * 60;

fn habits(rng: &mut Rng, status: EnrolmentStatus) -> Habits {
    match status {
        EnrolmentStatus::Removed => REMOVED,
        EnrolmentStatus::DroppedOut => POOR,
        _ => match rng.below(1000) {
            0..800 => DILIGENT,
            800..950 => AVERAGE,
            _ => POOR,
        },
    }
}

/// The last day with a full record: the course end, the day before leaving, and yesterday.
fn last_closed_day(subject: &AttendanceSubject, today: NaiveDate) -> Option<NaiveDate> {
    let yesterday = today.pred_opt()?;
    let mut last = subject.end.min(yesterday);
    if let Some(left) = subject.left_on {
        last = last.min(left.pred_opt()?);
    }
    Some(last)
}

/// One present day's times and flags.
fn present_day(rng: &mut Rng, habits: &Habits, scheduled: Minute, meal_taker: bool) -> Day {
    // A lunch hour inside days of 5 hours or more.
    let lunch: Minute = if scheduled >= 300 { 60 } else { 0 };
    let end = DAY_START + scheduled + lunch;
    let mut day = Day {
        by_code: rng.chance(BY_CODE),
        meal: meal_taker && rng.chance(MEAL_DAYS),
        ..Day::present()
    };
    let mut check_in = DAY_START - rng.range(0, 20) as Minute;
    let mut check_out = end + rng.range(0, 15) as Minute;
    if rng.chance(habits.late) {
        day.late = true;
        check_in = DAY_START + rng.range(5, 90) as Minute;
    }
    if rng.chance(habits.under_half) {
        // Left well before half the day: the rules count it as an absence.
        day.early_leave = true;
        check_out = check_in + rng.range(30, u32::from(scheduled / 2).max(31) - 1) as Minute;
    } else if rng.chance(habits.early) {
        day.early_leave = true;
        check_out = end - rng.range(15, 120) as Minute;
    }
    if rng.chance(habits.outing) {
        day.outings = 1;
        day.outing_minutes = rng.range(20, 90) as u16;
    }
    day.check_in = Some(check_in);
    day.check_out = Some(check_out.max(check_in));
    if rng.chance(INCOMPLETE) {
        day.status = DayStatus::Incomplete;
        day.check_out = None;
        day.early_leave = false;
    }
    day
}

/// The recorded months of one enrolment, oldest first, from its start up to `today` (a day
/// ends at midnight: today's record, if any, has no exit yet). `training_day` says which dates
/// are training days (e.g. [`weekday`], or a calendar with public holidays).
pub fn attendance_months(
    seed: u64,
    today: NaiveDate,
    subject: &AttendanceSubject,
    training_day: impl Fn(NaiveDate) -> bool,
) -> Vec<(NaiveDate, MonthSheet)> {
    let mut months: Vec<(NaiveDate, MonthSheet)> = Vec::new();
    if !has_attendance(subject.status) || subject.start > today {
        return months;
    }
    let mut rng = Rng::fork(seed ^ STREAM.wrapping_mul(0x9E37_79B9), subject.key);
    let habits = habits(&mut rng, subject.status);
    let meal_taker = rng.chance(MEAL_TAKERS);
    let scheduled = (subject.hours_tenths.clamp(10, 160) * 6) as Minute;
    let last = last_closed_day(subject, today);
    let still_in = subject.left_on.is_none_or(|left| left > today) && subject.end >= today;
    let record = |date: NaiveDate, day: Day, months: &mut Vec<(NaiveDate, MonthSheet)>| {
        let month = month_of(date);
        if months.last().is_none_or(|(m, _)| *m != month) {
            months.push((month, MonthSheet::new()));
        }
        if let Some((_, sheet)) = months.last_mut() {
            sheet.set(date.day(), Some(day));
        }
    };
    let mut date = subject.start;
    while last.is_some_and(|last| date <= last) {
        if training_day(date) {
            let draw = rng.below(1000) as u32;
            let day = if draw < habits.absent {
                Day::absent()
            } else if draw < habits.absent + habits.excused {
                let kind = EXCUSE_WEIGHTS[rng.weighted(&EXCUSE_WEIGHTS, |(_, w)| *w)].0;
                Day {
                    evidence: kind.needs_evidence() && rng.chance(950),
                    ..Day::excused(kind)
                }
            } else {
                present_day(&mut rng, &habits, scheduled, meal_taker)
            };
            record(date, day, &mut months);
        }
        let Some(next) = date.checked_add_days(Days::new(1)) else {
            break;
        };
        date = next;
    }
    // Today, for those still in training who came in: checked in, no exit record yet.
    if still_in && training_day(today) && today >= subject.start && !rng.chance(habits.absent) {
        let mut day = present_day(&mut rng, &habits, scheduled, meal_taker);
        day.status = DayStatus::Incomplete;
        day.check_out = None;
        day.early_leave = false;
        record(today, day, &mut months);
    }
    months
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn subject(key: u64, status: EnrolmentStatus) -> AttendanceSubject {
        AttendanceSubject {
            key,
            status,
            start: date(2026, 1, 5),
            end: date(2026, 6, 30),
            left_on: None,
            hours_tenths: 80,
        }
    }

    fn days(months: &[(NaiveDate, MonthSheet)]) -> Vec<(NaiveDate, Day)> {
        months
            .iter()
            .flat_map(|(m, sheet)| sheet.days().map(move |(d, day)| (m.with_day(d).unwrap(), day)))
            .collect()
    }

    #[test]
    fn every_weekday_from_the_start_to_yesterday_is_recorded_and_nothing_else() {
        let today = date(2026, 3, 11);
        let months = attendance_months(7, today, &subject(1, EnrolmentStatus::InTraining), weekday);
        assert_eq!(
            months.iter().map(|(m, _)| *m).collect::<Vec<_>>(),
            vec![date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
        );
        let recorded = days(&months);
        let mut expected = Vec::new();
        let mut d = date(2026, 1, 5);
        while d <= today {
            if weekday(d) {
                expected.push(d);
            }
            d = d.succ_opt().unwrap();
        }
        assert_eq!(recorded.iter().map(|(d, _)| *d).collect::<Vec<_>>(), expected);
        // Today is not over: whoever came in has no exit record yet.
        let (last, today_record) = recorded.last().unwrap();
        assert_eq!(*last, today);
        assert_eq!(today_record.status, DayStatus::Incomplete);
        assert_eq!(today_record.check_out, None);
    }

    #[test]
    fn the_same_key_gives_the_same_days_and_another_key_others() {
        let today = date(2026, 7, 1);
        let a = attendance_months(7, today, &subject(42, EnrolmentStatus::Completed), weekday);
        let b = attendance_months(7, today, &subject(42, EnrolmentStatus::Completed), weekday);
        let c = attendance_months(7, today, &subject(43, EnrolmentStatus::Completed), weekday);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn nothing_before_the_start_after_leaving_or_for_statuses_without_training() {
        let today = date(2026, 7, 1);
        let mut left = subject(5, EnrolmentStatus::DroppedOut);
        left.left_on = Some(date(2026, 2, 10));
        let recorded = days(&attendance_months(7, today, &left, weekday));
        assert!(recorded.iter().all(|(d, _)| *d >= left.start && *d < date(2026, 2, 10)));
        assert!(!recorded.is_empty());
        for status in [
            EnrolmentStatus::Accepted,
            EnrolmentStatus::Applied,
            EnrolmentStatus::Waiting,
            EnrolmentStatus::Cancelled,
            EnrolmentStatus::Refused,
        ] {
            assert!(attendance_months(7, today, &subject(5, status), weekday).is_empty());
        }
        let mut not_started = subject(5, EnrolmentStatus::InTraining);
        not_started.start = date(2026, 8, 3);
        assert!(attendance_months(7, today, &not_started, weekday).is_empty());
        // Withdrawn before the start: no day.
        let mut withdrawn = subject(5, EnrolmentStatus::Withdrawn);
        withdrawn.left_on = Some(date(2026, 1, 2));
        assert!(attendance_months(7, today, &withdrawn, weekday).is_empty());
    }

    #[test]
    fn the_mix_is_realistic_over_many_trainees() {
        let today = date(2026, 7, 1);
        let (mut total, mut attended, mut absent, mut excused, mut incomplete) = (0, 0, 0, 0, 0);
        let (mut late, mut early, mut outings, mut meals, mut under_half) = (0, 0, 0, 0, 0);
        let mut kinds = std::collections::HashSet::new();
        for key in 0..400 {
            for (_, day) in days(&attendance_months(
                11,
                today,
                &subject(key, EnrolmentStatus::Completed),
                weekday,
            )) {
                total += 1;
                match day.status {
                    DayStatus::Attended => attended += 1,
                    DayStatus::Absent => absent += 1,
                    DayStatus::Excused => {
                        excused += 1;
                        kinds.insert(day.excuse.unwrap());
                    }
                    DayStatus::Incomplete => incomplete += 1,
                }
                late += u32::from(day.late);
                early += u32::from(day.early_leave);
                outings += u32::from(day.outings);
                meals += u32::from(day.meal);
                under_half += u32::from(day.minutes_present().is_some_and(|m| m < 240));
            }
        }
        let share = |n: u32| f64::from(n) / f64::from(total);
        assert!((0.86..0.95).contains(&share(attended)), "attended {}", share(attended));
        assert!((0.01..0.06).contains(&share(absent)), "absent {}", share(absent));
        assert!((0.01..0.05).contains(&share(excused)), "excused {}", share(excused));
        assert!(incomplete > 0 && share(incomplete) < 0.01);
        assert!(late > 0 && early > 0 && outings > 0 && under_half > 0);
        assert!((0.2..0.45).contains(&share(meals)), "meals {}", share(meals));
        assert!(kinds.len() >= 8, "excuse kinds seen: {kinds:?}");
    }

    #[test]
    fn removed_trainees_miss_far_more_days_than_completers() {
        let today = date(2026, 7, 1);
        let absent_share = |status| {
            let (mut absent, mut total) = (0, 0);
            for key in 0..100 {
                for (_, day) in days(&attendance_months(3, today, &subject(key, status), weekday)) {
                    total += 1;
                    absent += u32::from(day.status == DayStatus::Absent);
                }
            }
            f64::from(absent) / f64::from(total)
        };
        assert!(absent_share(EnrolmentStatus::Removed) > 0.2);
        assert!(absent_share(EnrolmentStatus::Completed) < 0.08);
    }
}
