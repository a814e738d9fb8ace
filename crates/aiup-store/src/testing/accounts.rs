//! Conformance checks of the accounts aggregate.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::{assert_event, audit_mark, events_after};
use crate::{
    AccountChange, AccountRecord, AuditEvent, Database, NewAccount, NewToken, SessionRecord, StoreError,
    ACTION_ACCOUNT_CREATE, ACTION_ACCOUNT_UPDATE, ACTION_SESSION_CREATE, ACTION_SESSION_DELETE, ACTION_TOKEN_CREATE,
    ACTION_TOKEN_REVOKE,
};

pub(super) const CHECKS: &[&str] = &[
    "accounts_empty_before_first_account",
    "accounts_create_reads_back_case_insensitively",
    "accounts_duplicate_login_conflicts_atomically",
    "accounts_update_audits_before_and_after_without_the_hash",
    "accounts_update_of_unknown_account_is_not_found",
    "accounts_sessions_round_trip_newest_first",
    "accounts_sessions_are_deleted_one_or_all_but_one",
    "accounts_tokens_round_trip_and_revoke",
    "accounts_revoking_another_accounts_token_is_not_found",
    "accounts_disabling_or_new_password_ends_sessions_and_tokens",
    "accounts_failures_counted_per_key_and_window",
    "accounts_debug_redacts_secrets",
];

pub(super) async fn run(db: &Database) {
    check!(db, accounts_empty_before_first_account);
    check!(db, accounts_create_reads_back_case_insensitively);
    check!(db, accounts_duplicate_login_conflicts_atomically);
    check!(db, accounts_update_audits_before_and_after_without_the_hash);
    check!(db, accounts_update_of_unknown_account_is_not_found);
    check!(db, accounts_sessions_round_trip_newest_first);
    check!(db, accounts_sessions_are_deleted_one_or_all_but_one);
    check!(db, accounts_tokens_round_trip_and_revoke);
    check!(db, accounts_revoking_another_accounts_token_is_not_found);
    check!(db, accounts_disabling_or_new_password_ends_sessions_and_tokens);
    check!(db, accounts_failures_counted_per_key_and_window);
    check!(db, accounts_debug_redacts_secrets);
}

const ALICE_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$YWxpY2Utc2FsdA$alice-hash";
const ALICE_NEW_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$bmV3LXNhbHQ$alice-new-hash";
const BOB_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$Ym9iLXNhbHQ$bob-hash";

/// 2026-03-02 09:00:00 UTC plus `seconds`.
fn at(seconds: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("valid test time")
        + Duration::seconds(seconds)
}

fn new_account(login: &str, hash: &str) -> NewAccount {
    NewAccount {
        login: login.to_owned(),
        display_name: format!("{login} 님 \"따옴표\""),
        role: "operator".to_owned(),
        scope: Some("region:11".to_owned()),
        password_hash: hash.to_owned(),
    }
}

async fn account(db: &Database, login: &str) -> AccountRecord {
    db.accounts()
        .by_login(login)
        .await
        .expect("by_login")
        .unwrap_or_else(|| panic!("account {login} should exist"))
}

fn session(id_hash: &str, account_id: i64, created: i64) -> SessionRecord {
    SessionRecord {
        id_hash: id_hash.to_owned(),
        account_id,
        csrf_token: format!("csrf-{id_hash}"),
        created_at: at(created),
        last_seen_at: at(created),
        expires_at: at(created + 8 * 3600),
        client: "Mozilla/5.0 (X11; Linux x86_64) 크롬".to_owned(),
    }
}

fn token(account_id: i64, name: &str, expires: i64) -> NewToken {
    NewToken {
        account_id,
        name: name.to_owned(),
        token_hash: format!("sha256-of-{name}-{account_id}"),
        prefix: format!("aiup_{}", &name[..name.len().min(4)]),
        expires_at: at(expires),
    }
}

