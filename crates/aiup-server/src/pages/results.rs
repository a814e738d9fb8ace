//! The results section: key figures, the allowance of every unit period,
//! each component with its reason and legal basis, the explanation and the
//! trace tree. Money is always `Won`, shown as ₩1,234,000.

use super::form::FormInput;
use super::Computed;
use crate::i18n::Lang;
use aiup_core::policy::Confidence;
use aiup_core::Won;
use aiup_rules::explain::{Basis, Component, ParamUse, Party, TraceNode};
use aiup_rules::period;
use aiup_rules::{Engine, Totals};
use maud::{html, Markup};

pub fn render(engine: &Engine, lang: Lang, form: &FormInput, computed: &Computed) -> Markup {
    let e = &computed.estimate;
    let t = &e.totals;
    let mut course = Totals::default();
    for (_, totals) in &computed.schedule {
        course.add(totals);
    }
    let programme_name = lang.pick(&e.programme.name.ko, &e.programme.name.en);
    let tier = lang.pick(e.region.tier.label_ko(), e.region.tier.label_en());
    let periods = computed.schedule.len();
    let no_fee = form.fee_won.is_empty();
    let col_period = lang.pick("단위기간", "Unit period");
    let col_dates = lang.pick("기간", "Dates");
    let col_weekdays = lang.pick("평일", "Weekdays");
    let col_base = lang.pick("기본 훈련장려금", "Base allowance");
    let col_total = lang.pick("합계", "Total");
    let special_label = e
        .components
        .iter()
        .find(|c| c.id == "special_allowance")
        .map(|c| lang.pick(&c.label.ko, &c.label.en));

    html! {
        section #results.results aria-labelledby="outcome" {
            // The form's fragment target (see `view::error_summary`).
            h2 #outcome tabindex="-1" { (lang.pick("계산 결과", "Results")) }
            p.results__case #results-case {
                strong { (programme_name) } " · "
                span #result-region { (region_name(engine, lang, &e.region.code, &e.region.name)) }
                " (" span #result-tier { (tier) } ") · "
                span.nowrap { (e.unit_period.start) " ~ " (computed.schedule.last().map_or(e.unit_period.end, |(p, _)| p.end)) }
                " · " (match lang { Lang::Ko => format!("단위기간 {periods}개"), Lang::En => format!("{periods} unit period(s)") })
            }
            dl.figures #figures {
                (figure("figure-allowance", lang.pick("월 훈련장려금", "Monthly allowance"), Won(t.allowance_won), &match lang {
                    Lang::Ko => format!("첫 단위기간 · 기본 {} + 추가 {}", Won(t.base_allowance_won), Won(t.special_allowance_won)),
                    Lang::En => format!("First unit period · base {} + top-up {}", Won(t.base_allowance_won), Won(t.special_allowance_won)),
                }, true))
                (figure("figure-allowance-total", lang.pick("과정 전체 훈련장려금", "Allowance, whole course"), Won(course.allowance_won), &match lang {
                    Lang::Ko => format!("단위기간 {periods}개 합계"),
                    Lang::En => format!("Sum of {periods} unit period(s)"),
                }, false))
                (figure("figure-self-payment", lang.pick("자부담 (과정 전체)", "You pay (whole course)"), Won(t.self_payment_won), if no_fee {
                    lang.pick("훈련비를 입력하지 않았습니다", "No course fee entered")
                } else {
                    lang.pick("훈련생 본인이 내는 수강료", "The trainee's share of the fee")
                }, false))
                (figure("figure-tuition-support", lang.pick("정부 수강료 지원", "Government tuition support"), Won(t.tuition_support_won), lang.pick("과정 전체, 훈련기관에 지급", "Whole course, paid to the institution"), false))
                (figure("figure-recognised-cost", lang.pick("인정 훈련비", "Recognised training cost"), Won(t.recognised_training_cost_won), lang.pick("지원 계산의 기준 금액", "What support is computed on"), false))
                @if t.employer_payment_won != 0 {
                    (figure("figure-employer", lang.pick("사업주 부담", "Employer pays"), Won(t.employer_payment_won), lang.pick("과정 전체", "Whole course"), false))
                }
            }
            p.assumption {
                (lang.pick(
                    "훈련장려금은 단위기간마다 평일(월~금)을 모두 출석했다고 가정한 금액입니다. 공휴일은 빼지 않았으며, 실제로는 출석률 80% 이상인 달에만 출석일수만큼 지급됩니다.",
                    "Allowances assume every weekday (Monday to Friday) of each unit period is attended. Public holidays are not counted out; in practice the allowance is paid per attended day, only in periods with at least 80% attendance.",
                ))
            }

            div.table-scroll role="region" aria-labelledby="schedule-title" tabindex="0" {
                table #schedule.data.stack {
                    caption {
                        span.caption__title #schedule-title { (lang.pick("월별 훈련장려금", "Allowance by month")) }
                        span.caption__note {
                            (lang.pick("단위기간(개강일부터 한 달)마다 평일을 모두 출석했다고 가정 · 공휴일 미반영", "Each unit period is a month from the start date; all weekdays assumed attended; public holidays not counted"))
                        }
                    }
                    thead {
                        tr {
                            th scope="col" { (col_period) }
                            th scope="col" { (col_dates) }
                            th scope="col" .num { (col_weekdays) }
                            th scope="col" .num { (col_base) }
                            @if let Some(label) = special_label {
                                th scope="col" .num { (label) }
                            }
                            th scope="col" .num { (col_total) }
                        }
                    }
                    tbody {
                        @for (unit, totals) in &computed.schedule {
                            tr #(format!("schedule-{}", unit.index)) {
                                th scope="row" data-label=(col_period) { (unit.index) " / " (unit.of) }
                                td.nowrap data-label=(col_dates) { (unit.start) " ~ " (unit.end) }
                                td.num data-label=(col_weekdays) { (period::weekdays(unit)) }
                                td.num data-label=(col_base) { (Won(totals.base_allowance_won)) }
                                @if let Some(label) = special_label {
                                    td.num data-label=(label) { (Won(totals.special_allowance_won)) }
                                }
                                td.num data-label=(col_total) { strong { (Won(totals.allowance_won)) } }
                            }
                        }
                    }
                    tfoot {
                        tr {
                            th scope="row" colspan="3" { (lang.pick("과정 전체", "Whole course")) }
                            td.num data-label=(col_base) { (Won(course.base_allowance_won)) }
                            @if let Some(label) = special_label {
                                td.num data-label=(label) { (Won(course.special_allowance_won)) }
                            }
                            td.num #schedule-total data-label=(col_total) { strong { (Won(course.allowance_won)) } }
                        }
                    }
                }
            }

            h3 #components-title { (lang.pick("항목별 계산과 근거", "Each amount, its reason and its legal basis")) }
            div.components {
                @for c in &e.components {
                    (component(lang, c))
                }
            }

            h3 #explanation-title { (lang.pick("설명", "Explanation")) }
            div #explanation.explanation {
                @for line in lang.pick(&e.explanation.ko, &e.explanation.en).lines() {
                    p { (line) }
                }
            }

            details #trace.trace {
                summary { (lang.pick("계산 과정 자세히 보기 (규칙·매개변수·근거)", "Show the calculation step by step (rules, parameters, sources)")) }
                @if let Some(trace) = &e.trace {
                    ul.trace__tree {
                        @for node in trace {
                            (trace_node(lang, node))
                        }
                    }
                }
            }

            p.policy-meta #policy-meta {
                (lang.pick("정책 버전 ", "Policy version ")) strong { (e.policy_version) }
                " · " (lang.pick("정책 기준일 ", "rules in force on ")) strong #policy-date { (e.policy_date) }
                " " (lang.pick("(개강일에 시행 중인 규칙을 적용)", "(the course start date)"))
            }
        }
    }
}

