//! The SME package in a real headless Chromium: the training doctor fills the diagnosis form
//! (first leaving questions out: the errors show beside them and in the summary), reads the
//! report with its level and reasons, and makes a plan; the firm's HR lead accepts the plan
//! and sees the form to enrol staff. Screenshots in `target/screenshots/sme-*`.

use crate::browser::Browser;
use crate::browser_attendance::sign_out;
use crate::sme_registry::HEADER;
use crate::support::TestApp;
use crate::testkit::{accounts_for_every_role, login_of, TEST_CENTRE, TEST_FIRM};
use aiup_app::accounts::Role;
use aiup_app::sme::firms;
use aiup_sme::assessment::Answers;
use fantoccini::Locator;

/// A catalogue, an account of every role, and the test firm in the test doctor's centre; the
/// firm's id.
pub(crate) async fn firm_ready(app: &TestApp) -> i64 {
    let services = &app.state.app;
    let batch = crate::courses::generated(60);
    aiup_app::catalogue::store_and_index(services.db(), app.state.index(), &batch, "test")
        .await
        .expect("catalogue");
    accounts_for_every_role(app, batch.courses[0].institution.as_str()).await;
    let admin = services
        .operator_actor(&login_of(Role::ProgrammeAdmin))
        .await
        .expect("admin");
    let csv = format!("{HEADER}{TEST_FIRM},브라우저정밀,12,C29,41117,yes,yes,no,0\n");
    firms::import_firms_csv(services, &admin, &csv).await.expect("firm");
    let firm = firms::visible_firm_by_number(services, &admin, TEST_FIRM)
        .await
        .expect("firm")
        .id;
    firms::assign_centre(services, &admin, firm, Some(TEST_CENTRE))
        .await
        .expect("assign");
    firm
}

/// Ticks the option `value` of question `field` (the first option's control carries the
/// question's id, the others `field-value`).
async fn choose(b: &Browser, field: &str, value: &str) {
    let q = aiup_sme::questionnaire::questionnaire();
    let first = q
        .item(field)
        .and_then(|i| i.options.first().map(|o| o.id.clone()))
        .unwrap_or_else(|| "yes".to_owned());
    let id = if first == value {
        field.to_owned()
    } else {
        format!("{field}-{value}")
    };
    b.client
        .find(Locator::Id(&id))
        .await
        .unwrap_or_else(|e| panic!("find #{id}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click #{id}: {e}"));
}

/// Fills the form with `answers` as a person would.
pub(crate) async fn fill_diagnosis(b: &Browser, answers: &Answers) {
    let q = aiup_sme::questionnaire::questionnaire();
    for (field, values) in answers {
        match q.item(field).map(|i| i.kind) {
            Some(aiup_sme::questionnaire::Kind::Number) => b.fill(field, &values[0]).await,
            _ => {
                for v in values {
                    choose(b, field, v).await;
                }
            }
        }
    }
}

async fn shots(b: &Browser, name: &str) {
    for width in [390, 1280] {
        b.client.set_window_size(width, 1000).await.expect("resize");
        b.screenshot(&format!("sme-{name}-{width}.png"), width).await;
    }
    b.client.set_window_size(1280, 1000).await.expect("resize");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_doctor_diagnoses_and_the_hr_lead_accepts_the_plan() {
    let Some(b) = Browser::start().await else { return };
    let firm = firm_ready(&b.app).await;
    let base = format!("/sme/firms/{firm}");

    // The doctor: the form, sent with two questions left out.
    b.goto("/signin").await;
    b.submit_sign_in(Role::TrainingDoctor).await;
    b.goto(&base).await;
    b.click_and_wait("new-diagnosis").await;
    let mut answers = crate::sme_package::answers(1, true);
    let length = answers.remove("length").expect("length");
    let method = answers.remove("method").expect("method");
    fill_diagnosis(&b, &answers).await;
    b.click_and_wait("submit-diagnosis").await;
    assert!(
        b.client.find(Locator::Css(".error-summary")).await.is_ok(),
        "the summary of problems"
    );
    for field in ["length", "method"] {
        assert!(
            b.client.find(Locator::Id(&format!("{field}-error"))).await.is_ok(),
            "the error beside {field}"
        );
    }
    assert_eq!(
        b.attr("#method-in_house_remote", "aria-describedby").await.as_deref(),
        Some("method-error")
    );
    shots(&b, "diagnosis-errors").await;
    // The answers given are kept; the two missing ones are added and the form sent again.
    let mut rest = Answers::new();
    rest.insert("length".into(), length);
    rest.insert("method".into(), method);
    fill_diagnosis(&b, &rest).await;
    b.click_and_wait("submit-diagnosis").await;
    let level = b.text("#ax-level").await;
    assert!(level.contains("중급"), "the report shows the level: {level}");
    assert!(b.client.find(Locator::Id("reasons")).await.is_ok());
    assert!(b.text("#recommendations").await.contains("스킬업"));
    shots(&b, "diagnosis-report").await;

    // The plan, from the firm page.
    b.goto(&base).await;
    b.click_and_wait("prescribe").await;
    assert!(b.text("#plan-status").await.contains("대기"));
    let plan_url = b.client.current_url().await.expect("url");
    let plan_id: i64 = plan_url
        .path_segments()
        .and_then(|mut s| s.next_back())
        .and_then(|s| s.parse().ok())
        .expect("plan id");
    shots(&b, "plan").await;
    sign_out(&b).await;

    // The HR lead accepts, and the enrolment form appears.
    b.goto("/signin").await;
    b.submit_sign_in(Role::SmeHrLead).await;
    b.goto("/firm").await;
    b.click_and_wait(&format!("accept-{plan_id}")).await;
    assert!(b.text(".notice").await.contains("수락"));
    assert!(
        b.client.find(Locator::Id(&format!("accept-{plan_id}"))).await.is_err(),
        "no second acceptance"
    );
    let accepted = b
        .app
        .state
        .app
        .db()
        .sme_diagnoses()
        .prescription(plan_id)
        .await
        .expect("read");
    assert_eq!(
        accepted.and_then(|p| p.acceptance).map(|a| a.accepted_by),
        Some(login_of(Role::SmeHrLead))
    );
    shots(&b, "hr-accepted").await;
}
