//! Conformance checks of `AcademyStore`, run on every backend.

use chrono::NaiveDate;

use super::{assert_event, audit_mark, events_after, raw_execute, raw_i64};
use crate::{
    Database, NewCompletion, NewInstructor, StoreError, TrackCount, ACTION_ACADEMY_COMPLETIONS_IMPORT,
    ACTION_ACADEMY_INSTRUCTORS_IMPORT,
};

/// The checks, in the order [`run`] runs them.
pub const CHECKS: &[&str] = &[
    "academy_instructors_upsert_by_ref_and_audit",
    "academy_completions_append_revoke_and_refuse_wrong_steps",
    "academy_completions_are_append_only",
    "academy_counts_completions_in_effect",
];

pub async fn run(db: &Database) {
    check!(db, academy_instructors_upsert_by_ref_and_audit);
    check!(db, academy_completions_append_revoke_and_refuse_wrong_steps);
    check!(db, academy_completions_are_append_only);
    check!(db, academy_counts_completions_in_effect);
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_else(|| panic!("{y}-{m}-{d}"))
}

fn instructor(reference: &str, provider: &str) -> NewInstructor {
    NewInstructor {
        instructor_ref: reference.to_owned(),
        provider: provider.to_owned(),
        region_code: "44131".to_owned(),
        province_code: "44".to_owned(),
        institution_id: None,
        registered_on: day(2026, 3, 2),
        id_key: None,
    }
}

fn completion(reference: &str, track: &str, kind: &str, on: NaiveDate) -> NewCompletion {
    NewCompletion {
        instructor_ref: reference.to_owned(),
        track_id: track.to_owned(),
        provider: "koreatech".to_owned(),
        completed_on: on,
        kind: kind.to_owned(),
    }
}

async fn academy_instructors_upsert_by_ref_and_audit(db: &Database) {
    let store = db.academy();
    let mark = audit_mark(db).await;
    let rows = vec![instructor("ac-i-1", "koreatech"), instructor("ac-i-2", "polytech")];
    let first = store.import_instructors(&rows, "admin:ac").await.expect("import");
    assert_eq!((first.created, first.updated, first.unchanged), (2, 0, 0));
    let mut changed = rows.clone();
    changed[1].institution_id = Some("INST-1".to_owned());
    changed[1].id_key = Some("a".repeat(64));
    let second = store
        .import_instructors(&changed, "admin:ac")
        .await
        .expect("import again");
    assert_eq!((second.created, second.updated, second.unchanged), (0, 1, 1));
    let stored = store.instructor("ac-i-2").await.expect("read").expect("stored");
    assert_eq!(stored.instructor, changed[1]);
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 2);
    assert_event(
        &events[0],
        ACTION_ACADEMY_INSTRUCTORS_IMPORT,
        "admin:ac",
        "academy_instructors",
    );
    assert_eq!(events[1].detail["identifier_hashes"], 1);
    // A bad provider or a record listed twice: nothing stored, nothing audited.
    let before = raw_i64(db, "SELECT COUNT(*) FROM academy_instructors")
        .await
        .expect("count");
    let bad = vec![instructor("ac-i-3", "nobody")];
    assert!(matches!(
        store.import_instructors(&bad, "admin:ac").await,
        Err(StoreError::Conflict { .. })
    ));
    let twice = vec![instructor("ac-i-4", "polytech"), instructor("ac-i-4", "polytech")];
    assert!(matches!(
        store.import_instructors(&twice, "admin:ac").await,
        Err(StoreError::Conflict { .. })
    ));
    let after = raw_i64(db, "SELECT COUNT(*) FROM academy_instructors")
        .await
        .expect("count");
    assert_eq!(before, after);
    assert_eq!(events_after(db, mark).await.len(), 2);
}

