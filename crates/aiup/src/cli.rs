//! Subcommands. Each parses its arguments, calls the domain, prints.

use crate::courses::{self, CoursesAction, GenerateWhat, IndexDir};
use crate::files;
use aiup_app::policy as runtime;
use aiup_core::bundle::{Bundle, LoadedBundle};
use aiup_core::policy::PolicySet;
use aiup_rules::reform::Reform;
use aiup_rules::{CaseError, Engine};
use aiup_store::{Database, ImportOutcome};
use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use std::path::{Path, PathBuf};

#[derive(Debug, Parser)]
#[command(
    name = "aiup",
    version,
    about = "Runs the AI+ Competency Up training programme: rules, estimates, and the web service."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Args, Clone)]
pub struct Db {
    /// Database URL: sqlite://PATH or postgres://… (default: sqlite in the data folder).
    #[arg(long, env = "AIUP_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Folder for the default SQLite database and the search index.
    #[arg(long, env = "AIUP_DATA_DIR", default_value = "aiup-data")]
    pub data_dir: PathBuf,
}

impl Db {
    fn url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("aiup.sqlite3").display()))
    }

    pub async fn connect(&self) -> Result<Database, Failure> {
        let url = self.url();
        aiup_store::connect(&url)
            .await
            .map_err(|e| Failure::Other(anyhow::anyhow!("cannot open the database: {e}")))
    }
}

#[derive(Debug, Args, Clone)]
struct Draft {
    /// Evaluate against policy files in this folder instead of the active version (not stored).
    #[arg(long)]
    policy_dir: Option<PathBuf>,
    /// With --policy-dir: region files from this folder.
    #[arg(long)]
    regions_dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the web pages and the JSON API.
    Serve {
        #[arg(long, env = "AIUP_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// If the catalogue is empty, load a generated demo catalogue of this many courses
        /// (2,000 when the flag is given without a number).
        #[arg(long, num_args = 0..=1, default_missing_value = "2000")]
        demo: Option<usize>,
        #[command(flatten)]
        db: Db,
        #[command(flatten)]
        index: IndexDir,
        /// The server is reached over TLS: session cookies get `Secure` and the `__Host-` prefix.
        #[arg(long, env = "AIUP_SECURE_COOKIES")]
        secure_cookies: bool,
        /// The key outside identifiers (a 고용24 member number) are hashed with: 64 or more hex
        /// digits. Without it, profiles take no outside identifier. Best given by environment.
        #[arg(long, env = "AIUP_IDENTIFIER_KEY", hide_env_values = true)]
        identifier_key: Option<String>,
        /// The key attendance check-in codes are made with: 64 or more hex digits. Without it, a
        /// random key per process (codes then work only on the server that showed them).
        #[arg(long, env = "AIUP_CHECKIN_KEY", hide_env_values = true)]
        checkin_key: Option<String>,
    },
    /// Accounts: add, list, disable, enable, reset a password, API tokens.
    Users {
        #[command(subcommand)]
        action: crate::users::UsersAction,
        #[command(flatten)]
        db: Db,
    },
    /// Apply database migrations (also done on every start).
    Migrate {
        #[command(flatten)]
        db: Db,
    },
    /// Estimate support for one case (JSON in, JSON out), or a batch of JSON lines.
    Estimate {
        /// The case as JSON, or - for standard input.
        #[arg(long)]
        case: Option<String>,
        /// A file of JSON lines, one case per line; prints one JSON line per case and a summary.
        #[arg(long, conflicts_with = "case")]
        batch: Option<String>,
        /// A what-if reform (JSON: {"name", "overrides": [{"param", "from"?, "value"}]}).
        #[arg(long)]
        reform: Option<PathBuf>,
        /// Leave the trace tree out.
        #[arg(long)]
        no_trace: bool,
        #[command(flatten)]
        draft: Draft,
        #[command(flatten)]
        db: Db,
    },
    /// List programmes and parameters with their dated values and citations; import, check and activate policy.
    Policy {
        #[command(subcommand)]
        action: Option<PolicyAction>,
        /// Show values in force on this date (YYYY-MM-DD).
        #[arg(long)]
        on: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: Db,
    },
    /// The course catalogue: import, export, search, reindex.
    Courses {
        #[command(subcommand)]
        action: CoursesAction,
        #[command(flatten)]
        db: Db,
        #[command(flatten)]
        index: IndexDir,
    },
    /// The monthly allowance payroll: run a month, approve, export, cancel, runs, totals, ledger.
    Payroll {
        #[command(subcommand)]
        action: crate::payroll::PayrollAction,
        #[command(flatten)]
        db: Db,
    },
    /// Reform simulation: refresh the population basis, compare a reform or two policy versions.
    Reform {
        #[command(subcommand)]
        action: crate::reform::ReformAction,
        #[command(flatten)]
        db: Db,
    },
    /// The SME package: firms, partner lists, discovery, the demand survey.
    Sme {
        #[command(subcommand)]
        action: crate::sme::SmeAction,
        #[command(flatten)]
        db: Db,
    },
    /// The instructor academy: import instructors and track completions.
    Academy {
        #[command(subcommand)]
        action: crate::academy::AcademyAction,
        #[command(flatten)]
        db: Db,
    },
    /// The training sites (physical AI labs, joint training centres): import.
    Sites {
        #[command(subcommand)]
        action: crate::academy::SitesAction,
        #[command(flatten)]
        db: Db,
    },
    /// Graduates' outcomes: import outside records, check a firm for the startup-hiring grant.
    Outcomes {
        #[command(subcommand)]
        action: crate::outcomes::OutcomesAction,
        #[command(flatten)]
        db: Db,
    },
    /// Generate synthetic data.
    Generate {
        #[command(subcommand)]
        what: GenerateWhat,
    },
    /// Look regions up by code or name; import an updated region table.
    Regions {
        #[command(subcommand)]
        action: Option<RegionsAction>,
        /// A 5-digit code or a name ("강원도 평창군", "해남").
        query: Option<String>,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        db: Db,
    },
}

