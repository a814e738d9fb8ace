//! Index-level tests over a small hand-made catalogue.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use aiup_catalogue::{
    AiLevel, AiStep, Audience, Cohort, Course, ExternalId, FeeBand, Hours, HoursBand, Institution, InstitutionKind,
    NcsCode, NcsMajor, QualityGrade, TimeOfDay,
};
use aiup_core::bundle::Bundle;
use aiup_core::region::{RegionCode, RegionTable};
use aiup_core::{Delivery, ProgrammeId, RegionTier, Stage};
use chrono::NaiveDate;

use crate::*;

fn regions() -> Arc<RegionTable> {
    Arc::clone(&loaded().0)
}

fn loaded() -> &'static (Arc<RegionTable>, BTreeMap<String, Stage>) {
    static LOADED: OnceLock<(Arc<RegionTable>, BTreeMap<String, Stage>)> = OnceLock::new();
    LOADED.get_or_init(|| {
        let bundle = Bundle::embedded().load().unwrap();
        let stages = bundle
            .policy
            .programmes
            .iter()
            .map(|p| (p.id.as_str().to_owned(), p.stage))
            .collect();
        (Arc::new(bundle.regions), stages)
    })
}

fn ctx() -> SearchContext {
    SearchContext {
        regions: regions(),
        tier_precedence: RegionTier::PopulationDeclining,
        programme_stages: loaded().1.clone(),
        synonyms: Arc::new(Synonyms::embedded()),
        policy: PolicyData::default(),
        version: "test".to_owned(),
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn institutions() -> Vec<Institution> {
    let make = |id: &str, name: &str, region: &str| Institution {
        id: ExternalId::parse(id).unwrap(),
        name: name.to_owned(),
        kind: InstitutionKind::Private,
        region: RegionCode::parse(region).unwrap(),
        grade: QualityGrade::ThreeYear,
        contact: Default::default(),
    };
    vec![
        make("inst-seoul", "서울디지털아카데미", "11110"),
        make("inst-busan", "부산기술교육원", "26110"),
        make("inst-gangwon", "평창미래교육센터", "51760"),
    ]
}

struct Spec {
    id: &'static str,
    title: &'static str,
    keywords: &'static [&'static str],
    occupation: &'static str,
    summary: &'static str,
}

/// Varies the facet fields by the course's number so that every facet has several values.
fn course(n: usize, spec: &Spec) -> Course {
    let programmes = [
        &["kdt-ai-campus"][..],
        &["card-ai-general"][..],
        &["sme-ai-online", "kdt-general"][..],
        &["polytech-ax"][..],
    ][n % 4];
    let regions = ["11110", "26110", "51760", "41820", "28710"];
    let deliveries = [Delivery::Classroom, Delivery::Remote, Delivery::Blended];
    let audiences = [
        vec![Audience::JobSeeker, Audience::Youth],
        vec![Audience::Employee],
        vec![Audience::Employee, Audience::Sme],
    ];
    let ncs = ["20010202", "15010101", "02020101"][n % 3];
    let start = date(2026, 1 + (n % 6) as u32, 5 + (n % 3) as u32);
    Course {
        id: ExternalId::parse(spec.id).unwrap(),
        institution: ExternalId::parse(["inst-seoul", "inst-busan", "inst-gangwon"][n % 3]).unwrap(),
        title: spec.title.to_owned(),
        summary: spec.summary.to_owned(),
        keywords: spec.keywords.iter().map(|k| (*k).to_owned()).collect(),
        programmes: programmes.iter().map(|p| ProgrammeId::parse(p).unwrap()).collect(),
        ncs: NcsCode::parse(ncs).unwrap(),
        occupation: spec.occupation.to_owned(),
        ai_step: (n % 5 != 4).then(|| AiStep::ALL[n % 3]),
        ai_level: (n % 5 != 4).then(|| AiLevel::ALL[n % 4]),
        modules: Vec::new(),
        delivery: deliveries[n % 3],
        total_hours: Hours::from_tenths([400, 1200, 1400, 6000, 1395][n % 5]),
        hours_per_day: Hours::from_tenths(80),
        fee_won: [0, 300_000, 800_000, 2_000_000, 5_000_000, 300_000][n % 6],
        region: RegionCode::parse(regions[n % 5]).unwrap(),
        audiences: audiences[n % 3].clone(),
        self_payment_rate_percent: None,
        base_unit_price_won_per_hour: None,
        cohorts: if n % 7 == 6 {
            vec![Cohort {
                start_date: date(2025, 3, 2),
                end_date: date(2025, 6, 30),
                capacity: 20,
                seats_left: 0,
                application: None,
                waiting_list: false,
            }]
        } else {
            vec![
                Cohort {
                    start_date: start,
                    end_date: start + chrono::Days::new(60),
                    capacity: 20,
                    seats_left: 5,
                    application: None,
                    waiting_list: false,
                },
                Cohort {
                    start_date: start + chrono::Days::new(120),
                    end_date: start + chrono::Days::new(180),
                    capacity: 20,
                    seats_left: 20,
                    application: None,
                    waiting_list: false,
                },
            ]
        },
        // Day, evening, weekend and (every fourth) no timetable, so the facet has every value.
        details: aiup_catalogue::CourseDetails {
            timetable: (n % 4 != 3).then(|| {
                let at = |h| chrono::NaiveTime::from_hms_opt(h, 0, 0).unwrap();
                let (days, start) = match n % 3 {
                    0 => (vec![chrono::Weekday::Mon, chrono::Weekday::Fri], 9),
                    1 => (vec![chrono::Weekday::Tue], 19),
                    _ => (vec![chrono::Weekday::Sat, chrono::Weekday::Sun], 10),
                };
                aiup_catalogue::Timetable {
                    days,
                    start: at(start),
                    end: at(start + 3),
                }
            }),
            ..Default::default()
        },
    }
}

const SPECS: &[Spec] = &[
    Spec {
        id: "c01",
        title: "AI 윤리와 책임 있는 인공지능 활용",
        keywords: &["AI 윤리", "책임 있는 AI"],
        occupation: "AI 윤리 컨설팅",
        summary: "인공지능 윤리 원칙과 개인정보 보호, 편향 문제를 사례로 배웁니다.",
    },
    Spec {
        id: "c02",
        title: "AI 보안관제 실무",
        keywords: &["보안관제", "침해 대응"],
        occupation: "정보보안",
        summary: "AI 기반 보안관제 시스템으로 침해 사고를 탐지하고 대응하는 실무 과정.",
    },
    Spec {
        id: "c03",
        title: "유튜브 영상 편집 실무 (프리미어)",
        keywords: &["영상 편집", "동영상 편집", "유튜브"],
        occupation: "영상 제작",
        summary: "프리미어 프로로 컷 편집, 자막, 색 보정까지 영상 편집의 전 과정을 익힙니다.",
    },
    Spec {
        id: "c04",
        title: "영상 분석 AI 개발",
        keywords: &["영상 분석", "객체 인식"],
        occupation: "인공지능 개발",
        summary: "CCTV 영상을 딥러닝으로 분석하는 AI 모델을 개발합니다.",
    },
    Spec {
        id: "c05",
        title: "CNC 기계 가공 기능사 양성",
        keywords: &["기계 가공", "CNC", "선반"],
        occupation: "기계가공",
        summary: "CNC 선반과 밀링으로 금속 부품을 가공하는 기능 인력을 양성합니다.",
    },
    Spec {
        id: "c06",
        title: "머신러닝 기초: 예측 모델 만들기",
        keywords: &["머신러닝", "scikit-learn"],
        occupation: "인공지능",
        summary: "지도학습과 비지도학습 알고리즘을 파이썬으로 실습합니다.",
    },
    Spec {
        id: "c07",
        title: "파이썬 데이터 분석 입문",
        keywords: &["파이썬", "데이터 분석", "pandas"],
        occupation: "빅데이터 분석",
        summary: "파이썬으로 데이터를 수집하고 정제하여 분석하는 방법을 배웁니다.",
    },
    Spec {
        id: "c08",
        title: "데이터분석가 양성 과정",
        keywords: &["데이터분석", "SQL", "태블로"],
        occupation: "데이터 분석",
        summary: "SQL과 태블로로 비즈니스 데이터를 분석하고 시각화하는 분석가를 양성합니다.",
    },
    Spec {
        id: "c09",
        title: "디지털 마케팅과 생성형AI 활용",
        keywords: &["마케팅", "생성형 AI", "콘텐츠"],
        occupation: "마케팅",
        summary: "생성형 AI로 광고 문구와 콘텐츠를 만들고 성과를 분석합니다.",
    },
    Spec {
        id: "c10",
        title: "ChatGPT 업무 활용과 프롬프트 엔지니어링",
        keywords: &["챗GPT", "프롬프트"],
        occupation: "사무 행정",
        summary: "챗GPT로 보고서와 메일을 쓰는 프롬프트 작성법을 익힙니다.",
    },
    Spec {
        id: "c11",
        title: "LLM 파인튜닝 실무 (Fine-tuning)",
        keywords: &["LLM", "fine-tuning", "허깅페이스"],
        occupation: "인공지능 개발",
        summary: "오픈소스 언어모델을 LoRA로 미세조정하고 평가합니다.",
    },
    Spec {
        id: "c12",
        title: "스마트팩토리 머신비전 불량 검사",
        keywords: &["비전검사", "결함 검출", "스마트 팩토리"],
        occupation: "생산 자동화",
        summary: "제조 라인의 카메라 영상으로 제품 결함을 찾는 머신비전 시스템을 구축합니다.",
    },
    Spec {
        id: "c13",
        title: "엑셀 업무자동화와 RPA",
        keywords: &["Excel", "RPA"],
        occupation: "사무 자동화",
        summary: "반복되는 사무 업무를 엑셀 매크로와 RPA 도구로 자동화합니다.",
    },
    Spec {
        id: "c14",
        title: "딥러닝 컴퓨터 비전 프로젝트",
        keywords: &["deep learning", "CNN"],
        occupation: "인공지능",
        summary: "이미지 분류와 객체 탐지 모델을 직접 학습시킵니다.",
    },
    Spec {
        id: "c15",
        title: "자연어처리 기초",
        keywords: &["텍스트 마이닝", "형태소 분석"],
        occupation: "인공지능",
        summary: "한국어 문장을 토큰으로 나누고 감성을 분류합니다.",
    },
    Spec {
        id: "c16",
        title: "디지털 트윈 기반 공정 시뮬레이션",
        keywords: &["digital twin", "시뮬레이션"],
        occupation: "생산 관리",
        summary: "가상 공장을 만들어 공정을 시뮬레이션하고 개선합니다.",
    },
    Spec {
        id: "c17",
        title: "한식 조리기능사",
        keywords: &["한식", "조리"],
        occupation: "조리",
        summary: "한식 조리기능사 자격 취득을 위한 실습 과정입니다.",
    },
    Spec {
        id: "c18",
        title: "빅데이터 플랫폼 구축",
        keywords: &["Big Data", "하둡"],
        occupation: "빅데이터 엔지니어",
        summary: "하둡과 스파크로 대용량 데이터 처리 플랫폼을 구축합니다.",
    },
    Spec {
        id: "c19",
        title: "웹 개발 풀스택 부트캠프",
        keywords: &["자바스크립트", "React"],
        occupation: "웹 개발",
        summary: "프론트엔드와 백엔드를 모두 다루는 웹 서비스 개발 과정.",
    },
    Spec {
        id: "c20",
        title: "기계 설계 CAD 실무",
        keywords: &["기계 설계", "CAD"],
        occupation: "기계설계",
        summary: "CAD로 기계 부품을 설계하고 도면을 작성합니다.",
    },
    Spec {
        id: "c21",
        title: "AI 리터러시: 모두를 위한 인공지능",
        keywords: &["AI 기초"],
        occupation: "교양",
        summary: "인공지능이 무엇인지, 일상에서 어떻게 쓰이는지 알아봅니다.",
    },
    Spec {
        id: "c22",
        title: "파이썬 프로그래밍 기초",
        keywords: &["Python", "코딩"],
        occupation: "소프트웨어 개발",
        summary: "변수와 함수부터 파일 처리까지 파이썬 문법을 익힙니다.",
    },
    Spec {
        id: "c23",
        title: "기계학습 수학",
        keywords: &["선형대수", "확률"],
        occupation: "인공지능",
        summary: "기계학습에 필요한 선형대수와 확률, 최적화를 다룹니다.",
    },
];

fn catalogue() -> Vec<Course> {
    SPECS.iter().enumerate().map(|(n, s)| course(n, s)).collect()
}

fn built() -> CourseIndex {
    let index = CourseIndex::create_in_ram(ctx()).unwrap();
    index.rebuild(&institutions(), &catalogue(), 1).unwrap();
    index
}

fn shared() -> &'static CourseIndex {
    static INDEX: OnceLock<CourseIndex> = OnceLock::new();
    INDEX.get_or_init(built)
}

