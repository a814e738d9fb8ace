//! The overview, regional and SME boards (issue 12) over a known world, on SQLite and
//! PostgreSQL: a generated population with its attendance, two payroll runs, and a registry of
//! generated firms some of which were diagnosed, prescribed and accepted. Every figure is held
//! against a count made here, independently (raw SQL per province, per 시군구, per month; the
//! population file read from disk), and every table's CSV and XLSX download against the page.

use std::collections::BTreeMap;
use std::io::Read;

use aiup_app::accounts::{Actor, Role};
use aiup_app::dashboard::{overview, regions, smes};
use aiup_app::population::generate_and_store;
use aiup_people::generate::PopulationOptions;
use aiup_store::testing::{raw_execute, raw_i64};
use aiup_store::Database;
use chrono::NaiveDate;

use crate::sme_registry::actor;
use crate::support::{spawn_app, spawn_app_on, TestApp};
use crate::testkit::{create_account, sign_in};

const ENROLLED: &str =
    "('accepted', 'in_training', 'completed', 'early_completion_employment', 'dropped_out', 'removed', 'not_completed')";
const ENDED: &str = "('completed', 'early_completion_employment', 'dropped_out', 'removed', 'not_completed')";

pub struct World {
    pub app: TestApp,
    _postgres: Option<aiup_store::testing::PostgresTestDb>,
    pub admin: Actor,
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// A population of `trainees` seen on 2026-06-30 with attendance, the April and May payroll
/// runs, and 60 generated firms: every third diagnosed (levels in turn), every sixth also
/// prescribed and its plan accepted, every firm of Gyeonggi assigned to its centre.
pub async fn world_on(app: TestApp, postgres: Option<aiup_store::testing::PostgresTestDb>, trainees: usize) -> World {
    let admin = populate(&app, trainees).await;
    World {
        app,
        _postgres: postgres,
        admin,
    }
}

/// Stocks `app` as [`world_on`] says; returns the programme administrator who ran the payroll.
pub async fn populate(app: &TestApp, trainees: usize) -> Actor {
    let services = app.state.app.clone();
    let engine = services.engine();
    generate_and_store(
        services.db(),
        engine.policy(),
        engine.regions(),
        &PopulationOptions {
            trainees,
            seed: 12,
            today: day(2026, 6, 30),
        },
        120,
        day(2026, 1, 5),
        None,
        true,
        "test",
    )
    .await
    .expect("population");
    let admin = actor(&services, "dash-admin", Role::ProgrammeAdmin, None).await;
    for month in ["2026-04", "2026-05"] {
        services
            .run_payroll(&admin, month, &|_, _| {})
            .await
            .expect("payroll run");
    }
    let firms = aiup_sme::generate::firms(5, 60, engine.regions());
    let csv = aiup_sme::firm::write_firms_csv(&firms);
    aiup_app::sme::firms::import_firms_csv(&services, &admin, &csv)
        .await
        .expect("import firms");
    aiup_app::sme::firms::ensure_centres(&services).await.expect("centres");
    let db = services.db();
    raw_execute(
        db,
        "UPDATE sme_firms SET centre_id = 'centre-gyeonggi' WHERE province_code = '41'",
    )
    .await
    .expect("assign");
    let ids = raw_ids(db, "SELECT id FROM sme_firms ORDER BY id").await;
    let levels = ["beginner", "intermediate", "advanced"];
    for (n, id) in ids.iter().enumerate().filter(|(n, _)| n % 3 == 0) {
        let diagnosis = raw_i64(
            db,
            &format!(
                "INSERT INTO sme_diagnoses (firm_id, diagnosis_no, taken_on, recorded_at, recorded_by, \
                 questionnaire_version, answers, level, points, max_points, intermediate_from, advanced_from) \
                 VALUES ({id}, 1, '2026-04-01', '2026-04-01T00:00:00Z', 'doc', '{}', 'a', '{}', 40, 88, 30, 60) RETURNING id",
                "q".repeat(64),
                levels[(n / 3) % 3]
            ),
        )
        .await
        .expect("diagnosis");
        if n % 6 == 0 {
            let plan = raw_i64(
                db,
                &format!(
                    "INSERT INTO sme_prescriptions (firm_id, diagnosis_id, prescribed_on, recorded_at, recorded_by, level, \
                     policy_version) VALUES ({id}, {diagnosis}, '2026-04-02', '2026-04-02T00:00:00Z', 'doc', 'beginner', 'p') \
                     RETURNING id"
                ),
            )
            .await
            .expect("prescription");
            raw_execute(
                db,
                &format!(
                    "INSERT INTO sme_prescription_acceptances (prescription_id, accepted_on, accepted_at, accepted_by) \
                     VALUES ({plan}, '2026-04-03', '2026-04-03T00:00:00Z', 'hr')"
                ),
            )
            .await
            .expect("acceptance");
        }
    }
    admin
}

async fn raw_ids(db: &Database, sql: &str) -> Vec<i64> {
    let n = raw_i64(db, &format!("SELECT COUNT(*) FROM ({sql}) x"))
        .await
        .expect("count");
    let mut out = Vec::new();
    for offset in 0..n {
        out.push(
            raw_i64(db, &format!("{sql} LIMIT 1 OFFSET {offset}"))
                .await
                .expect("id"),
        );
    }
    out
}

async fn count(db: &Database, sql: &str) -> i64 {
    raw_i64(db, &format!("SELECT COALESCE(CAST(({sql}) AS BIGINT), 0)"))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The figures of the people living where `place` says (an SQL condition on `p.region_code`).
async fn counted_where(db: &Database, place: &str) -> regions::Counts {
    let enrolments = |condition: String| {
        format!("SELECT COUNT(*) FROM enrolments e JOIN people p ON p.id = e.person_id WHERE {place} AND {condition}")
    };
    regions::Counts {
        people_enrolled: count(
            db,
            &format!(
                "SELECT COUNT(DISTINCT e.person_id) FROM enrolments e JOIN people p ON p.id = e.person_id \
                 WHERE {place} AND e.status IN {ENROLLED}"
            ),
        )
        .await,
        in_training: count(db, &enrolments("e.status = 'in_training'".into())).await,
        completed: count(
            db,
            &enrolments("e.status IN ('completed', 'early_completion_employment')".into()),
        )
        .await,
        ended: count(db, &enrolments(format!("e.status IN {ENDED}"))).await,
        paid_won: count(
            db,
            &format!(
                "SELECT SUM(l.amount_won) FROM payroll_lines l JOIN payroll_runs r ON r.id = l.run_id \
                 JOIN people p ON p.id = l.person_id WHERE {place} AND r.status <> 'cancelled'"
            ),
        )
        .await,
        card_charged_won: count(
            db,
            &format!(
                "SELECT -SUM(c.amount_won) FROM card_entries c JOIN enrolments e ON e.id = c.enrolment_id \
                 JOIN people p ON p.id = e.person_id WHERE {place} AND c.kind IN ('charge', 'refund')"
            ),
        )
        .await,
        smes_diagnosed: count(
            db,
            &format!(
                "SELECT COUNT(*) FROM sme_firms f WHERE {} AND EXISTS (SELECT 1 FROM sme_diagnoses d WHERE d.firm_id = f.id)",
                place.replace("p.region_code", "f.region_code")
            ),
        )
        .await,
    }
}

/// Residents by province, read from the data file itself.
fn residents() -> BTreeMap<String, i64> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/population/sido.csv");
    std::fs::read_to_string(path)
        .expect("sido.csv")
        .lines()
        .skip(1)
        .filter_map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            Some((cells.first()?.to_string(), cells.get(2)?.parse::<i64>().ok()? * 1_000))
        })
        .collect()
}

