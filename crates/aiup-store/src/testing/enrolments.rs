//! Conformance checks of the enrolment aggregate.

use std::sync::Arc;

use chrono::NaiveDate;

use super::{assert_event, audit_mark, events_after, raw_execute, raw_i64};
use crate::{
    Acceptance, AcceptanceRules, AcceptanceTerms, CardEffect, CardEntryKind, CardEntryRecord, CardRefusal, Database,
    Decided, EnrolmentError, EnrolmentRecord, EnrolmentRefusal, Ineligible, NewAccount, NewApplication, NewCardAccount,
    NewCardEntry, Offer, PersonFields, PersonRecord, StatusChange, ACTION_ENROLMENT_APPLY,
};

pub(super) const CHECKS: &[&str] = &[
    "enrolments_apply_is_audited_and_a_duplicate_changes_nothing",
    "enrolments_acceptance_takes_a_seat_and_holds_the_card",
    "enrolments_refused_acceptances_change_nothing",
    "enrolments_full_cohort_waitlists_or_refuses",
    "enrolments_freed_seat_goes_to_the_first_waiting_person_who_qualifies",
    "enrolments_start_converts_and_dropout_deducts",
    "enrolments_events_are_append_only",
    "enrolments_acceptance_makes_a_missing_seat_row",
    "enrolments_concurrent_acceptances_never_oversell",
    "enrolments_in_id_range_reads_a_range_by_status",
];

pub(super) async fn run(db: &Database) {
    check!(db, enrolments_apply_is_audited_and_a_duplicate_changes_nothing);
    check!(db, enrolments_acceptance_takes_a_seat_and_holds_the_card);
    check!(db, enrolments_refused_acceptances_change_nothing);
    check!(db, enrolments_full_cohort_waitlists_or_refuses);
    check!(db, enrolments_freed_seat_goes_to_the_first_waiting_person_who_qualifies);
    check!(db, enrolments_start_converts_and_dropout_deducts);
    check!(db, enrolments_events_are_append_only);
    check!(db, enrolments_acceptance_makes_a_missing_seat_row);
    check!(db, enrolments_concurrent_acceptances_never_oversell);
    check!(db, enrolments_in_id_range_reads_a_range_by_status);
}

const ACTOR: &str = "enrolment-conformance";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

/// Rules for the checks: hold `hold` on the card; refuse the persons listed.
struct Rules {
    hold: i64,
    refuse: Vec<i64>,
}

impl AcceptanceRules for Rules {
    fn terms(
        &self,
        person: &PersonRecord,
        _: &EnrolmentRecord,
        _: &[EnrolmentRecord],
    ) -> Result<AcceptanceTerms, Ineligible> {
        if self.refuse.contains(&person.id) {
            return Err(Ineligible {
                ko: "대상이 아닙니다".to_owned(),
                en: "not admitted".to_owned(),
            });
        }
        Ok(AcceptanceTerms {
            card_hold_won: self.hold,
            self_payment_won: 60_000,
            on_date: day(2026, 3, 2),
            rule: "tuition.card.default_self_payment_rate".to_owned(),
            params: serde_json::json!({ "rate": "15%" }),
        })
    }
}

fn rules(hold: i64, refuse: Vec<i64>) -> Arc<dyn AcceptanceRules> {
    Arc::new(Rules { hold, refuse })
}

fn accept(id: i64, waiting_list: bool, rules: Arc<dyn AcceptanceRules>) -> Acceptance {
    Acceptance {
        enrolment_id: id,
        waiting_list,
        seats_if_new: 0,
        rules,
    }
}