/// No secret (hash, token hash, session id hash, CSRF token) appears in the events.
#[track_caller]
fn assert_no_secrets(events: &[AuditEvent]) {
    for e in events {
        let text = e.detail.to_string();
        for secret in ["$argon2id", "password_hash", "sha256-of-", "csrf-", "sess-"] {
            assert!(!text.contains(secret), "audit detail shows `{secret}`: {e:?}");
        }
    }
}

async fn accounts_empty_before_first_account(db: &Database) {
    let accounts = db.accounts();
    assert_eq!(accounts.count().await.expect("count"), 0);
    assert!(accounts.list().await.expect("list").is_empty());
    assert!(accounts.by_login("alice").await.expect("by_login").is_none());
    assert!(accounts.get(1).await.expect("get").is_none());
    assert!(accounts.session("sess-none").await.expect("session").is_none());
    assert!(accounts.token_by_hash("sha256-of-none").await.expect("token").is_none());
}

async fn accounts_create_reads_back_case_insensitively(db: &Database) {
    let mark = audit_mark(db).await;
    let started = Utc::now() - Duration::seconds(5);
    let alice = db
        .accounts()
        .create(&new_account("Alice", ALICE_HASH), "setup")
        .await
        .expect("create Alice");
    assert_eq!(
        (
            alice.login.as_str(),
            alice.role.as_str(),
            alice.scope.as_deref(),
            alice.disabled
        ),
        ("Alice", "operator", Some("region:11"), false)
    );
    assert_eq!(alice.display_name, "Alice 님 \"따옴표\"");
    assert_eq!(alice.password_hash, ALICE_HASH, "the hash is stored as given");
    assert!(alice.created_at >= started && alice.password_changed_at == alice.created_at);
    let bob = db
        .accounts()
        .create(
            &NewAccount {
                scope: None,
                ..new_account("bob", BOB_HASH)
            },
            "admin:kim",
        )
        .await
        .expect("create bob");
    assert_eq!(bob.scope, None);
    for login in ["alice", "ALICE", "Alice", "aLiCe"] {
        assert_eq!(account(db, login).await, alice, "by_login({login})");
    }
    assert!(db.accounts().by_login("alic").await.expect("by_login").is_none());
    assert_eq!(db.accounts().get(alice.id).await.expect("get"), Some(alice.clone()));
    assert_eq!(db.accounts().get(bob.id).await.expect("get"), Some(bob.clone()));
    assert_eq!(
        db.accounts().list().await.expect("list"),
        vec![alice.clone(), bob.clone()],
        "by login"
    );
    assert_eq!(db.accounts().count().await.expect("count"), 2);
    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert_event(&events[0], ACTION_ACCOUNT_CREATE, "setup", "Alice");
    assert_event(&events[1], ACTION_ACCOUNT_CREATE, "admin:kim", "bob");
    assert_eq!(events[0].detail["after"]["role"], "operator");
    assert_eq!(events[0].detail["id"], alice.id);
    assert_no_secrets(&events);
}

async fn accounts_duplicate_login_conflicts_atomically(db: &Database) {
    let mark = audit_mark(db).await;
    for login in ["alice", "ALICE", "Bob"] {
        let err = db
            .accounts()
            .create(&new_account(login, "other-hash"), "admin:kim")
            .await
            .expect_err("a taken login must be refused");
        assert!(matches!(err, StoreError::Conflict { .. }), "{login}: {err:?}");
    }
    assert_eq!(db.accounts().count().await.expect("count"), 2);
    assert_eq!(account(db, "alice").await.password_hash, ALICE_HASH);
    assert!(
        events_after(db, mark).await.is_empty(),
        "a refused create must not audit"
    );
}

