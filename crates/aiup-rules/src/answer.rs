//! The JSON answer to an estimate request, shared by the CLI and the HTTP API
//! so that both say exactly the same thing.

use crate::case::{CaseError, EstimateRequest};
use crate::engine::Engine;
use serde_json::{json, Value};

/// Parses, evaluates and renders one request (with its reform, if any).
pub fn answer(engine: &Engine, request: &EstimateRequest) -> Result<Value, CaseError> {
    let case = engine.parse_case(&request.case)?;
    let estimate = engine.estimate(&case, request.trace);
    let mut value =
        serde_json::to_value(&estimate).map_err(|e| CaseError::new("internal", "(response)", e.to_string()))?;
    if let Some(reform) = &request.reform {
        let reformed = engine
            .reformed(reform)
            .map_err(|e| CaseError::new("invalid_reform", "reform", e.to_string()))?;
        // The reform engine validates the same case again: a reform may move a
        // band (say, the card self-payment range) that the case must fit.
        let reform_case = reformed.parse_case(&request.case).map_err(|e| {
            CaseError::new(
                "invalid_reform",
                format!("reform: {}", e.field),
                (e.reason_ko, e.reason),
            )
        })?;
        let totals = reformed.totals(&reform_case);
        value["reform"] = json!({
            "name": reform.name,
            "policy_version": reformed.policy().version,
            "totals": totals,
            "difference": totals.difference(&estimate.totals),
        });
    }
    Ok(value)
}
