//! One unit period's allowance for the payroll: the amount from a counted period
//! (`counting::PeriodCount`), with the trace and a Korean and English explanation naming every
//! parameter and its citation. The batch path is `Engine::period_amount`; this is the same
//! computation (`Engine::period_parts`) rendered.

use crate::case::Case;
use crate::counting::CountRules;
use crate::counting::PeriodCount;
use crate::engine::{special_prefix, AllowancePart, BaseTable, Eligibility, Engine, EnrolmentFacts};
use crate::explain::{bi, node, Bilingual, Ctx, TraceNode};
use crate::outcome::OutcomeRules;
use crate::outcome::{decide, DecidingRule, Decision, OutcomeFacts};
use aiup_core::policy::AllowanceScheme;
use aiup_core::{Delivery, RegionTier, Won};
use chrono::NaiveDate;
use serde::Serialize;

/// One unit period's counted attendance as the allowance reads it (`counting::PeriodCount`
/// reduced): 10 bytes, for a payroll batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PeriodAttendance {
    pub scheduled_days: u16,
    pub recognised_days: u16,
    /// Recognised days of 5 hours or more.
    pub special_days: u16,
    pub meal_days: u16,
    pub threshold_met: bool,
}

/// A count bounded by the days of a unit period; saturates rather than wraps.
pub(crate) fn small_u16(count: u32) -> u16 {
    u16::try_from(count).unwrap_or(u16::MAX)
}

impl From<&PeriodCount> for PeriodAttendance {
    fn from(c: &PeriodCount) -> PeriodAttendance {
        PeriodAttendance {
            scheduled_days: small_u16(c.scheduled_days),
            recognised_days: small_u16(c.recognised_days),
            special_days: small_u16(c.special_days),
            meal_days: small_u16(c.meal_days),
            threshold_met: c.threshold_met,
        }
    }
}

/// What one unit period pays, in parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PeriodParts {
    pub eligibility: Eligibility,
    pub base: AllowancePart,
    pub special: AllowancePart,
    /// Meal days × the daily deduction, limited to base + special.
    pub meal_deduction: Won,
    /// base + special − meal deduction (≥ 0).
    pub amount: Won,
}

/// What one unit period pays, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodPay {
    /// Parameters are read as in force on this date: the course start.
    pub policy_date: NaiveDate,
    pub count: PeriodCount,
    pub base_table: BaseTable,
    /// Where the institution is.
    pub tier: RegionTier,
    /// The tier whose special rate applies (capital for live-online courses); `None` when the
    /// programme has no special allowance.
    pub special_tier: Option<RegionTier>,
    pub parts: PeriodParts,
    pub base: Won,
    pub special: Won,
    pub meal_deduction: Won,
    pub amount: Won,
    pub explanation: Bilingual,
    pub trace: Vec<TraceNode>,
    /// Every citation of the parameters the trace names, sorted, once each (for statements).
    pub citations: Vec<String>,
}

/// The citations of every parameter in a trace, sorted and deduplicated.
fn trace_citations(trace: &[TraceNode]) -> Vec<String> {
    fn walk(nodes: &[TraceNode], out: &mut Vec<String>) {
        for n in nodes {
            out.extend(n.params.iter().map(|p| p.cite.clone()).filter(|c| !c.is_empty()));
            walk(&n.children, out);
        }
    }
    let mut out = Vec::new();
    walk(trace, &mut out);
    out.sort();
    out.dedup();
    out
}

/// The course outcome with the rule that decided it, its parameters and citations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutcomeExplained {
    pub decision: Decision,
    pub params: Vec<crate::explain::ParamUse>,
    pub citations: Vec<String>,
    pub explanation: Bilingual,
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

impl Engine {
    /// One unit period's pay from compiled facts and counted attendance: the payroll's fast path.
    #[inline]
    pub fn period_parts(&self, facts: EnrolmentFacts, attendance: PeriodAttendance) -> PeriodParts {
        Self::period_allowance(self.params_of(facts), facts, attendance)
    }

    /// The amount of one unit period (`period_parts(..).amount`).
    #[inline]
    pub fn period_amount(&self, facts: EnrolmentFacts, attendance: PeriodAttendance) -> Won {
        self.period_parts(facts, attendance).amount
    }

    /// The unit periods of a course from `start` to `end` under the scheme in force on `start`
    /// (`attendance.unit_period.scheme`): the calculator's and the payroll's.
    pub fn unit_periods(&self, start: NaiveDate, end: NaiveDate) -> Vec<crate::period::UnitPeriod> {
        crate::period::periods(start, end, self.count_rules(start).scheme)
    }

