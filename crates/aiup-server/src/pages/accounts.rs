//! Sign in, sign out, and "my account": password, sessions and API tokens.

use super::view::{lang_switch, page, page_in, Section};
use super::widgets::{
    column_heads, device_label, error_summary, hidden, href, input, parse_id, private_page, see_other, seoul_time,
    LangForm, Problem,
};
use crate::access::{
    cookie, perm, session_cookie_name, Allowed, ClientAddress, CsrfForm, SignedIn, SIGNIN_CSRF_COOKIE,
};
use crate::i18n::Lang;
use crate::AppState;
use aiup_app::accounts::{
    Actor, IssuedToken, Password, SignIn, SignedIn as NewSession, TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS,
};
use aiup_app::{AppError, Code};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/signin", get(signin_form).post(signin))
        .route("/signout", post(signout))
        .route("/account", get(account))
        .route("/account/password", post(change_password))
        .route("/account/sessions/end", post(end_sessions))
        .route("/account/tokens", post(create_token))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
}

/// Where a sign-in may send the browser: a path on this site only.
fn safe_next(next: Option<&str>) -> Option<&str> {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") && n.len() <= 500)
}

fn user_agent(headers: &HeaderMap) -> String {
    headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

fn set_cookie(response: &mut Response, value: String) {
    if let Ok(value) = HeaderValue::from_str(&value) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

fn session_cookie(state: &AppState, session: &NewSession) -> String {
    let secure = state.settings.secure_cookies;
    let max_age = (session.expires_at - chrono::Utc::now()).num_seconds().max(0);
    format!(
        "{}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        session_cookie_name(secure),
        session.cookie_value,
        if secure { "; Secure" } else { "" }
    )
}

fn clear_session_cookie(state: &AppState) -> String {
    let secure = state.settings.secure_cookies;
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        session_cookie_name(secure),
        if secure { "; Secure" } else { "" }
    )
}

#[derive(Debug, Deserialize)]
struct SignInQuery {
    next: Option<String>,
    lang: Option<String>,
    signed_out: Option<String>,
}

fn signin_page(
    lang: Lang,
    csrf: &str,
    login: &str,
    next: Option<&str>,
    problems: &[Problem],
    notice: Option<&str>,
) -> Markup {
    let title = lang.pick("로그인", "Sign in");
    let body = html! {
        h1 #page-title { (title) }
        @if let Some(notice) = notice { p.notice role="status" { (notice) } }
        (error_summary(lang, problems))
        form.panel method="post" action="/signin" novalidate {
            (hidden(csrf, lang))
            @if let Some(next) = next { input type="hidden" name="next" value=(next); }
            (input("login", "text", lang.pick("아이디", "Login"), login, "username", None, problems, true))
            (input("password", "password", lang.pick("비밀번호", "Password"), "", "current-password", None, problems, true))
            div.actions { button type="submit" { (title) } }
        }
        p.hint { (lang.pick(
            "계정은 기관 또는 사업 관리자가 만들어 드립니다. 비밀번호를 잊었다면 관리자에게 재설정을 요청하세요.",
            "Accounts are made by your institution or the programme's administrators. If you forgot your password, ask an administrator to reset it.",
        )) }
    };
    let mut other_href = href("/signin", lang.other());
    if let Some(next) = next {
        let joiner = if other_href.contains('?') { '&' } else { '?' };
        other_href = format!("{other_href}{joiner}next={}", super::encode_component(next));
    }
    page(
        lang,
        &format!("{title} — AI+역량 Up"),
        lang_switch(lang, &other_href),
        body,
    )
}

fn with_signin_csrf(mut response: Response, csrf: &str) -> Response {
    set_cookie(
        &mut response,
        format!("{SIGNIN_CSRF_COOKIE}={csrf}; Path=/signin; HttpOnly; SameSite=Strict; Max-Age=3600"),
    );
    response
}

async fn signin_form(Query(query): Query<SignInQuery>) -> Response {
    let lang = Lang::parse(query.lang.as_deref());
    let Ok(csrf) = aiup_app::accounts::form_token() else {
        return crate::error::ApiError::internal(&"no random source").into_response();
    };
    let notice = query
        .signed_out
        .is_some()
        .then(|| lang.pick("로그아웃했습니다.", "You are signed out."));
    let page = signin_page(lang, &csrf, "", safe_next(query.next.as_deref()), &[], notice);
    with_signin_csrf(private_page(StatusCode::OK, page), &csrf)
}

#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
    lang: Option<String>,
}

