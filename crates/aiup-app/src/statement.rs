//! The trainee's allowance statement: for each unit period of each enrolment, paid or not, the
//! days counted, each deduction with its reason and rule, the amount, and what the ledger paid
//! (regular and adjustment lines with their run month), in Korean and English.
//!
//! The figures come from the same computation as the payroll run (`payroll::periods_of`), on
//! today's attendance, so a statement shows a late correction before the next run pays it.
//! A trainee sees only their own statements; another's enrolment is `not_found`.

use aiup_core::policy::Text;
use aiup_people::EnrolmentStatus;
use aiup_rules::Engine;
use aiup_store::PayrollLineRecord;
use chrono::NaiveDate;

use crate::accounts::{Actor, Permission};
use crate::card::RuleRef;
use crate::enrolment::Enrolment;
use crate::payroll::{directory, periods_of, PeriodFigures, KIND_ADJUSTMENT};
use crate::{App, AppError};

/// Parameters the statement cites (ids of the policy files).
pub mod rules {
    pub const THRESHOLD: &str = "allowance.attendance_threshold";
    pub const TARDIES: &str = "attendance.tardies_per_absence";
    pub const TARDIES_CARRY: &str = "attendance.tardies_carry_across_periods";
    pub const UNDER_HALF: &str = "attendance.under_half_day_is_absence";
    pub const ILLNESS_CAP: &str = "attendance.illness_cap_rate";
    pub const INCOMPLETE: &str = "attendance.incomplete_day_is_absence";
    pub const MEAL: &str = "allowance.meal_deduction.daily_won";
}

fn text(ko: impl Into<String>, en: impl Into<String>) -> Text {
    Text {
        ko: ko.into(),
        en: en.into(),
    }
}

/// Where a period's payment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentState {
    /// Not closed yet.
    Open,
    /// Closed, in no run yet.
    Pending,
    /// Closed and run: nothing is owed (below the threshold, or no allowance).
    Unpaid,
    /// Paid by its regular line.
    Paid,
    /// Paid, then adjusted by a later run.
    Adjusted,
}

impl PaymentState {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentState::Open => "open",
            PaymentState::Pending => "pending",
            PaymentState::Unpaid => "unpaid",
            PaymentState::Paid => "paid",
            PaymentState::Adjusted => "adjusted",
        }
    }

    pub fn label(self) -> Text {
        match self {
            PaymentState::Open => text("진행 중", "in progress"),
            PaymentState::Pending => text("지급 대기", "awaiting the payroll"),
            PaymentState::Unpaid => text("미지급", "not paid"),
            PaymentState::Paid => text("지급", "paid"),
            PaymentState::Adjusted => text("정정 지급", "paid, then adjusted"),
        }
    }
}

/// One deduction from a period's days or amount, with why and the rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Deduction {
    /// `tardies`, `under_half`, `illness_over_cap`, `incomplete`, `absent`, `meal`.
    pub kind: &'static str,
    /// Days it took away (0 for the meal deduction, which is money).
    pub days: u32,
    pub amount_won: i64,
    pub reason: Text,
    pub rule: RuleRef,
}

/// One ledger line of the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidLine {
    pub run_id: i64,
    pub run_month: String,
    pub kind: String,
    pub amount_won: i64,
}

/// One unit period on the statement.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodStatement {
    pub figures: PeriodFigures,
    pub state: PaymentState,
    /// What the ledger holds for it (runs not cancelled).
    pub paid_won: i64,
    pub lines: Vec<PaidLine>,
    pub deductions: Vec<Deduction>,
    /// The rule the amount follows (the threshold), with its citation.
    pub rule: RuleRef,
    /// The outcome in words.
    pub summary: Text,
}

/// One enrolment's statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub enrolment: Enrolment,
    pub periods: Vec<PeriodStatement>,
    /// The attendance was counted up to this day (yesterday, Seoul).
    pub counted_to: NaiveDate,
}

/// The statuses that have allowance periods.
fn has_periods(status: EnrolmentStatus) -> bool {
    directory::PAID_STATUSES.contains(&status)
}

/// A parameter as a statement cites it: its description and the cite of the value on `on`.
pub fn rule_on(engine: &Engine, id: &str, on: NaiveDate) -> RuleRef {
    let parameter = engine.policy().parameter(id);
    let value = parameter.and_then(|p| p.at(on));
    RuleRef {
        id: id.to_owned(),
        description: parameter.map(|p| p.description.clone()),
        cite: value.map(|v| v.cite.clone()),
        confidence: value.map(|v| v.confidence),
    }
}

