//! The demand survey's tables (seed 002 appendix 2) with server-drawn SVG charts and their data
//! tables, overall, by size band and by training experience (`/admin/sme/survey`), the import of a
//! survey file (paste the CSV of docs/sme-survey.md), and the regional demand by the 17 provinces
//! (`/admin/sme/survey/regions`). Every table and the regional demand download as CSV
//! (`?format=csv`).

use super::accounts::{account_menu, account_nav};
use super::chart::{bar_chart, BarChart, Series};
use super::view::{page_in, Section};
use super::widgets::{error_summary, hidden, href, private_page, see_other, Problem};
use crate::access::{perm, Access, Allowed, CsrfForm};
use crate::i18n::Lang;
use crate::AppState;
use aiup_app::accounts::{Actor, Permission};
use aiup_app::sme::survey::{self as service, SurveyImportRequest, SurveyRound};
use aiup_app::AppError;
use aiup_sme::survey::{percent_text, tables_csv, Breakdown, RegionalDemand, SurveyTables, Table};
use aiup_sme::SizeBand;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::NaiveDate;
use maud::{html, Markup};
use serde::Deserialize;

const PATH: &str = "/admin/sme/survey";
const REGIONS: &str = "/admin/sme/survey/regions";

/// This page group's routes and who may use each (part of `access::ROUTES`).
pub const ROUTES: &[(Method, &str, Access)] = &[
    (Method::GET, PATH, Access::Allowed(Permission::ReadSmeProgramme)),
    (Method::POST, PATH, Access::Allowed(Permission::ManageFirms)),
    (Method::GET, REGIONS, Access::Allowed(Permission::ReadSmeProgramme)),
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/sme/survey", get(survey_page).post(import))
        .route("/admin/sme/survey/regions", get(regions_page))
}

#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    lang: Option<String>,
    round: Option<String>,
    /// `overall` (default), `size` or `experience`.
    by: Option<String>,
    /// `csv`: download instead of the page.
    format: Option<String>,
    /// With `format=csv`: one table's id (every table when absent).
    table: Option<String>,
    done: Option<String>,
}

/// The breakdowns a reader can switch between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    Overall,
    Size,
    Experience,
}

impl View {
    const ALL: [View; 3] = [View::Overall, View::Size, View::Experience];

    fn parse(text: Option<&str>) -> View {
        match text {
            Some("size") => View::Size,
            Some("experience") => View::Experience,
            _ => View::Overall,
        }
    }

    fn key(self) -> &'static str {
        match self {
            View::Overall => "overall",
            View::Size => "size",
            View::Experience => "experience",
        }
    }

    fn label(self, lang: Lang) -> &'static str {
        match self {
            View::Overall => lang.pick("전체", "All firms"),
            View::Size => lang.pick("규모별", "By size band"),
            View::Experience => lang.pick("AI 훈련경험별", "By AI-training experience"),
        }
    }

    fn columns(self) -> Vec<Breakdown> {
        match self {
            View::Overall => vec![Breakdown::Overall],
            View::Size => std::iter::once(Breakdown::Overall)
                .chain(SizeBand::ALL.into_iter().map(Breakdown::Size))
                .collect(),
            View::Experience => vec![
                Breakdown::Overall,
                Breakdown::Experience(true),
                Breakdown::Experience(false),
            ],
        }
    }
}

/// The sections of appendix 2, each with its tables (paired "done"/"needed" tables share a chart).
const SECTIONS: &[(&str, &str, &str, &[&str])] = &[
    (
        "general",
        "1) AI 활용 및 훈련수요 일반",
        "1) AI use and demand for training",
        &["ai_use", "experience", "need", "intent"],
    ),
    (
        "fields",
        "훈련분야",
        "Fields of training",
        &["fields_done", "fields_needed"],
    ),
    (
        "methods",
        "훈련방식",
        "Methods of training",
        &["methods_done", "methods_needed", "method_mode_needed"],
    ),
    (
        "levels",
        "훈련수준",
        "Levels of training",
        &["levels_done", "levels_needed"],
    ),
    (
        "hours",
        "교육시간",
        "Hours of training",
        &["hours_done", "hours_needed"],
    ),
    (
        "obstacles",
        "애로사항",
        "Obstacles",
        &["obstacles_done", "obstacles_needed"],
    ),
    (
        "support",
        "필요한 정부 지원사항",
        "Government support wanted",
        &["support"],
    ),
];

