//! The payroll aggregate's statements (the same on both backends).
//!
//! Creating and cancelling a run take [`Lock::Payroll`] (SQLite's write lock; a PostgreSQL
//! advisory lock) and move the ledger's head (`payroll_ledger_head.seq`) by one, so a run is
//! written only from the head its caller read. The other steps are conditional `UPDATE`s from
//! the status they need, under the same lock (they are rare and short).

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Executor, IntoArguments, Pool};

use super::audit::record;
use super::population::{write_all, Cell};
use super::{clamp_limit, detached, now, Col, Dialect, Lock, SqlStore};
use crate::payroll::{ACTION_PAYROLL_APPROVE, ACTION_PAYROLL_CANCEL, ACTION_PAYROLL_EXPORT, ACTION_PAYROLL_RUN};
use crate::{
    NewPayrollLine, PaidPeriod, PayrollError, PayrollLineRecord, PayrollRunRecord, PayrollStore, PayrollTotal,
    StoreError, TotalsBy,
};

const RUN_COLUMNS: &str = "id, month, status, policy_sha256, lines, total_won, created_by, created_at, \
     approved_by, approved_at, exported_by, exported_at, cancelled_by, cancelled_at";

const LINE_COLUMNS: &[&str] = &[
    "run_id",
    "enrolment_id",
    "person_id",
    "period_index",
    "period_start",
    "period_end",
    "kind",
    "amount_won",
    "computed_won",
    "base_won",
    "special_won",
    "meal_deduction_won",
    "scheduled_days",
    "recognised_days",
    "programme",
    "institution_id",
    "region_tier",
    "province",
    "trace",
];

const LINE_KINDS: [&str; 2] = ["regular", "adjustment"];
const REGION_TIERS: [&str; 3] = ["capital", "non_capital", "population_declining"];

#[derive(sqlx::FromRow)]
struct RunRow {
    id: i64,
    month: String,
    status: String,
    policy_sha256: String,
    lines: i64,
    total_won: i64,
    created_by: String,
    created_at: DateTime<Utc>,
    approved_by: Option<String>,
    approved_at: Option<DateTime<Utc>>,
    exported_by: Option<String>,
    exported_at: Option<DateTime<Utc>>,
    cancelled_by: Option<String>,
    cancelled_at: Option<DateTime<Utc>>,
}

impl From<RunRow> for PayrollRunRecord {
    fn from(r: RunRow) -> PayrollRunRecord {
        PayrollRunRecord {
            id: r.id,
            month: r.month,
            status: r.status,
            policy_sha256: r.policy_sha256,
            lines: r.lines,
            total_won: r.total_won,
            created_by: r.created_by,
            created_at: r.created_at,
            approved_by: r.approved_by,
            approved_at: r.approved_at,
            exported_by: r.exported_by,
            exported_at: r.exported_at,
            cancelled_by: r.cancelled_by,
            cancelled_at: r.cancelled_at,
        }
    }
}

#[derive(sqlx::FromRow)]
struct LineRow {
    id: i64,
    run_id: i64,
    month: String,
    enrolment_id: i64,
    person_id: i64,
    period_index: i64,
    period_start: NaiveDate,
    period_end: NaiveDate,
    kind: String,
    amount_won: i64,
    computed_won: i64,
    base_won: i64,
    special_won: i64,
    meal_deduction_won: i64,
    scheduled_days: i64,
    recognised_days: i64,
    programme: String,
    institution_id: String,
    region_tier: String,
    province: String,
    trace: String,
}

impl TryFrom<LineRow> for PayrollLineRecord {
    type Error = StoreError;

