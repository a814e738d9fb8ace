//! Server-rendered pages: the support calculator (지원금 계산기) at `/`, its
//! stylesheet, and the 404 page. Korean first, English with `?lang=en`.
//! The pages need no JavaScript and load nothing from outside the server.
//!
//! Handlers stay thin: `form` turns the query into the engine's input,
//! `view` and `results` render what came back.

pub mod accounts;
mod admin;
mod attendance;
mod attendance_view;
mod card;
pub(crate) mod chart;
pub(crate) mod chart_map;
mod checkin;
pub mod course;
pub mod courses;
pub(crate) mod dashboard;
mod diagnosis;
mod enrolment;
pub mod form;
mod my_attendance;
mod path;
mod payroll;
mod profile;
mod programme;
mod qr;
mod results;
pub(crate) mod sme_centre;
pub(crate) mod sme_firm;
pub(crate) mod sme_hr;
pub(crate) mod sme_registry;
pub(crate) mod sme_survey;
mod staff;
mod statement;
mod view;
mod widgets;

pub use form::encode_component;

use crate::AppState;
use aiup_rules::period::UnitPeriod;
use aiup_rules::{Engine, Estimate, Totals};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use form::{FieldError, PageQuery};

/// The stylesheet, embedded so the binary serves it with no files beside it.
const APP_CSS: &str = include_str!("../assets/app.css");

/// The script that offers search suggestions as the user types; the pages work without it.
const SUGGEST_JS: &str = include_str!("../assets/suggest.js");

/// No scripts at all; styles and forms only from this server.
const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The course pages may run this server's own suggestion script and ask this server for suggestions.
const COURSES_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(calculator))
        .route("/assets/app.css", get(stylesheet))
        .route("/assets/suggest.js", get(suggest_script))
        .route("/courses", get(course_search))
        .route("/courses/{id}", get(course_detail))
        .merge(accounts::routes())
        .merge(admin::routes())
        .merge(profile::routes())
        .merge(programme::routes())
        .merge(diagnosis::routes())
        .merge(path::routes())
        .merge(enrolment::routes())
        .merge(staff::routes())
        .merge(card::routes())
        .merge(attendance::routes())
        .merge(checkin::routes())
        .merge(my_attendance::routes())
        .merge(statement::routes())
        .merge(payroll::routes())
        .merge(sme_registry::routes())
        .merge(sme_centre::routes())
        .merge(sme_firm::routes())
        .merge(sme_hr::routes())
        .merge(sme_survey::routes())
        .merge(dashboard::routes())
}

/// 403 for a signed-in account whose role may not use the page.
pub fn forbidden_page(actor: &aiup_app::accounts::Actor, lang_en: bool) -> Response {
    let lang = if lang_en {
        crate::i18n::Lang::En
    } else {
        crate::i18n::Lang::Ko
    };
    let (ko, en) = actor.role.label();
    let body = maud::html! {
        h1 #page-title { (lang.pick("이 페이지를 볼 권한이 없습니다", "You may not use this page")) }
        p { (lang.pick("지금 역할:", "Your role:")) " " (lang.pick(ko, en)) ". "
            (lang.pick("권한이 필요하면 시스템 관리자에게 문의하세요.", "Ask a system administrator if you need access.")) }
        p { a href=(widgets::href("/account", lang)) { (lang.pick("내 계정으로 가기", "Go to my account")) } }
    };
    widgets::private_page(
        StatusCode::FORBIDDEN,
        view::page(
            lang,
            lang.pick("권한 없음 (403) — AI+역량 Up", "Forbidden (403) — AI+ Skills Up"),
            accounts::account_menu(lang, actor, None),
            body,
        ),
    )
}

/// 403 for a form posted without its CSRF token: nothing was changed.
pub fn csrf_rejected_page() -> Response {
    let body = maud::html! {
        h1 #page-title { "요청을 처리하지 않았습니다" }
        p { "양식의 보안 토큰이 없거나 맞지 않아 아무것도 바꾸지 않았습니다. 페이지를 새로 불러와 다시 시도하세요." }
        div lang="en" {
            h2 { "Your request was not carried out" }
            p { "The form's security token was missing or wrong, so nothing was changed. Reload the page and try again." }
        }
    };
    let mut response = widgets::private_page(
        StatusCode::FORBIDDEN,
        view::page(
            crate::i18n::Lang::Ko,
            "요청 거부 (403) — AI+역량 Up",
            maud::html! {},
            body,
        ),
    );
    response.extensions_mut().insert(aiup_app::Code::CsrfRejected);
    response
}

