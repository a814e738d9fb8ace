//! Dashboard page group `outcomes` (issue 12, item 4): graduates' employment and startups by
//! programme, stage and province with a chart by programme (`/admin/dashboard/outcomes`), the
//! import of outside records (employment-insurance acquisitions, startup registrations, outside
//! figures: paste the CSV of docs/outcomes-import.md), and the startup-hiring grant check
//! (`/admin/dashboard/outcomes/grant`). Declares its routes in [`ROUTES`].

use super::table::{export_response, table_with_downloads, Cell, Column, DataTable, Format, Kind};
use super::{as_of_stamp, frame, Board};
use crate::access::{perm, Access, Allowed, CsrfForm};
use crate::i18n::Lang;
use crate::pages::chart::{bar_chart, BarChart, Series};
use crate::pages::widgets::{error_summary, hidden, href, input, see_other, Problem};
use crate::AppState;
use aiup_app::accounts::{Actor, Permission};
use aiup_app::dashboard::AsOf;
use aiup_app::outcomes::grant::{self, GrantCheck};
use aiup_app::outcomes::{self as service, OutcomeGroup, OutcomeImportRequest, OutcomesView};
use aiup_app::AppError;
use aiup_core::money::Won;
use aiup_people::outcome_records::OutcomeKind;
use axum::extract::{Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::NaiveDate;
use maud::{html, Markup};
use serde::Deserialize;

const PATH: &str = "/admin/dashboard/outcomes";
const IMPORT: &str = "/admin/dashboard/outcomes/import";
const GRANT: &str = "/admin/dashboard/outcomes/grant";

/// This page group's routes and who may use each (part of `access::ROUTES`).
pub const ROUTES: &[(Method, &str, Access)] = &[
    (Method::GET, PATH, Access::Allowed(Permission::ReadDashboards)),
    (
        Method::POST,
        IMPORT,
        Access::Allowed(Permission::ManageProgrammeRecords),
    ),
    (Method::GET, GRANT, Access::Allowed(Permission::ReadDashboards)),
    (Method::POST, GRANT, Access::Allowed(Permission::ManageProgrammeRecords)),
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/dashboard/outcomes", get(outcomes_page))
        .route("/admin/dashboard/outcomes/import", post(import))
        .route("/admin/dashboard/outcomes/grant", get(grant_page).post(decide_grant))
}

#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    lang: Option<String>,
    format: Option<String>,
    table: Option<String>,
    done: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct ImportForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    as_of: String,
    #[serde(default)]
    text: String,
    lang: Option<String>,
}

fn groups_table(id: &str, ko: &str, en: &str, groups: &[OutcomeGroup], view: &OutcomesView) -> DataTable {
    let w = view.windows;
    let columns = vec![
        Column::new(ko, en, Kind::Text),
        Column::new("수료", "Graduates", Kind::Count),
        Column::new(
            &format!("{}일 내 취업", w.employment_short_days),
            &format!("Employed within {} days", w.employment_short_days),
            Kind::Count,
        ),
        Column::new(
            &format!("{}일 취업률", w.employment_short_days),
            &format!("{}-day employment rate", w.employment_short_days),
            Kind::Percent,
        ),
        Column::new(
            &format!("{}일 내 취업", w.employment_long_days),
            &format!("Employed within {} days", w.employment_long_days),
            Kind::Count,
        ),
        Column::new(
            &format!("{}일 취업률", w.employment_long_days),
            &format!("{}-day employment rate", w.employment_long_days),
            Kind::Percent,
        ),
        Column::new(
            &format!("{}일 내 창업", w.startup_days),
            &format!("Started a business within {} days", w.startup_days),
            Kind::Count,
        ),
    ];
    let row = |name: Cell, c: &aiup_app::outcomes::OutcomeCounts| {
        let n = |v: u64| Cell::Int(i64::try_from(v).unwrap_or(i64::MAX));
        vec![
            name,
            n(c.graduates),
            n(c.employed_short),
            Cell::Bp(c.short_rate_bp()),
            n(c.employed_long),
            Cell::Bp(c.employment_rate_bp()),
            n(c.started_business),
        ]
    };
    DataTable {
        id: id.to_owned(),
        caption_ko: format!("{ko}별 수료생 성과"),
        caption_en: format!("Graduates' outcomes by {}", en.to_lowercase()),
        columns,
        rows: groups
            .iter()
            .map(|g| row(Cell::Text(g.name.ko.clone()), &g.counts))
            .collect(),
        footer: Some(row(Cell::Text("합계".to_owned()), &view.total)),
    }
}

