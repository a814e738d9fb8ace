//! Conformance checks of the population aggregate (bulk loads).

use chrono::{DateTime, NaiveDate, Utc};

use super::{assert_event, audit_mark, events_after, raw_i64};
use crate::{
    Database, DiagnosisAnswer, DiagnosisResult, NewAccount, PersonFields, PopulationBatch, PopulationCard,
    PopulationCardEntry, PopulationDiagnosis, PopulationEnrolment, PopulationEvent, PopulationPerson, PopulationSeats,
    StoreError, ACTION_POPULATION_LOAD,
};

pub(super) const CHECKS: &[&str] = &[
    "population_load_writes_every_row_with_one_audit_event",
    "population_bad_reference_or_overbooked_seat_writes_nothing",
    "population_ids_do_not_clash_with_people_saved_later",
];

pub(super) async fn run(db: &Database) {
    check!(db, population_load_writes_every_row_with_one_audit_event);
    check!(db, population_bad_reference_or_overbooked_seat_writes_nothing);
    check!(db, population_ids_do_not_clash_with_people_saved_later);
}

fn at(day: u32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(2026, 3, day)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
}

fn person(region: &str, status: &str) -> PopulationPerson {
    PopulationPerson {
        fields: PersonFields {
            stage: "entry".to_owned(),
            status: status.to_owned(),
            employer_size: (status == "employed").then(|| "priority_support".to_owned()),
            region_code: region.to_owned(),
            age_band: "20_29".to_owned(),
            target_groups: String::new(),
            kukchi: "none".to_owned(),
            external_id_hash: None,
        },
        created_at: at(1),
    }
}

/// A card entry for the ledger of a card issued on day 1 with 3,000,000 won.
fn card_entry(
    kind: &str,
    amount_won: i64,
    balance_after_won: i64,
    day: u32,
    enrolment: Option<usize>,
) -> PopulationCardEntry {
    PopulationCardEntry {
        kind: kind.to_owned(),
        amount_won,
        balance_after_won,
        on_date: NaiveDate::from_ymd_opt(2026, 3, day).unwrap(),
        at: at(day),
        rule: if kind == "issue" {
            "tuition.card.account_won"
        } else {
            "tuition.card.charge"
        }
        .to_owned(),
        params: serde_json::json!({ "amount_won": amount_won }),
        enrolment,
    }
}

fn event(event: &str, from: Option<&str>, to: &str, day: u32) -> PopulationEvent {
    PopulationEvent {
        event: event.to_owned(),
        from_status: from.map(str::to_owned),
        to_status: to.to_owned(),
        at: at(day),
    }
}

fn enrolment(person: usize, course: &str, status: &str, events: Vec<PopulationEvent>) -> PopulationEnrolment {
    PopulationEnrolment {
        person,
        course_id: course.to_owned(),
        cohort_ordinal: 0,
        institution_id: "POP-INST".to_owned(),
        programme: "card-ai-general".to_owned(),
        cohort_start: NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
        cohort_end: NaiveDate::from_ymd_opt(2026, 5, 29).unwrap(),
        status: status.to_owned(),
        fee_won: 1_200_000,
        card_hold_won: 0,
        self_payment_won: 0,
        applied_at: at(2),
        updated_at: events.last().map_or(at(2), |e| e.at),
        waiting_since: None,
        events,
    }
}

/// Run `run_no` of `person`: two answers (one right) and one module result.
fn diagnosis(person: usize, run_no: i64) -> PopulationDiagnosis {
    PopulationDiagnosis {
        person,
        run_no,
        taken_on: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        recorded_at: at(1),
        bank_version: super::fake_sha("population-bank"),
        mastery_bp: 7_000,
        step_pass_bp: 6_000,
        step_reached: Some("basic_understanding".to_owned()),
        answers: vec![
            DiagnosisAnswer {
                item_id: "b-eth-01".to_owned(),
                chosen: Some(2),
                correct: true,
            },
            DiagnosisAnswer {
                item_id: "b-eth-02".to_owned(),
                chosen: None,
                correct: false,
            },
        ],
        results: vec![DiagnosisResult {
            dimension: "module".to_owned(),
            code: "ethics".to_owned(),
            items: 2,
            correct: 1,
            score_bp: 5_000,
            gap_bp: 2_000,
        }],
    }
}

