//! Attendance through the services, on SQLite and PostgreSQL: staff record one trainee and the
//! whole cohort, correct with a reason, upload a CSV; trainees check in and out with the code of
//! the minute and read their days. Every refusal names its code and field and leaves the store
//! exactly as it was.

use aiup_app::accounts::{Actor, Role};
use aiup_app::attendance::{AttendanceEntry, Direction, Mark, Recorded, Schedule, MAX_FAILED_CODES};
use aiup_app::enrolment::{Decision, DecisionDone};
use aiup_app::{App, AppError, Code};
use aiup_people::EnrolmentEvent;
use aiup_rules::attendance::{DayStatus, ExcuseKind};
use aiup_store::testing::{raw_i64, raw_text};
use aiup_store::{Database, NewAccount};
use chrono::{Duration, NaiveDate};

use crate::enrolment::{actor, fixture_on, postgres_fixture, trainee, Fixture};

/// Everything attendance may write: audit events, months (and their versions), corrections and
/// used codes. A refusal leaves all of them as they were.
async fn counts(db: &Database) -> Vec<i64> {
    let mut out = Vec::new();
    for sql in [
        "SELECT COUNT(*) FROM audit_events",
        "SELECT COUNT(*) FROM attendance_months",
        "SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM attendance_months",
        "SELECT COUNT(*) FROM attendance_corrections",
        "SELECT COUNT(*) FROM checkin_uses",
    ] {
        out.push(raw_i64(db, sql).await.expect(sql));
    }
    out
}

/// Asserts a refusal's code and field, and that nothing changed.
async fn refused<T: std::fmt::Debug>(
    db: &Database,
    before: &[i64],
    result: Result<T, AppError>,
    code: Code,
    field: Option<&str>,
) -> AppError {
    let e = result.expect_err("a refusal");
    assert_eq!(e.code, code, "{e}");
    assert_eq!(e.field.as_deref(), field, "{e}");
    assert!(
        e.message_ko.is_some() || matches!(code, Code::NotFound | Code::Forbidden),
        "Korean message: {e}"
    );
    assert_eq!(counts(db).await, before, "nothing may change on {e}");
    e
}

/// The fixture's first cohort with two trainees in training (Kim, Lee), one applicant who was
/// never accepted (Park), the clock moved into training on a training day with at least four
/// training days behind it.
struct World {
    f: Fixture,
    staff: Actor,
    other_staff: Actor,
    kim: Actor,
    lee: Actor,
    kim_id: i64,
    lee_id: i64,
    park_id: i64,
    course: String,
    other_course: String,
    schedule: Schedule,
}

impl World {
    fn app(&self) -> &App {
        &self.f.app.state.app
    }

    fn db(&self) -> &Database {
        self.app().db()
    }

    /// Training days so far, before today.
    fn past_days(&self) -> Vec<NaiveDate> {
        let today = self.app().today();
        self.schedule
            .training_days(self.schedule.first_day, today)
            .into_iter()
            .filter(|d| *d < today)
            .collect()
    }
}