fn frame(actor: &Actor, lang: Lang, title: &str, here: &str, body: Markup, status: StatusCode) -> Response {
    private_page(
        status,
        page_in(
            Section::Account,
            lang,
            &format!("{title} — AI+역량 Up"),
            account_menu(lang, actor, Some(&href(here, lang.other()))),
            body,
        ),
    )
}

fn csv_download(body: String, filename: &str) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

fn survey_nav(lang: Lang, current: &str) -> Markup {
    let links = [
        (PATH, lang.pick("수요조사 결과표", "Survey tables")),
        (REGIONS, lang.pick("지역별 수요", "Demand by region")),
    ];
    html! {
        nav.subnav aria-label=(lang.pick("수요조사", "Demand survey")) {
            ul { @for (path, label) in links {
                li { a href=(href(path, lang)) aria-current=[(path == current).then_some("page")] { (label) } }
            } }
        }
    }
}

fn round_query(round: i64, view: View) -> String {
    format!("{PATH}?round={round}&by={}", view.key())
}

/// The round asked for, or the newest.
fn chosen(rounds: &[SurveyRound], asked: Option<&str>) -> Option<i64> {
    match asked.and_then(|r| r.trim().parse::<i64>().ok()) {
        Some(id) => Some(id),
        None => rounds.first().map(|r| r.id),
    }
}

fn cell_text(table: &Table, row: usize, breakdown: Breakdown) -> (String, u32) {
    match table.column(breakdown) {
        Some(column) if column.base > 0 => {
            let count = column.counts[row];
            (
                aiup_sme::survey::Cell {
                    count,
                    base: column.base,
                }
                .percent(),
                count,
            )
        }
        _ => ("–".to_owned(), 0),
    }
}

fn data_table(lang: Lang, table: &Table, view: View, round: i64) -> Markup {
    let caption = format!("{}-caption", table.id);
    let columns: Vec<Breakdown> = view
        .columns()
        .into_iter()
        .filter(|b| table.column(*b).is_some_and(|c| c.base > 0))
        .collect();
    html! {
        div.table-scroll role="region" aria-labelledby=(caption) tabindex="0" {
            table.data #(format!("table-{}", table.id)) {
                caption #(caption) {
                    (lang.pick(table.title_ko, table.title_en))
                    " (" (lang.pick(table.base_ko, table.base_en))
                    @if table.multiple { ", " (lang.pick("복수응답", "several answers")) }
                    ", %)"
                }
                thead {
                    tr {
                        th scope="col" { (lang.pick("응답", "Answer")) }
                        @for b in &columns {
                            @let (ko, en) = b.label();
                            th.num scope="col" { (lang.pick(&ko, &en)) br; span.hint { "n=" (table.column(*b).map_or(0, |c| c.base)) } }
                        }
                    }
                }
                tbody {
                    @for (i, row) in table.rows.iter().enumerate() {
                        tr {
                            th scope="row" { (lang.pick(row.ko, row.en)) }
                            @for b in &columns {
                                @let (pct, count) = cell_text(table, i, *b);
                                td.num { (pct) " " span.count { "(" (count) ")" } }
                            }
                        }
                    }
                }
            }
        }
        p.download { a href=(href(&format!("{PATH}?round={round}&table={}&format=csv", table.id), lang)) {
            (lang.pick("CSV 내려받기", "Download CSV")) span.visually-hidden { ": " (lang.pick(table.title_ko, table.title_en)) }
        } }
    }
}

fn short(label: &str) -> String {
    label.split(" (").next().unwrap_or(label).to_owned()
}

