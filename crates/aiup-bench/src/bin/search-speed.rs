//! In-process latency of faceted course searches: aiup, SQLite FTS5 (unicode61) and
//! PostgreSQL full-text search over the same generated catalogue and the same query mix.
//!
//!     cargo run -p aiup-bench --release --bin search-speed -- --courses 100000
//!
//! Without `--only`, each system runs in its own child process (`--only aiup|fts5|postgres`), so
//! that each peak resident set (VmHWM) is that system's alone.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::PathBuf;
use std::time::Instant;

use aiup_bench::fts5::{Fts5, Tokenizer};
use aiup_bench::pg::Pg;
use aiup_bench::rows::{rows, rows_without_docs};
use aiup_bench::speed::{aiup_search, query_mix, time_mix, MixQuery, SpeedResult};
use aiup_search::CourseIndex;
use anyhow::{bail, Context as _};
use clap::Parser;

#[derive(Debug, Parser, Clone)]
#[command(about = "In-process latency of faceted searches: aiup against SQLite FTS5 and PostgreSQL")]
struct Args {
    /// Courses to generate (seed 2026), unless --catalogue is given.
    #[arg(long, default_value_t = 100_000)]
    courses: usize,
    /// Read the catalogue from this JSON import file instead of generating it.
    #[arg(long)]
    catalogue: Option<PathBuf>,
    /// Queries in the mix.
    #[arg(long, default_value_t = 200)]
    queries: usize,
    /// Seed of the query mix.
    #[arg(long, default_value_t = 7)]
    mix_seed: u64,
    /// Timed passes over the mix (after one warm-up pass).
    #[arg(long, default_value_t = 3)]
    passes: usize,
    /// Run one system in this process: aiup, fts5 or postgres.
    #[arg(long)]
    only: Option<String>,
    /// With --only: write the result as JSON here.
    #[arg(long)]
    result_json: Option<PathBuf>,
    /// Write the mix as `/api/v1/courses?…` paths, one a line (for wrk).
    #[arg(long)]
    urls_out: Option<PathBuf>,
    #[arg(long, env = "AIUP_BENCH_POSTGRES_URL", default_value = aiup_bench::pg::DEFAULT_URL)]
    postgres_url: String,
    /// The markdown results (default bench/SEARCH-RESULTS.md).
    #[arg(long)]
    output: Option<PathBuf>,
    #[arg(long)]
    no_write: bool,
}

const SYSTEMS: [&str; 3] = ["aiup", "fts5", "postgres"];

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    match &args.only {
        Some(system) => {
            let result = run_one(&args, system)?;
            let json = serde_json::to_string_pretty(&result)?;
            match &args.result_json {
                Some(path) => std::fs::write(path, json)?,
                None => println!("{json}"),
            }
            Ok(())
        }
        None => run_all(&args),
    }
}

fn load(args: &Args) -> anyhow::Result<(aiup_core::bundle::LoadedBundle, aiup_catalogue::CatalogueBatch)> {
    let bundle = aiup_bench::load_bundle()?;
    let batch = match &args.catalogue {
        Some(path) => aiup_bench::read_catalogue(&bundle, path)?,
        None => aiup_bench::generate_catalogue(&bundle, args.courses),
    };
    Ok((bundle, batch))
}

