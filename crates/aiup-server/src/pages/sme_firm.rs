//! The training doctor's firm page: the firm, the diagnosis form, the printable diagnosis report,
//! the prescription priced by the engine, and the firm's outcomes; and the programme
//! administrator's view of the 2026 targets (`/admin/sme`).
//!
//! Every firm page is scoped by the service: a doctor sees only their centre's firms, an HR lead
//! only their own firm (any other is 404, like a firm that does not exist).

use super::accounts::account_menu;
use super::view::{page_in, Section};
use super::widgets::{column_heads, error_summary, hidden, href, parse_id, private_page, see_other, Problem};
use crate::access::{perm, Access, Allowed, CsrfForm};
use crate::i18n::Lang;
use crate::AppState;
use aiup_app::accounts::{Actor, Permission};
use aiup_app::sme::diagnosis::{self, DiagnosisView};
use aiup_app::sme::outcomes::{self, FirmOutcomes};
use aiup_app::sme::prescription::{self, PrescriptionView};
use aiup_app::AppError;
use aiup_core::policy::Text;
use aiup_core::Won;
use aiup_sme::assessment::Answers;
use aiup_sme::questionnaire::{Item, Kind};
use aiup_sme::{AxLevel, SizeBand};
use aiup_store::FirmRecord;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::Datelike;
use maud::{html, Markup};
use serde::Deserialize;

/// This page group's routes and who may use each (part of `access::ROUTES`).
pub const ROUTES: &[(Method, &str, Access)] = &[
    (Method::GET, "/sme/firms/{id}", Access::Allowed(Permission::ReadFirms)),
    (
        Method::GET,
        "/sme/firms/{id}/diagnosis",
        Access::Allowed(Permission::VisitFirms),
    ),
    (
        Method::POST,
        "/sme/firms/{id}/diagnosis",
        Access::Allowed(Permission::VisitFirms),
    ),
    (
        Method::GET,
        "/sme/firms/{id}/diagnoses/{n}",
        Access::Allowed(Permission::ReadFirms),
    ),
    (
        Method::POST,
        "/sme/firms/{id}/prescriptions",
        Access::Allowed(Permission::VisitFirms),
    ),
    (
        Method::GET,
        "/sme/firms/{id}/prescriptions/{p}",
        Access::Allowed(Permission::ReadFirms),
    ),
    (Method::GET, "/admin/sme", Access::Allowed(Permission::ReadSmeProgramme)),
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sme/firms/{id}", get(firm_page))
        .route("/sme/firms/{id}/diagnosis", get(diagnosis_form).post(submit_diagnosis))
        .route("/sme/firms/{id}/diagnoses/{n}", get(report_page))
        .route("/sme/firms/{id}/prescriptions", post(make_prescription))
        .route("/sme/firms/{id}/prescriptions/{p}", get(prescription_page))
        .route("/admin/sme", get(overview_page))
}

#[derive(Debug, Deserialize)]
pub(super) struct PageQuery {
    pub(super) lang: Option<String>,
    pub(super) done: Option<String>,
}

pub(super) fn firm_path(id: i64) -> String {
    format!("/sme/firms/{id}")
}

pub(super) fn report_path(firm: i64, no: i64) -> String {
    format!("/sme/firms/{firm}/diagnoses/{no}")
}

pub(super) fn plan_path(firm: i64, p: i64) -> String {
    format!("/sme/firms/{firm}/prescriptions/{p}")
}

pub(super) fn text(lang: Lang, t: &Text) -> &str {
    lang.pick(&t.ko, &t.en)
}

pub(super) fn won(amount: i64) -> String {
    Won(amount).to_string()
}

/// The SME pages this reader may use.
pub(super) fn sme_nav(lang: Lang, actor: &Actor, current: &str) -> Markup {
    let mut links = vec![("/account".to_owned(), lang.pick("내 계정", "My account"))];
    if actor.allows(Permission::ActForFirm) {
        links.push((
            "/firm".to_owned(),
            lang.pick("우리 회사 AI 훈련", "Our firm's AI training"),
        ));
    }
    if actor.allows(Permission::ReadSmeProgramme) {
        links.push((
            "/admin/sme".to_owned(),
            lang.pick("중소기업 AI 훈련 목표", "SME AI training targets"),
        ));
    }
    html! {
        nav.sub-nav aria-label=(lang.pick("중소기업 메뉴", "SME pages")) {
            ul {
                @for (path, label) in &links {
                    li { a href=(href(path, lang)) aria-current=[(path == current).then_some("page")] { (label) } }
                }
            }
        }
    }
}

