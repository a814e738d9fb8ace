//! Conformance checks of the attendance aggregate.

use chrono::NaiveDate;

use super::{assert_event, audit_mark, events_after, raw_execute, raw_i64};
use crate::{
    AttendanceError, AttendanceMonth, AttendanceWrite, Backend, CodeUse, Database, MonthWrite, NewCorrection,
    StoreError, ACTION_ATTENDANCE_CORRECT, ACTION_ATTENDANCE_LOAD, ACTION_ATTENDANCE_RECORD,
};

pub(super) const CHECKS: &[&str] = &[
    "attendance_months_are_written_from_their_version_and_read_back",
    "attendance_stale_write_is_refused_and_writes_nothing",
    "attendance_new_month_written_twice_is_stale",
    "attendance_concurrent_writers_of_a_month_one_wins",
    "attendance_corrections_are_written_with_the_batch_and_append_only",
    "attendance_code_is_used_once_and_a_reuse_writes_nothing",
    "attendance_invalid_batches_are_refused",
    "attendance_load_writes_all_months_or_none",
];

pub(super) async fn run(db: &Database) {
    check!(db, attendance_months_are_written_from_their_version_and_read_back);
    check!(db, attendance_stale_write_is_refused_and_writes_nothing);
    check!(db, attendance_new_month_written_twice_is_stale);
    check!(db, attendance_concurrent_writers_of_a_month_one_wins);
    check!(db, attendance_corrections_are_written_with_the_batch_and_append_only);
    check!(db, attendance_code_is_used_once_and_a_reuse_writes_nothing);
    check!(db, attendance_invalid_batches_are_refused);
    check!(db, attendance_load_writes_all_months_or_none);
}

const ACTOR: &str = "attendance-conformance";

pub(super) fn month(y: i32, m: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, 1).expect("valid test month")
}

/// A month sheet's worth of bytes (the store never reads them), told apart by `tag`.
pub(super) fn sheet(tag: u8) -> Vec<u8> {
    (0..373_u32).map(|i| (i as u8).wrapping_mul(31) ^ tag).collect()
}

/// `n` enrolments in cohorts of their own, tagged `tag`; their ids, ascending.
pub(crate) async fn enrolments(db: &Database, tag: &str, n: i64) -> Vec<i64> {
    let person = super::enrolment_reports::insert_person(db, "11110", "entry").await;
    raw_execute(
        db,
        &format!(
            "WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < {n}) \
             INSERT INTO enrolments (person_id, course_id, cohort_ordinal, institution_id, programme, \
             cohort_start, cohort_end, status, applied_at, updated_at, fee_won) \
             SELECT {person}, '{tag}', i, 'ATT-INST', 'k_digital', '2026-03-02', '2026-08-31', 'in_training', \
             '2026-02-02T00:00:00Z', '2026-02-02T00:00:00Z', 1000000 FROM seq"
        ),
    )
    .await
    .expect("insert enrolments");
    let first = raw_i64(db, &format!("SELECT MIN(id) FROM enrolments WHERE course_id = '{tag}'"))
        .await
        .expect("first id");
    let count = raw_i64(
        db,
        &format!("SELECT COUNT(*) FROM enrolments WHERE course_id = '{tag}'"),
    )
    .await
    .expect("count");
    assert_eq!(count, n);
    let ids: Vec<i64> = (first..first + n).collect();
    let last = raw_i64(db, &format!("SELECT MAX(id) FROM enrolments WHERE course_id = '{tag}'"))
        .await
        .expect("last id");
    assert_eq!(ids.last().copied(), Some(last), "ids of one insert are consecutive");
    ids
}

fn write(enrolment_id: i64, m: NaiveDate, expected_version: i64, days: Vec<u8>) -> MonthWrite {
    MonthWrite {
        enrolment_id,
        month: m,
        expected_version,
        days,
    }
}

fn batch(months: Vec<MonthWrite>, corrections: Vec<NewCorrection>) -> AttendanceWrite {
    let action = if corrections.is_empty() {
        ACTION_ATTENDANCE_RECORD
    } else {
        ACTION_ATTENDANCE_CORRECT
    };
    AttendanceWrite {
        detail: serde_json::json!({ "months": months.len(), "corrections": corrections.len() }),
        months,
        corrections,
        action: action.to_owned(),
    }
}

