//! The OpenAPI 3.1 document for /api/v1 and /healthz.
//!
//! Every operation has an `operationId` and a response, with a full schema, for every status it
//! can answer. Error answers are `#/components/schemas/Error`, narrowed per status to the codes
//! of `aiup_app::Code` bound to that status; the closed vocabularies (deliveries, statuses,
//! facets, sort orders, …) are generated from their `ALL` lists, so the document cannot drift
//! from the code. Tests (crates/aiup/tests/it/http.rs) check that every route in
//! `access::ROUTES` under /api and /healthz is described here, and that real answers validate
//! against these schemas; `bench/fuzz/run-schemathesis.sh` fuzzes the server against it.

use aiup_app::Code;
use aiup_catalogue::{
    AiLevel, AiStep, Audience, BasicModule, FeeBand, HoursBand, InstitutionKind, NcsMajor, QualityGrade, TimeOfDay,
};
use aiup_core::policy::{AllowanceScheme, Confidence, Funding, TargetGroup, TargetUnit, TuitionScheme};
use aiup_core::region::RegionKind;
use aiup_core::{Delivery, EmployerSize, Provision, RegionTier, Stage, TraineeStatus};
use aiup_rules::explain::{Basis, Party};
use aiup_search::{FacetKind, SortOrder};
use serde_json::{json, Map, Value};

/// The roles an account can have (`Account.role`).
pub const ROLES: [&str; 7] = [
    "trainee",
    "institution_staff",
    "training_doctor",
    "sme_hr_lead",
    "programme_admin",
    "auditor",
    "admin",
];

/// The wire spellings of a closed vocabulary, as a JSON array for `enum`.
fn spellings<T: Copy>(all: &[T], as_str: fn(T) -> &'static str) -> Value {
    Value::Array(all.iter().map(|&v| json!(as_str(v))).collect())
}

/// The serde spellings of every variant of an enum that has no `ALL` list, as an `enum` schema.
/// The `match` makes a new variant a compile error here, so the list cannot fall behind.
macro_rules! every {
    ($ty:ident: $($variant:ident),+ $(,)?) => {{
        let _exhaustive = |v: $ty| match v {
            $($ty::$variant)|+ => (),
        };
        vocab(Value::Array(vec![$(serde_json::to_value($ty::$variant).unwrap_or(Value::Null)),+]))
    }};
}

fn vocab(all: Value) -> Value {
    json!({ "type": "string", "enum": all })
}

fn deliveries() -> Value {
    vocab(spellings(Delivery::ALL, Delivery::as_str))
}

fn statuses() -> Value {
    vocab(spellings(TraineeStatus::ALL, TraineeStatus::as_str))
}

fn employer_sizes() -> Value {
    vocab(spellings(EmployerSize::ALL, EmployerSize::as_str))
}

fn tiers() -> Value {
    vocab(spellings(RegionTier::ALL, RegionTier::as_str))
}

fn stages() -> Value {
    vocab(spellings(Stage::ALL, Stage::as_str))
}

fn confidences() -> Value {
    every!(Confidence: Confirmed, Seed, SingleSource, AiupDefault)
}

fn parties() -> Value {
    every!(Party: Government, Trainee, Employer, Institution)
}

fn target_groups() -> Value {
    every!(TargetGroup: JobSeekers, Youth, FirmsAndEmployees, MiddleAgedAndCareerChangers, TrainingSystem)
}

fn target_units() -> Value {
    every!(TargetUnit: People, Workplaces, Firms, Sites, Centres, Courses)
}

/// The codes answered with `status`, in the order of docs/errors.md.
pub fn codes_for(status: u16) -> Vec<&'static str> {
    Code::ALL
        .iter()
        .filter(|c| c.http_status() == status)
        .map(|c| c.as_str())
        .collect()
}

/// An error answer of `status`: the Error schema with `code` narrowed to the codes of that
/// status.
fn error(status: u16, description: &str) -> Value {
    let codes = codes_for(status);
    let listed = codes.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
    let mut response = json!({
        "description": format!("{description} (code: {listed}; docs/errors.md)"),
        "content": { "application/json": { "schema": {
            "allOf": [
                { "$ref": "#/components/schemas/Error" },
                { "type": "object", "properties": { "error": { "type": "object", "properties": { "code": { "enum": codes } } } } }
            ]
        } } }
    });
    if status == 401 {
        response["headers"] =
            json!({ "WWW-Authenticate": { "description": "`Bearer realm=\"aiup\"`", "schema": { "type": "string" } } });
    }
    response
}

fn ok(description: &str, schema: Value) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema } } })
}

/// What an operation reads and touches, which decides the error statuses it can answer.
#[derive(Debug, Clone, Copy, Default)]
struct Shape {
    /// It reads a JSON body (413 for a large one is possible anywhere; 415 only here).
    body: bool,
    /// It is under /api/, where a parameter the operation does not list, a single-valued one
    /// given twice, or an unreadable query string is refused: 422 `invalid_parameter`.
    query: bool,
    /// It has a path parameter: 404 for nothing there, 422 for an unreadable one.
    path: bool,
    /// It needs `Authorization: Bearer`: 401, 403.
    bearer: bool,
    /// It reads the database: 503 `database_busy` (or `database_unavailable` for /healthz).
    database: bool,
}

