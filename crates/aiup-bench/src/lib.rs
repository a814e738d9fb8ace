//! Search benchmarks for aiup.
//!
//! - [`relevance`]: nDCG@10 of the aiup course search and four baselines (SQLite FTS5 with the
//!   `unicode61` and `trigram` tokenizers, PostgreSQL full-text search, plain BM25 over
//!   character bigrams) on the hand-labelled collection in `bench/relevance/`.
//! - [`speed`]: latency of faceted searches over a generated catalogue, in process, for aiup,
//!   SQLite FTS5 and PostgreSQL; the `fts-http` binary serves the two SQL baselines over HTTP
//!   for the load test in `bench/run-search-bench.sh`.
//!
//! Every system is given the same courses and the same text fields: title, summary, keywords
//! (joined with spaces), occupation and the institution's name.

pub mod bigram;
pub mod fts5;
pub mod pg;
pub mod relevance;
pub mod rows;
pub mod speed;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use aiup_catalogue::generate::{generate, GenerateOptions};
use aiup_catalogue::import::{parse, Format, ImportOptions};
use aiup_catalogue::{CatalogueBatch, ValidationContext};
use aiup_core::bundle::{Bundle, LoadedBundle};
use aiup_core::{RegionTier, Stage};
use aiup_search::{SearchContext, Synonyms};
use anyhow::{anyhow, Context as _};
use chrono::NaiveDate;

/// The column weights aiup gives its text zones (`aiup-search`, `schema.rs`, `Zone::boost`):
/// title, keywords, occupation, summary, institution name. The SQL baselines use the same.
pub const ZONE_WEIGHTS: [(&str, f64); 5] = [
    ("title", 3.0),
    ("keywords", 2.0),
    ("occupation", 1.5),
    ("summary", 1.0),
    ("institution", 0.5),
];

/// The seed of the generated catalogue (the CLI's default too).
pub const SEED: u64 = 2026;

/// The policy bundle built into aiup, loaded.
pub fn load_bundle() -> anyhow::Result<LoadedBundle> {
    Bundle::embedded()
        .load()
        .map_err(|e| anyhow!("the embedded policy bundle does not load: {e:?}"))
}

/// The search context as `aiup_server::catalogue::search_context` builds it, except that the
/// tier precedence is fixed (population-declining, the policy's value) rather than read from
/// the engine for today's date.
pub fn search_context(bundle: &LoadedBundle) -> SearchContext {
    let programme_stages = bundle
        .policy
        .programmes
        .iter()
        .map(|p| (p.id.to_string(), p.stage))
        .collect::<BTreeMap<String, Stage>>();
    SearchContext {
        regions: Arc::new(bundle.regions.clone()),
        tier_precedence: RegionTier::PopulationDeclining,
        programme_stages,
        synonyms: Arc::new(Synonyms::embedded()),
        policy: Default::default(),
        version: bundle.version.clone(),
    }
}

/// Parses a catalogue file in the JSON import format, validated against the bundle.
pub fn parse_catalogue(bundle: &LoadedBundle, text: &str) -> anyhow::Result<CatalogueBatch> {
    let programmes: BTreeSet<String> = bundle.policy.programmes.iter().map(|p| p.id.to_string()).collect();
    let known = BTreeSet::new();
    let options = ImportOptions {
        ctx: ValidationContext {
            programmes: &programmes,
            regions: &bundle.regions,
        },
        known_institutions: &known,
        progress: None,
    };
    parse(Format::Json, text, options).map_err(|e| anyhow!("the catalogue does not import: {e}"))
}

/// Reads and parses a catalogue file.
pub fn read_catalogue(bundle: &LoadedBundle, path: &std::path::Path) -> anyhow::Result<CatalogueBatch> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    parse_catalogue(bundle, &text)
}

/// The first day cohorts are placed from (the CLI's default for `aiup generate catalogue`).
pub fn generate_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 5).unwrap_or_default()
}

/// `courses` generated courses, seed [`SEED`], as `aiup generate catalogue` makes them.
pub fn generate_catalogue(bundle: &LoadedBundle, courses: usize) -> CatalogueBatch {
    let options = GenerateOptions {
        courses,
        seed: SEED,
        start: generate_start(),
    };
    generate(&options, &bundle.regions, &bundle.policy.programmes)
}

/// The peak resident set of this process so far (`VmHWM`), in bytes.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Resets this process's peak resident set (`VmHWM`) to its current resident set, by writing 5
/// to `/proc/self/clear_refs` (Linux 4.0+). Returns whether it worked.
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// The resident set of this process now (`VmRSS`), in bytes.
pub fn rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Total size of the files under `path`.
pub fn dir_size(path: &std::path::Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_size(&e.path()),
            _ => e.metadata().map(|m| m.len()).unwrap_or(0),
        })
        .sum()
}

/// The current commit, with `-dirty` when the tree has changes, or "unknown".
pub fn git_commit() -> String {
    let run = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    match run(&["rev-parse", "--short=12", "HEAD"]) {
        Some(commit) => match run(&["status", "--porcelain", "--untracked-files=no"]) {
            Some(s) if !s.is_empty() => format!("{commit}-dirty"),
            _ => commit,
        },
        None => "unknown".to_owned(),
    }
}

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> std::path::PathBuf {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent()
        .and_then(|p| p.parent())
        .map_or_else(|| here.to_path_buf(), std::path::Path::to_path_buf)
}
