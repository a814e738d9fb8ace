//! Check-in with a short-lived code. Staff show the cohort's code on a screen in the classroom
//! (`/staff/attendance/{course}/{cohort}/code`: large digits and a QR code, refreshed every
//! minute by `<meta http-equiv="refresh">`, no script); the QR code opens
//! `/me/attendance/check?code=…`, a confirm form that posts to `/me/attendance`, where a trainee
//! can also type the digits.

use super::accounts::account_menu;
use super::attendance::cohort_base;
use super::qr::qr_svg;
use super::view::{page_with_head, Section};
use super::widgets::{hidden, href, private_page, Problem};
use crate::access::{perm, Allowed};
use crate::i18n::Lang;
use crate::AppState;
use aiup_app::accounts::Actor;
use aiup_app::Code;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use maud::{html, Markup};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/attendance/{course}/{cohort}/code", get(code_screen))
        .route("/me/attendance/check", get(confirm))
}

#[derive(Debug, Deserialize)]
struct CodeQuery {
    lang: Option<String>,
    /// `off` stops the screen refreshing itself (WCAG 2.2.1: the reader may turn a time limit
    /// off).
    refresh: Option<String>,
}

/// "123456" as "123 456", easier to read from the back of a room.
fn grouped(digits: &str) -> String {
    if digits.len() == 6 && digits.is_ascii() {
        format!("{} {}", &digits[..3], &digits[3..])
    } else {
        digits.to_owned()
    }
}

/// The address the QR code opens: the payload as the service wrote it, made absolute with the
/// host this screen was reached by (phones open it from outside the page).
fn absolute(headers: &HeaderMap, secure: bool, payload: &str) -> String {
    if payload.starts_with("http://") || payload.starts_with("https://") {
        return payload.to_owned();
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).filter(|h| {
        h.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
    });
    match host {
        Some(host) => format!("{}://{host}{payload}", if secure { "https" } else { "http" }),
        None => payload.to_owned(),
    }
}

/// Seconds from `now` until the code changes at `next`, at least 2 and at most 60: the screen
/// reloads then.
fn seconds_until(now: chrono::DateTime<chrono::Utc>, next: chrono::DateTime<chrono::Utc>) -> i64 {
    (next - now).num_seconds().clamp(2, 60)
}

async fn code_screen(
    Allowed(actor, ..): Allowed<perm::RecordAttendance>,
    State(state): State<AppState>,
    Path((course, cohort)): Path<(String, String)>,
    Query(q): Query<CodeQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let Ok(ordinal) = cohort.parse::<i64>() else {
        return super::not_found_in(lang);
    };
    let code = match state.app.checkin_code(&actor, &course, ordinal).await {
        Ok(code) => code,
        Err(e) if e.code == Code::NotFound => return super::not_found_in(lang),
        Err(e) => return no_code(&actor, lang, &cohort_base(&course, ordinal), &e),
    };
    let refreshing = q.refresh.as_deref() != Some("off");
    let base = cohort_base(&course, ordinal);
    let here = format!("{base}/code");
    let link = absolute(&headers, state.settings.secure_cookies, &code.payload);
    let digits = grouped(&code.digits);
    let until = super::widgets::seoul_time(code.valid_until);
    let qr_title = match lang {
        Lang::Ko => format!("출석 체크 QR 코드: 휴대폰으로 찍으면 출석 확인 화면이 열립니다. 코드 {digits}"),
        Lang::En => format!("Check-in QR code: scan it with a phone to open the check-in page. Code {digits}"),
    };
    let title = lang.pick("출석 체크 코드", "Check-in code");
    let body = html! {
        p { a href=(href(&base, lang)) { (lang.pick("← 출결 기록부", "← Attendance sheet")) } }
        h1 #page-title { (title) }
        div.checkin-code {
            p.checkin-code__digits #checkin-digits aria-label=(format!("{}: {}", lang.pick("코드", "Code"), code.digits.chars().map(String::from).collect::<Vec<_>>().join(" "))) { (digits) }
            @if let Some(svg) = qr_svg(&link, &qr_title, "checkin-qr") { (svg) }
        }
        p.checkin-code__until #checkin-until {
            (lang.pick("유효 시각: ", "Valid until: ")) strong { (until) } " "
            (lang.pick("(1분마다 바뀌며, 직전 코드도 1분 더 받습니다)", "(it changes every minute; the previous code is still taken for one more minute)"))
        }
        p { (lang.pick("훈련생은 QR 코드를 찍거나, 「나의 출결」 화면에 숫자를 입력해 입실·퇴실을 기록합니다. 주소:", "Trainees scan the QR code, or type the digits on their 'My attendance' page, to check in or out. Address:")) " " code #checkin-link { (link) } }
        @if refreshing {
            p.hint #refresh-note {
                (lang.pick("이 화면은 코드가 바뀔 때 저절로 새로 고쳐집니다. ", "This screen reloads itself when the code changes. "))
                a href=(href(&format!("{here}?refresh=off"), lang)) { (lang.pick("자동 새로 고침 끄기", "Stop reloading")) }
            }
        } @else {
            p.hint #refresh-note {
                (lang.pick("자동 새로 고침이 꺼져 있습니다. ", "Reloading is off. "))
                a href=(href(&here, lang)) { (lang.pick("새 코드 보기 (자동 새로 고침 켜기)", "Show the new code (reload every minute)")) }
            }
        }
    };
    let head = if refreshing {
        html! { meta http-equiv="refresh" content=(seconds_until(state.app.clock().now(), code.next_at)); }
    } else {
        html! {}
    };
    let other = if refreshing {
        here.clone()
    } else {
        format!("{here}?refresh=off")
    };
    private_page(
        StatusCode::OK,
        page_with_head(
            Section::Account,
            lang,
            &format!("{title} — AI+역량 Up"),
            head,
            account_menu(lang, &actor, Some(&href(&other, lang.other()))),
            body,
        ),
    )
}

