//! SME diagnoses (the questionnaire's answers and the AX level they scored, append-only) and
//! prescriptions (the training plan, its items, and the HR lead's acceptance). Storage models only.

use std::fmt;

use async_trait::async_trait;

/// Diagnoses and prescriptions (`Database::sme_diagnoses`).
#[async_trait]
pub trait SmeDiagnosisStore: Send + Sync + fmt::Debug {}