    fn try_from(r: LineRow) -> Result<PayrollLineRecord, StoreError> {
        let trace = serde_json::from_str(&r.trace).map_err(|e| StoreError::Corrupt {
            what: format!("payroll line {}", r.id),
            reason: format!("trace is not JSON: {e}"),
        })?;
        Ok(PayrollLineRecord {
            id: r.id,
            run_id: r.run_id,
            month: r.month,
            line: NewPayrollLine {
                enrolment_id: r.enrolment_id,
                person_id: r.person_id,
                period_index: r.period_index,
                period_start: r.period_start,
                period_end: r.period_end,
                kind: r.kind,
                amount_won: r.amount_won,
                computed_won: r.computed_won,
                base_won: r.base_won,
                special_won: r.special_won,
                meal_deduction_won: r.meal_deduction_won,
                scheduled_days: r.scheduled_days,
                recognised_days: r.recognised_days,
                programme: r.programme,
                institution_id: r.institution_id,
                region_tier: r.region_tier,
                province: r.province,
                trace,
            },
        })
    }
}

/// The `SELECT … FROM` of lines with their run's month; append `WHERE …`.
fn select_lines<DB: Dialect>() -> String {
    format!(
        "SELECT l.id, l.run_id, r.month, l.enrolment_id, l.person_id, l.period_index, l.period_start, \
         l.period_end, l.kind, l.amount_won, l.computed_won, l.base_won, l.special_won, l.meal_deduction_won, \
         l.scheduled_days, l.recognised_days, l.programme, l.institution_id, l.region_tier, l.province, \
         l.trace{} AS trace FROM payroll_lines l JOIN payroll_runs r ON r.id = l.run_id",
        DB::DETAIL_TEXT
    )
}

fn invalid(key: impl ToString, reason: impl Into<String>) -> StoreError {
    StoreError::Conflict {
        what: "payroll run".to_owned(),
        key: key.to_string(),
        reason: reason.into(),
    }
}

/// Refuses what the schema would refuse anyway, with a clearer error.
fn check_run(month: &str, lines: &[NewPayrollLine]) -> Result<(), StoreError> {
    let valid_month = month.len() == 7
        && month.as_bytes()[4] == b'-'
        && month[..4].bytes().all(|b| b.is_ascii_digit())
        && matches!(month[5..].parse::<u32>(), Ok(1..=12));
    if !valid_month {
        return Err(invalid(month, "the month is written YYYY-MM"));
    }
    for (i, l) in lines.iter().enumerate() {
        let at = |what: &str| invalid(month, format!("line {i} (enrolment {}): {what}", l.enrolment_id));
        if !LINE_KINDS.contains(&l.kind.as_str()) {
            return Err(at("kind is `regular` or `adjustment`"));
        }
        if !REGION_TIERS.contains(&l.region_tier.as_str()) {
            return Err(at("region_tier is `capital`, `non_capital` or `population_declining`"));
        }
        if l.period_index < 1 || l.period_end < l.period_start {
            return Err(at("the period is numbered from 1 and ends on or after its start"));
        }
        if l.scheduled_days < 0 || l.recognised_days < 0 {
            return Err(at("day counts cannot be negative"));
        }
    }
    Ok(())
}

fn run_subject(run_id: i64) -> String {
    format!("payroll_run:{run_id}")
}

/// A status step: the status it needs, the one it sets, the columns it stamps, its audit action.
struct Step {
    from: &'static str,
    to: &'static str,
    by: &'static str,
    at: &'static str,
    action: &'static str,
}

