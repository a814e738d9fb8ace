//! Golden cases for attendance counting, unit-period pay and the course outcome, from
//! tests/golden/payroll/*.json (format: tests/golden/payroll/README.md). Each case cites the
//! source of its expected values; all failures are reported together, each with its source.

use crate::golden::{engine, golden_dir, merge, subset};
use aiup_core::Rate;
use aiup_rules::attendance::Day;
use aiup_rules::counting::{count_periods, with_records, CourseFacts, PeriodCount};
use aiup_rules::outcome::{OutcomeFacts, RemoteResult};
use aiup_rules::{Calendar, Case, Engine, OutcomeExplained, PeriodScheme};
use chrono::NaiveDate;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

fn load(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|e| format!("`{text}` is not a date: {e}"))
}

/// The records of `days` (a date or `from..to` range → tokens) over `default_day`.
pub fn records(request: &Value, dates: &[NaiveDate]) -> Result<BTreeMap<NaiveDate, Option<Day>>, String> {
    let default = request["default_day"].as_str().unwrap_or("present");
    let default = Day::from_tokens(default).map_err(|e| e.to_string())?;
    let mut out: BTreeMap<NaiveDate, Option<Day>> = dates.iter().map(|d| (*d, default)).collect();
    if let Some(days) = request["days"].as_object() {
        for (when, tokens) in days {
            let tokens = tokens.as_str().ok_or_else(|| format!("days.{when}: not a string"))?;
            let day = Day::from_tokens(tokens).map_err(|e| format!("days.{when}: {e}"))?;
            let (from, to) = match when.split_once("..") {
                Some((a, b)) => (date(a)?, date(b)?),
                None => (date(when)?, date(when)?),
            };
            let mut hit = false;
            for (_, record) in out.range_mut(from..=to) {
                *record = day;
                hit = true;
            }
            if !hit {
                return Err(format!("days.{when}: no training day there"));
            }
        }
    }
    Ok(out)
}

/// The case of a request (its `programme`, `course` and `trainee`).
pub fn case_of(engine: &Engine, request: &Value) -> Result<Case, String> {
    let case = json!({
        "programme": request["programme"],
        "course": request["course"],
        "trainee": request["trainee"],
        "period": 1,
    });
    engine
        .parse_case_json(&case.to_string())
        .map_err(|e| format!("case refused: {e}"))
}

/// Counts a request's course as of `until` (default: the course end).
pub fn count(
    engine: &Engine,
    request: &Value,
    until: Option<NaiveDate>,
) -> Result<(Case, Vec<PeriodCount>, u32), String> {
    let case = case_of(engine, request)?;
    let course = CourseFacts {
        start: case.start,
        end: case.end,
        hours_per_day: case.hours_per_day,
        delivery: case.delivery,
    };
    let dates = Calendar::korean()
        .training_days(case.start, case.end)
        .map_err(|e| e.to_string())?;
    let records = records(request, &dates)?;
    let days = with_records(&dates, course.hours_per_day, |d| records.get(&d).copied().flatten());
    let mut rules = engine.count_rules(case.start);
    if let Some(scheme) = request["scheme"].as_str() {
        rules.scheme = PeriodScheme::parse(scheme).ok_or_else(|| format!("scheme `{scheme}`"))?;
    }
    if let Some(carry) = request["tardies_carry_across_periods"].as_bool() {
        rules.carry_across_periods = carry;
    }
    let until = match (until, request["until"].as_str()) {
        (Some(u), _) => u,
        (None, Some(text)) => date(text)?,
        (None, None) => case.end,
    };
    let training_days = u32::try_from(dates.len()).unwrap_or(u32::MAX);
    Ok((case, count_periods(&rules, &course, &days, until), training_days))
}

/// The course outcome of a case's counted periods.
fn outcome_of(
    engine: &Engine,
    case: &Case,
    periods: &[PeriodCount],
    training_days: u32,
    remote: Option<RemoteResult>,
    employed_on: Option<NaiveDate>,
) -> OutcomeExplained {
    let facts = OutcomeFacts {
        delivery: case.delivery,
        training_days,
        periods,
        remote,
        employed_on,
    };
    engine.course_outcome(case.start, &facts)
}

