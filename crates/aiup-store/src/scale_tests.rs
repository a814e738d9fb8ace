//! Measurements of the attendance and payroll stores at the country's size, on both backends.
//! Ignored by default (minutes, and gigabytes on PostgreSQL); run them with
//!
//! ```text
//! AIUP_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres \
//!   cargo test -p aiup-store --features testing --release scale_ -- --ignored --nocapture
//! ```
//!
//! `AIUP_SCALE_ENROLMENTS` (default 240,000) sets the number of enrolments; each has four or
//! five months (1,000,000 months at the default). They print what they measure and assert the
//! store's promises: every row written comes back, and the timings stay under generous bounds.
#![allow(clippy::print_stderr)]

use std::time::{Duration, Instant};

use chrono::NaiveDate;

use crate::testing::{postgres_test_url, raw_execute, raw_i64, sqlite_test_db};
use crate::{connect, AttendanceMonth, Backend, Database, NewPayrollLine};

/// This process's CPU time so far (user and system), from /proc (Linux); zero elsewhere.
fn cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which ends with ')'): utime and stime are the 12th and 13th.
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i)?.parse::<u64>().ok())
        .sum();
    Duration::from_millis(ticks * 10)
}

fn month(y: i32, m: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, 1).expect("month")
}

fn sheet(tag: i64) -> Vec<u8> {
    (0..373_i64).map(|i| ((i * 31) ^ tag) as u8).collect()
}

/// `n` enrolments in one statement; their first id (the ids are consecutive).
async fn enrolments(db: &Database, n: i64) -> i64 {
    crate::testing::attendance::enrolments(db, "SCALE", n).await[0]
}

/// Bytes the database holds for `table` (with its indexes).
async fn table_bytes(db: &Database, table: &str) -> i64 {
    match db.backend() {
        Backend::Postgres => {
            raw_execute(db, &format!("VACUUM ANALYZE {table}"))
                .await
                .expect("vacuum");
            raw_i64(db, &format!("SELECT pg_total_relation_size('{table}')"))
                .await
                .expect("size")
        }
        // dbstat counts the pages of the table and of its indexes.
        Backend::Sqlite => raw_i64(
            db,
            &format!(
                "SELECT CAST(SUM(pgsize) AS BIGINT) FROM dbstat \
                 WHERE name IN (SELECT name FROM sqlite_master WHERE tbl_name = '{table}')"
            ),
        )
        .await
        .unwrap_or_else(|_| {
            panic!("dbstat is needed to measure {table}");
        }),
    }
}