async fn world(f: Fixture) -> World {
    let app = &f.app.state.app;
    let course = f.course.id.to_string();
    let other_course = f.other_institution_course.id.to_string();
    let staff = actor(app, &crate::testkit::login_of(Role::InstitutionStaff)).await;
    let other = app
        .db()
        .accounts()
        .create(
            &NewAccount {
                login: "staff-elsewhere".into(),
                display_name: "다른 기관".into(),
                role: "institution_staff".into(),
                scope: Some(f.other_institution_course.institution.to_string()),
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$unused".into(),
            },
            "test",
        )
        .await
        .expect("other staff");
    let other_staff = actor(app, &other.login).await;
    let kim = trainee(app, "kim", Some(3_000_000)).await;
    let lee = trainee(app, "lee", Some(3_000_000)).await;
    let park = trainee(app, "park", Some(3_000_000)).await;
    let mut ids = Vec::new();
    for who in [&kim, &lee] {
        let applied = app.apply(who, &course, 0, &f.programme).await.expect("apply");
        let DecisionDone::Accepted(_) = app
            .decide(&staff, applied.id(), Decision::Accept)
            .await
            .expect("accept")
        else {
            panic!("expected acceptance")
        };
        ids.push(applied.id());
    }
    let park_id = app.apply(&park, &course, 0, &f.programme).await.expect("apply").id();
    let schedule = Schedule::of(&f.course, &f.course.cohorts[0]);
    // Into training: a training day with at least four training days before it.
    app.clock()
        .advance(Duration::days((schedule.first_day - app.today()).num_days()));
    while !(schedule.is_training_day(app.today()) && schedule.training_days(schedule.first_day, app.today()).len() >= 5)
    {
        app.clock().advance(Duration::days(1));
    }
    assert!(app.today() < schedule.last_day, "the cohort runs on");
    for id in &ids {
        app.staff_step(&staff, *id, EnrolmentEvent::Start, "")
            .await
            .expect("start");
    }
    World {
        staff,
        other_staff,
        kim,
        lee,
        kim_id: ids[0],
        lee_id: ids[1],
        park_id,
        course,
        other_course,
        schedule,
        f,
    }
}