/// The responses of an operation: its success answers, then the error answers `shape` implies,
/// then `extra` (status, description) overriding the generic descriptions.
fn responses(success: &[(u16, Value)], shape: Shape, extra: &[(u16, &str)]) -> Value {
    let mut statuses: Vec<(u16, &str)> = vec![
        (400, "The request cannot be read, or its body is not JSON"),
        (408, "The request took longer than the server allows"),
        (413, "The request body is larger than the limit (1 MiB)"),
        (
            500,
            "A fault on the server's side; it is logged and answered without detail",
        ),
    ];
    if shape.body {
        statuses.push((415, "The body is not sent as `Content-Type: application/json`"));
    }
    if shape.body || shape.query || shape.path {
        statuses.push((
            422,
            "A field or parameter is invalid, or a query parameter is unknown or repeated; `field` names it and `code` says why",
        ));
    }
    if shape.path {
        statuses.push((404, "Nothing has that id"));
    }
    if shape.bearer {
        statuses.push((401, "No valid bearer token (or session) was presented"));
        statuses.push((403, "The caller's role may not use this route"));
    }
    if shape.database {
        statuses.push((503, "The database is busy or did not answer; try again"));
    }
    let mut map = Map::new();
    for (status, value) in success {
        map.insert(status.to_string(), value.clone());
    }
    for (status, description) in statuses {
        let description = extra.iter().find(|(s, _)| *s == status).map_or(description, |(_, d)| d);
        map.insert(status.to_string(), error(status, description));
    }
    for (status, description) in extra {
        if !map.contains_key(&status.to_string()) {
            map.insert(status.to_string(), error(*status, description));
        }
    }
    let mut sorted: Vec<(String, Value)> = map.into_iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    Value::Object(sorted.into_iter().collect())
}

fn bearer() -> Value {
    json!([{ "bearerAuth": [] }])
}

