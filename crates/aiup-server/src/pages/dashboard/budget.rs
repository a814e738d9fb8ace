//! The budget execution dashboard (`/admin/dashboard/budget`): every budget line of the plan
//! (seed 002 붙임1) with its budget, committed, paid and forecast to the year's end, and its flag
//! in words; the totals both ways the plan adds up. Every table is a [`DataTable`] with its CSV
//! and XLSX downloads, the chart before the table with its numbers.

use super::super::chart::{bar_chart, BarChart, Series};
use super::super::widgets::href;
use super::table::{percent, table_with_downloads, Cell, Column, DataTable, Kind};
use super::targets::PageQuery;
use super::{as_of_stamp, frame, Board};
use crate::access::{perm, Access, Allowed};
use crate::i18n::Lang;
use crate::AppState;
use aiup_app::accounts::Permission;
use aiup_app::dashboard::budget::{budget, budget_line, BudgetLineDetail, BudgetView};
use aiup_app::dashboard::targets::share_bp;
use aiup_core::policy::Funding;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use maud::{html, Markup};

pub const PATH: &str = "/admin/dashboard/budget";

/// This page group's routes and who may use each (part of `access::ROUTES`).
pub const ROUTES: &[(Method, &str, Access)] = &[
    (Method::GET, PATH, Access::Allowed(Permission::ReadDashboards)),
    (
        Method::GET,
        "/admin/dashboard/budget/{line}",
        Access::Allowed(Permission::ReadDashboards),
    ),
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/dashboard/budget", get(budget_page))
        .route("/admin/dashboard/budget/{line}", get(line_page))
}

fn funding_label(funding: Funding, lang: Lang) -> &'static str {
    match funding {
        Funding::New => lang.pick("신규", "new"),
        Funding::Existing => lang.pick("기존 재원 활용", "existing funds"),
    }
}

/// Every budget line: budget, committed, paid, forecast and the flag in words.
pub fn lines_table(view: &BudgetView, lang: Lang) -> DataTable {
    let t = &view.totals;
    DataTable {
        id: "budget-lines".into(),
        caption_ko: format!("{}년 예산 사업별 집행 (seed 002 붙임1, 원)", view.year),
        caption_en: format!("{} budget lines: execution (seed 002 appendix 1, won)", view.year),
        columns: vec![
            Column::new("예산 사업", "Budget line", Kind::Text),
            Column::new("ID", "ID", Kind::Text),
            Column::new("재원", "Funding", Kind::Text),
            Column::new("예산", "Budget", Kind::Won),
            Column::new("AI 특화분", "AI-specific part", Kind::Won),
            Column::new("지급", "Paid", Kind::Won),
            Column::new("약정", "Committed", Kind::Won),
            Column::new(
                "남은 훈련장려금(연말까지)",
                "Allowance to come (to year end)",
                Kind::Won,
            ),
            Column::new("연말 전망", "Year-end forecast", Kind::Won),
            Column::new("전망/예산", "Forecast / budget", Kind::Percent),
            Column::new("상태", "Status", Kind::Text),
        ],
        rows: view
            .lines
            .iter()
            .map(|l| {
                let counted = l.has_ledger || l.imported.is_some();
                let money = |won: i64| if counted { Cell::Int(won) } else { Cell::Missing };
                vec![
                    Cell::Text(lang.pick(&l.label.ko, &l.label.en).to_owned()),
                    Cell::Text(l.id.clone()),
                    Cell::Text(funding_label(l.funding, lang).to_owned()),
                    Cell::Int(l.budget_won),
                    Cell::Int(l.ai_specific_won),
                    money(l.execution.paid_won),
                    money(l.execution.committed_won),
                    money(l.execution.allowance_to_come_won),
                    money(l.execution.forecast_won),
                    if counted {
                        share_bp(l.execution.forecast_won, l.budget_won).map_or(Cell::Missing, Cell::Bp)
                    } else {
                        Cell::Missing
                    },
                    Cell::Text({
                        let label = l.flag.label();
                        let flag = lang.pick(&label.ko, &label.en);
                        match &l.imported {
                            Some(f) => format!(
                                "{flag} ({}: {}, {})",
                                lang.pick("외부 집계", "imported"),
                                f.source,
                                f.as_of
                            ),
                            None => flag.to_owned(),
                        }
                    }),
                ]
            })
            .collect(),
        footer: Some(vec![
            Cell::Text(lang.pick("합계(전체 사업)", "Total (every line)").to_owned()),
            Cell::Text(String::new()),
            Cell::Text(String::new()),
            Cell::Int(t.all_lines_won),
            Cell::Int(t.ai_specific_won),
            Cell::Int(t.execution.paid_won),
            Cell::Int(t.execution.committed_won),
            Cell::Int(t.execution.allowance_to_come_won),
            Cell::Int(t.execution.forecast_won),
            Cell::Missing,
            Cell::Text(String::new()),
        ]),
    }
}

