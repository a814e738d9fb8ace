//! The programme administrator's allowance payroll: the runs (`/admin/payroll`) with a form to
//! run a month, and one run (`/admin/payroll/{id}`): its status and who moved it when, totals by
//! programme, region tier, province and institution, its first lines with their components and
//! a link to each line's trace, and the steps the run allows (approve by a second person, export,
//! cancel). The payment file and the totals download as CSV.

use super::accounts::{account_menu, account_nav};
use super::results::citation;
use super::view::{page_in, Section};
use super::widgets::{column_heads, error_summary, hidden, href, parse_id, private_page, see_other, LangForm, Problem};
use crate::access::{perm, Allowed, CsrfForm};
use crate::i18n::Lang;
use crate::AppState;
use aiup_app::accounts::{Actor, Permission};
use aiup_app::payroll::{PayrollLineRecord, PayrollRunRecord, PayrollTotal, RunView, TotalsBy};
use aiup_app::{AppError, Code};
use aiup_core::{RegionTier, Won};
use aiup_rules::Engine;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::Datelike;
use maud::{html, Markup};
use serde::Deserialize;

const PATH: &str = "/admin/payroll";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/payroll", get(runs).post(run_month))
        .route("/admin/payroll/{id}", get(run_page))
        .route("/admin/payroll/{id}/totals.csv", get(totals_csv))
        .route("/admin/payroll/{id}/payment.csv", get(payment_csv))
        .route("/admin/payroll/{id}/lines/{enrolment}/{period}", get(line_page))
        .route("/admin/payroll/{id}/approve", post(step))
        .route("/admin/payroll/{id}/export", post(step))
        .route("/admin/payroll/{id}/cancel", post(step))
}

#[derive(Debug, Deserialize)]
struct PageQuery {
    lang: Option<String>,
    done: Option<String>,
}

fn run_path(id: i64) -> String {
    format!("{PATH}/{id}")
}

/// A run's status in the reader's language.
fn status_label(lang: Lang, status: &str) -> &'static str {
    match status {
        "draft" => lang.pick("초안 (승인 대기)", "Draft (to approve)"),
        "approved" => lang.pick("승인됨", "Approved"),
        "exported" => lang.pick("지급 파일 생성됨", "Exported"),
        "cancelled" => lang.pick("취소됨", "Cancelled"),
        _ => lang.pick("알 수 없음", "Unknown"),
    }
}

fn status_badge(lang: Lang, status: &str) -> Markup {
    html! { span class=(format!("badge badge--{status}")) { (status_label(lang, status)) } }
}

