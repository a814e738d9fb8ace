//! `aiup generate population`: a small population through the CLI, on SQLite and PostgreSQL.

use std::process::{Command, Output, Stdio};

use aiup_people::card::{Entry, EntryKind, Ledger};
use aiup_store::testing::{postgres_test_url, raw_i64, raw_text};
use aiup_store::Database;
use chrono::Datelike as _;

use crate::cli::{stderr, stdout};

fn generate(data: &std::path::Path, database_url: Option<&str>, seed: &str) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_aiup"));
    command
        .args([
            "generate",
            "population",
            "--trainees",
            "1500",
            "--seed",
            seed,
            "--courses",
            "150",
            "--today",
            "2026-07-01",
        ])
        .env("AIUP_DATA_DIR", data)
        .env_remove("AIUP_DATABASE_URL")
        .env("AIUP_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(url) = database_url {
        command.args(["--database-url", url]);
    }
    command.output().expect("run aiup")
}

/// The people and enrolments as text, in id order: equal texts mean equal rows.
async fn fingerprint(db: &Database) -> String {
    let (concat, hex) = match db.backend() {
        aiup_store::Backend::Sqlite => ("group_concat(x, ';')", "hex(days)"),
        aiup_store::Backend::Postgres => ("string_agg(x, ';')", "upper(encode(days, 'hex'))"),
    };
    let people = raw_text(
        db,
        &format!(
            "SELECT {concat} FROM (SELECT stage || status || COALESCE(employer_size, '-') || region_code || \
             age_band || target_groups || kukchi AS x FROM people ORDER BY id) t"
        ),
    )
    .await
    .unwrap();
    let enrolments = raw_text(
        db,
        &format!(
            "SELECT {concat} FROM (SELECT person_id || course_id || cohort_ordinal || status AS x \
             FROM enrolments ORDER BY id) t"
        ),
    )
    .await
    .unwrap();
    let attendance = raw_text(
        db,
        &format!(
            "SELECT {concat} FROM (SELECT enrolment_id || ':' || CAST(month AS TEXT) || ':' || {hex} AS x \
             FROM attendance_months ORDER BY enrolment_id, month) t"
        ),
    )
    .await
    .unwrap();
    format!("{people}\n{enrolments}\n{attendance}")
}

/// Every stored month belongs to an enrolment that was in training, records only days of its
/// cohort up to the day the population is seen on, and the days are mostly present.
async fn attendance_agrees(db: &Database) {
    use aiup_rules::attendance::DayStatus;
    let last = raw_i64(db, "SELECT MAX(id) FROM enrolments").await.unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
    let months = db.attendance().months_in_range(1..=last, today).await.unwrap();
    assert!(months.len() > 100, "{} months", months.len());
    let (mut days, mut attended) = (0, 0);
    for month in &months {
        let e = db.enrolments().enrolment(month.enrolment_id).await.unwrap().unwrap();
        let status = aiup_people::EnrolmentStatus::parse(&e.status).unwrap();
        assert!(aiup_people::generate::attendance::has_attendance(status), "{e:?}");
        let sheet = aiup_people::attendance::MonthSheet::decode(&month.days).unwrap();
        for (d, day) in sheet.days() {
            let date = month.month.with_day(d).unwrap();
            assert!(
                date >= e.cohort_start && date <= e.cohort_end.min(today),
                "{date} of {e:?}"
            );
            days += 1;
            attended += u32::from(day.status == DayStatus::Attended);
        }
    }
    let share = f64::from(attended) / f64::from(days);
    assert!((0.8..0.95).contains(&share), "{share} of {days} days attended");
}

/// No cohort has more seat-holders, or a different count, than its seat row says.
async fn seats_agree(db: &Database) {
    let wrong = raw_i64(
        db,
        "SELECT COUNT(*) FROM cohort_seats s WHERE s.taken > s.seats OR s.taken <> (SELECT COUNT(*) FROM \
         enrolments e WHERE e.course_id = s.course_id AND e.cohort_ordinal = s.cohort_ordinal \
         AND e.status IN ('accepted', 'in_training'))",
    )
    .await
    .unwrap();
    assert_eq!(wrong, 0);
}

