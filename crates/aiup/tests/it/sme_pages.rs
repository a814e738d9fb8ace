//! The SME firm pages over HTTP, on SQLite and PostgreSQL: the training doctor's diagnosis form
//! (every bad answer beside its question, nothing stored), the report, the plan, the HR lead's
//! acceptance and enrolment form, the targets page; and scope on every new route: a doctor of
//! another centre and the HR lead of another firm get 404 wherever their role is admitted.

use crate::sme_registry::{number, HEADER};
use crate::support::{spawn_app, spawn_app_on, TestApp};
use crate::testkit::{accounts_for_every_role, request, sign_in, Browser, TEST_CENTRE, TEST_FIRM, TEST_PASSWORD};
use aiup_app::accounts::{NewUser, Password, Role, SignIn};
use aiup_app::sme::firms;
use aiup_sme::questionnaire::Role as ItemRole;

async fn outsider(app: &TestApp, login: &str, role: Role, scope: &str) -> Browser {
    let accounts = app.state.app.accounts();
    accounts
        .create_user(
            "test",
            NewUser {
                login: login.to_owned(),
                display_name: login.to_owned(),
                role: role.as_str().to_owned(),
                scope: Some(scope.to_owned()),
                password: Some(Password::new(TEST_PASSWORD)),
            },
        )
        .await
        .expect("outsider");
    let session = accounts
        .sign_in(SignIn {
            login: login.to_owned(),
            password: Password::new(TEST_PASSWORD),
            client_address: "127.0.0.1".into(),
            client: "test".into(),
            previous_session: None,
        })
        .await
        .expect("sign in");
    Browser {
        csrf: session.actor.csrf_token().unwrap_or_default().to_owned(),
        cookie: session.cookie_value,
    }
}

async fn get(app: &TestApp, who: &Browser, path: &str) -> crate::testkit::Answer {
    request(
        "GET",
        format!("{}{path}", app.base_url),
        Some(format!("aiup_session={}", who.cookie)),
        None,
        None,
    )
    .await
}

async fn post(app: &TestApp, who: &Browser, path: &str, mut form: Vec<(String, String)>) -> crate::testkit::Answer {
    form.push(("csrf".into(), who.csrf.clone()));
    request(
        "POST",
        format!("{}{path}", app.base_url),
        Some(format!("aiup_session={}", who.cookie)),
        None,
        Some(form),
    )
    .await
}

/// The diagnosis form as a browser posts it (checkboxes repeat their name).
fn form_of(answers: &aiup_sme::assessment::Answers) -> Vec<(String, String)> {
    answers
        .iter()
        .flat_map(|(k, vs)| vs.iter().map(move |v| (k.clone(), v.clone())))
        .collect()
}

