//! Dashboard page group `regions` (issue 12): the country by province (`/admin/dashboard/regions`:
//! the tile map and the provinces' table) and a province's drill-down to its 시군구 and
//! programmes (`/admin/dashboard/regions/{province}`). Also what the overview and SME boards
//! share with it: the query every board takes ([`BoardQuery`]), the answer to a download or an
//! error ([`answer`], [`failed`]), and the province map ([`enrolment_map`], [`province_tiles`]).

use super::table::{export_response, table_with_downloads, Cell, Column, DataTable, Format, Kind};
use super::{as_of_stamp, frame, Board};
use crate::access::{perm, Access, Allowed};
use crate::i18n::Lang;
use crate::pages::chart::{bar_chart, BarChart, Series};
use crate::pages::chart_map::{hundredths, province_map, MapTile, ProvinceMap};
use crate::pages::widgets::href;
use crate::AppState;
use aiup_app::accounts::{Actor, Permission};
use aiup_app::dashboard::regions::{province, regions, AreaRow};
use aiup_app::AppError;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use maud::{html, Markup};
use serde::Deserialize;

pub const PATH: &str = "/admin/dashboard/regions";
const PROVINCE: &str = "/admin/dashboard/regions/{province}";

/// This page group's routes and who may use each (part of `access::ROUTES`).
pub const ROUTES: &[(Method, &str, Access)] = &[
    (Method::GET, PATH, Access::Allowed(Permission::ReadDashboards)),
    (Method::GET, PROVINCE, Access::Allowed(Permission::ReadDashboards)),
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/dashboard/regions", get(regions_page))
        .route("/admin/dashboard/regions/{province}", get(province_page))
}

/// The query of a board: the language, and a table to download instead of the page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct BoardQuery {
    pub lang: Option<String>,
    /// `csv` or `xlsx`.
    pub format: Option<String>,
    /// With `format`: the table's id.
    pub table: Option<String>,
}

/// A board's answer: the file of the table asked for with `format` (404 for an unknown table),
/// or else the page.
pub(crate) fn answer(
    q: &BoardQuery,
    lang: Lang,
    date: chrono::NaiveDate,
    tables: &[&DataTable],
    page: impl FnOnce() -> Response,
) -> Response {
    match Format::parse(q.format.as_deref()) {
        Some(format) => match tables.iter().find(|t| Some(t.id.as_str()) == q.table.as_deref()) {
            Some(table) => export_response(table, format, lang, date),
            None => crate::pages::error_page(StatusCode::NOT_FOUND, lang),
        },
        None => page(),
    }
}

/// A service error on a board: its status and message in the board's frame.
pub(crate) fn failed(actor: &Actor, lang: Lang, board: Board, here: &str, e: &AppError) -> Response {
    let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if status == StatusCode::NOT_FOUND {
        return crate::pages::error_page(status, lang);
    }
    let title = board.label(lang);
    let body = html! {
        h1 #page-title { (title) }
        p.notice role="alert" { (e.message_in(lang == Lang::Ko)) }
    };
    frame(actor, lang, board, title, here, body, status)
}

/// A province's page.
pub(crate) fn province_path(code: &str) -> String {
    format!("{PATH}/{code}")
}

/// The provinces as map tiles, `value` choosing the figure (hundredths).
pub(crate) fn province_tiles(
    lang: Lang,
    provinces: &[AreaRow],
    short_names: &[(String, String)],
    value: impl Fn(&AreaRow) -> Option<i64>,
) -> Vec<MapTile> {
    provinces
        .iter()
        .map(|p| MapTile {
            code: p.code.clone(),
            label: short_names
                .iter()
                .find(|(code, _)| *code == p.code)
                .map_or_else(|| lang.pick(&p.name.ko, &p.name.en).to_owned(), |(_, s)| s.clone()),
            value: value(p),
            href: href(&province_path(&p.code), lang),
        })
        .collect()
}

/// The short name of each province in `lang` ("서울", "Seoul"), by code.
pub(crate) fn short_names(state: &AppState, lang: Lang) -> Vec<(String, String)> {
    state
        .engine()
        .regions()
        .provinces()
        .iter()
        .map(|p| {
            (
                p.code.clone(),
                lang.pick(&p.short_name, aiup_core::region::province_english_name(p))
                    .to_owned(),
            )
        })
        .collect()
}