/// Every card's statement replays through the pure ledger (numbering, signs, balances after
/// that follow the running sum and never go below zero, releases within holds), its balance is
/// the sum of its entries, and each accepted or later enrolment's hold is on the card: held
/// while accepted, charged from the start.
async fn cards_agree(db: &Database) {
    let (first, last) = (
        raw_i64(db, "SELECT MIN(id) FROM card_accounts").await.unwrap(),
        raw_i64(db, "SELECT MAX(id) FROM card_accounts").await.unwrap(),
    );
    let mut replayed = 0;
    for id in first..=last {
        let Some(account) = db.cards().card(id).await.unwrap() else {
            continue;
        };
        let entries: Vec<Entry> = db
            .cards()
            .statement(id)
            .await
            .unwrap()
            .into_iter()
            .map(|e| Entry {
                seq: u32::try_from(e.seq).unwrap(),
                kind: EntryKind::parse(e.kind.as_str()).expect("a known kind"),
                amount_won: e.amount_won,
                balance_after_won: e.balance_after_won,
                on: e.on_date,
                rule: e.rule,
                params: e.params,
                enrolment: e.enrolment_id,
            })
            .collect();
        let sum: i64 = entries.iter().map(|e| e.amount_won).sum();
        let ledger = Ledger::replay(account.issued_on, account.expires_on, entries)
            .unwrap_or_else(|e| panic!("card {id} does not replay: {e}"));
        assert_eq!(
            (ledger.balance().0, account.balance_won, sum),
            (sum, sum, sum),
            "card {id}"
        );
        replayed += 1;
    }
    assert!(replayed > 100, "{replayed} cards");
    let moved = |kind: &str| format!("SELECT COUNT(*) FROM card_entries WHERE kind = '{kind}'");
    assert!(raw_i64(db, &moved("hold")).await.unwrap() > 0);
    assert!(raw_i64(db, &moved("charge")).await.unwrap() > 0);
    let wrong = raw_i64(
        db,
        "SELECT COUNT(*) FROM enrolments e WHERE e.status IN ('accepted', 'in_training', 'completed') AND \
         e.card_hold_won <> COALESCE((SELECT -SUM(c.amount_won) FROM card_entries c WHERE c.enrolment_id = e.id \
         AND c.kind IN (CASE WHEN e.status = 'accepted' THEN 'hold' ELSE 'charge' END, \
         CASE WHEN e.status = 'accepted' THEN 'release' ELSE 'refund' END)), 0)",
    )
    .await
    .unwrap();
    assert_eq!(wrong, 0, "an enrolment's hold is not on its card");
    let holding = raw_i64(
        db,
        "SELECT COUNT(*) FROM enrolments WHERE status IN ('accepted', 'in_training', 'completed') AND card_hold_won > 0",
    )
    .await
    .unwrap();
    assert!(holding > 0, "some enrolments charge the card");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_seed_writes_the_same_rows_and_the_counts_it_prints() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let out = generate(a.path(), None, "11");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("generated and stored 150 courses"), "{text}");
    assert!(text.contains("rows written: people 1500,"), "{text}");
    assert!(text.contains("wall time:"), "{text}");
    assert!(generate(b.path(), None, "11").status.success());
    assert!(generate(c.path(), None, "12").status.success());

    let open = |dir: &tempfile::TempDir| {
        let url = format!("sqlite://{}", dir.path().join("aiup.sqlite3").display());
        async move { aiup_store::connect(&url).await.unwrap() }
    };
    let (da, db, dc) = (open(&a).await, open(&b).await, open(&c).await);
    let counts = da.population().counts().await.unwrap();
    assert_eq!(counts.people, 1500);
    assert!(
        text.contains(&format!("enrolments {},", counts.enrolments)),
        "{text} vs {counts:?}"
    );
    assert_eq!(fingerprint(&da).await, fingerprint(&db).await);
    assert_ne!(fingerprint(&da).await, fingerprint(&dc).await);
    seats_agree(&da).await;
    cards_agree(&da).await;
    attendance_agrees(&da).await;
    assert!(text.contains("attendance: "), "{text}");
    // One audit event for the whole load.
    let loads = raw_i64(
        &da,
        "SELECT COUNT(*) FROM audit_events WHERE action = 'population.load'",
    )
    .await
    .unwrap();
    assert_eq!(loads, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_gets_the_rows_sqlite_gets() {
    let Some(pg) = postgres_test_url().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = generate(dir.path(), Some(pg.url()), "11");
    assert!(out.status.success(), "{}", stderr(&out));
    let lite = tempfile::tempdir().unwrap();
    assert!(generate(lite.path(), None, "11").status.success());
    let pg_db = aiup_store::connect(pg.url()).await.unwrap();
    let lite_db = aiup_store::connect(&format!("sqlite://{}", lite.path().join("aiup.sqlite3").display()))
        .await
        .unwrap();
    assert_eq!(
        pg_db.population().counts().await.unwrap(),
        lite_db.population().counts().await.unwrap()
    );
    assert_eq!(fingerprint(&pg_db).await, fingerprint(&lite_db).await);
    seats_agree(&pg_db).await;
    cards_agree(&pg_db).await;
    attendance_agrees(&pg_db).await;
}