pub(super) fn frame(actor: &Actor, lang: Lang, title: &str, here: &str, body: Markup, status: StatusCode) -> Response {
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

pub(super) fn status_of(e: &AppError) -> StatusCode {
    StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY)
}

/// A service error as its page (404 for a firm outside the caller's scope).
pub(super) fn failed(e: AppError) -> Response {
    crate::error::ApiError(e).into_response()
}

pub(super) fn level_badge(lang: Lang, level: AxLevel) -> Markup {
    let (ko, en) = level.label();
    html! { span class=(format!("badge badge--ax-{}", level.as_str())) { (lang.pick(ko, en)) } }
}

/// The firm's facts.
pub(super) fn firm_facts(lang: Lang, engine: &aiup_rules::Engine, firm: &FirmRecord) -> Markup {
    let f = &firm.firm;
    let region = aiup_core::region::RegionCode::parse(&f.region_code)
        .ok()
        .and_then(|code| engine.regions().get(code))
        .map_or_else(
            || f.region_code.clone(),
            |r| lang.pick(&r.full_name, &r.name_en).to_owned(),
        );
    let band = SizeBand::parse(&f.size_band).map(SizeBand::label);
    let yes_no = |b: bool| lang.pick(if b { "예" } else { "아니오" }, if b { "Yes" } else { "No" });
    html! {
        dl.facts #firm-facts {
            dt { (lang.pick("사업자등록번호", "Business number")) }
            dd { (aiup_sme::BusinessNumber::parse(&f.business_number, "business_number").map_or_else(|_| f.business_number.clone(), |b| b.to_string())) }
            dt { (lang.pick("규모", "Size")) }
            dd { (f.employees) (lang.pick("명", " workers")) @if let Some((ko, en)) = band { " (" (lang.pick(ko, en)) ")" } }
            dt { (lang.pick("업종(KSIC)", "Industry (KSIC)")) } dd { (f.ksic_section) " " (f.ksic_division) }
            dt { (lang.pick("소재지", "Location")) }
            dd { (region) " · " (lang.pick(if f.capital_area { "수도권" } else { "비수도권" }, if f.capital_area { "capital area" } else { "outside the capital area" })) }
            dt { (lang.pick("우선지원대상기업", "Priority-support firm")) } dd { (yes_no(f.priority_support)) }
            dt { (lang.pick("훈련 이력", "Training history")) }
            dd {
                (lang.pick("사업주훈련 ", "Employer training: ")) (yes_no(f.employer_training))
                " · " (lang.pick("AI 훈련 ", "AI training: ")) (yes_no(f.ai_training))
                " · " (f.ai_training_hours) (lang.pick("시간", " h"))
            }
            dt { (lang.pick("AI 훈련 의향", "Intent to train")) }
            dd {
                @match firm.stated_intent {
                    Some(true) => (lang.pick("있음", "Yes")),
                    Some(false) => (lang.pick("없음", "No")),
                    None => (lang.pick("모름", "Unknown")),
                }
                @if let Some(source) = &firm.intent_source {
                    " (" (intent_source_label(lang, source))
                    @if let Some(on) = firm.intent_on { ", " (on) }
                    ")"
                }
            }
            dt { (lang.pick("확산센터", "Diffusion centre")) }
            dd {
                @match firm.centre_id.as_deref() {
                    Some(id) => @match aiup_sme::centre::centres().get(id) {
                        Some(c) => (lang.pick(&c.name_ko, &c.name_en)),
                        None => (id),
                    },
                    None => (lang.pick("배정 전", "Not assigned yet")),
                }
            }
        }
    }
}

