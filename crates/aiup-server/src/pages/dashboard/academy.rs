//! Dashboard page group `academy` (issue 12, item 2): the instructor academy's tracks against
//! their targets (a bar chart beside its table), the physical AI labs and joint training
//! centres against theirs with each site's capacity, courses and utilisation
//! (`/admin/dashboard/academy`), one site's courses and cohorts with their use
//! (`/admin/dashboard/academy/sites/{id}`), and the imports of instructors, completions and
//! sites by pasted CSV (`/admin/dashboard/academy/import`, programme administrators only).
//! Every table downloads as CSV and XLSX (`?format=csv|xlsx&table=<id>`).

use super::super::chart::{bar_chart, BarChart, Series};
use super::super::sme_registry::bad_rows;
use super::super::widgets::{error_summary, hidden, href, see_other, Problem};
use super::table::{export_response, table_with_downloads, Cell, Column, DataTable, Format, Kind};
use super::{as_of_stamp, frame, Board};
use crate::access::{perm, Access, Allowed, CsrfForm};
use crate::i18n::Lang;
use crate::AppState;
use aiup_app::academy::{self, AcademyProgress};
use aiup_app::accounts::{Actor, Permission};
use aiup_app::infrastructure::{self, SiteProgress, SiteUse};
use aiup_app::AppError;
use aiup_catalogue::academy::{COMPLETION_COLUMNS, INSTRUCTOR_COLUMNS};
use aiup_catalogue::sites::{SiteKind, SITE_COLUMNS};
use aiup_core::problem::RowProblem;
use aiup_core::region::RegionTable;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use maud::{html, Markup};
use serde::Deserialize;

const PATH: &str = "/admin/dashboard/academy";
const SITE: &str = "/admin/dashboard/academy/sites/{id}";
const IMPORT: &str = "/admin/dashboard/academy/import";

/// This page group's routes and who may use each (part of `access::ROUTES`).
pub const ROUTES: &[(Method, &str, Access)] = &[
    (Method::GET, PATH, Access::Allowed(Permission::ReadDashboards)),
    (Method::GET, SITE, Access::Allowed(Permission::ReadDashboards)),
    (Method::GET, IMPORT, Access::Allowed(Permission::ManageProgrammeRecords)),
    (
        Method::POST,
        IMPORT,
        Access::Allowed(Permission::ManageProgrammeRecords),
    ),
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/dashboard/academy", get(board))
        .route("/admin/dashboard/academy/sites/{id}", get(site_page))
        .route("/admin/dashboard/academy/import", get(import_page).post(import))
}

#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    lang: Option<String>,
    format: Option<String>,
    table: Option<String>,
    /// After an import: what was imported, for the notice.
    done: Option<String>,
}

fn failed(e: AppError) -> Response {
    crate::error::ApiError(e).into_response()
}

/// Serves `?format=…&table=…` from `tables`, or `None` when the page itself is asked for.
fn download(q: &PageQuery, tables: &[DataTable], lang: Lang, date: chrono::NaiveDate) -> Option<Response> {
    let format = Format::parse(q.format.as_deref())?;
    let wanted = q.table.as_deref().unwrap_or_default();
    Some(match tables.iter().find(|t| t.id == wanted) {
        Some(table) => export_response(table, format, lang, date),
        None => failed(AppError::not_found("table")),
    })
}

fn kind_label(kind: &str, lang: Lang) -> String {
    SiteKind::ALL
        .into_iter()
        .find(|k| k.as_str() == kind)
        .map_or_else(|| kind.to_owned(), |k| lang.pick(k.label().0, k.label().1).to_owned())
}

/// A 시군구's full name in `lang` (its code if the table no longer has it).
fn region_name(regions: &RegionTable, code: &str, lang: Lang) -> String {
    aiup_core::region::RegionCode::parse(code)
        .ok()
        .and_then(|c| regions.get(c))
        .map_or_else(
            || code.to_owned(),
            |r| match lang {
                Lang::Ko => r.full_name.clone(),
                Lang::En => regions.english_name(r),
            },
        )
}