fn today() -> NaiveDate {
    date(2026, 2, 1)
}

fn request(query: &str) -> SearchRequest {
    SearchRequest {
        query: query.to_owned(),
        limit: 10,
        today: today(),
        ..SearchRequest::default()
    }
}

fn ids(index: &CourseIndex, req: &SearchRequest) -> Vec<String> {
    index
        .search(req)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.course.id.to_string())
        .collect()
}

fn top(query: &str) -> Vec<String> {
    ids(shared(), &request(query))
}

fn rank(query: &str, id: &str) -> usize {
    top(query)
        .iter()
        .position(|x| x == id)
        .unwrap_or_else(|| panic!("{id} not found for {query}: {:?}", top(query)))
}

#[test]
fn particles_and_endings_do_not_stop_a_match() {
    assert_eq!(
        top("데이터를")[..2]
            .iter()
            .filter(|i| *i == "c07" || *i == "c08")
            .count(),
        2,
        "{:?}",
        top("데이터를")
    );
    assert_eq!(top("파이썬으로 데이터를 분석하는")[0], "c07");
    assert_eq!(top("파이썬 데이터 분석")[0], "c07");
}

#[test]
fn compounds_match_with_or_without_spaces() {
    for query in ["데이터분석", "데이터 분석"] {
        let got = top(query);
        assert!(
            got[..2].contains(&"c07".to_owned()) && got[..2].contains(&"c08".to_owned()),
            "{query}: {got:?}"
        );
    }
    assert_eq!(top("디지털트윈")[0], "c16");
    assert_eq!(top("데이터분석가")[0], "c08");
}

