//! The full journey, on SQLite and PostgreSQL: one trainee through three months of
//! attendance (lateness carried across unit periods, an excused absence, a late correction),
//! the payroll each month, and completion. Every amount is checked against the golden file
//! `tests/golden/payroll/journey-3-months.json` (RULES; each value cites its source).

use aiup_app::statement::PaymentState;
use aiup_people::EnrolmentStatus;
use aiup_rules::attendance::Day;
use chrono::NaiveDate;
use serde_json::Value;

use crate::payroll::{
    d, golden_days, journey_golden, postgres_world, record_golden_for, record_golden_until, sqlite_world, write_days,
    World,
};

fn no_progress(_: u64, _: u64) {}

/// The golden line kind as the ledger spells it (`payment` is a period's first, regular line).
fn ledger_kind(golden: &str) -> &str {
    match golden {
        "payment" => "regular",
        other => other,
    }
}

fn last_day_of(month: &str) -> NaiveDate {
    let first = d(&format!("{month}-01"));
    first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|n| n.pred_opt())
        .expect("month end")
}

async fn journey(world: World) {
    let app = world.services();
    let golden = journey_golden();
    let days = golden_days(&golden);
    let (trainee, enrolment) = world.trainees[0].clone();
    let mut recorded_to = d("2026-04-01").pred_opt().expect("day");
    let mut runs = Vec::new();
    for step in golden["steps"].as_array().expect("steps") {
        if let Some(correction) = step.get("correction") {
            let date = d(correction["date"].as_str().expect("date"));
            let to = Day::from_tokens(correction["to"].as_str().expect("to")).expect("tokens");
            let before = app
                .db()
                .attendance()
                .corrections(enrolment)
                .await
                .expect("corrections")
                .len();
            write_days(
                app,
                enrolment,
                &[(date, to)],
                Some(correction["reason"].as_str().expect("reason")),
            )
            .await;
            let after = app.db().attendance().corrections(enrolment).await.expect("corrections");
            assert_eq!(after.len(), before + 1, "the correction keeps the old value");
            assert_eq!(after[before].old, serde_json::to_value(days[&date]).expect("json"));
            continue;
        }
        let month = step["run"].as_str().expect("run month");
        // Attendance as recorded by the month's end.
        let end = last_day_of(month);
        if end > recorded_to {
            record_golden_for(&world, &[enrolment], &days, recorded_to.succ_opt().expect("day"), end).await;
            recorded_to = end;
        }
        let done = app.run_payroll(&world.runner, month, &no_progress).await.expect("run");
        let lines = app
            .payroll_lines(&world.auditor, done.run.id, 0, 0)
            .await
            .expect("lines");
        let got: Vec<(i64, &str, i64)> = lines
            .iter()
            .map(|l| (l.line.period_index, l.line.kind.as_str(), l.line.amount_won))
            .collect();
        let expected: Vec<(i64, &str, i64)> = step["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .map(|l| {
                (
                    l["period"].as_i64().expect("period"),
                    ledger_kind(l["kind"].as_str().expect("kind")),
                    l["amount"].as_i64().expect("amount"),
                )
            })
            .collect();
        assert_eq!(got, expected, "run {month}: {}", step["source"]);
        assert_eq!(done.run.total_won, expected.iter().map(|l| l.2).sum::<i64>());
        // Every line explains its won: the stored figures, and the engine's steps rendered from
        // them name the counting and pay parameters with their citations.
        for line in &lines {
            assert_eq!(
                line.line.base_won + line.line.special_won - line.line.meal_deduction_won,
                line.line.computed_won
            );
            assert!(line.line.trace.to_string().len() < 600, "the stored trace is compact");
            let shown = app
                .payroll_line(&world.auditor, done.run.id, enrolment, line.line.period_index)
                .await
                .expect("line");
            let trace = shown.line.trace.to_string();
            for param in ["attendance.tardies_per_absence", "allowance.attendance_threshold"] {
                assert!(trace.contains(param), "the trace names {param}");
            }
            assert!(shown.line.trace["explanation"]["ko"].is_string());
        }
        if !lines.is_empty() {
            app.approve_payroll(&world.approver, done.run.id)
                .await
                .expect("approve");
            app.export_payroll(&world.runner, done.run.id).await.expect("export");
        }
        runs.push(done);
    }
    // Each period's figures and final amount, as the trainee's statement shows them.
    let statement = app.statement_for(&trainee, enrolment).await.expect("statement");
    let periods = golden["periods"].as_object().expect("periods");
    assert_eq!(statement.periods.len(), periods.len());
    for (index, expected) in periods {
        let period = &statement.periods[index.parse::<usize>().expect("index") - 1];
        let count = serde_json::to_value(period.figures.count).expect("json");
        for (field, value) in expected.as_object().expect("period") {
            match field.as_str() {
                "start"
                | "end"
                | "scheduled_days"
                | "tardies_in_period"
                | "tardies_carried_in"
                | "tardies_carried_out"
                | "tardy_absences"
                | "excused_counted"
                | "absences"
                | "recognised_days"
                | "threshold_days" => assert_eq!(&count[field], value, "period {index} {field}"),
                "amount_after_correction" => {
                    assert_eq!(
                        period.figures.amount_won,
                        value.as_i64().expect("amount"),
                        "period {index}"
                    );
                    assert_eq!(period.paid_won, period.figures.amount_won, "period {index} fully paid");
                }
                _ => {}
            }
        }
        assert!(!period.deductions.is_empty() || period.figures.count.absences == 0);
        assert!(period.rule.cite.is_some(), "the threshold is cited");
    }
    assert_eq!(statement.periods[0].state, PaymentState::Adjusted);
    assert_eq!(statement.periods[1].state, PaymentState::Paid);
    // Completion after the course end.
    let done = app
        .complete_cohort(&world.staff, &world.course_id, 0)
        .await
        .expect("complete");
    let outcome = &golden["outcome"];
    let mine = done.iter().find(|c| c.enrolment_id == enrolment).expect("outcome");
    assert_eq!(
        mine.decision.result.as_str(),
        outcome["result"].as_str().expect("result")
    );
    assert_eq!(Value::from(mine.decision.training_days), outcome["training_days"]);
    assert_eq!(Value::from(mine.decision.recognised_days), outcome["recognised_days"]);
    assert_eq!(Value::from(mine.decision.limit), outcome["limit"]);
    assert!(!mine.citations.is_empty() && mine.rule.cite.is_some());
    assert_eq!(mine.to, EnrolmentStatus::Completed);
    assert_eq!(mine.card_deduction_won, 0);
    // The trainee's record shows the outcome; closing again changes nothing.
    let record = app.enrolment_for(&trainee, enrolment).await.expect("record");
    assert_eq!(record.status, EnrolmentStatus::Completed);
    assert!(app
        .complete_cohort(&world.staff, &world.course_id, 0)
        .await
        .expect("again")
        .is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_three_month_journey_on_sqlite() {
    journey(sqlite_world(1).await).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_three_month_journey_on_postgres() {
    let Some(world) = postgres_world(1).await else { return };
    journey(world).await;
}

/// Early employment and removal: a job after 80% of all training days completes the course, a
/// job before it is a dropout with the card's deduction, and a trainee absent half a period is
/// removed with the deduction; each written once, however often it is retried.
async fn outcomes(world: World) {
    let app = world.services();
    let golden = journey_golden();
    let mut days = golden_days(&golden);
    // Trainee 1 misses the first half of period 2.
    for (date, day) in days.iter_mut() {
        if *date >= d("2026-05-15") && *date <= d("2026-05-29") {
            *day = Some(Day::absent());
        }
    }
    record_golden_until(&world, &golden_days(&golden), d("2026-04-01"), d("2026-07-31")).await;
    let (_, removed) = world.trainees[1];
    let part: Vec<(NaiveDate, Option<Day>)> = days.into_iter().collect();
    write_days(app, removed, &part, Some("출결 정정")).await;
    let card_before = card_entries(&world).await;
    // Early employment (research B.4): the golden days recognise 49 days by 2026-07-01 and 50
    // by 2026-07-02, and 80% of the 62 training days is 50 (49.6 rounded up). A job from
    // 07-03 completes the course; a job from 07-02 is a dropout, with the card's deduction.
    let (_, employed_late) = world.trainees[2];
    let (_, employed_early) = world.trainees[3];
    let completed = app
        .complete_by_employment(&world.staff, employed_late, d("2026-07-03"))
        .await
        .expect("employment");
    assert_eq!(
        completed.to,
        EnrolmentStatus::EarlyCompletionEmployment,
        "{:?}",
        completed.reason
    );
    assert_eq!((completed.decision.recognised_days, completed.decision.limit), (50, 50));
    assert_eq!(completed.card_deduction_won, 0);
    let dropped = app
        .complete_by_employment(&world.staff, employed_early, d("2026-07-02"))
        .await
        .expect("employment");
    assert_eq!(dropped.to, EnrolmentStatus::DroppedOut, "{:?}", dropped.reason);
    assert_eq!(dropped.decision.recognised_days, 49);
    assert!(dropped.card_deduction_won > 0);
    assert_eq!(card_entries(&world).await, card_before + 1);
    let again = app
        .complete_by_employment(&world.staff, employed_early, d("2026-07-02"))
        .await
        .unwrap_err();
    assert_eq!(again.code, aiup_app::Code::InvalidTransition);
    assert_eq!(card_entries(&world).await, card_before + 1, "never deducted twice");
    let future = app
        .complete_by_employment(&world.staff, world.trainees[0].1, d("2030-01-01"))
        .await
        .unwrap_err();
    assert_eq!(future.field.as_deref(), Some("employed_on"));
    let card_before = card_entries(&world).await;
    let done = app
        .complete_cohort(&world.staff, &world.course_id, 0)
        .await
        .expect("complete");
    let outcome = done.iter().find(|c| c.enrolment_id == removed).expect("outcome");
    assert_eq!(outcome.to, EnrolmentStatus::Removed, "{:?}", outcome.reason);
    assert!(outcome.card_deduction_won > 0, "the card pays the dropout deduction");
    assert_eq!(card_entries(&world).await, card_before + 1);
    // Retrying the close neither moves it nor deducts again.
    assert!(app
        .complete_cohort(&world.staff, &world.course_id, 0)
        .await
        .expect("again")
        .is_empty());
    assert_eq!(card_entries(&world).await, card_before + 1);
    // Another institution's staff cannot close the cohort.
    let refused = app
        .complete_cohort(&world.trainees[0].0, &world.course_id, 0)
        .await
        .unwrap_err();
    assert_eq!(refused.code, aiup_app::Code::Forbidden);
}

#[tokio::test(flavor = "multi_thread")]
async fn employment_and_removal_move_the_card_once_on_sqlite() {
    outcomes(sqlite_world(4).await).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn employment_and_removal_move_the_card_once_on_postgres() {
    let Some(world) = postgres_world(4).await else { return };
    outcomes(world).await;
}

async fn card_entries(world: &World) -> i64 {
    aiup_store::testing::raw_i64(
        world.services().db(),
        "SELECT COUNT(*) FROM card_entries WHERE kind = 'dropout_deduction'",
    )
    .await
    .expect("count")
}
