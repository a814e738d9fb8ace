//! Conformance checks of the payroll aggregate.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::attendance::enrolments;
use super::{assert_event, audit_mark, events_after, fake_sha, raw_execute, raw_i64};
use crate::{
    Backend, Database, NewPayrollLine, PaidPeriod, PayrollError, PayrollRunRecord, StoreError, TotalsBy,
    ACTION_PAYROLL_APPROVE, ACTION_PAYROLL_CANCEL, ACTION_PAYROLL_EXPORT, ACTION_PAYROLL_RUN,
};

pub(super) const CHECKS: &[&str] = &[
    "payroll_run_writes_its_lines_totals_and_audit_event",
    "payroll_runs_are_serialised_by_the_ledger_head",
    "payroll_concurrent_runs_from_one_head_one_wins",
    "payroll_status_steps_and_self_approval",
    "payroll_lines_are_append_only_and_runs_change_only_by_steps",
    "payroll_paid_sums_exclude_cancelled_runs",
    "payroll_totals_group_lines",
    "payroll_invalid_runs_are_refused_and_write_nothing",
];

pub(super) async fn run(db: &Database) {
    check!(db, payroll_run_writes_its_lines_totals_and_audit_event);
    check!(db, payroll_runs_are_serialised_by_the_ledger_head);
    check!(db, payroll_concurrent_runs_from_one_head_one_wins);
    check!(db, payroll_status_steps_and_self_approval);
    check!(db, payroll_lines_are_append_only_and_runs_change_only_by_steps);
    check!(db, payroll_paid_sums_exclude_cancelled_runs);
    check!(db, payroll_totals_group_lines);
    check!(db, payroll_invalid_runs_are_refused_and_write_nothing);
}

const RUNNER: &str = "payroll-runner";
const APPROVER: &str = "payroll-approver";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

/// A line of `enrolment_id`'s period `period_index` paying `amount_won`; the grouping columns
/// vary with the enrolment so totals have several groups.
fn line(enrolment_id: i64, period_index: i64, amount_won: i64) -> NewPayrollLine {
    let tiers = ["capital", "non_capital", "population_declining"];
    let start = day(2026, 3, 2) + chrono::Days::new(30 * (period_index as u64 - 1));
    NewPayrollLine {
        enrolment_id,
        person_id: 1,
        period_index,
        period_start: start,
        period_end: start + chrono::Days::new(29),
        kind: if amount_won < 0 { "adjustment" } else { "regular" }.to_owned(),
        amount_won,
        computed_won: amount_won.max(0),
        base_won: 316_000,
        special_won: 0,
        meal_deduction_won: 0,
        scheduled_days: 20,
        recognised_days: 18,
        programme: if enrolment_id % 2 == 0 {
            "k_digital"
        } else {
            "national_tomorrow"
        }
        .to_owned(),
        institution_id: format!("INST-{}", enrolment_id % 3),
        region_tier: tiers[(enrolment_id % 3) as usize].to_owned(),
        province: format!("{}", 11 + enrolment_id % 4),
        trace: serde_json::json!({ "period": period_index, "steps": ["base", "days"], "note": "출석률 90%" }),
    }
}

async fn head(db: &Database) -> i64 {
    db.payroll().last_run_id().await.expect("ledger head")
}

async fn create(db: &Database, month: &str, lines: &[NewPayrollLine]) -> PayrollRunRecord {
    let head = head(db).await;
    db.payroll()
        .create_run(month, &fake_sha("policy"), head, lines, RUNNER)
        .await
        .unwrap_or_else(|e| panic!("create a run for {month}: {e}"))
}

