//! The SQL both backends run, written once and generic over the sqlx database.
//!
//! [`SqlStore<DB>`] implements every aggregate trait for any `DB` that implements [`Dialect`]
//! (the few things that really differ: how a write transaction starts and a handful of
//! statements); `sqlite/` and `postgres/` implement `Dialect` for their database. Statements use
//! `$1`-style parameters, which both drivers accept, and `TRUE`/`FALSE`, which both databases
//! understand.
//!
//! Every generic item repeats one `where` clause (Rust does not imply such bounds from a
//! trait); it says "`DB` is a dialect whose connections execute queries and whose rows decode
//! the column types below":
//!
//! ```text
//! DB: Dialect,
//! for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
//! for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
//! for<'r> &'r str: ColumnIndex<DB::Row>,
//! usize: ColumnIndex<DB::Row>,
//! String: Col<DB>, i64: Col<DB>, bool: Col<DB>, DateTime<Utc>: Col<DB>, NaiveDate: Col<DB>,
//! ```

use std::fmt;
use std::future::Future;

use chrono::{DateTime, SubsecRound, Utc};
use sqlx::{Decode, Encode, Executor, IntoArguments, Pool, Transaction, Type};
use tracing::Instrument;

use crate::{Backend, StoreError};

pub(crate) mod academy;
pub(crate) mod accounts;
pub(crate) mod attendance;
pub(crate) mod audit;
pub(crate) mod cards;
pub(crate) mod catalogue;
pub(crate) mod dashboard_reports;
pub(crate) mod diagnosis;
pub(crate) mod enrolment_reports;
pub(crate) mod enrolments;
pub(crate) mod outcomes;
pub(crate) mod payroll;
pub(crate) mod people;
pub(crate) mod policy;
pub(crate) mod population;
pub(crate) mod reforms;
pub(crate) mod region_reports;
pub(crate) mod regions;
pub(crate) mod sites;
pub(crate) mod sme_diagnosis;
pub(crate) mod sme_firms;
pub(crate) mod sme_survey;
pub(crate) mod sme_visits;

/// A column type that both backends bind and read back.
pub(crate) trait Col<DB: sqlx::Database>:
    for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB> + Type<DB> + Send + Sync
{
}

impl<DB, T> Col<DB> for T
where
    DB: sqlx::Database,
    T: for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB> + Type<DB> + Send + Sync,
{
}

/// Which data a write transaction changes. SQLite serialises every writer on its one write
/// lock; PostgreSQL serialises the writers of the same data with a transaction-scoped advisory
/// lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lock {
    Regions,
    Policy,
    Catalogue,
    Accounts,
    People,
    /// Payroll runs and the ledger's head: runs are created and cancelled one at a time.
    Payroll,
    /// The SME registry: centres, firms and partner participations.
    SmeFirms,
    /// SME visits, diagnoses, prescriptions and survey answers.
    SmeCases,
    /// The instructor academy (instructors, completions) and the training sites.
    Academy,
    /// Outcome imports: employment, startup and outside-figure records.
    Outcomes,
    /// Reform drafts and the reform basis.
    Reforms,
    /// No advisory lock on PostgreSQL: the transaction's statements lock the rows they change
    /// (conditional `UPDATE … WHERE seats/balance suffice`, `SELECT … FOR UPDATE`), so work on
    /// different cohorts or cards runs in parallel. SQLite still serialises every writer.
    RowLevel,
}

/// What really differs between the backends.
pub(crate) trait Dialect:
    sqlx::Database + audit::AuditSql + catalogue::CatalogueSql + population::PopulationSql
{
    const BACKEND: Backend;

    /// Starts a write transaction that holds the write lock for `lock`'s data.
    fn begin_write(
        pool: &Pool<Self>,
        lock: Lock,
    ) -> impl Future<Output = Result<Transaction<'static, Self>, StoreError>> + Send;

    /// Starts a read-only transaction whose statements all see one snapshot.
    fn begin_read(pool: &Pool<Self>) -> impl Future<Output = Result<Transaction<'static, Self>, StoreError>> + Send;

    /// How many rows a statement changed.
    fn rows_affected(result: &Self::QueryResult) -> u64;
}

