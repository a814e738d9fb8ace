//! The trainee's main flow in a real headless Chromium, as a person would click through it:
//! sign in → my learning → the profile form (a mistake first, then right) → the diagnosis →
//! the learning path → the course page → apply → my applications. Screenshots of every step at
//! a phone width (390 px) and a desktop width (1280 px) land in `target/screenshots/journey-*`.

use crate::browser::Browser;
use crate::testkit::login_of;
use aiup_app::accounts::Role;
use aiup_diagnosis::run::field_name;
use aiup_diagnosis::Bank;
use fantoccini::Locator;

const WIDTHS: [u32; 2] = [390, 1280];

async fn current_path(b: &Browser) -> String {
    let url = b.client.current_url().await.expect("url");
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    }
}

async fn shots(b: &Browser, name: &str) {
    for width in WIDTHS {
        b.screenshot(&format!("journey-{name}-{width}.png"), width).await;
    }
}

/// Clicks the submit button of the form posting to `action`, and waits for the next page.
async fn submit_form(b: &Browser, action: &str) {
    let button = b
        .client
        .find(Locator::Css(&format!("form[action='{action}'] button[type='submit']")))
        .await
        .unwrap_or_else(|e| panic!("the submit button of {action}: {e}"));
    b.click_element_and_wait(button).await;
}

async fn click(b: &Browser, css: &str) {
    b.client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("find {css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

async fn choose(b: &Browser, id: &str, value: &str) {
    b.client
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("find #{id}: {e}"))
        .select_by_value(value)
        .await
        .unwrap_or_else(|e| panic!("choose {value} in #{id}: {e}"));
}

async fn follow(b: &Browser, css: &str) {
    let link = b
        .client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("find {css}: {e}"));
    b.click_element_and_wait(link).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trainee_goes_from_profile_to_diagnosis_to_path_to_an_application() {
    let Some(b) = Browser::start().await else { return };
    let golden: serde_json::Value = serde_json::from_str(crate::journey::GOLDEN).expect("golden");
    let course = crate::journey::stock(&b.app, &golden["journeys"][0]).await;
    let course_id = course.id.to_string();
    let programme = course.programmes[0].to_string();
    crate::testkit::create_account(&b.app, Role::Trainee, None).await;

    // Sign in; my learning says a profile comes first.
    b.goto("/signin?next=%2Fme").await;
    b.submit_sign_in(Role::Trainee).await;
    assert_eq!(current_path(&b).await, "/me");
    assert_eq!(b.text("h1").await, "나의 학습");
    shots(&b, "1-home-new").await;
    follow(&b, "main a.button--primary[href='/me/profile']").await;
    assert_eq!(current_path(&b).await, "/me/profile");

    // The profile: saved without a district first, so the form says so beside the field.
    click(&b, "#stage").await; // 진입기
    click(&b, "#status").await; // 구직자
    choose(&b, "age_band", "20_29").await;
    submit_form(&b, "/me/profile").await;
    assert!(
        b.text("#region-error").await.contains("사는 곳"),
        "the district's error"
    );
    assert_eq!(b.attr("#region", "aria-invalid").await.as_deref(), Some("true"));
    let stage = b.client.find(Locator::Id("stage")).await.expect("stage");
    assert_eq!(
        stage.prop("checked").await.expect("checked").as_deref(),
        Some("true"),
        "what was chosen is kept"
    );
    shots(&b, "2-profile-error").await;
    choose(&b, "region", "11110").await;
    submit_form(&b, "/me/profile").await;
    assert_eq!(current_path(&b).await, "/me?done=profile");
    assert!(b.text("main").await.contains("종로구"), "the profile summary");
    shots(&b, "3-home").await;

    // The diagnosis: every answer right except the prompt-engineering ones.
    follow(&b, "nav a[href='/me/diagnosis']").await;
    follow(&b, "main a[href='/me/diagnosis/take']").await;
    let items = Bank::embedded().form(1);
    for item in &items {
        let right = item.answer + 1;
        let given = if item.module == aiup_catalogue::BasicModule::PromptEngineering {
            right % 4 + 1
        } else {
            right
        };
        click(&b, &format!("#{}-{given}", field_name(item))).await;
    }
    shots(&b, "4-diagnosis-form").await;
    submit_form(&b, "/me/diagnosis").await;
    assert!(current_path(&b).await.starts_with("/me/diagnosis/runs/"));
    shots(&b, "5-diagnosis-result").await;

    // The path: the course is there, and leads to its page.
    follow(&b, "main a[href='/me/path']").await;
    assert_eq!(current_path(&b).await, "/me/path");
    let course_link = format!("main a[href='/courses/{}']", course_id);
    assert!(
        b.client.find(Locator::Css(&course_link)).await.is_ok(),
        "the fixture's course is on the path"
    );
    shots(&b, "6-path").await;
    follow(&b, &course_link).await;
    assert!(current_path(&b).await.starts_with(&format!("/courses/{course_id}")));

    // Apply for the first cohort; my applications show it received.
    click(&b, &format!("#programme-0 option[value='{programme}']")).await;
    shots(&b, "7-course-apply").await;
    b.click_and_wait("apply-0").await;
    assert_eq!(current_path(&b).await, "/me/applications?done=applied");
    assert!(b.text("#applications-notice").await.contains("신청했습니다"));
    let actor = crate::enrolment::actor(&b.app.state.app, &login_of(Role::Trainee)).await;
    let mine = b.app.state.app.my_enrolments(&actor).await.expect("applications");
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].record.course_id, course_id);
    assert!(b.text(&format!("#application-{}", mine[0].id())).await.contains("접수"));
    shots(&b, "8-applied").await;
    b.goto("/me").await;
    assert!(b.text("#step-applications").await.contains("최근 신청: 접수"));
    assert!(b.text("#step-diagnosis").await.contains("1회 받았습니다"));
    shots(&b, "9-home-after").await;
}
