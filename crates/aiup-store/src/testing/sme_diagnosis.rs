//! Conformance checks of `SmeDiagnosisStore`, run on every backend.
//!
//! Firms are inserted with raw SQL (the registry's own checks cover `FirmStore`), so these
//! checks depend on nothing but migration 0013's table.

use chrono::NaiveDate;

use super::{assert_event, audit_mark, events_after, fake_sha, raw_execute, raw_i64};
use crate::{
    Database, EnrolmentError, NewApplication, NewPrescription, NewSmeDiagnosis, NewStaffEnrolment, PersonFields,
    PrescriptionLine, StoreError, ACTION_ENROLMENT_APPLY, ACTION_PERSON_CREATE, ACTION_SME_DIAGNOSIS_RECORD,
    ACTION_SME_PLAN_ENROL, ACTION_SME_PRESCRIPTION_ACCEPT, ACTION_SME_PRESCRIPTION_RECORD,
};

/// The checks, in the order [`run`] runs them.
pub const CHECKS: &[&str] = &[
    "sme_diagnoses_are_numbered_read_back_and_audited",
    "sme_diagnosis_a_repeat_or_unknown_firm_changes_nothing",
    "sme_prescriptions_keep_their_lines_and_are_accepted_once",
    "sme_plan_enrolments_need_an_accepted_course_line",
    "sme_staff_enrolment_is_all_or_nothing",
    "sme_diagnosis_tables_are_append_only",
];

pub async fn run(db: &Database) {
    check!(db, sme_diagnoses_are_numbered_read_back_and_audited);
    check!(db, sme_diagnosis_a_repeat_or_unknown_firm_changes_nothing);
    check!(db, sme_prescriptions_keep_their_lines_and_are_accepted_once);
    check!(db, sme_plan_enrolments_need_an_accepted_course_line);
    check!(db, sme_staff_enrolment_is_all_or_nothing);
    check!(db, sme_diagnosis_tables_are_append_only);
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 4, d).expect("date")
}

/// A firm with business number `number` (ten digits), inserted directly; its id.
async fn firm(db: &Database, number: &str) -> i64 {
    raw_i64(
        db,
        &format!(
            "INSERT INTO sme_firms (business_number, name, employees, size_band, ksic_section, ksic_division, \
             region_code, province_code, capital_area, priority_support, employer_training, ai_training, \
             ai_training_hours, created_at, updated_at, content_hash) VALUES \
             ('{number}', 'Firm {number}', 12, '10_29', 'C', '26', '44133', '44', FALSE, TRUE, TRUE, FALSE, 0, \
             '2026-03-02T00:00:00Z', '2026-03-02T00:00:00Z', 'hash') RETURNING id"
        ),
    )
    .await
    .expect("insert firm")
}

fn diagnosis(firm_id: i64, no: i64, level: &str, points: i64) -> NewSmeDiagnosis {
    NewSmeDiagnosis {
        firm_id,
        diagnosis_no: no,
        taken_on: day(u32::try_from(no).expect("small")),
        questionnaire_version: fake_sha("questionnaire"),
        answers: format!("ai_use=used;needs=office,production;points={points}"),
        level: level.to_owned(),
        points,
        max_points: 88,
        intermediate_from: 30,
        advanced_from: 60,
    }
}

fn plan(firm_id: i64, diagnosis_id: i64) -> NewPrescription {
    NewPrescription {
        firm_id,
        diagnosis_id,
        prescribed_on: day(10),
        level: "beginner".to_owned(),
        policy_version: fake_sha("policy"),
        lines: vec![
            PrescriptionLine {
                line_no: 1,
                kind: "awareness_consulting".to_owned(),
                programme_id: None,
                course_id: None,
                cohort_ordinal: None,
                cohort_start: None,
                fee_won: 0,
                firm_won: 0,
                government_won: 0,
                worker_won: 0,
            },
            PrescriptionLine {
                line_no: 2,
                kind: "online_courses".to_owned(),
                programme_id: Some("sme-ai-online".to_owned()),
                course_id: Some("C-ONLINE-1".to_owned()),
                cohort_ordinal: Some(3),
                cohort_start: Some(day(20)),
                fee_won: 300_000,
                firm_won: 0,
                government_won: 300_000,
                worker_won: 0,
            },
        ],
    }
}

