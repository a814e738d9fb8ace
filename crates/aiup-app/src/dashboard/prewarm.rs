//! Keeping the dashboards' figures warm on a running server: every board's figures computed
//! ahead of time inside [`cache::prewarming`], so that figures past half their time are replaced
//! before any reader would find them expired. They are computed for the national view (an
//! auditor's: every programme) and for every programme scope an active programme administrator
//! holds, so a scoped administrator's first page is not a cold computation either.

use std::collections::BTreeMap;

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

/// One reader for each distinct programme scope of an active programme administrator (two
/// accounts whose lists give the same programmes share the figures, as their readers do).
async fn scoped_readers(app: &App) -> Result<Vec<Actor>, AppError> {
    let accounts = app.db().accounts().list().await?;
    let mut readers = BTreeMap::new();
    for account in accounts
        .iter()
        .filter(|a| !a.disabled && a.role == Role::ProgrammeAdmin.as_str())
    {
        let reader = prewarmer(account.scope.clone());
        if let Some(programmes) = programme_scope(&reader) {
            readers.entry(programmes.join(",")).or_insert(reader);
        }
    }
    Ok(readers.into_values().collect())
}

/// Computes again every board's figures that are past half their time, national first, then
/// for each programme scope (the overview reuses the targets, budget and regional figures it
/// finds; the budget lines' months, outcomes, academy and sites are national only).
pub async fn prewarm(app: &App) -> Result<(), AppError> {
    let national = prewarmer(None);
    let scoped = scoped_readers(app).await?;
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
