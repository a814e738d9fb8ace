//! The `aiup` binary as a user runs it: exit codes, stdin, and that a bad
//! policy import changes nothing stored.

use serde_json::{json, Value};
use std::io::Write;
use std::process::{Command, Output, Stdio};

pub fn aiup(data: &std::path::Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_aiup"))
        .args(args)
        .env("AIUP_DATA_DIR", data)
        .env_remove("AIUP_DATABASE_URL")
        .env("AIUP_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run aiup");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("aiup output")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn repo(path: &str) -> String {
    format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn estimate_reads_a_file_or_stdin_and_writes_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = aiup(
        dir.path(),
        &["estimate", "--case", &repo("examples/kdt-ai-campus-haenam.json")],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let answer: Value = serde_json::from_str(&stdout(&out)).expect("JSON out");
    assert_eq!(answer["totals"]["allowance_won"], 800_000);
    let case = std::fs::read_to_string(repo("examples/kdt-ai-campus-haenam.json")).unwrap();
    let out = aiup(dir.path(), &["estimate", "--case", "-", "--no-trace"], Some(&case));
    assert!(out.status.success(), "{}", stderr(&out));
    let answer: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(answer["totals"]["allowance_won"], 800_000);
    assert!(answer.get("trace").is_none());
}

#[test]
fn bad_input_exits_2_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut case: Value =
        serde_json::from_str(&std::fs::read_to_string(repo("examples/kdt-ai-campus-haenam.json")).unwrap()).unwrap();
    for (patch, field, code) in [
        (
            json!({ "attendance": { "scheduled_days": 22, "attended_days": 23 } }),
            "attendance.attended_days",
            "attendance_exceeds_schedule",
        ),
        (
            json!({ "course": { "region": "평양직할시 중구" } }),
            "course.region",
            "unknown_region",
        ),
        (
            json!({ "programme": "no-such-programme" }),
            "programme",
            "unknown_programme",
        ),
        (
            json!({ "course": { "end_date": "2026-02-01" } }),
            "course.end_date",
            "end_before_start",
        ),
    ] {
        let bad = crate::golden::merge(&case, &patch);
        let out = aiup(dir.path(), &["estimate", "--case", "-"], Some(&bad.to_string()));
        assert_eq!(out.status.code(), Some(2), "{patch}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(field),
            "stderr must name {field}: {}",
            stderr(&out)
        );
        let error: Value = serde_json::from_str(stdout(&out).trim()).expect("a JSON error on stdout");
        assert_eq!(error["error"]["code"], code);
    }
    case["course"] = json!("not an object");
    let out = aiup(dir.path(), &["estimate", "--case", "-"], Some(&case.to_string()));
    assert_eq!(out.status.code(), Some(2));
    let out = aiup(dir.path(), &["estimate", "--case", "-"], Some("{ not json"));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("malformed_json"));
}

