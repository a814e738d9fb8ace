//! `GET /sme/discovery`: firms ranked by whom to visit first, each with the reasons for its
//! points, filtered by centre, province, industry and size (a GET form, so a ranking is a link).
//! Programme administrators assign a firm to a centre from here (`POST /sme/firms/{id}/assign`).

use super::{band_label, bizno, frame, problem_of, sme_nav, status_of};
use crate::access::{perm, Allowed, CsrfForm};
use crate::i18n::Lang;
use crate::pages::accounts::account_nav;
use crate::pages::widgets::{column_heads, error_summary, hidden, href, parse_id, see_other, Problem};
use crate::AppState;
use aiup_app::accounts::{Actor, Permission, Role};
use aiup_app::sme::discovery::{self, DiscoveryFilter, Ranking, DEFAULT_LIMIT};
use aiup_app::sme::visits;
use aiup_app::Code;
use aiup_sme::SizeBand;
use aiup_store::CentreRecord;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use serde::Deserialize;

const PATH: &str = "/sme/discovery";

#[derive(Debug, Default, Deserialize)]
pub(super) struct RankQuery {
    lang: Option<String>,
    centre: Option<String>,
    province: Option<String>,
    ksic: Option<String>,
    size: Option<String>,
    limit: Option<String>,
    done: Option<String>,
}

