//! The SME registry for programme administrators: firms (list, filters, CSV import with every bad row listed), a firm's record with every partner programme it takes part in, the partner programmes and their participant imports, the integrated list.
//!
//! `/admin/sme/firms` lists and imports firms, `/admin/sme/firms/{id}` is one firm's record (and
//! its centre), `/admin/sme/partners` the collaboration table with its participant imports, and
//! `/admin/sme/integrated` every programme each firm takes part in (`?format=csv` to download).

mod firm;
mod partners;

use super::accounts::account_menu;
use super::view::{page_in, Section};
use super::widgets::{column_heads, error_summary, hidden, href, private_page, see_other, Problem};
use crate::access::{perm, Access, Allowed, CsrfForm};
use crate::i18n::Lang;
use crate::AppState;
use aiup_app::accounts::{Actor, Permission};
use aiup_app::sme::firms::{self, CentreRecord, FirmFilter, FirmRecord};
use aiup_app::AppError;
use aiup_sme::ksic::{ksic, IndustryCode};
use aiup_sme::partner::partner_programmes;
use aiup_sme::{RowProblem, SizeBand};
use axum::extract::{Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup};
use serde::Deserialize;

const FIRMS: &str = "/admin/sme/firms";
const PARTNERS: &str = "/admin/sme/partners";
const INTEGRATED: &str = "/admin/sme/integrated";
/// Firms per page of the list.
const PAGE_SIZE: u32 = 100;

/// This page group's routes and who may use each (part of `access::ROUTES`).
pub const ROUTES: &[(Method, &str, Access)] = &[
    (Method::GET, FIRMS, Access::Allowed(Permission::ReadSmeProgramme)),
    (Method::POST, FIRMS, Access::Allowed(Permission::ManageFirms)),
    (
        Method::GET,
        "/admin/sme/firms/{id}",
        Access::Allowed(Permission::ReadSmeProgramme),
    ),
    (
        Method::POST,
        "/admin/sme/firms/{id}/centre",
        Access::Allowed(Permission::ManageFirms),
    ),
    (Method::GET, PARTNERS, Access::Allowed(Permission::ReadSmeProgramme)),
    (Method::POST, PARTNERS, Access::Allowed(Permission::ManageFirms)),
    (Method::GET, INTEGRATED, Access::Allowed(Permission::ReadSmeProgramme)),
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/sme/firms", get(list).post(import))
        .route("/admin/sme/firms/{id}", get(firm::record))
        .route("/admin/sme/firms/{id}/centre", post(firm::assign))
        .route("/admin/sme/partners", get(partners::table).post(partners::import))
        .route("/admin/sme/integrated", get(partners::integrated))
}

/// The registry's own menu: its four pages.
fn registry_nav(lang: Lang, current: &str) -> Markup {
    let links = [
        (FIRMS, lang.pick("기업 명부", "Firm registry")),
        (PARTNERS, lang.pick("부처 협업 사업", "Partner programmes")),
        (INTEGRATED, lang.pick("통합 참여 명단", "Integrated list")),
        ("/account", lang.pick("내 계정", "My account")),
    ];
    html! {
        nav.sub-nav aria-label=(lang.pick("중소기업 AI 훈련 메뉴", "SME AI training")) {
            ul {
                @for (path, label) in links {
                    li { a href=(href(path, lang)) aria-current=[(path == current).then_some("page")] { (label) } }
                }
            }
        }
    }
}

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

fn status_of(e: &AppError) -> StatusCode {
    StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY)
}

/// A filter value: `None` for an empty or absent field.
fn given(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// A province's name in `lang`.
fn province_name(state: &AppState, lang: Lang, code: &str) -> String {
    state
        .app
        .engine()
        .regions()
        .provinces()
        .iter()
        .find(|p| p.code == code)
        .map_or_else(|| code.to_owned(), |p| lang.pick(&p.name, &p.name_en).to_owned())
}

fn centre_name(centres: &[CentreRecord], lang: Lang, id: Option<&str>) -> String {
    match id {
        None => lang.pick("미배정", "Not assigned").to_owned(),
        Some(id) => centres
            .iter()
            .find(|c| c.id == id)
            .map_or_else(|| id.to_owned(), |c| lang.pick(&c.name_ko, &c.name_en).to_owned()),
    }
}

fn industry_of(lang: Lang, f: &FirmRecord) -> String {
    match IndustryCode::from_parts(&f.firm.ksic_section, &f.firm.ksic_division) {
        Some(code) => format!("{code} {}", lang.pick(code.name_ko(), code.name_en())),
        None => format!("{}{}", f.firm.ksic_section, f.firm.ksic_division),
    }
}

fn band_label(lang: Lang, band: &str) -> String {
    SizeBand::parse(band).map_or_else(|| band.to_owned(), |b| lang.pick(b.label().0, b.label().1).to_owned())
}

fn yes_no(lang: Lang, value: bool) -> &'static str {
    if value {
        lang.pick("예", "Yes")
    } else {
        lang.pick("아니오", "No")
    }
}

