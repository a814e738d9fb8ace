//! HTTP hygiene in front of every route: security headers on every response, a body size limit
//! and a request timeout, and error bodies in the right form — JSON under `/api/` (and
//! `/healthz`), an HTML page elsewhere — whatever produced the error (a handler, an axum
//! rejection, a limit, a panic). [`layers`] is applied once, in [`crate::app`].
//!
//! The limits come from [`Limits`]: [`crate::serve`] puts its `Limits` into every request's
//! extensions, and a request without one (a test calling the router directly) gets the defaults.

use crate::error::ApiError;
use aiup_app::Code;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, FromRequest, Request};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Duration;
use tower::{Layer, Service, ServiceBuilder, ServiceExt};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::{Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

/// The server's limits. Every field has a documented default; [`Limits::default`] is what
/// `aiup serve` uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest request body, in bytes: 1 MiB. A larger one is answered `413 payload_too_large`,
    /// at once when `Content-Length` says so, or as soon as a streamed body passes the limit.
    pub body_bytes: usize,
    /// The longest time from a request's head to its response's head, reading the body
    /// included: 30 s. Then the answer is `408 request_timeout`.
    pub request_timeout: Duration,
    /// The most connections open at once: 1,024. When all are taken, a new connection closes the
    /// connection that has waited longest for a request head (it has nothing in progress), or
    /// waits in the kernel's backlog if every connection is in the middle of a request.
    pub max_connections: usize,
    /// The longest wait for a complete request head: 10 s. The clock starts when a connection
    /// opens and again when it goes idle after a response, so this is also the keep-alive idle
    /// limit. A connection that has not sent a whole head by then is closed.
    pub header_read_timeout: Duration,
    /// The largest request head (request line and headers), in bytes: 64 KiB. A larger one is
    /// answered `431` by hyper and the connection closed; this also bounds what a stalled
    /// connection can make the server hold.
    pub max_head_bytes: usize,
    /// Whether a connection may carry more than one request (HTTP/1.1 keep-alive): yes.
    pub keep_alive: bool,
    /// On shutdown, how long requests in progress may take to finish: 30 s. Idle connections
    /// and those still sending a head are closed at once.
    pub shutdown_grace: Duration,
}

impl Limits {
    pub const DEFAULT_BODY_BYTES: usize = 1024 * 1024;
    pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
    pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;
    pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
    pub const DEFAULT_MAX_HEAD_BYTES: usize = 64 * 1024;
    pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(30);
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            body_bytes: Limits::DEFAULT_BODY_BYTES,
            request_timeout: Limits::DEFAULT_REQUEST_TIMEOUT,
            max_connections: Limits::DEFAULT_MAX_CONNECTIONS,
            header_read_timeout: Limits::DEFAULT_HEADER_READ_TIMEOUT,
            max_head_bytes: Limits::DEFAULT_MAX_HEAD_BYTES,
            keep_alive: true,
            shutdown_grace: Limits::DEFAULT_SHUTDOWN_GRACE,
        }
    }
}

/// The policy for responses that set none: nothing may load, frame, or be posted elsewhere.
pub const DEFAULT_CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Bodies smaller than this are sent as they are: compressing them saves too little.
pub const COMPRESS_MIN_BYTES: u64 = 1024;

/// Whether a response is worth compressing: text the browser or a client reads (JSON, HTML,
/// CSS, JavaScript) of at least [`COMPRESS_MIN_BYTES`].
fn compressible(_: StatusCode, _: axum::http::Version, headers: &HeaderMap, _: &axum::http::Extensions) -> bool {
    media_type(headers).is_some_and(|t| {
        matches!(
            t.as_str(),
            "text/html" | "text/css" | "text/javascript" | "application/javascript"
        ) || is_json_media_type(&t)
    })
}

/// Every layer of this module, outermost first: compression (gzip or brotli, as the client
/// accepts), the headers, the error bodies, panics as 500s, then the body limit and the
/// timeout. For `Router::layer`.
pub fn layers() -> impl Layer<
    axum::routing::Route,
    Service = impl Service<
        Request,
        Response = Response,
        Error = std::convert::Infallible,
        Future = impl std::future::Future<Output = Result<Response, std::convert::Infallible>> + Send + 'static,
    > + Clone
                  + Send
                  + Sync
                  + 'static,
