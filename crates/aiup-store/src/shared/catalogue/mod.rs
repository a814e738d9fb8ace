//! The catalogue aggregate's statements.

use std::collections::BTreeSet;

use aiup_catalogue::{CatalogueBatch, Course, Institution};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Executor, IntoArguments, Pool};
use tokio::sync::mpsc;

use super::audit::record;
use super::{detached, now, placeholders, Col, Dialect, Lock, SqlStore};
use crate::{CatalogueImportSummary, CatalogueStore, StoreError, ACTION_CATALOGUE_IMPORT};

mod rows;

use rows::{
    cohort_rows, CohortRow, CourseRow, InstitutionRow, Prepared, ShaRow, COHORT_COLUMNS, COURSE_CHUNK, COURSE_COLUMNS,
    COURSE_UPDATE, INSTITUTION_COLUMNS, INSTITUTION_UPDATE, SMALL_ROW_CHUNK,
};

/// What differs between the backends' catalogue statements (`sqlite/catalogue.rs`,
/// `postgres/catalogue.rs`).
pub(crate) trait CatalogueSql {
    /// A subquery that lists the strings of the JSON array bound as `$1`.
    const JSON_STRINGS: &'static str;
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
    async fn upsert_catalogue(
        pool: Pool<DB>,
        batch: Prepared,
        mut course_rows: mpsc::Receiver<Vec<(CourseRow, Vec<CohortRow>)>>,
        actor: String,
    ) -> Result<CatalogueImportSummary, StoreError> {
        let (batch_institutions, batch_courses) = (batch.institutions.len(), batch.courses.len());
        let mut tx = DB::begin_write(&pool, Lock::Catalogue).await?;
        let stored_institutions = sqlx::query_as::<_, InstitutionRow>(&format!(
            "SELECT {INSTITUTION_COLUMNS} FROM institutions WHERE id IN ({})",
            DB::JSON_STRINGS
        ))
        .bind(serde_json::Value::from(batch.institution_ids.clone()).to_string())
        .fetch_all(&mut *tx)
        .await?;
        let stored_shas = sqlx::query_as::<_, ShaRow>(&format!(
            "SELECT id, content_sha FROM courses WHERE id IN ({})",
            DB::JSON_STRINGS
        ))
        .bind(serde_json::Value::from(batch.course_ids.clone()).to_string())
        .fetch_all(&mut *tx)
        .await?;
        let mut plan = rows::plan(batch, stored_institutions, stored_shas)?;
        let now = now();
        for chunk in plan.institutions.chunks(SMALL_ROW_CHUNK) {
            let sql = format!(
                "INSERT INTO institutions ({INSTITUTION_COLUMNS}, created_at, updated_at) VALUES {}{INSTITUTION_UPDATE}",
                placeholders(chunk.len(), 11)
            );
            let mut insert = sqlx::query(&sql);
            for r in chunk {
                insert = insert
                    .bind(&r.id)
                    .bind(&r.name)
                    .bind(&r.kind)
                    .bind(&r.region_code)
                    .bind(&r.grade)
                    .bind(&r.address)
                    .bind(&r.phone)
                    .bind(&r.email)
                    .bind(&r.website)
                    .bind(now)
                    .bind(now);
            }
            insert.execute(&mut *tx).await?;
        }
        if !plan.replaced_courses.is_empty() {
            sqlx::query(&format!(
                "DELETE FROM cohorts WHERE course_id IN ({})",
                DB::JSON_STRINGS
            ))
            .bind(serde_json::Value::from(plan.replaced_courses.clone()).to_string())
            .execute(&mut *tx)
            .await?;
        }
        // The rows arrive a chunk at a time, in batch order; the plan says which to write.
        let mut received = 0;
        while let Some(chunk) = course_rows.recv().await {
            let size = chunk.len();
            let (courses, cohorts): (Vec<CourseRow>, Vec<Vec<CohortRow>>) = chunk
                .into_iter()
                .zip(plan.write_course.iter().skip(received))
                .filter_map(|(rows, write)| write.then_some(rows))
                .unzip();
            received += size;
            Self::insert_courses(&mut tx, &courses, now).await?;
            drop(courses);
            let cohorts: Vec<CohortRow> = cohorts.into_iter().flatten().collect();
            Self::insert_cohorts(&mut tx, &cohorts).await?;
        }
        if received < batch_courses {
            // The caller went away before handing over every course: write nothing.
            return Err(StoreError::Corrupt {
                what: "catalogue import".to_owned(),
                reason: format!("only {received} of {batch_courses} courses were handed over"),
            });
        }
        let generation: i64 = if plan.changes_anything() {
            sqlx::query_scalar(
                "UPDATE catalogue_state SET generation = generation + 1 WHERE id = 1 RETURNING generation",
            )
            .fetch_one(&mut *tx)
            .await?
        } else {
            sqlx::query_scalar("SELECT generation FROM catalogue_state WHERE id = 1")
                .fetch_one(&mut *tx)
                .await?
        };
        plan.summary.generation = u64::try_from(generation).unwrap_or(0);
        let detail = rows::audit_detail(&plan.summary, batch_institutions, batch_courses);
        record::<DB>(&mut tx, &actor, ACTION_CATALOGUE_IMPORT, "catalogue", detail).await?;
        tx.commit().await?;
        tracing::info!(summary = ?plan.summary, "catalogue imported");
        Ok(plan.summary)
    }

