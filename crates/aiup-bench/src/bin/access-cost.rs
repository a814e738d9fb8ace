//! What accounts cost: an argon2id sign-in, and the session check every signed-in request pays.
//!
//!     cargo run -p aiup-bench --release --bin access-cost [-- --postgres URL] [--requests N]
//!
//! It starts the real application on loopback over a fresh SQLite file (and PostgreSQL when
//! given), loads 2,000 generated courses, makes an account and a session, then times in the same
//! run:
//! - hashing and verifying a password with argon2id (the crate's defaults), and a whole sign-in
//!   through the service (throttle check, lookup, verify, new session);
//! - the session check alone (`session_actor`), in process;
//! - `GET /courses?q=데이터` over HTTP with and without the session cookie, interleaved, so the
//!   difference is the check's cost on a real search request.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::time::{Duration, Instant};

use aiup_app::accounts::{NewUser, Password, SignIn};
use aiup_app::{App, Clock};
use anyhow::Context as _;
use clap::Parser;

#[derive(Debug, Parser)]
struct Args {
    /// Also run against this PostgreSQL server (a database is created and dropped).
    #[arg(long)]
    postgres: Option<String>,
    /// HTTP requests per variant.
    #[arg(long, default_value_t = 2000)]
    requests: usize,
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn p99(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[(v.len() * 99 / 100).min(v.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

async fn app_on(url: &str) -> anyhow::Result<App> {
    let db = aiup_store::connect(url).await.context("connect")?;
    let loaded = aiup_app::policy::active_bundle(&db).await?;
    let engine = aiup_app::policy::engine_for(loaded)?;
    let today = aiup_app::today_in_seoul();
    let index = aiup_search::CourseIndex::create_in_ram(aiup_app::catalogue::search_context(&engine, today))?;
    let app = App::new(db, engine, index, Clock::system());
    let bundle = aiup_core::bundle::Bundle::embedded().load()?;
    let batch = aiup_catalogue::generate::generate(
        &aiup_catalogue::generate::GenerateOptions {
            courses: 2000,
            seed: 7,
            start: today,
        },
        &bundle.regions,
        &bundle.policy.programmes,
    );
    aiup_app::catalogue::store_and_index(app.db(), app.index(), &batch, "bench").await?;
    Ok(app)
}

async fn measure(label: &str, app: App, requests: usize) -> anyhow::Result<()> {
    let accounts = app.accounts();
    accounts
        .create_user(
            "bench",
            NewUser {
                login: "bench".into(),
                display_name: "Bench".into(),
                role: "trainee".into(),
                scope: None,
                password: Some(Password::new("correct horse battery staple")),
            },
        )
        .await?;

    let password = Password::new("correct horse battery staple");
    let mut hash_times = Vec::new();
    let mut verify_times = Vec::new();
    let mut sign_in_times = Vec::new();
    let mut cookie = String::new();
    for _ in 0..20 {
        let t = Instant::now();
        let hash = aiup_app::accounts::password::hash(&password)?;
        hash_times.push(t.elapsed());
        let t = Instant::now();
        assert!(aiup_app::accounts::password::verify(&password, &hash));
        verify_times.push(t.elapsed());
        let t = Instant::now();
        let session = accounts
            .sign_in(SignIn {
                login: "bench".into(),
                password: password.clone(),
                client_address: "127.0.0.1".into(),
                client: "bench".into(),
                previous_session: None,
            })
            .await?;
        sign_in_times.push(t.elapsed());
        cookie = session.cookie_value;
    }

    let mut check_times = Vec::new();
    for _ in 0..requests {
        let t = Instant::now();
        let actor = accounts.session_actor(&cookie).await?;
        check_times.push(t.elapsed());
        assert!(actor.is_some());
    }

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let state = aiup_server::AppState::new(app.clone(), aiup_server::WebSettings::default());
    let server = tokio::spawn(async move { axum::serve(listener, aiup_server::app(state)).await });
    let url = format!("http://{addr}/courses?q=%EB%8D%B0%EC%9D%B4%ED%84%B0");
    let (anonymous, signed_in) =
        tokio::task::spawn_blocking(move || -> anyhow::Result<(Vec<Duration>, Vec<Duration>)> {
            let agent = ureq::AgentBuilder::new().build();
            let mut anonymous = Vec::new();
            let mut signed_in = Vec::new();
            for i in 0..(requests * 2 + 100) {
                let with_cookie = i % 2 == 1;
                let mut request = agent.get(&url);
                if with_cookie {
                    request = request.set("Cookie", &format!("aiup_session={cookie}"));
                }
                let t = Instant::now();
                let response = request.call()?;
                let _ = response.into_string()?;
                let took = t.elapsed();
                if i >= 100 {
                    if with_cookie {
                        signed_in.push(took);
                    } else {
                        anonymous.push(took);
                    }
                }
            }
            Ok((anonymous, signed_in))
        })
        .await??;
    server.abort();

    println!("## {label}");
    println!("| measure | median | p99 |");
    println!("|---|---:|---:|");
    println!(
        "| argon2id hash | {} | {} |",
        ms(median(hash_times.clone())),
        ms(p99(hash_times))
    );
    println!(
        "| argon2id verify | {} | {} |",
        ms(median(verify_times.clone())),
        ms(p99(verify_times))
    );
    println!(
        "| whole sign-in (service) | {} | {} |",
        ms(median(sign_in_times.clone())),
        ms(p99(sign_in_times))
    );
    println!(
        "| session check alone (in process) | {} | {} |",
        ms(median(check_times.clone())),
        ms(p99(check_times))
    );
    let (a, s) = (median(anonymous.clone()), median(signed_in.clone()));
    println!(
        "| `GET /courses?q=데이터`, no cookie | {} | {} |",
        ms(a),
        ms(p99(anonymous))
    );
    println!(
        "| `GET /courses?q=데이터`, signed in | {} | {} |",
        ms(s),
        ms(p99(signed_in))
    );
    println!(
        "\nSession check overhead on a search request (difference of medians): {:.3} ms ({:.2}×)\n",
        (s.as_secs_f64() - a.as_secs_f64()) * 1e3,
        s.as_secs_f64() / a.as_secs_f64()
    );
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let dir = tempfile::tempdir()?;
    let sqlite = format!("sqlite://{}", dir.path().join("bench.sqlite3").display());
    measure("SQLite", app_on(&sqlite).await?, args.requests).await?;
    if let Some(admin) = args.postgres {
        let name = format!("aiup_access_bench_{}", std::process::id());
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin).await?;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await?;
        let url = match admin.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => anyhow::bail!("the PostgreSQL URL needs a database path"),
        };
        let result = async { measure("PostgreSQL", app_on(&url).await?, args.requests).await }.await;
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut conn)
            .await?;
        result?;
    }
    Ok(())
}