/// The breakdowns' names in the reader's language (the tables are built in Korean first).
fn localise(mut table: DataTable, groups: &[OutcomeGroup], lang: Lang) -> DataTable {
    for (row, g) in table.rows.iter_mut().zip(groups) {
        row[0] = Cell::Text(lang.pick(&g.name.ko, &g.name.en).to_owned());
    }
    if let Some(footer) = &mut table.footer {
        footer[0] = Cell::Text(lang.pick("합계", "Total").to_owned());
    }
    table
}

fn sources_table(view: &OutcomesView) -> DataTable {
    DataTable {
        id: "sources".to_owned(),
        caption_ko: "성과 자료의 출처 (최신순)".to_owned(),
        caption_en: "Where the outcome facts come from, newest first".to_owned(),
        columns: vec![
            Column::new("출처", "Source", Kind::Text),
            Column::new("종류", "Kind", Kind::Text),
            Column::new("기준일", "As of", Kind::Date),
            Column::new("행", "Rows", Kind::Count),
            Column::new("가져온 사람", "Imported by", Kind::Text),
        ],
        rows: view
            .sources
            .iter()
            .map(|i| {
                vec![
                    Cell::Text(i.import.source.clone()),
                    Cell::Text(i.import.kind.clone()),
                    Cell::Date(i.import.as_of),
                    Cell::Int(i.rows),
                    Cell::Text(i.imported_by.clone()),
                ]
            })
            .collect(),
        footer: None,
    }
}

fn tables(view: &OutcomesView, lang: Lang) -> Vec<DataTable> {
    vec![
        localise(
            groups_table("by-programme", "사업", "Programme", &view.by_programme, view),
            &view.by_programme,
            lang,
        ),
        localise(
            groups_table("by-stage", "생애 단계", "Stage", &view.by_stage, view),
            &view.by_stage,
            lang,
        ),
        localise(
            groups_table("by-province", "시도", "Province", &view.by_province, view),
            &view.by_province,
            lang,
        ),
        sources_table(view),
    ]
}

fn charts(view: &OutcomesView, lang: Lang) -> [BarChart; 2] {
    let names: Vec<String> = view
        .by_programme
        .iter()
        .map(|g| lang.pick(&g.name.ko, &g.name.en).to_owned())
        .collect();
    let days = view.windows.employment_long_days;
    let rate = BarChart {
        id: "chart-employment".to_owned(),
        title: match lang {
            Lang::Ko => format!("사업별 수료 후 {days}일 내 취업률"),
            Lang::En => format!("Employment within {days} days of completion, by programme"),
        },
        description: lang
            .pick(
                "막대 길이는 수료생 중 기간 내 고용보험을 취득한 비율입니다. 같은 수치가 아래 '사업별 수료생 성과' 표에 있습니다.",
                "Each bar is the share of graduates insured within the window. The same numbers are in the table 'Graduates' outcomes by programme' below.",
            )
            .to_owned(),
        unit: "%".to_owned(),
        categories: names.clone(),
        series: vec![Series {
            name: lang.pick("취업률", "Employment rate").to_owned(),
            values: view
                .by_programme
                .iter()
                .map(|g| u32::try_from(g.counts.employment_rate_bp() / 10).ok())
                .collect(),
        }],
    };
    let startups = BarChart {
        id: "chart-startups".to_owned(),
        title: lang.pick("사업별 수료 후 창업", "Startups after completion, by programme").to_owned(),
        description: lang
            .pick(
                "막대 길이는 기간 내 사업자등록을 한 수료생 수입니다. 같은 수치가 아래 '사업별 수료생 성과' 표에 있습니다.",
                "Each bar is the number of graduates who registered a business within the window. The same numbers are in the table 'Graduates' outcomes by programme' below.",
            )
            .to_owned(),
        unit: String::new(),
        categories: names,
        series: vec![Series {
            name: lang.pick("창업", "Startups").to_owned(),
            values: view
                .by_programme
                .iter()
                .map(|g| u32::try_from(g.counts.started_business.saturating_mul(10)).ok())
                .collect(),
        }],
    };
    [rate, startups]
}