#[test]
fn a_batch_with_a_reform_reports_both_rule_sets() {
    let dir = tempfile::tempdir().unwrap();
    let case: Value =
        serde_json::from_str(&std::fs::read_to_string(repo("examples/kdt-ai-campus-haenam.json")).unwrap()).unwrap();
    let seoul = crate::golden::merge(
        &case,
        &json!({ "course": { "region": "11680" }, "attendance": { "scheduled_days": 22, "attended_days": 22, "late": 0, "early_leave": 0 } }),
    );
    let batch = dir.path().join("batch.jsonl");
    std::fs::write(&batch, format!("{case}\n{seoul}\n")).unwrap();
    let reform = dir.path().join("reform.json");
    std::fs::write(&reform, json!({ "name": "flat-500k", "overrides": [{ "param": "allowance.special.kdt_ai_campus.capital.daily_won", "value": 15000 }, { "param": "allowance.special.kdt_ai_campus.capital.monthly_cap_won", "value": 300000 }] }).to_string()).unwrap();
    let out = aiup(
        dir.path(),
        &[
            "estimate",
            "--batch",
            batch.to_str().unwrap(),
            "--reform",
            reform.to_str().unwrap(),
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[1]["totals"]["allowance_won"], 400_000);
    let summary = &lines[2]["summary"];
    assert_eq!(summary["cases"], 2);
    assert_eq!(summary["totals"]["allowance_won"], 1_200_000);
    assert_eq!(summary["reform"]["difference"]["allowance_won"], 100_000);

    std::fs::write(&batch, format!("{case}\n{{\"programme\": \"nope\"}}\n")).unwrap();
    let out = aiup(dir.path(), &["estimate", "--batch", batch.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("line 2"), "{}", stderr(&out));
    assert!(stdout(&out).is_empty(), "a bad batch computes nothing");
}

#[test]
fn policy_lists_values_with_citations_and_regions_resolve() {
    let dir = tempfile::tempdir().unwrap();
    let out = aiup(dir.path(), &["policy", "--on", "2026-03-01"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("kdt-ai-campus")
            && text.contains("allowance.base.general.daily_won")
            && text.contains("제2026-101호")
    );
    assert!(text.contains("₩5,800"));
    let out = aiup(dir.path(), &["regions", "강원도 평창군"], None);
    assert!(out.status.success());
    assert!(stdout(&out).contains("51760") && stdout(&out).contains("인구감소지역"));
    let out = aiup(dir.path(), &["regions", "중구"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_broken_policy_import_names_the_line_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let versions = |dir: &std::path::Path| stdout(&aiup(dir, &["policy", "versions"], None));
    let before = versions(dir.path());
    assert_eq!(before.lines().count(), 1, "one version after first start: {before}");

    let draft = dir.path().join("draft");
    std::fs::create_dir(&draft).unwrap();
    for entry in std::fs::read_dir(repo("policy")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, draft.join(path.file_name().unwrap())).unwrap();
    }
    let allowance = draft.join("allowance.toml");
    let text =
        std::fs::read_to_string(&allowance)
            .unwrap()
            .replacen("value = 5800,", "value = 5800, colour = \"red\",", 1);
    std::fs::write(&allowance, text).unwrap();
    let out = aiup(dir.path(), &["policy", "import", draft.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("policy/allowance.toml:") && stderr(&out).contains("colour"),
        "{}",
        stderr(&out)
    );
    assert_eq!(versions(dir.path()), before, "a refused import must not add a version");

    // A valid change imports as a new active version, and can be rolled back.
    let fixed =
        std::fs::read_to_string(&allowance)
            .unwrap()
            .replacen("value = 5800, colour = \"red\",", "value = 5800,", 1);
    std::fs::write(&allowance, fixed.replacen("value = 140,", "value = 120,", 1)).unwrap();
    assert_eq!(
        aiup(dir.path(), &["policy", "check", draft.to_str().unwrap()], None)
            .status
            .code(),
        Some(0)
    );
    let out = aiup(
        dir.path(),
        &["policy", "import", draft.to_str().unwrap(), "--note", "test change"],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let after = versions(dir.path());
    assert_eq!(after.lines().count(), 2);
    let old = before.split_whitespace().nth(1).unwrap().to_owned();
    let out = aiup(dir.path(), &["policy", "activate", &old], None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(versions(dir.path())
        .lines()
        .any(|l| l.starts_with('*') && l.contains(&old)));
}

/// Processes that start together on an empty SQLite database used to race on the migrations
/// ("table already exists", "database is locked"); now they take turns, and the embedded
/// policy is imported once.
#[test]
fn parallel_migrations_on_a_fresh_sqlite_file_all_succeed() {
    const PROCESSES: usize = 12;
    let dir = tempfile::tempdir().unwrap();
    let children: Vec<_> = (0..PROCESSES)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_aiup"))
                .arg("migrate")
                .env("AIUP_DATA_DIR", dir.path())
                .env_remove("AIUP_DATABASE_URL")
                .env("AIUP_LOG", "warn")
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("run aiup migrate")
        })
        .collect();
    let failures: Vec<String> = children
        .into_iter()
        .map(|child| child.wait_with_output().expect("aiup output"))
        .filter(|out| !out.status.success())
        .map(|out| stderr(&out))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {PROCESSES} failed: {failures:#?}",
        failures.len()
    );
    let out = aiup(dir.path(), &["policy", "versions"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let versions = stdout(&out);
    assert_eq!(versions.lines().count(), 1, "one version, imported once: {versions}");
    assert!(versions.starts_with('*'), "and active: {versions}");
}
