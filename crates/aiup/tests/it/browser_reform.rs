//! Reform simulation in a real headless Chromium, at 390 and 1280 px, in Korean and English: a
//! programme administrator refreshes the population basis, drafts a reform in the form (a bad
//! value first, shown beside its field), sees the comparison with its charts and tables, and
//! downloads its totals as CSV. Screenshots in `target/screenshots/reform-*`.

use crate::browser::Browser;
use aiup_app::accounts::Role;
use fantoccini::Locator;

async fn shots(b: &Browser, name: &str) {
    for width in [390, 1280] {
        b.screenshot(&format!("reform-{name}-{width}.png"), width).await;
    }
}

async fn choose(b: &Browser, id: &str, value: &str) {
    b.client
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("find #{id}: {e}"))
        .select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("select {value} in #{id}: {e}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_drafts_a_reform_sees_the_comparison_and_downloads_its_csv() {
    let Some(b) = Browser::start().await else { return };
    let _ = crate::browser_payroll::trained(&b.app).await;
    crate::testkit::create_account(&b.app, Role::ProgrammeAdmin, None).await;
    let services = &b.app.state.app;

    b.goto("/signin?next=%2Fadmin%2Freforms").await;
    b.submit_sign_in(Role::ProgrammeAdmin).await;
    assert!(b.text("h1").await.contains("제도 변경 모의"));
    assert!(b.text("#basis-stamp").await.contains("아직 인구 기준이 없습니다"));
    b.click_and_wait("refresh-basis").await;
    let meta = services
        .db()
        .reforms()
        .basis_meta()
        .await
        .expect("meta")
        .expect("a basis");
    assert_eq!(meta.enrolments, 2);
    assert!(b.text("#basis-stamp").await.contains("수강 2건"));
    shots(&b, "drafts-ko").await;

    // The daily base rate this cohort is paid from (its base table as the engine picks it).
    let admin = services.operator_actor("test-programme-admin").await.expect("actor");
    let (_, population) = services.reform_population(&admin).await.expect("population");
    let (inputs, _) = population.enrolments().next().expect("an enrolment");
    let engine = services.engine();
    let case = engine.parse_case(&inputs.case_json()).expect("case");
    let rate = format!("{}.daily_won", engine.evaluate(&case).base_table.param_prefix());

    // A value of the wrong kind comes back beside its field, the other fields kept.
    b.fill("name", "browser-raise").await;
    choose(&b, "param0", "allowance.attendance_threshold").await;
    b.fill("value0", "lots").await;
    choose(&b, "param1", &rate).await;
    b.fill("value1", "20000").await;
    b.click_and_wait("save-draft").await;
    assert!(
        b.text("#value0-error").await.contains("백분율"),
        "the error names the kind"
    );
    assert_eq!(b.value("name").await, "browser-raise");
    assert_eq!(b.value("value1").await, "20000");
    assert!(services.db().reforms().drafts().await.expect("drafts").is_empty());
    shots(&b, "draft-error-ko").await;

    b.fill("value0", "50%").await;
    b.click_and_wait("save-draft").await;
    let drafts = services.db().reforms().drafts().await.expect("drafts");
    assert_eq!(drafts.len(), 1);
    let id = drafts[0].id;
    assert!(b.text("h1").await.contains("browser-raise v1"));
    assert!(b.text("#basis-stamp").await.contains("인구 기준"));
    let compared = services.compare_draft(&admin, id).await.expect("comparison");
    assert!(
        compared.comparison.total.difference.allowance_won > 0,
        "the raise and a lower threshold pay more"
    );
    assert!(b.client.find(Locator::Css("#totals tbody tr")).await.is_ok());
    assert!(b.client.find(Locator::Css("figure svg[role='img']")).await.is_ok());
    shots(&b, "comparison-ko").await;

    b.goto(&format!("/admin/reforms/{id}?lang=en")).await;
    assert!(b.text("#basis-stamp").await.contains("Population as of"));
    assert!(b.text("#gains-summary").await.contains("Gain:"));
    shots(&b, "comparison-en").await;

    // The totals download as CSV with the comparison's numbers.
    let href = b
        .attr("a[href*='format=csv&table=totals']", "href")
        .await
        .expect("CSV link");
    let cookie = b
        .client
        .get_named_cookie("aiup_session")
        .await
        .expect("session cookie")
        .value()
        .to_owned();
    let (content_type, csv) = crate::reform_population::download(b.url(&href), format!("aiup_session={cookie}")).await;
    let csv = String::from_utf8(csv).expect("UTF-8 CSV");
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    let t = &compared.comparison.total;
    let expected = format!(
        "훈련장려금 / Allowance,{},{},{}",
        t.baseline.allowance_won, t.reform.allowance_won, t.difference.allowance_won
    );
    assert_eq!(csv.lines().nth(1), Some(expected.as_str()), "{csv}");
    assert_eq!(csv.lines().count(), 8, "a header and seven measures");
}