    async fn insert_courses(
        tx: &mut sqlx::Transaction<'static, DB>,
        courses: &[CourseRow],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        for chunk in courses.chunks(COURSE_CHUNK) {
            let sql = format!(
                "INSERT INTO courses ({COURSE_COLUMNS}, created_at, updated_at) VALUES {}{COURSE_UPDATE}",
                placeholders(chunk.len(), 23)
            );
            let mut insert = sqlx::query(&sql);
            for r in chunk {
                insert = insert
                    .bind(&r.id)
                    .bind(&r.institution_id)
                    .bind(&r.title)
                    .bind(&r.summary)
                    .bind(&r.keywords)
                    .bind(&r.programmes)
                    .bind(&r.ncs)
                    .bind(&r.occupation)
                    .bind(&r.ai_step)
                    .bind(&r.ai_level)
                    .bind(&r.modules)
                    .bind(&r.delivery)
                    .bind(r.total_hours_tenths)
                    .bind(r.hours_per_day_tenths)
                    .bind(r.fee_won)
                    .bind(&r.region_code)
                    .bind(&r.audiences)
                    .bind(r.self_payment_rate_percent)
                    .bind(r.base_unit_price_won_per_hour)
                    .bind(&r.details)
                    .bind(&r.content_sha)
                    .bind(now)
                    .bind(now);
            }
            insert.execute(&mut **tx).await?;
        }
        Ok(())
    }

    async fn insert_cohorts(tx: &mut sqlx::Transaction<'static, DB>, cohorts: &[CohortRow]) -> Result<(), StoreError> {
        for chunk in cohorts.chunks(SMALL_ROW_CHUNK) {
            let sql = format!(
                "INSERT INTO cohorts ({COHORT_COLUMNS}) VALUES {}",
                placeholders(chunk.len(), 9)
            );
            let mut insert = sqlx::query(&sql);
            for r in chunk {
                insert = insert
                    .bind(&r.course_id)
                    .bind(r.ordinal)
                    .bind(r.start_date)
                    .bind(r.end_date)
                    .bind(r.capacity)
                    .bind(r.seats_left)
                    .bind(r.application_start)
                    .bind(r.application_end)
                    .bind(r.waiting_list);
            }
            insert.execute(&mut **tx).await?;
        }
        Ok(())
    }

    async fn read_courses(pool: Pool<DB>) -> Result<Vec<Course>, StoreError> {
        let mut tx = DB::begin_read(&pool).await?;
        let courses = sqlx::query_as::<_, CourseRow>(&format!("SELECT {COURSE_COLUMNS} FROM courses"))
            .fetch_all(&mut *tx)
            .await?;
        let cohorts = sqlx::query_as::<_, CohortRow>(&format!("SELECT {COHORT_COLUMNS} FROM cohorts"))
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        // Ordered (by id, then ordinal) in Rust: byte order, whatever the database's collation.
        rows::assemble_courses(courses, cohorts)
    }

    async fn read_courses_of(pool: Pool<DB>, institution: String) -> Result<Vec<Course>, StoreError> {
        let mut tx = DB::begin_read(&pool).await?;
        let courses = sqlx::query_as::<_, CourseRow>(&format!(
            "SELECT {COURSE_COLUMNS} FROM courses WHERE institution_id = $1"
        ))
        .bind(&institution)
        .fetch_all(&mut *tx)
        .await?;
        let cohorts = sqlx::query_as::<_, CohortRow>(&format!(
            "SELECT {COHORT_COLUMNS} FROM cohorts WHERE course_id IN \
             (SELECT id FROM courses WHERE institution_id = $1)"
        ))
        .bind(&institution)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        rows::assemble_courses(courses, cohorts)
    }

