//! A reform simulated on the whole population, on SQLite and PostgreSQL.
//!
//!     cargo run -p aiup-bench --release --bin reform -- [--trainees 240000] [--courses 8000]
//!         [--backend sqlite|postgres|both] [--postgres URL] [--runs 5] [--check 20000|all]
//!         [--synthetic-basis 240000]
//!
//! Setup, per backend: a fresh database with the default policy, a generated catalogue (seed
//! 2026, cohorts from 2026-01-05) and `--trainees` people seen on 2026-07-01 with their
//! attendance (`generate_and_store`, the code behind `aiup generate population`): about six
//! months of training days for the earliest cohorts.
//!
//! Then, with the application's clock at 2026-07-01:
//! 1. the basis refreshed (`App::refresh_basis`): its time, enrolments and periods;
//! 2. a realistic reform drafted (the 2026 base allowances raised again: general ₩7,000 and
//!    priority ₩12,000 a day from 2026-01-01) and compared with the active policy `--runs` times
//!    (`App::compare_draft`: read the whole basis, compile every distinct case under both
//!    engines, price every period, aggregate): median and max, split into reading and comparing;
//! 3. the path of two stored policy versions timed once (the active version against itself,
//!    which must differ by nothing);
//! 4. the figures checked against the one-by-one engine run (`compare_one_by_one`: each
//!    enrolment's case parsed alone, `evaluate`d, each period priced by `period_pay`) on every
//!    `n`-th enrolment so that about `--check` enrolments are checked (`all`: every one).
//!
//! The generated population gives six months of attendance only to its earliest cohorts. With
//! `--synthetic-basis N`, after step 1 the basis is REPLACED (through the store's own writer,
//! `ReformStore::replace_basis`) by N synthetic enrolments of six closed monthly periods each:
//! case inputs drawn from the real basis rows (programmes, regions, employer sizes, fees spread
//! as the generator spreads them; courses moved to start in January and last ≥ 6 months),
//! periods generated (19–23 scheduled days, full attendance for most, some absences, about one
//! period in ten under the 80% threshold, excused days, meal days lost to short days and
//! tardies). Steps 2–4 then run on that basis.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::time::{Duration, Instant};

use aiup_app::accounts::{Actor, Role, Via};
use aiup_app::population::{generate_and_store, PopulationOptions};
use aiup_app::reform::{DraftInput, OverrideInput, GAIN_BANDS_WON};
use aiup_app::{App, Clock};
use aiup_bench::{generate_catalogue, generate_start, load_bundle, SEED};
use aiup_rules::reform::{compare_one_by_one, compare_population, ReformPopulation};
use anyhow::Context as _;
use chrono::{NaiveDate, TimeZone, Utc};
use clap::Parser;

#[derive(Debug, Parser)]
struct Args {
    #[arg(long, default_value_t = 240_000)]
    trainees: usize,
    #[arg(long, default_value_t = 8_000)]
    courses: usize,
    /// sqlite, postgres or both.
    #[arg(long, default_value = "both")]
    backend: String,
    /// The PostgreSQL server (a database is created on it and dropped after).
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    postgres: String,
    /// Timed comparisons.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// How many enrolments the one-by-one check covers (a regular sample), or `all`.
    #[arg(long, default_value = "20000")]
    check: String,
    /// After the real refresh, replace the basis with this many SYNTHETIC enrolments, each
    /// with six closed monthly periods (0: off; compare the real basis as generated).
    #[arg(long, default_value_t = 0)]
    synthetic_basis: usize,
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 7, 1).unwrap_or_default()
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn admin() -> Actor {
    Actor {
        account_id: 0,
        login: "bench-admin".to_owned(),
        display_name: "bench-admin".to_owned(),
        role: Role::ProgrammeAdmin,
        scope: None,
        via: Via::Token { id: 0 },
    }
}

fn e(err: aiup_app::AppError) -> anyhow::Error {
    anyhow::anyhow!("{err}")
}

async fn populate(url: &str, args: &Args) -> anyhow::Result<App> {
    let store = aiup_store::connect(url).await?;
    let bundle = load_bundle()?;
    let loaded = aiup_app::policy::active_bundle(&store).await?;
    let started = Instant::now();
    let batch = generate_catalogue(&bundle, args.courses);
    store.catalogue().upsert(&batch, "bench").await?;
    drop(batch);
    let report = generate_and_store(
        &store,
        &bundle.policy,
        &bundle.regions,
        &PopulationOptions {
            trainees: args.trainees,
            seed: SEED,
            today: today(),
        },
        args.courses,
        generate_start(),
        None,
        true,
        "bench",
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let a = report.attendance.unwrap_or_default();
    println!(
        "  setup: {} people, {} enrolments, attendance of {} enrolments ({} months, {} days) in {:.1} s",
        report.written.people,
        report.written.enrolments,
        a.enrolments,
        a.months,
        a.days,
        secs(started.elapsed())
    );
    let engine = aiup_app::policy::engine_for(loaded)?;
    let index = aiup_search::CourseIndex::create_in_ram(aiup_app::catalogue::search_context(&engine, today()))?;
    let at = Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).single().context("instant")?;
    Ok(App::new(store, engine, index, Clock::fixed(at)))
}

