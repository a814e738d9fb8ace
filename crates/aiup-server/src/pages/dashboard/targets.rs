//! The targets dashboard (`/admin/dashboard/targets`): every plan line, indicator and programme
//! target against live progress, by stage, region tier and province, and the five-year goal.
//! Every table is a [`DataTable`] with its CSV and XLSX downloads; each chart stands before the
//! table with its numbers.

use super::super::chart::{bar_chart, BarChart, Series};
use super::table::{export_response, table_with_downloads, Cell, Column, DataTable, Format, Kind};
use super::{as_of_stamp, frame, Board};
use crate::access::{perm, Access, Allowed};
use crate::i18n::Lang;
use crate::AppState;
use aiup_app::accounts::Permission;
use aiup_app::dashboard::targets::{targets, BreakdownRow, Progress, TargetsView};
use aiup_core::policy::{IndicatorValue, TargetUnit};
use axum::extract::{Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use maud::html;
use serde::Deserialize;

pub const PATH: &str = "/admin/dashboard/targets";

/// This page group's routes and who may use each (part of `access::ROUTES`).
pub const ROUTES: &[(Method, &str, Access)] = &[(Method::GET, PATH, Access::Allowed(Permission::ReadDashboards))];

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/dashboard/targets", get(targets_page))
}

/// A dashboard page's query: its language, and a table to download instead of the page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PageQuery {
    pub lang: Option<String>,
    /// `csv` or `xlsx`: download `table` instead of the page.
    pub format: Option<String>,
    pub table: Option<String>,
}

impl PageQuery {
    /// The download the query asks for among `tables` (404 for a table the page does not
    /// have); `None` when it asks for the page.
    pub fn download(&self, tables: &[DataTable], lang: Lang, date: chrono::NaiveDate) -> Option<Response> {
        let format = Format::parse(self.format.as_deref())?;
        Some(
            match tables.iter().find(|t| Some(t.id.as_str()) == self.table.as_deref()) {
                Some(table) => export_response(table, format, lang, date),
                None => super::super::error_page(StatusCode::NOT_FOUND, lang),
            },
        )
    }
}

/// A target's unit in words.
pub fn unit_label(unit: Option<TargetUnit>, lang: Lang) -> String {
    match unit {
        Some(u) => lang
            .pick(
                u.label_ko(),
                match u {
                    TargetUnit::People => "people",
                    TargetUnit::Workplaces => "workplaces",
                    TargetUnit::Firms => "firms",
                    TargetUnit::Sites => "sites",
                    TargetUnit::Centres => "centres",
                    TargetUnit::Courses => "courses",
                },
            )
            .to_owned(),
        None => "–".to_owned(),
    }
}

/// Where a progress figure comes from, in words (never by colour alone).
pub fn progress_source(progress: &Progress, lang: Lang) -> String {
    match progress {
        Progress::People { .. } => lang.pick("aiup 수강 원장", "aiup enrolment ledger").to_owned(),
        Progress::Count { .. } => lang.pick("aiup 기록", "aiup records").to_owned(),
        Progress::Imported(f) => format!("{} ({})", f.source, f.as_of),
        Progress::NotYet => lang.pick("집계 준비 중", "not yet counted").to_owned(),
        Progress::NoMeasure => lang.pick("aiup 집계 없음", "no measure in aiup").to_owned(),
    }
}

fn opt_int(value: Option<i64>) -> Cell {
    value.map_or(Cell::Missing, Cell::Int)
}

fn opt_bp(value: Option<i64>) -> Cell {
    value.map_or(Cell::Missing, Cell::Bp)
}

fn text(lang: Lang, t: &aiup_core::policy::Text) -> Cell {
    Cell::Text(lang.pick(&t.ko, &t.en).to_owned())
}

