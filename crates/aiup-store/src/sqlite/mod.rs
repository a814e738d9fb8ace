//! SQLite backend.
//!
//! Writes run in `BEGIN IMMEDIATE` transactions, so concurrent writers queue on SQLite's write
//! lock (bounded by the busy timeout) instead of failing on a read-to-write lock upgrade.

use std::collections::BTreeSet;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use aiup_catalogue::{CatalogueBatch, Course, Institution};
use async_trait::async_trait;
use chrono::Utc;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use crate::catalogue::{
    self, CohortRow, CourseRow, InstitutionRow, ShaRow, COHORT_COLUMNS, COURSE_CHUNK, COURSE_COLUMNS, COURSE_UPDATE,
    INSTITUTION_COLUMNS, INSTITUTION_UPDATE, SMALL_ROW_CHUNK,
};
use crate::{
    clamp_limit, version_conflict, AuditEvent, AuditRow, Backend, CatalogueImportSummary, ImportOutcome,
    NewPolicyVersion, PolicyFileRecord, PolicyVersionSummary, RegionAliasRecord, RegionRecord, RegionSet, Store,
    StoreError, ACTION_CATALOGUE_IMPORT, ACTION_POLICY_ACTIVATE, ACTION_POLICY_IMPORT, ACTION_REGIONS_IMPORT,
    INSERT_CHUNK,
};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

const MAX_CONNECTIONS: u32 = 4;
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

const SUMMARY_COLUMNS: &str = "v.version, v.sha256, v.imported_at, v.actor, v.note, v.active, \
     (SELECT COUNT(*) FROM policy_files f WHERE f.version_id = v.id) AS file_count";

/// A [`Store`] backed by a SQLite file (or an in-memory database for tests).
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database named by a `sqlite:` URL. Does not migrate;
    /// [`crate::connect`] does.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let mut options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool_options = if in_memory {
            // Every connection of an in-memory database must stay open or the data is lost;
            // one connection also avoids shared-cache table locks.
            SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
        } else {
            options = options.journal_mode(SqliteJournalMode::Wal);
            if let Some(parent) = options.get_filename().parent() {
                if !parent.as_os_str().is_empty() && !parent.exists() {
                    create_dir_all(parent).await?;
                }
            }
            SqlitePoolOptions::new().max_connections(MAX_CONNECTIONS)
        };
        let pool = pool_options.connect_with(options).await?;
        Ok(Self { pool })
    }

    /// Wraps an existing pool (foreign keys must be on).
    pub fn from_pool(pool: SqlitePool) -> Self {
        Self { pool }
    }

    /// The underlying pool, for later modules that add their own tables.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Sqlite>, StoreError> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }
}

async fn create_dir_all(dir: &Path) -> Result<(), StoreError> {
    tokio::fs::create_dir_all(dir)
        .await
        .map_err(|e| StoreError::Database(sqlx::Error::Io(e)))
}

async fn audit(
    conn: &mut SqliteConnection,
    actor: &str,
    action: &str,
    subject: &str,
    detail: serde_json::Value,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO audit_events (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)")
        .bind(Utc::now())
        .bind(actor)
        .bind(action)
        .bind(subject)
        .bind(detail.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

async fn active_version_name(conn: &mut SqliteConnection) -> Result<Option<String>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT version FROM policy_versions WHERE active = 1")
            .fetch_optional(conn)
            .await?,
    )
}

