//! The course search page (`/courses`); the course page is in `course.rs`. Both work without
//! JavaScript: the filters are checkboxes in the search form. Where scripts run, `suggest.js`
//! offers completions as the user types.

use super::form::encode_component;
use super::view::page;
use crate::catalogue::{self, CourseQuery, ParamError, Profile};
use crate::i18n::Lang;
use aiup_catalogue::{AiLevel, AiStep, Audience, Course, FeeBand, HoursBand, NcsMajor, TimeOfDay};
use aiup_core::{Delivery, RegionTier, Stage, TraineeStatus, Won};
use aiup_rules::Engine;
use aiup_search::{Facet, SearchResults};
use chrono::{Datelike, NaiveDate};
use maud::{html, Markup};

/// Query parameters the pages accept besides the search ones.
pub const PAGE_ONLY_PARAMS: &[&str] = &["lang"];

/// A label for a facet value, in `lang`.
pub fn facet_value_label(engine: &Engine, lang: Lang, kind: &str, value: &str) -> String {
    fn pick<T: Copy>(
        lang: Lang,
        parsed: Option<T>,
        ko: fn(T) -> &'static str,
        en: fn(T) -> &'static str,
    ) -> Option<String> {
        parsed.map(|v| lang.pick(ko(v), en(v)).to_owned())
    }
    let label = match kind {
        "programme" => engine
            .policy()
            .programme(value)
            .map(|p| lang.pick(&p.name.ko, &p.name.en).to_owned()),
        "stage" => pick(lang, Stage::parse(value), Stage::label_ko, Stage::label_en),
        "ai_step" => pick(lang, AiStep::parse(value), AiStep::label_ko, AiStep::label_en),
        "ai_level" => pick(lang, AiLevel::parse(value), AiLevel::label_ko, AiLevel::label_en),
        "delivery" => pick(lang, Delivery::parse(value), Delivery::label_ko, Delivery::label_en),
        "tier" => pick(
            lang,
            RegionTier::parse(value),
            RegionTier::label_ko,
            RegionTier::label_en,
        ),
        "hours_band" => pick(lang, HoursBand::parse(value), HoursBand::label_ko, HoursBand::label_en),
        "fee_band" => pick(lang, FeeBand::parse(value), FeeBand::label_ko, FeeBand::label_en),
        "ncs_major" => pick(lang, NcsMajor::parse(value), NcsMajor::label_ko, NcsMajor::label_en),
        "audience" => pick(lang, Audience::parse(value), Audience::label_ko, Audience::label_en),
        "time_of_day" => pick(lang, TimeOfDay::parse(value), TimeOfDay::label_ko, TimeOfDay::label_en),
        "province" => engine
            .regions()
            .provinces()
            .iter()
            .find(|p| p.code == value)
            .map(|p| lang.pick(&p.name, &p.name_en).to_owned()),
        "start_month" => aiup_core::date::parse_iso_date(&format!("{value}-01"))
            .ok()
            .map(|d| match lang {
                Lang::Ko => format!("{}년 {}월", d.year(), d.month()),
                Lang::En => d.format("%b %Y").to_string(),
            }),
        _ => None,
    };
    label.unwrap_or_else(|| value.to_owned())
}

pub fn facet_title(lang: Lang, kind: &str) -> &'static str {
    match kind {
        "programme" => lang.pick("사업", "Programme"),
        "stage" => lang.pick("생애 단계", "Stage of working life"),
        "ai_step" => lang.pick("AI 단계(3단계)", "AI step (plan)"),
        "ai_level" => lang.pick("AI 활용 수준(4수준)", "AI level (survey)"),
        "delivery" => lang.pick("훈련 방식", "Delivery"),
        "province" => lang.pick("시도", "Province"),
        "tier" => lang.pick("지역 구분", "Region tier"),
        "hours_band" => lang.pick("총 훈련시간", "Total hours"),
        "fee_band" => lang.pick("수강료", "Course fee"),
        "ncs_major" => lang.pick("NCS 대분류", "NCS major category"),
        "start_month" => lang.pick("개강 월", "Start month"),
        "audience" => lang.pick("훈련 대상", "Who it is for"),
        "time_of_day" => lang.pick("수업 시간대", "Time of day"),
        _ => "",
    }
}

