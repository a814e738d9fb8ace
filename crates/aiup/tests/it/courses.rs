//! The catalogue end to end: import through the service, search and detail over HTTP, the same
//! answers from SQLite and PostgreSQL, and the `aiup courses` commands.

use crate::cli::{aiup, stderr, stdout};
use crate::http::call;
use crate::support::spawn_app;
use aiup_app::catalogue;
use aiup_catalogue::generate::{generate, GenerateOptions};
use aiup_catalogue::import::Format;
use aiup_catalogue::CatalogueBatch;
use aiup_search::{CourseIndex, SearchRequest, SortOrder};
use chrono::NaiveDate;
use serde_json::Value;
use std::collections::BTreeMap;

fn engine() -> aiup_rules::Engine {
    let loaded = aiup_core::bundle::Bundle::embedded().load().expect("bundle");
    aiup_app::policy::engine_for(loaded).expect("engine")
}

pub fn generated(courses: usize) -> CatalogueBatch {
    let loaded = aiup_core::bundle::Bundle::embedded().load().expect("bundle");
    generate(
        &GenerateOptions {
            courses,
            seed: 7,
            start: NaiveDate::from_ymd_opt(2026, 12, 1).expect("date"),
        },
        &loaded.regions,
        &loaded.policy.programmes,
    )
}

async fn stocked(batch: &CatalogueBatch) -> crate::support::TestApp {
    let app = spawn_app().await;
    catalogue::store_and_index(app.state.db(), app.state.index(), batch, "test")
        .await
        .expect("import");
    app
}

fn count_where(batch: &CatalogueBatch, pred: impl Fn(&aiup_catalogue::Course) -> bool) -> u64 {
    batch.courses.iter().filter(|c| pred(c)).count() as u64
}