    /// Unit period `index` (1-based, checked by `parse_case`) of a case's course.
    pub fn unit_period_of(&self, case: &Case, index: u32) -> crate::period::UnitPeriod {
        let units = self.unit_periods(case.start, case.end);
        let at = usize::try_from(index.saturating_sub(1))
            .unwrap_or(0)
            .min(units.len().saturating_sub(1));
        units
            .get(at)
            .copied()
            .unwrap_or_else(|| crate::period::whole_course(case.start, case.end))
    }

    /// The counting rules in force for a course starting on `start`.
    pub fn count_rules(&self, start: NaiveDate) -> CountRules {
        self.params_at(start).1.count
    }

    /// The completion, removal and early-employment rules for a course starting on `start`.
    pub fn outcome_rules(&self, start: NaiveDate) -> OutcomeRules {
        self.params_at(start).1.outcome
    }
}

impl Engine {
    /// The allowance for one counted unit period of `case`'s enrolment.
    pub fn period_pay(&self, case: &Case, count: &PeriodCount) -> PeriodPay {
        let facts = self.enrolment(case);
        let parts = self.period_parts(facts, PeriodAttendance::from(count));
        let p = self.params_of(facts);
        let rates = &p.allowance_rates[usize::from(facts.rates)];
        let (tier, _) = p.tier_lookup[usize::from(facts.tier)];
        let live_online_capital = p.live_online_capital && case.delivery == Delivery::LiveOnline;
        let special_tier = rates
            .has_special
            .then_some(if live_online_capital { RegionTier::Capital } else { tier });
        let ctx = Ctx {
            engine: self,
            date: case.start,
        };
        let scheme = self
            .policy()
            .programmes
            .get(usize::from(case.programme))
            .map_or(AllowanceScheme::None, |p| p.allowance_scheme);
        let trace = period_trace(
            &ctx,
            case,
            count,
            &parts,
            rates.base_table,
            scheme,
            special_tier,
            live_online_capital,
        );
        let explanation = period_explanation(count, &parts);
        PeriodPay {
            policy_date: case.start,
            count: *count,
            base_table: rates.base_table,
            tier,
            special_tier,
            parts,
            base: parts.base.amount,
            special: parts.special.amount,
            meal_deduction: parts.meal_deduction,
            amount: parts.amount,
            explanation,
            citations: trace_citations(&trace),
            trace,
        }
    }

