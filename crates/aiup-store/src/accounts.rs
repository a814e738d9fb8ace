//! The accounts aggregate: staff accounts, their sessions and API tokens, and the sign-in
//! throttle.
//!
//! Storage only: hashing, expiry and policy live in the service layer, which passes hashes in.
//! No plaintext secret is stored: a session row holds a hash of the session id, a token row a
//! hash of the token. Audit details never hold a password hash, only `"password_changed": true`.

use std::fmt;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::StoreError;

/// Audit action: an account was created.
pub const ACTION_ACCOUNT_CREATE: &str = "account.create";
/// Audit action: an account was changed (name, role, scope, password, disabled).
pub const ACTION_ACCOUNT_UPDATE: &str = "account.update";
/// Audit action: a session was created (a sign-in).
pub const ACTION_SESSION_CREATE: &str = "session.create";
/// Audit action: one or more sessions were deleted (a sign-out, or "sign out elsewhere").
pub const ACTION_SESSION_DELETE: &str = "session.delete";
/// Audit action: an API token was created.
pub const ACTION_TOKEN_CREATE: &str = "token.create";
/// Audit action: an API token was revoked.
pub const ACTION_TOKEN_REVOKE: &str = "token.revoke";

/// A stored account. `Debug` prints `[redacted]` for the password hash.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct AccountRecord {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub scope: Option<String>,
    pub password_hash: String,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub password_changed_at: DateTime<Utc>,
}

impl fmt::Debug for AccountRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountRecord")
            .field("id", &self.id)
            .field("login", &self.login)
            .field("display_name", &self.display_name)
            .field("role", &self.role)
            .field("scope", &self.scope)
            .field("password_hash", &"[redacted]")
            .field("disabled", &self.disabled)
            .field("created_at", &self.created_at)
            .field("password_changed_at", &self.password_changed_at)
            .finish()
    }
}

/// An account to create. `Debug` prints `[redacted]` for the password hash.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAccount {
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub scope: Option<String>,
    pub password_hash: String,
}

impl fmt::Debug for NewAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewAccount")
            .field("login", &self.login)
            .field("display_name", &self.display_name)
            .field("role", &self.role)
            .field("scope", &self.scope)
            .field("password_hash", &"[redacted]")
            .finish()
    }
}

/// A change to an account: `None` leaves a field as it is (`scope: Some(None)` clears the
/// scope). `Debug` prints `[redacted]` for a new password hash.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountChange {
    pub display_name: Option<String>,
    pub role: Option<String>,
    pub scope: Option<Option<String>>,
    pub password_hash: Option<String>,
    pub disabled: Option<bool>,
}

impl fmt::Debug for AccountChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountChange")
            .field("display_name", &self.display_name)
            .field("role", &self.role)
            .field("scope", &self.scope)
            .field("password_hash", &self.password_hash.as_ref().map(|_| "[redacted]"))
            .field("disabled", &self.disabled)
            .finish()
    }
}

/// A session. `id_hash` is a hash of the session id (the service hashes); the id itself is
/// never stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct SessionRecord {
    pub id_hash: String,
    pub account_id: i64,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// The user agent, truncated by the service.
    pub client: String,
}

/// An API token to create; `token_hash` is a hash of the token, `prefix` its first few
/// characters (shown so that a person can tell tokens apart).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewToken {
    pub account_id: i64,
    pub name: String,
    pub token_hash: String,
    pub prefix: String,
    pub expires_at: DateTime<Utc>,
}

impl fmt::Debug for NewToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewToken")
            .field("account_id", &self.account_id)
            .field("name", &self.name)
            .field("token_hash", &"[redacted]")
            .field("prefix", &self.prefix)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// A stored API token (without its hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct TokenRecord {
    pub id: i64,
    pub account_id: i64,
    pub name: String,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// Accounts, sessions, API tokens and the sign-in throttle (`Database::accounts`).
