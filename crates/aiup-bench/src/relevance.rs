//! nDCG@10 of the aiup course search and the baselines on the hand-labelled collection in
//! `bench/relevance/`.
//!
//! Systems that need more than Rust (BM25 over a Korean morphological analyser, made by
//! `bench/relevance/morph_bm25.py`) are read from run files: each query's top ids, scored here
//! with the same [`ndcg`].
//!
//! nDCG@10: gain 2^grade − 1, discount log2(rank + 1), the ideal ranking made from the
//! judgments (grade 2s, then grade 1s). Unjudged courses are grade 0.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use aiup_catalogue::CatalogueBatch;
use aiup_core::bundle::LoadedBundle;
use aiup_search::{CourseIndex, SearchRequest, SortOrder};
use anyhow::Context as _;
use serde::{Deserialize, Serialize};

use crate::bigram::BigramIndex;
use crate::fts5::{Fts5, Tokenizer};
use crate::pg::Pg;
use crate::rows::{rows, CourseRow};

/// Cut-off of the metric.
pub const K: usize = 10;

/// One judged query of `queries.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Query {
    pub id: String,
    pub kind: String,
    pub text: String,
    #[serde(default)]
    pub intent: String,
    pub grade2: Vec<String>,
    #[serde(default)]
    pub grade1: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct QueryFile {
    query: Vec<Query>,
}

/// The test collection: courses and judged queries.
#[derive(Debug, Clone)]
pub struct Collection {
    pub batch: CatalogueBatch,
    pub queries: Vec<Query>,
}

impl Collection {
    /// Loads `corpus.json` and `queries.toml` from `dir`.
    pub fn load(dir: &Path, bundle: &LoadedBundle) -> anyhow::Result<Collection> {
        let batch = crate::read_catalogue(bundle, &dir.join("corpus.json"))?;
        let path = dir.join("queries.toml");
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let file: QueryFile = toml::from_str(&text).with_context(|| format!("{} does not parse", path.display()))?;
        Ok(Collection {
            batch,
            queries: file.query,
        })
    }

    /// The collection shipped in `bench/relevance/`.
    pub fn shipped(bundle: &LoadedBundle) -> anyhow::Result<Collection> {
        Collection::load(&crate::workspace_root().join("bench/relevance"), bundle)
    }
}

/// The systems compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum System {
    Aiup,
    Fts5Unicode61,
    Fts5Trigram,
    /// PostgreSQL at this URL (a throwaway database is made on it).
    Postgres(String),
    BigramBm25,
    /// A run file written by another program (`bench/relevance/runs/*.json`).
    RunFile(RunFile),
}

/// The rankings another program made for the collection's queries.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RunFile {
    /// The system's name in the report.
    pub system: String,
    /// Query id → the text it was run with and its top ids.
    pub queries: BTreeMap<String, RunQuery>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RunQuery {
    pub text: String,
    pub top: Vec<String>,
}

impl RunFile {
    pub fn load(path: &Path) -> anyhow::Result<RunFile> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        serde_json::from_str(&text).with_context(|| format!("{} is not a run file", path.display()))
    }

    /// Every run file in `dir/runs/`, by file name.
    pub fn all_in(dir: &Path) -> anyhow::Result<Vec<RunFile>> {
        let runs = dir.join("runs");
        let mut paths: Vec<_> = match std::fs::read_dir(&runs) {
            Ok(entries) => entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect(),
            Err(_) => return Ok(Vec::new()),
        };
        paths.sort();
        paths.iter().map(|p| RunFile::load(p)).collect()
    }

    /// The run's top ids for `query`; an error if the run lacks it or ran another text, so a
    /// stale run file is never scored against changed judgments.
    fn top(&self, query: &Query) -> anyhow::Result<Vec<String>> {
        let run = self.queries.get(&query.id).ok_or_else(|| {
            anyhow::anyhow!(
                "run file of {} has no {}: run bench/relevance/morph_bm25.py again",
                self.system,
                query.id
            )
        })?;
        anyhow::ensure!(
            run.text == query.text,
            "run file of {} ran `{}` for {}, the collection says `{}`: run bench/relevance/morph_bm25.py again",
            self.system,
            run.text,
            query.id,
            query.text
        );
        Ok(run.top.iter().take(K).cloned().collect())
    }
}

