//! The automated accessibility check: axe-core (pinned in `tests/a11y/package.json`, installed
//! by `npm ci` there) runs in headless Chromium over every kind of page, in Korean and English,
//! at a phone width (390 px) and a desktop width (1280 px), and must find no violation of any
//! WCAG 2.0/2.1/2.2 A or AA rule, nor of axe's best practices.
//!
//! The script is injected over WebDriver, which the pages' Content-Security-Policy does not
//! govern (the policy forbids inline and foreign scripts in the page itself). Each page is also
//! saved as a screenshot in `target/screenshots/a11y-*.png` to look at.
//!
//! Without axe-core the tests fail, in CI and locally, saying how to install it.

use crate::browser::Browser;
use aiup_app::accounts::Role;
use fantoccini::Locator;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// Every WCAG A and AA rule set axe knows, and its best practices.
const RULE_TAGS: &[&str] = &[
    "wcag2a",
    "wcag2aa",
    "wcag21a",
    "wcag21aa",
    "wcag22a",
    "wcag22aa",
    "best-practice",
];

/// A phone and a desktop.
const WIDTHS: &[u32] = &[390, 1280];

/// `tests/a11y/node_modules/axe-core/axe.min.js` of this workspace, or `AIUP_AXE_CORE`.
fn axe_path() -> PathBuf {
    std::env::var_os("AIUP_AXE_CORE").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/a11y/node_modules/axe-core/axe.min.js"),
        PathBuf::from,
    )
}

/// The axe-core script. A missing script fails the test: the check must never be skipped quietly.
fn axe_source() -> String {
    let path = axe_path();
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core is not installed ({}: {e}); install it with `npm ci --prefix tests/a11y` \
             (as .ci/run does), or set AIUP_AXE_CORE to an axe.min.js",
            path.display()
        )
    })
}

/// Runs axe over the page the browser shows and describes each violation, or none.
async fn violations(b: &Browser, axe: &str) -> Vec<String> {
    let loaded = b
        .client
        .execute(&format!("{axe}\n;return typeof window.axe;"), vec![])
        .await
        .expect("inject axe-core");
    assert_eq!(loaded, json!("object"), "axe-core did not load into the page");
    // WebDriver waits for a returned promise.
    let found = b
        .client
        .execute(
            "return window.axe.run(document, { runOnly: { type: 'tag', values: arguments[0] }, \
             resultTypes: ['violations'] }).then(r => r.violations.map(v => ({ id: v.id, impact: v.impact, \
             help: v.help, nodes: v.nodes.map(n => ({ target: n.target, summary: n.failureSummary })) })));",
            vec![json!(RULE_TAGS)],
        )
        .await
        .expect("run axe-core");
    let Value::Array(found) = found else {
        panic!("axe-core answered {found}, not a list of violations");
    };
    found
        .iter()
        .map(|v| {
            let nodes = v["nodes"].as_array().map(Vec::as_slice).unwrap_or_default();
            let targets: Vec<String> = nodes.iter().map(|n| n["target"].to_string()).collect();
            let why = nodes
                .first()
                .and_then(|n| n["summary"].as_str())
                .unwrap_or("")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            format!(
                "{} ({}): {}\n      {why}\n      at {}",
                v["id"].as_str().unwrap_or("?"),
                v["impact"].as_str().unwrap_or("?"),
                v["help"].as_str().unwrap_or("?"),
                targets.join(", ")
            )
        })
        .collect()
}

/// Checks `path` at each width, saving a screenshot named `a11y-{name}-{width}.png`, and
/// adds what axe found to `report`.
async fn check(b: &Browser, axe: &str, path: &str, name: &str, report: &mut Vec<String>) {
    for &width in WIDTHS {
        b.client.set_window_size(width, 1000).await.expect("resize");
        b.goto(path).await;
        let found = violations(b, axe).await;
        if !found.is_empty() {
            report.push(format!("{path} at {width} px:\n    {}", found.join("\n    ")));
        }
        b.screenshot(&format!("a11y-{name}-{width}.png"), width).await;
    }
}

/// Both languages of a page: `path` as given, and with `lang=en` added.
pub(crate) async fn check_both(b: &Browser, axe: &str, path: &str, name: &str, report: &mut Vec<String>) {
    check(b, axe, path, &format!("{name}-ko"), report).await;
    let english = if path.contains('?') {
        format!("{path}&lang=en")
    } else {
        format!("{path}?lang=en")
    };
    check(b, axe, &english, &format!("{name}-en"), report).await;
}

