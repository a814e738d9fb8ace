//! Acceptance throughput: staff accepting applications through the enrolment service, with 1, 8
//! and 32 concurrent clients, on SQLite and PostgreSQL; then a check that no seat is oversold.
//!
//!     cargo run -p aiup-bench --release --bin acceptance -- [--backend sqlite|postgres|both]
//!         [--postgres URL] [--per-run 1500] [--repeat 3]
//!
//! Setup, per backend: a fresh database, the default policy, 2,000 generated courses (seed 2026,
//! cohorts from 2026-01-05) and a generated population seen on 2026-01-02 whose every
//! enrolment is a pending application (`applied`), one per person, loaded in one transaction.
//! The application's clock is fixed at 2026-01-02 09:00 in Seoul, before every cohort starts.
//!
//! Each measurement takes `--per-run` applications not decided yet, in a random order (so
//! clients work on different cohorts, and sometimes the same one), and has `clients` tasks take
//! them from one queue and call `App::decide(staff, id, Accept)` as that institution's staff.
//! Every call is a full acceptance: the staff scope check, the rules engine's re-check of the
//! person's eligibility and terms, the seat (one conditional UPDATE) and the card hold, in one
//! transaction with its audit event. A decision is accepted, put on the waiting list (a full
//! cohort that keeps one) or refused `cohort_full`; all three count as decisions, any other
//! error is reported. Throughput is decisions a second of wall time.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use aiup_app::accounts::{Actor, Role, Via};
use aiup_app::enrolment::{Decision, DecisionDone};
use aiup_app::population::to_batch;
use aiup_app::{App, Clock, Code};
use aiup_bench::{generate_catalogue, load_bundle, SEED};
use aiup_people::generate::{generate, PopulationData, PopulationFiles, PopulationOptions};
use aiup_people::EnrolmentStatus;
use anyhow::Context as _;
use chrono::{NaiveDate, TimeZone, Utc};
use clap::Parser;

#[derive(Debug, Parser)]
struct Args {
    /// sqlite, postgres or both.
    #[arg(long, default_value = "both")]
    backend: String,
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    postgres: String,
    /// Applications decided in one measurement.
    #[arg(long, default_value_t = 1_500)]
    per_run: usize,
    /// Measurements per client count; the median is reported.
    #[arg(long, default_value_t = 3)]
    repeat: usize,
    #[arg(long, default_value_t = 2_000)]
    courses: usize,
}

const CLIENTS: [usize; 3] = [1, 8, 32];

fn staff(institution: &str) -> Actor {
    Actor {
        account_id: 0,
        login: format!("bench-staff-{institution}"),
        display_name: "bench staff".to_owned(),
        role: Role::InstitutionStaff,
        scope: Some(institution.to_owned()),
        via: Via::Token { id: 0 },
    }
}

#[derive(Debug, Default, Clone)]
struct Tally {
    accepted: usize,
    waitlisted: usize,
    full: usize,
    other: usize,
    /// The other errors by code and field.
    errors: BTreeMap<String, usize>,
}

impl Tally {
    fn add(&mut self, t: &Tally) {
        self.accepted += t.accepted;
        self.waitlisted += t.waitlisted;
        self.full += t.full;
        self.other += t.other;
        for (code, n) in &t.errors {
            *self.errors.entry(code.clone()).or_default() += n;
        }
    }
}

