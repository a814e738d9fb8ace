//! The population aggregate's statements: one write transaction, multi-row INSERTs in chunks.
//!
//! Ids are taken before the rows are written ([`PopulationSql::RESERVE_IDS`]) so that cards,
//! entries, enrolments and events can name their person or enrolment without reading anything
//! back: on PostgreSQL from the table's identity sequence (other writers keep taking their own
//! values meanwhile), on SQLite after the largest id ever given (the write lock is held).

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::query::Query;
use sqlx::{ColumnIndex, Executor, IntoArguments, Pool, Row};

use super::audit::record;
use super::{detached, Col, Dialect, Lock, SqlStore, INSERT_CHUNK};
use crate::population::{PopulationBatch, PopulationCounts, PopulationStore, ACTION_POPULATION_LOAD};
use crate::{seoul_date, StoreError};

/// What differs between the backends for a bulk load.
pub(crate) trait PopulationSql {
    /// Returns `$1` fresh ids for the table named `{table}`, one a row.
    const RESERVE_IDS: &'static str;
    /// Written after the column list of an INSERT that gives identity columns their values.
    const OVERRIDE_IDENTITY: &'static str;
}

/// `placeholders` with a cast after some columns (`casts[i]` follows column `i`).
fn placeholders_cast(rows: usize, casts: &[&str]) -> String {
    let columns = casts.len();
    let mut sql = String::with_capacity(rows * columns * 6);
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for (column, cast) in casts.iter().enumerate() {
            if column > 0 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&(row * columns + column + 1).to_string());
            sql.push_str(cast);
        }
        sql.push(')');
    }
    sql
}

/// Runs `head VALUES (…), (…) tail` over `rows`, [`INSERT_CHUNK`] rows a statement.
async fn insert_chunks<'a, DB, T, F>(
    conn: &mut DB::Connection,
    head: &str,
    tail: &str,
    casts: &[&str],
    rows: &'a [T],
    bind: F,
) -> Result<u64, StoreError>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    F: for<'q> Fn(Query<'q, DB, DB::Arguments<'q>>, &'a T) -> Query<'q, DB, DB::Arguments<'q>>,
{
    let mut written = 0;
    for chunk in rows.chunks(INSERT_CHUNK) {
        let sql = format!("{head} VALUES {} {tail}", placeholders_cast(chunk.len(), casts));
        let mut query = sqlx::query(&sql);
        for row in chunk {
            query = bind(query, row);
        }
        written += DB::rows_affected(&query.execute(&mut *conn).await?);
    }
    Ok(written)
}

