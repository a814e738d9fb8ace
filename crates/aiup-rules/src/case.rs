//! Estimate input: the JSON shape (`CaseJson`), and its parsed, validated form
//! (`Case`). Parsing is the only way to build a `Case`; every error names the
//! field and the reason, with a stable code (docs/errors.md).

use crate::engine::Engine;
use crate::period;
use aiup_core::date::parse_iso_date;
use aiup_core::json::{check_unique_keys, StrictJsonError};
use aiup_core::policy::TuitionScheme;
use aiup_core::{Delivery, EmployerSize, Provision, Rate, TraineeStatus, Won};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A bad input, named by its field path (`course.end_date`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct CaseError {
    /// A stable, documented code such as `unknown_region`.
    pub code: &'static str,
    pub field: String,
    pub reason: String,
}

impl CaseError {
    pub fn new(code: &'static str, field: impl Into<String>, reason: impl Into<String>) -> CaseError {
        CaseError {
            code,
            field: field.into(),
            reason: reason.into(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseJson {
    pub programme: String,
    pub course: CourseJson,
    pub trainee: TraineeJson,
    #[serde(default = "first_period")]
    pub period: u32,
    pub attendance: Option<AttendanceJson>,
}

fn first_period() -> u32 {
    1
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CourseJson {
    pub region: String,
    pub start_date: String,
    pub end_date: String,
    pub total_hours: serde_json::Number,
    pub hours_per_day: serde_json::Number,
    pub delivery: String,
    pub fee_won: Option<i64>,
    pub base_unit_price_won_per_hour: Option<i64>,
    pub ai_course: Option<bool>,
    /// The card self-payment rate set for the course's occupation, in percent (15–55).
    pub self_payment_rate_percent: Option<serde_json::Number>,
    pub provision: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraineeJson {
    pub status: String,
    pub employer_size: Option<String>,
    /// In a group exempt from card self-payment.
    #[serde(default)]
    pub exempt_group: bool,
    /// In a vulnerable group with the one-off extra card allowance.
    #[serde(default)]
    pub vulnerable_group: bool,
    /// What is left on the learning-card account, if known.
    pub card_balance_won: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttendanceJson {
    pub scheduled_days: u32,
    pub attended_days: u32,
    #[serde(default)]
    pub late: u32,
    #[serde(default)]
    pub early_leave: u32,
    #[serde(default)]
    pub outing: u32,
    /// Days attended for less than half the day's hours.
    #[serde(default)]
    pub under_half_days: u32,
}

/// Hours in tenths, so that 7.5 hours a day needs no float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Tenths(pub u32);

impl Tenths {
    pub fn from_hours(hours: u32) -> Tenths {
        Tenths(hours.saturating_mul(10))
    }
}

impl std::fmt::Display for Tenths {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_multiple_of(10) {
            write!(f, "{}", self.0 / 10)
        } else {
            write!(f, "{}.{}", self.0 / 10, self.0 % 10)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Attendance {
    // u16: validation bounds every count by the days of a unit period (≤ 31,
    // outings ≤ 3 a day), and a smaller `Case` is a faster batch.
    pub scheduled_days: u16,
    pub attended_days: u16,
    pub late: u16,
    pub early_leave: u16,
    pub outing: u16,
    pub under_half_days: u16,
    /// True when the caller gave no attendance and full attendance of the
    /// period's weekdays was assumed.
    pub assumed: bool,
}

impl Attendance {
    /// Full attendance of a unit period's weekdays: what the calculator
    /// assumes when the caller gives no attendance.
    pub fn assumed_full(unit: &period::UnitPeriod) -> Attendance {
        let days = small(period::weekdays(unit));
        Attendance {
            scheduled_days: days,
            attended_days: days,
            late: 0,
            early_leave: 0,
            outing: 0,
            under_half_days: 0,
            assumed: true,
        }
    }
}

/// A validated estimate request. Small and `Copy`, so batches stay compact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Case {
    /// Index into the policy's programmes.
    pub programme: u16,
    /// Index into the region table.
    pub region: u16,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub total_hours: Tenths,
    pub hours_per_day: Tenths,
    pub delivery: Delivery,
    pub fee: Option<Won>,
    pub unit_price: Option<Won>,
    pub ai_course: bool,
    pub self_payment_rate: Option<Rate>,
    pub provision: Provision,
    pub status: TraineeStatus,
    pub employer_size: Option<EmployerSize>,
    pub exempt_group: bool,
    pub vulnerable_group: bool,
    pub card_balance: Option<Won>,
    pub period: u32,
    pub periods: u32,
    pub attendance: Attendance,
}

const MAX_WON: i64 = 1_000_000_000_000;

/// A count already bounded by validation (at most 3 × 31); saturates rather than wraps.
fn small(count: u32) -> u16 {
    u16::try_from(count).unwrap_or(u16::MAX)
}

fn parse_date(field: &str, text: &str) -> Result<NaiveDate, CaseError> {
    parse_iso_date(text).map_err(|e| CaseError::new("invalid_date", field, e.to_string()))
}

/// Refuses a duplicate key anywhere in `text`. Other syntax errors are left
/// to the typed parse, which names where they are.
fn refuse_duplicate_keys(text: &str) -> Result<(), CaseError> {
    match check_unique_keys(text) {
        Err(StrictJsonError::DuplicateKey { path }) => {
            Err(CaseError::new("invalid_field", path, "the key appears twice"))
        }
        _ => Ok(()),
    }
}

fn parse_tenths(field: &str, number: &serde_json::Number) -> Result<Tenths, CaseError> {
    let text = number.to_string();
    let bad = || {
        CaseError::new(
            "invalid_hours",
            field,
            format!("`{text}` must be a positive number of hours with at most one decimal place"),
        )
    };
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > 1 || whole.starts_with('-') || text.contains(['e', 'E']) {
        return Err(bad());
    }
    let whole: u32 = whole.parse().map_err(|_| bad())?;
    let tenth: u32 = if fraction.is_empty() {
        0
    } else {
        fraction.parse().map_err(|_| bad())?
    };
    let value = whole
        .checked_mul(10)
        .and_then(|w| w.checked_add(tenth))
        .ok_or_else(bad)?;
    if value == 0 {
        return Err(CaseError::new("invalid_hours", field, "must be more than 0"));
    }
    Ok(Tenths(value))
}

fn parse_money(field: &str, value: Option<i64>) -> Result<Option<Won>, CaseError> {
    match value {
        None => Ok(None),
        Some(v) if (0..=MAX_WON).contains(&v) => Ok(Some(Won(v))),
        Some(v) => Err(CaseError::new(
            "invalid_amount",
            field,
            format!("{v} must be a whole number of won from 0 to {MAX_WON}"),
        )),
    }
}

/// Parses JSON text into the raw shape, naming the field that failed.
pub fn parse_json(text: &str) -> Result<CaseJson, CaseError> {
    refuse_duplicate_keys(text)?;
    let deserializer = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { "(body)".to_owned() } else { path };
        let inner = e.into_inner();
        let code = if inner.is_syntax() || inner.is_eof() {
            "malformed_json"
        } else {
            "invalid_field"
        };
        CaseError::new(code, field, inner.to_string())
    })
}

impl Engine {
    /// Validates a raw request against the policy and the region table.
    pub fn parse_case(&self, raw: &CaseJson) -> Result<Case, CaseError> {
        let programme = self.programme_index(&raw.programme).ok_or_else(|| {
            CaseError::new(
                "unknown_programme",
                "programme",
                format!(
                    "`{}` is not a programme; known programmes: {}",
                    raw.programme,
                    self.policy()
                        .programmes
                        .iter()
                        .map(|p| p.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?;
        let rules = &self.policy().programmes[programme];
        if !rules.is_trainee_facing() {
            return Err(CaseError::new("programme_not_trainee_facing", "programme", format!("`{}` supports firms or the training system, not individual trainees; there is no per-trainee estimate", rules.id)));
        }
        let c = &raw.course;
        let resolved = self
            .regions()
            .resolve(&c.region)
            .map_err(|e| CaseError::new("unknown_region", "course.region", e.to_string()))?;
        let region = self
            .regions()
            .index_of(resolved.region.code)
            .ok_or_else(|| CaseError::new("unknown_region", "course.region", "not in the region table"))?;
        let start = parse_date("course.start_date", &c.start_date)?;
        let end = parse_date("course.end_date", &c.end_date)?;
        if end < start {
            return Err(CaseError::new(
                "end_before_start",
                "course.end_date",
                format!("{end} is before course.start_date {start}"),
            ));
        }
        let coverage = self.policy().meta.coverage_start;
        if start < coverage {
            return Err(CaseError::new(
                "date_outside_policy",
                "course.start_date",
                format!("{start} is before {coverage}, the earliest date the policy covers"),
            ));
        }
        if (end - start).num_days() > 366 * 4 {
            return Err(CaseError::new(
                "course_too_long",
                "course.end_date",
                "a course may last at most four years",
            ));
        }
        let total_hours = parse_tenths("course.total_hours", &c.total_hours)?;
        let hours_per_day = parse_tenths("course.hours_per_day", &c.hours_per_day)?;
        if hours_per_day > Tenths::from_hours(24) {
            return Err(CaseError::new(
                "invalid_hours",
                "course.hours_per_day",
                format!("{hours_per_day} is more than 24 hours"),
            ));
        }
        if hours_per_day > total_hours {
            return Err(CaseError::new(
                "invalid_hours",
                "course.hours_per_day",
                format!("{hours_per_day} is more than course.total_hours {total_hours}"),
            ));
        }
        let delivery = Delivery::parse(&c.delivery).ok_or_else(|| {
            CaseError::new(
                "invalid_field",
                "course.delivery",
                format!("`{}` is not one of {}", c.delivery, Delivery::expected()),
            )
        })?;
        let fee = parse_money("course.fee_won", c.fee_won)?;
        let unit_price = parse_money("course.base_unit_price_won_per_hour", c.base_unit_price_won_per_hour)?;
        let self_payment_rate = match &c.self_payment_rate_percent {
            None => None,
            Some(n) => {
                let rate = Rate::parse_percent(&format!("{n}%")).ok_or_else(|| {
                    CaseError::new(
                        "invalid_rate",
                        "course.self_payment_rate_percent",
                        format!("`{n}` must be a percentage with at most two decimal places"),
                    )
                })?;
                if rate > Rate::FULL {
                    return Err(CaseError::new(
                        "invalid_rate",
                        "course.self_payment_rate_percent",
                        format!("{rate} is more than 100%"),
                    ));
                }
                let (min, max) = self.card_band(start);
                if rules.tuition_scheme == TuitionScheme::Card && (rate < min || rate > max) {
                    return Err(CaseError::new(
                        "invalid_rate",
                        "course.self_payment_rate_percent",
                        format!("{rate} is outside the card band {min}–{max}"),
                    ));
                }
                Some(rate)
            }
        };
        let provision = match c.provision.as_deref() {
            None => Provision::Outsourced,
            Some(text) => Provision::parse(text).ok_or_else(|| {
                CaseError::new(
                    "invalid_field",
                    "course.provision",
                    format!("`{text}` is not one of {}", Provision::expected()),
                )
            })?,
        };

        let t = &raw.trainee;
        let status = TraineeStatus::parse(&t.status).ok_or_else(|| {
            CaseError::new(
                "invalid_field",
                "trainee.status",
                format!("`{}` is not one of {}", t.status, TraineeStatus::expected()),
            )
        })?;
        let employer_size = match t.employer_size.as_deref() {
            None => None,
            Some(text) => Some(EmployerSize::parse(text).ok_or_else(|| {
                CaseError::new(
                    "invalid_field",
                    "trainee.employer_size",
                    format!("`{text}` is not one of {}", EmployerSize::expected()),
                )
            })?),
        };
        match rules.tuition_scheme {
            TuitionScheme::Employer | TuitionScheme::SmeOnline | TuitionScheme::SmePremium => {
                if status != TraineeStatus::Employed {
                    return Err(CaseError::new(
                        "ineligible_trainee",
                        "trainee.status",
                        format!("`{}` is for employees; the trainee's status is {status}", rules.id),
                    ));
                }
                if employer_size.is_none() {
                    return Err(CaseError::new(
                        "missing_field",
                        "trainee.employer_size",
                        format!(
                            "`{}` needs the employer's size ({})",
                            rules.id,
                            EmployerSize::expected()
                        ),
                    ));
                }
                if rules.tuition_scheme != TuitionScheme::Employer
                    && employer_size != Some(EmployerSize::PrioritySupport)
                {
                    return Err(CaseError::new(
                        "ineligible_trainee",
                        "trainee.employer_size",
                        format!("`{}` is for employees of SMEs (priority_support)", rules.id),
                    ));
                }
            }
            _ => {}
        }
        let card_balance = parse_money("trainee.card_balance_won", t.card_balance_won)?;

        let periods = period::count(start, end);
        if raw.period == 0 || raw.period > periods {
            return Err(CaseError::new(
                "period_out_of_range",
                "period",
                format!(
                    "{} is not a unit period of this course, which has {periods} (1 to {periods})",
                    raw.period
                ),
            ));
        }
        let unit = period::unit_period_unchecked(start, end, raw.period, periods);
        let attendance = match &raw.attendance {
            None => Attendance::assumed_full(&unit),
            Some(a) => {
                let span = unit.days();
                if a.scheduled_days > span {
                    return Err(CaseError::new(
                        "attendance_exceeds_period",
                        "attendance.scheduled_days",
                        format!(
                            "{} is more than the {span} days of unit period {} ({} to {})",
                            a.scheduled_days, unit.index, unit.start, unit.end
                        ),
                    ));
                }
                if a.attended_days > a.scheduled_days {
                    return Err(CaseError::new(
                        "attendance_exceeds_schedule",
                        "attendance.attended_days",
                        format!(
                            "{} is more than attendance.scheduled_days {}",
                            a.attended_days, a.scheduled_days
                        ),
                    ));
                }
                for (field, value) in [
                    ("attendance.late", a.late),
                    ("attendance.early_leave", a.early_leave),
                    ("attendance.under_half_days", a.under_half_days),
                ] {
                    if value > a.attended_days {
                        return Err(CaseError::new(
                            "attendance_exceeds_schedule",
                            field,
                            format!("{value} is more than attendance.attended_days {}", a.attended_days),
                        ));
                    }
                }
                if a.outing > a.attended_days.saturating_mul(3) {
                    return Err(CaseError::new(
                        "attendance_exceeds_schedule",
                        "attendance.outing",
                        format!(
                            "{} is more than three a day over {} attended days",
                            a.outing, a.attended_days
                        ),
                    ));
                }
                Attendance {
                    scheduled_days: small(a.scheduled_days),
                    attended_days: small(a.attended_days),
                    late: small(a.late),
                    early_leave: small(a.early_leave),
                    outing: small(a.outing),
                    under_half_days: small(a.under_half_days),
                    assumed: false,
                }
            }
        };

        Ok(Case {
            programme: u16::try_from(programme)
                .map_err(|_| CaseError::new("internal", "programme", "programme index out of range"))?,
            region: u16::try_from(region)
                .map_err(|_| CaseError::new("internal", "course.region", "region index out of range"))?,
            start,
            end,
            total_hours,
            hours_per_day,
            delivery,
            fee,
            unit_price,
            ai_course: c.ai_course.unwrap_or(true),
            self_payment_rate,
            provision,
            status,
            employer_size,
            exempt_group: t.exempt_group,
            vulnerable_group: t.vulnerable_group,
            card_balance,
            period: raw.period,
            periods,
            attendance,
        })
    }

    /// Parses JSON text straight to a `Case`.
    pub fn parse_case_json(&self, text: &str) -> Result<Case, CaseError> {
        self.parse_case(&parse_json(text)?)
    }
}

/// A reform's `from` dates get the same code as the case's dates; the typed
/// parse below would only call them a malformed reform.
fn check_reform_dates(reform: &serde_json::Value) -> Result<(), CaseError> {
    let overrides = reform.get("overrides").and_then(|o| o.as_array());
    for (i, item) in overrides.into_iter().flatten().enumerate() {
        if let Some(text) = item.get("from").and_then(|f| f.as_str()) {
            parse_date(&format!("reform.overrides[{i}].from"), text)?;
        }
    }
    Ok(())
}

/// An estimate request as the CLI and HTTP API take it: a case, plus
/// `"trace": bool` (default true) and an optional what-if `"reform"`.
#[derive(Debug, Clone)]
pub struct EstimateRequest {
    pub case: CaseJson,
    pub trace: bool,
    pub reform: Option<crate::reform::Reform>,
}

/// Parses an estimate request, naming the field that failed.
pub fn parse_request(text: &str) -> Result<EstimateRequest, CaseError> {
    refuse_duplicate_keys(text)?;
    let mut value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| CaseError::new("malformed_json", "(body)", e.to_string()))?;
    let object = value
        .as_object_mut()
        .ok_or_else(|| CaseError::new("malformed_json", "(body)", "the body must be a JSON object"))?;
    let trace = match object.remove("trace") {
        None => true,
        Some(serde_json::Value::Bool(b)) => b,
        Some(other) => {
            return Err(CaseError::new(
                "invalid_field",
                "trace",
                format!("must be true or false, got {other}"),
            ))
        }
    };
    let reform = match object.remove("reform") {
        None | Some(serde_json::Value::Null) => None,
        Some(raw) => {
            check_reform_dates(&raw)?;
            Some(serde_path_to_error::deserialize(raw).map_err(|e| {
                let path = e.path().to_string();
                CaseError::new(
                    "invalid_reform",
                    if path == "." {
                        "reform".to_owned()
                    } else {
                        format!("reform.{path}")
                    },
                    e.into_inner().to_string(),
                )
            })?)
        }
    };
    let case = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        CaseError::new(
            "invalid_field",
            if path == "." { "(body)".to_owned() } else { path },
            e.into_inner().to_string(),
        )
    })?;
    Ok(EstimateRequest { case, trace, reform })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer;
    use aiup_core::bundle::Bundle;
    use serde_json::{json, Value};
    use std::sync::{Arc, OnceLock};

    fn engine() -> &'static Engine {
        static ENGINE: OnceLock<Engine> = OnceLock::new();
        ENGINE.get_or_init(|| {
            let loaded = Bundle::embedded().load().expect("embedded bundle");
            Engine::new(Arc::new(loaded.policy), Arc::new(loaded.regions)).expect("engine")
        })
    }

    fn request() -> Value {
        json!({
            "programme": "kdc-ai",
            "course": {
                "region": "서울특별시 강남구",
                "start_date": "2026-03-02",
                "end_date": "2026-08-31",
                "total_hours": 600,
                "hours_per_day": 6,
                "delivery": "classroom",
                "fee_won": 3_000_000
            },
            "trainee": { "status": "job_seeker" }
        })
    }

    /// Parses and answers `text` as the CLI and the API do.
    fn run(text: &str) -> Result<Value, CaseError> {
        parse_request(text).and_then(|r| answer(engine(), &r))
    }

    #[test]
    fn the_base_request_is_answered() {
        let value = run(&request().to_string()).unwrap();
        assert_eq!(value["totals"]["self_payment_won"], 300_000);
    }

    #[test]
    fn dates_must_be_exactly_yyyy_mm_dd() {
        for (field, start, end) in [
            ("course.start_date", "2026-3-2", "2026-08-31"),
            ("course.start_date", "+10000-01-01", "+10000-06-30"),
            ("course.start_date", "2026-03-02T00:00:00", "2026-08-31"),
            ("course.end_date", "2026-03-02", "2026-8-31"),
            ("course.end_date", "2026-03-02", " 2026-08-31"),
            ("course.end_date", "2026-03-02", "2026-02-30"),
        ] {
            let mut r = request();
            r["course"]["start_date"] = start.into();
            r["course"]["end_date"] = end.into();
            let e = run(&r.to_string()).unwrap_err();
            assert_eq!(
                (e.code, e.field.as_str()),
                ("invalid_date", field),
                "{start} {end}: {e}"
            );
            assert!(e.reason.contains("YYYY-MM-DD") || e.reason.contains("calendar"), "{e}");
        }
    }

    #[test]
    fn duplicate_keys_are_refused_with_their_path() {
        let base = request().to_string();
        let refused = |result: Result<(), CaseError>, text: &str, path: &str| {
            let e = result.unwrap_err();
            assert_eq!((e.code, e.field.as_str()), ("invalid_field", path), "{text}: {e}");
            assert_eq!(e.reason, "the key appears twice");
        };
        for (text, path) in [
            (
                base.replacen('{', r#"{"programme": "card-ai-general","#, 1),
                "programme",
            ),
            (
                base.replacen(r#""fee_won":"#, r#""fee_won":0,"fee_won":"#, 1),
                "course.fee_won",
            ),
            (
                base.replacen(r#""status":"#, r#""status":"employed","status":"#, 1),
                "trainee.status",
            ),
        ] {
            refused(parse_json(&text).map(drop), &text, path);
            refused(run(&text).map(drop), &text, path);
        }
        let reform = r#"{"reform": {"name": "r", "overrides": [{"param": "tuition.kdc.self_payment_rate", "value": "5%", "value": "20%"}]},"#;
        for (text, path) in [
            (base.replacen('{', r#"{"trace": false, "trace": true,"#, 1), "trace"),
            (base.replacen('{', reform, 1), "reform.overrides[0].value"),
        ] {
            refused(run(&text).map(drop), &text, path);
        }
    }

    fn reform(overrides: Value) -> Value {
        let mut r = request();
        r["reform"] = json!({ "name": "test", "overrides": overrides });
        r
    }

    #[test]
    fn reform_rates_above_100_percent_are_refused() {
        let r = reform(json!([{ "param": "tuition.kdc.self_payment_rate", "value": "150%" }]));
        let e = run(&r.to_string()).unwrap_err();
        assert_eq!(e.code, "invalid_reform", "{e}");
        assert!(e.reason.contains("tuition.kdc.self_payment_rate"), "{e}");
        assert!(e.reason.contains("0%–100%"), "{e}");
        let r = reform(json!([{ "param": "tuition.kdc.self_payment_rate", "value": "100%" }]));
        let value = run(&r.to_string()).unwrap();
        assert_eq!(value["reform"]["totals"]["tuition_support_won"], 0);
        assert_eq!(value["reform"]["totals"]["self_payment_won"], 3_000_000);
    }

    #[test]
    fn a_case_rate_above_100_percent_is_refused_for_any_programme() {
        let mut r = request();
        r["course"]["self_payment_rate_percent"] = 100.5.into();
        let e = run(&r.to_string()).unwrap_err();
        assert_eq!(
            (e.code, e.field.as_str()),
            ("invalid_rate", "course.self_payment_rate_percent")
        );
    }

    #[test]
    fn reform_dates_are_strict() {
        for from in ["2026-3-1", "+10000-01-01", "2026-02-30"] {
            let r = reform(json!([{ "param": "tuition.kdc.self_payment_rate", "from": from, "value": "20%" }]));
            let e = run(&r.to_string()).unwrap_err();
            assert_eq!(
                (e.code, e.field.as_str()),
                ("invalid_date", "reform.overrides[0].from"),
                "{from}: {e}"
            );
        }
        let r = reform(json!([{ "param": "tuition.kdc.self_payment_rate", "from": "2026-03-01", "value": "20%" }]));
        let value = run(&r.to_string()).unwrap();
        assert_eq!(value["reform"]["totals"]["self_payment_won"], 600_000);
    }
}