async fn sme_diagnoses_are_numbered_read_back_and_audited(db: &Database) {
    let store = db.sme_diagnoses();
    let firm_id = firm(db, "2000000001").await;
    assert_eq!(store.next_diagnosis_no(firm_id).await.unwrap(), 1);
    let mark = audit_mark(db).await;
    let first = store
        .record_diagnosis(&diagnosis(firm_id, 1, "beginner", 12), None, "doctor-1")
        .await
        .expect("record");
    let second = store
        .record_diagnosis(
            &diagnosis(firm_id, 2, "intermediate", 41),
            Some((true, "diagnosis")),
            "doctor-1",
        )
        .await
        .expect("record again");
    // The intent it states is set on the firm in the same transaction, with its own event.
    let firm_record = db.firms().firm(firm_id).await.unwrap().expect("firm");
    assert_eq!(firm_record.stated_intent, Some(true));
    assert_eq!(firm_record.intent_source.as_deref(), Some("diagnosis"));
    assert_eq!(firm_record.intent_on, Some(second.diagnosis.taken_on));
    assert_eq!(store.next_diagnosis_no(firm_id).await.unwrap(), 3);
    assert_eq!(store.diagnosis(first.id).await.unwrap().as_ref(), Some(&first));
    let history = store.diagnoses_of(firm_id).await.unwrap();
    assert_eq!(history, [first.clone(), second]);
    assert_eq!(history[0].recorded_by, "doctor-1");
    assert_eq!(history[1].diagnosis.points, 41);
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 3);
    assert_eq!(events[2].action, crate::ACTION_SME_FIRM_INTENT);
    assert_event(
        &events[0],
        ACTION_SME_DIAGNOSIS_RECORD,
        "doctor-1",
        &format!("sme_diagnosis:{}", first.id),
    );
    assert_eq!(events[0].detail["level"], "beginner");
    assert!(
        !events[0].detail.to_string().contains("needs="),
        "the audit never holds the answers"
    );
}

async fn sme_diagnosis_a_repeat_or_unknown_firm_changes_nothing(db: &Database) {
    let store = db.sme_diagnoses();
    let firm_id = firm(db, "2000000002").await;
    store
        .record_diagnosis(&diagnosis(firm_id, 1, "beginner", 3), None, "d")
        .await
        .unwrap();
    let mark = audit_mark(db).await;
    let again = store
        .record_diagnosis(&diagnosis(firm_id, 1, "advanced", 70), Some((false, "diagnosis")), "d")
        .await;
    assert!(matches!(again, Err(StoreError::Conflict { .. })), "{again:?}");
    // The refused diagnosis set no intent either: one transaction.
    let firm_record = db.firms().firm(firm_id).await.unwrap().expect("firm");
    assert_eq!(firm_record.stated_intent, None);
    let unknown = store
        .record_diagnosis(&diagnosis(999_999, 1, "beginner", 3), None, "d")
        .await;
    assert!(matches!(unknown, Err(StoreError::NotFound { .. })), "{unknown:?}");
    // A level or points the table refuses.
    let bad = store
        .record_diagnosis(&diagnosis(firm_id, 2, "expert", 3), None, "d")
        .await;
    assert!(bad.is_err());
    let over = store
        .record_diagnosis(&diagnosis(firm_id, 2, "advanced", 89), None, "d")
        .await;
    assert!(over.is_err());
    assert_eq!(store.diagnoses_of(firm_id).await.unwrap().len(), 1);
    assert!(events_after(db, mark).await.is_empty());
}

