//! Conformance checks of the audit aggregate. They run after the regions and policy checks, whose
//! events they count.

use chrono::Days;

use super::{assert_event, audit_mark, events_after, raw_execute, raw_i64};
use crate::{
    seoul_date, AuditEvent, AuditFilter, Backend, Database, NewAuditEvent, ACTION_POLICY_ACTIVATE,
    ACTION_POLICY_IMPORT, ACTION_REGIONS_IMPORT,
};

pub(super) const CHECKS: &[&str] = &[
    "audit_events_newest_first_with_limit",
    "audit_append_stands_alone",
    "audit_filter_by_actor_and_action",
    "audit_filter_by_seoul_dates",
    "audit_pages_with_before_id",
    "audit_log_is_append_only",
];

pub(super) async fn run(db: &Database) {
    check!(db, audit_events_newest_first_with_limit);
    check!(db, audit_append_stands_alone);
    check!(db, audit_filter_by_actor_and_action);
    check!(db, audit_filter_by_seoul_dates);
    check!(db, audit_pages_with_before_id);
    check!(db, audit_log_is_append_only);
}

async fn events(db: &Database, filter: AuditFilter) -> Vec<AuditEvent> {
    db.audit().events(&filter).await.expect("audit events")
}

fn actions(events: &[AuditEvent]) -> Vec<&str> {
    events.iter().map(|e| e.action.as_str()).collect()
}

async fn append(db: &Database, actor: &str, action: &str) -> i64 {
    db.audit()
        .append(&NewAuditEvent {
            actor: actor.to_owned(),
            action: action.to_owned(),
            subject: format!("subject of {action}"),
            detail: serde_json::json!({ "by": actor, "note": "감사 기록 'quoted' \\ ✓" }),
        })
        .await
        .expect("append")
}

async fn audit_events_newest_first_with_limit(db: &Database) {
    let all = events(db, AuditFilter::newest(10_000)).await;
    // 3 region imports (A, B, A), 4 policy imports, 3 activations (1 by re-import, 2 explicit).
    assert_eq!(all.len(), 10, "total audit events: {all:#?}");
    assert!(all.windows(2).all(|w| w[0].id > w[1].id), "newest first by id");
    assert!(all.windows(2).all(|w| w[0].at >= w[1].at), "newest first by time");
    let count = |action: &str| all.iter().filter(|e| e.action == action).count();
    assert_eq!(count(ACTION_REGIONS_IMPORT), 3);
    assert_eq!(count(ACTION_POLICY_IMPORT), 4);
    assert_eq!(count(ACTION_POLICY_ACTIVATE), 3);
    assert!(all.iter().all(|e| !e.actor.is_empty() && !e.subject.is_empty()));
    assert!(all.iter().all(|e| e.seoul_date == seoul_date(e.at)), "{all:#?}");
    let two = events(db, AuditFilter::newest(2)).await;
    assert_eq!(two, all[..2].to_vec(), "limit keeps the newest");
    assert!(events(db, AuditFilter::newest(0)).await.is_empty());
    assert!(
        events(db, AuditFilter::newest(-5)).await.is_empty(),
        "a negative limit means none"
    );
    assert_eq!(
        events(db, AuditFilter::default()).await.len(),
        10,
        "the default limit is 100"
    );
}

async fn audit_append_stands_alone(db: &Database) {
    let mark = audit_mark(db).await;
    let id = append(db, "login:alice", "session.sign_in_failed").await;
    assert!(id > mark, "ids grow: {id} after {mark}");
    let new = events_after(db, mark).await;
    assert_eq!(new.len(), 1, "{new:?}");
    assert_eq!(new[0].id, id);
    assert_event(
        &new[0],
        "session.sign_in_failed",
        "login:alice",
        "subject of session.sign_in_failed",
    );
    assert_eq!(new[0].detail["note"], "감사 기록 'quoted' \\ ✓", "detail round-trips");
    let age = chrono::Utc::now() - new[0].at;
    assert!(age.num_seconds().abs() < 300, "stamped now: {:?}", new[0].at);
}

