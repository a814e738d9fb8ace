//! Dashboard page group `reforms` (issue 12, item 5): the drafts and the draft form
//! (`/admin/reforms`), a draft compared with the active policy on the whole population
//! (`/admin/reforms/{id}`), and two stored policy versions compared (`/admin/reforms/compare`).
//! Auditors read the drafts and comparisons; only programme administrators draft and refresh the
//! population basis.

use super::super::chart::{bar_chart, BarChart, Series};
use super::super::payroll::key_name;
use super::super::widgets::{error_summary, hidden, href, parse_id, see_other, Problem};
use super::table::{export_response, table_with_downloads, Cell, Column, DataTable, Format, Kind};
use super::{as_of_stamp, frame, may_draft, Board};
use crate::access::{perm, Access, Allowed, CsrfForm};
use crate::i18n::Lang;
use crate::AppState;
use aiup_app::accounts::{Actor, Permission};
use aiup_app::payroll::TotalsBy;
use aiup_app::reform::{DraftError, DraftInput, OverrideInput, ParamChoice, ReformComparison};
use aiup_app::AppError;
use aiup_rules::reform::{GainBand, GroupTotals};
use aiup_rules::{Engine, Totals};
use aiup_store::BasisMeta;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup};
use serde::Deserialize;
use std::collections::BTreeMap;

const PATH: &str = "/admin/reforms";
const BASIS: &str = "/admin/reforms/basis";
const COMPARE: &str = "/admin/reforms/compare";
const ONE: &str = "/admin/reforms/{id}";

/// This page group's routes and who may use each (part of `access::ROUTES`).
pub const ROUTES: &[(Method, &str, Access)] = &[
    (Method::GET, PATH, Access::Allowed(Permission::ReadDashboards)),
    (Method::POST, PATH, Access::Allowed(Permission::DraftReforms)),
    (Method::POST, BASIS, Access::Allowed(Permission::DraftReforms)),
    (Method::GET, COMPARE, Access::Allowed(Permission::ReadDashboards)),
    (Method::GET, ONE, Access::Allowed(Permission::ReadDashboards)),
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/reforms", get(drafts_page).post(save_draft))
        .route("/admin/reforms/basis", post(refresh_basis))
        .route("/admin/reforms/compare", get(compare_versions))
        .route("/admin/reforms/{id}", get(draft_comparison))
}

/// Override rows the form offers (empty rows are ignored).
const ROWS: usize = 3;
const PARAM_IDS: [&str; ROWS] = ["param0", "param1", "param2"];
const FROM_IDS: [&str; ROWS] = ["from0", "from1", "from2"];
const VALUE_IDS: [&str; ROWS] = ["value0", "value1", "value2"];

#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    lang: Option<String>,
    done: Option<String>,
    format: Option<String>,
    table: Option<String>,
    a: Option<String>,
    b: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct DraftForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    param0: String,
    #[serde(default)]
    from0: String,
    #[serde(default)]
    value0: String,
    #[serde(default)]
    param1: String,
    #[serde(default)]
    from1: String,
    #[serde(default)]
    value1: String,
    #[serde(default)]
    param2: String,
    #[serde(default)]
    from2: String,
    #[serde(default)]
    value2: String,
    lang: Option<String>,
}

impl DraftForm {
    fn input(&self) -> DraftInput {
        let row = |param: &str, from: &str, value: &str| OverrideInput {
            param: param.to_owned(),
            from: from.to_owned(),
            value: value.to_owned(),
        };
        DraftInput {
            name: self.name.clone(),
            description: self.description.clone(),
            overrides: vec![
                row(&self.param0, &self.from0, &self.value0),
                row(&self.param1, &self.from1, &self.value1),
                row(&self.param2, &self.from2, &self.value2),
            ],
        }
    }
}

fn status_of(e: &AppError) -> StatusCode {
    StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY)
}

fn error_response(e: AppError) -> Response {
    crate::error::ApiError(e).into_response()
}

