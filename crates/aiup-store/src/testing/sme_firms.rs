//! Conformance checks of `FirmStore`, run on every backend.
//!
//! Other aggregates' checks may add firms to the same database, so these use business numbers
//! of their own (prefix `99`) and compare counts before and after.

use chrono::NaiveDate;

use super::{assert_event, audit_mark, events_after};
use crate::{
    CentreRecord, Database, FirmFilter, FirmImportSummary, NewFirm, NewParticipation, ParticipationImportSummary,
    StoreError, ACTION_SME_CENTRES_LOAD, ACTION_SME_FIRMS_IMPORT, ACTION_SME_FIRM_ASSIGN, ACTION_SME_FIRM_INTENT,
    ACTION_SME_PARTNERS_IMPORT,
};

/// The checks, in the order [`run`] runs them.
pub const CHECKS: &[&str] = &[
    "sme_centres_load_and_reload",
    "sme_firms_import_twice_is_unchanged",
    "sme_firms_changed_row_updates",
    "sme_firms_duplicate_in_one_import_writes_nothing",
    "sme_firm_assign_centre",
    "sme_firm_filters_each_narrow",
    "sme_firm_intent",
    "sme_participations_import",
];

pub async fn run(db: &Database) {
    check!(db, sme_centres_load_and_reload);
    check!(db, sme_firms_import_twice_is_unchanged);
    check!(db, sme_firms_changed_row_updates);
    check!(db, sme_firms_duplicate_in_one_import_writes_nothing);
    check!(db, sme_firm_assign_centre);
    check!(db, sme_firm_filters_each_narrow);
    check!(db, sme_firm_intent);
    check!(db, sme_participations_import);
}

fn centre(id: &str, provinces: &[&str]) -> CentreRecord {
    CentreRecord {
        id: id.to_owned(),
        name_ko: format!("{id} 센터"),
        name_en: format!("{id} centre"),
        provinces: provinces.iter().map(|p| (*p).to_owned()).collect(),
        opened_on: NaiveDate::from_ymd_opt(2026, 2, 1),
        cite: "seed:002 IV-②".to_owned(),
    }
}

/// A firm numbered `99000000nn` (the check digit is not the store's business).
fn firm(n: u32, province: &str, section: &str, employees: i64) -> NewFirm {
    NewFirm {
        business_number: format!("99{n:08}"),
        name: format!("시험기업 {n}"),
        employees,
        size_band: if employees < 5 { "under_5" } else { "10_29" }.to_owned(),
        ksic_section: section.to_owned(),
        ksic_division: if section == "C" { "26" } else { "62" }.to_owned(),
        region_code: format!("{province}110"),
        province_code: province.to_owned(),
        capital_area: province == "11",
        priority_support: true,
        employer_training: true,
        ai_training: false,
        ai_training_hours: 0,
    }
}

async fn sme_centres_load_and_reload(db: &Database) {
    let store = db.firms();
    let mark = audit_mark(db).await;
    let first = vec![
        centre("test-centre-a", &["11", "41"]),
        centre("test-centre-b", &["26"]),
        centre("test-centre-c", &["27"]),
    ];
    store.load_centres(&first, "loader").await.expect("load centres");
    let stored = store.centres().await.expect("centres");
    assert_eq!(stored, first, "centres come back as loaded, by id");
    // Reload without c (no firm assigned): c goes; a's name changes.
    let mut second = first[..2].to_vec();
    second[0].name_ko = "바뀐 이름".to_owned();
    store.load_centres(&second, "loader").await.expect("reload centres");
    assert_eq!(store.centres().await.expect("centres"), second);
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 2, "{events:?}");
    for e in &events {
        assert_event(e, ACTION_SME_CENTRES_LOAD, "loader", "sme_centres");
    }
    assert_eq!(events[1].detail["removed"], serde_json::json!(["test-centre-c"]));
}

