//! `aiup academy …`, `aiup sites …` and `aiup generate academy`: the instructor academy and the
//! training sites as records (docs/dashboards.md, "Academy and infrastructure").

use std::path::PathBuf;

use aiup_app::academy::{self, ImportRefusal};
use aiup_app::infrastructure;
use clap::{Args, Subcommand};

use crate::cli::{Db, Failure};
use crate::payroll::{app_failure, open_app};
use crate::sme::firms::{print_rows, read_text};

#[derive(Debug, Subcommand)]
pub enum AcademyAction {
    /// Import an instructor CSV: upserted by record number, every bad row listed, nothing stored if one is bad.
    ImportInstructors {
        file: PathBuf,
        /// The account acting (login).
        #[arg(long, env = "AIUP_ACTOR")]
        actor: String,
    },
    /// Import a track-completion CSV (completions and withdrawals, appended): every bad row listed.
    ImportCompletions {
        file: PathBuf,
        /// The account acting (login).
        #[arg(long, env = "AIUP_ACTOR")]
        actor: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum SitesAction {
    /// Import a site CSV (physical AI labs, joint training centres): upserted by id, every bad row listed.
    Import {
        file: PathBuf,
        /// The account acting (login).
        #[arg(long, env = "AIUP_ACTOR")]
        actor: String,
    },
}

/// `aiup generate academy`.
#[derive(Debug, Args)]
pub struct AcademyArgs {
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Completions per track as a share of its target, per mille (1000: the plan's scale).
    #[arg(long, default_value_t = 600)]
    progress_permille: u32,
    /// The last day completions are dated (YYYY-MM-DD; default: today in Seoul).
    #[arg(long)]
    until: Option<String>,
    /// The account acting (login; a programme administrator).
    #[arg(long, env = "AIUP_ACTOR")]
    actor: String,
    #[command(flatten)]
    db: Db,
}

fn refused(e: ImportRefusal) -> Failure {
    print_rows(&e.rows);
    app_failure(e.error)
}

pub async fn academy(action: AcademyAction, db: &Db) -> Result<(), Failure> {
    let (file, login, instructors) = match action {
        AcademyAction::ImportInstructors { file, actor } => (file, actor, true),
        AcademyAction::ImportCompletions { file, actor } => (file, actor, false),
    };
    let text = read_text(&file)?;
    let app = open_app(db).await?;
    let actor = app.operator_actor(&login).await.map_err(app_failure)?;
    if instructors {
        let s = academy::import_instructors(&app, &actor, &text)
            .await
            .map_err(refused)?;
        println!(
            "{}: {} created, {} updated, {} unchanged",
            file.display(),
            s.created,
            s.updated,
            s.unchanged
        );
    } else {
        let s = academy::import_completions(&app, &actor, &text)
            .await
            .map_err(refused)?;
        println!(
            "{}: {} completions, {} withdrawn",
            file.display(),
            s.completed,
            s.revoked
        );
    }
    Ok(())
}

pub async fn sites(action: SitesAction, db: &Db) -> Result<(), Failure> {
    let SitesAction::Import { file, actor } = action;
    let text = read_text(&file)?;
    let app = open_app(db).await?;
    let actor = app.operator_actor(&actor).await.map_err(app_failure)?;
    let s = infrastructure::import_sites(&app, &actor, &text)
        .await
        .map_err(refused)?;
    println!(
        "{}: {} created, {} updated, {} unchanged",
        file.display(),
        s.created,
        s.updated,
        s.unchanged
    );
    Ok(())
}

pub async fn generate(args: AcademyArgs) -> Result<(), Failure> {
    let until = match &args.until {
        Some(text) => aiup_core::date::parse_iso_date(text).map_err(|e| Failure::BadInput(format!("--until: {e}")))?,
        None => aiup_app::today_in_seoul(),
    };
    let app = open_app(&args.db).await?;
    let actor = app.operator_actor(&args.actor).await.map_err(app_failure)?;
    let g = academy::generate_and_store(&app, &actor, args.seed, args.progress_permille, until)
        .await
        .map_err(app_failure)?;
    println!(
        "academy: {} instructors, {} completions; sites: {} created, {} updated (seed {})",
        g.instructors.created + g.instructors.updated + g.instructors.unchanged,
        g.completions.completed,
        g.sites.created,
        g.sites.updated,
        args.seed
    );
    Ok(())
}
