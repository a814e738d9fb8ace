//! The engine: policy parameters compiled per breakpoint date, and the rules
//! that turn a `Case` into an `Outcome` of intermediate values and totals.
//! No IO; no allocation on the evaluation path.

use crate::card::CardParams;
use crate::case::{Case, Tenths};
use crate::counting::CountRules;
use crate::outcome::OutcomeRules;
use crate::payroll::{small_u16, PeriodAttendance, PeriodParts};
use aiup_core::policy::{AllowanceScheme, Bracket, Charge, ParamValue, PolicySet, TuitionScheme};
use aiup_core::region::RegionTable;
use aiup_core::{Delivery, EmployerSize, Provision, Rate, RegionTier, RoundingMode, TraineeStatus, Won};
use chrono::NaiveDate;
use serde::Serialize;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    #[error("parameter `{0}` has no value on {1}")]
    Uncovered(String, NaiveDate),
    #[error("parameter `{0}` does not have the kind the engine reads")]
    WrongKind(String),
}

/// A per-day amount with a monthly cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DailyCap {
    pub daily: Won,
    pub cap: Won,
}

/// Which base-allowance table applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BaseTable {
    General,
    GeneralShortDay,
    Priority,
    KdtAiCampus,
    AiAssistant,
    /// Priority courses (국기·KDT·산대특) of under 5 hours a day (research trainee-journey A.6).
    PriorityShortDay,
}

impl BaseTable {
    pub fn param_prefix(self) -> &'static str {
        match self {
            BaseTable::General => "allowance.base.general",
            BaseTable::GeneralShortDay => "allowance.base.general_short_day",
            BaseTable::Priority => "allowance.base.priority",
            BaseTable::KdtAiCampus => "allowance.base.kdt_ai_campus",
            BaseTable::AiAssistant => "allowance.base.ai_assistant",
            BaseTable::PriorityShortDay => "allowance.base.priority_short_day",
        }
    }
}

const TIERS: [RegionTier; 3] = [
    RegionTier::Capital,
    RegionTier::NonCapital,
    RegionTier::PopulationDeclining,
];
const SIZES: [EmployerSize; 3] = [
    EmployerSize::PrioritySupport,
    EmployerSize::Large,
    EmployerSize::Large1000,
];

fn tier_index(tier: RegionTier) -> usize {
    match tier {
        RegionTier::Capital => 0,
        RegionTier::NonCapital => 1,
        RegionTier::PopulationDeclining => 2,
    }
}

/// Employer-training mode: which column of the support-rate table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EmployerMode {
    ClassroomInHouse,
    ClassroomOutsourced,
    Remote,
}

impl EmployerMode {
    pub fn as_str(self) -> &'static str {
        match self {
            EmployerMode::ClassroomInHouse => "classroom_in_house",
            EmployerMode::ClassroomOutsourced => "classroom_outsourced",
            EmployerMode::Remote => "remote",
        }
    }
}

/// Division by a small divisor set in the policy, as a multiply and shift.
/// Exact for numerators and divisors below 2¹⁶: the rounded-up reciprocal's
/// error stays under one step there. `parse_case` keeps lateness counts far
/// below that; larger numerators fall back to plain division.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SmallDivisor {
    divisor: u32,
    reciprocal: u64,
}

impl SmallDivisor {
    pub fn new(divisor: u32) -> SmallDivisor {
        let divisor = divisor.clamp(1, u32::from(u16::MAX));
        SmallDivisor {
            divisor,
            reciprocal: (1u64 << 32).div_ceil(u64::from(divisor)),
        }
    }

    #[inline]
    pub fn divide(self, numerator: u32) -> u32 {
        if numerator < 1 << 16 {
            u32::try_from((u64::from(numerator) * self.reciprocal) >> 32).unwrap_or(u32::MAX)
        } else {
            numerator / self.divisor
        }
    }
}

/// The rates one (scheme, day length, tier) combination pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemeRates {
    pub base_table: BaseTable,
    pub base: DailyCap,
    pub special: DailyCap,
    pub has_special: bool,
}

const SCHEMES: [AllowanceScheme; 5] = [
    AllowanceScheme::None,
    AllowanceScheme::General,
    AllowanceScheme::Priority,
    AllowanceScheme::KdtAiCampus,
    AllowanceScheme::AiAssistant,
];

/// The position of (scheme, short day, tier slot) in `Params::allowance_rates`.
fn rate_slot(scheme: AllowanceScheme, short_day: usize, tier_slot: usize) -> usize {
    scheme as usize * 6 + short_day * 3 + tier_slot
}

/// Compiles the base and special tables into one lookup by scheme, day length and tier.
fn allowance_rates(base: &[DailyCap; BASE_TABLES], special: &[[DailyCap; 3]; 3]) -> [SchemeRates; 30] {
    let zero = DailyCap {
        daily: Won::ZERO,
        cap: Won::ZERO,
    };
    std::array::from_fn(|slot| {
        let (s, short_day, t) = (slot / 6, slot % 6 / 3, slot % 3);
        let scheme = SCHEMES[s];
        debug_assert_eq!(
            rate_slot(scheme, short_day, t),
            slot,
            "SCHEMES must follow the declaration order"
        );
        let base_table = match scheme {
            AllowanceScheme::None | AllowanceScheme::General if short_day == 1 => BaseTable::GeneralShortDay,
            AllowanceScheme::None | AllowanceScheme::General => BaseTable::General,
            AllowanceScheme::Priority | AllowanceScheme::KdtAiCampus if short_day == 1 => BaseTable::PriorityShortDay,
            AllowanceScheme::Priority => BaseTable::Priority,
            AllowanceScheme::KdtAiCampus => BaseTable::KdtAiCampus,
            AllowanceScheme::AiAssistant => BaseTable::AiAssistant,
        };
        let special_rate = special_index(scheme).map(|i| special[i][t]);
        SchemeRates {
            base_table,
            base: base[base_index(base_table)],
            special: special_rate.unwrap_or(zero),
            has_special: special_rate.is_some(),
        }
    })
}