/// `part` over `whole` in basis points, rounded down; missing without a whole.
fn share(part: i64, whole: Option<i64>) -> Cell {
    match whole {
        Some(w) if w > 0 => Cell::Bp(part.saturating_mul(10_000) / w),
        _ => Cell::Missing,
    }
}

fn count(n: Option<i64>) -> Cell {
    n.map_or(Cell::Missing, Cell::Int)
}

/// The tracks against their targets, the total in the footer.
pub fn tracks_table(p: &AcademyProgress, lang: Lang) -> DataTable {
    DataTable {
        id: "tracks".into(),
        caption_ko: format!("{}년 AI 교·강사 아카데미 과정별 목표 대비 수료", p.year),
        caption_en: format!(
            "AI instructor academy {}: completions against each track's target",
            p.year
        ),
        columns: vec![
            Column::new("과정", "Track", Kind::Text),
            Column::new("목표(명)", "Target (people)", Kind::Count),
            Column::new("수료(명)", "Completed (people)", Kind::Count),
            Column::new("달성률", "Share of target", Kind::Percent),
            Column::new(
                "수료 교·강사(전체 기간)",
                "Instructors completed (all dates)",
                Kind::Count,
            ),
        ],
        rows: p
            .tracks
            .iter()
            .map(|t| {
                vec![
                    Cell::Text(lang.pick(&t.label_ko, &t.label_en).to_owned()),
                    Cell::Int(t.target),
                    Cell::Int(t.completed),
                    share(t.completed, Some(t.target)),
                    Cell::Int(t.instructors),
                ]
            })
            .collect(),
        footer: Some(vec![
            Cell::Text(lang.pick("합계", "Total").into()),
            Cell::Int(p.total.tracks_target),
            Cell::Int(p.total.completed),
            share(p.total.completed, Some(p.total.tracks_target)),
            Cell::Int(p.total.instructors),
        ]),
    }
}

/// The academy as a whole against the plan's two statements of its target.
pub fn academy_targets_table(p: &AcademyProgress, lang: Lang) -> DataTable {
    DataTable {
        id: "academy-targets".into(),
        caption_ko: "AI 교·강사 아카데미 전체 목표 대비".into(),
        caption_en: "The AI instructor academy against its targets".into(),
        columns: vec![
            Column::new("목표", "Target", Kind::Text),
            Column::new("목표(명)", "Target (people)", Kind::Count),
            Column::new("수료(명)", "Completed (people)", Kind::Count),
            Column::new("달성률", "Share", Kind::Percent),
        ],
        rows: vec![
            vec![
                Cell::Text(lang.pick("본문 목표 (12,650명+)", "Stated target (12,650+)").into()),
                count(p.total.total_target),
                Cell::Int(p.total.completed),
                share(p.total.completed, p.total.total_target),
            ],
            vec![
                Cell::Text(lang.pick("붙임1 계획 (1.3만명)", "Plan line (13,000)").into()),
                count(p.total.plan_line),
                Cell::Int(p.total.completed),
                share(p.total.completed, p.total.plan_line),
            ],
            vec![
                Cell::Text(lang.pick("등록 교·강사", "Instructors on record").into()),
                Cell::Missing,
                Cell::Int(p.total.registered),
                Cell::Missing,
            ],
        ],
        footer: None,
    }
}

/// Labs and centres designated and open against their plan lines.
pub fn sites_summary_table(s: &SiteProgress, lang: Lang) -> DataTable {
    DataTable {
        id: "sites-summary".into(),
        caption_ko: "공장형 AI 실습장·AI 특화 공동훈련센터 목표 대비".into(),
        caption_en: "Physical AI labs and AI joint training centres against their targets".into(),
        columns: vec![
            Column::new("구분", "Kind", Kind::Text),
            Column::new("목표", "Target", Kind::Count),
            Column::new("지정", "Designated", Kind::Count),
            Column::new("개소", "Open", Kind::Count),
            Column::new("개소율", "Open share", Kind::Percent),
        ],
        rows: vec![
            vec![
                Cell::Text(lang.pick("공장형 AI 실습장", "Physical AI labs").into()),
                count(s.labs_target),
                Cell::Int(s.labs_designated),
                Cell::Int(s.labs_opened),
                share(s.labs_opened, s.labs_target),
            ],
            vec![
                Cell::Text(lang.pick("AI 특화 공동훈련센터", "AI joint training centres").into()),
                count(s.centres_target),
                Cell::Int(s.centres_designated),
                Cell::Int(s.centres_opened),
                share(s.centres_opened, s.centres_target),
            ],
        ],
        footer: None,
    }
}

