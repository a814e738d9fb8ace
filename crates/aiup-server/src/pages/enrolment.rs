//! The trainee's applications: apply (from a course page), the list with each application's
//! status and amounts (the card's hold and the self-payment), and withdrawal with its
//! consequence stated before the button.

use super::accounts::account_menu;
use super::view::{page_in, Section};
use super::widgets::{error_summary, hidden, href, parse_id, private_page, see_other, LangForm, Problem};
use crate::access::{perm, Allowed, CsrfForm};
use crate::i18n::Lang;
use crate::AppState;
use aiup_app::accounts::Actor;
use aiup_app::enrolment::{Enrolment, EnrolmentStatus};
use aiup_app::AppError;
use aiup_core::money::Won;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::NaiveDate;
use maud::{html, Markup};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me/applications", get(my_applications).post(apply))
        .route("/me/applications/{id}/withdraw", post(withdraw))
}

/// An enrolment's status as a badge, in the page's language.
pub(super) fn status_badge(lang: Lang, status: EnrolmentStatus) -> Markup {
    // The course page's badge colours; the status is always in the text.
    let tone = match status {
        EnrolmentStatus::Accepted
        | EnrolmentStatus::InTraining
        | EnrolmentStatus::Completed
        | EnrolmentStatus::EarlyCompletionEmployment => "badge badge--open",
        EnrolmentStatus::Applied => "badge badge--closing_soon",
        EnrolmentStatus::Waiting => "badge badge--waiting_list",
        EnrolmentStatus::Refused
        | EnrolmentStatus::DroppedOut
        | EnrolmentStatus::Removed
        | EnrolmentStatus::NotCompleted => "badge badge--full",
        EnrolmentStatus::Withdrawn | EnrolmentStatus::Cancelled => "badge badge--closed",
    };
    html! { span class=(tone) { (lang.pick(status.label_ko(), status.label_en())) } }
}

/// The reason given for the last decision, where the status ended the enrolment.
pub(super) fn shown_reason(e: &Enrolment) -> Option<&str> {
    let ended = matches!(
        e.status,
        EnrolmentStatus::Refused | EnrolmentStatus::Cancelled | EnrolmentStatus::Removed | EnrolmentStatus::DroppedOut
    );
    e.record.reason.as_deref().filter(|_| ended)
}

/// The course title (linked), or its id when the catalogue no longer has it.
pub(super) fn course_cell(lang: Lang, e: &Enrolment) -> Markup {
    let path = format!("/courses/{}", super::encode_component(&e.record.course_id));
    html! {
        a href=(href(&path, lang)) {
            @match &e.course_title { Some(t) => { (super::widgets::as_written(lang, t)) } None => { (e.record.course_id) } }
        }
    }
}

/// The cohort's dates.
pub(super) fn dates(e: &Enrolment) -> String {
    format!("{} ~ {}", e.record.cohort_start, e.record.cohort_end)
}

/// The programme's name in the page's language, or its id.
pub(super) fn programme_name(lang: Lang, e: &Enrolment) -> String {
    e.programme_name
        .as_ref()
        .map_or_else(|| e.record.programme.clone(), |t| lang.pick(&t.ko, &t.en).to_owned())
}

/// What the card holds and what the trainee pays, once accepted.
pub(super) fn amounts(lang: Lang, e: &Enrolment) -> Markup {
    let fixed = e.record.card_hold_won > 0 || e.record.self_payment_won > 0;
    // Held at acceptance; charged once training starts.
    let card = if e.status == EnrolmentStatus::Accepted {
        lang.pick("카드 보류 ", "Card hold ")
    } else {
        lang.pick("카드 ", "Card ")
    };
    html! {
        @if fixed {
            span { (card) (Won(e.record.card_hold_won)) }
            br;
            span { (lang.pick("자부담 ", "You pay ")) (Won(e.record.self_payment_won)) }
        } @else {
            span { (lang.pick("선발 때 정해집니다", "Set at acceptance")) }
        }
    }
}

