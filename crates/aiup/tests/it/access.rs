//! Access: every route × every role (and no one), on SQLite and PostgreSQL, judged against the
//! one declared table (`aiup_server::access::ROUTES`); then the attacks that must fail.

use crate::support::{spawn_app, spawn_app_on, TestApp};
use crate::testkit::{accounts_for_every_role, login_of, request, sign_in, token_of, Answer, Browser, TEST_PASSWORD};
use aiup_app::accounts::{NewUser, Role};
use aiup_server::access::{is_api, Access, ROUTES};

/// Fills a route's path parameters with records that exist.
struct Fixture {
    course: String,
    institution: String,
    other_institution: String,
    victim: i64,
    /// The test firm (in the test centre, diagnosed once, with one plan).
    firm: i64,
    plan: i64,
}

async fn stocked(app: &TestApp) -> Fixture {
    let batch = crate::courses::generated(40);
    aiup_app::catalogue::store_and_index(app.state.app.db(), app.state.index(), &batch, "test")
        .await
        .expect("import");
    let institution = batch.courses[0].institution.to_string();
    let other_institution = batch
        .institutions
        .iter()
        .map(|i| i.id.to_string())
        .find(|id| *id != institution)
        .expect("two institutions");
    accounts_for_every_role(app, &institution).await;
    crate::sme_registry::stock(app).await;
    let (victim, _) = app
        .state
        .app
        .accounts()
        .create_user(
            "test",
            NewUser {
                login: "victim".into(),
                display_name: "Victim".into(),
                role: "trainee".into(),
                scope: None,
                password: None,
            },
        )
        .await
        .expect("victim");
    let (firm, plan) = sme_firm(app).await;
    academy_site(app, &institution).await;
    Fixture {
        course: batch.courses[0].id.to_string(),
        institution,
        other_institution,
        victim: victim.id,
        firm,
        plan,
    }
}

/// The test firm, in the test doctor's centre, diagnosed and given a plan: so the SME routes
/// answer with real records for the roles in scope.
async fn sme_firm(app: &TestApp) -> (i64, i64) {
    use aiup_app::sme::{diagnosis, firms, prescription};
    let services = &app.state.app;
    let admin = services
        .operator_actor(&login_of(Role::ProgrammeAdmin))
        .await
        .expect("admin");
    let doctor = services
        .operator_actor(&login_of(Role::TrainingDoctor))
        .await
        .expect("doctor");
    let csv = format!(
        "{}{},접근시험,12,C26,41117,yes,yes,no,0\n",
        crate::sme_registry::HEADER,
        crate::testkit::TEST_FIRM
    );
    firms::import_firms_csv(services, &admin, &csv).await.expect("firm");
    let firm = firms::visible_firm_by_number(services, &admin, crate::testkit::TEST_FIRM)
        .await
        .expect("firm")
        .id;
    firms::assign_centre(services, &admin, firm, Some(crate::testkit::TEST_CENTRE))
        .await
        .expect("assign");
    diagnosis::record_diagnosis(services, &doctor, firm, &crate::sme_package::answers(0, false))
        .await
        .expect("diagnosis");
    let plan = prescription::prescribe(services, &doctor, firm).await.expect("plan");
    (firm, plan.record.id)
}

/// A lab (`lab-01`) run by `institution`, so the academy's site page answers with a record.
async fn academy_site(app: &TestApp, institution: &str) {
    let services = &app.state.app;
    let admin = services
        .operator_actor(&login_of(Role::ProgrammeAdmin))
        .await
        .expect("admin");
    let csv = format!(
        "site_id,kind,name_ko,name_en,institution,region,capacity,designated_on\n\
         lab-01,lab,접근시험 실습장,Access lab,{institution},48123,40,2026-01-02\n"
    );
    aiup_app::infrastructure::import_sites(services, &admin, &csv)
        .await
        .expect("site");
}

