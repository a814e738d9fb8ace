//! From import rows to validated records. Every problem in a record is reported, each naming
//! its field (the CSV column or JSON key) and the reason; nothing is dropped or guessed.

use std::collections::BTreeSet;

use aiup_core::region::{RegionCode, RegionTable};
use aiup_core::{Delivery, ProgrammeId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::{
    Cohort, Course, ExternalId, Hours, Institution, NcsCode, FEE_MAX_WON, KEYWORDS_MAX, KEYWORD_MAX_CHARS,
    SUMMARY_MAX_CHARS, TEXT_MAX_CHARS,
};
use crate::validate_details::{application_period, waiting_list, QualitySignalInput, SyllabusUnitInput};
use crate::vocab::{AiLevel, AiStep, Audience, BasicModule, InstitutionKind, QualityGrade};

/// Most cohorts on one course.
pub const COHORTS_MAX: usize = 100;
/// Largest cohort.
pub const CAPACITY_MAX: u32 = 1_000;
/// Longest course, in hours (a two-year Polytech degree course is about 2,800 hours).
pub const TOTAL_HOURS_MAX_TENTHS: u32 = 4_000 * 10;
/// Longest training day, in hours.
pub const HOURS_PER_DAY_MAX_TENTHS: u32 = 12 * 10;
/// Cohort dates must fall in this range.
pub const FIRST_YEAR: i32 = 2000;
pub const LAST_YEAR: i32 = 2100;

/// One problem with one field of one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The CSV column or JSON key, e.g. `ncs` or `cohorts[2].end_date`.
    pub field: String,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// What validation checks records against: the programme ids of the active policy and the
/// region table.
#[derive(Debug, Clone, Copy)]
pub struct ValidationContext<'a> {
    pub programmes: &'a BTreeSet<String>,
    pub regions: &'a RegionTable,
}

/// An institution as written in an import file: every field still text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstitutionInput {
    pub id: String,
    pub name: String,
    pub kind: String,
    /// A 5-digit region code or a name the region table resolves ("서울특별시 강남구").
    pub region: String,
    pub grade: String,
    /// Optional contact fields (empty meaning absent).
    pub address: String,
    pub phone: String,
    pub email: String,
    pub website: String,
}

/// A cohort as written in an import file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CohortInput {
    pub start_date: String,
    pub end_date: String,
    pub capacity: String,
    pub seats_left: String,
    /// Both or neither.
    pub application_start: String,
    pub application_end: String,
    /// `true`, `false` or empty (false).
    pub waiting_list: String,
}

/// A course as written in an import file: every scalar still text, empty meaning absent.
/// The CSV and JSON readers both produce this, so both give the same errors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseInput {
    pub id: String,
    pub institution: String,
    pub title: String,
    pub summary: String,
    pub keywords: Vec<String>,
    pub programmes: Vec<String>,
    pub ncs: String,
    pub occupation: String,
    pub ai_step: String,
    pub ai_level: String,
    pub modules: Vec<String>,
    pub delivery: String,
    pub total_hours: String,
    pub hours_per_day: String,
    pub fee_won: String,
    pub region: String,
    pub audiences: Vec<String>,
    pub self_payment_rate_percent: String,
    pub base_unit_price_won_per_hour: String,
    pub cohorts: Vec<CohortInput>,
    pub syllabus: Vec<SyllabusUnitInput>,
    /// Weekday words (`mon` … `sun`); the three timetable fields come together or not at all.
    pub timetable_days: Vec<String>,
    pub timetable_start: String,
    pub timetable_end: String,
    pub entry_requirements: String,
    /// In the order of [`crate::details::QualityMeasure::ALL`].
    pub quality: [Option<QualitySignalInput>; 3],
}

/// Bidirectional embeddings, overrides, isolates and marks: they reorder how text is shown
/// (a "Trojan Source" title could read differently from what is stored), so text fields refuse them.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Collects field errors while reading one record.
pub(crate) struct Checker {
    pub(crate) errors: Vec<FieldError>,
}

impl Checker {
    pub(crate) fn fail(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        self.errors.push(FieldError::new(field, reason));
    }

