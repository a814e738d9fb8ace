//! Conformance checks of `ReformStore`, run on every backend.

use chrono::NaiveDate;

use super::{assert_event, audit_mark, events_after, raw_execute, raw_i64};
use crate::{BasisRow, Database, NewReformDraft, StoreError, ACTION_REFORM_BASIS, ACTION_REFORM_DRAFT};

/// The checks, in the order [`run`] runs them.
pub const CHECKS: &[&str] = &[
    "reform_drafts_are_versioned_audited_and_append_only",
    "reform_drafts_refuse_bad_values_and_write_nothing",
    "reform_basis_is_replaced_whole_and_read_back",
    "reform_basis_refuses_broken_periods_and_keeps_the_old_basis",
    "reform_basis_refuses_an_enrolment_twice",
    "reform_basis_of_many_chunks_reads_back_in_order",
];

pub async fn run(db: &Database) {
    check!(db, reform_drafts_are_versioned_audited_and_append_only);
    check!(db, reform_drafts_refuse_bad_values_and_write_nothing);
    check!(db, reform_basis_is_replaced_whole_and_read_back);
    check!(db, reform_basis_refuses_broken_periods_and_keeps_the_old_basis);
    check!(db, reform_basis_refuses_an_enrolment_twice);
    check!(db, reform_basis_of_many_chunks_reads_back_in_order);
}

fn draft(name: &str, overrides: &str) -> NewReformDraft {
    NewReformDraft {
        name: name.to_owned(),
        description: "일반과정 장려금 인상 / raise the general allowance".to_owned(),
        overrides: overrides.to_owned(),
        based_on_policy: "2026.1".to_owned(),
    }
}

