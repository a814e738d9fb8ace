//! Training days: Monday to Friday, minus Korean public holidays.
//!
//! The holidays come from a data file (`data/calendar/kr-public-holidays.toml`, cited there:
//! 「관공서의 공휴일에 관한 규정」 and 「공직선거법」), compiled in and parsed from a string: no
//! IO. The list is complete only for the years it `covers`; a course reaching outside them is
//! refused rather than counted without its holidays.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The compiled-in Korean holiday list.
pub const KOREAN_HOLIDAYS_TOML: &str = include_str!("../../../data/calendar/kr-public-holidays.toml");

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("the holiday list is not valid: {0}")]
    Invalid(String),
    #[error("the holiday list covers {from} to {to}; {date} is outside it")]
    NotCovered {
        date: NaiveDate,
        from: NaiveDate,
        to: NaiveDate,
    },
}

/// Why a date is a holiday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidayKind {
    Holiday,
    /// 대체공휴일.
    Substitute,
    /// 선거일.
    Election,
    /// 임시공휴일.
    Temporary,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holiday {
    pub date: NaiveDate,
    pub ko: String,
    pub en: String,
    pub kind: HolidayKind,
    /// Internal: where the date was checked, why a substitute falls where it does.
    #[serde(skip_serializing)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Covers {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarFile {
    cite: String,
    covers: CoversRow,
    holiday: Vec<HolidayRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CoversRow {
    from: toml::value::Datetime,
    to: toml::value::Datetime,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidayRow {
    date: toml::value::Datetime,
    ko: String,
    en: String,
    kind: HolidayKind,
    #[serde(default)]
    note: Option<String>,
}

/// A TOML local date (`2026-01-01`), nothing more.
fn to_date(value: &toml::value::Datetime) -> Result<NaiveDate, CalendarError> {
    match (value.date, value.time, value.offset) {
        (Some(d), None, None) => NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
            .ok_or_else(|| CalendarError::Invalid(format!("`{value}` is not a calendar date"))),
        _ => Err(CalendarError::Invalid(format!("`{value}` is not a plain date"))),
    }
}

/// A holiday calendar: which weekdays are not training days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    pub cite: String,
    pub covers: Covers,
    holidays: BTreeMap<NaiveDate, Holiday>,
}

impl Calendar {
    /// Parses a holiday list (the format of `data/calendar/kr-public-holidays.toml`).
    pub fn parse(text: &str) -> Result<Calendar, CalendarError> {
        let file: CalendarFile = toml::from_str(text).map_err(|e| CalendarError::Invalid(e.to_string()))?;
        let covers = Covers {
            from: to_date(&file.covers.from)?,
            to: to_date(&file.covers.to)?,
        };
        if covers.to < covers.from {
            return Err(CalendarError::Invalid("`covers.to` is before `covers.from`".into()));
        }
        let mut holidays = BTreeMap::new();
        for row in file.holiday {
            let h = Holiday {
                date: to_date(&row.date)?,
                ko: row.ko,
                en: row.en,
                kind: row.kind,
                note: row.note,
            };
            if h.date < covers.from || h.date > covers.to {
                return Err(CalendarError::Invalid(format!("{} is outside `covers`", h.date)));
            }
            if let Some(previous) = holidays.insert(h.date, h) {
                return Err(CalendarError::Invalid(format!("{} is listed twice", previous.date)));
            }
        }
        Ok(Calendar {
            cite: file.cite,
            covers,
            holidays,
        })
    }

    /// Korea's public holidays, compiled in (parsed once).
    pub fn korean() -> &'static Calendar {
        static KOREAN: OnceLock<Calendar> = OnceLock::new();
        KOREAN.get_or_init(|| {
            // The file is part of the build and checked by the tests below: a parse error is a
            // bug in the repository, never input.
            Calendar::parse(KOREAN_HOLIDAYS_TOML).unwrap_or_else(|e| panic!("data/calendar: {e}"))
        })
    }

    pub fn holiday(&self, date: NaiveDate) -> Option<&Holiday> {
        self.holidays.get(&date)
    }

    pub fn holidays(&self) -> impl Iterator<Item = &Holiday> {
        self.holidays.values()
    }

    fn check_covered(&self, date: NaiveDate) -> Result<(), CalendarError> {
        if date < self.covers.from || date > self.covers.to {
            return Err(CalendarError::NotCovered {
                date,
                from: self.covers.from,
                to: self.covers.to,
            });
        }
        Ok(())
    }

    /// Whether `date` is a training day: a weekday that is not a holiday.
    pub fn is_training_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        self.check_covered(date)?;
        Ok(date.weekday().number_from_monday() <= 5 && !self.holidays.contains_key(&date))
    }

    /// The training days from `start` to `end` inclusive, ascending.
    pub fn training_days(&self, start: NaiveDate, end: NaiveDate) -> Result<Vec<NaiveDate>, CalendarError> {
        if end < start {
            return Ok(Vec::new());
        }
        self.check_covered(start)?;
        self.check_covered(end)?;
        Ok(start
            .iter_days()
            .take_while(|d| *d <= end)
            .filter(|d| d.weekday().number_from_monday() <= 5 && !self.holidays.contains_key(d))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_korean_list_parses_and_substitutes_fall_on_weekdays() {
        let k = Calendar::korean();
        assert_eq!(k.covers.from, d("2025-01-01"));
        assert_eq!(k.covers.to, d("2027-12-31"));
        assert!(k.cite.starts_with("law:"));
        for h in k.holidays() {
            if h.kind != HolidayKind::Holiday {
                assert!(h.date.weekday().number_from_monday() <= 5, "{} {}", h.date, h.ko);
            }
            assert!(!h.ko.is_empty() && !h.en.is_empty());
        }
        assert_eq!(k.holiday(d("2026-06-03")).map(|h| h.kind), Some(HolidayKind::Election));
        assert_eq!(
            k.holiday(d("2026-03-02")).map(|h| h.kind),
            Some(HolidayKind::Substitute)
        );
    }

    #[test]
    fn training_days_skip_weekends_and_holidays() {
        let k = Calendar::korean();
        // March 2026: 22 weekdays, minus the 3.1 substitute on Monday 03-02.
        let march = k.training_days(d("2026-03-01"), d("2026-03-31")).unwrap();
        assert_eq!(march.len(), 21);
        assert_eq!(march[0], d("2026-03-03"));
        // September 2026: 22 weekdays, minus 추석 Thursday 09-24 and Friday 09-25.
        assert_eq!(k.training_days(d("2026-09-01"), d("2026-09-30")).unwrap().len(), 20);
        assert!(!k.is_training_day(d("2026-06-03")).unwrap());
        assert!(k.is_training_day(d("2026-06-04")).unwrap());
        assert!(!k.is_training_day(d("2026-06-06")).unwrap());
    }

    #[test]
    fn dates_outside_the_list_are_refused() {
        let k = Calendar::korean();
        assert!(matches!(
            k.training_days(d("2027-12-01"), d("2028-01-31")),
            Err(CalendarError::NotCovered { .. })
        ));
        assert!(k.is_training_day(d("2024-12-31")).is_err());
    }

    #[test]
    fn a_bad_list_is_refused() {
        let twice = r#"
            cite = "law:x"
            covers = { from = 2026-01-01, to = 2026-12-31 }
            [[holiday]]
            date = 2026-01-01
            ko = "a"
            en = "a"
            kind = "holiday"
            [[holiday]]
            date = 2026-01-01
            ko = "b"
            en = "b"
            kind = "holiday"
        "#;
        assert!(matches!(Calendar::parse(twice), Err(CalendarError::Invalid(_))));
        assert!(Calendar::parse("cite = 1").is_err());
    }
}
