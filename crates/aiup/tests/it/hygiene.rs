//! HTTP hygiene over real TCP: security headers on every kind of response, the body limit and
//! the request timeout, every error under /api/ in JSON, strict dates, and that stalled
//! clients cannot starve the server.

use crate::cli::{aiup, repo, stderr};
use crate::http::kdt_case;
use crate::support::{spawn_app, TestApp};
use aiup_server::Limits;
use serde_json::Value;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One answer: status, headers (names lower-case), and the body as text.
#[derive(Debug)]
pub(crate) struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The `{"error": {"code", …}}` body of a JSON error, checked for its form.
    #[track_caller]
    fn error(&self) -> Value {
        assert!(
            self.header("content-type")
                .is_some_and(|t| t.starts_with("application/json")),
            "a JSON error must say so: {self:?}"
        );
        let body = self.json();
        assert!(
            body["error"]["code"].is_string() && body["error"]["message"].is_string(),
            "{body}"
        );
        body["error"].clone()
    }
}

/// A request with ureq (no redirects, 10 s timeout); any status is an answer.
pub(crate) async fn request(method: &str, url: String, headers: &[(&str, &str)], body: Option<Vec<u8>>) -> Answer {
    let method = method.to_owned();
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    tokio::task::spawn_blocking(move || {
        let agent = ureq::AgentBuilder::new()
            .redirects(0)
            .timeout(Duration::from_secs(10))
            .build();
        let mut request = agent.request(&method, &url);
        for (k, v) in &headers {
            request = request.set(k, v);
        }
        let result = match body {
            Some(b) => request.send_bytes(&b),
            None => request.call(),
        };
        let response = match result {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{method} {url}: {e}"),
        };
        let status = response.status();
        let headers = response
            .headers_names()
            .into_iter()
            .map(|n| {
                let v = response.header(&n).unwrap_or_default().to_owned();
                (n, v)
            })
            .collect();
        let body = response.into_string().unwrap_or_default();
        Answer { status, headers, body }
    })
    .await
    .expect("request task")
}

async fn get(app: &TestApp, path: &str) -> Answer {
    request("GET", format!("{}{path}", app.base_url), &[], None).await
}

/// Writes `bytes` on a new connection to `addr`, then reads until the server closes it (or
/// `within` passes) and parses the answer. Returns the answer and how long it took.
async fn raw(addr: SocketAddr, bytes: &[u8], within: Duration) -> (Answer, Duration) {
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    // The server may answer (and close) before it has read everything: the answer still counts.
    let _ = stream.write_all(bytes).await;
    let mut got = Vec::new();
    let read = tokio::time::timeout(within, async {
        let mut buf = [0u8; 8192];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    got.extend_from_slice(&buf[..n]);
                    if complete(&got) {
                        break;
                    }
                }
            }
        }
    })
    .await;
    assert!(
        read.is_ok(),
        "no answer within {within:?}; got {:?}",
        String::from_utf8_lossy(&got)
    );
    (parse_answer(&got), started.elapsed())
}

/// Whether `raw` holds a whole answer with a `Content-Length` body.
fn complete(raw: &[u8]) -> bool {
    let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
        return false;
    };
    let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
    head.lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|n| n.trim().parse::<usize>().ok())
        .is_some_and(|n| raw.len() >= end + 4 + n)
}

fn parse_answer(raw: &[u8]) -> Answer {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no answer head in {text:?}"));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {head:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_owned(),
    }
}

/// The app's state served on a second listener, with `limits`.
pub(crate) async fn serve_with(app: &TestApp, limits: Limits) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let router = aiup_server::app(app.state.clone());
    tokio::spawn(aiup_server::serve(listener, router, limits, std::future::pending()));
    addr
}

