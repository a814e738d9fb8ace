//! PostgreSQL backend.
//!
//! Every write transaction first takes a transaction-scoped advisory lock for the data it
//! changes (regions, policy, catalogue, accounts), so concurrent imports and activations are
//! serialised and the "exactly one active version" index can never be violated by a race.
//! Reads that need several statements run in a `REPEATABLE READ READ ONLY` transaction.

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Pool, Postgres, Transaction};

use crate::shared::{Dialect, Lock, SqlStore};
use crate::{Backend, StoreError};

mod audit;
mod catalogue;
mod population;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

const MAX_CONNECTIONS: u32 = 8;

/// The advisory lock key (transaction scoped) of `lock`: "aiup" in ASCII, then a small
/// discriminator.
fn lock_key(lock: Lock) -> Option<i64> {
    match lock {
        Lock::Regions => Some(0x6169_7570_0001),
        Lock::Policy => Some(0x6169_7570_0002),
        Lock::Catalogue => Some(0x6169_7570_0003),
        Lock::Accounts => Some(0x6169_7570_0004),
        Lock::People => Some(0x6169_7570_0005),
        Lock::Payroll => Some(0x6169_7570_0006),
        Lock::SmeFirms => Some(0x6169_7570_0007),
        Lock::SmeCases => Some(0x6169_7570_0008),
        Lock::Academy => Some(0x6169_7570_0011),
        Lock::Outcomes => Some(0x6169_7570_0018),
        // Numbered after the reforms' migration (0019), clear of other aggregates' numbers.
        Lock::Reforms => Some(0x6169_7570_0019),
        Lock::RowLevel => None,
    }
}

impl Dialect for Postgres {
    const BACKEND: Backend = Backend::Postgres;

    async fn begin_write(pool: &Pool<Postgres>, lock: Lock) -> Result<Transaction<'static, Postgres>, StoreError> {
        let mut tx = pool.begin().await?;
        if let Some(key) = lock_key(lock) {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(key)
                .execute(&mut *tx)
                .await?;
        }
        Ok(tx)
    }

    async fn begin_read(pool: &Pool<Postgres>) -> Result<Transaction<'static, Postgres>, StoreError> {
        Ok(pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await?)
    }

    fn rows_affected(result: &<Postgres as sqlx::Database>::QueryResult) -> u64 {
        result.rows_affected()
    }
}

/// Connects to the database named by a `postgres://` / `postgresql://` URL. Does not migrate;
/// [`crate::connect`] does.
pub(crate) async fn connect(url: &str) -> Result<SqlStore<Postgres>, StoreError> {
    let options = PgConnectOptions::from_str(url)?.application_name("aiup");
    let pool = PgPoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        .connect_with(options)
        .await?;
    Ok(SqlStore::new(pool))
}

/// Applies the embedded migrations (sqlx serialises concurrent migrators with an advisory
/// lock).
pub(crate) async fn migrate(store: &SqlStore<Postgres>) -> Result<(), StoreError> {
    MIGRATOR.run(&store.pool).await?;
    Ok(())
}
