//! Keeping the dashboards' figures warm on a running server: every board's national figures
//! computed ahead of time, as an unscoped reader (an auditor's view: every programme, no
//! change), inside [`cache::prewarming`] so that figures past half their time are replaced
//! before any reader would find them expired. Figures for a programme-scoped administrator are
//! computed on their first request and kept like any others.

use super::cache::prewarming;
use crate::accounts::{Actor, Role, Via};
use crate::{App, AppError};

/// The reader the prewarmer reads as: an auditor's permissions, no account behind it, never
/// shown and never audited (reads are not).
fn prewarmer() -> Actor {
    Actor {
        account_id: 0,
        login: "aiup-prewarm".to_owned(),
        display_name: "dashboard prewarm".to_owned(),
        role: Role::Auditor,
        scope: None,
        via: Via::Token { id: 0 },
    }
}

/// Computes again every board's figures that are past half their time (the overview reuses
/// the targets, budget and regional figures it finds).
pub async fn prewarm(app: &App) -> Result<(), AppError> {
    let actor = prewarmer();
    prewarming(async {
        super::targets::targets(app, &actor).await?;
        super::budget::budget(app, &actor).await?;
        super::regions::regions(app, &actor).await?;
        super::smes::smes(app, &actor).await?;
        super::overview::overview(app, &actor).await?;
        crate::outcomes::outcomes(app, &actor).await?;
        crate::academy::track_progress(app, &actor).await?;
        crate::infrastructure::site_progress(app, &actor).await?;
        Ok(())
    })
    .await
}
