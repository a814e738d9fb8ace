//! Reform drafts and the basis: the SQL both backends run.
//!
//! A draft's version is the next for its name, read and written under [`Lock::Reforms`], so two
//! saves of one name cannot take the same version (the `UNIQUE (name, version)` holds anyway).
//! The basis is replaced in one transaction: delete all, insert its chunks (each up to
//! [`BASIS_CHUNK_ENROLMENTS`] enrolments packed with postcard, migration 0020), stamp. It is read
//! back whole, chunk by chunk: the population, never one enrolment, is what a comparison needs.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Executor, IntoArguments, Pool, Row};

use super::audit::record;
use super::{detached, now, placeholders, Col, Dialect, Lock, SqlStore};
use crate::reforms::{ACTION_REFORM_BASIS, ACTION_REFORM_DRAFT, REFORM_DESCRIPTION_MAX};
use crate::{BasisMeta, BasisRow, NewReformDraft, ReformDraftRecord, ReformStore, StoreError};

const DRAFT_COLUMNS: &str = "id, name, version, description, overrides, based_on_policy, author, created_at";

/// Enrolments a chunk holds: 240 chunks of about 150 kB at the plan's 240,000 trainees.
const BASIS_CHUNK_ENROLMENTS: usize = 1_000;
/// Chunks per INSERT (6 columns each).
const BASIS_CHUNKS_PER_INSERT: usize = 50;
/// The chunks' layout: a postcard `Vec<BasisRow>`. A change of `BasisRow` takes a new number, and
/// a reader refuses chunks of another (the basis is derived: a refresh rewrites it).
const BASIS_FORMAT: i64 = 1;
/// Bytes a packed period takes (`aiup_rules::reform::PACKED_PERIOD_BYTES`).
const PERIOD_BYTES: usize = 8;

fn draft_from_row<DB>(row: &DB::Row) -> Result<ReformDraftRecord, sqlx::Error>
where
    DB: sqlx::Database,
    for<'r> &'r str: ColumnIndex<DB::Row>,
    String: Col<DB>,
    i64: Col<DB>,
    DateTime<Utc>: Col<DB>,
{
    Ok(ReformDraftRecord {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        version: row.try_get("version")?,
        description: row.try_get("description")?,
        overrides: row.try_get("overrides")?,
        based_on_policy: row.try_get("based_on_policy")?,
        author: row.try_get("author")?,
        created_at: row.try_get("created_at")?,
    })
}

/// One chunk of the basis, ready to insert: its rows in enrolment order, packed.
struct PackedChunk {
    first: i64,
    last: i64,
    enrolments: i64,
    packed: Vec<u8>,
}

/// `rows` is one of `chunks(BASIS_CHUNK_ENROLMENTS)`, so never empty.
fn pack_chunk(rows: &[BasisRow]) -> Result<PackedChunk, StoreError> {
    let id_at = |r: Option<&BasisRow>| r.map_or(0, |r| r.enrolment_id);
    let packed = postcard::to_stdvec(rows).map_err(|e| StoreError::Corrupt {
        what: "reform basis chunk".to_owned(),
        reason: e.to_string(),
    })?;
    Ok(PackedChunk {
        first: id_at(rows.first()),
        last: id_at(rows.last()),
        enrolments: i64::try_from(rows.len()).unwrap_or(i64::MAX),
        packed,
    })
}

/// A stored chunk's rows, checked against what its row says of them.
fn unpack_chunk(chunk: i64, format: i64, enrolments: i64, packed: &[u8]) -> Result<Vec<BasisRow>, StoreError> {
    let corrupt = |reason: String| StoreError::Corrupt {
        what: format!("reform basis chunk {chunk}"),
        reason,
    };
    if format != BASIS_FORMAT {
        return Err(corrupt(format!(
            "layout {format} is not this version's ({BASIS_FORMAT}); refresh the basis (`aiup reform basis`)"
        )));
    }
    let rows: Vec<BasisRow> = postcard::from_bytes(packed).map_err(|e| corrupt(e.to_string()))?;
    if i64::try_from(rows.len()).ok() != Some(enrolments) {
        return Err(corrupt(format!(
            "holds {} enrolments, its row says {enrolments}",
            rows.len()
        )));
    }
    Ok(rows)
}

