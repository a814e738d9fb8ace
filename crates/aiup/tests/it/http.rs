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
    for (method, path, access) in ROUTES {
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