/// The plan lines (seed 002 붙임1) with their targets and progress.
pub fn plan_lines_table(view: &TargetsView, lang: Lang) -> DataTable {
    DataTable {
        id: "plan-lines".into(),
        caption_ko: format!("{}년 계획 사업별 목표와 진척 (seed 002 붙임1)", view.year),
        caption_en: format!("{} plan lines: targets and progress (seed 002 appendix 1)", view.year),
        columns: vec![
            Column::new("사업 내용", "Line", Kind::Text),
            Column::new("ID", "ID", Kind::Text),
            Column::new("단계", "Stage", Kind::Text),
            Column::new("목표", "Target", Kind::Count),
            Column::new("단위", "Unit", Kind::Text),
            Column::new("진척(선발 이상)", "Progress (enrolled)", Kind::Count),
            Column::new("훈련 중", "In training", Kind::Count),
            Column::new("수료", "Completed", Kind::Count),
            Column::new("달성률", "Share of target", Kind::Percent),
            Column::new("진척 출처", "Source of progress", Kind::Text),
        ],
        rows: view
            .plan_lines
            .iter()
            .map(|l| {
                let (in_training, completed) = match l.progress {
                    Progress::People {
                        in_training, completed, ..
                    } => (Cell::Int(in_training), Cell::Int(completed)),
                    _ => (Cell::Missing, Cell::Missing),
                };
                vec![
                    text(lang, &l.content),
                    Cell::Text(l.id.clone()),
                    Cell::Text(lang.pick(l.stage.label_ko(), l.stage.label_en()).to_owned()),
                    opt_int(l.size),
                    Cell::Text(unit_label(l.unit, lang)),
                    opt_int(l.progress.headline()),
                    in_training,
                    completed,
                    opt_bp(l.share_bp),
                    Cell::Text(progress_source(&l.progress, lang)),
                ]
            })
            .collect(),
        footer: None,
    }
}

fn indicator_value(value: &IndicatorValue) -> String {
    match value {
        IndicatorValue::Count(n) => super::table::grouped(*n),
        IndicatorValue::Won(w) => w.to_string(),
        IndicatorValue::Rate(r) => r.to_string(),
    }
}

/// Every indicator of the policy, with progress where aiup has one.
pub fn indicators_table(view: &TargetsView, lang: Lang) -> DataTable {
    DataTable {
        id: "indicators".into(),
        caption_ko: "기타 계획 지표".into(),
        caption_en: "Other plan indicators".into(),
        columns: vec![
            Column::new("지표", "Indicator", Kind::Text),
            Column::new("ID", "ID", Kind::Text),
            Column::new("연도", "Year", Kind::Text),
            Column::new("목표·값", "Target or value", Kind::Text),
            Column::new("단위", "Unit", Kind::Text),
            Column::new("진척", "Progress", Kind::Count),
            Column::new("달성률", "Share", Kind::Percent),
            Column::new("진척 출처", "Source of progress", Kind::Text),
            Column::new("근거", "Source", Kind::Text),
        ],
        rows: view
            .indicators
            .iter()
            .map(|i| {
                let value = match &i.max {
                    Some(max) => format!("{}–{}", indicator_value(&i.value), indicator_value(max)),
                    None => indicator_value(&i.value),
                };
                vec![
                    text(lang, &i.label),
                    Cell::Text(i.id.clone()),
                    Cell::Text(i.year.to_string()),
                    Cell::Text(value),
                    Cell::Text(i.unit.clone()),
                    opt_int(i.progress.headline()),
                    opt_bp(i.share_bp),
                    Cell::Text(progress_source(&i.progress, lang)),
                    Cell::Text(i.cite.clone()),
                ]
            })
            .collect(),
        footer: None,
    }
}

/// Every programme: its target and enrolments by class.
pub fn programmes_table(view: &TargetsView, lang: Lang) -> DataTable {
    DataTable {
        id: "programmes".into(),
        caption_ko: "사업(프로그램)별 목표와 수강".into(),
        caption_en: "Programmes: targets and enrolments".into(),
        columns: vec![
            Column::new("사업", "Programme", Kind::Text),
            Column::new("ID", "ID", Kind::Text),
            Column::new("단계", "Stage", Kind::Text),
            Column::new("목표", "Target", Kind::Count),
            Column::new("단위", "Unit", Kind::Text),
            Column::new("선발 이상", "Enrolled", Kind::Count),
            Column::new("훈련 중", "In training", Kind::Count),
            Column::new("수료", "Completed", Kind::Count),
            Column::new("달성률", "Share of target", Kind::Percent),
        ],
        rows: view
            .programmes
            .iter()
            .map(|p| {
                vec![
                    text(lang, &p.name),
                    Cell::Text(p.id.clone()),
                    Cell::Text(lang.pick(p.stage.label_ko(), p.stage.label_en()).to_owned()),
                    opt_int(p.target.map(|t| t.0)),
                    Cell::Text(unit_label(p.target.map(|t| t.1), lang)),
                    Cell::Int(p.enrolled),
                    Cell::Int(p.in_training),
                    Cell::Int(p.completed),
                    opt_bp(p.share_bp),
                ]
            })
            .collect(),
        footer: None,
    }
}

