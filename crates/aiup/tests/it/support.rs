//! Shared test harness: the real application on a loopback port, over a
//! fresh SQLite database (or a given database).

use aiup_app::policy as runtime;
use aiup_server::{app, AppState};
use aiup_store::Database;
use std::net::SocketAddr;

#[derive(Debug)]
pub struct TestApp {
    pub base_url: String,
    pub addr: SocketAddr,
    pub state: AppState,
    _dir: Option<tempfile::TempDir>,
}

/// Starts the app on 127.0.0.1 with a fresh SQLite file database.
pub async fn spawn_app() -> TestApp {
    let (db, dir) = aiup_store::testing::sqlite_test_db().await;
    let mut app = spawn_app_on(db).await;
    app._dir = Some(dir);
    app
}

/// Starts the app over `db`, importing the embedded bundle if it is empty.
pub async fn spawn_app_on(db: Database) -> TestApp {
    let loaded = runtime::active_bundle(&db).await.expect("active bundle");
    let engine = runtime::engine_for(loaded).expect("engine");
    let index = aiup_search::CourseIndex::create_in_ram(aiup_app::catalogue::search_context(
        &engine,
        aiup_app::today_in_seoul(),
    ))
    .expect("index");
    aiup_app::catalogue::sync_index(&db, &index).await.expect("sync index");
    // A fixed clock, started at the real time, that tests move forward (expiry, throttle waits).
    let clock = aiup_app::Clock::fixed(chrono::Utc::now());
    let app_services = aiup_app::App::new(db, engine, index, clock);
    let state = AppState::new(app_services, aiup_server::WebSettings::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    let router = app(state.clone());
    tokio::spawn(async move {
        aiup_server::serve(listener, router, aiup_server::Limits::default(), std::future::pending())
            .await
            .expect("serve");
    });
    TestApp {
        base_url: format!("http://{addr}"),
        addr,
        state,
        _dir: None,
    }
}
