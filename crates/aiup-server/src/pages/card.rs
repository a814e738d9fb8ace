//! `/me/card`: the trainee's 국민내일배움카드 account statement. Balance and validity, then
//! every entry with its date, kind, amount, the balance after it, the rule it follows with
//! that rule's public citation, and the enrolment it belongs to. A form (no script) opens the
//! card, grants the one-off extra when it is due, or renews a lapsed card.

use super::results::citation;
use super::view::{page_in, Section};
use super::widgets::{hidden, href, private_page, see_other, LangForm};
use crate::access::{perm, Allowed, CsrfForm};
use crate::i18n::Lang;
use crate::AppState;
use aiup_app::card::{CardStatement, StatementLine};
use aiup_app::{AppError, Code};
use aiup_core::Won;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use maud::{html, Markup};
use serde::Deserialize;

const PATH: &str = "/me/card";

pub fn routes() -> Router<AppState> {
    Router::new().route("/me/card", get(statement).post(open_or_update))
}

#[derive(Debug, Deserialize)]
struct CardQuery {
    lang: Option<String>,
    done: Option<String>,
}

async fn statement(
    Allowed(actor, ..): Allowed<perm::OwnLearning>,
    State(state): State<AppState>,
    Query(query): Query<CardQuery>,
) -> Response {
    let lang = Lang::parse(query.lang.as_deref());
    let notice = (query.done.as_deref() == Some("updated")).then(|| {
        lang.pick(
            "카드 계좌를 최신 상태로 맞췄습니다.",
            "Your card account is up to date.",
        )
    });
    match state.app.my_card(&actor).await {
        Ok(card) => render(&actor, lang, card.as_ref(), notice, StatusCode::OK),
        Err(e) => error_page(&actor, lang, &e),
    }
}

async fn open_or_update(
    Allowed(actor, ..): Allowed<perm::OwnLearning>,
    State(state): State<AppState>,
    CsrfForm(form): CsrfForm<LangForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    match state.app.open_my_card(&actor).await {
        Ok(_) => see_other(&href(&format!("{PATH}?done=updated"), lang)),
        Err(e) => error_page(&actor, lang, &e),
    }
}

/// A service error on this page: the missing profile gets a way forward; anything else its
/// status and message.
fn error_page(actor: &aiup_app::accounts::Actor, lang: Lang, e: &AppError) -> Response {
    if e.code != Code::ProfileRequired {
        return crate::error::ApiError(e.clone()).into_response();
    }
    let message = match lang {
        Lang::Ko => e.message_ko.clone().unwrap_or_else(|| e.message.clone()),
        Lang::En => e.message.clone(),
    };
    let body = html! {
        h1 #page-title { (lang.pick("내 내일배움카드", "My learning card")) }
        p.notice role="status" { (message) }
        p { a href=(href("/me/profile", lang)) { (lang.pick("나의 프로필 입력하기", "Fill in my profile")) } }
    };
    frame(actor, lang, body, StatusCode::CONFLICT)
}

fn frame(actor: &aiup_app::accounts::Actor, lang: Lang, body: Markup, status: StatusCode) -> Response {
    private_page(
        status,
        page_in(
            Section::Account,
            lang,
            &format!("{} — AI+역량 Up", lang.pick("내 내일배움카드", "My learning card")),
            super::accounts::account_menu(lang, actor, Some(&href(PATH, lang.other()))),
            body,
        ),
    )
}

fn won(amount: i64) -> String {
    Won(amount).to_string()
}

/// A signed amount: "+₩3,000,000", "−₩440,000", "₩0".
fn signed(amount: i64) -> String {
    match amount {
        0 => won(0),
        a if a > 0 => format!("+{}", won(a)),
        a => format!("−{}", won(-a)),
    }
}

fn render(
    actor: &aiup_app::accounts::Actor,
    lang: Lang,
    card: Option<&CardStatement>,
    notice: Option<&str>,
    status: StatusCode,
) -> Response {
    let csrf = actor.csrf_token().unwrap_or_default();
    let body = html! {
        h1 #page-title { (lang.pick("내 내일배움카드", "My learning card")) }
        (super::view::learning_nav(lang, PATH))
        @if let Some(notice) = notice { p.notice role="status" { (notice) } }
        @match card {
            None => {
                section aria-labelledby="open-title" {
                    h2 #open-title { (lang.pick("카드 계좌가 아직 없습니다", "You have no card account yet")) }
                    p { (lang.pick(
                        "국민내일배움카드 계좌를 열면 5년 동안 훈련비 지원 한도가 생깁니다. 대상 계층이면 1회 추가 한도도 함께 받습니다.",
                        "Opening a 국민내일배움카드 account gives you a training allowance for 5 years; listed groups also get a one-off extra.",
                    )) }
                    (action_form(csrf, lang, lang.pick("카드 계좌 열기", "Open my card account")))
                }
            }
            Some(card) => { (account(csrf, lang, card)) (entries(lang, &card.lines)) }
        }
    };
    frame(actor, lang, body, status)
}

