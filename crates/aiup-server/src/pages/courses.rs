//! The course search page (`/courses`); the course page is in `course.rs`. Both work without
//! JavaScript: the filters are checkboxes in the search form. Where scripts run, `suggest.js`
//! offers completions as the user types.

use super::form::encode_component;
use super::view::{page_in, Section};
use super::widgets::as_written;
use crate::catalogue::{self, CourseQuery, ParamError, Profile};
use crate::i18n::Lang;
use aiup_catalogue::{AiLevel, AiStep, Audience, Course, FeeBand, HoursBand, NcsMajor, TimeOfDay};
use aiup_core::{Delivery, EmployerSize, RegionTier, Stage, TraineeStatus, Won};
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

/// The search parameters whose values are filters (chips, "clear all", the filter count).
const FILTER_PARAMS: &[&str] = &[
    "eligible",
    "programme",
    "stage",
    "ai_step",
    "ai_level",
    "delivery",
    "province",
    "region",
    "tier",
    "hours_band",
    "fee_band",
    "ncs_major",
    "start_month",
    "audience",
];

/// The query string of a search (without `?`): every non-empty parameter but `lang` and
/// `page` as given, then `page` when past the first, then `lang=en` in English.
fn search_query(lang: Lang, pairs: &[(String, String)], page: Option<usize>) -> String {
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
    parts.join("&")
}

/// The search page for `pairs` in `lang`, optionally on another page.
fn search_href(lang: Lang, pairs: &[(String, String)], page: Option<usize>) -> String {
    let query = search_query(lang, pairs, page);
    if query.is_empty() {
        "/courses".to_owned()
    } else {
        format!("/courses?{query}")
    }
}

/// A result's link: the course page with the whole search (query, filters, sort, page,
/// profile, language), so that its back link returns to this very page of results.
fn course_href(lang: Lang, course: &Course, pairs: &[(String, String)], page: usize) -> String {
    let path = format!("/courses/{}", encode_component(course.id.as_str()));
    let query = search_query(lang, pairs, Some(page));
    if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    }
}

/// `pairs` with one value of `key` taken out (values may be comma-separated); with
/// `province`, also the 시군구 of that province.
fn without_value(pairs: &[(String, String)], key: &str, value: &str) -> Vec<(String, String)> {
    pairs
        .iter()
        .filter_map(|(k, v)| {
            let drop = |word: &str| {
                (k == key && word == value) || (key == "province" && k == "region" && word.starts_with(value))
            };
            if k != key && !(key == "province" && k == "region") {
                return Some((k.clone(), v.clone()));
            }
            let kept: Vec<&str> = v
                .split(',')
                .map(str::trim)
                .filter(|w| !w.is_empty() && !drop(w))
                .collect();
            (!kept.is_empty()).then(|| (k.clone(), kept.join(",")))
        })
        .collect()
}

/// The active filter values, in parameter order: (key, value), one per value.
fn active_filters(pairs: &[(String, String)]) -> Vec<(String, String)> {
    let mut active: Vec<(String, String)> = Vec::new();
    for key in FILTER_PARAMS {
        for (k, v) in pairs.iter().filter(|(k, _)| k == key) {
            for word in v.split(',').map(str::trim).filter(|w| !w.is_empty()) {
                if *key == "eligible" && !matches!(word, "true" | "1" | "on") {
                    continue;
                }
                let entry = (k.clone(), word.to_owned());
                if !active.contains(&entry) {
                    active.push(entry);
                }
            }
        }
    }
    active
}

/// The parameters [`param_label`] names besides the facets.
const KNOWN_LABELS: &[&str] = &[
    "q",
    "status",
    "employer_size",
    "sort",
    "page",
    "per_page",
    "region",
    "eligible",
];

/// The visible label of a search parameter, for chips and error messages.
fn param_label(lang: Lang, key: &str) -> &'static str {
    match key {
        "q" => lang.pick("검색어", "Search words"),
        "status" => lang.pick("나의 상황", "I am a"),
        "employer_size" => lang.pick("회사 규모", "Firm size"),
        "sort" => lang.pick("정렬", "Sort by"),
        "page" => lang.pick("페이지", "Page"),
        "per_page" => lang.pick("쪽당 결과 수", "Results per page"),
        "region" => lang.pick("시군구", "District"),
        "eligible" => lang.pick("내가 들을 수 있는 과정만", "Only courses I can take"),
        other => match facet_title(lang, other) {
            "" => lang.pick("알 수 없는 조건", "Unknown parameter"),
            title => title,
        },
    }
}

fn region_label(engine: &Engine, lang: Lang, code: &str) -> String {
    aiup_core::region::RegionCode::parse(code)
        .ok()
        .and_then(|c| engine.regions().get(c))
        .map(|r| match lang {
            Lang::Ko => r.full_name.clone(),
            Lang::En => r.name_en.clone(),
        })
        .unwrap_or_else(|| code.to_owned())
}

