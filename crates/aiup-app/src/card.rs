//! The 국민내일배움카드 account: a trainee's own card (opened when they ask, with the one-off
//! extra when their groups qualify), its statement with every entry's rule cited, and the
//! entries other services post (holds at acceptance, releases, the conversion at training
//! start, refunds of a charge for a free withdrawal after the start, dropout deductions).
//!
//! The amounts come from the engine's card rules (`Engine::card_terms`, `Engine::card_charge`);
//! how they move the account is `aiup_people::card`'s pure ledger; the store enforces the
//! balance under concurrency. A stored statement is replayed through the pure ledger whenever
//! it is read, so a statement that broke an invariant is never shown as if it were sound.

use aiup_core::policy::{Confidence, Text};
use aiup_people::card::{groups_of, Cite, Entry, EntryKind, Ledger};
use aiup_people::PersonId;
use aiup_rules::{CardCharge, Engine};
use aiup_store::{
    CardAccountRecord, CardEffect, CardEntryKind, CardEntryRecord, CardError, CardRefusal, NewCardAccount, NewCardEntry,
};
use chrono::NaiveDate;

use crate::accounts::{Actor, Permission};
use crate::people::Person;
use crate::{App, AppError, Code};

/// The free-withdrawal period, which a withdrawal's release cites.
pub const FREE_WITHDRAWAL_RULE: &str = "enrolment.free_withdrawal_days";

/// A rule as the statement shows it: the parameter's description, and the public cite of the
/// value in force on the entry's date. A rule that is not a parameter has neither.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRef {
    pub id: String,
    pub description: Option<Text>,
    pub cite: Option<String>,
    pub confidence: Option<Confidence>,
}

/// One line of a statement.
#[derive(Debug, Clone, PartialEq)]
pub struct StatementLine {
    pub entry: CardEntryRecord,
    pub kind: EntryKind,
    pub rule: RuleRef,
}

/// A card and its entries, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct CardStatement {
    pub person: PersonId,
    pub account: CardAccountRecord,
    pub lines: Vec<StatementLine>,
    /// The person's groups qualify for the one-off extra and the card has not had it.
    pub extra_due: bool,
    /// Today (Seoul) is past the card's last day and no expiry entry has been made yet.
    pub lapsed: bool,
}

/// The store's kind of a ledger entry (the same spellings).
fn store_kind(kind: EntryKind) -> CardEntryKind {
    kind.as_str().parse().unwrap_or(CardEntryKind::Issue)
}

/// A pure-ledger entry as the store posts it.
fn new_entry(entry: &Entry) -> NewCardEntry {
    NewCardEntry {
        kind: store_kind(entry.kind),
        amount_won: entry.amount_won.abs(),
        on_date: entry.on,
        rule: entry.rule.clone(),
        params: entry.params.clone(),
        enrolment_id: entry.enrolment,
    }
}

/// What a profile's groups mean for the card on `on`: exempt from self-payment
/// (`tuition.card.exempt_groups`) and given the one-off extra (`tuition.card.extra_groups`).
/// These are the case's `trainee.exempt_group` and `trainee.vulnerable_group`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CardGroups {
    pub exempt: bool,
    pub extra: bool,
}

pub fn card_groups(engine: &Engine, profile: &aiup_people::Profile, on: NaiveDate) -> CardGroups {
    let terms = engine.card_terms(on);
    CardGroups {
        exempt: !groups_of(profile, terms.exempt_groups).is_empty(),
        extra: !groups_of(profile, terms.extra_groups).is_empty(),
    }
}

/// The hold an accepted enrolment puts on the card: the engine's card charge, citing its rule
/// and values. `None` when the enrolment charges nothing to the card.
pub fn hold_entry(charge: &CardCharge, enrolment_id: i64, on: NaiveDate) -> Option<NewCardEntry> {
    (charge.charge_won > 0).then(|| NewCardEntry {
        kind: CardEntryKind::Hold,
        amount_won: charge.charge_won,
        on_date: on,
        rule: CardCharge::RULE.to_owned(),
        params: charge.params_json(),
        enrolment_id: Some(enrolment_id),
    })
}

