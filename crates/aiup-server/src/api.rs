//! The JSON API under /api/v1. Thin: parse, call the domain, render.

use crate::account_api::query_pairs;
use crate::error::ApiError;
use crate::hygiene::JsonBody;
use crate::AppState;
use aiup_app::Code;
use aiup_core::RegionTier;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/v1/estimate", post(estimate))
        .route("/api/v1/programmes", get(programmes))
        .route("/api/v1/parameters", get(parameters))
        .route("/api/v1/regions", get(regions))
        .route("/api/v1/regions/{query}", get(region))
        .route("/api/v1/courses", get(courses))
        .route("/api/v1/courses/{id}", get(course))
        .route("/api/v1/suggest", get(suggest))
        .route("/api/v1/openapi.json", get(openapi))
}

async fn healthz(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    state.db().ping().await.map_err(|e| {
        ApiError::new(
            Code::DatabaseUnavailable,
            None,
            format!("the database did not answer: {e}"),
        )
    })?;
    Ok(Json(
        json!({ "status": "ok", "policy_version": state.engine().policy().version, "database": state.db().backend().to_string() }),
    ))
}

async fn estimate(State(state): State<AppState>, JsonBody(body): JsonBody) -> Result<Json<Value>, ApiError> {
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::new(Code::MalformedJson, Some("(body)"), "the body is not UTF-8"))?;
    let request = aiup_rules::parse_request(text)?;
    Ok(Json(aiup_rules::answer(&state.engine(), &request)?))
}

async fn programmes(State(state): State<AppState>) -> Json<Value> {
    let engine = state.engine();
    let policy = engine.policy();
    let programmes: Vec<Value> = policy
        .programmes
        .iter()
        .map(|p| {
            let budget: Vec<&aiup_core::policy::BudgetLine> = policy.budget_lines.iter().filter(|b| b.programmes.contains(&p.id)).collect();
            json!({
                "id": p.id, "name": p.name, "description": p.description, "stage": p.stage, "target_group": p.target_group,
                "plan_line": p.plan_line, "allowance_scheme": p.allowance_scheme, "tuition_scheme": p.tuition_scheme,
                "training_cost_multiplier": p.training_cost_multiplier, "trainee_facing": p.is_trainee_facing(),
                "targets": p.targets, "budget_lines": budget.iter().map(|b| &b.id).collect::<Vec<_>>(), "cite": p.cite,
            })
        })
        .collect();
    Json(json!({
        "policy_version": policy.version,
        "plan": policy.plan,
        "ai_specific_budget_won": policy.ai_specific_budget(policy.plan.year),
        "programmes": programmes,
        "plan_lines": policy.plan_lines,
        "budget_lines": policy.budget_lines,
        "indicators": policy.indicators,
    }))
}

#[derive(Debug, Deserialize)]
struct ParametersQuery {
    on: Option<String>,
    prefix: Option<String>,
}

async fn parameters(
    State(state): State<AppState>,
    Query(query): Query<ParametersQuery>,
) -> Result<Json<Value>, ApiError> {
    let on = match query.on.as_deref() {
        None => None,
        Some(text) => Some(
            aiup_core::date::parse_iso_date(text)
                .map_err(|e| ApiError::new(Code::InvalidDate, Some("on"), e.to_string()))?,
        ),
    };
    let engine = state.engine();
    let policy = engine.policy();
    let list: Vec<Value> = policy
        .parameters
        .values()
        .filter(|p| query.prefix.as_deref().is_none_or(|prefix| p.id.starts_with(prefix)))
        .map(|p| {
            let mut v = json!({ "id": p.id, "description": p.description, "values": p.values, "defined_at": p.at });
            if let Some(date) = on {
                v["in_force"] = json!(p.at(date));
            }
            v
        })
        .collect();
    Ok(Json(
        json!({ "policy_version": policy.version, "coverage_start": policy.meta.coverage_start, "parameters": list }),
    ))
}

fn region_json(region: &aiup_core::region::Region, precedence: RegionTier) -> Value {
    json!({
        "code": region.code, "name": region.full_name, "local_name": region.name, "name_en": region.name_en, "kind": region.kind,
        "sido_code": region.sido_code, "parent_code": region.parent_code, "capital_area": region.capital_area,
        "population_declining": region.population_declining, "tier": region.tier(precedence),
    })
}

fn tier_precedence(state: &AppState) -> RegionTier {
    state.app.tier_precedence()
}