impl System {
    pub fn name(&self) -> &str {
        match self {
            System::RunFile(run) => &run.system,
            System::Aiup => "aiup",
            System::Fts5Unicode61 => "SQLite FTS5 unicode61",
            System::Fts5Trigram => "SQLite FTS5 trigram",
            System::Postgres(_) => "PostgreSQL FTS (simple)",
            System::BigramBm25 => "BM25 over bigrams",
        }
    }

    /// Every system, PostgreSQL at `postgres_url`, and the run files in `dir/runs/`.
    pub fn all(postgres_url: &str, dir: &Path) -> anyhow::Result<Vec<System>> {
        let mut systems = vec![
            System::Aiup,
            System::Fts5Unicode61,
            System::Fts5Trigram,
            System::Postgres(postgres_url.to_owned()),
            System::BigramBm25,
        ];
        systems.extend(RunFile::all_in(dir)?.into_iter().map(System::RunFile));
        Ok(systems)
    }
}

/// One query's result for one system.
#[derive(Debug, Clone, Serialize)]
pub struct QueryScore {
    pub id: String,
    pub kind: String,
    pub text: String,
    pub ndcg: f64,
    /// The ids returned, best first (at most [`K`]).
    pub top: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SystemReport {
    pub system: String,
    /// Mean nDCG@10 over all queries.
    pub overall: f64,
    /// Mean nDCG@10 per query kind.
    pub by_kind: BTreeMap<String, f64>,
    pub queries: Vec<QueryScore>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub courses: usize,
    pub queries: usize,
    /// Query kinds in the order they first appear in `queries.toml`.
    pub kinds: Vec<String>,
    pub systems: Vec<SystemReport>,
}

/// nDCG@[`K`] of `ranked` against the judgments of `query`.
pub fn ndcg(query: &Query, ranked: &[String]) -> f64 {
    let grade = |id: &str| -> u32 {
        if query.grade2.iter().any(|g| g == id) {
            2
        } else if query.grade1.iter().any(|g| g == id) {
            1
        } else {
            0
        }
    };
    let gain = |g: u32| f64::from((1u32 << g) - 1);
    let discount = |rank: usize| (rank as f64 + 2.0).log2();
    let dcg: f64 = ranked
        .iter()
        .take(K)
        .enumerate()
        .map(|(i, id)| gain(grade(id)) / discount(i))
        .sum();
    let ideal_grades = query
        .grade2
        .iter()
        .map(|_| 2)
        .chain(query.grade1.iter().map(|_| 1))
        .take(K);
    let idcg: f64 = ideal_grades.enumerate().map(|(i, g)| gain(g) / discount(i)).sum();
    if idcg > 0.0 {
        // `+ 0.0` turns the -0.0 of an empty float sum into 0.0.
        dcg / idcg + 0.0
    } else {
        0.0
    }
}

/// A system made ready to answer queries (top-[`K`] ids).
enum Ready {
    Aiup(CourseIndex),
    Fts5(Fts5, tempfile::TempDir),
    Postgres(Pg),
    Bigram(BigramIndex),
    Run(RunFile),
}

impl Ready {
    async fn build(
        system: &System,
        collection: &Collection,
        bundle: &LoadedBundle,
        rows: &[CourseRow],
    ) -> anyhow::Result<Ready> {
        Ok(match system {
            System::Aiup => {
                let index = CourseIndex::create_in_ram(crate::search_context(bundle))?;
                index.rebuild(&collection.batch.institutions, &collection.batch.courses, 1)?;
                Ready::Aiup(index)
            }
            System::Fts5Unicode61 | System::Fts5Trigram => {
                let tokenizer = if *system == System::Fts5Unicode61 {
                    Tokenizer::Unicode61
                } else {
                    Tokenizer::Trigram
                };
                let dir = tempfile::tempdir()?;
                let mut db = Fts5::create(&dir.path().join("fts5.sqlite3"), tokenizer, 1).await?;
                db.load(rows).await?;
                Ready::Fts5(db, dir)
            }
            System::Postgres(url) => {
                let db = Pg::create(url, 1).await?;
                if let Err(e) = db.load(rows).await {
                    let _ = db.drop_database().await;
                    return Err(e);
                }
                Ready::Postgres(db)
            }
            System::BigramBm25 => Ready::Bigram(BigramIndex::build(rows)?),
            System::RunFile(run) => Ready::Run(run.clone()),
        })
    }

