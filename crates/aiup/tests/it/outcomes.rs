//! Graduates' outcomes end to end on SQLite and PostgreSQL (issue 12, item 4): a known set of
//! graduates loaded through the population store, employment-insurance and startup records
//! imported from CSV; every figure of the board against a count made here from the fixture;
//! bad files listed by line and field with nothing stored; the same file again unchanged; the
//! outside figures' latest values; the startup-hiring grant on the imported records (its golden
//! cases are in `outcomes_cli`); the pages (who sees the import form, who may import), the CSV and XLSX
//! downloads read back with calamine.

use std::collections::BTreeMap;
use std::io::Read;

use calamine::DataType;

use crate::support::{spawn_app, spawn_app_on, TestApp};
use crate::testkit::{create_account, login_of, request, sign_in};
use aiup_app::accounts::Role;
use aiup_app::outcomes::{self, grant, OutcomeImportRequest};
use aiup_app::Code;
use aiup_people::outcome_records::OutcomeKind;
use aiup_people::ExternalIdKey;
use aiup_store::{PersonFields, PopulationBatch, PopulationEnrolment, PopulationEvent, PopulationPerson};
use chrono::{NaiveDate, TimeZone, Utc};

pub(crate) const KEY: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
/// Firm A: opened 2024-03-01, hires W-0, W-2 and an unknown person.
pub(crate) const FIRM_A: &str = "1208147521";
/// Firm B: no registration on record, hires W-1 and W-3.
const FIRM_B: &str = crate::testkit::TEST_FIRM;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
}

/// One person of the fixture and what the board must say of them, decided by hand from the
/// dates (windows: 90 and 180 days of employment, 365 of startups, from policy/outcomes.toml).
struct Graduate {
    id: &'static str,
    region: &'static str,
    programme: &'static str,
    start: &'static str,
    /// The completing event's day and status; `None`: still in training (no graduate).
    completed: Option<(&'static str, &'static str)>,
    employed_short: bool,
    employed_long: bool,
    started: bool,
}

const PEOPLE: [Graduate; 6] = [
    // Hired 45 days after completing.
    Graduate {
        id: "W-0",
        region: "11110",
        programme: "kdt-general",
        start: "2026-01-05",
        completed: Some(("2026-03-31", "completed")),
        employed_short: true,
        employed_long: true,
        started: false,
    },
    // Hired 142 days after completing.
    Graduate {
        id: "W-1",
        region: "11110",
        programme: "kdt-general",
        start: "2026-01-05",
        completed: Some(("2026-03-31", "completed")),
        employed_short: false,
        employed_long: true,
        started: false,
    },
    // Hired during training, then completed early by employment.
    Graduate {
        id: "W-2",
        region: "26110",
        programme: "card-ai-general",
        start: "2026-02-02",
        completed: Some(("2026-03-10", "early_completion_employment")),
        employed_short: true,
        employed_long: true,
        started: false,
    },
    // Hired 215 days after completing; a business opened before the training began.
    Graduate {
        id: "W-3",
        region: "26110",
        programme: "card-ai-general",
        start: "2026-02-02",
        completed: Some(("2026-04-30", "completed")),
        employed_short: false,
        employed_long: false,
        started: false,
    },
    // Opened a business 33 days after completing.
    Graduate {
        id: "W-4",
        region: "41111",
        programme: "kdc-ai",
        start: "2026-03-02",
        completed: Some(("2026-05-29", "completed")),
        employed_short: false,
        employed_long: false,
        started: true,
    },
    // Still in training: hired, but no graduate.
    Graduate {
        id: "W-5",
        region: "41111",
        programme: "kdt-general",
        start: "2026-03-02",
        completed: None,
        employed_short: false,
        employed_long: false,
        started: false,
    },
];

fn firm_c() -> String {
    aiup_sme::BusinessNumber::from_nine([2, 2, 0, 8, 1, 6, 2, 3, 4]).digits()
}

pub(crate) fn employment_csv() -> String {
    format!(
        "person_id,business_number,acquired_on,lost_on,ksic,size_band\n\
         W-0,{FIRM_A},2026-05-15,,J62,10_29\n\
         W-1,{FIRM_B},2026-08-20,,C26,50_99\n\
         W-2,{FIRM_A},2026-03-09,,J62,10_29\n\
         W-3,{FIRM_B},2026-12-01,,C26,50_99\n\
         W-5,{FIRM_B},2026-05-01,,C26,50_99\n\
         X-9,{FIRM_A},2026-05-01,2026-06-30,J62,10_29\n"
    )
}

