//! The payroll through the services, on SQLite and PostgreSQL: a second run writes nothing, a
//! late correction gives exactly one adjustment line and leaves the paid line alone, the runner
//! cannot approve (and nothing changes), the payment file's control total is its sum, a trainee
//! cannot read another's statement, and two runs of one month at once never pay twice.

use std::collections::BTreeMap;

use aiup_app::accounts::{Actor, Role};
use aiup_app::enrolment::{Decision, DecisionDone};
use aiup_app::{App, Code};
use aiup_catalogue::{CatalogueBatch, Cohort, Hours};
use aiup_people::attendance::{month_of, MonthSheet};
use aiup_people::EnrolmentEvent;
use aiup_rules::attendance::Day;
use aiup_store::testing::raw_i64;
use aiup_store::{AttendanceWrite, MonthWrite, NewAccount, NewApplication, NewCorrection};
use chrono::{Datelike, NaiveDate};
use serde_json::Value;

use crate::support::{spawn_app, spawn_app_on, TestApp};

pub fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

/// The golden three-month journey (RULES: tests/golden/payroll/journey-3-months.json).
pub fn journey_golden() -> Value {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden/payroll/journey-3-months.json");
    serde_json::from_str(&std::fs::read_to_string(&path).expect("golden file")).expect("golden JSON")
}

/// The golden journey's days as records.
pub fn golden_days(golden: &Value) -> BTreeMap<NaiveDate, Option<Day>> {
    golden["days"]
        .as_object()
        .expect("days")
        .iter()
        .map(|(date, tokens)| {
            let day = Day::from_tokens(tokens.as_str().expect("tokens")).expect("day tokens");
            (d(date), day)
        })
        .collect()
}

/// An app with the golden journey's course (kdt-general, Busan 해운대구, 2026-04-15 to
/// 2026-07-14, 8 h a day, 496 h), its institution's staff, two programme administrators, and
/// `trainees` trainees in training on it.
pub struct World {
    pub app: TestApp,
    _postgres: Option<aiup_store::testing::PostgresTestDb>,
    pub staff: Actor,
    pub runner: Actor,
    pub approver: Actor,
    pub auditor: Actor,
    pub course_id: String,
    pub trainees: Vec<(Actor, i64)>,
}

impl World {
    pub fn services(&self) -> &App {
        &self.app.state.app
    }
}

/// The world on a fresh SQLite file.
pub async fn sqlite_world(trainees: usize) -> World {
    world_on(spawn_app().await, None, trainees).await
}

/// The world on a fresh PostgreSQL database, or `None` where the harness skips (loudly; never
/// under CI).
pub async fn postgres_world(trainees: usize) -> Option<World> {
    let pg = aiup_store::testing::postgres_test_url().await?;
    let db = aiup_store::connect(pg.url()).await.expect("connect");
    Some(world_on(spawn_app_on(db).await, Some(pg), trainees).await)
}

pub async fn account(app: &App, login: &str, role: Role, scope: Option<&str>) -> Actor {
    app.db()
        .accounts()
        .create(
            &NewAccount {
                login: login.to_owned(),
                display_name: format!("{login} 님"),
                role: role.as_str().to_owned(),
                scope: scope.map(str::to_owned),
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$unused".to_owned(),
            },
            "test",
        )
        .await
        .expect("account");
    app.operator_actor(login).await.expect("actor")
}

