//! Dashboard page group `overview` (issue 12): `/admin/dashboard`, the headline numbers against
//! the plan, the months of the year as lines, the province map, and links to every board.

use super::regions::{answer, enrolment_map, failed, province_links, BoardQuery};
use super::table::{table_with_downloads, Cell, Column, DataTable, Kind};
use super::{as_of_stamp, frame, Board};
use crate::access::{perm, Access, Allowed};
use crate::i18n::Lang;
use crate::pages::chart::{bar_chart, line_chart, BarChart, LineChart, Series};
use crate::pages::chart_map::{hundredths, province_map};
use crate::pages::widgets::href;
use crate::AppState;
use aiup_app::accounts::Permission;
use aiup_app::dashboard::overview::{overview, Headline};
use axum::extract::{Query, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use maud::html;

pub const PATH: &str = "/admin/dashboard";

/// This page group's routes and who may use each (part of `access::ROUTES`).
pub const ROUTES: &[(Method, &str, Access)] = &[(Method::GET, PATH, Access::Allowed(Permission::ReadDashboards))];

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/dashboard", get(overview_page))
}

fn headline_row(ko: &str, en: &str, lang: Lang, h: &Headline) -> Vec<Cell> {
    vec![
        Cell::Text(lang.pick(ko, en).to_owned()),
        Cell::Int(h.value),
        h.target.map_or(Cell::Missing, Cell::Int),
        h.progress_bp().map_or(Cell::Missing, Cell::Bp),
    ]
}

/// Month labels of a year: "1월"…, "Jan"….
fn month_labels(lang: Lang) -> Vec<String> {
    const EN: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    (1..=12)
        .map(|m: usize| match lang {
            Lang::Ko => format!("{m}월"),
            Lang::En => EN[m - 1].to_owned(),
        })
        .collect()
}

fn tenths_of(n: i64) -> Option<u32> {
    u32::try_from(n.saturating_mul(10)).ok()
}