/// Every site with its capacity, courses and use today.
pub fn sites_table(s: &SiteProgress, lang: Lang, regions: &RegionTable) -> DataTable {
    let rows: Vec<Vec<Cell>> = s
        .sites
        .iter()
        .map(|u| {
            vec![
                Cell::Text(lang.pick(&u.name_ko, &u.name_en).to_owned()),
                Cell::Text(u.id.clone()),
                Cell::Text(kind_label(&u.kind, lang)),
                Cell::Text(region_name(regions, &u.region_code, lang)),
                Cell::Int(u.capacity),
                Cell::Int(i64::try_from(u.courses.len()).unwrap_or(0)),
                Cell::Int(u.in_training),
                Cell::Bp(u.utilisation_bp),
                Cell::Int(u.completions),
                u.opened_on.map_or(Cell::Missing, Cell::Date),
            ]
        })
        .collect();
    let capacity: i64 = s.sites.iter().map(|u| u.capacity).sum();
    let in_training: i64 = s.sites.iter().map(|u| u.in_training).sum();
    DataTable {
        id: "sites".into(),
        caption_ko: "시설별 정원·과정·이용률 (오늘 훈련 중 ÷ 정원)".into(),
        caption_en: "Each site's capacity, courses and utilisation (in training today ÷ capacity)".into(),
        columns: vec![
            Column::new("시설", "Site", Kind::Text),
            Column::new("시설 ID", "Site id", Kind::Text),
            Column::new("구분", "Kind", Kind::Text),
            Column::new("시군구", "Region", Kind::Text),
            Column::new("정원", "Capacity", Kind::Count),
            Column::new("과정 수", "Courses", Kind::Count),
            Column::new("훈련 중", "In training", Kind::Count),
            Column::new("이용률", "Utilisation", Kind::Percent),
            Column::new("수료(누적)", "Completions to date", Kind::Count),
            Column::new("개소일", "Opened", Kind::Date),
        ],
        footer: Some(vec![
            Cell::Text(lang.pick("합계", "Total").into()),
            Cell::Missing,
            Cell::Missing,
            Cell::Missing,
            Cell::Int(capacity),
            Cell::Int(
                s.sites
                    .iter()
                    .map(|u| i64::try_from(u.courses.len()).unwrap_or(0))
                    .sum(),
            ),
            Cell::Int(in_training),
            Cell::Bp(infrastructure::utilisation_bp(in_training, capacity)),
            Cell::Int(s.sites.iter().map(|u| u.completions).sum()),
            Cell::Missing,
        ]),
        rows,
    }
}