async fn world_on(app: TestApp, postgres: Option<aiup_store::testing::PostgresTestDb>, trainees: usize) -> World {
    let services = app.state.app.clone();
    let engine = services.engine();
    let golden = journey_golden();
    let spec = &golden["course"]["course"];
    let region = engine
        .regions()
        .resolve(spec["region"].as_str().expect("region"))
        .expect("golden region")
        .region
        .code;
    let batch = crate::courses::generated(30);
    let mut course = batch.courses[0].clone();
    course.programmes =
        vec![aiup_core::ProgrammeId::parse(golden["course"]["programme"].as_str().expect("programme")).expect("id")];
    course.total_hours = Hours::from_tenths(496 * 10);
    course.hours_per_day = Hours::from_tenths(80);
    course.delivery = aiup_core::Delivery::Classroom;
    course.region = region;
    course.fee_won = 2_000_000;
    course.self_payment_rate_percent = None;
    course.cohorts = vec![Cohort {
        start_date: d(spec["start_date"].as_str().expect("start")),
        end_date: d(spec["end_date"].as_str().expect("end")),
        capacity: 30,
        seats_left: 30,
        application: None,
        waiting_list: false,
    }];
    let mut institution = batch
        .institutions
        .iter()
        .find(|i| i.id == course.institution)
        .expect("institution")
        .clone();
    institution.region = region;
    let stock = CatalogueBatch {
        institutions: vec![institution],
        courses: vec![course.clone()],
    };
    aiup_app::catalogue::store_and_index(services.db(), app.state.index(), &stock, "test")
        .await
        .expect("import");
    let institution_id = course.institution.to_string();
    let staff = account(
        &services,
        "payroll-staff",
        Role::InstitutionStaff,
        Some(&institution_id),
    )
    .await;
    let runner = account(&services, "payroll-runner", Role::ProgrammeAdmin, None).await;
    let approver = account(&services, "payroll-approver", Role::ProgrammeAdmin, None).await;
    let auditor = account(&services, "payroll-auditor", Role::Auditor, None).await;
    let cohort = &course.cohorts[0];
    let mut enrolled = Vec::new();
    for n in 0..trainees {
        let trainee = crate::enrolment::trainee(&services, &format!("payroll-trainee-{n}"), Some(3_000_000)).await;
        let person = services.require_my_person(&trainee).await.expect("person");
        // The cohort is in the past for the test clock: the application is written directly.
        let record = services
            .db()
            .enrolments()
            .apply(
                &NewApplication {
                    person_id: person.id.0,
                    course_id: course.id.to_string(),
                    cohort_ordinal: 0,
                    institution_id: institution_id.clone(),
                    programme: course.programmes[0].to_string(),
                    cohort_start: cohort.start_date,
                    cohort_end: cohort.end_date,
                    fee_won: course.fee_won,
                    seats: i64::from(cohort.seats_left),
                },
                &trainee.login,
            )
            .await
            .expect("apply");
        let done = services
            .decide(&staff, record.id, Decision::Accept)
            .await
            .expect("accept");
        assert!(matches!(done, DecisionDone::Accepted(_)), "{done:?}");
        services
            .staff_step(&staff, record.id, EnrolmentEvent::Start, "")
            .await
            .expect("start");
        enrolled.push((trainee, record.id));
    }
    World {
        app,
        _postgres: postgres,
        staff,
        runner,
        approver,
        auditor,
        course_id: course.id.to_string(),
        trainees: enrolled,
    }
}

/// Writes `days` (None clears a day) into the enrolment's month sheets from their stored
/// versions, with `corrections` for days that had a record, in one batch.
pub async fn write_days(app: &App, enrolment_id: i64, days: &[(NaiveDate, Option<Day>)], reason: Option<&str>) {
    let db = app.db().attendance();
    let (Some(first), Some(last)) = (days.iter().map(|x| x.0).min(), days.iter().map(|x| x.0).max()) else {
        return;
    };
    let stored = db
        .months(&[enrolment_id], month_of(first), month_of(last))
        .await
        .expect("months");
    let mut sheets: BTreeMap<NaiveDate, (i64, MonthSheet)> = stored
        .into_iter()
        .map(|m| (m.month, (m.version, MonthSheet::decode(&m.days).expect("sheet"))))
        .collect();
    let mut corrections = Vec::new();
    for &(date, day) in days {
        let (_, sheet) = sheets.entry(month_of(date)).or_insert_with(|| (0, MonthSheet::new()));
        if let (Some(reason), Some(old)) = (reason, sheet.on(date)) {
            corrections.push(NewCorrection {
                enrolment_id,
                day: date,
                old: serde_json::to_value(old).expect("json"),
                new: serde_json::to_value(day).expect("json"),
                reason: reason.to_owned(),
                evidence: Some("notice".to_owned()),
            });
        }
        sheet.set(date.day(), day);
    }
    let batch = AttendanceWrite {
        months: sheets
            .into_iter()
            .map(|(month, (version, sheet))| MonthWrite {
                enrolment_id,
                month,
                expected_version: version,
                days: sheet.into_bytes(),
            })
            .collect(),
        action: if corrections.is_empty() {
            aiup_store::ACTION_ATTENDANCE_RECORD
        } else {
            aiup_store::ACTION_ATTENDANCE_CORRECT
        }
        .to_owned(),
        corrections,
        detail: serde_json::json!({ "test": true }),
    };
    db.write(&batch, "payroll-staff").await.expect("write attendance");
}

