//! The whole SME package through the services, on SQLite and PostgreSQL: import firms → a partner
//! list matched to them → the discovery ranking → assignment to a centre → a visit scheduled and recorded → diagnosis by the centre's
//! training doctor → prescription from the catalogue priced by the engine (checked against the
//! golden case marked `package`) → the HR lead accepts → staff enrolled and accepted by the
//! institution → outcome counts and the 2026 targets; with the refusals on the way (another
//! centre's doctor, another firm's HR lead, bad answers, a plan not yet accepted).

use aiup_app::accounts::{Actor, Role};
use aiup_app::enrolment::{Decision, DecisionDone};
use aiup_app::sme::prescription::StaffInput;
use aiup_app::sme::{diagnosis, discovery, firms, outcomes, partners, prescription, visits};
use aiup_app::{App, Code};
use aiup_catalogue::{AiLevel, ApplicationPeriod, CatalogueBatch, Cohort, Course, Hours};
use aiup_core::{Delivery, ProgrammeId};
use aiup_sme::assessment::Answers;
use aiup_sme::questionnaire::{questionnaire, Role as ItemRole};
use aiup_sme::AxLevel;
use chrono::{Days, NaiveDate};
use serde_json::Value;

use crate::golden_sme::{prices, split};
use crate::sme_registry::{actor, number, HEADER};
use crate::support::{spawn_app, spawn_app_on, TestApp};
use crate::testkit::TEST_FIRM;