    pub(crate) fn take<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(reason) => {
                self.fail(field, reason);
                None
            }
        }
    }

    pub(crate) fn text(&mut self, field: &str, value: &str, max_chars: usize, required: bool) -> Option<String> {
        // A line break inside a quoted cell is CRLF in files from Windows; it is stored as LF.
        let unified;
        let value = if value.contains("\r\n") {
            unified = value.replace("\r\n", "\n");
            unified.as_str()
        } else {
            value
        };
        let trimmed = value.trim();
        let count = trimmed.chars().count();
        if required && trimmed.is_empty() {
            self.fail(field, "is required");
            return None;
        }
        if count > max_chars {
            self.fail(field, format!("is {count} characters long; the limit is {max_chars}"));
            return None;
        }
        if trimmed.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            self.fail(field, "contains control characters");
            return None;
        }
        if let Some(c) = trimmed.chars().find(|&c| is_bidi_control(c)) {
            self.fail(
                field,
                format!(
                    "contains the invisible direction-control character U+{:04X}; it can make text display differently from what it says",
                    u32::from(c)
                ),
            );
            return None;
        }
        Some(trimmed.to_owned())
    }

    fn id(&mut self, field: &str, value: &str) -> Option<ExternalId> {
        if value.trim().is_empty() {
            self.fail(field, "is required");
            return None;
        }
        self.take(field, ExternalId::parse(value.trim()))
    }

    fn region(&mut self, field: &str, value: &str, regions: &RegionTable) -> Option<RegionCode> {
        if value.trim().is_empty() {
            self.fail(field, "is required");
            return None;
        }
        let resolved = regions.resolve(value.trim()).map(|r| r.region.code);
        self.take(field, resolved.map_err(|e| e.to_string()))
    }

    pub(crate) fn vocabulary<T: Copy>(
        &mut self,
        field: &str,
        value: &str,
        parse: fn(&str) -> Option<T>,
        expected: fn() -> String,
    ) -> Option<T> {
        let value = value.trim();
        if value.is_empty() {
            self.fail(field, format!("is required; one of {}", expected()));
            return None;
        }
        let parsed = parse(value);
        if parsed.is_none() {
            self.fail(field, format!("`{value}` is not one of {}", expected()));
        }
        parsed
    }

    fn optional_vocabulary<T: Copy>(
        &mut self,
        field: &str,
        value: &str,
        parse: fn(&str) -> Option<T>,
        expected: fn() -> String,
    ) -> Option<Option<T>> {
        if value.trim().is_empty() {
            return Some(None);
        }
        self.vocabulary(field, value, parse, expected).map(Some)
    }

    /// A set of vocabulary words, returned in the vocabulary's own order.
    fn vocabulary_set<T: Copy + Ord>(
        &mut self,
        field: &str,
        values: &[String],
        parse: fn(&str) -> Option<T>,
        expected: fn() -> String,
    ) -> Option<Vec<T>> {
        let mut set = BTreeSet::new();
        let mut ok = true;
        for value in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
            match parse(value) {
                Some(item) if !set.insert(item) => {
                    self.fail(field, format!("`{value}` is listed twice"));
                    ok = false;
                }
                Some(_) => {}
                None => {
                    self.fail(field, format!("`{value}` is not one of {}", expected()));
                    ok = false;
                }
            }
        }
        ok.then(|| set.into_iter().collect())
    }

    pub(crate) fn integer(&mut self, field: &str, value: &str, min: i64, max: i64) -> Option<i64> {
        let value = value.trim();
        let Ok(number) = value.parse::<i64>() else {
            let reason = if value.is_empty() {
                "is required".to_owned()
            } else {
                format!("`{value}` is not a whole number")
            };
            self.fail(field, reason);
            return None;
        };
        if !(min..=max).contains(&number) {
            self.fail(field, format!("{number} is outside {min}–{max}"));
            return None;
        }
        Some(number)
    }

    pub(crate) fn optional_integer(&mut self, field: &str, value: &str, min: i64, max: i64) -> Option<Option<i64>> {
        if value.trim().is_empty() {
            return Some(None);
        }
        self.integer(field, value, min, max).map(Some)
    }

    pub(crate) fn hours(&mut self, field: &str, value: &str, min_tenths: u32, max_tenths: u32) -> Option<Hours> {
        if value.trim().is_empty() {
            self.fail(field, "is required");
            return None;
        }
        let hours = self.take(field, Hours::parse(value.trim()))?;
        if !(min_tenths..=max_tenths).contains(&hours.tenths()) {
            self.fail(
                field,
                format!(
                    "{hours} is outside {}–{} hours",
                    Hours::from_tenths(min_tenths),
                    Hours::from_tenths(max_tenths)
                ),
            );
            return None;
        }
        Some(hours)
    }

    pub(crate) fn date(&mut self, field: &str, value: &str) -> Option<NaiveDate> {
        let value = value.trim();
        let Ok(date) = aiup_core::date::parse_iso_date(value) else {
            self.fail(field, format!("`{value}` is not a date written YYYY-MM-DD"));
            return None;
        };
        if !(FIRST_YEAR..=LAST_YEAR).contains(&chrono::Datelike::year(&date)) {
            self.fail(field, format!("{date} is outside the years {FIRST_YEAR}–{LAST_YEAR}"));
            return None;
        }
        Some(date)
    }

    fn finish<T>(self, value: Option<T>) -> Result<T, Vec<FieldError>> {
        match value {
            Some(value) if self.errors.is_empty() => Ok(value),
            _ => Err(self.errors),
        }
    }
}