/// Every bad row of a refused file, each with its line, field and reason.
pub(crate) fn bad_rows(lang: Lang, id: &str, rows: &[RowProblem]) -> Markup {
    html! {
        ul id=(id) {
            @for r in rows {
                @for p in &r.problems {
                    li { (lang.pick("줄 ", "Line ")) (r.line) ", " code { (p.field) } ": " (lang.pick(&p.reason_ko, &p.reason)) }
                }
            }
        }
    }
}

/// One `<select>` of a filter form, with an "any" option first.
fn select(lang: Lang, id: &'static str, label: &str, options: &[(String, String)], chosen: Option<&str>) -> Markup {
    html! {
        div.field {
            label for=(id) { (label) }
            select #(id) name=(id) {
                option value="" { (lang.pick("전체", "Any")) }
                @for (value, text) in options {
                    option value=(value) selected[chosen == Some(value.as_str())] { (text) }
                }
            }
        }
    }
}

fn centre_options(centres: &[CentreRecord], lang: Lang) -> Vec<(String, String)> {
    centres
        .iter()
        .map(|c| (c.id.clone(), lang.pick(&c.name_ko, &c.name_en).to_owned()))
        .collect()
}

fn province_options(state: &AppState, lang: Lang) -> Vec<(String, String)> {
    state
        .app
        .engine()
        .regions()
        .provinces()
        .iter()
        .map(|p| (p.code.clone(), lang.pick(&p.name, &p.name_en).to_owned()))
        .collect()
}

fn programme_options(lang: Lang) -> Vec<(String, String)> {
    partner_programmes()
        .iter()
        .map(|p| (p.id.clone(), lang.pick(&p.name_ko, &p.name_en).to_owned()))
        .collect()
}

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    lang: Option<String>,
    centre: Option<String>,
    province: Option<String>,
    section: Option<String>,
    band: Option<String>,
    programme: Option<String>,
    q: Option<String>,
    after: Option<i64>,
    created: Option<u64>,
    updated: Option<u64>,
    unchanged: Option<u64>,
}

impl ListQuery {
    fn filter(&self) -> FirmFilter {
        FirmFilter {
            centre_id: given(&self.centre),
            province_code: given(&self.province),
            ksic_section: given(&self.section),
            size_band: given(&self.band),
            programme_id: given(&self.programme),
            text: given(&self.q),
            after_id: self.after.filter(|a| *a > 0),
            limit: Some(PAGE_SIZE),
        }
    }

