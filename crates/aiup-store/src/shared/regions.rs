//! The regions aggregate's statements (the same on both backends).

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Executor, IntoArguments, Pool};

use super::audit::record;
use super::{detached, now, placeholders, Col, Dialect, Lock, SqlStore, INSERT_CHUNK};
use crate::{
    ImportOutcome, RegionAliasRecord, RegionRecord, RegionSet, RegionStore, StoreError, ACTION_REGIONS_IMPORT,
};

const CURRENT_SHA: &str = "SELECT sha256 FROM region_sets ORDER BY id DESC LIMIT 1";

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
    Option<String>: Col<DB>,
    Option<NaiveDate>: Col<DB>,
{
    async fn replace_regions(pool: Pool<DB>, set: RegionSet, actor: String) -> Result<ImportOutcome, StoreError> {
        let mut tx = DB::begin_write(&pool, Lock::Regions).await?;
        let previous: Option<String> = sqlx::query_scalar(CURRENT_SHA).fetch_optional(&mut *tx).await?;
        if previous.as_deref() == Some(set.sha256.as_str()) {
            return Ok(ImportOutcome::Unchanged);
        }

        sqlx::query("DELETE FROM region_aliases").execute(&mut *tx).await?;
        sqlx::query("DELETE FROM regions").execute(&mut *tx).await?;
        for chunk in set.regions.chunks(INSERT_CHUNK) {
            let sql = format!(
                "INSERT INTO regions (code, sido_code, sido_name, name, kind, parent_code, capital_area, \
                 population_declining) VALUES {}",
                placeholders(chunk.len(), 8)
            );
            let mut insert = sqlx::query(&sql);
            for r in chunk {
                insert = insert
                    .bind(&r.code)
                    .bind(&r.sido_code)
                    .bind(&r.sido_name)
                    .bind(&r.name)
                    .bind(&r.kind)
                    .bind(&r.parent_code)
                    .bind(r.capital_area)
                    .bind(r.population_declining);
            }
            insert.execute(&mut *tx).await?;
        }
        for chunk in set.aliases.chunks(INSERT_CHUNK) {
            let sql = format!(
                "INSERT INTO region_aliases (alias, current_code, changed_on, note) VALUES {}",
                placeholders(chunk.len(), 4)
            );
            let mut insert = sqlx::query(&sql);
            for a in chunk {
                insert = insert
                    .bind(&a.alias)
                    .bind(&a.current_code)
                    .bind(a.changed_on)
                    .bind(&a.note);
            }
            insert.execute(&mut *tx).await?;
        }
        sqlx::query(
            "INSERT INTO region_sets (sha256, imported_at, actor, region_count, alias_count) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&set.sha256)
        .bind(now())
        .bind(&actor)
        .bind(set.regions.len() as i64)
        .bind(set.aliases.len() as i64)
        .execute(&mut *tx)
        .await?;
        let detail = serde_json::json!({
            "regions": set.regions.len(),
            "aliases": set.aliases.len(),
            "before": { "sha256": previous },
            "after": { "sha256": set.sha256 },
        });
        record::<DB>(&mut tx, &actor, ACTION_REGIONS_IMPORT, &set.sha256, detail).await?;
        tx.commit().await?;
        tracing::info!(sha256 = %set.sha256, regions = set.regions.len(), aliases = set.aliases.len(), "region set imported");
        Ok(ImportOutcome::Imported)
    }

    async fn read_regions(pool: Pool<DB>) -> Result<Option<RegionSet>, StoreError> {
        // One read transaction so the rows and the sha come from the same snapshot.
        let mut tx = DB::begin_read(&pool).await?;
        let Some(sha256) = sqlx::query_scalar::<_, String>(CURRENT_SHA)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(None);
        };
        let mut regions = sqlx::query_as::<_, RegionRecord>(
            "SELECT code, sido_code, sido_name, name, kind, parent_code, capital_area, \
             population_declining FROM regions ORDER BY code",
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut aliases = sqlx::query_as::<_, RegionAliasRecord>(
            "SELECT alias, current_code, changed_on, note FROM region_aliases ORDER BY alias",
        )
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        // Byte order, as Rust orders strings, whatever the database's collation.
        regions.sort_by(|a, b| a.code.cmp(&b.code));
        aliases.sort_by(|a, b| a.alias.cmp(&b.alias));
        Ok(Some(RegionSet {
            sha256,
            regions,
            aliases,
        }))
    }
}

#[async_trait]
impl<DB> RegionStore for SqlStore<DB>
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
    Option<String>: Col<DB>,
    Option<NaiveDate>: Col<DB>,
{
    async fn replace(&self, set: &RegionSet, actor: &str) -> Result<ImportOutcome, StoreError> {
        detached(Self::replace_regions(self.pool.clone(), set.clone(), actor.to_owned())).await
    }

    async fn current(&self) -> Result<Option<RegionSet>, StoreError> {
        detached(Self::read_regions(self.pool.clone())).await
    }
}
