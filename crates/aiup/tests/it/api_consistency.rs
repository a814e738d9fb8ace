//! The API answers alike on every route: bad query strings, unknown and repeated parameters and
//! unknown paths are JSON errors with their code, walked over every API route of
//! `access::ROUTES`; and answers are compressed when the client accepts it.

use crate::support::{spawn_app, TestApp};
use aiup_app::accounts::Role;
use aiup_server::access::ROUTES;
use axum::http::Method;
use serde_json::Value;
use std::io::Read;
use std::time::Duration;

/// One answer with its body as the wire gave it (not decompressed).
#[derive(Debug)]
struct Raw {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Raw {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The `error` object of a JSON error answer, checked for its form.
    #[track_caller]
    fn error(&self, what: &str) -> Value {
        assert!(
            self.header("content-type")
                .is_some_and(|t| t.starts_with("application/json")),
            "{what}: not JSON: {self:?}"
        );
        let body: Value = serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(
            body["error"]["code"].is_string() && body["error"]["message"].is_string(),
            "{what}: {body}"
        );
        body["error"].clone()
    }
}

async fn send(method: &str, url: String, headers: Vec<(&'static str, String)>, body: Option<&'static str>) -> Raw {
    let method = method.to_owned();
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
            Some(b) => request.set("Content-Type", "application/json").send_string(b),
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
        let mut body = Vec::new();
        response.into_reader().read_to_end(&mut body).expect("body");
        Raw { status, headers, body }
    })
    .await
    .expect("request task")
}

/// `path` with its `{…}` parameters filled in.
fn concrete(path: &str) -> String {
    path.replace("{query}", "51760").replace("{id}", "ANY-ID")
}

/// The first single-valued query parameter an operation documents.
fn single_parameter(doc: &Value, method: &Method, path: &str) -> Option<String> {
    doc["paths"][path][method.as_str().to_lowercase()]["parameters"]
        .as_array()?
        .iter()
        .find(|p| p["in"] == "query" && p["schema"]["type"] != "array")
        .and_then(|p| p["name"].as_str())
        .map(str::to_owned)
}

