//! The dashboards' speed at the plan's scale, on SQLite and PostgreSQL.
//!
//!     cargo run -p aiup-bench --release --bin dashboard -- [--trainees 240000] [--courses 8000]
//!         [--firms 20000] [--requests 20] [--warm-requests N] [--seen-on 2026-12-31]
//!         [--live-seconds 150] [--readers 4] [--backend sqlite|postgres|both] [--postgres URL]
//!
//! Setup, per backend, on a fresh database: the default policy, a generated catalogue (seed
//! 2026, cohorts from 2026-01-05) and a population of `--trainees` seen on `--seen-on` with its
//! attendance (`generate_and_store`, as the payroll bench), the payroll of every month closed
//! by then (`App::run_payroll`; January to November for the default, a year of data), and
//! `--firms` generated SME firms (`aiup_sme::generate::firms`) of which every tenth is diagnosed
//! and every twentieth prescribed with an accepted plan.
//!
//! Then the application is served in this process (the real router and listener on loopback)
//! with its clock at 09:00 in Seoul on `--seen-on`, a programme administrator signs in, and every
//! page of [`PAGES`] is fetched over HTTP: `--requests` times COLD (the dashboard cache cleared
//! before each request, so each computes its figures from the stores) and `--requests` times
//! WARM (figures from the cache, after one request that filled it). p50 and p99 per page and
//! both, and the cold/warm ratio.
//!
//! Last, LIVE, as a reader meets a running server: the server's sync loop runs
//! (`App::spawn_sync`: refresh, then `dashboard::prewarm`, every `SYNC_INTERVAL`), and
//! `--readers` clients fetch every page in turn, one request after another each, for
//! `--live-seconds` (more than two cache periods, so the prewarmer recomputes every board's
//! figures while they read). p50, p99 and max per page, and how many times figures were
//! computed during the window. The goal: p99 < 200 ms per page.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::Read as _;
use std::time::{Duration, Instant};

use aiup_app::accounts::{NewUser, Password, Role, SignIn, Via};
use aiup_app::population::{generate_and_store, PopulationOptions};
use aiup_app::{App, Clock};
use aiup_bench::{generate_catalogue, generate_start, load_bundle, SEED};
use anyhow::Context as _;
use chrono::{Datelike as _, NaiveDate, TimeZone, Utc};
use clap::Parser;

/// The pages measured: every board's page (the budget line and the province as samples).
const PAGES: &[&str] = &[
    "/admin/dashboard",
    "/admin/dashboard/targets",
    "/admin/dashboard/budget",
    "/admin/dashboard/budget/card-general-occupations",
    "/admin/dashboard/regions",
    "/admin/dashboard/regions/41",
    "/admin/dashboard/smes",
    "/admin/dashboard/outcomes",
    "/admin/dashboard/academy",
    "/admin/reforms",
];

#[derive(Debug, Parser)]
struct Args {
    #[arg(long, default_value_t = 240_000)]
    trainees: usize,
    #[arg(long, default_value_t = 8_000)]
    courses: usize,
    #[arg(long, default_value_t = 20_000)]
    firms: usize,
    /// Requests per page, cold and warm each.
    #[arg(long, default_value_t = 20)]
    requests: usize,
    /// Warm requests per page, when different from `--requests` (warm ones are cheap).
    #[arg(long)]
    warm_requests: Option<usize>,
    /// The day the population is seen on (its attendance runs to the day before; the payroll
    /// of every month closed by then is run).
    #[arg(long, default_value = "2026-12-31")]
    seen_on: NaiveDate,
    /// How long the live phase reads, in seconds (0: no live phase).
    #[arg(long, default_value_t = 150)]
    live_seconds: u64,
    /// Clients reading at once in the live phase.
    #[arg(long, default_value_t = 4)]
    readers: usize,
    /// sqlite, postgres or both.
    #[arg(long, default_value = "both")]
    backend: String,
    /// The PostgreSQL server (a database is created on it and dropped after).
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    postgres: String,
}

const BENCH_DB: &str = "aiup_dashboard_bench";
const LOGIN: &str = "bench-dashboard";
const PASSWORD: &str = "correct horse battery staple";

fn pg_url(admin: &str, name: &str) -> anyhow::Result<String> {
    match admin.rsplit_once('/') {
        Some((base, _)) => Ok(format!("{base}/{name}")),
        None => anyhow::bail!("the PostgreSQL URL needs a database path"),
    }
}

async fn pg_exec(admin: &str, sql: &str) -> anyhow::Result<()> {
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(admin)
        .await
        .with_context(|| format!("PostgreSQL is not reachable at {admin}"))?;
    sqlx::query(sql).execute(&mut conn).await?;
    Ok(())
}

