//! API tokens for machine clients: made per account, shown once, stored hashed, with an
//! expiry, revocable, and acting with the account's role (never more).

use super::secret::{random_hex, stored_form};
use super::{Accounts, Actor, Via};
use crate::{AppError, Code};
use aiup_store::{NewToken, TokenRecord};
use chrono::Duration;

/// The life of a token when none is asked for, in days.
pub const TOKEN_DEFAULT_DAYS: i64 = 90;
/// The longest life a token may have, in days.
pub const TOKEN_MAX_DAYS: i64 = 365;

/// A token just made: `secret` is its only copy, shown once.
#[derive(Clone)]
pub struct IssuedToken {
    pub record: TokenRecord,
    pub secret: String,
}

impl std::fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedToken")
            .field("record", &self.record)
            .field("secret", &"[redacted]")
            .finish()
    }
}

impl Accounts<'_> {
    /// Makes a token for the caller's own account.
    pub async fn create_token(&self, actor: &Actor, name: &str, days: Option<i64>) -> Result<IssuedToken, AppError> {
        self.issue_token(actor.account_id, name, days, &actor.audit_name())
            .await
    }

    /// Makes a token for `account_id` (also used by the CLI).
    pub async fn issue_token(
        &self,
        account_id: i64,
        name: &str,
        days: Option<i64>,
        audit_actor: &str,
    ) -> Result<IssuedToken, AppError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
            return Err(AppError::field(
                Code::InvalidField,
                "name",
                "a token name is 1 to 100 characters with no control characters",
            ));
        }
        let days = days.unwrap_or(TOKEN_DEFAULT_DAYS);
        if !(1..=TOKEN_MAX_DAYS).contains(&days) {
            return Err(AppError::field(
                Code::InvalidField,
                "days",
                format!("a token lasts 1 to {TOKEN_MAX_DAYS} days"),
            ));
        }
        let prefix = random_hex(4)?;
        let secret = format!("aiup_{prefix}_{}", random_hex(32)?);
        let record = self
            .db
            .accounts()
            .create_token(
                &NewToken {
                    account_id,
                    name: name.to_owned(),
                    token_hash: stored_form(&secret),
                    prefix,
                    expires_at: self.clock.now() + Duration::days(days),
                },
                audit_actor,
            )
            .await?;
        Ok(IssuedToken { record, secret })
    }

    /// The caller of a bearer token, if the token is live and its account enabled.
    pub async fn token_actor(&self, secret: &str) -> Result<Option<Actor>, AppError> {
        if !secret.starts_with("aiup_") || secret.len() > 128 {
            return Ok(None);
        }
        let now = self.clock.now();
        let accounts = self.db.accounts();
        let Some(token) = accounts.token_by_hash(&stored_form(secret)).await? else {
            return Ok(None);
        };
        if token.revoked_at.is_some() || now >= token.expires_at {
            return Ok(None);
        }
        let Some(account) = accounts.get(token.account_id).await?.filter(|a| !a.disabled) else {
            return Ok(None);
        };
        if token
            .last_used_at
            .is_none_or(|used| now - used >= self.settings.touch_every)
        {
            accounts.touch_token(token.id, now).await?;
        }
        Ok(Actor::from_record(&account, Via::Token { id: token.id }))
    }

    /// The tokens of an account, live or not.
    pub async fn tokens_of(&self, account_id: i64) -> Result<Vec<TokenRecord>, AppError> {
        Ok(self.db.accounts().tokens(account_id).await?)
    }

    /// Revokes one of the caller's own tokens (another account's token is not found).
    pub async fn revoke_my_token(&self, actor: &Actor, token_id: i64) -> Result<TokenRecord, AppError> {
        Ok(self
            .db
            .accounts()
            .revoke_token(actor.account_id, token_id, self.clock.now(), &actor.audit_name())
            .await?)
    }

    /// Revokes a token of `account_id` (administrators and the CLI).
    pub async fn revoke_token_of(
        &self,
        account_id: i64,
        token_id: i64,
        audit_actor: &str,
    ) -> Result<TokenRecord, AppError> {
        Ok(self
            .db
            .accounts()
            .revoke_token(account_id, token_id, self.clock.now(), audit_actor)
            .await?)
    }
}
