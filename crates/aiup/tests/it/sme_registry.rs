//! The SME firm registry through the services, on SQLite and PostgreSQL: import, list, re-import
//! unchanged, a bad file stores nothing, and who sees which firm (a training doctor only their
//! centre's firms, an HR lead only their own firm; anything else is 404).

use aiup_app::accounts::{Actor, Role};
use aiup_app::sme::firms::{self, FirmFilter, FirmImportSummary};
use aiup_app::sme::partners::{self, IntegratedFilter};
use aiup_app::{App, Code};
use aiup_sme::BusinessNumber;
use aiup_store::NewAccount;

use crate::support::{spawn_app, spawn_app_on, TestApp};
use crate::testkit::{TEST_CENTRE, TEST_FIRM};

pub const HEADER: &str =
    "business_number,name,employees,ksic,region,priority_support,employer_training,ai_training,ai_training_hours\n";

/// A valid business number made from `n` (its check digit computed).
pub fn number(n: u32) -> String {
    let mut nine = [0u8; 9];
    let mut x = n;
    for d in nine.iter_mut().rev() {
        *d = (x % 10) as u8;
        x /= 10;
    }
    nine[0] = 5;
    BusinessNumber::from_nine(nine).digits()
}

/// Three firms: the test firm in Gyeonggi (수원시 영통구), one in Busan, one in Seoul.
pub fn three_firms() -> String {
    format!(
        "{HEADER}{TEST_FIRM},테스트정밀,27,C29,41117,yes,yes,no,0\n\
         {},부산해양,140,C31,부산광역시 해운대구,yes,yes,yes,21\n\
         {},서울소프트,8,J62,11110,yes,yes,no,0\n",
        number(1),
        number(2)
    )
}

pub async fn actor(app: &App, login: &str, role: Role, scope: Option<&str>) -> Actor {
    app.db()
        .accounts()
        .create(
            &NewAccount {
                login: login.to_owned(),
                display_name: format!("{login} 님"),
                role: role.as_str().to_owned(),
                scope: scope.map(str::to_owned),
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$unused".to_owned(),
            },
            "test",
        )
        .await
        .expect("account");
    app.operator_actor(login).await.expect("actor")
}

/// The three firms of [`three_firms`] in the registry (the test firm first: id 1 in a fresh
/// database), for tests that need real firm ids.
pub async fn stock(test: &TestApp) {
    let app = &test.state.app;
    let firms = aiup_sme::firm::parse_firms_csv(&three_firms(), app.engine().regions()).expect("three firms");
    let rows: Vec<_> = firms.iter().map(firms::new_firm).collect();
    app.db().firms().import_firms(&rows, "test").await.expect("stock firms");
}