async fn sme_firms_import_twice_is_unchanged(db: &Database) {
    let store = db.firms();
    let firms = vec![firm(1, "11", "C", 3), firm(2, "26", "J", 12), firm(3, "41", "C", 40)];
    let mark = audit_mark(db).await;
    let before = store.count_firms(&FirmFilter::default()).await.expect("count");
    let first = store.import_firms(&firms, "importer").await.expect("import");
    assert_eq!(
        first,
        FirmImportSummary {
            created: 3,
            updated: 0,
            unchanged: 0
        }
    );
    let again = store.import_firms(&firms, "importer").await.expect("import again");
    assert_eq!(
        again,
        FirmImportSummary {
            created: 0,
            updated: 0,
            unchanged: 3
        }
    );
    assert_eq!(
        store.count_firms(&FirmFilter::default()).await.expect("count"),
        before + 3
    );
    let stored = store.firm_by_number("9900000002").await.expect("read").expect("stored");
    assert_eq!(stored.firm, firms[1]);
    assert_eq!(stored.centre_id, None);
    assert_eq!(stored.stated_intent, None);
    assert_eq!(store.firm(stored.id).await.expect("by id").as_ref(), Some(&stored));
    assert!(store.firm_by_number("9999999999").await.expect("read").is_none());
    assert!(store.firm(-1).await.expect("read").is_none());
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 2, "one event per import: {events:?}");
    assert_event(&events[0], ACTION_SME_FIRMS_IMPORT, "importer", "sme_firms");
    assert_eq!(events[0].detail["created"], 3);
    assert_eq!(events[1].detail["unchanged"], 3);
}

async fn sme_firms_changed_row_updates(db: &Database) {
    let store = db.firms();
    let old = store.firm_by_number("9900000001").await.expect("read").expect("stored");
    let mut changed = firm(1, "11", "C", 3);
    changed.name = "이름을 바꾼 기업".to_owned();
    changed.ai_training = true;
    changed.ai_training_hours = 16;
    let summary = store
        .import_firms(
            &[changed.clone(), firm(2, "26", "J", 12), firm(4, "27", "G", 7)],
            "importer",
        )
        .await
        .expect("import");
    assert_eq!(
        summary,
        FirmImportSummary {
            created: 1,
            updated: 1,
            unchanged: 1
        }
    );
    let new = store.firm_by_number("9900000001").await.expect("read").expect("stored");
    assert_eq!(new.id, old.id, "an update keeps the id");
    assert_eq!(new.firm, changed);
    assert_eq!(new.created_at, old.created_at);
    assert!(new.updated_at >= old.updated_at);
}

async fn sme_firms_duplicate_in_one_import_writes_nothing(db: &Database) {
    let store = db.firms();
    let before = store.count_firms(&FirmFilter::default()).await.expect("count");
    let mark = audit_mark(db).await;
    let err = store
        .import_firms(&[firm(5, "11", "C", 3), firm(5, "11", "C", 4)], "importer")
        .await
        .expect_err("a number twice is refused");
    assert!(
        matches!(err, StoreError::Conflict { ref key, .. } if key == "9900000005"),
        "{err:?}"
    );
    assert_eq!(store.count_firms(&FirmFilter::default()).await.expect("count"), before);
    assert!(events_after(db, mark).await.is_empty());
}