async fn reform_drafts_are_versioned_audited_and_append_only(db: &Database) {
    let store = db.reforms();
    let mark = audit_mark(db).await;
    let one = store
        .save_draft(&draft("raise", r#"[{"param":"a","value":1}]"#), "pa")
        .await
        .expect("first version");
    let two = store
        .save_draft(&draft("raise", r#"[{"param":"a","value":2}]"#), "pa")
        .await
        .expect("second version");
    let other = store
        .save_draft(&draft("cut", "[]"), "pa2")
        .await
        .expect("another draft");
    assert_eq!((one.version, two.version, other.version), (1, 2, 1));
    assert_eq!((two.name.as_str(), two.author.as_str()), ("raise", "pa"));
    let all = store.drafts().await.expect("drafts");
    assert_eq!(
        all.iter().map(|d| d.id).collect::<Vec<_>>(),
        vec![other.id, two.id, one.id],
        "newest first"
    );
    assert_eq!(store.draft(one.id).await.expect("read"), Some(one.clone()));
    assert_eq!(store.draft(-1).await.expect("read"), None);
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 3);
    assert_event(&events[0], ACTION_REFORM_DRAFT, "pa", &format!("reform:{}", one.id));
    assert_eq!(events[1].detail["version"], 2);
    // Append-only: the database refuses changes around the store.
    let update = raw_execute(
        db,
        &format!("UPDATE reform_drafts SET name = 'x' WHERE id = {}", one.id),
    )
    .await;
    assert!(update.is_err(), "UPDATE must be refused");
    let delete = raw_execute(db, &format!("DELETE FROM reform_drafts WHERE id = {}", one.id)).await;
    assert!(delete.is_err(), "DELETE must be refused");
    assert_eq!(store.draft(one.id).await.expect("read"), Some(one));
}

async fn reform_drafts_refuse_bad_values_and_write_nothing(db: &Database) {
    let store = db.reforms();
    let before = raw_i64(db, "SELECT count(*) FROM reform_drafts").await.expect("count");
    let mark = audit_mark(db).await;
    let empty = store.save_draft(&draft("", "[]"), "pa").await;
    assert!(matches!(empty, Err(StoreError::Conflict { .. })), "{empty:?}");
    let long = store.save_draft(&draft(&"가".repeat(65), "[]"), "pa").await;
    assert!(matches!(long, Err(StoreError::Conflict { .. })), "{long:?}");
    let mut wordy = draft("wordy", "[]");
    wordy.description = "x".repeat(1001);
    assert!(matches!(
        store.save_draft(&wordy, "pa").await,
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(
        raw_i64(db, "SELECT count(*) FROM reform_drafts").await.expect("count"),
        before
    );
    assert!(events_after(db, mark).await.is_empty());
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_else(|| panic!("{y}-{m}-{d}"))
}

fn row(id: i64, periods: Vec<u8>) -> BasisRow {
    BasisRow {
        enrolment_id: id,
        programme: "kdt-ai-campus".to_owned(),
        region: "11110".to_owned(),
        province: "11".to_owned(),
        start_date: day(2026, 3, 2),
        end_date: day(2026, 8, 31),
        total_hours_tenths: 9600,
        hours_per_day_tenths: 80,
        delivery: "classroom".to_owned(),
        fee_won: Some(5_000_000 + id),
        unit_price_won: if id % 2 == 0 { Some(18_000) } else { None },
        ai_course: id % 2 == 0,
        self_payment_rate_bp: if id % 3 == 0 { Some(1500) } else { None },
        provision: "outsourced".to_owned(),
        status: "employed".to_owned(),
        employer_size: if id % 2 == 0 {
            Some("priority_support".to_owned())
        } else {
            None
        },
        exempt_group: id % 2 == 1,
        vulnerable_group: id % 3 == 1,
        sandaetuk_repeat: id % 5 == 0,
        periods,
    }
}

async fn reform_basis_is_replaced_whole_and_read_back(db: &Database) {
    let store = db.reforms();
    assert_eq!(store.basis().await.expect("empty basis"), None);
    assert_eq!(store.basis_meta().await.expect("no meta"), None);
    let mark = audit_mark(db).await;
    // Out of order on purpose: the read is in enrolment order.
    let rows = vec![
        row(30, vec![1, 0, 2, 0, 3, 0, 4, 0]),
        row(10, vec![]),
        row(20, vec![9; 16]),
    ];
    let meta = store
        .replace_basis(rows.clone(), day(2026, 6, 30), "2026.1", "pa")
        .await
        .expect("refresh");
    assert_eq!((meta.enrolments, meta.periods), (3, 3));
    let (read_meta, read_rows) = store.basis().await.expect("read").expect("a basis");
    assert_eq!(read_meta, meta);
    let mut sorted = rows;
    sorted.sort_by_key(|r| r.enrolment_id);
    assert_eq!(read_rows, sorted);
    assert_eq!(store.basis_meta().await.expect("meta"), Some(meta));
    // A refresh replaces the whole basis.
    let again = store
        .replace_basis(vec![row(40, vec![0; 8])], day(2026, 7, 31), "2026.2", "pa2")
        .await
        .expect("refresh again");
    let (m, r) = store.basis().await.expect("read").expect("a basis");
    assert_eq!(
        (m, r.iter().map(|x| x.enrolment_id).collect::<Vec<_>>()),
        (again, vec![40])
    );
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 2);
    assert_event(&events[0], ACTION_REFORM_BASIS, "pa", "reform:basis");
    assert_eq!(events[1].detail["enrolments"], 1);
}

async fn reform_basis_refuses_broken_periods_and_keeps_the_old_basis(db: &Database) {
    let store = db.reforms();
    let before = store.basis().await.expect("read");
    let mark = audit_mark(db).await;
    let refused = store
        .replace_basis(
            vec![row(1, vec![0; 8]), row(2, vec![0; 5])],
            day(2026, 7, 31),
            "2026.2",
            "pa",
        )
        .await;
    assert!(matches!(refused, Err(StoreError::Conflict { .. })), "{refused:?}");
    assert_eq!(store.basis().await.expect("read"), before);
    assert!(events_after(db, mark).await.is_empty());
}

async fn reform_basis_refuses_an_enrolment_twice(db: &Database) {
    let store = db.reforms();
    let before = store.basis().await.expect("read");
    let mark = audit_mark(db).await;
    let refused = store
        .replace_basis(
            vec![row(7, vec![0; 8]), row(3, vec![]), row(7, vec![1; 8])],
            day(2026, 7, 31),
            "2026.2",
            "pa",
        )
        .await;
    match refused {
        Err(StoreError::Conflict { key, .. }) => assert_eq!(key, "7"),
        other => panic!("expected a conflict naming enrolment 7, got {other:?}"),
    }
    assert_eq!(store.basis().await.expect("read"), before);
    assert!(events_after(db, mark).await.is_empty());
}

/// More enrolments than one chunk holds (1,000), given in reverse: read back whole and in order,
/// and the stamp counts them all.
async fn reform_basis_of_many_chunks_reads_back_in_order(db: &Database) {
    let store = db.reforms();
    let rows: Vec<BasisRow> = (1..=2_345_i64)
        .rev()
        .map(|id| {
            row(
                id,
                vec![u8::try_from(id % 251).unwrap_or(0); 8 * usize::try_from(id % 7).unwrap_or(0)],
            )
        })
        .collect();
    let periods: i64 = (1..=2_345_i64).map(|id| id % 7).sum();
    let meta = store
        .replace_basis(rows.clone(), day(2026, 6, 30), "2026.1", "pa")
        .await
        .expect("refresh");
    assert_eq!((meta.enrolments, meta.periods), (2_345, periods));
    let (_, read) = store.basis().await.expect("read").expect("a basis");
    let mut sorted = rows;
    sorted.sort_by_key(|r| r.enrolment_id);
    assert_eq!(read.len(), 2_345);
    assert_eq!(read, sorted);
    assert_eq!(
        raw_i64(db, "SELECT count(*) FROM reform_basis_chunks")
            .await
            .expect("count"),
        3,
        "1,000 enrolments a chunk"
    );
}