/// Builds the application over a fresh database at `url`; returns it and the pending
/// applications (enrolment id, institution id), shuffled.
async fn setup(url: &str, args: &Args, applications: usize) -> anyhow::Result<(App, Vec<(i64, String)>)> {
    let db = aiup_store::connect(url).await.context("connect")?;
    let bundle = load_bundle()?;
    let loaded = aiup_app::policy::active_bundle(&db).await?;
    let engine = aiup_app::policy::engine_for(loaded)?;
    let today = NaiveDate::from_ymd_opt(2026, 1, 2).context("date")?;
    let index = aiup_search::CourseIndex::create_in_ram(aiup_app::catalogue::search_context(&engine, today))?;
    let clock = Clock::fixed(Utc.with_ymd_and_hms(2026, 1, 2, 0, 0, 0).single().context("instant")?);
    let app = App::new(db, engine, index, clock);

    let catalogue = generate_catalogue(&bundle, args.courses);
    app.db().catalogue().upsert(&catalogue, "bench").await?;
    let courses = app.db().catalogue().courses().await?;
    let mut data = PopulationData::parse(PopulationFiles::embedded())?;
    data.not_started = vec![(EnrolmentStatus::Applied, 1)];
    data.second_enrolment = 0;
    let options = PopulationOptions {
        trainees: applications,
        seed: SEED,
        today,
    };
    let bank = aiup_diagnosis::Bank::embedded();
    let population = generate(&options, &data, &bundle.policy, &bundle.regions, &courses, bank)?;
    let written = app
        .db()
        .population()
        .load(to_batch(&population, &courses, bank, &app.engine()), "bench")
        .await?;
    println!(
        "  setup: {} people, {} applications",
        written.people, written.enrolments
    );
    let pending = pending_applications(url).await?;
    Ok((app, pending))
}

/// Every `applied` enrolment with its institution, in a fixed pseudo-random order.
async fn pending_applications(url: &str) -> anyhow::Result<Vec<(i64, String)>> {
    const SQL: &str = "SELECT id, institution_id FROM enrolments WHERE status = 'applied' ORDER BY id";
    let mut rows: Vec<(i64, String)> = if url.starts_with("sqlite") {
        let pool = sqlx::SqlitePool::connect(url).await?;
        let rows = sqlx::query_as(SQL).fetch_all(&pool).await?;
        pool.close().await;
        rows
    } else {
        let pool = sqlx::PgPool::connect(url).await?;
        let rows = sqlx::query_as(SQL).fetch_all(&pool).await?;
        pool.close().await;
        rows
    };
    // A fixed shuffle (SplitMix64 as in the generators), so every run sees the same order.
    let mut rng = aiup_catalogue::generate::rng::Rng::new(SEED);
    rng.shuffle(&mut rows);
    Ok(rows)
}

async fn decide_all(app: &App, work: Vec<(i64, String)>, clients: usize) -> (f64, Tally) {
    let queue = Arc::new(Mutex::new(VecDeque::from(work)));
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (app, queue) = (app.clone(), queue.clone());
            tokio::spawn(async move {
                let mut tally = Tally::default();
                loop {
                    let next = queue.lock().map(|mut q| q.pop_front()).unwrap_or(None);
                    let Some((id, institution)) = next else {
                        break;
                    };
                    match app.decide(&staff(&institution), id, Decision::Accept).await {
                        Ok(DecisionDone::Accepted(_)) => tally.accepted += 1,
                        Ok(DecisionDone::Waitlisted(_)) => tally.waitlisted += 1,
                        Err(e) if e.code == Code::CohortFull => tally.full += 1,
                        Ok(_) => tally.other += 1,
                        Err(e) => {
                            tally.other += 1;
                            let key = format!("{}/{}", e.code.as_str(), e.field.as_deref().unwrap_or("-"));
                            *tally.errors.entry(key).or_default() += 1;
                        }
                    }
                }
                tally
            })
        })
        .collect();
    let mut total = Tally::default();
    for task in tasks {
        if let Ok(t) = task.await {
            total.add(&t);
        }
    }
    (started.elapsed().as_secs_f64(), total)
}