async fn regions_agree(world: &World) -> String {
    let app = &world.app.state.app;
    let db = app.db();
    let view = regions::compute_regions(app, &world.admin).await.expect("regions");
    assert_eq!(view.provinces.len(), 17);
    let residents = residents();
    let mut sum = regions::Counts::default();
    for p in &view.provinces {
        let expected = counted_where(db, &format!("substr(p.region_code, 1, 2) = '{}'", p.code)).await;
        assert_eq!(p.counts, expected, "province {}", p.code);
        assert_eq!(p.population, residents.get(&p.code).copied(), "residents of {}", p.code);
        if let (Some(rate), Some(pop)) = (p.enrolled_per_10k(), p.population) {
            assert_eq!(rate, p.counts.people_enrolled * 1_000_000 / pop);
        }
        sum.people_enrolled += p.counts.people_enrolled;
        sum.in_training += p.counts.in_training;
        sum.completed += p.counts.completed;
        sum.ended += p.counts.ended;
        sum.paid_won += p.counts.paid_won;
        sum.card_charged_won += p.counts.card_charged_won;
        sum.smes_diagnosed += p.counts.smes_diagnosed;
    }
    assert_eq!(view.total.counts, sum, "the provinces add up to the country");
    assert_eq!(view.total.counts, counted_where(db, "TRUE").await);
    assert!(sum.people_enrolled > 0 && sum.paid_won > 0 && sum.card_charged_won > 0 && sum.smes_diagnosed > 0);
    assert!(sum.in_training > 0 && sum.completed > 0, "{sum:?}");

    // The province with the most people: its 시군구 add up to it, each as counted here.
    let busiest = view
        .provinces
        .iter()
        .max_by_key(|p| p.counts.people_enrolled)
        .expect("a province");
    let province = regions::compute_province(app, &world.admin, &busiest.code)
        .await
        .expect("province");
    assert_eq!(province.province.counts, busiest.counts);
    let mut regions_sum = regions::Counts::default();
    for r in &province.regions {
        let expected = counted_where(db, &format!("p.region_code = '{}'", r.code)).await;
        assert_eq!(r.counts, expected, "시군구 {}", r.code);
        regions_sum.people_enrolled += r.counts.people_enrolled;
        regions_sum.in_training += r.counts.in_training;
        regions_sum.completed += r.counts.completed;
        regions_sum.paid_won += r.counts.paid_won;
        regions_sum.smes_diagnosed += r.counts.smes_diagnosed;
    }
    assert_eq!(
        (
            regions_sum.people_enrolled,
            regions_sum.in_training,
            regions_sum.completed,
            regions_sum.paid_won,
            regions_sum.smes_diagnosed
        ),
        (
            busiest.counts.people_enrolled,
            busiest.counts.in_training,
            busiest.counts.completed,
            busiest.counts.paid_won,
            busiest.counts.smes_diagnosed
        )
    );
    for programme in &province.programmes {
        let enrolments = |condition: &str| {
            format!(
                "SELECT COUNT({condition}) FROM enrolments e JOIN people p ON p.id = e.person_id \
                 WHERE substr(p.region_code, 1, 2) = '{}' AND e.programme = '{}'",
                busiest.code, programme.code
            )
        };
        assert_eq!(
            programme.counts.in_training,
            count(db, &enrolments("CASE WHEN e.status = 'in_training' THEN 1 END")).await,
            "{}",
            programme.code
        );
        assert_eq!(
            programme.counts.people_enrolled,
            count(
                db,
                &enrolments(&format!(
                    "DISTINCT CASE WHEN e.status IN {ENROLLED} THEN e.person_id END"
                ))
            )
            .await,
            "{}",
            programme.code
        );
    }
    assert_eq!(
        province.programmes.iter().map(|p| p.counts.in_training).sum::<i64>(),
        busiest.counts.in_training
    );
    let unknown = regions::compute_province(app, &world.admin, "99")
        .await
        .expect_err("no province 99");
    assert_eq!(unknown.http_status(), 404);
    busiest.code.clone()
}

