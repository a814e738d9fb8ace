//! End-to-end tests of the support calculator (지원금 계산기): HTTP checks
//! with `ureq`, and a real headless Chromium driven over WebDriver by
//! `fantoccini`, the way a person would use the page.
//!
//! Chromium and chromedriver come from Debian (`chromium`,
//! `chromium-driver`). Without them the browser tests fail when `CI=true`
//! and otherwise print a loud "BROWSER TESTS SKIPPED" notice.

use crate::support::{spawn_app, TestApp};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// One browser at a time: the machine has two cores.
static ONE_BROWSER: Semaphore = Semaphore::const_new(1);

// ---------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------

fn executable(env: &str, default: &str) -> PathBuf {
    std::env::var_os(env).map_or_else(|| PathBuf::from(default), PathBuf::from)
}

/// A chromedriver process in its own process group, with a fresh browser
/// profile. Dropping it ends chromedriver and the Chromium it started.
#[derive(Debug)]
struct Driver {
    child: Child,
    port: u16,
    profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The group holds chromedriver and every Chromium process it started.
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        std::thread::sleep(Duration::from_millis(200));
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free loopback port");
    listener.local_addr().expect("local addr").port()
}

impl Driver {
    fn start(chromedriver: &Path) -> Driver {
        use std::os::unix::process::CommandExt;
        let port = free_port();
        let profile = tempfile::tempdir().expect("browser profile dir");
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .arg(format!(
                "--log-path={}",
                profile.path().join("chromedriver.log").display()
            ))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {}: {e}", chromedriver.display()));
        Driver { child, port, profile }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Waits until chromedriver answers `/status` as ready.
    async fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        let status_url = format!("{}/status", self.url());
        loop {
            if let Some(exit) = self.child.try_wait().expect("chromedriver status") {
                panic!("chromedriver exited early with {exit}");
            }
            let url = status_url.clone();
            let ready = tokio::task::spawn_blocking(move || {
                ureq::get(&url)
                    .timeout(Duration::from_secs(2))
                    .call()
                    .ok()
                    .and_then(|r| r.into_json::<Value>().ok())
                    .is_some_and(|v| v["value"]["ready"] == json!(true))
            })
            .await
            .expect("status probe");
            if ready {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver on port {} did not become ready in 20 s",
                self.port
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// A running app, a chromedriver and a browser session on it.
pub(crate) struct Browser {
    pub(crate) client: Client,
    pub(crate) app: TestApp,
    _driver: Driver,
    _permit: tokio::sync::SemaphorePermit<'static>,
}

impl Browser {
    /// Signs `role`'s test account in through the sign-in form on the current page.
    pub(crate) async fn submit_sign_in(&self, role: aiup_app::accounts::Role) {
        self.fill("login", &crate::testkit::login_of(role)).await;
        self.fill("password", crate::testkit::TEST_PASSWORD).await;
        let button = self
            .client
            .find(Locator::Css("form[action='/signin'] button[type='submit']"))
            .await
            .expect("sign-in button");
        self.click_element_and_wait(button).await;
    }

    /// Starts everything, or returns `None` (after a loud notice) when the
    /// browser is not installed and this is not CI.
    pub(crate) async fn start() -> Option<Browser> {
        let chromium = executable("AIUP_CHROMIUM", CHROMIUM);
        let chromedriver = executable("AIUP_CHROMEDRIVER", CHROMEDRIVER);
        let missing: Vec<String> = [&chromium, &chromedriver]
            .iter()
            .filter(|p| !p.is_file())
            .map(|p| p.display().to_string())
            .collect();
        if !missing.is_empty() {
            let why = format!("{} not found; install the Debian packages `chromium` and `chromium-driver` (or set AIUP_CHROMIUM / AIUP_CHROMEDRIVER)", missing.join(" and "));
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("browser tests cannot run in CI: {why}");
            }
            skip_notice(&why);
            return None;
        }

        let permit = ONE_BROWSER.acquire().await.expect("browser semaphore");
        let app = spawn_app().await;
        let mut driver = Driver::start(&chromedriver);
        driver.wait_ready().await;

        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium.display().to_string(),
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--lang=ko-KR",
                    "--window-size=1280,1000",
                    format!("--user-data-dir={}", driver.profile.path().join("chromium").display()),
                ],
            }),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url())
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "could not open a Chromium session through chromedriver at {}: {e}",
                    driver.url()
                )
            });
        Some(Browser {
            client,
            app,
            _driver: driver,
            _permit: permit,
        })
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.app.base_url)
    }

    pub(crate) async fn goto(&self, path: &str) {
        self.client
            .goto(&self.url(path))
            .await
            .unwrap_or_else(|e| panic!("goto {path}: {e}"));
    }

    pub(crate) async fn text(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("find {css}: {e}"))
            .text()
            .await
            .unwrap_or_else(|e| panic!("text of {css}: {e}"))
    }

    pub(crate) async fn value(&self, id: &str) -> String {
        let element = self
            .client
            .find(Locator::Id(id))
            .await
            .unwrap_or_else(|e| panic!("find #{id}: {e}"));
        element
            .prop("value")
            .await
            .unwrap_or_else(|e| panic!("value of #{id}: {e}"))
            .unwrap_or_default()
    }

    pub(crate) async fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("find {css}: {e}"))
            .attr(name)
            .await
            .unwrap_or_else(|e| panic!("attribute {name} of {css}: {e}"))
    }

    /// Types into a text input, replacing what it held.
    pub(crate) async fn fill(&self, id: &str, text: &str) {
        let element = self
            .client
            .find(Locator::Id(id))
            .await
            .unwrap_or_else(|e| panic!("find #{id}: {e}"));
        element.clear().await.unwrap_or_else(|e| panic!("clear #{id}: {e}"));
        if !text.is_empty() {
            element
                .send_keys(text)
                .await
                .unwrap_or_else(|e| panic!("type into #{id}: {e}"));
        }
        assert_eq!(self.value(id).await, text, "#{id} did not take the typed value");
    }

    /// Sets a date input. Typing into one depends on the browser's locale,
    /// so the value is set as the date picker would set it.
    async fn set_date(&self, id: &str, date: &str) {
        self.client
            .execute("const e = document.getElementById(arguments[0]); e.value = arguments[1]; e.dispatchEvent(new Event('change', { bubbles: true }));", vec![json!(id), json!(date)])
            .await
            .unwrap_or_else(|e| panic!("set #{id}: {e}"));
        assert_eq!(self.value(id).await, date);
    }

    async fn select(&self, id: &str, value: &str) {
        let element = self
            .client
            .find(Locator::Id(id))
            .await
            .unwrap_or_else(|e| panic!("find #{id}: {e}"));
        element
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("select {value} in #{id}: {e}"));
        assert_eq!(self.value(id).await, value);
    }

    /// Submits the form and waits for the next page to load.
    pub(crate) async fn submit(&self) {
        self.click_and_wait("submit").await;
    }

    /// Clicks the button or link `#id` and waits for the next page to load.
    pub(crate) async fn click_and_wait(&self, id: &str) {
        let element = self
            .client
            .find(Locator::Id(id))
            .await
            .unwrap_or_else(|e| panic!("find #{id}: {e}"));
        self.click_element_and_wait(element).await;
    }

    /// Clicks `element` and waits for the next page to load.
    pub(crate) async fn click_element_and_wait(&self, element: fantoccini::elements::Element) {
        let before = self
            .client
            .execute("return performance.timeOrigin;", vec![])
            .await
            .expect("time origin");
        element.click().await.expect("click");
        let (client, before) = (&self.client, &before);
        self.wait_until("the next page to load", move || async move {
            let now = client
                .execute(
                    "return document.readyState === 'complete' ? performance.timeOrigin : null;",
                    vec![],
                )
                .await
                .unwrap_or(Value::Null);
            !now.is_null() && now != *before
        })
        .await;
    }

    pub(crate) async fn wait_until<F, Fut>(&self, what: &str, mut check: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !check().await {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Fills the whole form for one course.
    async fn fill_course(&self, c: &CourseForm<'_>) {
        self.select("programme", c.programme).await;
        self.fill("region", c.region).await;
        self.set_date("start_date", c.start).await;
        self.set_date("end_date", c.end).await;
        self.fill("total_hours", c.total_hours).await;
        self.fill("hours_per_day", c.hours_per_day).await;
        self.select("delivery", "classroom").await;
        self.fill("fee_won", c.fee).await;
        self.fill("self_payment_rate_percent", c.rate).await;
        self.select("status", "job_seeker").await;
    }

    /// Saves a full-page PNG at `width` pixels wide.
    pub(crate) async fn screenshot(&self, name: &str, width: u32) -> PathBuf {
        self.client.set_window_size(width, 1000).await.expect("resize");
        let height = self
            .client
            .execute("return Math.ceil(document.documentElement.scrollHeight);", vec![])
            .await
            .expect("page height")
            .as_u64()
            .unwrap_or(2000);
        let height = u32::try_from(height).unwrap_or(2000).clamp(600, 16_000);
        self.client
            .set_window_size(width, height + 120)
            .await
            .expect("resize to the page");
        let png = self.client.screenshot().await.expect("screenshot");
        assert!(png.starts_with(b"\x89PNG"), "the screenshot is not a PNG");
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).expect("create the screenshot dir");
        let path = dir.join(name);
        std::fs::write(&path, png).expect("write the screenshot");
        self.client.set_window_size(1280, 1000).await.expect("resize back");
        path
    }

    async fn close(self) {
        let _ = self.client.close().await;
    }
}