async fn reserve<DB>(conn: &mut DB::Connection, table: &str, n: usize) -> Result<Vec<i64>, StoreError>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    usize: ColumnIndex<DB::Row>,
    i64: Col<DB>,
{
    if n == 0 {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = sqlx::query_scalar(&DB::RESERVE_IDS.replace("{table}", table))
        .bind(n as i64)
        .fetch_all(&mut *conn)
        .await?;
    if ids.len() != n {
        return Err(StoreError::Corrupt {
            what: format!("{table} ids"),
            reason: format!("asked for {n}, got {}", ids.len()),
        });
    }
    Ok(ids)
}

fn outside(what: &str, index: usize, people: usize) -> StoreError {
    StoreError::Conflict {
        what: what.to_owned(),
        key: index.to_string(),
        reason: format!("refers to a person outside the batch (it has {people})"),
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
    Option<DateTime<Utc>>: Col<DB>,
{
    async fn load_population(
        pool: Pool<DB>,
        batch: PopulationBatch,
        actor: String,
    ) -> Result<PopulationCounts, StoreError> {
        let people = batch.people.len();
        if let Some(i) = batch.cards.iter().position(|c| c.person >= people) {
            return Err(outside("card", i, people));
        }
        if let Some(i) = batch.diagnoses.iter().position(|d| d.person >= people) {
            return Err(outside("diagnosis run", i, people));
        }
        if let Some(i) = batch.enrolments.iter().position(|e| e.person >= people) {
            return Err(outside("enrolment", i, people));
        }
        let mut tx = DB::begin_write(&pool, Lock::People).await?;
        let mut counts = PopulationCounts::default();

        let person_ids = reserve::<DB>(&mut tx, "people", people).await?;
        let rows: Vec<(i64, &crate::PopulationPerson)> = person_ids.iter().copied().zip(&batch.people).collect();
        counts.people = insert_chunks::<DB, _, _>(
            &mut tx,
            &format!(
                "INSERT INTO people (id, stage, status, employer_size, region_code, age_band, target_groups, \
                 kukchi, external_id_hash, created_at, updated_at) {}",
                DB::OVERRIDE_IDENTITY
            ),
            "",
            &[""; 11],
            &rows,
            |q, (id, p)| {
                let f = &p.fields;
                q.bind(*id)
                    .bind(f.stage.clone())
                    .bind(f.status.clone())
                    .bind(f.employer_size.clone())
                    .bind(f.region_code.clone())
                    .bind(f.age_band.clone())
                    .bind(f.target_groups.clone())
                    .bind(f.kukchi.clone())
                    .bind(f.external_id_hash.clone())
                    .bind(p.created_at)
                    .bind(p.created_at)
            },
        )
        .await?;

        let card_ids = reserve::<DB>(&mut tx, "card_accounts", batch.cards.len()).await?;
        let cards: Vec<(i64, i64, &crate::PopulationCard)> = card_ids
            .iter()
            .zip(&batch.cards)
            .map(|(&id, c)| (id, person_ids[c.person], c))
            .collect();
        counts.card_accounts = insert_chunks::<DB, _, _>(
            &mut tx,
            &format!(
                "INSERT INTO card_accounts (id, person_id, issued_on, expires_on, balance_won, last_seq, \
                 extra_granted, expired, created_at) {}",
                DB::OVERRIDE_IDENTITY
            ),
            "",
            &[""; 9],
            &cards,
            |q, (id, person, c)| {
                q.bind(*id)
                    .bind(*person)
                    .bind(c.issued_on)
                    .bind(c.expires_on)
                    .bind(c.amount_won)
                    .bind(1_i64)
                    .bind(false)
                    .bind(false)
                    .bind(c.at)
            },
        )
        .await?;
        let mut casts = [""; 10];
        casts[7] = DB::DETAIL_PARAM;
        counts.card_entries = insert_chunks::<DB, _, _>(
            &mut tx,
            "INSERT INTO card_entries (card_id, seq, kind, amount_won, balance_after_won, on_date, at, params, \
             rule, actor)",
            "",
            &casts,
            &cards,
            |q, (id, _, c)| {
                q.bind(*id)
                    .bind(1_i64)
                    .bind("issue".to_owned())
                    .bind(c.amount_won)
                    .bind(c.amount_won)
                    .bind(c.issued_on)
                    .bind(c.at)
                    .bind(c.params.to_string())
                    .bind(c.rule.clone())
                    .bind(actor.clone())
            },
        )
        .await?;

        let run_ids = reserve::<DB>(&mut tx, "diagnosis_runs", batch.diagnoses.len()).await?;
        let runs: Vec<(i64, i64, &crate::PopulationDiagnosis)> = run_ids
            .iter()
            .zip(&batch.diagnoses)
            .map(|(&id, d)| (id, person_ids[d.person], d))
            .collect();
        counts.diagnosis_runs = insert_chunks::<DB, _, _>(
            &mut tx,
            &format!(
                "INSERT INTO diagnosis_runs (id, person_id, run_no, taken_on, recorded_at, bank_version, mastery_bp, \
                 step_pass_bp, step_reached) {}",
                DB::OVERRIDE_IDENTITY
            ),
            "",
            &[""; 9],
            &runs,
            |q, (id, person, d)| {
                q.bind(*id)
                    .bind(*person)
                    .bind(d.run_no)
                    .bind(d.taken_on)
                    .bind(d.recorded_at)
                    .bind(d.bank_version.clone())
                    .bind(d.mastery_bp)
                    .bind(d.step_pass_bp)
                    .bind(d.step_reached.clone())
            },
        )
        .await?;
        let answers: Vec<(i64, i64, &crate::DiagnosisAnswer)> = runs
            .iter()
            .flat_map(|(id, _, d)| {
                d.answers
                    .iter()
                    .zip(0_i64..)
                    .map(move |(a, position)| (*id, position, a))
            })
            .collect();
        counts.diagnosis_answers = insert_chunks::<DB, _, _>(
            &mut tx,
            "INSERT INTO diagnosis_answers (run_id, position, item_id, chosen, correct)",
            "",
            &[""; 5],
            &answers,
            |q, (id, position, a)| {
                q.bind(*id)
                    .bind(*position)
                    .bind(a.item_id.clone())
                    .bind(a.chosen)
                    .bind(a.correct)
            },
        )
        .await?;
        drop(answers);
        let results: Vec<(i64, &crate::DiagnosisResult)> = runs
            .iter()
            .flat_map(|(id, _, d)| d.results.iter().map(move |r| (*id, r)))
            .collect();
        counts.diagnosis_results = insert_chunks::<DB, _, _>(
            &mut tx,
            "INSERT INTO diagnosis_results (run_id, dimension, code, items, correct, score_bp, gap_bp)",
            "",
            &[""; 7],
            &results,
            |q, (id, r)| {
                q.bind(*id)
                    .bind(r.dimension.clone())
                    .bind(r.code.clone())
                    .bind(r.items)
                    .bind(r.correct)
                    .bind(r.score_bp)
                    .bind(r.gap_bp)
            },
        )
        .await?;
        drop(results);

        let enrolment_ids = reserve::<DB>(&mut tx, "enrolments", batch.enrolments.len()).await?;
        let enrolments: Vec<(i64, i64, &crate::PopulationEnrolment)> = enrolment_ids
            .iter()
            .zip(&batch.enrolments)
            .map(|(&id, e)| (id, person_ids[e.person], e))
            .collect();
        counts.enrolments = insert_chunks::<DB, _, _>(
            &mut tx,
            &format!(
                "INSERT INTO enrolments (id, person_id, course_id, cohort_ordinal, institution_id, programme, \
                 cohort_start, cohort_end, status, applied_at, updated_at, waiting_since, fee_won) {}",
                DB::OVERRIDE_IDENTITY
            ),
            "",
            &[""; 13],
            &enrolments,
            |q, (id, person, e)| {
                q.bind(*id)
                    .bind(*person)
                    .bind(e.course_id.clone())
                    .bind(e.cohort_ordinal)
                    .bind(e.institution_id.clone())
                    .bind(e.programme.clone())
                    .bind(e.cohort_start)
                    .bind(e.cohort_end)
                    .bind(e.status.clone())
                    .bind(e.applied_at)
                    .bind(e.updated_at)
                    .bind(e.waiting_since)
                    .bind(e.fee_won)
            },
        )
        .await?;
        let events: Vec<(i64, i64, &crate::PopulationEvent)> = enrolments
            .iter()
            .flat_map(|(id, _, e)| e.events.iter().zip(1_i64..).map(move |(event, seq)| (*id, seq, event)))
            .collect();
        counts.enrolment_events = insert_chunks::<DB, _, _>(
            &mut tx,
            "INSERT INTO enrolment_events (enrolment_id, seq, event, from_status, to_status, actor, at, seoul_date)",
            "",
            &[""; 8],
            &events,
            |q, (id, seq, e)| {
                q.bind(*id)
                    .bind(*seq)
                    .bind(e.event.clone())
                    .bind(e.from_status.clone())
                    .bind(e.to_status.clone())
                    .bind(actor.clone())
                    .bind(e.at)
                    .bind(seoul_date(e.at))
            },
        )
        .await?;
        counts.cohort_seats = insert_chunks::<DB, _, _>(
            &mut tx,
            "INSERT INTO cohort_seats (course_id, cohort_ordinal, seats, taken)",
            "ON CONFLICT (course_id, cohort_ordinal) DO UPDATE SET taken = cohort_seats.taken + excluded.taken",
            &[""; 4],
            &batch.seats,
            |q, s| {
                q.bind(s.course_id.clone())
                    .bind(s.cohort_ordinal)
                    .bind(s.seats)
                    .bind(s.taken)
            },
        )
        .await?;

        let detail = serde_json::json!({
            "counts": counts,
            "first_person_id": person_ids.first(),
            "last_person_id": person_ids.last(),
        });
        record::<DB>(&mut tx, &actor, ACTION_POPULATION_LOAD, "population", detail).await?;
        tx.commit().await?;
        Ok(counts)
    }
}

#[async_trait]
impl<DB> PopulationStore for SqlStore<DB>
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
    Option<DateTime<Utc>>: Col<DB>,
{
    async fn load(&self, batch: PopulationBatch, actor: &str) -> Result<PopulationCounts, StoreError> {
        let (pool, actor) = (self.pool.clone(), actor.to_owned());
        detached(Self::load_population(pool, batch, actor)).await
    }

    async fn counts(&self) -> Result<PopulationCounts, StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM people), (SELECT COUNT(*) FROM card_accounts), \
             (SELECT COUNT(*) FROM card_entries), (SELECT COUNT(*) FROM diagnosis_runs), \
             (SELECT COUNT(*) FROM diagnosis_answers), (SELECT COUNT(*) FROM diagnosis_results), \
             (SELECT COUNT(*) FROM enrolments), (SELECT COUNT(*) FROM enrolment_events), \
             (SELECT COUNT(*) FROM cohort_seats)",
        )
        .fetch_one(&self.pool)
        .await?;
        let column = |i: usize| -> Result<u64, StoreError> { Ok(row.try_get::<i64, _>(i)?.max(0) as u64) };
        Ok(PopulationCounts {
            people: column(0)?,
            card_accounts: column(1)?,
            card_entries: column(2)?,
            diagnosis_runs: column(3)?,
            diagnosis_answers: column(4)?,
            diagnosis_results: column(5)?,
            enrolments: column(6)?,
            enrolment_events: column(7)?,
            cohort_seats: column(8)?,
        })
    }
}