#[test]
fn synonyms_expand_at_query_time() {
    assert_eq!(top("machine learning")[0], "c06");
    assert_eq!(top("챗지피티")[0], "c10");
    assert_eq!(top("GPT")[0], "c10");
    assert_eq!(top("비전 검사")[0], "c12");
    assert_eq!(top("defect detection")[0], "c12");
    assert_eq!(top("NLP")[0], "c15");
    assert_eq!(top("빅 데이터")[0], "c18");
    assert_eq!(top("엑셀 자동화")[0], "c13");
    assert_eq!(top("미세조정")[0], "c11");
    assert_eq!(top("smart factory")[0], "c12");
}

#[test]
fn latin_words_are_stemmed() {
    assert_eq!(top("finetune")[0], "c11");
    assert_eq!(top("fine tuning")[0], "c11");
    assert_eq!(top("llm")[0], "c11");
    let learning = top("Learning");
    assert!(
        learning[..2].contains(&"c06".to_owned()),
        "scikit-learn has the part `learn`: {learning:?}"
    );
    assert!(learning[..2].contains(&"c14".to_owned()), "deep learning: {learning:?}");
}

#[test]
fn typos_still_find_the_course() {
    let got = top("데이타 분석");
    assert!(
        got[..2].contains(&"c07".to_owned()) && got[..2].contains(&"c08".to_owned()),
        "{got:?}"
    );
    assert_eq!(top("마켓팅")[0], "c09");
    assert!(
        ["c07", "c22"].contains(&top("파이선")[0].as_str()),
        "{:?}",
        top("파이선")
    );
    assert_eq!(top("프롬트")[0], "c10");
    assert_eq!(top("스마트펙토리")[0], "c12");
}