fn correction(enrolment_id: i64, day: NaiveDate, reason: &str) -> NewCorrection {
    NewCorrection {
        enrolment_id,
        day,
        old: serde_json::json!({ "status": "absent" }),
        new: serde_json::json!({ "status": "excused", "excuse": "sick" }),
        reason: reason.to_owned(),
        evidence: Some("진단서 2026-03-03".to_owned()),
    }
}

async fn stored(db: &Database, ids: &[i64]) -> Vec<AttendanceMonth> {
    db.attendance()
        .months(ids, month(2000, 1), month(2100, 1))
        .await
        .expect("read months")
}

async fn attendance_months_are_written_from_their_version_and_read_back(db: &Database) {
    let ids = enrolments(db, "ATT-READ", 3).await;
    let (a, b, c) = (ids[0], ids[1], ids[2]);
    let mark = audit_mark(db).await;
    // Written out of order: reads come back by enrolment, then month.
    let first = batch(
        vec![
            write(b, month(2026, 4), 0, sheet(1)),
            write(a, month(2026, 4), 0, sheet(2)),
            write(a, month(2026, 3), 0, sheet(3)),
            write(c, month(2026, 5), 0, sheet(4)),
        ],
        vec![],
    );
    db.attendance().write(&first, ACTOR).await.expect("first write");
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 1, "one audit event per batch: {events:?}");
    assert_event(&events[0], ACTION_ATTENDANCE_RECORD, ACTOR, "attendance");
    assert_eq!(events[0].detail, first.detail);

    let all = stored(db, &[c, a, b, a]).await;
    let keys: Vec<(i64, NaiveDate, i64)> = all.iter().map(|m| (m.enrolment_id, m.month, m.version)).collect();
    assert_eq!(
        keys,
        vec![
            (a, month(2026, 3), 1),
            (a, month(2026, 4), 1),
            (b, month(2026, 4), 1),
            (c, month(2026, 5), 1)
        ]
    );
    assert_eq!(all[0].days, sheet(3));

    // From version 1 to 2, one enrolment: the subject names it.
    let mark = audit_mark(db).await;
    let second = batch(vec![write(a, month(2026, 4), 1, sheet(9))], vec![]);
    db.attendance().write(&second, ACTOR).await.expect("second write");
    let events = events_after(db, mark).await;
    assert_event(&events[0], ACTION_ATTENDANCE_RECORD, ACTOR, &format!("enrolment:{a}"));
    let april = db
        .attendance()
        .months(&[a], month(2026, 4), month(2026, 4))
        .await
        .expect("april");
    assert_eq!(april.len(), 1, "from and to are both included: {april:?}");
    assert_eq!((april[0].version, &april[0].days), (2, &sheet(9)));

    let range = db
        .attendance()
        .months_in_range(a..=b, month(2026, 4))
        .await
        .expect("range");
    let keys: Vec<(i64, NaiveDate)> = range.iter().map(|m| (m.enrolment_id, m.month)).collect();
    assert_eq!(
        keys,
        vec![(a, month(2026, 3)), (a, month(2026, 4)), (b, month(2026, 4))]
    );
    let up_to_march = db
        .attendance()
        .months_in_range(a..=c, month(2026, 3))
        .await
        .expect("range to March");
    assert_eq!(up_to_march.len(), 1, "`to` bounds the months: {up_to_march:?}");
    assert!(db
        .attendance()
        .months(&[], month(2026, 1), month(2026, 12))
        .await
        .expect("none")
        .is_empty());
}