fn per_mille_of(table: &Table, row: usize, breakdown: Breakdown) -> Option<u32> {
    table
        .column(breakdown)
        .and_then(|c| aiup_sme::survey::per_mille(c.counts[row], c.base))
}

/// The charts of a section, each with the id of the table it stands before: done against needed
/// for paired tables, the first answer by size band for yes/no tables by size, trained against
/// untrained by experience.
fn section_charts(lang: Lang, tables: &[&Table], view: View) -> Vec<(&'static str, BarChart)> {
    let description = lang.pick(
        "막대는 응답 비율입니다. 같은 숫자가 아래 표에 있습니다.",
        "Bars show the share of answers. The table below holds the same numbers.",
    );
    let mut charts: Vec<(&'static str, BarChart)> = Vec::new();
    let paired = tables.len() >= 2 && tables[0].id.ends_with("_done") && tables[1].id.ends_with("_needed");
    match view {
        View::Overall if paired => {
            let (done, needed) = (tables[0], tables[1]);
            charts.push((
                done.id,
                BarChart {
                    id: format!("chart-{}", done.id),
                    title: format!(
                        "{} / {}",
                        lang.pick(done.title_ko, done.title_en),
                        lang.pick(needed.title_ko, needed.title_en)
                    ),
                    description: description.to_owned(),
                    unit: "%".into(),
                    categories: done.rows.iter().map(|r| short(lang.pick(r.ko, r.en))).collect(),
                    series: [
                        (done, lang.pick("훈련 경험", "Done")),
                        (needed, lang.pick("훈련 수요", "Needed")),
                    ]
                    .into_iter()
                    .map(|(t, name)| Series {
                        name: name.to_owned(),
                        values: (0..t.rows.len())
                            .map(|i| per_mille_of(t, i, Breakdown::Overall))
                            .collect(),
                    })
                    .collect(),
                },
            ));
            for t in &tables[2..] {
                charts.push((t.id, single(lang, t, description)));
            }
        }
        View::Overall => charts.extend(tables.iter().map(|t| (t.id, single(lang, t, description)))),
        View::Size => {
            for t in tables.iter().filter(|t| t.rows.len() == 2 || t.id == "experience") {
                let row = 0;
                let bands: Vec<Breakdown> = SizeBand::ALL.into_iter().map(Breakdown::Size).collect();
                charts.push((
                    t.id,
                    BarChart {
                        id: format!("chart-{}", t.id),
                        title: format!(
                            "{}: {} ({})",
                            lang.pick(t.title_ko, t.title_en),
                            lang.pick(t.rows[row].ko, t.rows[row].en),
                            View::Size.label(lang)
                        ),
                        description: description.to_owned(),
                        unit: "%".into(),
                        categories: bands
                            .iter()
                            .map(|b| {
                                let (ko, en) = b.label();
                                lang.pick(&ko, &en).to_owned()
                            })
                            .collect(),
                        series: vec![Series {
                            name: lang.pick(t.rows[row].ko, t.rows[row].en).to_owned(),
                            values: bands.iter().map(|b| per_mille_of(t, row, *b)).collect(),
                        }],
                    },
                ));
            }
        }
        View::Experience => {
            for t in tables
                .iter()
                .filter(|t| t.column(Breakdown::Experience(false)).is_some_and(|c| c.base > 0))
            {
                charts.push((
                    t.id,
                    BarChart {
                        id: format!("chart-{}", t.id),
                        title: format!(
                            "{} ({})",
                            lang.pick(t.title_ko, t.title_en),
                            View::Experience.label(lang)
                        ),
                        description: description.to_owned(),
                        unit: "%".into(),
                        categories: t.rows.iter().map(|r| short(lang.pick(r.ko, r.en))).collect(),
                        series: [true, false]
                            .into_iter()
                            .map(|done| {
                                let (ko, en) = Breakdown::Experience(done).label();
                                Series {
                                    name: lang.pick(&ko, &en).to_owned(),
                                    values: (0..t.rows.len())
                                        .map(|i| per_mille_of(t, i, Breakdown::Experience(done)))
                                        .collect(),
                                }
                            })
                            .collect(),
                    },
                ));
            }
        }
    }
    charts
}

fn single(lang: Lang, t: &Table, description: &str) -> BarChart {
    BarChart {
        id: format!("chart-{}", t.id),
        title: lang.pick(t.title_ko, t.title_en).to_owned(),
        description: description.to_owned(),
        unit: "%".into(),
        categories: t.rows.iter().map(|r| short(lang.pick(r.ko, r.en))).collect(),
        series: vec![Series {
            name: lang.pick("전체", "All firms").to_owned(),
            values: (0..t.rows.len())
                .map(|i| per_mille_of(t, i, Breakdown::Overall))
                .collect(),
        }],
    }
}

fn tables_body(lang: Lang, round: &SurveyRound, tables: &SurveyTables, view: View) -> Markup {
    html! {
        section #round-tables aria-labelledby="round-title" {
            h2 #round-title { (round.round.name) }
            p { (lang.pick("조사기간", "Fielded")) " " (round.round.fielded_from) " ~ " (round.round.fielded_to)
                " · " (lang.pick("응답기업", "Firms answering")) " " (tables.respondents)
                " · " a href=(href(&format!("{PATH}?round={}&format=csv", round.id), lang)) { (lang.pick("모든 표 CSV", "All tables as CSV")) } }
            nav.switch aria-label=(lang.pick("구분", "Breakdown")) {
                ul { @for v in View::ALL {
                    li { a href=(href(&round_query(round.id, v), lang)) aria-current=[(v == view).then_some("true")] { (v.label(lang)) } }
                } }
            }
            @for (slug, ko, en, ids) in SECTIONS {
                @let section_tables: Vec<&Table> = ids.iter().filter_map(|id| tables.table(id)).collect();
                section.survey-section #(format!("section-{slug}")) aria-labelledby=(format!("section-{slug}-title")) {
                    h3 #(format!("section-{slug}-title")) { (lang.pick(ko, en)) }
                    @let charts = section_charts(lang, &section_tables, view);
                    @for t in &section_tables {
                        @for (_, chart) in charts.iter().filter(|(id, _)| *id == t.id) { (bar_chart(chart)) }
                        (data_table(lang, t, view, round.id))
                    }
                }
            }
        }
    }
}

