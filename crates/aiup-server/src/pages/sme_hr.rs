//! The SME HR lead's view of their own firm (`/firm`): our diagnosis, our plan (accept it, once),
//! enrolling our staff into its courses, and our staff's enrolments and progress. The account's
//! scope is the firm's business number; no other firm is reachable from here.

use super::sme_firm::{
    failed, firm_facts, frame, level_badge, outcomes_section, plan_table, report_path, sme_nav, status_of, text,
    PageQuery,
};
use super::widgets::{column_heads, error_summary, hidden, href, parse_id, see_other, LangForm, Problem};
use crate::access::{perm, Access, Allowed, CsrfForm};
use crate::i18n::Lang;
use crate::AppState;
use aiup_app::accounts::{Actor, Permission};
use aiup_app::sme::prescription::{self, PrescriptionView, StaffInput};
use aiup_app::sme::{diagnosis, outcomes};
use aiup_app::AppError;
use aiup_people::profile::AgeBand;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup};
use serde::Deserialize;

/// This page group's routes and who may use each (part of `access::ROUTES`).
pub const ROUTES: &[(Method, &str, Access)] = &[
    (Method::GET, "/firm", Access::Allowed(Permission::ActForFirm)),
    (
        Method::POST,
        "/firm/prescriptions/{p}/accept",
        Access::Allowed(Permission::ActForFirm),
    ),
    (
        Method::POST,
        "/firm/prescriptions/{p}/enrol",
        Access::Allowed(Permission::ActForFirm),
    ),
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/firm", get(firm_home))
        .route("/firm/prescriptions/{p}/accept", post(accept))
        .route("/firm/prescriptions/{p}/enrol", post(enrol))
}

const PATH: &str = "/firm";

