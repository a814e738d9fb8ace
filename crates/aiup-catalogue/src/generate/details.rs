//! The course-page fields of generated records: institution contacts, application periods,
//! waiting lists, syllabi, timetables, entry requirements and quality signals. They are drawn
//! from their own random stream, so adding them left every other generated field as it was.
//!
//! Contacts are clearly fictional: addresses use made-up road names in the institution's real
//! region; phone numbers have the real area code of the province but an exchange starting with
//! 0, which Korean numbering never assigns; email and websites are on the reserved `.example`
//! top-level domain.

use std::collections::HashMap;

use aiup_core::region::RegionTable;
use aiup_core::Delivery;
use chrono::{Days, NaiveDate, NaiveTime, Weekday};

use super::rng::Rng;
use crate::details::{
    CourseDetails, Email, InstitutionContact, NcsUnitCode, Phone, Quality, QualitySignal, SyllabusUnit, Timetable,
    WebAddress,
};
use crate::model::{ApplicationPeriod, Course, Hours, Institution};
use crate::vocab::{AiStep, Audience, QualityGrade};

const ROADS: &[&str] = &[
    "배움로",
    "미래로",
    "혁신로",
    "산업로",
    "학당로",
    "테크노로",
    "중앙로",
    "누리로",
    "한빛로",
    "새싹로",
];

/// The area code of a province (시도 code).
fn area_code(sido: &str) -> &'static str {
    match sido {
        "11" => "02",
        "26" => "051",
        "27" => "053",
        "28" => "032",
        "29" => "062",
        "30" => "042",
        "31" => "052",
        "36" => "044",
        "41" => "031",
        "42" | "51" => "033",
        "43" => "043",
        "44" => "041",
        "45" | "52" => "063",
        "46" => "061",
        "47" => "054",
        "48" => "055",
        "50" => "064",
        _ => "070",
    }
}

pub(super) fn contact(rng: &mut Rng, institution: &Institution, regions: &RegionTable) -> InstitutionContact {
    let region = regions.get(institution.region);
    let place = region.map_or_else(String::new, |r| r.full_name.clone());
    let road = rng.pick(ROADS);
    let address = format!("{place} {road}{}길 {}", rng.range(1, 40), rng.range(1, 120));
    let area = area_code(region.map_or("", |r| r.sido_code.as_str()));
    let phone = format!("{area}-0{:03}-{:04}", rng.range(100, 999), rng.range(0, 9999));
    let host: String = institution
        .id
        .as_str()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    InstitutionContact {
        address: Some(address.trim().to_owned()),
        phone: Phone::parse(&phone).ok(),
        email: Email::parse(&format!("info@{host}.example")).ok(),
        website: WebAddress::parse(&format!("https://www.{host}.example/")).ok(),
    }
}

const UNIT_STAGES: &[(&str, &str)] = &[
    ("기초 이해", "의 기본 개념과 용어를 설명할 수 있다"),
    ("데이터 준비", "에 필요한 자료를 수집하고 정리할 수 있다"),
    ("도구 활용", "에 쓰이는 도구를 설정하고 사용할 수 있다"),
    ("실무 적용", "의 절차를 실제 업무에 적용할 수 있다"),
    ("결과 검증", "의 결과를 점검하고 개선점을 찾을 수 있다"),
    ("윤리와 보안", "에서 개인정보와 보안 수칙을 지킬 수 있다"),
    ("프로젝트 기획", " 프로젝트의 목표와 일정을 세울 수 있다"),
    ("프로젝트 수행", " 프로젝트를 팀으로 수행하고 발표할 수 있다"),
];

fn syllabus(rng: &mut Rng, course: &Course) -> Vec<SyllabusUnit> {
    let total = course.total_hours.tenths();
    let units = (course.total_hours.whole() / 40)
        .clamp(2, UNIT_STAGES.len() as u32)
        .min(total.max(1));
    let share = total / units / 10 * 10;
    let year = rng.range(16, 24);
    let mut out = Vec::with_capacity(units as usize);
    let mut left = total;
    for i in 0..units {
        let hours = if i + 1 == units { left } else { share.max(1) };
        left -= hours;
        let (stage, outcome) = UNIT_STAGES[i as usize];
        let topic = &course.occupation;
        out.push(SyllabusUnit {
            ncs_unit: NcsUnitCode::parse(&format!("{}{:02}_{year}v{}", course.ncs, i + 1, rng.range(1, 5))).ok(),
            name: format!("{topic} {stage}"),
            hours: Hours::from_tenths(hours),
            outcomes: vec![format!("{topic}{outcome}.")],
        });
    }
    out
}