/// Cohorts with more seat-holders than seats, or whose `taken` differs from their accepted
/// count.
async fn oversold(url: &str) -> anyhow::Result<(i64, i64)> {
    const WRONG: &str = "SELECT COUNT(*) FROM cohort_seats s WHERE s.taken > s.seats OR s.taken <> \
        (SELECT COUNT(*) FROM enrolments e WHERE e.course_id = s.course_id AND e.cohort_ordinal = s.cohort_ordinal \
        AND e.status IN ('accepted', 'in_training'))";
    const ACCEPTED: &str = "SELECT COUNT(*) FROM enrolments WHERE status = 'accepted'";
    Ok(if url.starts_with("sqlite") {
        let pool = sqlx::SqlitePool::connect(url).await?;
        let r = (
            sqlx::query_scalar(WRONG).fetch_one(&pool).await?,
            sqlx::query_scalar(ACCEPTED).fetch_one(&pool).await?,
        );
        pool.close().await;
        r
    } else {
        let pool = sqlx::PgPool::connect(url).await?;
        let r = (
            sqlx::query_scalar(WRONG).fetch_one(&pool).await?,
            sqlx::query_scalar(ACCEPTED).fetch_one(&pool).await?,
        );
        pool.close().await;
        r
    })
}

async fn measure(name: &str, url: &str, args: &Args) -> anyhow::Result<()> {
    println!("\n{name}");
    let needed = args.per_run * args.repeat.max(1) * CLIENTS.len();
    // Some people have no course of their programme in the catalogue: generate a margin.
    let (app, pending) = setup(url, args, needed + needed / 4).await?;
    anyhow::ensure!(
        pending.len() >= needed,
        "only {} pending applications for {needed}",
        pending.len()
    );
    let mut work = pending.into_iter();
    let mut rates: HashMap<usize, Vec<f64>> = HashMap::new();
    let mut tally = Tally::default();
    // Interleave the client counts so a slow spell of the machine hits all of them.
    for round in 0..args.repeat.max(1) {
        for &clients in &CLIENTS {
            let batch: Vec<(i64, String)> = work.by_ref().take(args.per_run).collect();
            let n = batch.len();
            let (seconds, t) = decide_all(&app, batch, clients).await;
            let rate = n as f64 / seconds;
            println!(
                "  round {} clients {clients:>2}: {n} decisions in {seconds:.2} s = {rate:.0}/s \
                 (accepted {}, waiting list {}, full {}, other errors {})",
                round + 1,
                t.accepted,
                t.waitlisted,
                t.full,
                t.other
            );
            rates.entry(clients).or_default().push(rate);
            tally.add(&t);
        }
    }
    for &clients in &CLIENTS {
        let mut r = rates.remove(&clients).unwrap_or_default();
        r.sort_by(f64::total_cmp);
        if let Some(median) = r.get(r.len() / 2) {
            println!("  median, {clients:>2} clients: {median:.0} decisions/s");
        }
    }
    app.db().close().await;
    let (wrong, accepted) = oversold(url).await?;
    println!("  other errors by code/field: {:?}", tally.errors);
    println!(
        "  seats: {wrong} cohorts oversold or miscounted; {accepted} accepted in the store, {} by the runs",
        tally.accepted
    );
    anyhow::ensure!(wrong == 0, "a cohort's seats disagree with its accepted enrolments");
    anyhow::ensure!(accepted as usize == tally.accepted, "accepted counts differ");
    Ok(())
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    println!(
        "acceptance benchmark: {} decisions a run, {} runs per client count, clients {CLIENTS:?}",
        args.per_run, args.repeat
    );
    if matches!(args.backend.as_str(), "sqlite" | "both") {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}", dir.path().join("bench.sqlite3").display());
        measure("SQLite (file, WAL)", &url, &args).await?;
    }
    if matches!(args.backend.as_str(), "postgres" | "both") {
        let name = format!("aiup_acceptance_bench_{}", std::process::id());
        let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&args.postgres)
            .await
            .with_context(|| format!("PostgreSQL is not reachable at {}", args.postgres))?;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await?;
        let url = match args.postgres.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => anyhow::bail!("the PostgreSQL URL needs a database path"),
        };
        let result = measure("PostgreSQL", &url, &args).await;
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut admin)
            .await?;
        result?;
    }
    Ok(())
}
