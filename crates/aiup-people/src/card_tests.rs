//! The ledger's examples and its invariants as properties.

use std::collections::BTreeSet;

use aiup_core::policy::{Kind, ParamValue, PolicySet};
use aiup_core::region::RegionCode;
use aiup_core::{Stage, TraineeStatus, Won};
use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::profile::{AgeBand, KukchiType, Profile, TargetGroup};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn cite() -> Cite {
    Cite::new(
        "tuition.card.charging_schemes",
        serde_json::json!({ "charge_won": 440_000 }),
    )
}

const SCHEDULE: [Won; 3] = [Won(200_000), Won(500_000), Won(1_000_000)];

fn sum(ledger: &Ledger) -> i64 {
    ledger.entries().iter().map(|e| e.amount_won).sum()
}

#[test]
fn an_account_runs_from_issue_to_expiry() {
    let mut card = Ledger::open(day(2026, 1, 5), Won(3_000_000), 5);
    assert_eq!(card.expires_on(), day(2031, 1, 4));
    assert_eq!(card.balance(), Won(3_000_000));
    assert_eq!(card.entries()[0].rule, rules::ACCOUNT);

    card.grant_extra(day(2026, 1, 5), Won(2_000_000), &["low_income".to_owned()])
        .expect("extra");
    assert_eq!(
        card.grant_extra(day(2026, 2, 1), Won(2_000_000), &[]),
        Err(LedgerError::ExtraAlreadyGranted)
    );

    // Accepted: ₩500,000 fee, ₩60,000 self-payment, the card holds ₩440,000 (research C5).
    let hold = card
        .hold(day(2026, 2, 20), 7, Won(440_000), cite())
        .expect("hold")
        .clone();
    assert_eq!(
        (hold.amount_won, hold.balance_after_won, hold.enrolment),
        (-440_000, 4_560_000, Some(7))
    );
    assert_eq!(card.held_for(7), Won(440_000));

    // Training starts: the hold becomes a charge, net zero.
    let (release, charge) = card.convert(day(2026, 3, 2), 7, cite()).expect("convert");
    assert_eq!((release.kind, release.amount_won), (EntryKind::Release, 440_000));
    assert_eq!((charge.kind, charge.amount_won), (EntryKind::Charge, -440_000));
    assert_eq!(card.balance(), Won(4_560_000));
    assert_eq!(card.held_for(7), Won::ZERO);

    // A second enrolment is withdrawn: the hold comes back.
    card.hold(day(2026, 4, 1), 8, Won(1_000_000), cite()).expect("hold");
    assert_eq!(
        card.release(day(2026, 4, 3), 8, Won(1_000_001), cite()),
        Err(LedgerError::ReleaseExceedsHold {
            enrolment: 8,
            held: Won(1_000_000),
            asked: Won(1_000_001)
        })
    );
    card.release(day(2026, 4, 3), 8, Won(1_000_000), cite())
        .expect("release");

    // Dropouts: ₩200k, then ₩500k.
    assert_eq!(
        card.deduct_for_dropout(day(2026, 5, 1), 1, &SCHEDULE)
            .expect("1st")
            .amount_won,
        -200_000
    );
    assert_eq!(
        card.deduct_for_dropout(day(2026, 6, 1), 2, &SCHEDULE)
            .expect("2nd")
            .amount_won,
        -500_000
    );
    assert_eq!(card.balance(), Won(3_860_000));

    assert!(matches!(
        card.expire(day(2031, 1, 4)),
        Err(LedgerError::NotYetExpired { .. })
    ));
    let lapse = card.expire(day(2031, 1, 5)).expect("expiry").clone();
    assert_eq!((lapse.amount_won, lapse.balance_after_won), (-3_860_000, 0));
    assert!(matches!(
        card.hold(day(2031, 2, 1), 9, Won(1), cite()),
        Err(LedgerError::Expired { .. })
    ));

    // The statement replays to the same ledger.
    let replayed = Ledger::replay(card.issued_on(), card.expires_on(), card.entries().to_vec()).expect("replay");
    assert_eq!(replayed, card);
}

#[test]
fn dropout_deductions_follow_the_count_and_never_pass_the_balance() {
    let mut card = Ledger::open(day(2026, 1, 5), Won(1_300_000), 5);
    let taken: Vec<i64> = (1..=4)
        .map(|nth| {
            -card
                .deduct_for_dropout(day(2026, 3, 1), nth, &SCHEDULE)
                .expect("deduct")
                .amount_won
        })
        .collect();
    // 200k, 500k, then 1m wanted but only 600k left, then nothing.
    assert_eq!(taken, [200_000, 500_000, 600_000, 0]);
    assert_eq!(card.balance(), Won::ZERO);
    assert_eq!(card.entries()[3].params["scheduled_won"], 1_000_000);
}

