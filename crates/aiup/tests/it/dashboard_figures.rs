//! The targets and budget dashboards' figures over a known population, on SQLite and
//! PostgreSQL: a generated population (`aiup_app::population::generate_and_store`, with its card
//! holds and charges and its attendance), one payroll month exported and one left a draft; then
//! every figure of `compute_targets` and `compute_budget` against a count made here, by raw SQL
//! (`aiup_store::testing::raw_i64`) or by pricing each enrolment in training one by one.

use std::collections::{BTreeMap, HashMap};

use aiup_app::accounts::Role;
use aiup_app::dashboard::budget::{compute_budget, BudgetFlag};
use aiup_app::dashboard::targets::{
    compute_targets, line_programmes, outside_figures, ImportedFigure, OutsideFigures, Progress, COMPLETED_STATUSES,
    ENROLLED_STATUSES, TRAINED_STATUSES,
};
use aiup_app::population::{generate_and_store, PopulationOptions};
use aiup_app::App;
use aiup_core::policy::TargetUnit;
use aiup_core::region::RegionCode;
use aiup_people::EnrolmentStatus;
use aiup_store::testing::raw_i64;

use crate::payroll::{account, d};
use crate::support::{spawn_app, spawn_app_on, TestApp};

fn no_progress(_: u64, _: u64) {}

/// `('a', 'b')` for SQL.
fn sql_list<S: AsRef<str>>(items: &[S]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("'{}'", s.as_ref())).collect();
    format!("({})", quoted.join(", "))
}

fn status_list(statuses: &[EnrolmentStatus]) -> String {
    sql_list(&statuses.iter().map(|s| s.as_str()).collect::<Vec<_>>())
}

