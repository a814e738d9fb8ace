//! The population aggregate's statements: one write transaction; rows go to each table through
//! the backend's bulk writer ([`PopulationSql::write_rows`]: multi-row INSERTs in chunks on
//! SQLite, `COPY … FROM STDIN` on PostgreSQL), [`WRITE_ROWS`] rows at a time.
//!
//! Ids are taken before the rows are written ([`PopulationSql::RESERVE_IDS`]) so that cards,
//! entries, runs, enrolments and events can name their person, run or enrolment without reading
//! anything back: on PostgreSQL from the table's identity sequence (other writers keep taking
//! their own values meanwhile), on SQLite after the largest id ever given (the write lock is
//! held).

use std::future::Future;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Executor, IntoArguments, Pool, Row};

use super::audit::record;
use super::diagnosis::EncodedAnswers;
use super::{detached, placeholders, Col, Dialect, Lock, SqlStore};
use crate::population::{PopulationBatch, PopulationCounts, PopulationStore, ACTION_POPULATION_LOAD};
use crate::{seoul_date, StoreError};

/// One value of a bulk row.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Cell<'a> {
    Int(i64),
    MaybeInt(Option<i64>),
    Text(&'a str),
    MaybeText(Option<&'a str>),
    Bool(bool),
    Date(NaiveDate),
    Time(DateTime<Utc>),
    MaybeTime(Option<DateTime<Utc>>),
    /// JSON text for a JSON column.
    Json(&'a str),
    /// Bytes for a BLOB / BYTEA column.
    Bytes(&'a [u8]),
}

/// Appends `bytes` as lower-case hex digits (bulk writers send blobs as hex text).
pub(crate) fn push_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    out.reserve(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
}

/// A table's rows: `columns.len()` cells a row, row after row.
pub(crate) struct Rows<'a> {
    pub(crate) table: &'static str,
    pub(crate) columns: &'static [&'static str],
    pub(crate) cells: Vec<Cell<'a>>,
}

/// Rows handed to the backend's writer at a time (bounds the cells built beside the batch).
const WRITE_ROWS: usize = 20_000;

/// What differs between the backends for a bulk load.
pub(crate) trait PopulationSql: sqlx::Database {
    /// Returns `$1` fresh ids for the table named `{table}`, one a row.
    const RESERVE_IDS: &'static str;

    /// Writes `rows` inside the caller's transaction; returns how many rows were written.
    fn write_rows<'c>(
        conn: &'c mut Self::Connection,
        rows: &'c Rows<'c>,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send + 'c;
}

/// Writes `items` as rows of `table`, [`WRITE_ROWS`] at a time; `cells` gives one row's cells.
pub(crate) async fn write_all<'i, DB, T>(
    conn: &mut DB::Connection,
    table: &'static str,
    columns: &'static [&'static str],
    items: &'i [T],
    cells: impl Fn(&'i T, &mut Vec<Cell<'i>>),
) -> Result<u64, StoreError>
where
    DB: Dialect,
{
    let started = std::time::Instant::now();
    let mut written = 0;
    for chunk in items.chunks(WRITE_ROWS) {
        let mut rows = Rows {
            table,
            columns,
            cells: Vec::with_capacity(chunk.len() * columns.len()),
        };
        for item in chunk {
            cells(item, &mut rows.cells);
        }
        debug_assert_eq!(rows.cells.len(), chunk.len() * columns.len());
        written += DB::write_rows(conn, &rows).await?;
    }
    tracing::debug!(
        table,
        rows = written,
        ms = started.elapsed().as_millis() as u64,
        "population rows written"
    );
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

const PEOPLE: &[&str] = &[
    "id",
    "stage",
    "status",
    "employer_size",
    "region_code",
    "age_band",
    "target_groups",
    "kukchi",
    "external_id_hash",
    "created_at",
    "updated_at",
];
const CARD_ACCOUNTS: &[&str] = &[
    "id",
    "person_id",
    "issued_on",
    "expires_on",
    "balance_won",
    "last_seq",
    "extra_granted",
    "expired",
    "created_at",
];
const CARD_ENTRIES: &[&str] = &[
    "card_id",
    "seq",
    "kind",
    "amount_won",
    "balance_after_won",
    "on_date",
    "at",
    "params",
    "rule",
    "actor",
    "enrolment_id",
];
const DIAGNOSIS_RUNS: &[&str] = &[
    "id",
    "person_id",
    "run_no",
    "taken_on",
    "recorded_at",
    "bank_version",
    "mastery_bp",
    "step_pass_bp",
    "step_reached",
    "item_ids",
    "choices",
    "correct",
];
const DIAGNOSIS_RESULTS: &[&str] = &["run_id", "dimension", "code", "items", "correct", "score_bp", "gap_bp"];
const ENROLMENTS: &[&str] = &[
    "id",
    "person_id",
    "course_id",
    "cohort_ordinal",
    "institution_id",
    "programme",
    "cohort_start",
    "cohort_end",
    "status",
    "applied_at",
    "updated_at",
    "waiting_since",
    "fee_won",
    "card_hold_won",
    "self_payment_won",
];
const ENROLMENT_EVENTS: &[&str] = &[
    "enrolment_id",
    "seq",
    "event",
    "from_status",
    "to_status",
    "actor",
    "at",
    "seoul_date",
];

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
        if let Some(i) = batch.cards.iter().position(|c| {
            c.entries.is_empty()
                || c.entries
                    .iter()
                    .any(|e| e.enrolment.is_some_and(|n| n >= batch.enrolments.len()))
        }) {
            return Err(StoreError::Conflict {
                what: "card".to_owned(),
                key: i.to_string(),
                reason: "has no entries, or an entry refers to an enrolment outside the batch".to_owned(),
            });
        }
        let actor = actor.as_str();
        let mut tx = DB::begin_write(&pool, Lock::People).await?;
        let mut counts = PopulationCounts::default();

        let person_ids = reserve::<DB>(&mut tx, "people", people).await?;
        let rows: Vec<(i64, &crate::PopulationPerson)> = person_ids.iter().copied().zip(&batch.people).collect();
        counts.people = write_all::<DB, _>(&mut tx, "people", PEOPLE, &rows, |(id, p), out| {
            let f = &p.fields;
            out.extend([
                Cell::Int(*id),
                Cell::Text(&f.stage),
                Cell::Text(&f.status),
                Cell::MaybeText(f.employer_size.as_deref()),
                Cell::Text(&f.region_code),
                Cell::Text(&f.age_band),
                Cell::Text(&f.target_groups),
                Cell::Text(&f.kukchi),
                Cell::MaybeText(f.external_id_hash.as_deref()),
                Cell::Time(p.created_at),
                Cell::Time(p.created_at),
            ]);
        })
        .await?;

        let card_ids = reserve::<DB>(&mut tx, "card_accounts", batch.cards.len()).await?;
        let cards: Vec<(i64, i64, &crate::PopulationCard)> = card_ids
            .iter()
            .zip(&batch.cards)
            .map(|(&id, c)| (id, person_ids[c.person], c))
            .collect();
        counts.card_accounts = write_all::<DB, _>(
            &mut tx,
            "card_accounts",
            CARD_ACCOUNTS,
            &cards,
            |(id, person, c), out| {
                let balance = c.entries.last().map_or(0, |e| e.balance_after_won);
                out.extend([
                    Cell::Int(*id),
                    Cell::Int(*person),
                    Cell::Date(c.issued_on),
                    Cell::Date(c.expires_on),
                    Cell::Int(balance),
                    Cell::Int(c.entries.len() as i64),
                    Cell::Bool(c.entries.iter().any(|e| e.kind == "extra")),
                    Cell::Bool(false),
                    Cell::Time(c.entries.first().map_or_else(Utc::now, |e| e.at)),
                ]);
            },
        )
        .await?;

        let run_ids = reserve::<DB>(&mut tx, "diagnosis_runs", batch.diagnoses.len()).await?;
        let runs: Vec<(i64, i64, &crate::PopulationDiagnosis, EncodedAnswers)> = run_ids
            .iter()
            .zip(&batch.diagnoses)
            .map(|(&id, d)| (id, person_ids[d.person], d, EncodedAnswers::new(&d.answers)))
            .collect();
        counts.diagnosis_runs = write_all::<DB, _>(
            &mut tx,
            "diagnosis_runs",
            DIAGNOSIS_RUNS,
            &runs,
            |(id, person, d, answers), out| {
                out.extend([
                    Cell::Int(*id),
                    Cell::Int(*person),
                    Cell::Int(d.run_no),
                    Cell::Date(d.taken_on),
                    Cell::Time(d.recorded_at),
                    Cell::Text(&d.bank_version),
                    Cell::Int(d.mastery_bp),
                    Cell::Int(d.step_pass_bp),
                    Cell::MaybeText(d.step_reached.as_deref()),
                    Cell::Text(&answers.item_ids),
                    Cell::Text(&answers.choices),
                    Cell::Text(&answers.correct),
                ]);
            },
        )
        .await?;
        let results: Vec<(i64, &crate::DiagnosisResult)> = runs
            .iter()
            .flat_map(|(id, _, d, _)| d.results.iter().map(move |r| (*id, r)))
            .collect();
        counts.diagnosis_results = write_all::<DB, _>(
            &mut tx,
            "diagnosis_results",
            DIAGNOSIS_RESULTS,
            &results,
            |(id, r), out| {
                out.extend([
                    Cell::Int(*id),
                    Cell::Text(&r.dimension),
                    Cell::Text(&r.code),
                    Cell::Int(r.items),
                    Cell::Int(r.correct),
                    Cell::Int(r.score_bp),
                    Cell::Int(r.gap_bp),
                ]);
            },
        )
        .await?;
        drop(results);
        drop(runs);

        let enrolment_ids = reserve::<DB>(&mut tx, "enrolments", batch.enrolments.len()).await?;
        let enrolments: Vec<(i64, i64, &crate::PopulationEnrolment)> = enrolment_ids
            .iter()
            .zip(&batch.enrolments)
            .map(|(&id, e)| (id, person_ids[e.person], e))
            .collect();
        counts.enrolments = write_all::<DB, _>(
            &mut tx,
            "enrolments",
            ENROLMENTS,
            &enrolments,
            |(id, person, e), out| {
                out.extend([
                    Cell::Int(*id),
                    Cell::Int(*person),
                    Cell::Text(&e.course_id),
                    Cell::Int(e.cohort_ordinal),
                    Cell::Text(&e.institution_id),
                    Cell::Text(&e.programme),
                    Cell::Date(e.cohort_start),
                    Cell::Date(e.cohort_end),
                    Cell::Text(&e.status),
                    Cell::Time(e.applied_at),
                    Cell::Time(e.updated_at),
                    Cell::MaybeTime(e.waiting_since),
                    Cell::Int(e.fee_won),
                    Cell::Int(e.card_hold_won),
                    Cell::Int(e.self_payment_won),
                ]);
            },
        )
        .await?;
        let events: Vec<(i64, i64, &crate::PopulationEvent)> = enrolments
            .iter()
            .flat_map(|(id, _, e)| e.events.iter().zip(1_i64..).map(move |(event, seq)| (*id, seq, event)))
            .collect();
        counts.enrolment_events = write_all::<DB, _>(
            &mut tx,
            "enrolment_events",
            ENROLMENT_EVENTS,
            &events,
            |(id, seq, e), out| {
                out.extend([
                    Cell::Int(*id),
                    Cell::Int(*seq),
                    Cell::Text(&e.event),
                    Cell::MaybeText(e.from_status.as_deref()),
                    Cell::Text(&e.to_status),
                    Cell::Text(actor),
                    Cell::Time(e.at),
                    Cell::Date(seoul_date(e.at)),
                ]);
            },
        )
        .await?;
        drop(events);

        // After the enrolments, whose ids the entries name.
        let entries: Vec<(i64, i64, &crate::PopulationCardEntry, String)> = cards
            .iter()
            .flat_map(|(id, _, c)| {
                c.entries
                    .iter()
                    .zip(1_i64..)
                    .map(move |(e, seq)| (*id, seq, e, e.params.to_string()))
            })
            .collect();
        counts.card_entries = write_all::<DB, _>(
            &mut tx,
            "card_entries",
            CARD_ENTRIES,
            &entries,
            |(id, seq, e, params), out| {
                out.extend([
                    Cell::Int(*id),
                    Cell::Int(*seq),
                    Cell::Text(&e.kind),
                    Cell::Int(e.amount_won),
                    Cell::Int(e.balance_after_won),
                    Cell::Date(e.on_date),
                    Cell::Time(e.at),
                    Cell::Json(params),
                    Cell::Text(&e.rule),
                    Cell::Text(actor),
                    Cell::MaybeInt(e.enrolment.map(|n| enrolment_ids[n])),
                ]);
            },
        )
        .await?;
        drop(entries);
        drop(cards);

        // Seats add to a row an earlier load or application made; COPY cannot, so this is an
        // upsert (one row per cohort: few).
        for chunk in batch.seats.chunks(super::INSERT_CHUNK) {
            let sql = format!(
                "INSERT INTO cohort_seats (course_id, cohort_ordinal, seats, taken) VALUES {} \
                 ON CONFLICT (course_id, cohort_ordinal) DO UPDATE SET taken = cohort_seats.taken + excluded.taken",
                placeholders(chunk.len(), 4)
            );
            let mut query = sqlx::query(&sql);
            for s in chunk {
                query = query
                    .bind(s.course_id.clone())
                    .bind(s.cohort_ordinal)
                    .bind(s.seats)
                    .bind(s.taken);
            }
            counts.cohort_seats += DB::rows_affected(&query.execute(&mut *tx).await?);
        }

        let detail = serde_json::json!({
            "counts": counts,
            "first_person_id": person_ids.first(),
            "last_person_id": person_ids.last(),
        });
        record::<DB>(&mut tx, actor, ACTION_POPULATION_LOAD, "population", detail).await?;
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
{
    async fn load(&self, batch: PopulationBatch, actor: &str) -> Result<PopulationCounts, StoreError> {
        let (pool, actor) = (self.pool.clone(), actor.to_owned());
        detached(Self::load_population(pool, batch, actor)).await
    }

    async fn counts(&self) -> Result<PopulationCounts, StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM people), (SELECT COUNT(*) FROM card_accounts), \
             (SELECT COUNT(*) FROM card_entries), (SELECT COUNT(*) FROM diagnosis_runs), \
             (SELECT COUNT(*) FROM diagnosis_results), \
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
            diagnosis_results: column(4)?,
            enrolments: column(5)?,
            enrolment_events: column(6)?,
            cohort_seats: column(7)?,
        })
    }
}
