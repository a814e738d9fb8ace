//! SME discovery at the country's scale (issue 11): the ranking over 100,000 workplaces with
//! their partner-programme links, on SQLite and PostgreSQL.
//!
//!     cargo run -p aiup-bench --release --bin discovery -- [--firms 100000]
//!         [--backend sqlite|postgres|both] [--postgres URL] [--runs 7]
//!
//! Setup, per backend: a fresh database with the default policy, `--firms` generated firms
//! (`aiup_sme::generate::firms`, seed 2026) and their partner-programme participations
//! (`aiup_sme::generate::participations`), imported through the registry's store (one
//! transaction each, timed), every firm assigned to the centre of its province, and a stated
//! intent on a fifth of them (yes on two in ten, no on one in ten: a raw UPDATE, standing in for
//! the survey import).
//!
//! Then, with the application's clock at 2026-03-02 in Seoul, `aiup_app::sme::discovery::rank`
//! as a programme administrator: nationwide top 100, nationwide top 1,000, and one centre's
//! manufacturers (`centre-gyeonggi`, KSIC C) top 100. Each is timed on a freshly opened `App`
//! (cold: new connections, first statement) and then `--runs` times (warm: the median). The
//! read alone (`VisitStore::discovery_rows`) is timed too, to split reading from scoring.
//!
//! The alternative a user would pick is the same ranking as one SQL query: the score as a
//! `CASE` expression with the same weights, `ORDER BY score DESC, id LIMIT n` on the same
//! database. Its top ids are checked equal to the service's (the query gives no reasons), and
//! its median is reported beside ours with the ratio. The PostgreSQL database is dropped after.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::time::{Duration, Instant};

use aiup_app::accounts::{Actor, Role, Via};
use aiup_app::sme::discovery::{self, DiscoveryFilter};
use aiup_app::{App, Clock};
use aiup_bench::{git_commit, SEED};
use aiup_sme::discovery::DiscoveryWeights;
use aiup_store::{DiscoveryRowFilter, NewParticipation};
use anyhow::Context as _;
use chrono::{NaiveDate, TimeZone, Utc};
use clap::Parser;

#[derive(Debug, Parser)]
struct Args {
    #[arg(long, default_value_t = 100_000)]
    firms: usize,
    /// sqlite, postgres or both.
    #[arg(long, default_value = "both")]
    backend: String,
    /// The PostgreSQL server (the bench database is created and dropped on it).
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    postgres: String,
    /// Warm runs per measurement (the median is reported).
    #[arg(long, default_value_t = 7)]
    runs: usize,
}

const PG_DB: &str = "aiup_discovery_bench";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default()
}

fn admin() -> Actor {
    Actor {
        account_id: 0,
        login: "bench".to_owned(),
        display_name: "bench".to_owned(),
        role: Role::ProgrammeAdmin,
        scope: None,
        via: Via::Token { id: 0 },
    }
}

async fn app_on(url: &str) -> anyhow::Result<App> {
    let db = aiup_store::connect(url).await?;
    let loaded = aiup_app::policy::active_bundle(&db).await?;
    let engine = aiup_app::policy::engine_for(loaded)?;
    let index = aiup_search::CourseIndex::create_in_ram(aiup_app::catalogue::search_context(&engine, today()))?;
    // 09:00 in Seoul.
    let at = Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).single().context("instant")?;
    Ok(App::new(db, engine, index, Clock::fixed(at)))
}

enum Raw {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Raw {
    async fn open(url: &str) -> anyhow::Result<Raw> {
        Ok(if url.starts_with("sqlite") {
            Raw::Sqlite(sqlx::SqlitePool::connect(url).await?)
        } else {
            Raw::Postgres(sqlx::PgPool::connect(url).await?)
        })
    }

    async fn execute(&self, sql: &str) -> anyhow::Result<()> {
        match self {
            Raw::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ())?,
            Raw::Postgres(p) => sqlx::query(sql).execute(p).await.map(|_| ())?,
        }
        Ok(())
    }

    async fn ranked(&self, sql: &str) -> anyhow::Result<Vec<(i64, i64)>> {
        Ok(match self {
            Raw::Sqlite(p) => sqlx::query_as(sql).fetch_all(p).await?,
            Raw::Postgres(p) => sqlx::query_as(sql).fetch_all(p).await?,
        })
    }

    async fn close(self) {
        match self {
            Raw::Sqlite(p) => p.close().await,
            Raw::Postgres(p) => p.close().await,
        }
    }
}

