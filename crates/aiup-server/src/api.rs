//! The JSON API under /api/v1. Thin: parse, call the domain, render.

use crate::account_api::query_pairs;
use crate::error::ApiError;
use crate::hygiene::JsonBody;
use crate::AppState;
use aiup_app::Code;
use aiup_core::RegionTier;
use axum::extract::{MatchedPath, Path, Query, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::OnceLock;

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

/// The query-string parameters of one operation: each name, and whether it may repeat.
type Parameters = Vec<(String, bool)>;

/// The query-string parameters of every API operation, read from the OpenAPI document, so that
/// what is documented and what is accepted cannot differ: (method, path) → parameters.
fn documented_parameters() -> &'static HashMap<(Method, String), Parameters> {
    static TABLE: OnceLock<HashMap<(Method, String), Parameters>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let document = crate::openapi::document();
        let mut table = HashMap::new();
        for (path, item) in document["paths"].as_object().into_iter().flatten() {
            for (method, operation) in item.as_object().into_iter().flatten() {
                let Ok(method) = Method::from_bytes(method.to_ascii_uppercase().as_bytes()) else {
                    continue;
                };
                let parameters = operation["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|p| p["in"] == "query")
                    .filter_map(|p| Some((p["name"].as_str()?.to_owned(), p["schema"]["type"] == "array")))
                    .collect();
                table.insert((method, path.clone()), parameters);
            }
        }
        table
    })
}

/// The pairs of a query string, decoded strictly: `+` is a space, and a `%` not followed by two
/// hex digits, or bytes that are not UTF-8, make the whole string unreadable. Empty pieces
/// (`a=1&&b=2`) are skipped.
pub fn read_query(query: &str) -> Result<Vec<(String, String)>, ApiError> {
    let unreadable = |reason: String| {
        ApiError::new(
            Code::InvalidParameter,
            Some("(query)"),
            format!("the query string cannot be read: {reason}"),
        )
    };
    let decode = |text: &str| -> Result<String, ApiError> {
        let bytes = text.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' => match bytes.get(i + 1..i + 3) {
                    Some(&[high, low]) if high.is_ascii_hexdigit() && low.is_ascii_hexdigit() => {
                        let digit = |d: u8| (d as char).to_digit(16).unwrap_or_default() as u8;
                        out.push(digit(high) * 16 + digit(low));
                        i += 2;
                    }
                    _ => {
                        let escape = String::from_utf8_lossy(&bytes[i..(i + 3).min(bytes.len())]);
                        return Err(unreadable(format!("`{escape}` is not a percent-escape (%XX)")));
                    }
                },
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8(out).map_err(|_| unreadable(format!("`{text}` does not decode to UTF-8 text")))
    };
    query
        .split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (key, value) = piece.split_once('=').unwrap_or((piece, ""));
            Ok((decode(key)?, decode(value)?))
        })
        .collect()
}

/// Why `pairs` are refused by an operation that reads `parameters`: an unknown parameter
/// (`field` names the first, the message lists every one), or a single-valued one given twice.
pub fn check_pairs(pairs: &[(String, String)], parameters: &[(String, bool)]) -> Result<(), ApiError> {
    let mut unknown: Vec<&str> = Vec::new();
    for (key, _) in pairs {
        if !parameters.iter().any(|(name, _)| name == key) && !unknown.contains(&key.as_str()) {
            unknown.push(key);
        }
    }
    if let Some(first) = unknown.first() {
        let listed =
            |names: &mut dyn Iterator<Item = &str>| names.map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
        let known = if parameters.is_empty() {
            "this route takes no parameters".to_owned()
        } else {
            format!(
                "this route reads {}",
                listed(&mut parameters.iter().map(|(n, _)| n.as_str()))
            )
        };
        let noun = if unknown.len() == 1 {
            "unknown parameter"
        } else {
            "unknown parameters"
        };
        return Err(ApiError::new(
            Code::InvalidParameter,
            Some(first),
            format!("{noun} {}; {known}", listed(&mut unknown.iter().copied())),
        ));
    }
    for (name, _) in parameters.iter().filter(|(_, repeats)| !repeats) {
        if pairs.iter().filter(|(key, _)| key == name).count() > 1 {
            return Err(ApiError::new(
                Code::InvalidParameter,
                Some(name),
                "is given more than once; it takes one value",
            ));
        }
    }
    Ok(())
}

