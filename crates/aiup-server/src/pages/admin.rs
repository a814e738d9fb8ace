//! Administration: accounts (create, change role and scope, disable, reset password) and the
//! audit log with filters.

use super::accounts::{account_menu, account_nav};
use super::view::{page_in, Section};
use super::widgets::{
    column_heads, error_summary, hidden, href, input, parse_id, private_page, see_other, seoul_time, LangForm, Problem,
};
use crate::access::{perm, Allowed, CsrfForm};
use crate::i18n::Lang;
use crate::AppState;
use aiup_app::accounts::{AccountUpdate, AccountView, Actor, NewUser, Password, Role};
use aiup_app::{AppError, Code};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(users).post(create_user))
        .route("/admin/users/{id}", get(user).post(update_user))
        .route("/admin/users/{id}/password", post(reset_password))
        .route("/admin/audit", get(audit))
}

fn role_label(lang: Lang, role: Role) -> &'static str {
    let (ko, en) = role.label();
    lang.pick(ko, en)
}

/// The role select, with the current role chosen.
fn role_select(lang: Lang, chosen: Option<Role>, problems: &[Problem]) -> Markup {
    let error = problems.iter().find(|p| p.field == "role");
    html! {
        div class=(if error.is_some() { "field field--error" } else { "field" }) {
            label for="role" { (lang.pick("역할", "Role")) }
            @if let Some(e) = error { p.field-error id="role-error" { (e.message) } }
            select #role name="role" aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| "role-error")] {
                @for role in Role::ALL {
                    option value=(role.as_str()) selected[chosen == Some(role)] { (role_label(lang, role)) }
                }
            }
        }
    }
}

fn scope_hint(lang: Lang) -> &'static str {
    lang.pick(
        "훈련기관 담당자는 기관 ID, 훈련주치의는 확산센터 ID가 꼭 필요합니다. 사업 관리자는 사업 ID를 쉼표로 나열해 범위를 좁힐 수 있습니다. 다른 역할은 비워 두세요.",
        "Institution staff need the institution's id and training doctors their centre's id. Programme administrators may list programme ids, comma-separated, to narrow their scope. Leave it empty for other roles.",
    )
}

/// An error from the service as a problem on the form, in the page's language.
fn problem_of(lang: Lang, e: &AppError) -> Option<Problem> {
    let field: &'static str = match e.field.as_deref() {
        Some("login") => "login",
        Some("display_name") => "display_name",
        Some("role") => "role",
        Some("scope") => "scope",
        Some("password") => "login",
        _ if e.code == Code::Conflict => "login",
        _ => return None,
    };
    let message = match (lang, e.code, field) {
        (Lang::Ko, Code::Conflict, _) => "이미 쓰이는 아이디입니다.".to_owned(),
        (Lang::Ko, _, "login") => "아이디는 3–64자의 영문 소문자, 숫자, . _ - @ 로 쓰세요.".to_owned(),
        (Lang::Ko, _, "display_name") => "이름을 1–100자로 쓰세요.".to_owned(),
        (Lang::Ko, _, "role") => format!("역할을 바꿀 수 없습니다: {}", e.message),
        (Lang::Ko, _, _) => format!("범위가 맞지 않습니다: {}", e.message),
        (Lang::En, _, _) => e.message.clone(),
    };
    Some(Problem { field, message })
}

#[derive(Debug, Deserialize)]
struct LangQuery {
    lang: Option<String>,
}

struct UsersExtras {
    problems: Vec<Problem>,
    created: Option<(AccountView, Option<Password>)>,
    form: NewUserForm,
}

