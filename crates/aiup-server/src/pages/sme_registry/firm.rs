//! One firm's record (`/admin/sme/firms/{id}`): every field, its centre (with the form that
//! assigns it), the partner programmes it takes part in, and its contacts (HR lead accounts).

use super::{centre_name, frame, industry_of, province_name, registry_nav, yes_no, FIRMS};
use crate::access::{perm, Allowed, CsrfForm};
use crate::i18n::Lang;
use crate::pages::widgets::{column_heads, hidden, href, parse_id, see_other};
use crate::AppState;
use aiup_app::accounts::{Actor, Permission};
use aiup_app::sme::{firms, partners};
use aiup_app::Code;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub(super) struct RecordQuery {
    lang: Option<String>,
    done: Option<String>,
}

async fn record_page(state: &AppState, actor: &Actor, lang: Lang, id: &str, done: bool) -> Response {
    let Some(id) = parse_id(id) else {
        return crate::pages::not_found_in(lang);
    };
    let app = &state.app;
    let firm = match firms::visible_firm(app, actor, id).await {
        Ok(f) => f,
        Err(e) if e.code == Code::NotFound => return crate::pages::not_found_in(lang),
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    let loaded = async {
        Ok::<_, aiup_app::AppError>((
            firms::centres(app).await?,
            firms::participations_of(app, actor, id).await?,
            firms::contacts(app, actor, id).await?,
        ))
    };
    let (centres, taken, contacts) = match loaded.await {
        Ok(v) => v,
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    let f = &firm.firm;
    let number = aiup_sme::BusinessNumber::parse(&f.business_number, "b")
        .map(|b| b.to_string())
        .unwrap_or_else(|_| f.business_number.clone());
    let engine = state.app.engine();
    let region = aiup_core::region::RegionCode::parse(&f.region_code)
        .ok()
        .and_then(|code| engine.regions().get(code))
        .map_or_else(
            || f.region_code.clone(),
            |r| lang.pick(&r.full_name, &r.name_en).to_owned(),
        );
    let title = f.name.clone();
    let here = format!("{FIRMS}/{id}");
    let body = html! {
        p { a href=(href(FIRMS, lang)) { (lang.pick("← 기업 명부", "← Firm registry")) } }
        h1 #page-title { (crate::pages::widgets::as_written(lang, &f.name)) }
        (registry_nav(lang, ""))
        @if done { p.notice role="status" #assign-done { (lang.pick("확산센터 배정을 바꿨습니다.", "The centre assignment is changed.")) } }
        dl.facts #firm-facts {
            dt { (lang.pick("사업자등록번호", "Business number")) } dd #business-number { (number) }
            dt { (lang.pick("근로자 수", "Employees")) } dd { (f.employees) " · " (super::band_label(lang, &f.size_band)) }
            dt { (lang.pick("업종", "Industry")) } dd { (industry_of(lang, &firm)) }
            dt { (lang.pick("소재지", "Region")) } dd { (region) " · " (province_name(state, lang, &f.province_code))
                @if f.capital_area { " (" (lang.pick("수도권", "capital area")) ")" } }
            dt { (lang.pick("우선지원대상기업", "Priority-support firm")) } dd { (yes_no(lang, f.priority_support)) }
            dt { (lang.pick("사업주훈련 참여", "Employer training")) } dd { (yes_no(lang, f.employer_training)) }
            dt { (lang.pick("AI 훈련", "AI training")) } dd { (yes_no(lang, f.ai_training)) @if f.ai_training { " · " (f.ai_training_hours) (lang.pick("시간", " hours")) } }
            dt { (lang.pick("훈련 의향", "Stated intent to train")) } dd {
                @match firm.stated_intent {
                    None => (lang.pick("모름", "Unknown")),
                    Some(i) => { (yes_no(lang, i)) @if let (Some(src), Some(on)) = (&firm.intent_source, firm.intent_on) { " (" (src) ", " (on) ")" } }
                }
            }
            dt { (lang.pick("확산센터", "Centre")) } dd #firm-centre { (centre_name(&centres, lang, firm.centre_id.as_deref())) }
        }
        @if actor.allows(Permission::ManageFirms) {
            form.panel #assign-form method="post" action=(format!("{here}/centre")) {
                (hidden(actor.csrf_token().unwrap_or_default(), lang))
                div.field {
                    label for="centre" { (lang.pick("배정할 확산센터", "Assign to centre")) }
                    select #centre name="centre" {
                        option value="" selected[firm.centre_id.is_none()] { (lang.pick("배정 안 함", "None")) }
                        @for c in &centres {
                            option value=(c.id) selected[firm.centre_id.as_deref() == Some(c.id.as_str())] { (lang.pick(&c.name_ko, &c.name_en)) }
                        }
                    }
                }
                div.actions { button #assign type="submit" { (lang.pick("배정", "Assign")) } }
            }
        }
        section aria-labelledby="programmes-title" {
            h2 #programmes-title { (lang.pick("참여 중인 부처 협업 사업", "Partner programmes it takes part in")) }
            @if taken.is_empty() {
                p #programmes { (lang.pick("참여 기록이 없습니다.", "No participation is recorded.")) }
            } @else {
                div.table-scroll role="region" aria-labelledby="programmes-caption" tabindex="0" {
                    table.data #programmes {
                        caption #programmes-caption { (lang.pick("참여 사업", "Programmes")) }
                        (column_heads(lang, &[("부처", "Ministry"), ("사업", "Programme"), ("연도", "Year"), ("출처", "Source")]))
                        tbody {
                            @for t in &taken {
                                @let p = partners::programme(&t.programme_id);
                                tr {
                                    td { @if let Some(p) = p { (lang.pick(p.ministry.label().0, p.ministry.label().1)) } }
                                    th scope="row" { @if let Some(p) = p { (lang.pick(&p.name_ko, &p.name_en)) } @else { (t.programme_id) } }
                                    td { (t.year) }
                                    td { (crate::pages::widgets::as_written(lang, &t.source)) }
                                }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="contacts-title" {
            h2 #contacts-title { (lang.pick("담당자 (기업 인사·교육 담당자 계정)", "Contacts (HR lead accounts)")) }
            @if contacts.is_empty() {
                p #contacts { (lang.pick("이 기업에 연결된 담당자 계정이 없습니다.", "No HR lead account is linked to this firm.")) }
            } @else {
                ul #contacts {
                    @for a in &contacts {
                        li { (a.display_name) " (" code { (a.login) } ")" @if a.disabled { " · " (lang.pick("사용 중지", "disabled")) } }
                    }
                }
            }
        }
    };
    frame(actor, lang, &title, &here, body, StatusCode::OK)
}

pub(super) async fn record(
    Allowed(actor, ..): Allowed<perm::ReadSmeProgramme>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<RecordQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    record_page(&state, &actor, lang, &id, q.done.as_deref() == Some("assigned")).await
}

#[derive(Debug, Deserialize)]
pub(super) struct AssignForm {
    #[serde(default)]
    centre: String,
    lang: Option<String>,
}

pub(super) async fn assign(
    Allowed(actor, ..): Allowed<perm::ManageFirms>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<AssignForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    let Some(id) = parse_id(&id) else {
        return crate::pages::not_found_in(lang);
    };
    let centre = Some(form.centre.trim()).filter(|c| !c.is_empty());
    match firms::assign_centre(&state.app, &actor, id, centre).await {
        Ok(()) => see_other(&href(&format!("{FIRMS}/{id}?done=assigned"), lang)),
        Err(e) if e.code == Code::NotFound => crate::pages::not_found_in(lang),
        Err(e) => crate::error::ApiError(e).into_response(),
    }
}
