//! Conformance checks of the learning-card aggregate.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Executor, IntoArguments, Pool};

use super::{assert_event, audit_mark, events_after, raw_execute, raw_i64};
use crate::shared::cards::{
    charged_in_tx, held_in_tx, hold_in_tx, open_card_of_person_in_tx, refund_in_tx, release_in_tx,
};
use crate::shared::{Col, Dialect, Lock};
use crate::{
    Backends, CardAccountRecord, CardEntryKind, CardError, CardRefusal, Database, NewAccount, NewCardAccount,
    NewCardEntry, PersonFields, ACTION_CARD_OPEN,
};

pub(super) const CHECKS: &[&str] = &[
    "cards_open_writes_issue_and_extra_with_audit",
    "cards_one_open_card_per_person",
    "cards_extra_is_credited_once",
    "cards_hold_release_and_convert",
    "cards_hold_beyond_balance_is_refused_and_writes_nothing",
    "cards_dropout_deduction_never_exceeds_balance",
    "cards_expiry_takes_the_rest_and_frees_the_person",
    "cards_invalid_entries_are_refused",
    "cards_entries_are_append_only",
    "cards_concurrent_holds_never_overdraw",
    "cards_holds_in_a_callers_transaction_last_only_if_it_commits",
    "cards_refund_gives_back_at_most_the_charge",
];

pub(super) async fn run(db: &Database) {
    check!(db, cards_open_writes_issue_and_extra_with_audit);
    check!(db, cards_one_open_card_per_person);
    check!(db, cards_extra_is_credited_once);
    check!(db, cards_hold_release_and_convert);
    check!(db, cards_hold_beyond_balance_is_refused_and_writes_nothing);
    check!(db, cards_dropout_deduction_never_exceeds_balance);
    check!(db, cards_expiry_takes_the_rest_and_frees_the_person);
    check!(db, cards_invalid_entries_are_refused);
    check!(db, cards_entries_are_append_only);
    check!(db, cards_concurrent_holds_never_overdraw);
    check!(db, cards_holds_in_a_callers_transaction_last_only_if_it_commits);
    check!(db, cards_refund_gives_back_at_most_the_charge);
}

const ACTOR: &str = "card-conformance";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

fn entry(kind: CardEntryKind, amount_won: i64, enrolment_id: Option<i64>) -> NewCardEntry {
    let rule = match kind {
        CardEntryKind::Issue => "tuition.card.account_won",
        CardEntryKind::Extra => "tuition.card.vulnerable_extra_won",
        CardEntryKind::DropoutDeduction => "tuition.card.dropout_deductions_won",
        CardEntryKind::Expiry => "tuition.card.account_years",
        CardEntryKind::Refund => "enrolment.free_withdrawal_days",
        _ => "card.charge",
    };
    NewCardEntry {
        kind,
        amount_won,
        on_date: day(2026, 3, 2),
        rule: rule.to_owned(),
        params: serde_json::json!({ "value": amount_won }),
        enrolment_id,
    }
}

fn new_card(person_id: i64, extra: bool) -> NewCardAccount {
    NewCardAccount {
        person_id,
        issued_on: day(2026, 1, 5),
        expires_on: day(2031, 1, 4),
        issue: entry(CardEntryKind::Issue, 3_000_000, None),
        extra: extra.then(|| entry(CardEntryKind::Extra, 2_000_000, None)),
    }
}

/// A person (with a trainee account) for the checks; `n` tells them apart.
async fn person(db: &Database, n: i64) -> i64 {
    let login = format!("card-person-{n}");
    let account = db
        .accounts()
        .create(
            &NewAccount {
                login: login.clone(),
                display_name: format!("{login} 님"),
                role: "trainee".to_owned(),
                scope: None,
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$card-hash".to_owned(),
            },
            "admin",
        )
        .await
        .expect("create account")
        .id;
    let fields = PersonFields {
        stage: "entry".to_owned(),
        status: "job_seeker".to_owned(),
        employer_size: None,
        region_code: "11110".to_owned(),
        age_band: "20_29".to_owned(),
        target_groups: String::new(),
        kukchi: "none".to_owned(),
        external_id_hash: None,
    };
    db.people()
        .save_for_account(account, fields, &login)
        .await
        .expect("save person")
        .id
}

