//! One enrolment's unit periods through the rules engine: the period counts from its stored
//! attendance, and each period's pay with its trace. The payroll run, the trainee's statement
//! and completion all read these figures, so they cannot disagree.

use aiup_people::attendance::MonthSheet;
use aiup_rules::engine::{EnrolmentFacts, MonthlyAttendance, PayrollRow};
use aiup_rules::{Case, Engine};
use aiup_store::{AttendanceMonth, NewPayrollLine};
use chrono::{Datelike, NaiveDate, Weekday};
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
    /// The last day the enrolment can be paid for: the course end, or the day it left
    /// training (dropout, removal).
    pub last_day: NaiveDate,
    /// Line columns that do not depend on the period (enrolment, person, programme,
    /// institution, region tier, province).
    pub line_base: NewPayrollLine,
}

/// One unit period of an enrolment as counted and paid (paid or not).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodFigures {
    /// 1-based, of `of`.
    pub index: u32,
    pub of: u32,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// The period ended on or before the day it was counted to.
    pub closed: bool,
    pub scheduled_days: u32,
    pub attended_days: u32,
    /// Excused days counted as attended.
    pub excused_days: u32,
    /// Illness days over the cap (counted as absences).
    pub excused_over_cap: u32,
    pub tardies_in_period: u32,
    /// Late arrivals, early leaves and outings carried in from earlier periods.
    pub tardies_carried_in: u32,
    /// Absences made of every three tardies.
    pub tardy_absences: u32,
    /// Days attended for less than half the day's hours.
    pub under_half_absences: u32,
    /// Days with no exit record (counted as absences once the period closed).
    pub incomplete_days: u32,
    /// Training days with no record at all.
    pub unrecorded_days: u32,
    pub absences: u32,
    pub recognised_days: u32,
    /// 80% of the scheduled days, rounded up.
    pub threshold_days: u32,
    pub threshold_met: bool,
    /// Recognised days of 5 hours or more (the special allowance counts only these).
    pub special_days: u32,
    /// Days the trainee took the institution's meal.
    pub meal_days: u32,
    pub base_won: i64,
    pub special_won: i64,
    pub meal_deduction_won: i64,
    pub amount_won: i64,
    /// The engine's trace: every step, its parameter and citation.
    pub trace: serde_json::Value,
}

/// Decoded months of one enrolment, by month.
struct Sheets(Vec<(NaiveDate, MonthSheet)>);

impl Sheets {
    fn decode(months: &[AttendanceMonth]) -> Result<Sheets, AppError> {
        let mut out = Vec::with_capacity(months.len());
        for m in months {
            let sheet = MonthSheet::decode(&m.days).map_err(|e| {
                AppError::internal(&format_args!(
                    "attendance of enrolment {} for {}: {e}",
                    m.enrolment_id, m.month
                ))
            })?;
            out.push((m.month, sheet));
        }
        Ok(Sheets(out))
    }

    fn on(&self, date: NaiveDate) -> Option<aiup_rules::attendance::Day> {
        let month = aiup_people::attendance::month_of(date);
        self.0.iter().find(|(m, _)| *m == month).and_then(|(_, s)| s.on(date))
    }
}

