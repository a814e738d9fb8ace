//! Conformance checks of `VisitStore`, run on every backend.
//!
//! The fixtures (two centres, four firms, partner participations) are written with raw SQL, so
//! these checks depend on the registry's schema only, not on `FirmStore`.

use chrono::NaiveDate;

use super::{assert_event, audit_mark, events_after, raw_execute};
use crate::{
    Database, DiscoveryRowFilter, NewAccount, NewVisit, StoreError, VisitFilter, ACTION_SME_VISIT_CANCEL,
    ACTION_SME_VISIT_RECORD, ACTION_SME_VISIT_SCHEDULE,
};

/// The checks, in the order [`run`] runs them.
pub const CHECKS: &[&str] = &[
    "visits_schedule_record_and_refuse_a_second_record",
    "visits_cancel_only_from_scheduled",
    "visits_refuse_unknown_references_and_bad_values",
    "visits_list_by_filter_and_count_caseloads",
    "discovery_rows_join_partner_programmes_and_filter",
];

/// Runs one check that takes the fixtures, under a `CheckGuard`.
macro_rules! check_with {
    ($db:expr, $name:ident, $f:expr) => {{
        let guard = super::CheckGuard::new($db.backend(), stringify!($name));
        $name($db, $f).await;
        guard.passed();
    }};
}

pub async fn run(db: &Database) {
    let f = fixtures(db).await;
    check_with!(db, visits_schedule_record_and_refuse_a_second_record, &f);
    check_with!(db, visits_cancel_only_from_scheduled, &f);
    check_with!(db, visits_refuse_unknown_references_and_bad_values, &f);
    check_with!(db, visits_list_by_filter_and_count_caseloads, &f);
    check_with!(db, discovery_rows_join_partner_programmes_and_filter, &f);
}

const NORTH: &str = "cv-north";
const SOUTH: &str = "cv-south";

struct Fixtures {
    /// Firms: [north C small non-capital, north J capital, south C, unassigned].
    firms: [i64; 4],
    doctors: [i64; 2],
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_else(|| panic!("{y}-{m}-{d}"))
}

async fn fixtures(db: &Database) -> Fixtures {
    for (id, province) in [(NORTH, "41"), (SOUTH, "26")] {
        raw_execute(
            db,
            &format!(
                "INSERT INTO sme_centres (id, name_ko, name_en, provinces, opened_on, cite) \
                 VALUES ('{id}', '{id} 센터', '{id} centre', '{province}', NULL, 'test')"
            ),
        )
        .await
        .expect("centre fixture");
    }
    // business number, name, employees, band, section, division, region, province, capital,
    // ai training, stated intent, centre
    let rows = [
        (
            "9100000001",
            "북부 제조",
            12,
            "10_29",
            "C",
            "26",
            "41110",
            "41",
            "TRUE",
            "FALSE",
            "TRUE",
            Some(NORTH),
        ),
        (
            "9100000002",
            "북부 정보",
            80,
            "50_99",
            "J",
            "62",
            "41130",
            "41",
            "TRUE",
            "TRUE",
            "NULL",
            Some(NORTH),
        ),
        (
            "9100000003",
            "남부 제조",
            400,
            "300_plus",
            "C",
            "29",
            "26110",
            "26",
            "FALSE",
            "FALSE",
            "FALSE",
            Some(SOUTH),
        ),
        (
            "9100000004",
            "미배정",
            3,
            "under_5",
            "G",
            "47",
            "11110",
            "11",
            "TRUE",
            "FALSE",
            "NULL",
            None,
        ),
    ];
    let mut firms = [0; 4];
    for (i, r) in rows.iter().enumerate() {
        let centre = r.11.map_or("NULL".to_owned(), |c| format!("'{c}'"));
        raw_execute(
            db,
            &format!(
                "INSERT INTO sme_firms (business_number, name, employees, size_band, ksic_section, ksic_division, \
                 region_code, province_code, capital_area, priority_support, employer_training, ai_training, \
                 ai_training_hours, stated_intent, intent_source, intent_on, centre_id, created_at, updated_at, \
                 content_hash) VALUES ('{}', '{}', {}, '{}', '{}', '{}', '{}', '{}', {}, TRUE, TRUE, {}, 0, {}, \
                 NULL, NULL, {centre}, '2026-01-05T00:00:00Z', '2026-01-05T00:00:00Z', 'x')",
                r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9, r.10
            ),
        )
        .await
        .expect("firm fixture");
        firms[i] = super::raw_i64(
            db,
            &format!("SELECT id FROM sme_firms WHERE business_number = '{}'", r.0),
        )
        .await
        .expect("firm id");
    }
    // Participations: firm 1 in two programmes (one of them in two years), firm 3 in one, and a
    // business number not in the registry.
    for (programme, number, year) in [
        ("msit-ai-voucher", "9100000001", 2025),
        ("msit-ai-voucher", "9100000001", 2026),
        ("mss-smart-factory", "9100000001", 2025),
        ("motie-industrial-ai", "9100000003", 2025),
        ("mss-smart-factory", "9199999999", 2025),
    ] {
        raw_execute(
            db,
            &format!(
                "INSERT INTO sme_partner_participations (programme_id, business_number, year, source, imported_at) \
                 VALUES ('{programme}', '{number}', {year}, 'test', '2026-01-05T00:00:00Z')"
            ),
        )
        .await
        .expect("participation fixture");
    }
    let mut doctors = [0; 2];
    for (i, (login, centre)) in [("cv-doctor-north", NORTH), ("cv-doctor-south", SOUTH)]
        .iter()
        .enumerate()
    {
        let account = db
            .accounts()
            .create(
                &NewAccount {
                    login: (*login).to_owned(),
                    display_name: format!("{login} 주치의"),
                    role: "training_doctor".to_owned(),
                    scope: Some((*centre).to_owned()),
                    password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g".to_owned(),
                },
                "admin",
            )
            .await
            .expect("doctor account");
        doctors[i] = account.id;
    }
    Fixtures { firms, doctors }
}

