//! The page frame, the calculator form, the error summary and the 404 page.

use super::form::{href_in, Field, FieldError, FormInput, PageQuery};
use super::results;
use super::Outcome;
use crate::i18n::Lang;
use aiup_core::{Delivery, EmployerSize, Stage, TraineeStatus};
use aiup_rules::Engine;
use maud::{html, Markup, DOCTYPE};

/// The main navigation's sections; a page names the one it belongs to, which the menu marks
/// as current (`aria-current="page"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Courses,
    Calculator,
    Account,
    /// A page outside the menu (sign-in, errors).
    Other,
}

/// The frame of a page outside the main menu's sections.
pub(super) fn page(lang: Lang, title: &str, header_extra: Markup, body: Markup) -> Markup {
    page_in(Section::Other, lang, title, header_extra, body)
}

/// The frame every page shares: head, skip link, header with the main menu (its `section`
/// marked current), one `main` and the footer.
pub(super) fn page_in(section: Section, lang: Lang, title: &str, header_extra: Markup, body: Markup) -> Markup {
    page_with_head(section, lang, title, html! {}, header_extra, body)
}

/// [`page_in`] with elements added to the head (the check-in code screen's refresh).
pub(super) fn page_with_head(
    section: Section,
    lang: Lang,
    title: &str,
    head_extra: Markup,
    header_extra: Markup,
    body: Markup,
) -> Markup {
    let menu = [
        (Section::Courses, "/courses", lang.pick("과정 찾기", "Find a course")),
        (
            Section::Calculator,
            "/",
            lang.pick("지원금 계산기", "Support calculator"),
        ),
        (Section::Account, "/account", lang.pick("내 계정", "My account")),
    ];
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light";
                title { (title) }
                link rel="stylesheet" href="/assets/app.css";
                (head_extra)
            }
            body {
                a.skip-link href="#main" { (lang.pick("본문으로 건너뛰기", "Skip to main content")) }
                header.site-header aria-label=(lang.pick("사이트 머리글", "Site header")) {
                    div.wrap.site-header__inner {
                        a.brand href=(super::widgets::href("/", lang)) {
                            span.brand__mark aria-hidden="true" { "AI+" }
                            span.brand__name { (lang.pick("AI+역량 Up", "AI+ Skills Up")) }
                        }
                        nav.site-nav aria-label=(lang.pick("주요 메뉴", "Main")) {
                            ul {
                                @for (item, path, label) in menu {
                                    li {
                                        a href=(super::widgets::href(path, lang)) aria-current=[(item == section).then_some("page")] { (label) }
                                    }
                                }
                            }
                        }
                        (header_extra)
                    }
                }
                main #main.wrap tabindex="-1" { (body) }
                footer.site-footer aria-label=(lang.pick("사이트 정보", "Site information")) {
                    div.wrap {
                        p {
                            (lang.pick(
                                "고용노동부 「노동시장 AI 인재양성 추진방안」(2026 AI+역량 Up 프로젝트)의 지원 규칙을 정책 파일로 계산합니다. 실제 지급액은 훈련기관과 고용센터의 확인에 따라 달라질 수 있습니다.",
                                "Computed from the policy files for the Ministry of Employment and Labor's 2026 AI+ Skills Up plan. Actual payments depend on confirmation by the training institution and the job centre.",
                            ))
                        }
                    }
                }
            }
        }
    }
}

/// The signed-in trainee's own pages, with `current` marked: every page of their journey
/// carries it under its heading.
pub(crate) fn learning_nav(lang: Lang, current: &str) -> Markup {
    let links = [
        ("/me", lang.pick("나의 학습", "My learning")),
        ("/me/profile", lang.pick("프로필", "Profile")),
        ("/me/diagnosis", lang.pick("역량 진단", "Diagnosis")),
        ("/me/path", lang.pick("학습 경로", "Path")),
        ("/me/applications", lang.pick("신청·수강", "Applications")),
        ("/me/card", lang.pick("내일배움카드", "Learning card")),
        ("/me/attendance", lang.pick("출결", "Attendance")),
        ("/me/statements", lang.pick("훈련장려금", "Allowance")),
    ];
    html! {
        nav.sub-nav aria-label=(lang.pick("나의 학습 메뉴", "My learning")) {
            ul {
                @for (path, label) in links {
                    // A page below a section (a diagnosis run, its history) marks the section.
                    @let here = if path == current { Some("page") } else if path != "/me" && current.starts_with(&format!("{path}/")) { Some("true") } else { None };
                    li { a href=(super::widgets::href(path, lang)) aria-current=[here] { (label) } }
                }
            }
        }
    }
}

