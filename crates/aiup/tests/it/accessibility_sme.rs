//! The accessibility check (`accessibility.rs`: axe-core in headless Chromium, both languages,
//! 390 and 1280 px) over the SME firm pages with records on them: the firm, the diagnosis form
//! (clean and with its errors), the report, the plan, the HR lead's page before and after
//! acceptance, and the programme's targets.

use crate::accessibility::{assert_clean, check_both, check_current, sign_in, start};
use crate::browser_attendance::sign_out;
use aiup_app::accounts::Role;
use aiup_app::sme::{diagnosis, prescription};
use fantoccini::Locator;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sme_firm_pages_have_no_accessibility_violations() {
    let Some((b, axe)) = start().await else { return };
    let firm = crate::browser_sme::firm_ready(&b.app).await;
    // A skill-up course the plan finds, so it has a priced course line to enrol in.
    crate::sme_package::stock(&b.app, &crate::sme_package::package_case()).await;
    let services = &b.app.state.app;
    let doctor = services
        .operator_actor(&crate::testkit::login_of(Role::TrainingDoctor))
        .await
        .expect("doctor");
    diagnosis::record_diagnosis(services, &doctor, firm, &crate::sme_package::answers(1, true))
        .await
        .expect("diagnosis");
    let plan = prescription::prescribe(services, &doctor, firm).await.expect("plan");
    let base = format!("/sme/firms/{firm}");
    let mut report = Vec::new();

    sign_in(&b, Role::TrainingDoctor).await;
    check_both(&b, &axe, &base, "sme-firm", &mut report).await;
    check_both(
        &b,
        &axe,
        &format!("{base}/diagnosis"),
        "sme-diagnosis-form",
        &mut report,
    )
    .await;
    b.goto(&format!("{base}/diagnosis")).await;
    b.click_and_wait("submit-diagnosis").await;
    assert!(
        b.client.find(Locator::Id("method-error")).await.is_ok(),
        "the form was checked with its errors"
    );
    check_current(&b, &axe, "sme-diagnosis-errors", &mut report).await;
    check_both(&b, &axe, &format!("{base}/diagnoses/1"), "sme-report", &mut report).await;
    check_both(
        &b,
        &axe,
        &format!("{base}/prescriptions/{}", plan.record.id),
        "sme-plan",
        &mut report,
    )
    .await;
    b.goto(&base).await;
    sign_out(&b).await;

    sign_in(&b, Role::SmeHrLead).await;
    check_both(&b, &axe, "/firm", "sme-hr", &mut report).await;
    b.goto("/firm").await;
    b.click_and_wait(&format!("accept-{}", plan.record.id)).await;
    assert!(
        b.client
            .find(Locator::Id(&format!("enrol-{}", plan.record.id)))
            .await
            .is_ok(),
        "the page was checked with the enrolment form"
    );
    check_current(&b, &axe, "sme-hr-accepted", &mut report).await;
    // The enrolment form sent without an age band: its error beside the field.
    b.click_and_wait(&format!("enrol-{}-submit", plan.record.id)).await;
    assert!(
        b.client.find(Locator::Id("age_band-error")).await.is_ok(),
        "the form's error"
    );
    check_current(&b, &axe, "sme-hr-enrol-error", &mut report).await;
    // With a staff member enrolled, the staff table.
    let hr = services
        .operator_actor(&crate::testkit::login_of(Role::SmeHrLead))
        .await
        .expect("hr");
    let line = plan
        .lines
        .iter()
        .find(|l| l.line.course_id.is_some())
        .expect("a course line")
        .line
        .line_no;
    prescription::enrol_staff(
        services,
        &hr,
        plan.record.id,
        &prescription::StaffInput {
            line_no: line.to_string(),
            age_band: "40_49".into(),
            staff_ref: String::new(),
        },
    )
    .await
    .expect("enrol");
    check_both(&b, &axe, "/firm", "sme-hr-staff", &mut report).await;
    assert!(
        b.client.find(Locator::Id("staff")).await.is_ok(),
        "the staff table was checked"
    );
    sign_out(&b).await;

    sign_in(&b, Role::ProgrammeAdmin).await;
    check_both(&b, &axe, "/admin/sme", "sme-targets", &mut report).await;
    assert_clean(&report);
}