fn at(hour: u32, minutes_after: u32) -> NaiveTime {
    let total = hour * 60 + minutes_after;
    NaiveTime::from_hms_opt(total / 60 % 24, total % 60, 0).unwrap_or(NaiveTime::MIN)
}

fn timetable(rng: &mut Rng, course: &Course) -> Option<Timetable> {
    if course.delivery == Delivery::Remote {
        return None;
    }
    let minutes = course.hours_per_day.tenths() * 6;
    let workers = course
        .audiences
        .iter()
        .any(|a| matches!(a, Audience::Employee | Audience::Sme));
    let weekdays = vec![Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri];
    if workers && minutes <= 4 * 60 && rng.chance(450) {
        return Some(Timetable {
            days: vec![Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu],
            start: at(19, 0),
            end: at(19, minutes),
        });
    }
    // A lunch hour in days longer than four hours.
    let lunch = if minutes > 4 * 60 { 60 } else { 0 };
    if workers && minutes <= 8 * 60 && rng.chance(200) {
        let days = if rng.chance(500) {
            vec![Weekday::Sat]
        } else {
            vec![Weekday::Sat, Weekday::Sun]
        };
        return Some(Timetable {
            days,
            start: at(9, 0),
            end: at(9, minutes + lunch),
        });
    }
    Some(Timetable {
        days: weekdays,
        start: at(9, 0),
        end: at(9, minutes + lunch),
    })
}

fn entry_requirements(course: &Course) -> String {
    let knowledge = match course.ai_step {
        None | Some(AiStep::BasicUnderstanding) => "선수지식 없음: 컴퓨터와 인터넷을 기본적으로 쓸 수 있으면 됩니다.",
        Some(AiStep::JobApplication) => "문서 작성·스프레드시트 등 사무용 프로그램을 기본적으로 쓸 수 있어야 합니다.",
        Some(AiStep::SolutionDevelopment) => {
            "Python 기초 문법과 자료구조를 알아야 합니다(사전 평가). 관련 전공자나 실무 경력자를 우대합니다."
        }
    };
    let who = if course.audiences.contains(&Audience::JobSeeker) {
        " 지원 대상: 국민내일배움카드를 발급받은 구직자."
    } else if course.audiences.contains(&Audience::Employee) {
        " 지원 대상: 고용보험에 가입한 재직자."
    } else {
        ""
    };
    format!("{knowledge}{who}")
}

fn quality(rng: &mut Rng, course: &Course, grade: Option<QualityGrade>, start: NaiveDate) -> Quality {
    if grade == Some(QualityGrade::New) || !rng.chance(750) {
        return Quality::default();
    }
    let as_of = start
        .checked_sub_days(Days::new(u64::from(rng.range(20, 90))))
        .unwrap_or(start);
    let trainees = rng.range(12, 180);
    let signal = |value: u32, base: u32, source: &str| QualitySignal {
        value,
        base,
        source: source.to_owned(),
        as_of,
    };
    Quality {
        satisfaction: Some(signal(
            rng.range(38, 49),
            rng.range(trainees / 2, trainees).max(1),
            "HRD-Net 훈련만족도",
        )),
        completion: Some(signal(rng.range(700, 980) * 10, trainees, "HRD-Net 수료율")),
        employment: course
            .audiences
            .contains(&Audience::JobSeeker)
            .then(|| signal(rng.range(450, 850) * 10, trainees, "고용24 취업률")),
    }
}

/// Fills a generated course's page fields and its cohorts' application periods, waiting lists
/// and some full cohorts near `start` (the generation date).
pub(super) fn fill_course(
    rng: &mut Rng,
    course: &mut Course,
    grades: &HashMap<String, QualityGrade>,
    start: NaiveDate,
) {
    for cohort in &mut course.cohorts {
        let days_ahead = (cohort.start_date - start).num_days();
        if rng.chance(850) {
            let opens = cohort
                .start_date
                .checked_sub_days(Days::new(u64::from(rng.range(28, 45))))
                .unwrap_or(cohort.start_date);
            let closes = cohort
                .start_date
                .checked_sub_days(Days::new(u64::from(rng.range(1, 7))))
                .unwrap_or(cohort.start_date);
            cohort.application = Some(ApplicationPeriod {
                start: opens,
                end: closes.max(opens),
            });
        }
        cohort.waiting_list = rng.chance(400);
        if days_ahead < 60 && rng.chance(250) {
            cohort.seats_left = 0;
        }
    }
    let grade = grades.get(course.institution.as_str()).copied();
    course.details = CourseDetails {
        syllabus: syllabus(rng, course),
        timetable: timetable(rng, course),
        entry_requirements: entry_requirements(course),
        quality: quality(rng, course, grade, start),
    };
}
