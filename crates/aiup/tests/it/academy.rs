//! The instructor academy and the training infrastructure end to end on SQLite and PostgreSQL:
//! imports with bad rows (every row listed, nothing stored), the tracks' targets against seed
//! 002 IV-④, progress and site utilisation against counts made here from what the test put in,
//! who may read and import, and the page's tables read back from their CSV and XLSX files.

use std::io::Cursor;

use crate::support::{spawn_app, spawn_app_on, TestApp};
use crate::testkit::{create_account, login_of, request, sign_in};
use aiup_app::accounts::Role;
use aiup_app::{academy, infrastructure, Code};
use aiup_store::testing::enrolment_reports::insert_person;
use aiup_store::testing::raw_execute;
use aiup_store::AuditFilter;
use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use chrono::{Datelike, Days, NaiveDate};

/// Seed 002 IV-④, the AI 교·강사 아카데미 table: each track's 2026 target, in the policy's order;
/// the total "12,650명+" (본문) and the plan line's "1.3만명" (붙임1).
const SEED_TRACKS: [(&str, i64); 6] = [
    ("instructor-track-new-ai-specialists", 100),
    ("instructor-track-new-basic-ai", 1_900),
    ("instructor-track-ict-to-ai", 500),
    ("instructor-track-vocational-high-school", 150),
    ("instructor-track-domain-ai", 5_000),
    ("instructor-track-common-tasks", 5_000),
];

const INSTRUCTOR_HEADER: &str = "instructor_ref,provider,region,registered_on,institution,external_id";
const COMPLETION_HEADER: &str = "instructor_ref,track,provider,completed_on,status";
const SITE_HEADER: &str =
    "site_id,kind,name_ko,name_en,institution,region,capacity,designated_on,opened_on,industry_focus";

async fn audit_count(app: &TestApp, action: &str) -> usize {
    let filter = AuditFilter {
        action: Some(action.to_owned()),
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

/// A download's bytes (the XLSX is binary).
async fn get_bytes(app: &TestApp, role: Role, path: &str) -> (u16, Vec<u8>) {
    let browser = sign_in(app, role).await;
    let url = format!("{}{path}", app.base_url);
    let cookie = format!("aiup_session={}", browser.cookie);
    tokio::task::spawn_blocking(move || {
        let response = ureq::get(&url).set("Cookie", &cookie).call().expect("download");
        let status = response.status();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut response.into_reader(), &mut bytes).expect("body");
        (status, bytes)
    })
    .await
    .expect("task")
}

fn xlsx_rows(bytes: Vec<u8>) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("an XLSX workbook");
    let range = book.worksheet_range_at(0).expect("a sheet").expect("readable");
    range.rows().map(<[Data]>::to_vec).collect()
}

fn number(cell: &Data) -> f64 {
    match cell {
        Data::Float(f) => *f,
        #[allow(clippy::cast_precision_loss)]
        Data::Int(i) => *i as f64,
        other => panic!("not a number: {other:?}"),
    }
}