/// The deductions of a period, each with its reason and rule.
pub fn deductions(engine: &Engine, f: &PeriodFigures) -> Vec<Deduction> {
    let c = &f.count;
    let on = f.start;
    let mut out = Vec::new();
    let mut add = |kind, days, amount_won, reason: Text, rule: &str| {
        out.push(Deduction {
            kind,
            days,
            amount_won,
            reason,
            rule: rule_on(engine, rule, on),
        });
    };
    if c.tardy_absences > 0 || c.tardies_carried_in > 0 || c.tardies_carried_out > 0 {
        let total = c.tardies_in_period + c.tardies_carried_in;
        add(
            "tardies",
            c.tardy_absences,
            0,
            text(
                format!(
                    "지각·조퇴·외출 {}회와 이전 기간에서 넘어온 {}회, 합계 {total}회: 결석 {}일, 다음 기간으로 {}회 이월",
                    c.tardies_in_period, c.tardies_carried_in, c.tardy_absences, c.tardies_carried_out
                ),
                format!(
                    "{} late arrivals, early leaves and outings plus {} carried in, {total} in all: {} absence(s), \
                     {} carried to the next period",
                    c.tardies_in_period, c.tardies_carried_in, c.tardy_absences, c.tardies_carried_out
                ),
            ),
            if c.tardies_carried_in > 0 || c.tardies_carried_out > 0 {
                rules::TARDIES_CARRY
            } else {
                rules::TARDIES
            },
        );
    }
    if c.under_half_absences > 0 {
        add(
            "under_half",
            c.under_half_absences,
            0,
            text(
                format!("하루 훈련시간의 절반 미만 출석 {}일은 결석", c.under_half_absences),
                format!(
                    "{} day(s) present for less than half the day's hours count as absences",
                    c.under_half_absences
                ),
            ),
            rules::UNDER_HALF,
        );
    }
    if c.excused_over_cap > 0 {
        add(
            "illness_over_cap",
            c.excused_over_cap,
            0,
            text(
                format!("질병 공가 상한을 넘은 {}일은 결석", c.excused_over_cap),
                format!("{} illness day(s) over the cap count as absences", c.excused_over_cap),
            ),
            rules::ILLNESS_CAP,
        );
    }
    if c.incomplete_days + c.unrecorded_days > 0 {
        let (ko_state, en_state) = if c.closed {
            (
                "단위기간이 끝나 결석으로 처리",
                "count as absences, the period having closed",
            )
        } else {
            (
                "단위기간이 끝나면 결석으로 처리",
                "will count as absences when the period closes",
            )
        };
        add(
            "incomplete",
            if c.closed {
                c.incomplete_days + c.unrecorded_days
            } else {
                0
            },
            0,
            text(
                format!(
                    "퇴실 기록이 없는 날 {}일, 기록이 없는 날 {}일: {ko_state}",
                    c.incomplete_days, c.unrecorded_days
                ),
                format!(
                    "{} day(s) without an exit record and {} without any record {en_state}",
                    c.incomplete_days, c.unrecorded_days
                ),
            ),
            rules::INCOMPLETE,
        );
    }
    if c.absent_days > 0 {
        add(
            "absent",
            c.absent_days,
            0,
            text(
                format!("결석 {}일", c.absent_days),
                format!("{} absent day(s)", c.absent_days),
            ),
            rules::THRESHOLD,
        );
    }
    if f.meal_deduction_won > 0 {
        add(
            "meal",
            0,
            f.meal_deduction_won,
            text(
                format!("훈련기관 제공 식사 {}일 식비 공제", c.meal_days),
                format!("meals the institution provided on {} day(s) deducted", c.meal_days),
            ),
            rules::MEAL,
        );
    }
    out
}

fn summary(f: &PeriodFigures) -> Text {
    let c = &f.count;
    if c.threshold_met {
        text(
            format!(
                "인정 출석 {}일 / 훈련일 {}일 (기준 {}일 이상 충족): {}원",
                c.recognised_days, c.scheduled_days, c.threshold_days, f.amount_won
            ),
            format!(
                "{} of {} training days recognised (at least {} needed): ₩{}",
                c.recognised_days, c.scheduled_days, c.threshold_days, f.amount_won
            ),
        )
    } else {
        text(
            format!(
                "인정 출석 {}일 / 훈련일 {}일: 기준 {}일에 못 미쳐 훈련장려금이 없습니다.",
                c.recognised_days, c.scheduled_days, c.threshold_days
            ),
            format!(
                "{} of {} training days recognised: below the {} needed, so no allowance",
                c.recognised_days, c.scheduled_days, c.threshold_days
            ),
        )
    }
}

