//! Test support (feature `testing`): the conformance suite every [`Store`] backend must pass,
//! and harnesses that provide fresh SQLite and PostgreSQL stores.
//!
//! ```no_run
//! # async fn demo() {
//! let (store, _dir) = aiup_store::testing::sqlite_test_store().await;
//! aiup_store::testing::run_conformance(store).await;
//!
//! if let Some(db) = aiup_store::testing::postgres_test_url().await {
//!     let store = aiup_store::connect(db.url()).await.unwrap();
//!     aiup_store::testing::run_conformance(store).await;
//! }
//! # }
//! ```
#![allow(clippy::print_stderr)] // the harness's notices are meant to be loud

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aiup_catalogue::{
    AiLevel, AiStep, Audience, BasicModule, CatalogueBatch, Cohort, Course, ExternalId, Hours, Institution,
    InstitutionKind, NcsCode, QualityGrade,
};
use aiup_core::region::RegionCode;
use aiup_core::{Delivery, ProgrammeId};
use chrono::NaiveDate;
use sqlx::Connection;

use crate::{
    AuditEvent, Backend, CatalogueImportSummary, ImportOutcome, NewPolicyVersion, PolicyFileRecord, RegionAliasRecord,
    RegionRecord, RegionSet, Store, StoreError, ACTION_CATALOGUE_IMPORT, ACTION_POLICY_ACTIVATE, ACTION_POLICY_IMPORT,
    ACTION_REGIONS_IMPORT,
};

// ---------------------------------------------------------------------------------------------
// Conformance suite
// ---------------------------------------------------------------------------------------------

/// Names of the conformance checks, in the order [`run_conformance`] runs them.
pub const CHECKS: &[&str] = &[
    "migrate_is_idempotent",
    "regions_absent_before_first_import",
    "regions_import_round_trips_in_documented_order",
    "regions_same_sha_is_unchanged_without_audit_event",
    "regions_new_set_replaces_old_set_entirely",
    "regions_import_with_duplicate_code_fails_atomically",
    "regions_import_with_dangling_alias_fails_atomically",
    "regions_import_with_duplicate_name_fails_atomically",
    "regions_earlier_set_can_be_imported_again",
    "policy_absent_before_first_import",
    "policy_import_activates_newest_version",
    "policy_reimport_of_known_content_is_unchanged_and_reactivates",
    "policy_activate_switches_between_versions",
    "policy_activate_unknown_version_is_not_found",
    "policy_version_name_reused_for_other_content_conflicts",
    "policy_files_round_trip_byte_exactly",
    "policy_concurrent_imports_of_same_content_create_one_version",
    "audit_events_newest_first_with_limit",
    "catalogue_empty_before_first_import",
    "catalogue_import_round_trips_in_id_order",
    "catalogue_reimport_is_unchanged",
    "catalogue_update_changes_course_and_replaces_cohorts",
    "catalogue_unknown_institution_fails_atomically",
    "catalogue_rejected_row_rolls_back_whole_import",
    "catalogue_concurrent_imports_end_consistent",
];

/// Runs every conformance check, in sequence, against `store`, which must be FRESH (migrated,
/// no data). Panics with the backend and check name on the first failure.
pub async fn run_conformance(store: Arc<dyn Store>) {
    let s = &store;
    macro_rules! check {
        ($name:ident) => {{
            let guard = CheckGuard::new(s.backend(), stringify!($name));
            $name(s).await;
            guard.passed();
        }};
    }
    check!(migrate_is_idempotent);
    check!(regions_absent_before_first_import);
    check!(regions_import_round_trips_in_documented_order);
    check!(regions_same_sha_is_unchanged_without_audit_event);
    check!(regions_new_set_replaces_old_set_entirely);
    check!(regions_import_with_duplicate_code_fails_atomically);
    check!(regions_import_with_dangling_alias_fails_atomically);
    check!(regions_import_with_duplicate_name_fails_atomically);
    check!(regions_earlier_set_can_be_imported_again);
    check!(policy_absent_before_first_import);
    check!(policy_import_activates_newest_version);
    check!(policy_reimport_of_known_content_is_unchanged_and_reactivates);
    check!(policy_activate_switches_between_versions);
    check!(policy_activate_unknown_version_is_not_found);
    check!(policy_version_name_reused_for_other_content_conflicts);
    check!(policy_files_round_trip_byte_exactly);
    check!(policy_concurrent_imports_of_same_content_create_one_version);
    check!(audit_events_newest_first_with_limit);
    check!(catalogue_empty_before_first_import);
    check!(catalogue_import_round_trips_in_id_order);
    check!(catalogue_reimport_is_unchanged);
    check!(catalogue_update_changes_course_and_replaces_cohorts);
    check!(catalogue_unknown_institution_fails_atomically);
    check!(catalogue_rejected_row_rolls_back_whole_import);
    check!(catalogue_concurrent_imports_end_consistent);
    tracing::info!(backend = %store.backend(), checks = CHECKS.len(), "store conformance passed");
}

/// Names the failing check and backend if a check panics.
struct CheckGuard {
    backend: Backend,
    name: &'static str,
    done: bool,
}

