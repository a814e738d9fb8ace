//! `aiup generate population`: a seeded synthetic population over the stored catalogue.

use std::time::Instant;

use aiup_app::policy as runtime;
use aiup_app::population::{generate_and_store, PopulationOptions};
use chrono::Months;
use clap::Args;

use crate::cli::{runtime_failure, Db, Failure};

#[derive(Debug, Args)]
pub struct PopulationArgs {
    /// How many trainees.
    #[arg(long)]
    trainees: usize,
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Courses of the catalogue generated first when the store has none (default: one per 30
    /// trainees, at least 200). Its cohorts start from six months before --today on.
    #[arg(long)]
    courses: Option<usize>,
    /// The day the population is seen on (YYYY-MM-DD; default: today in Seoul). With the same
    /// --seed, --today and catalogue, the same rows are written.
    #[arg(long)]
    today: Option<String>,
    /// A month (YYYY-MM) every cohort of the generated catalogue is in training during: long
    /// courses start before it and end after it, short ones start and end within it, so about
    /// every trainee is in training that month (for a month's payroll at full size). Only
    /// shapes a catalogue generated here (the store must have none); attendance still runs up
    /// to --today.
    #[arg(long)]
    active_month: Option<String>,
    /// Leave out the attendance (by default every enrolment in or past training gets a record
    /// of every training day up to --today).
    #[arg(long)]
    no_attendance: bool,
    #[command(flatten)]
    db: Db,
}

pub async fn generate_population(args: PopulationArgs) -> Result<(), Failure> {
    let started = Instant::now();
    if args.trainees == 0 {
        return Err(Failure::BadInput("--trainees: must be at least 1".to_owned()));
    }
    let today = match &args.today {
        Some(text) => aiup_core::date::parse_iso_date(text).map_err(|e| Failure::BadInput(format!("--today: {e}")))?,
        None => aiup_app::today_in_seoul(),
    };
    let active_month = match &args.active_month {
        Some(text) => Some(
            aiup_core::date::parse_iso_date(&format!("{text}-01"))
                .map_err(|e| Failure::BadInput(format!("--active-month: {e} (YYYY-MM)")))?,
        ),
        None => None,
    };
    let store = args.db.connect().await?;
    if active_month.is_some()
        && store
            .catalogue()
            .generation()
            .await
            .map_err(|e| Failure::Other(e.into()))?
            > 0
    {
        return Err(Failure::BadInput(
            "--active-month: the store already has a catalogue; it only shapes one generated here".to_owned(),
        ));
    }
    let loaded = runtime::active_bundle(&store).await.map_err(runtime_failure)?;
    let courses = args.courses.unwrap_or((args.trainees / 30).max(200));
    let catalogue_start = today.checked_sub_months(Months::new(6)).unwrap_or(today);
    let report = generate_and_store(
        &store,
        &loaded.policy,
        &loaded.regions,
        &PopulationOptions {
            trainees: args.trainees,
            seed: args.seed,
            today,
        },
        courses,
        catalogue_start,
        active_month,
        !args.no_attendance,
        "generator",
    )
    .await
    .map_err(|e| Failure::Other(anyhow::anyhow!(e.to_string())))?;
    let w = &report.written;
    if report.catalogue_generated > 0 {
        println!(
            "catalogue: generated and stored {} courses ({:.2} s)",
            report.catalogue_generated,
            report.catalogue_time.as_secs_f64()
        );
    }
    println!(
        "population: {} trainees over {} courses, seed {}, seen on {today}",
        args.trainees, report.courses, args.seed
    );
    println!(
        "rows written: people {}, card_accounts {}, card_entries {}, diagnosis_runs {}, \
         diagnosis_results {}, enrolments {}, enrolment_events {}, cohort_seats {} (total {})",
        w.people,
        w.card_accounts,
        w.card_entries,
        w.diagnosis_runs,
        w.diagnosis_results,
        w.enrolments,
        w.enrolment_events,
        w.cohort_seats,
        w.total()
    );
    if let Some(a) = &report.attendance {
        println!(
            "attendance: {} enrolments, {} months, {} training days ({:.2} s: read {:.2} s, generate {:.2} s, store {:.2} s)",
            a.enrolments,
            a.months,
            a.days,
            (a.read_time + a.generate_time + a.store_time).as_secs_f64(),
            a.read_time.as_secs_f64(),
            a.generate_time.as_secs_f64(),
            a.store_time.as_secs_f64()
        );
    }
    println!(
        "wall time: {:.2} s (generate {:.2} s, store {:.2} s)",
        started.elapsed().as_secs_f64(),
        report.generate_time.as_secs_f64(),
        report.store_time.as_secs_f64()
    );
    Ok(())
}