/// The provinces' map of people enrolled per 10,000 residents, each tile a link to its page.
pub(crate) fn enrolment_map(state: &AppState, lang: Lang, id: &str, provinces: &[AreaRow]) -> ProvinceMap {
    ProvinceMap {
        id: id.to_owned(),
        title: lang
            .pick(
                "시도별 인구 1만 명당 참여 인원",
                "People enrolled per 10,000 residents, by province",
            )
            .to_owned(),
        description: cartogram_description(lang, "아래 표", "the table below"),
        unit: lang.pick("명(인구 1만 명당)", "per 10,000 residents").to_owned(),
        link_hint: map_link_hint(lang),
        tiles: province_tiles(lang, provinces, &short_names(state, lang), AreaRow::enrolled_per_10k),
    }
}

/// What a province map shows, for screen readers; `table` says where the same numbers are.
pub(crate) fn cartogram_description(lang: Lang, table_ko: &str, table_en: &str) -> String {
    match lang {
        Lang::Ko => format!(
            "시도 하나가 같은 크기의 칸 하나인 카토그램입니다(경계 지도가 아님). 색이 진할수록 값이 크고, 칸마다 값이 적혀 있습니다. 같은 수가 {table_ko}에 있습니다."
        ),
        Lang::En => format!(
            "A cartogram with one equal tile per province (not a boundary map). Darker tiles have larger values; each tile shows its value. The same numbers are in {table_en}."
        ),
    }
}

/// What following a map tile does, said after its value.
pub(crate) fn map_link_hint(lang: Lang) -> String {
    lang.pick("시도 상세 보기", "open the province").to_owned()
}

fn per_10k(value: Option<i64>) -> Cell {
    value.map_or(Cell::Missing, |v| Cell::Text(hundredths(v)))
}

/// The columns of an area table after its first.
fn area_columns(first_ko: &str, first_en: &str, with_rates: bool) -> Vec<Column> {
    let mut columns = vec![
        Column::new(first_ko, first_en, Kind::Text),
        Column::new("참여 인원", "People enrolled", Kind::Count),
        Column::new("훈련 중", "In training", Kind::Count),
        Column::new("수료", "Completed", Kind::Count),
        Column::new("수료율", "Completion rate", Kind::Percent),
    ];
    if with_rates {
        columns.push(Column::new(
            "인구 1만 명당 참여",
            "Enrolled per 10,000 residents",
            Kind::Text,
        ));
        columns.push(Column::new(
            "인구 1만 명당 수료",
            "Completed per 10,000 residents",
            Kind::Text,
        ));
    }
    columns.extend([
        Column::new("훈련장려금 지급액", "Allowances paid", Kind::Won),
        Column::new("카드 훈련비 결제액", "Tuition charged to cards", Kind::Won),
    ]);
    columns
}

fn area_cells(lang: Lang, row: &AreaRow, with_rates: bool, with_smes: bool) -> Vec<Cell> {
    let c = &row.counts;
    let mut cells = vec![
        Cell::Text(lang.pick(&row.name.ko, &row.name.en).to_owned()),
        Cell::Int(c.people_enrolled),
        Cell::Int(c.in_training),
        Cell::Int(c.completed),
        c.completion_bp().map_or(Cell::Missing, Cell::Bp),
    ];
    if with_rates {
        cells.push(per_10k(row.enrolled_per_10k()));
        cells.push(per_10k(row.completed_per_10k()));
    }
    cells.push(Cell::Int(c.paid_won));
    cells.push(Cell::Int(c.card_charged_won));
    if with_smes {
        cells.push(Cell::Int(c.smes_diagnosed));
    }
    cells
}

/// The provinces' table (`provinces`), with the country's total as its footer.
pub(crate) fn provinces_table(lang: Lang, provinces: &[AreaRow], total: &AreaRow) -> DataTable {
    let mut columns = area_columns("시도", "Province", true);
    columns.push(Column::new("진단 중소기업", "SMEs diagnosed", Kind::Count));
    DataTable {
        id: "provinces".into(),
        caption_ko: "시도별 참여·수료·지급 (거주지 기준)".into(),
        caption_en: "Enrolment, completion and payments by province (where people live)".into(),
        columns,
        rows: provinces.iter().map(|p| area_cells(lang, p, true, true)).collect(),
        footer: Some(area_cells(lang, total, true, true)),
    }
}

async fn regions_page(
    Allowed(actor, ..): Allowed<perm::ReadDashboards>,
    State(state): State<AppState>,
    Query(q): Query<BoardQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let view = match regions(&state.app, &actor).await {
        Ok(view) => view,
        Err(e) => return failed(&actor, lang, Board::Regions, PATH, &e),
    };
    let table = provinces_table(lang, &view.provinces, &view.total);
    answer(&q, lang, view.as_of.date, &[&table], || {
        let map = enrolment_map(&state, lang, "regions-map", &view.provinces);
        let title = Board::Regions.label(lang);
        let body = html! {
            h1 #page-title { (lang.pick("지역별 현황", "Regions")) }
            (as_of_stamp(lang, &view.as_of))
            p { (lang.pick(
                "사람은 거주지(시군구), 중소기업은 소재지 기준입니다. 지도나 표 아래 목록에서 시도를 고르면 시군구와 사업별 현황을 봅니다.",
                "People are counted where they live (시군구), SMEs where they are. Choose a province on the map or in the list below the table for its 시군구 and programmes.")) }
            (province_map(&map))
            (table_with_downloads(&table, lang, PATH))
            (province_links(lang, &view.provinces))
        };
        frame(&actor, lang, Board::Regions, title, PATH, body, StatusCode::OK)
    })
}