/// A period's statement from its figures and its ledger lines.
pub fn period_statement(
    engine: &Engine,
    f: PeriodFigures,
    ledger: &[PayrollLineRecord],
    cancelled: &[i64],
) -> PeriodStatement {
    let lines: Vec<PaidLine> = ledger
        .iter()
        .filter(|l| l.line.period_index == i64::from(f.index) && !cancelled.contains(&l.run_id))
        .map(|l| PaidLine {
            run_id: l.run_id,
            run_month: l.month.clone(),
            kind: l.line.kind.clone(),
            amount_won: l.line.amount_won,
        })
        .collect();
    let paid_won = lines.iter().map(|l| l.amount_won).sum();
    let state = if lines.iter().any(|l| l.kind == KIND_ADJUSTMENT) {
        PaymentState::Adjusted
    } else if !lines.is_empty() && paid_won > 0 {
        PaymentState::Paid
    } else if !lines.is_empty() {
        PaymentState::Unpaid
    } else if f.closed {
        PaymentState::Pending
    } else {
        PaymentState::Open
    };
    PeriodStatement {
        deductions: deductions(engine, &f),
        rule: rule_on(engine, rules::THRESHOLD, f.start),
        summary: summary(&f),
        figures: f,
        state,
        paid_won,
        lines,
    }
}

impl App {
    /// The signed-in trainee's statements, one per enrolment with allowance periods, newest
    /// enrolment first.
    pub async fn my_statements(&self, actor: &Actor) -> Result<Vec<Statement>, AppError> {
        actor.require(Permission::OwnLearning)?;
        let mut out = Vec::new();
        for enrolment in self.my_enrolments(actor).await? {
            if has_periods(enrolment.status) {
                out.push(self.statement(enrolment).await?);
            }
        }
        Ok(out)
    }

    /// One enrolment's statement: the trainee's own, staff of its institution, and readers of
    /// the payroll; anyone else gets `not_found`.
    pub async fn statement_for(&self, actor: &Actor, enrolment_id: i64) -> Result<Statement, AppError> {
        let enrolment = if actor.allows(Permission::ReadPayroll) {
            match self.db().enrolments().enrolment(enrolment_id).await? {
                Some(record) => self.enrolment_for_reader(record).await?,
                None => return Err(AppError::not_found("statement")),
            }
        } else {
            self.enrolment_for(actor, enrolment_id).await.map_err(|e| {
                if e.code == crate::Code::NotFound {
                    AppError::not_found("statement")
                } else {
                    e
                }
            })?
        };
        if !has_periods(enrolment.status) {
            return Err(AppError::not_found("statement"));
        }
        self.statement(enrolment).await
    }

    async fn enrolment_for_reader(&self, record: aiup_store::EnrolmentRecord) -> Result<Enrolment, AppError> {
        let status = EnrolmentStatus::parse(&record.status).ok_or_else(|| {
            AppError::internal(&format_args!("enrolment {} has status `{}`", record.id, record.status))
        })?;
        Ok(Enrolment {
            programme_name: self
                .engine()
                .policy()
                .programme(&record.programme)
                .map(|p| p.name.clone()),
            course_title: None,
            status,
            record,
        })
    }

    async fn statement(&self, enrolment: Enrolment) -> Result<Statement, AppError> {
        let engine = self.engine();
        let record = &enrolment.record;
        let counted_to = self.today().pred_opt().unwrap_or(record.cohort_start);
        let compiled = directory::compile_one(self, &engine, record).await?;
        let figures = match &compiled {
            Some(course) => {
                let months = directory::months_of(self, record).await?;
                periods_of(&engine, course, &months, counted_to, true)?
            }
            None => Vec::new(),
        };
        let ledger = self.db().payroll().lines_of_enrolment(record.id).await?;
        let mut cancelled = Vec::new();
        let mut run_ids: Vec<i64> = ledger.iter().map(|l| l.run_id).collect();
        run_ids.sort_unstable();
        run_ids.dedup();
        for id in run_ids {
            if let Some(run) = self.db().payroll().run(id).await? {
                if run.status == "cancelled" {
                    cancelled.push(id);
                }
            }
        }
        let periods = figures
            .into_iter()
            .filter(|f| f.start <= counted_to)
            .map(|f| period_statement(&engine, f, &ledger, &cancelled))
            .collect();
        Ok(Statement {
            enrolment,
            periods,
            counted_to,
        })
    }
}
