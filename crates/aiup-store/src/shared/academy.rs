//! Instructors and track completions: the SQL both backends run.
//!
//! An import reads what is stored inside its transaction (under [`Lock::Academy`]), checks every
//! row against it, and writes all rows in multi-row INSERTs, or nothing. A completion's number
//! is the pair's last number plus one; the pair's unique number refuses a concurrent duplicate.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Executor, IntoArguments, Pool, Row};

use super::audit::record;
use super::{detached, now, placeholders, upserts, Col, Dialect, Lock, SqlStore, INSERT_CHUNK};
use crate::academy::{ACADEMY_PROVIDERS, ACTION_ACADEMY_COMPLETIONS_IMPORT, ACTION_ACADEMY_INSTRUCTORS_IMPORT};
use crate::{
    AcademyCounts, AcademyStore, CompletionImportSummary, CompletionRecord, InstructorImportSummary, InstructorRecord,
    NewCompletion, NewInstructor, StoreError, TrackCount, TrackStep,
};

const INSTRUCTOR_COLUMNS: &str = "id, instructor_ref, provider, region_code, province_code, institution_id, \
     registered_on, id_key, created_at, updated_at";
const INSTRUCTOR_INSERT: &str = "instructor_ref, provider, region_code, province_code, institution_id, \
     registered_on, id_key, created_at, updated_at";
const INSTRUCTOR_WIDTH: usize = 9;
const INSTRUCTOR_UPDATE: &str = " ON CONFLICT (instructor_ref) DO UPDATE SET provider = excluded.provider, \
     region_code = excluded.region_code, province_code = excluded.province_code, \
     institution_id = excluded.institution_id, registered_on = excluded.registered_on, \
     id_key = excluded.id_key, updated_at = excluded.updated_at";

const COMPLETION_INSERT: &str = "instructor_id, track_id, seq, kind, provider, completed_on, actor, recorded_at";
const COMPLETION_WIDTH: usize = 8;

/// The last row of every instructor and track pair.
const LAST_STEPS: &str = "SELECT instructor_id, track_id, MAX(seq) AS seq FROM academy_completions \
     GROUP BY instructor_id, track_id";

