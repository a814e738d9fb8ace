//! Dashboard page group `smes` (issue 12): `/admin/dashboard/smes`, the SME package's 2026
//! targets, how far the registry's firms got (registered → staff enrolled), and the same by AX
//! level, centre, province (with the map) and size band.

use super::regions::{answer, cartogram_description, failed, map_link_hint, province_path, short_names, BoardQuery};
use super::table::{table_with_downloads, Cell, Column, DataTable, Kind};
use super::{as_of_stamp, frame, Board};
use crate::access::{perm, Access, Allowed};
use crate::i18n::Lang;
use crate::pages::chart::{bar_chart, BarChart, Series};
use crate::pages::chart_map::{province_map, MapTile, ProvinceMap};
use crate::pages::widgets::href;
use crate::AppState;
use aiup_app::accounts::Permission;
use aiup_app::dashboard::smes::{smes, Funnel, FunnelRow};
use aiup_core::policy::TargetUnit;
use axum::extract::{Query, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use maud::html;

pub const PATH: &str = "/admin/dashboard/smes";

/// This page group's routes and who may use each (part of `access::ROUTES`).
pub const ROUTES: &[(Method, &str, Access)] = &[(Method::GET, PATH, Access::Allowed(Permission::ReadDashboards))];

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/dashboard/smes", get(smes_page))
}

/// The package's steps, in order: (Korean, English, the funnel's count).
fn steps(f: &Funnel) -> [(&'static str, &'static str, i64); 7] {
    [
        ("등록", "Registered", f.registered),
        ("센터 배정", "Assigned to a centre", f.assigned),
        ("방문", "Visited", f.visited),
        ("진단", "Diagnosed", f.diagnosed),
        ("처방", "Prescribed", f.prescribed),
        ("계획 수락", "Plan accepted", f.plans_accepted),
        ("재직자 수강", "Staff enrolled", f.staff_enrolled),
    ]
}

fn funnel_table(
    id: &str,
    caption: (&str, &str),
    first: (&str, &str),
    lang: Lang,
    rows: &[FunnelRow],
    total: &Funnel,
) -> DataTable {
    let mut columns = vec![Column::new(first.0, first.1, Kind::Text)];
    columns.extend(steps(total).iter().map(|(ko, en, _)| Column::new(ko, en, Kind::Count)));
    let cells = |name: String, f: &Funnel| {
        std::iter::once(Cell::Text(name))
            .chain(steps(f).iter().map(|(_, _, n)| Cell::Int(*n)))
            .collect::<Vec<_>>()
    };
    DataTable {
        id: id.to_owned(),
        caption_ko: caption.0.to_owned(),
        caption_en: caption.1.to_owned(),
        columns,
        rows: rows
            .iter()
            .map(|r| cells(lang.pick(&r.name.ko, &r.name.en).to_owned(), &r.funnel))
            .collect(),
        footer: Some(cells(lang.pick("합계", "Total").to_owned(), total)),
    }
}

/// The English word of a target's unit (the policy keeps the Korean one).
fn unit_en(unit: TargetUnit) -> &'static str {
    match unit {
        TargetUnit::People => "people",
        TargetUnit::Workplaces => "workplaces",
        TargetUnit::Firms => "firms",
        TargetUnit::Sites => "sites",
        TargetUnit::Centres => "centres",
        TargetUnit::Courses => "courses",
    }
}