/// The golden days from `from` to `to`, for every trainee.
pub async fn record_golden_until(
    world: &World,
    days: &BTreeMap<NaiveDate, Option<Day>>,
    from: NaiveDate,
    to: NaiveDate,
) {
    let ids: Vec<i64> = world.trainees.iter().map(|(_, id)| *id).collect();
    record_golden_for(world, &ids, days, from, to).await;
}

/// The golden days from `from` to `to`, for the enrolments `ids`.
pub async fn record_golden_for(
    world: &World,
    ids: &[i64],
    days: &BTreeMap<NaiveDate, Option<Day>>,
    from: NaiveDate,
    to: NaiveDate,
) {
    let part: Vec<(NaiveDate, Option<Day>)> = days
        .iter()
        .filter(|(date, _)| **date >= from && **date <= to)
        .map(|(date, day)| (*date, *day))
        .collect();
    for id in ids {
        write_days(world.services(), *id, &part, None).await;
    }
}

fn no_progress(_: u64, _: u64) {}

/// What the ledger holds by (enrolment, period), over runs not cancelled.
async fn paid(app: &App, enrolment_id: i64) -> BTreeMap<i64, i64> {
    let mut out = BTreeMap::new();
    for p in app
        .db()
        .payroll()
        .paid_in_range(enrolment_id..=enrolment_id)
        .await
        .expect("paid")
    {
        out.insert(p.period_index, p.amount_won);
    }
    out
}

