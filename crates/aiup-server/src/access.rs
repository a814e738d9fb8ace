//! Access control, deny by default: every route is listed here with who may
//! use it, and a request to a route that is not listed is refused.

use crate::error::ApiError;
use crate::AppState;
use aiup_app::Code;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Public information: programmes, rules, regions, the calculator.
    Public,
    /// HRD Korea and ministry staff, by bearer token.
    Staff,
}

/// Every route the application serves, with its access level.
pub const ROUTES: &[(Method, &str, Access)] = &[
    (Method::GET, "/", Access::Public),
    (Method::GET, "/assets/app.css", Access::Public),
    (Method::GET, "/assets/suggest.js", Access::Public),
    (Method::GET, "/courses", Access::Public),
    (Method::GET, "/courses/{id}", Access::Public),
    (Method::GET, "/healthz", Access::Public),
    (Method::POST, "/api/v1/estimate", Access::Public),
    (Method::GET, "/api/v1/programmes", Access::Public),
    (Method::GET, "/api/v1/parameters", Access::Public),
    (Method::GET, "/api/v1/regions", Access::Public),
    (Method::GET, "/api/v1/regions/{query}", Access::Public),
    (Method::GET, "/api/v1/courses", Access::Public),
    (Method::GET, "/api/v1/courses/{id}", Access::Public),
    (Method::GET, "/api/v1/suggest", Access::Public),
    (Method::GET, "/api/v1/openapi.json", Access::Public),
    (Method::GET, "/api/v1/policy/versions", Access::Staff),
    (Method::GET, "/api/v1/audit", Access::Staff),
];

pub fn access_of(method: &Method, path: &str) -> Option<Access> {
    ROUTES
        .iter()
        .find(|(m, p, _)| (m == method || (method == Method::HEAD && m == Method::GET)) && *p == path)
        .map(|(_, _, a)| *a)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub async fn check(
    State(state): State<AppState>,
    matched: Option<MatchedPath>,
    request: Request,
    next: Next,
) -> Response {
    let Some(path) = matched.as_ref().map(MatchedPath::as_str) else {
        // Unrouted: the fallback answers 404 without touching any data.
        return next.run(request).await;
    };
    match access_of(request.method(), path) {
        Some(Access::Public) => next.run(request).await,
        Some(Access::Staff) => {
            let presented = request
                .headers()
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "));
            match (state.staff_token(), presented) {
                (None, _) => ApiError::new(
                    Code::Forbidden,
                    None,
                    "staff routes are closed: the server has no AIUP_STAFF_TOKEN",
                )
                .into_response(),
                (Some(_), None) => {
                    ApiError::new(Code::Unauthenticated, None, "this route needs a staff bearer token").into_response()
                }
                (Some(expected), Some(given)) if constant_time_eq(expected.as_bytes(), given.as_bytes()) => {
                    next.run(request).await
                }
                (Some(_), Some(_)) => {
                    ApiError::new(Code::Forbidden, None, "the bearer token is not valid").into_response()
                }
            }
        }
        None => ApiError::new(
            Code::MethodNotAllowed,
            None,
            format!("{} is not allowed on {path}", request.method()),
        )
        .into_response(),
    }
}