/// The header's link to this page in the other language (`href`).
pub(super) fn lang_switch(lang: Lang, href: &str) -> Markup {
    let other = lang.other();
    html! {
        nav.lang-switch aria-label=(lang.pick("언어", "Language")) {
            a #lang-toggle href=(href) lang=(other.code()) hreflang=(other.code()) { (other.pick("한국어", "English")) }
        }
    }
}

/// The calculator: intro, form, errors and (when computed) the results.
pub fn calculator_page(engine: &Engine, query: &PageQuery, outcome: &Outcome) -> Markup {
    let lang = query.lang;
    let errors: &[FieldError] = match outcome {
        Outcome::Invalid(errors) => errors,
        _ => &[],
    };
    let title = match (outcome, lang) {
        (Outcome::Invalid(_), Lang::Ko) => "입력 오류 — 지원금 계산기 — AI+역량 Up".to_owned(),
        (Outcome::Invalid(_), Lang::En) => "Error — Support calculator — AI+ Skills Up".to_owned(),
        (_, Lang::Ko) => "지원금 계산기 — AI+역량 Up".to_owned(),
        (_, Lang::En) => "Support calculator — AI+ Skills Up".to_owned(),
    };
    let other = lang.other();
    let toggle = html! {
        nav.lang-switch aria-label=(lang.pick("언어", "Language")) {
            a #lang-toggle href=(href_in(other, query)) lang=(other.code()) hreflang=(other.code()) {
                (other.pick("한국어", "English"))
            }
        }
    };
    let policy = engine.policy();
    let body = html! {
        h1 #page-title { (lang.pick("지원금 계산기", "Support calculator")) }
        p.lede {
            (lang.pick(
                "AI+역량 Up 훈련 과정을 들을 때 받을 수 있는 훈련장려금, 정부의 수강료 지원, 본인 부담(자부담)을 계산합니다. 모든 금액은 정책 파일의 날짜별 규칙으로 계산되며, 항목마다 근거 법령·계획 문서를 함께 보여 줍니다.",
                "Work out the training allowance, the government's tuition support and what you pay yourself (self-payment) for an AI+ Skills Up course. Every amount comes from the dated rules in the policy files, and each one shows the notice or plan it is based on.",
            ))
        }
        p.policy-note {
            (lang.pick("적용 정책 버전: ", "Policy version: "))
            strong #policy-version { (policy.version) }
        }
        @if !errors.is_empty() {
            (error_summary(lang, errors))
        }
        (calculator_form(engine, query, errors))
        @if let Outcome::Computed(computed) = outcome {
            (results::render(engine, lang, &query.form, computed))
        }
    };
    page_in(Section::Calculator, lang, &title, toggle, body)
}

fn error_summary(lang: Lang, errors: &[FieldError]) -> Markup {
    html! {
        // `outcome` is the form's fragment target: after a submit the browser
        // moves to, and focuses, this summary or the results heading.
        div #outcome.error-summary role="alert" aria-labelledby="error-summary-title" tabindex="-1" {
            h2 #error-summary-title { (lang.pick("입력 내용을 확인하세요", "Check the form")) }
            ul {
                @for error in errors {
                    li {
                        @match error.field {
                            Some(field) => {
                                a href=(format!("#{}", field.name())) {
                                    strong { (field.label(lang)) } ": " (error.message(lang))
                                }
                            }
                            None => { (error.message(lang)) }
                        }
                    }
                }
            }
        }
    }
}

/// The ids an input is described by: its hint, then its error.
fn described_by(field: Field, has_hint: bool, error: Option<&FieldError>) -> Option<String> {
    let mut ids = Vec::new();
    if has_hint {
        ids.push(format!("{}-hint", field.name()));
    }
    if error.is_some() {
        ids.push(format!("{}-error", field.name()));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// A field's label, hint and error around its control.
struct Slot<'a> {
    field: Field,
    lang: Lang,
    hint: Option<&'a str>,
    error: Option<&'a FieldError>,
    optional: bool,
}

impl Slot<'_> {
    fn describedby(&self) -> Option<String> {
        described_by(self.field, self.hint.is_some(), self.error)
    }

    fn invalid(&self) -> Option<&'static str> {
        self.error.map(|_| "true")
    }

    fn wrap(&self, control: Markup) -> Markup {
        let name = self.field.name();
        html! {
            div.field.field--error[self.error.is_some()] #(format!("{name}-field")) {
                label for=(name) {
                    (self.field.label(self.lang))
                    @if self.optional {
                        " " span.optional { (self.lang.pick("(선택)", "(optional)")) }
                    }
                }
                @if let Some(hint) = self.hint {
                    p.hint #(format!("{name}-hint")) { (hint) }
                }
                @if let Some(error) = self.error {
                    p.field-error #(format!("{name}-error")) {
                        span.visually-hidden { (self.lang.pick("오류: ", "Error: ")) }
                        (error.message(self.lang))
                    }
                }
                (control)
            }
        }
    }
}