/// The golden case the package is priced against.
pub(crate) fn package_case() -> Value {
    prices()["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["package"] == true)
        .cloned()
        .expect("a package case")
}

fn after(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_add_days(Days::new(days)).expect("date")
}

/// A skill-up course as the golden case describes it (programme, region, fee, delivery,
/// hours), taking applications today and starting in a month.
pub(crate) async fn stock(app: &TestApp, golden: &Value) -> Course {
    let today = app.state.app.today();
    let spec = &golden["request"]["course"];
    let text = |k: &str| spec[k].as_str().expect(k).to_owned();
    let batch = crate::courses::generated(60);
    let mut course = batch
        .courses
        .iter()
        .find(|c| c.is_ai_course())
        .expect("an AI course")
        .clone();
    course.programmes =
        vec![ProgrammeId::parse(golden["request"]["programme"].as_str().expect("programme")).expect("id")];
    course.region = aiup_core::region::RegionCode::parse(&text("region")).expect("region");
    course.delivery = Delivery::parse(&text("delivery")).expect("delivery");
    course.fee_won = spec["fee_won"].as_i64().expect("fee");
    course.base_unit_price_won_per_hour = None;
    course.self_payment_rate_percent = None;
    course.ai_level = Some(AiLevel::WorkPractice);
    let hours = u32::try_from(spec["total_hours"].as_u64().expect("hours") * 10).expect("hours");
    course.total_hours = Hours::from_tenths(hours);
    course.hours_per_day = Hours::from_tenths(40);
    course.details = Default::default();
    let start = after(today, 30);
    course.cohorts = vec![Cohort {
        start_date: start,
        end_date: after(start, 20),
        capacity: 20,
        seats_left: 20,
        application: Some(ApplicationPeriod {
            start: today,
            end: after(today, 20),
        }),
        waiting_list: false,
    }];
    let stocked = CatalogueBatch {
        institutions: batch
            .institutions
            .iter()
            .filter(|i| i.id == course.institution)
            .cloned()
            .collect(),
        courses: vec![course.clone()],
    };
    aiup_app::catalogue::store_and_index(app.state.app.db(), app.state.index(), &stocked, "test")
        .await
        .expect("stock the course");
    course
}

/// Complete answers: readiness option `readiness` (0–3) in every area.
pub(crate) fn answers(readiness: usize, uses_ai: bool) -> Answers {
    let q = questionnaire();
    let mut a = Answers::new();
    let mut set = |id: &str, values: &[&str]| {
        a.insert(id.to_owned(), values.iter().map(|v| (*v).to_owned()).collect());
    };
    set("ai_use", &[if uses_ai { "used" } else { "not_used" }]);
    set("ai_use_fields", if uses_ai { &["office"] } else { &[] });
    set("ai_training", &["done"]);
    set("ai_training_hours", &["8"]);
    set("need", &["yes"]);
    set("intent", &["yes"]);
    set("needs", &["production", "office"]);
    set("method", &["outsourced_classroom"]);
    set("length", &["16_40h"]);
    set("obstacles", &["time"]);
    set("support", &["diagnosis_consulting", "training_costs"]);
    set("level_wanted", &["work_practice"]);
    for item in q.items.iter().filter(|i| i.role == ItemRole::Readiness) {
        a.insert(item.id.clone(), vec![item.options[readiness].id.clone()]);
    }
    a
}

async fn institution_staff(app: &App, institution: &str) -> Actor {
    actor(app, "pkg-institution", Role::InstitutionStaff, Some(institution)).await
}

async fn package(test: TestApp) {
    let app = &test.state.app;
    let golden = package_case();
    let (firm_expected, government_expected, worker_expected) = split(&golden);
    let course = stock(&test, &golden).await;

    let admin = actor(app, "pkg-admin", Role::ProgrammeAdmin, None).await;
    let doctor = actor(app, "pkg-doctor", Role::TrainingDoctor, Some("centre-busan")).await;
    let other_doctor = actor(app, "pkg-doctor-gg", Role::TrainingDoctor, Some("centre-gyeonggi")).await;
    let hr = actor(app, "pkg-hr", Role::SmeHrLead, Some(TEST_FIRM)).await;
    let other_hr = actor(app, "pkg-hr-other", Role::SmeHrLead, Some(&number(7))).await;

    // 1. Import firms: ours in Busan (해운대구, outside the capital area, as the golden case).
    let region = golden["request"]["course"]["region"].as_str().expect("region");
    let csv = format!(
        "{HEADER}{TEST_FIRM},해운대정밀,27,C29,{region},yes,yes,no,0\n{},다른기업,12,C26,{region},yes,no,no,0\n",
        number(7)
    );
    let summary = firms::import_firms_csv(app, &admin, &csv).await.expect("import firms");
    assert_eq!(summary.created, 2);
    let ours = firms::visible_firm_by_number(app, &admin, TEST_FIRM)
        .await
        .expect("our firm");
    let other = firms::visible_firm_by_number(app, &admin, &number(7))
        .await
        .expect("other firm");
    assert!(!ours.firm.capital_area);

    // 2. A partner ministry's participant list, matched by business number.
    let list = format!("business_number,year,name\n{TEST_FIRM},2025,해운대정밀\n");
    let matched = partners::import_participants_csv(app, &admin, "mss-smart-factory", &list, "중기부 명단")
        .await
        .expect("participant list");
    assert_eq!((matched.added, matched.unmatched), (1, 0));
    let integrated = partners::integrated_list(app, &admin, &partners::IntegratedFilter::default())
        .await
        .expect("integrated list");
    let row = integrated
        .firms
        .iter()
        .find(|f| f.firm.id == ours.id)
        .expect("our firm in the integrated list");
    assert_eq!(row.programmes.len(), 1);
    // 3. Discovery: our firm (no AI training yet, in a partner programme, outside the capital
    //    area) ranks above the other (the same facts but no partner programme), with its reasons.
    let ranking = discovery::rank(app, &admin, &discovery::DiscoveryFilter::default())
        .await
        .expect("ranking");
    assert_eq!(ranking.scored, 2);
    assert_eq!(ranking.rows[0].firm_id, ours.id, "{:?}", ranking.rows);
    let codes: Vec<&str> = ranking.rows[0].score.reasons.iter().map(|r| r.code).collect();
    for code in ["no_ai_training", "partner_programmes", "non_capital"] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
    let sum: i64 = ranking.rows[0].score.reasons.iter().map(|r| r.points).sum();
    assert_eq!(sum, ranking.rows[0].score.points);
    assert!(ranking.rows[0].score.points > ranking.rows[1].score.points);

    // 4. Assignment to the Busan centre.
    firms::assign_centre(app, &admin, ours.id, Some("centre-busan"))
        .await
        .expect("assign");
    firms::assign_centre(app, &admin, other.id, Some("centre-busan"))
        .await
        .expect("assign");

    // 5. The centre's doctor schedules a visit and records it; another centre's doctor cannot.
    let visit_input = visits::ScheduleVisit {
        firm_id: ours.id,
        scheduled_on: app.today(),
        purpose: "diagnose".into(),
        notes: String::new(),
    };
    let refused = visits::schedule(app, &other_doctor, &visit_input)
        .await
        .expect_err("another centre's doctor");
    assert_eq!(refused.code, Code::NotFound);
    let visit = visits::schedule(app, &doctor, &visit_input).await.expect("schedule");
    let done = visits::record(app, &doctor, visit.id, None, Some("진단 실시"))
        .await
        .expect("record");
    assert_eq!(done.status, "done");
    let again = visits::record(app, &doctor, visit.id, None, None)
        .await
        .expect_err("twice");
    assert_eq!(again.code, Code::Conflict);

    // 6. Diagnosis. Another centre's doctor cannot see the firm; bad answers store nothing.
    let good = answers(1, true);
    let refused = diagnosis::record_diagnosis(app, &other_doctor, ours.id, &good)
        .await
        .expect_err("another centre");
    assert_eq!(refused.error.code, Code::NotFound);
    let mut bad = good.clone();
    bad.remove("method");
    bad.insert("ai_training_hours".into(), vec!["many".into()]);
    let refused = diagnosis::record_diagnosis(app, &doctor, ours.id, &bad)
        .await
        .expect_err("bad answers");
    let mut fields: Vec<&str> = refused.problems.iter().map(|p| p.field.as_str()).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["ai_training_hours", "method"]);
    assert!(diagnosis::diagnoses(app, &doctor, ours.id)
        .await
        .expect("none")
        .is_empty());
    // Prescribing before any diagnosis is refused.
    let early = prescription::prescribe(app, &doctor, ours.id)
        .await
        .expect_err("not diagnosed");
    assert_eq!(early.code, Code::FirmNotDiagnosed);

    let first = diagnosis::record_diagnosis(app, &doctor, ours.id, &good)
        .await
        .expect("diagnose");
    assert_eq!(first.level, AxLevel::Intermediate);
    assert_eq!(first.record.diagnosis.diagnosis_no, 1);
    let assessment = first
        .assessment
        .as_ref()
        .expect("scored with the current questionnaire");
    assert_eq!(
        assessment.reasons.iter().map(|r| r.points).sum::<u32>(),
        assessment.points
    );
    let after_diagnosis = firms::visible_firm(app, &doctor, ours.id).await.expect("firm");
    assert_eq!(
        (after_diagnosis.stated_intent, after_diagnosis.intent_source.as_deref()),
        (Some(true), Some(diagnosis::INTENT_SOURCE))
    );
    // The HR lead reads their own diagnosis; another firm's HR lead cannot.
    assert_eq!(
        diagnosis::diagnosis(app, &hr, ours.id, 1).await.expect("own").level,
        AxLevel::Intermediate
    );
    assert_eq!(
        diagnosis::diagnosis(app, &other_hr, ours.id, 1)
            .await
            .expect_err("other")
            .code,
        Code::NotFound
    );

    // 7. Prescription: skill-up courses from the catalogue, priced by the engine.
    let plan = prescription::prescribe(app, &doctor, ours.id).await.expect("prescribe");
    assert_eq!(plan.record.prescription.level, "intermediate");
    let line = plan
        .lines
        .iter()
        .find(|l| l.line.course_id.as_deref() == Some(course.id.as_str()))
        .expect("the stocked course is prescribed");
    assert_eq!(line.line.programme_id.as_deref(), Some("sme-premium-skillup"));
    assert_eq!(
        (line.line.firm_won, line.line.government_won, line.line.worker_won),
        (firm_expected, government_expected, worker_expected),
        "the plan's price equals the golden case `{}` ({})",
        golden["name"],
        golden["source"]
    );
    // …and the engine's own estimate for the same course and employee.
    let priced = prescription::price(app, &course, "sme-premium-skillup", &ours).expect("priced");
    assert_eq!(priced.totals.tuition_support_won, line.line.government_won);

    // 8. The HR lead accepts, once; nobody else can; staff wait for acceptance.
    let staff_input = StaffInput {
        line_no: line.line.line_no.to_string(),
        age_band: "30_34".to_owned(),
        staff_ref: String::new(),
    };
    let early = prescription::enrol_staff(app, &hr, plan.record.id, &staff_input)
        .await
        .expect_err("not accepted");
    assert_eq!(early.code, Code::PlanNotAccepted);
    assert_eq!(
        prescription::accept(app, &other_hr, plan.record.id)
            .await
            .expect_err("other firm")
            .code,
        Code::NotFound
    );
    assert_eq!(
        prescription::accept(app, &doctor, plan.record.id)
            .await
            .expect_err("a doctor")
            .code,
        Code::Forbidden
    );
    let accepted = prescription::accept(app, &hr, plan.record.id).await.expect("accept");
    assert!(accepted.accepted());
    assert_eq!(
        prescription::accept(app, &hr, plan.record.id)
            .await
            .expect_err("twice")
            .code,
        Code::Conflict
    );

    // 9. Staff enrolled, then accepted by the institution as any application.
    let bad_age = StaffInput {
        age_band: "ancient".to_owned(),
        ..staff_input.clone()
    };
    let refused = prescription::enrol_staff(app, &hr, plan.record.id, &bad_age)
        .await
        .expect_err("bad age band");
    assert_eq!(refused.code, Code::InvalidField);
    let link = prescription::enrol_staff(app, &hr, plan.record.id, &staff_input)
        .await
        .expect("enrol");
    let staff = institution_staff(app, course.institution.as_str()).await;
    match app
        .decide(&staff, link.enrolment_id, Decision::Accept)
        .await
        .expect("accept the application")
    {
        DecisionDone::Accepted(e) => assert_eq!(e.record.self_payment_won, worker_expected),
        other => panic!("expected an acceptance, got {other:?}"),
    }

    // 10. Outcomes, a re-diagnosis, and the targets.
    let second = diagnosis::record_diagnosis(app, &doctor, ours.id, &answers(3, true))
        .await
        .expect("again");
    assert_eq!(
        (second.record.diagnosis.diagnosis_no, second.level),
        (2, AxLevel::Advanced)
    );
    // The advanced firm's next plan: a job analysis, then PBL, with the allowances from the
    // policy (no amount published yet: 0, an aiup default, cited).
    let advanced = prescription::prescribe(app, &doctor, ours.id)
        .await
        .expect("second plan");
    let kinds: Vec<_> = advanced.items.iter().map(|i| i.kind).collect();
    assert_eq!(
        kinds,
        [
            aiup_sme::prescription::ItemKind::JobAnalysis,
            aiup_sme::prescription::ItemKind::PblTraining
        ]
    );
    let allowances = advanced.allowances.clone().expect("PBL allowances");
    assert_eq!(allowances.cite, "seed:002 IV-② <참고> ③");
    assert_eq!(allowances.confidence, aiup_core::policy::Confidence::AiupDefault);
    assert!(accepted.allowances.is_none(), "a skill-up plan has none");
    let o = outcomes::firm_outcomes(app, &hr, ours.id).await.expect("outcomes");
    assert_eq!((o.applied, o.enrolled, o.completed), (1, 1, 0));
    assert_eq!(
        (o.firm_won, o.government_won, o.worker_won),
        (firm_expected, government_expected, worker_expected)
    );
    assert_eq!(o.level_change(), Some((AxLevel::Intermediate, AxLevel::Advanced)));
    let overview = outcomes::overview(app, &admin, 2026).await.expect("targets");
    let target = |id: &str| {
        overview
            .targets
            .iter()
            .find(|t| t.programme_id == id)
            .unwrap_or_else(|| panic!("target of {id}"))
            .clone()
    };
    let engine = app.engine();
    for id in outcomes::TARGET_PROGRAMMES {
        let policy = engine.policy().programme(id).expect("programme").targets[0].value;
        assert_eq!(target(id).target.value, policy, "{id}'s target comes from the policy");
    }
    assert_eq!(target("sme-diagnosis").achieved, 1);
    assert_eq!(target("sme-premium-skillup").achieved, 1);
    assert_eq!(target("sme-pbl").achieved, 0);
    assert_eq!(
        outcomes::overview(app, &hr, 2026).await.expect_err("HR lead").code,
        Code::Forbidden
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sme_package_on_sqlite() {
    package(spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sme_package_on_postgres() {
    let Some(pg) = aiup_store::testing::postgres_test_url().await else {
        return;
    };
    let db = aiup_store::connect(pg.url()).await.expect("connect");
    package(spawn_app_on(db).await).await;
}
