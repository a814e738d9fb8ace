//! Conformance checks of `SurveyStore`, run on every backend.

use chrono::NaiveDate;

use super::{assert_event, audit_mark, events_after, fake_sha, raw_i64};
use crate::{Database, NewSurveyRound, StoreError, SurveyAnswerRow, ACTION_SME_SURVEY_IMPORT};

/// The checks, in the order [`run`] runs them.
pub const CHECKS: &[&str] = &[
    "sme_survey_a_round_is_stored_with_its_answers_and_audited",
    "sme_survey_the_same_file_again_changes_nothing_and_a_name_is_taken_once",
    "sme_survey_a_bad_answer_stores_nothing",
];

pub async fn run(db: &Database) {
    check!(db, sme_survey_a_round_is_stored_with_its_answers_and_audited);
    check!(
        db,
        sme_survey_the_same_file_again_changes_nothing_and_a_name_is_taken_once
    );
    check!(db, sme_survey_a_bad_answer_stores_nothing);
}

fn new_round(name: &str) -> NewSurveyRound {
    NewSurveyRound {
        name: name.to_owned(),
        fielded_from: NaiveDate::from_ymd_opt(2025, 8, 12).expect("date"),
        fielded_to: NaiveDate::from_ymd_opt(2025, 8, 18).expect("date"),
        source: format!("{name}.csv"),
        content_sha256: fake_sha(name),
    }
}

fn answer(line: i64, number: Option<&str>, trained: bool) -> SurveyAnswerRow {
    SurveyAnswerRow {
        line,
        business_number: number.map(str::to_owned),
        size_band: "10_29".to_owned(),
        province: "41".to_owned(),
        ai_use: trained,
        experience: if trained { "done" } else { "none" }.to_owned(),
        need: true,
        intent: !trained,
        fields_done: if trained { 0b101 } else { 0 },
        fields_needed: 0b1000_0000,
        method_done: trained.then_some(3),
        method_needed: Some(1),
        level_done: None,
        level_needed: Some(0),
        hours_done: trained.then_some(4),
        hours_needed: Some(2),
        obstacles_done: if trained { 0b100_0000 } else { 0 },
        obstacles_needed: 0b1_0000,
        support: 0b1111_1111,
    }
}

async fn answers_stored(db: &Database) -> i64 {
    raw_i64(db, "SELECT COUNT(*) FROM sme_survey_answers")
        .await
        .expect("count")
}

async fn sme_survey_a_round_is_stored_with_its_answers_and_audited(db: &Database) {
    let mark = audit_mark(db).await;
    let answers = vec![
        answer(2, Some("1234567891"), true),
        answer(3, None, false),
        answer(4, None, true),
    ];
    let round = new_round("conformance survey a");
    let imported = db
        .sme_survey()
        .import_round(&round, &answers, "programme-admin")
        .await
        .expect("import");
    assert!(imported.created);
    assert_eq!(imported.round.round, round);
    assert_eq!(imported.round.answers, 3);
    assert_eq!(imported.round.imported_by, "programme-admin");
    let id = imported.round.id;
    assert_eq!(
        db.sme_survey().round(id).await.expect("round"),
        Some(imported.round.clone())
    );
    assert!(db
        .sme_survey()
        .rounds()
        .await
        .expect("rounds")
        .contains(&imported.round));
    assert_eq!(db.sme_survey().answers(id).await.expect("answers"), answers);
    assert_eq!(db.sme_survey().round(id + 1000).await.expect("round"), None);
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_event(
        &events[0],
        ACTION_SME_SURVEY_IMPORT,
        "programme-admin",
        &format!("sme_survey_round:{id}"),
    );
    assert_eq!(events[0].detail["answers"], 3);
}

async fn sme_survey_the_same_file_again_changes_nothing_and_a_name_is_taken_once(db: &Database) {
    let round = new_round("conformance survey b");
    let answers = vec![answer(2, None, false)];
    let first = db
        .sme_survey()
        .import_round(&round, &answers, "admin")
        .await
        .expect("import");
    let mark = audit_mark(db).await;
    let before = answers_stored(db).await;
    // The same content (even under another name) is the stored round.
    let mut renamed = round.clone();
    renamed.name = "conformance survey b again".to_owned();
    let again = db
        .sme_survey()
        .import_round(&renamed, &answers, "admin")
        .await
        .expect("again");
    assert!(!again.created);
    assert_eq!(again.round, first.round);
    // Another file under a stored name is refused.
    let mut other = round.clone();
    other.content_sha256 = fake_sha("another file");
    let refused = db.sme_survey().import_round(&other, &answers, "admin").await;
    assert!(matches!(refused, Err(StoreError::Conflict { .. })), "{refused:?}");
    assert_eq!(answers_stored(db).await, before);
    assert!(events_after(db, mark).await.is_empty());
}

async fn sme_survey_a_bad_answer_stores_nothing(db: &Database) {
    let mark = audit_mark(db).await;
    let before = answers_stored(db).await;
    let rounds = db.sme_survey().rounds().await.expect("rounds").len();
    let mut bad = answer(3, None, false);
    bad.province = "999".to_owned();
    let result = db
        .sme_survey()
        .import_round(
            &new_round("conformance survey c"),
            &[answer(2, None, true), bad],
            "admin",
        )
        .await;
    assert!(result.is_err(), "{result:?}");
    assert_eq!(answers_stored(db).await, before);
    assert_eq!(db.sme_survey().rounds().await.expect("rounds").len(), rounds);
    assert!(events_after(db, mark).await.is_empty());
}
