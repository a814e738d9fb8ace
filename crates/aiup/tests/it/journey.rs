//! One person's journey, on SQLite and PostgreSQL: profile → learning card → diagnosis →
//! learning path → application → acceptance → card hold, every amount checked against the
//! golden journeys in `tests/golden/journey/`, each citing its source; then the programme
//! administrator's overview counts the enrolments the journeys made.

use crate::support::{spawn_app, spawn_app_on, TestApp};
use crate::testkit::{create_account, login_of, request, TEST_PASSWORD};
use aiup_app::accounts::{Actor, NewUser, Password, Role, SignIn};
use aiup_app::enrolment::{Decision, DecisionDone};
use aiup_app::programme::OverviewFilter;
use aiup_catalogue::{ApplicationPeriod, BasicModule, CatalogueBatch, Cohort, Course, Hours};
use aiup_core::Delivery;
use aiup_diagnosis::path::{Eligibility, PathStepKind};
use aiup_diagnosis::run::field_name;
use aiup_diagnosis::Bank;
use aiup_people::{EnrolmentStatus, ProfileInput};
use aiup_store::CardEntryKind;
use chrono::{Days, NaiveDate};
use serde_json::Value;

pub(crate) const GOLDEN: &str = include_str!("../../../../tests/golden/journey/card-general.json");

/// An expected amount and where it comes from.
fn expected(journey: &Value, what: &str) -> Option<i64> {
    let entry = &journey["expect"][what];
    if entry.is_null() {
        return None;
    }
    let source = entry["source"].as_str().unwrap_or_default();
    assert!(source.len() > 20, "{what} of {} cites no source", journey["name"]);
    Some(
        entry["value"]
            .as_i64()
            .unwrap_or_else(|| panic!("{what} is not whole won")),
    )
}

fn must(journey: &Value, what: &str) -> i64 {
    expected(journey, what).unwrap_or_else(|| panic!("{} expects no {what}", journey["name"]))
}

fn text(value: &Value, key: &str) -> String {
    value[key].as_str().unwrap_or_default().to_owned()
}

fn after(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_add_days(Days::new(days)).expect("date")
}

/// The journeys' course: a generated AI course made into the golden one, with one cohort that
/// takes applications today and starts in a month.
pub(crate) async fn stock(app: &TestApp, golden: &Value) -> Course {
    let today = app.state.app.today();
    let spec = &golden["course"];
    let batch = crate::courses::generated(60);
    let mut course = batch
        .courses
        .iter()
        .find(|c| c.is_ai_course())
        .expect("an AI course")
        .clone();
    course.programmes = vec![aiup_core::ProgrammeId::parse(&text(spec, "programme")).expect("programme")];
    course.delivery = Delivery::parse(&text(spec, "delivery")).expect("delivery");
    course.fee_won = spec["fee_won"].as_i64().expect("fee");
    course.self_payment_rate_percent = spec["self_payment_rate_percent"]
        .as_u64()
        .and_then(|r| u8::try_from(r).ok());
    course.base_unit_price_won_per_hour = None;
    let hours = |key: &str| Hours::from_tenths(u32::try_from(spec[key].as_u64().expect("hours") * 10).expect("hours"));
    course.total_hours = hours("total_hours");
    course.hours_per_day = hours("hours_per_day");
    course.details = Default::default();
    let start = after(today, 30);
    course.cohorts = vec![Cohort {
        start_date: start,
        end_date: after(start, 20),
        capacity: 20,
        seats_left: 20,
        application: Some(ApplicationPeriod {
            start: today,
            end: after(today, 20),
        }),
        waiting_list: false,
    }];
    let stocked = CatalogueBatch {
        institutions: batch
            .institutions
            .iter()
            .filter(|i| i.id == course.institution)
            .cloned()
            .collect(),
        courses: vec![course.clone()],
    };
    aiup_app::catalogue::store_and_index(app.state.app.db(), app.state.index(), &stocked, "test")
        .await
        .expect("import the journey's course");
    course
}

/// A trainee account, signed in as a browser would be (its actor and session cookie).
async fn sign_up(app: &TestApp, login: &str) -> (Actor, String) {
    let accounts = app.state.app.accounts();
    accounts
        .create_user(
            "test",
            NewUser {
                login: login.to_owned(),
                display_name: format!("{login} 님"),
                role: "trainee".to_owned(),
                scope: None,
                password: Some(Password::new(TEST_PASSWORD)),
            },
        )
        .await
        .expect("trainee");
    let session = accounts
        .sign_in(SignIn {
            login: login.to_owned(),
            password: Password::new(TEST_PASSWORD),
            client_address: "127.0.0.1".into(),
            client: "journey".into(),
            previous_session: None,
        })
        .await
        .expect("sign in");
    (session.actor, format!("aiup_session={}", session.cookie_value))
}