#[test]
fn holds_beyond_the_balance_and_empty_amounts_are_refused() {
    let mut card = Ledger::open(day(2026, 1, 5), Won(3_000_000), 5);
    assert_eq!(
        card.hold(day(2026, 2, 1), 1, Won(3_000_001), cite()),
        Err(LedgerError::InsufficientBalance {
            balance: Won(3_000_000),
            needed: Won(3_000_001)
        })
    );
    assert_eq!(
        card.hold(day(2026, 2, 1), 1, Won::ZERO, cite()),
        Err(LedgerError::NotPositive(Won::ZERO))
    );
    assert_eq!(
        card.hold(day(2026, 2, 1), 1, Won(5), Cite::new(" ", serde_json::json!({}))),
        Err(LedgerError::NoRule)
    );
    assert_eq!(card.entries().len(), 1, "a refused operation writes nothing");
}

#[test]
fn replay_refuses_a_statement_that_breaks_an_invariant() {
    let mut card = Ledger::open(day(2026, 1, 5), Won(3_000_000), 5);
    card.hold(day(2026, 2, 1), 1, Won(100), cite()).expect("hold");
    let (from, to) = (card.issued_on(), card.expires_on());
    let mut wrong_balance = card.entries().to_vec();
    wrong_balance[1].balance_after_won = 3_000_000;
    assert!(matches!(
        Ledger::replay(from, to, wrong_balance),
        Err(LedgerError::Inconsistent { seq: 2, .. })
    ));
    let mut no_rule = card.entries().to_vec();
    no_rule[1].rule.clear();
    assert_eq!(Ledger::replay(from, to, no_rule), Err(LedgerError::NoRule));
    let mut over_release = card.entries().to_vec();
    over_release.push(Entry {
        seq: 3,
        kind: EntryKind::Release,
        amount_won: 101,
        balance_after_won: 3_000_001,
        on: day(2026, 2, 2),
        rule: "release".to_owned(),
        params: serde_json::json!({}),
        enrolment: Some(1),
    });
    assert!(matches!(
        Ledger::replay(from, to, over_release),
        Err(LedgerError::ReleaseExceedsHold { .. })
    ));
    assert!(Ledger::replay(from, to, Vec::new()).is_err());
}

#[test]
fn a_refund_gives_back_at_most_the_charge_and_replay_checks_it() {
    let mut card = Ledger::open(day(2026, 1, 5), Won(3_000_000), 5);
    card.hold(day(2026, 2, 1), 4, Won(440_000), cite()).expect("hold");
    card.convert(day(2026, 3, 2), 4, cite()).expect("convert");
    assert_eq!((card.balance(), card.charged_for(4)), (Won(2_560_000), Won(440_000)));
    let before = card.clone();
    assert_eq!(
        card.refund(day(2026, 3, 4), 4, Won(440_001), cite()),
        Err(LedgerError::RefundExceedsCharge {
            enrolment: 4,
            charged: Won(440_000),
            asked: Won(440_001),
        })
    );
    assert_eq!(
        card.refund(day(2026, 3, 4), 5, Won(1), cite()),
        Err(LedgerError::RefundExceedsCharge {
            enrolment: 5,
            charged: Won::ZERO,
            asked: Won(1),
        })
    );
    assert_eq!(card, before, "a refused refund writes nothing");
    let refund = card
        .refund(day(2026, 3, 4), 4, Won(440_000), cite())
        .expect("refund")
        .clone();
    assert_eq!((refund.kind, refund.amount_won), (EntryKind::Refund, 440_000));
    assert_eq!((card.balance(), card.charged_for(4)), (Won(3_000_000), Won::ZERO));
    assert!(
        card.refund(day(2026, 3, 5), 4, Won(1), cite()).is_err(),
        "refunded once only"
    );

    // A stored statement refunding more than was charged does not replay.
    let (from, to) = (card.issued_on(), card.expires_on());
    let mut over_refund = card.entries().to_vec();
    let last = over_refund.last().expect("entries").clone();
    over_refund.push(Entry {
        seq: last.seq + 1,
        amount_won: 1,
        balance_after_won: last.balance_after_won + 1,
        ..last
    });
    assert!(matches!(
        Ledger::replay(from, to, over_refund),
        Err(LedgerError::RefundExceedsCharge { enrolment: 4, .. })
    ));
    assert_eq!(Ledger::replay(from, to, card.entries().to_vec()), Ok(card));
}

fn profile(groups: &[TargetGroup], kukchi: KukchiType) -> Profile {
    Profile {
        stage: Stage::Entry,
        status: TraineeStatus::JobSeeker,
        employer_size: None,
        region: RegionCode::parse("11110").expect("code"),
        age_band: AgeBand::From20To29,
        groups: groups.iter().copied().collect::<BTreeSet<_>>(),
        kukchi,
    }
}

