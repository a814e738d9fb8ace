//! The programme administrator's overview, `/admin/enrolments`: people and enrolments by
//! programme, province, 시군구 and stage, with the count of each status; filtered by the query
//! string, and as CSV with `format=csv`.

use super::accounts::{account_menu, account_nav};
use super::view::{page_in, Section};
use super::widgets::{error_summary, href, private_page, Problem};
use crate::access::{perm, Allowed};
use crate::i18n::Lang;
use crate::AppState;
use aiup_app::programme::{CountRow, Overview, OverviewFilter};
use aiup_core::Stage;
use aiup_people::EnrolmentStatus;
use aiup_rules::Engine;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use maud::{html, Markup};

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/enrolments", get(overview))
}

/// The page parameters besides the filters.
const PAGE_ONLY: [&str; 2] = ["lang", "format"];

/// Which table a row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dimension {
    Programme,
    Province,
    Region,
    Stage,
}

impl Dimension {
    fn as_str(self) -> &'static str {
        match self {
            Dimension::Programme => "programme",
            Dimension::Province => "province",
            Dimension::Region => "region",
            Dimension::Stage => "stage",
        }
    }

    fn title(self, lang: Lang) -> &'static str {
        match self {
            Dimension::Programme => lang.pick("사업별", "By programme"),
            Dimension::Province => lang.pick("시도별 (사는 곳)", "By province (where people live)"),
            Dimension::Region => lang.pick("시군구별 (사는 곳)", "By district (where people live)"),
            Dimension::Stage => lang.pick("생애 단계별", "By stage of working life"),
        }
    }

    fn head(self, lang: Lang) -> &'static str {
        match self {
            Dimension::Programme => lang.pick("사업", "Programme"),
            Dimension::Province => lang.pick("시도", "Province"),
            Dimension::Region => lang.pick("시군구", "District"),
            Dimension::Stage => lang.pick("생애 단계", "Stage"),
        }
    }
}

/// A row's name for people.
fn name_of(engine: &Engine, lang: Lang, dimension: Dimension, key: &str) -> String {
    let regions = engine.regions();
    let name = match dimension {
        Dimension::Programme => engine.programme_index(key).map(|i| {
            lang.pick(
                &engine.policy().programmes[i].name.ko,
                &engine.policy().programmes[i].name.en,
            )
            .to_owned()
        }),
        Dimension::Province => regions
            .provinces()
            .iter()
            .find(|p| p.code == key)
            .map(|p| lang.pick(&p.name, &p.name_en).to_owned()),
        Dimension::Region => aiup_core::region::RegionCode::parse(key)
            .ok()
            .and_then(|c| regions.get(c))
            .map(|r| match lang {
                Lang::Ko => r.full_name.clone(),
                Lang::En => regions.english_name(r),
            }),
        Dimension::Stage => Stage::parse(key).map(|s| heading_case(lang.pick(s.label_ko(), s.label_en()))),
    };
    name.unwrap_or_else(|| key.to_owned())
}

/// A vocabulary label as a heading: English labels are lower-case words, so the first is
/// capitalised.
fn heading_case(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

fn status_label(lang: Lang, status: EnrolmentStatus) -> String {
    heading_case(lang.pick(status.label_ko(), status.label_en()))
}

/// The query string of the current filters with `key` set to `value` (and `lang` kept).
fn with_filter(pairs: &[(String, String)], key: &str, value: &str) -> String {
    let mut kept: Vec<(&str, &str)> = pairs
        .iter()
        .filter(|(k, v)| k != key && k != "format" && !v.is_empty() && !(key == "province" && k == "region"))
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    kept.push((key, value));
    format!(
        "/admin/enrolments?{}",
        serde_urlencoded::to_string(&kept).unwrap_or_default()
    )
}

fn count_table(
    engine: &Engine,
    lang: Lang,
    dimension: Dimension,
    rows: &[CountRow],
    overview: &Overview,
    pairs: &[(String, String)],
) -> Markup {
    let id = format!("by-{}", dimension.as_str());
    html! {
        div.table-scroll {
            table.data #(id) tabindex="0" {
                caption { span.caption__title { (dimension.title(lang)) } }
                thead { tr {
                    th scope="col" { (dimension.head(lang)) }
                    th scope="col" .num { (lang.pick("사람", "People")) }
                    th scope="col" .num { (lang.pick("신청", "Enrolments")) }
                    @for status in &overview.statuses { th scope="col" .num { (status_label(lang, *status)) } }
                } }
                tbody {
                    @for row in rows {
                        tr {
                            th scope="row" {
                                @let name = name_of(engine, lang, dimension, &row.key);
                                @if dimension == Dimension::Province && overview.filter.province.is_none() {
                                    a href=(with_filter(pairs, "province", &row.key)) { (name) }
                                } @else { (name) }
                            }
                            td.num { (row.people) }
                            td.num { (row.enrolments) }
                            @for status in &overview.statuses { td.num { (row.status(*status)) } }
                        }
                    }
                }
                tfoot { tr {
                    th scope="row" { (lang.pick("합계", "Total")) }
                    td.num { (rows.iter().map(|r| r.people).sum::<i64>()) }
                    td.num { (rows.iter().map(|r| r.enrolments).sum::<i64>()) }
                    @for status in &overview.statuses { td.num { (rows.iter().map(|r| r.status(*status)).sum::<i64>()) } }
                } }
            }
        }
        @if dimension == Dimension::Programme {
            p.hint { (lang.pick("한 사람이 두 사업에 신청했으면 두 사업 모두에서 셉니다.", "A person enrolled in two programmes counts in both.")) }
        }
    }
}

