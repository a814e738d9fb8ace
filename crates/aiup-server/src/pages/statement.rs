//! `/me/statements`: the trainee's training-allowance statements. For each enrolment, each unit
//! period, paid or not: the days counted, each deduction with its reason, the rule and its
//! public citation, the amount, and what the payroll paid (regular and adjustment lines with
//! their run month).

use super::enrolment::{course_cell, dates, programme_name};
use super::results::citation;
use super::view::{page_in, Section};
use super::widgets::{href, private_page};
use crate::access::{perm, Allowed};
use crate::i18n::Lang;
use crate::AppState;
use aiup_app::accounts::Actor;
use aiup_app::card::RuleRef;
use aiup_app::statement::{PeriodStatement, Statement};
use aiup_core::Won;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use maud::{html, Markup};
use serde::Deserialize;

const PATH: &str = "/me/statements";

pub fn routes() -> Router<AppState> {
    Router::new().route("/me/statements", get(statements))
}

#[derive(Debug, Deserialize)]
struct StatementQuery {
    lang: Option<String>,
}

/// A signed amount: "₩316,000", "−₩31,600".
pub(super) fn signed(amount: i64) -> String {
    if amount < 0 {
        format!("−{}", Won(-amount))
    } else {
        Won(amount).to_string()
    }
}

/// A rule as a statement names it: its description (or id) and its public citation.
pub(super) fn rule_cell(lang: Lang, rule: &RuleRef) -> Markup {
    html! {
        span.rule {
            @match &rule.description {
                Some(d) => { (lang.pick(&d.ko, &d.en)) }
                None => { code { (rule.id) } }
            }
            @if let Some(cite) = &rule.cite { " (" (citation(lang, cite)) ")" }
        }
    }
}

fn period(lang: Lang, enrolment: i64, p: &PeriodStatement) -> Markup {
    let f = &p.figures;
    let id = format!("period-{enrolment}-{}", f.index);
    let state = p.state.label();
    html! {
        section.period #(id) aria-labelledby=(format!("{id}-title")) {
            h3 #(format!("{id}-title")) {
                (lang.pick("단위기간 ", "Unit period ")) (f.index) "/" (f.of) " · " (f.start) " ~ " (f.end) " "
                span class=(format!("badge badge--{}", p.state.as_str())) { (lang.pick(&state.ko, &state.en)) }
            }
            p.period__summary { (lang.pick(&p.summary.ko, &p.summary.en)) }
            dl.facts {
                dt { (lang.pick("훈련일", "Training days")) } dd { (f.scheduled_days()) }
                dt { (lang.pick("출석 인정 일수", "Days counted")) } dd.days-counted { strong { (f.recognised_days()) } " (" (lang.pick("기준 ", "threshold ")) (f.count.threshold_days) ")" }
                dt { (lang.pick("계산된 금액", "Amount computed")) } dd.amount { strong { (signed(f.amount_won)) } }
                dt { (lang.pick("지급된 금액", "Amount paid")) } dd.paid { (signed(p.paid_won)) }
                dt { (lang.pick("근거", "Rule")) } dd { (rule_cell(lang, &p.rule)) }
            }
            @if p.deductions.is_empty() {
                p.hint { (lang.pick("차감된 날이나 금액이 없습니다.", "Nothing was deducted.")) }
            } @else {
                div.table-scroll role="region" aria-labelledby=(format!("{id}-deductions")) tabindex="0" {
                    table.data.stack.deductions-table {
                        caption #(format!("{id}-deductions")) { (lang.pick("차감 내역", "Deductions")) }
                        thead { tr {
                            th scope="col" { (lang.pick("사유", "Reason")) }
                            th.num scope="col" { (lang.pick("일수", "Days")) }
                            th.num scope="col" { (lang.pick("금액", "Amount")) }
                            th scope="col" { (lang.pick("근거", "Rule")) }
                        } }
                        tbody {
                            @for d in &p.deductions {
                                tr.deduction data-kind=(d.kind) {
                                    th.prose scope="row" data-label=(lang.pick("사유", "Reason")) { span { (lang.pick(&d.reason.ko, &d.reason.en)) } }
                                    td.num data-label=(lang.pick("일수", "Days")) { (d.days) }
                                    td.num data-label=(lang.pick("금액", "Amount")) { @if d.amount_won != 0 { (signed(-d.amount_won)) } @else { "—" } }
                                    td.prose data-label=(lang.pick("근거", "Rule")) { (rule_cell(lang, &d.rule)) }
                                }
                            }
                        }
                    }
                }
            }
            @if !p.lines.is_empty() {
                ul.paid-lines {
                    @for l in &p.lines {
                        li {
                            (l.run_month) " " (lang.pick("지급 실행", "payroll run")) " #" (l.run_id) " · "
                            (match l.kind.as_str() { "adjustment" => lang.pick("조정", "adjustment"), _ => lang.pick("정기", "regular") })
                            " · " strong { (signed(l.amount_won)) }
                        }
                    }
                }
            }
        }
    }
}

fn statement(lang: Lang, s: &Statement) -> Markup {
    let e = &s.enrolment;
    let id = e.id();
    html! {
        section.statement #(format!("statement-{id}")) aria-labelledby=(format!("statement-{id}-title")) {
            h2 #(format!("statement-{id}-title")) { (course_cell(lang, e)) }
            p.hint { (programme_name(lang, e)) " · " (dates(e)) " · " (lang.pick("출결 반영일: ", "attendance counted to ")) (s.counted_to) }
            @if s.periods.is_empty() {
                p { (lang.pick("아직 단위기간이 없습니다.", "No unit period yet.")) }
            }
            @for p in &s.periods { (period(lang, id, p)) }
        }
    }
}

async fn statements(
    Allowed(actor, ..): Allowed<perm::OwnLearning>,
    State(state): State<AppState>,
    Query(q): Query<StatementQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let list = match state.app.my_statements(&actor).await {
        Ok(list) => list,
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    render(&actor, lang, &list)
}

fn render(actor: &Actor, lang: Lang, list: &[Statement]) -> Response {
    let title = lang.pick("훈련장려금 내역", "Training allowance statements");
    let body = html! {
        h1 #page-title { (title) }
        (super::view::learning_nav(lang, PATH))
        p.lede { (lang.pick(
            "단위기간마다 출석으로 인정된 날, 차감된 날과 그 사유, 적용한 규칙과 근거, 계산된 금액과 실제 지급 내역을 보여 줍니다. 출결이 정정되면 다음 지급에서 조정 건으로 더하거나 뺍니다.",
            "For each unit period: the days counted, each deduction and why, the rule and its source, the amount computed, and what was paid. A corrected attendance is settled by an adjustment in the next payroll.",
        )) }
        @if list.is_empty() {
            p #statements { (lang.pick("훈련 중인 과정이 없어 훈련장려금 내역이 없습니다.", "You have no course in training, so there is no allowance statement.")) }
        }
        @for s in list { (statement(lang, s)) }
    };
    private_page(
        StatusCode::OK,
        page_in(
            Section::Account,
            lang,
            &format!("{title} — AI+역량 Up"),
            super::accounts::account_menu(lang, actor, Some(&href(PATH, lang.other()))),
            body,
        ),
    )
}
