//! `aiup payroll …`: run a month, approve, export, cancel, list runs, totals, and print the
//! ledger canonically. Every subcommand acts as the account named by `--actor` (or
//! `AIUP_ACTOR`), with that account's role: a programme administrator runs and approves.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use aiup_app::payroll::{parse_totals_by, totals_csv, TOTALS_BY};
use aiup_app::{App, AppError, Clock};
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::{runtime_failure, Db, Failure};

#[derive(Debug, Subcommand)]
pub enum PayrollAction {
    /// Compute a month's payroll (every unit period closed by its last day) as a draft run.
    Run {
        /// The month, YYYY-MM (it must have ended).
        #[arg(long)]
        month: String,
        /// The programme administrator running it (login).
        #[arg(long, env = "AIUP_ACTOR")]
        actor: String,
    },
    /// Approve a draft run (not by the person who ran it).
    Approve {
        #[arg(long)]
        run: i64,
        #[arg(long, env = "AIUP_ACTOR")]
        actor: String,
    },
    /// Write an approved run's payment file (CSV with a control total) and mark it exported.
    Export {
        #[arg(long)]
        run: i64,
        /// Where to write the CSV.
        #[arg(long)]
        out: PathBuf,
        #[arg(long, env = "AIUP_ACTOR")]
        actor: String,
    },
    /// Cancel a draft run (its lines stay in the ledger but no longer count as paid).
    Cancel {
        #[arg(long)]
        run: i64,
        #[arg(long, env = "AIUP_ACTOR")]
        actor: String,
    },
    /// List runs, newest first.
    Runs {
        #[arg(long)]
        month: Option<String>,
        #[arg(long)]
        json: bool,
        #[arg(long, env = "AIUP_ACTOR")]
        actor: String,
    },
    /// A run's totals as CSV, by programme, region_tier, province or institution (all if none).
    Totals {
        #[arg(long)]
        run: i64,
        #[arg(long)]
        by: Option<String>,
        #[arg(long, env = "AIUP_ACTOR")]
        actor: String,
    },
    /// Record the course outcome of every trainee still in training in a cohort that has ended
    /// (completion, 미수료, removal with the card's deduction), as its institution's staff or a
    /// programme administrator.
    Complete {
        /// The course id.
        #[arg(long)]
        course: String,
        /// The cohort's index in the course (0 for the first).
        #[arg(long)]
        cohort: i64,
        #[arg(long, env = "AIUP_ACTOR")]
        actor: String,
    },
    /// Print a month's ledger canonically: sorted lines, no ids and no timestamps.
    Ledger {
        #[arg(long)]
        month: String,
        #[arg(long, env = "AIUP_ACTOR")]
        actor: String,
    },
}

pub(crate) fn app_failure(e: AppError) -> Failure {
    match e.code.http_status() {
        400..=499 => {
            println!("{}", serde_json::json!({ "error": e }));
            Failure::Reported(e.to_string())
        }
        _ => Failure::Other(anyhow::anyhow!(e.to_string())),
    }
}

/// The services on the database, with an empty in-memory index (the payroll never searches).
pub(crate) async fn open_app(db: &Db) -> Result<App, Failure> {
    let store = db.connect().await?;
    let loaded = aiup_app::policy::active_bundle(&store).await.map_err(runtime_failure)?;
    let engine = aiup_app::policy::engine_for(loaded).map_err(|e| Failure::Other(e.into()))?;
    let context = aiup_app::catalogue::search_context(&engine, aiup_app::today_in_seoul());
    let index = aiup_search::CourseIndex::create_in_ram(context).map_err(|e| Failure::Other(e.into()))?;
    Ok(App::new(store, engine, index, Clock::system()))
}

/// Progress on standard error: a bar on a terminal, a plain line per step otherwise.
fn progress_reporter() -> Box<dyn Fn(u64, u64) + Send + Sync> {
    if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {pos}/{len} enrolment ids ({eta} left)")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        Box::new(move |done, total| {
            bar.set_length(total);
            bar.set_position(done);
            if done >= total {
                bar.finish_and_clear();
            }
        })
    } else {
        Box::new(|done, total| eprintln!("payroll: {done}/{total} enrolment ids read"))
    }
}