/// A filter select: `options` are (value, label); the empty value means all.
fn filter_select(
    lang: Lang,
    field: &'static str,
    label: &str,
    options: &[(String, String)],
    chosen: &str,
    problems: &[Problem],
) -> Markup {
    let error = problems.iter().find(|p| p.field == field);
    html! {
        div class=(if error.is_some() { "field field--error" } else { "field" }) {
            label for=(field) { (label) }
            @if let Some(e) = error { p.field-error id=(format!("{field}-error")) { (e.message) } }
            select #(field) name=(field) aria-invalid=[error.map(|_| "true")]
                aria-describedby=[error.map(|_| format!("{field}-error"))] {
                option value="" { (lang.pick("전체", "All")) }
                @for (value, text) in options { option value=(value) selected[value == chosen] { (text) } }
            }
        }
    }
}

fn filters_form(
    engine: &Engine,
    lang: Lang,
    scope: Option<&[String]>,
    value: &dyn Fn(&str) -> String,
    problems: &[Problem],
) -> Markup {
    let programmes: Vec<(String, String)> = engine
        .policy()
        .programmes
        .iter()
        .filter(|p| scope.is_none_or(|s| s.iter().any(|id| id == p.id.as_str())))
        .map(|p| (p.id.to_string(), lang.pick(&p.name.ko, &p.name.en).to_owned()))
        .collect();
    let provinces: Vec<(String, String)> = engine
        .regions()
        .provinces()
        .iter()
        .map(|p| (p.code.clone(), lang.pick(&p.name, &p.name_en).to_owned()))
        .collect();
    let province = value("province");
    let regions: Vec<(String, String)> = engine
        .regions()
        .regions()
        .iter()
        .filter(|r| r.sido_code == province)
        .map(|r| {
            let name = match lang {
                Lang::Ko => r.full_name.clone(),
                Lang::En => engine.regions().english_name(r),
            };
            (r.code.to_string(), name)
        })
        .collect();
    let stages: Vec<(String, String)> = Stage::ALL
        .iter()
        .filter(|s| **s != Stage::Infrastructure)
        .map(|s| {
            (
                s.as_str().to_owned(),
                heading_case(lang.pick(s.label_ko(), s.label_en())),
            )
        })
        .collect();
    let statuses: Vec<(String, String)> = EnrolmentStatus::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), status_label(lang, *s)))
        .collect();
    html! {
        form.panel.filters method="get" action="/admin/enrolments" {
            @if lang == Lang::En { input type="hidden" name="lang" value="en"; }
            div.row {
                (filter_select(lang, "programme", lang.pick("사업", "Programme"), &programmes, &value("programme"), problems))
                (filter_select(lang, "province", lang.pick("시도", "Province"), &provinces, &province, problems))
                @if !regions.is_empty() {
                    (filter_select(lang, "region", lang.pick("시군구", "District"), &regions, &value("region"), problems))
                }
                (filter_select(lang, "stage", lang.pick("생애 단계", "Stage"), &stages, &value("stage"), problems))
                (filter_select(lang, "status", lang.pick("신청 상태", "Status"), &statuses, &value("status"), problems))
            }
            @if regions.is_empty() {
                p.hint { (lang.pick("시군구별로 보려면 시도를 먼저 고르고 '보기'를 누르세요.", "To see districts, choose a province first and press Show.")) }
            }
            div.actions { button type="submit" { (lang.pick("보기", "Show")) } }
        }
    }
}

/// One CSV field, quoted where it must be (RFC 4180).
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// Every table of the overview as one CSV: a dimension column names the table.
fn overview_csv(engine: &Engine, lang: Lang, overview: &Overview) -> String {
    let mut out = String::from("dimension,key,name,people,enrolments");
    for status in &overview.statuses {
        out.push(',');
        out.push_str(status.as_str());
    }
    out.push_str("\r\n");
    let tables = [
        (Dimension::Programme, &overview.programmes),
        (Dimension::Province, &overview.provinces),
        (Dimension::Region, &overview.regions),
        (Dimension::Stage, &overview.stages),
    ];
    for (dimension, rows) in tables {
        for row in rows.iter() {
            let mut line = vec![
                dimension.as_str().to_owned(),
                csv_field(&row.key),
                csv_field(&name_of(engine, lang, dimension, &row.key)),
                row.people.to_string(),
                row.enrolments.to_string(),
            ];
            line.extend(overview.statuses.iter().map(|s| row.status(*s).to_string()));
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        }
    }
    out
}