/// The region as the reader knows it: its Korean name, or in English its
/// romanised name and province with the Korean (marked `lang="ko"`) in brackets.
fn region_name(engine: &Engine, lang: Lang, code: &str, name: &str) -> Markup {
    let table = engine.regions();
    let found = table.regions().iter().find(|r| r.code.to_string() == code);
    match (lang, found) {
        (Lang::En, Some(r)) => html! { (table.english_name(r)) " (" span lang="ko" { (name) } ")" },
        _ => html! { (name) },
    }
}

fn figure(id: &str, label: &str, amount: Won, note: &str, main: bool) -> Markup {
    html! {
        div.figure.figure--main[main] #(id) {
            dt { (label) }
            dd.figure__amount #(format!("{id}-amount")) { (amount) }
            dd.figure__note { (note) }
        }
    }
}

fn party(lang: Lang, p: Party) -> &'static str {
    match p {
        Party::Government => lang.pick("정부", "government"),
        Party::Trainee => lang.pick("훈련생", "trainee"),
        Party::Employer => lang.pick("사업주", "employer"),
        Party::Institution => lang.pick("훈련기관", "training institution"),
    }
}

pub(super) fn component(lang: Lang, c: &Component) -> Markup {
    let id = format!("component-{}", c.id);
    html! {
        article.component #(id) aria-labelledby=(format!("{id}-title")) {
            div.component__head {
                h4 #(format!("{id}-title")) { (lang.pick(&c.label.ko, &c.label.en)) }
                p.component__amount { (Won(c.amount_won)) }
            }
            p.component__meta {
                (match c.basis {
                    Basis::UnitPeriod => lang.pick("단위기간(월)마다", "Each unit period (month)"),
                    Basis::Course => lang.pick("과정 전체", "Whole course"),
                })
                " · " (party(lang, c.payer)) " → " (party(lang, c.payee))
            }
            p.component__reason { (lang.pick(&c.reason.ko, &c.reason.en)) }
            @if !c.citations.is_empty() {
                div.citations {
                    p.citations__title { (lang.pick("근거", "Legal basis")) }
                    ul {
                        @for cite in &c.citations {
                            li { (citation(lang, cite)) }
                        }
                    }
                }
            }
        }
    }
}

