//! A small HTTP server over the SQL baselines, for the load test in `bench/run-search-bench.sh`:
//! `GET /api/v1/courses?q=…&delivery=…&per_page=20` answers with the same JSON shape as aiup's
//! API (query, total, hits with the stored course and institution, facets), from SQLite FTS5
//! (unicode61) or PostgreSQL full-text search.
//!
//!     fts-http build --backend fts5 --catalogue FILE.json --db FILE.sqlite3
//!     fts-http serve --backend fts5 --db FILE.sqlite3 --listen 127.0.0.1:18081
//!     fts-http build --backend postgres --catalogue FILE.json        # prints the database name
//!     fts-http serve --backend postgres --database NAME              # drops it on exit
//!
//! Building and serving are separate processes, as `aiup courses import` and `aiup serve` are,
//! so the server's peak memory is the serving alone.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::PathBuf;
use std::sync::Arc;

use aiup_bench::fts5::{Fts5, Tokenizer};
use aiup_bench::pg::Pg;
use aiup_bench::rows::rows;
use aiup_bench::speed::{Answer, MixQuery, PAGE};
use aiup_search::FacetKind;
use anyhow::Context as _;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use clap::{Parser, ValueEnum};
use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Backend {
    Fts5,
    Postgres,
}

#[derive(Debug, Parser)]
#[command(about = "The SQL search baselines behind an HTTP API shaped like aiup's /api/v1/courses")]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Fill a database from a catalogue file: a SQLite file at --db, or a new PostgreSQL
    /// database whose name is printed.
    Build {
        #[arg(long, value_enum)]
        backend: Backend,
        /// The catalogue, in the JSON import format (`aiup generate catalogue`).
        #[arg(long)]
        catalogue: PathBuf,
        /// The SQLite file (fts5).
        #[arg(long)]
        db: Option<PathBuf>,
        #[arg(long, env = "AIUP_BENCH_POSTGRES_URL", default_value = aiup_bench::pg::DEFAULT_URL)]
        postgres_url: String,
    },
    /// Serve a database `build` filled. The PostgreSQL database is dropped on exit.
    Serve {
        #[arg(long, value_enum)]
        backend: Backend,
        /// The SQLite file (fts5).
        #[arg(long)]
        db: Option<PathBuf>,
        /// The PostgreSQL database (postgres).
        #[arg(long)]
        database: Option<String>,
        #[arg(long, default_value = "127.0.0.1:18081")]
        listen: String,
        #[arg(long, env = "AIUP_BENCH_POSTGRES_URL", default_value = aiup_bench::pg::DEFAULT_URL)]
        postgres_url: String,
        /// Pooled database connections.
        #[arg(long, default_value_t = 4)]
        connections: u32,
    },
}

#[derive(Clone)]
enum Db {
    Fts5(Fts5),
    Postgres(Pg),
}

impl Db {
    async fn search(&self, q: &MixQuery, limit: usize) -> anyhow::Result<Answer> {
        match self {
            Db::Fts5(db) => db.search(&q.text, &q.filters(), limit, true).await,
            Db::Postgres(db) => db.search(&q.text, &q.filters(), limit, true).await,
        }
    }
}

type AppState = Arc<Db>;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Args::parse().command {
        Command::Build {
            backend,
            catalogue,
            db,
            postgres_url,
        } => build(backend, &catalogue, db, &postgres_url).await,
        Command::Serve {
            backend,
            db,
            database,
            listen,
            postgres_url,
            connections,
        } => {
            let db = match backend {
                Backend::Fts5 => {
                    let path = db.context("--db is needed for fts5")?;
                    Db::Fts5(Fts5::open(&path, Tokenizer::Unicode61, connections).await?)
                }
                Backend::Postgres => {
                    let name = database.context("--database is needed for postgres")?;
                    Db::Postgres(Pg::open(&postgres_url, &name, connections).await?)
                }
            };
            serve(db, &listen).await
        }
    }
}

