//! The allowance payroll in a real headless Chromium: a programme administrator runs a month
//! from the page and cannot approve their own run (the page says why); a second administrator
//! approves and exports it, and the payment file downloads as CSV with its control total. The
//! trainee's statement shows each period's amount and every deduction with its reason.
//! Screenshots in `target/screenshots/payroll-*`.

use crate::browser::Browser;
use crate::browser_attendance::{in_training, sign_out, InTraining};
use crate::support::TestApp;
use aiup_app::accounts::{NewUser, Password, Role};
use aiup_app::attendance::{AttendanceEntry, Mark};
use aiup_core::Won;
use chrono::{Datelike, NaiveDate};
use fantoccini::Locator;

/// The last day of `date`'s month.
fn month_end(date: NaiveDate) -> NaiveDate {
    let (y, m) = if date.month() == 12 {
        (date.year() + 1, 1)
    } else {
        (date.year(), date.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|d| d.pred_opt())
        .expect("month end")
}

/// A cohort that trained to its end, every day recorded (the first trainee late three times
/// and absent once in the first days), with the clock past the month the course ended in.
/// Returns the cohort and the month to pay.
pub(crate) async fn trained(app: &TestApp) -> (InTraining, String) {
    let cohort = in_training(app, 1).await;
    let services = &app.state.app;
    // The generated course is too short for the allowance (the rules ask for 140 hours); the
    // catalogue is corrected to 240 hours, as an institution would, so the periods pay.
    let (mut course, institution) = services
        .db()
        .catalogue()
        .course(cohort.stock.course.id.as_str())
        .await
        .expect("read the course")
        .expect("the course");
    course.total_hours = aiup_catalogue::Hours::from_tenths(2400);
    let batch = aiup_catalogue::CatalogueBatch {
        institutions: vec![institution],
        courses: vec![course],
    };
    aiup_app::catalogue::store_and_index(services.db(), app.state.index(), &batch, "test")
        .await
        .expect("import the corrected course");
    let last = cohort.schedule.last_day;
    let pay_to = month_end(last);
    let now = services.today();
    services
        .clock()
        .advance(chrono::Duration::days((pay_to - now).num_days() + 3));
    let course = cohort.stock.course.id.to_string();
    let [first, second] = cohort.enrolments;
    for (i, day) in cohort.training_days_to(last).into_iter().enumerate() {
        let mark = match i {
            0..=2 => Mark::Late,
            3 => Mark::Absent,
            _ => Mark::Present,
        };
        let entries = [
            AttendanceEntry::new(first, mark),
            AttendanceEntry::new(second, Mark::Present),
        ];
        services
            .record_attendance(&cohort.staff, &course, 0, day, &entries)
            .await
            .unwrap_or_else(|e| panic!("record {day}: {e:?}"));
    }
    (cohort, pay_to.format("%Y-%m").to_string())
}

pub(crate) async fn second_admin(app: &TestApp) -> aiup_app::accounts::Actor {
    app.state
        .app
        .accounts()
        .create_user(
            "test",
            NewUser {
                login: "second-admin".into(),
                display_name: "Second admin".into(),
                role: Role::ProgrammeAdmin.as_str().to_owned(),
                scope: None,
                password: Some(Password::new(crate::testkit::TEST_PASSWORD)),
            },
        )
        .await
        .expect("second admin");
    crate::enrolment::actor(&app.state.app, "second-admin").await
}

async fn shots(b: &Browser, name: &str) {
    for width in [390, 1280] {
        b.screenshot(&format!("payroll-{name}-{width}.png"), width).await;
    }
}

async fn current_path(b: &Browser) -> String {
    let url = b.client.current_url().await.expect("url");
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_runner_cannot_approve_a_second_admin_approves_and_exports_a_csv() {
    let Some(b) = Browser::start().await else { return };
    let (_cohort, month) = trained(&b.app).await;
    crate::testkit::create_account(&b.app, Role::ProgrammeAdmin, None).await;
    second_admin(&b.app).await;
    let services = &b.app.state.app;

    // The first administrator runs the month from the page.
    b.goto("/signin?next=%2Fadmin%2Fpayroll").await;
    b.submit_sign_in(Role::ProgrammeAdmin).await;
    assert!(b.text("h1").await.contains("훈련장려금 지급"));
    b.client
        .execute(
            "document.getElementById('month').value = arguments[0];",
            vec![serde_json::json!(month)],
        )
        .await
        .expect("set the month");
    shots(&b, "runs-ko").await;
    b.click_and_wait("run-month").await;
    let path = current_path(&b).await;
    assert!(path.ends_with("?done=run"), "{path}");
    let run_id: i64 = path
        .trim_start_matches("/admin/payroll/")
        .trim_end_matches("?done=run")
        .parse()
        .expect("run id");
    let run = services.db().payroll().run(run_id).await.expect("run").expect("stored");
    assert_eq!((run.month.as_str(), run.status.as_str()), (month.as_str(), "draft"));
    assert!(
        run.lines > 0 && run.total_won > 0,
        "the run pays the cohort's closed periods: {run:?}"
    );
    assert!(b.text("#run-total").await.contains(&Won(run.total_won).to_string()));
    assert!(
        b.client.find(Locator::Id("approve")).await.is_err(),
        "the runner is offered no approval"
    );
    assert!(b.text("#why-not-approve").await.contains("승인할 수 없습니다"));
    assert!(
        b.client.find(Locator::Css("#totals-programme tbody tr")).await.is_ok(),
        "totals by programme"
    );
    assert!(
        b.client.find(Locator::Css("#lines tbody tr")).await.is_ok(),
        "the first lines"
    );
    shots(&b, "run-draft-ko").await;
    // A line's trace.
    let trace = b.attr("#lines tbody tr a", "href").await.expect("trace link");
    b.goto(&trace).await;
    assert!(
        b.client
            .find(Locator::Css(".trace__tree li .trace__label"))
            .await
            .is_ok(),
        "the trace is shown step by step"
    );
    assert!(
        !b.text("#trace-explanation").await.is_empty(),
        "with the engine's explanation"
    );
    shots(&b, "line-trace-ko").await;
    b.goto(&format!("/admin/payroll/{run_id}")).await;
    sign_out(&b).await;

    // The second one approves, then exports.
    b.goto(&format!("/signin?next=%2Fadmin%2Fpayroll%2F{run_id}")).await;
    b.fill("login", "second-admin").await;
    b.fill("password", crate::testkit::TEST_PASSWORD).await;
    let button = b
        .client
        .find(Locator::Css("form[action='/signin'] button[type='submit']"))
        .await
        .expect("sign-in button");
    b.click_element_and_wait(button).await;
    b.click_and_wait("approve").await;
    assert!(current_path(&b).await.ends_with("?done=approved"));
    assert!(b.text("#run-status").await.contains("승인됨"));
    b.click_and_wait("export").await;
    assert!(current_path(&b).await.ends_with("?done=exported"));
    shots(&b, "run-exported-ko").await;
    let href = b.attr("#payment-file", "href").await.expect("payment file link");
    let cookie = b
        .client
        .get_named_cookie("aiup_session")
        .await
        .expect("session cookie")
        .value()
        .to_owned();
    let url = b.url(&href);
    let (content_type, csv) = tokio::task::spawn_blocking(move || {
        let response = ureq::get(&url)
            .set("Cookie", &format!("aiup_session={cookie}"))
            .call()
            .expect("download");
        let kind = response.header("content-type").unwrap_or_default().to_owned();
        (kind, response.into_string().expect("csv body"))
    })
    .await
    .expect("download task");
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    let rows: Vec<Vec<&str>> = csv.lines().skip(1).map(|l| l.split(',').collect()).collect();
    let payments: Vec<&Vec<&str>> = rows.iter().filter(|r| r[0] == "payment").collect();
    let sum: i64 = payments.iter().map(|r| r[7].parse::<i64>().expect("amount")).sum();
    let control = rows
        .iter()
        .find(|r| r[0] == "control_total")
        .expect("control total row");
    assert_eq!(control[7].parse::<i64>().expect("control sum"), sum, "{csv}");
    assert_eq!(
        control[9].parse::<usize>().expect("control count"),
        payments.len(),
        "{csv}"
    );
    assert_eq!(sum, run.total_won);
    assert!(!payments.is_empty(), "the file pays someone");
    let run = services.db().payroll().run(run_id).await.expect("run").expect("stored");
    assert_eq!(run.status, "exported");
    assert_eq!(run.approved_by.as_deref(), Some("second-admin"));
    b.goto(&format!("/admin/payroll/{run_id}?lang=en")).await;
    assert!(b.text("#run-status").await.contains("Exported"));
    shots(&b, "run-exported-en").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_trainee_reads_each_periods_amount_and_every_deduction_with_its_reason() {
    let Some(b) = Browser::start().await else { return };
    let (cohort, month) = trained(&b.app).await;
    let services = &b.app.state.app;
    crate::testkit::create_account(&b.app, Role::ProgrammeAdmin, None).await;
    let runner = crate::enrolment::actor(services, &crate::testkit::login_of(Role::ProgrammeAdmin)).await;
    let approver = second_admin(&b.app).await;
    let done = services.run_payroll(&runner, &month, &|_, _| {}).await.expect("run");
    services.approve_payroll(&approver, done.run.id).await.expect("approve");
    let statements = services.my_statements(&cohort.trainee).await.expect("statements");
    let mine = statements
        .iter()
        .find(|s| s.enrolment.id() == cohort.enrolments[0])
        .expect("the trainee's statement");
    let first = &mine.periods[0];
    assert!(
        first.figures.amount_won > 0,
        "the first period pays: {:?}",
        first.figures
    );
    assert!(!first.deductions.is_empty(), "lateness and the absence are deducted");

    b.goto("/signin?next=%2Fme%2Fstatements").await;
    b.submit_sign_in(Role::Trainee).await;
    let id = format!("#period-{}-{}", cohort.enrolments[0], first.figures.index);
    let section = b.text(&id).await;
    assert!(
        section.contains(&Won(first.figures.amount_won).to_string()),
        "{section}"
    );
    assert!(section.contains(&first.figures.recognised_days().to_string()));
    for d in &first.deductions {
        assert!(
            section.contains(&d.reason.ko),
            "the reason {:?} is shown: {section}",
            d.reason.ko
        );
    }
    assert!(section.contains(&first.state.label().ko), "{section}");
    shots(&b, "statement-ko").await;
    b.goto("/me/statements?lang=en").await;
    let section = b.text(&id).await;
    for d in &first.deductions {
        assert!(
            section.contains(&d.reason.en),
            "the reason {:?} is shown: {section}",
            d.reason.en
        );
    }
    shots(&b, "statement-en").await;
    // The attendance page groups the same days by period, with the same counts.
    b.goto("/me/attendance").await;
    let counts = b
        .text(&format!(
            "#period-{}-{}-counts",
            cohort.enrolments[0], first.figures.index
        ))
        .await;
    assert!(
        counts.contains(&first.figures.recognised_days().to_string()),
        "{counts}"
    );
    shots(&b, "me-attendance-periods-ko").await;
}
