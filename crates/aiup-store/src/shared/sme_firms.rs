//! The SME registry (centres, firms, partner participations): the SQL both backends run.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sha2::{Digest, Sha256};
use sqlx::{ColumnIndex, Executor, IntoArguments, Pool, Row, Transaction};

use super::audit::record;
use super::{detached, now, placeholders, Col, Dialect, Lock, SqlStore, INSERT_CHUNK};
use crate::{
    CentreRecord, FirmFilter, FirmImportSummary, FirmRecord, FirmStore, NewFirm, NewParticipation,
    ParticipationImportSummary, ParticipationRecord, StoreError, ACTION_SME_CENTRES_LOAD, ACTION_SME_FIRMS_IMPORT,
    ACTION_SME_FIRM_ASSIGN, ACTION_SME_FIRM_INTENT, ACTION_SME_PARTNERS_IMPORT,
};

const FIRM_COLUMNS: &str = "id, business_number, name, employees, size_band, ksic_section, ksic_division, \
     region_code, province_code, capital_area, priority_support, employer_training, ai_training, \
     ai_training_hours, stated_intent, intent_source, intent_on, centre_id, created_at, updated_at";

/// The columns an import writes, in bind order.
const IMPORT_COLUMNS: &str = "business_number, name, employees, size_band, ksic_section, ksic_division, \
     region_code, province_code, capital_area, priority_support, employer_training, ai_training, \
     ai_training_hours, content_hash, created_at, updated_at";
const IMPORT_WIDTH: usize = 16;
const IMPORT_UPDATE: &str = " ON CONFLICT (business_number) DO UPDATE SET name = excluded.name, \
     employees = excluded.employees, size_band = excluded.size_band, ksic_section = excluded.ksic_section, \
     ksic_division = excluded.ksic_division, region_code = excluded.region_code, \
     province_code = excluded.province_code, capital_area = excluded.capital_area, \
     priority_support = excluded.priority_support, employer_training = excluded.employer_training, \
     ai_training = excluded.ai_training, ai_training_hours = excluded.ai_training_hours, \
     content_hash = excluded.content_hash, updated_at = excluded.updated_at";

const CENTRE_COLUMNS: &str = "id, name_ko, name_en, provinces, opened_on, cite";
const PARTICIPATION_COLUMNS: &str = "programme_id, business_number, year, source, imported_at";

/// The sha256 (hex) of everything an import stores for a firm.
fn content_hash(firm: &NewFirm) -> String {
    let canonical = serde_json::to_vec(firm).unwrap_or_default();
    Sha256::digest(&canonical).iter().map(|b| format!("{b:02x}")).collect()
}

