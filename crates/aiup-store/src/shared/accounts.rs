//! The accounts aggregate's statements (the same on both backends).

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{ColumnIndex, Executor, IntoArguments, Pool};

use super::audit::record;
use super::{detached, is_unique_violation, now, stored_time, Col, Dialect, Lock, SqlStore};
use crate::{
    AccountChange, AccountRecord, AccountStore, NewAccount, NewToken, SessionRecord, StoreError, TokenRecord,
    ACTION_ACCOUNT_CREATE, ACTION_ACCOUNT_UPDATE, ACTION_SESSION_CREATE, ACTION_SESSION_DELETE, ACTION_TOKEN_CREATE,
    ACTION_TOKEN_REVOKE,
};

const ACCOUNT_COLUMNS: &str =
    "id, login, display_name, role, scope, password_hash, disabled, created_at, password_changed_at";
const SESSION_COLUMNS: &str = "id_hash, account_id, csrf_token, created_at, last_seen_at, expires_at, client";
const TOKEN_COLUMNS: &str = "id, account_id, name, prefix, created_at, expires_at, revoked_at, last_used_at";

fn account_not_found(id: i64) -> StoreError {
    StoreError::NotFound {
        what: "account".to_owned(),
        key: id.to_string(),
    }
}

fn hex_digest(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn login_taken(login: &str) -> StoreError {
    StoreError::Conflict {
        what: "account".to_owned(),
        key: login.to_owned(),
        reason: "the login is taken (logins are unique case-insensitively)".to_owned(),
    }
}

/// What an audit event may show of an account: never the password hash, and the person's name
/// only as a hash (the log keeps who changed what, not a copy of personal data).
fn public(a: &AccountRecord) -> serde_json::Value {
    use sha2::Digest as _;
    serde_json::json!({
        "login": a.login,
        "display_name_sha256": hex_digest(sha2::Sha256::digest(a.display_name.as_bytes()).as_slice()),
        "role": a.role,
        "scope": a.scope,
        "disabled": a.disabled,
    })
}

impl<DB> SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'r> &'r str: ColumnIndex<DB::Row>,
    usize: ColumnIndex<DB::Row>,
    String: Col<DB>,
    i64: Col<DB>,
    bool: Col<DB>,
    DateTime<Utc>: Col<DB>,
    NaiveDate: Col<DB>,
    Option<String>: Col<DB>,
    Option<DateTime<Utc>>: Col<DB>,
{
    async fn account_where(
        conn: &mut DB::Connection,
        condition: &str,
        value: impl for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB> + Send,
    ) -> Result<Option<AccountRecord>, StoreError> {
        Ok(
            sqlx::query_as::<_, AccountRecord>(&format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE {condition}"))
                .bind(value)
                .fetch_optional(&mut *conn)
                .await?,
        )
    }

    /// The login of account `id`, or NotFound.
    async fn login_of(conn: &mut DB::Connection, id: i64) -> Result<String, StoreError> {
        sqlx::query_scalar("SELECT login FROM accounts WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| account_not_found(id))
    }

    async fn create_account(pool: Pool<DB>, a: NewAccount, actor: String) -> Result<AccountRecord, StoreError> {
        let mut tx = DB::begin_write(&pool, Lock::Accounts).await?;
        if Self::account_where(&mut tx, "lower(login) = lower($1)", a.login.clone())
            .await?
            .is_some()
        {
            return Err(login_taken(&a.login));
        }
        let at = now();
        let inserted = sqlx::query_as::<_, AccountRecord>(&format!(
            "INSERT INTO accounts (login, display_name, role, scope, password_hash, disabled, created_at, \
             password_changed_at) VALUES ($1, $2, $3, $4, $5, FALSE, $6, $6) RETURNING {ACCOUNT_COLUMNS}"
        ))
        .bind(&a.login)
        .bind(&a.display_name)
        .bind(&a.role)
        .bind(&a.scope)
        .bind(&a.password_hash)
        .bind(at)
        .fetch_one(&mut *tx)
        .await;
        let account = match inserted {
            Ok(account) => account,
            Err(e) if is_unique_violation(&e) => return Err(login_taken(&a.login)),
            Err(e) => return Err(e.into()),
        };
        let detail = serde_json::json!({ "id": account.id, "after": public(&account) });
        record::<DB>(&mut tx, &actor, ACTION_ACCOUNT_CREATE, &account.login, detail).await?;
        tx.commit().await?;
        tracing::info!(login = %account.login, role = %account.role, actor, "account created");
        Ok(account)
    }

    async fn update_account(
        pool: Pool<DB>,
        id: i64,
        change: AccountChange,
        actor: String,
    ) -> Result<AccountRecord, StoreError> {
        let mut tx = DB::begin_write(&pool, Lock::Accounts).await?;
        let Some(before) = Self::account_where(&mut tx, "id = $1", id).await? else {
            return Err(account_not_found(id));
        };
        let at = now();
        let mut after = before.clone();
        if let Some(name) = change.display_name {
            after.display_name = name;
        }
        if let Some(role) = change.role {
            after.role = role;
        }
        if let Some(scope) = change.scope {
            after.scope = scope;
        }
        if let Some(disabled) = change.disabled {
            after.disabled = disabled;
        }
        let password_changed = change.password_hash.is_some();
        if let Some(hash) = change.password_hash {
            after.password_hash = hash;
            after.password_changed_at = at;
        }
        if after == before {
            return Ok(before);
        }
        sqlx::query(
            "UPDATE accounts SET display_name = $2, role = $3, scope = $4, password_hash = $5, disabled = $6, \
             password_changed_at = $7 WHERE id = $1",
        )
        .bind(id)
        .bind(&after.display_name)
        .bind(&after.role)
        .bind(&after.scope)
        .bind(&after.password_hash)
        .bind(after.disabled)
        .bind(after.password_changed_at)
        .execute(&mut *tx)
        .await?;
        let (mut sessions_deleted, mut tokens_revoked) = (0, 0);
        if password_changed || change.disabled == Some(true) {
            let deleted = sqlx::query("DELETE FROM sessions WHERE account_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sessions_deleted = DB::rows_affected(&deleted);
            let revoked =
                sqlx::query("UPDATE api_tokens SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL")
                    .bind(id)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
            tokens_revoked = DB::rows_affected(&revoked);
        }
        let mut detail = serde_json::json!({
            "id": id,
            "before": public(&before),
            "after": public(&after),
            "sessions_deleted": sessions_deleted,
            "tokens_revoked": tokens_revoked,
        });
        if password_changed {
            detail["password_changed"] = serde_json::Value::Bool(true);
        }
        record::<DB>(&mut tx, &actor, ACTION_ACCOUNT_UPDATE, &after.login, detail).await?;
        tx.commit().await?;
        tracing::info!(login = %after.login, actor, password_changed, sessions_deleted, tokens_revoked, "account updated");
        Ok(after)
    }

    async fn insert_session(pool: Pool<DB>, s: SessionRecord, actor: String) -> Result<(), StoreError> {
        let mut tx = DB::begin_write(&pool, Lock::Accounts).await?;
        let login = Self::login_of(&mut tx, s.account_id).await?;
        let inserted = sqlx::query(&format!(
            "INSERT INTO sessions ({SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        ))
        .bind(&s.id_hash)
        .bind(s.account_id)
        .bind(&s.csrf_token)
        .bind(stored_time(s.created_at))
        .bind(stored_time(s.last_seen_at))
        .bind(stored_time(s.expires_at))
        .bind(&s.client)
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                return Err(StoreError::Conflict {
                    what: "session".to_owned(),
                    key: format!("of account {login}"),
                    reason: "a session with this id exists".to_owned(),
                })
            }
            Err(e) => return Err(e.into()),
        }
        let detail = serde_json::json!({
            "account_id": s.account_id,
            "client": s.client,
            "expires_at": stored_time(s.expires_at),
        });
        record::<DB>(&mut tx, &actor, ACTION_SESSION_CREATE, &login, detail).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn remove_session(pool: Pool<DB>, id_hash: String, actor: String) -> Result<bool, StoreError> {
        let mut tx = DB::begin_write(&pool, Lock::Accounts).await?;
        let owner: Option<(i64, String)> = sqlx::query_as(
            "SELECT a.id, a.login FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.id_hash = $1",
        )
        .bind(&id_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((account_id, login)) = owner else {
            return Ok(false);
        };
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(&id_hash)
            .execute(&mut *tx)
            .await?;
        let detail = serde_json::json!({ "account_id": account_id, "sessions": 1 });
        record::<DB>(&mut tx, &actor, ACTION_SESSION_DELETE, &login, detail).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn remove_sessions(
        pool: Pool<DB>,
        account_id: i64,
        keep: Option<String>,
        actor: String,
    ) -> Result<u64, StoreError> {
        let mut tx = DB::begin_write(&pool, Lock::Accounts).await?;
        // `keep` may be absent: an id hash is never empty, so "" keeps nothing.
        let result = sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND id_hash <> $2")
            .bind(account_id)
            .bind(keep.clone().unwrap_or_default())
            .execute(&mut *tx)
            .await?;
        let deleted = DB::rows_affected(&result);
        if deleted == 0 {
            return Ok(0);
        }
        let login = Self::login_of(&mut tx, account_id).await?;
        let detail = serde_json::json!({
            "account_id": account_id,
            "sessions": deleted,
            "kept_one": keep.is_some(),
        });
        record::<DB>(&mut tx, &actor, ACTION_SESSION_DELETE, &login, detail).await?;
        tx.commit().await?;
        Ok(deleted)
    }

    async fn insert_token(pool: Pool<DB>, t: NewToken, actor: String) -> Result<TokenRecord, StoreError> {
        let mut tx = DB::begin_write(&pool, Lock::Accounts).await?;
        let login = Self::login_of(&mut tx, t.account_id).await?;
        let inserted = sqlx::query_as::<_, TokenRecord>(&format!(
            "INSERT INTO api_tokens (account_id, name, token_hash, prefix, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING {TOKEN_COLUMNS}"
        ))
        .bind(t.account_id)
        .bind(&t.name)
        .bind(&t.token_hash)
        .bind(&t.prefix)
        .bind(now())
        .bind(stored_time(t.expires_at))
        .fetch_one(&mut *tx)
        .await;
        let token = match inserted {
            Ok(token) => token,
            Err(e) if is_unique_violation(&e) => {
                return Err(StoreError::Conflict {
                    what: "API token".to_owned(),
                    key: t.prefix,
                    reason: "a token with this hash exists".to_owned(),
                })
            }
            Err(e) => return Err(e.into()),
        };
        let detail = serde_json::json!({
            "token_id": token.id,
            "name": token.name,
            "prefix": token.prefix,
            "expires_at": token.expires_at,
        });
        record::<DB>(&mut tx, &actor, ACTION_TOKEN_CREATE, &login, detail).await?;
        tx.commit().await?;
        Ok(token)
    }

    async fn revoke(
        pool: Pool<DB>,
        account_id: i64,
        token_id: i64,
        at: DateTime<Utc>,
        actor: String,
    ) -> Result<TokenRecord, StoreError> {
        let mut tx = DB::begin_write(&pool, Lock::Accounts).await?;
        let token = sqlx::query_as::<_, TokenRecord>(&format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE id = $1 AND account_id = $2"
        ))
        .bind(token_id)
        .bind(account_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            what: "API token".to_owned(),
            key: format!("{token_id} of account {account_id}"),
        })?;
        if token.revoked_at.is_some() {
            return Ok(token);
        }
        let at = stored_time(at);
        sqlx::query("UPDATE api_tokens SET revoked_at = $2 WHERE id = $1")
            .bind(token_id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        let login = Self::login_of(&mut tx, account_id).await?;
        let detail = serde_json::json!({
            "token_id": token.id,
            "name": token.name,
            "prefix": token.prefix,
            "before": { "revoked_at": null },
            "after": { "revoked_at": at },
        });
        record::<DB>(&mut tx, &actor, ACTION_TOKEN_REVOKE, &login, detail).await?;
        tx.commit().await?;
        Ok(TokenRecord {
            revoked_at: Some(at),
            ..token
        })
    }
}

#[async_trait]
impl<DB> AccountStore for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'r> &'r str: ColumnIndex<DB::Row>,
    usize: ColumnIndex<DB::Row>,
    String: Col<DB>,
    i64: Col<DB>,
    bool: Col<DB>,
    DateTime<Utc>: Col<DB>,
    NaiveDate: Col<DB>,
    Option<String>: Col<DB>,
    Option<DateTime<Utc>>: Col<DB>,
{
    async fn create(&self, a: &NewAccount, actor: &str) -> Result<AccountRecord, StoreError> {
        detached(Self::create_account(self.pool.clone(), a.clone(), actor.to_owned())).await
    }

    async fn by_login(&self, login: &str) -> Result<Option<AccountRecord>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        Self::account_where(&mut conn, "lower(login) = lower($1)", login.to_owned()).await
    }

    async fn get(&self, id: i64) -> Result<Option<AccountRecord>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        Self::account_where(&mut conn, "id = $1", id).await
    }

    async fn list(&self) -> Result<Vec<AccountRecord>, StoreError> {
        let mut accounts = sqlx::query_as::<_, AccountRecord>(&format!("SELECT {ACCOUNT_COLUMNS} FROM accounts"))
            .fetch_all(&self.pool)
            .await?;
        // Case-insensitively (as logins are unique), whatever the database's collation.
        accounts
            .sort_by(|a, b| (a.login.to_ascii_lowercase(), &a.login).cmp(&(b.login.to_ascii_lowercase(), &b.login)));
        Ok(accounts)
    }

    async fn count(&self) -> Result<u64, StoreError> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
            .fetch_one(&self.pool)
            .await?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    async fn update(&self, id: i64, change: &AccountChange, actor: &str) -> Result<AccountRecord, StoreError> {
        detached(Self::update_account(
            self.pool.clone(),
            id,
            change.clone(),
            actor.to_owned(),
        ))
        .await
    }

    async fn create_session(&self, s: &SessionRecord, actor: &str) -> Result<(), StoreError> {
        detached(Self::insert_session(self.pool.clone(), s.clone(), actor.to_owned())).await
    }

    async fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        Ok(
            sqlx::query_as::<_, SessionRecord>(&format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id_hash = $1"))
                .bind(id_hash.to_owned())
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn touch_session(&self, id_hash: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1 AND last_seen_at < $2")
            .bind(id_hash.to_owned())
            .bind(stored_time(at))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_session(&self, id_hash: &str, actor: &str) -> Result<bool, StoreError> {
        detached(Self::remove_session(
            self.pool.clone(),
            id_hash.to_owned(),
            actor.to_owned(),
        ))
        .await
    }

    async fn delete_sessions(&self, account_id: i64, keep: Option<&str>, actor: &str) -> Result<u64, StoreError> {
        detached(Self::remove_sessions(
            self.pool.clone(),
            account_id,
            keep.map(str::to_owned),
            actor.to_owned(),
        ))
        .await
    }

    async fn sessions(&self, account_id: i64) -> Result<Vec<SessionRecord>, StoreError> {
        Ok(sqlx::query_as::<_, SessionRecord>(&format!(
            "SELECT {SESSION_COLUMNS} FROM sessions WHERE account_id = $1 ORDER BY created_at DESC, id_hash"
        ))
        .bind(account_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn create_token(&self, t: &NewToken, actor: &str) -> Result<TokenRecord, StoreError> {
        detached(Self::insert_token(self.pool.clone(), t.clone(), actor.to_owned())).await
    }

    async fn token_by_hash(&self, token_hash: &str) -> Result<Option<TokenRecord>, StoreError> {
        Ok(
            sqlx::query_as::<_, TokenRecord>(&format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1"))
                .bind(token_hash.to_owned())
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn tokens(&self, account_id: i64) -> Result<Vec<TokenRecord>, StoreError> {
        Ok(sqlx::query_as::<_, TokenRecord>(&format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE account_id = $1 ORDER BY id DESC"
        ))
        .bind(account_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn revoke_token(
        &self,
        account_id: i64,
        token_id: i64,
        at: DateTime<Utc>,
        actor: &str,
    ) -> Result<TokenRecord, StoreError> {
        detached(Self::revoke(
            self.pool.clone(),
            account_id,
            token_id,
            at,
            actor.to_owned(),
        ))
        .await
    }

    async fn touch_token(&self, token_id: i64, at: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2)",
        )
        .bind(token_id)
        .bind(stored_time(at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn record_failure(&self, key: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO sign_in_failures (throttle_key, at) VALUES ($1, $2)")
            .bind(key.to_owned())
            .bind(stored_time(at))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn failures_since(
        &self,
        key: &str,
        since: DateTime<Utc>,
    ) -> Result<(u32, Option<DateTime<Utc>>), StoreError> {
        let (count, newest): (i64, Option<DateTime<Utc>>) =
            sqlx::query_as("SELECT COUNT(*), MAX(at) FROM sign_in_failures WHERE throttle_key = $1 AND at >= $2")
                .bind(key.to_owned())
                .bind(stored_time(since))
                .fetch_one(&self.pool)
                .await?;
        Ok((u32::try_from(count).unwrap_or(u32::MAX), newest))
    }

    async fn clear_failures(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sign_in_failures WHERE throttle_key = $1")
            .bind(key.to_owned())
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