/// The source documents a `seed:NNN` citation points to (BRIEF, "seeds/").
fn seed_document(lang: Lang, number: &str) -> Option<&'static str> {
    Some(match number {
        "000" => lang.pick("추진방안 영문 보도 요약", "English news summary of the plan"),
        "001" => lang.pick("AI 업무보조 훈련 시범사업 자료", "AI-worker pilot"),
        "002" => lang.pick(
            "「노동시장 AI 인재양성 추진방안」(고용노동부, 2025-12-18)",
            "MOEL plan: AI talent for the labour market (2025-12-18)",
        ),
        "003" => lang.pick("평생직업능력개발 체계 자료", "Lifelong-learning system"),
        "004" => lang.pick("서초구 전 세대 AI 교육 자료", "Seocho-gu AI education for all ages"),
        _ => return None,
    })
}

/// A public citation such as `notice:고용노동부고시 제2026-101호; seed:002 IV-③`
/// (docs/policy-files.md), each reference shown with a label of its kind in
/// the page's language. Korean text left on an English page is marked `lang="ko"`.
pub(super) fn citation(lang: Lang, cite: &str) -> Markup {
    html! {
        span.citation {
            @for (i, part) in cite.split("; ").enumerate() {
                @if i > 0 { "; " }
                (citation_part(lang, part))
            }
        }
    }
}

