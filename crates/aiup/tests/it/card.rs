//! The 국민내일배움카드: the golden card-charge cases, a trainee's card through the services on
//! SQLite and PostgreSQL (open with the extra, hold, conversion, dropout, lapse and renewal,
//! who may read it), and the `/me/card` page.

use crate::golden::{engine, golden_dir, merge, subset};
use crate::support::{spawn_app, spawn_app_on, TestApp};
use crate::testkit::{create_account, request, sign_in, TEST_PASSWORD};
use aiup_app::accounts::{Actor, NewUser, Password, Role, SignIn};
use aiup_app::card::{card_groups, hold_entry, release_entry, CardGroups, ReleaseReason};
use aiup_app::Code;
use aiup_people::{EntryKind, ProfileInput};
use aiup_rules::Engine;
use serde_json::{json, Value};

/// `{totals, tuition, card}` of one request, as the golden cases check them.
fn card_answer(engine: &Engine, request: &Value) -> Result<(Value, aiup_rules::CardCharge), String> {
    let parsed = aiup_rules::parse_request(&request.to_string()).map_err(|e| format!("{e} [{}]", e.code))?;
    let case = engine
        .parse_case(&parsed.case)
        .map_err(|e| format!("{e} [{}]", e.code))?;
    let outcome = engine.evaluate(&case);
    let charge = engine.card_charge(&case, &outcome);
    Ok((
        json!({ "totals": outcome.totals, "tuition": outcome.tuition, "card": charge }),
        charge,
    ))
}

#[test]
fn card_charge_golden_cases() {
    let engine = engine();
    let path = golden_dir().join("card.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("read card.json")).expect("JSON");
    let cases = doc["cases"].as_array().expect("cases");
    assert!(cases.len() >= 12, "{} cases", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let source = case["source"]
            .as_str()
            .filter(|s| !s.is_empty())
            .expect("every case cites its source");
        match card_answer(&engine, &merge(&doc["base"], &case["request"])) {
            Ok((answer, charge)) => {
                let mut problems = Vec::new();
                subset(&case["expect"], &answer, "", &mut problems);
                // What holds for every charge: the card never pays more than the support, and
                // what the trainee pays is the self-payment plus what the card lacks.
                if charge.charge_won > charge.support_won || charge.charge_won > charge.balance_won {
                    problems.push(format!("charge {} exceeds support or balance", charge.charge_won));
                }
                if charge.trainee_pays_won != charge.self_payment_won + charge.shortfall_won {
                    problems.push("trainee_pays ≠ self-payment + shortfall".to_owned());
                }
                let text = charge.explain();
                if text.ko.is_empty() || text.en.is_empty() {
                    problems.push("no explanation".to_owned());
                }
                for id in charge.parameters() {
                    if engine.policy().parameter(id).is_none() {
                        problems.push(format!("cites unknown parameter {id}"));
                    }
                }
                if !problems.is_empty() {
                    failures.push(format!("{name}\n    source: {source}\n    {}", problems.join("\n    ")));
                }
            }
            Err(e) => failures.push(format!("{name}\n    source: {source}\n    refused: {e}")),
        }
    }
    assert!(failures.is_empty(), "card cases failed:\n  {}", failures.join("\n  "));
}

#[test]
fn card_charge_explanations_name_the_cap_and_the_shortfall() {
    let engine = engine();
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(golden_dir().join("card.json")).expect("read")).expect("JSON");
    let request = merge(
        &doc["base"],
        &json!({ "programme": "sandaetuk-entry", "course": { "fee_won": 5_000_000 },
                 "trainee": { "card_balance_won": 800_000 } }),
    );
    let (_, charge) = card_answer(&engine, &request).expect("answer");
    let text = charge.explain();
    assert!(text.ko.contains("최대 ₩2,000,000"), "{}", text.ko);
    assert!(text.ko.contains("₩1,200,000"), "{}", text.ko);
    assert!(
        text.en.contains("at most ₩2,000,000") && text.en.contains("you pay the ₩1,200,000"),
        "{}",
        text.en
    );
    let params = charge.params_json();
    assert_eq!(params["charge_won"], 800_000);
    assert_eq!(params["cap_won"], 2_000_000);
    assert!(params["parameters"]
        .as_array()
        .expect("ids")
        .contains(&json!("tuition.sandaetuk.card_cap_won")));
}

