//! What-if reforms: parameter overrides applied to a request or a batch, so
//! that two rule sets can be compared side by side.

use crate::case::Case;
use crate::engine::{Engine, EngineError, Totals};
use aiup_core::policy::{Override, PolicyLoadErrors};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub mod population;

pub use population::{
    compare_one_by_one, compare_population, pack_periods, unpack_periods, CaseInputs, CountedPeriod, GainBand,
    GainsAndLosses, GroupTotals, PopulationComparison, ReformPopulation,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reform {
    pub name: String,
    pub overrides: Vec<Override>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReformError {
    #[error("reform name must be 1–64 letters, digits, '-' or '_'")]
    BadName,
    #[error(transparent)]
    Policy(#[from] PolicyLoadErrors),
    #[error(transparent)]
    Engine(#[from] EngineError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Comparison {
    pub baseline: Totals,
    pub reform: Totals,
    pub difference: Totals,
}

impl Engine {
    /// An engine for the same regions with the reform's overrides applied.
    pub fn reformed(&self, reform: &Reform) -> Result<Engine, ReformError> {
        let name_ok = !reform.name.is_empty()
            && reform.name.len() <= 64
            && reform.name.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_');
        if !name_ok {
            return Err(ReformError::BadName);
        }
        let policy = self.policy().with_overrides(&reform.name, &reform.overrides)?;
        Ok(self.with_policy(Arc::new(policy))?)
    }

    /// Compares this engine (the baseline) with `other` on a batch.
    pub fn compare_batch(&self, other: &Engine, cases: &[Case]) -> Comparison {
        let (_, baseline) = self.evaluate_batch(cases);
        let (_, reform) = other.evaluate_batch(cases);
        Comparison {
            baseline,
            reform,
            difference: reform.difference(&baseline),
        }
    }
}