/// Where a stated intent came from, for people: the diagnosis, or a survey round by name.
fn intent_source_label(lang: Lang, source: &str) -> String {
    match source.strip_prefix("survey:") {
        Some(round) => format!("{} {round}", lang.pick("수요조사", "demand survey")),
        None if source == diagnosis::INTENT_SOURCE => lang.pick("진단", "diagnosis").to_owned(),
        None => source.to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// The firm
// ---------------------------------------------------------------------------------------------

pub(super) fn outcomes_section(lang: Lang, o: &FirmOutcomes) -> Markup {
    html! {
        section #outcomes aria-labelledby="outcomes-title" {
            h2 #outcomes-title { (lang.pick("성과", "Outcomes")) }
            dl.facts {
                dt { (lang.pick("훈련계획으로 신청한 직원", "Staff applied under plans")) } dd #outcome-applied { (o.applied) }
                dt { (lang.pick("수강 확정 이상", "Enrolled (accepted or further)")) } dd #outcome-enrolled { (o.enrolled) }
                dt { (lang.pick("수료", "Completed")) } dd #outcome-completed { (o.completed) }
                dt { (lang.pick("수료한 훈련시간", "Hours completed")) } dd { (o.hours_completed_tenths / 10) (lang.pick("시간", " h")) }
                dt { (lang.pick("비용(확정된 수강, 규칙 엔진 산정)", "Cost (enrolled, by the rules engine)")) }
                dd #outcome-cost {
                    (lang.pick("정부 ", "Government ")) (won(o.government_won))
                    " · " (lang.pick("기업 ", "Firm ")) (won(o.firm_won))
                    " · " (lang.pick("노동자 ", "Workers ")) (won(o.worker_won))
                }
                dt { (lang.pick("AX 수준 변화", "Change in AX level")) }
                dd #outcome-levels {
                    @if o.levels.is_empty() { (lang.pick("진단 전", "Not diagnosed yet")) }
                    @for (i, l) in o.levels.iter().enumerate() {
                        @if i > 0 { " → " }
                        (level_badge(lang, l.level)) " " (l.taken_on)
                    }
                }
            }
        }
    }
}

async fn firm_page(
    Allowed(actor, ..): Allowed<perm::ReadFirms>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let Some(id) = parse_id(&id) else {
        return failed(AppError::not_found("firm"));
    };
    let app = &state.app;
    let firm = match diagnosis::visible_firm(app, &actor, id).await {
        Ok(f) => f,
        Err(e) => return failed(e),
    };
    let (history, plans, outcome) = match (
        diagnosis::diagnoses(app, &actor, id).await,
        prescription::prescriptions(app, &actor, id).await,
        outcomes::firm_outcomes(app, &actor, id).await,
    ) {
        (Ok(h), Ok(p), Ok(o)) => (h, p, o),
        (Err(e), ..) | (_, Err(e), _) | (.., Err(e)) => return failed(e),
    };
    let here = firm_path(id);
    let visits = actor.allows(Permission::VisitFirms);
    let body = html! {
        h1 #page-title { (firm.firm.name) }
        (sme_nav(lang, &actor, &here))
        @if q.done.as_deref() == Some("prescribed") {
            p.notice role="status" { (lang.pick("훈련계획을 만들었습니다.", "The training plan was made.")) }
        }
        (firm_facts(lang, &state.app.engine(), &firm))
        section #diagnoses aria-labelledby="diagnoses-title" {
            h2 #diagnoses-title { (lang.pick("진단", "Diagnoses")) }
            @if history.is_empty() {
                p { (lang.pick("아직 진단하지 않았습니다.", "Not diagnosed yet.")) }
            } @else {
                div.table-scroll role="region" aria-labelledby="diagnoses-caption" tabindex="0" {
                table.data {
                    caption.visually-hidden #diagnoses-caption { (lang.pick("진단 기록(오래된 순)", "Diagnoses, oldest first")) }
                    (column_heads(lang, &[("차수", "No."), ("진단일", "Date"), ("AX 수준", "AX level"), ("점수", "Points"), ("진단자", "By")]))
                    tbody {
                        @for d in &history {
                            @let r = &d.record.diagnosis;
                            tr {
                                td { a href=(href(&report_path(id, r.diagnosis_no), lang)) { (r.diagnosis_no) (lang.pick("차 진단", " (report)")) } }
                                td { (r.taken_on) }
                                td { (level_badge(lang, d.level)) }
                                td.num { (r.points) " / " (r.max_points) }
                                td { (d.record.recorded_by) }
                            }
                        }
                    }
                }
                }
            }
            @if visits {
                p { a #new-diagnosis href=(href(&format!("{here}/diagnosis"), lang)) { (lang.pick("진단하기", "Diagnose the firm")) } }
            }
        }
        section #prescriptions aria-labelledby="prescriptions-title" {
            h2 #prescriptions-title { (lang.pick("훈련계획(처방)", "Training plans")) }
            @if plans.is_empty() {
                p { (lang.pick("아직 훈련계획이 없습니다.", "No training plan yet.")) }
            } @else {
                ul {
                    @for p in &plans {
                        li {
                            a href=(href(&plan_path(id, p.record.id), lang)) {
                                (lang.pick("훈련계획 ", "Plan ")) "#" (p.record.id)
                            }
                            " · " (p.record.prescription.prescribed_on)
                            " · " (if p.accepted() { lang.pick("기업 수락", "accepted by the firm") } else { lang.pick("수락 대기", "awaiting acceptance") })
                        }
                    }
                }
            }
            @if visits && !history.is_empty() {
                form method="post" action=(format!("{here}/prescriptions")) {
                    (hidden(actor.csrf_token().unwrap_or_default(), lang))
                    div.actions { button #prescribe type="submit" { (lang.pick("최근 진단으로 훈련계획 만들기", "Make a plan from the latest diagnosis")) } }
                }
            }
        }
        (outcomes_section(lang, &outcome))
    };
    frame(&actor, lang, &firm.firm.name, &here, body, StatusCode::OK)
}

