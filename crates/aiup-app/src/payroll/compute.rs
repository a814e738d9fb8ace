//! One enrolment's unit periods through the rules engine: the period counts from its stored
//! attendance, and each period's pay with its trace. The payroll run, the trainee's statement
//! and completion all read these figures, so they cannot disagree.

use std::sync::Arc;

use aiup_core::policy::Text;
use aiup_people::attendance::{training_days, MonthSheet};
use aiup_rules::counting::{count_periods, CourseFacts, PeriodCount};
use aiup_rules::engine::EnrolmentFacts;
use aiup_rules::payroll::PeriodAttendance;
use aiup_rules::{Case, Engine};
use aiup_store::{AttendanceMonth, NewPayrollLine};
use chrono::NaiveDate;
use serde::Serialize;

use crate::AppError;

/// What the payroll knows of one enrolment, compiled once: its case and facts for the engine,
/// its course dates, and the fixed columns of its ledger lines.
#[derive(Debug, Clone)]
pub struct EnrolmentCourse {
    pub enrolment_id: i64,
    pub person_id: i64,
    pub case: Case,
    pub facts: EnrolmentFacts,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// The course's training days (weekdays less public holidays: `aiup_rules::calendar`).
    pub dates: Arc<Vec<NaiveDate>>,
    /// The last day the enrolment can be paid for: the course end, or the day it left
    /// training (dropout, removal).
    pub last_day: NaiveDate,
    /// Line columns that do not depend on the period (enrolment, person, programme,
    /// institution, region tier, province).
    pub line_base: NewPayrollLine,
}

/// One unit period of an enrolment as counted (`aiup_rules::counting`) and paid
/// (`Engine::period_pay`), paid or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodFigures {
    /// 1-based, of `of`.
    pub index: u32,
    pub of: u32,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// The period ended on or before the day it was counted to.
    pub closed: bool,
    /// The rules' count, every figure (training days, tardies carried in and out, absences by
    /// ground, recognised, special and meal days, the threshold).
    pub count: PeriodCount,
    pub base_won: i64,
    pub special_won: i64,
    pub meal_deduction_won: i64,
    pub amount_won: i64,
    /// The engine's explanation (rendered only where asked for: statements, written lines).
    pub explanation: Option<Text>,
    /// The engine's trace: every step, its parameter and citation (`Null` when not rendered).
    pub trace: serde_json::Value,
}

impl PeriodFigures {
    pub fn scheduled_days(&self) -> u32 {
        self.count.scheduled_days
    }

    pub fn recognised_days(&self) -> u32 {
        self.count.recognised_days
    }
}
/// Decoded months of one enrolment.
fn decode(months: &[AttendanceMonth]) -> Result<Vec<(NaiveDate, MonthSheet)>, AppError> {
    months
        .iter()
        .map(|m| {
            MonthSheet::decode(&m.days).map(|sheet| (m.month, sheet)).map_err(|e| {
                AppError::internal(&format_args!(
                    "attendance of enrolment {} for {}: {e}",
                    m.enrolment_id, m.month
                ))
            })
        })
        .collect()
}

/// The enrolment's unit periods counted by the rules as known on `until`, cut at the day it
/// left training.
pub fn counts_of(
    engine: &Engine,
    enrolment: &EnrolmentCourse,
    months: &[AttendanceMonth],
    until: NaiveDate,
) -> Result<Vec<PeriodCount>, AppError> {
    let sheets = decode(months)?;
    let days = training_days(&enrolment.dates, enrolment.case.hours_per_day, &sheets);
    let course = CourseFacts {
        start: enrolment.start,
        end: enrolment.end,
        hours_per_day: enrolment.case.hours_per_day,
        delivery: enrolment.case.delivery,
    };
    let mut counts = count_periods(&engine.count_rules(enrolment.start), &course, &days, until);
    counts.retain(|c| c.start <= enrolment.last_day);
    Ok(counts)
}

/// Every unit period of the enrolment counted up to `until` (closed when it ended on or before
/// `until`), with its pay; `render` adds the engine's explanation and trace.
pub fn periods_of(
    engine: &Engine,
    enrolment: &EnrolmentCourse,
    months: &[AttendanceMonth],
    until: NaiveDate,
    render: bool,
) -> Result<Vec<PeriodFigures>, AppError> {
    Ok(counts_of(engine, enrolment, months, until)?
        .into_iter()
        .map(|count| figures(engine, enrolment, count, render))
        .collect())
}

/// One counted period's pay: the fast path, or rendered with the trace.
pub fn figures(engine: &Engine, enrolment: &EnrolmentCourse, count: PeriodCount, render: bool) -> PeriodFigures {
    let mut f = PeriodFigures {
        index: count.index,
        of: count.of,
        start: count.start,
        end: count.end,
        closed: count.closed,
        count,
        base_won: 0,
        special_won: 0,
        meal_deduction_won: 0,
        amount_won: 0,
        explanation: None,
        trace: serde_json::Value::Null,
    };
    if render {
        let pay = engine.period_pay(&enrolment.case, &count);
        f.base_won = pay.base.0;
        f.special_won = pay.special.0;
        f.meal_deduction_won = pay.meal_deduction.0;
        f.amount_won = pay.amount.0;
        f.trace = serde_json::json!({
            "policy": engine.policy().version,
            "policy_date": pay.policy_date,
            "explanation": { "ko": pay.explanation.ko, "en": pay.explanation.en },
            "count": count,
            "steps": pay.trace,
        });
        f.explanation = Some(Text {
            ko: pay.explanation.ko,
            en: pay.explanation.en,
        });
    } else {
        let parts = engine.period_parts(enrolment.facts, PeriodAttendance::from(&count));
        f.base_won = parts.base.amount.0;
        f.special_won = parts.special.amount.0;
        f.meal_deduction_won = parts.meal_deduction.0;
        f.amount_won = parts.amount.0;
    }
    f
}
