//! Form pieces the account and administration pages share: fields with their errors, the
//! error summary, the hidden CSRF and language fields, and the no-store page response.

use crate::access::CSRF_FIELD;
use crate::i18n::Lang;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};

/// A posted form whose only field besides the CSRF token is the page's language.
#[derive(Debug, serde::Deserialize)]
pub struct LangForm {
    pub lang: Option<String>,
}

/// A record id from a path: a positive whole number, or nothing (the page answers 404).
pub fn parse_id(text: &str) -> Option<i64> {
    text.parse::<i64>().ok().filter(|n| *n > 0)
}

/// A problem with one field, already in the page's language.
#[derive(Debug, Clone)]
pub struct Problem {
    pub field: &'static str,
    pub message: String,
}

/// The summary of every problem, each linking to its field. It takes focus on load via the
/// `autofocus` on its heading's container, so screen readers announce it.
pub fn error_summary(lang: Lang, problems: &[Problem]) -> Markup {
    html! {
        @if !problems.is_empty() {
            div.error-summary role="alert" aria-labelledby="error-summary-title" tabindex="-1" {
                h2 #error-summary-title { (lang.pick("확인해 주세요", "There is a problem")) }
                ul {
                    @for p in problems {
                        li { a href=(format!("#{}", p.field)) { (p.message) } }
                    }
                }
            }
        }
    }
}

/// One text-like input with its label, optional hint and error.
#[allow(clippy::too_many_arguments)]
pub fn input(
    id: &'static str,
    kind: &str,
    label: &str,
    value: &str,
    autocomplete: &str,
    hint: Option<&str>,
    problems: &[Problem],
    required: bool,
) -> Markup {
    let error = problems.iter().find(|p| p.field == id);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described: Vec<&str> = [hint.map(|_| hint_id.as_str()), error.map(|_| error_id.as_str())]
        .into_iter()
        .flatten()
        .collect();
    html! {
        div class=(if error.is_some() { "field field--error" } else { "field" }) {
            label for=(id) { (label) }
            @if let Some(hint) = hint { p.hint id=(hint_id) { (hint) } }
            @if let Some(e) = error { p.field-error id=(error_id) { (e.message) } }
            input #(id) name=(id) type=(kind) value=(value) autocomplete=(autocomplete)
                required[required]
                aria-invalid=[error.map(|_| "true")]
                aria-describedby=[(!described.is_empty()).then(|| described.join(" "))];
        }
    }
}

/// The hidden fields every posted form carries.
pub fn hidden(csrf: &str, lang: Lang) -> Markup {
    html! {
        input type="hidden" name=(CSRF_FIELD) value=(csrf);
        @if lang == Lang::En { input type="hidden" name="lang" value="en"; }
    }
}

/// `path` in `lang`.
pub fn href(path: &str, lang: Lang) -> String {
    match lang {
        Lang::Ko => path.to_owned(),
        Lang::En if path.contains('?') => format!("{path}&lang=en"),
        Lang::En => format!("{path}?lang=en"),
    }
}

/// A page that shows personal data: never cached, never framed.
pub fn private_page(status: StatusCode, page: Markup) -> Response {
    let mut response = super::html_response(status, page);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A 303 to `to`, the answer to a form that worked.
pub fn see_other(to: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(
            header::LOCATION,
            HeaderValue::from_str(to).unwrap_or(HeaderValue::from_static("/")),
        )],
    )
        .into_response()
}

/// Seoul time of an instant, as people read it.
pub fn seoul_time(at: chrono::DateTime<chrono::Utc>) -> String {
    aiup_core::date::seoul_datetime(at).format("%Y-%m-%d %H:%M").to_string()
}

/// A table's head row: one column header per (Korean, English) label.
pub fn column_heads(lang: Lang, labels: &[(&str, &str)]) -> Markup {
    html! {
        thead { tr {
            @for (ko, en) in labels { th scope="col" { (lang.pick(ko, en)) } }
        } }
    }
}

/// A short name for a browser from its user agent, as people know it ("Chrome 156 · Windows").
pub fn device_label(user_agent: &str) -> String {
    let ua = user_agent;
    let version = |marker: &str| {
        ua.split(marker)
            .nth(1)
            .map(|rest| rest.chars().take_while(char::is_ascii_digit).collect::<String>())
            .filter(|v| !v.is_empty())
    };
    let browser = [
        ("Edg/", "Edge"),
        ("Whale/", "Whale"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("Firefox/", "Firefox"),
        ("HeadlessChrome/", "Headless Chrome"),
        ("Chrome/", "Chrome"),
        ("Version/", "Safari"),
        ("curl/", "curl"),
    ]
    .iter()
    .find(|(marker, _)| ua.contains(marker))
    .map(|(marker, name)| match version(marker) {
        Some(v) => format!("{name} {v}"),
        None => (*name).to_owned(),
    });
    let system = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(marker, _)| ua.contains(marker))
    .map(|(_, name)| *name);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} · {s}"),
        (Some(b), None) => b,
        (None, Some(s)) => s.to_owned(),
        (None, None) if ua.trim().is_empty() => "—".to_owned(),
        (None, None) => ua.chars().take(40).collect(),
    }
}

/// The language of a piece of catalogue text, by its letters: Korean where it has Hangul,
/// English where it has Latin words and no Hangul, none for numbers and codes.
pub fn text_lang(text: &str) -> Option<Lang> {
    if text.chars().any(aiup_core::hangul::is_hangul) {
        Some(Lang::Ko)
    } else if text.chars().any(|c| c.is_ascii_alphabetic()) {
        Some(Lang::En)
    } else {
        None
    }
}

/// Catalogue text (a title, a name, a keyword) as written, marked with its own language where
/// that differs from the page's, so screen readers read it in the right voice.
pub fn as_written(page: Lang, text: &str) -> Markup {
    match text_lang(text) {
        Some(own) if own != page => html! { span lang=(own.code()) { (text) } },
        _ => html! { (text) },
    }
}

/// A list of catalogue words, each marked like [`as_written`], joined by commas.
pub fn words_as_written(page: Lang, words: &[String]) -> Markup {
    html! {
        @for (i, word) in words.iter().enumerate() {
            @if i > 0 { ", " }
            (as_written(page, word))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{as_written, device_label, text_lang};
    use crate::i18n::Lang;

    #[test]
    fn user_agents_become_short_names() {
        assert_eq!(
            device_label("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36"),
            "Headless Chrome 156 · Linux"
        );
        assert_eq!(
            device_label("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"),
            "Safari 17 · iPhone"
        );
        assert_eq!(device_label("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36 Edg/130.0"), "Edge 130 · Windows");
        assert_eq!(device_label(""), "—");
    }

    #[test]
    fn catalogue_text_is_marked_only_where_its_language_differs_from_the_page() {
        assert_eq!(text_lang("피지컬 AI 실습"), Some(Lang::Ko));
        assert_eq!(text_lang("Spring Boot"), Some(Lang::En));
        assert_eq!(text_lang("2026-03"), None);
        assert_eq!(as_written(Lang::Ko, "데이터 분석").into_string(), "데이터 분석");
        assert_eq!(
            as_written(Lang::En, "데이터 분석").into_string(),
            "<span lang=\"ko\">데이터 분석</span>"
        );
        assert_eq!(
            as_written(Lang::Ko, "Spring Boot").into_string(),
            "<span lang=\"en\">Spring Boot</span>"
        );
    }
}
