//! The PostgreSQL harness: a fresh database per test, on the server named by
//! `AIUP_TEST_POSTGRES_URL`, or in a throwaway cluster, or a loud skip (never under `CI=true`).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::Connection;

use crate::StoreError;

/// Env var with an ADMIN URL (e.g. `postgres://postgres@127.0.0.1:5432/postgres`) through which
/// fresh test databases are created.
pub const POSTGRES_URL_ENV: &str = "AIUP_TEST_POSTGRES_URL";

/// A fresh, empty PostgreSQL database for one test. Dropping it drops the database
/// (best effort) or stops the throwaway cluster it lives in.
#[derive(Debug)]
pub struct PostgresTestDb {
    /// URL of the fresh database (pass to [`crate::connect`]).
    pub url: String,
    /// Admin URL of the server (database `postgres`).
    pub admin_url: String,
    /// Name of the fresh database.
    pub db_name: String,
    cluster: Option<ThrowawayCluster>,
}

impl PostgresTestDb {
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Whether this database lives in a cluster the harness started itself.
    pub fn is_throwaway_cluster(&self) -> bool {
        self.cluster.is_some()
    }
}

impl Drop for PostgresTestDb {
    fn drop(&mut self) {
        if self.cluster.is_some() {
            return; // the whole cluster goes away
        }
        let (admin, name) = (self.admin_url.clone(), self.db_name.clone());
        // Drop may run inside an async runtime: do the async work on a separate thread.
        let worker = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                return;
            };
            rt.block_on(async move {
                let work = async {
                    let mut conn = sqlx::PgConnection::connect(&admin).await?;
                    sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .execute(&mut conn)
                        .await?;
                    conn.close().await
                };
                if let Ok(Err(e)) = tokio::time::timeout(Duration::from_secs(15), work).await {
                    tracing::warn!(db = %name, error = %e, "could not drop test database");
                }
            });
        });
        let _ = worker.join();
    }
}

/// A PostgreSQL cluster in a temporary directory, stopped on drop.
#[derive(Debug)]
struct ThrowawayCluster {
    dir: tempfile::TempDir,
    bindir: PathBuf,
    as_postgres: bool,
    port: u16,
}

impl ThrowawayCluster {
    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }
}

impl Drop for ThrowawayCluster {
    fn drop(&mut self) {
        let data = self.data_dir();
        let mut cmd = pg_command(&self.bindir, "pg_ctl", self.as_postgres);
        cmd.arg("-D")
            .arg(&data)
            .args(["-m", "immediate", "-w", "stop"])
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        match cmd.status() {
            Ok(st) if st.success() => {}
            other => eprintln!(
                "warning: could not stop throwaway PostgreSQL on port {} ({other:?})",
                self.port
            ),
        }
    }
}

/// A fresh PostgreSQL database for a test, or `None` (after a LOUD notice) if no server is
/// available. Order: `AIUP_TEST_POSTGRES_URL`; else a throwaway cluster from `initdb`/`pg_ctl`
/// (run as user `postgres` via `runuser` when we are root); else skip — except when `CI=true`,
/// where a missing PostgreSQL is a panic, never a skip.
pub async fn postgres_test_url() -> Option<PostgresTestDb> {
    if let Some(admin) = std::env::var(POSTGRES_URL_ENV).ok().filter(|u| !u.trim().is_empty()) {
        let db_name = create_fresh_database(&admin)
            .await
            .unwrap_or_else(|e| panic!("{POSTGRES_URL_ENV} is set but creating a test database failed: {e}"));
        return Some(PostgresTestDb {
            url: with_database(&admin, &db_name),
            admin_url: admin,
            db_name,
            cluster: None,
        });
    }

    match find_pg_bindir() {
        Ok(bindir) => {
            let cluster = start_cluster(bindir).await;
            let admin = format!("postgres://postgres@127.0.0.1:{}/postgres", cluster.port);
            let db_name = create_fresh_database(&admin)
                .await
                .unwrap_or_else(|e| panic!("throwaway PostgreSQL started but creating a test database failed: {e}"));
            Some(PostgresTestDb {
                url: with_database(&admin, &db_name),
                admin_url: admin,
                db_name,
                cluster: Some(cluster),
            })
        }
        Err(why) => {
            let msg = format!(
                "POSTGRES TESTS SKIPPED: {POSTGRES_URL_ENV} is not set and no throwaway cluster \
                 can be started ({why}). Set {POSTGRES_URL_ENV}=postgres://postgres@127.0.0.1:5432/postgres \
                 or install the PostgreSQL server binaries (initdb, pg_ctl)."
            );
            if std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true")) {
                panic!("CI=true and PostgreSQL is unavailable, refusing to skip: {msg}");
            }
            let bar = "!".repeat(100);
            eprintln!("\n{bar}\n!!! {msg}\n{bar}\n");
            None
        }
    }
}

fn unique_db_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("aiup_t_{}_{n}_{nanos}", std::process::id())
}

async fn create_fresh_database(admin_url: &str) -> Result<String, StoreError> {
    let name = unique_db_name();
    let mut conn = sqlx::PgConnection::connect(admin_url).await?;
    sqlx::query(&format!(
        "CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"
    ))
    .execute(&mut conn)
    .await?;
    conn.close().await?;
    Ok(name)
}