async fn ledger_rules_hold(world: World) {
    let app = world.services();
    let golden = journey_golden();
    let days = golden_days(&golden);
    record_golden_until(&world, &days, d("2026-04-01"), d("2026-05-31")).await;
    let first = app
        .run_payroll(&world.runner, "2026-05", &no_progress)
        .await
        .expect("run May");
    assert_eq!(
        first.run.lines,
        world.trainees.len() as i64,
        "one line per trainee for period 1"
    );
    assert_eq!(first.regular_lines, world.trainees.len() as u64);
    assert_eq!(first.run.total_won, 380_000 * world.trainees.len() as i64);

    // Running the same month again writes nothing.
    let again = app
        .run_payroll(&world.runner, "2026-05", &no_progress)
        .await
        .expect("rerun");
    assert_eq!((again.run.lines, again.run.total_won), (0, 0));

    // A late correction of a paid period: exactly one adjustment line next run, and the paid
    // line is unchanged.
    let (_, corrected) = world.trainees[0];
    let paid_line_before = app
        .payroll_line(&world.runner, first.run.id, corrected, 1)
        .await
        .expect("paid line");
    write_days(
        app,
        corrected,
        &[(
            d("2026-04-23"),
            Day::from_tokens("excused:reserve_forces evidence").expect("tokens"),
        )],
        Some("예비군 훈련 통지서"),
    )
    .await;
    let adjusted = app
        .run_payroll(&world.runner, "2026-05", &no_progress)
        .await
        .expect("run after correction");
    assert_eq!(adjusted.run.lines, 1, "only the corrected trainee's period moves");
    assert_eq!(adjusted.adjustment_lines, 1);
    let adjustment = app
        .payroll_line(&world.runner, adjusted.run.id, corrected, 1)
        .await
        .expect("adjustment");
    assert_eq!(
        (adjustment.line.kind.as_str(), adjustment.line.amount_won),
        ("adjustment", 20_000)
    );
    assert_eq!(adjustment.line.computed_won, 400_000);
    assert_eq!(
        app.payroll_line(&world.runner, first.run.id, corrected, 1)
            .await
            .expect("paid line"),
        paid_line_before,
        "the paid line is never edited"
    );
    assert_eq!(paid(app, corrected).await.get(&1), Some(&400_000));
    // The lines table refuses edits outright.
    let edit = aiup_store::testing::raw_execute(app.db(), "UPDATE payroll_lines SET amount_won = 0").await;
    assert!(edit.is_err(), "payroll lines are append-only");

    // The runner cannot approve: refused, and nothing changes.
    let audit_before = raw_i64(app.db(), "SELECT COUNT(*) FROM audit_events")
        .await
        .expect("count");
    let refused = app.approve_payroll(&world.runner, first.run.id).await.unwrap_err();
    assert_eq!(refused.code, Code::SelfApproval);
    assert!(
        refused.message_in(true).contains("승인"),
        "{}",
        refused.message_in(true)
    );
    let run = app.payroll_run(&world.runner, first.run.id).await.expect("view");
    assert_eq!(run.run.status, "draft");
    assert!(!run.may_approve && run.why_not_approve.is_some());
    assert_eq!(
        raw_i64(app.db(), "SELECT COUNT(*) FROM audit_events")
            .await
            .expect("count"),
        audit_before
    );
    // Staff and auditors cannot approve either; the auditor may read.
    assert_eq!(
        app.approve_payroll(&world.staff, first.run.id).await.unwrap_err().code,
        Code::Forbidden
    );
    assert_eq!(
        app.approve_payroll(&world.auditor, first.run.id)
            .await
            .unwrap_err()
            .code,
        Code::Forbidden
    );
    let auditor_view = app
        .payroll_run(&world.auditor, first.run.id)
        .await
        .expect("auditor reads");
    assert!(!auditor_view.may_approve && !auditor_view.may_export && !auditor_view.may_cancel);
    // Export needs approval first.
    assert_eq!(
        app.export_payroll(&world.approver, first.run.id)
            .await
            .unwrap_err()
            .code,
        Code::InvalidTransition
    );

    let approved = app
        .approve_payroll(&world.approver, first.run.id)
        .await
        .expect("approve");
    assert_eq!(approved.approved_by.as_deref(), Some("payroll-approver"));
    let file = app.export_payroll(&world.runner, first.run.id).await.expect("export");
    let rows: Vec<&str> = file.csv.lines().collect();
    let payments: Vec<&str> = rows.iter().copied().filter(|r| r.starts_with("payment,")).collect();
    let sum: i64 = payments
        .iter()
        .map(|r| r.split(',').nth(7).expect("amount").parse::<i64>().expect("number"))
        .sum();
    let control: Vec<&str> = rows.last().expect("control row").split(',').collect();
    assert_eq!(control[0], "control_total");
    assert_eq!(control[7].parse::<i64>().expect("sum"), sum);
    assert_eq!(control[9].parse::<usize>().expect("count"), payments.len());
    assert_eq!(sum, first.run.total_won);
    assert!(!file.csv.contains("account_number") && !file.csv.contains("resident"));
    assert_eq!(
        app.payroll_run(&world.runner, first.run.id)
            .await
            .expect("view")
            .run
            .status,
        "exported"
    );
    // Totals add up to the run's total in every grouping.
    let view = app.payroll_run(&world.auditor, first.run.id).await.expect("view");
    for (by, totals) in &view.totals {
        assert_eq!(
            totals.iter().map(|t| t.amount_won).sum::<i64>(),
            first.run.total_won,
            "{by:?}"
        );
    }
    let tiers: Vec<&str> = view.totals[1].1.iter().map(|t| t.key.as_str()).collect();
    assert_eq!(tiers, ["non_capital"], "Busan is outside the capital area");
    // Every run change is audited.
    for action in ["payroll.run", "payroll.approve", "payroll.export"] {
        let n = raw_i64(
            app.db(),
            &format!("SELECT COUNT(*) FROM audit_events WHERE action = '{action}'"),
        )
        .await
        .expect("count");
        assert!(n >= 1, "{action} audited");
    }
    // A trainee's statement shows the paid and the adjusted period.
    let (trainee, _) = &world.trainees[0];
    let statements = app.my_statements(trainee).await.expect("statements");
    let period1 = &statements[0].periods[0];
    assert_eq!(period1.paid_won, 400_000);
    assert_eq!(period1.state, aiup_app::statement::PaymentState::Adjusted);
    assert_eq!(
        period1
            .lines
            .iter()
            .map(|l| (l.kind.as_str(), l.amount_won))
            .collect::<Vec<_>>(),
        [("regular", 380_000), ("adjustment", 20_000)]
    );
}

