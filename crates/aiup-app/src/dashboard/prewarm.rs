//! Keeping the dashboards' figures warm on a running server: every board's figures computed
//! ahead of time inside [`cache::prewarming`], so that figures past half their time are replaced
//! before any reader would find them expired. They are computed for the national view (an
//! auditor's: every programme) and for every programme scope an active programme administrator
//! holds, so a scoped administrator's first page is not a cold computation either.

use std::collections::BTreeSet;

use super::cache::prewarming;
use crate::accounts::{Actor, Role, Via};
use crate::programme::programme_scope;
use crate::{App, AppError};

/// A reader the prewarmer reads as: no account behind it, never shown and never audited
/// (reads are not). `scope` `None` is the national view (an auditor's permissions); a scope is
/// a programme administrator's list of programmes.
fn prewarmer(scope: Option<String>) -> Actor {
    Actor {
        account_id: 0,
        login: "aiup-prewarm".to_owned(),
        display_name: "dashboard prewarm".to_owned(),
        role: if scope.is_some() {
            Role::ProgrammeAdmin
        } else {
            Role::Auditor
        },
        scope,
        via: Via::Token { id: 0 },
    }
}

/// The distinct programme scopes of active programme administrators, each as its readers'
/// figures are keyed (the programmes in their list's order, as `programme_scope` gives them).
async fn programme_scopes(app: &App) -> Result<Vec<String>, AppError> {
    let accounts = app.db().accounts().list().await?;
    let mut scopes = BTreeSet::new();
    for account in accounts
        .iter()
        .filter(|a| !a.disabled && a.role == Role::ProgrammeAdmin.as_str())
    {
        let reader = prewarmer(account.scope.clone());
        if let Some(programmes) = programme_scope(&reader) {
            scopes.insert(programmes.join(","));
        }
    }
    Ok(scopes.into_iter().collect())
}

/// Computes again every board's figures that are past half their time, national first, then
/// for each programme scope (the overview reuses the targets, budget and regional figures it
/// finds; the budget lines' months, outcomes, academy and sites are national only).
pub async fn prewarm(app: &App) -> Result<(), AppError> {
    let national = prewarmer(None);
    let scoped: Vec<Actor> = programme_scopes(app)
        .await?
        .into_iter()
        .map(|s| prewarmer(Some(s)))
        .collect();
    prewarming(async {
        super::targets::targets(app, &national).await?;
        super::budget::budget(app, &national).await?;
        super::budget::budget_months(app).await?;
        super::regions::regions(app, &national).await?;
        super::smes::smes(app, &national).await?;
        super::overview::overview(app, &national).await?;
        crate::outcomes::outcomes(app, &national).await?;
        crate::academy::track_progress(app, &national).await?;
        crate::infrastructure::site_progress(app, &national).await?;
        for reader in &scoped {
            super::targets::targets(app, reader).await?;
            super::budget::budget(app, reader).await?;
            super::overview::overview(app, reader).await?;
        }
        Ok(())
    })
    .await
}