async fn scale(db: Database) {
    let backend = db.backend();
    let n: i64 = std::env::var("AIUP_SCALE_ENROLMENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(240_000);
    let started = Instant::now();
    let first = enrolments(&db, n).await;
    eprintln!("[{backend}] {n} enrolments inserted in {:?}", started.elapsed());

    let months: Vec<AttendanceMonth> = (first..first + n)
        .flat_map(|id| {
            let count = if id % 6 == 0 { 5 } else { 4 };
            (3..3 + count).map(move |m| AttendanceMonth {
                enrolment_id: id,
                month: month(2026, m),
                days: sheet(id + i64::from(m)),
                version: 1,
            })
        })
        .collect();
    let (started, cpu_before) = (Instant::now(), cpu());
    let written = db.attendance().load(&months, "scale").await.expect("load");
    let load = started.elapsed();
    assert_eq!(written, months.len() as u64);
    eprintln!(
        "[{backend}] load: {written} months in {load:?} (this process's CPU: {:?})",
        cpu() - cpu_before
    );
    let bytes = table_bytes(&db, "attendance_months").await;
    eprintln!(
        "[{backend}] attendance_months: {bytes} bytes, {:.0} a month row, {:.1} a calendar day (30.44 a month)",
        bytes as f64 / written as f64,
        bytes as f64 / written as f64 / 30.44
    );

    let (started, cpu_before) = (Instant::now(), cpu());
    let mut read = 0;
    let mut start = first;
    while start < first + n {
        let end = (start + 19_999).min(first + n - 1);
        read += db
            .attendance()
            .months_in_range(start..=end, month(2026, 12))
            .await
            .expect("read")
            .len();
        start = end + 1;
    }
    let read_time = started.elapsed();
    assert_eq!(read, months.len());
    eprintln!(
        "[{backend}] months_in_range: {read} months in 20,000-id slices in {read_time:?} (CPU: {:?})",
        cpu() - cpu_before
    );
    drop(months);

    let lines: Vec<NewPayrollLine> = (first..first + n)
        .map(|id| NewPayrollLine {
            enrolment_id: id,
            person_id: 1,
            period_index: 2,
            period_start: NaiveDate::from_ymd_opt(2026, 4, 2).expect("date"),
            period_end: NaiveDate::from_ymd_opt(2026, 5, 1).expect("date"),
            kind: "regular".to_owned(),
            amount_won: 316_000,
            computed_won: 316_000,
            base_won: 316_000,
            special_won: 0,
            meal_deduction_won: 0,
            scheduled_days: 21,
            recognised_days: 20,
            programme: "k_digital".to_owned(),
            institution_id: format!("INST-{}", id % 500),
            region_tier: "capital".to_owned(),
            province: "11".to_owned(),
            trace: serde_json::json!({"rule": "allowance.base", "days": [20, 21], "rate": "0.95"}),
        })
        .collect();
    let (started, cpu_before) = (Instant::now(), cpu());
    let head = db.payroll().last_run_id().await.expect("head");
    let run = db
        .payroll()
        .create_run("2026-05", "scale", head, &lines, "scale")
        .await
        .expect("create run");
    let create = started.elapsed();
    assert_eq!(run.lines, n);
    eprintln!(
        "[{backend}] create_run: {n} lines in {create:?} (CPU: {:?})",
        cpu() - cpu_before
    );
    let line_bytes = table_bytes(&db, "payroll_lines").await;
    eprintln!(
        "[{backend}] payroll_lines: {line_bytes} bytes, {:.0} a line",
        line_bytes as f64 / n as f64
    );

    let started = Instant::now();
    let mut paid = 0;
    let mut start = first;
    while start < first + n {
        let end = (start + 19_999).min(first + n - 1);
        paid += db.payroll().paid_in_range(start..=end).await.expect("paid").len();
        start = end + 1;
    }
    let paid_time = started.elapsed();
    assert_eq!(paid as i64, n);
    eprintln!("[{backend}] paid_in_range: {paid} periods in 20,000-id slices in {paid_time:?}");

    // Generous: a debug build on a shared machine.
    for (what, took, bound) in [
        ("load", load, 120),
        ("months_in_range", read_time, 60),
        ("create_run", create, 60),
        ("paid_in_range", paid_time, 30),
    ] {
        assert!(took < Duration::from_secs(bound), "{what} took {took:?}");
    }
}

/// Storage per trainee-day: 10,000 enrolments × 12 months of 373-byte sheets.
async fn footprint(db: Database) {
    let backend = db.backend();
    let (n, per) = (10_000_i64, 12_u32);
    let first = enrolments(&db, n).await;
    let months: Vec<AttendanceMonth> = (first..first + n)
        .flat_map(|id| {
            (1..=per).map(move |m| AttendanceMonth {
                enrolment_id: id,
                month: month(2026, m),
                days: sheet(id * 13 + i64::from(m)),
                version: 1,
            })
        })
        .collect();
    let written = db.attendance().load(&months, "footprint").await.expect("load");
    assert_eq!(written, (n * i64::from(per)) as u64);
    let bytes = table_bytes(&db, "attendance_months").await;
    let calendar_days: i64 = (1..=per)
        .map(|m| {
            let next = if m == 12 { month(2027, 1) } else { month(2026, m + 1) };
            (next - month(2026, m)).num_days()
        })
        .sum::<i64>()
        * n;
    eprintln!(
        "[{backend}] footprint: {n} enrolments × {per} months = {written} rows, {bytes} bytes: \
         {:.1} bytes a month row, {:.2} bytes a trainee-day (calendar day), {:.2} a training day at 21 a month",
        bytes as f64 / written as f64,
        bytes as f64 / calendar_days as f64,
        bytes as f64 / (written as f64 * 21.0)
    );
    // A 373-byte sheet a month is 12.3 bytes a calendar day; the row and index overhead must
    // stay below the sheet itself.
    assert!(
        (bytes as f64 / written as f64) < 2.0 * 373.0,
        "{bytes} bytes for {written} months"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run with --ignored (see the module docs)"]
async fn scale_footprint_sqlite() {
    let (db, _dir) = sqlite_test_db().await;
    footprint(db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run with --ignored (see the module docs)"]
async fn scale_footprint_postgres() {
    let pg = postgres_test_url().await.expect("the footprint test needs PostgreSQL");
    let db = connect(pg.url()).await.expect("connect");
    footprint(db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "minutes long; run with --ignored (see the module docs)"]
async fn scale_sqlite() {
    let (db, _dir) = sqlite_test_db().await;
    scale(db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "minutes long and gigabytes; run with --ignored (see the module docs)"]
async fn scale_postgres() {
    let pg = postgres_test_url().await.expect("the scale test needs PostgreSQL");
    let db = connect(pg.url()).await.expect("connect");
    scale(db).await;
}