/// Three people, two cards, two diagnosis runs of the first, three enrolments in two cohorts
/// of `prefix`.
fn batch(prefix: &str) -> PopulationBatch {
    let course = |n: u32| format!("{prefix}-C{n}");
    PopulationBatch {
        people: vec![
            person("11110", "job_seeker"),
            person("51760", "job_seeker"),
            person("26110", "employed"),
        ],
        cards: (0..2)
            .map(|person| PopulationCard {
                person,
                issued_on: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
                expires_on: NaiveDate::from_ymd_opt(2031, 2, 28).unwrap(),
                // The first person's accepted enrolment holds 440,000 won on their card.
                entries: if person == 0 {
                    vec![
                        card_entry("issue", 3_000_000, 3_000_000, 1, None),
                        card_entry("hold", -440_000, 2_560_000, 5, Some(0)),
                    ]
                } else {
                    vec![card_entry("issue", 3_000_000, 3_000_000, 1, None)]
                },
            })
            .collect(),
        diagnoses: vec![diagnosis(0, 1), diagnosis(0, 2)],
        enrolments: vec![
            PopulationEnrolment {
                card_hold_won: 440_000,
                self_payment_won: 110_000,
                ..enrolment(
                    0,
                    &course(1),
                    "accepted",
                    vec![
                        event("apply", None, "applied", 2),
                        event("accept", Some("applied"), "accepted", 5),
                    ],
                )
            },
            enrolment(1, &course(1), "applied", vec![event("apply", None, "applied", 3)]),
            enrolment(
                2,
                &course(2),
                "cancelled",
                vec![
                    event("apply", None, "applied", 3),
                    event("cancel", Some("applied"), "cancelled", 4),
                ],
            ),
        ],
        seats: vec![
            PopulationSeats {
                course_id: course(1),
                cohort_ordinal: 0,
                seats: 20,
                taken: 1,
            },
            PopulationSeats {
                course_id: course(2),
                cohort_ordinal: 0,
                seats: 2,
                taken: 0,
            },
        ],
    }
}