/// The figures' store: population, payroll and firms.
async fn stock(app: &App, url: &str, args: &Args) -> anyhow::Result<()> {
    let bundle = load_bundle()?;
    let db = app.db();
    let started = Instant::now();
    db.catalogue()
        .upsert(&generate_catalogue(&bundle, args.courses), "bench")
        .await?;
    let report = generate_and_store(
        db,
        &bundle.policy,
        &bundle.regions,
        &PopulationOptions {
            trainees: args.trainees,
            seed: SEED,
            today: args.seen_on,
        },
        args.courses,
        generate_start(),
        None,
        true,
        "bench",
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "  setup: {} people, {} enrolments in {:.1} s",
        report.written.people,
        report.written.enrolments,
        started.elapsed().as_secs_f64()
    );
    let runner = aiup_app::accounts::Actor {
        account_id: 0,
        login: "bench-runner".into(),
        display_name: "bench-runner".into(),
        role: Role::ProgrammeAdmin,
        scope: None,
        via: Via::Token { id: 0 },
    };
    let started = Instant::now();
    let closed_months = (1..=12).filter(|&m| {
        NaiveDate::from_ymd_opt(args.seen_on.year(), m, 1)
            .and_then(|first| first.checked_add_months(chrono::Months::new(1)))
            .is_some_and(|next| next <= args.seen_on)
    });
    for month in closed_months {
        let done = app
            .run_payroll(&runner, &format!("2026-{month:02}"), &|_, _| {})
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        print!(" {}", done.run.lines);
    }
    println!(
        " payroll lines, every month closed by {}, in {:.1} s",
        args.seen_on,
        started.elapsed().as_secs_f64()
    );
    // The academy at its 2026 targets with its labs and centres, and the graduates' outcomes
    // (synthetic employment-insurance and business-registration files, imported).
    let started = Instant::now();
    let academy = aiup_app::academy::generate_and_store(app, &runner, SEED, 1_000, args.seen_on)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    app.set_identifier_key(aiup_people::ExternalIdKey::from_hex(&"5a".repeat(32))?)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let outcomes = aiup_app::outcomes::generate::generate_for_graduates(app, SEED, 2_000, "bench")
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    for (kind, text) in [
        (
            aiup_people::outcome_records::OutcomeKind::Employment,
            &outcomes.files.employment_csv,
        ),
        (
            aiup_people::outcome_records::OutcomeKind::Startups,
            &outcomes.files.startups_csv,
        ),
    ] {
        aiup_app::outcomes::import(
            app,
            &runner,
            aiup_app::outcomes::OutcomeImportRequest {
                kind,
                source: "bench (synthetic)",
                as_of: args.seen_on,
                text,
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    println!(
        "  academy: {} completions, {} sites; outcomes: {} graduates, {} hires, {} startups; in {:.1} s",
        academy.completions.completed,
        academy.sites.created,
        outcomes.graduates,
        outcomes.files.hires,
        outcomes.files.startups,
        started.elapsed().as_secs_f64()
    );
    // The reform basis of the whole population (the reforms page states it).
    let started = Instant::now();
    let basis = app.refresh_basis(&runner).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "  reform basis: {} in {:.1} s (reading and counting {:.1} s, writing {:.2} s)",
        basis.meta,
        started.elapsed().as_secs_f64(),
        basis.compute_time.as_secs_f64(),
        basis.write_time.as_secs_f64()
    );
    let firms = aiup_sme::generate::firms(SEED, args.firms, &bundle.regions);
    aiup_app::sme::firms::import_firms_csv(app, &runner, &aiup_sme::firm::write_firms_csv(&firms))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    aiup_app::sme::firms::ensure_centres(app)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    // Diagnoses and plans straight into their tables (their services need a doctor's visit for
    // each; the figures only need the rows).
    let statements = [
        "UPDATE sme_firms SET centre_id = (SELECT MIN(id) FROM sme_centres) WHERE id % 3 = 0".to_owned(),
        format!(
            "INSERT INTO sme_diagnoses (firm_id, diagnosis_no, taken_on, recorded_at, recorded_by, questionnaire_version, \
             answers, level, points, max_points, intermediate_from, advanced_from) SELECT id, 1, '2026-04-01', \
             '2026-04-01T00:00:00Z', 'bench', '{}', 'a', CASE id % 3 WHEN 0 THEN 'beginner' WHEN 1 THEN 'intermediate' \
             ELSE 'advanced' END, 40, 88, 30, 60 FROM sme_firms WHERE id % 10 = 0",
            "0".repeat(64)
        ),
        "INSERT INTO sme_prescriptions (firm_id, diagnosis_id, prescribed_on, recorded_at, recorded_by, level, policy_version) \
         SELECT firm_id, id, '2026-04-02', '2026-04-02T00:00:00Z', 'bench', level, 'bench' FROM sme_diagnoses \
         WHERE firm_id % 20 = 0"
            .to_owned(),
        "INSERT INTO sme_prescription_acceptances (prescription_id, accepted_on, accepted_at, accepted_by) \
         SELECT id, '2026-04-03', '2026-04-03T00:00:00Z', 'bench' FROM sme_prescriptions"
            .to_owned(),
    ];
    raw_execute(url, &statements).await
}

/// Runs raw statements on the database at `url` (bench set-up only).
async fn raw_execute(url: &str, statements: &[String]) -> anyhow::Result<()> {
    if url.starts_with("sqlite") {
        let pool = sqlx::SqlitePool::connect(url).await?;
        for sql in statements {
            sqlx::query(sql).execute(&pool).await.with_context(|| sql.clone())?;
        }
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(url).await?;
        for sql in statements {
            sqlx::query(sql).execute(&pool).await.with_context(|| sql.clone())?;
        }
        pool.close().await;
    }
    Ok(())
}

async fn serve(url: &str, args: &Args) -> anyhow::Result<(App, String, String)> {
    let db = aiup_store::connect(url).await?;
    let loaded = aiup_app::policy::active_bundle(&db).await?;
    let engine = aiup_app::policy::engine_for(loaded)?;
    let index = aiup_search::CourseIndex::create_in_ram(aiup_app::catalogue::search_context(&engine, args.seen_on))?;
    // 09:00 in Seoul.
    let at = Utc.from_utc_datetime(&args.seen_on.and_hms_opt(0, 0, 0).context("midnight")?);
    let app = App::new(db, engine, index, Clock::fixed(at));
    stock(&app, url, args).await?;
    app.accounts()
        .create_user(
            "bench",
            NewUser {
                login: LOGIN.into(),
                display_name: LOGIN.into(),
                role: Role::ProgrammeAdmin.as_str().into(),
                scope: None,
                password: Some(Password::new(PASSWORD)),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let session = app
        .accounts()
        .sign_in(SignIn {
            login: LOGIN.into(),
            password: Password::new(PASSWORD),
            client_address: "127.0.0.1".into(),
            client: "bench".into(),
            previous_session: None,
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let state = aiup_server::AppState::new(app.clone(), aiup_server::WebSettings::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let router = aiup_server::app(state);
    tokio::spawn(async move {
        let _ = aiup_server::serve(listener, router, aiup_server::Limits::default(), std::future::pending()).await;
    });
    Ok((app, base, format!("aiup_session={}", session.cookie_value)))
}

/// One GET, timed to the last byte of the body.
async fn timed_get(url: String, cookie: String) -> anyhow::Result<Duration> {
    tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let response = ureq::get(&url)
            .set("Cookie", &cookie)
            .call()
            .with_context(|| url.clone())?;
        let mut body = Vec::new();
        response.into_reader().read_to_end(&mut body)?;
        let took = started.elapsed();
        anyhow::ensure!(body.len() > 1_000, "{url}: a short page ({} bytes)", body.len());
        Ok(took)
    })
    .await?
}

/// The `p`th percentile (nearest rank) of `times`, in milliseconds.
fn percentile(times: &mut [Duration], p: usize) -> f64 {
    times.sort();
    let rank = (times.len() * p).div_ceil(100).max(1);
    times[rank - 1].as_secs_f64() * 1_000.0
}

/// Each store read behind the regional boards, timed alone once: where a cold page's time goes.
async fn store_reads(app: &App) -> anyhow::Result<()> {
    let db = app.db();
    let statuses = aiup_app::dashboard::regions::enrolled_statuses();
    let started = Instant::now();
    db.enrolment_reports()
        .report(&aiup_store::EnrolmentReportFilter::default())
        .await?;
    let report = started.elapsed();
    let started = Instant::now();
    db.region_reports().regions(&statuses).await?;
    let regions = started.elapsed();
    let started = Instant::now();
    db.region_reports().months(2026).await?;
    let months = started.elapsed();
    let started = Instant::now();
    db.region_reports().firms(&statuses).await?;
    let firms = started.elapsed();
    let ms = |d: Duration| d.as_secs_f64() * 1_000.0;
    println!(
        "  store reads alone: EnrolmentReports::report {:.0} ms, RegionReports::regions {:.0} ms, months {:.0} ms, firms {:.0} ms",
        ms(report),
        ms(regions),
        ms(months),
        ms(firms)
    );
    Ok(())
}

async fn measure(label: &str, url: &str, args: &Args) -> anyhow::Result<()> {
    println!("{label}:");
    let (app, base, cookie) = serve(url, args).await?;
    store_reads(&app).await?;
    println!("  | page | cold p50 ms | cold p99 ms | warm p50 ms | warm p99 ms | cold/warm (p50) |");
    println!("  | --- | ---: | ---: | ---: | ---: | ---: |");
    for page in PAGES {
        let mut cold = Vec::new();
        for _ in 0..args.requests {
            app.dashboards().clear();
            cold.push(timed_get(format!("{base}{page}"), cookie.clone()).await?);
        }
        timed_get(format!("{base}{page}"), cookie.clone()).await?;
        let mut warm = Vec::new();
        for _ in 0..args.warm_requests.unwrap_or(args.requests) {
            warm.push(timed_get(format!("{base}{page}"), cookie.clone()).await?);
        }
        let (c50, c99) = (percentile(&mut cold, 50), percentile(&mut cold, 99));
        let (w50, w99) = (percentile(&mut warm, 50), percentile(&mut warm, 99));
        println!(
            "  | `{page}` | {c50:.1} | {c99:.1} | {w50:.1} | {w99:.1} | {:.0}× |",
            c50 / w50.max(0.001)
        );
    }
    if args.live_seconds > 0 {
        live(&app, &base, &cookie, args).await?;
    }
    app.db().close().await;
    Ok(())
}

/// The live phase: readers against a server whose sync loop keeps the figures warm.
async fn live(app: &App, base: &str, cookie: &str, args: &Args) -> anyhow::Result<()> {
    // As a server's first sync tick: every board's figures computed before readers come.
    app.dashboards().clear();
    let started = Instant::now();
    aiup_app::dashboard::prewarm(app)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "  live: first prewarm (every board's figures) {:.1} s; then {} readers for {} s with the sync loop every {} s",
        started.elapsed().as_secs_f64(),
        args.readers,
        args.live_seconds,
        aiup_app::live::SYNC_INTERVAL.as_secs()
    );
    let computed_before = app.dashboards().computations();
    let sync = app.spawn_sync(aiup_app::live::SYNC_INTERVAL);
    let deadline = Instant::now() + Duration::from_secs(args.live_seconds);
    let mut readers = Vec::new();
    for reader in 0..args.readers {
        let (base, cookie) = (base.to_owned(), cookie.to_owned());
        readers.push(tokio::spawn(async move {
            let mut times: Vec<Vec<Duration>> = vec![Vec::new(); PAGES.len()];
            let mut turn = reader;
            while Instant::now() < deadline {
                let page = turn % PAGES.len();
                times[page].push(timed_get(format!("{base}{}", PAGES[page]), cookie.clone()).await?);
                turn += 1;
            }
            anyhow::Ok(times)
        }));
    }
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); PAGES.len()];
    for reader in readers {
        for (page, more) in reader.await??.into_iter().enumerate() {
            times[page].extend(more);
        }
    }
    sync.abort();
    let computed = app.dashboards().computations();
    println!(
        "  live: figures computed during the window: {} ahead by the prewarmer, {} on a reader's request (a cold page)",
        computed.ahead - computed_before.ahead,
        computed.on_request - computed_before.on_request
    );
    println!("  | page | requests | live p50 ms | live p99 ms | live max ms |");
    println!("  | --- | ---: | ---: | ---: | ---: |");
    for (page, mut t) in PAGES.iter().zip(times) {
        let n = t.len();
        let (p50, p99) = (percentile(&mut t, 50), percentile(&mut t, 99));
        let max = t.last().map_or(0.0, |d| d.as_secs_f64() * 1_000.0);
        println!("  | `{page}` | {n} | {p50:.1} | {p99:.1} | {max:.1} |");
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    println!(
        "dashboard bench: {} trainees seen on {}, {} courses, {} firms, {} cold and {} warm requests per page; commit {}",
        args.trainees,
        args.seen_on,
        args.courses,
        args.firms,
        args.requests,
        args.warm_requests.unwrap_or(args.requests),
        aiup_bench::git_commit()
    );
    if matches!(args.backend.as_str(), "sqlite" | "both") {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}", dir.path().join("dashboard.sqlite3").display());
        measure("SQLite", &url, &args).await?;
    }
    if matches!(args.backend.as_str(), "postgres" | "both") {
        pg_exec(
            &args.postgres,
            &format!("DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)"),
        )
        .await?;
        pg_exec(&args.postgres, &format!("CREATE DATABASE {BENCH_DB}")).await?;
        let result = measure("PostgreSQL", &pg_url(&args.postgres, BENCH_DB)?, &args).await;
        pg_exec(
            &args.postgres,
            &format!("DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)"),
        )
        .await?;
        result?;
    }
    Ok(())
}