    /// The filters as a query string (no paging), for the next page's link.
    fn filters_query(&self) -> String {
        let pairs = [
            ("centre", &self.centre),
            ("province", &self.province),
            ("section", &self.section),
            ("band", &self.band),
            ("programme", &self.programme),
            ("q", &self.q),
        ];
        pairs
            .iter()
            .filter_map(|(k, v)| given(v).map(|v| format!("{k}={}", super::encode_component(&v))))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// What a refused import shows beside its form.
struct Refused {
    text: String,
    message: String,
    rows: Vec<RowProblem>,
}

fn import_form(lang: Lang, actor: &Actor, refused: Option<&Refused>) -> Markup {
    let header = aiup_sme::firm::FIRM_CSV_COLUMNS.join(",");
    html! {
        form.panel #import-form method="post" action=(FIRMS) {
            (hidden(actor.csrf_token().unwrap_or_default(), lang))
            h2 #import-title { (lang.pick("기업 명부 가져오기 (CSV)", "Import firms (CSV)")) }
            div class=(if refused.is_some() { "field field--error" } else { "field" }) {
                label for="csv" { (lang.pick("CSV 내용 (붙여넣기)", "CSV text (paste it)")) }
                p.hint #csv-hint {
                    (lang.pick("첫 줄은 머리글입니다: ", "The first line is the header: ")) code { (header) }
                    (lang.pick(
                        ". 사업자등록번호(검증번호 포함), 한국표준산업분류 중분류(예: C26), 시군구 코드나 이름, 예/아니오 값을 씁니다. 같은 파일을 다시 올려도 바뀐 기업만 고칩니다. 한 줄이라도 틀리면 아무것도 저장하지 않고 틀린 줄을 모두 보여 줍니다.",
                        ". Business numbers with their check digit, KSIC divisions (e.g. C26), a 시군구 code or name, yes/no. Importing the same file again changes only the firms that changed. If any row is wrong nothing is stored, and every wrong row is listed.",
                    ))
                }
                @if let Some(r) = refused {
                    div.field-error #csv-error {
                        p { (r.message) }
                        (bad_rows(lang, "csv-rows", &r.rows))
                    }
                }
                textarea #csv name="csv" rows="6" required aria-invalid=[refused.map(|_| "true")]
                    aria-describedby=(if refused.is_some() { "csv-hint csv-error" } else { "csv-hint" }) {
                    @if let Some(r) = refused { (r.text) }
                }
            }
            div.actions { button #import-firms type="submit" { (lang.pick("가져오기", "Import")) } }
        }
    }
}

async fn list_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    q: &ListQuery,
    refused: Option<Refused>,
    status: StatusCode,
) -> Response {
    let centres = match firms::centres(&state.app).await {
        Ok(c) => c,
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    let (list, total) = match firms::list_firms(&state.app, actor, q.filter()).await {
        Ok(found) => found,
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    let title = lang.pick("중소기업 명부", "SME registry");
    let sections: Vec<(String, String)> = ksic()
        .sections()
        .iter()
        .map(|s| {
            (
                s.code.to_string(),
                format!("{} {}", s.code, lang.pick(&s.name_ko, &s.name_en)),
            )
        })
        .collect();
    let bands: Vec<(String, String)> = SizeBand::ALL
        .iter()
        .map(|b| (b.as_str().to_owned(), lang.pick(b.label().0, b.label().1).to_owned()))
        .collect();
    let problems: Vec<Problem> = refused
        .as_ref()
        .map(|r| {
            vec![Problem {
                field: "csv",
                message: r.message.clone(),
            }]
        })
        .unwrap_or_default();
    let imported = match (q.created, q.updated, q.unchanged) {
        (Some(c), Some(u), Some(n)) => Some((c, u, n)),
        _ => None,
    };
    let next = (list.len() == PAGE_SIZE as usize)
        .then(|| list.last().map(|f| f.id))
        .flatten();
    let body = html! {
        h1 #page-title { (title) }
        (registry_nav(lang, FIRMS))
        (error_summary(lang, &problems))
        @if let Some((c, u, n)) = imported {
            p.notice role="status" #import-done {
                (lang.pick("가져왔습니다: 새 기업 ", "Imported: ")) (c) (lang.pick("곳, 바뀐 기업 ", " new, "))
                (u) (lang.pick("곳, 그대로 ", " updated, ")) (n) (lang.pick("곳.", " unchanged."))
            }
        }
        p.lede { (lang.pick(
            "AI 훈련 확산 대상 중소기업(훈련 사업장)의 명부입니다. 사업자등록번호, 규모, 업종(한국표준산업분류), 지역, 우선지원대상 여부, 훈련 이력을 담습니다.",
            "The registry of the firms (training workplaces) the SME package serves: business number, size, industry (KSIC), region, priority-support status and training history.",
        )) }
        form.panel.filters #filters method="get" action=(FIRMS) {
            @if lang == Lang::En { input type="hidden" name="lang" value="en"; }
            (select(lang, "centre", lang.pick("확산센터", "Centre"), &centre_options(&centres, lang), q.centre.as_deref()))
            (select(lang, "province", lang.pick("시도", "Province"), &province_options(state, lang), q.province.as_deref()))
            (select(lang, "section", lang.pick("업종 (대분류)", "Industry (KSIC section)"), &sections, q.section.as_deref()))
            (select(lang, "band", lang.pick("규모", "Size"), &bands, q.band.as_deref()))
            (select(lang, "programme", lang.pick("협업 사업 참여", "Partner programme"), &programme_options(lang), q.programme.as_deref()))
            div.field {
                label for="q" { (lang.pick("상호 또는 사업자등록번호", "Name or business number")) }
                input #q name="q" type="search" value=(q.q.as_deref().unwrap_or(""));
            }
            div.actions { button #apply-filters type="submit" { (lang.pick("찾기", "Filter")) } }
        }
        p #firm-count role="status" { (lang.pick("조건에 맞는 기업: ", "Matching firms: ")) strong { (total) } }
        @if list.is_empty() {
            p #firms { (lang.pick("조건에 맞는 기업이 없습니다.", "No firm matches.")) }
        } @else {
            div.table-scroll role="region" aria-labelledby="firms-caption" tabindex="0" {
                table.data.stack #firms {
                    caption #firms-caption { (lang.pick("기업 (등록순)", "Firms, in registry order")) }
                    (column_heads(lang, &[("사업자등록번호", "Business number"), ("상호", "Name"), ("규모", "Size"), ("업종", "Industry"), ("시도", "Province"), ("확산센터", "Centre"), ("AI 훈련", "AI training"), ("우선지원", "Priority support")]))
                    tbody {
                        @for f in &list {
                            @let bn = aiup_sme::BusinessNumber::parse(&f.firm.business_number, "b").map(|b| b.to_string()).unwrap_or_else(|_| f.firm.business_number.clone());
                            tr #(format!("firm-{}", f.id)) {
                                th scope="row" { a href=(href(&format!("{FIRMS}/{}", f.id), lang)) { (bn) } }
                                td { (super::widgets::as_written(lang, &f.firm.name)) }
                                td { (f.firm.employees) (lang.pick("명 · ", " · ")) (band_label(lang, &f.firm.size_band)) }
                                td { (industry_of(lang, f)) }
                                td { (province_name(state, lang, &f.firm.province_code)) }
                                td { (centre_name(&centres, lang, f.centre_id.as_deref())) }
                                td { (yes_no(lang, f.firm.ai_training)) @if f.firm.ai_training { " · " (f.firm.ai_training_hours) (lang.pick("시간", " h")) } }
                                td { (yes_no(lang, f.firm.priority_support)) }
                            }
                        }
                    }
                }
            }
            @if let Some(after) = next {
                @let filters = q.filters_query();
                @let sep = if filters.is_empty() { "" } else { "&" };
                p { a #next-page href=(href(&format!("{FIRMS}?{filters}{sep}after={after}"), lang)) { (lang.pick("다음 쪽", "Next page")) } }
            }
        }
        @if actor.allows(Permission::ManageFirms) {
            (import_form(lang, actor, refused.as_ref()))
        }
    };
    frame(actor, lang, title, FIRMS, body, status)
}