async fn audit_filter_by_actor_and_action(db: &Database) {
    for (actor, action) in [
        ("ops:filter", "test.alpha"),
        ("ops:filter", "test.beta"),
        ("ops:other", "test.alpha"),
        ("ops:filter", "testing.gamma"),
        ("ops:filter", "te_t.delta"),
        ("ops:filter", "test"),
    ] {
        append(db, actor, action).await;
    }
    let by = |actor: Option<&str>, action: Option<&str>| AuditFilter {
        actor: actor.map(str::to_owned),
        action: action.map(str::to_owned),
        ..AuditFilter::newest(1_000)
    };
    let mine = events(db, by(Some("ops:filter"), None)).await;
    assert_eq!(
        actions(&mine),
        vec!["test", "te_t.delta", "testing.gamma", "test.beta", "test.alpha"],
        "exact actor, newest first"
    );
    let alpha = events(db, by(None, Some("test.alpha"))).await;
    assert_eq!(alpha.len(), 2, "exact action: {alpha:?}");
    let prefix = events(db, by(None, Some("test."))).await;
    assert_eq!(
        actions(&prefix),
        vec!["test.alpha", "test.beta", "test.alpha"],
        "a prefix ends with '.' and matches whole segments only"
    );
    let both = events(db, by(Some("ops:filter"), Some("test."))).await;
    assert_eq!(actions(&both), vec!["test.beta", "test.alpha"]);
    let literal = events(db, by(None, Some("te_t."))).await;
    assert_eq!(actions(&literal), vec!["te_t.delta"], "`_` is not a wildcard");
    assert!(
        events(db, by(None, Some("tes%."))).await.is_empty(),
        "`%` is not a wildcard"
    );
    assert!(
        events(db, by(None, Some("TEST."))).await.is_empty(),
        "actions are case-sensitive"
    );
    assert!(
        events(db, by(Some("OPS:FILTER"), None)).await.is_empty(),
        "actors are case-sensitive"
    );
    let policy = events(db, by(None, Some("policy."))).await;
    assert_eq!(policy.len(), 7, "policy.import and policy.activate: {policy:?}");
}

async fn audit_filter_by_seoul_dates(db: &Database) {
    let all = events(db, AuditFilter::newest(10_000)).await;
    // Every event is from this run: one Seoul date, or two if the run crossed Seoul midnight.
    let (first, last) = (all[all.len() - 1].seoul_date, all[0].seoul_date);
    let between = |from: Option<chrono::NaiveDate>, to: Option<chrono::NaiveDate>| AuditFilter {
        from,
        to,
        ..AuditFilter::newest(10_000)
    };
    let before_first = first.checked_sub_days(Days::new(1)).expect("date");
    let after_last = last.checked_add_days(Days::new(1)).expect("date");
    assert_eq!(
        events(db, between(Some(first), Some(last))).await,
        all,
        "inclusive at both ends"
    );
    assert_eq!(events(db, between(Some(before_first), Some(after_last))).await, all);
    assert_eq!(events(db, between(Some(first), None)).await, all);
    assert_eq!(events(db, between(None, Some(last))).await, all);
    assert!(events(db, between(Some(after_last), None)).await.is_empty());
    assert!(events(db, between(None, Some(before_first))).await.is_empty());
    assert!(events(db, between(Some(after_last), Some(before_first)))
        .await
        .is_empty());
    if first == last {
        let today = events(db, between(Some(last), Some(last))).await;
        assert_eq!(today, all, "one day, from = to");
    }
}

async fn audit_pages_with_before_id(db: &Database) {
    let all = events(db, AuditFilter::newest(10_000)).await;
    let mut paged = Vec::new();
    let mut before_id = None;
    loop {
        let page = events(
            db,
            AuditFilter {
                before_id,
                ..AuditFilter::newest(3)
            },
        )
        .await;
        assert!(page.len() <= 3);
        let Some(last) = page.last() else { break };
        before_id = Some(last.id);
        paged.extend(page);
    }
    assert_eq!(paged, all, "pages of 3, newest first, make the whole log");
    let filtered = events(
        db,
        AuditFilter {
            action: Some("test.".to_owned()),
            before_id: Some(all[0].id),
            ..AuditFilter::newest(1)
        },
    )
    .await;
    assert_eq!(actions(&filtered), vec!["test.alpha"], "paging combines with a filter");
}

async fn audit_log_is_append_only(db: &Database) {
    let count = || raw_i64(db, "SELECT COUNT(*) FROM audit_events");
    let before = count().await.expect("count");
    let update = raw_execute(db, "UPDATE audit_events SET actor = 'intruder'").await;
    assert!(update.is_err(), "UPDATE of the audit log must fail: {update:?}");
    let delete = raw_execute(db, "DELETE FROM audit_events WHERE id > 0").await;
    assert!(delete.is_err(), "DELETE from the audit log must fail: {delete:?}");
    if db.backend() == Backend::Postgres {
        let truncate = raw_execute(db, "TRUNCATE audit_events").await;
        assert!(truncate.is_err(), "TRUNCATE of the audit log must fail: {truncate:?}");
    }
    assert_eq!(count().await.expect("count"), before, "nothing was changed");
    let intruders = raw_i64(db, "SELECT COUNT(*) FROM audit_events WHERE actor = 'intruder'").await;
    assert_eq!(intruders.expect("count"), 0);
    // Appending still works.
    append(db, "ops:after", "test.after").await;
    assert_eq!(count().await.expect("count"), before + 1);
}
