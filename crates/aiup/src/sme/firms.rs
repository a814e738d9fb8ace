//! `aiup sme firms …`.

use std::path::PathBuf;

use aiup_app::sme::firms;
use clap::Subcommand;

use crate::cli::{Db, Failure};
use crate::payroll::{app_failure, open_app};

#[derive(Debug, Subcommand)]
pub enum FirmsAction {
    /// Import a firm registry CSV (docs/sme.md): idempotent, every bad row listed, nothing stored if one is bad.
    Import {
        /// The CSV file.
        file: PathBuf,
        /// The account acting (login).
        #[arg(long, env = "AIUP_ACTOR")]
        actor: String,
    },
    /// Write synthetic firms as a CSV the importer reads (and, with --partners-out, their
    /// partner-programme participations).
    Generate {
        #[arg(long, default_value_t = 1000)]
        count: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The firm file to write.
        #[arg(long)]
        out: PathBuf,
        /// A participant file to write too (programme_id,business_number,year).
        #[arg(long)]
        partners_out: Option<PathBuf>,
    },
    /// Assign every firm without a centre to the centre covering its province.
    Assign {
        /// The account acting (login).
        #[arg(long, env = "AIUP_ACTOR")]
        actor: String,
    },
}

/// Reads a file as UTF-8 text (a BOM is dropped by the parsers).
pub(crate) fn read_text(file: &PathBuf) -> Result<String, Failure> {
    std::fs::read_to_string(file).map_err(|e| Failure::BadInput(format!("cannot read {}: {e}", file.display())))
}

/// Every bad row on standard error, one a line.
pub(crate) fn print_rows(rows: &[aiup_sme::RowProblem]) {
    for row in rows {
        for p in &row.problems {
            eprintln!("line {}, {}: {}", row.line, p.field, p.reason);
        }
    }
}

fn write(file: &PathBuf, text: &str) -> Result<(), Failure> {
    std::fs::write(file, text).map_err(|e| Failure::Other(anyhow::anyhow!("cannot write {}: {e}", file.display())))
}

pub async fn run(action: FirmsAction, db: &Db) -> Result<(), Failure> {
    match action {
        FirmsAction::Import { file, actor } => {
            let text = read_text(&file)?;
            let app = open_app(db).await?;
            let actor = app.operator_actor(&actor).await.map_err(app_failure)?;
            match firms::import_firms(&app, &actor, &text).await {
                Ok(s) => {
                    println!(
                        "{}: {} created, {} updated, {} unchanged",
                        file.display(),
                        s.created,
                        s.updated,
                        s.unchanged
                    );
                    Ok(())
                }
                Err(e) => {
                    print_rows(&e.rows);
                    Err(app_failure(e.error))
                }
            }
        }
        FirmsAction::Generate {
            count,
            seed,
            out,
            partners_out,
        } => {
            let regions = aiup_core::region::RegionTable::load(aiup_core::defaults::region_files())
                .map_err(|e| Failure::Other(e.into()))?;
            let (firm_file, participant_file) = firms::generated_files(&regions, seed, count);
            write(&out, &firm_file)?;
            println!("{}: {count} firms (seed {seed})", out.display());
            if let Some(path) = partners_out {
                write(&path, &participant_file)?;
                println!(
                    "{}: {} participations",
                    path.display(),
                    participant_file.lines().count().saturating_sub(1)
                );
            }
            Ok(())
        }
        FirmsAction::Assign { actor } => {
            let app = open_app(db).await?;
            let actor = app.operator_actor(&actor).await.map_err(app_failure)?;
            let n = firms::assign_by_province(&app, &actor).await.map_err(app_failure)?;
            println!("{n} firms assigned to the centre of their province");
            Ok(())
        }
    }
}
