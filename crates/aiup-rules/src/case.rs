//! Estimate input: the JSON shape (`CaseJson`), and its parsed, validated form
//! (`Case`). Parsing is the only way to build a `Case`; every error names the
//! field and the reason, with a stable code (docs/errors.md).

use crate::engine::Engine;
use crate::period;
use aiup_core::date::{parse_iso_date, DateError};
use aiup_core::json::{check_unique_keys, StrictJsonError};
use aiup_core::policy::{Text, TuitionScheme};
use aiup_core::region::ResolveError;
use aiup_core::{Delivery, EmployerSize, Provision, Rate, TraineeStatus, Won};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A bad input, named by its field path (`course.end_date`), with the reason
/// in English (stable for machines: the API's `message`) and in Korean (for pages).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct CaseError {
    /// A stable, documented code such as `unknown_region`.
    pub code: &'static str,
    pub field: String,
    pub reason: String,
    /// The reason in Korean; never empty.
    #[serde(skip)]
    pub reason_ko: String,
}

/// A reason as `CaseError::new` takes it: `(korean, english)`, or English only,
/// when the Korean is the code's general wording (`CaseError::code_ko`).
#[derive(Debug)]
pub struct Reason {
    ko: Option<String>,
    en: String,
}

impl From<&str> for Reason {
    fn from(en: &str) -> Reason {
        Reason {
            ko: None,
            en: en.to_owned(),
        }
    }
}

impl From<String> for Reason {
    fn from(en: String) -> Reason {
        Reason { ko: None, en }
    }
}

impl<K: Into<String>, E: Into<String>> From<(K, E)> for Reason {
    fn from((ko, en): (K, E)) -> Reason {
        Reason {
            ko: Some(ko.into()),
            en: en.into(),
        }
    }
}

/// Every code `CaseError` is built with (docs/errors.md).
pub const CASE_ERROR_CODES: &[&str] = &[
    "malformed_json",
    "invalid_field",
    "missing_field",
    "invalid_date",
    "end_before_start",
    "date_outside_policy",
    "course_too_long",
    "invalid_hours",
    "invalid_amount",
    "invalid_rate",
    "unknown_region",
    "unknown_programme",
    "programme_not_trainee_facing",
    "ineligible_trainee",
    "period_out_of_range",
    "attendance_exceeds_period",
    "attendance_exceeds_schedule",
    "invalid_reform",
    "internal",
];

impl CaseError {
    pub fn new(code: &'static str, field: impl Into<String>, reason: impl Into<Reason>) -> CaseError {
        let reason = reason.into();
        CaseError {
            code,
            field: field.into(),
            reason_ko: reason.ko.unwrap_or_else(|| CaseError::code_ko(code).to_owned()),
            reason: reason.en,
        }
    }

    /// The reason in both languages.
    pub fn message(&self) -> Text {
        Text {
            ko: self.reason_ko.clone(),
            en: self.reason.clone(),
        }
    }

