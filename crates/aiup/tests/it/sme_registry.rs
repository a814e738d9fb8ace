//! The SME firm registry through the services, on SQLite and PostgreSQL: import, list, re-import
//! unchanged, a bad file stores nothing, and who sees which firm (a training doctor only their
//! centre's firms, an HR lead only their own firm; anything else is 404).

use aiup_app::accounts::{Actor, Role};
use aiup_app::sme::firms::{self, FirmFilter, FirmImportSummary};
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