/// What the golden files compare against: `periods` by index, `period_count`, `training_days`
/// and, at the course end, `outcome`.
fn answer(engine: &Engine, request: &Value) -> Result<Value, String> {
    let employed_on = request["employed_on"].as_str().map(date).transpose()?;
    let until = employed_on.and_then(|d| d.pred_opt());
    let (case, counts, training_days) = count(engine, request, until)?;
    let mut periods = Map::new();
    for c in &counts {
        let pay = engine.period_pay(&case, c);
        let mut row = serde_json::to_value(c).map_err(|e| e.to_string())?;
        let fields = row.as_object_mut().ok_or("a count is an object")?;
        fields.insert("base".into(), json!(pay.base.0));
        fields.insert("special".into(), json!(pay.special.0));
        fields.insert("meal_deduction".into(), json!(pay.meal_deduction.0));
        fields.insert("amount".into(), json!(pay.amount.0));
        fields.insert("base_table".into(), json!(pay.base_table));
        fields.insert("special_tier".into(), json!(pay.special_tier));
        // Every trace names the counting rules it applied.
        let names = serde_json::to_string(&pay.trace).map_err(|e| e.to_string())?;
        for id in [
            "attendance.unit_period.scheme",
            "attendance.tardies_per_absence",
            "attendance.tardies_carry_across_periods",
            "attendance.under_half_day_is_absence",
            "attendance.illness_cap_rate",
            "attendance.incomplete_day_is_absence",
            "allowance.attendance_threshold_rounding",
            "allowance.meal_deduction.daily_won",
        ] {
            if !names.contains(id) {
                return Err(format!("period {}: the trace does not name `{id}`", c.index));
            }
        }
        if !pay.citations.iter().any(|c| c.starts_with("aiup:research")) {
            return Err(format!(
                "period {}: the citations {:?} lack the research",
                c.index, pay.citations
            ));
        }
        if pay.explanation.ko.is_empty() || pay.explanation.en.is_empty() {
            return Err(format!("period {}: no explanation", c.index));
        }
        periods.insert(c.index.to_string(), row);
    }
    let remote = match request.get("remote") {
        Some(r) if !r.is_null() => Some(RemoteResult {
            progress: r["progress"]
                .as_str()
                .and_then(Rate::parse_percent)
                .ok_or("remote.progress is a percentage")?,
            score: r["score"]
                .as_u64()
                .and_then(|s| u32::try_from(s).ok())
                .ok_or("remote.score is a number")?,
        }),
        _ => None,
    };
    let outcome = outcome_of(engine, &case, &counts, training_days, remote, employed_on);
    if outcome.citations.is_empty() || outcome.explanation.ko.is_empty() {
        return Err("the outcome has no citation or explanation".into());
    }
    let d = outcome.decision;
    Ok(json!({
        "period_count": counts.len(),
        "training_days": training_days,
        "periods": periods,
        "outcome": {
            "result": d.result.as_str(),
            "rule": d.rule,
            "param": d.rule.params()[0],
            "value": d.value,
            "limit": d.limit,
            "period": d.period,
            "recognised_days": d.recognised_days,
            "absences": d.absences,
        },
    }))
}

fn payroll_files() -> Vec<std::path::PathBuf> {
    let dir = golden_dir().join("payroll");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("journey"))
        })
        .collect();
    files.sort();
    files
}