#[derive(Debug, Subcommand)]
enum PolicyAction {
    /// Validate policy files without storing anything.
    Check {
        dir: PathBuf,
        #[arg(long)]
        regions_dir: Option<PathBuf>,
    },
    /// Validate and import policy files as the new active version.
    Import {
        dir: PathBuf,
        #[arg(long)]
        regions_dir: Option<PathBuf>,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long, env = "USER", default_value = "admin")]
        actor: String,
    },
    /// List imported versions, newest first.
    Versions,
    /// Make an earlier version active again.
    Activate {
        version: String,
        #[arg(long, env = "USER", default_value = "admin")]
        actor: String,
    },
}

#[derive(Debug, Subcommand)]
enum RegionsAction {
    /// Validate and import sido.csv, sigungu.csv and aliases.csv from a folder.
    Import {
        dir: PathBuf,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long, env = "USER", default_value = "admin")]
        actor: String,
    },
}

/// How a command failed: bad input (exit 2) or anything else (exit 1).
#[derive(Debug)]
pub enum Failure {
    BadInput(String),
    /// Bad input whose JSON error is already on standard output.
    Reported(String),
    Other(anyhow::Error),
}

/// The JSON error body the CLI prints on standard output, shaped as the API's.
pub fn error_json(code: &str, message: &str) -> serde_json::Value {
    serde_json::json!({ "error": { "code": code, "message": message } })
}