fn calculator_form(engine: &Engine, query: &PageQuery, errors: &[FieldError]) -> Markup {
    let lang = query.lang;
    let form = &query.form;
    let slot = |field: Field, hint: Option<&'static str>, optional: bool| Slot {
        field,
        lang,
        hint,
        error: errors.iter().find(|e| e.field == Some(field)),
        optional,
    };

    let programme = slot(
        Field::Programme,
        Some(lang.pick(
            "훈련생 개인을 지원하는 사업만 보입니다.",
            "Only programmes that support individual trainees are listed.",
        )),
        false,
    );
    let region = slot(
        Field::Region,
        Some(lang.pick("「시도 시군구」 이름(옛 이름도 가능) 또는 5자리 행정구역 코드. 지원금 등급(수도권·비수도권·인구감소지역)을 정합니다.", "A district and its province, in English (\"Haenam-gun, Jeollanam-do\", \"Jung-gu, Seoul\") or Korean, or a 5-digit region code. It sets the tier: capital area, non-capital area or population-declining area.")),
        false,
    );
    let start = slot(Field::StartDate, None, false);
    let end = slot(Field::EndDate, None, false);
    let total_hours = slot(
        Field::TotalHours,
        Some(lang.pick("과정 전체의 훈련시간", "Hours of the whole course")),
        false,
    );
    let hours_per_day = slot(
        Field::HoursPerDay,
        Some(lang.pick("소수 첫째 자리까지 (예: 7.5)", "Up to one decimal place (e.g. 7.5)")),
        false,
    );
    let delivery = slot(Field::Delivery, None, false);
    let fee = slot(
        Field::FeeWon,
        Some(lang.pick(
            "과정 전체 수강료 (예: 1,000,000)",
            "For the whole course (e.g. 1,000,000)",
        )),
        true,
    );
    let unit_price = slot(
        Field::UnitPrice,
        Some(lang.pick(
            "주면 인정 훈련비 = 기준단가 × 시간 × AI 과정 우대 배수",
            "If given: recognised cost = unit price × hours × the AI-course multiplier",
        )),
        true,
    );
    let rate = slot(
        Field::SelfPaymentRate,
        Some(lang.pick(
            "내일배움카드 과정의 직종별 비율(15–55%). 비우면 상한 적용",
            "The card course's rate for its occupation (15–55%); empty means the highest",
        )),
        true,
    );
    let status = slot(Field::Status, None, false);
    let employer = slot(
        Field::EmployerSize,
        Some(lang.pick(
            "재직자 대상 사업(사업주훈련)에 필요합니다.",
            "Needed for programmes for employees (employer training).",
        )),
        true,
    );
    let exempt = errors.iter().find(|e| e.field == Some(Field::ExemptGroup));

    html! {
        form #calculator.calculator method="get" action="/#outcome" {
            input type="hidden" name="lang" value=(lang.code());
            fieldset.group {
                legend { (lang.pick("훈련 과정", "The course")) }
                (programme.wrap(programme_select(engine, lang, form, &programme)))
                (region.wrap(html! {
                    input #region type="text" name="region" value=(form.region) list="region-list" autocomplete="off" required
                        aria-describedby=[region.describedby()] aria-invalid=[region.invalid()];
                }))
                (region_datalist(engine, lang))
                div.row {
                    (start.wrap(html! {
                        input #start_date type="date" name="start_date" value=(form.start_date) required
                            aria-describedby=[start.describedby()] aria-invalid=[start.invalid()];
                    }))
                    (end.wrap(html! {
                        input #end_date type="date" name="end_date" value=(form.end_date) required
                            aria-describedby=[end.describedby()] aria-invalid=[end.invalid()];
                    }))
                }
                div.row {
                    (total_hours.wrap(html! {
                        input #total_hours type="text" inputmode="decimal" name="total_hours" value=(form.total_hours) required
                            aria-describedby=[total_hours.describedby()] aria-invalid=[total_hours.invalid()];
                    }))
                    (hours_per_day.wrap(html! {
                        input #hours_per_day type="text" inputmode="decimal" name="hours_per_day" value=(form.hours_per_day) required
                            aria-describedby=[hours_per_day.describedby()] aria-invalid=[hours_per_day.invalid()];
                    }))
                    (delivery.wrap(html! {
                        select #delivery name="delivery" required aria-describedby=[delivery.describedby()] aria-invalid=[delivery.invalid()] {
                            @for d in Delivery::ALL {
                                option value=(d.as_str()) selected[form.delivery == d.as_str()] { (lang.pick(d.label_ko(), d.label_en())) }
                            }
                        }
                    }))
                }
            }
            fieldset.group {
                legend { (lang.pick("훈련비", "Course fee")) }
                p.group__hint { (lang.pick("수강료 지원과 자부담을 계산하려면 훈련비를 입력하세요.", "Enter the fee to work out tuition support and self-payment.")) }
                div.row {
                    (fee.wrap(html! {
                        input #fee_won type="text" inputmode="numeric" name="fee_won" value=(form.fee_won)
                            aria-describedby=[fee.describedby()] aria-invalid=[fee.invalid()];
                    }))
                    (unit_price.wrap(html! {
                        input #base_unit_price_won_per_hour type="text" inputmode="numeric" name="base_unit_price_won_per_hour" value=(form.base_unit_price_won_per_hour)
                            aria-describedby=[unit_price.describedby()] aria-invalid=[unit_price.invalid()];
                    }))
                    (rate.wrap(html! {
                        input #self_payment_rate_percent type="text" inputmode="decimal" name="self_payment_rate_percent" value=(form.self_payment_rate_percent)
                            aria-describedby=[rate.describedby()] aria-invalid=[rate.invalid()];
                    }))
                }
            }
            fieldset.group {
                legend { (lang.pick("훈련생", "The trainee")) }
                div.row {
                    (status.wrap(html! {
                        select #status name="status" required aria-describedby=[status.describedby()] aria-invalid=[status.invalid()] {
                            @for s in TraineeStatus::ALL {
                                option value=(s.as_str()) selected[form.status == s.as_str()] { (lang.pick(s.label_ko(), s.label_en())) }
                            }
                        }
                    }))
                    (employer.wrap(html! {
                        select #employer_size name="employer_size" aria-describedby=[employer.describedby()] aria-invalid=[employer.invalid()] {
                            option value="" selected[form.employer_size.is_empty()] { (lang.pick("해당 없음", "Not applicable")) }
                            @for s in EmployerSize::ALL {
                                option value=(s.as_str()) selected[form.employer_size == s.as_str()] { (lang.pick(s.label_ko(), s.label_en())) }
                            }
                        }
                    }))
                }
                div.field.field--check.field--error[exempt.is_some()] #exempt_group-field {
                    input #exempt_group type="checkbox" name="exempt_group" value="true" checked[form.exempt_group]
                        aria-describedby=[described_by(Field::ExemptGroup, true, exempt)] aria-invalid=[exempt.map(|_| "true")];
                    label for="exempt_group" { (Field::ExemptGroup.label(lang)) }
                    p.hint #exempt_group-hint {
                        (lang.pick("내일배움카드 과정에서 자부담 면제 대상이면 선택하세요.", "Tick if the trainee is exempt from card self-payment."))
                    }
                    @if let Some(error) = exempt {
                        p.field-error #exempt_group-error { (error.message(lang)) }
                    }
                }
            }
            div.actions {
                button #submit type="submit" { (lang.pick("계산하기", "Calculate")) }
                a.reset href=(if lang == Lang::En { "/?lang=en" } else { "/" }) { (lang.pick("처음 값으로", "Reset to the example")) }
            }
        }
    }
}

