//! The 국민내일배움카드 rules: what an enrolment charges to the card, and the account's terms.
//!
//! The card is charged the *government-supported* share of a course's fee; the trainee pays
//! the self-payment (research C5: a ₩500,000 fee at ₩60,000 self-payment charges the card
//! ₩440,000; a 국취 I participant's card pays the whole ₩500,000). The schemes listed in
//! `tuition.card.charging_schemes` draw on the card, and so do the 산대특 programmes while the
//! 2026 rule is on (the only bracket-table courses with a card cap in the sources). Two limits
//! apply, in order:
//! 1. 산대특 from 2026 (`tuition.sandaetuk.participation_rule`): the card is charged at most
//!    `tuition.sandaetuk.card_cap_won` (courses of `long_course_hours` or more) or
//!    `short_course_card_cap_won`. The support above the cap is the programme's, not the
//!    card's: the trainee pays no more for it.
//! 2. The balance: the card pays what it has and the trainee pays the rest, the engine's
//!    `card_balance_won` rule (research C5, "fees over the balance need the trainee to pay the
//!    difference"). For the card scheme the outcome's support is already limited by the
//!    balance; for the other schemes the shortfall is added to what the trainee pays here, and
//!    the outcome's totals are left as they were.
//!
//! Nothing here allocates on the evaluation path; `explain` and `params_json` render.

use aiup_core::policy::{ParamValue, Text, TuitionScheme};
use aiup_core::{Rate, Won};
use chrono::NaiveDate;
use serde::Serialize;

use crate::case::{Case, Tenths};
use crate::engine::{EngineError, Outcome, Reader};
use crate::Engine;

/// The card rules in force on one date, compiled once per policy breakpoint.
#[derive(Debug, Clone)]
pub struct CardParams {
    pub years: u32,
    pub extra_groups: Vec<String>,
    pub exempt_groups: Vec<String>,
    pub dropout_deductions: Vec<Won>,
    /// Indexed like `TuitionScheme::ALL`.
    pub charging: [bool; TuitionScheme::ALL.len()],
    /// By programme index: whether the programme is a 산대특 programme.
    pub sandaetuk_programmes: Vec<bool>,
    pub sandaetuk_rule: bool,
    pub sandaetuk_long_hours: Tenths,
    pub sandaetuk_short_rate: Rate,
    pub sandaetuk_cap: Won,
    pub sandaetuk_short_cap: Won,
    pub free_withdrawal_days: u32,
}

fn scheme_index(scheme: TuitionScheme) -> usize {
    TuitionScheme::ALL.iter().position(|s| *s == scheme).unwrap_or(0)
}

impl CardParams {
    pub(crate) fn compile(r: &Reader<'_>) -> Result<CardParams, EngineError> {
        let names = |id: &str| {
            r.typed(id, |v| match v {
                ParamValue::Names(list) => Some(list.clone()),
                _ => None,
            })
        };
        let count = |id: &str| {
            r.typed(id, |v| match v {
                ParamValue::Count(c) => Some(*c),
                _ => None,
            })
        };
        let schemes = r.typed("tuition.card.charging_schemes", |v| match v {
            ParamValue::Schemes(list) => Some(list.clone()),
            _ => None,
        })?;
        let mut charging = [false; TuitionScheme::ALL.len()];
        for scheme in schemes {
            charging[scheme_index(scheme)] = true;
        }
        let sandaetuk = names("tuition.sandaetuk.programmes")?;
        let sandaetuk_programmes = r
            .policy
            .programmes
            .iter()
            .map(|p| sandaetuk.iter().any(|id| *id == p.id.as_str()))
            .collect();
        Ok(CardParams {
            years: count("tuition.card.account_years")?,
            extra_groups: names("tuition.card.extra_groups")?,
            exempt_groups: names("tuition.card.exempt_groups")?,
            dropout_deductions: r.typed("tuition.card.dropout_deductions_won", |v| match v {
                ParamValue::WonList(list) => Some(list.clone()),
                _ => None,
            })?,
            charging,
            sandaetuk_programmes,
            sandaetuk_rule: r.typed("tuition.sandaetuk.participation_rule", |v| match v {
                ParamValue::Bool(b) => Some(*b),
                _ => None,
            })?,
            sandaetuk_long_hours: r.hours("tuition.sandaetuk.long_course_hours")?,
            sandaetuk_short_rate: r.rate("tuition.sandaetuk.short_course_rate")?,
            sandaetuk_cap: r.won("tuition.sandaetuk.card_cap_won")?,
            sandaetuk_short_cap: r.won("tuition.sandaetuk.short_course_card_cap_won")?,
            free_withdrawal_days: count("enrolment.free_withdrawal_days")?,
        })
    }