fn course_search_parameters() -> Value {
    let facet_values = |kind: FacetKind| -> Option<Value> {
        match kind {
            FacetKind::Stage => Some(stages()),
            FacetKind::AiStep => Some(vocab(spellings(AiStep::ALL, AiStep::as_str))),
            FacetKind::AiLevel => Some(vocab(spellings(AiLevel::ALL, AiLevel::as_str))),
            FacetKind::Delivery => Some(deliveries()),
            FacetKind::Tier => Some(tiers()),
            FacetKind::HoursBand => Some(vocab(spellings(HoursBand::ALL, HoursBand::as_str))),
            FacetKind::FeeBand => Some(vocab(spellings(FeeBand::ALL, FeeBand::as_str))),
            FacetKind::NcsMajor => Some(vocab(spellings(NcsMajor::ALL, NcsMajor::as_str))),
            FacetKind::Audience => Some(vocab(spellings(Audience::ALL, Audience::as_str))),
            FacetKind::TimeOfDay => Some(vocab(spellings(&TimeOfDay::ALL, TimeOfDay::as_str))),
            FacetKind::Province => Some(json!({ "type": "string", "pattern": "^[0-9]{2}$" })),
            FacetKind::StartMonth => Some(json!({ "type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$" })),
            FacetKind::Programme => Some(
                json!({ "type": "string", "description": "A programme id of the active policy (GET /api/v1/programmes)." }),
            ),
        }
    };
    let mut parameters = vec![
        json!({ "name": "q", "in": "query", "schema": { "type": "string", "maxLength": 200 }, "description": "Search words; empty lists every course." }),
        json!({ "name": "sort", "in": "query", "schema": vocab(spellings(SortOrder::ALL, SortOrder::as_str)), "description": "Default: relevance with words, start_date without. pay_asc (what the profile pays, least first) and allowance_desc (its allowance, most first) are for the profile of status and employer_size; courses it cannot take come last." }),
        json!({ "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 10000, "default": 1 } }),
        json!({ "name": "per_page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 100, "default": 20 } }),
        json!({ "name": "status", "in": "query", "schema": statuses(), "description": "The trainee profile support is computed for (default job_seeker)." }),
        json!({ "name": "employer_size", "in": "query", "schema": employer_sizes(), "description": "For employees: the employer's size class, which employer-training programmes need to price a course." }),
        json!({ "name": "eligible", "in": "query", "schema": { "type": "boolean" }, "description": "true: only courses a programme of which admits the profile (status, and employer_size where known), by the policy's `admits`." }),
        json!({ "name": "region", "in": "query", "style": "form", "explode": true, "schema": { "type": "array", "items": { "type": "string", "pattern": "^[0-9]{5}$" } }, "description": "Filter on 5-digit 시군구 codes of the region table (repeat or comma-separate values); an unknown code is refused (422 invalid_parameter)." }),
    ];
    for &kind in FacetKind::ALL {
        let name = kind.as_str();
        parameters.push(json!({
            "name": name, "in": "query", "style": "form", "explode": true,
            "schema": { "type": "array", "items": facet_values(kind) },
            "description": format!("Filter on the {name} facet (repeat or comma-separate values). Any other parameter is refused (422 invalid_parameter).")
        }));
    }
    Value::Array(parameters)
}

fn profile_parameters() -> Value {
    json!([
        { "name": "status", "in": "query", "schema": statuses(), "description": "The trainee profile support is computed for (default job_seeker)." },
        { "name": "employer_size", "in": "query", "schema": employer_sizes() }
    ])
}

fn course_parameters() -> Value {
    let mut parameters = vec![path_parameter("id", "The course's external id.")];
    parameters.extend(profile_parameters().as_array().cloned().unwrap_or_default());
    Value::Array(parameters)
}

fn path_parameter(name: &str, description: &str) -> Value {
    json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string", "minLength": 1 }, "description": description })
}

/// A strict object: these properties, these required, nothing else.
fn object(required: &[&str], properties: Value) -> Value {
    json!({ "type": "object", "required": required, "properties": properties, "additionalProperties": false })
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn array_of(items: Value) -> Value {
    json!({ "type": "array", "items": items })
}

fn won() -> Value {
    json!({ "type": "integer", "minimum": 0 })
}

fn date() -> Value {
    json!({ "type": "string", "format": "date" })
}

fn date_time() -> Value {
    json!({ "type": "string", "format": "date-time" })
}

fn string() -> Value {
    json!({ "type": "string" })
}

fn nullable(schema: Value) -> Value {
    json!({ "oneOf": [schema, { "type": "null" }] })
}

fn paths() -> Value {
    // Every operation under /api/ refuses unknown parameters (422); /healthz reads none.
    let read = Shape {
        query: true,
        ..Shape::default()
    };
    let staff = Shape {
        query: true,
        bearer: true,
        database: true,
        ..Shape::default()
    };
    json!({
        "/healthz": { "get": {
            "operationId": "getHealth",
            "summary": "Liveness and the active policy version",
            "responses": responses(
                &[(200, ok("Up", schema_ref("Health")))],
                Shape { database: true, ..Shape::default() },
                &[(503, "The database did not answer")]
            )
        } },
        "/api/v1/estimate": { "post": {
            "operationId": "estimateSupport",
            "summary": "Estimate the support for one trainee, course and unit period",
            "requestBody": { "required": true, "content": { "application/json": { "schema": schema_ref("EstimateRequest") } } },
            "responses": responses(
                &[(200, ok("The estimate, with components, explanations and (unless trace=false) the trace.", schema_ref("Estimate")))],
                Shape { body: true, ..read },
                &[
                    (400, "The body is not JSON, not a JSON object, or not UTF-8"),
                    (422, "A field is invalid, or the query string is not empty; `field` names it and `code` says why")
                ]
            )
        } },
        "/api/v1/programmes": { "get": {
            "operationId": "listProgrammes",
            "summary": "Programmes, plan lines, budget lines and seed targets",
            "responses": responses(&[(200, ok("The plan as data", schema_ref("Programmes")))], read, &[])
        } },
        "/api/v1/parameters": { "get": {
            "operationId": "listParameters",
            "summary": "Every parameter with its dated, cited values",
            "parameters": [
                { "name": "on", "in": "query", "schema": date(), "description": "Also give the value in force on this date (YYYY-MM-DD)." },
                { "name": "prefix", "in": "query", "schema": string(), "description": "Only parameters whose id starts with this." }
            ],
            "responses": responses(
                &[(200, ok("Parameters", schema_ref("Parameters")))],
                read,
                &[(422, "`on` is not a calendar date (invalid_date), or a parameter is unknown or repeated, or the query string cannot be read")]
            )
        } },
        "/api/v1/regions": { "get": {
            "operationId": "searchRegions",
            "summary": "Look regions up by code or name (old names resolve too)",
            "parameters": [{ "name": "q", "in": "query", "schema": { "type": "string", "maxLength": 100 }, "description": "Empty lists every region." }],
            "responses": responses(
                &[(200, ok("Matching regions", object(&["count", "regions"], json!({ "count": { "type": "integer", "minimum": 0 }, "regions": array_of(schema_ref("Region")) }))))],
                read,
                &[(422, "`q` is longer than 100 characters, or a parameter is unknown or repeated, or the query string cannot be read")]
            )
        } },
        "/api/v1/regions/{query}": { "get": {
            "operationId": "getRegion",
            "summary": "Resolve one region by code or \"시도 시군구\" name",
            "parameters": [path_parameter("query", "A 2- or 5-digit code, or a name (old names resolve too).")],
            "responses": responses(
                &[(200, ok("The region", schema_ref("RegionMatch")))],
                Shape { path: true, ..read },
                &[(404, "No region matches"), (422, "The name matches more than one region, the path cannot be read, or a query parameter is given (none is read)")]
            )
        } },
        "/api/v1/courses": { "get": {
            "operationId": "searchCourses",
            "summary": "Search the course catalogue, with facet counts and the support each course gives one trainee",
            "description": "Korean analysis (bigrams and whole words with particles stripped), synonyms and one-character typos are handled. Within one facet the listed values are OR; across facets AND. Facet counts are disjunctive: a facet's counts ignore that facet's own filter. Every facet parameter may repeat or hold comma-separated values.",
            "parameters": course_search_parameters(),
            "responses": responses(
                &[(200, ok("One page of results", schema_ref("CourseSearch")))],
                read,
                &[(422, "A parameter is unknown, invalid, or (if single-valued) repeated (invalid_parameter; `field` names it)")]
            )
        } },
        "/api/v1/courses/{id}": { "get": {
            "operationId": "getCourse",
            "summary": "One course with its institution, cohorts and the support for a trainee profile",
            "parameters": course_parameters(),
            "responses": responses(
                &[(200, ok("The course", schema_ref("Course")))],
                Shape { path: true, query: true, database: true, ..read },
                &[(404, "No course has this id"), (422, "A parameter is unknown, invalid or repeated (only `status` and `employer_size` are read), or the path cannot be read")]
            )
        } },
        "/api/v1/suggest": { "get": {
            "operationId": "suggestCompletions",
            "summary": "Completions for a search box as the user types",
            "parameters": [
                { "name": "q", "in": "query", "schema": { "type": "string", "maxLength": 200 } },
                { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 20, "default": 8 }, "description": "Values outside 1–20 are clamped." }
            ],
            "responses": responses(
                &[(200, ok("Suggestions, most frequent first", schema_ref("Suggestions")))],
                read,
                &[(422, "`q` is longer than 200 characters, `limit` is not a whole number, or a parameter is unknown or repeated")]
            )
        } },
        "/api/v1/openapi.json": { "get": {
            "operationId": "getOpenApiDocument",
            "summary": "This document",
            "responses": responses(
                &[(200, ok("OpenAPI 3.1", json!({ "type": "object", "required": ["openapi", "info", "paths", "components"], "properties": { "openapi": { "const": "3.1.0" } } })))],
                read,
                &[]
            )
        } },
        "/api/v1/me": { "get": {
            "operationId": "getMe",
            "summary": "The signed-in account, and whether it came by session or API token",
            "security": bearer(),
            "responses": responses(
                &[(200, ok("The caller", object(&["account", "via"], json!({
                    "account": schema_ref("Account"),
                    "via": object(&["kind"], json!({ "kind": { "type": "string", "enum": ["session", "token"] }, "token_id": { "type": "integer", "minimum": 1 } }))
                }))))],
                Shape { bearer: true, database: true, ..read },
                &[]
            )
        } },
        "/api/v1/policy/versions": { "get": {
            "operationId": "listPolicyVersions",
            "summary": "Imported policy versions, newest first (programme_admin, auditor, admin)",
            "security": bearer(),
            "responses": responses(
                &[(200, ok("Newest first", object(&["versions"], json!({ "versions": array_of(schema_ref("PolicyVersion")) }))))],
                staff,
                &[(403, "The caller's role is not programme_admin, auditor or admin"), (422, "Any query parameter is refused (invalid_parameter)")]
            )
        } },
        "/api/v1/audit": { "get": {
            "operationId": "listAuditEvents",
            "summary": "Audit events, newest first, filtered and paged (auditor, admin)",
            "security": bearer(),
            "parameters": [
                { "name": "actor", "in": "query", "schema": string(), "description": "Exactly this actor." },
                { "name": "action", "in": "query", "schema": string(), "description": "Exactly this action, or with a trailing `.` every action it is a prefix of (`policy.`)." },
                { "name": "from", "in": "query", "schema": date(), "description": "On or after this Asia/Seoul date (YYYY-MM-DD)." },
                { "name": "to", "in": "query", "schema": date(), "description": "On or before this Asia/Seoul date (YYYY-MM-DD)." },
                { "name": "before", "in": "query", "schema": { "type": "integer", "minimum": 1 }, "description": "Only events with a smaller id: the next page after `next_before`." },
                { "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 500, "default": 100 } }
            ],
            "responses": responses(
                &[(200, ok("Newest first; `next_before` is the `before` of the next page, null on the last", object(&["events", "next_before"], json!({
                    "events": array_of(schema_ref("AuditEvent")),
                    "next_before": { "type": ["integer", "null"], "minimum": 1 }
                }))))],
                staff,
                &[(403, "The caller's role is not auditor or admin"), (422, "A parameter is unknown, invalid or repeated (invalid_parameter, invalid_date)")]
            )
        } },
        "/api/v1/users": {
            "get": {
                "operationId": "listUsers",
                "summary": "Every account (admin)",
                "security": bearer(),
                "responses": responses(
                    &[(200, ok("Every account", object(&["accounts"], json!({ "accounts": array_of(schema_ref("Account")) }))))],
                    staff,
                    &[(403, "The caller is not an admin")]
                )
            },
            "post": {
                "operationId": "createUser",
                "summary": "Create an account (admin); without `password`, a one-time password is generated and answered once",
                "security": bearer(),
                "requestBody": { "required": true, "content": { "application/json": { "schema": schema_ref("NewAccount") } } },
                "responses": responses(
                    &[(201, ok("The account created", object(&["account"], json!({ "account": schema_ref("Account"), "one_time_password": string() }))))],
                    Shape { body: true, ..staff },
                    &[
                        (400, "The body is not JSON, not a JSON object, or not UTF-8"),
                        (403, "The caller is not an admin"),
                        (409, "The login is taken"),
                        (422, "A field is invalid (invalid_field, missing_field, weak_password), or the query string is not empty (invalid_parameter)")
                    ]
                )
            }
        },
        "/api/v1/institutions/{id}/courses": { "get": {
            "operationId": "listInstitutionCourses",
            "summary": "An institution and its courses (institution_staff of that institution, programme_admin, auditor, admin)",
            "security": bearer(),
            "parameters": [path_parameter("id", "The institution's external id.")],
            "responses": responses(
                &[(200, ok("The institution and its courses", object(&["institution", "courses"], json!({ "institution": { "type": "object" }, "courses": array_of(json!({ "type": "object" })) }))))],
                Shape { path: true, ..staff },
                &[
                    (403, "The caller's role may not see institutions' courses"),
                    (404, "No such institution, or (for institution_staff) not the caller's own")
                ]
            )
        } }
    })
}

const REGION_REQUIRED: [&str; 10] = [
    "code",
    "name",
    "local_name",
    "name_en",
    "kind",
    "sido_code",
    "parent_code",
    "capital_area",
    "population_declining",
    "tier",
];

fn region_properties() -> Value {
    json!({
        "code": { "type": "string", "pattern": "^[0-9]{2}([0-9]{3})?$" }, "name": string(), "local_name": string(), "name_en": string(), "kind": every!(RegionKind: AutonomousDistrict, City, County, District),
        "sido_code": { "type": "string", "pattern": "^[0-9]{2}$" }, "parent_code": { "type": ["string", "null"] },
        "capital_area": { "type": "boolean" }, "population_declining": { "type": "boolean" }, "tier": tiers()
    })
}

fn schemas() -> Value {
    let bilingual = || schema_ref("Bilingual");
    let location = || schema_ref("Location");
    let programme_ids = || array_of(string());
    let mut region_match_properties = region_properties();
    region_match_properties["via_alias"] = nullable(object(
        &["alias", "current_code", "changed_on", "note"],
        json!({
            "alias": { "type": "string", "description": "The old name or code the query matched." },
            "current_code": string(), "changed_on": nullable(date()), "note": string()
        }),
    ));
    let region_match_required: Vec<&str> = REGION_REQUIRED.iter().copied().chain(["via_alias"]).collect();
    let mut schemas = Map::new();
    schemas.insert("Error".to_owned(), json!(object(&["error"], json!({
            "error": object(&["code", "message"], json!({
                "code": { "type": "string", "enum": Code::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>(), "description": "A stable code (docs/errors.md)." },
                "field": { "type": "string", "description": "The field or parameter at fault, e.g. `course.region`, `(body)`, `(query)`." },
                "message": string()
            }))
        }))));
    schemas.insert(
        "Bilingual".to_owned(),
        json!(object(&["ko", "en"], json!({ "ko": string(), "en": string() }))),
    );
    schemas.insert(
        "Location".to_owned(),
        json!(object(
            &["file", "line"],
            json!({ "file": string(), "line": { "type": "integer", "minimum": 1 } })
        )),
    );
    schemas.insert("Health".to_owned(), json!(object(&["status", "policy_version", "database"], json!({
            "status": { "const": "ok" }, "policy_version": string(), "database": { "type": "string", "enum": ["sqlite", "postgres"] }
        }))));
    schemas.insert("EstimateRequest".to_owned(), json!({
            "type": "object", "required": ["programme", "course", "trainee"], "additionalProperties": false,
            "properties": {
                "programme": { "type": "string", "examples": ["kdt-ai-campus"] },
                "course": { "type": "object", "required": ["region", "start_date", "end_date", "total_hours", "hours_per_day", "delivery"], "additionalProperties": false, "properties": {
                    "region": { "type": "string", "description": "5-digit code or \"시도 시군구\" name", "examples": ["전라남도 해남군"] },
                    "start_date": date(), "end_date": date(),
                    "total_hours": { "type": "number", "exclusiveMinimum": 0 }, "hours_per_day": { "type": "number", "exclusiveMinimum": 0, "maximum": 24 },
                    "delivery": deliveries(),
                    "fee_won": won(), "base_unit_price_won_per_hour": won(),
                    "ai_course": { "type": "boolean", "default": true }, "self_payment_rate_percent": { "type": "number", "minimum": 0, "maximum": 100 },
                    "provision": { "type": "string", "enum": spellings(Provision::ALL, Provision::as_str), "default": "outsourced" } } },
                "trainee": { "type": "object", "required": ["status"], "additionalProperties": false, "properties": {
                    "status": statuses(),
                    "employer_size": employer_sizes(),
                    "exempt_group": { "type": "boolean" }, "vulnerable_group": { "type": "boolean" }, "card_balance_won": won(),
                    "prior_sandaetuk_participations": { "type": "integer", "minimum": 0, "default": 0 } } },
                "period": { "type": "integer", "minimum": 1, "default": 1 },
                "attendance": { "type": "object", "required": ["scheduled_days", "attended_days"], "additionalProperties": false, "properties": {
                    "scheduled_days": { "type": "integer", "minimum": 0 }, "attended_days": { "type": "integer", "minimum": 0 },
                    "late": { "type": "integer", "minimum": 0 }, "early_leave": { "type": "integer", "minimum": 0 }, "outing": { "type": "integer", "minimum": 0 }, "under_half_days": { "type": "integer", "minimum": 0 } } },
                "trace": { "type": "boolean", "default": true },
                "reform": { "type": "object", "required": ["name", "overrides"], "additionalProperties": false, "properties": {
                    "name": string(),
                    "overrides": array_of(json!({ "type": "object", "required": ["param", "value"], "additionalProperties": false, "properties": {
                        "param": { "type": "string", "description": "A parameter id (GET /api/v1/parameters)." },
                        "from": date(),
                        "value": {
                            "description": "In the parameter's kind, as in the policy files: an integer, a rate or enum as a string, a boolean, a list, or a list of fee brackets.",
                            "anyOf": [
                                { "type": ["integer", "string", "boolean"] },
                                { "type": "array", "items": { "type": ["integer", "string"] } },
                                { "type": "array", "items": { "type": "object", "additionalProperties": { "type": ["integer", "string", "boolean"] } } }
                            ]
                        }
                    } })) } }
            },
            "examples": [{
                "programme": "kdt-ai-campus",
                "course": { "region": "전라남도 해남군", "start_date": "2026-03-02", "end_date": "2026-08-31", "total_hours": 960, "hours_per_day": 8, "delivery": "classroom", "fee_won": 9000000 },
                "trainee": { "status": "job_seeker" },
                "period": 1,
                "attendance": { "scheduled_days": 22, "attended_days": 21, "late": 2, "early_leave": 1, "outing": 0 }
            }]
        }));
    schemas.insert("Totals".to_owned(), json!(object(
            &["allowance_won", "base_allowance_won", "special_allowance_won", "tuition_support_won", "self_payment_won", "employer_payment_won", "recognised_training_cost_won"],
            json!({
                "allowance_won": won(), "base_allowance_won": won(), "special_allowance_won": won(), "tuition_support_won": won(),
                "self_payment_won": won(), "employer_payment_won": won(), "recognised_training_cost_won": won()
            })
        )));
    schemas.insert("TotalsDifference".to_owned(), json!({
            "description": "Reform minus baseline, per total: may be negative.",
            "type": "object", "additionalProperties": false,
            "required": ["allowance_won", "base_allowance_won", "special_allowance_won", "tuition_support_won", "self_payment_won", "employer_payment_won", "recognised_training_cost_won"],
            "properties": {
                "allowance_won": { "type": "integer" }, "base_allowance_won": { "type": "integer" }, "special_allowance_won": { "type": "integer" }, "tuition_support_won": { "type": "integer" },
                "self_payment_won": { "type": "integer" }, "employer_payment_won": { "type": "integer" }, "recognised_training_cost_won": { "type": "integer" }
            }
        }));
    schemas.insert("UnitPeriod".to_owned(), json!(object(&["index", "of", "start", "end"], json!({ "index": { "type": "integer", "minimum": 1 }, "of": { "type": "integer", "minimum": 1 }, "start": date(), "end": date() }))));
    schemas.insert(
        "Component".to_owned(),
        json!(object(
            &[
                "id",
                "label",
                "amount_won",
                "payer",
                "payee",
                "basis",
                "reason",
                "citations"
            ],
            json!({
                "id": string(), "label": bilingual(), "amount_won": won(),
                "payer": parties(),
                "payee": parties(),
                "basis": every!(Basis: UnitPeriod, Course),
                "reason": bilingual(), "citations": array_of(string())
            })
        )),
    );
    schemas.insert(
        "ParamUse".to_owned(),
        json!(object(
            &["id", "value", "from", "cite", "confidence"],
            json!({ "id": string(), "value": string(), "from": date(), "cite": string(), "confidence": confidences() })
        )),
    );
    schemas.insert("TraceNode".to_owned(), json!(object(&["rule", "label", "value"], json!({
            "rule": string(), "label": bilingual(), "value": string(),
            "params": array_of(schema_ref("ParamUse")), "citation": string(), "children": array_of(schema_ref("TraceNode"))
        }))));
    schemas.insert("Estimate".to_owned(), json!(object(
            &["policy_version", "policy_date", "programme", "region", "unit_period", "attendance_assumed", "totals", "components", "explanation"],
            json!({
                "policy_version": string(), "policy_date": date(),
                "programme": object(&["id", "name"], json!({ "id": string(), "name": bilingual() })),
                "region": object(&["code", "name", "tier"], json!({ "code": string(), "name": string(), "tier": tiers() })),
                "unit_period": schema_ref("UnitPeriod"),
                "attendance_assumed": { "type": "boolean" },
                "totals": schema_ref("Totals"),
                "components": array_of(schema_ref("Component")),
                "explanation": bilingual(),
                "trace": array_of(schema_ref("TraceNode")),
                "reform": object(&["name", "policy_version", "totals", "difference"], json!({
                    "name": string(), "policy_version": string(), "totals": schema_ref("Totals"), "difference": schema_ref("TotalsDifference")
                }))
            })
        )));
    schemas.insert("Target".to_owned(), json!(object(&["year", "value", "unit", "cite", "confidence"], json!({ "year": { "type": "integer" }, "value": { "type": "integer" }, "unit": target_units(), "cite": string(), "confidence": confidences() }))));
    schemas.insert("Programme".to_owned(), json!(object(
            &["id", "name", "description", "stage", "target_group", "plan_line", "allowance_scheme", "tuition_scheme", "training_cost_multiplier", "trainee_facing", "targets", "budget_lines", "cite"],
            json!({
                "id": string(), "name": bilingual(), "description": bilingual(), "stage": stages(), "target_group": target_groups(),
                "plan_line": { "type": ["string", "null"] },
                "allowance_scheme": every!(AllowanceScheme: None, General, Priority, KdtAiCampus, AiAssistant),
                "tuition_scheme": every!(TuitionScheme: None, Card, AiAssistant, Kdc, PriorityTable, Exempt, Employer, SmeOnline, SmePremium),
                "training_cost_multiplier": { "type": ["string", "null"] }, "trainee_facing": { "type": "boolean" },
                "targets": array_of(schema_ref("Target")), "budget_lines": array_of(string()), "cite": string()
            })
        )));
    schemas.insert("Programmes".to_owned(), json!(object(
            &["policy_version", "plan", "ai_specific_budget_won", "programmes", "plan_lines", "budget_lines", "indicators"],
            json!({
                "policy_version": string(),
                "plan": object(&["title", "vision", "year", "people", "budget_won", "five_year_people", "cite"], json!({
                    "title": bilingual(), "vision": bilingual(), "year": { "type": "integer" }, "people": { "type": "integer" },
                    "budget_won": won(), "five_year_people": { "type": "integer" }, "cite": string()
                })),
                "ai_specific_budget_won": won(),
                "programmes": array_of(schema_ref("Programme")),
                "plan_lines": array_of(object(&["id", "year", "stage", "target_group", "content", "size", "unit", "cite", "at"], json!({
                    "id": string(), "year": { "type": "integer" }, "stage": stages(), "target_group": target_groups(), "content": bilingual(),
                    "size": { "type": ["integer", "null"] }, "unit": nullable(target_units()), "cite": string(), "at": location()
                }))),
                "budget_lines": array_of(object(&["id", "year", "label", "amount_won", "funding", "ai_specific_won", "plan_line", "programmes", "cite", "at"], json!({
                    "id": string(), "year": { "type": "integer" }, "label": bilingual(), "amount_won": won(), "funding": every!(Funding: New, Existing),
                    "ai_specific_won": { "type": ["integer", "null"], "minimum": 0 }, "plan_line": string(), "programmes": programme_ids(), "cite": string(), "at": location()
                }))),
                "indicators": array_of(object(&["id", "year", "programme", "label", "value", "max", "unit", "cite", "confidence", "at"], json!({
                    "id": string(), "year": { "type": "integer" }, "programme": { "type": ["string", "null"] }, "label": bilingual(),
                    "value": { "type": "object" }, "max": { "type": ["object", "null"] }, "unit": string(), "cite": string(), "confidence": confidences(), "at": location()
                })))
            })
        )));
    schemas.insert("DatedValue".to_owned(), json!(object(&["from", "value", "cite", "confidence", "at"], json!({
            "from": date(), "value": {}, "cite": string(), "confidence": confidences(), "note": string(), "at": location()
        }))));
    schemas.insert("Parameters".to_owned(), json!(object(&["policy_version", "coverage_start", "parameters"], json!({
            "policy_version": string(), "coverage_start": date(),
            "parameters": array_of(object(&["id", "description", "values", "defined_at"], json!({
                "id": string(), "description": bilingual(), "values": array_of(schema_ref("DatedValue")), "defined_at": location(),
                "in_force": nullable(schema_ref("DatedValue"))
            })))
        }))));
    schemas.insert(
        "Region".to_owned(),
        json!(object(&REGION_REQUIRED, region_properties())),
    );
    schemas.insert(
        "RegionMatch".to_owned(),
        json!({
            "description": "A Region, and the old name or code the query matched (null when it matched a current one).",
            "type": "object", "additionalProperties": false,
            "required": region_match_required,
            "properties": region_match_properties
        }),
    );
    schemas.insert(
        "Institution".to_owned(),
        json!(object(
            &["id", "name", "kind", "region", "grade"],
            json!({
                "id": string(), "name": string(),
                "kind": vocab(spellings(InstitutionKind::ALL, InstitutionKind::as_str)),
                "region": string(),
                "grade": vocab(spellings(QualityGrade::ALL, QualityGrade::as_str)),
                "contact": object(&[], json!({
                    "address": string(), "phone": { "type": "string", "description": "Digits and hyphens, e.g. 02-1234-5678." },
                    "email": string(), "website": { "type": "string", "description": "An https:// or http:// address." }
                }))
            })
        )),
    );
    schemas.insert("Cohort".to_owned(), json!(object(&["start_date", "end_date", "capacity", "seats_left"], json!({
            "start_date": date(), "end_date": date(), "capacity": { "type": "integer", "minimum": 0 }, "seats_left": { "type": "integer", "minimum": 0 },
            "application": object(&["start", "end"], json!({ "start": date(), "end": date() })),
            "waiting_list": { "type": "boolean", "description": "Present (true) when the institution takes a waiting list once the cohort is full." }
        }))));
    let quality_signal = object(
        &["value", "base", "source", "as_of"],
        json!({
            "value": { "type": "integer", "minimum": 0, "description": "Satisfaction in tenths of a point (0–50); rates in basis points (0–10,000)." },
            "base": { "type": "integer", "minimum": 1, "description": "Respondents (satisfaction) or trainees counted (rates)." },
            "source": string(), "as_of": date()
        }),
    );
    schemas.insert("CourseDetails".to_owned(), json!({
        "description": "The course page's fields; each is left out when not given.",
        "type": "object", "additionalProperties": false,
        "properties": {
            "syllabus": array_of(object(&["name", "hours"], json!({
                "ncs_unit": { "type": "string", "pattern": "^[0-9]{10}_[0-9]{2}v[1-9][0-9]?$" }, "name": string(),
                "hours": { "type": "number", "exclusiveMinimum": 0 }, "outcomes": array_of(string())
            }))),
            "timetable": object(&["days", "start", "end"], json!({
                "days": array_of(json!({ "enum": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] })),
                "start": { "type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$" }, "end": { "type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$" }
            })),
            "entry_requirements": string(),
            "quality": object(&[], json!({ "satisfaction": quality_signal, "completion": quality_signal, "employment": quality_signal }))
        }
    }));
    schemas.insert("Course".to_owned(), json!(object(
            &["id", "institution", "title", "summary", "keywords", "programmes", "ncs", "ncs_major", "occupation", "ai_step", "ai_level", "modules", "delivery", "total_hours", "hours_per_day", "fee_won", "region", "audiences", "self_payment_rate_percent", "base_unit_price_won_per_hour", "cohorts", "next_cohort"],
            json!({
                "id": string(), "title": string(), "summary": string(), "keywords": array_of(string()),
                "institution": schema_ref("Institution"),
                "programmes": programme_ids(),
                "ncs": { "type": "string", "pattern": "^[0-9]{8}$" }, "ncs_major": { "type": "string", "pattern": "^[0-9]{2}$" },
                "occupation": string(),
                "ai_step": { "enum": spellings(AiStep::ALL, AiStep::as_str).as_array().cloned().unwrap_or_default().into_iter().chain([Value::Null]).collect::<Vec<_>>() },
                "ai_level": { "enum": spellings(AiLevel::ALL, AiLevel::as_str).as_array().cloned().unwrap_or_default().into_iter().chain([Value::Null]).collect::<Vec<_>>() },
                "modules": array_of(vocab(spellings(BasicModule::ALL, BasicModule::as_str))),
                "delivery": deliveries(),
                "total_hours": { "type": "number", "exclusiveMinimum": 0 }, "hours_per_day": { "type": "number", "exclusiveMinimum": 0 }, "fee_won": won(),
                "region": {
                    "type": "object", "required": ["code"], "additionalProperties": false,
                    "properties": { "code": string(), "name": string(), "name_en": string(), "sido_code": string(), "tier": tiers() }
                },
                "audiences": array_of(vocab(spellings(Audience::ALL, Audience::as_str))),
                "self_payment_rate_percent": { "type": ["integer", "null"], "minimum": 0, "maximum": 100 },
                "base_unit_price_won_per_hour": { "type": ["integer", "null"], "minimum": 0 },
                "cohorts": array_of(schema_ref("Cohort")),
                "next_cohort": nullable(schema_ref("Cohort")),
                "details": schema_ref("CourseDetails"),
                "support": {
                    "description": "Computed by the rules engine for the requested profile on the next cohort, first unit period, full attendance assumed; never stored.",
                    "type": "object", "additionalProperties": false,
                    "required": ["programme", "policy_version", "unit_period", "self_payment_won", "tuition_support_won", "allowance_won", "attendance_assumed", "explanation", "components"],
                    "properties": {
                        "programme": object(&["id", "name"], json!({ "id": string(), "name": bilingual() })),
                        "policy_version": string(), "unit_period": schema_ref("UnitPeriod"),
                        "self_payment_won": won(), "tuition_support_won": won(), "allowance_won": won(),
                        "attendance_assumed": { "type": "boolean" }, "explanation": bilingual(),
                        "components": array_of(schema_ref("Component"))
                    }
                },
                "support_unavailable": {
                    "description": "Present instead of support when no programme of the course admits or supports the profile (code `not_admitted`: the policy's `admits` shuts it out; `missing_field` on `employer_size`: give the firm's size).",
                    "type": "object", "additionalProperties": false, "required": ["code", "field", "reason", "message"],
                    "properties": { "code": string(), "field": string(), "reason": string(), "message": bilingual() }
                },
                "score": { "type": "number", "description": "Search results only: the relevance score." }
            })
        )));
    schemas.insert("CourseSearch".to_owned(), json!(object(
            &["query", "profile", "total", "page", "per_page", "sort", "hits", "facets"],
            json!({
                "query": string(),
                "profile": object(&["status", "employer_size"], json!({ "status": statuses(), "employer_size": nullable(employer_sizes()) })),
                "total": { "type": "integer", "minimum": 0 }, "page": { "type": "integer", "minimum": 1 }, "per_page": { "type": "integer", "minimum": 1, "maximum": 100 },
                "sort": vocab(spellings(SortOrder::ALL, SortOrder::as_str)),
                "hits": array_of(schema_ref("Course")),
                "facets": array_of(object(&["kind", "values"], json!({
                    "kind": vocab(spellings(FacetKind::ALL, FacetKind::as_str)),
                    "values": array_of(object(&["value", "count"], json!({ "value": string(), "count": { "type": "integer", "minimum": 0 } })))
                })))
            })
        )));
    schemas.insert("Suggestions".to_owned(), json!(object(&["query", "suggestions"], json!({
            "query": string(),
            "suggestions": array_of(object(&["text", "count"], json!({ "text": string(), "count": { "type": "integer", "minimum": 0 } })))
        }))));
    schemas.insert(
        "Account".to_owned(),
        json!(object(
            &[
                "id",
                "login",
                "display_name",
                "role",
                "scope",
                "disabled",
                "created_at",
                "password_changed_at"
            ],
            json!({
                "id": { "type": "integer", "minimum": 1 }, "login": string(), "display_name": string(),
                "role": { "type": "string", "enum": ROLES },
                "scope": { "type": ["string", "null"], "description": "For institution_staff: the institution's id." },
                "disabled": { "type": "boolean" }, "created_at": date_time(), "password_changed_at": date_time()
            })
        )),
    );
    schemas.insert(
        "NewAccount".to_owned(),
        json!(object(
            &["login", "display_name", "role"],
            json!({
                "login": string(), "display_name": string(), "role": { "type": "string", "enum": ROLES },
                "scope": { "type": ["string", "null"] }, "password": string()
            })
        )),
    );
    schemas.insert("PolicyVersion".to_owned(), json!(object(&["version", "sha256", "imported_at", "actor", "note", "active", "file_count"], json!({
            "version": string(), "sha256": { "type": "string", "pattern": "^[0-9a-f]{64}$" }, "imported_at": date_time(),
            "actor": string(), "note": string(), "active": { "type": "boolean" }, "file_count": { "type": "integer", "minimum": 0 }
        }))));
    schemas.insert(
        "AuditEvent".to_owned(),
        json!(object(
            &["id", "at", "seoul_date", "actor", "action", "subject", "detail"],
            json!({
                "id": { "type": "integer", "minimum": 1 }, "at": date_time(), "seoul_date": date(),
                "actor": string(), "action": string(), "subject": string(), "detail": { "type": "object" }
            })
        )),
    );
    schemas.extend(
        crate::people_api::openapi_schemas()
            .into_iter()
            .map(|(name, schema)| (name.to_owned(), schema)),
    );
    Value::Object(schemas)
}

/// `paths` with the operations that modules of their own describe (`people_api`).
fn with_module_paths(mut paths: Value) -> Value {
    let bearer_operation = |success: &[(u16, Value)], body: bool, extra: &[(u16, &str)]| {
        let shape = Shape {
            body,
            query: true,
            bearer: true,
            database: true,
            ..Shape::default()
        };
        responses(success, shape, extra)
    };
    if let (Some(all), Value::Object(more)) = (
        paths.as_object_mut(),
        crate::people_api::openapi_paths(bearer_operation),
    ) {
        all.extend(more);
    }
    paths
}

pub fn document() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "aiup API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Support amounts for the AI+ Competency Up programme, computed from dated, cited policy data. Money is integer won; dates are calendar dates in Asia/Seoul. Every error is `{\"error\": {\"code\", \"field\"?, \"message\"}}` with a stable code (docs/errors.md); a method a path does not list is answered 405 `method_not_allowed`, and an unknown path 404 `not_found`."
        },
        "paths": with_module_paths(paths()),
        "components": {
            "securitySchemes": { "bearerAuth": { "type": "http", "scheme": "bearer", "description": "An API token (`aiup users tokens LOGIN --create NAME`), or a session." } },
            "schemas": schemas()
        }
    })
}
