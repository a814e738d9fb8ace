//! Signing in and out, the sign-in throttle, and finding the caller of a session cookie.

use super::password::{self, Password};
use super::secret::{random_hex, stored_form};
use super::{off_runtime, Accounts, Actor, Via};
use crate::{AppError, Code};
use aiup_store::NewAuditEvent;
use aiup_store::SessionRecord;
use chrono::{DateTime, Duration, Utc};

/// A sign-in attempt.
#[derive(Debug, Clone)]
pub struct SignIn {
    pub login: String,
    pub password: Password,
    /// The client's address, for the per-address throttle.
    pub client_address: String,
    /// The client's user agent, shown in the list of sessions.
    pub client: String,
    /// A session cookie the browser already had: it is ended, so an id planted before sign-in
    /// is never signed in.
    pub previous_session: Option<String>,
}

/// A new session. The cookie value is the only copy of the session id.
#[derive(Clone)]
pub struct SignedIn {
    pub cookie_value: String,
    pub actor: Actor,
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for SignedIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedIn")
            .field("cookie_value", &"[redacted]")
            .field("actor", &self.actor)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

fn login_key(login: &str) -> String {
    format!("login:{}", login.trim().to_lowercase())
}

/// The throttle's key for a client address: a hash, so the store keeps no addresses.
fn address_key(address: &str) -> String {
    format!("address:{}", stored_form(address))
}

fn too_many(wait: Duration) -> AppError {
    let seconds = wait.num_seconds().max(1);
    let minutes = (seconds + 59) / 60;
    AppError::new(
        Code::TooManyAttempts,
        Some("login"),
        format!("too many failed sign-ins; try again in {seconds} s (about {minutes} min)"),
    )
}

impl Accounts<'_> {
    /// How long `key` must still wait before another try, if at all.
    async fn wait_for(&self, key: &str, free: u32, now: DateTime<Utc>) -> Result<Option<Duration>, AppError> {
        let s = self.settings;
        let (count, newest) = self.db.accounts().failures_since(key, now - s.failure_window).await?;
        let Some(newest) = newest.filter(|_| count >= free) else {
            return Ok(None);
        };
        let doublings = (count - free).min(20);
        let wait = (s.first_wait * 2i32.pow(doublings)).min(s.longest_wait);
        let left = newest + wait - now;
        Ok((left > Duration::zero()).then_some(left))
    }

    /// The wait in force for this login or address, in seconds; 0 if none.
    pub async fn throttle_wait(&self, login: &str, address: &str) -> Result<i64, AppError> {
        let now = self.clock.now();
        let by_login = self
            .wait_for(&login_key(login), self.settings.free_failures_per_login, now)
            .await?;
        let by_address = self
            .wait_for(&address_key(address), self.settings.failures_per_address, now)
            .await?;
        Ok(by_login.max(by_address).map_or(0, |d| d.num_seconds().max(1)))
    }

    /// Checks the password and opens a new session. Throttled per login and per address; a
    /// throttled attempt is refused before the password is looked at, and is not counted.
    pub async fn sign_in(&self, attempt: SignIn) -> Result<SignedIn, AppError> {
        let now = self.clock.now();
        let wait = self.throttle_wait(&attempt.login, &attempt.client_address).await?;
        if wait > 0 {
            return Err(too_many(Duration::seconds(wait)));
        }
        let accounts = self.db.accounts();
        let login = attempt.login.trim().to_lowercase();
        let account = accounts.by_login(&login).await?;
        let hash = account
            .as_ref()
            .map_or_else(|| password::decoy_hash().to_owned(), |a| a.password_hash.clone());
        let password = attempt.password.clone();
        let matches = off_runtime(move || Ok(password::verify(&password, &hash))).await?;
        let account = match account {
            Some(account) if matches && !account.disabled => account,
            _ => {
                accounts.record_failure(&login_key(&login), now).await?;
                accounts
                    .record_failure(&address_key(&attempt.client_address), now)
                    .await?;
                self.db
                    .audit()
                    .append(&NewAuditEvent {
                        actor: login.clone(),
                        action: "session.sign_in_failed".to_owned(),
                        subject: format!("account {login}"),
                        detail: serde_json::json!({ "address_sha256": stored_form(&attempt.client_address) }),
                    })
                    .await?;
                return Err(AppError::new(
                    Code::InvalidCredentials,
                    Some("login"),
                    "the login or the password is wrong",
                ));
            }
        };
        accounts.clear_failures(&login_key(&login)).await?;
        if let Some(previous) = &attempt.previous_session {
            accounts.delete_session(&stored_form(previous), &login).await?;
        }
        self.open_session(&account, &attempt.client, now).await
    }