async fn pages(app: TestApp) {
    let services = &app.state.app;
    let batch = crate::courses::generated(60);
    aiup_app::catalogue::store_and_index(services.db(), app.state.index(), &batch, "test")
        .await
        .expect("catalogue");
    accounts_for_every_role(&app, batch.courses[0].institution.as_str()).await;
    let admin = services
        .operator_actor(&crate::testkit::login_of(Role::ProgrammeAdmin))
        .await
        .expect("admin");
    let csv = format!(
        "{HEADER}{TEST_FIRM},페이지시험,12,C26,41117,yes,yes,no,0\n{},남의회사,5,C26,41117,yes,no,no,0\n",
        number(9)
    );
    firms::import_firms_csv(services, &admin, &csv).await.expect("firms");
    let firm = firms::visible_firm_by_number(services, &admin, TEST_FIRM)
        .await
        .expect("firm")
        .id;
    firms::assign_centre(services, &admin, firm, Some(TEST_CENTRE))
        .await
        .expect("assign");

    let doctor = sign_in(&app, Role::TrainingDoctor).await;
    let hr = sign_in(&app, Role::SmeHrLead).await;
    let programme_admin = sign_in(&app, Role::ProgrammeAdmin).await;
    let far_doctor = outsider(&app, "doctor-far", Role::TrainingDoctor, "centre-busan").await;
    let other_hr = outsider(&app, "hr-elsewhere", Role::SmeHrLead, &number(9)).await;

    // The form: every question, Korean first, English with lang=en.
    let base = format!("/sme/firms/{firm}");
    let form = get(&app, &doctor, &format!("{base}/diagnosis")).await;
    assert_eq!(form.status, 200, "{}", form.body);
    let q = aiup_sme::questionnaire::questionnaire();
    for item in &q.items {
        assert!(
            form.body.contains(&format!("name=\"{}\"", item.id)),
            "{} is asked",
            item.id
        );
    }
    assert!(form.body.contains(&q.item("ai_use").expect("item").question.ko));
    let en = get(&app, &doctor, &format!("{base}/diagnosis?lang=en")).await;
    assert!(en.body.contains(&q.item("ai_use").expect("item").question.en));

    // Bad answers: 422, each beside its question, nothing stored.
    let mut answers = crate::sme_package::answers(1, true);
    answers.remove("length");
    answers.insert("ai_training_hours".into(), vec!["-1".into()]);
    let bad = post(&app, &doctor, &format!("{base}/diagnosis"), form_of(&answers)).await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("id=\"length-error\"") && bad.body.contains("id=\"ai_training_hours-error\""));
    assert!(
        bad.body.contains("value=\"outsourced_classroom\" checked"),
        "answers given are kept"
    );
    assert_eq!(
        services.db().sme_diagnoses().next_diagnosis_no(firm).await.expect("no"),
        1,
        "nothing stored"
    );

    // A good diagnosis: 303 to the report.
    let answers = crate::sme_package::answers(1, true);
    let saved = post(&app, &doctor, &format!("{base}/diagnosis"), form_of(&answers)).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(saved.location.as_deref(), Some(format!("{base}/diagnoses/1").as_str()));
    let report = get(&app, &doctor, &format!("{base}/diagnoses/1")).await;
    assert_eq!(report.status, 200);
    assert!(report.body.contains("badge--ax-intermediate") && report.body.contains("id=\"reasons\""));
    for item in q.items.iter().filter(|i| i.role == ItemRole::Readiness) {
        assert!(
            report.body.contains(&item.question.ko),
            "the reason of {} is shown",
            item.id
        );
    }

    // The plan.
    let made = post(&app, &doctor, &format!("{base}/prescriptions"), vec![]).await;
    assert_eq!(made.status, 303, "{}", made.body);
    let plan_path = made.location.clone().expect("location");
    let plan_path = plan_path.split('?').next().expect("path").to_owned();
    let plan_id = plan_path.rsplit('/').next().expect("id").to_owned();
    let plan = get(&app, &hr, &plan_path).await;
    assert_eq!(plan.status, 200, "{}", plan.body);

    // Scope on every new route: another centre's doctor and another firm's HR lead get 404.
    let scoped_gets = [
        base.clone(),
        format!("{base}/diagnosis"),
        format!("{base}/diagnoses/1"),
        plan_path.clone(),
    ];
    for path in &scoped_gets {
        for (who, name) in [
            (&far_doctor, "doctor of another centre"),
            (&other_hr, "HR lead of another firm"),
        ] {
            let a = get(&app, who, path).await;
            assert!(
                a.status == 404 || (a.status == 403 && name.starts_with("HR") && path.ends_with("/diagnosis")),
                "GET {path} as {name}: {} {}",
                a.status,
                a.body.chars().take(200).collect::<String>()
            );
        }
    }
    let far = post(&app, &far_doctor, &format!("{base}/diagnosis"), form_of(&answers)).await;
    assert_eq!(far.status, 404, "POST diagnosis by another centre's doctor");
    let far = post(&app, &far_doctor, &format!("{base}/prescriptions"), vec![]).await;
    assert_eq!(far.status, 404, "POST prescriptions by another centre's doctor");
    let theirs = post(
        &app,
        &other_hr,
        &format!("/firm/prescriptions/{plan_id}/accept"),
        vec![],
    )
    .await;
    assert_eq!(theirs.status, 404, "another firm's HR lead cannot accept");
    let theirs = post(&app, &other_hr, &format!("/firm/prescriptions/{plan_id}/enrol"), vec![]).await;
    assert_eq!(theirs.status, 404, "another firm's HR lead cannot enrol");
    let elsewhere = get(&app, &other_hr, "/firm").await;
    assert_eq!(elsewhere.status, 200, "{}", elsewhere.body);
    assert!(
        elsewhere.body.contains("남의회사") && !elsewhere.body.contains("페이지시험"),
        "their own firm only"
    );

    // The HR lead: enrol before accepting is refused; accept; the form to enrol appears.
    let home = get(&app, &hr, "/firm").await;
    assert_eq!(home.status, 200, "{}", home.body);
    assert!(home.body.contains(&format!("id=\"accept-{plan_id}\"")));
    let early = post(&app, &hr, &format!("/firm/prescriptions/{plan_id}/enrol"), vec![]).await;
    assert_eq!(early.status, 409, "plan_not_accepted: {}", early.body);
    let accepted = post(&app, &hr, &format!("/firm/prescriptions/{plan_id}/accept"), vec![]).await;
    assert_eq!(accepted.status, 303);
    let home = get(&app, &hr, "/firm?done=accepted").await;
    assert!(!home.body.contains(&format!("id=\"accept-{plan_id}\"")));
    let again = post(&app, &hr, &format!("/firm/prescriptions/{plan_id}/accept"), vec![]).await;
    assert_eq!(again.status, 409);

    // The targets, from the policy, for the programme's readers only.
    let targets = get(&app, &programme_admin, "/admin/sme").await;
    assert_eq!(targets.status, 200, "{}", targets.body);
    for id in aiup_app::sme::outcomes::TARGET_PROGRAMMES {
        assert!(targets.body.contains(&format!("id=\"target-{id}\"")), "{id}");
    }
    assert_eq!(get(&app, &hr, "/admin/sme").await.status, 403);
}

#[tokio::test(flavor = "multi_thread")]
async fn sme_pages_on_sqlite() {
    pages(spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sme_pages_on_postgres() {
    let Some(pg) = aiup_store::testing::postgres_test_url().await else {
        return;
    };
    let db = aiup_store::connect(pg.url()).await.expect("connect");
    pages(spawn_app_on(db).await).await;
}