struct CourseForm<'a> {
    programme: &'a str,
    region: &'a str,
    start: &'a str,
    end: &'a str,
    total_hours: &'a str,
    hours_per_day: &'a str,
    fee: &'a str,
    rate: &'a str,
}

const HAENAM_KDT: CourseForm<'static> = CourseForm {
    programme: "kdt-ai-campus",
    region: "전라남도 해남군",
    start: "2026-03-02",
    end: "2026-08-31",
    total_hours: "960",
    hours_per_day: "8",
    fee: "",
    rate: "",
};

/// `target/screenshots` of this workspace (or of `CARGO_TARGET_DIR`).
pub(crate) fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"),
        PathBuf::from,
    );
    target.join("screenshots")
}

/// Says loudly that the browser tests did not run. Written straight to the
/// process's stderr, which the test harness does not capture, so the notice
/// shows even without `--nocapture`.
fn skip_notice(why: &str) {
    use std::io::Write;
    let line = "=".repeat(72);
    let _ = writeln!(
        std::io::stderr().lock(),
        "\n{line}\nBROWSER TESTS SKIPPED: {why}\n{line}\n"
    );
}

// ---------------------------------------------------------------------------
// Browser tests
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calculator_loads_in_korean_with_labelled_inputs() {
    let Some(b) = Browser::start().await else {
        return;
    };
    b.goto("/").await;

    assert!(b.text("h1").await.contains("지원금 계산기"));
    assert_eq!(b.attr("html", "lang").await.as_deref(), Some("ko"));
    let h1_count = b.client.find_all(Locator::Css("h1")).await.expect("h1s").len();
    assert_eq!(h1_count, 1, "the page has exactly one h1");

    // Every visible control has an id and a <label for> naming it.
    let unlabelled = b
        .client
        .execute(
            "return Array.from(document.querySelectorAll('#calculator input:not([type=hidden]), #calculator select'))
                .filter(e => !e.id || !document.querySelector('label[for=\"' + e.id + '\"]') || !document.querySelector('label[for=\"' + e.id + '\"]').textContent.trim())
                .map(e => e.name);",
            vec![],
        )
        .await
        .expect("label check");
    assert_eq!(unlabelled, json!([]), "controls without a label");
    let controls = b
        .client
        .find_all(Locator::Css("#calculator input:not([type=hidden]), #calculator select"))
        .await
        .expect("controls")
        .len();
    assert_eq!(controls, 13, "the calculator has its 13 fields");
    let legends = b
        .client
        .find_all(Locator::Css("#calculator fieldset > legend"))
        .await
        .expect("legends")
        .len();
    assert!(legends >= 3, "fields are grouped in fieldsets with legends");

    // Defaults make the first load useful; only trainee-facing programmes are offered.
    assert_eq!(b.value("programme").await, "kdt-ai-campus");
    assert_eq!(b.value("region").await, "서울특별시 강남구");
    let programmes = b
        .client
        .execute(
            "return Array.from(document.querySelectorAll('#programme option')).map(o => o.value);",
            vec![],
        )
        .await
        .expect("options");
    let programmes: Vec<&str> = programmes
        .as_array()
        .expect("list")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(programmes.contains(&"card-ai-general") && programmes.contains(&"sandaetuk-entry"));
    assert!(
        !programmes.contains(&"startup-hiring-grant"),
        "a firm-only programme is not offered: {programmes:?}"
    );
    let groups = b
        .client
        .find_all(Locator::Css("#programme optgroup"))
        .await
        .expect("optgroups")
        .len();
    assert!(groups >= 2, "programmes are grouped by stage");

    // The stylesheet loaded from this server.
    let background = b
        .client
        .find(Locator::Css(".site-header"))
        .await
        .expect("header")
        .css_value("background-color")
        .await
        .expect("css");
    assert_eq!(background, "rgba(11, 74, 139, 1)", "app.css was applied");
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn form_computes_allowance_and_self_payment() {
    let Some(b) = Browser::start().await else {
        return;
    };
    b.goto("/").await;

    // KDT AI Campus in a population-declining area: ₩800,000 a month, nothing to pay.
    b.fill_course(&HAENAM_KDT).await;
    b.submit().await;
    assert_eq!(b.text("#figure-allowance-amount").await, "₩800,000");
    assert_eq!(b.text("#figure-self-payment-amount").await, "₩0");
    assert!(
        b.text("#schedule-1").await.contains("₩800,000"),
        "the first month of the table"
    );
    assert!(b.text("#result-tier").await.contains("인구감소지역"));
    assert!(
        b.text("#component-special_allowance").await.contains("근거"),
        "components cite their legal basis"
    );
    assert!(b.text("#policy-meta").await.contains("2026-03-02"));
    assert_eq!(
        b.value("region").await,
        "전라남도 해남군",
        "the form keeps the submitted values"
    );
    let path = b.screenshot("calculator-ko.png", 1280).await;
    b.screenshot("calculator-ko-mobile.png", 390).await;
    assert!(std::fs::metadata(&path).expect("screenshot").len() > 10_000);

    // The trace opens without JavaScript and names parameters with their sources.
    b.client
        .find(Locator::Css("#trace > summary"))
        .await
        .expect("trace summary")
        .click()
        .await
        .expect("open trace");
    let trace = b.text("#trace").await;
    assert!(
        trace.contains("allowance.base.kdt_ai_campus.daily_won") && trace.contains("고시"),
        "{trace}"
    );
    b.screenshot("calculator-ko-trace.png", 1280).await;

    // The same course in Seoul (capital area): ₩400,000.
    b.fill("region", "서울특별시 강남구").await;
    b.submit().await;
    assert_eq!(b.text("#figure-allowance-amount").await, "₩400,000");
    assert!(b.text("#result-tier").await.contains("수도권"));

    // A learning-card course of ₩1,000,000 at a 15% self-payment rate.
    b.select("programme", "card-ai-general").await;
    b.fill("fee_won", "1000000").await;
    b.fill("self_payment_rate_percent", "15").await;
    b.submit().await;
    assert_eq!(b.text("#figure-self-payment-amount").await, "₩150,000");
    assert_eq!(b.text("#figure-tuition-support-amount").await, "₩850,000");
    assert_eq!(b.value("fee_won").await, "1000000");
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_form_shows_an_error_linked_to_the_end_date() {
    let Some(b) = Browser::start().await else {
        return;
    };
    b.goto("/").await;
    b.fill_course(&HAENAM_KDT).await;
    b.set_date("end_date", "2026-02-27").await;
    b.submit().await;

    let summary = b.text("#outcome").await;
    assert!(summary.contains("종료일"), "the summary names the field: {summary}");
    assert_eq!(b.attr("#outcome", "role").await.as_deref(), Some("alert"));
    assert_eq!(b.attr("#outcome a", "href").await.as_deref(), Some("#end_date"));
    let error = b.text("#end_date-error").await;
    assert!(
        error.contains("종료일(2026-02-27)이 개강일(2026-03-02)보다 앞섭니다"),
        "{error}"
    );
    let described = b.attr("#end_date", "aria-describedby").await.unwrap_or_default();
    assert!(
        described.split(' ').any(|id| id == "end_date-error"),
        "aria-describedby = {described}"
    );
    assert_eq!(b.attr("#end_date", "aria-invalid").await.as_deref(), Some("true"));
    assert!(
        b.client
            .find_all(Locator::Id("results"))
            .await
            .expect("results")
            .is_empty(),
        "no results for an invalid form"
    );
    assert_eq!(
        b.value("end_date").await,
        "2026-02-27",
        "the form keeps the bad value to fix"
    );
    b.screenshot("calculator-ko-error.png", 1280).await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn english_toggle_switches_language_and_keeps_values() {
    let Some(b) = Browser::start().await else {
        return;
    };
    b.goto("/").await;
    b.fill_course(&HAENAM_KDT).await;
    b.fill("total_hours", "1000").await;
    b.submit().await;

    b.client
        .find(Locator::Id("lang-toggle"))
        .await
        .expect("toggle")
        .click()
        .await
        .expect("click toggle");
    let page = &b;
    b.wait_until("the English page", move || async move {
        page.attr("html", "lang").await.as_deref() == Some("en")
    })
    .await;
    assert!(b.text("h1").await.contains("Support calculator"));
    assert_eq!(b.value("region").await, "전라남도 해남군");
    assert_eq!(b.value("total_hours").await, "1000");
    assert_eq!(b.value("start_date").await, "2026-03-02");
    assert_eq!(b.value("programme").await, "kdt-ai-campus");
    assert_eq!(b.text("#figure-allowance-amount").await, "₩800,000");
    assert!(b.text("#components-title").await.contains("legal basis"));
    b.screenshot("calculator-en.png", 1280).await;

    // Submitting in English stays in English; the toggle leads back to Korean.
    b.submit().await;
    assert!(b.text("h1").await.contains("Support calculator"));
    b.client
        .find(Locator::Id("lang-toggle"))
        .await
        .expect("toggle")
        .click()
        .await
        .expect("click toggle");
    b.wait_until("the Korean page", move || async move {
        page.attr("html", "lang").await.as_deref() == Some("ko")
    })
    .await;
    assert!(b.text("h1").await.contains("지원금 계산기"));
    assert_eq!(b.value("total_hours").await, "1000");
    b.close().await;
}

// ---------------------------------------------------------------------------
// HTTP semantics, without a browser
// ---------------------------------------------------------------------------

struct Got {
    status: u16,
    content_type: String,
    csp: Option<String>,
    body: String,
}

async fn get(base_url: &str, path: &str, query: &[(&str, &str)]) -> Got {
    let url = format!("{base_url}{path}");
    let query: Vec<(String, String)> = query.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    tokio::task::spawn_blocking(move || {
        let mut request = ureq::get(&url).timeout(Duration::from_secs(20));
        for (k, v) in &query {
            request = request.query(k, v);
        }
        let response = match request.call() {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("GET {url}: {e}"),
        };
        let status = response.status();
        let content_type = response.header("content-type").unwrap_or_default().to_owned();
        let csp = response.header("content-security-policy").map(str::to_owned);
        let body = response.into_string().expect("body");
        Got {
            status,
            content_type,
            csp,
            body,
        }
    })
    .await
    .expect("request task")
}

fn course(end_date: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("programme", "kdt-ai-campus"),
        ("region", "서울특별시 강남구"),
        ("start_date", "2026-03-02"),
        ("end_date", end_date),
        ("total_hours", "960"),
        ("hours_per_day", "8"),
        ("delivery", "classroom"),
        ("fee_won", ""),
        ("base_unit_price_won_per_hour", ""),
        ("self_payment_rate_percent", ""),
        ("status", "job_seeker"),
        ("employer_size", ""),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calculator_http_status_and_pages() {
    let app = spawn_app().await;
    let base = format!("http://{}", app.addr);
    let base = base.as_str();
    let policy_version = app.state.engine().policy().version.clone();

    let first = get(base, "/", &[]).await;
    assert_eq!(first.status, 200);
    assert!(first.content_type.starts_with("text/html"), "{}", first.content_type);
    assert!(first.body.contains("<html lang=\"ko\">") && first.body.contains("지원금 계산기"));
    assert!(first.body.contains("name=\"viewport\""));
    assert!(
        !first.body.contains("id=\"results\""),
        "no results before the form is submitted"
    );
    assert!(
        first.body.contains(&policy_version),
        "the page names the active policy version {policy_version}"
    );
    assert!(
        first.csp.as_deref().is_some_and(|c| c.contains("default-src 'none'")),
        "{:?}",
        first.csp
    );

    let valid = get(base, "/", &course("2026-08-31")).await;
    assert_eq!(valid.status, 200);
    assert!(valid.body.contains("id=\"results\""));
    assert!(valid.body.contains("₩400,000"));

    let bad_date = get(base, "/", &course("2026-02-30")).await;
    assert_eq!(bad_date.status, 422);
    assert!(bad_date.body.contains("id=\"end_date-error\""));
    assert!(bad_date.body.contains("role=\"alert\""));

    let mut bad_number = course("2026-08-31");
    bad_number[4] = ("total_hours", "many");
    let bad_number = get(base, "/", &bad_number).await;
    assert_eq!(bad_number.status, 422);
    assert!(bad_number.body.contains("id=\"total_hours-error\"") && bad_number.body.contains("숫자로 입력하세요"));

    let mut english = course("2026-01-01");
    english.push(("lang", "en"));
    let english = get(base, "/", &english).await;
    assert_eq!(english.status, 422);
    assert!(english.body.contains("<html lang=\"en\">") && english.body.contains("is before the start date"));

    let css = get(base, "/assets/app.css", &[]).await;
    assert_eq!(css.status, 200);
    assert!(css.content_type.starts_with("text/css"), "{}", css.content_type);
    assert!(css.body.contains(":focus-visible"));

    let missing = get(base, "/nope", &[]).await;
    assert_eq!(missing.status, 404);
    assert!(
        missing.content_type.starts_with("text/html"),
        "{}",
        missing.content_type
    );
    assert!(missing.body.contains("페이지를 찾을 수 없습니다") && missing.body.contains("Page not found"));
}

// ---------------------------------------------------------------------------
// Course search
// ---------------------------------------------------------------------------

async fn stock_catalogue(b: &Browser, courses: usize) -> aiup_catalogue::CatalogueBatch {
    let batch = crate::courses::generated(courses);
    aiup_app::catalogue::store_and_index(b.app.state.db(), b.app.state.index(), &batch, "test")
        .await
        .expect("import");
    batch
}

fn count_in(text: &str) -> u64 {
    text.chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or_else(|_| panic!("no count in {text:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn course_search_narrows_with_facets_and_opens_a_course() {
    let Some(b) = Browser::start().await else {
        return;
    };
    stock_catalogue(&b, 300).await;
    b.goto("/courses").await;
    assert!(b.text("h1").await.contains("과정 찾기"));
    assert_eq!(count_in(&b.text("#result-count").await), 300);

    b.fill("q", "데이터 분석").await;
    b.click_and_wait("search-submit").await;
    let found = count_in(&b.text("#result-count").await);
    assert!(found > 0 && found < 300, "a query narrows the list: {found}");
    assert_eq!(b.value("q").await, "데이터 분석", "the query stays in the box");

    // Tick the first delivery value and apply: fewer or equal results, all with that delivery,
    // and the box stays ticked.
    let checkbox = b
        .client
        .find(Locator::Css("#facet-delivery input[type=checkbox]"))
        .await
        .expect("a delivery facet");
    let id = checkbox.attr("id").await.expect("id").expect("checkbox id");
    let label = b.text(&format!("label[for='{id}']")).await;
    let facet_count = count_in(label.rsplit('(').next().unwrap_or(""));
    checkbox.click().await.expect("tick");
    b.click_and_wait("filter-submit").await;
    let narrowed = count_in(&b.text("#result-count").await);
    assert_eq!(narrowed, facet_count, "the facet count promised this many results");
    let ticked = b
        .client
        .find(Locator::Id(&id))
        .await
        .expect("checkbox")
        .prop("checked")
        .await
        .expect("checked");
    assert_eq!(ticked.as_deref(), Some("true"));
    let delivery_label = label.split(" (").next().unwrap_or("").trim().to_owned();
    let metas = b
        .client
        .find_all(Locator::Css(".course-card__meta"))
        .await
        .expect("cards");
    assert!(!metas.is_empty());
    for meta in metas {
        let text = meta.text().await.expect("meta text");
        assert!(text.contains(&delivery_label), "{text} lacks {delivery_label}");
    }
    // Every card shows support figures or the reason there are none.
    let supports = b
        .client
        .find_all(Locator::Css(".course-card__support"))
        .await
        .expect("support")
        .len();
    let cards = b
        .client
        .find_all(Locator::Css(".course-card"))
        .await
        .expect("cards")
        .len();
    assert_eq!(supports, cards);

    // Open the first course: the support breakdown and the cohorts are there.
    let link = b
        .client
        .find(Locator::Css(".course-card__title a"))
        .await
        .expect("link");
    let title = link.text().await.expect("title");
    b.click_element_and_wait(link).await;
    assert_eq!(b.text("h1").await, title);
    assert!(b.text("#support-title").await.contains("지원금"));
    assert!(!b
        .client
        .find_all(Locator::Css("#cohorts tbody tr"))
        .await
        .expect("rows")
        .is_empty());

    // English toggle keeps the course.
    b.click_and_wait("lang-toggle").await;
    assert_eq!(b.attr("html", "lang").await.as_deref(), Some("en"));
    assert!(b.text("#support-title").await.contains("Your support"));
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_box_suggests_as_the_user_types() {
    let Some(b) = Browser::start().await else {
        return;
    };
    stock_catalogue(&b, 200).await;
    b.goto("/courses?lang=en").await;
    assert!(b.text("h1").await.contains("Find an AI training course"));
    let input = b.client.find(Locator::Id("q")).await.expect("search box");
    input.send_keys("데이").await.expect("type");
    let client = &b.client;
    b.wait_until("suggestions to arrive", move || async move {
        let count = client
            .execute(
                "return document.querySelectorAll('#q-suggestions option').length;",
                vec![],
            )
            .await
            .unwrap_or(Value::Null);
        count.as_u64().unwrap_or(0) > 0
    })
    .await;
    let first = b
        .client
        .execute("return document.querySelector('#q-suggestions option').value;", vec![])
        .await
        .expect("first suggestion");
    assert!(first.as_str().is_some_and(|s| s.contains("데이")), "{first}");
    b.close().await;
}