/// Why a hold is given back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseReason {
    /// The institution refused the application, or cancelled the course.
    Refused,
    /// The trainee withdrew (within the free-withdrawal period, `enrolment.free_withdrawal_days`).
    Withdrawn,
}

impl ReleaseReason {
    pub fn as_str(self) -> &'static str {
        match self {
            ReleaseReason::Refused => "refused",
            ReleaseReason::Withdrawn => "withdrawn",
        }
    }

    /// The rule a release for this reason cites: a withdrawal, the free-withdrawal period; a
    /// refusal, the charging rule that made the hold.
    pub fn rule(self) -> &'static str {
        match self {
            ReleaseReason::Refused => CardCharge::RULE,
            ReleaseReason::Withdrawn => FREE_WITHDRAWAL_RULE,
        }
    }
}

/// The release of `amount_won` held for an enrolment that was refused or withdrawn.
pub fn release_entry(amount_won: i64, enrolment_id: i64, on: NaiveDate, reason: ReleaseReason) -> NewCardEntry {
    NewCardEntry {
        kind: CardEntryKind::Release,
        amount_won,
        on_date: on,
        rule: reason.rule().to_owned(),
        params: serde_json::json!({ "reason": reason.as_str(), "released_won": amount_won }),
        enrolment_id: Some(enrolment_id),
    }
}

/// The card effect of a trainee's withdrawal from training within the free-withdrawal days
/// after the start: everything charged for the enrolment comes back, citing the period.
pub fn free_withdrawal_refund(free_days: u32, last_free_day: NaiveDate) -> CardEffect {
    CardEffect::RefundCharged {
        rule: FREE_WITHDRAWAL_RULE.to_owned(),
        params: serde_json::json!({
            FREE_WITHDRAWAL_RULE: free_days,
            "reason": ReleaseReason::Withdrawn.as_str(),
            "last_free_day": last_free_day,
        }),
    }
}

/// A card refusal as the service reports it, in Korean and English.
pub fn refusal_error(refusal: &CardRefusal) -> AppError {
    let (code, ko, en) = match refusal {
        CardRefusal::InsufficientBalance {
            balance_won,
            needed_won,
            ..
        } => (
            Code::InsufficientBalance,
            format!(
                "카드 잔액({})이 필요한 금액({})보다 적습니다.",
                aiup_core::Won(*balance_won),
                aiup_core::Won(*needed_won)
            ),
            format!(
                "the card's balance ({}) is below what is needed ({})",
                aiup_core::Won(*balance_won),
                aiup_core::Won(*needed_won)
            ),
        ),
        CardRefusal::NoCard { .. } => {
            return AppError::not_found("card");
        }
        CardRefusal::Expired { expires_on, .. } => (
            Code::Conflict,
            format!("카드 유효기간({expires_on}까지)이 지났습니다."),
            format!("the card expired (it was valid until {expires_on})"),
        ),
        CardRefusal::RefundExceedsCharge {
            charged_won, asked_won, ..
        } => (
            Code::Conflict,
            format!(
                "환급할 수 있는 훈련비({})보다 많은 금액({})은 환급할 수 없습니다.",
                aiup_core::Won(*charged_won),
                aiup_core::Won(*asked_won)
            ),
            refusal.to_string(),
        ),
        other => (Code::Conflict, other.to_string(), other.to_string()),
    };
    AppError::bilingual(code, None, Text { ko, en })
}

fn card_error(e: CardError) -> AppError {
    match e {
        CardError::Refused(r) => refusal_error(&r),
        CardError::Store(e) => e.into(),
    }
}

