//! Outcome imports and their reads: the SQL both backends run. An import takes `Lock::Outcomes`.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Executor, IntoArguments, Pool, Row};

use super::audit::record;
use super::{detached, now, placeholders, Col, Dialect, Lock, SqlStore, INSERT_CHUNK};
use crate::{
    EmploymentRow, FactSource, FigureRow, GraduateRow, GrantDecisionRecord, NewGrantDecision, NewOutcomeImport,
    OutcomeImportRecord, OutcomeImportResult, OutcomeRows, OutcomeStore, StartupRow, StoreError, StoredEmployment,
    StoredFigure, StoredStartup, ACTION_OUTCOMES_GRANT, ACTION_OUTCOMES_IMPORT,
};

const IMPORT_COLUMNS: &str = "id, kind, source, as_of, content_sha256, row_count, imported_by, imported_at";
/// The import columns every fact is read with (`i.` is `outcome_imports`).
const SOURCE_COLUMNS: &str = "i.id AS import_id, i.source AS import_source, i.as_of AS import_as_of";
const GRANT_COLUMNS: &str = "id, business_number, year, applied_on, amount_won, decided_by, decided_at";
/// Person ids per `IN (…)` list, well under both backends' parameter limits.
const IDS_CHUNK: usize = 1_000;

fn import_of<DB, R>(row: &R) -> Result<OutcomeImportRecord, StoreError>
where
    DB: Dialect,
    R: Row<Database = DB>,
    for<'r> &'r str: ColumnIndex<R>,
    String: Col<DB>,
    i64: Col<DB>,
    DateTime<Utc>: Col<DB>,
    NaiveDate: Col<DB>,
{
    Ok(OutcomeImportRecord {
        id: row.try_get("id")?,
        import: NewOutcomeImport {
            kind: row.try_get("kind")?,
            source: row.try_get("source")?,
            as_of: row.try_get("as_of")?,
            content_sha256: row.try_get("content_sha256")?,
        },
        rows: row.try_get("row_count")?,
        imported_by: row.try_get("imported_by")?,
        imported_at: row.try_get("imported_at")?,
    })
}

fn grant_of<DB, R>(row: &R) -> Result<GrantDecisionRecord, StoreError>
where
    DB: Dialect,
    R: Row<Database = DB>,
    for<'r> &'r str: ColumnIndex<R>,
    String: Col<DB>,
    i64: Col<DB>,
    DateTime<Utc>: Col<DB>,
    NaiveDate: Col<DB>,
{
    Ok(GrantDecisionRecord {
        id: row.try_get("id")?,
        decision: NewGrantDecision {
            business_number: row.try_get("business_number")?,
            year: row.try_get("year")?,
            applied_on: row.try_get("applied_on")?,
            amount_won: row.try_get("amount_won")?,
        },
        decided_by: row.try_get("decided_by")?,
        decided_at: row.try_get("decided_at")?,
    })
}

