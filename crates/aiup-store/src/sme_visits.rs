//! Training doctors' visits to firms (issue 11, item 4): scheduled and recorded, per centre.
//! Storage models only.

use std::fmt;

use async_trait::async_trait;

/// Visits (`Database::sme_visits`).
#[async_trait]
pub trait VisitStore: Send + Sync + fmt::Debug {}
