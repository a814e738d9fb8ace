//! Reform simulation at population scale, on SQLite and PostgreSQL: the basis holds what the
//! payroll pays (its baseline allowance is the payroll run's total), a draft's comparison equals
//! an independent one-by-one engine run figure for figure, every breakdown adds up to the total,
//! two stored policy versions compare on the same trainees, an auditor reads but cannot draft
//! (service and page), bad overrides are named by field and nothing is written, and the
//! comparison's tables download as CSV and as XLSX that reads back.

use std::sync::Arc;

use aiup_app::accounts::Role;
use aiup_app::reform::{DraftError, DraftInput, OverrideInput, GAIN_BANDS_WON};
use aiup_app::{App, Code};
use aiup_core::bundle::Bundle;
use aiup_core::policy::PolicySource;
use aiup_rules::reform::{compare_one_by_one, unpack_periods, CaseInputs, GroupTotals, ReformPopulation};
use aiup_rules::Engine;

use crate::payroll::{d, golden_days, journey_golden, postgres_world, record_golden_for, sqlite_world, World};
use crate::testkit::{create_account, request, sign_in};

fn row(param: &str, from: &str, value: &str) -> OverrideInput {
    OverrideInput {
        param: param.to_owned(),
        from: from.to_owned(),
        value: value.to_owned(),
    }
}

/// The population as stored, read back independently of the service's reader.
async fn stored_population(app: &App) -> ReformPopulation {
    let (_, rows) = app.db().reforms().basis().await.expect("basis").expect("a basis");
    let mut pop = ReformPopulation::new();
    for r in rows {
        let periods = unpack_periods(&r.periods).expect("whole periods");
        let inputs = CaseInputs {
            programme: r.programme,
            region: r.region,
            province: r.province,
            start: r.start_date,
            end: r.end_date,
            total_hours_tenths: u32::try_from(r.total_hours_tenths).expect("hours"),
            hours_per_day_tenths: u32::try_from(r.hours_per_day_tenths).expect("hours"),
            delivery: r.delivery,
            fee_won: r.fee_won,
            unit_price_won: r.unit_price_won,
            ai_course: r.ai_course,
            self_payment_rate_bp: r.self_payment_rate_bp.map(|bp| u32::try_from(bp).expect("bp")),
            provision: r.provision,
            status: r.status,
            employer_size: r.employer_size,
            exempt_group: r.exempt_group,
            vulnerable_group: r.vulnerable_group,
            sandaetuk_repeat: r.sandaetuk_repeat,
        };
        pop.push(inputs, &periods);
    }
    pop
}

fn sum(groups: &std::collections::BTreeMap<String, GroupTotals>) -> GroupTotals {
    let mut out = GroupTotals::default();
    for g in groups.values() {
        out.people += g.people;
        out.baseline.add(&g.baseline);
        out.reform.add(&g.reform);
    }
    out.difference = out.reform.difference(&out.baseline);
    out
}

/// The embedded bundle with the 2026 priority base allowance at ₩11,000 a day instead of ₩10,000.
fn raised_bundle() -> Bundle {
    let files: Vec<PolicySource> = Bundle::embedded()
        .files()
        .iter()
        .map(|f| {
            let mut f = f.clone();
            if f.path.ends_with("allowance.toml") {
                let at = f
                    .content
                    .find("allowance.base.priority.daily_won")
                    .expect("the parameter");
                let (head, tail) = f.content.split_at(at);
                f.content = format!("{head}{}", tail.replacen("value = 10000", "value = 11000", 1));
            }
            f
        })
        .collect();
    Bundle::new(files).expect("bundle")
}

