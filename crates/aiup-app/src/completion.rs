//! Completion and dropout at the course end, by the rules' course outcome.
//!
//! A staff action for a cohort (or a programme administrator's), after its last day: each
//! enrolment still in training is evaluated on its whole attendance and moved, through the
//! enrolment store (event, audit, card effect in one transaction), to
//! - `completed` at 80% or more of all training days recognised (threshold rounded up);
//! - `removed` when absences exceed 20% of all training days, or reach half of one unit
//!   period's days; with the card's dropout deduction;
//! - `not_completed` (미수료) otherwise.
//!
//! Early employment is recorded by staff with the employment date: completion by employment
//! when the days recognised up to that date reach 80% of ALL training days, else a dropout with
//! the card's deduction (research B.4).
//!
//! The payroll run does not do this: closing a course is a decision staff take (they may still
//! correct the last days), so a run only pays periods and never moves a status. Retrying is
//! safe: each change is conditional on the status seen, so an enrolment already moved is left
//! alone and its card is never deducted twice.

use aiup_core::policy::Text;
use aiup_people::{EnrolmentEvent, EnrolmentStatus};
use aiup_rules::Engine;
use aiup_store::{CardEffect, EnrolmentRecord, StatusChange};
use chrono::{Days, NaiveDate};

use crate::accounts::{Actor, Permission};
use crate::card::RuleRef;
use crate::enrolment::DROPOUT_DEDUCTIONS;
use crate::payroll::{directory, periods_of, PeriodFigures};
use crate::statement::rule_on;
use crate::{App, AppError, Code};

/// Parameters the outcomes cite.
pub mod rules {
    pub const COMPLETION: &str = "completion.attendance_rate";
    pub const REMOVAL_COURSE: &str = "completion.removal.course_absence_rate";
    pub const REMOVAL_PERIOD: &str = "completion.removal.period_absence_rate";
    pub const EARLY_EMPLOYMENT: &str = "completion.early_employment.attendance_rate";
}

fn text(ko: impl Into<String>, en: impl Into<String>) -> Text {
    Text {
        ko: ko.into(),
        en: en.into(),
    }
}

/// Which rule decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decided {
    Completed,
    NotCompleted,
    /// Absences over 20% of all training days.
    RemovedCourseAbsences,
    /// Absences of half or more of one unit period's days.
    RemovedPeriodAbsences {
        period: u32,
    },
    CompletedByEmployment,
    /// Employed before reaching the threshold: a dropout.
    EmployedBelowThreshold,
}

impl Decided {
    pub fn event(self) -> EnrolmentEvent {
        match self {
            Decided::Completed => EnrolmentEvent::Complete,
            Decided::NotCompleted => EnrolmentEvent::NotComplete,
            Decided::RemovedCourseAbsences | Decided::RemovedPeriodAbsences { .. } => EnrolmentEvent::Remove,
            Decided::CompletedByEmployment => EnrolmentEvent::CompleteByEmployment,
            Decided::EmployedBelowThreshold => EnrolmentEvent::DropOut,
        }
    }

    fn rule(self) -> &'static str {
        match self {
            Decided::Completed | Decided::NotCompleted => rules::COMPLETION,
            Decided::RemovedCourseAbsences => rules::REMOVAL_COURSE,
            Decided::RemovedPeriodAbsences { .. } => rules::REMOVAL_PERIOD,
            Decided::CompletedByEmployment | Decided::EmployedBelowThreshold => rules::EARLY_EMPLOYMENT,
        }
    }

    /// Whether the card's dropout deduction applies.
    pub fn deducts(self) -> bool {
        matches!(
            self,
            Decided::RemovedCourseAbsences | Decided::RemovedPeriodAbsences { .. } | Decided::EmployedBelowThreshold
        )
    }
}

/// The attendance a course outcome is decided on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CourseAttendance {
    pub training_days: u32,
    pub recognised_days: u32,
    /// 80% of all training days, rounded up.
    pub threshold_days: u32,
    pub absences: u32,
}

/// One enrolment's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct CompletionDone {
    pub enrolment_id: i64,
    pub from: EnrolmentStatus,
    pub to: EnrolmentStatus,
    pub decided: Decided,
    pub rule: RuleRef,
    pub reason: Text,
    pub attendance: CourseAttendance,
    /// What the card was deducted (0 if none).
    pub card_deduction_won: i64,
}

