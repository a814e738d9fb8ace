//! What a trainee needs to act on a course: the institution's contact, the syllabus, the
//! timetable and its time of day, entry requirements and quality signals. Each value is a
//! checked type; every field is optional in the import so older files still import.

use std::fmt;

use chrono::{NaiveDate, NaiveTime, Timelike, Weekday};
use serde::{Deserialize, Serialize};

use crate::model::{Hours, NcsCode};

/// Longest address, in characters.
pub const ADDRESS_MAX_CHARS: usize = 200;
/// Longest entry-requirements text, in characters.
pub const REQUIREMENTS_MAX_CHARS: usize = 2_000;
/// Most units in one syllabus.
pub const SYLLABUS_UNITS_MAX: usize = 60;
/// Most learning outcomes of one unit.
pub const OUTCOMES_MAX: usize = 20;
/// Longest learning outcome, unit name or quality source, in characters.
pub const OUTCOME_MAX_CHARS: usize = 300;
/// Largest respondent or base count of a quality signal.
pub const QUALITY_BASE_MAX: u32 = 1_000_000;
/// A class that starts at or after this hour (Seoul time) is an evening class.
pub const EVENING_STARTS_AT_HOUR: u32 = 18;

macro_rules! text_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(value: String) -> Result<Self, String> {
                $name::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }
    };
}

text_newtype! {
    /// A Korean phone number as written: digits in two or three groups joined by hyphens,
    /// starting with 0 (`02-1234-5678`, `031-123-4567`, `010-1234-5678`) or a 4-digit
    /// nationwide number (`1588-1234`). 9–11 digits, or 8 for a nationwide number.
    Phone
}

impl Phone {
    pub fn parse(text: &str) -> Result<Phone, String> {
        let bad =
            || format!("`{text}` is not a Korean phone number written with hyphens, such as 02-1234-5678 or 1588-1234");
        let groups: Vec<&str> = text.split('-').collect();
        if !groups
            .iter()
            .all(|g| !g.is_empty() && g.len() <= 4 && g.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(bad());
        }
        let digits: usize = groups.iter().map(|g| g.len()).sum();
        let ok = match groups.as_slice() {
            [area, middle, last] => {
                area.starts_with('0')
                    && area.len() >= 2
                    && middle.len() >= 3
                    && last.len() == 4
                    && (9..=11).contains(&digits)
            }
            [first, last] => first.len() == 4 && last.len() == 4 && first.starts_with('1'),
            _ => false,
        };
        if ok {
            Ok(Phone(text.to_owned()))
        } else {
            Err(bad())
        }
    }

    /// The `tel:` link target: the digits only.
    pub fn tel_href(&self) -> String {
        format!("tel:{}", self.0.replace('-', ""))
    }
}

text_newtype! {
    /// An email address: one `@`, a local part and a domain with a dot, no spaces or angle
    /// brackets, at most 254 characters. (Not every address RFC 5322 allows; every one in use.)
    Email
}

impl Email {
    pub fn parse(text: &str) -> Result<Email, String> {
        let bad = |why: &str| format!("`{text}` is not an email address: {why}");
        if text.len() > 254 {
            return Err(bad("longer than 254 characters"));
        }
        let Some((local, domain)) = text.split_once('@') else {
            return Err(bad("it has no @"));
        };
        let allowed = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
        if local.is_empty() || !local.chars().all(allowed) {
            return Err(bad("the part before @ may hold only letters, digits and . _ % + -"));
        }
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2
            || labels
                .iter()
                .any(|l| l.is_empty() || !l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        {
            return Err(bad(
                "the domain after @ must be names joined by dots, such as academy.example",
            ));
        }
        Ok(Email(text.to_owned()))
    }

    pub fn mailto_href(&self) -> String {
        format!("mailto:{}", self.0)
    }
}

text_newtype! {
    /// A web address starting `https://` or `http://` with a host; no spaces, quotes, angle
    /// brackets or control characters, at most 500 characters. Other schemes (`javascript:`,
    /// `data:` …) are refused: the page links to it.
    WebAddress
}

impl WebAddress {
    pub fn parse(text: &str) -> Result<WebAddress, String> {
        let rest = text
            .strip_prefix("https://")
            .or_else(|| text.strip_prefix("http://"))
            .ok_or_else(|| format!("`{text}` must start with https:// or http://"))?;
        if text.len() > 500 {
            return Err("is longer than 500 characters".to_owned());
        }
        if let Some(c) = text
            .chars()
            .find(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '\\' | '`'))
        {
            return Err(format!(
                "`{text}` contains `{}`, which a web address may not hold",
                c.escape_default()
            ));
        }
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host = host.rsplit('@').next().unwrap_or(host);
        if host.is_empty() || host.starts_with('.') || host.starts_with(':') {
            return Err(format!("`{text}` has no host name after the scheme"));
        }
        Ok(WebAddress(text.to_owned()))
    }
}

