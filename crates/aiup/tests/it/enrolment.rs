//! Enrolment through the services, on SQLite and PostgreSQL: apply, decide, withdraw, the
//! waiting list, the status steps, and every refusal leaving the store exactly as it was.

use aiup_app::accounts::{Actor, Role, Via};
use aiup_app::enrolment::{Decision, DecisionDone, Enrolment};
use aiup_app::{App, Code};
use aiup_catalogue::{ApplicationPeriod, CatalogueBatch, Cohort, Course};
use aiup_people::{EnrolmentEvent, EnrolmentStatus, ProfileInput};
use aiup_store::testing::raw_i64;
use aiup_store::{CardEntryKind, Database, NewAccount, NewCardAccount, NewCardEntry, Offer};
use chrono::{Days, NaiveDate};

use crate::support::{spawn_app, spawn_app_on, TestApp};

/// A catalogue made for enrolment: one generated course whose programmes price a job seeker
/// on the card, copied into the cohorts the tests need.
pub struct Fixture {
    pub app: TestApp,
    /// The PostgreSQL database the app runs on, dropped with the fixture.
    _postgres: Option<aiup_store::testing::PostgresTestDb>,
    /// Its first cohort is open today with `SEATS` seats and a waiting list; the second overlaps
    /// the first; the third starts after the first ends and keeps no waiting list; the fourth is
    /// not open yet.
    pub course: Course,
    pub other_institution_course: Course,
    pub programme: String,
}

pub const SEATS: u32 = 10;

pub fn day_after(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_add_days(Days::new(days)).expect("date")
}

fn cohort(start: NaiveDate, open_from: NaiveDate, open_to: NaiveDate, seats: u32, waiting_list: bool) -> Cohort {
    Cohort {
        start_date: start,
        end_date: day_after(start, 40),
        capacity: seats,
        seats_left: seats,
        application: Some(ApplicationPeriod {
            start: open_from,
            end: open_to,
        }),
        waiting_list,
    }
}

/// The app on `db` (a fresh SQLite file when `None`), stocked with the fixture's catalogue.
pub async fn fixture_on(db: Option<Database>) -> Fixture {
    let app = match db {
        Some(db) => spawn_app_on(db).await,
        None => spawn_app().await,
    };
    let stock = stock(&app).await;
    Fixture {
        app,
        _postgres: None,
        course: stock.course,
        other_institution_course: stock.other_institution_course,
        programme: stock.programme,
    }
}

/// The fixture on a fresh PostgreSQL database, or `None` where the harness skips (loudly).
pub async fn postgres_fixture() -> Option<Fixture> {
    let pg = aiup_store::testing::postgres_test_url().await?;
    let db = aiup_store::connect(pg.url()).await.expect("connect");
    let mut fixture = fixture_on(Some(db)).await;
    fixture._postgres = Some(pg);
    Some(fixture)
}

/// What [`stock`] put in the catalogue.
pub struct Stock {
    pub course: Course,
    pub other_institution_course: Course,
    pub programme: String,
}

/// Imports the fixture's two courses, and makes the staff account of the first one's
/// institution and an auditor.
pub async fn stock(app: &TestApp) -> Stock {
    stock_with_seats(app, SEATS).await
}

/// [`stock`] with `seats` seats in every cohort.
pub async fn stock_with_seats(app: &TestApp, seats: u32) -> Stock {
    let services = &app.state.app;
    let today = services.today();
    let engine = services.engine();
    let batch = crate::courses::generated(60);
    let job_seeker = ProfileInput {
        stage: "entry".into(),
        status: "job_seeker".into(),
        region: "11110".into(),
        age_band: "20_29".into(),
        kukchi: "none".into(),
        ..ProfileInput::default()
    }
    .parse(engine.regions())
    .expect("profile");
    let opens = day_after(today, 30);
    let cohorts = vec![
        cohort(opens, today, day_after(today, 20), seats, true),
        cohort(day_after(today, 35), today, day_after(today, 20), seats, true),
        cohort(day_after(today, 80), today, day_after(today, 20), seats, false),
        cohort(
            day_after(today, 90),
            day_after(today, 40),
            day_after(today, 50),
            seats,
            true,
        ),
    ];
    // A course with a programme that admits the job seeker and has the card pay a share.
    let (mut course, programme) = batch
        .courses
        .iter()
        .find_map(|c| {
            let mut c = c.clone();
            c.cohorts = cohorts.clone();
            let rules = aiup_app::enrolment::EngineRules::new(engine.clone(), c.clone(), cohorts[0].clone(), today);
            c.programmes.iter().find_map(|p| {
                rules
                    .terms_for(&job_seeker, p.as_str(), &[])
                    .ok()
                    .filter(|t| t.card_hold_won > 0 && t.card_hold_won < 1_000_000)
                    .map(|_| (c.clone(), p.to_string()))
            })
        })
        .expect("a generated course the card pays for");
    course.cohorts = cohorts.clone();
    let mut other = batch
        .courses
        .iter()
        .find(|c| c.institution != course.institution)
        .expect("a course of another institution")
        .clone();
    other.cohorts = cohorts;
    other.programmes = course.programmes.clone();
    let institution = course.institution.to_string();
    let stock = CatalogueBatch {
        institutions: batch
            .institutions
            .iter()
            .filter(|i| i.id == course.institution || i.id == other.institution)
            .cloned()
            .collect(),
        courses: vec![course.clone(), other.clone()],
    };
    aiup_app::catalogue::store_and_index(services.db(), app.state.index(), &stock, "test")
        .await
        .expect("import");
    crate::testkit::create_account(app, Role::InstitutionStaff, Some(&institution)).await;
    crate::testkit::create_account(app, Role::Auditor, None).await;
    Stock {
        course,
        other_institution_course: other,
        programme,
    }
}