fn problem_of(lang: Lang, e: &aiup_app::AppError) -> Problem {
    let field = match e.field.as_deref() {
        Some("programme") => "programme",
        Some("province") => "province",
        Some("region") => "region",
        Some("stage") => "stage",
        Some("status") => "status",
        _ => "programme",
    };
    Problem {
        field,
        message: e.message_in(lang == Lang::Ko).to_owned(),
    }
}

async fn overview(
    Allowed(actor, ..): Allowed<perm::ReadEnrolments>,
    State(state): State<AppState>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let pairs = query.map(|Query(p)| p).unwrap_or_default();
    let lang = Lang::from_pairs(&pairs);
    let csv = pairs.iter().any(|(k, v)| k == "format" && v == "csv");
    let engine = state.engine();
    let (overview, problems, status) = match OverviewFilter::from_pairs(&engine, &pairs, &PAGE_ONLY) {
        Ok(filter) => match state.app.enrolment_overview(&actor, filter).await {
            Ok(overview) => (overview, vec![], StatusCode::OK),
            Err(e) => return crate::error::ApiError(e).into_response(),
        },
        Err(e) => (
            Overview {
                scope: aiup_app::programme::programme_scope(&actor),
                ..Overview::default()
            },
            vec![problem_of(lang, &e)],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    };
    if csv && problems.is_empty() {
        let mut response = (StatusCode::OK, overview_csv(&engine, lang, &overview)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        );
        headers.insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment; filename=\"enrolments.csv\""),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return response;
    }
    let value = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map_or(String::new(), |(_, v)| v.trim().to_owned())
    };
    let filters: Vec<&(String, String)> = pairs.iter().filter(|(k, _)| k != "lang").collect();
    let other_language = if filters.is_empty() {
        href("/admin/enrolments", lang.other())
    } else {
        href(
            &format!(
                "/admin/enrolments?{}",
                serde_urlencoded::to_string(&filters).unwrap_or_default()
            ),
            lang.other(),
        )
    };
    let title = lang.pick("훈련생·신청 현황", "People and enrolments");
    let body = html! {
        h1 #page-title { (title) }
        (account_nav(lang, &actor, "/admin/enrolments"))
        p.hint { (lang.pick(
            "프로필을 만든 사람과 그 신청을 사업, 사는 곳, 생애 단계별로 셉니다. 이름은 저장하지 않으므로 숫자만 보입니다.",
            "People who made a profile, and their enrolments, counted by programme, where they live and stage of working life. No names are stored, so only numbers are shown.",
        )) }
        @if let Some(scope) = &overview.scope {
            p.notice { (lang.pick("이 계정은 다음 사업만 봅니다: ", "This account sees only these programmes: "))
                (scope.iter().map(|id| name_of(&engine, lang, Dimension::Programme, id)).collect::<Vec<_>>().join(", ")) }
        }
        (error_summary(lang, &problems))
        (filters_form(&engine, lang, overview.scope.as_deref(), &value, &problems))
        @if problems.is_empty() {
            dl.facts #totals {
                dt { (lang.pick("사람", "People")) } dd { (overview.total.people) }
                dt { (lang.pick("신청", "Enrolments")) } dd { (overview.total.enrolments) }
            }
            p { a href=(with_filter(&pairs, "format", "csv")) download="enrolments.csv" { (lang.pick("CSV로 내려받기", "Download as CSV")) } }
            (count_table(&engine, lang, Dimension::Programme, &overview.programmes, &overview, &pairs))
            (count_table(&engine, lang, Dimension::Province, &overview.provinces, &overview, &pairs))
            @if !overview.regions.is_empty() {
                (count_table(&engine, lang, Dimension::Region, &overview.regions, &overview, &pairs))
            }
            (count_table(&engine, lang, Dimension::Stage, &overview.stages, &overview, &pairs))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_only_where_they_must_be() {
        assert_eq!(csv_field("서울특별시 종로구"), "서울특별시 종로구");
        assert_eq!(csv_field("Jongno-gu, Seoul"), "\"Jongno-gu, Seoul\"");
        assert_eq!(csv_field("a \"b\""), "\"a \"\"b\"\"\"");
    }

    #[test]
    fn a_province_link_keeps_the_other_filters_and_drops_the_district() {
        let pairs: Vec<(String, String)> = [
            ("lang", "en"),
            ("stage", "entry"),
            ("region", "11110"),
            ("format", "csv"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        assert_eq!(
            with_filter(&pairs, "province", "46"),
            "/admin/enrolments?lang=en&stage=entry&province=46"
        );
    }
}
