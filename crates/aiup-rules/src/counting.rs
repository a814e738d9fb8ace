//! Counting a course's attendance into unit periods: the days the allowance and completion are
//! decided on.
//!
//! Each rule is a dated, cited parameter (policy/attendance.toml, policy/allowance.toml) read
//! into `CountRules` by `Engine::count_rules`:
//! - late arrivals, early leaves and outings: every `attendance.tardies_per_absence` together are
//!   one absence, the remainder carried into the next period when
//!   `attendance.tardies_carry_across_periods` (research trainee-journey A.3);
//! - under half the day's hours present is an absence (`attendance.under_half_day_is_absence`, A.4);
//! - excused days count as attended; illness excuses only up to `attendance.illness_cap_rate` of
//!   ALL the course's training days, rounded by `attendance.illness_cap_rounding`, in date order
//!   (A.11);
//! - a day without an exit record is reported as incomplete and, once its period has closed,
//!   counts as an absence (`attendance.incomplete_day_is_absence`, A.4, D.4);
//! - the threshold is `allowance.attendance_threshold` of the scheduled days rounded by
//!   `allowance.attendance_threshold_rounding` (up: 18 × 80% = 14.4 → 15, A.1).

use crate::attendance::{Day, DayStatus, ExcuseKind};
use crate::case::Tenths;
use crate::period::{self, PeriodScheme, UnitPeriod};
use aiup_core::{Delivery, Rate, RoundingMode, Won};
use chrono::NaiveDate;
use serde::Serialize;

/// The counting rules in force for a course (read on its start date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CountRules {
    pub scheme: PeriodScheme,
    pub remote_whole_course: bool,
    pub tardies_per_absence: u32,
    pub carry_across_periods: bool,
    pub under_half_day_is_absence: bool,
    pub illness_cap_rate: Rate,
    pub illness_cap_rounding: RoundingMode,
    pub incomplete_day_is_absence: bool,
    pub threshold: Rate,
    pub threshold_rounding: RoundingMode,
    /// Days of at least this many hours earn the special allowance.
    pub special_min_hours_per_day: Tenths,
}

impl CountRules {
    /// `rate × days` in whole days, settled by `rounding`.
    pub fn share_of_days(rate: Rate, days: u32, rounding: RoundingMode) -> u32 {
        u32::try_from(rate.apply(Won(i64::from(days)), rounding).0).unwrap_or(u32::MAX)
    }

    /// The days a period of `scheduled` days must recognise to be paid.
    pub fn threshold_days(&self, scheduled: u32) -> u32 {
        Self::share_of_days(self.threshold, scheduled, self.threshold_rounding)
    }

    /// How many illness days of a course of `training_days` count as attended.
    pub fn illness_cap(&self, training_days: u32) -> u32 {
        Self::share_of_days(self.illness_cap_rate, training_days, self.illness_cap_rounding)
    }
}

/// What the counting needs to know of the course.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CourseFacts {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub hours_per_day: Tenths,
    pub delivery: Delivery,
}

/// One scheduled training day of the course and the trainee's record of it, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TrainingDay {
    pub date: NaiveDate,
    /// The course's hours for the day; `record.scheduled_tenths`, when set, overrides it.
    pub hours: Tenths,
    pub record: Option<Day>,
}

impl TrainingDay {
    /// The day's scheduled hours.
    pub fn scheduled(&self) -> Tenths {
        match self.record {
            Some(day) if day.scheduled_tenths > 0 => Tenths(u32::from(day.scheduled_tenths)),
            _ => self.hours,
        }
    }

    /// Present for less than half the scheduled hours (only when both times are known).
    pub fn under_half(&self) -> bool {
        let Some(day) = self.record else { return false };
        if day.status != DayStatus::Attended {
            return false;
        }
        // Tenths of an hour are 6 minutes: present < scheduled / 2 ⇔ 2 × present < 6 × tenths.
        day.minutes_present()
            .is_some_and(|minutes| u64::from(minutes) * 2 < u64::from(self.scheduled().0) * 6)
    }
}

