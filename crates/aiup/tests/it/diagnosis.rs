//! The AI-competency diagnosis over HTTP, on SQLite and PostgreSQL: a trainee takes it, sees the
//! result and their history; a form sent twice stores nothing more; another trainee cannot read
//! the run (404); the learning path answers with the trainee's courses.

use crate::support::{spawn_app, spawn_app_on, TestApp};
use crate::testkit::{request, Answer, TEST_PASSWORD};
use aiup_app::accounts::{Actor, NewUser, Password, SignIn};
use aiup_catalogue::BasicModule;
use aiup_diagnosis::run::field_name;
use aiup_diagnosis::Bank;
use aiup_people::ProfileInput;

/// A trainee, signed in through the service, with a profile.
struct Trainee {
    actor: Actor,
    cookie: String,
    csrf: String,
}

async fn trainee(app: &TestApp, login: &str) -> Trainee {
    let accounts = app.state.app.accounts();
    accounts
        .create_user(
            "test",
            NewUser {
                login: login.to_owned(),
                display_name: login.to_owned(),
                role: "trainee".to_owned(),
                scope: None,
                password: Some(Password::new(TEST_PASSWORD)),
            },
        )
        .await
        .expect("create trainee");
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
    Trainee {
        csrf: session.actor.csrf_token().unwrap_or_default().to_owned(),
        cookie: format!("aiup_session={}", session.cookie_value),
        actor: session.actor,
    }
}

async fn with_profile(app: &TestApp, t: &Trainee) {
    let input = ProfileInput {
        stage: "participation".to_owned(),
        status: "job_seeker".to_owned(),
        employer_size: String::new(),
        region: "11680".to_owned(),
        age_band: "30_34".to_owned(),
        groups: Vec::new(),
        kukchi: "none".to_owned(),
    };
    app.state.app.save_my_profile(&t.actor, &input).await.expect("profile");
}

async fn get(app: &TestApp, t: &Trainee, path: &str) -> Answer {
    request(
        "GET",
        format!("{}{path}", app.base_url),
        Some(t.cookie.clone()),
        None,
        None,
    )
    .await
}

async fn post(app: &TestApp, t: &Trainee, path: &str, mut form: Vec<(String, String)>) -> Answer {
    form.push(("csrf".to_owned(), t.csrf.clone()));
    request(
        "POST",
        format!("{}{path}", app.base_url),
        Some(t.cookie.clone()),
        None,
        Some(form),
    )
    .await
}

/// The answers to run `run_no`: right everywhere except data bias, where every answer is wrong.
fn answers(run_no: u32) -> Vec<(String, String)> {
    let mut form = vec![("run".to_owned(), run_no.to_string())];
    for item in Bank::embedded().form(run_no) {
        let right = item.answer + 1;
        let given = if item.module == BasicModule::DataBias {
            right % 4 + 1
        } else {
            right
        };
        form.push((field_name(item), given.to_string()));
    }
    form
}