async fn course_search(
    State(state): State<AppState>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let pairs = query.map(|Query(pairs)| pairs).unwrap_or_default();
    let lang = crate::i18n::Lang::from_pairs(&pairs);
    let engine = state.engine();
    let today = state.today();
    let outcome = match crate::catalogue::CourseQuery::from_pairs(&pairs, &engine, courses::PAGE_ONLY_PARAMS) {
        Err(errors) => courses::SearchOutcome::Invalid(errors),
        Ok(query) => match crate::catalogue::search(state.index(), query.request(today)).await {
            Ok(results) => courses::SearchOutcome::Found(Box::new((query, results))),
            Err(e) => return crate::error::ApiError::internal(&e).into_response(),
        },
    };
    let status = if matches!(outcome, courses::SearchOutcome::Invalid(_)) {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = courses::search_page(&engine, lang, &pairs, &outcome, today);
    with_policy(html_response(status, page), COURSES_CONTENT_SECURITY_POLICY)
}

async fn course_detail(
    State(state): State<AppState>,
    caller: Option<axum::Extension<crate::access::Caller>>,
    axum::extract::Path(id): axum::extract::Path<String>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let pairs = query.map(|Query(pairs)| pairs).unwrap_or_default();
    let lang = crate::i18n::Lang::from_pairs(&pairs);
    let reader = caller.and_then(|axum::Extension(c)| c.0);
    let engine = state.engine();
    // The page takes the search's parameters (it links back to that search). Bad ones: 422,
    // the page with the default profile and an error summary.
    let (profile, errors) = match crate::catalogue::CourseQuery::from_pairs(&pairs, &engine, courses::PAGE_ONLY_PARAMS)
    {
        Ok(query) => (query.profile, Vec::new()),
        Err(errors) => (crate::catalogue::Profile::default(), errors),
    };
    match state.db().catalogue().course(&id).await {
        Ok(Some((course, institution))) => {
            let mine = match &reader {
                Some(actor) => match state.app.my_live_applications(actor, &id).await {
                    Ok(mine) => mine,
                    Err(e) => return crate::error::ApiError(e).into_response(),
                },
                None => Vec::new(),
            };
            let status = if errors.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let input = course::CoursePageInput {
                course: &course,
                institution: &institution,
                profile: &profile,
                pairs: &pairs,
                errors: &errors,
                reader: reader.as_ref(),
                my_applications: &mine,
            };
            let page = course::course_page(&engine, lang, &input, state.today());
            // A signed-in reader's page carries their form token: never stored by a cache.
            if reader.is_some() {
                widgets::private_page(status, page)
            } else {
                html_response(status, page)
            }
        }
        Ok(None) => not_found_in(lang),
        Err(e) => crate::error::ApiError::internal(&e).into_response(),
    }
}

async fn suggest_script() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600")),
            (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        ],
        SUGGEST_JS,
    )
        .into_response()
}

fn with_policy(mut response: Response, policy: &'static str) -> Response {
    response
        .headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(policy));
    response
}

/// What the calculator has to show for one request.
#[derive(Debug)]
pub enum Outcome {
    /// A first visit: the form with its defaults.
    Blank,
    /// The form could not be evaluated.
    Invalid(Vec<FieldError>),
    /// An estimate for the course's first unit period, and every period's allowance.
    Computed(Box<Computed>),
}

#[derive(Debug)]
pub struct Computed {
    pub estimate: Estimate,
    pub schedule: Vec<(UnitPeriod, Totals)>,
}

/// Evaluates a query against the engine: no IO, no HTTP.
pub fn evaluate(engine: &Engine, query: &PageQuery) -> Outcome {
    if !query.submitted {
        return Outcome::Blank;
    }
    let (json, form_errors) = form::case_json_and_errors(&query.form);
    match engine.parse_case_all(&json) {
        Ok(case) if form_errors.is_empty() => Outcome::Computed(Box::new(Computed {
            schedule: engine.schedule(&case),
            estimate: engine.estimate(&case, true),
        })),
        Ok(_) => Outcome::Invalid(form_errors),
        Err(engine_errors) => Outcome::Invalid(form::merge_errors(form_errors, &engine_errors)),
    }
}

async fn calculator(
    State(state): State<AppState>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    // A query that is not valid form encoding is read as a first visit.
    let pairs = query.map(|Query(pairs)| pairs).unwrap_or_default();
    let query = PageQuery::from_pairs(&pairs);
    let engine = state.engine();
    let outcome = evaluate(&engine, &query);
    let status = if matches!(outcome, Outcome::Invalid(_)) {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    html_response(status, view::calculator_page(&engine, &query, &outcome))
}

async fn stylesheet() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600")),
            (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        ],
        APP_CSS,
    )
        .into_response()
}