async fn build(
    backend: Backend,
    catalogue: &std::path::Path,
    db: Option<PathBuf>,
    postgres_url: &str,
) -> anyhow::Result<()> {
    let bundle = aiup_bench::load_bundle()?;
    let batch = aiup_bench::read_catalogue(&bundle, catalogue)?;
    let ctx = aiup_bench::search_context(&bundle);
    let rows = rows(&batch, &ctx)?;
    drop(batch);
    let start = std::time::Instant::now();
    match backend {
        Backend::Fts5 => {
            let path = db.context("--db is needed for fts5")?;
            let mut db = Fts5::create(&path, Tokenizer::Unicode61, 1).await?;
            db.load(&rows).await?;
            db.close().await;
            eprintln!(
                "fts-http: {} filled in {:.1} s",
                path.display(),
                start.elapsed().as_secs_f64()
            );
        }
        Backend::Postgres => {
            let db = Pg::create(postgres_url, 1).await?;
            if let Err(e) = db.load(&rows).await {
                let _ = db.drop_database().await;
                return Err(e);
            }
            eprintln!(
                "fts-http: {} filled in {:.1} s",
                db.database(),
                start.elapsed().as_secs_f64()
            );
            println!("{}", db.database());
        }
    }
    Ok(())
}

async fn serve(db: Db, listen: &str) -> anyhow::Result<()> {
    let state: AppState = Arc::new(db.clone());
    let app = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/api/v1/courses", get(courses))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    eprintln!("fts-http: listening on {listen}");
    let served = axum::serve(listener, app).with_graceful_shutdown(shutdown()).await;
    if let Db::Postgres(pg) = db {
        pg.drop_database().await?;
    }
    served.context("the server failed")?;
    Ok(())
}

async fn shutdown() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = async {
            match term.as_mut() {
                Some(t) => { t.recv().await; }
                None => std::future::pending::<()>().await,
            }
        } => {}
    }
}

const PARAMS: [&str; 9] = [
    "delivery",
    "province",
    "tier",
    "programme",
    "hours_band",
    "fee_band",
    "ncs_major",
    "start_month",
    "audience",
];

async fn courses(State(db): State<AppState>, Query(pairs): Query<Vec<(String, String)>>) -> Response {
    let mut query = MixQuery {
        text: String::new(),
        params: Vec::new(),
    };
    let mut per_page = PAGE;
    for (key, value) in pairs {
        match key.as_str() {
            "q" => query.text = value.trim().to_owned(),
            "per_page" => per_page = value.parse().unwrap_or(PAGE).clamp(1, 100),
            k if PARAMS.contains(&k) => {
                for v in value.split(',').map(str::trim).filter(|v| !v.is_empty()) {
                    query.params.push((key.clone(), v.to_owned()));
                }
            }
            _ => {}
        }
    }
    match db.search(&query, per_page).await {
        Ok(answer) => {
            let hits: Vec<Value> = answer
                .docs
                .iter()
                .zip(&answer.hits)
                .map(|(doc, (_, score))| {
                    let mut v = serde_json::to_value(&doc.course).unwrap_or(Value::Null);
                    v["institution"] = serde_json::to_value(&doc.institution).unwrap_or(Value::Null);
                    v["score"] = json!(score);
                    v
                })
                .collect();
            let facets: Vec<Value> = FacetKind::ALL
                .iter()
                .map(|kind| {
                    let values: Vec<Value> = answer
                        .facets
                        .get(kind.as_str())
                        .map(|vs| {
                            vs.iter()
                                .map(|(value, count)| json!({"value": value, "count": count}))
                                .collect()
                        })
                        .unwrap_or_default();
                    json!({"kind": kind.as_str(), "values": values})
                })
                .collect();
            Json(json!({
                "query": query.text,
                "total": answer.total,
                "page": 1,
                "per_page": per_page,
                "sort": "relevance",
                "hits": hits,
                "facets": facets,
            }))
            .into_response()
        }
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e:#}")).into_response(),
    }
}