/// One unit period's attendance, counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct PeriodCount {
    pub index: u32,
    pub of: u32,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Training days in the period.
    pub scheduled_days: u32,
    /// Training days of the period up to `until` (all of them once closed).
    pub elapsed_days: u32,
    /// Days recorded as attended (including late, early-leave and under-half days).
    pub attended_days: u32,
    /// Excused days counted as attended.
    pub excused_counted: u32,
    /// Illness excuses beyond the course's cap: absences.
    pub excused_over_cap: u32,
    /// Days recorded absent.
    pub absent_days: u32,
    /// Late arrivals, early leaves and outings recorded in this period.
    pub tardies_in_period: u32,
    /// Carried in from the previous period (fewer than `tardies_per_absence`).
    pub tardies_carried_in: u32,
    /// Left over for the next period.
    pub tardies_carried_out: u32,
    /// Absences made of tardies.
    pub tardy_absences: u32,
    /// Attended days with under half the hours present: absences.
    pub under_half_absences: u32,
    /// Days without an exit record (absences once the period has closed).
    pub incomplete_days: u32,
    /// Training days up to `until` with no record at all (absences once the period has closed).
    pub unrecorded_days: u32,
    /// Every absence counted: absent days, illness over the cap, tardy and under-half absences,
    /// and (once closed) incomplete and unrecorded days.
    pub absences: u32,
    /// Days the allowance and completion count: attended + excused − the absences on them.
    pub recognised_days: u32,
    /// Recognised days of at least `special_min_hours_per_day` (the special allowance's days).
    pub special_days: u32,
    /// Attended days on which the trainee took the institution's meal.
    pub meal_days: u32,
    /// The recognised days needed (the threshold rounded as the policy says).
    pub threshold_days: u32,
    pub threshold_met: bool,
    /// The period has ended on or before `until`: its count is final.
    pub closed: bool,
}

impl PeriodCount {
    pub fn unit(&self) -> UnitPeriod {
        UnitPeriod {
            index: self.index,
            of: self.of,
            start: self.start,
            end: self.end,
        }
    }
}

/// The course's unit periods under the rules (remote courses: one period).
pub fn course_periods(rules: &CountRules, course: &CourseFacts) -> Vec<UnitPeriod> {
    if rules.remote_whole_course && course.delivery == Delivery::Remote {
        return vec![period::whole_course(course.start, course.end)];
    }
    period::periods(course.start, course.end, rules.scheme)
}

/// Counts every unit period of the course as known on `until` (periods not yet begun count
/// nothing). `days` must be ALL the course's training days, ascending (the illness cap is a
/// share of them); days outside the course are ignored.
pub fn count_periods(
    rules: &CountRules,
    course: &CourseFacts,
    days: &[TrainingDay],
    until: NaiveDate,
) -> Vec<PeriodCount> {
    let units = course_periods(rules, course);
    let training_days = u32::try_from(
        days.iter()
            .filter(|d| d.date >= course.start && d.date <= course.end)
            .count(),
    )
    .unwrap_or(u32::MAX);
    let illness_cap = rules.illness_cap(training_days);
    let per_absence = rules.tardies_per_absence.max(1);
    let mut illness_used = 0u32;
    let mut carried = 0u32;
    let mut next = 0usize;
    let mut counts = Vec::with_capacity(units.len());
    for unit in units {
        let mut c = PeriodCount {
            index: unit.index,
            of: unit.of,
            start: unit.start,
            end: unit.end,
            closed: unit.end <= until,
            ..PeriodCount::default()
        };
        // Days before this period (outside the course) are skipped.
        while next < days.len() && days[next].date < unit.start {
            next += 1;
        }
        let mut long_recognised = 0u32;
        while next < days.len() && days[next].date <= unit.end {
            let day = days[next];
            next += 1;
            c.scheduled_days += 1;
            let long = day.scheduled() >= rules.special_min_hours_per_day;
            if day.date > until {
                continue;
            }
            c.elapsed_days += 1;
            let Some(record) = day.record else {
                c.unrecorded_days += 1;
                continue;
            };
            match record.status {
                DayStatus::Attended => {
                    c.attended_days += 1;
                    c.meal_days += u32::from(record.meal);
                    if rules.under_half_day_is_absence && day.under_half() {
                        c.under_half_absences += 1;
                    } else {
                        c.tardies_in_period += record.tardies();
                        long_recognised += u32::from(long);
                    }
                }
                DayStatus::Excused => {
                    let illness = record.excuse == Some(ExcuseKind::Illness);
                    if illness && illness_used >= illness_cap {
                        c.excused_over_cap += 1;
                    } else {
                        illness_used += u32::from(illness);
                        c.excused_counted += 1;
                        long_recognised += u32::from(long);
                    }
                }
                DayStatus::Absent => c.absent_days += 1,
                DayStatus::Incomplete => c.incomplete_days += 1,
            }
        }
        c.tardies_carried_in = if rules.carry_across_periods { carried } else { 0 };
        let tardies = c.tardies_carried_in + c.tardies_in_period;
        c.tardy_absences = tardies / per_absence;
        c.tardies_carried_out = tardies % per_absence;
        carried = c.tardies_carried_out;
        let closed_gaps = if c.closed && rules.incomplete_day_is_absence {
            c.incomplete_days + c.unrecorded_days
        } else {
            0
        };
        c.absences = c.absent_days + c.excused_over_cap + c.tardy_absences + c.under_half_absences + closed_gaps;
        c.recognised_days =
            (c.attended_days - c.under_half_absences + c.excused_counted).saturating_sub(c.tardy_absences);
        // Tardy absences are taken from the long days first: no special allowance for an absence.
        c.special_days = long_recognised.saturating_sub(c.tardy_absences).min(c.recognised_days);
        c.threshold_days = rules.threshold_days(c.scheduled_days);
        c.threshold_met = c.scheduled_days > 0 && c.recognised_days >= c.threshold_days;
        counts.push(c);
    }
    counts
}