/// Links to every province's page.
pub(crate) fn province_links(lang: Lang, provinces: &[AreaRow]) -> Markup {
    html! {
        nav.province-links aria-label=(lang.pick("시도별 상세", "Province details")) {
            h2 { (lang.pick("시도별 상세", "Province details")) }
            ul { @for p in provinces {
                li { a href=(href(&province_path(&p.code), lang)) { (lang.pick(&p.name.ko, &p.name.en)) } }
            } }
        }
    }
}

#[derive(Debug, Deserialize)]
struct ProvincePath {
    province: String,
}

async fn province_page(
    Allowed(actor, ..): Allowed<perm::ReadDashboards>,
    State(state): State<AppState>,
    Path(p): Path<ProvincePath>,
    Query(q): Query<BoardQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let here = province_path(&p.province);
    let view = match province(&state.app, &actor, &p.province).await {
        Ok(view) => view,
        Err(e) => return failed(&actor, lang, Board::Regions, &here, &e),
    };
    let mut columns = area_columns("시군구", "City, county or district", false);
    columns.push(Column::new("진단 중소기업", "SMEs diagnosed", Kind::Count));
    let regions_table = DataTable {
        id: "province-regions".into(),
        caption_ko: format!("{} 시군구별 현황 (거주지 기준)", view.province.name.ko),
        caption_en: format!(
            "{} by city, county or district (where people live)",
            view.province.name.en
        ),
        columns,
        rows: view.regions.iter().map(|r| area_cells(lang, r, false, true)).collect(),
        footer: Some(area_cells(lang, &view.province, false, true)),
    };
    let programmes_table = DataTable {
        id: "province-programmes".into(),
        caption_ko: format!("{} 사업별 현황", view.province.name.ko),
        caption_en: format!("{} by programme", view.province.name.en),
        columns: area_columns("사업", "Programme", false),
        rows: view
            .programmes
            .iter()
            .map(|r| area_cells(lang, r, false, false))
            .collect(),
        footer: None,
    };
    answer(&q, lang, view.as_of.date, &[&regions_table, &programmes_table], || {
        let name = lang.pick(&view.province.name.ko, &view.province.name.en);
        let chart = BarChart {
            id: "province-regions-chart".into(),
            title: format!(
                "{name} {}",
                lang.pick("시군구별 참여 인원", "people enrolled by city, county or district")
            ),
            description: lang
                .pick(
                    "막대마다 값이 적혀 있고, 같은 수가 아래 표에 있습니다.",
                    "Each bar shows its value; the same numbers are in the table below.",
                )
                .to_owned(),
            unit: String::new(),
            categories: view
                .regions
                .iter()
                .map(|r| lang.pick(&r.name.ko, &r.name.en).to_owned())
                .collect(),
            series: vec![Series {
                name: lang.pick("참여 인원", "People enrolled").to_owned(),
                values: view
                    .regions
                    .iter()
                    .map(|r| u32::try_from(r.counts.people_enrolled.saturating_mul(10)).ok())
                    .collect(),
            }],
        };
        let body = html! {
            p { a href=(href(PATH, lang)) { (lang.pick("← 지역별 현황", "← Regions")) } }
            h1 #page-title { (name) }
            (as_of_stamp(lang, &view.as_of))
            p { (lang.pick(
                "아래 표의 합계 행은 위 시도 전체의 수치이며, 시군구 행을 더한 값과 같습니다.",
                "The total row of the first table is the province's figure, and equals the sum of its rows.")) }
            (bar_chart(&chart))
            (table_with_downloads(&regions_table, lang, &here))
            h2 { (lang.pick("사업별", "By programme")) }
            p { (lang.pick(
                "두 사업에 참여한 사람은 두 행에 모두 셉니다. 그래서 사업별 참여 인원의 합은 시도 인원보다 클 수 있습니다.",
                "A person in two programmes counts in both rows, so people enrolled by programme may add up to more than the province's.")) }
            (table_with_downloads(&programmes_table, lang, &here))
        };
        frame(&actor, lang, Board::Regions, name, &here, body, StatusCode::OK)
    })
}