async fn attendance_stale_write_is_refused_and_writes_nothing(db: &Database) {
    let ids = enrolments(db, "ATT-STALE", 2).await;
    let (a, b) = (ids[0], ids[1]);
    db.attendance()
        .write(&batch(vec![write(a, month(2026, 3), 0, sheet(1))], vec![]), ACTOR)
        .await
        .expect("first write");
    let corrections_before = raw_i64(db, "SELECT COUNT(*) FROM attendance_corrections")
        .await
        .expect("count");
    let mark = audit_mark(db).await;
    // A new month first, then a month from a version that is no longer current.
    let stale = batch(
        vec![
            write(b, month(2026, 3), 0, sheet(2)),
            write(a, month(2026, 3), 7, sheet(3)),
        ],
        vec![correction(a, month(2026, 3), "stale write")],
    );
    match db.attendance().write(&stale, ACTOR).await {
        Err(AttendanceError::Stale { enrolment_id, month: m }) => assert_eq!((enrolment_id, m), (a, month(2026, 3))),
        other => panic!("a stale write must be refused, got {other:?}"),
    }
    let after = stored(db, &[a, b]).await;
    assert_eq!(
        after.len(),
        1,
        "the new month of the refused batch is rolled back: {after:?}"
    );
    assert_eq!((after[0].version, &after[0].days), (1, &sheet(1)));
    assert_eq!(
        raw_i64(db, "SELECT COUNT(*) FROM attendance_corrections")
            .await
            .expect("count"),
        corrections_before
    );
    assert!(
        events_after(db, mark).await.is_empty(),
        "a refused batch is not audited"
    );
}

async fn attendance_new_month_written_twice_is_stale(db: &Database) {
    let ids = enrolments(db, "ATT-TWICE", 1).await;
    let a = ids[0];
    db.attendance()
        .write(&batch(vec![write(a, month(2026, 6), 0, sheet(1))], vec![]), ACTOR)
        .await
        .expect("first write");
    let again = db
        .attendance()
        .write(&batch(vec![write(a, month(2026, 6), 0, sheet(2))], vec![]), ACTOR)
        .await;
    assert!(matches!(again, Err(AttendanceError::Stale { .. })), "{again:?}");
    // The same month twice in one batch, both as new.
    let twice = db
        .attendance()
        .write(
            &batch(
                vec![
                    write(a, month(2026, 7), 0, sheet(3)),
                    write(a, month(2026, 7), 0, sheet(4)),
                ],
                vec![],
            ),
            ACTOR,
        )
        .await;
    assert!(matches!(twice, Err(AttendanceError::Stale { .. })), "{twice:?}");
    let months = stored(db, &[a]).await;
    assert_eq!(months.len(), 1, "{months:?}");
    assert_eq!(months[0].days, sheet(1));
}

