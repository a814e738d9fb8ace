//! The ministry dashboards (`/admin/dashboard…`), for programme administrators and auditors:
//! overview, targets, budget, regions, SMEs, outcomes, the academy and infrastructure, and
//! reforms. Every page group is a submodule with its own `ROUTES`; this module holds what they
//! share: the frame with the dashboards' menu, the stamp that dates every figure
//! ([`as_of_stamp`]) and the tables that export to CSV and XLSX ([`table`]).

pub(crate) mod academy;
pub(crate) mod budget;
pub(crate) mod outcomes;
pub(crate) mod overview;
pub(crate) mod reforms;
pub(crate) mod regions;
pub(crate) mod smes;
pub(crate) mod table;
pub(crate) mod targets;

use super::accounts::account_menu;
use super::view::{page_in, Section};
use super::widgets::{href, private_page};
use crate::access::Access;
use crate::i18n::Lang;
use crate::AppState;
use aiup_app::accounts::{Actor, Permission};
use aiup_app::dashboard::AsOf;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::Router;
use maud::{html, Markup};

/// Routes of this module itself (none: each page group declares its own).
pub const ROUTES: &[(Method, &str, Access)] = &[];

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(overview::routes())
        .merge(targets::routes())
        .merge(budget::routes())
        .merge(regions::routes())
        .merge(smes::routes())
        .merge(academy::routes())
        .merge(outcomes::routes())
        .merge(reforms::routes())
}

/// The dashboards' pages, in menu order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Board {
    Overview,
    Targets,
    Budget,
    Regions,
    Smes,
    Outcomes,
    Academy,
    Reforms,
}

impl Board {
    pub const ALL: [Board; 8] = [
        Board::Overview,
        Board::Targets,
        Board::Budget,
        Board::Regions,
        Board::Smes,
        Board::Outcomes,
        Board::Academy,
        Board::Reforms,
    ];

    pub fn path(self) -> &'static str {
        match self {
            Board::Overview => "/admin/dashboard",
            Board::Targets => "/admin/dashboard/targets",
            Board::Budget => "/admin/dashboard/budget",
            Board::Regions => "/admin/dashboard/regions",
            Board::Smes => "/admin/dashboard/smes",
            Board::Outcomes => "/admin/dashboard/outcomes",
            Board::Academy => "/admin/dashboard/academy",
            Board::Reforms => "/admin/reforms",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Board::Overview => lang.pick("개요", "Overview"),
            Board::Targets => lang.pick("목표 달성", "Targets"),
            Board::Budget => lang.pick("예산 집행", "Budget"),
            Board::Regions => lang.pick("지역", "Regions"),
            Board::Smes => lang.pick("중소기업", "SMEs"),
            Board::Outcomes => lang.pick("성과", "Outcomes"),
            Board::Academy => lang.pick("교강사·인프라", "Academy and infrastructure"),
            Board::Reforms => lang.pick("제도 변경 모의", "Reforms"),
        }
    }
}

/// The dashboards' menu, the current page marked.
pub fn board_nav(lang: Lang, current: Board) -> Markup {
    html! {
        nav.subnav aria-label=(lang.pick("사업 현황판 메뉴", "Dashboard menu")) {
            ul { @for board in Board::ALL {
                li { a href=(href(board.path(), lang)) aria-current=[(board == current).then_some("page")] { (board.label(lang)) } }
            } }
        }
    }
}

/// When the figures were computed and under which policy version: shown at the top of every
/// dashboard page, and beside any figure computed at another moment.
pub fn as_of_stamp(lang: Lang, as_of: &AsOf) -> Markup {
    html! {
        p.as-of {
            (lang.pick("기준: ", "As of "))
            time datetime=(as_of.date.to_string()) { (as_of.date.to_string()) }
            " " (super::widgets::seoul_time(as_of.computed_at).get(11..).unwrap_or_default())
            (lang.pick(" (서울) · 정책 버전 ", " (Seoul) · policy version "))
            span.as-of__version { (as_of.policy_revision) " (" (as_of.policy_version.get(..12).unwrap_or(&as_of.policy_version)) ")" }
        }
    }
}

/// A dashboard page: the account menu, the dashboards' menu with `board` current, the title
/// and `body`. `here` is the page's own path and query (for the language switch).
pub fn frame(
    actor: &Actor,
    lang: Lang,
    board: Board,
    title: &str,
    here: &str,
    body: Markup,
    status: StatusCode,
) -> Response {
    let main = html! {
        (board_nav(lang, board))
        (body)
    };
    private_page(
        status,
        page_in(
            Section::Account,
            lang,
            &format!("{title} — AI+역량 Up"),
            account_menu(lang, actor, Some(&href(here, lang.other()))),
            main,
        ),
    )
}

/// Whether the caller may use the reform pages' drafting (the menu shows them either way).
pub fn may_draft(actor: &Actor) -> bool {
    actor.allows(Permission::DraftReforms)
}
