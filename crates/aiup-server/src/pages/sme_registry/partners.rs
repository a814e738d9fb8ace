//! The partner programmes (`/admin/sme/partners`: the collaboration table of seed 002 V-5 as
//! data, with its citation and the participations of each programme, and the participant-list
//! import) and the integrated list (`/admin/sme/integrated`, `?format=csv`).

use super::{
    bad_rows, centre_name, centre_options, frame, given, province_name, province_options, registry_nav, select,
    status_of, FIRMS, INTEGRATED, PARTNERS,
};
use crate::access::{perm, Allowed, CsrfForm};
use crate::i18n::Lang;
use crate::pages::results::citation;
use crate::pages::widgets::{column_heads, error_summary, hidden, href, see_other, Problem};
use crate::AppState;
use aiup_app::accounts::{Actor, Permission};
use aiup_app::sme::firms;
use aiup_app::sme::partners::{self, IntegratedFilter};
use aiup_sme::partner::{partner_table, Ministry};
use aiup_sme::RowProblem;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub(super) struct TableQuery {
    lang: Option<String>,
    added: Option<u64>,
    known: Option<u64>,
    unmatched: Option<u64>,
}

/// What a refused participant import shows beside its form.
struct Refused {
    programme: String,
    source: String,
    text: String,
    message: String,
    field: &'static str,
    rows: Vec<RowProblem>,
}

fn import_form(lang: Lang, actor: &Actor, refused: Option<&Refused>) -> Markup {
    let chosen = refused.map(|r| r.programme.as_str());
    let field_class = |field: &str| {
        if refused.is_some_and(|r| r.field == field) {
            "field field--error"
        } else {
            "field"
        }
    };
    html! {
        form.panel #participants-form method="post" action=(PARTNERS) {
            (hidden(actor.csrf_token().unwrap_or_default(), lang))
            h2 #participants-title { (lang.pick("참여기업 명단 가져오기 (CSV)", "Import a participant list (CSV)")) }
            div class=(field_class("programme")) {
                label for="programme" { (lang.pick("사업", "Programme")) }
                select #programme name="programme" required {
                    @for p in &partner_table().programmes {
                        option value=(p.id) selected[chosen == Some(p.id.as_str())] { (lang.pick(p.ministry.label().0, p.ministry.label().1)) " · " (lang.pick(&p.name_ko, &p.name_en)) }
                    }
                }
            }
            div class=(field_class("source")) {
                label for="source" { (lang.pick("출처", "Source")) }
                p.hint #source-hint { (lang.pick("명단을 받은 곳과 날짜 (예: 중기부 명단 2025-12)", "Where and when the list came from (e.g. MSS list 2025-12)")) }
                @if let Some(r) = refused.filter(|r| r.field == "source") { p.field-error #source-error { (r.message) } }
                input #source name="source" type="text" required value=(refused.map_or("", |r| r.source.as_str()))
                    aria-describedby=(if refused.is_some_and(|r| r.field == "source") { "source-hint source-error" } else { "source-hint" });
            }
            div class=(field_class("csv")) {
                label for="csv" { (lang.pick("CSV 내용 (붙여넣기)", "CSV text (paste it)")) }
                p.hint #csv-hint {
                    (lang.pick("첫 줄은 머리글입니다: ", "The first line is the header: ")) code { "business_number,year" }
                    (lang.pick(
                        " (programme_id, name 열은 있어도 됩니다). 사업자등록번호로 기업 명부와 맞춥니다. 명부에 없는 기업도 저장하고 통합 명단에 따로 보여 줍니다.",
                        " (programme_id and name columns may be there too). Rows are matched to the registry by business number; firms not in the registry are kept and listed apart.",
                    ))
                }
                @if let Some(r) = refused.filter(|r| r.field == "csv") {
                    div.field-error #csv-error { p { (r.message) } (bad_rows(lang, "csv-rows", &r.rows)) }
                }
                textarea #csv name="csv" rows="6" required
                    aria-invalid=[refused.filter(|r| r.field == "csv").map(|_| "true")]
                    aria-describedby=(if refused.is_some_and(|r| r.field == "csv") { "csv-hint csv-error" } else { "csv-hint" }) {
                    @if let Some(r) = refused { (r.text) }
                }
            }
            div.actions { button #import-participants type="submit" { (lang.pick("가져오기", "Import")) } }
        }
    }
}

fn mark(lang: Lang, on: bool) -> Markup {
    html! {
        @if on { span aria-hidden="true" { "○" } span.visually-hidden { (lang.pick("예", "yes")) } }
        @else { span.visually-hidden { (lang.pick("아니오", "no")) } }
    }
}

