//! Crash safety of the payroll: `aiup payroll run` killed with SIGKILL at random points (at
//! least 20 times), then run to the end, leaves the ledger of one clean run, byte for byte
//! (`aiup payroll ledger --month`, which prints it without ids or timestamps).
//!
//! Two databases get the same generated population and attendance (same seed, so the same
//! rows). One is paid by a clean run; the other by runs killed after a random delay drawn
//! within the clean run's duration (so kills land while starting, reading, computing and
//! writing), then by one run left to finish. A run writes its lines in one transaction, so a
//! kill leaves all of them or none, and the next run writes only what is still owed.
//! On SQLite here; `scripts/payroll-crash-test.sh` does the same on PostgreSQL or at scale.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use aiup_catalogue::generate::rng::Rng;

use crate::cli::{stderr, stdout};

const MONTH: &str = "2026-06";
const KILLS: usize = 20;

fn aiup(url: &str, data: &std::path::Path, args: &[&str]) -> Command {
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

fn run(url: &str, data: &std::path::Path, args: &[&str]) -> Output {
    aiup(url, data, args).output().expect("run aiup")
}

fn populate(url: &str, data: &std::path::Path) {
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

fn ledger(url: &str, data: &std::path::Path) -> String {
    let out = run(
        url,
        data,
        &["payroll", "ledger", "--month", MONTH, "--actor", "crash-test"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

/// Pays `MONTH` on a fresh database with runs killed at random points, then one to the end;
/// returns the ledger and how many runs were killed while still running.
fn pay_with_kills(url: &str, data: &std::path::Path, clean_run: Duration, seed: u64) -> (String, usize) {
    let mut rng = Rng::new(seed);
    let window = u64::try_from(clean_run.as_millis()).unwrap_or(1000).max(20);
    let (mut killed, mut attempts) = (0, 0);
    while killed < KILLS {
        attempts += 1;
        assert!(
            attempts <= KILLS * 3,
            "only {killed} of {attempts} runs were still running when killed"
        );
        let delay = Duration::from_millis(rng.below(window));
        let mut child = aiup(url, data, &PAY).spawn().expect("spawn aiup");
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
    }
    let out = run(url, data, &PAY);
    assert!(out.status.success(), "the run after the kills: {}", stderr(&out));
    (ledger(url, data), killed)
}

#[test]
fn a_payroll_killed_at_random_points_and_run_again_leaves_the_ledger_of_one_clean_run() {
    let (clean, crashed) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let url = |dir: &tempfile::TempDir| format!("sqlite://{}", dir.path().join("aiup.sqlite3").display());
    populate(&url(&clean), clean.path());
    populate(&url(&crashed), crashed.path());

    let started = Instant::now();
    let out = run(&url(&clean), clean.path(), &PAY);
    let clean_run = started.elapsed();
    assert!(out.status.success(), "{}", stderr(&out));
    let expected = ledger(&url(&clean), clean.path());
    assert!(expected.lines().count() > 100, "too small a ledger to test: {expected}");

    let (got, killed) = pay_with_kills(&url(&crashed), crashed.path(), clean_run, 20_260_601);
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