/// An actor for account `login` as the services see it.
pub async fn actor(app: &App, login: &str) -> Actor {
    let account = app.accounts().by_login(login).await.expect("account");
    Actor {
        account_id: account.id,
        login: account.login,
        display_name: account.display_name,
        role: account.role,
        scope: account.scope,
        via: Via::Token { id: 0 },
    }
}

/// A trainee with a profile and a learning card holding `balance` (₩3,000,000 at most).
pub async fn trainee(app: &App, login: &str, card_won: Option<i64>) -> Actor {
    let db = app.db();
    let created = db
        .accounts()
        .create(
            &NewAccount {
                login: login.to_owned(),
                display_name: format!("{login} 님"),
                role: "trainee".to_owned(),
                scope: None,
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$unused".to_owned(),
            },
            "test",
        )
        .await
        .expect("account");
    let actor = actor(app, &created.login).await;
    equip(app, &actor, card_won).await;
    actor
}

/// Gives a trainee a job seeker's profile and, with `card_won`, a learning card.
pub async fn equip(app: &App, actor: &Actor, card_won: Option<i64>) {
    let db = app.db();
    let profile = ProfileInput {
        stage: "entry".into(),
        status: "job_seeker".into(),
        region: "11110".into(),
        age_band: "20_29".into(),
        kukchi: "none".into(),
        ..ProfileInput::default()
    };
    let person = app.save_my_profile(actor, &profile).await.expect("profile");
    if let Some(won) = card_won {
        let today = app.today();
        let entry = NewCardEntry {
            kind: CardEntryKind::Issue,
            amount_won: won,
            on_date: today,
            rule: "tuition.card.account_won".to_owned(),
            params: serde_json::json!({ "value": won }),
            enrolment_id: None,
        };
        db.cards()
            .open(
                &NewCardAccount {
                    person_id: person.id.0,
                    issued_on: today,
                    expires_on: day_after(today, 365 * 5),
                    issue: entry,
                    extra: None,
                },
                "test",
            )
            .await
            .expect("card");
    }
}

/// What a refusal must leave alone: counts of every table enrolment touches.
pub async fn store_counts(db: &Database) -> Vec<i64> {
    let mut counts = Vec::new();
    for sql in [
        "SELECT COUNT(*) FROM audit_events",
        "SELECT COUNT(*) FROM enrolments",
        "SELECT COUNT(*) FROM enrolment_events",
        "SELECT COUNT(*) FROM card_entries",
        "SELECT CAST(COALESCE(SUM(taken), 0) AS BIGINT) FROM cohort_seats",
        "SELECT CAST(COALESCE(SUM(balance_won), 0) AS BIGINT) FROM card_accounts",
    ] {
        counts.push(raw_i64(db, sql).await.expect(sql));
    }
    counts
}

fn staff_login() -> String {
    crate::testkit::login_of(Role::InstitutionStaff)
}