async fn reform_figures(world: World) {
    let app = world.services();
    let days = golden_days(&journey_golden());
    let ids: Vec<i64> = world.trainees.iter().map(|(_, id)| *id).collect();
    // Two trainees attend the whole golden course, one only to the end of May (later periods
    // fall short), and one has no attendance at all (not in the basis).
    record_golden_for(&world, &ids[..2], &days, d("2026-04-01"), d("2026-07-31")).await;
    record_golden_for(&world, &ids[2..3], &days, d("2026-04-01"), d("2026-05-31")).await;

    // Before the first refresh there is no basis.
    assert_eq!(app.basis_meta(&world.auditor).await.expect("meta"), None);

    // An auditor may not refresh the basis nor draft; the service refuses.
    let refused = app.refresh_basis(&world.auditor).await.expect_err("auditor refresh");
    assert_eq!(refused.code, Code::Forbidden);
    let input = DraftInput {
        name: "priority-raise".into(),
        description: "KDT 장려금 일액 인상 / raise the priority allowance".into(),
        overrides: vec![
            row("allowance.base.priority.daily_won", "2026-01-01", "12000"),
            row("allowance.attendance_threshold", "", "90%"),
        ],
    };
    match app.draft_reform(&world.auditor, &input).await {
        Err(DraftError::App(e)) => assert_eq!(e.code, Code::Forbidden),
        other => panic!("an auditor drafted: {other:?}"),
    }

    let refreshed = app.refresh_basis(&world.runner).await.expect("basis");
    assert_eq!((refreshed.meta.enrolments, refreshed.meta.periods), (3, 9));
    assert_eq!(refreshed.meta.policy_version, app.engine().policy().version);

    // Bad overrides: each named by its field, in Korean and English, and nothing written.
    let bad = DraftInput {
        name: "bad name!".into(),
        description: String::new(),
        overrides: vec![
            row("allowance.no_such_parameter", "", "1"),
            row("allowance.base.priority.daily_won", "", "lots"),
            row("allowance.base.general.daily_won", "2026-13-01", "7000"),
        ],
    };
    let errors = match app.draft_reform(&world.runner, &bad).await {
        Err(DraftError::Invalid(errors)) => errors,
        other => panic!("a bad draft was taken: {other:?}"),
    };
    let fields: Vec<&str> = errors.iter().filter_map(|e| e.field.as_deref()).collect();
    assert_eq!(
        fields,
        vec!["name", "overrides[0].param", "overrides[1].value", "overrides[2].from"]
    );
    for e in &errors {
        assert_eq!(e.code, Code::InvalidReform);
        assert!(e.message_ko.as_deref().is_some_and(|ko| ko != e.message), "{e:?}");
    }
    assert!(errors[2].message.contains("integer amount in won"), "{:?}", errors[2]);
    assert!(app.reform_drafts(&world.auditor).await.expect("drafts").is_empty());

    let draft = app.draft_reform(&world.runner, &input).await.expect("draft");
    assert_eq!((draft.name.as_str(), draft.version), ("priority-raise", 1));
    let again = app.draft_reform(&world.runner, &input).await.expect("second version");
    assert_eq!(again.version, 2);

    // The auditor reads the comparison.
    let compared = app.compare_draft(&world.auditor, draft.id).await.expect("compare");
    let c = &compared.comparison;
    assert_eq!(
        (c.enrolments, c.periods, c.unpriced_baseline, c.unpriced_reform),
        (3, 9, 0, 0)
    );
    assert_eq!(compared.basis, refreshed.meta);

    // Independently: the one-by-one engine run on the stored population gives every figure.
    let baseline = app.engine();
    let reform = baseline
        .reformed(&aiup_rules::reform::Reform {
            name: draft.name.clone(),
            overrides: serde_json::from_str(&draft.overrides).expect("overrides"),
        })
        .expect("reform engine");
    let population = stored_population(app).await;
    assert_eq!(c, &compare_one_by_one(&baseline, &reform, &population, &GAIN_BANDS_WON));
    // The raise pays the two full attenders more; the stricter threshold costs the third.
    assert!(c.total.difference.allowance_won != 0);
    assert!(c.gains.gainers >= 2, "{:?}", c.gains);
    for groups in [&c.by_programme, &c.by_tier, &c.by_province] {
        assert_eq!(sum(groups), c.total);
    }
    assert_eq!(c.by_programme.keys().collect::<Vec<_>>(), vec!["kdt-general"]);
    assert_eq!(c.by_province.keys().collect::<Vec<_>>(), vec!["26"]);

    // The baseline allowance is what the payroll pays for the same periods.
    let run = app
        .run_payroll(&world.runner, "2026-07", &|_, _| {})
        .await
        .expect("payroll");
    assert_eq!(run.run.total_won, c.total.baseline.allowance_won);

    // Two stored policy versions on the same trainees.
    let versions = app.db().policy().versions().await.expect("versions");
    let original = versions.iter().find(|v| v.active).expect("active").version.clone();
    let raised = raised_bundle();
    let (_, loaded) = aiup_app::policy::import_bundle(app.db(), &raised, "test", "priority raise")
        .await
        .expect("import");
    let raised_version = loaded.version.clone();
    aiup_app::policy::activate(app.db(), &original, "test")
        .await
        .expect("re-activate");
    let by_versions = app
        .compare_versions(&world.auditor, &original, &raised_version)
        .await
        .expect("versions");
    let v = &by_versions.comparison;
    let raised_engine = Engine::new(Arc::new(loaded.policy), baseline.regions_arc()).expect("engine");
    assert_eq!(
        v,
        &compare_one_by_one(&baseline, &raised_engine, &population, &GAIN_BANDS_WON)
    );
    assert!(v.total.difference.allowance_won > 0);
    assert_eq!(v.total.difference.tuition_support_won, 0);
    let unknown = app
        .compare_versions(&world.auditor, &original, "no-such-version")
        .await
        .expect_err("unknown version");
    assert_eq!(unknown.field.as_deref(), Some("b"));

    // Pages: the auditor sees the list and the comparison but no form, and cannot post one.
    create_account(&world.app, Role::Auditor, None).await;
    create_account(&world.app, Role::ProgrammeAdmin, None).await;
    let auditor = sign_in(&world.app, Role::Auditor).await;
    let base = &world.app.base_url;
    let cookie = |b: &crate::testkit::Browser| Some(format!("aiup_session={}", b.cookie));
    let list = request("GET", format!("{base}/admin/reforms"), cookie(&auditor), None, None).await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("priority-raise") && !list.body.contains("id=\"draft-form\""));
    let posted = request(
        "POST",
        format!("{base}/admin/reforms"),
        cookie(&auditor),
        None,
        Some(vec![
            ("csrf".into(), auditor.csrf.clone()),
            ("name".into(), "sneaky".into()),
            ("param0".into(), "allowance.base.general.daily_won".into()),
            ("value0".into(), "9000".into()),
        ]),
    )
    .await;
    assert_eq!(posted.status, 403);
    let page = request(
        "GET",
        format!("{base}/admin/reforms/{}?lang=en", draft.id),
        cookie(&auditor),
        None,
        None,
    )
    .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Population as of") && page.body.contains("role=\"img\""));

    // The programme administrator's bad draft comes back with its errors beside the fields.
    let admin = sign_in(&world.app, Role::ProgrammeAdmin).await;
    let bad_post = request(
        "POST",
        format!("{base}/admin/reforms"),
        cookie(&admin),
        None,
        Some(vec![
            ("csrf".into(), admin.csrf.clone()),
            ("name".into(), "ok-name".into()),
            ("param0".into(), "allowance.base.general.daily_won".into()),
            ("value0".into(), "many".into()),
        ]),
    )
    .await;
    assert_eq!(bad_post.status, 422);
    assert!(bad_post.body.contains("id=\"value0-error\""), "{}", bad_post.body);

    // Downloads: CSV holds the totals; XLSX reads back with the same numbers.
    let csv = request(
        "GET",
        format!("{base}/admin/reforms/{}?format=csv&table=totals&lang=en", draft.id),
        cookie(&auditor),
        None,
        None,
    )
    .await;
    assert_eq!(csv.status, 200);
    let allowance_line = csv.body.lines().nth(1).expect("allowance row");
    assert_eq!(
        allowance_line,
        format!(
            "훈련장려금 / Allowance,{},{},{}",
            c.total.baseline.allowance_won, c.total.reform.allowance_won, c.total.difference.allowance_won
        )
    );
    let (_, xlsx) = download(
        format!("{base}/admin/reforms/{}?format=xlsx&table=gains", draft.id),
        cookie(&auditor).expect("cookie"),
    )
    .await;
    let people = xlsx_column_sum(xlsx, 1);
    assert_eq!(people, 2.0 * 3.0, "bands and the footer each count the 3 trainees");
}