async fn months_agree(world: &World) {
    let app = &world.app.state.app;
    let db = app.db();
    let view = overview::compute_overview(app, &world.admin).await.expect("overview");
    assert_eq!(view.months.len(), 12);
    for (i, m) in view.months.iter().enumerate() {
        let month = i + 1;
        let from = format!("{}-{month:02}-01", view.year);
        let to = if month == 12 {
            format!("{}-01-01", view.year + 1)
        } else {
            format!("{}-{:02}-01", view.year, month + 1)
        };
        let events = |to_status: &str| {
            format!(
                "SELECT COUNT(*) FROM enrolment_events WHERE to_status IN ({to_status}) \
                 AND seoul_date >= '{from}' AND seoul_date < '{to}'"
            )
        };
        assert_eq!(
            m.started,
            count(db, &events("'in_training'")).await,
            "started in {month}"
        );
        assert_eq!(
            m.completed,
            count(db, &events("'completed', 'early_completion_employment'")).await,
            "completed in {month}"
        );
        assert_eq!(
            m.paid_won,
            count(
                db,
                &format!(
                    "SELECT SUM(l.amount_won) FROM payroll_lines l JOIN payroll_runs r ON r.id = l.run_id \
                     WHERE r.status <> 'cancelled' AND r.month = '{}-{month:02}'",
                    view.year
                )
            )
            .await,
            "paid in {month}"
        );
    }
    assert!(view.months.iter().any(|m| m.started > 0) && view.months.iter().any(|m| m.paid_won > 0));
    // The headlines against the plan's figures (policy/plan.toml: 240,000 people, ₩254.0 bn,
    // 1,000,000 over five years; policy/programmes.toml: 2,000 SMEs diagnosed and prescribed).
    assert_eq!(view.people.target, Some(240_000));
    assert_eq!(app.engine().policy().plan.people, 240_000);
    assert_eq!(view.paid_won.target, Some(254_000_000_000));
    assert_eq!(view.five_year_people.target, Some(1_000_000));
    assert_eq!(view.smes.target, Some(2_000));
    assert_eq!(view.people.value, view.totals.people_enrolled);
    assert_eq!(
        view.smes.value,
        count(db, "SELECT COUNT(DISTINCT firm_id) FROM sme_prescriptions").await,
        "firms diagnosed and prescribed"
    );
    assert_eq!(
        view.five_year_people.value,
        count(
            db,
            // Reached training: in training or further now, or an event into training before
            // a withdrawal.
            "SELECT COUNT(DISTINCT e.person_id) FROM enrolments e WHERE e.status IN \
             ('in_training', 'completed', 'early_completion_employment', 'dropped_out', 'removed', 'not_completed') \
             OR EXISTS (SELECT 1 FROM enrolment_events v WHERE v.enrolment_id = e.id AND v.to_status = 'in_training')"
        )
        .await
    );
    assert_eq!(view.provinces.len(), 17);
}