// ---------------------------------------------------------------------------------------------
// The diagnosis form
// ---------------------------------------------------------------------------------------------

fn item_control(lang: Lang, item: &'static Item, given: &[String], problems: &[Problem]) -> Markup {
    let field: &'static str = item.id.as_str();
    let error = problems.iter().find(|p| p.field == field);
    let error_id = format!("{field}-error");
    let err = html! { @if let Some(e) = error { p.field-error id=(error_id) { (e.message) } } };
    let chosen = |v: &str| given.iter().any(|g| g == v);
    match item.kind {
        Kind::Number => html! {
            div class=(if error.is_some() { "field field--error" } else { "field" }) {
                label for=(field) { (text(lang, &item.question)) }
                (err)
                input #(field) name=(field) type="number" inputmode="numeric" min=(item.min) max=(item.max)
                    value=(given.first().map(String::as_str).unwrap_or(""))
                    required
                    aria-invalid=[error.map(|_| "true")]
                    aria-describedby=[error.map(|_| error_id.clone())];
                @if let Some(unit) = &item.unit { span.unit { " " (text(lang, unit)) } }
            }
        },
        Kind::YesNo | Kind::Single | Kind::Multi => {
            let kind = if item.kind == Kind::Multi { "checkbox" } else { "radio" };
            let options: Vec<(String, String)> = if item.kind == Kind::YesNo {
                vec![
                    ("yes".to_owned(), lang.pick("예", "Yes").to_owned()),
                    ("no".to_owned(), lang.pick("아니오", "No").to_owned()),
                ]
            } else {
                item.options
                    .iter()
                    .map(|o| (o.id.clone(), text(lang, &o.label).to_owned()))
                    .collect()
            };
            html! {
                fieldset.group.field--error[error.is_some()] #(format!("{field}-group")) {
                    legend { (text(lang, &item.question)) }
                    (err)
                    @for (i, (value, label)) in options.iter().enumerate() {
                        @let id = if i == 0 { field.to_owned() } else { format!("{field}-{value}") };
                        div.field.field--check {
                            input #(id) type=(kind) name=(field) value=(value) checked[chosen(value)]
                                aria-invalid=[error.map(|_| "true")]
                                aria-describedby=[error.map(|_| error_id.clone())];
                            label for=(id) { (label) }
                        }
                    }
                }
            }
        }
    }
}

