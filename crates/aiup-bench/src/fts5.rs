//! SQLite FTS5 baselines, through sqlx and its bundled SQLite.
//!
//! - **unicode61** (FTS5's default tokenizer): the query is the user's whitespace-separated
//!   words, each double-quoted (a phrase of its tokens), joined with `OR`. `AND` would return
//!   nothing for most Korean queries, whose words carry particles and endings
//!   ("파이썬으로" is one token that no course contains).
//! - **trigram**: each word of 3 or more characters is a quoted phrase (a substring match),
//!   ORed; FTS5 cannot match a trigram query shorter than 3 characters, so each shorter word
//!   ("AI", "회계", "영상") falls back to `LIKE '%word%'` on the five columns. A LIKE match
//!   scores like a BM25 term with a term frequency of one and no length normalisation:
//!   `idf × Σ column weight`, the idf computed as FTS5's bm25 does, and is added to the
//!   (negated) `bm25()` of the MATCH part.
//!
//! Ranking: `bm25(course_fts, 3, 2, 1.5, 1, 0.5)`, the column weights aiup gives the same
//! fields. Facets are plain columns of a `course` table (indexed) and side tables for the
//! multi-valued ones, in the same database file.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::str::FromStr;

use aiup_search::Filters;
use anyhow::Context as _;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};

use crate::rows::{facet_union, single_columns, where_clause, CourseRow, StoredDoc, MULTI, SINGLE};
use crate::speed::Answer;
use crate::ZONE_WEIGHTS;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tokenizer {
    Unicode61,
    Trigram,
}

impl Tokenizer {
    fn sql(self) -> &'static str {
        match self {
            Tokenizer::Unicode61 => "unicode61",
            Tokenizer::Trigram => "trigram",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Fts5 {
    pool: SqlitePool,
    tokenizer: Tokenizer,
    documents: i64,
}

/// The unicode61 MATCH expression: every whitespace-separated word with a letter or digit,
/// double-quoted, ORed. `None` when there is no such word.
pub fn unicode61_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect();
    (!words.is_empty()).then(|| words.join(" OR "))
}

/// The trigram query: (MATCH expression of the words of 3+ characters, the shorter words).
pub fn trigram_query(text: &str) -> (Option<String>, Vec<String>) {
    let mut long = Vec::new();
    let mut short = Vec::new();
    for word in text.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)) {
        if word.chars().count() >= 3 {
            long.push(format!("\"{}\"", word.replace('"', "\"\"")));
        } else if !short.iter().any(|s| s == word) {
            short.push(word.to_owned());
        }
    }
    ((!long.is_empty()).then(|| long.join(" OR ")), short)
}

fn bm25_call() -> String {
    let weights: Vec<String> = ZONE_WEIGHTS.iter().map(|(_, w)| format!("{w:.1}")).collect();
    format!("bm25(course_fts, {})", weights.join(", "))
}