fn concrete(path: &str, f: &Fixture) -> String {
    path.replace("/courses/{id}", &format!("/courses/{}", f.course))
        .replace("{query}", "%ED%95%B4%EB%82%A8%EA%B5%B0")
        .replace("/tokens/{id}", "/tokens/999999")
        .replace("/users/{id}", &format!("/users/{}", f.victim))
        .replace("/institutions/{id}", &format!("/institutions/{}", f.institution))
        .replace("/sme/firms/{id}", &format!("/sme/firms/{}", f.firm))
        .replace("/diagnoses/{n}", "/diagnoses/1")
        .replace("/prescriptions/{p}", &format!("/prescriptions/{}", f.plan))
        .replace("{course}", &f.course)
        .replace("{cohort}", "0")
        .replace("/sme/firms/{id}", "/sme/firms/1")
        .replace("/sme/visits/{id}", "/sme/visits/1")
        .replace("/academy/sites/{id}", "/academy/sites/lab-01")
        .replace("/budget/{line}", "/budget/kdt-ai-campus")
        .replace("/admin/reforms/{id}", "/admin/reforms/1")
        .replace("/dashboard/regions/{province}", "/dashboard/regions/46")
}

/// What a caller sends: a session on pages, a token on the API.
async fn call_as(app: &TestApp, role: Option<Role>, method: &str, path: &str) -> Answer {
    let url = format!("{}{path}", app.base_url);
    let api = is_api(path);
    let (cookie, bearer, csrf) = match role {
        None => {
            // The sign-in form's own CSRF cookie, so POST /signin is judged on access alone.
            let token = "0123456789abcdef0123456789abcdef".to_owned();
            (Some(format!("aiup_signin_csrf={token}")), None, token)
        }
        Some(role) if api => (None, Some(token_of(app, role).await), String::new()),
        Some(role) => {
            let Browser { cookie, csrf } = sign_in(app, role).await;
            (Some(format!("aiup_session={cookie}")), None, csrf)
        }
    };
    let form = (method == "POST" && !api).then(|| vec![("csrf".to_owned(), csrf)]);
    let form = form.or_else(|| (method == "POST").then(Vec::new));
    request(method, url, cookie, bearer, form).await
}

fn refused_to_sign_in(a: &Answer) -> bool {
    a.status == 303 && a.location.as_deref().is_some_and(|l| l.starts_with("/signin?next="))
}

/// The expected outcome of the table for one caller, checked against the answer.
fn judge(access: Access, role: Option<Role>, path: &str, a: &Answer) -> Result<(), String> {
    if a.status >= 500 {
        return Err(format!("server error {}: {}", a.status, a.body));
    }
    let allowed = access.admits(role);
    let ok = match (allowed, role, is_api(path)) {
        (true, _, _) => ![401, 403].contains(&a.status) && !refused_to_sign_in(a),
        (false, None, true) => {
            a.status == 401 && a.www_authenticate.as_deref().is_some_and(|w| w.starts_with("Bearer"))
        }
        (false, None, false) => refused_to_sign_in(a),
        (false, Some(_), _) => a.status == 403,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "expected {} but got {} (location {:?}): {}",
            if allowed { "allowed" } else { "refused" },
            a.status,
            a.location,
            a.body.chars().take(200).collect::<String>()
        ))
    }
}

