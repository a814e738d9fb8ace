//! PostgreSQL full-text search baseline.
//!
//! One `tsvector` per course: `setweight(to_tsvector('simple', …), …)` with title A, keywords
//! and occupation B, summary C, institution name D, under a GIN index; btree indexes on the
//! facet columns and the side tables of the multi-valued facets. The query is
//! `to_tsquery('simple', 'tok1' | 'tok2' …)`: the user's text cut at every character that is
//! not a letter or digit, lowercased, ORed (an AND would match nothing for most Korean queries).
//! Ranking: `ts_rank_cd` with the weights {D, C, B, A} = {0.1667, 0.3333, 0.6667, 1}, aiup's
//! zone weights scaled to A = 1 (PostgreSQL has four weight classes for aiup's five zones).
//!
//! Everything lives in a throwaway database `aiup_bench_<pid>_<n>`, dropped by [`Pg::drop_database`].

use std::sync::atomic::{AtomicUsize, Ordering};

use aiup_search::Filters;
use anyhow::Context as _;
use sqlx::postgres::PgPoolOptions;
use sqlx::{Connection, PgConnection, PgPool, Row};

use crate::fts5::collect_facets;
use crate::rows::{facet_union, single_columns, where_clause, CourseRow, StoredDoc, MULTI, SINGLE};
use crate::speed::Answer;

/// The default server: local, trust authentication.
pub const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

const RANK_WEIGHTS: &str = "'{0.1667, 0.3333, 0.6667, 1.0}'";

static DATABASES: AtomicUsize = AtomicUsize::new(0);

#[derive(Debug, Clone)]
pub struct Pg {
    pool: PgPool,
    admin_url: String,
    database: String,
}

/// The tsquery text: 'tok1' | 'tok2' …, or `None` when the text has no letter or digit.
pub fn tsquery(text: &str) -> Option<String> {
    let mut tokens: Vec<String> = Vec::new();
    for token in text.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()) {
        let token = token.to_lowercase();
        if !tokens.contains(&token) {
            tokens.push(token);
        }
    }
    let quoted: Vec<String> = tokens.iter().map(|t| format!("'{t}'")).collect();
    (!quoted.is_empty()).then(|| quoted.join(" | "))
}

