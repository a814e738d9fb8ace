//! `aiup outcomes …`: import outside records of graduates' outcomes (docs/outcomes-import.md)
//! and check a firm for the startup-hiring grant. Acts as the account named by `--actor` (or
//! `AIUP_ACTOR`), with that account's role.

use std::path::PathBuf;

use aiup_app::outcomes::{self, grant, OutcomeImportRequest};
use aiup_people::outcome_records::OutcomeKind;
use chrono::NaiveDate;
use clap::{Subcommand, ValueEnum};

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