async fn outcomes_page(
    Allowed(actor, ..): Allowed<perm::ReadDashboards>,
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let form = ImportForm {
        kind: "employment".to_owned(),
        as_of: state.app.today().to_string(),
        ..ImportForm::default()
    };
    render(&state, &actor, lang, &q, &form, Vec::new(), StatusCode::OK).await
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
    let view = match service::outcomes(&state.app, actor).await {
        Ok(v) => v,
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    let tables = tables(&view, lang);
    if let Some(format) = Format::parse(q.format.as_deref()) {
        return match tables.iter().find(|t| Some(t.id.as_str()) == q.table.as_deref()) {
            Some(table) => export_response(table, format, lang, view.as_of.date),
            None => crate::pages::not_found_in(lang),
        };
    }
    let title = lang.pick("수료생 성과", "Graduates' outcomes");
    let [rate_chart, startup_chart] = charts(&view, lang);
    let body = html! {
        h1 #page-title { (title) }
        (as_of_stamp(lang, &view.as_of))
        (error_summary(lang, &problems))
        @if let Some(done) = &q.done { p.notice role="status" #import-done { (done) } }
        p.lede { (match lang {
            Lang::Ko => format!(
                "수료생(수료·조기취업 수료)의 취업과 창업입니다. 고용보험 피보험자격 취득이 훈련 시작일부터 수료 후 {}일·{}일 안에 있으면 취업, 사업자등록 개업일이 수료 후 {}일 안이면 창업으로 셉니다(기간은 정책 값). 사람은 외부 식별번호의 해시로만 맞춥니다.",
                view.windows.employment_short_days, view.windows.employment_long_days, view.windows.startup_days),
            Lang::En => format!(
                "Employment and startups of graduates (completed, or completed early by employment). A graduate counts as employed when an employment-insurance acquisition falls between the training's start and {} or {} days after completion, and as a founder when a business registration opened within {} days of completion (the windows are policy values). People are matched only by the hash of an outside identifier.",
                view.windows.employment_short_days, view.windows.employment_long_days, view.windows.startup_days),
        }) }
        @if view.unmatched_employment + view.unmatched_startups > 0 {
            p.hint #unmatched { (match lang {
                Lang::Ko => format!("aiup에 없는 사람의 기록(취업 {}건, 창업 {}건)은 보관하되 세지 않습니다.", view.unmatched_employment, view.unmatched_startups),
                Lang::En => format!("Records of people aiup does not know ({} acquisitions, {} registrations) are kept but not counted.", view.unmatched_employment, view.unmatched_startups),
            }) }
        }
        p { a href=(href(GRANT, lang)) { (lang.pick("스타트업 사업화 자금 자격 확인 →", "Check a firm for the startup-hiring grant →")) } }
        (bar_chart(&rate_chart))
        (bar_chart(&startup_chart))
        @for table in &tables { (table_with_downloads(table, lang, &href(PATH, lang))) }
        @if actor.allows(Permission::ManageProgrammeRecords) { (import_form(lang, actor, form, &problems)) }
    };
    frame(actor, lang, Board::Outcomes, title, PATH, body, status)
}

