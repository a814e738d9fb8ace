//! The outcomes from the command line (`aiup outcomes import|grant-check`, `aiup generate
//! outcomes`) as a user runs them, and the startup-hiring grant rule on its golden cases.

use std::collections::BTreeMap;

use crate::outcomes::{employment_csv, FIRM_A, KEY};
use aiup_app::outcomes::grant;
use aiup_people::startup_grant::{self, Applicant, Hire};
use chrono::NaiveDate;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct GoldenHire {
    person: String,
    acquired_on: NaiveDate,
    lost_on: Option<NaiveDate>,
    completions: Vec<NaiveDate>,
}

#[derive(Debug, Deserialize)]
struct GoldenExpect {
    eligible: bool,
    met: BTreeMap<String, bool>,
    counted: usize,
}

#[derive(Debug, Deserialize)]
struct GoldenCase {
    name: String,
    cite: String,
    applied_on: NaiveDate,
    opened_on: Option<NaiveDate>,
    firms_granted: u32,
    hires: Vec<GoldenHire>,
    expect: GoldenExpect,
}

#[derive(Debug, Deserialize)]
struct GoldenFile {
    source: String,
    cases: Vec<GoldenCase>,
}

#[test]
fn startup_grant_golden_cases() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/golden/outcomes/startup-grant.json"
    );
    let file: GoldenFile = serde_json::from_str(&std::fs::read_to_string(path).expect("golden")).expect("json");
    assert!(file.source.contains("seed:002 IV-①"));
    let policy = aiup_core::policy::PolicySet::load(&aiup_core::defaults::policy_sources()).expect("policy");
    assert!(file.cases.len() >= 10);
    for case in &file.cases {
        assert!(!case.cite.is_empty(), "{}: every case cites its rule", case.name);
        let params = grant::params_on(&policy, case.applied_on).expect("params");
        let hires: Vec<Hire> = case
            .hires
            .iter()
            .map(|h| Hire {
                person_hash: h.person.clone(),
                acquired_on: h.acquired_on,
                lost_on: h.lost_on,
                completions: h.completions.clone(),
            })
            .collect();
        let applicant = Applicant {
            applied_on: case.applied_on,
            opened_on: case.opened_on,
            firms_granted: case.firms_granted,
        };
        let answer = startup_grant::check(&applicant, &hires, &params);
        let met: BTreeMap<String, bool> = answer.reasons.iter().map(|r| (r.code.clone(), r.met)).collect();
        assert_eq!(met, case.expect.met, "{}", case.name);
        assert_eq!(answer.eligible, case.expect.eligible, "{}", case.name);
        assert_eq!(
            answer.hires.iter().filter(|h| h.counted).count(),
            case.expect.counted,
            "{}",
            case.name
        );
        assert!(answer
            .reasons
            .iter()
            .all(|r| !r.ko.is_empty() && !r.en.is_empty() && !r.cite.is_empty()));
    }
}

