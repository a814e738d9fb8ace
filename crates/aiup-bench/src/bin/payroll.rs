//! The monthly allowance payroll at the country's scale, on SQLite and PostgreSQL.
//!
//!     cargo run -p aiup-bench --release --bin payroll -- [--trainees 240000] [--courses 8000]
//!         [--backend sqlite|postgres|both] [--postgres URL] [--keep DIR] [--month YYYY-MM]
//!         [--per-line 2000] [--active-month YYYY-MM]
//!
//! Setup, per backend: a database with the default policy, a generated catalogue (seed 2026,
//! cohorts from 2026-01-05; with `--active-month`, every cohort in training during that month,
//! `aiup_catalogue::generate::generate_active`, so about every trainee is, and that month is the
//! one measured) and a population of `--trainees` seen on 2026-07-01 with its
//! attendance (`generate_and_store`, the code behind `aiup generate population`). With `--keep`,
//! that database is kept (SQLite `DIR/payroll-N.sqlite3`, PostgreSQL `aiup_payroll_bench_N`)
//! and reused by later runs; the payroll itself always runs on a fresh copy of it, so every run
//! starts from an empty ledger.
//!
//! Then, on the copy, with the application's clock at 2026-07-01 09:00 in Seoul:
//! 1. the storage the attendance takes (SQLite `dbstat`, PostgreSQL `pg_total_relation_size`),
//!    per recorded trainee-day, and a year at 240,000 × 250 days;
//! 2. reading every attendance month and paid sum in the payroll's id ranges, timed alone;
//! 3. the month before the measured one is paid first (the catch-up of every period closed
//!    before it), then the measured month (by default the ended month with the most trainees in
//!    training, so the most closing periods; `--active-month` when given) is run through
//!    `App::run_payroll` in a fresh process of this binary (`--same-process`: in this one): wall
//!    time, peak memory (that process's `VmHWM`), lines written (read back from the database);
//! 4. the same month again must write 0 lines;
//! 5. the alternative a programme would otherwise use, one transaction per entitlement (as in
//!    OpenSPP's per-entitlement approval): `--per-line` of the month's lines written one
//!    `create_run` each, timed and extrapolated to all the month's lines, against the
//!    whole run; and the month's lines written again in one transaction, to split the run's
//!    time into reading, computing and writing.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use aiup_app::accounts::{Actor, Role, Via};
use aiup_app::population::{generate_and_store, PopulationOptions};
use aiup_app::{App, Clock};
use aiup_bench::{generate_catalogue, generate_start, load_bundle, peak_rss_bytes, reset_peak_rss, SEED};
use aiup_people::attendance::MonthSheet;
use aiup_store::Database;
use anyhow::Context as _;
use chrono::{Datelike, Months, NaiveDate, TimeZone, Utc};
use clap::Parser;

#[derive(Debug, Parser)]
struct Args {
    #[arg(long, default_value_t = 240_000)]
    trainees: usize,
    #[arg(long, default_value_t = 8_000)]
    courses: usize,
    /// sqlite, postgres or both.
    #[arg(long, default_value = "both")]
    backend: String,
    /// The PostgreSQL server (databases are created and dropped on it).
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    postgres: String,
    /// Keep the generated database (SQLite in this folder; PostgreSQL by name) and reuse it.
    #[arg(long)]
    keep: Option<PathBuf>,
    /// The month to measure (default: the ended month with the most trainees in training).
    #[arg(long)]
    month: Option<String>,
    /// Every generated cohort in training during this month (YYYY-MM, before 2026-07-01), which
    /// is then the month measured unless --month says otherwise.
    #[arg(long)]
    active_month: Option<String>,
    /// Run the measured month in this process (by default it runs in a fresh one, so its peak
    /// memory is its own).
    #[arg(long)]
    same_process: bool,
    /// Internal: run --month on this database once and print its figures (the child process).
    #[arg(long, hide = true)]
    measure_url: Option<String>,
    /// Lines written one transaction each for the comparison (0: skip it).
    #[arg(long, default_value_t = 2_000)]
    per_line: usize,
}

/// The day the population is seen on and the payroll runs.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 7, 1).unwrap_or_default()
}