/// The course outcome from all periods' figures (counted to the course end, or to the
/// employment date with `employed_on`).
pub fn decide(periods: &[PeriodFigures], employed_on: Option<NaiveDate>, all_days: u32) -> (Decided, CourseAttendance) {
    let recognised: u32 = periods.iter().map(|p| p.recognised_days).sum();
    let absences: u32 = periods.iter().map(|p| p.absences).sum();
    let threshold = (all_days * 8).div_ceil(10);
    let att = CourseAttendance {
        training_days: all_days,
        recognised_days: recognised,
        threshold_days: threshold,
        absences,
    };
    if employed_on.is_some() {
        let decided = if recognised >= threshold {
            Decided::CompletedByEmployment
        } else {
            Decided::EmployedBelowThreshold
        };
        return (decided, att);
    }
    if absences * 5 > all_days {
        return (Decided::RemovedCourseAbsences, att);
    }
    if let Some(p) = periods
        .iter()
        .find(|p| p.scheduled_days > 0 && p.absences * 2 >= p.scheduled_days)
    {
        return (Decided::RemovedPeriodAbsences { period: p.index }, att);
    }
    let decided = if recognised >= threshold {
        Decided::Completed
    } else {
        Decided::NotCompleted
    };
    (decided, att)
}

fn reason_of(decided: Decided, a: &CourseAttendance, employed_on: Option<NaiveDate>) -> Text {
    let (r, t, n, x) = (a.recognised_days, a.threshold_days, a.training_days, a.absences);
    match decided {
        Decided::Completed => text(
            format!("전체 훈련일 {n}일 중 {r}일 출석 인정(기준 {t}일 이상): 수료"),
            format!("{r} of {n} training days recognised (at least {t} needed): completed"),
        ),
        Decided::NotCompleted => text(
            format!("전체 훈련일 {n}일 중 {r}일 출석 인정(기준 {t}일 미만): 미수료"),
            format!("{r} of {n} training days recognised (fewer than {t}): not completed"),
        ),
        Decided::RemovedCourseAbsences => text(
            format!("결석 {x}일이 전체 훈련일 {n}일의 20%를 넘어 제적"),
            format!("{x} absences exceed 20% of the {n} training days: removed"),
        ),
        Decided::RemovedPeriodAbsences { period } => text(
            format!("{period}단위기간 결석이 그 기간 훈련일의 절반 이상이라 제적"),
            format!("absences in unit period {period} reached half of its training days: removed"),
        ),
        Decided::CompletedByEmployment => text(
            format!(
                "{}에 취업, 그때까지 {r}일 출석 인정(전체 {n}일의 80% = {t}일 이상): 조기취업 수료",
                employed_on.map(|d| d.to_string()).unwrap_or_default()
            ),
            format!(
                "employed on {}, with {r} days recognised by then (at least {t}, 80% of {n}): completed early by \
                 employment",
                employed_on.map(|d| d.to_string()).unwrap_or_default()
            ),
        ),
        Decided::EmployedBelowThreshold => text(
            format!(
                "{}에 취업했으나 그때까지 {r}일 출석 인정(기준 {t}일 미만): 중도 포기",
                employed_on.map(|d| d.to_string()).unwrap_or_default()
            ),
            format!(
                "employed on {}, with only {r} days recognised by then (fewer than {t}): dropped out",
                employed_on.map(|d| d.to_string()).unwrap_or_default()
            ),
        ),
    }
}

impl App {
    /// Closes a cohort after its last day: every enrolment still in training gets its course
    /// outcome. Staff of the course's institution or a programme administrator.
    pub async fn complete_cohort(
        &self,
        actor: &Actor,
        course_id: &str,
        ordinal: i64,
    ) -> Result<Vec<CompletionDone>, AppError> {
        let records = self.db().enrolments().of_cohort(course_id, ordinal).await?;
        let staff = actor.allows(Permission::DecideApplications);
        if !(staff || actor.allows(Permission::RunPayroll)) {
            return Err(AppError::forbidden("the role may not close a cohort"));
        }
        let Some(first) = records.first() else {
            return Err(AppError::not_found("cohort"));
        };
        if staff && !actor.sees_institution(&first.institution_id) {
            return Err(AppError::not_found("cohort"));
        }
        let today = self.today();
        if first.cohort_end >= today {
            return Err(AppError::bilingual(
                Code::InvalidTransition,
                Some("cohort"),
                text(
                    format!(
                        "기수가 {}에 끝납니다. 수료 처리는 다음 날부터 할 수 있습니다.",
                        first.cohort_end
                    ),
                    format!(
                        "the cohort ends on {}; outcomes can be recorded from the day after",
                        first.cohort_end
                    ),
                ),
            ));
        }
        let mut out = Vec::new();
        for record in records {
            if record.status == EnrolmentStatus::InTraining.as_str() {
                out.push(self.close_enrolment(actor, &record, None).await?);
            }
        }
        Ok(out)
    }