async fn population_load_writes_every_row_with_one_audit_event(db: &Database) {
    let before = db.population().counts().await.unwrap();
    let mark = audit_mark(db).await;
    let written = db.population().load(batch("POPA"), "generator").await.unwrap();
    assert_eq!(
        (
            written.people,
            written.card_accounts,
            written.card_entries,
            written.diagnosis_runs,
            written.diagnosis_results,
            written.enrolments,
            written.enrolment_events,
            written.cohort_seats
        ),
        (3, 2, 3, 2, 2, 3, 5, 2)
    );
    let after = db.population().counts().await.unwrap();
    assert_eq!(after.total() - before.total(), written.total());
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_event(&events[0], ACTION_POPULATION_LOAD, "generator", "population");
    assert_eq!(events[0].detail["counts"]["people"], 3);

    // The rows read back through the other aggregates.
    let first = events[0].detail["first_person_id"].as_i64().expect("first person id");
    let kim = db.people().person(first).await.unwrap().expect("first person");
    assert_eq!(kim.fields, person("11110", "job_seeker").fields);
    assert_eq!(kim.account_id, None);
    let card = db.cards().card_of_person(first).await.unwrap().expect("a card");
    assert_eq!((card.balance_won, card.last_seq), (2_560_000, 2));
    assert_eq!(db.cards().balance(card.id).await.unwrap(), 2_560_000);
    let statement = db.cards().statement(card.id).await.unwrap();
    assert_eq!(statement.len(), 2);
    assert_eq!(statement[0].params["amount_won"], 3_000_000);
    let accepted = db.enrolments().of_person(first).await.unwrap();
    assert_eq!(
        (accepted[0].card_hold_won, accepted[0].self_payment_won),
        (440_000, 110_000)
    );
    assert_eq!(
        (
            statement[1].amount_won,
            statement[1].balance_after_won,
            statement[1].enrolment_id
        ),
        (-440_000, 2_560_000, Some(accepted[0].id))
    );
    let taken = raw_i64(db, "SELECT taken FROM cohort_seats WHERE course_id = 'POPA-C1'")
        .await
        .unwrap();
    assert_eq!(taken, 1);
    let history = db.diagnoses().history(first).await.unwrap();
    assert_eq!(history.iter().map(|r| r.run.run_no).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(history[0].run.answers, diagnosis(0, 1).answers);
    assert_eq!(history[1].run.results, diagnosis(0, 2).results);
    assert_eq!(db.diagnoses().next_run_no(first).await.unwrap(), 3);
    let seqs = raw_i64(
        db,
        &format!(
            "SELECT MAX(seq) FROM enrolment_events WHERE enrolment_id = \
             (SELECT id FROM enrolments WHERE person_id = {first})"
        ),
    )
    .await
    .unwrap();
    assert_eq!(seqs, 2);

    // A second load adds to the seats a cohort already has.
    db.population().load(batch("POPA"), "generator").await.unwrap();
    let taken = raw_i64(db, "SELECT taken FROM cohort_seats WHERE course_id = 'POPA-C1'")
        .await
        .unwrap();
    assert_eq!(taken, 2);
}

async fn population_bad_reference_or_overbooked_seat_writes_nothing(db: &Database) {
    let before = db.population().counts().await.unwrap();
    let mark = audit_mark(db).await;
    let mut bad = batch("POPB");
    bad.cards[1].person = 7;
    match db.population().load(bad, "generator").await {
        Err(StoreError::Conflict { what, .. }) => assert_eq!(what, "card"),
        other => panic!("expected a conflict, got {other:?}"),
    }
    let mut bad = batch("POPB");
    bad.cards[0].entries[1].enrolment = Some(3);
    match db.population().load(bad, "generator").await {
        Err(StoreError::Conflict { what, .. }) => assert_eq!(what, "card"),
        other => panic!("expected a conflict, got {other:?}"),
    }
    // The last statement fails: a cohort with more seat-holders than seats.
    let mut overbooked = batch("POPB");
    overbooked.seats[1].taken = 3;
    assert!(db.population().load(overbooked, "generator").await.is_err());
    assert_eq!(db.population().counts().await.unwrap(), before);
    assert!(events_after(db, mark).await.is_empty());
}

async fn population_ids_do_not_clash_with_people_saved_later(db: &Database) {
    db.population().load(batch("POPC"), "generator").await.unwrap();
    let loaded_max = raw_i64(db, "SELECT MAX(id) FROM people").await.unwrap();
    let account = db
        .accounts()
        .create(
            &NewAccount {
                login: "population-lee".to_owned(),
                display_name: "이 님".to_owned(),
                role: "trainee".to_owned(),
                scope: None,
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$population-hash".to_owned(),
            },
            "admin",
        )
        .await
        .unwrap()
        .id;
    let saved = db
        .people()
        .save_for_account(account, person("11110", "job_seeker").fields, "population-lee")
        .await
        .unwrap();
    assert!(saved.id > loaded_max, "{} after {loaded_max}", saved.id);
    // And a load after it continues past it.
    db.population().load(batch("POPD"), "generator").await.unwrap();
    let after_saved = raw_i64(db, &format!("SELECT COUNT(*) FROM people WHERE id > {}", saved.id))
        .await
        .unwrap();
    assert_eq!(after_saved, 3);
}