pub(super) fn status_label(lang: Lang, s: TraineeStatus) -> &'static str {
    lang.pick(s.label_ko(), s.label_en())
}

/// The query string for `query` in `lang`, optionally on another page.
fn search_href(lang: Lang, pairs: &[(String, String)], page: Option<usize>) -> String {
    let mut parts: Vec<String> = pairs
        .iter()
        .filter(|(k, v)| k != "lang" && k != "page" && !v.is_empty())
        .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
        .collect();
    if let Some(p) = page.filter(|p| *p > 1) {
        parts.push(format!("page={p}"));
    }
    if lang == Lang::En {
        parts.push("lang=en".to_owned());
    }
    if parts.is_empty() {
        "/courses".to_owned()
    } else {
        format!("/courses?{}", parts.join("&"))
    }
}

fn course_href(lang: Lang, course: &Course, profile: &Profile) -> String {
    let mut href = format!(
        "/courses/{}?status={}",
        encode_component(course.id.as_str()),
        profile.status.as_str()
    );
    if let Some(size) = profile.employer_size {
        href.push_str(&format!("&employer_size={}", size.as_str()));
    }
    if lang == Lang::En {
        href.push_str("&lang=en");
    }
    href
}

pub(super) fn lang_toggle(lang: Lang, href: String) -> Markup {
    let other = lang.other();
    html! {
        nav.lang-switch aria-label=(lang.pick("언어", "Language")) {
            a #lang-toggle href=(href) lang=(other.code()) hreflang=(other.code()) { (other.pick("한국어", "English")) }
        }
    }
}

pub(super) fn error_summary(lang: Lang, errors: &[ParamError]) -> Markup {
    html! {
        div #error-summary.error-summary role="alert" aria-labelledby="error-summary-title" tabindex="-1" {
            h2 #error-summary-title { (lang.pick("검색 조건을 확인하세요", "Check the search")) }
            ul {
                @for e in errors {
                    li { strong { (e.field) } ": " (e.reason) }
                }
            }
        }
    }
}

/// What the search page shows.
#[derive(Debug)]
pub enum SearchOutcome {
    Found(Box<(CourseQuery, SearchResults)>),
    Invalid(Vec<ParamError>),
}

pub(super) fn hours_text(lang: Lang, course: &Course) -> String {
    match lang {
        Lang::Ko => format!("{}시간(하루 {}시간)", course.total_hours, course.hours_per_day),
        Lang::En => format!("{} h ({} h a day)", course.total_hours, course.hours_per_day),
    }
}

pub(super) fn region_text(engine: &Engine, lang: Lang, course: &Course) -> String {
    engine
        .regions()
        .get(course.region)
        .map(|r| match lang {
            Lang::Ko => r.full_name.clone(),
            Lang::En => r.name_en.clone(),
        })
        .unwrap_or_else(|| course.region.to_string())
}

fn support_line(engine: &Engine, lang: Lang, course: &Course, profile: &Profile, today: NaiveDate) -> Markup {
    match catalogue::support(engine, course, profile, today) {
        Ok(estimate) => html! {
            p.course-card__support {
                span.support-pay {
                    (lang.pick("본인부담 ", "You pay "))
                    strong { (Won(estimate.totals.self_payment_won)) }
                }
                " · "
                span.support-allowance {
                    (lang.pick("훈련장려금(첫 달) ", "Allowance (first month) "))
                    strong { (Won(estimate.totals.allowance_won)) }
                }
                " · "
                span.support-programme { (lang.pick(&estimate.programme.name.ko, &estimate.programme.name.en)) }
            }
        },
        Err(none) => html! {
            p.course-card__support.course-card__support--none {
                (lang.pick("지원금 계산 불가: ", "No support estimate: ")) (none.reason)
            }
        },
    }
}