async fn count(app: &App, sql: &str) -> i64 {
    raw_i64(app.db(), sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// A population seen on 2026-06-20 with its attendance, May's payroll exported and June's
/// left a draft.
async fn load(app: &TestApp) {
    let services = &app.state.app;
    let engine = services.engine();
    let report = generate_and_store(
        services.db(),
        engine.policy(),
        engine.regions(),
        &PopulationOptions {
            trainees: 400,
            seed: 12,
            today: d("2026-06-20"),
        },
        80,
        d("2026-01-05"),
        None,
        true,
        "test",
    )
    .await
    .expect("population");
    assert!(report.written.enrolments > 0, "{report:?}");
    let runner = account(services, "dash-runner", Role::ProgrammeAdmin, None).await;
    let approver = account(services, "dash-approver", Role::ProgrammeAdmin, None).await;
    account(services, "dash-reader", Role::Auditor, None).await;
    let may = services
        .run_payroll(&runner, "2026-05", &no_progress)
        .await
        .expect("May");
    services.approve_payroll(&approver, may.run.id).await.expect("approve");
    services.export_payroll(&runner, may.run.id).await.expect("export");
    services
        .run_payroll(&runner, "2026-06", &no_progress)
        .await
        .expect("June");
    sme_plan_with_staff(app, &runner).await;
    // Figures from outside aiup: the course review's spending and courses reviewed, and a
    // line aiup counts itself (its own count wins).
    aiup_app::outcomes::import(
        services,
        &runner,
        aiup_app::outcomes::OutcomeImportRequest {
            kind: aiup_people::outcome_records::OutcomeKind::Figures,
            source: "심사 시스템 2026-06 추출",
            as_of: d("2026-06-30"),
            text: "metric,value,unit,as_of\nai-course-review,1200000000,won,2026-06-30\n\
                   infra-course-review,31000,courses,2026-06-30\nentry-youth,99,people,2026-06-30\n",
        },
    )
    .await
    .expect("import figures");
}

/// An SME (the SME package's golden firm in Busan) diagnosed, prescribed a skill-up course,
/// the plan accepted and two staff enrolled on its course line.
async fn sme_plan_with_staff(app: &TestApp, admin: &aiup_app::accounts::Actor) {
    use aiup_app::sme::{diagnosis, firms, prescription};
    let services = &app.state.app;
    let golden = crate::sme_package::package_case();
    crate::sme_package::stock(app, &golden).await;
    let doctor = account(services, "dash-doctor", Role::TrainingDoctor, Some("centre-busan")).await;
    let hr = account(services, "dash-hr", Role::SmeHrLead, Some(crate::testkit::TEST_FIRM)).await;
    let region = golden["request"]["course"]["region"].as_str().expect("region");
    let csv = format!(
        "{}{},해운대정밀,27,C29,{region},yes,yes,no,0\n",
        crate::sme_registry::HEADER,
        crate::testkit::TEST_FIRM
    );
    firms::import_firms_csv(services, admin, &csv).await.expect("firm");
    let firm = firms::visible_firm_by_number(services, admin, crate::testkit::TEST_FIRM)
        .await
        .expect("firm")
        .id;
    firms::assign_centre(services, admin, firm, Some("centre-busan"))
        .await
        .expect("assign");
    diagnosis::record_diagnosis(services, &doctor, firm, &crate::sme_package::answers(1, true))
        .await
        .expect("diagnosis");
    let plan = prescription::prescribe(services, &doctor, firm).await.expect("plan");
    prescription::accept(services, &hr, plan.record.id)
        .await
        .expect("accept");
    let line = plan
        .lines
        .iter()
        .find(|l| l.line.course_id.is_some())
        .expect("a course line")
        .line
        .line_no;
    for _ in 0..2 {
        let staff = prescription::StaffInput {
            line_no: line.to_string(),
            age_band: "30_34".to_owned(),
            staff_ref: String::new(),
        };
        prescription::enrol_staff(services, &hr, plan.record.id, &staff)
            .await
            .expect("enrol");
    }
}

/// The outside figures as an auditor reads them.
async fn outside(app: &TestApp) -> OutsideFigures {
    let reader = app.state.app.operator_actor("dash-reader").await.expect("reader");
    outside_figures(&app.state.app, &reader).await.expect("outside figures")
}

async fn targets_figures_hold(app: &TestApp) {
    let services = &app.state.app;
    let engine = services.engine();
    let policy = engine.policy();
    let outside = outside(app).await;
    let view = compute_targets(services, None, &outside).await.expect("targets");
    let lines = line_programmes(policy);
    let enrolled = status_list(&ENROLLED_STATUSES);
    let completed = status_list(&COMPLETED_STATUSES);
    let mut counted_people = 0;
    // Every plan line of the year, with its target and progress.
    assert_eq!(
        view.plan_lines.len(),
        policy.plan_lines.iter().filter(|l| l.year == 2026).count()
    );
    for line in &view.plan_lines {
        let target = policy.plan_lines.iter().find(|l| l.id == line.id).expect("line");
        assert_eq!((line.size, line.unit), (target.size, target.unit), "{}", line.id);
        let programmes = sql_list(lines.get(&line.id).map(Vec::as_slice).unwrap_or_default());
        match (&line.progress, line.unit) {
            (
                Progress::People {
                    enrolled: e,
                    in_training,
                    completed: c,
                },
                Some(TargetUnit::People),
            ) => {
                let distinct = |statuses: &str| {
                    format!(
                        "SELECT COUNT(DISTINCT person_id) FROM enrolments WHERE programme IN {programmes} \
                         AND status IN {statuses}"
                    )
                };
                assert_eq!(*e, count(services, &distinct(&enrolled)).await, "{}", line.id);
                assert_eq!(
                    *in_training,
                    count(services, &distinct("('in_training')")).await,
                    "{}",
                    line.id
                );
                assert_eq!(*c, count(services, &distinct(&completed)).await, "{}", line.id);
                assert_eq!(line.share_bp, Some(e * 10_000 / line.size.expect("size")));
                counted_people += e;
            }
            (Progress::Count { value }, Some(TargetUnit::Workplaces)) => {
                let firms = count(
                    services,
                    &format!(
                        "SELECT COUNT(DISTINCT pe.firm_id) FROM sme_plan_enrolments pe \
                         JOIN sme_prescription_lines l ON l.prescription_id = pe.prescription_id AND l.line_no = pe.line_no \
                         JOIN sme_prescription_acceptances a ON a.prescription_id = pe.prescription_id \
                         JOIN enrolments e ON e.id = pe.enrolment_id \
                         WHERE l.programme_id IN {programmes} AND e.status NOT IN ('refused', 'withdrawn', 'cancelled')"
                    ),
                )
                .await;
                assert_eq!(*value, firms, "{}", line.id);
                if line.id == "participation-skillup" {
                    assert_eq!(*value, 1, "the plan's firm, on a skill-up course");
                }
            }
            // The infrastructure's lines: the academy's and the sites' own counts.
            (Progress::Count { value }, _) if target.stage == aiup_core::Stage::Infrastructure => {
                assert_eq!(Some(value), outside.counted.get(&line.id), "{}", line.id);
            }
            (Progress::Imported(figure), None) => {
                assert_eq!(line.id, "infra-course-review");
                assert_eq!(
                    figure,
                    &ImportedFigure {
                        value: 31_000,
                        unit: "courses".into(),
                        source: "심사 시스템 2026-06 추출".into(),
                        as_of: d("2026-06-30"),
                    }
                );
            }
            (Progress::NoMeasure, _) => assert_eq!(target.size, None, "{}", line.id),
            (other, unit) => panic!("{}: {other:?} for {unit:?}", line.id),
        }
    }
    assert!(counted_people > 0, "the population reaches the people lines");

    // Every programme by status.
    for programme in &view.programmes {
        for (status, n) in &programme.by_status {
            let raw = count(
                services,
                &format!(
                    "SELECT COUNT(*) FROM enrolments WHERE programme = '{}' AND status = '{}'",
                    programme.id,
                    status.as_str()
                ),
            )
            .await;
            assert_eq!(*n, raw, "{} {status:?}", programme.id);
        }
    }

    // By stage (the programme's), by province and tier (where the trainee lives).
    for row in &view.by_stage {
        let stage_programmes: Vec<&str> = policy
            .programmes
            .iter()
            .filter(|p| p.stage.as_str() == row.key)
            .map(|p| p.id.as_str())
            .collect();
        let raw = count(
            services,
            &format!(
                "SELECT COUNT(*) FROM enrolments WHERE programme IN {} AND status IN {enrolled}",
                sql_list(&stage_programmes)
            ),
        )
        .await;
        assert_eq!(row.enrolled, raw, "stage {}", row.key);
        let target: i64 = policy
            .plan_lines
            .iter()
            .filter(|l| l.stage.as_str() == row.key && l.unit == Some(TargetUnit::People))
            .filter_map(|l| l.size)
            .sum();
        assert_eq!(row.target, Some(target));
    }
    assert_eq!(view.by_province.len(), 17);
    for row in &view.by_province {
        let raw = count(
            services,
            &format!(
                "SELECT COUNT(*) FROM enrolments e JOIN people p ON p.id = e.person_id \
                 WHERE substr(p.region_code, 1, 2) = '{}' AND e.status IN {enrolled}",
                row.key
            ),
        )
        .await;
        assert_eq!(row.enrolled, raw, "province {}", row.key);
    }
    // Tiers: the overview's report (another store read) by 시군구, each 시군구 put in its tier.
    let report = services
        .db()
        .enrolment_reports()
        .report(&aiup_store::EnrolmentReportFilter::default())
        .await
        .expect("report");
    let precedence = aiup_app::tier_precedence_on(&engine, view.as_of.date);
    let mut tiers: BTreeMap<String, i64> = BTreeMap::new();
    for c in &report.enrolments {
        let status = EnrolmentStatus::parse(&c.status).expect("status");
        if !ENROLLED_STATUSES.contains(&status) {
            continue;
        }
        let region = engine
            .regions()
            .get(RegionCode::parse(&c.region_code).expect("code"))
            .expect("region");
        *tiers.entry(region.tier(precedence).as_str().to_owned()).or_default() += c.enrolments;
    }
    for row in &view.by_tier {
        assert_eq!(
            row.enrolled,
            tiers.get(&row.key).copied().unwrap_or(0),
            "tier {}",
            row.key
        );
    }
    let tier_total: i64 = view.by_tier.iter().map(|r| r.enrolled).sum();
    let province_total: i64 = view.by_province.iter().map(|r| r.enrolled).sum();
    assert_eq!(tier_total, province_total);

    // The five-year goal: unique people who reached training.
    let trained = count(
        services,
        &format!(
            "SELECT COUNT(DISTINCT e.person_id) FROM enrolments e WHERE e.status IN {} OR EXISTS \
             (SELECT 1 FROM enrolment_events v WHERE v.enrolment_id = e.id AND v.to_status = 'in_training')",
            status_list(&TRAINED_STATUSES)
        ),
    )
    .await;
    assert!(trained > 0);
    assert_eq!(view.five_year.people_trained, trained);
    assert_eq!(view.five_year.goal, 1_000_000);

    // Indicators: learners on the card counted as that programme's enrolled enrolments.
    let card = view
        .indicators
        .iter()
        .find(|i| i.id == "card-ai-learners")
        .expect("indicator");
    let raw = count(
        services,
        &format!("SELECT COUNT(*) FROM enrolments WHERE programme = 'card-ai-general' AND status IN {enrolled}"),
    )
    .await;
    assert_eq!(card.progress, Progress::Count { value: raw });
    assert_eq!(view.indicators.len(), policy.indicators.len());
}

/// The allowance still to come, priced here enrolment by enrolment (no shared schedules): every
/// unit period after the last one paid that ends by 31 December, at full attendance.
async fn allowance_to_come_one_by_one(app: &App) -> HashMap<String, i64> {
    let engine = app.engine();
    let db = app.db();
    let last = count(app, "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM enrolments").await;
    let records = db
        .enrolments()
        .in_id_range(1..=last, &["in_training"])
        .await
        .expect("records");
    let people: HashMap<i64, aiup_store::PersonRecord> = db
        .people()
        .of_enrolments_in_range(1..=last)
        .await
        .expect("people")
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut paid: HashMap<i64, i64> = HashMap::new();
    for p in db.payroll().paid_in_range(1..=last).await.expect("paid") {
        let top = paid.entry(p.enrolment_id).or_default();
        *top = (*top).max(p.period_index);
    }
    let year_end = d("2026-12-31");
    let mut out: HashMap<String, i64> = HashMap::new();
    for record in records {
        let (course, institution) = db
            .catalogue()
            .course(&record.course_id)
            .await
            .expect("read")
            .expect("course");
        let person = &people[&record.person_id].fields;
        let status = aiup_core::TraineeStatus::parse(&person.status).expect("status");
        let size = person
            .employer_size
            .as_deref()
            .map(|s| aiup_core::EmployerSize::parse(s).expect("size"));
        let programme = engine.policy().programme(&record.programme).expect("programme");
        let profile = aiup_app::catalogue::Profile::of(status, size);
        let Some(mut raw) = aiup_app::catalogue::case_for(&course, programme, &profile, record.cohort_start) else {
            continue;
        };
        raw.course.start_date = record.cohort_start.to_string();
        raw.course.end_date = record.cohort_end.to_string();
        raw.course.region = institution.region.to_string();
        let done = paid.get(&record.id).copied().unwrap_or(0);
        for period in engine.unit_periods(record.cohort_start, record.cohort_end) {
            if i64::from(period.index) <= done || period.end > year_end {
                continue;
            }
            raw.period = period.index;
            let case = engine.parse_case(&raw).expect("case");
            *out.entry(record.programme.clone()).or_default() += engine.estimate(&case, false).totals.allowance_won;
        }
    }
    out
}

async fn budget_figures_hold(app: &TestApp) {
    let services = &app.state.app;
    let engine = services.engine();
    let policy = engine.policy();
    let outside = outside(app).await;
    let view = compute_budget(services, None, &outside).await.expect("budget");
    assert_eq!(view.lines.len(), 16, "seed 002 붙임1 has 16 budget lines");
    assert_eq!(view.under_flag_share_bp, 2_000);
    let to_come = allowance_to_come_one_by_one(services).await;
    assert!(
        to_come.values().sum::<i64>() > 0,
        "trainees in training have periods to come"
    );
    let mut sums = (0, 0, 0);
    for line in &view.lines {
        let programmes = sql_list(&line.programmes);
        let card_held = count(
            services,
            &format!(
                "SELECT CAST(COALESCE(-SUM(c.amount_won), 0) AS BIGINT) FROM card_entries c JOIN enrolments e ON e.id = c.enrolment_id \
                 WHERE c.kind IN ('hold', 'release') AND e.programme IN {programmes}"
            ),
        )
        .await;
        let card_charged = count(
            services,
            &format!(
                "SELECT CAST(COALESCE(-SUM(c.amount_won), 0) AS BIGINT) FROM card_entries c JOIN enrolments e ON e.id = c.enrolment_id \
                 WHERE c.kind IN ('charge', 'refund') AND e.programme IN {programmes}"
            ),
        )
        .await;
        let payroll = |statuses: &str| {
            format!(
                "SELECT CAST(COALESCE(SUM(l.amount_won), 0) AS BIGINT) FROM payroll_lines l JOIN payroll_runs r ON r.id = l.run_id \
                 WHERE r.status IN {statuses} AND l.programme IN {programmes}"
            )
        };
        let pending = count(services, &payroll("('draft', 'approved')")).await;
        let exported = count(services, &payroll("('exported')")).await;
        let sme = count(
            services,
            &format!(
                "SELECT CAST(COALESCE(SUM(l.government_won), 0) AS BIGINT) FROM sme_plan_enrolments pe \
                 JOIN sme_prescription_lines l ON l.prescription_id = pe.prescription_id AND l.line_no = pe.line_no \
                 JOIN sme_prescription_acceptances a ON a.prescription_id = pe.prescription_id \
                 JOIN enrolments e ON e.id = pe.enrolment_id \
                 WHERE l.programme_id IN {programmes} AND e.status NOT IN ('refused', 'withdrawn', 'cancelled')"
            ),
        )
        .await;
        let e = &line.execution;
        assert_eq!(e.committed_won, card_held + pending + sme, "{} committed", line.id);
        if line.id == "sme-ai-basic-convergence" {
            assert!(sme > 0, "the accepted plan's government share is committed");
        }
        // The course review has no ledger in aiup: its imported spending is what was paid.
        let imported = if line.id == "ai-course-review" {
            1_200_000_000
        } else {
            0
        };
        assert_eq!(line.imported.as_ref().map_or(0, |f| f.value), imported, "{}", line.id);
        assert_eq!(e.paid_won, card_charged + exported + imported, "{} paid", line.id);
        let expected_to_come: i64 = line.programmes.iter().filter_map(|p| to_come.get(p)).sum();
        assert_eq!(
            e.allowance_to_come_won, expected_to_come,
            "{} allowance to come",
            line.id
        );
        assert_eq!(e.forecast_won, e.paid_won + e.committed_won + e.allowance_to_come_won);
        let budget = policy.budget_lines.iter().find(|b| b.id == line.id).expect("line");
        assert_eq!(line.budget_won, budget.amount_won.0);
        let expected_flag = if !line.has_ledger && line.imported.is_none() {
            BudgetFlag::NoLedger
        } else if e.forecast_won > line.budget_won {
            BudgetFlag::Over
        } else if e.forecast_won * 10 < line.budget_won * 8 {
            BudgetFlag::Under
        } else {
            BudgetFlag::OnTrack
        };
        assert_eq!(line.flag, expected_flag, "{}", line.id);
        sums.0 += e.paid_won;
        sums.1 += e.committed_won;
        sums.2 += e.forecast_won;
    }
    let t = &view.totals.execution;
    assert_eq!((t.paid_won, t.committed_won, t.forecast_won), sums);
    // The population pays: card charges and the exported May run.
    assert!(t.paid_won > 0 && t.committed_won > 0, "{t:?}");
    let exported = count(
        services,
        "SELECT CAST(COALESCE(SUM(l.amount_won), 0) AS BIGINT) FROM payroll_lines l JOIN payroll_runs r ON r.id = l.run_id \
         WHERE r.status = 'exported'",
    )
    .await;
    assert!(exported > 0, "May's run paid something");
    // Lines without a ledger in aiup: the infrastructure whose programmes pay no trainee (the
    // joint training centres run courses, so they have one), unless spending was imported.
    let no_ledger: Vec<&str> = view
        .lines
        .iter()
        .filter(|l| l.flag == BudgetFlag::NoLedger)
        .map(|l| l.id.as_str())
        .collect();
    assert_eq!(
        no_ledger,
        ["physical-ai-labs", "instructor-training", "digital-twin-training"]
    );
    let review = view
        .lines
        .iter()
        .find(|l| l.id == "ai-course-review")
        .expect("course review");
    // ₩1.2 bn of ₩4.9 bn: far under.
    assert_eq!((review.has_ledger, review.flag), (false, BudgetFlag::Under));
}

async fn scoped_administrators_see_only_their_programmes(app: &TestApp) {
    let services = &app.state.app;
    let scoped = account(services, "dash-scoped", Role::ProgrammeAdmin, Some("kdt-ai-campus")).await;
    let targets = aiup_app::dashboard::targets::targets(services, &scoped)
        .await
        .expect("targets");
    assert_eq!(
        targets.plan_lines.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(),
        ["entry-youth"]
    );
    assert!(targets.programmes.iter().all(|p| p.id == "kdt-ai-campus"));
    let budget = aiup_app::dashboard::budget::budget(services, &scoped)
        .await
        .expect("budget");
    assert_eq!(
        budget.lines.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(),
        ["kdt-ai-campus"]
    );
    // Someone without the permission is refused.
    let staff = account(services, "dash-staff", Role::Trainee, None).await;
    let refused = aiup_app::dashboard::targets::targets(services, &staff)
        .await
        .expect_err("refused");
    assert_eq!(refused.code, aiup_app::Code::Forbidden);
}

/// The prewarmer computes a scoped administrator's figures too: after it, their boards are
/// cache hits, and a second prewarm at once computes nothing (every figure is fresh).
async fn prewarm_covers_scoped_administrators(app: &TestApp) {
    let services = &app.state.app;
    let scoped = account(
        services,
        "dash-prewarmed",
        Role::ProgrammeAdmin,
        Some("kdt-ai-campus,kdt-general"),
    )
    .await;
    services.dashboards().clear();
    aiup_app::dashboard::prewarm(services).await.expect("prewarm");
    let computed = services.dashboards().computations();
    assert!(computed.ahead > 0, "the prewarm computed figures");
    aiup_app::dashboard::overview::overview(services, &scoped)
        .await
        .expect("overview");
    aiup_app::dashboard::targets::targets(services, &scoped)
        .await
        .expect("targets");
    aiup_app::dashboard::budget::budget(services, &scoped)
        .await
        .expect("budget");
    let detail = aiup_app::dashboard::budget::budget_line(services, &scoped, "kdt-ai-campus")
        .await
        .expect("a budget line's detail");
    assert_eq!(
        services.dashboards().computations(),
        computed,
        "a scoped administrator's boards come from the prewarmed figures"
    );
    // The line's months are its programme's alone, and add up to what the line has paid.
    assert!(!detail.months.is_empty());
    assert!(detail.months.iter().all(|m| m.programme == "kdt-ai-campus"));
    let paid_by_month: i64 = detail
        .months
        .iter()
        .map(|m| m.card_charged_won + m.payroll_exported_won)
        .sum();
    assert_eq!(paid_by_month, detail.line.execution.paid_won);
    aiup_app::dashboard::prewarm(services).await.expect("prewarm again");
    assert_eq!(services.dashboards().computations(), computed, "nothing was due");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn targets_and_budget_figures_equal_independent_counts_on_sqlite() {
    let app = spawn_app().await;
    load(&app).await;
    targets_figures_hold(&app).await;
    budget_figures_hold(&app).await;
    scoped_administrators_see_only_their_programmes(&app).await;
    prewarm_covers_scoped_administrators(&app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn targets_and_budget_figures_equal_independent_counts_on_postgres() {
    let Some(pg) = aiup_store::testing::postgres_test_url().await else {
        return;
    };
    let db = aiup_store::connect(pg.url()).await.expect("connect");
    let app = spawn_app_on(db).await;
    load(&app).await;
    targets_figures_hold(&app).await;
    budget_figures_hold(&app).await;
    scoped_administrators_see_only_their_programmes(&app).await;
    prewarm_covers_scoped_administrators(&app).await;
}
