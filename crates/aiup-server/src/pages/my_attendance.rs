//! `/me/attendance`: the trainee checks in and out with the classroom's code, and sees every
//! training day so far by unit period: the day's mark and times, a day with no exit record
//! flagged "퇴실 미기록" (never shown as absent), and each period's counts as the allowance
//! rules count them (the same figures as the statement).

use super::accounts::account_menu;
use super::attendance::mark_label;
use super::checkin::check_form;
use super::enrolment::{course_cell, dates};
use super::view::{page_in, Section};
use super::widgets::{error_summary, href, private_page, see_other, Problem};
use crate::access::{perm, Allowed, CsrfForm};
use crate::i18n::Lang;
use crate::AppState;
use aiup_app::accounts::Actor;
use aiup_app::attendance::{format_minute, DayLine, Direction, EnrolmentAttendance};
use aiup_app::statement::Statement;
use aiup_app::{AppError, Code};
use aiup_rules::attendance::{Day, DayStatus};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use maud::{html, Markup};
use serde::Deserialize;

const PATH: &str = "/me/attendance";

pub fn routes() -> Router<AppState> {
    Router::new().route("/me/attendance", get(page).post(check))
}

#[derive(Debug, Deserialize)]
struct PageQuery {
    lang: Option<String>,
    done: Option<String>,
}

#[derive(Debug, Deserialize)]
struct CheckForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    direction: String,
    lang: Option<String>,
}

/// A day's mark as the trainee reads it; an incomplete day says so.
fn mark_cell(lang: Lang, day: Option<&Day>) -> Markup {
    match day {
        None => html! { span.hint { (lang.pick("기록 없음", "Not recorded")) } },
        Some(d) if d.status == DayStatus::Incomplete => html! {
            span.mark--incomplete { (lang.pick("퇴실 미기록", "No exit record")) }
        },
        Some(d) => {
            html! {
                (mark_label(lang, d))
                @if let Some(kind) = d.excuse { " · " (lang.pick(kind.label().0, kind.label().1)) }
                @if d.by_code { span.hint { (lang.pick(" (코드)", " (code)")) } }
            }
        }
    }
}

fn times(day: Option<&Day>) -> String {
    let Some(d) = day else { return String::new() };
    match (d.check_in, d.check_out) {
        (Some(i), Some(o)) => format!("{} – {}", format_minute(i), format_minute(o)),
        (Some(i), None) => format!("{} –", format_minute(i)),
        (None, Some(o)) => format!("– {}", format_minute(o)),
        (None, None) => String::new(),
    }
}

fn days_table(lang: Lang, caption_id: &str, caption: &str, days: &[&DayLine]) -> Markup {
    let heads = [
        lang.pick("날짜", "Date"),
        lang.pick("출결", "Mark"),
        lang.pick("입실–퇴실", "In – out"),
    ];
    html! {
        div.table-scroll role="region" aria-labelledby=(caption_id) tabindex="0" {
            table.data.stack.day-list {
                caption #(caption_id) { (caption) }
                thead { tr { @for h in heads { th scope="col" { (h) } } } }
                tbody {
                    @for line in days {
                        tr #(format!("day-{}", line.date)) {
                            th scope="row" data-label=(heads[0]) { (line.date) }
                            td data-label=(heads[1]) { (mark_cell(lang, line.record.as_ref())) }
                            td data-label=(heads[2]) { (times(line.record.as_ref())) }
                        }
                    }
                }
            }
        }
    }
}

