//! A trainee's attendance for one calendar month as stored: a fixed-layout byte sheet.
//!
//! One row per (enrolment, month) keeps a year of the whole programme (240,000 trainees × ~250
//! days) at about a million rows, and lets the payroll read the country in seconds. The layout
//! is this module's alone; the store keeps the bytes opaque.
//!
//! Layout (format 1): byte 0 is the format number, then 31 slots of [`SLOT`] bytes, slot `d - 1`
//! for day `d`:
//!
//! | bytes | meaning |
//! | --- | --- |
//! | 0 | status: 0 no record, 1 attended, 2 absent, 3 excused, 4 incomplete |
//! | 1 | flags: bit 0 late, bit 1 early leave, bit 2 by code, bit 3 evidence, bit 4 meal |
//! | 2 | excuse kind (`ExcuseKind::code`), 0 for none |
//! | 3 | outings |
//! | 4 | scheduled hours in tenths (0: the course's hours a day) |
//! | 5 | reserved, 0 |
//! | 6–7 | check-in minute, little-endian, `0xFFFF` for none |
//! | 8–9 | check-out minute, likewise |
//! | 10–11 | minutes out, little-endian |

use aiup_rules::attendance::{Day, DayStatus, ExcuseKind};
use aiup_rules::calendar::{Calendar, CalendarError};
use aiup_rules::case::Tenths;
use aiup_rules::counting::{count_periods, with_records, CountRules, CourseFacts, PeriodCount, TrainingDay};
use chrono::{Datelike, NaiveDate};

/// Bytes per day slot.
pub const SLOT: usize = 12;
/// The current format number (byte 0).
pub const FORMAT: u8 = 1;
/// Bytes of a whole sheet.
pub const SHEET_BYTES: usize = 1 + 31 * SLOT;

const NONE_MINUTE: u16 = 0xFFFF;

/// Why stored bytes are not a sheet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    #[error("attendance sheet has {0} bytes, expected {SHEET_BYTES}")]
    Length(usize),
    #[error("attendance sheet format {0} is unknown")]
    Format(u8),
    #[error("attendance sheet day {day}: {what}")]
    Slot { day: u32, what: &'static str },
}

/// One enrolment's month of days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthSheet {
    bytes: Vec<u8>,
}

impl Default for MonthSheet {
    fn default() -> MonthSheet {
        MonthSheet::new()
    }
}

impl MonthSheet {
    /// A month with no record.
    pub fn new() -> MonthSheet {
        let mut bytes = vec![0u8; SHEET_BYTES];
        bytes[0] = FORMAT;
        MonthSheet { bytes }
    }

