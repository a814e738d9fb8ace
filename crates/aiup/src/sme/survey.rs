//! `aiup sme survey …`: import demand-survey answers, print a round's appendix-2 tables, and
//! generate synthetic answers (docs/sme-survey.md).

use std::path::PathBuf;

use aiup_app::sme::survey::{self, SurveyImportRequest};
use chrono::NaiveDate;
use clap::Subcommand;

use crate::cli::{Db, Failure};
use crate::payroll::{app_failure, open_app};

#[derive(Debug, Subcommand)]
pub enum SurveyAction {
    /// Import demand-survey answers (CSV, docs/sme-survey.md) as one round.
    Import {
        /// The CSV file.
        file: PathBuf,
        /// The round's name (e.g. "2025 중소기업 AI 훈련수요 조사").
        #[arg(long)]
        name: String,
        /// The survey's first day (the appendix-2 survey: 2025-08-12).
        #[arg(long, default_value = "2025-08-12")]
        from: NaiveDate,
        /// The survey's last day (the appendix-2 survey: 2025-08-18).
        #[arg(long, default_value = "2025-08-18")]
        to: NaiveDate,
        /// The account acting (login).
        #[arg(long, env = "AIUP_ACTOR")]
        actor: String,
    },
    /// Write 1,013 synthetic answers faithful to every appendix-2 percentage.
    Generate {
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The CSV file to write (standard output when absent).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Print a round's tables as CSV (one line per cell: table, row, breakdown, count, base, %).
    Tables {
        /// The round's id (the newest round when absent).
        #[arg(long)]
        round: Option<i64>,
        /// The account acting (login).
        #[arg(long, env = "AIUP_ACTOR")]
        actor: String,
    },
}

pub async fn run(action: SurveyAction, db: &Db) -> Result<(), Failure> {
    match action {
        SurveyAction::Generate { seed, out } => {
            let csv = survey::generated_csv(seed);
            match out {
                Some(path) => {
                    std::fs::write(&path, csv).map_err(|e| Failure::Other(e.into()))?;
                    eprintln!("wrote {} answers to {}", survey::SAMPLE_SIZE, path.display());
                }
                None => print!("{csv}"),
            }
            Ok(())
        }
        SurveyAction::Import {
            file,
            name,
            from,
            to,
            actor,
        } => {
            let text = std::fs::read_to_string(&file).map_err(|e| Failure::Other(e.into()))?;
            let app = open_app(db).await?;
            let actor = app.operator_actor(&actor).await.map_err(app_failure)?;
            let source = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let summary = survey::import(
                &app,
                &actor,
                SurveyImportRequest {
                    name: &name,
                    fielded_from: from,
                    fielded_to: to,
                    source: &source,
                    text: &text,
                },
            )
            .await
            .map_err(app_failure)?;
            println!(
                "{}",
                serde_json::to_string(&summary).map_err(|e| Failure::Other(e.into()))?
            );
            Ok(())
        }
        SurveyAction::Tables { round, actor } => {
            let app = open_app(db).await?;
            let actor = app.operator_actor(&actor).await.map_err(app_failure)?;
            let round = match round {
                Some(id) => id,
                None => match survey::rounds(&app, &actor).await.map_err(app_failure)?.first() {
                    Some(r) => r.id,
                    None => return Err(Failure::Reported("no survey round has been imported".to_owned())),
                },
            };
            let (_, tables) = survey::tables(&app, &actor, round).await.map_err(app_failure)?;
            print!("{}", survey::tables_csv(&tables.tables));
            Ok(())
        }
    }
}