async fn recording_and_corrections(w: World) {
    let app = w.app();
    let db = w.db();
    let days = w.past_days();
    let (d1, d2) = (days[0], days[1]);
    let today = app.today();

    // The whole cohort in one batch: one audit event, one month row each.
    let before = counts(db).await;
    let mut late = AttendanceEntry::new(w.lee_id, Mark::Late);
    late.check_in = Some(9 * 60 + 20);
    let done = app
        .record_attendance(
            &w.staff,
            &w.course,
            0,
            d1,
            &[AttendanceEntry::new(w.kim_id, Mark::Present), late],
        )
        .await
        .expect("record the cohort");
    assert_eq!(
        done,
        Recorded {
            recorded: 2,
            corrected: 0,
            unchanged: 0
        }
    );
    let after = counts(db).await;
    assert_eq!(after[0], before[0] + 1, "one audit event for the batch");
    assert_eq!(after[1], before[1] + 2, "one month row per trainee");
    let sheet = app.attendance_sheet(&w.staff, &w.course, 0, d1).await.expect("sheet");
    assert!(sheet.training_day && sheet.has_come && sheet.recordable());
    let row = |id: i64| sheet.rows.iter().find(|r| r.enrolment.id() == id).expect("row");
    assert_eq!(row(w.kim_id).day.map(|d| d.status), Some(DayStatus::Attended));
    assert!(row(w.lee_id).day.expect("lee").late);
    assert_eq!(row(w.lee_id).day.expect("lee").check_in, Some(560));
    let park = sheet.rows.iter().find(|r| r.enrolment.id() == w.park_id);
    assert!(park.is_none(), "an applicant is not on the sheet");

    // Refusals, each naming its field, nothing written.
    let before = counts(db).await;
    let present = [AttendanceEntry::new(w.kim_id, Mark::Present)];
    let before_start = w.schedule.first_day - Duration::days(1);
    let e = refused(
        db,
        &before,
        app.record_attendance(&w.staff, &w.course, 0, before_start, &present)
            .await,
        Code::OutsideCourseDates,
        Some("day"),
    )
    .await;
    assert!(e.message.contains("outside the course dates"), "{e}");
    let weekend = w
        .schedule
        .first_day
        .iter_days()
        .find(|d| !w.schedule.is_training_day(*d))
        .expect("a day off");
    refused(
        db,
        &before,
        app.record_attendance(&w.staff, &w.course, 0, weekend, &present).await,
        Code::OutsideCourseDates,
        Some("day"),
    )
    .await;
    let tomorrow = today + Duration::days(1);
    let e = refused(
        db,
        &before,
        app.record_attendance(&w.staff, &w.course, 0, tomorrow, &present).await,
        Code::FutureDay,
        Some("day"),
    )
    .await;
    assert!(e.message_in(true).contains("아직"), "{e}");
    let stranger = [
        AttendanceEntry::new(w.kim_id, Mark::Present),
        AttendanceEntry::new(w.park_id, Mark::Present),
    ];
    refused(
        db,
        &before,
        app.record_attendance(&w.staff, &w.course, 0, d2, &stranger).await,
        Code::NotInCohort,
        Some("entries[1].enrolment_id"),
    )
    .await;
    let mut excused = AttendanceEntry::new(w.kim_id, Mark::Excused);
    refused(
        db,
        &before,
        app.record_attendance(&w.staff, &w.course, 0, d2, &[excused.clone()])
            .await,
        Code::InvalidField,
        Some("entries[0].excuse"),
    )
    .await;
    // Staff of another institution: the cohort does not exist for them; a trainee may not record.
    refused(
        db,
        &before,
        app.record_attendance(&w.other_staff, &w.course, 0, d2, &present).await,
        Code::NotFound,
        None,
    )
    .await;
    refused(
        db,
        &before,
        app.attendance_sheet(&w.other_staff, &w.course, 0, d2).await,
        Code::NotFound,
        None,
    )
    .await;
    refused(
        db,
        &before,
        app.record_attendance(&w.kim, &w.course, 0, d2, &present).await,
        Code::Forbidden,
        None,
    )
    .await;

    let nobody: [AttendanceEntry; 0] = [];
    refused(
        db,
        &before,
        app.record_attendance(&w.staff, &w.course, 0, d2, &nobody).await,
        Code::MissingField,
        Some("entries"),
    )
    .await;

    // A correction needs a reason, and evidence for an illness.
    let absent = [AttendanceEntry::new(w.kim_id, Mark::Absent)];
    refused(
        db,
        &before,
        app.record_attendance(&w.staff, &w.course, 0, d1, &absent).await,
        Code::CorrectionReasonRequired,
        Some("entries[0].reason"),
    )
    .await;
    excused.excuse = Some(ExcuseKind::Illness);
    excused.reason = Some("병원 진료".into());
    refused(
        db,
        &before,
        app.record_attendance(&w.staff, &w.course, 0, d1, &[excused.clone()])
            .await,
        Code::CorrectionReasonRequired,
        Some("entries[0].evidence"),
    )
    .await;
    // The same mark again changes nothing and writes nothing.
    let again = app
        .record_attendance(&w.staff, &w.course, 0, d1, &present)
        .await
        .expect("same again");
    assert_eq!(
        again,
        Recorded {
            recorded: 0,
            corrected: 0,
            unchanged: 1
        }
    );
    assert_eq!(counts(db).await, before);

    excused.evidence = Some("진단서 (2026-01)".into());
    let done = app
        .record_attendance(&w.staff, &w.course, 0, d1, &[excused])
        .await
        .expect("correct");
    assert_eq!(done.corrected, 1);
    let corrections = app
        .attendance_corrections(&w.staff, w.kim_id)
        .await
        .expect("corrections");
    assert_eq!(corrections.len(), 1);
    assert_eq!(corrections[0].old["status"], "attended");
    assert_eq!(corrections[0].new["status"], "excused");
    assert_eq!(corrections[0].reason, "병원 진료");
    let detail = raw_text(
        db,
        "SELECT CAST(detail AS TEXT) FROM audit_events WHERE action = 'attendance.correct' ORDER BY id DESC LIMIT 1",
    )
    .await
    .expect("audit");
    let detail: serde_json::Value = serde_json::from_str(&detail).expect("json");
    assert_eq!(
        detail["corrections"][0]["old"]["status"], "attended",
        "the audit keeps the old value"
    );

    // The trainee sees their own days, and no one else's.
    let mine = app.my_attendance(&w.kim).await.expect("mine");
    assert_eq!(mine.len(), 1);
    let a = &mine[0];
    assert_eq!(
        a.days.len(),
        w.schedule.training_days(w.schedule.first_day, today).len()
    );
    assert_eq!(
        a.days
            .iter()
            .find(|l| l.date == d1)
            .and_then(|l| l.record)
            .map(|d| d.status),
        Some(DayStatus::Excused)
    );
    assert_eq!(a.tally.excused, 1);
    assert_eq!(a.tally.unrecorded, a.tally.training_days - 1);
    assert!(!a.periods.is_empty(), "the rules count the periods");
    assert_eq!(a.periods[0].excused_counted, 1);
    refused(
        db,
        &counts(db).await,
        app.enrolment_attendance(&w.lee, w.kim_id).await,
        Code::NotFound,
        None,
    )
    .await;
    refused(
        db,
        &counts(db).await,
        app.attendance_corrections(&w.lee, w.kim_id).await,
        Code::NotFound,
        None,
    )
    .await;
}