    /// Reads stored bytes, checking every slot.
    pub fn decode(bytes: &[u8]) -> Result<MonthSheet, SheetError> {
        if bytes.len() != SHEET_BYTES {
            return Err(SheetError::Length(bytes.len()));
        }
        if bytes[0] != FORMAT {
            return Err(SheetError::Format(bytes[0]));
        }
        let sheet = MonthSheet { bytes: bytes.to_vec() };
        for day in 1..=31 {
            sheet.read(day)?;
        }
        Ok(sheet)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    fn slot(day: u32) -> std::ops::Range<usize> {
        let start = 1 + (day.clamp(1, 31) as usize - 1) * SLOT;
        start..start + SLOT
    }

    fn read(&self, day: u32) -> Result<Option<Day>, SheetError> {
        let s = &self.bytes[Self::slot(day)];
        let status = match s[0] {
            0 => return Ok(None),
            1 => DayStatus::Attended,
            2 => DayStatus::Absent,
            3 => DayStatus::Excused,
            4 => DayStatus::Incomplete,
            _ => {
                return Err(SheetError::Slot {
                    day,
                    what: "unknown status",
                })
            }
        };
        let excuse = match s[2] {
            0 => None,
            code => Some(ExcuseKind::from_code(code).ok_or(SheetError::Slot {
                day,
                what: "unknown excuse kind",
            })?),
        };
        if (status == DayStatus::Excused) != excuse.is_some() {
            return Err(SheetError::Slot {
                day,
                what: "an excuse kind belongs to excused days only",
            });
        }
        let minute = |i: usize| {
            let m = u16::from_le_bytes([s[i], s[i + 1]]);
            (m != NONE_MINUTE).then_some(m)
        };
        Ok(Some(Day {
            status,
            excuse,
            late: s[1] & 1 != 0,
            early_leave: s[1] & 2 != 0,
            by_code: s[1] & 4 != 0,
            evidence: s[1] & 8 != 0,
            meal: s[1] & 16 != 0,
            outings: s[3],
            scheduled_tenths: s[4],
            check_in: minute(6),
            check_out: minute(8),
            outing_minutes: u16::from_le_bytes([s[10], s[11]]),
        }))
    }

    /// The record of day `day` (1..=31) of the month, if any.
    pub fn get(&self, day: u32) -> Option<Day> {
        // Every constructor checks every slot, so reading cannot fail here.
        self.read(day).ok().flatten()
    }

    /// The record of `date` (its day of month).
    pub fn on(&self, date: NaiveDate) -> Option<Day> {
        self.get(date.day())
    }

    /// Writes (or with `None` clears) day `day`'s record.
    pub fn set(&mut self, day: u32, record: Option<Day>) {
        let range = Self::slot(day);
        let s = &mut self.bytes[range];
        s.fill(0);
        let Some(d) = record else { return };
        s[0] = match d.status {
            DayStatus::Attended => 1,
            DayStatus::Absent => 2,
            DayStatus::Excused => 3,
            DayStatus::Incomplete => 4,
        };
        s[1] = u8::from(d.late)
            | (u8::from(d.early_leave) << 1)
            | (u8::from(d.by_code) << 2)
            | (u8::from(d.evidence) << 3)
            | (u8::from(d.meal) << 4);
        s[2] = match (d.status, d.excuse) {
            (DayStatus::Excused, Some(kind)) => kind.code(),
            // An excused day without a kind cannot be stored; callers give one.
            (DayStatus::Excused, None) => ExcuseKind::MonthlyLeave.code(),
            _ => 0,
        };
        s[3] = d.outings;
        s[4] = d.scheduled_tenths;
        s[6..8].copy_from_slice(&d.check_in.unwrap_or(NONE_MINUTE).to_le_bytes());
        s[8..10].copy_from_slice(&d.check_out.unwrap_or(NONE_MINUTE).to_le_bytes());
        s[10..12].copy_from_slice(&d.outing_minutes.to_le_bytes());
    }

    /// Every recorded day, ascending.
    pub fn days(&self) -> impl Iterator<Item = (u32, Day)> + '_ {
        (1..=31).filter_map(|d| self.get(d).map(|day| (d, day)))
    }
}

