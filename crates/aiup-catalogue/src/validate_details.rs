//! Validation of the course-page fields: institution contact, application periods and waiting
//! lists, syllabus, timetable, entry requirements and quality signals. Every field is optional;
//! every bad value is a [`crate::FieldError`] naming the field and the reason.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::details::{
    format_hh_mm, parse_hh_mm, parse_weekday, weekday_word, CourseDetails, Email, InstitutionContact, NcsUnitCode,
    Phone, QualityMeasure, QualitySignal, SyllabusUnit, Timetable, WebAddress, ADDRESS_MAX_CHARS, OUTCOMES_MAX,
    OUTCOME_MAX_CHARS, QUALITY_BASE_MAX, REQUIREMENTS_MAX_CHARS, SYLLABUS_UNITS_MAX,
};
use crate::model::{ApplicationPeriod, Hours, TEXT_MAX_CHARS};
use crate::validate::{Checker, CohortInput, CourseInput, InstitutionInput, TOTAL_HOURS_MAX_TENTHS};

/// A syllabus unit as written in an import file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyllabusUnitInput {
    pub ncs_unit: String,
    pub name: String,
    pub hours: String,
    pub outcomes: Vec<String>,
}

/// A quality signal as written in an import file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualitySignalInput {
    pub value: String,
    pub base: String,
    pub source: String,
    pub as_of: String,
}

fn optional<T>(
    check: &mut Checker,
    field: &str,
    value: &str,
    parse: fn(&str) -> Result<T, String>,
) -> Option<Option<T>> {
    let value = value.trim();
    if value.is_empty() {
        return Some(None);
    }
    check.take(field, parse(value)).map(Some)
}

impl InstitutionInput {
    pub(crate) fn contact(&self, check: &mut Checker) -> Option<InstitutionContact> {
        let address = check
            .text("address", &self.address, ADDRESS_MAX_CHARS, false)
            .map(|a| (!a.is_empty()).then_some(a));
        let phone = optional(check, "phone", &self.phone, Phone::parse);
        let email = optional(check, "email", &self.email, Email::parse);
        let website = optional(check, "website", &self.website, WebAddress::parse);
        Some(InstitutionContact {
            address: address?,
            phone: phone?,
            email: email?,
            website: website?,
        })
    }
}

/// The cohort's application period: both dates or neither, start ≤ end ≤ the cohort's start.
pub(crate) fn application_period(
    check: &mut Checker,
    field: &dyn Fn(&str) -> String,
    input: &CohortInput,
    cohort_start: Option<NaiveDate>,
) -> Option<Option<ApplicationPeriod>> {
    let (start_text, end_text) = (input.application_start.trim(), input.application_end.trim());
    match (start_text.is_empty(), end_text.is_empty()) {
        (true, true) => return Some(None),
        (false, true) => {
            check.fail(field("application_end"), "is required when application_start is given");
            return None;
        }
        (true, false) => {
            check.fail(field("application_start"), "is required when application_end is given");
            return None;
        }
        (false, false) => {}
    }
    let start = check.date(&field("application_start"), start_text);
    let end = check.date(&field("application_end"), end_text);
    let (start, end) = (start?, end?);
    if end < start {
        check.fail(
            field("application_end"),
            format!("{end} is before application_start {start}"),
        );
        return None;
    }
    if let Some(cohort_start) = cohort_start {
        if end > cohort_start {
            check.fail(
                field("application_end"),
                format!("{end} is after the cohort's start_date {cohort_start}"),
            );
            return None;
        }
    }
    Some(Some(ApplicationPeriod { start, end }))
}

pub(crate) fn waiting_list(check: &mut Checker, field: &str, text: &str) -> Option<bool> {
    match text.trim() {
        "" | "false" => Some(false),
        "true" => Some(true),
        other => {
            check.fail(field, format!("`{other}` is not true or false"));
            None
        }
    }
}

impl CourseInput {
    pub(crate) fn details(&self, check: &mut Checker, total_hours: Option<Hours>) -> Option<CourseDetails> {
        let syllabus = self.syllabus(check, total_hours);
        let timetable = self.timetable(check);
        let entry_requirements = check.text(
            "entry_requirements",
            &self.entry_requirements,
            REQUIREMENTS_MAX_CHARS,
            false,
        );
        let mut quality = crate::details::Quality::default();
        let mut quality_ok = true;
        for (measure, input) in QualityMeasure::ALL.into_iter().zip(&self.quality) {
            if let Some(input) = input {
                match quality_signal(check, measure, input) {
                    Some(signal) => *quality.slot(measure) = Some(signal),
                    None => quality_ok = false,
                }
            }
        }
        Some(CourseDetails {
            syllabus: syllabus?,
            timetable: timetable?,
            entry_requirements: entry_requirements?,
            quality: quality_ok.then_some(quality)?,
        })
    }