async fn sme_firm_assign_centre(db: &Database) {
    let store = db.firms();
    let f = store.firm_by_number("9900000003").await.expect("read").expect("stored");
    let mark = audit_mark(db).await;
    store
        .assign_centre(f.id, Some("test-centre-a"), "manager")
        .await
        .expect("assign");
    let assigned = store.firm(f.id).await.expect("read").expect("stored");
    assert_eq!(assigned.centre_id.as_deref(), Some("test-centre-a"));
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 1);
    assert_event(
        &events[0],
        ACTION_SME_FIRM_ASSIGN,
        "manager",
        &format!("sme_firm:{}", f.id),
    );
    assert_eq!(events[0].detail["after"], "test-centre-a");
    // Unknown centre, unknown firm: NotFound, nothing changes.
    let err = store
        .assign_centre(f.id, Some("no-such-centre"), "manager")
        .await
        .expect_err("unknown centre");
    assert!(
        matches!(err, StoreError::NotFound { ref what, .. } if what == "centre"),
        "{err:?}"
    );
    let err = store
        .assign_centre(-5, Some("test-centre-a"), "manager")
        .await
        .expect_err("unknown firm");
    assert!(
        matches!(err, StoreError::NotFound { ref what, .. } if what == "firm"),
        "{err:?}"
    );
    assert_eq!(
        store
            .firm(f.id)
            .await
            .expect("read")
            .expect("stored")
            .centre_id
            .as_deref(),
        Some("test-centre-a")
    );
    // A centre with firms cannot be dropped from the list.
    let err = store
        .load_centres(&[centre("test-centre-b", &["26"])], "loader")
        .await
        .expect_err("centre in use");
    assert!(
        matches!(err, StoreError::Conflict { ref key, .. } if key == "test-centre-a"),
        "{err:?}"
    );
    assert_eq!(store.centres().await.expect("centres").len(), 2);
    // Re-import of the firm keeps its centre.
    store
        .import_firms(&[firm(3, "41", "C", 41)], "importer")
        .await
        .expect("import");
    assert_eq!(
        store
            .firm(f.id)
            .await
            .expect("read")
            .expect("stored")
            .centre_id
            .as_deref(),
        Some("test-centre-a")
    );
}

async fn sme_firm_filters_each_narrow(db: &Database) {
    let store = db.firms();
    store
        .import_participations(
            &[NewParticipation {
                programme_id: "test-programme".to_owned(),
                business_number: "9900000002".to_owned(),
                year: 2025,
            }],
            "filter test",
            "importer",
        )
        .await
        .expect("participations");
    let all = FirmFilter {
        text: Some("99".to_owned()),
        ..FirmFilter::default()
    };
    let ours = store.firms(&all).await.expect("firms");
    let numbers =
        |firms: &[crate::FirmRecord]| -> Vec<String> { firms.iter().map(|f| f.firm.business_number.clone()).collect() };
    assert_eq!(
        numbers(&ours),
        ["9900000001", "9900000002", "9900000003", "9900000004"],
        "in id order"
    );
    assert_eq!(store.count_firms(&all).await.expect("count"), 4);
    let cases: Vec<(FirmFilter, Vec<&str>)> = vec![
        (
            FirmFilter {
                centre_id: Some("test-centre-a".to_owned()),
                ..all.clone()
            },
            vec!["9900000003"],
        ),
        (
            FirmFilter {
                province_code: Some("26".to_owned()),
                ..all.clone()
            },
            vec!["9900000002"],
        ),
        (
            FirmFilter {
                ksic_section: Some("C".to_owned()),
                ..all.clone()
            },
            vec!["9900000001", "9900000003"],
        ),
        (
            FirmFilter {
                size_band: Some("under_5".to_owned()),
                ..all.clone()
            },
            vec!["9900000001"],
        ),
        (
            FirmFilter {
                programme_id: Some("test-programme".to_owned()),
                ..all.clone()
            },
            vec!["9900000002"],
        ),
        (
            FirmFilter {
                text: Some("이름을 바꾼".to_owned()),
                ..FirmFilter::default()
            },
            vec!["9900000001"],
        ),
        (
            FirmFilter {
                text: Some("990-00-0000".to_owned()),
                ..FirmFilter::default()
            },
            vec!["9900000001", "9900000002", "9900000003", "9900000004"],
        ),
        (
            FirmFilter {
                text: Some("100%".to_owned()),
                ..FirmFilter::default()
            },
            vec![],
        ),
    ];
    for (filter, expected) in cases {
        let found = store.firms(&filter).await.expect("firms");
        assert_eq!(numbers(&found), expected, "{filter:?}");
        assert_eq!(
            store.count_firms(&filter).await.expect("count"),
            found.len() as u64,
            "count_firms equals firms().len() for {filter:?}"
        );
    }
    // Paging: after_id and limit.
    let page = store
        .firms(&FirmFilter {
            after_id: Some(ours[0].id),
            limit: Some(2),
            ..all.clone()
        })
        .await
        .expect("page");
    assert_eq!(numbers(&page), ["9900000002", "9900000003"]);
    assert_eq!(
        store
            .count_firms(&FirmFilter {
                after_id: Some(ours[0].id),
                limit: Some(2),
                ..all.clone()
            })
            .await
            .expect("count"),
        4,
        "count ignores paging"
    );
}