/// Bad input with a stable code: printed as JSON when `json`, always told on standard error.
pub fn bad_input(json: bool, code: aiup_app::Code, message: String) -> Failure {
    if json {
        println!("{}", error_json(code.as_str(), &message));
        Failure::Reported(message)
    } else {
        Failure::BadInput(message)
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Failure {
        Failure::Other(e)
    }
}

pub fn runtime_failure(e: runtime::RuntimeError) -> Failure {
    match e {
        runtime::RuntimeError::Policy(errors) => Failure::BadInput(errors.to_string()),
        other => Failure::Other(other.into()),
    }
}

pub fn print_json(value: &impl serde::Serialize) -> Result<(), Failure> {
    println!("{}", serde_json::to_string_pretty(value).context("cannot render JSON")?);
    Ok(())
}

fn case_failure(e: &CaseError) -> Failure {
    let body = serde_json::json!({ "error": { "code": e.code, "field": e.field, "message": e.reason } });
    println!("{body}");
    Failure::Reported(format!("{} [{}]", e, e.code))
}

pub async fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Serve {
            listen,
            demo,
            db,
            index,
            secure_cookies,
            identifier_key,
            checkin_key,
        } => {
            let key = identifier_key
                .as_deref()
                .map(aiup_people::ExternalIdKey::from_hex)
                .transpose()
                .map_err(|e| Failure::BadInput(format!("AIUP_IDENTIFIER_KEY: {e}")))?;
            let checkin_key = checkin_key
                .as_deref()
                .map(aiup_people::checkin::CheckinKey::from_hex)
                .transpose()
                .map_err(|e| Failure::BadInput(format!("AIUP_CHECKIN_KEY: {e}")))?;
            serve(&listen, demo, &db, &index, secure_cookies, key, checkin_key).await
        }
        Command::Users { action, db } => crate::users::users(action, &db).await,
        Command::Payroll { action, db } => crate::payroll::payroll(action, &db).await,
        Command::Reform { action, db } => crate::reform::reform(action, &db).await,
        Command::Sme { action, db } => crate::sme::sme(action, &db).await,
        Command::Outcomes { action, db } => crate::outcomes::outcomes(action, &db).await,
        Command::Courses { action, db, index } => courses::courses(action, &db, &index).await,
        Command::Generate {
            what: GenerateWhat::Population(args),
        } => crate::population::generate_population(args).await,
        Command::Generate {
            what: GenerateWhat::Academy(args),
        } => crate::academy::generate(args).await,
        Command::Academy { action, db } => crate::academy::academy(action, &db).await,
        Command::Sites { action, db } => crate::academy::sites(action, &db).await,
        Command::Generate {
            what: GenerateWhat::Outcomes(args),
        } => crate::outcomes::generate_outcomes(args).await,
        Command::Generate { what } => courses::generate_catalogue(what),
        Command::Migrate { db } => {
            let store = db.connect().await?;
            store.migrate().await.map_err(|e| Failure::Other(e.into()))?;
            let loaded = runtime::active_bundle(&store).await.map_err(runtime_failure)?;
            println!(
                "migrated {} ({}); active policy {}",
                db.url().split('?').next().unwrap_or(""),
                store.backend(),
                loaded.version
            );
            Ok(())
        }
        Command::Estimate {
            case,
            batch,
            reform,
            no_trace,
            draft,
            db,
        } => {
            let engine = engine_for(&draft, &db).await?;
            let reform = match reform {
                None => None,
                Some(path) => Some(
                    aiup_core::json::from_str_strict::<Reform>(&files::read_input(&path.to_string_lossy())?)
                        .map_err(|e| Failure::BadInput(format!("reform file {}: {e}", path.display())))?,
                ),
            };
            match (case, batch) {
                (Some(path), None) => estimate_one(&engine, &files::read_input(&path)?, reform, no_trace),
                (None, Some(path)) => estimate_batch(&engine, &files::read_input(&path)?, reform.as_ref()),
                _ => Err(Failure::BadInput("give --case FILE (or -) or --batch FILE".into())),
            }
        }
        Command::Policy { action, on, json, db } => policy(action, on, json, &db).await,
        Command::Regions {
            action,
            query,
            json,
            db,
        } => regions(action, query, json, &db).await,
    }
}