    /// A new session for `account` (after sign-in, or after a password change).
    pub(crate) async fn open_session(
        &self,
        account: &aiup_store::AccountRecord,
        client: &str,
        now: DateTime<Utc>,
    ) -> Result<SignedIn, AppError> {
        let cookie_value = random_hex(32)?;
        let record = SessionRecord {
            id_hash: stored_form(&cookie_value),
            account_id: account.id,
            csrf_token: random_hex(32)?,
            created_at: now,
            last_seen_at: now,
            expires_at: now + self.settings.absolute_timeout,
            client: client.chars().take(200).collect(),
        };
        self.db.accounts().create_session(&record, &account.login).await?;
        let via = Via::Session {
            id_hash: record.id_hash.clone(),
            csrf_token: record.csrf_token.clone(),
        };
        let actor =
            Actor::from_record(account, via).ok_or_else(|| AppError::internal(&"an account has an unknown role"))?;
        Ok(SignedIn {
            cookie_value,
            actor,
            expires_at: record.expires_at,
        })
    }

    /// The caller of a session cookie, if the session is live and its account enabled.
    /// Ended sessions (idle or past their absolute limit) are deleted on sight.
    pub async fn session_actor(&self, cookie_value: &str) -> Result<Option<Actor>, AppError> {
        let now = self.clock.now();
        let accounts = self.db.accounts();
        let id_hash = stored_form(cookie_value);
        let Some(session) = accounts.session(&id_hash).await? else {
            return Ok(None);
        };
        if now >= session.expires_at || now - session.last_seen_at >= self.settings.idle_timeout {
            accounts.delete_session(&id_hash, "aiup (session timed out)").await?;
            return Ok(None);
        }
        let Some(account) = accounts.get(session.account_id).await?.filter(|a| !a.disabled) else {
            return Ok(None);
        };
        if now - session.last_seen_at >= self.settings.touch_every {
            accounts.touch_session(&id_hash, now).await?;
        }
        Ok(Actor::from_record(
            &account,
            Via::Session {
                id_hash,
                csrf_token: session.csrf_token,
            },
        ))
    }

    /// Ends the caller's session.
    pub async fn sign_out(&self, actor: &Actor) -> Result<(), AppError> {
        if let Via::Session { id_hash, .. } = &actor.via {
            self.db.accounts().delete_session(id_hash, &actor.audit_name()).await?;
        }
        Ok(())
    }

    /// Ends every session of the caller's account, or every one but the current.
    pub async fn sign_out_all(&self, actor: &Actor, keep_current: bool) -> Result<u64, AppError> {
        let keep = match (&actor.via, keep_current) {
            (Via::Session { id_hash, .. }, true) => Some(id_hash.as_str()),
            _ => None,
        };
        Ok(self
            .db
            .accounts()
            .delete_sessions(actor.account_id, keep, &actor.audit_name())
            .await?)
    }

    /// The caller's live sessions, newest first, with whether each is the current one.
    pub async fn my_sessions(&self, actor: &Actor) -> Result<Vec<(SessionRecord, bool)>, AppError> {
        let now = self.clock.now();
        let current = match &actor.via {
            Via::Session { id_hash, .. } => Some(id_hash.clone()),
            Via::Token { .. } => None,
        };
        Ok(self
            .db
            .accounts()
            .sessions(actor.account_id)
            .await?
            .into_iter()
            .filter(|s| now < s.expires_at && now - s.last_seen_at < self.settings.idle_timeout)
            .map(|s| {
                let is_current = current.as_deref() == Some(s.id_hash.as_str());
                (s, is_current)
            })
            .collect())
    }
}
