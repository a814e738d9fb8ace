//! Test support (feature `testing`): the conformance suite every backend must pass (one module
//! per aggregate), harnesses that provide fresh SQLite and PostgreSQL databases, and raw SQL
//! for tests that must go around the store.
//!
//! ```no_run
//! # async fn demo() {
//! let (db, _dir) = aiup_store::testing::sqlite_test_db().await;
//! aiup_store::testing::run_conformance(db).await;
//!
//! if let Some(pg) = aiup_store::testing::postgres_test_url().await {
//!     let db = aiup_store::connect(pg.url()).await.unwrap();
//!     aiup_store::testing::run_conformance(db).await;
//! }
//! # }
//! ```
#![allow(clippy::print_stderr)] // the harness's notices are meant to be loud

use std::time::Duration;

use crate::{AuditEvent, AuditFilter, Backend, Backends, Database, StoreError};

/// Runs one check under a [`CheckGuard`].
macro_rules! check {
    ($db:expr, $name:ident) => {{
        let guard = $crate::testing::CheckGuard::new($db.backend(), stringify!($name));
        $name($db).await;
        guard.passed();
    }};
}
mod academy;
mod accounts;
pub(crate) mod attendance;
mod audit;
mod cards;
mod catalogue;
mod dashboard_reports;
mod diagnosis;
pub mod enrolment_reports;
mod enrolments;
mod harness;
mod outcomes;
mod payroll;
mod people;
mod policy;
mod population;
mod reforms;
mod region_reports;
mod regions;
mod sites;
mod sme_diagnosis;
mod sme_firms;
mod sme_survey;
mod sme_visits;

pub use harness::{postgres_test_url, with_database, PostgresTestDb, POSTGRES_URL_ENV};

/// The conformance checks, by aggregate, in the order [`run_conformance`] runs them.
pub const CHECKS: &[(&str, &[&str])] = &[
    ("database", &["migrate_is_idempotent", "ping_answers"]),
    ("regions", regions::CHECKS),
    ("policy", policy::CHECKS),
    ("audit", audit::CHECKS),
    ("catalogue", catalogue::CHECKS),
    ("accounts", accounts::CHECKS),
    ("cards", cards::CHECKS),
    ("people", people::CHECKS),
    ("population", population::CHECKS),
    ("enrolment_reports", enrolment_reports::CHECKS),
    ("diagnosis", diagnosis::CHECKS),
    ("enrolments", enrolments::CHECKS),
    ("attendance", attendance::CHECKS),
    ("payroll", payroll::CHECKS),
    ("sme_firms", sme_firms::CHECKS),
    ("sme_survey", sme_survey::CHECKS),
    ("sme_visits", sme_visits::CHECKS),
    ("sme_diagnosis", sme_diagnosis::CHECKS),
    ("region_reports", region_reports::CHECKS),
    ("dashboard_reports", dashboard_reports::CHECKS),
    ("academy", academy::CHECKS),
    ("sites", sites::CHECKS),
    ("outcomes", outcomes::CHECKS),
    ("reforms", reforms::CHECKS),
];

/// Runs every conformance check, aggregate by aggregate, against `db`, which must be FRESH
/// (migrated, no data). Panics with the backend and check name on the first failure.
pub async fn run_conformance(db: Database) {
    let db = &db;
    check!(db, migrate_is_idempotent);
    check!(db, ping_answers);
    regions::run(db).await;
    policy::run(db).await;
    audit::run(db).await;
    catalogue::run(db).await;
    accounts::run(db).await;
    cards::run(db).await;
    people::run(db).await;
    population::run(db).await;
    enrolment_reports::run(db).await;
    diagnosis::run(db).await;
    enrolments::run(db).await;
    attendance::run(db).await;
    payroll::run(db).await;
    sme_firms::run(db).await;
    sme_survey::run(db).await;
    sme_visits::run(db).await;
    sme_diagnosis::run(db).await;
    region_reports::run(db).await;
    dashboard_reports::run(db).await;
    academy::run(db).await;
    sites::run(db).await;
    outcomes::run(db).await;
    reforms::run(db).await;
    let count: usize = CHECKS.iter().map(|(_, checks)| checks.len()).sum();
    tracing::info!(backend = %db.backend(), checks = count, "store conformance passed");
}

/// Runs only the attendance and payroll checks against `db` (fresh, migrated): what
/// [`run_conformance`] ends with, for a quick run of those aggregates alone.
pub async fn run_attendance_and_payroll_conformance(db: Database) {
    let db = &db;
    attendance::run(db).await;
    payroll::run(db).await;
}

/// Names the failing check and backend if a check panics.
struct CheckGuard {
    backend: Backend,
    name: &'static str,
    done: bool,
}

impl CheckGuard {
    fn new(backend: Backend, name: &'static str) -> Self {
        debug_assert!(
            CHECKS.iter().any(|(_, checks)| checks.contains(&name)),
            "{name} missing from CHECKS"
        );
        Self {
            backend,
            name,
            done: false,
        }
    }

