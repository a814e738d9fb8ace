//! Access control, deny by default.
//!
//! [`ROUTES`] lists every route with who may use it; it is the one source of truth, and the
//! test of every route × every role is generated from it. [`check`] runs before every handler:
//! it refuses routes that are not listed, finds the caller (a session cookie on pages, a bearer
//! token on the API), and refuses callers the table does not allow. Handlers then say what they
//! need in their own signatures, through the extractors here ([`SignedIn`], [`Allowed`],
//! [`CsrfForm`]), so a handler cannot run for a caller it was not written for even if the table
//! were wrong.
//!
//! Pages are signed in with a session cookie; the API only with a bearer token (cookies are
//! ignored under `/api/`, so no API call can be forged from another site).

use crate::error::ApiError;
use crate::AppState;
use aiup_app::accounts::{constant_time_eq, Actor, Permission};
use aiup_app::{AppError, Code};
use axum::extract::{FromRequest, FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;
use std::marker::PhantomData;

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not: programmes, rules, regions, the calculator, course search.
    Public,
    /// Any signed-in account.
    SignedIn,
    /// Signed-in accounts whose role has the permission.
    Allowed(Permission),
}

impl Access {
    /// Whether a caller with this role (`None`: nobody signed in) passes the table.
    pub fn admits(self, role: Option<aiup_app::accounts::Role>) -> bool {
        match (self, role) {
            (Public, _) => true,
            (_, None) => false,
            (Access::SignedIn, Some(_)) => true,
            (Access::Allowed(p), Some(role)) => role.allows(p),
        }
    }
}

use Access::{Allowed as May, Public, SignedIn as Signed};
use Permission::{
    DecideApplications, ManageAccounts, OwnAccount, OwnLearning, ReadAudit, ReadEnrolments, ReadInstitutionRecords,
    ReadPayroll, ReadPolicyVersions, RecordAttendance, RunPayroll,
};

