//! The demand survey end to end on SQLite and PostgreSQL: import the generated 1,013 answers,
//! the same file again (nothing changes), a file with bad rows (nothing stored), the tables and
//! regional demand through the service and the pages (charts, CSV downloads, both languages), and
//! who may read and import.

use crate::support::{spawn_app, spawn_app_on, TestApp};
use crate::testkit::{create_account, login_of, request, sign_in, TEST_CENTRE, TEST_FIRM};
use aiup_app::accounts::Role;
use aiup_app::sme::survey::{self, SurveyImportRequest};
use aiup_app::Code;
use aiup_store::AuditFilter;
use chrono::NaiveDate;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 8, d).expect("date")
}

fn request_for<'a>(name: &'a str, text: &'a str) -> SurveyImportRequest<'a> {
    SurveyImportRequest {
        name,
        fielded_from: day(12),
        fielded_to: day(18),
        source: "test.csv",
        text,
    }
}

async fn imports(app: &TestApp) -> usize {
    let filter = AuditFilter {
        action: Some(aiup_store::ACTION_SME_SURVEY_IMPORT.to_owned()),
        ..AuditFilter::newest(100)
    };
    app.state.app.db().audit().events(&filter).await.expect("audit").len()
}

async fn get(app: &TestApp, role: Role, path: &str) -> crate::testkit::Answer {
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

async fn survey_flow(app: TestApp) {
    for (role, scope) in [
        (Role::ProgrammeAdmin, None),
        (Role::Auditor, None),
        (Role::TrainingDoctor, Some(TEST_CENTRE)),
        (Role::Trainee, None),
    ] {
        create_account(&app, role, scope).await;
    }
    let services = &app.state.app;
    let admin = crate::enrolment::actor(services, &login_of(Role::ProgrammeAdmin)).await;
    let auditor = crate::enrolment::actor(services, &login_of(Role::Auditor)).await;
    let doctor = crate::enrolment::actor(services, &login_of(Role::TrainingDoctor)).await;
    let trainee = crate::enrolment::actor(services, &login_of(Role::Trainee)).await;

    // The generated answers, imported.
    let csv = survey::generated_csv(5);
    let name = "2025 중소기업 AI 훈련수요 조사";
    let first = survey::import(services, &admin, request_for(name, &csv))
        .await
        .expect("import");
    assert!(first.created);
    assert_eq!(first.round.answers, 1013);
    assert_eq!(
        (first.intents_set, first.unmatched),
        (0, 0),
        "generated answers name no firm"
    );
    let round = first.round.id;
    let (_, tables) = survey::tables(services, &admin, round).await.expect("tables");
    assert_eq!(
        tables,
        aiup_sme::survey::tables(&aiup_sme::survey::generate(5)),
        "stored answers give the generator's tables"
    );
    let ai_use = tables
        .table("ai_use")
        .expect("ai_use")
        .cell("used", aiup_sme::survey::Breakdown::Overall)
        .expect("cell");
    assert_eq!(
        (ai_use.count, ai_use.base, ai_use.percent().as_str()),
        (231, 1013, "22.8")
    );
    assert_eq!(imports(&app).await, 1);

    // The same file again: the same round, nothing written, no audit event.
    let again = survey::import(services, &admin, request_for("another name", &csv))
        .await
        .expect("again");
    assert!(!again.created);
    assert_eq!(again.round.id, round);
    assert_eq!(imports(&app).await, 1);

    // A file with a bad row among good ones: every bad row listed, nothing stored.
    let mut lines: Vec<String> = csv.lines().take(4).map(str::to_owned).collect();
    let mut cells: Vec<&str> = lines[2].split(',').collect();
    cells[3] = "maybe"; // ai_use: yes or no
    lines[2] = cells.join(",");
    let text = lines.join("\n");
    let refused = survey::import(services, &admin, request_for("bad", &text))
        .await
        .expect_err("bad row");
    assert_eq!(refused.code, Code::InvalidSurveyCsv);
    assert!(refused.message.contains("line 3"), "{}", refused.message);
    assert!(refused.message_in(true).contains("3행"), "{}", refused.message_in(true));
    assert_eq!(survey::rounds(services, &admin).await.expect("rounds").len(), 1);
    assert_eq!(imports(&app).await, 1);

    // Who may read and import.
    assert_eq!(
        survey::rounds(services, &doctor)
            .await
            .expect("a training doctor reads")
            .len(),
        1
    );
    assert!(survey::regional_demand(services, &auditor, round).await.is_ok());
    let denied = survey::tables(services, &trainee, round)
        .await
        .expect_err("a trainee may not read");
    assert_eq!(denied.code, Code::Forbidden);
    let denied = survey::import(services, &auditor, request_for("x", &csv))
        .await
        .expect_err("an auditor may not import");
    assert_eq!(denied.code, Code::Forbidden);
    assert_eq!(
        survey::tables(services, &admin, round + 99)
            .await
            .expect_err("no such round")
            .code,
        Code::NotFound
    );

    // The pages.
    let page = get(&app, Role::ProgrammeAdmin, "/admin/sme/survey").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("22.8") && page.body.contains(r#"role="img""#),
        "tables and charts"
    );
    assert!(page.body.contains(r#"id="import-form""#));
    let by_size = get(
        &app,
        Role::ProgrammeAdmin,
        &format!("/admin/sme/survey?round={round}&by=size"),
    )
    .await;
    assert!(
        by_size.body.contains("41.1") && by_size.body.contains("9.4"),
        "AI use by size band"
    );
    let by_experience = get(
        &app,
        Role::Auditor,
        &format!("/admin/sme/survey?round={round}&by=experience&lang=en"),
    )
    .await;
    assert_eq!(by_experience.status, 200);
    assert!(by_experience.body.contains("Has done AI training") && by_experience.body.contains("92.2"));
    assert!(
        !by_experience.body.contains(r#"id="import-form""#),
        "an auditor gets no import form"
    );
    let download = get(
        &app,
        Role::ProgrammeAdmin,
        &format!("/admin/sme/survey?round={round}&table=need&format=csv"),
    )
    .await;
    assert_eq!(download.status, 200);
    assert!(download.body.starts_with(aiup_sme::survey::TABLES_CSV_HEADER));
    assert!(
        download.body.contains("need,need,필요,Needed,overall,531,1013,52.4"),
        "{}",
        download.body
    );
    let regions = get(
        &app,
        Role::ProgrammeAdmin,
        &format!("/admin/sme/survey/regions?round={round}&lang=en"),
    )
    .await;
    assert_eq!(regions.status, 200);
    assert!(regions.body.contains("Gyeonggi") && regions.body.contains(r#"id="region-52""#));
    let regions_csv = get(&app, Role::ProgrammeAdmin, "/admin/sme/survey/regions?format=csv").await;
    assert_eq!(regions_csv.body.lines().count(), 18, "a header and the 17 provinces");
    assert_eq!(get(&app, Role::Trainee, "/admin/sme/survey").await.status, 403);

    // Importing through the page: a bad file lists its rows, a good one redirects to its tables.
    let browser = sign_in(&app, Role::ProgrammeAdmin).await;
    let post = |text: String, name: &str| {
        let form = vec![
            ("csrf".to_owned(), browser.csrf.clone()),
            ("name".to_owned(), name.to_owned()),
            ("fielded_from".to_owned(), "2026-03-02".to_owned()),
            ("fielded_to".to_owned(), "2026-03-06".to_owned()),
            ("text".to_owned(), text),
        ];
        request(
            "POST",
            format!("{}/admin/sme/survey", app.base_url),
            Some(format!("aiup_session={}", browser.cookie)),
            None,
            Some(form),
        )
    };
    let refused = post(text.clone(), "bad").await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("3행"), "{}", refused.body);
    let small: String = csv.lines().take(11).map(|l| format!("{l}\n")).collect();
    let done = post(small, "2026 pilot").await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert!(done
        .location
        .as_deref()
        .is_some_and(|l| l.starts_with("/admin/sme/survey?round=")));
    let rounds = survey::rounds(services, &admin).await.expect("rounds");
    assert_eq!(
        (rounds.len(), rounds[0].answers, rounds[0].round.fielded_from),
        (2, 10, NaiveDate::from_ymd_opt(2026, 3, 2).expect("date"))
    );

    // Answers that name registry firms feed discovery: each named firm's stated intent is set.
    aiup_app::sme::firms::import_firms_csv(services, &admin, &crate::sme_registry::three_firms())
        .await
        .expect("firms");
    let (busan, unknown) = (crate::sme_registry::number(1), crate::sme_registry::number(77));
    let named: Vec<String> = csv
        .lines()
        .skip(1)
        .take(3)
        .zip([TEST_FIRM, busan.as_str(), unknown.as_str()])
        .map(|(line, number)| {
            let mut cells: Vec<&str> = line.split(',').collect();
            cells[0] = number;
            cells[6] = if number == TEST_FIRM { "yes" } else { "no" };
            // An answer whose obstacles to the training needed no longer fit its need and intent
            // would be refused: keep the row consistent.
            if number != TEST_FIRM && cells[5] == "no" {
                cells[16] = "";
            }
            cells.join(",")
        })
        .collect();
    let text = format!("{}\n{}\n", aiup_sme::survey::SURVEY_CSV_HEADER, named.join("\n"));
    let fed = survey::import(services, &admin, request_for("named firms", &text))
        .await
        .expect("named");
    assert_eq!((fed.intents_set, fed.unmatched), (2, 1));
    let firm = services
        .db()
        .firms()
        .firm_by_number(TEST_FIRM)
        .await
        .expect("read")
        .expect("the test firm");
    assert_eq!(firm.stated_intent, Some(true));
    assert_eq!(firm.intent_source.as_deref(), Some("survey:named firms"));
    assert_eq!(firm.intent_on, Some(day(18)));
    let busan = services
        .db()
        .firms()
        .firm_by_number(&busan)
        .await
        .expect("read")
        .expect("Busan");
    assert_eq!(busan.stated_intent, Some(false));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn survey_on_sqlite() {
    survey_flow(spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn survey_on_postgres() {
    let Some(db) = aiup_store::testing::postgres_test_url().await else {
        return;
    };
    let database = aiup_store::connect(db.url()).await.expect("connect");
    survey_flow(spawn_app_on(database).await).await;
}

/// axe-core over the survey pages (both languages, narrow and wide), with a round on them, and
/// the import form showing its errors.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn survey_pages_have_no_accessibility_violations() {
    use crate::accessibility::{assert_clean, check_both, check_current, start};
    use fantoccini::Locator;
    let Some((b, axe)) = start().await else { return };
    create_account(&b.app, Role::ProgrammeAdmin, None).await;
    let services = &b.app.state.app;
    let admin = crate::enrolment::actor(services, &login_of(Role::ProgrammeAdmin)).await;
    let csv = survey::generated_csv(1);
    survey::import(services, &admin, request_for("2025 수요조사", &csv))
        .await
        .expect("import");
    let mut report = Vec::new();
    crate::accessibility::sign_in(&b, Role::ProgrammeAdmin).await;
    check_both(&b, &axe, "/admin/sme/survey", "sme-survey", &mut report).await;
    check_both(&b, &axe, "/admin/sme/survey?by=size", "sme-survey-size", &mut report).await;
    check_both(
        &b,
        &axe,
        "/admin/sme/survey?by=experience",
        "sme-survey-experience",
        &mut report,
    )
    .await;
    check_both(&b, &axe, "/admin/sme/survey/regions", "sme-survey-regions", &mut report).await;
    b.goto("/admin/sme/survey").await;
    b.client
        .find(Locator::Id("name"))
        .await
        .expect("name")
        .send_keys("잘못된 파일")
        .await
        .expect("type");
    b.client
        .find(Locator::Id("text"))
        .await
        .expect("text")
        .send_keys("a,b\n1,2")
        .await
        .expect("type");
    b.click_and_wait("import").await;
    assert!(
        b.client.find(Locator::Id("text-error")).await.is_ok(),
        "the form was checked with its errors"
    );
    check_current(&b, &axe, "sme-survey-import-error", &mut report).await;
    assert_clean(&report);
}

/// `aiup sme survey generate|import|tables` as a user runs them.
#[test]
fn the_cli_generates_imports_once_and_prints_the_tables() {
    use crate::cli::{aiup, stderr, stdout};
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path();
    let out = aiup(
        data,
        &[
            "users",
            "add",
            "--login",
            "survey-admin",
            "--role",
            "programme_admin",
            "--generate-password",
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let file = data.join("survey.csv");
    let file = file.to_str().expect("path");
    let out = aiup(data, &["sme", "survey", "generate", "--seed", "3", "--out", file], None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(file).expect("written").lines().count(), 1014);
    let import = [
        "sme",
        "survey",
        "import",
        file,
        "--name",
        "2025 조사",
        "--actor",
        "survey-admin",
    ];
    let out = aiup(data, &import, None);
    assert!(out.status.success(), "{}", stderr(&out));
    let summary: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("JSON");
    assert_eq!(
        (summary["created"].as_bool(), summary["round"]["answers"].as_i64()),
        (Some(true), Some(1013))
    );
    let out = aiup(data, &import, None);
    let again: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("JSON");
    assert_eq!(again["created"].as_bool(), Some(false));
    let out = aiup(data, &["sme", "survey", "tables", "--actor", "survey-admin"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("ai_use,used,활용,Uses AI,overall,231,1013,22.8"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("ai_use,used,활용,Uses AI,size:300_plus,37,90,41.1"));
    let bad = data.join("bad.csv");
    std::fs::write(
        &bad,
        format!(
            "{}\n,huge,41,yes,none,no,no,,,,,,,,,,,\n",
            aiup_sme::survey::SURVEY_CSV_HEADER
        ),
    )
    .expect("write");
    let out = aiup(
        data,
        &[
            "sme",
            "survey",
            "import",
            bad.to_str().expect("path"),
            "--name",
            "bad",
            "--actor",
            "survey-admin",
        ],
        None,
    );
    assert!(!out.status.success());
    assert!(
        stdout(&out).contains("invalid_survey_csv") && stdout(&out).contains("line 2, size_band"),
        "{}",
        stdout(&out)
    );
}