    /// The general Korean wording of a code, for reasons that carry details
    /// only an English parser gives (JSON syntax, reform files).
    pub fn code_ko(code: &str) -> &'static str {
        match code {
            "malformed_json" => "요청 본문이 올바른 JSON이 아닙니다.",
            "invalid_field" => "허용되지 않는 값입니다.",
            "missing_field" => "이 사업에는 이 항목이 필요합니다.",
            "invalid_date" => "날짜를 YYYY-MM-DD 형식의 실제 날짜로 입력하세요.",
            "end_before_start" => "종료일이 개강일보다 앞섭니다.",
            "date_outside_policy" => "정책 파일이 다루는 기간보다 이른 날짜입니다.",
            "course_too_long" => "과정 기간은 최대 4년입니다.",
            "invalid_hours" => "훈련시간은 0보다 크고 소수 첫째 자리까지인 수여야 합니다.",
            "invalid_amount" => "금액은 0원 이상의 정수여야 합니다.",
            "invalid_rate" => "자부담률의 형식이 올바르지 않거나 허용 범위를 벗어났습니다.",
            "unknown_region" => "지역을 찾을 수 없습니다. 목록에서 고르거나 5자리 행정구역 코드를 입력하세요.",
            "unknown_programme" => "알 수 없는 사업입니다.",
            "programme_not_trainee_facing" => {
                "이 사업은 기업이나 훈련 인프라를 지원하며 훈련생 개인 지원금이 없습니다."
            }
            "ineligible_trainee" => "이 사업의 지원 대상이 아닙니다.",
            "period_out_of_range" => "이 과정에 없는 단위기간입니다.",
            "attendance_exceeds_period" => "예정 출석일수가 단위기간의 날수보다 많습니다.",
            "attendance_exceeds_schedule" => "출결 횟수가 예정 또는 출석 일수보다 많습니다.",
            "invalid_reform" => "정책 변경 가정(reform)이 올바르지 않습니다.",
            "internal" => "내부 오류가 발생했습니다.",
            _ => "입력값을 확인하세요.",
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
    /// How many 산대특 courses the trainee took part in before this one (none or 0: this is
    /// the first, which the 2026 bracket table is for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prior_sandaetuk_participations: Option<u32>,
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
    /// The trainee took part in a 산대특 course before this one.
    pub sandaetuk_repeat: bool,
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
    parse_iso_date(text).map_err(|e| {
        let ko = match e {
            DateError::Form(_) => format!("`{text}`은(는) YYYY-MM-DD 형식(연 4자리, 월·일 2자리)의 날짜가 아닙니다."),
            DateError::NotCalendar(_) => format!("`{text}`은(는) 달력에 없는 날짜입니다."),
        };
        CaseError::new("invalid_date", field, (ko, e.to_string()))
    })
}

/// Refuses a duplicate key anywhere in `text`. Other syntax errors are left
/// to the typed parse, which names where they are.
fn refuse_duplicate_keys(text: &str) -> Result<(), CaseError> {
    match check_unique_keys(text) {
        Err(StrictJsonError::DuplicateKey { path }) => Err(CaseError::new(
            "invalid_field",
            path,
            ("같은 키가 두 번 나옵니다.", "the key appears twice"),
        )),
        _ => Ok(()),
    }
}

fn parse_tenths(field: &str, number: &serde_json::Number) -> Result<Tenths, CaseError> {
    let text = number.to_string();
    let bad = || {
        CaseError::new(
            "invalid_hours",
            field,
            (
                format!("`{text}`은(는) 소수 첫째 자리까지인 0보다 큰 시간이어야 합니다."),
                format!("`{text}` must be a positive number of hours with at most one decimal place"),
            ),
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
        return Err(CaseError::new(
            "invalid_hours",
            field,
            ("0보다 커야 합니다.", "must be more than 0"),
        ));
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
            (
                format!("{v}: 금액은 0원부터 {MAX_WON}원까지의 정수여야 합니다."),
                format!("{v} must be a whole number of won from 0 to {MAX_WON}"),
            ),
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

/// Keeps an error to report with the others and goes on without the value.
fn keep<T>(errors: &mut Vec<CaseError>, result: Result<T, CaseError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

impl Engine {
    /// Validates a raw request against the policy and the region table,
    /// reporting the first problem (the order of `parse_case_all`).
    pub fn parse_case(&self, raw: &CaseJson) -> Result<Case, CaseError> {
        self.parse_case_all(raw).map_err(|errors| {
            errors
                .into_iter()
                .next()
                .unwrap_or_else(|| CaseError::new("internal", "(case)", "no error was reported"))
        })
    }

    /// Validates a raw request, reporting every problem at once (never an
    /// empty list). A check that needs a value another check refused is skipped.
    pub fn parse_case_all(&self, raw: &CaseJson) -> Result<Case, Vec<CaseError>> {
        let mut errors: Vec<CaseError> = Vec::new();
        let programme = self.programme_index(&raw.programme);
        if programme.is_none() {
            let known = self
                .policy()
                .programmes
                .iter()
                .map(|p| p.id.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            errors.push(CaseError::new(
                "unknown_programme",
                "programme",
                (
                    format!("`{}`은(는) 없는 사업입니다. 사업: {known}", raw.programme),
                    format!("`{}` is not a programme; known programmes: {known}", raw.programme),
                ),
            ));
        }
        let rules = programme.map(|i| &self.policy().programmes[i]);
        let rules = match rules {
            Some(rules) if !rules.is_trainee_facing() => {
                errors.push(CaseError::new(
                    "programme_not_trainee_facing",
                    "programme",
                    (
                        format!("{}은(는) 기업이나 훈련 인프라를 지원하는 사업이라 훈련생 개인 지원금을 계산할 수 없습니다.", rules.name.ko),
                        format!("`{}` supports firms or the training system, not individual trainees; there is no per-trainee estimate", rules.id),
                    ),
                ));
                None
            }
            other => other,
        };
        let c = &raw.course;
        let region = keep(&mut errors, self.resolve_region(&c.region));
        let start = keep(&mut errors, parse_date("course.start_date", &c.start_date));
        let end = keep(&mut errors, parse_date("course.end_date", &c.end_date));
        let mut dates_ok = start.is_some() && end.is_some();
        if let (Some(start), Some(end)) = (start, end) {
            if end < start {
                dates_ok = false;
                errors.push(CaseError::new(
                    "end_before_start",
                    "course.end_date",
                    (
                        format!("종료일({end})이 개강일({start})보다 앞섭니다."),
                        format!("{end} is before course.start_date {start}"),
                    ),
                ));
            }
        }
        if let Some(start) = start {
            let coverage = self.policy().meta.coverage_start;
            if start < coverage {
                dates_ok = false;
                errors.push(CaseError::new(
                    "date_outside_policy",
                    "course.start_date",
                    (
                        format!("{start}은(는) 정책이 다루는 가장 이른 날짜 {coverage}보다 앞섭니다."),
                        format!("{start} is before {coverage}, the earliest date the policy covers"),
                    ),
                ));
            }
        }
        if let (Some(start), Some(end)) = (start, end) {
            if (end - start).num_days() > 366 * 4 {
                dates_ok = false;
                errors.push(CaseError::new(
                    "course_too_long",
                    "course.end_date",
                    ("과정 기간은 최대 4년입니다.", "a course may last at most four years"),
                ));
            }
        }
        let total_hours = keep(&mut errors, parse_tenths("course.total_hours", &c.total_hours));
        let hours_per_day =
            keep(&mut errors, parse_tenths("course.hours_per_day", &c.hours_per_day)).and_then(|per_day| {
                if per_day > Tenths::from_hours(24) {
                    errors.push(CaseError::new(
                        "invalid_hours",
                        "course.hours_per_day",
                        (
                            format!("{per_day}시간은 24시간보다 깁니다."),
                            format!("{per_day} is more than 24 hours"),
                        ),
                    ));
                    return None;
                }
                match total_hours {
                    Some(total) if per_day > total => {
                        errors.push(CaseError::new(
                            "invalid_hours",
                            "course.hours_per_day",
                            (
                                format!("1일 {per_day}시간이 총 훈련시간 {total}시간보다 깁니다."),
                                format!("{per_day} is more than course.total_hours {total}"),
                            ),
                        ));
                        None
                    }
                    _ => Some(per_day),
                }
            });
        let delivery = Delivery::parse(&c.delivery);
        if delivery.is_none() {
            errors.push(not_one_of("course.delivery", &c.delivery, &Delivery::expected()));
        }
        let fee = keep(&mut errors, parse_money("course.fee_won", c.fee_won));
        let unit_price = keep(
            &mut errors,
            parse_money("course.base_unit_price_won_per_hour", c.base_unit_price_won_per_hour),
        );
        let self_payment_rate = match &c.self_payment_rate_percent {
            None => Some(None),
            Some(n) => keep(&mut errors, self.parse_rate(n, start, rules.map(|r| r.tuition_scheme))).map(Some),
        };
        let provision = match c.provision.as_deref() {
            None => Some(Provision::Outsourced),
            Some(text) => {
                let parsed = Provision::parse(text);
                if parsed.is_none() {
                    errors.push(not_one_of("course.provision", text, &Provision::expected()));
                }
                parsed
            }
        };

        let t = &raw.trainee;
        let status = TraineeStatus::parse(&t.status);
        if status.is_none() {
            errors.push(not_one_of("trainee.status", &t.status, &TraineeStatus::expected()));
        }
        let employer_size = match t.employer_size.as_deref() {
            None => Some(None),
            Some(text) => {
                let parsed = EmployerSize::parse(text);
                if parsed.is_none() {
                    errors.push(not_one_of("trainee.employer_size", text, &EmployerSize::expected()));
                }
                parsed.map(Some)
            }
        };
        if let (Some(rules), Some(status), Some(employer_size)) = (rules, status, employer_size) {
            if let Some(e) = eligibility(rules, status, employer_size) {
                errors.push(e);
            }
        }
        let card_balance = keep(&mut errors, parse_money("trainee.card_balance_won", t.card_balance_won));

        let mut periods_and_attendance = None;
        if let (true, Some(start), Some(end)) = (dates_ok, start, end) {
            // The same unit periods as the payroll (`attendance.unit_period.scheme`).
            let units = self.unit_periods(start, end);
            let periods = u32::try_from(units.len()).unwrap_or(u32::MAX);
            if raw.period == 0 || raw.period > periods {
                errors.push(CaseError::new(
                    "period_out_of_range",
                    "period",
                    (
                        format!(
                            "이 과정의 단위기간은 {periods}개(1~{periods})이므로 {}은(는) 없는 단위기간입니다.",
                            raw.period
                        ),
                        format!(
                            "{} is not a unit period of this course, which has {periods} (1 to {periods})",
                            raw.period
                        ),
                    ),
                ));
            } else {
                let unit = units[usize::try_from(raw.period - 1).unwrap_or(0)];
                let attendance = match &raw.attendance {
                    None => Some(Attendance::assumed_full(&unit)),
                    Some(a) => keep(&mut errors, check_attendance(a, &unit)),
                };
                periods_and_attendance = attendance.map(|a| (periods, a));
            }
        }

        let case = (|| {
            let programme = u16::try_from(programme?).ok()?;
            let region = u16::try_from(region?).ok()?;
            let (periods, attendance) = periods_and_attendance?;
            Some(Case {
                programme,
                region,
                start: start?,
                end: end?,
                total_hours: total_hours?,
                hours_per_day: hours_per_day?,
                delivery: delivery?,
                fee: fee?,
                unit_price: unit_price?,
                ai_course: c.ai_course.unwrap_or(true),
                self_payment_rate: self_payment_rate?,
                provision: provision?,
                status: status?,
                employer_size: employer_size?,
                exempt_group: t.exempt_group,
                vulnerable_group: t.vulnerable_group,
                card_balance: card_balance?,
                sandaetuk_repeat: t.prior_sandaetuk_participations.unwrap_or(0) > 0,
                period: raw.period,
                periods,
                attendance,
            })
        })();
        match case {
            Some(case) if errors.is_empty() => Ok(case),
            _ if errors.is_empty() => Err(vec![CaseError::new(
                "internal",
                "(case)",
                "a value was missing without an error",
            )]),
            _ => Err(errors),
        }
    }

    /// The region table's index of a name or code, in either language's error.
    fn resolve_region(&self, text: &str) -> Result<usize, CaseError> {
        let resolved = self.regions().resolve(text).map_err(|e| {
            let ko = match &e {
                ResolveError::NotFound { query } => format!("`{query}`에 맞는 지역이 없습니다. 5자리 행정구역 코드나 「강원특별자치도 평창군」 같은 「시도 시군구」 이름을 입력하세요."),
                ResolveError::Ambiguous { query, candidates, .. } => format!("`{query}`은(는) 여러 지역과 일치합니다: {}. 시도를 함께 입력하세요.", candidates.join(", ")),
            };
            CaseError::new("unknown_region", "course.region", (ko, e.to_string()))
        })?;
        self.regions().index_of(resolved.region.code).ok_or_else(|| {
            CaseError::new(
                "unknown_region",
                "course.region",
                ("지역 표에 없는 지역입니다.", "not in the region table"),
            )
        })
    }

    /// A card self-payment rate: a percentage up to 100%, and inside the
    /// card band on the start date for card programmes.
    fn parse_rate(
        &self,
        n: &serde_json::Number,
        start: Option<NaiveDate>,
        scheme: Option<TuitionScheme>,
    ) -> Result<Rate, CaseError> {
        const FIELD: &str = "course.self_payment_rate_percent";
        let rate = Rate::parse_percent(&format!("{n}%")).ok_or_else(|| {
            CaseError::new(
                "invalid_rate",
                FIELD,
                (
                    format!("`{n}`은(는) 소수 둘째 자리까지인 백분율이어야 합니다."),
                    format!("`{n}` must be a percentage with at most two decimal places"),
                ),
            )
        })?;
        if rate > Rate::FULL {
            return Err(CaseError::new(
                "invalid_rate",
                FIELD,
                (
                    format!("{rate}는 100%보다 큽니다."),
                    format!("{rate} is more than 100%"),
                ),
            ));
        }
        if let (Some(start), Some(TuitionScheme::Card)) = (start, scheme) {
            let (min, max) = self.card_band(start);
            if rate < min || rate > max {
                return Err(CaseError::new(
                    "invalid_rate",
                    FIELD,
                    (
                        format!("{rate}는 카드 자부담률 범위 {min}–{max}를 벗어납니다."),
                        format!("{rate} is outside the card band {min}–{max}"),
                    ),
                ));
            }
        }
        Ok(rate)
    }

    /// Parses JSON text straight to a `Case`.
    pub fn parse_case_json(&self, text: &str) -> Result<Case, CaseError> {
        self.parse_case(&parse_json(text)?)
    }
}

/// A word that is not one of a vocabulary's spellings.
fn not_one_of(field: &str, text: &str, expected: &str) -> CaseError {
    CaseError::new(
        "invalid_field",
        field,
        (
            format!("`{text}`은(는) 허용되지 않는 값입니다. 허용값: {expected}"),
            format!("`{text}` is not one of {expected}"),
        ),
    )
}

/// Whether the trainee may join an employee programme.
fn eligibility(
    rules: &aiup_core::policy::Programme,
    status: TraineeStatus,
    employer_size: Option<EmployerSize>,
) -> Option<CaseError> {
    if !matches!(
        rules.tuition_scheme,
        TuitionScheme::Employer | TuitionScheme::SmeOnline | TuitionScheme::SmePremium
    ) {
        return None;
    }
    if status != TraineeStatus::Employed {
        return Some(CaseError::new(
            "ineligible_trainee",
            "trainee.status",
            (
                format!(
                    "{}은(는) 재직자 대상 사업인데 훈련생 구분이 {}입니다.",
                    rules.name.ko,
                    status.label_ko()
                ),
                format!("`{}` is for employees; the trainee's status is {status}", rules.id),
            ),
        ));
    }
    if employer_size.is_none() {
        return Some(CaseError::new(
            "missing_field",
            "trainee.employer_size",
            (
                format!("{}에는 사업주 규모가 필요합니다.", rules.name.ko),
                format!(
                    "`{}` needs the employer's size ({})",
                    rules.id,
                    EmployerSize::expected()
                ),
            ),
        ));
    }
    if rules.tuition_scheme != TuitionScheme::Employer && employer_size != Some(EmployerSize::PrioritySupport) {
        return Some(CaseError::new(
            "ineligible_trainee",
            "trainee.employer_size",
            (
                format!("{}은(는) 우선지원대상기업(중소기업) 재직자 대상입니다.", rules.name.ko),
                format!("`{}` is for employees of SMEs (priority_support)", rules.id),
            ),
        ));
    }
    None
}

/// Attendance counts checked against the unit period and each other.
fn check_attendance(a: &AttendanceJson, unit: &period::UnitPeriod) -> Result<Attendance, CaseError> {
    let span = unit.days();
    if a.scheduled_days > span {
        return Err(CaseError::new(
            "attendance_exceeds_period",
            "attendance.scheduled_days",
            (
                format!(
                    "{}일은 단위기간 {}({} ~ {})의 {span}일보다 많습니다.",
                    a.scheduled_days, unit.index, unit.start, unit.end
                ),
                format!(
                    "{} is more than the {span} days of unit period {} ({} to {})",
                    a.scheduled_days, unit.index, unit.start, unit.end
                ),
            ),
        ));
    }
    if a.attended_days > a.scheduled_days {
        return Err(CaseError::new(
            "attendance_exceeds_schedule",
            "attendance.attended_days",
            (
                format!("출석 {}일이 예정 {}일보다 많습니다.", a.attended_days, a.scheduled_days),
                format!(
                    "{} is more than attendance.scheduled_days {}",
                    a.attended_days, a.scheduled_days
                ),
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
                (
                    format!("{value}회가 출석 {}일보다 많습니다.", a.attended_days),
                    format!("{value} is more than attendance.attended_days {}", a.attended_days),
                ),
            ));
        }
    }
    if a.outing > a.attended_days.saturating_mul(3) {
        return Err(CaseError::new(
            "attendance_exceeds_schedule",
            "attendance.outing",
            (
                format!(
                    "외출 {}회는 출석 {}일에 하루 3회를 넘습니다.",
                    a.outing, a.attended_days
                ),
                format!(
                    "{} is more than three a day over {} attended days",
                    a.outing, a.attended_days
                ),
            ),
        ));
    }
    Ok(Attendance {
        scheduled_days: small(a.scheduled_days),
        attended_days: small(a.attended_days),
        late: small(a.late),
        early_leave: small(a.early_leave),
        outing: small(a.outing),
        under_half_days: small(a.under_half_days),
        assumed: false,
    })
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

    fn has_hangul(text: &str) -> bool {
        text.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
    }

    #[test]
    fn every_code_has_korean_and_english_wording() {
        let fallback = CaseError::code_ko("not_a_code");
        for code in CASE_ERROR_CODES {
            assert_ne!(CaseError::code_ko(code), fallback, "{code} has no Korean wording");
            assert!(has_hangul(CaseError::code_ko(code)), "{code}");
        }
        // Every code this crate builds an error with is in the list.
        for source in [include_str!("case.rs"), include_str!("answer.rs")] {
            let source = source.split("#[cfg(test)]").next().unwrap_or_default();
            for part in source.split(concat!("CaseError", "::new(")).skip(1) {
                if let Some(literal) = part.trim_start().strip_prefix('"') {
                    let code = literal.split('"').next().unwrap_or_default();
                    assert!(
                        CASE_ERROR_CODES.contains(&code),
                        "`{code}` is missing from CASE_ERROR_CODES"
                    );
                }
            }
        }
    }

    #[test]
    fn every_problem_is_reported_at_once_in_both_languages() {
        let mut r = request();
        r["programme"] = "no-such-programme".into();
        r["course"]["region"] = "Nowhere".into();
        r["course"]["end_date"] = "2026-02-30".into();
        r["course"]["total_hours"] = 0.into();
        r["course"]["delivery"] = "by pigeon".into();
        r["course"]["fee_won"] = (-1).into();
        r["trainee"]["status"] = "astronaut".into();
        let raw: CaseJson = serde_json::from_value(r).unwrap();
        let errors = engine().parse_case_all(&raw).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "programme",
                "course.region",
                "course.end_date",
                "course.total_hours",
                "course.delivery",
                "course.fee_won",
                "trainee.status"
            ]
        );
        for e in &errors {
            assert!(has_hangul(&e.reason_ko), "{e:?}");
            assert!(!has_hangul(&e.reason.replace("`Nowhere`", "")), "{e:?}");
            assert_eq!(e.message().en, e.reason);
        }
        // The first of them is what `parse_case` reports.
        assert_eq!(engine().parse_case(&raw).unwrap_err(), errors[0]);
    }
}
