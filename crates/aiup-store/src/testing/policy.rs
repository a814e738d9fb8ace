//! Conformance checks of the policy aggregate.

use std::sync::Arc;

use super::{assert_event, audit_mark, events_after, fake_sha};
use crate::{
    Database, ImportOutcome, NewPolicyVersion, PolicyFileRecord, PolicyVersionSummary, StoreError,
    ACTION_POLICY_ACTIVATE, ACTION_POLICY_IMPORT,
};

pub(super) const CHECKS: &[&str] = &[
    "policy_absent_before_first_import",
    "policy_import_activates_newest_version",
    "policy_reimport_of_known_content_is_unchanged_and_reactivates",
    "policy_activate_switches_between_versions",
    "policy_files_of_any_stored_version_without_activating_it",
    "policy_activate_unknown_version_is_not_found",
    "policy_version_name_reused_for_other_content_conflicts",
    "policy_files_round_trip_byte_exactly",
    "policy_concurrent_imports_of_same_content_create_one_version",
];

pub(super) async fn run(db: &Database) {
    check!(db, policy_absent_before_first_import);
    check!(db, policy_import_activates_newest_version);
    check!(db, policy_reimport_of_known_content_is_unchanged_and_reactivates);
    check!(db, policy_activate_switches_between_versions);
    check!(db, policy_files_of_any_stored_version_without_activating_it);
    check!(db, policy_activate_unknown_version_is_not_found);
    check!(db, policy_version_name_reused_for_other_content_conflicts);
    check!(db, policy_files_round_trip_byte_exactly);
    check!(db, policy_concurrent_imports_of_same_content_create_one_version);
}

fn policy(version: &str, files: &[(&str, &str)], actor: &str) -> NewPolicyVersion {
    NewPolicyVersion {
        version: version.to_owned(),
        sha256: fake_sha(&format!("policy-{version}")),
        files: files
            .iter()
            .map(|(p, c)| PolicyFileRecord {
                path: (*p).to_owned(),
                content: (*c).to_owned(),
            })
            .collect(),
        actor: actor.to_owned(),
        note: format!("{version} 정책 반영"),
    }
}

fn policy_v1() -> NewPolicyVersion {
    policy(
        "2025.1",
        &[
            ("rules/base.toml", "rate = 0.8\n"),
            ("regions.toml", "capital = [\"11\", \"41\"]\n"),
        ],
        "ops:choi",
    )
}

fn policy_v2() -> NewPolicyVersion {
    policy(
        "2025.2",
        &[
            ("rules/base.toml", "rate = 0.9\n"),
            ("regions.toml", "capital = [\"11\", \"28\", \"41\"]\n"),
            ("rules/declining.toml", "bonus = 0.1\n"),
        ],
        "ops:jung",
    )
}

async fn active_version(db: &Database) -> Option<String> {
    db.policy()
        .active()
        .await
        .expect("active policy")
        .map(|(summary, _)| summary.version)
}

#[track_caller]
fn assert_one_active(versions: &[PolicyVersionSummary], expected: &str) {
    let active: Vec<&str> = versions
        .iter()
        .filter(|v| v.active)
        .map(|v| v.version.as_str())
        .collect();
    assert_eq!(active, vec![expected], "exactly one active version expected");
}

async fn policy_absent_before_first_import(db: &Database) {
    assert!(db.policy().active().await.expect("active policy").is_none());
    assert!(db.policy().versions().await.expect("policy versions").is_empty());
}