fn visit(f: &Fixtures, firm: usize, doctor: usize, on: NaiveDate, purpose: &str) -> NewVisit {
    NewVisit {
        firm_id: f.firms[firm],
        centre_id: if doctor == 0 { NORTH } else { SOUTH }.to_owned(),
        doctor_account_id: f.doctors[doctor],
        scheduled_on: on,
        purpose: purpose.to_owned(),
        notes: "첫 방문".to_owned(),
    }
}

async fn visits_schedule_record_and_refuse_a_second_record(db: &Database, f: &Fixtures) {
    let store = db.sme_visits();
    let mark = audit_mark(db).await;
    let v = store
        .schedule(&visit(f, 0, 0, day(2026, 3, 10), "diagnose"), "cv-doctor-north")
        .await
        .expect("schedule");
    assert_eq!(
        (v.status.as_str(), v.done_on, v.purpose.as_str()),
        ("scheduled", None, "diagnose")
    );
    assert_eq!(store.visit(v.id).await.expect("read"), Some(v.clone()));
    let done = store
        .record_done(v.id, day(2026, 3, 11), Some("진단 완료"), "cv-doctor-north")
        .await
        .expect("record");
    assert_eq!(
        (done.status.as_str(), done.done_on, done.notes.as_str()),
        ("done", Some(day(2026, 3, 11)), "진단 완료")
    );
    // A second record (or a cancel) of the same visit is a conflict and changes nothing.
    let again = store.record_done(v.id, day(2026, 3, 12), None, "cv-doctor-north").await;
    assert!(matches!(again, Err(StoreError::Conflict { .. })), "{again:?}");
    let cancel = store.cancel(v.id, None, "cv-doctor-north").await;
    assert!(matches!(cancel, Err(StoreError::Conflict { .. })), "{cancel:?}");
    assert_eq!(store.visit(v.id).await.expect("read"), Some(done));
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 2, "{events:?}");
    let subject = format!("sme_visit:{}", v.id);
    assert_event(&events[0], ACTION_SME_VISIT_SCHEDULE, "cv-doctor-north", &subject);
    assert_event(&events[1], ACTION_SME_VISIT_RECORD, "cv-doctor-north", &subject);
    assert_eq!(events[1].detail["after"], "done");
}

async fn visits_cancel_only_from_scheduled(db: &Database, f: &Fixtures) {
    let store = db.sme_visits();
    let v = store
        .schedule(&visit(f, 1, 0, day(2026, 3, 20), "discover"), "cv-doctor-north")
        .await
        .expect("schedule");
    let mark = audit_mark(db).await;
    let cancelled = store
        .cancel(v.id, Some("기업 요청으로 취소"), "cv-doctor-north")
        .await
        .expect("cancel");
    assert_eq!((cancelled.status.as_str(), cancelled.done_on), ("cancelled", None));
    assert_eq!(cancelled.notes, "기업 요청으로 취소");
    let record = store.record_done(v.id, day(2026, 3, 21), None, "cv-doctor-north").await;
    assert!(matches!(record, Err(StoreError::Conflict { .. })), "{record:?}");
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_event(
        &events[0],
        ACTION_SME_VISIT_CANCEL,
        "cv-doctor-north",
        &format!("sme_visit:{}", v.id),
    );
    let missing = store.cancel(9_999_999, None, "x").await;
    assert!(matches!(missing, Err(StoreError::NotFound { .. })), "{missing:?}");
    let missing = store.record_done(9_999_999, day(2026, 3, 21), None, "x").await;
    assert!(matches!(missing, Err(StoreError::NotFound { .. })), "{missing:?}");
}

