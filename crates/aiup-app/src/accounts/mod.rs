//! Accounts and access: who is calling, what their role lets them do, and the services that
//! sign people in and out, issue API tokens and manage accounts.
//!
//! Sessions live in the database (server-side): the cookie holds a random id, the store holds
//! only its hash. Every change is audited by the store in the same transaction.

pub mod password;
pub mod role;
mod secret;
mod session;
mod token;
mod users;

pub use password::Password;
pub use role::{Permission, Role, ScopeKind};
pub use secret::constant_time_eq;
pub use session::{SignIn, SignedIn};
pub use token::{IssuedToken, TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS};
pub use users::{AccountUpdate, NewUser};

use crate::{AppError, Clock, Code};
use aiup_store::AccountRecord;
use aiup_store::Database;
use chrono::Duration;
use serde::Serialize;

/// Time limits of sign-in and sessions. The defaults follow OWASP's session guidance for an
/// administrative application; an operator may change them.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// A session unused this long ends.
    pub idle_timeout: Duration,
    /// A session ends this long after sign-in, however much it is used.
    pub absolute_timeout: Duration,
    /// How often a session's last use is written (fewer writes; the idle limit is this coarse).
    pub touch_every: Duration,
    /// Failed sign-ins are counted over this window.
    pub failure_window: Duration,
    /// Failures for one login allowed in the window before waits begin.
    pub free_failures_per_login: u32,
    /// The first wait; each further failure doubles it.
    pub first_wait: Duration,
    /// No wait is longer than this, so nobody else can lock an account for good.
    pub longest_wait: Duration,
    /// Failures from one client address allowed in the window before it must wait.
    pub failures_per_address: u32,
}

impl Default for AuthSettings {
    fn default() -> AuthSettings {
        AuthSettings {
            idle_timeout: Duration::minutes(30),
            absolute_timeout: Duration::hours(12),
            touch_every: Duration::minutes(1),
            failure_window: Duration::minutes(15),
            free_failures_per_login: 5,
            first_wait: Duration::seconds(30),
            longest_wait: Duration::minutes(15),
            failures_per_address: 30,
        }
    }
}

/// How the caller proved who they are.
#[derive(Clone, PartialEq, Eq)]
pub enum Via {
    /// A signed-in browser session: its stored id hash and its CSRF token.
    Session { id_hash: String, csrf_token: String },
    /// An API token.
    Token { id: i64 },
}

impl std::fmt::Debug for Via {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Via::Session { .. } => f.write_str("Session([redacted])"),
            Via::Token { id } => write!(f, "Token({id})"),
        }
    }
}

/// A signed-in caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub account_id: i64,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    /// The institution, centre or programmes the account is limited to.
    pub scope: Option<String>,
    pub via: Via,
}

impl Actor {
    fn from_record(account: &AccountRecord, via: Via) -> Option<Actor> {
        Some(Actor {
            account_id: account.id,
            login: account.login.clone(),
            display_name: account.display_name.clone(),
            role: Role::parse(&account.role)?,
            scope: account.scope.clone(),
            via,
        })
    }

    pub fn allows(&self, permission: Permission) -> bool {
        self.role.allows(permission)
    }

    /// Refuses with 403 unless the role allows `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        if self.allows(permission) {
            Ok(())
        } else {
            Err(AppError::forbidden(format!(
                "the role {} may not do this",
                self.role.as_str()
            )))
        }
    }

    /// Whether the caller may see the records of institution `id`: staff only their own.
    pub fn sees_institution(&self, id: &str) -> bool {
        match self.role {
            Role::InstitutionStaff => self.scope.as_deref() == Some(id),
            role => role.allows(Permission::ReadInstitutionRecords),
        }
    }

    /// The name written in the audit log for this caller's changes: the login, as the audit
    /// log's "who" filter takes it.
    pub fn audit_name(&self) -> String {
        self.login.clone()
    }

    /// The session's CSRF token, if the caller came with a session.
    pub fn csrf_token(&self) -> Option<&str> {
        match &self.via {
            Via::Session { csrf_token, .. } => Some(csrf_token),
            Via::Token { .. } => None,
        }
    }
}

/// An account as it is shown: never its password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountView {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Option<String>,
    pub disabled: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub password_changed_at: chrono::DateTime<chrono::Utc>,
}

impl AccountView {
    fn from_record(record: &AccountRecord) -> Result<AccountView, AppError> {
        Ok(AccountView {
            id: record.id,
            login: record.login.clone(),
            display_name: record.display_name.clone(),
            role: Role::parse(&record.role)
                .ok_or_else(|| AppError::internal(&format_args!("account {} has role {}", record.id, record.role)))?,
            scope: record.scope.clone(),
            disabled: record.disabled,
            created_at: record.created_at,
            password_changed_at: record.password_changed_at,
        })
    }
}

/// The accounts services over one database, clock and settings, and the policy in force
/// (which names the programmes a scope may list).
#[derive(Debug, Clone)]
pub struct Accounts<'a> {
    pub(crate) db: &'a Database,
    pub(crate) clock: &'a Clock,
    pub(crate) settings: &'a AuthSettings,
    pub(crate) engine: std::sync::Arc<aiup_rules::Engine>,
}

impl<'a> Accounts<'a> {
    pub fn new(
        db: &'a Database,
        clock: &'a Clock,
        settings: &'a AuthSettings,
        engine: std::sync::Arc<aiup_rules::Engine>,
    ) -> Accounts<'a> {
        Accounts {
            db,
            clock,
            settings,
            engine,
        }
    }

    pub fn settings(&self) -> &AuthSettings {
        self.settings
    }
}

/// A login: 3 to 64 characters of lower-case letters, digits and `.`, `_`, `-`, `@`.
pub fn parse_login(text: &str) -> Result<String, AppError> {
    let login = text.trim().to_lowercase();
    let ok_chars = login
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-' | '@'));
    if !(3..=64).contains(&login.chars().count()) || !ok_chars {
        return Err(AppError::field(
            Code::InvalidField,
            "login",
            "a login is 3 to 64 characters: letters a–z, digits, and . _ - @",
        ));
    }
    Ok(login)
}

/// A display name: 1 to 100 characters with no control characters.
pub fn parse_display_name(text: &str) -> Result<String, AppError> {
    let name = text.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(AppError::field(
            Code::InvalidField,
            "display_name",
            "a name is 1 to 100 characters with no control characters",
        ));
    }
    Ok(name.to_owned())
}

/// A fresh random token for a form posted before sign-in (the double-submit CSRF cookie).
pub fn form_token() -> Result<String, AppError> {
    secret::random_hex(32)
}

/// Blocking work (password hashing) off the async workers.
pub(crate) async fn off_runtime<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::internal(&e))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_are_lower_case_and_bounded() {
        assert_eq!(parse_login(" Kim.J@hrd ").unwrap(), "kim.j@hrd");
        assert!(parse_login("ab").is_err());
        assert!(parse_login("kim jihoon").is_err());
        assert!(parse_login("김지훈").is_err());
    }

    #[test]
    fn debug_hides_the_csrf_token() {
        let via = Via::Session {
            id_hash: "secret-hash".into(),
            csrf_token: "secret-csrf".into(),
        };
        assert!(!format!("{via:?}").contains("secret"));
    }
}
