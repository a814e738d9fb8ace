//! Reform drafts and the basis: the SQL both backends run.
//!
//! A draft's version is the next for its name, read and written under [`Lock::Reforms`], so two
//! saves of one name cannot take the same version (the `UNIQUE (name, version)` holds anyway).
//! The basis is replaced in one transaction: delete all, insert in multi-row statements, stamp.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Executor, IntoArguments, Pool, Row};

use super::audit::record;
use super::{detached, now, placeholders, Col, Dialect, Lock, SqlStore};
use crate::reforms::{ACTION_REFORM_BASIS, ACTION_REFORM_DRAFT, REFORM_DESCRIPTION_MAX};
use crate::{BasisMeta, BasisRow, NewReformDraft, ReformDraftRecord, ReformStore, StoreError};

const DRAFT_COLUMNS: &str = "id, name, version, description, overrides, based_on_policy, author, created_at";

const BASIS_COLUMNS: &str = "enrolment_id, programme, region, province, start_date, end_date, total_hours_tenths, \
     hours_per_day_tenths, delivery, fee_won, unit_price_won, ai_course, self_payment_rate_bp, provision, status, \
     employer_size, exempt_group, vulnerable_group, sandaetuk_repeat, periods";
const BASIS_WIDTH: usize = 20;
/// Rows per INSERT: 20 columns × 1,000 stays under SQLite's 32,766 parameters.
const BASIS_ROWS_PER_INSERT: usize = 1_000;
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

fn basis_from_row<DB>(row: &DB::Row) -> Result<BasisRow, sqlx::Error>
where
    DB: sqlx::Database,
    usize: ColumnIndex<DB::Row>,
    String: Col<DB>,
    i64: Col<DB>,
    bool: Col<DB>,
    NaiveDate: Col<DB>,
    Option<String>: Col<DB>,
    Option<i64>: Col<DB>,
    Vec<u8>: Col<DB>,
{
    Ok(BasisRow {
        enrolment_id: row.try_get(0)?,
        programme: row.try_get(1)?,
        region: row.try_get(2)?,
        province: row.try_get(3)?,
        start_date: row.try_get(4)?,
        end_date: row.try_get(5)?,
        total_hours_tenths: row.try_get(6)?,
        hours_per_day_tenths: row.try_get(7)?,
        delivery: row.try_get(8)?,
        fee_won: row.try_get(9)?,
        unit_price_won: row.try_get(10)?,
        ai_course: row.try_get(11)?,
        self_payment_rate_bp: row.try_get(12)?,
        provision: row.try_get(13)?,
        status: row.try_get(14)?,
        employer_size: row.try_get(15)?,
        exempt_group: row.try_get(16)?,
        vulnerable_group: row.try_get(17)?,
        sandaetuk_repeat: row.try_get(18)?,
        periods: row.try_get(19)?,
    })
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
        rows: Vec<BasisRow>,
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
        let periods: usize = rows.iter().map(|r| r.periods.len() / PERIOD_BYTES).sum();
        let meta = BasisMeta {
            refreshed_at: now(),
            counted_until,
            policy_version,
            enrolments: i64::try_from(rows.len()).unwrap_or(i64::MAX),
            periods: i64::try_from(periods).unwrap_or(i64::MAX),
        };
        let mut tx = DB::begin_write(&pool, Lock::Reforms).await?;
        sqlx::query("DELETE FROM reform_basis").execute(&mut *tx).await?;
        for chunk in rows.chunks(BASIS_ROWS_PER_INSERT) {
            let sql = format!(
                "INSERT INTO reform_basis ({BASIS_COLUMNS}) VALUES {}",
                placeholders(chunk.len(), BASIS_WIDTH)
            );
            let mut q = sqlx::query(&sql);
            for r in chunk {
                q = q
                    .bind(r.enrolment_id)
                    .bind(r.programme.clone())
                    .bind(r.region.clone())
                    .bind(r.province.clone())
                    .bind(r.start_date)
                    .bind(r.end_date)
                    .bind(r.total_hours_tenths)
                    .bind(r.hours_per_day_tenths)
                    .bind(r.delivery.clone())
                    .bind(r.fee_won)
                    .bind(r.unit_price_won)
                    .bind(r.ai_course)
                    .bind(r.self_payment_rate_bp)
                    .bind(r.provision.clone())
                    .bind(r.status.clone())
                    .bind(r.employer_size.clone())
                    .bind(r.exempt_group)
                    .bind(r.vulnerable_group)
                    .bind(r.sandaetuk_repeat)
                    .bind(r.periods.clone());
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
        let rows = sqlx::query(&format!(
            "SELECT {BASIS_COLUMNS} FROM reform_basis ORDER BY enrolment_id"
        ))
        .fetch_all(&mut *tx)
        .await?;
        let rows = rows.iter().map(basis_from_row::<DB>).collect::<Result<Vec<_>, _>>()?;
        tx.commit().await?;
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
