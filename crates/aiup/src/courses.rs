//! `aiup courses …` and `aiup generate catalogue`: the catalogue from the command line.

use crate::cli::{Db, Failure};
use aiup_app::catalogue::{self, CatalogueError, CourseQuery};
use aiup_app::policy as runtime;
use aiup_catalogue::generate::{generate, GenerateOptions};
use aiup_catalogue::import::Format;
use aiup_rules::Engine;
use aiup_search::{CourseIndex, SearchContext};
use aiup_store::Database;
use anyhow::Context;
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum CoursesAction {
    /// Validate a CSV or JSON file and upsert every institution and course in it, in one
    /// transaction (a file with any bad row imports nothing), then update the search index.
    Import {
        file: PathBuf,
        /// csv or json (default: from the file name).
        #[arg(long)]
        format: Option<Format>,
        /// Validate only; store nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long, env = "USER", default_value = "admin")]
        actor: String,
        /// Print the outcome as JSON (errors are JSON on standard output either way).
        #[arg(long)]
        json: bool,
    },
    /// Write the whole catalogue as CSV or JSON (the import format).
    Export {
        /// csv or json.
        #[arg(long, default_value = "json")]
        format: Format,
        /// Output file (default: standard output).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Search the catalogue as the web page does, with support for the profile given (a job
    /// seeker unless --status says otherwise). Works while
    /// `aiup serve` runs on the same data folder: the index it holds is then rebuilt in memory.
    Search {
        /// The words to look for, quoted or not (none: everything).
        #[arg(num_args = 0..)]
        words: Vec<String>,
        /// Filters and options as key=value, e.g. --filter delivery=classroom --filter status=employed.
        #[arg(long = "filter", short = 'f')]
        filters: Vec<String>,
        /// The trainee's status: job_seeker, employed or self_employed.
        #[arg(long)]
        status: Option<String>,
        /// For employees, the employer's size: priority_support, large or large_1000.
        #[arg(long)]
        employer_size: Option<String>,
        /// Only courses whose programmes admit the profile.
        #[arg(long)]
        eligible: bool,
        /// The order: relevance, start_date, pay_asc, allowance_desc, fee_asc, fee_desc, hours_asc, hours_desc.
        #[arg(long)]
        sort: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Rebuild the search index from the database.
    Reindex,
}

#[derive(Debug, Subcommand)]
pub enum GenerateWhat {
    /// A synthetic national catalogue (seeded, reproducible) in the import format.
    Catalogue {
        #[arg(long, default_value_t = 1000)]
        courses: usize,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Cohorts start on or after this date (default 2026-01-05).
        #[arg(long, default_value = "2026-01-05")]
        start: String,
        /// csv or json (default: from the --output file name, else json).
        #[arg(long)]
        format: Option<Format>,
        /// Output file (default: standard output).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// A synthetic population (people, cards, diagnoses, enrolments) over the stored catalogue,
    /// loaded in one transaction; generates and stores a catalogue first when the store has
    /// none. Each run adds people; it never changes those already stored.
    Population(crate::population::PopulationArgs),
    /// The instructor academy's instructors and completions and the plan's labs and joint
    /// centres (seeded), over the stored catalogue, stored as the importers would.
    Academy(crate::academy::AcademyArgs),
    /// Synthetic employment-insurance and startup records for the stored population's
    /// graduates (docs/outcomes-import.md), written as two CSV files to import with
    /// `aiup outcomes import`; each graduate without an outside identifier is given `SYN-<id>`.
    Outcomes(crate::outcomes::GenerateOutcomesArgs),
}

#[derive(Debug, Args, Clone)]
pub struct IndexDir {
    /// Folder of the search index (default: `index` in the data folder).
    #[arg(long, env = "AIUP_INDEX_DIR")]
    pub index_dir: Option<PathBuf>,
}

impl IndexDir {
    pub fn path(&self, db: &Db) -> PathBuf {
        self.index_dir.clone().unwrap_or_else(|| db.data_dir.join("index"))
    }
}

fn failure_text(e: &Failure) -> String {
    match e {
        Failure::BadInput(text) | Failure::Reported(text) => text.clone(),
        Failure::Other(error) => format!("{error:#}"),
    }
}

fn catalogue_failure(e: CatalogueError) -> Failure {
    match e {
        CatalogueError::Invalid(errors) => {
            let body = serde_json::json!({ "error": { "code": "invalid_catalogue", "rows": errors.errors } });
            println!("{body}");
            Failure::Reported(errors.to_string())
        }
        other => Failure::Other(other.into()),
    }
}

/// Opens the on-disk index and brings it up to date with the database.
pub async fn open_index(store: &Database, engine: &Engine, dir: &Path) -> Result<CourseIndex, Failure> {
    let index = open_index_unsynced(engine, dir)?;
    if let Some(stats) = catalogue::sync_index(store, &index).await.map_err(catalogue_failure)? {
        tracing::info!(
            documents = stats.documents,
            generation = stats.generation,
            "rebuilt the search index"
        );
    }
    Ok(index)
}

/// The index for `courses search`. While `aiup serve` runs on the same folder it holds the
/// on-disk index's writer lock; the search then runs on an index rebuilt in memory from the
/// database (a few seconds for a national catalogue), so it never fails and never disturbs
/// the server's index.
async fn search_index(store: &Database, engine: &Engine, dir: &Path) -> Result<CourseIndex, Failure> {
    match open_index(store, engine, dir).await {
        Ok(index) => Ok(index),
        Err(e) => {
            tracing::info!(reason = %failure_text(&e), "the search index is in use; searching an index built in memory");
            let context = catalogue::search_context(engine, aiup_app::today_in_seoul());
            let index = CourseIndex::create_in_ram(context).map_err(|e| Failure::Other(e.into()))?;
            catalogue::rebuild_index(store, &index)
                .await
                .map_err(catalogue_failure)?;
            Ok(index)
        }
    }
}

/// With `--json`, a bad-input failure also goes to standard output as JSON.
fn json_bad(json: bool, failure: Failure) -> Failure {
    match failure {
        Failure::BadInput(message) => crate::cli::bad_input(json, aiup_app::Code::BadRequest, message),
        other => other,
    }
}

fn open_index_unsynced(engine: &Engine, dir: &Path) -> Result<CourseIndex, Failure> {
    let context: SearchContext = catalogue::search_context(engine, aiup_app::today_in_seoul());
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    CourseIndex::open_or_create(dir, context)
        .with_context(|| format!("cannot open the search index in {}", dir.display()))
        .map_err(Failure::Other)
}

fn format_of(path: &Path, given: Option<Format>) -> Result<Format, Failure> {
    given
        .or_else(|| Format::from_extension(&path.to_string_lossy()))
        .ok_or_else(|| {
            Failure::BadInput(format!(
                "cannot tell the format of {} from its name; give --format csv or --format json",
                path.display()
            ))
        })
}

fn write_output(output: Option<&Path>, text: &str) -> Result<(), Failure> {
    match output {
        Some(path) => std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?,
        None => {
            use std::io::Write;
            std::io::stdout()
                .write_all(text.as_bytes())
                .context("cannot write to standard output")?;
        }
    }
    Ok(())
}

pub async fn courses(action: CoursesAction, db: &Db, index_dir: &IndexDir) -> Result<(), Failure> {
    let store = db.connect().await?;
    let loaded = runtime::active_bundle(&store)
        .await
        .map_err(crate::cli::runtime_failure)?;
    let engine = runtime::engine_for(loaded).map_err(|e| Failure::Other(e.into()))?;
    match action {
        CoursesAction::Import {
            file,
            format,
            dry_run,
            actor,
            json,
        } => {
            let format = format_of(&file, format).map_err(|e| json_bad(json, e))?;
            let bytes = std::fs::read(&file)
                .map_err(|e| json_bad(json, Failure::BadInput(format!("cannot read {}: {e}", file.display()))))?;
            let text = aiup_catalogue::encoding::decode(&bytes)
                .map_err(|e| catalogue_failure(CatalogueError::Invalid(aiup_catalogue::import::encoding_errors(&e))))?;
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} ({per_sec}, {eta})")
                    .map_err(|e| Failure::Other(e.into()))?
                    .progress_chars("=> "),
            );
            bar.set_message("validating");
            let mut progress = |done: usize, total: usize| {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            };
            let batch = catalogue::parse(&store, &engine, format, text, Some(&mut progress))
                .await
                .map_err(catalogue_failure)?;
            bar.finish_and_clear();
            drop(bytes);
            if dry_run {
                if json {
                    return crate::cli::print_json(
                        &serde_json::json!({ "dry_run": true, "institutions": batch.institutions.len(), "courses": batch.courses.len() }),
                    );
                }
                println!(
                    "{}: {} institutions and {} courses are valid; nothing stored (--dry-run)",
                    file.display(),
                    batch.institutions.len(),
                    batch.courses.len()
                );
                return Ok(());
            }
            let spinner = ProgressBar::new_spinner();
            spinner.set_message(format!(
                "storing {} courses and updating the index",
                batch.courses.len()
            ));
            spinner.enable_steady_tick(std::time::Duration::from_millis(120));
            let report = match open_index(&store, &engine, &index_dir.path(db)).await {
                Ok(index) => catalogue::store_and_index_owned(&store, &index, batch, &actor)
                    .await
                    .map_err(catalogue_failure)?,
                Err(e) => {
                    // Most often a running `aiup serve` holds the index; it catches up by itself.
                    let summary = store
                        .catalogue()
                        .upsert(&batch, &actor)
                        .await
                        .map_err(|e| Failure::Other(e.into()))?;
                    eprintln!(
                        "note: the search index could not be opened ({}); the catalogue is stored, and a running `aiup serve` re-indexes it within {} s (or run `aiup courses reindex`)",
                        failure_text(&e),
                        aiup_app::live::SYNC_INTERVAL.as_secs()
                    );
                    catalogue::ImportReport { summary, indexed: 0 }
                }
            };
            spinner.finish_and_clear();
            let s = &report.summary;
            if json {
                return crate::cli::print_json(&serde_json::json!({ "summary": s, "indexed": report.indexed }));
            }
            println!(
                "imported {}: institutions {} new, {} updated; courses {} new, {} updated, {} unchanged; catalogue generation {}; {} courses in the index",
                file.display(),
                s.institutions_added,
                s.institutions_updated,
                s.courses_added,
                s.courses_updated,
                s.courses_unchanged,
                s.generation,
                report.indexed
            );
            Ok(())
        }
        CoursesAction::Export { format, output } => {
            let batch = aiup_catalogue::CatalogueBatch {
                institutions: store
                    .catalogue()
                    .institutions()
                    .await
                    .map_err(|e| Failure::Other(e.into()))?,
                courses: store
                    .catalogue()
                    .courses()
                    .await
                    .map_err(|e| Failure::Other(e.into()))?,
            };
            write_output(output.as_deref(), &aiup_catalogue::export(format, &batch))
        }
        CoursesAction::Reindex => {
            let index = open_index_unsynced(&engine, &index_dir.path(db))?;
            let started = std::time::Instant::now();
            let stats = catalogue::rebuild_index(&store, &index)
                .await
                .map_err(catalogue_failure)?;
            println!(
                "indexed {} courses (catalogue generation {}) in {:.1} s",
                stats.documents,
                stats.generation,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        CoursesAction::Search {
            words,
            filters,
            status,
            employer_size,
            eligible,
            sort,
            json,
        } => {
            let mut pairs = vec![("q".to_owned(), words.join(" "))];
            let options = [("status", status), ("employer_size", employer_size), ("sort", sort)];
            pairs.extend(options.into_iter().filter_map(|(k, v)| v.map(|v| (k.to_owned(), v))));
            if eligible {
                pairs.push(("eligible".to_owned(), "true".to_owned()));
            }
            for filter in &filters {
                let (key, value) = filter.split_once('=').ok_or_else(|| {
                    crate::cli::bad_input(
                        json,
                        aiup_app::Code::BadRequest,
                        format!("--filter `{filter}` is not key=value"),
                    )
                })?;
                pairs.push((key.to_owned(), value.to_owned()));
            }
            let query = CourseQuery::from_pairs(&pairs, &engine, &[]).map_err(|errors| {
                crate::cli::bad_input(
                    json,
                    aiup_app::Code::InvalidParameter,
                    errors
                        .iter()
                        .map(|e| format!("{}: {}", e.field, e.reason))
                        .collect::<Vec<_>>()
                        .join("; "),
                )
            })?;
            let index = search_index(&store, &engine, &index_dir.path(db)).await?;
            let today = aiup_app::today_in_seoul();
            let results = index
                .search(&query.request(today))
                .map_err(|e| Failure::Other(e.into()))?;
            if json {
                let hits: Vec<serde_json::Value> = results
                    .hits
                    .iter()
                    .map(|h| aiup_app::view::course_json(&engine, &h.course, &h.institution, &query.profile, today))
                    .collect();
                return crate::cli::print_json(
                    &serde_json::json!({ "total": results.total, "hits": hits, "facets": results.facets }),
                );
            }
            println!("{} courses", results.total);
            for hit in &results.hits {
                let support = match catalogue::support(&engine, &hit.course, &query.profile, today) {
                    Ok(e) => format!(
                        "본인부담 {} · 훈련장려금 {}",
                        aiup_core::Won(e.totals.self_payment_won),
                        aiup_core::Won(e.totals.allowance_won)
                    ),
                    Err(none) => format!("지원 계산 불가: {}", none.message.ko),
                };
                println!(
                    "{:<18} {} — {} · {}시간 · {} · {}",
                    hit.course.id,
                    hit.course.title,
                    hit.institution.name,
                    hit.course.total_hours,
                    aiup_core::Won(hit.course.fee_won),
                    support
                );
            }
            Ok(())
        }
    }
}

pub fn generate_catalogue(what: GenerateWhat) -> Result<(), Failure> {
    let GenerateWhat::Catalogue {
        courses,
        seed,
        start,
        format,
        output,
    } = what
    else {
        return Err(Failure::BadInput("generate: not a catalogue".to_owned()));
    };
    let format = match (format, output.as_deref()) {
        (Some(format), _) => format,
        (None, Some(path)) => Format::from_extension(&path.to_string_lossy()).unwrap_or(Format::Json),
        (None, None) => Format::Json,
    };
    let start = aiup_core::date::parse_iso_date(&start).map_err(|e| Failure::BadInput(format!("--start: {e}")))?;
    let loaded = aiup_core::bundle::Bundle::embedded()
        .load()
        .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?;
    let batch = generate(
        &GenerateOptions { courses, seed, start },
        &loaded.regions,
        &loaded.policy.programmes,
    );
    write_output(output.as_deref(), &aiup_catalogue::export(format, &batch))
}

/// For `serve --demo`: loads a generated catalogue of `courses` courses when the catalogue is empty.
pub async fn load_demo(store: &Database, engine: &Engine, index: &CourseIndex, courses: usize) -> Result<(), Failure> {
    if store
        .catalogue()
        .generation()
        .await
        .map_err(|e| Failure::Other(e.into()))?
        > 0
    {
        return Ok(());
    }
    let batch = generate(
        &GenerateOptions {
            courses,
            seed: 2026,
            start: aiup_app::today_in_seoul(),
        },
        engine.regions(),
        &engine.policy().programmes,
    );
    let report = catalogue::store_and_index_owned(store, index, batch, "demo")
        .await
        .map_err(catalogue_failure)?;
    tracing::info!(courses = report.summary.courses_added, "loaded the demo catalogue");
    Ok(())
}
