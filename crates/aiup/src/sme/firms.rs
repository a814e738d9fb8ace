//! `aiup sme firms …`.
#![allow(clippy::todo)] // filled in by the SME work

use std::path::PathBuf;

use clap::Subcommand;

use crate::cli::{Db, Failure};

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
}

pub async fn run(action: FirmsAction, db: &Db) -> Result<(), Failure> {
    todo!("{action:?} {db:?}")
}