/// Opens a card for a new person numbered `n`.
async fn open(db: &Database, n: i64, extra: bool) -> CardAccountRecord {
    let person_id = person(db, n).await;
    open_for(db, person_id, extra).await
}

async fn open_for(db: &Database, person_id: i64, extra: bool) -> CardAccountRecord {
    db.cards()
        .open(&new_card(person_id, extra), ACTOR)
        .await
        .unwrap_or_else(|e| panic!("open a card for person {person_id}: {e}"))
}

/// The refusal of a card operation, or a panic naming what happened instead.
#[track_caller]
fn refusal<T: std::fmt::Debug>(result: Result<T, CardError>) -> CardRefusal {
    match result {
        Err(CardError::Refused(r)) => r,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Checks the stored invariants of a card: the balance on the account equals the sum of the
/// entries and the last entry's balance, the entries are numbered 1…n, and none is negative.
async fn assert_consistent(db: &Database, card_id: i64) -> i64 {
    let card = db.cards().card(card_id).await.expect("card").expect("card exists");
    let entries = db.cards().statement(card_id).await.expect("statement");
    let sum: i64 = entries.iter().map(|e| e.amount_won).sum();
    assert_eq!(card.balance_won, sum, "balance = sum of entries: {entries:?}");
    assert_eq!(db.cards().balance(card_id).await.expect("balance"), sum);
    assert_eq!(card.last_seq, i64::try_from(entries.len()).expect("count"));
    let mut running = 0;
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(e.seq, i64::try_from(i).expect("index") + 1, "entries are numbered 1…n");
        running += e.amount_won;
        assert_eq!(e.balance_after_won, running, "balance after entry {}", e.seq);
        assert!(e.balance_after_won >= 0);
        assert!(!e.rule.is_empty(), "every entry cites its rule");
    }
    card.balance_won
}

async fn cards_open_writes_issue_and_extra_with_audit(db: &Database) {
    let person_id = person(db, 1).await;
    assert!(db
        .cards()
        .card_of_person(person_id)
        .await
        .expect("card_of_person")
        .is_none());
    let mark = audit_mark(db).await;
    let card = open_for(db, person_id, true).await;
    assert_eq!(
        (
            card.person_id,
            card.balance_won,
            card.last_seq,
            card.extra_granted,
            card.expired
        ),
        (card.person_id, 5_000_000, 2, true, false)
    );
    assert_eq!((card.issued_on, card.expires_on), (day(2026, 1, 5), day(2031, 1, 4)));
    assert_eq!(
        db.cards().card_of_person(card.person_id).await.expect("card_of_person"),
        Some(card.clone())
    );
    let entries = db.cards().statement(card.id).await.expect("statement");
    let kinds: Vec<_> = entries
        .iter()
        .map(|e| (e.kind, e.amount_won, e.balance_after_won))
        .collect();
    assert_eq!(
        kinds,
        [
            (CardEntryKind::Issue, 3_000_000, 3_000_000),
            (CardEntryKind::Extra, 2_000_000, 5_000_000)
        ]
    );
    assert_eq!(entries[0].rule, "tuition.card.account_won");
    assert_eq!(entries[0].params, serde_json::json!({ "value": 3_000_000 }));
    assert_eq!(entries[0].actor, ACTOR);
    assert_consistent(db, card.id).await;
    let events = events_after(db, mark).await;
    let subject = format!("card:{}", card.id);
    assert_eq!(events.len(), 3, "{events:?}");
    assert_event(&events[0], "card.issue", ACTOR, &subject);
    assert_event(&events[1], ACTION_CARD_OPEN, ACTOR, &subject);
    assert_event(&events[2], "card.extra", ACTOR, &subject);
    assert_eq!(events[2].detail["amount_won"], 2_000_000);
}

async fn cards_one_open_card_per_person(db: &Database) {
    let card = open(db, 2, false).await;
    let mark = audit_mark(db).await;
    let again = refusal(db.cards().open(&new_card(card.person_id, false), ACTOR).await);
    assert_eq!(
        again,
        CardRefusal::AlreadyOpen {
            person_id: card.person_id,
            card_id: card.id
        }
    );
    assert!(events_after(db, mark).await.is_empty(), "a refused open writes nothing");
    let count = raw_i64(
        db,
        &format!(
            "SELECT COUNT(*) FROM card_accounts WHERE person_id = {}",
            card.person_id
        ),
    )
    .await
    .expect("count");
    assert_eq!(count, 1);
}

async fn cards_extra_is_credited_once(db: &Database) {
    let card = open(db, 3, false).await;
    assert!(!card.extra_granted);
    let extra = db
        .cards()
        .post(card.id, &entry(CardEntryKind::Extra, 2_000_000, None), ACTOR)
        .await
        .expect("extra later");
    assert_eq!((extra.seq, extra.balance_after_won), (2, 5_000_000));
    let twice = refusal(
        db.cards()
            .post(card.id, &entry(CardEntryKind::Extra, 2_000_000, None), ACTOR)
            .await,
    );
    assert_eq!(twice, CardRefusal::ExtraAlreadyGranted { card_id: card.id });
    assert_eq!(assert_consistent(db, card.id).await, 5_000_000);
}

async fn cards_hold_release_and_convert(db: &Database) {
    let card = open(db, 4, false).await;
    let cards = db.cards();
    let hold = cards
        .post(card.id, &entry(CardEntryKind::Hold, 440_000, Some(41)), ACTOR)
        .await
        .expect("hold");
    assert_eq!(
        (hold.amount_won, hold.balance_after_won, hold.enrolment_id),
        (-440_000, 2_560_000, Some(41))
    );
    cards
        .post(card.id, &entry(CardEntryKind::Hold, 300_000, Some(42)), ACTOR)
        .await
        .expect("second hold");
    assert_eq!(cards.held_for(card.id, 41).await.expect("held"), 440_000);

    // A release gives back at most what its enrolment holds.
    let too_much = refusal(
        cards
            .post(card.id, &entry(CardEntryKind::Release, 440_001, Some(41)), ACTOR)
            .await,
    );
    assert_eq!(
        too_much,
        CardRefusal::ReleaseExceedsHold {
            card_id: card.id,
            enrolment_id: 41,
            held_won: 440_000,
            asked_won: 440_001
        }
    );
    let other = refusal(
        cards
            .post(card.id, &entry(CardEntryKind::Release, 1, Some(99)), ACTOR)
            .await,
    );
    assert!(
        matches!(other, CardRefusal::ReleaseExceedsHold { held_won: 0, .. }),
        "{other:?}"
    );

    // Enrolment 42 is withdrawn: its hold comes back in full.
    let release = cards
        .post(card.id, &entry(CardEntryKind::Release, 300_000, Some(42)), ACTOR)
        .await
        .expect("release");
    assert_eq!((release.amount_won, release.balance_after_won), (300_000, 2_560_000));
    assert_eq!(cards.held_for(card.id, 42).await.expect("held"), 0);

    // Enrolment 41 starts: the hold becomes a charge (a release and a charge, net zero).
    let mark = audit_mark(db).await;
    let params = serde_json::json!({ "fee_won": 500_000, "self_payment_won": 60_000 });
    let (released, charged) = cards
        .convert_hold(card.id, 41, day(2026, 3, 9), "card.charge", &params, ACTOR)
        .await
        .expect("convert");
    assert_eq!((released.kind, released.amount_won), (CardEntryKind::Release, 440_000));
    assert_eq!((charged.kind, charged.amount_won), (CardEntryKind::Charge, -440_000));
    assert_eq!(charged.balance_after_won, 2_560_000);
    assert_eq!(charged.params, params);
    assert_eq!(cards.held_for(card.id, 41).await.expect("held"), 0);
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 2);
    assert_event(&events[0], "card.release", ACTOR, &format!("card:{}", card.id));
    assert_event(&events[1], "card.charge", ACTOR, &format!("card:{}", card.id));
    // Nothing is held any more, so there is nothing to convert.
    let nothing = refusal(
        cards
            .convert_hold(card.id, 41, day(2026, 3, 9), "card.charge", &params, ACTOR)
            .await,
    );
    assert!(
        matches!(nothing, CardRefusal::ReleaseExceedsHold { held_won: 0, .. }),
        "{nothing:?}"
    );
    assert_eq!(assert_consistent(db, card.id).await, 2_560_000);
}

