//! Conformance checks of the diagnosis aggregate.

use chrono::NaiveDate;

use super::{assert_event, audit_mark, events_after, fake_sha, raw_execute, raw_i64};
use crate::{
    Database, DiagnosisAnswer, DiagnosisResult, NewAccount, NewDiagnosisRun, PersonFields, StoreError,
    ACTION_DIAGNOSIS_RECORD,
};

pub(super) const CHECKS: &[&str] = &[
    "diagnosis_runs_are_recorded_read_back_and_audited",
    "diagnosis_a_repeated_run_or_unknown_person_changes_nothing",
    "diagnosis_runs_are_append_only",
    "diagnosis_the_same_run_sent_twice_at_once_is_stored_once",
    "diagnosis_answers_are_kept_on_the_run_in_form_order",
];

pub(super) async fn run(db: &Database) {
    check!(db, diagnosis_runs_are_recorded_read_back_and_audited);
    check!(db, diagnosis_a_repeated_run_or_unknown_person_changes_nothing);
    check!(db, diagnosis_runs_are_append_only);
    check!(db, diagnosis_the_same_run_sent_twice_at_once_is_stored_once);
    check!(db, diagnosis_answers_are_kept_on_the_run_in_form_order);
}

async fn person(db: &Database, login: &str) -> i64 {
    let account = db
        .accounts()
        .create(
            &NewAccount {
                login: login.to_owned(),
                display_name: format!("{login} 님"),
                role: "trainee".to_owned(),
                scope: None,
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$diagnosis-hash".to_owned(),
            },
            "admin",
        )
        .await
        .expect("create account")
        .id;
    let fields = PersonFields {
        stage: "participation".to_owned(),
        status: "employed".to_owned(),
        employer_size: Some("priority_support".to_owned()),
        region_code: "11680".to_owned(),
        age_band: "30_39".to_owned(),
        target_groups: String::new(),
        kukchi: "none".to_owned(),
        external_id_hash: None,
    };
    db.people()
        .save_for_account(account, fields, login)
        .await
        .expect("save person")
        .id
}

fn new_run(person_id: i64, run_no: i64, correct_items: usize) -> NewDiagnosisRun {
    let answers = (0..4)
        .map(|n| DiagnosisAnswer {
            item_id: format!("b-eth-{n:02}"),
            chosen: if n == 3 { None } else { Some(n) },
            correct: (n as usize) < correct_items,
        })
        .collect();
    let result = |dimension: &str, code: &str, correct: i64| DiagnosisResult {
        dimension: dimension.to_owned(),
        code: code.to_owned(),
        items: 4,
        correct,
        score_bp: correct * 2_500,
        gap_bp: (7_000 - correct * 2_500).max(0),
    };
    NewDiagnosisRun {
        person_id,
        run_no,
        taken_on: NaiveDate::from_ymd_opt(2026, 3, 1 + run_no as u32).unwrap(),
        bank_version: fake_sha("bank"),
        mastery_bp: 7_000,
        step_pass_bp: 6_000,
        step_reached: (correct_items >= 3).then(|| "basic_understanding".to_owned()),
        answers,
        results: vec![
            result("step", "basic_understanding", correct_items as i64),
            result("module", "ethics_security", correct_items as i64),
            result("module", "data_bias", 0),
        ],
    }
}

async fn diagnosis_runs_are_recorded_read_back_and_audited(db: &Database) {
    let kim = person(db, "diagnosis-kim").await;
    let lee = person(db, "diagnosis-lee").await;
    assert_eq!(db.diagnoses().next_run_no(kim).await.unwrap(), 1);
    assert!(db.diagnoses().history(kim).await.unwrap().is_empty());

    let mark = audit_mark(db).await;
    let first = db
        .diagnoses()
        .record(&new_run(kim, 1, 1), "diagnosis-kim")
        .await
        .unwrap();
    let second = db
        .diagnoses()
        .record(&new_run(kim, 2, 3), "diagnosis-kim")
        .await
        .unwrap();
    let other = db
        .diagnoses()
        .record(&new_run(lee, 1, 2), "diagnosis-lee")
        .await
        .unwrap();
    assert_eq!(db.diagnoses().next_run_no(kim).await.unwrap(), 3);
    assert_eq!(db.diagnoses().next_run_no(lee).await.unwrap(), 2);

    let read = db.diagnoses().run(second.id).await.unwrap().expect("second run");
    assert_eq!(read, second);
    let mut expected = new_run(kim, 2, 3);
    expected.results.swap(1, 2);
    assert_eq!(read.run, expected);
    assert_eq!(
        read.run.answers[3].chosen, None,
        "an unanswered item reads back as none"
    );
    // Steps first, then modules by code.
    let codes: Vec<&str> = read.run.results.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, ["basic_understanding", "data_bias", "ethics_security"]);

    let history = db.diagnoses().history(kim).await.unwrap();
    assert_eq!(history.iter().map(|r| r.id).collect::<Vec<_>>(), [first.id, second.id]);
    assert_eq!(db.diagnoses().history(lee).await.unwrap(), std::slice::from_ref(&other));
    assert!(db.diagnoses().run(other.id + 1_000).await.unwrap().is_none());

    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 3, "{events:?}");
    assert_event(
        &events[1],
        ACTION_DIAGNOSIS_RECORD,
        "diagnosis-kim",
        &format!("diagnosis:{}", second.id),
    );
    assert_eq!(events[1].detail["run_no"], 2);
    assert_eq!(events[1].detail["step_reached"], "basic_understanding");
    assert!(
        events[1].detail.get("answers").is_none(),
        "answers are not audited: {}",
        events[1].detail
    );
}

