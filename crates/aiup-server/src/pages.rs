//! Server-rendered pages: the support calculator (지원금 계산기) at `/`, its
//! stylesheet, and the 404 page. Korean first, English with `?lang=en`.
//! The pages need no JavaScript and load nothing from outside the server.
//!
//! Handlers stay thin: `form` turns the query into the engine's input,
//! `view` and `results` render what came back.

pub mod form;
mod results;
mod view;

use crate::AppState;
use aiup_rules::{Engine, Estimate, Totals};
use aiup_rules::period::UnitPeriod;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use form::{FieldError, PageQuery};

/// The stylesheet, embedded so the binary serves it with no files beside it.
const APP_CSS: &str = include_str!("../assets/app.css");

/// No scripts at all; styles and forms only from this server.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(calculator)).route("/assets/app.css", get(stylesheet))
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
    let json = match form::case_json(&query.form) {
        Ok(json) => json,
        Err(errors) => return Outcome::Invalid(errors),
    };
    match engine.parse_case(&json) {
        Ok(case) => Outcome::Computed(Box::new(Computed { schedule: engine.schedule(&case), estimate: engine.estimate(&case, true) })),
        Err(error) => Outcome::Invalid(vec![FieldError::from_case_error(&error)]),
    }
}

async fn calculator(State(state): State<AppState>, query: Option<Query<Vec<(String, String)>>>) -> Response {
    let pairs = query.map(|Query(pairs)| pairs).unwrap_or_default();
    let query = PageQuery::from_pairs(&pairs);
    let engine = state.engine();
    let outcome = evaluate(&engine, &query);
    let status = if matches!(outcome, Outcome::Invalid(_)) { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    html_response(status, view::calculator_page(&engine, &query, &outcome))
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600")),
            (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        ],
        APP_CSS,
    )
        .into_response()
}

/// The fallback for every unrouted address: a small page in both languages.
pub async fn not_found() -> Response {
    html_response(StatusCode::NOT_FOUND, view::not_found_page())
}

fn html_response(status: StatusCode, page: maud::Markup) -> Response {
    let mut response = (status, page).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    response
}

