//! The course search page in a real headless Chromium, at 390 px (a phone) and 1280 px, in
//! Korean and English: an employee's prices with the firm's size, carried to the course page
//! and back; the "only courses I can take" filter; results first on a phone, with the filters
//! behind one button that works without JavaScript.

use crate::browser::Browser;
use fantoccini::Locator;
use serde_json::Value;

async fn stock(b: &Browser, courses: usize) {
    let batch = crate::courses::generated(courses);
    aiup_app::catalogue::store_and_index(b.app.state.db(), b.app.state.index(), &batch, "test")
        .await
        .expect("import");
}

fn count_in(text: &str) -> u64 {
    text.chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or_else(|_| panic!("no count in {text:?}"))
}

async fn count(b: &Browser, css: &str) -> usize {
    b.client.find_all(Locator::Css(css)).await.expect("find_all").len()
}

async fn js(b: &Browser, script: &str) -> Value {
    b.client.execute(script, vec![]).await.expect("script")
}

async fn displayed(b: &Browser, css: &str) -> bool {
    b.client
        .find(Locator::Css(css))
        .await
        .expect("element")
        .is_displayed()
        .await
        .expect("is_displayed")
}

/// The query string of the current page, as `key=value` pairs without `lang`.
async fn current_query(b: &Browser) -> Vec<String> {
    let url = b.client.current_url().await.expect("url");
    let mut pairs: Vec<String> = url
        .query_pairs()
        .filter(|(k, _)| k != "lang")
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    pairs.sort();
    pairs
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_employee_with_a_firm_size_sees_prices_carried_to_the_course_page_and_back() {
    let Some(b) = Browser::start().await else {
        return;
    };
    stock(&b, 300).await;
    for lang in ["", "&lang=en"] {
        b.client.set_window_size(1280, 1000).await.expect("resize");
        let search = format!("/courses?status=employed&employer_size=priority_support&programme=sme-ai-online{lang}");
        b.goto(&search).await;
        assert_eq!(b.value("employer_size").await, "priority_support");
        assert_eq!(b.value("status").await, "employed");
        let cards = count(&b, ".course-card").await;
        assert!(cards > 0, "the generator makes SME online courses");
        assert_eq!(
            count(&b, ".course-card .support-pay").await,
            cards,
            "every card has a price"
        );
        let pay = b.text(".course-card .support-pay").await;
        assert!(
            pay.contains(if lang.is_empty() { "본인부담" } else { "You pay" }),
            "{pay}"
        );

        // Without a size, the same courses ask for it, and link to the control.
        b.goto(&format!("/courses?status=employed&programme=sme-ai-online{lang}"))
            .await;
        assert_eq!(count(&b, ".course-card .support-pay").await, 0);
        assert_eq!(
            count(&b, ".course-card__support--size a[href='#employer_size']").await,
            cards
        );
        let ask = b.text(".course-card__support--size").await;
        assert!(
            ask.contains(if lang.is_empty() {
                "회사 규모"
            } else {
                "firm's size"
            }),
            "{ask}"
        );

        // The result link carries the whole search; the course page opens; back returns to it.
        b.goto(&search).await;
        let before = current_query(&b).await;
        let link = b
            .client
            .find(Locator::Css(".course-card__title a"))
            .await
            .expect("link");
        let title = link.text().await.expect("title");
        b.click_element_and_wait(link).await;
        assert_eq!(b.text("h1").await, title);
        let url = b.client.current_url().await.expect("url");
        assert!(url.path().starts_with("/courses/"), "{url}");
        assert_eq!(current_query(&b).await, before, "the course page got the whole search");
        assert_eq!(
            url.query_pairs().any(|(k, v)| k == "lang" && v == "en"),
            !lang.is_empty()
        );
        b.client.back().await.expect("back");
        assert_eq!(current_query(&b).await, before);
        assert_eq!(b.value("employer_size").await, "priority_support");
    }
    let _ = b.client.clone().close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_employee_is_never_priced_on_a_job_seeker_course_and_the_filter_removes_them() {
    let Some(b) = Browser::start().await else {
        return;
    };
    stock(&b, 300).await;
    b.client.set_window_size(1280, 1000).await.expect("resize");
    b.goto("/courses?status=employed&employer_size=priority_support&programme=card-ai-general&per_page=50")
        .await;
    let cards = count(&b, ".course-card").await;
    assert!(cards > 0, "the generator makes learning-card courses");
    assert_eq!(
        count(&b, ".course-card .support-pay").await,
        0,
        "no price for a job-seeker course"
    );
    assert_eq!(count(&b, ".course-card__support--ineligible").await, cards);
    assert!(b.text(".course-card__support--ineligible").await.contains("구직자"));

    b.goto("/courses?status=employed&employer_size=priority_support").await;
    let all = count_in(&b.text("#result-count").await);
    assert!(
        count(&b, ".course-card__support--ineligible").await > 0,
        "some cards are not open to an employee"
    );
    b.client
        .find(Locator::Id("f-eligible"))
        .await
        .expect("eligibility checkbox")
        .click()
        .await
        .expect("tick");
    b.click_and_wait("filter-submit").await;
    let eligible = count_in(&b.text("#result-count").await);
    assert!(eligible > 0 && eligible < all, "{eligible} of {all}");
    assert_eq!(count(&b, ".course-card__support--ineligible").await, 0);
    assert_eq!(
        b.attr("[data-filter='eligible=true']", "aria-label").await.as_deref(),
        Some("필터 제거: 내가 들을 수 있는 과정만")
    );
    b.screenshot("search-eligible-1280-ko.png", 1280).await;
    // The chip removes the filter again.
    let chip = b
        .client
        .find(Locator::Css("[data-filter='eligible=true']"))
        .await
        .expect("chip");
    b.click_element_and_wait(chip).await;
    assert_eq!(count_in(&b.text("#result-count").await), all);
    let _ = b.client.clone().close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_results_come_first_and_the_filters_fold_behind_one_button() {
    let Some(b) = Browser::start().await else {
        return;
    };
    stock(&b, 300).await;
    for (lang, suffix) in [("ko", ""), ("en", "&lang=en")] {
        let search = format!("/courses?status=employed&employer_size=large&province=11&delivery=classroom{suffix}");
        b.client.set_window_size(390, 844).await.expect("resize");
        b.goto(&search).await;
        let top = js(
            &b,
            "window.scrollTo(0, 0); return document.querySelector('.course-card').getBoundingClientRect().top;",
        )
        .await
        .as_f64()
        .expect("top");
        let height = js(&b, "return window.innerHeight;").await.as_f64().expect("height");
        // The first screen as a phone shows it.
        let png = b.client.screenshot().await.expect("screenshot");
        let dir = crate::browser::screenshot_dir();
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        std::fs::write(dir.join(format!("search-390-{lang}-first-screen.png")), png).expect("write");
        assert!(
            top < height,
            "{lang}: the first result starts at {top} px, below the {height} px screen"
        );
        // The filters are folded: one button, naming how many are in use; the chips stay.
        assert!(displayed(&b, "#filters-toggle").await);
        let toggle = b.text("#filters-toggle").await;
        assert_eq!(toggle, if lang == "ko" { "필터 2개" } else { "Filters (2)" });
        assert!(!displayed(&b, "#facet-delivery").await, "{lang}: facets are folded");
        assert!(displayed(&b, "#filter-chips").await);
        assert!(displayed(&b, "#result-count").await);
        b.screenshot(&format!("search-390-{lang}.png"), 390).await;
        b.client.set_window_size(390, 844).await.expect("resize");
        // Opening it shows them (a <details>: no script needed). Right after the resize the
        // browser may still be laying the page out, which WebDriver reports as "not
        // interactable"; a busy machine gets a few tries.
        let mut tries = 0;
        loop {
            let toggle = b.client.find(Locator::Id("filters-toggle")).await.expect("toggle");
            match toggle.click().await {
                Ok(()) => break,
                Err(e) if tries < 20 => {
                    tries += 1;
                    eprintln!("the filter button is not clickable yet ({e}); trying again");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                Err(e) => panic!("the filter button never became clickable: {e}"),
            }
        }
        assert!(displayed(&b, "#facet-delivery").await);
        assert!(displayed(&b, "#f-eligible").await);
        b.screenshot(&format!("search-390-{lang}-filters-open.png"), 390).await;

        // On a wide screen the filters are a column beside the results, with no button.
        b.client.set_window_size(1280, 1000).await.expect("resize");
        b.goto(&search).await;
        assert!(displayed(&b, "#facet-delivery").await);
        assert!(!displayed(&b, "#filters-toggle").await);
        b.screenshot(&format!("search-1280-{lang}.png"), 1280).await;
    }
    // The skip link leads to the results.
    b.goto("/courses").await;
    assert_eq!(b.attr(".skip-link--results", "href").await.as_deref(), Some("#results"));
    assert_eq!(count(&b, "h1").await, 1);
    let _ = b.client.clone().close().await;
}