/// A trainee account named `login`, signed in.
async fn trainee(app: &TestApp, login: &str) -> Actor {
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
        .expect("create trainee");
    signed_in(app, login).await
}

pub async fn signed_in(app: &TestApp, login: &str) -> Actor {
    app.state
        .app
        .accounts()
        .sign_in(SignIn {
            login: login.to_owned(),
            password: Password::new(TEST_PASSWORD),
            client_address: "127.0.0.1".to_owned(),
            client: "card-test".to_owned(),
            previous_session: None,
        })
        .await
        .expect("sign in")
        .actor
}

pub fn profile(groups: &[&str], kukchi: &str) -> ProfileInput {
    ProfileInput {
        stage: "entry".to_owned(),
        status: "job_seeker".to_owned(),
        employer_size: String::new(),
        region: "11680".to_owned(),
        age_band: "20_29".to_owned(),
        groups: groups.iter().map(|g| (*g).to_owned()).collect(),
        kukchi: kukchi.to_owned(),
    }
}

/// The card charge of a ₩500,000 card course at 15% for a trainee, exempt or not.
pub fn charge_of(app: &TestApp, exempt: bool) -> aiup_rules::CardCharge {
    let engine = app.state.app.engine();
    let today = app.state.app.today();
    let request = json!({
        "programme": "card-ai-general",
        "course": { "region": "11680", "start_date": today.to_string(),
                    "end_date": (today + chrono::Days::new(60)).to_string(), "total_hours": 160,
                    "hours_per_day": 4, "delivery": "classroom", "fee_won": 500_000,
                    "self_payment_rate_percent": 15 },
        "trainee": { "status": "job_seeker", "exempt_group": exempt },
    });
    card_answer(&engine, &request).expect("card charge").1
}

fn kinds(statement: &aiup_app::card::CardStatement) -> Vec<(EntryKind, i64)> {
    statement.lines.iter().map(|l| (l.kind, l.entry.amount_won)).collect()
}

