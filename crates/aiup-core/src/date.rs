//! Dates from user input: exactly `YYYY-MM-DD`, and a real calendar date.
//!
//! chrono's own parsers accept `2026-3-2` and `+10000-01-01`; a date a user
//! typed must mean one thing, so every crate parses through here.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Deserializer};

/// Asia/Seoul is UTC+9, with no daylight saving time since 1988.
const SEOUL_OFFSET_HOURS: i64 = 9;

/// The Asia/Seoul wall-clock time of an instant.
pub fn seoul_datetime(at: DateTime<Utc>) -> NaiveDateTime {
    (at + Duration::hours(SEOUL_OFFSET_HOURS)).naive_utc()
}

/// The Asia/Seoul calendar date of an instant.
pub fn seoul_date(at: DateTime<Utc>) -> NaiveDate {
    seoul_datetime(at).date()
}

/// Why a text is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("`{0}` is not a date in YYYY-MM-DD form (four-digit year, two-digit month and day)")]
    Form(String),
    #[error("`{0}` is not a calendar date")]
    NotCalendar(String),
}

/// Parses exactly `YYYY-MM-DD`: ten characters, digits in place, a real date.
pub fn parse_iso_date(text: &str) -> Result<NaiveDate, DateError> {
    let b = text.as_bytes();
    let digits_at = |range: std::ops::Range<usize>| b[range].iter().all(u8::is_ascii_digit);
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits_at(0..4) || !digits_at(5..7) || !digits_at(8..10) {
        return Err(DateError::Form(text.to_owned()));
    }
    // All ASCII digits, so slicing by byte is on char boundaries.
    let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().unwrap_or(0);
    let year = i32::try_from(number(0..4)).unwrap_or(0);
    NaiveDate::from_ymd_opt(year, number(5..7), number(8..10)).ok_or_else(|| DateError::NotCalendar(text.to_owned()))
}

/// For `#[serde(deserialize_with = "…")]` on a `NaiveDate` field.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
    let text = std::borrow::Cow::<str>::deserialize(deserializer)?;
    parse_iso_date(&text).map_err(serde::de::Error::custom)
}

/// For `#[serde(default, deserialize_with = "…")]` on an `Option<NaiveDate>` field.
pub fn deserialize_option<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<NaiveDate>, D::Error> {
    match Option::<std::borrow::Cow<str>>::deserialize(deserializer)? {
        None => Ok(None),
        Some(text) => parse_iso_date(&text).map(Some).map_err(serde::de::Error::custom),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_strict_calendar_dates_parse() {
        assert_eq!(
            parse_iso_date("2026-03-02"),
            Ok(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap())
        );
        assert_eq!(
            parse_iso_date("0001-01-01"),
            Ok(NaiveDate::from_ymd_opt(1, 1, 1).unwrap())
        );
        assert_eq!(
            parse_iso_date("2028-02-29"),
            Ok(NaiveDate::from_ymd_opt(2028, 2, 29).unwrap())
        );
        for bad in [
            "+10000-01-01",
            "2026-3-2",
            "2026-03-2",
            "2026-3-02",
            "26-03-02",
            "02026-03-02",
            "2026-03-02 ",
            " 2026-03-02",
            "2026/03/02",
            "2026-03-02T00:00",
            "-2026-03-02",
            "+026-03-02",
            "2026-0a-02",
            "２０２６-03-02",
            "",
        ] {
            assert!(
                matches!(parse_iso_date(bad), Err(DateError::Form(_))),
                "{bad:?} was accepted"
            );
        }
        for bad in ["2026-02-30", "2026-13-01", "2026-00-10", "2026-01-00", "2027-02-29"] {
            assert!(
                matches!(parse_iso_date(bad), Err(DateError::NotCalendar(_))),
                "{bad:?} was accepted"
            );
        }
    }

    #[test]
    fn serde_fields_are_strict() {
        #[derive(Debug, Deserialize)]
        struct Row {
            #[serde(deserialize_with = "deserialize")]
            on: NaiveDate,
            #[serde(default, deserialize_with = "deserialize_option")]
            from: Option<NaiveDate>,
        }
        let row: Row = serde_json::from_str(r#"{"on": "2026-01-01"}"#).unwrap();
        assert_eq!(row.on, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        assert_eq!(row.from, None);
        let row: Row = serde_json::from_str(r#"{"on": "2026-01-01", "from": null}"#).unwrap();
        assert_eq!(row.from, None);
        assert!(serde_json::from_str::<Row>(r#"{"on": "2026-1-1"}"#).is_err());
        let err = serde_json::from_str::<Row>(r#"{"on": "2026-01-01", "from": "+10000-01-01"}"#).unwrap_err();
        assert!(err.to_string().contains("YYYY-MM-DD"), "{err}");
    }
}