fn raise() -> DraftInput {
    let row = |param: &str, value: &str| OverrideInput {
        param: param.to_owned(),
        from: "2026-01-01".to_owned(),
        value: value.to_owned(),
    };
    DraftInput {
        name: "allowance-raise".to_owned(),
        description: "기본 장려금 일액 인상 / base allowances raised".to_owned(),
        overrides: vec![
            row("allowance.base.general.daily_won", "7000"),
            row("allowance.base.priority.daily_won", "12000"),
        ],
    }
}

/// A small deterministic generator (SplitMix64) for the synthetic periods.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Six closed monthly periods, January to June 2026, counted as `count_periods` counts them:
/// 19–23 scheduled days; most trainees attend fully, some miss a few days, about one trainee in
/// ten is often under the 80% threshold; tardies make a tardy absence now and then (taken from
/// the recognised and the special days); short days (under the special allowance's 5 hours)
/// lose special days; courses under 5 hours a day have none; about half the trainees take the
/// institution's meal on most days they attend.
fn synthetic_periods(mix: &mut Mix, hours_per_day_tenths: i64) -> Vec<aiup_rules::reform::CountedPeriod> {
    let profile = mix.below(100); // the trainee's habit, kept over the six months
    let eats = mix.below(2) == 0;
    (0..6)
        .map(|_| {
            let scheduled = 19 + mix.below(5) as u16;
            let missed: u16 = match profile {
                0..=54 => 0,
                55..=79 => mix.below(3) as u16,
                80..=89 => 1 + mix.below(4) as u16,
                _ => 3 + mix.below(u64::from(scheduled) / 2) as u16, // often under 80%
            };
            let attended = scheduled.saturating_sub(missed);
            let tardy_absences = u16::from(mix.below(8) == 0);
            let recognised = attended.saturating_sub(tardy_absences);
            let short_days = if mix.below(4) == 0 { 1 + mix.below(3) as u16 } else { 0 };
            let special = if hours_per_day_tenths >= 50 {
                attended
                    .saturating_sub(short_days)
                    .saturating_sub(tardy_absences)
                    .min(recognised)
            } else {
                0
            };
            let meal = if eats {
                attended.saturating_sub(mix.below(4) as u16)
            } else {
                0
            };
            aiup_rules::reform::CountedPeriod {
                scheduled_days: scheduled,
                recognised_days: recognised,
                special_days: special,
                meal_days: meal,
            }
        })
        .collect()
}

/// Replaces the basis with `n` synthetic enrolments through the store's own basis writer:
/// each takes the case inputs of a real basis row (so programmes, regions, provinces, employer
/// sizes, fees and delivery are spread as the generator spreads them), its course moved to
/// start in January 2026 and last at least six months, and six generated closed periods.
async fn synthesise_basis(app: &App, n: usize) -> anyhow::Result<()> {
    let (_, templates) = app
        .db()
        .reforms()
        .basis()
        .await?
        .context("the real basis, to take case inputs from")?;
    anyhow::ensure!(!templates.is_empty(), "the real basis is empty");
    let january = NaiveDate::from_ymd_opt(2026, 1, 5).context("date")?;
    let mut mix = Mix(SEED);
    let started = Instant::now();
    let mut rows = Vec::with_capacity(n);
    for i in 0..n {
        let t = &templates[mix.below(templates.len() as u64) as usize];
        let mut row = t.clone();
        row.enrolment_id = i64::try_from(i + 1)?;
        let length = (t.end_date - t.start_date).num_days().max(0);
        row.start_date = january + chrono::Duration::days(mix.below(5) as i64);
        row.end_date = row.start_date + chrono::Duration::days(length.max(183));
        row.periods = aiup_rules::reform::pack_periods(&synthetic_periods(&mut mix, t.hours_per_day_tenths));
        rows.push(row);
    }
    let built = started.elapsed();
    let started = Instant::now();
    let version = app.engine().policy().version.clone();
    let meta = app
        .db()
        .reforms()
        .replace_basis(rows, today(), &version, "bench")
        .await?;
    println!(
        "  SYNTHETIC basis (from {} real rows' case inputs): {} enrolments, {} periods; built {:.2} s, written by replace_basis {:.2} s",
        templates.len(),
        meta.enrolments,
        meta.periods,
        secs(built),
        secs(started.elapsed())
    );
    Ok(())
}

/// Every `step`-th enrolment of `pop`.
fn sample(pop: &ReformPopulation, step: usize) -> ReformPopulation {
    let mut out = ReformPopulation::new();
    for (inputs, periods) in pop.enrolments().step_by(step.max(1)) {
        out.push(inputs.clone(), periods);
    }
    out
}

