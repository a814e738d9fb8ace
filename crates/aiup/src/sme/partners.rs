//! `aiup sme partners …`.

use std::path::PathBuf;

use aiup_app::sme::partners;
use clap::Subcommand;

use super::firms::{print_rows, read_text};
use crate::cli::{Db, Failure};
use crate::payroll::{app_failure, open_app};

#[derive(Debug, Subcommand)]
pub enum PartnersAction {
    /// Import a partner programme's participant list (CSV: business_number,year; programme_id
    /// optional; docs/sme.md).
    Import {
        /// The CSV file.
        file: PathBuf,
        /// The programme id (data/sme/partner-programmes.toml), e.g. mss-smart-factory; without
        /// it, every row names its programme in a programme_id column.
        #[arg(long)]
        programme: Option<String>,
        /// Where the list comes from (kept with every row), e.g. "중기부 명단 2025-12".
        #[arg(long)]
        source: String,
        /// The account acting (login).
        #[arg(long, env = "AIUP_ACTOR")]
        actor: String,
    },
    /// List the partner programmes (the collaboration table of seed 002 V-5).
    Programmes,
}

pub async fn run(action: PartnersAction, db: &Db) -> Result<(), Failure> {
    match action {
        PartnersAction::Import {
            file,
            programme,
            source,
            actor,
        } => {
            let text = read_text(&file)?;
            let app = open_app(db).await?;
            let actor = app.operator_actor(&actor).await.map_err(app_failure)?;
            match partners::import_participants(&app, &actor, programme.as_deref().unwrap_or(""), &text, &source).await
            {
                Ok(s) => {
                    println!(
                        "{}: {} added, {} already known, {} not in the registry",
                        file.display(),
                        s.added,
                        s.already_known,
                        s.unmatched
                    );
                    Ok(())
                }
                Err(e) => {
                    print_rows(&e.rows);
                    Err(app_failure(e.error))
                }
            }
        }
        PartnersAction::Programmes => {
            let table = aiup_sme::partner::partner_table();
            for p in &table.programmes {
                let marks: String = table
                    .collaborations
                    .iter()
                    .filter(|c| p.has(&c.id))
                    .map(|c| c.mark.as_str())
                    .collect();
                println!("{}\t{}\t{}\t{marks}", p.id, p.ministry.label().0, p.name_ko);
            }
            println!("({})", table.cite);
            Ok(())
        }
    }
}