/// The plan's total, and how the lines add up to it.
pub fn totals_table(view: &BudgetView, lang: Lang) -> DataTable {
    let t = &view.totals;
    let row = |ko: &str, en: &str, won: i64| vec![Cell::Text(lang.pick(ko, en).to_owned()), Cell::Int(won)];
    DataTable {
        id: "budget-totals".into(),
        caption_ko: "예산 총액: 계획의 2,540억 원과 사업 합계".into(),
        caption_en: "Budget totals: the plan's ₩254.0 bn and the sum of the lines".into(),
        columns: vec![
            Column::new("구분", "Total", Kind::Text),
            Column::new("금액", "Amount", Kind::Won),
        ],
        rows: vec![
            row(
                "계획 총액 (seed 002 붙임1)",
                "The plan's total (seed 002 appendix 1)",
                t.plan_total_won,
            ),
            row(
                "AI 특화 예산 합계 (신규 + 기존 재원의 AI 특화분)",
                "AI-specific budget (new lines + the AI part of existing funds)",
                t.ai_specific_won,
            ),
            row("신규 사업 합계", "New lines", t.new_funds_won),
            row(
                "기존 재원 활용 사업 합계",
                "Lines of existing funds",
                t.existing_funds_won,
            ),
            row("전체 사업 합계", "Every line", t.all_lines_won),
        ],
        footer: None,
    }
}

/// Every table of the page, in page order.
pub fn tables(view: &BudgetView, lang: Lang) -> Vec<DataTable> {
    vec![lines_table(view, lang), totals_table(view, lang)]
}

/// Won as tenths of 억원 (₩10 m), the chart's unit.
fn tenths_of_eok(won: i64) -> Option<u32> {
    u32::try_from(won.max(0) / 10_000_000).ok()
}

