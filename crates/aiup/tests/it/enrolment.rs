//! Enrolment through the services, on SQLite and PostgreSQL: apply, decide, withdraw, the
//! waiting list, the status steps, and every refusal leaving the store exactly as it was.

use aiup_app::accounts::{Actor, Role, Via};
use aiup_app::enrolment::{Decision, DecisionDone};
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
        cohort(opens, today, day_after(today, 20), SEATS, true),
        cohort(day_after(today, 35), today, day_after(today, 20), SEATS, true),
        cohort(day_after(today, 80), today, day_after(today, 20), SEATS, false),
        cohort(
            day_after(today, 90),
            day_after(today, 40),
            day_after(today, 50),
            SEATS,
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
                    .terms_for(&job_seeker, p.as_str())
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
    crate::testkit::create_account(&app, Role::InstitutionStaff, Some(&institution)).await;
    crate::testkit::create_account(&app, Role::Auditor, None).await;
    Fixture {
        app,
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
    let profile = ProfileInput {
        stage: "entry".into(),
        status: "job_seeker".into(),
        region: "11110".into(),
        age_band: "20_29".into(),
        kukchi: "none".into(),
        ..ProfileInput::default()
    };
    let person = app.save_my_profile(&actor, &profile).await.expect("profile");
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
    actor
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
    assert_eq!(
        app.withdraw(&kim, accepted.id()).await.unwrap_err().code,
        Code::InvalidTransition
    );
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn journey_and_refusals_on_sqlite() {
    journey_and_refusals(fixture_on(None).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn journey_and_refusals_on_postgres() {
    let Some(pg) = aiup_store::testing::postgres_test_url().await else {
        return;
    };
    let db = aiup_store::connect(pg.url()).await.expect("connect");
    journey_and_refusals(fixture_on(Some(db)).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn withdrawal_and_waiting_list_on_sqlite() {
    withdrawal_frees_the_seat_for_the_first_waiting(fixture_on(None).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn withdrawal_and_waiting_list_on_postgres() {
    let Some(pg) = aiup_store::testing::postgres_test_url().await else {
        return;
    };
    let db = aiup_store::connect(pg.url()).await.expect("connect");
    withdrawal_frees_the_seat_for_the_first_waiting(fixture_on(Some(db)).await).await;
}