/// Every parameter the engine reads, resolved for one date.
#[derive(Debug, Clone)]
pub struct Params {
    pub min_total_hours: Tenths,
    pub eligible_deliveries: u8,
    pub eligible_statuses: u8,
    pub attendance_threshold: Rate,
    pub threshold_rounding: RoundingMode,
    pub base: [DailyCap; BASE_TABLES],
    pub short_day_below: Tenths,
    pub special_min_total_hours: Tenths,
    pub special_min_hours_per_day: Tenths,
    /// [scheme: priority, kdt_ai_campus, ai_assistant][tier]
    pub special: [[DailyCap; 3]; 3],
    pub tardy_divisor: SmallDivisor,
    pub under_half_day_is_absence: bool,
    /// How attendance is counted into unit periods.
    pub count: CountRules,
    /// Live-online courses are paid the capital-area special rate.
    pub live_online_capital: bool,
    pub meal_deduction: Won,
    /// Completion, removal and early employment.
    pub outcome: OutcomeRules,
    pub card_account: Won,
    pub card_vulnerable_extra: Won,
    pub card_default_rate: Rate,
    pub card_exempt_rate: Rate,
    pub card_rate_min: Rate,
    pub card_rate_max: Rate,
    pub ai_assistant_rate: Rate,
    pub kdc_rate: Rate,
    pub brackets: Vec<Bracket>,
    pub sme_online_rate: Rate,
    pub sme_premium: [Rate; 2],
    /// [size][mode]
    pub employer: [[Rate; 3]; 3],
    /// Indexed like `Engine::multiplier_ids`.
    pub multipliers: Vec<Rate>,
    pub tier_precedence: RegionTier,
    /// Tier by region bits (capital << 1 | declining), with the slot index.
    pub tier_lookup: [(RegionTier, usize); 4],
    /// Allowance rates by `rate_slot(scheme, short day, tier)`.
    pub allowance_rates: [SchemeRates; 30],
    pub rounding: RoundingMode,
    /// The learning card's account terms, charging schemes and 산대특 rule.
    pub card: CardParams,
}

const BASE_TABLES: usize = 6;

fn base_index(table: BaseTable) -> usize {
    match table {
        BaseTable::General => 0,
        BaseTable::GeneralShortDay => 1,
        BaseTable::Priority => 2,
        BaseTable::KdtAiCampus => 3,
        BaseTable::AiAssistant => 4,
        BaseTable::PriorityShortDay => 5,
    }
}

fn special_index(scheme: AllowanceScheme) -> Option<usize> {
    match scheme {
        AllowanceScheme::Priority => Some(0),
        AllowanceScheme::KdtAiCampus => Some(1),
        AllowanceScheme::AiAssistant => Some(2),
        AllowanceScheme::None | AllowanceScheme::General => None,
    }
}

pub fn special_prefix(scheme: AllowanceScheme) -> Option<&'static str> {
    match scheme {
        AllowanceScheme::Priority => Some("allowance.special.priority"),
        AllowanceScheme::KdtAiCampus => Some("allowance.special.kdt_ai_campus"),
        AllowanceScheme::AiAssistant => Some("allowance.special.ai_assistant"),
        AllowanceScheme::None | AllowanceScheme::General => None,
    }
}

fn delivery_bit(d: Delivery) -> u8 {
    1 << (d as u8)
}

fn status_bit(s: TraineeStatus) -> u8 {
    1 << (s as u8)
}

pub(crate) struct Reader<'a> {
    pub(crate) policy: &'a PolicySet,
    date: NaiveDate,
}

impl Reader<'_> {
    /// The value of `id` on the reader's date, as the kind `pick` accepts.
    pub(crate) fn typed<T>(&self, id: &str, pick: impl FnOnce(&ParamValue) -> Option<T>) -> Result<T, EngineError> {
        let value = self
            .policy
            .parameter(id)
            .and_then(|p| p.at(self.date))
            .map(|v| &v.value)
            .ok_or_else(|| EngineError::Uncovered(id.to_owned(), self.date))?;
        pick(value).ok_or_else(|| EngineError::WrongKind(id.to_owned()))
    }
    pub(crate) fn won(&self, id: &str) -> Result<Won, EngineError> {
        self.typed(id, |v| match v {
            ParamValue::Won(w) => Some(*w),
            _ => None,
        })
    }
    pub(crate) fn hours(&self, id: &str) -> Result<Tenths, EngineError> {
        self.typed(id, |v| match v {
            ParamValue::Hours(h) => Some(Tenths::from_hours(*h)),
            _ => None,
        })
    }
    pub(crate) fn rate(&self, id: &str) -> Result<Rate, EngineError> {
        self.typed(id, |v| match v {
            ParamValue::Rate(r) => Some(*r),
            _ => None,
        })
    }
    pub(crate) fn flag(&self, id: &str) -> Result<bool, EngineError> {
        self.typed(id, |v| match v {
            ParamValue::Bool(b) => Some(*b),
            _ => None,
        })
    }
    pub(crate) fn count(&self, id: &str) -> Result<u32, EngineError> {
        self.typed(id, |v| match v {
            ParamValue::Count(c) => Some(*c),
            _ => None,
        })
    }
    pub(crate) fn rounding(&self, id: &str) -> Result<RoundingMode, EngineError> {
        self.typed(id, |v| match v {
            ParamValue::Rounding(m) => Some(*m),
            _ => None,
        })
    }
    fn daily_cap(&self, prefix: &str) -> Result<DailyCap, EngineError> {
        Ok(DailyCap {
            daily: self.won(&format!("{prefix}.daily_won"))?,
            cap: self.won(&format!("{prefix}.monthly_cap_won"))?,
        })
    }
}