async fn cards_hold_beyond_balance_is_refused_and_writes_nothing(db: &Database) {
    let card = open(db, 5, false).await;
    let mark = audit_mark(db).await;
    let refused = refusal(
        db.cards()
            .post(card.id, &entry(CardEntryKind::Hold, 3_000_001, Some(51)), ACTOR)
            .await,
    );
    assert_eq!(
        refused,
        CardRefusal::InsufficientBalance {
            card_id: card.id,
            balance_won: 3_000_000,
            needed_won: 3_000_001
        }
    );
    assert!(events_after(db, mark).await.is_empty());
    assert_eq!(assert_consistent(db, card.id).await, 3_000_000);
    // Exactly the balance is fine.
    let all = db
        .cards()
        .post(card.id, &entry(CardEntryKind::Hold, 3_000_000, Some(52)), ACTOR)
        .await
        .expect("hold the whole balance");
    assert_eq!(all.balance_after_won, 0);
    let missing = refusal(
        db.cards()
            .post(i64::MAX, &entry(CardEntryKind::Hold, 1, Some(53)), ACTOR)
            .await,
    );
    assert_eq!(missing, CardRefusal::NoCard { card_id: i64::MAX });
}

async fn cards_dropout_deduction_never_exceeds_balance(db: &Database) {
    let card = open(db, 6, false).await;
    let cards = db.cards();
    cards
        .post(card.id, &entry(CardEntryKind::Hold, 2_800_000, Some(61)), ACTOR)
        .await
        .expect("hold");
    let first = cards
        .post(card.id, &entry(CardEntryKind::DropoutDeduction, 200_000, None), ACTOR)
        .await
        .expect("first deduction");
    assert_eq!((first.amount_won, first.balance_after_won), (-200_000, 0));
    let second = cards
        .post(card.id, &entry(CardEntryKind::DropoutDeduction, 500_000, None), ACTOR)
        .await
        .expect("a deduction with nothing left is recorded as zero");
    assert_eq!((second.amount_won, second.balance_after_won), (0, 0));
    assert_eq!(assert_consistent(db, card.id).await, 0);
}