/// Every unit period of the enrolment, counted up to `until` (a period is closed when it ended
/// on or before `until`), with its pay.
pub fn periods_of(
    engine: &Engine,
    enrolment: &EnrolmentCourse,
    months: &[AttendanceMonth],
    until: NaiveDate,
) -> Result<Vec<PeriodFigures>, AppError> {
    let sheets = Sheets::decode(months)?;
    let of = aiup_rules::period::count(enrolment.start, enrolment.end);
    let mut carried = 0_u32;
    let mut out = Vec::with_capacity(of as usize);
    let hours_tenths = enrolment.case.hours_per_day.0;
    for index in 1..=of {
        let unit = aiup_rules::period::unit_period_unchecked(enrolment.start, enrolment.end, index, of);
        if unit.start > enrolment.last_day {
            break;
        }
        let closed = unit.end <= until;
        let mut f = PeriodFigures {
            index,
            of,
            start: unit.start,
            end: unit.end,
            closed,
            scheduled_days: 0,
            attended_days: 0,
            excused_days: 0,
            excused_over_cap: 0,
            tardies_in_period: 0,
            tardies_carried_in: carried,
            tardy_absences: 0,
            under_half_absences: 0,
            incomplete_days: 0,
            unrecorded_days: 0,
            absences: 0,
            recognised_days: 0,
            threshold_days: 0,
            threshold_met: false,
            special_days: 0,
            meal_days: 0,
            base_won: 0,
            special_won: 0,
            meal_deduction_won: 0,
            amount_won: 0,
            trace: serde_json::Value::Null,
        };
        let mut date = unit.start;
        while date <= unit.end.min(until) {
            if !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
                f.scheduled_days += 1;
                count_day(&mut f, sheets.on(date), hours_tenths);
            }
            let Some(next) = date.succ_opt() else { break };
            date = next;
        }
        let tardies = f.tardies_carried_in + f.tardies_in_period;
        f.tardy_absences = tardies / 3;
        carried = tardies % 3;
        f.absences += f.tardy_absences + f.under_half_absences + f.unrecorded_days;
        if closed {
            f.absences += f.incomplete_days;
        }
        let counted = f.attended_days + f.excused_days;
        f.recognised_days = counted.saturating_sub(f.tardy_absences + f.under_half_absences);
        f.threshold_days = (f.scheduled_days * 8).div_ceil(10);
        f.threshold_met = f.scheduled_days > 0 && f.recognised_days >= f.threshold_days;
        let row = PayrollRow {
            facts: enrolment.facts,
            month: MonthlyAttendance {
                scheduled_days: small(f.scheduled_days),
                attended_days: small(counted),
                tardies: small(f.tardy_absences * 3),
                under_half_days: small(f.under_half_absences),
            },
        };
        f.amount_won = engine.payroll_allowance(&row).0.max(0);
        f.base_won = f.amount_won;
        f.trace = serde_json::json!({
            "period": { "index": f.index, "of": f.of, "start": f.start, "end": f.end, "closed": f.closed },
            "days": {
                "scheduled": f.scheduled_days, "attended": f.attended_days, "excused": f.excused_days,
                "tardies_in_period": f.tardies_in_period, "tardies_carried_in": f.tardies_carried_in,
                "tardy_absences": f.tardy_absences, "under_half_absences": f.under_half_absences,
                "incomplete": f.incomplete_days, "unrecorded": f.unrecorded_days,
                "recognised": f.recognised_days, "threshold": f.threshold_days, "threshold_met": f.threshold_met,
            },
            "amount": { "base_won": f.base_won, "special_won": f.special_won,
                        "meal_deduction_won": f.meal_deduction_won, "amount_won": f.amount_won },
            "policy": engine.policy().sha256,
        });
        out.push(f);
    }
    Ok(out)
}

fn count_day(f: &mut PeriodFigures, record: Option<aiup_rules::attendance::Day>, hours_tenths: u32) {
    use aiup_rules::attendance::DayStatus;
    let Some(day) = record else {
        f.unrecorded_days += 1;
        return;
    };
    match day.status {
        DayStatus::Attended => {
            f.attended_days += 1;
            f.tardies_in_period += day.tardies();
            let scheduled = if day.scheduled_tenths > 0 {
                u32::from(day.scheduled_tenths)
            } else {
                hours_tenths
            };
            // Minutes present below half the day's hours (tenths of an hour are 6 minutes).
            if day.minutes_present().is_some_and(|m| m * 2 < scheduled * 6) {
                f.under_half_absences += 1;
            }
            if day.meal {
                f.meal_days += 1;
            }
        }
        DayStatus::Excused => f.excused_days += 1,
        DayStatus::Absent => f.absences += 1,
        DayStatus::Incomplete => f.incomplete_days += 1,
    }
}

/// A count already bounded by a period's days.
fn small(count: u32) -> u16 {
    u16::try_from(count).unwrap_or(u16::MAX)
}