async fn diagnosis_a_repeated_run_or_unknown_person_changes_nothing(db: &Database) {
    let park = person(db, "diagnosis-park").await;
    db.diagnoses()
        .record(&new_run(park, 1, 2), "diagnosis-park")
        .await
        .unwrap();
    let rows = raw_i64(db, "SELECT count(*) FROM diagnosis_runs").await.unwrap();
    let mark = audit_mark(db).await;

    let again = db.diagnoses().record(&new_run(park, 1, 4), "diagnosis-park").await;
    assert!(matches!(again, Err(StoreError::Conflict { .. })), "{again:?}");
    let nobody = db.diagnoses().record(&new_run(987_654, 1, 1), "x").await;
    assert!(matches!(nobody, Err(StoreError::NotFound { .. })), "{nobody:?}");
    // A bad row fails the whole run: an answer outside the four options.
    let mut bad = new_run(park, 2, 1);
    bad.answers[0].chosen = Some(4);
    assert!(db.diagnoses().record(&bad, "diagnosis-park").await.is_err());
    // An item id with a comma would split into two items when read back.
    let mut bad = new_run(park, 2, 1);
    bad.answers[1].item_id = "b-eth,01".to_owned();
    assert!(db.diagnoses().record(&bad, "diagnosis-park").await.is_err());

    assert_eq!(db.diagnoses().history(park).await.unwrap().len(), 1);
    assert_eq!(db.diagnoses().next_run_no(park).await.unwrap(), 2);
    assert_eq!(raw_i64(db, "SELECT count(*) FROM diagnosis_runs").await.unwrap(), rows);
    assert!(events_after(db, mark).await.is_empty());
}

async fn diagnosis_runs_are_append_only(db: &Database) {
    let choi = person(db, "diagnosis-choi").await;
    db.diagnoses()
        .record(&new_run(choi, 1, 2), "diagnosis-choi")
        .await
        .unwrap();
    for sql in [
        "UPDATE diagnosis_runs SET step_reached = 'solution_development'",
        "DELETE FROM diagnosis_runs",
        "UPDATE diagnosis_runs SET choices = '0000'",
        "UPDATE diagnosis_results SET gap_bp = 0",
        "DELETE FROM diagnosis_results",
    ] {
        let refused = raw_execute(db, sql).await;
        assert!(refused.is_err(), "{sql} must be refused");
    }
    assert_eq!(db.diagnoses().history(choi).await.unwrap().len(), 1);
}

async fn diagnosis_the_same_run_sent_twice_at_once_is_stored_once(db: &Database) {
    let han = person(db, "diagnosis-han").await;
    let jung = person(db, "diagnosis-jung").await;
    let mark = audit_mark(db).await;
    // Four submissions of run 1 of one person, and one of another person, all at once.
    let tasks: Vec<_> = [han, han, han, han, jung]
        .into_iter()
        .map(|who| {
            let db = db.clone();
            tokio::spawn(async move { db.diagnoses().record(&new_run(who, 1, 2), "diagnosis-twice").await })
        })
        .collect();
    let mut stored = 0;
    for task in tasks {
        match task.await.expect("task") {
            Ok(_) => stored += 1,
            Err(StoreError::Conflict { .. }) => {}
            Err(other) => panic!("a repeated run must be a conflict, got {other:?}"),
        }
    }
    assert_eq!(stored, 2, "one run for each person");
    assert_eq!(db.diagnoses().history(han).await.unwrap().len(), 1);
    assert_eq!(db.diagnoses().history(jung).await.unwrap().len(), 1);
    assert_eq!(events_after(db, mark).await.len(), 2, "one audit event per stored run");
}

async fn diagnosis_answers_are_kept_on_the_run_in_form_order(db: &Database) {
    let yoon = person(db, "diagnosis-yoon").await;
    let stored = db
        .diagnoses()
        .record(&new_run(yoon, 1, 2), "diagnosis-yoon")
        .await
        .unwrap();
    // One row per run: item ids comma-separated, one character per choice and per correctness.
    let sql = format!(
        "SELECT count(*) FROM diagnosis_runs WHERE id = {} AND item_ids = 'b-eth-00,b-eth-01,b-eth-02,b-eth-03' \
         AND choices = '012-' AND correct = '1100'",
        stored.id
    );
    assert_eq!(raw_i64(db, &sql).await.unwrap(), 1);

    let mut empty = new_run(yoon, 2, 0);
    empty.answers.clear();
    let stored = db.diagnoses().record(&empty, "diagnosis-yoon").await.unwrap();
    let read = db
        .diagnoses()
        .run(stored.id)
        .await
        .unwrap()
        .expect("run without answers");
    assert!(read.run.answers.is_empty());
    assert_eq!(read, stored);
}