/// The form field a service error names (`overrides[1].value` → `value1`).
fn field_of(field: Option<&str>) -> &'static str {
    let Some(field) = field else { return "name" };
    for i in 0..ROWS {
        let prefix = format!("overrides[{i}].");
        if let Some(part) = field.strip_prefix(&prefix) {
            return match part {
                "param" => PARAM_IDS[i],
                "from" => FROM_IDS[i],
                _ => VALUE_IDS[i],
            };
        }
    }
    match field {
        "description" => "description",
        "overrides" => PARAM_IDS[0],
        _ => "name",
    }
}

/// The stamp of the population every comparison is computed on.
fn basis_stamp(lang: Lang, meta: Option<&BasisMeta>) -> Markup {
    html! {
        @match meta {
            Some(m) => p.as-of #basis-stamp {
                (lang.pick("인구 기준: ", "Population as of "))
                time datetime=(m.refreshed_at.to_rfc3339()) { (super::super::widgets::seoul_time(m.refreshed_at)) }
                (lang.pick(" (서울) · 수강 ", " (Seoul) · "))
                (super::table::grouped(m.enrolments))
                (lang.pick("건, 단위기간 ", " enrolments, "))
                (super::table::grouped(m.periods))
                (lang.pick("개 · 출결 집계 ", " unit periods · attendance counted to "))
                (m.counted_until.to_string())
            },
            None => p.as-of #basis-stamp { (lang.pick(
                "아직 인구 기준이 없습니다. 비교하려면 먼저 기준을 만드십시오.",
                "There is no population basis yet: refresh it before comparing.",
            )) },
        }
    }
}

fn parameters_table(params: &[ParamChoice]) -> DataTable {
    DataTable {
        id: "parameters".into(),
        caption_ko: "바꿀 수 있는 매개변수와 오늘의 값".into(),
        caption_en: "Parameters a draft may change, with today's values".into(),
        columns: vec![
            Column::new("매개변수", "Parameter", Kind::Text),
            Column::new("설명", "Description", Kind::Text),
            Column::new("현재 값", "Current value", Kind::Text),
            Column::new("시행일", "In force from", Kind::Date),
            Column::new("근거", "Citation", Kind::Text),
            Column::new("값의 형식", "Value format", Kind::Text),
        ],
        rows: params
            .iter()
            .map(|p| {
                vec![
                    Cell::Text(p.id.clone()),
                    Cell::Text(format!("{} / {}", p.description.ko, p.description.en)),
                    Cell::Text(p.current.clone()),
                    Cell::Date(p.from),
                    Cell::Text(p.cite.clone()),
                    Cell::Text(p.kind.clone()),
                ]
            })
            .collect(),
        footer: None,
    }
}

fn drafts_table(drafts: &[aiup_store::ReformDraftRecord]) -> DataTable {
    DataTable {
        id: "drafts".into(),
        caption_ko: "제도 변경 초안 (최신순)".into(),
        caption_en: "Reform drafts, newest first".into(),
        columns: vec![
            Column::new("번호", "Draft", Kind::Count),
            Column::new("이름", "Name", Kind::Text),
            Column::new("판", "Version", Kind::Count),
            Column::new("설명", "Description", Kind::Text),
            Column::new("기준 정책", "Written against", Kind::Text),
            Column::new("작성", "Author", Kind::Text),
        ],
        rows: drafts
            .iter()
            .map(|d| {
                vec![
                    Cell::Int(d.id),
                    Cell::Text(d.name.clone()),
                    Cell::Int(d.version),
                    Cell::Text(d.description.clone()),
                    Cell::Text(d.based_on_policy.clone()),
                    Cell::Text(d.author.clone()),
                ]
            })
            .collect(),
        footer: None,
    }
}