    async fn top(&self, query: &Query) -> anyhow::Result<Vec<String>> {
        let text = query.text.as_str();
        let none = aiup_search::Filters::default();
        Ok(match self {
            Ready::Aiup(index) => index
                .search(&SearchRequest {
                    query: text.to_owned(),
                    sort: SortOrder::Relevance,
                    limit: K,
                    ..SearchRequest::default()
                })?
                .hits
                .into_iter()
                .map(|h| h.course.id.to_string())
                .collect(),
            Ready::Fts5(db, _) => db.search(text, &none, K, false).await?.ids(),
            Ready::Postgres(db) => db.search(text, &none, K, false).await?.ids(),
            Ready::Bigram(index) => index.search(text, K)?,
            Ready::Run(run) => run.top(query)?,
        })
    }

    async fn close(self) -> anyhow::Result<()> {
        match self {
            Ready::Fts5(db, dir) => {
                db.close().await;
                drop(dir);
            }
            Ready::Postgres(db) => db.drop_database().await?,
            Ready::Aiup(_) | Ready::Bigram(_) | Ready::Run(_) => {}
        }
        Ok(())
    }
}

/// Runs every query of the collection against every system and scores them.
pub fn evaluate_all(collection: &Collection, bundle: &LoadedBundle, systems: &[System]) -> anyhow::Result<Report> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(evaluate_all_async(collection, bundle, systems))
}

async fn evaluate_all_async(
    collection: &Collection,
    bundle: &LoadedBundle,
    systems: &[System],
) -> anyhow::Result<Report> {
    let ctx = crate::search_context(bundle);
    let rows = rows(&collection.batch, &ctx)?;
    let mut kinds: Vec<String> = Vec::new();
    for q in &collection.queries {
        if !kinds.contains(&q.kind) {
            kinds.push(q.kind.clone());
        }
    }
    let mut reports = Vec::new();
    for system in systems {
        let ready = Ready::build(system, collection, bundle, &rows)
            .await
            .with_context(|| format!("building {}", system.name()))?;
        let mut scores = Vec::new();
        let mut failure = None;
        for q in &collection.queries {
            match ready.top(q).await {
                Ok(top) => scores.push(QueryScore {
                    id: q.id.clone(),
                    kind: q.kind.clone(),
                    text: q.text.clone(),
                    ndcg: ndcg(q, &top),
                    top,
                }),
                Err(e) => {
                    failure = Some(e.context(format!("{} on {} `{}`", system.name(), q.id, q.text)));
                    break;
                }
            }
        }
        ready.close().await?;
        if let Some(e) = failure {
            return Err(e);
        }
        reports.push(summarise(system.name(), &kinds, scores));
    }
    Ok(Report {
        courses: collection.batch.courses.len(),
        queries: collection.queries.len(),
        kinds,
        systems: reports,
    })
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if n == 0 {
        0.0
    } else {
        sum / n as f64
    }
}

