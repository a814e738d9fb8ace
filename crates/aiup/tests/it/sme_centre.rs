//! Discovery, the centres' boards and visits through the services and the pages, on SQLite and
//! PostgreSQL: the ranking with its reasons and scope (a doctor of another centre sees none of
//! ours, an HR lead only their own firm), scheduling and recording visits (a second record
//! conflicts, an auditor cannot schedule, another centre's doctor gets 404), the caseloads, and
//! the board and ranking pages with their forms.

use aiup_app::accounts::Role;
use aiup_app::sme::discovery::{self, DiscoveryFilter};
use aiup_app::sme::firms;
use aiup_app::sme::visits::{self, ScheduleVisit};
use aiup_app::Code;
use aiup_store::NewParticipation;
use chrono::Days;

use crate::sme_registry::{actor, number, three_firms};
use crate::support::{spawn_app, spawn_app_on, TestApp};
use crate::testkit::{create_account, request, sign_in, TEST_CENTRE, TEST_FIRM};

async fn package(test: TestApp) {
    let app = &test.state.app;
    let admin = actor(app, "disc-admin", Role::ProgrammeAdmin, None).await;
    let auditor = actor(app, "disc-auditor", Role::Auditor, None).await;
    let doctor = actor(app, "disc-doctor-gg", Role::TrainingDoctor, Some(TEST_CENTRE)).await;
    let busan_doctor = actor(app, "disc-doctor-bs", Role::TrainingDoctor, Some("centre-busan")).await;
    let hr = actor(app, "disc-hr", Role::SmeHrLead, Some(TEST_FIRM)).await;

    firms::import_firms_csv(app, &admin, &three_firms())
        .await
        .expect("import");
    assert_eq!(firms::assign_by_province(app, &admin).await.expect("assign"), 3);
    let busan_number = number(1);
    // The Busan firm takes part in two partner programmes (one of them in two years) and said
    // it intends to train.
    let rows: Vec<NewParticipation> = [
        ("msit-ai-voucher", 2025),
        ("msit-ai-voucher", 2026),
        ("mss-smart-factory", 2025),
    ]
    .iter()
    .map(|(p, y)| NewParticipation {
        programme_id: (*p).to_owned(),
        business_number: busan_number.clone(),
        year: *y,
    })
    .collect();
    app.db()
        .firms()
        .import_participations(&rows, "test list", "disc-admin")
        .await
        .expect("participations");
    app.db()
        .firms()
        .set_intent(&busan_number, true, "survey", app.today(), "disc-admin")
        .await
        .expect("intent");

    // The ranking, nationwide: sorted by points then id, every score the sum of its reasons
    // and equal to the pure score under today's weights.
    let all = discovery::rank(app, &auditor, &DiscoveryFilter::default())
        .await
        .expect("rank");
    assert_eq!((all.scored, all.rows.len()), (3, 3));
    let weights = discovery::weights_on(app.engine().policy(), app.today()).expect("weights");
    assert_eq!(all.weights, weights);
    assert!(all
        .rows
        .windows(2)
        .all(|w| (-w[0].score.points, w[0].firm_id) < (-w[1].score.points, w[1].firm_id)));
    for row in &all.rows {
        assert_eq!(
            row.score.points,
            row.score.reasons.iter().map(|r| r.points).sum::<i64>()
        );
    }
    let first = &all.rows[0];
    assert_eq!(
        first.business_number, busan_number,
        "partner programmes and intent rank it first"
    );
    let codes: Vec<&str> = first.score.reasons.iter().map(|r| r.code).collect();
    assert!(codes.contains(&"partner_programmes") && codes.contains(&"intent_yes") && codes.contains(&"non_capital"));
    assert!(!codes.contains(&"no_ai_training"), "it has AI training: {codes:?}");
    let partner = first
        .score
        .reasons
        .iter()
        .find(|r| r.code == "partner_programmes")
        .expect("partner");
    assert_eq!(partner.points, 2 * weights.partner_programme, "two distinct programmes");
    assert_eq!(first.partner_programmes, 2);

    // Filters narrow.
    let busan_only = DiscoveryFilter {
        province: Some("26".to_owned()),
        ..DiscoveryFilter::default()
    };
    let r = discovery::rank(app, &admin, &busan_only).await.expect("province");
    assert_eq!(
        r.rows.iter().map(|r| r.business_number.as_str()).collect::<Vec<_>>(),
        [busan_number.as_str()]
    );
    let information = DiscoveryFilter {
        ksic_section: Some("J".to_owned()),
        limit: Some(1),
        ..DiscoveryFilter::default()
    };
    let r = discovery::rank(app, &admin, &information).await.expect("ksic");
    assert_eq!(r.rows.len(), 1);
    assert_eq!(r.rows[0].ksic_section, "J");
    let bad = DiscoveryFilter {
        province: Some("2".to_owned()),
        ..DiscoveryFilter::default()
    };
    assert_eq!(
        discovery::rank(app, &admin, &bad).await.unwrap_err().field.as_deref(),
        Some("province")
    );

    // Scope: a doctor sees only their centre's firms; the Busan doctor sees none of ours, even
    // when asking for our centre; an HR lead only their own firm.
    let ours = discovery::rank(app, &doctor, &DiscoveryFilter::default())
        .await
        .expect("doctor");
    assert_eq!(
        ours.rows.iter().map(|r| r.business_number.as_str()).collect::<Vec<_>>(),
        [TEST_FIRM]
    );
    let theirs = discovery::rank(app, &busan_doctor, &DiscoveryFilter::default())
        .await
        .expect("busan");
    assert!(theirs.rows.iter().all(|r| r.business_number != TEST_FIRM));
    let asked = DiscoveryFilter {
        centre: Some(TEST_CENTRE.to_owned()),
        ..DiscoveryFilter::default()
    };
    let none = discovery::rank(app, &busan_doctor, &asked)
        .await
        .expect("asked for ours");
    assert!(none.rows.is_empty() && none.scored == 0);
    let own = discovery::rank(app, &hr, &DiscoveryFilter::default())
        .await
        .expect("hr");
    assert_eq!(
        own.rows.iter().map(|r| r.business_number.as_str()).collect::<Vec<_>>(),
        [TEST_FIRM]
    );

    // Visits.
    let our_firm = ours.rows[0].firm_id;
    let busan_firm = first.firm_id;
    let today = app.today();
    let plan = |firm_id, day| ScheduleVisit {
        firm_id,
        scheduled_on: day,
        purpose: "diagnose".to_owned(),
        notes: "첫 진단 방문".to_owned(),
    };
    let visit = visits::schedule(app, &doctor, &plan(our_firm, today))
        .await
        .expect("schedule");
    assert_eq!(
        (visit.status.as_str(), visit.centre_id.as_str()),
        ("scheduled", TEST_CENTRE)
    );
    assert_eq!(visit.doctor_account_id, doctor.account_id);
    let later = visits::schedule(app, &doctor, &plan(our_firm, today + Days::new(7)))
        .await
        .expect("later");
    // Another centre's firm does not exist for this doctor; a day in the past is refused; an
    // auditor or an HR lead cannot schedule.
    assert_eq!(
        visits::schedule(app, &doctor, &plan(busan_firm, today))
            .await
            .unwrap_err()
            .code,
        Code::NotFound
    );
    let past = visits::schedule(app, &doctor, &plan(our_firm, today - Days::new(1)))
        .await
        .unwrap_err();
    assert_eq!(
        (past.code, past.field.as_deref()),
        (Code::InvalidField, Some("scheduled_on"))
    );
    let mut lunch = plan(our_firm, today);
    lunch.purpose = "lunch".to_owned();
    assert_eq!(
        visits::schedule(app, &doctor, &lunch)
            .await
            .unwrap_err()
            .field
            .as_deref(),
        Some("purpose")
    );
    for who in [&auditor, &hr, &admin] {
        assert_eq!(
            visits::schedule(app, who, &plan(our_firm, today))
                .await
                .unwrap_err()
                .code,
            Code::Forbidden,
            "{:?}",
            who.role
        );
    }
    // Recording: the Busan doctor cannot touch our visit; a second record conflicts.
    assert_eq!(
        visits::record(app, &busan_doctor, visit.id, None, None)
            .await
            .unwrap_err()
            .code,
        Code::NotFound
    );
    let future = visits::record(app, &doctor, visit.id, Some(today + Days::new(1)), None)
        .await
        .unwrap_err();
    assert_eq!(future.field.as_deref(), Some("done_on"));
    let done = visits::record(app, &doctor, visit.id, None, Some("진단 완료"))
        .await
        .expect("record");
    assert_eq!((done.status.as_str(), done.done_on), ("done", Some(today)));
    assert_eq!(
        visits::record(app, &doctor, visit.id, None, None)
            .await
            .unwrap_err()
            .code,
        Code::Conflict
    );
    assert_eq!(
        visits::cancel(app, &doctor, visit.id, None).await.unwrap_err().code,
        Code::Conflict
    );

    // The board and caseloads.
    let board = visits::board(app, &doctor, TEST_CENTRE).await.expect("board");
    assert_eq!(board.firm_count, 1);
    assert_eq!(board.upcoming.iter().map(|v| v.id).collect::<Vec<_>>(), [later.id]);
    let mine = board
        .caseloads
        .iter()
        .find(|c| c.account_id == doctor.account_id)
        .expect("doctor's caseload");
    assert_eq!((mine.scheduled, mine.done_in_month, mine.firms), (1, 1, 1));
    assert_eq!(
        visits::board(app, &busan_doctor, TEST_CENTRE).await.unwrap_err().code,
        Code::NotFound
    );
    assert!(visits::board(app, &auditor, TEST_CENTRE).await.is_ok());
    assert_eq!(
        visits::visits_of_firm(app, &hr, our_firm)
            .await
            .expect("hr visits")
            .len(),
        2
    );
    assert_eq!(
        visits::visits_of_firm(app, &hr, busan_firm).await.unwrap_err().code,
        Code::NotFound
    );
    let cancelled = visits::cancel(app, &doctor, later.id, Some("기업 일정 변경"))
        .await
        .expect("cancel");
    assert_eq!(cancelled.status, "cancelled");

    pages(&test, our_firm, busan_firm).await;
}

