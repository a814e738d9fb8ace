//! The course page (`/courses/{id}`): what the course is and who runs it, its cohorts and how
//! to apply, the trainee's support for the month and the whole course, the syllabus,
//! timetable and entry requirements, and quality signals with their sources. It works without
//! JavaScript and carries the search it was opened from (every search parameter) back to the
//! search page, across the language toggle and through its profile form.

use super::courses::{error_summary, facet_value_label, hours_text, lang_toggle, region_text, status_label};
use super::form::encode_component;
use super::results::component;
use super::view::{page_in, Section};
use super::widgets::{as_written, hidden, words_as_written};
use crate::catalogue::{ParamError, Profile};
use crate::i18n::Lang;
use aiup_app::accounts::{Actor, Permission};
use aiup_app::course_support::course_support;
use aiup_app::enrolment::Enrolment;
use aiup_catalogue::details::{format_hh_mm, QualityMeasure};
use aiup_catalogue::{Cohort, CohortStatus, Course, Institution, QualitySignal};
use aiup_core::policy::TuitionScheme;
use aiup_core::{EmployerSize, TraineeStatus, Won};
use aiup_rules::Engine;
use chrono::{NaiveDate, Weekday};
use maud::{html, Markup};

/// Where a trainee applies until enrolment arrives here (issue 9): 고용24, the national portal.
pub const WORK24_URL: &str = "https://www.work24.go.kr/";

/// The query string of `pairs` without `lang` and the profile keys in `drop`, with `lang=en`
/// for English; empty when nothing is left.
fn query_string(lang: Lang, pairs: &[(String, String)], drop: &[&str]) -> String {
    let mut parts: Vec<String> = pairs
        .iter()
        .filter(|(k, v)| k != "lang" && !drop.contains(&k.as_str()) && !v.is_empty())
        .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
        .collect();
    if lang == Lang::En {
        parts.push("lang=en".to_owned());
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// The search the page was opened from.
pub fn back_href(lang: Lang, pairs: &[(String, String)]) -> String {
    format!("/courses{}", query_string(lang, pairs, &[]))
}

fn course_path(course: &Course) -> String {
    format!("/courses/{}", encode_component(course.id.as_str()))
}

fn weekday_label(lang: Lang, day: Weekday) -> &'static str {
    const KO: [&str; 7] = ["월", "화", "수", "목", "금", "토", "일"];
    const EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let i = day.num_days_from_monday() as usize;
    lang.pick(KO[i], EN[i])
}

fn status_badge(lang: Lang, status: CohortStatus) -> Markup {
    html! {
        span class=(format!("badge badge--{}", status.as_str())) { (lang.pick(status.label_ko(), status.label_en())) }
    }
}

/// The badge a search result card shows for the course's next cohort: only the statuses that
/// change what a trainee does (full, waiting list, closing soon).
pub fn card_status_badge(lang: Lang, course: &Course, today: NaiveDate) -> Markup {
    match course.card_status(today) {
        Some(status @ (CohortStatus::Full | CohortStatus::WaitingList | CohortStatus::ClosingSoon)) => html! {
            p.course-card__status { (status_badge(lang, status)) }
        },
        _ => html! {},
    }
}

fn application_text(lang: Lang, cohort: &Cohort) -> String {
    match (cohort.application, lang) {
        (Some(p), Lang::Ko) => format!("{} ~ {}", p.start, p.end),
        (Some(p), Lang::En) => format!("{} to {}", p.start, p.end),
        (None, Lang::Ko) => format!("개강 전날({})까지", cohort.application_deadline()),
        (None, Lang::En) => format!("until the day before it starts ({})", cohort.application_deadline()),
    }
}

fn contact_links(lang: Lang, institution: &Institution) -> Markup {
    let c = &institution.contact;
    html! {
        @if let Some(phone) = &c.phone {
            a.contact-phone href=(phone.tel_href()) { (lang.pick("전화 ", "Call ")) (phone) }
        }
        @if let Some(email) = &c.email {
            " " a.contact-email href=(email.mailto_href()) { (email) }
        }
    }
}

/// Work24 by the name English readers may not know, with the Korean one they will see there.
fn work24(lang: Lang) -> Markup {
    match lang {
        Lang::Ko => html! { "고용24" },
        Lang::En => html! { "Work24 (" span lang="ko" { "고용24" } ")" },
    }
}

fn institution_section(lang: Lang, institution: &Institution) -> Markup {
    let c = &institution.contact;
    let none = lang.pick("등록된 정보 없음", "not given");
    html! {
        section #institution aria-labelledby="institution-title" {
            h2 #institution-title { (lang.pick("훈련기관", "Who runs it")) }
            dl.facts #institution-facts {
                dt { (lang.pick("기관명", "Name")) } dd #institution-name { (as_written(lang, &institution.name)) }
                dt { (lang.pick("기관 유형", "Kind")) } dd { (lang.pick(institution.kind.label_ko(), institution.kind.label_en())) }
                dt { (lang.pick("인증 등급", "Certification")) } dd { (lang.pick(institution.grade.label_ko(), institution.grade.label_en())) }
                dt { (lang.pick("주소", "Address")) } dd #institution-address { @match &c.address { Some(a) => { (as_written(lang, a)) }, None => { (none) } } }
                dt { (lang.pick("전화", "Phone")) }
                dd #institution-phone {
                    @match &c.phone { Some(p) => { a href=(p.tel_href()) { (p) } }, None => { (none) } }
                }
                dt { (lang.pick("이메일", "Email")) }
                dd #institution-email {
                    @match &c.email { Some(e) => { a href=(e.mailto_href()) { (e) } }, None => { (none) } }
                }
                dt { (lang.pick("누리집", "Website")) }
                dd #institution-website {
                    @match &c.website {
                        Some(w) => { a href=(w.as_str()) rel="noopener external" { (w) span.visually-hidden { (lang.pick(" (외부 사이트)", " (external site)")) } } },
                        None => { (none) }
                    }
                }
            }
        }
    }
}