async fn registry(test: TestApp) {
    let app = &test.state.app;
    let admin = actor(app, "sme-admin", Role::ProgrammeAdmin, None).await;
    let auditor = actor(app, "sme-auditor", Role::Auditor, None).await;
    let doctor = actor(app, "doctor-gg", Role::TrainingDoctor, Some(TEST_CENTRE)).await;
    let busan_doctor = actor(app, "doctor-bs", Role::TrainingDoctor, Some("centre-busan")).await;
    let hr = actor(app, "hr-own", Role::SmeHrLead, Some(TEST_FIRM)).await;
    let other_hr = actor(app, "hr-other", Role::SmeHrLead, Some(&number(2))).await;

    // Import, then the same file again: nothing changes.
    let first = firms::import_firms_csv(app, &admin, &three_firms())
        .await
        .expect("import");
    assert_eq!(
        first,
        FirmImportSummary {
            created: 3,
            updated: 0,
            unchanged: 0
        }
    );
    let again = firms::import_firms_csv(app, &admin, &three_firms())
        .await
        .expect("re-import");
    assert_eq!(
        again,
        FirmImportSummary {
            created: 0,
            updated: 0,
            unchanged: 3
        }
    );
    let (all, total) = firms::list_firms(app, &auditor, FirmFilter::default())
        .await
        .expect("list");
    assert_eq!((all.len(), total), (3, 3));
    let ours = all
        .iter()
        .find(|f| f.firm.business_number == TEST_FIRM)
        .expect("test firm");
    assert_eq!(
        (
            ours.firm.province_code.as_str(),
            ours.firm.capital_area,
            ours.firm.size_band.as_str()
        ),
        ("41", true, "10_29")
    );
    let busan = all
        .iter()
        .find(|f| f.firm.business_number == number(1))
        .expect("busan firm");
    assert!(!busan.firm.capital_area);

    // A bad file (one good new row, one bad number, one unknown KSIC code) stores nothing.
    let bad = format!(
        "{HEADER}{},새기업,3,C26,11110,yes,yes,no,0\n1234567890,나쁜번호,3,C26,11110,yes,yes,no,0\n{},없는업종,3,C40,11110,yes,yes,no,0\n",
        number(3),
        number(4)
    );
    let err = firms::import_firms(app, &admin, &bad).await.expect_err("bad file");
    assert_eq!(err.error.code, Code::InvalidFirmCsv);
    let lines: Vec<usize> = err.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [3, 4]);
    assert!(
        err.error.message.contains("line 3, business_number"),
        "{}",
        err.error.message
    );
    let duplicate = format!(
        "{HEADER}{0},A,3,C26,11110,yes,yes,no,0\n{0},B,3,C26,11110,yes,yes,no,0\n",
        number(5)
    );
    let err = firms::import_firms_csv(app, &admin, &duplicate)
        .await
        .expect_err("duplicate");
    assert_eq!(err.code, Code::DuplicateFirm);
    let only_ksic = format!("{HEADER}{},A,3,Z99,11110,yes,yes,no,0\n", number(6));
    assert_eq!(
        firms::import_firms_csv(app, &admin, &only_ksic).await.unwrap_err().code,
        Code::UnknownKsicCode
    );
    let only_number = format!("{HEADER}1234567890,A,3,C26,11110,yes,yes,no,0\n");
    assert_eq!(
        firms::import_firms_csv(app, &admin, &only_number)
            .await
            .unwrap_err()
            .code,
        Code::InvalidBusinessNumber
    );
    assert_eq!(
        firms::list_firms(app, &auditor, FirmFilter::default()).await.unwrap().1,
        3
    );
    // Only ManageFirms imports.
    for who in [&doctor, &hr, &auditor] {
        let err = firms::import_firms_csv(app, who, &three_firms()).await.unwrap_err();
        assert_eq!(err.code, Code::Forbidden, "{:?}", who.role);
    }

    // Centres and assignment by province.
    let centres = firms::centres(app).await.expect("centres");
    assert_eq!(centres.len(), 10);
    assert_eq!(firms::assign_by_province(app, &admin).await.expect("assign"), 3);
    assert_eq!(
        firms::assign_centre(app, &admin, ours.id, Some("centre-nowhere"))
            .await
            .unwrap_err()
            .code,
        Code::NotFound
    );
    assert_eq!(
        firms::assign_centre(app, &doctor, ours.id, Some(TEST_CENTRE))
            .await
            .unwrap_err()
            .code,
        Code::Forbidden
    );

    // Who sees which firm.
    assert_eq!(
        firms::visible_firm(app, &doctor, ours.id).await.expect("own centre").id,
        ours.id
    );
    assert_eq!(
        firms::visible_firm(app, &doctor, busan.id).await.unwrap_err().code,
        Code::NotFound
    );
    assert_eq!(
        firms::visible_firm(app, &busan_doctor, busan.id)
            .await
            .expect("busan")
            .id,
        busan.id
    );
    assert_eq!(
        firms::visible_firm(app, &busan_doctor, ours.id).await.unwrap_err().code,
        Code::NotFound
    );
    assert_eq!(
        firms::visible_firm(app, &hr, ours.id).await.expect("own firm").id,
        ours.id
    );
    assert_eq!(
        firms::visible_firm(app, &hr, busan.id).await.unwrap_err().code,
        Code::NotFound
    );
    assert_eq!(
        firms::visible_firm(app, &other_hr, ours.id).await.unwrap_err().code,
        Code::NotFound
    );
    assert_eq!(
        firms::visible_firm(app, &admin, busan.id).await.expect("admin").id,
        busan.id
    );
    assert_eq!(
        firms::visible_firm(app, &auditor, -1).await.unwrap_err().code,
        Code::NotFound
    );
    let trainee = actor(app, "sme-trainee", Role::Trainee, None).await;
    assert_eq!(
        firms::visible_firm(app, &trainee, ours.id).await.unwrap_err().code,
        Code::Forbidden
    );

    let (seen, total) = firms::list_firms(app, &doctor, FirmFilter::default())
        .await
        .expect("doctor list");
    assert_eq!((seen.len(), total), (1, 1));
    assert_eq!(seen[0].id, ours.id);
    let (seen, _) = firms::list_firms(app, &hr, FirmFilter::default())
        .await
        .expect("hr list");
    assert_eq!(seen.iter().map(|f| f.id).collect::<Vec<_>>(), [ours.id]);
    let asked = FirmFilter {
        centre_id: Some("centre-busan".to_owned()),
        ..FirmFilter::default()
    };
    assert_eq!(firms::firm_filter_for(&doctor, asked).unwrap_err().code, Code::NotFound);
    let narrowed = firms::firm_filter_for(&doctor, FirmFilter::default()).expect("narrowed");
    assert_eq!(narrowed.centre_id.as_deref(), Some(TEST_CENTRE));

    // A changed row updates, and the firm keeps its centre.
    let changed = three_firms().replace("테스트정밀,27", "테스트정밀,35");
    let summary = firms::import_firms_csv(app, &admin, &changed).await.expect("changed");
    assert_eq!((summary.updated, summary.unchanged), (1, 2));
    let after = firms::visible_firm(app, &doctor, ours.id).await.expect("still visible");
    assert_eq!((after.firm.employees, after.firm.size_band.as_str()), (35, "30_49"));

    partner_lists(app, &admin, &auditor, &doctor, ours.id, busan.id).await;
}

