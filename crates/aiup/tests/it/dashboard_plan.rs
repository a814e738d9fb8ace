//! The targets and budget pages against the plan itself, on SQLite and PostgreSQL: every plan
//! line's target and every budget line's amount, read back from the pages' CSV exports, equals
//! seed 002's appendix 1 (`tests/golden/dashboard/appendix1.json`, each figure citing it); and
//! every table's CSV and XLSX (read back with `calamine`) hold the same cells as each other and as
//! the page's HTML table.

use std::collections::BTreeMap;
use std::io::Cursor;

use aiup_app::accounts::Role;
use calamine::{Data, Reader, Xlsx};
use serde_json::Value;

use crate::support::{spawn_app, spawn_app_on, TestApp};
use crate::testkit::{create_account, sign_in};

fn golden() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden/dashboard/appendix1.json");
    serde_json::from_str(&std::fs::read_to_string(&path).expect("golden file")).expect("golden JSON")
}

/// A GET with the session cookie: status, content type and the body's bytes.
async fn fetch(app: &TestApp, cookie: &str, path: &str) -> (u16, String, Vec<u8>) {
    let url = format!("{}{path}", app.base_url);
    let cookie = cookie.to_owned();
    tokio::task::spawn_blocking(move || {
        let response = match ureq::get(&url).set("Cookie", &cookie).call() {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("GET {url}: {e}"),
        };
        let status = response.status();
        let content_type = response.header("Content-Type").unwrap_or_default().to_owned();
        let mut body = Vec::new();
        std::io::Read::read_to_end(&mut response.into_reader(), &mut body).expect("body");
        (status, content_type, body)
    })
    .await
    .expect("request task")
}

/// The records of a CSV file (RFC 4180 quoting), its byte-order mark dropped.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let text = text.trim_start_matches('\u{feff}');
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', true) => quoted = false,
            ('"', false) => quoted = true,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => field.push(c),
        }
    }
    rows
}

/// A table's CSV as rows of cells by header (English headers).
async fn csv_table(app: &TestApp, cookie: &str, page: &str, table: &str) -> Vec<BTreeMap<String, String>> {
    let (status, content_type, body) = fetch(app, cookie, &format!("{page}?lang=en&format=csv&table={table}")).await;
    assert_eq!(status, 200, "{page} {table}");
    assert!(
        content_type.starts_with("text/csv"),
        "{content_type}: {}",
        String::from_utf8_lossy(&body[..body.len().min(1500)])
    );
    let rows = parse_csv(&String::from_utf8(body).expect("UTF-8"));
    let header = rows[0].clone();
    rows[1..]
        .iter()
        .map(|r| header.iter().cloned().zip(r.iter().cloned()).collect())
        .collect()
}

fn int(cell: &str) -> i64 {
    cell.parse().unwrap_or_else(|e| panic!("{cell:?}: {e}"))
}

async fn signed_in_admin(app: &TestApp) -> String {
    create_account(app, Role::ProgrammeAdmin, None).await;
    format!("aiup_session={}", sign_in(app, Role::ProgrammeAdmin).await.cookie)
}

async fn targets_and_budget_equal_appendix_1(app: &TestApp) {
    let cookie = signed_in_admin(app).await;
    let golden = golden();

    let lines = csv_table(app, &cookie, "/admin/dashboard/targets", "plan-lines").await;
    let by_id: BTreeMap<&str, &BTreeMap<String, String>> = lines.iter().map(|r| (r["ID"].as_str(), r)).collect();
    let expected = golden["plan_lines"].as_array().expect("plan lines");
    assert_eq!(lines.len(), expected.len(), "one row per plan line");
    for line in expected {
        let id = line["id"].as_str().expect("id");
        let row = by_id.get(id).unwrap_or_else(|| panic!("{id} missing from the page"));
        match line["size"].as_i64() {
            Some(size) => assert_eq!(int(&row["Target"]), size, "{id} ({})", line["cite"]),
            None => assert_eq!(row["Target"], "", "{id} has no size ({})", line["cite"]),
        }
        let unit = line["unit"].as_str().unwrap_or("–");
        assert_eq!(row["Unit"], unit, "{id}");
    }
    let people: i64 = golden["totals"]["people"]["value"].as_i64().expect("people");
    assert_eq!(people, 240_000);

    let budget = csv_table(app, &cookie, "/admin/dashboard/budget", "budget-lines").await;
    let (footer, rows) = budget.split_last().expect("a totals row");
    let expected = golden["budget_lines"].as_array().expect("budget lines");
    assert_eq!(rows.len(), expected.len(), "one row per budget line");
    let mut all = 0;
    for (row, line) in rows.iter().zip(expected) {
        let id = line["id"].as_str().expect("id");
        assert_eq!(row["ID"], id, "the plan's order");
        assert_eq!(
            int(&row["Budget"]),
            line["amount_won"].as_i64().expect("amount"),
            "{id} ({})",
            line["cite"]
        );
        assert_eq!(
            int(&row["AI-specific part"]),
            line["ai_specific_won"].as_i64().expect("ai"),
            "{id} ({})",
            line["cite"]
        );
        let funding = if line["funding"] == "new" {
            "new"
        } else {
            "existing funds"
        };
        assert_eq!(row["Funding"], funding, "{id}");
        all += int(&row["Budget"]);
    }
    assert_eq!(int(&footer["Budget"]), all);
    let totals = csv_table(app, &cookie, "/admin/dashboard/budget", "budget-totals").await;
    let total = |starts: &str| -> i64 {
        int(&totals
            .iter()
            .find(|r| r["Total"].starts_with(starts))
            .unwrap_or_else(|| panic!("{starts}"))["Amount"])
    };
    let plan_total = golden["totals"]["budget_won"]["value"].as_i64().expect("total");
    assert_eq!(total("The plan's total"), plan_total);
    // The plan counts the AI-specific budget: new lines plus the AI part of existing funds.
    assert_eq!(total("AI-specific budget"), plan_total);
    assert_eq!(total("Every line"), all);
    assert_eq!(total("New lines") + total("Lines of existing funds"), all);
    // Each line's own page: its budget, as appendix 1; an unknown line is not found.
    let kdt = csv_table(app, &cookie, "/admin/dashboard/budget/kdt-ai-campus", "line-summary").await;
    assert_eq!(int(&kdt[0]["Budget"]), 133_800_000_000);
    let (status, _, _) = fetch(app, &cookie, "/admin/dashboard/budget/no-such-line").await;
    assert_eq!(status, 404);
}