impl InstitutionInput {
    pub fn validate(&self, ctx: ValidationContext<'_>) -> Result<Institution, Vec<FieldError>> {
        let mut check = Checker { errors: Vec::new() };
        let id = check.id("id", &self.id);
        let name = check.text("name", &self.name, TEXT_MAX_CHARS, true);
        let kind = check.vocabulary("kind", &self.kind, InstitutionKind::parse, InstitutionKind::expected);
        let region = check.region("region", &self.region, ctx.regions);
        let grade = check.vocabulary("grade", &self.grade, QualityGrade::parse, QualityGrade::expected);
        let contact = self.contact(&mut check);
        let institution = (|| {
            Some(Institution {
                id: id?,
                name: name?,
                kind: kind?,
                region: region?,
                grade: grade?,
                contact: contact?,
            })
        })();
        check.finish(institution)
    }
}

impl CourseInput {
    pub fn validate(&self, ctx: ValidationContext<'_>) -> Result<Course, Vec<FieldError>> {
        let mut check = Checker { errors: Vec::new() };
        let id = check.id("id", &self.id);
        let institution = check.id("institution", &self.institution);
        let title = check.text("title", &self.title, TEXT_MAX_CHARS, true);
        let summary = check.text("summary", &self.summary, SUMMARY_MAX_CHARS, false);
        let keywords = self.keywords(&mut check);
        let programmes = self.programmes(&mut check, ctx);
        let ncs = if self.ncs.trim().is_empty() {
            check.fail("ncs", "is required");
            None
        } else {
            check.take("ncs", NcsCode::parse(self.ncs.trim()))
        };
        let occupation = check.text("occupation", &self.occupation, TEXT_MAX_CHARS, true);
        let ai_step = check.optional_vocabulary("ai_step", &self.ai_step, AiStep::parse, AiStep::expected);
        let ai_level = check.optional_vocabulary("ai_level", &self.ai_level, AiLevel::parse, AiLevel::expected);
        if let (Some(None), Some(Some(_))) = (ai_step, ai_level) {
            check.fail("ai_step", "is required when ai_level is given");
        }
        let modules = check.vocabulary_set("modules", &self.modules, BasicModule::parse, BasicModule::expected);
        let delivery = check.vocabulary("delivery", &self.delivery, Delivery::parse, Delivery::expected);
        let total_hours = check.hours("total_hours", &self.total_hours, 10, TOTAL_HOURS_MAX_TENTHS);
        let hours_per_day = check.hours("hours_per_day", &self.hours_per_day, 5, HOURS_PER_DAY_MAX_TENTHS);
        if let (Some(total), Some(daily)) = (total_hours, hours_per_day) {
            if daily > total {
                check.fail("hours_per_day", format!("{daily} is more than total_hours {total}"));
            }
        }
        let fee_won = check.integer("fee_won", &self.fee_won, 0, FEE_MAX_WON);
        let region = check.region("region", &self.region, ctx.regions);
        let audiences = check.vocabulary_set("audiences", &self.audiences, Audience::parse, Audience::expected);
        if audiences.as_ref().is_some_and(Vec::is_empty) {
            check.fail("audiences", format!("needs at least one of {}", Audience::expected()));
        }
        let self_payment = check.optional_integer("self_payment_rate_percent", &self.self_payment_rate_percent, 0, 100);
        let unit_price = check.optional_integer(
            "base_unit_price_won_per_hour",
            &self.base_unit_price_won_per_hour,
            1,
            1_000_000,
        );
        let cohorts = self.cohorts(&mut check);
        let details = self.details(&mut check, total_hours);

        let course = (|| {
            Some(Course {
                id: id?,
                institution: institution?,
                title: title?,
                summary: summary?,
                keywords: keywords?,
                programmes: programmes?,
                ncs: ncs?,
                occupation: occupation?,
                ai_step: ai_step?,
                ai_level: ai_level?,
                modules: modules?,
                delivery: delivery?,
                total_hours: total_hours?,
                hours_per_day: hours_per_day?,
                fee_won: fee_won?,
                region: region?,
                audiences: audiences?,
                self_payment_rate_percent: self_payment?.map(|p| u8::try_from(p).unwrap_or(u8::MAX)),
                base_unit_price_won_per_hour: unit_price?,
                cohorts: cohorts?,
                details: details?,
            })
        })();
        check.finish(course)
    }