#[track_caller]
fn assert_security_headers(what: &str, answer: &Answer) {
    let csp = answer
        .header("content-security-policy")
        .unwrap_or_else(|| panic!("{what}: no Content-Security-Policy"));
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{what}: {csp}"
    );
    assert_eq!(answer.header("x-content-type-options"), Some("nosniff"), "{what}");
    assert_eq!(answer.header("referrer-policy"), Some("same-origin"), "{what}");
    assert_eq!(answer.header("x-frame-options"), Some("DENY"), "{what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_response_carries_the_security_headers() {
    let app = spawn_app().await;
    let strict = aiup_server::hygiene::DEFAULT_CONTENT_SECURITY_POLICY;

    let page = get(&app, "/").await;
    assert_eq!(page.status, 200);
    assert_security_headers("the calculator page", &page);
    // The page keeps its own policy (styles from this server), and scripts stay off.
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("style-src 'self'") && !csp.contains("script-src"), "{csp}");
    assert_eq!(page.header("cache-control"), Some("no-cache"));

    let search = get(&app, "/courses").await;
    assert_eq!(search.status, 200);
    assert_security_headers("the course search page", &search);
    assert!(search
        .header("content-security-policy")
        .unwrap()
        .contains("script-src 'self'"));

    let json = get(&app, "/api/v1/programmes").await;
    assert_eq!(json.status, 200);
    assert_security_headers("a JSON answer", &json);
    assert_eq!(json.header("content-security-policy"), Some(strict));
    assert_eq!(json.header("cache-control"), Some("no-store"));

    let missing = get(&app, "/no/such/page").await;
    assert_eq!(missing.status, 404);
    assert!(missing.header("content-type").unwrap().starts_with("text/html"));
    assert!(missing.body.contains("페이지를 찾을 수 없습니다"));
    assert_security_headers("the 404 page", &missing);
    assert_eq!(missing.header("cache-control"), Some("no-cache"));

    let asset = get(&app, "/assets/app.css").await;
    assert_eq!(asset.status, 200);
    assert_security_headers("the stylesheet", &asset);
    assert_eq!(
        asset.header("cache-control"),
        Some("public, max-age=3600"),
        "an asset keeps its own"
    );

    let script = get(&app, "/assets/suggest.js").await;
    assert_security_headers("the script", &script);

    let refused = request(
        "POST",
        format!("{}/api/v1/estimate", app.base_url),
        &[("Content-Type", "application/json")],
        Some(b"{\"programme\": 1}".to_vec()),
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_security_headers("a JSON error", &refused);
    assert_eq!(refused.header("cache-control"), Some("no-store"));

    let health = get(&app, "/healthz").await;
    assert_eq!(health.status, 200);
    assert_security_headers("the health check", &health);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_the_limit_is_413_in_json_and_one_at_the_limit_is_read() {
    let app = spawn_app().await;
    let limit = Limits::default().body_bytes;
    assert_eq!(limit, 1024 * 1024);

    // Declared too large: refused before any of the body is read.
    let head = format!(
        "POST /api/v1/estimate HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        limit + 1
    );
    let (answer, _) = raw(app.addr, head.as_bytes(), Duration::from_secs(10)).await;
    assert_eq!(answer.status, 413, "{answer:?}");
    let error = answer.error();
    assert_eq!(error["code"], "payload_too_large");
    assert!(error["message"].as_str().unwrap().contains("1048576 bytes"), "{error}");
    assert_security_headers("a 413", &answer);

    // Streamed without a length: refused once it passes the limit.
    let mut chunked = b"POST /api/v1/estimate HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    chunked.extend_from_slice(format!("{:x}\r\n", limit + 1).as_bytes());
    chunked.extend(std::iter::repeat_n(b' ', limit + 1));
    chunked.extend_from_slice(b"\r\n0\r\n\r\n");
    let (answer, _) = raw(app.addr, &chunked, Duration::from_secs(10)).await;
    assert_eq!(answer.status, 413, "{answer:?}");
    assert_eq!(answer.error()["code"], "payload_too_large");

    // Exactly at the limit: read and answered.
    let mut body = kdt_case("전라남도 해남군").to_string().into_bytes();
    body.resize(limit, b' ');
    let answer = request(
        "POST",
        format!("{}/api/v1/estimate", app.base_url),
        &[("Content-Type", "application/json")],
        Some(body),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.json()["totals"]["allowance_won"], 800_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_that_takes_too_long_is_408_in_json() {
    let app = spawn_app().await;
    let limits = Limits {
        request_timeout: Duration::from_millis(500),
        ..Limits::default()
    };
    let addr = serve_with(&app, limits).await;
    // The head promises 100 bytes of body; 1 comes, then nothing.
    let stalled =
        b"POST /api/v1/estimate HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{";
    let (answer, took) = raw(addr, stalled, Duration::from_secs(10)).await;
    assert_eq!(answer.status, 408, "{answer:?}");
    assert_eq!(answer.error()["code"], "request_timeout");
    assert_security_headers("a 408", &answer);
    assert!(
        took >= Duration::from_millis(450) && took < Duration::from_secs(5),
        "answered after {took:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axum_rejections_under_the_api_are_json_with_their_code() {
    let app = spawn_app().await;
    let json = [("Content-Type", "application/json")];
    let estimate = format!("{}/api/v1/estimate", app.base_url);
    let case = kdt_case("전라남도 해남군").to_string().into_bytes();
    let cases: Vec<(&str, Answer, u16, &str, Option<&str>)> = vec![
        (
            "a query value of the wrong type",
            get(&app, "/api/v1/suggest?q=ai&limit=many").await,
            422,
            "invalid_parameter",
            Some("(query)"),
        ),
        (
            "a repeated query parameter",
            get(&app, "/api/v1/parameters?on=2026-03-01&on=2026-04-01").await,
            422,
            "invalid_parameter",
            Some("on"),
        ),
        (
            "invalid UTF-8 in a path parameter",
            get(&app, "/api/v1/regions/%FF%FE").await,
            422,
            "invalid_parameter",
            Some("(path)"),
        ),
        (
            "invalid UTF-8 in a course id",
            get(&app, "/api/v1/courses/%C3%28").await,
            422,
            "invalid_parameter",
            Some("(path)"),
        ),
        (
            "no Content-Type",
            request("POST", estimate.clone(), &[], Some(case.clone())).await,
            415,
            "unsupported_media_type",
            Some("(content-type)"),
        ),
        (
            "a form instead of JSON",
            request(
                "POST",
                estimate.clone(),
                &[("Content-Type", "application/x-www-form-urlencoded")],
                Some(b"programme=kdt-ai-campus".to_vec()),
            )
            .await,
            415,
            "unsupported_media_type",
            Some("(content-type)"),
        ),
        (
            "an unknown path under /api/",
            get(&app, "/api/v1/nothing-here").await,
            404,
            "not_found",
            None,
        ),
        (
            "an unknown path with bad percent-encoding",
            get(&app, "/api/v1/%FF/%zz").await,
            404,
            "not_found",
            None,
        ),
        ("/api itself", get(&app, "/api").await, 404, "not_found", None),
        (
            "a method the route does not take",
            request("DELETE", format!("{}/api/v1/programmes", app.base_url), &[], None).await,
            405,
            "method_not_allowed",
            None,
        ),
        (
            "a method on an unknown path",
            request(
                "PUT",
                format!("{}/api/v2/anything", app.base_url),
                &json,
                Some(b"{}".to_vec()),
            )
            .await,
            404,
            "not_found",
            None,
        ),
    ];
    for (what, answer, status, code, field) in cases {
        assert_eq!(answer.status, status, "{what}: {answer:?}");
        let error = answer.error();
        assert_eq!(error["code"], code, "{what}: {error}");
        if let Some(field) = field {
            assert_eq!(error["field"], field, "{what}: {error}");
        }
        assert_security_headers(what, &answer);
    }
    // JSON with a charset, or a +json type, is JSON.
    for content_type in ["application/json; charset=utf-8", "Application/JSON"] {
        let answer = request(
            "POST",
            estimate.clone(),
            &[("Content-Type", content_type)],
            Some(case.clone()),
        )
        .await;
        assert_eq!(answer.status, 200, "{content_type}: {}", answer.body);
    }
    // Outside the API, errors stay pages.
    for path in ["/nothing", "/courses/%FF", "/api-docs"] {
        let answer = get(&app, path).await;
        assert!(answer.status >= 400, "{path}: {answer:?}");
        assert!(
            answer.header("content-type").unwrap().starts_with("text/html"),
            "{path}: {answer:?}"
        );
        assert_security_headers(path, &answer);
    }
    let answer = request("DELETE", format!("{}/courses", app.base_url), &[], None).await;
    assert_eq!(answer.status, 405);
    assert!(
        answer.header("content-type").unwrap().starts_with("text/html"),
        "{answer:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_search_parameters_are_422_never_500() {
    let app = spawn_app().await;
    for (path, field) in [
        ("/api/v1/courses?start_month=2026-3", "start_month"),
        ("/api/v1/courses?start_month=%2B2026-03", "start_month"),
        ("/api/v1/courses?start_month=2026-13", "start_month"),
        ("/api/v1/courses?per_page=100000", "per_page"),
        ("/api/v1/courses?sort=sideways", "sort"),
    ] {
        let answer = get(&app, path).await;
        assert_eq!(answer.status, 422, "{path}: {answer:?}");
        let error = answer.error();
        assert_eq!(
            (error["code"].as_str(), error["field"].as_str()),
            (Some("invalid_parameter"), Some(field)),
            "{path}"
        );
    }
    let answer = get(&app, "/api/v1/courses?start_month=2026-03").await;
    assert_eq!(answer.status, 200, "{answer:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_on_date_is_strict() {
    let app = spawn_app().await;
    for bad in [
        "2026-3-01",
        "2026-03-1",
        "%2B2026-03-01",
        "2026-02-30",
        "2026-03-01T00:00",
        "26-03-01",
    ] {
        let answer = get(&app, &format!("/api/v1/parameters?on={bad}")).await;
        assert_eq!(answer.status, 422, "{bad}: {answer:?}");
        let error = answer.error();
        assert_eq!(
            (error["code"].as_str(), error["field"].as_str()),
            (Some("invalid_date"), Some("on"))
        );
    }
    let answer = get(&app, "/api/v1/parameters?on=2026-03-01&prefix=tuition").await;
    assert_eq!(answer.status, 200, "{answer:?}");
}

#[test]
fn the_cli_on_date_is_strict_and_a_reform_file_refuses_duplicate_keys() {
    let dir = tempfile::tempdir().unwrap();
    let out = aiup(dir.path(), &["policy", "--on", "2026-3-01"], None);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("YYYY-MM-DD"), "{}", stderr(&out));

    let reform = dir.path().join("reform.json");
    std::fs::write(
        &reform,
        r#"{"name": "a", "name": "b", "overrides": [{"param": "allowance.special.kdt_ai_campus.capital.daily_won", "value": 15000}]}"#,
    )
    .unwrap();
    let case = repo("examples/kdt-ai-campus-haenam.json");
    let out = aiup(
        dir.path(),
        &["estimate", "--case", &case, "--reform", reform.to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("name: the key appears twice"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unauthenticated_answers_name_the_bearer_scheme() {
    let app = spawn_app().await;
    let answer = get(&app, "/api/v1/audit").await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.error()["code"], "unauthenticated");
    assert_eq!(answer.header("www-authenticate"), Some("Bearer realm=\"aiup\""));
    assert_security_headers("a 401", &answer);
}

#[test]
fn the_bearer_scheme_is_matched_in_any_case() {
    use aiup_server::hygiene::bearer_token;
    use axum::http::{header::AUTHORIZATION, HeaderMap, HeaderValue};
    let with = |value: &'static str| {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_static(value));
        headers
    };
    for value in ["Bearer t0k.en", "bearer t0k.en", "BEARER t0k.en", "Bearer    t0k.en"] {
        assert_eq!(bearer_token(&with(value)), Some("t0k.en"), "{value}");
    }
    for value in [
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearert0k.en",
        "Bearer t0k en",
    ] {
        assert_eq!(bearer_token(&with(value)), None, "{value}");
    }
    assert_eq!(bearer_token(&HeaderMap::new()), None);
}

#[test]
fn dot_only_course_ids_are_refused() {
    for id in [".", "..", "...."] {
        let reason = aiup_catalogue::ExternalId::parse(id).expect_err(id);
        assert!(reason.contains("only dots"), "{id}: {reason}");
    }
    assert!(aiup_catalogue::ExternalId::parse("AIG.2026..1").is_ok());
}

/// Opens `count` connections to `addr` that each send part of a request line and stall.
pub(crate) async fn stalled_connections(addr: SocketAddr, count: usize) -> Vec<TcpStream> {
    let mut streams = Vec::with_capacity(count);
    for i in 0..count {
        let mut stream = tokio::time::timeout(Duration::from_secs(5), TcpStream::connect(addr))
            .await
            .unwrap_or_else(|_| panic!("connection {i} was not accepted within 5 s"))
            .expect("connect");
        stream
            .write_all(b"GET /healthz HT")
            .await
            .expect("partial request line");
        streams.push(stream);
    }
    streams
}

/// Whether the server has closed `stream`: a read gives end of file or an error.
pub(crate) async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 64];
    matches!(
        tokio::time::timeout(within, stream.read(&mut buf)).await,
        Ok(Ok(0) | Err(_))
    )
}

pub(crate) async fn health_answers_quickly(addr: SocketAddr) {
    let started = Instant::now();
    let answer = request("GET", format!("http://{addr}/healthz"), &[], None).await;
    let took = started.elapsed();
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.json()["status"], "ok");
    assert!(took < Duration::from_secs(3), "/healthz took {took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_clients_cannot_starve_the_server() {
    let app = spawn_app().await;
    let limits = Limits {
        max_connections: 64,
        header_read_timeout: Duration::from_secs(1),
        ..Limits::default()
    };
    let addr = serve_with(&app, limits).await;
    let started = Instant::now();
    let mut stalled = stalled_connections(addr, 1100).await;
    health_answers_quickly(addr).await;
    // Every stalled connection is closed: most to make room, the rest by the header timeout.
    let deadline = Duration::from_secs(1) + Duration::from_secs(3);
    let mut open = 0;
    for stream in &mut stalled {
        let left = deadline
            .saturating_sub(started.elapsed())
            .max(Duration::from_millis(10));
        if !closed_within(stream, left).await {
            open += 1;
        }
    }
    assert_eq!(
        open, 0,
        "{open} of 1,100 stalled connections were still open after {deadline:?}"
    );
    health_answers_quickly(addr).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_clients_cannot_starve_the_server_with_default_limits() {
    let app = spawn_app().await;
    let addr = serve_with(&app, Limits::default()).await;
    let mut stalled = stalled_connections(addr, 1100).await;
    health_answers_quickly(addr).await;
    // Over the cap of 1,024: the oldest stalled connections made room for the newer ones.
    assert!(closed_within(&mut stalled[0], Duration::from_secs(2)).await);
    assert!(!closed_within(&mut stalled[1099], Duration::from_millis(200)).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_open_connection_is_closed_after_the_header_timeout() {
    let app = spawn_app().await;
    let limits = Limits {
        header_read_timeout: Duration::from_millis(500),
        ..Limits::default()
    };
    let addr = serve_with(&app, limits).await;
    let mut stalled = stalled_connections(addr, 3).await;
    let mut silent = TcpStream::connect(addr).await.expect("connect");
    assert!(
        !closed_within(&mut stalled[0], Duration::from_millis(200)).await,
        "closed too soon"
    );
    for stream in stalled.iter_mut().chain(std::iter::once(&mut silent)) {
        assert!(closed_within(stream, Duration::from_secs(3)).await, "still open");
    }
    // A kept-alive connection that goes quiet after an answer is closed the same way.
    let mut kept = TcpStream::connect(addr).await.expect("connect");
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .unwrap();
    let mut buf = vec![0u8; 4096];
    let n = kept.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    assert!(
        closed_within(&mut kept, Duration::from_secs(3)).await,
        "idle keep-alive still open"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_head_over_the_limit_is_refused() {
    let app = spawn_app().await;
    let padding = "a".repeat(Limits::default().max_head_bytes);
    let head = format!("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Padding: {padding}\r\n\r\n");
    let (answer, _) = raw(app.addr, head.as_bytes(), Duration::from_secs(5)).await;
    assert_eq!(answer.status, 431, "{answer:?}");
    let fits = format!(
        "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\nX-Padding: {}\r\n\r\n",
        &padding[..60_000]
    );
    let (answer, _) = raw(app.addr, fits.as_bytes(), Duration::from_secs(5)).await;
    assert_eq!(answer.status, 200, "{answer:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_closes_the_listener_and_idle_connections() {
    let app = spawn_app().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(aiup_server::serve(
        listener,
        aiup_server::app(app.state.clone()),
        Limits::default(),
        async move {
            let _ = stopped.await;
        },
    ));
    health_answers_quickly(addr).await;
    let mut idle = stalled_connections(addr, 2).await;
    stop.send(()).unwrap();
    let finished = tokio::time::timeout(Duration::from_secs(5), server).await;
    assert!(matches!(finished, Ok(Ok(Ok(())))), "serve did not return: {finished:?}");
    for stream in &mut idle {
        assert!(closed_within(stream, Duration::from_secs(2)).await);
    }
    assert!(TcpStream::connect(addr).await.is_err(), "the listener is closed");
}