async fn list(
    Allowed(actor, ..): Allowed<perm::ReadSmeProgramme>,
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    list_page(&state, &actor, lang, &q, None, StatusCode::OK).await
}

#[derive(Debug, Deserialize)]
struct ImportForm {
    #[serde(default)]
    csv: String,
    lang: Option<String>,
}

async fn import(
    Allowed(actor, ..): Allowed<perm::ManageFirms>,
    State(state): State<AppState>,
    CsrfForm(form): CsrfForm<ImportForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    match firms::import_firms(&state.app, &actor, &form.csv).await {
        Ok(s) => see_other(&href(
            &format!(
                "{FIRMS}?created={}&updated={}&unchanged={}",
                s.created, s.updated, s.unchanged
            ),
            lang,
        )),
        Err(e) => {
            let status = status_of(&e.error);
            let message = if e.rows.is_empty() {
                e.error.message_in(lang == Lang::Ko).to_owned()
            } else {
                let lines: std::collections::BTreeSet<usize> = e.rows.iter().map(|r| r.line).collect();
                format!(
                    "{} {}",
                    lines.len(),
                    lang.pick(
                        "개 줄에 문제가 있어 아무것도 저장하지 않았습니다.",
                        "rows have problems; nothing was stored."
                    )
                )
            };
            let refused = Refused {
                text: form.csv,
                message,
                rows: e.rows,
            };
            let q = ListQuery {
                lang: form.lang,
                ..ListQuery::default()
            };
            list_page(&state, &actor, lang, &q, Some(refused), status).await
        }
    }
}