async fn smes_agree(world: &World) {
    let app = &world.app.state.app;
    let db = app.db();
    let view = smes::compute_smes(app, &world.admin).await.expect("smes");
    let t = &view.total;
    assert_eq!(t.registered, count(db, "SELECT COUNT(*) FROM sme_firms").await);
    assert_eq!(t.registered, 60);
    assert_eq!(
        t.assigned,
        count(db, "SELECT COUNT(*) FROM sme_firms WHERE centre_id IS NOT NULL").await
    );
    assert_eq!(
        t.diagnosed,
        count(db, "SELECT COUNT(DISTINCT firm_id) FROM sme_diagnoses").await
    );
    assert_eq!(t.diagnosed, 20);
    assert_eq!(t.prescribed, 10);
    assert_eq!(
        t.plans_accepted,
        count(
            db,
            "SELECT COUNT(DISTINCT s.firm_id) FROM sme_prescriptions s JOIN sme_prescription_acceptances a ON a.prescription_id = s.id"
        )
        .await
    );
    assert_eq!((t.visited, t.staff_enrolled), (0, 0));
    for rows in [&view.by_level, &view.by_centre, &view.by_province, &view.by_size] {
        assert_eq!(rows.iter().map(|r| r.funnel.registered).sum::<i64>(), t.registered);
        assert_eq!(rows.iter().map(|r| r.funnel.diagnosed).sum::<i64>(), t.diagnosed);
    }
    assert_eq!(view.by_province.len(), 17);
    for level in ["beginner", "intermediate", "advanced"] {
        let row = view.by_level.iter().find(|r| r.key == level).expect("level row");
        assert_eq!(
            row.funnel.registered,
            count(
                db,
                &format!("SELECT COUNT(DISTINCT firm_id) FROM sme_diagnoses WHERE level = '{level}'")
            )
            .await
        );
    }
    for p in &view.by_province {
        assert_eq!(
            p.funnel.registered,
            count(
                db,
                &format!("SELECT COUNT(*) FROM sme_firms WHERE province_code = '{}'", p.key)
            )
            .await
        );
    }
    let target = view
        .targets
        .iter()
        .find(|t| t.programme_id == "sme-diagnosis")
        .expect("target");
    assert_eq!((target.target.value, target.achieved), (2_000, 10));
}