fn cohorts_section(lang: Lang, course: &Course, next: Option<&Cohort>, today: NaiveDate) -> Markup {
    html! {
        section #cohorts-section aria-labelledby="cohorts-title" {
            h2 #cohorts-title { (lang.pick("개강 일정", "Cohorts")) }
            @if course.cohorts.is_empty() {
                p { (lang.pick("예정된 기수가 없습니다.", "No cohort is scheduled.")) }
            } @else {
                div.table-scroll role="region" aria-labelledby="cohorts-caption" tabindex="0" {
                    table.data #cohorts {
                        caption { span.caption__title #cohorts-caption { (lang.pick("기수별 일정, 신청 기간, 잔여 좌석과 신청 상태", "Dates, application period, seats left and status by cohort")) } }
                        thead { tr {
                            th scope="col" { (lang.pick("개강일", "Starts")) }
                            th scope="col" { (lang.pick("종료일", "Ends")) }
                            th scope="col" { (lang.pick("신청 기간", "Applications")) }
                            th scope="col" .num { (lang.pick("정원", "Capacity")) }
                            th scope="col" .num { (lang.pick("잔여 좌석", "Seats left")) }
                            th scope="col" { (lang.pick("상태", "Status")) }
                        } }
                        tbody {
                            @for (i, c) in course.cohorts.iter().enumerate() {
                                @let is_next = next.is_some_and(|n| std::ptr::eq(n, c));
                                tr id=(format!("cohort-{}", i + 1)) class=[is_next.then_some("cohort--next")] {
                                    th scope="row" {
                                        (c.start_date)
                                        @if is_next { " " strong.next-marker { (lang.pick("(다음 신청 기수)", "(next to apply for)")) } }
                                    }
                                    td { (c.end_date) }
                                    td { (application_text(lang, c)) }
                                    td.num { (c.capacity) }
                                    td.num { (c.seats_left) }
                                    td {
                                        (status_badge(lang, c.status(today)))
                                        @if c.waiting_list && c.status(today) != CohortStatus::WaitingList && c.status(today) != CohortStatus::Closed {
                                            " " span.muted { (lang.pick("(마감 시 대기 접수)", "(waiting list when full)")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// What a trainee needs before applying, from the tuition schemes of the course's programmes.
enum Prerequisite {
    /// A card-funded programme (card, KDC, KDT's priority table, AI assistant): 내일배움카드.
    Card,
    /// Employer training only: through the employer.
    Employer,
    /// Anything else: the institution says.
    AskInstitution,
}

fn prerequisite(engine: &Engine, course: &Course) -> Prerequisite {
    let schemes: Vec<TuitionScheme> = course
        .programmes
        .iter()
        .filter_map(|id| engine.policy().programme(id.as_str()))
        .map(|p| p.tuition_scheme)
        .collect();
    if schemes.iter().any(|s| {
        matches!(
            s,
            TuitionScheme::Card | TuitionScheme::Kdc | TuitionScheme::PriorityTable | TuitionScheme::AiAssistant
        )
    }) {
        Prerequisite::Card
    } else if !schemes.is_empty() && schemes.iter().all(|s| *s == TuitionScheme::Employer) {
        Prerequisite::Employer
    } else {
        Prerequisite::AskInstitution
    }
}

fn apply_section(
    engine: &Engine,
    lang: Lang,
    course: &Course,
    institution: &Institution,
    next: Option<&Cohort>,
    pairs: &[(String, String)],
    today: NaiveDate,
) -> Markup {
    let status = next.map(|c| c.status(today));
    let contact = &institution.contact;
    // A link that always leads somewhere: the phone, else email, else website, else 고용24.
    let contact_href = contact
        .phone
        .as_ref()
        .map(|p| p.tel_href())
        .or_else(|| contact.email.as_ref().map(|e| e.mailto_href()))
        .or_else(|| contact.website.as_ref().map(|w| w.to_string()))
        .unwrap_or_else(|| WORK24_URL.to_owned());
    let later = next.and_then(|n| {
        course
            .cohorts
            .iter()
            .find(|c| c.start_date > n.start_date && c.status(today).takes_applications())
    });
    html! {
        section #apply aria-labelledby="apply-title" {
            h2 #apply-title { (lang.pick("신청 방법", "How to apply")) }
            @match (next, status) {
                (Some(cohort), Some(CohortStatus::Open | CohortStatus::ClosingSoon)) => {
                    p #apply-status {
                        (status_badge(lang, status.unwrap_or(CohortStatus::Open))) " "
                        (lang.pick("다음 신청 기수: ", "Next cohort: ")) (cohort.start_date) " ~ " (cohort.end_date)
                        " · " (lang.pick("신청 마감 ", "Applications close ")) (cohort.application_deadline())
                    }
                    p { (lang.pick("아래 '이 누리집에서 신청하기'에서 신청하거나, 고용24에서 다음 순서로 신청하세요.", "Apply below under 'Apply on this site', or on Work24 like this:")) }
                    ol.steps #apply-steps {
                        li #apply-prerequisite {
                            @match prerequisite(engine, course) {
                                Prerequisite::Card => { @match lang {
                                    Lang::Ko => { "국민내일배움카드가 있어야 신청할 수 있습니다. 없다면 고용24에서 먼저 발급을 신청하세요." }
                                    Lang::En => { "You need a National Tomorrow Learning Card (" span lang="ko" { "국민내일배움카드" } "). If you do not have one, apply for it on " (work24(lang)) " first." }
                                } }
                                Prerequisite::Employer => { (lang.pick("사업주 훈련 과정입니다. 다니는 회사의 훈련 담당자에게 먼저 알리고 회사를 통해 신청하세요.", "This is employer training: tell your employer's training contact first and apply through your employer.")) }
                                Prerequisite::AskInstitution => { (lang.pick("신청 자격은 훈련기관에 확인하세요(아래 연락처).", "Check with the institution who may apply (contact below).")) }
                            }
                        }
                        li { (lang.pick("고용24에서 과정명 또는 과정 ID ", "On Work24, search for the course title or course id ")) code { (course.id) } (lang.pick("로 이 과정을 찾아 수강 신청하세요.", " and apply.")) }
                        li { (lang.pick("궁금한 점은 훈련기관에 문의하세요: ", "Questions? Contact the institution: ")) (contact_links(lang, institution)) }
                    }
                    p { a.button.button--primary #apply-link href=(WORK24_URL) rel="noopener external" { @match lang { Lang::Ko => { "고용24에서 수강 신청하기" } Lang::En => { "Apply on " (work24(lang)) } } } }
                }
                (Some(cohort), Some(CohortStatus::WaitingList)) => {
                    p #apply-status { (status_badge(lang, CohortStatus::WaitingList)) " " (lang.pick("정원이 찼지만 대기자를 받습니다: ", "This cohort is full but takes a waiting list: ")) (cohort.start_date) " ~ " (cohort.end_date) }
                    p { (lang.pick("훈련기관에 연락해 대기자로 등록하세요. 자리가 나면 순서대로 연락합니다.", "Contact the institution to join the waiting list; they call people in order when a seat frees up.")) }
                    p { a.button.button--primary #apply-link href=(contact_href) { (lang.pick("훈련기관에 대기 신청하기", "Join the waiting list with the institution")) } }
                    @if let Some(c) = later { p #apply-later { (lang.pick("또는 다음 기수에 신청: ", "Or apply for a later cohort: ")) a href=(format!("#cohort-{}", course.cohorts.iter().position(|k| std::ptr::eq(k, c)).unwrap_or(0) + 1)) { (c.start_date) } } }
                }
                (Some(cohort), Some(CohortStatus::NotYetOpen)) => {
                    p #apply-status { (status_badge(lang, CohortStatus::NotYetOpen)) " " (lang.pick("신청은 ", "Applications open on ")) (cohort.application.map_or(cohort.start_date, |p| p.start)) (lang.pick("부터 받습니다.", ".")) }
                    p { @match lang { Lang::Ko => { "신청이 열리면 고용24에서 신청합니다. 국민내일배움카드를 미리 준비하세요." } Lang::En => { "When applications open, apply on " (work24(lang)) ". Get your National Tomorrow Learning Card ready." } } }
                    p { a.button.button--primary #apply-link href=(contact_href) { (lang.pick("훈련기관에 미리 문의하기", "Ask the institution ahead")) } }
                }
                _ => {
                    @let full = course.cohorts.iter().any(|c| c.status(today) == CohortStatus::Full);
                    p #apply-status {
                        @if full { (status_badge(lang, CohortStatus::Full)) " " (lang.pick("신청할 수 있는 기수가 없습니다(정원 마감).", "No cohort takes applications (full).")) }
                        @else { (lang.pick("지금 신청할 수 있는 기수가 없습니다.", "No cohort takes applications now.")) }
                    }
                    p { (lang.pick("훈련기관에 다음 기수 일정을 문의하거나 비슷한 과정을 찾아보세요.", "Ask the institution about the next cohort, or look for a similar course.")) }
                    p { a.button.button--primary #apply-link href=(back_href(lang, pairs)) { (lang.pick("비슷한 과정 찾기", "Find a similar course")) } " " (contact_links(lang, institution)) }
                }
            }
        }
    }
}

/// The cohorts a trainee can apply to today, with their index in the course's list.
fn open_cohorts(course: &Course, today: NaiveDate) -> Vec<(usize, &Cohort)> {
    course
        .cohorts
        .iter()
        .enumerate()
        .filter(|(_, c)| c.status(today).takes_applications())
        .collect()
}

/// Applying on this site: a form per open cohort with the programme to apply under, for a
/// signed-in trainee; a sign-in link for anyone else who could be one.
fn apply_here_section(
    engine: &Engine,
    lang: Lang,
    course: &Course,
    reader: Option<&Actor>,
    mine: &[Enrolment],
    today: NaiveDate,
) -> Markup {
    let open = open_cohorts(course, today);
    if open.is_empty() {
        return html! {};
    }
    let programmes: Vec<&aiup_core::policy::Programme> = course
        .programmes
        .iter()
        .filter_map(|id| engine.policy().programme(id.as_str()))
        .filter(|p| p.is_trainee_facing())
        .collect();
    if programmes.is_empty() {
        return html! {};
    }
    let trainee = reader.filter(|a| a.allows(Permission::OwnLearning));
    let next = format!(
        "{}{}",
        course_path(course),
        if lang == Lang::En { "?lang=en" } else { "" }
    );
    html! {
        section #apply-here aria-labelledby="apply-here-title" {
            h2 #apply-here-title { (lang.pick("이 누리집에서 신청하기", "Apply on this site")) }
            @match trainee {
                None if reader.is_some() => {
                    p { (lang.pick("훈련생 계정으로 로그인하면 여기서 신청할 수 있습니다.", "Sign in with a trainee account to apply here.")) }
                }
                None => {
                    p { a #apply-signin href=(format!("/signin?next={}", encode_component(&next))) { (lang.pick("로그인하고 신청하기", "Sign in to apply")) } }
                }
                Some(actor) => {
                    p.hint { (lang.pick("신청하면 훈련기관이 선발합니다. 선발될 때 카드에서 지원금이 잡히고 자부담이 정해집니다. 신청 결과는 '나의 수강 신청'에서 봅니다.",
                        "The institution decides on your application. When you are accepted, the card's share is held and your self-payment is set. See the result under 'My applications'.")) }
                    @for (i, cohort) in &open {
                        @let select_id = format!("programme-{i}");
                        @let applied = mine.iter().find(|e| usize::try_from(e.record.cohort_ordinal).ok() == Some(*i));
                        @if let Some(e) = applied {
                            div.panel #(format!("applied-{i}")) {
                                p { strong { (cohort.start_date) " ~ " (cohort.end_date) } }
                                p { (lang.pick("이 기수에 신청했습니다: ", "You have applied for this cohort: "))
                                    strong { (lang.pick(e.status.label_ko(), e.status.label_en())) } ". "
                                    a href=(super::widgets::href("/me/applications", lang)) { (lang.pick("나의 수강 신청 보기", "See my applications")) } }
                            }
                        } @else {
                        form.panel.apply-form method="post" action="/me/applications" {
                            (hidden(actor.csrf_token().unwrap_or_default(), lang))
                            input type="hidden" name="course" value=(course.id.as_str());
                            input type="hidden" name="cohort" value=(i);
                            p { strong { (cohort.start_date) " ~ " (cohort.end_date) } " " (status_badge(lang, cohort.status(today))) }
                            div.field {
                                label for=(select_id) { (lang.pick("지원 사업", "Programme")) }
                                select id=(select_id) name="programme" {
                                    @for p in &programmes {
                                        option value=(p.id.as_str()) { (lang.pick(&p.name.ko, &p.name.en)) }
                                    }
                                }
                            }
                            div.actions { button type="submit" id=(format!("apply-{i}")) {
                                @if cohort.status(today) == CohortStatus::WaitingList { (lang.pick("대기 신청하기", "Join the waiting list")) }
                                @else { (lang.pick("이 기수에 신청하기", "Apply for this cohort")) }
                            } }
                        }
                        }
                    }
                }
            }
        }
    }
}

fn profile_form(lang: Lang, course: &Course, profile: &Profile, pairs: &[(String, String)]) -> Markup {
    let employed = profile.status == TraineeStatus::Employed;
    html! {
        form.profile-form #profile-form method="get" action=(course_path(course)) {
            @for (k, v) in pairs.iter().filter(|(k, v)| !matches!(k.as_str(), "lang" | "status" | "employer_size") && !v.is_empty()) {
                input type="hidden" name=(k) value=(v);
            }
            @if lang == Lang::En { input type="hidden" name="lang" value="en"; }
            div.field {
                label for="status" { (lang.pick("나의 상황", "I am a")) }
                select #status name="status" {
                    @for s in TraineeStatus::ALL {
                        option value=(s.as_str()) selected[*s == profile.status] { (status_label(lang, *s)) }
                    }
                }
            }
            @if employed {
                div.field {
                    label for="employer_size" { (lang.pick("회사 규모", "Employer size")) }
                    select #employer_size name="employer_size" {
                        option value="" selected[profile.employer_size.is_none()] { (lang.pick("선택 안 함", "Not chosen")) }
                        @for size in EmployerSize::ALL {
                            option value=(size.as_str()) selected[profile.employer_size == Some(*size)] { (lang.pick(size.label_ko(), size.label_en())) }
                        }
                    }
                }
            } @else if let Some(size) = profile.employer_size {
                input type="hidden" name="employer_size" value=(size.as_str());
            }
            div.actions { button #profile-submit type="submit" { (lang.pick("다시 계산", "Recalculate")) } }
            @if !employed { p.hint { (lang.pick("재직자를 고르고 다시 계산하면 회사 규모를 고를 수 있습니다.", "Choose employee and recalculate to give your employer's size.")) } }
        }
    }
}

fn support_section(
    engine: &Engine,
    lang: Lang,
    course: &Course,
    profile: &Profile,
    pairs: &[(String, String)],
    today: NaiveDate,
) -> Markup {
    html! {
        section aria-labelledby="support-title" #support {
            h2 #support-title { (lang.pick("나의 지원금", "Your support")) }
            (profile_form(lang, course, profile, pairs))
            @match course_support(engine, course, profile, today) {
                Ok(support) => {
                    @let estimate = &support.first;
                    p.results__case {
                        (lang.pick("적용 사업: ", "Programme: ")) strong { (lang.pick(&estimate.programme.name.ko, &estimate.programme.name.en)) }
                        @if let Some(cohort) = course.next_cohort(today) {
                            " · " (lang.pick("기준 기수 ", "Cohort ")) (cohort.start_date) " ~ " (cohort.end_date)
                        }
                        " · " (lang.pick("정책 버전 ", "Policy ")) (estimate.policy_version)
                    }
                    dl.figures {
                        div.figure.figure--main #figure-self-payment { dt { (lang.pick("본인부담금", "You pay")) } dd.figure__amount #figure-self-payment-amount { (Won(estimate.totals.self_payment_won)) } }
                        div.figure #figure-tuition { dt { (lang.pick("정부 지원 수강료", "Tuition paid by the government")) } dd.figure__amount { (Won(estimate.totals.tuition_support_won)) } }
                        div.figure #figure-allowance { dt { (lang.pick("훈련장려금(첫 단위기간, 전부 출석 가정)", "Allowance (first unit period, full attendance)")) } dd.figure__amount #figure-allowance-amount { (Won(estimate.totals.allowance_won)) } }
                        div.figure #figure-allowance-total {
                            dt {
                                @match lang {
                                    Lang::Ko => { "훈련장려금 과정 전체(단위기간 " (support.periods) "개, 약 " (support.periods) "개월, 전부 출석 가정)" }
                                    Lang::En => { "Allowance, whole course (" (support.periods) (if support.periods == 1 { " unit period" } else { " unit periods" }) " of about a month, full attendance)" }
                                }
                            }
                            dd.figure__amount #figure-allowance-total-amount { (Won(support.allowance_total_won)) }
                        }
                    }
                    p.explanation { (lang.pick(&estimate.explanation.ko, &estimate.explanation.en)) }
                    // The components' headings are h4: this h3 keeps the outline in order.
                    h3 #support-components-title { (lang.pick("지원금 구성", "How it adds up")) }
                    div.components {
                        @for c in &estimate.components { (component(lang, c)) }
                    }
                }
                Err(none) => {
                    p #support-unavailable.assumption { (lang.pick("이 과정은 선택한 상황에 대한 지원금을 계산할 수 없습니다: ", "No support estimate for this situation: ")) (lang.pick(&none.message.ko, &none.message.en)) }
                }
            }
        }
    }
}

fn learning_section(lang: Lang, course: &Course) -> Markup {
    let details = &course.details;
    html! {
        section #learning aria-labelledby="learning-title" {
            h2 #learning-title { (lang.pick("무엇을 언제 배우나요", "What and when you learn")) }
            h3 #syllabus-title { (lang.pick("교과 구성", "Syllabus")) }
            @if details.syllabus.is_empty() {
                p #syllabus-none { (lang.pick("훈련기관이 교과 구성을 아직 등록하지 않았습니다.", "The institution has not given a syllabus yet.")) }
            } @else {
                div.table-scroll role="region" aria-labelledby="syllabus-title" tabindex="0" {
                    table.data #syllabus {
                        caption { span.caption__title { (lang.pick("능력단위별 교과와 훈련시간", "Units and their hours")) } }
                        thead { tr {
                            th scope="col" { (lang.pick("교과(능력단위)", "Unit")) }
                            th scope="col" { (lang.pick("NCS 능력단위 코드", "NCS unit code")) }
                            th scope="col" .num { (lang.pick("시간", "Hours")) }
                            th scope="col" { (lang.pick("학습 성과", "Learning outcomes")) }
                        } }
                        tbody {
                            @for unit in &details.syllabus {
                                tr {
                                    th scope="row" { (as_written(lang, &unit.name)) }
                                    td { @match &unit.ncs_unit { Some(code) => { code { (code) } }, None => { "—" } } }
                                    td.num { (unit.hours) }
                                    td { @if unit.outcomes.is_empty() { "—" } @else { ul.outcomes { @for o in &unit.outcomes { li { (as_written(lang, o)) } } } } }
                                }
                            }
                        }
                        tfoot { tr {
                            th scope="row" colspan="2" { (lang.pick("합계", "Total")) }
                            td.num { (course.total_hours) }
                            td {}
                        } }
                    }
                }
            }
            h3 #timetable-title { (lang.pick("시간표", "Timetable")) }
            @match &details.timetable {
                Some(t) => {
                    dl.facts #timetable {
                        dt { (lang.pick("요일", "Days")) } dd { (t.days.iter().map(|d| weekday_label(lang, *d)).collect::<Vec<_>>().join(lang.pick("·", ", "))) }
                        dt { (lang.pick("시간", "Hours")) } dd { (format_hh_mm(t.start)) "–" (format_hh_mm(t.end)) (lang.pick(" (한국 시간)", " (Korea time)")) }
                        dt { (lang.pick("시간대", "Time of day")) } dd #time-of-day { (lang.pick(t.time_of_day().label_ko(), t.time_of_day().label_en())) }
                    }
                }
                None => { p #timetable-none { (lang.pick("정해진 시간표가 없습니다(원격 과정은 원하는 시간에 수강).", "No fixed timetable (remote courses are studied at any time).")) } }
            }
            h3 #requirements-title { (lang.pick("수강 자격과 선수지식", "Entry requirements")) }
            @if details.entry_requirements.is_empty() {
                p #requirements { (lang.pick("별도의 수강 자격이 등록되지 않았습니다.", "No entry requirements are given.")) }
            } @else {
                p #requirements { (as_written(lang, &details.entry_requirements)) }
            }
        }
    }
}

fn signal_value(lang: Lang, measure: QualityMeasure, signal: &QualitySignal) -> String {
    let value = measure.format_value(signal.value);
    match (measure, lang) {
        (QualityMeasure::Satisfaction, Lang::Ko) => format!("5점 만점에 {value}점"),
        (QualityMeasure::Satisfaction, Lang::En) => format!("{value} out of 5"),
        (_, _) => format!("{value}%"),
    }
}

fn quality_section(lang: Lang, course: &Course) -> Markup {
    let quality = &course.details.quality;
    html! {
        section #quality aria-labelledby="quality-title" {
            h2 #quality-title { (lang.pick("품질 지표", "Quality signals")) }
            dl.facts #quality-signals {
                @for measure in QualityMeasure::ALL {
                    dt { (match measure {
                        QualityMeasure::Satisfaction => lang.pick("훈련 만족도", "Trainee satisfaction"),
                        QualityMeasure::Completion => lang.pick("수료율", "Completion rate"),
                        QualityMeasure::Employment => lang.pick("취업률", "Employment rate"),
                    }) }
                    dd id=(format!("quality-{}", measure.key())) {
                        @match quality.get(measure) {
                            Some(signal) => {
                                strong { (signal_value(lang, measure, signal)) }
                                " · "
                                @match (measure, lang) {
                                    (QualityMeasure::Satisfaction, Lang::Ko) => { "응답 " (signal.base) "명" }
                                    (QualityMeasure::Satisfaction, Lang::En) => { (signal.base) " respondents" }
                                    (_, Lang::Ko) => { "대상 " (signal.base) "명" }
                                    (_, Lang::En) => { "of " (signal.base) " trainees" }
                                }
                                " · " (lang.pick("출처 ", "Source ")) (as_written(lang, &signal.source))
                                " · " (lang.pick("기준일 ", "As of ")) (signal.as_of)
                            }
                            None => { span.muted { (lang.pick("아직 자료 없음", "No data yet")) } }
                        }
                    }
                }
            }
        }
    }
}

fn facts_section(engine: &Engine, lang: Lang, course: &Course, today: NaiveDate) -> Markup {
    let precedence = aiup_app::tier_precedence_on(engine, today);
    let tier = engine.regions().get(course.region).map(|r| r.tier(precedence));
    let list = |items: Vec<String>| items.join(", ");
    html! {
        section aria-labelledby="facts-title" {
            h2 #facts-title { (lang.pick("과정 정보", "About the course")) }
            dl.facts #course-facts {
                dt { (lang.pick("과정 ID", "Course id")) } dd { code { (course.id) } }
                dt { (lang.pick("사업", "Programmes")) } dd { (list(course.programmes.iter().map(|p| facet_value_label(engine, lang, "programme", p.as_str())).collect())) }
                dt { (lang.pick("NCS 분류", "NCS code")) } dd { (course.ncs) " (" (lang.pick(course.ncs.major().label_ko(), course.ncs.major().label_en())) ")" }
                dt { (lang.pick("직종", "Occupation")) } dd { (as_written(lang, &course.occupation)) }
                dt { (lang.pick("AI 단계", "AI step")) } dd { (course.ai_step.map(|s| lang.pick(s.label_ko(), s.label_en())).unwrap_or(lang.pick("AI 과정 아님", "not an AI course"))) }
                dt { (lang.pick("AI 활용 수준", "AI level")) } dd { (course.ai_level.map(|s| lang.pick(s.label_ko(), s.label_en())).unwrap_or("—")) }
                dt { (lang.pick("기초 모듈", "Basic modules")) } dd { (list(course.modules.iter().map(|m| lang.pick(m.label_ko(), m.label_en()).to_owned()).collect())) @if course.modules.is_empty() { "—" } }
                dt { (lang.pick("훈련 방식", "Delivery")) } dd { (lang.pick(course.delivery.label_ko(), course.delivery.label_en())) }
                dt { (lang.pick("훈련시간", "Hours")) } dd { (hours_text(lang, course)) }
                dt { (lang.pick("수강료", "Fee")) } dd { (Won(course.fee_won)) }
                dt { (lang.pick("훈련 장소", "Where")) } dd { (region_text(engine, lang, course)) @if let Some(t) = tier { " (" (lang.pick(t.label_ko(), t.label_en())) ")" } }
                dt { (lang.pick("훈련 대상", "Who it is for")) } dd { (list(course.audiences.iter().map(|a| lang.pick(a.label_ko(), a.label_en()).to_owned()).collect())) }
                @if !course.keywords.is_empty() { dt { (lang.pick("키워드", "Keywords")) } dd { (words_as_written(lang, &course.keywords)) } }
            }
        }
    }
}

/// What the course page is given: the course, its institution, the profile read from the query
/// and the query's pairs as sent (carried back to the search), and any parameter errors.
#[derive(Debug)]
pub struct CoursePageInput<'a> {
    pub course: &'a Course,
    pub institution: &'a Institution,
    pub profile: &'a Profile,
    pub pairs: &'a [(String, String)],
    pub errors: &'a [ParamError],
    /// Who is reading: a signed-in trainee gets a form to apply here.
    pub reader: Option<&'a Actor>,
    /// The reader's live applications to this course (a cohort applied to shows its status).
    pub my_applications: &'a [Enrolment],
}

pub fn course_page(engine: &Engine, lang: Lang, input: &CoursePageInput<'_>, today: NaiveDate) -> Markup {
    let CoursePageInput {
        course,
        institution,
        profile,
        pairs,
        errors,
        reader,
        my_applications,
    } = *input;
    let title = if errors.is_empty() {
        format!("{} — {}", course.title, lang.pick("AI+역량 Up", "AI+ Skills Up"))
    } else {
        format!(
            "{} — {} — {}",
            lang.pick("주소 오류", "Error"),
            course.title,
            lang.pick("AI+역량 Up", "AI+ Skills Up")
        )
    };
    let other_href = format!("{}{}", course_path(course), query_string(lang.other(), pairs, &[]));
    let next = course.next_open_cohort(today);
    let body = html! {
        p { a #back href=(back_href(lang, pairs)) { (lang.pick("← 과정 찾기", "← Find a course")) } }
        @if !errors.is_empty() { (error_summary(lang, errors)) }
        h1 #page-title { (as_written(lang, &course.title)) }
        p.lede #course-institution {
            (as_written(lang, &institution.name)) " · " (lang.pick(institution.kind.label_ko(), institution.kind.label_en()))
            " · " (lang.pick(institution.grade.label_ko(), institution.grade.label_en()))
        }
        @if !course.summary.is_empty() { p #course-summary { (as_written(lang, &course.summary)) } }
        (institution_section(lang, institution))
        (cohorts_section(lang, course, next, today))
        (apply_section(engine, lang, course, institution, next, pairs, today))
        (apply_here_section(engine, lang, course, reader, my_applications, today))
        (support_section(engine, lang, course, profile, pairs, today))
        (learning_section(lang, course))
        (quality_section(lang, course))
        (facts_section(engine, lang, course, today))
    };
    page_in(Section::Courses, lang, &title, lang_toggle(lang, other_href), body)
}
