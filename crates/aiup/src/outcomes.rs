//! `aiup outcomes …`: import outside records of graduates' outcomes (docs/outcomes-import.md)
//! and check a firm for the startup-hiring grant. Acts as the account named by `--actor` (or
//! `AIUP_ACTOR`), with that account's role.

use std::path::PathBuf;

use aiup_app::outcomes::{self, grant, OutcomeImportRequest};
use aiup_people::outcome_records::OutcomeKind;
use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};

use crate::cli::{Db, Failure};
use crate::payroll::{app_failure, open_app};

/// The kinds of file, as the command line spells them.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    Employment,
    Startups,
    Figures,
}

impl KindArg {
    fn kind(self) -> OutcomeKind {
        match self {
            KindArg::Employment => OutcomeKind::Employment,
            KindArg::Startups => OutcomeKind::Startups,
            KindArg::Figures => OutcomeKind::Figures,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum OutcomesAction {
    /// Import a file of employment-insurance acquisitions, startup registrations or outside
    /// figures; every bad row is listed and nothing is stored if any is bad.
    Import {
        #[arg(long, value_enum)]
        kind: KindArg,
        /// Where the file comes from (kept with every row).
        #[arg(long)]
        source: String,
        /// The day the file's facts are true on (YYYY-MM-DD).
        #[arg(long)]
        as_of: NaiveDate,
        /// The CSV file.
        file: PathBuf,
        /// The key outside identifiers are hashed with (64 or more hex digits): needed for
        /// employment and startup files. Best given by environment.
        #[arg(long, env = "AIUP_IDENTIFIER_KEY", hide_env_values = true)]
        identifier_key: Option<String>,
        /// The account acting (login).
        #[arg(long, env = "AIUP_ACTOR")]
        actor: String,
    },
    /// Check a firm for the startup-hiring grant: each condition, met or not, and why (JSON).
    GrantCheck {
        /// The firm's business number (ten digits, hyphens allowed).
        business_number: String,
        /// The application date (YYYY-MM-DD).
        #[arg(long)]
        on: NaiveDate,
        /// The account acting (login).
        #[arg(long, env = "AIUP_ACTOR")]
        actor: String,
    },
}

pub async fn outcomes(action: OutcomesAction, db: &Db) -> Result<(), Failure> {
    let app = open_app(db).await?;
    match action {
        OutcomesAction::Import {
            kind,
            source,
            as_of,
            file,
            identifier_key,
            actor,
        } => {
            if let Some(key) = identifier_key {
                let key = aiup_people::ExternalIdKey::from_hex(&key)
                    .map_err(|e| Failure::BadInput(format!("AIUP_IDENTIFIER_KEY: {e}")))?;
                app.set_identifier_key(key)
                    .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?;
            }
            let text = std::fs::read_to_string(&file).map_err(|e| Failure::Other(e.into()))?;
            let actor = app.operator_actor(&actor).await.map_err(app_failure)?;
            let summary = outcomes::import(
                &app,
                &actor,
                OutcomeImportRequest {
                    kind: kind.kind(),
                    source: &source,
                    as_of,
                    text: &text,
                },
            )
            .await
            .map_err(app_failure)?;
            println!(
                "{}",
                serde_json::to_string_pretty(&summary).map_err(|e| Failure::Other(e.into()))?
            );
            if !summary.created {
                eprintln!("this file was already imported; nothing changed");
            }
            Ok(())
        }
        OutcomesAction::GrantCheck {
            business_number,
            on,
            actor,
        } => {
            let actor = app.operator_actor(&actor).await.map_err(app_failure)?;
            let check = grant::check_applicant(&app, &actor, &business_number, on)
                .await
                .map_err(app_failure)?;
            println!(
                "{}",
                serde_json::to_string_pretty(&check).map_err(|e| Failure::Other(e.into()))?
            );
            Ok(())
        }
    }
}

#[derive(Debug, Args)]
pub struct GenerateOutcomesArgs {
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// How many employers the graduates are hired by.
    #[arg(long, default_value_t = 500)]
    employers: usize,
    /// The folder the two files are written to (employment.csv, startups.csv).
    #[arg(long)]
    out_dir: PathBuf,
    /// The key outside identifiers are hashed with (64 or more hex digits). Best given by
    /// environment.
    #[arg(long, env = "AIUP_IDENTIFIER_KEY", hide_env_values = true)]
    identifier_key: String,
    #[command(flatten)]
    db: Db,
}

pub async fn generate_outcomes(args: GenerateOutcomesArgs) -> Result<(), Failure> {
    let app = open_app(&args.db).await?;
    let key = aiup_people::ExternalIdKey::from_hex(&args.identifier_key)
        .map_err(|e| Failure::BadInput(format!("AIUP_IDENTIFIER_KEY: {e}")))?;
    app.set_identifier_key(key)
        .map_err(|e| Failure::Other(anyhow::anyhow!("{e}")))?;
    let made = outcomes::generate::generate_for_graduates(&app, args.seed, args.employers, "generator")
        .await
        .map_err(app_failure)?;
    std::fs::create_dir_all(&args.out_dir).map_err(|e| Failure::Other(e.into()))?;
    let employment = args.out_dir.join("employment.csv");
    let startups = args.out_dir.join("startups.csv");
    std::fs::write(&employment, &made.files.employment_csv).map_err(|e| Failure::Other(e.into()))?;
    std::fs::write(&startups, &made.files.startups_csv).map_err(|e| Failure::Other(e.into()))?;
    println!(
        "graduates: {} ({} given a synthetic identifier); wrote {} acquisitions to {} and {} registrations to {}",
        made.graduates,
        made.linked,
        made.files.hires,
        employment.display(),
        made.files.startups,
        startups.display()
    );
    Ok(())
}
