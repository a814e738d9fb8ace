//! The accessibility check (`accessibility.rs`: axe-core in headless Chromium, both languages,
//! 390 and 1280 px) over every dashboard page, with figures on them (the world of
//! `dashboard_regions`). The pages are one list, [`DASHBOARD_PAGES`], so a board added later is
//! one more line.

use crate::accessibility::{assert_clean, check_both, sign_in, start};
use aiup_app::accounts::Role;

/// Every dashboard page to check: (path, screenshot name).
pub const DASHBOARD_PAGES: &[(&str, &str)] = &[
    ("/admin/dashboard", "dash-overview"),
    ("/admin/dashboard/regions", "dash-regions"),
    ("/admin/dashboard/regions/41", "dash-province"),
    ("/admin/dashboard/smes", "dash-smes"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboard_pages_have_no_accessibility_violations() {
    let Some((b, axe)) = start().await else { return };
    crate::dashboard_regions::populate(&b.app, 120).await;
    crate::testkit::create_account(&b.app, Role::ProgrammeAdmin, None).await;
    sign_in(&b, Role::ProgrammeAdmin).await;
    let mut report = Vec::new();
    for (path, name) in DASHBOARD_PAGES {
        check_both(&b, &axe, path, name, &mut report).await;
    }
    assert_clean(&report);
}
