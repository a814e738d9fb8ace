//! The registry of every policy parameter the engine reads, with its kind
//! and, for rates, the range a value must lie in. A policy file may define
//! only these ids, and must define all of them.

use crate::money::Rate;
use std::fmt;

/// What a parameter's value is, and so how its text is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Won,
    Hours,
    Count,
    Rate,
    Bool,
    Deliveries,
    Statuses,
    /// The fee brackets of a self-payment table.
    Brackets,
    /// Which tier wins for a region that is both capital-area and population-declining.
    TierPrecedence,
    Rounding,
    WonList,
    /// Target-group ids as `aiup_people::Profile::in_group` reads them (`low_income`,
    /// `kukchi_type_1`, …).
    Groups,
    /// Tuition schemes (`card`, `priority_table`, …).
    Schemes,
    /// Programme ids defined in the policy files.
    Programmes,
    /// How unit periods are cut: `chained` or `anchored` ([`super::PeriodScheme`]).
    PeriodScheme,
}

impl Kind {
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Won => "an integer amount in won, e.g. 5800",
            Kind::Hours => "a whole number of hours",
            Kind::Count => "a whole number",
            Kind::Rate => "a percentage string, e.g. \"90%\"",
            Kind::Bool => "true or false",
            Kind::Deliveries => "a list of deliveries, e.g. [\"classroom\", \"blended\"]",
            Kind::Statuses => "a list of trainee statuses, e.g. [\"job_seeker\"]",
            Kind::Brackets => {
                "a list of {up_to_won?, rate? | fixed_won?} brackets in ascending order, the last without up_to_won"
            }
            Kind::TierPrecedence => "\"population_declining\" or \"capital\"",
            Kind::Rounding => "\"floor\", \"half_up\" or \"ceil\"",
            Kind::WonList => "a list of integer amounts in won",
            Kind::Groups => "a list of target-group ids, e.g. [\"low_income\", \"kukchi_type_1\"]",
            Kind::Schemes => "a list of tuition schemes, e.g. [\"card\", \"priority_table\"]",
            Kind::Programmes => "a list of programme ids, e.g. [\"sandaetuk-entry\"]",
            Kind::PeriodScheme => "\"chained\" or \"anchored\"",
        }
    }
}

/// The inclusive range a rate must lie in, checked at load and in reforms.
/// A rate above 100 % of a fee would make support or a share negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateRange {
    pub min: Rate,
    pub max: Rate,
}

impl RateRange {
    /// 0–100 %: shares, thresholds and support rates.
    pub const SHARE: RateRange = RateRange::percent(0, 100);

    /// A range in whole percent.
    pub const fn percent(min: u32, max: u32) -> RateRange {
        RateRange {
            min: Rate(min * 100),
            max: Rate(max * 100),
        }
    }

    pub fn contains(self, rate: Rate) -> bool {
        self.min <= rate && rate <= self.max
    }
}

impl fmt::Display for RateRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{}", self.min, self.max)
    }
}

#[derive(Debug, Clone, Copy)]
pub struct ParamSpec {
    pub id: &'static str,
    pub kind: Kind,
    /// For `Rate`, and for the rates inside `Brackets`: the allowed range.
    /// `None` for every other kind. (Amounts in won are never negative,
    /// whatever the parameter.)
    pub range: Option<RateRange>,
}

/// Every rate is a share unless the registry says otherwise.
const fn default_range(kind: Kind) -> Option<RateRange> {
    match kind {
        Kind::Rate | Kind::Brackets => Some(RateRange::SHARE),
        _ => None,
    }
}

macro_rules! params {
    ($($id:literal : $kind:ident $(($min:literal..=$max:literal %))?),+ $(,)?) => {
        pub const PARAMS: &[ParamSpec] = &[$(ParamSpec {
            id: $id,
            kind: Kind::$kind,
            range: params!(@range $kind $($min, $max)?),
        }),+];
    };
    (@range $kind:ident) => { default_range(Kind::$kind) };
    (@range $kind:ident $min:literal, $max:literal) => { Some(RateRange::percent($min, $max)) };
}