async fn table_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    q: &TableQuery,
    refused: Option<Refused>,
    status: StatusCode,
) -> Response {
    let counts = match partners::programme_counts(&state.app, actor).await {
        Ok(c) => c,
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    let table = partner_table();
    let title = lang.pick("부처 협업 AX 사업", "Partner ministries' AX programmes");
    let problems: Vec<Problem> = refused
        .as_ref()
        .map(|r| {
            vec![Problem {
                field: r.field,
                message: r.message.clone(),
            }]
        })
        .unwrap_or_default();
    let body = html! {
        h1 #page-title { (title) }
        (registry_nav(lang, PARTNERS))
        (error_summary(lang, &problems))
        @if let (Some(a), Some(k), Some(u)) = (q.added, q.known, q.unmatched) {
            p.notice role="status" #import-done {
                (lang.pick("가져왔습니다: 새로 ", "Imported: ")) (a) (lang.pick("건, 이미 있던 ", " new, "))
                (k) (lang.pick("건, 명부에 없는 기업 ", " already known, ")) (u) (lang.pick("건.", " not in the registry."))
            }
        }
        p.lede { (lang.pick(
            "기업 대상 AI 인프라(솔루션) 지원 사업과 노동부의 재직자 훈련 지원 사업을 패키지로 지원하기 위한 부처별 협업 방안입니다.",
            "How the plan works with each ministry's AX programme, so that firms get AI infrastructure and employee training as one package.",
        )) }
        div.table-scroll role="region" aria-labelledby="partners-caption" tabindex="0" {
            table.data #partners {
                caption #partners-caption { (lang.pick("부처별 AX 지원 사업 - 노동부 재직자 훈련 지원 사업 간 협업 방안", "Collaboration between the ministries' AX programmes and the employee training of the Ministry of Employment and Labor")) }
                thead { tr {
                    th scope="col" { (lang.pick("부처", "Ministry")) }
                    th scope="col" { (lang.pick("사업", "Programme")) }
                    @for c in &table.collaborations { th scope="col" { (c.mark) " " (lang.pick(&c.name_ko, &c.name_en)) } }
                    th.num scope="col" { (lang.pick("참여 건수", "Participations")) }
                    th.num scope="col" { (lang.pick("명부와 맞춘 건수", "Matched to the registry")) }
                } }
                tbody {
                    @for c in &counts {
                        @let p = c.programme;
                        tr #(format!("programme-{}", p.id)) {
                            td { (lang.pick(p.ministry.label().0, p.ministry.label().1)) }
                            th scope="row" { (lang.pick(&p.name_ko, &p.name_en)) br; code { (p.id) } }
                            @for k in &table.collaborations { td { (mark(lang, p.has(&k.id))) } }
                            td.num { (c.participations) }
                            td.num { (c.matched) }
                        }
                    }
                }
            }
        }
        dl.facts #collaborations {
            @for c in &table.collaborations {
                dt { (c.mark) " " (lang.pick(&c.name_ko, &c.name_en)) }
                dd { (lang.pick(&c.detail_ko, &c.detail_en)) }
            }
        }
        p #partners-source { (lang.pick("출처: ", "Source: ")) (citation(lang, &table.cite)) }
        @if actor.allows(Permission::ManageFirms) {
            (import_form(lang, actor, refused.as_ref()))
        }
    };
    frame(actor, lang, title, PARTNERS, body, status)
}

pub(super) async fn table(
    Allowed(actor, ..): Allowed<perm::ReadSmeProgramme>,
    State(state): State<AppState>,
    Query(q): Query<TableQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    table_page(&state, &actor, lang, &q, None, StatusCode::OK).await
}

#[derive(Debug, Deserialize)]
pub(super) struct ImportForm {
    #[serde(default)]
    programme: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    csv: String,
    lang: Option<String>,
}