async fn overview_page(
    Allowed(actor, ..): Allowed<perm::ReadDashboards>,
    State(state): State<AppState>,
    Query(q): Query<BoardQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let view = match overview(&state.app, &actor).await {
        Ok(view) => view,
        Err(e) => return failed(&actor, lang, Board::Overview, PATH, &e),
    };
    let headlines = DataTable {
        id: "headlines".into(),
        caption_ko: format!("{}년 주요 지표와 계획 목표", view.year),
        caption_en: format!("Headline figures of {} against the plan", view.year),
        columns: vec![
            Column::new("지표", "Measure", Kind::Text),
            Column::new("현재", "Now", Kind::Count),
            Column::new("목표", "Target", Kind::Count),
            Column::new("달성률", "Of target", Kind::Percent),
        ],
        rows: vec![
            headline_row("참여 인원 (명)", "People enrolled", lang, &view.people),
            headline_row("예산 집행액 (원)", "Budget paid (won)", lang, &view.paid_won),
            headline_row(
                "연말 집행 전망 (원)",
                "Forecast to the year's end (won)",
                lang,
                &view.forecast_won,
            ),
            headline_row(
                "진단·처방 중소기업 (개사)",
                "SMEs diagnosed and prescribed",
                lang,
                &view.smes,
            ),
            headline_row(
                "5년 누적 훈련 인원 (중복 제외, 명)",
                "Unique people trained over five years",
                lang,
                &view.five_year_people,
            ),
        ],
        footer: None,
    };
    let months = DataTable {
        id: "months".into(),
        caption_ko: format!("{}년 월별 훈련 시작·수료·지급", view.year),
        caption_en: format!("Training started, completed and paid by month, {}", view.year),
        columns: vec![
            Column::new("월", "Month", Kind::Text),
            Column::new("훈련 시작", "Started", Kind::Count),
            Column::new("수료", "Completed", Kind::Count),
            Column::new(
                "훈련장려금 (취소 외 지급 회차)",
                "Allowances (runs not cancelled)",
                Kind::Won,
            ),
        ],
        rows: view
            .months
            .iter()
            .zip(month_labels(lang))
            .map(|(m, label)| {
                vec![
                    Cell::Text(label),
                    Cell::Int(m.started),
                    Cell::Int(m.completed),
                    Cell::Int(m.paid_won),
                ]
            })
            .collect(),
        footer: Some(vec![
            Cell::Text(lang.pick("합계", "Total").to_owned()),
            Cell::Int(view.months.iter().map(|m| m.started).sum()),
            Cell::Int(view.months.iter().map(|m| m.completed).sum()),
            Cell::Int(view.months.iter().map(|m| m.paid_won).sum()),
        ]),
    };
    let provinces = DataTable {
        id: "provinces-per-10k".into(),
        caption_ko: "시도별 인구 1만 명당 참여·수료 (거주지 기준)".into(),
        caption_en: "Enrolled and completed per 10,000 residents, by province (where people live)".into(),
        columns: vec![
            Column::new("시도", "Province", Kind::Text),
            Column::new("참여 인원", "People enrolled", Kind::Count),
            Column::new("인구 1만 명당 참여", "Enrolled per 10,000 residents", Kind::Text),
            Column::new("수료", "Completed", Kind::Count),
            Column::new("인구 1만 명당 수료", "Completed per 10,000 residents", Kind::Text),
        ],
        rows: view
            .provinces
            .iter()
            .map(|p| {
                let rate = |v: Option<i64>| v.map_or(Cell::Missing, |v| Cell::Text(hundredths(v)));
                vec![
                    Cell::Text(lang.pick(&p.name.ko, &p.name.en).to_owned()),
                    Cell::Int(p.counts.people_enrolled),
                    rate(p.enrolled_per_10k()),
                    Cell::Int(p.counts.completed),
                    rate(p.completed_per_10k()),
                ]
            })
            .collect(),
        footer: None,
    };
    answer(&q, lang, view.as_of.date, &[&headlines, &months, &provinces], || {
        let same_numbers = lang.pick(
            "값마다 숫자가 적혀 있고, 같은 수가 바로 아래 표에 있습니다.",
            "Each value is written out; the same numbers are in the table right below.",
        );
        let progress = BarChart {
            id: "headlines-chart".into(),
            title: lang
                .pick("계획 목표 대비 달성률", "Progress against the plan")
                .to_owned(),
            description: same_numbers.to_owned(),
            unit: "%".into(),
            categories: headlines
                .rows
                .iter()
                .filter_map(|r| match r.first() {
                    Some(Cell::Text(t)) => Some(t.clone()),
                    _ => None,
                })
                .collect(),
            series: vec![Series {
                name: lang.pick("달성률", "Of target").to_owned(),
                values: [
                    &view.people,
                    &view.paid_won,
                    &view.forecast_won,
                    &view.smes,
                    &view.five_year_people,
                ]
                .iter()
                .map(|h| h.progress_bp().and_then(|bp| u32::try_from(bp / 10).ok()))
                .collect(),
            }],
        };
        let counts_line = LineChart {
            id: "months-chart".into(),
            title: format!(
                "{} {}",
                view.year,
                lang.pick("월별 훈련 시작과 수료", "training started and completed by month")
            ),
            description: same_numbers.to_owned(),
            unit: String::new(),
            categories: month_labels(lang),
            series: vec![
                Series {
                    name: lang.pick("훈련 시작", "Started").to_owned(),
                    values: view.months.iter().map(|m| tenths_of(m.started)).collect(),
                },
                Series {
                    name: lang.pick("수료", "Completed").to_owned(),
                    values: view.months.iter().map(|m| tenths_of(m.completed)).collect(),
                },
            ],
        };
        let paid_line = LineChart {
            id: "months-paid-chart".into(),
            title: format!(
                "{} {}",
                view.year,
                lang.pick(
                    "월별 훈련장려금 지급액 (백만 원)",
                    "allowances paid by month (million won)"
                )
            ),
            description: same_numbers.to_owned(),
            unit: String::new(),
            categories: month_labels(lang),
            series: vec![Series {
                name: lang.pick("지급액 (백만 원)", "Paid (million won)").to_owned(),
                // Tenths of a million won.
                values: view
                    .months
                    .iter()
                    .map(|m| u32::try_from(m.paid_won / 100_000).ok())
                    .collect(),
            }],
        };
        let map = enrolment_map(&state, lang, "overview-map", &view.provinces);
        let title = Board::Overview.label(lang);
        let body = html! {
            h1 #page-title { (lang.pick("사업 현황 개요", "Programme overview")) }
            (as_of_stamp(lang, &view.as_of))
            section aria-labelledby="headlines-heading" {
                h2 #headlines-heading { (lang.pick("주요 지표", "Headline figures")) }
                (bar_chart(&progress))
                (table_with_downloads(&headlines, lang, PATH))
            }
            section aria-labelledby="months-heading" {
                h2 #months-heading { (lang.pick("월별 추이", "Month by month")) }
                (line_chart(&counts_line))
                (line_chart(&paid_line))
                (table_with_downloads(&months, lang, PATH))
            }
            section aria-labelledby="map-heading" {
                h2 #map-heading { (lang.pick("시도별 참여", "Enrolment by province")) }
                (province_map(&map))
                (table_with_downloads(&provinces, lang, PATH))
                (province_links(lang, &view.provinces))
            }
            section aria-labelledby="boards-heading" {
                h2 #boards-heading { (lang.pick("현황판", "Boards")) }
                ul.board-links { @for board in Board::ALL.iter().filter(|b| **b != Board::Overview) {
                    li { a href=(href(board.path(), lang)) { (board.label(lang)) } }
                } }
            }
        };
        frame(&actor, lang, Board::Overview, title, PATH, body, StatusCode::OK)
    })
}