fn with_database(url: &str, database: &str) -> String {
    // Replace the path of the URL (the part after the host), keeping any query string.
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{database}", &base[..path_start]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl Pg {
    /// Creates a fresh database on the server at `admin_url` and connects `connections` times.
    pub async fn create(admin_url: &str, connections: u32) -> anyhow::Result<Pg> {
        let mut admin = PgConnection::connect(admin_url).await.with_context(|| {
            format!(
                "PostgreSQL is not reachable at {admin_url} (start a server with trust authentication for \
                 `postgres` on 127.0.0.1:5432, or pass --postgres-url)"
            )
        })?;
        let database = format!(
            "aiup_bench_{}_{}",
            std::process::id(),
            DATABASES.fetch_add(1, Ordering::Relaxed)
        );
        sqlx::query(&format!("DROP DATABASE IF EXISTS {database}"))
            .execute(&mut admin)
            .await?;
        sqlx::query(&format!(
            "CREATE DATABASE {database} ENCODING 'UTF8' TEMPLATE template0"
        ))
        .execute(&mut admin)
        .await
        .with_context(|| format!("cannot create the database {database}"))?;
        admin.close().await?;
        let pool = PgPoolOptions::new()
            .max_connections(connections.max(1))
            .min_connections(connections.max(1))
            .connect(&with_database(admin_url, &database))
            .await?;
        let mut schema =
            String::from("CREATE TABLE course (rid BIGINT PRIMARY KEY, id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL");
        for (_, column) in SINGLE {
            schema.push_str(&format!(", {column} TEXT"));
        }
        schema.push_str(", tsv TSVECTOR NOT NULL)");
        sqlx::query(&schema).execute(&pool).await?;
        for (_, table) in MULTI {
            sqlx::query(&format!(
                "CREATE TABLE course_{table} (rid BIGINT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (rid, value))"
            ))
            .execute(&pool)
            .await?;
        }
        Ok(Pg {
            pool,
            admin_url: admin_url.to_owned(),
            database,
        })
    }

    /// Connects to a database [`Pg::create`] made and [`Pg::load`] filled earlier.
    pub async fn open(admin_url: &str, database: &str, connections: u32) -> anyhow::Result<Pg> {
        let pool = PgPoolOptions::new()
            .max_connections(connections.max(1))
            .min_connections(connections.max(1))
            .connect(&with_database(admin_url, database))
            .await
            .with_context(|| format!("cannot connect to the database {database} at {admin_url}"))?;
        Ok(Pg {
            pool,
            admin_url: admin_url.to_owned(),
            database: database.to_owned(),
        })
    }

    pub fn database(&self) -> &str {
        &self.database
    }

    /// Bulk-inserts the rows (5,000 a statement, one transaction), then builds the GIN and
    /// btree indexes and analyses the tables.
    pub async fn load(&self, rows: &[CourseRow]) -> anyhow::Result<()> {
        let mut tx = self.pool.begin().await?;
        let single: Vec<&str> = SINGLE.iter().map(|(_, c)| *c).collect();
        let casts: Vec<String> = (0..single.len()).map(|i| format!("${}::text[]", i + 9)).collect();
        let insert = format!(
            "INSERT INTO course (rid, id, doc, {cols}, tsv) \
             SELECT rid, id, doc, {cols}, \
               setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', keywords), 'B') || \
               setweight(to_tsvector('simple', occupation), 'B') || setweight(to_tsvector('simple', summary), 'C') || \
               setweight(to_tsvector('simple', institution), 'D') \
             FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], {casts}) \
               AS u(rid, id, doc, title, keywords, occupation, summary, institution, {cols})",
            cols = single.join(", "),
            casts = casts.join(", ")
        );
        for chunk in rows.chunks(5_000) {
            let mut q = sqlx::query(&insert)
                .bind(chunk.iter().map(|r| r.rid).collect::<Vec<_>>())
                .bind(chunk.iter().map(|r| r.id.clone()).collect::<Vec<_>>())
                .bind(chunk.iter().map(|r| r.doc.clone()).collect::<Vec<_>>())
                .bind(chunk.iter().map(|r| r.title.clone()).collect::<Vec<_>>())
                .bind(chunk.iter().map(|r| r.keywords.clone()).collect::<Vec<_>>())
                .bind(chunk.iter().map(|r| r.occupation.clone()).collect::<Vec<_>>())
                .bind(chunk.iter().map(|r| r.summary.clone()).collect::<Vec<_>>())
                .bind(chunk.iter().map(|r| r.institution.clone()).collect::<Vec<_>>());
            for column in &single {
                let values: Vec<Option<String>> = chunk.iter().map(|r| single_value(r, column)).collect();
                q = q.bind(values);
            }
            q.execute(&mut *tx).await?;
            for (table, values) in [
                (
                    "programme",
                    (|r: &CourseRow| r.programmes.clone()) as fn(&CourseRow) -> Vec<String>,
                ),
                ("stage", |r: &CourseRow| r.stages.clone()),
                ("audience", |r: &CourseRow| r.audiences.clone()),
                ("month", |r: &CourseRow| r.months.clone()),
            ] {
                let mut rids = Vec::new();
                let mut vals = Vec::new();
                for row in chunk {
                    for value in values(row) {
                        rids.push(row.rid);
                        vals.push(value);
                    }
                }
                sqlx::query(&format!(
                    "INSERT INTO course_{table} (rid, value) SELECT * FROM UNNEST($1::bigint[], $2::text[])"
                ))
                .bind(rids)
                .bind(vals)
                .execute(&mut *tx)
                .await?;
            }
        }
        sqlx::query("CREATE INDEX course_tsv ON course USING GIN (tsv)")
            .execute(&mut *tx)
            .await?;
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
        sqlx::query("VACUUM ANALYZE").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn search(&self, text: &str, filters: &Filters, limit: usize, facets: bool) -> anyhow::Result<Answer> {
        let Some(query) = tsquery(text) else {
            return Ok(Answer::default());
        };
        let filter_sql = where_clause(filters)?;
        let mut conn = self.pool.acquire().await?;
        let hits_sql = format!(
            "SELECT c.id, c.doc, ts_rank_cd({RANK_WEIGHTS}, c.tsv, q)::float8 AS score \
             FROM course c, to_tsquery('simple', $1) q WHERE c.tsv @@ q{filter_sql} \
             ORDER BY score DESC, c.id LIMIT $2"
        );
        let rows = sqlx::query(&hits_sql)
            .bind(&query)
            .bind(limit as i64)
            .fetch_all(&mut *conn)
            .await
            .with_context(|| format!("PostgreSQL query `{query}`"))?;
        let mut answer = Answer::default();
        for row in rows {
            let id: String = row.try_get(0)?;
            let doc: String = row.try_get(1)?;
            let score: f64 = row.try_get(2)?;
            answer.docs.push(serde_json::from_str::<StoredDoc>(&doc)?);
            answer.hits.push((id, score));
        }
        if facets {
            let facet_sql = format!(
                "WITH m AS MATERIALIZED (SELECT c.rid, {} FROM course c WHERE c.tsv @@ to_tsquery('simple', $1){filter_sql})\n{}",
                single_columns(),
                facet_union()
            );
            let rows = sqlx::query(&facet_sql).bind(&query).fetch_all(&mut *conn).await?;
            let (total, counts) = collect_facets(rows.iter().map(|r| {
                (
                    r.try_get::<String, _>(0).unwrap_or_default(),
                    r.try_get::<Option<String>, _>(1).ok().flatten().unwrap_or_default(),
                    r.try_get::<i64, _>(2).unwrap_or(0),
                )
            }));
            answer.total = total;
            answer.facets = counts;
        }
        Ok(answer)
    }

    /// Size of the database on disk (tables, indexes, TOAST), in bytes.
    pub async fn size(&self) -> anyhow::Result<u64> {
        let row = sqlx::query("SELECT pg_database_size(current_database())")
            .fetch_one(&self.pool)
            .await?;
        let size: i64 = row.try_get(0)?;
        Ok(size.max(0) as u64)
    }

    /// The server's backend processes serving this database: their summed peak resident set
    /// is not visible from here, so callers report only the client's.
    pub async fn drop_database(self) -> anyhow::Result<()> {
        self.pool.close().await;
        let mut admin = PgConnection::connect(&self.admin_url).await?;
        sqlx::query(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.database))
            .execute(&mut admin)
            .await?;
        admin.close().await?;
        Ok(())
    }
}

fn single_value(row: &CourseRow, column: &str) -> Option<String> {
    match column {
        "ai_step" => row.ai_step.clone(),
        "ai_level" => row.ai_level.clone(),
        "delivery" => Some(row.delivery.clone()),
        "province" => Some(row.province.clone()),
        "tier" => Some(row.tier.clone()),
        "hours_band" => Some(row.hours_band.clone()),
        "fee_band" => Some(row.fee_band.clone()),
        "ncs_major" => Some(row.ncs_major.clone()),
        _ => None,
    }
}