///
/// Each mutating method but the `touch_*` ones and the throttle's takes the `actor` and writes
/// its audit event in the same transaction. Logins are unique case-insensitively (ASCII case:
/// SQLite's `lower()` folds ASCII only, so the service should keep logins ASCII).
#[async_trait]
pub trait AccountStore: Send + Sync + fmt::Debug {
    /// Creates an account ([`ACTION_ACCOUNT_CREATE`]). [`StoreError::Conflict`] if the login is
    /// taken (case-insensitively); then nothing is written.
    async fn create(&self, a: &NewAccount, actor: &str) -> Result<AccountRecord, StoreError>;

    /// The account with this login, case-insensitively.
    async fn by_login(&self, login: &str) -> Result<Option<AccountRecord>, StoreError>;

    /// The account with this id.
    async fn get(&self, id: i64) -> Result<Option<AccountRecord>, StoreError>;

    /// Every account, ordered by login.
    async fn list(&self) -> Result<Vec<AccountRecord>, StoreError>;

    /// How many accounts there are.
    async fn count(&self) -> Result<u64, StoreError>;

    /// Applies the change; disabling or changing the password also deletes all the account's
    /// sessions and revokes its tokens in the same transaction ([`ACTION_ACCOUNT_UPDATE`], with
    /// `before` and `after`). NotFound if no such account.
    async fn update(&self, id: i64, change: &AccountChange, actor: &str) -> Result<AccountRecord, StoreError>;

    /// Stores a session ([`ACTION_SESSION_CREATE`]). NotFound if the account does not exist;
    /// Conflict if a session with this id hash exists.
    async fn create_session(&self, s: &SessionRecord, actor: &str) -> Result<(), StoreError>;

    /// The session with this id hash, expired or not (the service decides).
    async fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>, StoreError>;

    /// Moves the session's `last_seen_at` to `at` (never backwards). Not audited; a missing
    /// session is not an error.
    async fn touch_session(&self, id_hash: &str, at: DateTime<Utc>) -> Result<(), StoreError>;

    /// Deletes one session ([`ACTION_SESSION_DELETE`] if there was one); whether it existed.
    async fn delete_session(&self, id_hash: &str, actor: &str) -> Result<bool, StoreError>;

    /// Deletes every session of the account except `keep` (if given); returns how many.
    async fn delete_sessions(&self, account_id: i64, keep: Option<&str>, actor: &str) -> Result<u64, StoreError>;

    /// The account's sessions, newest first.
    async fn sessions(&self, account_id: i64) -> Result<Vec<SessionRecord>, StoreError>;

    /// Stores an API token ([`ACTION_TOKEN_CREATE`]). NotFound if the account does not exist.
    async fn create_token(&self, t: &NewToken, actor: &str) -> Result<TokenRecord, StoreError>;

    /// The token with this hash, revoked or expired or not (the service decides).
    async fn token_by_hash(&self, token_hash: &str) -> Result<Option<TokenRecord>, StoreError>;

    /// The account's tokens, newest first.
    async fn tokens(&self, account_id: i64) -> Result<Vec<TokenRecord>, StoreError>;

    /// Revokes the token at `at` ([`ACTION_TOKEN_REVOKE`]); revoking a revoked token keeps its
    /// first revocation time and writes nothing.
    /// NotFound unless the token exists and belongs to `account_id`.
    async fn revoke_token(
        &self,
        account_id: i64,
        token_id: i64,
        at: DateTime<Utc>,
        actor: &str,
    ) -> Result<TokenRecord, StoreError>;

    /// Moves the token's `last_used_at` to `at` (never backwards). Not audited.
    async fn touch_token(&self, token_id: i64, at: DateTime<Utc>) -> Result<(), StoreError>;

    /// Sign-in throttle: records a failed attempt for `key` (e.g. "login:alice" or
    /// "addr:1.2.3.4") at `at`.
    async fn record_failure(&self, key: &str, at: DateTime<Utc>) -> Result<(), StoreError>;

    /// Failed attempts for `key` at or after `since`, and the time of the newest.
    async fn failures_since(&self, key: &str, since: DateTime<Utc>)
        -> Result<(u32, Option<DateTime<Utc>>), StoreError>;

    /// Forgets every failed attempt for `key` (after a successful sign-in).
    async fn clear_failures(&self, key: &str) -> Result<(), StoreError>;
}