async fn sme_firm_intent(db: &Database) {
    let store = db.firms();
    let on = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let mark = audit_mark(db).await;
    assert!(store
        .set_intent("9900000004", true, "survey:2025", on, "surveyor")
        .await
        .expect("intent"));
    let f = store.firm_by_number("9900000004").await.expect("read").expect("stored");
    assert_eq!(
        (f.stated_intent, f.intent_source.as_deref(), f.intent_on),
        (Some(true), Some("survey:2025"), Some(on))
    );
    assert!(!store
        .set_intent("9999999990", true, "survey:2025", on, "surveyor")
        .await
        .expect("intent of an unknown firm"));
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 1, "only the known firm's intent is audited");
    assert_event(
        &events[0],
        ACTION_SME_FIRM_INTENT,
        "surveyor",
        &format!("sme_firm:{}", f.id),
    );
    // A re-import leaves the intent alone.
    store
        .import_firms(&[firm(4, "27", "G", 8)], "importer")
        .await
        .expect("import");
    let after = store.firm_by_number("9900000004").await.expect("read").expect("stored");
    assert_eq!(after.stated_intent, Some(true));
    assert_eq!(after.firm.employees, 8);
}

async fn sme_participations_import(db: &Database) {
    let store = db.firms();
    let row = |programme: &str, number: &str, year: i64| NewParticipation {
        programme_id: programme.to_owned(),
        business_number: number.to_owned(),
        year,
    };
    let before = store.participations().await.expect("participations").len();
    let mark = audit_mark(db).await;
    let rows = vec![
        row("msit-voucher", "9900000001", 2025),
        row("msit-voucher", "9900000003", 2025),
        row("mss-smart-factory", "9900000001", 2024),
        row("mss-smart-factory", "9988877766", 2025),
    ];
    let summary = store
        .import_participations(&rows, "msit list 2025-12", "importer")
        .await
        .expect("import");
    assert_eq!(
        summary,
        ParticipationImportSummary {
            added: 4,
            already_known: 0,
            unmatched: 1
        }
    );
    let again = store
        .import_participations(&rows[..2], "msit list 2026-01", "importer")
        .await
        .expect("import again");
    assert_eq!(
        again,
        ParticipationImportSummary {
            added: 0,
            already_known: 2,
            unmatched: 0
        }
    );
    let all = store.participations().await.expect("participations");
    assert_eq!(all.len(), before + 4);
    let mine = store.participations_of("9900000001").await.expect("of firm");
    let keys: Vec<(&str, i64)> = mine.iter().map(|p| (p.programme_id.as_str(), p.year)).collect();
    assert_eq!(keys, [("msit-voucher", 2025), ("mss-smart-factory", 2024)]);
    assert_eq!(mine[0].source, "msit list 2025-12", "the first source is kept");
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 2);
    assert_event(&events[0], ACTION_SME_PARTNERS_IMPORT, "importer", "sme_partners");
    assert_eq!(events[0].detail["unmatched"], 1);
}