#[test]
fn payroll_rule_cases() {
    let engine = engine();
    let files = payroll_files();
    assert!(files.len() >= 4, "expected the golden payroll files, found {files:?}");
    let mut failures = Vec::new();
    let mut total = 0;
    for file in files {
        let doc = load(&file);
        let name_of_file = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let base = doc["base"].clone();
        for case in doc["cases"]
            .as_array()
            .unwrap_or_else(|| panic!("{name_of_file}: no cases"))
        {
            total += 1;
            let name = case["name"].as_str().expect("name");
            let source = case["source"]
                .as_str()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| panic!("{name_of_file}: case `{name}` has no source"));
            assert!(
                case["expect"].is_object(),
                "{name_of_file}: case `{name}` expects nothing"
            );
            let request = merge(&base, &case["request"]);
            match answer(&engine, &request) {
                Ok(value) => {
                    let mut problems = Vec::new();
                    subset(&case["expect"], &value, "", &mut problems);
                    if !problems.is_empty() {
                        failures.push(format!(
                            "{name_of_file}: {name}\n    source: {source}\n    {}",
                            problems.join("\n    ")
                        ));
                    }
                }
                Err(e) => failures.push(format!("{name_of_file}: {name}\n    source: {source}\n    error: {e}")),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {total} golden payroll cases failed:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

/// The three-month journey: each payroll run pays the periods that closed in its month, as
/// recorded when it runs; a correction after a period was paid is paid as an adjustment in the
/// next run; a second run of a month pays nothing more.
#[test]
fn the_three_month_journey_matches_its_golden_amounts() {
    let engine = engine();
    let doc = load(&golden_dir().join("payroll/journey-3-months.json"));
    let course = &doc["course"];
    let mut request = json!({
        "programme": course["programme"],
        "course": course["course"],
        "trainee": course["trainee"],
        "days": doc["days"],
        "default_day": "none",
    });
    assert!(
        doc["source"].as_str().is_some_and(|s| !s.is_empty()),
        "the journey cites its source"
    );
    let initial = request.clone();
    // (period index → amount) already paid, the sum of its lines.
    let mut paid: BTreeMap<u32, i64> = BTreeMap::new();
    let mut failures = Vec::new();
    for step in doc["steps"].as_array().expect("steps") {
        if let Some(correction) = step.get("correction") {
            let when = correction["date"].as_str().expect("correction date");
            assert!(
                correction["reason"].as_str().is_some_and(|r| !r.is_empty()),
                "a correction has a reason"
            );
            request["days"][when] = correction["to"].clone();
            continue;
        }
        let month = step["run"].as_str().expect("run month");
        let first = date(&format!("{month}-01")).expect("month");
        let next = first.checked_add_months(chrono::Months::new(1)).expect("month");
        let month_end = next.pred_opt().expect("date");
        let (case, counts, _) = count(&engine, &request, Some(month_end)).expect("count");
        let mut lines = Vec::new();
        for c in counts.iter().filter(|c| c.closed) {
            let amount = engine.period_pay(&case, c).amount.0;
            let before = paid.get(&c.index).copied();
            let line = match before {
                None if c.end >= first => Some(json!({"period": c.index, "kind": "payment", "amount": amount})),
                Some(previous) if previous != amount => {
                    Some(json!({"period": c.index, "kind": "adjustment", "amount": amount - previous}))
                }
                _ => None,
            };
            if let Some(line) = line {
                paid.insert(c.index, amount);
                lines.push(line);
            }
        }
        if step["lines"] != json!(lines) {
            failures.push(format!(
                "run {month}: expected {}, got {}\n    source: {}",
                step["lines"],
                json!(lines),
                step["source"].as_str().unwrap_or("(none)")
            ));
        }
    }
    let (case, counts, training_days) = count(&engine, &request, None).expect("count");
    let outcome = outcome_of(&engine, &case, &counts, training_days, None, None);
    let expected = &doc["outcome"];
    let actual = json!({
        "result": outcome.decision.result.as_str(),
        "recognised_days": outcome.decision.recognised_days,
        "limit": outcome.decision.limit,
        "training_days": training_days,
    });
    let mut problems = Vec::new();
    subset(expected, &actual, "outcome", &mut problems);
    failures.extend(problems);
    let (_, uncorrected, _) = count(&engine, &initial, None).expect("count");
    for (index, expected) in doc["periods"].as_object().expect("periods") {
        let found = counts
            .iter()
            .zip(&uncorrected)
            .find(|(c, _)| c.index.to_string() == *index);
        let Some((c, before)) = found else {
            failures.push(format!("period {index} is missing"));
            continue;
        };
        let mut row = serde_json::to_value(c).expect("count");
        row["recognised_days_before_correction"] = json!(before.recognised_days);
        row["amount_before_correction"] = json!(engine.period_pay(&case, before).amount.0);
        row["amount_after_correction"] = json!(engine.period_pay(&case, c).amount.0);
        subset(expected, &row, &format!("periods.{index}"), &mut failures);
    }
    assert!(failures.is_empty(), "journey:\n  {}", failures.join("\n  "));
}