params! {
    // Allowance (훈련장려금): who and what qualifies.
    "allowance.min_total_hours": Hours,
    "allowance.eligible_deliveries": Deliveries,
    "allowance.eligible_statuses": Statuses,
    "allowance.attendance_threshold": Rate,
    // Base allowance per scheme.
    "allowance.base.general.daily_won": Won,
    "allowance.base.general.monthly_cap_won": Won,
    "allowance.base.general_short_day.below_hours_per_day": Hours,
    "allowance.base.general_short_day.daily_won": Won,
    "allowance.base.general_short_day.monthly_cap_won": Won,
    "allowance.base.priority.daily_won": Won,
    "allowance.base.priority.monthly_cap_won": Won,
    "allowance.base.kdt_ai_campus.daily_won": Won,
    "allowance.base.kdt_ai_campus.monthly_cap_won": Won,
    "allowance.base.ai_assistant.daily_won": Won,
    "allowance.base.ai_assistant.monthly_cap_won": Won,
    // Special allowance by where the institution is.
    "allowance.special.min_total_hours": Hours,
    "allowance.special.min_hours_per_day": Hours,
    "allowance.special.priority.capital.daily_won": Won,
    "allowance.special.priority.capital.monthly_cap_won": Won,
    "allowance.special.priority.non_capital.daily_won": Won,
    "allowance.special.priority.non_capital.monthly_cap_won": Won,
    "allowance.special.priority.population_declining.daily_won": Won,
    "allowance.special.priority.population_declining.monthly_cap_won": Won,
    "allowance.special.kdt_ai_campus.capital.daily_won": Won,
    "allowance.special.kdt_ai_campus.capital.monthly_cap_won": Won,
    "allowance.special.kdt_ai_campus.non_capital.daily_won": Won,
    "allowance.special.kdt_ai_campus.non_capital.monthly_cap_won": Won,
    "allowance.special.kdt_ai_campus.population_declining.daily_won": Won,
    "allowance.special.kdt_ai_campus.population_declining.monthly_cap_won": Won,
    "allowance.special.ai_assistant.capital.daily_won": Won,
    "allowance.special.ai_assistant.capital.monthly_cap_won": Won,
    "allowance.special.ai_assistant.non_capital.daily_won": Won,
    "allowance.special.ai_assistant.non_capital.monthly_cap_won": Won,
    "allowance.special.ai_assistant.population_declining.daily_won": Won,
    "allowance.special.ai_assistant.population_declining.monthly_cap_won": Won,
    // Attendance counting.
    "attendance.tardies_per_absence": Count,
    "attendance.under_half_day_is_absence": Bool,
    "attendance.tardies_carry_across_periods": Bool,
    "attendance.unit_period.scheme": PeriodScheme,
    "attendance.unit_period.remote_whole_course": Bool,
    "attendance.illness_cap_rate": Rate,
    "attendance.illness_cap_rounding": Rounding,
    "attendance.incomplete_day_is_absence": Bool,
    "allowance.attendance_threshold_rounding": Rounding,
    // The short-day rate of priority courses, live-online special tier, meal deduction.
    "allowance.base.priority_short_day.daily_won": Won,
    "allowance.base.priority_short_day.monthly_cap_won": Won,
    "allowance.special.live_online_capital_rate": Bool,
    "allowance.meal_deduction.daily_won": Won,
    // Tuition support and self-payment.
    "tuition.card.account_won": Won,
    "tuition.card.account_years": Count,
    "tuition.card.vulnerable_extra_won": Won,
    "tuition.card.self_payment_rate_min": Rate,
    "tuition.card.self_payment_rate_max": Rate,
    "tuition.card.default_self_payment_rate": Rate,
    "tuition.card.exempt_self_payment_rate": Rate,
    "tuition.card.dropout_deductions_won": WonList,
    // Who gets the card's one-off extra, who pays no card self-payment, which schemes the card
    // pays for.
    "tuition.card.extra_groups": Groups,
    "tuition.card.exempt_groups": Groups,
    "tuition.card.charging_schemes": Schemes,
    "tuition.ai_assistant.self_payment_rate": Rate,
    "tuition.kdc.self_payment_rate": Rate,
    "tuition.priority_table.brackets": Brackets,
    // 산대특 from 2026: the bracket table for the first participation only, and card caps.
    "tuition.sandaetuk.programmes": Programmes,
    "tuition.sandaetuk.participation_rule": Bool,
    "tuition.sandaetuk.long_course_hours": Hours,
    "tuition.sandaetuk.short_course_rate": Rate,
    "tuition.sandaetuk.card_cap_won": Won,
    "tuition.sandaetuk.short_course_card_cap_won": Won,
    "tuition.sme_online.self_payment_rate": Rate,
    "tuition.sme_premium.support_rate.capital": Rate,
    "tuition.sme_premium.support_rate.non_capital": Rate,
    "tuition.employer.priority_support.classroom_in_house": Rate,
    "tuition.employer.priority_support.classroom_outsourced": Rate,
    "tuition.employer.priority_support.remote": Rate,
    "tuition.employer.large.classroom_in_house": Rate,
    "tuition.employer.large.classroom_outsourced": Rate,
    "tuition.employer.large.remote": Rate,
    "tuition.employer.large_1000.classroom_in_house": Rate,
    "tuition.employer.large_1000.classroom_outsourced": Rate,
    "tuition.employer.large_1000.remote": Rate,
    // Training-cost recognition (훈련비 기준단가 multipliers) for AI courses.
    // Multipliers scale a price, so they may pass 100 % (the plan's top is 300 %).
    "training_cost.card_ai.multiplier": Rate(0..=1000 %),
    "training_cost.sandaetuk_ai.multiplier": Rate(0..=1000 %),
    "training_cost.regional_consortium_ai.multiplier": Rate(0..=1000 %),
    "training_cost.sme_ai.multiplier": Rate(0..=1000 %),
    "training_cost.joint_centre_ai.multiplier": Rate(0..=1000 %),
    // The SME package's PBL allowances (policy/sme_training.toml); 0 = not set yet.
    "sme.pbl.field_teacher_allowance_won_per_hour": Won,
    "sme.pbl.outside_expert_allowance_won_per_hour": Won,
    // Enrolment.
    "enrolment.free_withdrawal_days": Count,
    // Completion.
    "completion.attendance_rate": Rate,
    "completion.remote.progress_rate": Rate,
    "completion.remote.min_score": Count,
    "completion.removal.absence_rate": Rate,
    "completion.removal.period_absence_rate": Rate,
    "completion.early_employment.attendance_rate": Rate,
    "completion.early_employment.of_all_days": Bool,
    // Regions and rounding.
    "region.tier_precedence": TierPrecedence,
    "rounding.rate_amounts": Rounding,
    // The SME package: discovery points (aiup_sme::discovery::DiscoveryWeights).
    "sme.discovery.weight.no_ai_training": Count,
    "sme.discovery.weight.partner_programme": Count,
    "sme.discovery.partner_programmes_counted": Count,
    "sme.discovery.weight.intent_yes": Count,
    "sme.discovery.weight.intent_no": Count,
    "sme.discovery.weight.size_under_30": Count,
    "sme.discovery.weight.size_30_to_299": Count,
    "sme.discovery.weight.non_capital": Count,
    "sme.discovery.weight.industry_need": Count,
    // The dashboards: when a budget line's forecast is flagged under.
    "dashboard.budget.under_flag_share": Rate,
}