pub(super) async fn import(
    Allowed(actor, ..): Allowed<perm::ManageFirms>,
    State(state): State<AppState>,
    CsrfForm(form): CsrfForm<ImportForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    match partners::import_participants(&state.app, &actor, &form.programme, &form.csv, &form.source).await {
        Ok(s) => see_other(&href(
            &format!(
                "{PARTNERS}?added={}&known={}&unmatched={}",
                s.added, s.already_known, s.unmatched
            ),
            lang,
        )),
        Err(e) => {
            let field = if e.error.field.as_deref() == Some("source") {
                "source"
            } else {
                "csv"
            };
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
                programme: form.programme,
                source: form.source,
                text: form.csv,
                message,
                field,
                rows: e.rows,
            };
            let q = TableQuery {
                lang: form.lang,
                ..TableQuery::default()
            };
            table_page(&state, &actor, lang, &q, Some(refused), status_of(&e.error)).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct IntegratedQuery {
    lang: Option<String>,
    programme: Option<String>,
    ministry: Option<String>,
    province: Option<String>,
    centre: Option<String>,
    format: Option<String>,
}

pub(super) async fn integrated(
    Allowed(actor, ..): Allowed<perm::ReadSmeProgramme>,
    State(state): State<AppState>,
    Query(q): Query<IntegratedQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let filter = IntegratedFilter {
        programme_id: given(&q.programme).filter(|id| partners::programme(id).is_some()),
        ministry: given(&q.ministry).and_then(|m| Ministry::parse(&m)),
        province_code: given(&q.province),
        centre_id: given(&q.centre),
    };
    let list = match partners::integrated_list(&state.app, &actor, &filter).await {
        Ok(l) => l,
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    if q.format.as_deref() == Some("csv") {
        let mut response = (StatusCode::OK, partners::integrated_csv(&list)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        );
        headers.insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment; filename=\"sme-integrated.csv\""),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return response;
    }
    let centres = match firms::centres(&state.app).await {
        Ok(c) => c,
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    let ministries: Vec<(String, String)> = Ministry::ALL
        .iter()
        .map(|m| (m.as_str().to_owned(), lang.pick(m.label().0, m.label().1).to_owned()))
        .collect();
    let csv_query: String = [
        ("programme", filter.programme_id.clone()),
        ("ministry", filter.ministry.map(|m| m.as_str().to_owned())),
        ("province", filter.province_code.clone()),
        ("centre", filter.centre_id.clone()),
    ]
    .iter()
    .filter_map(|(k, v)| {
        v.as_ref()
            .map(|v| format!("&{k}={}", crate::pages::encode_component(v)))
    })
    .collect();
    let title = lang.pick("통합 참여 명단", "Integrated participation list");
    let taken_list = |taken: &[partners::Taken]| {
        html! {
            ul.plain {
                @for t in taken {
                    li { (lang.pick(t.programme.ministry.label().0, t.programme.ministry.label().1)) " · " (lang.pick(&t.programme.name_ko, &t.programme.name_en)) " (" (t.year) ")" }
                }
            }
        }
    };
    let body = html! {
        h1 #page-title { (title) }
        (registry_nav(lang, INTEGRATED))
        p.lede { (lang.pick(
            "기업마다 참여하는 부처 협업 사업을 모두 보여 줍니다. 명부에 없는 사업자등록번호는 아래에 따로 보여 줍니다.",
            "Every partner programme each firm takes part in. Business numbers not in the registry are listed apart below.",
        )) }
        form.panel.filters #filters method="get" action=(INTEGRATED) {
            @if lang == Lang::En { input type="hidden" name="lang" value="en"; }
            (select(lang, "programme", lang.pick("사업", "Programme"), &super::programme_options(lang), filter.programme_id.as_deref()))
            (select(lang, "ministry", lang.pick("부처", "Ministry"), &ministries, filter.ministry.map(Ministry::as_str)))
            (select(lang, "province", lang.pick("시도", "Province"), &province_options(&state, lang), filter.province_code.as_deref()))
            (select(lang, "centre", lang.pick("확산센터", "Centre"), &centre_options(&centres, lang), filter.centre_id.as_deref()))
            div.actions { button #apply-filters type="submit" { (lang.pick("찾기", "Filter")) } }
        }
        p { a #integrated-csv href=(href(&format!("{INTEGRATED}?format=csv{csv_query}"), lang)) download { (lang.pick("CSV로 내려받기", "Download as CSV")) } }
        p #integrated-count role="status" { (lang.pick("명부의 참여 기업: ", "Registry firms taking part: ")) strong { (list.firms.len()) }
            " · " (lang.pick("명부에 없는 번호: ", "Numbers not in the registry: ")) strong { (list.unmatched.len()) } }
        @if !list.firms.is_empty() {
            div.table-scroll role="region" aria-labelledby="integrated-caption" tabindex="0" {
                table.data.stack #integrated {
                    caption #integrated-caption { (lang.pick("참여 기업과 참여 사업", "Firms and the programmes they take part in")) }
                    (column_heads(lang, &[("사업자등록번호", "Business number"), ("상호", "Name"), ("시도", "Province"), ("확산센터", "Centre"), ("참여 사업", "Programmes")]))
                    tbody {
                        @for f in &list.firms {
                            tr {
                                th scope="row" { a href=(href(&format!("{FIRMS}/{}", f.firm.id), lang)) { (f.firm.firm.business_number) } }
                                td { (crate::pages::widgets::as_written(lang, &f.firm.firm.name)) }
                                td { (province_name(&state, lang, &f.firm.firm.province_code)) }
                                td { (centre_name(&centres, lang, f.firm.centre_id.as_deref())) }
                                td { (taken_list(&f.programmes)) }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="unmatched-title" {
            h2 #unmatched-title { (lang.pick("명부에 없는 참여 기업", "Participants not in the registry")) }
            @if list.unmatched.is_empty() {
                p #unmatched { (lang.pick("없습니다.", "None.")) }
            } @else {
                div.table-scroll role="region" aria-labelledby="unmatched-caption" tabindex="0" {
                    table.data #unmatched {
                        caption #unmatched-caption { (lang.pick("명부와 맞지 않은 사업자등록번호", "Business numbers with no registry firm")) }
                        (column_heads(lang, &[("사업자등록번호", "Business number"), ("참여 사업", "Programmes")]))
                        tbody {
                            @for u in &list.unmatched {
                                tr { th scope="row" { (u.business_number) } td { (taken_list(&u.programmes)) } }
                            }
                        }
                    }
                }
            }
        }
    };
    frame(&actor, lang, title, INTEGRATED, body, StatusCode::OK)
}