async fn cards_expiry_takes_the_rest_and_frees_the_person(db: &Database) {
    let card = open(db, 7, false).await;
    let cards = db.cards();
    cards
        .post(card.id, &entry(CardEntryKind::Hold, 1_000_000, Some(71)), ACTOR)
        .await
        .expect("hold");
    let early = NewCardEntry {
        on_date: card.expires_on,
        ..entry(CardEntryKind::Expiry, 0, None)
    };
    assert!(matches!(
        refusal(cards.post(card.id, &early, ACTOR).await),
        CardRefusal::InvalidEntry { .. }
    ));
    let expiry = NewCardEntry {
        on_date: day(2031, 1, 5),
        ..entry(CardEntryKind::Expiry, 0, None)
    };
    let expired = cards.post(card.id, &expiry, ACTOR).await.expect("expiry");
    assert_eq!((expired.amount_won, expired.balance_after_won), (-2_000_000, 0));
    let after = cards.card(card.id).await.expect("card").expect("exists");
    assert!(after.expired);
    assert_eq!(
        refusal(
            cards
                .post(card.id, &entry(CardEntryKind::Hold, 1, Some(72)), ACTOR)
                .await
        ),
        CardRefusal::Expired {
            card_id: card.id,
            expires_on: card.expires_on
        }
    );
    // Nothing follows expiry, not even a release of what was held.
    assert!(matches!(
        refusal(
            cards
                .post(card.id, &entry(CardEntryKind::Release, 1_000_000, Some(71)), ACTOR)
                .await
        ),
        CardRefusal::Expired { .. }
    ));
    assert_eq!(assert_consistent(db, card.id).await, 0);
    // The person can be issued a new card; it is the one they see.
    let renewed = NewCardAccount {
        issued_on: day(2031, 2, 1),
        expires_on: day(2036, 1, 31),
        ..new_card(card.person_id, false)
    };
    let new = cards.open(&renewed, ACTOR).await.expect("a new card after expiry");
    assert_ne!(new.id, card.id);
    assert_eq!(
        cards
            .card_of_person(card.person_id)
            .await
            .expect("card_of_person")
            .map(|c| c.id),
        Some(new.id)
    );
}