/// One enrolment's days, by the unit periods of its statement where there is one.
fn enrolment_days(lang: Lang, a: &EnrolmentAttendance, statement: Option<&Statement>) -> Markup {
    let e = &a.enrolment;
    let id = e.id();
    let t = &a.tally;
    let periods = statement.map(|s| s.periods.as_slice()).unwrap_or_default();
    let outside: Vec<&DayLine> = a
        .days
        .iter()
        .filter(|d| {
            !periods
                .iter()
                .any(|p| (p.figures.start..=p.figures.end).contains(&d.date))
        })
        .collect();
    html! {
        section.attendance #(format!("attendance-{id}")) aria-labelledby=(format!("attendance-{id}-title")) {
            h2 #(format!("attendance-{id}-title")) { (course_cell(lang, e)) }
            p.hint { (dates(e)) }
            dl.facts #(format!("tally-{id}")) {
                dt { (lang.pick("지난 훈련일", "Training days so far")) } dd { (t.training_days) }
                dt { (lang.pick("출석", "Present")) } dd { (t.attended) }
                dt { (lang.pick("결석", "Absent")) } dd { (t.absent) }
                dt { (lang.pick("공가", "Excused")) } dd { (t.excused) }
                dt { (lang.pick("지각·조퇴·외출", "Late, early, out")) } dd { (t.tardies) " " span.hint { (lang.pick("(3회 = 결석 1일)", "(three make an absence)")) } }
                @if t.incomplete > 0 {
                    dt { (lang.pick("퇴실 미기록", "No exit record")) } dd.mark--incomplete { (t.incomplete) (lang.pick("일 — 훈련기관에 정정을 요청하세요", " days — ask the institution to correct them")) }
                }
            }
            @for p in periods {
                @let f = &p.figures;
                @let in_period: Vec<&DayLine> = a.days.iter().filter(|d| (f.start..=f.end).contains(&d.date)).collect();
                @if !in_period.is_empty() {
                    @let caption_id = format!("period-{id}-{}", f.index);
                    h3 { (lang.pick("단위기간 ", "Unit period ")) (f.index) "/" (f.of) " · " (f.start) " ~ " (f.end) }
                    p.period-counts #(format!("{caption_id}-counts")) {
                        (lang.pick("출석 인정 ", "Days counted ")) strong { (f.recognised_days()) } " / " (f.scheduled_days())
                        " · " (lang.pick("결석 ", "absences ")) (f.count.absences)
                        " · " (lang.pick("지각·조퇴·외출 ", "late, early or out ")) (f.count.tardies_in_period)
                        @if f.count.tardies_carried_in > 0 { " (" (lang.pick("이전 기간에서 넘어온 ", "carried in ")) (f.count.tardies_carried_in) ")" }
                        @if f.count.incomplete_days > 0 { " · " span.mark--incomplete { (lang.pick("퇴실 미기록 ", "no exit record ")) (f.count.incomplete_days) } }
                    }
                    (days_table(lang, &caption_id, &format!("{} {}", lang.pick("단위기간", "Unit period"), f.index), &in_period))
                }
            }
            @if !outside.is_empty() {
                (days_table(lang, &format!("days-{id}"), lang.pick("훈련일", "Training days"), &outside))
            }
            @if a.days.is_empty() { p { (lang.pick("아직 지난 훈련일이 없습니다.", "No training day has passed yet.")) } }
        }
    }
}

async fn render(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    code: &str,
    notice: Option<String>,
    problems: Vec<Problem>,
    status: StatusCode,
) -> Response {
    let attendance = match state.app.my_attendance(actor).await {
        Ok(a) => a,
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    // The periods and their counts come from the allowance computation; without them the days
    // are shown in one list.
    let statements = state.app.my_statements(actor).await.unwrap_or_default();
    let title = lang.pick("나의 출결", "My attendance");
    let body = html! {
        h1 #page-title { (title) }
        (super::view::learning_nav(lang, PATH))
        @if let Some(notice) = &notice { p.notice role="status" #checkin-notice { (notice) } }
        (error_summary(lang, &problems))
        section aria-labelledby="check-title" {
            h2 #check-title { (lang.pick("입실·퇴실", "Check in or out")) }
            (check_form(lang, actor.csrf_token().unwrap_or_default(), code, &problems))
        }
        @if attendance.is_empty() {
            p #attendance { (lang.pick("훈련 중인 과정이 없습니다.", "You have no course in training.")) }
        }
        @for a in &attendance {
            (enrolment_days(lang, a, statements.iter().find(|s| s.enrolment.id() == a.enrolment.id())))
        }
    };
    private_page(
        status,
        page_in(
            Section::Account,
            lang,
            &format!("{title} — AI+역량 Up"),
            account_menu(lang, actor, Some(&href(PATH, lang.other()))),
            body,
        ),
    )
}

async fn page(
    Allowed(actor, ..): Allowed<perm::OwnLearning>,
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let notice = q.done.as_deref().and_then(|done| match done {
        "in" => Some(lang.pick("입실을 기록했습니다.", "Checked in.").to_owned()),
        "out" => Some(lang.pick("퇴실을 기록했습니다.", "Checked out.").to_owned()),
        _ => None,
    });
    render(&state, &actor, lang, "", notice, vec![], StatusCode::OK).await
}

fn code_problem(lang: Lang, e: &AppError) -> Problem {
    Problem {
        field: "code",
        message: e.message_in(lang == Lang::Ko).to_owned(),
    }
}

async fn check(
    Allowed(actor, ..): Allowed<perm::OwnLearning>,
    State(state): State<AppState>,
    CsrfForm(form): CsrfForm<CheckForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    let code: String = form.code.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(direction) = Direction::parse(form.direction.trim()) else {
        let e = AppError::bilingual(
            Code::InvalidField,
            Some("direction"),
            aiup_core::policy::Text {
                ko: "입실 또는 퇴실을 누르세요.".to_owned(),
                en: "choose check in or check out".to_owned(),
            },
        );
        return render(
            &state,
            &actor,
            lang,
            &code,
            None,
            vec![code_problem(lang, &e)],
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    match state.app.check_in(&actor, &code, direction).await {
        Ok(done) => see_other(&href(&format!("{PATH}?done={}", done.direction.as_str()), lang)),
        Err(e) => {
            let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            render(&state, &actor, lang, &code, None, vec![code_problem(lang, &e)], status).await
        }
    }
}