fn diagnosis_form_page(
    actor: &Actor,
    lang: Lang,
    firm: &FirmRecord,
    answers: &Answers,
    problems: &[Problem],
    status: StatusCode,
) -> Response {
    let q = diagnosis::current_questionnaire();
    let here = format!("{}/diagnosis", firm_path(firm.id));
    let title = lang.pick("AI 훈련 수요 진단", "AI training needs diagnosis");
    let empty = Vec::new();
    let body = html! {
        h1 #page-title { (title) ": " (firm.firm.name) }
        (sme_nav(lang, actor, &here))
        (error_summary(lang, problems))
        p.lede { (lang.pick(
            "기업을 방문해 담당자와 함께 답합니다. 답에 따라 AX 수준(초급·중급·고급)과 그 이유, 필요한 훈련이 정해집니다. 문항은 중소기업 AI 훈련수요 조사(1,013개사)와 AX혁신지수의 네 영역을 따릅니다.",
            "Answer together with the firm at the visit. The answers give the firm's AX level (beginner, intermediate, advanced) with its reasons, and the training it needs. The questions follow the SME AI-training demand survey (1,013 firms) and the four areas of the AX innovation index.",
        )) }
        form.diagnosis-form method="post" action=(here) novalidate {
            (hidden(actor.csrf_token().unwrap_or_default(), lang))
            @for item in &q.items {
                (item_control(lang, item, answers.get(&item.id).unwrap_or(&empty), problems))
            }
            div.actions { button #submit-diagnosis type="submit" { (lang.pick("진단 저장하기", "Save the diagnosis")) } }
        }
    };
    frame(actor, lang, title, &here, body, status)
}

async fn diagnosis_form(
    Allowed(actor, ..): Allowed<perm::VisitFirms>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let Some(id) = parse_id(&id) else {
        return failed(AppError::not_found("firm"));
    };
    match diagnosis::doctors_firm(&state.app, &actor, id).await {
        Ok(firm) => diagnosis_form_page(&actor, lang, &firm, &Answers::new(), &[], StatusCode::OK),
        Err(e) => failed(e),
    }
}

async fn submit_diagnosis(
    Allowed(actor, ..): Allowed<perm::VisitFirms>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Response {
    let lang = Lang::from_pairs(&pairs);
    let Some(id) = parse_id(&id) else {
        return failed(AppError::not_found("firm"));
    };
    let q = diagnosis::current_questionnaire();
    let mut answers = Answers::new();
    for (k, v) in pairs {
        if k == "lang" {
            continue;
        }
        answers.entry(k).or_default().push(v);
    }
    match diagnosis::record_diagnosis(&state.app, &actor, id, &answers).await {
        Ok(view) => see_other(&href(&report_path(id, view.record.diagnosis.diagnosis_no), lang)),
        Err(refused) if !refused.problems.is_empty() => {
            let firm = match diagnosis::doctors_firm(&state.app, &actor, id).await {
                Ok(f) => f,
                Err(e) => return failed(e),
            };
            let problems: Vec<Problem> = refused
                .problems
                .iter()
                .map(|p| Problem {
                    // Known question ids become their 'static ids; an unknown one points at the form.
                    field: q.item(&p.field).map_or("submit-diagnosis", |i| i.id.as_str()),
                    message: lang.pick(&p.reason_ko, &p.reason).to_owned(),
                })
                .collect();
            diagnosis_form_page(&actor, lang, &firm, &answers, &problems, status_of(&refused.error))
        }
        Err(refused) => failed(refused.error),
    }
}

// ---------------------------------------------------------------------------------------------
// The report
// ---------------------------------------------------------------------------------------------

fn option_labels(lang: Lang, item_id: &str, ids: &[String]) -> String {
    let q = diagnosis::current_questionnaire();
    let Some(item) = q.item(item_id) else {
        return ids.join(", ");
    };
    ids.iter()
        .map(|id| item.option(id).map_or(id.as_str(), |o| text(lang, &o.label)))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn report_body(lang: Lang, firm: &FirmRecord, d: &DiagnosisView) -> Markup {
    let r = &d.record.diagnosis;
    let q = diagnosis::current_questionnaire();
    html! {
        article.report #diagnosis-report {
            dl.facts {
                dt { (lang.pick("기업", "Firm")) } dd { (firm.firm.name) }
                dt { (lang.pick("진단", "Diagnosis")) } dd { (r.diagnosis_no) (lang.pick("차 · ", " · ")) (r.taken_on) " · " (d.record.recorded_by) }
                dt { (lang.pick("AX 수준", "AX level")) } dd #ax-level { (level_badge(lang, d.level)) }
                dt { (lang.pick("점수", "Points")) }
                dd { (r.points) " / " (r.max_points) " (" (lang.pick("중급 ", "intermediate from ")) (r.intermediate_from) ", " (lang.pick("고급 ", "advanced from ")) (r.advanced_from) ")" }
            }
            p.hint { (text(lang, &q.scoring.mapping)) }
            @if let Some(a) = &d.assessment {
                section aria-labelledby="reasons-title" {
                    h2 #reasons-title { (lang.pick("이 수준인 이유", "Why this level")) }
                    div.table-scroll role="region" aria-labelledby="reasons-caption" tabindex="0" {
                    table.data #reasons {
                        caption.visually-hidden #reasons-caption { (lang.pick("점수를 준 답", "The answers that scored")) }
                        (column_heads(lang, &[("문항", "Question"), ("답", "Answer"), ("점수", "Points")]))
                        tbody {
                            @for reason in &a.reasons {
                                tr {
                                    td.prose { (text(lang, &reason.question)) @if let Some(area) = reason.area { @let (ko, en) = area.label(); " (" (lang.pick(ko, en)) ")" } }
                                    td.prose { (text(lang, &reason.answer)) }
                                    td.num { (reason.points) " / " (reason.max_points) }
                                }
                            }
                        }
                    }
                    }
                }
                section aria-labelledby="needs-title" {
                    h2 #needs-title { (lang.pick("필요와 선호", "Needs and preferences")) }
                    dl.facts #needs {
                        dt { (lang.pick("훈련이 필요한 분야", "Fields of need")) } dd { (option_labels(lang, "needs", &a.needs)) }
                        dt { (lang.pick("원하는 훈련 방식", "Preferred method")) } dd { (option_labels(lang, "method", std::slice::from_ref(&a.method))) }
                        dt { (lang.pick("알맞은 교육시간", "Preferred length")) } dd { (option_labels(lang, "length", std::slice::from_ref(&a.length))) }
                        dt { (lang.pick("필요한 수준", "Level wanted")) } dd { (option_labels(lang, "level_wanted", std::slice::from_ref(&a.level_wanted))) }
                        dt { (lang.pick("애로사항", "Obstacles")) } dd { @if a.obstacles.is_empty() { "—" } @else { (option_labels(lang, "obstacles", &a.obstacles)) } }
                        dt { (lang.pick("바라는 지원", "Support wanted")) } dd { @if a.support.is_empty() { "—" } @else { (option_labels(lang, "support", &a.support)) } }
                        dt { (lang.pick("3년 내 AI 훈련 의향", "Intent to train within 3 years")) } dd { (lang.pick(if a.intent { "있음" } else { "없음" }, if a.intent { "Yes" } else { "No" })) }
                    }
                }
                section aria-labelledby="recommend-title" {
                    h2 #recommend-title { (lang.pick("권고: 수준별 지원", "Recommendation: support for this level")) }
                    ul #recommendations {
                        @for item in aiup_sme::prescription::prescribe(q, a).items {
                            @let (ko, en) = item.kind.label();
                            li { strong { (lang.pick(ko, en)) } ": " (text(lang, &item.why)) " (" (item.cite) ")" }
                        }
                    }
                }
            } @else {
                p { (lang.pick("다른 설문 버전으로 진단해 이유를 다시 계산할 수 없습니다. 수준과 점수는 저장된 그대로입니다.", "Scored with another questionnaire version: the reasons cannot be recomputed; the level and points stand as stored.")) }
            }
        }
    }
}