async fn budget_page(
    Allowed(actor, ..): Allowed<perm::ReadDashboards>,
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let view = match budget(&state.app, &actor).await {
        Ok(view) => view,
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    let tables = tables(&view, lang);
    if let Some(download) = q.download(&tables, lang, view.as_of.date) {
        return download;
    }
    let chart = BarChart {
        id: "chart-budget".into(),
        title: lang.pick("예산 사업별 예산·지급·약정·연말 전망 (억 원)", "Budget lines: budget, paid, committed and forecast (₩100 m)").into(),
        description: lang
            .pick(
                "예산 사업마다 예산, 지급, 약정, 연말 전망을 억 원 단위 막대로 보여 줍니다. 같은 수치(원 단위)가 아래 표 '예산 사업별 집행'에 있습니다.",
                "For each budget line: budget, paid, committed and the year-end forecast, in ₩100 m. The same numbers, in won, are in the table 'budget lines: execution' below.",
            )
            .into(),
        unit: String::new(),
        categories: view.lines.iter().map(|l| lang.pick(&l.label.ko, &l.label.en).to_owned()).collect(),
        series: vec![
            Series {
                name: lang.pick("예산", "Budget").into(),
                values: view.lines.iter().map(|l| tenths_of_eok(l.budget_won)).collect(),
            },
            Series {
                name: lang.pick("지급", "Paid").into(),
                values: view.lines.iter().map(|l| (l.has_ledger || l.imported.is_some()).then(|| tenths_of_eok(l.execution.paid_won)).flatten()).collect(),
            },
            Series {
                name: lang.pick("약정", "Committed").into(),
                values: view.lines.iter().map(|l| l.has_ledger.then(|| tenths_of_eok(l.execution.committed_won)).flatten()).collect(),
            },
            Series {
                name: lang.pick("연말 전망", "Forecast").into(),
                values: view.lines.iter().map(|l| l.has_ledger.then(|| tenths_of_eok(l.execution.forecast_won)).flatten()).collect(),
            },
        ],
    };
    let t = &view.totals;
    let here = PATH;
    let title = lang.pick("예산 집행 현황", "Budget execution");
    let body = html! {
        h1 { (title) }
        (as_of_stamp(lang, &view.as_of))
        @if let Some(scope) = &view.scope {
            p.note { (lang.pick("담당 사업만 표시합니다: ", "Only your programmes are shown: ")) (scope.join(", ")) }
        }
        p { (lang.pick(
            "지급은 내보낸 급여 지급분과 카드 결제(환불 차감), 약정은 카드 보류·미지급 급여·승인된 중소기업 계획의 정부 부담, 연말 전망은 여기에 훈련 중인 수강생의 남은 단위기간 장려금(전일 출석 가정)을 더한 값입니다. 정의는 docs/dashboards.md '예산 집행'에 있습니다.",
            "Paid is exported payroll and card charges net of refunds; committed is card holds, payroll not yet exported and accepted SME plans' government share; the year-end forecast adds the allowance still to come for trainees in training (every remaining unit period at full attendance). docs/dashboards.md \"Budget execution\" defines every figure."
        )) }
        p { (lang.pick("집행 부진 기준: 연말 전망이 예산보다 ", "Flagged under when the forecast falls short of the budget by more than "))
            (percent(view.under_flag_share_bp))
            (lang.pick(" 넘게 모자랄 때 (정책 변수 dashboard.budget.under_flag_share).", " (policy parameter dashboard.budget.under_flag_share)."))
        }
        div.dashboard-section {
            (bar_chart(&chart))
            (table_with_downloads(&tables[0], lang, here))
            (line_links(&view, lang))
        }
        div.dashboard-section {
            (table_with_downloads(&tables[1], lang, here))
            p { (lang.pick(
                "계획의 총액 2,540억 원은 'AI 특화 예산 기준'입니다(붙임1 주석): 신규 사업 전액에 기존 재원 사업의 AI 특화분(직업훈련교원 연수 280억 원 중 67억 원)을 더한 값이며, 기존 재원을 '활용'하는 사업(KDC, 폴리텍, 지역 컨소시엄 등)의 나머지 금액은 들어가지 않습니다. 그래서 전체 사업 합계가 계획 총액보다 큽니다.",
                "The plan's ₩254.0 bn is counted \"on the AI-specific budget\" (appendix 1's footnote): every new line in full plus the AI part of existing-funds lines (₩6.7 bn of instructor training's ₩28.0 bn); the rest of the existing funds the plan draws on (KDC, Polytech, the regional consortium …) is not in it, so the sum of every line exceeds the plan's total."
            )) " "
            (lang.pick("차이: ", "Difference: ")) (aiup_core::money::Won(t.all_lines_won - t.plan_total_won).to_string()) }
        }
    };
    frame(&actor, lang, Board::Budget, title, here, body, StatusCode::OK)
}

/// Links to each line's detail page.
fn line_links(view: &BudgetView, lang: Lang) -> Markup {
    html! {
        nav aria-label=(lang.pick("예산 사업별 상세", "Each budget line in detail")) {
            h2 { (lang.pick("예산 사업별 상세 (사업·월별)", "Each line by programme and month")) }
            ul { @for l in &view.lines {
                li { a href=(href(&format!("{PATH}/{}", l.id), lang)) { (lang.pick(&l.label.ko, &l.label.en)) } }
            } }
        }
    }
}

/// One line's figures, as the budget page shows them.
pub fn line_summary_table(detail: &BudgetLineDetail, lang: Lang) -> DataTable {
    let l = &detail.line;
    let e = &l.execution;
    DataTable {
        id: "line-summary".into(),
        caption_ko: format!("{}: 예산과 집행 (원)", l.label.ko),
        caption_en: format!("{}: budget and execution (won)", l.label.en),
        columns: vec![
            Column::new("예산 사업", "Budget line", Kind::Text),
            Column::new("예산", "Budget", Kind::Won),
            Column::new("지급", "Paid", Kind::Won),
            Column::new("약정", "Committed", Kind::Won),
            Column::new(
                "남은 훈련장려금(연말까지)",
                "Allowance to come (to year end)",
                Kind::Won,
            ),
            Column::new("연말 전망", "Year-end forecast", Kind::Won),
            Column::new("상태", "Status", Kind::Text),
        ],
        rows: vec![vec![
            Cell::Text(lang.pick(&l.label.ko, &l.label.en).to_owned()),
            Cell::Int(l.budget_won),
            Cell::Int(e.paid_won),
            Cell::Int(e.committed_won),
            Cell::Int(e.allowance_to_come_won),
            Cell::Int(e.forecast_won),
            Cell::Text({
                let label = l.flag.label();
                lang.pick(&label.ko, &label.en).to_owned()
            }),
        ]],
        footer: None,
    }
}

/// The line's money by month and programme.
pub fn line_months_table(detail: &BudgetLineDetail, lang: Lang) -> DataTable {
    let sum = |f: fn(&aiup_store::MonthMoney) -> i64| detail.months.iter().map(f).sum::<i64>();
    DataTable {
        id: "line-months".into(),
        caption_ko: "월별·사업별 집행 (카드 결제는 결제일, 훈련장려금은 지급 대상 월 기준, 원)".into(),
        caption_en: "By month and programme (card charges by their date, allowances by payroll month, won)".into(),
        columns: vec![
            Column::new("월", "Month", Kind::Text),
            Column::new("사업", "Programme", Kind::Text),
            Column::new("카드 결제(환불 차감)", "Card charges net of refunds", Kind::Won),
            Column::new("훈련장려금 지급", "Allowance paid (exported)", Kind::Won),
            Column::new("훈련장려금 미지급(초안·승인)", "Allowance not yet exported", Kind::Won),
        ],
        rows: detail
            .months
            .iter()
            .map(|m| {
                vec![
                    Cell::Text(m.month.clone()),
                    Cell::Text(m.programme.clone()),
                    Cell::Int(m.card_charged_won),
                    Cell::Int(m.payroll_exported_won),
                    Cell::Int(m.payroll_pending_won),
                ]
            })
            .collect(),
        footer: Some(vec![
            Cell::Text(lang.pick("합계", "Total").to_owned()),
            Cell::Text(String::new()),
            Cell::Int(sum(|m| m.card_charged_won)),
            Cell::Int(sum(|m| m.payroll_exported_won)),
            Cell::Int(sum(|m| m.payroll_pending_won)),
        ]),
    }
}

async fn line_page(
    Allowed(actor, ..): Allowed<perm::ReadDashboards>,
    State(state): State<AppState>,
    Path(line): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let lang = Lang::parse(q.lang.as_deref());
    let detail = match budget_line(&state.app, &actor, &line).await {
        Ok(detail) => detail,
        Err(e) if e.code == aiup_app::Code::NotFound => return super::super::not_found_in(lang),
        Err(e) => return crate::error::ApiError(e).into_response(),
    };
    let tables = [line_summary_table(&detail, lang), line_months_table(&detail, lang)];
    if let Some(download) = q.download(&tables, lang, detail.months_as_of.date) {
        return download;
    }
    let here = format!("{PATH}/{}", detail.line.id);
    let title = lang.pick(&detail.line.label.ko, &detail.line.label.en).to_owned();
    let body = html! {
        p { a href=(href(PATH, lang)) { (lang.pick("← 예산 집행 현황", "← Budget execution")) } }
        h1 { (title) }
        (as_of_stamp(lang, &detail.line_as_of))
        p { (lang.pick("사업: ", "Programmes: ")) (detail.line.programmes.join(", ")) " · " (detail.line.cite) }
        div.dashboard-section { (table_with_downloads(&tables[0], lang, &here)) }
        div.dashboard-section {
            (as_of_stamp(lang, &detail.months_as_of))
            (table_with_downloads(&tables[1], lang, &here))
        }
    };
    frame(&actor, lang, Board::Budget, &title, &here, body, StatusCode::OK)
}