/// The fallback for every unrouted address: the 404 page in the caller's language.
pub async fn not_found(uri: axum::http::Uri, headers: axum::http::HeaderMap) -> Response {
    not_found_in(request_lang(&uri, &headers))
}

/// The 404 page in `lang`.
pub fn not_found_in(lang: crate::i18n::Lang) -> Response {
    html_response(StatusCode::NOT_FOUND, view::not_found_page(lang))
}

/// The HTML page for an error `status` outside the API, in `lang`: the 404 page, or a small
/// page naming the error.
pub fn error_page(status: StatusCode, lang: crate::i18n::Lang) -> Response {
    if status == StatusCode::NOT_FOUND {
        return not_found_in(lang);
    }
    html_response(status, view::error_page(status.as_u16(), lang))
}

/// The language of a page that has no form to read it from (an error page): `lang=en` in the
/// query, or else the first of Korean and English the `Accept-Language` header prefers.
pub fn request_lang(uri: &axum::http::Uri, headers: &axum::http::HeaderMap) -> crate::i18n::Lang {
    use crate::i18n::Lang;
    let query = uri.query().unwrap_or("");
    if let Some(value) = query.split('&').find_map(|pair| pair.strip_prefix("lang=")) {
        return Lang::parse(Some(value));
    }
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    preferred_lang(accept)
}

/// Korean or English, whichever `accept` (an `Accept-Language` value) ranks higher; the earlier
/// of two equal ones; Korean when it names neither.
fn preferred_lang(accept: &str) -> crate::i18n::Lang {
    use crate::i18n::Lang;
    let mut best: Option<(Lang, f32)> = None;
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let primary = tag.split('-').next().unwrap_or("");
        let lang = match primary {
            "ko" => Lang::Ko,
            "en" => Lang::En,
            _ => continue,
        };
        let weight = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if weight > 0.0 && best.is_none_or(|(_, w)| weight > w) {
            best = Some((lang, weight));
        }
    }
    best.map_or(Lang::Ko, |(lang, _)| lang)
}