fn import_form(lang: Lang, actor: &Actor, form: &ImportForm, problems: &[Problem]) -> Markup {
    let text_error = problems.iter().find(|p| p.field == "text");
    html! {
        form.panel #import-form method="post" action=(IMPORT) {
            (hidden(actor.csrf_token().unwrap_or_default(), lang))
            h2 { (lang.pick("외부 자료 가져오기", "Import outside records")) }
            p.hint { (lang.pick(
                "docs/outcomes-import.md의 CSV를 붙여 넣습니다. 잘못된 행이 하나라도 있으면 아무것도 가져오지 않고 모든 잘못된 행을 줄·항목별로 보여 줍니다. 같은 파일을 다시 가져오면 바뀌는 것이 없습니다.",
                "Paste a CSV of docs/outcomes-import.md. If any row is bad nothing is imported, and every bad row is listed by line and field. Importing the same file again changes nothing.")) }
            fieldset.field {
                legend { (lang.pick("자료 종류", "Kind of records")) }
                @for kind in OutcomeKind::ALL {
                    @let id = format!("kind-{}", kind.as_str());
                    @let (required, optional) = kind.columns();
                    div.choice {
                        input type="radio" name="kind" id=(id) value=(kind.as_str()) checked[form.kind == kind.as_str()] aria-describedby=(format!("{id}-columns"));
                        label for=(id) { (lang.pick(kind.label_ko(), kind.label_en())) }
                        span.hint id=(format!("{id}-columns")) {
                            (lang.pick(" 열: ", " Columns: ")) code { (required.join(",")) }
                            @if !optional.is_empty() { (lang.pick(" (선택: ", " (optional: ")) code { (optional.join(",")) } ")" }
                        }
                    }
                }
            }
            (input("source", "text", lang.pick("출처", "Source"), &form.source, "off",
                Some(lang.pick("예: 한국고용정보원 2026-06 추출", "e.g. Korea Employment Information Service, June 2026 extract")), problems, true))
            (input("as_of", "date", lang.pick("기준일", "As of"), &form.as_of, "off", None, problems, true))
            div class=(if text_error.is_some() { "field field--error" } else { "field" }) {
                label for="text" { (lang.pick("CSV", "CSV")) }
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

fn problem(lang: Lang, field: &'static str, e: &AppError) -> Problem {
    Problem {
        field,
        message: e.message_in(lang == Lang::Ko).to_owned(),
    }
}

async fn import(
    Allowed(actor, ..): Allowed<perm::ManageProgrammeRecords>,
    State(state): State<AppState>,
    CsrfForm(form): CsrfForm<ImportForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    let q = PageQuery::default();
    let refuse = |field: &'static str, ko: &str, en: &str| Problem {
        field,
        message: lang.pick(ko, en).to_owned(),
    };
    let kind = OutcomeKind::parse(&form.kind);
    let as_of = NaiveDate::parse_from_str(form.as_of.trim(), "%Y-%m-%d").ok();
    let (Some(kind), Some(as_of)) = (kind, as_of) else {
        let mut problems = Vec::new();
        if kind.is_none() {
            problems.push(refuse("kind", "자료 종류를 고르세요.", "Choose the kind of records."));
        }
        if as_of.is_none() {
            problems.push(refuse(
                "as_of",
                "기준일을 YYYY-MM-DD로 입력하세요.",
                "Enter the as-of date as YYYY-MM-DD.",
            ));
        }
        return render(
            &state,
            &actor,
            lang,
            &q,
            &form,
            problems,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let request = OutcomeImportRequest {
        kind,
        source: &form.source,
        as_of,
        text: &form.text,
    };
    match service::import(&state.app, &actor, request).await {
        Ok(summary) => {
            let done = match (summary.created, lang) {
                (true, Lang::Ko) => format!("{}행을 가져왔습니다.", summary.import.rows),
                (true, Lang::En) => format!("Imported {} rows.", summary.import.rows),
                (false, _) => lang
                    .pick(
                        "이미 가져온 파일입니다. 바뀐 것이 없습니다.",
                        "This file was already imported; nothing changed.",
                    )
                    .to_owned(),
            };
            see_other(&href(
                &format!("{PATH}?done={}", crate::pages::encode_component(&done)),
                lang,
            ))
        }
        Err(e) => {
            let field = match e.field.as_deref() {
                Some("source") => "source",
                _ => "text",
            };
            let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            render(&state, &actor, lang, &q, &form, vec![problem(lang, field, &e)], status).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct GrantQuery {
    lang: Option<String>,
    done: Option<String>,
    business_number: Option<String>,
    applied_on: Option<String>,
    format: Option<String>,
    table: Option<String>,
}

fn grant_tables(check: &GrantCheck) -> Vec<DataTable> {
    let e = &check.eligibility;
    let reasons = DataTable {
        id: "reasons".to_owned(),
        caption_ko: "자격 요건".to_owned(),
        caption_en: "Conditions".to_owned(),
        columns: vec![
            Column::new("요건", "Condition", Kind::Text),
            Column::new("충족", "Met", Kind::Text),
            Column::new("설명", "Explanation", Kind::Text),
            Column::new("근거", "Source", Kind::Text),
        ],
        rows: e
            .reasons
            .iter()
            .map(|r| {
                vec![
                    Cell::Text(r.code.clone()),
                    Cell::Text(if r.met { "yes" } else { "no" }.to_owned()),
                    Cell::Text(format!("{} / {}", r.ko, r.en)),
                    Cell::Text(r.cite.clone()),
                ]
            })
            .collect(),
        footer: None,
    };
    let hires = DataTable {
        id: "hires".to_owned(),
        caption_ko: "이 사업장의 고용보험 취득".to_owned(),
        caption_en: "Employment-insurance acquisitions under this business number".to_owned(),
        columns: vec![
            Column::new("취득일", "Hired on", Kind::Date),
            Column::new("상실일", "Left on", Kind::Date),
            Column::new("AI 훈련 수료일", "AI training completed on", Kind::Date),
            Column::new("신청일 피보험", "Insured on the application date", Kind::Text),
            Column::new("인정", "Counted", Kind::Text),
        ],
        rows: e
            .hires
            .iter()
            .map(|h| {
                let date = |d: Option<NaiveDate>| d.map_or(Cell::Missing, Cell::Date);
                vec![
                    Cell::Date(h.acquired_on),
                    date(h.lost_on),
                    date(h.completed_on),
                    Cell::Text(if h.insured_on_application { "yes" } else { "no" }.to_owned()),
                    Cell::Text(if h.counted { "yes" } else { "no" }.to_owned()),
                ]
            })
            .collect(),
        footer: None,
    };
    vec![reasons, hires]
}

fn yes_no(lang: Lang, yes: bool) -> &'static str {
    if yes {
        lang.pick("예", "yes")
    } else {
        lang.pick("아니오", "no")
    }
}

fn grant_result(lang: Lang, check: &GrantCheck, here: &str, decide: Option<Markup>) -> Markup {
    let e = &check.eligibility;
    let mut tables = grant_tables(check);
    // On the page, the yes/no cells and explanations are in the reader's language.
    for (row, r) in tables[0].rows.iter_mut().zip(&e.reasons) {
        row[1] = Cell::Text(yes_no(lang, r.met).to_owned());
        row[2] = Cell::Text(lang.pick(&r.ko, &r.en).to_owned());
    }
    for (row, h) in tables[1].rows.iter_mut().zip(&e.hires) {
        row[3] = Cell::Text(yes_no(lang, h.insured_on_application).to_owned());
        row[4] = Cell::Text(yes_no(lang, h.counted).to_owned());
    }
    html! {
        section #grant-result aria-labelledby="grant-result-title" {
            h2 #grant-result-title { (lang.pick("확인 결과", "Result")) }
            p #grant-verdict class=(if e.eligible { "verdict verdict--yes" } else { "verdict verdict--no" }) {
                strong { (if e.eligible {
                    lang.pick("지원 대상입니다.", "Eligible.")
                } else {
                    lang.pick("지원 대상이 아닙니다.", "Not eligible.")
                }) }
                " "
                (match lang {
                    Lang::Ko => format!("사업자등록번호 {}, 신청일 {}.", check.business_number, check.applied_on),
                    Lang::En => format!("Business number {}, applied on {}.", check.business_number, check.applied_on),
                })
            }
            p #grant-range { (match lang {
                Lang::Ko => format!("지원 금액은 기업당 {} ~ {}, 올해 {}개 기업입니다 (AI 인재양성 방안 IV-①).", Won(e.grant_min_won), Won(e.grant_max_won), e.firms_cap),
                Lang::En => format!("The grant is {} to {} per firm, for {} firms this year (the plan, IV-①).", Won(e.grant_min_won), Won(e.grant_max_won), e.firms_cap),
            }) }
            @if let Some(source) = &check.registration_source {
                p.hint { (match lang {
                    Lang::Ko => format!("개업일 출처: {} (기준일 {}).", source.source, source.as_of),
                    Lang::En => format!("Opening date from: {} (as of {}).", source.source, source.as_of),
                }) }
            }
            @for source in &check.hire_sources {
                p.hint { (match lang {
                    Lang::Ko => format!("채용 기록 출처: {} (기준일 {}).", source.source, source.as_of),
                    Lang::En => format!("Hires from: {} (as of {}).", source.source, source.as_of),
                }) }
            }
            @if let Some(g) = &check.granted {
                p.notice #grant-granted { (match lang {
                    Lang::Ko => format!("{}년 지원이 결정되었습니다: {} ({}, {}).", g.decision.year, Won(g.decision.amount_won), g.decided_by, crate::pages::widgets::seoul_time(g.decided_at)),
                    Lang::En => format!("Granted for {}: {} ({}, {}).", g.decision.year, Won(g.decision.amount_won), g.decided_by, crate::pages::widgets::seoul_time(g.decided_at)),
                }) }
            }
            @for table in &tables { (table_with_downloads(table, lang, here)) }
            @if let Some(form) = decide { (form) }
        }
    }
}

