//! Unit tests. The conformance runs and the backends' own tests need `--features testing`.

use chrono::{NaiveDate, TimeZone, Utc};

use crate::{connect, seoul_date, StoreError};

const PASSWORD: &str = "s3cr3t-Pa55w0rd";

#[track_caller]
fn assert_no_password(err: &StoreError) {
    let shown = format!("{err} / {err:?}");
    assert!(!shown.contains(PASSWORD), "error leaks the password: {shown}");
}

#[tokio::test]
async fn unsupported_scheme_is_named_without_credentials() {
    let err = connect(&format!("mysql://root:{PASSWORD}@localhost:3306/aiup"))
        .await
        .expect_err("mysql is not supported");
    assert!(
        matches!(&err, StoreError::UnsupportedUrl { url_scheme } if url_scheme == "mysql"),
        "{err:?}"
    );
    assert!(err.to_string().contains("`mysql`"), "{err}");
    assert_no_password(&err);

    let err = connect(&format!("root:{PASSWORD}@localhost/aiup"))
        .await
        .expect_err("no scheme");
    assert!(matches!(err, StoreError::UnsupportedUrl { .. }), "{err:?}");
    assert_no_password(&err);

    let err = connect("/var/lib/aiup.db").await.expect_err("bare path");
    assert!(
        matches!(&err, StoreError::UnsupportedUrl { url_scheme } if url_scheme == "(none)"),
        "{err:?}"
    );
}

#[tokio::test]
async fn malformed_postgres_url_error_hides_password() {
    let err = connect(&format!("postgres://aiup:{PASSWORD}@127.0.0.1:notaport/aiup"))
        .await
        .expect_err("bad port");
    assert!(matches!(err, StoreError::Database(_)), "{err:?}");
    assert_no_password(&err);
}

#[tokio::test]
async fn sqlite_memory_database_works() {
    let db = connect("sqlite::memory:").await.expect("in-memory sqlite");
    assert_eq!(db.backend(), crate::Backend::Sqlite);
    db.ping().await.expect("ping");
    assert!(db.regions().current().await.expect("regions").is_none());
    let shown = format!("{db:?}");
    assert!(shown.starts_with("Database { backend: Sqlite"), "{shown}");
}

#[test]
fn seoul_date_is_utc_plus_nine() {
    let utc = |h, m| Utc.with_ymd_and_hms(2025, 12, 31, h, m, 0).single().expect("time");
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
    assert_eq!(seoul_date(utc(0, 0)), date(2025, 12, 31));
    assert_eq!(seoul_date(utc(14, 59)), date(2025, 12, 31));
    assert_eq!(
        seoul_date(utc(15, 0)),
        date(2026, 1, 1),
        "midnight in Seoul is 15:00 UTC"
    );
    assert_eq!(seoul_date(utc(23, 59)), date(2026, 1, 1));
}

#[test]
fn busy_is_retryable_and_says_so() {
    let err = StoreError::from(sqlx::Error::PoolTimedOut);
    assert!(err.is_busy() && err.is_retryable(), "{err:?}");
    assert!(err.to_string().starts_with("the database is busy; try again"), "{err}");
    let err = StoreError::from(sqlx::Error::RowNotFound);
    assert!(!err.is_busy() && matches!(err, StoreError::Database(_)), "{err:?}");
}

#[cfg(feature = "testing")]
mod with_testing {
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use sqlx::Connection;