pub async fn payroll(action: PayrollAction, db: &Db) -> Result<(), Failure> {
    let app = open_app(db).await?;
    match action {
        PayrollAction::Run { month, actor } => {
            let actor = app.operator_actor(&actor).await.map_err(app_failure)?;
            let started = Instant::now();
            let progress = progress_reporter();
            let done = app
                .run_payroll(&actor, &month, progress.as_ref())
                .await
                .map_err(app_failure)?;
            let run = &done.run;
            let t = &done.timings;
            eprintln!(
                "payroll: catalogue {:.2} s, attendance {:.2} s, enrolments {:.2} s, compute {:.2} s, write {:.2} s",
                t.catalogue.as_secs_f64(),
                t.attendance.as_secs_f64(),
                t.enrolments.as_secs_f64(),
                t.compute.as_secs_f64(),
                t.write.as_secs_f64()
            );
            println!(
                "run {} for {}: {} lines (regular {}, adjustments {}), total ₩{}; {} enrolments, {} closed periods, \
                 {} left out; {:.2} s{}",
                run.id,
                run.month,
                run.lines,
                done.regular_lines,
                done.adjustment_lines,
                run.total_won,
                done.enrolments,
                done.periods,
                done.skipped,
                started.elapsed().as_secs_f64(),
                if done.attempts > 1 {
                    format!(" ({} attempts: another run moved the ledger)", done.attempts)
                } else {
                    String::new()
                }
            );
        }
        PayrollAction::Approve { run, actor } => {
            let actor = app.operator_actor(&actor).await.map_err(app_failure)?;
            let run = app.approve_payroll(&actor, run).await.map_err(app_failure)?;
            println!("run {} approved by {}", run.id, run.approved_by.unwrap_or_default());
        }
        PayrollAction::Export { run, out, actor } => {
            let actor = app.operator_actor(&actor).await.map_err(app_failure)?;
            let file = app.export_payroll(&actor, run).await.map_err(app_failure)?;
            std::fs::write(&out, file.csv.as_bytes())
                .map_err(|e| Failure::Other(anyhow::anyhow!("cannot write {}: {e}", out.display())))?;
            println!(
                "run {} exported to {}: {} payments, total ₩{}",
                file.run.id,
                out.display(),
                file.count,
                file.total_won
            );
        }
        PayrollAction::Cancel { run, actor } => {
            let actor = app.operator_actor(&actor).await.map_err(app_failure)?;
            let run = app.cancel_payroll(&actor, run).await.map_err(app_failure)?;
            println!("run {} cancelled", run.id);
        }
        PayrollAction::Runs { month, json, actor } => {
            let actor = app.operator_actor(&actor).await.map_err(app_failure)?;
            let runs = app.payroll_runs(&actor, month.as_deref()).await.map_err(app_failure)?;
            if json {
                crate::cli::print_json(&runs)?;
            } else {
                for r in runs {
                    println!(
                        "{:>6}  {}  {:<9} {:>8} lines  ₩{:>15}  by {}{}",
                        r.id,
                        r.month,
                        r.status,
                        r.lines,
                        r.total_won,
                        r.created_by,
                        r.approved_by.map(|a| format!(", approved by {a}")).unwrap_or_default()
                    );
                }
            }
        }
        PayrollAction::Totals { run, by, actor } => {
            let actor = app.operator_actor(&actor).await.map_err(app_failure)?;
            let groupings = match by {
                Some(raw) => vec![parse_totals_by(&raw).map_err(app_failure)?],
                None => TOTALS_BY.to_vec(),
            };
            let mut groups = Vec::new();
            for by in groupings {
                groups.push((by, app.payroll_totals(&actor, run, by).await.map_err(app_failure)?));
            }
            print!("{}", totals_csv(&groups));
        }
        PayrollAction::Complete { course, cohort, actor } => {
            let actor = app.operator_actor(&actor).await.map_err(app_failure)?;
            let done = app
                .complete_cohort(&actor, &course, cohort)
                .await
                .map_err(app_failure)?;
            for c in &done {
                println!(
                    "enrolment {}: {} → {} ({}){}",
                    c.enrolment_id,
                    c.from,
                    c.to,
                    c.reason.en,
                    if c.card_deduction_won > 0 {
                        format!("; card deducted ₩{}", c.card_deduction_won)
                    } else {
                        String::new()
                    }
                );
            }
            println!("{} enrolments moved", done.len());
        }
        PayrollAction::Ledger { month, actor } => {
            let actor = app.operator_actor(&actor).await.map_err(app_failure)?;
            print!("{}", app.payroll_ledger(&actor, &month).await.map_err(app_failure)?);
        }
    }
    Ok(())
}
