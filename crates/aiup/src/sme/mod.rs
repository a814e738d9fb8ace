//! `aiup sme …`: the SME package from the command line: the firm registry and partner lists,
//! discovery, and the demand survey. Every subcommand that changes data acts as the account
//! named by `--actor` (or `AIUP_ACTOR`), with that account's role.

mod discovery;
pub(crate) mod firms;
mod partners;
mod survey;

use clap::Subcommand;

use crate::cli::{Db, Failure};

#[derive(Debug, Subcommand)]
pub enum SmeAction {
    /// The firm registry: import a CSV, list firms, load the diffusion centres.
    Firms {
        #[command(subcommand)]
        action: firms::FirmsAction,
    },
    /// Partner ministries' programmes and their participant lists.
    Partners {
        #[command(subcommand)]
        action: partners::PartnersAction,
    },
    /// Discovery: firms ranked by whom to visit first, with the reasons.
    Discovery {
        #[command(subcommand)]
        action: discovery::DiscoveryAction,
    },
    /// The demand survey: import answers, print the appendix-2 tables, generate answers.
    Survey {
        #[command(subcommand)]
        action: survey::SurveyAction,
    },
}

pub async fn sme(action: SmeAction, db: &Db) -> Result<(), Failure> {
    match action {
        SmeAction::Firms { action } => firms::run(action, db).await,
        SmeAction::Partners { action } => partners::run(action, db).await,
        SmeAction::Discovery { action } => discovery::run(action, db).await,
        SmeAction::Survey { action } => survey::run(action, db).await,
    }
}