async fn every_route_with_every_role(app: TestApp) {
    let fixture = stocked(&app).await;
    let callers: Vec<Option<Role>> = std::iter::once(None).chain(Role::ALL.into_iter().map(Some)).collect();
    let mut failures = Vec::new();
    let mut checked = 0;
    for (method, path, access) in ROUTES.iter() {
        let concrete_path = concrete(path, &fixture);
        for role in &callers {
            let answer = call_as(&app, *role, method.as_str(), &concrete_path).await;
            checked += 1;
            if let Err(why) = judge(*access, *role, path, &answer) {
                failures.push(format!("{method} {path} as {role:?}: {why}"));
            }
        }
    }
    assert_eq!(checked, ROUTES.len() * callers.len());
    assert!(
        failures.is_empty(),
        "{} of {checked} calls broke the table:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_matrix_on_sqlite() {
    every_route_with_every_role(spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_matrix_on_postgres() {
    let Some(db) = aiup_store::testing::postgres_test_url().await else {
        return;
    };
    let database = aiup_store::connect(db.url()).await.expect("connect");
    every_route_with_every_role(spawn_app_on(database).await).await;
}

#[test]
fn every_served_route_is_in_the_table_and_every_table_row_is_served() {
    // The router refuses unlisted routes (405); this checks the table has no stale rows.
    let sources = [
        include_str!("../../../aiup-server/src/api.rs"),
        include_str!("../../../aiup-server/src/account_api.rs"),
        include_str!("../../../aiup-server/src/pages.rs"),
        include_str!("../../../aiup-server/src/pages/accounts.rs"),
        include_str!("../../../aiup-server/src/pages/admin.rs"),
        include_str!("../../../aiup-server/src/pages/profile.rs"),
        include_str!("../../../aiup-server/src/pages/programme.rs"),
        include_str!("../../../aiup-server/src/people_api.rs"),
        include_str!("../../../aiup-server/src/pages/enrolment.rs"),
        include_str!("../../../aiup-server/src/pages/staff.rs"),
        include_str!("../../../aiup-server/src/pages/card.rs"),
        include_str!("../../../aiup-server/src/pages/diagnosis.rs"),
        include_str!("../../../aiup-server/src/pages/path.rs"),
        include_str!("../../../aiup-server/src/pages/attendance.rs"),
        include_str!("../../../aiup-server/src/pages/checkin.rs"),
        include_str!("../../../aiup-server/src/pages/my_attendance.rs"),
        include_str!("../../../aiup-server/src/pages/statement.rs"),
        include_str!("../../../aiup-server/src/pages/payroll.rs"),
        include_str!("../../../aiup-server/src/pages/sme_registry.rs"),
        include_str!("../../../aiup-server/src/pages/sme_centre.rs"),
        include_str!("../../../aiup-server/src/pages/sme_firm.rs"),
        include_str!("../../../aiup-server/src/pages/sme_hr.rs"),
        include_str!("../../../aiup-server/src/pages/sme_survey.rs"),
        include_str!("../../../aiup-server/src/pages/dashboard/academy.rs"),
        include_str!("../../../aiup-server/src/pages/dashboard/targets.rs"),
        include_str!("../../../aiup-server/src/pages/dashboard/budget.rs"),
        include_str!("../../../aiup-server/src/pages/dashboard/reforms.rs"),
        include_str!("../../../aiup-server/src/pages/dashboard/outcomes.rs"),
        include_str!("../../../aiup-server/src/pages/dashboard/overview.rs"),
        include_str!("../../../aiup-server/src/pages/dashboard/regions.rs"),
        include_str!("../../../aiup-server/src/pages/dashboard/smes.rs"),
    ]
    .join("\n");
    for (_, path, _) in ROUTES.iter() {
        assert!(
            sources.contains(&format!(".route(\"{path}\"")),
            "{path} is in ROUTES but no router serves it"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_see_their_own_institution_and_another_is_not_found() {
    let app = spawn_app().await;
    let f = stocked(&app).await;
    let token = token_of(&app, Role::InstitutionStaff).await;
    let own = request(
        "GET",
        format!("{}/api/v1/institutions/{}/courses", app.base_url, f.institution),
        None,
        Some(token.clone()),
        None,
    )
    .await;
    assert_eq!(own.status, 200, "{}", own.body);
    let body: serde_json::Value = serde_json::from_str(&own.body).expect("json");
    let courses = body["courses"].as_array().expect("courses");
    assert!(!courses.is_empty());
    assert!(courses.iter().all(|c| c["institution"] == f.institution.as_str()));
    let other = request(
        "GET",
        format!("{}/api/v1/institutions/{}/courses", app.base_url, f.other_institution),
        None,
        Some(token),
        None,
    )
    .await;
    assert_eq!(other.status, 404, "{}", other.body);
    assert!(other.body.contains("\"not_found\""));
    // An administrator sees both.
    let admin = token_of(&app, Role::Admin).await;
    let seen = request(
        "GET",
        format!("{}/api/v1/institutions/{}/courses", app.base_url, f.other_institution),
        None,
        Some(admin),
        None,
    )
    .await;
    assert_eq!(seen.status, 200);
}

async fn token_count(app: &TestApp, role: Role) -> usize {
    let accounts = app.state.app.accounts();
    let account = accounts.by_login(&login_of(role)).await.expect("account");
    accounts.tokens_of(account.id).await.expect("tokens").len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_without_or_with_a_wrong_csrf_token_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let _ = stocked(&app).await;
    let browser = sign_in(&app, Role::Trainee).await;
    let before = token_count(&app, Role::Trainee).await;
    let url = format!("{}/account/tokens", app.base_url);
    let cookie = Some(format!("aiup_session={}", browser.cookie));
    for form in [
        vec![("name".to_owned(), "x".to_owned())],
        vec![("name".to_owned(), "x".to_owned()), ("csrf".to_owned(), "0".repeat(64))],
        vec![("name".to_owned(), "x".to_owned()), ("csrf".to_owned(), String::new())],
    ] {
        let a = request("POST", url.clone(), cookie.clone(), None, Some(form)).await;
        assert_eq!(a.status, 403, "{}", a.body);
    }
    assert_eq!(token_count(&app, Role::Trainee).await, before, "nothing changed");
    // With the right token the same form works.
    let form = vec![
        ("name".to_owned(), "x".to_owned()),
        ("csrf".to_owned(), browser.csrf.clone()),
    ];
    let a = request("POST", url, cookie, None, Some(form)).await;
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(token_count(&app, Role::Trainee).await, before + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_id_from_before_sign_in_is_refused_after_it() {
    let app = spawn_app().await;
    let _ = stocked(&app).await;
    let first = sign_in(&app, Role::Trainee).await;
    let account = |cookie: &str| {
        request(
            "GET",
            format!("{}/account", app.base_url),
            Some(format!("aiup_session={cookie}")),
            None,
            None,
        )
    };
    assert_eq!(account(&first.cookie).await.status, 200);
    // Sign in through the form while presenting the old cookie: a new id is issued, the old one ends.
    let csrf = "f".repeat(64);
    let a = request(
        "POST",
        format!("{}/signin", app.base_url),
        Some(format!("aiup_session={}; aiup_signin_csrf={csrf}", first.cookie)),
        None,
        Some(vec![
            ("login".into(), login_of(Role::Trainee)),
            ("password".into(), TEST_PASSWORD.into()),
            ("csrf".into(), csrf),
        ]),
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert!(
        refused_to_sign_in(&account(&first.cookie).await),
        "the id from before sign-in still works"
    );
    // A planted id that was never a session is not signed in either.
    assert!(refused_to_sign_in(&account(&"a".repeat(64)).await));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_or_expired_token_is_401() {
    let app = spawn_app().await;
    let _ = stocked(&app).await;
    let me = |token: String| request("GET", format!("{}/api/v1/me", app.base_url), None, Some(token), None);
    let accounts = app.state.app.accounts();
    let account = accounts.by_login(&login_of(Role::Auditor)).await.expect("account");
    let revoked = accounts
        .issue_token(account.id, "to revoke", Some(30), "test")
        .await
        .expect("token");
    assert_eq!(me(revoked.secret.clone()).await.status, 200);
    accounts
        .revoke_token_of(account.id, revoked.record.id, "test")
        .await
        .expect("revoke");
    let a = me(revoked.secret).await;
    assert_eq!(a.status, 401);
    assert!(a.www_authenticate.is_some());
    let expiring = accounts
        .issue_token(account.id, "short", Some(1), "test")
        .await
        .expect("token");
    assert_eq!(me(expiring.secret.clone()).await.status, 200);
    app.state
        .app
        .clock()
        .advance(chrono::Duration::days(1) + chrono::Duration::seconds(1));
    assert_eq!(me(expiring.secret).await.status, 401);
    // The scheme is matched without regard to case.
    let live = accounts
        .issue_token(account.id, "live", Some(30), "test")
        .await
        .expect("token");
    let a = request("GET", format!("{}/api/v1/me", app.base_url), None, None, None).await;
    assert_eq!(a.status, 401);
    let lower = tokio::task::spawn_blocking({
        let url = format!("{}/api/v1/me", app.base_url);
        move || {
            ureq::get(&url)
                .set("Authorization", &format!("bearer {}", live.secret))
                .call()
                .map(|r| r.status())
                .map_err(|e| e.to_string())
        }
    })
    .await
    .expect("task");
    assert_eq!(lower.ok(), Some(200));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_guessing_past_the_throttle_is_refused_with_the_wait() {
    let app = spawn_app().await;
    let _ = stocked(&app).await;
    let post = |password: &str| {
        let csrf = "c".repeat(64);
        request(
            "POST",
            format!("{}/signin", app.base_url),
            Some(format!("aiup_signin_csrf={csrf}")),
            None,
            Some(vec![
                ("login".into(), login_of(Role::Trainee)),
                ("password".into(), password.into()),
                ("csrf".into(), csrf),
            ]),
        )
    };
    for _ in 0..5 {
        assert_eq!(post("wrong password 12345").await.status, 401);
    }
    let refused = post("wrong password 12345").await;
    assert_eq!(refused.status, 429, "{}", refused.body);
    assert!(
        refused.body.contains("분 후에 다시 시도"),
        "the wait is named: {}",
        refused.body
    );
    // While the wait lasts, even the right password is refused.
    assert_eq!(post(TEST_PASSWORD).await.status, 429);
    // The wait ends by itself: nobody can lock an account for good.
    app.state.app.clock().advance(chrono::Duration::minutes(16));
    assert_eq!(post(TEST_PASSWORD).await.status, 303);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_auditor_cannot_change_anything() {
    let app = spawn_app().await;
    let f = stocked(&app).await;
    let count = || async { app.state.app.accounts().list().await.expect("list").len() };
    let before = count().await;
    let browser = sign_in(&app, Role::Auditor).await;
    let cookie = Some(format!("aiup_session={}", browser.cookie));
    for (path, form) in [
        (
            "/admin/users".to_owned(),
            vec![("login", "sneaky"), ("display_name", "S"), ("role", "admin")],
        ),
        (
            format!("/admin/users/{}", f.victim),
            vec![("display_name", "x"), ("role", "admin")],
        ),
        (format!("/admin/users/{}/password", f.victim), vec![]),
    ] {
        let mut form: Vec<(String, String)> = form.into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
        form.push(("csrf".into(), browser.csrf.clone()));
        let a = request(
            "POST",
            format!("{}{path}", app.base_url),
            cookie.clone(),
            None,
            Some(form),
        )
        .await;
        assert_eq!(a.status, 403, "{path}: {}", a.body);
    }
    let token = token_of(&app, Role::Auditor).await;
    let a = tokio::task::spawn_blocking({
        let url = format!("{}/api/v1/users", app.base_url);
        move || match ureq::post(&url)
            .set("Authorization", &format!("Bearer {token}"))
            .send_json(serde_json::json!({ "login": "sneaky2", "display_name": "S", "role": "admin" }))
        {
            Ok(r) => r.status(),
            Err(ureq::Error::Status(s, _)) => s,
            Err(e) => panic!("{e}"),
        }
    })
    .await
    .expect("task");
    assert_eq!(a, 403);
    assert_eq!(count().await, before, "no account was made");
    let victim = app.state.app.accounts().get(f.victim).await.expect("victim");
    assert_eq!(victim.display_name, "Victim");
}
