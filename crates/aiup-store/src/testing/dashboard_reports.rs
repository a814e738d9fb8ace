//! Conformance checks of the dashboard reads: people, enrolments, firms and money counted from
//! rows inserted here, under programme ids of their own (so what earlier checks left counts
//! nowhere in the groups asked for).

use super::enrolment_reports::{insert_enrolment, insert_person};
use super::{raw_execute, raw_i64};
use crate::{DashboardQuery, Database};

pub(super) const CHECKS: &[&str] = &[
    "dashboard_reports_count_distinct_people_per_group_by_status_class",
    "dashboard_reports_sum_card_and_payroll_money_by_programme",
];

pub(super) async fn run(db: &Database) {
    check!(db, dashboard_reports_count_distinct_people_per_group_by_status_class);
    check!(db, dashboard_reports_sum_card_and_payroll_money_by_programme);
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn query() -> DashboardQuery {
    DashboardQuery {
        programme_groups: vec![
            ("dash-a".into(), "line-x".into()),
            ("dash-b".into(), "line-x".into()),
            ("dash-c".into(), "line-y".into()),
        ],
        firm_groups: vec![("dash-a".into(), "line-x".into())],
        enrolled_statuses: strings(&["accepted", "in_training", "completed", "dropped_out"]),
        in_training_statuses: strings(&["in_training"]),
        completed_statuses: strings(&["completed"]),
        trained_statuses: strings(&["in_training", "completed", "dropped_out"]),
    }
}

async fn dashboard_reports_count_distinct_people_per_group_by_status_class(db: &Database) {
    let before = db.dashboard_reports().figures(&query()).await.expect("figures");
    // One person in both programmes of line-x (counted once there), one in line-y only, one
    // applicant who was never accepted.
    let both = insert_person(db, "11110", "entry").await;
    let only_c = insert_person(db, "26110", "transition").await;
    let applicant = insert_person(db, "11110", "entry").await;
    insert_enrolment(db, both, "dash-a", "in_training", 9101).await;
    insert_enrolment(db, both, "dash-b", "completed", 9102).await;
    insert_enrolment(db, only_c, "dash-c", "accepted", 9103).await;
    insert_enrolment(db, applicant, "dash-a", "applied", 9104).await;
    let after = db.dashboard_reports().figures(&query()).await.expect("figures");
    let x = after.group_people.iter().find(|g| g.group == "line-x").expect("line-x");
    assert_eq!((x.enrolled, x.in_training, x.completed), (1, 1, 1), "{after:?}");
    let y = after.group_people.iter().find(|g| g.group == "line-y").expect("line-y");
    assert_eq!((y.enrolled, y.in_training, y.completed), (1, 0, 0));
    // Reached training: `both` (in training and completed) once; the accepted and the applicant
    // not.
    assert_eq!(after.people_trained - before.people_trained, 1);
    let tally = |programme: &str, status: &str| -> i64 {
        after
            .enrolments
            .iter()
            .filter(|t| t.programme == programme && t.status == status)
            .map(|t| t.enrolments)
            .sum()
    };
    assert_eq!(
        (
            tally("dash-a", "in_training"),
            tally("dash-a", "applied"),
            tally("dash-c", "accepted")
        ),
        (1, 1, 1)
    );
    let total: i64 = after.enrolments.iter().map(|t| t.enrolments).sum();
    let raw = raw_i64(
        db,
        "SELECT COUNT(*) FROM enrolments e JOIN people p ON p.id = e.person_id",
    )
    .await
    .expect("raw count");
    assert_eq!(total, raw);
    assert!(after.group_firms.is_empty(), "no SME plan enrolment in dash-a");
}

async fn dashboard_reports_sum_card_and_payroll_money_by_programme(db: &Database) {
    let person = insert_person(db, "11110", "entry").await;
    insert_enrolment(db, person, "dash-money", "in_training", 9201).await;
    let enrolment = raw_i64(db, "SELECT MAX(id) FROM enrolments WHERE programme = 'dash-money'")
        .await
        .expect("enrolment id");
    let card = raw_i64(
        db,
        &format!(
            "INSERT INTO card_accounts (person_id, issued_on, expires_on, balance_won, last_seq, created_at) \
             VALUES ({person}, '2026-01-02', '2030-12-31', 3000000, 0, '2026-01-02T00:00:00Z') RETURNING id"
        ),
    )
    .await
    .expect("card");
    // Held 500,000; converted at the start (released, charged 500,000); 100,000 refunded; a new
    // hold of 200,000 still out.
    let entries = [
        ("issue", 3_000_000, 3_000_000),
        ("hold", -500_000, 2_500_000),
        ("release", 500_000, 3_000_000),
        ("charge", -500_000, 2_500_000),
        ("refund", 100_000, 2_600_000),
        ("hold", -200_000, 2_400_000),
    ];
    for (seq, (kind, amount, balance)) in entries.iter().enumerate() {
        let enrolment_id = if *kind == "issue" {
            "NULL".to_owned()
        } else {
            enrolment.to_string()
        };
        raw_execute(
            db,
            &format!(
                "INSERT INTO card_entries (card_id, seq, kind, amount_won, balance_after_won, on_date, at, rule, \
                 params, enrolment_id, actor) VALUES ({card}, {}, '{kind}', {amount}, {balance}, '2026-03-02', \
                 '2026-03-02T00:00:00Z', 'conformance', '{{}}', {enrolment_id}, 'conformance')",
                seq + 1
            ),
        )
        .await
        .expect("card entry");
    }
    let mut runs = Vec::new();
    for (status, approved, exported) in [
        ("draft", "NULL, NULL", "NULL, NULL"),
        (
            "exported",
            "'checker', '2026-03-03T00:00:00Z'",
            "'checker', '2026-03-04T00:00:00Z'",
        ),
    ] {
        runs.push(
            raw_i64(
                db,
                &format!(
                    "INSERT INTO payroll_runs (month, status, policy_sha256, lines, total_won, created_by, created_at, \
                     approved_by, approved_at, exported_by, exported_at) VALUES ('2026-03', '{status}', 'x', 1, 0, \
                     'maker', '2026-03-02T00:00:00Z', {approved}, {exported}) RETURNING id"
                ),
            )
            .await
            .expect("run"),
        );
    }
    for (i, (run, amount)) in runs.iter().zip([70_000, 110_000]).enumerate() {
        raw_execute(
            db,
            &format!(
                "INSERT INTO payroll_lines (run_id, enrolment_id, person_id, period_index, period_start, \
                 period_end, kind, amount_won, computed_won, base_won, special_won, meal_deduction_won, \
                 scheduled_days, recognised_days, programme, institution_id, region_tier, province, trace) VALUES \
                 ({run}, {enrolment}, {person}, {}, \
                 '2026-03-01', '2026-03-31', 'regular', {amount}, {amount}, {amount}, 0, 0, 20, 20, 'dash-money', \
                 'REPORT-INST', 'capital', '11', '{{}}')",
                i + 1
            ),
        )
        .await
        .expect("line");
    }
    let figures = db.dashboard_reports().figures(&query()).await.expect("figures");
    let money = figures
        .money
        .iter()
        .find(|m| m.programme == "dash-money")
        .expect("the programme's money");
    assert_eq!(money.card_held_won, 200_000);
    assert_eq!(money.card_charged_won, 400_000);
    assert_eq!(money.payroll_pending_won, 70_000);
    assert_eq!(money.payroll_exported_won, 110_000);
    assert_eq!(money.sme_government_won, 0);
    let in_training = db.dashboard_reports().in_training().await.expect("in training");
    let row = in_training
        .iter()
        .find(|e| e.enrolment_id == enrolment)
        .expect("the enrolment in training");
    assert_eq!((row.paid_periods, row.person_status.as_str()), (2, "job_seeker"));
    assert_eq!(row.cohort_start.to_string(), "2026-04-01");
}
