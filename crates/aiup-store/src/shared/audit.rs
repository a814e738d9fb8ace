//! The audit log's statements, and [`record`], with which every aggregate audits its changes
//! inside its own transaction.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Executor, IntoArguments};

use super::{clamp_limit, now, Col, Dialect, SqlStore};
use crate::{seoul_date, AuditEvent, AuditFilter, AuditStore, NewAuditEvent, StoreError};

/// How a backend stores an event's JSON `detail` (`sqlite/audit.rs`, `postgres/audit.rs`).
pub(crate) trait AuditSql {
    /// Appended to the `detail` parameter of an INSERT (a cast, or nothing).
    const DETAIL_PARAM: &'static str;
    /// Reads `detail` as JSON text.
    const DETAIL_TEXT: &'static str;
}

/// Audit row as stored: `detail` is JSON text in both backends at the SQL boundary.
#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at: DateTime<Utc>,
    seoul_date: NaiveDate,
    actor: String,
    action: String,
    subject: String,
    detail: String,
}

impl TryFrom<AuditRow> for AuditEvent {
    type Error = StoreError;

    fn try_from(row: AuditRow) -> Result<Self, StoreError> {
        let detail = serde_json::from_str(&row.detail).map_err(|e| StoreError::Corrupt {
            what: format!("audit event {}", row.id),
            reason: format!("detail is not valid JSON: {e}"),
        })?;
        Ok(AuditEvent {
            id: row.id,
            at: row.at,
            seoul_date: row.seoul_date,
            actor: row.actor,
            action: row.action,
            subject: row.subject,
            detail,
        })
    }
}

/// A value bound to a filter's statement.
enum Arg {
    Text(String),
    Int(i64),
    Date(NaiveDate),
}

/// Appends an event, stamped now, on `conn` (inside the caller's transaction); returns its id.
pub(crate) async fn record<DB>(
    conn: &mut DB::Connection,
    actor: &str,
    action: &str,
    subject: &str,
    detail: serde_json::Value,
) -> Result<i64, StoreError>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    usize: ColumnIndex<DB::Row>,
    String: Col<DB>,
    i64: Col<DB>,
    DateTime<Utc>: Col<DB>,
    NaiveDate: Col<DB>,
{
    let at = now();
    let sql = format!(
        "INSERT INTO audit_events (at, seoul_date, actor, action, subject, detail) \
         VALUES ($1, $2, $3, $4, $5, $6{}) RETURNING id",
        DB::DETAIL_PARAM
    );
    let id: i64 = sqlx::query_scalar(&sql)
        .bind(at)
        .bind(seoul_date(at))
        .bind(actor.to_owned())
        .bind(action.to_owned())
        .bind(subject.to_owned())
        .bind(detail.to_string())
        .fetch_one(&mut *conn)
        .await?;
    Ok(id)
}

#[async_trait]
impl<DB> AuditStore for SqlStore<DB>
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
{
    async fn append(&self, event: &NewAuditEvent) -> Result<i64, StoreError> {
        // One statement, atomic on its own: no transaction to leave open if the caller goes.
        let mut conn = self.pool.acquire().await?;
        let e = event;
        record::<DB>(&mut conn, &e.actor, &e.action, &e.subject, e.detail.clone()).await
    }

    async fn events(&self, filter: &AuditFilter) -> Result<Vec<AuditEvent>, StoreError> {
        let mut sql = format!(
            "SELECT id, at, seoul_date, actor, action, subject, detail{} AS detail \
             FROM audit_events WHERE TRUE",
            DB::DETAIL_TEXT
        );
        let mut args = Vec::new();
        let mut arg = |sql: &mut String, condition: &str, value: Arg| {
            args.push(value);
            sql.push_str(&condition.replace('?', &format!("${}", args.len())));
        };
        if let Some(actor) = &filter.actor {
            arg(&mut sql, " AND actor = ?", Arg::Text(actor.clone()));
        }
        match &filter.action {
            Some(prefix) if prefix.ends_with('.') => {
                // Not LIKE: SQLite's LIKE ignores ASCII case, and `_` and `%` would need escaping.
                arg(&mut sql, " AND substr(action, 1, length(?))", Arg::Text(prefix.clone()));
                arg(&mut sql, " = ?", Arg::Text(prefix.clone()));
            }
            Some(action) => arg(&mut sql, " AND action = ?", Arg::Text(action.clone())),
            None => {}
        }
        if let Some(from) = filter.from {
            arg(&mut sql, " AND seoul_date >= ?", Arg::Date(from));
        }
        if let Some(to) = filter.to {
            arg(&mut sql, " AND seoul_date <= ?", Arg::Date(to));
        }
        if let Some(before) = filter.before_id {
            arg(&mut sql, " AND id < ?", Arg::Int(before));
        }
        arg(
            &mut sql,
            " ORDER BY id DESC LIMIT ?",
            Arg::Int(clamp_limit(filter.limit)),
        );
        let mut query = sqlx::query_as::<_, AuditRow>(&sql);
        for a in args {
            query = match a {
                Arg::Text(text) => query.bind(text),
                Arg::Int(int) => query.bind(int),
                Arg::Date(date) => query.bind(date),
            };
        }
        query
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(AuditEvent::try_from)
            .collect()
    }
}
