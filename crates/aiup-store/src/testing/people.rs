//! Conformance checks of the people aggregate.

use super::{assert_event, audit_mark, events_after, fake_sha};
use crate::{
    Database, NewAccount, NewApplication, PersonFields, StoreError, ACTION_PERSON_CREATE, ACTION_PERSON_UPDATE,
};

pub(super) const CHECKS: &[&str] = &[
    "people_profile_is_created_then_updated_with_audit",
    "people_unknown_account_and_taken_identifier_change_nothing",
    "people_of_enrolments_in_range_are_each_read_once",
];

pub(super) async fn run(db: &Database) {
    check!(db, people_profile_is_created_then_updated_with_audit);
    check!(db, people_unknown_account_and_taken_identifier_change_nothing);
    check!(db, people_of_enrolments_in_range_are_each_read_once);
}

async fn trainee_account(db: &Database, login: &str) -> i64 {
    db.accounts()
        .create(
            &NewAccount {
                login: login.to_owned(),
                display_name: format!("{login} 님"),
                role: "trainee".to_owned(),
                scope: None,
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$people-hash".to_owned(),
            },
            "admin",
        )
        .await
        .expect("create account")
        .id
}

fn fields(region: &str) -> PersonFields {
    PersonFields {
        stage: "entry".to_owned(),
        status: "job_seeker".to_owned(),
        employer_size: None,
        region_code: region.to_owned(),
        age_band: "20_29".to_owned(),
        target_groups: "low_income,single_parent".to_owned(),
        kukchi: "type_1".to_owned(),
        external_id_hash: Some(fake_sha("people-1")),
    }
}

async fn people_profile_is_created_then_updated_with_audit(db: &Database) {
    let account = trainee_account(db, "people-kim").await;
    assert!(db.people().person_of_account(account).await.unwrap().is_none());
    let mark = audit_mark(db).await;
    let created = db
        .people()
        .save_for_account(account, fields("11110"), "people-kim")
        .await
        .unwrap();
    assert_eq!(created.account_id, Some(account));
    assert_eq!(created.fields, fields("11110"));
    assert_eq!(db.people().person(created.id).await.unwrap().as_ref(), Some(&created));
    assert_eq!(
        db.people().person_of_account(account).await.unwrap().map(|p| p.id),
        Some(created.id)
    );

    // Saving the same fields writes nothing.
    let same = db
        .people()
        .save_for_account(account, fields("11110"), "people-kim")
        .await
        .unwrap();
    assert_eq!(same, created);

    let moved = db
        .people()
        .save_for_account(account, fields("51760"), "people-kim")
        .await
        .unwrap();
    assert_eq!(moved.id, created.id);
    assert_eq!(moved.fields.region_code, "51760");
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 2, "{events:?}");
    let subject = format!("person:{}", created.id);
    assert_event(&events[0], ACTION_PERSON_CREATE, "people-kim", &subject);
    assert_event(&events[1], ACTION_PERSON_UPDATE, "people-kim", &subject);
    assert_eq!(events[1].detail["before"]["region_code"], "11110");
    assert_eq!(events[1].detail["after"]["region_code"], "51760");
    let shown = events[1].detail.to_string();
    assert!(
        !shown.contains(&fake_sha("people-1")),
        "the identifier hash is not audited: {shown}"
    );
}

async fn people_unknown_account_and_taken_identifier_change_nothing(db: &Database) {
    let mark = audit_mark(db).await;
    let missing = db.people().save_for_account(987_654, fields("11110"), "x").await;
    assert!(matches!(missing, Err(StoreError::NotFound { .. })), "{missing:?}");

    let other = trainee_account(db, "people-lee").await;
    let mark_after_account = audit_mark(db).await;
    assert!(mark_after_account > mark);
    let taken = db.people().save_for_account(other, fields("11110"), "people-lee").await;
    assert!(matches!(taken, Err(StoreError::Conflict { .. })), "{taken:?}");
    assert!(db.people().person_of_account(other).await.unwrap().is_none());
    assert!(events_after(db, mark_after_account).await.is_empty());
}

/// The people of a range of enrolments: each once (one has two enrolments in it), by id, the
/// same records as read one at a time; a person whose enrolments are all outside is left out.
async fn people_of_enrolments_in_range_are_each_read_once(db: &Database) {
    let mut people = Vec::new();
    for n in 0..3 {
        let account = trainee_account(db, &format!("people-range-{n}")).await;
        let mut f = fields("11110");
        f.external_id_hash = None;
        let person = db.people().save_for_account(account, f, "people-range").await.unwrap();
        people.push(person);
    }
    let apply = |person_id: i64, ordinal: i64| {
        let month = u32::try_from(3 + ordinal).expect("small ordinal");
        NewApplication {
            person_id,
            course_id: "C-PEOPLE-RANGE".to_owned(),
            cohort_ordinal: ordinal,
            institution_id: "I-PEOPLE".to_owned(),
            programme: "national_tomorrow_learning_card".to_owned(),
            cohort_start: chrono::NaiveDate::from_ymd_opt(2026, month, 2).expect("date"),
            cohort_end: chrono::NaiveDate::from_ymd_opt(2026, month, 27).expect("date"),
            fee_won: 500_000,
            seats: 10,
        }
    };
    // In id order: person 1, person 0, person 0 again (another cohort), then person 2.
    let mut enrolments = Vec::new();
    for (who, ordinal) in [(1, 0), (0, 0), (0, 1), (2, 0)] {
        let e = db
            .enrolments()
            .apply(&apply(people[who].id, ordinal), "people-range")
            .await
            .expect("apply");
        enrolments.push(e.id);
    }
    let read = db
        .people()
        .of_enrolments_in_range(enrolments[0]..=enrolments[2])
        .await
        .unwrap();
    let mut expected = vec![people[0].clone(), people[1].clone()];
    expected.sort_by_key(|p| p.id);
    assert_eq!(read, expected);
    let last = enrolments[3];
    let only_last = db.people().of_enrolments_in_range(last..=last).await.unwrap();
    assert_eq!(only_last, vec![people[2].clone()]);
    assert!(db
        .people()
        .of_enrolments_in_range(last + 1..=last + 50)
        .await
        .unwrap()
        .is_empty());
}