fn instructor_from_row<DB>(row: &DB::Row) -> Result<InstructorRecord, sqlx::Error>
where
    DB: sqlx::Database,
    for<'r> &'r str: ColumnIndex<DB::Row>,
    String: Col<DB>,
    i64: Col<DB>,
    NaiveDate: Col<DB>,
    Option<String>: Col<DB>,
    DateTime<Utc>: Col<DB>,
{
    Ok(InstructorRecord {
        id: row.try_get("id")?,
        instructor: NewInstructor {
            instructor_ref: row.try_get("instructor_ref")?,
            provider: row.try_get("provider")?,
            region_code: row.try_get("region_code")?,
            province_code: row.try_get("province_code")?,
            institution_id: row.try_get("institution_id")?,
            registered_on: row.try_get("registered_on")?,
            id_key: row.try_get("id_key")?,
        },
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

fn conflict(key: impl ToString, reason: impl Into<String>) -> StoreError {
    StoreError::conflict("academy", key, reason)
}

fn check_provider(key: &str, provider: &str) -> Result<(), StoreError> {
    if ACADEMY_PROVIDERS.contains(&provider) {
        Ok(())
    } else {
        Err(conflict(
            key,
            format!("provider `{provider}` is not one of {}", ACADEMY_PROVIDERS.join(", ")),
        ))
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
    DateTime<Utc>: Col<DB>,
    NaiveDate: Col<DB>,
    Option<String>: Col<DB>,
{
    async fn write_instructors(
        pool: Pool<DB>,
        rows: Vec<NewInstructor>,
        actor: String,
    ) -> Result<InstructorImportSummary, StoreError> {
        let mut seen = HashSet::with_capacity(rows.len());
        for r in &rows {
            check_provider(&r.instructor_ref, &r.provider)?;
            if !seen.insert(r.instructor_ref.as_str()) {
                return Err(conflict(
                    &r.instructor_ref,
                    "the instructor is listed twice in one import",
                ));
            }
        }
        drop(seen);
        let mut tx = DB::begin_write(&pool, Lock::Academy).await?;
        let stored: HashMap<String, NewInstructor> =
            sqlx::query(&format!("SELECT {INSTRUCTOR_COLUMNS} FROM academy_instructors"))
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|row| instructor_from_row::<DB>(row).map(|r| (r.instructor.instructor_ref.clone(), r.instructor)))
                .collect::<Result<_, _>>()?;
        let (summary, writes) = upserts(&rows, &stored, |r| r.instructor_ref.as_str());
        let at = now();
        for chunk in writes.chunks(INSERT_CHUNK) {
            let sql = format!(
                "INSERT INTO academy_instructors ({INSTRUCTOR_INSERT}) VALUES {}{INSTRUCTOR_UPDATE}",
                placeholders(chunk.len(), INSTRUCTOR_WIDTH)
            );
            let mut insert = sqlx::query(&sql);
            for r in chunk {
                insert = insert
                    .bind(r.instructor_ref.clone())
                    .bind(r.provider.clone())
                    .bind(r.region_code.clone())
                    .bind(r.province_code.clone())
                    .bind(r.institution_id.clone())
                    .bind(r.registered_on)
                    .bind(r.id_key.clone())
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
            "identifier_hashes": rows.iter().filter(|r| r.id_key.is_some()).count(),
        });
        record::<DB>(
            &mut tx,
            &actor,
            ACTION_ACADEMY_INSTRUCTORS_IMPORT,
            "academy_instructors",
            detail,
        )
        .await?;
        tx.commit().await?;
        Ok(summary)
    }

    async fn write_completions(
        pool: Pool<DB>,
        rows: Vec<NewCompletion>,
        actor: String,
    ) -> Result<CompletionImportSummary, StoreError> {
        let mut tx = DB::begin_write(&pool, Lock::Academy).await?;
        let ids: HashMap<String, i64> = sqlx::query("SELECT instructor_ref, id FROM academy_instructors")
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|row| Ok((row.try_get(0usize)?, row.try_get(1usize)?)))
            .collect::<Result<_, sqlx::Error>>()?;
        let mut last: HashMap<(i64, String), i64> = sqlx::query(LAST_STEPS)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|row| Ok(((row.try_get(0usize)?, row.try_get(1usize)?), row.try_get(2usize)?)))
            .collect::<Result<_, sqlx::Error>>()?;
        let mut seen = HashSet::with_capacity(rows.len());
        let mut summary = CompletionImportSummary::default();
        let mut writes = Vec::with_capacity(rows.len());
        for r in &rows {
            let key = format!("{} {}", r.instructor_ref, r.track_id);
            check_provider(&key, &r.provider)?;
            let Some(&instructor_id) = ids.get(&r.instructor_ref) else {
                return Err(StoreError::not_found("instructor", &r.instructor_ref));
            };
            if !seen.insert((instructor_id, r.track_id.clone())) {
                return Err(conflict(key, "the instructor and track are listed twice in one import"));
            }
            let seq = last.get(&(instructor_id, r.track_id.clone())).copied().unwrap_or(0) + 1;
            match (r.kind.as_str(), seq % 2 == 1) {
                ("completed", true) => summary.completed += 1,
                ("revoked", false) => summary.revoked += 1,
                ("completed", false) => return Err(conflict(key, "the track is already completed")),
                ("revoked", true) => return Err(conflict(key, "the track is not completed, so nothing to revoke")),
                (other, _) => return Err(conflict(key, format!("kind `{other}` is not completed or revoked"))),
            }
            last.insert((instructor_id, r.track_id.clone()), seq);
            writes.push((instructor_id, seq, r));
        }
        let at = now();
        for chunk in writes.chunks(INSERT_CHUNK) {
            let sql = format!(
                "INSERT INTO academy_completions ({COMPLETION_INSERT}) VALUES {}",
                placeholders(chunk.len(), COMPLETION_WIDTH)
            );
            let mut insert = sqlx::query(&sql);
            for (instructor_id, seq, r) in chunk {
                insert = insert
                    .bind(*instructor_id)
                    .bind(r.track_id.clone())
                    .bind(*seq)
                    .bind(r.kind.clone())
                    .bind(r.provider.clone())
                    .bind(r.completed_on)
                    .bind(actor.clone())
                    .bind(at);
            }
            insert.execute(&mut *tx).await?;
        }
        let detail = serde_json::json!({
            "rows": rows.len(),
            "completed": summary.completed,
            "revoked": summary.revoked,
        });
        record::<DB>(
            &mut tx,
            &actor,
            ACTION_ACADEMY_COMPLETIONS_IMPORT,
            "academy_completions",
            detail,
        )
        .await?;
        tx.commit().await?;
        Ok(summary)
    }

    /// One snapshot, on its own task (a read transaction is not cancel-safe either).
    async fn read_counts(pool: Pool<DB>, from: NaiveDate, to: NaiveDate) -> Result<AcademyCounts, StoreError> {
        let mut tx = DB::begin_read(&pool).await?;
        let in_effect = format!(
            "FROM academy_completions c JOIN ({LAST_STEPS}) l ON l.instructor_id = c.instructor_id \
             AND l.track_id = c.track_id AND l.seq = c.seq WHERE c.kind = 'completed'"
        );
        let tracks = sqlx::query(&format!(
            "SELECT c.track_id, \
             SUM(CASE WHEN c.completed_on >= $1 AND c.completed_on <= $2 THEN 1 ELSE 0 END) AS completed, \
             COUNT(*) AS instructors {in_effect} GROUP BY c.track_id ORDER BY c.track_id"
        ))
        .bind(from)
        .bind(to)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|row| {
            Ok(TrackCount {
                track_id: row.try_get(0usize)?,
                completed: row.try_get(1usize)?,
                instructors: row.try_get(2usize)?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let registered: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM academy_instructors")
            .fetch_one(&mut *tx)
            .await?;
        let instructors_completed: i64 =
            sqlx::query_scalar(&format!("SELECT COUNT(DISTINCT c.instructor_id) {in_effect}"))
                .fetch_one(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(AcademyCounts {
            tracks,
            registered,
            instructors_completed,
        })
    }
}

#[async_trait]
impl<DB> AcademyStore for SqlStore<DB>
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
    Option<String>: Col<DB>,
{
    async fn import_instructors(
        &self,
        rows: &[NewInstructor],
        actor: &str,
    ) -> Result<InstructorImportSummary, StoreError> {
        let (pool, rows, actor) = (self.pool.clone(), rows.to_vec(), actor.to_owned());
        detached(Self::write_instructors(pool, rows, actor)).await
    }

    async fn import_completions(
        &self,
        rows: &[NewCompletion],
        actor: &str,
    ) -> Result<CompletionImportSummary, StoreError> {
        let (pool, rows, actor) = (self.pool.clone(), rows.to_vec(), actor.to_owned());
        detached(Self::write_completions(pool, rows, actor)).await
    }

    async fn instructor(&self, instructor_ref: &str) -> Result<Option<InstructorRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {INSTRUCTOR_COLUMNS} FROM academy_instructors WHERE instructor_ref = $1"
        ))
        .bind(instructor_ref.to_owned())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(instructor_from_row::<DB>).transpose()?)
    }

    async fn instructor_refs(&self) -> Result<Vec<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT instructor_ref FROM academy_instructors ORDER BY instructor_ref")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    async fn track_steps(&self) -> Result<Vec<TrackStep>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT i.instructor_ref, l.track_id, l.seq FROM ({LAST_STEPS}) l \
             JOIN academy_instructors i ON i.id = l.instructor_id ORDER BY i.instructor_ref, l.track_id"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(TrackStep {
                    instructor_ref: row.try_get(0usize)?,
                    track_id: row.try_get(1usize)?,
                    seq: row.try_get(2usize)?,
                })
            })
            .collect()
    }

    async fn completions_of(&self, instructor_ref: &str) -> Result<Vec<CompletionRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.id, i.instructor_ref, c.track_id, c.seq, c.kind, c.provider, c.completed_on, c.actor, \
             c.recorded_at FROM academy_completions c JOIN academy_instructors i ON i.id = c.instructor_id \
             WHERE i.instructor_ref = $1 ORDER BY c.track_id, c.seq",
        )
        .bind(instructor_ref.to_owned())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(CompletionRecord {
                    id: row.try_get("id")?,
                    instructor_ref: row.try_get("instructor_ref")?,
                    track_id: row.try_get("track_id")?,
                    seq: row.try_get("seq")?,
                    kind: row.try_get("kind")?,
                    provider: row.try_get("provider")?,
                    completed_on: row.try_get("completed_on")?,
                    actor: row.try_get("actor")?,
                    recorded_at: row.try_get("recorded_at")?,
                })
            })
            .collect()
    }

    async fn counts(&self, from: NaiveDate, to: NaiveDate) -> Result<AcademyCounts, StoreError> {
        detached(Self::read_counts(self.pool.clone(), from, to)).await
    }
}