async fn signin(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<SignInForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    let next = safe_next(form.next.as_deref()).map(str::to_owned);
    let mut problems = Vec::new();
    if form.login.trim().is_empty() {
        problems.push(Problem {
            field: "login",
            message: lang.pick("아이디를 입력하세요.", "Enter your login.").to_owned(),
        });
    }
    if form.password.is_empty() {
        problems.push(Problem {
            field: "password",
            message: lang.pick("비밀번호를 입력하세요.", "Enter your password.").to_owned(),
        });
    }
    let result = if problems.is_empty() {
        state
            .app
            .accounts()
            .sign_in(SignIn {
                login: form.login.clone(),
                password: Password::new(form.password),
                client_address: address.clone(),
                client: user_agent(&headers),
                previous_session: cookie(&headers, session_cookie_name(state.settings.secure_cookies))
                    .map(str::to_owned),
            })
            .await
    } else {
        Err(AppError::field(Code::InvalidField, "login", "missing"))
    };
    match result {
        Ok(session) => {
            let mut response = see_other(next.as_deref().unwrap_or(&href("/account", lang)));
            set_cookie(&mut response, session_cookie(&state, &session));
            set_cookie(&mut response, format!("{SIGNIN_CSRF_COOKIE}=; Path=/signin; Max-Age=0"));
            response
        }
        Err(e) => {
            let (status, retry) = match e.code {
                Code::TooManyAttempts => {
                    let wait = state
                        .app
                        .accounts()
                        .throttle_wait(&form.login, &address.clone())
                        .await
                        .unwrap_or(60);
                    let minutes = (wait + 59) / 60;
                    problems.push(Problem {
                        field: "login",
                        message: match lang {
                            Lang::Ko => format!("로그인 실패가 너무 많습니다. {minutes}분 후에 다시 시도하세요."),
                            Lang::En => format!("Too many failed sign-ins. Try again in {minutes} min."),
                        },
                    });
                    (StatusCode::TOO_MANY_REQUESTS, Some(wait))
                }
                Code::InvalidCredentials => {
                    problems.push(Problem {
                        field: "login",
                        message: lang
                            .pick(
                                "아이디 또는 비밀번호가 맞지 않습니다.",
                                "The login or the password is wrong.",
                            )
                            .to_owned(),
                    });
                    (StatusCode::UNAUTHORIZED, None)
                }
                Code::InvalidField => (StatusCode::UNPROCESSABLE_ENTITY, None),
                _ => return crate::error::ApiError(e).into_response(),
            };
            let Ok(csrf) = aiup_app::accounts::form_token() else {
                return crate::error::ApiError::internal(&"no random source").into_response();
            };
            let page = signin_page(lang, &csrf, form.login.trim(), next.as_deref(), &problems, None);
            let mut response = with_signin_csrf(private_page(status, page), &csrf);
            if let Some(wait) = retry {
                if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
                    response.headers_mut().insert(header::RETRY_AFTER, v);
                }
            }
            response
        }
    }
}

async fn signout(
    SignedIn(actor): SignedIn,
    State(state): State<AppState>,
    CsrfForm(form): CsrfForm<LangForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    if let Err(e) = state.app.accounts().sign_out(&actor).await {
        return crate::error::ApiError(e).into_response();
    }
    let mut response = see_other(&href("/signin?signed_out=1", lang));
    set_cookie(&mut response, clear_session_cookie(&state));
    response
}

/// The header's account menu: who is signed in, the sign-out button, and the link to this page
/// in the other language (`other_language`) where the page has one.
pub fn account_menu(lang: Lang, actor: &Actor, other_language: Option<&str>) -> Markup {
    let (ko, en) = actor.role.label();
    html! {
        div.account-menu {
            span { (actor.display_name) " · " (lang.pick(ko, en)) }
            @if let Some(csrf) = actor.csrf_token() {
                form method="post" action="/signout" {
                    (hidden(csrf, lang))
                    button.link-button type="submit" { (lang.pick("로그아웃", "Sign out")) }
                }
            }
            @if let Some(other) = other_language { (lang_switch(lang, other)) }
        }
    }
}

