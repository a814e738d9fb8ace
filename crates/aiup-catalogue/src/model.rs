//! Validated catalogue records. Every field is checked on the way in (see [`crate::validate`]);
//! code that holds a [`Course`] need not check it again.

use std::fmt;

use aiup_core::region::RegionCode;
use aiup_core::{Delivery, ProgrammeId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::details::{CourseDetails, InstitutionContact};
use crate::vocab::{AiLevel, AiStep, Audience, BasicModule, InstitutionKind, NcsMajor, QualityGrade};

/// Longest title, name or occupation field, in characters.
pub const TEXT_MAX_CHARS: usize = 200;
/// Longest course summary, in characters.
pub const SUMMARY_MAX_CHARS: usize = 4_000;
/// Most keywords on one course.
pub const KEYWORDS_MAX: usize = 30;
/// Longest keyword, in characters.
pub const KEYWORD_MAX_CHARS: usize = 50;
/// Highest course fee accepted (₩50 m); anything above is taken for a typing error.
pub const FEE_MAX_WON: i64 = 50_000_000;

/// The id a record has in the system it came from (HRD-Net course id, institution number …):
/// 1–64 characters of ASCII letters, digits and `.`, `_`, `-`, `:`, and not dots alone (`.` and
/// `..` are path segments: a link to `/courses/..` would lead somewhere else). Import upserts by it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ExternalId(String);

impl ExternalId {
    pub fn parse(text: &str) -> Result<ExternalId, String> {
        if text.is_empty() || text.len() > 64 {
            return Err(format!("must be 1 to 64 characters, got {}", text.chars().count()));
        }
        if !text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b':'))
        {
            return Err("may hold only ASCII letters, digits and . _ - :".to_owned());
        }
        if text.bytes().all(|b| b == b'.') {
            return Err(format!(
                "`{text}` is only dots, which a web address reads as a path step (. or ..): it needs a letter or digit"
            ));
        }
        Ok(ExternalId(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ExternalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for ExternalId {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        ExternalId::parse(&value)
    }
}

impl From<ExternalId> for String {
    fn from(id: ExternalId) -> String {
        id.0
    }
}

/// An 8-digit NCS classification code: major (대분류, 01–24), middle, minor and sub-category,
/// two digits each, none of them `00`. For example `20010202`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NcsCode(u32);

impl NcsCode {
    pub fn parse(text: &str) -> Result<NcsCode, String> {
        if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("`{text}` is not an 8-digit NCS code"));
        }
        let pairs: Vec<&str> = (0..4).map(|i| &text[i * 2..i * 2 + 2]).collect();
        if NcsMajor::parse(pairs[0]).is_none() {
            return Err(format!("`{text}`: major category `{}` is not one of 01–24", pairs[0]));
        }
        if let Some(pair) = pairs.iter().find(|p| **p == "00") {
            return Err(format!("`{text}`: no level of the code may be `{pair}`"));
        }
        text.parse().map(NcsCode).map_err(|e| e.to_string())
    }

    pub fn major(self) -> NcsMajor {
        let text = format!("{:02}", self.0 / 1_000_000);
        NcsMajor::parse(&text).unwrap_or(NcsMajor::BusinessManagement)
    }
}

impl fmt::Display for NcsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:08}", self.0)
    }
}

impl TryFrom<String> for NcsCode {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        NcsCode::parse(&value)
    }
}

impl From<NcsCode> for String {
    fn from(code: NcsCode) -> String {
        code.to_string()
    }
}

/// A number of hours to one decimal place (training hours come in half and tenth hours).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Hours(u32);

impl Hours {
    pub const fn from_tenths(tenths: u32) -> Hours {
        Hours(tenths)
    }

    pub fn tenths(self) -> u32 {
        self.0
    }

    /// Whole hours, rounded down.
    pub fn whole(self) -> u32 {
        self.0 / 10
    }

    /// Parses `140`, `7.5` or `7.50`; at most one non-zero decimal place.
    pub fn parse(text: &str) -> Result<Hours, String> {
        let bad = || format!("`{text}` is not a number of hours such as 140 or 7.5");
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        if whole.is_empty() || whole.len() > 6 || !whole.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        if !frac.bytes().all(|b| b.is_ascii_digit()) || (text.contains('.') && frac.is_empty()) {
            return Err(bad());
        }
        let tenth = match frac.as_bytes() {
            [] => 0,
            [d, rest @ ..] if rest.iter().all(|&b| b == b'0') => u32::from(d - b'0'),
            _ => return Err(format!("`{text}` has more than one decimal place")),
        };
        let whole: u32 = whole.parse().map_err(|_| bad())?;
        Ok(Hours(whole * 10 + tenth))
    }
}

impl fmt::Display for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 % 10 {
            0 => write!(f, "{}", self.0 / 10),
            tenth => write!(f, "{}.{}", self.0 / 10, tenth),
        }
    }
}

impl Serialize for Hours {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // A JSON number, exactly as written: 140 or 7.5.
        let number: serde_json::Number = self.to_string().parse().map_err(serde::ser::Error::custom)?;
        number.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Hours {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let number = serde_json::Number::deserialize(deserializer)?;
        Hours::parse(&number.to_string()).map_err(serde::de::Error::custom)
    }
}

