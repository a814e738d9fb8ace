//! `aiup sme partners …`.
#![allow(clippy::todo)] // filled in by the SME work

use std::path::PathBuf;

use clap::Subcommand;

use crate::cli::{Db, Failure};

#[derive(Debug, Subcommand)]
pub enum PartnersAction {
    /// Import a partner programme's participant list (CSV).
    Import {
        /// The CSV file.
        file: PathBuf,
        /// The account acting (login).
        #[arg(long, env = "AIUP_ACTOR")]
        actor: String,
    },
}

pub async fn run(action: PartnersAction, db: &Db) -> Result<(), Failure> {
    todo!("{action:?} {db:?}")
}