async fn csv_upload(w: World) {
    let app = w.app();
    let db = w.db();
    let days = w.past_days();
    let tomorrow = app.today() + Duration::days(1);
    // Three bad rows (a mark that does not exist, a trainee not in the cohort, a future day)
    // among good ones: all three listed, nothing stored.
    let file = format!(
        "date,enrolment_id,mark,excuse,check_in,meal\n\
         {d0},{kim},출석,,09:00,예\n\
         {d0},{lee},maybe,,,\n\
         {d0},{park},결석,,,\n\
         {tomorrow},{kim},출석,,,\n\
         {d1},{kim},공가,예비군·민방위 훈련,,\n",
        d0 = days[0],
        d1 = days[1],
        kim = w.kim_id,
        lee = w.lee_id,
        park = w.park_id,
    );
    let before = counts(db).await;
    let e = app
        .import_attendance_csv(&w.staff, &w.course, 0, file.as_bytes())
        .await
        .expect_err("bad rows");
    assert_eq!(e.error.code, Code::InvalidAttendanceCsv);
    assert_eq!(e.error.field.as_deref(), Some("file"));
    let lines: Vec<(usize, &str, Code)> = e.rows.iter().map(|r| (r.line, r.column.as_str(), r.code)).collect();
    assert_eq!(
        lines,
        [
            (3, "mark", Code::InvalidField),
            (4, "enrolment_id", Code::NotInCohort),
            (5, "date", Code::FutureDay)
        ]
    );
    assert!(e.error.message.starts_with("3 bad rows"), "{}", e.error.message);
    assert!(
        e.error.message_in(true).contains("3개 행"),
        "{}",
        e.error.message_in(true)
    );
    assert_eq!(counts(db).await, before, "nothing stored");

    // Another institution's staff: not found, before the file is even read.
    let e = app
        .import_attendance_csv(&w.other_staff, &w.course, 0, file.as_bytes())
        .await
        .expect_err("outsider");
    assert_eq!((e.error.code, e.rows.len()), (Code::NotFound, 0));

    let good = format!(
        "date,enrolment_id,mark,excuse,meal\n{d0},{kim},출석,,예\n{d0},{lee},지각+조퇴,,\n{d1},{kim},공가,예비군·민방위 훈련,\n",
        d0 = days[0],
        d1 = days[1],
        kim = w.kim_id,
        lee = w.lee_id,
    );
    let done = app
        .import_attendance_csv(&w.staff, &w.course, 0, good.as_bytes())
        .await
        .expect("import");
    assert_eq!(done.recorded, 3);
    assert_eq!(counts(db).await[0], before[0] + 1, "one batch, one audit event");
    let sheet = app
        .attendance_sheet(&w.staff, &w.course, 0, days[0])
        .await
        .expect("sheet");
    let lee = sheet
        .rows
        .iter()
        .find(|r| r.enrolment.id() == w.lee_id)
        .and_then(|r| r.day)
        .expect("lee");
    assert_eq!(lee.tardies(), 2);
    let kim = sheet
        .rows
        .iter()
        .find(|r| r.enrolment.id() == w.kim_id)
        .and_then(|r| r.day)
        .expect("kim");
    assert!(kim.meal);
}