/// `admin_url` with its database path replaced by `db` (query string kept).
pub fn with_database(admin_url: &str, db: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (admin_url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_start..].find('/') {
        Some(i) => &base[..authority_start + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

fn has_pg_tools(dir: &Path) -> bool {
    dir.join("initdb").is_file() && dir.join("pg_ctl").is_file()
}

/// Finds a directory with `initdb` and `pg_ctl`: PATH, `pg_config --bindir`,
/// `/usr/lib/postgresql/*/bin` (newest first).
fn find_pg_bindir() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("PATH") {
        if let Some(dir) = std::env::split_paths(&path).find(|d| has_pg_tools(d)) {
            return Ok(dir);
        }
    }
    if let Ok(out) = std::process::Command::new("pg_config")
        .arg("--bindir")
        .stderr(Stdio::null())
        .output()
    {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && has_pg_tools(&dir) {
            return Ok(dir);
        }
    }
    let mut versioned: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse::<u32>().ok()?;
            Some((v, e.path().join("bin")))
        })
        .filter(|(_, d)| has_pg_tools(d))
        .collect();
    versioned.sort();
    versioned
        .pop()
        .map(|(_, d)| d)
        .ok_or_else(|| "initdb/pg_ctl not found in PATH, pg_config --bindir or /usr/lib/postgresql/*/bin".to_owned())
}

fn running_as_root() -> bool {
    match std::process::Command::new("id").arg("-u").output() {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim() == "0",
        _ => std::env::var("USER").is_ok_and(|u| u == "root"),
    }
}

/// `bindir/tool`, wrapped in `runuser -u postgres --` when `as_postgres`.
fn pg_command(bindir: &Path, tool: &str, as_postgres: bool) -> std::process::Command {
    let exe = bindir.join(tool);
    if as_postgres {
        let mut cmd = std::process::Command::new("runuser");
        cmd.args(["-u", "postgres", "--"]).arg(exe);
        cmd
    } else {
        std::process::Command::new(exe)
    }
}

async fn run_checked(cmd: std::process::Command, what: &str) -> Result<(), String> {
    let mut cmd = tokio::process::Command::from(cmd);
    cmd.stdin(Stdio::null()).kill_on_drop(true);
    match tokio::time::timeout(Duration::from_secs(120), cmd.output()).await {
        Err(_) => Err(format!("{what} timed out")),
        Ok(Err(e)) => Err(format!("{what} could not run: {e}")),
        Ok(Ok(out)) if out.status.success() => Ok(()),
        Ok(Ok(out)) => Err(format!(
            "{what} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )),
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind 127.0.0.1:0 to pick a free port")
}

/// initdb + pg_ctl start in a fresh temporary directory. Panics with the tools' output on
/// failure: the binaries exist, so a failure is a broken environment, not a reason to skip.
async fn start_cluster(bindir: PathBuf) -> ThrowawayCluster {
    let as_postgres = running_as_root();
    let dir = tempfile::Builder::new()
        .prefix("aiup-pg-")
        .tempdir()
        .expect("create temp dir for PostgreSQL");
    if as_postgres {
        let mut chown = std::process::Command::new("chown");
        chown.arg("-R").arg("postgres:").arg(dir.path());
        if let Err(e) = run_checked(chown, "chown of the cluster directory to postgres").await {
            panic!("running as root, cannot hand the cluster directory to user postgres: {e}");
        }
    }
    let data = dir.path().join("data");
    let mut initdb = pg_command(&bindir, "initdb", as_postgres);
    initdb
        .arg("-D")
        .arg(&data)
        .args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"])
        .current_dir(dir.path());
    if let Err(e) = run_checked(initdb, "initdb").await {
        panic!(
            "cannot create a throwaway PostgreSQL cluster with {}: {e}",
            bindir.display()
        );
    }

    let log = dir.path().join("postgres.log");
    let mut last_err = String::new();
    for _attempt in 0..3 {
        let port = free_port();
        let mut start = pg_command(&bindir, "pg_ctl", as_postgres);
        start
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(&log)
            .args(["-w", "-t", "60", "-o"])
            .arg(format!(
                "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off \
                 -c synchronous_commit=off -c full_page_writes=off",
                dir.path().display()
            ))
            .arg("start")
            .current_dir(dir.path());
        match run_checked(start, "pg_ctl start").await {
            Ok(()) => {
                eprintln!(
                    "note: started throwaway PostgreSQL ({}) on 127.0.0.1:{port}{}",
                    bindir.display(),
                    if as_postgres { " as user postgres" } else { "" }
                );
                return ThrowawayCluster {
                    dir,
                    bindir,
                    as_postgres,
                    port,
                };
            }
            Err(e) => {
                let tail = std::fs::read_to_string(&log).unwrap_or_default();
                let tail: String = tail
                    .lines()
                    .rev()
                    .take(20)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect::<Vec<_>>()
                    .join("\n");
                last_err = format!("{e}\n--- postgres.log (tail) ---\n{tail}");
            }
        }
    }
    panic!("cannot start a throwaway PostgreSQL cluster: {last_err}");
}