/// One override row of the form: parameter (chosen from the registry), from-date and value,
/// each with its error beside it.
fn override_row(lang: Lang, i: usize, form: &DraftForm, params: &[ParamChoice], problems: &[Problem]) -> Markup {
    let (param, from, value) = match i {
        0 => (&form.param0, &form.from0, &form.value0),
        1 => (&form.param1, &form.from1, &form.value1),
        _ => (&form.param2, &form.from2, &form.value2),
    };
    let error = |id: &str| problems.iter().find(|p| p.field == id);
    let field = |id: &'static str, label: &str, hint: &str, control: Markup| {
        let e = error(id);
        html! {
            div class=(if e.is_some() { "field field--error" } else { "field" }) {
                label for=(id) { (label) }
                p.hint id=(format!("{id}-hint")) { (hint) }
                @if let Some(e) = e { p.field-error id=(format!("{id}-error")) { (e.message) } }
                (control)
            }
        }
    };
    let described = |id: &str| {
        if error(id).is_some() {
            format!("{id}-hint {id}-error")
        } else {
            format!("{id}-hint")
        }
    };
    let (pid, fid, vid) = (PARAM_IDS[i], FROM_IDS[i], VALUE_IDS[i]);
    html! {
        fieldset.reform-override {
            legend { (lang.pick("변경 ", "Change ")) (i + 1) }
            (field(pid, lang.pick("매개변수", "Parameter"), lang.pick("현재 값과 근거는 아래 표에 있습니다.", "Today's values and citations are in the table below."), html! {
                select id=(pid) name=(pid) aria-describedby=(described(pid)) aria-invalid=[error(pid).map(|_| "true")] {
                    option value="" selected[param.is_empty()] { (lang.pick("— 고르십시오 —", "— choose —")) }
                    @for p in params {
                        option value=(p.id) selected[*param == p.id] { (p.id) " (" (p.current) ")" }
                    }
                }
            }))
            (field(fid, lang.pick("시행일 (선택)", "In force from (optional)"), lang.pick("YYYY-MM-DD. 비우면 모든 기간의 값을 바꿉니다.", "YYYY-MM-DD. Empty: the value replaces every period's."), html! {
                input id=(fid) name=(fid) type="text" inputmode="numeric" value=(from) autocomplete="off"
                    aria-describedby=(described(fid)) aria-invalid=[error(fid).map(|_| "true")];
            }))
            (field(vid, lang.pick("새 값", "New value"), lang.pick("정책 파일과 같은 형식: 7000, \"90%\"는 90%, true", "As the policy files write it: 7000, 90%, true"), html! {
                input id=(vid) name=(vid) type="text" value=(value) autocomplete="off"
                    aria-describedby=(described(vid)) aria-invalid=[error(vid).map(|_| "true")];
            }))
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn drafts_view(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    form: &DraftForm,
    problems: Vec<Problem>,
    done: Option<&str>,
    query: &PageQuery,
    status: StatusCode,
) -> Response {
    let app = &state.app;
    let (drafts, params, meta, versions) = match (
        app.reform_drafts(actor).await,
        app.reform_parameters(actor),
        app.basis_meta(actor).await,
        app.db().policy().versions().await,
    ) {
        (Ok(d), Ok(p), Ok(m), Ok(v)) => (d, p, m, v),
        (Err(e), ..) | (_, Err(e), ..) | (_, _, Err(e), _) => return error_response(e),
        (_, _, _, Err(e)) => return error_response(e.into()),
    };
    let drafts_t = drafts_table(&drafts);
    let params_t = parameters_table(&params);
    if let Some(format) = Format::parse(query.format.as_deref()) {
        let table = match query.table.as_deref() {
            Some("drafts") => &drafts_t,
            Some("parameters") => &params_t,
            _ => return error_response(AppError::not_found("table")),
        };
        return export_response(table, format, lang, app.today());
    }
    let as_of = aiup_app::dashboard::AsOf::now(app);
    let title = Board::Reforms.label(lang);
    let error = |id: &str| problems.iter().find(|p| p.field == id);
    let body = html! {
        h1 #page-title { (title) }
        (as_of_stamp(lang, &as_of))
        (basis_stamp(lang, meta.as_ref()))
        @if done == Some("basis") { p.notice role="status" { (lang.pick("인구 기준을 새로 만들었습니다.", "The population basis was refreshed.")) } }
        (error_summary(lang, &problems))
        p.lede { (lang.pick(
            "정책 매개변수를 바꾼 초안을 만들고, 현재 정책과 비교해 전체 훈련생에게 훈련장려금·훈련비 지원·자비 부담이 어떻게 달라지는지, 사업·지역 등급·시도별로, 누가 얼마나 얻고 잃는지 봅니다.",
            "Draft a change of policy parameters and compare it with the active policy on every trainee: what changes in allowances, tuition support and self-payment, by programme, region tier and province, and who gains or loses how much.",
        )) }
        @if may_draft(actor) {
            form.panel #basis-form method="post" action=(BASIS) {
                (hidden(actor.csrf_token().unwrap_or_default(), lang))
                p { (lang.pick("비교는 저장된 인구 기준(수강과 집계된 단위기간)으로 합니다. 출결이 늘었으면 기준을 새로 만드십시오.", "Comparisons run on the stored population basis (enrolments and their counted unit periods). Refresh it when attendance has moved on.")) }
                div.actions { button #refresh-basis type="submit" { (lang.pick("인구 기준 새로 만들기", "Refresh the population basis")) } }
            }
        }
        h2 #drafts-title { (lang.pick("초안", "Drafts")) }
        (table_with_downloads(&drafts_t, lang, PATH))
        @if !drafts.is_empty() {
            ul.reform-links aria-labelledby="drafts-title" {
                @for d in &drafts {
                    li { a href=(href(&format!("{PATH}/{}", d.id), lang)) {
                        (lang.pick("비교 보기: ", "Compare: ")) (d.name) " v" (d.version)
                    } }
                }
            }
        }
        h2 #versions-title { (lang.pick("정책 버전 비교", "Compare two policy versions")) }
        form.panel #versions-form method="get" action=(COMPARE) {
            @if lang == Lang::En { input type="hidden" name="lang" value="en"; }
            div.field {
                label for="a" { (lang.pick("기준 버전", "Baseline version")) }
                select #a name="a" { @for v in &versions { option value=(v.version) selected[v.active] { (v.version) @if v.active { (lang.pick(" (현재)", " (active)")) } } } }
            }
            div.field {
                label for="b" { (lang.pick("비교 버전", "Reform version")) }
                select #b name="b" { @for v in &versions { option value=(v.version) { (v.version) } } }
            }
            div.actions { button #compare-versions type="submit" { (lang.pick("두 버전 비교하기", "Compare the versions")) } }
        }
        @if may_draft(actor) {
            h2 #draft-title { (lang.pick("새 초안", "New draft")) }
            form.panel #draft-form method="post" action=(PATH) novalidate {
                (hidden(actor.csrf_token().unwrap_or_default(), lang))
                div class=(if error("name").is_some() { "field field--error" } else { "field" }) {
                    label for="name" { (lang.pick("이름", "Name")) }
                    p.hint #name-hint { (lang.pick("글자, 숫자, '-', '_' 64자까지. 같은 이름으로 저장하면 새 판이 됩니다.", "Letters, digits, '-' or '_', up to 64. Saving under the same name makes a new version.")) }
                    @if let Some(e) = error("name") { p.field-error #name-error { (e.message) } }
                    input #name name="name" type="text" value=(form.name) required autocomplete="off"
                        aria-describedby=(if error("name").is_some() { "name-hint name-error" } else { "name-hint" })
                        aria-invalid=[error("name").map(|_| "true")];
                }
                div class=(if error("description").is_some() { "field field--error" } else { "field" }) {
                    label for="description" { (lang.pick("설명 (선택)", "Description (optional)")) }
                    @if let Some(e) = error("description") { p.field-error #description-error { (e.message) } }
                    textarea #description name="description" rows="2"
                        aria-describedby=[error("description").map(|_| "description-error")]
                        aria-invalid=[error("description").map(|_| "true")] { (form.description) }
                }
                @for i in 0..ROWS { (override_row(lang, i, form, &params, &problems)) }
                div.actions { button #save-draft type="submit" { (lang.pick("초안 저장하고 비교하기", "Save the draft and compare")) } }
            }
        }
        h2 #parameters-title { (lang.pick("매개변수", "Parameters")) }
        (table_with_downloads(&params_t, lang, PATH))
    };
    frame(actor, lang, Board::Reforms, title, PATH, body, status)
}

async fn drafts_page(
    Allowed(actor, ..): Allowed<perm::ReadDashboards>,
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    drafts_view(
        &state,
        &actor,
        lang,
        &DraftForm::default(),
        vec![],
        q.done.as_deref(),
        &q,
        StatusCode::OK,
    )
    .await
}

async fn save_draft(
    Allowed(actor, ..): Allowed<perm::DraftReforms>,
    State(state): State<AppState>,
    CsrfForm(form): CsrfForm<DraftForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    match state.app.draft_reform(&actor, &form.input()).await {
        Ok(draft) => see_other(&href(&format!("{PATH}/{}", draft.id), lang)),
        Err(DraftError::Invalid(errors)) => {
            let problems = errors
                .iter()
                .map(|e| Problem {
                    field: field_of(e.field.as_deref()),
                    message: e.message_in(lang == Lang::Ko).to_owned(),
                })
                .collect();
            let q = PageQuery::default();
            drafts_view(
                &state,
                &actor,
                lang,
                &form,
                problems,
                None,
                &q,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(DraftError::App(e)) => error_response(e),
    }
}

async fn refresh_basis(
    Allowed(actor, ..): Allowed<perm::DraftReforms>,
    State(state): State<AppState>,
    CsrfForm(form): CsrfForm<super::super::widgets::LangForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    match state.app.refresh_basis(&actor).await {
        Ok(_) => see_other(&href(&format!("{PATH}?done=basis"), lang)),
        Err(e) => error_response(e),
    }
}

// ---------------------------------------------------------------------------------------------
// A comparison
// ---------------------------------------------------------------------------------------------

const MEASURES: [(&str, &str); 7] = [
    ("훈련장려금", "Allowance"),
    ("  기본 장려금", "  base allowance"),
    ("  특별 장려금", "  special allowance"),
    ("훈련비 지원", "Tuition support"),
    ("자비 부담", "Self-payment"),
    ("사업주 부담", "Employer payment"),
    ("인정 훈련비", "Recognised training cost"),
];

fn measures(t: &Totals) -> [i64; 7] {
    [
        t.allowance_won,
        t.base_allowance_won,
        t.special_allowance_won,
        t.tuition_support_won,
        t.self_payment_won,
        t.employer_payment_won,
        t.recognised_training_cost_won,
    ]
}

/// Government spending: allowances and tuition support.
fn spending(t: &Totals) -> i64 {
    t.allowance_won + t.tuition_support_won
}

fn totals_table(c: &ReformComparison) -> DataTable {
    let g = &c.comparison.total;
    let (b, r, d) = (measures(&g.baseline), measures(&g.reform), measures(&g.difference));
    DataTable {
        id: "totals".into(),
        caption_ko: "전체: 기준, 변경안, 차이".into(),
        caption_en: "Totals: baseline, reform, difference".into(),
        columns: vec![
            Column::new("항목", "Measure", Kind::Text),
            Column::new("기준", "Baseline", Kind::Won),
            Column::new("변경안", "Reform", Kind::Won),
            Column::new("차이", "Difference", Kind::Won),
        ],
        rows: MEASURES
            .iter()
            .enumerate()
            .map(|(i, (ko, en))| {
                vec![
                    Cell::Text(format!("{} / {}", ko.trim(), en.trim())),
                    Cell::Int(b[i]),
                    Cell::Int(r[i]),
                    Cell::Int(d[i]),
                ]
            })
            .collect(),
        footer: None,
    }
}

fn group_row(name: String, g: &GroupTotals) -> Vec<Cell> {
    vec![
        Cell::Text(name),
        Cell::Int(i64::try_from(g.people).unwrap_or(i64::MAX)),
        Cell::Int(spending(&g.baseline)),
        Cell::Int(spending(&g.reform)),
        Cell::Int(spending(&g.difference)),
        Cell::Int(g.difference.allowance_won),
        Cell::Int(g.difference.tuition_support_won),
        Cell::Int(g.difference.self_payment_won),
    ]
}

fn group_table(
    engine: &Engine,
    lang: Lang,
    id: &str,
    (ko, en): (&str, &str),
    by: TotalsBy,
    groups: &BTreeMap<String, GroupTotals>,
    total: &GroupTotals,
) -> DataTable {
    DataTable {
        id: id.into(),
        caption_ko: format!("{ko}: 정부 지원(장려금+훈련비) 기준·변경안·차이"),
        caption_en: format!("{en}: government support (allowance + tuition) baseline, reform, difference"),
        columns: vec![
            Column::new("구분", "Group", Kind::Text),
            Column::new("수강", "Enrolments", Kind::Count),
            Column::new("기준 지원", "Baseline support", Kind::Won),
            Column::new("변경안 지원", "Reform support", Kind::Won),
            Column::new("지원 차이", "Support difference", Kind::Won),
            Column::new("장려금 차이", "Allowance difference", Kind::Won),
            Column::new("훈련비 지원 차이", "Tuition support difference", Kind::Won),
            Column::new("자비 부담 차이", "Self-payment difference", Kind::Won),
        ],
        rows: groups
            .iter()
            .map(|(key, g)| group_row(key_name(engine, lang, by, key), g))
            .collect(),
        footer: Some(group_row(lang.pick("합계", "Total").to_owned(), total)),
    }
}

fn band_label(lang: Lang, b: &GainBand) -> String {
    let won = |n: i64| aiup_core::money::Won(n).to_string();
    match (b.from_won, b.to_won) {
        (Some(0), Some(1)) => lang.pick("변화 없음", "No change").to_owned(),
        (None, Some(to)) => {
            format!("{} {}", lang.pick("손실", "Loss of"), won(1 - to)) + lang.pick(" 이상", " or more")
        }
        (Some(from), None) => {
            format!("{} {}", lang.pick("이득", "Gain of"), won(from)) + lang.pick(" 이상", " or more")
        }
        (Some(from), Some(to)) if to <= 0 => {
            format!("{} {} – {}", lang.pick("손실", "Loss of"), won(-to + 1), won(-from))
        }
        (Some(from), Some(to)) => format!("{} {} – {}", lang.pick("이득", "Gain of"), won(from), won(to - 1)),
        (None, None) => String::new(),
    }
}

fn gains_table(lang: Lang, c: &ReformComparison) -> DataTable {
    let g = &c.comparison.gains;
    DataTable {
        id: "gains".into(),
        caption_ko: "훈련생별 이득과 손실 (받는 장려금 − 내는 자비 부담의 차이)".into(),
        caption_en: "Who gains and loses (change in allowance received less self-payment paid)".into(),
        columns: vec![
            Column::new("구간", "Band", Kind::Text),
            Column::new("훈련생", "Trainees", Kind::Count),
            Column::new("차이 합계", "Sum of differences", Kind::Won),
        ],
        rows: g
            .bands
            .iter()
            .map(|b| {
                vec![
                    Cell::Text(band_label(lang, b)),
                    Cell::Int(i64::try_from(b.people).unwrap_or(i64::MAX)),
                    Cell::Int(b.difference_won),
                ]
            })
            .collect(),
        footer: Some(vec![
            Cell::Text(lang.pick("합계", "Total").to_owned()),
            Cell::Int(i64::try_from(g.gainers + g.losers + g.unchanged).unwrap_or(i64::MAX)),
            Cell::Int(g.bands.iter().map(|b| b.difference_won).sum()),
        ]),
    }
}

/// Won in tenths of a million (the chart's unit is ₩ million), never negative.
fn million_tenths(won: i64) -> Option<u32> {
    u32::try_from(won.max(0) / 100_000).ok()
}

fn support_chart(lang: Lang, id: &str, title: &str, table: &DataTable) -> Markup {
    let categories = table.rows.iter().map(|r| r[0].shown(Kind::Text)).collect();
    let column = |i: usize| -> Vec<Option<u32>> {
        table
            .rows
            .iter()
            .map(|r| match r[i] {
                Cell::Int(n) => million_tenths(n),
                _ => None,
            })
            .collect()
    };
    bar_chart(&BarChart {
        id: id.to_owned(),
        title: title.to_owned(),
        description: lang
            .pick(
                "기준과 변경안의 정부 지원(백만 원). 같은 숫자가 아래 표에 있습니다.",
                "Government support under the baseline and the reform, in ₩ million. The same numbers are in the table below.",
            )
            .to_owned(),
        unit: lang.pick("백만 원", " ₩m").to_owned(),
        categories,
        series: vec![
            Series {
                name: lang.pick("기준", "Baseline").to_owned(),
                values: column(2),
            },
            Series {
                name: lang.pick("변경안", "Reform").to_owned(),
                values: column(3),
            },
        ],
    })
}

fn gains_chart(lang: Lang, table: &DataTable) -> Markup {
    bar_chart(&BarChart {
        id: "gains-chart".into(),
        title: lang
            .pick("이득·손실 구간별 훈련생", "Trainees by gain or loss")
            .to_owned(),
        description: lang
            .pick(
                "구간마다 훈련생 수. 같은 숫자가 아래 표에 있습니다.",
                "Trainees in each band. The same numbers are in the table below.",
            )
            .to_owned(),
        unit: lang.pick("명", " people").to_owned(),
        categories: table.rows.iter().map(|r| r[0].shown(Kind::Text)).collect(),
        series: vec![Series {
            name: lang.pick("훈련생", "Trainees").to_owned(),
            values: table
                .rows
                .iter()
                .map(|r| match r[1] {
                    Cell::Int(n) => u32::try_from(n.saturating_mul(10)).ok(),
                    _ => None,
                })
                .collect(),
        }],
    })
}

fn comparison_view(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    here: &str,
    q: &PageQuery,
    c: &ReformComparison,
) -> Response {
    let engine = state.app.engine();
    let p = &c.comparison;
    let totals = totals_table(c);
    let programme = group_table(
        &engine,
        lang,
        "by-programme",
        ("사업별", "By programme"),
        TotalsBy::Programme,
        &p.by_programme,
        &p.total,
    );
    let tier = group_table(
        &engine,
        lang,
        "by-tier",
        ("지역 등급별", "By region tier"),
        TotalsBy::RegionTier,
        &p.by_tier,
        &p.total,
    );
    let province = group_table(
        &engine,
        lang,
        "by-province",
        ("시도별", "By province"),
        TotalsBy::Province,
        &p.by_province,
        &p.total,
    );
    let gains = gains_table(lang, c);
    if let Some(format) = Format::parse(q.format.as_deref()) {
        let table = match q.table.as_deref() {
            Some("totals") => &totals,
            Some("by-programme") => &programme,
            Some("by-tier") => &tier,
            Some("by-province") => &province,
            Some("gains") => &gains,
            _ => return error_response(AppError::not_found("table")),
        };
        return export_response(table, format, lang, c.as_of.date);
    }
    let title = match &c.draft {
        Some(d) => format!(
            "{} {} v{}",
            lang.pick("제도 변경 비교:", "Reform comparison:"),
            d.name,
            d.version
        ),
        None => format!(
            "{} {} → {}",
            lang.pick("정책 버전 비교:", "Policy versions:"),
            c.baseline_label,
            c.reform_label
        ),
    };
    let page = here.to_owned();
    let g = &p.gains;
    let body = html! {
        h1 #page-title { (title) }
        (as_of_stamp(lang, &c.as_of))
        (basis_stamp(lang, Some(&c.basis)))
        p { a href=(href(PATH, lang)) { (lang.pick("← 초안 목록", "← All drafts")) } }
        dl.facts #comparison-facts {
            dt { (lang.pick("기준", "Baseline")) } dd { (c.baseline_label) }
            dt { (lang.pick("변경안", "Reform")) } dd { (c.reform_label) }
            @if let Some(d) = &c.draft {
                @if !d.description.is_empty() { dt { (lang.pick("설명", "Description")) } dd { (d.description) } }
                dt { (lang.pick("변경", "Overrides")) } dd { code { (d.overrides) } }
            }
            dt { (lang.pick("계산하지 못한 수강", "Enrolments not priced")) }
            dd { (lang.pick("기준 ", "baseline ")) (p.unpriced_baseline) " · " (lang.pick("변경안 ", "reform ")) (p.unpriced_reform) }
        }
        h2 { (lang.pick("전체", "Totals")) }
        (table_with_downloads(&totals, lang, &page))
        h2 { (lang.pick("누가 얻고 잃는가", "Who gains and who loses")) }
        p #gains-summary {
            (lang.pick("이득 ", "Gain: ")) (super::table::grouped(i64::try_from(g.gainers).unwrap_or(0))) (lang.pick("명 · 손실 ", " · lose: "))
            (super::table::grouped(i64::try_from(g.losers).unwrap_or(0))) (lang.pick("명 · 변화 없음 ", " · unchanged: "))
            (super::table::grouped(i64::try_from(g.unchanged).unwrap_or(0))) (lang.pick("명 · 최대 이득 ", " · largest gain "))
            (aiup_core::money::Won(g.largest_gain_won).to_string()) (lang.pick(" · 최대 손실 ", " · largest loss "))
            (aiup_core::money::Won(g.largest_loss_won).to_string())
        }
        (gains_chart(lang, &gains))
        (table_with_downloads(&gains, lang, &page))
        h2 { (lang.pick("사업별", "By programme")) }
        (support_chart(lang, "programme-chart", lang.pick("사업별 정부 지원", "Government support by programme"), &programme))
        (table_with_downloads(&programme, lang, &page))
        h2 { (lang.pick("지역 등급별", "By region tier")) }
        (table_with_downloads(&tier, lang, &page))
        h2 { (lang.pick("시도별", "By province")) }
        (support_chart(lang, "province-chart", lang.pick("시도별 정부 지원", "Government support by province"), &province))
        (table_with_downloads(&province, lang, &page))
    };
    frame(actor, lang, Board::Reforms, &title, here, body, StatusCode::OK)
}

async fn draft_comparison(
    Allowed(actor, ..): Allowed<perm::ReadDashboards>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let Some(id) = parse_id(&id) else {
        return error_response(AppError::not_found("reform draft"));
    };
    match state.app.compare_draft(&actor, id).await {
        Ok(c) => comparison_view(&state, &actor, lang, &format!("{PATH}/{id}"), &q, &c),
        Err(e) => error_response(e),
    }
}

async fn compare_versions(
    Allowed(actor, ..): Allowed<perm::ReadDashboards>,
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let (a, b) = (q.a.clone().unwrap_or_default(), q.b.clone().unwrap_or_default());
    match state.app.compare_versions(&actor, &a, &b).await {
        Ok(c) => {
            let here = format!(
                "{COMPARE}?a={}&b={}",
                super::super::form::encode_component(&a),
                super::super::form::encode_component(&b)
            );
            comparison_view(&state, &actor, lang, &here, &q, &c)
        }
        Err(e) => {
            let status = status_of(&e);
            let mut response = error_response(e);
            *response.status_mut() = status;
            response
        }
    }
}