async fn journey_and_refusals(f: Fixture) {
    let app = &f.app.state.app;
    let db = app.db();
    let course = f.course.id.to_string();
    let staff = actor(app, &staff_login()).await;

    // No profile: refused, nothing written.
    let created = db
        .accounts()
        .create(
            &NewAccount {
                login: "no-profile".into(),
                display_name: "x".into(),
                role: "trainee".into(),
                scope: None,
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$unused".into(),
            },
            "test",
        )
        .await
        .unwrap();
    let nobody = actor(app, &created.login).await;
    let before = store_counts(db).await;
    let e = app.apply(&nobody, &course, 0, &f.programme).await.unwrap_err();
    assert_eq!(e.code, Code::ProfileRequired);
    assert_eq!(store_counts(db).await, before);

    let kim = trainee(app, "kim", Some(3_000_000)).await;
    let applied = app.apply(&kim, &course, 0, &f.programme).await.expect("apply");
    assert_eq!(applied.status, EnrolmentStatus::Applied);

    // Duplicate, closed cohort, a programme the course does not offer: refused, nothing written.
    let before = store_counts(db).await;
    assert_eq!(
        app.apply(&kim, &course, 0, &f.programme).await.unwrap_err().code,
        Code::DuplicateApplication
    );
    assert_eq!(
        app.apply(&kim, &course, 3, &f.programme).await.unwrap_err().code,
        Code::ApplicationsClosed
    );
    let ineligible = app.apply(&kim, &course, 2, "sme_premium_package").await.unwrap_err();
    assert!(matches!(ineligible.code, Code::IneligibleTrainee), "{ineligible}");
    assert!(ineligible.message_ko.is_some());
    assert_eq!(store_counts(db).await, before);

    // Another trainee cannot see or withdraw Kim's application; it does not exist for them.
    let lee = trainee(app, "lee", Some(3_000_000)).await;
    assert_eq!(
        app.enrolment_for(&lee, applied.id()).await.unwrap_err().code,
        Code::NotFound
    );
    assert_eq!(app.withdraw(&lee, applied.id()).await.unwrap_err().code, Code::NotFound);
    assert_eq!(app.enrolment_for(&kim, applied.id()).await.unwrap().id(), applied.id());
    let auditor = actor(app, &crate::testkit::login_of(Role::Auditor)).await;
    assert_eq!(
        app.enrolment_for(&auditor, applied.id()).await.unwrap().id(),
        applied.id()
    );
    let kim_person = aiup_people::PersonId(applied.record.person_id);
    let seen = app.enrolments_of_person(&auditor, kim_person).await.unwrap();
    assert_eq!(seen.iter().map(Enrolment::id).collect::<Vec<_>>(), [applied.id()]);
    assert_eq!(
        app.enrolments_of_person(&lee, kim_person).await.unwrap_err().code,
        Code::NotFound
    );

    // Staff of another institution: not found, nothing written.
    let other_course = f.other_institution_course.id.to_string();
    let elsewhere = app
        .apply(&lee, &other_course, 0, &f.programme)
        .await
        .expect("apply elsewhere");
    let before = store_counts(db).await;
    assert_eq!(
        app.decide(&staff, elsewhere.id(), Decision::Accept)
            .await
            .unwrap_err()
            .code,
        Code::NotFound
    );
    assert_eq!(
        app.staff_step(&staff, elsewhere.id(), EnrolmentEvent::Cancel, "x")
            .await
            .unwrap_err()
            .code,
        Code::NotFound
    );
    assert_eq!(
        app.cohort_roster(&staff, &other_course, 0).await.unwrap_err().code,
        Code::NotFound
    );
    assert!(app
        .pending_applications(&staff)
        .await
        .unwrap()
        .iter()
        .all(|e| e.id() != elsewhere.id()));
    // Refusing needs a reason; a transition the status does not allow is refused.
    assert_eq!(
        app.decide(&staff, applied.id(), Decision::Refuse { reason: " ".into() })
            .await
            .unwrap_err()
            .code,
        Code::MissingField
    );
    assert_eq!(
        app.staff_step(&staff, applied.id(), EnrolmentEvent::Complete, "")
            .await
            .unwrap_err()
            .code,
        Code::InvalidTransition
    );
    assert_eq!(store_counts(db).await, before);

    // Not enough on the card: refused with both amounts, nothing written.
    let poor = trainee(app, "poor", Some(10_000)).await;
    let poor_app = app.apply(&poor, &course, 0, &f.programme).await.unwrap();
    let before = store_counts(db).await;
    let e = app.decide(&staff, poor_app.id(), Decision::Accept).await.unwrap_err();
    assert_eq!(e.code, Code::InsufficientBalance);
    assert!(e.message.contains("₩10,000"), "{}", e.message);
    assert!(e.message_in(true).contains("잔액"));
    assert_eq!(store_counts(db).await, before);

    // Acceptance: a seat, the card's hold, the self-payment.
    let DecisionDone::Accepted(accepted) = app.decide(&staff, applied.id(), Decision::Accept).await.unwrap() else {
        panic!("expected acceptance")
    };
    assert_eq!(accepted.status, EnrolmentStatus::Accepted);
    assert!(accepted.record.card_hold_won > 0);
    let card = db
        .cards()
        .card_of_person(accepted.record.person_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(card.balance_won, 3_000_000 - accepted.record.card_hold_won);
    assert_eq!(db.enrolments().seats(&course, 0).await.unwrap().unwrap().taken, 1);
    let mine = app.my_enrolments(&kim).await.unwrap();
    assert_eq!(mine[0].course_title.as_deref(), Some(f.course.title.as_str()));

    // An overlapping cohort: Kim's second application cannot be accepted.
    let second = app.apply(&kim, &course, 1, &f.programme).await.unwrap();
    let before = store_counts(db).await;
    assert_eq!(
        app.decide(&staff, second.id(), Decision::Accept)
            .await
            .unwrap_err()
            .code,
        Code::OverlappingEnrolment
    );
    assert_eq!(store_counts(db).await, before);

    // Start converts the hold to a charge; a drop-out inside the free period costs nothing more.
    let started = app
        .staff_step(&staff, accepted.id(), EnrolmentEvent::Start, "")
        .await
        .unwrap();
    assert_eq!(started.enrolment.status, EnrolmentStatus::InTraining);
    let entries = db.cards().statement(card.id).await.unwrap();
    let kinds: Vec<CardEntryKind> = entries.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            CardEntryKind::Issue,
            CardEntryKind::Hold,
            CardEntryKind::Release,
            CardEntryKind::Charge
        ]
    );
    // (Within the free days the trainee may still withdraw, and the charge is refunded:
    // `free_withdrawal_after_the_start_refunds_the_charge`.)
    let roster = app.cohort_roster(&staff, &course, 0).await.unwrap();
    assert!(roster
        .enrolments
        .iter()
        .any(|e| e.id() == accepted.id() && e.status == EnrolmentStatus::InTraining));
    let events = db.enrolments().events(accepted.id()).await.unwrap();
    let names: Vec<&str> = events.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(names, ["apply", "accept", "start"]);
}