async fn payroll_run_writes_its_lines_totals_and_audit_event(db: &Database) {
    let ids = enrolments(db, "PAY-RUN", 3).await;
    let lines = vec![
        line(ids[2], 1, 200_000),
        line(ids[0], 2, 150_000),
        line(ids[0], 1, 316_000),
        line(ids[1], 1, -20_000),
    ];
    let before = head(db).await;
    let mark = audit_mark(db).await;
    let run = db
        .payroll()
        .create_run("2026-04", &fake_sha("policy"), before, &lines, RUNNER)
        .await
        .expect("create run");
    assert_eq!(head(db).await, before + 1, "a run moves the ledger head by one");
    assert_eq!((run.month.as_str(), run.status.as_str()), ("2026-04", "draft"));
    assert_eq!((run.lines, run.total_won), (4, 646_000));
    assert_eq!(
        (run.created_by.as_str(), run.policy_sha256.clone()),
        (RUNNER, fake_sha("policy"))
    );
    assert!(run.approved_by.is_none() && run.exported_at.is_none() && run.cancelled_at.is_none());
    assert_eq!(db.payroll().run(run.id).await.expect("run"), Some(run.clone()));
    assert_eq!(db.payroll().run(run.id + 1_000).await.expect("no run"), None);

    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_event(
        &events[0],
        ACTION_PAYROLL_RUN,
        RUNNER,
        &format!("payroll_run:{}", run.id),
    );
    let d = &events[0].detail;
    assert_eq!(
        (
            d["month"].clone(),
            d["lines"].clone(),
            d["total_won"].clone(),
            d["policy_sha256"].clone()
        ),
        (
            serde_json::json!("2026-04"),
            serde_json::json!(4),
            serde_json::json!(646_000),
            serde_json::json!(fake_sha("policy"))
        )
    );

    let stored = db.payroll().lines(run.id, 0, 0).await.expect("lines");
    let order: Vec<(i64, i64)> = stored
        .iter()
        .map(|l| (l.line.enrolment_id, l.line.period_index))
        .collect();
    assert_eq!(order, vec![(ids[0], 1), (ids[0], 2), (ids[1], 1), (ids[2], 1)]);
    for l in &stored {
        assert_eq!((l.run_id, l.month.as_str()), (run.id, "2026-04"));
        let given = lines
            .iter()
            .find(|g| (g.enrolment_id, g.period_index) == (l.line.enrolment_id, l.line.period_index))
            .expect("a given line");
        assert_eq!(&l.line, given, "lines read back as written, trace included");
    }
    let page = db.payroll().lines(run.id, 1, 2).await.expect("page");
    assert_eq!(page, stored[1..3].to_vec());
    assert_eq!(
        db.payroll()
            .lines_of_enrolment(ids[0])
            .await
            .expect("of enrolment")
            .len(),
        2
    );

    // A run with no lines is still recorded.
    let empty = create(db, "2026-05", &[]).await;
    assert_eq!((empty.lines, empty.total_won), (0, 0));
    let runs = db.payroll().runs(None).await.expect("runs");
    assert_eq!(
        runs.iter().map(|r| r.id).take(2).collect::<Vec<_>>(),
        vec![empty.id, run.id]
    );
    let april = db.payroll().runs(Some("2026-04")).await.expect("April's runs");
    assert_eq!(april, vec![run]);
}

async fn payroll_runs_are_serialised_by_the_ledger_head(db: &Database) {
    let ids = enrolments(db, "PAY-HEAD", 1).await;
    let stale_head = head(db).await;
    let first = create(db, "2026-06", &[line(ids[0], 1, 100)]).await;
    let mark = audit_mark(db).await;
    let lines_before = raw_i64(db, "SELECT COUNT(*) FROM payroll_lines").await.expect("count");
    let moved = db
        .payroll()
        .create_run(
            "2026-06",
            &fake_sha("policy"),
            stale_head,
            &[line(ids[0], 1, 100)],
            RUNNER,
        )
        .await;
    assert!(matches!(moved, Err(PayrollError::Moved)), "{moved:?}");
    assert_eq!(
        raw_i64(db, "SELECT COUNT(*) FROM payroll_lines").await.expect("count"),
        lines_before
    );
    assert!(events_after(db, mark).await.is_empty(), "a refused run is not audited");

    // A cancellation moves the ledger too: a payroll computed before it must be computed again.
    let before_cancel = head(db).await;
    db.payroll().cancel(first.id, APPROVER).await.expect("cancel");
    assert_eq!(head(db).await, before_cancel + 1);
    let moved = db
        .payroll()
        .create_run(
            "2026-06",
            &fake_sha("policy"),
            before_cancel,
            &[line(ids[0], 1, 100)],
            RUNNER,
        )
        .await;
    assert!(matches!(moved, Err(PayrollError::Moved)), "{moved:?}");
    let future = db
        .payroll()
        .create_run("2026-06", &fake_sha("policy"), head(db).await + 1, &[], RUNNER)
        .await;
    assert!(matches!(future, Err(PayrollError::Moved)), "{future:?}");
    create(db, "2026-06", &[line(ids[0], 1, 100)]).await;
}