fn startups_csv() -> String {
    format!(
        "founder_id,business_number,opened_on,ksic,region\n\
         F-1,{FIRM_A},2024-03-01,J62,11110\n\
         W-4,{},2026-07-01,J58,41111\n\
         W-3,{},2025-12-01,M71,26110\n",
        firm_c(),
        aiup_sme::BusinessNumber::from_nine([3, 1, 4, 8, 6, 0, 1, 2, 5]).digits()
    )
}

fn at(date: &str) -> chrono::DateTime<Utc> {
    // 09:00 in Seoul.
    let d = day(date);
    Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).expect("time"))
}

fn event(name: &str, from: Option<&str>, to: &str, on: &str) -> PopulationEvent {
    PopulationEvent {
        event: name.to_owned(),
        from_status: from.map(str::to_owned),
        to_status: to.to_owned(),
        at: at(on),
    }
}

async fn load_graduates(app: &TestApp, key: &ExternalIdKey) {
    let mut batch = PopulationBatch::default();
    for (i, g) in PEOPLE.iter().enumerate() {
        batch.people.push(PopulationPerson {
            fields: PersonFields {
                stage: "entry".to_owned(),
                status: "job_seeker".to_owned(),
                employer_size: None,
                region_code: g.region.to_owned(),
                age_band: "20_29".to_owned(),
                target_groups: String::new(),
                kukchi: "none".to_owned(),
                external_id_hash: Some(key.hash(g.id).expect("hash")),
            },
            created_at: at("2025-12-01"),
        });
        let mut events = vec![
            event("apply", None, "applied", "2025-12-10"),
            event("accept", Some("applied"), "accepted", "2025-12-20"),
            event("start", Some("accepted"), "in_training", g.start),
        ];
        let status = match g.completed {
            Some((on, status)) => {
                let name = if status == "completed" {
                    "complete"
                } else {
                    "complete_by_employment"
                };
                events.push(event(name, Some("in_training"), status, on));
                status
            }
            None => "in_training",
        };
        batch.enrolments.push(PopulationEnrolment {
            person: i,
            course_id: format!("OUTCOMES-{i}"),
            cohort_ordinal: 0,
            institution_id: "OUTCOMES-INST".to_owned(),
            programme: g.programme.to_owned(),
            cohort_start: day(g.start),
            cohort_end: day(g.completed.map_or("2026-06-30", |(on, _)| on)),
            status: status.to_owned(),
            fee_won: 1_000_000,
            card_hold_won: 0,
            self_payment_won: 0,
            applied_at: at("2025-12-10"),
            updated_at: events.last().expect("events").at,
            waiting_since: None,
            events,
        });
    }
    app.state
        .app
        .db()
        .population()
        .load(batch, "test")
        .await
        .expect("load graduates");
}

fn import_request<'a>(kind: OutcomeKind, text: &'a str, as_of: &str) -> OutcomeImportRequest<'a> {
    OutcomeImportRequest {
        kind,
        source: "시험 자료",
        as_of: day(as_of),
        text,
    }
}

/// The expected counts by programme, counted from the fixture's hand-made flags.
fn expected_by_programme() -> BTreeMap<&'static str, [u64; 4]> {
    let mut out: BTreeMap<&str, [u64; 4]> = BTreeMap::new();
    for g in PEOPLE.iter().filter(|g| g.completed.is_some()) {
        let row = out.entry(g.programme).or_default();
        row[0] += 1;
        row[1] += u64::from(g.employed_short);
        row[2] += u64::from(g.employed_long);
        row[3] += u64::from(g.started);
    }
    out
}

