//! Course search for every profile over HTTP: eligibility by the policy's `admits`, the
//! "only courses I can take" filter, the sorts by what the trainee pays or receives, facet
//! values in their natural order, the 시군구 filter, and the search page's links (filter
//! chips, result links and the language toggle keep the whole search).

use crate::courses::generated;
use crate::http::call;
use crate::support::{spawn_app, TestApp};
use aiup_app::catalogue::{self, Profile};
use aiup_catalogue::{CatalogueBatch, FeeBand, HoursBand};
use aiup_core::{EmployerSize, TraineeStatus};
use serde_json::Value;

async fn stocked(batch: &CatalogueBatch) -> TestApp {
    let app = spawn_app().await;
    catalogue::store_and_index(app.state.db(), app.state.index(), batch, "test")
        .await
        .expect("import");
    app
}

const SME_EMPLOYEE: Profile = Profile::of(TraineeStatus::Employed, Some(EmployerSize::PrioritySupport));

async fn api(app: &TestApp, query: &str) -> Value {
    let (status, body) = call("GET", format!("{}/api/v1/courses?{query}", app.base_url), None, None).await;
    assert_eq!(status, 200, "{query}: {body}");
    body
}

async fn page(app: &TestApp, query: &str) -> (u16, String) {
    let (status, body) = call("GET", format!("{}/courses?{query}", app.base_url), None, None).await;
    (status, body.as_str().expect("an HTML page").to_owned())
}

fn hits(body: &Value) -> &Vec<Value> {
    body["hits"].as_array().expect("hits")
}