async fn service_actor(app: &TestApp, role: Role) -> Actor {
    let session = app
        .state
        .app
        .accounts()
        .sign_in(SignIn {
            login: login_of(role),
            password: Password::new(TEST_PASSWORD),
            client_address: "127.0.0.1".into(),
            client: "journey".into(),
            previous_session: None,
        })
        .await
        .expect("sign in");
    session.actor
}

/// Every answer right but those of one module: the diagnosis finds a gap there.
fn answers(run_no: u32) -> Vec<(String, String)> {
    let mut form = Vec::new();
    for item in Bank::embedded().form(run_no) {
        let right = item.answer + 1;
        let given = if item.module == BasicModule::PromptEngineering {
            right % 4 + 1
        } else {
            right
        };
        form.push((field_name(item), given.to_string()));
    }
    form
}

/// One journey of the golden file, by `login`; returns the enrolment it made.
async fn journey(app: &TestApp, course: &Course, golden: &Value, login: &str) -> i64 {
    let name = golden["name"].as_str().unwrap_or("journey");
    let services = &app.state.app;
    let (me, cookie) = sign_up(app, login).await;

    // 1. The profile, through the form.
    let p = &golden["profile"];
    let profile = ProfileInput {
        stage: text(p, "stage"),
        status: text(p, "status"),
        employer_size: String::new(),
        region: text(p, "region"),
        age_band: text(p, "age_band"),
        groups: p["groups"]
            .as_array()
            .map(|g| g.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default(),
        kukchi: text(p, "kukchi"),
    };
    let mut form: Vec<(String, String)> = vec![
        ("stage".into(), profile.stage.clone()),
        ("status".into(), profile.status.clone()),
        ("region".into(), profile.region.clone()),
        ("age_band".into(), profile.age_band.clone()),
        ("kukchi".into(), profile.kukchi.clone()),
        ("csrf".into(), me.csrf_token().unwrap_or_default().to_owned()),
    ];
    form.extend(profile.groups.iter().map(|g| ("groups".to_owned(), g.clone())));
    let saved = request(
        "POST",
        format!("{}/me/profile", app.base_url),
        Some(cookie.clone()),
        None,
        Some(form),
    )
    .await;
    assert_eq!(saved.status, 303, "{name}: profile: {}", saved.body);
    let person = services.my_person(&me).await.expect("person").expect("saved");
    assert_eq!(
        ProfileInput::from(&person.profile),
        profile,
        "{name}: the profile as given"
    );

    // 2. The learning card: issued, with the one-off extra where the groups qualify.
    let card = services.open_my_card(&me).await.expect("card");
    let issued: i64 = card
        .lines
        .iter()
        .filter(|l| l.entry.kind == CardEntryKind::Issue)
        .map(|l| l.entry.amount_won)
        .sum();
    let extra: i64 = card
        .lines
        .iter()
        .filter(|l| l.entry.kind == CardEntryKind::Extra)
        .map(|l| l.entry.amount_won)
        .sum();
    assert_eq!(issued, must(golden, "card_issue_won"), "{name}: card issue");
    assert_eq!(extra, must(golden, "card_extra_won"), "{name}: card extra");

    // 3. The diagnosis: scored, stored, with the gap it was given.
    let next = services.my_diagnosis_form(&me).await.expect("form");
    let run = services
        .submit_my_diagnosis(&me, next.run_no, &answers(next.run_no))
        .await
        .unwrap_or_else(|e| panic!("{name}: diagnosis: {e:?}"));
    assert!(run.outcome.step_reached.is_some(), "{name}: a step is reached");
    let gaps = run.gaps();
    let widest = gaps.iter().max_by_key(|(_, gap)| gap.0).map(|(m, _)| *m);
    assert_eq!(
        widest,
        Some(BasicModule::PromptEngineering),
        "{name}: the gap the answers left"
    );

    // 4. The path: the course is picked for theory online, eligible, with the engine's figures.
    let path = services.my_path(&me).await.expect("path");
    assert_eq!(
        path.latest.as_ref().map(|r| r.id),
        Some(run.id),
        "{name}: the path follows the run"
    );
    let pick = path
        .path
        .steps
        .iter()
        .filter(|s| s.kind == PathStepKind::TheoryOnline)
        .flat_map(|s| s.picks.iter())
        .find(|p| p.course.id == course.id)
        .unwrap_or_else(|| panic!("{name}: the course is on the path: {:?}", path.path.steps));
    let Eligibility::Eligible(estimate) = &pick.eligibility else {
        panic!("{name}: the course is eligible");
    };
    assert!(
        !pick.why.ko.is_empty() && !pick.why.en.is_empty(),
        "{name}: why it was picked"
    );
    if let Some(support) = expected(golden, "path_tuition_support_won") {
        assert_eq!(estimate.totals.tuition_support_won, support, "{name}: path support");
    }
    if let Some(pays) = expected(golden, "path_self_payment_won") {
        assert_eq!(estimate.totals.self_payment_won, pays, "{name}: path self-payment");
    }

    // 5. The application, and 6. its acceptance by the institution's staff.
    let programme = course.programmes[0].to_string();
    let applied = services
        .apply(&me, course.id.as_str(), 0, &programme)
        .await
        .unwrap_or_else(|e| panic!("{name}: apply: {e}"));
    assert_eq!(applied.status, EnrolmentStatus::Applied);
    let staff = service_actor(app, Role::InstitutionStaff).await;
    let accepted = match services
        .decide(&staff, applied.id(), Decision::Accept)
        .await
        .unwrap_or_else(|e| panic!("{name}: accept: {e}"))
    {
        DecisionDone::Accepted(e) => e,
        other => panic!("{name}: not accepted: {other:?}"),
    };
    assert_eq!(accepted.status, EnrolmentStatus::Accepted);
    assert_eq!(accepted.record.fee_won, course.fee_won);
    assert_eq!(
        accepted.record.card_hold_won,
        must(golden, "card_hold_won"),
        "{name}: hold"
    );
    assert_eq!(
        accepted.record.self_payment_won,
        must(golden, "self_payment_won"),
        "{name}: self-payment"
    );

    // 7. The card: the hold is an entry citing its rule and the enrolment; the balance is the
    // sum of the entries.
    let card = services.my_card(&me).await.expect("card").expect("open");
    let balance = must(golden, "balance_after_hold_won");
    assert_eq!(card.account.balance_won, balance, "{name}: balance");
    assert_eq!(card.lines.iter().map(|l| l.entry.amount_won).sum::<i64>(), balance);
    let hold = card
        .lines
        .iter()
        .find(|l| l.entry.kind == CardEntryKind::Hold)
        .unwrap_or_else(|| panic!("{name}: a hold entry"));
    assert_eq!(hold.entry.amount_won, -must(golden, "card_hold_won"));
    assert_eq!(hold.entry.enrolment_id, Some(accepted.id()));
    assert!(
        !hold.rule.id.is_empty() && hold.entry.params.is_object(),
        "{name}: the hold cites its rule"
    );
    assert_eq!(hold.entry.balance_after_won, balance);

    // The trainee's pages say the same.
    let shown = aiup_core::money::Won(balance).to_string();
    let home = request("GET", format!("{}/me", app.base_url), Some(cookie.clone()), None, None).await;
    assert_eq!(home.status, 200);
    assert!(
        home.body.contains(&format!("잔액 {shown}")),
        "{name}: my learning shows the balance"
    );
    assert!(
        home.body.contains("최근 신청: 선발"),
        "{name}: my learning shows the acceptance"
    );
    let card_page = request("GET", format!("{}/me/card", app.base_url), Some(cookie), None, None).await;
    assert_eq!(card_page.status, 200, "{}", card_page.body);
    assert!(
        card_page.body.contains(&shown) || card_page.body.contains(&format!("{balance}")),
        "{name}: the card page shows the balance {shown}"
    );
    accepted.id()
}

async fn journeys(app: TestApp) {
    let golden: Value = serde_json::from_str(GOLDEN).expect("golden journeys");
    let journeys = golden["journeys"].as_array().expect("journeys");
    let course = stock(&app, &journeys[0]).await;
    for other in journeys {
        assert_eq!(
            other["course"], journeys[0]["course"],
            "the journeys share their course"
        );
    }
    create_account(&app, Role::InstitutionStaff, Some(course.institution.as_str())).await;
    create_account(&app, Role::ProgrammeAdmin, None).await;
    let mut enrolments = Vec::new();
    for (i, golden) in journeys.iter().enumerate() {
        enrolments.push(journey(&app, &course, golden, &format!("journey-{i}")).await);
    }
    // The overview counts every journey's person and accepted enrolment.
    let admin = service_actor(&app, Role::ProgrammeAdmin).await;
    let overview = app
        .state
        .app
        .enrolment_overview(&admin, OverviewFilter::default())
        .await
        .expect("overview");
    let row = overview
        .programmes
        .iter()
        .find(|r| r.key == course.programmes[0].as_str())
        .expect("the programme's row");
    let n = i64::try_from(enrolments.len()).expect("count");
    assert_eq!((row.people, row.enrolments), (n, n));
    assert_eq!(row.status(EnrolmentStatus::Accepted), n);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_persons_journey_on_sqlite() {
    journeys(spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_persons_journey_on_postgres() {
    let Some(db) = aiup_store::testing::postgres_test_url().await else {
        return;
    };
    let database = aiup_store::connect(db.url()).await.expect("connect");
    journeys(spawn_app_on(database).await).await;
}
