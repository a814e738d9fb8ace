//! Attendance in a real headless Chromium: staff mark one trainee late and another absent on
//! the cohort's sheet, save, and see both back; a correction without a reason is refused with
//! the error beside the reason field and nothing changed. Then the check-in code screen (digits,
//! QR code, its refresh) and the trainee's check-in with that code. Phone (390 px) and desktop
//! (1280 px), Korean and English; screenshots in `target/screenshots/attendance-*`.

use crate::browser::Browser;
use crate::enrolment::{actor, equip, stock, Stock};
use crate::support::TestApp;
use crate::testkit::login_of;
use aiup_app::accounts::{Actor, Role};
use aiup_app::attendance::Schedule;
use aiup_app::enrolment::Decision;
use aiup_people::EnrolmentEvent;
use chrono::NaiveDate;
use fantoccini::Locator;

/// A cohort in training: the fixture's course with two trainees accepted into its first cohort
/// and started, the clock moved to `days_in` days after the cohort's start.
pub(crate) struct InTraining {
    pub stock: Stock,
    pub staff: Actor,
    /// The first trainee (the test account `login_of(Role::Trainee)`, who can sign in) and a
    /// second one.
    pub trainee: Actor,
    pub enrolments: [i64; 2],
    pub schedule: Schedule,
}

impl InTraining {
    /// The cohort's training days from its start up to `to`.
    pub(crate) fn training_days_to(&self, to: NaiveDate) -> Vec<NaiveDate> {
        self.schedule.training_days(self.schedule.first_day, to)
    }

    pub(crate) fn sheet_path(&self) -> String {
        format!(
            "/staff/attendance/{}/0",
            aiup_server::pages::encode_component(self.stock.course.id.as_str())
        )
    }
}