async fn accounts_update_audits_before_and_after_without_the_hash(db: &Database) {
    let alice = account(db, "alice").await;
    let mark = audit_mark(db).await;
    let change = AccountChange {
        display_name: Some("앨리스".to_owned()),
        role: Some("admin".to_owned()),
        scope: Some(None),
        ..AccountChange::default()
    };
    let updated = db
        .accounts()
        .update(alice.id, &change, "admin:kim")
        .await
        .expect("update");
    assert_eq!(
        (
            updated.display_name.as_str(),
            updated.role.as_str(),
            updated.scope.as_deref()
        ),
        ("앨리스", "admin", None)
    );
    assert_eq!(updated.password_hash, alice.password_hash, "untouched fields stay");
    assert_eq!(updated.password_changed_at, alice.password_changed_at);
    assert_eq!(db.accounts().get(alice.id).await.expect("get"), Some(updated.clone()));

    // Nothing to change: nothing written.
    let same = db
        .accounts()
        .update(alice.id, &AccountChange::default(), "admin:kim")
        .await
        .expect("empty change");
    assert_eq!(same, updated);

    let started = Utc::now() - Duration::seconds(5);
    let rehashed = db
        .accounts()
        .update(
            alice.id,
            &AccountChange {
                password_hash: Some(ALICE_NEW_HASH.to_owned()),
                ..AccountChange::default()
            },
            "alice",
        )
        .await
        .expect("new password");
    assert_eq!(rehashed.password_hash, ALICE_NEW_HASH);
    assert!(rehashed.password_changed_at >= started);

    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 2, "one event per real change: {events:?}");
    assert_event(&events[0], ACTION_ACCOUNT_UPDATE, "admin:kim", "Alice");
    let detail = &events[0].detail;
    // Names are personal data: the log keeps their hashes, never the names.
    let sha = |text: &str| {
        use sha2::Digest as _;
        sha2::Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    assert_eq!(
        detail["before"]["display_name_sha256"],
        sha(&alice.display_name).as_str()
    );
    assert_eq!(detail["after"]["display_name_sha256"], sha("앨리스").as_str());
    assert!(!detail.to_string().contains("앨리스"), "{detail}");
    assert_eq!(detail["before"]["role"], "operator");
    assert_eq!(detail["after"]["role"], "admin");
    assert_eq!(detail["before"]["scope"], "region:11");
    assert_eq!(detail["after"]["scope"], serde_json::Value::Null);
    assert!(detail.get("password_changed").is_none(), "{detail}");
    assert_event(&events[1], ACTION_ACCOUNT_UPDATE, "alice", "Alice");
    assert_eq!(events[1].detail["password_changed"], true);
    assert_no_secrets(&events);
}

async fn accounts_update_of_unknown_account_is_not_found(db: &Database) {
    let mark = audit_mark(db).await;
    let change = AccountChange {
        disabled: Some(true),
        ..AccountChange::default()
    };
    let err = db
        .accounts()
        .update(9_999_999, &change, "admin:kim")
        .await
        .expect_err("no such account");
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    assert!(events_after(db, mark).await.is_empty());
}

async fn accounts_sessions_round_trip_newest_first(db: &Database) {
    let (alice, bob) = (account(db, "alice").await, account(db, "bob").await);
    let mark = audit_mark(db).await;
    let mut first = session("sess-a1", alice.id, 0);
    // Sub-microsecond precision is dropped the same way on both backends.
    first.created_at += Duration::nanoseconds(123_456_789);
    db.accounts().create_session(&first, "alice").await.expect("session a1");
    let second = session("sess-a2", alice.id, 60);
    db.accounts()
        .create_session(&second, "alice")
        .await
        .expect("session a2");
    let expired = SessionRecord {
        expires_at: at(-1),
        ..session("sess-a0", alice.id, -3600)
    };
    db.accounts()
        .create_session(&expired, "alice")
        .await
        .expect("expired session");
    db.accounts()
        .create_session(&session("sess-b1", bob.id, 30), "bob")
        .await
        .expect("session b1");

    let stored = db
        .accounts()
        .session("sess-a1")
        .await
        .expect("session")
        .expect("a1 stored");
    assert_eq!(
        stored.created_at,
        at(0) + Duration::microseconds(123_456),
        "microseconds kept"
    );
    assert_eq!(
        SessionRecord {
            created_at: first.created_at,
            ..stored
        },
        first
    );
    assert_eq!(
        db.accounts().session("sess-a0").await.expect("session"),
        Some(expired.clone()),
        "an expired session is still returned"
    );
    let ids: Vec<String> = db
        .accounts()
        .sessions(alice.id)
        .await
        .expect("sessions")
        .into_iter()
        .map(|s| s.id_hash)
        .collect();
    assert_eq!(ids, ["sess-a2", "sess-a1", "sess-a0"], "newest first");

    db.accounts().touch_session("sess-a2", at(600)).await.expect("touch");
    db.accounts()
        .touch_session("sess-a2", at(300))
        .await
        .expect("touch back");
    db.accounts()
        .touch_session("sess-none", at(300))
        .await
        .expect("touch missing");
    let touched = db.accounts().session("sess-a2").await.expect("session").expect("a2");
    assert_eq!(touched.last_seen_at, at(600), "last_seen_at never moves back");

    let missing = db
        .accounts()
        .create_session(&session("sess-x", 9_999_999, 0), "x")
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound { .. })), "{missing:?}");
    let twice = db
        .accounts()
        .create_session(&session("sess-a1", alice.id, 5), "alice")
        .await;
    assert!(matches!(twice, Err(StoreError::Conflict { .. })), "{twice:?}");

    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 4, "one event per session created: {events:?}");
    assert_event(&events[0], ACTION_SESSION_CREATE, "alice", "Alice");
    assert_event(&events[3], ACTION_SESSION_CREATE, "bob", "bob");
    assert_eq!(events[0].detail["account_id"], alice.id);
    assert_no_secrets(&events);
}

