//! The JSON API of the signed-in trainee's profile: `GET` and `PUT /api/v1/me/profile`.
//! Bearer tokens only, like every API route.

use crate::access::{perm, Allowed};
use crate::error::ApiError;
use crate::hygiene::JsonBody;
use crate::AppState;
use aiup_app::people::Person;
use aiup_app::{AppError, Code};
use aiup_people::ProfileInput;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/me/profile", get(my_profile).put(save_my_profile))
}

/// A person as the API shows it: the profile's spellings, `employer_size` null when none.
pub fn person_json(person: &Person) -> Value {
    let input = ProfileInput::from(&person.profile);
    json!({
        "id": person.id.0,
        "stage": input.stage,
        "status": input.status,
        "employer_size": (!input.employer_size.is_empty()).then_some(input.employer_size),
        "region": input.region,
        "age_band": input.age_band,
        "groups": input.groups,
        "kukchi": input.kukchi,
        "external_id": person.has_external_id,
    })
}

async fn my_profile(
    Allowed(actor, ..): Allowed<perm::OwnLearning>,
    State(state): State<AppState>,
) -> Result<Json<Value>, ApiError> {
    let person = state.app.my_person(&actor).await?;
    Ok(Json(json!({ "profile": person.as_ref().map(person_json) })))
}

async fn save_my_profile(
    Allowed(actor, ..): Allowed<perm::OwnLearning>,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::new(Code::MalformedJson, Some("(body)"), "the body is not UTF-8"))?;
    // `external_id` travels beside the profile's fields: it is hashed, never stored as given.
    let mut value: Value = serde_json::from_str(text).map_err(|e| {
        ApiError::new(
            Code::MalformedJson,
            Some("(body)"),
            format!("the body is not JSON: {e}"),
        )
    })?;
    let identifier = match value.as_object_mut().and_then(|o| o.remove("external_id")) {
        None | Some(Value::Null) => None,
        Some(Value::String(id)) => Some(id),
        Some(_) => {
            return Err(ApiError::new(
                Code::InvalidField,
                Some("external_id"),
                "must be a string",
            ))
        }
    };
    let input: ProfileInput = aiup_core::json::from_str_strict(&value.to_string()).map_err(|e| {
        let code = if matches!(e, aiup_core::json::StrictJsonError::Syntax(_)) {
            Code::MalformedJson
        } else {
            Code::InvalidField
        };
        ApiError(AppError::new(code, Some(e.path().unwrap_or("(body)")), e.to_string()))
    })?;
    let person = state
        .app
        .save_my_profile_with_identifier(&actor, &input, identifier.as_deref())
        .await
        .map_err(|e| ApiError(AppError::from(e)))?;
    Ok(Json(json!({ "profile": person_json(&person) })))
}

/// The operations of this module for the OpenAPI document.
pub(crate) fn openapi_paths(responses: impl Fn(&[(u16, Value)], bool, &[(u16, &str)]) -> Value) -> Value {
    let profile = json!({ "oneOf": [{ "$ref": "#/components/schemas/Profile" }, { "type": "null" }] });
    json!({
        "/api/v1/me/profile": {
            "get": {
                "operationId": "getMyProfile",
                "summary": "The signed-in trainee's profile, or null before it is made (trainee)",
                "security": [{ "bearerAuth": [] }],
                "responses": responses(
                    &[(200, json!({ "description": "The profile", "content": { "application/json": { "schema": {
                        "type": "object", "required": ["profile"], "additionalProperties": false,
                        "properties": { "profile": profile }
                    } } } }))],
                    false,
                    &[(403, "The caller is not a trainee"), (422, "Any query parameter is refused (invalid_parameter)")]
                )
            },
            "put": {
                "operationId": "putMyProfile",
                "summary": "Create or replace the signed-in trainee's profile (trainee); a bad field is refused and nothing is saved",
                "security": [{ "bearerAuth": [] }],
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ProfileInput" } } } },
                "responses": responses(
                    &[(200, json!({ "description": "The profile as saved", "content": { "application/json": { "schema": {
                        "type": "object", "required": ["profile"], "additionalProperties": false,
                        "properties": { "profile": { "$ref": "#/components/schemas/Profile" } }
                    } } } }))],
                    true,
                    &[
                        (400, "The body is not JSON, not a JSON object, or not UTF-8"),
                        (403, "The caller is not a trainee"),
                        (422, "A field is invalid (invalid_field: `field` names the first, the message says why), or the query string is not empty (invalid_parameter)")
                    ]
                )
            }
        }
    })
}

/// The schemas of this module for the OpenAPI document.
pub(crate) fn openapi_schemas() -> Vec<(&'static str, Value)> {
    use aiup_core::{EmployerSize, Stage, TraineeStatus};
    use aiup_people::{AgeBand, KukchiType, TargetGroup};
    let stages: Vec<&str> = Stage::ALL
        .iter()
        .filter(|s| **s != Stage::Infrastructure)
        .map(|s| s.as_str())
        .collect();
    let statuses: Vec<&str> = TraineeStatus::ALL.iter().map(|s| s.as_str()).collect();
    let sizes: Vec<&str> = EmployerSize::ALL.iter().map(|s| s.as_str()).collect();
    let bands: Vec<&str> = AgeBand::ALL.iter().map(|s| s.as_str()).collect();
    let groups: Vec<&str> = TargetGroup::ALL.iter().map(|s| s.as_str()).collect();
    let kukchi: Vec<&str> = KukchiType::ALL.iter().map(|s| s.as_str()).collect();
    let region = json!({ "type": "string", "pattern": "^[0-9]{5}$", "description": "A 5-digit 시군구 code (GET /api/v1/regions)." });
    vec![
        (
            "Profile",
            json!({
                "type": "object",
                "required": ["id", "stage", "status", "employer_size", "region", "age_band", "groups", "kukchi", "external_id"],
                "additionalProperties": false,
                "properties": {
                    "id": { "type": "integer", "minimum": 1 },
                    "stage": { "type": "string", "enum": stages },
                    "status": { "type": "string", "enum": statuses },
                    "employer_size": { "oneOf": [{ "type": "string", "enum": sizes }, { "type": "null" }] },
                    "region": region,
                    "age_band": { "type": "string", "enum": bands },
                    "groups": { "type": "array", "items": { "type": "string", "enum": groups } },
                    "kukchi": { "type": "string", "enum": kukchi },
                    "external_id": { "type": "boolean", "description": "Whether an outside identifier is on record (only its keyed hash is stored)." }
                }
            }),
        ),
        (
            "ProfileInput",
            json!({
                "type": "object",
                "required": ["stage", "status", "region", "age_band"],
                "additionalProperties": false,
                "description": "Only what the rules need: no name, no resident registration number. employer_size is for employees only; kukchi defaults to none. external_id (a 고용24 member number, for instance) is stored only as its HMAC under the server's AIUP_IDENTIFIER_KEY, and refused when no key is configured; without it, one on record is kept.",
                "properties": {
                    "stage": { "type": "string", "enum": stages },
                    "status": { "type": "string", "enum": statuses },
                    "employer_size": { "type": "string", "enum": sizes },
                    "region": region,
                    "age_band": { "type": "string", "enum": bands },
                    "groups": { "type": "array", "items": { "type": "string", "enum": groups } },
                    "kukchi": { "type": "string", "enum": kukchi },
                    "external_id": { "type": "string", "minLength": 1, "maxLength": 64 }
                }
            }),
        ),
    ]
}