async fn withdrawal_frees_the_seat_for_the_first_waiting(f: Fixture) {
    let app = &f.app.state.app;
    let db = app.db();
    let course = f.course.id.to_string();
    let staff = actor(app, &staff_login()).await;
    let mut people = Vec::new();
    for n in 0..SEATS + 2 {
        let t = trainee(app, &format!("w{n}"), Some(3_000_000)).await;
        let e = app.apply(&t, &course, 0, &f.programme).await.unwrap();
        people.push((t, e));
    }
    let mut outcomes = Vec::new();
    for (_, e) in &people {
        outcomes.push(app.decide(&staff, e.id(), Decision::Accept).await.unwrap());
    }
    let waitlisted: Vec<i64> = outcomes
        .iter()
        .filter_map(|o| match o {
            DecisionDone::Waitlisted(e) => Some(e.id()),
            _ => None,
        })
        .collect();
    assert_eq!(waitlisted, [people[10].1.id(), people[11].1.id()]);
    // A full cohort without a waiting list refuses, and changes nothing.
    let late = trainee(app, "late", Some(3_000_000)).await;
    let mut seated = Vec::new();
    for (t, _) in people.iter().take(SEATS as usize) {
        let e = app.apply(t, &course, 2, &f.programme).await.unwrap();
        seated.push(e.id());
    }
    let late_app = app.apply(&late, &course, 2, &f.programme).await.unwrap();
    for id in seated {
        let d = app.decide(&staff, id, Decision::Accept).await;
        assert!(matches!(d, Ok(DecisionDone::Accepted(_))), "{d:?}");
    }
    let before = store_counts(db).await;
    assert_eq!(
        app.decide(&staff, late_app.id(), Decision::Accept)
            .await
            .unwrap_err()
            .code,
        Code::CohortFull
    );
    assert_eq!(store_counts(db).await, before);

    // The first accepted trainee withdraws before the start: the hold comes back in full and
    // the first waiting person gets the seat.
    let (first, first_app) = &people[0];
    let card = db
        .cards()
        .card_of_person(first_app.record.person_id)
        .await
        .unwrap()
        .unwrap();
    let held = app
        .enrolment_for(first, first_app.id())
        .await
        .unwrap()
        .record
        .card_hold_won;
    assert!(held > 0);
    let done = app.withdraw(first, first_app.id()).await.unwrap();
    assert_eq!(done.enrolment.status, EnrolmentStatus::Withdrawn);
    assert!(
        matches!(&done.offers[..], [Offer::Accepted(e)] if e.id == people[10].1.id()),
        "{:?}",
        done.offers
    );
    assert_eq!(db.cards().balance(card.id).await.unwrap(), card.balance_won + held);
    assert_eq!(
        db.enrolments().seats(&course, 0).await.unwrap().unwrap().taken,
        i64::from(SEATS)
    );
    let next = app.enrolment_for(&people[10].0, people[10].1.id()).await.unwrap();
    assert_eq!(next.status, EnrolmentStatus::Accepted);
    assert!(next.record.card_hold_won > 0);
    let still = app.enrolment_for(&people[11].0, people[11].1.id()).await.unwrap();
    assert_eq!(still.status, EnrolmentStatus::Waiting);
    // Withdrawing again is an invalid transition.
    assert_eq!(
        app.withdraw(first, first_app.id()).await.unwrap_err().code,
        Code::InvalidTransition
    );
}