impl Params {
    fn compile(policy: &PolicySet, date: NaiveDate, multiplier_ids: &[String]) -> Result<Params, EngineError> {
        let r = Reader { policy, date };
        let eligible_deliveries = r.typed("allowance.eligible_deliveries", |v| match v {
            ParamValue::Deliveries(list) => Some(list.iter().fold(0, |m, d| m | delivery_bit(*d))),
            _ => None,
        })?;
        let eligible_statuses = r.typed("allowance.eligible_statuses", |v| match v {
            ParamValue::Statuses(list) => Some(list.iter().fold(0, |m, s| m | status_bit(*s))),
            _ => None,
        })?;
        let base_tables = [
            BaseTable::General,
            BaseTable::GeneralShortDay,
            BaseTable::Priority,
            BaseTable::KdtAiCampus,
            BaseTable::AiAssistant,
            BaseTable::PriorityShortDay,
        ];
        let mut base = [DailyCap {
            daily: Won::ZERO,
            cap: Won::ZERO,
        }; BASE_TABLES];
        for table in base_tables {
            base[base_index(table)] = r.daily_cap(table.param_prefix())?;
        }
        let mut special = [[DailyCap {
            daily: Won::ZERO,
            cap: Won::ZERO,
        }; 3]; 3];
        for scheme in [
            AllowanceScheme::Priority,
            AllowanceScheme::KdtAiCampus,
            AllowanceScheme::AiAssistant,
        ] {
            let (Some(i), Some(prefix)) = (special_index(scheme), special_prefix(scheme)) else {
                continue;
            };
            for tier in TIERS {
                special[i][tier_index(tier)] = r.daily_cap(&format!("{prefix}.{tier}"))?;
            }
        }
        let mut employer = [[Rate::ZERO; 3]; 3];
        for (s, size) in SIZES.iter().enumerate() {
            for (m, mode) in [
                EmployerMode::ClassroomInHouse,
                EmployerMode::ClassroomOutsourced,
                EmployerMode::Remote,
            ]
            .iter()
            .enumerate()
            {
                employer[s][m] = r.rate(&format!("tuition.employer.{size}.{}", mode.as_str()))?;
            }
        }
        let brackets = r.typed("tuition.priority_table.brackets", |v| match v {
            ParamValue::Brackets(b) => Some(b.clone()),
            _ => None,
        })?;
        let tier_precedence = r.typed("region.tier_precedence", |v| match v {
            ParamValue::Tier(t) => Some(*t),
            _ => None,
        })?;
        let rounding = r.typed("rounding.rate_amounts", |v| match v {
            ParamValue::Rounding(m) => Some(*m),
            _ => None,
        })?;
        let under_half_day_is_absence = r.typed("attendance.under_half_day_is_absence", |v| match v {
            ParamValue::Bool(b) => Some(*b),
            _ => None,
        })?;
        let tardies_per_absence = r.count("attendance.tardies_per_absence")?;
        let attendance_threshold = r.rate("allowance.attendance_threshold")?;
        let threshold_rounding = r.rounding("allowance.attendance_threshold_rounding")?;
        let special_min_hours_per_day = r.hours("allowance.special.min_hours_per_day")?;
        let count = CountRules {
            scheme: r.typed("attendance.unit_period.scheme", |v| match v {
                ParamValue::PeriodScheme(s) => Some(*s),
                _ => None,
            })?,
            remote_whole_course: r.flag("attendance.unit_period.remote_whole_course")?,
            tardies_per_absence: tardies_per_absence.max(1),
            carry_across_periods: r.flag("attendance.tardies_carry_across_periods")?,
            under_half_day_is_absence,
            illness_cap_rate: r.rate("attendance.illness_cap_rate")?,
            illness_cap_rounding: r.rounding("attendance.illness_cap_rounding")?,
            incomplete_day_is_absence: r.flag("attendance.incomplete_day_is_absence")?,
            threshold: attendance_threshold,
            threshold_rounding,
            special_min_hours_per_day,
        };
        let outcome = OutcomeRules {
            completion_rate: r.rate("completion.attendance_rate")?,
            remote_progress_rate: r.rate("completion.remote.progress_rate")?,
            remote_min_score: r.count("completion.remote.min_score")?,
            removal_absence_rate: r.rate("completion.removal.absence_rate")?,
            removal_period_absence_rate: r.rate("completion.removal.period_absence_rate")?,
            early_employment_rate: r.rate("completion.early_employment.attendance_rate")?,
            early_employment_of_all_days: r.flag("completion.early_employment.of_all_days")?,
            threshold_rounding,
        };
        Ok(Params {
            min_total_hours: r.hours("allowance.min_total_hours")?,
            eligible_deliveries,
            eligible_statuses,
            attendance_threshold,
            threshold_rounding,
            base,
            short_day_below: r.hours("allowance.base.general_short_day.below_hours_per_day")?,
            special_min_total_hours: r.hours("allowance.special.min_total_hours")?,
            special_min_hours_per_day,
            special,
            tardy_divisor: SmallDivisor::new(tardies_per_absence.max(1)),
            under_half_day_is_absence,
            count,
            live_online_capital: r.flag("allowance.special.live_online_capital_rate")?,
            meal_deduction: r.won("allowance.meal_deduction.daily_won")?,
            outcome,
            card_account: r.won("tuition.card.account_won")?,
            card_vulnerable_extra: r.won("tuition.card.vulnerable_extra_won")?,
            card_default_rate: r.rate("tuition.card.default_self_payment_rate")?,
            card_exempt_rate: r.rate("tuition.card.exempt_self_payment_rate")?,
            card_rate_min: r.rate("tuition.card.self_payment_rate_min")?,
            card_rate_max: r.rate("tuition.card.self_payment_rate_max")?,
            ai_assistant_rate: r.rate("tuition.ai_assistant.self_payment_rate")?,
            kdc_rate: r.rate("tuition.kdc.self_payment_rate")?,
            brackets,
            sme_online_rate: r.rate("tuition.sme_online.self_payment_rate")?,
            sme_premium: [
                r.rate("tuition.sme_premium.support_rate.capital")?,
                r.rate("tuition.sme_premium.support_rate.non_capital")?,
            ],
            employer,
            multipliers: multiplier_ids.iter().map(|id| r.rate(id)).collect::<Result<_, _>>()?,
            tier_precedence,
            tier_lookup: [
                RegionTier::NonCapital,
                RegionTier::PopulationDeclining,
                RegionTier::Capital,
                tier_precedence,
            ]
            .map(|t| (t, tier_index(t))),
            allowance_rates: allowance_rates(&base, &special),
            rounding,
            card: CardParams::compile(&r)?,
        })
    }
}