fn citation_part(lang: Lang, part: &str) -> Markup {
    let (kind, rest) = part.split_once(':').unwrap_or(("", part));
    let rest = rest.trim();
    // The label, then the reference in pieces that may differ in language
    // (an English document name, then a Korean section name).
    let (label, pieces): (Option<&str>, Vec<String>) = match kind {
        "notice" => (Some(lang.pick("고시", "Notice")), vec![notice_name(lang, rest)]),
        "law" => (Some(lang.pick("법령", "Law")), vec![rest.to_owned()]),
        "seed" => {
            let (number, place) = rest.split_once(' ').unwrap_or((rest, ""));
            let pieces = match seed_document(lang, number) {
                Some(doc) => vec![doc.to_owned(), place.trim().to_owned()],
                None => vec![rest.to_owned()],
            };
            (Some(lang.pick("정부 계획·자료", "Government plan")), pieces)
        }
        "aiup" if rest == "research" => (
            Some(lang.pick("aiup 정책 조사(2차 출처)", "aiup policy research (secondary sources)")),
            Vec::new(),
        ),
        "aiup" => (Some(lang.pick("aiup 기본값", "aiup default")), Vec::new()),
        "reform" => (Some(lang.pick("변경 가정", "What-if reform")), vec![rest.to_owned()]),
        _ => (None, vec![part.to_owned()]),
    };
    html! {
        @if let Some(label) = label {
            span.badge { (label) }
        }
        @for piece in pieces.iter().filter(|p| !p.is_empty()) {
            " " span.cite lang=[other_language(lang, piece)] { (piece) }
        }
    }
}

/// A notice's name in the page's language: `고용노동부고시 제2026-101호` is
/// "MOEL Notice No. 2026-101" in English; other names stay as written.
fn notice_name(lang: Lang, name: &str) -> String {
    match (
        lang,
        name.strip_prefix("고용노동부고시 제")
            .and_then(|n| n.strip_suffix('호')),
    ) {
        (Lang::En, Some(number)) => format!("Ministry of Employment and Labor Notice No. {number}"),
        _ => name.to_owned(),
    }
}

/// `Some("ko")` for Korean text on an English page (and the reverse), for a `lang` attribute.
pub(super) fn other_language(lang: Lang, text: &str) -> Option<&'static str> {
    let hangul = text.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c));
    match lang {
        Lang::En if hangul => Some("ko"),
        Lang::Ko if !hangul && text.chars().filter(char::is_ascii_alphabetic).count() > 3 => Some("en"),
        _ => None,
    }
}

fn confidence(lang: Lang, c: Confidence) -> &'static str {
    match c {
        Confidence::Confirmed => lang.pick("복수 출처 확인", "confirmed by 2+ sources"),
        Confidence::Seed => lang.pick("계획 원문", "stated in the plan"),
        Confidence::SingleSource => lang.pick("단일 출처", "single source"),
        Confidence::AiupDefault => lang.pick("aiup 기본값", "aiup default"),
    }
}

fn param(lang: Lang, p: &ParamUse) -> Markup {
    html! {
        li.param {
            code { (p.id) } " = " strong lang=[other_language(lang, &p.value.to_string())] { (p.value) }
            span.param__meta {
                " · " (lang.pick("시행 ", "from ")) (p.from)
                " · " span.confidence { (confidence(lang, p.confidence)) }
            }
            @if !p.cite.is_empty() {
                br;
                span.param__cite { (citation(lang, &p.cite)) }
            }
        }
    }
}

fn trace_node(lang: Lang, node: &TraceNode) -> Markup {
    html! {
        li.trace__node {
            div.trace__line {
                span.trace__label { (lang.pick(&node.label.ko, &node.label.en)) }
                " " code.trace__rule { (node.rule) }
                " → " span.trace__value lang=[other_language(lang, &node.value.to_string())] { (node.value) }
            }
            @if let Some(cite) = &node.citation {
                p.trace__cite { (lang.pick("근거: ", "Basis: ")) (citation(lang, cite)) }
            }
            @if !node.params.is_empty() {
                ul.params {
                    @for p in &node.params {
                        (param(lang, p))
                    }
                }
            }
            @if !node.children.is_empty() {
                ul.trace__children {
                    @for child in &node.children {
                        (trace_node(lang, child))
                    }
                }
            }
        }
    }
}