fn chip_label(engine: &Engine, lang: Lang, key: &str, value: &str) -> String {
    match key {
        "eligible" => param_label(lang, key).to_owned(),
        "region" => region_label(engine, lang, value),
        _ => facet_value_label(engine, lang, key, value),
    }
}

/// The active filters as links that each remove one value, and one that removes them all.
fn filter_chips(engine: &Engine, lang: Lang, pairs: &[(String, String)]) -> Markup {
    let active = active_filters(pairs);
    let kept: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| !FILTER_PARAMS.contains(&k.as_str()))
        .cloned()
        .collect();
    html! {
        @if !active.is_empty() {
            nav.filter-chips #filter-chips aria-label=(lang.pick("적용한 조건", "Filters in use")) {
                ul {
                    @for (key, value) in &active {
                        @let label = chip_label(engine, lang, key, value);
                        li {
                            a.chip href=(search_href(lang, &without_value(pairs, key, value), None))
                                aria-label=(format!("{}{label}", lang.pick("필터 제거: ", "Remove filter: ")))
                                data-filter=(format!("{key}={value}")) {
                                (label) span.chip__x aria-hidden="true" { " ×" }
                            }
                        }
                    }
                    li { a.chip.chip--clear #clear-filters href=(search_href(lang, &kept, None)) { (lang.pick("모두 지우기", "Clear all")) } }
                }
            }
        }
    }
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
        div #error-summary.error-summary role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus {
            h2 #error-summary-title { (lang.pick("검색 조건을 확인하세요", "Check the search")) }
            ul {
                @for e in errors {
                    li data-field=(e.field) {
                        strong { (param_label(lang, &e.field)) }
                        @if facet_title(lang, &e.field).is_empty() && !KNOWN_LABELS.contains(&e.field.as_str()) { " (" code { (e.field) } ")" }
                        ": " (e.reason_in(lang == Lang::Ko))
                    }
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
            Lang::En => engine.regions().english_name(r),
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
        Err(none) if none.needs_employer_size() => html! {
            p.course-card__support.course-card__support--size data-reason=(none.code) {
                (lang.pick(&none.message.ko, &none.message.en)) " "
                a href="#employer_size" { (lang.pick("회사 규모 선택", "Choose your firm's size")) }
            }
        },
        Err(none) if none.code == "not_admitted" => html! {
            p.course-card__support.course-card__support--ineligible data-reason=(none.code) {
                strong { (lang.pick("들을 수 없음: ", "Not open to you: ")) }
                (lang.pick(&none.message.ko, &none.message.en))
            }
        },
        Err(none) => html! {
            p.course-card__support.course-card__support--none data-reason=(none.code) {
                (lang.pick("지원금 계산 불가: ", "No support estimate: ")) (lang.pick(&none.message.ko, &none.message.en))
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

/// The 시군구 of the chosen provinces, as checkboxes; nothing until a province is chosen.
fn region_fieldset(engine: &Engine, lang: Lang, provinces: &[String], selected: &[String]) -> Markup {
    html! {
        @if !provinces.is_empty() {
            fieldset.facet #facet-region {
                legend { (param_label(lang, "region")) }
                ul.facet__values {
                    @for region in engine.regions().regions().iter().filter(|r| provinces.contains(&r.sido_code)) {
                        @let code = region.code.to_string();
                        @let id = format!("f-region-{code}");
                        li {
                            input type="checkbox" id=(id) name="region" value=(code) checked[selected.contains(&code)];
                            label for=(id) { (match lang { Lang::Ko => region.full_name.clone(), Lang::En => region.name_en.clone() }) }
                        }
                    }
                }
            }
        }
    }
}

const SORTS: [(&str, &str, &str); 9] = [
    ("", "기본(관련도/개강일)", "Default (relevance / start)"),
    ("relevance", "관련도", "Relevance"),
    ("start_date", "개강일 빠른 순", "Soonest start"),
    ("pay_asc", "내가 낼 돈 적은 순", "Least you pay"),
    ("allowance_desc", "훈련장려금 많은 순", "Highest allowance"),
    ("fee_asc", "수강료 낮은 순", "Lowest fee"),
    ("fee_desc", "수강료 높은 순", "Highest fee"),
    ("hours_asc", "훈련시간 짧은 순", "Shortest"),
    ("hours_desc", "훈련시간 긴 순", "Longest"),
];

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
            .flat_map(|(_, v)| v.split(',').map(|w| w.trim().to_owned()))
            .collect()
    };
    let (profile, eligible_only) = match outcome {
        SearchOutcome::Found(found) => (found.0.profile, found.0.eligible_only),
        SearchOutcome::Invalid(_) => (
            Profile::of(
                TraineeStatus::parse(value_of("status")).unwrap_or(TraineeStatus::JobSeeker),
                EmployerSize::parse(value_of("employer_size")),
            ),
            matches!(value_of("eligible"), "true" | "1" | "on"),
        ),
    };
    let title = match (outcome, lang) {
        (SearchOutcome::Invalid(_), _) => lang.pick(
            "검색 조건 오류 — 과정 찾기 — AI+역량 Up",
            "Error — Find a course — AI+ Skills Up",
        ),
        _ => lang.pick("과정 찾기 — AI+역량 Up", "Find a course — AI+ Skills Up"),
    };
    let sort_value = value_of("sort");
    let filter_count = active_filters(pairs).len();
    let body = html! {
        a.skip-link.skip-link--results href="#results" { (lang.pick("결과로 건너뛰기", "Skip to results")) }
        h1 #page-title.search-page-title { (lang.pick("AI 훈련 과정 찾기", "Find an AI training course")) }
        p.lede.search-lede {
            (lang.pick(
                "과정명, 기술, 직무로 검색하세요. 띄어쓰기·조사·오타가 달라도 찾아 주고, 과정마다 내가 낼 돈과 받을 훈련장려금을 규칙 엔진으로 계산해 보여 줍니다.",
                "Search by course name, skill or job. Spacing, particles and small typos do not matter, and every course shows what you would pay and the allowance you would receive, computed by the rules engine.",
            ))
        }
        @if let SearchOutcome::Invalid(errors) = outcome { (error_summary(lang, errors)) }
        form #course-search.course-search method="get" action="/courses" role="search" {
            @if lang == Lang::En { input type="hidden" name="lang" value="en"; }
            div.search-bar {
                div.field.field--q {
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
                div.field.field--employer-size {
                    label for="employer_size" { (lang.pick("회사 규모", "Firm size")) }
                    select #employer_size name="employer_size" aria-describedby="employer-size-hint" {
                        option value="" selected[profile.employer_size.is_none()] { (lang.pick("선택 안 함", "Not given")) }
                        @for z in EmployerSize::ALL {
                            option value=(z.as_str()) selected[Some(*z) == profile.employer_size] { (lang.pick(z.label_ko(), z.label_en())) }
                        }
                    }
                }
                p.hint.search-bar__hint #employer-size-hint { (lang.pick("재직자만: 회사 규모에 따라 지원이 달라집니다.", "Employees only: support depends on the firm's size.")) }
                div.field {
                    label for="sort" { (lang.pick("정렬", "Sort by")) }
                    select #sort name="sort" {
                        @for (value, ko, en) in SORTS {
                            option value=(value) selected[value == sort_value] { (lang.pick(ko, en)) }
                        }
                    }
                }
                div.actions { button #search-submit type="submit" { (lang.pick("검색", "Search")) } }
            }
            @if let SearchOutcome::Found(found) = outcome {
                @let (query, results) = (&found.0, &found.1);
                (filter_chips(engine, lang, pairs))
                div.search-layout {
                    details.search-filters #filters {
                        summary.search-filters__toggle #filters-toggle {
                            @match lang {
                                Lang::Ko => { "필터 " (filter_count) "개" }
                                Lang::En => { "Filters (" (filter_count) ")" }
                            }
                        }
                        div.facets aria-labelledby="facets-title" role="group" {
                            h2 #facets-title { (lang.pick("조건으로 좁히기", "Narrow down")) }
                            div.facet.facet--eligible {
                                input #f-eligible type="checkbox" name="eligible" value="true" checked[eligible_only] aria-describedby="eligible-hint";
                                label for="f-eligible" { (param_label(lang, "eligible")) }
                                p.hint #eligible-hint { (lang.pick("선택한 상황(과 회사 규모)으로 들을 수 있는 과정만 보여 줍니다.", "Shows only courses whose programmes admit the situation (and firm size) chosen above.")) }
                            }
                            @for facet in &results.facets {
                                (facet_fieldset(engine, lang, facet, &selected(facet.kind.as_str())))
                                @if facet.kind.as_str() == "province" {
                                    (region_fieldset(engine, lang, &query.filters.provinces, &selected("region")))
                                }
                            }
                            div.actions { button #filter-submit type="submit" { (lang.pick("조건 적용", "Apply filters")) } }
                        }
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
                        ol #results.course-list tabindex="-1" start=((query.page - 1) * query.per_page + 1) {
                            @for hit in &results.hits {
                                li.course-card {
                                    h3.course-card__title { a href=(course_href(lang, &hit.course, pairs, query.page)) { (as_written(lang, &hit.course.title)) } }
                                    p.course-card__meta {
                                        (as_written(lang, &hit.institution.name)) " · " (region_text(engine, lang, &hit.course)) " · "
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
    page_in(Section::Courses, lang, title, toggle, body)
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