/// One site's courses and cohorts with their use.
pub fn site_courses_table(u: &SiteUse, lang: Lang) -> DataTable {
    let rows = u
        .courses
        .iter()
        .flat_map(|c| {
            c.cohorts.iter().map(move |k| {
                vec![
                    Cell::Text(c.title.clone()),
                    Cell::Text(c.course_id.clone()),
                    Cell::Int(k.ordinal + 1),
                    Cell::Date(k.start),
                    Cell::Date(k.end),
                    Cell::Int(k.capacity),
                    Cell::Int(k.in_training),
                    Cell::Int(k.completed),
                ]
            })
        })
        .collect();
    DataTable {
        id: "site-courses".into(),
        caption_ko: format!("{}: 과정·회차별 이용", u.name_ko),
        caption_en: format!("{}: use by course and cohort", u.name_en),
        columns: vec![
            Column::new("과정", "Course", Kind::Text),
            Column::new("과정 ID", "Course id", Kind::Text),
            Column::new("회차", "Cohort", Kind::Count),
            Column::new("시작", "Starts", Kind::Date),
            Column::new("종료", "Ends", Kind::Date),
            Column::new("정원", "Seats", Kind::Count),
            Column::new("훈련 중", "In training", Kind::Count),
            Column::new("수료", "Completed", Kind::Count),
        ],
        rows,
        footer: Some(vec![
            Cell::Text(lang.pick("합계", "Total").into()),
            Cell::Missing,
            Cell::Missing,
            Cell::Missing,
            Cell::Missing,
            Cell::Int(u.courses.iter().flat_map(|c| &c.cohorts).map(|k| k.capacity).sum()),
            Cell::Int(u.courses.iter().map(|c| c.in_training).sum()),
            Cell::Int(u.courses.iter().map(|c| c.completed).sum()),
        ]),
    }
}

/// Whole people as the chart's tenths.
fn tenths(n: i64) -> Option<u32> {
    u32::try_from(n.max(0).saturating_mul(10)).ok()
}

fn tracks_chart(p: &AcademyProgress, lang: Lang) -> Markup {
    bar_chart(&BarChart {
        id: "tracks-chart".into(),
        title: lang
            .pick("과정별 목표와 수료 인원", "Target and completions by track")
            .into(),
        description: lang
            .pick(
                "과정마다 목표 인원과 수료 인원을 막대로 보여 줍니다. 같은 수치가 아래 표에 있습니다.",
                "For each track, bars for its target and its completions. The table below holds the same numbers.",
            )
            .into(),
        unit: lang.pick("명", "").into(),
        categories: p
            .tracks
            .iter()
            .map(|t| lang.pick(&t.label_ko, &t.label_en).to_owned())
            .collect(),
        series: vec![
            Series {
                name: lang.pick("목표", "Target").into(),
                values: p.tracks.iter().map(|t| tenths(t.target)).collect(),
            },
            Series {
                name: lang.pick("수료", "Completed").into(),
                values: p.tracks.iter().map(|t| tenths(t.completed)).collect(),
            },
        ],
    })
}