#[test]
fn ambiguous_words_rank_by_the_whole_query() {
    assert!(rank("AI 윤리", "c01") < rank("AI 윤리", "c02"));
    assert_eq!(top("AI 윤리")[0], "c01");
    assert!(rank("영상 편집", "c03") < rank("영상 편집", "c04"));
    assert_eq!(top("영상 편집")[0], "c03");
    assert_eq!(top("기계 가공")[0], "c05");
    let machining = top("기계 가공");
    if let Some(ml) = machining.iter().position(|x| x == "c23") {
        assert!(ml > 0);
    }
    let ml = top("기계학습");
    assert!(["c06", "c23"].contains(&ml[0].as_str()), "{ml:?}");
    assert!(rank("기계학습", "c06") < ml.iter().position(|x| x == "c05").unwrap_or(usize::MAX));
    assert!(rank("기계학습", "c23") < ml.iter().position(|x| x == "c20").unwrap_or(usize::MAX));
}

#[test]
fn empty_query_lists_everything_by_next_start() {
    let index = shared();
    let results = index.search(&request("")).unwrap();
    assert_eq!(results.total, SPECS.len());
    let courses: Vec<&Course> = results.hits.iter().map(|h| &h.course).collect();
    let key = |c: &Course| {
        c.cohorts
            .iter()
            .find(|k| k.start_date >= today())
            .map_or(NaiveDate::MAX, |k| k.start_date)
    };
    for pair in courses.windows(2) {
        assert!(
            (key(pair[0]), pair[0].id.as_str()) < (key(pair[1]), pair[1].id.as_str()),
            "{} before {}",
            pair[0].id,
            pair[1].id
        );
    }
    assert!(results.hits[0].institution.id == results.hits[0].course.institution);
}

/// The facet values of one course, as the index should see them.
fn facet_values(c: &Course) -> Vec<(FacetKind, Vec<String>)> {
    let stages = loaded().1.clone();
    let region = regions().get(c.region).unwrap().clone();
    let mut stage_values: Vec<String> = c
        .programmes
        .iter()
        .filter_map(|p| stages.get(p.as_str()))
        .map(|s| s.as_str().to_owned())
        .collect();
    stage_values.sort();
    stage_values.dedup();
    let mut months: Vec<String> = c
        .cohorts
        .iter()
        .map(|k| k.start_date.format("%Y-%m").to_string())
        .collect();
    months.sort();
    months.dedup();
    vec![
        (
            FacetKind::Programme,
            c.programmes.iter().map(|p| p.as_str().to_owned()).collect(),
        ),
        (FacetKind::Stage, stage_values),
        (
            FacetKind::AiStep,
            c.ai_step.iter().map(|s| s.as_str().to_owned()).collect(),
        ),
        (
            FacetKind::AiLevel,
            c.ai_level.iter().map(|s| s.as_str().to_owned()).collect(),
        ),
        (FacetKind::Delivery, vec![c.delivery.as_str().to_owned()]),
        (FacetKind::Province, vec![region.sido_code.clone()]),
        (
            FacetKind::Tier,
            vec![region.tier(RegionTier::PopulationDeclining).as_str().to_owned()],
        ),
        (
            FacetKind::HoursBand,
            vec![HoursBand::of(c.total_hours).as_str().to_owned()],
        ),
        (FacetKind::FeeBand, vec![FeeBand::of(c.fee_won).as_str().to_owned()]),
        (FacetKind::NcsMajor, vec![c.ncs.major().as_str().to_owned()]),
        (FacetKind::StartMonth, months),
        (
            FacetKind::Audience,
            c.audiences.iter().map(|a| a.as_str().to_owned()).collect(),
        ),
        (
            FacetKind::TimeOfDay,
            c.details.time_of_day().iter().map(|t| t.as_str().to_owned()).collect(),
        ),
    ]
}