async fn serve(
    listen: &str,
    demo: Option<usize>,
    db: &Db,
    index_dir: &IndexDir,
    secure_cookies: bool,
    identifier_key: Option<aiup_people::ExternalIdKey>,
    checkin_key: Option<aiup_people::checkin::CheckinKey>,
) -> Result<(), Failure> {
    let store = db.connect().await?;
    let loaded = runtime::active_bundle(&store).await.map_err(runtime_failure)?;
    let version = loaded.version.clone();
    let shipped = Bundle::embedded();
    if shipped.sha256() != loaded.sha256 {
        // By design the database's active version wins; say so, so an edit is not silently ignored.
        tracing::warn!(active = %version, "the policy bundle built into this binary differs from the active version in the database; `aiup policy import policy --regions-dir data/regions` adopts it");
    }
    let engine = runtime::engine_for(loaded).map_err(|e| Failure::Other(e.into()))?;
    let index = courses::open_index(&store, &engine, &index_dir.path(db)).await?;
    if let Some(count) = demo {
        courses::load_demo(&store, &engine, &index, count).await?;
    }
    let app = aiup_app::App::new(store.clone(), engine, index, aiup_app::Clock::system());
    if let Some(key) = identifier_key {
        app.set_identifier_key(key)
            .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?;
    }
    if let Some(key) = checkin_key {
        app.set_checkin_key(key)
            .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?;
    }
    app.spawn_sync(aiup_app::live::SYNC_INTERVAL);
    if app.db().accounts().count().await.unwrap_or(1) == 0 {
        tracing::warn!("no accounts yet: the public pages and API work, but nobody can sign in; create the first administrator with `aiup users add --role admin --login NAME` (password on standard input)");
    }
    let state = aiup_server::AppState::new(app, aiup_server::WebSettings { secure_cookies });
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener.local_addr().context("no local address")?;
    tracing::info!(%addr, backend = %store.backend(), policy = %version, "aiup is serving: open http://{addr}/");
    aiup_server::serve(
        listener,
        aiup_server::app(state),
        aiup_server::Limits::default(),
        shutdown(),
    )
    .await
    .context("the server stopped with an error")?;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}

/// The active policy and regions. A read-only command with no database yet (no URL given, no
/// data folder) uses the bundle built into the binary and creates nothing on disk.
async fn active(db: &Db) -> Result<LoadedBundle, Failure> {
    if db.database_url.is_none() && !db.data_dir.join("aiup.sqlite3").exists() {
        return Bundle::embedded()
            .load()
            .map_err(|e| Failure::Other(anyhow::anyhow!("the built-in policy bundle does not load: {e}")));
    }
    let store = db.connect().await?;
    runtime::active_bundle(&store).await.map_err(runtime_failure)
}

/// The engine for the active version, or for draft files on disk.
async fn engine_for(draft: &Draft, db: &Db) -> Result<Engine, Failure> {
    let loaded = if draft.policy_dir.is_some() || draft.regions_dir.is_some() {
        let bundle = files::bundle_from(
            draft.policy_dir.as_deref(),
            draft.regions_dir.as_deref(),
            &Bundle::embedded(),
        )?
        .map_err(|e| Failure::BadInput(e.to_string()))?;
        bundle.load().map_err(|e| Failure::BadInput(e.to_string()))?
    } else {
        active(db).await?
    };
    runtime::engine_for(loaded).map_err(|e| Failure::Other(e.into()))
}

fn estimate_one(engine: &Engine, text: &str, reform: Option<Reform>, no_trace: bool) -> Result<(), Failure> {
    let mut request = aiup_rules::parse_request(text).map_err(|e| case_failure(&e))?;
    if no_trace {
        request.trace = false;
    }
    if reform.is_some() {
        request.reform = reform;
    }
    let answer = aiup_rules::answer(engine, &request).map_err(|e| case_failure(&e))?;
    print_json(&answer)
}

fn estimate_batch(engine: &Engine, text: &str, reform: Option<&Reform>) -> Result<(), Failure> {
    // Validate every line first: a batch with a bad line computes nothing.
    let mut cases = Vec::new();
    let mut bad = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        match aiup_rules::parse_request(line).and_then(|r| engine.parse_case(&r.case)) {
            Ok(case) => cases.push((i + 1, case)),
            Err(e) => bad.push(format!("line {}: {e} [{}]", i + 1, e.code)),
        }
    }
    if !bad.is_empty() {
        return Err(Failure::BadInput(format!(
            "{} bad line(s); nothing was computed:\n{}",
            bad.len(),
            bad.join("\n")
        )));
    }
    let reformed = match reform {
        None => None,
        Some(r) => Some(
            engine
                .reformed(r)
                .map_err(|e| Failure::BadInput(format!("reform: {e}")))?,
        ),
    };
    let only: Vec<_> = cases.iter().map(|(_, c)| *c).collect();
    let (each, sum) = engine.evaluate_batch(&only);
    for ((line, _), totals) in cases.iter().zip(&each) {
        println!("{}", serde_json::json!({ "line": line, "totals": totals }));
    }
    let mut summary = serde_json::json!({ "summary": { "cases": cases.len(), "policy_version": engine.policy().version, "totals": sum } });
    if let Some(other) = &reformed {
        let comparison = engine.compare_batch(other, &only);
        summary["summary"]["reform"] = serde_json::json!({ "policy_version": other.policy().version, "totals": comparison.reform, "difference": comparison.difference });
    }
    println!("{summary}");
    Ok(())
}