/// A file downloaded with a session cookie (`Cookie` header value): its content type and bytes.
pub(crate) async fn download(url: String, cookie: String) -> (String, Vec<u8>) {
    tokio::task::spawn_blocking(move || {
        let response = ureq::get(&url).set("Cookie", &cookie).call().expect("download");
        let kind = response.header("content-type").unwrap_or_default().to_owned();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut response.into_reader(), &mut bytes).expect("body");
        (kind, bytes)
    })
    .await
    .expect("task")
}

/// The sum of a column's numbers in the first sheet (rows below the caption and headers).
fn xlsx_column_sum(bytes: Vec<u8>, column: usize) -> f64 {
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("xlsx");
    let sheet = book.worksheet_range_at(0).expect("a sheet").expect("range");
    sheet
        .rows()
        .skip(2)
        .filter_map(|r| match r.get(column) {
            Some(Data::Float(f)) => Some(*f),
            Some(Data::Int(i)) => Some(*i as f64),
            _ => None,
        })
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reform_population_on_sqlite() {
    reform_figures(sqlite_world(4).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reform_population_on_postgres() {
    let Some(world) = postgres_world(4).await else {
        return;
    };
    reform_figures(world).await;
}

/// `aiup reform` as a user runs it: the basis only by a programme administrator, a comparison
/// only on a basis, a reform file's bad parameter named, two versions by name.
#[test]
fn the_reform_cli_refreshes_the_basis_and_compares_files_and_versions() {
    use crate::cli::{aiup, stdout};
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path();
    assert!(aiup(data, &["migrate"], None).status.success());
    for (login, role) in [("padmin", "programme_admin"), ("audit1", "auditor")] {
        let added = aiup(
            data,
            &["users", "add", "--login", login, "--role", role, "--generate-password"],
            None,
        );
        assert!(added.status.success(), "{}", stdout(&added));
    }
    let raise = data.join("raise.json");
    std::fs::write(
        &raise,
        r#"{"name":"raise","overrides":[{"param":"allowance.base.general.daily_won","value":7000}]}"#,
    )
    .expect("reform file");
    let raise = raise.to_string_lossy().into_owned();
    let compare = |actor: &str, file: &str| aiup(data, &["reform", "compare", "--file", file, "--actor", actor], None);

    let before = compare("audit1", &raise);
    assert!(!before.status.success());
    assert!(stdout(&before).contains("\"conflict\""), "{}", stdout(&before));
    let refused = aiup(data, &["reform", "basis", "--actor", "audit1"], None);
    assert!(!refused.status.success());
    assert!(stdout(&refused).contains("\"forbidden\""), "{}", stdout(&refused));
    let basis = aiup(data, &["reform", "basis", "--actor", "padmin"], None);
    assert!(basis.status.success(), "{}", stdout(&basis));
    assert!(stdout(&basis).starts_with("reform basis: 0 enrolments, 0 periods"));

    let compared = compare("audit1", &raise);
    assert!(compared.status.success(), "{}", stdout(&compared));
    let json: serde_json::Value = serde_json::from_str(&stdout(&compared)).expect("JSON");
    assert_eq!(json["reform"], "raise");
    assert_eq!(json["population"]["enrolments"], 0);
    assert_eq!(json["totals"]["difference"]["allowance_won"], 0);

    // The example the docs point to is a valid reform file.
    let example = compare(
        "audit1",
        &crate::cli::repo("examples/reform-raise-daily-allowance.json"),
    );
    assert!(example.status.success(), "{}", stdout(&example));
    let json: serde_json::Value = serde_json::from_str(&stdout(&example)).expect("JSON");
    assert_eq!(json["reform"], "raise-daily-allowance");

    let bad = data.join("bad.json");
    std::fs::write(
        &bad,
        r#"{"name":"bad","overrides":[{"param":"allowance.nope","value":1}]}"#,
    )
    .expect("file");
    let bad = compare("audit1", &bad.to_string_lossy());
    assert!(!bad.status.success());
    assert!(stdout(&bad).contains("invalid_reform") && stdout(&bad).contains("allowance.nope"));

    let versions = stdout(&aiup(data, &["policy", "versions"], None));
    let active = versions
        .lines()
        .find_map(|l| l.strip_prefix("* "))
        .and_then(|l| l.split_whitespace().next())
        .expect("the active version")
        .to_owned();
    let same = aiup(
        data,
        &["reform", "compare", "--versions", &active, &active, "--actor", "audit1"],
        None,
    );
    assert!(same.status.success(), "{}", stdout(&same));
    let unknown = aiup(
        data,
        &[
            "reform",
            "compare",
            "--versions",
            &active,
            "no-such",
            "--actor",
            "audit1",
        ],
        None,
    );
    assert!(!unknown.status.success());
    assert!(stdout(&unknown).contains("\"field\":\"b\""), "{}", stdout(&unknown));
}
