//! The diagnosis aggregate's statements (the same on both backends).
//!
//! Recording a run takes no advisory lock on PostgreSQL ([`Lock::RowLevel`]): runs of different
//! people never touch the same rows, and the `UNIQUE (person_id, run_no)` constraint settles two
//! submissions of the same form, of which exactly one is stored.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Executor, IntoArguments, Pool, Row};

use super::audit::record;
use super::{detached, is_unique_violation, now, placeholders, Col, Dialect, Lock, SqlStore};
use crate::{
    DiagnosisAnswer, DiagnosisResult, DiagnosisRun, DiagnosisStore, NewDiagnosisRun, StoreError,
    ACTION_DIAGNOSIS_RECORD,
};

/// Results as read back: steps first, then modules, each by code in byte order (whatever the
/// database's collation).
fn sort_results(results: &mut [DiagnosisResult]) {
    results.sort_by(|a, b| b.dimension.cmp(&a.dimension).then_with(|| a.code.cmp(&b.code)));
}

const RUN_COLUMNS: &str =
    "id, person_id, run_no, taken_on, recorded_at, bank_version, mastery_bp, step_pass_bp, step_reached";

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
{
    async fn record_run(pool: Pool<DB>, mut run: NewDiagnosisRun, actor: String) -> Result<DiagnosisRun, StoreError> {
        sort_results(&mut run.results);
        let mut tx = DB::begin_write(&pool, Lock::RowLevel).await?;
        let person: Option<i64> = sqlx::query_scalar("SELECT id FROM people WHERE id = $1")
            .bind(run.person_id)
            .fetch_optional(&mut *tx)
            .await?;
        if person.is_none() {
            return Err(StoreError::NotFound {
                what: "person".to_owned(),
                key: run.person_id.to_string(),
            });
        }
        let recorded_at = now();
        let inserted = sqlx::query(
            "INSERT INTO diagnosis_runs (person_id, run_no, taken_on, recorded_at, bank_version, mastery_bp, \
             step_pass_bp, step_reached) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(run.person_id)
        .bind(run.run_no)
        .bind(run.taken_on)
        .bind(recorded_at)
        .bind(&run.bank_version)
        .bind(run.mastery_bp)
        .bind(run.step_pass_bp)
        .bind(&run.step_reached)
        .fetch_one(&mut *tx)
        .await;
        let id: i64 = match inserted {
            Ok(row) => row.try_get(0usize)?,
            Err(e) if is_unique_violation(&e) => {
                return Err(StoreError::Conflict {
                    what: "diagnosis run".to_owned(),
                    key: format!("{} of person {}", run.run_no, run.person_id),
                    reason: "this run is already recorded (was the form sent twice?)".to_owned(),
                })
            }
            Err(e) => return Err(e.into()),
        };
        if !run.answers.is_empty() {
            let sql = format!(
                "INSERT INTO diagnosis_answers (run_id, position, item_id, chosen, correct) VALUES {}",
                placeholders(run.answers.len(), 5)
            );
            let mut insert = sqlx::query(&sql);
            for (position, answer) in run.answers.iter().enumerate() {
                insert = insert
                    .bind(id)
                    .bind(position as i64)
                    .bind(&answer.item_id)
                    .bind(answer.chosen)
                    .bind(answer.correct);
            }
            insert.execute(&mut *tx).await?;
        }
        if !run.results.is_empty() {
            let sql = format!(
                "INSERT INTO diagnosis_results (run_id, dimension, code, items, correct, score_bp, gap_bp) VALUES {}",
                placeholders(run.results.len(), 7)
            );
            let mut insert = sqlx::query(&sql);
            for r in &run.results {
                insert = insert
                    .bind(id)
                    .bind(&r.dimension)
                    .bind(&r.code)
                    .bind(r.items)
                    .bind(r.correct)
                    .bind(r.score_bp)
                    .bind(r.gap_bp);
            }
            insert.execute(&mut *tx).await?;
        }
        let detail = serde_json::json!({
            "person_id": run.person_id,
            "run_no": run.run_no,
            "taken_on": run.taken_on,
            "bank_version": run.bank_version,
            "step_reached": run.step_reached,
            "items": run.answers.len(),
        });
        record::<DB>(
            &mut tx,
            &actor,
            ACTION_DIAGNOSIS_RECORD,
            &format!("diagnosis:{id}"),
            detail,
        )
        .await?;
        tx.commit().await?;
        Ok(DiagnosisRun { id, recorded_at, run })
    }

    /// The runs matching `condition` (on `diagnosis_runs`, one `$1` parameter), oldest first,
    /// with their answers and results, from one snapshot.
    async fn runs_where(pool: Pool<DB>, condition: &'static str, value: i64) -> Result<Vec<DiagnosisRun>, StoreError> {
        let mut tx = DB::begin_read(&pool).await?;
        let rows = sqlx::query(&format!(
            "SELECT {RUN_COLUMNS} FROM diagnosis_runs WHERE {condition} ORDER BY run_no, id"
        ))
        .bind(value)
        .fetch_all(&mut *tx)
        .await?;
        let mut runs = Vec::with_capacity(rows.len());
        for row in rows {
            let id: i64 = row.try_get("id")?;
            let answers = sqlx::query(
                "SELECT item_id, chosen, correct FROM diagnosis_answers WHERE run_id = $1 ORDER BY position",
            )
            .bind(id)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|a| {
                Ok(DiagnosisAnswer {
                    item_id: a.try_get("item_id")?,
                    chosen: a.try_get("chosen")?,
                    correct: a.try_get("correct")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
            let mut results = sqlx::query(
                "SELECT dimension, code, items, correct, score_bp, gap_bp FROM diagnosis_results WHERE run_id = $1",
            )
            .bind(id)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| {
                Ok(DiagnosisResult {
                    dimension: r.try_get("dimension")?,
                    code: r.try_get("code")?,
                    items: r.try_get("items")?,
                    correct: r.try_get("correct")?,
                    score_bp: r.try_get("score_bp")?,
                    gap_bp: r.try_get("gap_bp")?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
            sort_results(&mut results);
            runs.push(DiagnosisRun {
                id,
                recorded_at: row.try_get("recorded_at")?,
                run: NewDiagnosisRun {
                    person_id: row.try_get("person_id")?,
                    run_no: row.try_get("run_no")?,
                    taken_on: row.try_get("taken_on")?,
                    bank_version: row.try_get("bank_version")?,
                    mastery_bp: row.try_get("mastery_bp")?,
                    step_pass_bp: row.try_get("step_pass_bp")?,
                    step_reached: row.try_get("step_reached")?,
                    answers,
                    results,
                },
            });
        }
        tx.commit().await?;
        Ok(runs)
    }
}

#[async_trait]
impl<DB> DiagnosisStore for SqlStore<DB>
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
{
    async fn record(&self, run: &NewDiagnosisRun, actor: &str) -> Result<DiagnosisRun, StoreError> {
        detached(Self::record_run(self.pool.clone(), run.clone(), actor.to_owned())).await
    }

    async fn run(&self, id: i64) -> Result<Option<DiagnosisRun>, StoreError> {
        let mut runs = detached(Self::runs_where(self.pool.clone(), "id = $1", id)).await?;
        Ok(runs.pop())
    }

    async fn history(&self, person_id: i64) -> Result<Vec<DiagnosisRun>, StoreError> {
        detached(Self::runs_where(self.pool.clone(), "person_id = $1", person_id)).await
    }

    async fn next_run_no(&self, person_id: i64) -> Result<i64, StoreError> {
        let last: Option<i64> = sqlx::query_scalar("SELECT MAX(run_no) FROM diagnosis_runs WHERE person_id = $1")
            .bind(person_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(last.unwrap_or(0) + 1)
    }
}