async fn board(
    Allowed(actor, ..): Allowed<perm::ReadDashboards>,
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let progress = match academy::academy_progress(&state.app, &actor).await {
        Ok(p) => p,
        Err(e) => return failed(e),
    };
    let sites = match infrastructure::site_progress(&state.app, &actor).await {
        Ok(s) => s,
        Err(e) => return failed(e),
    };
    let tables = [
        tracks_table(&progress, lang),
        academy_targets_table(&progress, lang),
        sites_summary_table(&sites, lang),
        sites_table(&sites, lang, state.app.engine().regions()),
    ];
    if let Some(file) = download(&q, &tables, lang, progress.as_of.date) {
        return file;
    }
    let [tracks, targets, summary, site_list] = &tables;
    let title = Board::Academy.label(lang);
    let body = html! {
        h1 #page-title { (title) }
        (as_of_stamp(lang, &progress.as_of))
        @if let Some(done) = &q.done {
            p.notice role="status" #import-done { (done) }
        }
        @if actor.allows(Permission::ManageProgrammeRecords) {
            p { a #import-link href=(href(IMPORT, lang)) { (lang.pick("교·강사·수료·시설 가져오기 (CSV)", "Import instructors, completions and sites (CSV)")) } }
        }
        section.dashboard-academy aria-labelledby="tracks-title" {
            h2 #tracks-title { (lang.pick("AI 교·강사 아카데미", "AI instructor academy")) }
            p.lede { (lang.pick(
                "과정별 목표는 정책 파일(seed 002 IV-④)에서 읽습니다. 수료는 올해 날짜의 유효한 수료(취소되지 않은 것)입니다.",
                "Each track's target comes from the policy files (seed 002 IV-④). Completions are those in effect (not revoked) dated this year.",
            )) }
            (tracks_chart(&progress, lang))
            (table_with_downloads(tracks, lang, PATH))
            (table_with_downloads(targets, lang, PATH))
        }
        section.dashboard-academy aria-labelledby="sites-title" {
            h2 #sites-title { (lang.pick("훈련 인프라", "Training infrastructure")) }
            (as_of_stamp(lang, &sites.as_of))
            (table_with_downloads(summary, lang, PATH))
            (table_with_downloads(site_list, lang, PATH))
            @if !sites.sites.is_empty() {
                h3 #site-links-title { (lang.pick("시설별 상세", "Each site")) }
                ul.site-links aria-labelledby="site-links-title" {
                    @for s in &sites.sites {
                        li { a href=(href(&format!("{PATH}/sites/{}", s.id), lang)) { (lang.pick(&s.name_ko, &s.name_en)) } }
                    }
                }
            }
        }
    };
    frame(&actor, lang, Board::Academy, title, PATH, body, StatusCode::OK)
}

async fn site_page(
    Allowed(actor, ..): Allowed<perm::ReadDashboards>,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let (as_of, site) = match infrastructure::site_detail(&state.app, &actor, &id).await {
        Ok(found) => found,
        Err(e) => return failed(e),
    };
    let here = format!("{PATH}/sites/{}", super::super::encode_component(&site.id));
    let courses = site_courses_table(&site, lang);
    if let Some(file) = download(&q, std::slice::from_ref(&courses), lang, as_of.date) {
        return file;
    }
    let name = lang.pick(&site.name_ko, &site.name_en).to_owned();
    let body = html! {
        p { a href=(href(PATH, lang)) { (lang.pick("← 교강사·인프라", "← Academy and infrastructure")) } }
        h1 #page-title { (name) }
        (as_of_stamp(lang, &as_of))
        dl.facts {
            dt { (lang.pick("구분", "Kind")) } dd { (kind_label(&site.kind, lang)) }
            dt { (lang.pick("운영 기관", "Run by")) } dd { (site.institution_name.as_deref().unwrap_or(&site.institution_id)) }
            dt { (lang.pick("시군구", "Region")) } dd { (region_name(state.app.engine().regions(), &site.region_code, lang)) }
            dt { (lang.pick("특화 분야", "Industry focus")) } dd { (if site.industry_focus.is_empty() { "–" } else { &site.industry_focus }) }
            dt { (lang.pick("정원", "Capacity")) } dd { (site.capacity) }
            dt { (lang.pick("지정일", "Designated")) } dd { (site.designated_on) }
            dt { (lang.pick("개소일", "Opened")) } dd { (site.opened_on.map_or_else(|| lang.pick("개소 전", "Not yet open").to_owned(), |d| d.to_string())) }
            dt { (lang.pick("오늘 훈련 중", "In training today")) } dd #site-in-training { (site.in_training) }
            dt { (lang.pick("이용률", "Utilisation")) } dd #site-utilisation { (super::table::percent(site.utilisation_bp)) }
            dt { (lang.pick("수료(누적)", "Completions to date")) } dd { (site.completions) }
        }
        @if site.courses.is_empty() {
            p #no-courses { (lang.pick("과정 목록에 이 기관의 과정이 없습니다.", "The catalogue has no course of this institution.")) }
        }
        (table_with_downloads(&courses, lang, &here))
    };
    frame(&actor, lang, Board::Academy, &name, &here, body, StatusCode::OK)
}

/// Which import a form is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum What {
    Instructors,
    Completions,
    Sites,
}

impl What {
    const ALL: [What; 3] = [What::Instructors, What::Completions, What::Sites];

