//! `aiup users …`: accounts from the command line. The first administrator is made here:
//! `aiup users add --role admin --login kim --name "김지훈"` reads the password from standard
//! input, or prints a one-time one with `--generate-password`.

use crate::cli::{print_json, Db, Failure};
use aiup_app::accounts::{AccountUpdate, AccountView, Accounts, AuthSettings, NewUser, Password};
use aiup_app::{AppError, Clock};
use clap::Subcommand;
use std::io::{BufRead, IsTerminal};

#[derive(Debug, Subcommand)]
pub enum UsersAction {
    /// Create an account. The password is read from standard input (one line), or generated.
    Add {
        #[arg(long)]
        login: String,
        /// The person's name as shown on pages (default: the login).
        #[arg(long)]
        name: Option<String>,
        /// trainee, institution_staff, training_doctor, programme_admin, auditor or admin.
        #[arg(long)]
        role: String,
        /// The institution id (staff), centre id (training doctor) or programme ids (administrator).
        #[arg(long)]
        scope: Option<String>,
        /// Generate a one-time password and print it, instead of reading one.
        #[arg(long)]
        generate_password: bool,
    },
    /// List every account.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Disable an account: it cannot sign in, its sessions end and its tokens are revoked.
    Disable { login: String },
    /// Enable a disabled account again.
    Enable { login: String },
    /// Set a new password (read from standard input, or generated), ending every session.
    ResetPassword {
        login: String,
        #[arg(long)]
        generate_password: bool,
    },
    /// List an account's API tokens, make one (shown once) or revoke one.
    Tokens {
        login: String,
        /// Make a token with this name.
        #[arg(long, conflicts_with = "revoke")]
        create: Option<String>,
        /// With --create: its life in days (default 90, at most 365).
        #[arg(long, requires = "create")]
        days: Option<i64>,
        /// Revoke the token with this id.
        #[arg(long)]
        revoke: Option<i64>,
    },
}

fn app_failure(e: AppError) -> Failure {
    match e.code.http_status() {
        400..=499 => {
            println!("{}", serde_json::json!({ "error": e }));
            Failure::Reported(e.to_string())
        }
        _ => Failure::Other(anyhow::anyhow!(e.to_string())),
    }
}

/// One line from standard input, without its line break. Never echoed or logged.
fn read_password() -> Result<Password, Failure> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("password (input is shown; pipe it in to hide it): ");
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(|e| Failure::Other(e.into()))?;
    let text = line.trim_end_matches(['\n', '\r']).to_owned();
    if text.is_empty() {
        return Err(Failure::BadInput(
            "give the password on standard input, or use --generate-password".into(),
        ));
    }
    Ok(Password::new(text))
}

fn audit_actor() -> String {
    format!("cli:{}", std::env::var("USER").unwrap_or_else(|_| "unknown".to_owned()))
}

fn row(a: &AccountView) -> String {
    format!(
        "{:>5}  {:<24} {:<18} {:<20} {}{}",
        a.id,
        a.login,
        a.role.as_str(),
        a.scope.as_deref().unwrap_or("-"),
        a.display_name,
        if a.disabled { "  [disabled]" } else { "" }
    )
}

pub async fn users(action: UsersAction, db: &Db) -> Result<(), Failure> {
    let database = db.connect().await?;
    let loaded = aiup_app::policy::active_bundle(&database)
        .await
        .map_err(crate::cli::runtime_failure)?;
    let engine = std::sync::Arc::new(aiup_app::policy::engine_for(loaded).map_err(|e| Failure::Other(e.into()))?);
    let clock = Clock::system();
    let settings = AuthSettings::default();
    let accounts = Accounts::new(&database, &clock, &settings, engine);
    let actor = audit_actor();
    match action {
        UsersAction::Add {
            login,
            name,
            role,
            scope,
            generate_password,
        } => {
            let password = if generate_password {
                None
            } else {
                Some(read_password()?)
            };
            let (account, one_time) = accounts
                .create_user(
                    &actor,
                    NewUser {
                        display_name: name.unwrap_or_else(|| login.clone()),
                        login,
                        role,
                        scope,
                        password,
                    },
                )
                .await
                .map_err(app_failure)?;
            println!("created: {}", row(&account));
            if let Some(password) = one_time {
                println!("one-time password (shown once): {}", password.reveal_once());
            }
            Ok(())
        }
        UsersAction::List { json } => {
            let list = accounts.list().await.map_err(app_failure)?;
            if json {
                return print_json(&list);
            }
            for account in &list {
                println!("{}", row(account));
            }
            Ok(())
        }
        UsersAction::Disable { login } => set_disabled(&accounts, &actor, &login, true).await,
        UsersAction::Enable { login } => set_disabled(&accounts, &actor, &login, false).await,
        UsersAction::ResetPassword {
            login,
            generate_password,
        } => {
            let account = accounts.by_login(&login).await.map_err(app_failure)?;
            let password = if generate_password {
                None
            } else {
                Some(read_password()?)
            };
            let one_time = accounts
                .reset_password(&actor, account.id, password)
                .await
                .map_err(app_failure)?;
            println!(
                "password reset for {}; every session ended and every token revoked",
                account.login
            );
            if let Some(password) = one_time {
                println!("one-time password (shown once): {}", password.reveal_once());
            }
            Ok(())
        }
        UsersAction::Tokens {
            login,
            create,
            days,
            revoke,
        } => {
            let account = accounts.by_login(&login).await.map_err(app_failure)?;
            if let Some(name) = create {
                let issued = accounts
                    .issue_token(account.id, &name, days, &actor)
                    .await
                    .map_err(app_failure)?;
                println!(
                    "token {} `{}` for {} expires {} (shown once):\n{}",
                    issued.record.id, issued.record.name, account.login, issued.record.expires_at, issued.secret
                );
                return Ok(());
            }
            if let Some(id) = revoke {
                let token = accounts
                    .revoke_token_of(account.id, id, &actor)
                    .await
                    .map_err(app_failure)?;
                println!("revoked token {} `{}`", token.id, token.name);
                return Ok(());
            }
            for t in accounts.tokens_of(account.id).await.map_err(app_failure)? {
                let state = if t.revoked_at.is_some() {
                    "revoked"
                } else if t.expires_at <= chrono::Utc::now() {
                    "expired"
                } else {
                    "active"
                };
                println!(
                    "{:>5}  aiup_{}_…  {:<8} expires {}  {}",
                    t.id, t.prefix, state, t.expires_at, t.name
                );
            }
            Ok(())
        }
    }
}

async fn set_disabled(accounts: &Accounts<'_>, actor: &str, login: &str, disabled: bool) -> Result<(), Failure> {
    let account = accounts.by_login(login).await.map_err(app_failure)?;
    let update = AccountUpdate {
        disabled: Some(disabled),
        ..AccountUpdate::default()
    };
    let account = accounts
        .update_user(actor, None, account.id, update)
        .await
        .map_err(app_failure)?;
    println!("{}", row(&account));
    Ok(())
}
