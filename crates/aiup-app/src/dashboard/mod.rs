//! The ministry dashboards (issue 12): every target of the plan against live progress from the
//! ledgers, budget execution, regions, SMEs, outcomes, the instructor academy and the
//! infrastructure. Every service here takes an `Actor` holding `ReadDashboards`; figures come
//! with the [`AsOf`] that dates them.
//!
//! Figures are computed from the stores' aggregate reads and kept for a short time in the
//! [`DashboardCache`] (ARCHITECTURE.md, "Dashboards": why, and how fresh a page is).

pub mod budget;
pub mod cache;
pub mod overview;
mod prewarm;
pub mod regions;
pub mod smes;
pub mod targets;

pub use cache::{Computations, DashboardCache};
pub use prewarm::prewarm;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::App;

/// When figures were computed, and under which policy: every dashboard number states both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AsOf {
    /// The Seoul date the figures are for.
    pub date: NaiveDate,
    /// The moment they were computed.
    pub computed_at: DateTime<Utc>,
    /// The policy bundle's revision (`[meta] revision`, "2026.1").
    pub policy_revision: String,
    /// The bundle's version hash.
    pub policy_version: String,
}

impl AsOf {
    /// Now, under the active policy.
    pub fn now(app: &App) -> AsOf {
        let engine = app.engine();
        let policy = engine.policy();
        AsOf {
            date: app.today(),
            computed_at: app.clock().now(),
            policy_revision: policy.meta.revision.clone(),
            policy_version: policy.version.clone(),
        }
    }
}