fn run_one(args: &Args, system: &str) -> anyhow::Result<SpeedResult> {
    let (bundle, batch) = load(args)?;
    let ctx = aiup_bench::search_context(&bundle);
    let courses = batch.courses.len();
    // Each system keeps only its own input: aiup the courses, the SQL baselines their rows.
    let (batch, rows, mix) = if system == "aiup" {
        let light = rows_without_docs(&batch, &ctx)?;
        let mix = query_mix(&light, args.queries, args.mix_seed);
        drop(light);
        (batch, Vec::new(), mix)
    } else {
        let rows = rows(&batch, &ctx)?;
        let mix = query_mix(&rows, args.queries, args.mix_seed);
        drop(batch);
        (aiup_catalogue::CatalogueBatch::default(), rows, mix)
    };
    let mut result = SpeedResult {
        system: system.to_owned(),
        courses,
        queries: mix.len(),
        peak_loaded_bytes: aiup_bench::rss_bytes().unwrap_or(0),
        ..SpeedResult::default()
    };
    anyhow::ensure!(
        aiup_bench::reset_peak_rss(),
        "cannot reset the peak resident set (/proc/self/clear_refs)"
    );
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let dir = tempfile::tempdir()?;
    match system {
        "aiup" => {
            let start = Instant::now();
            let index = CourseIndex::open_or_create(&dir.path().join("index"), ctx.clone())?;
            index.rebuild(&batch.institutions, &batch.courses, 1)?;
            result.build_secs = start.elapsed().as_secs_f64();
            result.build_note = "CourseIndex::open_or_create + rebuild (on disk, mmap), up to 4 writer threads".into();
            result.size_bytes = aiup_bench::dir_size(&dir.path().join("index"));
            result.peak_built_bytes = aiup_bench::peak_rss_bytes().unwrap_or(0);
            let (latency, total, hits) = runtime.block_on(time_mix(&mix, args.passes, |q: MixQuery| {
                let answer = aiup_search(&index, &q);
                async move { answer }
            }))?;
            result.latency = latency;
            result.mean_total = total;
            result.mean_hits = hits;
            result.note = "CourseIndex::search: top 20 with stored courses, disjunctive counts of 12 facets".into();
        }
        "fts5" => {
            let path = dir.path().join("fts5.sqlite3");
            let (db, secs) = runtime.block_on(async {
                let start = Instant::now();
                let mut db = Fts5::create(&path, Tokenizer::Unicode61, 1).await?;
                db.load(&rows).await?;
                anyhow::Ok((db, start.elapsed().as_secs_f64()))
            })?;
            result.build_secs = secs;
            result.build_note =
                "one transaction of inserts (course, FTS5, side tables), then facet indexes, FTS5 optimize, ANALYZE"
                    .into();
            result.size_bytes = Fts5::size_of(&path);
            result.peak_built_bytes = aiup_bench::peak_rss_bytes().unwrap_or(0);
            let (latency, total, hits) = runtime.block_on(time_mix(&mix, args.passes, |q: MixQuery| {
                let db = db.clone();
                async move { db.search(&q.text, &q.filters(), 20, true).await }
            }))?;
            result.latency = latency;
            result.mean_total = total;
            result.mean_hits = hits;
            result.note = "sqlx, one connection; 2 statements a search (hits; total + 12 facet GROUP BYs over a materialised CTE)".into();
            runtime.block_on(db.close());
        }
        "postgres" => {
            let (db, secs) = runtime.block_on(async {
                let start = Instant::now();
                let db = Pg::create(&args.postgres_url, 1).await?;
                if let Err(e) = db.load(&rows).await {
                    let _ = db.clone().drop_database().await;
                    return Err(e);
                }
                anyhow::Ok((db, start.elapsed().as_secs_f64()))
            })?;
            result.build_secs = secs;
            result.build_note =
                "UNNEST bulk inserts computing the tsvector, then GIN + btree indexes, VACUUM ANALYZE".into();
            result.peak_built_bytes = aiup_bench::peak_rss_bytes().unwrap_or(0);
            let timed = runtime.block_on(async {
                let size = db.size().await?;
                let timed = time_mix(&mix, args.passes, |q: MixQuery| {
                    let db = db.clone();
                    async move { db.search(&q.text, &q.filters(), 20, true).await }
                })
                .await;
                anyhow::Ok((size, timed))
            });
            runtime.block_on(db.drop_database())?;
            let (size, timed) = timed?;
            let (latency, total, hits) = timed?;
            result.size_bytes = size;
            result.latency = latency;
            result.mean_total = total;
            result.mean_hits = hits;
            result.note =
                "sqlx, one connection, local TCP; 2 statements a search; memory is the client's (the server's backends are not counted)".into();
        }
        other => bail!("--only takes aiup, fts5 or postgres, not `{other}`"),
    }
    result.peak_end_bytes = aiup_bench::peak_rss_bytes().unwrap_or(0);
    eprintln!(
        "{system}: built in {:.1} s, p50 {:.0} µs, p99 {:.0} µs",
        result.build_secs, result.latency.p50_us, result.latency.p99_us
    );
    Ok(result)
}

fn run_all(args: &Args) -> anyhow::Result<()> {
    let exe = std::env::current_exe()?;
    let tmp = tempfile::tempdir()?;
    let mut results = Vec::new();
    if let Some(path) = &args.urls_out {
        let (bundle, batch) = load(args)?;
        let ctx = aiup_bench::search_context(&bundle);
        let mix = query_mix(&rows(&batch, &ctx)?, args.queries, args.mix_seed);
        let urls: Vec<String> = mix
            .iter()
            .map(|q| format!("/api/v1/courses?{}", q.url_query()))
            .collect();
        std::fs::write(path, urls.join("\n") + "\n")?;
    }
    for system in SYSTEMS {
        eprintln!("== {system}");
        let json = tmp.path().join(format!("{system}.json"));
        let mut command = std::process::Command::new(&exe);
        command
            .arg("--courses")
            .arg(args.courses.to_string())
            .arg("--queries")
            .arg(args.queries.to_string())
            .arg("--mix-seed")
            .arg(args.mix_seed.to_string())
            .arg("--passes")
            .arg(args.passes.to_string())
            .arg("--postgres-url")
            .arg(&args.postgres_url)
            .arg("--only")
            .arg(system)
            .arg("--result-json")
            .arg(&json);
        if let Some(path) = &args.catalogue {
            command.arg("--catalogue").arg(path);
        }
        let status = command
            .status()
            .with_context(|| format!("cannot run {}", exe.display()))?;
        if !status.success() {
            bail!("the {system} phase failed ({status})");
        }
        let text = std::fs::read_to_string(&json)?;
        results.push(serde_json::from_str::<SpeedResult>(&text)?);
    }
    let markdown = render(args, &results);
    println!("{markdown}");
    if !args.no_write {
        let output = args
            .output
            .clone()
            .unwrap_or_else(|| aiup_bench::workspace_root().join("bench/SEARCH-RESULTS.md"));
        std::fs::write(&output, &markdown).with_context(|| format!("cannot write {}", output.display()))?;
    }
    Ok(())
}

