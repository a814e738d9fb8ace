//! The 국민내일배움카드 account as a ledger of entries, never edits.
//!
//! A card is issued with its account amount for a number of years; listed groups get a one-off
//! extra. Accepting an enrolment **holds** the card's share; refusal or withdrawal **releases**
//! it; at training start the hold is **converted**: a release and a **charge** of the same
//! amount, so the ledger shows both that the hold ended and that the money was spent (they net
//! to zero). A trainee who withdraws within the free-withdrawal days after the start gets the
//! charge back as a **refund** (never more than was charged for that enrolment and not yet
//! refunded). An unjustified dropout **deducts** by the count of dropouts (never more than the
//! balance), and at the end of the period whatever is left **expires**.
//!
//! The balance is the sum of the entries' signed amounts and is never negative. Every entry
//! names its rule (a policy parameter id or a rule name) and the values the rule used, and the
//! enrolment that caused it, if one did. [`Ledger::replay`] checks a stored statement against
//! the same invariants.
//!
//! The amounts come from the policy (through the engine); this module decides nothing but how
//! they move the account.

use std::collections::BTreeMap;

use aiup_core::vocabulary;
use aiup_core::Won;
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::profile::{Profile, TargetGroup};

vocabulary! {
    /// What a ledger entry does (the store keeps the same spellings).
    EntryKind {
        Issue = "issue" / "발급" / "Issue",
        Extra = "extra" / "1회 추가 한도" / "One-off extra",
        Hold = "hold" / "보류(수강 확정)" / "Hold (accepted)",
        Release = "release" / "보류 해제" / "Release",
        Charge = "charge" / "훈련비 차감" / "Charge",
        Refund = "refund" / "훈련비 환급(무료 철회)" / "Refund (free withdrawal)",
        DropoutDeduction = "dropout_deduction" / "중도탈락 차감" / "Dropout deduction",
        Expiry = "expiry" / "유효기간 만료" / "Expiry",
    }
}

impl EntryKind {
    /// Whether the entry adds to the balance.
    pub fn is_credit(self) -> bool {
        matches!(
            self,
            EntryKind::Issue | EntryKind::Extra | EntryKind::Release | EntryKind::Refund
        )
    }

    /// Whether the entry belongs to an enrolment.
    pub fn needs_enrolment(self) -> bool {
        matches!(
            self,
            EntryKind::Hold | EntryKind::Release | EntryKind::Charge | EntryKind::Refund
        )
    }
}

/// The rule ids the ledger itself cites.
pub mod rules {
    pub const ACCOUNT: &str = "tuition.card.account_won";
    pub const YEARS: &str = "tuition.card.account_years";
    pub const EXTRA: &str = "tuition.card.vulnerable_extra_won";
    pub const EXTRA_GROUPS: &str = "tuition.card.extra_groups";
    pub const DROPOUT: &str = "tuition.card.dropout_deductions_won";
    pub const FREE_WITHDRAWAL: &str = "enrolment.free_withdrawal_days";
}

/// A rule and the values it used: what an entry cites.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cite {
    pub rule: String,
    pub params: serde_json::Value,
}

impl Cite {
    pub fn new(rule: impl Into<String>, params: serde_json::Value) -> Cite {
        Cite {
            rule: rule.into(),
            params,
        }
    }
}

/// One ledger entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// 1, 2, 3 … in the order the entries were made.
    pub seq: u32,
    pub kind: EntryKind,
    /// Signed: positive for a credit, negative (or zero) for a debit.
    pub amount_won: i64,
    pub balance_after_won: i64,
    pub on: NaiveDate,
    pub rule: String,
    pub params: serde_json::Value,
    pub enrolment: Option<i64>,
}

/// Why the ledger refused an operation; the ledger is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("the card expired on {expires_on}")]
    Expired { expires_on: NaiveDate },
    #[error("the card has {balance} but {needed} is needed")]
    InsufficientBalance { balance: Won, needed: Won },
    #[error("enrolment {enrolment} holds {held}; {asked} cannot be released")]
    ReleaseExceedsHold { enrolment: i64, held: Won, asked: Won },
    #[error("enrolment {enrolment} was charged {charged} not yet refunded; {asked} cannot be refunded")]
    RefundExceedsCharge { enrolment: i64, charged: Won, asked: Won },
    #[error("the card already had its one-off extra")]
    ExtraAlreadyGranted,
    #[error("the card is valid until {expires_on}; it cannot expire on {on}")]
    NotYetExpired { expires_on: NaiveDate, on: NaiveDate },
    #[error("an amount must be above zero (got {0})")]
    NotPositive(Won),
    #[error("every entry names its rule")]
    NoRule,
    #[error("entry {seq} does not follow the ledger: {reason}")]
    Inconsistent { seq: u32, reason: String },
}

