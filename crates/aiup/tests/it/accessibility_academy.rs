//! The accessibility check (`accessibility.rs`: axe-core in headless Chromium, both languages,
//! 390 and 1280 px) over the academy and infrastructure dashboard with records on it: the board
//! (chart and tables), a site's page, and the import forms clean and with a refused file's rows.

use crate::accessibility::{assert_clean, check_both, check_current, sign_in, start};
use crate::testkit::{create_account, login_of};
use aiup_app::accounts::Role;
use aiup_app::{academy, infrastructure};
use fantoccini::Locator;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn academy_pages_have_no_accessibility_violations() {
    let Some((b, axe)) = start().await else { return };
    create_account(&b.app, Role::ProgrammeAdmin, None).await;
    let services = &b.app.state.app;
    let admin = services
        .operator_actor(&login_of(Role::ProgrammeAdmin))
        .await
        .expect("admin");
    let batch = crate::courses::generated(60);
    aiup_app::catalogue::store_and_index(services.db(), b.app.state.index(), &batch, "test")
        .await
        .expect("catalogue");
    let institution = batch.courses[0].institution.to_string();
    academy::import_instructors(
        services,
        &admin,
        "instructor_ref,provider,region,registered_on\nAIA-1,koreatech,44131,2026-03-02\n",
    )
    .await
    .expect("instructor");
    academy::import_completions(
        services,
        &admin,
        "instructor_ref,track,provider,completed_on\nAIA-1,domain-ai,koreatech,2026-04-01\n",
    )
    .await
    .expect("completion");
    let sites = format!(
        "site_id,kind,name_ko,name_en,institution,region,capacity,designated_on,opened_on,industry_focus\n\
         lab-01,lab,창원캠퍼스 기계 실습장,Changwon machinery lab,{institution},48123,40,2026-01-02,2026-03-02,기계\n"
    );
    infrastructure::import_sites(services, &admin, &sites)
        .await
        .expect("site");
    let mut report = Vec::new();
    sign_in(&b, Role::ProgrammeAdmin).await;
    check_both(&b, &axe, "/admin/dashboard/academy", "academy", &mut report).await;
    assert!(
        b.client.find(Locator::Id("tracks-chart")).await.is_ok(),
        "the chart was checked"
    );
    check_both(
        &b,
        &axe,
        "/admin/dashboard/academy/sites/lab-01",
        "academy-site",
        &mut report,
    )
    .await;
    check_both(
        &b,
        &axe,
        "/admin/dashboard/academy/import",
        "academy-import",
        &mut report,
    )
    .await;
    b.goto("/admin/dashboard/academy/import").await;
    b.fill("csv-sites", "site_id,kind\nlab-02,museum\n").await;
    b.click_and_wait("import-sites-submit").await;
    assert!(
        b.client.find(Locator::Id("csv-sites-rows")).await.is_ok(),
        "the page was checked with the refused file's rows"
    );
    check_current(&b, &axe, "academy-import-errors", &mut report).await;
    assert_clean(&report);
}