fn meta_from_row<DB>(row: &DB::Row) -> Result<BasisMeta, sqlx::Error>
where
    DB: sqlx::Database,
    for<'r> &'r str: ColumnIndex<DB::Row>,
    String: Col<DB>,
    i64: Col<DB>,
    NaiveDate: Col<DB>,
    DateTime<Utc>: Col<DB>,
{
    Ok(BasisMeta {
        refreshed_at: row.try_get("refreshed_at")?,
        counted_until: row.try_get("counted_until")?,
        policy_version: row.try_get("policy_version")?,
        enrolments: row.try_get("enrolments")?,
        periods: row.try_get("periods")?,
    })
}

const META_SELECT: &str =
    "SELECT refreshed_at, counted_until, policy_version, enrolments, periods FROM reform_basis_meta WHERE id = 1";

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
    Option<i64>: Col<DB>,
    Vec<u8>: Col<DB>,
{
    async fn save_reform_draft(
        pool: Pool<DB>,
        d: NewReformDraft,
        actor: String,
    ) -> Result<ReformDraftRecord, StoreError> {
        let name_len = d.name.chars().count();
        if !(1..=64).contains(&name_len) {
            return Err(StoreError::conflict(
                "reform draft",
                &d.name,
                "name must be 1 to 64 characters",
            ));
        }
        if d.description.chars().count() > REFORM_DESCRIPTION_MAX {
            return Err(StoreError::conflict(
                "reform draft",
                &d.name,
                format!("description is longer than {REFORM_DESCRIPTION_MAX} characters"),
            ));
        }
        let mut tx = DB::begin_write(&pool, Lock::Reforms).await?;
        let last: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM reform_drafts WHERE name = $1")
            .bind(d.name.clone())
            .fetch_one(&mut *tx)
            .await?;
        let version = last.unwrap_or(0) + 1;
        let row = sqlx::query(&format!(
            "INSERT INTO reform_drafts (name, version, description, overrides, based_on_policy, author, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {DRAFT_COLUMNS}"
        ))
        .bind(d.name.clone())
        .bind(version)
        .bind(d.description.clone())
        .bind(d.overrides.clone())
        .bind(d.based_on_policy.clone())
        .bind(actor.clone())
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        let saved = draft_from_row::<DB>(&row)?;
        record::<DB>(
            &mut tx,
            &actor,
            ACTION_REFORM_DRAFT,
            &format!("reform:{}", saved.id),
            serde_json::json!({
                "name": saved.name,
                "version": saved.version,
                "based_on_policy": saved.based_on_policy,
                "overrides": serde_json::from_str::<serde_json::Value>(&saved.overrides)
                    .unwrap_or(serde_json::Value::Null),
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(saved)
    }

    async fn replace_reform_basis(
        pool: Pool<DB>,
        mut rows: Vec<BasisRow>,
        counted_until: NaiveDate,
        policy_version: String,
        actor: String,
    ) -> Result<BasisMeta, StoreError> {
        if let Some(bad) = rows.iter().find(|r| !r.periods.len().is_multiple_of(PERIOD_BYTES)) {
            return Err(StoreError::conflict(
                "reform basis",
                bad.enrolment_id,
                format!("packed periods of {} bytes are not whole periods", bad.periods.len()),
            ));
        }
        rows.sort_by_key(|r| r.enrolment_id);
        if let Some(twice) = rows.windows(2).find(|w| w[0].enrolment_id == w[1].enrolment_id) {
            return Err(StoreError::conflict(
                "reform basis",
                twice[0].enrolment_id,
                "the enrolment is in the basis twice",
            ));
        }
        let periods: usize = rows.iter().map(|r| r.periods.len() / PERIOD_BYTES).sum();
        let meta = BasisMeta {
            refreshed_at: now(),
            counted_until,
            policy_version,
            enrolments: i64::try_from(rows.len()).unwrap_or(i64::MAX),
            periods: i64::try_from(periods).unwrap_or(i64::MAX),
        };
        let chunks = rows
            .chunks(BASIS_CHUNK_ENROLMENTS)
            .map(pack_chunk)
            .collect::<Result<Vec<_>, _>>()?;
        drop(rows);
        let mut tx = DB::begin_write(&pool, Lock::Reforms).await?;
        sqlx::query("DELETE FROM reform_basis_chunks").execute(&mut *tx).await?;
        let mut numbered = (0_i64..).zip(chunks).peekable();
        while numbered.peek().is_some() {
            let batch: Vec<(i64, PackedChunk)> = numbered.by_ref().take(BASIS_CHUNKS_PER_INSERT).collect();
            let sql = format!(
                "INSERT INTO reform_basis_chunks (chunk, first_enrolment_id, last_enrolment_id, enrolments, format, \
                 packed) VALUES {}",
                placeholders(batch.len(), 6)
            );
            let mut q = sqlx::query(&sql);
            for (number, c) in batch {
                q = q
                    .bind(number)
                    .bind(c.first)
                    .bind(c.last)
                    .bind(c.enrolments)
                    .bind(BASIS_FORMAT)
                    .bind(c.packed);
            }
            q.execute(&mut *tx).await?;
        }
        sqlx::query("DELETE FROM reform_basis_meta").execute(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO reform_basis_meta (id, refreshed_at, counted_until, policy_version, enrolments, periods) \
             VALUES (1, $1, $2, $3, $4, $5)",
        )
        .bind(meta.refreshed_at)
        .bind(meta.counted_until)
        .bind(meta.policy_version.clone())
        .bind(meta.enrolments)
        .bind(meta.periods)
        .execute(&mut *tx)
        .await?;
        record::<DB>(
            &mut tx,
            &actor,
            ACTION_REFORM_BASIS,
            "reform:basis",
            serde_json::json!({
                "enrolments": meta.enrolments,
                "periods": meta.periods,
                "counted_until": meta.counted_until,
                "policy_version": meta.policy_version,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(meta)
    }

    async fn read_reform_basis(pool: Pool<DB>) -> Result<Option<(BasisMeta, Vec<BasisRow>)>, StoreError> {
        let mut tx = DB::begin_read(&pool).await?;
        let Some(meta) = sqlx::query(META_SELECT).fetch_optional(&mut *tx).await? else {
            return Ok(None);
        };
        let meta = meta_from_row::<DB>(&meta)?;
        let chunks = sqlx::query("SELECT chunk, format, enrolments, packed FROM reform_basis_chunks ORDER BY chunk")
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        let mut rows = Vec::with_capacity(usize::try_from(meta.enrolments).unwrap_or(0));
        for chunk in &chunks {
            let packed: Vec<u8> = chunk.try_get(3)?;
            rows.extend(unpack_chunk(
                chunk.try_get(0)?,
                chunk.try_get(1)?,
                chunk.try_get(2)?,
                &packed,
            )?);
        }
        if i64::try_from(rows.len()).ok() != Some(meta.enrolments) {
            return Err(StoreError::Corrupt {
                what: "reform basis".to_owned(),
                reason: format!("holds {} enrolments, its stamp says {}", rows.len(), meta.enrolments),
            });
        }
        Ok(Some((meta, rows)))
    }
}
#[async_trait]
impl<DB> ReformStore for SqlStore<DB>
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
    Option<i64>: Col<DB>,
    Vec<u8>: Col<DB>,
{
    async fn save_draft(&self, draft: &NewReformDraft, actor: &str) -> Result<ReformDraftRecord, StoreError> {
        let (pool, draft, actor) = (self.pool.clone(), draft.clone(), actor.to_owned());
        detached(Self::save_reform_draft(pool, draft, actor)).await
    }

    async fn drafts(&self) -> Result<Vec<ReformDraftRecord>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {DRAFT_COLUMNS} FROM reform_drafts ORDER BY id DESC"))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(draft_from_row::<DB>).collect::<Result<_, _>>()?)
    }

    async fn draft(&self, id: i64) -> Result<Option<ReformDraftRecord>, StoreError> {
        let row = sqlx::query(&format!("SELECT {DRAFT_COLUMNS} FROM reform_drafts WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(draft_from_row::<DB>).transpose()?)
    }

    async fn replace_basis(
        &self,
        rows: Vec<BasisRow>,
        counted_until: NaiveDate,
        policy_version: &str,
        actor: &str,
    ) -> Result<BasisMeta, StoreError> {
        let (pool, policy_version, actor) = (self.pool.clone(), policy_version.to_owned(), actor.to_owned());
        detached(Self::replace_reform_basis(
            pool,
            rows,
            counted_until,
            policy_version,
            actor,
        ))
        .await
    }

    async fn basis_meta(&self) -> Result<Option<BasisMeta>, StoreError> {
        let row = sqlx::query(META_SELECT).fetch_optional(&self.pool).await?;
        Ok(row.as_ref().map(meta_from_row::<DB>).transpose()?)
    }

    async fn basis(&self) -> Result<Option<(BasisMeta, Vec<BasisRow>)>, StoreError> {
        let pool = self.pool.clone();
        detached(Self::read_reform_basis(pool)).await
    }
}