async fn sme_prescriptions_keep_their_lines_and_are_accepted_once(db: &Database) {
    let store = db.sme_diagnoses();
    let firm_id = firm(db, "2000000003").await;
    let other = firm(db, "2000000004").await;
    let d = store
        .record_diagnosis(&diagnosis(firm_id, 1, "beginner", 5), None, "doc")
        .await
        .unwrap();
    // Another firm's diagnosis is not found, and nothing is written.
    let wrong = store.record_prescription(&plan(other, d.id), "doc").await;
    assert!(matches!(wrong, Err(StoreError::NotFound { .. })), "{wrong:?}");
    assert!(store.prescriptions_of(other).await.unwrap().is_empty());
    let mark = audit_mark(db).await;
    let p = store
        .record_prescription(&plan(firm_id, d.id), "doc")
        .await
        .expect("prescribe");
    assert_eq!(p.acceptance, None);
    let read = store.prescription(p.id).await.unwrap().expect("read back");
    assert_eq!(read, p);
    assert_eq!(read.prescription.lines[1].cohort_start, Some(day(20)));
    assert_eq!(store.prescriptions_of(firm_id).await.unwrap(), std::slice::from_ref(&p));
    let accepted = store
        .accept_prescription(p.id, day(11), "hr-lead")
        .await
        .expect("accept");
    let acceptance = accepted.acceptance.expect("accepted");
    assert_eq!(
        (acceptance.accepted_on, acceptance.accepted_by.as_str()),
        (day(11), "hr-lead")
    );
    let twice = store.accept_prescription(p.id, day(12), "hr-lead").await;
    assert!(matches!(twice, Err(StoreError::Conflict { .. })), "{twice:?}");
    let unknown = store.accept_prescription(999_999, day(12), "hr-lead").await;
    assert!(matches!(unknown, Err(StoreError::NotFound { .. })), "{unknown:?}");
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 2);
    assert_event(
        &events[0],
        ACTION_SME_PRESCRIPTION_RECORD,
        "doc",
        &format!("sme_prescription:{}", p.id),
    );
    assert_event(
        &events[1],
        ACTION_SME_PRESCRIPTION_ACCEPT,
        "hr-lead",
        &format!("sme_prescription:{}", p.id),
    );
    let counts = store.programme_counts().await.unwrap();
    assert!(counts.firms_diagnosed >= 1 && counts.firms_prescribed >= 1 && counts.plans_accepted >= 1);
}

async fn sme_plan_enrolments_need_an_accepted_course_line(db: &Database) {
    let store = db.sme_diagnoses();
    let firm_id = firm(db, "2000000005").await;
    let d = store
        .record_diagnosis(&diagnosis(firm_id, 1, "beginner", 5), None, "doc")
        .await
        .unwrap();
    let p = store.record_prescription(&plan(firm_id, d.id), "doc").await.unwrap();
    let person = super::enrolment_reports::insert_person(db, "44133", "participation").await;
    super::enrolment_reports::insert_enrolment(db, person, "sme-ai-online", "applied", 77).await;
    let enrolment = raw_i64(
        db,
        &format!("SELECT MAX(id) FROM enrolments WHERE person_id = {person}"),
    )
    .await
    .unwrap();
    let before = store.programme_counts().await.unwrap();
    let not_accepted = store.link_enrolment(p.id, 2, enrolment, None, "hr").await;
    assert!(
        matches!(not_accepted, Err(StoreError::Conflict { .. })),
        "{not_accepted:?}"
    );
    store.accept_prescription(p.id, day(11), "hr").await.unwrap();
    let activity = store.link_enrolment(p.id, 1, enrolment, None, "hr").await;
    assert!(matches!(activity, Err(StoreError::NotFound { .. })), "{activity:?}");
    let no_enrolment = store.link_enrolment(p.id, 2, 999_999, None, "hr").await;
    assert!(
        matches!(no_enrolment, Err(StoreError::NotFound { .. })),
        "{no_enrolment:?}"
    );
    let mark = audit_mark(db).await;
    let hash = fake_sha("staff-7");
    let linked = store
        .link_enrolment(p.id, 2, enrolment, Some(&hash), "hr")
        .await
        .expect("link");
    assert_eq!((linked.firm_id, linked.line_no), (firm_id, 2));
    let again = store.link_enrolment(p.id, 2, enrolment, None, "hr").await;
    assert!(matches!(again, Err(StoreError::Conflict { .. })), "{again:?}");
    assert_eq!(store.plan_enrolments_of(firm_id).await.unwrap(), [linked]);
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 1);
    assert_event(
        &events[0],
        ACTION_SME_PLAN_ENROL,
        "hr",
        &format!("enrolment:{enrolment}"),
    );
    assert!(
        !events[0].detail.to_string().contains(&hash),
        "the audit keeps no staff reference"
    );
    let after = store.programme_counts().await.unwrap();
    let online = |c: &crate::SmeProgrammeCounts| {
        c.by_programme
            .iter()
            .find(|(p, _, _)| p == "sme-ai-online")
            .map_or((0, 0), |(_, f, e)| (*f, *e))
    };
    assert_eq!(online(&after), (online(&before).0 + 1, online(&before).1 + 1));
}