/// The header's links, buttons and brand whose words broke across lines at `width`, and whether
/// the page is wider than the window.
async fn header_breaks(b: &Browser, width: u32) -> Vec<String> {
    b.client.set_window_size(width, 900).await.expect("resize");
    let inner = b
        .client
        .execute("return window.innerWidth;", vec![])
        .await
        .expect("width");
    assert_eq!(inner, json!(width), "the window did not take the width {width}");
    let found = b
        .client
        .execute(
            "const broken = []; \
             for (const el of document.querySelectorAll('.site-header__inner a, .site-header__inner button, .brand__name')) { \
               const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT); \
               for (let node = walker.nextNode(); node; node = walker.nextNode()) { \
                 const range = document.createRange(); range.selectNodeContents(node); \
                 const tops = [...range.getClientRects()].map(r => r.top); \
                 if (tops.length && Math.max(...tops) - Math.min(...tops) > 4) broken.push(el.textContent.trim()); \
               } \
             } \
             const wide = document.documentElement.scrollWidth; \
             if (wide > window.innerWidth) broken.push('the page is ' + wide + ' px wide'); \
             return broken;",
            vec![],
        )
        .await
        .expect("measure the header");
    serde_json::from_value(found).expect("a list of texts")
}

pub(crate) fn assert_clean(report: &[String]) {
    assert!(
        report.is_empty(),
        "axe-core found accessibility violations:\n{}",
        report.join("\n")
    );
}

/// The calculator's filled form as a query string, with `end_date` as given.
fn calculator_query(end_date: &str) -> String {
    format!(
        "/?programme=kdt-ai-campus&region={}&start_date=2026-03-02&end_date={end_date}&total_hours=960\
         &hours_per_day=8&delivery=classroom&fee_won=&base_unit_price_won_per_hour=\
         &self_payment_rate_percent=&status=job_seeker&employer_size=",
        aiup_server::pages::encode_component("서울특별시 강남구")
    )
}

pub(crate) async fn start() -> Option<(Browser, String)> {
    // Read first, so a missing axe-core fails before any browser starts.
    let axe = axe_source();
    Browser::start().await.map(|b| (b, axe))
}