fn firm_from_row<DB>(row: &DB::Row) -> Result<FirmRecord, sqlx::Error>
where
    DB: sqlx::Database,
    for<'r> &'r str: ColumnIndex<DB::Row>,
    String: Col<DB>,
    i64: Col<DB>,
    bool: Col<DB>,
    Option<bool>: Col<DB>,
    Option<String>: Col<DB>,
    Option<NaiveDate>: Col<DB>,
    DateTime<Utc>: Col<DB>,
{
    Ok(FirmRecord {
        id: row.try_get("id")?,
        firm: NewFirm {
            business_number: row.try_get("business_number")?,
            name: row.try_get("name")?,
            employees: row.try_get("employees")?,
            size_band: row.try_get("size_band")?,
            ksic_section: row.try_get("ksic_section")?,
            ksic_division: row.try_get("ksic_division")?,
            region_code: row.try_get("region_code")?,
            province_code: row.try_get("province_code")?,
            capital_area: row.try_get("capital_area")?,
            priority_support: row.try_get("priority_support")?,
            employer_training: row.try_get("employer_training")?,
            ai_training: row.try_get("ai_training")?,
            ai_training_hours: row.try_get("ai_training_hours")?,
        },
        stated_intent: row.try_get("stated_intent")?,
        intent_source: row.try_get("intent_source")?,
        intent_on: row.try_get("intent_on")?,
        centre_id: row.try_get("centre_id")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

fn centre_from_row<DB>(row: &DB::Row) -> Result<CentreRecord, sqlx::Error>
where
    DB: sqlx::Database,
    for<'r> &'r str: ColumnIndex<DB::Row>,
    String: Col<DB>,
    Option<NaiveDate>: Col<DB>,
{
    let provinces: String = row.try_get("provinces")?;
    Ok(CentreRecord {
        id: row.try_get("id")?,
        name_ko: row.try_get("name_ko")?,
        name_en: row.try_get("name_en")?,
        provinces: provinces
            .split(',')
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect(),
        opened_on: row.try_get("opened_on")?,
        cite: row.try_get("cite")?,
    })
}

fn participation_from_row<DB>(row: &DB::Row) -> Result<ParticipationRecord, sqlx::Error>
where
    DB: sqlx::Database,
    for<'r> &'r str: ColumnIndex<DB::Row>,
    String: Col<DB>,
    i64: Col<DB>,
    DateTime<Utc>: Col<DB>,
{
    Ok(ParticipationRecord {
        programme_id: row.try_get("programme_id")?,
        business_number: row.try_get("business_number")?,
        year: row.try_get("year")?,
        source: row.try_get("source")?,
        imported_at: row.try_get("imported_at")?,
    })
}

/// A value bound to a filter's statement.
enum Arg {
    Text(String),
    Int(i64),
}

/// `text` with LIKE's wildcards (and the escape character) escaped by `\`.
fn like_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The WHERE clause (from ` WHERE TRUE`) of `filter`, with its arguments; paging only if `page`.
fn firm_where(filter: &FirmFilter, page: bool) -> (String, Vec<Arg>) {
    let mut sql = String::from(" WHERE TRUE");
    let mut args = Vec::new();
    let mut arg = |sql: &mut String, condition: &str, value: Arg| {
        args.push(value);
        sql.push_str(&condition.replace('?', &format!("${}", args.len())));
    };
    if let Some(centre) = &filter.centre_id {
        arg(&mut sql, " AND centre_id = ?", Arg::Text(centre.clone()));
    }
    if let Some(province) = &filter.province_code {
        arg(&mut sql, " AND province_code = ?", Arg::Text(province.clone()));
    }
    if let Some(section) = &filter.ksic_section {
        arg(&mut sql, " AND ksic_section = ?", Arg::Text(section.clone()));
    }
    if let Some(band) = &filter.size_band {
        arg(&mut sql, " AND size_band = ?", Arg::Text(band.clone()));
    }
    if let Some(programme) = &filter.programme_id {
        arg(
            &mut sql,
            " AND business_number IN (SELECT business_number FROM sme_partner_participations WHERE programme_id = ?)",
            Arg::Text(programme.clone()),
        );
    }
    if let Some(text) = filter.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let digits: String = text.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
        if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
            arg(
                &mut sql,
                " AND (business_number LIKE ?",
                Arg::Text(format!("{digits}%")),
            );
            arg(
                &mut sql,
                " OR name LIKE ? ESCAPE '\\')",
                Arg::Text(format!("%{}%", like_escaped(text))),
            );
        } else {
            arg(
                &mut sql,
                " AND name LIKE ? ESCAPE '\\'",
                Arg::Text(format!("%{}%", like_escaped(text))),
            );
        }
    }
    if page {
        if let Some(after) = filter.after_id {
            arg(&mut sql, " AND id > ?", Arg::Int(after));
        }
        sql.push_str(" ORDER BY id");
        if let Some(limit) = filter.limit {
            arg(&mut sql, " LIMIT ?", Arg::Int(i64::from(limit)));
        }
    }
    (sql, args)
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
    Option<bool>: Col<DB>,
    Option<NaiveDate>: Col<DB>,
{
    async fn firm_where_one(
        conn: &mut DB::Connection,
        condition: &str,
        value: Arg,
    ) -> Result<Option<FirmRecord>, StoreError> {
        let sql = format!("SELECT {FIRM_COLUMNS} FROM sme_firms WHERE {condition}");
        let query = sqlx::query(&sql);
        let query = match value {
            Arg::Text(t) => query.bind(t),
            Arg::Int(i) => query.bind(i),
        };
        let row = query.fetch_optional(&mut *conn).await?;
        Ok(row.as_ref().map(firm_from_row::<DB>).transpose()?)
    }

    async fn write_centres(pool: Pool<DB>, centres: Vec<CentreRecord>, actor: String) -> Result<(), StoreError> {
        let mut tx = DB::begin_write(&pool, Lock::SmeFirms).await?;
        let stored: Vec<String> = sqlx::query_scalar("SELECT id FROM sme_centres")
            .fetch_all(&mut *tx)
            .await?;
        let listed: HashSet<&str> = centres.iter().map(|c| c.id.as_str()).collect();
        let mut removed = Vec::new();
        for id in stored.iter().filter(|id| !listed.contains(id.as_str())) {
            let assigned: i64 = sqlx::query_scalar("SELECT count(*) FROM sme_firms WHERE centre_id = $1")
                .bind(id.clone())
                .fetch_one(&mut *tx)
                .await?;
            if assigned > 0 {
                return Err(StoreError::Conflict {
                    what: "centre".to_owned(),
                    key: id.clone(),
                    reason: format!("{assigned} firms are assigned to it, and it is no longer listed"),
                });
            }
            sqlx::query("DELETE FROM sme_centres WHERE id = $1")
                .bind(id.clone())
                .execute(&mut *tx)
                .await?;
            removed.push(id.clone());
        }
        for c in &centres {
            sqlx::query(&format!(
                "INSERT INTO sme_centres ({CENTRE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (id) DO UPDATE SET name_ko = excluded.name_ko, name_en = excluded.name_en, \
                 provinces = excluded.provinces, opened_on = excluded.opened_on, cite = excluded.cite"
            ))
            .bind(c.id.clone())
            .bind(c.name_ko.clone())
            .bind(c.name_en.clone())
            .bind(c.provinces.join(","))
            .bind(c.opened_on)
            .bind(c.cite.clone())
            .execute(&mut *tx)
            .await?;
        }
        let ids: Vec<&str> = centres.iter().map(|c| c.id.as_str()).collect();
        let detail = serde_json::json!({ "centres": ids, "removed": removed });
        record::<DB>(&mut tx, &actor, ACTION_SME_CENTRES_LOAD, "sme_centres", detail).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn write_firms(pool: Pool<DB>, firms: Vec<NewFirm>, actor: String) -> Result<FirmImportSummary, StoreError> {
        let mut seen = HashSet::with_capacity(firms.len());
        for f in &firms {
            if !seen.insert(f.business_number.as_str()) {
                return Err(StoreError::Conflict {
                    what: "firm".to_owned(),
                    key: f.business_number.clone(),
                    reason: "the business number is listed twice in one import".to_owned(),
                });
            }
        }
        drop(seen);
        let mut tx = DB::begin_write(&pool, Lock::SmeFirms).await?;
        let numbers: Vec<&str> = firms.iter().map(|f| f.business_number.as_str()).collect();
        let stored: HashMap<String, String> = sqlx::query(&format!(
            "SELECT business_number, content_hash FROM sme_firms WHERE business_number IN ({})",
            DB::JSON_STRINGS
        ))
        .bind(serde_json::Value::from(numbers).to_string())
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|row| Ok((row.try_get(0usize)?, row.try_get(1usize)?)))
        .collect::<Result<_, sqlx::Error>>()?;
        let mut summary = FirmImportSummary::default();
        let mut writes = Vec::new();
        for f in &firms {
            let hash = content_hash(f);
            match stored.get(&f.business_number) {
                Some(old) if *old == hash => summary.unchanged += 1,
                Some(_) => {
                    summary.updated += 1;
                    writes.push((f, hash));
                }
                None => {
                    summary.created += 1;
                    writes.push((f, hash));
                }
            }
        }
        let at = now();
        for chunk in writes.chunks(INSERT_CHUNK) {
            let sql = format!(
                "INSERT INTO sme_firms ({IMPORT_COLUMNS}) VALUES {}{IMPORT_UPDATE}",
                placeholders(chunk.len(), IMPORT_WIDTH)
            );
            let mut insert = sqlx::query(&sql);
            for (f, hash) in chunk {
                insert = insert
                    .bind(f.business_number.clone())
                    .bind(f.name.clone())
                    .bind(f.employees)
                    .bind(f.size_band.clone())
                    .bind(f.ksic_section.clone())
                    .bind(f.ksic_division.clone())
                    .bind(f.region_code.clone())
                    .bind(f.province_code.clone())
                    .bind(f.capital_area)
                    .bind(f.priority_support)
                    .bind(f.employer_training)
                    .bind(f.ai_training)
                    .bind(f.ai_training_hours)
                    .bind(hash.clone())
                    .bind(at)
                    .bind(at);
            }
            insert.execute(&mut *tx).await?;
        }
        let detail = serde_json::json!({
            "rows": firms.len(),
            "created": summary.created,
            "updated": summary.updated,
            "unchanged": summary.unchanged,
        });
        record::<DB>(&mut tx, &actor, ACTION_SME_FIRMS_IMPORT, "sme_firms", detail).await?;
        tx.commit().await?;
        tracing::info!(?summary, "sme firms imported");
        Ok(summary)
    }

    async fn write_assignment(
        pool: Pool<DB>,
        firm_id: i64,
        centre_id: Option<String>,
        actor: String,
    ) -> Result<(), StoreError> {
        let mut tx = DB::begin_write(&pool, Lock::SmeFirms).await?;
        let Some(firm) = Self::firm_where_one(&mut tx, "id = $1", Arg::Int(firm_id)).await? else {
            return Err(StoreError::NotFound {
                what: "firm".to_owned(),
                key: firm_id.to_string(),
            });
        };
        if let Some(centre) = &centre_id {
            let known: i64 = sqlx::query_scalar("SELECT count(*) FROM sme_centres WHERE id = $1")
                .bind(centre.clone())
                .fetch_one(&mut *tx)
                .await?;
            if known == 0 {
                return Err(StoreError::NotFound {
                    what: "centre".to_owned(),
                    key: centre.clone(),
                });
            }
        }
        if firm.centre_id == centre_id {
            return Ok(());
        }
        sqlx::query("UPDATE sme_firms SET centre_id = $2, updated_at = $3 WHERE id = $1")
            .bind(firm_id)
            .bind(centre_id.clone())
            .bind(now())
            .execute(&mut *tx)
            .await?;
        let detail = serde_json::json!({
            "business_number": firm.firm.business_number,
            "before": firm.centre_id,
            "after": centre_id,
        });
        record::<DB>(
            &mut tx,
            &actor,
            ACTION_SME_FIRM_ASSIGN,
            &format!("sme_firm:{firm_id}"),
            detail,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn write_province_assignment(pool: Pool<DB>, actor: String) -> Result<u64, StoreError> {
        let mut tx = DB::begin_write(&pool, Lock::SmeFirms).await?;
        let centres: Vec<(String, String)> = sqlx::query("SELECT id, provinces FROM sme_centres ORDER BY id")
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|row| Ok((row.try_get(0usize)?, row.try_get(1usize)?)))
            .collect::<Result<_, sqlx::Error>>()?;
        let at = now();
        let mut total = 0;
        let mut per_centre = serde_json::Map::new();
        for (id, provinces) in centres {
            let provinces: Vec<&str> = provinces.split(',').filter(|p| !p.is_empty()).collect();
            let result = sqlx::query(&format!(
                "UPDATE sme_firms SET centre_id = $1, updated_at = $2 \
                 WHERE centre_id IS NULL AND province_code IN ({})",
                DB::JSON_STRINGS.replace("$1", "$3")
            ))
            .bind(id.clone())
            .bind(at)
            .bind(serde_json::Value::from(provinces).to_string())
            .execute(&mut *tx)
            .await?;
            let n = DB::rows_affected(&result);
            if n > 0 {
                per_centre.insert(id, n.into());
            }
            total += n;
        }
        if total == 0 {
            return Ok(0);
        }
        let detail = serde_json::json!({ "by_province": true, "assigned": total, "per_centre": per_centre });
        record::<DB>(&mut tx, &actor, ACTION_SME_FIRM_ASSIGN, "sme_firms", detail).await?;
        tx.commit().await?;
        Ok(total)
    }

    async fn write_intent(
        pool: Pool<DB>,
        business_number: String,
        intent: bool,
        source: String,
        on: NaiveDate,
        actor: String,
    ) -> Result<bool, StoreError> {
        let mut tx = DB::begin_write(&pool, Lock::SmeFirms).await?;
        let set = Self::intent_in_tx(&mut tx, &business_number, intent, &source, on, &actor).await?;
        if set {
            tx.commit().await?;
        }
        Ok(set)
    }

    /// Sets a firm's stated intent inside `tx`, with its audit event (also used by the diagnosis,
    /// so a diagnosis and the intent it states are one transaction). False when no firm has the
    /// number.
    pub(crate) async fn intent_in_tx(
        tx: &mut Transaction<'static, DB>,
        business_number: &str,
        intent: bool,
        source: &str,
        on: NaiveDate,
        actor: &str,
    ) -> Result<bool, StoreError> {
        let id: Option<i64> = sqlx::query_scalar(
            "UPDATE sme_firms SET stated_intent = $2, intent_source = $3, intent_on = $4, updated_at = $5 \
             WHERE business_number = $1 RETURNING id",
        )
        .bind(business_number.to_owned())
        .bind(intent)
        .bind(source.to_owned())
        .bind(on)
        .bind(now())
        .fetch_optional(&mut **tx)
        .await?;
        let Some(id) = id else {
            return Ok(false);
        };
        let detail = serde_json::json!({
            "business_number": business_number, "intent": intent, "source": source, "on": on,
        });
        record::<DB>(tx, actor, ACTION_SME_FIRM_INTENT, &format!("sme_firm:{id}"), detail).await?;
        Ok(true)
    }

    async fn write_participations(
        pool: Pool<DB>,
        rows: Vec<NewParticipation>,
        source: String,
        actor: String,
    ) -> Result<ParticipationImportSummary, StoreError> {
        let mut tx = DB::begin_write(&pool, Lock::SmeFirms).await?;
        let numbers: Vec<&str> = rows.iter().map(|r| r.business_number.as_str()).collect();
        let known: HashSet<String> = sqlx::query_scalar(&format!(
            "SELECT business_number FROM sme_firms WHERE business_number IN ({})",
            DB::JSON_STRINGS
        ))
        .bind(serde_json::Value::from(numbers).to_string())
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .collect();
        let mut summary = ParticipationImportSummary::default();
        let at = now();
        for chunk in rows.chunks(INSERT_CHUNK) {
            let sql = format!(
                "INSERT INTO sme_partner_participations ({PARTICIPATION_COLUMNS}) VALUES {} \
                 ON CONFLICT (programme_id, business_number, year) DO NOTHING",
                placeholders(chunk.len(), 5)
            );
            let mut insert = sqlx::query(&sql);
            for r in chunk {
                insert = insert
                    .bind(r.programme_id.clone())
                    .bind(r.business_number.clone())
                    .bind(r.year)
                    .bind(source.clone())
                    .bind(at);
            }
            let result = insert.execute(&mut *tx).await?;
            summary.added += DB::rows_affected(&result);
        }
        summary.already_known = rows.len() as u64 - summary.added;
        summary.unmatched = rows.iter().filter(|r| !known.contains(&r.business_number)).count() as u64;
        let mut programmes: Vec<&str> = rows.iter().map(|r| r.programme_id.as_str()).collect();
        programmes.sort_unstable();
        programmes.dedup();
        let detail = serde_json::json!({
            "source": source,
            "programmes": programmes,
            "rows": rows.len(),
            "added": summary.added,
            "already_known": summary.already_known,
            "unmatched": summary.unmatched,
        });
        record::<DB>(&mut tx, &actor, ACTION_SME_PARTNERS_IMPORT, "sme_partners", detail).await?;
        tx.commit().await?;
        Ok(summary)
    }

    async fn participations_where(
        &self,
        condition: &str,
        value: Option<String>,
    ) -> Result<Vec<ParticipationRecord>, StoreError> {
        let sql = format!(
            "SELECT {PARTICIPATION_COLUMNS} FROM sme_partner_participations{condition} \
             ORDER BY programme_id, year, business_number"
        );
        let mut query = sqlx::query(&sql);
        if let Some(v) = value {
            query = query.bind(v);
        }
        let rows = query.fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(participation_from_row::<DB>)
            .collect::<Result<_, _>>()?)
    }
}

#[async_trait]
impl<DB> FirmStore for SqlStore<DB>
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
    Option<bool>: Col<DB>,
    Option<NaiveDate>: Col<DB>,
{
    async fn load_centres(&self, centres: &[CentreRecord], actor: &str) -> Result<(), StoreError> {
        let (pool, centres, actor) = (self.pool.clone(), centres.to_vec(), actor.to_owned());
        detached(Self::write_centres(pool, centres, actor)).await
    }

    async fn centres(&self) -> Result<Vec<CentreRecord>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {CENTRE_COLUMNS} FROM sme_centres ORDER BY id"))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(centre_from_row::<DB>).collect::<Result<_, _>>()?)
    }

    async fn import_firms(&self, firms: &[NewFirm], actor: &str) -> Result<FirmImportSummary, StoreError> {
        let (pool, firms, actor) = (self.pool.clone(), firms.to_vec(), actor.to_owned());
        detached(Self::write_firms(pool, firms, actor)).await
    }

    async fn firm(&self, id: i64) -> Result<Option<FirmRecord>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        Self::firm_where_one(&mut conn, "id = $1", Arg::Int(id)).await
    }

    async fn firm_by_number(&self, business_number: &str) -> Result<Option<FirmRecord>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        Self::firm_where_one(&mut conn, "business_number = $1", Arg::Text(business_number.to_owned())).await
    }

    async fn firms(&self, filter: &FirmFilter) -> Result<Vec<FirmRecord>, StoreError> {
        let (clause, args) = firm_where(filter, true);
        let sql = format!("SELECT {FIRM_COLUMNS} FROM sme_firms{clause}");
        let mut query = sqlx::query(&sql);
        for a in args {
            query = match a {
                Arg::Text(t) => query.bind(t),
                Arg::Int(i) => query.bind(i),
            };
        }
        let rows = query.fetch_all(&self.pool).await?;
        Ok(rows.iter().map(firm_from_row::<DB>).collect::<Result<_, _>>()?)
    }

    async fn count_firms(&self, filter: &FirmFilter) -> Result<u64, StoreError> {
        let (clause, args) = firm_where(filter, false);
        let sql = format!("SELECT count(*) FROM sme_firms{clause}");
        let mut query = sqlx::query_scalar::<_, i64>(&sql);
        for a in args {
            query = match a {
                Arg::Text(t) => query.bind(t),
                Arg::Int(i) => query.bind(i),
            };
        }
        let count = query.fetch_one(&self.pool).await?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    async fn assign_centre(&self, firm_id: i64, centre_id: Option<&str>, actor: &str) -> Result<(), StoreError> {
        let (pool, centre, actor) = (self.pool.clone(), centre_id.map(str::to_owned), actor.to_owned());
        detached(Self::write_assignment(pool, firm_id, centre, actor)).await
    }

    async fn assign_by_province(&self, actor: &str) -> Result<u64, StoreError> {
        let (pool, actor) = (self.pool.clone(), actor.to_owned());
        detached(Self::write_province_assignment(pool, actor)).await
    }

    async fn set_intent(
        &self,
        business_number: &str,
        intent: bool,
        source: &str,
        on: NaiveDate,
        actor: &str,
    ) -> Result<bool, StoreError> {
        let pool = self.pool.clone();
        let (number, source, actor) = (business_number.to_owned(), source.to_owned(), actor.to_owned());
        detached(Self::write_intent(pool, number, intent, source, on, actor)).await
    }

    async fn import_participations(
        &self,
        rows: &[NewParticipation],
        source: &str,
        actor: &str,
    ) -> Result<ParticipationImportSummary, StoreError> {
        let (pool, rows, source, actor) = (self.pool.clone(), rows.to_vec(), source.to_owned(), actor.to_owned());
        detached(Self::write_participations(pool, rows, source, actor)).await
    }

    async fn participations_of(&self, business_number: &str) -> Result<Vec<ParticipationRecord>, StoreError> {
        self.participations_where(" WHERE business_number = $1", Some(business_number.to_owned()))
            .await
    }

    async fn participations(&self) -> Result<Vec<ParticipationRecord>, StoreError> {
        self.participations_where("", None).await
    }
}