    fn keywords(&self, check: &mut Checker) -> Option<Vec<String>> {
        let mut seen = BTreeSet::new();
        let mut keywords = Vec::new();
        let mut ok = true;
        for keyword in self.keywords.iter().map(|k| k.trim()).filter(|k| !k.is_empty()) {
            match check.text("keywords", keyword, KEYWORD_MAX_CHARS, true) {
                Some(k) if seen.insert(k.clone()) => keywords.push(k),
                Some(_) => {}
                None => ok = false,
            }
        }
        if keywords.len() > KEYWORDS_MAX {
            check.fail(
                "keywords",
                format!("has {} keywords; the limit is {KEYWORDS_MAX}", keywords.len()),
            );
            ok = false;
        }
        ok.then_some(keywords)
    }

    fn programmes(&self, check: &mut Checker, ctx: ValidationContext<'_>) -> Option<Vec<ProgrammeId>> {
        let mut programmes: Vec<ProgrammeId> = Vec::new();
        let mut ok = true;
        for text in self.programmes.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
            if !ctx.programmes.contains(text) {
                check.fail(
                    "programmes",
                    format!("`{text}` is not a programme id in the policy files"),
                );
                ok = false;
                continue;
            }
            match ProgrammeId::parse(text) {
                Ok(id) if programmes.contains(&id) => {
                    check.fail("programmes", format!("`{text}` is listed twice"));
                    ok = false;
                }
                Ok(id) => programmes.push(id),
                Err(reason) => {
                    check.fail("programmes", reason);
                    ok = false;
                }
            }
        }
        if ok && programmes.is_empty() {
            check.fail("programmes", "needs at least one programme id from the policy files");
            ok = false;
        }
        ok.then_some(programmes)
    }

    fn cohorts(&self, check: &mut Checker) -> Option<Vec<Cohort>> {
        if self.cohorts.len() > COHORTS_MAX {
            check.fail(
                "cohorts",
                format!("has {} cohorts; the limit is {COHORTS_MAX}", self.cohorts.len()),
            );
            return None;
        }
        let mut cohorts = Vec::new();
        let mut ok = true;
        for (i, input) in self.cohorts.iter().enumerate() {
            let field = |name: &str| format!("cohorts[{}].{name}", i + 1);
            let start = check.date(&field("start_date"), &input.start_date);
            let end = check.date(&field("end_date"), &input.end_date);
            let capacity = check.integer(&field("capacity"), &input.capacity, 1, i64::from(CAPACITY_MAX));
            let seats = check.integer(&field("seats_left"), &input.seats_left, 0, i64::from(CAPACITY_MAX));
            if let (Some(s), Some(e)) = (start, end) {
                if e < s {
                    check.fail(field("end_date"), format!("{e} is before start_date {s}"));
                    ok = false;
                }
            }
            if let (Some(c), Some(left)) = (capacity, seats) {
                if left > c {
                    check.fail(field("seats_left"), format!("{left} is more than capacity {c}"));
                    ok = false;
                }
            }
            let application = application_period(check, &field, input, start);
            let waiting_list = waiting_list(check, &field("waiting_list"), &input.waiting_list);
            match (start, end, capacity, seats, application, waiting_list) {
                (
                    Some(start_date),
                    Some(end_date),
                    Some(capacity),
                    Some(seats_left),
                    Some(application),
                    Some(waiting_list),
                ) => cohorts.push(Cohort {
                    start_date,
                    end_date,
                    capacity: u32::try_from(capacity).unwrap_or(CAPACITY_MAX),
                    seats_left: u32::try_from(seats_left).unwrap_or(0),
                    application,
                    waiting_list,
                }),
                _ => ok = false,
            }
        }
        cohorts.sort_by_key(|c| (c.start_date, c.end_date));
        if ok {
            if let Some(pair) = cohorts
                .windows(2)
                .find(|w| w[0].start_date == w[1].start_date && w[0].end_date == w[1].end_date)
            {
                check.fail(
                    "cohorts",
                    format!("two cohorts run {} to {}", pair[0].start_date, pair[0].end_date),
                );
                ok = false;
            }
        }
        ok.then_some(cohorts)
    }
}

