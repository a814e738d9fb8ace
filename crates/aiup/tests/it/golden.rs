//! Golden cases from tests/golden/*.json: every figure of BRIEF §2 and every
//! seed figure of the programme table, each case naming its source. All
//! failures are collected and reported together, each with its source.

use aiup_core::bundle::Bundle;
use aiup_core::policy::{Funding, IndicatorValue};
use aiup_rules::Engine;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;

pub fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden")
}

fn load(name: &str) -> Value {
    let path = golden_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

pub fn engine() -> Engine {
    let loaded = Bundle::embedded().load().unwrap_or_else(|e| panic!("{e}"));
    Engine::new(Arc::new(loaded.policy), Arc::new(loaded.regions)).expect("engine")
}

/// `patch` merged over `base`, objects recursively.
pub fn merge(base: &Value, patch: &Value) -> Value {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            let mut out = b.clone();
            for (k, v) in p {
                let merged = out.get(k).map_or_else(|| v.clone(), |existing| merge(existing, v));
                out.insert(k.clone(), merged);
            }
            Value::Object(out)
        }
        (_, p) => p.clone(),
    }
}

/// Checks that every key of `expected` has the same value in `actual`.
pub fn subset(expected: &Value, actual: &Value, path: &str, problems: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, v) in e {
                match a.get(k) {
                    Some(av) => subset(v, av, &format!("{path}.{k}"), problems),
                    None => problems.push(format!("{path}.{k}: missing from the answer")),
                }
            }
        }
        (e, a) if e == a => {}
        (e, a) => problems.push(format!("{path}: expected {e}, got {a}")),
    }
}

fn run_cases(file: &str) -> usize {
    let engine = engine();
    let doc = load(file);
    let base = doc["base"].clone();
    let cases = doc["cases"].as_array().expect("cases");
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let source = case["source"]
            .as_str()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| panic!("{file}: case `{name}` has no source"));
        let request = merge(&base, &case["request"]);
        let answer = aiup_rules::parse_request(&request.to_string()).and_then(|r| aiup_rules::answer(&engine, &r));
        match answer {
            Ok(value) => {
                let mut problems = Vec::new();
                subset(&case["expect"], &value, "", &mut problems);
                if !problems.is_empty() {
                    failures.push(format!("{name}\n    source: {source}\n    {}", problems.join("\n    ")));
                }
            }
            Err(e) => failures.push(format!("{name}\n    source: {source}\n    refused: {e} [{}]", e.code)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} golden cases in {file} failed:\n  {}",
        failures.len(),
        cases.len(),
        failures.join("\n  ")
    );
    cases.len()
}

#[test]
fn allowance_cases() {
    assert!(run_cases("allowance.json") >= 30);
}

#[test]
fn tuition_cases() {
    assert!(run_cases("tuition.json") >= 30);
}