/// The course's training days with the trainee's records: `hours` is the course's hours a day,
/// `record` gives the record of a date, if any.
pub fn with_records(
    dates: &[NaiveDate],
    hours: Tenths,
    mut record: impl FnMut(NaiveDate) -> Option<Day>,
) -> Vec<TrainingDay> {
    dates
        .iter()
        .map(|&date| TrainingDay {
            date,
            hours,
            record: record(date),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Calendar;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn rules() -> CountRules {
        CountRules {
            scheme: PeriodScheme::Chained,
            remote_whole_course: true,
            tardies_per_absence: 3,
            carry_across_periods: true,
            under_half_day_is_absence: true,
            illness_cap_rate: Rate(1_000),
            illness_cap_rounding: RoundingMode::HalfUp,
            incomplete_day_is_absence: true,
            threshold: Rate(8_000),
            threshold_rounding: RoundingMode::Ceil,
            special_min_hours_per_day: Tenths(50),
        }
    }

    fn course(start: &str, end: &str) -> CourseFacts {
        CourseFacts {
            start: d(start),
            end: d(end),
            hours_per_day: Tenths(80),
            delivery: Delivery::Classroom,
        }
    }

    /// Every training day of the course present, except the records given.
    fn days(c: &CourseFacts, records: &[(&str, Day)]) -> Vec<TrainingDay> {
        let dates = Calendar::korean().training_days(c.start, c.end).unwrap();
        with_records(&dates, c.hours_per_day, |date| {
            Some(
                records
                    .iter()
                    .find(|(when, _)| d(when) == date)
                    .map_or(Day::present(), |(_, day)| *day),
            )
        })
    }

    fn late() -> Day {
        Day {
            late: true,
            ..Day::present()
        }
    }

    #[test]
    fn tardies_carry_into_the_next_period() {
        let c = course("2026-04-06", "2026-06-05");
        let list = days(
            &c,
            &[("2026-04-20", late()), ("2026-04-21", late()), ("2026-05-11", late())],
        );
        let counts = count_periods(&rules(), &c, &list, c.end);
        assert_eq!(counts.len(), 2);
        assert_eq!((counts[0].tardy_absences, counts[0].tardies_carried_out), (0, 2));
        assert_eq!(counts[1].tardies_carried_in, 2);
        assert_eq!((counts[1].tardy_absences, counts[1].tardies_carried_out), (1, 0));
        assert_eq!(counts[1].recognised_days, counts[1].scheduled_days - 1);
        let separate = CountRules {
            carry_across_periods: false,
            ..rules()
        };
        let counts = count_periods(&separate, &c, &list, c.end);
        assert_eq!(counts[1].tardy_absences, 0);
        assert_eq!(counts[1].recognised_days, counts[1].scheduled_days);
    }

    #[test]
    fn the_threshold_rounds_up_to_whole_days() {
        let r = rules();
        assert_eq!(r.threshold_days(18), 15);
        assert_eq!(r.threshold_days(20), 16);
        assert_eq!(r.threshold_days(21), 17);
    }

    #[test]
    fn under_half_the_hours_is_an_absence_and_its_lateness_is_not_counted_twice() {
        let c = course("2026-04-06", "2026-05-05");
        let short = Day {
            late: true,
            check_in: Some(9 * 60),
            check_out: Some(11 * 60 + 59),
            ..Day::present()
        };
        let half = Day {
            check_in: Some(9 * 60),
            check_out: Some(13 * 60),
            ..Day::present()
        };
        let counts = count_periods(
            &rules(),
            &c,
            &days(&c, &[("2026-04-07", short), ("2026-04-08", half)]),
            c.end,
        );
        assert_eq!(counts[0].under_half_absences, 1);
        assert_eq!(counts[0].tardies_in_period, 0);
        assert_eq!(counts[0].recognised_days, counts[0].scheduled_days - 1);
    }

    #[test]
    fn illness_is_capped_at_a_share_of_all_training_days() {
        // 2026-04-06..2026-05-29: 38 training days (05-05 and 05-25 are holidays) → cap 4.
        let c = course("2026-04-06", "2026-05-29");
        let ill = Day::excused(ExcuseKind::Illness);
        let records = [
            ("2026-04-07", ill),
            ("2026-04-08", ill),
            ("2026-04-09", ill),
            ("2026-04-10", ill),
            ("2026-05-07", ill),
            ("2026-05-08", Day::excused(ExcuseKind::ReserveForces)),
        ];
        let list = days(&c, &records);
        assert_eq!(list.len(), 38);
        let counts = count_periods(&rules(), &c, &list, c.end);
        assert_eq!((counts[0].excused_counted, counts[0].excused_over_cap), (4, 0));
        assert_eq!((counts[1].excused_counted, counts[1].excused_over_cap), (1, 1));
        assert_eq!(counts[1].absences, 1);
    }

    #[test]
    fn incomplete_days_are_absences_only_once_closed() {
        let c = course("2026-04-06", "2026-06-05");
        let incomplete = Day {
            status: DayStatus::Incomplete,
            ..Day::present()
        };
        let list = days(&c, &[("2026-04-08", incomplete)]);
        let open = count_periods(&rules(), &c, &list, d("2026-04-20"));
        assert!(!open[0].closed);
        assert_eq!((open[0].incomplete_days, open[0].absences), (1, 0));
        assert_eq!(open[0].elapsed_days, 11);
        let closed = count_periods(&rules(), &c, &list, d("2026-05-05"));
        assert!(closed[0].closed);
        assert_eq!((closed[0].incomplete_days, closed[0].absences), (1, 1));
        assert_eq!(closed[0].recognised_days, closed[0].scheduled_days - 1);
    }

    #[test]
    fn special_days_are_days_of_five_hours_or_more() {
        let c = course("2026-04-06", "2026-05-05");
        let four_hours = Day {
            scheduled_tenths: 40,
            ..Day::present()
        };
        let list = days(&c, &[("2026-04-10", four_hours), ("2026-04-17", four_hours)]);
        let counts = count_periods(&rules(), &c, &list, c.end);
        assert_eq!(counts[0].special_days, counts[0].recognised_days - 2);
    }

    #[test]
    fn a_remote_course_is_one_period() {
        let c = CourseFacts {
            delivery: Delivery::Remote,
            ..course("2026-04-06", "2026-07-31")
        };
        let counts = count_periods(&rules(), &c, &days(&c, &[]), c.end);
        assert_eq!(counts.len(), 1);
        assert_eq!((counts[0].start, counts[0].end), (c.start, c.end));
    }
}