fn parse_on(on: Option<&str>, policy: &PolicySet) -> Result<chrono::NaiveDate, Failure> {
    match on {
        None => Ok(aiup_app::today_in_seoul().max(policy.meta.coverage_start)),
        Some(text) => aiup_core::date::parse_iso_date(text).map_err(|e| Failure::BadInput(format!("--on: {e}"))),
    }
}

async fn policy(action: Option<PolicyAction>, on: Option<String>, json: bool, db: &Db) -> Result<(), Failure> {
    match action {
        None => {
            let loaded = active(db).await?;
            let date = parse_on(on.as_deref(), &loaded.policy)?;
            if json {
                return print_json(
                    &serde_json::json!({ "policy_version": loaded.version, "on": date, "programmes": loaded.policy.programmes, "parameters": loaded.policy.parameters.values().collect::<Vec<_>>() }),
                );
            }
            print_policy(&loaded, date);
            Ok(())
        }
        Some(PolicyAction::Check { dir, regions_dir }) => {
            let bundle = files::bundle_from(Some(&dir), regions_dir.as_deref(), &Bundle::embedded())?
                .map_err(|e| Failure::BadInput(e.to_string()))?;
            let loaded = bundle.load().map_err(|e| Failure::BadInput(e.to_string()))?;
            println!(
                "ok: {} parameters, {} programmes; version {}",
                loaded.policy.parameters.len(),
                loaded.policy.programmes.len(),
                loaded.version
            );
            Ok(())
        }
        Some(PolicyAction::Import {
            dir,
            regions_dir,
            note,
            actor,
        }) => {
            let store = db.connect().await?;
            let current = current_bundle(&store).await?;
            let bundle = files::bundle_from(Some(&dir), regions_dir.as_deref(), &current)?
                .map_err(|e| Failure::BadInput(e.to_string()))?;
            import(&store, &bundle, &actor, &note).await
        }
        Some(PolicyAction::Versions) => {
            let store = db.connect().await?;
            runtime::active_bundle(&store).await.map_err(runtime_failure)?;
            let versions = store.policy().versions().await.map_err(|e| Failure::Other(e.into()))?;
            if json {
                return print_json(&versions);
            }
            for v in versions {
                println!(
                    "{} {} {} by {}{}",
                    if v.active { "*" } else { " " },
                    v.version,
                    v.imported_at.format("%Y-%m-%d %H:%M UTC"),
                    v.actor,
                    if v.note.is_empty() {
                        String::new()
                    } else {
                        format!(" — {}", v.note)
                    }
                );
            }
            Ok(())
        }
        Some(PolicyAction::Activate { version, actor }) => {
            let store = db.connect().await?;
            let loaded = runtime::activate(&store, &version, &actor).await.map_err(|e| match e {
                runtime::RuntimeError::Store(aiup_store::StoreError::NotFound { .. }) => {
                    Failure::BadInput(format!("no policy version `{version}`; see `aiup policy versions`"))
                }
                other => runtime_failure(other),
            })?;
            println!("active: {}", loaded.version);
            Ok(())
        }
    }
}

/// The files of the active version (the embedded bundle on an empty store).
async fn current_bundle(store: &Database) -> Result<Bundle, Failure> {
    runtime::active_bundle(store).await.map_err(runtime_failure)?;
    let (_, files) = store
        .policy()
        .active()
        .await
        .map_err(|e| Failure::Other(e.into()))?
        .context("no active policy after start-up")?;
    Bundle::new(
        files
            .into_iter()
            .map(|f| aiup_core::policy::PolicySource {
                path: f.path,
                content: f.content,
            })
            .collect(),
    )
    .map_err(|e| Failure::BadInput(e.to_string()))
}

async fn import(store: &Database, bundle: &Bundle, actor: &str, note: &str) -> Result<(), Failure> {
    let (outcome, loaded) = runtime::import_bundle(store, bundle, actor, note)
        .await
        .map_err(runtime_failure)?;
    match outcome {
        ImportOutcome::Imported => println!("imported and activated {}", loaded.version),
        ImportOutcome::Unchanged => println!("unchanged: {} is already stored; it is now active", loaded.version),
    }
    Ok(())
}