async fn cards_invalid_entries_are_refused(db: &Database) {
    let card = open(db, 8, false).await;
    let cards = db.cards();
    let mark = audit_mark(db).await;
    let bad = [
        entry(CardEntryKind::Issue, 1, None),
        entry(CardEntryKind::Hold, 0, Some(81)),
        entry(CardEntryKind::Hold, -5, Some(81)),
        entry(CardEntryKind::Hold, 5, None),
        NewCardEntry {
            rule: " ".to_owned(),
            ..entry(CardEntryKind::Hold, 5, Some(81))
        },
        NewCardEntry {
            params: serde_json::json!([1]),
            ..entry(CardEntryKind::Hold, 5, Some(81))
        },
    ];
    for e in &bad {
        let r = refusal(cards.post(card.id, e, ACTOR).await);
        assert!(matches!(r, CardRefusal::InvalidEntry { .. }), "{e:?}: {r:?}");
    }
    let wrong_open = NewCardAccount {
        issue: entry(CardEntryKind::Extra, 3_000_000, None),
        ..new_card(card.person_id, false)
    };
    assert!(matches!(
        refusal(cards.open(&wrong_open, ACTOR).await),
        CardRefusal::InvalidEntry { .. }
    ));
    assert!(events_after(db, mark).await.is_empty());
    assert_eq!(assert_consistent(db, card.id).await, 3_000_000);
}

async fn cards_entries_are_append_only(db: &Database) {
    let card = open(db, 10, false).await;
    let count = || raw_i64(db, "SELECT COUNT(*) FROM card_entries");
    let before = count().await.expect("count");
    let update = raw_execute(db, "UPDATE card_entries SET amount_won = 9000000").await;
    assert!(update.is_err(), "UPDATE of card entries must fail: {update:?}");
    let delete = raw_execute(db, "DELETE FROM card_entries").await;
    assert!(delete.is_err(), "DELETE of card entries must fail: {delete:?}");
    assert_eq!(count().await.expect("count"), before);
    let negative = raw_execute(
        db,
        &format!("UPDATE card_accounts SET balance_won = -1 WHERE id = {}", card.id),
    )
    .await;
    assert!(negative.is_err(), "a negative balance must be refused: {negative:?}");
    assert_eq!(assert_consistent(db, card.id).await, 3_000_000);
}

async fn cards_concurrent_holds_never_overdraw(db: &Database) {
    let card = open(db, 11, false).await;
    // 20 holds of ₩700,000 against ₩3,000,000: exactly 4 fit.
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let db = db.clone();
            let hold = entry(CardEntryKind::Hold, 700_000, Some(1_100 + i));
            tokio::spawn(async move { db.cards().post(card.id, &hold, ACTOR).await })
        })
        .collect();
    let (mut held, mut refused) = (0, 0);
    for task in tasks {
        match task.await.expect("task") {
            Ok(_) => held += 1,
            Err(CardError::Refused(CardRefusal::InsufficientBalance { .. })) => refused += 1,
            Err(e) => panic!("a concurrent hold failed: {e}"),
        }
    }
    assert_eq!((held, refused), (4, 16));
    assert_eq!(assert_consistent(db, card.id).await, 200_000);
}

/// The contract of `hold_in_tx` and `release_in_tx` (shared/cards.rs): inside a caller's
/// transaction, a refusal writes nothing and leaves the transaction usable; what was posted
/// lasts only if the caller commits.
async fn cards_holds_in_a_callers_transaction_last_only_if_it_commits(db: &Database) {
    let card = open(db, 12, false).await;
    let mark = audit_mark(db).await;
    match &db.inner {
        Backends::Sqlite(s) => in_callers_transaction(&s.pool, &card).await,
        Backends::Postgres(s) => in_callers_transaction(&s.pool, &card).await,
    }
    let entries = db.cards().statement(card.id).await.expect("statement");
    let kinds: Vec<_> = entries.iter().map(|e| (e.kind, e.amount_won)).collect();
    assert_eq!(
        kinds,
        [
            (CardEntryKind::Issue, 3_000_000),
            (CardEntryKind::Hold, -1_000_000),
            (CardEntryKind::Release, 400_000)
        ],
        "the rolled-back hold left nothing"
    );
    let actions: Vec<String> = events_after(db, mark).await.into_iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        ["card.hold", "card.release"],
        "only committed entries are audited"
    );
    assert_eq!(assert_consistent(db, card.id).await, 2_400_000);
}