impl From<&Institution> for InstitutionInput {
    fn from(i: &Institution) -> InstitutionInput {
        InstitutionInput {
            id: i.id.to_string(),
            name: i.name.clone(),
            kind: i.kind.as_str().to_owned(),
            region: i.region.to_string(),
            grade: i.grade.as_str().to_owned(),
            address: i.contact.address.clone().unwrap_or_default(),
            phone: i.contact.phone.as_ref().map(ToString::to_string).unwrap_or_default(),
            email: i.contact.email.as_ref().map(ToString::to_string).unwrap_or_default(),
            website: i.contact.website.as_ref().map(ToString::to_string).unwrap_or_default(),
        }
    }
}

impl From<&Course> for CourseInput {
    fn from(c: &Course) -> CourseInput {
        fn words<T: Copy>(items: &[T], as_str: fn(T) -> &'static str) -> Vec<String> {
            items.iter().map(|&i| as_str(i).to_owned()).collect()
        }
        CourseInput {
            id: c.id.to_string(),
            institution: c.institution.to_string(),
            title: c.title.clone(),
            summary: c.summary.clone(),
            keywords: c.keywords.clone(),
            programmes: c.programmes.iter().map(ToString::to_string).collect(),
            ncs: c.ncs.to_string(),
            occupation: c.occupation.clone(),
            ai_step: c.ai_step.map(|s| s.as_str().to_owned()).unwrap_or_default(),
            ai_level: c.ai_level.map(|s| s.as_str().to_owned()).unwrap_or_default(),
            modules: words(&c.modules, BasicModule::as_str),
            delivery: c.delivery.as_str().to_owned(),
            total_hours: c.total_hours.to_string(),
            hours_per_day: c.hours_per_day.to_string(),
            fee_won: c.fee_won.to_string(),
            region: c.region.to_string(),
            audiences: words(&c.audiences, Audience::as_str),
            self_payment_rate_percent: c.self_payment_rate_percent.map(|p| p.to_string()).unwrap_or_default(),
            base_unit_price_won_per_hour: c
                .base_unit_price_won_per_hour
                .map(|p| p.to_string())
                .unwrap_or_default(),
            cohorts: c
                .cohorts
                .iter()
                .map(|k| CohortInput {
                    start_date: k.start_date.to_string(),
                    end_date: k.end_date.to_string(),
                    capacity: k.capacity.to_string(),
                    seats_left: k.seats_left.to_string(),
                    application_start: k.application.map(|p| p.start.to_string()).unwrap_or_default(),
                    application_end: k.application.map(|p| p.end.to_string()).unwrap_or_default(),
                    waiting_list: if k.waiting_list { "true" } else { "" }.to_owned(),
                })
                .collect(),
            ..crate::validate_details::details_input(&c.details)
        }
    }
}
