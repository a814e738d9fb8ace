//! Tests of the query-side matching added for the extended relevance collection: Latin words
//! matched by sound, English plurals, unspaced compounds the index does not know.

use std::sync::{Arc, OnceLock};

use aiup_catalogue::{
    Audience, Cohort, Course, ExternalId, Hours, Institution, InstitutionKind, NcsCode, QualityGrade,
};
use aiup_core::bundle::Bundle;
use aiup_core::region::RegionCode;
use aiup_core::{Delivery, ProgrammeId, RegionTier};
use chrono::NaiveDate;

use crate::*;

fn ctx() -> SearchContext {
    let bundle = Bundle::embedded().load().unwrap();
    SearchContext {
        programme_stages: bundle
            .policy
            .programmes
            .iter()
            .map(|p| (p.id.as_str().to_owned(), p.stage))
            .collect(),
        regions: Arc::new(bundle.regions),
        tier_precedence: RegionTier::PopulationDeclining,
        synonyms: Arc::new(Synonyms::embedded()),
        policy: PolicyData::default(),
        version: "test".to_owned(),
    }
}

fn course(id: &str, title: &str, keywords: &[&str], summary: &str) -> Course {
    let start = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    Course {
        id: ExternalId::parse(id).unwrap(),
        institution: ExternalId::parse("inst").unwrap(),
        title: title.to_owned(),
        summary: summary.to_owned(),
        keywords: keywords.iter().map(|k| (*k).to_owned()).collect(),
        programmes: vec![ProgrammeId::parse("card-ai-general").unwrap()],
        ncs: NcsCode::parse("20010202").unwrap(),
        occupation: String::new(),
        ai_step: None,
        ai_level: None,
        modules: Vec::new(),
        delivery: Delivery::Classroom,
        total_hours: Hours::from_tenths(400),
        hours_per_day: Hours::from_tenths(80),
        fee_won: 0,
        region: RegionCode::parse("11110").unwrap(),
        audiences: vec![Audience::JobSeeker],
        self_payment_rate_percent: None,
        base_unit_price_won_per_hour: None,
        cohorts: vec![Cohort {
            start_date: start,
            end_date: start + chrono::Days::new(30),
            capacity: 20,
            seats_left: 20,
            application: None,
            waiting_list: false,
        }],
        details: Default::default(),
    }
}

fn index() -> &'static CourseIndex {
    static INDEX: OnceLock<CourseIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let institution = Institution {
            id: ExternalId::parse("inst").unwrap(),
            name: "서울훈련원".to_owned(),
            kind: InstitutionKind::Private,
            region: RegionCode::parse("11110").unwrap(),
            grade: QualityGrade::ThreeYear,
            contact: Default::default(),
        };
        let courses = vec![
            course(
                "m1",
                "피지컬 AI 로봇 제어 실습",
                &["피지컬 AI", "로봇"],
                "로봇 팔을 AI로 제어합니다.",
            ),
            course("m2", "물리치료 보조 실무", &["물리치료"], "재활 운동을 보조합니다."),
            course("m3", "고객 문의 챗봇 구축", &["챗봇"], "상담 챗봇을 만듭니다."),
            course(
                "m4",
                "엑셀 데이터 분석 실무",
                &["엑셀", "피벗테이블"],
                "엑셀로 데이터를 분석합니다.",
            ),
            course("m5", "엑셀 기초", &["엑셀"], "엑셀 함수를 배웁니다."),
            course(
                "m6",
                "파이썬 데이터 분석",
                &["파이썬"],
                "파이썬으로 데이터를 분석합니다.",
            ),
            course("m7", "업무 툴 활용", &["협업"], "사무 도구를 익힙니다."),
        ];
        let index = CourseIndex::create_in_ram(ctx()).unwrap();
        index.rebuild(&[institution], &courses, 1).unwrap();
        index
    })
}

fn top(query: &str) -> Vec<String> {
    index()
        .search(&SearchRequest {
            query: query.to_owned(),
            limit: 10,
            today: NaiveDate::from_ymd_opt(2026, 2, 1).unwrap(),
            ..SearchRequest::default()
        })
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.course.id.to_string())
        .collect()
}

#[test]
fn a_latin_word_no_list_knows_finds_its_hangul_spelling() {
    // "physical" is in no list; the courses write 피지컬
    assert_eq!(top("physical"), ["m1"]);
    // two consonants are too few to guess from: "tool" does not find 툴
    assert!(top("tool").is_empty(), "{:?}", top("tool"));
}

#[test]
fn an_english_plural_is_looked_up_as_its_singular() {
    // "chatbot" → 챗봇 is in the lists, "chatbots" is not
    assert_eq!(top("chatbots").first().map(String::as_str), Some("m3"));
}

#[test]
fn an_unknown_unspaced_compound_is_cut_into_known_words() {
    // no course holds "엑셀데이터분석"; cut into 엑셀 + 데이터분석, the course with both leads
    let got = top("엑셀데이터분석");
    assert_eq!(got.first().map(String::as_str), Some("m4"), "{got:?}");
    assert!(
        got.contains(&"m5".to_owned()) && got.contains(&"m6".to_owned()),
        "{got:?}"
    );
}
