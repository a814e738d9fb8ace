//! The people aggregate's statements (the same on both backends).

use std::ops::RangeInclusive;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Executor, IntoArguments, Pool, Row};

use super::audit::record;
use super::{detached, is_unique_violation, now, Col, Dialect, Lock, SqlStore};
use crate::{
    PersonFields, PersonRecord, PersonStore, StoreError, ACTION_PERSON_CREATE, ACTION_PERSON_IDENTIFIERS_LINK,
    ACTION_PERSON_UPDATE,
};

pub(crate) const PERSON_COLUMNS: &str = "id, account_id, stage, status, employer_size, region_code, age_band, \
     target_groups, kukchi, external_id_hash, created_at, updated_at";

/// What an audit event shows of a profile: the categories, and only whether an outside
/// identifier is set.
fn public(f: &PersonFields) -> serde_json::Value {
    serde_json::json!({
        "stage": f.stage,
        "status": f.status,
        "employer_size": f.employer_size,
        "region_code": f.region_code,
        "age_band": f.age_band,
        "target_groups": f.target_groups,
        "kukchi": f.kukchi,
        "external_id": f.external_id_hash.is_some(),
    })
}

/// Reads a person row selected with [`PERSON_COLUMNS`].
pub(crate) fn person_from_row<DB>(row: &DB::Row) -> Result<PersonRecord, sqlx::Error>
where
    DB: sqlx::Database,
    for<'r> &'r str: ColumnIndex<DB::Row>,
    String: Col<DB>,
    i64: Col<DB>,
    Option<i64>: Col<DB>,
    Option<String>: Col<DB>,
    DateTime<Utc>: Col<DB>,
{
    Ok(PersonRecord {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        fields: PersonFields {
            stage: row.try_get("stage")?,
            status: row.try_get("status")?,
            employer_size: row.try_get("employer_size")?,
            region_code: row.try_get("region_code")?,
            age_band: row.try_get("age_band")?,
            target_groups: row.try_get("target_groups")?,
            kukchi: row.try_get("kukchi")?,
            external_id_hash: row.try_get("external_id_hash")?,
        },
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
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
    pub(crate) async fn person_where(
        conn: &mut DB::Connection,
        condition: &str,
        value: i64,
    ) -> Result<Option<PersonRecord>, StoreError> {
        let row = sqlx::query(&format!("SELECT {PERSON_COLUMNS} FROM people WHERE {condition}"))
            .bind(value)
            .fetch_optional(&mut *conn)
            .await?;
        Ok(row.as_ref().map(person_from_row::<DB>).transpose()?)
    }

    async fn save_person(
        pool: Pool<DB>,
        account_id: i64,
        fields: PersonFields,
        actor: String,
    ) -> Result<PersonRecord, StoreError> {
        let mut tx = DB::begin_write(&pool, Lock::People).await?;
        let login: Option<String> = sqlx::query_scalar("SELECT login FROM accounts WHERE id = $1")
            .bind(account_id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(login) = login else {
            return Err(StoreError::NotFound {
                what: "account".to_owned(),
                key: account_id.to_string(),
            });
        };
        let before = Self::person_where(&mut tx, "account_id = $1", account_id).await?;
        let at = now();
        let (sql, key) = match &before {
            Some(old) if old.fields == fields => return Ok(old.clone()),
            Some(old) => (
                format!(
                    "UPDATE people SET stage = $2, status = $3, employer_size = $4, region_code = $5, \
                     age_band = $6, target_groups = $7, kukchi = $8, external_id_hash = $9, updated_at = $10 \
                     WHERE id = $1 RETURNING {PERSON_COLUMNS}"
                ),
                old.id,
            ),
            None => (
                format!(
                    "INSERT INTO people (account_id, stage, status, employer_size, region_code, age_band, \
                     target_groups, kukchi, external_id_hash, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING {PERSON_COLUMNS}"
                ),
                account_id,
            ),
        };
        let written = sqlx::query(&sql)
            .bind(key)
            .bind(&fields.stage)
            .bind(&fields.status)
            .bind(&fields.employer_size)
            .bind(&fields.region_code)
            .bind(&fields.age_band)
            .bind(&fields.target_groups)
            .bind(&fields.kukchi)
            .bind(&fields.external_id_hash)
            .bind(at)
            .fetch_one(&mut *tx)
            .await;
        let person = match written {
            Ok(row) => person_from_row::<DB>(&row)?,
            Err(e) if is_unique_violation(&e) => {
                return Err(StoreError::Conflict {
                    what: "person".to_owned(),
                    key: format!("of account {login}"),
                    reason: "another person has this outside identifier".to_owned(),
                })
            }
            Err(e) => return Err(e.into()),
        };
        let (action, detail) = match &before {
            Some(old) => (
                ACTION_PERSON_UPDATE,
                serde_json::json!({ "id": person.id, "account_id": account_id,
                    "before": public(&old.fields), "after": public(&person.fields) }),
            ),
            None => (
                ACTION_PERSON_CREATE,
                serde_json::json!({ "id": person.id, "account_id": account_id, "after": public(&person.fields) }),
            ),
        };
        record::<DB>(&mut tx, &actor, action, &format!("person:{}", person.id), detail).await?;
        tx.commit().await?;
        Ok(person)
    }

    async fn link_person_identifiers(
        pool: Pool<DB>,
        links: Vec<(i64, String)>,
        actor: String,
    ) -> Result<u64, StoreError> {
        let mut tx = DB::begin_write(&pool, Lock::People).await?;
        let at = now();
        let mut set = 0;
        for (id, hash) in &links {
            let done = sqlx::query(
                "UPDATE people SET external_id_hash = $2, updated_at = $3 WHERE id = $1 AND external_id_hash IS NULL",
            )
            .bind(*id)
            .bind(hash)
            .bind(at)
            .execute(&mut *tx)
            .await;
            match done {
                Ok(result) => set += DB::rows_affected(&result),
                Err(e) if is_unique_violation(&e) => {
                    return Err(StoreError::conflict(
                        "person",
                        id,
                        "another person has this outside identifier",
                    ))
                }
                Err(e) => return Err(e.into()),
            }
        }
        let detail = serde_json::json!({ "asked": links.len(), "set": set });
        record::<DB>(&mut tx, &actor, ACTION_PERSON_IDENTIFIERS_LINK, "people", detail).await?;
        tx.commit().await?;
        Ok(set)
    }
}

#[async_trait]
impl<DB> PersonStore for SqlStore<DB>
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
    async fn save_for_account(
        &self,
        account_id: i64,
        fields: PersonFields,
        actor: &str,
    ) -> Result<PersonRecord, StoreError> {
        let (pool, actor) = (self.pool.clone(), actor.to_owned());
        detached(Self::save_person(pool, account_id, fields, actor)).await
    }

    async fn link_identifiers(&self, links: &[(i64, String)], actor: &str) -> Result<u64, StoreError> {
        detached(Self::link_person_identifiers(
            self.pool.clone(),
            links.to_vec(),
            actor.to_owned(),
        ))
        .await
    }

    async fn person(&self, id: i64) -> Result<Option<PersonRecord>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        Self::person_where(&mut conn, "id = $1", id).await
    }

    async fn of_enrolments_in_range(
        &self,
        enrolment_ids: RangeInclusive<i64>,
    ) -> Result<Vec<PersonRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {PERSON_COLUMNS} FROM people WHERE id IN \
             (SELECT person_id FROM enrolments WHERE id >= $1 AND id <= $2) ORDER BY id"
        ))
        .bind(*enrolment_ids.start())
        .bind(*enrolment_ids.end())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(person_from_row::<DB>).collect::<Result<_, _>>()?)
    }

    async fn person_of_account(&self, account_id: i64) -> Result<Option<PersonRecord>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        Self::person_where(&mut conn, "account_id = $1", account_id).await
    }
}
