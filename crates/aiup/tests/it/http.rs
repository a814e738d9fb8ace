//! The JSON API over real TCP: answers, errors, access checks, and that bad
//! input changes nothing stored.

use crate::support::{spawn_app, spawn_app_on, TestApp};
use aiup_server::access::ROUTES;
use aiup_store::AuditFilter;
use serde_json::{json, Value};

pub async fn call(method: &str, url: String, body: Option<Value>, token: Option<&str>) -> (u16, Value) {
    let token = token.map(str::to_owned);
    let method = method.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut request = ureq::request(&method, &url);
        if let Some(t) = &token {
            request = request.set("Authorization", &format!("Bearer {t}"));
        }
        let result = match body {
            Some(b) => request
                .set("Content-Type", "application/json")
                .send_string(&b.to_string()),
            None => request.call(),
        };
        let response = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{method} {url}: {e}"),
        };
        let status = response.status();
        let text = response.into_string().unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    })
    .await
    .expect("request task")
}

pub fn kdt_case(region: &str) -> Value {
    json!({
        "programme": "kdt-ai-campus",
        "course": { "region": region, "start_date": "2026-03-02", "end_date": "2026-08-31", "total_hours": 960, "hours_per_day": 8, "delivery": "classroom", "fee_won": 9000000 },
        "trainee": { "status": "job_seeker" },
        "period": 1,
        "attendance": { "scheduled_days": 22, "attended_days": 22 }
    })
}