async fn academy_flow(app: TestApp) {
    for role in [Role::ProgrammeAdmin, Role::Auditor, Role::Trainee] {
        create_account(&app, role, None).await;
    }
    let services = &app.state.app;
    let admin = crate::enrolment::actor(services, &login_of(Role::ProgrammeAdmin)).await;
    let auditor = crate::enrolment::actor(services, &login_of(Role::Auditor)).await;
    let trainee = crate::enrolment::actor(services, &login_of(Role::Trainee)).await;
    let batch = crate::courses::generated(40);
    aiup_app::catalogue::store_and_index(services.db(), app.state.index(), &batch, "test")
        .await
        .expect("catalogue");
    let institution = batch.courses[0].institution.to_string();
    let today = services.today();
    let year = services.engine().policy().plan.year;
    let in_year = |m: u32, d: u32| NaiveDate::from_ymd_opt(year, m, d).expect("date");

    // The targets are seed 002's, read from the policy.
    let empty = academy::academy_progress(services, &admin).await.expect("progress");
    let targets: Vec<(&str, i64)> = empty.tracks.iter().map(|t| (t.track_id.as_str(), t.target)).collect();
    assert_eq!(targets, SEED_TRACKS.to_vec());
    assert_eq!(empty.total.tracks_target, 12_650);
    assert_eq!(empty.total.total_target, Some(12_650));
    assert_eq!(empty.total.plan_line, Some(13_000));
    assert!(empty.tracks.iter().all(|t| t.completed == 0 && t.instructors == 0));

    // Instructors: a file with bad rows is refused whole, every bad row named.
    let bad = format!(
        "{INSTRUCTOR_HEADER}\n\
         AIA-1,koreatech,44131,{y}-03-02,,\n\
         AIA-2,nobody,44131,{y}-03-02,,\n\
         AIA-3,polytech,nowhere-gun,{y}-13-02,,\n\
         AIA-1,hrdkorea,44131,{y}-03-02,,\n\
         AIA-5,hrdkorea,44131,{y}-03-02,NO-SUCH-INST,\n",
        y = year
    );
    let refused = academy::import_instructors(services, &admin, &bad)
        .await
        .expect_err("bad rows");
    assert_eq!(refused.error.code, Code::InvalidAcademyCsv);
    let named: Vec<(usize, String)> = refused
        .rows
        .iter()
        .flat_map(|r| r.problems.iter().map(move |p| (r.line, p.field.clone())))
        .collect();
    assert_eq!(
        named,
        vec![
            (3, "provider".into()),
            (4, "region".into()),
            (4, "registered_on".into()),
            (5, "instructor_ref".into()),
        ]
    );
    assert!(refused.error.message.contains("line 3"), "{}", refused.error.message);
    assert!(refused.error.message_in(true).contains("3행"));
    // The institution is checked against the catalogue once the file itself is good.
    let unknown_institution = format!("{INSTRUCTOR_HEADER}\nAIA-5,hrdkorea,44131,{year}-03-02,NO-SUCH-INST,\n");
    let refused = academy::import_instructors(services, &admin, &unknown_institution)
        .await
        .expect_err("unknown institution");
    assert_eq!(
        (refused.rows[0].line, refused.rows[0].problems[0].field.as_str()),
        (2, "institution")
    );
    assert!(services
        .db()
        .academy()
        .instructor_refs()
        .await
        .expect("refs")
        .is_empty());
    assert_eq!(
        audit_count(&app, aiup_store::ACTION_ACADEMY_INSTRUCTORS_IMPORT).await,
        0
    );

    // Twelve instructors; the auditor and the trainee may not import.
    let instructors: String = (1..=12)
        .map(|i| {
            let at = if i % 3 == 0 { institution.as_str() } else { "" };
            format!("AIA-{i:03},한기대,충청남도 천안시 동남구,{year}-03-02,{at},\n")
        })
        .collect();
    let instructors = format!("{INSTRUCTOR_HEADER}\n{instructors}");
    for who in [&auditor, &trainee] {
        let denied = academy::import_instructors(services, who, &instructors)
            .await
            .expect_err("not allowed");
        assert_eq!(denied.error.code, Code::Forbidden);
    }
    let stored = academy::import_instructors(services, &admin, &instructors)
        .await
        .expect("import");
    assert_eq!((stored.created, stored.updated, stored.unchanged), (12, 0, 0));
    let again = academy::import_instructors(services, &admin, &instructors)
        .await
        .expect("again");
    assert_eq!((again.created, again.unchanged), (0, 12));

    // Completions: (instructor, track, date). Instructor 1 takes two tracks; instructor 12's
    // completion is dated next year, so it is not yet counted.
    let short = |id: &str| id.trim_start_matches("instructor-track-").to_owned();
    let plan: Vec<(u32, &str, NaiveDate)> = vec![
        (1, SEED_TRACKS[0].0, in_year(3, 20)),
        (1, SEED_TRACKS[4].0, in_year(4, 1)),
        (2, SEED_TRACKS[4].0, in_year(4, 2)),
        (3, SEED_TRACKS[4].0, in_year(4, 3)),
        (4, SEED_TRACKS[5].0, in_year(5, 4)),
        (5, SEED_TRACKS[1].0, in_year(5, 6)),
        (6, SEED_TRACKS[1].0, in_year(5, 7)),
        (7, SEED_TRACKS[2].0, in_year(6, 1)),
        (
            12,
            SEED_TRACKS[5].0,
            NaiveDate::from_ymd_opt(year + 1, 1, 5).expect("date"),
        ),
    ];
    let completions: String = plan
        .iter()
        .map(|(i, track, on)| format!("AIA-{i:03},{},polytech,{on},completed\n", short(track)))
        .collect();
    let completions = format!("{COMPLETION_HEADER}\n{completions}");
    let bad = format!(
        "{COMPLETION_HEADER}\nAIA-001,no-such-track,polytech,{year}-03-02,\nAIA-099,domain-ai,polytech,{year}-03-02,\n"
    );
    let refused = academy::import_completions(services, &admin, &bad)
        .await
        .expect_err("bad completions");
    assert_eq!(refused.error.code, Code::InvalidAcademyCsv);
    assert_eq!(
        (refused.rows[0].line, refused.rows[0].problems[0].field.as_str()),
        (2, "track")
    );
    let denied = academy::import_completions(services, &auditor, &completions)
        .await
        .expect_err("auditor");
    assert_eq!(denied.error.code, Code::Forbidden);
    let done = academy::import_completions(services, &admin, &completions)
        .await
        .expect("completions");
    assert_eq!((done.completed, done.revoked), (9, 0));
    // The same file again: each would complete a track that stands completed.
    let twice = academy::import_completions(services, &admin, &completions)
        .await
        .expect_err("already completed");
    assert_eq!(twice.error.code, Code::CompletionConflict);
    assert_eq!(twice.rows.len(), 9);
    // Instructor 3's completion was wrong: withdrawn.
    let revoke = format!("{COMPLETION_HEADER}\nAIA-003,domain-ai,polytech,{year}-04-10,revoked\n");
    academy::import_completions(services, &admin, &revoke)
        .await
        .expect("revoke");
    assert_eq!(
        audit_count(&app, aiup_store::ACTION_ACADEMY_COMPLETIONS_IMPORT).await,
        2
    );

    // Progress against a count made here: completions in effect, dated this year up to today.
    let revoked = (3, SEED_TRACKS[4].0);
    let progress = academy::academy_progress(services, &admin).await.expect("progress");
    for (track, target) in SEED_TRACKS {
        let in_effect: Vec<_> = plan
            .iter()
            .filter(|(i, t, _)| *t == track && (*i, *t) != revoked)
            .collect();
        let counted = in_effect
            .iter()
            .filter(|(_, _, on)| on.year() == year && *on <= today)
            .count();
        let row = progress.tracks.iter().find(|t| t.track_id == track).expect("track");
        assert_eq!(
            (row.target, row.completed, row.instructors),
            (target, counted as i64, in_effect.len() as i64),
            "{track}"
        );
    }
    let distinct: std::collections::BTreeSet<u32> = plan
        .iter()
        .filter(|(i, t, _)| (*i, *t) != revoked)
        .map(|(i, _, _)| *i)
        .collect();
    assert_eq!(progress.total.instructors, distinct.len() as i64);
    assert_eq!(progress.total.registered, 12);
    assert_eq!(
        progress.total.completed,
        progress.tracks.iter().map(|t| t.completed).sum::<i64>()
    );
    assert_eq!(
        academy::track_progress(services, &admin).await.expect("tracks"),
        progress.tracks
    );
    assert_eq!(
        academy::track_progress(services, &trainee)
            .await
            .expect_err("trainee")
            .code,
        Code::Forbidden
    );
    assert!(academy::track_progress(services, &auditor).await.is_ok());

    // Sites: bad rows refused whole; then two labs and a centre on catalogue institutions.
    let others: Vec<String> = batch
        .institutions
        .iter()
        .map(|i| i.id.to_string())
        .filter(|id| *id != institution)
        .take(2)
        .collect();
    let bad_sites = format!(
        "{SITE_HEADER}\n\
         lab-a,lab,창원 실습장,Changwon lab,{institution},48123,40,{year}-01-02,{year}-03-02,기계\n\
         lab-b,museum,청주 실습장,Cheongju lab,{institution},43113,0,{year}-01-02,{year}-01-01,\n"
    );
    let refused = infrastructure::import_sites(services, &admin, &bad_sites)
        .await
        .expect_err("bad sites");
    assert_eq!(refused.error.code, Code::InvalidSiteCsv);
    let fields: Vec<&str> = refused.rows[0].problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(
        (refused.rows[0].line, fields),
        (3, vec!["kind", "capacity", "opened_on"])
    );
    assert!(services.db().sites().sites().await.expect("sites").is_empty());
    let sites = format!(
        "{SITE_HEADER}\n\
         lab-a,lab,창원 실습장,Changwon lab,{institution},48123,40,{year}-01-02,{year}-03-02,기계\n\
         lab-b,lab,청주 실습장,Cheongju lab,{},43113,60,{year}-01-02,,스마트팩토리\n\
         centre-a,centre,\"한성전자 AI 공동훈련센터\",\"Hansung centre, AI\",{},11110,200,{year}-03-02,{year}-04-01,AI 융합\n",
        others[0], others[1]
    );
    assert_eq!(
        infrastructure::import_sites(services, &auditor, &sites)
            .await
            .expect_err("auditor")
            .error
            .code,
        Code::Forbidden
    );
    let stored = infrastructure::import_sites(services, &admin, &sites)
        .await
        .expect("sites");
    assert_eq!(stored.created, 3);

    // Enrolments at lab-a's institution: three in training in a cohort running today, one in
    // training in a cohort that has ended, two completed, one accepted.
    let course = &batch.courses[0];
    let running = (today - Days::new(10), today + Days::new(30));
    let ended = (today - Days::new(90), today - Days::new(30));
    let rows = [
        ("in_training", 0, running),
        ("in_training", 0, running),
        ("in_training", 0, running),
        ("accepted", 0, running),
        ("in_training", 1, ended),
        ("completed", 1, ended),
        ("early_completion_employment", 1, ended),
    ];
    for (status, ordinal, (start, end)) in rows {
        let person = insert_person(services.db(), "48123", "entry").await;
        raw_execute(
            services.db(),
            &format!(
                "INSERT INTO enrolments (person_id, course_id, cohort_ordinal, institution_id, programme, \
                 cohort_start, cohort_end, status, applied_at, updated_at, fee_won) VALUES \
                 ({person}, '{}', {ordinal}, '{institution}', 'physical-ai-labs', '{start}', '{end}', '{status}', \
                 '2026-03-02T00:00:00Z', '2026-03-02T00:00:00Z', 0)",
                course.id
            ),
        )
        .await
        .expect("enrolment");
    }
    services.dashboards().clear();
    let in_training = rows
        .iter()
        .filter(|(s, _, (start, end))| *s == "in_training" && *start <= today && today <= *end)
        .count() as i64;
    let completions = rows
        .iter()
        .filter(|(s, _, _)| ["completed", "early_completion_employment"].contains(s))
        .count() as i64;
    let progress = infrastructure::site_progress(services, &admin).await.expect("sites");
    assert_eq!(
        (progress.labs_target, progress.centres_target),
        (Some(4), Some(20)),
        "붙임1: 4 labs, 20 centres"
    );
    let opened = |d: &str| NaiveDate::parse_from_str(&format!("{year}-{d}"), "%Y-%m-%d").expect("date") <= today;
    assert_eq!(
        (progress.labs_designated, progress.labs_opened),
        (2, i64::from(opened("03-02")))
    );
    assert_eq!(
        (progress.centres_designated, progress.centres_opened),
        (i64::from(opened("03-02")), i64::from(opened("04-01")))
    );
    let ids: Vec<&str> = progress.sites.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, vec!["lab-a", "lab-b", "centre-a"], "labs first");
    let lab = &progress.sites[0];
    let courses_of_institution = batch
        .courses
        .iter()
        .filter(|c| c.institution.as_str() == institution)
        .count();
    assert_eq!(
        (lab.capacity, lab.courses.len(), lab.in_training, lab.completions),
        (40, courses_of_institution, in_training, completions)
    );
    assert_eq!(lab.utilisation_bp, in_training * 10_000 / 40);
    assert_eq!(
        (progress.sites[1].in_training, progress.sites[1].utilisation_bp),
        (0, 0)
    );
    let (_, detail) = infrastructure::site_detail(services, &admin, "lab-a")
        .await
        .expect("detail");
    let cohort = detail
        .courses
        .iter()
        .find(|c| c.course_id == course.id.as_str())
        .and_then(|c| c.cohorts.first())
        .expect("cohort 0");
    assert_eq!((cohort.in_training, cohort.completed), (in_training, 0));
    assert_eq!(
        infrastructure::site_detail(services, &admin, "no-such-site")
            .await
            .expect_err("unknown")
            .code,
        Code::NotFound
    );
    assert_eq!(
        infrastructure::site_progress(services, &trainee)
            .await
            .expect_err("trainee")
            .code,
        Code::Forbidden
    );

    // The pages: who sees what.
    let page = get(&app, Role::ProgrammeAdmin, "/admin/dashboard/academy").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(r#"role="img""#) && page.body.contains(r#"id="tracks""#));
    assert!(page.body.contains(r#"id="import-link""#));
    assert!(page.body.contains("12,650") && page.body.contains("13,000"));
    assert!(page
        .body
        .contains(&format!("{}%", aiup_server_percent(lab.utilisation_bp))));
    let as_auditor = get(&app, Role::Auditor, "/admin/dashboard/academy?lang=en").await;
    assert_eq!(as_auditor.status, 200);
    assert!(as_auditor.body.contains("Physical AI lab") && !as_auditor.body.contains(r#"id="import-link""#));
    assert_eq!(
        get(&app, Role::Auditor, "/admin/dashboard/academy/import").await.status,
        403
    );
    assert_eq!(get(&app, Role::Trainee, "/admin/dashboard/academy").await.status, 403);
    let site_page = get(&app, Role::Auditor, "/admin/dashboard/academy/sites/lab-a").await;
    assert_eq!(site_page.status, 200);
    assert!(site_page
        .body
        .contains(&format!(r#"<dd id="site-in-training">{in_training}</dd>"#)));
    assert_eq!(
        get(&app, Role::Auditor, "/admin/dashboard/academy/sites/nope")
            .await
            .status,
        404
    );

    // The page's import: a bad file lists its rows by line and field, nothing stored.
    let browser = sign_in(&app, Role::ProgrammeAdmin).await;
    let post = |what: &str, csv: String| {
        let form = vec![
            ("csrf".to_owned(), browser.csrf.clone()),
            ("what".to_owned(), what.to_owned()),
            ("csv".to_owned(), csv),
        ];
        request(
            "POST",
            format!("{}/admin/dashboard/academy/import", app.base_url),
            Some(format!("aiup_session={}", browser.cookie)),
            None,
            Some(form),
        )
    };
    let refused = post("sites", bad_sites.clone()).await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("줄 3") && refused.body.contains("<code>kind</code>"),
        "{}",
        refused.body
    );
    let updated = sites.replace(
        &format!("{year}-01-02,,스마트팩토리"),
        &format!("{year}-01-02,{year}-02-02,스마트팩토리"),
    );
    let done = post("sites", updated).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert!(done
        .location
        .as_deref()
        .is_some_and(|l| l.starts_with("/admin/dashboard/academy?done=")));
    let lab_b = services.db().sites().site("lab-b").await.expect("read").expect("lab-b");
    assert_eq!(lab_b.site.opened_on, Some(in_year(2, 2)));

    // Downloads: the tracks and the sites, read back as a spreadsheet would, equal the figures.
    let progress = academy::academy_progress(services, &admin).await.expect("progress");
    let (status, bytes) = get_bytes(&app, Role::Auditor, "/admin/dashboard/academy?format=xlsx&table=tracks").await;
    assert_eq!(status, 200);
    let sheet = xlsx_rows(bytes);
    assert_eq!(
        sheet.len(),
        2 + progress.tracks.len() + 1,
        "caption, header, tracks, total"
    );
    for (row, track) in sheet[2..].iter().zip(&progress.tracks) {
        assert_eq!(
            (number(&row[1]), number(&row[2]), number(&row[4])),
            (track.target as f64, track.completed as f64, track.instructors as f64)
        );
    }
    let total = sheet.last().expect("total");
    assert_eq!(
        (number(&total[1]), number(&total[2])),
        (12_650.0, progress.total.completed as f64)
    );
    let sites_now = infrastructure::site_progress(services, &admin).await.expect("sites");
    let (status, bytes) = get_bytes(
        &app,
        Role::ProgrammeAdmin,
        "/admin/dashboard/academy?format=xlsx&table=sites",
    )
    .await;
    assert_eq!(status, 200);
    let sheet = xlsx_rows(bytes);
    let lab_row = sheet
        .iter()
        .find(|r| r.get(1) == Some(&Data::String("lab-a".into())))
        .expect("lab-a row");
    assert_eq!(
        (number(&lab_row[4]), number(&lab_row[6]), number(&lab_row[8])),
        (
            40.0,
            sites_now.sites[0].in_training as f64,
            sites_now.sites[0].completions as f64
        )
    );
    assert!((number(&lab_row[7]) - sites_now.sites[0].utilisation_bp as f64 / 10_000.0).abs() < 1e-9);
    let csv = get(
        &app,
        Role::ProgrammeAdmin,
        "/admin/dashboard/academy?format=csv&table=sites-summary&lang=en",
    )
    .await;
    assert_eq!(csv.status, 200);
    // No cell of this table holds a comma or a quote.
    let lines: Vec<Vec<&str>> = csv.body.lines().skip(1).map(|l| l.split(',').collect()).collect();
    assert_eq!(lines[0][1], "4");
    assert_eq!(lines[0][3].parse::<i64>().expect("open labs"), sites_now.labs_opened);
    assert_eq!(lines[1][1], "20");
    let unknown = get(
        &app,
        Role::ProgrammeAdmin,
        "/admin/dashboard/academy?format=csv&table=nope",
    )
    .await;
    assert_eq!(unknown.status, 404);
}

/// The page's rendering of a share (one decimal).
fn aiup_server_percent(bp: i64) -> String {
    let tenths = (bp + 5) / 10;
    format!("{}.{}", tenths / 10, tenths % 10)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn academy_on_sqlite() {
    academy_flow(spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn academy_on_postgres() {
    let Some(db) = aiup_store::testing::postgres_test_url().await else {
        return;
    };
    let database = aiup_store::connect(db.url()).await.expect("connect");
    academy_flow(spawn_app_on(database).await).await;
}

/// The generator at the plan's scale: every track's completions at its share of the target,
/// the labs and centres of the plan lines on the catalogue's institutions.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_academy_fills_the_plan() {
    let app = spawn_app().await;
    create_account(&app, Role::ProgrammeAdmin, None).await;
    let services = &app.state.app;
    let admin = crate::enrolment::actor(services, &login_of(Role::ProgrammeAdmin)).await;
    let batch = crate::courses::generated(800);
    aiup_app::catalogue::store_and_index(services.db(), app.state.index(), &batch, "test")
        .await
        .expect("catalogue");
    let year = services.engine().policy().plan.year;
    let until = NaiveDate::from_ymd_opt(year, 12, 31)
        .expect("date")
        .min(services.today());
    let g = academy::generate_and_store(services, &admin, 3, 500, until)
        .await
        .expect("generate");
    let half: i64 = SEED_TRACKS.iter().map(|(_, t)| t * 500 / 1000).sum();
    assert_eq!(i64::try_from(g.completions.completed).expect("count"), half);
    assert!(g.instructors.created < g.completions.completed, "some take two tracks");
    let progress = academy::academy_progress(services, &admin).await.expect("progress");
    for (track, (id, target)) in progress.tracks.iter().zip(SEED_TRACKS) {
        assert_eq!((track.track_id.as_str(), track.instructors), (id, target * 500 / 1000));
    }
    let sites = infrastructure::site_progress(services, &admin).await.expect("sites");
    let labs = sites.sites.iter().filter(|s| s.is_lab()).count();
    let centres = sites.sites.len() - labs;
    assert!(
        (1..=4).contains(&labs) && (1..=20).contains(&centres),
        "{labs} labs, {centres} centres"
    );
    assert!(sites.sites.iter().all(|s| s.capacity > 0));
}

/// The commands as a process: a bad file names its line and stores nothing (exit code non-zero);
/// a generated catalogue, the generated academy and sites; a completion file on top of them.
#[test]
fn the_cli_imports_and_generates_academy_records() {
    use crate::cli::{aiup, stderr, stdout};
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path();
    let login = ["--actor", "academy-admin"];
    let out = aiup(
        data,
        &[
            "users",
            "add",
            "--login",
            "academy-admin",
            "--role",
            "programme_admin",
            "--generate-password",
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let catalogue = data.join("catalogue.csv");
    let catalogue = catalogue.to_str().expect("path");
    let out = aiup(
        data,
        &["generate", "catalogue", "--courses", "300", "--output", catalogue],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = aiup(data, &["courses", "import", catalogue], None);
    assert!(out.status.success(), "{}", stderr(&out));

    let bad = data.join("bad-sites.csv");
    std::fs::write(
        &bad,
        format!("{SITE_HEADER}\nlab-x,lab,실습장,Lab,NO-SUCH,48123,40,2026-01-02,,\n"),
    )
    .expect("write");
    let out = aiup(
        data,
        &["sites", "import", bad.to_str().expect("path"), login[0], login[1]],
        None,
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("line 2, institution"), "{}", stderr(&out));
    assert!(stdout(&out).contains("invalid_site_csv"), "{}", stdout(&out));

    let out = aiup(
        data,
        &[
            "generate",
            "academy",
            "--progress-permille",
            "100",
            "--until",
            "2026-11-30",
            login[0],
            login[1],
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // 10% of each track's target: 10 + 190 + 50 + 15 + 500 + 500.
    assert!(stdout(&out).contains("1265 completions"), "{}", stdout(&out));

    let instructors = data.join("instructors.csv");
    std::fs::write(
        &instructors,
        format!("{INSTRUCTOR_HEADER}\nCLI-1,polytech,48123,2026-03-02,,\n"),
    )
    .expect("write");
    let out = aiup(
        data,
        &[
            "academy",
            "import-instructors",
            instructors.to_str().expect("path"),
            login[0],
            login[1],
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("1 created"), "{}", stdout(&out));
    let completions = data.join("completions.csv");
    std::fs::write(
        &completions,
        format!("{COMPLETION_HEADER}\nCLI-1,ict-to-ai,polytech,2026-06-01,\n"),
    )
    .expect("write");
    let path = completions.to_str().expect("path");
    let out = aiup(data, &["academy", "import-completions", path, login[0], login[1]], None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("1 completions, 0 withdrawn"), "{}", stdout(&out));
    let again = aiup(data, &["academy", "import-completions", path, login[0], login[1]], None);
    assert!(!again.status.success());
    assert!(stdout(&again).contains("completion_conflict"), "{}", stdout(&again));
}
