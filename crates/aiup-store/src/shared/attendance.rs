//! The attendance aggregate's statements (the same on both backends).
//!
//! A batch is one write transaction without an advisory lock on PostgreSQL: each month is an
//! `INSERT … ON CONFLICT DO NOTHING` (expected version 0) or a conditional `UPDATE … WHERE
//! version = expected`, which take the row's lock; a concurrent writer of the same month waits
//! for it, then changes nothing and the batch is refused as stale. Different trainees' months
//! are written in parallel. SQLite serialises every writer anyway.

use async_trait::async_trait;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sqlx::{ColumnIndex, Executor, IntoArguments, Pool};

use super::audit::record;
use super::population::{write_all, Cell};
use super::{detached, now, placeholders, Col, Dialect, Lock, SqlStore};
use crate::attendance::ACTION_ATTENDANCE_LOAD;
use crate::{
    AttendanceError, AttendanceMonth, AttendanceStore, AttendanceWrite, CodeUse, CorrectionRecord, StoreError,
};

/// The prefix every batch's audit action has.
const ACTION_PREFIX: &str = "attendance.";

/// Ids per `IN (…)` list when reading the months of given enrolments.
const IDS_PER_READ: usize = 500;

const MONTH_COLUMNS: &[&str] = &["enrolment_id", "month", "days", "version", "updated_at"];

#[derive(sqlx::FromRow)]
struct MonthRow {
    enrolment_id: i64,
    month: NaiveDate,
    days: Vec<u8>,
    version: i64,
}

impl From<MonthRow> for AttendanceMonth {
    fn from(r: MonthRow) -> AttendanceMonth {
        AttendanceMonth {
            enrolment_id: r.enrolment_id,
            month: r.month,
            days: r.days,
            version: r.version,
        }
    }
}

#[derive(sqlx::FromRow)]
struct CorrectionRow {
    id: i64,
    enrolment_id: i64,
    day: NaiveDate,
    old: String,
    new: String,
    reason: String,
    evidence: Option<String>,
    actor: String,
    at: DateTime<Utc>,
}

impl TryFrom<CorrectionRow> for CorrectionRecord {
    type Error = StoreError;

    fn try_from(r: CorrectionRow) -> Result<CorrectionRecord, StoreError> {
        let json = |text: &str, which: &str| {
            serde_json::from_str(text).map_err(|e| StoreError::Corrupt {
                what: format!("attendance correction {}", r.id),
                reason: format!("{which} is not JSON: {e}"),
            })
        };
        Ok(CorrectionRecord {
            id: r.id,
            enrolment_id: r.enrolment_id,
            day: r.day,
            old: json(&r.old, "old")?,
            new: json(&r.new, "new")?,
            reason: r.reason,
            evidence: r.evidence,
            actor: r.actor,
            at: r.at,
        })
    }
}

fn refused(what: &str, key: impl ToString, reason: impl Into<String>) -> StoreError {
    StoreError::Conflict {
        what: what.to_owned(),
        key: key.to_string(),
        reason: reason.into(),
    }
}

fn check_month(enrolment_id: i64, month: NaiveDate) -> Result<(), StoreError> {
    if month.day() != 1 {
        return Err(refused(
            "attendance month",
            format!("{enrolment_id}/{month}"),
            "a month is named by its first day",
        ));
    }
    Ok(())
}

/// Refuses what the schema would refuse anyway, with a clearer error.
fn check_batch(batch: &AttendanceWrite) -> Result<(), StoreError> {
    if !batch.action.starts_with(ACTION_PREFIX) {
        return Err(refused(
            "attendance batch",
            &batch.action,
            "the audit action must start with `attendance.`",
        ));
    }
    for m in &batch.months {
        check_month(m.enrolment_id, m.month)?;
        if m.expected_version < 0 {
            return Err(refused(
                "attendance month",
                format!("{}/{}", m.enrolment_id, m.month),
                "expected_version cannot be negative",
            ));
        }
        if m.days.is_empty() {
            return Err(refused(
                "attendance month",
                format!("{}/{}", m.enrolment_id, m.month),
                "days are empty",
            ));
        }
    }
    if let Some(c) = batch.corrections.iter().find(|c| c.reason.trim().is_empty()) {
        return Err(refused(
            "attendance correction",
            format!("{}/{}", c.enrolment_id, c.day),
            "a correction needs a reason",
        ));
    }
    Ok(())
}

