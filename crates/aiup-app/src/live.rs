//! Keeping a running application in step with the database: another process may activate a
//! policy version (`aiup policy activate`) or import courses (`aiup courses import`). The
//! engine is swapped and the index rebuilt without a restart.

use crate::catalogue::{search_context, sync_index};
use crate::{policy, App, AppError};
use std::time::Duration;

/// How often a running server looks for outside changes.
pub const SYNC_INTERVAL: Duration = Duration::from_secs(10);

/// What one [`App::refresh`] changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Refreshed {
    /// The policy version now in force, if it changed.
    pub policy_version: Option<String>,
    /// Courses in the index, if it was rebuilt.
    pub reindexed: Option<u64>,
}

impl App {
    /// Brings the engine to the store's active policy version, and the index to the store's
    /// catalogue generation under today's search context (policy, regions, precedence).
    pub async fn refresh(&self) -> Result<Refreshed, AppError> {
        let mut refreshed = Refreshed::default();
        let active = self
            .db()
            .policy()
            .versions()
            .await?
            .into_iter()
            .find(|v| v.active)
            .map(|v| v.version);
        if active.as_deref().is_some_and(|v| v != self.engine().policy().version) {
            let loaded = policy::active_bundle(self.db())
                .await
                .map_err(|e| AppError::internal(&e))?;
            let engine = policy::engine_for(loaded).map_err(|e| AppError::internal(&e))?;
            refreshed.policy_version = Some(engine.policy().version.clone());
            self.replace_engine(engine);
        }
        let ctx = search_context(&self.engine(), self.today());
        if ctx.version != self.index().context().version {
            self.index().set_context(ctx);
        }
        refreshed.reindexed = sync_index(self.db(), self.index()).await?.map(|stats| stats.documents);
        Ok(refreshed)
    }

    /// Runs [`App::refresh`] every `interval` for as long as the process runs, and keeps the
    /// dashboards' figures warm (`dashboard::prewarm`).
    pub fn spawn_sync(&self, interval: Duration) -> tokio::task::JoinHandle<()> {
        let app = self.clone();
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(interval);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticker.tick().await;
                match app.refresh().await {
                    Ok(Refreshed {
                        policy_version,
                        reindexed,
                    }) => {
                        if let Some(version) = policy_version {
                            tracing::info!(%version, "activated the policy version now active in the database");
                        }
                        if let Some(documents) = reindexed {
                            tracing::info!(documents, "re-indexed the catalogue");
                        }
                    }
                    Err(error) => tracing::warn!(%error, "could not bring the application up to date"),
                }
                if let Err(error) = crate::dashboard::prewarm(&app).await {
                    tracing::warn!(%error, "could not compute the dashboards' figures ahead of time");
                }
            }
        })
    }
}
