//! The trainee's AI-competency diagnosis: the start page, the answer form, a run's result, and
//! the history with a chart (inline SVG, no script) and the same data as a table.

use super::accounts::account_menu;
use super::view::{learning_nav, page_in, Section};
use super::widgets::{error_summary, hidden, href, parse_id, private_page, see_other, LangForm, Problem};
use crate::access::{perm, Allowed, CsrfForm};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::AppState;
use aiup_app::accounts::Actor;
use aiup_app::diagnosis::{DiagnosisForm, RunView, SubmitError};
use aiup_app::{AppError, Code};
use aiup_catalogue::{AiStep, BasicModule};
use aiup_diagnosis::run::percent;
use aiup_diagnosis::Text;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use maud::{html, Markup, PreEscaped};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me/diagnosis", get(start).post(submit))
        .route("/me/diagnosis/take", get(take))
        .route("/me/diagnosis/history", get(history))
        .route("/me/diagnosis/runs/{id}", get(result))
}

fn t(lang: Lang, text: &Text) -> &str {
    lang.pick(&text.ko, &text.en)
}

fn frame(lang: Lang, actor: &Actor, title: &str, path: &str, body: Markup) -> Markup {
    page_in(
        Section::Account,
        lang,
        &format!("{title} — AI+역량 Up"),
        account_menu(lang, actor, Some(&href(path, lang.other()))),
        body,
    )
}

/// An error the pages show as a notice rather than an error page (no profile yet).
fn profile_notice(lang: Lang, e: &AppError) -> Markup {
    html! { p.notice role="status" { (e.message_in(lang == Lang::Ko)) } }
}

fn step_label(lang: Lang, step: Option<AiStep>) -> &'static str {
    match step {
        Some(step) => lang.pick(step.label_ko(), step.label_en()),
        None => lang.pick("기초 이해 전", "Before basic understanding"),
    }
}

async fn start(
    Allowed(actor, ..): Allowed<perm::OwnLearning>,
    State(state): State<AppState>,
    Query(q): Query<LangForm>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let history = match state.app.my_diagnosis_history(&actor).await {
        Ok(history) => history,
        Err(e) => return ApiError(e).into_response(),
    };
    let form = state.app.my_diagnosis_form(&actor).await;
    let settings = state.app.diagnosis_bank().settings;
    let title = lang.pick("AI 역량 진단", "AI skills diagnosis");
    let body = html! {
        h1 #page-title { (title) }
        (learning_nav(lang, "/me/diagnosis"))
        p { (lang.pick(
            "계획의 세 단계(AI 기초 이해 · 직무 활용 · 솔루션 개발)와 다섯 기본 모듈(AI 윤리·보안, 프롬프트 엔지니어링, 결과 검증·개선, 데이터 편향, AI 생산성 도구)에 걸친 객관식 문항으로 지금의 AI 역량을 봅니다. 결과는 학습 경로 추천에 쓰입니다.",
            "Multiple-choice questions across the plan's three steps (basic understanding, use in a job, solution development) and five basic modules (AI ethics and security, prompt engineering, verification and refinement, data bias, AI productivity tools) show where you stand with AI. The result shapes your learning path.",
        )) }
        @if let Some(latest) = history.last() {
            section aria-labelledby="latest-title" {
                h2 #latest-title { (lang.pick("최근 결과", "Latest result")) }
                p { (t(lang, &latest.step_explanation())) }
                p { a href=(href(&format!("/me/diagnosis/runs/{}", latest.id), lang)) {
                    (match lang { Lang::Ko => format!("{}회차 결과 자세히 보기 ({})", latest.run_no, latest.taken_on),
                                  Lang::En => format!("See run {} in full ({})", latest.run_no, latest.taken_on) })
                } }
                p { a href=(href("/me/diagnosis/history", lang)) { (lang.pick("진단 이력과 변화 그래프 보기", "See your history and progress chart")) } }
            }
        }
        section aria-labelledby="start-title" {
            h2 #start-title { (lang.pick("진단 시작", "Take the diagnosis")) }
            @match &form {
                Ok(form) => {
                    p { (match lang {
                        Lang::Ko => format!("{}회차 진단: {}문항, 약 20분. 한 단계와 모듈마다 {}문항씩 나오며, 다시 보면 가능한 한 다른 문항이 나옵니다. 답하지 않은 문항은 오답으로 셉니다.",
                            form.run_no, form.items.len(), settings.items_per_cell_in_run),
                        Lang::En => format!("Run {}: {} questions, about 20 minutes; {} from each step and module, and a retake shows other questions where it can. Unanswered questions count as wrong.",
                            form.run_no, form.items.len(), settings.items_per_cell_in_run),
                    }) }
                    p { a.button href=(href("/me/diagnosis/take", lang)) { (lang.pick("진단 시작하기", "Start the diagnosis")) } }
                }
                Err(e) => (profile_notice(lang, e)),
            }
        }
    };
    private_page(StatusCode::OK, frame(lang, &actor, title, "/me/diagnosis", body))
}

