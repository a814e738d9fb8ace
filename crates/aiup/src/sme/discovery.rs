//! `aiup sme discovery …`: the discovery ranking with each firm's reasons.

use aiup_app::sme::discovery::{self, DiscoveryFilter};
use clap::Subcommand;

use crate::cli::{Db, Failure};
use crate::payroll::{app_failure, open_app};

#[derive(Debug, Subcommand)]
pub enum DiscoveryAction {
    /// Print the discovery ranking: firms by whom to visit first, each with its reasons.
    Rank {
        /// Only firms assigned to this centre (a training doctor sees only their own anyway).
        #[arg(long)]
        centre: Option<String>,
        /// Only firms in this province (2-digit 시도 code).
        #[arg(long)]
        province: Option<String>,
        /// Only firms in this KSIC section (A–U).
        #[arg(long)]
        ksic: Option<String>,
        /// Only firms of this size band (under_5, 5_9, 10_29, 30_49, 50_99, 100_299, 300_plus).
        #[arg(long)]
        size: Option<String>,
        /// How many firms to print (1–1000).
        #[arg(long, default_value_t = discovery::DEFAULT_LIMIT)]
        limit: usize,
        /// Print the ranking as JSON.
        #[arg(long)]
        json: bool,
        /// The account acting (login).
        #[arg(long, env = "AIUP_ACTOR")]
        actor: String,
    },
}

pub async fn run(action: DiscoveryAction, db: &Db) -> Result<(), Failure> {
    let app = open_app(db).await?;
    match action {
        DiscoveryAction::Rank {
            centre,
            province,
            ksic,
            size,
            limit,
            json,
            actor,
        } => {
            let actor = app.operator_actor(&actor).await.map_err(app_failure)?;
            let size_band = size
                .as_deref()
                .map(discovery::parse_size_band)
                .transpose()
                .map_err(app_failure)?;
            let filter = DiscoveryFilter {
                centre,
                province,
                ksic_section: ksic.map(|k| k.trim().to_uppercase()),
                size_band,
                limit: Some(limit),
            };
            let ranking = discovery::rank(&app, &actor, &filter).await.map_err(app_failure)?;
            if json {
                return crate::cli::print_json(&ranking);
            }
            println!(
                "{} firms scored on {} (policy {}); the top {}:",
                ranking.scored,
                ranking.date,
                ranking.policy_version,
                ranking.rows.len()
            );
            for (i, row) in ranking.rows.iter().enumerate() {
                println!(
                    "{:>4}. {:>4} pts  {}  {}  [{} {}{} {}]",
                    i + 1,
                    row.score.points,
                    row.business_number,
                    row.name,
                    row.size_band,
                    row.ksic_section,
                    row.ksic_division,
                    row.centre_id.as_deref().unwrap_or("unassigned")
                );
                for reason in &row.score.reasons {
                    println!("        {:+4}  {} / {}", reason.points, reason.ko, reason.en);
                }
            }
            Ok(())
        }
    }
}