fn enrol_form(lang: Lang, actor: &Actor, plan: &PrescriptionView, problems: &[Problem], form: &EnrolForm) -> Markup {
    let courses: Vec<_> = plan.lines.iter().filter(|l| l.line.course_id.is_some()).collect();
    let error = |field: &str| problems.iter().find(|p| p.field == field);
    html! {
        @if courses.is_empty() {
            p { (lang.pick("이 계획에는 등록할 과정이 없습니다.", "This plan has no course to enrol in.")) }
        } @else {
            form.panel #(format!("enrol-{}", plan.record.id)) method="post" action=(format!("/firm/prescriptions/{}/enrol", plan.record.id)) novalidate {
                h3 { (lang.pick("직원 등록", "Enrol a staff member")) }
                (hidden(actor.csrf_token().unwrap_or_default(), lang))
                p.hint { (lang.pick(
                    "이름은 받지 않습니다. 나이대(지원 규칙에 필요)와, 원하면 회사의 사번 등 직원 참조만 적습니다. 참조는 키로 해시해 보관합니다.",
                    "No names are taken: only the age band (the support rules need it) and, if you like, your own staff reference, kept only as a keyed hash.",
                )) }
                div class=(if error("line_no").is_some() { "field field--error" } else { "field" }) {
                    label for="line_no" { (lang.pick("과정", "Course")) }
                    @if let Some(e) = error("line_no") { p.field-error #line_no-error { (e.message) } }
                    select #line_no name="line_no" aria-describedby=[error("line_no").map(|_| "line_no-error")] {
                        @for l in &courses {
                            option value=(l.line.line_no) selected[form.line_no == l.line.line_no.to_string()] {
                                (l.line.line_no) ". " (l.course_title.as_deref().unwrap_or(l.line.course_id.as_deref().unwrap_or("")))
                            }
                        }
                    }
                }
                div class=(if error("age_band").is_some() { "field field--error" } else { "field" }) {
                    label for="age_band" { (lang.pick("나이대", "Age band")) }
                    @if let Some(e) = error("age_band") { p.field-error #age_band-error { (e.message) } }
                    select #age_band name="age_band" required aria-describedby=[error("age_band").map(|_| "age_band-error")] {
                        option value="" { (lang.pick("선택하세요", "Choose")) }
                        @for band in AgeBand::ALL {
                            option value=(band.as_str()) selected[form.age_band == band.as_str()] { (lang.pick(band.label_ko(), band.label_en())) }
                        }
                    }
                }
                div class=(if error("staff_ref").is_some() { "field field--error" } else { "field" }) {
                    label for="staff_ref" { (lang.pick("직원 참조(선택)", "Staff reference (optional)")) }
                    @if let Some(e) = error("staff_ref") { p.field-error #staff_ref-error { (e.message) } }
                    input #staff_ref name="staff_ref" type="text" autocomplete="off" value=(form.staff_ref)
                        aria-describedby=[error("staff_ref").map(|_| "staff_ref-error")];
                }
                div.actions { button #(format!("enrol-{}-submit", plan.record.id)) type="submit" { (lang.pick("이 과정에 등록하기", "Enrol in this course")) } }
            }
        }
    }
}

async fn home_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    done: Option<&str>,
    problems: &[Problem],
    form: &EnrolForm,
    status: StatusCode,
) -> Response {
    let app = &state.app;
    let firm = match prescription::my_firm(app, actor).await {
        Ok(f) => f,
        Err(e) => return failed(e),
    };
    let (latest, plans, outcome) = match (
        diagnosis::latest(app, actor, firm.id).await,
        prescription::prescriptions(app, actor, firm.id).await,
        outcomes::firm_outcomes(app, actor, firm.id).await,
    ) {
        (Ok(l), Ok(p), Ok(o)) => (l, p, o),
        (Err(e), ..) | (_, Err(e), _) | (.., Err(e)) => return failed(e),
    };
    let title = lang.pick("우리 회사 AI 훈련", "Our firm's AI training");
    let body = html! {
        h1 #page-title { (title) ": " (firm.firm.name) }
        (sme_nav(lang, actor, PATH))
        (error_summary(lang, problems))
        @match done {
            Some("accepted") => p.notice role="status" { (lang.pick("훈련계획을 수락했습니다. 이제 직원을 등록할 수 있습니다.", "You accepted the plan. You can now enrol staff.")) },
            Some("enrolled") => p.notice role="status" { (lang.pick("직원의 수강 신청을 만들었습니다. 훈련기관이 승인하면 확정됩니다.", "The staff member's application was made. It is confirmed when the institution accepts it.")) },
            _ => {},
        }
        (firm_facts(lang, &state.app.engine(), &firm))
        section #our-diagnosis aria-labelledby="our-diagnosis-title" {
            h2 #our-diagnosis-title { (lang.pick("우리 회사 진단", "Our diagnosis")) }
            @match &latest {
                None => p { (lang.pick("아직 진단을 받지 않았습니다. 확산센터의 훈련주치의가 방문해 진단합니다.", "Not diagnosed yet: a training doctor of the diffusion centre visits to diagnose the firm.")) },
                Some(d) => p {
                    (lang.pick("AX 수준 ", "AX level ")) (level_badge(lang, d.level))
                    " · " (d.record.diagnosis.taken_on) " · "
                    a href=(href(&report_path(firm.id, d.record.diagnosis.diagnosis_no), lang)) { (lang.pick("진단 보고서 보기", "Read the diagnosis report")) }
                },
            }
        }
        section #our-plans aria-labelledby="our-plans-title" {
            h2 #our-plans-title { (lang.pick("우리 회사 훈련계획", "Our training plans")) }
            @if plans.is_empty() { p { (lang.pick("아직 훈련계획이 없습니다.", "No training plan yet.")) } }
            @for plan in plans.iter().rev() {
                article.plan #(format!("plan-card-{}", plan.record.id)) {
                    @if !plan.items.is_empty() {
                        ul {
                            @for item in &plan.items {
                                @let (ko, en) = item.kind.label();
                                li { strong { (lang.pick(ko, en)) } ": " (text(lang, &item.why)) }
                            }
                        }
                    }
                    (plan_table(lang, plan))
                    @match &plan.record.acceptance {
                        Some(a) => {
                            p.plan-accepted { (lang.pick("수락함 · ", "Accepted · ")) (a.accepted_on) }
                            (enrol_form(lang, actor, plan, problems, form))
                        },
                        None => form method="post" action=(format!("/firm/prescriptions/{}/accept", plan.record.id)) {
                            (hidden(actor.csrf_token().unwrap_or_default(), lang))
                            div.actions { button #(format!("accept-{}", plan.record.id)) type="submit" { (lang.pick("이 훈련계획 수락하기", "Accept this plan")) } }
                        },
                    }
                }
            }
        }
        section #our-staff aria-labelledby="our-staff-title" {
            h2 #our-staff-title { (lang.pick("직원 수강 현황", "Our staff's enrolments")) }
            @if outcome.staff.is_empty() {
                p { (lang.pick("아직 등록한 직원이 없습니다.", "No staff enrolled yet.")) }
            } @else {
                div.table-scroll role="region" aria-labelledby="staff-caption" tabindex="0" {
                table.data #staff {
                    caption.visually-hidden #staff-caption { (lang.pick("직원별 신청과 상태", "Each staff member's application and status")) }
                    (column_heads(lang, &[("신청 번호", "Application"), ("과정", "Course"), ("시작", "Starts"), ("상태", "Status")]))
                    tbody {
                        @for s in &outcome.staff {
                            tr {
                                td.num { (s.enrolment.id) }
                                td.prose { (s.course_title.as_deref().unwrap_or(&s.enrolment.course_id)) }
                                td { (s.enrolment.cohort_start) }
                                td {
                                    @match aiup_people::EnrolmentStatus::parse(&s.enrolment.status) {
                                        Some(st) => (lang.pick(st.label_ko(), st.label_en())),
                                        None => (s.enrolment.status),
                                    }
                                }
                            }
                        }
                    }
                }
                }
            }
        }
        (outcomes_section(lang, &outcome))
    };
    frame(actor, lang, title, PATH, body, status)
}