/// Whether an XLSX cell holds what the CSV cell says: text as text, counts and won as the same
/// integer, a share (a fraction in the sheet, a percentage with one decimal in the CSV) within
/// the CSV's rounding.
fn same_cell(cell: &Data, csv: &str) -> bool {
    match cell {
        Data::Empty => csv.is_empty(),
        Data::String(s) => s == csv,
        Data::Int(n) => n.to_string() == csv,
        Data::Float(f) if csv.contains('.') => csv
            .parse::<f64>()
            .is_ok_and(|shown| (shown - f * 100.0).abs() <= 0.050_001),
        Data::Float(f) => format!("{f:.0}") == csv,
        _ => false,
    }
}

async fn exports_agree_with_each_other_and_the_page(app: &TestApp) {
    let cookie = format!("aiup_session={}", sign_in(app, Role::ProgrammeAdmin).await.cookie);
    let pages = [
        (
            "/admin/dashboard/targets",
            &[
                "five-year",
                "plan-lines",
                "by-stage",
                "by-tier",
                "by-province",
                "programmes",
                "programme-status",
                "indicators",
            ][..],
        ),
        ("/admin/dashboard/budget", &["budget-lines", "budget-totals"][..]),
        (
            "/admin/dashboard/budget/kdt-ai-campus",
            &["line-summary", "line-months"][..],
        ),
    ];
    for (page, tables) in pages {
        let (status, _, html) = fetch(app, &cookie, &format!("{page}?lang=en")).await;
        assert_eq!(status, 200, "{page}");
        let html = String::from_utf8(html).expect("UTF-8");
        for table in tables {
            assert!(html.contains(&format!("id=\"{table}\"")), "{page} shows {table}");
            assert!(
                html.contains(&format!("format=xlsx&amp;table={table}")),
                "{page} offers {table} as XLSX"
            );
            let (_, _, csv) = fetch(app, &cookie, &format!("{page}?lang=en&format=csv&table={table}")).await;
            let csv = parse_csv(&String::from_utf8(csv).expect("UTF-8"));
            let (status, content_type, xlsx) =
                fetch(app, &cookie, &format!("{page}?lang=en&format=xlsx&table={table}")).await;
            assert_eq!(status, 200);
            assert!(content_type.contains("spreadsheetml"), "{content_type}");
            let mut workbook = Xlsx::new(Cursor::new(xlsx)).expect("an XLSX workbook");
            let sheet = workbook.worksheet_range_at(0).expect("a sheet").expect("readable");
            let rows: Vec<&[Data]> = sheet.rows().collect();
            // Row 0 is the caption, row 1 the headers, as the CSV's first row.
            assert_eq!(rows.len(), csv.len() + 1, "{table}: rows");
            for (r, csv_row) in csv.iter().enumerate() {
                for (c, csv_cell) in csv_row.iter().enumerate() {
                    let cell = rows[r + 1].get(c).cloned().unwrap_or(Data::Empty);
                    assert!(
                        same_cell(&cell, csv_cell),
                        "{table} row {r} column {c}: {cell:?} vs {csv_cell:?}"
                    );
                    // Every count and amount is on the page too, as the page writes it.
                    if let (Data::Float(_), Ok(n)) = (&cell, csv_cell.parse::<i64>()) {
                        let shown = grouped(n);
                        assert!(html.contains(&shown), "{table}: {shown} not on the page");
                    }
                }
            }
        }
    }
}

/// 1234567 → "1,234,567", as the page writes counts and won.
fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_hold_appendix_1_and_their_exports_agree_on_sqlite() {
    let app = spawn_app().await;
    targets_and_budget_equal_appendix_1(&app).await;
    exports_agree_with_each_other_and_the_page(&app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_hold_appendix_1_and_their_exports_agree_on_postgres() {
    let Some(pg) = aiup_store::testing::postgres_test_url().await else {
        return;
    };
    let db = aiup_store::connect(pg.url()).await.expect("connect");
    let app = spawn_app_on(db).await;
    targets_and_budget_equal_appendix_1(&app).await;
    exports_agree_with_each_other_and_the_page(&app).await;
}