async fn statements_and_concurrency(world: World) {
    let app = world.services();
    let golden = journey_golden();
    let days = golden_days(&golden);
    record_golden_until(&world, &days, d("2026-04-01"), d("2026-06-30")).await;
    // Two runs of one month at once: both finish, and every period is paid exactly once.
    let (a, b) = tokio::join!(
        app.run_payroll(&world.runner, "2026-06", &no_progress),
        app.run_payroll(&world.approver, "2026-06", &no_progress),
    );
    let (a, b) = (a.expect("run a"), b.expect("run b"));
    assert_eq!(
        a.run.lines + b.run.lines,
        2 * world.trainees.len() as i64,
        "{a:?} {b:?}"
    );
    for (_, id) in &world.trainees {
        assert_eq!(
            paid(app, *id).await,
            BTreeMap::from([(1, 380_000), (2, 360_000)]),
            "enrolment {id}"
        );
    }
    // A trainee reads their own statement, never another's.
    let (mine, my_id) = &world.trainees[0];
    let (_, other_id) = &world.trainees[1];
    let own = app.statement_for(mine, *my_id).await.expect("own statement");
    assert_eq!(own.periods[1].figures.count.tardies_carried_in, 2);
    assert!(own.periods[1]
        .deductions
        .iter()
        .any(|x| x.kind == "tardies" && x.days == 1));
    let tardies = own.periods[1]
        .deductions
        .iter()
        .find(|x| x.kind == "tardies")
        .expect("tardies");
    assert!(tardies.rule.cite.is_some(), "the rule is cited");
    assert!(tardies.reason.ko.contains("지각") && tardies.reason.en.contains("carried"));
    let refused = app.statement_for(mine, *other_id).await.unwrap_err();
    assert_eq!(refused.code, Code::NotFound);
    // Staff of the institution and auditors may read it.
    app.statement_for(&world.staff, *other_id).await.expect("staff reads");
    app.statement_for(&world.auditor, *other_id)
        .await
        .expect("auditor reads");
    // Cancelling a draft frees its periods for the next run, which pays them again.
    let cancelled = app.cancel_payroll(&world.runner, a.run.id.max(b.run.id)).await;
    if let Ok(run) = cancelled {
        assert_eq!(run.status, "cancelled");
        let rerun = app
            .run_payroll(&world.runner, "2026-06", &no_progress)
            .await
            .expect("rerun");
        assert_eq!(rerun.run.lines, run.lines);
    }
    // A bad month names its field.
    let bad = app
        .run_payroll(&world.runner, "2026-6", &no_progress)
        .await
        .unwrap_err();
    assert_eq!((bad.code, bad.field.as_deref()), (Code::InvalidField, Some("month")));
    // Only programme administrators run the payroll.
    assert_eq!(
        app.run_payroll(&world.staff, "2026-06", &no_progress)
            .await
            .unwrap_err()
            .code,
        Code::Forbidden
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ledger_rules_hold_on_sqlite() {
    ledger_rules_hold(sqlite_world(2).await).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ledger_rules_hold_on_postgres() {
    let Some(world) = postgres_world(2).await else { return };
    ledger_rules_hold(world).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn statements_and_concurrent_runs_on_sqlite() {
    statements_and_concurrency(sqlite_world(2).await).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn statements_and_concurrent_runs_on_postgres() {
    let Some(world) = postgres_world(2).await else { return };
    statements_and_concurrency(world).await;
}