fn form_page(
    lang: Lang,
    actor: &Actor,
    form: &DiagnosisForm,
    chosen: &[(String, String)],
    problems: &[Problem],
) -> Markup {
    let csrf = actor.csrf_token().unwrap_or_default();
    let title = lang.pick("AI 역량 진단 문항", "AI skills diagnosis: questions");
    let picked = |name: &str, value: u8| chosen.iter().any(|(k, v)| k == name && *v == value.to_string());
    let body = html! {
        h1 #page-title { (title) }
        (learning_nav(lang, "/me/diagnosis/take"))
        (error_summary(lang, problems))
        p.hint { (lang.pick("각 문항에서 가장 알맞은 답 하나를 고르세요. 답하지 않은 문항은 오답으로 셉니다.",
                            "Choose the one best answer to each question. Unanswered questions count as wrong.")) }
        form.panel method="post" action="/me/diagnosis" {
            (hidden(csrf, lang))
            input type="hidden" name="run" value=(form.run_no);
            @for &step in AiStep::ALL {
                section aria-labelledby=(format!("step-{}", step.as_str())) {
                    h2 id=(format!("step-{}", step.as_str())) { (lang.pick(step.label_ko(), step.label_en())) }
                    @for (n, item) in form.items.iter().enumerate().filter(|(_, i)| i.step == step) {
                        @let name = aiup_diagnosis::run::field_name(item);
                        fieldset.question id=(name) {
                            legend { span.question__number { (n + 1) ". " } (t(lang, &item.stem)) }
                            @for (k, option) in item.options.iter().enumerate() {
                                @let value = (k + 1) as u8;
                                @let id = format!("{name}-{value}");
                                div.choice {
                                    input type="radio" name=(name) id=(id) value=(value) checked[picked(&name, value)];
                                    label for=(id) { (t(lang, option)) }
                                }
                            }
                        }
                    }
                }
            }
            div.actions { button type="submit" { (lang.pick("제출하고 결과 보기", "Submit and see the result")) } }
        }
    };
    frame(lang, actor, title, "/me/diagnosis/take", body)
}

async fn take(
    Allowed(actor, ..): Allowed<perm::OwnLearning>,
    State(state): State<AppState>,
    Query(q): Query<LangForm>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    match state.app.my_diagnosis_form(&actor).await {
        Ok(form) => private_page(StatusCode::OK, form_page(lang, &actor, &form, &[], &[])),
        Err(e) if e.code == Code::ProfileRequired => see_other(&href("/me/diagnosis", lang)),
        Err(e) => ApiError(e).into_response(),
    }
}

