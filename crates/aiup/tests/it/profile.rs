//! The trainee's profile (form and JSON API), the reach of a person's record, and the programme
//! administrator's overview, whose counts must match the rows inserted, on both backends.

use crate::support::{spawn_app, spawn_app_on, TestApp};
use crate::testkit::{create_account, login_of, request, sign_in, token_of, Answer, TEST_PASSWORD};
use aiup_app::accounts::{Actor, NewUser, Password, Role, SignIn};
use aiup_app::programme::OverviewFilter;
use aiup_app::Code;
use aiup_people::EnrolmentStatus;
use aiup_store::testing::enrolment_reports::{insert_enrolment, insert_person};

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

async fn actor_of(app: &TestApp, login: &str) -> Actor {
    app.state
        .app
        .accounts()
        .sign_in(SignIn {
            login: login.to_owned(),
            password: Password::new(TEST_PASSWORD),
            client_address: "127.0.0.1".into(),
            client: "profile-test".into(),
            previous_session: None,
        })
        .await
        .expect("sign in")
        .actor
}

/// An account of `role` named `login`, with the test password.
async fn create_login(app: &TestApp, login: &str, role: &str, scope: Option<&str>) {
    app.state
        .app
        .accounts()
        .create_user(
            "test",
            NewUser {
                login: login.to_owned(),
                display_name: login.to_owned(),
                role: role.to_owned(),
                scope: scope.map(str::to_owned),
                password: Some(Password::new(TEST_PASSWORD)),
            },
        )
        .await
        .unwrap_or_else(|e| panic!("create {login}: {e}"));
}

fn job_seeker_in_jongno() -> aiup_people::ProfileInput {
    aiup_people::ProfileInput {
        stage: "entry".into(),
        status: "job_seeker".into(),
        region: "11110".into(),
        age_band: "20_29".into(),
        ..Default::default()
    }
}

async fn post_profile(app: &TestApp, role: Role, form: &[(&str, &str)]) -> Answer {
    let browser = sign_in(app, role).await;
    let mut body = pairs(form);
    body.push(("csrf".to_owned(), browser.csrf));
    request(
        "POST",
        format!("{}/me/profile", app.base_url),
        Some(format!("aiup_session={}", browser.cookie)),
        None,
        Some(body),
    )
    .await
}

async fn get_page(app: &TestApp, role: Role, path: &str) -> Answer {
    let browser = sign_in(app, role).await;
    request(
        "GET",
        format!("{}{path}", app.base_url),
        Some(format!("aiup_session={}", browser.cookie)),
        None,
        None,
    )
    .await
}