async fn users_page(state: &AppState, actor: &Actor, lang: Lang, extras: UsersExtras, status: StatusCode) -> Response {
    let accounts = match state.app.accounts().list().await {
        Ok(list) => list,
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    let csrf = actor.csrf_token().unwrap_or_default();
    let title = lang.pick("사용자 관리", "Users");
    let p = &extras.problems;
    let f = &extras.form;
    let body = html! {
        h1 #page-title { (title) }
        (account_nav(lang, actor, "/admin/users"))
        @if let Some((account, password)) = &extras.created {
            div.notice role="status" {
                p { strong { (account.login) } (lang.pick(" 계정을 만들었습니다.", ": the account is created.")) }
                @if let Some(password) = password {
                    p { (lang.pick("일회용 비밀번호 (지금만 보입니다. 본인에게 안전하게 전하고, 첫 로그인 뒤 바꾸게 하세요):",
                        "One-time password (shown only now; pass it on safely and have it changed at first sign-in):")) }
                    p { code.token { (password.reveal_once()) } }
                }
            }
        }
        (error_summary(lang, p))
        table.data tabindex="0" {
            caption { (lang.pick("계정", "Accounts")) " (" (accounts.len()) ")" }
            (column_heads(lang, &[("아이디", "Login"), ("이름", "Name"), ("역할", "Role"), ("범위", "Scope"), ("상태", "State")]))
            tbody {
                @for a in &accounts {
                    tr {
                        td { a href=(href(&format!("/admin/users/{}", a.id), lang)) { (a.login) } }
                        td { (a.display_name) }
                        td { (role_label(lang, a.role)) }
                        td { (a.scope.as_deref().unwrap_or("—")) }
                        td { (if a.disabled { lang.pick("사용 중지", "Disabled") } else { lang.pick("사용 중", "Active") }) }
                    }
                }
            }
        }
        section aria-labelledby="new-title" {
            h2 #new-title { (lang.pick("새 계정", "New account")) }
            p.hint { (lang.pick("비밀번호는 일회용으로 만들어 한 번 보여 드립니다.", "A one-time password is generated and shown once.")) }
            form.panel method="post" action="/admin/users" novalidate {
                (hidden(csrf, lang))
                (input("login", "text", lang.pick("아이디", "Login"), &f.login, "off", None, p, true))
                (input("display_name", "text", lang.pick("이름", "Name"), &f.display_name, "off", None, p, true))
                (role_select(lang, Role::parse(&f.role), p))
                (input("scope", "text", lang.pick("범위", "Scope"), &f.scope, "off", Some(scope_hint(lang)), p, false))
                div.actions { button type="submit" { (lang.pick("계정 만들기", "Create account")) } }
            }
        }
    };
    private_page(
        status,
        page_in(
            Section::Account,
            lang,
            &format!("{title} — AI+역량 Up"),
            account_menu(lang, actor, Some(&href("/admin/users", lang.other()))),
            body,
        ),
    )
}

async fn users(
    Allowed(actor, ..): Allowed<perm::ManageAccounts>,
    State(state): State<AppState>,
    Query(q): Query<LangQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let extras = UsersExtras {
        problems: vec![],
        created: None,
        form: NewUserForm::default(),
    };
    users_page(&state, &actor, lang, extras, StatusCode::OK).await
}

#[derive(Debug, Default, Deserialize)]
struct NewUserForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    scope: String,
    lang: Option<String>,
}

async fn create_user(
    Allowed(actor, ..): Allowed<perm::ManageAccounts>,
    State(state): State<AppState>,
    CsrfForm(form): CsrfForm<NewUserForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    let result = state
        .app
        .accounts()
        .create_user(
            &actor.audit_name(),
            NewUser {
                login: form.login.clone(),
                display_name: form.display_name.clone(),
                role: form.role.clone(),
                scope: Some(form.scope.clone()),
                password: None,
            },
        )
        .await;
    match result {
        Ok(created) => {
            let extras = UsersExtras {
                problems: vec![],
                created: Some(created),
                form: NewUserForm::default(),
            };
            users_page(&state, &actor, lang, extras, StatusCode::CREATED).await
        }
        Err(e) => match problem_of(lang, &e) {
            Some(problem) => {
                let extras = UsersExtras {
                    problems: vec![problem],
                    created: None,
                    form,
                };
                users_page(
                    &state,
                    &actor,
                    lang,
                    extras,
                    StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY),
                )
                .await
            }
            None => crate::error::ApiError(e).into_response(),
        },
    }
}

#[derive(Debug, Deserialize)]
struct UserQuery {
    lang: Option<String>,
    done: Option<String>,
}