/// No code to show today (not a training day, outside the course): why, and the way back.
fn no_code(actor: &Actor, lang: Lang, sheet: &str, e: &aiup_app::AppError) -> Response {
    let title = lang.pick("출석 체크 코드", "Check-in code");
    let body = html! {
        p { a href=(href(sheet, lang)) { (lang.pick("← 출결 기록부", "← Attendance sheet")) } }
        h1 #page-title { (title) }
        p.notice role="status" #no-code { (e.message_in(lang == Lang::Ko)) }
    };
    let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
    private_page(
        status,
        super::view::page_in(
            Section::Account,
            lang,
            &format!("{title} — AI+역량 Up"),
            account_menu(lang, actor, Some(&href(&format!("{sheet}/code"), lang.other()))),
            body,
        ),
    )
}

#[derive(Debug, Deserialize)]
struct ConfirmQuery {
    lang: Option<String>,
    code: Option<String>,
}

/// The check-in form: the code (typed, or filled from the QR code's link) and the two buttons.
pub(super) fn check_form(lang: Lang, csrf: &str, code: &str, problems: &[Problem]) -> Markup {
    let error = problems.iter().find(|p| p.field == "code");
    html! {
        form.panel #checkin-form method="post" action="/me/attendance" {
            (hidden(csrf, lang))
            div class=(if error.is_some() { "field field--error" } else { "field" }) {
                label for="code" { (lang.pick("출석 코드 (숫자 6자리)", "Check-in code (6 digits)")) }
                p.hint #code-hint { (lang.pick("강의실 화면의 숫자를 입력하거나 QR 코드를 찍으세요.", "Type the digits shown in the classroom, or scan its QR code.")) }
                @if let Some(e) = error { p.field-error #code-error { span.visually-hidden { (lang.pick("오류: ", "Error: ")) } (e.message) } }
                input #code name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                    pattern="[0-9 ]*" maxlength="7" value=(code) required
                    aria-describedby=(if error.is_some() { "code-hint code-error" } else { "code-hint" })
                    aria-invalid=[error.map(|_| "true")];
            }
            div.actions {
                button #check-in type="submit" name="direction" value="in" { (lang.pick("입실", "Check in")) }
                button #check-out type="submit" name="direction" value="out" { (lang.pick("퇴실", "Check out")) }
            }
        }
    }
}

async fn confirm(Allowed(actor, ..): Allowed<perm::OwnLearning>, Query(q): Query<ConfirmQuery>) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let code = q.code.unwrap_or_default();
    let code: String = code.chars().filter(char::is_ascii_digit).take(6).collect();
    let title = lang.pick("출석 체크", "Check in or out");
    let body = html! {
        h1 #page-title { (title) }
        (super::view::learning_nav(lang, "/me/attendance/check"))
        p { (lang.pick("코드를 확인하고 입실 또는 퇴실을 누르세요. 코드는 1분마다 바뀝니다.", "Check the code, then choose check in or check out. The code changes every minute.")) }
        (check_form(lang, actor.csrf_token().unwrap_or_default(), &code, &[]))
    };
    frame(&actor, lang, title, &format!("/me/attendance/check?code={code}"), body)
}

fn frame(actor: &Actor, lang: Lang, title: &str, here: &str, body: Markup) -> Response {
    private_page(
        StatusCode::OK,
        super::view::page_in(
            Section::Account,
            lang,
            &format!("{title} — AI+역량 Up"),
            account_menu(lang, actor, Some(&href(here, lang.other()))),
            body,
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::{absolute, grouped, seconds_until};
    use axum::http::{HeaderMap, HeaderValue};
    use chrono::TimeZone;

    #[test]
    fn digits_are_grouped_in_threes() {
        assert_eq!(grouped("123456"), "123 456");
        assert_eq!(grouped("12345"), "12345");
    }

    #[test]
    fn the_qr_link_is_absolute_on_the_screens_own_host_and_a_bad_host_is_ignored() {
        let mut headers = HeaderMap::new();
        headers.insert("host", HeaderValue::from_static("aiup.example:8080"));
        assert_eq!(
            absolute(&headers, true, "/me/attendance/check?code=1"),
            "https://aiup.example:8080/me/attendance/check?code=1"
        );
        headers.insert("host", HeaderValue::from_static("evil\"><script>"));
        assert_eq!(
            absolute(&headers, false, "/me/attendance/check"),
            "/me/attendance/check"
        );
    }

    #[test]
    fn the_screen_reloads_when_the_code_changes() {
        let at = |m, s| {
            chrono::Utc
                .with_ymd_and_hms(2026, 3, 2, 0, m, s)
                .single()
                .expect("time")
        };
        assert_eq!(seconds_until(at(0, 0), at(1, 0)), 60);
        assert_eq!(seconds_until(at(0, 50), at(1, 0)), 10);
        assert_eq!(seconds_until(at(0, 59), at(1, 0)), 2, "never a reload loop");
        assert_eq!(seconds_until(at(1, 5), at(1, 0)), 2, "a late clock still reloads soon");
    }
}