fn mib(bytes: Option<u64>) -> f64 {
    bytes.unwrap_or(0) as f64 / (1024.0 * 1024.0)
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn runner(login: &str) -> Actor {
    Actor {
        account_id: 0,
        login: login.to_owned(),
        display_name: login.to_owned(),
        role: Role::ProgrammeAdmin,
        scope: None,
        via: Via::Token { id: 0 },
    }
}

/// Raw SQL for the figures the stores do not give (sizes, counts).
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

    async fn i64(&self, sql: &str) -> anyhow::Result<i64> {
        Ok(match self {
            Raw::Sqlite(p) => sqlx::query_scalar::<_, Option<i64>>(sql).fetch_one(p).await?,
            Raw::Postgres(p) => sqlx::query_scalar::<_, Option<i64>>(sql).fetch_one(p).await?,
        }
        .unwrap_or(0))
    }

    async fn pairs(&self, sql: &str) -> anyhow::Result<Vec<(String, i64)>> {
        Ok(match self {
            Raw::Sqlite(p) => sqlx::query_as(sql).fetch_all(p).await?,
            Raw::Postgres(p) => sqlx::query_as(sql).fetch_all(p).await?,
        })
    }

    /// Bytes the attendance tables and their indexes take.
    async fn attendance_bytes(&self) -> anyhow::Result<i64> {
        match self {
            Raw::Sqlite(_) => {
                self.i64(
                    "SELECT SUM(pgsize) FROM dbstat WHERE name IN (SELECT name FROM sqlite_master \
                     WHERE tbl_name = 'attendance_months')",
                )
                .await
            }
            Raw::Postgres(_) => {
                self.i64("SELECT pg_total_relation_size('attendance_months')::bigint")
                    .await
            }
        }
    }

    async fn close(self) {
        match self {
            Raw::Sqlite(p) => p.close().await,
            Raw::Postgres(p) => p.close().await,
        }
    }
}

/// A kept database and the fresh copies the payroll runs on.
enum Place {
    Sqlite {
        kept: PathBuf,
        _dir: Option<tempfile::TempDir>,
    },
    Postgres {
        admin: String,
        kept: String,
        temporary: bool,
    },
}

fn pg_url(admin: &str, name: &str) -> anyhow::Result<String> {
    match admin.rsplit_once('/') {
        Some((base, _)) => Ok(format!("{base}/{name}")),
        None => anyhow::bail!("the PostgreSQL URL needs a database path"),
    }
}

async fn pg_admin(admin: &str) -> anyhow::Result<sqlx::PgConnection> {
    <sqlx::PgConnection as sqlx::Connection>::connect(admin)
        .await
        .with_context(|| format!("PostgreSQL is not reachable at {admin}"))
}

impl Place {
    fn kept_url(&self) -> anyhow::Result<String> {
        match self {
            Place::Sqlite { kept, .. } => Ok(format!("sqlite://{}", kept.display())),
            Place::Postgres { admin, kept, .. } => pg_url(admin, kept),
        }
    }

    /// Whether the kept database exists with a population.
    async fn populated(&self) -> anyhow::Result<bool> {
        let exists = match self {
            Place::Sqlite { kept, .. } => kept.exists(),
            Place::Postgres { admin, kept, .. } => {
                let mut conn = pg_admin(admin).await?;
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pg_database WHERE datname = $1")
                    .bind(kept)
                    .fetch_one(&mut conn)
                    .await?;
                n > 0
            }
        };
        if !exists {
            return Ok(false);
        }
        let raw = Raw::open(&self.kept_url()?).await?;
        let n = raw.i64("SELECT COUNT(*) FROM attendance_months").await.unwrap_or(0);
        raw.close().await;
        Ok(n > 0)
    }

    async fn create_kept(&self) -> anyhow::Result<()> {
        if let Place::Postgres { admin, kept, .. } = self {
            let mut conn = pg_admin(admin).await?;
            sqlx::query(&format!("DROP DATABASE IF EXISTS {kept} WITH (FORCE)"))
                .execute(&mut conn)
                .await?;
            sqlx::query(&format!("CREATE DATABASE {kept}"))
                .execute(&mut conn)
                .await?;
        }
        Ok(())
    }