async fn accounts_sessions_are_deleted_one_or_all_but_one(db: &Database) {
    let (alice, bob) = (account(db, "alice").await, account(db, "bob").await);
    let mark = audit_mark(db).await;
    assert!(db
        .accounts()
        .delete_session("sess-a0", "alice")
        .await
        .expect("delete a0"));
    assert!(!db
        .accounts()
        .delete_session("sess-a0", "alice")
        .await
        .expect("delete again"));
    assert!(db.accounts().session("sess-a0").await.expect("session").is_none());
    db.accounts()
        .create_session(&session("sess-a3", alice.id, 120), "alice")
        .await
        .expect("session a3");
    let deleted = db
        .accounts()
        .delete_sessions(alice.id, Some("sess-a2"), "alice")
        .await
        .expect("sign out elsewhere");
    assert_eq!(deleted, 2, "a1 and a3 go, a2 stays");
    let left: Vec<String> = db
        .accounts()
        .sessions(alice.id)
        .await
        .expect("sessions")
        .into_iter()
        .map(|s| s.id_hash)
        .collect();
    assert_eq!(left, ["sess-a2"]);
    assert_eq!(
        db.accounts()
            .delete_sessions(alice.id, Some("sess-a2"), "alice")
            .await
            .expect("again"),
        0
    );
    assert_eq!(
        db.accounts().sessions(bob.id).await.expect("sessions").len(),
        1,
        "bob's stay"
    );
    let events = events_after(db, mark).await;
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [ACTION_SESSION_DELETE, ACTION_SESSION_CREATE, ACTION_SESSION_DELETE],
        "deleting nothing writes nothing: {events:?}"
    );
    assert_event(&events[2], ACTION_SESSION_DELETE, "alice", "Alice");
    assert_eq!(events[2].detail["sessions"], 2);
    assert_no_secrets(&events);
}