fn programme_select(engine: &Engine, lang: Lang, form: &FormInput, slot: &Slot<'_>) -> Markup {
    let programmes = &engine.policy().programmes;
    html! {
        select #programme name="programme" required aria-describedby=[slot.describedby()] aria-invalid=[slot.invalid()] {
            @for stage in Stage::ALL {
                @let list: Vec<_> = programmes.iter().filter(|p| p.stage == *stage && p.is_trainee_facing()).collect();
                @if !list.is_empty() {
                    optgroup label=(stage_label(lang, *stage)) {
                        @for p in list {
                            option value=(p.id.as_str()) selected[form.programme == p.id.as_str()] { (lang.pick(&p.name.ko, &p.name.en)) }
                        }
                    }
                }
            }
        }
    }
}

fn stage_label(lang: Lang, stage: Stage) -> &'static str {
    match stage {
        Stage::Entry => lang.pick("진입기 (구직자·청년)", "Entry (job seekers, youth)"),
        Stage::Participation => lang.pick("활동기 (재직자·중소기업)", "Participation (employees, SMEs)"),
        Stage::Transition => lang.pick("전환기 (중장년·전직자)", "Transition (mid-career, career changers)"),
        Stage::Infrastructure => lang.pick("인프라", "Infrastructure"),
    }
}