/// The stored entries as the pure ledger's, replayed: every invariant checked.
fn replay(account: &CardAccountRecord, entries: &[CardEntryRecord]) -> Result<Ledger, AppError> {
    let pure = entries
        .iter()
        .map(|e| {
            Ok(Entry {
                seq: u32::try_from(e.seq).map_err(|_| AppError::internal(&"entry number out of range"))?,
                kind: EntryKind::parse(e.kind.as_str()).ok_or_else(|| AppError::internal(&"unknown entry kind"))?,
                amount_won: e.amount_won,
                balance_after_won: e.balance_after_won,
                on: e.on_date,
                rule: e.rule.clone(),
                params: e.params.clone(),
                enrolment: e.enrolment_id,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ledger::replay(account.issued_on, account.expires_on, pure)
        .map_err(|e| AppError::internal(&format_args!("card {} fails its ledger check: {e}", account.id)))
}

impl App {
    /// The statement of `account`, for `person`.
    async fn statement_of(&self, person: &Person, account: CardAccountRecord) -> Result<CardStatement, AppError> {
        let engine = self.engine();
        let entries = self.db().cards().statement(account.id).await?;
        replay(&account, &entries)?;
        let today = self.today();
        let terms = engine.card_terms(today);
        let lapsed = !account.expired && today > account.expires_on;
        let extra_due = !account.expired
            && !lapsed
            && !account.extra_granted
            && !groups_of(&person.profile, terms.extra_groups).is_empty();
        let lines = entries
            .into_iter()
            .map(|entry| StatementLine {
                kind: EntryKind::parse(entry.kind.as_str()).unwrap_or(EntryKind::Issue),
                rule: crate::statement::rule_on(&engine, &entry.rule, entry.on_date),
                entry,
            })
            .collect();
        Ok(CardStatement {
            person: person.id,
            account,
            lines,
            extra_due,
            lapsed,
        })
    }

    /// The card of `person`, if one was ever opened, with its statement.
    async fn card_statement(&self, person: &Person) -> Result<Option<CardStatement>, AppError> {
        match self.db().cards().card_of_person(person.id.0).await? {
            Some(account) => Ok(Some(self.statement_of(person, account).await?)),
            None => Ok(None),
        }
    }

    /// The signed-in trainee's card (`None` before it is opened). Needs a profile.
    pub async fn my_card(&self, actor: &Actor) -> Result<Option<CardStatement>, AppError> {
        actor.require(Permission::OwnLearning)?;
        let person = self.require_my_person(actor).await?;
        self.card_statement(&person).await
    }

    /// Person `id`'s card as `actor` may see it: the trainee themself, or a reader of
    /// enrolments (programme administrator, auditor, administrator); anyone else is
    /// `not_found`.
    pub async fn card_of_person(&self, actor: &Actor, id: PersonId) -> Result<Option<CardStatement>, AppError> {
        let person = self.person_for(actor, id).await?;
        self.card_statement(&person).await
    }

    /// Brings the signed-in trainee's card up to date, and returns it: opens it if they have
    /// none (₩3,000,000 for 5 years, with the one-off extra when their groups qualify); grants
    /// the extra to an open card once their groups qualify; and past the last day, records the
    /// lapse of what is left and opens a new card. Each step is one audited transaction.
    pub async fn open_my_card(&self, actor: &Actor) -> Result<CardStatement, AppError> {
        actor.require(Permission::OwnLearning)?;
        let person = self.require_my_person(actor).await?;
        let who = actor.audit_name();
        let today = self.today();
        let engine = self.engine();
        let terms = engine.card_terms(today);
        let groups = groups_of(&person.profile, terms.extra_groups);
        let cards = self.db().cards();
        let mut current = cards.card_of_person(person.id.0).await?;
        if let Some(account) = current.as_ref().filter(|a| !a.expired && today > a.expires_on) {
            let entries = cards.statement(account.id).await?;
            let mut ledger = replay(account, &entries)?;
            let lapse = ledger.expire(today).map_err(|e| AppError::internal(&e))?;
            cards
                .post(account.id, &new_entry(lapse), &who)
                .await
                .map_err(card_error)?;
            current = None;
        }
        let account = match current.filter(|a| !a.expired) {
            Some(account) if account.extra_granted || groups.is_empty() => account,
            Some(account) => {
                let mut ledger = replay(&account, &cards.statement(account.id).await?)?;
                let extra = ledger
                    .grant_extra(today, terms.extra_won, &groups)
                    .map_err(|e| AppError::internal(&e))?;
                match cards.post(account.id, &new_entry(extra), &who).await {
                    // A concurrent request granted it first: the card is as wanted.
                    Ok(_) | Err(CardError::Refused(CardRefusal::ExtraAlreadyGranted { .. })) => {}
                    Err(e) => return Err(card_error(e)),
                }
                cards
                    .card(account.id)
                    .await?
                    .ok_or_else(|| AppError::not_found("card"))?
            }
            None => {
                let mut ledger = Ledger::open(today, terms.account_won, terms.years);
                let extra = if groups.is_empty() {
                    None
                } else {
                    Some(new_entry(
                        ledger
                            .grant_extra(today, terms.extra_won, &groups)
                            .map_err(|e| AppError::internal(&e))?,
                    ))
                };
                let open = NewCardAccount {
                    person_id: person.id.0,
                    issued_on: ledger.issued_on(),
                    expires_on: ledger.expires_on(),
                    issue: new_entry(&ledger.entries()[0]),
                    extra,
                };
                match cards.open(&open, &who).await {
                    Ok(account) => account,
                    // A concurrent request opened it first.
                    Err(CardError::Refused(CardRefusal::AlreadyOpen { .. })) => cards
                        .card_of_person(person.id.0)
                        .await?
                        .ok_or_else(|| AppError::not_found("card"))?,
                    Err(e) => return Err(card_error(e)),
                }
            }
        };
        self.statement_of(&person, account).await
    }

    /// At training start: the enrolment's hold becomes a charge (a release and a charge of the
    /// same amount, in one transaction). `actor_name` is who the audit log names.
    pub async fn convert_card_hold(
        &self,
        actor_name: &str,
        card_id: i64,
        enrolment_id: i64,
        on: NaiveDate,
    ) -> Result<(CardEntryRecord, CardEntryRecord), AppError> {
        let cite = Cite::new(
            CardCharge::RULE,
            serde_json::json!({ "converted_on": on, "enrolment_id": enrolment_id }),
        );
        self.db()
            .cards()
            .convert_hold(card_id, enrolment_id, on, &cite.rule, &cite.params, actor_name)
            .await
            .map_err(card_error)
    }

    /// The deduction for a person's `nth` unjustified dropout, by the schedule in force today,
    /// never more than the balance.
    pub async fn deduct_card_for_dropout(
        &self,
        actor_name: &str,
        card_id: i64,
        nth: u32,
    ) -> Result<CardEntryRecord, AppError> {
        let cards = self.db().cards();
        let account = cards.card(card_id).await?.ok_or_else(|| AppError::not_found("card"))?;
        let mut ledger = replay(&account, &cards.statement(card_id).await?)?;
        let today = self.today();
        let engine = self.engine();
        let terms = engine.card_terms(today);
        let entry = ledger
            .deduct_for_dropout(today, nth, terms.dropout_deductions)
            .map_err(|e| match e {
                aiup_people::LedgerError::Expired { expires_on } => {
                    refusal_error(&CardRefusal::Expired { card_id, expires_on })
                }
                other => AppError::internal(&other),
            })?;
        // The store caps the amount again at the balance it finds, should it have changed.
        cards
            .post(card_id, &new_entry(entry), actor_name)
            .await
            .map_err(card_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ledger_kinds_and_store_kinds_are_spelled_alike() {
        for kind in EntryKind::ALL {
            assert_eq!(store_kind(*kind).as_str(), kind.as_str());
        }
        assert_eq!(EntryKind::ALL.len(), CardEntryKind::ALL.len());
    }

    #[test]
    fn a_refund_cites_the_free_withdrawal_period_and_refusals_are_bilingual() {
        let last = NaiveDate::from_ymd_opt(2026, 3, 9).expect("date");
        let CardEffect::RefundCharged { rule, params } = free_withdrawal_refund(7, last) else {
            panic!("a refund effect");
        };
        assert_eq!(rule, FREE_WITHDRAWAL_RULE);
        assert_eq!(params[FREE_WITHDRAWAL_RULE], 7);
        assert_eq!(params["last_free_day"], "2026-03-09");
        let e = refusal_error(&CardRefusal::RefundExceedsCharge {
            card_id: 1,
            enrolment_id: 2,
            charged_won: 440_000,
            asked_won: 440_001,
        });
        assert_eq!(e.code, Code::Conflict);
        assert!(e.message_in(true).contains("환급") && e.message_in(true).contains("440,001"));
        assert!(e.message_in(false).contains("refunded"));
    }
}