fn facet_fieldset(engine: &Engine, lang: Lang, facet: &Facet, selected: &[String]) -> Markup {
    let kind = facet.kind.as_str();
    html! {
        fieldset.facet #(format!("facet-{kind}")) {
            legend { (facet_title(lang, kind)) }
            ul.facet__values {
                @for value in &facet.values {
                    @let id = format!("f-{kind}-{}", value.value);
                    li {
                        input type="checkbox" id=(id) name=(kind) value=(value.value)
                            checked[selected.contains(&value.value)];
                        label for=(id) {
                            (facet_value_label(engine, lang, kind, &value.value))
                            " " span.facet__count { "(" (value.count) ")" }
                        }
                    }
                }
            }
        }
    }
}

pub fn search_page(
    engine: &Engine,
    lang: Lang,
    pairs: &[(String, String)],
    outcome: &SearchOutcome,
    today: NaiveDate,
) -> Markup {
    let value_of = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let selected = |kind: &str| -> Vec<String> {
        pairs
            .iter()
            .filter(|(k, _)| k == kind)
            .flat_map(|(_, v)| v.split(',').map(str::to_owned))
            .collect()
    };
    let profile = match outcome {
        SearchOutcome::Found(found) => found.0.profile,
        SearchOutcome::Invalid(_) => Profile::default(),
    };
    let title = match (outcome, lang) {
        (SearchOutcome::Invalid(_), _) => lang.pick(
            "검색 조건 오류 — 과정 찾기 — AI+역량 Up",
            "Error — Find a course — AI+ Skills Up",
        ),
        _ => lang.pick("과정 찾기 — AI+역량 Up", "Find a course — AI+ Skills Up"),
    };
    let sort_value = value_of("sort");
    let body = html! {
        h1 #page-title { (lang.pick("AI 훈련 과정 찾기", "Find an AI training course")) }
        p.lede {
            (lang.pick(
                "과정명, 기술, 직무로 검색하세요. 띄어쓰기·조사·오타가 달라도 찾아 주고, 과정마다 내가 낼 돈과 받을 훈련장려금을 규칙 엔진으로 계산해 보여 줍니다.",
                "Search by course name, skill or job. Spacing, particles and small typos do not matter, and every course shows what you would pay and the allowance you would receive, computed by the rules engine.",
            ))
        }
        @if let SearchOutcome::Invalid(errors) = outcome { (error_summary(lang, errors)) }
        form #course-search.course-search method="get" action="/courses" role="search" {
            @if lang == Lang::En { input type="hidden" name="lang" value="en"; }
            div.search-bar {
                div.field {
                    label for="q" { (lang.pick("검색어", "Search words")) }
                    input #q type="search" name="q" value=(value_of("q")) list="q-suggestions" autocomplete="off"
                        maxlength="200" placeholder=(lang.pick("예: 데이터 분석, 프롬프트 엔지니어링, LLM", "e.g. data analysis, prompt engineering, LLM"));
                    datalist #q-suggestions {}
                }
                div.field {
                    label for="status" { (lang.pick("나의 상황", "I am a")) }
                    select #status name="status" {
                        @for s in TraineeStatus::ALL {
                            option value=(s.as_str()) selected[*s == profile.status] { (status_label(lang, *s)) }
                        }
                    }
                }
                div.field {
                    label for="sort" { (lang.pick("정렬", "Sort by")) }
                    select #sort name="sort" {
                        @for (value, ko, en) in [("", "기본(관련도/개강일)", "Default (relevance / start)"), ("relevance", "관련도", "Relevance"), ("start_date", "개강일 빠른 순", "Soonest start"), ("fee_asc", "수강료 낮은 순", "Lowest fee"), ("fee_desc", "수강료 높은 순", "Highest fee"), ("hours_asc", "훈련시간 짧은 순", "Shortest"), ("hours_desc", "훈련시간 긴 순", "Longest")] {
                            option value=(value) selected[value == sort_value] { (lang.pick(ko, en)) }
                        }
                    }
                }
                div.actions { button #search-submit type="submit" { (lang.pick("검색", "Search")) } }
            }
            @if let SearchOutcome::Found(found) = outcome {
                @let (query, results) = (&found.0, &found.1);
                div.search-layout {
                    aside.facets aria-labelledby="facets-title" {
                        h2 #facets-title { (lang.pick("조건으로 좁히기", "Narrow down")) }
                        @for facet in &results.facets {
                            (facet_fieldset(engine, lang, facet, &selected(facet.kind.as_str())))
                        }
                        div.actions { button #filter-submit type="submit" { (lang.pick("조건 적용", "Apply filters")) } }
                        p { a #clear-filters href=(search_href(lang, &[("q".to_owned(), query.query.clone())], None)) { (lang.pick("조건 모두 지우기", "Clear all filters")) } }
                    }
                    section.results-list aria-labelledby="result-count" {
                        h2 #result-count aria-live="polite" {
                            @match lang {
                                Lang::Ko => { "과정 " (results.total) "개" }
                                Lang::En => { (results.total) " courses" }
                            }
                        }
                        @if results.hits.is_empty() {
                            p #no-results { (lang.pick("조건에 맞는 과정이 없습니다. 검색어를 줄이거나 조건을 지워 보세요.", "No course matches. Try fewer words or clear some filters.")) }
                        }
                        ol #results.course-list start=((query.page - 1) * query.per_page + 1) {
                            @for hit in &results.hits {
                                li.course-card {
                                    h3.course-card__title { a href=(course_href(lang, &hit.course, &query.profile)) { (hit.course.title) } }
                                    p.course-card__meta {
                                        (hit.institution.name) " · " (region_text(engine, lang, &hit.course)) " · "
                                        (lang.pick(hit.course.delivery.label_ko(), hit.course.delivery.label_en())) " · "
                                        (hours_text(lang, &hit.course)) " · "
                                        (lang.pick("수강료 ", "Fee ")) (Won(hit.course.fee_won))
                                    }
                                    @if let Some(cohort) = hit.course.next_cohort(today) {
                                        p.course-card__cohort {
                                            (lang.pick("다음 개강 ", "Next start ")) (cohort.start_date) " ~ " (cohort.end_date)
                                            " · " (lang.pick("잔여 ", "Seats left ")) (cohort.seats_left) "/" (cohort.capacity)
                                        }
                                    }
                                    (super::course::card_status_badge(lang, &hit.course, today))
                                    (support_line(engine, lang, &hit.course, &query.profile, today))
                                }
                            }
                        }
                        (pagination(lang, pairs, query.page, query.per_page, results.total))
                    }
                }
            }
        }
        script src="/assets/suggest.js" defer {}
    };
    let toggle = lang_toggle(lang, search_href(lang.other(), pairs, None));
    page(lang, title, toggle, body)
}

fn pagination(lang: Lang, pairs: &[(String, String)], page: usize, per_page: usize, total: usize) -> Markup {
    let pages = total.div_ceil(per_page).max(1);
    html! {
        @if pages > 1 {
            nav.pagination aria-label=(lang.pick("페이지", "Pages")) {
                @if page > 1 { a #page-prev rel="prev" href=(search_href(lang, pairs, Some(page - 1))) { (lang.pick("← 이전", "← Previous")) } }
                span #page-status { (page) " / " (pages) }
                @if page < pages { a #page-next rel="next" href=(search_href(lang, pairs, Some(page + 1))) { (lang.pick("다음 →", "Next →")) } }
            }
        }
    }
}
