//! The accessibility check (`accessibility.rs`: axe-core in headless Chromium, both languages,
//! 390 and 1280 px) over the targets and budget dashboards with a population on them.

use crate::accessibility::{assert_clean, check_both, sign_in, start};
use aiup_app::accounts::Role;
use aiup_app::population::{generate_and_store, PopulationOptions};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn targets_and_budget_pages_have_no_accessibility_violations() {
    let Some((b, axe)) = start().await else { return };
    let services = &b.app.state.app;
    let engine = services.engine();
    generate_and_store(
        services.db(),
        engine.policy(),
        engine.regions(),
        &PopulationOptions {
            trainees: 120,
            seed: 3,
            today: crate::payroll::d("2026-06-20"),
        },
        40,
        crate::payroll::d("2026-01-05"),
        None,
        false,
        "test",
    )
    .await
    .expect("population");
    let mut report = Vec::new();
    crate::testkit::create_account(&b.app, Role::Auditor, None).await;
    sign_in(&b, Role::Auditor).await;
    check_both(&b, &axe, "/admin/dashboard/targets", "dashboard-targets", &mut report).await;
    check_both(&b, &axe, "/admin/dashboard/budget", "dashboard-budget", &mut report).await;
    check_both(
        &b,
        &axe,
        "/admin/dashboard/budget/kdt-ai-campus",
        "dashboard-budget-line",
        &mut report,
    )
    .await;
    assert_clean(&report);
}