async fn accounts_tokens_round_trip_and_revoke(db: &Database) {
    let alice = account(db, "alice").await;
    let mark = audit_mark(db).await;
    let started = Utc::now() - Duration::seconds(5);
    let ci = db
        .accounts()
        .create_token(&token(alice.id, "ci", 86_400), "alice")
        .await
        .expect("token ci");
    let report = db
        .accounts()
        .create_token(&token(alice.id, "report", 3_600), "alice")
        .await
        .expect("token report");
    assert_eq!(
        (ci.account_id, ci.name.as_str(), ci.prefix.as_str()),
        (alice.id, "ci", "aiup_ci")
    );
    assert_eq!(
        (ci.expires_at, ci.revoked_at, ci.last_used_at),
        (at(86_400), None, None)
    );
    assert!(ci.created_at >= started);
    assert_eq!(
        db.accounts()
            .token_by_hash(&format!("sha256-of-ci-{}", alice.id))
            .await
            .expect("by hash"),
        Some(ci.clone())
    );
    assert!(db
        .accounts()
        .token_by_hash("sha256-of-ci")
        .await
        .expect("by hash")
        .is_none());
    assert_eq!(
        db.accounts().tokens(alice.id).await.expect("tokens"),
        vec![report.clone(), ci.clone()],
        "newest first"
    );
    let again = db.accounts().create_token(&token(alice.id, "ci", 60), "alice").await;
    assert!(
        matches!(again, Err(StoreError::Conflict { .. })),
        "same hash: {again:?}"
    );
    let missing = db.accounts().create_token(&token(9_999_999, "ghost", 60), "x").await;
    assert!(matches!(missing, Err(StoreError::NotFound { .. })), "{missing:?}");

    db.accounts().touch_token(ci.id, at(100)).await.expect("touch");
    db.accounts().touch_token(ci.id, at(50)).await.expect("touch back");
    let used = db.accounts().tokens(alice.id).await.expect("tokens");
    assert_eq!(used[1].last_used_at, Some(at(100)), "last_used_at never moves back");

    let revoked = db
        .accounts()
        .revoke_token(alice.id, report.id, at(200), "alice")
        .await
        .expect("revoke");
    assert_eq!(revoked.revoked_at, Some(at(200)));
    let twice = db
        .accounts()
        .revoke_token(alice.id, report.id, at(300), "alice")
        .await
        .expect("revoke again");
    assert_eq!(twice.revoked_at, Some(at(200)), "the first revocation stands");
    assert_eq!(db.accounts().tokens(alice.id).await.expect("tokens")[0], revoked);

    let events = events_after(db, mark).await;
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [ACTION_TOKEN_CREATE, ACTION_TOKEN_CREATE, ACTION_TOKEN_REVOKE],
        "{events:?}"
    );
    assert_event(&events[2], ACTION_TOKEN_REVOKE, "alice", "Alice");
    assert_eq!(events[2].detail["token_id"], report.id);
    assert_eq!(events[2].detail["before"]["revoked_at"], serde_json::Value::Null);
    assert!(events[2].detail["after"]["revoked_at"].is_string());
    assert_no_secrets(&events);
}

async fn accounts_revoking_another_accounts_token_is_not_found(db: &Database) {
    let (alice, bob) = (account(db, "alice").await, account(db, "bob").await);
    let bobs = db
        .accounts()
        .create_token(&token(bob.id, "bobs", 86_400), "bob")
        .await
        .expect("token");
    let mark = audit_mark(db).await;
    let err = db
        .accounts()
        .revoke_token(alice.id, bobs.id, at(10), "alice")
        .await
        .expect_err("alice cannot revoke bob's token");
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    let err = db
        .accounts()
        .revoke_token(bob.id, 9_999_999, at(10), "bob")
        .await
        .expect_err("no such token");
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    assert_eq!(
        db.accounts().tokens(bob.id).await.expect("tokens"),
        vec![bobs],
        "untouched"
    );
    assert!(events_after(db, mark).await.is_empty());
}