#[test]
fn bad_inputs_are_refused_with_code_and_field() {
    let engine = engine();
    let doc = load("errors.json");
    let mut failures = Vec::new();
    for case in doc["cases"].as_array().expect("cases") {
        let name = case["name"].as_str().expect("name");
        let request = merge(&doc["base"], &case["request"]);
        match aiup_rules::parse_request(&request.to_string()).and_then(|r| aiup_rules::answer(&engine, &r)) {
            Ok(_) => failures.push(format!("{name}: was accepted")),
            Err(e) => {
                if e.code != case["code"].as_str().expect("code") || e.field != case["field"].as_str().expect("field") {
                    failures.push(format!(
                        "{name}: expected {} at {}, got {} at {} ({})",
                        case["code"], case["field"], e.code, e.field, e.reason
                    ));
                }
                if e.reason.trim().is_empty() {
                    failures.push(format!("{name}: the reason is empty"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn parameters_hold_every_brief_figure() {
    let engine = engine();
    let doc = load("parameters.json");
    let mut failures = Vec::new();
    for check in doc["checks"].as_array().expect("checks") {
        let id = check["param"].as_str().expect("param");
        let on = chrono::NaiveDate::parse_from_str(check["on"].as_str().expect("on"), "%Y-%m-%d").expect("date");
        let found = engine.policy().parameter(id).and_then(|p| p.at(on));
        match found {
            None => failures.push(format!("{id} on {on}: no value ({})", check["source"])),
            Some(v) => {
                let shown = v.value.to_string();
                if shown != check["value"].as_str().expect("value") {
                    failures.push(format!(
                        "{id} on {on}: expected {}, got {shown} ({})",
                        check["value"], check["source"]
                    ));
                }
                if v.cite.is_empty() {
                    failures.push(format!("{id} on {on}: no citation"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn programme_table_holds_every_seed_figure() {
    let engine = engine();
    let policy = engine.policy();
    let doc = load("programmes.json");
    let mut failures = Vec::new();
    let mut fail = |what: String, check: &Value| failures.push(format!("{what} (source: {})", check["source"]));
    for check in doc["checks"].as_array().expect("checks") {
        let id = check["id"].as_str().unwrap_or("");
        match check["kind"].as_str().expect("kind") {
            "plan" => {
                if policy.plan.people != check["people"].as_i64().unwrap_or(-1)
                    || policy.plan.budget_won.0 != check["budget_won"].as_i64().unwrap_or(-1)
                    || policy.plan.five_year_people != check["five_year_people"].as_i64().unwrap_or(-1)
                {
                    fail(format!("plan totals differ: {:?}", policy.plan), check);
                }
            }
            "ai_specific_budget" => {
                let year = i32::try_from(check["year"].as_i64().unwrap_or(0)).unwrap_or(0);
                let sum = policy.ai_specific_budget(year).0;
                if sum != check["won"].as_i64().unwrap_or(-1) {
                    fail(format!("AI-specific budget {year}: lines sum to {sum}"), check);
                }
            }
            "programme_stage" => match policy.programme(id) {
                Some(p) if p.stage.as_str() == check["stage"].as_str().unwrap_or("") => {}
                other => fail(format!("programme {id}: stage {:?}", other.map(|p| p.stage)), check),
            },
            "plan_line" => match policy.plan_lines.iter().find(|l| l.id == id) {
                Some(l)
                    if l.size == check["size"].as_i64()
                        && l.unit.map(|u| serde_json::to_value(u).unwrap_or_default())
                            == Some(check["unit"].clone()) => {}
                other => fail(format!("plan line {id}: {:?}", other.map(|l| (l.size, l.unit))), check),
            },
            "budget_line" => match policy.budget_lines.iter().find(|b| b.id == id) {
                Some(b)
                    if b.amount_won.0 == check["amount_won"].as_i64().unwrap_or(-1)
                        && (b.funding == Funding::New) == (check["funding"] == "new") => {}
                other => fail(
                    format!("budget line {id}: {:?}", other.map(|b| (b.amount_won, b.funding))),
                    check,
                ),
            },
            "budget_line_ai_part" => match policy.budget_lines.iter().find(|b| b.id == id) {
                Some(b) if b.ai_specific_won.map(|w| w.0) == check["ai_specific_won"].as_i64() => {}
                other => fail(
                    format!("budget line {id}: AI part {:?}", other.map(|b| b.ai_specific_won)),
                    check,
                ),
            },
            "programme_target" => {
                let year = check["year"].as_i64().unwrap_or(0);
                let found = policy
                    .programme(id)
                    .and_then(|p| p.targets.iter().find(|t| i64::from(t.year) == year));
                match found {
                    Some(t)
                        if t.value == check["value"].as_i64().unwrap_or(-1)
                            && serde_json::to_value(t.unit).unwrap_or_default() == check["unit"] => {}
                    other => fail(
                        format!("programme {id} target {year}: {:?}", other.map(|t| (t.value, t.unit))),
                        check,
                    ),
                }
            }
            "indicator" => {
                let shown = |v: &IndicatorValue| match v {
                    IndicatorValue::Count(c) => Value::from(*c),
                    IndicatorValue::Won(w) => Value::from(w.0),
                    IndicatorValue::Rate(r) => Value::from(r.to_string()),
                };
                match policy.indicators.iter().find(|i| i.id == id) {
                    Some(i)
                        if shown(&i.value) == check["value"]
                            && (check.get("max").is_none()
                                || i.max.as_ref().map(shown).as_ref() == check.get("max")) => {}
                    other => fail(
                        format!("indicator {id}: {:?}", other.map(|i| (&i.value, &i.max))),
                        check,
                    ),
                }
            }
            "instructor_tracks_sum" => {
                let programme = check["programme"].as_str().unwrap_or("");
                let sum: i64 = policy
                    .indicators
                    .iter()
                    .filter(|i| {
                        i.programme.as_ref().is_some_and(|p| p.as_str() == programme)
                            && i.id.starts_with("instructor-track-")
                    })
                    .map(|i| match i.value {
                        IndicatorValue::Count(c) => c,
                        _ => 0,
                    })
                    .sum();
                if sum != check["sum"].as_i64().unwrap_or(-1) {
                    fail(format!("instructor tracks sum to {sum}"), check);
                }
            }
            other => panic!("unknown check kind {other}"),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn regions_resolve_with_their_tiers() {
    let engine = engine();
    let precedence = engine
        .params_at(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("date"))
        .1
        .tier_precedence;
    let doc = load("regions.json");
    let mut failures = Vec::new();
    for case in doc["cases"].as_array().expect("cases") {
        let query = case["query"].as_str().expect("query");
        match (engine.regions().resolve(query), case["code"].as_str()) {
            (Err(_), None) => {}
            (Ok(r), None) => failures.push(format!("{query}: must not resolve, resolved to {}", r.region.full_name)),
            (Err(e), Some(_)) => failures.push(format!("{query}: {e} ({})", case["source"])),
            (Ok(r), Some(code)) => {
                let tier = r.region.tier(precedence);
                if r.region.code.to_string() != code
                    || r.region.full_name != case["name"].as_str().unwrap_or("")
                    || tier.as_str() != case["tier"].as_str().unwrap_or("")
                    || r.via_alias.is_some() != case["via_alias"].as_bool().unwrap_or(false)
                {
                    failures.push(format!(
                        "{query}: got {} {} {} alias={} ({})",
                        r.region.code,
                        r.region.full_name,
                        tier,
                        r.via_alias.is_some(),
                        case["source"]
                    ));
                }
            }
        }
    }
    let table = engine.regions();
    let declining: Vec<_> = table
        .regions()
        .iter()
        .filter(|r| r.population_declining && r.parent_code.is_none())
        .collect();
    if declining.len() != 89 {
        failures.push(format!(
            "{} population-declining areas, not 89 (행정안전부고시 제2021-66호)",
            declining.len()
        ));
    }
    let capital_declining: Vec<&str> = declining
        .iter()
        .filter(|r| r.capital_area)
        .map(|r| r.name.as_str())
        .collect();
    if capital_declining.len() != 4 {
        failures.push(format!(
            "capital-area declining areas: {capital_declining:?}, not 4 (BRIEF §2)"
        ));
    }
    let capital: Vec<&str> = table
        .provinces()
        .iter()
        .filter(|p| p.capital_area)
        .map(|p| p.short_name.as_str())
        .collect();
    if capital != ["서울", "인천", "경기"] {
        failures.push(format!("capital-area provinces: {capital:?} (수도권정비계획법 Art. 2)"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
