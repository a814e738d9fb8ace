//! When a cohort is taught: its training days and the hours of a day.
//!
//! The training days are the rules' (`aiup_rules::calendar`: Monday to Friday minus Korean
//! public holidays, within the cohort's dates), so that staff record exactly the days the
//! payroll counts. The hours come from the course's timetable (`CourseDetails::timetable`) when
//! the institution gave one; without one, aiup assumes [`DEFAULT_START`] and the course's hours
//! a day plus a lunch break of [`LUNCH_MINUTES`] on days of [`LUNCH_FROM_TENTHS`] tenths of an
//! hour or more (an aiup default: HRD-Net's timetables are not public, and 09:00 with an hour's
//! lunch is the common shape of a full-day course).

use aiup_catalogue::details::Timetable;
use aiup_catalogue::{Cohort, Course};
use aiup_rules::attendance::Minute;
use aiup_rules::calendar::Holiday;
use aiup_rules::Calendar;
use chrono::{NaiveDate, Timelike};

/// The day's start when a course has no timetable: 09:00.
pub const DEFAULT_START: Minute = 9 * 60;
/// The lunch break added to a full day without a timetable.
pub const LUNCH_MINUTES: u16 = 60;
/// Days of this many tenths of an hour or more get the lunch break (6 h).
pub const LUNCH_FROM_TENTHS: u32 = 60;

/// A cohort's training days and hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// When the day starts and ends, minutes after midnight (Asia/Seoul).
    pub starts_at: Minute,
    pub ends_at: Minute,
    /// The course's hours a day, in tenths.
    pub hours_tenths: u32,
    /// Whether the hours come from the course's timetable (else the defaults above).
    pub from_timetable: bool,
}

impl Schedule {
    /// The schedule of `cohort` of `course`.
    pub fn of(course: &Course, cohort: &Cohort) -> Schedule {
        Schedule::new(
            cohort.start_date,
            cohort.end_date,
            course.hours_per_day.tenths(),
            course.details.timetable.as_ref(),
        )
    }

    /// The schedule of a cohort from `first_day` to `last_day`, taught `hours_tenths` a day,
    /// by `timetable` where the course has one.
    pub fn new(
        first_day: NaiveDate,
        last_day: NaiveDate,
        hours_tenths: u32,
        timetable: Option<&Timetable>,
    ) -> Schedule {
        let (starts_at, ends_at, from_timetable) = match timetable {
            Some(t) => (minute_of(t.start), minute_of(t.end), true),
            None => {
                let lunch = if hours_tenths >= LUNCH_FROM_TENTHS {
                    LUNCH_MINUTES
                } else {
                    0
                };
                let length = u16::try_from(hours_tenths * 6).unwrap_or(u16::MAX);
                let end = DEFAULT_START
                    .saturating_add(length)
                    .saturating_add(lunch)
                    .min(24 * 60 - 1);
                (DEFAULT_START, end, false)
            }
        };
        Schedule {
            first_day,
            last_day,
            starts_at,
            ends_at,
            hours_tenths,
            from_timetable,
        }
    }

    /// Whether `day` is one of the cohort's training days (a day the holiday list does not
    /// cover is not: the rules refuse to count it).
    pub fn is_training_day(&self, day: NaiveDate) -> bool {
        (self.first_day..=self.last_day).contains(&day) && Calendar::korean().is_training_day(day).unwrap_or(false)
    }

    /// The public holiday on `day`, if it is one (for messages).
    pub fn holiday(&self, day: NaiveDate) -> Option<&'static Holiday> {
        Calendar::korean().holiday(day)
    }

    /// The training days from `from` to `to` (both included, within the cohort), ascending.
    pub fn training_days(&self, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        let from = from.max(self.first_day);
        let to = to.min(self.last_day);
        from.iter_days()
            .take_while(|d| *d <= to)
            .filter(|d| self.is_training_day(*d))
            .collect()
    }

    /// Minutes of training in a day (the course's hours a day).
    pub fn day_minutes(&self) -> u32 {
        self.hours_tenths * 6
    }

    /// Whether a day with these check-in and check-out times counts as absent: present for
    /// less than half the day's hours (research trainee-journey A.4).
    pub fn under_half(&self, minutes_present: u32) -> bool {
        minutes_present * 2 < self.day_minutes()
    }
}

fn minute_of(time: chrono::NaiveTime) -> Minute {
    u16::try_from(time.hour() * 60 + time.minute()).unwrap_or(0)
}

/// `HH:MM` of a minute after midnight.
pub fn format_minute(minute: Minute) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// A minute after midnight from `HH:MM` (24-hour).
pub fn parse_minute(text: &str) -> Option<Minute> {
    let time = aiup_catalogue::details::parse_hh_mm(text.trim()).ok()?;
    Some(minute_of(time))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveTime, Weekday};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn march(hours_tenths: u32, timetable: Option<&Timetable>) -> Schedule {
        Schedule::new(d("2026-03-02"), d("2026-03-31"), hours_tenths, timetable)
    }

    #[test]
    fn without_a_timetable_weekdays_from_nine_with_lunch() {
        let s = march(80, None);
        assert_eq!((s.starts_at, s.ends_at), (9 * 60, 18 * 60));
        assert!(s.is_training_day(d("2026-03-03")), "a Tuesday");
        assert!(!s.is_training_day(d("2026-03-02")), "the substitute holiday for 3·1");
        assert!(s.holiday(d("2026-03-02")).is_some());
        assert!(!s.is_training_day(d("2026-03-07")), "a Saturday");
        assert!(!s.is_training_day(d("2026-03-01")), "before the start");
        assert!(!s.is_training_day(d("2026-04-01")), "after the end");
        assert_eq!(s.training_days(d("2026-02-01"), d("2026-03-08")).len(), 4);
        assert!(s.under_half(239) && !s.under_half(240));
    }

    #[test]
    fn a_short_day_has_no_lunch_and_a_timetable_wins() {
        assert_eq!(march(40, None).ends_at, 13 * 60);
        let timetable = Timetable {
            days: vec![Weekday::Sat],
            start: NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
            end: NaiveTime::from_hms_opt(14, 30, 0).unwrap(),
        };
        let s = march(80, Some(&timetable));
        assert_eq!((s.starts_at, s.ends_at), (600, 870));
        assert!(s.from_timetable);
    }

    #[test]
    fn minutes_read_and_print_as_hh_mm() {
        assert_eq!(parse_minute(" 09:05 "), Some(545));
        assert_eq!(parse_minute("9시"), None);
        assert_eq!(format_minute(545), "09:05");
    }
}