    /// A fresh copy of the kept database; returns its URL.
    async fn copy(&self, dir: &Path) -> anyhow::Result<String> {
        match self {
            Place::Sqlite { kept, .. } => {
                let copy = dir.join("payroll-run.sqlite3");
                let raw = Raw::open(&self.kept_url()?).await?;
                if let Raw::Sqlite(p) = &raw {
                    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(p).await?;
                }
                raw.close().await;
                std::fs::copy(kept, &copy).context("copy the SQLite database")?;
                Ok(format!("sqlite://{}", copy.display()))
            }
            Place::Postgres { admin, kept, .. } => {
                let name = format!("{kept}_run");
                let mut conn = pg_admin(admin).await?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await?;
                sqlx::query(&format!("CREATE DATABASE {name} TEMPLATE {kept}"))
                    .execute(&mut conn)
                    .await?;
                pg_url(admin, &name)
            }
        }
    }

    async fn clean_up(&self) -> anyhow::Result<()> {
        if let Place::Postgres { admin, kept, temporary } = self {
            let mut conn = pg_admin(admin).await?;
            sqlx::query(&format!("DROP DATABASE IF EXISTS {kept}_run WITH (FORCE)"))
                .execute(&mut conn)
                .await?;
            if *temporary {
                sqlx::query(&format!("DROP DATABASE IF EXISTS {kept} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await?;
            }
        }
        Ok(())
    }
}

/// Tells kept databases generated with `--active-month` apart from the default ones.
fn kept_suffix(args: &Args) -> String {
    args.active_month
        .as_ref()
        .map_or_else(String::new, |m| format!("_active_{}", m.replace('-', "")))
}

/// The first day of `--active-month`, if given.
fn active_first(args: &Args) -> anyhow::Result<Option<NaiveDate>> {
    args.active_month
        .as_ref()
        .map(|m| aiup_core::date::parse_iso_date(&format!("{m}-01")).context("--active-month: YYYY-MM"))
        .transpose()
}

/// Generates and stores the catalogue, the population and its attendance.
async fn populate(url: &str, args: &Args) -> anyhow::Result<()> {
    let store = aiup_store::connect(url).await?;
    let bundle = load_bundle()?;
    aiup_app::policy::active_bundle(&store).await?;
    let started = Instant::now();
    let batch = match active_first(args)? {
        Some(month) => aiup_catalogue::generate::generate_active(
            &aiup_catalogue::generate::GenerateOptions {
                courses: args.courses,
                seed: SEED,
                start: generate_start(),
            },
            month,
            &bundle.regions,
            &bundle.policy.programmes,
        ),
        None => generate_catalogue(&bundle, args.courses),
    };
    store.catalogue().upsert(&batch, "bench").await?;
    drop(batch);
    let catalogue = started.elapsed();
    let started = Instant::now();
    let report = generate_and_store(
        &store,
        &bundle.policy,
        &bundle.regions,
        &PopulationOptions {
            trainees: args.trainees,
            seed: SEED,
            today: today(),
        },
        args.courses,
        generate_start(),
        None,
        true,
        "bench",
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let a = report.attendance.unwrap_or_default();
    println!(
        "  setup: catalogue {:.1} s; population {:.1} s ({} people, {} enrolments); attendance {:.1} s \
         (read {:.1} s, generate {:.1} s, store {:.1} s): {} enrolments, {} months, {} days; total {:.1} s",
        secs(catalogue),
        secs(report.generate_time + report.store_time + report.catalogue_time),
        report.written.people,
        report.written.enrolments,
        secs(a.read_time + a.generate_time + a.store_time),
        secs(a.read_time),
        secs(a.generate_time),
        secs(a.store_time),
        a.enrolments,
        a.months,
        a.days,
        secs(started.elapsed())
    );
    store.close().await;
    Ok(())
}

/// Reads every attendance month and paid sum in the payroll's id ranges; returns the time and
/// the recorded trainee-days.
async fn read_everything(db: &Database, until: NaiveDate) -> anyhow::Result<(Duration, Duration, u64, u64)> {
    let started = Instant::now();
    let (mut months, mut days, mut start, mut empty_ranges) = (0_u64, 0_u64, 1_i64, 0);
    let mut decode = Duration::ZERO;
    // Ids start at 1; stop after two empty ranges in a row.
    while empty_ranges < 2 {
        let end = start + aiup_app::payroll::ID_CHUNK - 1;
        let (rows, _paid) = tokio::try_join!(
            db.attendance().months_in_range(start..=end, until),
            db.payroll().paid_in_range(start..=end)
        )?;
        empty_ranges = if rows.is_empty() { empty_ranges + 1 } else { 0 };
        let decoding = Instant::now();
        for row in &rows {
            let sheet = MonthSheet::decode(&row.days)?;
            days += sheet.days().count() as u64;
        }
        decode += decoding.elapsed();
        months += rows.len() as u64;
        start = end + 1;
    }
    Ok((started.elapsed() - decode, decode, months, days))
}

/// The ended month with the most enrolments with attendance in it.
async fn busiest_month(raw: &Raw) -> anyhow::Result<String> {
    let rows = raw
        .pairs("SELECT CAST(month AS TEXT), COUNT(*) FROM attendance_months GROUP BY month ORDER BY month")
        .await?;
    let first_of_today = aiup_people::attendance::month_of(today());
    rows.iter()
        .filter_map(|(m, n)| {
            let date = aiup_core::date::parse_iso_date(&m[..10.min(m.len())]).ok()?;
            (date < first_of_today).then_some((date, *n))
        })
        .max_by_key(|(date, n)| (*n, *date))
        .map(|(date, _)| format!("{:04}-{:02}", date.year(), date.month()))
        .context("no ended month has attendance")
}

async fn app_on(url: &str) -> anyhow::Result<App> {
    let db = aiup_store::connect(url).await?;
    let loaded = aiup_app::policy::active_bundle(&db).await?;
    let engine = aiup_app::policy::engine_for(loaded)?;
    let index = aiup_search::CourseIndex::create_in_ram(aiup_app::catalogue::search_context(&engine, today()))?;
    let at = Utc
        .with_ymd_and_hms(today().year(), today().month(), today().day(), 0, 0, 0)
        .single()
        .context("instant")?;
    Ok(App::new(db, engine, index, Clock::fixed(at)))
}

/// Runs the measured month once and prints its figures; returns its wall time (seconds) and run id.
async fn measure(app: &App, raw: &Raw, month: &str) -> anyhow::Result<(f64, i64)> {
    let quiet = |_: u64, _: u64| {};
    let rss_before = mib(aiup_bench::rss_bytes());
    let reset = reset_peak_rss();
    let started = Instant::now();
    let done = app
        .run_payroll(&runner("bench-runner"), month, &quiet)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let wall = started.elapsed();
    let peak = if reset { mib(peak_rss_bytes()) } else { f64::NAN };
    let process_peak = mib(peak_rss_bytes());
    let written = raw
        .i64(&format!(
            "SELECT COUNT(*) FROM payroll_lines WHERE run_id = {}",
            done.run.id
        ))
        .await?;
    anyhow::ensure!(
        written == done.run.lines,
        "{written} lines stored, the run says {}",
        done.run.lines
    );
    let trace_sql = match raw {
        Raw::Sqlite(_) => "SELECT CAST(AVG(LENGTH(trace)) AS INTEGER) FROM payroll_lines",
        Raw::Postgres(_) => "SELECT CAST(AVG(pg_column_size(trace)) AS BIGINT) FROM payroll_lines",
    };
    let trace_bytes = raw.i64(trace_sql).await?;
    println!(
        "  RUN {month}: {:.2} s wall, peak {peak:.0} MiB, {} lines written ({} regular, {} adjustment; ₩{}), \
         {} enrolments read, {} closed periods computed, {} skipped, {} attempt(s); resident before {rss_before:.0} MiB, the process's peak since it started {process_peak:.0} MiB; \
         a line's trace {trace_bytes} bytes on average",
        secs(wall),
        done.run.lines,
        done.regular_lines,
        done.adjustment_lines,
        done.run.total_won,
        done.enrolments,
        done.periods,
        done.skipped,
        done.attempts
    );

    let t = &done.timings;
    println!(
        "  phases (RunDone::timings): catalogue {:.2} s, attendance {:.2} s, enrolments {:.2} s (compiling {:.2} s), compute {:.2} s, write {:.2} s; waited for reads {:.2} s (reads overlap computing)",
        secs(t.catalogue),
        secs(t.attendance),
        secs(t.enrolments),
        secs(t.compile),
        secs(t.compute),
        secs(t.write),
        secs(t.waited)
    );
    Ok((secs(wall), done.run.id))
}

/// The line a child process ends with: `measured: <wall seconds> <run id>`.
const MEASURED: &str = "measured:";

/// Runs the measured month in a fresh process of this binary (`--measure-url`), so its peak
/// memory is the month's own, not what the setup and the catch-up left resident.
fn measure_in_own_process(url: &str, month: &str) -> anyhow::Result<(f64, i64)> {
    let out = std::process::Command::new(std::env::current_exe()?)
        .args(["--measure-url", url, "--month", month])
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("run the measured month in its own process")?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut result = None;
    for line in text.lines() {
        match line.strip_prefix(MEASURED) {
            Some(rest) => {
                let mut parts = rest.split_whitespace();
                let wall: f64 = parts.next().context("wall")?.parse()?;
                let run: i64 = parts.next().context("run id")?.parse()?;
                result = Some((wall, run));
            }
            None => println!("{line}"),
        }
    }
    anyhow::ensure!(
        out.status.success(),
        "the measured month's process failed: {}",
        out.status
    );
    result.context("the measured month's process printed no result")
}

/// The child of [`measure_in_own_process`].
async fn measure_child(url: &str, month: &str) -> anyhow::Result<()> {
    let raw = Raw::open(url).await?;
    let app = app_on(url).await?;
    let (wall, run) = measure(&app, &raw, month).await?;
    println!("  (the month ran in its own process: peak = that process's VmHWM from start, setup of the app included)");
    println!("{MEASURED} {wall} {run}");
    raw.close().await;
    app.db().close().await;
    Ok(())
}

async fn one_backend(name: &str, place: Place, args: &Args) -> anyhow::Result<()> {
    println!("\n{name}");
    if !place.populated().await? {
        place.create_kept().await?;
        populate(&place.kept_url()?, args).await?;
    } else {
        println!("  setup: reusing {}", place.kept_url()?);
    }
    let dir = tempfile::tempdir()?;
    let url = place.copy(dir.path()).await?;
    let raw = Raw::open(&url).await?;
    let app = app_on(&url).await?;

    let month = match (&args.month, &args.active_month) {
        (Some(m), _) | (None, Some(m)) => m.clone(),
        (None, None) => busiest_month(&raw).await?,
    };
    let first = aiup_core::date::parse_iso_date(&format!("{month}-01"))?;
    let until = first
        .checked_add_months(Months::new(1))
        .and_then(|d| d.pred_opt())
        .context("month end")?;
    let previous = first.checked_sub_months(Months::new(1)).context("previous month")?;
    let previous = format!("{:04}-{:02}", previous.year(), previous.month());

    // Storage: every stored month (up to today) against the tables' bytes.
    let (_, _, rows, days) = read_everything(app.db(), today()).await?;
    let bytes = raw.attendance_bytes().await?;
    let per_row = bytes as f64 / rows.max(1) as f64;
    // A year: 240,000 trainees × 12 month rows (≈ 250 training days each).
    let year = per_row * 240_000.0 * 12.0;
    println!(
        "  attendance: {rows} month rows, {days} trainee-days, {:.1} MiB with indexes: {per_row:.0} bytes a month row, \
         {:.1} bytes a recorded trainee-day here (many rows are partial months); a year of 240,000 trainees × 12 \
         months (≈ 250 days): {:.2} GiB, {:.1} bytes a trainee-day",
        bytes as f64 / 1048576.0,
        bytes as f64 / days.max(1) as f64,
        year / 1073741824.0,
        year / (240_000.0 * 250.0)
    );
    let (read, decode, months, _) = read_everything(app.db(), until).await?;
    println!(
        "  reading {months} months up to {until} and every paid sum in ranges of {} ids: {:.2} s (+ decoding {:.2} s)",
        aiup_app::payroll::ID_CHUNK,
        secs(read),
        secs(decode)
    );

    let quiet = |_: u64, _: u64| {};
    let started = Instant::now();
    let catch_up = app
        .run_payroll(&runner("bench-runner"), &previous, &quiet)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "  catch-up {previous} (every period closed before {month}): {:.2} s, {} lines, {} periods, {} enrolments",
        secs(started.elapsed()),
        catch_up.run.lines,
        catch_up.periods,
        catch_up.enrolments
    );

    let (wall, run_id) = if args.same_process {
        measure(&app, &raw, &month).await?
    } else {
        measure_in_own_process(&url, &month)?
    };
    let wall = Duration::from_secs_f64(wall);
    let started = Instant::now();
    let again = app
        .run_payroll(&runner("bench-runner"), &month, &quiet)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "  RUN {month} again: {:.2} s, {} lines written",
        secs(started.elapsed()),
        again.run.lines
    );
    anyhow::ensure!(again.run.lines == 0, "the second run wrote {} lines", again.run.lines);

    // Where the time goes: the same lines written again in one transaction (a scratch copy).
    let lines: Vec<_> = app
        .db()
        .payroll()
        .lines(run_id, 0, 0)
        .await?
        .into_iter()
        .map(|l| l.line)
        .collect();
    let sha = app.engine().policy().sha256.clone();
    let head = app.db().payroll().last_run_id().await?;
    let started = Instant::now();
    app.db()
        .payroll()
        .create_run(&month, &sha, head, &lines, "bench-writer")
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let write = started.elapsed();
    println!(
        "  of which: reading ≈ {:.2} s, writing {} lines in one transaction {:.2} s, computing and the rest ≈ {:.2} s",
        secs(read + decode),
        lines.len(),
        secs(write),
        (secs(wall) - secs(read + decode) - secs(write)).max(0.0)
    );

    if args.per_line > 0 && !lines.is_empty() {
        let sample = &lines[..args.per_line.min(lines.len())];
        let started = Instant::now();
        for line in sample {
            let head = app.db().payroll().last_run_id().await?;
            app.db()
                .payroll()
                .create_run(&month, &sha, head, std::slice::from_ref(line), "bench-per-line")
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        let each = started.elapsed().as_secs_f64() / sample.len() as f64;
        let estimate = each * lines.len() as f64;
        println!(
            "  one transaction per line (OpenSPP-style), {} lines: {:.2} ms a line; all {} lines ≈ {:.1} s = {:.1} × the \
             whole run, {:.1} × its one-transaction write",
            sample.len(),
            each * 1000.0,
            lines.len(),
            estimate,
            estimate / secs(wall),
            estimate / secs(write).max(1e-9)
        );
    }
    raw.close().await;
    app.db().close().await;
    place.clean_up().await?;
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if let Some(url) = &args.measure_url {
        return measure_child(url, args.month.as_deref().context("--month")?).await;
    }
    println!(
        "payroll benchmark: {} trainees over {} courses, seed {SEED}, seen and paid on {} (commit {})",
        args.trainees,
        args.courses,
        today(),
        aiup_bench::git_commit()
    );
    if matches!(args.backend.as_str(), "sqlite" | "both") {
        let (kept, dir) = match &args.keep {
            Some(dir) => {
                std::fs::create_dir_all(dir)?;
                (
                    dir.join(format!("payroll-{}{}.sqlite3", args.trainees, kept_suffix(&args))),
                    None,
                )
            }
            None => {
                let dir = tempfile::tempdir()?;
                (dir.path().join("payroll.sqlite3"), Some(dir))
            }
        };
        one_backend("SQLite (file, WAL)", Place::Sqlite { kept, _dir: dir }, &args).await?;
    }
    if matches!(args.backend.as_str(), "postgres" | "both") {
        let place = Place::Postgres {
            admin: args.postgres.clone(),
            kept: match &args.keep {
                Some(_) => format!("aiup_payroll_bench_{}{}", args.trainees, kept_suffix(&args)),
                None => format!("aiup_payroll_bench_{}", std::process::id()),
            },
            temporary: args.keep.is_none(),
        };
        one_backend("PostgreSQL", place, &args).await?;
    }
    Ok(())
}