async fn attendance_concurrent_writers_of_a_month_one_wins(db: &Database) {
    let ids = enrolments(db, "ATT-RACE", 1).await;
    let a = ids[0];
    db.attendance()
        .write(&batch(vec![write(a, month(2026, 3), 0, sheet(0))], vec![]), ACTOR)
        .await
        .expect("first write");
    let tasks: Vec<_> = (1..=8_u8)
        .map(|tag| {
            let db = db.clone();
            tokio::spawn(async move {
                let b = batch(vec![write(a, month(2026, 3), 1, sheet(tag))], vec![]);
                (tag, db.attendance().write(&b, ACTOR).await)
            })
        })
        .collect();
    let mut winners = Vec::new();
    for task in tasks {
        match task.await.expect("task") {
            (tag, Ok(())) => winners.push(tag),
            (_, Err(AttendanceError::Stale { .. })) => {}
            (_, Err(e)) => panic!("a concurrent write failed otherwise: {e}"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one writer from version 1 wins: {winners:?}");
    let months = stored(db, &[a]).await;
    assert_eq!((months[0].version, &months[0].days), (2, &sheet(winners[0])));
}

async fn attendance_corrections_are_written_with_the_batch_and_append_only(db: &Database) {
    let ids = enrolments(db, "ATT-CORR", 1).await;
    let a = ids[0];
    db.attendance()
        .write(&batch(vec![write(a, month(2026, 3), 0, sheet(1))], vec![]), ACTOR)
        .await
        .expect("record");
    let mark = audit_mark(db).await;
    let fix = batch(
        vec![write(a, month(2026, 3), 1, sheet(2))],
        vec![correction(
            a,
            NaiveDate::from_ymd_opt(2026, 3, 3).expect("day"),
            "진단서 제출",
        )],
    );
    db.attendance().write(&fix, "staff-kim").await.expect("correct");
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 1);
    assert_event(
        &events[0],
        ACTION_ATTENDANCE_CORRECT,
        "staff-kim",
        &format!("enrolment:{a}"),
    );
    let corrections = db.attendance().corrections(a).await.expect("corrections");
    assert_eq!(corrections.len(), 1);
    let c = &corrections[0];
    assert_eq!(
        (c.enrolment_id, c.day),
        (a, NaiveDate::from_ymd_opt(2026, 3, 3).expect("day"))
    );
    assert_eq!(
        (c.old.clone(), c.new.clone()),
        (fix.corrections[0].old.clone(), fix.corrections[0].new.clone())
    );
    assert_eq!((c.reason.as_str(), c.actor.as_str()), ("진단서 제출", "staff-kim"));
    assert_eq!(c.evidence.as_deref(), Some("진단서 2026-03-03"));
    assert!(c.at <= chrono::Utc::now());

    let update = raw_execute(db, "UPDATE attendance_corrections SET reason = 'rewritten'").await;
    assert!(update.is_err(), "UPDATE of corrections must fail: {update:?}");
    let delete = raw_execute(db, "DELETE FROM attendance_corrections").await;
    assert!(delete.is_err(), "DELETE of corrections must fail: {delete:?}");
    if db.backend() == Backend::Postgres {
        let truncate = raw_execute(db, "TRUNCATE attendance_corrections").await;
        assert!(truncate.is_err(), "TRUNCATE of corrections must fail: {truncate:?}");
    }
    assert_eq!(db.attendance().corrections(a).await.expect("corrections").len(), 1);
    assert!(db
        .attendance()
        .corrections(a + 1_000_000)
        .await
        .expect("none")
        .is_empty());
}

async fn attendance_code_is_used_once_and_a_reuse_writes_nothing(db: &Database) {
    let ids = enrolments(db, "ATT-CODE", 2).await;
    let (a, b) = (ids[0], ids[1]);
    let code = |enrolment_id, direction: &str| CodeUse {
        enrolment_id,
        window: 29_000_000,
        direction: direction.to_owned(),
    };
    let mark = audit_mark(db).await;
    db.attendance()
        .check_in(
            &code(a, "in"),
            &batch(vec![write(a, month(2026, 3), 0, sheet(1))], vec![]),
            a.to_string().as_str(),
        )
        .await
        .expect("first use");
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 1);
    assert_event(
        &events[0],
        ACTION_ATTENDANCE_RECORD,
        &a.to_string(),
        &format!("enrolment:{a}"),
    );

    let mark = audit_mark(db).await;
    let reuse = db
        .attendance()
        .check_in(
            &code(a, "in"),
            &batch(vec![write(a, month(2026, 4), 0, sheet(2))], vec![]),
            ACTOR,
        )
        .await;
    assert!(matches!(reuse, Err(AttendanceError::CodeUsed)), "{reuse:?}");
    assert_eq!(stored(db, &[a]).await.len(), 1, "the reuse's month is not written");
    assert!(events_after(db, mark).await.is_empty());

    // The other direction, and another trainee, may use the same window.
    db.attendance()
        .check_in(
            &code(a, "out"),
            &batch(vec![write(a, month(2026, 3), 1, sheet(3))], vec![]),
            ACTOR,
        )
        .await
        .expect("check-out");
    db.attendance()
        .check_in(
            &code(b, "in"),
            &batch(vec![write(b, month(2026, 3), 0, sheet(4))], vec![]),
            ACTOR,
        )
        .await
        .expect("another trainee");
    // A stale month rolls the code's use back with it: the code stays usable.
    let stale = db
        .attendance()
        .check_in(
            &code(b, "out"),
            &batch(vec![write(b, month(2026, 3), 5, sheet(5))], vec![]),
            ACTOR,
        )
        .await;
    assert!(matches!(stale, Err(AttendanceError::Stale { .. })), "{stale:?}");
    db.attendance()
        .check_in(
            &code(b, "out"),
            &batch(vec![write(b, month(2026, 3), 1, sheet(5))], vec![]),
            ACTOR,
        )
        .await
        .expect("the code is still unused after a refused batch");
    let bad = db
        .attendance()
        .check_in(&code(b, "sideways"), &batch(vec![], vec![]), ACTOR)
        .await;
    assert!(
        matches!(bad, Err(AttendanceError::Store(StoreError::Conflict { .. }))),
        "{bad:?}"
    );
}

async fn attendance_invalid_batches_are_refused(db: &Database) {
    let ids = enrolments(db, "ATT-BAD", 1).await;
    let a = ids[0];
    let mid_month = NaiveDate::from_ymd_opt(2026, 3, 15).expect("date");
    let cases = [
        batch(vec![write(a, mid_month, 0, sheet(1))], vec![]),
        batch(vec![write(a, month(2026, 3), -1, sheet(1))], vec![]),
        batch(vec![write(a, month(2026, 3), 0, Vec::new())], vec![]),
        batch(
            vec![write(a, month(2026, 3), 0, sheet(1))],
            vec![correction(a, mid_month, "  ")],
        ),
        AttendanceWrite {
            action: "enrolment.accept".to_owned(),
            ..batch(vec![write(a, month(2026, 3), 0, sheet(1))], vec![])
        },
    ];
    for case in &cases {
        let refused = db.attendance().write(case, ACTOR).await;
        assert!(
            matches!(refused, Err(AttendanceError::Store(StoreError::Conflict { .. }))),
            "{case:?} must be refused: {refused:?}"
        );
    }
    // The database refuses what the store would, too.
    let raw = raw_execute(
        db,
        &format!(
            "INSERT INTO attendance_months (enrolment_id, month, days, version, updated_at) \
             VALUES ({a}, '2026-03-15', X'00', 1, '2026-03-15T00:00:00Z')"
        ),
    )
    .await;
    assert!(raw.is_err(), "a month not named by its first day: {raw:?}");
    let unknown = db
        .attendance()
        .write(
            &batch(vec![write(a + 1_000_000, month(2026, 3), 0, sheet(1))], vec![]),
            ACTOR,
        )
        .await;
    assert!(unknown.is_err(), "a month of no enrolment: {unknown:?}");
    assert!(stored(db, &[a]).await.is_empty());
}

async fn attendance_load_writes_all_months_or_none(db: &Database) {
    let ids = enrolments(db, "ATT-LOAD", 30).await;
    let months: Vec<AttendanceMonth> = ids
        .iter()
        .flat_map(|&id| {
            (3..=8).map(move |m| AttendanceMonth {
                enrolment_id: id,
                month: month(2026, m),
                days: sheet((id as u8).wrapping_add(m as u8)),
                version: 1 + i64::from(m % 2),
            })
        })
        .collect();
    let mark = audit_mark(db).await;
    let written = db.attendance().load(&months, ACTOR).await.expect("load");
    assert_eq!(written, months.len() as u64);
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 1);
    assert_event(&events[0], ACTION_ATTENDANCE_LOAD, ACTOR, "attendance");
    assert_eq!(events[0].detail["months"], serde_json::json!(months.len()));
    let (first, last) = (ids[0], ids[ids.len() - 1]);
    let back = db
        .attendance()
        .months_in_range(first..=last, month(2026, 12))
        .await
        .expect("read back");
    assert_eq!(back, months, "loaded months read back as they were given, in order");

    // A month already stored fails the whole load.
    let extra = enrolments(db, "ATT-LOAD-2", 1).await[0];
    let mut again = vec![AttendanceMonth {
        enrolment_id: extra,
        month: month(2026, 3),
        days: sheet(1),
        version: 1,
    }];
    again.push(months[0].clone());
    let mark = audit_mark(db).await;
    assert!(db.attendance().load(&again, ACTOR).await.is_err());
    assert!(
        stored(db, &[extra]).await.is_empty(),
        "nothing of a failed load is written"
    );
    assert!(events_after(db, mark).await.is_empty());
    let bad = db
        .attendance()
        .load(
            &[AttendanceMonth {
                version: 0,
                ..again[0].clone()
            }],
            ACTOR,
        )
        .await;
    assert!(matches!(bad, Err(StoreError::Conflict { .. })), "{bad:?}");
    assert_eq!(db.attendance().load(&[], ACTOR).await.expect("empty load"), 0);
}