fn facet_counts(body: &Value, kind: &str) -> BTreeMap<String, u64> {
    body["facets"]
        .as_array()
        .expect("facets")
        .iter()
        .find(|f| f["kind"] == kind)
        .map(|f| {
            f["values"]
                .as_array()
                .expect("values")
                .iter()
                .map(|v| {
                    (
                        v["value"].as_str().expect("value").to_owned(),
                        v["count"].as_u64().expect("count"),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_and_facet_counts_agree_with_a_count_of_the_catalogue() {
    let batch = generated(400);
    let app = stocked(&batch).await;
    let (status, body) = call("GET", format!("{}/api/v1/courses?per_page=5", app.base_url), None, None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["total"], 400);
    assert_eq!(body["hits"].as_array().expect("hits").len(), 5);

    // Delivery counts over the whole catalogue are the brute-force counts.
    let delivery = facet_counts(&body, "delivery");
    for (value, count) in &delivery {
        assert_eq!(
            *count,
            count_where(&batch, |c| c.delivery.as_str() == value),
            "delivery {value}"
        );
    }
    // Filtering on delivery narrows the total, but its own facet still shows every delivery
    // (disjunctive), while other facets count only the filtered courses.
    let (status, filtered) = call(
        "GET",
        format!("{}/api/v1/courses?delivery=classroom&per_page=100", app.base_url),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200);
    let classroom = count_where(&batch, |c| c.delivery.as_str() == "classroom");
    assert!(classroom > 0 && classroom < 400, "the generator makes mixed deliveries");
    assert_eq!(filtered["total"].as_u64(), Some(classroom));
    assert_eq!(facet_counts(&filtered, "delivery"), delivery);
    let tiers: u64 = facet_counts(&filtered, "tier").values().sum();
    assert_eq!(tiers, classroom);
    for hit in filtered["hits"].as_array().expect("hits") {
        assert_eq!(hit["delivery"], "classroom");
    }
    // Two values of one facet are OR; another facet is AND.
    let (_, both) = call(
        "GET",
        format!(
            "{}/api/v1/courses?delivery=classroom&delivery=remote&tier=capital",
            app.base_url
        ),
        None,
        None,
    )
    .await;
    let capital: Vec<u32> = engine()
        .regions()
        .regions()
        .iter()
        .filter(|r| r.capital_area)
        .map(|r| r.code.to_string().parse().expect("code"))
        .collect();
    let expected = count_where(&batch, |c| {
        matches!(c.delivery.as_str(), "classroom" | "remote")
            && capital.contains(&c.region.to_string().parse::<u32>().expect("code"))
            && engine()
                .regions()
                .get(c.region)
                .is_some_and(|r| !r.population_declining)
    });
    assert_eq!(both["total"].as_u64(), Some(expected));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_result_carries_support_computed_by_the_engine() {
    let batch = generated(200);
    let app = stocked(&batch).await;
    let (status, body) = call(
        "GET",
        format!("{}/api/v1/courses?programme=kdt-ai-campus&per_page=3", app.base_url),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let hits = body["hits"].as_array().expect("hits");
    assert!(!hits.is_empty(), "the generator makes KDT AI Campus courses");
    let engine = engine();
    for hit in hits {
        let id = hit["id"].as_str().expect("id");
        let course = batch
            .courses
            .iter()
            .find(|c| c.id.as_str() == id)
            .expect("course in batch");
        let expected = catalogue::support(
            &engine,
            course,
            &catalogue::Profile::default(),
            aiup_app::today_in_seoul(),
        )
        .expect("a job seeker is supported on KDT AI Campus");
        assert_eq!(hit["support"]["allowance_won"], expected.totals.allowance_won);
        assert_eq!(hit["support"]["self_payment_won"], expected.totals.self_payment_won);
        assert_eq!(
            hit["support"]["self_payment_won"], 0,
            "KDT AI Campus is free for the trainee"
        );
    }
    // The detail route gives the same course and support.
    let id = hits[0]["id"].as_str().expect("id");
    let (status, detail) = call("GET", format!("{}/api/v1/courses/{id}", app.base_url), None, None).await;
    assert_eq!(status, 200);
    assert_eq!(detail["support"], hits[0]["support"]);
    assert_eq!(detail["cohorts"], hits[0]["cohorts"]);
    let (status, missing) = call("GET", format!("{}/api/v1/courses/NO-SUCH", app.base_url), None, None).await;
    assert_eq!(status, 404);
    assert_eq!(missing["error"]["code"], "unknown_course");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_search_parameters_name_the_field() {
    let app = stocked(&generated(20)).await;
    for (query, field) in [
        ("delivery=teleport", "delivery"),
        ("programme=no-such-programme", "programme"),
        ("per_page=1000", "per_page"),
        ("start_month=2026-13", "start_month"),
        ("sort=random", "sort"),
        ("colour=blue", "colour"),
    ] {
        let (status, body) = call("GET", format!("{}/api/v1/courses?{query}", app.base_url), None, None).await;
        assert_eq!(status, 422, "{query}: {body}");
        assert_eq!(body["error"]["code"], "invalid_parameter");
        assert_eq!(body["error"]["field"], field, "{query}");
    }
    let long = "가".repeat(201);
    let (status, _) = call("GET", format!("{}/api/v1/suggest?q={long}", app.base_url), None, None).await;
    assert_eq!(status, 422);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_and_postgres_deployments_give_the_same_results() {
    let Some(db) = aiup_store::testing::postgres_test_url().await else {
        return;
    };
    let postgres = aiup_store::connect(db.url()).await.expect("postgres");
    let (sqlite, _dir) = aiup_store::testing::sqlite_test_db().await;
    let batch = generated(300);
    let engine = engine();
    let mut indexes = Vec::new();
    for store in [sqlite, postgres] {
        store.catalogue().upsert(&batch, "test").await.expect("import");
        let index =
            CourseIndex::create_in_ram(catalogue::search_context(&engine, aiup_app::today_in_seoul())).expect("index");
        catalogue::sync_index(&store, &index).await.expect("build");
        indexes.push(index);
    }
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");
    for query in ["데이터 분석", "생성형AI 활용", "머신러닝", "LLM", "마케팅", "", "용접"] {
        for sort in [SortOrder::Relevance, SortOrder::StartDate, SortOrder::FeeAsc] {
            let request = SearchRequest {
                query: query.to_owned(),
                sort,
                limit: 50,
                today,
                ..SearchRequest::default()
            };
            let a = indexes[0].search(&request).expect("search sqlite");
            let b = indexes[1].search(&request).expect("search postgres");
            let ids = |r: &aiup_search::SearchResults| r.hits.iter().map(|h| h.course.id.clone()).collect::<Vec<_>>();
            assert_eq!(a.total, b.total, "{query}");
            assert_eq!(ids(&a), ids(&b), "{query} {sort:?}");
            assert_eq!(
                serde_json::to_value(&a.facets).expect("json"),
                serde_json::to_value(&b.facets).expect("json"),
                "{query}"
            );
        }
    }
}

#[test]
fn cli_generates_imports_searches_and_exports_a_catalogue() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let file = dir.path().join("catalogue.csv");
    let file_text = file.to_string_lossy().into_owned();
    let out = aiup(
        &data,
        &[
            "generate",
            "catalogue",
            "--courses",
            "150",
            "--seed",
            "3",
            "--format",
            "csv",
            "-o",
            &file_text,
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));

    let out = aiup(&data, &["courses", "import", &file_text], None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("150 new"), "{}", stdout(&out));
    // Importing the same file again changes nothing.
    let out = aiup(&data, &["courses", "import", &file_text], None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("150 unchanged"), "{}", stdout(&out));

    let out = aiup(&data, &["courses", "export", "--format", "csv"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let original = std::fs::read_to_string(&file).expect("read");
    assert_eq!(stdout(&out), original, "export round-trips the imported file");

    let out = aiup(
        &data,
        &["courses", "search", "데이터", "--json", "-f", "per_page=5"],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let body: Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert!(body["total"].as_u64().expect("total") > 0);

    // A file with one bad row imports nothing, and the error names the row and column.
    let bad = original.replacen("\n", "\nBROKEN,\n", 1);
    let bad_file = dir.path().join("bad.csv");
    std::fs::write(&bad_file, bad).expect("write");
    let before = stdout(&aiup(&data, &["courses", "export", "--format", "json"], None));
    let out = aiup(&data, &["courses", "import", &bad_file.to_string_lossy()], None);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let error: Value = serde_json::from_str(stdout(&out).lines().next().unwrap_or("")).expect("error json");
    assert_eq!(error["error"]["code"], "invalid_catalogue");
    assert_eq!(error["error"]["rows"][0]["record"], 2);
    let after = stdout(&aiup(&data, &["courses", "export", "--format", "json"], None));
    assert_eq!(before, after, "nothing was half-imported");

    let out = aiup(&data, &["courses", "reindex"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("indexed 150 courses"), "{}", stdout(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_through_the_service_updates_the_index_incrementally() {
    let mut batch = generated(50);
    let app = stocked(&batch).await;
    let generation = app.state.index().generation();
    let course = &mut batch.courses[0];
    course.title = "양자컴퓨팅 특강 재직자 과정".to_owned();
    let changed = CatalogueBatch {
        institutions: vec![],
        courses: vec![course.clone()],
    };
    let text = aiup_catalogue::export(Format::Json, &changed);
    let engine = engine();
    let report = catalogue::import(
        app.state.db(),
        app.state.index(),
        &engine,
        Format::Json,
        &text,
        "test",
        None,
    )
    .await
    .expect("import");
    assert_eq!(report.summary.courses_updated, 1);
    assert_eq!(app.state.index().generation(), generation.map(|g| g + 1));
    let (_, body) = call(
        "GET",
        format!(
            "{}/api/v1/courses?q=%EC%96%91%EC%9E%90%EC%BB%B4%ED%93%A8%ED%8C%85",
            app.base_url
        ),
        None,
        None,
    )
    .await;
    assert_eq!(body["hits"][0]["id"], course.id.as_str(), "{body}");
    assert_eq!(app.state.index().len(), 50);
}