    fn syllabus(&self, check: &mut Checker, total_hours: Option<Hours>) -> Option<Vec<SyllabusUnit>> {
        if self.syllabus.len() > SYLLABUS_UNITS_MAX {
            check.fail(
                "syllabus",
                format!("has {} units; the limit is {SYLLABUS_UNITS_MAX}", self.syllabus.len()),
            );
            return None;
        }
        let mut units = Vec::with_capacity(self.syllabus.len());
        let mut ok = true;
        for (i, input) in self.syllabus.iter().enumerate() {
            let field = |name: &str| format!("syllabus[{}].{name}", i + 1);
            let ncs_unit = optional(check, &field("ncs_unit"), &input.ncs_unit, NcsUnitCode::parse);
            let name = check.text(&field("name"), &input.name, TEXT_MAX_CHARS, true);
            let hours = check.hours(&field("hours"), &input.hours, 1, TOTAL_HOURS_MAX_TENTHS);
            let mut outcomes = Vec::new();
            for outcome in input.outcomes.iter().filter(|o| !o.trim().is_empty()) {
                match check.text(&field("outcomes"), outcome, OUTCOME_MAX_CHARS, true) {
                    Some(text) => outcomes.push(text),
                    None => ok = false,
                }
            }
            if outcomes.len() > OUTCOMES_MAX {
                check.fail(
                    field("outcomes"),
                    format!("has {} outcomes; the limit is {OUTCOMES_MAX}", outcomes.len()),
                );
                ok = false;
            }
            match (ncs_unit, name, hours) {
                (Some(ncs_unit), Some(name), Some(hours)) => units.push(SyllabusUnit {
                    ncs_unit,
                    name,
                    hours,
                    outcomes,
                }),
                _ => ok = false,
            }
        }
        if ok && !units.is_empty() {
            if let Some(total) = total_hours {
                let sum: u32 = units.iter().map(|u| u.hours.tenths()).sum();
                if sum != total.tenths() {
                    check.fail(
                        "syllabus",
                        format!(
                            "the units' hours add up to {}, but total_hours is {total}",
                            Hours::from_tenths(sum)
                        ),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(units)
    }

    fn timetable(&self, check: &mut Checker) -> Option<Option<Timetable>> {
        let days: Vec<&str> = self
            .timetable_days
            .iter()
            .map(|d| d.trim())
            .filter(|d| !d.is_empty())
            .collect();
        let (start, end) = (self.timetable_start.trim(), self.timetable_end.trim());
        if days.is_empty() && start.is_empty() && end.is_empty() {
            return Some(None);
        }
        let mut ok = true;
        for (field, missing) in [
            ("timetable_days", days.is_empty()),
            ("timetable_start", start.is_empty()),
            ("timetable_end", end.is_empty()),
        ] {
            if missing {
                check.fail(
                    field,
                    "is required: timetable_days, timetable_start and timetable_end come together",
                );
                ok = false;
            }
        }
        let mut set = BTreeSet::new();
        for day in &days {
            match parse_weekday(day) {
                Some(d) if !set.insert(d.num_days_from_monday()) => {
                    check.fail("timetable_days", format!("`{day}` is listed twice"));
                    ok = false;
                }
                Some(_) => {}
                None => {
                    check.fail(
                        "timetable_days",
                        format!("`{day}` is not one of mon, tue, wed, thu, fri, sat, sun"),
                    );
                    ok = false;
                }
            }
        }
        let start = (!start.is_empty()).then(|| check.take("timetable_start", parse_hh_mm(start)));
        let end = (!end.is_empty()).then(|| check.take("timetable_end", parse_hh_mm(end)));
        let (Some(Some(start)), Some(Some(end))) = (start, end) else {
            return None;
        };
        if end <= start {
            check.fail(
                "timetable_end",
                format!(
                    "{} is not after timetable_start {}",
                    format_hh_mm(end),
                    format_hh_mm(start)
                ),
            );
            return None;
        }
        let days = crate::details::WEEKDAY_WORDS
            .iter()
            .filter(|(_, d)| set.contains(&d.num_days_from_monday()))
            .map(|(_, d)| *d)
            .collect();
        ok.then_some(Some(Timetable { days, start, end }))
    }
}

fn quality_signal(check: &mut Checker, measure: QualityMeasure, input: &QualitySignalInput) -> Option<QualitySignal> {
    let field = |name: &str| format!("quality.{}.{name}", measure.key());
    let value = if input.value.trim().is_empty() {
        check.fail(field("value"), "is required");
        None
    } else {
        check.take(&field("value"), measure.parse_value(input.value.trim()))
    };
    let base = check.integer(&field("base"), &input.base, 1, i64::from(QUALITY_BASE_MAX));
    let source = check.text(&field("source"), &input.source, TEXT_MAX_CHARS, true);
    let as_of = if input.as_of.trim().is_empty() {
        check.fail(field("as_of"), "is required");
        None
    } else {
        check.date(&field("as_of"), &input.as_of)
    };
    Some(QualitySignal {
        value: value?,
        base: u32::try_from(base?).ok()?,
        source: source?,
        as_of: as_of?,
    })
}

/// The detail fields of a [`CourseInput`] for a validated course (the rest left default).
pub(crate) fn details_input(details: &CourseDetails) -> CourseInput {
    let timetable = details.timetable.as_ref();
    let mut quality: [Option<QualitySignalInput>; 3] = Default::default();
    for (slot, measure) in quality.iter_mut().zip(QualityMeasure::ALL) {
        *slot = details.quality.get(measure).map(|s| QualitySignalInput {
            value: measure.format_value(s.value),
            base: s.base.to_string(),
            source: s.source.clone(),
            as_of: s.as_of.to_string(),
        });
    }
    CourseInput {
        syllabus: details
            .syllabus
            .iter()
            .map(|u| SyllabusUnitInput {
                ncs_unit: u.ncs_unit.as_ref().map(ToString::to_string).unwrap_or_default(),
                name: u.name.clone(),
                hours: u.hours.to_string(),
                outcomes: u.outcomes.clone(),
            })
            .collect(),
        timetable_days: timetable
            .map(|t| t.days.iter().map(|d| weekday_word(*d).to_owned()).collect())
            .unwrap_or_default(),
        timetable_start: timetable.map(|t| format_hh_mm(t.start)).unwrap_or_default(),
        timetable_end: timetable.map(|t| format_hh_mm(t.end)).unwrap_or_default(),
        entry_requirements: details.entry_requirements.clone(),
        quality,
        ..CourseInput::default()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use aiup_core::bundle::Bundle;
    use serde_json::json;

    use crate::import::{parse, Format, ImportErrors, ImportOptions, RowError};
    use crate::model::CatalogueBatch;
    use crate::validate::ValidationContext;
    use crate::{CohortStatus, TimeOfDay};

    fn read(format: Format, text: &str) -> Result<CatalogueBatch, ImportErrors> {
        let bundle = Bundle::embedded().load().expect("embedded bundle");
        let programmes: BTreeSet<String> = bundle.policy.programmes.iter().map(|p| p.id.to_string()).collect();
        let known = BTreeSet::from(["KNOWN-1".to_owned()]);
        let options = ImportOptions {
            ctx: ValidationContext {
                programmes: &programmes,
                regions: &bundle.regions,
            },
            known_institutions: &known,
            progress: None,
        };
        parse(format, text, options)
    }

    const HEADER: &str = "id,institution,title,programmes,ncs,occupation,delivery,total_hours,hours_per_day,fee_won,region,audiences,cohorts,syllabus,timetable_days,timetable_start,timetable_end,entry_requirements,quality_satisfaction,quality_completion,quality_employment,institution_name,institution_kind,institution_region,institution_grade,institution_address,institution_phone,institution_email,institution_website";

    fn csv_row(changes: &[(usize, &str)]) -> String {
        let mut cells = vec![
            "C-1",
            "I-1",
            "AI 실무",
            "kdt-general",
            "20010202",
            "빅데이터 분석",
            "classroom",
            "60",
            "6",
            "100000",
            "11680",
            "employee",
            "2026-03-02~2026-04-30/30/0/2026-02-01~2026-02-27/waitlist",
            "2001020201_16v4~데이터 수집~40~수집 계획을 세울 수 있다;도구를 쓸 수 있다|~프로젝트~20~",
            "mon|wed",
            "19:00",
            "22:00",
            "Python 기초",
            "4.5~120~HRD-Net 훈련만족도~2026-01-31",
            "92.5~40~HRD-Net 수료율~2026-01-31",
            "",
            "가 아카데미",
            "private",
            "11680",
            "three_year",
            "서울특별시 강남구 배움로 1",
            "02-0123-4567",
            "info@a.example",
            "https://www.a.example/",
        ];
        for (i, v) in changes {
            cells[*i] = v;
        }
        let quoted: Vec<String> = cells.iter().map(|c| format!("\"{c}\"")).collect();
        format!("{HEADER}\n{}\n", quoted.join(","))
    }

    fn errors(format: Format, text: &str) -> Vec<RowError> {
        read(format, text).expect_err("expected errors").errors
    }

    #[test]
    fn every_new_field_reads_from_csv() {
        let batch = read(Format::Csv, &csv_row(&[])).unwrap();
        let course = &batch.courses[0];
        let cohort = &course.cohorts[0];
        assert!(cohort.waiting_list);
        assert_eq!(cohort.application.unwrap().end.to_string(), "2026-02-27");
        let today = aiup_core::date::parse_iso_date("2026-02-10").unwrap();
        assert_eq!(cohort.status(today), CohortStatus::WaitingList);
        assert_eq!(course.details.syllabus.len(), 2);
        assert_eq!(course.details.syllabus[0].outcomes.len(), 2);
        assert_eq!(course.details.syllabus[1].ncs_unit, None);
        assert_eq!(course.details.time_of_day(), Some(TimeOfDay::Evening));
        assert_eq!(course.details.quality.satisfaction.as_ref().unwrap().value, 45);
        assert_eq!(course.details.quality.completion.as_ref().unwrap().value, 9250);
        assert_eq!(course.details.quality.employment, None);
        let contact = &batch.institutions[0].contact;
        assert_eq!(contact.phone.as_ref().unwrap().tel_href(), "tel:0201234567");
    }

    #[test]
    fn bad_values_name_the_column_and_reason() {
        let cases: [(usize, &str, &str, &str); 10] = [
            (28, "javascript:alert(1)", "institution_website", "https://"),
            (26, "1234", "institution_phone", "phone number"),
            (27, "nobody", "institution_email", "no @"),
            (13, "2001020201_16~수집~60~", "syllabus", "unit 1 ncs_unit"),
            (13, "~수집~50~", "syllabus", "add up to 50"),
            (14, "mon|funday", "timetable_days", "funday"),
            (16, "18:00", "timetable_end", "not after"),
            (18, "5.5~10~src~2026-01-31", "quality_satisfaction", "value"),
            (
                12,
                "2026-03-02~2026-04-30/30/0/2026-02-01~2026-03-03",
                "cohorts",
                "after the cohort's start_date",
            ),
            (12, "2026-03-02~2026-04-30/30/0//maybe", "cohorts", "waitlist"),
        ];
        for (column, value, field, reason) in cases {
            let list = errors(Format::Csv, &csv_row(&[(column, value)]));
            assert!(
                list.iter().any(|e| e.field == field && e.reason.contains(reason)),
                "{value}: {list:#?}"
            );
        }
        // A timetable needs all three parts.
        let list = errors(Format::Csv, &csv_row(&[(15, "")]));
        assert!(list
            .iter()
            .any(|e| e.field == "timetable_start" && e.reason.contains("together")));
    }

    #[test]
    fn json_reads_and_names_nested_fields() {
        let course = |extra: serde_json::Value| {
            let mut course = json!({
                "id": "J-1", "institution": "KNOWN-1", "title": "제목", "programmes": ["kdt-general"],
                "ncs": "20010202", "occupation": "직종", "delivery": "classroom", "total_hours": 60,
                "hours_per_day": 6, "fee_won": 0, "region": "11680", "audiences": ["employee"],
                "cohorts": [{"start_date": "2026-03-02", "end_date": "2026-04-30", "capacity": 30, "seats_left": 3,
                             "application_start": "2026-02-01", "application_end": "2026-02-27", "waiting_list": true}],
                "syllabus": [{"ncs_unit": "2001020201_16v4", "name": "수집", "hours": 60, "outcomes": ["계획"]}],
                "timetable": {"days": ["sat", "sun"], "start": "09:00", "end": "16:00"},
                "entry_requirements": "없음",
                "quality": {"employment": {"value": 71.25, "base": 40, "source": "고용24 취업률", "as_of": "2026-01-31"}}
            });
            for (k, v) in extra.as_object().unwrap() {
                course[k] = v.clone();
            }
            json!({ "courses": [course] }).to_string()
        };
        let batch = read(Format::Json, &course(json!({}))).unwrap();
        let c = &batch.courses[0];
        assert_eq!(c.details.time_of_day(), Some(TimeOfDay::Weekend));
        assert_eq!(c.details.quality.employment.as_ref().unwrap().value, 7125);
        assert!(c.cohorts[0].waiting_list);

        let list = errors(
            Format::Json,
            &course(json!({
                "timetable": {"days": ["mon"], "start": "9:00", "end": "18:00", "room": 1},
                "quality": {"employment": {"value": 101, "base": 0, "source": "s", "as_of": "2026-01-31"}},
                "syllabus": [{"name": "수집", "hours": "x"}]
            })),
        );
        for (field, reason) in [
            ("timetable.start", "HH:MM"),
            ("timetable.room", "unknown key"),
            ("quality.employment.value", "percentage"),
            ("quality.employment.base", "outside"),
            ("syllabus[1].hours", "hours"),
        ] {
            assert!(
                list.iter().any(|e| e.field == field && e.reason.contains(reason)),
                "{field}: {list:#?}"
            );
        }
    }
}