fn selected(filters: &Filters, kind: FacetKind) -> Vec<String> {
    match kind {
        FacetKind::Programme => filters.programmes.clone(),
        FacetKind::Stage => filters.stages.iter().map(|s| s.as_str().to_owned()).collect(),
        FacetKind::AiStep => filters.ai_steps.iter().map(|s| s.as_str().to_owned()).collect(),
        FacetKind::AiLevel => filters.ai_levels.iter().map(|s| s.as_str().to_owned()).collect(),
        FacetKind::Delivery => filters.deliveries.iter().map(|s| s.as_str().to_owned()).collect(),
        FacetKind::Province => filters.provinces.clone(),
        FacetKind::Tier => filters.tiers.iter().map(|s| s.as_str().to_owned()).collect(),
        FacetKind::HoursBand => filters.hours_bands.iter().map(|s| s.as_str().to_owned()).collect(),
        FacetKind::FeeBand => filters.fee_bands.iter().map(|s| s.as_str().to_owned()).collect(),
        FacetKind::NcsMajor => filters.ncs_majors.iter().map(|s| s.as_str().to_owned()).collect(),
        FacetKind::StartMonth => filters.start_months.clone(),
        FacetKind::Audience => filters.audiences.iter().map(|s| s.as_str().to_owned()).collect(),
        FacetKind::TimeOfDay => filters.times_of_day.iter().map(|s| s.as_str().to_owned()).collect(),
    }
}

/// Brute force: total, and per facet the counts with every other facet's filter applied.
/// Where a value stands in its vocabulary's natural order: enum values by their position in
/// `ALL`, codes and months by their text (fixed width, so text order is numeric order).
fn natural_rank(kind: FacetKind, value: &str) -> (usize, String) {
    fn pos<T: PartialEq + Copy>(all: &[T], parse: fn(&str) -> Option<T>, value: &str) -> usize {
        parse(value)
            .and_then(|v| all.iter().position(|a| *a == v))
            .unwrap_or(usize::MAX)
    }
    let rank = match kind {
        FacetKind::Stage => pos(Stage::ALL, Stage::parse, value),
        FacetKind::AiStep => pos(AiStep::ALL, AiStep::parse, value),
        FacetKind::AiLevel => pos(AiLevel::ALL, AiLevel::parse, value),
        FacetKind::Delivery => pos(Delivery::ALL, Delivery::parse, value),
        FacetKind::Tier => pos(RegionTier::ALL, RegionTier::parse, value),
        FacetKind::HoursBand => pos(HoursBand::ALL, HoursBand::parse, value),
        FacetKind::FeeBand => pos(FeeBand::ALL, FeeBand::parse, value),
        FacetKind::Audience => pos(Audience::ALL, Audience::parse, value),
        _ => 0,
    };
    (rank, value.to_owned())
}

/// The facets with programmes sorted by id: the index lists them in the order it met them,
/// which the caller reorders.
fn programmes_by_id(mut facets: Vec<Facet>) -> Vec<Facet> {
    for facet in &mut facets {
        if facet.kind == FacetKind::Programme {
            facet.values.sort_by(|a, b| a.value.cmp(&b.value));
        }
    }
    facets
}

fn brute_force(courses: &[&Course], filters: &Filters) -> (usize, Vec<Facet>) {
    let passes = |values: &[(FacetKind, Vec<String>)], except: Option<FacetKind>| {
        values.iter().all(|(kind, vals)| {
            let wanted = selected(filters, *kind);
            Some(*kind) == except || wanted.is_empty() || vals.iter().any(|v| wanted.contains(v))
        })
    };
    let all: Vec<Vec<(FacetKind, Vec<String>)>> = courses.iter().map(|c| facet_values(c)).collect();
    let total = all.iter().filter(|v| passes(v, None)).count();
    let facets = FacetKind::ALL
        .iter()
        .map(|&kind| {
            let mut counts: BTreeMap<String, u64> = BTreeMap::new();
            for values in all.iter().filter(|v| passes(v, Some(kind))) {
                for value in &values[kind as usize].1 {
                    *counts.entry(value.clone()).or_default() += 1;
                }
            }
            let mut values: Vec<FacetValue> = counts
                .into_iter()
                .map(|(value, count)| FacetValue { value, count })
                .collect();
            values.sort_by_key(|v| natural_rank(kind, &v.value));
            Facet { kind, values }
        })
        .collect();
    (total, facets)
}

