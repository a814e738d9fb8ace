//! Institution staff: the applications to decide (accept, or refuse with a reason), the
//! institution's cohorts, and each cohort's roster with the status steps its enrolments allow.
//! Another institution's records do not exist here (404).

use super::accounts::{account_menu, account_nav};
use super::enrolment::{amounts, course_cell, dates, problem, programme_name, shown_reason, status_badge, status_of};
use super::view::{page_in, Section};
use super::widgets::{column_heads, error_summary, hidden, href, parse_id, private_page, see_other, LangForm, Problem};
use crate::access::{perm, Allowed, CsrfForm};
use crate::i18n::Lang;
use crate::AppState;
use aiup_app::accounts::Actor;
use aiup_app::enrolment::{needs_reason, Decision, DecisionDone, Enrolment, EnrolmentEvent, STAFF_STEPS};
use aiup_app::Code;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/applications", get(applications))
        .route("/staff/applications/{id}/accept", post(accept))
        .route("/staff/applications/{id}/refuse", post(refuse))
        .route("/staff/cohorts/{course}/{cohort}", get(roster))
        .route("/staff/enrolments/{id}/step", post(step))
}

#[derive(Debug, Deserialize)]
struct PageQuery {
    lang: Option<String>,
    done: Option<String>,
}

fn cohort_path(course: &str, ordinal: i64) -> String {
    format!("/staff/cohorts/{}/{ordinal}", super::encode_component(course))
}

/// A reason field for one enrolment's form (ids are unique on the page).
fn reason_field(lang: Lang, id: i64, event: EnrolmentEvent, required: bool) -> Markup {
    let field = format!("reason-{}-{id}", event.as_str());
    html! {
        div.field {
            label for=(field) {
                @match lang {
                    Lang::Ko => { (event.label_ko()) " 사유" }
                    Lang::En => { "Reason (" (event.label_en()) ")" }
                }
                @if !required { " " span.hint { (lang.pick("(선택)", "(optional)")) } }
            }
            input id=(field) name="reason" type="text" maxlength="500" required[required] autocomplete="off";
        }
    }
}

