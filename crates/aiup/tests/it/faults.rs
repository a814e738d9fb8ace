//! Faults on PostgreSQL, where payroll will live: clients that hang up mid-request, and clients
//! that stall. Bounded in count and time, loopback only.

use crate::hygiene::{closed_within, health_answers_quickly, serve_with, stalled_connections};
use crate::support::spawn_app_on;
use aiup_server::Limits;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

const IDLE_IN_TRANSACTION: &str = "SELECT count(*) FROM pg_stat_activity \
     WHERE state LIKE 'idle in transaction%' AND datname = current_database()";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_hanging_up_mid_request_leave_no_open_transaction_and_no_stale_read() {
    let Some(pg) = aiup_store::testing::postgres_test_url().await else {
        return;
    };
    let db = aiup_store::connect(pg.url()).await.expect("connect");
    let app = spawn_app_on(db.clone()).await;
    let batch = crate::courses::generated(300);
    aiup_app::catalogue::store_and_index(&db, app.state.index(), &batch, "test")
        .await
        .expect("import");
    let addr = app.addr;
    // 400 requests that read through transactions (search, course pages, health), each cut
    // after a different short delay, 32 at a time.
    let paths: Vec<String> = vec![
        "/api/v1/courses?q=%EB%8D%B0%EC%9D%B4%ED%84%B0".to_owned(),
        format!("/api/v1/courses/{}", batch.courses[0].id),
        format!("/courses/{}", batch.courses[1].id),
        "/healthz".to_owned(),
    ];
    let mut cut = 0;
    for round in 0..(400 / 32) {
        let mut tasks = Vec::new();
        for i in 0..32 {
            let path = paths[(round + i) % paths.len()].clone();
            let delay = Duration::from_micros(((round * 32 + i) as u64 * 379) % 6000);
            tasks.push(tokio::spawn(async move {
                let mut stream = TcpStream::connect(addr).await.expect("connect");
                let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
                stream.write_all(request.as_bytes()).await.expect("write");
                tokio::time::sleep(delay).await;
                drop(stream);
            }));
        }
        for task in tasks {
            task.await.expect("client");
            cut += 1;
        }
    }
    assert_eq!(cut, 384);
    // Let the server finish what it had started.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let open = aiup_store::testing::raw_i64(&db, IDLE_IN_TRANSACTION)
        .await
        .expect("pg_stat_activity");
    assert_eq!(open, 0, "connections left idle in a transaction");

    // Every read after a commit sees it: another import, then the API's count and the store's.
    let more = crate::courses::generated(340);
    let summary = db.catalogue().upsert(&more, "test").await.expect("second import");
    for _ in 0..20 {
        assert_eq!(
            db.catalogue().generation().await.expect("generation"),
            summary.generation
        );
        assert_eq!(db.catalogue().courses().await.expect("courses").len(), 340);
    }
    app.state.app.refresh().await.expect("refresh");
    let answer = crate::hygiene::request("GET", format!("http://{addr}/api/v1/courses?per_page=1"), &[], None).await;
    assert_eq!(answer.json()["total"], 340, "the index reads the committed catalogue");
    assert_eq!(
        aiup_store::testing::raw_i64(&db, IDLE_IN_TRANSACTION)
            .await
            .expect("pg_stat_activity"),
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_clients_cannot_starve_the_server_on_postgres() {
    let Some(pg) = aiup_store::testing::postgres_test_url().await else {
        return;
    };
    let db = aiup_store::connect(pg.url()).await.expect("connect");
    let app = spawn_app_on(db).await;
    let addr = serve_with(&app, Limits::default()).await;
    let mut stalled = stalled_connections(addr, 1100).await;
    // /healthz asks PostgreSQL, and still answers.
    health_answers_quickly(addr).await;
    assert!(closed_within(&mut stalled[0], Duration::from_secs(2)).await);
}