pub(crate) async fn in_training(app: &TestApp, days_in: i64) -> InTraining {
    let stock = stock(app).await;
    let services = &app.state.app;
    crate::testkit::create_account(app, Role::Trainee, None).await;
    let trainee = actor(services, &login_of(Role::Trainee)).await;
    equip(services, &trainee, Some(3_000_000)).await;
    let second = crate::enrolment::trainee(services, "second-trainee", Some(3_000_000)).await;
    let staff = actor(services, &login_of(Role::InstitutionStaff)).await;
    let course = stock.course.id.to_string();
    let mut enrolments = [0; 2];
    for (i, who) in [&trainee, &second].into_iter().enumerate() {
        let applied = services.apply(who, &course, 0, &stock.programme).await.expect("apply");
        services
            .decide(&staff, applied.id(), Decision::Accept)
            .await
            .expect("accept");
        enrolments[i] = applied.id();
    }
    let start = stock.course.cohorts[0].start_date;
    let today = services.today();
    services
        .clock()
        .advance(chrono::Duration::days((start - today).num_days() + days_in));
    for id in enrolments {
        services
            .staff_step(&staff, id, EnrolmentEvent::Start, "")
            .await
            .expect("start training");
    }
    let sheet = services
        .attendance_sheet(&staff, &course, 0, services.today())
        .await
        .expect("sheet");
    InTraining {
        stock,
        staff,
        trainee,
        enrolments,
        schedule: sheet.schedule,
    }
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

pub(crate) async fn sign_out(b: &Browser) {
    let out = b
        .client
        .find(Locator::Css(".account-menu button[type='submit']"))
        .await
        .expect("sign-out button");
    b.click_element_and_wait(out).await;
}

async fn shots(b: &Browser, name: &str) {
    for width in [390, 1280] {
        b.screenshot(&format!("attendance-{name}-{width}.png"), width).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_mark_late_and_absent_then_a_correction_without_reason_is_refused_beside_its_field() {
    let Some(b) = Browser::start().await else { return };
    let cohort = in_training(&b.app, 10).await;
    let services = &b.app.state.app;
    let [late, absent] = cohort.enrolments;
    let day = *cohort
        .training_days_to(services.today())
        .last()
        .expect("a training day has passed");
    let sheet = format!("{}?day={day}", cohort.sheet_path());

    b.goto(&format!(
        "/signin?next={}",
        aiup_server::pages::encode_component(&sheet)
    ))
    .await;
    b.submit_sign_in(Role::InstitutionStaff).await;
    assert!(b.text("h1").await.contains("출결 기록부"));
    assert!(b.text("h1").await.contains(&day.to_string()));
    shots(&b, "sheet-empty-ko").await;

    choose(&b, &format!("mark-{late}"), "late").await;
    choose(&b, &format!("mark-{absent}"), "absent").await;
    b.client
        .find(Locator::Id(&format!("meal-{late}")))
        .await
        .expect("meal box")
        .click()
        .await
        .expect("tick the meal");
    b.click_and_wait("save-sheet").await;
    assert!(
        b.text("#sheet-notice").await.contains("새 기록 2건"),
        "{}",
        b.text("#sheet-notice").await
    );
    assert!(b.text(&format!("#stored-{late}")).await.contains("지각"));
    assert!(b.text(&format!("#stored-{absent}")).await.contains("결석"));
    assert_eq!(
        b.value(&format!("mark-{late}")).await,
        "late",
        "the sheet shows the saved mark"
    );
    // The services hold what the page showed.
    let stored = services
        .attendance_sheet(&cohort.staff, cohort.stock.course.id.as_str(), 0, day)
        .await
        .expect("sheet");
    let of = |id: i64| stored.rows.iter().find(|r| r.enrolment.id() == id).and_then(|r| r.day);
    let late_day = of(late).expect("late recorded");
    assert!(late_day.late && late_day.meal);
    assert_eq!(
        of(absent).map(|d| d.status),
        Some(aiup_rules::attendance::DayStatus::Absent)
    );
    shots(&b, "sheet-saved-ko").await;

    // Absent → present is a correction: without a reason it is refused beside the reason field.
    choose(&b, &format!("mark-{absent}"), "present").await;
    b.click_and_wait("save-sheet").await;
    let error = b.text(&format!("#reason-{absent}-error")).await;
    assert!(error.contains("사유"), "{error}");
    assert!(b.text(".error-summary").await.contains("사유"));
    assert_eq!(
        b.attr(&format!("#reason-{absent}"), "aria-invalid").await.as_deref(),
        Some("true")
    );
    assert_eq!(
        b.value(&format!("mark-{absent}")).await,
        "present",
        "what was typed stays"
    );
    shots(&b, "sheet-correction-error-ko").await;
    let after = services
        .attendance_sheet(&cohort.staff, cohort.stock.course.id.as_str(), 0, day)
        .await
        .expect("sheet");
    assert_eq!(
        after
            .rows
            .iter()
            .find(|r| r.enrolment.id() == absent)
            .and_then(|r| r.day)
            .map(|d| d.status),
        Some(aiup_rules::attendance::DayStatus::Absent),
        "nothing changed"
    );

    // With a reason it is saved as a correction.
    b.fill(&format!("reason-{absent}"), "출석부 확인 결과 출석").await;
    b.click_and_wait("save-sheet").await;
    assert!(b.text("#sheet-notice").await.contains("정정 1건"));
    assert!(b.text(&format!("#stored-{absent}")).await.contains("출석"));

    // A CSV with three bad rows among good ones: all three listed, nothing stored.
    let days = cohort.training_days_to(day);
    let earlier = days[days.len() - 2];
    let csv = format!(
        "date,enrolment_id,mark\n{earlier},{late},present\n{earlier},{absent},maybe\n{earlier},999999,present\n2099-01-05,{late},present\n"
    );
    b.fill("csv", &csv).await;
    b.click_and_wait("upload-csv").await;
    let listed = b.client.find_all(Locator::Css("#csv-rows li")).await.expect("bad rows");
    assert_eq!(listed.len(), 3, "{}", b.text("#csv-error").await);
    assert!(b.text("#csv-error").await.contains("줄 3"), "rows are named by line");
    assert_eq!(
        b.value("csv").await.trim_end(),
        csv.trim_end(),
        "the pasted text stays to fix"
    );
    shots(&b, "sheet-csv-error-ko").await;
    let untouched = services
        .attendance_sheet(&cohort.staff, cohort.stock.course.id.as_str(), 0, earlier)
        .await
        .expect("sheet");
    assert!(
        untouched.rows.iter().all(|r| r.day.is_none()),
        "nothing stored from a bad file"
    );

    // English, and the day navigation.
    b.goto(&format!("{sheet}&lang=en")).await;
    assert!(b.text("h1").await.contains("Attendance sheet"));
    assert!(b.text(&format!("#stored-{late}")).await.contains("Late"));
    assert!(
        b.client.find(Locator::Id("previous-day")).await.is_ok(),
        "a previous training day is linked"
    );
    shots(&b, "sheet-en").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_code_screen_shows_digits_and_a_qr_code_and_the_trainee_checks_in_with_them() {
    let Some(b) = Browser::start().await else { return };
    let cohort = in_training(&b.app, 0).await;
    let services = &b.app.state.app;
    // Move to the first training day from the start, at 09:05 in Seoul (00:05 UTC).
    let first = cohort.training_days_to(cohort.schedule.last_day)[0];
    let now = services.clock().now();
    let target = first.and_hms_opt(0, 5, 0).expect("time").and_utc();
    services.clock().advance(target - now);
    assert_eq!(services.today(), first);

    let code_path = format!("{}/code", cohort.sheet_path());
    b.goto(&format!(
        "/signin?next={}",
        aiup_server::pages::encode_component(&code_path)
    ))
    .await;
    b.submit_sign_in(Role::InstitutionStaff).await;
    let shown = b.text("#checkin-digits").await.replace(' ', "");
    let code = services
        .checkin_code(&cohort.staff, cohort.stock.course.id.as_str(), 0)
        .await
        .expect("code");
    assert_eq!(shown, code.digits);
    let qr = b
        .client
        .find(Locator::Css("svg#checkin-qr[role='img'] title"))
        .await
        .expect("the QR code has a text alternative");
    assert!(qr.html(true).await.expect("title").contains(&shown[..3]));
    assert!(b.text("#checkin-link").await.contains(&format!("code={}", code.digits)));
    let refresh = b
        .client
        .find(Locator::Css("meta[http-equiv='refresh']"))
        .await
        .expect("the screen refreshes itself")
        .attr("content")
        .await
        .expect("content")
        .unwrap_or_default();
    let seconds: i64 = refresh.parse().expect("seconds");
    assert!((2..=60).contains(&seconds), "{refresh}");
    shots(&b, "code-ko").await;
    b.goto(&format!("{code_path}?refresh=off&lang=en")).await;
    assert!(
        b.client.find(Locator::Css("meta[http-equiv='refresh']")).await.is_err(),
        "refresh can be turned off"
    );
    shots(&b, "code-en").await;
    sign_out(&b).await;

    // The trainee opens the QR code's link, confirms, and is checked in.
    let check = format!("/me/attendance/check?code={}", code.digits);
    b.goto(&format!(
        "/signin?next={}",
        aiup_server::pages::encode_component(&check)
    ))
    .await;
    b.submit_sign_in(Role::Trainee).await;
    assert_eq!(b.value("code").await, code.digits);
    b.click_and_wait("check-in").await;
    assert!(b.text("#checkin-notice").await.contains("입실"));
    let row = b.text(&format!("#day-{first}")).await;
    assert!(row.contains("퇴실 미기록"), "a day without its exit is flagged: {row}");
    shots(&b, "me-ko").await;
    // The same code again is refused beside the code field.
    b.fill("code", &code.digits).await;
    b.click_and_wait("check-in").await;
    assert!(
        b.client.find(Locator::Id("code-error")).await.is_ok(),
        "a reused code is refused"
    );
    b.goto("/me/attendance?lang=en").await;
    assert!(b.text(&format!("#day-{first}")).await.contains("No exit record"));
    shots(&b, "me-en").await;
}

/// Record-level access over HTTP, without a browser: staff of the course's institution reach
/// its sheet and its post; the same staff asking for another institution's
/// cohort get 404 and nothing is written; a trainee is refused the staff pages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_institutions_cohort_does_not_exist_for_staff_and_a_save_there_changes_nothing() {
    use crate::testkit::{request, sign_in};
    let app = crate::support::spawn_app().await;
    let cohort = in_training(&app, 10).await;
    let services = &app.state.app;
    let day = *cohort
        .training_days_to(services.today())
        .last()
        .expect("a training day");
    let staff = sign_in(&app, Role::InstitutionStaff).await;
    let cookie = Some(format!("aiup_session={}", staff.cookie));
    let own = format!("{}{}?day={day}", app.base_url, cohort.sheet_path());
    assert_eq!(request("GET", own, cookie.clone(), None, None).await.status, 200);
    let other = cohort.stock.other_institution_course.id.to_string();
    let other_sheet = format!("/staff/attendance/{}/0", aiup_server::pages::encode_component(&other));
    for path in [format!("{other_sheet}?day={day}"), format!("{other_sheet}/code")] {
        let answer = request("GET", format!("{}{path}", app.base_url), cookie.clone(), None, None).await;
        assert_eq!(
            answer.status,
            404,
            "{path}: {}",
            answer.body.chars().take(200).collect::<String>()
        );
    }
    let form = vec![
        ("csrf".to_owned(), staff.csrf.clone()),
        ("day".to_owned(), day.to_string()),
        (format!("mark-{}", cohort.enrolments[0]), "absent".to_owned()),
    ];
    let answer = request(
        "POST",
        format!("{}{other_sheet}", app.base_url),
        cookie.clone(),
        None,
        Some(form),
    )
    .await;
    assert_eq!(answer.status, 404);
    let sheet = services
        .attendance_sheet(&cohort.staff, cohort.stock.course.id.as_str(), 0, day)
        .await
        .expect("sheet");
    assert!(
        sheet.rows.iter().all(|r| r.day.is_none()),
        "nothing was written anywhere"
    );
    // The right cohort with the same form saves.
    let form = vec![
        ("csrf".to_owned(), staff.csrf),
        ("day".to_owned(), day.to_string()),
        (format!("mark-{}", cohort.enrolments[0]), "absent".to_owned()),
    ];
    let answer = request(
        "POST",
        format!("{}{}", app.base_url, cohort.sheet_path()),
        cookie,
        None,
        Some(form),
    )
    .await;
    assert_eq!(
        answer.status,
        303,
        "{}",
        answer.body.chars().take(300).collect::<String>()
    );
    assert!(
        answer.location.as_deref().is_some_and(|l| l.contains("recorded=1")),
        "{:?}",
        answer.location
    );
    // A trainee is refused the staff pages (the route table), even for their own cohort.
    let trainee = sign_in(&app, Role::Trainee).await;
    let answer = request(
        "GET",
        format!("{}{}/code", app.base_url, cohort.sheet_path()),
        Some(format!("aiup_session={}", trainee.cookie)),
        None,
        None,
    )
    .await;
    assert_eq!(answer.status, 403);
}
