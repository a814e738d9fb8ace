//! The policy aggregate's statements (the same on both backends).

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Executor, IntoArguments, Pool};

use super::audit::record;
use super::{detached, now, placeholders, Col, Dialect, Lock, SqlStore, INSERT_CHUNK};
use crate::{
    ImportOutcome, NewPolicyVersion, PolicyFileRecord, PolicyStore, PolicyVersionSummary, StoreError,
    ACTION_POLICY_ACTIVATE, ACTION_POLICY_IMPORT,
};

const SUMMARY_COLUMNS: &str = "v.version, v.sha256, v.imported_at, v.actor, v.note, v.active, \
     (SELECT COUNT(*) FROM policy_files f WHERE f.version_id = v.id) AS file_count";

#[derive(sqlx::FromRow)]
struct VersionRow {
    id: i64,
    version: String,
    sha256: String,
    active: bool,
}

fn version_conflict(version: &str, existing_sha: &str) -> StoreError {
    StoreError::Conflict {
        what: "policy version".to_owned(),
        key: version.to_owned(),
        reason: format!("the name is already used for different content (sha256 {existing_sha})"),
    }
}

impl<DB> SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'r> &'r str: ColumnIndex<DB::Row>,
    usize: ColumnIndex<DB::Row>,
    String: Col<DB>,
    i64: Col<DB>,
    bool: Col<DB>,
    DateTime<Utc>: Col<DB>,
    NaiveDate: Col<DB>,
{
    async fn active_version_name(conn: &mut DB::Connection) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT version FROM policy_versions WHERE active = TRUE")
                .fetch_optional(&mut *conn)
                .await?,
        )
    }

    /// Makes the version with `id` the only active one.
    async fn set_active(conn: &mut DB::Connection, id: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE policy_versions SET active = FALSE WHERE active = TRUE AND id <> $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        sqlx::query("UPDATE policy_versions SET active = TRUE WHERE id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    async fn version_where(
        conn: &mut DB::Connection,
        column: &str,
        value: &str,
    ) -> Result<Option<VersionRow>, StoreError> {
        Ok(sqlx::query_as::<_, VersionRow>(&format!(
            "SELECT id, version, sha256, active FROM policy_versions WHERE {column} = $1"
        ))
        .bind(value.to_owned())
        .fetch_optional(&mut *conn)
        .await?)
    }

    async fn import_version(pool: Pool<DB>, v: NewPolicyVersion) -> Result<ImportOutcome, StoreError> {
        let mut tx = DB::begin_write(&pool, Lock::Policy).await?;
        if let Some(existing) = Self::version_where(&mut tx, "sha256", &v.sha256).await? {
            if !existing.active {
                let previous = Self::active_version_name(&mut tx).await?;
                Self::set_active(&mut tx, existing.id).await?;
                let detail = serde_json::json!({
                    "sha256": existing.sha256,
                    "via": "import",
                    "before": { "active": previous },
                    "after": { "active": existing.version },
                });
                record::<DB>(&mut tx, &v.actor, ACTION_POLICY_ACTIVATE, &existing.version, detail).await?;
                tx.commit().await?;
                tracing::info!(version = %existing.version, "policy version re-activated by import");
            }
            return Ok(ImportOutcome::Unchanged);
        }
        if let Some(same_name) = Self::version_where(&mut tx, "version", &v.version).await? {
            return Err(version_conflict(&v.version, &same_name.sha256));
        }

        let previous = Self::active_version_name(&mut tx).await?;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO policy_versions (version, sha256, imported_at, actor, note, active) \
             VALUES ($1, $2, $3, $4, $5, FALSE) ON CONFLICT (sha256) DO NOTHING RETURNING id",
        )
        .bind(&v.version)
        .bind(&v.sha256)
        .bind(now())
        .bind(&v.actor)
        .bind(&v.note)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = id else {
            // Unreachable while writers hold the policy write lock, but a lost race is "already
            // stored", not an error.
            return Ok(ImportOutcome::Unchanged);
        };
        for chunk in v.files.chunks(INSERT_CHUNK) {
            let sql = format!(
                "INSERT INTO policy_files (version_id, path, content) VALUES {}",
                placeholders(chunk.len(), 3)
            );
            let mut insert = sqlx::query(&sql);
            for f in chunk {
                insert = insert.bind(id).bind(&f.path).bind(&f.content);
            }
            insert.execute(&mut *tx).await?;
        }
        Self::set_active(&mut tx, id).await?;
        let detail = serde_json::json!({
            "sha256": v.sha256,
            "files": v.files.len(),
            "note": v.note,
            "before": { "active": previous },
            "after": { "active": v.version },
        });
        record::<DB>(&mut tx, &v.actor, ACTION_POLICY_IMPORT, &v.version, detail).await?;
        tx.commit().await?;
        tracing::info!(version = %v.version, sha256 = %v.sha256, files = v.files.len(), "policy version imported");
        Ok(ImportOutcome::Imported)
    }

    async fn read_active(pool: Pool<DB>) -> Result<Option<(PolicyVersionSummary, Vec<PolicyFileRecord>)>, StoreError> {
        let mut tx = DB::begin_read(&pool).await?;
        let id: Option<i64> = sqlx::query_scalar("SELECT id FROM policy_versions WHERE active = TRUE")
            .fetch_optional(&mut *tx)
            .await?;
        let Some(id) = id else {
            return Ok(None);
        };
        let summary = sqlx::query_as::<_, PolicyVersionSummary>(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM policy_versions v WHERE v.id = $1"
        ))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let files = sqlx::query_as::<_, PolicyFileRecord>(
            "SELECT path, content FROM policy_files WHERE version_id = $1 ORDER BY path",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some((summary, files)))
    }

    async fn activate_version(pool: Pool<DB>, version: String, actor: String) -> Result<(), StoreError> {
        let mut tx = DB::begin_write(&pool, Lock::Policy).await?;
        let Some(target) = Self::version_where(&mut tx, "version", &version).await? else {
            return Err(StoreError::NotFound {
                what: "policy version".to_owned(),
                key: version,
            });
        };
        let previous = Self::active_version_name(&mut tx).await?;
        Self::set_active(&mut tx, target.id).await?;
        let detail = serde_json::json!({
            "sha256": target.sha256,
            "was_active": target.active,
            "before": { "active": previous },
            "after": { "active": target.version },
        });
        record::<DB>(&mut tx, &actor, ACTION_POLICY_ACTIVATE, &target.version, detail).await?;
        tx.commit().await?;
        tracing::info!(version = %target.version, actor, "policy version activated");
        Ok(())
    }
}