/// A training institution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Institution {
    pub id: ExternalId,
    pub name: String,
    pub kind: InstitutionKind,
    /// Where its main site is.
    pub region: RegionCode,
    pub grade: QualityGrade,
    /// Address, phone, email and website; absent fields are not serialised (nor hashed).
    #[serde(default, skip_serializing_if = "InstitutionContact::is_empty")]
    pub contact: InstitutionContact,
}

/// One run of a course with its own dates and seats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cohort {
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub capacity: u32,
    /// Never more than `capacity`.
    pub seats_left: u32,
    /// When applications are taken; ends on or before `start_date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<ApplicationPeriod>,
    /// Whether the institution takes a waiting list once the cohort is full.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub waiting_list: bool,
}

/// The days applications to a cohort are taken, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationPeriod {
    pub start: NaiveDate,
    /// Not before `start`, not after the cohort's start.
    pub end: NaiveDate,
}

/// A training course in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Course {
    pub id: ExternalId,
    /// The [`Institution::id`] that runs it.
    pub institution: ExternalId,
    pub title: String,
    pub summary: String,
    pub keywords: Vec<String>,
    /// Programme ids from the policy files; at least one, no repeats.
    pub programmes: Vec<ProgrammeId>,
    pub ncs: NcsCode,
    /// The occupation field (직종) in words, e.g. "빅데이터 분석".
    pub occupation: String,
    /// `None` for a course that teaches no AI (the catalogue also lists those).
    pub ai_step: Option<AiStep>,
    pub ai_level: Option<AiLevel>,
    /// In the order of [`BasicModule::ALL`], no repeats.
    pub modules: Vec<BasicModule>,
    pub delivery: Delivery,
    pub total_hours: Hours,
    pub hours_per_day: Hours,
    pub fee_won: i64,
    /// Where it is taught (for remote courses, where the institution is).
    pub region: RegionCode,
    /// In the order of [`Audience::ALL`], at least one, no repeats.
    pub audiences: Vec<Audience>,
    /// The card self-payment rate set for the occupation, in percent, where the card pays.
    pub self_payment_rate_percent: Option<u8>,
    /// The training-cost unit price per hour, where the programme pays by unit price.
    pub base_unit_price_won_per_hour: Option<i64>,
    /// Ordered by start date, then end date.
    pub cohorts: Vec<Cohort>,
    /// Syllabus, timetable, entry requirements and quality signals.
    #[serde(default, skip_serializing_if = "CourseDetails::is_empty")]
    pub details: CourseDetails,
}

impl Course {
    /// Whether the course teaches AI (it has a level on the plan's scale).
    pub fn is_ai_course(&self) -> bool {
        self.ai_step.is_some()
    }

    /// The first cohort starting on or after `today`, or else the last one.
    pub fn next_cohort(&self, today: NaiveDate) -> Option<&Cohort> {
        self.cohorts
            .iter()
            .find(|c| c.start_date >= today)
            .or_else(|| self.cohorts.last())
    }
}

/// What one import file holds, validated: institutions and the courses that refer to them.
/// Every course's institution is either in `institutions` or already stored.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CatalogueBatch {
    pub institutions: Vec<Institution>,
    pub courses: Vec<Course>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ncs_codes_are_checked() {
        let code = NcsCode::parse("20010202").unwrap();
        assert_eq!(code.major(), NcsMajor::InformationCommunication);
        assert_eq!(code.to_string(), "20010202");
        assert_eq!(NcsCode::parse("01010101").unwrap().to_string(), "01010101");
        assert!(NcsCode::parse("2001020").unwrap_err().contains("8-digit"));
        assert!(NcsCode::parse("25010101").unwrap_err().contains("01–24"));
        assert!(NcsCode::parse("20000101").unwrap_err().contains("`00`"));
        assert!(NcsCode::parse("2001a202").is_err());
    }

    #[test]
    fn hours_parse_one_decimal() {
        assert_eq!(Hours::parse("140").unwrap().tenths(), 1400);
        assert_eq!(Hours::parse("7.5").unwrap().tenths(), 75);
        assert_eq!(Hours::parse("7.50").unwrap().to_string(), "7.5");
        assert!(Hours::parse("7.25").unwrap_err().contains("decimal"));
        assert!(Hours::parse("-3").is_err());
        assert!(Hours::parse("7.").is_err());
        assert!(Hours::parse("").is_err());
        assert_eq!(serde_json::to_string(&Hours::parse("7.5").unwrap()).unwrap(), "7.5");
        assert_eq!(serde_json::to_string(&Hours::parse("140").unwrap()).unwrap(), "140");
    }

    #[test]
    fn external_ids_are_checked() {
        assert!(ExternalId::parse("AIG20260001-1").is_ok());
        assert!(ExternalId::parse("").is_err());
        assert!(ExternalId::parse("a b").is_err());
        assert!(ExternalId::parse(&"x".repeat(65)).is_err());
        for dots in [".", "..", "...", &".".repeat(64)] {
            let reason = ExternalId::parse(dots).unwrap_err();
            assert!(reason.contains("only dots"), "{dots}: {reason}");
        }
        assert!(ExternalId::parse(".a").is_ok());
        assert!(ExternalId::parse("a..b").is_ok());
        assert!(ExternalId::parse("..1").is_ok());
    }
}