/// Links to the pages this account may use.
pub fn account_nav(lang: Lang, actor: &Actor, current: &str) -> Markup {
    use aiup_app::accounts::Permission;
    let mut links = vec![("/account", lang.pick("내 계정", "My account"))];
    if actor.allows(Permission::OwnLearning) {
        links.push(("/me", lang.pick("나의 학습", "My learning")));
        links.push(("/me/diagnosis", lang.pick("AI 역량 진단", "AI skills diagnosis")));
        links.push(("/me/path", lang.pick("나의 학습 경로", "My learning path")));
        links.push(("/me/applications", lang.pick("나의 수강 신청", "My applications")));
        links.push(("/me/card", lang.pick("내 내일배움카드", "My learning card")));
        links.push(("/me/attendance", lang.pick("나의 출결", "My attendance")));
        links.push((
            "/me/statements",
            lang.pick("훈련장려금 내역", "My allowance statements"),
        ));
    }
    if actor.allows(Permission::ReadEnrolments) {
        links.push((
            "/admin/enrolments",
            lang.pick("훈련생·신청 현황", "People and enrolments"),
        ));
    }
    if actor.allows(Permission::DecideApplications) {
        links.push((
            "/staff/applications",
            lang.pick("수강 신청 심사", "Applications to decide"),
        ));
    }
    if actor.allows(Permission::ReadPayroll) {
        links.push(("/admin/payroll", lang.pick("훈련장려금 지급", "Allowance payroll")));
    }
    if actor.allows(Permission::ActForFirm) {
        links.push(("/firm", lang.pick("우리 회사 AI 훈련", "Our firm's AI training")));
    }
    if actor.allows(Permission::VisitFirms) || actor.allows(Permission::ReadSmeProgramme) {
        links.push(("/sme/centre", lang.pick("확산센터 현황판", "Centre board")));
    }
    if actor.allows(Permission::ReadSmeProgramme) {
        links.push((
            "/admin/sme",
            lang.pick("중소기업 AI 훈련 목표", "SME AI training targets"),
        ));
        links.push(("/admin/sme/firms", lang.pick("기업 명부", "Firm registry")));
        links.push(("/admin/sme/survey", lang.pick("AI 훈련 수요조사", "Demand survey")));
    }
    if actor.allows(Permission::ReadDashboards) {
        links.push(("/admin/dashboard", lang.pick("사업 현황판", "Programme dashboard")));
    }
    if actor.allows(Permission::ManageAccounts) {
        links.push(("/admin/users", lang.pick("사용자 관리", "Users")));
    }
    if actor.allows(Permission::ReadAudit) {
        links.push(("/admin/audit", lang.pick("감사 기록", "Audit log")));
    }
    html! {
        nav.sub-nav aria-label=(lang.pick("계정 메뉴", "Account")) {
            ul {
                @for (path, label) in links {
                    li { a href=(href(path, lang)) aria-current=[(path == current).then_some("page")] { (label) } }
                }
            }
        }
    }
}

#[derive(Debug, Deserialize)]
struct AccountQuery {
    lang: Option<String>,
    done: Option<String>,
}

/// What the account page shows besides the account.
#[derive(Default)]
struct AccountExtras<'a> {
    problems: Vec<Problem>,
    notice: Option<String>,
    new_token: Option<&'a IssuedToken>,
}