fn region_datalist(engine: &Engine, lang: Lang) -> Markup {
    let table = engine.regions();
    html! {
        datalist #region-list {
            @for r in table.regions() {
                @let label = r.code.to_string();
                @let value = match lang {
                    Lang::Ko => r.full_name.clone(),
                    Lang::En => table.english_name(r),
                };
                option value=(value) label=(label) {}
            }
        }
    }
}

/// The 404 page in `lang`, with a short note in the other language.
pub fn not_found_page(lang: Lang) -> Markup {
    error_frame(
        lang,
        404,
        ("페이지를 찾을 수 없습니다", "Page not found"),
        (
            "주소가 바뀌었거나 없는 페이지입니다. 주소를 확인하거나 아래 링크로 이동하세요.",
            "This address does not exist or has moved. Check the address, or go on from a link below.",
        ),
    )
}

/// Any other error a page can end in (a 400, 405, 413, 500 …), in `lang`, with a short note
/// in the other language.
pub fn error_page(status: u16, lang: Lang) -> Markup {
    let title = match status {
        400 => ("요청을 읽을 수 없습니다", "The request cannot be read"),
        401 => ("로그인이 필요합니다", "Sign-in needed"),
        403 => ("이 페이지를 볼 권한이 없습니다", "You may not see this page"),
        405 => ("이 방식으로는 요청할 수 없습니다", "This method is not allowed here"),
        408 => ("요청 시간이 지났습니다", "The request took too long"),
        413 => ("보낸 내용이 너무 큽니다", "The request is too large"),
        415 => (
            "보낸 내용의 형식을 읽을 수 없습니다",
            "The request's content type is not accepted",
        ),
        422 => ("입력값을 확인해 주세요", "Please check the input"),
        429 => ("요청이 너무 많습니다", "Too many requests"),
        s if s >= 500 => (
            "서버에서 요청을 처리하지 못했습니다",
            "The server could not complete the request",
        ),
        _ => ("요청을 처리할 수 없습니다", "The request cannot be completed"),
    };
    let detail = if status >= 500 {
        (
            "잠시 뒤에 다시 시도하세요. 계속되면 운영자에게 알려 주세요.",
            "Try again in a moment. If it goes on, tell the operator.",
        )
    } else {
        (
            "아무것도 바뀌지 않았습니다. 아래 링크로 이동해 다시 시도하세요.",
            "Nothing was changed. Go on from a link below and try again.",
        )
    };
    error_frame(lang, status, title, detail)
}

/// An error page: its title and explanation in `lang`, the ways back, then the same title and
/// ways back in the other language for a reader who needs it.
fn error_frame(lang: Lang, status: u16, title: (&str, &str), detail: (&str, &str)) -> Markup {
    let other = lang.other();
    let ways_back = |lang: Lang| {
        html! {
            ul.ways-back {
                li { a href=(super::widgets::href("/", lang)) { (lang.pick("지원금 계산기로 가기", "Go to the support calculator")) } }
                li { a href=(super::widgets::href("/courses", lang)) { (lang.pick("과정 찾기로 가기", "Go to course search")) } }
            }
        }
    };
    let body = html! {
        h1 #page-title { (lang.pick(title.0, title.1)) " (" (status) ")" }
        p { (lang.pick(detail.0, detail.1)) }
        (ways_back(lang))
        section.other-language lang=(other.code()) aria-labelledby="other-language-title" {
            h2 #other-language-title { (other.pick(title.0, title.1)) " (" (status) ")" }
            (ways_back(other))
        }
    };
    let page_title = format!(
        "{} ({status}) — {}",
        lang.pick(title.0, title.1),
        lang.pick("AI+역량 Up", "AI+ Skills Up")
    );
    page(lang, &page_title, html! {}, body)
}