async fn one_backend(name: &str, url: &str, args: &Args) -> anyhow::Result<()> {
    println!("\n{name}");
    let app = populate(url, args).await?;
    let actor = admin();

    let started = Instant::now();
    let refreshed = app.refresh_basis(&actor).await.map_err(e)?;
    println!(
        "  basis: {} enrolments, {} periods counted to {}; {:.2} s (reading and counting {:.2} s, writing {:.2} s), {} left out",
        refreshed.meta.enrolments,
        refreshed.meta.periods,
        refreshed.meta.counted_until,
        secs(started.elapsed()),
        secs(refreshed.compute_time),
        secs(refreshed.write_time),
        refreshed.skipped
    );

    if args.synthetic_basis > 0 {
        synthesise_basis(&app, args.synthetic_basis).await?;
    }

    let draft = app
        .draft_reform(&actor, &raise())
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let mut walls = Vec::new();
    let mut last = None;
    for run in 1..=args.runs.max(1) {
        let started = Instant::now();
        let c = app.compare_draft(&actor, draft.id).await.map_err(e)?;
        let wall = started.elapsed();
        println!(
            "  compare #{run}: {:.3} s (read the basis {:.3} s, both engines and aggregation {:.3} s)",
            secs(wall),
            secs(c.read_time),
            secs(c.compare_time)
        );
        walls.push(wall);
        last = Some(c);
    }
    walls.sort();
    let median = walls[walls.len() / 2];
    let max = walls[walls.len() - 1];
    let c = last.context("a comparison")?;
    let t = &c.comparison.total;
    println!(
        "  COMPARE median {:.3} s, max {:.3} s over {} runs; {} distinct cases; allowance ₩{} → ₩{} (difference ₩{}), \
         gainers {}, losers {}, unchanged {}, unpriced {}/{}",
        secs(median),
        secs(max),
        walls.len(),
        app.reform_population(&actor).await.map_err(e)?.1.distinct_cases(),
        t.baseline.allowance_won,
        t.reform.allowance_won,
        t.difference.allowance_won,
        c.comparison.gains.gainers,
        c.comparison.gains.losers,
        c.comparison.gains.unchanged,
        c.comparison.unpriced_baseline,
        c.comparison.unpriced_reform
    );

    // Two stored versions' path: the active version against itself.
    let versions = app.db().policy().versions().await?;
    let active = versions
        .iter()
        .find(|v| v.active)
        .context("an active version")?
        .version
        .clone();
    let started = Instant::now();
    let v = app.compare_versions(&actor, &active, &active).await.map_err(e)?;
    println!(
        "  versions {active} against itself: {:.3} s, difference ₩{} (must be 0)",
        secs(started.elapsed()),
        v.comparison.total.difference.allowance_won
    );
    anyhow::ensure!(v.comparison.total.difference == aiup_rules::Totals::default());

    // The one-by-one check.
    let (_, population) = app.reform_population(&actor).await.map_err(e)?;
    let step = match args.check.as_str() {
        "all" => 1,
        n => population.len() / n.parse::<usize>().context("--check: a number or all")?.max(1),
    }
    .max(1);
    let checked = sample(&population, step);
    let baseline = app.engine();
    let reform = baseline.reformed(&aiup_rules::reform::Reform {
        name: draft.name.clone(),
        overrides: serde_json::from_str::<Vec<aiup_core::policy::Override>>(&draft.overrides)?,
    })?;
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let started = Instant::now();
    let fast = compare_population(&baseline, &reform, &checked, &GAIN_BANDS_WON, threads);
    let fast_time = started.elapsed();
    let started = Instant::now();
    let slow = compare_one_by_one(&baseline, &reform, &checked, &GAIN_BANDS_WON);
    let slow_time = started.elapsed();
    anyhow::ensure!(
        fast == slow,
        "the population comparison differs from the one-by-one run"
    );
    if step == 1 {
        anyhow::ensure!(
            fast == c.comparison,
            "the sampled comparison differs from the service's"
        );
    }
    println!(
        "  CHECK: {} of {} enrolments ({}), every figure equal to the one-by-one run: fast {:.3} s, one by one {:.2} s",
        checked.len(),
        population.len(),
        if step == 1 {
            "all".to_owned()
        } else {
            format!("every {step}th")
        },
        secs(fast_time),
        secs(slow_time)
    );
    app.db().close().await;
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    println!(
        "reform benchmark: {} trainees over {} courses, seed {SEED}, seen on {} (commit {})",
        args.trainees,
        args.courses,
        today(),
        aiup_bench::git_commit()
    );
    if matches!(args.backend.as_str(), "sqlite" | "both") {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}", dir.path().join("reform.sqlite3").display());
        one_backend("SQLite (file, WAL)", &url, &args).await?;
    }
    if matches!(args.backend.as_str(), "postgres" | "both") {
        let name = format!("aiup_reform_bench_{}", std::process::id());
        let base = args
            .postgres
            .rsplit_once('/')
            .map(|(b, _)| b.to_owned())
            .context("the PostgreSQL URL needs a database path")?;
        let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&args.postgres).await?;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await?;
        let outcome = one_backend("PostgreSQL", &format!("{base}/{name}"), &args).await;
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut admin)
            .await?;
        outcome?;
    }
    Ok(())
}