fn mib(bytes: u64) -> String {
    format!("{:.0} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into())
}

fn render(args: &Args, results: &[SpeedResult]) -> String {
    let date = chrono::Local::now().format("%Y-%m-%d %H:%M %Z");
    let commit = aiup_bench::git_commit();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let courses = results.first().map_or(0, |r| r.courses);
    let queries = results.first().map_or(0, |r| r.queries);
    let name = |s: &str| match s {
        "aiup" => "aiup (tantivy)",
        "fts5" => "SQLite FTS5 unicode61",
        "postgres" => "PostgreSQL FTS (simple, GIN)",
        _ => "?",
    };
    let mut out = format!(
        "# Course search: speed results\n\n\
         Generated by `bench/run-search-bench.sh` / `cargo run -p aiup-bench --release --bin search-speed -- --courses {}` \
         on {date}, commit `{commit}`. Do not edit by hand.\n\n\
         - Machine: {cores} cores, {}; shared with other work (noisy).\n\
         - Catalogue: {courses} generated courses (seed 2026{}).\n\
         - Query mix: {queries} faceted queries (seed {}), each a common search word and 1–3 filters \
         (delivery, province, tier, programme, hours band, fee band, NCS major, start month, audience) whose values \
         are taken from random courses. Every system returns what a user sees: the top 20 by relevance with \
         the stored course, the total and the counts of all 12 facets.\n\
         - Timing: in process, one thread, one query at a time; one warm-up pass, then {} timed passes.\n\
         - Simplification in the SQL baselines' favour: their facet counts are plain counts over the filtered set; \
         aiup counts disjunctively (a facet's own filter is left out of its counts), which is more work.\n\
         - Memory: each system runs in its own process, holding only its input (aiup: the courses; the SQL \
         baselines: flattened rows with each course's JSON). \"input\" is the resident set once the input is \
         ready; the peak resident set (VmHWM) is then reset (`/proc/self/clear_refs`) and read after the build and \
         after the queries. For PostgreSQL only the client process is measured, not the server's backends.\n\n\
         ## In process\n\n\
         | system | build | on disk | p50 | p90 | p99 | mean | mean matches | RSS: input | peak: build | peak: queries |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
        args.courses,
        cpu_model(),
        if args.catalogue.is_some() { ", read from the generated JSON file" } else { "" },
        args.mix_seed,
        args.passes,
    );
    for r in results {
        out.push_str(&format!(
            "| {} | {:.1} s | {} | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms | {:.0} | {} | {} | {} |\n",
            name(&r.system),
            r.build_secs,
            mib(r.size_bytes),
            r.latency.p50_us / 1000.0,
            r.latency.p90_us / 1000.0,
            r.latency.p99_us / 1000.0,
            r.latency.mean_us / 1000.0,
            r.mean_total,
            mib(r.peak_loaded_bytes),
            mib(r.peak_built_bytes),
            mib(r.peak_end_bytes),
        ));
    }
    if let Some(aiup) = results.iter().find(|r| r.system == "aiup") {
        out.push_str("\nRatios, other ÷ aiup (how many times faster aiup is):\n\n| against | p50 | p99 | mean | build |\n|---|---:|---:|---:|---:|\n");
        for r in results.iter().filter(|r| r.system != "aiup") {
            let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
            out.push_str(&format!(
                "| {} | {:.1} | {:.1} | {:.1} | {:.2} |\n",
                name(&r.system),
                ratio(r.latency.p50_us, aiup.latency.p50_us),
                ratio(r.latency.p99_us, aiup.latency.p99_us),
                ratio(r.latency.mean_us, aiup.latency.mean_us),
                ratio(r.build_secs, aiup.build_secs),
            ));
        }
    }
    out.push_str("\nWhat each figure covers:\n\n");
    for r in results {
        out.push_str(&format!(
            "- **{}**: build = {}; search = {}. {} samples.\n",
            name(&r.system),
            r.build_note,
            r.note,
            r.latency.samples
        ));
    }
    out
}