fn import_form(lang: Lang, actor: &Actor, form: &ImportForm, problems: &[Problem]) -> Markup {
    let text_error = problems.iter().find(|p| p.field == "text");
    html! {
        form.panel #import-form method="post" action=(PATH) {
            (hidden(actor.csrf_token().unwrap_or_default(), lang))
            h2 { (lang.pick("응답 가져오기", "Import answers")) }
            p.hint { (lang.pick("docs/sme-survey.md의 CSV 형식(기업당 한 행)을 붙여 넣습니다. 잘못된 행이 하나라도 있으면 아무것도 가져오지 않고 모든 잘못된 행을 보여 줍니다. 같은 파일을 다시 가져오면 바뀌는 것이 없습니다.",
                "Paste the CSV of docs/sme-survey.md (one row per firm). If any row is bad nothing is imported and every bad row is listed. Importing the same file again changes nothing.")) }
            div.field {
                label for="name" { (lang.pick("조사 이름", "Survey name")) }
                input #name name="name" type="text" required value=(form.name);
            }
            div.field {
                label for="fielded_from" { (lang.pick("조사 시작일", "First day")) }
                input #fielded_from name="fielded_from" type="date" required value=(form.fielded_from);
            }
            div.field {
                label for="fielded_to" { (lang.pick("조사 종료일", "Last day")) }
                input #fielded_to name="fielded_to" type="date" required value=(form.fielded_to);
            }
            div class=(if text_error.is_some() { "field field--error" } else { "field" }) {
                label for="text" { (lang.pick("응답 CSV", "Answers (CSV)")) }
                @if let Some(e) = text_error {
                    ul.field-error #text-error { @for line in e.message.lines() { li { (line) } } }
                }
                textarea #text name="text" rows="8" required aria-invalid=[text_error.map(|_| "true")]
                    aria-describedby=[text_error.map(|_| "text-error")] { (form.text) }
            }
            div.actions { button #import type="submit" { (lang.pick("가져오기", "Import")) } }
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn render(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    q: &PageQuery,
    form: &ImportForm,
    problems: Vec<Problem>,
    status: StatusCode,
) -> Response {
    let rounds = match service::rounds(&state.app, actor).await {
        Ok(r) => r,
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    let view = View::parse(q.by.as_deref());
    let chosen_round = chosen(&rounds, q.round.as_deref());
    let tables = match chosen_round {
        Some(id) => match service::tables(&state.app, actor, id).await {
            Ok(t) => Some(t),
            Err(e) if e.code == aiup_app::Code::NotFound => return super::not_found_in(lang),
            Err(e) => return crate::error::ApiError(e).into_response(),
        },
        None => None,
    };
    if q.format.as_deref() == Some("csv") {
        let Some((round, tables)) = tables else {
            return super::not_found_in(lang);
        };
        let chosen_tables: Vec<&Table> = match q.table.as_deref() {
            Some(id) => match tables.table(id) {
                Some(t) => vec![t],
                None => return super::not_found_in(lang),
            },
            None => tables.tables.iter().collect(),
        };
        let name = q.table.as_deref().unwrap_or("all");
        return csv_download(
            tables_csv(chosen_tables),
            &format!("sme-survey-{}-{name}.csv", round.id),
        );
    }
    let title = lang.pick("중소기업 AI 훈련수요 조사", "SME AI-training demand survey");
    let body = html! {
        h1 #page-title { (title) }
        (account_nav(lang, actor, PATH))
        (survey_nav(lang, PATH))
        (error_summary(lang, &problems))
        @if let Some(done) = &q.done {
            p.notice role="status" #import-done { (done) }
        }
        p.lede { (lang.pick(
            "AI 인재양성 방안 붙임2의 수요조사(’25년 상반기 사업주훈련 참여기업 1,013개소, 전화조사)를 응답에서 다시 계산한 표입니다. 비율은 각 문항을 물은 기업 수에 대한 백분율이며, 소수 첫째 자리에서 반올림합니다.",
            "The tables of the plan's appendix 2 (1,013 firms from the 2025 H1 employer-training participants, by phone), recomputed from the answers. Each share is of the firms the question was asked of, rounded half up to one decimal.",
        )) }
        @if rounds.is_empty() {
            p #no-rounds { (lang.pick("아직 가져온 조사가 없습니다.", "No survey has been imported yet.")) }
        } @else {
            div.table-scroll role="region" aria-labelledby="rounds-caption" tabindex="0" {
                table.data #rounds {
                    caption #rounds-caption { (lang.pick("가져온 조사 (최신순)", "Imported surveys, newest first")) }
                    thead { tr {
                        th scope="col" { (lang.pick("조사", "Survey")) }
                        th scope="col" { (lang.pick("조사기간", "Fielded")) }
                        th.num scope="col" { (lang.pick("응답", "Answers")) }
                        th scope="col" { (lang.pick("가져온 사람", "Imported by")) }
                    } }
                    tbody { @for r in &rounds {
                        tr {
                            th scope="row" { a href=(href(&round_query(r.id, view), lang)) aria-current=[(Some(r.id) == chosen_round).then_some("true")] { (r.round.name) } }
                            td { (r.round.fielded_from) " ~ " (r.round.fielded_to) }
                            td.num { (r.answers) }
                            td { (r.imported_by) " · " (super::widgets::seoul_time(r.imported_at)) }
                        }
                    } }
                }
            }
        }
        @if let Some((round, tables)) = &tables { (tables_body(lang, round, tables, view)) }
        @if actor.allows(Permission::ManageFirms) { (import_form(lang, actor, form, &problems)) }
    };
    frame(actor, lang, title, PATH, body, status)
}

async fn survey_page(
    Allowed(actor, ..): Allowed<perm::ReadSmeProgramme>,
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let form = ImportForm {
        fielded_from: "2025-08-12".into(),
        fielded_to: "2025-08-18".into(),
        ..ImportForm::default()
    };
    render(&state, &actor, lang, &q, &form, vec![], StatusCode::OK).await
}

#[derive(Debug, Default, Deserialize)]
struct ImportForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    fielded_from: String,
    #[serde(default)]
    fielded_to: String,
    #[serde(default)]
    text: String,
    lang: Option<String>,
}

fn problem(lang: Lang, field: &'static str, e: &AppError) -> Problem {
    Problem {
        field,
        message: e.message_in(lang == Lang::Ko).to_owned(),
    }
}

async fn import(
    Allowed(actor, ..): Allowed<perm::ManageFirms>,
    State(state): State<AppState>,
    CsrfForm(form): CsrfForm<ImportForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    let q = PageQuery::default();
    let date = |text: &str| NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok();
    let (Some(from), Some(to)) = (date(&form.fielded_from), date(&form.fielded_to)) else {
        let p = Problem {
            field: "fielded_from",
            message: lang
                .pick(
                    "조사 기간을 YYYY-MM-DD로 입력해 주세요.",
                    "Enter the survey's days as YYYY-MM-DD.",
                )
                .to_owned(),
        };
        return render(
            &state,
            &actor,
            lang,
            &q,
            &form,
            vec![p],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let request = SurveyImportRequest {
        name: &form.name,
        fielded_from: from,
        fielded_to: to,
        source: "pasted on /admin/sme/survey",
        text: &form.text,
    };
    match service::import(&state.app, &actor, request).await {
        Ok(summary) => {
            let done = if summary.created {
                match lang {
                    Lang::Ko => format!(
                        "응답 {}건을 가져왔습니다 (등록 기업 의향 반영 {}건).",
                        summary.round.answers, summary.intents_set
                    ),
                    Lang::En => format!(
                        "Imported {} answers ({} registry firms' intent set).",
                        summary.round.answers, summary.intents_set
                    ),
                }
            } else {
                lang.pick(
                    "이미 가져온 파일입니다. 바뀐 것이 없습니다.",
                    "This file was already imported; nothing changed.",
                )
                .to_owned()
            };
            let to = format!(
                "{}&done={}",
                round_query(summary.round.id, View::Overall),
                super::encode_component(&done)
            );
            see_other(&href(&to, lang))
        }
        Err(e) => {
            let field = match e.field.as_deref() {
                Some("name") => "name",
                Some("fielded_to") => "fielded_to",
                _ => "text",
            };
            let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            render(&state, &actor, lang, &q, &form, vec![problem(lang, field, &e)], status).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Regional demand
// ---------------------------------------------------------------------------------------------

fn regions_csv(demand: &[RegionalDemand]) -> String {
    let mut out = String::from("province,name_ko,name_en,firms,need,need_percent,intent,intent_percent,top_fields\n");
    for d in demand {
        let pct = |v: Option<u32>| v.map(percent_text).unwrap_or_default();
        let fields: Vec<&str> = d.top_fields.iter().map(|(f, _)| f.as_str()).collect();
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{}\n",
            d.province.code,
            d.province.name_ko,
            d.province.name_en,
            d.firms,
            d.need,
            pct(d.need_per_mille()),
            d.intent,
            pct(d.intent_per_mille()),
            fields.join(";")
        ));
    }
    out
}

async fn regions_page(
    Allowed(actor, ..): Allowed<perm::ReadSmeProgramme>,
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let rounds = match service::rounds(&state.app, &actor).await {
        Ok(r) => r,
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    let chosen_round = chosen(&rounds, q.round.as_deref());
    let demand = match chosen_round {
        Some(id) => match service::regional_demand(&state.app, &actor, id).await {
            Ok(d) => Some(d),
            Err(e) if e.code == aiup_app::Code::NotFound => return super::not_found_in(lang),
            Err(e) => return crate::error::ApiError(e).into_response(),
        },
        None => None,
    };
    if q.format.as_deref() == Some("csv") {
        let Some((round, demand)) = demand else {
            return super::not_found_in(lang);
        };
        return csv_download(regions_csv(&demand), &format!("sme-survey-{}-regions.csv", round.id));
    }
    let title = lang.pick("지역별 AI 훈련 수요", "AI-training demand by region");
    let body = html! {
        h1 #page-title { (title) }
        (account_nav(lang, &actor, PATH))
        (survey_nav(lang, REGIONS))
        p.lede { (lang.pick(
            "17개 시도(지역인적자원개발위원회)별 응답기업 수, AI 훈련이 필요하다는 기업과 3년내 의향이 있는 기업의 비율, 가장 많이 필요하다는 훈련분야입니다.",
            "For each of the 17 provinces (one regional HRD committee each): firms answering, the share that need AI training and that intend it within three years, and the fields most needed.",
        )) }
        @match &demand {
            None => p #no-rounds { (lang.pick("아직 가져온 조사가 없습니다.", "No survey has been imported yet.")) },
            Some((round, demand)) => {
                p { (round.round.name) " · "
                    a href=(href(&format!("{REGIONS}?round={}&format=csv", round.id), lang)) { (lang.pick("CSV 내려받기", "Download CSV")) } }
                (bar_chart(&BarChart {
                    id: "chart-regions".into(),
                    title: lang.pick("시도별 AI 훈련 필요·의향 비율", "Need and intent by province").to_owned(),
                    description: lang.pick("시도별 막대는 필요하다는 기업과 의향이 있는 기업의 비율입니다. 같은 숫자가 아래 표에 있습니다.",
                        "Bars show, per province, the share of firms that need AI training and that intend it. The table below holds the same numbers.").to_owned(),
                    unit: "%".into(),
                    categories: demand.iter().map(|d| lang.pick(d.province.name_ko, d.province.name_en).to_owned()).collect(),
                    series: vec![
                        Series { name: lang.pick("필요", "Need").to_owned(), values: demand.iter().map(RegionalDemand::need_per_mille).collect() },
                        Series { name: lang.pick("3년내 의향", "Intent within 3 years").to_owned(), values: demand.iter().map(RegionalDemand::intent_per_mille).collect() },
                    ],
                }))
                div.table-scroll role="region" aria-labelledby="regions-caption" tabindex="0" {
                    table.data #regions {
                        caption #regions-caption { (lang.pick("시도별 수요", "Demand by province")) }
                        thead { tr {
                            th scope="col" { (lang.pick("시도", "Province")) }
                            th.num scope="col" { (lang.pick("응답기업", "Firms")) }
                            th.num scope="col" { (lang.pick("필요 (%)", "Need (%)")) }
                            th.num scope="col" { (lang.pick("의향 (%)", "Intent (%)")) }
                            th scope="col" { (lang.pick("많이 필요한 분야", "Fields most needed")) }
                        } }
                        tbody { @for d in demand {
                            tr #(format!("region-{}", d.province.code)) {
                                th scope="row" { (lang.pick(d.province.name_ko, d.province.name_en)) }
                                td.num { (d.firms) }
                                td.num { (d.need_per_mille().map(percent_text).unwrap_or_else(|| "–".into())) " (" (d.need) ")" }
                                td.num { (d.intent_per_mille().map(percent_text).unwrap_or_else(|| "–".into())) " (" (d.intent) ")" }
                                td { @for (i, (f, n)) in d.top_fields.iter().enumerate() {
                                    @if i > 0 { ", " }
                                    (short(lang.pick(f.label().0, f.label().1))) " " (n)
                                } }
                            }
                        } }
                    }
                }
            }
        }
    };
    frame(&actor, lang, title, REGIONS, body, StatusCode::OK)
}