    /// Whether the 2026 산대특 rule governs a case of `programme`.
    pub(crate) fn sandaetuk_rule_for(&self, programme: u16) -> bool {
        self.sandaetuk_rule
            && self
                .sandaetuk_programmes
                .get(usize::from(programme))
                .copied()
                .unwrap_or(false)
    }
}

/// The account's terms on one date, for opening a card and for its ledger entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CardTerms<'a> {
    pub date: NaiveDate,
    pub account_won: Won,
    pub years: u32,
    pub extra_won: Won,
    pub extra_groups: &'a [String],
    pub exempt_groups: &'a [String],
    pub dropout_deductions: &'a [Won],
    pub free_withdrawal_days: u32,
}

impl CardTerms<'_> {
    /// The deduction for the `nth` unjustified dropout (1 for the first); the last amount of
    /// the list applies to every later one. Zero if the list is empty or `nth` is 0.
    pub fn dropout_deduction(&self, nth: u32) -> Won {
        let Some(last) = self.dropout_deductions.len().checked_sub(1) else {
            return Won::ZERO;
        };
        match usize::try_from(nth).ok().and_then(|n| n.checked_sub(1)) {
            Some(i) => self.dropout_deductions[i.min(last)],
            None => Won::ZERO,
        }
    }
}

/// The 산대특 cap that limited a charge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CardCap {
    pub cap_won: i64,
    /// The course has `long_course_hours` or more (the higher cap).
    pub long_course: bool,
    /// `tuition.sandaetuk.long_course_hours`.
    pub long_course_hours: u32,
}

/// What an enrolment charges to the learning card, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CardCharge {
    pub policy_date: NaiveDate,
    pub scheme: TuitionScheme,
    /// The scheme draws on the card (`tuition.card.charging_schemes`, or a 산대특 programme
    /// under the 2026 rule).
    pub charges_card: bool,
    /// The government-supported share of the fee (the outcome's tuition support).
    pub support_won: i64,
    /// Under the 2026 산대특 rule: whether this is the trainee's first participation.
    pub sandaetuk_first: Option<bool>,
    /// The 산대특 cap, when it applies.
    pub cap: Option<CardCap>,
    /// The balance the charge was limited by: the case's, or a new account's.
    pub balance_won: i64,
    /// What the card pays.
    pub charge_won: i64,
    /// The capped charge the balance could not cover: the trainee pays it.
    pub shortfall_won: i64,
    /// The outcome's self-payment.
    pub self_payment_won: i64,
    /// What the trainee pays in all: the self-payment and the shortfall.
    pub trainee_pays_won: i64,
}

impl Engine {
    /// The card's terms in force on `date`.
    pub fn card_terms(&self, date: NaiveDate) -> CardTerms<'_> {
        let (_, p) = self.params_at(date);
        CardTerms {
            date,
            account_won: p.card_account,
            years: p.card.years,
            extra_won: p.card_vulnerable_extra,
            extra_groups: &p.card.extra_groups,
            exempt_groups: &p.card.exempt_groups,
            dropout_deductions: &p.card.dropout_deductions,
            free_withdrawal_days: p.card.free_withdrawal_days,
        }
    }

    /// What `case` charges to the card, given its evaluated `outcome`.
    pub fn card_charge(&self, case: &Case, outcome: &Outcome) -> CardCharge {
        let (_, p) = self.params_at(case.start);
        let scheme = self.tuition_scheme(case.programme);
        let sandaetuk = p.card.sandaetuk_rule_for(case.programme);
        let charges_card = p.card.charging[scheme_index(scheme)] || sandaetuk;
        let support = outcome.totals.tuition_support_won;
        let balance = case
            .card_balance
            .unwrap_or(
                p.card_account
                    + if case.vulnerable_group {
                        p.card_vulnerable_extra
                    } else {
                        Won::ZERO
                    },
            )
            .0;
        let cap = (charges_card && sandaetuk).then(|| {
            let long_course = case.total_hours >= p.card.sandaetuk_long_hours;
            CardCap {
                cap_won: if long_course {
                    p.card.sandaetuk_cap.0
                } else {
                    p.card.sandaetuk_short_cap.0
                },
                long_course,
                long_course_hours: p.card.sandaetuk_long_hours.0 / 10,
            }
        });
        let wanted = if charges_card { support } else { 0 };
        let capped = cap.map_or(wanted, |c| wanted.min(c.cap_won));
        let charge = capped.min(balance).max(0);
        let shortfall = capped - charge;
        let self_payment = outcome.totals.self_payment_won;
        CardCharge {
            policy_date: outcome.policy_date,
            scheme,
            charges_card,
            support_won: support,
            sandaetuk_first: sandaetuk.then_some(!case.sandaetuk_repeat),
            cap,
            balance_won: balance,
            charge_won: charge,
            shortfall_won: shortfall,
            self_payment_won: self_payment,
            trainee_pays_won: self_payment + shortfall,
        }
    }
}

