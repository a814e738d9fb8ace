//! The OpenAPI 3.1 document for /api/v1. Tests check that every route in
//! `access::ROUTES` under /api and /healthz is described here, and that
//! real responses carry the required fields.

use serde_json::{json, Value};

fn error_responses() -> Value {
    json!({
        "400": { "description": "Malformed JSON.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
        "408": { "description": "The request took longer than the server allows (30 s by default).", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
        "413": { "description": "The body is over the limit (1 MiB by default).", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
        "415": { "description": "The body is not sent as `Content-Type: application/json`.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
        "422": { "description": "A field is invalid; `field` names it and `code` says why (docs/errors.md).", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
    })
}

/// The facet names, which are also the filter parameters of `GET /api/v1/courses`.
const FACETS: [&str; 12] = [
    "programme",
    "stage",
    "ai_step",
    "ai_level",
    "delivery",
    "province",
    "tier",
    "hours_band",
    "fee_band",
    "ncs_major",
    "start_month",
    "audience",
];

fn course_search_parameters() -> Value {
    let mut parameters = vec![
        json!({ "name": "q", "in": "query", "schema": { "type": "string", "maxLength": 200 }, "description": "Search words; empty lists every course." }),
        json!({ "name": "sort", "in": "query", "schema": { "enum": ["relevance", "start_date", "fee_asc", "fee_desc", "hours_asc", "hours_desc"] }, "description": "Default: relevance with words, start_date without." }),
        json!({ "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1, "default": 1 } }),
        json!({ "name": "per_page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 100, "default": 20 } }),
        json!({ "name": "status", "in": "query", "schema": { "enum": ["job_seeker", "employed", "self_employed"], "default": "job_seeker" }, "description": "The trainee profile support is computed for." }),
        json!({ "name": "employer_size", "in": "query", "schema": { "enum": ["priority_support", "large", "large_1000"] } }),
    ];
    for facet in FACETS {
        parameters.push(json!({ "name": facet, "in": "query", "style": "form", "explode": true, "schema": { "type": "array", "items": { "type": "string" } }, "description": format!("Filter on the {facet} facet (repeat or comma-separate values).") }));
    }
    Value::Array(parameters)
}

pub fn document() -> Value {
    let mut estimate_responses = error_responses();
    estimate_responses["200"] = json!({ "description": "The estimate, with components, explanations and (unless trace=false) the trace.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Estimate" } } } });
    let staff = json!([{ "staffToken": [] }]);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "aiup API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Support amounts for the AI+ Competency Up programme, computed from dated, cited policy data. Money is integer won; dates are calendar dates in Asia/Seoul."
        },
        "paths": {
            "/healthz": { "get": { "summary": "Liveness and the active policy version", "responses": { "200": { "description": "Up", "content": { "application/json": { "schema": { "type": "object", "required": ["status", "policy_version", "database"], "properties": { "status": { "const": "ok" }, "policy_version": { "type": "string" }, "database": { "enum": ["sqlite", "postgres"] } } } } } }, "503": { "description": "The database did not answer" } } } },
            "/api/v1/estimate": { "post": {
                "summary": "Estimate the support for one trainee, course and unit period",
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/EstimateRequest" } } } },
                "responses": estimate_responses
            } },
            "/api/v1/programmes": { "get": { "summary": "Programmes, plan lines, budget lines and seed targets", "responses": { "200": { "description": "The plan as data", "content": { "application/json": { "schema": { "type": "object", "required": ["policy_version", "plan", "programmes", "plan_lines", "budget_lines", "indicators"] } } } } } } },
            "/api/v1/parameters": { "get": {
                "summary": "Every parameter with its dated, cited values",
                "parameters": [
                    { "name": "on", "in": "query", "schema": { "type": "string", "format": "date" }, "description": "Also give the value in force on this date." },
                    { "name": "prefix", "in": "query", "schema": { "type": "string" }, "description": "Only parameters whose id starts with this." }
                ],
                "responses": { "200": { "description": "Parameters", "content": { "application/json": { "schema": { "type": "object", "required": ["policy_version", "coverage_start", "parameters"] } } } }, "422": { "description": "Bad date", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } } }
            } },
            "/api/v1/regions": { "get": {
                "summary": "Look regions up by code or name (old names resolve too)",
                "parameters": [{ "name": "q", "in": "query", "schema": { "type": "string", "maxLength": 100 } }],
                "responses": { "200": { "description": "Matching regions", "content": { "application/json": { "schema": { "type": "object", "required": ["count", "regions"], "properties": { "count": { "type": "integer" }, "regions": { "type": "array", "items": { "$ref": "#/components/schemas/Region" } } } } } } } }
            } },
            "/api/v1/regions/{query}": { "get": {
                "summary": "Resolve one region by 5-digit code or \"시도 시군구\" name",
                "parameters": [{ "name": "query", "in": "path", "required": true, "schema": { "type": "string" } }],
                "responses": { "200": { "description": "The region", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Region" } } } }, "404": { "description": "No such region" }, "422": { "description": "Ambiguous name" } }
            } },
            "/api/v1/courses": { "get": {
                "summary": "Search the course catalogue, with facet counts and the support each course gives one trainee",
                "description": "Korean analysis (bigrams and whole words with particles stripped), synonyms and one-character typos are handled. Within one facet the listed values are OR; across facets AND. Facet counts are disjunctive: a facet's counts ignore that facet's own filter. Every facet parameter may repeat or hold comma-separated values.",
                "parameters": course_search_parameters(),
                "responses": { "200": { "description": "One page of results", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/CourseSearch" } } } }, "422": { "description": "A parameter is invalid (code invalid_parameter; field names it)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } } }
            } },
            "/api/v1/courses/{id}": { "get": {
                "summary": "One course with its institution, cohorts and the support for a trainee profile",
                "parameters": [
                    { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } },
                    { "name": "status", "in": "query", "schema": { "enum": ["job_seeker", "employed", "self_employed"], "default": "job_seeker" } },
                    { "name": "employer_size", "in": "query", "schema": { "enum": ["priority_support", "large", "large_1000"] } }
                ],
                "responses": { "200": { "description": "The course", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Course" } } } }, "404": { "description": "No such course (code unknown_course)" }, "422": { "description": "Bad profile parameter" } }
            } },
            "/api/v1/suggest": { "get": {
                "summary": "Completions for a search box as the user types",
                "parameters": [
                    { "name": "q", "in": "query", "schema": { "type": "string", "maxLength": 200 } },
                    { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 20, "default": 8 } }
                ],
                "responses": { "200": { "description": "Suggestions, most frequent first", "content": { "application/json": { "schema": { "type": "object", "required": ["query", "suggestions"], "properties": { "suggestions": { "type": "array", "items": { "type": "object", "required": ["text", "count"] } } } } } } } }
            } },
            "/api/v1/openapi.json": { "get": { "summary": "This document", "responses": { "200": { "description": "OpenAPI 3.1" } } } },
            "/api/v1/policy/versions": { "get": { "summary": "Imported policy versions (staff)", "security": staff, "responses": { "200": { "description": "Newest first" }, "401": { "description": "No token" }, "403": { "description": "Wrong token, or staff routes closed" } } } },
            "/api/v1/audit": { "get": { "summary": "Audit events (staff)", "security": staff, "responses": { "200": { "description": "Newest first" }, "401": { "description": "No token" }, "403": { "description": "Wrong token, or staff routes closed" } } } }
        },
        "components": {
            "securitySchemes": { "staffToken": { "type": "http", "scheme": "bearer" } },
            "schemas": {
                "Error": { "type": "object", "required": ["error"], "properties": { "error": { "type": "object", "required": ["code", "message"], "properties": { "code": { "type": "string" }, "field": { "type": "string" }, "message": { "type": "string" } } } } },
                "EstimateRequest": {
                    "type": "object", "required": ["programme", "course", "trainee"], "additionalProperties": false,
                    "properties": {
                        "programme": { "type": "string", "examples": ["kdt-ai-campus"] },
                        "course": { "type": "object", "required": ["region", "start_date", "end_date", "total_hours", "hours_per_day", "delivery"], "additionalProperties": false, "properties": {
                            "region": { "type": "string", "description": "5-digit code or \"시도 시군구\" name" },
                            "start_date": { "type": "string", "format": "date" }, "end_date": { "type": "string", "format": "date" },
                            "total_hours": { "type": "number", "exclusiveMinimum": 0 }, "hours_per_day": { "type": "number", "exclusiveMinimum": 0, "maximum": 24 },
                            "delivery": { "enum": ["classroom", "remote", "blended", "live_online", "vr_metaverse", "digital_twin"] },
                            "fee_won": { "type": "integer", "minimum": 0 }, "base_unit_price_won_per_hour": { "type": "integer", "minimum": 0 },
                            "ai_course": { "type": "boolean", "default": true }, "self_payment_rate_percent": { "type": "number" },
                            "provision": { "enum": ["in_house", "outsourced"], "default": "outsourced" } } },
                        "trainee": { "type": "object", "required": ["status"], "additionalProperties": false, "properties": {
                            "status": { "enum": ["job_seeker", "employed", "self_employed"] },
                            "employer_size": { "enum": ["priority_support", "large", "large_1000"] },
                            "exempt_group": { "type": "boolean" }, "vulnerable_group": { "type": "boolean" }, "card_balance_won": { "type": "integer", "minimum": 0 } } },
                        "period": { "type": "integer", "minimum": 1, "default": 1 },
                        "attendance": { "type": "object", "required": ["scheduled_days", "attended_days"], "additionalProperties": false, "properties": {
                            "scheduled_days": { "type": "integer", "minimum": 0 }, "attended_days": { "type": "integer", "minimum": 0 },
                            "late": { "type": "integer", "minimum": 0 }, "early_leave": { "type": "integer", "minimum": 0 }, "outing": { "type": "integer", "minimum": 0 }, "under_half_days": { "type": "integer", "minimum": 0 } } },
                        "trace": { "type": "boolean", "default": true },
                        "reform": { "type": "object", "required": ["name", "overrides"], "properties": { "name": { "type": "string" }, "overrides": { "type": "array", "items": { "type": "object", "required": ["param", "value"], "properties": { "param": { "type": "string" }, "from": { "type": "string", "format": "date" }, "value": {} } } } } }
                    }
                },
                "Totals": { "type": "object", "required": ["allowance_won", "base_allowance_won", "special_allowance_won", "tuition_support_won", "self_payment_won", "employer_payment_won", "recognised_training_cost_won"], "additionalProperties": { "type": "integer" } },
                "Estimate": {
                    "type": "object", "required": ["policy_version", "policy_date", "programme", "region", "unit_period", "totals", "components", "explanation"],
                    "properties": {
                        "policy_version": { "type": "string" }, "policy_date": { "type": "string", "format": "date" },
                        "unit_period": { "type": "object", "required": ["index", "of", "start", "end"] },
                        "totals": { "$ref": "#/components/schemas/Totals" },
                        "components": { "type": "array", "items": { "type": "object", "required": ["id", "amount_won", "payer", "payee", "basis", "reason", "citations"] } },
                        "explanation": { "type": "object", "required": ["ko", "en"] },
                        "trace": { "type": "array", "items": { "type": "object", "required": ["rule", "label", "value"] } },
                        "reform": { "type": "object", "required": ["name", "policy_version", "totals", "difference"] }
                    }
                },
                "Course": {
                    "type": "object",
                    "required": ["id", "institution", "title", "programmes", "ncs", "ncs_major", "delivery", "total_hours", "hours_per_day", "fee_won", "region", "audiences", "cohorts"],
                    "properties": {
                        "id": { "type": "string" }, "title": { "type": "string" }, "summary": { "type": "string" },
                        "institution": { "type": "object", "required": ["id", "name", "kind", "region", "grade"] },
                        "programmes": { "type": "array", "items": { "type": "string" } },
                        "ncs": { "type": "string", "pattern": "^[0-9]{8}$" }, "ncs_major": { "type": "string", "pattern": "^[0-9]{2}$" },
                        "ai_step": { "enum": ["basic_understanding", "job_application", "solution_development", null] },
                        "ai_level": { "enum": ["literacy", "work_practice", "system_integration", "model_development", null] },
                        "modules": { "type": "array", "items": { "enum": ["ethics_security", "prompt_engineering", "verification_refinement", "data_bias", "productivity_tools"] } },
                        "delivery": { "enum": ["classroom", "remote", "blended", "live_online", "vr_metaverse", "digital_twin"] },
                        "total_hours": { "type": "number" }, "hours_per_day": { "type": "number" }, "fee_won": { "type": "integer", "minimum": 0 },
                        "region": { "type": "object", "required": ["code"], "properties": { "code": { "type": "string" }, "tier": { "enum": ["capital", "non_capital", "population_declining"] } } },
                        "audiences": { "type": "array", "items": { "type": "string" } },
                        "cohorts": { "type": "array", "items": { "type": "object", "required": ["start_date", "end_date", "capacity", "seats_left"] } },
                        "next_cohort": { "type": ["object", "null"] },
                        "support": { "type": "object", "description": "Computed by the rules engine for the requested profile on the next cohort, first unit period, full attendance assumed; never stored.", "required": ["programme", "self_payment_won", "tuition_support_won", "allowance_won", "explanation", "components"] },
                        "support_unavailable": { "type": "object", "description": "Present instead of support when no programme of the course supports the profile.", "required": ["code", "field", "reason"] }
                    }
                },
                "CourseSearch": {
                    "type": "object", "required": ["query", "total", "page", "per_page", "sort", "hits", "facets"],
                    "properties": {
                        "total": { "type": "integer" }, "page": { "type": "integer" }, "per_page": { "type": "integer" },
                        "hits": { "type": "array", "items": { "$ref": "#/components/schemas/Course" } },
                        "facets": { "type": "array", "items": { "type": "object", "required": ["kind", "values"], "properties": { "kind": { "enum": FACETS }, "values": { "type": "array", "items": { "type": "object", "required": ["value", "count"] } } } } }
                    }
                },
                "Region": { "type": "object", "required": ["code", "name", "capital_area", "population_declining", "tier"], "properties": { "code": { "type": "string", "pattern": "^[0-9]{5}$" }, "tier": { "enum": ["capital", "non_capital", "population_declining"] } } }
            }
        }
    })
}