text_newtype! {
    /// An NCS competency unit code (능력단위 분류번호), as the NCS site writes it: the 8-digit
    /// NCS classification, a 2-digit unit number (not `00`), `_`, the 2-digit year of the
    /// standard's edition, `v` and the version number (1–99). For example `2001020201_16v4`.
    NcsUnitCode
}

impl NcsUnitCode {
    pub fn parse(text: &str) -> Result<NcsUnitCode, String> {
        let bad =
            || format!("`{text}` is not an NCS unit code such as 2001020201_16v4 (10 digits, _, year, v, version)");
        let (digits, edition) = text.split_once('_').ok_or_else(bad)?;
        if digits.len() != 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let (year, version) = edition.split_once('v').ok_or_else(bad)?;
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if year.len() != 2 || !all_digits(year) || !all_digits(version) || version.len() > 2 || version.starts_with('0')
        {
            return Err(bad());
        }
        NcsCode::parse(&digits[..8]).map_err(|e| format!("`{text}`: {e}"))?;
        if &digits[8..] == "00" {
            return Err(format!("`{text}`: the unit number (digits 9–10) may not be 00"));
        }
        Ok(NcsUnitCode(text.to_owned()))
    }

    /// The NCS classification the unit belongs to.
    pub fn classification(&self) -> NcsCode {
        NcsCode::parse(&self.0[..8]).unwrap_or_else(|_| unreachable!("checked when parsed"))
    }
}

/// An institution's contact details. All optional.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct InstitutionContact {
    /// 도로명주소, as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<Phone>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Email>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<WebAddress>,
}

impl InstitutionContact {
    pub fn is_empty(&self) -> bool {
        *self == InstitutionContact::default()
    }
}

/// One unit of a syllabus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyllabusUnit {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ncs_unit: Option<NcsUnitCode>,
    pub name: String,
    pub hours: Hours,
    /// What a trainee can do after it, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outcomes: Vec<String>,
}

/// When a course is taught, derived from its [`Timetable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeOfDay {
    Day,
    Evening,
    Weekend,
}

impl TimeOfDay {
    pub const ALL: [TimeOfDay; 3] = [TimeOfDay::Day, TimeOfDay::Evening, TimeOfDay::Weekend];

    pub fn as_str(self) -> &'static str {
        match self {
            TimeOfDay::Day => "day",
            TimeOfDay::Evening => "evening",
            TimeOfDay::Weekend => "weekend",
        }
    }

    pub fn parse(text: &str) -> Option<TimeOfDay> {
        TimeOfDay::ALL.into_iter().find(|t| t.as_str() == text)
    }

    /// The accepted spellings, for error messages.
    pub fn expected() -> String {
        TimeOfDay::ALL.map(TimeOfDay::as_str).join(", ")
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            TimeOfDay::Day => "주간",
            TimeOfDay::Evening => "야간",
            TimeOfDay::Weekend => "주말",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            TimeOfDay::Day => "daytime",
            TimeOfDay::Evening => "evening",
            TimeOfDay::Weekend => "weekend",
        }
    }
}

/// The weekday spellings of the import formats, Monday first.
pub const WEEKDAY_WORDS: [(&str, Weekday); 7] = [
    ("mon", Weekday::Mon),
    ("tue", Weekday::Tue),
    ("wed", Weekday::Wed),
    ("thu", Weekday::Thu),
    ("fri", Weekday::Fri),
    ("sat", Weekday::Sat),
    ("sun", Weekday::Sun),
];