#[derive(Debug, Deserialize)]
struct RegionsQuery {
    q: Option<String>,
}

async fn regions(State(state): State<AppState>, Query(query): Query<RegionsQuery>) -> Result<Json<Value>, ApiError> {
    let q = query.q.unwrap_or_default();
    if q.chars().count() > 100 {
        return Err(ApiError::new(
            Code::InvalidField,
            Some("q"),
            "must be at most 100 characters",
        ));
    }
    let precedence = tier_precedence(&state);
    let engine = state.engine();
    let table = engine.regions();
    let found: Vec<Value> = if q.trim().is_empty() {
        table.regions().iter().map(|r| region_json(r, precedence)).collect()
    } else {
        table
            .search(&q)
            .into_iter()
            .map(|r| region_json(r, precedence))
            .collect()
    };
    Ok(Json(json!({ "count": found.len(), "regions": found })))
}

async fn region(State(state): State<AppState>, Path(query): Path<String>) -> Result<Json<Value>, ApiError> {
    let precedence = tier_precedence(&state);
    let engine = state.engine();
    match engine.regions().resolve(&query) {
        Ok(found) => {
            let mut v = region_json(found.region, precedence);
            v["via_alias"] = json!(found.via_alias);
            Ok(Json(v))
        }
        Err(aiup_core::region::ResolveError::NotFound { .. }) => Err(ApiError::new(
            Code::RegionNotFound,
            Some("query"),
            format!("no region matches `{query}`"),
        )),
        Err(e) => Err(ApiError::new(Code::AmbiguousRegion, Some("query"), e.to_string())),
    }
}

async fn openapi() -> Json<Value> {
    Json(crate::openapi::document())
}

fn param_errors(errors: Vec<crate::catalogue::ParamError>) -> ApiError {
    let first = errors.first().map(|e| e.field.clone()).unwrap_or_default();
    let message = errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.reason))
        .collect::<Vec<_>>()
        .join("; ");
    ApiError::new(Code::InvalidParameter, Some(&first), message)
}

async fn courses(
    State(state): State<AppState>,
    query: Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let pairs = query_pairs(query)?;
    let engine = state.engine();
    let query = crate::catalogue::CourseQuery::from_pairs(&pairs, &engine, &[]).map_err(param_errors)?;
    let today = state.today();
    let request = query.request(today);
    let sort = request.sort;
    let results = crate::catalogue::search(state.index(), request)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let hits: Vec<Value> = results
        .hits
        .iter()
        .map(|hit| {
            let mut v = aiup_app::view::course_json(&engine, &hit.course, &hit.institution, &query.profile, today);
            v["score"] = json!(hit.score);
            v
        })
        .collect();
    Ok(Json(json!({
        "query": query.query,
        "profile": query.profile,
        "total": results.total,
        "page": query.page,
        "per_page": query.per_page,
        "sort": sort.as_str(),
        "hits": hits,
        "facets": results.facets,
    })))
}

async fn course(
    State(state): State<AppState>,
    Path(id): Path<String>,
    query: Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let pairs = query_pairs(query)?;
    let engine = state.engine();
    let query = crate::catalogue::CourseQuery::from_pairs(&pairs, &engine, &[]).map_err(param_errors)?;
    let found = state
        .db()
        .catalogue()
        .course(&id)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let Some((course, institution)) = found else {
        return Err(ApiError::new(
            Code::UnknownCourse,
            Some("id"),
            format!("no course has the id `{id}`"),
        ));
    };
    Ok(Json(aiup_app::view::course_json(
        &engine,
        &course,
        &institution,
        &query.profile,
        state.today(),
    )))
}

#[derive(Debug, Deserialize)]
struct SuggestQuery {
    q: Option<String>,
    limit: Option<usize>,
}

async fn suggest(State(state): State<AppState>, Query(query): Query<SuggestQuery>) -> Result<Json<Value>, ApiError> {
    let q = query.q.unwrap_or_default();
    if q.chars().count() > crate::catalogue::MAX_QUERY_CHARS {
        return Err(ApiError::new(
            Code::InvalidParameter,
            Some("q"),
            format!("is longer than {} characters", crate::catalogue::MAX_QUERY_CHARS),
        ));
    }
    let limit = query.limit.unwrap_or(8).clamp(1, 20);
    let suggestions = state.index().suggest(&q, limit).map_err(|e| ApiError::internal(&e))?;
    Ok(Json(json!({ "query": q, "suggestions": suggestions })))
}