/// A card account: its dates and entries.
#[derive(Debug, Clone, PartialEq)]
pub struct Ledger {
    issued_on: NaiveDate,
    expires_on: NaiveDate,
    entries: Vec<Entry>,
    balance: i64,
    held: BTreeMap<i64, i64>,
    /// Per enrolment: charged and not yet refunded.
    charged: BTreeMap<i64, i64>,
    extra_granted: bool,
    expired: bool,
}

/// The last day of an account issued on `issued_on` for `years` years: the day before the
/// anniversary.
pub fn expires_on(issued_on: NaiveDate, years: u32) -> NaiveDate {
    issued_on
        .checked_add_months(Months::new(years.saturating_mul(12)))
        .and_then(|d| d.pred_opt())
        .unwrap_or(NaiveDate::MAX)
}

impl Ledger {
    /// A new account: its issue entry, for `account` over `years`.
    pub fn open(issued_on: NaiveDate, account: Won, years: u32) -> Ledger {
        let mut ledger = Ledger {
            issued_on,
            expires_on: expires_on(issued_on, years),
            entries: Vec::new(),
            balance: 0,
            held: BTreeMap::new(),
            charged: BTreeMap::new(),
            extra_granted: false,
            expired: false,
        };
        ledger.push(
            EntryKind::Issue,
            account.0.max(0),
            issued_on,
            Cite::new(
                rules::ACCOUNT,
                serde_json::json!({ rules::ACCOUNT: account.0, rules::YEARS: years }),
            ),
            None,
        );
        ledger
    }

    /// Rebuilds a ledger from stored entries, checking every invariant: numbered 1…n from an
    /// issue entry, signs by kind, each balance after equal to the running sum and never
    /// negative, a rule on every entry, releases within what their enrolment held, refunds
    /// within what it was charged, and at most one extra.
    pub fn replay(issued_on: NaiveDate, expires_on: NaiveDate, entries: Vec<Entry>) -> Result<Ledger, LedgerError> {
        let mut ledger = Ledger {
            issued_on,
            expires_on,
            entries: Vec::with_capacity(entries.len()),
            balance: 0,
            held: BTreeMap::new(),
            charged: BTreeMap::new(),
            extra_granted: false,
            expired: false,
        };
        for (i, e) in entries.into_iter().enumerate() {
            let bad = |reason: &str| LedgerError::Inconsistent {
                seq: e.seq,
                reason: reason.to_owned(),
            };
            if usize::try_from(e.seq).ok() != Some(i + 1) {
                return Err(bad("entries are numbered 1, 2, 3 …"));
            }
            if (i == 0) != (e.kind == EntryKind::Issue) {
                return Err(bad("a ledger starts with its one issue entry"));
            }
            if e.rule.trim().is_empty() {
                return Err(LedgerError::NoRule);
            }
            if e.kind.needs_enrolment() && e.enrolment.is_none() {
                return Err(bad("a hold, release, charge or refund names its enrolment"));
            }
            let sign_ok = if e.kind.is_credit() {
                e.amount_won > 0
            } else if matches!(e.kind, EntryKind::Hold | EntryKind::Charge) {
                e.amount_won < 0
            } else {
                e.amount_won <= 0
            };
            if !sign_ok {
                return Err(bad("the amount's sign does not fit its kind"));
            }
            if ledger.expired {
                return Err(bad("nothing follows an expiry"));
            }
            match (e.kind, e.enrolment) {
                (EntryKind::Extra, _) if ledger.extra_granted => return Err(LedgerError::ExtraAlreadyGranted),
                (EntryKind::Extra, _) => ledger.extra_granted = true,
                (EntryKind::Hold, Some(n)) => *ledger.held.entry(n).or_default() -= e.amount_won,
                (EntryKind::Release, Some(n)) => {
                    let held = ledger.held.entry(n).or_default();
                    if e.amount_won > *held {
                        return Err(LedgerError::ReleaseExceedsHold {
                            enrolment: n,
                            held: Won(*held),
                            asked: Won(e.amount_won),
                        });
                    }
                    *held -= e.amount_won;
                }
                (EntryKind::Charge, Some(n)) => *ledger.charged.entry(n).or_default() -= e.amount_won,
                (EntryKind::Refund, Some(n)) => {
                    let charged = ledger.charged.entry(n).or_default();
                    if e.amount_won > *charged {
                        return Err(LedgerError::RefundExceedsCharge {
                            enrolment: n,
                            charged: Won(*charged),
                            asked: Won(e.amount_won),
                        });
                    }
                    *charged -= e.amount_won;
                }
                (EntryKind::Expiry, _) => ledger.expired = true,
                _ => {}
            }
            ledger.balance += e.amount_won;
            if ledger.balance < 0 || e.balance_after_won != ledger.balance {
                return Err(bad("the balance after it is not the running sum, or is negative"));
            }
            ledger.entries.push(e);
        }
        if ledger.entries.is_empty() {
            return Err(LedgerError::Inconsistent {
                seq: 0,
                reason: "a ledger has at least its issue entry".to_owned(),
            });
        }
        Ok(ledger)
    }