async fn in_callers_transaction<DB>(pool: &Pool<DB>, card: &CardAccountRecord)
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'r> &'r str: ColumnIndex<DB::Row>,
    usize: ColumnIndex<DB::Row>,
    String: Col<DB>,
    i64: Col<DB>,
    bool: Col<DB>,
    DateTime<Utc>: Col<DB>,
    NaiveDate: Col<DB>,
    Option<i64>: Col<DB>,
{
    let hold = |amount| entry(CardEntryKind::Hold, amount, Some(121));
    // Held, then rolled back by the caller.
    let mut tx = DB::begin_write(pool, Lock::RowLevel).await.expect("begin");
    let found = open_card_of_person_in_tx::<DB>(&mut tx, card.person_id)
        .await
        .expect("find");
    assert_eq!(found.map(|c| c.id), Some(card.id));
    hold_in_tx::<DB>(&mut tx, card.id, &hold(500_000), ACTOR)
        .await
        .expect("database")
        .expect("held");
    tx.rollback().await.expect("rollback");

    // A refusal writes nothing, and the same transaction goes on and commits.
    let mut tx = DB::begin_write(pool, Lock::RowLevel).await.expect("begin");
    let refused = hold_in_tx::<DB>(&mut tx, card.id, &hold(3_000_001), ACTOR)
        .await
        .expect("database");
    assert!(
        matches!(
            refused,
            Err(CardRefusal::InsufficientBalance {
                balance_won: 3_000_000,
                ..
            })
        ),
        "{refused:?}"
    );
    let wrong_kind = hold_in_tx::<DB>(&mut tx, card.id, &entry(CardEntryKind::Release, 1, Some(121)), ACTOR)
        .await
        .expect("database");
    assert!(
        matches!(wrong_kind, Err(CardRefusal::InvalidEntry { .. })),
        "{wrong_kind:?}"
    );
    let held = hold_in_tx::<DB>(&mut tx, card.id, &hold(1_000_000), ACTOR)
        .await
        .expect("database")
        .expect("held");
    assert_eq!((held.seq, held.balance_after_won), (2, 2_000_000));
    assert_eq!(held_in_tx::<DB>(&mut tx, card.id, 121).await.expect("held"), 1_000_000);
    let too_much = release_in_tx::<DB>(
        &mut tx,
        card.id,
        &entry(CardEntryKind::Release, 1_000_001, Some(121)),
        ACTOR,
    )
    .await
    .expect("database");
    assert!(
        matches!(too_much, Err(CardRefusal::ReleaseExceedsHold { .. })),
        "{too_much:?}"
    );
    release_in_tx::<DB>(
        &mut tx,
        card.id,
        &entry(CardEntryKind::Release, 400_000, Some(121)),
        ACTOR,
    )
    .await
    .expect("database")
    .expect("released");
    tx.commit().await.expect("commit");
}

