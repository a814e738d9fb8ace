//! Visits and the discovery read: the SQL both backends run.
//!
//! A status change is one conditional `UPDATE … WHERE status = 'scheduled'` under
//! [`Lock::SmeCases`]: of two concurrent records of the same visit, one changes the row and the
//! other finds nothing to change and is refused as a conflict.

use async_trait::async_trait;
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use sqlx::{ColumnIndex, Executor, IntoArguments, Pool, Row};

use super::audit::record;
use super::{detached, now, Col, Dialect, Lock, SqlStore};
use crate::sme_visits::{
    ACTION_SME_VISIT_CANCEL, ACTION_SME_VISIT_RECORD, ACTION_SME_VISIT_SCHEDULE, VISIT_NOTES_MAX, VISIT_PURPOSES,
};
use crate::{Caseload, DiscoveryRow, DiscoveryRowFilter, NewVisit, StoreError, VisitFilter, VisitRecord, VisitStore};

const VISIT_COLUMNS: &str = "id, firm_id, centre_id, doctor_account_id, scheduled_on, purpose, status, done_on, \
     notes, created_at, updated_at";

fn visit_from_row<DB>(row: &DB::Row) -> Result<VisitRecord, sqlx::Error>
where
    DB: sqlx::Database,
    for<'r> &'r str: ColumnIndex<DB::Row>,
    String: Col<DB>,
    i64: Col<DB>,
    NaiveDate: Col<DB>,
    Option<NaiveDate>: Col<DB>,
    DateTime<Utc>: Col<DB>,
{
    Ok(VisitRecord {
        id: row.try_get("id")?,
        firm_id: row.try_get("firm_id")?,
        centre_id: row.try_get("centre_id")?,
        doctor_account_id: row.try_get("doctor_account_id")?,
        scheduled_on: row.try_get("scheduled_on")?,
        purpose: row.try_get("purpose")?,
        status: row.try_get("status")?,
        done_on: row.try_get("done_on")?,
        notes: row.try_get("notes")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

fn conflict(key: impl ToString, reason: impl Into<String>) -> StoreError {
    StoreError::conflict("sme visit", key, reason)
}

fn check_notes(key: impl ToString, notes: &str) -> Result<(), StoreError> {
    if notes.chars().count() > VISIT_NOTES_MAX {
        return Err(conflict(
            key,
            format!("notes are longer than {VISIT_NOTES_MAX} characters"),
        ));
    }
    Ok(())
}

/// A statement's `WHERE` clause and its text arguments, built from optional filters.
#[derive(Default)]
struct Where {
    clauses: Vec<String>,
    texts: Vec<String>,
}

impl Where {
    fn text(&mut self, column: &str, value: Option<&String>) {
        if let Some(v) = value {
            self.texts.push(v.clone());
            self.clauses.push(format!("{column} = ${}", self.texts.len()));
        }
    }

    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
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
    Option<String>: Col<DB>,
    Option<i64>: Col<DB>,
    Option<NaiveDate>: Col<DB>,
{
    async fn schedule_visit(pool: Pool<DB>, v: NewVisit, actor: String) -> Result<VisitRecord, StoreError> {
        if !VISIT_PURPOSES.contains(&v.purpose.as_str()) {
            return Err(conflict(
                format!("firm {}", v.firm_id),
                format!("purpose `{}` is not one of {}", v.purpose, VISIT_PURPOSES.join(", ")),
            ));
        }
        check_notes(format!("firm {}", v.firm_id), &v.notes)?;
        let mut tx = DB::begin_write(&pool, Lock::SmeCases).await?;
        let firm: Option<i64> = sqlx::query_scalar("SELECT id FROM sme_firms WHERE id = $1")
            .bind(v.firm_id)
            .fetch_optional(&mut *tx)
            .await?;
        if firm.is_none() {
            return Err(StoreError::not_found("firm", v.firm_id));
        }
        let centre: Option<String> = sqlx::query_scalar("SELECT id FROM sme_centres WHERE id = $1")
            .bind(v.centre_id.clone())
            .fetch_optional(&mut *tx)
            .await?;
        if centre.is_none() {
            return Err(StoreError::not_found("centre", &v.centre_id));
        }
        let doctor: Option<i64> = sqlx::query_scalar("SELECT id FROM accounts WHERE id = $1")
            .bind(v.doctor_account_id)
            .fetch_optional(&mut *tx)
            .await?;
        if doctor.is_none() {
            return Err(StoreError::not_found("account", v.doctor_account_id));
        }
        let at = now();
        let row = sqlx::query(&format!(
            "INSERT INTO sme_visits (firm_id, centre_id, doctor_account_id, scheduled_on, purpose, status, \
             done_on, notes, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 'scheduled', NULL, $6, $7, $7) RETURNING {VISIT_COLUMNS}"
        ))
        .bind(v.firm_id)
        .bind(v.centre_id.clone())
        .bind(v.doctor_account_id)
        .bind(v.scheduled_on)
        .bind(v.purpose.clone())
        .bind(v.notes.clone())
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        let visit = visit_from_row::<DB>(&row)?;
        record::<DB>(
            &mut tx,
            &actor,
            ACTION_SME_VISIT_SCHEDULE,
            &format!("sme_visit:{}", visit.id),
            serde_json::json!({
                "id": visit.id, "firm_id": visit.firm_id, "centre_id": visit.centre_id,
                "doctor_account_id": visit.doctor_account_id, "scheduled_on": visit.scheduled_on,
                "purpose": visit.purpose,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(visit)
    }

    /// Moves a scheduled visit to `status` (`done` with its day, or `cancelled`).
    async fn close_visit(
        pool: Pool<DB>,
        id: i64,
        done_on: Option<NaiveDate>,
        notes: Option<String>,
        actor: String,
    ) -> Result<VisitRecord, StoreError> {
        if let Some(n) = &notes {
            check_notes(id, n)?;
        }
        let (status, action) = match done_on {
            Some(_) => ("done", ACTION_SME_VISIT_RECORD),
            None => ("cancelled", ACTION_SME_VISIT_CANCEL),
        };
        let mut tx = DB::begin_write(&pool, Lock::SmeCases).await?;
        let at = now();
        let row = sqlx::query(&format!(
            "UPDATE sme_visits SET status = $2, done_on = $3, notes = COALESCE($4, notes), updated_at = $5 \
             WHERE id = $1 AND status = 'scheduled' RETURNING {VISIT_COLUMNS}"
        ))
        .bind(id)
        .bind(status.to_owned())
        .bind(done_on)
        .bind(notes)
        .bind(at)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            let current: Option<String> = sqlx::query_scalar("SELECT status FROM sme_visits WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            return Err(match current {
                None => StoreError::not_found("sme visit", id),
                Some(current) => conflict(id, format!("the visit is {current}, not scheduled")),
            });
        };
        let visit = visit_from_row::<DB>(&row)?;
        record::<DB>(
            &mut tx,
            &actor,
            action,
            &format!("sme_visit:{id}"),
            serde_json::json!({
                "id": id, "firm_id": visit.firm_id, "centre_id": visit.centre_id,
                "before": "scheduled", "after": status, "done_on": visit.done_on,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(visit)
    }
}

#[async_trait]
impl<DB> VisitStore for SqlStore<DB>
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
    Option<bool>: Col<DB>,
    Option<NaiveDate>: Col<DB>,
{
    async fn schedule(&self, visit: &NewVisit, actor: &str) -> Result<VisitRecord, StoreError> {
        let (pool, visit, actor) = (self.pool.clone(), visit.clone(), actor.to_owned());
        detached(Self::schedule_visit(pool, visit, actor)).await
    }

    async fn record_done(
        &self,
        id: i64,
        done_on: NaiveDate,
        notes: Option<&str>,
        actor: &str,
    ) -> Result<VisitRecord, StoreError> {
        let (pool, notes, actor) = (self.pool.clone(), notes.map(str::to_owned), actor.to_owned());
        detached(Self::close_visit(pool, id, Some(done_on), notes, actor)).await
    }

    async fn cancel(&self, id: i64, notes: Option<&str>, actor: &str) -> Result<VisitRecord, StoreError> {
        let (pool, notes, actor) = (self.pool.clone(), notes.map(str::to_owned), actor.to_owned());
        detached(Self::close_visit(pool, id, None, notes, actor)).await
    }

    async fn visit(&self, id: i64) -> Result<Option<VisitRecord>, StoreError> {
        let row = sqlx::query(&format!("SELECT {VISIT_COLUMNS} FROM sme_visits WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(visit_from_row::<DB>).transpose()?)
    }

    async fn visits(&self, filter: &VisitFilter) -> Result<Vec<VisitRecord>, StoreError> {
        let mut w = Where::default();
        w.text("centre_id", filter.centre_id.as_ref());
        w.text("status", filter.status.as_ref());
        // Integer and date filters follow the text ones, numbered after them.
        let mut n = w.texts.len();
        let mut clauses = w.clauses.clone();
        if filter.firm_id.is_some() {
            n += 1;
            clauses.push(format!("firm_id = ${n}"));
        }
        if filter.doctor_account_id.is_some() {
            n += 1;
            clauses.push(format!("doctor_account_id = ${n}"));
        }
        if filter.from.is_some() {
            n += 1;
            clauses.push(format!("scheduled_on >= ${n}"));
        }
        let mut sql = format!("SELECT {VISIT_COLUMNS} FROM sme_visits");
        if !clauses.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&clauses.join(" AND "));
        }
        sql.push_str(" ORDER BY scheduled_on, id");
        if let Some(limit) = filter.limit {
            sql.push_str(&format!(" LIMIT {limit}"));
        }
        let mut q = sqlx::query(&sql);
        for t in &w.texts {
            q = q.bind(t.clone());
        }
        if let Some(firm) = filter.firm_id {
            q = q.bind(firm);
        }
        if let Some(doctor) = filter.doctor_account_id {
            q = q.bind(doctor);
        }
        if let Some(from) = filter.from {
            q = q.bind(from);
        }
        let rows = q.fetch_all(&self.pool).await?;
        Ok(rows.iter().map(visit_from_row::<DB>).collect::<Result<_, _>>()?)
    }

    async fn caseloads(&self, centre_id: &str, month: NaiveDate) -> Result<Vec<Caseload>, StoreError> {
        let first = month.with_day(1).unwrap_or(month);
        let next = first.checked_add_months(Months::new(1)).unwrap_or(NaiveDate::MAX);
        let rows = sqlx::query(
            "SELECT doctor_account_id, \
             SUM(CASE WHEN status = 'scheduled' THEN 1 ELSE 0 END) AS scheduled, \
             SUM(CASE WHEN status = 'done' AND done_on >= $2 AND done_on < $3 THEN 1 ELSE 0 END) AS done_in_month, \
             COUNT(DISTINCT CASE WHEN status <> 'cancelled' THEN firm_id END) AS firms \
             FROM sme_visits WHERE centre_id = $1 GROUP BY doctor_account_id ORDER BY doctor_account_id",
        )
        .bind(centre_id.to_owned())
        .bind(first)
        .bind(next)
        .fetch_all(&self.pool)
        .await?;
        let count = |row: &DB::Row, column: &str| -> Result<u64, StoreError> {
            let n: i64 = row.try_get(column)?;
            Ok(u64::try_from(n).unwrap_or(0))
        };
        rows.iter()
            .map(|row| {
                Ok(Caseload {
                    doctor_account_id: row.try_get("doctor_account_id")?,
                    scheduled: count(row, "scheduled")?,
                    done_in_month: count(row, "done_in_month")?,
                    firms: count(row, "firms")?,
                })
            })
            .collect()
    }

    /// The partner count is a correlated subquery on the participations' business-number index:
    /// a join to the grouped participations was planned by PostgreSQL, before its statistics
    /// knew the freshly imported firms, as a nested loop that grouped them again for every firm
    /// of a filtered ranking (2.7 s for 11,491 firms of 100,000; BENCHMARKS.md).
    async fn discovery_rows(&self, filter: &DiscoveryRowFilter) -> Result<Vec<DiscoveryRow>, StoreError> {
        let mut w = Where::default();
        w.text("f.centre_id", filter.centre_id.as_ref());
        w.text("f.province_code", filter.province_code.as_ref());
        w.text("f.ksic_section", filter.ksic_section.as_ref());
        w.text("f.size_band", filter.size_band.as_ref());
        w.text("f.business_number", filter.business_number.as_ref());
        let sql = format!(
            "SELECT f.id, f.business_number, f.name, f.employees, f.size_band, f.ksic_section, f.ksic_division, \
             f.region_code, f.province_code, f.capital_area, f.ai_training, f.stated_intent, f.centre_id, \
             (SELECT COUNT(DISTINCT pp.programme_id) FROM sme_partner_participations pp \
              WHERE pp.business_number = f.business_number) AS partner_programmes \
             FROM sme_firms f{} ORDER BY f.id",
            w.sql()
        );
        let mut q = sqlx::query(&sql);
        for t in &w.texts {
            q = q.bind(t.clone());
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok(DiscoveryRow {
                    firm_id: row.try_get(0usize)?,
                    business_number: row.try_get(1usize)?,
                    name: row.try_get(2usize)?,
                    employees: row.try_get(3usize)?,
                    size_band: row.try_get(4usize)?,
                    ksic_section: row.try_get(5usize)?,
                    ksic_division: row.try_get(6usize)?,
                    region_code: row.try_get(7usize)?,
                    province_code: row.try_get(8usize)?,
                    capital_area: row.try_get(9usize)?,
                    ai_training: row.try_get(10usize)?,
                    stated_intent: row.try_get(11usize)?,
                    centre_id: row.try_get(12usize)?,
                    partner_programmes: row.try_get(13usize)?,
                })
            })
            .collect()
    }
}