async fn firm_home(
    Allowed(actor, ..): Allowed<perm::ActForFirm>,
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    home_page(
        &state,
        &actor,
        lang,
        q.done.as_deref(),
        &[],
        &EnrolForm::default(),
        StatusCode::OK,
    )
    .await
}

async fn accept(
    Allowed(actor, ..): Allowed<perm::ActForFirm>,
    State(state): State<AppState>,
    Path(p): Path<String>,
    CsrfForm(form): CsrfForm<LangForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    let Some(p) = parse_id(&p) else {
        return failed(AppError::not_found("prescription"));
    };
    match prescription::accept(&state.app, &actor, p).await {
        Ok(_) => see_other(&href(&format!("{PATH}?done=accepted"), lang)),
        Err(e) => failed(e),
    }
}

#[derive(Debug, Default, Deserialize)]
struct EnrolForm {
    #[serde(default)]
    line_no: String,
    #[serde(default)]
    age_band: String,
    #[serde(default)]
    staff_ref: String,
    lang: Option<String>,
}

async fn enrol(
    Allowed(actor, ..): Allowed<perm::ActForFirm>,
    State(state): State<AppState>,
    Path(p): Path<String>,
    CsrfForm(form): CsrfForm<EnrolForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    let Some(p) = parse_id(&p) else {
        return failed(AppError::not_found("prescription"));
    };
    let input = StaffInput {
        line_no: form.line_no.clone(),
        age_band: form.age_band.clone(),
        staff_ref: form.staff_ref.clone(),
    };
    match prescription::enrol_staff(&state.app, &actor, p, &input).await {
        Ok(_) => see_other(&href(&format!("{PATH}?done=enrolled"), lang)),
        Err(e) if e.http_status() == 422 => {
            let field = match e.field.as_deref() {
                Some("line_no") => "line_no",
                Some("staff_ref") => "staff_ref",
                _ => "age_band",
            };
            let problems = [Problem {
                field,
                message: e.message_in(lang == Lang::Ko).to_owned(),
            }];
            home_page(&state, &actor, lang, None, &problems, &form, status_of(&e)).await
        }
        Err(e) => failed(e),
    }
}
