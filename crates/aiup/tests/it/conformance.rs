//! The storage conformance suite, unchanged, against every backend.

use aiup_store::testing::{postgres_test_url, run_conformance, sqlite_test_db};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_backend_conforms() {
    let (db, _dir) = sqlite_test_db().await;
    run_conformance(db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_backend_conforms() {
    // Skips loudly when no PostgreSQL can be had, and never under CI=true.
    let Some(pg) = postgres_test_url().await else { return };
    let db = aiup_store::connect(pg.url())
        .await
        .expect("connect to the test database");
    run_conformance(db).await;
}
