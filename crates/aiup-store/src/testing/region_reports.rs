//! Conformance checks of the regional dashboards' reads. Earlier checks leave rows behind, so
//! these use a 시군구 (99901, 99902), a province (99) and a year (2031) no other check uses.

use super::enrolment_reports::{insert_enrolment, insert_person};
use super::{raw_execute, raw_i64};
use crate::{Database, FirmGroup};

pub(super) const CHECKS: &[&str] = &[
    "region_reports_count_people_money_and_months",
    "region_reports_group_firms_by_how_far_they_got",
];

pub(super) async fn run(db: &Database) {
    check!(db, region_reports_count_people_money_and_months);
    check!(db, region_reports_group_firms_by_how_far_they_got);
}

const ENROLLED: [&str; 3] = ["in_training", "completed", "dropped_out"];

async fn last_enrolment(db: &Database) -> i64 {
    raw_i64(db, "SELECT MAX(id) FROM enrolments")
        .await
        .expect("last enrolment")
}

async fn event(db: &Database, enrolment: i64, seq: i64, to: &str, on: &str) {
    raw_execute(
        db,
        &format!(
            "INSERT INTO enrolment_events (enrolment_id, seq, event, from_status, to_status, reason, actor, at, seoul_date) \
             VALUES ({enrolment}, {seq}, 'x', NULL, '{to}', NULL, 'test', '{on}T01:00:00Z', '{on}')"
        ),
    )
    .await
    .expect("insert event");
}

async fn run_with_line(db: &Database, month: &str, status: &str, enrolment: i64, person: i64, won: i64) {
    let run = raw_i64(
        db,
        &format!(
            "INSERT INTO payroll_runs (month, status, policy_sha256, lines, total_won, created_by, created_at, \
             approved_by, approved_at, cancelled_by, cancelled_at) VALUES ('{month}', '{status}', 'p', 1, {won}, 'runner', \
             '2031-01-01T00:00:00Z', {approved}, {cancelled}) RETURNING id",
            approved = if status == "approved" { "'approver', '2031-01-02T00:00:00Z'" } else { "NULL, NULL" },
            cancelled = if status == "cancelled" { "'runner', '2031-01-02T00:00:00Z'" } else { "NULL, NULL" },
        ),
    )
    .await
    .expect("insert run");
    raw_execute(
        db,
        &format!(
            "INSERT INTO payroll_lines (run_id, enrolment_id, person_id, period_index, period_start, period_end, kind, \
             amount_won, computed_won, base_won, special_won, meal_deduction_won, scheduled_days, recognised_days, \
             programme, institution_id, region_tier, province, trace) VALUES ({run}, {enrolment}, {person}, 1, \
             '{month}-01', '{month}-28', 'regular', {won}, {won}, {won}, 0, 0, 20, 20, 'kdt', 'I', 'non_capital', '99', '{{}}')"
        ),
    )
    .await
    .expect("insert line");
}