    /// Staff record that a trainee took a job on `employed_on`: completion by employment after
    /// 80% of all training days, else a dropout with the card's deduction.
    pub async fn complete_by_employment(
        &self,
        actor: &Actor,
        enrolment_id: i64,
        employed_on: NaiveDate,
    ) -> Result<CompletionDone, AppError> {
        actor.require(Permission::DecideApplications)?;
        let record = match self.db().enrolments().enrolment(enrolment_id).await? {
            Some(r) if actor.sees_institution(&r.institution_id) => r,
            _ => return Err(AppError::not_found("enrolment")),
        };
        if employed_on < record.cohort_start || employed_on > self.today() {
            return Err(AppError::bilingual(
                Code::InvalidField,
                Some("employed_on"),
                text(
                    "취업일은 훈련 시작일부터 오늘까지여야 합니다.",
                    "the employment date must be between the course start and today",
                ),
            ));
        }
        self.close_enrolment(actor, &record, Some(employed_on)).await
    }

    /// Evaluates and moves one enrolment in training.
    async fn close_enrolment(
        &self,
        actor: &Actor,
        record: &EnrolmentRecord,
        employed_on: Option<NaiveDate>,
    ) -> Result<CompletionDone, AppError> {
        let from = EnrolmentStatus::parse(&record.status).unwrap_or(EnrolmentStatus::Cancelled);
        let engine = self.engine();
        let Some(course) = directory::compile_one(self, &engine, record).await? else {
            return Err(AppError::bilingual(
                Code::NotFound,
                Some("course"),
                text(
                    "과정 또는 훈련생 프로필을 읽을 수 없어 수료 여부를 정할 수 없습니다.",
                    "the course or the trainee's profile cannot be read, so no outcome can be decided",
                ),
            ));
        };
        let months = self
            .db()
            .attendance()
            .months(
                &[record.id],
                aiup_people::attendance::month_of(record.cohort_start),
                record.cohort_end,
            )
            .await?;
        // All training days of the course, and the periods counted to the end (or employment).
        let whole = periods_of(&engine, &course, &months, record.cohort_end)?;
        let all_days: u32 = whole.iter().map(|p| p.scheduled_days).sum();
        let counted = match employed_on {
            Some(day) => periods_of(&engine, &course, &months, day)?
                .into_iter()
                .filter(|p| p.start <= day)
                .collect(),
            None => whole,
        };
        let (decided, attendance) = decide(&counted, employed_on, all_days);
        let event = decided.event();
        let to = from
            .after(event)
            .map_err(|e| AppError::bilingual(Code::InvalidTransition, None, text(e.message_ko(), e.to_string())))?;
        let today = self.today();
        let card = if decided.deducts() {
            self.outcome_deduction(&engine, record, today, decided).await?
        } else {
            CardEffect::None
        };
        let card_deduction_won = match &card {
            CardEffect::Deduct { amount_won, .. } => *amount_won,
            _ => 0,
        };
        let reason = reason_of(decided, &attendance, employed_on);
        let change = StatusChange {
            enrolment_id: record.id,
            from: from.as_str().to_owned(),
            to: to.as_str().to_owned(),
            event: event.as_str().to_owned(),
            reason: Some(reason.ko.clone()),
            on_date: today,
            card,
            frees_seat: false,
            offer_freed_seat: None,
        };
        self.db().enrolments().change(&change, &actor.audit_name()).await?;
        Ok(CompletionDone {
            enrolment_id: record.id,
            from,
            to,
            decided,
            rule: rule_on(&engine, decided.rule(), record.cohort_end),
            reason,
            attendance,
            card_deduction_won,
        })
    }

    /// The card's dropout deduction for a removal or a dropout by employment: none within the
    /// free-withdrawal days after the start, else the policy's amount for the person's count
    /// of earlier dropouts and removals.
    async fn outcome_deduction(
        &self,
        engine: &Engine,
        record: &EnrolmentRecord,
        today: NaiveDate,
        decided: Decided,
    ) -> Result<CardEffect, AppError> {
        let terms = engine.card_terms(today);
        let free_until = record
            .cohort_start
            .checked_add_days(Days::new(u64::from(
                engine.card_terms(record.cohort_start).free_withdrawal_days,
            )))
            .unwrap_or(record.cohort_start);
        if today <= free_until {
            return Ok(CardEffect::None);
        }
        let earlier = self
            .db()
            .enrolments()
            .of_person(record.person_id)
            .await?
            .iter()
            .filter(|e| {
                e.id != record.id
                    && (e.status == EnrolmentStatus::DroppedOut.as_str()
                        || e.status == EnrolmentStatus::Removed.as_str())
            })
            .count();
        let nth = u32::try_from(earlier + 1).unwrap_or(u32::MAX);
        let amount = terms.dropout_deduction(nth);
        if amount.0 <= 0 {
            return Ok(CardEffect::None);
        }
        Ok(CardEffect::Deduct {
            amount_won: amount.0,
            rule: DROPOUT_DEDUCTIONS.to_owned(),
            params: serde_json::json!({
                "nth": nth,
                "deduction_won": amount.0,
                "free_until": free_until,
                "outcome_rule": decided.rule(),
                "enrolment_id": record.id,
            }),
        })
    }
}