async fn report_page(
    Allowed(actor, ..): Allowed<perm::ReadFirms>,
    State(state): State<AppState>,
    Path((id, n)): Path<(String, String)>,
    Query(q): Query<PageQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let (Some(id), Some(n)) = (parse_id(&id), parse_id(&n)) else {
        return failed(AppError::not_found("diagnosis"));
    };
    let app = &state.app;
    let (firm, d) = match diagnosis::visible_firm(app, &actor, id).await {
        Ok(firm) => match diagnosis::diagnosis(app, &actor, id, n).await {
            Ok(d) => (firm, d),
            Err(e) => return failed(e),
        },
        Err(e) => return failed(e),
    };
    let here = report_path(id, n);
    let title = lang.pick("AI 훈련 진단 보고서", "AI training diagnosis report");
    let body = html! {
        h1 #page-title { (title) }
        (sme_nav(lang, &actor, &here))
        (report_body(lang, &firm, &d))
        p.no-print { a href=(href(&firm_path(id), lang)) { (lang.pick("기업으로 돌아가기", "Back to the firm")) } }
    };
    frame(&actor, lang, title, &here, body, StatusCode::OK)
}

// ---------------------------------------------------------------------------------------------
// The prescription
// ---------------------------------------------------------------------------------------------

async fn make_prescription(
    Allowed(actor, ..): Allowed<perm::VisitFirms>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<super::widgets::LangForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    let Some(id) = parse_id(&id) else {
        return failed(AppError::not_found("firm"));
    };
    match prescription::prescribe(&state.app, &actor, id).await {
        Ok(p) => see_other(&href(&format!("{}?done=prescribed", plan_path(id, p.record.id)), lang)),
        Err(e) => failed(e),
    }
}