    fn key(self) -> &'static str {
        match self {
            What::Instructors => "instructors",
            What::Completions => "completions",
            What::Sites => "sites",
        }
    }

    /// The id of the form's text area.
    fn field(self) -> &'static str {
        match self {
            What::Instructors => "csv-instructors",
            What::Completions => "csv-completions",
            What::Sites => "csv-sites",
        }
    }

    fn parse(text: &str) -> Option<What> {
        What::ALL.into_iter().find(|w| w.key() == text)
    }

    fn title(self, lang: Lang) -> &'static str {
        match self {
            What::Instructors => lang.pick("교·강사 가져오기", "Import instructors"),
            What::Completions => lang.pick("과정 수료 가져오기", "Import track completions"),
            What::Sites => lang.pick("실습장·공동훈련센터 가져오기", "Import labs and joint centres"),
        }
    }

    fn header(self) -> String {
        match self {
            What::Instructors => INSTRUCTOR_COLUMNS.join(","),
            What::Completions => COMPLETION_COLUMNS.join(","),
            What::Sites => SITE_COLUMNS.join(","),
        }
    }

    fn hint(self, lang: Lang) -> &'static str {
        match self {
            What::Instructors => lang.pick(
                ". 이름은 받지 않습니다. instructor_ref는 아카데미의 기록 번호, provider는 koreatech·polytech·hrdkorea, region은 시군구 코드나 이름, institution(선택)은 과정 목록의 기관 ID, external_id(선택)는 암호화된 값만 보관합니다.",
                ". No names. instructor_ref is the academy's record number, provider koreatech, polytech or hrdkorea, region a 시군구 code or name, institution (optional) an institution id of the catalogue; external_id (optional) is kept only as a keyed hash.",
            ),
            What::Completions => lang.pick(
                ". track은 과정 ID(예: domain-ai), status는 completed(수료) 또는 잘못된 수료를 취소하는 revoked입니다. 수료 기록은 고치거나 지우지 않고 덧붙입니다.",
                ". track is a track id (e.g. domain-ai), status completed or revoked (withdrawing a wrong completion). Completions are never edited or deleted, only appended.",
            ),
            What::Sites => lang.pick(
                ". kind는 lab(공장형 AI 실습장) 또는 centre(AI 특화 공동훈련센터), institution은 과정 목록의 기관 ID, capacity는 정원, opened_on은 개소 전이면 비워 둡니다.",
                ". kind is lab (physical AI lab) or centre (AI joint training centre), institution an institution id of the catalogue, capacity the seats; leave opened_on empty while the site is planned.",
            ),
        }
    }
}

/// A refused import shown again beside its form.
struct Refused {
    what: What,
    text: String,
    message: String,
    rows: Vec<RowProblem>,
}

fn import_form(lang: Lang, actor: &Actor, what: What, refused: Option<&Refused>) -> Markup {
    let refused = refused.filter(|r| r.what == what);
    let id = what.field();
    let hint = format!("{id}-hint");
    let error = format!("{id}-error");
    html! {
        form.panel id=(format!("import-{}", what.key())) method="post" action=(IMPORT) {
            (hidden(actor.csrf_token().unwrap_or_default(), lang))
            input type="hidden" name="what" value=(what.key());
            h2 id=(format!("{id}-title")) { (what.title(lang)) }
            div class=(if refused.is_some() { "field field--error" } else { "field" }) {
                label for=(id) { (lang.pick("CSV 내용 (붙여넣기)", "CSV text (paste it)")) }
                p.hint id=(hint) {
                    (lang.pick("첫 줄은 머리글입니다: ", "The first line is the header: ")) code { (what.header()) }
                    (what.hint(lang))
                    (lang.pick(" 한 줄이라도 틀리면 아무것도 저장하지 않고 틀린 줄을 모두 보여 줍니다.", " If any row is wrong nothing is stored, and every wrong row is listed."))
                }
                @if let Some(r) = refused {
                    div.field-error id=(error) {
                        p { (r.message) }
                        (bad_rows(lang, &format!("{id}-rows"), &r.rows))
                    }
                }
                textarea id=(id) name="csv" rows="6" required aria-invalid=[refused.map(|_| "true")]
                    aria-describedby=(if refused.is_some() { format!("{hint} {error}") } else { hint.clone() }) {
                    @if let Some(r) = refused { (r.text) }
                }
            }
            div.actions { button id=(format!("import-{}-submit", what.key())) type="submit" { (lang.pick("가져오기", "Import")) } }
        }
    }
}