/// Every programme's enrolments by status.
pub fn programme_status_table(view: &TargetsView, lang: Lang) -> DataTable {
    let statuses: Vec<aiup_people::EnrolmentStatus> = aiup_people::EnrolmentStatus::ALL.to_vec();
    let mut columns = vec![
        Column::new("사업", "Programme", Kind::Text),
        Column::new("ID", "ID", Kind::Text),
    ];
    columns.extend(
        statuses
            .iter()
            .map(|s| Column::new(s.label_ko(), s.label_en(), Kind::Count)),
    );
    DataTable {
        id: "programme-status".into(),
        caption_ko: "사업별·상태별 수강 건수".into(),
        caption_en: "Enrolments by programme and status".into(),
        columns,
        rows: view
            .programmes
            .iter()
            .map(|p| {
                let mut row = vec![text(lang, &p.name), Cell::Text(p.id.clone())];
                row.extend(p.by_status.iter().map(|(_, n)| Cell::Int(*n)));
                row
            })
            .collect(),
        footer: None,
    }
}

fn breakdown_table(id: &str, caption: (&str, &str), key: (&str, &str), rows: &[BreakdownRow], lang: Lang) -> DataTable {
    let with_target = rows.iter().any(|r| r.target.is_some());
    let mut columns = vec![Column::new(key.0, key.1, Kind::Text)];
    if with_target {
        columns.push(Column::new("목표(명)", "Target (people)", Kind::Count));
    }
    columns.extend([
        Column::new("선발 이상", "Enrolled", Kind::Count),
        Column::new("훈련 중", "In training", Kind::Count),
        Column::new("수료", "Completed", Kind::Count),
        if with_target {
            Column::new("달성률", "Share of target", Kind::Percent)
        } else {
            Column::new("전국 대비 비중", "Share of the country", Kind::Percent)
        },
    ]);
    DataTable {
        id: id.into(),
        caption_ko: caption.0.into(),
        caption_en: caption.1.into(),
        columns,
        rows: rows
            .iter()
            .map(|r| {
                let mut row = vec![text(lang, &r.label)];
                if with_target {
                    row.push(opt_int(r.target));
                }
                row.extend([
                    Cell::Int(r.enrolled),
                    Cell::Int(r.in_training),
                    Cell::Int(r.completed),
                    opt_bp(r.share_bp),
                ]);
                row
            })
            .collect(),
        footer: None,
    }
}

/// The five-year goal.
pub fn five_year_table(view: &TargetsView) -> DataTable {
    let f = &view.five_year;
    DataTable {
        id: "five-year".into(),
        caption_ko: "5년 목표: AI 역량을 갖춘 100만 명 (누적 고유 인원)".into(),
        caption_en: "Five-year goal: 1,000,000 people with AI skills (unique people to date)".into(),
        columns: vec![
            Column::new("목표", "Goal", Kind::Text),
            Column::new("목표 인원", "Goal (people)", Kind::Count),
            Column::new("훈련 도달 고유 인원", "Unique people who reached training", Kind::Count),
            Column::new("달성률", "Share of goal", Kind::Percent),
        ],
        rows: vec![vec![
            Cell::Text(f.cite.clone()),
            Cell::Int(f.goal),
            Cell::Int(f.people_trained),
            opt_bp(f.share_bp),
        ]],
        footer: None,
    }
}

