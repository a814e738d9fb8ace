//! The synthetic population: generate and store N trainees on SQLite and PostgreSQL.
//!
//!     cargo run -p aiup-bench --release --bin population -- [--trainees 240000] [--courses 8000]
//!         [--backend sqlite|postgres|both] [--postgres URL] [--repeat 3]
//!
//! Each run uses a fresh database (a SQLite file in a temporary folder; a PostgreSQL database
//! created and dropped on the server at --postgres), imports the default policy, stores a
//! generated catalogue (seed 2026, cohorts from 2026-01-05; timed apart), then times
//! `aiup_app::population::generate_and_store` (the code behind `aiup generate population`):
//! reading the catalogue back, generating the population as seen on 2026-07-01, and loading it
//! in one transaction. Peak memory is the process's `VmHWM`, reset just before that step. The
//! rows each table holds afterwards are read back from the database.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::time::{Duration, Instant};

use aiup_app::population::{generate_and_store, PopulationOptions};
use aiup_bench::{generate_catalogue, generate_start, load_bundle, peak_rss_bytes, reset_peak_rss, rss_bytes, SEED};
use anyhow::Context as _;
use chrono::NaiveDate;
use clap::Parser;

#[derive(Debug, Parser)]
struct Args {
    #[arg(long, default_value_t = 240_000)]
    trainees: usize,
    /// Courses in the catalogue the population is placed in.
    #[arg(long, default_value_t = 8_000)]
    courses: usize,
    /// sqlite, postgres or both.
    #[arg(long, default_value = "both")]
    backend: String,
    /// The PostgreSQL server (a database is created and dropped for each run).
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    postgres: String,
    /// Runs per backend; the median is reported.
    #[arg(long, default_value_t = 3)]
    repeat: usize,
}

#[derive(Debug, Clone)]
struct Run {
    catalogue: Duration,
    read: Duration,
    generate: Duration,
    store: Duration,
    peak_mib: f64,
    rss_before_mib: f64,
    rows: aiup_store::PopulationCounts,
}

fn mib(bytes: Option<u64>) -> f64 {
    bytes.unwrap_or(0) as f64 / (1024.0 * 1024.0)
}