async fn account_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    extras: AccountExtras<'_>,
    status: StatusCode,
) -> Response {
    let accounts = state.app.accounts();
    let (account, sessions, tokens) = match tokio::try_join!(
        accounts.get(actor.account_id),
        accounts.my_sessions(actor),
        accounts.tokens_of(actor.account_id)
    ) {
        Ok(found) => found,
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    let csrf = actor.csrf_token().unwrap_or_default();
    let (role_ko, role_en) = account.role.label();
    let now = chrono::Utc::now();
    let title = lang.pick("내 계정", "My account");
    let p = &extras.problems;
    let body = html! {
        h1 #page-title { (title) }
        (account_nav(lang, actor, "/account"))
        @if let Some(notice) = &extras.notice { p.notice role="status" { (notice) } }
        (error_summary(lang, p))
        section aria-labelledby="me-title" {
            h2 #me-title { (lang.pick("계정 정보", "Account")) }
            dl.facts {
                dt { (lang.pick("아이디", "Login")) } dd { (account.login) }
                dt { (lang.pick("이름", "Name")) } dd { (account.display_name) }
                dt { (lang.pick("역할", "Role")) } dd { (lang.pick(role_ko, role_en)) }
                @if let Some(scope) = &account.scope { dt { (lang.pick("범위", "Scope")) } dd { (scope) } }
                dt { (lang.pick("비밀번호 변경일", "Password changed")) } dd { (seoul_time(account.password_changed_at)) }
            }
        }
        section aria-labelledby="password-title" {
            h2 #password-title { (lang.pick("비밀번호 바꾸기", "Change password")) }
            p.hint { (lang.pick(
                "바꾸면 다른 모든 기기에서 로그아웃되고 API 토큰이 모두 폐기됩니다.",
                "Changing it signs you out everywhere else and revokes all your API tokens.",
            )) }
            form.panel method="post" action="/account/password" novalidate {
                (hidden(csrf, lang))
                (input("current_password", "password", lang.pick("현재 비밀번호", "Current password"), "", "current-password", None, p, true))
                (input("new_password", "password", lang.pick("새 비밀번호", "New password"), "", "new-password",
                    Some(lang.pick("10자 이상. 흔한 비밀번호와 아이디가 들어간 비밀번호는 쓸 수 없습니다.",
                        "At least 10 characters. Common passwords and passwords containing your login are refused.")), p, true))
                (input("confirm_password", "password", lang.pick("새 비밀번호 확인", "Confirm new password"), "", "new-password", None, p, true))
                div.actions { button type="submit" { (lang.pick("비밀번호 바꾸기", "Change password")) } }
            }
        }
        section aria-labelledby="sessions-title" {
            h2 #sessions-title { (lang.pick("로그인한 기기", "Where you are signed in")) }
            table.data tabindex="0" {
                caption.visually-hidden { (lang.pick("세션 목록", "Sessions")) }
                (column_heads(lang, &[("기기", "Device"), ("로그인", "Signed in"), ("마지막 사용", "Last used")]))
                tbody {
                    @for (s, current) in &sessions {
                        tr {
                            td { (device_label(&s.client))
                                @if *current { " " strong { (lang.pick("(지금 이 기기)", "(this device)")) } } }
                            td.time { (seoul_time(s.created_at)) }
                            td.time { (seoul_time(s.last_seen_at)) }
                        }
                    }
                }
            }
            div.actions {
                form method="post" action="/account/sessions/end" {
                    (hidden(csrf, lang)) input type="hidden" name="which" value="others";
                    button type="submit" { (lang.pick("다른 기기에서 모두 로그아웃", "Sign out everywhere else")) }
                }
                form method="post" action="/account/sessions/end" {
                    (hidden(csrf, lang)) input type="hidden" name="which" value="all";
                    button.secondary type="submit" { (lang.pick("모든 기기에서 로그아웃 (이 기기 포함)", "Sign out everywhere, this device too")) }
                }
            }
        }
        section aria-labelledby="tokens-title" {
            h2 #tokens-title { (lang.pick("API 토큰", "API tokens")) }
            p.hint { (lang.pick(
                "다른 시스템이 이 계정의 권한으로 API를 쓰게 하는 열쇠입니다. 만들 때 한 번만 보여 드립니다.",
                "Keys that let another system use the API with this account's role. Each is shown once, when it is made.",
            )) }
            @if let Some(token) = extras.new_token {
                div.notice role="status" {
                    p { strong { (lang.pick("새 토큰입니다. 지금 복사하세요. 다시 보여 드리지 않습니다.", "Your new token. Copy it now: it will not be shown again.")) } }
                    p { code.token { (token.secret) } }
                }
            }
            @if !tokens.is_empty() {
                table.data tabindex="0" {
                    caption.visually-hidden { (lang.pick("토큰 목록", "Tokens")) }
                    thead { tr {
                        th scope="col" { (lang.pick("이름", "Name")) }
                        th scope="col" { (lang.pick("앞자리", "Prefix")) }
                        th scope="col" { (lang.pick("만료", "Expires")) }
                        th scope="col" { (lang.pick("상태", "State")) }
                        th scope="col" { span.visually-hidden { (lang.pick("동작", "Action")) } }
                    } }
                    tbody {
                        @for t in &tokens {
                            tr {
                                td { (t.name) }
                                td { code { "aiup_" (t.prefix) "_…" } }
                                td.time { (seoul_time(t.expires_at)) }
                                td { @if t.revoked_at.is_some() { (lang.pick("폐기됨", "Revoked")) }
                                     @else if t.expires_at <= now { (lang.pick("만료됨", "Expired")) }
                                     @else { (lang.pick("사용 중", "Active")) } }
                                td { @if t.revoked_at.is_none() && t.expires_at > now {
                                    form method="post" action=(format!("/account/tokens/{}/revoke", t.id)) {
                                        (hidden(csrf, lang))
                                        button.secondary type="submit" aria-label=(format!("{} {}", lang.pick("폐기:", "Revoke"), t.name)) { (lang.pick("폐기", "Revoke")) }
                                    }
                                } }
                            }
                        }
                    }
                }
            }
            form.panel method="post" action="/account/tokens" novalidate {
                (hidden(csrf, lang))
                (input("name", "text", lang.pick("토큰 이름", "Token name"), "", "off", Some(lang.pick("예: 출결 연동 서버", "For example: attendance sync server")), p, true))
                (input("days", "number", lang.pick("유효 기간 (일)", "Valid for (days)"), &TOKEN_DEFAULT_DAYS.to_string(), "off",
                    Some(&match lang { Lang::Ko => format!("1–{TOKEN_MAX_DAYS}일"), Lang::En => format!("1 to {TOKEN_MAX_DAYS} days") }), p, true))
                div.actions { button type="submit" { (lang.pick("토큰 만들기", "Create token")) } }
            }
        }
    };
    private_page(
        status,
        page_in(
            Section::Account,
            lang,
            &format!("{title} — AI+역량 Up"),
            account_menu(lang, actor, Some(&href("/account", lang.other()))),
            body,
        ),
    )
}

fn done_notice(lang: Lang, done: Option<&str>) -> Option<String> {
    let text = match done? {
        "password" => lang.pick(
            "비밀번호를 바꿨습니다. 다른 기기의 로그인과 API 토큰은 모두 끝났습니다.",
            "Your password is changed. Every other session and every API token has ended.",
        ),
        "sessions" => lang.pick(
            "다른 기기에서 모두 로그아웃했습니다.",
            "You are signed out everywhere else.",
        ),
        "revoked" => lang.pick("토큰을 폐기했습니다.", "The token is revoked."),
        _ => return None,
    };
    Some(text.to_owned())
}

async fn account(
    Allowed(actor, ..): Allowed<perm::OwnAccount>,
    State(state): State<AppState>,
    Query(query): Query<AccountQuery>,
) -> Response {
    let lang = Lang::parse(query.lang.as_deref());
    let extras = AccountExtras {
        notice: done_notice(lang, query.done.as_deref()),
        ..AccountExtras::default()
    };
    account_page(&state, &actor, lang, extras, StatusCode::OK).await
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
    lang: Option<String>,
}

async fn change_password(
    Allowed(actor, ..): Allowed<perm::OwnAccount>,
    State(state): State<AppState>,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    let mut problems = Vec::new();
    if form.new_password != form.confirm_password {
        problems.push(Problem {
            field: "confirm_password",
            message: lang
                .pick("새 비밀번호 두 칸이 다릅니다.", "The two new passwords differ.")
                .to_owned(),
        });
    }
    if let Some((ko, en)) =
        aiup_app::accounts::password::weakness(&actor.login, &Password::new(form.new_password.clone()))
    {
        problems.push(Problem {
            field: "new_password",
            message: lang.pick(ko, en).to_owned(),
        });
    }
    if problems.is_empty() {
        let result = state
            .app
            .accounts()
            .change_my_password(
                &actor,
                Password::new(form.current_password),
                Password::new(form.new_password),
                &user_agent(&headers),
            )
            .await;
        match result {
            Ok(session) => {
                let mut response = see_other(&href("/account?done=password", lang));
                set_cookie(&mut response, session_cookie(&state, &session));
                return response;
            }
            Err(e) if e.code == Code::InvalidCredentials => problems.push(Problem {
                field: "current_password",
                message: lang
                    .pick("현재 비밀번호가 맞지 않습니다.", "The current password is wrong.")
                    .to_owned(),
            }),
            Err(e) => return crate::error::ApiError(e).into_response(),
        }
    }
    let extras = AccountExtras {
        problems,
        ..AccountExtras::default()
    };
    account_page(&state, &actor, lang, extras, StatusCode::UNPROCESSABLE_ENTITY).await
}

#[derive(Deserialize)]
struct EndSessionsForm {
    which: String,
    lang: Option<String>,
}

async fn end_sessions(
    Allowed(actor, ..): Allowed<perm::OwnAccount>,
    State(state): State<AppState>,
    CsrfForm(form): CsrfForm<EndSessionsForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    let keep_current = match form.which.as_str() {
        "others" => true,
        "all" => false,
        _ => {
            return crate::error::ApiError::new(Code::InvalidField, Some("which"), "`which` is `others` or `all`")
                .into_response()
        }
    };
    if let Err(e) = state.app.accounts().sign_out_all(&actor, keep_current).await {
        return crate::error::ApiError(e).into_response();
    }
    if keep_current {
        see_other(&href("/account?done=sessions", lang))
    } else {
        let mut response = see_other(&href("/signin?signed_out=1", lang));
        set_cookie(&mut response, clear_session_cookie(&state));
        response
    }
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    days: String,
    lang: Option<String>,
}

async fn create_token(
    Allowed(actor, ..): Allowed<perm::OwnAccount>,
    State(state): State<AppState>,
    CsrfForm(form): CsrfForm<TokenForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    let days = form.days.trim();
    let days = if days.is_empty() {
        Ok(None)
    } else {
        days.parse::<i64>().map(Some)
    };
    let result = match days {
        Ok(days) => state.app.accounts().create_token(&actor, &form.name, days).await,
        Err(_) => Err(AppError::field(Code::InvalidField, "days", "not a whole number")),
    };
    match result {
        Ok(token) => {
            let extras = AccountExtras {
                new_token: Some(&token),
                ..AccountExtras::default()
            };
            account_page(&state, &actor, lang, extras, StatusCode::CREATED).await
        }
        Err(e) if e.code == Code::InvalidField => {
            let (field, message) = if e.field.as_deref() == Some("days") {
                (
                    "days",
                    match lang {
                        Lang::Ko => format!("유효 기간은 1–{TOKEN_MAX_DAYS}일 사이의 정수로 쓰세요."),
                        Lang::En => format!("Give a whole number of days from 1 to {TOKEN_MAX_DAYS}."),
                    },
                )
            } else {
                (
                    "name",
                    lang.pick(
                        "토큰 이름을 1–100자로 쓰세요.",
                        "Give the token a name of 1 to 100 characters.",
                    )
                    .to_owned(),
                )
            };
            let extras = AccountExtras {
                problems: vec![Problem { field, message }],
                ..AccountExtras::default()
            };
            account_page(&state, &actor, lang, extras, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => crate::error::ApiError(e).into_response(),
    }
}

async fn revoke_token(
    Allowed(actor, ..): Allowed<perm::OwnAccount>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<LangForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    let Some(id) = parse_id(&id) else {
        return super::not_found_in(lang);
    };
    match state.app.accounts().revoke_my_token(&actor, id).await {
        Ok(_) => see_other(&href("/account?done=revoked", lang)),
        Err(e) if e.code == Code::NotFound => super::not_found_in(lang),
        Err(e) => crate::error::ApiError(e).into_response(),
    }
}