async fn payroll_concurrent_runs_from_one_head_one_wins(db: &Database) {
    let ids = enrolments(db, "PAY-RACE", 50).await;
    let lines: Vec<NewPayrollLine> = ids.iter().map(|&id| line(id, 1, 300_000)).collect();
    let start = head(db).await;
    let lines_before = raw_i64(db, "SELECT COUNT(*) FROM payroll_lines").await.expect("count");
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let (db, lines) = (db.clone(), lines.clone());
            tokio::spawn(async move {
                db.payroll()
                    .create_run("2026-07", &fake_sha("policy"), start, &lines, RUNNER)
                    .await
            })
        })
        .collect();
    let (mut created, mut moved) = (0, 0);
    for task in tasks {
        match task.await.expect("task") {
            Ok(_) => created += 1,
            Err(PayrollError::Moved) => moved += 1,
            Err(e) => panic!("a concurrent run failed otherwise: {e}"),
        }
    }
    assert_eq!((created, moved), (1, 3));
    assert_eq!(
        raw_i64(db, "SELECT COUNT(*) FROM payroll_lines").await.expect("count"),
        lines_before + 50,
        "only the winner's lines are written"
    );
    assert_eq!(head(db).await, start + 1);
}

async fn payroll_status_steps_and_self_approval(db: &Database) {
    let ids = enrolments(db, "PAY-STEP", 1).await;
    let run = create(db, "2026-08", &[line(ids[0], 1, 250_000)]).await;
    let mark = audit_mark(db).await;

    let own = db.payroll().approve(run.id, RUNNER).await;
    assert!(matches!(own, Err(PayrollError::SelfApproval)), "{own:?}");
    let early = db.payroll().mark_exported(run.id, APPROVER).await;
    assert!(
        matches!(early, Err(PayrollError::WrongStatus { ref status, .. }) if status == "draft"),
        "{early:?}"
    );
    assert!(events_after(db, mark).await.is_empty(), "refused steps are not audited");

    let approved = db.payroll().approve(run.id, APPROVER).await.expect("approve");
    assert_eq!(approved.status, "approved");
    assert_eq!(approved.approved_by.as_deref(), Some(APPROVER));
    assert!(approved.approved_at.is_some());
    assert_eq!((approved.lines, approved.total_won), (run.lines, run.total_won));
    let twice = db.payroll().approve(run.id, APPROVER).await;
    assert!(matches!(twice, Err(PayrollError::WrongStatus { .. })), "{twice:?}");
    let cancel = db.payroll().cancel(run.id, APPROVER).await;
    assert!(
        matches!(cancel, Err(PayrollError::WrongStatus { .. })),
        "an approved run is not cancelled: {cancel:?}"
    );

    let exported = db.payroll().mark_exported(run.id, RUNNER).await.expect("export");
    assert_eq!(exported.status, "exported");
    assert_eq!(exported.exported_by.as_deref(), Some(RUNNER));
    assert_eq!(exported.approved_by.as_deref(), Some(APPROVER));
    let again = db.payroll().mark_exported(run.id, RUNNER).await;
    assert!(matches!(again, Err(PayrollError::WrongStatus { .. })), "{again:?}");

    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 2, "{events:?}");
    let subject = format!("payroll_run:{}", run.id);
    assert_event(&events[0], ACTION_PAYROLL_APPROVE, APPROVER, &subject);
    assert_event(&events[1], ACTION_PAYROLL_EXPORT, RUNNER, &subject);

    let other = create(db, "2026-08", &[]).await;
    let mark = audit_mark(db).await;
    let cancelled = db.payroll().cancel(other.id, RUNNER).await.expect("cancel a draft");
    assert_eq!(cancelled.status, "cancelled");
    assert_eq!(cancelled.cancelled_by.as_deref(), Some(RUNNER));
    assert_event(
        &events_after(db, mark).await[0],
        ACTION_PAYROLL_CANCEL,
        RUNNER,
        &format!("payroll_run:{}", other.id),
    );
    let approve_cancelled = db.payroll().approve(other.id, APPROVER).await;
    assert!(
        matches!(approve_cancelled, Err(PayrollError::WrongStatus { .. })),
        "{approve_cancelled:?}"
    );

    let missing = db.payroll().approve(other.id + 1_000, APPROVER).await;
    assert!(
        matches!(missing, Err(PayrollError::Store(StoreError::NotFound { .. }))),
        "{missing:?}"
    );
}