impl CardCharge {
    /// The rule a ledger entry for this charge cites.
    pub const RULE: &'static str = "tuition.card.charging_schemes";

    /// The parameter ids this charge read.
    pub fn parameters(&self) -> Vec<&'static str> {
        let mut ids = vec!["tuition.card.charging_schemes"];
        if self.sandaetuk_first.is_some() {
            ids.push("tuition.sandaetuk.programmes");
            ids.push("tuition.sandaetuk.participation_rule");
        }
        if let Some(cap) = self.cap {
            ids.push(if cap.long_course {
                "tuition.sandaetuk.card_cap_won"
            } else {
                "tuition.sandaetuk.short_course_card_cap_won"
            });
            ids.push("tuition.sandaetuk.long_course_hours");
        }
        if self.shortfall_won > 0 {
            ids.push("tuition.card.account_won");
        }
        ids
    }

    /// The values the charge used, for a ledger entry's `params`.
    pub fn params_json(&self) -> serde_json::Value {
        serde_json::json!({
            "policy_date": self.policy_date,
            "scheme": self.scheme.as_str(),
            "support_won": self.support_won,
            "sandaetuk_first": self.sandaetuk_first,
            "cap_won": self.cap.map(|c| c.cap_won),
            "balance_won": self.balance_won,
            "charge_won": self.charge_won,
            "shortfall_won": self.shortfall_won,
            "self_payment_won": self.self_payment_won,
            "trainee_pays_won": self.trainee_pays_won,
            "parameters": self.parameters(),
        })
    }

    /// A plain explanation, in Korean and English.
    pub fn explain(&self) -> Text {
        let won = |v: i64| Won(v).to_string();
        if !self.charges_card {
            return Text {
                ko: format!(
                    "이 과정의 수강료 지원({})은 내일배움카드에서 차감하지 않습니다. 본인 부담은 {}입니다.",
                    self.scheme.as_str(),
                    won(self.trainee_pays_won)
                ),
                en: format!(
                    "This course's tuition support ({}) is not charged to the learning card. You pay {}.",
                    self.scheme.as_str(),
                    won(self.trainee_pays_won)
                ),
            };
        }
        let mut ko = format!("정부 지원분 {}을 카드에서 차감합니다.", won(self.support_won));
        let mut en = format!(
            "The card is charged the government-supported share, {}.",
            won(self.support_won)
        );
        match self.sandaetuk_first {
            Some(true) => {
                ko.push_str(" 산대특 첫 참여이므로 훈련비 구간별 자부담표를 적용했습니다.");
                en.push_str(" This is a first 산대특 participation, so the fee-bracket table applies.");
            }
            Some(false) => {
                ko.push_str(" 산대특 재참여이므로 구간별 자부담표 대신 카드 자부담률을 적용했습니다.");
                en.push_str(
                    " This is a later 산대특 participation, so the card rate applies instead of the bracket table.",
                );
            }
            None => {}
        }
        if let Some(cap) = self.cap {
            let h = cap.long_course_hours;
            let (hours_ko, hours_en) = if cap.long_course {
                (format!("{h}시간 이상"), format!("of {h} hours or more"))
            } else {
                (format!("{h}시간 미만"), format!("under {h} hours"))
            };
            if self.support_won > cap.cap_won {
                ko.push_str(&format!(
                    " 산대특 {hours_ko} 과정은 카드에서 최대 {}까지만 차감하고, 나머지는 사업비로 지원합니다.",
                    won(cap.cap_won)
                ));
                en.push_str(&format!(
                    " A 산대특 course {hours_en} charges the card at most {}; the programme pays the rest.",
                    won(cap.cap_won)
                ));
            }
        }
        if self.shortfall_won > 0 {
            ko.push_str(&format!(
                " 카드 잔액이 {}이므로 {}만 차감하고, 모자라는 {}은 본인이 부담합니다.",
                won(self.balance_won),
                won(self.charge_won),
                won(self.shortfall_won)
            ));
            en.push_str(&format!(
                " The balance is {}, so the card pays {} and you pay the {} it lacks.",
                won(self.balance_won),
                won(self.charge_won),
                won(self.shortfall_won)
            ));
        }
        ko.push_str(&format!(
            " 카드 차감액 {}, 본인 부담 {}.",
            won(self.charge_won),
            won(self.trainee_pays_won)
        ));
        en.push_str(&format!(
            " Card charge {}; you pay {}.",
            won(self.charge_won),
            won(self.trainee_pays_won)
        ));
        Text { ko, en }
    }
}
