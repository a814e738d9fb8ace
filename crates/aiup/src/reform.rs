//! `aiup reform …`: refresh the population basis, and compare a reform (a JSON file of
//! overrides, as the estimate API takes) or two stored policy versions on it. Every subcommand
//! acts as the account named by `--actor` (or `AIUP_ACTOR`).

use std::path::PathBuf;
use std::time::Instant;

use aiup_app::reform::ReformComparison;
use aiup_rules::reform::Reform;
use clap::Subcommand;

use crate::cli::{Db, Failure};
use crate::payroll::{app_failure, open_app};

#[derive(Debug, Subcommand)]
pub enum ReformAction {
    /// Rebuild the population basis from the enrolments and their attendance (a programme
    /// administrator).
    Basis {
        #[arg(long, env = "AIUP_ACTOR")]
        actor: String,
    },
    /// Compare a reform file against the active policy, or two stored policy versions, on the
    /// whole basis; prints the totals as JSON.
    Compare {
        /// A reform: `{"name": …, "overrides": [{"param", "from"?, "value"}]}`.
        #[arg(long, conflicts_with = "versions", required_unless_present = "versions")]
        file: Option<PathBuf>,
        /// Two stored policy versions: the baseline, then the reform.
        #[arg(long, num_args = 2, value_names = ["A", "B"])]
        versions: Option<Vec<String>>,
        #[arg(long, env = "AIUP_ACTOR")]
        actor: String,
    },
}

fn summary(c: &ReformComparison) -> serde_json::Value {
    let p = &c.comparison;
    serde_json::json!({
        "population": {
            "refreshed_at": c.basis.refreshed_at,
            "counted_until": c.basis.counted_until,
            "enrolments": p.enrolments,
            "periods": p.periods,
        },
        "baseline": c.baseline_label,
        "reform": c.reform_label,
        "unpriced": { "baseline": p.unpriced_baseline, "reform": p.unpriced_reform },
        "totals": p.total,
        "gains": {
            "gainers": p.gains.gainers,
            "losers": p.gains.losers,
            "unchanged": p.gains.unchanged,
            "largest_gain_won": p.gains.largest_gain_won,
            "largest_loss_won": p.gains.largest_loss_won,
        },
    })
}

pub async fn reform(action: ReformAction, db: &Db) -> Result<(), Failure> {
    let app = open_app(db).await?;
    match action {
        ReformAction::Basis { actor } => {
            let actor = app.operator_actor(&actor).await.map_err(app_failure)?;
            let done = app.refresh_basis(&actor).await.map_err(app_failure)?;
            println!(
                "reform basis: {} enrolments, {} periods counted to {} ({} left out); read and counted in {:.2} s, \
                 written in {:.2} s",
                done.meta.enrolments,
                done.meta.periods,
                done.meta.counted_until,
                done.skipped,
                done.compute_time.as_secs_f64(),
                done.write_time.as_secs_f64()
            );
        }
        ReformAction::Compare { file, versions, actor } => {
            let actor = app.operator_actor(&actor).await.map_err(app_failure)?;
            let started = Instant::now();
            let compared = match (file, versions) {
                (Some(path), _) => {
                    let text = crate::files::read_input(&path.to_string_lossy()).map_err(Failure::Other)?;
                    let reform: Reform = aiup_core::json::from_str_strict(&text)
                        .map_err(|e| Failure::BadInput(format!("reform file {}: {e}", path.display())))?;
                    app.compare_reform(&actor, &reform).await
                }
                (None, Some(v)) if v.len() == 2 => app.compare_versions(&actor, &v[0], &v[1]).await,
                _ => return Err(Failure::BadInput("give --file or --versions A B".to_owned())),
            }
            .map_err(app_failure)?;
            eprintln!(
                "reform: basis read in {:.2} s, compared in {:.2} s, {:.2} s in all",
                compared.read_time.as_secs_f64(),
                compared.compare_time.as_secs_f64(),
                started.elapsed().as_secs_f64()
            );
            crate::cli::print_json(&summary(&compared))?;
        }
    }
    Ok(())
}