async fn diagnosis_flow(app: TestApp) {
    let batch = crate::courses::generated(300);
    aiup_app::catalogue::store_and_index(app.state.app.db(), app.state.index(), &batch, "test")
        .await
        .expect("import");
    let kim = trainee(&app, "diagnosis-kim").await;

    // Without a profile the pages say what to do, and nothing can be submitted.
    let start = get(&app, &kim, "/me/diagnosis").await;
    assert_eq!(start.status, 200, "{}", start.body);
    assert!(start.body.contains("프로필"), "{}", start.body);
    let refused = post(&app, &kim, "/me/diagnosis", answers(1)).await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(refused.body.contains("프로필"), "{}", refused.body);
    with_profile(&app, &kim).await;

    // The form asks the run's 30 items, each once, with the run number.
    let start = get(&app, &kim, "/me/diagnosis").await;
    assert!(start.body.contains("진단 시작하기"), "{}", start.body);
    let form = get(&app, &kim, "/me/diagnosis/take").await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains(r#"name="run" value="1""#));
    let asked = Bank::embedded().form(1);
    assert_eq!(asked.len(), 30);
    for item in &asked {
        let radios = form.body.matches(&format!(r#"name="{}""#, field_name(item))).count();
        assert_eq!(radios, 4, "{} has four options", item.id);
    }

    // Submitting scores and stores the run, then shows it.
    let submitted = post(&app, &kim, "/me/diagnosis", answers(1)).await;
    assert_eq!(submitted.status, 303, "{}", submitted.body);
    let location = submitted.location.expect("location");
    assert!(location.starts_with("/me/diagnosis/runs/"), "{location}");
    let result = get(&app, &kim, &location).await;
    assert_eq!(result.status, 200, "{}", result.body);
    // Each step is 8 of 10 right (its two data-bias items wrong): every step passes at 60%.
    assert!(result.body.contains("도달 단계: 솔루션 개발"), "{}", result.body);
    assert!(
        result
            .body
            .contains("데이터 편향: 6문항 중 0문항 정답(0%) — 목표(70%)보다 70%p 낮습니다"),
        "{}",
        result.body
    );
    assert!(result.body.contains("프롬프트 엔지니어링: 6문항 중 6문항 정답(100%)"));
    let english = get(&app, &kim, &format!("{location}?lang=en")).await;
    assert!(
        english.body.contains("Data bias: 0 of 6 right (0%) — 70% points below"),
        "{}",
        english.body
    );

    // The same form again is a conflict, and nothing more is stored.
    let again = post(&app, &kim, "/me/diagnosis", answers(1)).await;
    assert_eq!(again.status, 409, "{}", again.body);
    assert!(again.body.contains("이미 제출되었습니다"), "{}", again.body);
    let history = app.state.app.my_diagnosis_history(&kim.actor).await.expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].taken_on, app.state.app.today());

    // A bad answer is refused by field, and nothing is stored.
    let mut bad = answers(2);
    bad[1].1 = "7".to_owned();
    let bad = post(&app, &kim, "/me/diagnosis", bad).await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("1–4 사이의 보기 번호가 아닙니다"), "{}", bad.body);
    assert_eq!(app.state.app.my_diagnosis_history(&kim.actor).await.unwrap().len(), 1);

    // A retake asks other items and goes into the history, shown as a chart and a table.
    let retake = get(&app, &kim, "/me/diagnosis/take").await;
    assert!(retake.body.contains(r#"name="run" value="2""#));
    assert!(!retake.body.contains(&format!(r#"name="{}""#, field_name(asked[0]))));
    let second = post(&app, &kim, "/me/diagnosis", answers(2)).await;
    assert_eq!(second.status, 303, "{}", second.body);
    let history = get(&app, &kim, "/me/diagnosis/history").await;
    assert_eq!(history.status, 200, "{}", history.body);
    assert!(history.body.contains("<svg") && history.body.contains(r#"role="img""#));
    assert!(history.body.contains("<polyline"));
    assert!(history.body.contains(r#"id="history-table""#));
    assert_eq!(history.body.matches("<tr>").count(), 3, "a header row and two runs");

    // Every page speaks one language and marks the other (the languages test's checks).
    for page in [
        "/me/diagnosis",
        "/me/diagnosis/take",
        location.as_str(),
        "/me/diagnosis/history",
        "/me/path",
    ] {
        for (lang, path) in [("ko", page.to_owned()), ("en", format!("{page}?lang=en"))] {
            let answer = get(&app, &kim, &path).await;
            assert_eq!(answer.status, 200, "{path}: {}", answer.body);
            let found = crate::languages::problems(&path, lang, &answer.body, &[]);
            assert!(found.is_empty(), "{found:#?}");
        }
    }

    // Another trainee cannot read it: not found, as if it did not exist.
    let lee = trainee(&app, "diagnosis-lee").await;
    with_profile(&app, &lee).await;
    let stolen = get(&app, &lee, &location).await;
    assert_eq!(stolen.status, 404, "{}", stolen.body);
    assert!(!stolen.body.contains("데이터 편향: 6문항"));
    let missing = get(&app, &lee, "/me/diagnosis/runs/999999").await;
    assert_eq!(missing.status, 404);
    let empty = get(&app, &lee, "/me/diagnosis/history").await;
    assert!(empty.body.contains("아직 진단 기록이 없습니다"), "{}", empty.body);

    // The learning path follows the latest run: data bias first, links to course pages.
    let path = get(&app, &kim, "/me/path").await;
    assert_eq!(path.status, 200, "{}", path.body);
    assert!(path.body.contains("2회차 진단"), "{}", path.body);
    let mine = app.state.app.my_path(&kim.actor).await.expect("path");
    assert!(
        !mine.path.steps.is_empty(),
        "the generated catalogue has courses for the path"
    );
    let first = &mine.path.steps[0].picks[0];
    assert!(path.body.contains("추천 이유"), "{}", path.body);
    if first.course.modules.contains(&BasicModule::DataBias) {
        assert!(first.why.ko.contains("데이터 편향(70%p)"), "{}", first.why.ko);
    }
    for step in &mine.path.steps {
        for pick in &step.picks {
            assert!(path.body.contains(&format!("/courses/{}", pick.course.id)));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnosis_on_sqlite() {
    diagnosis_flow(spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnosis_on_postgres() {
    let Some(db) = aiup_store::testing::postgres_test_url().await else {
        return;
    };
    let database = aiup_store::connect(db.url()).await.expect("connect");
    diagnosis_flow(spawn_app_on(database).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_path_never_shows_an_ineligible_course_as_eligible() {
    let app = spawn_app().await;
    let batch = crate::courses::generated(600);
    aiup_app::catalogue::store_and_index(app.state.app.db(), app.state.index(), &batch, "test")
        .await
        .expect("import");
    // An employee of a large firm: several programmes are for job seekers or SMEs only.
    let park = trainee(&app, "diagnosis-park").await;
    let input = ProfileInput {
        stage: "participation".to_owned(),
        status: "employed".to_owned(),
        employer_size: "large_1000".to_owned(),
        region: "26440".to_owned(),
        age_band: "40_49".to_owned(),
        groups: Vec::new(),
        kukchi: "none".to_owned(),
    };
    app.state
        .app
        .save_my_profile(&park.actor, &input)
        .await
        .expect("profile");
    let mine = app.state.app.my_path(&park.actor).await.expect("path");
    let engine = app.state.app.engine();
    let profile = aiup_app::catalogue::Profile::of(
        aiup_core::TraineeStatus::Employed,
        Some(aiup_core::EmployerSize::Large1000),
    );
    let today = app.state.app.today();
    let mut picks = 0;
    for step in &mine.path.steps {
        for pick in &step.picks {
            picks += 1;
            assert!(
                aiup_app::catalogue::support(&engine, &pick.course, &profile, today).is_ok(),
                "{} is picked but the rules engine does not price it for this profile",
                pick.course.id
            );
        }
        for listed in &step.not_eligible {
            assert!(aiup_app::catalogue::support(&engine, &listed.course, &profile, today).is_err());
        }
    }
    let refused: usize = mine.path.steps.iter().map(|s| s.not_eligible.len()).sum();
    assert!(picks > 0, "some course is open to a large-firm employee");
    assert!(refused > 0, "and some is not, listed apart with its reason");
    let page = get(&app, &park, "/me/path").await;
    assert_eq!(page.status, 200, "{}", page.body);
}

/// In a real browser: start from the page, answer by clicking the radio buttons, submit, and read
/// the result and the history (the pages need no JavaScript).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trainee_takes_the_diagnosis_in_a_browser() {
    use aiup_app::accounts::Role;
    use fantoccini::Locator;
    let Some(b) = crate::browser::Browser::start().await else {
        return;
    };
    crate::testkit::create_account(&b.app, Role::Trainee, None).await;
    let session = b
        .app
        .state
        .app
        .accounts()
        .sign_in(SignIn {
            login: crate::testkit::login_of(Role::Trainee),
            password: Password::new(TEST_PASSWORD),
            client_address: "127.0.0.1".into(),
            client: "test".into(),
            previous_session: None,
        })
        .await
        .expect("sign in");
    let profile = Trainee {
        actor: session.actor,
        cookie: String::new(),
        csrf: String::new(),
    };
    with_profile(&b.app, &profile).await;

    b.goto("/signin").await;
    b.submit_sign_in(Role::Trainee).await;
    b.goto("/me/diagnosis").await;
    let start = b
        .client
        .find(Locator::Css("a.button[href='/me/diagnosis/take']"))
        .await
        .expect("start link");
    b.click_element_and_wait(start).await;
    // Every answer right except data bias, which is left unanswered.
    for item in Bank::embedded().form(1) {
        if item.module == BasicModule::DataBias {
            continue;
        }
        let id = format!("{}-{}", field_name(item), item.answer + 1);
        let radio = b.client.find(Locator::Id(&id)).await.expect("radio");
        radio.click().await.expect("click");
    }
    let submit = b
        .client
        .find(Locator::Css("form[action='/me/diagnosis'] button[type='submit']"))
        .await
        .expect("submit");
    b.click_element_and_wait(submit).await;
    assert_eq!(b.text("h1").await, "1회차 진단 결과");
    assert_eq!(b.text("#step-reached").await, "솔루션 개발");
    assert!(b.text("main").await.contains("데이터 편향: 6문항 중 0문항 정답(0%)"));
    assert!(
        b.text("main").await.contains("답하지 않음"),
        "unanswered items are shown as such"
    );

    b.goto("/me/diagnosis/history").await;
    let rows = b
        .client
        .find_all(Locator::Css("#history-table tbody tr"))
        .await
        .expect("rows");
    assert_eq!(rows.len(), 1);
}
