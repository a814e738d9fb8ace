//! "My learning path": the plan's three steps (theory online → basic practice → advanced
//! practice), each with the best few courses, why they were chosen and what the rules engine
//! says the trainee pays and receives. A course the trainee is not eligible for is shown apart,
//! with the reason, never as a pick.

use super::accounts::account_menu;
use super::course::card_status_badge;
use super::courses::{hours_text, region_text};
use super::view::learning_nav;
use super::view::{page_in, Section};
use super::widgets::{as_written, href, private_page, LangForm};
use crate::access::{perm, Allowed};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::AppState;
use aiup_app::Code;
use aiup_core::Won;
use aiup_diagnosis::path::{Eligibility, Pick};
use aiup_diagnosis::Text;
use aiup_rules::{Engine, Estimate};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::NaiveDate;
use maud::{html, Markup};

pub fn routes() -> Router<AppState> {
    Router::new().route("/me/path", get(my_path))
}

fn t(lang: Lang, text: &Text) -> &str {
    lang.pick(&text.ko, &text.en)
}

fn course_item(engine: &Engine, lang: Lang, pick: &Pick<Estimate>, today: NaiveDate) -> Markup {
    let course = &pick.course;
    html! {
        li.course-card {
            h3.course-card__title {
                a href=(href(&format!("/courses/{}", course.id), lang)) { (as_written(lang, &course.title)) }
            }
            (card_status_badge(lang, course, today))
            p.course-card__meta {
                @if let Some(step) = course.ai_step { (lang.pick(step.label_ko(), step.label_en())) " · " }
                (lang.pick(course.delivery.label_ko(), course.delivery.label_en())) " · "
                (hours_text(lang, course)) " · "
                (region_text(engine, lang, course))
            }
            @match &pick.eligibility {
                Eligibility::Eligible(estimate) => {
                    p.course-card__support {
                        span.support-pay { (lang.pick("본인부담 ", "You pay ")) strong { (Won(estimate.totals.self_payment_won)) } }
                        " · "
                        span.support-allowance { (lang.pick("훈련장려금(첫 달) ", "Allowance (first month) ")) strong { (Won(estimate.totals.allowance_won)) } }
                        " · "
                        span.support-programme { (lang.pick(&estimate.programme.name.ko, &estimate.programme.name.en)) }
                    }
                    p.why { strong { (lang.pick("추천 이유: ", "Why: ")) } (t(lang, &pick.why)) }
                }
                Eligibility::NotEligible(_) => {
                    p.course-card__support.course-card__support--ineligible { (t(lang, &pick.why)) }
                }
            }
        }
    }
}

async fn my_path(
    Allowed(actor, ..): Allowed<perm::OwnLearning>,
    State(state): State<AppState>,
    Query(q): Query<LangForm>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let title = lang.pick("나의 학습 경로", "My learning path");
    let engine = state.app.engine();
    let today = state.app.today();
    let found = state.app.my_path(&actor).await;
    let body = match &found {
        Err(e) if e.code == Code::ProfileRequired => html! {
            h1 #page-title { (title) }
            (learning_nav(lang, "/me/path"))
            p.notice role="status" { (e.message_in(lang == Lang::Ko)) }
        },
        Err(e) => return ApiError(e.clone()).into_response(),
        Ok(mine) => html! {
            h1 #page-title { (title) }
            (learning_nav(lang, "/me/path"))
            p { (lang.pick(
                "계획의 경로는 온라인 이론(STEP 등 원격) → 기초 실습(VR·메타버스) → 심화 실습(디지털 트윈)입니다. 진단에서 부족했던 영역, 다음 단계, 사는 지역, 신청 가능 여부와 생애 단계를 보고 단계마다 과정을 최대 3개 골랐습니다. 지원금은 규칙 엔진이 내 상황으로 계산한 값입니다.",
                "The plan's path is theory online (STEP and other remote courses) → basic practice (VR / metaverse) → advanced practice (digital twin). For each step, up to three courses were chosen by the areas your diagnosis found short, your next step, where you live, whether they take applications now, and your stage of working life. Support is computed by the rules engine for your situation.",
            )) }
            @match &mine.latest {
                Some(latest) => p.hint { (match lang {
                    Lang::Ko => format!("{}회차 진단({}) 기준. 찾는 단계: {}.", latest.run_no, latest.taken_on, mine.path.target_step.label_ko()),
                    Lang::En => format!("Based on diagnosis run {} ({}). Step sought: {}.", latest.run_no, latest.taken_on, mine.path.target_step.label_en()),
                }) },
                None => p.notice role="status" {
                    (lang.pick("아직 진단 결과가 없어 모든 영역을 같게 보았습니다. ", "With no diagnosis yet, every area counts the same. "))
                    a href=(href("/me/diagnosis", lang)) { (lang.pick("진단을 먼저 받아 보세요.", "Take the diagnosis first.")) }
                },
            }
            @for step in &mine.path.steps {
                section.path-step aria-labelledby=(format!("path-{:?}", step.kind)) {
                    h2 id=(format!("path-{:?}", step.kind)) { (t(lang, &step.kind.label())) }
                    ol.course-list {
                        @for pick in &step.picks { (course_item(&engine, lang, pick, today)) }
                    }
                    @if !step.not_eligible.is_empty() {
                        p.subhead { strong { (lang.pick("관련 있지만 지원 대상으로 확인되지 않은 과정", "Relevant, but not confirmed as open to you")) } }
                        ul.course-list.course-list--ineligible {
                            @for pick in &step.not_eligible { (course_item(&engine, lang, pick, today)) }
                        }
                    }
                }
            }
            @if !mine.path.skipped.is_empty() {
                section aria-labelledby="skipped-title" {
                    h2 #skipped-title { (lang.pick("건너뛴 단계", "Steps skipped")) }
                    p { (lang.pick("지금 신청할 수 있는 과정이 없어 다음 단계는 건너뛰었습니다:", "No course you can take exists for these steps, so they are skipped:")) }
                    ul { @for kind in &mine.path.skipped { li { (t(lang, &kind.label())) } } }
                }
            }
        },
    };
    private_page(
        StatusCode::OK,
        page_in(
            Section::Account,
            lang,
            &format!("{title} — AI+역량 Up"),
            account_menu(lang, &actor, Some(&href("/me/path", lang.other()))),
            body,
        ),
    )
}