/// Every route the application serves, with who may use it.
/// The routes of the core pages and the API; [`ROUTES`] adds each feature's own table.
const CORE_ROUTES: &[(Method, &str, Access)] = &[
    (Method::GET, "/", Public),
    (Method::GET, "/assets/app.css", Public),
    (Method::GET, "/assets/suggest.js", Public),
    (Method::GET, "/courses", Public),
    (Method::GET, "/courses/{id}", Public),
    (Method::GET, "/healthz", Public),
    (Method::GET, "/signin", Public),
    (Method::POST, "/signin", Public),
    (Method::POST, "/signout", Signed),
    (Method::GET, "/account", May(OwnAccount)),
    (Method::POST, "/account/password", May(OwnAccount)),
    (Method::POST, "/account/sessions/end", May(OwnAccount)),
    (Method::POST, "/account/tokens", May(OwnAccount)),
    (Method::POST, "/account/tokens/{id}/revoke", May(OwnAccount)),
    (Method::GET, "/admin/users", May(ManageAccounts)),
    (Method::POST, "/admin/users", May(ManageAccounts)),
    (Method::GET, "/admin/users/{id}", May(ManageAccounts)),
    (Method::POST, "/admin/users/{id}", May(ManageAccounts)),
    (Method::POST, "/admin/users/{id}/password", May(ManageAccounts)),
    (Method::GET, "/admin/audit", May(ReadAudit)),
    (Method::GET, "/me", May(OwnLearning)),
    (Method::GET, "/me/profile", May(OwnLearning)),
    (Method::POST, "/me/profile", May(OwnLearning)),
    (Method::GET, "/admin/enrolments", May(ReadEnrolments)),
    (Method::GET, "/me/diagnosis", May(OwnLearning)),
    (Method::POST, "/me/diagnosis", May(OwnLearning)),
    (Method::GET, "/me/diagnosis/take", May(OwnLearning)),
    (Method::GET, "/me/diagnosis/history", May(OwnLearning)),
    (Method::GET, "/me/diagnosis/runs/{id}", May(OwnLearning)),
    (Method::GET, "/me/path", May(OwnLearning)),
    (Method::GET, "/me/applications", May(OwnLearning)),
    (Method::POST, "/me/applications", May(OwnLearning)),
    (Method::POST, "/me/applications/{id}/withdraw", May(OwnLearning)),
    (Method::GET, "/staff/applications", May(DecideApplications)),
    (Method::POST, "/staff/applications/{id}/accept", May(DecideApplications)),
    (Method::POST, "/staff/applications/{id}/refuse", May(DecideApplications)),
    (Method::GET, "/staff/cohorts/{course}/{cohort}", May(DecideApplications)),
    (Method::POST, "/staff/enrolments/{id}/step", May(DecideApplications)),
    (Method::GET, "/me/card", May(OwnLearning)),
    (Method::POST, "/me/card", May(OwnLearning)),
    (Method::GET, "/me/attendance", May(OwnLearning)),
    (Method::POST, "/me/attendance", May(OwnLearning)),
    (Method::GET, "/me/attendance/check", May(OwnLearning)),
    (Method::GET, "/me/statements", May(OwnLearning)),
    (
        Method::GET,
        "/staff/attendance/{course}/{cohort}",
        May(RecordAttendance),
    ),
    (
        Method::POST,
        "/staff/attendance/{course}/{cohort}",
        May(RecordAttendance),
    ),
    (
        Method::POST,
        "/staff/attendance/{course}/{cohort}/csv",
        May(RecordAttendance),
    ),
    (
        Method::GET,
        "/staff/attendance/{course}/{cohort}/code",
        May(RecordAttendance),
    ),
    (Method::GET, "/admin/payroll", May(ReadPayroll)),
    (Method::POST, "/admin/payroll", May(RunPayroll)),
    (Method::GET, "/admin/payroll/{id}", May(ReadPayroll)),
    (Method::GET, "/admin/payroll/{id}/totals.csv", May(ReadPayroll)),
    (Method::GET, "/admin/payroll/{id}/payment.csv", May(RunPayroll)),
    (
        Method::GET,
        "/admin/payroll/{id}/lines/{enrolment}/{period}",
        May(ReadPayroll),
    ),
    (Method::POST, "/admin/payroll/{id}/approve", May(RunPayroll)),
    (Method::POST, "/admin/payroll/{id}/export", May(RunPayroll)),
    (Method::POST, "/admin/payroll/{id}/cancel", May(RunPayroll)),
    (Method::POST, "/api/v1/estimate", Public),
    (Method::GET, "/api/v1/programmes", Public),
    (Method::GET, "/api/v1/parameters", Public),
    (Method::GET, "/api/v1/regions", Public),
    (Method::GET, "/api/v1/regions/{query}", Public),
    (Method::GET, "/api/v1/courses", Public),
    (Method::GET, "/api/v1/courses/{id}", Public),
    (Method::GET, "/api/v1/suggest", Public),
    (Method::GET, "/api/v1/openapi.json", Public),
    (Method::GET, "/api/v1/me", Signed),
    (Method::GET, "/api/v1/me/profile", May(OwnLearning)),
    (Method::PUT, "/api/v1/me/profile", May(OwnLearning)),
    (Method::GET, "/api/v1/policy/versions", May(ReadPolicyVersions)),
    (Method::GET, "/api/v1/audit", May(ReadAudit)),
    (Method::GET, "/api/v1/users", May(ManageAccounts)),
    (Method::POST, "/api/v1/users", May(ManageAccounts)),
    (
        Method::GET,
        "/api/v1/institutions/{id}/courses",
        May(ReadInstitutionRecords),
    ),
];

/// Every route with who may use it: the core table, then the SME package's page tables (each
/// declared beside its handlers).
pub static ROUTES: std::sync::LazyLock<Vec<(Method, &'static str, Access)>> = std::sync::LazyLock::new(|| {
    [
        CORE_ROUTES,
        crate::pages::sme_registry::ROUTES,
        crate::pages::sme_centre::ROUTES,
        crate::pages::sme_firm::ROUTES,
        crate::pages::sme_hr::ROUTES,
        crate::pages::sme_survey::ROUTES,
        crate::pages::dashboard::ROUTES,
        crate::pages::dashboard::overview::ROUTES,
        crate::pages::dashboard::targets::ROUTES,
        crate::pages::dashboard::budget::ROUTES,
        crate::pages::dashboard::regions::ROUTES,
        crate::pages::dashboard::smes::ROUTES,
        crate::pages::dashboard::academy::ROUTES,
        crate::pages::dashboard::outcomes::ROUTES,
        crate::pages::dashboard::reforms::ROUTES,
    ]
    .concat()
});