async fn submit(
    Allowed(actor, ..): Allowed<perm::OwnLearning>,
    State(state): State<AppState>,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> Response {
    let lang = Lang::from_pairs(&fields);
    let run = fields.iter().find(|(k, _)| k == "run").map(|(_, v)| v.as_str());
    let Some(run_no) = run.and_then(|r| r.parse::<u32>().ok()).filter(|n| *n >= 1) else {
        return ApiError(AppError::field(Code::InvalidField, "run", "is not a run number")).into_response();
    };
    let answers: Vec<(String, String)> = fields
        .iter()
        .filter(|(k, _)| k != "run" && k != "lang")
        .cloned()
        .collect();
    match state.app.submit_my_diagnosis(&actor, run_no, &answers).await {
        Ok(view) => see_other(&href(&format!("/me/diagnosis/runs/{}", view.id), lang)),
        Err(SubmitError::Invalid(errors)) => {
            let problems: Vec<Problem> = errors
                .iter()
                .map(|e| Problem {
                    // Only a tampered form gets here (the radios send 1–4), so the summary points at the page.
                    field: "page-title",
                    message: format!("{}: {}", e.field, lang.pick(&e.reason_ko, &e.reason)),
                })
                .collect();
            match state.app.my_diagnosis_form(&actor).await {
                Ok(form) => private_page(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    form_page(lang, &actor, &form, &answers, &problems),
                ),
                Err(e) => ApiError(e).into_response(),
            }
        }
        // Sent twice, or no profile yet: say why on the diagnosis page itself (409).
        Err(SubmitError::App(e)) if matches!(e.code, Code::Conflict | Code::ProfileRequired) => {
            let title = lang.pick("AI 역량 진단", "AI skills diagnosis");
            let body = html! {
                h1 #page-title { (title) }
                (learning_nav(lang, "/me/diagnosis"))
                p.notice role="alert" { (e.message_in(lang == Lang::Ko)) }
                p { a href=(href("/me/diagnosis/history", lang)) { (lang.pick("진단 이력 보기", "See your diagnosis history")) } }
            };
            private_page(StatusCode::CONFLICT, frame(lang, &actor, title, "/me/diagnosis", body))
        }
        Err(SubmitError::App(e)) => ApiError(e).into_response(),
    }
}

fn scores_table(lang: Lang, view: &RunView) -> Markup {
    html! {
        table.data tabindex="0" {
            caption { (lang.pick("모듈별 점수와 목표까지의 격차", "Score and gap to the target by module")) }
            thead { tr {
                th scope="col" { (lang.pick("모듈", "Module")) }
                th scope="col" { (lang.pick("정답", "Right")) }
                th scope="col" { (lang.pick("점수", "Score")) }
                th scope="col" { (lang.pick("격차", "Gap")) }
                th scope="col" { (lang.pick("설명", "What it means")) }
            } }
            tbody {
                @for (m, text) in view.module_explanations() {
                    tr {
                        th scope="row" { (lang.pick(m.module.label_ko(), m.module.label_en())) }
                        td.num { (m.correct) " / " (m.items) }
                        td.num { (percent(m.score)) }
                        td.num { @if m.gap.0 == 0 { "—" } @else { (percent(m.gap)) "p" } }
                        td { (t(lang, &text)) }
                    }
                }
            }
        }
    }
}

async fn result(
    Allowed(actor, ..): Allowed<perm::OwnLearning>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<LangForm>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let Some(id) = parse_id(&id) else {
        return ApiError(AppError::not_found("diagnosis")).into_response();
    };
    let view = match state.app.my_diagnosis(&actor, id).await {
        Ok(view) => view,
        Err(e) => return ApiError(e).into_response(),
    };
    let title = match lang {
        Lang::Ko => format!("{}회차 진단 결과", view.run_no),
        Lang::En => format!("Diagnosis result, run {}", view.run_no),
    };
    let body = html! {
        h1 #page-title { (title) }
        (learning_nav(lang, "/me/diagnosis/runs"))
        dl.facts {
            dt { (lang.pick("진단일", "Taken on")) } dd { (view.taken_on) }
            dt { (lang.pick("도달 단계", "Step reached")) } dd #step-reached { (step_label(lang, view.outcome.step_reached)) }
            dt { (lang.pick("정답 수", "Right answers")) } dd { (view.outcome.correct()) " / " (view.outcome.items()) }
        }
        p #step-explanation { (t(lang, &view.step_explanation())) }
        p.hint { (match lang {
            Lang::Ko => format!("목표(숙달) {} · 단계 통과 {} — aiup 기본값이며 계획에서 정한 값이 아닙니다.", percent(view.outcome.mastery), percent(view.outcome.step_pass)),
            Lang::En => format!("Target (mastery) {} · step pass {} — aiup defaults, not set by the plan.", percent(view.outcome.mastery), percent(view.outcome.step_pass)),
        }) }
        (scores_table(lang, &view))
        p { a.button href=(href("/me/path", lang)) { (lang.pick("이 결과로 학습 경로 보기", "See the learning path for this result")) } }
        section aria-labelledby="review-title" {
            h2 #review-title { (lang.pick("문항 다시 보기", "Review the questions")) }
            ol.review {
                @for a in &view.answers {
                    li {
                        @if let Some(item) = a.item {
                            p { strong { (t(lang, &item.stem)) } }
                            p { (lang.pick("내 답: ", "Your answer: "))
                                @match a.chosen.and_then(|c| item.options.get(usize::from(c))) {
                                    Some(option) => (t(lang, option)),
                                    None => (lang.pick("답하지 않음", "not answered")),
                                }
                                " — " strong { @if a.correct { (lang.pick("정답", "right")) } @else { (lang.pick("오답", "wrong")) } }
                            }
                            @if !a.correct {
                                p { (lang.pick("정답: ", "Right answer: ")) (t(lang, &item.options[usize::from(item.answer)])) }
                            }
                            p.hint { (lang.pick("측정하는 것: ", "Measures: ")) (t(lang, &item.measures)) }
                            p.hint { (lang.pick("풀이: ", "Why: ")) (t(lang, &item.rationale)) }
                        } @else {
                            p { (lang.pick("이 문항은 문항 은행에서 빠졌습니다: ", "This question has left the bank: ")) code { (a.item_id) } }
                        }
                    }
                }
            }
        }
    };
    private_page(
        StatusCode::OK,
        frame(lang, &actor, &title, &format!("/me/diagnosis/runs/{id}"), body),
    )
}

/// How each module's line is drawn: a dash pattern and a marker shape, so lines differ without
/// colour; colours have at least 3:1 contrast on white (WCAG 1.4.11).
const SERIES: [(&str, &str, &str); 5] = [
    ("#1d4ed8", "", "circle"),
    ("#b91c1c", "6 3", "square"),
    ("#047857", "2 3", "triangle"),
    ("#7c3aed", "8 3 2 3", "diamond"),
    ("#9a3412", "12 4", "cross"),
];

fn marker(shape: &str, x: i64, y: i64, colour: &str) -> String {
    match shape {
        "circle" => format!(r#"<circle cx="{x}" cy="{y}" r="4" fill="{colour}"/>"#),
        "square" => format!(
            r#"<rect x="{}" y="{}" width="8" height="8" fill="{colour}"/>"#,
            x - 4,
            y - 4
        ),
        "triangle" => format!(
            r#"<path d="M{x} {} L{} {} L{} {} Z" fill="{colour}"/>"#,
            y - 5,
            x + 5,
            y + 4,
            x - 5,
            y + 4
        ),
        "diamond" => format!(
            r#"<path d="M{x} {} L{} {y} L{x} {} L{} {y} Z" fill="{colour}"/>"#,
            y - 5,
            x + 5,
            y + 5,
            x - 5
        ),
        _ => format!(
            r#"<path d="M{} {} L{} {} M{} {} L{} {}" stroke="{colour}" stroke-width="2.5"/>"#,
            x - 4,
            y - 4,
            x + 4,
            y + 4,
            x - 4,
            y + 4,
            x + 4,
            y - 4
        ),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A line chart of each module's score per run, as inline SVG (presentation attributes only: the
/// pages' CSP allows no inline style). The table after it holds the same numbers.
fn chart(lang: Lang, runs: &[RunView]) -> Markup {
    let (width, height, left, right, top, bottom) = (640i64, 300i64, 48i64, 16i64, 16i64, 40i64);
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let x_of = |i: usize| {
        if runs.len() <= 1 {
            left + plot_w / 2
        } else {
            left + plot_w * i as i64 / (runs.len() as i64 - 1)
        }
    };
    let y_of = |bp: u32| top + plot_h - plot_h * i64::from(bp) / 10_000;
    let mut svg = String::new();
    for pct in [0u32, 25, 50, 75, 100] {
        let y = y_of(pct * 100);
        svg.push_str(&format!(
            r##"<line x1="{left}" y1="{y}" x2="{}" y2="{y}" stroke="#d1d5db" stroke-width="1"/><text x="{}" y="{}" font-size="12" text-anchor="end" fill="#374151">{pct}%</text>"##,
            width - right,
            left - 6,
            y + 4
        ));
    }
    if let Some(first) = runs.first() {
        let y = y_of(first.outcome.mastery.0);
        svg.push_str(&format!(
            r##"<line x1="{left}" y1="{y}" x2="{}" y2="{y}" stroke="#111827" stroke-width="1.5" stroke-dasharray="1 4"/><text x="{}" y="{}" font-size="12" text-anchor="end" fill="#111827">{}</text>"##,
            width - right,
            width - right,
            y - 4,
            escape(lang.pick("목표", "Target"))
        ));
    }
    for (i, run) in runs.iter().enumerate() {
        svg.push_str(&format!(
            r##"<text x="{}" y="{}" font-size="12" text-anchor="middle" fill="#374151">{}</text>"##,
            x_of(i),
            height - bottom + 18,
            escape(&match lang {
                Lang::Ko => format!("{}회", run.run_no),
                Lang::En => format!("#{}", run.run_no),
            })
        ));
    }
    for (m, &module) in BasicModule::ALL.iter().enumerate() {
        let (colour, dash, shape) = SERIES[m % SERIES.len()];
        let points: Vec<(i64, i64)> = runs
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                r.outcome
                    .modules
                    .iter()
                    .find(|s| s.module == module)
                    .map(|s| (x_of(i), y_of(s.score.0)))
            })
            .collect();
        let path: Vec<String> = points.iter().map(|(x, y)| format!("{x},{y}")).collect();
        svg.push_str(&format!(
            r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2.5" stroke-dasharray="{dash}"/>"#,
            path.join(" ")
        ));
        for (x, y) in points {
            svg.push_str(&marker(shape, x, y, colour));
        }
    }
    let title = lang.pick("모듈별 점수 변화", "Score by module over time");
    let desc = lang.pick(
        "회차별 다섯 모듈의 정답률을 선으로 보여 줍니다. 같은 숫자가 아래 표에 있습니다.",
        "Lines show each of the five modules' share of right answers per run. The table below holds the same numbers.",
    );
    html! {
        figure.chart {
            svg role="img" aria-labelledby="chart-title chart-desc" viewBox=(format!("0 0 {width} {height}")) width="100%" xmlns="http://www.w3.org/2000/svg" {
                title #chart-title { (title) }
                desc #chart-desc { (desc) }
                (PreEscaped(svg))
            }
            figcaption {
                ul.legend {
                    @for (m, &module) in BasicModule::ALL.iter().enumerate() {
                        @let (colour, dash, shape) = SERIES[m % SERIES.len()];
                        li {
                            svg aria-hidden="true" width="36" height="12" viewBox="0 0 36 12" {
                                (PreEscaped(format!(r#"<line x1="0" y1="6" x2="36" y2="6" stroke="{colour}" stroke-width="2.5" stroke-dasharray="{dash}"/>{}"#, marker(shape, 18, 6, colour))))
                            }
                            " " (lang.pick(module.label_ko(), module.label_en()))
                        }
                    }
                }
            }
        }
    }
}

async fn history(
    Allowed(actor, ..): Allowed<perm::OwnLearning>,
    State(state): State<AppState>,
    Query(q): Query<LangForm>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let runs = match state.app.my_diagnosis_history(&actor).await {
        Ok(runs) => runs,
        Err(e) => return ApiError(e).into_response(),
    };
    let title = lang.pick("진단 이력", "Diagnosis history");
    let body = html! {
        h1 #page-title { (title) }
        (learning_nav(lang, "/me/diagnosis/history"))
        @if runs.is_empty() {
            p { (lang.pick("아직 진단 기록이 없습니다. ", "No diagnosis yet. "))
                a href=(href("/me/diagnosis", lang)) { (lang.pick("진단을 시작하세요.", "Take the diagnosis.")) } }
        } @else {
            (chart(lang, &runs))
            table.data #history-table tabindex="0" {
                caption { (lang.pick("회차별 도달 단계와 모듈 점수(정답률)", "Step reached and module scores (share right) by run")) }
                thead { tr {
                    th scope="col" { (lang.pick("회차", "Run")) }
                    th scope="col" { (lang.pick("진단일", "Taken on")) }
                    th scope="col" { (lang.pick("도달 단계", "Step reached")) }
                    @for module in BasicModule::ALL { th scope="col" { (lang.pick(module.label_ko(), module.label_en())) } }
                } }
                tbody {
                    @for run in runs.iter().rev() {
                        tr {
                            th scope="row" { a href=(href(&format!("/me/diagnosis/runs/{}", run.id), lang)) { (run.run_no) } }
                            td { (run.taken_on) }
                            td { (step_label(lang, run.outcome.step_reached)) }
                            @for m in &run.outcome.modules { td.num { (percent(m.score)) } }
                        }
                    }
                }
            }
        }
    };
    private_page(
        StatusCode::OK,
        frame(lang, &actor, title, "/me/diagnosis/history", body),
    )
}