pub fn spec(id: &str) -> Option<&'static ParamSpec> {
    PARAMS.iter().find(|p| p.id == id)
}

/// The programme ids the policy files must hold (BRIEF §1, issue #2).
pub const REQUIRED_PROGRAMMES: &[&str] = &[
    "card-ai-general",
    "kdc-ai",
    "ai-assistant-job",
    "sandaetuk-entry",
    "kdt-ai-campus",
    "kdt-general",
    "polytech-hightech-ai",
    "startup-hiring-grant",
    "sme-ai-online",
    "sme-premium-skillup",
    "sme-pbl",
    "sme-diagnosis",
    "polytech-ai-basics",
    "sandaetuk-ai-transition",
    "polytech-ax",
    "regional-consortium-ai",
    "physical-ai-labs",
    "ai-joint-training-centres",
    "ai-instructor-academy",
    "digital-twin-training",
    "ai-course-review",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rate_has_a_range_and_nothing_else_does() {
        for p in PARAMS {
            match (p.kind, p.range) {
                (Kind::Rate | Kind::Brackets, Some(r)) => assert!(r.min <= r.max, "{}", p.id),
                (Kind::Rate | Kind::Brackets, None) => panic!("{} has no range", p.id),
                (_, Some(_)) => panic!("{} is not a rate but has a range", p.id),
                (_, None) => {}
            }
        }
        let range = |id: &str| spec(id).and_then(|p| p.range).map(|r| r.to_string());
        assert_eq!(range("tuition.kdc.self_payment_rate").as_deref(), Some("0%–100%"));
        assert_eq!(range("training_cost.sme_ai.multiplier").as_deref(), Some("0%–1000%"));
        assert_eq!(range("tuition.card.account_won"), None);
    }
}