pub fn access_of(method: &Method, path: &str) -> Option<Access> {
    ROUTES
        .iter()
        .find(|(m, p, _)| (m == method || (method == Method::HEAD && m == Method::GET)) && *p == path)
        .map(|(_, _, a)| *a)
}

/// Whether `path` belongs to the JSON API (bearer tokens) rather than the pages (cookies).
pub fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// The session cookie's name. With TLS it carries the `__Host-` prefix, which browsers accept
/// only from a secure origin, on path `/`, with no domain.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-aiup_session"
    } else {
        "aiup_session"
    }
}

/// The value of cookie `name`, if the request has it.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

pub use crate::hygiene::bearer_token;

/// Who is calling, as [`check`] found it; put in the request's extensions.
#[derive(Debug, Clone)]
pub struct Caller(pub Option<Actor>);

async fn identify(state: &AppState, parts_path: &str, headers: &HeaderMap) -> Result<Option<Actor>, AppError> {
    let accounts = state.app.accounts();
    if is_api(parts_path) {
        match bearer_token(headers) {
            Some(token) => accounts.token_actor(token).await,
            None => Ok(None),
        }
    } else {
        match cookie(headers, session_cookie_name(state.settings.secure_cookies)) {
            Some(value) if !value.is_empty() => accounts.session_actor(value).await,
            _ => Ok(None),
        }
    }
}

/// The answer for a caller the table refuses: sign-in for pages, 401/403 JSON for the API.
fn refuse(path: &str, uri: &str, actor: Option<&Actor>, lang_en: bool) -> Response {
    match (actor, is_api(path)) {
        (None, true) => ApiError::new(
            Code::Unauthenticated,
            None,
            "sign in: this route needs a bearer token (Authorization: Bearer …)",
        )
        .into_response(),
        (None, false) => {
            let mut to = format!("/signin?next={}", crate::pages::encode_component(uri));
            if lang_en {
                to.push_str("&lang=en");
            }
            Redirect::to(&to).into_response()
        }
        (Some(actor), true) => ApiError::new(
            Code::Forbidden,
            None,
            format!("the role {} may not use this route", actor.role.as_str()),
        )
        .into_response(),
        (Some(actor), false) => crate::pages::forbidden_page(actor, lang_en),
    }
}

/// The access check in front of every route.
pub async fn check(
    State(state): State<AppState>,
    matched: Option<MatchedPath>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(path) = matched.as_ref().map(|m| m.as_str().to_owned()) else {
        // Unrouted: the fallback answers 404 without touching any data.
        request.extensions_mut().insert(Caller(None));
        return next.run(request).await;
    };
    let Some(access) = access_of(request.method(), &path) else {
        return ApiError::new(
            Code::MethodNotAllowed,
            None,
            format!("{} is not allowed on {path}", request.method()),
        )
        .into_response();
    };
    let actor = match identify(&state, &path, request.headers()).await {
        Ok(actor) => actor,
        Err(e) => return ApiError(e).into_response(),
    };
    if !access.admits(actor.as_ref().map(|a| a.role)) {
        let uri = request.uri().path_and_query().map_or("/", |p| p.as_str()).to_owned();
        let lang_en = request
            .uri()
            .query()
            .is_some_and(|q| q.split('&').any(|kv| kv == "lang=en"));
        return refuse(&path, &uri, actor.as_ref(), lang_en);
    }
    request.extensions_mut().insert(Caller(actor));
    next.run(request).await
}

fn caller(parts: &Parts) -> Option<Actor> {
    parts.extensions.get::<Caller>().and_then(|c| c.0.clone())
}

