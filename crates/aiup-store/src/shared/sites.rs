//! Sites and the read of their cohorts' use: the SQL both backends run.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Executor, IntoArguments, Pool, Row};

use super::audit::record;
use super::{detached, now, placeholders, upserts, Col, Dialect, Lock, SqlStore, INSERT_CHUNK};
use crate::sites::{ACTION_SITES_IMPORT, SITE_KINDS};
use crate::{NewSite, SiteCohortUse, SiteImportSummary, SiteRecord, SiteStore, StoreError};

const SITE_COLUMNS: &str = "id, kind, name_ko, name_en, institution_id, region_code, province_code, capacity, \
     designated_on, opened_on, industry_focus, created_at, updated_at";
const SITE_WIDTH: usize = 13;
const SITE_UPDATE: &str = " ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name_ko = excluded.name_ko, \
     name_en = excluded.name_en, institution_id = excluded.institution_id, region_code = excluded.region_code, \
     province_code = excluded.province_code, capacity = excluded.capacity, \
     designated_on = excluded.designated_on, opened_on = excluded.opened_on, \
     industry_focus = excluded.industry_focus, updated_at = excluded.updated_at";

fn site_from_row<DB>(row: &DB::Row) -> Result<SiteRecord, sqlx::Error>
where
    DB: sqlx::Database,
    for<'r> &'r str: ColumnIndex<DB::Row>,
    String: Col<DB>,
    i64: Col<DB>,
    NaiveDate: Col<DB>,
    Option<NaiveDate>: Col<DB>,
    DateTime<Utc>: Col<DB>,
{
    Ok(SiteRecord {
        site: NewSite {
            id: row.try_get("id")?,
            kind: row.try_get("kind")?,
            name_ko: row.try_get("name_ko")?,
            name_en: row.try_get("name_en")?,
            institution_id: row.try_get("institution_id")?,
            region_code: row.try_get("region_code")?,
            province_code: row.try_get("province_code")?,
            capacity: row.try_get("capacity")?,
            designated_on: row.try_get("designated_on")?,
            opened_on: row.try_get("opened_on")?,
            industry_focus: row.try_get("industry_focus")?,
        },
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

fn conflict(key: impl ToString, reason: impl Into<String>) -> StoreError {
    StoreError::conflict("site", key, reason)
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
    DateTime<Utc>: Col<DB>,
    NaiveDate: Col<DB>,
    Option<NaiveDate>: Col<DB>,
{
    async fn write_sites(pool: Pool<DB>, rows: Vec<NewSite>, actor: String) -> Result<SiteImportSummary, StoreError> {
        let mut seen = HashSet::with_capacity(rows.len());
        for r in &rows {
            if !SITE_KINDS.contains(&r.kind.as_str()) {
                return Err(conflict(
                    &r.id,
                    format!("kind `{}` is not one of {}", r.kind, SITE_KINDS.join(", ")),
                ));
            }
            if r.capacity <= 0 {
                return Err(conflict(&r.id, "the capacity must be positive"));
            }
            if r.opened_on.is_some_and(|o| o < r.designated_on) {
                return Err(conflict(&r.id, "opened before it was designated"));
            }
            if !seen.insert(r.id.as_str()) {
                return Err(conflict(&r.id, "the site is listed twice in one import"));
            }
        }
        drop(seen);
        let mut tx = DB::begin_write(&pool, Lock::Academy).await?;
        let stored: HashMap<String, NewSite> = sqlx::query(&format!("SELECT {SITE_COLUMNS} FROM training_sites"))
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|row| site_from_row::<DB>(row).map(|r| (r.site.id.clone(), r.site)))
            .collect::<Result<_, _>>()?;
        let (summary, writes) = upserts(&rows, &stored, |r| r.id.as_str());
        let changes: Vec<String> = writes.iter().map(|r| r.id.clone()).collect();
        let at = now();
        for chunk in writes.chunks(INSERT_CHUNK) {
            let sql = format!(
                "INSERT INTO training_sites ({SITE_COLUMNS}) VALUES {}{SITE_UPDATE}",
                placeholders(chunk.len(), SITE_WIDTH)
            );
            let mut insert = sqlx::query(&sql);
            for r in chunk {
                insert = insert
                    .bind(r.id.clone())
                    .bind(r.kind.clone())
                    .bind(r.name_ko.clone())
                    .bind(r.name_en.clone())
                    .bind(r.institution_id.clone())
                    .bind(r.region_code.clone())
                    .bind(r.province_code.clone())
                    .bind(r.capacity)
                    .bind(r.designated_on)
                    .bind(r.opened_on)
                    .bind(r.industry_focus.clone())
                    .bind(at)
                    .bind(at);
            }
            insert.execute(&mut *tx).await?;
        }
        let detail = serde_json::json!({
            "rows": rows.len(),
            "created": summary.created,
            "updated": summary.updated,
            "unchanged": summary.unchanged,
            "changed": changes,
        });
        record::<DB>(&mut tx, &actor, ACTION_SITES_IMPORT, "training_sites", detail).await?;
        tx.commit().await?;
        Ok(summary)
    }
}

#[async_trait]
impl<DB> SiteStore for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'r> &'r str: ColumnIndex<DB::Row>,
    usize: ColumnIndex<DB::Row>,
    String: Col<DB>,
    i64: Col<DB>,
    DateTime<Utc>: Col<DB>,
    NaiveDate: Col<DB>,
    Option<NaiveDate>: Col<DB>,
{
    async fn import_sites(&self, rows: &[NewSite], actor: &str) -> Result<SiteImportSummary, StoreError> {
        let (pool, rows, actor) = (self.pool.clone(), rows.to_vec(), actor.to_owned());
        detached(Self::write_sites(pool, rows, actor)).await
    }

    async fn sites(&self) -> Result<Vec<SiteRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {SITE_COLUMNS} FROM training_sites ORDER BY kind DESC, id"
        ))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(site_from_row::<DB>).collect::<Result<_, _>>()?)
    }

    async fn site(&self, id: &str) -> Result<Option<SiteRecord>, StoreError> {
        let row = sqlx::query(&format!("SELECT {SITE_COLUMNS} FROM training_sites WHERE id = $1"))
            .bind(id.to_owned())
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(site_from_row::<DB>).transpose()?)
    }

    async fn cohort_use(&self, day: NaiveDate, institution_id: Option<&str>) -> Result<Vec<SiteCohortUse>, StoreError> {
        let which = match institution_id {
            Some(_) => "e.institution_id = $2",
            None => "e.institution_id IN (SELECT institution_id FROM training_sites)",
        };
        let sql = format!(
            "SELECT e.institution_id, e.course_id, e.cohort_ordinal, MIN(e.cohort_start), MIN(e.cohort_end), \
             SUM(CASE WHEN e.status = 'in_training' AND e.cohort_start <= $1 AND e.cohort_end >= $1 \
                 THEN 1 ELSE 0 END), \
             SUM(CASE WHEN e.status IN ('completed', 'early_completion_employment') THEN 1 ELSE 0 END) \
             FROM enrolments e WHERE {which} \
             GROUP BY e.institution_id, e.course_id, e.cohort_ordinal \
             ORDER BY e.institution_id, e.course_id, e.cohort_ordinal"
        );
        let mut query = sqlx::query(&sql).bind(day);
        if let Some(id) = institution_id {
            query = query.bind(id.to_owned());
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok(SiteCohortUse {
                    institution_id: row.try_get(0usize)?,
                    course_id: row.try_get(1usize)?,
                    cohort_ordinal: row.try_get(2usize)?,
                    cohort_start: row.try_get(3usize)?,
                    cohort_end: row.try_get(4usize)?,
                    in_training: row.try_get(5usize)?,
                    completed: row.try_get(6usize)?,
                })
            })
            .collect()
    }
}
