//! Conformance checks of the catalogue aggregate.

use std::collections::BTreeSet;
use std::sync::Arc;

use aiup_catalogue::{
    AiLevel, AiStep, Audience, BasicModule, CatalogueBatch, Cohort, Course, ExternalId, Hours, Institution,
    InstitutionKind, NcsCode, QualityGrade,
};
use aiup_catalogue::{
    ApplicationPeriod, CourseDetails, Email, InstitutionContact, NcsUnitCode, Phone, Quality, QualitySignal,
    SyllabusUnit, Timetable, WebAddress,
};
use aiup_core::region::RegionCode;
use aiup_core::{Delivery, ProgrammeId};
use chrono::{NaiveDate, NaiveTime, Weekday};

use super::{assert_event, audit_mark, events_after};
use crate::{CatalogueImportSummary, Database, StoreError, ACTION_CATALOGUE_IMPORT};

pub(super) const CHECKS: &[&str] = &[
    "catalogue_empty_before_first_import",
    "catalogue_import_round_trips_in_id_order",
    "catalogue_reimport_is_unchanged",
    "catalogue_update_changes_course_and_replaces_cohorts",
    "catalogue_unknown_institution_fails_atomically",
    "catalogue_rejected_row_rolls_back_whole_import",
    "catalogue_concurrent_imports_end_consistent",
    "catalogue_page_fields_are_stored_and_hashed",
];

pub(super) async fn run(db: &Database) {
    check!(db, catalogue_empty_before_first_import);
    check!(db, catalogue_import_round_trips_in_id_order);
    check!(db, catalogue_reimport_is_unchanged);
    check!(db, catalogue_update_changes_course_and_replaces_cohorts);
    check!(db, catalogue_unknown_institution_fails_atomically);
    check!(db, catalogue_rejected_row_rolls_back_whole_import);
    check!(db, catalogue_concurrent_imports_end_consistent);
    check!(db, catalogue_page_fields_are_stored_and_hashed);
}