    pub fn issued_on(&self) -> NaiveDate {
        self.issued_on
    }

    /// The last day the card can be used.
    pub fn expires_on(&self) -> NaiveDate {
        self.expires_on
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn balance(&self) -> Won {
        Won(self.balance)
    }

    pub fn extra_granted(&self) -> bool {
        self.extra_granted
    }

    pub fn expired(&self) -> bool {
        self.expired
    }

    /// What is still held for `enrolment`.
    pub fn held_for(&self, enrolment: i64) -> Won {
        Won(self.held.get(&enrolment).copied().unwrap_or(0))
    }

    /// What was charged for `enrolment` and not yet refunded.
    pub fn charged_for(&self, enrolment: i64) -> Won {
        Won(self.charged.get(&enrolment).copied().unwrap_or(0))
    }

    fn push(&mut self, kind: EntryKind, amount: i64, on: NaiveDate, cite: Cite, enrolment: Option<i64>) -> &Entry {
        self.balance += amount;
        match (kind, enrolment) {
            (EntryKind::Hold | EntryKind::Release, Some(n)) => *self.held.entry(n).or_default() -= amount,
            (EntryKind::Charge | EntryKind::Refund, Some(n)) => *self.charged.entry(n).or_default() -= amount,
            (EntryKind::Extra, _) => self.extra_granted = true,
            (EntryKind::Expiry, _) => self.expired = true,
            _ => {}
        }
        let seq = u32::try_from(self.entries.len() + 1).unwrap_or(u32::MAX);
        self.entries.push(Entry {
            seq,
            kind,
            amount_won: amount,
            balance_after_won: self.balance,
            on,
            rule: cite.rule,
            params: cite.params,
            enrolment,
        });
        &self.entries[self.entries.len() - 1]
    }

    fn usable(&self, on: NaiveDate) -> Result<(), LedgerError> {
        if self.expired || on > self.expires_on {
            return Err(LedgerError::Expired {
                expires_on: self.expires_on,
            });
        }
        Ok(())
    }

    fn positive(amount: Won) -> Result<i64, LedgerError> {
        if amount.0 > 0 {
            Ok(amount.0)
        } else {
            Err(LedgerError::NotPositive(amount))
        }
    }

    fn cited(cite: &Cite) -> Result<(), LedgerError> {
        if cite.rule.trim().is_empty() {
            Err(LedgerError::NoRule)
        } else {
            Ok(())
        }
    }

    /// The one-off extra, for a person in `groups` (the groups of `tuition.card.extra_groups`
    /// the person is in, kept in the entry's params).
    pub fn grant_extra(&mut self, on: NaiveDate, extra: Won, groups: &[String]) -> Result<&Entry, LedgerError> {
        self.usable(on)?;
        if self.extra_granted {
            return Err(LedgerError::ExtraAlreadyGranted);
        }
        let amount = Self::positive(extra)?;
        let cite = Cite::new(
            rules::EXTRA,
            serde_json::json!({ rules::EXTRA: extra.0, rules::EXTRA_GROUPS: groups }),
        );
        Ok(self.push(EntryKind::Extra, amount, on, cite, None))
    }

    /// Holds `amount` for an accepted enrolment.
    pub fn hold(&mut self, on: NaiveDate, enrolment: i64, amount: Won, cite: Cite) -> Result<&Entry, LedgerError> {
        self.usable(on)?;
        Self::cited(&cite)?;
        let amount = Self::positive(amount)?;
        if amount > self.balance {
            return Err(LedgerError::InsufficientBalance {
                balance: self.balance(),
                needed: Won(amount),
            });
        }
        Ok(self.push(EntryKind::Hold, -amount, on, cite, Some(enrolment)))
    }

    /// Gives back `amount` of what `enrolment` holds (a refusal or a withdrawal). Possible
    /// after the validity date: it returns what was set aside, and expiry then takes it.
    pub fn release(&mut self, on: NaiveDate, enrolment: i64, amount: Won, cite: Cite) -> Result<&Entry, LedgerError> {
        if self.expired {
            return Err(LedgerError::Expired {
                expires_on: self.expires_on,
            });
        }
        Self::cited(&cite)?;
        let amount = Self::positive(amount)?;
        let held = self.held_for(enrolment);
        if amount > held.0 {
            return Err(LedgerError::ReleaseExceedsHold {
                enrolment,
                held,
                asked: Won(amount),
            });
        }
        Ok(self.push(EntryKind::Release, amount, on, cite, Some(enrolment)))
    }

    /// At training start: releases all `enrolment` holds and charges it, two entries that net
    /// to zero. Returns (release, charge).
    pub fn convert(&mut self, on: NaiveDate, enrolment: i64, cite: Cite) -> Result<(Entry, Entry), LedgerError> {
        self.usable(on)?;
        Self::cited(&cite)?;
        let held = self.held_for(enrolment);
        if held.0 <= 0 {
            return Err(LedgerError::ReleaseExceedsHold {
                enrolment,
                held,
                asked: held,
            });
        }
        let release = self
            .push(EntryKind::Release, held.0, on, cite.clone(), Some(enrolment))
            .clone();
        let charge = self.push(EntryKind::Charge, -held.0, on, cite, Some(enrolment)).clone();
        Ok((release, charge))
    }

    /// Gives back `amount` of what `enrolment` was charged: the trainee withdrew within the
    /// free-withdrawal days after the start (`cite` names `enrolment.free_withdrawal_days`).
    /// Like a release, possible until the expiry entry.
    pub fn refund(&mut self, on: NaiveDate, enrolment: i64, amount: Won, cite: Cite) -> Result<&Entry, LedgerError> {
        if self.expired {
            return Err(LedgerError::Expired {
                expires_on: self.expires_on,
            });
        }
        Self::cited(&cite)?;
        let amount = Self::positive(amount)?;
        let charged = self.charged_for(enrolment);
        if amount > charged.0 {
            return Err(LedgerError::RefundExceedsCharge {
                enrolment,
                charged,
                asked: Won(amount),
            });
        }
        Ok(self.push(EntryKind::Refund, amount, on, cite, Some(enrolment)))
    }

    /// The deduction for the `nth` unjustified dropout (1 for the first) by `schedule`
    /// (`tuition.card.dropout_deductions_won`; its last amount repeats), never more than the
    /// balance: with nothing left the entry records zero.
    pub fn deduct_for_dropout(&mut self, on: NaiveDate, nth: u32, schedule: &[Won]) -> Result<&Entry, LedgerError> {
        self.usable(on)?;
        let scheduled = nth
            .checked_sub(1)
            .and_then(|i| {
                schedule
                    .get(usize::try_from(i).unwrap_or(usize::MAX))
                    .or(schedule.last())
            })
            .copied()
            .unwrap_or(Won::ZERO);
        let taken = scheduled.0.clamp(0, self.balance);
        let cite = Cite::new(
            rules::DROPOUT,
            serde_json::json!({
                rules::DROPOUT: schedule.iter().map(|w| w.0).collect::<Vec<_>>(),
                "nth_dropout": nth,
                "scheduled_won": scheduled.0,
                "taken_won": taken,
            }),
        );
        Ok(self.push(EntryKind::DropoutDeduction, -taken, on, cite, None))
    }

    /// After the validity date: whatever is left lapses.
    pub fn expire(&mut self, on: NaiveDate) -> Result<&Entry, LedgerError> {
        if self.expired {
            return Err(LedgerError::Expired {
                expires_on: self.expires_on,
            });
        }
        if on <= self.expires_on {
            return Err(LedgerError::NotYetExpired {
                expires_on: self.expires_on,
                on,
            });
        }
        let cite = Cite::new(
            rules::YEARS,
            serde_json::json!({ "issued_on": self.issued_on, "expires_on": self.expires_on, "lapsed_won": self.balance }),
        );
        let balance = self.balance;
        Ok(self.push(EntryKind::Expiry, -balance, on, cite, None))
    }
}

/// The 국민취업지원제도 group ids that policy lists may name (`Profile::in_group`).
pub const KUKCHI_GROUPS: [&str; 4] = [
    "kukchi_type_1",
    "kukchi_type_2",
    "kukchi_type_2_youth",
    "kukchi_type_2_middle_aged",
];

/// Whether a policy group id means something to a profile.
pub fn is_known_group(id: &str) -> bool {
    TargetGroup::parse(id).is_some() || KUKCHI_GROUPS.contains(&id)
}

/// The groups of `listed` that `profile` is in (e.g. those of `tuition.card.extra_groups`).
pub fn groups_of(profile: &Profile, listed: &[String]) -> Vec<String> {
    listed.iter().filter(|g| profile.in_group(g)).cloned().collect()
}

#[cfg(test)]
#[path = "card_tests.rs"]
mod tests;
