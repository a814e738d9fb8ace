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
use aiup_rules::outcome::{CourseResult, Decision, OutcomeFacts};
use aiup_rules::Engine;
use aiup_store::{CardEffect, EnrolmentRecord, StatusChange};
use chrono::{Days, NaiveDate};

use crate::accounts::{Actor, Permission};
use crate::card::RuleRef;
use crate::enrolment::DROPOUT_DEDUCTIONS;
use crate::payroll::{counts_of, directory};
use crate::statement::rule_on;
use crate::{App, AppError, Code};

fn text(ko: impl Into<String>, en: impl Into<String>) -> Text {
    Text {
        ko: ko.into(),
        en: en.into(),
    }
}

/// The enrolment event that records a course result.
pub fn event_of(result: CourseResult) -> EnrolmentEvent {
    match result {
        CourseResult::Completed => EnrolmentEvent::Complete,
        CourseResult::EarlyEmployment => EnrolmentEvent::CompleteByEmployment,
        CourseResult::NotCompleted => EnrolmentEvent::NotComplete,
        CourseResult::Removed => EnrolmentEvent::Remove,
        CourseResult::Dropout => EnrolmentEvent::DropOut,
    }
}

/// Whether the card's dropout deduction applies to a result (removal, or a job taken before
/// the attendance the rule asks for).
pub fn deducts(result: CourseResult) -> bool {
    matches!(result, CourseResult::Removed | CourseResult::Dropout)
}

/// One enrolment's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct CompletionDone {
    pub enrolment_id: i64,
    pub from: EnrolmentStatus,
    pub to: EnrolmentStatus,
    /// The rules' decision: the result, the rule that decided, the figures it compared.
    pub decision: Decision,
    /// The deciding rule's own parameter, described and cited.
    pub rule: RuleRef,
    /// Every citation of the deciding rule's parameters.
    pub citations: Vec<String>,
    pub reason: Text,
    /// What the card was deducted (0 if none).
    pub card_deduction_won: i64,
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
        let months = directory::months_of(self, record).await?;
        // Counted to the course end, or to the day before the job started.
        let until = match employed_on {
            Some(day) => day.pred_opt().unwrap_or(day),
            None => record.cohort_end,
        };
        let periods = counts_of(&engine, &course, &months, until)?;
        let facts = OutcomeFacts {
            delivery: course.case.delivery,
            training_days: u32::try_from(course.dates.len()).unwrap_or(u32::MAX),
            periods: &periods,
            remote: None,
            employed_on,
        };
        let outcome = engine.course_outcome(record.cohort_start, &facts);
        let decision = outcome.decision;
        let event = event_of(decision.result);
        let to = from
            .after(event)
            .map_err(|e| AppError::bilingual(Code::InvalidTransition, None, text(e.message_ko(), e.to_string())))?;
        let today = self.today();
        let card = if deducts(decision.result) {
            self.outcome_deduction(&engine, record, today, decision).await?
        } else {
            CardEffect::None
        };
        let card_deduction_won = match &card {
            CardEffect::Deduct { amount_won, .. } => *amount_won,
            _ => 0,
        };
        let mut reason = text(outcome.explanation.ko, outcome.explanation.en);
        if let Some(day) = employed_on {
            reason.ko = format!("{day} 취업. {}", reason.ko);
            reason.en = format!("Employed from {day}. {}", reason.en);
        }
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
        let rule_id = decision.rule.params().first().copied().unwrap_or_default();
        Ok(CompletionDone {
            enrolment_id: record.id,
            from,
            to,
            decision,
            rule: rule_on(&engine, rule_id, record.cohort_start),
            citations: outcome.citations,
            reason,
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
        decision: Decision,
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
                "outcome": decision.result.as_str(),
                "outcome_rule": decision.rule.params().first().copied().unwrap_or_default(),
                "enrolment_id": record.id,
            }),
        })
    }
}