/// The form that records the grant (programme administrators, eligible firms not yet granted).
fn decide_form(lang: Lang, actor: &Actor, check: &GrantCheck, amount: &str, problems: &[Problem]) -> Markup {
    let e = &check.eligibility;
    html! {
        form.panel #decide-form method="post" action=(GRANT) {
            (hidden(actor.csrf_token().unwrap_or_default(), lang))
            input type="hidden" name="business_number" value=(check.business_number);
            input type="hidden" name="applied_on" value=(check.applied_on.to_string());
            h3 { (lang.pick("지원 결정 기록", "Record the grant")) }
            (input("amount_won", "number", lang.pick("지원 금액(원)", "Amount (won)"), amount, "off",
                Some(&match lang {
                    Lang::Ko => format!("{}원 ~ {}원", e.grant_min_won, e.grant_max_won),
                    Lang::En => format!("{} to {} won", e.grant_min_won, e.grant_max_won),
                }), problems, true))
            div.actions { button #decide type="submit" { (lang.pick("지원 결정", "Grant")) } }
        }
    }
}

async fn grant_page(
    Allowed(actor, ..): Allowed<perm::ReadDashboards>,
    State(state): State<AppState>,
    Query(q): Query<GrantQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    grant_view(&state, &actor, lang, &q, None, Vec::new()).await
}