> + Clone
       + Send
       + Sync
       + 'static {
    ServiceBuilder::new()
        .map_response(IntoResponse::into_response)
        .layer(
            CompressionLayer::new()
                .no_deflate()
                .no_zstd()
                .compress_when(SizeAbove::new(COMPRESS_MIN_BYTES).and(compressible)),
        )
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            |response: &Response| {
                Some(content_security_policy(
                    response.headers().get(header::CONTENT_SECURITY_POLICY),
                ))
            },
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            |response: &Response| default_cache_control(response.headers()),
        ))
        .layer(axum::middleware::from_fn(error_bodies))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(axum::middleware::from_fn(limit))
        .layer(DefaultBodyLimit::disable())
}

/// `policy` with `frame-ancestors 'none'` (replacing any other `frame-ancestors`) and without
/// `'unsafe-inline'` or `'unsafe-eval'` for scripts; the strict default when there is none.
pub fn content_security_policy(policy: Option<&HeaderValue>) -> HeaderValue {
    let Some(policy) = policy.and_then(|v| v.to_str().ok()).filter(|p| !p.trim().is_empty()) else {
        return HeaderValue::from_static(DEFAULT_CONTENT_SECURITY_POLICY);
    };
    let mut directives: Vec<String> = Vec::new();
    for directive in policy.split(';').map(str::trim).filter(|d| !d.is_empty()) {
        let mut words = directive.split_ascii_whitespace();
        let name = words.next().unwrap_or_default().to_ascii_lowercase();
        if name == "frame-ancestors" {
            continue;
        }
        if matches!(
            name.as_str(),
            "default-src" | "script-src" | "script-src-elem" | "script-src-attr"
        ) {
            let sources: Vec<&str> = words
                .filter(|w| !w.eq_ignore_ascii_case("'unsafe-inline'") && !w.eq_ignore_ascii_case("'unsafe-eval'"))
                .collect();
            let sources = if sources.is_empty() { vec!["'none'"] } else { sources };
            directives.push(format!("{name} {}", sources.join(" ")));
        } else {
            directives.push(directive.to_owned());
        }
    }
    directives.push("frame-ancestors 'none'".to_owned());
    HeaderValue::from_str(&directives.join("; "))
        .unwrap_or_else(|_| HeaderValue::from_static(DEFAULT_CONTENT_SECURITY_POLICY))
}

/// JSON is never stored by caches (answers may be personal); HTML is revalidated each time.
/// Pages that show personal data set `no-store` themselves; assets set their own.
fn default_cache_control(headers: &HeaderMap) -> Option<HeaderValue> {
    match media_type(headers).as_deref() {
        Some(t) if is_json_media_type(t) => Some(HeaderValue::from_static("no-store")),
        Some("text/html") => Some(HeaderValue::from_static("no-cache")),
        _ => None,
    }
}

/// The media type of `Content-Type`, lower-case and without parameters.
fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    (!essence.is_empty()).then_some(essence)
}

/// `application/json`, or a structured `+json` type such as `application/problem+json`.
fn is_json_media_type(essence: &str) -> bool {
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Whether `path` is answered in JSON: the API and the health check.
pub fn is_api_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/") || path == "/healthz"
}

/// The body limit and the request timeout, both from the request's [`Limits`].
async fn limit(request: Request, next: Next) -> Response {
    let limits = request.extensions().get::<Limits>().copied().unwrap_or_default();
    let service = ServiceBuilder::new()
        .layer(RequestBodyLimitLayer::new(limits.body_bytes))
        .map_request(|request: axum::http::Request<_>| request.map(Body::new))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.request_timeout,
        ))
        .service(next);
    match service.oneshot(request).await {
        Ok(response) => response.into_response(),
        Err(never) => match never {},
    }
}

/// A panic in a handler is logged and answered 500 (in JSON or HTML by [`error_bodies`]).
fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = detail, "a handler panicked");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