async fn a_trainees_card_through_the_services(app: TestApp) {
    let services = &app.state.app;
    let kim = trainee(&app, "card-kim").await;
    // No profile yet: the card needs one.
    let refused = services.my_card(&kim).await.expect_err("no profile");
    assert_eq!(refused.code, Code::ProfileRequired);
    // 기초생활수급자 and 국취 I: the one-off extra, and exempt from self-payment.
    services
        .save_my_profile(&kim, &profile(&["low_income"], "type_1"))
        .await
        .expect("profile");
    assert!(services.my_card(&kim).await.expect("read").is_none());

    let person = services.require_my_person(&kim).await.expect("person");
    assert_eq!(
        card_groups(&services.engine(), &person.profile, services.today()),
        CardGroups {
            exempt: true,
            extra: true
        }
    );
    let opened = services.open_my_card(&kim).await.expect("open");
    assert_eq!(
        kinds(&opened),
        [(EntryKind::Issue, 3_000_000), (EntryKind::Extra, 2_000_000)]
    );
    assert_eq!(opened.account.balance_won, 5_000_000);
    assert_eq!(opened.account.issued_on, services.today());
    assert!(!opened.extra_due);
    // Every line cites its rule: the parameter's description and public citation.
    for line in &opened.lines {
        assert!(line.rule.description.is_some(), "{line:?}");
        assert_eq!(line.rule.cite.as_deref(), Some("aiup:research"), "{line:?}");
    }
    assert_eq!(
        opened.lines[1].entry.params["tuition.card.extra_groups"],
        json!(["low_income"])
    );
    // Opening again changes nothing.
    let again = services.open_my_card(&kim).await.expect("open again");
    assert_eq!(again.lines.len(), 2);

    // Accepted: the exempt trainee's card holds the whole ₩500,000 (research C5).
    let charge = charge_of(&app, true);
    assert_eq!((charge.charge_won, charge.trainee_pays_won), (500_000, 0));
    let card_id = opened.account.id;
    let today = services.today();
    let hold = hold_entry(&charge, 101, today).expect("a hold");
    services.db().cards().post(card_id, &hold, "staff").await.expect("hold");
    // A second enrolment is refused by the institution: its hold comes back.
    let other = hold_entry(&charge_of(&app, false), 102, today).expect("a hold");
    assert_eq!(other.amount_won, 425_000);
    services
        .db()
        .cards()
        .post(card_id, &other, "staff")
        .await
        .expect("hold");
    services
        .db()
        .cards()
        .post(
            card_id,
            &release_entry(425_000, 102, today, ReleaseReason::Refused),
            "staff",
        )
        .await
        .expect("release");
    // Training starts: the hold becomes a charge.
    services
        .convert_card_hold("staff", card_id, 101, today)
        .await
        .expect("convert");
    // A first unjustified dropout elsewhere: ₩200,000.
    let deducted = services
        .deduct_card_for_dropout("staff", card_id, 1)
        .await
        .expect("dropout");
    assert_eq!(deducted.amount_won, -200_000);

    let statement = services.my_card(&kim).await.expect("read").expect("a card");
    assert_eq!(
        kinds(&statement)[2..],
        [
            (EntryKind::Hold, -500_000),
            (EntryKind::Hold, -425_000),
            (EntryKind::Release, 425_000),
            (EntryKind::Release, 500_000),
            (EntryKind::Charge, -500_000),
            (EntryKind::DropoutDeduction, -200_000),
        ]
    );
    assert_eq!(statement.account.balance_won, 4_300_000);
    assert_eq!(statement.lines[2].entry.enrolment_id, Some(101));
    assert_eq!(statement.lines[2].rule.id, "tuition.card.charging_schemes");
    assert_eq!(statement.lines[2].entry.params["charge_won"], 500_000);
    assert_eq!(statement.lines[4].entry.params["reason"], "refused");
    assert_eq!(statement.lines[4].rule.id, "tuition.card.charging_schemes");
    assert_eq!(statement.lines[7].rule.id, "tuition.card.dropout_deductions_won");

    // A hold above the balance is refused with its code, and nothing is written.
    let too_much = aiup_store::NewCardEntry {
        amount_won: 4_300_001,
        ..hold.clone()
    };
    match services.db().cards().post(card_id, &too_much, "staff").await {
        Err(aiup_store::CardError::Refused(r)) => {
            assert_eq!(aiup_app::card::refusal_error(&r).code, Code::InsufficientBalance);
        }
        other => panic!("expected a refusal: {other:?}"),
    }
    assert_eq!(
        services.db().cards().balance(card_id).await.expect("balance"),
        4_300_000
    );

    // Who may read the card: programme administrators, auditors and administrators; not another
    // trainee, not a training doctor.
    let lee = trainee(&app, "card-lee").await;
    let lee_person = services
        .save_my_profile(&lee, &profile(&["career_break_woman"], "type_2"))
        .await
        .expect("profile");
    assert_eq!(
        card_groups(&services.engine(), &lee_person.profile, services.today()),
        CardGroups {
            exempt: false,
            extra: false
        }
    );
    assert_eq!(
        services
            .card_of_person(&lee, statement.person)
            .await
            .expect_err("other trainee")
            .code,
        Code::NotFound
    );
    for (role, allowed) in [
        (Role::ProgrammeAdmin, true),
        (Role::Auditor, true),
        (Role::Admin, true),
        (Role::TrainingDoctor, false),
    ] {
        let scope = (role == Role::TrainingDoctor).then_some(crate::testkit::TEST_CENTRE);
        create_account(&app, role, scope).await;
        let actor = signed_in(&app, &crate::testkit::login_of(role)).await;
        let read = services.card_of_person(&actor, statement.person).await;
        assert_eq!(read.is_ok(), allowed, "{role:?}: {read:?}");
    }
    // Kim reads their own card by person id too.
    assert!(services
        .card_of_person(&kim, statement.person)
        .await
        .expect("own")
        .is_some());

    // Five years on, the balance lapses and a new card is opened.
    services.clock().advance(chrono::Duration::days(365 * 5 + 2));
    let lapsed = services.my_card(&kim).await.expect("read").expect("card");
    assert!(lapsed.lapsed);
    let renewed = services.open_my_card(&kim).await.expect("renew");
    assert_ne!(renewed.account.id, card_id);
    assert_eq!(renewed.account.balance_won, 5_000_000);
    let old = services.db().cards().statement(card_id).await.expect("old statement");
    let last = old.last().expect("entries");
    assert_eq!(
        (last.kind.as_str(), last.amount_won, last.balance_after_won),
        ("expiry", -4_300_000, 0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trainees_card_on_sqlite() {
    a_trainees_card_through_the_services(spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trainees_card_on_postgres() {
    let Some(pg) = aiup_store::testing::postgres_test_url().await else {
        return;
    };
    let db = aiup_store::connect(pg.url()).await.expect("connect");
    a_trainees_card_through_the_services(spawn_app_on(db).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_card_page_opens_the_account_and_shows_each_entry_with_its_rule() {
    let app = spawn_app().await;
    create_account(&app, Role::Trainee, None).await;
    let browser = sign_in(&app, Role::Trainee).await;
    let cookie = Some(format!("aiup_session={}", browser.cookie));
    let url = |path: &str| format!("{}{path}", app.base_url);

    // Without a profile: a way to the profile, not an error page.
    let page = request("GET", url("/me/card"), cookie.clone(), None, None).await;
    assert_eq!(page.status, 409, "{}", page.body);
    assert!(page.body.contains("href=\"/me/profile\""), "{}", page.body);

    let actor = signed_in(&app, &crate::testkit::login_of(Role::Trainee)).await;
    app.state
        .app
        .save_my_profile(&actor, &profile(&["single_parent"], "none"))
        .await
        .expect("profile");
    let page = request("GET", url("/me/card"), cookie.clone(), None, None).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("카드 계좌 열기"), "{}", page.body);

    // A post without the CSRF token changes nothing.
    let forged = request("POST", url("/me/card"), cookie.clone(), None, Some(vec![])).await;
    assert_eq!(forged.status, 403);
    assert!(app.state.app.my_card(&actor).await.expect("read").is_none());

    let opened = request(
        "POST",
        url("/me/card"),
        cookie.clone(),
        None,
        Some(vec![("csrf".to_owned(), browser.csrf.clone())]),
    )
    .await;
    assert_eq!(opened.status, 303);
    assert_eq!(opened.location.as_deref(), Some("/me/card?done=updated"));

    let page = request("GET", url("/me/card?done=updated"), cookie.clone(), None, None).await;
    assert_eq!(page.status, 200);
    for text in [
        "₩5,000,000",
        "+₩3,000,000",
        "+₩2,000,000",
        "발급",
        "추가 한도",
        "내일배움카드 계좌 한도(5년)",
    ] {
        assert!(page.body.contains(text), "missing {text}: {}", page.body);
    }
    assert!(
        !page.body.contains("카드 계좌 열기"),
        "an open card offers no second opening"
    );
    let english = request("GET", url("/me/card?lang=en"), cookie.clone(), None, None).await;
    for text in [
        "My learning card",
        "Balance",
        "One-off extra",
        "Learning-card account over 5 years",
    ] {
        assert!(english.body.contains(text), "missing {text}: {}", english.body);
    }

    // Other roles may not use the page.
    create_account(&app, Role::Auditor, None).await;
    let auditor = sign_in(&app, Role::Auditor).await;
    let refused = request(
        "GET",
        url("/me/card"),
        Some(format!("aiup_session={}", auditor.cookie)),
        None,
        None,
    )
    .await;
    assert_eq!(refused.status, 403);
}
