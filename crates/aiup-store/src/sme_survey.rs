//! The SME AI-training demand survey's answers (one row per firm), as imported. Storage models
//! only.

use std::fmt;

use async_trait::async_trait;

/// Survey answers (`Database::sme_survey`).
#[async_trait]
pub trait SurveyStore: Send + Sync + fmt::Debug {}