async fn region_reports_count_people_money_and_months(db: &Database) {
    // Two people in 99901 (one in two programmes), one in 99902; one enrolment only applied.
    let a = insert_person(db, "99901", "entry").await;
    let b = insert_person(db, "99901", "participation").await;
    let c = insert_person(db, "99902", "entry").await;
    insert_enrolment(db, a, "kdt", "in_training", 9_001).await;
    let a_kdt = last_enrolment(db).await;
    insert_enrolment(db, a, "naeil", "completed", 9_002).await;
    let a_naeil = last_enrolment(db).await;
    insert_enrolment(db, b, "kdt", "applied", 9_003).await;
    insert_enrolment(db, c, "kdt", "dropped_out", 9_004).await;
    event(db, a_kdt, 1, "in_training", "2031-03-02").await;
    event(db, a_naeil, 1, "in_training", "2031-03-10").await;
    event(db, a_naeil, 2, "completed", "2031-05-29").await;
    event(db, a_kdt, 2, "in_training", "2030-12-31").await; // another year: not counted
    run_with_line(db, "2031-04", "approved", a_kdt, a, 300_000).await;
    run_with_line(db, "2031-04", "draft", a_kdt, a, 20_000).await;
    run_with_line(db, "2031-05", "cancelled", a_kdt, a, 999_999).await;
    let card = raw_i64(
        db,
        &format!(
            "INSERT INTO card_accounts (person_id, issued_on, expires_on, balance_won, last_seq, created_at) VALUES \
             ({a}, '2031-01-01', '2035-12-31', 1000000, 3, '2031-01-01T00:00:00Z') RETURNING id"
        ),
    )
    .await
    .expect("card");
    for (seq, kind, won, enrolment) in [
        (1, "issue", 3_000_000, "NULL".to_owned()),
        (2, "charge", -800_000, a_naeil.to_string()),
        (3, "refund", 100_000, a_naeil.to_string()),
    ] {
        raw_execute(
            db,
            &format!(
                "INSERT INTO card_entries (card_id, seq, kind, amount_won, balance_after_won, on_date, at, rule, enrolment_id, actor) \
                 VALUES ({card}, {seq}, '{kind}', {won}, 1000000, '2031-03-10', '2031-03-10T00:00:00Z', 'r', {enrolment}, 'test')"
            ),
        )
        .await
        .expect("card entry");
    }

    let figures = db.region_reports().regions(&ENROLLED).await.expect("regions");
    let people = |region: &str, programme: Option<&str>| {
        figures
            .people
            .iter()
            .find(|p| p.region_code == region && p.programme.as_deref() == programme)
            .map_or(0, |p| p.people)
    };
    assert_eq!(
        people("99901", None),
        1,
        "a counts once over programmes; b only applied"
    );
    assert_eq!(people("99901", Some("kdt")), 1);
    assert_eq!(people("99901", Some("naeil")), 1);
    assert_eq!(people("99902", None), 1);
    let money = |programme: &str| {
        figures
            .money
            .iter()
            .find(|m| m.region_code == "99901" && m.programme == programme)
            .map(|m| (m.paid_won, m.card_charged_won))
    };
    assert_eq!(money("kdt"), Some((320_000, 0)), "the cancelled run is not paid");
    assert_eq!(money("naeil"), Some((0, 700_000)), "a charge less its refund");
    assert!(db.region_reports().regions(&[]).await.expect("none").people.is_empty());

    let months = db.region_reports().months(2031).await.expect("months");
    assert_eq!(months.len(), 12);
    assert_eq!((months[2].started, months[2].completed), (2, 0));
    assert_eq!((months[4].started, months[4].completed), (0, 1));
    assert_eq!(months[3].paid_won, 320_000);
    assert_eq!(months[4].paid_won, 0);
    assert_eq!(months.iter().map(|m| m.started).sum::<i64>(), 2);
}

async fn region_reports_group_firms_by_how_far_they_got(db: &Database) {
    let mut ids = Vec::new();
    for (n, band) in [(1, "10_29"), (2, "10_29"), (3, "50_99")] {
        ids.push(
            raw_i64(
                db,
                &format!(
                    "INSERT INTO sme_firms (business_number, name, employees, size_band, ksic_section, ksic_division, \
                     region_code, province_code, capital_area, priority_support, employer_training, ai_training, \
                     ai_training_hours, created_at, updated_at, content_hash) VALUES \
                     ('977700000{n}', 'Firm {n}', 12, '{band}', 'C', '26', '99901', '99', FALSE, TRUE, TRUE, FALSE, 0, \
                     '2031-03-02T00:00:00Z', '2031-03-02T00:00:00Z', 'hash') RETURNING id"
                ),
            )
            .await
            .expect("insert firm"),
        );
    }
    for (no, level) in [(1, "beginner"), (2, "intermediate")] {
        raw_execute(
            db,
            &format!(
                "INSERT INTO sme_diagnoses (firm_id, diagnosis_no, taken_on, recorded_at, recorded_by, questionnaire_version, \
                 answers, level, points, max_points, intermediate_from, advanced_from) VALUES ({}, {no}, '2031-04-0{no}', \
                 '2031-04-01T00:00:00Z', 'doc', '{}', 'a', '{level}', 40, 88, 30, 60)",
                ids[0],
                "q".repeat(64)
            ),
        )
        .await
        .expect("insert diagnosis");
    }
    let groups: Vec<FirmGroup> = db
        .region_reports()
        .firms(&ENROLLED)
        .await
        .expect("firms")
        .into_iter()
        .filter(|g| g.province_code == "99")
        .collect();
    assert_eq!(groups.iter().map(|g| g.firms).sum::<i64>(), 3);
    let diagnosed: Vec<&FirmGroup> = groups.iter().filter(|g| g.diagnosed > 0).collect();
    assert_eq!(diagnosed.len(), 1);
    assert_eq!(
        diagnosed[0].level.as_deref(),
        Some("intermediate"),
        "the latest diagnosis's level"
    );
    assert_eq!(
        (diagnosed[0].firms, diagnosed[0].prescribed, diagnosed[0].staff_enrolled),
        (1, 0, 0)
    );
    let small_undiagnosed = groups
        .iter()
        .find(|g| g.size_band == "10_29" && g.level.is_none())
        .expect("the other small firm");
    assert_eq!((small_undiagnosed.firms, small_undiagnosed.assigned), (1, 0));
}