/// The problem an error from the service makes on the page.
pub(super) fn problem(lang: Lang, e: &AppError) -> Problem {
    Problem {
        field: "applications",
        message: e.message_in(lang == Lang::Ko).to_owned(),
    }
}

/// The status code an error from the service is shown with.
pub(super) fn status_of(e: &AppError) -> StatusCode {
    StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY)
}

/// What withdrawing does, said before the button; `last_free_day` ends the free period.
fn withdraw_consequence(lang: Lang, e: &Enrolment, last_free_day: NaiveDate) -> String {
    match e.status {
        EnrolmentStatus::InTraining if e.record.card_hold_won > 0 => match lang {
            Lang::Ko => format!(
                "{last_free_day}까지는 무료로 철회할 수 있습니다. 철회하면 자리를 잃고, 카드에서 차감된 {}은 \
                 모두 환급됩니다. 되돌릴 수 없습니다.",
                Won(e.record.card_hold_won)
            ),
            Lang::En => format!(
                "You may withdraw free until {last_free_day}. You lose your seat; the {} charged to your card is \
                 refunded in full. This cannot be undone.",
                Won(e.record.card_hold_won)
            ),
        },
        EnrolmentStatus::InTraining => match lang {
            Lang::Ko => format!(
                "{last_free_day}까지는 무료로 철회할 수 있습니다. 철회하면 자리를 잃습니다. 되돌릴 수 없습니다."
            ),
            Lang::En => {
                format!("You may withdraw free until {last_free_day}. You lose your seat. This cannot be undone.")
            }
        },
        EnrolmentStatus::Accepted if e.record.card_hold_won > 0 => match lang {
            Lang::Ko => format!(
                "철회하면 자리를 잃고, 카드에 잡힌 {}은 모두 돌려받습니다. 되돌릴 수 없습니다.",
                Won(e.record.card_hold_won)
            ),
            Lang::En => format!(
                "You lose your seat; the {} held on your card comes back in full. This cannot be undone.",
                Won(e.record.card_hold_won)
            ),
        },
        EnrolmentStatus::Accepted => lang
            .pick(
                "철회하면 자리를 잃습니다. 되돌릴 수 없습니다.",
                "You lose your seat. This cannot be undone.",
            )
            .to_owned(),
        _ => lang
            .pick(
                "철회하면 신청이 취소됩니다. 비용은 없습니다.",
                "Your application ends. It costs nothing.",
            )
            .to_owned(),
    }
}

/// Whether the trainee may withdraw on `today`: before a seat, any time; with a seat (accepted
/// or in training), up to the last free day.
fn can_withdraw(status: EnrolmentStatus, today: NaiveDate, last_free_day: NaiveDate) -> bool {
    match status {
        EnrolmentStatus::Applied | EnrolmentStatus::Waiting => true,
        EnrolmentStatus::Accepted | EnrolmentStatus::InTraining => today <= last_free_day,
        _ => false,
    }
}