/// The bytes of a GET as a signed-in page (status, content type, body).
async fn fetch(url: String, cookie: String) -> (u16, String, Vec<u8>) {
    tokio::task::spawn_blocking(move || {
        let agent = ureq::AgentBuilder::new().redirects(0).build();
        let response = match agent.get(&url).set("Cookie", &cookie).call() {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("GET {url}: {e}"),
        };
        let status = response.status();
        let content_type = response.header("Content-Type").unwrap_or_default().to_owned();
        let mut body = Vec::new();
        response.into_reader().read_to_end(&mut body).expect("body");
        (status, content_type, body)
    })
    .await
    .expect("fetch task")
}

/// A CSV file's rows (quoted fields as the table writes them), the byte-order mark dropped.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let text = text.trim_start_matches('\u{feff}');
    let mut rows = Vec::new();
    for line in text.split("\r\n").filter(|l| !l.is_empty()) {
        let (mut cells, mut cell, mut quoted) = (Vec::new(), String::new(), false);
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    cell.push('"');
                    chars.next();
                }
                ('"', _) => quoted = !quoted,
                (',', false) => cells.push(std::mem::take(&mut cell)),
                _ => cell.push(c),
            }
        }
        cells.push(cell);
        rows.push(cells);
    }
    rows
}

/// Every table of `page` downloaded as CSV and XLSX: the same cells, numbers equal.
async fn downloads_agree(
    app: &TestApp,
    cookie: &str,
    page: &str,
    tables: &[&str],
) -> BTreeMap<String, Vec<Vec<String>>> {
    use calamine::{Data, Reader, Xlsx};
    let mut out = BTreeMap::new();
    for table in tables {
        let sep = if page.contains('?') { '&' } else { '?' };
        let (status, kind, csv) = fetch(
            format!("{}{page}{sep}format=csv&table={table}", app.base_url),
            cookie.to_owned(),
        )
        .await;
        assert_eq!(status, 200, "{page} {table} csv");
        assert!(kind.starts_with("text/csv"), "{kind}");
        let csv = csv_rows(&String::from_utf8(csv).expect("utf-8"));
        let (status, _, xlsx) = fetch(
            format!("{}{page}{sep}format=xlsx&table={table}", app.base_url),
            cookie.to_owned(),
        )
        .await;
        assert_eq!(status, 200, "{page} {table} xlsx");
        let mut book = Xlsx::new(std::io::Cursor::new(xlsx)).expect("xlsx");
        let sheet = book.worksheet_range_at(0).expect("a sheet").expect("range");
        let rows: Vec<&[Data]> = sheet.rows().collect();
        // The sheet: the caption, the headers, then the rows as in the CSV.
        assert_eq!(rows.len(), csv.len() + 1, "{table}: rows");
        for (x, c) in rows[1..].iter().zip(&csv) {
            for (cell, text) in x.iter().zip(c) {
                match cell {
                    Data::Float(f) if text.is_empty() => panic!("{table}: {f} against an empty CSV cell"),
                    #[allow(clippy::cast_possible_truncation)]
                    Data::Float(f) if !text.contains('.') => {
                        assert_eq!(*f as i64, text.parse::<i64>().expect("integer"), "{table}")
                    }
                    // A share: the CSV's percentage with one decimal, the sheet's fraction.
                    Data::Float(f) => {
                        let shown: f64 = text.parse().expect("a percentage");
                        assert!((f * 100.0 - shown).abs() <= 0.051, "{table}: {f} against {text}%");
                    }
                    Data::Int(n) => assert_eq!(n.to_string(), *text, "{table}"),
                    Data::String(s) => assert_eq!(s, text, "{table}"),
                    Data::Empty => assert!(text.is_empty(), "{table}: empty against {text}"),
                    other => panic!("{table}: unexpected cell {other:?}"),
                }
            }
        }
        let (status, _, _) = fetch(
            format!("{}{page}{sep}format=csv&table=nope", app.base_url),
            cookie.to_owned(),
        )
        .await;
        assert_eq!(status, 404, "an unknown table");
        out.insert((*table).to_owned(), csv);
    }
    out
}