async fn smes_page(
    Allowed(actor, ..): Allowed<perm::ReadDashboards>,
    State(state): State<AppState>,
    Query(q): Query<BoardQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let view = match smes(&state.app, &actor).await {
        Ok(view) => view,
        Err(e) => return failed(&actor, lang, Board::Smes, PATH, &e),
    };
    let targets = DataTable {
        id: "sme-targets".into(),
        caption_ko: format!("{}년 중소기업 사업 목표 대비 실적", view.year),
        caption_en: format!("SME programmes against their {} targets", view.year),
        columns: vec![
            Column::new("사업", "Programme", Kind::Text),
            Column::new("목표", "Target", Kind::Count),
            Column::new("단위", "Unit", Kind::Text),
            Column::new("실적", "Achieved", Kind::Count),
            Column::new("달성률", "Of target", Kind::Percent),
        ],
        rows: view
            .targets
            .iter()
            .map(|t| {
                vec![
                    Cell::Text(lang.pick(&t.name.ko, &t.name.en).to_owned()),
                    Cell::Int(t.target.value),
                    Cell::Text(lang.pick(t.target.unit.label_ko(), unit_en(t.target.unit)).to_owned()),
                    Cell::Int(i64::try_from(t.achieved).unwrap_or(i64::MAX)),
                    Cell::Bp(i64::from(t.progress_bp)),
                ]
            })
            .collect(),
        footer: None,
    };
    let funnel = funnel_table(
        "sme-funnel",
        ("중소기업 단계별 현황", "SMEs at each step of the package"),
        ("구분", "Firms"),
        lang,
        &[],
        &view.total,
    );
    let by_level = funnel_table(
        "sme-by-level",
        ("최근 진단의 AX 수준별", "By the AX level of the latest diagnosis"),
        ("AX 수준", "AX level"),
        lang,
        &view.by_level,
        &view.total,
    );
    let by_centre = funnel_table(
        "sme-by-centre",
        ("AI 훈련 확산센터별", "By AI-training diffusion centre"),
        ("센터", "Centre"),
        lang,
        &view.by_centre,
        &view.total,
    );
    let by_province = funnel_table(
        "sme-by-province",
        ("시도별 (기업 소재지 기준)", "By province (where the firm is)"),
        ("시도", "Province"),
        lang,
        &view.by_province,
        &view.total,
    );
    let by_size = funnel_table(
        "sme-by-size",
        ("규모별", "By size band"),
        ("규모", "Size band"),
        lang,
        &view.by_size,
        &view.total,
    );
    let tables = [&targets, &funnel, &by_level, &by_centre, &by_province, &by_size];
    answer(&q, lang, view.as_of.date, &tables, || {
        let same_numbers = lang.pick(
            "막대마다 값이 적혀 있고, 같은 수가 바로 아래 표에 있습니다.",
            "Each bar shows its value; the same numbers are in the table right below.",
        );
        let targets_chart = BarChart {
            id: "sme-targets-chart".into(),
            title: lang.pick("목표 대비 달성률", "Progress against the targets").to_owned(),
            description: same_numbers.to_owned(),
            unit: "%".into(),
            categories: view
                .targets
                .iter()
                .map(|t| lang.pick(&t.name.ko, &t.name.en).to_owned())
                .collect(),
            series: vec![Series {
                name: lang.pick("달성률", "Of target").to_owned(),
                values: view.targets.iter().map(|t| Some(t.progress_bp / 10)).collect(),
            }],
        };
        let funnel_chart = BarChart {
            id: "sme-funnel-chart".into(),
            title: lang.pick("단계별 중소기업 수", "Firms at each step").to_owned(),
            description: same_numbers.to_owned(),
            unit: String::new(),
            categories: steps(&view.total)
                .iter()
                .map(|(ko, en, _)| lang.pick(ko, en).to_owned())
                .collect(),
            series: vec![Series {
                name: lang.pick("기업 수", "Firms").to_owned(),
                values: steps(&view.total)
                    .iter()
                    .map(|(_, _, n)| u32::try_from(n.saturating_mul(10)).ok())
                    .collect(),
            }],
        };
        let names = short_names(&state, lang);
        let map = ProvinceMap {
            id: "sme-map".into(),
            title: lang
                .pick("시도별 진단 중소기업 수", "SMEs diagnosed, by province")
                .to_owned(),
            description: cartogram_description(lang, "아래 시도별 표", "the province table below"),
            unit: lang.pick("개사", "firms").to_owned(),
            link_hint: map_link_hint(lang),
            tiles: view
                .by_province
                .iter()
                .map(|p| MapTile {
                    code: p.key.clone(),
                    label: names
                        .iter()
                        .find(|(code, _)| *code == p.key)
                        .map_or_else(|| p.key.clone(), |(_, s)| s.clone()),
                    value: Some(p.funnel.diagnosed * 100),
                    href: href(&province_path(&p.key), lang),
                })
                .collect(),
        };
        let title = Board::Smes.label(lang);
        let body = html! {
            h1 #page-title { (lang.pick("중소기업 현황", "SMEs")) }
            (as_of_stamp(lang, &view.as_of))
            section aria-labelledby="targets-heading" {
                h2 #targets-heading { (lang.pick("목표 대비 실적", "Against the targets")) }
                (bar_chart(&targets_chart))
                (table_with_downloads(&targets, lang, PATH))
            }
            section aria-labelledby="funnel-heading" {
                h2 #funnel-heading { (lang.pick("발굴에서 수강까지", "From discovery to enrolment")) }
                (bar_chart(&funnel_chart))
                (table_with_downloads(&funnel, lang, PATH))
            }
            section aria-labelledby="breakdowns-heading" {
                h2 #breakdowns-heading { (lang.pick("구분별", "Breakdowns")) }
                (table_with_downloads(&by_level, lang, PATH))
                (table_with_downloads(&by_centre, lang, PATH))
                (province_map(&map))
                (table_with_downloads(&by_province, lang, PATH))
                (table_with_downloads(&by_size, lang, PATH))
            }
        };
        frame(&actor, lang, Board::Smes, title, PATH, body, StatusCode::OK)
    })
}