async fn user_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    id: i64,
    problems: Vec<Problem>,
    notice: Option<String>,
    status: StatusCode,
) -> Response {
    let accounts = state.app.accounts();
    let (account, tokens) = match tokio::try_join!(accounts.get(id), accounts.tokens_of(id)) {
        Ok(found) => found,
        Err(e) if e.code == Code::NotFound => return super::not_found_in(lang),
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    let csrf = actor.csrf_token().unwrap_or_default();
    let title = format!("{} — {}", lang.pick("계정", "Account"), account.login);
    let p = &problems;
    let live_tokens = tokens
        .iter()
        .filter(|t| t.revoked_at.is_none() && t.expires_at > chrono::Utc::now())
        .count();
    let body = html! {
        p { a href=(href("/admin/users", lang)) { (lang.pick("← 사용자 관리", "← Users")) } }
        h1 #page-title { (title) }
        @if let Some(notice) = &notice { div.notice role="status" { (notice) } }
        (error_summary(lang, p))
        dl.facts {
            dt { (lang.pick("만든 날", "Created")) } dd { (seoul_time(account.created_at)) }
            dt { (lang.pick("비밀번호 변경일", "Password changed")) } dd { (seoul_time(account.password_changed_at)) }
            dt { (lang.pick("사용 중인 API 토큰", "Live API tokens")) } dd { (live_tokens) }
        }
        form.panel method="post" action=(format!("/admin/users/{id}")) novalidate {
            (hidden(csrf, lang))
            (input("display_name", "text", lang.pick("이름", "Name"), &account.display_name, "off", None, p, true))
            (role_select(lang, Some(account.role), p))
            (input("scope", "text", lang.pick("범위", "Scope"), account.scope.as_deref().unwrap_or(""), "off", Some(scope_hint(lang)), p, false))
            div.field.field--check {
                input #disabled type="checkbox" name="disabled" value="on" checked[account.disabled];
                label for="disabled" { (lang.pick("사용 중지 (로그인과 API 토큰이 모두 막힙니다)", "Disabled (no sign-in, no API token works)")) }
            }
            div.actions { button type="submit" { (lang.pick("저장", "Save")) } }
        }
        section aria-labelledby="reset-title" {
            h2 #reset-title { (lang.pick("비밀번호 재설정", "Reset password")) }
            p.hint { (lang.pick("새 일회용 비밀번호를 만들어 한 번 보여 드립니다. 이 계정의 로그인과 API 토큰은 모두 끝납니다.",
                "Makes a new one-time password and shows it once. Every session and API token of this account ends.")) }
            form method="post" action=(format!("/admin/users/{id}/password")) {
                (hidden(csrf, lang))
                button.secondary type="submit" { (lang.pick("비밀번호 재설정", "Reset password")) }
            }
        }
    };
    private_page(
        status,
        page_in(
            Section::Account,
            lang,
            &format!("{title} — AI+역량 Up"),
            account_menu(lang, actor, Some(&href(&format!("/admin/users/{id}"), lang.other()))),
            body,
        ),
    )
}

async fn user(
    Allowed(actor, ..): Allowed<perm::ManageAccounts>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<UserQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let Some(id) = parse_id(&id) else {
        return super::not_found_in(lang);
    };
    let notice = q
        .done
        .as_deref()
        .map(|_| lang.pick("저장했습니다.", "Saved.").to_owned());
    user_page(&state, &actor, lang, id, vec![], notice, StatusCode::OK).await
}

#[derive(Debug, Deserialize)]
struct UserForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    scope: String,
    disabled: Option<String>,
    lang: Option<String>,
}