pub fn weekday_word(day: Weekday) -> &'static str {
    WEEKDAY_WORDS[day.num_days_from_monday() as usize].0
}

pub fn parse_weekday(text: &str) -> Option<Weekday> {
    WEEKDAY_WORDS.iter().find(|(w, _)| *w == text).map(|(_, d)| *d)
}

/// The weekdays a course is taught and its daily hours, Seoul time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timetable {
    /// Monday first, no repeats, at least one.
    #[serde(with = "weekday_list")]
    pub days: Vec<Weekday>,
    /// Before `end`.
    #[serde(with = "hh_mm")]
    pub start: NaiveTime,
    #[serde(with = "hh_mm")]
    pub end: NaiveTime,
}

impl Timetable {
    /// The rule: taught only on Saturday and/or Sunday → weekend; otherwise starting at or
    /// after [`EVENING_STARTS_AT_HOUR`]:00 → evening; otherwise day.
    pub fn time_of_day(&self) -> TimeOfDay {
        if self.days.iter().all(|d| matches!(d, Weekday::Sat | Weekday::Sun)) {
            TimeOfDay::Weekend
        } else if self.start.hour() >= EVENING_STARTS_AT_HOUR {
            TimeOfDay::Evening
        } else {
            TimeOfDay::Day
        }
    }
}

/// `HH:MM`, 00:00–23:59.
pub fn parse_hh_mm(text: &str) -> Result<NaiveTime, String> {
    let bad = || format!("`{text}` is not a time written HH:MM (24-hour), such as 09:00 or 19:30");
    if text.len() != 5 || text.as_bytes()[2] != b':' {
        return Err(bad());
    }
    NaiveTime::parse_from_str(text, "%H:%M").map_err(|_| bad())
}

pub fn format_hh_mm(time: NaiveTime) -> String {
    time.format("%H:%M").to_string()
}

mod hh_mm {
    use chrono::NaiveTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(time: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_hh_mm(*time))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        let text = String::deserialize(d)?;
        super::parse_hh_mm(&text).map_err(serde::de::Error::custom)
    }
}

mod weekday_list {
    use chrono::Weekday;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(days: &[Weekday], s: S) -> Result<S::Ok, S::Error> {
        days.iter()
            .map(|d| super::weekday_word(*d))
            .collect::<Vec<_>>()
            .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Weekday>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|w| super::parse_weekday(w).ok_or_else(|| serde::de::Error::custom(format!("`{w}` is not a weekday"))))
            .collect()
    }
}

/// What a quality signal measures, and how its value is written and stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QualityMeasure {
    /// Trainee satisfaction on a 5-point scale, one decimal; stored in tenths (0–50).
    Satisfaction,
    /// Completion rate in percent, up to two decimals; stored in basis points (0–10,000).
    Completion,
    /// Employment rate in percent, up to two decimals; stored in basis points (0–10,000).
    Employment,
}

impl QualityMeasure {
    pub const ALL: [QualityMeasure; 3] = [
        QualityMeasure::Satisfaction,
        QualityMeasure::Completion,
        QualityMeasure::Employment,
    ];