async fn check_in_codes(w: World) {
    let app = w.app();
    let db = w.db();
    let code = app.checkin_code(&w.staff, &w.course, 0).await.expect("code");
    assert_eq!(code.digits.len(), 6);
    assert!(code.payload.contains(&code.digits) && code.payload.starts_with(aiup_app::attendance::CHECK_PATH));
    assert!(code.valid_until > app.clock().now());
    // Only staff of the institution see the code.
    let before = counts(db).await;
    refused(
        db,
        &before,
        app.checkin_code(&w.other_staff, &w.course, 0).await,
        Code::NotFound,
        None,
    )
    .await;
    refused(
        db,
        &before,
        app.checkin_code(&w.kim, &w.course, 0).await,
        Code::Forbidden,
        None,
    )
    .await;

    // A code of another cohort (another institution's course), and a wrong code: refused.
    let elsewhere = app
        .checkin_code(&w.other_staff, &w.other_course, 0)
        .await
        .expect("other code");
    if elsewhere.digits != code.digits {
        refused(
            db,
            &before,
            app.check_in(&w.kim, &elsewhere.digits, Direction::In).await,
            Code::InvalidCheckinCode,
            Some("code"),
        )
        .await;
    }
    refused(
        db,
        &before,
        app.check_in(&w.kim, "12345", Direction::In).await,
        Code::InvalidCheckinCode,
        Some("code"),
    )
    .await;
    refused(
        db,
        &before,
        app.check_in(&w.kim, &code.digits, Direction::Out).await,
        Code::InvalidTransition,
        Some("direction"),
    )
    .await;

    // Arrival: an incomplete day until the exit is recorded.
    let arrived = app.check_in(&w.kim, &code.digits, Direction::In).await.expect("in");
    assert_eq!(arrived.enrolment.id(), w.kim_id);
    assert_eq!(arrived.day.status, DayStatus::Incomplete);
    assert!(arrived.day.by_code && arrived.day.check_in.is_some());
    let after_in = counts(db).await;
    assert_eq!(after_in[4], before[4] + 1, "the code's use is kept");
    // The same code again: used.
    refused(
        db,
        &after_in,
        app.check_in(&w.kim, &code.digits, Direction::In).await,
        Code::CheckinCodeUsed,
        Some("code"),
    )
    .await;
    let sheet = app
        .attendance_sheet(&w.staff, &w.course, 0, app.today())
        .await
        .expect("sheet");
    let kim = sheet
        .rows
        .iter()
        .find(|r| r.enrolment.id() == w.kim_id)
        .and_then(|r| r.day)
        .expect("kim");
    assert_eq!(
        kim.status,
        DayStatus::Incomplete,
        "shown as incomplete, not silently absent"
    );
    let mine = app.my_attendance(&w.kim).await.expect("mine");
    assert_eq!((mine[0].tally.incomplete, mine[0].tally.absent), (1, 0));
    let open = mine[0]
        .periods
        .iter()
        .find(|p| p.start <= app.today() && app.today() <= p.end)
        .expect("this period");
    assert_eq!(open.incomplete_days, 1);
    // Only once its period has closed does a day without an exit count as an absence.
    let expected = if open.closed {
        open.incomplete_days + open.unrecorded_days
    } else {
        0
    };
    assert_eq!(open.absences, expected);

    // Two minutes later the code has expired.
    app.clock().advance(Duration::minutes(2));
    refused(
        db,
        &after_in,
        app.check_in(&w.lee, &code.digits, Direction::In).await,
        Code::InvalidCheckinCode,
        Some("code"),
    )
    .await;

    // Exit with the new code: an attended day.
    let fresh = app.checkin_code(&w.staff, &w.course, 0).await.expect("fresh code");
    assert_ne!(fresh.window, code.window);
    let left = app.check_in(&w.kim, &fresh.digits, Direction::Out).await.expect("out");
    assert_eq!(left.day.status, DayStatus::Attended);
    assert!(left.day.check_out >= left.day.check_in);
    // Staff's record of a day is theirs: a code does not change it.
    app.record_attendance(
        &w.staff,
        &w.course,
        0,
        app.today(),
        &[AttendanceEntry::new(w.lee_id, Mark::Absent)],
    )
    .await
    .expect("staff record");
    let before = counts(db).await;
    refused(
        db,
        &before,
        app.check_in(&w.lee, &fresh.digits, Direction::In).await,
        Code::Conflict,
        None,
    )
    .await;

    // Guessing is slowed down: after a few wrong codes even the right one waits.
    let before = counts(db).await;
    let right: u32 = fresh.digits.parse().expect("digits");
    let mut wrong_answers = 0;
    let mut limited = None;
    for k in 1..=MAX_FAILED_CODES + 1 {
        let guess = format!("{:06}", (right + k) % 1_000_000);
        match app.check_in(&w.lee, &guess, Direction::In).await {
            Err(e) if e.code == Code::InvalidCheckinCode => wrong_answers += 1,
            Err(e) => {
                limited = Some(e);
                break;
            }
            Ok(done) => panic!("a guess was taken: {done:?}"),
        }
    }
    let e = limited.expect("the guesses were limited");
    assert_eq!((e.code, e.field.as_deref()), (Code::TooManyAttempts, Some("code")));
    assert!(wrong_answers <= MAX_FAILED_CODES);
    refused(
        db,
        &before,
        app.check_in(&w.lee, &fresh.digits, Direction::In).await,
        Code::TooManyAttempts,
        Some("code"),
    )
    .await;
}

