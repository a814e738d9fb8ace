//! API types: how records are shown to callers, kept apart from the storage models.

use crate::catalogue::{support, Profile};
use aiup_catalogue::{Course, Institution};
use aiup_rules::Engine;
use chrono::NaiveDate;
use serde_json::{json, Value};

/// A course as the API and the CLI show it: the stored record, its place, its next cohort and
/// the support for the requested profile, computed now by the engine.
pub fn course_json(
    engine: &Engine,
    course: &Course,
    institution: &Institution,
    profile: &Profile,
    today: NaiveDate,
) -> Value {
    let precedence = crate::tier_precedence_on(engine, today);
    let region = engine.regions().get(course.region).map(|r| {
        json!({ "code": r.code, "name": r.full_name, "name_en": r.name_en, "sido_code": r.sido_code, "tier": r.tier(precedence) })
    });
    let mut v = serde_json::to_value(course).unwrap_or(Value::Null);
    v["region"] = region.unwrap_or_else(|| json!({ "code": course.region }));
    v["ncs_major"] = json!(course.ncs.major().as_str());
    v["institution"] = json!(institution);
    v["next_cohort"] = json!(course.next_cohort(today));
    match support(engine, course, profile, today) {
        Ok(estimate) => {
            v["support"] = json!({
                "programme": estimate.programme,
                "policy_version": estimate.policy_version,
                "unit_period": estimate.unit_period,
                "self_payment_won": estimate.totals.self_payment_won,
                "tuition_support_won": estimate.totals.tuition_support_won,
                "allowance_won": estimate.totals.allowance_won,
                "attendance_assumed": estimate.attendance_assumed,
                "explanation": estimate.explanation,
                "components": estimate.components,
            });
        }
        Err(none) => v["support_unavailable"] = json!(none),
    }
    v
}