async fn payroll_lines_are_append_only_and_runs_change_only_by_steps(db: &Database) {
    let ids = enrolments(db, "PAY-APPEND", 1).await;
    let run = create(db, "2026-09", &[line(ids[0], 1, 100_000)]).await;
    let count = || raw_i64(db, "SELECT COUNT(*) FROM payroll_lines");
    let before = count().await.expect("count");
    let refused = [
        "UPDATE payroll_lines SET amount_won = 1".to_owned(),
        "DELETE FROM payroll_lines".to_owned(),
        format!("UPDATE payroll_runs SET total_won = 1 WHERE id = {}", run.id),
        format!("UPDATE payroll_runs SET status = 'exported' WHERE id = {}", run.id),
        format!("DELETE FROM payroll_runs WHERE id = {}", run.id),
        "UPDATE payroll_ledger_head SET seq = 0".to_owned(),
        "DELETE FROM payroll_ledger_head".to_owned(),
    ];
    for sql in &refused {
        let result = raw_execute(db, sql).await;
        assert!(result.is_err(), "`{sql}` must be refused by the database: {result:?}");
    }
    if db.backend() == Backend::Postgres {
        for table in ["payroll_lines", "payroll_runs", "payroll_ledger_head"] {
            let result = raw_execute(db, &format!("TRUNCATE {table} CASCADE")).await;
            assert!(result.is_err(), "TRUNCATE {table} must be refused: {result:?}");
        }
    }
    assert_eq!(count().await.expect("count"), before);
    assert_eq!(db.payroll().run(run.id).await.expect("run"), Some(run));
}

async fn payroll_paid_sums_exclude_cancelled_runs(db: &Database) {
    let ids = enrolments(db, "PAY-PAID", 3).await;
    let (a, b, c) = (ids[0], ids[1], ids[2]);
    create(db, "2026-10", &[line(a, 1, 100), line(a, 2, 50), line(b, 1, 70)]).await;
    let adjustment = create(db, "2026-11", &[line(a, 1, -10), line(c, 1, 5)]).await;
    db.payroll().approve(adjustment.id, APPROVER).await.expect("approve");
    let cancelled = create(db, "2026-11", &[line(a, 1, 999), line(b, 2, 999)]).await;
    db.payroll().cancel(cancelled.id, APPROVER).await.expect("cancel");

    let paid = db.payroll().paid_in_range(a..=b).await.expect("paid");
    let expect = |enrolment_id, period_index, amount_won| PaidPeriod {
        enrolment_id,
        period_index,
        amount_won,
    };
    assert_eq!(paid, vec![expect(a, 1, 90), expect(a, 2, 50), expect(b, 1, 70)]);
    let all = db.payroll().paid_in_range(a..=c).await.expect("paid");
    assert_eq!(all.last(), Some(&expect(c, 1, 5)));
    assert!(db
        .payroll()
        .paid_in_range(c + 1..=c + 100)
        .await
        .expect("none")
        .is_empty());
    // The cancelled run's lines stay in the ledger.
    assert_eq!(db.payroll().lines_of_enrolment(a).await.expect("lines").len(), 4);
}

