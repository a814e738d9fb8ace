//! Conformance checks of `SiteStore`, run on every backend.

use chrono::NaiveDate;

use super::enrolment_reports::insert_person;
use super::{assert_event, audit_mark, events_after, raw_execute};
use crate::{Database, NewSite, StoreError, ACTION_SITES_IMPORT};

/// The checks, in the order [`run`] runs them.
pub const CHECKS: &[&str] = &[
    "sites_upsert_by_id_and_audit",
    "sites_refuse_bad_rows_whole",
    "sites_cohort_use_counts_in_training_on_the_day",
];

pub async fn run(db: &Database) {
    check!(db, sites_upsert_by_id_and_audit);
    check!(db, sites_refuse_bad_rows_whole);
    check!(db, sites_cohort_use_counts_in_training_on_the_day);
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_else(|| panic!("{y}-{m}-{d}"))
}

fn site(id: &str, kind: &str, institution: &str) -> NewSite {
    NewSite {
        id: id.to_owned(),
        kind: kind.to_owned(),
        name_ko: format!("{id} 실습장"),
        name_en: format!("{id} lab"),
        institution_id: institution.to_owned(),
        region_code: "48123".to_owned(),
        province_code: "48".to_owned(),
        capacity: 40,
        designated_on: day(2026, 3, 2),
        opened_on: None,
        industry_focus: "기계".to_owned(),
    }
}

async fn sites_upsert_by_id_and_audit(db: &Database) {
    let store = db.sites();
    let mark = audit_mark(db).await;
    let rows = vec![
        site("st-lab-1", "physical_ai_lab", "ST-INST-1"),
        site("st-centre-1", "joint_training_centre", "ST-INST-2"),
    ];
    let first = store.import_sites(&rows, "admin:st").await.expect("import");
    assert_eq!((first.created, first.updated, first.unchanged), (2, 0, 0));
    let mut opened = rows.clone();
    opened[0].opened_on = Some(day(2026, 4, 1));
    let second = store.import_sites(&opened, "admin:st").await.expect("again");
    assert_eq!((second.created, second.updated, second.unchanged), (0, 1, 1));
    let stored = store.site("st-lab-1").await.expect("read").expect("stored");
    assert_eq!(stored.site, opened[0]);
    let all = store.sites().await.expect("sites");
    assert!(all.iter().any(|s| s.site.id == "st-centre-1"));
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 2);
    assert_event(&events[1], ACTION_SITES_IMPORT, "admin:st", "training_sites");
    assert_eq!(events[1].detail["changed"], serde_json::json!(["st-lab-1"]));
}

async fn sites_refuse_bad_rows_whole(db: &Database) {
    let store = db.sites();
    let good = site("st-bad-good", "physical_ai_lab", "ST-INST-1");
    let mut bad_kind = site("st-bad-1", "museum", "ST-INST-1");
    bad_kind.capacity = 10;
    let mut early = site("st-bad-2", "physical_ai_lab", "ST-INST-1");
    early.opened_on = Some(day(2026, 1, 1));
    let mut empty = site("st-bad-3", "physical_ai_lab", "ST-INST-1");
    empty.capacity = 0;
    for bad in [bad_kind, early, empty, good.clone()] {
        assert!(matches!(
            store.import_sites(&[good.clone(), bad], "admin:st").await,
            Err(StoreError::Conflict { .. })
        ));
    }
    assert!(
        store.site("st-bad-good").await.expect("read").is_none(),
        "nothing stored"
    );
}

async fn insert_enrolment(db: &Database, person: i64, course: &str, ordinal: i64, status: &str, dates: (&str, &str)) {
    raw_execute(
        db,
        &format!(
            "INSERT INTO enrolments (person_id, course_id, cohort_ordinal, institution_id, programme, \
             cohort_start, cohort_end, status, applied_at, updated_at, fee_won) VALUES \
             ({person}, '{course}', {ordinal}, 'ST-USE-INST', 'physical-ai-labs', '{}', '{}', \
             '{status}', '2026-03-02T00:00:00Z', '2026-03-02T00:00:00Z', 0)",
            dates.0, dates.1
        ),
    )
    .await
    .expect("insert enrolment");
}

async fn sites_cohort_use_counts_in_training_on_the_day(db: &Database) {
    let store = db.sites();
    let today = day(2026, 5, 15);
    assert!(store
        .cohort_use(today, Some("ST-USE-INST"))
        .await
        .expect("use")
        .is_empty());
    store
        .import_sites(&[site("st-use", "physical_ai_lab", "ST-USE-INST")], "admin:st")
        .await
        .expect("site");
    let running = ("2026-05-01", "2026-06-30");
    let ended = ("2026-03-01", "2026-04-30");
    for status in ["in_training", "in_training", "accepted", "dropped_out"] {
        let person = insert_person(db, "48123", "entry").await;
        insert_enrolment(db, person, "ST-C1", 1, status, running).await;
    }
    for status in ["completed", "early_completion_employment", "in_training"] {
        let person = insert_person(db, "48123", "entry").await;
        insert_enrolment(db, person, "ST-C1", 0, status, ended).await;
    }
    // Another institution's cohort is not the site's.
    let other = insert_person(db, "48123", "entry").await;
    raw_execute(
        db,
        &format!(
            "INSERT INTO enrolments (person_id, course_id, cohort_ordinal, institution_id, programme, \
             cohort_start, cohort_end, status, applied_at, updated_at, fee_won) VALUES \
             ({other}, 'ST-OTHER', 0, 'ST-NOT-A-SITE', 'x', '2026-05-01', '2026-06-30', 'in_training', \
             '2026-03-02T00:00:00Z', '2026-03-02T00:00:00Z', 0)"
        ),
    )
    .await
    .expect("other enrolment");
    let uses = store.cohort_use(today, None).await.expect("use");
    assert!(uses.iter().all(|u| u.institution_id != "ST-NOT-A-SITE"));
    let mine: Vec<(String, i64, i64, i64)> = store
        .cohort_use(today, Some("ST-USE-INST"))
        .await
        .expect("use")
        .into_iter()
        .map(|u| (u.course_id, u.cohort_ordinal, u.in_training, u.completed))
        .collect();
    assert_eq!(
        mine,
        vec![("ST-C1".to_owned(), 0, 0, 2), ("ST-C1".to_owned(), 1, 2, 0)],
        "in training only in a cohort running today; completions to date"
    );
    let first = store.cohort_use(today, Some("ST-USE-INST")).await.expect("use");
    assert_eq!(
        (first[1].cohort_start, first[1].cohort_end),
        (day(2026, 5, 1), day(2026, 6, 30))
    );
}