fn print_policy(loaded: &LoadedBundle, on: chrono::NaiveDate) {
    let policy = &loaded.policy;
    println!(
        "Policy {} — values in force on {on} (coverage from {})",
        loaded.version, policy.meta.coverage_start
    );
    println!("\nProgrammes ({}):", policy.programmes.len());
    for p in &policy.programmes {
        let target = p
            .targets
            .iter()
            .map(|t| format!("{} {}{}", t.year, t.value, t.unit.label_ko()))
            .collect::<Vec<_>>()
            .join(", ");
        let budget: Vec<String> = policy
            .budget_lines
            .iter()
            .filter(|b| b.programmes.contains(&p.id))
            .map(|b| format!("{} ({:?})", b.amount_won, b.funding))
            .collect();
        println!("  {:<26} {:<14} {}", p.id.as_str(), p.stage.label_ko(), p.name.ko);
        println!(
            "  {:<26} target: {} · budget: {} · cite: {}",
            "",
            if target.is_empty() { "—".into() } else { target },
            if budget.is_empty() {
                "—".into()
            } else {
                budget.join(" + ")
            },
            p.cite
        );
    }
    println!("\nParameters ({}):", policy.parameters.len());
    for p in policy.parameters.values() {
        let current = p.at(on);
        println!(
            "  {:<62} {:>14}  {}",
            p.id,
            current.map_or("—".to_owned(), |v| v.value.to_string()),
            p.description.ko
        );
        for v in &p.values {
            println!(
                "  {:<62} {:>14}  from {} [{}] {}",
                "",
                v.value.to_string(),
                v.from,
                v.confidence.as_str(),
                v.cite
            );
        }
    }
}

async fn regions(action: Option<RegionsAction>, query: Option<String>, json: bool, db: &Db) -> Result<(), Failure> {
    if let Some(RegionsAction::Import { dir, note, actor }) = action {
        let store = db.connect().await?;
        let current = current_bundle(&store).await?;
        let bundle = current
            .with_region_files(files::region_files(Path::new(&dir))?)
            .map_err(|e| Failure::BadInput(e.to_string()))?;
        return import(&store, &bundle, &actor, &note).await;
    }
    let loaded = active(db).await?;
    let engine = runtime::engine_for(loaded).map_err(|e| Failure::Other(e.into()))?;
    let precedence = aiup_app::tier_precedence_on(&engine, aiup_app::today_in_seoul());
    let table = engine.regions();
    let found: Vec<&aiup_core::region::Region> = match query.as_deref() {
        None => table.regions().iter().collect(),
        Some(q) => match table.resolve(q) {
            Ok(r) => {
                if let Some(alias) = r.via_alias {
                    eprintln!(
                        "note: `{q}` is an old name or code; since {} it is {} ({})",
                        alias.changed_on.map_or("—".into(), |d| d.to_string()),
                        r.region.full_name,
                        alias.note
                    );
                }
                vec![r.region]
            }
            Err(aiup_core::region::ResolveError::Ambiguous { candidates, .. }) => {
                return Err(bad_input(
                    json,
                    aiup_app::Code::AmbiguousRegion,
                    format!("`{q}` is ambiguous: {}", candidates.join(", ")),
                ));
            }
            Err(_) => {
                let matches = table.search(q);
                if matches.is_empty() {
                    return Err(bad_input(
                        json,
                        aiup_app::Code::RegionNotFound,
                        format!("no region matches `{q}`"),
                    ));
                }
                matches
            }
        },
    };
    if json {
        return print_json(&found.iter().map(|r| serde_json::json!({ "code": r.code, "name": r.full_name, "name_en": r.name_en, "kind": r.kind, "capital_area": r.capital_area, "population_declining": r.population_declining, "tier": r.tier(precedence) })).collect::<Vec<_>>());
    }
    for r in found {
        println!(
            "{}  {:<24} {:<18} {}",
            r.code,
            r.full_name,
            r.tier(precedence).label_ko(),
            r.name_en
        );
    }
    Ok(())
}