    fn passed(mut self) {
        self.done = true;
        tracing::debug!(backend = %self.backend, check = self.name, "conformance check passed");
    }
}

impl Drop for CheckGuard {
    fn drop(&mut self) {
        if !self.done {
            eprintln!(
                "STORE CONFORMANCE FAILURE: check `{}` failed on backend `{}`",
                self.name, self.backend
            );
        }
    }
}

async fn migrate_is_idempotent(db: &Database) {
    db.migrate().await.expect("first migrate on a fresh database");
    db.migrate().await.expect("second migrate must be a no-op");
    assert!(db.regions().current().await.expect("regions").is_none());
}

async fn ping_answers(db: &Database) {
    db.ping().await.expect("ping");
    let shown = format!("{db:?}");
    assert!(shown.contains(&format!("{:?}", db.backend())), "{shown}");
}

// ---------------------------------------------------------------------------------------------
// Helpers shared by the aggregates' checks
// ---------------------------------------------------------------------------------------------

/// A deterministic 64-hex-digit stand-in for a sha256.
pub fn fake_sha(tag: &str) -> String {
    let mut out = String::with_capacity(64);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for round in 0u8..4 {
        for b in tag.bytes().chain([round]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        out.push_str(&format!("{h:016x}"));
    }
    out
}

/// The id of the newest audit event (0 if none): events after it are "new".
async fn audit_mark(db: &Database) -> i64 {
    db.audit()
        .events(&AuditFilter::newest(1))
        .await
        .expect("audit events")
        .first()
        .map_or(0, |e| e.id)
}

/// Events recorded after `mark`, oldest first.
async fn events_after(db: &Database, mark: i64) -> Vec<AuditEvent> {
    let mut events: Vec<AuditEvent> = db
        .audit()
        .events(&AuditFilter::newest(10_000))
        .await
        .expect("audit events")
        .into_iter()
        .filter(|e| e.id > mark)
        .collect();
    events.reverse();
    events
}

#[track_caller]
fn assert_event(e: &AuditEvent, action: &str, actor: &str, subject: &str) {
    assert_eq!(
        (e.action.as_str(), e.actor.as_str(), e.subject.as_str()),
        (action, actor, subject),
        "unexpected audit event {e:?}"
    );
    assert!(e.detail.is_object(), "audit detail should be a JSON object: {e:?}");
    assert_eq!(
        e.seoul_date,
        crate::seoul_date(e.at),
        "seoul_date is the Seoul date of `at`: {e:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Raw SQL (tests only)
// ---------------------------------------------------------------------------------------------

/// TEST ONLY: runs one raw SQL statement around the store (e.g. to prove that the schema
/// refuses it); returns the rows it changed.
pub async fn raw_execute(db: &Database, sql: &str) -> Result<u64, StoreError> {
    Ok(match &db.inner {
        Backends::Sqlite(s) => sqlx::query(sql).execute(&s.pool).await?.rows_affected(),
        Backends::Postgres(s) => sqlx::query(sql).execute(&s.pool).await?.rows_affected(),
    })
}

/// TEST ONLY: runs a raw SQL query that returns one integer (e.g. a `count(*)`).
pub async fn raw_i64(db: &Database, sql: &str) -> Result<i64, StoreError> {
    Ok(match &db.inner {
        Backends::Sqlite(s) => sqlx::query_scalar(sql).fetch_one(&s.pool).await?,
        Backends::Postgres(s) => sqlx::query_scalar(sql).fetch_one(&s.pool).await?,
    })
}

/// TEST ONLY: runs a raw SQL query that returns one text value (e.g. a `PRAGMA`).
pub async fn raw_text(db: &Database, sql: &str) -> Result<String, StoreError> {
    Ok(match &db.inner {
        Backends::Sqlite(s) => sqlx::query_scalar(sql).fetch_one(&s.pool).await?,
        Backends::Postgres(s) => sqlx::query_scalar(sql).fetch_one(&s.pool).await?,
    })
}

// ---------------------------------------------------------------------------------------------
// SQLite harness
// ---------------------------------------------------------------------------------------------

/// A migrated database in a fresh SQLite file in a new temporary directory (in a subdirectory
/// that does not exist yet, so directory creation is exercised). Keep the directory alive as
/// long as the database.
pub async fn sqlite_test_db() -> (Database, tempfile::TempDir) {
    let dir = tempfile::Builder::new()
        .prefix("aiup-store-test-")
        .tempdir()
        .expect("create temp dir");
    let url = format!("sqlite://{}", dir.path().join("data/aiup.db").display());
    let db = crate::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("open sqlite test database {url}: {e}"));
    (db, dir)
}

/// TEST ONLY: opens and migrates a SQLite database whose writers wait at most `busy_timeout`
/// for the lock (the store's default is 5 s).
pub async fn sqlite_with_busy_timeout(url: &str, busy_timeout: Duration) -> Result<Database, StoreError> {
    let db = Database {
        inner: Backends::Sqlite(crate::sqlite::connect(url, busy_timeout).await?),
    };
    db.migrate().await?;
    Ok(db)
}