async fn payroll_totals_group_lines(db: &Database) {
    let ids = enrolments(db, "PAY-TOTALS", 12).await;
    let lines: Vec<NewPayrollLine> = ids
        .iter()
        .enumerate()
        .flat_map(|(i, &id)| [line(id, 1, 100_000 + i as i64), line(id, 2, 1_000 * i as i64)])
        .collect();
    let run = create(db, "2026-12", &lines).await;
    for by in [
        TotalsBy::Programme,
        TotalsBy::RegionTier,
        TotalsBy::Province,
        TotalsBy::Institution,
    ] {
        let key = |l: &NewPayrollLine| match by {
            TotalsBy::Programme => l.programme.clone(),
            TotalsBy::RegionTier => l.region_tier.clone(),
            TotalsBy::Province => l.province.clone(),
            TotalsBy::Institution => l.institution_id.clone(),
        };
        let mut expected: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        for l in &lines {
            let group = expected.entry(key(l)).or_default();
            group.0 += 1;
            group.1 += l.amount_won;
        }
        let totals = db.payroll().totals(run.id, by).await.expect("totals");
        let got: Vec<(String, i64, i64)> = totals.into_iter().map(|t| (t.key, t.lines, t.amount_won)).collect();
        let want: Vec<(String, i64, i64)> = expected.into_iter().map(|(k, (n, s))| (k, n, s)).collect();
        assert!(want.len() > 1, "the test lines fall in several groups");
        assert_eq!(got, want, "totals by {by:?}");
    }
    assert!(db
        .payroll()
        .totals(run.id + 1_000, TotalsBy::Programme)
        .await
        .expect("none")
        .is_empty());
}

async fn payroll_invalid_runs_are_refused_and_write_nothing(db: &Database) {
    let ids = enrolments(db, "PAY-BAD", 1).await;
    let good = line(ids[0], 1, 100);
    let bad_lines = [
        NewPayrollLine {
            kind: "bonus".to_owned(),
            ..good.clone()
        },
        NewPayrollLine {
            region_tier: "seoul".to_owned(),
            ..good.clone()
        },
        NewPayrollLine {
            period_index: 0,
            ..good.clone()
        },
        NewPayrollLine {
            period_end: good.period_start - chrono::Days::new(1),
            ..good.clone()
        },
    ];
    let start = head(db).await;
    for bad in &bad_lines {
        let refused = db
            .payroll()
            .create_run(
                "2027-01",
                &fake_sha("policy"),
                start,
                &[good.clone(), bad.clone()],
                RUNNER,
            )
            .await;
        assert!(
            matches!(refused, Err(PayrollError::Store(StoreError::Conflict { .. }))),
            "{bad:?}: {refused:?}"
        );
    }
    for month in ["2027-13", "2027-1", "27-01-01", ""] {
        let refused = db
            .payroll()
            .create_run(month, &fake_sha("policy"), start, &[], RUNNER)
            .await;
        assert!(
            matches!(refused, Err(PayrollError::Store(StoreError::Conflict { .. }))),
            "{month}: {refused:?}"
        );
    }
    // A line of no enrolment is refused, and the head does not move.
    let unknown = db
        .payroll()
        .create_run(
            "2027-01",
            &fake_sha("policy"),
            start,
            &[good.clone(), line(ids[0] + 1_000_000, 1, 1)],
            RUNNER,
        )
        .await;
    assert!(
        matches!(&unknown, Err(PayrollError::Store(StoreError::Conflict { reason, .. })) if reason.contains("does not exist")),
        "{unknown:?}"
    );
    assert_eq!(head(db).await, start, "refused runs leave the head where it was");
    assert!(db.payroll().runs(Some("2027-01")).await.expect("runs").is_empty());
}