/// The ranking as one SQL statement: the same score as `aiup_sme::discovery::score_points`,
/// written as SQL with the weights and industry needs inlined.
fn ranking_sql(w: &DiscoveryWeights, filter: &DiscoveryRowFilter, limit: usize) -> String {
    let need = aiup_sme::discovery::industry_need();
    let industry = |bp: i64| w.industry_need * bp / aiup_sme::discovery::FULL_NEED_BP;
    let mut by_section = String::from("CASE f.ksic_section");
    for s in &need.sections {
        by_section.push_str(&format!(" WHEN '{}' THEN {}", s.section, industry(s.need_bp)));
    }
    by_section.push_str(&format!(" ELSE {} END", industry(need.default_bp)));
    let cap = w.partner_programmes_counted;
    let mut clauses = Vec::new();
    if let Some(c) = &filter.centre_id {
        clauses.push(format!("f.centre_id = '{c}'"));
    }
    if let Some(s) = &filter.ksic_section {
        clauses.push(format!("f.ksic_section = '{s}'"));
    }
    let filter_sql = if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    };
    format!(
        "SELECT f.id, \
         (CASE WHEN f.ai_training THEN 0 ELSE {no_ai} END) \
         + {partner} * (CASE WHEN f.n > {cap} THEN {cap} ELSE f.n END) \
         + (CASE WHEN f.stated_intent IS NULL THEN 0 WHEN f.stated_intent THEN {yes} ELSE -{no} END) \
         + (CASE WHEN f.size_band IN ('under_5', '5_9', '10_29') THEN {s30} \
                 WHEN f.size_band IN ('30_49', '50_99', '100_299') THEN {s299} ELSE 0 END) \
         + (CASE WHEN f.capital_area THEN 0 ELSE {nc} END) \
         + ({by_section}) AS points \
         FROM (SELECT f.id, f.ai_training, f.stated_intent, f.size_band, f.capital_area, f.ksic_section, \
         (SELECT COUNT(DISTINCT pp.programme_id) FROM sme_partner_participations pp \
         WHERE pp.business_number = f.business_number) AS n FROM sme_firms f{filter_sql}) f \
         ORDER BY points DESC, f.id LIMIT {limit}",
        no_ai = w.no_ai_training,
        partner = w.partner_programme,
        yes = w.intent_yes,
        no = w.intent_no,
        s30 = w.size_under_30,
        s299 = w.size_30_to_299,
        nc = w.non_capital,
    )
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs.get(xs.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

struct Case {
    name: &'static str,
    filter: DiscoveryFilter,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "nationwide, top 100",
            filter: DiscoveryFilter {
                limit: Some(100),
                ..DiscoveryFilter::default()
            },
        },
        Case {
            name: "nationwide, top 1,000",
            filter: DiscoveryFilter {
                limit: Some(1_000),
                ..DiscoveryFilter::default()
            },
        },
        Case {
            name: "centre-gyeonggi, KSIC C, top 100",
            filter: DiscoveryFilter {
                centre: Some("centre-gyeonggi".to_owned()),
                ksic_section: Some("C".to_owned()),
                limit: Some(100),
                ..DiscoveryFilter::default()
            },
        },
    ]
}

async fn load(url: &str, n: usize) -> anyhow::Result<()> {
    let app = app_on(url).await?;
    let firms = aiup_sme::generate::firms(SEED, n, app.engine().regions());
    let links = aiup_sme::generate::participations(SEED, &firms);
    let rows: Vec<_> = firms.iter().map(aiup_app::sme::firms::new_firm).collect();
    let start = Instant::now();
    let summary = app.db().firms().import_firms(&rows, "bench").await?;
    let firms_took = start.elapsed();
    let participations: Vec<NewParticipation> = links
        .iter()
        .map(|(programme, number, year)| NewParticipation {
            programme_id: programme.clone(),
            business_number: number.digits(),
            year: i64::from(*year),
        })
        .collect();
    let start = Instant::now();
    app.db()
        .firms()
        .import_participations(&participations, "bench", "bench")
        .await?;
    let links_took = start.elapsed();
    let assigned = aiup_app::sme::firms::assign_by_province(&app, &admin()).await?;
    let raw = Raw::open(url).await?;
    raw.execute(
        "UPDATE sme_firms SET stated_intent = CASE WHEN id % 10 < 2 THEN TRUE WHEN id % 10 = 2 THEN FALSE \
         ELSE NULL END, intent_source = 'bench', intent_on = '2026-03-01'",
    )
    .await?;
    raw.close().await;
    println!(
        "  loaded {} firms in {} ({} partner links in {}), {} assigned to centres",
        summary.created,
        ms(firms_took),
        participations.len(),
        ms(links_took),
        assigned
    );
    Ok(())
}

