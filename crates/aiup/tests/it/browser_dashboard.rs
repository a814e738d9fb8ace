//! The dashboards as a programme administrator uses them, in headless Chromium at 390 and
//! 1280 px, in Korean and English: the overview shows its numbers with their date and policy
//! version, the map and the line charts each with their table; a province reached by clicking
//! its map tile, and another by the link under the regions table, lists its 시군구 with the same
//! totals as the province's row; every table offers its CSV and XLSX.

use aiup_app::accounts::Role;
use fantoccini::Locator;

use crate::accessibility::sign_in;
use crate::browser::Browser;

/// The text of every cell of the row of `table` whose header cell is `row_header`.
async fn row_cells(b: &Browser, table: &str, row_header: &str) -> Vec<String> {
    let rows = b
        .client
        .find_all(Locator::Css(&format!("#{table} tbody tr, #{table} tfoot tr")))
        .await
        .expect("rows");
    for row in rows {
        let header = row
            .find(Locator::Css("th"))
            .await
            .expect("row header")
            .text()
            .await
            .expect("text");
        if header.trim() == row_header {
            let mut out = Vec::new();
            for cell in row.find_all(Locator::Css("td")).await.expect("cells") {
                out.push(cell.text().await.expect("text").trim().to_owned());
            }
            return out;
        }
    }
    panic!("no row {row_header} in #{table}");
}

async fn total_cells(b: &Browser, table: &str) -> Vec<String> {
    let mut out = Vec::new();
    for cell in b
        .client
        .find_all(Locator::Css(&format!("#{table} tfoot td")))
        .await
        .expect("footer cells")
    {
        out.push(cell.text().await.expect("text").trim().to_owned());
    }
    out
}

async fn present(b: &Browser, css: &str) -> bool {
    b.client.find(Locator::Css(css)).await.is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_overview_leads_to_a_province_whose_districts_add_up() {
    let Some(b) = Browser::start().await else { return };
    crate::dashboard_regions::populate(&b.app, 120).await;
    crate::testkit::create_account(&b.app, Role::ProgrammeAdmin, None).await;
    sign_in(&b, Role::ProgrammeAdmin).await;
    let today = b.app.state.app.today().to_string();
    for (lang, suffix, seoul, gyeonggi) in [
        ("ko", "", "서울특별시", "경기도"),
        ("en", "?lang=en", "Seoul", "Gyeonggi-do"),
    ] {
        for width in [390, 1280] {
            b.client.set_window_size(width, 1000).await.expect("resize");
            b.goto(&format!("/admin/dashboard{suffix}")).await;
            let stamp = b.text("p.as-of").await;
            assert!(
                stamp.contains(&today) && stamp.contains("2026"),
                "the date and policy version: {stamp}"
            );
            for css in [
                "#overview-map svg[role='group'] title",
                "#provinces-per-10k",
                "#months-chart svg[role='img'] title",
                "#months-paid-chart svg[role='img']",
                "#months",
                "#headlines",
                "a[href*='format=csv&table=months']",
                "a[href*='format=xlsx&table=months']",
                "a[href*='format=xlsx&table=provinces-per-10k']",
            ] {
                assert!(present(&b, css).await, "{css} on the overview ({lang}, {width} px)");
            }
            // Seoul's row on the overview, then its tile on the map: the province page's 시군구
            // add up to the same people.
            let overview_row = row_cells(&b, "provinces-per-10k", seoul).await;
            let tile = b
                .client
                .find(Locator::Css("#overview-map a[href*='/admin/dashboard/regions/11']"))
                .await
                .expect("Seoul's tile");
            let label = tile.attr("aria-label").await.expect("attr").unwrap_or_default();
            assert!(
                label.contains(&overview_row[1]),
                "the tile names its value: {label} / {overview_row:?}"
            );
            b.click_element_and_wait(tile).await;
            b.screenshot(&format!("dashboard-province-{lang}-{width}.png"), width)
                .await;
            assert!(b
                .client
                .current_url()
                .await
                .expect("url")
                .path()
                .ends_with("/admin/dashboard/regions/11"));
            let total = total_cells(&b, "province-regions").await;
            assert_eq!(
                total[0], overview_row[0],
                "people enrolled in Seoul ({lang}, {width} px)"
            );
            let mut sum = 0_i64;
            for cell in b
                .client
                .find_all(Locator::Css("#province-regions tbody tr td:nth-of-type(1)"))
                .await
                .expect("people cells")
            {
                sum += cell
                    .text()
                    .await
                    .expect("text")
                    .replace(',', "")
                    .trim()
                    .parse::<i64>()
                    .expect("count");
            }
            assert_eq!(sum.to_string(), overview_row[0].replace(',', ""), "the 시군구 add up");
            assert!(present(&b, "a[href*='format=csv&table=province-regions']").await);

            // The regions board: the table's link list leads to Gyeonggi, whose row agrees.
            b.goto(&format!("/admin/dashboard/regions{suffix}")).await;
            let row = row_cells(&b, "provinces", gyeonggi).await;
            let link = b
                .client
                .find(Locator::Css(".province-links a[href*='/admin/dashboard/regions/41']"))
                .await
                .expect("Gyeonggi's link");
            b.click_element_and_wait(link).await;
            let total = total_cells(&b, "province-regions").await;
            assert_eq!(
                (&total[0], &total[1], &total[2]),
                (&row[0], &row[1], &row[2]),
                "people, in training, completed"
            );
        }
    }
}