async fn accounts_disabling_or_new_password_ends_sessions_and_tokens(db: &Database) {
    let (alice, bob) = (account(db, "alice").await, account(db, "bob").await);
    assert_eq!(db.accounts().sessions(bob.id).await.expect("sessions").len(), 1);
    let mark = audit_mark(db).await;
    let disabled = db
        .accounts()
        .update(
            bob.id,
            &AccountChange {
                disabled: Some(true),
                ..AccountChange::default()
            },
            "admin:kim",
        )
        .await
        .expect("disable bob");
    assert!(disabled.disabled);
    assert!(db.accounts().sessions(bob.id).await.expect("sessions").is_empty());
    assert!(db.accounts().session("sess-b1").await.expect("session").is_none());
    let tokens = db.accounts().tokens(bob.id).await.expect("tokens");
    assert!(
        !tokens.is_empty() && tokens.iter().all(|t| t.revoked_at.is_some()),
        "{tokens:?}"
    );
    // Alice's are untouched by bob's change...
    assert_eq!(db.accounts().sessions(alice.id).await.expect("sessions").len(), 1);
    let alices = db.accounts().tokens(alice.id).await.expect("tokens");
    assert_eq!(alices.iter().filter(|t| t.revoked_at.is_none()).count(), 1);
    // ...until her password changes.
    db.accounts()
        .update(
            alice.id,
            &AccountChange {
                password_hash: Some(ALICE_HASH.to_owned()),
                ..AccountChange::default()
            },
            "alice",
        )
        .await
        .expect("new password");
    assert!(db.accounts().sessions(alice.id).await.expect("sessions").is_empty());
    let alices = db.accounts().tokens(alice.id).await.expect("tokens");
    assert!(alices.iter().all(|t| t.revoked_at.is_some()), "{alices:?}");
    assert_eq!(alices[0].revoked_at, Some(at(200)), "an earlier revocation stands");

    let events = events_after(db, mark).await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert_event(&events[0], ACTION_ACCOUNT_UPDATE, "admin:kim", "bob");
    assert_eq!(events[0].detail["before"]["disabled"], false);
    assert_eq!(events[0].detail["after"]["disabled"], true);
    assert_eq!(
        (
            events[0].detail["sessions_deleted"].as_u64(),
            events[0].detail["tokens_revoked"].as_u64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(events[1].detail["password_changed"], true);
    assert_eq!(events[1].detail["sessions_deleted"], 1);
    assert_no_secrets(&events);
}

async fn accounts_failures_counted_per_key_and_window(db: &Database) {
    let accounts = db.accounts();
    let mark = audit_mark(db).await;
    assert_eq!(
        accounts.failures_since("login:alice", at(0)).await.expect("failures"),
        (0, None)
    );
    for (key, second) in [
        ("login:alice", 10),
        ("login:alice", 20),
        ("addr:10.0.0.7", 25),
        ("login:alice", 30),
        ("login:ALICE", 40),
    ] {
        accounts.record_failure(key, at(second)).await.expect("record failure");
    }
    assert_eq!(
        accounts.failures_since("login:alice", at(0)).await.expect("failures"),
        (3, Some(at(30)))
    );
    assert_eq!(
        accounts.failures_since("login:alice", at(20)).await.expect("failures"),
        (2, Some(at(30))),
        "at or after `since`"
    );
    assert_eq!(
        accounts.failures_since("login:alice", at(31)).await.expect("failures"),
        (0, None)
    );
    assert_eq!(
        accounts.failures_since("addr:10.0.0.7", at(0)).await.expect("failures"),
        (1, Some(at(25)))
    );
    assert_eq!(
        accounts.failures_since("login:ALICE", at(0)).await.expect("failures"),
        (1, Some(at(40))),
        "keys are exact"
    );
    accounts.clear_failures("login:alice").await.expect("clear");
    assert_eq!(
        accounts.failures_since("login:alice", at(0)).await.expect("failures"),
        (0, None)
    );
    assert_eq!(
        accounts
            .failures_since("addr:10.0.0.7", at(0))
            .await
            .expect("failures")
            .0,
        1
    );
    assert!(events_after(db, mark).await.is_empty(), "the throttle is not audited");
}

async fn accounts_debug_redacts_secrets(db: &Database) {
    let alice = account(db, "alice").await;
    let shown = format!("{alice:?} {:?}", new_account("carol", ALICE_HASH));
    let change = AccountChange {
        password_hash: Some(ALICE_NEW_HASH.to_owned()),
        ..AccountChange::default()
    };
    let shown = format!("{shown} {change:?} {:?}", token(alice.id, "ci", 1));
    assert!(!shown.contains("argon2") && !shown.contains("sha256-of-"), "{shown}");
    assert!(shown.contains("[redacted]") && shown.contains("Alice"), "{shown}");
}