async fn pages_agree(world: &World, busiest: &str) {
    let app = &world.app;
    create_account(app, Role::ProgrammeAdmin, None).await;
    let browser = sign_in(app, Role::ProgrammeAdmin).await;
    let cookie = format!("aiup_session={}", browser.cookie);
    let services = &app.state.app;
    let view = regions::compute_regions(services, &world.admin).await.expect("regions");

    let (status, _, page) = fetch(format!("{}/admin/dashboard/regions", app.base_url), cookie.clone()).await;
    assert_eq!(status, 200);
    let page = String::from_utf8(page).expect("utf-8");
    assert!(
        page.contains("class=\"as-of\"")
            && page.contains("regions-map")
            && page.contains(&format!("/admin/dashboard/regions/{busiest}"))
    );
    let csv = downloads_agree(app, &cookie, "/admin/dashboard/regions", &["provinces"]).await;
    let rows = &csv["provinces"];
    assert_eq!(rows.len(), 1 + 17 + 1, "headers, provinces, total");
    for (row, p) in rows[1..18].iter().zip(&view.provinces) {
        assert_eq!(row[0], p.name.ko);
        assert_eq!(row[1], p.counts.people_enrolled.to_string());
        assert_eq!(row[7], p.counts.paid_won.to_string());
        assert!(
            page.contains(&aiup_core::money::Won(p.counts.paid_won).to_string()),
            "the page shows {}",
            p.counts.paid_won
        );
    }
    assert_eq!(rows[18][1], view.total.counts.people_enrolled.to_string());

    let province_page = format!("/admin/dashboard/regions/{busiest}");
    let (status, _, page) = fetch(format!("{}{province_page}?lang=en", app.base_url), cookie.clone()).await;
    assert_eq!(status, 200);
    assert!(String::from_utf8(page).expect("utf-8").contains("lang=\"en\""));
    let csv = downloads_agree(
        app,
        &cookie,
        &province_page,
        &["province-regions", "province-programmes"],
    )
    .await;
    let regions_rows = &csv["province-regions"];
    let busiest_row = view.provinces.iter().find(|p| p.code == busiest).expect("row");
    let total_row = regions_rows.last().expect("total row");
    assert_eq!(total_row[1], busiest_row.counts.people_enrolled.to_string());
    let people: i64 = regions_rows[1..regions_rows.len() - 1]
        .iter()
        .map(|r| r[1].parse::<i64>().expect("count"))
        .sum();
    assert_eq!(
        people, busiest_row.counts.people_enrolled,
        "the 시군구 add up to the province"
    );
    let (status, _, _) = fetch(format!("{}/admin/dashboard/regions/99", app.base_url), cookie.clone()).await;
    assert_eq!(status, 404);

    let (status, _, page) = fetch(format!("{}/admin/dashboard", app.base_url), cookie.clone()).await;
    assert_eq!(status, 200);
    let page = String::from_utf8(page).expect("utf-8");
    assert!(page.contains("months-chart") && page.contains("overview-map") && page.contains("headlines-chart"));
    let csv = downloads_agree(
        app,
        &cookie,
        "/admin/dashboard",
        &["headlines", "months", "provinces-per-10k"],
    )
    .await;
    assert_eq!(csv["headlines"][1][2], "240000");
    assert_eq!(csv["months"].len(), 1 + 12 + 1);

    let (status, _, _) = fetch(format!("{}/admin/dashboard/smes", app.base_url), cookie.clone()).await;
    assert_eq!(status, 200);
    let csv = downloads_agree(
        app,
        &cookie,
        "/admin/dashboard/smes",
        &[
            "sme-targets",
            "sme-funnel",
            "sme-by-level",
            "sme-by-centre",
            "sme-by-province",
            "sme-by-size",
        ],
    )
    .await;
    assert_eq!(csv["sme-funnel"].last().expect("total")[4], "20", "diagnosed");
}

async fn boards_agree(world: World) {
    let busiest = regions_agree(&world).await;
    months_agree(&world).await;
    smes_agree(&world).await;
    pages_agree(&world, &busiest).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boards_agree_with_independent_counts_on_sqlite() {
    boards_agree(world_on(spawn_app().await, None, 300).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn boards_agree_with_independent_counts_on_postgres() {
    let Some(pg) = aiup_store::testing::postgres_test_url().await else {
        return; // skipped loudly by the harness (never under CI=true)
    };
    let db = aiup_store::connect(pg.url()).await.expect("connect");
    boards_agree(world_on(spawn_app_on(db).await, Some(pg), 300).await).await;
}