fn summarise(name: &str, kinds: &[String], queries: Vec<QueryScore>) -> SystemReport {
    let by_kind = kinds
        .iter()
        .map(|k| (k.clone(), mean(queries.iter().filter(|q| &q.kind == k).map(|q| q.ndcg))))
        .collect();
    SystemReport {
        system: name.to_owned(),
        overall: mean(queries.iter().map(|q| q.ndcg)),
        by_kind,
        queries,
    }
}

impl Report {
    pub fn system(&self, name: &str) -> Option<&SystemReport> {
        self.systems.iter().find(|s| s.system == name)
    }

    /// The summary table: one row per system, columns overall and each kind.
    pub fn markdown_table(&self) -> String {
        let mut out = String::from("| system | overall |");
        for kind in &self.kinds {
            out.push_str(&format!(" {kind} |"));
        }
        out.push_str("\n|---|---:|");
        for _ in &self.kinds {
            out.push_str("---:|");
        }
        out.push('\n');
        for s in &self.systems {
            out.push_str(&format!("| {} | **{:.3}** |", s.system, s.overall));
            for kind in &self.kinds {
                out.push_str(&format!(" {:.3} |", s.by_kind.get(kind).copied().unwrap_or(0.0)));
            }
            out.push('\n');
        }
        out.push_str("| queries |");
        let total = self.queries;
        out.push_str(&format!(" {total} |"));
        for kind in &self.kinds {
            let n = self
                .systems
                .first()
                .map_or(0, |s| s.queries.iter().filter(|q| &q.kind == kind).count());
            out.push_str(&format!(" {n} |"));
        }
        out.push('\n');
        out
    }

    /// Per-query nDCG@10 of every system.
    pub fn markdown_per_query(&self) -> String {
        let mut out = String::from("| query | kind | text |");
        for s in &self.systems {
            out.push_str(&format!(" {} |", s.system));
        }
        out.push_str("\n|---|---|---|");
        for _ in &self.systems {
            out.push_str("---:|");
        }
        out.push('\n');
        let Some(first) = self.systems.first() else {
            return out;
        };
        for (i, q) in first.queries.iter().enumerate() {
            out.push_str(&format!("| {} | {} | {} |", q.id, q.kind, q.text));
            for s in &self.systems {
                out.push_str(&format!(" {:.3} |", s.queries.get(i).map_or(0.0, |q| q.ndcg)));
            }
            out.push('\n');
        }
        out
    }

    /// Queries where `system` scores below some other system, with the gap.
    pub fn losses(&self, system: &str) -> Vec<(String, String, f64, f64)> {
        let Some(ours) = self.system(system) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, q) in ours.queries.iter().enumerate() {
            for other in self.systems.iter().filter(|s| s.system != system) {
                if let Some(theirs) = other.queries.get(i) {
                    if theirs.ndcg > q.ndcg + 1e-9 {
                        out.push((q.id.clone(), other.system.clone(), q.ndcg, theirs.ndcg));
                    }
                }
            }
        }
        out
    }

    /// Query kinds where `system`'s mean is below another system's: (kind, other, ours, theirs).
    pub fn losing_kinds(&self, system: &str) -> Vec<(String, String, f64, f64)> {
        let Some(ours) = self.system(system) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for kind in &self.kinds {
            let mine = ours.by_kind.get(kind).copied().unwrap_or(0.0);
            for other in self.systems.iter().filter(|s| s.system != system) {
                let theirs = other.by_kind.get(kind).copied().unwrap_or(0.0);
                if theirs > mine + 1e-9 {
                    out.push((kind.clone(), other.system.clone(), mine, theirs));
                }
            }
        }
        out
    }
}

/// Course titles by id, for printing rankings.
pub fn titles(collection: &Collection) -> HashMap<String, String> {
    collection
        .batch
        .courses
        .iter()
        .map(|c| (c.id.to_string(), c.title.clone()))
        .collect()
}