/// Checks the query string of every API request against its operation's documented
/// parameters, before the handler runs, so every route refuses the same things the same way.
/// Applied once, in [`crate::app`], inside the access check.
pub async fn check_parameters(matched: Option<MatchedPath>, request: Request, next: Next) -> Response {
    let method = if request.method() == Method::HEAD {
        Method::GET
    } else {
        request.method().clone()
    };
    let query = request.uri().query().unwrap_or_default();
    let parameters = matched
        .filter(|m| crate::access::is_api(m.as_str()))
        .and_then(|m| documented_parameters().get(&(method, m.as_str().to_owned())));
    if let Some(parameters) = parameters {
        if let Err(e) = read_query(query).and_then(|pairs| check_pairs(&pairs, parameters)) {
            return e.into_response();
        }
    }
    next.run(request).await
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_are_decoded_strictly() {
        let pairs = |q: &str| read_query(q).map_err(|e| (e.0.field.clone(), e.0.message.clone()));
        assert_eq!(
            pairs("q=%EB%8D%B0+a&&b&c=").unwrap(),
            vec![
                ("q".to_owned(), "데 a".to_owned()),
                ("b".to_owned(), String::new()),
                ("c".to_owned(), String::new())
            ]
        );
        assert_eq!(pairs("a=%2B1").unwrap(), vec![("a".to_owned(), "+1".to_owned())]);
        for bad in ["%zz", "a=%2", "a=%", "a=%+1", "a=%FF", "%C3%28=1"] {
            let (field, message) = pairs(bad).unwrap_err();
            assert_eq!(field.as_deref(), Some("(query)"), "{bad}");
            assert!(
                message.starts_with("the query string cannot be read"),
                "{bad}: {message}"
            );
        }
    }

    #[test]
    fn unknown_and_repeated_parameters_are_refused_by_name() {
        let reads = vec![("q".to_owned(), false), ("stage".to_owned(), true)];
        let pairs = |list: &[&str]| -> Vec<(String, String)> {
            list.iter().map(|k| ((*k).to_owned(), "x".to_owned())).collect()
        };
        assert!(check_pairs(&pairs(&["q", "stage", "stage"]), &reads).is_ok());
        let e = check_pairs(&pairs(&["q", "lang", "zz", "lang"]), &reads).unwrap_err();
        assert_eq!((e.code(), e.0.field.as_deref()), (Code::InvalidParameter, Some("lang")));
        assert!(
            e.0.message == "unknown parameters `lang`, `zz`; this route reads `q`, `stage`",
            "{}",
            e.0.message
        );
        let e = check_pairs(&pairs(&["q", "q"]), &reads).unwrap_err();
        assert_eq!(e.0.field.as_deref(), Some("q"));
        let e = check_pairs(&pairs(&["a"]), &[]).unwrap_err();
        assert!(e.0.message.contains("takes no parameters"), "{}", e.0.message);
    }

    #[test]
    fn every_api_operation_is_in_the_parameter_table() {
        for (method, path, _) in crate::access::ROUTES.iter().filter(|(_, p, _)| p.starts_with("/api/")) {
            assert!(
                documented_parameters().contains_key(&(method.clone(), (*path).to_owned())),
                "{method} {path}"
            );
        }
        let courses = &documented_parameters()[&(Method::GET, "/api/v1/courses".to_owned())];
        assert!(courses.contains(&("q".to_owned(), false)) && courses.contains(&("stage".to_owned(), true)));
    }
}