#[derive(Debug, Default, Deserialize)]
struct DecideForm {
    #[serde(default)]
    business_number: String,
    #[serde(default)]
    applied_on: String,
    #[serde(default)]
    amount_won: String,
    lang: Option<String>,
}

async fn decide_grant(
    Allowed(actor, ..): Allowed<perm::ManageProgrammeRecords>,
    State(state): State<AppState>,
    CsrfForm(form): CsrfForm<DecideForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    let q = GrantQuery {
        business_number: Some(form.business_number.clone()),
        applied_on: Some(form.applied_on.clone()),
        ..GrantQuery::default()
    };
    let refuse = |message: String| {
        vec![Problem {
            field: "amount_won",
            message,
        }]
    };
    let amount = form.amount_won.trim().replace(',', "").parse::<i64>().ok();
    let applied_on = NaiveDate::parse_from_str(form.applied_on.trim(), "%Y-%m-%d").ok();
    let (Some(amount), Some(applied_on)) = (amount, applied_on) else {
        let message = lang.pick(
            "지원 금액을 원 단위 정수로 입력하세요.",
            "Enter the amount in whole won.",
        );
        return grant_view(
            &state,
            &actor,
            lang,
            &q,
            Some(&form.amount_won),
            refuse(message.to_owned()),
        )
        .await;
    };
    match grant::decide(&state.app, &actor, &form.business_number, applied_on, amount).await {
        Ok(_) => {
            let done = lang.pick("지원 결정을 기록했습니다.", "The grant was recorded.");
            see_other(&href(
                &format!(
                    "{GRANT}?business_number={}&applied_on={applied_on}&done={}",
                    crate::pages::encode_component(form.business_number.trim()),
                    crate::pages::encode_component(done)
                ),
                lang,
            ))
        }
        Err(e) if e.http_status() < 500 => {
            // Only a bad amount is the amount's; anything else (not eligible, already granted)
            // is about the firm, whose field is always on the page.
            let field = if e.field.as_deref() == Some("amount_won") {
                "amount_won"
            } else {
                "business_number"
            };
            let problems = vec![Problem {
                field,
                message: e.message_in(lang == Lang::Ko).to_owned(),
            }];
            grant_view(&state, &actor, lang, &q, Some(&form.amount_won), problems).await
        }
        Err(e) => crate::error::ApiError(e).into_response(),
    }
}