async fn one_run(url: &str, args: &Args) -> anyhow::Result<Run> {
    let store = aiup_store::connect(url).await?;
    let bundle = load_bundle()?;
    aiup_app::policy::active_bundle(&store).await?;
    let started = Instant::now();
    let batch = generate_catalogue(&bundle, args.courses);
    store.catalogue().upsert(&batch, "bench").await?;
    drop(batch);
    let catalogue = started.elapsed();

    let rss_before_mib = mib(rss_bytes());
    let reset = reset_peak_rss();
    let today = NaiveDate::from_ymd_opt(2026, 7, 1).context("date")?;
    let report = generate_and_store(
        &store,
        &bundle.policy,
        &bundle.regions,
        &PopulationOptions {
            trainees: args.trainees,
            seed: SEED,
            today,
        },
        args.courses,
        generate_start(),
        None,
        false,
        "bench",
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let peak_mib = if reset { mib(peak_rss_bytes()) } else { f64::NAN };
    let rows = store.population().counts().await?;
    anyhow::ensure!(
        rows == report.written,
        "rows read back {rows:?} differ from written {:?}",
        report.written
    );
    store.close().await;
    let unbalanced = unbalanced_cohorts(url).await?;
    anyhow::ensure!(
        unbalanced == 0,
        "{unbalanced} cohorts whose seats disagree with their seat-holders"
    );
    Ok(Run {
        catalogue,
        read: report.catalogue_time,
        generate: report.generate_time,
        store: report.store_time,
        peak_mib,
        rss_before_mib,
        rows,
    })
}

impl Run {
    /// What `aiup generate population` does over a stored catalogue: read it, generate, store.
    fn population_total(&self) -> Duration {
        self.read + self.generate + self.store
    }
}

/// Cohorts whose `taken` exceeds `seats` or differs from their accepted and in-training count
/// (no seat oversold, none lost).
async fn unbalanced_cohorts(url: &str) -> anyhow::Result<i64> {
    const SQL: &str = "SELECT COUNT(*) FROM cohort_seats s WHERE s.taken > s.seats OR s.taken <> \
        (SELECT COUNT(*) FROM enrolments e WHERE e.course_id = s.course_id AND e.cohort_ordinal = s.cohort_ordinal \
        AND e.status IN ('accepted', 'in_training'))";
    Ok(if url.starts_with("sqlite") {
        let pool = sqlx::SqlitePool::connect(url).await?;
        let n = sqlx::query_scalar(SQL).fetch_one(&pool).await?;
        pool.close().await;
        n
    } else {
        let pool = sqlx::PgPool::connect(url).await?;
        let n = sqlx::query_scalar(SQL).fetch_one(&pool).await?;
        pool.close().await;
        n
    })
}

fn median_by<T: Clone>(runs: &[T], key: impl Fn(&T) -> f64) -> f64 {
    let mut values: Vec<f64> = runs.iter().map(key).collect();
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn report(name: &str, runs: &[Run]) {
    println!("\n{name}: {} runs", runs.len());
    println!("  run  catalogue s  read s  generate s  store s  population s  peak MiB  rss before MiB");
    for (i, r) in runs.iter().enumerate() {
        println!(
            "  {:>3}  {:>11.2}  {:>6.2}  {:>10.2}  {:>7.2}  {:>12.2}  {:>8.0}  {:>14.0}",
            i + 1,
            r.catalogue.as_secs_f64(),
            r.read.as_secs_f64(),
            r.generate.as_secs_f64(),
            r.store.as_secs_f64(),
            r.population_total().as_secs_f64(),
            r.peak_mib,
            r.rss_before_mib
        );
    }
    println!(
        "  median: population (read + generate + store) {:.2} s, generate {:.2} s, store {:.2} s, peak {:.0} MiB",
        median_by(runs, |r| r.population_total().as_secs_f64()),
        median_by(runs, |r| r.generate.as_secs_f64()),
        median_by(runs, |r| r.store.as_secs_f64()),
        median_by(runs, |r| r.peak_mib)
    );
    let rows = &runs[0].rows;
    println!(
        "  rows: people {}, card_accounts {}, card_entries {}, diagnosis_runs {}, \
         diagnosis_results {}, enrolments {}, enrolment_events {}, cohort_seats {} (total {})",
        rows.people,
        rows.card_accounts,
        rows.card_entries,
        rows.diagnosis_runs,
        rows.diagnosis_results,
        rows.enrolments,
        rows.enrolment_events,
        rows.cohort_seats,
        rows.total()
    );
    if runs.iter().any(|r| r.rows != *rows) {
        println!("  WARNING: the runs wrote different rows");
    }
}

fn database_url(admin: &str, name: &str) -> anyhow::Result<String> {
    match admin.rsplit_once('/') {
        Some((base, _)) => Ok(format!("{base}/{name}")),
        None => anyhow::bail!("the PostgreSQL URL needs a database path"),
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    println!(
        "population benchmark: {} trainees over {} courses, seed {SEED}, seen on 2026-07-01",
        args.trainees, args.courses
    );
    if matches!(args.backend.as_str(), "sqlite" | "both") {
        let mut runs = Vec::new();
        for _ in 0..args.repeat.max(1) {
            let dir = tempfile::tempdir()?;
            let url = format!("sqlite://{}", dir.path().join("bench.sqlite3").display());
            runs.push(one_run(&url, &args).await?);
        }
        report("SQLite (file, WAL)", &runs);
    }
    if matches!(args.backend.as_str(), "postgres" | "both") {
        let mut runs = Vec::new();
        for i in 0..args.repeat.max(1) {
            let name = format!("aiup_population_bench_{}_{i}", std::process::id());
            let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&args.postgres)
                .await
                .with_context(|| format!("PostgreSQL is not reachable at {}", args.postgres))?;
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut admin)
                .await?;
            let result = one_run(&database_url(&args.postgres, &name)?, &args).await;
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin)
                .await?;
            runs.push(result?);
        }
        report("PostgreSQL", &runs);
    }
    Ok(())
}