/// Headers of an error response that survive its body being rewritten.
const KEPT_HEADERS: [header::HeaderName; 3] = [header::ALLOW, header::RETRY_AFTER, header::WWW_AUTHENTICATE];

/// Every error answer in the form its caller reads: under the API a JSON error with a code
/// (`aiup_app::Code`) for its status, elsewhere an HTML page. Answers already in that form pass.
async fn error_bodies(request: Request, next: Next) -> Response {
    let api = is_api_path(request.uri().path());
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let lang = crate::pages::request_lang(request.uri(), request.headers());
    let limits = request.extensions().get::<Limits>().copied().unwrap_or_default();
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let media = media_type(response.headers());
    let rewritten = if api {
        if media.as_deref().is_some_and(is_json_media_type) {
            return response;
        }
        let (parts, body) = response.into_parts();
        let text = if media.as_deref().is_none_or(|m| m == "text/plain") && status.is_client_error() {
            let bytes = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
            String::from_utf8_lossy(&bytes).trim().to_owned()
        } else {
            String::new()
        };
        let mut answer = api_error(status, &text, &method, &path, &limits).into_response();
        keep_headers(&parts.headers, answer.headers_mut());
        answer
    } else {
        if media.as_deref() == Some("text/html") {
            return response;
        }
        let (parts, _) = response.into_parts();
        let mut page = crate::pages::error_page(status, lang);
        keep_headers(&parts.headers, page.headers_mut());
        page
    };
    if method == Method::HEAD {
        let (parts, _) = rewritten.into_parts();
        return Response::from_parts(parts, Body::empty());
    }
    rewritten
}

fn keep_headers(from: &HeaderMap, to: &mut HeaderMap) {
    for name in KEPT_HEADERS {
        if let Some(value) = from.get(&name) {
            to.insert(name, value.clone());
        }
    }
}

/// The JSON error for a non-JSON error answer of `status` whose body said `text`.
///
/// Most statuses have one code. A plain 400 is one of axum's rejections, told apart by its
/// text: an unreadable query string or path parameter is `422 invalid_parameter`, a body
/// that is not JSON `400 malformed_json`. A status with no code of its own is `400
/// bad_request` (4xx) or `500 internal` (5xx).
pub fn api_error(status: StatusCode, text: &str, method: &Method, path: &str, limits: &Limits) -> ApiError {
    // axum's texts read "Failed to deserialize query string: limit: invalid digit …"; keep the
    // part after its own heading.
    let reason = [
        "Failed to deserialize query string: ",
        "Failed to deserialize form: ",
        "Invalid URL: ",
        "Failed to parse the request body as JSON: ",
    ]
    .iter()
    .find_map(|heading| text.strip_prefix(heading))
    .unwrap_or(text);
    let detail = |prefix: &str| -> String {
        if reason.is_empty() {
            prefix.to_owned()
        } else {
            format!("{prefix}: {reason}")
        }
    };
    match status.as_u16() {
        400 if text.starts_with("Failed to deserialize query string")
            || text.starts_with("Failed to deserialize form") =>
        {
            ApiError::new(
                Code::InvalidParameter,
                Some("(query)"),
                detail("the query string cannot be read"),
            )
        }
        400 if text.starts_with("Invalid URL") => ApiError::new(
            Code::InvalidParameter,
            Some("(path)"),
            detail("the path cannot be read"),
        ),
        400 if text.starts_with("Failed to parse the request body as JSON") => {
            ApiError::new(Code::MalformedJson, Some("(body)"), detail("the body is not JSON"))
        }
        400 => ApiError::new(Code::BadRequest, None, detail("the request cannot be read")),
        401 => ApiError::new(
            Code::Unauthenticated,
            None,
            "this route needs sign-in or a bearer token",
        ),
        403 => ApiError::new(Code::Forbidden, None, "this route is not open to the caller"),
        404 => ApiError::new(
            Code::NotFound,
            None,
            format!("no route or record is at `{path}`; /api/v1/openapi.json lists the routes"),
        ),
        405 => ApiError::new(
            Code::MethodNotAllowed,
            None,
            format!("{method} is not allowed on `{path}`"),
        ),
        408 => ApiError::new(
            Code::RequestTimeout,
            None,
            format!(
                "the request took longer than {} s; send the body at once and try again",
                limits.request_timeout.as_secs_f64()
            ),
        ),
        409 => ApiError::new(Code::Conflict, None, detail("the change clashes with stored data")),
        413 => ApiError::new(
            Code::PayloadTooLarge,
            Some("(body)"),
            format!("the body is larger than {} bytes", limits.body_bytes),
        ),
        415 => ApiError::new(
            Code::UnsupportedMediaType,
            Some("(content-type)"),
            detail("the body's content type is not the one the route reads"),
        ),
        422 => ApiError::new(Code::InvalidField, Some("(body)"), detail("the body cannot be read")),
        429 => ApiError::new(Code::TooManyAttempts, None, "too many requests; try again later"),
        s if s >= 500 => ApiError::internal(&format_args!("{method} {path} answered {status} without a JSON body")),
        _ => ApiError::new(
            Code::BadRequest,
            None,
            detail(&format!("the request cannot be read ({status})")),
        ),
    }
}