/// A signed amount: "₩3,000", "−₩440".
fn signed(amount: i64) -> String {
    if amount < 0 {
        format!("−{}", Won(-amount))
    } else {
        Won(amount).to_string()
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

/// A service error as a problem shown at `field`, in the reader's language.
fn problem_at(lang: Lang, field: &'static str, e: &AppError) -> Problem {
    Problem {
        field,
        message: e.message_in(lang == Lang::Ko).to_owned(),
    }
}

fn status_of(e: &AppError) -> StatusCode {
    StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY)
}

// ---------------------------------------------------------------------------------------------
// The runs
// ---------------------------------------------------------------------------------------------

async fn runs_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    month: &str,
    problems: Vec<Problem>,
    status: StatusCode,
) -> Response {
    let runs = match state.app.payroll_runs(actor, None).await {
        Ok(runs) => runs,
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    let title = lang.pick("훈련장려금 지급", "Allowance payroll");
    let month_error = problems.iter().find(|p| p.field == "month");
    let body = html! {
        h1 #page-title { (title) }
        (account_nav(lang, actor, PATH))
        (error_summary(lang, &problems))
        p.lede { (lang.pick(
            "매월 말 단위기간이 끝난 훈련생의 훈련장려금을 규칙에 따라 계산해 지급 초안을 만듭니다. 초안은 실행하지 않은 다른 관리자가 승인한 뒤 지급 파일로 내보냅니다. 같은 달을 다시 실행해도 이미 지급한 기간은 다시 지급하지 않고, 출결이 정정된 기간만 조정 건으로 더하거나 뺍니다.",
            "Each month the allowance of every unit period that closed is computed under the rules into a draft run. Another administrator than the one who ran it approves it, then it is exported as the payment file. Running a month again pays no period twice: only periods whose attendance was corrected get an adjustment line (plus or minus).",
        )) }
        @if actor.allows(Permission::RunPayroll) {
            form.panel #run-form method="post" action=(PATH) {
                (hidden(actor.csrf_token().unwrap_or_default(), lang))
                div class=(if month_error.is_some() { "field field--error" } else { "field" }) {
                    label for="month" { (lang.pick("지급할 달", "Month to pay")) }
                    p.hint #month-hint { (lang.pick("그 달 말일까지 끝난 단위기간을 계산합니다. 형식: YYYY-MM", "Unit periods that ended by the month's last day. Format: YYYY-MM")) }
                    @if let Some(e) = month_error { p.field-error #month-error { (e.message) } }
                    input #month name="month" type="month" value=(month) required
                        aria-describedby=(if month_error.is_some() { "month-hint month-error" } else { "month-hint" })
                        aria-invalid=[month_error.map(|_| "true")];
                }
                div.actions { button #run-month type="submit" { (lang.pick("이 달 지급 계산하기", "Run this month")) } }
            }
        }
        @if runs.is_empty() {
            p #runs { (lang.pick("아직 지급 실행이 없습니다.", "No payroll has been run yet.")) }
        } @else {
            div.table-scroll role="region" aria-labelledby="runs-caption" tabindex="0" {
                table.data #runs {
                    caption #runs-caption { (lang.pick("지급 실행 (최신순)", "Payroll runs, newest first")) }
                    (column_heads(lang, &[("번호", "Run"), ("지급 월", "Month"), ("상태", "Status"), ("건수", "Lines"), ("합계", "Total"), ("실행", "Run by")]))
                    tbody {
                        @for run in &runs {
                            tr #(format!("run-{}", run.id)) {
                                td { a href=(href(&run_path(run.id), lang)) { "#" (run.id) } }
                                td { (run.month) }
                                td { (status_badge(lang, &run.status)) }
                                td.num { (run.lines) }
                                td.num { (signed(run.total_won)) }
                                td { (run.created_by) " · " (super::widgets::seoul_time(run.created_at)) }
                            }
                        }
                    }
                }
            }
        }
    };
    frame(actor, lang, title, PATH, body, status)
}

async fn runs(
    Allowed(actor, ..): Allowed<perm::ReadPayroll>,
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    // The month before today's is the usual one to pay.
    let today = state.today();
    let month = today
        .with_day(1)
        .and_then(|first| first.pred_opt())
        .unwrap_or(today)
        .format("%Y-%m")
        .to_string();
    runs_page(&state, &actor, lang, &month, vec![], StatusCode::OK).await
}

#[derive(Debug, Deserialize)]
struct RunForm {
    #[serde(default)]
    month: String,
    lang: Option<String>,
}

