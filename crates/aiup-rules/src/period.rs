//! Unit periods (단위기간): the months an allowance is counted over.
//!
//! A period is one month counted from the course start date. It ends the day
//! before the same date in the next month, or on the last day of that month
//! if the date does not exist there; the last period ends on the course end
//! date. (BRIEF §2 "Unit period" ✅.)
//!
//! Courses that start late in a month are cut one of two ways
//! (`attendance.unit_period.scheme`, research trainee-journey A.2): *anchored*, every end
//! counted from the course start (`unit_period`), or *chained*, every period a month from its
//! own start (`periods`).

use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;

pub use aiup_core::policy::PeriodScheme;

pub const CITATION: &str = "aiup:research";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct UnitPeriod {
    /// 1-based.
    pub index: u32,
    /// How many unit periods the course has.
    pub of: u32,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl UnitPeriod {
    pub fn days(&self) -> u32 {
        u32::try_from((self.end - self.start).num_days() + 1).unwrap_or(0)
    }
}

fn last_day_of_month(year: i32, month: u32) -> NaiveDate {
    let (next_year, next_month) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    NaiveDate::from_ymd_opt(next_year, next_month, 1)
        .and_then(|d| d.pred_opt())
        .unwrap_or(NaiveDate::MAX)
}

/// The uncapped end of period `k` (1-based) for a course starting on `start`.
fn nominal_end(start: NaiveDate, k: u32) -> NaiveDate {
    let months = i64::from(start.month0()) + i64::from(k);
    let year = start.year() + i32::try_from(months / 12).unwrap_or(i32::MAX);
    let month = u32::try_from(months % 12).unwrap_or(0) + 1;
    match NaiveDate::from_ymd_opt(year, month, start.day()) {
        Some(same_date) => same_date.pred_opt().unwrap_or(same_date),
        None => last_day_of_month(year, month),
    }
}

/// How many unit periods a course from `start` to `end` (inclusive) has.
pub fn count(start: NaiveDate, end: NaiveDate) -> u32 {
    let months = (end.year() - start.year()) * 12 + i32::try_from(end.month()).unwrap_or(0)
        - i32::try_from(start.month()).unwrap_or(0);
    let mut k = u32::try_from(months.max(1)).unwrap_or(1).saturating_sub(1).max(1);
    while nominal_end(start, k) < end {
        k += 1;
    }
    k
}

/// Period `index` of the course, or `None` if the course has fewer periods.
pub fn unit_period(start: NaiveDate, end: NaiveDate, index: u32) -> Option<UnitPeriod> {
    let of = count(start, end);
    if index == 0 || index > of {
        return None;
    }
    Some(unit_period_unchecked(start, end, index, of))
}

/// As `unit_period`, for an index already checked against `of`.
pub fn unit_period_unchecked(start: NaiveDate, end: NaiveDate, index: u32, of: u32) -> UnitPeriod {
    let period_start = if index == 1 {
        start
    } else {
        nominal_end(start, index - 1)
            .checked_add_days(Days::new(1))
            .unwrap_or(end)
    };
    let period_end = nominal_end(start, index).min(end);
    UnitPeriod {
        index,
        of,
        start: period_start,
        end: period_end,
    }
}

/// The day before the same date one month after `from`, or the last day of that month if the
/// date does not exist there.
fn month_after(from: NaiveDate) -> NaiveDate {
    nominal_end(from, 1)
}

/// Every unit period of a course from `start` to `end` (inclusive) under `scheme`, in order.
/// They tile the course exactly; an empty list only when `end < start`.
pub fn periods(start: NaiveDate, end: NaiveDate, scheme: PeriodScheme) -> Vec<UnitPeriod> {
    if end < start {
        return Vec::new();
    }
    let mut spans: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    match scheme {
        PeriodScheme::Anchored => {
            let of = count(start, end);
            spans.extend((1..=of).map(|i| {
                let p = unit_period_unchecked(start, end, i, of);
                (p.start, p.end)
            }));
        }
        PeriodScheme::Chained => {
            let mut from = start;
            loop {
                let until = month_after(from).min(end);
                spans.push((from, until));
                match until.succ_opt() {
                    Some(next) if until < end => from = next,
                    _ => break,
                }
            }
        }
    }
    let of = u32::try_from(spans.len()).unwrap_or(u32::MAX);
    spans
        .into_iter()
        .zip(1..)
        .map(|((start, end), index)| UnitPeriod { index, of, start, end })
        .collect()
}

/// The whole course as one unit period (remote courses: research trainee-journey A.2).
pub fn whole_course(start: NaiveDate, end: NaiveDate) -> UnitPeriod {
    UnitPeriod {
        index: 1,
        of: 1,
        start,
        end: end.max(start),
    }
}

/// Monday-to-Friday days in a period: the default scheduled days when a
/// calculator user gives none. Public holidays are not known here.
pub fn weekdays(period: &UnitPeriod) -> u32 {
    let mut days = 0;
    let mut day = period.start;
    while day <= period.end {
        if day.weekday().number_from_monday() <= 5 {
            days += 1;
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    days
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn span(p: UnitPeriod) -> (String, String) {
        (p.start.to_string(), p.end.to_string())
    }

    #[test]
    fn periods_end_the_day_before_the_same_date() {
        let p = unit_period(d("2026-03-02"), d("2026-08-31"), 1).unwrap();
        assert_eq!(span(p), ("2026-03-02".into(), "2026-04-01".into()));
        let p = unit_period(d("2026-03-02"), d("2026-08-31"), 2).unwrap();
        assert_eq!(span(p), ("2026-04-02".into(), "2026-05-01".into()));
        assert_eq!(p.of, 6);
        let last = unit_period(d("2026-03-02"), d("2026-08-31"), 6).unwrap();
        assert_eq!(span(last), ("2026-08-02".into(), "2026-08-31".into()));
        assert!(unit_period(d("2026-03-02"), d("2026-08-31"), 7).is_none());
    }

    #[test]
    fn a_missing_date_ends_the_period_on_the_month_end() {
        // Starts 31 January: February has no 31st, so period 1 ends 28 February.
        let p1 = unit_period(d("2026-01-31"), d("2026-06-30"), 1).unwrap();
        assert_eq!(span(p1), ("2026-01-31".into(), "2026-02-28".into()));
        let p2 = unit_period(d("2026-01-31"), d("2026-06-30"), 2).unwrap();
        assert_eq!(span(p2), ("2026-03-01".into(), "2026-03-30".into()));
        let p3 = unit_period(d("2026-01-31"), d("2026-06-30"), 3).unwrap();
        assert_eq!(span(p3), ("2026-03-31".into(), "2026-04-30".into()));
        // Leap year: 2028-02-29 exists.
        let leap = unit_period(d("2028-01-29"), d("2028-06-30"), 1).unwrap();
        assert_eq!(span(leap), ("2028-01-29".into(), "2028-02-28".into()));
    }

    #[test]
    fn periods_tile_the_course_exactly() {
        for (start, end) in [
            ("2025-01-31", "2026-12-15"),
            ("2026-02-28", "2026-03-01"),
            ("2026-05-01", "2026-05-01"),
            ("2025-12-30", "2027-01-02"),
        ] {
            let (start, end) = (d(start), d(end));
            let of = count(start, end);
            let mut expected_start = start;
            for i in 1..=of {
                let p = unit_period(start, end, i).unwrap();
                assert_eq!(p.start, expected_start, "period {i} of {start}..{end}");
                assert!(p.end >= p.start);
                expected_start = p.end.succ_opt().unwrap();
            }
            assert_eq!(unit_period(start, end, of).unwrap().end, end);
        }
    }

    fn spans(list: Vec<UnitPeriod>) -> Vec<String> {
        list.iter()
            .map(|p| format!("{}..{}", p.start.format("%m-%d"), p.end.format("%m-%d")))
            .collect()
    }

    #[test]
    fn chained_periods_follow_the_goorm_course_record() {
        // Research trainee-journey A.2: a real course run 2021-12-31 → 2022-05-02.
        let chained = periods(d("2021-12-31"), d("2022-05-02"), PeriodScheme::Chained);
        assert_eq!(
            spans(chained),
            [
                "12-31..01-30",
                "01-31..02-28",
                "03-01..03-31",
                "04-01..04-30",
                "05-01..05-02"
            ]
        );
        let anchored = periods(d("2021-12-31"), d("2022-05-02"), PeriodScheme::Anchored);
        assert_eq!(
            spans(anchored),
            [
                "12-31..01-30",
                "01-31..02-28",
                "03-01..03-30",
                "03-31..04-30",
                "05-01..05-02"
            ]
        );
    }

    #[test]
    fn schemes_agree_for_a_start_early_in_the_month() {
        let (start, end) = (d("2026-01-05"), d("2026-06-19"));
        let chained = periods(start, end, PeriodScheme::Chained);
        assert_eq!(chained, periods(start, end, PeriodScheme::Anchored));
        // Research A.1 [LL]: a 1/5 start gives 1/5–2/4.
        assert_eq!(spans(chained.clone())[0], "01-05..02-04");
        assert_eq!(chained.len(), 6);
        assert!(chained.iter().all(|p| p.of == 6));
    }

    #[test]
    fn weekdays_are_counted() {
        let p = unit_period(d("2026-03-02"), d("2026-08-31"), 1).unwrap();
        assert_eq!(weekdays(&p), 23);
    }
}