/// Attendance as counted for the allowance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AttendanceOutcome {
    pub scheduled_days: u32,
    pub attended_days: u32,
    pub tardies: u32,
    pub tardy_absences: u32,
    pub under_half_absences: u32,
    pub recognised_days: u32,
    pub threshold: Rate,
    pub threshold_met: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Eligibility {
    pub scheme_pays: bool,
    pub hours_ok: bool,
    pub delivery_ok: bool,
    pub status_ok: bool,
    pub attendance_ok: bool,
}

impl Eligibility {
    pub fn all(&self) -> bool {
        // `&`, not `&&`: every flag is already computed, and this stays branch-free.
        self.scheme_pays & self.hours_ok & self.delivery_ok & self.status_ok & self.attendance_ok
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AllowancePart {
    pub rate: DailyCap,
    pub uncapped: Won,
    pub amount: Won,
}

impl AllowancePart {
    #[inline(always)]
    fn new(rate: DailyCap, days: u32, paid: bool) -> AllowancePart {
        let uncapped = rate.daily.times(i64::from(days));
        AllowancePart {
            rate,
            uncapped,
            amount: Won(uncapped.min(rate.cap).0 * i64::from(paid)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SpecialOutcome {
    pub hours_ok: bool,
    pub hours_per_day_ok: bool,
    pub tier: RegionTier,
    pub part: AllowancePart,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RecognisedCost {
    /// `unit price × hours`, before the multiplier; `None` without a unit price.
    pub standard: Option<Won>,
    /// The multiplier parameter applied, if any, and its rate.
    pub multiplier: Option<(usize, Rate)>,
    /// The recognised training cost; the fee itself when no unit price was given.
    pub recognised: Won,
    /// `min(fee, recognised)`: what support is computed on.
    pub supported_base: Won,
    /// The fee above the recognised cost, paid by the trainee or the employer.
    pub excess: Won,
}

/// How tuition was settled, by scheme, with the values each rule used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum TuitionRule {
    NoFee,
    NoSupport,
    CardRate {
        rate: Rate,
        source: RateSource,
        account_limit: Won,
        limited: bool,
    },
    FixedRate {
        rate: Rate,
    },
    Bracket {
        index: usize,
        charge: BracketCharge,
    },
    Exempt,
    Employer {
        size: EmployerSize,
        mode: EmployerMode,
        rate: Rate,
    },
    SupportRate {
        rate: Rate,
        tier: RegionTier,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RateSource {
    Course,
    Default,
    Exempt,
    Programme,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BracketCharge {
    Rate(Rate),
    Fixed(Won),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Totals {
    pub allowance_won: i64,
    pub base_allowance_won: i64,
    pub special_allowance_won: i64,
    pub tuition_support_won: i64,
    pub self_payment_won: i64,
    pub employer_payment_won: i64,
    pub recognised_training_cost_won: i64,
}

impl Totals {
    pub fn difference(&self, baseline: &Totals) -> Totals {
        Totals {
            allowance_won: self.allowance_won - baseline.allowance_won,
            base_allowance_won: self.base_allowance_won - baseline.base_allowance_won,
            special_allowance_won: self.special_allowance_won - baseline.special_allowance_won,
            tuition_support_won: self.tuition_support_won - baseline.tuition_support_won,
            self_payment_won: self.self_payment_won - baseline.self_payment_won,
            employer_payment_won: self.employer_payment_won - baseline.employer_payment_won,
            recognised_training_cost_won: self.recognised_training_cost_won - baseline.recognised_training_cost_won,
        }
    }

    pub fn add(&mut self, other: &Totals) {
        self.allowance_won += other.allowance_won;
        self.base_allowance_won += other.base_allowance_won;
        self.special_allowance_won += other.special_allowance_won;
        self.tuition_support_won += other.tuition_support_won;
        self.self_payment_won += other.self_payment_won;
        self.employer_payment_won += other.employer_payment_won;
        self.recognised_training_cost_won += other.recognised_training_cost_won;
    }
}

const FACT_SCHEME_PAYS: u8 = 1;
const FACT_HOURS_OK: u8 = 2;
const FACT_DELIVERY_OK: u8 = 4;
const FACT_STATUS_OK: u8 = 8;
const FACT_SPECIAL_HOURS_OK: u8 = 16;
const FACT_SPECIAL_PER_DAY_OK: u8 = 32;

/// An enrolment's allowance facts, compiled once: they hold for every unit
/// period of the course. Four bytes, so a payroll batch stays small.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnrolmentFacts {
    /// Which compiled parameter snapshot applies (by course start).
    pub(crate) snapshot: u8,
    /// `rate_slot` of the scheme, day length and tier.
    pub(crate) rates: u8,
    /// Region bits (capital << 1 | declining).
    pub(crate) tier: u8,
    /// `FACT_*` flags.
    pub(crate) flags: u8,
}

/// One unit period's attendance, as the allowance counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthlyAttendance {
    pub scheduled_days: u16,
    pub attended_days: u16,
    /// Late arrivals, early leaves and outings together.
    pub tardies: u16,
    pub under_half_days: u16,
}

impl From<&crate::case::Attendance> for MonthlyAttendance {
    fn from(a: &crate::case::Attendance) -> MonthlyAttendance {
        MonthlyAttendance {
            scheduled_days: a.scheduled_days,
            attended_days: a.attended_days,
            tardies: a.late.saturating_add(a.early_leave).saturating_add(a.outing),
            under_half_days: a.under_half_days,
        }
    }
}

/// One row of a monthly payroll batch: 12 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PayrollRow {
    pub facts: EnrolmentFacts,
    pub month: MonthlyAttendance,
}

/// The monthly half of an allowance outcome.
#[derive(Debug, Clone, Copy)]
struct Monthly {
    attendance: AttendanceOutcome,
    eligibility: Eligibility,
    base: AllowancePart,
    special: AllowancePart,
}

/// The allowance half of an outcome.
#[derive(Debug, Clone, Copy)]
struct AllowanceOutcome {
    tier: RegionTier,
    attendance: AttendanceOutcome,
    eligibility: Eligibility,
    base_table: BaseTable,
    base: AllowancePart,
    special: Option<SpecialOutcome>,
    special_amount: Won,
}

/// Every intermediate value of one evaluation. The trace and the
/// explanations are renderings of this; nothing is computed twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// The date the parameters were read at: the course start date.
    pub policy_date: NaiveDate,
    pub snapshot: usize,
    pub tier: RegionTier,
    pub attendance: AttendanceOutcome,
    pub eligibility: Eligibility,
    pub base_table: BaseTable,
    pub base: AllowancePart,
    pub special: Option<SpecialOutcome>,
    pub cost: RecognisedCost,
    pub tuition: TuitionRule,
    pub totals: Totals,
}

#[derive(Debug, Clone, Copy)]
struct ProgrammeRules {
    allowance: AllowanceScheme,
    tuition: TuitionScheme,
    multiplier: Option<usize>,
}

/// A loaded policy and region table, compiled for evaluation.
#[derive(Debug, Clone)]
pub struct Engine {
    policy: Arc<PolicySet>,
    regions: Arc<RegionTable>,
    /// (from date, parameters) ascending; one per policy breakpoint.
    snapshots: Vec<(NaiveDate, Params)>,
    /// The snapshots' dates alone, ascending, for a cache-friendly look-up.
    breakpoints: Vec<NaiveDate>,
    multiplier_ids: Vec<String>,
    /// Per programme, the few facts evaluation reads, kept compact.
    programme_rules: Vec<ProgrammeRules>,
    /// Per region: (capital area, population declining).
    /// Per region: capital area (bit 1) and population-declining (bit 0).
    region_bits: Vec<u8>,
}

impl Engine {
    pub fn new(policy: Arc<PolicySet>, regions: Arc<RegionTable>) -> Result<Engine, EngineError> {
        let mut multiplier_ids: Vec<String> = policy
            .programmes
            .iter()
            .filter_map(|p| p.training_cost_multiplier.clone())
            .collect();
        multiplier_ids.sort();
        multiplier_ids.dedup();
        let programme_rules = policy
            .programmes
            .iter()
            .map(|p| ProgrammeRules {
                allowance: p.allowance_scheme,
                tuition: p.tuition_scheme,
                multiplier: p
                    .training_cost_multiplier
                    .as_ref()
                    .and_then(|id| multiplier_ids.iter().position(|m| m == id)),
            })
            .collect();
        let snapshots: Vec<(NaiveDate, Params)> = policy
            .breakpoints()
            .into_iter()
            .map(|date| Params::compile(&policy, date, &multiplier_ids).map(|p| (date, p)))
            .collect::<Result<_, _>>()?;
        let region_bits = regions
            .regions()
            .iter()
            .map(|r| (u8::from(r.capital_area) << 1) | u8::from(r.population_declining))
            .collect();
        Ok(Engine {
            policy,
            regions,
            breakpoints: snapshots.iter().map(|(from, _)| *from).collect(),
            snapshots,
            multiplier_ids,
            programme_rules,
            region_bits,
        })
    }

    pub fn policy(&self) -> &PolicySet {
        &self.policy
    }

    pub fn policy_arc(&self) -> Arc<PolicySet> {
        Arc::clone(&self.policy)
    }

    pub fn regions(&self) -> &RegionTable {
        &self.regions
    }

    pub fn regions_arc(&self) -> Arc<RegionTable> {
        Arc::clone(&self.regions)
    }

    pub fn multiplier_id(&self, index: usize) -> &str {
        &self.multiplier_ids[index]
    }

    /// The tuition scheme of programme `index` (as in `Case::programme`).
    pub fn tuition_scheme(&self, index: u16) -> TuitionScheme {
        self.programme_rules
            .get(usize::from(index))
            .map_or(TuitionScheme::None, |r| r.tuition)
    }

    pub fn programme_index(&self, id: &str) -> Option<usize> {
        self.policy.programmes.iter().position(|p| p.id.as_str() == id)
    }

    /// The compiled parameters a set of enrolment facts was made with.
    pub(crate) fn params_of(&self, facts: EnrolmentFacts) -> &Params {
        &self.snapshots[usize::from(facts.snapshot)].1
    }

    /// The parameters in force on `date` (which must be covered).
    #[inline]
    pub fn params_at(&self, date: NaiveDate) -> (usize, &Params) {
        // A policy has a handful of breakpoints: a scan of their dates, kept
        // apart from the large `Params`, beats a search and inlines well.
        let i = self.breakpoints.iter().rposition(|from| *from <= date).unwrap_or(0);
        (i, &self.snapshots[i].1)
    }

    pub(crate) fn card_band(&self, date: NaiveDate) -> (Rate, Rate) {
        let (_, p) = self.params_at(date);
        (p.card_rate_min, p.card_rate_max)
    }

    /// A copy of this engine whose policy has `overrides` applied.
    pub fn with_policy(&self, policy: Arc<PolicySet>) -> Result<Engine, EngineError> {
        Engine::new(policy, Arc::clone(&self.regions))
    }

    /// The allowance for one case: what a monthly payroll computes for
    /// every trainee. The same rules as `evaluate`, without tuition.
    #[inline]
    pub fn allowance(&self, case: &Case) -> Won {
        let (snapshot, p) = self.params_at(case.start);
        let o = Self::allowance_rules(
            case,
            p,
            snapshot,
            self.programme_rules[usize::from(case.programme)],
            self.region_bits[usize::from(case.region)],
        );
        o.base.amount + o.special_amount
    }

    /// The sum of a batch's allowances, on `threads` threads.
    pub fn sum_allowances(&self, cases: &[Case], threads: usize) -> Won {
        self.par_fold(
            cases,
            threads,
            Won::ZERO,
            |sum, case| sum + self.allowance(case),
            |a, b| a + b,
        )
    }

    /// The enrolment-level half of the allowance rules: what does not change
    /// from one unit period to the next (programme, place, hours, delivery,
    /// status), resolved against the parameters in force on the course start.
    #[inline(always)]
    fn enrolment_facts(
        p: &Params,
        snapshot: usize,
        case: &Case,
        rules: ProgrammeRules,
        region_bits: u8,
    ) -> EnrolmentFacts {
        let (_, tier_slot) = p.tier_lookup[usize::from(region_bits & 3)];
        // Live-online courses are paid the capital-area special rate (slot 0).
        let tier_slot = tier_slot * usize::from(!(p.live_online_capital & (case.delivery == Delivery::LiveOnline)));
        let short_day = usize::from(case.hours_per_day < p.short_day_below);
        let flags = (u8::from(rules.allowance != AllowanceScheme::None) * FACT_SCHEME_PAYS)
            | (u8::from(case.total_hours >= p.min_total_hours) * FACT_HOURS_OK)
            | (u8::from(p.eligible_deliveries & delivery_bit(case.delivery) != 0) * FACT_DELIVERY_OK)
            | (u8::from(p.eligible_statuses & status_bit(case.status) != 0) * FACT_STATUS_OK)
            | (u8::from(case.total_hours >= p.special_min_total_hours) * FACT_SPECIAL_HOURS_OK)
            | (u8::from(case.hours_per_day >= p.special_min_hours_per_day) * FACT_SPECIAL_PER_DAY_OK);
        EnrolmentFacts {
            snapshot: u8::try_from(snapshot).unwrap_or(u8::MAX),
            rates: u8::try_from(rate_slot(rules.allowance, short_day, tier_slot)).unwrap_or(0),
            tier: region_bits & 3,
            flags,
        }
    }

    /// The monthly half for the calculator: attendance counting from the period's totals, then
    /// the same period rules as the payroll (`period_allowance`). Written without
    /// data-dependent branches: conditions multiply amounts by 0 or 1.
    #[inline(always)]
    fn monthly_allowance(p: &Params, facts: EnrolmentFacts, month: MonthlyAttendance) -> Monthly {
        // Attendance: lateness, early leave and outings together count as absences.
        let tardies = u32::from(month.tardies);
        let tardy_absences = p.tardy_divisor.divide(tardies);
        let under_half_absences = u32::from(month.under_half_days) * u32::from(p.under_half_day_is_absence);
        let (scheduled_days, attended_days) = (u32::from(month.scheduled_days), u32::from(month.attended_days));
        let recognised_days = attended_days
            .saturating_sub(tardy_absences)
            .saturating_sub(under_half_absences);
        let threshold_met = recognised_days >= p.count.threshold_days(scheduled_days);
        let attendance = AttendanceOutcome {
            scheduled_days,
            attended_days,
            tardies,
            tardy_absences,
            under_half_absences,
            recognised_days,
            threshold: p.attendance_threshold,
            threshold_met,
        };
        // The calculator's days all have the course's hours: all or none are special days.
        let long_days = facts.flags & FACT_SPECIAL_PER_DAY_OK != 0;
        let period = Self::period_allowance(
            p,
            facts,
            PeriodAttendance {
                scheduled_days: month.scheduled_days,
                recognised_days: small_u16(recognised_days),
                special_days: small_u16(recognised_days * u32::from(long_days)),
                meal_days: 0,
                threshold_met,
            },
        );
        Monthly {
            attendance,
            eligibility: period.eligibility,
            base: period.base,
            special: period.special,
        }
    }

    /// The period rules: eligibility, the base on recognised days, the special allowance on
    /// recognised days of 5 hours or more, and the meal deduction, never below zero.
    #[inline(always)]
    pub(crate) fn period_allowance(p: &Params, facts: EnrolmentFacts, a: PeriodAttendance) -> PeriodParts {
        let has = |flag: u8| facts.flags & flag != 0;
        let eligibility = Eligibility {
            scheme_pays: has(FACT_SCHEME_PAYS),
            hours_ok: has(FACT_HOURS_OK),
            delivery_ok: has(FACT_DELIVERY_OK),
            status_ok: has(FACT_STATUS_OK),
            attendance_ok: a.threshold_met,
        };
        let paid = eligibility.all();
        let rates = &p.allowance_rates[usize::from(facts.rates)];
        let base = AllowancePart::new(rates.base, u32::from(a.recognised_days), paid);
        // Schemes without a special allowance have zero special rates.
        let special = AllowancePart::new(
            rates.special,
            u32::from(a.special_days),
            paid & has(FACT_SPECIAL_HOURS_OK),
        );
        let gross = base.amount + special.amount;
        let meal_deduction = p.meal_deduction.times(i64::from(a.meal_days)).min(gross);
        PeriodParts {
            eligibility,
            base,
            special,
            meal_deduction,
            amount: gross - meal_deduction,
        }
    }

    /// Both halves, with everything the explanations need.
    #[inline(always)]
    fn allowance_rules(
        case: &Case,
        p: &Params,
        snapshot: usize,
        rules: ProgrammeRules,
        region_bits: u8,
    ) -> AllowanceOutcome {
        let facts = Self::enrolment_facts(p, snapshot, case, rules, region_bits);
        let m = Self::monthly_allowance(p, facts, MonthlyAttendance::from(&case.attendance));
        let (tier, _) = p.tier_lookup[usize::from(facts.tier)];
        let rates = &p.allowance_rates[usize::from(facts.rates)];
        let special = rates.has_special.then_some(SpecialOutcome {
            hours_ok: facts.flags & FACT_SPECIAL_HOURS_OK != 0,
            hours_per_day_ok: facts.flags & FACT_SPECIAL_PER_DAY_OK != 0,
            tier,
            part: m.special,
        });
        AllowanceOutcome {
            tier,
            attendance: m.attendance,
            eligibility: m.eligibility,
            base_table: rates.base_table,
            base: m.base,
            special,
            special_amount: m.special.amount,
        }
    }

    /// Compiles a case's enrolment facts, for a payroll batch.
    pub fn enrolment(&self, case: &Case) -> EnrolmentFacts {
        let (snapshot, p) = self.params_at(case.start);
        Self::enrolment_facts(
            p,
            snapshot,
            case,
            self.programme_rules[usize::from(case.programme)],
            self.region_bits[usize::from(case.region)],
        )
    }

    /// One payroll row's allowance: compiled facts and a month's attendance.
    #[inline]
    pub fn payroll_allowance(&self, row: &PayrollRow) -> Won {
        let p = &self.snapshots[usize::from(row.facts.snapshot)].1;
        let m = Self::monthly_allowance(p, row.facts, row.month);
        m.base.amount + m.special.amount
    }

    /// A payroll batch from cases: each case's enrolment facts and attendance.
    pub fn payroll_batch(&self, cases: &[Case]) -> Vec<PayrollRow> {
        cases
            .iter()
            .map(|case| PayrollRow {
                facts: self.enrolment(case),
                month: MonthlyAttendance::from(&case.attendance),
            })
            .collect()
    }

    /// The sum of a payroll batch's allowances, on `threads` threads.
    pub fn sum_payroll(&self, rows: &[PayrollRow], threads: usize) -> Won {
        self.par_fold(
            rows,
            threads,
            Won::ZERO,
            |sum, row| sum + self.payroll_allowance(row),
            |a, b| a + b,
        )
    }

    /// Evaluates one case to its intermediate values and totals.
    #[inline]
    pub fn evaluate(&self, case: &Case) -> Outcome {
        let (snapshot, p) = self.params_at(case.start);
        let rules = self.programme_rules[usize::from(case.programme)];
        let AllowanceOutcome {
            tier,
            attendance,
            eligibility,
            base_table,
            base,
            special,
            special_amount,
        } = Self::allowance_rules(case, p, snapshot, rules, self.region_bits[usize::from(case.region)]);

        // Training cost and tuition.
        let multiplier = rules
            .multiplier
            .filter(|_| case.ai_course)
            .map(|i| (i, p.multipliers[i]));
        let fee = case.fee.unwrap_or(Won::ZERO);
        // Unit price × hours (in tenths); i64 is ample for ₩10¹² × 10⁶ tenths.
        let standard = case
            .unit_price
            .map(|price| Won(price.0.saturating_mul(i64::from(case.total_hours.0)) / 10));
        let recognised = match (standard, multiplier) {
            (Some(s), Some((_, rate))) => rate.apply(s, p.rounding),
            (Some(s), None) => s,
            (None, _) => fee,
        };
        let supported_base = fee.min(recognised);
        let excess = fee - supported_base;
        let cost = RecognisedCost {
            standard,
            multiplier,
            recognised,
            supported_base,
            excess,
        };
        let (tuition, support, trainee_pays, employer_pays) = self.tuition(rules.tuition, case, p, tier, &cost);

        let totals = Totals {
            allowance_won: (base.amount + special_amount).0,
            base_allowance_won: base.amount.0,
            special_allowance_won: special_amount.0,
            tuition_support_won: support.0,
            self_payment_won: trainee_pays.0,
            employer_payment_won: employer_pays.0,
            recognised_training_cost_won: if case.unit_price.is_some() {
                recognised.0
            } else {
                supported_base.0
            },
        };
        Outcome {
            policy_date: case.start,
            snapshot,
            tier,
            attendance,
            eligibility,
            base_table,
            base,
            special,
            cost,
            tuition,
            totals,
        }
    }

    /// Returns (rule, government support, trainee pays, employer pays).
    fn tuition(
        &self,
        scheme: TuitionScheme,
        case: &Case,
        p: &Params,
        tier: RegionTier,
        cost: &RecognisedCost,
    ) -> (TuitionRule, Won, Won, Won) {
        let base = cost.supported_base;
        if scheme == TuitionScheme::None {
            return (TuitionRule::NoSupport, Won::ZERO, Won::ZERO, Won::ZERO);
        }
        if case.fee.is_none() {
            return (TuitionRule::NoFee, Won::ZERO, Won::ZERO, Won::ZERO);
        }
        let rounding = p.rounding;
        // Card-style: trainee pays a share; support is limited by the account.
        let card = |rate: Rate, source: RateSource| {
            let share = rate.apply(base, rounding);
            let limit = case.card_balance.unwrap_or(
                p.card_account
                    + if case.vulnerable_group {
                        p.card_vulnerable_extra
                    } else {
                        Won::ZERO
                    },
            );
            let wanted = base - share;
            let support = wanted.min(limit);
            let rule = TuitionRule::CardRate {
                rate,
                source,
                account_limit: limit,
                limited: support < wanted,
            };
            (rule, support, base - support + cost.excess, Won::ZERO)
        };
        // The card scheme's rate: exempt groups', else the course's, else the default.
        let card_rate = || {
            if case.exempt_group {
                (p.card_exempt_rate, RateSource::Exempt)
            } else {
                match case.self_payment_rate {
                    Some(r) => (r, RateSource::Course),
                    None => (p.card_default_rate, RateSource::Default),
                }
            }
        };
        // 산대특 from 2026: the bracket table is for the first participation only; a later
        // course uses the card rate (long courses) or the short-course rate.
        if scheme == TuitionScheme::PriorityTable && case.sandaetuk_repeat && p.card.sandaetuk_rule_for(case.programme)
        {
            return if case.total_hours >= p.card.sandaetuk_long_hours {
                let (rate, source) = card_rate();
                card(rate, source)
            } else {
                card(p.card.sandaetuk_short_rate, RateSource::Programme)
            };
        }
        match scheme {
            TuitionScheme::None => (TuitionRule::NoSupport, Won::ZERO, Won::ZERO, Won::ZERO),
            TuitionScheme::Card => {
                let (rate, source) = card_rate();
                card(rate, source)
            }
            TuitionScheme::AiAssistant => {
                if case.exempt_group {
                    card(p.card_exempt_rate, RateSource::Exempt)
                } else {
                    card(p.ai_assistant_rate, RateSource::Programme)
                }
            }
            TuitionScheme::Kdc | TuitionScheme::SmeOnline => {
                let rate = if scheme == TuitionScheme::Kdc {
                    p.kdc_rate
                } else {
                    p.sme_online_rate
                };
                let share = rate.apply(base, rounding);
                (
                    TuitionRule::FixedRate { rate },
                    base - share,
                    share + cost.excess,
                    Won::ZERO,
                )
            }
            TuitionScheme::PriorityTable => {
                let index = p
                    .brackets
                    .iter()
                    .position(|b| b.up_to.is_none_or(|up_to| base <= up_to))
                    .unwrap_or(p.brackets.len().saturating_sub(1));
                let (charge, share) = match p.brackets.get(index).map(|b| &b.charge) {
                    Some(Charge::Rate(r)) => (BracketCharge::Rate(*r), r.apply(base, rounding)),
                    Some(Charge::Fixed(w)) => (BracketCharge::Fixed(*w), (*w).min(base)),
                    None => (BracketCharge::Fixed(Won::ZERO), Won::ZERO),
                };
                (
                    TuitionRule::Bracket { index, charge },
                    base - share,
                    share + cost.excess,
                    Won::ZERO,
                )
            }
            TuitionScheme::Exempt => (TuitionRule::Exempt, base, Won::ZERO, Won::ZERO),
            TuitionScheme::Employer => {
                let size = case.employer_size.unwrap_or(EmployerSize::PrioritySupport);
                let mode = match (case.delivery, case.provision) {
                    (Delivery::Remote, _) => EmployerMode::Remote,
                    (_, Provision::InHouse) => EmployerMode::ClassroomInHouse,
                    (_, Provision::Outsourced) => EmployerMode::ClassroomOutsourced,
                };
                let s = SIZES.iter().position(|x| *x == size).unwrap_or(0);
                let m = match mode {
                    EmployerMode::ClassroomInHouse => 0,
                    EmployerMode::ClassroomOutsourced => 1,
                    EmployerMode::Remote => 2,
                };
                let rate = p.employer[s][m];
                let support = rate.apply(base, rounding);
                (
                    TuitionRule::Employer { size, mode, rate },
                    support,
                    Won::ZERO,
                    base - support + cost.excess,
                )
            }
            TuitionScheme::SmePremium => {
                let rate = if tier == RegionTier::Capital {
                    p.sme_premium[0]
                } else {
                    p.sme_premium[1]
                };
                let support = rate.apply(base, rounding);
                (
                    TuitionRule::SupportRate { rate, tier },
                    support,
                    base - support + cost.excess,
                    Won::ZERO,
                )
            }
        }
    }

    /// Totals only: the fast path for batches.
    #[inline]
    pub fn totals(&self, case: &Case) -> Totals {
        self.evaluate(case).totals
    }

    /// The sum of a batch's totals, evaluated on `threads` threads.
    pub fn sum_batch(&self, cases: &[Case], threads: usize) -> Totals {
        self.par_fold(
            cases,
            threads,
            Totals::default(),
            |mut sum, case| {
                sum.add(&self.totals(case));
                sum
            },
            |mut a, b| {
                a.add(&b);
                a
            },
        )
    }

    /// Folds `cases` in `threads` contiguous chunks and combines the results.
    fn par_fold<I: Sync, T: Send + Copy>(
        &self,
        cases: &[I],
        threads: usize,
        zero: T,
        fold: impl Fn(T, &I) -> T + Sync,
        combine: impl Fn(T, T) -> T,
    ) -> T {
        let threads = threads.clamp(1, 64);
        let chunk = cases.len().div_ceil(threads).max(1);
        let fold = &fold;
        std::thread::scope(|scope| {
            let workers: Vec<_> = cases
                .chunks(chunk)
                .map(|part| scope.spawn(move || part.iter().fold(zero, fold)))
                .collect();
            workers
                .into_iter()
                // A worker only panics if evaluation does: a bug to surface, not hide.
                .map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
                .fold(zero, combine)
        })
    }

    /// Evaluates a batch, returning the totals of each case and their sum.
    pub fn evaluate_batch(&self, cases: &[Case]) -> (Vec<Totals>, Totals) {
        let mut sum = Totals::default();
        let each: Vec<Totals> = cases
            .iter()
            .map(|c| {
                let t = self.totals(c);
                sum.add(&t);
                t
            })
            .collect();
        (each, sum)
    }
}

#[cfg(test)]
mod tests {
    use super::SmallDivisor;

    #[test]
    fn small_divisor_is_exact() {
        for divisor in 1..=64u32 {
            let d = SmallDivisor::new(divisor);
            for n in 0..(1u32 << 16) {
                assert_eq!(d.divide(n), n / divisor, "{n} / {divisor}");
            }
            assert_eq!(d.divide(u32::MAX), u32::MAX / divisor);
        }
        let largest = SmallDivisor::new(65_535);
        assert!((0..(1u32 << 16)).all(|n| largest.divide(n) == n / 65_535));
    }
}