#[async_trait]
impl<DB> PolicyStore for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'r> &'r str: ColumnIndex<DB::Row>,
    usize: ColumnIndex<DB::Row>,
    String: Col<DB>,
    i64: Col<DB>,
    bool: Col<DB>,
    DateTime<Utc>: Col<DB>,
    NaiveDate: Col<DB>,
{
    async fn import(&self, v: &NewPolicyVersion) -> Result<ImportOutcome, StoreError> {
        detached(Self::import_version(self.pool.clone(), v.clone())).await
    }

    async fn active(&self) -> Result<Option<(PolicyVersionSummary, Vec<PolicyFileRecord>)>, StoreError> {
        detached(Self::read_active(self.pool.clone())).await
    }

    async fn files_of(&self, version: &str) -> Result<Option<Vec<PolicyFileRecord>>, StoreError> {
        let id: Option<i64> = sqlx::query_scalar("SELECT id FROM policy_versions WHERE version = $1")
            .bind(version.to_owned())
            .fetch_optional(&self.pool)
            .await?;
        let Some(id) = id else {
            return Ok(None);
        };
        Ok(Some(
            sqlx::query_as::<_, PolicyFileRecord>(
                "SELECT path, content FROM policy_files WHERE version_id = $1 ORDER BY path",
            )
            .bind(id)
            .fetch_all(&self.pool)
            .await?,
        ))
    }

    async fn versions(&self) -> Result<Vec<PolicyVersionSummary>, StoreError> {
        Ok(sqlx::query_as::<_, PolicyVersionSummary>(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM policy_versions v ORDER BY v.id DESC"
        ))
        .fetch_all(&self.pool)
        .await?)
    }

    async fn activate(&self, version: &str, actor: &str) -> Result<(), StoreError> {
        detached(Self::activate_version(
            self.pool.clone(),
            version.to_owned(),
            actor.to_owned(),
        ))
        .await
    }
}
