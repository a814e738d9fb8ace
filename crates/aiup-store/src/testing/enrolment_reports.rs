//! Conformance checks of the enrolment reports, and raw inserts (tests only) of people and
//! enrolments to count.

use super::{raw_execute, raw_i64};
use crate::{Database, EnrolmentReport, EnrolmentReportFilter};

pub(super) const CHECKS: &[&str] = &[
    "enrolment_reports_count_what_was_inserted_by_every_grouping",
    "enrolment_reports_filters_narrow_and_an_empty_scope_counts_nothing",
];

pub(super) async fn run(db: &Database) {
    check!(db, enrolment_reports_count_what_was_inserted_by_every_grouping);
    check!(db, enrolment_reports_filters_narrow_and_an_empty_scope_counts_nothing);
}

/// TEST ONLY: a person without an account, living in `region` (5 digits), in `stage`; returns
/// their id.
pub async fn insert_person(db: &Database, region: &str, stage: &str) -> i64 {
    raw_i64(
        db,
        &format!(
            "INSERT INTO people (account_id, stage, status, employer_size, region_code, age_band, \
             target_groups, kukchi, external_id_hash, created_at, updated_at) VALUES \
             (NULL, '{stage}', 'job_seeker', NULL, '{region}', '20_29', '', 'none', NULL, \
             '2026-03-02T00:00:00Z', '2026-03-02T00:00:00Z') RETURNING id"
        ),
    )
    .await
    .expect("insert person")
}

/// TEST ONLY: an enrolment of `person` in `programme` with `status`, in a cohort of its own
/// (`ordinal`), so the one-live-application rule never trips.
pub async fn insert_enrolment(db: &Database, person: i64, programme: &str, status: &str, ordinal: i64) {
    raw_execute(
        db,
        &format!(
            "INSERT INTO enrolments (person_id, course_id, cohort_ordinal, institution_id, programme, \
             cohort_start, cohort_end, status, applied_at, updated_at, fee_won) VALUES \
             ({person}, 'REPORT-COURSE', {ordinal}, 'REPORT-INST', '{programme}', '2026-04-01', '2026-06-30', \
             '{status}', '2026-03-02T00:00:00Z', '2026-03-02T00:00:00Z', 1000000)"
        ),
    )
    .await
    .expect("insert enrolment");
}

fn people_total(report: &EnrolmentReport) -> i64 {
    report.people.iter().map(|c| c.people).sum()
}

fn enrolment_total(report: &EnrolmentReport) -> i64 {
    report.enrolments.iter().map(|c| c.enrolments).sum()
}

fn only_programmes(ids: &[&str]) -> EnrolmentReportFilter {
    EnrolmentReportFilter {
        programmes: Some(ids.iter().map(|s| (*s).to_owned()).collect()),
        ..EnrolmentReportFilter::default()
    }
}

async fn enrolment_reports_count_what_was_inserted_by_every_grouping(db: &Database) {
    let reports = db.enrolment_reports();
    let before = reports.report(&EnrolmentReportFilter::default()).await.expect("report");
    // Jeju (39) and Busan (26): three people, one without an enrolment.
    let a = insert_person(db, "39110", "entry").await;
    let b = insert_person(db, "39110", "transition").await;
    let c = insert_person(db, "26110", "entry").await;
    insert_person(db, "39130", "participation").await;
    insert_enrolment(db, a, "report_a", "accepted", 1).await;
    insert_enrolment(db, a, "report_b", "applied", 2).await;
    insert_enrolment(db, b, "report_a", "accepted", 3).await;
    insert_enrolment(db, c, "report_a", "withdrawn", 4).await;
    insert_enrolment(db, c, "report_a", "accepted", 5).await;
    let after = reports.report(&EnrolmentReportFilter::default()).await.expect("report");
    assert_eq!(people_total(&after) - people_total(&before), 4, "every person counts");
    assert_eq!(enrolment_total(&after) - enrolment_total(&before), 5);
    assert!(after
        .people
        .iter()
        .any(|p| p.region_code == "39130" && p.stage == "participation"));

    let mine = reports
        .report(&only_programmes(&["report_a", "report_b"]))
        .await
        .expect("report");
    let counts: Vec<(&str, &str, &str, &str, i64)> = mine
        .enrolments
        .iter()
        .map(|c| {
            (
                c.programme.as_str(),
                c.region_code.as_str(),
                c.stage.as_str(),
                c.status.as_str(),
                c.enrolments,
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            ("report_a", "26110", "entry", "accepted", 1),
            ("report_a", "26110", "entry", "withdrawn", 1),
            ("report_a", "39110", "entry", "accepted", 1),
            ("report_a", "39110", "transition", "accepted", 1),
            ("report_b", "39110", "entry", "applied", 1),
        ]
    );
    // Narrowed to programmes, people are those with an enrolment in them: not the idle one.
    let people: Vec<(&str, &str, i64)> = mine
        .people
        .iter()
        .map(|c| (c.region_code.as_str(), c.stage.as_str(), c.people))
        .collect();
    assert_eq!(
        people,
        [("26110", "entry", 1), ("39110", "entry", 1), ("39110", "transition", 1)]
    );
    let by_programme: Vec<(&str, i64)> = mine
        .programme_people
        .iter()
        .map(|p| (p.programme.as_str(), p.people))
        .collect();
    assert_eq!(
        by_programme,
        [("report_a", 3), ("report_b", 1)],
        "people, not enrolments"
    );
}

async fn enrolment_reports_filters_narrow_and_an_empty_scope_counts_nothing(db: &Database) {
    let reports = db.enrolment_reports();
    let jeju_accepted = EnrolmentReportFilter {
        province: Some("39".to_owned()),
        status: Some("accepted".to_owned()),
        ..only_programmes(&["report_a", "report_b"])
    };
    let report = reports.report(&jeju_accepted).await.expect("report");
    assert_eq!(enrolment_total(&report), 2);
    assert_eq!(people_total(&report), 2);
    let busan_entry = EnrolmentReportFilter {
        region: Some("26110".to_owned()),
        stage: Some("entry".to_owned()),
        ..only_programmes(&["report_a"])
    };
    let report = reports.report(&busan_entry).await.expect("report");
    assert_eq!((people_total(&report), enrolment_total(&report)), (1, 2));
    let report = reports.report(&only_programmes(&["report_b"])).await.expect("report");
    assert_eq!((people_total(&report), enrolment_total(&report)), (1, 1));
    // A scope of no programmes, and a programme nobody is in, count nothing.
    assert_eq!(
        reports.report(&only_programmes(&[])).await.expect("report"),
        EnrolmentReport::default()
    );
    assert_eq!(
        reports
            .report(&only_programmes(&["report_none"]))
            .await
            .expect("report"),
        EnrolmentReport::default()
    );
    // A value that would break quoting is only a value.
    let odd = EnrolmentReportFilter {
        stage: Some("entry' OR '1'='1".to_owned()),
        ..EnrolmentReportFilter::default()
    };
    assert_eq!(reports.report(&odd).await.expect("report"), EnrolmentReport::default());
}