async fn outcomes_flow(app: TestApp) {
    create_account(&app, Role::ProgrammeAdmin, None).await;
    create_account(&app, Role::Auditor, None).await;
    let services = &app.state.app;
    let admin = crate::enrolment::actor(services, &login_of(Role::ProgrammeAdmin)).await;
    let auditor = crate::enrolment::actor(services, &login_of(Role::Auditor)).await;

    // Without an identifier key, records naming people are refused, and nothing is stored.
    let employment = employment_csv();
    let refused = outcomes::import(
        services,
        &admin,
        import_request(OutcomeKind::Employment, &employment, "2026-12-31"),
    )
    .await
    .expect_err("no key");
    assert_eq!(refused.code, Code::NoIdentifierKey);
    let key = ExternalIdKey::from_hex(KEY).expect("key");
    services.set_identifier_key(key.clone()).expect("set key");
    load_graduates(&app, &key).await;

    // The auditor reads but may not import.
    let forbidden = outcomes::import(
        services,
        &auditor,
        import_request(OutcomeKind::Employment, &employment, "2026-12-31"),
    )
    .await
    .expect_err("auditor");
    assert_eq!(forbidden.code, Code::Forbidden);

    // A file with bad rows: every one listed by line and field, nothing stored.
    let bad = format!(
        "person_id,business_number,acquired_on,size_band\nW-0,{FIRM_A},2026-05-15,10_29\nW-1,1234567890,2026-02-30,10_29\n900101-1234567,{FIRM_A},2026-05-15,huge\n"
    );
    let refused = outcomes::import(
        services,
        &admin,
        import_request(OutcomeKind::Employment, &bad, "2026-12-31"),
    )
    .await
    .expect_err("bad rows");
    assert_eq!(refused.code, Code::InvalidOutcomeCsv);
    for needle in [
        "line 3, business_number",
        "line 3, acquired_on",
        "line 4, person_id",
        "line 4, size_band",
    ] {
        assert!(refused.message.contains(needle), "{needle} in {}", refused.message);
    }
    assert!(!refused.message.contains("900101"), "an identifier is never echoed");
    let ko = refused.message_ko.clone().expect("korean");
    assert!(ko.contains("3행, business_number"), "{ko}");
    assert!(outcomes::imports(services, &admin).await.expect("imports").is_empty());

    // Good files, then the same file again: unchanged.
    let first = outcomes::import(
        services,
        &admin,
        import_request(OutcomeKind::Employment, &employment, "2026-12-31"),
    )
    .await
    .expect("employment");
    assert!(first.created);
    assert_eq!(first.import.rows, 6);
    let startups = startups_csv();
    outcomes::import(
        services,
        &admin,
        import_request(OutcomeKind::Startups, &startups, "2026-12-31"),
    )
    .await
    .expect("startups");
    let again = outcomes::import(
        services,
        &admin,
        import_request(OutcomeKind::Employment, &employment, "2026-12-31"),
    )
    .await
    .expect("again");
    assert!(!again.created);
    assert_eq!(again.import, first.import);
    assert_eq!(outcomes::imports(services, &admin).await.expect("imports").len(), 2);
    let stored = services.db().outcomes().employment(None).await.expect("employment");
    assert_eq!(stored.len(), 6);
    assert!(stored
        .iter()
        .all(|e| e.row.person_hash.len() == 64 && !e.row.person_hash.contains("W-")));

    // The board's figures against the fixture's own counts.
    let view = outcomes::outcomes(services, &auditor).await.expect("view");
    assert_eq!(
        (view.windows.employment_short_days, view.windows.employment_long_days),
        (90, 180)
    );
    let expected = expected_by_programme();
    let got: BTreeMap<&str, [u64; 4]> = view
        .by_programme
        .iter()
        .map(|g| {
            let c = g.counts;
            (
                g.key.as_str(),
                [c.graduates, c.employed_short, c.employed_long, c.started_business],
            )
        })
        .collect();
    assert_eq!(got, expected);
    let graduates = PEOPLE.iter().filter(|g| g.completed.is_some()).count() as u64;
    let employed = PEOPLE.iter().filter(|g| g.employed_long).count() as u64;
    assert_eq!(view.total.graduates, graduates);
    assert_eq!(view.total.employed_long, employed);
    assert_eq!(view.total.employment_rate_bp(), (employed * 10_000 / graduates) as i64);
    let province = |code: &str| {
        view.by_province
            .iter()
            .find(|g| g.key == code)
            .expect("province")
            .counts
    };
    assert_eq!(province("11").graduates, 2);
    assert_eq!(province("26").employed_short, 1);
    assert_eq!(province("41").started_business, 1);
    assert_eq!(province("41").graduates, 1, "W-5 is still in training");
    assert_eq!(view.by_stage.iter().map(|g| g.counts.graduates).sum::<u64>(), graduates);
    assert_eq!(view.unmatched_employment, 1, "X-9");
    assert_eq!(view.unmatched_startups, 1, "F-1");
    assert!(view.sources.iter().all(|s| s.import.source == "시험 자료"));

    // Outside figures: the newest value per metric, with its source and date.
    let figures_march = "metric,value,unit,as_of\ninfra-instructor-academy,1200,people,2026-03-31\nkdc-ai-share-2026-min,4000,bp,2026-03-31\n";
    let figures_june = "metric,value,unit,as_of\ninfra-instructor-academy,3400,people,2026-06-30\n";
    outcomes::import(
        services,
        &admin,
        import_request(OutcomeKind::Figures, figures_june, "2026-06-30"),
    )
    .await
    .expect("june");
    outcomes::import(
        services,
        &admin,
        import_request(OutcomeKind::Figures, figures_march, "2026-03-31"),
    )
    .await
    .expect("march");
    let unknown = outcomes::import(
        services,
        &admin,
        import_request(
            OutcomeKind::Figures,
            "metric,value,unit,as_of\nno-such-line,1,people,2026-03-31\n",
            "2026-03-31",
        ),
    )
    .await
    .expect_err("unknown metric");
    assert!(unknown.message.contains("line 2, metric"), "{}", unknown.message);
    let latest = outcomes::external_figures(services, &auditor).await.expect("figures");
    assert_eq!(latest.len(), 2);
    let academy = latest
        .iter()
        .find(|f| f.metric == "infra-instructor-academy")
        .expect("academy");
    assert_eq!((academy.value, academy.as_of), (3_400, day("2026-06-30")));
    assert_eq!(academy.source, "시험 자료");

    // The grant on the imported records.
    let a = grant::check_applicant(services, &auditor, "120-81-47521", day("2026-09-01"))
        .await
        .expect("firm A");
    assert!(a.eligibility.eligible, "{:?}", a.eligibility);
    assert_eq!(a.opened_on, Some(day("2024-03-01")));
    assert_eq!(a.eligibility.hires.iter().filter(|h| h.counted).count(), 1, "W-0 only");
    assert_eq!(
        (
            a.eligibility.grant_min_won,
            a.eligibility.grant_max_won,
            a.eligibility.firms_cap
        ),
        (150_000_000, 200_000_000, 80)
    );
    let b = grant::check_applicant(services, &auditor, FIRM_B, day("2026-09-01"))
        .await
        .expect("firm B");
    assert!(!b.eligibility.eligible);
    let met: Vec<(String, bool)> = b.eligibility.reasons.iter().map(|r| (r.code.clone(), r.met)).collect();
    assert_eq!(met[0], ("startup_age".to_owned(), false));
    assert_eq!(
        met[1],
        ("graduate_hires".to_owned(), true),
        "W-1 hired within a year of completing"
    );
    let bad = grant::check_applicant(services, &auditor, "1234567890", day("2026-09-01"))
        .await
        .expect_err("bad number");
    assert_eq!(
        (bad.code, bad.field.as_deref()),
        (Code::InvalidBusinessNumber, Some("business_number"))
    );
    // Recording a grant: programme administrators only, eligible firms only.
    let on = day("2026-09-01");
    let refused = grant::decide(services, &auditor, FIRM_A, on, 150_000_000)
        .await
        .expect_err("auditor");
    assert_eq!(refused.code, Code::Forbidden);
    let refused = grant::decide(services, &admin, FIRM_B, on, 150_000_000)
        .await
        .expect_err("not eligible");
    assert_eq!(refused.code, Code::GrantNotEligible);
    assert!(refused.message.contains("startup"), "{}", refused.message);
    assert!(services.db().outcomes().grants(2026).await.expect("grants").is_empty());

    pages(&app, &view).await;
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

async fn get_bytes(app: &TestApp, role: Role, path: &str) -> Vec<u8> {
    let browser = sign_in(app, role).await;
    let url = format!("{}{path}", app.base_url);
    tokio::task::spawn_blocking(move || {
        let response = ureq::get(&url)
            .set("Cookie", &format!("aiup_session={}", browser.cookie))
            .call()
            .expect("download");
        let mut bytes = Vec::new();
        response.into_reader().read_to_end(&mut bytes).expect("body");
        bytes
    })
    .await
    .expect("task")
}

async fn pages(app: &TestApp, view: &outcomes::OutcomesView) {
    let board = get(app, Role::ProgrammeAdmin, "/admin/dashboard/outcomes").await;
    assert_eq!(board.status, 200);
    for needle in [
        "id=\"import-form\"",
        "id=\"chart-employment\"",
        "id=\"by-programme\"",
        "class=\"as-of\"",
        "role=\"img\"",
    ] {
        assert!(board.body.contains(needle), "{needle}");
    }
    let seen = get(app, Role::Auditor, "/admin/dashboard/outcomes?lang=en").await;
    assert_eq!(seen.status, 200);
    assert!(!seen.body.contains("id=\"import-form\""), "auditors see no form");
    assert!(seen.body.contains("Graduates' outcomes"));

    // The auditor's post is refused; the administrator's bad file is listed and stores nothing.
    let before = app.state.app.db().outcomes().imports().await.expect("imports").len();
    for (role, status) in [(Role::Auditor, 403), (Role::ProgrammeAdmin, 422)] {
        let browser = sign_in(app, role).await;
        let answer = request(
            "POST",
            format!("{}/admin/dashboard/outcomes/import", app.base_url),
            Some(format!("aiup_session={}", browser.cookie)),
            None,
            Some(vec![
                ("csrf".to_owned(), browser.csrf.clone()),
                ("kind".to_owned(), "figures".to_owned()),
                ("source".to_owned(), "page".to_owned()),
                ("as_of".to_owned(), "2026-06-30".to_owned()),
                ("text".to_owned(), "metric,value,unit,as_of\nphysical-ai-labs,4,sites,2026-06-30\nphysical-ai-labs,x,sites,2026-07-31\n".to_owned()),
            ]),
        )
        .await;
        assert_eq!(answer.status, status, "{role:?}: {}", answer.body);
        if status == 422 {
            assert!(answer.body.contains("3행, value"), "{}", answer.body);
        }
    }
    assert_eq!(
        app.state.app.db().outcomes().imports().await.expect("imports").len(),
        before
    );

    // Downloads: the same numbers as the page's figures.
    let xlsx = get_bytes(
        app,
        Role::Auditor,
        "/admin/dashboard/outcomes?format=xlsx&table=by-programme",
    )
    .await;
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).expect("xlsx");
    let range = calamine::Reader::worksheet_range_at(&mut workbook, 0)
        .expect("sheet")
        .expect("range");
    let rows: Vec<_> = range.rows().collect();
    // Caption, headers, one row per programme, then the total.
    assert_eq!(rows.len(), 2 + view.by_programme.len() + 1);
    for (row, group) in rows[2..].iter().zip(&view.by_programme) {
        assert_eq!(row[0].to_string(), group.name.ko);
        assert_eq!(row[1].as_f64(), Some(group.counts.graduates as f64));
        assert_eq!(row[4].as_f64(), Some(group.counts.employed_long as f64));
        assert_eq!(row[6].as_f64(), Some(group.counts.started_business as f64));
    }
    let total = rows.last().expect("total");
    assert_eq!(total[1].as_f64(), Some(view.total.graduates as f64));
    let csv = get(
        app,
        Role::ProgrammeAdmin,
        "/admin/dashboard/outcomes?format=csv&table=by-province&lang=en",
    )
    .await;
    assert_eq!(csv.status, 200);
    let lines: Vec<&str> = csv.body.trim_start_matches('\u{feff}').lines().collect();
    assert!(lines[0].starts_with("Province,Graduates"), "{}", lines[0]);
    assert_eq!(lines.len(), 1 + view.by_province.len() + 1);
    assert!(lines
        .last()
        .expect("total")
        .starts_with(&format!("Total,{}", view.total.graduates)));
    let missing = get(app, Role::Auditor, "/admin/dashboard/outcomes?format=csv&table=nope").await;
    assert_eq!(missing.status, 404);

    // The grant page: the verdict with its reasons, and a bad number named.
    let page = get(
        app,
        Role::Auditor,
        &format!("/admin/dashboard/outcomes/grant?business_number={FIRM_A}&applied_on=2026-09-01"),
    )
    .await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("verdict--yes") && page.body.contains("id=\"reasons\""),
        "{}",
        page.body
    );
    let refused = get(
        app,
        Role::Auditor,
        "/admin/dashboard/outcomes/grant?business_number=1234567890&applied_on=2026-09-01",
    )
    .await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("error-summary"));
    let hires = get(
        app,
        Role::Auditor,
        &format!(
            "/admin/dashboard/outcomes/grant?business_number={FIRM_A}&applied_on=2026-09-01&format=csv&table=hires"
        ),
    )
    .await;
    assert_eq!(hires.status, 200);
    assert_eq!(hires.body.lines().count(), 1 + 3, "three acquisitions under firm A");

    // The grant recorded from the page: the form for administrators only, the amount checked.
    let grant_page = format!("/admin/dashboard/outcomes/grant?business_number={FIRM_A}&applied_on=2026-09-01");
    assert!(
        !page.body.contains("id=\"decide-form\""),
        "auditors see no decision form"
    );
    let before = get(app, Role::ProgrammeAdmin, &grant_page).await;
    assert!(before.body.contains("id=\"decide-form\""));
    let decide = |role: Role, amount: &'static str| async move {
        let browser = sign_in(app, role).await;
        request(
            "POST",
            format!("{}/admin/dashboard/outcomes/grant", app.base_url),
            Some(format!("aiup_session={}", browser.cookie)),
            None,
            Some(vec![
                ("csrf".to_owned(), browser.csrf.clone()),
                ("business_number".to_owned(), FIRM_A.to_owned()),
                ("applied_on".to_owned(), "2026-09-01".to_owned()),
                ("amount_won".to_owned(), amount.to_owned()),
            ]),
        )
        .await
    };
    assert_eq!(decide(Role::Auditor, "150000000").await.status, 403);
    let low = decide(Role::ProgrammeAdmin, "1000").await;
    assert_eq!(low.status, 422);
    assert!(low.body.contains("amount_won-error"), "{}", low.body);
    assert!(app
        .state
        .app
        .db()
        .outcomes()
        .grants(2026)
        .await
        .expect("grants")
        .is_empty());
    assert_eq!(decide(Role::ProgrammeAdmin, "180,000,000").await.status, 303);
    let after = get(app, Role::ProgrammeAdmin, &grant_page).await;
    assert!(after.body.contains("id=\"grant-granted\"") && !after.body.contains("id=\"decide-form\""));
    let grants = app.state.app.db().outcomes().grants(2026).await.expect("grants");
    assert_eq!(grants.len(), 1);
    assert_eq!(
        (grants[0].decision.amount_won, grants[0].decided_by.as_str()),
        (180_000_000, login_of(Role::ProgrammeAdmin).as_str())
    );
    assert_eq!(
        decide(Role::ProgrammeAdmin, "150000000").await.status,
        422,
        "a second grant is refused"
    );
    assert_eq!(
        app.state.app.db().outcomes().grants(2026).await.expect("grants").len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outcomes_on_sqlite() {
    outcomes_flow(spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outcomes_on_postgres() {
    let Some(db) = aiup_store::testing::postgres_test_url().await else {
        return;
    };
    let database = aiup_store::connect(db.url()).await.expect("connect");
    outcomes_flow(spawn_app_on(database).await).await;
}

/// axe-core over the outcome pages (both languages, narrow and wide) with figures on them, the
/// grant check with a result and with a refused number, and the import form showing its errors.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outcome_pages_have_no_accessibility_violations() {
    use crate::accessibility::{assert_clean, check_both, check_current, start};
    use fantoccini::Locator;
    let Some((b, axe)) = start().await else { return };
    create_account(&b.app, Role::ProgrammeAdmin, None).await;
    let services = &b.app.state.app;
    let admin = crate::enrolment::actor(services, &login_of(Role::ProgrammeAdmin)).await;
    let key = ExternalIdKey::from_hex(KEY).expect("key");
    services.set_identifier_key(key.clone()).expect("set key");
    load_graduates(&b.app, &key).await;
    let (employment, startups) = (employment_csv(), startups_csv());
    for (kind, text) in [
        (OutcomeKind::Employment, &employment),
        (OutcomeKind::Startups, &startups),
    ] {
        outcomes::import(services, &admin, import_request(kind, text, "2026-12-31"))
            .await
            .expect("import");
    }
    let mut report = Vec::new();
    crate::accessibility::sign_in(&b, Role::ProgrammeAdmin).await;
    check_both(&b, &axe, "/admin/dashboard/outcomes", "outcomes", &mut report).await;
    check_both(
        &b,
        &axe,
        &format!("/admin/dashboard/outcomes/grant?business_number={FIRM_A}&applied_on=2026-09-01"),
        "outcomes-grant",
        &mut report,
    )
    .await;
    check_both(
        &b,
        &axe,
        "/admin/dashboard/outcomes/grant?business_number=123&applied_on=2026-09-01",
        "outcomes-grant-refused",
        &mut report,
    )
    .await;
    b.goto("/admin/dashboard/outcomes").await;
    for (id, text) in [("source", "시험"), ("text", "person_id,business_number\nW-0,1\n")] {
        b.client
            .find(Locator::Id(id))
            .await
            .expect(id)
            .send_keys(text)
            .await
            .expect("type");
    }
    b.click_and_wait("import").await;
    assert!(
        b.client.find(Locator::Id("text-error")).await.is_ok(),
        "the form was checked with its errors"
    );
    check_current(&b, &axe, "outcomes-import-error", &mut report).await;
    assert_clean(&report);
}
