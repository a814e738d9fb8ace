//! The trainee's own pages: `/me`, their home (the profile in short, and the steps of their
//! journey with where each stands), and `/me/profile`, the profile form.

use super::accounts::account_menu;
use super::view::{learning_nav, page_in, Section};
use super::widgets::{error_summary, hidden, href, input as text_input, private_page, see_other, Problem};
use crate::access::{perm, Allowed, CsrfForm};
use crate::i18n::Lang;
use crate::AppState;
use aiup_app::accounts::Actor;
use aiup_app::home::Home;
use aiup_app::people::{Person, SaveProfileError};
use aiup_core::region::RegionTable;
use aiup_core::{EmployerSize, Stage, TraineeStatus};
use aiup_people::{AgeBand, KukchiType, ProfileInput, TargetGroup};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use maud::{html, Markup};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me", get(home))
        .route("/me/profile", get(profile_form).post(save_profile))
}

/// One choice of a field: its spelling, its label, and what it means in plain words.
struct Choice {
    value: &'static str,
    label: (&'static str, &'static str),
    meaning: (&'static str, &'static str),
}

const fn choice(
    value: &'static str,
    label: (&'static str, &'static str),
    meaning: (&'static str, &'static str),
) -> Choice {
    Choice { value, label, meaning }
}

fn stage_choices() -> [Choice; 3] {
    [
        choice(
            Stage::Entry.as_str(),
            ("진입기", "Entry"),
            (
                "학교를 마치고 첫 일자리를 찾거나, 일을 시작한 지 얼마 되지 않은 때입니다.",
                "You are finishing school, looking for a first job, or have only just started working.",
            ),
        ),
        choice(
            Stage::Participation.as_str(),
            ("활동기", "Participation"),
            (
                "일하고 있으며 지금 하는 일에서 AI를 더 잘 쓰고 싶은 때입니다.",
                "You are working and want to use AI better in the job you do.",
            ),
        ),
        choice(
            Stage::Transition.as_str(),
            ("전환기", "Transition"),
            (
                "일을 바꾸거나, 다시 일을 찾거나, 퇴직 뒤를 준비하는 때입니다.",
                "You are changing jobs, returning to work, or preparing for life after retirement.",
            ),
        ),
    ]
}

fn status_choices() -> [Choice; 3] {
    [
        choice(
            TraineeStatus::JobSeeker.as_str(),
            ("구직자", "Job seeker"),
            (
                "지금 일하지 않고 일자리를 찾고 있습니다.",
                "You are not working now and are looking for a job.",
            ),
        ),
        choice(
            TraineeStatus::Employed.as_str(),
            ("재직자", "Employee"),
            (
                "회사에 고용되어 일하고 있습니다. 아래에서 회사 규모도 골라 주세요.",
                "You work for an employer. Choose the employer's size below too.",
            ),
        ),
        choice(
            TraineeStatus::SelfEmployed.as_str(),
            ("자영업자", "Self-employed"),
            ("자기 사업을 하고 있습니다.", "You run your own business."),
        ),
    ]
}

fn employer_size_choices() -> [Choice; 3] {
    [
        choice(EmployerSize::PrioritySupport.as_str(), ("우선지원대상기업 (대부분의 중소기업)", "Priority-support firm (most SMEs)"), (
            "업종별로 정한 인원보다 적은 회사입니다. 예: 제조업 500명 이하, 도소매·서비스업 대부분 100–300명 이하.",
            "A firm below its industry's headcount line, e.g. manufacturing up to 500 workers, most trade and services 100–300.",
        )),
        choice(EmployerSize::Large.as_str(), ("1,000명 미만 대규모기업", "Large firm under 1,000 workers"), (
            "우선지원대상기업이 아니면서 1,000명보다 적은 회사입니다.",
            "Not a priority-support firm, with fewer than 1,000 workers.",
        )),
        choice(EmployerSize::Large1000.as_str(), ("1,000명 이상 대규모기업", "Large firm of 1,000 or more"), (
            "상시 근로자가 1,000명 이상인 회사입니다.",
            "A firm with 1,000 or more regular workers.",
        )),
    ]
}

