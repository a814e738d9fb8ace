//! Builds a synthetic catalogue in memory and measures indexing and faceted search.
//!
//! `cargo run --release -p aiup-search --example speed -- [courses] [queries]`
//! (defaults: 100000 courses, 2000 queries).
#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aiup_catalogue::{
    AiLevel, AiStep, Audience, Cohort, Course, ExternalId, FeeBand, Hours, HoursBand, Institution, InstitutionKind,
    NcsCode, QualityGrade,
};
use aiup_core::bundle::Bundle;
use aiup_core::{Delivery, ProgrammeId, RegionTier, Stage};
use aiup_search::{CourseIndex, Filters, SearchContext, SearchRequest, SortOrder, Synonyms};
use chrono::NaiveDate;

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const TOPICS: &[&str] = &[
    "데이터 분석",
    "머신러닝",
    "딥러닝",
    "파이썬",
    "빅데이터",
    "생성형 AI",
    "ChatGPT",
    "프롬프트 엔지니어링",
    "영상 편집",
    "영상 분석",
    "컴퓨터 비전",
    "자연어처리",
    "LLM 파인튜닝",
    "스마트팩토리",
    "머신비전 검사",
    "디지털 트윈",
    "RPA 업무자동화",
    "엑셀",
    "디지털 마케팅",
    "회계 실무",
    "기계 가공",
    "기계 설계",
    "용접",
    "전기 설비",
    "웹 개발",
    "자바 프로그래밍",
    "클라우드",
    "정보보안",
    "AI 윤리",
    "AI 보안관제",
    "데이터베이스",
    "UX 디자인",
    "한식 조리",
    "바리스타",
    "물류 관리",
    "품질 관리",
    "로봇 제어",
    "자율주행",
    "IoT",
    "MLOps",
];
const MODIFIERS: &[&str] = &[
    "기초",
    "입문",
    "실무",
    "심화",
    "프로젝트",
    "양성 과정",
    "활용",
    "전문가",
    "부트캠프",
    "자격증 대비",
];
const PHRASES: &[&str] = &[
    "현장 실습 중심으로",
    "기업 프로젝트와 연계하여",
    "실제 데이터를 활용해",
    "초보자도 따라올 수 있도록",
    "업무에 바로 적용할 수 있게",
    "최신 도구를 사용하여",
    "팀 단위로",
    "포트폴리오를 완성하며",
];
const VERBS: &[&str] = &[
    "배웁니다",
    "익힙니다",
    "실습합니다",
    "구축합니다",
    "분석합니다",
    "개발합니다",
];
const PROGRAMMES: &[&str] = &[
    "kdt-ai-campus",
    "card-ai-general",
    "sme-ai-online",
    "kdt-general",
    "polytech-ax",
    "kdc-ai",
    "sme-pbl",
    "regional-consortium-ai",
    "digital-twin-training",
];

