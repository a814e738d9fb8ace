//! Enrolment in a real headless Chromium: a trainee applies from a course page, the
//! institution's staff accept, and the trainee sees "accepted" with the card's hold.

use crate::browser::Browser;
use crate::enrolment::{actor, equip, stock};
use crate::testkit::login_of;
use aiup_app::accounts::Role;
use aiup_core::money::Won;
use fantoccini::Locator;

async fn current_path(b: &Browser) -> String {
    let url = b.client.current_url().await.expect("url");
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    }
}

async fn sign_out(b: &Browser) {
    let out = b
        .client
        .find(Locator::Css(".account-menu button[type='submit']"))
        .await
        .expect("sign-out button");
    b.click_element_and_wait(out).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trainee_applies_staff_accepts_trainee_sees_the_hold() {
    let Some(b) = Browser::start().await else { return };
    let stock = stock(&b.app).await;
    let app = &b.app.state.app;
    crate::testkit::create_account(&b.app, Role::Trainee, None).await;
    let trainee = actor(app, &login_of(Role::Trainee)).await;
    equip(app, &trainee, Some(3_000_000)).await;
    let course_path = format!(
        "/courses/{}",
        aiup_server::pages::encode_component(stock.course.id.as_str())
    );

    // Signed out, the course page offers to sign in to apply, and comes back after.
    b.goto(&course_path).await;
    let signin = b.attr("#apply-signin", "href").await.expect("sign-in link");
    b.goto(&signin).await;
    b.submit_sign_in(Role::Trainee).await;
    assert_eq!(current_path(&b).await, course_path);

    // Apply for the first cohort under the fixture's programme.
    let option = b
        .client
        .find(Locator::Css(&format!(
            "#programme-0 option[value='{}']",
            stock.programme
        )))
        .await
        .expect("the programme is offered");
    option.click().await.expect("choose the programme");
    b.screenshot("enrolment-apply-ko.png", 390).await;
    b.click_and_wait("apply-0").await;
    assert_eq!(current_path(&b).await, "/me/applications?done=applied");
    assert!(b.text("#applications-notice").await.contains("신청했습니다"));
    let mine = app.my_enrolments(&trainee).await.expect("applications");
    assert_eq!(mine.len(), 1);
    let id = mine[0].id();
    assert!(b.text(&format!("#application-{id}")).await.contains("접수"));
    b.screenshot("enrolment-applied-ko.png", 1280).await;
    // The course page now shows the application instead of a second form.
    b.goto(&course_path).await;
    assert!(b.text("#applied-0").await.contains("접수"));
    assert!(b.client.find(Locator::Id("apply-0")).await.is_err());
    b.goto("/me/applications").await;
    sign_out(&b).await;

    // Staff accept it.
    b.goto("/signin?next=%2Fstaff%2Fapplications").await;
    b.submit_sign_in(Role::InstitutionStaff).await;
    assert_eq!(current_path(&b).await, "/staff/applications");
    assert_eq!(b.text("h1").await, "수강 신청 심사");
    b.screenshot("enrolment-staff-ko.png", 1280).await;
    b.click_and_wait(&format!("accept-{id}")).await;
    assert_eq!(current_path(&b).await, "/staff/applications?done=accepted");
    assert!(b.text("#staff-notice").await.contains("선발했습니다"));
    sign_out(&b).await;

    // The trainee sees "accepted" and what the card holds, in both languages.
    b.goto("/signin?next=%2Fme%2Fapplications").await;
    b.submit_sign_in(Role::Trainee).await;
    let accepted = app.enrolment_for(&trainee, id).await.expect("enrolment");
    assert!(accepted.record.card_hold_won > 0);
    let hold = Won(accepted.record.card_hold_won).to_string();
    let row = b.text(&format!("#application-{id}")).await;
    assert!(row.contains("선발") && row.contains(&hold), "{row}");
    assert!(row.contains("철회하면 자리를 잃고"), "the consequence is stated: {row}");
    b.goto("/me/applications?lang=en").await;
    let row = b.text(&format!("#application-{id}")).await;
    assert!(row.contains("accepted") && row.contains(&hold), "{row}");
    b.screenshot("enrolment-accepted-en.png", 390).await;
}