impl Fts5 {
    /// Creates the database file at `path` (which must not exist) with `connections` pooled
    /// connections.
    pub async fn create(path: &Path, tokenizer: Tokenizer, connections: u32) -> anyhow::Result<Fts5> {
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal);
        let pool = SqlitePoolOptions::new()
            .max_connections(connections.max(1))
            .min_connections(connections.max(1))
            .connect_with(options)
            .await
            .with_context(|| format!("cannot open SQLite at {}", path.display()))?;
        let mut schema =
            String::from("CREATE TABLE course (rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL");
        for (_, column) in SINGLE {
            schema.push_str(&format!(", {column} TEXT"));
        }
        schema.push(')');
        sqlx::query(&schema).execute(&pool).await?;
        for (_, table) in MULTI {
            sqlx::query(&format!(
                "CREATE TABLE course_{table} (rid INTEGER NOT NULL, value TEXT NOT NULL, PRIMARY KEY (rid, value)) WITHOUT ROWID"
            ))
            .execute(&pool)
            .await?;
        }
        let columns: Vec<&str> = ZONE_WEIGHTS.iter().map(|(c, _)| *c).collect();
        sqlx::query(&format!(
            "CREATE VIRTUAL TABLE course_fts USING fts5({}, tokenize = '{}')",
            columns.join(", "),
            tokenizer.sql()
        ))
        .execute(&pool)
        .await
        .context("this SQLite has no FTS5 (CREATE VIRTUAL TABLE … USING fts5 failed)")?;
        Ok(Fts5 {
            pool,
            tokenizer,
            documents: 0,
        })
    }

    /// Opens a database [`Fts5::load`] filled earlier.
    pub async fn open(path: &Path, tokenizer: Tokenizer, connections: u32) -> anyhow::Result<Fts5> {
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal);
        let pool = SqlitePoolOptions::new()
            .max_connections(connections.max(1))
            .min_connections(connections.max(1))
            .connect_with(options)
            .await
            .with_context(|| format!("cannot open SQLite at {}", path.display()))?;
        let row = sqlx::query("SELECT count(*) FROM course").fetch_one(&pool).await?;
        let documents: i64 = row.try_get(0)?;
        Ok(Fts5 {
            pool,
            tokenizer,
            documents,
        })
    }

    /// Inserts every row in one transaction, then builds the facet indexes.
    pub async fn load(&mut self, rows: &[CourseRow]) -> anyhow::Result<()> {
        let mut tx = self.pool.begin().await?;
        let single: Vec<&str> = SINGLE.iter().map(|(_, c)| *c).collect();
        let insert_course = format!(
            "INSERT INTO course (rid, id, doc, {}) VALUES (?, ?, ?, {})",
            single.join(", "),
            vec!["?"; single.len()].join(", ")
        );
        for row in rows {
            sqlx::query(&insert_course)
                .bind(row.rid)
                .bind(&row.id)
                .bind(&row.doc)
                .bind(&row.ai_step)
                .bind(&row.ai_level)
                .bind(&row.delivery)
                .bind(&row.province)
                .bind(&row.tier)
                .bind(&row.hours_band)
                .bind(&row.fee_band)
                .bind(&row.ncs_major)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO course_fts (rowid, title, keywords, occupation, summary, institution) VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(row.rid)
            .bind(&row.title)
            .bind(&row.keywords)
            .bind(&row.occupation)
            .bind(&row.summary)
            .bind(&row.institution)
            .execute(&mut *tx)
            .await?;
            for (table, values) in [
                ("programme", &row.programmes),
                ("stage", &row.stages),
                ("audience", &row.audiences),
                ("month", &row.months),
            ] {
                for value in values {
                    sqlx::query(&format!("INSERT INTO course_{table} (rid, value) VALUES (?, ?)"))
                        .bind(row.rid)
                        .bind(value)
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
        for column in &single {
            sqlx::query(&format!("CREATE INDEX course_{column} ON course ({column})"))
                .execute(&mut *tx)
                .await?;
        }
        for (_, table) in MULTI {
            sqlx::query(&format!(
                "CREATE INDEX course_{table}_value ON course_{table} (value, rid)"
            ))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        sqlx::query("INSERT INTO course_fts (course_fts) VALUES ('optimize')")
            .execute(&self.pool)
            .await?;
        sqlx::query("ANALYZE").execute(&self.pool).await?;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await?;
        self.documents = rows.len() as i64;
        Ok(())
    }

    /// The top `limit` hits (with their stored documents) and, with `facets`, the total and
    /// every facet's counts over the matching set (counted on the filtered set, not
    /// disjunctively).
    pub async fn search(&self, text: &str, filters: &Filters, limit: usize, facets: bool) -> anyhow::Result<Answer> {
        match self.tokenizer {
            Tokenizer::Unicode61 => match unicode61_query(text) {
                Some(query) => self.search_match(&query, filters, limit, facets).await,
                None => Ok(Answer::default()),
            },
            Tokenizer::Trigram => self.search_trigram(text, filters, limit).await,
        }
    }

    async fn search_match(&self, query: &str, filters: &Filters, limit: usize, facets: bool) -> anyhow::Result<Answer> {
        let filter_sql = where_clause(filters)?;
        let mut conn = self.pool.acquire().await?;
        let hits_sql = format!(
            "SELECT c.id, c.doc, {} AS score FROM course_fts JOIN course c ON c.rid = course_fts.rowid \
             WHERE course_fts MATCH ?1{filter_sql} ORDER BY score, c.id LIMIT ?2",
            bm25_call()
        );
        let rows = sqlx::query(&hits_sql)
            .bind(query)
            .bind(limit as i64)
            .fetch_all(&mut *conn)
            .await
            .with_context(|| format!("FTS5 query `{query}`"))?;
        let mut answer = Answer::default();
        for row in rows {
            let id: String = row.try_get(0)?;
            let doc: String = row.try_get(1)?;
            let score: f64 = row.try_get(2)?;
            answer.docs.push(serde_json::from_str::<StoredDoc>(&doc)?);
            answer.hits.push((id, -score));
        }
        if facets {
            let facet_sql = format!(
                "WITH m AS MATERIALIZED (SELECT c.rid, {} FROM course_fts JOIN course c ON c.rid = course_fts.rowid \
                 WHERE course_fts MATCH ?1{filter_sql})\n{}",
                single_columns(),
                facet_union()
            );
            let rows = sqlx::query(&facet_sql).bind(query).fetch_all(&mut *conn).await?;
            answer.set_facets(rows.iter().map(|r| {
                (
                    r.try_get::<String, _>(0).unwrap_or_default(),
                    r.try_get::<Option<String>, _>(1).ok().flatten().unwrap_or_default(),
                    r.try_get::<i64, _>(2).unwrap_or(0),
                )
            }));
        }
        Ok(answer)
    }

    async fn search_trigram(&self, text: &str, filters: &Filters, limit: usize) -> anyhow::Result<Answer> {
        let filter_sql = where_clause(filters)?;
        let (long, short) = trigram_query(text);
        let mut conn = self.pool.acquire().await?;
        let mut scores: HashMap<i64, f64> = HashMap::new();
        if let Some(query) = &long {
            let sql = format!(
                "SELECT c.rid, {} FROM course_fts JOIN course c ON c.rid = course_fts.rowid WHERE course_fts MATCH ?1{filter_sql}",
                bm25_call()
            );
            for row in sqlx::query(&sql).bind(query).fetch_all(&mut *conn).await? {
                let rid: i64 = row.try_get(0)?;
                let score: f64 = row.try_get(1)?;
                *scores.entry(rid).or_default() -= score;
            }
        }
        for word in &short {
            let pattern = format!(
                "%{}%",
                word.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
            );
            let weighted: Vec<String> = ZONE_WEIGHTS
                .iter()
                .map(|(c, w)| format!("(f.{c} LIKE ?1 ESCAPE '\\') * {w:.1}"))
                .collect();
            let any: Vec<String> = ZONE_WEIGHTS
                .iter()
                .map(|(c, _)| format!("f.{c} LIKE ?1 ESCAPE '\\'"))
                .collect();
            let sql = format!(
                "SELECT c.rid, {} FROM course_fts f JOIN course c ON c.rid = f.rowid WHERE ({}){filter_sql}",
                weighted.join(" + "),
                any.join(" OR ")
            );
            let rows = sqlx::query(&sql).bind(&pattern).fetch_all(&mut *conn).await?;
            let n = self.documents as f64;
            let df = rows.len() as f64;
            // FTS5's bm25 idf, floored as FTS5 floors it.
            let idf = (((n - df + 0.5) / (df + 0.5)).ln()).max(1e-6);
            for row in rows {
                let rid: i64 = row.try_get(0)?;
                let weight: f64 = row.try_get(1)?;
                *scores.entry(rid).or_default() += idf * weight;
            }
        }
        let mut ranked: Vec<(i64, f64)> = scores.into_iter().collect();
        let mut ids: HashMap<i64, String> = HashMap::new();
        if !ranked.is_empty() {
            for row in sqlx::query("SELECT rid, id FROM course").fetch_all(&mut *conn).await? {
                ids.insert(row.try_get(0)?, row.try_get(1)?);
            }
        }
        let id_of = |rid: i64| ids.get(&rid).cloned().unwrap_or_default();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| id_of(a.0).cmp(&id_of(b.0))));
        let mut answer = Answer {
            total: ranked.len() as u64,
            ..Answer::default()
        };
        for (rid, score) in ranked.into_iter().take(limit) {
            answer.hits.push((id_of(rid), score));
        }
        Ok(answer)
    }

    /// Size of the database file (and its WAL), in bytes.
    pub fn size_of(path: &Path) -> u64 {
        let wal = std::path::PathBuf::from(format!("{}-wal", path.display()));
        [path.to_path_buf(), wal]
            .iter()
            .map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
            .sum()
    }

    pub async fn close(self) {
        self.pool.close().await;
    }
}

/// Facet rows (facet, value, count) into an [`Answer`].
pub(crate) fn collect_facets(
    rows: impl Iterator<Item = (String, String, i64)>,
) -> (u64, BTreeMap<String, Vec<(String, u64)>>) {
    let mut total = 0;
    let mut facets: BTreeMap<String, Vec<(String, u64)>> = BTreeMap::new();
    for (facet, value, count) in rows {
        if facet == "total" {
            total = count.max(0) as u64;
        } else {
            facets.entry(facet).or_default().push((value, count.max(0) as u64));
        }
    }
    for values in facets.values_mut() {
        values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    }
    (total, facets)
}