fn ext_id(text: &str) -> ExternalId {
    ExternalId::parse(text).expect("valid test id")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

fn test_institution(id: &str, name: &str, region: &str) -> Institution {
    Institution {
        id: ext_id(id),
        name: name.to_owned(),
        kind: InstitutionKind::Private,
        region: RegionCode::parse(region).expect("valid test region"),
        grade: QualityGrade::ThreeYear,
        // INST-A has every contact field, the others none.
        contact: if id == "INST-A" {
            InstitutionContact {
                address: Some("세종특별자치시 한누리대로 2130, 3층 \"본관\"".to_owned()),
                phone: Some(Phone::parse("044-0123-4567").expect("phone")),
                email: Some(Email::parse("info@inst-a.example").expect("email")),
                website: Some(WebAddress::parse("https://www.inst-a.example/?a=1&b=2").expect("website")),
            }
        } else {
            InstitutionContact::default()
        },
    }
}

fn cohort(start: (i32, u32, u32), end: (i32, u32, u32), capacity: u32, seats_left: u32) -> Cohort {
    Cohort {
        start_date: day(start.0, start.1, start.2),
        end_date: day(end.0, end.1, end.2),
        capacity,
        seats_left,
        application: None,
        waiting_list: false,
    }
}

/// Every page field set, with awkward text and exact integer quality values.
fn rich_details(total_tenths: u32) -> CourseDetails {
    let first = total_tenths / 2;
    CourseDetails {
        syllabus: vec![
            SyllabusUnit {
                ncs_unit: Some(NcsUnitCode::parse("2001020201_16v4").expect("unit code")),
                name: "데이터 수집~정제 | \"따옴표\"".to_owned(),
                hours: Hours::from_tenths(first),
                outcomes: vec!["수집 계획을 세울 수 있다;".to_owned(), "a\\b".to_owned()],
            },
            SyllabusUnit {
                ncs_unit: None,
                name: "프로젝트".to_owned(),
                hours: Hours::from_tenths(total_tenths - first),
                outcomes: Vec::new(),
            },
        ],
        timetable: Some(Timetable {
            days: vec![Weekday::Mon, Weekday::Wed, Weekday::Sat],
            start: NaiveTime::from_hms_opt(19, 0, 0).expect("time"),
            end: NaiveTime::from_hms_opt(22, 30, 0).expect("time"),
        }),
        entry_requirements: "Python 기초\n정보처리기사 우대".to_owned(),
        quality: Quality {
            satisfaction: Some(QualitySignal {
                value: 47,
                base: 123,
                source: "HRD-Net 훈련만족도".to_owned(),
                as_of: day(2026, 1, 31),
            }),
            completion: None,
            employment: Some(QualitySignal {
                value: 7_125,
                base: 40,
                source: "고용24 취업률".to_owned(),
                as_of: day(2025, 12, 31),
            }),
        },
    }
}

/// A course with every optional field set or not depending on `n`, and awkward text.
fn test_course(id: &str, institution: &str, n: u32) -> Course {
    let rich = n & 1 == 0;
    Course {
        id: ext_id(id),
        institution: ext_id(institution),
        title: format!("생성형 AI 실무 과정 {n} — \"따옴표\", 쉼표"),
        summary: if rich {
            "여러 줄\n요약 'single' \\ backslash\t탭".to_owned()
        } else {
            String::new()
        },
        keywords: if rich {
            vec!["LLM".to_owned(), "파이썬|pipe".to_owned(), "a\\b".to_owned()]
        } else {
            Vec::new()
        },
        programmes: vec![
            ProgrammeId::parse("kdt-ai-campus").expect("programme id"),
            ProgrammeId::parse("card-ai-general").expect("programme id"),
        ],
        ncs: NcsCode::parse("20010202").expect("ncs code"),
        occupation: "빅데이터 분석".to_owned(),
        ai_step: rich.then_some(AiStep::JobApplication),
        ai_level: rich.then_some(AiLevel::WorkPractice),
        modules: if rich {
            vec![BasicModule::EthicsSecurity, BasicModule::DataBias]
        } else {
            Vec::new()
        },
        delivery: if rich { Delivery::Blended } else { Delivery::Classroom },
        total_hours: Hours::from_tenths(1405 + n * 10),
        hours_per_day: Hours::from_tenths(75),
        fee_won: 1_250_000 + i64::from(n),
        region: RegionCode::parse("11680").expect("region"),
        audiences: vec![Audience::JobSeeker, Audience::Youth],
        self_payment_rate_percent: rich.then_some(15),
        base_unit_price_won_per_hour: (!rich).then_some(18_010),
        details: if rich {
            rich_details(1405 + n * 10)
        } else {
            CourseDetails::default()
        },
        cohorts: if rich {
            let mut first = cohort((2026, 3, 2), (2026, 6, 30), 30, 12);
            first.application = Some(ApplicationPeriod {
                start: day(2026, 2, 1),
                end: day(2026, 3, 2),
            });
            let mut second = cohort((2026, 9, 1), (2026, 12, 18), 30, 0);
            second.waiting_list = true;
            vec![first, second]
        } else if n % 3 == 1 {
            vec![cohort((2026, 4, 6), (2026, 4, 6), 1, 0)]
        } else {
            Vec::new()
        },
    }
}

/// Deliberately not in id order.
fn catalogue_batch_a() -> CatalogueBatch {
    CatalogueBatch {
        institutions: vec![
            test_institution("INST-B", "나 훈련원", "11680"),
            test_institution("INST-A", "가 아카데미 \"본원\"", "51760"),
        ],
        courses: vec![
            test_course("C-0003", "INST-A", 3),
            test_course("C-0001", "INST-B", 1),
            test_course("C-0002", "INST-A", 2),
            test_course("C-0010", "INST-B", 10),
        ],
    }
}

fn sorted_batch(mut batch: CatalogueBatch) -> CatalogueBatch {
    batch.institutions.sort_by(|a, b| a.id.cmp(&b.id));
    batch.courses.sort_by(|a, b| a.id.cmp(&b.id));
    batch
}

async fn stored_catalogue(db: &Database) -> CatalogueBatch {
    CatalogueBatch {
        institutions: db.catalogue().institutions().await.expect("institutions"),
        courses: db.catalogue().courses().await.expect("courses"),
    }
}

async fn catalogue_empty_before_first_import(db: &Database) {
    assert_eq!(db.catalogue().generation().await.expect("generation"), 0);
    assert!(db.catalogue().institutions().await.expect("institutions").is_empty());
    assert!(db
        .catalogue()
        .institution_ids()
        .await
        .expect("institution ids")
        .is_empty());
    assert!(db.catalogue().courses().await.expect("courses").is_empty());
    assert!(db.catalogue().course("C-0001").await.expect("course").is_none());
}

async fn catalogue_import_round_trips_in_id_order(db: &Database) {
    let mark = audit_mark(db).await;
    let batch = catalogue_batch_a();
    let summary = db.catalogue().upsert(&batch, "ops:catalogue").await.expect("import");
    assert_eq!(
        summary,
        CatalogueImportSummary {
            institutions_added: 2,
            institutions_updated: 0,
            courses_added: 4,
            courses_updated: 0,
            courses_unchanged: 0,
            generation: 1,
        }
    );
    assert_eq!(db.catalogue().generation().await.expect("generation"), 1);
    let stored = stored_catalogue(db).await;
    assert_eq!(stored, sorted_batch(batch.clone()), "round trip, ordered by id");
    assert_ne!(stored.courses, batch.courses, "test data must exercise ordering");
    let ids = db.catalogue().institution_ids().await.expect("institution ids");
    assert_eq!(ids, BTreeSet::from(["INST-A".to_owned(), "INST-B".to_owned()]));
    let (course, institution) = db
        .catalogue()
        .course("C-0002")
        .await
        .expect("course")
        .expect("C-0002 stored");
    assert_eq!(course, test_course("C-0002", "INST-A", 2));
    assert_eq!(institution, test_institution("INST-A", "가 아카데미 \"본원\"", "51760"));
    assert!(db.catalogue().course("C-9999").await.expect("course").is_none());
    // One institution and its own courses, in id order, with their cohorts.
    let institution = db.catalogue().institution("INST-A").await.expect("institution");
    assert_eq!(
        institution,
        Some(test_institution("INST-A", "가 아카데미 \"본원\"", "51760"))
    );
    assert!(db
        .catalogue()
        .institution("INST-Z")
        .await
        .expect("institution")
        .is_none());
    let own = db
        .catalogue()
        .courses_of_institution("INST-A")
        .await
        .expect("courses of");
    let expected: Vec<Course> = stored
        .courses
        .iter()
        .filter(|c| c.institution.as_str() == "INST-A")
        .cloned()
        .collect();
    assert!(
        !expected.is_empty() && expected.len() < stored.courses.len(),
        "test data has courses elsewhere"
    );
    assert_eq!(own, expected);
    assert!(db
        .catalogue()
        .courses_of_institution("INST-Z")
        .await
        .expect("courses of")
        .is_empty());
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_event(&events[0], ACTION_CATALOGUE_IMPORT, "ops:catalogue", "catalogue");
    assert_eq!(events[0].detail["courses_added"], 4, "{events:?}");
}

async fn catalogue_reimport_is_unchanged(db: &Database) {
    let summary = db
        .catalogue()
        .upsert(&catalogue_batch_a(), "ops:catalogue")
        .await
        .expect("re-import");
    assert_eq!(
        summary,
        CatalogueImportSummary {
            courses_unchanged: 4,
            generation: 1,
            ..CatalogueImportSummary::default()
        }
    );
    assert!(!summary.changed());
    assert_eq!(db.catalogue().generation().await.expect("generation"), 1);
    assert_eq!(
        stored_catalogue(db).await,
        sorted_batch(catalogue_batch_a()),
        "no duplicate rows"
    );
}

async fn catalogue_update_changes_course_and_replaces_cohorts(db: &Database) {
    let mut batch = catalogue_batch_a();
    // C-0002 loses a cohort and changes its title; C-0001 gains two; INST-B is renamed.
    let c2 = batch
        .courses
        .iter_mut()
        .find(|c| c.id.as_str() == "C-0002")
        .expect("C-0002");
    c2.title = "바뀐 제목".to_owned();
    c2.cohorts.truncate(1);
    c2.cohorts[0].seats_left = 0;
    let c1 = batch
        .courses
        .iter_mut()
        .find(|c| c.id.as_str() == "C-0001")
        .expect("C-0001");
    c1.cohorts = vec![
        cohort((2027, 1, 4), (2027, 2, 26), 20, 20),
        cohort((2027, 3, 2), (2027, 5, 28), 25, 1),
    ];
    batch.institutions[0].name = "나 훈련원 (이전)".to_owned();
    batch.courses.push(test_course("C-0000", "INST-A", 4));
    let summary = db.catalogue().upsert(&batch, "ops:catalogue").await.expect("update");
    assert_eq!(
        summary,
        CatalogueImportSummary {
            institutions_added: 0,
            institutions_updated: 1,
            courses_added: 1,
            courses_updated: 2,
            courses_unchanged: 2,
            generation: 2,
        }
    );
    assert_eq!(stored_catalogue(db).await, sorted_batch(batch.clone()));
    let (c2, _) = db.catalogue().course("C-0002").await.expect("course").expect("C-0002");
    assert_eq!(c2.cohorts.len(), 1, "old cohorts are replaced, not kept");
    // A batch with only a course, referring to a stored institution not in the batch.
    let lone = CatalogueBatch {
        institutions: Vec::new(),
        courses: vec![test_course("C-0100", "INST-B", 100)],
    };
    let summary = db
        .catalogue()
        .upsert(&lone, "ops:catalogue")
        .await
        .expect("lone course");
    assert_eq!(summary.courses_added, 1);
    assert_eq!(summary.generation, 3);
}

async fn assert_catalogue_failure_left_state(db: &Database, bad: &CatalogueBatch, what: &str) {
    let before = stored_catalogue(db).await;
    let generation = db.catalogue().generation().await.expect("generation");
    let mark = audit_mark(db).await;
    let res = db.catalogue().upsert(bad, "ops:bad").await;
    assert!(res.is_err(), "{what}: import must fail, got {res:?}");
    assert_eq!(stored_catalogue(db).await, before, "{what}: nothing may be written");
    assert_eq!(
        db.catalogue().generation().await.expect("generation"),
        generation,
        "{what}"
    );
    assert!(
        events_after(db, mark).await.is_empty(),
        "{what}: a failed import must not audit"
    );
}

async fn catalogue_unknown_institution_fails_atomically(db: &Database) {
    let bad = CatalogueBatch {
        institutions: vec![test_institution("INST-NEW", "새 기관", "11110")],
        courses: vec![
            test_course("C-0200", "INST-NEW", 200),
            test_course("C-0002", "INST-A", 7),
            test_course("C-0201", "INST-MISSING", 201),
        ],
    };
    assert_catalogue_failure_left_state(db, &bad, "course with unknown institution").await;
    let res = db.catalogue().upsert(&bad, "ops:bad").await;
    assert!(matches!(res, Err(StoreError::NotFound { .. })), "{res:?}");
    let twice = CatalogueBatch {
        institutions: Vec::new(),
        courses: vec![test_course("C-0300", "INST-A", 1), test_course("C-0300", "INST-A", 2)],
    };
    assert_catalogue_failure_left_state(db, &twice, "course id twice in one batch").await;
}

async fn catalogue_rejected_row_rolls_back_whole_import(db: &Database) {
    // Validation is bypassed: the database's own CHECK refuses the last cohort, after the
    // institution, the courses and earlier cohorts were written in the same transaction.
    let mut broken = test_course("C-0401", "INST-NEW2", 401);
    broken.cohorts = vec![cohort((2026, 1, 5), (2026, 2, 5), 10, 11)];
    let bad = CatalogueBatch {
        institutions: vec![test_institution("INST-NEW2", "새 기관 2", "11110")],
        courses: vec![
            test_course("C-0400", "INST-NEW2", 400),
            test_course("C-0003", "INST-A", 9),
            broken,
        ],
    };
    assert_catalogue_failure_left_state(db, &bad, "cohort with more seats left than capacity").await;
}

async fn catalogue_concurrent_imports_end_consistent(db: &Database) {
    const TASKS: usize = 6;
    let generation = db.catalogue().generation().await.expect("generation");
    let mut batch = CatalogueBatch {
        institutions: vec![test_institution("INST-RACE", "동시 기관", "47170")],
        courses: (0..300)
            .map(|n| test_course(&format!("R-{n:04}"), "INST-RACE", n))
            .collect(),
    };
    batch.courses.push(test_course("C-0001", "INST-RACE", 77));
    let before = stored_catalogue(db).await;
    let barrier = Arc::new(tokio::sync::Barrier::new(TASKS));
    let mut handles = Vec::with_capacity(TASKS);
    for _ in 0..TASKS {
        let (db, batch, barrier) = (db.clone(), batch.clone(), Arc::clone(&barrier));
        handles.push(tokio::spawn(async move {
            barrier.wait().await;
            db.catalogue().upsert(&batch, "ops:race").await
        }));
    }
    let mut summaries = Vec::with_capacity(TASKS);
    for h in handles {
        summaries.push(
            h.await
                .expect("import task panicked")
                .expect("concurrent import must not error"),
        );
    }
    let changed: Vec<&CatalogueImportSummary> = summaries.iter().filter(|s| s.changed()).collect();
    assert_eq!(changed.len(), 1, "exactly one import writes: {summaries:?}");
    assert_eq!((changed[0].courses_added, changed[0].courses_updated), (300, 1));
    assert!(summaries
        .iter()
        .filter(|s| !s.changed())
        .all(|s| s.courses_unchanged == 301 && s.generation == generation + 1));
    assert_eq!(db.catalogue().generation().await.expect("generation"), generation + 1);
    let mut expected = before;
    expected.institutions.extend(batch.institutions.clone());
    expected.courses.retain(|c| c.id.as_str() != "C-0001");
    expected.courses.extend(batch.courses.clone());
    assert_eq!(stored_catalogue(db).await, sorted_batch(expected));
}

/// The page fields round-trip exactly, and changing only one of them is an update (the content
/// sha covers them), for a course and for an institution's contact.
async fn catalogue_page_fields_are_stored_and_hashed(db: &Database) {
    let mut batch = CatalogueBatch {
        institutions: vec![test_institution("INST-A", "가 아카데미 \"본원\"", "51760")],
        courses: vec![test_course("P-0002", "INST-A", 2)],
    };
    db.catalogue().upsert(&batch, "ops:catalogue").await.expect("import");
    let (course, institution) = db.catalogue().course("P-0002").await.expect("course").expect("stored");
    assert_eq!(course, batch.courses[0]);
    assert!(course.details.timetable.is_some() && course.cohorts[1].waiting_list);
    assert_eq!(institution, batch.institutions[0]);

    let before = db.catalogue().generation().await.expect("generation");
    if let Some(signal) = batch.courses[0].details.quality.satisfaction.as_mut() {
        signal.value = 46;
    }
    let summary = db
        .catalogue()
        .upsert(&batch, "ops:catalogue")
        .await
        .expect("quality update");
    assert_eq!(
        (summary.courses_updated, summary.courses_unchanged),
        (1, 0),
        "{summary:?}"
    );
    assert_eq!(summary.generation, before + 1);

    batch.courses[0].cohorts[0].application = None;
    let summary = db
        .catalogue()
        .upsert(&batch, "ops:catalogue")
        .await
        .expect("cohort update");
    assert_eq!(summary.courses_updated, 1, "{summary:?}");

    batch.institutions[0].contact.phone = Some(Phone::parse("044-0999-0000").expect("phone"));
    let summary = db
        .catalogue()
        .upsert(&batch, "ops:catalogue")
        .await
        .expect("contact update");
    assert_eq!(
        (summary.institutions_updated, summary.courses_unchanged),
        (1, 1),
        "{summary:?}"
    );
    let (course, institution) = db.catalogue().course("P-0002").await.expect("course").expect("stored");
    assert_eq!(course, batch.courses[0]);
    assert_eq!(institution, batch.institutions[0]);
    assert_eq!(course.details.quality.satisfaction.as_ref().map(|s| s.value), Some(46));
}