async fn update_user(
    Allowed(actor, ..): Allowed<perm::ManageAccounts>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<UserForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    let Some(id) = parse_id(&id) else {
        return super::not_found_in(lang);
    };
    let scope = form.scope.trim();
    let update = AccountUpdate {
        display_name: Some(form.display_name),
        role: Some(form.role),
        scope: Some((!scope.is_empty()).then(|| scope.to_owned())),
        disabled: Some(form.disabled.as_deref() == Some("on")),
    };
    match state
        .app
        .accounts()
        .update_user(&actor.audit_name(), Some(actor.account_id), id, update)
        .await
    {
        Ok(_) => see_other(&href(&format!("/admin/users/{id}?done=saved"), lang)),
        Err(e) if e.code == Code::NotFound => super::not_found_in(lang),
        Err(e) => match problem_of(lang, &e) {
            Some(problem) => {
                user_page(
                    &state,
                    &actor,
                    lang,
                    id,
                    vec![problem],
                    None,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            None => crate::error::ApiError(e).into_response(),
        },
    }
}

async fn reset_password(
    Allowed(actor, ..): Allowed<perm::ManageAccounts>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<LangForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    let Some(id) = parse_id(&id) else {
        return super::not_found_in(lang);
    };
    match state.app.accounts().reset_password(&actor.audit_name(), id, None).await {
        Ok(password) => {
            let notice = password.map(|p| {
                format!(
                    "{} {}",
                    lang.pick(
                        "새 일회용 비밀번호 (지금만 보입니다):",
                        "New one-time password (shown only now):"
                    ),
                    p.reveal_once()
                )
            });
            user_page(&state, &actor, lang, id, vec![], notice, StatusCode::OK).await
        }
        Err(e) if e.code == Code::NotFound => super::not_found_in(lang),
        Err(e) => crate::error::ApiError(e).into_response(),
    }
}

async fn audit(
    Allowed(actor, ..): Allowed<perm::ReadAudit>,
    State(state): State<AppState>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let pairs = query.map(|Query(p)| p).unwrap_or_default();
    let lang = Lang::from_pairs(&pairs);
    // The same filters in the other language.
    let filters: Vec<&(String, String)> = pairs.iter().filter(|(k, _)| k != "lang").collect();
    let other_language = if filters.is_empty() {
        href("/admin/audit", lang.other())
    } else {
        let query = serde_urlencoded::to_string(&filters).unwrap_or_default();
        href(&format!("/admin/audit?{query}"), lang.other())
    };
    let value = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
            .to_owned()
    };
    let (events, problems, status, limit) = match aiup_app::audit::filter_from_pairs(&pairs, &["lang"]) {
        Ok(filter) => match state.app.audit_events(&actor, &filter).await {
            Ok(events) => (events, vec![], StatusCode::OK, filter.limit),
            Err(e) => return crate::error::ApiError(e).into_response(),
        },
        Err(e) => {
            let field: &'static str = match e.field.as_deref() {
                Some("to") => "to",
                Some("from") => "from",
                Some("actor") => "actor",
                Some("action") => "action",
                _ => "from",
            };
            let message = match lang {
                Lang::Ko => format!(
                    "검색 조건이 맞지 않습니다 ({}): 날짜는 YYYY-MM-DD로 쓰세요.",
                    e.field.as_deref().unwrap_or("")
                ),
                Lang::En => format!("{}: {}", e.field.as_deref().unwrap_or(""), e.message),
            };
            (
                vec![],
                vec![Problem { field, message }],
                StatusCode::UNPROCESSABLE_ENTITY,
                0,
            )
        }
    };
    let next = (limit > 0 && events.len() as i64 == limit)
        .then(|| events.last().map(|e| e.id))
        .flatten();
    let title = lang.pick("감사 기록", "Audit log");
    let p = &problems;
    let keep: Vec<(String, String)> = pairs.iter().filter(|(k, _)| k != "before").cloned().collect();
    let body = html! {
        h1 #page-title { (title) }
        (account_nav(lang, &actor, "/admin/audit"))
        p.hint { (lang.pick("모든 변경은 누가, 언제(서울 날짜), 무엇을, 어떤 대상에 했는지와 변경 전후 값으로 남습니다. 기록은 고치거나 지울 수 없습니다.",
            "Every change is kept with who made it, when (Seoul date), what, on which record, and the values before and after. Entries can be neither changed nor deleted.")) }
        (error_summary(lang, p))
        form.panel.filters method="get" action="/admin/audit" {
            @if lang == Lang::En { input type="hidden" name="lang" value="en"; }
            div.row {
                (input("actor", "text", lang.pick("누가 (아이디)", "Who (login)"), &value("actor"), "off", None, p, false))
                (input("action", "text", lang.pick("무엇을 (동작)", "What (action)"), &value("action"), "off",
                    Some(lang.pick("예: account.update, 또는 account. 로 끝내 묶어 찾기", "e.g. account.update, or end with a dot: account.")), p, false))
                (input("from", "date", lang.pick("시작일", "From"), &value("from"), "off", None, p, false))
                (input("to", "date", lang.pick("종료일", "To"), &value("to"), "off", None, p, false))
            }
            div.actions { button type="submit" { (lang.pick("찾기", "Filter")) } }
        }
        table.data tabindex="0" {
            caption { (lang.pick("기록", "Entries")) " (" (events.len()) ")" }
            (column_heads(lang, &[("번호", "No."), ("때 (서울)", "When (Seoul)"), ("누가", "Who"), ("무엇을", "What"), ("대상", "Target"), ("내용", "Detail")]))
            tbody {
                @for e in &events {
                    tr {
                        td { (e.id) }
                        td.time { (seoul_time(e.at)) }
                        td { (e.actor) }
                        td { code.action { (e.action) } }
                        td { (e.subject) }
                        td { code.detail { (e.detail.to_string()) } }
                    }
                }
            }
        }
        @if let Some(before) = next {
            p { a href=(format!("/admin/audit?{}", serde_urlencoded::to_string(keep.iter().chain([("before".to_owned(), before.to_string())].iter()).collect::<Vec<_>>()).unwrap_or_default())) {
                (lang.pick("더 오래된 기록 →", "Older entries →"))
            } }
        }
    };
    private_page(
        status,
        page_in(
            Section::Account,
            lang,
            &format!("{title} — AI+역량 Up"),
            account_menu(lang, &actor, Some(&other_language)),
            body,
        ),
    )
}