fn facet_values(body: &Value, kind: &str) -> Vec<String> {
    body["facets"]
        .as_array()
        .expect("facets")
        .iter()
        .find(|f| f["kind"] == kind)
        .and_then(|f| f["values"].as_array())
        .map(|values| {
            values
                .iter()
                .map(|v| v["value"].as_str().expect("value").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The `href` of the first `<a …>` tag holding `marker`, unescaped.
fn href_of_link_with(html: &str, marker: &str) -> String {
    let at = html.find(marker).unwrap_or_else(|| panic!("no {marker} in the page"));
    let start = html[..at].rfind("<a ").expect("a link");
    let tag = &html[start..at + html[at..].find('>').expect("tag end")];
    let href = tag
        .split("href=\"")
        .nth(1)
        .expect("href")
        .split('"')
        .next()
        .expect("href value");
    href.replace("&amp;", "&")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_employee_is_never_priced_on_a_course_no_programme_admits_and_the_filter_drops_such_courses() {
    let batch = generated(300);
    let app = stocked(&batch).await;
    let engine = app.state.engine();
    let today = app.state.today();

    // Job-seeker-only courses: an SME employee gets a reason in both languages, never a price.
    let body = api(
        &app,
        "programme=card-ai-general&status=employed&employer_size=priority_support&per_page=100",
    )
    .await;
    assert!(!hits(&body).is_empty(), "the generator makes learning-card courses");
    for hit in hits(&body) {
        assert!(hit["support"].is_null(), "{hit}");
        let none = &hit["support_unavailable"];
        assert_eq!(none["code"], "not_admitted", "{none}");
        assert!(none["message"]["ko"].as_str().expect("ko").contains("구직자"), "{none}");
        assert!(
            none["message"]["en"].as_str().expect("en").contains("job seeker"),
            "{none}"
        );
    }
    // With the filter on, they are gone.
    let filtered = api(
        &app,
        "programme=card-ai-general&status=employed&employer_size=priority_support&eligible=true",
    )
    .await;
    assert_eq!(filtered["total"], 0, "{filtered}");

    // Over the whole catalogue: the filter keeps exactly the courses a programme admits, and
    // every one of them the engine may price.
    let all = api(&app, "status=employed&employer_size=priority_support&per_page=1").await;
    let eligible = api(
        &app,
        "status=employed&employer_size=priority_support&eligible=true&per_page=100",
    )
    .await;
    let expected = batch
        .courses
        .iter()
        .filter(|c| catalogue::admits(&engine, c, &SME_EMPLOYEE))
        .count() as u64;
    assert!(expected > 0);
    assert_eq!(eligible["total"].as_u64(), Some(expected));
    assert!(
        eligible["total"].as_u64() < all["total"].as_u64(),
        "the filter drops courses"
    );
    for course in &batch.courses {
        let priced = catalogue::support(&engine, course, &SME_EMPLOYEE, today).is_ok();
        assert!(
            !priced || catalogue::admits(&engine, course, &SME_EMPLOYEE),
            "{} is priced for an SME employee although no programme admits one",
            course.id
        );
    }
    // The facet counts follow the filter: they add up to the filtered total.
    let delivery_total: u64 = eligible["facets"]
        .as_array()
        .expect("facets")
        .iter()
        .find(|f| f["kind"] == "delivery")
        .and_then(|f| f["values"].as_array())
        .expect("delivery facet")
        .iter()
        .map(|v| v["count"].as_u64().expect("count"))
        .sum();
    assert_eq!(Some(delivery_total), eligible["total"].as_u64());

    // An employee without a firm size is asked for it on the employer-training courses.
    let body = api(&app, "programme=sme-pbl&status=employed&per_page=5").await;
    for hit in hits(&body) {
        let none = &hit["support_unavailable"];
        assert_eq!(none["field"], "employer_size", "{hit}");
        assert_eq!(none["message"]["en"], "Enter your firm's size to see the price");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pay_and_allowance_orders_follow_the_profile() {
    let batch = generated(300);
    let app = stocked(&batch).await;
    for (profile, sort) in [
        ("status=job_seeker", "pay_asc"),
        ("status=job_seeker", "allowance_desc"),
        ("status=employed&employer_size=large", "pay_asc"),
        ("status=employed&employer_size=large_1000", "allowance_desc"),
    ] {
        let body = api(&app, &format!("{profile}&sort={sort}&per_page=100")).await;
        assert_eq!(body["sort"], sort);
        let keys: Vec<Option<i64>> = hits(&body)
            .iter()
            .map(|h| {
                h["support"].as_object().map(|s| {
                    s[if sort == "pay_asc" {
                        "self_payment_won"
                    } else {
                        "allowance_won"
                    }]
                    .as_i64()
                    .expect("won")
                })
            })
            .collect();
        let priced = keys.iter().take_while(|k| k.is_some()).count();
        assert!(priced > 0, "{profile}: some course is priced");
        assert!(
            keys[priced..].iter().all(Option::is_none),
            "{profile} {sort}: courses the profile cannot take come last"
        );
        let values: Vec<i64> = keys.iter().flatten().copied().collect();
        for pair in values.windows(2) {
            if sort == "pay_asc" {
                assert!(pair[0] <= pair[1], "{profile} {sort}: {values:?}");
            } else {
                assert!(pair[0] >= pair[1], "{profile} {sort}: {values:?}");
            }
        }
        if profile == "status=job_seeker" {
            assert!(
                values.first() != values.last(),
                "{profile} {sort}: the figures differ, so the order means something"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn facet_values_come_in_their_natural_order() {
    let app = stocked(&generated(300)).await;
    let body = api(&app, "per_page=1").await;
    let in_order = |values: Vec<String>, all: Vec<&str>| {
        let positions: Vec<usize> = values
            .iter()
            .map(|v| all.iter().position(|a| a == v).unwrap_or_else(|| panic!("{v}")))
            .collect();
        assert!(positions.windows(2).all(|p| p[0] < p[1]), "{values:?}");
        assert!(values.len() > 1, "{values:?}");
    };
    in_order(
        facet_values(&body, "hours_band"),
        HoursBand::ALL.iter().map(|b| b.as_str()).collect(),
    );
    in_order(
        facet_values(&body, "fee_band"),
        FeeBand::ALL.iter().map(|b| b.as_str()).collect(),
    );
    let engine = app.state.engine();
    in_order(
        facet_values(&body, "programme"),
        engine.policy().programmes.iter().map(|p| p.id.as_str()).collect(),
    );
    for kind in ["province", "start_month"] {
        let values = facet_values(&body, kind);
        let mut sorted = values.clone();
        sorted.sort();
        assert_eq!(values, sorted, "{kind}");
        assert!(values.len() > 1, "{kind}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_region_filter_keeps_one_district_and_refuses_unknown_codes() {
    let batch = generated(300);
    let app = stocked(&batch).await;
    let region = batch.courses[0].region.to_string();
    let body = api(&app, &format!("region={region}&per_page=100")).await;
    let expected = batch.courses.iter().filter(|c| c.region.to_string() == region).count();
    assert_eq!(body["total"].as_u64(), Some(expected as u64));
    assert!(
        hits(&body).iter().all(|h| h["region"]["code"] == region.as_str()),
        "{body}"
    );

    let (status, error) = call(
        "GET",
        format!("{}/api/v1/courses?region=99999", app.base_url),
        None,
        None,
    )
    .await;
    assert_eq!(status, 422, "{error}");
    assert_eq!(error["error"]["field"], "region");

    // The page lists every error at once, each under its visible label, in Korean.
    let (status, html) = page(&app, "region=99999&sort=random&status=student").await;
    assert_eq!(status, 422);
    assert!(
        html.contains(r#"data-field="region""#) && html.contains("<strong>시군구</strong>"),
        "{html}"
    );
    assert!(html.contains("다섯 자리 시군구 코드가 아닙니다"));
    assert!(html.contains("<strong>정렬</strong>") && html.contains("<strong>나의 상황</strong>"));
    assert!(html.contains(r#"id="error-summary""#) && html.contains("autofocus"));
    let (_, html) = page(&app, "region=99999&lang=en").await;
    assert!(html.contains("<strong>District</strong>") && html.contains("is not a 5-digit"));

    // The 시군구 list appears once a province is chosen, for that province only.
    let (_, html) = page(&app, "").await;
    assert!(!html.contains(r#"id="facet-region""#));
    let province = &region[..2];
    let (_, html) = page(&app, &format!("province={province}")).await;
    assert!(
        html.contains(&format!(r#"value="{region}""#)),
        "the district of the chosen province is offered"
    );
    assert!(html.contains(r#"id="facet-region""#));
    let other = if province == "11" { "26110" } else { "11110" };
    assert!(!html.contains(&format!(r#"name="region" value="{other}""#)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chips_result_links_and_the_language_toggle_keep_the_whole_search() {
    let batch = generated(300);
    let app = stocked(&batch).await;
    let search = "q=데이터&status=employed&employer_size=priority_support&province=11&delivery=classroom,remote&sort=fee_asc&per_page=5";
    let (status, html) = page(&app, search).await;
    assert_eq!(status, 200);
    // One chip per value, named for screen readers; removing one keeps everything else.
    assert!(html.contains(r#"aria-label="필터 제거: 서울특별시""#), "{html}");
    let href = href_of_link_with(&html, r#"data-filter="delivery=remote""#);
    assert!(href.starts_with("/courses?"), "{href}");
    for kept in [
        "employer_size=priority_support",
        "status=employed",
        "province=11",
        "delivery=classroom",
        "sort=fee_asc",
    ] {
        assert!(href.contains(kept), "{href} keeps {kept}");
    }
    assert!(!href.contains("remote"), "{href}");
    let clear = href_of_link_with(&html, r#"id="clear-filters""#);
    assert!(clear.contains("employer_size=priority_support") && clear.contains("sort=fee_asc"));
    assert!(!clear.contains("province") && !clear.contains("delivery"), "{clear}");
    // The chip's link really removes that value: the page it leads to has no such chip.
    let (_, after) = page(&app, href.trim_start_matches("/courses?")).await;
    assert!(!after.contains(r#"data-filter="delivery=remote""#));
    assert!(after.contains(r#"data-filter="delivery=classroom""#));

    // Result links carry the whole search to the course page.
    let first = html.find(r#"class="course-card__title""#).expect("a result");
    let link = html[first..]
        .split("href=\"")
        .nth(1)
        .expect("href")
        .split('"')
        .next()
        .expect("value")
        .replace("&amp;", "&");
    assert!(link.starts_with("/courses/"), "{link}");
    for kept in [
        "employer_size=priority_support",
        "status=employed",
        "province=11",
        "sort=fee_asc",
        "per_page=5",
    ] {
        assert!(link.contains(kept), "{link} keeps {kept}");
    }
    let (status, _) = call("GET", format!("{}{link}", app.base_url), None, None).await;
    assert_eq!(status, 200, "the course page accepts the search it is given");

    // The language toggle and pagination keep the profile too.
    let toggle = href_of_link_with(&html, r#"id="lang-toggle""#);
    assert!(
        toggle.contains("employer_size=priority_support") && toggle.contains("lang=en"),
        "{toggle}"
    );
    let (_, all) = page(&app, "status=employed&employer_size=large&per_page=5").await;
    let next = href_of_link_with(&all, r#"id="page-next""#);
    assert!(
        next.contains("employer_size=large") && next.contains("page=2"),
        "{next}"
    );
    // English chips.
    let (_, english) = page(&app, &format!("{search}&lang=en")).await;
    assert!(english.contains(r#"aria-label="Remove filter: Seoul""#));
    assert!(english.contains("Filters (3)") && english.contains("Skip to results"));
}