/// A plan's lines with each course's price split (per worker).
pub(super) fn plan_table(lang: Lang, p: &PrescriptionView) -> Markup {
    html! {
        div.table-scroll role="region" aria-labelledby=(format!("plan-{}-caption", p.record.id)) tabindex="0" {
            table.data #(format!("plan-{}", p.record.id)) {
                caption #(format!("plan-{}-caption", p.record.id)) {
                    (lang.pick("훈련계획 ", "Plan ")) "#" (p.record.id) " · " (p.record.prescription.prescribed_on)
                    (lang.pick(" · 1인당 금액, 규칙 엔진 산정", " · per worker, by the rules engine"))
                }
                (column_heads(lang, &[("번호", "Line"), ("항목", "Item"), ("과정", "Course"), ("시작", "Starts"), ("수강료", "Fee"), ("정부", "Government"), ("기업", "Firm"), ("노동자", "Worker")]))
                tbody {
                    @for l in &p.lines {
                        @let (ko, en) = l.kind.label();
                        tr #(format!("line-{}", l.line.line_no)) {
                            td.num { (l.line.line_no) }
                            td { (lang.pick(ko, en)) @if let Some(name) = &l.programme_name { br; small { (text(lang, name)) } } }
                            @if l.line.course_id.is_some() {
                                td.prose { (l.course_title.as_deref().unwrap_or("—")) @if let Some(h) = l.hours_tenths { " (" (h / 10) (lang.pick("시간", " h")) ")" } }
                                td { (l.line.cohort_start.map(|d| d.to_string()).unwrap_or_default()) }
                                td.num { (won(l.line.fee_won)) }
                                td.num.government { (won(l.line.government_won)) }
                                td.num.firm { (won(l.line.firm_won)) }
                                td.num.worker { (won(l.line.worker_won)) }
                            } @else {
                                td.prose colspan="6" { (lang.pick("훈련주치의·확산센터가 함께 진행합니다(과정 없음).", "Run with the training doctor and the centre (no course).")) }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(a) = &p.allowances {
            dl.facts #(format!("plan-{}-allowances", p.record.id)) {
                @for (ko, en, amount) in [
                    ("내부 현장교사 수당(시간당)", "In-house field teacher allowance, per hour", a.field_teacher_won_per_hour),
                    ("외부 전문가 수당(시간당)", "Outside expert allowance, per hour", a.outside_expert_won_per_hour),
                ] {
                    dt { (lang.pick(ko, en)) }
                    dd {
                        @if amount > 0 { (won(amount)) } @else { (lang.pick("금액 미정(고시 전)", "amount not set yet (no notice)")) }
                        " (" (a.cite) ")"
                    }
                }
            }
        }
        @if !p.lines.iter().any(|l| l.kind != aiup_sme::prescription::ItemKind::AwarenessConsulting && l.kind != aiup_sme::prescription::ItemKind::JobAnalysis) {
            p.notice { (lang.pick("조건에 맞는 과정을 아직 찾지 못했습니다. 과정이 개설되면 다시 처방하세요.", "No course matches yet; prescribe again when courses open.")) }
        }
    }
}

async fn prescription_page(
    Allowed(actor, ..): Allowed<perm::ReadFirms>,
    State(state): State<AppState>,
    Path((id, p)): Path<(String, String)>,
    Query(q): Query<PageQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let (Some(id), Some(p)) = (parse_id(&id), parse_id(&p)) else {
        return failed(AppError::not_found("prescription"));
    };
    let plan = match prescription::prescription(&state.app, &actor, id, p).await {
        Ok(plan) => plan,
        Err(e) => return failed(e),
    };
    let here = plan_path(id, p);
    let title = lang.pick("훈련계획(처방)", "Training plan");
    let level = AxLevel::parse(&plan.record.prescription.level);
    let body = html! {
        h1 #page-title { (title) " #" (p) }
        (sme_nav(lang, &actor, &here))
        @if q.done.as_deref() == Some("prescribed") {
            p.notice role="status" { (lang.pick("훈련계획을 만들었습니다. 기업의 인사 담당자가 수락하면 직원을 등록할 수 있습니다.", "The plan was made. Once the firm's HR lead accepts it, staff can be enrolled.")) }
        }
        dl.facts {
            dt { (lang.pick("AX 수준", "AX level")) } dd { @if let Some(l) = level { (level_badge(lang, l)) } }
            dt { (lang.pick("상태", "Status")) }
            dd #plan-status {
                @match &plan.record.acceptance {
                    Some(a) => { (lang.pick("수락됨", "Accepted")) " · " (a.accepted_on) " · " (a.accepted_by) },
                    None => (lang.pick("기업 수락 대기", "Awaiting the firm's acceptance")),
                }
            }
            dt { (lang.pick("정책 버전", "Policy version")) } dd { code { (plan.record.prescription.policy_version.chars().take(12).collect::<String>()) } }
        }
        @if !plan.items.is_empty() {
            ul {
                @for item in &plan.items {
                    @let (ko, en) = item.kind.label();
                    li { strong { (lang.pick(ko, en)) } ": " (text(lang, &item.why)) " (" (item.cite) ")" }
                }
            }
        }
        (plan_table(lang, &plan))
        p { a href=(href(&firm_path(id), lang)) { (lang.pick("기업으로 돌아가기", "Back to the firm")) } }
    };
    frame(&actor, lang, title, &here, body, StatusCode::OK)
}

// ---------------------------------------------------------------------------------------------
// The programme's targets
// ---------------------------------------------------------------------------------------------

fn unit_en(unit: aiup_core::policy::TargetUnit) -> &'static str {
    use aiup_core::policy::TargetUnit;
    match unit {
        TargetUnit::People => "people",
        TargetUnit::Workplaces => "workplaces",
        TargetUnit::Firms => "firms",
        TargetUnit::Sites => "sites",
        TargetUnit::Centres => "centres",
        TargetUnit::Courses => "courses",
    }
}

