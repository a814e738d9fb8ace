//! Renders an `Outcome` as components, a trace tree and plain Korean and
//! English explanations. Every parameter named carries its value, effective
//! date and citation.

use crate::case::Case;
use crate::engine::{BracketCharge, EmployerMode, Engine, Outcome, RateSource, Totals, TuitionRule};
use crate::period;
use aiup_core::policy::{AllowanceScheme, Confidence, TuitionScheme};
use aiup_core::{RegionTier, Won};
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bilingual {
    pub ko: String,
    pub en: String,
}

pub(crate) fn bi(ko: impl Into<String>, en: impl Into<String>) -> Bilingual {
    Bilingual {
        ko: ko.into(),
        en: en.into(),
    }
}

/// A parameter value used by a rule, with its provenance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParamUse {
    pub id: String,
    pub value: String,
    pub from: NaiveDate,
    pub cite: String,
    pub confidence: Confidence,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TraceNode {
    pub rule: String,
    pub label: Bilingual,
    pub value: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<ParamUse>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<TraceNode>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    Government,
    Trainee,
    Employer,
    Institution,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Paid for the unit period.
    UnitPeriod,
    /// Settled once for the whole course.
    Course,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Component {
    pub id: &'static str,
    pub label: Bilingual,
    pub amount_won: i64,
    pub payer: Party,
    pub payee: Party,
    pub basis: Basis,
    pub reason: Bilingual,
    pub citations: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgrammeRef {
    pub id: String,
    pub name: Bilingual,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegionRef {
    pub code: String,
    pub name: String,
    pub tier: RegionTier,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitPeriodRef {
    pub index: u32,
    pub of: u32,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// The answer to one estimate request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Estimate {
    pub policy_version: String,
    /// Parameters are read as in force on this date: the course start date.
    pub policy_date: NaiveDate,
    pub programme: ProgrammeRef,
    pub region: RegionRef,
    pub unit_period: UnitPeriodRef,
    pub attendance_assumed: bool,
    pub totals: Totals,
    pub components: Vec<Component>,
    pub explanation: Bilingual,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<Vec<TraceNode>>,
}

fn pct(part: u32, whole: u32) -> String {
    if whole == 0 {
        return "—".into();
    }
    let tenths = u64::from(part) * 1000 / u64::from(whole);
    format!("{}.{}%", tenths / 10, tenths % 10)
}

pub(crate) struct Ctx<'a> {
    pub(crate) engine: &'a Engine,
    pub(crate) date: NaiveDate,
}

impl Ctx<'_> {
    pub(crate) fn param(&self, id: &str) -> ParamUse {
        match self.engine.policy().parameter(id).and_then(|p| p.at(self.date)) {
            Some(v) => ParamUse {
                id: id.to_owned(),
                value: v.value.to_string(),
                from: v.from,
                cite: v.cite.clone(),
                confidence: v.confidence,
            },
            None => ParamUse {
                id: id.to_owned(),
                value: "—".into(),
                from: self.date,
                cite: String::new(),
                confidence: Confidence::AiupDefault,
            },
        }
    }

    pub(crate) fn params(&self, ids: &[String]) -> Vec<ParamUse> {
        ids.iter().map(|id| self.param(id)).collect()
    }

    pub(crate) fn cites(&self, ids: &[String]) -> Vec<String> {
        let mut cites: Vec<String> = ids
            .iter()
            .map(|id| self.param(id).cite)
            .filter(|c| !c.is_empty())
            .collect();
        cites.sort();
        cites.dedup();
        cites
    }
}

pub(crate) fn node(
    rule: &str,
    label: Bilingual,
    value: impl Into<String>,
    params: Vec<ParamUse>,
    children: Vec<TraceNode>,
) -> TraceNode {
    TraceNode {
        rule: rule.to_owned(),
        label,
        value: value.into(),
        params,
        citation: None,
        children,
    }
}

fn yes(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "not met"
    }
}

impl Engine {
    /// Evaluates a case and renders the full answer. `trace` adds the tree.
    pub fn estimate(&self, case: &Case, trace: bool) -> Estimate {
        let outcome = self.evaluate(case);
        self.render(case, &outcome, trace)
    }

    pub fn render(&self, case: &Case, o: &Outcome, with_trace: bool) -> Estimate {
        let programme = &self.policy().programmes[usize::from(case.programme)];
        let region = &self.regions().regions()[usize::from(case.region)];
        let region_en = self.regions().english_name(region);
        let ctx = Ctx {
            engine: self,
            date: o.policy_date,
        };
        let scheme = programme.allowance_scheme;
        let s = |x: &str| x.to_owned();

        // ---- parameters each rule reads ----
        let base_prefix = o.base_table.param_prefix();
        let base_ids = vec![
            format!("{base_prefix}.daily_won"),
            format!("{base_prefix}.monthly_cap_won"),
        ];
        let eligibility_ids = vec![
            s("allowance.min_total_hours"),
            s("allowance.eligible_deliveries"),
            s("allowance.eligible_statuses"),
            s("allowance.attendance_threshold"),
        ];
        let attendance_ids = vec![
            s("attendance.tardies_per_absence"),
            s("attendance.under_half_day_is_absence"),
            s("allowance.attendance_threshold"),
        ];
        let special_ids: Vec<String> = crate::engine::special_prefix(scheme)
            .map(|prefix| {
                vec![
                    s("allowance.special.min_total_hours"),
                    s("allowance.special.min_hours_per_day"),
                    format!("{prefix}.{}.daily_won", o.tier),
                    format!("{prefix}.{}.monthly_cap_won", o.tier),
                ]
            })
            .unwrap_or_default();
        let tier_ids: Vec<String> = if region.capital_area && region.population_declining {
            vec![s("region.tier_precedence")]
        } else {
            vec![]
        };
        let cost_ids: Vec<String> = o
            .cost
            .multiplier
            .map(|(i, _)| vec![self.multiplier_id(i).to_owned()])
            .unwrap_or_default();
        let tuition_ids: Vec<String> = match (programme.tuition_scheme, o.tuition) {
            (_, TuitionRule::CardRate { source, .. }) => {
                let mut ids = vec![s("tuition.card.account_won"), s("tuition.card.vulnerable_extra_won")];
                // A card rate under a bracket-table programme is a later 산대특 participation.
                let sandaetuk_repeat = programme.tuition_scheme == TuitionScheme::PriorityTable;
                if sandaetuk_repeat {
                    ids.push(s("tuition.sandaetuk.participation_rule"));
                    ids.push(s("tuition.sandaetuk.long_course_hours"));
                }
                ids.push(match source {
                    RateSource::Course => s("tuition.card.self_payment_rate_min"),
                    RateSource::Default => s("tuition.card.default_self_payment_rate"),
                    RateSource::Exempt => s("tuition.card.exempt_self_payment_rate"),
                    RateSource::Programme if sandaetuk_repeat => s("tuition.sandaetuk.short_course_rate"),
                    RateSource::Programme => s("tuition.ai_assistant.self_payment_rate"),
                });
                if source == RateSource::Course {
                    ids.push(s("tuition.card.self_payment_rate_max"));
                }
                ids
            }
            (TuitionScheme::Kdc, _) => vec![s("tuition.kdc.self_payment_rate")],
            (TuitionScheme::SmeOnline, _) => vec![s("tuition.sme_online.self_payment_rate")],
            (_, TuitionRule::Bracket { .. }) => vec![s("tuition.priority_table.brackets")],
            (_, TuitionRule::Employer { size, mode, .. }) => {
                vec![format!("tuition.employer.{size}.{}", mode.as_str())]
            }
            (_, TuitionRule::SupportRate { tier, .. }) => vec![if tier == RegionTier::Capital {
                s("tuition.sme_premium.support_rate.capital")
            } else {
                s("tuition.sme_premium.support_rate.non_capital")
            }],
            _ => vec![],
        };
        let rounding_ids = vec![s("rounding.rate_amounts")];

        // ---- plain-language reasons ----
        let a = &o.attendance;
        let e = &o.eligibility;
        let not_paid_reason = if !e.scheme_pays {
            bi(
                format!("{}은(는) 훈련장려금을 지급하지 않는 사업입니다.", programme.name.ko),
                format!("{} pays no trainee allowance.", programme.name.en),
            )
        } else if !e.status_ok {
            bi(
                format!(
                    "훈련장려금은 지급 대상 훈련생(구직자 등)에게만 지급되며, 이 훈련생은 {}입니다.",
                    case.status.label_ko()
                ),
                format!(
                    "The allowance is paid only to eligible trainees (job seekers); this trainee is {}.",
                    case.status.label_en()
                ),
            )
        } else if !e.hours_ok {
            bi(
                format!(
                    "총 훈련시간 {}시간이 지급 요건({} 이상)에 못 미칩니다.",
                    case.total_hours,
                    ctx.param("allowance.min_total_hours").value
                ),
                format!(
                    "The course's {} hours are below the {} needed.",
                    case.total_hours,
                    ctx.param("allowance.min_total_hours").value
                ),
            )
        } else if !e.delivery_ok {
            bi(
                format!(
                    "{} 과정은 훈련장려금 지급 대상이 아닙니다(원격훈련 제외).",
                    case.delivery.label_ko()
                ),
                format!(
                    "{} courses earn no allowance (remote courses are excluded).",
                    case.delivery.label_en()
                ),
            )
        } else {
            bi(
                format!(
                    "단위기간 출석률 {}이(가) 요건 {}에 못 미쳐 지급되지 않습니다.",
                    pct(a.recognised_days, a.scheduled_days),
                    a.threshold
                ),
                format!(
                    "Attendance of {} in the unit period is below the {} needed, so nothing is paid.",
                    pct(a.recognised_days, a.scheduled_days),
                    a.threshold
                ),
            )
        };
        let base_reason = if o.base.amount.0 > 0 || e.all() {
            let capped = o.base.uncapped > o.base.rate.cap;
            bi(
                format!(
                    "인정 출석 {}일 × 일 {} = {}{}.",
                    a.recognised_days,
                    o.base.rate.daily,
                    o.base.uncapped,
                    if capped {
                        format!(", 월 상한 {} 적용", o.base.rate.cap)
                    } else {
                        String::new()
                    }
                ),
                format!(
                    "{} recognised days × {} a day = {}{}.",
                    a.recognised_days,
                    o.base.rate.daily,
                    o.base.uncapped,
                    if capped {
                        format!(", capped at {} a month", o.base.rate.cap)
                    } else {
                        String::new()
                    }
                ),
            )
        } else {
            not_paid_reason.clone()
        };
        let special_reason = o.special.map(|sp| {
            if !e.all() {
                not_paid_reason.clone()
            } else if !sp.hours_ok || !sp.hours_per_day_ok {
                bi(
                    format!("특별훈련수당은 총 {} 이상·1일 {} 이상 과정에만 지급됩니다(이 과정: 총 {}시간, 1일 {}시간).", ctx.param("allowance.special.min_total_hours").value, ctx.param("allowance.special.min_hours_per_day").value, case.total_hours, case.hours_per_day),
                    format!("The special allowance needs at least {} in total and {} a day (this course: {} hours, {} a day).", ctx.param("allowance.special.min_total_hours").value, ctx.param("allowance.special.min_hours_per_day").value, case.total_hours, case.hours_per_day),
                )
            } else {
                let capped = sp.part.uncapped > sp.part.rate.cap;
                bi(
                    format!("훈련기관 소재지 {}({}): 인정 출석 {}일 × 일 {} = {}{}.", region.full_name, sp.tier.label_ko(), a.recognised_days, sp.part.rate.daily, sp.part.uncapped, if capped { format!(", 월 상한 {} 적용", sp.part.rate.cap) } else { String::new() }),
                    format!("Institution in {} ({}): {} recognised days × {} a day = {}{}.", region_en, sp.tier.label_en(), a.recognised_days, sp.part.rate.daily, sp.part.uncapped, if capped { format!(", capped at {} a month", sp.part.rate.cap) } else { String::new() }),
                )
            }
        });
        let cost_reason = match (o.cost.standard, o.cost.multiplier) {
            (None, _) => bi(
                "기준단가가 주어지지 않아 훈련비 전액을 인정 훈련비로 봅니다.",
                "No unit price was given, so the whole fee is taken as the recognised cost.",
            ),
            (Some(std), Some((_, rate))) => bi(
                format!(
                    "기준단가 × {}시간 = {}, AI 과정 우대 {} 적용 = {}.",
                    case.total_hours, std, rate, o.cost.recognised
                ),
                format!(
                    "Unit price × {} hours = {}, at the AI-course rate of {} = {}.",
                    case.total_hours, std, rate, o.cost.recognised
                ),
            ),
            (Some(std), None) => bi(
                format!("기준단가 × {}시간 = {}.", case.total_hours, std),
                format!("Unit price × {} hours = {}.", case.total_hours, std),
            ),
        };
        let excess_note = |ko: &str, en: &str| -> (String, String) {
            if o.cost.excess.0 > 0 {
                (
                    format!(" 인정 훈련비를 넘는 {}은(는) {}이(가) 부담합니다.", o.cost.excess, ko),
                    format!(
                        " The {} above the recognised cost is paid by the {}.",
                        o.cost.excess, en
                    ),
                )
            } else {
                (String::new(), String::new())
            }
        };
        let t = &o.totals;
        let tuition_reason = match o.tuition {
            TuitionRule::NoSupport => bi(
                "이 사업은 훈련생 개인의 수강료를 지원하지 않습니다.",
                "This programme does not support individual trainees' fees.",
            ),
            TuitionRule::NoFee => bi(
                "훈련비가 주어지지 않아 수강료 지원과 자부담을 계산하지 않았습니다.",
                "No course fee was given, so tuition support and self-payment were not computed.",
            ),
            TuitionRule::CardRate {
                rate,
                source,
                account_limit,
                limited,
            } => {
                let (src_ko, src_en) = match source {
                    RateSource::Course => ("과정의 자부담률", "the course's self-payment rate"),
                    RateSource::Default => (
                        "과정 자부담률이 주어지지 않아 상한 자부담률",
                        "the highest rate, as the course gave none",
                    ),
                    RateSource::Exempt => ("자부담 면제 대상 자부담률", "the exempt-group rate"),
                    RateSource::Programme => ("이 사업의 자부담률", "this programme's rate"),
                };
                let (x_ko, x_en) = excess_note("훈련생", "trainee");
                let (r_ko, r_en) = if programme.tuition_scheme == TuitionScheme::PriorityTable {
                    (
                        " 산대특 재참여이므로 훈련비 구간별 자부담표 대신 이 자부담률을 적용합니다.",
                        " This is a later 산대특 participation, so this rate applies instead of the fee-bracket table.",
                    )
                } else {
                    ("", "")
                };
                let (l_ko, l_en) = if limited {
                    (
                        format!(" 카드 계좌 한도 {}까지만 지원됩니다.", account_limit),
                        format!(" Support is limited to the card account's {}.", account_limit),
                    )
                } else {
                    (String::new(), String::new())
                };
                bi(
                    format!(
                        "인정 훈련비 {}에 {} {}을(를) 적용해 훈련생이 {}, 정부가 {}을(를) 부담합니다.{r_ko}{l_ko}{x_ko}",
                        o.cost.supported_base,
                        src_ko,
                        rate,
                        Won(t.self_payment_won),
                        Won(t.tuition_support_won)
                    ),
                    format!(
                        "{} of the recognised fee {} at {}: the trainee pays {} and the government {}.{r_en}{l_en}{x_en}",
                        rate,
                        o.cost.supported_base,
                        src_en,
                        Won(t.self_payment_won),
                        Won(t.tuition_support_won)
                    ),
                )
            }
            TuitionRule::FixedRate { rate } => {
                let (x_ko, x_en) = excess_note("훈련생", "trainee");
                bi(
                    format!(
                        "자부담률 {}: 훈련생 {}, 정부 {}.{x_ko}",
                        rate,
                        Won(t.self_payment_won),
                        Won(t.tuition_support_won)
                    ),
                    format!(
                        "Self-payment rate {}: the trainee pays {}, the government {}.{x_en}",
                        rate,
                        Won(t.self_payment_won),
                        Won(t.tuition_support_won)
                    ),
                )
            }
            TuitionRule::Bracket { index, charge } => {
                let (x_ko, x_en) = excess_note("훈련생", "trainee");
                let (c_ko, c_en) = match charge {
                    BracketCharge::Rate(r) => (format!("훈련비의 {r}"), format!("{r} of the fee")),
                    BracketCharge::Fixed(w) => (format!("정액 {w}"), format!("a flat {w}")),
                };
                bi(
                    format!(
                        "훈련비 {}은(는) 자부담 구간 {}에 해당해 {}을(를) 자부담합니다.{x_ko}",
                        o.cost.supported_base,
                        index + 1,
                        c_ko
                    ),
                    format!(
                        "A fee of {} falls in self-payment bracket {}: the trainee pays {}.{x_en}",
                        o.cost.supported_base,
                        index + 1,
                        c_en
                    ),
                )
            }
            TuitionRule::Exempt => bi(
                format!(
                    "이 사업은 자부담이 면제되어 정부가 인정 훈련비 {}을(를) 모두 부담합니다.",
                    o.cost.supported_base
                ),
                format!(
                    "This programme is exempt from self-payment: the government pays the recognised fee of {}.",
                    o.cost.supported_base
                ),
            ),
            TuitionRule::Employer { size, mode, rate } => {
                let (x_ko, x_en) = excess_note("사업주", "employer");
                let (m_ko, m_en) = match mode {
                    EmployerMode::ClassroomInHouse => ("집체(자체)", "classroom, in-house"),
                    EmployerMode::ClassroomOutsourced => ("집체(위탁)", "classroom, outsourced"),
                    EmployerMode::Remote => ("원격", "remote"),
                };
                bi(
                    format!("{} {} 훈련 지원율 {}: 정부 {}, 사업주 {}. 훈련생 본인 부담은 없습니다.{x_ko}", size.label_ko(), m_ko, rate, Won(t.tuition_support_won), Won(t.employer_payment_won)),
                    format!("Employer-training support for a {} ({}) at {}: the government pays {}, the employer {}. The trainee pays nothing.{x_en}", size.label_en(), m_en, rate, Won(t.tuition_support_won), Won(t.employer_payment_won)),
                )
            }
            TuitionRule::SupportRate { rate, tier } => {
                let (x_ko, x_en) = excess_note("훈련생", "trainee");
                bi(
                    format!(
                        "{} 수강비 지원율 {}: 정부 {}, 훈련생 {}.{x_ko}",
                        if tier == RegionTier::Capital {
                            "수도권"
                        } else {
                            "비수도권"
                        },
                        rate,
                        Won(t.tuition_support_won),
                        Won(t.self_payment_won)
                    ),
                    format!(
                        "Support of {} ({}): the government pays {}, the trainee {}.{x_en}",
                        rate,
                        if tier == RegionTier::Capital {
                            "capital area"
                        } else {
                            "outside the capital area"
                        },
                        Won(t.tuition_support_won),
                        Won(t.self_payment_won)
                    ),
                )
            }
        };

        // ---- components ----
        let mut components = vec![Component {
            id: "base_allowance",
            label: bi("기본 훈련장려금", "Base allowance"),
            amount_won: t.base_allowance_won,
            payer: Party::Government,
            payee: Party::Trainee,
            basis: Basis::UnitPeriod,
            reason: base_reason.clone(),
            citations: ctx.cites(&[base_ids.clone(), eligibility_ids.clone()].concat()),
        }];
        if let Some(reason) = &special_reason {
            components.push(Component {
                id: "special_allowance",
                label: if scheme == AllowanceScheme::KdtAiCampus {
                    bi("KDT AI 캠퍼스 지역우대 지원금", "KDT AI Campus regional top-up")
                } else {
                    bi("특별훈련수당", "Special allowance")
                },
                amount_won: t.special_allowance_won,
                payer: Party::Government,
                payee: Party::Trainee,
                basis: Basis::UnitPeriod,
                reason: reason.clone(),
                citations: ctx.cites(&special_ids),
            });
        }
        let mut tuition_cites = ctx.cites(&[tuition_ids.clone(), rounding_ids.clone()].concat());
        match o.tuition {
            // No parameter decides these: the programme's own definition does.
            TuitionRule::Exempt | TuitionRule::NoSupport => tuition_cites = vec![programme.cite.clone()],
            // Nothing was computed, so no rule is cited.
            TuitionRule::NoFee => tuition_cites.clear(),
            _ => {}
        }
        components.push(Component {
            id: "tuition_support",
            label: bi("수강료 지원", "Tuition support"),
            amount_won: t.tuition_support_won,
            payer: Party::Government,
            payee: Party::Institution,
            basis: Basis::Course,
            reason: tuition_reason.clone(),
            citations: tuition_cites.clone(),
        });
        components.push(Component {
            id: "self_payment",
            label: bi("자부담", "Self-payment"),
            amount_won: t.self_payment_won,
            payer: Party::Trainee,
            payee: Party::Institution,
            basis: Basis::Course,
            reason: tuition_reason.clone(),
            citations: tuition_cites.clone(),
        });
        if programme.tuition_scheme == TuitionScheme::Employer {
            components.push(Component {
                id: "employer_payment",
                label: bi("사업주 부담", "Employer pays"),
                amount_won: t.employer_payment_won,
                payer: Party::Employer,
                payee: Party::Institution,
                basis: Basis::Course,
                reason: tuition_reason.clone(),
                citations: tuition_cites,
            });
        }
        components.push(Component {
            id: "recognised_training_cost",
            label: bi("인정 훈련비", "Recognised training cost"),
            amount_won: t.recognised_training_cost_won,
            payer: Party::Government,
            payee: Party::Institution,
            basis: Basis::Course,
            reason: cost_reason.clone(),
            citations: ctx.cites(&cost_ids),
        });

        // ---- explanation ----
        let unit = self.unit_period_of(case, case.period);
        let p = &unit;
        let mut ko = vec![format!(
            "{} · {} · 단위기간 {}/{} ({} ~ {}) · {} 기준 정책 {}.",
            programme.name.ko,
            region.full_name,
            p.index,
            p.of,
            p.start,
            p.end,
            o.policy_date,
            self.policy().version
        )];
        let mut en = vec![format!(
            "{} · {} · unit period {} of {} ({} to {}) · policy {} as in force on {}.",
            programme.name.en,
            region_en,
            p.index,
            p.of,
            p.start,
            p.end,
            self.policy().version,
            o.policy_date
        )];
        if case.attendance.assumed {
            ko.push(format!(
                "출석 정보가 없어 단위기간의 평일 {}일을 모두 출석한 것으로 가정했습니다(공휴일 미반영).",
                a.scheduled_days
            ));
            en.push(format!("No attendance was given, so all {} weekdays of the unit period are assumed attended (public holidays not known).", a.scheduled_days));
        }
        ko.push(format!(
            "출석: 예정 {}일 중 출석 {}일, 지각·조퇴·외출 {}회 → 결석 {}일, 인정 출석 {}일({}).",
            a.scheduled_days,
            a.attended_days,
            a.tardies,
            a.tardy_absences + a.under_half_absences,
            a.recognised_days,
            pct(a.recognised_days, a.scheduled_days)
        ));
        en.push(format!("Attendance: {} of {} scheduled days; {} late arrivals, early leaves and outings → {} absence(s); {} recognised days ({}).", a.attended_days, a.scheduled_days, a.tardies, a.tardy_absences + a.under_half_absences, a.recognised_days, pct(a.recognised_days, a.scheduled_days)));
        ko.push(format!(
            "이번 달 훈련장려금 {}: 기본 {} — {}",
            Won(t.allowance_won),
            Won(t.base_allowance_won),
            base_reason.ko
        ));
        en.push(format!(
            "Allowance this unit period {}: base {} — {}",
            Won(t.allowance_won),
            Won(t.base_allowance_won),
            base_reason.en
        ));
        if let Some(r) = &special_reason {
            ko.push(format!("추가 {} — {}", Won(t.special_allowance_won), r.ko));
            en.push(format!("Top-up {} — {}", Won(t.special_allowance_won), r.en));
        }
        ko.push(format!("과정 전체: {} {}", cost_reason.ko, tuition_reason.ko));
        en.push(format!("Whole course: {} {}", cost_reason.en, tuition_reason.en));
        let explanation = bi(ko.join("\n"), en.join("\n"));

        // ---- trace ----
        let trace = with_trace.then(|| {
            let mut allowance_children = vec![
                node(
                    "allowance.eligibility",
                    bi("지급 요건", "Eligibility"),
                    if e.all() { "eligible" } else { "not eligible" },
                    ctx.params(&eligibility_ids),
                    vec![
                        node(
                            "allowance.eligibility.scheme",
                            bi("사업의 장려금 지급 여부", "Programme pays an allowance"),
                            format!("{:?} → {}", scheme, yes(e.scheme_pays)),
                            vec![],
                            vec![],
                        ),
                        node(
                            "allowance.eligibility.hours",
                            bi("총 훈련시간", "Total hours"),
                            format!("{}h → {}", case.total_hours, yes(e.hours_ok)),
                            ctx.params(&[s("allowance.min_total_hours")]),
                            vec![],
                        ),
                        node(
                            "allowance.eligibility.delivery",
                            bi("훈련 방식", "Delivery"),
                            format!("{} → {}", case.delivery, yes(e.delivery_ok)),
                            ctx.params(&[s("allowance.eligible_deliveries")]),
                            vec![],
                        ),
                        node(
                            "allowance.eligibility.status",
                            bi("훈련생 구분", "Trainee status"),
                            format!("{} → {}", case.status, yes(e.status_ok)),
                            ctx.params(&[s("allowance.eligible_statuses")]),
                            vec![],
                        ),
                        node(
                            "allowance.eligibility.attendance",
                            bi("출석률", "Attendance rate"),
                            format!(
                                "{} / {} = {} → {}",
                                a.recognised_days,
                                a.scheduled_days,
                                pct(a.recognised_days, a.scheduled_days),
                                yes(e.attendance_ok)
                            ),
                            ctx.params(&[s("allowance.attendance_threshold")]),
                            vec![],
                        ),
                    ],
                ),
                node(
                    "allowance.base",
                    bi("기본 훈련장려금", "Base allowance"),
                    format!(
                        "min({} × {} = {}, {}) = {}",
                        a.recognised_days, o.base.rate.daily, o.base.uncapped, o.base.rate.cap, o.base.amount
                    ),
                    ctx.params(&base_ids),
                    vec![],
                ),
            ];
            if let Some(sp) = o.special {
                allowance_children.push(node(
                    "allowance.special",
                    bi("특별훈련수당 / 지역우대", "Special allowance / regional top-up"),
                    format!(
                        "hours {} · hours/day {} · tier {} → min({} × {} = {}, {}) = {}",
                        yes(sp.hours_ok),
                        yes(sp.hours_per_day_ok),
                        sp.tier,
                        a.recognised_days,
                        sp.part.rate.daily,
                        sp.part.uncapped,
                        sp.part.rate.cap,
                        sp.part.amount
                    ),
                    ctx.params(&special_ids),
                    vec![],
                ));
            }
            let mut unit = node(
                "unit_period",
                bi("단위기간", "Unit period"),
                format!("{} – {} ({} of {})", p.start, p.end, p.index, p.of),
                vec![],
                vec![],
            );
            unit.citation = Some(period::CITATION.to_owned());
            vec![
                unit,
                node(
                    "region.tier",
                    bi("지역 등급", "Region tier"),
                    format!(
                        "{} {} (capital_area={}, population_declining={}) → {}",
                        region.code, region.full_name, region.capital_area, region.population_declining, o.tier
                    ),
                    ctx.params(&tier_ids),
                    vec![],
                ),
                node(
                    "attendance",
                    bi("출석 인정", "Attendance counted"),
                    format!("{} recognised days", a.recognised_days),
                    ctx.params(&attendance_ids),
                    vec![
                        node(
                            "attendance.tardies",
                            bi("지각·조퇴·외출 환산", "Lateness converted"),
                            format!(
                                "({} late + {} early + {} out) / {} = {} absence(s)",
                                case.attendance.late,
                                case.attendance.early_leave,
                                case.attendance.outing,
                                ctx.param("attendance.tardies_per_absence").value,
                                a.tardy_absences
                            ),
                            ctx.params(&[s("attendance.tardies_per_absence")]),
                            vec![],
                        ),
                        node(
                            "attendance.under_half",
                            bi("절반 미만 출석", "Under half a day"),
                            format!(
                                "{} day(s) → {} absence(s)",
                                case.attendance.under_half_days, a.under_half_absences
                            ),
                            ctx.params(&[s("attendance.under_half_day_is_absence")]),
                            vec![],
                        ),
                        node(
                            "attendance.recognised",
                            bi("인정 출석일", "Recognised days"),
                            format!(
                                "{} − {} − {} = {}",
                                a.attended_days, a.tardy_absences, a.under_half_absences, a.recognised_days
                            ),
                            vec![],
                            vec![],
                        ),
                    ],
                ),
                node(
                    "allowance",
                    bi("훈련장려금", "Allowance"),
                    Won(t.allowance_won).to_string(),
                    vec![],
                    allowance_children,
                ),
                node(
                    "training_cost",
                    bi("인정 훈련비", "Recognised training cost"),
                    format!(
                        "standard {} · multiplier {} → recognised {} · fee {} · supported base {} · excess {}",
                        o.cost.standard.map_or("—".into(), |w| w.to_string()),
                        o.cost.multiplier.map_or("—".into(), |(_, r)| r.to_string()),
                        o.cost.recognised,
                        case.fee.map_or("—".into(), |w| w.to_string()),
                        o.cost.supported_base,
                        o.cost.excess
                    ),
                    [ctx.params(&cost_ids), ctx.params(&rounding_ids)].concat(),
                    vec![],
                ),
                node(
                    "tuition",
                    bi("수강료 지원과 자부담", "Tuition support and self-payment"),
                    format!(
                        "{:?}: support {} · trainee {} · employer {}",
                        programme.tuition_scheme,
                        Won(t.tuition_support_won),
                        Won(t.self_payment_won),
                        Won(t.employer_payment_won)
                    ),
                    [ctx.params(&tuition_ids), ctx.params(&rounding_ids)].concat(),
                    vec![],
                ),
            ]
        });

        Estimate {
            policy_version: self.policy().version.clone(),
            policy_date: o.policy_date,
            programme: ProgrammeRef {
                id: programme.id.to_string(),
                name: bi(programme.name.ko.clone(), programme.name.en.clone()),
            },
            region: RegionRef {
                code: region.code.to_string(),
                name: region.full_name.clone(),
                tier: o.tier,
            },
            unit_period: UnitPeriodRef {
                index: p.index,
                of: p.of,
                start: p.start,
                end: p.end,
            },
            attendance_assumed: case.attendance.assumed,
            totals: o.totals,
            components,
            explanation,
            trace,
        }
    }

    /// The allowance of every unit period of a course, assuming full
    /// attendance of each period's weekdays: what the calculator shows.
    pub fn schedule(&self, case: &Case) -> Vec<(period::UnitPeriod, Totals)> {
        self.unit_periods(case.start, case.end)
            .into_iter()
            .map(|unit| {
                let mut c = *case;
                c.period = unit.index;
                c.attendance = crate::case::Attendance::assumed_full(&unit);
                (unit, self.totals(&c))
            })
            .collect()
    }
}
