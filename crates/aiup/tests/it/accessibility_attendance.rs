//! The accessibility check (`accessibility.rs`: axe-core in headless Chromium, both languages,
//! 390 and 1280 px) over the attendance and payroll pages, with records on them.

use crate::accessibility::{assert_clean, check_both, check_current, sign_in, start};
use aiup_app::accounts::Role;
use fantoccini::Locator;

/// The attendance pages with records on them: the staff sheet (saved marks, then a refused
/// correction with its errors), the check-in code screen, the trainee's attendance and the QR
/// code's confirm form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attendance_pages_have_no_accessibility_violations() {
    let Some((b, axe)) = start().await else { return };
    let cohort = crate::browser_attendance::in_training(&b.app, 10).await;
    let services = &b.app.state.app;
    // The next training day from here, at 09:30 in Seoul, so the code screen has a code.
    let today = services.today();
    let day = cohort
        .schedule
        .training_days(today, cohort.schedule.last_day)
        .first()
        .copied()
        .expect("a training day ahead");
    let target = day.and_hms_opt(0, 30, 0).expect("time").and_utc();
    services.clock().advance(target - services.clock().now());
    let [first, second] = cohort.enrolments;
    let course = cohort.stock.course.id.to_string();
    let entries = [
        aiup_app::attendance::AttendanceEntry::new(first, aiup_app::attendance::Mark::Late),
        aiup_app::attendance::AttendanceEntry::new(second, aiup_app::attendance::Mark::Absent),
    ];
    services
        .record_attendance(&cohort.staff, &course, 0, day, &entries)
        .await
        .expect("record");
    let mut report = Vec::new();

    sign_in(&b, Role::InstitutionStaff).await;
    let sheet = format!("{}?day={day}", cohort.sheet_path());
    check_both(&b, &axe, &sheet, "attendance-sheet", &mut report).await;
    // A correction without its reason: the errors beside the field and in the summary.
    b.goto(&sheet).await;
    b.client
        .find(Locator::Id(&format!("mark-{second}")))
        .await
        .expect("mark")
        .select_by_value("present")
        .await
        .expect("choose present");
    b.click_and_wait("save-sheet").await;
    assert!(
        b.client
            .find(Locator::Id(&format!("reason-{second}-error")))
            .await
            .is_ok(),
        "the sheet was checked with an error beside a field"
    );
    check_current(&b, &axe, "attendance-sheet-error", &mut report).await;
    // The screen reloads itself with <meta http-equiv="refresh">, which axe's meta-refresh rule
    // (WCAG 2.2.1) flags by design; the page offers the switch that rule asks for, so the rest
    // of the page is checked with reloading turned off.
    let code = format!("{}/code?refresh=off", cohort.sheet_path());
    check_both(&b, &axe, &code, "attendance-code", &mut report).await;
    assert!(
        b.client.find(Locator::Css("svg#checkin-qr")).await.is_ok(),
        "the code screen was checked with its QR code"
    );
    b.goto(&sheet).await;
    crate::browser_attendance::sign_out(&b).await;

    sign_in(&b, Role::Trainee).await;
    check_both(&b, &axe, "/me/attendance", "my-attendance", &mut report).await;
    check_both(
        &b,
        &axe,
        "/me/attendance/check?code=123456",
        "my-attendance-check",
        &mut report,
    )
    .await;
    assert_clean(&report);
}

/// The payroll pages with a run on them, and the trainee's statement.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payroll_and_statement_pages_have_no_accessibility_violations() {
    let Some((b, axe)) = start().await else { return };
    let (cohort, month) = crate::browser_payroll::trained(&b.app).await;
    let services = &b.app.state.app;
    crate::testkit::create_account(&b.app, Role::ProgrammeAdmin, None).await;
    let runner = crate::enrolment::actor(services, &crate::testkit::login_of(Role::ProgrammeAdmin)).await;
    let done = services.run_payroll(&runner, &month, &|_, _| {}).await.expect("run");
    let line = services
        .payroll_run(&runner, done.run.id)
        .await
        .expect("run view")
        .lines
        .first()
        .map(|l| (l.line.enrolment_id, l.line.period_index))
        .expect("a line");
    let mut report = Vec::new();

    sign_in(&b, Role::ProgrammeAdmin).await;
    check_both(&b, &axe, "/admin/payroll", "payroll-runs", &mut report).await;
    let run = format!("/admin/payroll/{}", done.run.id);
    check_both(&b, &axe, &run, "payroll-run", &mut report).await;
    assert!(
        b.client.find(Locator::Id("why-not-approve")).await.is_ok(),
        "the run was checked with the runner's note"
    );
    check_both(
        &b,
        &axe,
        &format!("{run}/lines/{}/{}", line.0, line.1),
        "payroll-line",
        &mut report,
    )
    .await;
    b.goto("/admin/payroll").await;
    crate::browser_attendance::sign_out(&b).await;

    sign_in(&b, Role::Trainee).await;
    check_both(&b, &axe, "/me/statements", "statements", &mut report).await;
    assert!(
        b.client
            .find(Locator::Css(&format!("#period-{}-1", cohort.enrolments[0])))
            .await
            .is_ok(),
        "the statement was checked with a period"
    );
    check_both(&b, &axe, "/me/attendance", "my-attendance-periods", &mut report).await;
    assert_clean(&report);
}