/// A JSON request body: refused with `415 unsupported_media_type` unless `Content-Type` is
/// `application/json` (or `application/…+json`), and with `413 payload_too_large` over the
/// body limit. The bytes are not parsed; the handler does that.
#[derive(Debug, Clone)]
pub struct JsonBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<JsonBody, ApiError> {
        if !media_type(request.headers()).as_deref().is_some_and(is_json_media_type) {
            return Err(ApiError::new(
                Code::UnsupportedMediaType,
                Some("(content-type)"),
                "send the body as JSON, with `Content-Type: application/json`",
            ));
        }
        let limits = request.extensions().get::<Limits>().copied().unwrap_or_default();
        match Bytes::from_request(request, state).await {
            Ok(bytes) => Ok(JsonBody(bytes)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(ApiError::new(
                Code::PayloadTooLarge,
                Some("(body)"),
                format!("the body is larger than {} bytes", limits.body_bytes),
            )),
            Err(rejection) => Err(ApiError::new(
                Code::MalformedJson,
                Some("(body)"),
                format!("the body could not be read: {}", rejection.body_text()),
            )),
        }
    }
}

/// The token of an `Authorization: Bearer <token>` header (RFC 6750): the scheme in any case,
/// one space or more, then a token with no whitespace. `None` when there is no such header,
/// more than one `Authorization` header, another scheme, or an empty token.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let value = values.next()?;
    if values.next().is_some() {
        return None;
    }
    let value = value.to_str().ok()?;
    let (scheme, rest) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = rest.trim_start_matches(' ');
    if token.is_empty() || token.contains(|c: char| c.is_ascii_whitespace()) {
        return None;
    }
    Some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append(header::AUTHORIZATION, HeaderValue::from_str(v).unwrap());
        }
        headers
    }

    #[test]
    fn bearer_scheme_is_case_insensitive_and_the_token_is_checked() {
        for (value, token) in [
            ("Bearer abc", Some("abc")),
            ("bearer abc", Some("abc")),
            ("BEARER abc", Some("abc")),
            ("bEaReR   abc.def-_~+/=", Some("abc.def-_~+/=")),
            ("Bearer", None),
            ("Bearer ", None),
            ("Bearer    ", None),
            ("Bearerabc", None),
            ("Basic abc", None),
            ("Bearer a b", None),
            ("Bearer\tabc", None),
            ("Bearer abc\t", None),
            ("", None),
        ] {
            assert_eq!(bearer_token(&auth(&[value])), token, "{value:?}");
        }
        assert_eq!(bearer_token(&HeaderMap::new()), None);
        assert_eq!(
            bearer_token(&auth(&["Bearer a", "Bearer b"])),
            None,
            "two headers are ambiguous"
        );
    }

    #[test]
    fn every_policy_gets_frame_ancestors_none_and_no_inline_script() {
        assert_eq!(content_security_policy(None), DEFAULT_CONTENT_SECURITY_POLICY);
        let page = "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
        assert_eq!(content_security_policy(Some(&HeaderValue::from_static(page))), page);
        let loose = HeaderValue::from_static(
            "default-src 'self'; script-src 'self' 'unsafe-inline' 'UNSAFE-EVAL'; frame-ancestors *; FRAME-ANCESTORS https://a.example",
        );
        assert_eq!(
            content_security_policy(Some(&loose)),
            "default-src 'self'; script-src 'self'; frame-ancestors 'none'"
        );
        let inline_only = HeaderValue::from_static("script-src 'unsafe-inline'");
        assert_eq!(
            content_security_policy(Some(&inline_only)),
            "script-src 'none'; frame-ancestors 'none'"
        );
    }

    #[test]
    fn each_plain_error_status_gets_the_code_for_it() {
        let limits = Limits::default();
        let code = |status: u16, text: &str| {
            let e = api_error(
                StatusCode::from_u16(status).unwrap(),
                text,
                &Method::GET,
                "/api/v1/x",
                &limits,
            );
            (e.code(), e.status().as_u16())
        };
        assert_eq!(
            code(400, "Failed to deserialize query string: limit: invalid digit"),
            (Code::InvalidParameter, 422)
        );
        assert_eq!(
            code(400, "Invalid URL: Cannot parse `%FF` to a `String`"),
            (Code::InvalidParameter, 422)
        );
        assert_eq!(
            code(400, "Failed to parse the request body as JSON: EOF"),
            (Code::MalformedJson, 400)
        );
        assert_eq!(code(400, ""), (Code::BadRequest, 400));
        assert_eq!(code(404, ""), (Code::NotFound, 404));
        assert_eq!(code(405, ""), (Code::MethodNotAllowed, 405));
        assert_eq!(code(408, ""), (Code::RequestTimeout, 408));
        assert_eq!(code(413, "length limit exceeded"), (Code::PayloadTooLarge, 413));
        assert_eq!(code(415, ""), (Code::UnsupportedMediaType, 415));
        assert_eq!(
            code(422, "Failed to deserialize the JSON body"),
            (Code::InvalidField, 422)
        );
        assert_eq!(code(431, ""), (Code::BadRequest, 400));
        assert_eq!(code(502, "upstream detail"), (Code::Internal, 500));
        // Every code this table can give is one of the documented codes with its own status.
        for status in 400..600u16 {
            let Ok(s) = StatusCode::from_u16(status) else { continue };
            let e = api_error(s, "", &Method::GET, "/api", &limits);
            assert_eq!(e.status().as_u16(), e.code().http_status());
        }
    }

    #[tokio::test]
    async fn a_panic_is_a_500_in_the_form_of_its_path() {
        async fn boom() -> &'static str {
            panic!("a bug")
        }
        let router = axum::Router::new()
            .route("/api/v1/boom", axum::routing::get(boom))
            .route("/boom", axum::routing::get(boom))
            .layer(layers());
        let call = |path: &'static str| {
            let router = router.clone();
            async move {
                let response = router
                    .oneshot(Request::get(path).body(Body::empty()).unwrap())
                    .await
                    .unwrap();
                let status = response.status();
                let media = media_type(response.headers());
                let body = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
                (status, media, String::from_utf8_lossy(&body).into_owned())
            }
        };
        let (status, media, body) = call("/api/v1/boom").await;
        assert_eq!((status.as_u16(), media.as_deref()), (500, Some("application/json")));
        assert!(
            body.contains("\"code\":\"internal\"") && !body.contains("a bug"),
            "{body}"
        );
        let (status, media, body) = call("/boom").await;
        assert_eq!((status.as_u16(), media.as_deref()), (500, Some("text/html")));
        assert!(body.contains("(500)") && !body.contains("a bug"), "{body}");
    }

    #[test]
    fn defaults_are_the_documented_ones() {
        let limits = Limits::default();
        assert_eq!(limits.body_bytes, 1_048_576);
        assert_eq!(limits.request_timeout, Duration::from_secs(30));
        assert_eq!(limits.max_connections, 1024);
        assert_eq!(limits.header_read_timeout, Duration::from_secs(10));
        assert_eq!(limits.max_head_bytes, 65_536);
        assert!(limits.keep_alive);
    }
}
