//! A diffusion centre's board: its firms ranked by discovery score with the reasons, assignment,
//! visits scheduled and recorded, each training doctor's caseload.
//!
//! - `GET /sme/centre`: the board. A training doctor sees their own centre; programme
//!   administrators, auditors and administrators choose one (`?centre=`). It lists the centre's
//!   firms (each with a link that opens the visit form for it, `?firm=`), the upcoming visits
//!   (the doctor records or cancels each) and every doctor's caseload.
//! - `POST /sme/firms/{id}/visits`: schedule a visit (the doctor of the firm's centre).
//! - `POST /sme/visits/{id}/record`, `/cancel`: record a visit as done, or cancel it.
//! - `GET /sme/discovery` and `POST /sme/firms/{id}/assign`: see [`discovery`].

mod discovery;

use super::accounts::{account_menu, account_nav};
use super::view::{page_in, Section};
use super::widgets::{column_heads, error_summary, hidden, href, parse_id, private_page, see_other, Problem};
use crate::access::{perm, Access, Allowed, CsrfForm};
use crate::i18n::Lang;
use crate::AppState;
use aiup_app::accounts::{Actor, Permission, Role};
use aiup_app::sme::visits::{self, purpose_label, status_label, Board, ScheduleVisit};
use aiup_app::{AppError, Code};
use aiup_sme::SizeBand;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup};
use serde::Deserialize;

const BOARD: &str = "/sme/centre";

/// This page group's routes and who may use each (part of `access::ROUTES`).
pub const ROUTES: &[(Method, &str, Access)] = &[
    (Method::GET, "/sme/centre", Access::Allowed(Permission::ReadFirms)),
    (Method::GET, "/sme/discovery", Access::Allowed(Permission::ReadFirms)),
    (
        Method::POST,
        "/sme/firms/{id}/assign",
        Access::Allowed(Permission::ManageFirms),
    ),
    (
        Method::POST,
        "/sme/firms/{id}/visits",
        Access::Allowed(Permission::VisitFirms),
    ),
    (
        Method::POST,
        "/sme/visits/{id}/record",
        Access::Allowed(Permission::VisitFirms),
    ),
    (
        Method::POST,
        "/sme/visits/{id}/cancel",
        Access::Allowed(Permission::VisitFirms),
    ),
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sme/centre", get(board))
        .route("/sme/discovery", get(discovery::ranking))
        .route("/sme/firms/{id}/assign", post(discovery::assign))
        .route("/sme/firms/{id}/visits", post(schedule))
        .route("/sme/visits/{id}/record", post(close))
        .route("/sme/visits/{id}/cancel", post(close))
}

/// The SME pages this account may use, beside the account's own menu.
pub(crate) fn sme_nav(lang: Lang, actor: &Actor, current: &str) -> Markup {
    let mut links = Vec::new();
    if actor.role != Role::SmeHrLead {
        links.push((BOARD, lang.pick("센터 현황판", "Centre board")));
    }
    links.push(("/sme/discovery", lang.pick("기업 발굴 순위", "Discovery ranking")));
    html! {
        nav.sub-nav aria-label=(lang.pick("중소기업 AI 훈련", "SME AI training")) {
            ul {
                @for (path, label) in &links {
                    li {
                        @if *path == current {
                            a href=(href(path, lang)) aria-current="page" { (label) }
                        } @else {
                            a href=(href(path, lang)) { (label) }
                        }
                    }
                }
            }
        }
    }
}

/// The frame of every page of the group.
pub(crate) fn frame(actor: &Actor, lang: Lang, title: &str, here: &str, body: Markup, status: StatusCode) -> Response {
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

pub(crate) fn status_of(e: &AppError) -> StatusCode {
    StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY)
}