    async fn read_course(pool: Pool<DB>, id: String) -> Result<Option<(Course, Institution)>, StoreError> {
        let mut tx = DB::begin_read(&pool).await?;
        let Some(row) = sqlx::query_as::<_, CourseRow>(&format!("SELECT {COURSE_COLUMNS} FROM courses WHERE id = $1"))
            .bind(&id)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(None);
        };
        let cohorts = sqlx::query_as::<_, CohortRow>(&format!(
            "SELECT {COHORT_COLUMNS} FROM cohorts WHERE course_id = $1 ORDER BY ordinal"
        ))
        .bind(&id)
        .fetch_all(&mut *tx)
        .await?;
        let institution = sqlx::query_as::<_, InstitutionRow>(&format!(
            "SELECT {INSTITUTION_COLUMNS} FROM institutions WHERE id = $1"
        ))
        .bind(&row.institution_id)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some((rows::course_from_rows(row, &cohorts)?, institution.try_into()?)))
    }
}

#[async_trait]
impl<DB> CatalogueStore for SqlStore<DB>
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
    async fn upsert(&self, batch: &CatalogueBatch, actor: &str) -> Result<CatalogueImportSummary, StoreError> {
        let prepared = Prepared::new(batch)?;
        let shas: Vec<String> = prepared.courses.iter().map(|k| k.content_sha.clone()).collect();
        // The course rows go to the storing task a chunk at a time (never all at once beside
        // the batch). If this future is dropped, the channel closes early and the task rolls back.
        let (sender, receiver) = mpsc::channel(1);
        let store = detached(Self::upsert_catalogue(
            self.pool.clone(),
            prepared,
            receiver,
            actor.to_owned(),
        ));
        let feed = async move {
            for (courses, shas) in batch.courses.chunks(COURSE_CHUNK).zip(shas.chunks(COURSE_CHUNK)) {
                let rows: Vec<_> = courses
                    .iter()
                    .zip(shas)
                    .map(|(c, sha)| (CourseRow::with_sha(c, sha.clone()), cohort_rows(c).collect()))
                    .collect();
                if sender.send(rows).await.is_err() {
                    break; // the task stopped (an error it reports)
                }
            }
        };
        let (stored, ()) = tokio::join!(store, feed);
        stored
    }

    async fn generation(&self) -> Result<u64, StoreError> {
        let generation: i64 = sqlx::query_scalar("SELECT generation FROM catalogue_state WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(u64::try_from(generation).unwrap_or(0))
    }

    async fn institutions(&self) -> Result<Vec<Institution>, StoreError> {
        let mut rows = sqlx::query_as::<_, InstitutionRow>(&format!("SELECT {INSTITUTION_COLUMNS} FROM institutions"))
            .fetch_all(&self.pool)
            .await?;
        // Byte order, as Rust orders ids, whatever the database's collation.
        rows.sort_by(|a, b| a.id.cmp(&b.id));
        rows.into_iter().map(Institution::try_from).collect()
    }

    async fn institution_ids(&self) -> Result<BTreeSet<String>, StoreError> {
        let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM institutions")
            .fetch_all(&self.pool)
            .await?;
        Ok(ids.into_iter().collect())
    }

    async fn courses(&self) -> Result<Vec<Course>, StoreError> {
        detached(Self::read_courses(self.pool.clone())).await
    }

    async fn course(&self, id: &str) -> Result<Option<(Course, Institution)>, StoreError> {
        detached(Self::read_course(self.pool.clone(), id.to_owned())).await
    }

    async fn institution(&self, id: &str) -> Result<Option<Institution>, StoreError> {
        sqlx::query_as::<_, InstitutionRow>(&format!("SELECT {INSTITUTION_COLUMNS} FROM institutions WHERE id = $1"))
            .bind(id.to_owned())
            .fetch_optional(&self.pool)
            .await?
            .map(Institution::try_from)
            .transpose()
    }

    async fn courses_of_institution(&self, id: &str) -> Result<Vec<Course>, StoreError> {
        detached(Self::read_courses_of(self.pool.clone(), id.to_owned())).await
    }
}