async fn measure(label: &str, url: &str, runs: usize) -> anyhow::Result<Vec<String>> {
    let mut lines = Vec::new();
    let actor = admin();
    for case in cases() {
        // Cold: a new App, so new connections and a first statement.
        let app = app_on(url).await?;
        let start = Instant::now();
        let first = discovery::rank(&app, &actor, &case.filter).await?;
        let cold = start.elapsed();
        let mut warm = Vec::with_capacity(runs);
        for _ in 0..runs {
            let start = Instant::now();
            let r = discovery::rank(&app, &actor, &case.filter).await?;
            warm.push(start.elapsed());
            anyhow::ensure!(r.rows == first.rows, "a ranking changed between runs");
        }
        let rows_filter = DiscoveryRowFilter {
            centre_id: case.filter.centre.clone(),
            ksic_section: case.filter.ksic_section.clone(),
            ..DiscoveryRowFilter::default()
        };
        let mut read = Vec::with_capacity(runs);
        for _ in 0..runs {
            let start = Instant::now();
            app.db().sme_visits().discovery_rows(&rows_filter).await?;
            read.push(start.elapsed());
        }
        // The one-query alternative, on its own pool.
        let limit = case.filter.limit.unwrap_or(discovery::DEFAULT_LIMIT);
        let sql = ranking_sql(&first.weights, &rows_filter, limit);
        let raw = Raw::open(url).await?;
        let start = Instant::now();
        let sql_first = raw.ranked(&sql).await?;
        let sql_cold = start.elapsed();
        let mut sql_warm = Vec::with_capacity(runs);
        for _ in 0..runs {
            let start = Instant::now();
            raw.ranked(&sql).await?;
            sql_warm.push(start.elapsed());
        }
        raw.close().await;
        let ours: Vec<(i64, i64)> = first.rows.iter().map(|r| (r.firm_id, r.score.points)).collect();
        anyhow::ensure!(
            ours == sql_first,
            "{}: the SQL ranking differs from the service's (first {:?} vs {:?})",
            case.name,
            ours.first(),
            sql_first.first()
        );
        let (warm, read, sql_warm) = (median(warm), median(read), median(sql_warm));
        let ratio = warm.as_secs_f64() / sql_warm.as_secs_f64().max(1e-9);
        println!(
            "  {:<34} scored {:>6}  cold {:>7}  warm {:>7} (read {:>7})  one SQL query: cold {:>7} warm {:>7}  ratio {:.2}",
            case.name,
            first.scored,
            ms(cold),
            ms(warm),
            ms(read),
            ms(sql_cold),
            ms(sql_warm),
            ratio
        );
        lines.push(format!(
            "| {label} | {} | {} | {} | {} | {} | {} | {} | {:.2}× |",
            case.name,
            first.scored,
            ms(cold),
            ms(warm),
            ms(read),
            ms(sql_cold),
            ms(sql_warm),
            ratio
        ));
    }
    Ok(lines)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let (sqlite, postgres) = match args.backend.as_str() {
        "sqlite" => (true, false),
        "postgres" => (false, true),
        "both" => (true, true),
        other => anyhow::bail!("--backend is sqlite, postgres or both, not {other}"),
    };
    println!(
        "SME discovery: {} firms, {} warm runs, commit {}",
        args.firms,
        args.runs,
        git_commit()
    );
    let mut table = vec![
        "| backend | ranking | firms scored | cold | warm (median) | of which the read | one SQL query, cold | one SQL query, warm | ours ÷ SQL (warm) |".to_owned(),
        "|---|---|---:|---:|---:|---:|---:|---:|---:|".to_owned(),
    ];
    if sqlite {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}", dir.path().join("discovery.sqlite3").display());
        println!("SQLite ({url})");
        load(&url, args.firms).await?;
        table.extend(measure("SQLite", &url, args.runs).await?);
    }
    if postgres {
        let mut admin_conn = <sqlx::PgConnection as sqlx::Connection>::connect(&args.postgres)
            .await
            .with_context(|| format!("PostgreSQL is not reachable at {}", args.postgres))?;
        sqlx::query(&format!("DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)"))
            .execute(&mut admin_conn)
            .await?;
        sqlx::query(&format!("CREATE DATABASE {PG_DB}"))
            .execute(&mut admin_conn)
            .await?;
        let base = args
            .postgres
            .rsplit_once('/')
            .map_or(args.postgres.as_str(), |(b, _)| b);
        let url = format!("{base}/{PG_DB}");
        println!("PostgreSQL ({url})");
        let result = async {
            load(&url, args.firms).await?;
            measure("PostgreSQL", &url, args.runs).await
        }
        .await;
        sqlx::query(&format!("DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)"))
            .execute(&mut admin_conn)
            .await?;
        table.extend(result?);
    }
    println!();
    for line in table {
        println!("{line}");
    }
    Ok(())
}