#[test]
fn group_lists_match_profiles() {
    let listed = vec![
        "kukchi_type_1".to_owned(),
        "low_income".to_owned(),
        "disabled".to_owned(),
    ];
    let person = profile(&[TargetGroup::LowIncome, TargetGroup::SingleParent], KukchiType::Type1);
    assert_eq!(groups_of(&person, &listed), ["kukchi_type_1", "low_income"]);
    assert!(groups_of(&profile(&[], KukchiType::None), &listed).is_empty());
    for id in KUKCHI_GROUPS {
        assert!(is_known_group(id));
    }
    assert!(!is_known_group("lowincome"));
}

#[test]
fn every_group_the_default_policy_names_is_known() {
    let policy = PolicySet::load(&aiup_core::defaults::policy_sources()).expect("default policy");
    let mut checked = 0;
    for parameter in policy.parameters.values().filter(|p| p.kind == Kind::Groups) {
        for value in &parameter.values {
            let ParamValue::Names(ids) = &value.value else {
                panic!("{} holds {:?}", parameter.id, value.value);
            };
            for id in ids {
                assert!(is_known_group(id), "{} names unknown group `{id}`", parameter.id);
                checked += 1;
            }
        }
    }
    assert!(checked >= 8, "only {checked} group ids checked");
}

/// One operation of a random sequence.
#[derive(Debug, Clone)]
enum Op {
    Extra,
    Hold(i64, i64),
    Release(i64, i64),
    Convert(i64),
    Refund(i64, i64),
    Dropout(u32),
    Expire,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::Extra),
        (0i64..5, 0i64..2_000_000).prop_map(|(e, a)| Op::Hold(e, a)),
        (0i64..5, 0i64..2_000_000).prop_map(|(e, a)| Op::Release(e, a)),
        (0i64..5).prop_map(Op::Convert),
        (0i64..5, 0i64..2_000_000).prop_map(|(e, a)| Op::Refund(e, a)),
        (0u32..5).prop_map(Op::Dropout),
        Just(Op::Expire),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Whatever happens: the balance is the sum of the entries and never negative, every entry
    /// cites its rule, no enrolment gets back more than it held nor is refunded more than it
    /// was charged, a refusal changes nothing, and the statement replays.
    #[test]
    fn the_ledger_keeps_its_invariants(ops in proptest::collection::vec(op(), 0..40)) {
        let mut card = Ledger::open(day(2026, 1, 5), Won(3_000_000), 5);
        let mut on = day(2026, 1, 5);
        for op in ops {
            on = on.succ_opt().expect("date");
            let before = card.clone();
            let result = match op {
                Op::Extra => card.grant_extra(on, Won(2_000_000), &[]).map(|_| ()),
                Op::Hold(e, a) => card.hold(on, e, Won(a), cite()).map(|_| ()),
                Op::Release(e, a) => card.release(on, e, Won(a), cite()).map(|_| ()),
                Op::Convert(e) => card.convert(on, e, cite()).map(|_| ()),
                Op::Refund(e, a) => card.refund(on, e, Won(a), cite()).map(|_| ()),
                Op::Dropout(n) => card.deduct_for_dropout(on, n, &SCHEDULE).map(|_| ()),
                Op::Expire => card.expire(day(2031, 1, 5)).map(|_| ()),
            };
            if result.is_err() {
                prop_assert_eq!(&card, &before);
            }
            prop_assert_eq!(card.balance().0, sum(&card));
            prop_assert!(card.balance().0 >= 0);
            let mut held: BTreeMap<i64, i64> = BTreeMap::new();
            let mut charged: BTreeMap<i64, i64> = BTreeMap::new();
            for e in card.entries() {
                prop_assert!(!e.rule.is_empty() && e.params.is_object(), "{:?}", e);
                prop_assert!(e.balance_after_won >= 0);
                if let Some(n) = e.enrolment {
                    let h = held.entry(n).or_default();
                    match e.kind {
                        EntryKind::Hold => *h -= e.amount_won,
                        EntryKind::Release => *h -= e.amount_won,
                        _ => {}
                    }
                    prop_assert!(*h >= 0, "enrolment {} released more than it held", n);
                    let c = charged.entry(n).or_default();
                    match e.kind {
                        EntryKind::Charge => *c -= e.amount_won,
                        EntryKind::Refund => *c -= e.amount_won,
                        _ => {}
                    }
                    prop_assert!(*c >= 0, "enrolment {} was refunded more than it was charged", n);
                }
            }
            for (n, c) in charged {
                prop_assert_eq!(card.charged_for(n).0, c);
            }
        }
        let replayed = Ledger::replay(card.issued_on(), card.expires_on(), card.entries().to_vec());
        prop_assert_eq!(replayed, Ok(card));
    }
}