const APPROVE: Step = Step {
    from: "draft",
    to: "approved",
    by: "approved_by",
    at: "approved_at",
    action: ACTION_PAYROLL_APPROVE,
};
const EXPORT: Step = Step {
    from: "approved",
    to: "exported",
    by: "exported_by",
    at: "exported_at",
    action: ACTION_PAYROLL_EXPORT,
};
const CANCEL: Step = Step {
    from: "draft",
    to: "cancelled",
    by: "cancelled_by",
    at: "cancelled_at",
    action: ACTION_PAYROLL_CANCEL,
};

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
    Option<DateTime<Utc>>: Col<DB>,
{
    async fn run_in_tx(conn: &mut DB::Connection, run_id: i64) -> Result<Option<PayrollRunRecord>, StoreError> {
        let row: Option<RunRow> = sqlx::query_as(&format!("SELECT {RUN_COLUMNS} FROM payroll_runs WHERE id = $1"))
            .bind(run_id)
            .fetch_optional(&mut *conn)
            .await?;
        Ok(row.map(PayrollRunRecord::from))
    }

    /// Moves the ledger's head from `expected` by one; false if it is elsewhere.
    async fn move_head(conn: &mut DB::Connection, expected: Option<i64>) -> Result<bool, StoreError> {
        let moved = match expected {
            Some(seq) => {
                sqlx::query("UPDATE payroll_ledger_head SET seq = seq + 1 WHERE id = 1 AND seq = $1")
                    .bind(seq)
                    .execute(&mut *conn)
                    .await?
            }
            None => {
                sqlx::query("UPDATE payroll_ledger_head SET seq = seq + 1 WHERE id = 1")
                    .execute(&mut *conn)
                    .await?
            }
        };
        Ok(DB::rows_affected(&moved) == 1)
    }

    async fn create(
        pool: Pool<DB>,
        month: String,
        policy_sha256: String,
        expected_head: i64,
        lines: Vec<NewPayrollLine>,
        actor: String,
    ) -> Result<PayrollRunRecord, PayrollError> {
        check_run(&month, &lines)?;
        let total_won = lines
            .iter()
            .try_fold(0_i64, |sum, l| sum.checked_add(l.amount_won))
            .ok_or_else(|| invalid(&month, "the total overflows"))?;
        let traces: Vec<String> = lines.iter().map(|l| l.trace.to_string()).collect();
        let mut tx = DB::begin_write(&pool, Lock::Payroll).await?;
        if !Self::move_head(&mut tx, Some(expected_head)).await? {
            return Err(PayrollError::Moved);
        }
        let row: RunRow = sqlx::query_as(&format!(
            "INSERT INTO payroll_runs (month, status, policy_sha256, lines, total_won, created_by, created_at) \
             VALUES ($1, 'draft', $2, $3, $4, $5, $6) RETURNING {RUN_COLUMNS}"
        ))
        .bind(month.clone())
        .bind(policy_sha256.clone())
        .bind(lines.len() as i64)
        .bind(total_won)
        .bind(actor.clone())
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        let run = PayrollRunRecord::from(row);
        let rows: Vec<(&NewPayrollLine, &String)> = lines.iter().zip(&traces).collect();
        let written = write_all::<DB, _>(&mut tx, "payroll_lines", LINE_COLUMNS, &rows, |(l, trace), out| {
            out.extend([
                Cell::Int(run.id),
                Cell::Int(l.enrolment_id),
                Cell::Int(l.person_id),
                Cell::Int(l.period_index),
                Cell::Date(l.period_start),
                Cell::Date(l.period_end),
                Cell::Text(&l.kind),
                Cell::Int(l.amount_won),
                Cell::Int(l.computed_won),
                Cell::Int(l.base_won),
                Cell::Int(l.special_won),
                Cell::Int(l.meal_deduction_won),
                Cell::Int(l.scheduled_days),
                Cell::Int(l.recognised_days),
                Cell::Text(&l.programme),
                Cell::Text(&l.institution_id),
                Cell::Text(&l.region_tier),
                Cell::Text(&l.province),
                Cell::Json(trace),
            ]);
        })
        .await?;
        // In place of a foreign key (see 0012_payroll.sql): one anti-join over the run's lines.
        let unknown: Option<i64> = sqlx::query_scalar(
            "SELECT l.enrolment_id FROM payroll_lines l WHERE l.run_id = $1 \
             AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.id = l.enrolment_id) LIMIT 1",
        )
        .bind(run.id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(enrolment_id) = unknown {
            return Err(invalid(&month, format!("enrolment {enrolment_id} does not exist")).into());
        }
        if written != lines.len() as u64 {
            return Err(StoreError::Corrupt {
                what: format!("payroll run {}", run.id),
                reason: format!("wrote {written} of {} lines", lines.len()),
            }
            .into());
        }
        let detail = serde_json::json!({
            "month": month,
            "lines": run.lines,
            "total_won": run.total_won,
            "policy_sha256": policy_sha256,
        });
        record::<DB>(&mut tx, &actor, ACTION_PAYROLL_RUN, &run_subject(run.id), detail).await?;
        tx.commit().await?;
        tracing::info!(run = run.id, month = %run.month, lines = run.lines, total_won = run.total_won, "payroll run created");
        Ok(run)
    }

    async fn step(pool: Pool<DB>, run_id: i64, step: Step, actor: String) -> Result<PayrollRunRecord, PayrollError> {
        let mut tx = DB::begin_write(&pool, Lock::Payroll).await?;
        let Some(run) = Self::run_in_tx(&mut tx, run_id).await? else {
            return Err(StoreError::NotFound {
                what: "payroll run".to_owned(),
                key: run_id.to_string(),
            }
            .into());
        };
        if run.status != step.from {
            return Err(PayrollError::WrongStatus {
                run_id,
                status: run.status,
            });
        }
        if step.to == APPROVE.to && run.created_by == actor {
            return Err(PayrollError::SelfApproval);
        }
        let changed: Option<RunRow> = sqlx::query_as(&format!(
            "UPDATE payroll_runs SET status = $2, {by} = $3, {at} = $4 WHERE id = $1 AND status = $5 \
             RETURNING {RUN_COLUMNS}",
            by = step.by,
            at = step.at
        ))
        .bind(run_id)
        .bind(step.to.to_owned())
        .bind(actor.clone())
        .bind(now())
        .bind(step.from.to_owned())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(changed) = changed else {
            // Only without the lock; kept for safety.
            return Err(PayrollError::WrongStatus {
                run_id,
                status: "changed".to_owned(),
            });
        };
        if step.to == CANCEL.to && !Self::move_head(&mut tx, None).await? {
            return Err(StoreError::Corrupt {
                what: "payroll ledger head".to_owned(),
                reason: "missing".to_owned(),
            }
            .into());
        }
        let run = PayrollRunRecord::from(changed);
        let detail = serde_json::json!({
            "month": run.month,
            "from": step.from,
            "to": step.to,
            "lines": run.lines,
            "total_won": run.total_won,
        });
        record::<DB>(&mut tx, &actor, step.action, &run_subject(run_id), detail).await?;
        tx.commit().await?;
        Ok(run)
    }

    async fn do_step(&self, run_id: i64, step: Step, actor: &str) -> Result<PayrollRunRecord, PayrollError> {
        let (pool, actor) = (self.pool.clone(), actor.to_owned());
        detached(async move { Ok(Self::step(pool, run_id, step, actor).await) })
            .await
            .map_err(PayrollError::Store)
            .and_then(|r| r)
    }
}

#[async_trait]
impl<DB> PayrollStore for SqlStore<DB>
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
    Option<DateTime<Utc>>: Col<DB>,
{
    async fn last_run_id(&self) -> Result<i64, StoreError> {
        let seq: Option<i64> = sqlx::query_scalar("SELECT seq FROM payroll_ledger_head WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?;
        seq.ok_or_else(|| StoreError::Corrupt {
            what: "payroll ledger head".to_owned(),
            reason: "missing".to_owned(),
        })
    }

    async fn paid_in_range(&self, ids: std::ops::RangeInclusive<i64>) -> Result<Vec<PaidPeriod>, StoreError> {
        let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT l.enrolment_id, l.period_index, CAST(SUM(l.amount_won) AS BIGINT) \
             FROM payroll_lines l JOIN payroll_runs r ON r.id = l.run_id \
             WHERE l.enrolment_id >= $1 AND l.enrolment_id <= $2 AND r.status <> 'cancelled' \
             GROUP BY l.enrolment_id, l.period_index ORDER BY l.enrolment_id, l.period_index",
        )
        .bind(*ids.start())
        .bind(*ids.end())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(enrolment_id, period_index, amount_won)| PaidPeriod {
                enrolment_id,
                period_index,
                amount_won,
            })
            .collect())
    }

    async fn create_run(
        &self,
        month: &str,
        policy_sha256: &str,
        expected_last_run: i64,
        lines: &[NewPayrollLine],
        actor: &str,
    ) -> Result<PayrollRunRecord, PayrollError> {
        let pool = self.pool.clone();
        let (month, sha, lines, actor) = (
            month.to_owned(),
            policy_sha256.to_owned(),
            lines.to_vec(),
            actor.to_owned(),
        );
        detached(async move { Ok(Self::create(pool, month, sha, expected_last_run, lines, actor).await) })
            .await
            .map_err(PayrollError::Store)
            .and_then(|r| r)
    }

    async fn approve(&self, run_id: i64, actor: &str) -> Result<PayrollRunRecord, PayrollError> {
        self.do_step(run_id, APPROVE, actor).await
    }

    async fn mark_exported(&self, run_id: i64, actor: &str) -> Result<PayrollRunRecord, PayrollError> {
        self.do_step(run_id, EXPORT, actor).await
    }

    async fn cancel(&self, run_id: i64, actor: &str) -> Result<PayrollRunRecord, PayrollError> {
        self.do_step(run_id, CANCEL, actor).await
    }

    async fn run(&self, run_id: i64) -> Result<Option<PayrollRunRecord>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        Self::run_in_tx(&mut conn, run_id).await
    }

    async fn runs(&self, month: Option<&str>) -> Result<Vec<PayrollRunRecord>, StoreError> {
        let rows: Vec<RunRow> = match month {
            Some(month) => {
                sqlx::query_as(&format!(
                    "SELECT {RUN_COLUMNS} FROM payroll_runs WHERE month = $1 ORDER BY id DESC"
                ))
                .bind(month.to_owned())
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query_as(&format!("SELECT {RUN_COLUMNS} FROM payroll_runs ORDER BY id DESC"))
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        Ok(rows.into_iter().map(PayrollRunRecord::from).collect())
    }

    async fn lines(&self, run_id: i64, offset: i64, limit: i64) -> Result<Vec<PayrollLineRecord>, StoreError> {
        // LIMIT -1 is "all" on SQLite only; a limit above any count works on both.
        let limit = match clamp_limit(limit) {
            0 => i64::MAX,
            n => n,
        };
        let rows: Vec<LineRow> = sqlx::query_as(&format!(
            "{} WHERE l.run_id = $1 ORDER BY l.enrolment_id, l.period_index, l.id LIMIT $2 OFFSET $3",
            select_lines::<DB>()
        ))
        .bind(run_id)
        .bind(limit)
        .bind(offset.max(0))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(PayrollLineRecord::try_from).collect()
    }

    async fn lines_of_enrolment(&self, enrolment_id: i64) -> Result<Vec<PayrollLineRecord>, StoreError> {
        let rows: Vec<LineRow> = sqlx::query_as(&format!(
            "{} WHERE l.enrolment_id = $1 ORDER BY l.id",
            select_lines::<DB>()
        ))
        .bind(enrolment_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(PayrollLineRecord::try_from).collect()
    }

    async fn totals(&self, run_id: i64, by: TotalsBy) -> Result<Vec<PayrollTotal>, StoreError> {
        let column = match by {
            TotalsBy::Programme => "programme",
            TotalsBy::RegionTier => "region_tier",
            TotalsBy::Province => "province",
            TotalsBy::Institution => "institution_id",
        };
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(&format!(
            "SELECT {column}, COUNT(*), CAST(SUM(amount_won) AS BIGINT) FROM payroll_lines \
             WHERE run_id = $1 GROUP BY {column}"
        ))
        .bind(run_id)
        .fetch_all(&self.pool)
        .await?;
        // Sorted here: the databases' text collations differ.
        let mut totals: Vec<PayrollTotal> = rows
            .into_iter()
            .map(|(key, lines, amount_won)| PayrollTotal { key, lines, amount_won })
            .collect();
        totals.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(totals)
    }
}