#[test]
fn facet_counts_are_disjunctive() {
    let index = shared();
    let catalogue = catalogue();
    let everything: Vec<&Course> = catalogue.iter().collect();
    let filter_sets = vec![
        Filters::default(),
        Filters {
            deliveries: vec![Delivery::Remote],
            ..Filters::default()
        },
        Filters {
            times_of_day: vec![TimeOfDay::Evening, TimeOfDay::Weekend],
            deliveries: vec![Delivery::Classroom, Delivery::Blended],
            ..Filters::default()
        },
        Filters {
            deliveries: vec![Delivery::Remote, Delivery::Classroom],
            provinces: vec!["11".into(), "51".into()],
            ..Filters::default()
        },
        Filters {
            programmes: vec!["kdt-ai-campus".into(), "sme-ai-online".into()],
            stages: vec![Stage::Entry],
            audiences: vec![Audience::Employee],
            start_months: vec!["2026-03".into(), "2026-07".into()],
            ..Filters::default()
        },
        Filters {
            tiers: vec![RegionTier::PopulationDeclining],
            hours_bands: vec![HoursBand::From140To599, HoursBand::UpTo40],
            fee_bands: vec![FeeBand::Free, FeeBand::Under500k],
            ncs_majors: vec![NcsMajor::InformationCommunication],
            ai_steps: vec![AiStep::BasicUnderstanding, AiStep::JobApplication],
            ai_levels: vec![AiLevel::Literacy, AiLevel::WorkPractice, AiLevel::SystemIntegration],
            ..Filters::default()
        },
    ];
    for filters in &filter_sets {
        let req = SearchRequest {
            filters: filters.clone(),
            limit: 100,
            ..request("")
        };
        let got = index.search(&req).unwrap();
        let (total, facets) = brute_force(&everything, filters);
        assert_eq!(got.total, total, "{filters:?}");
        assert_eq!(got.hits.len(), total);
        assert_eq!(programmes_by_id(got.facets), facets, "{filters:?}");
    }
    // With a text query: the facets count only matching courses.
    let req = SearchRequest {
        filters: filter_sets[2].clone(),
        limit: 100,
        ..request("인공지능")
    };
    let got = index.search(&req).unwrap();
    let everything_matching = index
        .search(&SearchRequest {
            limit: 100,
            ..request("인공지능")
        })
        .unwrap();
    let matching: Vec<&Course> = everything_matching.hits.iter().map(|h| &h.course).collect();
    let (total, facets) = brute_force(&matching, &filter_sets[2]);
    assert!(total > 0 && total < matching.len());
    assert_eq!(got.total, total);
    assert_eq!(programmes_by_id(got.facets), facets);
}

#[test]
fn time_of_day_filter_keeps_only_courses_taught_then() {
    let index = shared();
    let catalogue = catalogue();
    for wanted in TimeOfDay::ALL {
        let got = index
            .search(&SearchRequest {
                filters: Filters {
                    times_of_day: vec![wanted],
                    ..Filters::default()
                },
                limit: 100,
                ..request("")
            })
            .unwrap();
        let expected = catalogue
            .iter()
            .filter(|c| c.details.time_of_day() == Some(wanted))
            .count();
        assert!(expected > 0, "{wanted:?}");
        assert_eq!(got.total, expected, "{wanted:?}");
        assert!(got.hits.iter().all(|h| h.course.details.time_of_day() == Some(wanted)));
        let facet = got.facets.iter().find(|f| f.kind == FacetKind::TimeOfDay).unwrap();
        // Disjunctive: the facet still counts the other times.
        assert_eq!(facet.values.len(), TimeOfDay::ALL.len(), "{facet:?}");
    }
}

#[test]
fn filters_are_or_within_and_across_facets() {
    let index = shared();
    let search = |filters: Filters| {
        index
            .search(&SearchRequest {
                filters,
                limit: 100,
                ..request("")
            })
            .unwrap()
            .hits
    };
    let remote = search(Filters {
        deliveries: vec![Delivery::Remote],
        ..Filters::default()
    });
    let classroom = search(Filters {
        deliveries: vec![Delivery::Classroom],
        ..Filters::default()
    });
    let either = search(Filters {
        deliveries: vec![Delivery::Remote, Delivery::Classroom],
        ..Filters::default()
    });
    assert!(!remote.is_empty() && !classroom.is_empty());
    assert_eq!(either.len(), remote.len() + classroom.len());
    let both = search(Filters {
        deliveries: vec![Delivery::Remote],
        provinces: vec!["26".into()],
        ..Filters::default()
    });
    assert!(both.len() < remote.len());
    assert!(both
        .iter()
        .all(|h| h.course.delivery == Delivery::Remote && h.course.region.sido_code() == "26"));
    assert!(search(Filters {
        provinces: vec!["xx".into()],
        ..Filters::default()
    })
    .is_empty());
    assert!(search(Filters {
        programmes: vec!["no-such-programme".into()],
        ..Filters::default()
    })
    .is_empty());
}

#[test]
fn sort_orders_break_ties_by_id() {
    let index = shared();
    for sort in SortOrder::ALL {
        assert_eq!(SortOrder::parse(sort.as_str()), Some(*sort));
        let hits = index
            .search(&SearchRequest {
                sort: *sort,
                limit: 100,
                ..request("")
            })
            .unwrap()
            .hits;
        assert_eq!(hits.len(), SPECS.len());
        let key = |c: &Course| -> i64 {
            match sort {
                SortOrder::FeeAsc => c.fee_won,
                SortOrder::FeeDesc => -c.fee_won,
                SortOrder::HoursAsc => i64::from(c.total_hours.tenths()),
                SortOrder::HoursDesc => -i64::from(c.total_hours.tenths()),
                // This index has no support figures: every course ties.
                SortOrder::PayAsc | SortOrder::AllowanceDesc => 0,
                _ => c
                    .cohorts
                    .iter()
                    .find(|k| k.start_date >= today())
                    .map_or(i64::MAX, |k| {
                        i64::from(chrono::Datelike::num_days_from_ce(&k.start_date))
                    }),
            }
        };
        for pair in hits.windows(2) {
            let (a, b) = (&pair[0].course, &pair[1].course);
            assert!(
                (key(a), a.id.as_str()) < (key(b), b.id.as_str()),
                "{sort:?}: {} then {}",
                a.id,
                b.id
            );
        }
    }
    assert_eq!(SortOrder::parse("nope"), None);
}