/// The check can fail: an image without a text alternative and a low-contrast paragraph, put
/// into a clean page, are reported.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_check_reports_a_violation_put_into_a_page() {
    let Some((b, axe)) = start().await else { return };
    b.goto("/").await;
    b.client
        .execute(
            "const main = document.getElementById('main'); \
             const img = document.createElement('img'); img.src = '/assets/none.png'; main.prepend(img); \
             const p = document.createElement('p'); p.textContent = 'faint'; p.style.color = '#ccc'; main.prepend(p);",
            vec![],
        )
        .await
        .expect("spoil the page");
    let found = violations(&b, &axe).await;
    for rule in ["image-alt", "color-contrast"] {
        assert!(
            found.iter().any(|v| v.starts_with(&format!("{rule} "))),
            "axe-core did not report {rule}: {found:#?}"
        );
    }
    // And the header measure sees a menu item squeezed until its words break.
    b.goto("/").await;
    b.client
        .execute(
            "document.querySelector('.site-nav a').style.cssText = 'white-space: normal; width: 2.5em';",
            vec![],
        )
        .await
        .expect("squeeze the menu");
    let broken = header_breaks(&b, 390).await;
    assert_eq!(broken, vec!["과정 찾기".to_owned()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calculator_has_no_accessibility_violations() {
    let Some((b, axe)) = start().await else { return };
    let mut report = Vec::new();
    check_both(&b, &axe, "/", "calculator", &mut report).await;
    check_both(
        &b,
        &axe,
        &calculator_query("2026-08-31"),
        "calculator-results",
        &mut report,
    )
    .await;
    assert!(
        b.client.find(Locator::Id("results")).await.is_ok(),
        "the filled form shows results"
    );
    check_both(
        &b,
        &axe,
        &calculator_query("2026-02-30"),
        "calculator-errors",
        &mut report,
    )
    .await;
    assert!(
        b.client.find(Locator::Css("#outcome.error-summary")).await.is_ok(),
        "the bad date shows the error summary"
    );
    // The first Tab lands on the skip link, which then shows on screen and leads to `main`.
    b.goto("/?lang=en").await;
    b.client
        .find(Locator::Css("body"))
        .await
        .expect("body")
        .send_keys("\u{E004}")
        .await
        .expect("press Tab");
    let focused = b
        .client
        .execute(
            "const e = document.activeElement; const r = e.getBoundingClientRect(); \
             return [e.className, e.getAttribute('href'), e.textContent, r.top >= 0 && r.height > 0];",
            vec![],
        )
        .await
        .expect("the focused element");
    assert_eq!(focused, json!(["skip-link", "#main", "Skip to main content", true]));
    // No word in the header breaks, from the narrowest phone up.
    for (path, lang) in [("/", "ko"), ("/?lang=en", "en")] {
        b.goto(path).await;
        for width in [320, 360, 390, 600, 768, 1024, 1280] {
            let broken = header_breaks(&b, width).await;
            assert!(
                broken.is_empty(),
                "{path} at {width} px: header words broke: {broken:?}"
            );
        }
        b.screenshot(&format!("a11y-calculator-{lang}-320.png"), 320).await;
    }
    assert_clean(&report);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_and_account_pages_have_no_accessibility_violations() {
    let Some((b, axe)) = start().await else { return };
    let mut report = Vec::new();
    // Error pages follow the browser's Accept-Language unless `lang` says otherwise: name both.
    for lang in ["ko", "en"] {
        check(
            &b,
            &axe,
            &format!("/no-such-page?lang={lang}"),
            &format!("not-found-{lang}"),
            &mut report,
        )
        .await;
        assert_eq!(b.attr("html", "lang").await.as_deref(), Some(lang));
        // `/signout` takes only POST: a 405 through the error-page layer.
        check(
            &b,
            &axe,
            &format!("/signout?lang={lang}"),
            &format!("method-not-allowed-{lang}"),
            &mut report,
        )
        .await;
        assert!(b.text("h1").await.contains("405"), "the 405 page was checked");
    }
    check_both(&b, &axe, "/signin?next=%2Faccount", "signin", &mut report).await;
    assert_eq!(
        b.attr("#lang-toggle", "href").await.as_deref(),
        Some("/signin?next=%2Faccount"),
        "the English sign-in page links to the Korean one, keeping where to go after"
    );

    crate::testkit::create_account(&b.app, Role::Admin, None).await;
    sign_in(&b, Role::Admin).await;
    check_both(&b, &axe, "/account", "account", &mut report).await;
    for width in [320, 390, 768, 1280] {
        let broken = header_breaks(&b, width).await;
        assert!(
            broken.is_empty(),
            "/account?lang=en at {width} px: header words broke: {broken:?}"
        );
    }
    assert!(
        b.client.find(Locator::Css("form[action='/signout']")).await.is_ok(),
        "the account page was checked signed in"
    );
    check_both(&b, &axe, "/admin/users", "users", &mut report).await;
    check_both(&b, &axe, "/admin/audit?action=account.", "audit", &mut report).await;
    assert_eq!(
        b.attr("#lang-toggle", "href").await.as_deref(),
        Some("/admin/audit?action=account."),
        "the English audit log links to the Korean one with the same filter"
    );

    // A trainee may not manage users: the 403 page, signed in.
    let sign_out = b
        .client
        .find(Locator::Css("form[action='/signout'] button[type='submit']"))
        .await
        .expect("sign-out button");
    b.click_element_and_wait(sign_out).await;
    crate::testkit::create_account(&b.app, Role::Trainee, None).await;
    sign_in(&b, Role::Trainee).await;
    check_both(&b, &axe, "/admin/users", "forbidden", &mut report).await;
    assert!(
        b.text("h1").await.contains("You may not use this page"),
        "the 403 page was checked"
    );
    assert_clean(&report);
}

/// The trainee's card page: before a profile, with the button to open the card, and with a
/// statement of every kind of entry that names an enrolment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn card_page_has_no_accessibility_violations() {
    let Some((b, axe)) = start().await else { return };
    let mut report = Vec::new();
    crate::testkit::create_account(&b.app, Role::Trainee, None).await;
    sign_in(&b, Role::Trainee).await;
    check_both(&b, &axe, "/me/card", "card-no-profile", &mut report).await;
    let services = &b.app.state.app;
    let actor = crate::card::signed_in(&b.app, &crate::testkit::login_of(Role::Trainee)).await;
    services
        .save_my_profile(&actor, &crate::card::profile(&["disabled"], "type_1"))
        .await
        .expect("profile");
    check_both(&b, &axe, "/me/card", "card-open", &mut report).await;
    let card = services.open_my_card(&actor).await.expect("open").account.id;
    let charge = crate::card::charge_of(&b.app, true);
    let hold = aiup_app::card::hold_entry(&charge, 7, services.today()).expect("hold");
    services.db().cards().post(card, &hold, "test").await.expect("hold");
    services
        .convert_card_hold("test", card, 7, services.today())
        .await
        .expect("convert");
    check_both(&b, &axe, "/me/card", "card-statement", &mut report).await;
    assert!(
        b.text("h1").await.contains("My learning card"),
        "the card page was checked"
    );
    assert_clean(&report);
}

/// Signs `role`'s test account in through the sign-in form.
pub(crate) async fn sign_in(b: &Browser, role: Role) {
    b.goto("/signin").await;
    b.submit_sign_in(role).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn course_search_has_no_accessibility_violations() {
    let Some((b, axe)) = start().await else { return };
    let batch = crate::courses::generated(120);
    aiup_app::catalogue::store_and_index(b.app.state.db(), b.app.state.index(), &batch, "test")
        .await
        .expect("import");
    let mut report = Vec::new();
    check_both(&b, &axe, "/courses", "search", &mut report).await;
    check_both(
        &b,
        &axe,
        &format!(
            "/courses?q={}&delivery=classroom&stage=entry",
            aiup_server::pages::encode_component("데이터")
        ),
        "search-filtered",
        &mut report,
    )
    .await;
    assert!(
        !b.client
            .find_all(Locator::Css(".course-card"))
            .await
            .expect("cards")
            .is_empty(),
        "the filtered search was checked with results on it"
    );
    check_both(&b, &axe, "/courses?page=zero", "search-error", &mut report).await;
    let course = &batch.courses[0];
    check_both(
        &b,
        &axe,
        &format!("/courses/{}", aiup_server::pages::encode_component(course.id.as_str())),
        "course",
        &mut report,
    )
    .await;
    assert_eq!(b.text("h1").await, course.title, "the course page was checked");
    assert_clean(&report);
}

/// The trainee's diagnosis pages (start, form, result, history with its chart) and learning path.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnosis_and_path_pages_have_no_accessibility_violations() {
    let Some((b, axe)) = start().await else { return };
    let batch = crate::courses::generated(300);
    aiup_app::catalogue::store_and_index(b.app.state.db(), b.app.state.index(), &batch, "test")
        .await
        .expect("import");
    crate::testkit::create_account(&b.app, Role::Trainee, None).await;
    // The profile and two runs through the services: this test checks the pages that show them.
    let app = &b.app.state.app;
    let session = app
        .accounts()
        .sign_in(aiup_app::accounts::SignIn {
            login: crate::testkit::login_of(Role::Trainee),
            password: aiup_app::accounts::Password::new(crate::testkit::TEST_PASSWORD),
            client_address: "127.0.0.1".into(),
            client: "a11y".into(),
            previous_session: None,
        })
        .await
        .expect("sign in");
    let profile = aiup_people::ProfileInput {
        stage: "participation".to_owned(),
        status: "job_seeker".to_owned(),
        employer_size: String::new(),
        region: "11680".to_owned(),
        age_band: "30_34".to_owned(),
        groups: Vec::new(),
        kukchi: "none".to_owned(),
    };
    app.save_my_profile(&session.actor, &profile).await.expect("profile");
    let mut last = 0;
    for run_no in [1, 2] {
        let answers: Vec<(String, String)> = app
            .diagnosis_bank()
            .form(run_no)
            .iter()
            .enumerate()
            .map(|(n, item)| (aiup_diagnosis::run::field_name(item), (n % 4 + 1).to_string()))
            .collect();
        last = app
            .submit_my_diagnosis(&session.actor, run_no, &answers)
            .await
            .expect("run")
            .id;
    }
    sign_in(&b, Role::Trainee).await;
    let mut report = Vec::new();
    check_both(&b, &axe, "/me/diagnosis", "diagnosis", &mut report).await;
    check_both(&b, &axe, "/me/diagnosis/take", "diagnosis-form", &mut report).await;
    assert!(
        !b.client
            .find_all(Locator::Css("fieldset.question"))
            .await
            .expect("questions")
            .is_empty(),
        "the form was checked with its questions"
    );
    check_both(
        &b,
        &axe,
        &format!("/me/diagnosis/runs/{last}"),
        "diagnosis-result",
        &mut report,
    )
    .await;
    check_both(&b, &axe, "/me/diagnosis/history", "diagnosis-history", &mut report).await;
    assert!(
        b.client.find(Locator::Css("figure.chart svg")).await.is_ok(),
        "the history was checked with its chart"
    );
    check_both(&b, &axe, "/me/path", "path", &mut report).await;
    assert_clean(&report);
}

/// An error page speaks the language asked for: `lang` first, then `Accept-Language`, then Korean;
/// and always names the error in the other language too, with a way back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_pages_follow_lang_then_accept_language() {
    let app = crate::support::spawn_app().await;
    let get = |path: &'static str, accept: Option<&'static str>| {
        let url = format!("{}{path}", app.base_url);
        tokio::task::spawn_blocking(move || {
            let mut request = ureq::get(&url);
            if let Some(accept) = accept {
                request = request.set("Accept-Language", accept);
            }
            match request.call() {
                Ok(r) | Err(ureq::Error::Status(_, r)) => (r.status(), r.into_string().expect("body")),
                Err(e) => panic!("GET {url}: {e}"),
            }
        })
    };
    let cases = [
        ("/nope", None, 404, "ko"),
        ("/nope", Some("en-US,en;q=0.9"), 404, "en"),
        ("/nope", Some("fr, ko;q=0.8, en;q=0.5"), 404, "ko"),
        ("/nope?lang=en", Some("ko-KR"), 404, "en"),
        ("/nope?lang=ko", Some("en-US"), 404, "ko"),
        ("/signout", Some("en"), 405, "en"),
        ("/signout?lang=en", None, 405, "en"),
        ("/signout", None, 405, "ko"),
    ];
    for (path, accept, status, lang) in cases {
        let (got, body) = get(path, accept).await.expect("request task");
        assert_eq!(got, status, "{path} with {accept:?}");
        assert!(
            body.contains(&format!("<html lang=\"{lang}\">")),
            "{path} with {accept:?} is not in {lang}"
        );
        let (first, second) = if lang == "ko" {
            ("지원금 계산기로 가기", "Go to the support calculator")
        } else {
            ("Go to the support calculator", "지원금 계산기로 가기")
        };
        let (Some(a), Some(b)) = (body.find(first), body.find(second)) else {
            panic!("{path} with {accept:?} lacks a way back in both languages");
        };
        assert!(a < b, "{path} with {accept:?}: the {lang} way back comes first");
        assert!(body.contains(&format!("({status})")), "{path} names its status");
    }
}

/// The enrolment pages, with records on them: the trainee's applications and the course page's
/// apply forms, then the staff's applications to decide and a cohort roster with its steps.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrolment_pages_have_no_accessibility_violations() {
    let Some((b, axe)) = start().await else { return };
    let stock = crate::enrolment::stock(&b.app).await;
    let app = &b.app.state.app;
    crate::testkit::create_account(&b.app, Role::Trainee, None).await;
    let trainee = crate::enrolment::actor(app, &crate::testkit::login_of(Role::Trainee)).await;
    crate::enrolment::equip(app, &trainee, Some(3_000_000)).await;
    let course = stock.course.id.to_string();
    let staff = crate::enrolment::actor(app, &crate::testkit::login_of(Role::InstitutionStaff)).await;
    let first = app.apply(&trainee, &course, 0, &stock.programme).await.expect("apply");
    app.decide(&staff, first.id(), aiup_app::enrolment::Decision::Accept)
        .await
        .expect("accept");
    app.apply(&trainee, &course, 2, &stock.programme)
        .await
        .expect("apply again");
    let mut report = Vec::new();

    sign_in(&b, Role::Trainee).await;
    check_both(&b, &axe, "/me/applications", "my-applications", &mut report).await;
    assert!(
        b.client.find(Locator::Css("form[action$='/withdraw']")).await.is_ok(),
        "the applications were checked with a withdraw form"
    );
    let course_path = format!("/courses/{}", aiup_server::pages::encode_component(&course));
    check_both(&b, &axe, &course_path, "course-apply", &mut report).await;
    assert!(
        b.client.find(Locator::Id("apply-1")).await.is_ok() && b.client.find(Locator::Id("applied-0")).await.is_ok(),
        "the course page was checked with an apply form and an application made"
    );
    b.goto("/me/applications").await;
    let sign_out = b
        .client
        .find(Locator::Css("form[action='/signout'] button[type='submit']"))
        .await
        .expect("sign-out button");
    b.click_element_and_wait(sign_out).await;

    sign_in(&b, Role::InstitutionStaff).await;
    check_both(&b, &axe, "/staff/applications", "staff-applications", &mut report).await;
    assert!(
        b.client.find(Locator::Css("form[action$='/accept']")).await.is_ok(),
        "the staff page was checked with an application to decide"
    );
    let roster = format!("/staff/cohorts/{}/0", aiup_server::pages::encode_component(&course));
    check_both(&b, &axe, &roster, "staff-roster", &mut report).await;
    assert!(
        b.client.find(Locator::Css("form.step")).await.is_ok(),
        "the roster was checked with its steps"
    );
    assert_clean(&report);
}