#[derive(Debug, Deserialize)]
struct OverviewQuery {
    lang: Option<String>,
    year: Option<String>,
}

async fn overview_page(
    Allowed(actor, ..): Allowed<perm::ReadSmeProgramme>,
    State(state): State<AppState>,
    Query(q): Query<OverviewQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let year = match q.year.as_deref().map(str::parse::<i32>) {
        None => 2026.max(state.today().year()),
        Some(Ok(y)) if (2000..=2100).contains(&y) => y,
        Some(_) => {
            return failed(AppError::field(
                aiup_app::Code::InvalidParameter,
                "year",
                "a year from 2000 to 2100",
            ));
        }
    };
    let overview = match outcomes::overview(&state.app, &actor, year).await {
        Ok(o) => o,
        Err(e) => return failed(e),
    };
    let here = "/admin/sme";
    let title = lang.pick("중소기업 AI 훈련 목표", "SME AI training targets");
    let body = html! {
        h1 #page-title { (title) " " (year) }
        (sme_nav(lang, &actor, here))
        p.lede { (lang.pick(
            "목표는 정책 파일의 사업별 목표를 그대로 읽습니다. 진단·처방은 훈련계획을 받은 기업, 사업장 목표는 훈련계획으로 직원이 등록된 사업장, 인원 목표는 그 사업에 신청한 사람을 셉니다.",
            "Targets are read from the policy's programmes. Diagnosis counts firms given a plan; workplace targets count workplaces with staff enrolled under a plan in the programme; people targets count people with an enrolment in the programme.",
        )) }
        div.table-scroll role="region" aria-labelledby="targets-caption" tabindex="0" {
        table.data #targets {
            caption #targets-caption { (lang.pick("사업별 목표 대비 실적", "Progress against each programme's target")) }
            (column_heads(lang, &[("사업", "Programme"), ("목표", "Target"), ("실적", "So far"), ("달성률", "Progress")]))
            tbody {
                @for t in &overview.targets {
                    tr #(format!("target-{}", t.programme_id)) {
                        td.prose { (text(lang, &t.name)) }
                        td.num { (t.target.value) " " (lang.pick(t.target.unit.label_ko(), unit_en(t.target.unit))) }
                        td.num.achieved { (t.achieved) }
                        td {
                            progress max="10000" value=(t.progress_bp) aria-label=(format!("{} {}", text(lang, &t.name), lang.pick("달성률", "progress"))) {}
                            " " (t.progress_bp / 100) "." (format!("{:02}", t.progress_bp % 100)) "%"
                        }
                    }
                }
            }
        }
        }
        dl.facts #sme-summary {
            dt { (lang.pick("진단한 기업", "Firms diagnosed")) } dd { (overview.firms_diagnosed) }
            dt { (lang.pick("훈련계획을 받은 기업", "Firms given a plan")) } dd { (overview.firms_prescribed) }
            dt { (lang.pick("수락된 훈련계획", "Plans accepted")) } dd { (overview.plans_accepted) }
            dt { (lang.pick("훈련계획으로 신청한 직원", "Staff applications under plans")) } dd { (overview.plan_enrolments) }
        }
    };
    frame(&actor, lang, title, here, body, StatusCode::OK)
}
