//! Survey rounds and answers: the SQL both backends run. An import takes `Lock::SmeCases`.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Executor, IntoArguments, Pool, Row};

use super::audit::record;
use super::{detached, now, placeholders, Col, Dialect, Lock, SqlStore};
use crate::{
    NewSurveyRound, StoreError, SurveyAnswerRow, SurveyImport, SurveyRound, SurveyStore, ACTION_SME_SURVEY_IMPORT,
};

const ROUND_COLUMNS: &str =
    "id, name, fielded_from, fielded_to, source, content_sha256, answers, imported_at, imported_by";
const ANSWER_COLUMNS: &str = "line, business_number, size_band, province, ai_use, experience, need, intent, \
     fields_done, fields_needed, method_done, method_needed, level_done, level_needed, hours_done, hours_needed, \
     obstacles_done, obstacles_needed, support";
/// Rows per INSERT (20 parameters each), well under both backends' parameter limits.
const CHUNK: usize = 400;

fn round_of<DB, R>(row: &R) -> Result<SurveyRound, StoreError>
where
    DB: Dialect,
    R: Row<Database = DB>,
    for<'r> &'r str: ColumnIndex<R>,
    String: Col<DB>,
    i64: Col<DB>,
    DateTime<Utc>: Col<DB>,
    NaiveDate: Col<DB>,
{
    Ok(SurveyRound {
        id: row.try_get("id")?,
        round: NewSurveyRound {
            name: row.try_get("name")?,
            fielded_from: row.try_get("fielded_from")?,
            fielded_to: row.try_get("fielded_to")?,
            source: row.try_get("source")?,
            content_sha256: row.try_get("content_sha256")?,
        },
        answers: row.try_get("answers")?,
        imported_at: row.try_get("imported_at")?,
        imported_by: row.try_get("imported_by")?,
    })
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
    async fn import_survey(
        pool: Pool<DB>,
        round: NewSurveyRound,
        answers: Vec<SurveyAnswerRow>,
        actor: String,
    ) -> Result<SurveyImport, StoreError> {
        let mut tx = DB::begin_write(&pool, Lock::SmeCases).await?;
        let same = sqlx::query(&format!(
            "SELECT {ROUND_COLUMNS} FROM sme_survey_rounds WHERE content_sha256 = $1 OR name = $2"
        ))
        .bind(&round.content_sha256)
        .bind(&round.name)
        .fetch_all(&mut *tx)
        .await?;
        let stored = same.iter().map(round_of::<DB, _>).collect::<Result<Vec<_>, _>>()?;
        if let Some(stored) = stored
            .into_iter()
            .min_by_key(|s| s.round.content_sha256 != round.content_sha256)
        {
            if stored.round.content_sha256 == round.content_sha256 {
                tx.commit().await?;
                return Ok(SurveyImport {
                    round: stored,
                    created: false,
                });
            }
            return Err(StoreError::Conflict {
                what: "survey round".to_owned(),
                key: round.name.clone(),
                reason: "another file was imported under this name".to_owned(),
            });
        }
        let imported_at = now();
        let count = i64::try_from(answers.len()).unwrap_or(i64::MAX);
        let id: i64 = sqlx::query(
            "INSERT INTO sme_survey_rounds (name, fielded_from, fielded_to, source, content_sha256, answers, \
             imported_at, imported_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(&round.name)
        .bind(round.fielded_from)
        .bind(round.fielded_to)
        .bind(&round.source)
        .bind(&round.content_sha256)
        .bind(count)
        .bind(imported_at)
        .bind(&actor)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0usize)?;
        for chunk in answers.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO sme_survey_answers (round_id, {ANSWER_COLUMNS}) VALUES {}",
                placeholders(chunk.len(), 20)
            );
            let mut insert = sqlx::query(&sql);
            for a in chunk {
                insert = insert
                    .bind(id)
                    .bind(a.line)
                    .bind(a.business_number.clone())
                    .bind(a.size_band.clone())
                    .bind(a.province.clone())
                    .bind(a.ai_use)
                    .bind(a.experience.clone())
                    .bind(a.need)
                    .bind(a.intent)
                    .bind(a.fields_done)
                    .bind(a.fields_needed)
                    .bind(a.method_done)
                    .bind(a.method_needed)
                    .bind(a.level_done)
                    .bind(a.level_needed)
                    .bind(a.hours_done)
                    .bind(a.hours_needed)
                    .bind(a.obstacles_done)
                    .bind(a.obstacles_needed)
                    .bind(a.support);
            }
            insert.execute(&mut *tx).await?;
        }
        let detail = serde_json::json!({
            "name": round.name,
            "fielded_from": round.fielded_from,
            "fielded_to": round.fielded_to,
            "source": round.source,
            "content_sha256": round.content_sha256,
            "answers": count,
        });
        record::<DB>(
            &mut tx,
            &actor,
            ACTION_SME_SURVEY_IMPORT,
            &format!("sme_survey_round:{id}"),
            detail,
        )
        .await?;
        tx.commit().await?;
        Ok(SurveyImport {
            round: SurveyRound {
                id,
                round,
                answers: count,
                imported_at,
                imported_by: actor,
            },
            created: true,
        })
    }
}

#[async_trait]
impl<DB> SurveyStore for SqlStore<DB>
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
    async fn import_round(
        &self,
        round: &NewSurveyRound,
        answers: &[SurveyAnswerRow],
        actor: &str,
    ) -> Result<SurveyImport, StoreError> {
        detached(Self::import_survey(
            self.pool.clone(),
            round.clone(),
            answers.to_vec(),
            actor.to_owned(),
        ))
        .await
    }

    async fn rounds(&self) -> Result<Vec<SurveyRound>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {ROUND_COLUMNS} FROM sme_survey_rounds ORDER BY id DESC"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(round_of::<DB, _>).collect()
    }

    async fn round(&self, id: i64) -> Result<Option<SurveyRound>, StoreError> {
        let row = sqlx::query(&format!("SELECT {ROUND_COLUMNS} FROM sme_survey_rounds WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(round_of::<DB, _>).transpose()
    }

    async fn answers(&self, round_id: i64) -> Result<Vec<SurveyAnswerRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {ANSWER_COLUMNS} FROM sme_survey_answers WHERE round_id = $1 ORDER BY line"
        ))
        .bind(round_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(SurveyAnswerRow {
                    line: row.try_get("line")?,
                    business_number: row.try_get("business_number")?,
                    size_band: row.try_get("size_band")?,
                    province: row.try_get("province")?,
                    ai_use: row.try_get("ai_use")?,
                    experience: row.try_get("experience")?,
                    need: row.try_get("need")?,
                    intent: row.try_get("intent")?,
                    fields_done: row.try_get("fields_done")?,
                    fields_needed: row.try_get("fields_needed")?,
                    method_done: row.try_get("method_done")?,
                    method_needed: row.try_get("method_needed")?,
                    level_done: row.try_get("level_done")?,
                    level_needed: row.try_get("level_needed")?,
                    hours_done: row.try_get("hours_done")?,
                    hours_needed: row.try_get("hours_needed")?,
                    obstacles_done: row.try_get("obstacles_done")?,
                    obstacles_needed: row.try_get("obstacles_needed")?,
                    support: row.try_get("support")?,
                })
            })
            .collect()
    }
}