async fn academy_completions_append_revoke_and_refuse_wrong_steps(db: &Database) {
    let store = db.academy();
    store
        .import_instructors(
            &[instructor("ac-c-1", "hrdkorea"), instructor("ac-c-2", "hrdkorea")],
            "admin:ac",
        )
        .await
        .expect("instructors");
    let mark = audit_mark(db).await;
    let on = day(2026, 5, 4);
    let done = store
        .import_completions(
            &[
                completion("ac-c-1", "t-a", "completed", on),
                completion("ac-c-2", "t-a", "completed", on),
            ],
            "admin:ac",
        )
        .await
        .expect("completions");
    assert_eq!((done.completed, done.revoked), (2, 0));
    let rows_before = raw_i64(db, "SELECT COUNT(*) FROM academy_completions")
        .await
        .expect("count");
    // Completing again, revoking what is not completed, an unknown instructor, a pair twice:
    // each refused whole, with the good row beside it not stored either.
    let good = completion("ac-c-2", "t-b", "completed", on);
    for (bad, not_found) in [
        (completion("ac-c-1", "t-a", "completed", on), false),
        (completion("ac-c-1", "t-b", "revoked", on), false),
        (completion("ac-nobody", "t-a", "completed", on), true),
        (good.clone(), false),
    ] {
        let result = store.import_completions(&[good.clone(), bad], "admin:ac").await;
        match (result, not_found) {
            (Err(StoreError::NotFound { .. }), true) | (Err(StoreError::Conflict { .. }), false) => {}
            (other, _) => panic!("expected a refusal, got {other:?}"),
        }
    }
    let rows_after = raw_i64(db, "SELECT COUNT(*) FROM academy_completions")
        .await
        .expect("count");
    assert_eq!(rows_before, rows_after, "a refused import stores nothing");
    // A withdrawal, then a new completion: rows 2 and 3 of the pair.
    let revoked = store
        .import_completions(&[completion("ac-c-1", "t-a", "revoked", day(2026, 5, 10))], "admin:ac")
        .await
        .expect("revoke");
    assert_eq!((revoked.completed, revoked.revoked), (0, 1));
    store
        .import_completions(&[completion("ac-c-1", "t-a", "completed", day(2026, 6, 1))], "admin:ac")
        .await
        .expect("complete again");
    let rows = store.completions_of("ac-c-1").await.expect("rows");
    let steps: Vec<(i64, &str)> = rows.iter().map(|r| (r.seq, r.kind.as_str())).collect();
    assert_eq!(steps, vec![(1, "completed"), (2, "revoked"), (3, "completed")]);
    let last = store.track_steps().await.expect("steps");
    let pair = last
        .iter()
        .find(|s| s.instructor_ref == "ac-c-1" && s.track_id == "t-a")
        .expect("pair");
    assert!(pair.completed());
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 3, "one event per stored import: {events:?}");
    assert_event(
        &events[0],
        ACTION_ACADEMY_COMPLETIONS_IMPORT,
        "admin:ac",
        "academy_completions",
    );
    assert_eq!(events[1].detail["revoked"], 1);
}

async fn academy_completions_are_append_only(db: &Database) {
    let store = db.academy();
    store
        .import_instructors(&[instructor("ac-ao-1", "polytech")], "admin:ac")
        .await
        .expect("instructor");
    store
        .import_completions(
            &[completion("ac-ao-1", "t-a", "completed", day(2026, 4, 1))],
            "admin:ac",
        )
        .await
        .expect("completion");
    let update = raw_execute(db, "UPDATE academy_completions SET completed_on = '2026-01-01'").await;
    assert!(update.is_err(), "UPDATE must be refused: {update:?}");
    let delete = raw_execute(db, "DELETE FROM academy_completions").await;
    assert!(delete.is_err(), "DELETE must be refused: {delete:?}");
    // The numbering's parity is the kind: a row that says otherwise is refused.
    let id = raw_i64(
        db,
        "SELECT id FROM academy_instructors WHERE instructor_ref = 'ac-ao-1'",
    )
    .await
    .expect("id");
    let wrong = raw_execute(
        db,
        &format!(
            "INSERT INTO academy_completions (instructor_id, track_id, seq, kind, provider, completed_on, actor, \
             recorded_at) VALUES ({id}, 't-a', 2, 'completed', 'polytech', '2026-04-02', 'x', '2026-04-02T00:00:00Z')"
        ),
    )
    .await;
    assert!(wrong.is_err(), "an even row is a withdrawal: {wrong:?}");
}

async fn academy_counts_completions_in_effect(db: &Database) {
    let store = db.academy();
    let refs: Vec<String> = (1..=4).map(|i| format!("ac-n-{i}")).collect();
    let rows: Vec<NewInstructor> = refs.iter().map(|r| instructor(r, "koreatech")).collect();
    let before = store.counts(day(2026, 1, 1), day(2026, 12, 31)).await.expect("counts");
    store.import_instructors(&rows, "admin:ac").await.expect("instructors");
    let of = |counts: &[TrackCount], track: &str| {
        counts
            .iter()
            .find(|c| c.track_id == track)
            .map_or((0, 0), |c| (c.completed, c.instructors))
    };
    // n-1, n-2 in 2026; n-3 in 2025; n-4 completed then revoked; n-1 also in a second track.
    store
        .import_completions(
            &[
                completion("ac-n-1", "cnt-a", "completed", day(2026, 3, 1)),
                completion("ac-n-2", "cnt-a", "completed", day(2026, 9, 1)),
                completion("ac-n-3", "cnt-a", "completed", day(2025, 11, 1)),
                completion("ac-n-4", "cnt-a", "completed", day(2026, 3, 1)),
                completion("ac-n-1", "cnt-b", "completed", day(2026, 3, 2)),
            ],
            "admin:ac",
        )
        .await
        .expect("completions");
    store
        .import_completions(&[completion("ac-n-4", "cnt-a", "revoked", day(2026, 3, 5))], "admin:ac")
        .await
        .expect("revoke");
    let year = store.counts(day(2026, 1, 1), day(2026, 12, 31)).await.expect("counts");
    assert_eq!(of(&year.tracks, "cnt-a"), (2, 3));
    assert_eq!(of(&year.tracks, "cnt-b"), (1, 1));
    let to_june = store.counts(day(2026, 1, 1), day(2026, 6, 30)).await.expect("counts");
    assert_eq!(
        of(&to_june.tracks, "cnt-a"),
        (1, 3),
        "completions after the day are not counted yet"
    );
    assert_eq!(year.registered - before.registered, 4);
    assert_eq!(
        year.instructors_completed - before.instructors_completed,
        3,
        "n-1 counts once"
    );
}