    /// The course outcome for a course starting on `start`, explained.
    pub fn course_outcome(&self, start: NaiveDate, facts: &OutcomeFacts) -> OutcomeExplained {
        let decision = decide(&self.outcome_rules(start), facts);
        let ctx = Ctx {
            engine: self,
            date: start,
        };
        let params = ids(decision.rule.params());
        OutcomeExplained {
            decision,
            params: ctx.params(&params),
            citations: ctx.cites(&params),
            explanation: outcome_explanation(&decision),
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn period_trace(
    ctx: &Ctx,
    case: &Case,
    c: &PeriodCount,
    parts: &PeriodParts,
    base_table: BaseTable,
    scheme: AllowanceScheme,
    special_tier: Option<RegionTier>,
    live_online_capital: bool,
) -> Vec<TraceNode> {
    let mut unit_params = vec!["attendance.unit_period.scheme".to_owned()];
    if case.delivery == Delivery::Remote {
        unit_params.push("attendance.unit_period.remote_whole_course".into());
    }
    let unit = node(
        "unit_period",
        bi("단위기간", "Unit period"),
        format!("{}/{}: {} ~ {}", c.index, c.of, c.start, c.end),
        ctx.params(&unit_params),
        vec![],
    );
    let tardies = node(
        "attendance.tardies",
        bi("지각·조퇴·외출", "Late arrivals, early leaves and outings"),
        format!(
            "{} + {} carried in = {} absence(s), {} carried out",
            c.tardies_in_period, c.tardies_carried_in, c.tardy_absences, c.tardies_carried_out
        ),
        ctx.params(&ids(&[
            "attendance.tardies_per_absence",
            "attendance.tardies_carry_across_periods",
        ])),
        vec![],
    );
    let under_half = node(
        "attendance.under_half",
        bi("1일 훈련시간 절반 미만 출석", "Under half the day's hours"),
        format!("{} absence(s)", c.under_half_absences),
        ctx.params(&ids(&["attendance.under_half_day_is_absence"])),
        vec![],
    );
    let excused = node(
        "attendance.excused",
        bi("공가 (출석 인정)", "Excused days (counted as attended)"),
        format!(
            "{} counted, {} illness day(s) over the cap",
            c.excused_counted, c.excused_over_cap
        ),
        ctx.params(&ids(&[
            "attendance.illness_cap_rate",
            "attendance.illness_cap_rounding",
        ])),
        vec![],
    );
    let incomplete = node(
        "attendance.incomplete",
        bi("퇴실 미기록·미기록일", "No exit record, no record"),
        format!(
            "{} incomplete, {} unrecorded{}",
            c.incomplete_days,
            c.unrecorded_days,
            if c.closed {
                " (period closed: absences)"
            } else {
                " (period open)"
            }
        ),
        ctx.params(&ids(&["attendance.incomplete_day_is_absence"])),
        vec![],
    );
    let attendance = node(
        "attendance",
        bi("출석 인정일수", "Recognised days"),
        format!(
            "{} of {} (needs {}): {}",
            c.recognised_days,
            c.scheduled_days,
            c.threshold_days,
            if c.threshold_met { "met" } else { "not met" }
        ),
        ctx.params(&ids(&[
            "allowance.attendance_threshold",
            "allowance.attendance_threshold_rounding",
        ])),
        vec![unit, tardies, under_half, excused, incomplete],
    );
    let eligibility = node(
        "eligibility",
        bi("지급 요건", "Eligibility"),
        if parts.eligibility.all() { "met" } else { "not met" },
        ctx.params(&ids(&[
            "allowance.min_total_hours",
            "allowance.eligible_deliveries",
            "allowance.eligible_statuses",
        ])),
        vec![],
    );
    let prefix = base_table.param_prefix();
    let mut base_params = vec![format!("{prefix}.daily_won"), format!("{prefix}.monthly_cap_won")];
    if matches!(base_table, BaseTable::GeneralShortDay | BaseTable::PriorityShortDay) {
        base_params.push("allowance.base.general_short_day.below_hours_per_day".into());
    }
    let base = node(
        "allowance.base",
        bi("기본 훈련장려금", "Base allowance"),
        format!(
            "{} × {} days = {}, cap {} → {}",
            parts.base.rate.daily, c.recognised_days, parts.base.uncapped, parts.base.rate.cap, parts.base.amount
        ),
        ctx.params(&base_params),
        vec![],
    );
    let mut nodes = vec![attendance, eligibility, base];
    if let (Some(tier), Some(prefix)) = (special_tier, special_prefix(scheme)) {
        let mut params = vec![
            "allowance.special.min_total_hours".to_owned(),
            "allowance.special.min_hours_per_day".to_owned(),
            format!("{prefix}.{tier}.daily_won"),
            format!("{prefix}.{tier}.monthly_cap_won"),
        ];
        if live_online_capital {
            params.push("allowance.special.live_online_capital_rate".into());
        }
        nodes.push(node(
            "allowance.special",
            bi(
                "특별훈련수당 (5시간 이상 훈련일)",
                "Special allowance (days of 5 hours or more)",
            ),
            format!(
                "{} × {} days = {}, cap {} → {}",
                parts.special.rate.daily,
                c.special_days,
                parts.special.uncapped,
                parts.special.rate.cap,
                parts.special.amount
            ),
            ctx.params(&params),
            vec![],
        ));
    }
    nodes.push(node(
        "allowance.meal_deduction",
        bi("식비 공제", "Meal deduction"),
        format!("{} meal day(s) → −{}", c.meal_days, parts.meal_deduction),
        ctx.params(&ids(&["allowance.meal_deduction.daily_won"])),
        vec![],
    ));
    nodes.push(node(
        "allowance.period_amount",
        bi("단위기간 지급액", "Amount for the period"),
        parts.amount.to_string(),
        vec![],
        vec![],
    ));
    nodes
}

fn period_explanation(c: &PeriodCount, parts: &PeriodParts) -> Bilingual {
    let mut ko = format!(
        "{}~{} 단위기간({}/{}): 훈련일 {}일 중 출석 인정 {}일(필요 {}일).",
        c.start, c.end, c.index, c.of, c.scheduled_days, c.recognised_days, c.threshold_days
    );
    let mut en = format!(
        "Unit period {}/{} ({} to {}): {} of {} training days recognised ({} needed).",
        c.index, c.of, c.start, c.end, c.recognised_days, c.scheduled_days, c.threshold_days
    );
    if c.tardy_absences > 0 || c.tardies_carried_in > 0 || c.tardies_carried_out > 0 {
        ko.push_str(&format!(
            " 지각·조퇴·외출 {}회(이월 {}회)로 결석 {}일, 다음 기간으로 {}회 이월.",
            c.tardies_in_period, c.tardies_carried_in, c.tardy_absences, c.tardies_carried_out
        ));
        en.push_str(&format!(
            " {} late arrival(s), early leave(s) or outing(s) ({} carried in) made {} absence(s); {} carried to the next period.",
            c.tardies_in_period, c.tardies_carried_in, c.tardy_absences, c.tardies_carried_out
        ));
    }
    if c.under_half_absences > 0 {
        ko.push_str(&format!(" 훈련시간 절반 미만 출석 {}일은 결석.", c.under_half_absences));
        en.push_str(&format!(
            " {} day(s) under half the hours count as absences.",
            c.under_half_absences
        ));
    }
    if c.excused_counted > 0 || c.excused_over_cap > 0 {
        ko.push_str(&format!(
            " 공가 {}일은 출석 인정, 질병 상한 초과 {}일은 결석.",
            c.excused_counted, c.excused_over_cap
        ));
        en.push_str(&format!(
            " {} excused day(s) count as attended; {} illness day(s) over the cap are absences.",
            c.excused_counted, c.excused_over_cap
        ));
    }
    if c.incomplete_days > 0 || c.unrecorded_days > 0 {
        ko.push_str(&format!(
            " 퇴실 미기록 {}일, 기록 없음 {}일{}.",
            c.incomplete_days,
            c.unrecorded_days,
            if c.closed {
                "(마감: 결석 처리)"
            } else {
                "(마감 전)"
            }
        ));
        en.push_str(&format!(
            " {} day(s) without an exit record and {} without any record{}.",
            c.incomplete_days,
            c.unrecorded_days,
            if c.closed {
                " (period closed: absences)"
            } else {
                " (period still open)"
            }
        ));
    }
    if parts.eligibility.all() {
        ko.push_str(&format!(
            " 기본 {} + 특별 {} − 식비 {} = {}.",
            parts.base.amount, parts.special.amount, parts.meal_deduction, parts.amount
        ));
        en.push_str(&format!(
            " Base {} + special {} − meals {} = {}.",
            parts.base.amount, parts.special.amount, parts.meal_deduction, parts.amount
        ));
    } else if !parts.eligibility.attendance_ok {
        ko.push_str(" 출석률 요건 미달로 이 기간은 지급하지 않습니다.");
        en.push_str(" The attendance threshold is not met: nothing is paid for this period.");
    } else {
        ko.push_str(" 이 과정·훈련생은 훈련장려금 지급 대상이 아닙니다.");
        en.push_str(" This course or trainee does not earn the allowance.");
    }
    Bilingual { ko, en }
}

fn outcome_explanation(d: &Decision) -> Bilingual {
    let (ko_result, en_result) = d.result.label();
    let (ko, en) = match d.rule {
        DecidingRule::Attendance => (
            format!(
                "전체 훈련일 {}일 중 출석 인정 {}일(필요 {}일)",
                d.training_days, d.value, d.limit
            ),
            format!(
                "{} of {} training days recognised ({} needed)",
                d.value, d.training_days, d.limit
            ),
        ),
        DecidingRule::RemoteProgressAndScore => (
            format!("진도율 {}(필요 {})", aiup_core::Rate(d.value), aiup_core::Rate(d.limit)),
            format!(
                "progress {} ({} needed)",
                aiup_core::Rate(d.value),
                aiup_core::Rate(d.limit)
            ),
        ),
        DecidingRule::RemovalCourseAbsences => (
            format!(
                "결석 {}일이 전체 훈련일 {}일의 상한 {}일 초과",
                d.value, d.training_days, d.limit
            ),
            format!(
                "{} absences exceed the limit of {} of {} training days",
                d.value, d.limit, d.training_days
            ),
        ),
        DecidingRule::RemovalPeriodAbsences => (
            format!(
                "{}번째 단위기간 결석 {}일이 그 기간 훈련일의 절반({}일) 이상",
                d.period.unwrap_or(0),
                d.value,
                d.limit
            ),
            format!(
                "{} absences in unit period {} reach half its days ({})",
                d.value,
                d.period.unwrap_or(0),
                d.limit
            ),
        ),
        DecidingRule::EarlyEmployment => (
            format!("취업 전 출석 인정 {}일(필요 {}일)", d.value, d.limit),
            format!("{} days recognised before the job ({} needed)", d.value, d.limit),
        ),
    };
    Bilingual {
        ko: format!("{ko_result}: {ko}."),
        en: format!("{en_result}: {en}."),
    }
}