async fn partner_lists(app: &App, admin: &Actor, auditor: &Actor, doctor: &Actor, ours: i64, busan: i64) {
    let factory = format!(
        "business_number,year,name\n{TEST_FIRM},2025,테스트정밀\n{},2024,\n{},2025,미등록\n",
        number(1),
        number(9)
    );
    let summary = partners::import_participants_csv(app, admin, "mss-smart-factory", &factory, "중기부 명단 2025-12")
        .await
        .expect("import");
    assert_eq!((summary.added, summary.already_known, summary.unmatched), (3, 0, 1));
    let voucher = format!("programme_id,business_number,year\nmsit-ai-voucher,{TEST_FIRM},2025\n");
    partners::import_participants_csv(app, admin, "msit-ai-voucher", &voucher, "과기정통부 명단")
        .await
        .expect("voucher");
    // Bad rows: another programme named, a bad number, a year out of range; nothing stored.
    let bad = format!(
        "programme_id,business_number,year\nmotie-robots,{TEST_FIRM},2025\nmss-smart-factory,1234567890,2025\nmss-smart-factory,{},1900\n",
        number(2)
    );
    let err = partners::import_participants(app, admin, "mss-smart-factory", &bad, "bad list")
        .await
        .expect_err("bad list");
    assert_eq!(err.error.code, Code::InvalidPartnerCsv);
    assert_eq!(err.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3, 4]);
    let err = partners::import_participants_csv(app, admin, "no-such", "business_number,year\n", "x")
        .await
        .unwrap_err();
    assert!(
        err.message.contains("unknown partner programme `no-such`"),
        "{}",
        err.message
    );
    assert_eq!(
        partners::import_participants_csv(app, doctor, "mss-smart-factory", &factory, "x")
            .await
            .unwrap_err()
            .code,
        Code::Forbidden
    );

    let list = partners::integrated_list(app, auditor, &IntegratedFilter::default())
        .await
        .expect("list");
    let ids: Vec<i64> = list.firms.iter().map(|f| f.firm.id).collect();
    assert_eq!(ids, [ours, busan]);
    let taken: Vec<(&str, i64)> = list.firms[0]
        .programmes
        .iter()
        .map(|t| (t.programme.id.as_str(), t.year))
        .collect();
    assert_eq!(taken, [("msit-ai-voucher", 2025), ("mss-smart-factory", 2025)]);
    assert_eq!(list.unmatched.len(), 1);
    assert_eq!(list.unmatched[0].business_number, number(9));
    let msit = IntegratedFilter {
        ministry: Some(aiup_sme::partner::Ministry::Msit),
        ..IntegratedFilter::default()
    };
    let only = partners::integrated_list(app, auditor, &msit).await.expect("msit");
    assert_eq!((only.firms.len(), only.unmatched.len()), (1, 0));
    let busan_only = IntegratedFilter {
        province_code: Some("26".to_owned()),
        ..IntegratedFilter::default()
    };
    let only = partners::integrated_list(app, auditor, &busan_only)
        .await
        .expect("busan");
    assert_eq!(only.firms.iter().map(|f| f.firm.id).collect::<Vec<_>>(), [busan]);
    let gg = IntegratedFilter {
        centre_id: Some(TEST_CENTRE.to_owned()),
        programme_id: Some("mss-smart-factory".to_owned()),
        ..IntegratedFilter::default()
    };
    let only = partners::integrated_list(app, auditor, &gg).await.expect("centre");
    assert_eq!(only.firms.iter().map(|f| f.firm.id).collect::<Vec<_>>(), [ours]);
    assert_eq!(
        partners::integrated_list(app, doctor, &IntegratedFilter::default())
            .await
            .unwrap_err()
            .code,
        Code::Forbidden
    );
    let csv = partners::integrated_csv(&list);
    assert_eq!(csv.lines().count(), 1 + 4, "{csv}");
    assert!(
        csv.contains(&format!("{},,,,mss-smart-factory,mss,2025,no", number(9))),
        "{csv}"
    );
    let counts = partners::programme_counts(app, auditor).await.expect("counts");
    let factory = counts.iter().find(|c| c.programme.id == "mss-smart-factory").unwrap();
    assert_eq!((factory.participations, factory.matched), (3, 2));
    // The registry's programme filter narrows to participants.
    let (seen, _) = firms::list_firms(
        app,
        auditor,
        FirmFilter {
            programme_id: Some("msit-ai-voucher".to_owned()),
            ..FirmFilter::default()
        },
    )
    .await
    .expect("programme filter");
    assert_eq!(seen.iter().map(|f| f.id).collect::<Vec<_>>(), [ours]);
}