/// Makes the version with `id` the only active one.
async fn set_active(conn: &mut SqliteConnection, id: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE policy_versions SET active = 0 WHERE active = 1 AND id <> ?")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE policy_versions SET active = 1 WHERE id = ?")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    id: i64,
    version: String,
    sha256: String,
    active: bool,
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    async fn replace_regions(&self, set: &RegionSet, actor: &str) -> Result<ImportOutcome, StoreError> {
        let mut tx = self.begin_write().await?;
        let previous: Option<String> = sqlx::query_scalar("SELECT sha256 FROM region_sets ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut *tx)
            .await?;
        if previous.as_deref() == Some(set.sha256.as_str()) {
            return Ok(ImportOutcome::Unchanged);
        }

        sqlx::query("DELETE FROM region_aliases").execute(&mut *tx).await?;
        sqlx::query("DELETE FROM regions").execute(&mut *tx).await?;
        for chunk in set.regions.chunks(INSERT_CHUNK) {
            let mut qb = QueryBuilder::<Sqlite>::new(
                "INSERT INTO regions (code, sido_code, sido_name, name, kind, parent_code, \
                 capital_area, population_declining) ",
            );
            qb.push_values(chunk, |mut b, r| {
                b.push_bind(r.code.clone())
                    .push_bind(r.sido_code.clone())
                    .push_bind(r.sido_name.clone())
                    .push_bind(r.name.clone())
                    .push_bind(r.kind.clone())
                    .push_bind(r.parent_code.clone())
                    .push_bind(r.capital_area)
                    .push_bind(r.population_declining);
            });
            qb.build().execute(&mut *tx).await?;
        }
        for chunk in set.aliases.chunks(INSERT_CHUNK) {
            let mut qb =
                QueryBuilder::<Sqlite>::new("INSERT INTO region_aliases (alias, current_code, changed_on, note) ");
            qb.push_values(chunk, |mut b, a| {
                b.push_bind(a.alias.clone())
                    .push_bind(a.current_code.clone())
                    .push_bind(a.changed_on)
                    .push_bind(a.note.clone());
            });
            qb.build().execute(&mut *tx).await?;
        }
        sqlx::query(
            "INSERT INTO region_sets (sha256, imported_at, actor, region_count, alias_count) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&set.sha256)
        .bind(Utc::now())
        .bind(actor)
        .bind(set.regions.len() as i64)
        .bind(set.aliases.len() as i64)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor,
            ACTION_REGIONS_IMPORT,
            &set.sha256,
            serde_json::json!({
                "regions": set.regions.len(),
                "aliases": set.aliases.len(),
                "previous_sha256": previous,
            }),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(sha256 = %set.sha256, regions = set.regions.len(), aliases = set.aliases.len(), "region set imported");
        Ok(ImportOutcome::Imported)
    }

    async fn region_set(&self) -> Result<Option<RegionSet>, StoreError> {
        // One read transaction so the rows and the sha come from the same snapshot.
        let mut tx = self.pool.begin().await?;
        let Some(sha256) = sqlx::query_scalar::<_, String>("SELECT sha256 FROM region_sets ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(None);
        };
        let regions = sqlx::query_as::<_, RegionRecord>(
            "SELECT code, sido_code, sido_name, name, kind, parent_code, capital_area, \
             population_declining FROM regions ORDER BY code",
        )
        .fetch_all(&mut *tx)
        .await?;
        let aliases = sqlx::query_as::<_, RegionAliasRecord>(
            "SELECT alias, current_code, changed_on, note FROM region_aliases ORDER BY alias",
        )
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(RegionSet {
            sha256,
            regions,
            aliases,
        }))
    }

    async fn import_policy_version(&self, v: &NewPolicyVersion) -> Result<ImportOutcome, StoreError> {
        let mut tx = self.begin_write().await?;
        let existing =
            sqlx::query_as::<_, VersionRow>("SELECT id, version, sha256, active FROM policy_versions WHERE sha256 = ?")
                .bind(&v.sha256)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(existing) = existing {
            if !existing.active {
                let previous = active_version_name(&mut tx).await?;
                set_active(&mut tx, existing.id).await?;
                audit(
                    &mut tx,
                    &v.actor,
                    ACTION_POLICY_ACTIVATE,
                    &existing.version,
                    serde_json::json!({
                        "sha256": existing.sha256,
                        "previous": previous,
                        "via": "import",
                    }),
                )
                .await?;
                tx.commit().await?;
                tracing::info!(version = %existing.version, "policy version re-activated by import");
            }
            return Ok(ImportOutcome::Unchanged);
        }
        let same_name: Option<String> = sqlx::query_scalar("SELECT sha256 FROM policy_versions WHERE version = ?")
            .bind(&v.version)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(sha) = same_name {
            return Err(version_conflict(&v.version, &sha));
        }

        let previous = active_version_name(&mut tx).await?;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO policy_versions (version, sha256, imported_at, actor, note, active) \
             VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT (sha256) DO NOTHING RETURNING id",
        )
        .bind(&v.version)
        .bind(&v.sha256)
        .bind(Utc::now())
        .bind(&v.actor)
        .bind(&v.note)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = id else {
            // Unreachable while writers are serialised by BEGIN IMMEDIATE, but a lost race is
            // "already stored", not an error.
            return Ok(ImportOutcome::Unchanged);
        };
        for chunk in v.files.chunks(INSERT_CHUNK) {
            let mut qb = QueryBuilder::<Sqlite>::new("INSERT INTO policy_files (version_id, path, content) ");
            qb.push_values(chunk, |mut b, f| {
                b.push_bind(id).push_bind(f.path.clone()).push_bind(f.content.clone());
            });
            qb.build().execute(&mut *tx).await?;
        }
        set_active(&mut tx, id).await?;
        audit(
            &mut tx,
            &v.actor,
            ACTION_POLICY_IMPORT,
            &v.version,
            serde_json::json!({
                "sha256": v.sha256,
                "files": v.files.len(),
                "note": v.note,
                "previous": previous,
            }),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(version = %v.version, sha256 = %v.sha256, files = v.files.len(), "policy version imported");
        Ok(ImportOutcome::Imported)
    }

    async fn active_policy(&self) -> Result<Option<(PolicyVersionSummary, Vec<PolicyFileRecord>)>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM policy_versions WHERE active = 1")
            .fetch_optional(&mut *tx)
            .await?;
        let Some((id,)) = row else {
            return Ok(None);
        };
        let summary = sqlx::query_as::<_, PolicyVersionSummary>(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM policy_versions v WHERE v.id = ?"
        ))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let files = sqlx::query_as::<_, PolicyFileRecord>(
            "SELECT path, content FROM policy_files WHERE version_id = ? ORDER BY path",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some((summary, files)))
    }

    async fn policy_versions(&self) -> Result<Vec<PolicyVersionSummary>, StoreError> {
        Ok(sqlx::query_as::<_, PolicyVersionSummary>(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM policy_versions v ORDER BY v.id DESC"
        ))
        .fetch_all(&self.pool)
        .await?)
    }

    async fn activate_policy_version(&self, version: &str, actor: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let Some(target) = sqlx::query_as::<_, VersionRow>(
            "SELECT id, version, sha256, active FROM policy_versions WHERE version = ?",
        )
        .bind(version)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Err(StoreError::NotFound {
                what: "policy version".to_owned(),
                key: version.to_owned(),
            });
        };
        let previous = active_version_name(&mut tx).await?;
        set_active(&mut tx, target.id).await?;
        audit(
            &mut tx,
            actor,
            ACTION_POLICY_ACTIVATE,
            &target.version,
            serde_json::json!({
                "sha256": target.sha256,
                "previous": previous,
                "was_active": target.active,
            }),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(version = %target.version, actor, "policy version activated");
        Ok(())
    }

    async fn audit_events(&self, limit: i64) -> Result<Vec<AuditEvent>, StoreError> {
        sqlx::query_as::<_, AuditRow>(
            "SELECT id, at, actor, action, subject, detail FROM audit_events \
             ORDER BY id DESC LIMIT ?",
        )
        .bind(clamp_limit(limit))
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(AuditEvent::try_from)
        .collect()
    }

    async fn upsert_catalogue(
        &self,
        batch: &CatalogueBatch,
        actor: &str,
    ) -> Result<CatalogueImportSummary, StoreError> {
        let (institution_ids, course_ids) = catalogue::batch_ids(batch)?;
        let mut tx = self.begin_write().await?;
        let stored_institutions = sqlx::query_as::<_, InstitutionRow>(&format!(
            "SELECT {INSTITUTION_COLUMNS} FROM institutions WHERE id IN (SELECT value FROM json_each(?))"
        ))
        .bind(serde_json::Value::from(institution_ids).to_string())
        .fetch_all(&mut *tx)
        .await?;
        let stored_shas = sqlx::query_as::<_, ShaRow>(
            "SELECT id, content_sha FROM courses WHERE id IN (SELECT value FROM json_each(?))",
        )
        .bind(serde_json::Value::from(course_ids).to_string())
        .fetch_all(&mut *tx)
        .await?;
        let mut plan = catalogue::plan(batch, stored_institutions, stored_shas)?;
        let now = Utc::now();
        for chunk in plan.institutions.chunks(SMALL_ROW_CHUNK) {
            let mut qb = QueryBuilder::<Sqlite>::new(format!(
                "INSERT INTO institutions ({INSTITUTION_COLUMNS}, created_at, updated_at) "
            ));
            catalogue::push_institutions(&mut qb, chunk, now);
            qb.push(INSTITUTION_UPDATE);
            qb.build().execute(&mut *tx).await?;
        }
        if !plan.replaced_courses.is_empty() {
            sqlx::query("DELETE FROM cohorts WHERE course_id IN (SELECT value FROM json_each(?))")
                .bind(serde_json::Value::from(plan.replaced_courses.clone()).to_string())
                .execute(&mut *tx)
                .await?;
        }
        for chunk in plan.courses.chunks(COURSE_CHUNK) {
            let mut qb = QueryBuilder::<Sqlite>::new(format!(
                "INSERT INTO courses ({COURSE_COLUMNS}, created_at, updated_at) "
            ));
            catalogue::push_courses(&mut qb, chunk, now);
            qb.push(COURSE_UPDATE);
            qb.build().execute(&mut *tx).await?;
        }
        for chunk in plan.cohorts.chunks(SMALL_ROW_CHUNK) {
            let mut qb = QueryBuilder::<Sqlite>::new(format!("INSERT INTO cohorts ({COHORT_COLUMNS}) "));
            catalogue::push_cohorts(&mut qb, chunk);
            qb.build().execute(&mut *tx).await?;
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
        audit(
            &mut tx,
            actor,
            ACTION_CATALOGUE_IMPORT,
            "catalogue",
            catalogue::audit_detail(&plan.summary, batch),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(summary = ?plan.summary, "catalogue imported");
        Ok(plan.summary)
    }

    async fn catalogue_generation(&self) -> Result<u64, StoreError> {
        let generation: i64 = sqlx::query_scalar("SELECT generation FROM catalogue_state WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(u64::try_from(generation).unwrap_or(0))
    }

    async fn institutions(&self) -> Result<Vec<Institution>, StoreError> {
        sqlx::query_as::<_, InstitutionRow>(&format!("SELECT {INSTITUTION_COLUMNS} FROM institutions ORDER BY id"))
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(Institution::try_from)
            .collect()
    }

    async fn institution_ids(&self) -> Result<BTreeSet<String>, StoreError> {
        let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM institutions")
            .fetch_all(&self.pool)
            .await?;
        Ok(ids.into_iter().collect())
    }

    async fn courses(&self) -> Result<Vec<Course>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let rows = sqlx::query_as::<_, CourseRow>(&format!("SELECT {COURSE_COLUMNS} FROM courses ORDER BY id"))
            .fetch_all(&mut *tx)
            .await?;
        let cohorts = sqlx::query_as::<_, CohortRow>(&format!(
            "SELECT {COHORT_COLUMNS} FROM cohorts ORDER BY course_id, ordinal"
        ))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        catalogue::assemble_courses(rows, cohorts)
    }

    async fn course(&self, id: &str) -> Result<Option<(Course, Institution)>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let Some(row) = sqlx::query_as::<_, CourseRow>(&format!("SELECT {COURSE_COLUMNS} FROM courses WHERE id = ?"))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
        else {
            return Ok(None);
        };
        let cohorts = sqlx::query_as::<_, CohortRow>(&format!(
            "SELECT {COHORT_COLUMNS} FROM cohorts WHERE course_id = ? ORDER BY ordinal"
        ))
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let institution = sqlx::query_as::<_, InstitutionRow>(&format!(
            "SELECT {INSTITUTION_COLUMNS} FROM institutions WHERE id = ?"
        ))
        .bind(&row.institution_id)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some((
            catalogue::course_from_rows(row, &cohorts)?,
            institution.try_into()?,
        )))
    }
}