    /// The import field (JSON key under `quality`; CSV column `quality_<key>`).
    pub fn key(self) -> &'static str {
        match self {
            QualityMeasure::Satisfaction => "satisfaction",
            QualityMeasure::Completion => "completion",
            QualityMeasure::Employment => "employment",
        }
    }

    /// Decimal places of the written value.
    fn decimals(self) -> u32 {
        match self {
            QualityMeasure::Satisfaction => 1,
            _ => 2,
        }
    }

    /// Highest stored value.
    fn max(self) -> u32 {
        match self {
            QualityMeasure::Satisfaction => 50,
            _ => 10_000,
        }
    }

    /// Parses a written value (`4.5`, `87.25`) into the stored integer, exactly.
    pub fn parse_value(self, text: &str) -> Result<u32, String> {
        let places = self.decimals();
        let bad = || match self {
            QualityMeasure::Satisfaction => {
                format!("`{text}` is not a score from 0 to 5 with at most one decimal, such as 4.3")
            }
            _ => format!("`{text}` is not a percentage from 0 to 100 with at most two decimals, such as 87.5"),
        };
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || whole.len() > 3
            || !digits(whole)
            || !digits(frac)
            || (text.contains('.') && frac.is_empty())
        {
            return Err(bad());
        }
        let frac = frac.trim_end_matches('0');
        if frac.len() > places as usize {
            return Err(bad());
        }
        let scale = 10u32.pow(places);
        let frac_value: u32 = if frac.is_empty() {
            0
        } else {
            frac.parse::<u32>().map_err(|_| bad())? * 10u32.pow(places - frac.len() as u32)
        };
        let value = whole.parse::<u32>().map_err(|_| bad())? * scale + frac_value;
        if value > self.max() {
            return Err(bad());
        }
        Ok(value)
    }

    /// The stored integer written back (`45` → `4.5`, `8750` → `87.5`).
    pub fn format_value(self, value: u32) -> String {
        let scale = 10u32.pow(self.decimals());
        let frac = value % scale;
        if frac == 0 {
            return (value / scale).to_string();
        }
        let text = format!("{}.{:0width$}", value / scale, frac, width = self.decimals() as usize);
        text.trim_end_matches('0').to_owned()
    }
}

/// One quality signal as its source published it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualitySignal {
    /// In the unit of its [`QualityMeasure`]: tenths of a point, or basis points.
    pub value: u32,
    /// Respondents (satisfaction) or trainees counted (rates); at least 1.
    pub base: u32,
    /// Who published it, e.g. "HRD-Net 훈련만족도".
    pub source: String,
    pub as_of: NaiveDate,
}

/// The quality signals of a course; each absent until its source publishes it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Quality {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfaction: Option<QualitySignal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion: Option<QualitySignal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employment: Option<QualitySignal>,
}

impl Quality {
    pub fn get(&self, measure: QualityMeasure) -> Option<&QualitySignal> {
        match measure {
            QualityMeasure::Satisfaction => self.satisfaction.as_ref(),
            QualityMeasure::Completion => self.completion.as_ref(),
            QualityMeasure::Employment => self.employment.as_ref(),
        }
    }

    pub fn slot(&mut self, measure: QualityMeasure) -> &mut Option<QualitySignal> {
        match measure {
            QualityMeasure::Satisfaction => &mut self.satisfaction,
            QualityMeasure::Completion => &mut self.completion,
            QualityMeasure::Employment => &mut self.employment,
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Quality::default()
    }
}

/// What a course page shows besides the search fields. All optional in the import.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CourseDetails {
    /// In teaching order; when given, the hours sum to the course's total hours.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub syllabus: Vec<SyllabusUnit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timetable: Option<Timetable>,
    /// 선수지식, 자격 …; empty when none are set.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub entry_requirements: String,
    #[serde(default, skip_serializing_if = "Quality::is_empty")]
    pub quality: Quality,
}

impl CourseDetails {
    pub fn is_empty(&self) -> bool {
        *self == CourseDetails::default()
    }