/// A service error as a problem at the field it names (or `fallback`), in the reader's language.
pub(crate) fn problem_of(lang: Lang, e: &AppError, fields: &[&'static str], fallback: &'static str) -> Problem {
    let field = e
        .field
        .as_deref()
        .and_then(|f| fields.iter().find(|known| **known == f).copied())
        .unwrap_or(fallback);
    Problem {
        field,
        message: e.message_in(lang == Lang::Ko).to_owned(),
    }
}

pub(crate) fn band_label(lang: Lang, band: &str) -> String {
    SizeBand::parse(band).map_or_else(
        || band.to_owned(),
        |b| {
            let (ko, en) = b.label();
            lang.pick(ko, en).to_owned()
        },
    )
}

/// A business number as people write it: `123-45-67890`.
pub(crate) fn bizno(digits: &str) -> String {
    if digits.len() == 10 && digits.is_ascii() {
        format!("{}-{}-{}", &digits[..3], &digits[3..5], &digits[5..])
    } else {
        digits.to_owned()
    }
}

#[derive(Debug, Deserialize)]
struct BoardQuery {
    lang: Option<String>,
    centre: Option<String>,
    firm: Option<String>,
    done: Option<String>,
}

/// What the visit form was given, to show it again with its errors.
#[derive(Debug, Default, Clone)]
struct VisitDraft {
    firm_id: Option<i64>,
    scheduled_on: String,
    purpose: String,
    notes: String,
}

async fn board(
    Allowed(actor, ..): Allowed<perm::ReadFirms>,
    State(state): State<AppState>,
    Query(q): Query<BoardQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let draft = VisitDraft {
        firm_id: q.firm.as_deref().and_then(parse_id),
        scheduled_on: state.today().to_string(),
        purpose: "diagnose".to_owned(),
        notes: String::new(),
    };
    board_page(
        &state,
        &actor,
        lang,
        q.centre.as_deref(),
        q.done.as_deref(),
        draft,
        vec![],
        StatusCode::OK,
    )
    .await
}

fn done_message(lang: Lang, done: &str) -> Option<&'static str> {
    match done {
        "scheduled" => Some(lang.pick("방문을 예약했습니다.", "The visit is scheduled.")),
        "recorded" => Some(lang.pick("방문을 완료로 기록했습니다.", "The visit is recorded as done.")),
        "cancelled" => Some(lang.pick("방문을 취소했습니다.", "The visit is cancelled.")),
        _ => None,
    }
}

#[allow(clippy::too_many_arguments)]
async fn board_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    asked: Option<&str>,
    done: Option<&str>,
    draft: VisitDraft,
    problems: Vec<Problem>,
    status: StatusCode,
) -> Response {
    let title = lang.pick("센터 현황판", "Centre board");
    let app = &state.app;
    let asked = asked.map(str::trim).filter(|c| !c.is_empty());
    let here = match asked {
        Some(c) if actor.role != Role::TrainingDoctor => format!("{BOARD}?centre={c}"),
        _ => BOARD.to_owned(),
    };
    let head = html! {
        h1 #page-title { (title) }
        (account_nav(lang, actor, BOARD))
        (sme_nav(lang, actor, BOARD))
    };
    if actor.role == Role::SmeHrLead {
        let body = html! {
            (head)
            p #no-board { (lang.pick(
                "센터 현황판은 훈련주치의와 사업 관리자가 봅니다. 우리 기업의 진단과 훈련 계획은 기업 담당자 화면에서 확인하십시오.",
                "The centre board is for training doctors and programme staff. See your firm's diagnosis and plan on the HR lead's pages.",
            )) }
        };
        return frame(actor, lang, title, &here, body, status);
    }
    let centre = match visits::board_centre(actor, asked) {
        Ok(c) => c,
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    let centres = match visits::centres_for(app, actor).await {
        Ok(c) => c,
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    let board = match &centre {
        Some(c) => match visits::board(app, actor, c).await {
            Ok(b) => Some(b),
            Err(e) if e.code == Code::NotFound => return super::not_found_in(lang),
            Err(e) => return crate::error::ApiError(e).into_response(),
        },
        None => None,
    };
    let body = html! {
        (head)
        (error_summary(lang, &problems))
        @if let Some(message) = done.and_then(|d| done_message(lang, d)) {
            p.notice role="status" #done { (message) }
        }
        @if actor.role != Role::TrainingDoctor {
            form.panel #centre-chooser method="get" action=(BOARD) {
                @if lang == Lang::En { input type="hidden" name="lang" value="en"; }
                div.field {
                    label for="centre" { (lang.pick("센터", "Centre")) }
                    select #centre name="centre" {
                        option value="" { (lang.pick("센터를 고르십시오", "Choose a centre")) }
                        @for c in &centres {
                            option value=(c.id) selected[centre.as_deref() == Some(c.id.as_str())] {
                                (lang.pick(&c.name_ko, &c.name_en))
                            }
                        }
                    }
                }
                div.actions { button type="submit" { (lang.pick("보기", "Show")) } }
            }
        }
        @match &board {
            Some(b) => (board_body(actor, lang, b, &draft, &problems)),
            None => p #choose-centre { (lang.pick("센터를 고르면 현황판이 나옵니다.", "Choose a centre to see its board.")) },
        }
    };
    frame(actor, lang, title, &here, body, status)
}

