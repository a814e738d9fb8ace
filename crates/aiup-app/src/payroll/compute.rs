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
    /// The fast path's parts (not rendered), from which a written line's compact trace is made
    /// ([`PeriodFigures::stored_trace`]) only for the lines actually written.
    #[serde(skip)]
    pub parts: Option<aiup_rules::PeriodParts>,
}

impl PeriodFigures {
    pub fn scheduled_days(&self) -> u32 {
        self.count.scheduled_days
    }

    pub fn recognised_days(&self) -> u32 {
        self.count.recognised_days
    }

    /// The trace a ledger line of this period stores: the rendered trace when there is one,
    /// else the compact trace of the fast path's parts ([`stored_trace`]).
    pub fn stored_trace(&self, engine: &Engine) -> serde_json::Value {
        match (&self.trace, &self.parts) {
            (serde_json::Value::Null, Some(parts)) => stored_trace(engine, &self.count, parts),
            (trace, _) => trace.clone(),
        }
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

/// One counted period's pay: the fast path (its parts kept for the compact trace a written
/// ledger line stores), or (`render`) the engine's full trace and explanation, as statements and
/// line pages show them.
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
        parts: None,
    };
    if render {
        let pay = engine.period_pay(&enrolment.case, &count);
        f.base_won = pay.base.0;
        f.special_won = pay.special.0;
        f.meal_deduction_won = pay.meal_deduction.0;
        f.amount_won = pay.amount.0;
        f.trace = full_trace(engine, &pay);
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
        f.parts = Some(parts);
    }
    f
}

/// The engine's full trace of a period: explanation, count and every step with its parameters
/// and citations.
pub fn full_trace(engine: &Engine, pay: &aiup_rules::PeriodPay) -> serde_json::Value {
    serde_json::json!({
        "policy": engine.policy().version,
        "policy_date": pay.policy_date,
        "explanation": { "ko": pay.explanation.ko, "en": pay.explanation.en },
        "count": pay.count,
        "steps": pay.trace,
    })
}

/// The order of the figures in a stored trace's `count` array.
pub const STORED_COUNT: [&str; 20] = [
    "index",
    "of",
    "scheduled_days",
    "elapsed_days",
    "attended_days",
    "excused_counted",
    "excused_over_cap",
    "absent_days",
    "tardies_in_period",
    "tardies_carried_in",
    "tardies_carried_out",
    "tardy_absences",
    "under_half_absences",
    "incomplete_days",
    "unrecorded_days",
    "absences",
    "recognised_days",
    "special_days",
    "meal_days",
    "threshold_days",
];

/// The trace a ledger line stores: every figure the amount was computed from (the policy
/// version; the period's count as numbers in [`STORED_COUNT`] order; each part's daily rate,
/// cap, uncapped and paid amount; the meal deduction; eligibility), about 200 bytes where the
/// rendered tree is 4–5 KB, and held as a few strings while a run is built. The full trace is
/// a function of these and the enrolment's case ([`expand_trace`]), so a month of 240,000
/// lines stays small in memory and quick to write.
pub fn stored_trace(engine: &Engine, c: &PeriodCount, parts: &aiup_rules::PeriodParts) -> serde_json::Value {
    let part = |p: &aiup_rules::engine::AllowancePart| {
        format!("{} {} {} {}", p.rate.daily.0, p.rate.cap.0, p.uncapped.0, p.amount.0)
    };
    let count = [
        c.index,
        c.of,
        c.scheduled_days,
        c.elapsed_days,
        c.attended_days,
        c.excused_counted,
        c.excused_over_cap,
        c.absent_days,
        c.tardies_in_period,
        c.tardies_carried_in,
        c.tardies_carried_out,
        c.tardy_absences,
        c.under_half_absences,
        c.incomplete_days,
        c.unrecorded_days,
        c.absences,
        c.recognised_days,
        c.special_days,
        c.meal_days,
        c.threshold_days,
    ]
    .map(|n| n.to_string())
    .join(" ");
    serde_json::json!({
        "policy": engine.policy().version,
        "count": count,
        "base": part(&parts.base),
        "special": part(&parts.special),
        "meal_won": parts.meal_deduction.0,
        "eligible": parts.eligibility.all(),
    })
}

/// The period count a stored trace holds (a closed period from `start` to `end`).
pub fn count_from_stored(trace: &serde_json::Value, start: NaiveDate, end: NaiveDate) -> Option<PeriodCount> {
    let n: Vec<u32> = trace
        .get("count")?
        .as_str()?
        .split(' ')
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    if n.len() != STORED_COUNT.len() {
        return None;
    }
    Some(PeriodCount {
        index: n[0],
        of: n[1],
        start,
        end,
        scheduled_days: n[2],
        elapsed_days: n[3],
        attended_days: n[4],
        excused_counted: n[5],
        excused_over_cap: n[6],
        absent_days: n[7],
        tardies_in_period: n[8],
        tardies_carried_in: n[9],
        tardies_carried_out: n[10],
        tardy_absences: n[11],
        under_half_absences: n[12],
        incomplete_days: n[13],
        unrecorded_days: n[14],
        absences: n[15],
        recognised_days: n[16],
        special_days: n[17],
        meal_days: n[18],
        threshold_days: n[19],
        threshold_met: n[2] > 0 && n[16] >= n[19],
        closed: true,
    })
}

/// A stored trace expanded into the engine's full trace for `enrolment`, when the policy
/// version is the engine's and the engine gives the same amount; otherwise `None` (the stored
/// figures are then the explanation).
pub fn expand_trace(engine: &Engine, enrolment: &EnrolmentCourse, line: &NewPayrollLine) -> Option<serde_json::Value> {
    if line.trace.get("policy")?.as_str()? != engine.policy().version {
        return None;
    }
    let count = count_from_stored(&line.trace, line.period_start, line.period_end)?;
    let pay = engine.period_pay(&enrolment.case, &count);
    (pay.amount.0 == line.computed_won).then(|| full_trace(engine, &pay))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_count_reads_back_whole() {
        let start = NaiveDate::from_ymd_opt(2026, 4, 15).unwrap();
        let end = NaiveDate::from_ymd_opt(2026, 5, 14).unwrap();
        let count = PeriodCount {
            index: 1,
            of: 3,
            start,
            end,
            scheduled_days: 21,
            elapsed_days: 21,
            attended_days: 19,
            excused_counted: 1,
            excused_over_cap: 0,
            absent_days: 1,
            tardies_in_period: 2,
            tardies_carried_in: 0,
            tardies_carried_out: 2,
            tardy_absences: 0,
            under_half_absences: 0,
            incomplete_days: 0,
            unrecorded_days: 0,
            absences: 1,
            recognised_days: 20,
            special_days: 20,
            meal_days: 3,
            threshold_days: 17,
            threshold_met: true,
            closed: true,
        };
        let values: Vec<u32> = vec![1, 3, 21, 21, 19, 1, 0, 1, 2, 0, 2, 0, 0, 0, 0, 1, 20, 20, 3, 17];
        let text = values.iter().map(u32::to_string).collect::<Vec<_>>().join(" ");
        let trace = serde_json::json!({ "policy": "p", "count": text });
        assert_eq!(count_from_stored(&trace, start, end), Some(count));
        let named = serde_json::to_value(count).unwrap();
        for (i, field) in STORED_COUNT.iter().enumerate() {
            assert_eq!(named[field], serde_json::json!(values[i]), "{field}");
        }
        assert_eq!(
            count_from_stored(&serde_json::json!({ "count": [1, 2] }), start, end),
            None
        );
    }
}