/// Every aggregate's store over one pool of `DB`.
pub(crate) struct SqlStore<DB: sqlx::Database> {
    pub(crate) pool: Pool<DB>,
}

impl<DB: sqlx::Database> SqlStore<DB> {
    pub(crate) fn new(pool: Pool<DB>) -> SqlStore<DB> {
        SqlStore { pool }
    }
}

impl<DB: sqlx::Database> Clone for SqlStore<DB> {
    fn clone(&self) -> Self {
        SqlStore {
            pool: self.pool.clone(),
        }
    }
}

impl<DB: Dialect> fmt::Debug for SqlStore<DB> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlStore")
            .field("backend", &DB::BACKEND)
            .field("connections", &self.pool.size())
            .field("idle", &self.pool.num_idle())
            .finish()
    }
}

impl<DB> SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
{
    /// `SELECT 1`.
    pub(crate) async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

/// Runs `work` on its own task and waits for it.
///
/// A store operation that opens a transaction runs this way, so that dropping the caller's
/// future (a client that went away) cannot interrupt it between `BEGIN` and `COMMIT` or
/// `ROLLBACK`: sqlx 0.8's `Pool::begin` is not cancel-safe (launchbadge/sqlx#4393), and a
/// future dropped while `BEGIN` is in flight returns its connection to the pool inside an open
/// transaction, where every later user of the connection reads a stale snapshot. A detached
/// task always finishes, and its transaction commits or rolls back.
pub(crate) async fn detached<T, F>(work: F) -> Result<T, StoreError>
where
    T: Send + 'static,
    F: Future<Output = Result<T, StoreError>> + Send + 'static,
{
    match tokio::spawn(work.in_current_span()).await {
        Ok(result) => result,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        // Only when the runtime shuts down.
        Err(_) => Err(StoreError::Database(sqlx::Error::PoolClosed)),
    }
}

/// The current time as both backends store it (microseconds; PostgreSQL keeps no more).
pub(crate) fn now() -> DateTime<Utc> {
    stored_time(Utc::now())
}

/// `at` as both backends store it (microseconds).
pub(crate) fn stored_time(at: DateTime<Utc>) -> DateTime<Utc> {
    at.trunc_subsecs(6)
}

/// Whether `e` is a unique-constraint violation.
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// Negative limits mean "none".
pub(crate) fn clamp_limit(limit: i64) -> i64 {
    limit.max(0)
}

/// Sorts `rows` against the `stored` records with the same key: counts each as created, updated
/// or unchanged, and returns the rows to write (the created and updated ones, in order).
pub(crate) fn upserts<'r, R: PartialEq>(
    rows: &'r [R],
    stored: &std::collections::HashMap<String, R>,
    key: impl Fn(&R) -> &str,
) -> (crate::UpsertSummary, Vec<&'r R>) {
    let mut summary = crate::UpsertSummary::default();
    let mut writes = Vec::new();
    for r in rows {
        match stored.get(key(r)) {
            Some(old) if old == r => summary.unchanged += 1,
            Some(_) => {
                summary.updated += 1;
                writes.push(r);
            }
            None => {
                summary.created += 1;
                writes.push(r);
            }
        }
    }
    (summary, writes)
}

/// The placeholders of a multi-row `VALUES` list: `rows` rows of `columns` values each,
/// numbered from `$1` (`($1, $2), ($3, $4)`).
pub(crate) fn placeholders(rows: usize, columns: usize) -> String {
    let mut sql = String::with_capacity(rows * columns * 5);
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for column in 0..columns {
            if column > 0 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&(row * columns + column + 1).to_string());
        }
        sql.push(')');
    }
    sql
}

/// Rows per multi-row INSERT (well under both backends' bind-parameter limits).
pub(crate) const INSERT_CHUNK: usize = 200;