#[tokio::test(flavor = "multi_thread")]
async fn registry_on_sqlite() {
    registry(spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn registry_on_postgres() {
    let Some(pg) = aiup_store::testing::postgres_test_url().await else {
        return;
    };
    let db = aiup_store::connect(pg.url()).await.expect("connect");
    registry(spawn_app_on(db).await).await;
}

/// The registry's pages with records on them, and the firm import refused with its rows, have no
/// accessibility violations (axe-core in headless Chromium, both languages, 390 and 1280 px).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registry_pages_have_no_accessibility_violations() {
    use crate::accessibility::{assert_clean, check_both, check_current, sign_in, start};
    let Some((b, axe)) = start().await else { return };
    stock(&b.app).await;
    crate::testkit::create_account(&b.app, Role::ProgrammeAdmin, None).await;
    let app = &b.app.state.app;
    let admin = app
        .operator_actor(&crate::testkit::login_of(Role::ProgrammeAdmin))
        .await
        .expect("admin");
    firms::assign_by_province(app, &admin).await.expect("assign");
    let list = format!("business_number,year\n{TEST_FIRM},2025\n{},2025\n", number(9));
    partners::import_participants_csv(app, &admin, "mss-smart-factory", &list, "중기부 명단")
        .await
        .expect("participants");
    let mut report = Vec::new();

    sign_in(&b, Role::ProgrammeAdmin).await;
    check_both(&b, &axe, "/admin/sme/firms", "sme-firms", &mut report).await;
    check_both(&b, &axe, "/admin/sme/firms/1", "sme-firm", &mut report).await;
    check_both(&b, &axe, "/admin/sme/partners", "sme-partners", &mut report).await;
    check_both(&b, &axe, "/admin/sme/integrated", "sme-integrated", &mut report).await;
    assert!(
        b.client.find(fantoccini::Locator::Css("#unmatched")).await.is_ok(),
        "the integrated list was checked with an unmatched row"
    );
    // A refused import: the rows beside the field, and the summary.
    b.goto("/admin/sme/firms").await;
    b.fill("csv", &format!("{HEADER}1234567890,A,3,C99,11110,yes,yes,no,0"))
        .await;
    b.click_and_wait("import-firms").await;
    assert!(
        b.client.find(fantoccini::Locator::Css("#csv-rows li")).await.is_ok(),
        "the page was checked with its bad rows"
    );
    check_current(&b, &axe, "sme-firms-error", &mut report).await;
    assert_clean(&report);
}

/// The CLI: generated firms and participations import (twice: unchanged), and a bad file exits 2
/// with every bad row on standard error and nothing stored.
#[test]
fn cli_imports_generated_firms_and_refuses_a_bad_file_with_exit_2() {
    use crate::cli::{aiup, stderr, stdout};
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path();
    let path = |name: &str| data.join(name).display().to_string();
    let out = aiup(
        data,
        &[
            "users",
            "add",
            "--login",
            "sme-cli",
            "--role",
            "programme_admin",
            "--generate-password",
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let (firms_csv, partners_csv) = (path("firms.csv"), path("partners.csv"));
    let out = aiup(
        data,
        &[
            "sme",
            "firms",
            "generate",
            "--count",
            "300",
            "--seed",
            "11",
            "--out",
            &firms_csv,
            "--partners-out",
            &partners_csv,
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let import = ["sme", "firms", "import", firms_csv.as_str(), "--actor", "sme-cli"];
    let out = aiup(data, &import, None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("300 created, 0 updated, 0 unchanged"),
        "{}",
        stdout(&out)
    );
    let out = aiup(data, &import, None);
    assert!(
        stdout(&out).contains("0 created, 0 updated, 300 unchanged"),
        "{}",
        stdout(&out)
    );
    let out = aiup(
        data,
        &[
            "sme",
            "partners",
            "import",
            partners_csv.as_str(),
            "--source",
            "generated",
            "--actor",
            "sme-cli",
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("0 not in the registry"), "{}", stdout(&out));

    let bad = path("bad.csv");
    std::fs::write(
        &bad,
        format!("{HEADER}{},새기업,3,C26,11110,yes,yes,no,0\n1234567890,A,3,C26,11110,yes,yes,no,0\n{},B,x,C26,11110,yes,yes,no,0\n", number(77), number(78)),
    )
    .expect("write");
    let out = aiup(
        data,
        &["sme", "firms", "import", bad.as_str(), "--actor", "sme-cli"],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("line 3, business_number"), "{err}");
    assert!(err.contains("line 4, employees"), "{err}");
    assert!(stdout(&out).contains("invalid_firm_csv"), "{}", stdout(&out));
    // Nothing of the bad file was stored: the good file is still all unchanged, and the bad
    // file's good row is new.
    let out = aiup(data, &import, None);
    assert!(stdout(&out).contains("300 unchanged"), "{}", stdout(&out));
    let one = path("one.csv");
    std::fs::write(
        &one,
        format!("{HEADER}{},새기업,3,C26,11110,yes,yes,no,0\n", number(77)),
    )
    .expect("write");
    let out = aiup(
        data,
        &["sme", "firms", "import", one.as_str(), "--actor", "sme-cli"],
        None,
    );
    assert!(stdout(&out).contains("1 created"), "{}", stdout(&out));
}