/// Two staff writing the same trainee-month at once: both days are kept (no lost update).
async fn concurrent_writes(w: World) {
    let app = w.app();
    let days = w.past_days();
    let month_of = aiup_people::attendance::month_of;
    let (a, b) = days
        .windows(2)
        .map(|p| (p[0], p[1]))
        .find(|(a, b)| month_of(*a) == month_of(*b))
        .expect("two training days in one month");
    let one = [AttendanceEntry::new(w.kim_id, Mark::Present)];
    let two = [AttendanceEntry::new(w.kim_id, Mark::Absent)];
    let (first, second) = tokio::join!(
        app.record_attendance(&w.staff, &w.course, 0, a, &one),
        app.record_attendance(&w.staff, &w.course, 0, b, &two),
    );
    first.expect("first writer");
    second.expect("second writer");
    let mine = app.my_attendance(&w.kim).await.expect("mine");
    let status = |d: NaiveDate| {
        mine[0]
            .days
            .iter()
            .find(|l| l.date == d)
            .and_then(|l| l.record)
            .map(|r| r.status)
    };
    assert_eq!(status(a), Some(DayStatus::Attended));
    assert_eq!(status(b), Some(DayStatus::Absent));
    let month = month_of(a);
    let version = raw_i64(
        w.db(),
        &format!(
            "SELECT version FROM attendance_months WHERE enrolment_id = {} AND month = '{month}'",
            w.kim_id
        ),
    )
    .await
    .expect("version");
    assert_eq!(version, 2, "two writes, one after the other");
}

/// The world on `f`, or on a fresh SQLite fixture.
async fn on(db: Option<Fixture>) -> World {
    let f = match db {
        Some(f) => f,
        None => fixture_on(None).await,
    };
    world(f).await
}

macro_rules! both {
    ($test:ident, $sqlite:ident, $postgres:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $sqlite() {
            $test(on(None).await).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $postgres() {
            let Some(f) = postgres_fixture().await else { return };
            $test(on(Some(f)).await).await;
        }
    };
}

both!(
    recording_and_corrections,
    recording_and_corrections_on_sqlite,
    recording_and_corrections_on_postgres
);
both!(csv_upload, csv_upload_on_sqlite, csv_upload_on_postgres);
both!(check_in_codes, check_in_codes_on_sqlite, check_in_codes_on_postgres);
both!(
    concurrent_writes,
    concurrent_writes_on_sqlite,
    concurrent_writes_on_postgres
);
