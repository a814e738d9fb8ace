//! SQLite backend.
//!
//! Writes run in `BEGIN IMMEDIATE` transactions, so concurrent writers queue on SQLite's write
//! lock for at most the busy timeout (then [`StoreError::Busy`]) instead of failing on a
//! read-to-write lock upgrade. Opening and migrating a database file happen under an exclusive
//! lock on a file beside it (`<database>-migrate.lock`), so processes that start together on a
//! fresh file do not race on the migrations.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, Instant};

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{Pool, Sqlite, Transaction};

use crate::shared::{Dialect, Lock, SqlStore};
use crate::{Backend, StoreError};

mod audit;
mod catalogue;
mod population;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

const MAX_CONNECTIONS: u32 = 4;

/// How long a writer waits for SQLite's lock before it gives up with [`StoreError::Busy`].
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How long opening or migrating waits for another process's migration.
const MIGRATE_LOCK_TIMEOUT: Duration = Duration::from_secs(60);

impl Dialect for Sqlite {
    const BACKEND: Backend = Backend::Sqlite;

    async fn begin_write(pool: &Pool<Sqlite>, _lock: Lock) -> Result<Transaction<'static, Sqlite>, StoreError> {
        Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    async fn begin_read(pool: &Pool<Sqlite>) -> Result<Transaction<'static, Sqlite>, StoreError> {
        // A deferred transaction reads one snapshot (WAL) and takes no write lock.
        Ok(pool.begin().await?)
    }

    fn rows_affected(result: &<Sqlite as sqlx::Database>::QueryResult) -> u64 {
        result.rows_affected()
    }
}

/// Opens (creating if missing) the database named by a `sqlite:` URL. Does not migrate;
/// [`crate::connect`] does.
pub(crate) async fn connect(url: &str, busy_timeout: Duration) -> Result<SqlStore<Sqlite>, StoreError> {
    let options = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .foreign_keys(true)
        .busy_timeout(busy_timeout);
    let pool = if is_in_memory(url) {
        // Every connection of an in-memory database must stay open or the data is lost; one
        // connection also avoids shared-cache table locks.
        SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await?
    } else {
        let options = options.journal_mode(SqliteJournalMode::Wal);
        let file = options.get_filename().to_path_buf();
        if let Some(parent) = file.parent() {
            if !parent.as_os_str().is_empty() && !parent.exists() {
                tokio::fs::create_dir_all(parent)
                    .await
                    .map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
            }
        }
        // The first connection creates the file and switches it to WAL, which needs the
        // database lock: serialise it with other processes that open or migrate the file.
        let _lock = MigrateLock::acquire(&file).await?;
        SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .connect_with(options)
            .await?
    };
    Ok(SqlStore::new(pool))
}

fn is_in_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}

/// Applies the embedded migrations, holding the migration lock of a database file.
pub(crate) async fn migrate(store: &SqlStore<Sqlite>) -> Result<(), StoreError> {
    let options = store.pool.connect_options();
    let file = options.get_filename();
    // `sqlite::memory:` databases are private to this pool: nothing to serialise.
    let in_memory = file.to_string_lossy().starts_with("file:sqlx-in-memory-");
    let _lock = if in_memory {
        None
    } else {
        Some(MigrateLock::acquire(file).await?)
    };
    MIGRATOR.run(&store.pool).await?;
    Ok(())
}

/// An exclusive advisory lock (`flock`) on `<database>-migrate.lock`. The file is left in
/// place: deleting a lock file races with the next process that opens it.
#[derive(Debug)]
struct MigrateLock {
    file: File,
}

impl MigrateLock {
    fn path(database: &Path) -> PathBuf {
        let mut name = database.as_os_str().to_owned();
        name.push("-migrate.lock");
        PathBuf::from(name)
    }

    /// Waits (polling, off the runtime's threads) for the lock, for at most
    /// [`MIGRATE_LOCK_TIMEOUT`].
    async fn acquire(database: &Path) -> Result<MigrateLock, StoreError> {
        let path = MigrateLock::path(database);
        let io = |e: std::io::Error| StoreError::Database(sqlx::Error::Io(e));
        tokio::task::spawn_blocking(move || {
            let file = OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(io)?;
            let deadline = Instant::now() + MIGRATE_LOCK_TIMEOUT;
            loop {
                if fs4::fs_std::FileExt::try_lock_exclusive(&file).map_err(io)? {
                    return Ok(MigrateLock { file });
                }
                if Instant::now() >= deadline {
                    return Err(StoreError::Busy {
                        what: format!("another process is migrating the database ({})", path.display()),
                    });
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        })
        .await
        .map_err(|e| io(std::io::Error::other(e)))?
    }
}

impl Drop for MigrateLock {
    fn drop(&mut self) {
        // Closing the file releases the lock too; unlocking first makes it immediate.
        let _ = fs4::fs_std::FileExt::unlock(&self.file);
    }
}