#[test]
fn paging_is_consistent() {
    let index = shared();
    for query in ["", "인공지능", "AI"] {
        for sort in [SortOrder::Relevance, SortOrder::FeeAsc] {
            let all = ids(
                index,
                &SearchRequest {
                    sort,
                    limit: 100,
                    ..request(query)
                },
            );
            let mut paged = Vec::new();
            for page in 0..10 {
                paged.extend(ids(
                    index,
                    &SearchRequest {
                        sort,
                        offset: page * 3,
                        limit: 3,
                        ..request(query)
                    },
                ));
            }
            assert_eq!(paged, all[..all.len().min(30)].to_vec(), "{query} {sort:?}");
        }
    }
    let capped = index
        .search(&SearchRequest {
            limit: 10_000,
            ..request("")
        })
        .unwrap();
    assert!(capped.hits.len() <= MAX_LIMIT);
    let none = index
        .search(&SearchRequest {
            offset: 1000,
            ..request("")
        })
        .unwrap();
    assert!(none.hits.is_empty());
    assert_eq!(none.total, SPECS.len());
}

#[test]
fn upsert_replaces_and_rebuild_replaces_everything() {
    let index = built();
    assert_eq!(index.len(), SPECS.len() as u64);
    assert_eq!(index.generation(), Some(1));
    let mut changed = course(16, &SPECS[16]);
    changed.title = "양식 조리 실무".to_owned();
    changed.keywords = vec!["양식".to_owned()];
    changed.summary = "파스타와 스테이크를 만듭니다.".to_owned();
    let stats = index.upsert(&institutions(), &[changed], 2).unwrap();
    assert_eq!(
        stats,
        IndexStats {
            documents: SPECS.len() as u64,
            generation: 2
        }
    );
    assert_eq!(index.generation(), Some(2));
    assert_eq!(ids(&index, &request("양식"))[0], "c17");
    assert!(!ids(&index, &request("한식")).contains(&"c17".to_owned()));
    // suggestions follow the upsert
    assert!(index.suggest("양식", 5).unwrap().iter().any(|s| s.text == "양식"));
    assert!(!index.suggest("한식", 5).unwrap().iter().any(|s| s.text == "한식"));

    let mut new = course(30, &SPECS[0]);
    new.id = ExternalId::parse("c99").unwrap();
    index.upsert(&institutions(), &[new.clone()], 3).unwrap();
    assert_eq!(index.len(), SPECS.len() as u64 + 1);

    // a course whose institution is missing is refused and nothing changes
    let err = index
        .upsert(&institutions()[..1], &[course(1, &SPECS[1])], 4)
        .unwrap_err();
    assert!(matches!(err, SearchError::MissingInstitution { .. }), "{err}");
    assert_eq!(index.generation(), Some(3));

    let stats = index.rebuild(&institutions(), &[new], 5).unwrap();
    assert_eq!(stats.documents, 1);
    assert_eq!(index.len(), 1);
    assert_eq!(ids(&index, &request("")), vec!["c99"]);
    assert!(index.suggest("한식", 5).unwrap().is_empty());
}

#[test]
fn generation_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = CourseIndex::open_or_create(dir.path(), ctx()).unwrap();
        assert_eq!(index.generation(), None);
        assert!(index.is_empty());
        index.rebuild(&institutions(), &catalogue(), 7).unwrap();
    }
    let index = CourseIndex::open_or_create(dir.path(), ctx()).unwrap();
    assert_eq!(index.generation(), Some(7));
    assert_eq!(index.len(), SPECS.len() as u64);
    assert_eq!(ids(&index, &request("머신러닝"))[0], "c06");
    let results = index.search(&request("")).unwrap();
    assert!(results.facets[0].values.iter().any(|v| v.value == "kdt-ai-campus"));
    assert!(!index.suggest("데이", 5).unwrap().is_empty());
}