/// A withdrawal within the free days after the start: the charge comes back as a refund, never
/// more than was charged for the enrolment and not yet refunded, posted in the caller's
/// transaction with its audit event.
async fn cards_refund_gives_back_at_most_the_charge(db: &Database) {
    let card = open(db, 13, false).await;
    let cards = db.cards();
    cards
        .post(card.id, &entry(CardEntryKind::Hold, 440_000, Some(131)), ACTOR)
        .await
        .expect("hold");
    cards
        .convert_hold(
            card.id,
            131,
            day(2026, 3, 2),
            "card.charge",
            &serde_json::json!({}),
            ACTOR,
        )
        .await
        .expect("convert");
    assert_eq!(assert_consistent(db, card.id).await, 2_560_000);

    let too_much = refusal(
        cards
            .post(card.id, &entry(CardEntryKind::Refund, 440_001, Some(131)), ACTOR)
            .await,
    );
    assert_eq!(
        too_much,
        CardRefusal::RefundExceedsCharge {
            card_id: card.id,
            enrolment_id: 131,
            charged_won: 440_000,
            asked_won: 440_001
        }
    );
    let never_charged = refusal(
        cards
            .post(card.id, &entry(CardEntryKind::Refund, 1, Some(132)), ACTOR)
            .await,
    );
    assert!(
        matches!(never_charged, CardRefusal::RefundExceedsCharge { charged_won: 0, .. }),
        "{never_charged:?}"
    );
    let no_enrolment = refusal(cards.post(card.id, &entry(CardEntryKind::Refund, 1, None), ACTOR).await);
    assert!(
        matches!(no_enrolment, CardRefusal::InvalidEntry { .. }),
        "{no_enrolment:?}"
    );
    assert_eq!(
        assert_consistent(db, card.id).await,
        2_560_000,
        "refusals write nothing"
    );

    let mark = audit_mark(db).await;
    match &db.inner {
        Backends::Sqlite(s) => refund_in_callers_transaction(&s.pool, &card).await,
        Backends::Postgres(s) => refund_in_callers_transaction(&s.pool, &card).await,
    }
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 1);
    assert_event(&events[0], "card.refund", ACTOR, &format!("card:{}", card.id));
    let last = cards
        .statement(card.id)
        .await
        .expect("statement")
        .pop()
        .expect("entries");
    assert_eq!(
        (last.kind, last.amount_won, last.enrolment_id, last.rule.as_str()),
        (
            CardEntryKind::Refund,
            440_000,
            Some(131),
            "enrolment.free_withdrawal_days"
        )
    );
    assert_eq!(
        assert_consistent(db, card.id).await,
        3_000_000,
        "back to before the hold"
    );
    // Refunded once: nothing is left to give back.
    let again = refusal(
        cards
            .post(card.id, &entry(CardEntryKind::Refund, 1, Some(131)), ACTOR)
            .await,
    );
    assert!(
        matches!(again, CardRefusal::RefundExceedsCharge { charged_won: 0, .. }),
        "{again:?}"
    );
}

async fn refund_in_callers_transaction<DB>(pool: &Pool<DB>, card: &CardAccountRecord)
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'r> &'r str: ColumnIndex<DB::Row>,
    usize: ColumnIndex<DB::Row>,
    String: Col<DB>,
    i64: Col<DB>,
    bool: Col<DB>,
    DateTime<Utc>: Col<DB>,
    NaiveDate: Col<DB>,
    Option<i64>: Col<DB>,
{
    let mut tx = DB::begin_write(pool, Lock::RowLevel).await.expect("begin");
    assert_eq!(
        charged_in_tx::<DB>(&mut tx, card.id, 131).await.expect("charged"),
        440_000
    );
    let wrong_kind = refund_in_tx::<DB>(&mut tx, card.id, &entry(CardEntryKind::Release, 1, Some(131)), ACTOR)
        .await
        .expect("database");
    assert!(
        matches!(wrong_kind, Err(CardRefusal::InvalidEntry { .. })),
        "{wrong_kind:?}"
    );
    // Refunded, then rolled back by the caller: nothing stays.
    refund_in_tx::<DB>(
        &mut tx,
        card.id,
        &entry(CardEntryKind::Refund, 440_000, Some(131)),
        ACTOR,
    )
    .await
    .expect("database")
    .expect("refunded");
    tx.rollback().await.expect("rollback");

    let mut tx = DB::begin_write(pool, Lock::RowLevel).await.expect("begin");
    assert_eq!(
        charged_in_tx::<DB>(&mut tx, card.id, 131).await.expect("charged"),
        440_000
    );
    let refund = refund_in_tx::<DB>(
        &mut tx,
        card.id,
        &entry(CardEntryKind::Refund, 440_000, Some(131)),
        ACTOR,
    )
    .await
    .expect("database")
    .expect("refunded");
    assert_eq!((refund.amount_won, refund.balance_after_won), (440_000, 3_000_000));
    assert_eq!(charged_in_tx::<DB>(&mut tx, card.id, 131).await.expect("charged"), 0);
    tx.commit().await.expect("commit");
}