async fn policy_import_activates_newest_version(db: &Database) {
    let mark = audit_mark(db).await;
    let v1 = policy_v1();
    assert_eq!(
        db.policy().import(&v1).await.expect("import v1"),
        ImportOutcome::Imported
    );
    let (summary, files) = db.policy().active().await.expect("active policy").expect("v1 active");
    assert_eq!(summary.version, v1.version);
    assert_eq!(summary.sha256, v1.sha256);
    assert_eq!(summary.actor, v1.actor);
    assert_eq!(summary.note, v1.note);
    assert!(summary.active);
    assert_eq!(summary.file_count, 2);
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, vec!["regions.toml", "rules/base.toml"], "files ordered by path");

    let v2 = policy_v2();
    assert_eq!(
        db.policy().import(&v2).await.expect("import v2"),
        ImportOutcome::Imported
    );
    assert_eq!(active_version(db).await.as_deref(), Some("2025.2"));
    let versions = db.policy().versions().await.expect("policy versions");
    let names: Vec<(&str, bool, i64)> = versions
        .iter()
        .map(|v| (v.version.as_str(), v.active, v.file_count))
        .collect();
    assert_eq!(names, vec![("2025.2", true, 3), ("2025.1", false, 2)], "newest first");
    assert!(versions[0].imported_at >= versions[1].imported_at);

    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert_event(&events[0], ACTION_POLICY_IMPORT, "ops:choi", "2025.1");
    assert_event(&events[1], ACTION_POLICY_IMPORT, "ops:jung", "2025.2");
    assert_eq!(events[1].detail["sha256"], serde_json::json!(v2.sha256));
}

async fn policy_reimport_of_known_content_is_unchanged_and_reactivates(db: &Database) {
    let mark = audit_mark(db).await;
    assert_eq!(
        db.policy().import(&policy_v1()).await.expect("re-import v1"),
        ImportOutcome::Unchanged
    );
    assert_eq!(active_version(db).await.as_deref(), Some("2025.1"));
    let versions = db.policy().versions().await.expect("policy versions");
    assert_eq!(versions.len(), 2, "no new version for known content");
    assert_one_active(&versions, "2025.1");
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_event(&events[0], ACTION_POLICY_ACTIVATE, "ops:choi", "2025.1");

    // Known content that is already active: Unchanged, nothing written.
    let mark = audit_mark(db).await;
    assert_eq!(
        db.policy().import(&policy_v1()).await.expect("re-import active v1"),
        ImportOutcome::Unchanged
    );
    assert!(events_after(db, mark).await.is_empty());
}

async fn policy_activate_switches_between_versions(db: &Database) {
    let mark = audit_mark(db).await;
    db.policy()
        .activate("2025.2", "ops:han")
        .await
        .expect("activate 2025.2");
    assert_eq!(active_version(db).await.as_deref(), Some("2025.2"));
    assert_one_active(&db.policy().versions().await.expect("versions"), "2025.2");
    db.policy()
        .activate("2025.1", "ops:han")
        .await
        .expect("roll back to 2025.1");
    let (summary, files) = db.policy().active().await.expect("active policy").expect("active");
    assert_eq!(summary.version, "2025.1");
    let mut want = policy_v1().files;
    want.sort_by(|a, b| a.path.cmp(&b.path));
    assert_eq!(files, want, "rollback must serve the old version's files");
    assert_one_active(&db.policy().versions().await.expect("versions"), "2025.1");
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert_event(&events[0], ACTION_POLICY_ACTIVATE, "ops:han", "2025.2");
    assert_event(&events[1], ACTION_POLICY_ACTIVATE, "ops:han", "2025.1");
    assert_eq!(events[1].detail["before"]["active"], "2025.2", "{events:?}");
    assert_eq!(events[1].detail["after"]["active"], "2025.1", "{events:?}");
}

async fn policy_files_of_any_stored_version_without_activating_it(db: &Database) {
    let mark = audit_mark(db).await;
    // 2025.1 is active after the rollback; 2025.2 is stored but not active.
    let files = db.policy().files_of("2025.2").await.expect("read").expect("stored");
    let mut want = policy_v2().files;
    want.sort_by(|a, b| a.path.cmp(&b.path));
    assert_eq!(files, want, "the version's own files, ordered by path");
    assert_eq!(
        active_version(db).await.as_deref(),
        Some("2025.1"),
        "reading activates nothing"
    );
    assert_eq!(db.policy().files_of("no-such-version").await.expect("read"), None);
    assert!(events_after(db, mark).await.is_empty(), "a read writes no audit event");
}