/// The first day of `date`'s month: the key of its sheet.
pub fn month_of(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

/// The first days of the months from `start` to `end` inclusive, ascending: the sheets a course
/// spans.
pub fn months_between(start: NaiveDate, end: NaiveDate) -> Vec<NaiveDate> {
    let mut months = Vec::new();
    let mut month = month_of(start);
    while month <= end {
        months.push(month);
        match month.checked_add_months(chrono::Months::new(1)) {
            Some(next) => month = next,
            None => break,
        }
    }
    months
}

/// The course's training days (`dates`, ascending, e.g. `Calendar::training_days`) with their
/// records from `sheets` (month → sheet, in any order; a month without a sheet has no records):
/// what `aiup_rules::counting::count_periods` counts. `hours` is the course's hours a day.
pub fn training_days(dates: &[NaiveDate], hours: Tenths, sheets: &[(NaiveDate, MonthSheet)]) -> Vec<TrainingDay> {
    let mut sorted: Vec<&(NaiveDate, MonthSheet)> = sheets.iter().collect();
    sorted.sort_by_key(|(month, _)| *month);
    let sheet_of = |date: NaiveDate| {
        let month = month_of(date);
        sorted
            .binary_search_by_key(&month, |(m, _)| *m)
            .ok()
            .map(|i| &sorted[i].1)
    };
    with_records(dates, hours, |date| sheet_of(date).and_then(|sheet| sheet.on(date)))
}

/// An enrolment's unit periods counted from its month sheets as known on `until`: the calendar's
/// training days of the course, the sheets' records, the rules in force for the course.
pub fn count_from_sheets(
    rules: &CountRules,
    course: &CourseFacts,
    calendar: &Calendar,
    sheets: &[(NaiveDate, MonthSheet)],
    until: NaiveDate,
) -> Result<Vec<PeriodCount>, CalendarError> {
    let dates = calendar.training_days(course.start, course.end)?;
    let days = training_days(&dates, course.hours_per_day, sheets);
    Ok(count_periods(rules, course, &days, until))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_round_trips_and_others_stay_empty() {
        let mut sheet = MonthSheet::new();
        let day = Day {
            late: true,
            outings: 2,
            check_in: Some(9 * 60 + 12),
            check_out: Some(18 * 60),
            outing_minutes: 30,
            by_code: true,
            scheduled_tenths: 75,
            ..Day::present()
        };
        sheet.set(31, Some(day));
        sheet.set(2, Some(Day::excused(ExcuseKind::Illness)));
        let back = MonthSheet::decode(sheet.as_bytes()).unwrap();
        assert_eq!(back.get(31), Some(day));
        assert_eq!(back.get(2), Some(Day::excused(ExcuseKind::Illness)));
        assert_eq!(back.get(1), None);
        assert_eq!(back.days().count(), 2);
        sheet.set(31, None);
        assert_eq!(sheet.get(31), None);
    }

    #[test]
    fn bad_bytes_are_refused() {
        assert_eq!(MonthSheet::decode(&[1, 2]), Err(SheetError::Length(2)));
        let mut bytes = MonthSheet::new().into_bytes();
        bytes[1] = 9;
        assert!(matches!(
            MonthSheet::decode(&bytes),
            Err(SheetError::Slot { day: 1, .. })
        ));
        bytes[0] = 7;
        assert_eq!(MonthSheet::decode(&bytes), Err(SheetError::Format(7)));
    }

    #[test]
    fn sheets_feed_the_period_count() {
        use aiup_core::Delivery;
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let course = CourseFacts {
            start: d("2026-04-15"),
            end: d("2026-06-12"),
            hours_per_day: Tenths(80),
            delivery: Delivery::Classroom,
        };
        assert_eq!(
            months_between(course.start, course.end),
            [d("2026-04-01"), d("2026-05-01"), d("2026-06-01")]
        );
        let calendar = Calendar::korean();
        let mut april = MonthSheet::new();
        let mut may = MonthSheet::new();
        for date in calendar.training_days(course.start, course.end).unwrap() {
            let sheet = if date.month() == 4 { &mut april } else { &mut may };
            if date.month() < 6 {
                sheet.set(date.day(), Some(Day::present()));
            }
        }
        may.set(12, Some(Day::absent()));
        let loaded = aiup_core::bundle::Bundle::embedded().load().expect("embedded bundle");
        let engine = aiup_rules::Engine::new(std::sync::Arc::new(loaded.policy), std::sync::Arc::new(loaded.regions))
            .expect("engine");
        let rules = engine.count_rules(course.start);
        // June has no sheet: its days are unrecorded.
        let sheets = [(d("2026-05-01"), may), (d("2026-04-01"), april)];
        let counts = count_from_sheets(&rules, &course, calendar, &sheets, d("2026-06-12")).unwrap();
        assert_eq!(counts.len(), 2);
        assert_eq!(
            (counts[0].scheduled_days, counts[0].recognised_days, counts[0].absences),
            (21, 20, 1)
        );
        // June 1, 2, 4, 5 and 8–12 (06-03 is a holiday).
        assert_eq!(counts[1].unrecorded_days, 9);
    }
}