/// The grant page: the check of `q`'s firm, with `decide_problems` (a refused decision, shown
/// beside the amount) answered 422.
async fn grant_view(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    q: &GrantQuery,
    amount: Option<&str>,
    decide_problems: Vec<Problem>,
) -> Response {
    let as_of = AsOf::now(&state.app);
    let number = q.business_number.clone().unwrap_or_default();
    let applied_text = q.applied_on.clone().unwrap_or_else(|| as_of.date.to_string());
    let mut problems = Vec::new();
    let mut status = StatusCode::OK;
    let mut result = None;
    if !number.trim().is_empty() {
        match NaiveDate::parse_from_str(applied_text.trim(), "%Y-%m-%d") {
            Err(_) => problems.push(Problem {
                field: "applied_on",
                message: lang
                    .pick(
                        "신청일을 YYYY-MM-DD로 입력하세요.",
                        "Enter the application date as YYYY-MM-DD.",
                    )
                    .to_owned(),
            }),
            Ok(applied_on) => match grant::check_applicant(&state.app, actor, &number, applied_on).await {
                Ok(check) => result = Some(check),
                Err(e) if e.field.as_deref() == Some("business_number") => {
                    problems.push(problem(lang, "business_number", &e));
                }
                Err(e) => return crate::error::ApiError(e).into_response(),
            },
        }
    }
    problems.extend(decide_problems);
    if !problems.is_empty() {
        status = StatusCode::UNPROCESSABLE_ENTITY;
    }
    let here = format!(
        "{GRANT}?business_number={}&applied_on={}",
        crate::pages::encode_component(number.trim()),
        crate::pages::encode_component(applied_text.trim())
    );
    if let Some(format) = Format::parse(q.format.as_deref()) {
        let table = result.as_ref().and_then(|check| {
            grant_tables(check)
                .into_iter()
                .find(|t| Some(t.id.as_str()) == q.table.as_deref())
        });
        return match table {
            Some(table) => export_response(&table, format, lang, as_of.date),
            None => crate::pages::not_found_in(lang),
        };
    }
    let title = lang.pick("스타트업 사업화 자금 자격 확인", "Startup-hiring grant check");
    let body = html! {
        h1 #page-title { (title) }
        (as_of_stamp(lang, &as_of))
        (error_summary(lang, &problems))
        @if let Some(done) = &q.done { p.notice role="status" #grant-done { (done) } }
        p.lede { (lang.pick(
            "정부 지원 AI 훈련 수료자를 채용한 스타트업에 사업화 자금을 지원합니다. 사업자등록번호와 신청일을 넣으면 가져온 창업·고용보험 기록과 수료 기록으로 요건마다 충족 여부와 이유를 보여 줍니다.",
            "The grant funds startups that hire graduates of government-supported AI training. Enter a business number and the application date to see each condition, met or not and why, from the imported startup and employment-insurance records and aiup's completions.")) }
        form.panel.filters #grant-form method="get" action=(GRANT) {
            @if lang == Lang::En { input type="hidden" name="lang" value="en"; }
            div.row {
                (input("business_number", "text", lang.pick("사업자등록번호", "Business number"), &number, "off",
                    Some(lang.pick("10자리, 하이픈은 있어도 됩니다", "Ten digits; hyphens are fine")), &problems, true))
                (input("applied_on", "date", lang.pick("신청일", "Application date"), &applied_text, "off", None, &problems, true))
            }
            div.actions { button #check type="submit" { (lang.pick("확인", "Check")) } }
        }
        @if let Some(check) = &result {
            @let decide = (actor.allows(Permission::ManageProgrammeRecords)
                && check.eligibility.eligible
                && check.granted.is_none())
                .then(|| decide_form(lang, actor, check, amount.unwrap_or(&check.eligibility.grant_min_won.to_string()), &problems));
            (grant_result(lang, check, &href(&here, lang), decide))
        }
        p { a href=(href(PATH, lang)) { (lang.pick("← 수료생 성과", "← Graduates' outcomes")) } }
    };
    frame(actor, lang, Board::Outcomes, title, &here, body, status)
}