/// A value the parameter reads without complaint, so that only the repetition is wrong.
fn valid_value(name: &str) -> &'static str {
    match name {
        "on" | "from" | "to" => "2026-03-01",
        "limit" | "page" | "per_page" | "before" => "1",
        _ => "x",
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_api_route_refuses_bad_query_strings_alike() {
    let app = spawn_app().await;
    // Each route is called by a role it admits (an administrator where it can), so the access
    // check passes and the query string is what is judged.
    let callers = [Role::Admin, Role::Trainee, Role::ProgrammeAdmin];
    let mut tokens = Vec::new();
    for role in callers {
        crate::testkit::create_account(&app, role, None).await;
        tokens.push((role, crate::testkit::token_of(&app, role).await));
    }
    let doc = aiup_server::openapi::document();
    let api: Vec<_> = ROUTES.iter().filter(|(_, p, _)| p.starts_with("/api/")).collect();
    assert!(api.len() >= 15, "every API route is walked: {}", api.len());
    for (method, path, access) in api {
        let url = |query: &str| format!("{}{}?{query}", app.base_url, concrete(path));
        let body = matches!(*method, Method::POST | Method::PUT).then_some("{}");
        let (_, token) = tokens
            .iter()
            .find(|(role, _)| access.admits(Some(*role)))
            .unwrap_or_else(|| panic!("{method} {path}: no test role may call it"));
        let auth = vec![("Authorization", format!("Bearer {token}"))];
        let mut cases: Vec<(&str, String, String)> = [
            ("a bad percent-escape", "%zz", "(query)"),
            ("a truncated percent-escape", "q=%2", "(query)"),
            ("bytes that are not UTF-8", "a=%FF", "(query)"),
            ("an unknown parameter", "zz_unknown=1", "zz_unknown"),
            ("`lang`, a page parameter", "lang=en", "lang"),
        ]
        .into_iter()
        .map(|(what, query, field)| (what, query.to_owned(), field.to_owned()))
        .collect();
        let repeated = single_parameter(&doc, method, path).unwrap_or_else(|| "zz_unknown".to_owned());
        let value = valid_value(&repeated);
        cases.push((
            "a repeated parameter",
            format!("{repeated}={value}&{repeated}={value}"),
            repeated.clone(),
        ));
        for (what, query, field) in cases {
            let what = format!("{method} {path}?{query} ({what})");
            let answer = send(method.as_str(), url(&query), auth.clone(), body).await;
            assert_eq!(answer.status, 422, "{what}: {answer:?}");
            let error = answer.error(&what);
            assert_eq!(
                (error["code"].as_str(), error["field"].as_str()),
                (Some("invalid_parameter"), Some(field.as_str())),
                "{what}: {error}"
            );
        }
        // Every unknown parameter is named, the first in `field`.
        let what = format!("{method} {path} with two unknown parameters");
        let answer = send(method.as_str(), url("lang=en&zz_other=1&lang=ko"), auth.clone(), body).await;
        let error = answer.error(&what);
        assert_eq!(error["field"], "lang", "{what}: {error}");
        let message = error["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("`lang`") && message.contains("`zz_other`"),
            "{what}: {message}"
        );
    }
    // Unknown paths under /api/ are 404 `not_found` in JSON, whatever their query string.
    for path in [
        "/api/v1/nothing",
        "/api/v1/nothing?%zz",
        "/api/v2/courses",
        "/api/v1/courses/a/b",
        "/api/v1/regions/51760/x?a=%FF",
        "/api/",
        "/api",
    ] {
        let answer = send("GET", format!("{}{path}", app.base_url), Vec::new(), None).await;
        assert_eq!(answer.status, 404, "{path}: {answer:?}");
        assert_eq!(answer.error(path)["code"], "not_found", "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documented_parameters_are_read_and_repeatable_ones_may_repeat() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/courses?delivery=remote&delivery=classroom&stage=participation&stage=entry&q=",
        "/api/v1/courses?q=%EB%8D%B0%EC%9D%B4%ED%84%B0+%EB%B6%84%EC%84%9D",
        "/api/v1/parameters?on=2026-03-01&prefix=allowance",
        "/api/v1/suggest?limit=3&q=ai",
        "/api/v1/regions?q=",
        "/api/v1/programmes?",
        "/api/v1/programmes?&&",
    ] {
        let answer = send("GET", format!("{}{path}", app.base_url), Vec::new(), None).await;
        assert_eq!(answer.status, 200, "{path}: {}", String::from_utf8_lossy(&answer.body));
    }
    // A parameter of another route is unknown here: `/api/v1/courses/{id}` reads only the profile.
    let answer = send(
        "GET",
        format!("{}/api/v1/courses/NO-SUCH?q=ai", app.base_url),
        Vec::new(),
        None,
    )
    .await;
    let error = answer.error("q on a course");
    assert_eq!((answer.status, error["field"].as_str()), (422, Some("q")), "{error}");
    // The access check comes first: a caller who may not use a route learns nothing of its parameters.
    let answer = send("GET", format!("{}/api/v1/audit?zz=1", app.base_url), Vec::new(), None).await;
    assert_eq!(answer.status, 401, "{answer:?}");
}

fn decode(encoding: Option<&str>, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match encoding {
        None => out.extend_from_slice(body),
        Some("gzip") => {
            flate2::read::GzDecoder::new(body).read_to_end(&mut out).expect("gzip");
        }
        Some("br") => {
            brotli::Decompressor::new(body, 4096)
                .read_to_end(&mut out)
                .expect("brotli");
        }
        Some(other) => panic!("unexpected Content-Encoding {other}"),
    }
    out
}

async fn get_encoded(app: &TestApp, path: &str, accept: Option<&str>) -> Raw {
    let headers = accept.map(|a| ("Accept-Encoding", a.to_owned())).into_iter().collect();
    send("GET", format!("{}{path}", app.base_url), headers, None).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_are_compressed_when_the_client_accepts_it() {
    let app = spawn_app().await;
    for path in ["/api/v1/openapi.json", "/api/v1/programmes", "/api/v1/regions"] {
        let plain = get_encoded(&app, path, None).await;
        assert_eq!(plain.status, 200);
        assert_eq!(
            plain.header("content-encoding"),
            None,
            "{path}: nothing asked, nothing compressed"
        );
        let expected: Value = serde_json::from_slice(&plain.body).expect("JSON");
        for (accept, encoding) in [("br", "br"), ("gzip", "gzip"), ("gzip, deflate, br;q=0.5", "gzip")] {
            let answer = get_encoded(&app, path, Some(accept)).await;
            assert_eq!(answer.status, 200, "{path} {accept}");
            assert_eq!(answer.header("content-encoding"), Some(encoding), "{path} {accept}");
            assert!(
                answer
                    .header("vary")
                    .is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding")),
                "{path} {accept}: {answer:?}"
            );
            assert!(
                answer.body.len() * 2 < plain.body.len(),
                "{path} {accept}: {} bytes compressed, {} plain",
                answer.body.len(),
                plain.body.len()
            );
            let decoded = decode(answer.header("content-encoding"), &answer.body);
            let got: Value = serde_json::from_slice(&decoded).expect("decoded JSON");
            assert_eq!(got, expected, "{path} {accept}");
            // The security headers and the cache policy survive compression.
            assert_eq!(answer.header("x-content-type-options"), Some("nosniff"), "{path}");
            assert_eq!(answer.header("x-frame-options"), Some("DENY"), "{path}");
            assert_eq!(answer.header("cache-control"), Some("no-store"), "{path}");
            assert!(answer
                .header("content-security-policy")
                .is_some_and(|c| c.contains("frame-ancestors 'none'")));
        }
    }
    // Pages, the stylesheet and the script too.
    for (path, media) in [
        ("/", "text/html"),
        ("/courses", "text/html"),
        ("/assets/app.css", "text/css"),
    ] {
        let plain = get_encoded(&app, path, None).await;
        let answer = get_encoded(&app, path, Some("br")).await;
        assert_eq!(answer.status, 200, "{path}");
        assert!(
            answer.header("content-type").is_some_and(|t| t.starts_with(media)),
            "{path}"
        );
        assert_eq!(answer.header("content-encoding"), Some("br"), "{path}");
        assert_eq!(decode(Some("br"), &answer.body), plain.body, "{path}");
        assert!(answer.header("content-security-policy").is_some(), "{path}");
    }
    let script = get_encoded(&app, "/assets/suggest.js", Some("gzip")).await;
    let plain = get_encoded(&app, "/assets/suggest.js", None).await;
    assert_eq!(decode(script.header("content-encoding"), &script.body), plain.body);
    if plain.body.len() as u64 >= aiup_server::hygiene::COMPRESS_MIN_BYTES {
        assert_eq!(script.header("content-encoding"), Some("gzip"));
    } else {
        assert_eq!(
            script.header("content-encoding"),
            None,
            "a small script is sent as it is"
        );
    }
    // Tiny bodies are sent as they are.
    for path in ["/healthz", "/api/v1/regions/51760", "/api/v1/nothing"] {
        let answer = get_encoded(&app, path, Some("gzip, br")).await;
        assert!(
            (answer.body.len() as u64) < aiup_server::hygiene::COMPRESS_MIN_BYTES,
            "{path} is not tiny: {}",
            answer.body.len()
        );
        assert_eq!(answer.header("content-encoding"), None, "{path}");
        let _: Value = serde_json::from_slice(&answer.body).expect("plain JSON");
    }
    // A client that refuses every coding it knows gets the body as it is.
    let answer = get_encoded(&app, "/api/v1/openapi.json", Some("identity")).await;
    assert_eq!(answer.header("content-encoding"), None);
}