pub(crate) fn html_response(status: StatusCode, page: maud::Markup) -> Response {
    let mut response = (status, page).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn engine() -> Engine {
        let loaded = aiup_core::bundle::Bundle::embedded().load().expect("embedded bundle");
        aiup_app::policy::engine_for(loaded).expect("engine")
    }

    fn query(list: &[(&str, &str)]) -> PageQuery {
        let pairs: Vec<(String, String)> = list.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        PageQuery::from_pairs(&pairs)
    }

    fn course(region: &str, end: &str) -> Vec<(&'static str, String)> {
        vec![
            ("programme", "kdt-ai-campus".into()),
            ("region", region.into()),
            ("start_date", "2026-03-02".into()),
            ("end_date", end.into()),
            ("total_hours", "960".into()),
            ("hours_per_day", "8".into()),
            ("delivery", "classroom".into()),
            ("status", "job_seeker".into()),
        ]
    }

    fn submit(engine: &Engine, list: &[(&str, String)]) -> (PageQuery, Outcome, String) {
        let borrowed: Vec<(&str, &str)> = list.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let q = query(&borrowed);
        let outcome = evaluate(engine, &q);
        let html = view::calculator_page(engine, &q, &outcome).into_string();
        (q, outcome, html)
    }

    #[test]
    fn first_visit_shows_the_form_only() {
        let engine = engine();
        let q = query(&[]);
        let outcome = evaluate(&engine, &q);
        assert!(matches!(outcome, Outcome::Blank));
        let html = view::calculator_page(&engine, &q, &outcome).into_string();
        assert!(html.starts_with("<!DOCTYPE html><html lang=\"ko\">"));
        assert_eq!(html.matches("<h1").count(), 1);
        assert!(!html.contains("id=\"results\""));
        // Every control has a label pointing at it.
        for id in form::Field::ALL.map(form::Field::name) {
            assert!(html.contains(&format!("id=\"{id}\"")), "no control #{id}");
            assert!(html.contains(&format!("<label for=\"{id}\"")), "no label for #{id}");
        }
        // Firm-only programmes are not offered.
        assert!(html.contains("value=\"kdt-ai-campus\" selected"));
        assert!(!html.contains("value=\"startup-hiring-grant\""));
    }

    #[test]
    fn a_course_in_a_population_declining_area_gets_the_top_tier() {
        let engine = engine();
        let (_, outcome, html) = submit(&engine, &course("전라남도 해남군", "2026-08-31"));
        let Outcome::Computed(computed) = outcome else {
            panic!("not computed")
        };
        assert_eq!(computed.estimate.totals.allowance_won, 800_000);
        assert_eq!(computed.schedule.len(), 6);
        assert!(html.contains("id=\"figure-allowance-amount\">₩800,000<"));
        assert!(html.contains("aria-labelledby=\"outcome\"") && html.contains("<h2 id=\"outcome\" tabindex=\"-1\">"));
        assert!(html.contains("<caption>"));
        assert!(html.contains("scope=\"row\""));
        assert!(html.contains("고용노동부고시 제2026-101호"));
        assert!(html.contains("<details") && html.contains("id=\"trace\""));
    }

    #[test]
    fn engine_errors_are_shown_at_their_field() {
        let engine = engine();
        let (_, outcome, html) = submit(&engine, &course("서울특별시 강남구", "2026-01-05"));
        let Outcome::Invalid(errors) = outcome else {
            panic!("not invalid")
        };
        assert_eq!(errors[0].field, Some(form::Field::EndDate));
        assert!(html.contains("role=\"alert\""));
        assert!(html.contains("href=\"#end_date\""));
        assert!(html.contains("aria-describedby=\"end_date-error\" aria-invalid=\"true\""));
        assert!(html.contains("종료일(2026-01-05)이 개강일(2026-03-02)보다 앞섭니다."));

        let mut firm_only = course("서울특별시 강남구", "2026-08-31");
        firm_only[0].1 = "startup-hiring-grant".into();
        firm_only.push(("lang", "en".into()));
        let (q, outcome, html) = submit(&engine, &firm_only);
        assert_eq!(q.lang, Lang::En);
        let Outcome::Invalid(errors) = outcome else {
            panic!("not invalid")
        };
        assert_eq!(errors[0].field, Some(form::Field::Programme));
        assert!(html.contains("<html lang=\"en\">") && html.contains("not individual trainees"));
    }

    #[test]
    fn form_and_engine_errors_are_listed_together() {
        let engine = engine();
        let mut list = course("Nowhere", "2026-01-05");
        list.push(("fee_won", "lots".into()));
        let (_, outcome, html) = submit(&engine, &list);
        let Outcome::Invalid(errors) = outcome else {
            panic!("not invalid")
        };
        let fields: Vec<Option<form::Field>> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                Some(form::Field::Region),
                Some(form::Field::EndDate),
                Some(form::Field::FeeWon)
            ]
        );
        for id in ["region", "end_date", "fee_won"] {
            assert!(html.contains(&format!("href=\"#{id}\"")), "{id}");
            assert!(html.contains(&format!("id=\"{id}-error\"")), "{id}");
        }
    }

    #[test]
    fn user_input_is_escaped() {
        let engine = engine();
        let (_, _, html) = submit(&engine, &course("<script>alert(1)</script>", "2026-08-31"));
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;"));
    }

    #[test]
    fn accept_language_picks_the_higher_of_korean_and_english() {
        assert_eq!(preferred_lang(""), Lang::Ko);
        assert_eq!(preferred_lang("fr-FR, de"), Lang::Ko);
        assert_eq!(preferred_lang("en-US,en;q=0.9"), Lang::En);
        assert_eq!(preferred_lang("fr, en-GB;q=0.8, ko;q=0.7"), Lang::En);
        assert_eq!(preferred_lang("en;q=0.5, ko-KR;q=0.9"), Lang::Ko);
        assert_eq!(preferred_lang("ko-KR, en"), Lang::Ko);
        assert_eq!(preferred_lang("EN-us"), Lang::En);
        assert_eq!(preferred_lang("en;q=0"), Lang::Ko);
    }

    #[test]
    fn the_menu_marks_the_current_section_only() {
        let engine = engine();
        let html = view::calculator_page(&engine, &query(&[]), &Outcome::Blank).into_string();
        assert_eq!(html.matches("aria-current=\"page\"").count(), 1);
        assert!(html.contains("<a href=\"/\" aria-current=\"page\">지원금 계산기</a>"));
        let error = view::error_page(405, Lang::En).into_string();
        assert!(!error.contains("aria-current"), "an error page is in no section");
        assert!(
            error.contains("<html lang=\"en\">")
                && error.contains("<h1 id=\"page-title\">This method is not allowed here (405)</h1>")
        );
        assert!(error.contains("<section class=\"other-language\" lang=\"ko\""));
    }
}