fn render_import(actor: &Actor, lang: Lang, refused: Option<&Refused>, status: StatusCode) -> Response {
    let title = lang.pick(
        "교·강사·수료·시설 가져오기",
        "Import instructors, completions and sites",
    );
    let body = html! {
        p { a href=(href(PATH, lang)) { (lang.pick("← 교강사·인프라", "← Academy and infrastructure")) } }
        h1 #page-title { (title) }
        @if let Some(r) = refused {
            (error_summary(lang, &[Problem { field: r.what.field(), message: r.message.clone() }]))
        }
        @for what in What::ALL { (import_form(lang, actor, what, refused)) }
    };
    frame(actor, lang, Board::Academy, title, IMPORT, body, status)
}

async fn import_page(
    Allowed(actor, ..): Allowed<perm::ManageProgrammeRecords>,
    Query(q): Query<PageQuery>,
) -> Response {
    render_import(&actor, Lang::parse(q.lang.as_deref()), None, StatusCode::OK)
}

#[derive(Debug, Deserialize)]
struct ImportForm {
    #[serde(default)]
    what: String,
    #[serde(default)]
    csv: String,
    lang: Option<String>,
}

async fn import(
    Allowed(actor, ..): Allowed<perm::ManageProgrammeRecords>,
    State(state): State<AppState>,
    CsrfForm(form): CsrfForm<ImportForm>,
) -> Response {
    let lang = Lang::parse(form.lang.as_deref());
    let Some(what) = What::parse(&form.what) else {
        return failed(AppError::field(
            aiup_app::Code::InvalidField,
            "what",
            "what must be instructors, completions or sites",
        ));
    };
    let app = &state.app;
    let result = match what {
        What::Instructors => academy::import_instructors(app, &actor, &form.csv)
            .await
            .map(|s| match lang {
                Lang::Ko => format!(
                    "교·강사를 가져왔습니다: 새로 {}명, 바뀐 {}명, 그대로 {}명.",
                    s.created, s.updated, s.unchanged
                ),
                Lang::En => format!(
                    "Instructors imported: {} new, {} updated, {} unchanged.",
                    s.created, s.updated, s.unchanged
                ),
            }),
        What::Completions => academy::import_completions(app, &actor, &form.csv)
            .await
            .map(|s| match lang {
                Lang::Ko => format!("수료를 가져왔습니다: 수료 {}건, 취소 {}건.", s.completed, s.revoked),
                Lang::En => format!(
                    "Completions imported: {} completed, {} revoked.",
                    s.completed, s.revoked
                ),
            }),
        What::Sites => infrastructure::import_sites(app, &actor, &form.csv)
            .await
            .map(|s| match lang {
                Lang::Ko => format!(
                    "시설을 가져왔습니다: 새로 {}곳, 바뀐 {}곳, 그대로 {}곳.",
                    s.created, s.updated, s.unchanged
                ),
                Lang::En => format!(
                    "Sites imported: {} new, {} updated, {} unchanged.",
                    s.created, s.updated, s.unchanged
                ),
            }),
    };
    match result {
        Ok(done) => see_other(&href(
            &format!("{PATH}?done={}", super::super::encode_component(&done)),
            lang,
        )),
        Err(e) => {
            let status = StatusCode::from_u16(e.error.http_status()).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            if e.rows.is_empty() && status != StatusCode::CONFLICT && status != StatusCode::UNPROCESSABLE_ENTITY {
                return failed(e.error);
            }
            let message = if e.rows.is_empty() {
                e.error.message_in(lang == Lang::Ko).to_owned()
            } else {
                let lines: std::collections::BTreeSet<usize> = e.rows.iter().map(|r| r.line).collect();
                format!(
                    "{}{}",
                    lines.len(),
                    lang.pick(
                        "개 줄에 문제가 있어 아무것도 저장하지 않았습니다.",
                        " rows have problems; nothing was stored."
                    )
                )
            };
            let refused = Refused {
                what,
                text: form.csv,
                message,
                rows: e.rows,
            };
            render_import(&actor, lang, Some(&refused), status)
        }
    }
}
