//! Crash safety of the payroll: `aiup payroll run` killed with SIGKILL at random points (at
//! least 20 times), then run to the end, leaves the ledger of one clean run, byte for byte
//! (`aiup payroll ledger --month`, which prints it without ids or timestamps).
//!
//! One generated population with its attendance is copied twice. One copy is paid by a clean
//! run; the other by runs killed after a random delay drawn within the clean run's duration (so
//! kills land while starting, reading, computing and writing), each checked to leave the whole
//! month or nothing, then by one run left to finish. A run writes its lines in one
//! transaction, so a kill leaves all of them or none, and the next run writes only what is
//! still owed.
//! On SQLite here; `scripts/payroll-crash-test.sh` does the same on PostgreSQL or at scale.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use aiup_catalogue::generate::rng::Rng;

use crate::cli::{stderr, stdout};

const MONTH: &str = "2026-06";
const KILLS: usize = 20;

fn aiup(url: &str, data: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_aiup"));
    command
        .args(args)
        .env("AIUP_DATA_DIR", data)
        .env("AIUP_DATABASE_URL", url)
        .env("AIUP_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

fn run(url: &str, data: &Path, args: &[&str]) -> Output {
    aiup(url, data, args).output().expect("run aiup")
}

fn populate(url: &str, data: &Path) {
    let out = run(
        url,
        data,
        &[
            "generate",
            "population",
            "--trainees",
            "600",
            "--courses",
            "60",
            "--seed",
            "5",
            "--today",
            "2026-07-01",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("attendance:"), "{}", stdout(&out));
    // The programme administrator the runs act as.
    let out = run(
        url,
        data,
        &[
            "users",
            "add",
            "--login",
            "crash-test",
            "--role",
            "programme_admin",
            "--generate-password",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

const PAY: [&str; 6] = ["payroll", "run", "--month", MONTH, "--actor", "crash-test"];

fn ledger(url: &str, data: &Path) -> String {
    let out = run(
        url,
        data,
        &["payroll", "ledger", "--month", MONTH, "--actor", "crash-test"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

/// Copies the SQLite database (with its WAL files, if any) of `from` into `to`; no process has
/// it open.
fn copy_database(from: &Path, to: &Path) {
    for name in ["aiup.sqlite3", "aiup.sqlite3-wal", "aiup.sqlite3-shm"] {
        let _ = std::fs::remove_file(to.join(name));
        if from.join(name).exists() {
            std::fs::copy(from.join(name), to.join(name)).expect("copy the database");
        }
    }
}

/// Pays `MONTH` with runs killed at random points, each starting from the unpaid database in
/// `template`: after every kill the ledger holds all of the month's lines or none; a run that
/// got to commit before its kill is undone by copying the template again, so every kill lands
/// on a run with the whole month to write. Then one run from the last state goes to the end.
/// Returns the ledger and how many runs were killed while still running.
fn pay_with_kills(template: &Path, dir: &Path, clean_run: Duration, expected: &str, seed: u64) -> (String, usize) {
    let url = format!("sqlite://{}", dir.join("aiup.sqlite3").display());
    copy_database(template, dir);
    let unpaid = ledger(&url, dir);
    assert_ne!(unpaid, expected);
    let mut rng = Rng::new(seed);
    let window = u64::try_from(clean_run.as_millis()).unwrap_or(1000).max(20);
    let (mut killed, mut committed, mut attempts) = (0, 0, 0);
    while killed < KILLS {
        attempts += 1;
        assert!(
            attempts <= KILLS * 3,
            "only {killed} of {attempts} runs were still running when killed"
        );
        let delay = Duration::from_millis(rng.below(window));
        let mut child = aiup(&url, dir, &PAY).spawn().expect("spawn aiup");
        std::thread::sleep(delay);
        match child.try_wait().expect("poll aiup") {
            Some(status) => assert!(status.success(), "a run failed on its own after {delay:?}"),
            None => {
                // `Child::kill` is SIGKILL on Unix: no destructor, no rollback, no goodbye.
                child.kill().expect("SIGKILL");
                child.wait().expect("reap");
                killed += 1;
            }
        }
        let now = ledger(&url, dir);
        assert!(
            now == unpaid || now == expected,
            "after a kill at {delay:?} the ledger is neither empty nor whole"
        );
        if now == expected {
            committed += 1;
            copy_database(template, dir);
        }
    }
    assert!(committed < killed, "{committed} of {killed} killed runs had committed");
    let out = run(&url, dir, &PAY);
    assert!(out.status.success(), "the run after the kills: {}", stderr(&out));
    (ledger(&url, dir), killed)
}

#[test]
fn a_payroll_killed_at_random_points_and_run_again_leaves_the_ledger_of_one_clean_run() {
    let (template, clean, crashed) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let url = |dir: &tempfile::TempDir| format!("sqlite://{}", dir.path().join("aiup.sqlite3").display());
    populate(&url(&template), template.path());
    copy_database(template.path(), clean.path());

    let started = Instant::now();
    let out = run(&url(&clean), clean.path(), &PAY);
    let clean_run = started.elapsed();
    assert!(out.status.success(), "{}", stderr(&out));
    let expected = ledger(&url(&clean), clean.path());
    assert!(expected.lines().count() > 100, "too small a ledger to test: {expected}");

    let (got, killed) = pay_with_kills(template.path(), crashed.path(), clean_run, &expected, 20_260_601);
    assert!(killed >= KILLS);
    assert!(
        got == expected,
        "the ledger after {killed} kills differs from one clean run"
    );
    // Running once more pays nothing new.
    let out = run(&url(&crashed), crashed.path(), &PAY);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(ledger(&url(&crashed), crashed.path()), expected);
}