/// An employee who forgot the firm's size, in no 시군구, with a made-up age band and group.
const BAD: [(&str, &str); 6] = [
    ("stage", "participation"),
    ("status", "employed"),
    ("region", "99999"),
    ("age_band", "10_14"),
    ("groups", "disabled"),
    ("groups", "vip"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_bad_field_is_shown_beside_it_in_the_readers_language_and_nothing_is_saved() {
    let app = spawn_app().await;
    create_account(&app, Role::Trainee, None).await;
    let audit_before = app
        .state
        .app
        .db()
        .audit()
        .events(&aiup_store::AuditFilter::newest(1000))
        .await
        .unwrap()
        .len();

    let ko = post_profile(&app, Role::Trainee, &BAD).await;
    assert_eq!(ko.status, 422, "{}", ko.body);
    for field in ["employer_size", "region", "age_band", "groups"] {
        assert!(
            ko.body.contains(&format!("id=\"{field}-error\"")),
            "{field} has its error beside it"
        );
        assert!(
            ko.body.contains(&format!("href=\"#{field}\"")),
            "the summary links to {field}"
        );
    }
    assert!(!ko.body.contains("id=\"stage-error\""), "a good field has no error");
    assert!(ko.body.contains("재직자는 회사 규모를 골라야 합니다"), "Korean reason");
    assert!(ko.body.contains("시군구 코드(5자리)를 목록에서 고르세요"));
    assert!(ko.body.contains(
        "<select id=\"region\" name=\"region\" aria-invalid=\"true\" aria-describedby=\"region-hint region-error\">"
    ));
    // What was typed is kept: the chosen stage, status and the good group stay chosen.
    assert!(ko.body.contains("value=\"participation\" checked"), "stage kept");
    assert!(ko.body.contains("value=\"employed\" checked"), "status kept");
    assert!(ko.body.contains("value=\"disabled\" checked"), "group kept");
    assert!(ko.body.contains("<html lang=\"ko\">"));

    let mut english = BAD.to_vec();
    english.push(("lang", "en"));
    let en = post_profile(&app, Role::Trainee, &english).await;
    assert_eq!(en.status, 422, "{}", en.body);
    assert!(en.body.contains("<html lang=\"en\">"));
    assert!(
        en.body
            .contains("is required for employees (support depends on the firm"),
        "English reason"
    );
    assert!(en
        .body
        .contains("must be a 5-digit district (si/gun/gu) code from the region table"));
    assert!(
        !en.body.contains("시군구 코드(5자리)를 목록에서 고르세요"),
        "no Korean reason on the English page"
    );

    // Nothing was written: no person, no audit event.
    let trainee = actor_of(&app, &login_of(Role::Trainee)).await;
    assert!(app.state.app.my_person(&trainee).await.unwrap().is_none());
    let audit_after = app
        .state
        .app
        .db()
        .audit()
        .events(&aiup_store::AuditFilter::newest(1000))
        .await
        .unwrap();
    assert!(
        !audit_after.iter().any(|e| e.action.starts_with("person.")),
        "no person event: {audit_after:?}"
    );
    assert!(audit_after.len() >= audit_before);

    // Corrected, it saves, and the home page shows it.
    let good = post_profile(
        &app,
        Role::Trainee,
        &[
            ("stage", "participation"),
            ("status", "employed"),
            ("employer_size", "priority_support"),
            ("region", "46830"),
            ("age_band", "40_49"),
            ("groups", "disabled"),
            ("kukchi", "none"),
            ("lang", "en"),
        ],
    )
    .await;
    assert_eq!(
        (good.status, good.location.as_deref()),
        (303, Some("/me?done=profile&lang=en"))
    );
    let person = app.state.app.my_person(&trainee).await.unwrap().expect("saved");
    assert_eq!(person.profile.region.to_string(), "46830");
    let home = get_page(&app, Role::Trainee, "/me?done=profile").await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("프로필을 저장했습니다."));
    assert!(home.body.contains("영암군"), "the 시군구 by name");
    for link in ["/me/diagnosis", "/me/path", "/me/applications", "/me/card"] {
        assert!(home.body.contains(&format!("href=\"{link}\"")), "home links to {link}");
    }
    // The form comes back filled in.
    let form = get_page(&app, Role::Trainee, "/me/profile").await;
    assert!(form.body.contains("<option value=\"46830\" selected>"), "region chosen");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_without_its_csrf_token_changes_nothing() {
    let app = spawn_app().await;
    create_account(&app, Role::Trainee, None).await;
    let browser = sign_in(&app, Role::Trainee).await;
    let answer = request(
        "POST",
        format!("{}/me/profile", app.base_url),
        Some(format!("aiup_session={}", browser.cookie)),
        None,
        Some(pairs(&[
            ("stage", "entry"),
            ("status", "job_seeker"),
            ("region", "11110"),
            ("age_band", "20_29"),
        ])),
    )
    .await;
    assert_eq!(answer.status, 403);
    let trainee = actor_of(&app, &login_of(Role::Trainee)).await;
    assert!(app.state.app.my_person(&trainee).await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_profile_api_saves_a_good_profile_and_refuses_a_bad_one_whole() {
    let app = spawn_app().await;
    create_account(&app, Role::Trainee, None).await;
    let token = token_of(&app, Role::Trainee).await;
    let url = format!("{}/api/v1/me/profile", app.base_url);
    let call = |method: &'static str, body: Option<serde_json::Value>| {
        let (url, token) = (url.clone(), token.clone());
        tokio::task::spawn_blocking(move || {
            let request = ureq::request(method, &url).set("Authorization", &format!("Bearer {token}"));
            let result = match body {
                Some(body) => request.send_json(body),
                None => request.call(),
            };
            let response = match result {
                Ok(r) => r,
                Err(ureq::Error::Status(_, r)) => r,
                Err(e) => panic!("{e}"),
            };
            let status = response.status();
            let json: serde_json::Value = response.into_json().expect("json");
            (status, json)
        })
    };
    let (status, empty) = call("GET", None).await.unwrap();
    assert_eq!((status, &empty), (200, &serde_json::json!({ "profile": null })));
    let bad = serde_json::json!({ "stage": "entry", "status": "job_seeker", "region": "11110", "age_band": "20_29", "groups": ["vip"] });
    let (status, error) = call("PUT", Some(bad)).await.unwrap();
    assert_eq!(status, 422, "{error}");
    assert_eq!(error["error"]["code"], "invalid_field");
    assert_eq!(error["error"]["field"], "groups");
    let unknown = serde_json::json!({ "stage": "entry", "resident_number": "900101-1234567" });
    let (status, error) = call("PUT", Some(unknown)).await.unwrap();
    assert_eq!(status, 422, "an unknown field is refused: {error}");
    let (_, still_empty) = call("GET", None).await.unwrap();
    assert_eq!(still_empty["profile"], serde_json::Value::Null, "nothing was saved");

    let good = serde_json::json!({ "stage": "entry", "status": "job_seeker", "region": "11110", "age_band": "20_29", "groups": ["low_income"], "kukchi": "type_1" });
    let (status, saved) = call("PUT", Some(good)).await.unwrap();
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["profile"]["region"], "11110");
    assert_eq!(saved["profile"]["employer_size"], serde_json::Value::Null);
    assert_eq!(saved["profile"]["groups"], serde_json::json!(["low_income"]));
    let (_, read) = call("GET", None).await.unwrap();
    assert_eq!(read, saved);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_trainee_cannot_read_a_person_and_staff_without_the_permission_cannot_either() {
    let app = spawn_app().await;
    for role in [Role::Trainee, Role::ProgrammeAdmin, Role::TrainingDoctor] {
        let scope = (role == Role::TrainingDoctor).then_some(crate::testkit::TEST_CENTRE);
        create_account(&app, role, scope).await;
    }
    create_login(&app, "other-trainee", "trainee", None).await;
    let owner = actor_of(&app, &login_of(Role::Trainee)).await;
    let input = job_seeker_in_jongno();
    let person = app.state.app.save_my_profile(&owner, &input).await.expect("saved");
    assert_eq!(
        app.state.app.person_for(&owner, person.id).await.expect("own").id,
        person.id
    );
    let other = actor_of(&app, "other-trainee").await;
    let refused = app
        .state
        .app
        .person_for(&other, person.id)
        .await
        .expect_err("not theirs");
    assert_eq!(refused.code, Code::NotFound);
    // The same answer as for a person that does not exist.
    let missing = app
        .state
        .app
        .person_for(&other, aiup_people::PersonId(person.id.0 + 1000))
        .await
        .expect_err("nobody");
    assert_eq!(
        (missing.code, missing.message.clone()),
        (refused.code, refused.message.clone())
    );
    let doctor = actor_of(&app, &login_of(Role::TrainingDoctor)).await;
    assert_eq!(
        app.state.app.person_for(&doctor, person.id).await.unwrap_err().code,
        Code::NotFound
    );
    let admin = actor_of(&app, &login_of(Role::ProgrammeAdmin)).await;
    assert_eq!(
        app.state
            .app
            .person_for(&admin, person.id)
            .await
            .expect("reads enrolments")
            .id,
        person.id
    );
}

/// Inserts people and enrolments and checks the overview against them, as a service, as the
/// page and as CSV, for an unscoped and a scoped programme administrator.
async fn overview_counts_match_inserted_rows(app: TestApp) {
    let db = app.state.app.db();
    create_account(&app, Role::ProgrammeAdmin, None).await;
    create_login(&app, "kdt-admin", "programme_admin", Some("kdt-ai-campus")).await;
    // 영암군 (46830, population-declining) and 종로구 (11110).
    let haenam_entry = insert_person(db, "46830", "entry").await;
    let haenam_transition = insert_person(db, "46830", "transition").await;
    let jongno = insert_person(db, "11110", "participation").await;
    insert_person(db, "11110", "entry").await; // a person with no enrolment
    insert_enrolment(db, haenam_entry, "kdt-ai-campus", "accepted", 0).await;
    insert_enrolment(db, haenam_transition, "kdt-ai-campus", "applied", 1).await;
    insert_enrolment(db, jongno, "kdt-ai-campus", "withdrawn", 2).await;
    insert_enrolment(db, jongno, "card-ai-general", "accepted", 3).await;

    let admin = actor_of(&app, &login_of(Role::ProgrammeAdmin)).await;
    let all = app
        .state
        .app
        .enrolment_overview(&admin, OverviewFilter::default())
        .await
        .expect("overview");
    assert_eq!((all.total.people, all.total.enrolments), (4, 4));
    assert_eq!(all.total.status(EnrolmentStatus::Accepted), 2);
    let kdt = all
        .programmes
        .iter()
        .find(|r| r.key == "kdt-ai-campus")
        .expect("kdt row");
    assert_eq!((kdt.people, kdt.enrolments), (3, 3));
    let jeonnam = all.provinces.iter().find(|r| r.key == "46").expect("전남");
    assert_eq!((jeonnam.people, jeonnam.enrolments), (2, 2));
    assert!(all.regions.is_empty(), "districts only once a province is chosen");

    let engine = app.state.engine();
    let in_jeonnam =
        OverviewFilter::from_pairs(&engine, &pairs(&[("province", "46"), ("status", "accepted")]), &[]).unwrap();
    let narrowed = app.state.app.enrolment_overview(&admin, in_jeonnam).await.unwrap();
    assert_eq!((narrowed.total.people, narrowed.total.enrolments), (1, 1));
    assert_eq!(narrowed.regions.len(), 1);
    assert_eq!(narrowed.regions[0].key, "46830");

    // A scoped administrator sees only the programme of the scope, even when asking for another.
    let scoped = actor_of(&app, "kdt-admin").await;
    let theirs = app
        .state
        .app
        .enrolment_overview(&scoped, OverviewFilter::default())
        .await
        .unwrap();
    assert_eq!((theirs.total.people, theirs.total.enrolments), (3, 3));
    assert!(theirs.programmes.iter().all(|r| r.key == "kdt-ai-campus"));
    let other = OverviewFilter::from_pairs(&engine, &pairs(&[("programme", "card-ai-general")]), &[]).unwrap();
    let nothing = app.state.app.enrolment_overview(&scoped, other).await.unwrap();
    assert_eq!((nothing.total.people, nothing.total.enrolments), (0, 0));

    // The page: totals, tables with captions and scoped headers, and the CSV.
    let page = get_page(&app, Role::ProgrammeAdmin, "/admin/enrolments?province=46&lang=en").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body
            .contains("<dt>People</dt><dd>2</dd><dt>Enrolments</dt><dd>2</dd>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("id=\"by-region\""), "districts of the province");
    assert!(page.body.contains("Yeongam-gun"), "the district by its English name");
    assert!(page.body.contains("<caption>"));
    let bad = get_page(&app, Role::ProgrammeAdmin, "/admin/enrolments?stage=retired").await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("id=\"stage-error\""));
    let csv = get_page(
        &app,
        Role::ProgrammeAdmin,
        "/admin/enrolments?format=csv&programme=kdt-ai-campus",
    )
    .await;
    assert_eq!(csv.status, 200);
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(
        lines[0],
        "dimension,key,name,people,enrolments,applied,accepted,withdrawn"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("programme,kdt-ai-campus,") && l.ends_with(",3,3,1,1,1")),
        "{lines:?}"
    );
    assert!(lines.contains(&"province,46,전라남도,2,2,1,1,0"), "{lines:?}");
    // Trainees may not see it at all.
    create_account(&app, Role::Trainee, None).await;
    assert_eq!(get_page(&app, Role::Trainee, "/admin/enrolments").await.status, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_overview_counts_what_was_inserted_on_sqlite() {
    overview_counts_match_inserted_rows(spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_overview_counts_what_was_inserted_on_postgres() {
    let Some(db) = aiup_store::testing::postgres_test_url().await else {
        return;
    };
    let database = aiup_store::connect(db.url()).await.expect("connect");
    overview_counts_match_inserted_rows(spawn_app_on(database).await).await;
}

const TEST_KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outside_identifier_is_stored_only_as_its_keyed_hash_and_only_with_a_key() {
    let app = spawn_app().await;
    create_account(&app, Role::Trainee, None).await;
    create_login(&app, "other-trainee", "trainee", None).await;
    let owner = actor_of(&app, &login_of(Role::Trainee)).await;
    let other = actor_of(&app, "other-trainee").await;
    let input = job_seeker_in_jongno();
    let field_of = |e: aiup_app::people::SaveProfileError| match e {
        aiup_app::people::SaveProfileError::Invalid(errors) => errors.iter().map(|e| e.field).collect::<Vec<_>>(),
        aiup_app::people::SaveProfileError::App(e) => panic!("{e}"),
    };
    // Without a key, no identifier is taken, and nothing is saved.
    let refused = app
        .state
        .app
        .save_my_profile_with_identifier(&owner, &input, Some("HRD-2026-000123"))
        .await
        .expect_err("no key");
    assert_eq!(field_of(refused), ["external_id"]);
    assert!(app.state.app.my_person(&owner).await.unwrap().is_none());

    let key = aiup_people::ExternalIdKey::from_hex(TEST_KEY).unwrap();
    app.state.app.set_identifier_key(key.clone()).expect("key");
    assert!(app.state.app.set_identifier_key(key.clone()).is_err(), "set once");
    // A resident registration number is refused, with the profile's own errors.
    let mut bad = input.clone();
    bad.age_band = "10_14".into();
    let refused = app
        .state
        .app
        .save_my_profile_with_identifier(&owner, &bad, Some("900101-1234567"))
        .await
        .expect_err("resident number");
    assert_eq!(field_of(refused), ["age_band", "external_id"]);

    let person = app
        .state
        .app
        .save_my_profile_with_identifier(&owner, &input, Some(" HRD-2026-000123 "))
        .await
        .expect("saved");
    assert!(person.has_external_id);
    let stored = aiup_store::testing::raw_text(
        app.state.app.db(),
        &format!("SELECT external_id_hash FROM people WHERE id = {}", person.id.0),
    )
    .await
    .unwrap();
    assert_eq!(stored, key.hash("HRD-2026-000123").unwrap());
    assert!(!stored.contains("000123"));
    let audit = app
        .state
        .app
        .db()
        .audit()
        .events(&aiup_store::AuditFilter::newest(50))
        .await
        .unwrap();
    assert!(
        audit
            .iter()
            .all(|e| !e.detail.to_string().contains(&stored) && !e.detail.to_string().contains("HRD-2026")),
        "neither the identifier nor its hash is audited"
    );
    // Saving again without one keeps it; another person cannot take the same identifier.
    let mut moved = input.clone();
    moved.region = "26110".into();
    assert!(
        app.state
            .app
            .save_my_profile(&owner, &moved)
            .await
            .expect("saved")
            .has_external_id
    );
    let taken = app
        .state
        .app
        .save_my_profile_with_identifier(&other, &input, Some("HRD-2026-000123"))
        .await
        .expect_err("taken");
    assert_eq!(field_of(taken), ["external_id"]);
    assert!(
        app.state.app.my_person(&other).await.unwrap().is_none(),
        "nothing saved"
    );
    // The form offers the field now, and says one is on record.
    let form = get_page(&app, Role::Trainee, "/me/profile?lang=en").await;
    assert!(form.body.contains("id=\"external_id\""));
    assert!(form.body.contains("One is on record"));
}

/// Every page of this module, blank, filled and with errors, speaks one language and marks the
/// other (the languages test's checks).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_speak_one_language_and_mark_the_other() {
    let app = spawn_app().await;
    create_account(&app, Role::Trainee, None).await;
    create_account(&app, Role::ProgrammeAdmin, None).await;
    app.state
        .app
        .set_identifier_key(aiup_people::ExternalIdKey::from_hex(TEST_KEY).unwrap())
        .expect("key");
    let db = app.state.app.db();
    let person = insert_person(db, "46830", "entry").await;
    insert_enrolment(db, person, "kdt-ai-campus", "accepted", 0).await;
    let mut pages: Vec<(Role, &str, Answer)> = Vec::new();
    for lang in ["ko", "en"] {
        let q = if lang == "en" { "?lang=en" } else { "" };
        pages.push((
            Role::Trainee,
            lang,
            get_page(&app, Role::Trainee, &format!("/me{q}")).await,
        ));
        pages.push((
            Role::Trainee,
            lang,
            get_page(&app, Role::Trainee, &format!("/me/profile{q}")).await,
        ));
        let mut bad = BAD.to_vec();
        bad.push(("external_id", "900101-1234567"));
        if lang == "en" {
            bad.push(("lang", "en"));
        }
        pages.push((Role::Trainee, lang, post_profile(&app, Role::Trainee, &bad).await));
        for path in [
            "/admin/enrolments",
            "/admin/enrolments?province=46",
            "/admin/enrolments?stage=retired&region=1",
        ] {
            let joiner = if path.contains('?') { "&" } else { "?" };
            let path = if lang == "en" {
                format!("{path}{joiner}lang=en")
            } else {
                path.to_owned()
            };
            pages.push((
                Role::ProgrammeAdmin,
                lang,
                get_page(&app, Role::ProgrammeAdmin, &path).await,
            ));
        }
    }
    let saved = job_seeker_in_jongno();
    let trainee = actor_of(&app, &login_of(Role::Trainee)).await;
    app.state.app.save_my_profile(&trainee, &saved).await.expect("profile");
    for (lang, q) in [("ko", ""), ("en", "?lang=en")] {
        pages.push((
            Role::Trainee,
            lang,
            get_page(&app, Role::Trainee, &format!("/me{q}")).await,
        ));
    }
    let mut found = Vec::new();
    for (i, (role, lang, answer)) in pages.iter().enumerate() {
        assert!(answer.status < 500, "page {i} as {role:?}: {}", answer.body);
        found.extend(crate::languages::problems(
            &format!("page {i} ({lang})"),
            lang,
            &answer.body,
            &[],
        ));
    }
    assert!(found.is_empty(), "{found:#?}");
}