/// After the start: a seat is given up free for the policy's free-withdrawal days; a drop-out
/// after them costs the first deduction of the schedule.
async fn the_free_period_and_the_dropout_deduction(f: Fixture) {
    let app = &f.app.state.app;
    let db = app.db();
    let course = f.course.id.to_string();
    let staff = actor(app, &staff_login()).await;
    let engine = app.engine();
    let start = f.course.cohorts[0].start_date;
    let terms = engine.card_terms(start);
    let free_days = i64::from(terms.free_withdrawal_days);
    let first_deduction = engine.card_terms(start).dropout_deduction(1).0;
    assert!(free_days > 0 && first_deduction > 0);

    let mut people = Vec::new();
    for login in ["early", "late", "leaver"] {
        let t = trainee(app, login, Some(3_000_000)).await;
        let e = app.apply(&t, &course, 0, &f.programme).await.unwrap();
        assert!(matches!(
            app.decide(&staff, e.id(), Decision::Accept).await,
            Ok(DecisionDone::Accepted(_))
        ));
        people.push((t, e));
    }
    let card_of = |person_id: i64| async move { db.cards().card_of_person(person_id).await.unwrap().unwrap() };

    // The day after the start: still free, the hold comes back in full.
    let days_to = |date: NaiveDate| (date - app.today()).num_days();
    app.clock().advance(chrono::Duration::days(days_to(start) + 1));
    let (early, early_app) = &people[0];
    app.withdraw(early, early_app.id())
        .await
        .expect("free withdrawal after the start");
    assert_eq!(card_of(early_app.record.person_id).await.balance_won, 3_000_000);

    // Training starts for the leaver: the hold becomes a charge.
    let (_, leaver_app) = &people[2];
    app.staff_step(&staff, leaver_app.id(), EnrolmentEvent::Start, "")
        .await
        .unwrap();
    let charged = app
        .enrolment_for(&staff, leaver_app.id())
        .await
        .unwrap()
        .record
        .card_hold_won;

    // Past the free days: the trainee can no longer withdraw; a drop-out costs the deduction.
    app.clock().advance(chrono::Duration::days(free_days + 1));
    let (late, late_app) = &people[1];
    let before = store_counts(db).await;
    assert_eq!(
        app.withdraw(late, late_app.id()).await.unwrap_err().code,
        Code::InvalidTransition
    );
    assert_eq!(store_counts(db).await, before);
    let done = app
        .staff_step(&staff, leaver_app.id(), EnrolmentEvent::DropOut, "개인 사정")
        .await
        .unwrap();
    assert_eq!(done.enrolment.status, EnrolmentStatus::DroppedOut);
    let card = card_of(leaver_app.record.person_id).await;
    assert_eq!(card.balance_won, 3_000_000 - charged - first_deduction);
    let last = db.cards().statement(card.id).await.unwrap().pop().unwrap();
    assert_eq!(
        (last.kind, last.rule.as_str()),
        (CardEntryKind::DropoutDeduction, "tuition.card.dropout_deductions_won")
    );
    // The card's statement still passes the ledger's own checks.
    assert!(app
        .card_of_person(
            &actor(app, &crate::testkit::login_of(Role::Auditor)).await,
            aiup_people::PersonId(leaver_app.record.person_id)
        )
        .await
        .is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn journey_and_refusals_on_sqlite() {
    journey_and_refusals(fixture_on(None).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn journey_and_refusals_on_postgres() {
    let Some(f) = postgres_fixture().await else { return };
    journey_and_refusals(f).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn withdrawal_and_waiting_list_on_sqlite() {
    withdrawal_frees_the_seat_for_the_first_waiting(fixture_on(None).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn withdrawal_and_waiting_list_on_postgres() {
    let Some(f) = postgres_fixture().await else { return };
    withdrawal_frees_the_seat_for_the_first_waiting(f).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn free_period_and_dropout_on_sqlite() {
    the_free_period_and_the_dropout_deduction(fixture_on(None).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn free_period_and_dropout_on_postgres() {
    let Some(f) = postgres_fixture().await else { return };
    the_free_period_and_the_dropout_deduction(f).await;
}

/// Signs `login` in through the service; returns the session cookie header and CSRF token.
async fn session_of(app: &App, login: &str) -> (String, String) {
    let session = app
        .accounts()
        .sign_in(aiup_app::accounts::SignIn {
            login: login.to_owned(),
            password: aiup_app::accounts::Password::new(crate::testkit::TEST_PASSWORD),
            client_address: "127.0.0.1".into(),
            client: "test".into(),
            previous_session: None,
        })
        .await
        .expect("sign in");
    (
        format!("aiup_session={}", session.cookie_value),
        session.actor.csrf_token().unwrap_or_default().to_owned(),
    )
}

/// Over HTTP: a trainee cannot withdraw another's application, staff cannot decide or step
/// another institution's, a form without its token is refused; each answer changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_refuse_what_the_caller_may_not_touch() {
    let f = fixture_on(None).await;
    let app = &f.app.state.app;
    let db = app.db();
    let mut trainees = Vec::new();
    for login in ["page-kim", "page-lee"] {
        app.accounts()
            .create_user(
                "test",
                aiup_app::accounts::NewUser {
                    login: login.into(),
                    display_name: login.into(),
                    role: "trainee".into(),
                    scope: None,
                    password: Some(aiup_app::accounts::Password::new(crate::testkit::TEST_PASSWORD)),
                },
            )
            .await
            .expect("account");
        let t = actor(app, login).await;
        equip(app, &t, Some(3_000_000)).await;
        trainees.push(t);
    }
    let kim = app
        .apply(&trainees[0], &f.course.id.to_string(), 0, &f.programme)
        .await
        .unwrap();
    let elsewhere = app
        .apply(
            &trainees[1],
            &f.other_institution_course.id.to_string(),
            0,
            &f.programme,
        )
        .await
        .unwrap();
    let post = |path: String, session: (String, String), extra: Vec<(&str, &str)>| {
        let url = format!("{}{path}", f.app.base_url);
        let mut form = vec![("csrf".to_owned(), session.1)];
        form.extend(extra.into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())));
        crate::testkit::request("POST", url, Some(session.0), None, Some(form))
    };
    // Signing in is audited: count after it.
    let lee = session_of(app, "page-lee").await;
    let staff = session_of(app, &staff_login()).await;
    let before = store_counts(db).await;

    let answer = post(format!("/me/applications/{}/withdraw", kim.id()), lee.clone(), vec![]).await;
    assert_eq!(answer.status, 404, "{}", answer.body);
    for path in [
        format!("/staff/applications/{}/accept", elsewhere.id()),
        format!("/staff/applications/{}/refuse", elsewhere.id()),
        format!("/staff/enrolments/{}/step", elsewhere.id()),
    ] {
        let answer = post(path.clone(), staff.clone(), vec![("reason", "x"), ("event", "cancel")]).await;
        assert_eq!(answer.status, 404, "{path}: {}", answer.body);
    }
    let roster = format!(
        "{}/staff/cohorts/{}/0",
        f.app.base_url,
        aiup_server::pages::encode_component(f.other_institution_course.id.as_str())
    );
    let answer = crate::testkit::request("GET", roster, Some(staff.0.clone()), None, None).await;
    assert_eq!(answer.status, 404);
    // A refusal without a reason is shown on the page, in Korean, and changes nothing.
    let answer = post(
        format!("/staff/applications/{}/refuse", kim.id()),
        staff.clone(),
        vec![("reason", " ")],
    )
    .await;
    assert_eq!(answer.status, 422);
    assert!(answer.body.contains("사유를 입력해 주세요"), "{}", answer.body);
    // Without the form token nothing is decided.
    let forged = (staff.0.clone(), "0".repeat(64));
    let answer = post(format!("/staff/applications/{}/accept", kim.id()), forged, vec![]).await;
    assert_eq!(answer.status, 403);
    assert_eq!(store_counts(db).await, before);

    // The real decision goes through and the trainee's page shows it.
    let answer = post(format!("/staff/applications/{}/accept", kim.id()), staff, vec![]).await;
    assert_eq!(answer.status, 303);
    let kim_session = session_of(app, "page-kim").await;
    let page = crate::testkit::request(
        "GET",
        format!("{}/me/applications?lang=en", f.app.base_url),
        Some(kim_session.0.clone()),
        None,
        None,
    )
    .await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("accepted") && page.body.contains("Card hold"),
        "{}",
        page.body
    );

    // Every enrolment page speaks one language and marks the other (the languages checks).
    let staff = session_of(app, &staff_login()).await;
    let course_path = format!(
        "/courses/{}",
        aiup_server::pages::encode_component(f.course.id.as_str())
    );
    let roster = format!(
        "/staff/cohorts/{}/0",
        aiup_server::pages::encode_component(f.course.id.as_str())
    );
    for (page, cookie) in [
        ("/me/applications", &kim_session.0),
        (course_path.as_str(), &kim_session.0),
        ("/staff/applications", &staff.0),
        (roster.as_str(), &staff.0),
    ] {
        for (lang, path) in [("ko", page.to_owned()), ("en", format!("{page}?lang=en"))] {
            let url = format!("{}{path}", f.app.base_url);
            let answer = crate::testkit::request("GET", url, Some(cookie.clone()), None, None).await;
            assert_eq!(answer.status, 200, "{path}: {}", answer.body);
            let found = crate::languages::problems(&path, lang, &answer.body, &[]);
            assert!(found.is_empty(), "{found:#?}");
        }
    }
}

/// A trainee who can sign in (for the pages), with a profile and a ₩3,000,000 card.
async fn trainee_with_password(app: &App, login: &str) -> Actor {
    app.accounts()
        .create_user(
            "test",
            aiup_app::accounts::NewUser {
                login: login.into(),
                display_name: login.into(),
                role: "trainee".into(),
                scope: None,
                password: Some(aiup_app::accounts::Password::new(crate::testkit::TEST_PASSWORD)),
            },
        )
        .await
        .expect("account");
    let t = actor(app, login).await;
    equip(app, &t, Some(3_000_000)).await;
    t
}

/// Issue 9, free withdrawal after training has started (`enrolment.free_withdrawal_days`):
/// on day 3 after the start the trainee withdraws from training, the charge comes back (the
/// card is where it was before the hold), the seat goes to the first waiting person; the day
/// after the last free day the withdrawal is refused and nothing changes.
async fn free_withdrawal_after_the_start_refunds_the_charge(app: &TestApp, stock: &Stock) {
    let services = &app.state.app;
    let db = services.db();
    let course = stock.course.id.to_string();
    let staff = actor(services, &staff_login()).await;
    let start = stock.course.cohorts[0].start_date;
    let free_days = services.engine().card_terms(start).free_withdrawal_days;
    assert!(free_days >= 3, "the policy's free days ({free_days}) cover day 3");

    let starter = trainee_with_password(services, "refund-starter").await;
    let waiter = trainee_with_password(services, "refund-waiter").await;
    let starter_app = services.apply(&starter, &course, 0, &stock.programme).await.unwrap();
    let waiter_app = services.apply(&waiter, &course, 0, &stock.programme).await.unwrap();
    let card_of = |person_id: i64| async move { db.cards().card_of_person(person_id).await.unwrap().unwrap() };
    let before_hold = card_of(starter_app.record.person_id).await.balance_won;
    assert!(matches!(
        services.decide(&staff, starter_app.id(), Decision::Accept).await,
        Ok(DecisionDone::Accepted(_))
    ));
    assert!(matches!(
        services.decide(&staff, waiter_app.id(), Decision::Accept).await,
        Ok(DecisionDone::Waitlisted(_))
    ));

    // Day 0: training starts; the hold becomes a charge.
    services
        .clock()
        .advance(chrono::Duration::days((start - services.today()).num_days()));
    services
        .staff_step(&staff, starter_app.id(), EnrolmentEvent::Start, "")
        .await
        .unwrap();
    let started = services.enrolment_for(&starter, starter_app.id()).await.unwrap();
    assert_eq!(started.status, EnrolmentStatus::InTraining);
    let charged = started.record.card_hold_won;
    assert!(charged > 0);
    let card = card_of(starter_app.record.person_id).await;
    assert_eq!(card.balance_won, before_hold - charged);
    let last_free_day = services.last_free_day(&started.record);
    assert_eq!(last_free_day, day_after(start, u64::from(free_days)));

    // Day 3: the trainee's page offers the withdrawal and says what it does.
    services.clock().advance(chrono::Duration::days(3));
    let session = session_of(services, "refund-starter").await;
    let page = crate::testkit::request(
        "GET",
        format!("{}/me/applications?lang=en", app.base_url),
        Some(session.0.clone()),
        None,
        None,
    )
    .await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains(&format!("/me/applications/{}/withdraw", starter_app.id()))
            && page.body.contains("refunded in full")
            && page.body.contains(&last_free_day.to_string()),
        "{}",
        page.body
    );

    let mark = raw_i64(db, "SELECT COALESCE(MAX(id), 0) FROM audit_events")
        .await
        .unwrap();
    let done = services.withdraw(&starter, starter_app.id()).await.unwrap();
    assert_eq!(done.enrolment.status, EnrolmentStatus::Withdrawn);
    assert!(
        matches!(&done.offers[..], [Offer::Accepted(e)] if e.id == waiter_app.id()),
        "{:?}",
        done.offers
    );
    assert_eq!(card_of(starter_app.record.person_id).await.balance_won, before_hold);
    assert_eq!(db.cards().balance(card.id).await.unwrap(), before_hold);
    let refund = db.cards().statement(card.id).await.unwrap().pop().unwrap();
    assert_eq!(
        (
            refund.kind,
            refund.amount_won,
            refund.enrolment_id,
            refund.rule.as_str()
        ),
        (
            CardEntryKind::Refund,
            charged,
            Some(starter_app.id()),
            "enrolment.free_withdrawal_days"
        )
    );
    let refund_events = raw_i64(
        db,
        &format!("SELECT COUNT(*) FROM audit_events WHERE id > {mark} AND action = 'card.refund'"),
    )
    .await
    .unwrap();
    assert_eq!(refund_events, 1, "the refund is audited");
    // The statement still passes the ledger's own checks (refunds within charges).
    let auditor = actor(services, &crate::testkit::login_of(Role::Auditor)).await;
    assert!(services
        .card_of_person(&auditor, aiup_people::PersonId(starter_app.record.person_id))
        .await
        .is_ok());
    assert_eq!(db.enrolments().seats(&course, 0).await.unwrap().unwrap().taken, 1);
    let seated = services.enrolment_for(&waiter, waiter_app.id()).await.unwrap();
    assert_eq!(seated.status, EnrolmentStatus::Accepted);
    assert!(seated.record.card_hold_won > 0);

    // The waiting person starts at once; the day after the last free day (day 8 with 7 free
    // days) their withdrawal is refused, the page no longer offers it, and nothing changes.
    services
        .staff_step(&staff, waiter_app.id(), EnrolmentEvent::Start, "")
        .await
        .unwrap();
    services.clock().advance(chrono::Duration::days(
        (last_free_day - services.today()).num_days() + 1,
    ));
    assert_eq!(services.today(), day_after(start, u64::from(free_days) + 1));
    let before = store_counts(db).await;
    let refused = services.withdraw(&waiter, waiter_app.id()).await.unwrap_err();
    assert_eq!(refused.code, Code::InvalidTransition);
    assert_eq!(store_counts(db).await, before);
    assert_eq!(
        services.enrolment_for(&waiter, waiter_app.id()).await.unwrap().status,
        EnrolmentStatus::InTraining
    );
    let session = session_of(services, "refund-waiter").await;
    let page = crate::testkit::request(
        "GET",
        format!("{}/me/applications?lang=en", app.base_url),
        Some(session.0),
        None,
        None,
    )
    .await;
    assert_eq!(page.status, 200);
    assert!(
        !page
            .body
            .contains(&format!("/me/applications/{}/withdraw", waiter_app.id())),
        "{}",
        page.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn free_withdrawal_after_the_start_on_sqlite() {
    let app = spawn_app().await;
    let stock = stock_with_seats(&app, 1).await;
    free_withdrawal_after_the_start_refunds_the_charge(&app, &stock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn free_withdrawal_after_the_start_on_postgres() {
    let Some(pg) = aiup_store::testing::postgres_test_url().await else {
        return;
    };
    let app = spawn_app_on(aiup_store::connect(pg.url()).await.expect("connect")).await;
    let stock = stock_with_seats(&app, 1).await;
    free_withdrawal_after_the_start_refunds_the_charge(&app, &stock).await;
}
