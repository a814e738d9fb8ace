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

const RUN_COLUMNS: &str = "id, person_id, run_no, taken_on, recorded_at, bank_version, mastery_bp, step_pass_bp, \
     step_reached, item_ids, choices, correct";

/// A run's answers as the three columns of `diagnosis_runs` hold them: the item ids
/// comma-separated, one character per choice (`0`-`3`, `-` for none) and one per correctness
/// (`1`/`0`). Values the columns' CHECKs refuse (an option outside 0-9, an item id with a
/// comma) are written as they come so that the database refuses the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EncodedAnswers {
    pub(crate) item_ids: String,
    pub(crate) choices: String,
    pub(crate) correct: String,
}

impl EncodedAnswers {
    pub(crate) fn new(answers: &[DiagnosisAnswer]) -> Self {
        let mut encoded = EncodedAnswers {
            item_ids: String::with_capacity(answers.len() * 12),
            choices: String::with_capacity(answers.len()),
            correct: String::with_capacity(answers.len()),
        };
        for (n, answer) in answers.iter().enumerate() {
            if n > 0 {
                encoded.item_ids.push(',');
            }
            encoded.item_ids.push_str(&answer.item_id);
            encoded.choices.push(match answer.chosen {
                None => '-',
                Some(option) => u32::try_from(option)
                    .ok()
                    .and_then(|o| char::from_digit(o, 10))
                    .unwrap_or('?'),
            });
            encoded.correct.push(if answer.correct { '1' } else { '0' });
        }
        encoded
    }

    /// The answers back, in form order; columns that disagree are [`StoreError::Corrupt`].
    pub(crate) fn decode(&self, run_id: i64) -> Result<Vec<DiagnosisAnswer>, StoreError> {
        let corrupt = |reason: &str| StoreError::Corrupt {
            what: format!("answers of diagnosis run {run_id}"),
            reason: reason.to_owned(),
        };
        if self.choices.is_empty() && self.item_ids.is_empty() {
            return Ok(Vec::new());
        }
        let items: Vec<&str> = self.item_ids.split(',').collect();
        let choices: Vec<char> = self.choices.chars().collect();
        let correct: Vec<char> = self.correct.chars().collect();
        if items.len() != choices.len() || choices.len() != correct.len() {
            return Err(corrupt("item ids, choices and correctness differ in length"));
        }
        items
            .into_iter()
            .zip(choices)
            .zip(correct)
            .map(|((item_id, choice), right)| {
                let chosen = match choice {
                    '-' => None,
                    c => Some(i64::from(c.to_digit(4).ok_or_else(|| corrupt("a choice outside 0-3"))?)),
                };
                let correct = match right {
                    '1' => true,
                    '0' => false,
                    _ => return Err(corrupt("a correctness other than 0 or 1")),
                };
                Ok(DiagnosisAnswer {
                    item_id: item_id.to_owned(),
                    chosen,
                    correct,
                })
            })
            .collect()
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
        let answers = EncodedAnswers::new(&run.answers);
        let inserted = sqlx::query(
            "INSERT INTO diagnosis_runs (person_id, run_no, taken_on, recorded_at, bank_version, mastery_bp, \
             step_pass_bp, step_reached, item_ids, choices, correct) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(run.person_id)
        .bind(run.run_no)
        .bind(run.taken_on)
        .bind(recorded_at)
        .bind(&run.bank_version)
        .bind(run.mastery_bp)
        .bind(run.step_pass_bp)
        .bind(&run.step_reached)
        .bind(&answers.item_ids)
        .bind(&answers.choices)
        .bind(&answers.correct)
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
            let answers = EncodedAnswers {
                item_ids: row.try_get("item_ids")?,
                choices: row.try_get("choices")?,
                correct: row.try_get("correct")?,
            }
            .decode(id)?;
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