fn blank(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// The query as a filter, or the problem of the field that is wrong.
fn filter_of(lang: Lang, q: &RankQuery) -> Result<DiscoveryFilter, Problem> {
    let size_band = match blank(&q.size) {
        None => None,
        Some(s) => Some(SizeBand::parse(&s).ok_or_else(|| {
            Problem {
                field: "size",
                message: lang
                    .pick("규모 구간을 목록에서 고르십시오.", "Choose a size band from the list.")
                    .to_owned(),
            }
        })?),
    };
    let limit = match blank(&q.limit) {
        None => None,
        Some(l) => Some(l.parse::<usize>().map_err(|_| {
            Problem {
                field: "limit",
                message: lang
                    .pick(
                        "표시할 기업 수는 숫자로 적어 주십시오.",
                        "Give the number of firms as a number.",
                    )
                    .to_owned(),
            }
        })?),
    };
    Ok(DiscoveryFilter {
        centre: blank(&q.centre),
        province: blank(&q.province),
        ksic_section: blank(&q.ksic).map(|s| s.to_uppercase()),
        size_band,
        limit,
    })
}

fn query_string(q: &RankQuery) -> String {
    let pairs = [
        ("centre", &q.centre),
        ("province", &q.province),
        ("ksic", &q.ksic),
        ("size", &q.size),
        ("limit", &q.limit),
    ];
    let kept: Vec<String> = pairs
        .iter()
        .filter_map(|(k, v)| blank(v).map(|v| format!("{k}={}", urlencoding(&v))))
        .collect();
    kept.join("&")
}

/// Percent-encodes what a query value may hold (ids, codes, digits: ASCII in practice).
fn urlencoding(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub(super) async fn ranking(
    Allowed(actor, ..): Allowed<perm::ReadFirms>,
    State(state): State<AppState>,
    Query(q): Query<RankQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    ranking_page(&state, &actor, lang, &q, vec![], StatusCode::OK).await
}

async fn ranking_page(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    q: &RankQuery,
    mut problems: Vec<Problem>,
    mut status: StatusCode,
) -> Response {
    let title = lang.pick("기업 발굴 순위", "Discovery ranking");
    let centres = match visits::centres_for(&state.app, actor).await {
        Ok(c) => c,
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    let ranking = match filter_of(lang, q) {
        Ok(filter) => match discovery::rank(&state.app, actor, &filter).await {
            Ok(r) => Some(r),
            Err(e) if e.code == Code::InvalidField => {
                problems.push(problem_of(lang, &e, &["province", "ksic", "limit"], "filters-title"));
                status = status_of(&e);
                None
            }
            Err(e) => return crate::error::ApiError(e).into_response(),
        },
        Err(p) => {
            problems.push(p);
            status = StatusCode::UNPROCESSABLE_ENTITY;
            None
        }
    };
    let qs = query_string(q);
    let here = if qs.is_empty() {
        PATH.to_owned()
    } else {
        format!("{PATH}?{qs}")
    };
    let provinces = state.engine().regions().provinces().to_vec();
    let body = html! {
        h1 #page-title { (title) }
        (account_nav(lang, actor, PATH))
        (sme_nav(lang, actor, PATH))
        (error_summary(lang, &problems))
        @if q.done.as_deref() == Some("assigned") {
            p.notice role="status" #done { (lang.pick("기업을 센터에 배정했습니다.", "The firm is assigned to the centre.")) }
        }
        p.lede { (lang.pick(
            "훈련 이력, 부처 협업 AX 사업 참여, 훈련 의향, 규모, 지역, 업종 수요로 먼저 방문할 기업을 정합니다. 점수마다 이유를 함께 보여 줍니다. 가중치는 정책 파일의 값(sme.discovery.*)입니다.",
            "Which firms to visit first, from their training history, partner AX programmes, stated intent, size, region and industry need. Each score shows its reasons. The weights are policy values (sme.discovery.*).",
        )) }
        (filters(lang, actor, q, &centres, &provinces, &problems))
        @if let Some(r) = &ranking { (table(lang, actor, r, &centres, &here)) }
    };
    frame(actor, lang, title, &here, body, status)
}

fn filters(
    lang: Lang,
    actor: &Actor,
    q: &RankQuery,
    centres: &[CentreRecord],
    provinces: &[aiup_core::region::Province],
    problems: &[Problem],
) -> Markup {
    let err = |f: &str| problems.iter().find(|p| p.field == f);
    let class = |f: &str| {
        if err(f).is_some() {
            "field field--error"
        } else {
            "field"
        }
    };
    let selected = |v: &Option<String>, option: &str| blank(v).as_deref() == Some(option);
    html! {
        form.panel.filters #filters method="get" action=(PATH) aria-labelledby="filters-title" {
            h2 #filters-title { (lang.pick("조건", "Filters")) }
            @if lang == Lang::En { input type="hidden" name="lang" value="en"; }
            @if actor.role != Role::TrainingDoctor && actor.role != Role::SmeHrLead {
                div.field {
                    label for="centre" { (lang.pick("센터", "Centre")) }
                    select #centre name="centre" {
                        option value="" { (lang.pick("전체", "All")) }
                        @for c in centres {
                            option value=(c.id) selected[selected(&q.centre, &c.id)] { (lang.pick(&c.name_ko, &c.name_en)) }
                        }
                    }
                }
            }
            div class=(class("province")) {
                label for="province" { (lang.pick("시도", "Province")) }
                @if let Some(e) = err("province") { p.field-error #province-error { (e.message) } }
                select #province name="province" aria-invalid=[err("province").map(|_| "true")]
                    aria-describedby=[err("province").map(|_| "province-error")] {
                    option value="" { (lang.pick("전체", "All")) }
                    @for p in provinces {
                        option value=(p.code) selected[selected(&q.province, &p.code)] { (lang.pick(&p.name, &p.name_en)) }
                    }
                }
            }
            div class=(class("ksic")) {
                label for="ksic" { (lang.pick("업종 (한국표준산업분류 대분류)", "Industry (KSIC section)")) }
                @if let Some(e) = err("ksic") { p.field-error #ksic-error { (e.message) } }
                select #ksic name="ksic" aria-invalid=[err("ksic").map(|_| "true")]
                    aria-describedby=[err("ksic").map(|_| "ksic-error")] {
                    option value="" { (lang.pick("전체", "All")) }
                    @for section in aiup_sme::ksic::ksic().sections() {
                        @let s = section.code.to_string();
                        option value=(s) selected[selected(&q.ksic, &s)] {
                            (s) " " (lang.pick(&section.name_ko, &section.name_en))
                        }
                    }
                }
            }
            div class=(class("size")) {
                label for="size" { (lang.pick("규모", "Size")) }
                @if let Some(e) = err("size") { p.field-error #size-error { (e.message) } }
                select #size name="size" aria-invalid=[err("size").map(|_| "true")]
                    aria-describedby=[err("size").map(|_| "size-error")] {
                    option value="" { (lang.pick("전체", "All")) }
                    @for b in SizeBand::ALL {
                        option value=(b.as_str()) selected[selected(&q.size, b.as_str())] { (lang.pick(b.label().0, b.label().1)) }
                    }
                }
            }
            div class=(class("limit")) {
                label for="limit" { (lang.pick("표시할 기업 수", "Firms to show")) }
                @if let Some(e) = err("limit") { p.field-error #limit-error { (e.message) } }
                input #limit name="limit" type="number" min="1" max="1000"
                    value=(blank(&q.limit).unwrap_or_else(|| DEFAULT_LIMIT.to_string()))
                    aria-invalid=[err("limit").map(|_| "true")]
                    aria-describedby=[err("limit").map(|_| "limit-error")];
            }
            div.actions { button #rank type="submit" { (lang.pick("순위 보기", "Show the ranking")) } }
        }
    }
}

fn table(lang: Lang, actor: &Actor, r: &Ranking, centres: &[CentreRecord], here: &str) -> Markup {
    let assigns = actor.allows(Permission::ManageFirms);
    let centre_name = |id: &Option<String>| match id {
        Some(id) => centres
            .iter()
            .find(|c| c.id == *id)
            .map_or_else(|| id.clone(), |c| lang.pick(&c.name_ko, &c.name_en).to_owned()),
        None => lang.pick("미배정", "Unassigned").to_owned(),
    };
    html! {
        p #ranking-summary {
            (lang.pick("대상 기업 ", "Firms scored: ")) (r.scored)
            (lang.pick("곳 · 기준일 ", " · on ")) (r.date)
            (lang.pick(" · 정책 버전 ", " · policy version ")) code { (r.policy_version) }
        }
        @if r.rows.is_empty() {
            p #ranking { (lang.pick("조건에 맞는 기업이 없습니다.", "No firm matches.")) }
        } @else {
            div.table-scroll role="region" aria-labelledby="ranking-caption" tabindex="0" {
                table.data #ranking {
                    caption #ranking-caption { (lang.pick("점수 높은 순 (같으면 등록 순)", "Highest score first (ties by registry order)")) }
                    @if assigns {
                        (column_heads(lang, &[("순위", "Rank"), ("기업", "Firm"), ("점수", "Points"), ("이유", "Reasons"), ("규모", "Size"), ("업종", "Industry"), ("센터", "Centre"), ("배정", "Assign")]))
                    } @else {
                        (column_heads(lang, &[("순위", "Rank"), ("기업", "Firm"), ("점수", "Points"), ("이유", "Reasons"), ("규모", "Size"), ("업종", "Industry"), ("센터", "Centre")]))
                    }
                    tbody {
                        @for (i, row) in r.rows.iter().enumerate() {
                            tr #(format!("rank-{}", row.firm_id)) {
                                td.num { (i + 1) }
                                td { (row.name) br; small { (bizno(&row.business_number)) } }
                                td.num { (row.score.points) }
                                td {
                                    ul.reasons {
                                        @for reason in &row.score.reasons {
                                            li data-code=(reason.code) {
                                                (lang.pick(&reason.ko, &reason.en)) " "
                                                strong { @if reason.points > 0 { "+" } (reason.points) }
                                            }
                                        }
                                    }
                                }
                                td { (band_label(lang, &row.size_band)) }
                                td { (row.ksic_section) (row.ksic_division) }
                                td { (centre_name(&row.centre_id)) }
                                @if assigns {
                                    td { (assign_form(actor, lang, row.firm_id, &row.name, row.centre_id.as_deref(), centres, here)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn assign_form(
    actor: &Actor,
    lang: Lang,
    firm_id: i64,
    firm: &str,
    current: Option<&str>,
    centres: &[CentreRecord],
    back: &str,
) -> Markup {
    let id = format!("assign-{firm_id}");
    html! {
        form.inline-form method="post" action=(format!("/sme/firms/{firm_id}/assign")) {
            (hidden(actor.csrf_token().unwrap_or_default(), lang))
            input type="hidden" name="back" value=(back);
            label.visually-hidden for=(id) { (lang.pick("배정할 센터: ", "Centre to assign: ")) (firm) }
            select id=(id) name="centre" {
                option value="" { (lang.pick("미배정", "Unassigned")) }
                @for c in centres {
                    option value=(c.id) selected[current == Some(c.id.as_str())] { (lang.pick(&c.name_ko, &c.name_en)) }
                }
            }
            button type="submit" { (lang.pick("배정", "Assign")) span.visually-hidden { ": " (firm) } }
        }
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct AssignForm {
    lang: Option<String>,
    #[serde(default)]
    centre: String,
    #[serde(default)]
    back: String,
}

pub(super) async fn assign(
    Allowed(actor, ..): Allowed<perm::ManageFirms>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<AssignForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    let Some(firm_id) = parse_id(&id) else {
        return crate::pages::not_found_in(lang);
    };
    let centre = Some(form.centre.trim()).filter(|c| !c.is_empty());
    // Back to the ranking the form came from (only a path on this page).
    let back = Some(form.back.as_str())
        .filter(|b| *b == PATH || b.starts_with(&format!("{PATH}?")))
        .unwrap_or(PATH);
    let joined = if back.contains('?') { '&' } else { '?' };
    match aiup_app::sme::firms::assign_centre(&state.app, &actor, firm_id, centre).await {
        Ok(_) => see_other(&href(&format!("{back}{joined}done=assigned"), lang)),
        Err(e) if e.code == Code::NotFound => crate::pages::not_found_in(lang),
        Err(e) => {
            let problem = problem_of(lang, &e, &[], "filters-title");
            ranking_page(
                &state,
                &actor,
                lang,
                &RankQuery::default(),
                vec![problem],
                status_of(&e),
            )
            .await
        }
    }
}