    pub fn time_of_day(&self) -> Option<TimeOfDay> {
        self.timetable.as_ref().map(Timetable::time_of_day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(text: &str) -> NaiveTime {
        parse_hh_mm(text).unwrap()
    }

    #[test]
    fn phones_are_korean_with_hyphens() {
        for ok in [
            "02-1234-5678",
            "031-123-4567",
            "010-1234-5678",
            "1588-1234",
            "0505-123-4567",
        ] {
            assert!(Phone::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "0212345678",
            "02-1234-567",
            "+82-2-1234-5678",
            "02-12a4-5678",
            "12-1234-5678",
            "",
            "02--5678",
        ] {
            assert!(Phone::parse(bad).unwrap_err().contains("phone number"), "{bad}");
        }
        assert_eq!(Phone::parse("02-1234-5678").unwrap().tel_href(), "tel:0212345678");
    }

    #[test]
    fn websites_are_http_only() {
        assert!(WebAddress::parse("https://academy.example/courses").is_ok());
        assert!(WebAddress::parse("http://academy.example").is_ok());
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "ftp://a.example",
            "academy.example",
            "JAVASCRIPT:x",
        ] {
            assert!(WebAddress::parse(bad).unwrap_err().contains("https://"), "{bad}");
        }
        assert!(WebAddress::parse("https://a.example/\"onmouseover").is_err());
        assert!(WebAddress::parse("https:///path").unwrap_err().contains("host"));
    }

    #[test]
    fn emails_are_checked() {
        assert!(Email::parse("contact@academy.example").is_ok());
        assert!(Email::parse("contact.academy.example").unwrap_err().contains("no @"));
        assert!(Email::parse("a b@academy.example").is_err());
        assert!(Email::parse("a@localhost").unwrap_err().contains("domain"));
    }

    #[test]
    fn ncs_unit_codes_follow_the_ncs_form() {
        let code = NcsUnitCode::parse("2001020201_16v4").unwrap();
        assert_eq!(code.classification().to_string(), "20010202");
        for bad in [
            "2001020201",
            "200102020_16v4",
            "2001020201_16",
            "2001020201_6v4",
            "2001020201_16v0",
            "2001020201-16v4",
        ] {
            assert!(NcsUnitCode::parse(bad).unwrap_err().contains("NCS unit code"), "{bad}");
        }
        assert!(NcsUnitCode::parse("2001020200_16v4")
            .unwrap_err()
            .contains("unit number"));
        assert!(NcsUnitCode::parse("2501020201_16v4").unwrap_err().contains("01–24"));
    }

    #[test]
    fn time_of_day_rule_at_its_boundaries() {
        let table = |days: &[Weekday], start: &str| Timetable {
            days: days.to_vec(),
            start: time(start),
            end: time("23:00"),
        };
        assert_eq!(
            table(&[Weekday::Mon, Weekday::Fri], "09:00").time_of_day(),
            TimeOfDay::Day
        );
        assert_eq!(table(&[Weekday::Mon], "17:59").time_of_day(), TimeOfDay::Day);
        assert_eq!(table(&[Weekday::Mon], "18:00").time_of_day(), TimeOfDay::Evening);
        assert_eq!(
            table(&[Weekday::Sat, Weekday::Sun], "09:00").time_of_day(),
            TimeOfDay::Weekend
        );
        assert_eq!(table(&[Weekday::Sat], "19:00").time_of_day(), TimeOfDay::Weekend);
        assert_eq!(
            table(&[Weekday::Fri, Weekday::Sat], "09:00").time_of_day(),
            TimeOfDay::Day
        );
    }

    #[test]
    fn times_are_strict_hh_mm() {
        assert_eq!(format_hh_mm(time("09:05")), "09:05");
        for bad in ["9:00", "24:00", "09:60", "0900", "09:00:00", ""] {
            assert!(parse_hh_mm(bad).unwrap_err().contains("HH:MM"), "{bad}");
        }
    }

    #[test]
    fn quality_values_are_exact_integers() {
        let s = QualityMeasure::Satisfaction;
        assert_eq!(s.parse_value("4.5"), Ok(45));
        assert_eq!(s.parse_value("5"), Ok(50));
        assert_eq!(s.parse_value("4.50"), Ok(45));
        assert!(s.parse_value("5.1").is_err());
        assert!(s.parse_value("4.25").unwrap_err().contains("one decimal"));
        let r = QualityMeasure::Employment;
        assert_eq!(r.parse_value("87.25"), Ok(8725));
        assert_eq!(r.parse_value("100"), Ok(10_000));
        assert_eq!(r.parse_value("0.5"), Ok(50));
        assert!(r.parse_value("100.01").is_err());
        assert!(r.parse_value("-1").is_err());
        assert!(r.parse_value("87.125").is_err());
        for (m, v) in [(s, 45), (s, 50), (r, 8725), (r, 8750), (r, 50), (r, 0)] {
            assert_eq!(m.parse_value(&m.format_value(v)), Ok(v));
        }
        assert_eq!(r.format_value(8750), "87.5");
        assert_eq!(r.format_value(8705), "87.05");
    }
}
