//! Conformance checks of the regions aggregate.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::{assert_event, audit_mark, events_after, fake_sha};
use crate::{AuditFilter, Database, ImportOutcome, RegionAliasRecord, RegionRecord, RegionSet, ACTION_REGIONS_IMPORT};

pub(super) const CHECKS: &[&str] = &[
    "regions_absent_before_first_import",
    "regions_import_round_trips_in_documented_order",
    "regions_same_sha_is_unchanged_without_audit_event",
    "regions_new_set_replaces_old_set_entirely",
    "regions_import_with_duplicate_code_fails_atomically",
    "regions_import_with_dangling_alias_fails_atomically",
    "regions_import_with_duplicate_name_fails_atomically",
    "regions_earlier_set_can_be_imported_again",
];

pub(super) async fn run(db: &Database) {
    check!(db, regions_absent_before_first_import);
    check!(db, regions_import_round_trips_in_documented_order);
    check!(db, regions_same_sha_is_unchanged_without_audit_event);
    check!(db, regions_new_set_replaces_old_set_entirely);
    check!(db, regions_import_with_duplicate_code_fails_atomically);
    check!(db, regions_import_with_dangling_alias_fails_atomically);
    check!(db, regions_import_with_duplicate_name_fails_atomically);
    check!(db, regions_earlier_set_can_be_imported_again);
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

async fn current_regions(db: &Database) -> RegionSet {
    db.regions()
        .current()
        .await
        .expect("current regions")
        .expect("a region set should be stored")
}

async fn regions_absent_before_first_import(db: &Database) {
    assert_eq!(db.regions().current().await.expect("current regions"), None);
    assert!(
        db.audit()
            .events(&AuditFilter::newest(100))
            .await
            .expect("audit events")
            .is_empty(),
        "a fresh store must have no audit events"
    );
}

async fn regions_import_round_trips_in_documented_order(db: &Database) {
    let mark = audit_mark(db).await;
    let set = region_set_a();
    let out = db.regions().replace(&set, "admin:kim").await.expect("import set A");
    assert_eq!(out, ImportOutcome::Imported);
    let stored = current_regions(db).await;
    assert_eq!(stored, sorted(set.clone()), "regions by code, aliases by alias");
    assert_ne!(stored.regions, set.regions, "test data must exercise ordering");
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 1, "one audit event per import: {events:?}");
    assert_event(&events[0], ACTION_REGIONS_IMPORT, "admin:kim", &set.sha256);
}

async fn regions_same_sha_is_unchanged_without_audit_event(db: &Database) {
    let mark = audit_mark(db).await;
    let out = db
        .regions()
        .replace(&region_set_a(), "admin:lee")
        .await
        .expect("re-import set A");
    assert_eq!(out, ImportOutcome::Unchanged);
    assert!(events_after(db, mark).await.is_empty(), "Unchanged must not audit");
    assert_eq!(current_regions(db).await, sorted(region_set_a()));
}

async fn regions_new_set_replaces_old_set_entirely(db: &Database) {
    let mark = audit_mark(db).await;
    let b = region_set_b();
    let out = db.regions().replace(&b, "admin:park").await.expect("import set B");
    assert_eq!(out, ImportOutcome::Imported);
    let stored = current_regions(db).await;
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
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_event(&events[0], ACTION_REGIONS_IMPORT, "admin:park", &b.sha256);
    assert_eq!(
        events[0].detail["before"]["sha256"],
        serde_json::json!(region_set_a().sha256)
    );
    assert_eq!(events[0].detail["after"]["sha256"], serde_json::json!(b.sha256));
}

async fn assert_failed_import_left_b_intact(db: &Database, bad: RegionSet, what: &str) {
    let mark = audit_mark(db).await;
    let res = db.regions().replace(&bad, "admin:bad").await;
    assert!(res.is_err(), "{what}: import must fail, got {res:?}");
    let stored = current_regions(db).await;
    assert_eq!(stored, sorted(region_set_b()), "{what}: previous set must be intact");
    assert!(
        events_after(db, mark).await.is_empty(),
        "{what}: a failed import must not audit"
    );
}

async fn regions_import_with_duplicate_code_fails_atomically(db: &Database) {
    let mut bad = region_set_a();
    bad.sha256 = fake_sha("regions-dup-code");
    // Valid rows first, so a non-transactional implementation would have written some.
    let mut dup = jongno();
    dup.name = "서울특별시 중복구".to_owned();
    bad.regions.push(dup);
    assert_failed_import_left_b_intact(db, bad, "duplicate region code").await;
}

async fn regions_import_with_dangling_alias_fails_atomically(db: &Database) {
    let mut bad = region_set_a();
    bad.sha256 = fake_sha("regions-dangling-alias");
    bad.aliases.push(alias("없는군", "99999", None, "no such region"));
    assert_failed_import_left_b_intact(db, bad, "alias to unknown code").await;
}

async fn regions_import_with_duplicate_name_fails_atomically(db: &Database) {
    let mut bad = region_set_a();
    bad.sha256 = fake_sha("regions-dup-name");
    let mut twin = andong();
    twin.name = pyeongchang().name;
    bad.regions.push(twin);
    assert_failed_import_left_b_intact(db, bad, "duplicate region name").await;
}

async fn regions_earlier_set_can_be_imported_again(db: &Database) {
    // Only the CURRENT set's sha counts as "unchanged".
    let out = db
        .regions()
        .replace(&region_set_a(), "admin:kim")
        .await
        .expect("re-import set A after B");
    assert_eq!(out, ImportOutcome::Imported);
    assert_eq!(current_regions(db).await, sorted(region_set_a()));
}
