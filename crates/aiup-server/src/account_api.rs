//! The JSON API of accounts, the audit log and staff records. Bearer tokens only.

use crate::access::{perm, Allowed, SignedIn};
use crate::error::ApiError;
use crate::AppState;
use aiup_app::accounts::{AccountView, NewUser, Password, Via};
use aiup_app::{AppError, Code};
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/me", get(me))
        .route("/api/v1/policy/versions", get(policy_versions))
        .route("/api/v1/audit", get(audit))
        .route("/api/v1/users", get(users).post(create_user))
        .route("/api/v1/institutions/{id}/courses", get(institution_courses))
}

pub(crate) fn query_pairs(
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Vec<(String, String)>, ApiError> {
    query.map(|Query(pairs)| pairs).map_err(|e| {
        ApiError::new(
            Code::InvalidParameter,
            Some("(query)"),
            format!("the query string cannot be read: {e}"),
        )
    })
}

async fn me(SignedIn(actor): SignedIn, State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let account = state.app.accounts().get(actor.account_id).await?;
    let via = match actor.via {
        Via::Session { .. } => json!({ "kind": "session" }),
        Via::Token { id } => json!({ "kind": "token", "token_id": id }),
    };
    Ok(Json(json!({ "account": account, "via": via })))
}

async fn policy_versions(
    Allowed(..): Allowed<perm::ReadPolicyVersions>,
    State(state): State<AppState>,
) -> Result<Json<Value>, ApiError> {
    let versions = state.app.db().policy().versions().await?;
    Ok(Json(json!({ "versions": versions })))
}

async fn audit(
    Allowed(actor, ..): Allowed<perm::ReadAudit>,
    State(state): State<AppState>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let filter = aiup_app::audit::filter_from_pairs(&query_pairs(query)?, &[])?;
    let events = state.app.audit_events(&actor, &filter).await?;
    let next_before = (events.len() as i64 == filter.limit)
        .then(|| events.last().map(|e| e.id))
        .flatten();
    Ok(Json(json!({ "events": events, "next_before": next_before })))
}

async fn users(
    Allowed(..): Allowed<perm::ManageAccounts>,
    State(state): State<AppState>,
) -> Result<Json<Value>, ApiError> {
    let accounts: Vec<AccountView> = state.app.accounts().list().await?;
    Ok(Json(json!({ "accounts": accounts })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewUserJson {
    login: String,
    display_name: String,
    role: String,
    #[serde(default)]
    scope: Option<String>,
    /// Without one, a one-time password is generated and returned once.
    #[serde(default)]
    password: Option<String>,
}

async fn create_user(
    Allowed(actor, ..): Allowed<perm::ManageAccounts>,
    State(state): State<AppState>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::new(Code::MalformedJson, Some("(body)"), "the body is not UTF-8"))?;
    let input: NewUserJson = aiup_core::json::from_str_strict(text).map_err(|e| {
        let code = if matches!(e, aiup_core::json::StrictJsonError::Syntax(_)) {
            Code::MalformedJson
        } else {
            Code::InvalidField
        };
        ApiError(AppError::new(code, Some(e.path().unwrap_or("(body)")), e.to_string()))
    })?;
    let (account, generated) = state
        .app
        .accounts()
        .create_user(
            &actor.audit_name(),
            NewUser {
                login: input.login,
                display_name: input.display_name,
                role: input.role,
                scope: input.scope,
                password: input.password.map(Password::new),
            },
        )
        .await?;
    let mut answer = json!({ "account": account });
    if let Some(password) = generated {
        answer["one_time_password"] = json!(password.reveal_once());
    }
    Ok((StatusCode::CREATED, Json(answer)))
}

async fn institution_courses(
    Allowed(actor, ..): Allowed<perm::ReadInstitutionRecords>,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (institution, courses) = state.app.institution_records(&actor, &id).await?;
    Ok(Json(json!({ "institution": institution, "courses": courses })))
}
