//! Managing accounts: creating them, changing roles and scopes, disabling, resetting and
//! changing passwords. Changing a password or disabling an account ends its sessions and
//! revokes its tokens (the store does both in the same transaction).

use super::password::{self, Password};
use super::role::ScopeKind;
use super::session::SignedIn;
use super::{off_runtime, parse_display_name, parse_login, AccountView, Accounts, Actor, Role};
use crate::{AppError, Code};
use aiup_store::{AccountChange, NewAccount};

/// An account to create. Without a password, a one-time one is generated and returned.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub scope: Option<String>,
    pub password: Option<Password>,
}

/// A change an administrator makes to an account; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct AccountUpdate {
    pub display_name: Option<String>,
    pub role: Option<String>,
    /// `Some(None)` clears the scope.
    pub scope: Option<Option<String>>,
    pub disabled: Option<bool>,
}

impl Accounts<'_> {
    /// Checks a scope against the role: an institution that is in the catalogue, a centre id,
    /// or programme ids of the policy in force.
    async fn parse_scope(&self, role: Role, scope: Option<&str>) -> Result<Option<String>, AppError> {
        let scope = scope.map(str::trim).filter(|s| !s.is_empty());
        let bad = |reason: String| AppError::field(Code::InvalidField, "scope", reason);
        match (role.scope_kind(), scope) {
            (ScopeKind::None, None) => Ok(None),
            (ScopeKind::None, Some(_)) => Err(bad(format!("the role {} has no scope", role.as_str()))),
            (ScopeKind::Required(what), None) => {
                Err(bad(format!("the role {} needs a scope: the {what} id", role.as_str())))
            }
            (ScopeKind::Optional(_), None) => Ok(None),
            (ScopeKind::Required("institution"), Some(id)) => {
                if self.db.catalogue().institution_ids().await?.contains(id) {
                    Ok(Some(id.to_owned()))
                } else {
                    Err(bad(format!("no institution in the catalogue has the id `{id}`")))
                }
            }
            (ScopeKind::Required("firm"), Some(number)) => aiup_sme::BusinessNumber::parse(number, "scope")
                .map(|n| Some(n.digits()))
                .map_err(|p| AppError::field(Code::InvalidBusinessNumber, "scope", p.reason)),
            (ScopeKind::Optional("programmes"), Some(list)) => {
                let mut ids: Vec<&str> = list.split(',').map(str::trim).filter(|p| !p.is_empty()).collect();
                ids.sort_unstable();
                ids.dedup();
                if let Some(unknown) = ids.iter().find(|id| self.engine.programme_index(id).is_none()) {
                    return Err(bad(format!("`{unknown}` is not a programme id in the policy files")));
                }
                Ok(Some(ids.join(",")))
            }
            (_, Some(id)) => {
                let ok = (1..=64).contains(&id.len())
                    && id
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                    && !id.chars().all(|c| c == '.');
                if ok {
                    Ok(Some(id.to_owned()))
                } else {
                    Err(bad("an id is 1 to 64 characters: letters, digits, - _ .".to_owned()))
                }
            }
        }
    }

    fn parse_role(text: &str) -> Result<Role, AppError> {
        Role::parse(text).ok_or_else(|| {
            AppError::field(
                Code::InvalidField,
                "role",
                format!("`{text}` is not one of {}", Role::expected()),
            )
        })
    }

    /// Creates an account. Returns it, and the one-time password if one was generated.
    pub async fn create_user(
        &self,
        audit_actor: &str,
        user: NewUser,
    ) -> Result<(AccountView, Option<Password>), AppError> {
        let login = parse_login(&user.login)?;
        let display_name = parse_display_name(&user.display_name)?;
        let role = Self::parse_role(&user.role)?;
        let scope = self.parse_scope(role, user.scope.as_deref()).await?;
        let (password, generated) = match user.password {
            Some(password) => (password, false),
            None => (Password::generate()?, true),
        };
        password::check_new(&login, &password, "password")?;
        let for_hash = password.clone();
        let password_hash = off_runtime(move || password::hash(&for_hash)).await?;
        let record = self
            .db
            .accounts()
            .create(
                &NewAccount {
                    login,
                    display_name,
                    role: role.as_str().to_owned(),
                    scope,
                    password_hash,
                },
                audit_actor,
            )
            .await?;
        Ok((AccountView::from_record(&record)?, generated.then_some(password)))
    }

    /// Every account, by login.
    pub async fn list(&self) -> Result<Vec<AccountView>, AppError> {
        self.db
            .accounts()
            .list()
            .await?
            .iter()
            .map(AccountView::from_record)
            .collect()
    }

    pub async fn get(&self, id: i64) -> Result<AccountView, AppError> {
        let record = self
            .db
            .accounts()
            .get(id)
            .await?
            .ok_or_else(|| AppError::not_found("the account"))?;
        AccountView::from_record(&record)
    }

    pub async fn by_login(&self, login: &str) -> Result<AccountView, AppError> {
        let record = self
            .db
            .accounts()
            .by_login(login)
            .await?
            .ok_or_else(|| AppError::not_found(&format!("the account `{login}`")))?;
        AccountView::from_record(&record)
    }

    /// Changes an account's name, role, scope or state. An administrator cannot disable or
    /// demote their own account, so the system always keeps one.
    pub async fn update_user(
        &self,
        audit_actor: &str,
        acting_account: Option<i64>,
        id: i64,
        update: AccountUpdate,
    ) -> Result<AccountView, AppError> {
        let current = self.get(id).await?;
        let role = match &update.role {
            Some(text) => Self::parse_role(text)?,
            None => current.role,
        };
        if acting_account == Some(id) && (update.disabled == Some(true) || role != current.role) {
            return Err(AppError::field(
                Code::InvalidField,
                "role",
                "you cannot disable your own account or change its role; ask another administrator",
            ));
        }
        let scope = match (&update.scope, update.role.is_some()) {
            (Some(scope), _) => Some(self.parse_scope(role, scope.as_deref()).await?),
            // A new role must fit the scope the account has.
            (None, true) => Some(self.parse_scope(role, current.scope.as_deref()).await?),
            (None, false) => None,
        };
        let change = AccountChange {
            display_name: update.display_name.as_deref().map(parse_display_name).transpose()?,
            role: update.role.as_ref().map(|_| role.as_str().to_owned()),
            scope,
            password_hash: None,
            disabled: update.disabled,
        };
        let record = self.db.accounts().update(id, &change, audit_actor).await?;
        AccountView::from_record(&record)
    }

    /// Sets a new password for `id` (a generated one if none is given), ending its sessions and
    /// revoking its tokens. Returns the generated password, shown once.
    pub async fn reset_password(
        &self,
        audit_actor: &str,
        id: i64,
        new_password: Option<Password>,
    ) -> Result<Option<Password>, AppError> {
        let account = self.get(id).await?;
        let (password, generated) = match new_password {
            Some(p) => (p, false),
            None => (Password::generate()?, true),
        };
        password::check_new(&account.login, &password, "password")?;
        let for_hash = password.clone();
        let hash = off_runtime(move || password::hash(&for_hash)).await?;
        let change = AccountChange {
            password_hash: Some(hash),
            ..AccountChange::default()
        };
        self.db.accounts().update(id, &change, audit_actor).await?;
        Ok(generated.then_some(password))
    }

    /// The caller changes their own password, proving the current one. Every session of the
    /// account ends (and its tokens are revoked); the caller gets a fresh session.
    pub async fn change_my_password(
        &self,
        actor: &Actor,
        current: Password,
        new: Password,
        client: &str,
    ) -> Result<SignedIn, AppError> {
        let accounts = self.db.accounts();
        let record = accounts
            .get(actor.account_id)
            .await?
            .ok_or_else(|| AppError::not_found("the account"))?;
        let hash = record.password_hash.clone();
        let matches = off_runtime(move || Ok(password::verify(&current, &hash))).await?;
        if !matches {
            return Err(AppError::field(
                Code::InvalidCredentials,
                "current_password",
                "the current password is wrong",
            ));
        }
        password::check_new(&record.login, &new, "new_password")?;
        let new_hash = off_runtime(move || password::hash(&new)).await?;
        let change = AccountChange {
            password_hash: Some(new_hash),
            ..AccountChange::default()
        };
        let record = accounts.update(actor.account_id, &change, &actor.audit_name()).await?;
        self.open_session(&record, client, self.clock.now()).await
    }
}