/// Every table of the page, in page order.
pub fn tables(view: &TargetsView, lang: Lang) -> Vec<DataTable> {
    vec![
        five_year_table(view),
        plan_lines_table(view, lang),
        breakdown_table(
            "by-stage",
            ("생애 단계별 수강", "Enrolments by stage of working life"),
            ("단계", "Stage"),
            &view.by_stage,
            lang,
        ),
        breakdown_table(
            "by-tier",
            (
                "권역별 수강 (거주지 기준)",
                "Enrolments by region tier (where trainees live)",
            ),
            ("권역", "Tier"),
            &view.by_tier,
            lang,
        ),
        breakdown_table(
            "by-province",
            (
                "시도별 수강 (거주지 기준)",
                "Enrolments by province (where trainees live)",
            ),
            ("시도", "Province"),
            &view.by_province,
            lang,
        ),
        programmes_table(view, lang),
        programme_status_table(view, lang),
        indicators_table(view, lang),
    ]
}

/// A share in basis points as the chart's per-mille (bars stop at 200%: a far-exceeded target
/// would flatten every other bar).
fn per_mille(bp: Option<i64>) -> Option<u32> {
    bp.map(|b| u32::try_from((b / 10).clamp(0, 2_000)).unwrap_or(0))
}

async fn targets_page(
    Allowed(actor, ..): Allowed<perm::ReadDashboards>,
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let view = match targets(&state.app, &actor).await {
        Ok(view) => view,
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    let tables = tables(&view, lang);
    if let Some(download) = q.download(&tables, lang, view.as_of.date) {
        return download;
    }
    let measured: Vec<_> = view.plan_lines.iter().filter(|l| l.share_bp.is_some()).collect();
    let lines_chart = BarChart {
        id: "chart-plan-lines".into(),
        title: lang.pick("계획 사업별 달성률", "Plan lines: share of target").into(),
        description: lang
            .pick(
                "계획 사업별 목표 대비 진척 비율(%). 같은 수치가 아래 표 '계획 사업별 목표와 진척'에 있습니다.",
                "Each plan line's progress as a share of its target (%). The same numbers are in the table 'plan lines: targets and progress' below.",
            )
            .into(),
        unit: "%".into(),
        categories: measured.iter().map(|l| lang.pick(&l.content.ko, &l.content.en).to_owned()).collect(),
        series: vec![Series {
            name: lang.pick("달성률", "Share of target").into(),
            values: measured.iter().map(|l| per_mille(l.share_bp)).collect(),
        }],
    };
    let stage_chart = BarChart {
        id: "chart-by-stage".into(),
        title: lang.pick("생애 단계별 달성률", "Stages: share of target").into(),
        description: lang
            .pick(
                "단계별 목표 인원 대비 선발 이상 수강 비율(%). 같은 수치가 아래 표 '생애 단계별 수강'에 있습니다.",
                "Each stage's enrolments as a share of its target in people (%). The same numbers are in the table 'enrolments by stage of working life' below.",
            )
            .into(),
        unit: "%".into(),
        categories: view.by_stage.iter().map(|r| lang.pick(&r.label.ko, &r.label.en).to_owned()).collect(),
        series: vec![Series {
            name: lang.pick("달성률", "Share of target").into(),
            values: view.by_stage.iter().map(|r| per_mille(r.share_bp)).collect(),
        }],
    };
    let here = PATH;
    let title = lang.pick("목표 달성 현황", "Targets");
    let body = html! {
        h1 { (title) }
        (as_of_stamp(lang, &view.as_of))
        @if let Some(scope) = &view.scope {
            p.note { (lang.pick("담당 사업만 표시합니다: ", "Only your programmes are shown: ")) (scope.join(", ")) }
        }
        p { (lang.pick(
            "계획(seed 002 붙임1)의 목표마다 aiup 원장에서 센 진척을 보여 줍니다. 정의는 docs/dashboards.md '목표'에 있습니다.",
            "Each target of the plan (seed 002 appendix 1) against progress counted from aiup's ledgers. docs/dashboards.md \"Targets\" defines every figure."
        )) }
        @for (i, table) in tables.iter().enumerate() {
            div.dashboard-section {
                @if i == 1 { (bar_chart(&lines_chart)) }
                @if table.id == "by-stage" { (bar_chart(&stage_chart)) }
                (table_with_downloads(table, lang, here))
            }
        }
    };
    frame(&actor, lang, Board::Targets, title, here, body, StatusCode::OK)
}