async fn applications_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    notice: Option<String>,
    problems: Vec<Problem>,
    status: StatusCode,
) -> Response {
    let pending = match state.app.pending_applications(actor).await {
        Ok(list) => list,
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    let courses = match actor.scope.as_deref() {
        Some(scope) => match state.app.institution_records(actor, scope).await {
            Ok((_, courses)) => courses,
            Err(e) if e.code == Code::NotFound => Vec::new(),
            Err(e) => return crate::error::ApiError(e).into_response(),
        },
        None => Vec::new(),
    };
    let csrf = actor.csrf_token().unwrap_or_default();
    let title = lang.pick("수강 신청 심사", "Applications to decide");
    let body = html! {
        h1 #page-title { (title) }
        (account_nav(lang, actor, "/staff/applications"))
        @if let Some(notice) = &notice { div.notice role="status" #staff-notice { (notice) } }
        (error_summary(lang, &problems))
        @if pending.is_empty() {
            p #applications { (lang.pick("심사할 신청이 없습니다.", "No application waits for a decision.")) }
        } @else {
            table.data #applications tabindex="0" {
                caption { (title) " (" (pending.len()) ")" }
                (column_heads(lang, &[("신청 번호", "Application"), ("과정", "Course"), ("기간", "Dates"), ("사업", "Programme"), ("상태", "Status"), ("선발", "Accept"), ("미선발", "Refuse")]))
                tbody {
                    @for e in &pending {
                        tr #(format!("application-{}", e.id())) {
                            td { (e.id()) }
                            td { (course_cell(lang, e)) br; a href=(href(&cohort_path(&e.record.course_id, e.record.cohort_ordinal), lang)) { (lang.pick("기수 명단", "Cohort roster")) } }
                            td { (dates(e)) }
                            td { (programme_name(lang, e)) }
                            td { (status_badge(lang, e.status)) }
                            td {
                                @if e.status == aiup_app::enrolment::EnrolmentStatus::Applied {
                                    form method="post" action=(format!("/staff/applications/{}/accept", e.id())) {
                                        (hidden(csrf, lang))
                                        button type="submit" id=(format!("accept-{}", e.id())) { (lang.pick("선발", "Accept")) }
                                    }
                                } @else { "—" }
                            }
                            td {
                                form method="post" action=(format!("/staff/applications/{}/refuse", e.id())) {
                                    (hidden(csrf, lang))
                                    (reason_field(lang, e.id(), EnrolmentEvent::Refuse, true))
                                    button.secondary type="submit" { (lang.pick("미선발", "Refuse")) }
                                }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="cohorts-title" {
            h2 #cohorts-title { (lang.pick("우리 기관의 기수", "Our cohorts")) }
            @if courses.is_empty() { p { (lang.pick("등록된 과정이 없습니다.", "No course is registered.")) } }
            ul #cohorts {
                @for course in &courses {
                    @for (i, c) in course.cohorts.iter().enumerate() {
                        @let ordinal = i64::try_from(i).unwrap_or(0);
                        li {
                            a href=(href(&cohort_path(course.id.as_str(), ordinal), lang)) {
                                (super::widgets::as_written(lang, &course.title)) " · " (c.start_date) " ~ " (c.end_date)
                            }
                            " · " a href=(href(&super::attendance::cohort_base(course.id.as_str(), ordinal), lang)) { (lang.pick("출결", "Attendance")) }
                        }
                    }
                }
            }
        }
    };
    private_page(
        status,
        page_in(
            Section::Account,
            lang,
            &format!("{title} — AI+역량 Up"),
            account_menu(lang, actor, Some(&href("/staff/applications", lang.other()))),
            body,
        ),
    )
}

async fn applications(
    Allowed(actor, ..): Allowed<perm::DecideApplications>,
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let notice = q.done.as_deref().map(|done| done_notice(lang, done));
    applications_page(&state, &actor, lang, notice, vec![], StatusCode::OK).await
}

fn done_notice(lang: Lang, done: &str) -> String {
    match done {
        "accepted" => lang.pick(
            "선발했습니다. 좌석과 카드 금액이 확정되었습니다.",
            "Accepted: the seat and the card's hold are set.",
        ),
        "waiting" => lang.pick(
            "정원이 차서 대기자로 등록했습니다.",
            "The cohort is full: the application is on the waiting list.",
        ),
        "refused" => lang.pick("미선발로 처리했습니다.", "Refused."),
        _ => lang.pick("처리했습니다.", "Done."),
    }
    .to_owned()
}

#[derive(Debug, Deserialize)]
struct RefuseForm {
    #[serde(default)]
    reason: String,
    lang: Option<String>,
}

async fn decided(state: &AppState, actor: &Actor, lang: Lang, id: &str, decision: Decision) -> Response {
    let Some(id) = parse_id(id) else {
        return super::not_found_in(lang);
    };
    match state.app.decide(actor, id, decision).await {
        Ok(done) => {
            let what = match done {
                DecisionDone::Accepted(_) => "accepted",
                DecisionDone::Waitlisted(_) => "waiting",
                DecisionDone::Refused(_) => "refused",
            };
            see_other(&href(&format!("/staff/applications?done={what}"), lang))
        }
        Err(e) if e.code == Code::NotFound => super::not_found_in(lang),
        Err(e) => applications_page(state, actor, lang, None, vec![problem(lang, &e)], status_of(&e)).await,
    }
}

async fn accept(
    Allowed(actor, ..): Allowed<perm::DecideApplications>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<LangForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    decided(&state, &actor, lang, &id, Decision::Accept).await
}

async fn refuse(
    Allowed(actor, ..): Allowed<perm::DecideApplications>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<RefuseForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    decided(&state, &actor, lang, &id, Decision::Refuse { reason: form.reason }).await
}

/// The steps an enrolment's status allows, as forms.
fn step_forms(lang: Lang, csrf: &str, e: &Enrolment) -> Markup {
    let allowed: Vec<EnrolmentEvent> = STAFF_STEPS
        .into_iter()
        .filter(|event| e.status.after(*event).is_ok())
        .collect();
    html! {
        @if allowed.is_empty() { "—" }
        @for event in allowed {
            form.step method="post" action=(format!("/staff/enrolments/{}/step", e.id())) {
                (hidden(csrf, lang))
                input type="hidden" name="event" value=(event.as_str());
                @if needs_reason(event) || event == EnrolmentEvent::DropOut {
                    (reason_field(lang, e.id(), event, needs_reason(event)))
                }
                button.secondary type="submit" { (lang.pick(event.label_ko(), event.label_en())) }
            }
        }
    }
}

async fn roster_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    course: &str,
    cohort: &str,
    problems: Vec<Problem>,
    status: StatusCode,
) -> Response {
    let Ok(ordinal) = cohort.parse::<i64>() else {
        return super::not_found_in(lang);
    };
    let roster = match state.app.cohort_roster(actor, course, ordinal).await {
        Ok(r) => r,
        Err(e) if e.code == Code::NotFound => return super::not_found_in(lang),
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    let csrf = actor.csrf_token().unwrap_or_default();
    let path = cohort_path(course, ordinal);
    let title = format!(
        "{} — {} ({} ~ {})",
        lang.pick("기수 명단", "Cohort roster"),
        roster.course.title,
        roster.cohort.start_date,
        roster.cohort.end_date
    );
    let body = html! {
        p { a href=(href("/staff/applications", lang)) { (lang.pick("← 수강 신청 심사", "← Applications to decide")) } }
        h1 #page-title { (lang.pick("기수 명단", "Cohort roster")) }
        p.lede { (super::widgets::as_written(lang, &roster.course.title)) " · " (roster.cohort.start_date) " ~ " (roster.cohort.end_date) }
        (error_summary(lang, &problems))
        p { a #attendance-link href=(href(&super::attendance::cohort_base(course, ordinal), lang)) { (lang.pick("출결 기록부", "Attendance sheet")) } }
        dl.facts #seats {
            dt { (lang.pick("정원", "Seats")) }
            dd { (roster.seats.map_or(i64::from(roster.cohort.seats_left), |s| s.seats)) }
            dt { (lang.pick("선발·수강 중", "Taken")) }
            dd { (roster.seats.map_or(0, |s| s.taken)) }
            dt { (lang.pick("대기자 명단", "Waiting list")) }
            dd { (if roster.cohort.waiting_list { lang.pick("받음", "kept") } else { lang.pick("받지 않음", "not kept") }) }
        }
        @if roster.enrolments.is_empty() {
            p #roster { (lang.pick("아직 신청이 없습니다.", "No application yet.")) }
        } @else {
            table.data #roster tabindex="0" {
                caption { (lang.pick("신청과 수강생", "Applications and trainees")) " (" (roster.enrolments.len()) ")" }
                (column_heads(lang, &[("신청 번호", "Application"), ("사업", "Programme"), ("상태", "Status"), ("금액", "Amounts"), ("다음 단계", "Next steps")]))
                tbody {
                    @for e in &roster.enrolments {
                        tr #(format!("enrolment-{}", e.id())) {
                            td { (e.id()) }
                            td { (programme_name(lang, e)) }
                            td { (status_badge(lang, e.status)) @if let Some(reason) = shown_reason(e) { br; span.hint { (lang.pick("사유: ", "Reason: ")) (reason) } } }
                            td { (amounts(lang, e)) }
                            td { (step_forms(lang, csrf, e)) }
                        }
                    }
                }
            }
        }
    };
    private_page(
        status,
        page_in(
            Section::Account,
            lang,
            &format!("{title} — AI+역량 Up"),
            account_menu(lang, actor, Some(&href(&path, lang.other()))),
            body,
        ),
    )
}

async fn roster(
    Allowed(actor, ..): Allowed<perm::DecideApplications>,
    State(state): State<AppState>,
    Path((course, cohort)): Path<(String, String)>,
    Query(q): Query<PageQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    roster_page(&state, &actor, lang, &course, &cohort, vec![], StatusCode::OK).await
}

#[derive(Debug, Deserialize)]
struct StepForm {
    #[serde(default)]
    event: String,
    #[serde(default)]
    reason: String,
    lang: Option<String>,
}

async fn step(
    Allowed(actor, ..): Allowed<perm::DecideApplications>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<StepForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    let Some(id) = parse_id(&id) else {
        return super::not_found_in(lang);
    };
    let Some(event) = EnrolmentEvent::parse(form.event.trim()) else {
        let e = aiup_app::AppError::field(Code::InvalidField, "event", "unknown step");
        return applications_page(&state, &actor, lang, None, vec![problem(lang, &e)], status_of(&e)).await;
    };
    match state.app.staff_step(&actor, id, event, &form.reason).await {
        Ok(done) => {
            let r = &done.enrolment.record;
            see_other(&href(&cohort_path(&r.course_id, r.cohort_ordinal), lang))
        }
        Err(e) if e.code == Code::NotFound => super::not_found_in(lang),
        Err(e) => match state.app.enrolment_for(&actor, id).await {
            Ok(found) => {
                let r = &found.record;
                roster_page(
                    &state,
                    &actor,
                    lang,
                    &r.course_id,
                    &r.cohort_ordinal.to_string(),
                    vec![Problem {
                        field: "roster",
                        ..problem(lang, &e)
                    }],
                    status_of(&e),
                )
                .await
            }
            Err(_) => super::not_found_in(lang),
        },
    }
}