async fn run_month(
    Allowed(actor, ..): Allowed<perm::RunPayroll>,
    State(state): State<AppState>,
    CsrfForm(form): CsrfForm<RunForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    let month = form.month.trim();
    match state.app.run_payroll(&actor, month, &|_, _| {}).await {
        Ok(done) => see_other(&href(&format!("{}?done=run", run_path(done.run.id)), lang)),
        Err(e) => {
            let problem = problem_at(lang, "month", &e);
            runs_page(&state, &actor, lang, month, vec![problem], status_of(&e)).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// One run
// ---------------------------------------------------------------------------------------------

/// The name of a totals key for a reader: a programme's name, a tier's label, a province's name;
/// institutions stay as their ids.
pub(crate) fn key_name(engine: &Engine, lang: Lang, by: TotalsBy, key: &str) -> String {
    let name = match by {
        TotalsBy::Programme => engine.programme_index(key).map(|i| {
            let p = &engine.policy().programmes[i];
            lang.pick(&p.name.ko, &p.name.en).to_owned()
        }),
        TotalsBy::RegionTier => RegionTier::parse(key).map(|t| lang.pick(t.label_ko(), t.label_en()).to_owned()),
        TotalsBy::Province => engine
            .regions()
            .provinces()
            .iter()
            .find(|p| p.code == key)
            .map(|p| lang.pick(&p.name, &p.name_en).to_owned()),
        TotalsBy::Institution => None,
    };
    name.unwrap_or_else(|| key.to_owned())
}

const GROUPINGS: [(TotalsBy, &str, &str, &str); 4] = [
    (TotalsBy::Programme, "programme", "사업별", "By programme"),
    (TotalsBy::RegionTier, "region_tier", "지역 등급별", "By region tier"),
    (TotalsBy::Province, "province", "시도별", "By province"),
    (TotalsBy::Institution, "institution", "훈련기관별", "By institution"),
];

fn totals_table(engine: &Engine, lang: Lang, by: TotalsBy, slug: &str, title: &str, rows: &[PayrollTotal]) -> Markup {
    let caption = format!("totals-{slug}-caption");
    html! {
        div.table-scroll role="region" aria-labelledby=(caption) tabindex="0" {
            table.data #(format!("totals-{slug}")) {
                caption #(caption) { (title) }
                thead { tr {
                    th scope="col" { (lang.pick("구분", "Group")) }
                    th.num scope="col" { (lang.pick("건수", "Lines")) }
                    th.num scope="col" { (lang.pick("금액", "Amount")) }
                } }
                tbody {
                    @for row in rows {
                        tr { th scope="row" { (key_name(engine, lang, by, &row.key)) } td.num { (row.lines) } td.num { (signed(row.amount_won)) } }
                    }
                }
            }
        }
    }
}

fn kind_label(lang: Lang, kind: &str) -> &'static str {
    match kind {
        "regular" => lang.pick("정기", "Regular"),
        "adjustment" => lang.pick("조정", "Adjustment"),
        _ => lang.pick("기타", "Other"),
    }
}

fn lines_table(lang: Lang, run: &PayrollRunRecord, lines: &[PayrollLineRecord]) -> Markup {
    let heads = [
        lang.pick("신청 번호", "Enrolment"),
        lang.pick("단위기간", "Unit period"),
        lang.pick("종류", "Kind"),
        lang.pick("인정 일수", "Days counted"),
        lang.pick("기본", "Base"),
        lang.pick("특별", "Special"),
        lang.pick("식비 차감", "Meal deduction"),
        lang.pick("지급액", "Paid"),
        lang.pick("계산 근거", "Trace"),
    ];
    html! {
        div.table-scroll role="region" aria-labelledby="lines-caption" tabindex="0" {
            table.data.stack #lines {
                caption #lines-caption {
                    (lang.pick("지급 건 (처음 ", "Payment lines (first "))
                    (lines.len()) (lang.pick("건, 전체 ", " of ")) (run.lines) (lang.pick("건)", ")"))
                }
                thead { tr { @for (i, h) in heads.iter().enumerate() { th scope="col" class=[(4..=7).contains(&i).then_some("num")] { (h) } } } }
                tbody {
                    @for l in lines {
                        @let line = &l.line;
                        tr #(format!("line-{}", l.id)) {
                            th scope="row" data-label=(heads[0]) { (line.enrolment_id) }
                            td data-label=(heads[1]) { (line.period_index) " · " (line.period_start) " ~ " (line.period_end) }
                            td data-label=(heads[2]) { (kind_label(lang, &line.kind)) }
                            td data-label=(heads[3]) { (line.recognised_days) " / " (line.scheduled_days) }
                            td.num data-label=(heads[4]) { (signed(line.base_won)) }
                            td.num data-label=(heads[5]) { (signed(line.special_won)) }
                            td.num data-label=(heads[6]) { (signed(-line.meal_deduction_won)) }
                            td.num data-label=(heads[7]) { strong { (signed(line.amount_won)) } }
                            td data-label=(heads[8]) {
                                a href=(href(&format!("{}/lines/{}/{}", run_path(run.id), line.enrolment_id, line.period_index), lang)) {
                                    (lang.pick("근거 보기", "See the trace"))
                                    span.visually-hidden { " " (lang.pick("신청", "enrolment")) " " (line.enrolment_id) ", " (line.period_index) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Who moved the run and when.
fn history(lang: Lang, run: &PayrollRunRecord) -> Markup {
    let steps = [
        (lang.pick("실행", "Run"), Some(&run.created_by), Some(run.created_at)),
        (lang.pick("승인", "Approved"), run.approved_by.as_ref(), run.approved_at),
        (
            lang.pick("지급 파일", "Exported"),
            run.exported_by.as_ref(),
            run.exported_at,
        ),
        (
            lang.pick("취소", "Cancelled"),
            run.cancelled_by.as_ref(),
            run.cancelled_at,
        ),
    ];
    html! {
        dl.facts #run-facts {
            dt { (lang.pick("지급 월", "Month")) } dd { (run.month) }
            dt { (lang.pick("상태", "Status")) } dd #run-status { (status_badge(lang, &run.status)) }
            dt { (lang.pick("건수", "Lines")) } dd { (run.lines) }
            dt { (lang.pick("합계", "Total")) } dd #run-total { strong { (signed(run.total_won)) } }
            dt { (lang.pick("정책 버전", "Policy version")) } dd { code { (run.policy_sha256.chars().take(12).collect::<String>()) } }
            @for (label, who, when) in steps {
                @if let (Some(who), Some(when)) = (who, when) {
                    dt { (label) } dd { (who) " · " (super::widgets::seoul_time(when)) }
                }
            }
        }
    }
}

/// The steps this reader may take on the run, or why not (the service says which).
fn actions(lang: Lang, csrf: &str, view: &RunView) -> Markup {
    let run = &view.run;
    let step = |action: &str, id: &str, label: &str, secondary: bool| {
        html! {
            form method="post" action=(format!("{}/{action}", run_path(run.id))) {
                (hidden(csrf, lang))
                button #(id) class=[secondary.then_some("secondary")] type="submit" { (label) }
            }
        }
    };
    html! {
        section aria-labelledby="steps-title" {
            h2 #steps-title { (lang.pick("처리", "Steps")) }
            div.actions {
                @if view.may_approve { (step("approve", "approve", lang.pick("승인", "Approve"), false)) }
                @if view.may_export && run.status == "approved" {
                    (step("export", "export", lang.pick("지급 파일 만들기", "Export the payment file"), false))
                }
                @if view.may_export && run.status == "exported" {
                    a #payment-file href=(href(&format!("{}/payment.csv", run_path(run.id)), lang)) download {
                        (lang.pick("지급 파일 (CSV) 내려받기", "Download the payment file (CSV)"))
                    }
                }
                @if view.may_cancel { (step("cancel", "cancel", lang.pick("이 실행 취소", "Cancel this run"), true)) }
                a #totals-file href=(href(&format!("{}/totals.csv", run_path(run.id)), lang)) download {
                    (lang.pick("합계 (CSV) 내려받기", "Download the totals (CSV)"))
                }
            }
            // Why approval is not offered, when the run waits for it.
            @if let (Some(why), "draft") = (&view.why_not_approve, run.status.as_str()) {
                p.notice #why-not-approve { (lang.pick(&why.ko, &why.en)) }
            }
        }
    }
}

fn done_notice(lang: Lang, done: &str) -> Option<&'static str> {
    Some(match done {
        "run" => lang.pick(
            "지급 초안을 만들었습니다. 다른 관리자의 승인을 기다립니다.",
            "The draft run is made; another administrator must approve it.",
        ),
        "approved" => lang.pick(
            "승인했습니다. 이제 지급 파일을 만들 수 있습니다.",
            "Approved: the payment file can now be exported.",
        ),
        "exported" => lang.pick(
            "지급 파일을 만들었습니다. 아래에서 내려받으세요.",
            "The payment file is made: download it below.",
        ),
        "cancelled" => lang.pick(
            "이 실행을 취소했습니다. 해당 기간은 다음 실행에서 다시 계산됩니다.",
            "The run is cancelled; its periods are computed again by the next run.",
        ),
        _ => return None,
    })
}

async fn run_detail(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    id: &str,
    notice: Option<&str>,
    problems: Vec<Problem>,
    status: StatusCode,
) -> Response {
    let Some(id) = parse_id(id) else {
        return super::not_found_in(lang);
    };
    let view = match state.app.payroll_run(actor, id).await {
        Ok(view) => view,
        Err(e) if e.code == Code::NotFound => return super::not_found_in(lang),
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    let run = &view.run;
    let engine = state.engine();
    let title = format!(
        "{} {} (#{})",
        lang.pick("훈련장려금 지급", "Allowance payroll"),
        run.month,
        run.id
    );
    let body = html! {
        p { a href=(href(PATH, lang)) { (lang.pick("← 지급 실행 목록", "← Payroll runs")) } }
        h1 #page-title { (title) }
        @if let Some(notice) = notice { p.notice role="status" #run-notice { (notice) } }
        (error_summary(lang, &problems))
        (history(lang, run))
        (actions(lang, actor.csrf_token().unwrap_or_default(), &view))
        section aria-labelledby="totals-title" {
            h2 #totals-title { (lang.pick("합계", "Totals")) }
            div.totals {
                @for (by, slug, ko, en) in GROUPINGS {
                    @let rows = view.totals.iter().find(|(b, _)| *b == by).map(|(_, rows)| rows.as_slice()).unwrap_or_default();
                    (totals_table(&engine, lang, by, slug, lang.pick(ko, en), rows))
                }
            }
        }
        section aria-labelledby="lines-title" {
            h2 #lines-title { (lang.pick("지급 건", "Payment lines")) }
            @if view.lines.is_empty() {
                p { (lang.pick("이 실행에는 지급 건이 없습니다 (새로 끝난 단위기간도, 정정된 기간도 없음).", "This run has no line: no unit period closed and none was corrected.")) }
            } @else {
                (lines_table(lang, run, &view.lines))
            }
        }
    };
    frame(actor, lang, &title, &run_path(id), body, status)
}

async fn run_page(
    Allowed(actor, ..): Allowed<perm::ReadPayroll>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let notice = q.done.as_deref().and_then(|d| done_notice(lang, d));
    run_detail(&state, &actor, lang, &id, notice, vec![], StatusCode::OK).await
}

/// After a step: back to the run with a notice, or the run with the error.
async fn stepped(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    id: &str,
    done: &str,
    result: Result<(), AppError>,
) -> Response {
    match result {
        Ok(()) => see_other(&href(&format!("{PATH}/{id}?done={done}"), lang)),
        Err(e) if e.code == Code::NotFound => super::not_found_in(lang),
        Err(e) => {
            let problem = problem_at(lang, "steps-title", &e);
            run_detail(state, actor, lang, id, None, vec![problem], status_of(&e)).await
        }
    }
}

/// Approve, export or cancel, by the last segment of the path (each its own row in `ROUTES`).
async fn step(
    Allowed(actor, ..): Allowed<perm::RunPayroll>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    uri: axum::http::Uri,
    CsrfForm(form): CsrfForm<LangForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    let Some(run) = parse_id(&id) else {
        return super::not_found_in(lang);
    };
    let app = &state.app;
    let (done, result) = match uri.path().rsplit('/').next() {
        Some("approve") => ("approved", app.approve_payroll(&actor, run).await.map(|_| ())),
        Some("export") => ("exported", app.export_payroll(&actor, run).await.map(|_| ())),
        Some("cancel") => ("cancelled", app.cancel_payroll(&actor, run).await.map(|_| ())),
        _ => return super::not_found_in(lang),
    };
    stepped(&state, &actor, lang, &id, done, result).await
}

fn csv_download(body: String, filename: &str) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// The payment file of an exported run (exporting is a POST: this download changes nothing).
async fn payment_csv(
    Allowed(actor, ..): Allowed<perm::RunPayroll>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let Some(run) = parse_id(&id) else {
        return super::not_found_in(lang);
    };
    let exported = match state.app.payroll_run(&actor, run).await {
        Ok(view) => view.run.status == "exported",
        Err(e) if e.code == Code::NotFound => return super::not_found_in(lang),
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    if !exported {
        let e = AppError::bilingual(
            Code::InvalidTransition,
            Some("run"),
            aiup_core::policy::Text {
                ko: "지급 파일은 승인된 실행을 내보낸 뒤에 받을 수 있습니다.".to_owned(),
                en: "the payment file exists once an approved run is exported".to_owned(),
            },
        );
        return run_detail(
            &state,
            &actor,
            lang,
            &id,
            None,
            vec![problem_at(lang, "steps-title", &e)],
            status_of(&e),
        )
        .await;
    }
    match state.app.export_payroll(&actor, run).await {
        Ok(file) => csv_download(file.csv, &file.file_name),
        Err(e) if e.code == Code::NotFound => super::not_found_in(lang),
        Err(e) => {
            run_detail(
                &state,
                &actor,
                lang,
                &id,
                None,
                vec![problem_at(lang, "steps-title", &e)],
                status_of(&e),
            )
            .await
        }
    }
}

async fn totals_csv(
    Allowed(actor, ..): Allowed<perm::ReadPayroll>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let Some(run) = parse_id(&id) else {
        return super::not_found_in(lang);
    };
    match state.app.payroll_run(&actor, run).await {
        Ok(view) => csv_download(
            aiup_app::payroll::totals_csv(&view.totals),
            &format!("payroll-{}-{run}-totals.csv", view.run.month),
        ),
        Err(e) if e.code == Code::NotFound => super::not_found_in(lang),
        Err(e) => crate::error::ApiError(e).into_response(),
    }
}

// ---------------------------------------------------------------------------------------------
// A line's trace
// ---------------------------------------------------------------------------------------------

/// A text of the trace in the reader's language (`{ko, en}`), or the value as written.
fn bilingual(lang: Lang, value: &serde_json::Value) -> String {
    match (value.get("ko"), value.get("en")) {
        (Some(ko), Some(en)) => lang
            .pick(ko.as_str().unwrap_or_default(), en.as_str().unwrap_or_default())
            .to_owned(),
        _ => scalar(value),
    }
}

fn scalar(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// One step of the engine's trace (`aiup_rules::TraceNode` as stored): its label, rule and
/// value, the parameters it used with their citations, then its steps; the same markup as the
/// calculator's trace.
fn trace_step(lang: Lang, node: &serde_json::Value) -> Markup {
    let list = |key: &str| node.get(key).and_then(|v| v.as_array()).cloned().unwrap_or_default();
    html! {
        li.trace__node {
            div.trace__line {
                span.trace__label { (bilingual(lang, &node["label"])) }
                " " code.trace__rule { (scalar(&node["rule"])) }
                " → " span.trace__value { (scalar(&node["value"])) }
            }
            @if let Some(cite) = node.get("citation").and_then(|c| c.as_str()) {
                p.trace__cite { (lang.pick("근거: ", "Basis: ")) (citation(lang, cite)) }
            }
            @let params = list("params");
            @if !params.is_empty() {
                ul.params {
                    @for p in &params {
                        li.param {
                            code { (scalar(&p["id"])) } " = " strong { (scalar(&p["value"])) }
                            span.param__meta { " · " (lang.pick("시행 ", "from ")) (scalar(&p["from"])) }
                            @if let Some(cite) = p.get("cite").and_then(|c| c.as_str()).filter(|c| !c.is_empty()) {
                                br; span.param__cite { (citation(lang, cite)) }
                            }
                        }
                    }
                }
            }
            @let children = list("children");
            @if !children.is_empty() {
                ul.trace__children { @for child in &children { (trace_step(lang, child)) } }
            }
        }
    }
}

/// A line's stored trace: the explanation, then the steps.
fn trace_view(lang: Lang, trace: &serde_json::Value) -> Markup {
    let steps = trace
        .get("steps")
        .and_then(|s| s.as_array())
        .cloned()
        .unwrap_or_default();
    html! {
        @if let Some(explanation) = trace.get("explanation") {
            p.explanation #trace-explanation { (bilingual(lang, explanation)) }
        }
        @if steps.is_empty() {
            pre.trace__raw { (serde_json::to_string_pretty(trace).unwrap_or_default()) }
        } @else {
            ol.trace__tree { @for step in &steps { (trace_step(lang, step)) } }
        }
    }
}

async fn line_page(
    Allowed(actor, ..): Allowed<perm::ReadPayroll>,
    State(state): State<AppState>,
    Path((id, enrolment, period)): Path<(String, String, String)>,
    Query(q): Query<PageQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let (Some(run), Some(enrolment), Some(period)) = (parse_id(&id), parse_id(&enrolment), parse_id(&period)) else {
        return super::not_found_in(lang);
    };
    let record = match state.app.payroll_line(&actor, run, enrolment, period).await {
        Ok(record) => record,
        Err(e) if e.code == Code::NotFound => return super::not_found_in(lang),
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    let l = &record.line;
    let title = format!(
        "{} — {} {} · {} {}",
        lang.pick("계산 근거", "Trace"),
        lang.pick("신청", "Enrolment"),
        l.enrolment_id,
        lang.pick("단위기간", "unit period"),
        l.period_index
    );
    let body = html! {
        p { a href=(href(&run_path(run), lang)) { (lang.pick("← 지급 실행", "← Payroll run")) " #" (run) } }
        h1 #page-title { (title) }
        dl.facts {
            dt { (lang.pick("기간", "Period")) } dd { (l.period_start) " ~ " (l.period_end) }
            dt { (lang.pick("종류", "Kind")) } dd { (kind_label(lang, &l.kind)) }
            dt { (lang.pick("인정 일수", "Days counted")) } dd { (l.recognised_days) " / " (l.scheduled_days) }
            dt { (lang.pick("기본", "Base")) } dd { (signed(l.base_won)) }
            dt { (lang.pick("특별", "Special")) } dd { (signed(l.special_won)) }
            dt { (lang.pick("식비 차감", "Meal deduction")) } dd { (signed(-l.meal_deduction_won)) }
            dt { (lang.pick("기간 계산액", "Period computed")) } dd { (signed(l.computed_won)) }
            dt { (lang.pick("이 건 지급액", "This line pays")) } dd { strong { (signed(l.amount_won)) } }
            dt { (lang.pick("사업", "Programme")) } dd { (key_name(&state.engine(), lang, TotalsBy::Programme, &l.programme)) }
            dt { (lang.pick("훈련기관", "Institution")) } dd { (l.institution_id) }
        }
        section.trace aria-labelledby="trace-title" {
            h2 #trace-title { (lang.pick("엔진의 계산 과정", "The engine's trace")) }
            (trace_view(lang, &l.trace))
        }
    };
    frame(
        &actor,
        lang,
        &title,
        &format!("{}/lines/{enrolment}/{period}", run_path(run)),
        body,
        StatusCode::OK,
    )
}