async fn person(db: &Database, tag: &str) -> i64 {
    let login = format!("enrol-{tag}");
    let account = db
        .accounts()
        .create(
            &NewAccount {
                login: login.clone(),
                display_name: format!("{login} 님"),
                role: "trainee".to_owned(),
                scope: None,
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$enrol-hash".to_owned(),
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

async fn card(db: &Database, person_id: i64) -> i64 {
    let entry = |kind, amount_won| NewCardEntry {
        kind,
        amount_won,
        on_date: day(2026, 1, 5),
        rule: "tuition.card.account_won".to_owned(),
        params: serde_json::json!({ "value": amount_won }),
        enrolment_id: None,
    };
    db.cards()
        .open(
            &NewCardAccount {
                person_id,
                issued_on: day(2026, 1, 5),
                expires_on: day(2031, 1, 4),
                issue: entry(CardEntryKind::Issue, 3_000_000),
                extra: None,
            },
            ACTOR,
        )
        .await
        .expect("open card")
        .id
}

/// An application of `person_id` to cohort `ordinal` of `course` (March 2026 plus `ordinal`
/// months), whose cohort has `seats` seats.
fn application(person_id: i64, course: &str, ordinal: i64, seats: i64) -> NewApplication {
    let month = u32::try_from(3 + ordinal).expect("small ordinal");
    NewApplication {
        person_id,
        course_id: course.to_owned(),
        cohort_ordinal: ordinal,
        institution_id: "I-ENROL".to_owned(),
        programme: "national_tomorrow_learning_card".to_owned(),
        cohort_start: day(2026, month, 2),
        cohort_end: day(2026, month, 27),
        fee_won: 500_000,
        seats,
    }
}

async fn apply(db: &Database, a: &NewApplication) -> EnrolmentRecord {
    db.enrolments().apply(a, ACTOR).await.expect("apply")
}

#[track_caller]
fn refusal<T: std::fmt::Debug>(result: Result<T, EnrolmentError>) -> EnrolmentRefusal {
    match result {
        Err(EnrolmentError::Refused(r)) => r,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn taken(db: &Database, course: &str, ordinal: i64) -> i64 {
    db.enrolments()
        .seats(course, ordinal)
        .await
        .expect("seats")
        .expect("seat row")
        .taken
}

async fn statement(db: &Database, card_id: i64) -> Vec<CardEntryRecord> {
    db.cards().statement(card_id).await.expect("statement")
}

async fn enrolments_apply_is_audited_and_a_duplicate_changes_nothing(db: &Database) {
    let p = person(db, "apply").await;
    let mark = audit_mark(db).await;
    let e = apply(db, &application(p, "C-APPLY", 0, 7)).await;
    assert_eq!((e.status.as_str(), e.person_id, e.card_hold_won), ("applied", p, 0));
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 1);
    assert_event(
        &events[0],
        ACTION_ENROLMENT_APPLY,
        ACTOR,
        &format!("enrolment:{}", e.id),
    );
    let seats = db.enrolments().seats("C-APPLY", 0).await.unwrap().unwrap();
    assert_eq!((seats.seats, seats.taken), (7, 0));
    let history = db.enrolments().events(e.id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!((history[0].seq, history[0].event.as_str()), (1, "apply"));

    let mark = audit_mark(db).await;
    let again = db.enrolments().apply(&application(p, "C-APPLY", 0, 99), ACTOR).await;
    assert_eq!(refusal(again), EnrolmentRefusal::Duplicate);
    assert!(events_after(db, mark).await.is_empty());
    assert_eq!(db.enrolments().of_person(p).await.unwrap(), vec![e.clone()]);
    // The seat row keeps the count of the first application.
    assert_eq!(db.enrolments().seats("C-APPLY", 0).await.unwrap().unwrap().seats, 7);
    assert_eq!(db.enrolments().enrolment(e.id).await.unwrap(), Some(e.clone()));
    let pending = db.enrolments().pending_of_institution("I-ENROL", 100).await.unwrap();
    assert!(pending.iter().any(|x| x.id == e.id));
    assert!(db
        .enrolments()
        .pending_of_institution("I-OTHER", 100)
        .await
        .unwrap()
        .is_empty());
}

async fn enrolments_acceptance_takes_a_seat_and_holds_the_card(db: &Database) {
    let p = person(db, "accept").await;
    let c = card(db, p).await;
    let e = apply(db, &application(p, "C-ACCEPT", 0, 3)).await;
    let mark = audit_mark(db).await;
    let decided = db
        .enrolments()
        .accept(&accept(e.id, false, rules(440_000, vec![])), "staff-a")
        .await;
    let Ok(Decided::Accepted(accepted)) = decided else {
        panic!("expected acceptance, got {decided:?}")
    };
    assert_eq!(
        (
            accepted.status.as_str(),
            accepted.card_hold_won,
            accepted.self_payment_won
        ),
        ("accepted", 440_000, 60_000)
    );
    assert_eq!(taken(db, "C-ACCEPT", 0).await, 1);
    let entries = statement(db, c).await;
    let hold = entries.last().unwrap();
    assert_eq!(
        (hold.kind, hold.amount_won, hold.enrolment_id),
        (CardEntryKind::Hold, -440_000, Some(e.id))
    );
    assert_eq!(db.cards().balance(c).await.unwrap(), 2_560_000);
    let actions: Vec<String> = events_after(db, mark).await.into_iter().map(|e| e.action).collect();
    assert_eq!(actions, ["card.hold", "enrolment.accept"]);
    let history = db.enrolments().events(e.id).await.unwrap();
    assert_eq!(
        history.last().map(|h| (h.seq, h.to_status.as_str())),
        Some((2, "accepted"))
    );
    // A second decision on the same application finds it moved.
    let again = db
        .enrolments()
        .accept(&accept(e.id, false, rules(440_000, vec![])), "staff-a")
        .await;
    assert_eq!(
        refusal(again),
        EnrolmentRefusal::Stale {
            expected: "applied".to_owned(),
            found: "accepted".to_owned()
        }
    );
}

async fn enrolments_refused_acceptances_change_nothing(db: &Database) {
    let p = person(db, "refusals").await;
    let c = card(db, p).await;
    let first = apply(db, &application(p, "C-REFUSE", 0, 5)).await;
    let overlapping = apply(db, &application(p, "C-REFUSE-OTHER", 0, 5)).await;
    let balance = db.cards().balance(c).await.unwrap();
    let count = |db: &Database| {
        let db = db.clone();
        async move {
            (
                raw_i64(&db, "SELECT COUNT(*) FROM audit_events").await.unwrap(),
                raw_i64(&db, "SELECT COUNT(*) FROM enrolment_events").await.unwrap(),
                raw_i64(&db, "SELECT COUNT(*) FROM card_entries").await.unwrap(),
                raw_i64(&db, "SELECT CAST(COALESCE(SUM(taken), 0) AS BIGINT) FROM cohort_seats")
                    .await
                    .unwrap(),
            )
        }
    };
    let before = count(db).await;

    let ineligible = db
        .enrolments()
        .accept(&accept(first.id, true, rules(100, vec![p])), ACTOR)
        .await;
    assert!(matches!(refusal(ineligible), EnrolmentRefusal::Ineligible(i) if i.ko.contains("대상")));
    let too_much = db
        .enrolments()
        .accept(&accept(first.id, true, rules(9_000_000, vec![])), ACTOR)
        .await;
    assert!(matches!(
        refusal(too_much),
        EnrolmentRefusal::Card(CardRefusal::InsufficientBalance {
            balance_won: 3_000_000,
            needed_won: 9_000_000,
            ..
        })
    ));
    assert_eq!(count(db).await, before, "refusals wrote nothing");
    assert_eq!(db.cards().balance(c).await.unwrap(), balance);
    assert_eq!(db.enrolments().enrolment(first.id).await.unwrap(), Some(first.clone()));

    // Accepted in one cohort, the person cannot be accepted into an overlapping one.
    let accepted = db
        .enrolments()
        .accept(&accept(first.id, false, rules(0, vec![])), ACTOR)
        .await;
    assert!(matches!(accepted, Ok(Decided::Accepted(_))), "{accepted:?}");
    let before = count(db).await;
    let overlap = db
        .enrolments()
        .accept(&accept(overlapping.id, false, rules(0, vec![])), ACTOR)
        .await;
    assert_eq!(refusal(overlap), EnrolmentRefusal::Overlapping { other: first.id });
    assert_eq!(count(db).await, before);

    // No card at all, when the card must hold something.
    let q = person(db, "no-card").await;
    let e = apply(db, &application(q, "C-REFUSE", 0, 5)).await;
    let no_card = db
        .enrolments()
        .accept(&accept(e.id, false, rules(10, vec![])), ACTOR)
        .await;
    assert_eq!(refusal(no_card), EnrolmentRefusal::NoCard);
    assert_eq!(taken(db, "C-REFUSE", 0).await, 1);
}

async fn enrolments_full_cohort_waitlists_or_refuses(db: &Database) {
    let (a, b, c) = (
        person(db, "full-a").await,
        person(db, "full-b").await,
        person(db, "full-c").await,
    );
    let ea = apply(db, &application(a, "C-FULL", 0, 1)).await;
    let eb = apply(db, &application(b, "C-FULL", 0, 1)).await;
    let ec = apply(db, &application(c, "C-FULL", 0, 1)).await;
    let free = || rules(0, vec![]);
    assert!(matches!(
        db.enrolments().accept(&accept(ea.id, false, free()), ACTOR).await,
        Ok(Decided::Accepted(_))
    ));
    let mark = audit_mark(db).await;
    let full = db.enrolments().accept(&accept(eb.id, false, free()), ACTOR).await;
    assert_eq!(refusal(full), EnrolmentRefusal::CohortFull);
    assert!(events_after(db, mark).await.is_empty());
    let waiting = db.enrolments().accept(&accept(ec.id, true, free()), ACTOR).await;
    let Ok(Decided::Waitlisted(waiting)) = waiting else {
        panic!("expected the waiting list, got {waiting:?}")
    };
    assert_eq!(waiting.status, "waiting");
    assert!(waiting.waiting_since.is_some());
    assert_eq!(taken(db, "C-FULL", 0).await, 1);
    let actions: Vec<String> = events_after(db, mark).await.into_iter().map(|e| e.action).collect();
    assert_eq!(actions, ["enrolment.waitlist"]);
}

fn withdrawal(e: &EnrolmentRecord, offer: Option<Arc<dyn AcceptanceRules>>) -> StatusChange {
    StatusChange {
        enrolment_id: e.id,
        from: "accepted".to_owned(),
        to: "withdrawn".to_owned(),
        event: "withdraw".to_owned(),
        reason: None,
        on_date: day(2026, 2, 20),
        card: CardEffect::ReleaseHeld {
            rule: "enrolment.free_withdrawal_days".to_owned(),
            params: serde_json::json!({ "days": 7 }),
        },
        frees_seat: true,
        offer_freed_seat: offer,
    }
}

async fn enrolments_freed_seat_goes_to_the_first_waiting_person_who_qualifies(db: &Database) {
    let (a, b, c, d) = (
        person(db, "wait-a").await,
        person(db, "wait-b").await,
        person(db, "wait-c").await,
        person(db, "wait-d").await,
    );
    let card_a = card(db, a).await;
    card(db, c).await;
    let hold = || rules(100_000, vec![b]);
    let ea = apply(db, &application(a, "C-WAIT", 0, 1)).await;
    let mut waiting = Vec::new();
    for p in [b, c, d] {
        waiting.push(apply(db, &application(p, "C-WAIT", 0, 1)).await);
    }
    assert!(matches!(
        db.enrolments().accept(&accept(ea.id, true, hold()), ACTOR).await,
        Ok(Decided::Accepted(_))
    ));
    for e in &waiting {
        let decided = db
            .enrolments()
            .accept(&accept(e.id, true, rules(0, vec![])), ACTOR)
            .await;
        assert!(matches!(decided, Ok(Decided::Waitlisted(_))), "{decided:?}");
    }
    let accepted_a = db.enrolments().enrolment(ea.id).await.unwrap().unwrap();
    let changed = db
        .enrolments()
        .change(&withdrawal(&accepted_a, Some(hold())), "wait-a")
        .await
        .expect("withdraw");
    assert_eq!(changed.enrolment.status, "withdrawn");
    // b no longer qualifies and is refused with the reason; c gets the seat; d still waits.
    assert_eq!(changed.offers.len(), 2, "{:?}", changed.offers);
    assert!(matches!(&changed.offers[0], Offer::Skipped { enrolment_id, reason }
        if *enrolment_id == waiting[0].id && reason.contains("not admitted") && reason.contains("대상이 아닙니다")));
    assert!(matches!(&changed.offers[1], Offer::Accepted(e) if e.id == waiting[1].id && e.card_hold_won == 100_000));
    let status = |id| async move { db.enrolments().enrolment(id).await.unwrap().unwrap().status };
    assert_eq!(status(waiting[0].id).await, "refused");
    assert_eq!(status(waiting[1].id).await, "accepted");
    assert_eq!(status(waiting[2].id).await, "waiting");
    assert_eq!(taken(db, "C-WAIT", 0).await, 1);
    // a's hold came back in full.
    assert_eq!(db.cards().balance(card_a).await.unwrap(), 3_000_000);
    assert_eq!(
        statement(db, card_a).await.last().map(|e| e.kind),
        Some(CardEntryKind::Release)
    );
    let history = db.enrolments().events(waiting[0].id).await.unwrap();
    assert!(history
        .last()
        .unwrap()
        .reason
        .as_deref()
        .unwrap()
        .contains("not admitted"));
}

async fn enrolments_start_converts_and_dropout_deducts(db: &Database) {
    let p = person(db, "start").await;
    let c = card(db, p).await;
    let e = apply(db, &application(p, "C-START", 0, 2)).await;
    db.enrolments()
        .accept(&accept(e.id, false, rules(300_000, vec![])), ACTOR)
        .await
        .unwrap();
    let step = |from: &str, to: &str, event: &str, card: CardEffect, frees_seat| StatusChange {
        enrolment_id: e.id,
        from: from.to_owned(),
        to: to.to_owned(),
        event: event.to_owned(),
        reason: Some("사유".to_owned()),
        on_date: day(2026, 3, 2),
        card,
        frees_seat,
        offer_freed_seat: None,
    };
    let convert = CardEffect::ConvertHeld {
        rule: "card.charge".to_owned(),
        params: serde_json::json!({}),
    };
    // A stale step (the enrolment is accepted, not in training) changes nothing.
    let stale = db
        .enrolments()
        .change(
            &step("in_training", "completed", "complete", CardEffect::None, true),
            ACTOR,
        )
        .await;
    assert!(matches!(refusal(stale), EnrolmentRefusal::Stale { .. }));
    db.enrolments()
        .change(&step("accepted", "in_training", "start", convert, false), ACTOR)
        .await
        .expect("start");
    let kinds: Vec<(CardEntryKind, i64)> = statement(db, c).await.iter().map(|e| (e.kind, e.amount_won)).collect();
    assert_eq!(
        kinds[1..],
        [
            (CardEntryKind::Hold, -300_000),
            (CardEntryKind::Release, 300_000),
            (CardEntryKind::Charge, -300_000)
        ]
    );
    let deduct = CardEffect::Deduct {
        amount_won: 200_000,
        rule: "tuition.card.dropout_deductions_won".to_owned(),
        params: serde_json::json!({ "earlier_dropouts": 0 }),
    };
    let dropped = db
        .enrolments()
        .change(&step("in_training", "dropped_out", "drop_out", deduct, true), ACTOR)
        .await
        .expect("drop out");
    assert_eq!(dropped.enrolment.status, "dropped_out");
    assert_eq!(dropped.enrolment.reason.as_deref(), Some("사유"));
    assert_eq!(db.cards().balance(c).await.unwrap(), 3_000_000 - 300_000 - 200_000);
    assert_eq!(taken(db, "C-START", 0).await, 0);
    let events: Vec<String> = db
        .enrolments()
        .events(e.id)
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.event)
        .collect();
    assert_eq!(events, ["apply", "accept", "start", "drop_out"]);
}

async fn enrolments_events_are_append_only(db: &Database) {
    let p = person(db, "append").await;
    apply(db, &application(p, "C-APPEND", 0, 2)).await;
    assert!(raw_execute(db, "UPDATE enrolment_events SET reason = 'x'")
        .await
        .is_err());
    assert!(raw_execute(db, "DELETE FROM enrolment_events").await.is_err());
    assert!(raw_i64(db, "SELECT COUNT(*) FROM enrolment_events").await.unwrap() > 0);
}

/// An enrolment written in bulk has no seat row: acceptance makes it from the catalogue's count.
async fn enrolments_acceptance_makes_a_missing_seat_row(db: &Database) {
    let p = person(db, "bulk").await;
    let e = apply(db, &application(p, "C-BULK", 0, 9)).await;
    raw_execute(db, "DELETE FROM cohort_seats WHERE course_id = 'C-BULK'")
        .await
        .unwrap();
    assert!(db.enrolments().seats("C-BULK", 0).await.unwrap().is_none());
    let mut acceptance = accept(e.id, false, rules(0, vec![]));
    acceptance.seats_if_new = 2;
    let decided = db.enrolments().accept(&acceptance, ACTOR).await;
    assert!(matches!(decided, Ok(Decided::Accepted(_))), "{decided:?}");
    let seats = db.enrolments().seats("C-BULK", 0).await.unwrap().unwrap();
    assert_eq!((seats.seats, seats.taken), (2, 1));
}

async fn enrolments_concurrent_acceptances_never_oversell(db: &Database) {
    const PEOPLE: usize = 30;
    const SEATS: i64 = 5;
    let mut ids = Vec::new();
    for n in 0..PEOPLE {
        let p = person(db, &format!("race-{n}")).await;
        ids.push(apply(db, &application(p, "C-RACE", 0, SEATS)).await.id);
    }
    let tasks: Vec<_> = ids
        .iter()
        .map(|&id| {
            let db = db.clone();
            tokio::spawn(async move { db.enrolments().accept(&accept(id, true, rules(0, vec![])), ACTOR).await })
        })
        .collect();
    let (mut accepted, mut waiting) = (0, 0);
    for task in tasks {
        match task.await.expect("task") {
            Ok(Decided::Accepted(_)) => accepted += 1,
            Ok(Decided::Waitlisted(_)) => waiting += 1,
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    assert_eq!((accepted, waiting), (SEATS, PEOPLE as i64 - SEATS));
    assert_eq!(taken(db, "C-RACE", 0).await, SEATS);
    let roster = db.enrolments().of_cohort("C-RACE", 0).await.unwrap();
    assert_eq!(roster.iter().filter(|e| e.status == "accepted").count(), SEATS as usize);
}

/// A range read gives exactly what reading each id of the range one at a time gives, filtered
/// by status, in id order; ids outside the range are left out.
async fn enrolments_in_id_range_reads_a_range_by_status(db: &Database) {
    let mut made = Vec::new();
    for n in 0..6 {
        let p = person(db, &format!("range-{n}")).await;
        made.push(apply(db, &application(p, "C-RANGE", 0, 10)).await);
    }
    let withdraw = StatusChange {
        from: "applied".to_owned(),
        card: CardEffect::None,
        frees_seat: false,
        ..withdrawal(&made[2], None)
    };
    let withdrawn = db
        .enrolments()
        .change(&withdraw, ACTOR)
        .await
        .expect("withdraw")
        .enrolment;
    assert_eq!(withdrawn.status, "withdrawn");
    let range = made[1].id..=made[4].id;
    let mut one_by_one = Vec::new();
    for id in range.clone() {
        one_by_one.extend(db.enrolments().enrolment(id).await.unwrap());
    }
    assert_eq!(one_by_one.len(), 4, "{one_by_one:?}");

    let all = db.enrolments().in_id_range(range.clone(), &[]).await.unwrap();
    assert_eq!(all, one_by_one);
    let applied = db.enrolments().in_id_range(range.clone(), &["applied"]).await.unwrap();
    let expected: Vec<_> = one_by_one.iter().filter(|e| e.status == "applied").cloned().collect();
    assert_eq!(applied, expected);
    assert_eq!(applied.len(), 3);
    let both = db
        .enrolments()
        .in_id_range(range.clone(), &["withdrawn", "applied", "completed"])
        .await
        .unwrap();
    assert_eq!(both, one_by_one);
    let none = db.enrolments().in_id_range(range, &["completed"]).await.unwrap();
    assert!(none.is_empty(), "{none:?}");
    let past = made[5].id + 1;
    assert!(db
        .enrolments()
        .in_id_range(past..=past + 100, &[])
        .await
        .unwrap()
        .is_empty());
}