async fn visits_refuse_unknown_references_and_bad_values(db: &Database, f: &Fixtures) {
    let store = db.sme_visits();
    let before = store.visits(&VisitFilter::default()).await.expect("list").len();
    let mark = audit_mark(db).await;
    let cases = [
        (
            NewVisit {
                firm_id: 9_999_999,
                ..visit(f, 0, 0, day(2026, 4, 1), "discover")
            },
            "not found",
        ),
        (
            NewVisit {
                centre_id: "cv-nowhere".to_owned(),
                ..visit(f, 0, 0, day(2026, 4, 1), "discover")
            },
            "not found",
        ),
        (
            NewVisit {
                doctor_account_id: 9_999_999,
                ..visit(f, 0, 0, day(2026, 4, 1), "discover")
            },
            "not found",
        ),
        (visit(f, 0, 0, day(2026, 4, 1), "lunch"), "conflict"),
        (
            NewVisit {
                notes: "가".repeat(501),
                ..visit(f, 0, 0, day(2026, 4, 1), "discover")
            },
            "conflict",
        ),
    ];
    for (bad, kind) in cases {
        let result = store.schedule(&bad, "cv-doctor-north").await;
        match (kind, &result) {
            ("not found", Err(StoreError::NotFound { .. })) | ("conflict", Err(StoreError::Conflict { .. })) => {}
            _ => panic!("{bad:?}: expected {kind}, got {result:?}"),
        }
    }
    let long = store.record_done(1, day(2026, 4, 1), Some(&"x".repeat(501)), "x").await;
    assert!(long.is_err(), "{long:?}");
    assert_eq!(store.visits(&VisitFilter::default()).await.expect("list").len(), before);
    assert!(events_after(db, mark).await.is_empty());
    // The schema refuses a done visit without its day.
    let raw = raw_execute(
        db,
        &format!(
            "INSERT INTO sme_visits (firm_id, centre_id, doctor_account_id, scheduled_on, purpose, status, done_on, \
             notes, created_at, updated_at) VALUES ({}, '{NORTH}', {}, '2026-04-01', 'discover', 'done', NULL, '', \
             '2026-01-05T00:00:00Z', '2026-01-05T00:00:00Z')",
            f.firms[0], f.doctors[0]
        ),
    )
    .await;
    assert!(raw.is_err(), "{raw:?}");
}