/// The audit subject of a batch: the enrolment if it touches one, else `attendance`.
fn subject(batch: &AttendanceWrite, code: Option<&CodeUse>) -> String {
    let mut ids = batch
        .months
        .iter()
        .map(|m| m.enrolment_id)
        .chain(batch.corrections.iter().map(|c| c.enrolment_id))
        .chain(code.map(|c| c.enrolment_id));
    match ids.next() {
        Some(first) if ids.all(|id| id == first) => format!("enrolment:{first}"),
        _ => "attendance".to_owned(),
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
    Vec<u8>: Col<DB>,
    Option<String>: Col<DB>,
{
    async fn write_batch(
        pool: Pool<DB>,
        code: Option<CodeUse>,
        batch: AttendanceWrite,
        actor: String,
    ) -> Result<(), AttendanceError> {
        check_batch(&batch)?;
        if let Some(code) = &code {
            if !matches!(code.direction.as_str(), "in" | "out") {
                return Err(refused("check-in code", &code.direction, "direction is `in` or `out`").into());
            }
        }
        let at = now();
        let mut tx = DB::begin_write(&pool, Lock::RowLevel).await?;
        if let Some(code) = &code {
            let used = sqlx::query(
                "INSERT INTO checkin_uses (enrolment_id, code_window, direction, used_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (enrolment_id, code_window, direction) DO NOTHING",
            )
            .bind(code.enrolment_id)
            .bind(code.window)
            .bind(code.direction.clone())
            .bind(at)
            .execute(&mut *tx)
            .await?;
            if DB::rows_affected(&used) == 0 {
                return Err(AttendanceError::CodeUsed);
            }
        }
        for m in &batch.months {
            let written = if m.expected_version == 0 {
                sqlx::query(
                    "INSERT INTO attendance_months (enrolment_id, month, days, version, updated_at) \
                     VALUES ($1, $2, $3, 1, $4) ON CONFLICT (enrolment_id, month) DO NOTHING",
                )
                .bind(m.enrolment_id)
                .bind(m.month)
                .bind(m.days.clone())
                .bind(at)
                .execute(&mut *tx)
                .await?
            } else {
                sqlx::query(
                    "UPDATE attendance_months SET days = $3, version = version + 1, updated_at = $4 \
                     WHERE enrolment_id = $1 AND month = $2 AND version = $5",
                )
                .bind(m.enrolment_id)
                .bind(m.month)
                .bind(m.days.clone())
                .bind(at)
                .bind(m.expected_version)
                .execute(&mut *tx)
                .await?
            };
            if DB::rows_affected(&written) == 0 {
                // Dropping the transaction rolls back everything written so far.
                return Err(AttendanceError::Stale {
                    enrolment_id: m.enrolment_id,
                    month: m.month,
                });
            }
        }
        let insert_correction = format!(
            "INSERT INTO attendance_corrections (enrolment_id, day, old, new, reason, evidence, actor, at) \
             VALUES ($1, $2, $3{cast}, $4{cast}, $5, $6, $7, $8)",
            cast = DB::DETAIL_PARAM
        );
        for c in &batch.corrections {
            sqlx::query(&insert_correction)
                .bind(c.enrolment_id)
                .bind(c.day)
                .bind(c.old.to_string())
                .bind(c.new.to_string())
                .bind(c.reason.clone())
                .bind(c.evidence.clone())
                .bind(actor.clone())
                .bind(at)
                .execute(&mut *tx)
                .await?;
        }
        record::<DB>(
            &mut tx,
            &actor,
            &batch.action,
            &subject(&batch, code.as_ref()),
            batch.detail.clone(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn load_months(pool: Pool<DB>, months: Vec<AttendanceMonth>, actor: String) -> Result<u64, StoreError> {
        for m in &months {
            check_month(m.enrolment_id, m.month)?;
            if m.version < 1 || m.days.is_empty() {
                return Err(refused(
                    "attendance month",
                    format!("{}/{}", m.enrolment_id, m.month),
                    "a stored month has version 1 or more and some days",
                ));
            }
        }
        let at = now();
        let mut tx = DB::begin_write(&pool, Lock::RowLevel).await?;
        let written = write_all::<DB, _>(&mut tx, "attendance_months", MONTH_COLUMNS, &months, |m, out| {
            out.extend([
                Cell::Int(m.enrolment_id),
                Cell::Date(m.month),
                Cell::Bytes(&m.days),
                Cell::Int(m.version),
                Cell::Time(at),
            ]);
        })
        .await?;
        let detail = serde_json::json!({
            "months": written,
            "first_enrolment_id": months.iter().map(|m| m.enrolment_id).min(),
            "last_enrolment_id": months.iter().map(|m| m.enrolment_id).max(),
        });
        record::<DB>(&mut tx, &actor, ACTION_ATTENDANCE_LOAD, "attendance", detail).await?;
        tx.commit().await?;
        Ok(written)
    }
}

#[async_trait]
impl<DB> AttendanceStore for SqlStore<DB>
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
    Vec<u8>: Col<DB>,
    Option<String>: Col<DB>,
{
    async fn months(&self, ids: &[i64], from: NaiveDate, to: NaiveDate) -> Result<Vec<AttendanceMonth>, StoreError> {
        // Ascending, distinct ids: each chunk's rows follow the previous chunk's.
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let mut months = Vec::new();
        for chunk in ids.chunks(IDS_PER_READ) {
            let n = chunk.len();
            let list = placeholders(1, n);
            let sql = format!(
                "SELECT enrolment_id, month, days, version FROM attendance_months \
                 WHERE enrolment_id IN {list} AND month >= ${} AND month <= ${} ORDER BY enrolment_id, month",
                n + 1,
                n + 2
            );
            let mut query = sqlx::query_as::<_, MonthRow>(&sql);
            for id in chunk {
                query = query.bind(*id);
            }
            let rows = query.bind(from).bind(to).fetch_all(&self.pool).await?;
            months.extend(rows.into_iter().map(AttendanceMonth::from));
        }
        Ok(months)
    }

    async fn months_in_range(
        &self,
        ids: std::ops::RangeInclusive<i64>,
        to: NaiveDate,
    ) -> Result<Vec<AttendanceMonth>, StoreError> {
        let rows: Vec<MonthRow> = sqlx::query_as(
            "SELECT enrolment_id, month, days, version FROM attendance_months \
             WHERE enrolment_id >= $1 AND enrolment_id <= $2 AND month <= $3 ORDER BY enrolment_id, month",
        )
        .bind(*ids.start())
        .bind(*ids.end())
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(AttendanceMonth::from).collect())
    }

    async fn write(&self, batch: &AttendanceWrite, actor: &str) -> Result<(), AttendanceError> {
        let (pool, batch, actor) = (self.pool.clone(), batch.clone(), actor.to_owned());
        detached(async move { Ok(Self::write_batch(pool, None, batch, actor).await) })
            .await
            .map_err(AttendanceError::Store)
            .and_then(|r| r)
    }

    async fn check_in(&self, code: &CodeUse, batch: &AttendanceWrite, actor: &str) -> Result<(), AttendanceError> {
        let (pool, code, batch, actor) = (self.pool.clone(), code.clone(), batch.clone(), actor.to_owned());
        detached(async move { Ok(Self::write_batch(pool, Some(code), batch, actor).await) })
            .await
            .map_err(AttendanceError::Store)
            .and_then(|r| r)
    }

    async fn corrections(&self, enrolment_id: i64) -> Result<Vec<CorrectionRecord>, StoreError> {
        let rows: Vec<CorrectionRow> = sqlx::query_as(&format!(
            "SELECT id, enrolment_id, day, old{cast} AS old, new{cast} AS new, reason, evidence, actor, at \
             FROM attendance_corrections WHERE enrolment_id = $1 ORDER BY id",
            cast = DB::DETAIL_TEXT
        ))
        .bind(enrolment_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(CorrectionRecord::try_from).collect()
    }

    async fn load(&self, months: &[AttendanceMonth], actor: &str) -> Result<u64, StoreError> {
        let (pool, months, actor) = (self.pool.clone(), months.to_vec(), actor.to_owned());
        detached(Self::load_months(pool, months, actor)).await
    }
}