    use super::*;
    use crate::testing::{
        postgres_test_url, raw_execute, raw_i64, raw_text, run_conformance, sqlite_test_db, sqlite_with_busy_timeout,
        with_database,
    };
    use crate::{AuditFilter, Backend, Database, NewPolicyVersion, PolicyFileRecord};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_file_conformance() {
        let (db, _dir) = sqlite_test_db().await;
        assert_eq!(db.backend(), Backend::Sqlite);
        run_conformance(db).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_memory_conformance() {
        let db = connect("sqlite::memory:").await.expect("in-memory sqlite");
        run_conformance(db).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_conformance() {
        let Some(pg) = postgres_test_url().await else {
            return; // skipped loudly by the harness (never under CI=true)
        };
        let db = connect(pg.url()).await.expect("connect to fresh postgres db");
        assert_eq!(db.backend(), Backend::Postgres);
        run_conformance(db).await;
    }

    /// The attendance and payroll checks alone (also part of the full runs above).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_attendance_and_payroll_conformance() {
        let (db, _dir) = sqlite_test_db().await;
        crate::testing::run_attendance_and_payroll_conformance(db).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_attendance_and_payroll_conformance() {
        let Some(pg) = postgres_test_url().await else {
            return; // skipped loudly by the harness (never under CI=true)
        };
        let db = connect(pg.url()).await.expect("connect to fresh postgres db");
        crate::testing::run_attendance_and_payroll_conformance(db).await;
    }

    #[tokio::test]
    async fn sqlite_connect_creates_directories_and_uses_wal() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a/b/c/aiup.db");
        let db = connect(&format!("sqlite://{}", path.display())).await.expect("connect");
        assert!(path.is_file(), "database file must be created");
        let mode = raw_text(&db, "PRAGMA journal_mode").await.expect("journal_mode");
        assert_eq!(mode.to_ascii_lowercase(), "wal");
        assert_eq!(raw_i64(&db, "PRAGMA foreign_keys").await.expect("foreign_keys"), 1);
    }

    #[tokio::test]
    async fn postgres_connection_error_hides_password() {
        let Some(pg) = postgres_test_url().await else {
            return;
        };
        // A database that does not exist: the server answers at once with an error.
        let url = with_database(pg.url(), "aiup_no_such_database").replacen(
            "://postgres@",
            &format!("://postgres:{PASSWORD}@"),
            1,
        );
        assert!(url.contains(PASSWORD), "test URL must carry the password: {url}");
        let err = connect(&url).await.expect_err("missing database");
        assert!(matches!(err, StoreError::Database(_)), "{err:?}");
        assert_no_password(&err);
    }

    /// Two processes starting on an empty SQLite database used to race on the migrations
    /// ("table already exists", "database is locked"). Each task here has its own pool, as a
    /// process would.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sqlite_concurrent_first_connects_all_migrate() {
        const OPENERS: usize = 16;
        for round in 0..3 {
            let dir = tempfile::tempdir().expect("tempdir");
            let url = format!("sqlite://{}", dir.path().join(format!("fresh-{round}.db")).display());
            let barrier = Arc::new(tokio::sync::Barrier::new(OPENERS));
            let openers: Vec<_> = (0..OPENERS)
                .map(|_| {
                    let (url, barrier) = (url.clone(), Arc::clone(&barrier));
                    tokio::spawn(async move {
                        barrier.wait().await;
                        let db = connect(&url).await?;
                        db.ping().await?;
                        db.close().await;
                        Ok::<_, StoreError>(())
                    })
                })
                .collect();
            let mut failures = Vec::new();
            for opener in openers {
                if let Err(e) = opener.await.expect("opener panicked") {
                    failures.push(e.to_string());
                }
            }
            assert!(
                failures.is_empty(),
                "round {round}: {} of {OPENERS} failed: {failures:#?}",
                failures.len()
            );
            let db = connect(&url).await.expect("connect");
            let applied = raw_i64(&db, "SELECT COUNT(*) FROM _sqlx_migrations")
                .await
                .expect("migrations");
            let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))
                .expect("migrations folder")
                .count();
            assert_eq!(applied as usize, files, "every migration applied once");
        }
    }

    /// A writer that meets SQLite's lock waits for the busy timeout, then fails with `Busy`.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_writer_waits_for_the_busy_timeout_then_is_busy() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("busy.db").display());
        let db = sqlite_with_busy_timeout(&url, Duration::from_millis(300))
            .await
            .expect("open");
        // Another process holds the write lock.
        let mut other = sqlx::SqliteConnection::connect(&url).await.expect("other connection");
        sqlx::query("BEGIN IMMEDIATE").execute(&mut other).await.expect("lock");

        let started = Instant::now();
        let err = db
            .policy()
            .import(&small_policy("busy"))
            .await
            .expect_err("the lock is held");
        let waited = started.elapsed();
        assert!(err.is_busy(), "{err:?}");
        assert!(err.to_string().contains("try again"), "{err}");
        assert!(
            waited >= Duration::from_millis(250),
            "it waited for the busy timeout: {waited:?}"
        );
        let err = db
            .audit()
            .append(&crate::NewAuditEvent {
                actor: "a".to_owned(),
                action: "b".to_owned(),
                subject: "c".to_owned(),
                detail: serde_json::json!({}),
            })
            .await
            .expect_err("the lock is held");
        assert!(err.is_busy(), "{err:?}");

        sqlx::query("ROLLBACK").execute(&mut other).await.expect("unlock");
        db.policy().import(&small_policy("busy")).await.expect("free again");
        assert!(db.audit().events(&AuditFilter::newest(10)).await.expect("events").len() == 1);
    }

    fn small_policy(version: &str) -> NewPolicyVersion {
        NewPolicyVersion {
            version: version.to_owned(),
            sha256: crate::testing::fake_sha(version),
            files: vec![PolicyFileRecord {
                path: "rules.toml".to_owned(),
                content: format!("version = \"{version}\"\n"),
            }],
            actor: "ops:test".to_owned(),
            note: String::new(),
        }
    }

    /// Applies the first three migrations of `backend`, so that a test can write rows as they
    /// were before 0004.
    async fn migrate_before_0004(db: &Database) {
        let mut migrator = match db.backend() {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
        };
        migrator.migrations = migrator.migrations.iter().filter(|m| m.version < 4).cloned().collect();
        match &db.inner {
            crate::Backends::Sqlite(s) => migrator.run(&s.pool).await.expect("migrate to 0003"),
            crate::Backends::Postgres(s) => migrator.run(&s.pool).await.expect("migrate to 0003"),
        }
    }

    /// Migration 0004 gives existing audit events their Seoul date, as the store computes it.
    async fn check_seoul_date_backfill(db: Database) {
        migrate_before_0004(&db).await;
        let rows = [
            ("2025-12-31T14:59:59.999999+00:00", "2025-12-31"),
            ("2025-12-31T15:00:00+00:00", "2026-01-01"),
            ("2026-03-01T23:30:00.5+00:00", "2026-03-02"),
        ];
        for (at, _) in rows {
            let cast = if db.backend() == Backend::Postgres {
                "::timestamptz"
            } else {
                ""
            };
            let sql = format!(
                "INSERT INTO audit_events (at, actor, action, subject, detail) \
                 VALUES ('{at}'{cast}, 'old', 'old.event', 'before 0004', '{{}}')"
            );
            raw_execute(&db, &sql).await.expect("insert an old event");
        }
        db.migrate().await.expect("migrate to the end");
        let mut events = db.audit().events(&AuditFilter::newest(10)).await.expect("events");
        events.reverse();
        let dates: Vec<String> = events.iter().map(|e| e.seoul_date.to_string()).collect();
        assert_eq!(dates, rows.map(|(_, date)| date.to_owned()));
        assert!(events.iter().all(|e| e.seoul_date == seoul_date(e.at)), "{events:?}");
        let next = db.audit().events(&AuditFilter::newest(1)).await.expect("events")[0].id;
        let id = db
            .audit()
            .append(&crate::NewAuditEvent {
                actor: "new".to_owned(),
                action: "new.event".to_owned(),
                subject: "after 0004".to_owned(),
                detail: serde_json::json!({}),
            })
            .await
            .expect("append");
        assert!(id > next, "ids keep growing after the rebuild: {id} after {next}");
    }

    #[tokio::test]
    async fn sqlite_migration_backfills_seoul_dates() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("old.db").display());
        let db = Database {
            inner: crate::Backends::Sqlite(
                crate::sqlite::connect(&url, crate::sqlite::BUSY_TIMEOUT)
                    .await
                    .expect("open"),
            ),
        };
        check_seoul_date_backfill(db).await;
    }

    #[tokio::test]
    async fn postgres_migration_backfills_seoul_dates() {
        let Some(pg) = postgres_test_url().await else {
            return;
        };
        let db = Database {
            inner: crate::Backends::Postgres(crate::postgres::connect(pg.url()).await.expect("open")),
        };
        check_seoul_date_backfill(db).await;
    }

    /// A course stored before 0005 reads back with none of the course-page fields.
    async fn check_course_from_before_0005(db: Database) {
        let mut migrator = match db.backend() {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
        };
        migrator.migrations = migrator.migrations.iter().filter(|m| m.version < 5).cloned().collect();
        match &db.inner {
            crate::Backends::Sqlite(s) => migrator.run(&s.pool).await.expect("migrate to 0004"),
            crate::Backends::Postgres(s) => migrator.run(&s.pool).await.expect("migrate to 0004"),
        }
        let now = "'2026-01-01T00:00:00+00:00'";
        for sql in [
            format!(
                "INSERT INTO institutions (id, name, kind, region_code, grade, created_at, updated_at) \
                 VALUES ('OLD-I', '옛 기관', 'private', '11680', 'three_year', {now}, {now})"
            ),
            format!(
                "INSERT INTO courses (id, institution_id, title, summary, keywords, programmes, ncs, occupation, \
                 ai_step, ai_level, modules, delivery, total_hours_tenths, hours_per_day_tenths, fee_won, region_code, \
                 audiences, self_payment_rate_percent, base_unit_price_won_per_hour, content_sha, created_at, updated_at) \
                 VALUES ('OLD-1', 'OLD-I', '옛 과정', '', '[]', '[\"kdt-general\"]', '20010202', '직종', NULL, NULL, '[]', \
                 'classroom', 400, 80, 0, '11680', '[\"employee\"]', NULL, NULL, 'old', {now}, {now})"
            ),
            "INSERT INTO cohorts (course_id, ordinal, start_date, end_date, capacity, seats_left) \
             VALUES ('OLD-1', 0, '2026-03-02', '2026-04-30', 20, 0)"
                .to_owned(),
        ] {
            raw_execute(&db, &sql).await.expect("insert an old row");
        }
        db.migrate().await.expect("migrate to the end");
        let (course, institution) = db
            .catalogue()
            .course("OLD-1")
            .await
            .expect("read")
            .expect("the old course");
        assert!(institution.contact.is_empty(), "{institution:?}");
        assert!(course.details.is_empty(), "{course:?}");
        assert_eq!(course.cohorts.len(), 1);
        assert_eq!(
            (course.cohorts[0].application, course.cohorts[0].waiting_list),
            (None, false)
        );
    }

    #[tokio::test]
    async fn sqlite_course_from_before_0005_reads_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("old.db").display());
        let db = Database {
            inner: crate::Backends::Sqlite(
                crate::sqlite::connect(&url, crate::sqlite::BUSY_TIMEOUT)
                    .await
                    .expect("open"),
            ),
        };
        check_course_from_before_0005(db).await;
    }

    #[tokio::test]
    async fn postgres_course_from_before_0005_reads_back() {
        let Some(pg) = postgres_test_url().await else {
            return;
        };
        let db = Database {
            inner: crate::Backends::Postgres(crate::postgres::connect(pg.url()).await.expect("open")),
        };
        check_course_from_before_0005(db).await;
    }

    /// Polls `work` until it has waited `polls` times, then drops it: a client that goes away
    /// at one of the request's await points.
    async fn abandon_after<F: std::future::Future>(polls: u32, work: F) {
        let mut work = std::pin::pin!(work);
        let mut waited = 0;
        std::future::poll_fn(|cx| match work.as_mut().poll(cx) {
            std::task::Poll::Ready(_) => std::task::Poll::Ready(()),
            std::task::Poll::Pending => {
                waited += 1;
                if waited >= polls {
                    std::task::Poll::Ready(())
                } else {
                    std::task::Poll::Pending
                }
            }
        })
        .await;
    }

    /// A client that disconnects while its request is opening a transaction used to leave the
    /// pooled connection inside an open `REPEATABLE READ READ ONLY` transaction, so later reads
    /// on it served stale data.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn postgres_cancelled_requests_leave_no_open_transaction() {
        let Some(pg) = postgres_test_url().await else {
            return;
        };
        let db = connect(pg.url()).await.expect("connect");
        db.policy().import(&small_policy("v0")).await.expect("seed");
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut random = move |below: u64| {
            // xorshift64*
            seed ^= seed >> 12;
            seed ^= seed << 25;
            seed ^= seed >> 27;
            seed.wrapping_mul(0x2545_f491_4f6c_dd1d) % below
        };
        let mut admin = sqlx::PgConnection::connect(&pg.admin_url)
            .await
            .expect("admin connection");
        let open_transactions = format!(
            "SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' AND datname = '{}'",
            pg.db_name
        );
        // Rounds of requests that the clients abandon at random await points; after each round the
        // pool settles (nothing else runs that could end a transaction left open).
        for round in 0..40u64 {
            let requests: Vec<_> = (0..16u64)
                .map(|n| {
                    let (db, i) = (db.clone(), round * 16 + n);
                    let polls = 1 + random(4) as u32;
                    tokio::spawn(async move {
                        let work = async {
                            match i % 5 {
                                0 => db.policy().active().await.map(drop),
                                1 => db.regions().current().await.map(drop),
                                2 => db.catalogue().courses().await.map(drop),
                                3 => db.policy().import(&small_policy(&format!("v{i}"))).await.map(drop),
                                _ => db.policy().activate("v0", "ops:test").await.map(drop),
                            }
                        };
                        abandon_after(polls, work).await;
                    })
                })
                .collect();
            for request in requests {
                request.await.expect("request task");
            }
            let settled = Instant::now() + Duration::from_secs(10);
            loop {
                let open: i64 = sqlx::query_scalar(&open_transactions)
                    .fetch_one(&mut admin)
                    .await
                    .expect("pg_stat_activity");
                if open == 0 {
                    break;
                }
                assert!(
                    Instant::now() < settled,
                    "round {round}: {open} pooled connections left idle in transaction"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }

        // A read after a committed write sees it, on every pooled connection.
        let latest = small_policy("after-cancellations");
        db.policy().import(&latest).await.expect("import");
        let readers: Vec<_> = (0..32)
            .map(|_| {
                let db = db.clone();
                tokio::spawn(async move {
                    let active = db.policy().active().await.expect("active").expect("some").0.version;
                    let newest = db.policy().versions().await.expect("versions")[0].version.clone();
                    (active, newest)
                })
            })
            .collect();
        for reader in readers {
            let (active, newest) = reader.await.expect("reader");
            assert_eq!(
                (active.as_str(), newest.as_str()),
                ("after-cancellations", "after-cancellations")
            );
        }
    }
}