async fn policy_activate_unknown_version_is_not_found(db: &Database) {
    let mark = audit_mark(db).await;
    let err = db
        .policy()
        .activate("1999.9", "ops:han")
        .await
        .expect_err("unknown version must fail");
    assert!(
        matches!(&err, StoreError::NotFound { key, .. } if key == "1999.9"),
        "expected NotFound, got {err:?}"
    );
    assert_eq!(active_version(db).await.as_deref(), Some("2025.1"));
    assert!(events_after(db, mark).await.is_empty());
}

async fn policy_version_name_reused_for_other_content_conflicts(db: &Database) {
    let mark = audit_mark(db).await;
    let mut clash = policy_v2();
    clash.sha256 = fake_sha("policy-other-content");
    let err = db
        .policy()
        .import(&clash)
        .await
        .expect_err("same version name with other content must fail");
    assert!(
        matches!(err, StoreError::Conflict { .. }),
        "expected Conflict, got {err:?}"
    );
    assert_eq!(db.policy().versions().await.expect("versions").len(), 2);
    assert_eq!(active_version(db).await.as_deref(), Some("2025.1"));
    assert!(events_after(db, mark).await.is_empty());
}

async fn policy_files_round_trip_byte_exactly(db: &Database) {
    let nfd_han = "\u{1112}\u{1161}\u{11ab}"; // "한" decomposed: must not be normalised
    let tricky = format!(
        "# 국민내일배움카드 지원 규칙\r\n\
         [지원]\n이름 = \"디지털 새싹 'AI' 과정\"\t# 탭\n\n\
         경로 = 'C:\\정책\\규칙'\n  끝에 공백   \n{nfd_han}\n마지막 줄 없음 🚀"
    );
    let v3 = policy(
        "2025.3",
        &[
            ("zz/마지막.toml", "끝\n\n\n"),
            ("규칙/지역.toml", &tricky),
            ("empty.toml", ""),
            ("a.toml", "a = 1\n"),
        ],
        "ops:seo",
    );
    assert_eq!(
        db.policy().import(&v3).await.expect("import v3"),
        ImportOutcome::Imported
    );
    let (summary, files) = db.policy().active().await.expect("active policy").expect("v3 active");
    assert_eq!(summary.version, "2025.3");
    assert_eq!(summary.file_count, 4);
    let mut want = v3.files.clone();
    want.sort_by(|a, b| a.path.cmp(&b.path));
    assert_eq!(files, want, "files must round-trip byte-exactly, ordered by path");
    let got = files.iter().find(|f| f.path == "규칙/지역.toml").expect("korean path");
    assert_eq!(got.content.as_bytes(), tricky.as_bytes());
}

async fn policy_concurrent_imports_of_same_content_create_one_version(db: &Database) {
    const TASKS: usize = 8;
    let mark = audit_mark(db).await;
    let v4 = policy("2025.4", &[("rules/base.toml", "rate = 1.0\n")], "ops:race");
    let barrier = Arc::new(tokio::sync::Barrier::new(TASKS));
    let mut handles = Vec::with_capacity(TASKS);
    for _ in 0..TASKS {
        let (db, v, barrier) = (db.clone(), v4.clone(), Arc::clone(&barrier));
        handles.push(tokio::spawn(async move {
            barrier.wait().await;
            db.policy().import(&v).await
        }));
    }
    let mut outcomes = Vec::with_capacity(TASKS);
    for h in handles {
        outcomes.push(
            h.await
                .expect("import task panicked")
                .expect("concurrent import must not error"),
        );
    }
    let imported = outcomes.iter().filter(|o| **o == ImportOutcome::Imported).count();
    assert_eq!(imported, 1, "exactly one Imported: {outcomes:?}");
    assert_eq!(outcomes.len() - imported, TASKS - 1, "others Unchanged: {outcomes:?}");
    let versions = db.policy().versions().await.expect("policy versions");
    assert_eq!(
        versions.iter().filter(|v| v.sha256 == v4.sha256).count(),
        1,
        "exactly one row for the sha"
    );
    assert_one_active(&versions, "2025.4");
    assert_eq!(versions[0].version, "2025.4", "newest first");
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 1, "one import event: {events:?}");
    assert_event(&events[0], ACTION_POLICY_IMPORT, "ops:race", "2025.4");
}
