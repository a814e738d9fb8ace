//! After the calculator is submitted, the focus is on what changed: the
//! results heading or the error summary (the form's `#outcome` fragment),
//! in both languages, on a phone and a desktop; and every problem is listed.

use crate::browser::Browser;
use serde_json::Value;

/// A course whose fields are all valid, as a query string.
const VALID: &str = "programme=kdt-ai-campus&region=%EC%A0%84%EB%9D%BC%EB%82%A8%EB%8F%84+%ED%95%B4%EB%82%A8%EA%B5%B0&start_date=2026-03-02&end_date=2026-08-31&total_hours=960&hours_per_day=8&delivery=classroom&status=job_seeker";

/// Two bad fields: a region that does not exist and an end before the start.
const TWO_BAD: &str = "programme=kdt-ai-campus&region=Atlantis-gun&start_date=2026-03-02&end_date=2026-02-27&total_hours=960&hours_per_day=8&delivery=classroom&status=job_seeker";

/// The focused element's id, tag and class.
async fn focused(b: &Browser) -> (String, String, String) {
    let value = b
        .client
        .execute(
            "const e = document.activeElement; return [e.id, e.tagName, e.className];",
            vec![],
        )
        .await
        .expect("active element");
    let part = |i: usize| value[i].as_str().unwrap_or_default().to_owned();
    (part(0), part(1), part(2))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_submit_the_focus_is_on_the_results_or_the_error_summary() {
    let Some(b) = Browser::start().await else {
        return;
    };
    for width in [390, 1280] {
        b.client.set_window_size(width, 900).await.expect("resize");
        for lang in ["ko", "en"] {
            let suffix = if lang == "en" { "&lang=en" } else { "" };
            let case = format!("{width} px, {lang}");

            b.goto(&format!("/?{TWO_BAD}{suffix}")).await;
            b.submit().await;
            let (id, _, class) = focused(&b).await;
            assert_eq!((id.as_str(), class.as_str()), ("outcome", "error-summary"), "{case}");
            let links: Value = b
                .client
                .execute(
                    "return [...document.querySelectorAll('#outcome li a')].map(a => a.getAttribute('href'));",
                    vec![],
                )
                .await
                .expect("summary links");
            assert_eq!(links, serde_json::json!(["#region", "#end_date"]), "{case}");
            let summary = b.text("#outcome").await;
            let (region_label, end_label) = if lang == "en" {
                ("Training institution's location", "End date")
            } else {
                ("훈련기관 소재지", "종료일")
            };
            assert!(
                summary.contains(region_label) && summary.contains(end_label),
                "{case}: {summary}"
            );

            b.goto(&format!("/?{VALID}{suffix}")).await;
            b.submit().await;
            let (id, tag, _) = focused(&b).await;
            assert_eq!((id.as_str(), tag.as_str()), ("outcome", "H2"), "{case}");
            let heading = b.text("#outcome").await;
            assert_eq!(heading, if lang == "en" { "Results" } else { "계산 결과" }, "{case}");
        }
    }
    b.client.set_window_size(1280, 1000).await.expect("resize back");
}