/// A signed-in caller; anyone else is refused.
#[derive(Debug, Clone)]
pub struct SignedIn(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        caller(parts)
            .map(SignedIn)
            .ok_or_else(|| ApiError::new(Code::Unauthenticated, None, "sign in to use this route"))
    }
}

/// A permission as a type, so a handler's signature names what it needs.
pub trait Needs: Send + Sync + 'static {
    const PERMISSION: Permission;
}

/// Marker types for [`Allowed`].
pub mod perm {
    use super::{Needs, Permission};

    macro_rules! marker {
        ($($name:ident),*) => {$(
            #[derive(Debug, Clone, Copy)]
            pub struct $name;
            impl Needs for $name {
                const PERMISSION: Permission = Permission::$name;
            }
        )*};
    }
    marker!(
        OwnAccount,
        ReadPolicyVersions,
        ReadAudit,
        ManageAccounts,
        ReadInstitutionRecords,
        OwnLearning,
        DecideApplications,
        ReadEnrolments,
        RecordAttendance,
        RunPayroll,
        ReadPayroll,
        ManageFirms,
        ReadSmeProgramme,
        ReadFirms,
        VisitFirms,
        ActForFirm,
        ReadDashboards,
        DraftReforms,
        ManageProgrammeRecords
    );
}

/// A signed-in caller whose role has permission `P`; anyone else is refused (401 or 403).
#[derive(Debug, Clone)]
pub struct Allowed<P: Needs>(pub Actor, pub PhantomData<P>);

impl<P: Needs, S: Send + Sync> FromRequestParts<S> for Allowed<P> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let SignedIn(actor) = SignedIn::from_request_parts(parts, state).await?;
        actor.require(P::PERMISSION)?;
        Ok(Allowed(actor, PhantomData))
    }
}

/// The client's address, as the listener saw it ("unknown" where the server was started
/// without connection info, as in some tests).
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        Ok(ClientAddress(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string()),
        ))
    }
}

/// The name of the hidden form field that carries the CSRF token.
pub const CSRF_FIELD: &str = "csrf";

/// The cookie that carries the sign-in form's CSRF token, before there is a session.
pub const SIGNIN_CSRF_COOKIE: &str = "aiup_signin_csrf";

/// A form posted with the right CSRF token: the session's own token for a signed-in caller,
/// or the sign-in cookie's token before sign-in (double submit). Anything else is refused with
/// 403 `csrf_rejected` before the handler runs, so nothing changes.
#[derive(Debug)]
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequest<S> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        // The session's own token, and the sign-in form's double-submit cookie (sent only to
        // /signin): a signed-in browser that posts the sign-in form again proves itself with the
        // latter.
        let session_token = request
            .extensions()
            .get::<Caller>()
            .and_then(|c| c.0.as_ref())
            .and_then(|actor| actor.csrf_token().map(str::to_owned));
        let signin_token = cookie(request.headers(), SIGNIN_CSRF_COOKIE).map(str::to_owned);
        let axum::Form(pairs): axum::Form<Vec<(String, String)>> = axum::Form::from_request(request, state)
            .await
            .map_err(|e| ApiError::new(Code::InvalidField, Some("(body)"), e.body_text()).into_response())?;
        let given = pairs.iter().find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v.as_str());
        let matches = |expected: &Option<String>| matches!((expected.as_deref(), given), (Some(e), Some(g)) if e.len() >= 32 && constant_time_eq(e, g));
        let ok = matches(&session_token) || matches(&signin_token);
        if !ok {
            return Err(crate::pages::csrf_rejected_page());
        }
        let fields: Vec<(String, String)> = pairs.into_iter().filter(|(k, _)| k != CSRF_FIELD).collect();
        let encoded = serde_urlencoded::to_string(&fields).map_err(|e| ApiError::internal(&e).into_response())?;
        serde_urlencoded::from_str(&encoded)
            .map(CsrfForm)
            .map_err(|e| ApiError::new(Code::InvalidField, Some("(body)"), e.to_string()).into_response())
    }
}