/// The pages, as a signed-in browser uses them.
async fn pages(test: &TestApp, our_firm: i64, busan_firm: i64) {
    create_account(test, Role::TrainingDoctor, Some(TEST_CENTRE)).await;
    create_account(test, Role::ProgrammeAdmin, None).await;
    create_account(test, Role::Auditor, None).await;
    let base = &test.base_url;
    let doctor = sign_in(test, Role::TrainingDoctor).await;
    let cookie = Some(format!("aiup_session={}", doctor.cookie));
    let get = |path: &str, cookie: Option<String>| request("GET", format!("{base}{path}"), cookie, None, None);

    let board = get("/sme/centre", cookie.clone()).await;
    assert_eq!(board.status, 200, "{}", board.body);
    assert!(board.body.contains("테스트정밀") && board.body.contains("주치의별 담당 현황"));
    assert!(!board.body.contains("부산해양"), "another centre's firm on the board");
    let english = get("/sme/discovery?lang=en", cookie.clone()).await;
    assert_eq!(english.status, 200);
    assert!(english.body.contains("Discovery ranking") && english.body.contains("No AI training yet"));
    assert!(!english.body.contains("부산해양"));

    // Schedule through the form: a day in the past is shown beside its field; then a good one.
    let post = |path: String, fields: Vec<(&str, String)>| {
        let mut form = vec![("csrf".to_owned(), doctor.csrf.clone())];
        form.extend(fields.into_iter().map(|(k, v)| (k.to_owned(), v)));
        request("POST", format!("{base}{path}"), cookie.clone(), None, Some(form))
    };
    let today = test.state.app.today();
    let bad = post(
        format!("/sme/firms/{our_firm}/visits"),
        vec![
            ("scheduled_on", (today - Days::new(3)).to_string()),
            ("purpose", "diagnose".into()),
        ],
    )
    .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(bad.body.contains("scheduled_on-error"), "{}", bad.body);
    let good = post(
        format!("/sme/firms/{our_firm}/visits"),
        vec![
            ("scheduled_on", today.to_string()),
            ("purpose", "prescribe".into()),
            ("notes", "처방 설명".into()),
        ],
    )
    .await;
    assert_eq!(
        (good.status, good.location.as_deref()),
        (303, Some("/sme/centre?done=scheduled"))
    );
    let other = post(
        format!("/sme/firms/{busan_firm}/visits"),
        vec![("scheduled_on", today.to_string()), ("purpose", "diagnose".into())],
    )
    .await;
    assert_eq!(other.status, 404);
    let visit = test
        .state
        .app
        .db()
        .sme_visits()
        .visits(&aiup_store::VisitFilter {
            firm_id: Some(our_firm),
            status: Some("scheduled".to_owned()),
            ..aiup_store::VisitFilter::default()
        })
        .await
        .expect("visits")
        .into_iter()
        .find(|v| v.purpose == "prescribe")
        .expect("the scheduled visit");
    let recorded = post(format!("/sme/visits/{}/record", visit.id), vec![]).await;
    assert_eq!(recorded.status, 303, "{}", recorded.body);
    let again = post(format!("/sme/visits/{}/record", visit.id), vec![]).await;
    assert_eq!(again.status, 409, "{}", again.body);

    // A programme administrator picks a centre and assigns from the ranking.
    let admin = sign_in(test, Role::ProgrammeAdmin).await;
    let admin_cookie = Some(format!("aiup_session={}", admin.cookie));
    let chooser = get("/sme/centre", admin_cookie.clone()).await;
    assert!(chooser.body.contains("centre-chooser") && chooser.body.contains("choose-centre"));
    let busan_board = get("/sme/centre?centre=centre-busan", admin_cookie.clone()).await;
    assert!(busan_board.body.contains("부산해양"));
    let assign = request(
        "POST",
        format!("{base}/sme/firms/{busan_firm}/assign"),
        admin_cookie.clone(),
        None,
        Some(vec![
            ("csrf".to_owned(), admin.csrf.clone()),
            ("centre".to_owned(), TEST_CENTRE.to_owned()),
            ("back".to_owned(), "/sme/discovery?province=26".to_owned()),
        ]),
    )
    .await;
    assert_eq!(
        (assign.status, assign.location.as_deref()),
        (303, Some("/sme/discovery?province=26&done=assigned"))
    );
    let board = get("/sme/centre", cookie.clone()).await;
    assert!(board.body.contains("부산해양"), "assigned to the doctor's centre now");
    // An auditor reads but has no forms to change anything.
    let auditor = sign_in(test, Role::Auditor).await;
    let seen = get("/sme/discovery", Some(format!("aiup_session={}", auditor.cookie))).await;
    assert_eq!(seen.status, 200);
    assert!(!seen.body.contains("/assign\""), "no assign form for an auditor");
}

#[tokio::test(flavor = "multi_thread")]
async fn discovery_and_visits_on_sqlite() {
    package(spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn discovery_and_visits_on_postgres() {
    let Some(pg) = aiup_store::testing::postgres_test_url().await else {
        return;
    };
    let db = aiup_store::connect(pg.url()).await.expect("connect");
    package(spawn_app_on(db).await).await;
}
