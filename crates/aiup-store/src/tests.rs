//! Unit tests. The conformance runs need `--features testing`.

use crate::{connect, StoreError};

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
async fn sqlite_memory_store_works() {
    let store = connect("sqlite::memory:").await.expect("in-memory sqlite");
    assert_eq!(store.backend(), crate::Backend::Sqlite);
    assert!(store.region_set().await.expect("region_set").is_none());
}

#[cfg(feature = "testing")]
mod with_testing {
    use super::*;
    use crate::testing::{postgres_test_url, run_conformance, sqlite_test_store, with_database};
    use crate::{Backend, SqliteStore};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_file_conformance() {
        let (store, _dir) = sqlite_test_store().await;
        assert_eq!(store.backend(), Backend::Sqlite);
        run_conformance(store).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_memory_conformance() {
        let store = connect("sqlite::memory:").await.expect("in-memory sqlite");
        run_conformance(store).await;
    }

    #[tokio::test]
    async fn sqlite_connect_creates_directories_and_uses_wal() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a/b/c/aiup.db");
        let url = format!("sqlite://{}", path.display());
        let store = SqliteStore::connect(&url).await.expect("connect");
        assert!(path.is_file(), "database file must be created");
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(store.pool())
            .await
            .expect("journal_mode");
        assert_eq!(mode.to_ascii_lowercase(), "wal");
        let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(store.pool())
            .await
            .expect("foreign_keys");
        assert_eq!(fk, 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres_conformance() {
        let Some(db) = postgres_test_url().await else {
            return; // skipped loudly by the harness (never under CI=true)
        };
        let store = connect(db.url()).await.expect("connect to fresh postgres db");
        assert_eq!(store.backend(), Backend::Postgres);
        run_conformance(store).await;
    }

    #[tokio::test]
    async fn postgres_connection_error_hides_password() {
        let Some(db) = postgres_test_url().await else {
            return;
        };
        // A database that does not exist: the server answers at once with an error.
        let url = with_database(db.url(), "aiup_no_such_database").replacen(
            "://postgres@",
            &format!("://postgres:{PASSWORD}@"),
            1,
        );
        assert!(url.contains(PASSWORD), "test URL must carry the password: {url}");
        let err = connect(&url).await.expect_err("missing database");
        assert!(matches!(err, StoreError::Database(_)), "{err:?}");
        assert_no_password(&err);
    }
}