impl CheckGuard {
    fn new(backend: Backend, name: &'static str) -> Self {
        debug_assert!(CHECKS.contains(&name), "{name} missing from CHECKS");
        Self {
            backend,
            name,
            done: false,
        }
    }

    fn passed(mut self) {
        self.done = true;
        tracing::debug!(backend = %self.backend, check = self.name, "conformance check passed");
    }
}

impl Drop for CheckGuard {
    fn drop(&mut self) {
        if !self.done {
            eprintln!(
                "STORE CONFORMANCE FAILURE: check `{}` failed on backend `{}`",
                self.name, self.backend
            );
        }
    }
}

type S = Arc<dyn Store>;

/// A deterministic 64-hex-digit stand-in for a sha256.
pub fn fake_sha(tag: &str) -> String {
    let mut out = String::with_capacity(64);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for round in 0u8..4 {
        for b in tag.bytes().chain([round]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        out.push_str(&format!("{h:016x}"));
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn region(
    code: &str,
    sido_code: &str,
    sido_name: &str,
    short: &str,
    kind: &str,
    parent: Option<&str>,
    capital: bool,
    declining: bool,
) -> RegionRecord {
    RegionRecord {
        code: code.to_owned(),
        sido_code: sido_code.to_owned(),
        sido_name: sido_name.to_owned(),
        name: format!("{sido_name} {short}"),
        kind: kind.to_owned(),
        parent_code: parent.map(str::to_owned),
        capital_area: capital,
        population_declining: declining,
    }
}

fn alias(alias: &str, code: &str, changed_on: Option<(i32, u32, u32)>, note: &str) -> RegionAliasRecord {
    RegionAliasRecord {
        alias: alias.to_owned(),
        current_code: code.to_owned(),
        changed_on: changed_on.map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")),
        note: note.to_owned(),
    }
}

fn jongno() -> RegionRecord {
    region("11110", "11", "서울특별시", "종로구", "자치구", None, true, false)
}
fn suwon() -> RegionRecord {
    region("41110", "41", "경기도", "수원시", "시", None, true, false)
}
fn suwon_jangan() -> RegionRecord {
    region(
        "41111",
        "41",
        "경기도",
        "수원시 장안구",
        "일반구",
        Some("41110"),
        true,
        false,
    )
}
fn andong() -> RegionRecord {
    region("47170", "47", "경상북도", "안동시", "시", None, false, true)
}
fn pyeongchang() -> RegionRecord {
    region("51760", "51", "강원특별자치도", "평창군", "군", None, false, true)
}

/// Set A, deliberately NOT in code/alias order.
fn region_set_a() -> RegionSet {
    RegionSet {
        sha256: fake_sha("regions-a"),
        regions: vec![pyeongchang(), suwon_jangan(), jongno(), suwon()],
        aliases: vec![
            alias("강원도 평창군", "51760", Some((2023, 6, 11)), "강원특별자치도 출범"),
            alias("42760", "51760", Some((2023, 6, 11)), "행정구역코드 변경"),
            alias("종로", "11110", None, ""),
        ],
    }
}

/// Set B: drops 41110/41111 and two aliases, adds 47170 and one alias, changes a flag.
fn region_set_b() -> RegionSet {
    let mut jongno_b = jongno();
    jongno_b.population_declining = true;
    RegionSet {
        sha256: fake_sha("regions-b"),
        regions: vec![andong(), pyeongchang(), jongno_b],
        aliases: vec![
            alias("안동군", "47170", Some((1995, 1, 1)), "도농통합 'quoted' \\ backslash"),
            alias("42760", "51760", Some((2023, 6, 11)), "행정구역코드 변경"),
        ],
    }
}

fn sorted(mut set: RegionSet) -> RegionSet {
    set.regions.sort_by(|a, b| a.code.cmp(&b.code));
    set.aliases.sort_by(|a, b| a.alias.cmp(&b.alias));
    set
}

async fn audit_mark(s: &S) -> i64 {
    s.audit_events(1)
        .await
        .expect("audit_events")
        .first()
        .map_or(0, |e| e.id)
}

/// Events recorded after `mark`, oldest first.
async fn events_after(s: &S, mark: i64) -> Vec<AuditEvent> {
    let mut events: Vec<AuditEvent> = s
        .audit_events(10_000)
        .await
        .expect("audit_events")
        .into_iter()
        .filter(|e| e.id > mark)
        .collect();
    events.reverse();
    events
}

#[track_caller]
fn assert_event(e: &AuditEvent, action: &str, actor: &str, subject: &str) {
    assert_eq!(
        (e.action.as_str(), e.actor.as_str(), e.subject.as_str()),
        (action, actor, subject),
        "unexpected audit event {e:?}"
    );
    assert!(e.detail.is_object(), "audit detail should be a JSON object: {e:?}");
}

async fn current_regions(s: &S) -> RegionSet {
    s.region_set()
        .await
        .expect("region_set")
        .expect("a region set should be stored")
}

async fn migrate_is_idempotent(s: &S) {
    s.migrate().await.expect("first migrate on a fresh store");
    s.migrate().await.expect("second migrate must be a no-op");
    assert!(s.region_set().await.expect("region_set").is_none());
}

async fn regions_absent_before_first_import(s: &S) {
    assert_eq!(s.region_set().await.expect("region_set"), None);
    assert!(
        s.audit_events(100).await.expect("audit_events").is_empty(),
        "a fresh store must have no audit events"
    );
}

async fn regions_import_round_trips_in_documented_order(s: &S) {
    let mark = audit_mark(s).await;
    let set = region_set_a();
    let out = s.replace_regions(&set, "admin:kim").await.expect("import set A");
    assert_eq!(out, ImportOutcome::Imported);
    let stored = current_regions(s).await;
    assert_eq!(stored, sorted(set.clone()), "regions by code, aliases by alias");
    assert_ne!(stored.regions, set.regions, "test data must exercise ordering");
    let events = events_after(s, mark).await;
    assert_eq!(events.len(), 1, "one audit event per import: {events:?}");
    assert_event(&events[0], ACTION_REGIONS_IMPORT, "admin:kim", &set.sha256);
}

async fn regions_same_sha_is_unchanged_without_audit_event(s: &S) {
    let mark = audit_mark(s).await;
    let out = s
        .replace_regions(&region_set_a(), "admin:lee")
        .await
        .expect("re-import set A");
    assert_eq!(out, ImportOutcome::Unchanged);
    assert!(events_after(s, mark).await.is_empty(), "Unchanged must not audit");
    assert_eq!(current_regions(s).await, sorted(region_set_a()));
}

async fn regions_new_set_replaces_old_set_entirely(s: &S) {
    let mark = audit_mark(s).await;
    let b = region_set_b();
    let out = s.replace_regions(&b, "admin:park").await.expect("import set B");
    assert_eq!(out, ImportOutcome::Imported);
    let stored = current_regions(s).await;
    assert_eq!(stored, sorted(b.clone()));
    let codes: BTreeSet<&str> = stored.regions.iter().map(|r| r.code.as_str()).collect();
    assert!(
        !codes.contains("41110") && !codes.contains("41111"),
        "old rows must be gone"
    );
    assert!(
        !stored
            .aliases
            .iter()
            .any(|a| a.alias == "강원도 평창군" || a.alias == "종로"),
        "old aliases must be gone"
    );
    let events = events_after(s, mark).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_event(&events[0], ACTION_REGIONS_IMPORT, "admin:park", &b.sha256);
}

async fn assert_failed_import_left_b_intact(s: &S, bad: RegionSet, what: &str) {
    let mark = audit_mark(s).await;
    let res = s.replace_regions(&bad, "admin:bad").await;
    assert!(res.is_err(), "{what}: import must fail, got {res:?}");
    let stored = current_regions(s).await;
    assert_eq!(stored, sorted(region_set_b()), "{what}: previous set must be intact");
    assert!(
        events_after(s, mark).await.is_empty(),
        "{what}: a failed import must not audit"
    );
}

async fn regions_import_with_duplicate_code_fails_atomically(s: &S) {
    let mut bad = region_set_a();
    bad.sha256 = fake_sha("regions-dup-code");
    // Valid rows first, so a non-transactional implementation would have written some.
    let mut dup = jongno();
    dup.name = "서울특별시 중복구".to_owned();
    bad.regions.push(dup);
    assert_failed_import_left_b_intact(s, bad, "duplicate region code").await;
}

async fn regions_import_with_dangling_alias_fails_atomically(s: &S) {
    let mut bad = region_set_a();
    bad.sha256 = fake_sha("regions-dangling-alias");
    bad.aliases.push(alias("없는군", "99999", None, "no such region"));
    assert_failed_import_left_b_intact(s, bad, "alias to unknown code").await;
}

async fn regions_import_with_duplicate_name_fails_atomically(s: &S) {
    let mut bad = region_set_a();
    bad.sha256 = fake_sha("regions-dup-name");
    let mut twin = andong();
    twin.name = pyeongchang().name;
    bad.regions.push(twin);
    assert_failed_import_left_b_intact(s, bad, "duplicate region name").await;
}

async fn regions_earlier_set_can_be_imported_again(s: &S) {
    // Only the CURRENT set's sha counts as "unchanged".
    let out = s
        .replace_regions(&region_set_a(), "admin:kim")
        .await
        .expect("re-import set A after B");
    assert_eq!(out, ImportOutcome::Imported);
    assert_eq!(current_regions(s).await, sorted(region_set_a()));
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

async fn active_version(s: &S) -> Option<String> {
    s.active_policy()
        .await
        .expect("active_policy")
        .map(|(summary, _)| summary.version)
}

#[track_caller]
fn assert_one_active(versions: &[crate::PolicyVersionSummary], expected: &str) {
    let active: Vec<&str> = versions
        .iter()
        .filter(|v| v.active)
        .map(|v| v.version.as_str())
        .collect();
    assert_eq!(active, vec![expected], "exactly one active version expected");
}

async fn policy_absent_before_first_import(s: &S) {
    assert!(s.active_policy().await.expect("active_policy").is_none());
    assert!(s.policy_versions().await.expect("policy_versions").is_empty());
}

async fn policy_import_activates_newest_version(s: &S) {
    let mark = audit_mark(s).await;
    let v1 = policy_v1();
    assert_eq!(
        s.import_policy_version(&v1).await.expect("import v1"),
        ImportOutcome::Imported
    );
    let (summary, files) = s.active_policy().await.expect("active_policy").expect("v1 active");
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
        s.import_policy_version(&v2).await.expect("import v2"),
        ImportOutcome::Imported
    );
    assert_eq!(active_version(s).await.as_deref(), Some("2025.2"));
    let versions = s.policy_versions().await.expect("policy_versions");
    let names: Vec<(&str, bool, i64)> = versions
        .iter()
        .map(|v| (v.version.as_str(), v.active, v.file_count))
        .collect();
    assert_eq!(names, vec![("2025.2", true, 3), ("2025.1", false, 2)], "newest first");
    assert!(versions[0].imported_at >= versions[1].imported_at);

    let events = events_after(s, mark).await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert_event(&events[0], ACTION_POLICY_IMPORT, "ops:choi", "2025.1");
    assert_event(&events[1], ACTION_POLICY_IMPORT, "ops:jung", "2025.2");
    assert_eq!(events[1].detail["sha256"], serde_json::json!(v2.sha256));
}

async fn policy_reimport_of_known_content_is_unchanged_and_reactivates(s: &S) {
    let mark = audit_mark(s).await;
    assert_eq!(
        s.import_policy_version(&policy_v1()).await.expect("re-import v1"),
        ImportOutcome::Unchanged
    );
    assert_eq!(active_version(s).await.as_deref(), Some("2025.1"));
    let versions = s.policy_versions().await.expect("policy_versions");
    assert_eq!(versions.len(), 2, "no new version for known content");
    assert_one_active(&versions, "2025.1");
    let events = events_after(s, mark).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_event(&events[0], ACTION_POLICY_ACTIVATE, "ops:choi", "2025.1");

    // Known content that is already active: Unchanged, nothing written.
    let mark = audit_mark(s).await;
    assert_eq!(
        s.import_policy_version(&policy_v1())
            .await
            .expect("re-import active v1"),
        ImportOutcome::Unchanged
    );
    assert!(events_after(s, mark).await.is_empty());
}

async fn policy_activate_switches_between_versions(s: &S) {
    let mark = audit_mark(s).await;
    s.activate_policy_version("2025.2", "ops:han")
        .await
        .expect("activate 2025.2");
    assert_eq!(active_version(s).await.as_deref(), Some("2025.2"));
    assert_one_active(&s.policy_versions().await.expect("versions"), "2025.2");
    s.activate_policy_version("2025.1", "ops:han")
        .await
        .expect("roll back to 2025.1");
    let (summary, files) = s.active_policy().await.expect("active_policy").expect("active");
    assert_eq!(summary.version, "2025.1");
    let mut want = policy_v1().files;
    want.sort_by(|a, b| a.path.cmp(&b.path));
    assert_eq!(files, want, "rollback must serve the old version's files");
    assert_one_active(&s.policy_versions().await.expect("versions"), "2025.1");
    let events = events_after(s, mark).await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert_event(&events[0], ACTION_POLICY_ACTIVATE, "ops:han", "2025.2");
    assert_event(&events[1], ACTION_POLICY_ACTIVATE, "ops:han", "2025.1");
}

async fn policy_activate_unknown_version_is_not_found(s: &S) {
    let mark = audit_mark(s).await;
    let err = s
        .activate_policy_version("1999.9", "ops:han")
        .await
        .expect_err("unknown version must fail");
    assert!(
        matches!(&err, StoreError::NotFound { key, .. } if key == "1999.9"),
        "expected NotFound, got {err:?}"
    );
    assert_eq!(active_version(s).await.as_deref(), Some("2025.1"));
    assert!(events_after(s, mark).await.is_empty());
}

async fn policy_version_name_reused_for_other_content_conflicts(s: &S) {
    let mark = audit_mark(s).await;
    let mut clash = policy_v2();
    clash.sha256 = fake_sha("policy-other-content");
    let err = s
        .import_policy_version(&clash)
        .await
        .expect_err("same version name with other content must fail");
    assert!(
        matches!(err, StoreError::Conflict { .. }),
        "expected Conflict, got {err:?}"
    );
    assert_eq!(s.policy_versions().await.expect("versions").len(), 2);
    assert_eq!(active_version(s).await.as_deref(), Some("2025.1"));
    assert!(events_after(s, mark).await.is_empty());
}

async fn policy_files_round_trip_byte_exactly(s: &S) {
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
        s.import_policy_version(&v3).await.expect("import v3"),
        ImportOutcome::Imported
    );
    let (summary, files) = s.active_policy().await.expect("active_policy").expect("v3 active");
    assert_eq!(summary.version, "2025.3");
    assert_eq!(summary.file_count, 4);
    let mut want = v3.files.clone();
    want.sort_by(|a, b| a.path.cmp(&b.path));
    assert_eq!(files, want, "files must round-trip byte-exactly, ordered by path");
    let got = files.iter().find(|f| f.path == "규칙/지역.toml").expect("korean path");
    assert_eq!(got.content.as_bytes(), tricky.as_bytes());
}

async fn policy_concurrent_imports_of_same_content_create_one_version(s: &S) {
    const TASKS: usize = 8;
    let mark = audit_mark(s).await;
    let v4 = policy("2025.4", &[("rules/base.toml", "rate = 1.0\n")], "ops:race");
    let barrier = Arc::new(tokio::sync::Barrier::new(TASKS));
    let mut handles = Vec::with_capacity(TASKS);
    for _ in 0..TASKS {
        let (store, v, barrier) = (Arc::clone(s), v4.clone(), Arc::clone(&barrier));
        handles.push(tokio::spawn(async move {
            barrier.wait().await;
            store.import_policy_version(&v).await
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
    let versions = s.policy_versions().await.expect("policy_versions");
    assert_eq!(
        versions.iter().filter(|v| v.sha256 == v4.sha256).count(),
        1,
        "exactly one row for the sha"
    );
    assert_one_active(&versions, "2025.4");
    assert_eq!(versions[0].version, "2025.4", "newest first");
    let events = events_after(s, mark).await;
    assert_eq!(events.len(), 1, "one import event: {events:?}");
    assert_event(&events[0], ACTION_POLICY_IMPORT, "ops:race", "2025.4");
}

async fn audit_events_newest_first_with_limit(s: &S) {
    let all = s.audit_events(10_000).await.expect("audit_events");
    // 3 region imports (A, B, A), 4 policy imports, 3 activations (1 by re-import, 2 explicit).
    assert_eq!(all.len(), 10, "total audit events: {all:#?}");
    assert!(all.windows(2).all(|w| w[0].id > w[1].id), "newest first by id");
    assert!(all.windows(2).all(|w| w[0].at >= w[1].at), "newest first by time");
    let count = |action: &str| all.iter().filter(|e| e.action == action).count();
    assert_eq!(count(ACTION_REGIONS_IMPORT), 3);
    assert_eq!(count(ACTION_POLICY_IMPORT), 4);
    assert_eq!(count(ACTION_POLICY_ACTIVATE), 3);
    assert!(all.iter().all(|e| !e.actor.is_empty() && !e.subject.is_empty()));
    let two = s.audit_events(2).await.expect("audit_events(2)");
    assert_eq!(two, all[..2].to_vec(), "limit keeps the newest");
    assert!(s.audit_events(0).await.expect("audit_events(0)").is_empty());
}

// ---------------------------------------------------------------------------------------------
// Catalogue
// ---------------------------------------------------------------------------------------------

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
    }
}

fn cohort(start: (i32, u32, u32), end: (i32, u32, u32), capacity: u32, seats_left: u32) -> Cohort {
    Cohort {
        start_date: day(start.0, start.1, start.2),
        end_date: day(end.0, end.1, end.2),
        capacity,
        seats_left,
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
        cohorts: if rich {
            vec![
                cohort((2026, 3, 2), (2026, 6, 30), 30, 12),
                cohort((2026, 9, 1), (2026, 12, 18), 30, 30),
            ]
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

async fn stored_catalogue(s: &S) -> CatalogueBatch {
    CatalogueBatch {
        institutions: s.institutions().await.expect("institutions"),
        courses: s.courses().await.expect("courses"),
    }
}

async fn catalogue_empty_before_first_import(s: &S) {
    assert_eq!(s.catalogue_generation().await.expect("generation"), 0);
    assert!(s.institutions().await.expect("institutions").is_empty());
    assert!(s.institution_ids().await.expect("institution_ids").is_empty());
    assert!(s.courses().await.expect("courses").is_empty());
    assert!(s.course("C-0001").await.expect("course").is_none());
}

async fn catalogue_import_round_trips_in_id_order(s: &S) {
    let mark = audit_mark(s).await;
    let batch = catalogue_batch_a();
    let summary = s.upsert_catalogue(&batch, "ops:catalogue").await.expect("import");
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
    assert_eq!(s.catalogue_generation().await.expect("generation"), 1);
    let stored = stored_catalogue(s).await;
    assert_eq!(stored, sorted_batch(batch.clone()), "round trip, ordered by id");
    assert_ne!(stored.courses, batch.courses, "test data must exercise ordering");
    let ids = s.institution_ids().await.expect("institution_ids");
    assert_eq!(ids, BTreeSet::from(["INST-A".to_owned(), "INST-B".to_owned()]));
    let (course, institution) = s.course("C-0002").await.expect("course").expect("C-0002 stored");
    assert_eq!(course, test_course("C-0002", "INST-A", 2));
    assert_eq!(institution, test_institution("INST-A", "가 아카데미 \"본원\"", "51760"));
    assert!(s.course("C-9999").await.expect("course").is_none());
    let events = events_after(s, mark).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_event(&events[0], ACTION_CATALOGUE_IMPORT, "ops:catalogue", "catalogue");
    assert_eq!(events[0].detail["courses_added"], 4, "{events:?}");
}

async fn catalogue_reimport_is_unchanged(s: &S) {
    let summary = s
        .upsert_catalogue(&catalogue_batch_a(), "ops:catalogue")
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
    assert_eq!(s.catalogue_generation().await.expect("generation"), 1);
    assert_eq!(
        stored_catalogue(s).await,
        sorted_batch(catalogue_batch_a()),
        "no duplicate rows"
    );
}

async fn catalogue_update_changes_course_and_replaces_cohorts(s: &S) {
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
    let summary = s.upsert_catalogue(&batch, "ops:catalogue").await.expect("update");
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
    assert_eq!(stored_catalogue(s).await, sorted_batch(batch.clone()));
    let (c2, _) = s.course("C-0002").await.expect("course").expect("C-0002");
    assert_eq!(c2.cohorts.len(), 1, "old cohorts are replaced, not kept");
    // A batch with only a course, referring to a stored institution not in the batch.
    let lone = CatalogueBatch {
        institutions: Vec::new(),
        courses: vec![test_course("C-0100", "INST-B", 100)],
    };
    let summary = s.upsert_catalogue(&lone, "ops:catalogue").await.expect("lone course");
    assert_eq!(summary.courses_added, 1);
    assert_eq!(summary.generation, 3);
}

async fn assert_catalogue_failure_left_state(s: &S, bad: &CatalogueBatch, what: &str) {
    let before = stored_catalogue(s).await;
    let generation = s.catalogue_generation().await.expect("generation");
    let mark = audit_mark(s).await;
    let res = s.upsert_catalogue(bad, "ops:bad").await;
    assert!(res.is_err(), "{what}: import must fail, got {res:?}");
    assert_eq!(stored_catalogue(s).await, before, "{what}: nothing may be written");
    assert_eq!(
        s.catalogue_generation().await.expect("generation"),
        generation,
        "{what}"
    );
    assert!(
        events_after(s, mark).await.is_empty(),
        "{what}: a failed import must not audit"
    );
}

async fn catalogue_unknown_institution_fails_atomically(s: &S) {
    let bad = CatalogueBatch {
        institutions: vec![test_institution("INST-NEW", "새 기관", "11110")],
        courses: vec![
            test_course("C-0200", "INST-NEW", 200),
            test_course("C-0002", "INST-A", 7),
            test_course("C-0201", "INST-MISSING", 201),
        ],
    };
    assert_catalogue_failure_left_state(s, &bad, "course with unknown institution").await;
    let res = s.upsert_catalogue(&bad, "ops:bad").await;
    assert!(matches!(res, Err(StoreError::NotFound { .. })), "{res:?}");
    let twice = CatalogueBatch {
        institutions: Vec::new(),
        courses: vec![test_course("C-0300", "INST-A", 1), test_course("C-0300", "INST-A", 2)],
    };
    assert_catalogue_failure_left_state(s, &twice, "course id twice in one batch").await;
}

async fn catalogue_rejected_row_rolls_back_whole_import(s: &S) {
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
    assert_catalogue_failure_left_state(s, &bad, "cohort with more seats left than capacity").await;
}

async fn catalogue_concurrent_imports_end_consistent(s: &S) {
    const TASKS: usize = 6;
    let generation = s.catalogue_generation().await.expect("generation");
    let mut batch = CatalogueBatch {
        institutions: vec![test_institution("INST-RACE", "동시 기관", "47170")],
        courses: (0..300)
            .map(|n| test_course(&format!("R-{n:04}"), "INST-RACE", n))
            .collect(),
    };
    batch.courses.push(test_course("C-0001", "INST-RACE", 77));
    let before = stored_catalogue(s).await;
    let barrier = Arc::new(tokio::sync::Barrier::new(TASKS));
    let mut handles = Vec::with_capacity(TASKS);
    for _ in 0..TASKS {
        let (store, batch, barrier) = (Arc::clone(s), batch.clone(), Arc::clone(&barrier));
        handles.push(tokio::spawn(async move {
            barrier.wait().await;
            store.upsert_catalogue(&batch, "ops:race").await
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
    assert_eq!(s.catalogue_generation().await.expect("generation"), generation + 1);
    let mut expected = before;
    expected.institutions.extend(batch.institutions.clone());
    expected.courses.retain(|c| c.id.as_str() != "C-0001");
    expected.courses.extend(batch.courses.clone());
    assert_eq!(stored_catalogue(s).await, sorted_batch(expected));
}

// ---------------------------------------------------------------------------------------------
// SQLite harness
// ---------------------------------------------------------------------------------------------

/// A migrated store on a fresh SQLite file in a new temporary directory (in a subdirectory that
/// does not exist yet, so directory creation is exercised). Keep the directory alive as long
/// as the store.
pub async fn sqlite_test_store() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::Builder::new()
        .prefix("aiup-store-test-")
        .tempdir()
        .expect("create temp dir");
    let url = format!("sqlite://{}", dir.path().join("data/aiup.db").display());
    let store = crate::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("open sqlite test store {url}: {e}"));
    (store, dir)
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL harness
// ---------------------------------------------------------------------------------------------

/// Env var with an ADMIN URL (e.g. `postgres://postgres@127.0.0.1:5432/postgres`) through which
/// fresh test databases are created.
pub const POSTGRES_URL_ENV: &str = "AIUP_TEST_POSTGRES_URL";

/// A fresh, empty PostgreSQL database for one test. Dropping it drops the database
/// (best effort) or stops the throwaway cluster it lives in.
#[derive(Debug)]
pub struct PostgresTestDb {
    /// URL of the fresh database (pass to [`crate::connect`]).
    pub url: String,
    /// Admin URL of the server (database `postgres`).
    pub admin_url: String,
    /// Name of the fresh database.
    pub db_name: String,
    cluster: Option<ThrowawayCluster>,
}

impl PostgresTestDb {
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Whether this database lives in a cluster the harness started itself.
    pub fn is_throwaway_cluster(&self) -> bool {
        self.cluster.is_some()
    }
}

impl Drop for PostgresTestDb {
    fn drop(&mut self) {
        if self.cluster.is_some() {
            return; // the whole cluster goes away
        }
        let (admin, name) = (self.admin_url.clone(), self.db_name.clone());
        // Drop may run inside an async runtime: do the async work on a separate thread.
        let worker = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                return;
            };
            rt.block_on(async move {
                let work = async {
                    let mut conn = sqlx::PgConnection::connect(&admin).await?;
                    sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .execute(&mut conn)
                        .await?;
                    conn.close().await
                };
                if let Ok(Err(e)) = tokio::time::timeout(Duration::from_secs(15), work).await {
                    tracing::warn!(db = %name, error = %e, "could not drop test database");
                }
            });
        });
        let _ = worker.join();
    }
}

/// A PostgreSQL cluster in a temporary directory, stopped on drop.
#[derive(Debug)]
struct ThrowawayCluster {
    dir: tempfile::TempDir,
    bindir: PathBuf,
    as_postgres: bool,
    port: u16,
}

impl ThrowawayCluster {
    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }
}

impl Drop for ThrowawayCluster {
    fn drop(&mut self) {
        let data = self.data_dir();
        let mut cmd = pg_command(&self.bindir, "pg_ctl", self.as_postgres);
        cmd.arg("-D")
            .arg(&data)
            .args(["-m", "immediate", "-w", "stop"])
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        match cmd.status() {
            Ok(st) if st.success() => {}
            other => eprintln!(
                "warning: could not stop throwaway PostgreSQL on port {} ({other:?})",
                self.port
            ),
        }
    }
}

/// A fresh PostgreSQL database for a test, or `None` (after a LOUD notice) if no server is
/// available. Order: `AIUP_TEST_POSTGRES_URL`; else a throwaway cluster from `initdb`/`pg_ctl`
/// (run as user `postgres` via `runuser` when we are root); else skip — except when `CI=true`,
/// where a missing PostgreSQL is a panic, never a skip.
pub async fn postgres_test_url() -> Option<PostgresTestDb> {
    if let Some(admin) = std::env::var(POSTGRES_URL_ENV).ok().filter(|u| !u.trim().is_empty()) {
        let db_name = create_fresh_database(&admin)
            .await
            .unwrap_or_else(|e| panic!("{POSTGRES_URL_ENV} is set but creating a test database failed: {e}"));
        return Some(PostgresTestDb {
            url: with_database(&admin, &db_name),
            admin_url: admin,
            db_name,
            cluster: None,
        });
    }

    match find_pg_bindir() {
        Ok(bindir) => {
            let cluster = start_cluster(bindir).await;
            let admin = format!("postgres://postgres@127.0.0.1:{}/postgres", cluster.port);
            let db_name = create_fresh_database(&admin)
                .await
                .unwrap_or_else(|e| panic!("throwaway PostgreSQL started but creating a test database failed: {e}"));
            Some(PostgresTestDb {
                url: with_database(&admin, &db_name),
                admin_url: admin,
                db_name,
                cluster: Some(cluster),
            })
        }
        Err(why) => {
            let msg = format!(
                "POSTGRES TESTS SKIPPED: {POSTGRES_URL_ENV} is not set and no throwaway cluster \
                 can be started ({why}). Set {POSTGRES_URL_ENV}=postgres://postgres@127.0.0.1:5432/postgres \
                 or install the PostgreSQL server binaries (initdb, pg_ctl)."
            );
            if std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true")) {
                panic!("CI=true and PostgreSQL is unavailable, refusing to skip: {msg}");
            }
            let bar = "!".repeat(100);
            eprintln!("\n{bar}\n!!! {msg}\n{bar}\n");
            None
        }
    }
}

fn unique_db_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("aiup_t_{}_{n}_{nanos}", std::process::id())
}

async fn create_fresh_database(admin_url: &str) -> Result<String, StoreError> {
    let name = unique_db_name();
    let mut conn = sqlx::PgConnection::connect(admin_url).await?;
    sqlx::query(&format!(
        "CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"
    ))
    .execute(&mut conn)
    .await?;
    conn.close().await?;
    Ok(name)
}

/// `admin_url` with its database path replaced by `db` (query string kept).
pub fn with_database(admin_url: &str, db: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (admin_url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_start..].find('/') {
        Some(i) => &base[..authority_start + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

fn has_pg_tools(dir: &Path) -> bool {
    dir.join("initdb").is_file() && dir.join("pg_ctl").is_file()
}

/// Finds a directory with `initdb` and `pg_ctl`: PATH, `pg_config --bindir`,
/// `/usr/lib/postgresql/*/bin` (newest first).
fn find_pg_bindir() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("PATH") {
        if let Some(dir) = std::env::split_paths(&path).find(|d| has_pg_tools(d)) {
            return Ok(dir);
        }
    }
    if let Ok(out) = std::process::Command::new("pg_config")
        .arg("--bindir")
        .stderr(Stdio::null())
        .output()
    {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && has_pg_tools(&dir) {
            return Ok(dir);
        }
    }
    let mut versioned: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse::<u32>().ok()?;
            Some((v, e.path().join("bin")))
        })
        .filter(|(_, d)| has_pg_tools(d))
        .collect();
    versioned.sort();
    versioned
        .pop()
        .map(|(_, d)| d)
        .ok_or_else(|| "initdb/pg_ctl not found in PATH, pg_config --bindir or /usr/lib/postgresql/*/bin".to_owned())
}

fn running_as_root() -> bool {
    match std::process::Command::new("id").arg("-u").output() {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim() == "0",
        _ => std::env::var("USER").is_ok_and(|u| u == "root"),
    }
}

/// `bindir/tool`, wrapped in `runuser -u postgres --` when `as_postgres`.
fn pg_command(bindir: &Path, tool: &str, as_postgres: bool) -> std::process::Command {
    let exe = bindir.join(tool);
    if as_postgres {
        let mut cmd = std::process::Command::new("runuser");
        cmd.args(["-u", "postgres", "--"]).arg(exe);
        cmd
    } else {
        std::process::Command::new(exe)
    }
}

async fn run_checked(cmd: std::process::Command, what: &str) -> Result<(), String> {
    let mut cmd = tokio::process::Command::from(cmd);
    cmd.stdin(Stdio::null()).kill_on_drop(true);
    match tokio::time::timeout(Duration::from_secs(120), cmd.output()).await {
        Err(_) => Err(format!("{what} timed out")),
        Ok(Err(e)) => Err(format!("{what} could not run: {e}")),
        Ok(Ok(out)) if out.status.success() => Ok(()),
        Ok(Ok(out)) => Err(format!(
            "{what} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )),
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind 127.0.0.1:0 to pick a free port")
}

/// initdb + pg_ctl start in a fresh temporary directory. Panics with the tools' output on
/// failure: the binaries exist, so a failure is a broken environment, not a reason to skip.
async fn start_cluster(bindir: PathBuf) -> ThrowawayCluster {
    let as_postgres = running_as_root();
    let dir = tempfile::Builder::new()
        .prefix("aiup-pg-")
        .tempdir()
        .expect("create temp dir for PostgreSQL");
    if as_postgres {
        let mut chown = std::process::Command::new("chown");
        chown.arg("-R").arg("postgres:").arg(dir.path());
        if let Err(e) = run_checked(chown, "chown of the cluster directory to postgres").await {
            panic!("running as root, cannot hand the cluster directory to user postgres: {e}");
        }
    }
    let data = dir.path().join("data");
    let mut initdb = pg_command(&bindir, "initdb", as_postgres);
    initdb
        .arg("-D")
        .arg(&data)
        .args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"])
        .current_dir(dir.path());
    if let Err(e) = run_checked(initdb, "initdb").await {
        panic!(
            "cannot create a throwaway PostgreSQL cluster with {}: {e}",
            bindir.display()
        );
    }

    let log = dir.path().join("postgres.log");
    let mut last_err = String::new();
    for _attempt in 0..3 {
        let port = free_port();
        let mut start = pg_command(&bindir, "pg_ctl", as_postgres);
        start
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(&log)
            .args(["-w", "-t", "60", "-o"])
            .arg(format!(
                "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off \
                 -c synchronous_commit=off -c full_page_writes=off",
                dir.path().display()
            ))
            .arg("start")
            .current_dir(dir.path());
        match run_checked(start, "pg_ctl start").await {
            Ok(()) => {
                eprintln!(
                    "note: started throwaway PostgreSQL ({}) on 127.0.0.1:{port}{}",
                    bindir.display(),
                    if as_postgres { " as user postgres" } else { "" }
                );
                return ThrowawayCluster {
                    dir,
                    bindir,
                    as_postgres,
                    port,
                };
            }
            Err(e) => {
                let tail = std::fs::read_to_string(&log).unwrap_or_default();
                let tail: String = tail
                    .lines()
                    .rev()
                    .take(20)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect::<Vec<_>>()
                    .join("\n");
                last_err = format!("{e}\n--- postgres.log (tail) ---\n{tail}");
            }
        }
    }
    panic!("cannot start a throwaway PostgreSQL cluster: {last_err}");
}