#[test]
fn suggestions_complete_what_is_typed() {
    let index = shared();
    let got = index.suggest("데이터", 10).unwrap();
    let texts: Vec<&str> = got.iter().map(|s| s.text.as_str()).collect();
    assert!(texts.contains(&"데이터 분석"), "{texts:?}");
    // "데이터 분석" (c07, c08 occupation) and "데이터분석" (c08 keyword) are one suggestion
    let analysis = got.iter().find(|s| s.text == "데이터 분석").unwrap();
    assert_eq!(analysis.count, 2);
    assert!(got.windows(2).all(|w| w[0].count >= w[1].count));
    assert!(index
        .suggest("데이터분", 5)
        .unwrap()
        .iter()
        .any(|s| s.text == "데이터 분석"));
    assert!(index
        .suggest("ㅁㅅㄹㄴ", 5)
        .unwrap()
        .iter()
        .any(|s| s.text == "머신러닝"));
    assert!(index.suggest("pan", 5).unwrap().iter().any(|s| s.text == "pandas"));
    assert!(index.suggest("", 5).unwrap().is_empty());
    assert_eq!(index.suggest("ㅇ", 2).unwrap().len(), 2);
}

#[test]
fn hits_carry_the_whole_course() {
    let index = shared();
    let results = index.search(&request("한식 조리")).unwrap();
    let hit = &results.hits[0];
    assert_eq!(hit.course, catalogue()[16]);
    assert_eq!(hit.institution, institutions()[16 % 3]);
    assert!(hit.score > 0.0);
    let json = serde_json::to_value(&results).unwrap();
    assert_eq!(json["facets"][0]["kind"], "programme");
}

/// An index whose context says job seekers may take every programme but `card-ai-general`,
/// and prices a job seeker at a tenth of the fee with an allowance of the hours in won.
fn with_policy_data() -> (CourseIndex, ProfileClass) {
    let job_seeker = ProfileClass::of(TraineeStatus::JobSeeker, None);
    let mut context = ctx();
    context.policy.programme_admits = loaded()
        .1
        .keys()
        .map(|id| (id.clone(), if id == "card-ai-general" { 0 } else { job_seeker.bit() }))
        .collect();
    let support: Arc<SupportFn> = Arc::new(move |course: &Course, status, _size| {
        let admitted =
            status == TraineeStatus::JobSeeker && course.programmes.iter().any(|p| p.as_str() != "card-ai-general");
        admitted.then(|| SupportFigures {
            self_payment_won: course.fee_won / 10,
            allowance_won: i64::from(course.total_hours.tenths()),
        })
    });
    context.policy.support = Some(support);
    let index = CourseIndex::create_in_ram(context).unwrap();
    index.rebuild(&institutions(), &catalogue(), 1).unwrap();
    (index, job_seeker)
}

#[test]
fn eligibility_region_and_support_orders_work_at_index_level() {
    let (index, job_seeker) = with_policy_data();
    let courses = catalogue();
    let admitted = |c: &Course| c.programmes.iter().any(|p| p.as_str() != "card-ai-general");
    let eligible = index
        .search(&SearchRequest {
            filters: Filters {
                eligible_for: Some(job_seeker),
                ..Filters::default()
            },
            limit: 100,
            ..request("")
        })
        .unwrap();
    let expected = courses.iter().filter(|c| admitted(c)).count();
    assert!(
        expected < courses.len(),
        "the fixture has a course job seekers cannot take"
    );
    assert_eq!(eligible.total, expected);
    assert!(eligible.hits.iter().all(|h| admitted(&h.course)));
    // A profile nothing admits finds nothing.
    let employee = ProfileClass::of(TraineeStatus::Employed, None);
    let none = index
        .search(&SearchRequest {
            filters: Filters {
                eligible_for: Some(employee),
                ..Filters::default()
            },
            ..request("")
        })
        .unwrap();
    assert_eq!(none.total, 0);

    // Pay ascending and allowance descending, with the courses the profile cannot take last.
    for sort in [SortOrder::PayAsc, SortOrder::AllowanceDesc] {
        let hits = index
            .search(&SearchRequest {
                sort,
                limit: 100,
                profile: job_seeker,
                ..request("")
            })
            .unwrap()
            .hits;
        assert_eq!(hits.len(), courses.len());
        let key = |c: &Course| -> (bool, i64) {
            let value = match sort {
                SortOrder::PayAsc => c.fee_won / 10,
                _ => -i64::from(c.total_hours.tenths()),
            };
            // Courses the profile cannot take all tie, and then go by id.
            if admitted(c) {
                (false, value)
            } else {
                (true, 0)
            }
        };
        for pair in hits.windows(2) {
            let (a, b) = (&pair[0].course, &pair[1].course);
            assert!(
                (key(a), a.id.as_str()) < (key(b), b.id.as_str()),
                "{sort:?}: {} then {}",
                a.id,
                b.id
            );
        }
    }

    // The 시군구 filter keeps exactly that district's courses; an unreadable code finds none.
    let region = courses[0].region.to_string();
    let found = index
        .search(&SearchRequest {
            filters: Filters {
                regions: vec![region.clone()],
                ..Filters::default()
            },
            limit: 100,
            ..request("")
        })
        .unwrap();
    assert_eq!(
        found.total,
        courses.iter().filter(|c| c.region.to_string() == region).count()
    );
    assert!(found.total > 0);
    let unreadable = index
        .search(&SearchRequest {
            filters: Filters {
                regions: vec!["x".to_owned()],
                ..Filters::default()
            },
            ..request("")
        })
        .unwrap();
    assert_eq!(unreadable.total, 0);
}
