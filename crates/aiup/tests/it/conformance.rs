//! The storage conformance suite, unchanged, against every backend.

use aiup_store::testing::{postgres_test_url, run_conformance, sqlite_test_store};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_backend_conforms() {
    let (store, _dir) = sqlite_test_store().await;
    run_conformance(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_backend_conforms() {
    // Skips loudly when no PostgreSQL can be had, and never under CI=true.
    let Some(db) = postgres_test_url().await else { return };
    let store = aiup_store::connect(db.url())
        .await
        .expect("connect to the test database");
    run_conformance(store).await;
}