fn staff(prescription_id: i64, line_no: i64) -> NewStaffEnrolment {
    NewStaffEnrolment {
        prescription_id,
        line_no,
        person: PersonFields {
            stage: "participation".to_owned(),
            status: "employed".to_owned(),
            employer_size: Some("priority_support".to_owned()),
            region_code: "44133".to_owned(),
            age_band: "30_39".to_owned(),
            target_groups: String::new(),
            kukchi: "none".to_owned(),
            external_id_hash: None,
        },
        application: NewApplication {
            person_id: 0,
            course_id: "C-ONLINE-1".to_owned(),
            cohort_ordinal: 3,
            institution_id: "INST-ONLINE".to_owned(),
            programme: "sme-ai-online".to_owned(),
            cohort_start: day(20),
            cohort_end: day(30),
            fee_won: 300_000,
            seats: 30,
        },
        staff_ref_hash: Some(fake_sha("staff-9")),
    }
}

async fn sme_staff_enrolment_is_all_or_nothing(db: &Database) {
    let store = db.sme_diagnoses();
    let firm_id = firm(db, "2000000006").await;
    let d = store
        .record_diagnosis(&diagnosis(firm_id, 1, "beginner", 5), None, "doc")
        .await
        .unwrap();
    let p = store.record_prescription(&plan(firm_id, d.id), "doc").await.unwrap();
    let people = raw_i64(db, "SELECT COUNT(*) FROM people").await.unwrap();
    let enrolments = raw_i64(db, "SELECT COUNT(*) FROM enrolments").await.unwrap();
    let mark = audit_mark(db).await;
    // Not accepted: nothing at all is written, not even the person.
    let refused = store.enrol_staff(&staff(p.id, 2), "hr").await;
    assert!(
        matches!(refused, Err(EnrolmentError::Store(StoreError::Conflict { .. }))),
        "{refused:?}"
    );
    assert_eq!(raw_i64(db, "SELECT COUNT(*) FROM people").await.unwrap(), people);
    assert_eq!(
        raw_i64(db, "SELECT COUNT(*) FROM enrolments").await.unwrap(),
        enrolments
    );
    assert!(events_after(db, mark).await.is_empty());
    store.accept_prescription(p.id, day(11), "hr").await.unwrap();
    let activity = store.enrol_staff(&staff(p.id, 1), "hr").await;
    assert!(activity.is_err(), "an activity line takes no enrolment");
    assert_eq!(raw_i64(db, "SELECT COUNT(*) FROM people").await.unwrap(), people);
    let mark = audit_mark(db).await;
    let (enrolment, link) = store.enrol_staff(&staff(p.id, 2), "hr").await.expect("enrol");
    assert_eq!(enrolment.status, "applied");
    assert_eq!((link.enrolment_id, link.firm_id), (enrolment.id, firm_id));
    let person = db.people().person(enrolment.person_id).await.unwrap().expect("person");
    assert_eq!((person.account_id, person.fields.status.as_str()), (None, "employed"));
    assert_eq!(
        person.fields.external_id_hash, None,
        "the staff reference stays on the link"
    );
    let events = events_after(db, mark).await;
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [ACTION_PERSON_CREATE, ACTION_ENROLMENT_APPLY, ACTION_SME_PLAN_ENROL]
    );
    assert_eq!(store.plan_enrolments_of(firm_id).await.unwrap(), [link]);
}

async fn sme_diagnosis_tables_are_append_only(db: &Database) {
    for sql in [
        "UPDATE sme_diagnoses SET points = 0",
        "DELETE FROM sme_diagnoses",
        "UPDATE sme_prescriptions SET level = 'advanced'",
        "DELETE FROM sme_prescription_lines",
        "UPDATE sme_prescription_lines SET firm_won = 1",
        "DELETE FROM sme_prescription_acceptances",
        "UPDATE sme_plan_enrolments SET line_no = 1",
        "DELETE FROM sme_plan_enrolments",
    ] {
        assert!(raw_execute(db, sql).await.is_err(), "{sql} should be refused");
    }
    assert!(raw_i64(db, "SELECT COUNT(*) FROM sme_diagnoses").await.unwrap() > 0);
}