fn generate(n: usize, regions: &[aiup_core::region::RegionCode]) -> (Vec<Institution>, Vec<Course>) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let institutions: Vec<Institution> = (0..2000)
        .map(|i| Institution {
            id: ExternalId::parse(&format!("inst-{i:05}")).unwrap(),
            name: format!(
                "{}{}",
                rng.pick(&["한국", "미래", "스마트", "디지털", "서울", "부산"]),
                rng.pick(&["아카데미", "교육원", "훈련센터", "캠퍼스"])
            ),
            kind: *rng.pick(InstitutionKind::ALL),
            region: *rng.pick(regions),
            grade: *rng.pick(QualityGrade::ALL),
            contact: Default::default(),
        })
        .collect();
    let base = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let courses = (0..n)
        .map(|i| {
            let topic = rng.pick(TOPICS);
            let other = rng.pick(TOPICS);
            let title = format!(
                "{topic} {} {}",
                rng.pick(MODIFIERS),
                if rng.below(3) == 0 {
                    format!("({other})")
                } else {
                    String::new()
                }
            );
            let summary: String = (0..3 + rng.below(4))
                .map(|_| {
                    format!(
                        "{} {}{} {} ",
                        rng.pick(PHRASES),
                        rng.pick(TOPICS),
                        rng.pick(&["을", "를", "의 원리를", "과 함께", " 기법을"]),
                        rng.pick(VERBS)
                    )
                })
                .collect();
            let programmes: Vec<ProgrammeId> = {
                let mut p = vec![*rng.pick(PROGRAMMES)];
                if rng.below(4) == 0 {
                    let q = *rng.pick(PROGRAMMES);
                    if q != p[0] {
                        p.push(q);
                    }
                }
                p.into_iter().map(|p| ProgrammeId::parse(p).unwrap()).collect()
            };
            let start = base + chrono::Days::new(rng.below(365) as u64);
            let inst = rng.pick(&institutions);
            let mut audiences: Vec<Audience> = Audience::ALL.iter().copied().filter(|_| rng.below(4) == 0).collect();
            if audiences.is_empty() {
                audiences.push(Audience::JobSeeker);
            }
            Course {
                id: ExternalId::parse(&format!("C{i:07}")).unwrap(),
                institution: inst.id.clone(),
                title: title.trim().to_owned(),
                summary,
                keywords: vec![
                    (*topic).to_owned(),
                    (*other).to_owned(),
                    (*rng.pick(MODIFIERS)).to_owned(),
                ],
                programmes,
                ncs: NcsCode::parse(
                    rng.pick::<&str>(&["20010202", "15010101", "02020101", "08030201", "13010101", "19020101"]),
                )
                .unwrap(),
                occupation: format!("{} {}", topic, rng.pick(&["전문가", "개발", "운영", "관리"])),
                ai_step: (rng.below(5) != 0).then(|| *rng.pick(AiStep::ALL)),
                ai_level: (rng.below(5) != 0).then(|| *rng.pick(AiLevel::ALL)),
                modules: Vec::new(),
                delivery: *rng.pick(Delivery::ALL),
                total_hours: Hours::from_tenths([160, 400, 800, 1400, 2400, 6000, 9000][rng.below(7)] * 10 / 10 * 10),
                hours_per_day: Hours::from_tenths(80),
                fee_won: [0, 200_000, 450_000, 900_000, 1_500_000, 2_500_000, 4_000_000][rng.below(7)],
                region: inst.region,
                audiences,
                self_payment_rate_percent: None,
                base_unit_price_won_per_hour: None,
                cohorts: (0..1 + rng.below(3))
                    .map(|k| {
                        let s = start + chrono::Days::new(90 * k as u64);
                        Cohort {
                            start_date: s,
                            end_date: s + chrono::Days::new(60),
                            capacity: 20,
                            seats_left: 10,
                            application: None,
                            waiting_list: false,
                        }
                    })
                    .collect(),
                details: Default::default(),
            }
        })
        .collect();
    (institutions, courses)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let queries: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2_000);
    let bundle = Bundle::embedded().load().expect("embedded bundle");
    let stages: BTreeMap<String, Stage> = bundle
        .policy
        .programmes
        .iter()
        .map(|p| (p.id.as_str().to_owned(), p.stage))
        .collect();
    let codes: Vec<_> = bundle.regions.regions().iter().map(|r| r.code).collect();
    let ctx = SearchContext {
        regions: Arc::new(bundle.regions),
        tier_precedence: RegionTier::PopulationDeclining,
        programme_stages: stages,
        synonyms: Arc::new(Synonyms::embedded()),
        policy: Default::default(),
        version: "test".to_owned(),
    };
    let t = Instant::now();
    let (institutions, courses) = generate(n, &codes);
    println!("generated {n} courses in {:?}", t.elapsed());

    let index = CourseIndex::create_in_ram(ctx).expect("index");
    let t = Instant::now();
    let stats = index.rebuild(&institutions, &courses, 1).expect("rebuild");
    println!("rebuild: {} documents in {:?}", stats.documents, t.elapsed());

    let texts = [
        "데이터 분석",
        "데이터분석",
        "머신러닝",
        "기계학습",
        "파이썬으로 데이터를 분석하는",
        "AI 윤리",
        "영상 편집",
        "기계 가공",
        "데이타 분석",
        "마켓팅",
        "chatgpt",
        "LLM 파인튜닝",
        "비전 검사",
        "스마트 팩토리",
        "딥러닝 컴퓨터 비전",
        "엑셀",
        "",
        "",
        "AI",
        "용접 자격증",
    ];
    let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let mut rng = Rng(42);
    let mut times = Vec::with_capacity(queries);
    let mut totals = 0usize;
    for q in 0..queries + 100 {
        let mut filters = Filters::default();
        for _ in 0..1 + rng.below(3) {
            match rng.below(6) {
                0 => filters.deliveries.push(*rng.pick(Delivery::ALL)),
                1 => filters
                    .provinces
                    .push((*rng.pick(&["11", "26", "41", "51", "47"])).to_owned()),
                2 => filters.programmes.push((*rng.pick(PROGRAMMES)).to_owned()),
                3 => filters.hours_bands.push(*rng.pick(HoursBand::ALL)),
                4 => filters.fee_bands.push(*rng.pick(FeeBand::ALL)),
                _ => filters.start_months.push(format!("2026-{:02}", 1 + rng.below(12))),
            }
        }
        let request = SearchRequest {
            query: (*rng.pick(&texts)).to_owned(),
            filters,
            sort: if rng.below(5) == 0 {
                SortOrder::FeeAsc
            } else {
                SortOrder::Relevance
            },
            offset: 0,
            limit: 20,
            today,
            ..SearchRequest::default()
        };
        let t = Instant::now();
        let results = index.search(&request).expect("search");
        let elapsed = t.elapsed();
        totals += results.total;
        if q >= 100 {
            times.push(elapsed);
        }
    }
    times.sort();
    let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    println!(
        "faceted search over {queries} queries: p50 {:?}, p90 {:?}, p99 {:?}, max {:?} (mean hits {})",
        pct(0.5),
        pct(0.9),
        pct(0.99),
        times.last().copied().unwrap_or(Duration::ZERO),
        totals / (queries + 100)
    );
    for text in ["데이터 분석", "AI", "", "파이썬으로 데이터를 분석하는", "데이타 분석"] {
        let request = SearchRequest {
            query: text.to_owned(),
            limit: 20,
            today,
            ..SearchRequest::default()
        };
        let mut best = Duration::MAX;
        let mut worst = Duration::ZERO;
        for _ in 0..50 {
            let t = Instant::now();
            index.search(&request).expect("search");
            best = best.min(t.elapsed());
            worst = worst.max(t.elapsed());
        }
        println!("  {text:?} (no filters): best {best:?}, worst {worst:?}");
    }
    let changed: Vec<Course> = courses[..100].to_vec();
    let t = Instant::now();
    index.upsert(&institutions, &changed, 2).expect("upsert");
    println!(
        "upsert of 100 courses (commit, reload, suggestion rescan): {:?}",
        t.elapsed()
    );
    let mut times = Vec::new();
    for prefix in ["데", "데이", "데이터 분", "ㄷㅇㅌ", "머신", "a", "ch", "파이"] {
        for _ in 0..200 {
            let t = Instant::now();
            index.suggest(prefix, 10).expect("suggest");
            times.push(t.elapsed());
        }
    }
    times.sort();
    println!(
        "suggest: p50 {:?}, p99 {:?}",
        times[times.len() / 2],
        times[times.len() * 99 / 100]
    );
}