async fn stored_state(app: &TestApp) -> (usize, usize) {
    let events = app
        .state
        .db()
        .audit()
        .events(&AuditFilter::newest(1000))
        .await
        .expect("audit")
        .len();
    let versions = app.state.db().policy().versions().await.expect("versions").len();
    (events, versions)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn estimate_answers_with_totals_components_and_trace() {
    let app = spawn_app().await;
    let (status, body) = call(
        "POST",
        format!("{}/api/v1/estimate", app.base_url),
        Some(kdt_case("전라남도 해남군")),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["totals"]["allowance_won"], 800_000);
    assert_eq!(body["totals"]["self_payment_won"], 0);
    assert_eq!(
        body["unit_period"],
        json!({ "index": 1, "of": 6, "start": "2026-03-02", "end": "2026-04-01" })
    );
    assert!(body["policy_version"].as_str().unwrap_or("").starts_with("2026.1+"));
    let components: Vec<&str> = body["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(
        components.contains(&"base_allowance")
            && components.contains(&"special_allowance")
            && components.contains(&"self_payment")
    );
    assert!(body["components"][0]["citations"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c.as_str().unwrap().contains("제2026-101호")));
    let trace = body["trace"].as_array().expect("trace");
    assert!(trace.iter().any(|n| n["rule"] == "allowance"));
    assert!(body["explanation"]["ko"].as_str().unwrap().contains("훈련장려금"));
    assert!(body["explanation"]["en"].as_str().unwrap().contains("Allowance"));

    let mut no_trace = kdt_case("전라남도 해남군");
    no_trace["trace"] = json!(false);
    let (_, body) = call(
        "POST",
        format!("{}/api/v1/estimate", app.base_url),
        Some(no_trace),
        None,
    )
    .await;
    assert!(body.get("trace").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reform_is_compared_with_the_baseline() {
    let app = spawn_app().await;
    let mut case = kdt_case("서울특별시 강남구");
    case["reform"] = json!({ "name": "capital-top-up-15000", "overrides": [{ "param": "allowance.special.kdt_ai_campus.capital.daily_won", "value": 15000 }, { "param": "allowance.special.kdt_ai_campus.capital.monthly_cap_won", "value": 300000 }] });
    let (status, body) = call(
        "POST",
        format!("{}/api/v1/estimate", app.base_url),
        Some(case.clone()),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["totals"]["allowance_won"], 400_000);
    assert_eq!(body["reform"]["totals"]["allowance_won"], 500_000);
    assert_eq!(body["reform"]["difference"]["allowance_won"], 100_000);
    assert!(body["reform"]["policy_version"]
        .as_str()
        .unwrap()
        .ends_with("+reform:capital-top-up-15000"));

    case["reform"]["overrides"][0]["param"] = json!("allowance.no.such.param");
    let (status, body) = call("POST", format!("{}/api/v1/estimate", app.base_url), Some(case), None).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["code"], "invalid_reform");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("allowance.no.such.param"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_by_field_and_changes_nothing_stored() {
    let app = spawn_app().await;
    let before = stored_state(&app).await;
    let url = format!("{}/api/v1/estimate", app.base_url);
    let mut unknown_region = kdt_case("서울특별시 없는구");
    let mut over_attended = kdt_case("서울특별시 강남구");
    over_attended["attendance"]["attended_days"] = json!(23);
    let mut end_first = kdt_case("서울특별시 강남구");
    end_first["course"]["end_date"] = json!("2026-01-01");
    let mut unknown_programme = kdt_case("서울특별시 강남구");
    unknown_programme["programme"] = json!("kdt-ai");
    unknown_region["trace"] = json!(true);
    for (body, code, field) in [
        (unknown_region, "unknown_region", "course.region"),
        (over_attended, "attendance_exceeds_schedule", "attendance.attended_days"),
        (end_first, "end_before_start", "course.end_date"),
        (unknown_programme, "unknown_programme", "programme"),
    ] {
        let (status, answer) = call("POST", url.clone(), Some(body), None).await;
        assert_eq!(status, 422, "{answer}");
        assert_eq!(answer["error"]["code"], code);
        assert_eq!(answer["error"]["field"], field);
    }
    let (status, answer) = tokio::task::spawn_blocking({
        let url = url.clone();
        move || match ureq::post(&url)
            .set("Content-Type", "application/json")
            .send_string("{\"programme\": ")
        {
            Err(ureq::Error::Status(s, r)) => (s, r.into_json::<Value>().unwrap_or_default()),
            other => panic!("expected an error status, got {other:?}"),
        }
    })
    .await
    .unwrap();
    assert_eq!(status, 400);
    assert_eq!(answer["error"]["code"], "malformed_json");
    assert_eq!(
        stored_state(&app).await,
        before,
        "a refused request must not change what is stored"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_estimates_agree() {
    let app = spawn_app().await;
    let url = format!("{}/api/v1/estimate", app.base_url);
    let mut tasks = Vec::new();
    for i in 0..32 {
        let region = ["서울특별시 강남구", "대전광역시 유성구", "전라남도 해남군"][i % 3];
        tasks.push(tokio::spawn(call("POST", url.clone(), Some(kdt_case(region)), None)));
    }
    for (i, task) in tasks.into_iter().enumerate() {
        let (status, body) = task.await.unwrap();
        assert_eq!(status, 200);
        assert_eq!(body["totals"]["allowance_won"], [400_000, 600_000, 800_000][i % 3]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reference_endpoints_answer() {
    let app = spawn_app().await;
    let (status, body) = call("GET", format!("{}/api/v1/programmes", app.base_url), None, None).await;
    assert_eq!(status, 200);
    assert_eq!(body["programmes"].as_array().unwrap().len(), 21);
    assert_eq!(body["ai_specific_budget_won"], 254_000_000_000i64);
    let (status, body) = call(
        "GET",
        format!(
            "{}/api/v1/parameters?on=2026-03-01&prefix=tuition.sme_online",
            app.base_url
        ),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["parameters"][0]["in_force"]["value"], "0%");
    assert!(body["parameters"][0]["values"][0]["cite"]
        .as_str()
        .unwrap()
        .starts_with("seed:002"));
    let (status, body) = call(
        "GET",
        format!("{}/api/v1/parameters?on=2026-13-01", app.base_url),
        None,
        None,
    )
    .await;
    assert_eq!((status, body["error"]["field"].clone()), (422, json!("on")));
    let (status, body) = call(
        "GET",
        format!("{}/api/v1/regions?q=%ED%8F%89%EC%B0%BD", app.base_url),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(body["regions"].as_array().unwrap().iter().any(|r| r["code"] == "51760"));
    let (status, body) = call("GET", format!("{}/api/v1/regions/42760", app.base_url), None, None).await;
    assert_eq!(status, 200);
    assert_eq!(body["name"], "강원특별자치도 평창군");
    assert_eq!(body["tier"], "population_declining");
    let (status, _) = call("GET", format!("{}/api/v1/regions/99999", app.base_url), None, None).await;
    assert_eq!(status, 404);
    let (status, body) = call(
        "GET",
        format!("{}/api/v1/regions/%EC%A4%91%EA%B5%AC", app.base_url),
        None,
        None,
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (422, json!("ambiguous_region"))
    );
    let (status, body) = call("GET", format!("{}/healthz", app.base_url), None, None).await;
    assert_eq!(
        (status, body["status"].clone(), body["database"].clone()),
        (200, json!("ok"), json!("sqlite"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_is_access_checked_and_documented() {
    let app = spawn_app().await;
    let doc = aiup_server::openapi::document();
    for (method, path, access) in ROUTES.iter() {
        if path.starts_with("/api/") || *path == "/healthz" {
            let op = &doc["paths"][*path][method.as_str().to_lowercase()];
            assert!(
                op.is_object(),
                "{method} {path} is served but not in the OpenAPI document"
            );
        }
        // Who may call what is tested route by route, role by role, in access.rs.
        let _ = access;
    }
    for path in doc["paths"].as_object().unwrap().keys() {
        assert!(
            ROUTES.iter().any(|(_, p, _)| p == path),
            "{path} is documented but not served"
        );
    }
    crate::testkit::create_account(&app, aiup_app::accounts::Role::Auditor, None).await;
    let auditor = crate::testkit::token_of(&app, aiup_app::accounts::Role::Auditor).await;
    let (status, body) = call("GET", format!("{}/api/v1/audit", app.base_url), None, Some(&auditor)).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "policy.import"));
    assert_eq!(
        call("DELETE", format!("{}/api/v1/programmes", app.base_url), None, None)
            .await
            .0,
        405
    );
    assert_eq!(
        call("GET", format!("{}/api/v1/nothing-here", app.base_url), None, None)
            .await
            .0,
        404
    );
    let (status, body) = call("GET", format!("{}/api/v1/openapi.json", app.base_url), None, None).await;
    assert_eq!((status, body["openapi"].clone()), (200, json!("3.1.0")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_answers_the_same_on_postgres() {
    let Some(db) = aiup_store::testing::postgres_test_url().await else {
        return;
    };
    let store = aiup_store::connect(db.url()).await.expect("connect");
    let pg = spawn_app_on(store).await;
    let sqlite = spawn_app().await;
    for region in ["서울특별시 강남구", "인천광역시 강화군", "경상북도 군위군"] {
        let (a, x) = call(
            "POST",
            format!("{}/api/v1/estimate", pg.base_url),
            Some(kdt_case(region)),
            None,
        )
        .await;
        let (b, y) = call(
            "POST",
            format!("{}/api/v1/estimate", sqlite.base_url),
            Some(kdt_case(region)),
            None,
        )
        .await;
        assert_eq!((a, b), (200, 200));
        assert_eq!(x, y, "PostgreSQL and SQLite deployments must answer identically");
    }
    let (status, body) = call("GET", format!("{}/healthz", pg.base_url), None, None).await;
    assert_eq!((status, body["database"].clone()), (200, json!("postgres")));
}

// ---- the OpenAPI document ---------------------------------------------------------------

/// The schema at a local `$ref` (`#/components/schemas/Name`).
fn resolve<'a>(doc: &'a Value, reference: &str) -> &'a Value {
    let pointer = reference
        .strip_prefix('#')
        .unwrap_or_else(|| panic!("only local refs are used: {reference}"));
    doc.pointer(pointer)
        .unwrap_or_else(|| panic!("{reference} does not resolve"))
}

/// The patterns the document uses; a new one must be taught here.
fn matches_pattern(pattern: &str, text: &str) -> bool {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    match pattern {
        "^[0-9]{2}$" => digits(text, 2),
        "^[0-9]{5}$" => digits(text, 5),
        "^[0-9]{8}$" => digits(text, 8),
        "^[0-9]{2}([0-9]{3})?$" => digits(text, 2) || digits(text, 5),
        "^[0-9a-f]{64}$" => text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')),
        "^[0-9]{4}-(0[1-9]|1[0-2])$" => {
            text.len() == 7
                && digits(&text[..4], 4)
                && &text[4..5] == "-"
                && matches!(text[5..].parse::<u8>(), Ok(1..=12))
                && digits(&text[5..], 2)
        }
        "^[0-9]{10}_[0-9]{2}v[1-9][0-9]?$" => text.split_once('_').is_some_and(|(code, edition)| {
            digits(code, 10)
                && edition.split_once('v').is_some_and(|(year, version)| {
                    digits(year, 2)
                        && (1..=2).contains(&version.len())
                        && !version.starts_with('0')
                        && version.bytes().all(|b| b.is_ascii_digit())
                })
        }),
        "^[0-2][0-9]:[0-5][0-9]$" => {
            text.len() == 5
                && digits(&text[..2], 2)
                && &text[2..3] == ":"
                && digits(&text[3..], 2)
                && text.as_bytes()[3] <= b'5'
        }
        other => panic!("the test validator does not know the pattern {other}"),
    }
}

fn type_matches(name: &str, value: &Value) -> bool {
    match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        other => panic!("unknown type {other}"),
    }
}

/// Validates `value` against `schema` (the JSON Schema subset the document uses); returns
/// every violation as "path: reason".
fn violations(doc: &Value, schema: &Value, value: &Value, path: &str) -> Vec<String> {
    let mut errors = Vec::new();
    let Some(schema) = schema.as_object() else {
        return errors;
    };
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        errors.extend(violations(doc, resolve(doc, reference), value, path));
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        for sub in all {
            errors.extend(violations(doc, sub, value, path));
        }
    }
    if let Some(one) = schema.get("oneOf").and_then(Value::as_array) {
        let passing = one
            .iter()
            .filter(|s| violations(doc, s, value, path).is_empty())
            .count();
        if passing != 1 {
            errors.push(format!(
                "{path}: matches {passing} of the oneOf schemas, not 1: {value}"
            ));
        }
    }
    if let Some(types) = schema.get("type") {
        let ok = match types {
            Value::String(t) => type_matches(t, value),
            Value::Array(ts) => ts.iter().any(|t| type_matches(t.as_str().unwrap_or_default(), value)),
            _ => true,
        };
        if !ok {
            errors.push(format!("{path}: {value} is not of type {types}"));
            return errors;
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(value) {
            errors.push(format!(
                "{path}: {value} is not one of {}",
                Value::Array(allowed.clone())
            ));
        }
    }
    if let Some(constant) = schema.get("const") {
        if constant != value {
            errors.push(format!("{path}: {value} is not {constant}"));
        }
    }
    if let Some(n) = value.as_f64() {
        if schema.get("minimum").and_then(Value::as_f64).is_some_and(|m| n < m) {
            errors.push(format!("{path}: {value} is below the minimum"));
        }
        if schema.get("maximum").and_then(Value::as_f64).is_some_and(|m| n > m) {
            errors.push(format!("{path}: {value} is above the maximum"));
        }
        if schema
            .get("exclusiveMinimum")
            .and_then(Value::as_f64)
            .is_some_and(|m| n <= m)
        {
            errors.push(format!("{path}: {value} is not above the exclusive minimum"));
        }
    }
    if let Some(text) = value.as_str() {
        let chars = text.chars().count() as u64;
        if schema
            .get("minLength")
            .and_then(Value::as_u64)
            .is_some_and(|m| chars < m)
        {
            errors.push(format!("{path}: {value} is shorter than minLength"));
        }
        if schema
            .get("maxLength")
            .and_then(Value::as_u64)
            .is_some_and(|m| chars > m)
        {
            errors.push(format!("{path}: {value} is longer than maxLength"));
        }
        if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
            if !matches_pattern(pattern, text) {
                errors.push(format!("{path}: {value} does not match {pattern}"));
            }
        }
        match schema.get("format").and_then(Value::as_str) {
            Some("date") if chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_err() || text.len() != 10 => {
                errors.push(format!("{path}: {value} is not a date"));
            }
            Some("date-time") if chrono::DateTime::parse_from_rfc3339(text).is_err() => {
                errors.push(format!("{path}: {value} is not a date-time"));
            }
            _ => {}
        }
    }
    if let Some(object) = value.as_object() {
        for name in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
            let name = name.as_str().unwrap_or_default();
            if !object.contains_key(name) {
                errors.push(format!("{path}: `{name}` is required"));
            }
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        for (name, item) in object {
            let item_path = format!("{path}.{name}");
            match properties.and_then(|p| p.get(name)) {
                Some(sub) => errors.extend(violations(doc, sub, item, &item_path)),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => errors.push(format!("{item_path}: not allowed by the schema")),
                    Some(sub @ Value::Object(_)) => errors.extend(violations(doc, sub, item, &item_path)),
                    _ => {}
                },
            }
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (i, item) in array.iter().enumerate() {
            errors.extend(violations(doc, items, item, &format!("{path}[{i}]")));
        }
    }
    errors
}

/// Checks that `status` is documented for the operation and that `body` validates against
/// the schema of that response.
fn conforms(doc: &Value, method: &str, path: &str, status: u16, body: &Value) {
    let operation = &doc["paths"][path][method.to_lowercase()];
    assert!(operation.is_object(), "{method} {path} is not documented");
    let response = &operation["responses"][status.to_string()];
    assert!(
        response.is_object(),
        "{method} {path} answered {status}, which the document does not list: {body}"
    );
    let schema = &response["content"]["application/json"]["schema"];
    let errors = violations(doc, schema, body, "$");
    assert!(
        errors.is_empty(),
        "{method} {path} {status} breaks its schema:\n  {}",
        errors.join("\n  ")
    );
}

#[test]
fn the_openapi_document_is_complete() {
    let doc = aiup_server::openapi::document();
    let mut ids = std::collections::BTreeSet::new();
    let error_codes: Vec<&str> = aiup_app::Code::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(
        doc["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"]["enum"],
        json!(error_codes),
        "the Error schema lists every code of aiup_app::Code"
    );
    assert_eq!(
        doc["components"]["securitySchemes"],
        json!({ "bearerAuth": { "type": "http", "scheme": "bearer", "description": doc["components"]["securitySchemes"]["bearerAuth"]["description"] } })
    );
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            let id = operation["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            assert!(ids.insert(id.to_owned()), "operationId {id} twice");
            assert!(
                !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric()),
                "{method} {path}: operationId {id:?} is not a camelCase name"
            );
            if let Some(security) = operation.get("security") {
                assert_eq!(security, &json!([{ "bearerAuth": [] }]), "{method} {path}");
            }
            let responses = operation["responses"].as_object().expect("responses");
            assert!(
                responses.keys().any(|s| s.starts_with('2')),
                "{method} {path} has no success answer"
            );
            for status in ["400", "408", "413", "500"] {
                assert!(responses.contains_key(status), "{method} {path} does not list {status}");
            }
            if operation.get("security").is_some() {
                for status in ["401", "403", "503"] {
                    assert!(responses.contains_key(status), "{method} {path} does not list {status}");
                }
            }
            if path.starts_with("/api/") {
                // Every API operation refuses unknown or repeated parameters with 422.
                let codes = &responses
                    .get("422")
                    .unwrap_or_else(|| panic!("{method} {path} does not list 422 for unknown parameters"))["content"]
                    ["application/json"]["schema"]["allOf"][1]["properties"]["error"]["properties"]["code"]["enum"];
                assert!(
                    codes
                        .as_array()
                        .is_some_and(|c| c.contains(&json!("invalid_parameter"))),
                    "{method} {path}: 422 does not name invalid_parameter"
                );
            }
            if operation.get("requestBody").is_some() {
                assert!(responses.contains_key("415"), "{method} {path} does not list 415");
            }
            for (status, response) in responses {
                let schema = &response["content"]["application/json"]["schema"];
                assert!(schema.is_object(), "{method} {path} {status} has no JSON schema");
                let code: u16 = status.parse().expect("numeric status");
                if code >= 400 {
                    assert_eq!(
                        schema["allOf"][0]["$ref"], "#/components/schemas/Error",
                        "{method} {path} {status}"
                    );
                    let codes = schema["allOf"][1]["properties"]["error"]["properties"]["code"]["enum"]
                        .as_array()
                        .unwrap_or_else(|| panic!("{method} {path} {status} names no codes"))
                        .clone();
                    assert!(!codes.is_empty(), "{method} {path}: no code is answered with {status}");
                    for c in codes {
                        let c = aiup_app::Code::parse(c.as_str().unwrap_or_default()).expect("a known code");
                        assert_eq!(c.http_status(), code, "{method} {path}: {} under {status}", c.as_str());
                    }
                }
            }
        }
    }
    // Every $ref resolves.
    fn refs(doc: &Value, value: &Value) {
        match value {
            Value::Object(map) => {
                if let Some(r) = map.get("$ref").and_then(Value::as_str) {
                    resolve(doc, r);
                }
                map.values().for_each(|v| refs(doc, v));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(doc, v)),
            _ => {}
        }
    }
    refs(&doc, &doc);
    // The validator itself catches a response that breaks a schema.
    let course_search = json!({ "$ref": "#/components/schemas/CourseSearch" });
    assert!(!violations(&doc, &course_search, &json!({ "query": "", "total": 0 }), "$").is_empty());
    let error = json!({ "error": { "code": "invalid_field", "message": "m", "extra": 1 } });
    assert!(!violations(&doc, &json!({ "$ref": "#/components/schemas/Error" }), &error, "$").is_empty());
    let error = json!({ "error": { "code": "no_such_code", "message": "m" } });
    assert!(!violations(&doc, &json!({ "$ref": "#/components/schemas/Error" }), &error, "$").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_answers_match_the_openapi_document() {
    let app = spawn_app().await;
    let batch = crate::courses::generated(60);
    aiup_app::catalogue::store_and_index(app.state.app.db(), app.state.index(), &batch, "test")
        .await
        .expect("import");
    let doc = aiup_server::openapi::document();
    let base = app.base_url.clone();
    let get = |path: String| call("GET", format!("{base}{path}"), None, None);

    let example: Value =
        serde_json::from_str(include_str!("../../../../examples/kdt-ai-campus-haenam.json")).expect("example");
    let mut reform = kdt_case("서울특별시 강남구");
    reform["reform"] = json!({ "name": "top-up", "overrides": [{ "param": "allowance.special.kdt_ai_campus.capital.daily_won", "value": 15000 }] });
    let mut no_trace = kdt_case("전라남도 해남군");
    no_trace["trace"] = json!(false);
    let mut bad = kdt_case("서울특별시 없는구");
    bad["attendance"]["attended_days"] = json!(40);
    for body in [example, reform, no_trace, bad, json!({ "programme": 1 }), json!([])] {
        let (status, answer) = call("POST", format!("{base}/api/v1/estimate"), Some(body), None).await;
        conforms(&doc, "POST", "/api/v1/estimate", status, &answer);
    }

    let first = &batch.courses[0].id;
    for (path, template) in [
        ("/healthz".to_owned(), "/healthz"),
        ("/api/v1/programmes".to_owned(), "/api/v1/programmes"),
        ("/api/v1/parameters".to_owned(), "/api/v1/parameters"),
        ("/api/v1/parameters?on=2026-03-01".to_owned(), "/api/v1/parameters"),
        (
            "/api/v1/parameters?on=2020-01-01&prefix=allowance".to_owned(),
            "/api/v1/parameters",
        ),
        ("/api/v1/parameters?on=2026-02-30".to_owned(), "/api/v1/parameters"),
        ("/api/v1/regions".to_owned(), "/api/v1/regions"),
        ("/api/v1/regions?q=%ED%8F%89%EC%B0%BD".to_owned(), "/api/v1/regions"),
        (format!("/api/v1/regions?q={}", "가".repeat(101)), "/api/v1/regions"),
        ("/api/v1/regions/51760".to_owned(), "/api/v1/regions/{query}"),
        ("/api/v1/regions/42760".to_owned(), "/api/v1/regions/{query}"),
        ("/api/v1/regions/99999".to_owned(), "/api/v1/regions/{query}"),
        (
            "/api/v1/regions/%EC%A4%91%EA%B5%AC".to_owned(),
            "/api/v1/regions/{query}",
        ),
        ("/api/v1/courses".to_owned(), "/api/v1/courses"),
        (
            "/api/v1/courses?q=%EB%8D%B0%EC%9D%B4%ED%84%B0&per_page=100".to_owned(),
            "/api/v1/courses",
        ),
        (
            "/api/v1/courses?status=employed&employer_size=priority_support&sort=fee_asc&delivery=remote,classroom"
                .to_owned(),
            "/api/v1/courses",
        ),
        ("/api/v1/courses?per_page=0".to_owned(), "/api/v1/courses"),
        ("/api/v1/courses?bogus=1".to_owned(), "/api/v1/courses"),
        (format!("/api/v1/courses/{first}"), "/api/v1/courses/{id}"),
        (
            format!("/api/v1/courses/{first}?status=self_employed"),
            "/api/v1/courses/{id}",
        ),
        ("/api/v1/courses/NO-SUCH-COURSE".to_owned(), "/api/v1/courses/{id}"),
        (
            "/api/v1/courses/NO-SUCH-COURSE?status=nobody".to_owned(),
            "/api/v1/courses/{id}",
        ),
        ("/api/v1/suggest?q=%EB%8D%B0".to_owned(), "/api/v1/suggest"),
        ("/api/v1/suggest?q=&limit=3".to_owned(), "/api/v1/suggest"),
        ("/api/v1/openapi.json".to_owned(), "/api/v1/openapi.json"),
        // Refusals of the bearer routes; their 200 answers are checked once accounts and
        // API tokens replace the shared staff token.
        ("/api/v1/audit".to_owned(), "/api/v1/audit"),
        ("/api/v1/policy/versions".to_owned(), "/api/v1/policy/versions"),
    ] {
        let (status, body) = get(path.clone()).await;
        conforms(&doc, "GET", template, status, &body);
    }
    for path in ["/api/v1/audit", "/api/v1/policy/versions"] {
        let (status, body) = call("GET", format!("{base}{path}"), None, Some("wrong-token")).await;
        assert_eq!(status, 401, "a token that is not one is no sign-in");
        conforms(&doc, "GET", path, status, &body);
    }
    // The bearer routes' answers, for roles that may and may not use them.
    use aiup_app::accounts::Role;
    let institution = batch.courses[0].institution.to_string();
    crate::testkit::accounts_for_every_role(&app, &institution).await;
    let admin = crate::testkit::token_of(&app, Role::Admin).await;
    let staff = crate::testkit::token_of(&app, Role::InstitutionStaff).await;
    let trainee = crate::testkit::token_of(&app, Role::Trainee).await;
    for (token, path, template, expected) in [
        (&admin, "/api/v1/me".to_owned(), "/api/v1/me", 200),
        (
            &admin,
            "/api/v1/audit?action=account.&limit=5".to_owned(),
            "/api/v1/audit",
            200,
        ),
        (&admin, "/api/v1/audit?from=2026-3-2".to_owned(), "/api/v1/audit", 422),
        (
            &admin,
            "/api/v1/policy/versions".to_owned(),
            "/api/v1/policy/versions",
            200,
        ),
        (&admin, "/api/v1/users".to_owned(), "/api/v1/users", 200),
        (
            &staff,
            format!("/api/v1/institutions/{institution}/courses"),
            "/api/v1/institutions/{id}/courses",
            200,
        ),
        (
            &staff,
            "/api/v1/institutions/NOT-MINE/courses".to_owned(),
            "/api/v1/institutions/{id}/courses",
            404,
        ),
        (&trainee, "/api/v1/users".to_owned(), "/api/v1/users", 403),
        (&trainee, "/api/v1/audit".to_owned(), "/api/v1/audit", 403),
    ] {
        let (status, body) = call("GET", format!("{base}{path}"), None, Some(token)).await;
        assert_eq!(status, expected, "{path}: {body}");
        conforms(&doc, "GET", template, status, &body);
    }
    let (status, body) = call(
        "POST",
        format!("{base}/api/v1/users"),
        Some(json!({ "login": "new-auditor", "display_name": "새 감사인", "role": "auditor" })),
        Some(&admin),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert!(body["one_time_password"].as_str().is_some_and(|p| p.len() >= 10));
    conforms(&doc, "POST", "/api/v1/users", status, &body);
    let (status, body) = call(
        "POST",
        format!("{base}/api/v1/users"),
        Some(json!({ "login": "new-auditor", "display_name": "또", "role": "auditor" })),
        Some(&admin),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    conforms(&doc, "POST", "/api/v1/users", status, &body);
    // The trainee's profile: none yet, refused, saved, read back; and another role refused.
    let profile_url = format!("{base}/api/v1/me/profile");
    let good = json!({ "stage": "entry", "status": "job_seeker", "region": "11110", "age_band": "20_29", "groups": ["disabled"] });
    for (method, body, token, expected) in [
        ("GET", None, &trainee, 200),
        ("PUT", Some(json!({ "stage": "entry" })), &trainee, 422),
        ("PUT", Some(good.clone()), &trainee, 200),
        ("GET", None, &trainee, 200),
        ("PUT", Some(good), &admin, 403),
        ("GET", None, &staff, 403),
    ] {
        let (status, body) = call(method, profile_url.clone(), body, Some(token)).await;
        assert_eq!(status, expected, "{method} /api/v1/me/profile: {body}");
        conforms(&doc, method, "/api/v1/me/profile", status, &body);
    }
    // A search whose hits carry support and support_unavailable both, checked course by course.
    for course in batch.courses.iter().take(30) {
        let (status, body) = get(format!("/api/v1/courses/{}?status=employed", course.id)).await;
        conforms(&doc, "GET", "/api/v1/courses/{id}", status, &body);
    }
}