fn source_of<DB, R>(row: &R) -> Result<FactSource, StoreError>
where
    DB: Dialect,
    R: Row<Database = DB>,
    for<'r> &'r str: ColumnIndex<R>,
    String: Col<DB>,
    i64: Col<DB>,
    NaiveDate: Col<DB>,
{
    Ok(FactSource {
        import_id: row.try_get("import_id")?,
        source: row.try_get("import_source")?,
        as_of: row.try_get("import_as_of")?,
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
    Option<NaiveDate>: Col<DB>,
{
    async fn import_outcomes(
        pool: Pool<DB>,
        import: NewOutcomeImport,
        rows: OutcomeRows,
        actor: String,
    ) -> Result<OutcomeImportResult, StoreError> {
        if import.kind != rows.kind() {
            return Err(StoreError::conflict(
                "outcome import",
                &import.kind,
                format!("the rows are of kind {}", rows.kind()),
            ));
        }
        let mut tx = DB::begin_write(&pool, Lock::Outcomes).await?;
        let same = sqlx::query(&format!(
            "SELECT {IMPORT_COLUMNS} FROM outcome_imports WHERE kind = $1 AND content_sha256 = $2"
        ))
        .bind(&import.kind)
        .bind(&import.content_sha256)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(stored) = same.as_ref().map(import_of::<DB, _>).transpose()? {
            tx.commit().await?;
            return Ok(OutcomeImportResult {
                import: stored,
                created: false,
            });
        }
        let imported_at = now();
        let count = i64::try_from(rows.len()).unwrap_or(i64::MAX);
        let id: i64 = sqlx::query(
            "INSERT INTO outcome_imports (kind, source, as_of, content_sha256, row_count, imported_by, imported_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(&import.kind)
        .bind(&import.source)
        .bind(import.as_of)
        .bind(&import.content_sha256)
        .bind(count)
        .bind(&actor)
        .bind(imported_at)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0usize)?;
        match &rows {
            OutcomeRows::Employment(list) => {
                for chunk in list.chunks(INSERT_CHUNK) {
                    let sql = format!(
                        "INSERT INTO employment_records (import_id, line, person_hash, business_number, acquired_on, \
                         lost_on, ksic, size_band) VALUES {}",
                        placeholders(chunk.len(), 8)
                    );
                    let mut insert = sqlx::query(&sql);
                    for r in chunk {
                        insert = insert
                            .bind(id)
                            .bind(r.line)
                            .bind(r.person_hash.clone())
                            .bind(r.business_number.clone())
                            .bind(r.acquired_on)
                            .bind(r.lost_on)
                            .bind(r.ksic.clone())
                            .bind(r.size_band.clone());
                    }
                    insert.execute(&mut *tx).await?;
                }
            }
            OutcomeRows::Startups(list) => {
                for chunk in list.chunks(INSERT_CHUNK) {
                    let sql = format!(
                        "INSERT INTO startup_records (import_id, line, person_hash, business_number, opened_on, ksic, \
                         region_code) VALUES {}",
                        placeholders(chunk.len(), 7)
                    );
                    let mut insert = sqlx::query(&sql);
                    for r in chunk {
                        insert = insert
                            .bind(id)
                            .bind(r.line)
                            .bind(r.person_hash.clone())
                            .bind(r.business_number.clone())
                            .bind(r.opened_on)
                            .bind(r.ksic.clone())
                            .bind(r.region_code.clone());
                    }
                    insert.execute(&mut *tx).await?;
                }
            }
            OutcomeRows::Figures(list) => {
                for chunk in list.chunks(INSERT_CHUNK) {
                    let sql = format!(
                        "INSERT INTO external_figures (import_id, line, metric, value, unit, as_of) VALUES {}",
                        placeholders(chunk.len(), 6)
                    );
                    let mut insert = sqlx::query(&sql);
                    for r in chunk {
                        insert = insert
                            .bind(id)
                            .bind(r.line)
                            .bind(r.metric.clone())
                            .bind(r.value)
                            .bind(r.unit.clone())
                            .bind(r.as_of);
                    }
                    insert.execute(&mut *tx).await?;
                }
            }
        }
        let detail = serde_json::json!({
            "kind": import.kind,
            "source": import.source,
            "as_of": import.as_of,
            "content_sha256": import.content_sha256,
            "rows": count,
        });
        record::<DB>(
            &mut tx,
            &actor,
            ACTION_OUTCOMES_IMPORT,
            &format!("outcome_import:{id}"),
            detail,
        )
        .await?;
        tx.commit().await?;
        Ok(OutcomeImportResult {
            import: OutcomeImportRecord {
                id,
                import,
                rows: count,
                imported_by: actor,
                imported_at,
            },
            created: true,
        })
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
{
    async fn record_grant_decision(
        pool: Pool<DB>,
        decision: NewGrantDecision,
        cap: i64,
        actor: String,
    ) -> Result<GrantDecisionRecord, StoreError> {
        let mut tx = DB::begin_write(&pool, Lock::Outcomes).await?;
        let granted: i64 = sqlx::query("SELECT COUNT(*) FROM grant_decisions WHERE year = $1")
            .bind(decision.year)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0usize)?;
        let same: i64 = sqlx::query("SELECT COUNT(*) FROM grant_decisions WHERE year = $1 AND business_number = $2")
            .bind(decision.year)
            .bind(&decision.business_number)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0usize)?;
        if same > 0 {
            return Err(StoreError::conflict(
                "grant",
                &decision.business_number,
                format!("the firm was already granted in {}", decision.year),
            ));
        }
        if granted >= cap {
            return Err(StoreError::conflict(
                "grant",
                &decision.business_number,
                format!("the {cap} grants of {} are all given", decision.year),
            ));
        }
        let decided_at = now();
        let id: i64 = sqlx::query(
            "INSERT INTO grant_decisions (business_number, year, applied_on, amount_won, decided_by, decided_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(&decision.business_number)
        .bind(decision.year)
        .bind(decision.applied_on)
        .bind(decision.amount_won)
        .bind(&actor)
        .bind(decided_at)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0usize)?;
        let detail = serde_json::json!({
            "business_number": decision.business_number,
            "year": decision.year,
            "applied_on": decision.applied_on,
            "amount_won": decision.amount_won,
        });
        record::<DB>(
            &mut tx,
            &actor,
            ACTION_OUTCOMES_GRANT,
            &format!("grant_decision:{id}"),
            detail,
        )
        .await?;
        tx.commit().await?;
        Ok(GrantDecisionRecord {
            id,
            decision,
            decided_by: actor,
            decided_at,
        })
    }
}

#[async_trait]
impl<DB> OutcomeStore for SqlStore<DB>
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
    async fn import(
        &self,
        import: &NewOutcomeImport,
        rows: &OutcomeRows,
        actor: &str,
    ) -> Result<OutcomeImportResult, StoreError> {
        detached(Self::import_outcomes(
            self.pool.clone(),
            import.clone(),
            rows.clone(),
            actor.to_owned(),
        ))
        .await
    }

    async fn imports(&self) -> Result<Vec<OutcomeImportRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {IMPORT_COLUMNS} FROM outcome_imports ORDER BY id DESC"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(import_of::<DB, _>).collect()
    }

    async fn employment(&self, business_number: Option<&str>) -> Result<Vec<StoredEmployment>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT r.line, r.person_hash, r.business_number, r.acquired_on, r.lost_on, r.ksic, r.size_band, \
             p.id AS person_id, {SOURCE_COLUMNS} \
             FROM employment_records r JOIN outcome_imports i ON i.id = r.import_id \
             LEFT JOIN people p ON p.external_id_hash = r.person_hash \
             WHERE (CAST($1 AS TEXT) IS NULL OR r.business_number = $1) ORDER BY r.import_id, r.line"
        ))
        .bind(business_number.map(str::to_owned))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(StoredEmployment {
                    row: EmploymentRow {
                        line: row.try_get("line")?,
                        person_hash: row.try_get("person_hash")?,
                        business_number: row.try_get("business_number")?,
                        acquired_on: row.try_get("acquired_on")?,
                        lost_on: row.try_get("lost_on")?,
                        ksic: row.try_get("ksic")?,
                        size_band: row.try_get("size_band")?,
                    },
                    person_id: row.try_get("person_id")?,
                    from: source_of::<DB, _>(row)?,
                })
            })
            .collect()
    }

    async fn startups(&self, business_number: Option<&str>) -> Result<Vec<StoredStartup>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT r.line, r.person_hash, r.business_number, r.opened_on, r.ksic, r.region_code, \
             p.id AS person_id, {SOURCE_COLUMNS} \
             FROM startup_records r JOIN outcome_imports i ON i.id = r.import_id \
             LEFT JOIN people p ON p.external_id_hash = r.person_hash \
             WHERE (CAST($1 AS TEXT) IS NULL OR r.business_number = $1) ORDER BY r.import_id, r.line"
        ))
        .bind(business_number.map(str::to_owned))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(StoredStartup {
                    row: StartupRow {
                        line: row.try_get("line")?,
                        person_hash: row.try_get("person_hash")?,
                        business_number: row.try_get("business_number")?,
                        opened_on: row.try_get("opened_on")?,
                        ksic: row.try_get("ksic")?,
                        region_code: row.try_get("region_code")?,
                    },
                    person_id: row.try_get("person_id")?,
                    from: source_of::<DB, _>(row)?,
                })
            })
            .collect()
    }

    async fn figures(&self) -> Result<Vec<StoredFigure>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT r.line, r.metric, r.value, r.unit, r.as_of, {SOURCE_COLUMNS} \
             FROM external_figures r JOIN outcome_imports i ON i.id = r.import_id \
             ORDER BY r.metric, r.as_of DESC, r.import_id DESC, r.line"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(StoredFigure {
                    row: FigureRow {
                        line: row.try_get("line")?,
                        metric: row.try_get("metric")?,
                        value: row.try_get("value")?,
                        unit: row.try_get("unit")?,
                        as_of: row.try_get("as_of")?,
                    },
                    from: source_of::<DB, _>(row)?,
                })
            })
            .collect()
    }

    async fn record_grant(
        &self,
        decision: &NewGrantDecision,
        cap: i64,
        actor: &str,
    ) -> Result<GrantDecisionRecord, StoreError> {
        detached(Self::record_grant_decision(
            self.pool.clone(),
            decision.clone(),
            cap,
            actor.to_owned(),
        ))
        .await
    }

    async fn grants(&self, year: i64) -> Result<Vec<GrantDecisionRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {GRANT_COLUMNS} FROM grant_decisions WHERE year = $1 ORDER BY id"
        ))
        .bind(year)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(grant_of::<DB, _>).collect()
    }

    async fn graduates(&self, person_ids: Option<&[i64]>) -> Result<Vec<GraduateRow>, StoreError> {
        let base = "SELECT e.id AS enrolment_id, e.person_id, e.programme, p.region_code, e.cohort_start, \
             COALESCE((SELECT MAX(ev.seoul_date) FROM enrolment_events ev \
                       WHERE ev.enrolment_id = e.id AND ev.to_status = e.status), e.cohort_end) AS completed_on \
             FROM enrolments e JOIN people p ON p.id = e.person_id \
             WHERE e.status IN ('completed', 'early_completion_employment')";
        let decode = |row: &DB::Row| -> Result<GraduateRow, StoreError> {
            Ok(GraduateRow {
                enrolment_id: row.try_get("enrolment_id")?,
                person_id: row.try_get("person_id")?,
                programme: row.try_get("programme")?,
                region_code: row.try_get("region_code")?,
                cohort_start: row.try_get("cohort_start")?,
                completed_on: row.try_get("completed_on")?,
            })
        };
        let Some(ids) = person_ids else {
            let rows = sqlx::query(&format!("{base} ORDER BY e.id"))
                .fetch_all(&self.pool)
                .await?;
            return rows.iter().map(decode).collect();
        };
        let mut out = Vec::new();
        for chunk in ids.chunks(IDS_CHUNK) {
            let list = placeholders(1, chunk.len());
            let sql = format!("{base} AND e.person_id IN {list} ORDER BY e.id");
            let mut query = sqlx::query(&sql);
            for id in chunk {
                query = query.bind(*id);
            }
            for row in query.fetch_all(&self.pool).await? {
                out.push(decode(&row)?);
            }
        }
        out.sort_by_key(|g| g.enrolment_id);
        Ok(out)
    }
}