fn board_body(actor: &Actor, lang: Lang, b: &Board, draft: &VisitDraft, problems: &[Problem]) -> Markup {
    let doctor = actor.allows(Permission::VisitFirms);
    let name_of = |id: i64| b.firms.iter().find(|f| f.id == id).map(|f| f.firm.name.clone());
    let board_link = |extra: &str| {
        let centre = if actor.role == Role::TrainingDoctor {
            String::new()
        } else {
            format!("centre={}", b.centre.id)
        };
        let q = [centre.as_str(), extra]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join("&");
        href(
            &if q.is_empty() {
                BOARD.to_owned()
            } else {
                format!("{BOARD}?{q}")
            },
            lang,
        )
    };
    html! {
        h2 #centre-name { (lang.pick(&b.centre.name_ko, &b.centre.name_en)) }
        section aria-labelledby="caseloads-title" {
            h2 #caseloads-title { (lang.pick("주치의별 담당 현황", "Caseload per doctor")) }
            @if b.caseloads.is_empty() {
                p #caseloads { (lang.pick("이 센터에는 아직 훈련주치의가 없습니다.", "This centre has no training doctor yet.")) }
            } @else {
                div.table-scroll role="region" aria-labelledby="caseloads-caption" tabindex="0" {
                    table.data #caseloads {
                        caption #caseloads-caption {
                            (lang.pick("이번 달 기준", "This month")) " (" (b.month.format("%Y-%m")) ")"
                        }
                        (column_heads(lang, &[("훈련주치의", "Training doctor"), ("예정 방문", "Visits scheduled"), ("이번 달 완료", "Done this month"), ("담당 기업", "Firms")]))
                        tbody {
                            @for c in &b.caseloads {
                                tr #(format!("caseload-{}", c.account_id)) {
                                    td { (c.display_name) " (" (c.login) ")" }
                                    td.num { (c.scheduled) }
                                    td.num { (c.done_in_month) }
                                    td.num { (c.firms) }
                                }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="visits-title" {
            h2 #visits-title { (lang.pick("예정된 방문", "Upcoming visits")) }
            @if b.upcoming.is_empty() {
                p #visits { (lang.pick("예정된 방문이 없습니다.", "No visit is scheduled.")) }
            } @else {
                div.table-scroll role="region" aria-labelledby="visits-caption" tabindex="0" {
                    table.data #visits {
                        caption #visits-caption { (lang.pick("방문일순", "By day")) }
                        @if doctor {
                            (column_heads(lang, &[("방문일", "Day"), ("기업", "Firm"), ("목적", "Purpose"), ("메모", "Notes"), ("기록", "Record")]))
                        } @else {
                            (column_heads(lang, &[("방문일", "Day"), ("기업", "Firm"), ("목적", "Purpose"), ("메모", "Notes")]))
                        }
                        tbody {
                            @for v in &b.upcoming {
                                @let firm = name_of(v.firm_id).unwrap_or_else(|| format!("#{}", v.firm_id));
                                @let (pko, pen) = purpose_label(&v.purpose);
                                tr #(format!("visit-{}", v.id)) {
                                    td { (v.scheduled_on) }
                                    td { (firm) }
                                    td { (lang.pick(pko, pen)) " · " (lang.pick(status_label(&v.status).0, status_label(&v.status).1)) }
                                    td { (v.notes) }
                                    @if doctor {
                                        td { (visit_actions(actor, lang, v.id, &firm)) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if doctor {
            @if let Some(firm) = draft.firm_id.and_then(|id| b.firms.iter().find(|f| f.id == id)) {
                (schedule_form(actor, lang, firm.id, &firm.firm.name, draft, problems))
            }
        }
        section aria-labelledby="firms-title" {
            h2 #firms-title { (lang.pick("센터 배정 기업", "Firms assigned to the centre")) }
            p #firm-count {
                (lang.pick("배정 기업 수: ", "Firms assigned: ")) (b.firm_count)
                @if b.firm_count > b.firms.len() as u64 {
                    (lang.pick(" (처음 ", " (the first ")) (b.firms.len()) (lang.pick("곳 표시)", " shown)"))
                }
            }
            @if !b.firms.is_empty() {
                div.table-scroll role="region" aria-labelledby="firms-caption" tabindex="0" {
                    table.data #firms {
                        caption #firms-caption { (lang.pick("기업 번호순", "By registry number")) }
                        (column_heads(lang, &[("기업", "Firm"), ("사업자등록번호", "Business number"), ("규모", "Size"), ("업종", "Industry"), ("AI 훈련", "AI training"), ("방문", "Visit")]))
                        tbody {
                            @for f in &b.firms {
                                tr #(format!("firm-{}", f.id)) {
                                    td { (f.firm.name) }
                                    td { (bizno(&f.firm.business_number)) }
                                    td { (band_label(lang, &f.firm.size_band)) }
                                    td { (f.firm.ksic_section) (f.firm.ksic_division) }
                                    td { @if f.firm.ai_training { (lang.pick("있음", "Yes")) } @else { (lang.pick("없음", "None")) } }
                                    td {
                                        @if doctor {
                                            a href=(format!("{}#schedule", board_link(&format!("firm={}", f.id)))) {
                                                (lang.pick("방문 예약", "Schedule a visit"))
                                                span.visually-hidden { ": " (f.firm.name) }
                                            }
                                        } @else { "—" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn visit_actions(actor: &Actor, lang: Lang, id: i64, firm: &str) -> Markup {
    let csrf = actor.csrf_token().unwrap_or_default();
    let date_id = format!("done-on-{id}");
    html! {
        form.inline-form method="post" action=(format!("/sme/visits/{id}/record")) {
            (hidden(csrf, lang))
            label for=(date_id) { (lang.pick("완료일", "Done on")) span.visually-hidden { " (" (firm) ")" } }
            input id=(date_id) name="done_on" type="date";
            button type="submit" { (lang.pick("완료 기록", "Record as done")) span.visually-hidden { ": " (firm) } }
        }
        form.inline-form method="post" action=(format!("/sme/visits/{id}/cancel")) {
            (hidden(csrf, lang))
            button.secondary type="submit" { (lang.pick("취소", "Cancel")) span.visually-hidden { ": " (firm) } }
        }
    }
}

fn field_error<'a>(problems: &'a [Problem], field: &str) -> Option<&'a Problem> {
    problems.iter().find(|p| p.field == field)
}

fn schedule_form(actor: &Actor, lang: Lang, firm_id: i64, firm: &str, d: &VisitDraft, problems: &[Problem]) -> Markup {
    let day_error = field_error(problems, "scheduled_on");
    let purpose_error = field_error(problems, "purpose");
    let notes_error = field_error(problems, "notes");
    let class = |e: Option<&Problem>| if e.is_some() { "field field--error" } else { "field" };
    html! {
        form.panel #schedule method="post" action=(format!("/sme/firms/{firm_id}/visits")) aria-labelledby="schedule-title" {
            h2 #schedule-title { (lang.pick("방문 예약: ", "Schedule a visit: ")) (firm) }
            (hidden(actor.csrf_token().unwrap_or_default(), lang))
            div class=(class(day_error)) {
                label for="scheduled_on" { (lang.pick("방문일", "Day")) }
                @if let Some(e) = day_error { p.field-error #scheduled_on-error { (e.message) } }
                input #scheduled_on name="scheduled_on" type="date" value=(d.scheduled_on) required
                    aria-invalid=[day_error.map(|_| "true")]
                    aria-describedby=[day_error.map(|_| "scheduled_on-error")];
            }
            div class=(class(purpose_error)) {
                label for="purpose" { (lang.pick("목적", "Purpose")) }
                @if let Some(e) = purpose_error { p.field-error #purpose-error { (e.message) } }
                select #purpose name="purpose" aria-invalid=[purpose_error.map(|_| "true")]
                    aria-describedby=[purpose_error.map(|_| "purpose-error")] {
                    @for p in aiup_store::VISIT_PURPOSES {
                        option value=(p) selected[d.purpose == p] { (lang.pick(purpose_label(p).0, purpose_label(p).1)) }
                    }
                }
            }
            div class=(class(notes_error)) {
                label for="notes" { (lang.pick("메모 (선택)", "Notes (optional)")) }
                p.hint #notes-hint { (lang.pick("개인정보는 적지 마십시오. 500자 이내.", "No personal data. At most 500 characters.")) }
                @if let Some(e) = notes_error { p.field-error #notes-error { (e.message) } }
                textarea #notes name="notes" rows="3" maxlength="500"
                    aria-invalid=[notes_error.map(|_| "true")]
                    aria-describedby=(if notes_error.is_some() { "notes-hint notes-error" } else { "notes-hint" }) { (d.notes) }
            }
            div.actions { button #schedule-visit type="submit" { (lang.pick("방문 예약하기", "Schedule the visit")) } }
        }
    }
}

#[derive(Debug, Deserialize)]
struct ScheduleForm {
    lang: Option<String>,
    #[serde(default)]
    scheduled_on: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    notes: String,
}

async fn schedule(
    Allowed(actor, ..): Allowed<perm::VisitFirms>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ScheduleForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    let Some(firm_id) = parse_id(&id) else {
        return super::not_found_in(lang);
    };
    let draft = VisitDraft {
        firm_id: Some(firm_id),
        scheduled_on: form.scheduled_on.clone(),
        purpose: form.purpose.clone(),
        notes: form.notes.clone(),
    };
    let day = match aiup_core::date::parse_iso_date(form.scheduled_on.trim()) {
        Ok(day) => day,
        Err(_) => {
            let problem = Problem {
                field: "scheduled_on",
                message: lang
                    .pick(
                        "방문일을 YYYY-MM-DD 형식으로 적어 주십시오.",
                        "Give the day as YYYY-MM-DD.",
                    )
                    .to_owned(),
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return board_page(&state, &actor, lang, None, None, draft, vec![problem], status).await;
        }
    };
    let input = ScheduleVisit {
        firm_id,
        scheduled_on: day,
        purpose: form.purpose.trim().to_owned(),
        notes: form.notes,
    };
    match visits::schedule(&state.app, &actor, &input).await {
        Ok(_) => see_other(&href(&format!("{BOARD}?done=scheduled"), lang)),
        Err(e) if e.code == Code::NotFound => super::not_found_in(lang),
        Err(e) => {
            let problem = problem_of(lang, &e, &["scheduled_on", "purpose", "notes"], "schedule-title");
            board_page(&state, &actor, lang, None, None, draft, vec![problem], status_of(&e)).await
        }
    }
}

#[derive(Debug, Deserialize)]
struct CloseForm {
    lang: Option<String>,
    #[serde(default)]
    done_on: String,
    #[serde(default)]
    notes: String,
}

/// Record or cancel, by the last segment of the path (each its own row in `ROUTES`).
async fn close(
    Allowed(actor, ..): Allowed<perm::VisitFirms>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: axum::http::Uri,
    CsrfForm(form): CsrfForm<CloseForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    let Some(visit) = parse_id(&id) else {
        return super::not_found_in(lang);
    };
    let notes = Some(form.notes.as_str());
    let (done, result) = match uri.path().rsplit('/').next() {
        Some("record") => {
            let day = match form.done_on.trim() {
                "" => Ok(None),
                text => aiup_core::date::parse_iso_date(text).map(Some).map_err(|_| {
                    AppError::bilingual(
                        Code::InvalidField,
                        Some("done_on"),
                        aiup_core::policy::Text {
                            ko: "완료일을 YYYY-MM-DD 형식으로 적어 주십시오.".to_owned(),
                            en: "Give the day as YYYY-MM-DD.".to_owned(),
                        },
                    )
                }),
            };
            let result = match day {
                Ok(day) => visits::record(&state.app, &actor, visit, day, notes).await,
                Err(e) => Err(e),
            };
            ("recorded", result)
        }
        Some("cancel") => ("cancelled", visits::cancel(&state.app, &actor, visit, notes).await),
        _ => return super::not_found_in(lang),
    };
    match result {
        Ok(_) => see_other(&href(&format!("{BOARD}?done={done}"), lang)),
        Err(e) if e.code == Code::NotFound => super::not_found_in(lang),
        Err(e) => {
            let problem = problem_of(lang, &e, &[], "visits-title");
            board_page(
                &state,
                &actor,
                lang,
                None,
                None,
                VisitDraft::default(),
                vec![problem],
                status_of(&e),
            )
            .await
        }
    }
}