fn group_meaning(group: TargetGroup) -> (&'static str, &'static str) {
    match group {
        TargetGroup::LowIncome => (
            "기초생활수급자이거나 차상위계층입니다. 카드 한도가 한 번 더 늘고 훈련비를 더 많이 지원받습니다.",
            "You receive basic livelihood support or are near-poverty. The card gets a one-off top-up and pays more of the fee.",
        ),
        TargetGroup::SingleParent => (
            "한부모가족 지원 대상입니다.",
            "Your family receives single-parent family support.",
        ),
        TargetGroup::Disabled => ("등록 장애인입니다.", "You are registered as a person with a disability."),
        TargetGroup::CareerBreakWoman => (
            "임신·출산·육아 등으로 일을 쉬었다가 다시 일하려는 여성입니다.",
            "A woman returning to work after a break for pregnancy, birth, childcare or the like.",
        ),
        TargetGroup::NationalMerit => (
            "국가유공자이거나 그 가족입니다.",
            "You are a person of national merit or of their family.",
        ),
        TargetGroup::SelfRelianceYouth => (
            "아동복지시설·위탁가정의 보호가 끝났거나 곧 끝나는 청년입니다.",
            "A young person whose care in a children's home or foster family has ended or is ending.",
        ),
        TargetGroup::EarnedIncomeCredit => (
            "근로장려금을 받았습니다.",
            "You received the earned-income tax credit.",
        ),
        TargetGroup::MarriageMigrant => ("결혼하여 한국에 이민 왔습니다.", "You came to Korea by marriage."),
        TargetGroup::NorthKoreanDefector => ("북한이탈주민입니다.", "You are a North Korean defector."),
    }
}

fn kukchi_meaning(kind: KukchiType) -> (&'static str, &'static str) {
    match kind {
        KukchiType::None => ("국민취업지원제도에 참여하지 않습니다.", "You are not in the national employment support programme."),
        KukchiType::Type1 => (
            "소득이 낮은 구직자 등이 구직촉진수당을 받는 유형입니다. 훈련비를 전액 지원받을 수 있습니다.",
            "The type for low-income job seekers and others, with a job-seeking allowance. Training fees can be paid in full.",
        ),
        KukchiType::Type2 => (
            "청년·중장년 등이 취업 지원 서비스를 받는 유형입니다.",
            "The type where young and middle-aged people and others get employment services.",
        ),
    }
}

/// The form's field ids, in the order the form shows them (errors are listed in this order).
const FIELDS: [&str; 8] = [
    "stage",
    "status",
    "employer_size",
    "region",
    "age_band",
    "groups",
    "kukchi",
    "external_id",
];

/// A field's name in errors, so the summary says which field each line is about.
fn field_label(lang: Lang, field: &str) -> &'static str {
    match field {
        "stage" => lang.pick("생애 단계", "Stage of working life"),
        "status" => lang.pick("지금 하는 일", "What you do now"),
        "employer_size" => lang.pick("회사 규모", "Employer's size"),
        "region" => lang.pick("사는 곳", "Where you live"),
        "age_band" => lang.pick("연령대", "Age band"),
        "groups" => lang.pick("해당하는 대상", "Groups"),
        "kukchi" => lang.pick("국민취업지원제도", "National employment support"),
        _ => lang.pick("고용24 회원번호", "Work24 member number"),
    }
}

fn field_id(field: &str) -> &'static str {
    FIELDS.iter().find(|f| **f == field).copied().unwrap_or("stage")
}