async fn visits_list_by_filter_and_count_caseloads(db: &Database, f: &Fixtures) {
    let store = db.sme_visits();
    // So far: north doctor, firm 0 done 2026-03-11; firm 1 cancelled. Add: north doctor firm 1
    // scheduled twice, south doctor firm 2 scheduled and one done in April.
    for (firm, doctor, on) in [
        (1, 0, day(2026, 4, 2)),
        (1, 0, day(2026, 4, 9)),
        (2, 1, day(2026, 4, 3)),
    ] {
        store
            .schedule(&visit(f, firm, doctor, on, "follow_up"), "t")
            .await
            .expect("schedule");
    }
    let south = store
        .schedule(&visit(f, 2, 1, day(2026, 4, 1), "diagnose"), "t")
        .await
        .expect("schedule");
    store
        .record_done(south.id, day(2026, 4, 1), None, "t")
        .await
        .expect("record");

    let north = VisitFilter {
        centre_id: Some(NORTH.to_owned()),
        ..VisitFilter::default()
    };
    let listed = store.visits(&north).await.expect("north");
    assert_eq!(listed.len(), 4);
    assert!(listed.iter().all(|v| v.centre_id == NORTH));
    assert!(listed
        .windows(2)
        .all(|w| (w[0].scheduled_on, w[0].id) <= (w[1].scheduled_on, w[1].id)));
    let scheduled = store
        .visits(&VisitFilter {
            status: Some("scheduled".to_owned()),
            from: Some(day(2026, 4, 5)),
            ..north.clone()
        })
        .await
        .expect("upcoming");
    assert_eq!(
        scheduled.iter().map(|v| v.scheduled_on).collect::<Vec<_>>(),
        [day(2026, 4, 9)]
    );
    let of_firm = store
        .visits(&VisitFilter {
            firm_id: Some(f.firms[2]),
            doctor_account_id: Some(f.doctors[1]),
            limit: Some(1),
            ..VisitFilter::default()
        })
        .await
        .expect("firm");
    assert_eq!(of_firm.len(), 1);
    assert_eq!(of_firm[0].firm_id, f.firms[2]);

    let loads = store.caseloads(NORTH, day(2026, 3, 15)).await.expect("north caseloads");
    assert_eq!(loads.len(), 1);
    assert_eq!(
        (
            loads[0].doctor_account_id,
            loads[0].scheduled,
            loads[0].done_in_month,
            loads[0].firms
        ),
        (f.doctors[0], 2, 1, 2)
    );
    let april = store.caseloads(NORTH, day(2026, 4, 30)).await.expect("april");
    assert_eq!(april[0].done_in_month, 0);
    let loads = store.caseloads(SOUTH, day(2026, 4, 1)).await.expect("south caseloads");
    assert_eq!(
        loads
            .iter()
            .map(|c| (c.doctor_account_id, c.scheduled, c.done_in_month, c.firms))
            .collect::<Vec<_>>(),
        [(f.doctors[1], 1, 1, 1)]
    );
    assert!(store
        .caseloads("cv-nowhere", day(2026, 4, 1))
        .await
        .expect("none")
        .is_empty());
}

async fn discovery_rows_join_partner_programmes_and_filter(db: &Database, f: &Fixtures) {
    let store = db.sme_visits();
    let all = store
        .discovery_rows(&DiscoveryRowFilter::default())
        .await
        .expect("all rows");
    let ours: Vec<_> = all.iter().filter(|r| f.firms.contains(&r.firm_id)).collect();
    assert_eq!(ours.len(), 4);
    assert!(all.windows(2).all(|w| w[0].firm_id < w[1].firm_id));
    let by_number = |n: &str| ours.iter().find(|r| r.business_number == n).map(|r| (*r).clone());
    let first = by_number("9100000001").expect("firm 1");
    assert_eq!(first.partner_programmes, 2, "distinct programmes, not rows");
    assert_eq!(
        (
            first.size_band.as_str(),
            first.ksic_section.as_str(),
            first.capital_area,
            first.ai_training
        ),
        ("10_29", "C", true, false)
    );
    assert_eq!(
        (first.stated_intent, first.centre_id.as_deref()),
        (Some(true), Some(NORTH))
    );
    assert_eq!(
        by_number("9100000002").map(|r| (r.partner_programmes, r.stated_intent)),
        Some((0, None))
    );
    assert_eq!(
        by_number("9100000003").map(|r| (r.partner_programmes, r.stated_intent)),
        Some((1, Some(false)))
    );
    assert_eq!(by_number("9100000004").map(|r| r.centre_id), Some(None));

    let only = |filter: DiscoveryRowFilter| async move {
        let mut ids: Vec<i64> = store
            .discovery_rows(&filter)
            .await
            .expect("filtered")
            .iter()
            .map(|r| r.firm_id)
            .filter(|id| f.firms.contains(id))
            .collect();
        ids.sort_unstable();
        ids
    };
    let north = DiscoveryRowFilter {
        centre_id: Some(NORTH.to_owned()),
        ..DiscoveryRowFilter::default()
    };
    assert_eq!(only(north.clone()).await, [f.firms[0], f.firms[1]]);
    assert_eq!(
        only(DiscoveryRowFilter {
            ksic_section: Some("C".to_owned()),
            ..north.clone()
        })
        .await,
        [f.firms[0]]
    );
    assert_eq!(
        only(DiscoveryRowFilter {
            province_code: Some("26".to_owned()),
            ..DiscoveryRowFilter::default()
        })
        .await,
        [f.firms[2]]
    );
    assert_eq!(
        only(DiscoveryRowFilter {
            business_number: Some("9100000003".to_owned()),
            ..DiscoveryRowFilter::default()
        })
        .await,
        [f.firms[2]]
    );
    assert_eq!(
        only(DiscoveryRowFilter {
            size_band: Some("under_5".to_owned()),
            ..DiscoveryRowFilter::default()
        })
        .await,
        [f.firms[3]]
    );
}