fn action_form(csrf: &str, lang: Lang, label: &str) -> Markup {
    html! {
        form method="post" action=(PATH) {
            (hidden(csrf, lang))
            div.actions { button type="submit" { (label) } }
        }
    }
}

fn account(csrf: &str, lang: Lang, card: &CardStatement) -> Markup {
    let a = &card.account;
    let state = if a.expired {
        lang.pick("만료됨", "Expired")
    } else if card.lapsed {
        lang.pick("유효기간 지남", "Past its last day")
    } else {
        lang.pick("사용 중", "In use")
    };
    html! {
        section aria-labelledby="account-title" {
            h2 #account-title { (lang.pick("계좌", "Account")) }
            dl.facts {
                dt { (lang.pick("잔액", "Balance")) } dd { strong { (won(a.balance_won)) } }
                dt { (lang.pick("유효기간", "Valid")) }
                dd { (a.issued_on) " – " (a.expires_on) }
                dt { (lang.pick("상태", "State")) } dd { (state) }
                dt { (lang.pick("1회 추가 한도", "One-off extra")) }
                dd { (if a.extra_granted { lang.pick("받음", "Granted") } else { lang.pick("받지 않음", "Not granted") }) }
            }
            @if card.lapsed {
                p { (lang.pick(
                    "유효기간이 지나 남은 잔액은 소멸합니다. 새 카드 계좌를 열 수 있습니다.",
                    "The card is past its last day, so what is left lapses. You can open a new card account.",
                )) }
                (action_form(csrf, lang, lang.pick("잔액 소멸을 기록하고 새 계좌 열기", "Record the lapse and open a new account")))
            } @else if card.extra_due {
                p { (lang.pick(
                    "프로필의 대상 계층에 따라 1회 추가 한도를 받을 수 있습니다.",
                    "Your profile's groups qualify for the one-off extra.",
                )) }
                (action_form(csrf, lang, lang.pick("추가 한도 받기", "Add the one-off extra")))
            }
        }
    }
}

fn entries(lang: Lang, lines: &[StatementLine]) -> Markup {
    let heads = [
        lang.pick("날짜", "Date"),
        lang.pick("내용", "Entry"),
        lang.pick("금액", "Amount"),
        lang.pick("잔액", "Balance"),
        lang.pick("근거", "Rule"),
        lang.pick("수강 신청", "Enrolment"),
    ];
    html! {
        section aria-labelledby="entries-title" {
            h2 #entries-title { (lang.pick("거래 내역", "Statement")) }
            p.hint { (lang.pick(
                "모든 내역은 고쳐지거나 지워지지 않습니다. 잔액은 내역의 합입니다.",
                "Entries are never changed or removed; the balance is their sum.",
            )) }
            // On phones each entry becomes a block of labelled lines (`table.stack`).
            div.table-scroll role="region" aria-labelledby="entries-caption" tabindex="0" {
                table #entries.data.stack {
                    caption #entries-caption.visually-hidden { (lang.pick("카드 거래 내역, 오래된 것부터", "Card entries, oldest first")) }
                    thead { tr {
                        @for (i, head) in heads.iter().enumerate() {
                            th scope="col" class=[(matches!(i, 2 | 3)).then_some("num")] { (head) }
                        }
                    } }
                    tbody {
                        @for line in lines {
                            @let e = &line.entry;
                            tr #(format!("entry-{}", e.seq)) {
                                th scope="row" data-label=(heads[0]) { (e.on_date) }
                                td data-label=(heads[1]) { (lang.pick(line.kind.label_ko(), line.kind.label_en())) }
                                td.num data-label=(heads[2]) { (signed(e.amount_won)) }
                                td.num data-label=(heads[3]) { (won(e.balance_after_won)) }
                                td.prose data-label=(heads[4]) {
                                    span {
                                        @match &line.rule.description {
                                            Some(d) => { (lang.pick(&d.ko, &d.en)) }
                                            None => { code { (line.rule.id) } }
                                        }
                                        @if let Some(cite) = &line.rule.cite { " " (citation(lang, cite)) }
                                    }
                                }
                                td data-label=(heads[5]) {
                                    @match e.enrolment_id {
                                        Some(id) => { (lang.pick("신청", "Enrolment")) " #" (id) }
                                        None => { span aria-hidden="true" { "—" } span.visually-hidden { (lang.pick("없음", "None")) } }
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
