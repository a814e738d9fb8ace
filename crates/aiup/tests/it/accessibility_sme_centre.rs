//! The accessibility check (`accessibility.rs`: axe-core in headless Chromium, both languages,
//! 390 and 1280 px) over the centre board and the discovery ranking, with firms and visits on
//! them: the training doctor's board, its visit form (also refused, with the error beside the
//! field), the ranking; the programme administrator's centre chooser, a chosen centre and the
//! ranking with its assign forms.

use crate::accessibility::{assert_clean, check_both, check_current, sign_in, start};
use crate::sme_registry::three_firms;
use crate::testkit::{create_account, login_of, TEST_CENTRE};
use aiup_app::accounts::Role;
use aiup_app::sme::{firms, visits};
use fantoccini::Locator;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn centre_board_and_discovery_have_no_accessibility_violations() {
    let Some((b, axe)) = start().await else { return };
    let services = &b.app.state.app;
    create_account(&b.app, Role::ProgrammeAdmin, None).await;
    create_account(&b.app, Role::TrainingDoctor, Some(TEST_CENTRE)).await;
    let admin = services
        .operator_actor(&login_of(Role::ProgrammeAdmin))
        .await
        .expect("admin");
    let doctor = services
        .operator_actor(&login_of(Role::TrainingDoctor))
        .await
        .expect("doctor");
    firms::import_firms_csv(services, &admin, &three_firms())
        .await
        .expect("import");
    firms::assign_by_province(services, &admin).await.expect("assign");
    let (ours, _) = firms::list_firms(services, &doctor, firms::FirmFilter::default())
        .await
        .expect("our firms");
    let firm = ours[0].id;
    let today = services.today();
    let plan = |day| visits::ScheduleVisit {
        firm_id: firm,
        scheduled_on: day,
        purpose: "diagnose".to_owned(),
        notes: "첫 진단".to_owned(),
    };
    visits::schedule(services, &doctor, &plan(today)).await.expect("visit");
    let done = visits::schedule(services, &doctor, &plan(today)).await.expect("visit");
    visits::record(services, &doctor, done.id, None, None)
        .await
        .expect("record");
    let mut report = Vec::new();

    sign_in(&b, Role::TrainingDoctor).await;
    check_both(&b, &axe, "/sme/centre", "sme-centre-board", &mut report).await;
    assert!(
        b.client.find(Locator::Css("#visits tbody tr")).await.is_ok(),
        "the board was checked with a visit on it"
    );
    let form = format!("/sme/centre?firm={firm}");
    check_both(&b, &axe, &form, "sme-centre-visit-form", &mut report).await;
    // A day in the past: refused, the error beside the field.
    b.goto(&form).await;
    b.client
        .execute("document.getElementById('scheduled_on').value = '2020-01-06';", vec![])
        .await
        .expect("set the day");
    b.click_and_wait("schedule-visit").await;
    assert!(
        b.client.find(Locator::Id("scheduled_on-error")).await.is_ok(),
        "the form was checked with an error beside a field"
    );
    check_current(&b, &axe, "sme-centre-visit-error", &mut report).await;
    check_both(&b, &axe, "/sme/discovery", "sme-discovery-doctor", &mut report).await;
    b.goto("/sme/centre").await;
    crate::browser_attendance::sign_out(&b).await;

    sign_in(&b, Role::ProgrammeAdmin).await;
    check_both(&b, &axe, "/sme/centre", "sme-centre-chooser", &mut report).await;
    check_both(
        &b,
        &axe,
        "/sme/centre?centre=centre-busan",
        "sme-centre-busan",
        &mut report,
    )
    .await;
    check_both(&b, &axe, "/sme/discovery", "sme-discovery-admin", &mut report).await;
    assert!(
        b.client.find(Locator::Css("form[action$='/assign']")).await.is_ok(),
        "the ranking was checked with its assign forms"
    );
    check_both(
        &b,
        &axe,
        "/sme/discovery?province=4",
        "sme-discovery-error",
        &mut report,
    )
    .await;
    assert_clean(&report);
}