/// The ids describing a control: its own hint, then the field's error.
fn described(own_hint: Option<&str>, error: Option<&Problem>, field: &str) -> Option<String> {
    let mut ids: Vec<String> = own_hint.map(str::to_owned).into_iter().collect();
    if error.is_some() {
        ids.push(format!("{field}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

fn field_error(field: &str, error: Option<&Problem>) -> Markup {
    html! { @if let Some(e) = error { p.field-error id=(format!("{field}-error")) { (e.message) } } }
}

/// A group of radio buttons (one choice) or checkboxes (several), each option explained.
/// The first control carries the field's id, so the error summary's link lands on it.
#[allow(clippy::too_many_arguments)]
fn choices(
    lang: Lang,
    field: &'static str,
    legend: &str,
    hint: Option<&str>,
    kind: &str,
    options: &[Choice],
    chosen: &[&str],
    problems: &[Problem],
) -> Markup {
    let error = problems.iter().find(|p| p.field == field);
    html! {
        fieldset.group.field--error[error.is_some()] #(format!("{field}-group"))
            aria-describedby=[hint.map(|_| format!("{field}-hint"))] {
            legend { (legend) }
            @if let Some(hint) = hint { p.group__hint id=(format!("{field}-hint")) { (hint) } }
            (field_error(field, error))
            @for (i, option) in options.iter().enumerate() {
                @let id = if i == 0 { field.to_owned() } else { format!("{field}-{}", option.value) };
                @let meaning_id = format!("{id}-meaning");
                div.field.field--check {
                    input #(id) type=(kind) name=(field) value=(option.value) checked[chosen.contains(&option.value)]
                        aria-invalid=[(kind == "checkbox" && error.is_some()).then_some("true")]
                        aria-describedby=[described(Some(&meaning_id), error, field)];
                    label for=(id) { (lang.pick(option.label.0, option.label.1)) }
                    p.hint id=(meaning_id) { (lang.pick(option.meaning.0, option.meaning.1)) }
                }
            }
        }
    }
}

/// A select with its label, hint and error; `first` is the empty choice's text, if any.
fn select(
    field: &'static str,
    label: &str,
    hint: Option<&str>,
    first: Option<&str>,
    options: Markup,
    problems: &[Problem],
) -> Markup {
    let error = problems.iter().find(|p| p.field == field);
    let hint_id = format!("{field}-hint");
    html! {
        div class=(if error.is_some() { "field field--error" } else { "field" }) {
            label for=(field) { (label) }
            @if let Some(hint) = hint { p.hint id=(hint_id) { (hint) } }
            (field_error(field, error))
            select #(field) name=(field)
                aria-invalid=[error.map(|_| "true")]
                aria-describedby=[described(hint.map(|_| hint_id.as_str()), error, field)] {
                @if let Some(first) = first { option value="" { (first) } }
                (options)
            }
        }
    }
}

/// The 시군구 of every province, grouped by province: one select that works without script.
fn region_options(regions: &RegionTable, lang: Lang, chosen: &str) -> Markup {
    html! {
        @for province in regions.provinces() {
            optgroup label=(lang.pick(&province.name, &province.name_en)) {
                @for region in regions.regions().iter().filter(|r| r.sido_code == province.code) {
                    @let code = region.code.to_string();
                    option value=(code) selected[code == chosen] {
                        (match lang { Lang::Ko => region.full_name.clone(), Lang::En => regions.english_name(region) })
                    }
                }
            }
        }
    }
}

/// What the form shows besides the profile's fields.
struct FormState<'a> {
    problems: &'a [Problem],
    /// No profile yet: the form greets a newcomer.
    is_new: bool,
    /// The outside identifier: whether one is on record, and what was typed.
    has_external_id: bool,
    external_id: &'a str,
}

fn profile_page(state: &AppState, actor: &Actor, lang: Lang, input: &ProfileInput, form: &FormState<'_>) -> Markup {
    let (problems, is_new) = (form.problems, form.is_new);
    let engine = state.engine();
    let csrf = actor.csrf_token().unwrap_or_default();
    let title = lang.pick("나의 프로필", "My profile");
    let p = problems;
    let groups: Vec<&str> = input.groups.iter().map(String::as_str).collect();
    let group_choices: Vec<Choice> = TargetGroup::ALL
        .iter()
        .map(|g| choice(g.as_str(), (g.label_ko(), g.label_en()), group_meaning(*g)))
        .collect();
    let kukchi_choices: Vec<Choice> = KukchiType::ALL
        .iter()
        .map(|k| choice(k.as_str(), (k.label_ko(), k.label_en()), kukchi_meaning(*k)))
        .collect();
    let kukchi = if input.kukchi.trim().is_empty() {
        KukchiType::None.as_str()
    } else {
        input.kukchi.trim()
    };
    let sizes = employer_size_choices();
    let body = html! {
        h1 #page-title { (title) }
        (learning_nav(lang, "/me/profile"))
        p.lede { (lang.pick(
            "지원금과 맞는 과정을 계산하는 데 필요한 것만 묻습니다. 이름·주민등록번호·생년월일은 묻지도 저장하지도 않습니다.",
            "We ask only what is needed to work out your support and the courses that fit you. We never ask for or keep your name, resident registration number or birth date.",
        )) }
        @if is_new { p.notice role="status" { (lang.pick(
            "처음이시군요. 프로필을 저장하면 진단과 학습 경로, 신청을 쓸 수 있습니다.",
            "Welcome. Once your profile is saved you can take the diagnosis, see your path and apply.",
        )) } }
        (error_summary(lang, p))
        form.panel method="post" action="/me/profile" novalidate {
            (hidden(csrf, lang))
            (choices(lang, "stage", lang.pick("생애 단계", "Stage of working life"),
                Some(lang.pick("지금 나에게 가장 가까운 것을 고르세요. 맞는 과정과 사업이 달라집니다.",
                    "Choose the one closest to you now. It changes which courses and programmes fit.")),
                "radio", &stage_choices(), &[input.stage.trim()], p))
            (choices(lang, "status", lang.pick("지금 하는 일", "What you do now"), None,
                "radio", &status_choices(), &[input.status.trim()], p))
            (select("employer_size", lang.pick("회사 규모 (재직자만)", "Employer's size (employees only)"),
                Some(lang.pick("재직자는 꼭 고르세요. 회사 규모에 따라 지원율이 다릅니다. 다른 분은 비워 두세요.",
                    "Employees must choose: support depends on the firm's size. Everyone else leaves it empty.")),
                Some(lang.pick("해당 없음", "Not applicable")),
                html! { @for s in &sizes {
                    option value=(s.value) selected[input.employer_size.trim() == s.value] { (lang.pick(s.label.0, s.label.1)) }
                } }, p))
            ul.hint.choices-explained {
                @for s in &sizes { li { strong { (lang.pick(s.label.0, s.label.1)) } ": " (lang.pick(s.meaning.0, s.meaning.1)) } }
            }
            (select("region", lang.pick("사는 곳 (시군구)", "Where you live (district)"),
                Some(lang.pick("시도별로 묶여 있습니다. 인구감소지역에 살면 더 많이 지원받는 사업이 있습니다.",
                    "Grouped by province. Some programmes pay more to people living in population-declining areas.")),
                Some(lang.pick("고르세요", "Choose")),
                region_options(engine.regions(), lang, input.region.trim()), p))
            (select("age_band", lang.pick("연령대 (만 나이)", "Age band (full years)"),
                Some(lang.pick("청년(15–34세)과 중장년(40세 이상)은 따로 지원하는 사업이 있습니다. 75세 이상은 국민내일배움카드를 받을 수 없습니다.",
                    "Some programmes are for youth (15–34) or the middle-aged (40 and over). The learning card is not issued from 75.")),
                Some(lang.pick("고르세요", "Choose")),
                html! { @for band in AgeBand::ALL {
                    option value=(band.as_str()) selected[input.age_band.trim() == band.as_str()] { (lang.pick(band.label_ko(), band.label_en())) }
                } }, p))
            (choices(lang, "groups", lang.pick("해당하는 대상 (해당하는 것 모두)", "Groups you belong to (all that apply)"),
                Some(lang.pick("해당하는 것이 없으면 비워 두세요. 카드 지원율과 추가 한도에 쓰입니다.",
                    "Leave them all empty if none applies. They set the card's support rate and its extra limit.")),
                "checkbox", &group_choices, &groups, p))
            (choices(lang, "kukchi", lang.pick("국민취업지원제도", "National employment support programme"), None,
                "radio", &kukchi_choices, &[kukchi], p))
            @if state.app.identifier_key().is_some() {
                (text_input("external_id", "text", lang.pick("고용24 회원번호 (선택)", "Work24 member number (optional)"), form.external_id, "off",
                    Some(if form.has_external_id {
                        lang.pick("등록되어 있습니다. 바꿀 때만 쓰세요. 번호는 저장하지 않고, 비밀 열쇠로 만든 해시만 저장합니다.",
                            "One is on record; type only to change it. The number itself is never stored, only a hash made with a secret key.")
                    } else {
                        lang.pick("기관 기록과 연결할 때만 씁니다. 번호는 저장하지 않고, 비밀 열쇠로 만든 해시만 저장합니다. 주민등록번호는 쓰지 마세요.",
                            "Used only to link your records with an institution's. The number itself is never stored, only a hash made with a secret key. Never enter a resident registration number.")
                    }), p, false))
            }
            div.actions { button type="submit" { (lang.pick("저장", "Save")) } }
        }
    };
    page_in(
        Section::Account,
        lang,
        &format!(
            "{}{title} — AI+역량 Up",
            if problems.is_empty() {
                ""
            } else {
                lang.pick("입력 오류 — ", "Error — ")
            }
        ),
        account_menu(lang, actor, Some(&href("/me/profile", lang.other()))),
        body,
    )
}

fn lang_of(query: Result<Query<Vec<(String, String)>>, QueryRejection>) -> (Lang, Vec<(String, String)>) {
    let pairs = query.map(|Query(p)| p).unwrap_or_default();
    (Lang::from_pairs(&pairs), pairs)
}

async fn profile_form(
    Allowed(actor, ..): Allowed<perm::OwnLearning>,
    State(state): State<AppState>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let (lang, _) = lang_of(query);
    let person = match state.app.my_person(&actor).await {
        Ok(person) => person,
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    let input = person
        .as_ref()
        .map(|p| ProfileInput::from(&p.profile))
        .unwrap_or_default();
    let form = FormState {
        problems: &[],
        is_new: person.is_none(),
        has_external_id: person.as_ref().is_some_and(|p| p.has_external_id),
        external_id: "",
    };
    private_page(StatusCode::OK, profile_page(&state, &actor, lang, &input, &form))
}

/// The posted form as the service takes it (`groups` may repeat).
fn input_of(pairs: &[(String, String)]) -> ProfileInput {
    let one = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    ProfileInput {
        stage: one("stage"),
        status: one("status"),
        employer_size: one("employer_size"),
        region: one("region"),
        age_band: one("age_band"),
        groups: pairs
            .iter()
            .filter(|(k, _)| k == "groups")
            .map(|(_, v)| v.clone())
            .collect(),
        kukchi: one("kukchi"),
    }
}

async fn save_profile(
    Allowed(actor, ..): Allowed<perm::OwnLearning>,
    State(state): State<AppState>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Response {
    let lang = Lang::from_pairs(&pairs);
    let input = input_of(&pairs);
    let external_id = pairs
        .iter()
        .find(|(k, _)| k == "external_id")
        .map_or("", |(_, v)| v.as_str());
    match state
        .app
        .save_my_profile_with_identifier(&actor, &input, Some(external_id))
        .await
    {
        Ok(_) => see_other(&href("/me?done=profile", lang)),
        Err(SaveProfileError::Invalid(errors)) => {
            let problems: Vec<Problem> = errors
                .iter()
                .map(|e| Problem {
                    field: field_id(e.field),
                    message: format!(
                        "{}: {}",
                        field_label(lang, e.field),
                        lang.pick(&e.reason.ko, &e.reason.en)
                    ),
                })
                .collect();
            let has_external_id = match state.app.my_person(&actor).await {
                Ok(person) => person.is_some_and(|p| p.has_external_id),
                Err(e) => return crate::error::ApiError(e).into_response(),
            };
            let form = FormState {
                problems: &problems,
                is_new: false,
                has_external_id,
                external_id,
            };
            private_page(
                StatusCode::UNPROCESSABLE_ENTITY,
                profile_page(&state, &actor, lang, &input, &form),
            )
        }
        Err(SaveProfileError::App(e)) => crate::error::ApiError(e).into_response(),
    }
}

/// A step of the journey on the home page: where it is, what it is, and how it stands.
struct Step {
    path: &'static str,
    title: (&'static str, &'static str),
    what: (&'static str, &'static str),
}

const STEPS: [Step; 4] = [
    Step {
        path: "/me/diagnosis",
        title: ("AI 역량 진단", "AI skills diagnosis"),
        what: (
            "몇 가지 문항으로 지금 AI를 얼마나 다루는지, 어느 모듈이 부족한지 알아봅니다.",
            "A few questions show how well you handle AI now, and which modules you lack.",
        ),
    },
    Step {
        path: "/me/path",
        title: ("나의 학습 경로", "My learning path"),
        what: (
            "진단과 프로필에 맞춰 단계별 과정과 지원금 추정을 보여 드립니다.",
            "Courses for each step, chosen from your diagnosis and profile, with their estimated support.",
        ),
    },
    Step {
        path: "/me/applications",
        title: ("신청과 수강", "Applications and courses"),
        what: (
            "신청한 과정이 어떻게 되었는지 보고, 기간 안이면 철회할 수 있습니다.",
            "See how your applications stand, and withdraw within the allowed period.",
        ),
    },
    Step {
        path: "/me/card",
        title: ("국민내일배움카드", "Learning card"),
        what: (
            "카드 잔액과 모든 사용 내역을 근거 규정과 함께 봅니다.",
            "Your card's balance and every entry, each with the rule behind it.",
        ),
    },
];

/// Where one step of the journey stands, in a sentence.
fn step_status(lang: Lang, path: &str, home: &Home) -> String {
    if home.person.is_none() {
        return lang
            .pick("프로필을 먼저 만들어 주세요.", "make your profile first.")
            .to_owned();
    }
    match (path, lang) {
        ("/me/diagnosis", _) => match &home.diagnosis {
            None => lang.pick("아직 받지 않았습니다.", "not taken yet.").to_owned(),
            Some(d) => {
                let step = d.step_reached.map_or_else(
                    || lang.pick("첫 단계 전", "below the first step").to_owned(),
                    |s| lang.pick(s.label_ko(), s.label_en()).to_owned(),
                );
                match lang {
                    Lang::Ko => format!("{}회 받았습니다. 최근 {} · 도달 단계: {step}.", d.runs, d.taken_on),
                    Lang::En => format!("taken {} time(s); latest {}, step reached: {step}.", d.runs, d.taken_on),
                }
            }
        },
        ("/me/path", _) => match home.diagnosis {
            None => lang
                .pick(
                    "진단을 받으면 결과에 맞춰 과정을 고릅니다.",
                    "courses are chosen once you take the diagnosis.",
                )
                .to_owned(),
            Some(_) => lang
                .pick(
                    "최근 진단에 맞춘 경로가 있습니다.",
                    "a path for your latest diagnosis is ready.",
                )
                .to_owned(),
        },
        ("/me/applications", Lang::Ko) => match home.latest_application {
            None => "아직 신청하지 않았습니다.".to_owned(),
            Some(latest) => format!(
                "진행 중 {}건 · 최근 신청: {}.",
                home.live_applications,
                latest.label_ko()
            ),
        },
        ("/me/applications", Lang::En) => match home.latest_application {
            None => "no application yet.".to_owned(),
            Some(latest) => format!("{} in progress; latest: {}.", home.live_applications, latest.label_en()),
        },
        _ => match home.card_balance_won {
            None => lang.pick("아직 열지 않았습니다.", "not opened yet.").to_owned(),
            Some(balance) => format!("{} {}.", lang.pick("잔액", "balance"), aiup_core::money::Won(balance)),
        },
    }
}

/// The profile in short, as a description list.
fn profile_summary(state: &AppState, lang: Lang, person: &Person) -> Markup {
    let engine = state.engine();
    let p = &person.profile;
    let region = engine
        .regions()
        .get(p.region)
        .map(|r| match lang {
            Lang::Ko => r.full_name.clone(),
            Lang::En => engine.regions().english_name(r),
        })
        .unwrap_or_else(|| p.region.to_string());
    let label = |ko: &'static str, en: &'static str| lang.pick(ko, en);
    html! {
        dl.facts {
            dt { (label("생애 단계", "Stage")) } dd { (label(p.stage.label_ko(), p.stage.label_en())) }
            dt { (label("지금 하는 일", "What you do")) } dd {
                (label(p.status.label_ko(), p.status.label_en()))
                @if let Some(size) = p.employer_size { " · " (label(size.label_ko(), size.label_en())) }
            }
            dt { (label("사는 곳", "Lives in")) } dd { (region) }
            dt { (label("연령대", "Age band")) } dd { (label(p.age_band.label_ko(), p.age_band.label_en())) }
            dt { (label("해당 대상", "Groups")) } dd {
                @if p.groups.is_empty() { (label("없음", "None")) }
                @for (i, g) in p.groups.iter().enumerate() {
                    @if i > 0 { ", " }
                    (label(g.label_ko(), g.label_en()))
                }
            }
            dt { (label("국민취업지원제도", "National employment support")) } dd { (label(p.kukchi.label_ko(), p.kukchi.label_en())) }
        }
    }
}

async fn home(
    Allowed(actor, ..): Allowed<perm::OwnLearning>,
    State(state): State<AppState>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let (lang, pairs) = lang_of(query);
    let saved = pairs.iter().any(|(k, v)| k == "done" && v == "profile");
    let home = match state.app.my_home(&actor).await {
        Ok(home) => home,
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    let person = &home.person;
    let title = lang.pick("나의 학습", "My learning");
    let body = html! {
        h1 #page-title { (title) }
        (learning_nav(lang, "/me"))
        @if saved { p.notice role="status" { (lang.pick("프로필을 저장했습니다.", "Your profile is saved.")) } }
        section aria-labelledby="profile-title" {
            h2 #profile-title { (lang.pick("나의 프로필", "My profile")) }
            @match person {
                Some(person) => {
                    (profile_summary(&state, lang, person))
                    p { a href=(href("/me/profile", lang)) { (lang.pick("프로필 고치기", "Change my profile")) } }
                }
                None => {
                    p { (lang.pick(
                        "아직 프로필이 없습니다. 프로필이 있어야 진단, 학습 경로, 신청을 쓸 수 있습니다.",
                        "You have no profile yet. The diagnosis, your path and applications need one.",
                    )) }
                    p { a.button--primary href=(href("/me/profile", lang)) { (lang.pick("프로필 만들기", "Make my profile")) } }
                }
            }
        }
        section aria-labelledby="steps-title" {
            h2 #steps-title { (lang.pick("다음 단계", "Your steps")) }
            ol.steps {
                @for step in &STEPS {
                    li id=(format!("step-{}", step.path.trim_start_matches("/me/"))) {
                        h3 { a href=(href(step.path, lang)) { (lang.pick(step.title.0, step.title.1)) } }
                        p { (lang.pick(step.what.0, step.what.1)) }
                        p.hint { (lang.pick("상태: ", "Status: ")) (step_status(lang, step.path, &home)) }
                    }
                }
            }
        }
    };
    private_page(
        StatusCode::OK,
        page_in(
            Section::Account,
            lang,
            &format!("{title} — AI+역량 Up"),
            account_menu(lang, &actor, Some(&href("/me", lang.other()))),
            body,
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_the_parser_names_has_a_place_on_the_form() {
        let bad = ProfileInput {
            stage: "x".into(),
            status: "employed".into(),
            employer_size: String::new(),
            region: "1".into(),
            age_band: "x".into(),
            groups: vec!["x".into()],
            kukchi: "x".into(),
        };
        let regions = RegionTable::load(aiup_core::defaults::region_files()).expect("regions");
        for e in bad.parse(&regions).expect_err("invalid") {
            assert_eq!(field_id(e.field), e.field, "{} has no control", e.field);
        }
    }

    #[test]
    fn repeated_groups_are_all_read() {
        let pairs: Vec<(String, String)> = [("stage", "entry"), ("groups", "disabled"), ("groups", "low_income")]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let input = input_of(&pairs);
        assert_eq!(input.groups, ["disabled", "low_income"]);
        assert_eq!(input.stage, "entry");
    }
}