async fn applications_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    notice: Option<&str>,
    problems: Vec<Problem>,
    status: StatusCode,
) -> Response {
    let mine = match state.app.my_enrolments(actor).await {
        Ok(list) => list,
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    let csrf = actor.csrf_token().unwrap_or_default();
    let today = state.app.today();
    let title = lang.pick("나의 수강 신청", "My applications");
    let body = html! {
        h1 #page-title { (title) }
        (super::view::learning_nav(lang, "/me/applications"))
        @if let Some(notice) = notice { div.notice role="status" #applications-notice { (notice) } }
        (error_summary(lang, &problems))
        @if mine.is_empty() {
            p #applications { (lang.pick("아직 신청한 과정이 없습니다. ", "You have not applied to a course yet. "))
                a href=(href("/courses", lang)) { (lang.pick("과정 찾기", "Find a course")) } }
        } @else {
            div #applications {
                p { (title) " (" (mine.len()) ")" }
                @for e in &mine {
                    article.panel #(format!("application-{}", e.id())) aria-labelledby=(format!("application-{}-title", e.id())) {
                        h2 id=(format!("application-{}-title", e.id())) { (course_cell(lang, e)) }
                        dl.facts {
                            dt { (lang.pick("상태", "Status")) }
                            dd { (status_badge(lang, e.status))
                                @if let Some(reason) = shown_reason(e) {
                                    " " (lang.pick("사유: ", "Reason: ")) (reason)
                                }
                            }
                            dt { (lang.pick("기간", "Dates")) } dd { (dates(e)) }
                            dt { (lang.pick("사업", "Programme")) } dd { (programme_name(lang, e)) }
                            dt { (lang.pick("금액", "Amounts")) } dd { (amounts(lang, e)) }
                        }
                        @let last_free_day = state.app.last_free_day(&e.record);
                        @if can_withdraw(e.status, today, last_free_day) {
                            @let hint_id = format!("withdraw-hint-{}", e.id());
                            form method="post" action=(format!("/me/applications/{}/withdraw", e.id())) {
                                (hidden(csrf, lang))
                                p.hint id=(hint_id) { (withdraw_consequence(lang, e, last_free_day)) }
                                button.secondary type="submit" aria-describedby=(hint_id) {
                                    (lang.pick("신청 철회", "Withdraw"))
                                }
                            }
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
            account_menu(lang, actor, Some(&href("/me/applications", lang.other()))),
            body,
        ),
    )
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    lang: Option<String>,
    done: Option<String>,
}

async fn my_applications(
    Allowed(actor, ..): Allowed<perm::OwnLearning>,
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let notice = match q.done.as_deref() {
        Some("applied") => Some(lang.pick(
            "신청했습니다. 훈련기관이 선발하면 이 목록에서 결과를 볼 수 있습니다.",
            "You have applied. When the institution decides, you will see it here.",
        )),
        Some("withdrawn") => Some(lang.pick("신청을 철회했습니다.", "Your application is withdrawn.")),
        _ => None,
    };
    applications_page(&state, &actor, lang, notice, vec![], StatusCode::OK).await
}

#[derive(Debug, Deserialize)]
struct ApplyForm {
    #[serde(default)]
    course: String,
    #[serde(default)]
    cohort: String,
    #[serde(default)]
    programme: String,
    lang: Option<String>,
}

async fn apply(
    Allowed(actor, ..): Allowed<perm::OwnLearning>,
    State(state): State<AppState>,
    CsrfForm(form): CsrfForm<ApplyForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    let Ok(ordinal) = form.cohort.trim().parse::<i64>() else {
        let e = AppError::bilingual(
            aiup_app::Code::InvalidField,
            Some("cohort"),
            aiup_core::policy::Text {
                ko: "기수를 골라 주세요.".to_owned(),
                en: "choose a cohort".to_owned(),
            },
        );
        return applications_page(&state, &actor, lang, None, vec![problem(lang, &e)], status_of(&e)).await;
    };
    match state
        .app
        .apply(&actor, form.course.trim(), ordinal, form.programme.trim())
        .await
    {
        Ok(_) => see_other(&href("/me/applications?done=applied", lang)),
        Err(e) => applications_page(&state, &actor, lang, None, vec![problem(lang, &e)], status_of(&e)).await,
    }
}

async fn withdraw(
    Allowed(actor, ..): Allowed<perm::OwnLearning>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<LangForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    let Some(id) = parse_id(&id) else {
        return super::not_found_in(lang);
    };
    match state.app.withdraw(&actor, id).await {
        Ok(_) => see_other(&href("/me/applications?done=withdrawn", lang)),
        Err(e) if e.code == aiup_app::Code::NotFound => super::not_found_in(lang),
        Err(e) => applications_page(&state, &actor, lang, None, vec![problem(lang, &e)], status_of(&e)).await,
    }
}