/// Runs axe over the page the browser shows now (one reached by a form), at both widths,
/// without reloading it.
pub(crate) async fn check_current(b: &Browser, axe: &str, name: &str, report: &mut Vec<String>) {
    for &width in WIDTHS {
        b.client.set_window_size(width, 1000).await.expect("resize");
        let found = violations(b, axe).await;
        if !found.is_empty() {
            report.push(format!("{name} at {width} px:\n    {}", found.join("\n    ")));
        }
        b.screenshot(&format!("a11y-{name}-{width}.png"), width).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn learning_and_overview_pages_have_no_accessibility_violations() {
    let Some((b, axe)) = start().await else { return };
    let mut report = Vec::new();
    crate::testkit::create_account(&b.app, Role::Trainee, None).await;
    sign_in(&b, Role::Trainee).await;
    check_both(&b, &axe, "/me", "me-new", &mut report).await;
    check_both(&b, &axe, "/me/profile", "profile-new", &mut report).await;
    // The form sent empty: every required field in error.
    for lang in ["ko", "en"] {
        b.goto(&format!("/me/profile?lang={lang}")).await;
        let save = b
            .client
            .find(Locator::Css("form[action='/me/profile'] button[type='submit']"))
            .await
            .expect("save button");
        b.click_element_and_wait(save).await;
        assert!(
            b.client.find(Locator::Css("#region-error")).await.is_ok(),
            "the form came back with errors"
        );
        check_current(&b, &axe, &format!("profile-errors-{lang}"), &mut report).await;
    }
    let person = aiup_people::ProfileInput {
        stage: "transition".into(),
        status: "job_seeker".into(),
        region: "46830".into(),
        age_band: "50_64".into(),
        groups: vec!["low_income".into()],
        kukchi: "type_1".into(),
        ..Default::default()
    };
    let actor = b
        .app
        .state
        .app
        .accounts()
        .sign_in(aiup_app::accounts::SignIn {
            login: crate::testkit::login_of(Role::Trainee),
            password: aiup_app::accounts::Password::new(crate::testkit::TEST_PASSWORD),
            client_address: "127.0.0.1".into(),
            client: "a11y".into(),
            previous_session: None,
        })
        .await
        .expect("sign in")
        .actor;
    b.app.state.app.save_my_profile(&actor, &person).await.expect("profile");
    check_both(&b, &axe, "/me", "me", &mut report).await;
    check_both(&b, &axe, "/me/profile", "profile", &mut report).await;

    let sign_out = b
        .client
        .find(Locator::Css("form[action='/signout'] button[type='submit']"))
        .await
        .expect("sign-out button");
    b.click_element_and_wait(sign_out).await;
    let db = b.app.state.app.db();
    for (region, stage, programme, status) in [
        ("46830", "entry", "kdt-ai-campus", "accepted"),
        ("46820", "transition", "kdt-ai-campus", "applied"),
        ("11110", "participation", "card-ai-general", "withdrawn"),
    ] {
        let id = aiup_store::testing::enrolment_reports::insert_person(db, region, stage).await;
        aiup_store::testing::enrolment_reports::insert_enrolment(db, id, programme, status, id).await;
    }
    crate::testkit::create_account(&b.app, Role::ProgrammeAdmin, None).await;
    sign_in(&b, Role::ProgrammeAdmin).await;
    check_both(&b, &axe, "/admin/enrolments", "enrolments", &mut report).await;
    check_both(
        &b,
        &axe,
        "/admin/enrolments?province=46",
        "enrolments-province",
        &mut report,
    )
    .await;
    assert!(
        b.client.find(Locator::Css("#by-region")).await.is_ok(),
        "the district table was checked"
    );
    check_both(
        &b,
        &axe,
        "/admin/enrolments?stage=retired",
        "enrolments-error",
        &mut report,
    )
    .await;
    assert_clean(&report);
}