/// `aiup outcomes import|grant-check` as a user runs them.
#[test]
fn the_cli_imports_once_and_checks_a_firm() {
    use crate::cli::{aiup, stderr, stdout};
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path();
    let out = aiup(
        data,
        &[
            "users",
            "add",
            "--login",
            "outcomes-admin",
            "--role",
            "programme_admin",
            "--generate-password",
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let file = data.join("employment.csv");
    std::fs::write(&file, employment_csv()).expect("write");
    let file = file.to_str().expect("path");
    let import = [
        "outcomes",
        "import",
        "--kind",
        "employment",
        "--source",
        "시험 자료",
        "--as-of",
        "2026-12-31",
        file,
        "--actor",
        "outcomes-admin",
    ];
    // Without the identifier key the file is refused with its code, and nothing is stored.
    let out = aiup(data, &import, None);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stdout(&out).contains("no_identifier_key"), "{}", stdout(&out));
    let with_key: Vec<&str> = import.iter().copied().chain(["--identifier-key", KEY]).collect();
    let out = aiup(data, &with_key, None);
    assert!(out.status.success(), "{}", stderr(&out));
    let summary: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("JSON");
    assert_eq!(
        (summary["created"].as_bool(), summary["import"]["rows"].as_i64()),
        (Some(true), Some(6))
    );
    let out = aiup(data, &with_key, None);
    let again: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("JSON");
    assert_eq!(again["created"].as_bool(), Some(false));
    let out = aiup(
        data,
        &[
            "outcomes",
            "grant-check",
            FIRM_A,
            "--on",
            "2026-09-01",
            "--actor",
            "outcomes-admin",
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let check: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("JSON");
    // No registration was imported: not shown to be a startup; three hires, none a graduate's.
    assert_eq!(check["eligibility"]["eligible"].as_bool(), Some(false));
    assert_eq!(check["eligibility"]["reasons"][0]["code"].as_str(), Some("startup_age"));
    assert_eq!(check["eligibility"]["hires"].as_array().map(Vec::len), Some(3));
    let out = aiup(
        data,
        &[
            "outcomes",
            "grant-check",
            "1234567890",
            "--on",
            "2026-09-01",
            "--actor",
            "outcomes-admin",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).contains("invalid_business_number"), "{}", stdout(&out));
}

/// `aiup generate outcomes` over a generated population: the files import, and their people
/// are the population's graduates (matched, none unmatched).
#[test]
fn generated_outcomes_match_the_generated_graduates() {
    use crate::cli::{aiup, stderr, stdout};
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path();
    let out = aiup(
        data,
        &[
            "generate",
            "population",
            "--trainees",
            "300",
            "--today",
            "2026-12-01",
            "--no-attendance",
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let files = data.join("outcomes");
    let files_arg = files.to_str().expect("path");
    let generate = [
        "generate",
        "outcomes",
        "--seed",
        "7",
        "--out-dir",
        files_arg,
        "--identifier-key",
        KEY,
    ];
    let out = aiup(data, &generate, None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("given a synthetic identifier"),
        "{}",
        stdout(&out)
    );
    let employment = std::fs::read_to_string(files.join("employment.csv")).expect("employment");
    assert!(employment.lines().count() > 1, "some graduates were hired");
    assert!(employment.lines().skip(1).all(|l| l.starts_with("SYN-")));
    // The same seed gives the same files; nobody is linked twice.
    let out = aiup(data, &generate, None);
    assert!(
        stdout(&out).contains("(0 given a synthetic identifier)"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        std::fs::read_to_string(files.join("employment.csv")).expect("again"),
        employment
    );
    let out = aiup(
        data,
        &[
            "users",
            "add",
            "--login",
            "gen-admin",
            "--role",
            "programme_admin",
            "--generate-password",
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    for kind in ["employment", "startups"] {
        let file = files.join(format!("{kind}.csv"));
        let out = aiup(
            data,
            &[
                "outcomes",
                "import",
                "--kind",
                kind,
                "--source",
                "generated: seed 7",
                "--as-of",
                "2026-12-01",
                file.to_str().expect("path"),
                "--identifier-key",
                KEY,
                "--actor",
                "gen-admin",
            ],
            None,
        );
        assert!(out.status.success(), "{kind}: {}", stderr(&out));
    }
    let url = format!("sqlite://{}", data.join("aiup.sqlite3").display());
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (stored, graduates) = runtime.block_on(async {
        let db = aiup_store::connect(&url).await.expect("open");
        let stored = db.outcomes().employment(None).await.expect("employment");
        let graduates = db.outcomes().graduates(None).await.expect("graduates");
        (stored, graduates)
    });
    assert_eq!(stored.len(), employment.lines().count() - 1);
    assert!(
        stored.iter().all(|e| e.person_id.is_some()),
        "every generated record matches its graduate"
    );
    assert!(stored
        .iter()
        .all(|e| graduates.iter().any(|g| Some(g.person_id) == e.person_id)));
}
